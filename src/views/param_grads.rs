//! View 5, parameter gradients and clipping (`param-grads`): each
//! parameter's gradient norm after clipping over training (one line per
//! parameter, log axis), the global norm ‖g‖ before and after clipping, the
//! clip threshold as a horizontal line, and a mark at every step where
//! clipping fired. Accumulated from every snapshot the lab publishes,
//! cleared on reset, and compressed (pairs of neighbours merged, keeping
//! the larger norm) beyond [`CAP`] points, so the chart never claims a norm
//! smaller than the one applied.
//!
//! [`ParamHistory`] (plain, tested) holds the numbers; [`draw`] draws them.
//! The words are in the `grads` namespace (`grads.params.*`).

use crate::html::{legend_item, Html, Table, BUTTON, TD, TH};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use crate::state::settings::ClipMode;
use crate::views::chart::{css, err, font, house_style, pxi, rgb, root, LogAxis, OKABE_ITO};
use crate::views::onscreen::{table_due, Redraw};
use crate::views::stats::{fmt, log_range};
use crate::views::throttle::throttled_tick;
use crate::views::trace_cards::{clip_card, ClipNumbers};
use leptos::prelude::*;
use rnn_core::{ClipReport, Direction};

/// Most points kept per series.
pub const CAP: usize = 400;
/// Norms below this are drawn at the bottom of the log axis.
const FLOOR: f64 = 1e-12;

/// One plotted point: the snapshots of steps `first..=last`, merged.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamPoint {
    pub first: u64,
    pub last: u64,
    /// Per parameter, in `ParamHistory::names` order.
    pub before: Vec<f64>,
    pub after: Vec<f64>,
    pub global_before: f64,
    pub global_after: f64,
    /// Clipping fired at one of the merged steps.
    pub fired: bool,
    /// The clip report's numbers of the step that fired (of the merged
    /// steps, the one with the largest ‖g‖), for the clip mark's card.
    pub clip: Option<ClipNumbers>,
}

