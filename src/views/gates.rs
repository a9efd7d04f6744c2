//! View 4, gate activations (`gate-heatmap`): one heatmap of unit × time per
//! gate of the latest trace — LSTM: input i, forget f, candidate g, output o
//! and the cell state c; GRU: reset r, update z, candidate n; the plain RNN
//! has no gates, so it shows its hidden state h_t. Each heatmap is an
//! `ImageData` with one pixel per (unit, time step), scaled up by CSS, in
//! viridis, with its range and the share of saturated cells (σ near 0 or 1,
//! tanh near ±1, ReLU at 0) beside its title; a checkbox paints saturated
//! cells white.
//!
//! [`GatesData::prepare`] (plain, tested) decides what to draw.

use crate::lab::{Lab, RunState};
use crate::views::canvas::put_rgba;
use crate::views::heatmap::{heatmap_rgba, viridis_css_gradient};
use crate::views::onscreen::Redraw;
use crate::views::stats::{escape, fmt, fraction, pct};
use crate::views::throttle::throttled_trace;
use leptos::prelude::*;
use rnn_core::{Activation, CellKind, Trace};
use wasm_bindgen::JsCast;

/// How a series was squashed, which fixes its colour range and what counts
/// as saturated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Squash {
    /// σ: in (0, 1), saturated below 0.05 or above 0.95.
    Sigmoid,
    /// tanh: in (−1, 1), saturated beyond ±0.95.
    Tanh,
    /// ReLU or leaky ReLU: "saturated" means switched off (≤ 0), where the
    /// derivative is 0 (or 0.01).
    Relu,
    /// Not squashed (cell state, identity): no saturation, symmetric range.
    None,
}

/// Distance from a bound within which a σ or tanh value counts as saturated.
pub const SATURATION_MARGIN: f64 = 0.05;

impl Squash {
    fn of(a: Activation) -> Squash {
        match a {
            Activation::Sigmoid => Squash::Sigmoid,
            Activation::Tanh => Squash::Tanh,
            Activation::Relu | Activation::LeakyRelu => Squash::Relu,
            Activation::Identity => Squash::None,
        }
    }

    pub fn saturated(self, v: f64) -> bool {
        match self {
            Squash::Sigmoid => !(SATURATION_MARGIN..=1.0 - SATURATION_MARGIN).contains(&v),
            Squash::Tanh => v.abs() > 1.0 - SATURATION_MARGIN,
            Squash::Relu => v <= 0.0,
            Squash::None => false,
        }
    }

    /// The words beside the saturation share.
    pub fn saturation_words(self) -> &'static str {
        match self {
            Squash::Sigmoid => "saturated",
            Squash::Tanh => "saturated",
            Squash::Relu => "off (h = 0)",
            Squash::None => "",
        }
    }
}

/// One heatmap: `values[t][unit]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GatePanel {
    /// The engine's short name: "i", "f", …, "c", or "h".
    pub key: String,
    /// In words: "forget gate f".
    pub title: String,
    pub squash: Squash,
    /// Colour range.
    pub lo: f64,
    pub hi: f64,
    pub values: Vec<Vec<f64>>,
    pub min: f64,
    pub mean: f64,
    pub max: f64,
    /// Share of saturated cells (None where saturation means nothing).
    pub saturated: Option<f64>,
}

impl GatePanel {
    fn new(key: &str, title: String, squash: Squash, values: Vec<Vec<f64>>) -> GatePanel {
        let all = || values.iter().flatten().copied().filter(|v| v.is_finite());
        let n = all().count().max(1) as f64;
        let min = all().fold(f64::INFINITY, f64::min);
        let max = all().fold(f64::NEG_INFINITY, f64::max);
        let mean = all().sum::<f64>() / n;
        let (min, max) = if min <= max { (min, max) } else { (0.0, 0.0) };
        let (lo, hi) = match squash {
            Squash::Sigmoid => (0.0, 1.0),
            Squash::Tanh => (-1.0, 1.0),
            Squash::Relu => (0.0, max.max(1e-6)),
            Squash::None => {
                let m = min.abs().max(max.abs()).max(1e-6);
                (-m, m)
            }
        };
        let saturated = (squash != Squash::None)
            .then(|| fraction(values.iter().flatten().copied(), |v| squash.saturated(v)));
        GatePanel {
            key: key.to_string(),
            title,
            squash,
            lo,
            hi,
            values,
            min,
            mean,
            max,
            saturated,
        }
    }

