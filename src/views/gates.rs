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

use crate::html::{Html, Table, CANVAS, DIV, I, SPAN, TD};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use crate::views::canvas::put_rgba;
use crate::views::heatmap::{heatmap_rgba, viridis_css_gradient};
use crate::views::onscreen::Redraw;
use crate::views::stats::{fraction, pct};
use crate::views::throttle::throttled_trace;
use leptos::prelude::*;
use rnn_core::gate::CELL_STATE;
use rnn_core::trace::GateSeries;
use rnn_core::{Activation, CellKind, Direction, Gate, Trace};
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

/// What a heatmap shows: a gate's activations, the LSTM's cell state, or
/// (for the plain RNN) the hidden state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    Gate(Gate),
    CellState,
    Hidden,
}

impl Series {
    /// The trace's series as a typed value (`None` for a name the engine
    /// never writes).
    pub fn of(g: &GateSeries) -> Option<Series> {
        match g.gate() {
            Some(gate) => Some(Series::Gate(gate)),
            None => g.is_cell_state().then_some(Series::CellState),
        }
    }

    /// Its short name, the panel's and the table row's `data-gate`:
    /// "i", "f", …, "c", or "h".
    pub fn key(self) -> &'static str {
        match self {
            Series::Gate(g) => g.name(),
            Series::CellState => CELL_STATE,
            Series::Hidden => "h",
        }
    }

    /// The series a `data-gate` names (the inverse of [`Series::key`]).
    pub fn from_key(key: &str) -> Option<Series> {
        match key {
            CELL_STATE => Some(Series::CellState),
            "h" => Some(Series::Hidden),
            _ => Gate::from_name(key).map(Series::Gate),
        }
    }
}

/// One heatmap: `values[t][unit]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GatePanel {
    pub series: Series,
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
    fn new(series: Series, title: String, squash: Squash, values: Vec<Vec<f64>>) -> GatePanel {
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
            series,
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

    /// "i", "f", …, "c", or "h" (see [`Series::key`]).
    pub fn key(&self) -> &'static str {
        self.series.key()
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
        let aria = crate::tr!(
            l,
            cells.gates.heatmap_aria,
            title = &self.title,
            units = self.units(),
            steps = self.steps()
        );
        let mut h = Html::new();
        h.open(DIV)
            .attr("class", "gate-panel")
            .attr("data-gate", self.key());
        h.open(DIV).attr("class", "gate-head");
        h.open(SPAN)
            .attr("class", "gate-title")
            .attr("tabindex", "0")
            .attr("role", "button")
            .text(&self.title)
            .close();
        h.open(SPAN).attr("class", "gate-range").short(self.lo);
        h.open(I).attr("class", "gate-bar");
        h.attr_fmt("style", format_args!("background: {}", viridis_css_gradient()));
        h.close().short(self.hi).close();
        h.open(SPAN).attr("class", "gate-sat").text(&sat).close();
        h.close();
        h.open(CANVAS).attr("class", "heatmap").attr("role", "img");
        h.attr_fmt(
            "style",
            format_args!("height: {}px", (self.units() * 2).clamp(32, 64)),
        );
        h.attr("aria-label", &aria).attr("data-words", "");
        h.finish()
    }

    /// The RGBA image: one row per unit, one column per time step.
    pub fn rgba(&self, highlight: bool) -> Vec<u8> {
        let at = |r: usize, c: usize| self.values[c].get(r).copied().unwrap_or(f64::NAN);
        heatmap_rgba(self.units(), self.steps(), self.lo, self.hi, at, |r, c| {
            highlight && self.squash.saturated(at(r, c))
        })
    }
}

/// A gate's (or the cell state's) name in words, and how it was squashed.
pub fn gate_title(series: Series, l: Locale) -> (&'static str, Squash) {
    match series {
        Series::Gate(Gate::I) => (td_string!(l, cells.gates.lstm_i), Squash::Sigmoid),
        Series::Gate(Gate::F) => (td_string!(l, cells.gates.lstm_f), Squash::Sigmoid),
        Series::Gate(Gate::G) => (td_string!(l, cells.gates.lstm_g), Squash::Tanh),
        Series::Gate(Gate::O) => (td_string!(l, cells.gates.lstm_o), Squash::Sigmoid),
        Series::CellState => (td_string!(l, cells.gates.lstm_c), Squash::None),
        Series::Gate(Gate::R) => (td_string!(l, cells.gates.gru_r), Squash::Sigmoid),
        Series::Gate(Gate::Z) => (td_string!(l, cells.gates.gru_z), Squash::Sigmoid),
        Series::Gate(Gate::N) => (td_string!(l, cells.gates.gru_n), Squash::Tanh),
        // The RNN's hidden state is titled by its activation (`prepare`).
        Series::Hidden => ("h", Squash::None),
    }
}