impl ParamPoint {
    fn merge(a: &ParamPoint, b: &ParamPoint) -> ParamPoint {
        let max = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p.max(*q)).collect();
        ParamPoint {
            first: a.first,
            last: b.last,
            before: max(&a.before, &b.before),
            after: max(&a.after, &b.after),
            global_before: a.global_before.max(b.global_before),
            global_after: a.global_after.max(b.global_after),
            fired: a.fired || b.fired,
            clip: match (&a.clip, &b.clip) {
                (Some(x), Some(y)) if y.norm_before > x.norm_before => Some(y.clone()),
                (Some(x), _) => Some(x.clone()),
                (None, y) => y.clone(),
            },
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamHistory {
    pub names: Vec<String>,
    pub points: Vec<ParamPoint>,
}

impl ParamHistory {
    /// Adds the clip report of training step `step` (a step already present
    /// is replaced; a report with other parameter names starts over).
    pub fn push(&mut self, step: u64, clip: &ClipReport) {
        let names: Vec<&str> = clip.params.iter().map(|p| p.name.as_str()).collect();
        if self.names.iter().map(String::as_str).ne(names.iter().copied()) {
            self.names = names.iter().map(|s| s.to_string()).collect();
            self.points.clear();
        }
        let point = ParamPoint {
            first: step,
            last: step,
            before: clip.params.iter().map(|p| p.before_clip).collect(),
            after: clip.params.iter().map(|p| p.after_clip).collect(),
            global_before: clip.norm_before,
            global_after: clip.norm_after,
            fired: clip.fired,
            clip: ClipNumbers::of(step, clip),
        };
        match self.points.last() {
            Some(last) if last.first == step && last.last == step => *self.points.last_mut().unwrap() = point,
            Some(last) if last.last >= step => {
                // Time went backwards: a new run without a reset we saw.
                self.points.clear();
                self.points.push(point);
            }
            _ => self.points.push(point),
        }
        if self.points.len() > CAP {
            self.compress();
        }
    }

    /// Halves the number of points by merging neighbours.
    fn compress(&mut self) {
        let merged: Vec<ParamPoint> = self
            .points
            .chunks(2)
            .map(|c| {
                if c.len() == 2 {
                    ParamPoint::merge(&c[0], &c[1])
                } else {
                    c[0].clone()
                }
            })
            .collect();
        self.points = merged;
    }

    pub fn clear(&mut self) {
        self.points.clear();
    }

    /// How many steps each point stands for (1 until the history was compressed).
    pub fn steps_per_point(&self) -> u64 {
        self.points
            .iter()
            .map(|p| p.last - p.first + 1)
            .max()
            .unwrap_or(1)
    }

    /// The log-axis range: every plotted norm and the threshold.
    pub fn y_range(&self, threshold: Option<f64>) -> (f64, f64) {
        let values = self
            .points
            .iter()
            .flat_map(|p| p.after.iter().copied().chain([p.global_before, p.global_after]))
            .chain(threshold);
        log_range(values, FLOOR)
    }

    /// The data table, as HTML: one row per plotted point.
    pub fn table_html(&self, mode: ClipMode, threshold: f64, l: Locale) -> String {
        let caption = crate::tr!(
            l,
            grads.params.table_caption,
            mode = crate::text::clip(l, mode),
            t = threshold
        );
        let mut t = Table::new(&caption);
        let head = t.head();
        head.el(TH, td_string!(l, grads.params.first_step))
            .el(TH, td_string!(l, grads.params.last_step))
            .el(TH, td_string!(l, grads.params.fired));
        for n in &self.names {
            let shown = param_label(l, n);
            head.open(TH)
                .attr("data-param", n)
                .text(&crate::tr!(l, grads.params.after, name = &shown))
                .close();
            head.el(TH, &crate::tr!(l, grads.params.before, name = &shown));
        }
        head.el(TH, td_string!(l, grads.params.table_global_after))
            .el(TH, td_string!(l, grads.params.table_global_before));
        let (yes, no) = (td_string!(l, grads.params.yes), td_string!(l, grads.params.no));
        let cell = |row: &mut Html, kind: &'static str, v: f64| {
            row.open(TD).attr("data-kind", kind).num(v).close();
        };
        for p in &self.points {
            let row = t.row();
            row.open(TD).num(p.first as f64).close();
            row.open(TD).num(p.last as f64).close();
            let fired = if p.fired { "true" } else { "false" };
            row.open(TD)
                .attr("data-fired", fired)
                .text(if p.fired { yes } else { no })
                .close();
            for (a, b) in p.after.iter().zip(&p.before) {
                cell(row, "after", *a);
                cell(row, "before", *b);
            }
            cell(row, "global-after", p.global_after);
            cell(row, "global-before", p.global_before);
        }
        t.finish()
    }
}

/// A parameter's name as the page shows it: the engine's `fwd.W` and
/// `bwd.W` (the bidirectional model's two directions) in words of the
/// page's language, every other name (U, W, V, b, c…) as it is.
pub fn param_label(l: Locale, name: &str) -> String {
    for d in Direction::ALL {
        if let Some(rest) = name.strip_prefix(d.prefix()) {
            return match d {
                Direction::Forward => crate::tr!(l, grads.params.forward_param, name = rest),
                Direction::Backward => crate::tr!(l, grads.params.backward_param, name = rest),
            };
        }
    }
    name.to_string()
}

/// The caption over the chart: the steps covered, the clipping and how
/// often it fired.
pub fn caption_text(h: &ParamHistory, mode: ClipMode, threshold: f64, l: Locale) -> String {
    let last = h.points.last().map_or(0, |p| p.last);
    let fired = h.points.iter().filter(|p| p.fired).count();
    let per = h.steps_per_point();
    let t = fmt(threshold);
    let mode = match mode {
        ClipMode::None => td_string!(l, grads.params.mode_off).to_string(),
        ClipMode::Norm => crate::tr!(l, grads.params.mode_norm, t),
        ClipMode::Value => crate::tr!(l, grads.params.mode_value, t),
    };
    let n = h.points.len();
    if per > 1 {
        crate::tr!(l, grads.params.caption_merged, last, per, mode, fired, n)
    } else {
        crate::tr!(l, grads.params.caption, last, mode, fired, n)
    }
}

/// The words of the chart: its axis titles and the threshold line's label
/// (HTML legend aside), in one language.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartWords {
    pub x: &'static str,
    pub y: &'static str,
    /// The threshold line's label, when the line is drawn.
    pub threshold: Option<String>,
}

impl ChartWords {
    pub fn new(l: Locale, mode: ClipMode, threshold: f64) -> ChartWords {
        let t = fmt(threshold);
        ChartWords {
            x: td_string!(l, grads.params.x),
            y: td_string!(l, grads.params.y),
            threshold: match mode {
                ClipMode::None => None,
                ClipMode::Value => Some(crate::tr!(l, grads.params.value_line, t)),
                ClipMode::Norm => Some(crate::tr!(l, grads.params.threshold_line, t)),
            },
        }
    }

