//! View 4, gate activations (`gate-heatmap`): one heatmap of unit × time per
//! gate of the latest trace — LSTM: input i, forget f, candidate g, output o
//! and the cell state c; GRU: reset r, update z, candidate n; the plain RNN
//! has no gates, so it shows its hidden state h_t. Each heatmap is an
//! `ImageData` with one pixel per (unit, time step), scaled up by CSS, in
//! viridis, with its range and the share of saturated cells (σ near 0 or 1,
//! tanh near ±1, ReLU at 0) beside its title; a checkbox paints saturated
//! cells white.
//!
//! [`GatesData::prepare`] (plain, tested) decides what to draw, in the
//! page's language (`locales/*/cells.json`, `cells.gates`).

use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
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
    pub fn saturation_words(self, l: Locale) -> &'static str {
        match self {
            Squash::Sigmoid | Squash::Tanh => td_string!(l, cells.gates.saturated),
            Squash::Relu => td_string!(l, cells.gates.relu_off),
            Squash::None => "",
        }
    }
}

/// One heatmap: `values[t][unit]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GatePanel {
    /// The engine's short name: "i", "f", …, "c", or "h".
    pub key: String,
    /// In words, in the page's language: "forget gate f", "遗忘门 f".
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
    pub fn html(&self, l: Locale) -> String {
        let sat = self
            .saturated
            .map(|f| {
                crate::tr!(
                    l,
                    cells.gates.share,
                    words = self.squash.saturation_words(l),
                    share = pct(f)
                )
            })
            .unwrap_or_default();
        let title = escape(&self.title);
        let aria = escape(&crate::tr!(
            l,
            cells.gates.heatmap_aria,
            title = &self.title,
            units = self.units(),
            steps = self.steps()
        ));
        format!(
            "<div class=\"gate-panel\" data-gate=\"{key}\"><div class=\"gate-head\">\
             <span class=\"gate-title\" tabindex=\"0\" role=\"button\">{title}</span><span class=\"gate-range\">{lo}\
             <i class=\"gate-bar\" style=\"background: {bar}\"></i>{hi}</span>\
             <span class=\"gate-sat\">{sat}</span></div>\
             <canvas class=\"heatmap\" role=\"img\" style=\"height: {height}px\" \
             aria-label=\"{aria}\" data-words=\"\"></canvas></div>",
            key = escape(&self.key),
            lo = fmt(self.lo),
            hi = fmt(self.hi),
            bar = viridis_css_gradient(),
            height = (self.units() * 2).clamp(32, 64),
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
pub fn gate_title(cell: CellKind, key: &str, l: Locale) -> (String, Squash) {
    let (words, squash) = match (cell, key) {
        (CellKind::Lstm, "i") => (td_string!(l, cells.gates.lstm_i), Squash::Sigmoid),
        (CellKind::Lstm, "f") => (td_string!(l, cells.gates.lstm_f), Squash::Sigmoid),
        (CellKind::Lstm, "g") => (td_string!(l, cells.gates.lstm_g), Squash::Tanh),
        (CellKind::Lstm, "o") => (td_string!(l, cells.gates.lstm_o), Squash::Sigmoid),
        (CellKind::Lstm, "c") => (td_string!(l, cells.gates.lstm_c), Squash::None),
        (CellKind::Gru, "r") => (td_string!(l, cells.gates.gru_r), Squash::Sigmoid),
        (CellKind::Gru, "z") => (td_string!(l, cells.gates.gru_z), Squash::Sigmoid),
        (CellKind::Gru, "n") => (td_string!(l, cells.gates.gru_n), Squash::Tanh),
        _ => return (crate::tr!(l, cells.gates.other, key), Squash::Sigmoid),
    };
    (words.to_string(), squash)
}

/// A direction of the trace (the engine's "forward" / "backward") in words.
pub fn direction_words(l: Locale, name: &str) -> &str {
    match name {
        "forward" => td_string!(l, cells.common.forward),
        "backward" => td_string!(l, cells.common.backward),
        other => other,
    }
}

/// What the view shows for one trace and direction.
#[derive(Clone, Debug, PartialEq)]
pub struct GatesData {
    pub step: u64,
    pub cell: CellKind,
    pub direction: String,
    pub directions: usize,
    pub panels: Vec<GatePanel>,
    /// The language of the titles and the table.
    pub l: Locale,
}

impl GatesData {
    pub fn prepare(trace: &Trace, direction: usize, l: Locale) -> Option<GatesData> {
        let d = trace
            .directions
            .get(direction)
            .or_else(|| trace.directions.first())?;
        let panels = if trace.cell == CellKind::Rnn {
            let squash = Squash::of(trace.activation);
            let act = crate::text::activation(l, trace.activation);
            let title = crate::tr!(l, cells.gates.rnn_hidden, act);
            vec![GatePanel::new("h", title, squash, d.hidden.clone())]
        } else {
            d.gates
                .iter()
                .map(|g| {
                    let (title, squash) = gate_title(trace.cell, &g.name, l);
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
            l,
        })
    }

    /// The data table (rows of numbers per heatmap), as HTML.
    pub fn table_html(&self) -> String {
        let l = self.l;
        let mut s = format!(
            "<caption>{}</caption><thead><tr>",
            escape(td_string!(l, cells.gates.table.caption))
        );
        for h in [
            td_string!(l, cells.gates.table.gate),
            td_string!(l, cells.gates.table.name),
            td_string!(l, cells.gates.table.step),
            td_string!(l, cells.gates.table.direction),
            td_string!(l, cells.gates.table.units),
            td_string!(l, cells.gates.table.steps),
            td_string!(l, cells.gates.table.min),
            td_string!(l, cells.gates.table.mean),
            td_string!(l, cells.gates.table.max),
            td_string!(l, cells.gates.table.saturated),
        ] {
            s += &format!("<th>{}</th>", escape(h));
        }
        s += "</tr></thead><tbody>";
        let none = td_string!(l, cells.gates.table.none);
        for p in &self.panels {
            s += &format!(
                "<tr data-gate=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.key),
                escape(&p.key),
                escape(&p.title),
                self.step,
                escape(direction_words(l, &self.direction)),
                p.units(),
                p.steps(),
                p.min,
                p.mean,
                p.max,
                p.saturated.map_or_else(|| escape(none), |f| format!("{f}")),
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
    let i18n = use_i18n();
    // Prepared (and so drawn) only while the view is on screen, or once
    // when the lab stops, so its table is current; again in the other
    // language when it is switched.
    let view_ref = NodeRef::<leptos::html::Div>::new();
    let compute = Redraw::new();
    Effect::new(move |_| {
        trace.track();
        direction.track();
        lab.run.track();
        i18n.get_locale();
        compute.changed();
    });
    Effect::new(move |_| {
        let Some(el) = view_ref.get() else { return };
        let running = lab.run.get_untracked() == RunState::Running;
        if !compute.due_or(&el, !running) {
            return;
        }
        let d = direction.get_untracked();
        let l = i18n.get_locale_untracked();
        let next = trace.with_untracked(|t| t.as_ref().and_then(|t| GatesData::prepare(t, d, l)));
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
            let l = d.as_ref().map_or(Locale::en, |d| d.l);
            host.set_inner_html(&panels.iter().map(|p| p.html(l)).collect::<String>());
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
        let l = i18n.get_locale();
        data.with(|d| match d {
            Some(d) => {
                let p = d.panels.first();
                crate::tr!(
                    l,
                    cells.gates.caption,
                    step = d.step,
                    untrained = if d.step == 0 {
                        td_string!(l, cells.common.untrained)
                    } else {
                        ""
                    },
                    units = p.map_or(0, |p| p.units()),
                    steps = p.map_or(0, |p| p.steps()),
                )
            }
            None => td_string!(l, cells.common.no_trace).to_string(),
        })
    };
    // A gate's formula card: its title or a cell of its heatmap (which
    // also moves the shared step-through cursor to that time step).
    let cursor = use_context::<crate::views::GraphCursor>().map(|c| c.0);
    let card_gate = RwSignal::new(None::<String>);
    let pick = move |ev: &web_sys::Event| {
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let gate = el
            .closest(".gate-panel")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-gate"));
        if let (Some(canvas), Some(mouse)) = (
            el.dyn_ref::<web_sys::HtmlCanvasElement>(),
            ev.dyn_ref::<web_sys::MouseEvent>(),
        ) {
            let steps =
                data.with_untracked(|d| d.as_ref().and_then(|d| d.panels.first()).map_or(0, |p| p.steps()));
            let w = canvas.client_width().max(1) as f64;
            let t =
                ((mouse.offset_x() as f64 / w * steps as f64).floor() as usize + 1).clamp(1, steps.max(1));
            if let Some(c) = cursor {
                c.set(crate::views::timeline::Cursor(Some((
                    crate::views::timeline::Phase::Forward,
                    t,
                ))));
            }
        } else if el.closest(".gate-title").ok().flatten().is_none() {
            return;
        }
        if gate.is_some() {
            card_gate.set(gate);
        }
    };
    let card = Signal::derive(move || {
        let key = card_gate.get()?;
        let l = i18n.get_locale();
        let d = direction.get();
        let at = cursor.and_then(|c| c.get().t());
        trace.with(|t| {
            let t = t.as_ref()?;
            crate::views::trace_cards::gate_card(t, d, &key, at.unwrap_or(t.seq_len), at.is_some(), l)
        })
    });
    let bidirectional = move || data.with(|d| d.as_ref().is_some_and(|d| d.directions > 1));
    let table = move || data.with(|d| d.as_ref().map(GatesData::table_html).unwrap_or_default());
    view! {
        <div class="view gate-view" data-testid="gate-heatmap" node_ref=view_ref>
            <h2>{t!(i18n, cells.gates.title)}</h2>
            <div class="view-controls">
                <label>
                    <input
                        type="checkbox"
                        prop:checked=move || highlight.get()
                        on:change=move |ev| highlight.set(event_target_checked(&ev))
                    />
                    {t!(i18n, cells.gates.paint)}
                </label>
                <label hidden=move || !bidirectional()>
                    {t!(i18n, cells.gates.direction)}
                    <select
                        prop:value=move || direction.get().to_string()
                        on:change=move |ev| direction.set(event_target_value(&ev).parse().unwrap_or(0))
                    >
                        <option value="0">{t!(i18n, cells.common.forward)}</option>
                        <option value="1">{t!(i18n, cells.common.backward)}</option>
                    </select>
                </label>
            </div>
            <p class="view-caption">{caption}</p>
            <div
                class="gate-panels"
                node_ref=panels_ref
                on:click=move |ev: web_sys::MouseEvent| pick(&ev)
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        pick(&ev);
                    }
                }
            ></div>
            <crate::views::formula::FormulaCard formula=card on_close=Callback::new(move |_| card_gate.set(None))/>
            <div class="time-axis">
                <span>"← t = 1"</span>
                <span>{t!(i18n, cells.gates.time_step)}</span>
                <span>{move || data.with(|d| format!("t = {} →", d.as_ref().and_then(|d| d.panels.first()).map_or(0, |p| p.steps())))}</span>
            </div>
            <p class="view-caption muted">{t!(i18n, cells.gates.colour_note)}</p>
            <div class="visually-hidden"><table data-testid="gate-heatmap-data" inner_html=table></table></div>
        </div>
    }
}

/// The English words in `text` (HTML or plain): runs of two or more Latin
/// letters outside tags and entities that are not in
/// [`crate::lang::LATIN_ALLOWED`]. For the views' tests that their Chinese
/// text is Chinese.
#[cfg(test)]
pub(crate) fn english_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let plain = plain
        .replace("&amp;", " ")
        .replace("&lt;", " ")
        .replace("&gt;", " ")
        .replace("&quot;", " ");
    plain
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !crate::lang::LATIN_ALLOWED.contains(w))
        .map(str::to_string)
        .collect()
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
        let d =
            GatesData::prepare(&trace(CellKind::Lstm, &["i", "f", "g", "o", "c"]), 0, Locale::en).unwrap();
        let titles: Vec<&str> = d.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), 5);
        assert!(titles[1].starts_with("forget gate f"));
        assert!(titles[4].starts_with("cell state c"));
        let zh =
            GatesData::prepare(&trace(CellKind::Lstm, &["i", "f", "g", "o", "c"]), 0, Locale::zh).unwrap();
        let titles: Vec<&str> = zh.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles[0], "输入门 i");
        assert_eq!(titles[1], "遗忘门 f");
        assert!(titles[2].starts_with("候选记忆 g"));
        assert_eq!(titles[3], "输出门 o");
        assert!(titles[4].starts_with("单元状态 c"));
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::en).unwrap();
        let keys: Vec<&str> = d.panels.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["r", "z", "n"]);
        assert!(d.panels[1].title.contains("update gate"));
        assert!(d.table_html().contains("data-gate=\"z\""));
        let zh = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::zh).unwrap();
        let titles: Vec<&str> = zh.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles[0], "重置门 r");
        assert_eq!(titles[1], "更新门 z");
        assert!(titles[2].starts_with("候选状态 n"));
        assert!(zh.table_html().contains("data-gate=\"z\""));
    }

    #[test]
    fn rnn_shows_its_hidden_state_and_says_so() {
        let d = GatesData::prepare(&trace(CellKind::Rnn, &[]), 0, Locale::en).unwrap();
        assert_eq!(d.panels.len(), 1);
        assert!(d.panels[0].title.contains("no gates"));
        let zh = GatesData::prepare(&trace(CellKind::Rnn, &[]), 0, Locale::zh).unwrap();
        assert!(zh.panels[0].title.contains("没有门"), "{}", zh.panels[0].title);
        // tanh: |h| > 0.95 counts: −0.99 and 0.96 of 6 cells.
        assert_eq!(d.panels[0].saturated, Some(2.0 / 6.0));
        assert_eq!((d.panels[0].lo, d.panels[0].hi), (-1.0, 1.0));
    }

    #[test]
    fn saturation_of_sigmoid_gates_counts_both_ends() {
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::en).unwrap();
        // 0.01, 0.99 and 0.97 of 6 values are within 0.05 of 0 or 1.
        assert_eq!(d.panels[0].saturated, Some(0.5));
        // The candidate is tanh: only 0.99 and 0.97 lie beyond ±0.95.
        assert_eq!(d.panels[2].saturated, Some(2.0 / 6.0));
        assert_eq!(d.panels[0].min, 0.01);
        assert_eq!(d.panels[0].max, 0.99);
    }

    #[test]
    fn image_is_units_by_time() {
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::en).unwrap();
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
    fn the_chinese_view_has_no_english() {
        for (cell, gates) in [
            (CellKind::Rnn, &[][..]),
            (CellKind::Lstm, &["i", "f", "g", "o", "c"][..]),
            (CellKind::Gru, &["r", "z", "n"][..]),
        ] {
            let d = GatesData::prepare(&trace(cell, gates), 0, Locale::zh).unwrap();
            let mut all = d.table_html();
            for p in &d.panels {
                all += &p.html(Locale::zh);
                all += &p.title;
            }
            // A ReLU RNN says its units are off, not saturated.
            let mut relu = trace(CellKind::Rnn, &[]);
            relu.activation = Activation::Relu;
            let r = GatesData::prepare(&relu, 0, Locale::zh).unwrap();
            all += &r.panels[0].html(Locale::zh);
            all += gate_title(cell, "x", Locale::zh).0.as_str();
            all += direction_words(Locale::zh, "backward");
            assert_eq!(english_words(&all), Vec::<String>::new(), "{all}");
            // The same in English has words to find (the check is not vacuous).
            let en = GatesData::prepare(&trace(cell, gates), 0, Locale::en).unwrap();
            assert!(!english_words(&en.table_html()).is_empty());
        }
        // The saturated share in words, and the aria label, follow the language.
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::zh).unwrap();
        let html = d.panels[0].html(Locale::zh);
        assert!(
            html.contains("饱和：50%") && html.contains("重置门 r的热力图：3 个单元 × 2 个时间步"),
            "{html}"
        );
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "z", "n"]), 0, Locale::en).unwrap();
        let html = d.panels[0].html(Locale::en);
        assert!(
            html.contains("saturated: 50%")
                && html.contains("Heatmap of reset gate r: 3 units × 2 time steps"),
            "{html}"
        );
    }

    #[test]
    fn cell_state_range_is_symmetric_and_unsaturated() {
        let p = GatePanel::new("c", "cell".into(), Squash::None, vec![vec![-0.5, 2.0]]);
        assert_eq!((p.lo, p.hi), (-2.0, 2.0));
        assert_eq!(p.saturated, None);
    }
}