    pub fn steps(&self) -> usize {
        self.values.len()
    }

    pub fn units(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// The panel's head and an empty canvas as HTML: the whole set of panels
    /// is replaced at once (a string costs far less download than a keyed
    /// list of reactive components), then each canvas is painted.
    pub fn html(&self) -> String {
        let sat = self
            .saturated
            .map(|f| format!("{}: {}", self.squash.saturation_words(), pct(f)))
            .unwrap_or_default();
        let title = escape(&self.title);
        format!(
            "<div class=\"gate-panel\" data-gate=\"{key}\"><div class=\"gate-head\">\
             <span class=\"gate-title\">{title}</span><span class=\"gate-range\">{lo}\
             <i class=\"gate-bar\" style=\"background: {bar}\"></i>{hi}</span>\
             <span class=\"gate-sat\">{sat}</span></div>\
             <canvas class=\"heatmap\" role=\"img\" style=\"height: {height}px\" \
             aria-label=\"Heatmap of {title}: {units} units × {steps} time steps\"></canvas></div>",
            key = escape(&self.key),
            lo = fmt(self.lo),
            hi = fmt(self.hi),
            bar = viridis_css_gradient(),
            height = (self.units() * 2).clamp(32, 64),
            units = self.units(),
            steps = self.steps(),
        )
    }

    /// The RGBA image: one row per unit, one column per time step.
    pub fn rgba(&self, highlight: bool) -> Vec<u8> {
        let at = |r: usize, c: usize| self.values[c].get(r).copied().unwrap_or(f64::NAN);
        heatmap_rgba(self.units(), self.steps(), self.lo, self.hi, at, |r, c| {
            highlight && self.squash.saturated(at(r, c))
        })
    }
}

/// The gate's name in words, and how it was squashed.
pub fn gate_title(cell: CellKind, key: &str) -> (String, Squash) {
    let (words, squash) = match (cell, key) {
        (CellKind::Lstm, "i") => ("input gate i", Squash::Sigmoid),
        (CellKind::Lstm, "f") => ("forget gate f", Squash::Sigmoid),
        (CellKind::Lstm, "g") => ("candidate g (tanh)", Squash::Tanh),
        (CellKind::Lstm, "o") => ("output gate o", Squash::Sigmoid),
        (CellKind::Lstm, "c") => ("cell state c (not squashed)", Squash::None),
        (CellKind::Gru, "r") => ("reset gate r", Squash::Sigmoid),
        (CellKind::Gru, "z") => ("update gate z", Squash::Sigmoid),
        (CellKind::Gru, "n") => ("candidate n (tanh)", Squash::Tanh),
        _ => return (format!("gate {key}"), Squash::Sigmoid),
    };
    (words.to_string(), squash)
}

/// What the view shows for one trace and direction.
#[derive(Clone, Debug, PartialEq)]
pub struct GatesData {
    pub step: u64,
    pub cell: CellKind,
    pub direction: String,
    pub directions: usize,
    pub panels: Vec<GatePanel>,
}

impl GatesData {
    pub fn prepare(trace: &Trace, direction: usize) -> Option<GatesData> {
        let d = trace
            .directions
            .get(direction)
            .or_else(|| trace.directions.first())?;
        let panels = if trace.cell == CellKind::Rnn {
            let squash = Squash::of(trace.activation);
            let title = format!(
                "hidden state h_t = {}(…) — a plain RNN has no gates",
                trace.activation.name()
            );
            vec![GatePanel::new("h", title, squash, d.hidden.clone())]
        } else {
            d.gates
                .iter()
                .map(|g| {
                    let (title, squash) = gate_title(trace.cell, &g.name);
                    GatePanel::new(&g.name, title, squash, g.values.clone())
                })
                .collect()
        };
        Some(GatesData {
            step: trace.step,
            cell: trace.cell,
            direction: d.name.clone(),
            directions: trace.directions.len(),
            panels,
        })
    }

