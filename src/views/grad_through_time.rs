//! View 3a: ‖∂L/∂h_t‖ against t on a log axis for the latest traced step,
//! with the plain RNN's bound (γ·σ_max(W))^(T−t) drawn over it, steps whose
//! gradient underflowed f32 marked at the floor, and the ratio
//! ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ in large type. Numbers come from `gradients`
//! (plain, tested); this file only draws them. Its words are in the `grads`
//! namespace (`grads.gtt.*`), in the page's language.

use super::chart::{err, font, rgb, root, AXIS, GRID, OKABE_ITO, RUN_B};
use super::colour::UNDERFLOW;
use super::gradients::{
    envelope, envelope_in_view, format_sci, format_tick, grad_points, point_text, ratio_readout,
    spectrum_refresh_ms, y_range, GradPoint,
};
use super::onscreen::Redraw;
use super::throttle::{now_ms, throttled_trace};
use crate::html::{Html, Table, SPAN, TD, TH};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use leptos::prelude::*;
use rnn_core::{CellKind, Trace};
use std::sync::Arc;

/// What the chart draws for one trace.
#[derive(Clone, Debug, PartialEq)]
pub struct GradChart {
    pub len: usize,
    pub forward: Vec<GradPoint>,
    /// The bidirectional model's backward direction.
    pub backward: Option<Vec<GradPoint>>,
    /// Run B of a comparison (its forward direction), overlaid on A's.
    pub b: Option<Vec<GradPoint>>,
    /// The plain-RNN bound, when it applies (RNN with a known σ_max).
    pub envelope: Option<Vec<Option<f64>>>,
    /// γ·σ_max(W).
    pub factor: Option<f64>,
    pub floor: f64,
    pub y: (f64, f64),
}

impl GradChart {
    /// `sigma_max` is σ_max of the forward direction's W (RNN only).
    pub fn prepare(trace: &Trace, gamma: f64, sigma_max: Option<f64>) -> Option<GradChart> {
        let fwd = trace.directions.first()?;
        let forward = grad_points(fwd);
        let len = forward.len();
        let backward = trace.directions.get(1).map(grad_points);
        let anchor = forward.last().and_then(|p| p.value());
        let (envelope, factor) = match (trace.cell, sigma_max, anchor) {
            (CellKind::Rnn, Some(s), Some(a)) => {
                (Some(envelope(a, gamma, s, len, trace.floor)), Some(gamma * s))
            }
            _ => (None, None),
        };
        let mut all = forward.clone();
        all.extend(backward.iter().flatten().copied());
        // The bound is drawn where it is within 3 decades of the measured
        // curve; above that the axis would squash the measurements flat.
        let shown = envelope_in_view(envelope.as_deref().unwrap_or(&[]), &all, 3.0);
        let y = y_range(&all, &shown, trace.floor);
        Some(GradChart {
            len,
            forward,
            backward,
            b: None,
            envelope,
            factor,
            floor: trace.floor,
            y,
        })
    }

    /// Overlays run B's gradient through time (its forward direction), the
    /// y range widened to hold it. B has the same length as A unless the
    /// comparison changed it; its points are drawn at their own time steps.
    pub fn with_b(mut self, b: &Trace) -> GradChart {
        let Some(dir) = b.directions.first() else {
            return self;
        };
        let points = grad_points(dir);
        let mut all = self.forward.clone();
        all.extend(self.backward.iter().flatten().copied());
        all.extend(points.iter().copied());
        let shown = envelope_in_view(self.envelope.as_deref().unwrap_or(&[]), &all, 3.0);
        self.floor = self.floor.min(b.floor);
        self.y = y_range(&all, &shown, self.floor);
        self.len = self.len.max(points.len());
        self.b = Some(points);
        self
    }

    /// One row per time step, for the hidden data table.
    pub fn table(&self, l: Locale) -> String {
        let mut table = Table::element(td_string!(l, grads.gtt.table_caption));
        let head = table.head();
        head.el(TH, "t").el(TH, "‖∂L/∂h_t‖");
        if self.backward.is_some() {
            head.el(TH, td_string!(l, grads.gtt.table_backward));
        }
        head.el(TH, td_string!(l, grads.gtt.table_bound));
        for t in 0..self.len {
            let row = table.row().attr_num("data-t", (t + 1) as f64);
            row.open(TD).num((t + 1) as f64).close();
            row.el(TD, &point_text(l, self.forward.get(t)));
            if let Some(b) = &self.backward {
                row.el(TD, &point_text(l, b.get(t)));
            }
            let env = self.envelope.as_ref().and_then(|e| e.get(t).copied().flatten());
            row.el(TD, &env.map_or("—".into(), format_sci));
        }
        table.finish()
    }
}