/// A direction of the trace in words.
pub fn direction_words(l: Locale, d: Direction) -> &'static str {
    match d {
        Direction::Forward => td_string!(l, cells.common.forward),
        Direction::Backward => td_string!(l, cells.common.backward),
    }
}

/// What the view shows for one trace and direction.
#[derive(Clone, Debug, PartialEq)]
pub struct GatesData {
    pub step: u64,
    pub cell: CellKind,
    pub direction: Direction,
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
            vec![GatePanel::new(Series::Hidden, title, squash, d.hidden.clone())]
        } else {
            d.gates
                .iter()
                .filter_map(|g| {
                    let series = Series::of(g)?;
                    let (title, squash) = gate_title(series, l);
                    Some(GatePanel::new(
                        series,
                        title.to_string(),
                        squash,
                        g.values.clone(),
                    ))
                })
                .collect()
        };
        Some(GatesData {
            step: trace.step,
            cell: trace.cell,
            direction: d.direction().unwrap_or(Direction::Forward),
            directions: trace.directions.len(),
            panels,
            l,
        })
    }

    /// The data table (rows of numbers per heatmap), as HTML.
    pub fn table_html(&self) -> String {
        let l = self.l;
        let mut t = Table::new(td_string!(l, cells.gates.table.caption));
        t.header(&[
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
        ]);
        let none = td_string!(l, cells.gates.table.none);
        for p in &self.panels {
            let row = t.row().attr("data-gate", p.key());
            row.el(TD, p.key())
                .el(TD, &p.title)
                .open(TD)
                .num(self.step as f64)
                .close();
            row.el(TD, direction_words(l, self.direction));
            for v in [p.units() as f64, p.steps() as f64, p.min, p.mean, p.max] {
                row.open(TD).num(v).close();
            }
            match p.saturated {
                Some(f) => row.open(TD).num(f).close(),
                None => row.el(TD, none),
            };
        }
        t.finish()
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
    let card_gate = RwSignal::new(None::<Series>);
    let pick = move |ev: &web_sys::Event| {
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let gate = el
            .closest(".gate-panel")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-gate"))
            .and_then(|k| Series::from_key(&k));
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
        let series = card_gate.get()?;
        let l = i18n.get_locale();
        let d = direction.get();
        let at = cursor.and_then(|c| c.get().t());
        trace.with(|t| {
            let t = t.as_ref()?;
            crate::views::trace_cards::gate_card(t, d, series, at.unwrap_or(t.seq_len), at.is_some(), l)
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
        let keys: Vec<&str> = d.panels.iter().map(|p| p.key()).collect();
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
            all += direction_words(Locale::zh, Direction::Backward);
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
        let p = GatePanel::new(
            Series::CellState,
            "cell".into(),
            Squash::None,
            vec![vec![-0.5, 2.0]],
        );
        assert_eq!((p.lo, p.hi), (-2.0, 2.0));
        assert_eq!(p.saturated, None);
    }

    #[test]
    fn markup_is_unchanged() {
        for (name, l) in [("en", Locale::en), ("zh", Locale::zh)] {
            let d = GatesData::prepare(&trace(CellKind::Lstm, &["i", "f", "g", "o", "c"]), 0, l).unwrap();
            crate::html::golden(&format!("gates-table-{name}"), &d.table_html());
            let panels: String = d.panels.iter().map(|p| p.html(l)).collect();
            crate::html::golden(&format!("gates-panels-{name}"), &panels);
        }
    }

    #[test]
    fn series_map_to_their_keys_and_back() {
        for cell in [CellKind::Lstm, CellKind::Gru] {
            for &g in Gate::of(cell) {
                let series = GateSeries {
                    name: g.name().into(),
                    values: vec![],
                };
                assert_eq!(Series::of(&series), Some(Series::Gate(g)));
                assert_eq!(Series::Gate(g).key(), g.name());
            }
        }
        let c = GateSeries {
            name: "c".into(),
            values: vec![],
        };
        assert_eq!(Series::of(&c), Some(Series::CellState));
        assert_eq!(Series::CellState.key(), "c");
        assert_eq!(
            Series::of(&GateSeries {
                name: "q".into(),
                values: vec![]
            }),
            None
        );
        // A trace with a series the engine never writes shows the rest.
        let d = GatesData::prepare(&trace(CellKind::Gru, &["r", "q", "n"]), 0, Locale::en).unwrap();
        let keys: Vec<&str> = d.panels.iter().map(|p| p.key()).collect();
        assert_eq!(keys, ["r", "n"]);
    }
}