    /// Every word drawn, one per line (the canvas's `data-words`).
    pub fn joined(&self) -> String {
        let mut v = vec![self.x.to_string(), self.y.to_string()];
        v.extend(self.threshold.clone());
        v.join("\n")
    }
}

/// The HTML legend: one entry per parameter, then the global norm before
/// and after clipping and the threshold.
pub fn legend_html(names: &[String], l: Locale) -> String {
    let mut h = Html::new();
    let mut swatch = |name: &str, c: (u8, u8, u8), dashed: bool| {
        let class = if dashed { "swatch dashed" } else { "swatch" };
        legend_item(&mut h, class, &format!("border-color: {}", css(c)), name)
    };
    for (i, n) in names.iter().enumerate() {
        let (c, dashed) = series_style(i);
        swatch(&param_label(l, n), c, dashed);
    }
    swatch(td_string!(l, grads.params.global_after), C_GLOBAL, false);
    swatch(td_string!(l, grads.params.global_before), C_GLOBAL, true);
    swatch(td_string!(l, grads.params.threshold_legend), C_THRESHOLD, true);
    h.finish()
}

/// A parameter's line colour and whether it is dashed (beyond five
/// parameters the colours repeat, dashed). Vermillion (threshold, fired
/// marks) and black (global norm) are kept for the reference lines.
pub fn series_style(i: usize) -> ((u8, u8, u8), bool) {
    const PALETTE: [usize; 5] = [0, 2, 3, 4, 5];
    (OKABE_ITO[PALETTE[i % PALETTE.len()]], i >= PALETTE.len())
}

const C_THRESHOLD: (u8, u8, u8) = (213, 94, 0);
const C_GLOBAL: (u8, u8, u8) = (0, 0, 0);

#[component]
pub fn ParamGrads() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let history = StoredValue::new(ParamHistory::default());
    let seen_epoch = StoredValue::new(u64::MAX);
    let (changed, set_changed) = signal(0u64);
    // Every snapshot goes into the history (cheap); drawing is throttled.
    Effect::new(move |_| {
        let epoch = lab.epoch.get();
        if seen_epoch.get_value() != epoch {
            seen_epoch.set_value(epoch);
            history.update_value(ParamHistory::clear);
        }
        lab.shown_snapshot().with(|s| {
            if let Some(s) = s {
                history.update_value(|h| h.push(s.step, &s.clip));
            }
        });
        set_changed.update(|n| *n += 1);
    });
    let tick = throttled_tick(move || changed.track(), 250.0);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let table = RwSignal::new(String::new());
    let names = RwSignal::new(Vec::<String>::new());
    let caption = RwSignal::new(String::new());
    let redraw = Redraw::new();
    let table_built = StoredValue::new(false);
    let marks = RwSignal::new(String::new());
    // The clip mark whose card is open: its numbers and the steps it stands for.
    let picked = RwSignal::new(None::<(ClipNumbers, Option<(u64, u64)>)>);
    Effect::new(move |_| {
        lab.epoch.track();
        picked.set(None);
    });
    let pick = move |ev: web_sys::MouseEvent| {
        let step = crate::views::formula::target_attr(&ev, "data-step").and_then(|s| s.parse::<u64>().ok());
        let Some(step) = step else { return };
        let found = history.with_value(|h| {
            h.points.iter().find(|p| p.last == step).and_then(|p| {
                let merged = (p.first != p.last).then_some((p.first, p.last));
                p.clip.clone().map(|c| (c, merged))
            })
        });
        picked.set(found);
    };
    let card = Signal::derive(move || {
        let l = i18n.get_locale();
        picked.with(|p| p.as_ref().map(|(c, merged)| clip_card(c, *merged, l)))
    });
    // The canvas: only when on screen (see `onscreen`).
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !redraw.due(&el) {
            return;
        }
        let (mode, threshold) = lab.settings.with_untracked(|s| (s.clip_mode, s.clip_threshold));
        let words = ChartWords::new(i18n.get_locale_untracked(), mode, threshold);
        let _ = el.set_attribute("data-words", &words.joined());
        let l = i18n.get_locale_untracked();
        history.with_value(|h| match draw(&el, h, mode, threshold, &words) {
            Ok(m) => marks.set(marks_html(&m, l)),
            Err(e) => leptos::logging::warn!("param-grads: {e}"),
        });
    });
    // A new language rebuilds the table once, even while training.
    let table_lang = StoredValue::new(None::<Locale>);
    Effect::new(move |_| {
        tick.track();
        let running = lab.run.get() == RunState::Running;
        let l = i18n.get_locale();
        let settings = lab.settings.get();
        let (mode, threshold) = (settings.clip_mode, settings.clip_threshold);
        redraw.changed();
        history.with_value(|h| {
            let new_lang = table_lang.get_value() != Some(l);
            if new_lang || table_due(table_built.get_value(), running) {
                table_built.set_value(true);
                table_lang.set_value(Some(l));
                table.set(h.table_html(mode, threshold, l));
            }
            if names.with_untracked(|n| n != &h.names) {
                names.set(h.names.clone());
            }
            caption.set(caption_text(h, mode, threshold, l));
        });
    });
    // One string, not a tree of reactive nodes: it is rebuilt whole.
    let legend_html = move || {
        let l = i18n.get_locale();
        names.with(|n| legend_html(n, l))
    };
    view! {
        <div class="view param-view" data-testid="param-grads">
            <button class="icon png-button" data-png="param-grads" data-what="parameter-gradients" data-testid="export-png-param-grads">"PNG"</button>
            <h2>{t!(i18n, grads.params.title)}</h2>
            <p class="view-caption">{move || caption.get()}</p>
            <div class="pg-chart">
                <canvas
                    node_ref=canvas
                    class="chart"
                    role="img"
                    aria-label=move || t_string!(i18n, grads.params.aria)
                ></canvas>
                <div class="clip-marks" on:click=pick inner_html=move || marks.get()></div>
            </div>
            <ul class="legend" inner_html=legend_html></ul>
            <crate::views::formula::FormulaCard formula=card on_close=Callback::new(move |_| picked.set(None))/>
            <crate::views::grad_check::GradCheckPanel
                make=Callback::new(move |_: ()| {
                    lab.with_experiment(|e| {
                        rnn_core::GradCheck::for_experiment(e, crate::views::grad_check::config())
                            .map(|c| (c, e.steps_done()))
                    })
                })
                epoch=lab.epoch
                label=param_label
            />
            <div class="visually-hidden"><table data-testid="param-grads-data" inner_html=move || table.get()></table></div>
        </div>
    }
}