    /// The data table (rows of numbers per heatmap), as HTML.
    pub fn table_html(&self) -> String {
        let mut s = String::from(
            "<caption>Gate activations</caption><thead><tr><th>gate</th><th>name</th><th>step</th>\
             <th>direction</th><th>units</th><th>time steps</th><th>min</th><th>mean</th><th>max</th>\
             <th>saturated share</th></tr></thead><tbody>",
        );
        for p in &self.panels {
            s += &format!(
                "<tr data-gate=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.key),
                escape(&p.key),
                escape(&p.title),
                self.step,
                escape(&self.direction),
                p.units(),
                p.steps(),
                p.min,
                p.mean,
                p.max,
                p.saturated.map_or("n/a".into(), |f| format!("{f}")),
            );
        }
        s + "</tbody>"
    }
}

#[component]
pub fn GateHeatmap() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let direction = RwSignal::new(0usize);
    let highlight = RwSignal::new(false);
    let data = RwSignal::new(None::<GatesData>);
    let trace = throttled_trace(lab, 200.0);
    // Prepared (and so drawn) only while the view is on screen, or once
    // when the lab stops, so its table is current.
    let view_ref = NodeRef::<leptos::html::Div>::new();
    let compute = Redraw::new();
    Effect::new(move |_| {
        trace.track();
        direction.track();
        lab.run.track();
        compute.changed();
    });
    Effect::new(move |_| {
        let Some(el) = view_ref.get() else { return };
        let running = lab.run.get_untracked() == RunState::Running;
        if !compute.due_or(&el, !running) {
            return;
        }
        let d = direction.get_untracked();
        let next = trace.with_untracked(|t| t.as_ref().and_then(|t| GatesData::prepare(t, d)));
        data.set(next);
    });
    // The panels: rebuilt as HTML, then painted, whenever the data or the
    // highlight changes (at most a few times a second, see `throttled_trace`).
    let panels_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let hl = highlight.get();
        let Some(host) = panels_ref.get() else { return };
        data.with(|d| {
            let panels = d.as_ref().map_or(&[][..], |d| &d.panels[..]);
            host.set_inner_html(&panels.iter().map(GatePanel::html).collect::<String>());
            let mut node = host.first_element_child();
            for p in panels {
                let Some(panel) = node else { break };
                let canvas = panel
                    .last_element_child()
                    .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
                if let Some(canvas) = canvas {
                    if let Err(e) = put_rgba(&canvas, p.steps() as u32, p.units() as u32, &p.rgba(hl)) {
                        leptos::logging::warn!("gate heatmap: {e}");
                    }
                }
                node = panel.next_element_sibling();
            }
        });
    });
    let caption = move || {
        data.with(|d| match d {
            Some(d) => {
                let p = d.panels.first();
                format!(
                    "Step {}{}: rows are the {} hidden units, columns the time steps t = 1…{} (left to right).",
                    d.step,
                    if d.step == 0 { " (untrained)" } else { "" },
                    p.map_or(0, |p| p.units()),
                    p.map_or(0, |p| p.steps()),
                )
            }
            None => "No trace yet.".into(),
        })
    };
    let bidirectional = move || data.with(|d| d.as_ref().is_some_and(|d| d.directions > 1));
    let table = move || data.with(|d| d.as_ref().map(GatesData::table_html).unwrap_or_default());
    view! {
        <div class="view gate-view" data-testid="gate-heatmap" node_ref=view_ref>
            <h2>"Gate activations"</h2>
            <div class="view-controls">
                <label>
                    <input
                        type="checkbox"
                        prop:checked=move || highlight.get()
                        on:change=move |ev| highlight.set(event_target_checked(&ev))
                    />
                    " paint saturated cells white"
                </label>
                <label hidden=move || !bidirectional()>
                    "direction "
                    <select
                        prop:value=move || direction.get().to_string()
                        on:change=move |ev| direction.set(event_target_value(&ev).parse().unwrap_or(0))
                    >
                        <option value="0">"forward"</option>
                        <option value="1">"backward"</option>
                    </select>
                </label>
            </div>
            <p class="view-caption">{caption}</p>
            <div class="gate-panels" node_ref=panels_ref></div>
            <div class="time-axis">
                <span>"← t = 1"</span>
                <span>"time step"</span>
                <span>{move || data.with(|d| format!("t = {} →", d.as_ref().and_then(|d| d.panels.first()).map_or(0, |p| p.steps())))}</span>
            </div>
            <p class="view-caption muted">
                "Colour: viridis, dark = low, yellow = high; each heatmap's range is beside its name. \
                 Saturated: σ within 0.05 of 0 or 1, tanh beyond ±0.95 (the slope is then nearly 0)."
            </p>
            <div class="visually-hidden"><table data-testid="gate-heatmap-data" inner_html=table></table></div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::trace::{DirectionTrace, GateSeries};

    fn trace(cell: CellKind, gates: &[&str]) -> Trace {
        let values = vec![vec![0.01, 0.5, 0.99], vec![0.2, 0.97, 0.6]];
        Trace {
            step: 7,
            cell,
            activation: Activation::Tanh,
            bidirectional: false,
            example: 0,
            seq_len: 2,
            hidden: 3,
            loss: 0.1,
            inputs: vec![],
            outputs: vec![],
            directions: vec![DirectionTrace {
                name: "forward".into(),
                hidden: vec![vec![-0.99, 0.0, 0.5], vec![0.96, 0.1, -0.2]],
                gates: gates
                    .iter()
                    .map(|g| GateSeries {
                        name: g.to_string(),
                        values: values.clone(),
                    })
                    .collect(),
                ..Default::default()
            }],
            params: vec![],
            clip: None,
            floor: 1e-38,
        }
    }

    #[test]
    fn lstm_shows_five_named_heatmaps_and_gru_its_three() {
        let d = GatesData::prepare(&trace(CellKind::Lstm, &["i", "f", "g", "o", "c"]), 0).unwrap();
        let titles: Vec<&str> = d.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), 5);
        assert!(titles[1].starts_with("forget gate f"));
        assert!(titles[4].starts_with("cell state c"));
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0).unwrap();
        let keys: Vec<&str> = d.panels.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["r", "z", "n"]);
        assert!(d.panels[1].title.contains("update gate"));
        assert!(d.table_html().contains("data-gate=\"z\""));
    }

    #[test]
    fn rnn_shows_its_hidden_state_and_says_so() {
        let d = GatesData::prepare(&trace(CellKind::Rnn, &[]), 0).unwrap();
        assert_eq!(d.panels.len(), 1);
        assert!(d.panels[0].title.contains("no gates"));
        // tanh: |h| > 0.95 counts: −0.99 and 0.96 of 6 cells.
        assert_eq!(d.panels[0].saturated, Some(2.0 / 6.0));
        assert_eq!((d.panels[0].lo, d.panels[0].hi), (-1.0, 1.0));
    }

    #[test]
    fn saturation_of_sigmoid_gates_counts_both_ends() {
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0).unwrap();
        // 0.01, 0.99 and 0.97 of 6 values are within 0.05 of 0 or 1.
        assert_eq!(d.panels[0].saturated, Some(0.5));
        // The candidate is tanh: only 0.99 and 0.97 lie beyond ±0.95.
        assert_eq!(d.panels[2].saturated, Some(2.0 / 6.0));
        assert_eq!(d.panels[0].min, 0.01);
        assert_eq!(d.panels[0].max, 0.99);
    }

    #[test]
    fn image_is_units_by_time() {
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0).unwrap();
        let p = &d.panels[0];
        assert_eq!((p.units(), p.steps()), (3, 2));
        let img = p.rgba(true);
        assert_eq!(img.len(), 3 * 2 * 4);
        // Row 0 (unit 1), column 0 (t = 1) holds 0.01: saturated, painted white.
        assert_eq!(&img[0..3], &[255, 255, 255]);
        // Row 1, column 0 holds 0.5: viridis middle.
        assert_eq!(&img[8..11], &[0x21, 0x91, 0x8c]);
    }

    #[test]
    fn cell_state_range_is_symmetric_and_unsaturated() {
        let p = GatePanel::new("c", "cell".into(), Squash::None, vec![vec![-0.5, 2.0]]);
        assert_eq!((p.lo, p.hi), (-2.0, 2.0));
        assert_eq!(p.saturated, None);
    }
}