/// One entry of the legend under the chart: the swatch's class, its colour
/// and its words.
pub type LegendItem = (&'static str, String, String);

/// The legend's entries for this chart, in the page's language.
pub fn legend_items(c: &GradChart, l: Locale) -> Vec<LegendItem> {
    let mut items = Vec::new();
    let colour = |c: (u8, u8, u8)| format!("rgb({},{},{})", c.0, c.1, c.2);
    let said = |s: &str| s.to_string();
    if c.backward.is_some() {
        items.push((
            "gtt-line",
            colour(OKABE_ITO[0]),
            said(td_string!(l, grads.gtt.forward_measured)),
        ));
        items.push((
            "gtt-line",
            colour(OKABE_ITO[2]),
            said(td_string!(l, grads.gtt.backward_measured)),
        ));
    } else {
        items.push((
            "gtt-line",
            colour(OKABE_ITO[0]),
            said(td_string!(l, grads.gtt.measured)),
        ));
    }
    if c.b.is_some() {
        items.push(("gtt-line", colour(RUN_B), said(td_string!(l, grads.gtt.run_b))));
    }
    if let Some(f) = c.factor {
        items.push((
            "gtt-dash",
            colour(OKABE_ITO[1]),
            crate::tr!(l, grads.gtt.bound, f = format_sci(f)),
        ));
    }
    let any = |want: GradPoint| {
        c.forward
            .iter()
            .chain(c.backward.iter().flatten())
            .chain(c.b.iter().flatten())
            .any(|p| *p == want)
    };
    if any(GradPoint::Underflow) {
        items.push((
            "gtt-tri",
            colour(UNDERFLOW),
            crate::tr!(l, grads.gtt.below_floor, floor = format_sci(c.floor)),
        ));
    }
    if any(GradPoint::Zero) {
        items.push((
            "gtt-cross",
            "#000".to_string(),
            said(td_string!(l, grads.gtt.zero)),
        ));
    }
    if any(GradPoint::NonFinite) {
        items.push((
            "gtt-tri",
            colour(OKABE_ITO[1]),
            said(td_string!(l, grads.gtt.blown)),
        ));
    }
    items
}

/// What the bound says, when there is one: vanishing guaranteed below 1,
/// nothing above. `sigma_step`: the training step σ_max was measured at,
/// when it is not the step drawn.
pub fn verdict_text(c: &GradChart, sigma_step: Option<u64>, l: Locale) -> Option<String> {
    let f = format_sci(c.factor?);
    let text = if c.factor? < 1.0 {
        crate::tr!(l, grads.gtt.vanishing, f)
    } else {
        crate::tr!(l, grads.gtt.no_guarantee, f)
    };
    let when = sigma_step.map_or(String::new(), |step| crate::tr!(l, grads.gtt.sigma_from, step));
    Some(text + &when)
}

/// The caption: which step and example, and what the chart leaves out.
pub fn caption_text(trace: Option<&Trace>, running: bool, l: Locale) -> String {
    let Some(t) = trace else {
        return td_string!(l, grads.no_trace).to_string();
    };
    let mut s = if running {
        crate::tr!(l, grads.gtt.caption_live, step = t.step)
    } else {
        crate::tr!(l, grads.gtt.caption, step = t.step)
    };
    if t.cell != CellKind::Rnn {
        s.push_str(td_string!(l, grads.gtt.gated));
    }
    if t.directions.len() > 1 {
        s.push_str(td_string!(l, grads.gtt.bidirectional));
    }
    if t.outputs.len() == t.seq_len && t.seq_len > 1 {
        s.push_str(td_string!(l, grads.gtt.many_to_many));
    }
    s
}

/// The words the canvas draws (its axis titles), one per line for its
/// `data-words`.
pub struct ChartWords {
    pub x: &'static str,
    pub y: &'static str,
}

impl ChartWords {
    pub fn new(l: Locale) -> ChartWords {
        ChartWords {
            x: td_string!(l, grads.gtt.x),
            y: td_string!(l, grads.gtt.y),
        }
    }

    pub fn joined(&self) -> String {
        [self.x, self.y].join("\n")
    }
}

/// σ_max(W) as last computed.
#[derive(Clone, Copy, Debug)]
struct SigmaCache {
    epoch: u64,
    step: u64,
    at_ms: f64,
    gamma: f64,
    sigma: Option<f64>,
}

/// The forward direction's σ_max(W) from the spectra ("W" or "fwd.W").
fn sigma_max_of(spectra: &[rnn_core::Spectrum]) -> Option<f64> {
    let w = rnn_core::Block {
        direction: rnn_core::Direction::Forward,
        gate: None,
    };
    let names = [w.name(false), w.name(true)];
    spectra
        .iter()
        .find(|s| names.contains(&s.name))
        .map(|s| s.sigma_max)
}

#[component]
pub fn GradThroughTime() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let latest = throttled_trace(lab, 250.0);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // Drawn only on screen (and after a resize): see `onscreen::Redraw`.
    let redraw = Redraw::new();

    // Spectra only (no trace: no Jacobian chain), worked out by the lab
    // (`lab::analysis`); asked for anew per redraw for small nets and less
    // often for big ones while training (see `spectrum_refresh_ms`); the
    // verdict names the step σ_max was measured at when it is not the step
    // drawn.
    let cached = StoredValue::new(None::<SigmaCache>);
    let chart = Memo::new(move |_| {
        let trace: Arc<Trace> = latest.get()?;
        let running = lab.run.get() == RunState::Running;
        let epoch = lab.epoch.get();
        // A spectrum the lab has just worked out (see `Snapshot::spectra`).
        lab.analysed.track();
        let mut sigma_step = None;
        let (gamma, sigma) = if trace.cell == CellKind::Rnn {
            let now = now_ms();
            // The weights the newest snapshot's trace was recorded with (it
            // may be newer than the throttled trace drawn): the spectrum is
            // redone from them only when the cached one is stale.
            let newest = lab.shown_snapshot_untracked().with_untracked(|s| {
                let s = s.as_ref()?;
                s.weights.as_ref()?;
                s.trace.as_ref().map(|t| t.step)
            });
            let reuse = cached.with_value(|c| {
                let c = c.as_ref()?;
                let fresh = match spectrum_refresh_ms(trace.hidden, running) {
                    Some(ms) => now - c.at_ms < ms,
                    None => true,
                };
                let newest_step = newest.unwrap_or(trace.step);
                (c.epoch == epoch && c.step <= newest_step && fresh).then_some(*c)
            });
            let c = reuse.or_else(|| {
                // The lab's spectra of those weights (worked out once for every
                // view that shows them: `Snapshot::spectra`).
                let mut pending = false;
                let found = lab.shown_snapshot_untracked().with_untracked(|s| {
                    let s = s.as_ref()?;
                    let w = s.weights.as_ref()?;
                    let step = s.trace.as_ref()?.step;
                    let spectra = s.spectra();
                    pending = spectra.is_none();
                    Some((step, w.activation.max_derivative(), sigma_max_of(spectra?)))
                });
                if pending {
                    // Worked out over the next frames; drawn without σ meanwhile.
                    lab.analyse_soon();
                }
                let (step, gamma, sigma) = found?;
                let c = SigmaCache {
                    epoch,
                    step,
                    at_ms: now,
                    gamma,
                    sigma,
                };
                cached.set_value(Some(c));
                Some(c)
            });
            match c {
                Some(c) => {
                    sigma_step = (c.step != trace.step).then_some(c.step);
                    (c.gamma, c.sigma)
                }
                None => (1.0, None),
            }
        } else {
            (1.0, None)
        };
        // Run B's curve, when a comparison runs and the views show A: from
        // B's latest trace.
        let b = (lab.shown.get() == 0)
            .then(|| lab.b.snapshot.with(|s| s.as_ref().and_then(|s| s.trace.clone())))
            .flatten();
        GradChart::prepare(&trace, gamma, sigma).map(|c| {
            let c = match &b {
                Some(b) => c.with_b(b),
                None => c,
            };
            (trace, c, sigma_step)
        })
    });
    Effect::new(move |_| {
        chart.track();
        // A new language redraws the axis titles in it.
        i18n.get_locale();
        redraw.changed();
    });
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !redraw.due(&el) {
            return;
        }
        let words = ChartWords::new(i18n.get_locale_untracked());
        let _ = el.set_attribute("data-words", &words.joined());
        chart.with_untracked(|c| {
            if let Some((_, c, _)) = c {
                if let Err(e) = draw(&el, c, &words) {
                    leptos::logging::warn!("gradient through time: {e}");
                }
            }
        });
    });

    let ratio = Memo::new(move |_| {
        let l = i18n.get_locale();
        latest.with(|t| {
            t.as_ref()
                .and_then(|t| t.directions.first().map(|d| ratio_readout(l, d)))
        })
    });
    let ratio_text = move || ratio.with(|r| r.as_ref().map_or("—".into(), |r| r.text.clone()));
    let ratio_value = move || {
        ratio.with(|r| {
            r.as_ref()
                .and_then(|r| r.value)
                .map_or(String::new(), |v| format!("{v:e}"))
        })
    };
    let step = move || latest.with(|t| t.as_ref().map(|t| t.step));
    // The ratio read-out as one string (less download than a reactive node
    // per attribute); `data-value` holds the number for tests and tools.
    let ratio_html = move || {
        let text = ratio_text();
        let class = if text.chars().count() > 10 {
            "gtt-ratio-value gtt-long"
        } else {
            "gtt-ratio-value"
        };
        let l = i18n.get_locale();
        let mut h = Html::new();
        h.open(SPAN)
            .attr("class", "gtt-ratio-label")
            .text("‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ =")
            .close();
        h.open(SPAN)
            .attr("class", class)
            .attr("data-testid", "grad-ratio")
            .attr("data-value", &ratio_value());
        if let Some(s) = step() {
            h.attr_num("data-step", s as f64);
        }
        h.text(&text).close();
        h.open(SPAN).attr("class", "muted gtt-step");
        if let Some(step) = step() {
            h.text(&crate::tr!(l, grads.gtt.at_step, step));
        }
        h.finish()
    };
    let caption = move || {
        let running = lab.run.get() == RunState::Running;
        let l = i18n.get_locale();
        latest.with(|t| caption_text(t.as_deref(), running, l))
    };
    let table = move || {
        let l = i18n.get_locale();
        chart.with(|c| c.as_ref().map_or_else(String::new, |(_, c, _)| c.table(l)))
    };
    let legend = move || {
        let l = i18n.get_locale();
        chart
            .with(|c| {
                let (_, c, _) = c.as_ref()?;
                let mut h = Html::new();
                for (class, colour, text) in legend_items(c, l) {
                    h.open(SPAN).attr("class", "gtt-key");
                    h.open(SPAN)
                        .attr("class", class)
                        .attr_fmt("style", format_args!("--c: {colour}"));
                    h.close().text(&text).close();
                }
                Some(h.finish())
            })
            .unwrap_or_default()
    };
    let verdict = move || {
        let l = i18n.get_locale();
        chart.with(|c| {
            let (_, c, sigma_step) = c.as_ref()?;
            verdict_text(c, *sigma_step, l)
        })
    };
    view! {
        <figure class="view grad-through-time">
            <button class="icon png-button" data-png="grad-through-time" data-what="gradient-through-time" data-testid="export-png-grad-through-time">"PNG"</button>
            <h2>{t!(i18n, grads.gtt.title)}</h2>
            <div class="gtt-ratio" inner_html=ratio_html></div>
            <canvas
                node_ref=canvas
                data-testid="grad-through-time"
                role="img"
                aria-label=move || t_string!(i18n, grads.gtt.aria)
            ></canvas>
            <div class="gtt-legend" inner_html=legend></div>
            <p class="gtt-verdict">{verdict}</p>
            <figcaption class="muted">{caption}</figcaption>
            <details class="view-data">
                <summary>{t!(i18n, grads.numbers)}</summary>
                <div class="view-data-table" data-testid="grad-through-time-data" inner_html=table></div>
            </details>
        </figure>
    }
}

