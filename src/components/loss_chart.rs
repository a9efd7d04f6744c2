//! The live loss chart: the loss per training step on a log axis, with the
//! task's baseline (what a network that learned nothing scores) and its
//! "solved" line. Drawn with plotters on a canvas at the screen's
//! devicePixelRatio, so it stays sharp on HiDPI screens and projectors.
//!
//! [`ChartData::prepare`] (plain, tested) decides what to draw;
//! [`draw`] only draws it.

use crate::components::status::format_loss;
use crate::i18n::*;
use crate::lab::Lab;
use crate::lang::Locale;
use crate::state::history::LossPoint;
use crate::views::chart::{self, LogAxis};
use leptos::prelude::*;
use rnn_core::tasks::TaskInfo;

/// Okabe–Ito colours: distinguishable with any colour vision.
const C_LOSS: (u8, u8, u8) = (0, 114, 178);
const C_BASELINE: (u8, u8, u8) = (213, 94, 0);
const C_SOLVED: (u8, u8, u8) = (0, 158, 115);

#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub points: Vec<(f64, f64)>,
    /// Run B of a comparison, on the same axes (empty without B).
    pub points_b: Vec<(f64, f64)>,
    pub x_max: f64,
    /// Log-axis range, both > 0.
    pub y_min: f64,
    pub y_max: f64,
    pub baseline: Option<f64>,
    pub solved: Option<f64>,
    /// Every word drawn on the canvas (axis titles, line labels' names), in
    /// the page's language; also published on the canvas as `data-words`
    /// so a test can read what the chart says.
    pub words: ChartWords,
}

/// The chart's words in one language.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartWords {
    pub x: &'static str,
    pub y: &'static str,
    pub baseline: &'static str,
    pub solved: &'static str,
}

impl ChartWords {
    pub fn new(l: Locale) -> ChartWords {
        ChartWords {
            x: td_string!(l, app.chart.x),
            y: td_string!(l, app.chart.y),
            baseline: td_string!(l, app.chart.baseline),
            solved: td_string!(l, app.chart.solved),
        }
    }

    /// All of them, one per line.
    pub fn joined(&self) -> String {
        [self.x, self.y, self.baseline, self.solved].join("\n")
    }
}

impl ChartData {
    pub fn prepare(points: &[LossPoint], info: Option<&TaskInfo>, l: Locale) -> ChartData {
        Self::prepare_ab(points, &[], info, l)
    }