/// Draws the history: per-parameter norms after clipping, the global norm
/// before and after, the threshold and the fired marks.
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    h: &ParamHistory,
    mode: ClipMode,
    threshold: f64,
    words: &ChartWords,
) -> Result<Vec<(u64, f64, f64)>, String> {
    use plotters::prelude::*;
    let (f, root) = root(canvas)?;
    let line_threshold = (mode != ClipMode::None).then_some(threshold);
    let (y_min, y_max) = h.y_range(line_threshold);
    let x_min = h.points.first().map_or(0.0, |p| p.last as f64);
    let x_max = h.points.last().map_or(10.0, |p| p.last as f64).max(x_min + 10.0);
    // Log scale as log10 on a linear axis: see `chart::LogAxis`.
    let axis = LogAxis::new(y_min, y_max);
    let mut chart = ChartBuilder::on(&root)
        .margin(f.px(8.0))
        .margin_right(f.px(16.0))
        .x_label_area_size(f.px(44.0))
        .y_label_area_size(f.px(70.0))
        .build_cartesian_2d(x_min..x_max, axis.range())
        .map_err(err)?;
    house_style(&mut chart.configure_mesh(), &f)
        .x_desc(words.x)
        .y_desc(words.y)
        .x_labels(5)
        .y_labels(axis.ticks())
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| axis.label(*y, fmt))
        .draw()
        .map_err(err)?;
    let clamp = |y: f64| {
        LogAxis::at(if y.is_finite() {
            y.clamp(y_min, y_max)
        } else {
            y_max
        })
    };
    let xy = |p: &ParamPoint, y: f64| (p.last as f64, clamp(y));
    // Global norm before clipping (dashed), then after (solid black).
    chart
        .draw_series(DashedLineSeries::new(
            h.points.iter().map(|p| xy(p, p.global_before)),
            f.px(6.0),
            f.px(4.0),
            rgb(C_GLOBAL).stroke_width(f.px(1.5)),
        ))
        .map_err(err)?;
    for i in 0..h.names.len() {
        let (c, dashed) = series_style(i);
        let pts = h.points.iter().map(|p| xy(p, p.after[i]));
        let style = rgb(c).stroke_width(f.px(2.5));
        if dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, f.px(8.0), f.px(4.0), style))
                .map_err(err)?;
        } else {
            chart.draw_series(LineSeries::new(pts, style)).map_err(err)?;
        }
    }
    chart
        .draw_series(LineSeries::new(
            h.points.iter().map(|p| xy(p, p.global_after)),
            rgb(C_GLOBAL).stroke_width(f.px(2.0)),
        ))
        .map_err(err)?;
    if let Some(t) = line_threshold {
        chart
            .draw_series(DashedLineSeries::new(
                [(x_min, LogAxis::at(t)), (x_max, LogAxis::at(t))],
                f.px(10.0),
                f.px(6.0),
                rgb(C_THRESHOLD).stroke_width(f.px(2.5)),
            ))
            .map_err(err)?;
        let label = words.threshold.clone().unwrap_or_default();
        // Above the line, in the right third (text anchors are unreliable on
        // the canvas backend: offset by pixels instead).
        let at = (x_min + 0.62 * (x_max - x_min), LogAxis::at(t));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(at)
                    + Text::new(
                        label,
                        (0, -pxi(&f, 19.0)),
                        font(&f, 15.0).color(&rgb(C_THRESHOLD)),
                    ),
            ))
            .map_err(err)?;
    }
    // ▲ along the bottom where clipping fired; where they are, in CSS
    // pixels, for the buttons over them that open their cards.
    let marks = h
        .points
        .iter()
        .filter(|p| p.fired)
        .map(|p| {
            let (x, y) = chart.backend_coord(&(p.last as f64, LogAxis::at(y_min)));
            (p.last, x as f64 / f.dpr, y as f64 / f.dpr)
        })
        .collect();
    let s = pxi(&f, 6.0);
    chart
        .draw_series(h.points.iter().filter(|p| p.fired).map(|p| {
            EmptyElement::at((p.last as f64, LogAxis::at(y_min)))
                + Polygon::new(vec![(0, -2 * s), (-s, 0), (s, 0)], rgb(C_THRESHOLD).filled())
        }))
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(marks)
}