fn draw(canvas: &web_sys::HtmlCanvasElement, d: &GradChart, words: &ChartWords) -> Result<(), String> {
    use plotters::prelude::*;
    let (f, root) = root(canvas)?;
    let px = |x: f64| f.px(x);
    let x_max = d.len.max(1) as f64 + 0.5;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .margin_right(px(20.0))
        .x_label_area_size(px(46.0))
        .y_label_area_size(px(92.0))
        .build_cartesian_2d(0.5f64..x_max, d.y.0.log10()..d.y.1.log10())
        .map_err(err)?;
    let decades = ((d.y.1 / d.y.0).log10().round() as usize).max(1);
    chart
        .configure_mesh()
        .x_desc(words.x)
        .y_desc(words.y)
        .label_style(font(&f, 15.0))
        .axis_desc_style(font(&f, 16.0))
        .x_labels(d.len.clamp(2, 8))
        .y_labels(decades.clamp(2, 7) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            // The axis is log10 of the value: label whole decades only.
            if (y - y.round()).abs() < 1e-6 {
                format_tick(10f64.powf(y.round()))
            } else {
                String::new()
            }
        })
        .bold_line_style(GRID.stroke_width(px(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(px(1.0)))
        .draw()
        .map_err(err)?;

    let blue = rgb(OKABE_ITO[0]);
    let vermillion = rgb(OKABE_ITO[1]);
    let green = rgb(OKABE_ITO[2]);

    if let Some(env) = &d.envelope {
        let pts: Vec<(f64, f64)> = env
            .iter()
            .enumerate()
            .filter_map(|(t, v)| v.map(|v| (t as f64 + 1.0, v)))
            .filter(|(_, v)| *v >= d.y.0 && *v <= d.y.1)
            .map(|(t, v)| (t, v.log10()))
            .collect();
        chart
            .draw_series(DashedLineSeries::new(
                pts,
                px(9.0),
                px(6.0),
                vermillion.stroke_width(px(2.5)),
            ))
            .map_err(err)?;
    }

    let series = |pts: &[GradPoint]| -> Vec<Vec<(f64, f64)>> {
        // Break the line where a value is missing (underflow or zero).
        let mut runs = vec![Vec::new()];
        for (t, p) in pts.iter().enumerate() {
            match p.value() {
                Some(v) => runs.last_mut().unwrap().push((t as f64 + 1.0, v.log10())),
                None => runs.push(Vec::new()),
            }
        }
        runs.retain(|r| !r.is_empty());
        runs
    };
    let mut curves = vec![(blue, &d.forward)];
    if let Some(b) = &d.backward {
        curves.push((green, b));
    }
    if let Some(b) = &d.b {
        curves.push((rgb(RUN_B), b));
    }
    for (colour, pts) in curves {
        let runs = series(pts);
        let dots = pts
            .iter()
            .enumerate()
            .filter_map(|(t, p)| p.value().map(|v| (t as f64 + 1.0, v.log10())))
            .collect::<Vec<_>>();
        let r = px(if d.len > 60 { 2.0 } else { 3.5 });
        for run in runs {
            chart
                .draw_series(LineSeries::new(run, colour.stroke_width(px(2.5))))
                .map_err(err)?;
        }
        chart
            .draw_series(dots.iter().map(|&(x, y)| Circle::new((x, y), r, colour.filled())))
            .map_err(err)?;
    }

    // Underflow and exact zeros: markers on the floor, never a plotted 0.
    let floor_y = d.floor.max(d.y.0).log10();
    let marks = |want: GradPoint| {
        let mut v: Vec<f64> = Vec::new();
        for pts in std::iter::once(&d.forward)
            .chain(d.backward.iter())
            .chain(d.b.iter())
        {
            v.extend(
                pts.iter()
                    .enumerate()
                    .filter(|(_, p)| **p == want)
                    .map(|(t, _)| t as f64 + 1.0),
            );
        }
        v
    };
    let under = marks(GradPoint::Underflow);
    if !under.is_empty() {
        let grey = rgb(UNDERFLOW);
        chart
            .draw_series(
                under
                    .iter()
                    .map(|&x| TriangleMarker::new((x, floor_y), px(7.0), grey.filled())),
            )
            .map_err(err)?;
    }
    let zero = marks(GradPoint::Zero);
    if !zero.is_empty() {
        chart
            .draw_series(
                zero.iter()
                    .map(|&x| Cross::new((x, d.y.0.log10()), px(6.0), BLACK.stroke_width(px(2.0)))),
            )
            .map_err(err)?;
    }
    let blown = marks(GradPoint::NonFinite);
    if !blown.is_empty() {
        chart
            .draw_series(
                blown
                    .iter()
                    .map(|&x| TriangleMarker::new((x, d.y.1.log10()), px(8.0), vermillion.filled())),
            )
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::trace;

    #[test]
    fn rnn_gets_an_envelope_that_meets_the_last_step() {
        let tr = trace(CellKind::Rnn, 5, false, false);
        let c = GradChart::prepare(&tr, 0.25, Some(2.0)).unwrap();
        let env = c.envelope.as_ref().unwrap();
        assert_eq!(env[4], c.forward[4].value());
        assert!((env[3].unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(c.factor, Some(0.5));
        assert!(c.y.0 <= 0.0625 && c.y.1 >= 1.0);
        assert!(c
            .table(Locale::en)
            .contains("<tr data-t=\"5\"><td>5</td><td>1</td>"));
        assert!(c
            .table(Locale::zh)
            .contains("<tr data-t=\"5\"><td>5</td><td>1</td>"));
        let v = verdict_text(&c, None, Locale::en).unwrap();
        assert!(
            v.starts_with("γ·σ_max = 0.5 < 1") && v.contains("vanishing is guaranteed"),
            "{v}"
        );
        let v = verdict_text(&c, Some(3), Locale::zh).unwrap();
        assert!(v.contains("一定会消失") && v.contains("第 3 步"), "{v}");
    }

    #[test]
    fn gated_cells_get_no_envelope_and_bidirectional_both_curves() {
        let tr = trace(CellKind::Lstm, 4, false, true);
        let c = GradChart::prepare(&tr, 1.0, Some(1.0)).unwrap();
        assert!(c.envelope.is_none());
        assert_eq!(c.backward.as_ref().map(Vec::len), Some(4));
        assert!(c.table(Locale::en).contains("backward direction"));
        assert!(c.table(Locale::zh).contains("反向一层"));
        assert!(verdict_text(&c, None, Locale::en).is_none());
        let legend = legend_items(&c, Locale::en);
        assert_eq!(legend[0].2, "forward direction (measured)");
        assert_eq!(legend_items(&c, Locale::zh)[0].2, "正向一层（实测）");
        assert!(caption_text(Some(&tr), false, Locale::en).contains("not drawn here"));
        assert!(caption_text(Some(&tr), false, Locale::zh).contains("这里不画"));
    }

    /// Everything the view says in Chinese (table, legend, verdict,
    /// caption, axis titles) has no English word.
    #[test]
    fn chinese_view_has_no_english() {
        use crate::views::graph_svg::tests::english_words;
        let check = |what: &str, text: &str| {
            let words = english_words(text);
            assert!(words.is_empty(), "{what}: {words:?} in {text}");
        };
        for (cell, m2m, bi) in [
            (CellKind::Rnn, true, false),
            (CellKind::Lstm, false, true),
            (CellKind::Gru, true, true),
        ] {
            let mut tr = trace(cell, 6, m2m, bi);
            tr.directions[0].grad_h[0] = 0.0;
            tr.directions[0].flushed[0] = 3;
            tr.directions[0].grad_h[1] = 0.0;
            tr.directions[0].grad_h[2] = f64::INFINITY;
            for sigma in [0.5, 8.0] {
                let c = GradChart::prepare(&tr, 1.0, Some(sigma)).unwrap();
                check("table", &c.table(Locale::zh));
                for (_, _, text) in legend_items(&c, Locale::zh) {
                    check("legend", &text);
                }
                if let Some(v) = verdict_text(&c, Some(2), Locale::zh) {
                    check("verdict", &v);
                }
            }
            for running in [false, true] {
                check("caption", &caption_text(Some(&tr), running, Locale::zh));
            }
            let r = ratio_readout(Locale::zh, &tr.directions[0]);
            check("ratio", &r.text);
        }
        let rnn = trace(CellKind::Rnn, 6, false, false);
        let c = GradChart::prepare(&rnn, 0.25, Some(2.0)).unwrap();
        assert!(!legend_items(&c, Locale::zh).is_empty());
        check("verdict", &verdict_text(&c, Some(2), Locale::zh).unwrap());
        check("no trace", &caption_text(None, false, Locale::zh));
        check("axis", &ChartWords::new(Locale::zh).joined());
        for t in [
            td_string!(Locale::zh, grads.gtt.title),
            td_string!(Locale::zh, grads.gtt.aria),
            td_string!(Locale::zh, grads.numbers),
        ] {
            check("static", t);
        }
        check("at step", &crate::tr!(Locale::zh, grads.gtt.at_step, step = 4));
    }

    #[test]
    fn markup_is_unchanged() {
        let c = GradChart::prepare(&trace(CellKind::Rnn, 5, false, false), 0.25, Some(2.0)).unwrap();
        let b = GradChart::prepare(&trace(CellKind::Lstm, 4, false, true), 1.0, None).unwrap();
        for (name, l) in [("en", Locale::en), ("zh", Locale::zh)] {
            crate::html::golden(&format!("gtt-table-rnn-{name}"), &c.table(l));
            crate::html::golden(&format!("gtt-table-bi-{name}"), &b.table(l));
        }
    }
}