    /// Runs A and B of a comparison on one chart: one range for both.
    pub fn prepare_ab(
        points: &[LossPoint],
        points_b: &[LossPoint],
        info: Option<&TaskInfo>,
        l: Locale,
    ) -> ChartData {
        const FLOOR: f64 = 1e-7;
        let pos = |x: f64| (x.is_finite() && x > 0.0).then_some(x);
        let baseline = info.and_then(|i| pos(i.baseline_loss));
        let solved = info.and_then(|i| pos(i.solved_loss));
        let curve = |points: &[LossPoint]| -> Vec<(f64, f64)> {
            points
                .iter()
                .map(|p| (p.step as f64, p.loss.max(FLOOR)))
                .collect()
        };
        let points = curve(points);
        let points_b = curve(points_b);
        let ys = points
            .iter()
            .chain(&points_b)
            .map(|p| p.1)
            .chain(baseline)
            .chain(solved);
        let (lo, hi) = ys.fold((f64::INFINITY, 0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let (lo, hi) = if lo.is_finite() && hi > 0.0 {
            (lo, hi)
        } else {
            (0.01, 1.0)
        };
        // A margin of a factor of 2 either side, and at least one decade.
        let (mut y_min, mut y_max) = ((lo / 2.0).max(FLOOR), (hi * 2.0).min(1e12));
        if y_max / y_min < 10.0 {
            let mid = (y_min * y_max).sqrt();
            y_min = mid / 10f64.sqrt();
            y_max = mid * 10f64.sqrt();
        }
        let x_max = points
            .last()
            .into_iter()
            .chain(points_b.last())
            .map(|p| p.0)
            .fold(10.0, f64::max);
        ChartData {
            points,
            points_b,
            x_max,
            y_min,
            y_max,
            baseline,
            solved,
            words: ChartWords::new(l),
        }
    }
}

#[component]
pub fn LossChart() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let i18n = use_i18n();
    let resized = RwSignal::new(0u32);
    let _ = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    Effect::new(move |_| {
        resized.track();
        let Some(el) = canvas.get() else { return };
        let info = lab.task_info.get();
        let l = i18n.get_locale();
        let b = lab.b.history.with(|h| h.points());
        let data = lab
            .history
            .with(|h| ChartData::prepare_ab(&h.points(), &b, info.as_deref(), l));
        let _ = el.set_attribute("data-words", &data.words.joined());
        if let Err(e) = draw(&el, &data) {
            leptos::logging::warn!("loss chart: {e}");
        }
    });
    let caption = move || {
        let l = i18n.get_locale();
        lab.task_info.with(|i| {
            i.as_ref().map(|i| {
                crate::tr!(
                    l,
                    app.chart.caption,
                    baseline = format_loss(i.baseline_loss),
                    note = crate::text::baseline_note(l, i),
                    solved = trim_zeros(format_loss(i.solved_loss))
                )
                .to_string()
                    + if lab.b.on.get() {
                        td_string!(l, app.compare.caption_b)
                    } else {
                        ""
                    }
            })
        })
    };
    view! {
        <figure class="loss-chart">
            <canvas
                node_ref=canvas
                data-testid="loss-chart"
                role="img"
                aria-label=move || t_string!(i18n, app.chart.aria)
            ></canvas>
            <figcaption class="muted">{caption}</figcaption>
        </figure>
    }
}

/// Sizes the canvas to its CSS box × devicePixelRatio and draws the chart.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, d: &ChartData) -> Result<(), String> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    // The backing store at devicePixelRatio and a white root, as the views'.
    let (fit, root) = chart::root(canvas)?;
    let dpr = fit.dpr;
    // Lengths and type follow the page's root font size (17 px at 1280 wide).
    let em = root_font_px() / 17.0;
    let px = |x: f64| (x * dpr * em).round() as u32;
    // The page's font stack, so Chinese labels find a face: see
    // `views::chart::font`.
    let font = |size: f64| (FontFamily::Name(crate::lang::FONT_STACK), size * dpr * em).into_font();
    // Log scale as log10 on a linear axis: see `views::chart::LogAxis`.
    let axis = LogAxis::new(d.y_min, d.y_max);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .margin_right(px(125.0))
        .x_label_area_size(px(48.0))
        .y_label_area_size(px(78.0))
        .build_cartesian_2d(0f64..d.x_max, axis.range())
        .map_err(chart::err)?;
    chart
        .configure_mesh()
        .x_desc(d.words.x)
        .y_desc(d.words.y)
        .label_style(font(15.0))
        .axis_desc_style(font(16.0))
        .x_labels(6)
        .y_labels(axis.ticks())
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| axis.label(*y, format_tick))
        .bold_line_style(RGBColor(220, 220, 220).stroke_width(px(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(px(1.0)))
        .draw()
        .map_err(chart::err)?;

    let color = |c: (u8, u8, u8)| RGBColor(c.0, c.1, c.2);
    let hline = |y: f64| [(0.0, LogAxis::at(y)), (d.x_max, LogAxis::at(y))];
    // Reference lines are labelled in the right margin, beside where they
    // end: a legend box would hide the curve.
    let mut labels = Vec::new();
    let mut reference = |y: f64, c: (u8, u8, u8), dash: (f64, f64), name: &str| {
        chart
            .draw_series(DashedLineSeries::new(
                hline(y),
                px(dash.0),
                px(dash.1),
                color(c).stroke_width(px(2.5)),
            ))
            .map_err(chart::err)?;
        let (x, y_px) = chart.backend_coord(&(d.x_max, LogAxis::at(y)));
        labels.push((
            format!("{name} {}", trim_zeros(format_loss(y))),
            (x + px(8.0) as i32, y_px),
            c,
        ));
        Ok::<(), String>(())
    };
    if let Some(b) = d.baseline {
        reference(b, C_BASELINE, (10.0, 6.0), d.words.baseline)?;
    }
    if let Some(s) = d.solved {
        reference(s, C_SOLVED, (3.0, 5.0), d.words.solved)?;
    }
    if !d.points_b.is_empty() {
        chart
            .draw_series(LineSeries::new(
                d.points_b.iter().map(|&(x, y)| (x, LogAxis::at(y))),
                color(chart::RUN_B).stroke_width(px(2.5)),
            ))
            .map_err(chart::err)?;
    }
    chart
        .draw_series(LineSeries::new(
            d.points.iter().map(|&(x, y)| (x, LogAxis::at(y))),
            color(C_LOSS).stroke_width(px(2.5)),
        ))
        .map_err(chart::err)?;

    // The latest point, so a single point (the untrained net) shows too.
    if let Some(&(x, y)) = d.points.last() {
        chart
            .draw_series(std::iter::once(Circle::new(
                (x, LogAxis::at(y)),
                px(5.0),
                color(C_LOSS).filled(),
            )))
            .map_err(chart::err)?;
    }
    for (text, at, c) in labels {
        let style = font(15.0)
            .color(&color(c))
            .pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(text, at, style)).map_err(chart::err)?;
    }
    root.present().map_err(chart::err)?;
    Ok(())
}

/// The computed font size of `<html>`, in CSS pixels.
fn root_font_px() -> f64 {
    web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            let style = w.get_computed_style(&root).ok()??;
            style.get_property_value("font-size").ok()
        })
        .and_then(|v| crate::number::parse_f64(v.trim_end_matches("px")))
        .filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(17.0)
        .clamp(8.0, 48.0)
}

/// `0.002500` → `0.0025` (a reference value, not a measurement).
fn trim_zeros(s: String) -> String {
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Log-axis tick labels: `0.01`, `1`, `1e-5`.
fn format_tick(y: f64) -> String {
    if (1e-3..1e4).contains(&y) {
        let s = format!("{y:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{y:.0e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_history_still_has_a_sane_range() {
        let d = ChartData::prepare(&[], None, Locale::en);
        assert!(d.y_min > 0.0 && d.y_max / d.y_min >= 10.0 - 1e-9);
        assert_eq!(d.x_max, 10.0);
    }

    #[test]
    fn range_covers_losses_and_reference_lines() {
        let pts = [
            LossPoint { step: 0, loss: 0.5 },
            LossPoint { step: 500, loss: 0.0 },
        ];
        let d = ChartData::prepare(&pts, None, Locale::zh);
        assert!(d.y_min > 0.0 && d.y_min <= 1e-7);
        assert!(d.y_max >= 1.0);
        assert_eq!(d.x_max, 500.0);
    }

    #[test]
    fn ticks_read_well() {
        assert_eq!(format_tick(0.01), "0.01");
        assert_eq!(format_tick(1.0), "1");
        assert_eq!(format_tick(1e-5), "1e-5");
        assert_eq!(trim_zeros("0.002500".into()), "0.0025");
        assert_eq!(trim_zeros("2.000e-5".into()), "2.000e-5");
    }
}