/// Buttons over the clip marks (▲), each opening its card.
pub fn marks_html(marks: &[(u64, f64, f64)], l: Locale) -> String {
    let mut h = Html::new();
    for (step, x, y) in marks {
        let words = crate::tr!(l, bp.trace.clip_title, step = step);
        h.open(BUTTON)
            .attr("class", "clip-mark")
            .attr("data-testid", "clip-mark")
            .attr_fmt("data-step", format_args!("{step}"))
            .attr_fmt(
                "style",
                format_args!("left: {:.1}px; top: {:.1}px", x - 9.0, y - 16.0),
            )
            .attr("title", &words)
            .attr("aria-label", &words)
            .close();
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::trace::ParamNorm;

    fn report(scale: f64, fired: bool) -> ClipReport {
        ClipReport {
            norm_before: 2.0 * scale,
            norm_after: if fired { 1.0 } else { 2.0 * scale },
            fired,
            params: ["U", "W"]
                .iter()
                .map(|n| ParamNorm {
                    name: n.to_string(),
                    before_clip: scale,
                    after_clip: if fired { 0.5 } else { scale },
                })
                .collect(),
            rule: rnn_core::Clip::Norm(1.0),
            scale: if fired { 1.0 / (2.0 * scale) } else { 1.0 },
        }
    }

    #[test]
    fn accumulates_replaces_and_restarts() {
        let mut h = ParamHistory::default();
        h.push(0, &report(1.0, false));
        h.push(0, &report(3.0, true));
        assert_eq!(h.points.len(), 1);
        assert!(h.points[0].fired);
        h.push(5, &report(1.0, false));
        assert_eq!(h.points.len(), 2);
        assert_eq!(h.names, ["U", "W"]);
        // An older step means a new run.
        h.push(1, &report(1.0, false));
        assert_eq!(h.points.len(), 1);
    }

    #[test]
    fn compression_keeps_the_largest_norm_and_every_firing() {
        let mut h = ParamHistory::default();
        for step in 0..=(CAP as u64) {
            let fired = step == 7;
            h.push(step, &report(1.0 + step as f64 / 1000.0, fired));
        }
        assert!(h.points.len() <= CAP && h.points.len() > CAP / 2 - 1);
        assert_eq!(h.steps_per_point(), 2);
        let p = h.points.iter().find(|p| p.first <= 7 && 7 <= p.last).unwrap();
        assert!(p.fired);
        // Max of 6 (1.006) and 7 (0.5, clipped).
        assert_eq!(p.after[0], 1.006);
        assert_eq!(h.points.iter().filter(|p| p.fired).count(), 1);
        assert_eq!(h.points.last().unwrap().last, CAP as u64);
    }

    #[test]
    fn range_includes_threshold_and_table_lists_after_norms() {
        let mut h = ParamHistory::default();
        h.push(1, &report(100.0, true));
        let (lo, hi) = h.y_range(Some(1.0));
        assert!(lo <= 0.5 && hi >= 200.0);
        let t = h.table_html(ClipMode::Norm, 1.0, Locale::en);
        assert_eq!(t.matches("data-kind=\"after\"").count(), 2);
        assert!(t.contains("<td data-kind=\"after\">0.5</td>"));
        assert!(t.contains("threshold 1)"));
        assert!(
            t.contains(">true</td>"),
            "the browser test counts firings by this word"
        );
        let zh = h.table_html(ClipMode::Norm, 1.0, Locale::zh);
        assert_eq!(zh.matches("data-kind=\"after\"").count(), 2);
        assert!(zh.contains("<td data-kind=\"after\">0.5</td>"));
        assert!(
            zh.contains("阈值 1）") && zh.contains("<td data-fired=\"true\">是</td>"),
            "{zh}"
        );
    }

    #[test]
    fn words_in_both_languages_and_no_english_in_chinese() {
        use crate::views::graph_svg::tests::english_words;
        let mut h = ParamHistory::default();
        let mut r = report(3.0, true);
        r.params[0].name = "fwd.W".into();
        r.params[1].name = "bwd.W".into();
        h.push(1, &r);
        h.push(2, &report(1.0, false));
        let mut merged = ParamHistory::default();
        for step in 0..=(CAP as u64) {
            merged.push(step, &report(1.0, step == 3));
        }
        assert_eq!(param_label(Locale::en, "fwd.W"), "fwd.W");
        assert_eq!(param_label(Locale::zh, "bwd.U"), "反向 U");
        assert_eq!(param_label(Locale::zh, "V"), "V");
        assert!(caption_text(&h, ClipMode::Norm, 1.0, Locale::en).contains("Clipping by global norm at 1;"));
        let names = vec!["fwd.W".to_string(), "V".to_string()];
        assert!(legend_html(&names, Locale::en).contains("‖g‖ before clipping"));
        for mode in [ClipMode::None, ClipMode::Norm, ClipMode::Value] {
            let l = Locale::zh;
            for (what, text) in [
                ("table", h.table_html(mode, 0.5, l)),
                ("caption", caption_text(&h, mode, 0.5, l)),
                ("merged caption", caption_text(&merged, mode, 0.5, l)),
                ("merged table", merged.table_html(mode, 0.5, l)),
                ("legend", legend_html(&names, l)),
                ("canvas", ChartWords::new(l, mode, 0.5).joined()),
                ("title", td_string!(l, grads.params.title).to_string()),
                ("aria", td_string!(l, grads.params.aria).to_string()),
            ] {
                let words = english_words(&text);
                assert!(words.is_empty(), "{mode:?} {what}: {words:?} in {text}");
            }
        }
        let w = ChartWords::new(Locale::en, ClipMode::Value, 0.5);
        assert_eq!(w.threshold.as_deref(), Some("value clip ±0.5 (per entry)"));
        assert_eq!(ChartWords::new(Locale::zh, ClipMode::None, 1.0).threshold, None);
    }

    #[test]
    fn line_styles_avoid_the_reference_colours() {
        for i in 0..10 {
            let (c, dashed) = series_style(i);
            assert_ne!(c, C_THRESHOLD);
            assert_ne!(c, C_GLOBAL);
            assert_eq!(dashed, i >= 5);
        }
    }

    #[test]
    fn markup_is_unchanged() {
        let mut h = ParamHistory::default();
        h.push(0, &report(1.0, false));
        h.push(5, &report(3.0, true));
        for (name, l) in [("en", Locale::en), ("zh", Locale::zh)] {
            crate::html::golden(
                &format!("param-grads-table-{name}"),
                &h.table_html(ClipMode::Norm, 1.0, l),
            );
            crate::html::golden(&format!("param-grads-legend-{name}"), &legend_html(&h.names, l));
        }
    }
}
