//! The BP network (`bp-net`), the second chapter: a net of 2 inputs, 2–4
//! hidden units and 1–2 sigmoid outputs drawn as a diagram with every
//! weight and bias written on it, trained one example at a time, each step
//! taken whole (`bp-step`) or in the curriculum's four parts (`bp-forward`,
//! `bp-error`, `bp-backward`, `bp-bias`), each highlighting what it
//! computes; a part out of order is disabled, as the engine refuses it
//! (`BpNet::next_part`). The table `bp-net-data` has one row per weight and
//! bias (name, value, gradient after the last part taken, from the engine's
//! `BpNetData`); the decision-region heatmap (the engine's `decision_grid`,
//! as TensorFlow Playground draws it) is redrawn after each whole step.
//! Clicking or focusing a unit, a weight or a bias opens its formula card
//! with this step's numbers in every term.
//!
//! The net is the engine's `BpNet`; this file keeps the pure parts (the
//! diagram as SVG, the table, the cards, the heatmap's pixels) apart and
//! tested. Words: `locales/*/bp.json`, `bp.net` and `bp.card`.

use crate::html::{Html, Table, CIRCLE, G, H2, LINE, P, RECT, SPAN, SVG, TD, TEXT};
use crate::i18n::*;
use crate::lang::Locale;
use crate::state::settings::BpSettings;
use crate::views::formula::{button, num, refocus, sub, target_attr, Formula, Line};
use crate::views::grad_check::{config as check_config, GradCheckPanel};
use crate::views::perceptron::row_menu;
use leptos::prelude::*;
use rnn_core::bp::data_bounds;
use rnn_core::{Activation, BpGrid, BpLoss, BpNet, BpParamKind, BpPart, Dataset, DatasetConfig, GradCheck};
use std::fmt::Write;

pub const POINTS: usize = 40;
const NOISE: f64 = 0.15;
/// Steps one press of "Train" runs (10 passes over the data).
pub const TRAIN_STEPS: usize = 400;
/// Pixels per side of the decision grid (scaled up by CSS).
const GRID: usize = 48;

const C_POS: &str = "#0072b2";
const C_NEG: &str = "#e69f00";

/// The net on its data, and the decision grid of the last whole step.
#[derive(Clone, Debug)]
pub struct BpLab {
    pub net: BpNet,
    pub data: Dataset,
    pub grid: BpGrid,
    /// The engine's refusal of the last action, if any.
    pub refused: Option<rnn_core::Error>,
}

impl BpLab {
    pub fn new(s: &BpSettings) -> Result<BpLab, rnn_core::Error> {
        let data = Dataset::new(&DatasetConfig {
            kind: s.data,
            points: POINTS,
            noise: NOISE,
            seed: 1,
        })?;
        let net = BpNet::new(s.config())?;
        let bounds = data_bounds(&data.inputs, 0.1)?;
        let grid = net.decision_grid(bounds, GRID, net.config().outputs - 1)?;
        Ok(BpLab {
            net,
            data,
            grid,
            refused: None,
        })
    }

    /// Takes `part`, as its button asks; the engine refuses one out of order.
    pub fn take(&mut self, part: BpPart) {
        let result = match part {
            BpPart::Forward => self.net.forward_on(&self.data).map(|_| ()),
            BpPart::Error => self.net.error().map(|_| ()),
            BpPart::Backward => self.net.backward().map(|_| ()),
            BpPart::Bias => self.net.bias().map(|_| ()),
        };
        self.done(result);
    }

    /// A whole step (refused while one is under way).
    pub fn step(&mut self) {
        let result = self.net.step_on(&self.data).map(|_| ());
        self.done(result);
    }

    /// Finishes the step under way, then takes `n` whole steps.
    pub fn train(&mut self, n: usize) {
        let mut result = Ok(());
        while result.is_ok() && self.net.step_in_progress() {
            let part = self.net.next_part();
            self.take(part);
            result = self.refused.clone().map_or(Ok(()), Err);
        }
        for _ in 0..n {
            if result.is_err() {
                break;
            }
            result = self.net.step_on(&self.data).map(|_| ());
        }
        self.done(result);
    }

    /// After an action: the refusal kept, and the grid redrawn once a
    /// whole step is done.
    fn done(&mut self, result: Result<(), rnn_core::Error>) {
        self.refused = result.err();
        if self.refused.is_none() && !self.net.step_in_progress() {
            if let Err(e) = self.net.fill_grid(&mut self.grid) {
                self.refused = Some(e);
            }
        }
    }

    /// The example of the step under way, or of the next one: its index and
    /// (x, t).
    pub fn example(&self) -> (usize, Vec<f64>, Vec<f64>) {
        if let Some(f) = self.net.last_forward().filter(|_| self.net.step_in_progress()) {
            let i = self.net.example_index(self.data.len());
            return (i, f.x.clone(), f.target.clone());
        }
        let i = self.net.example_index(self.data.len());
        let (x, t) = self.net.example(&self.data, i).unwrap_or_default();
        (i, x, t)
    }

    /// The status under the buttons: steps, the example, the next part.
    pub fn status(&self, l: Locale) -> String {
        let (i, x, _) = self.example();
        let class = self.data.labels.get(i).copied().unwrap_or(0);
        crate::tr!(
            l,
            bp.net.status,
            steps = self.net.steps_done(),
            i = i + 1,
            n = self.data.len(),
            x1 = num(x.first().copied().unwrap_or(0.0)),
            x2 = num(x.get(1).copied().unwrap_or(0.0)),
            class,
            next = part_words(l, self.net.next_part())
        )
    }

    /// Mean E and accuracy over the whole set, at the current weights.
    pub fn fit(&self, l: Locale) -> String {
        let loss = self.net.mean_loss(&self.data).unwrap_or(f64::NAN);
        let acc = self.net.accuracy(&self.data).unwrap_or(f64::NAN);
        crate::tr!(
            l,
            bp.net.fit,
            n = self.data.len(),
            loss = num(loss),
            acc = crate::views::stats::pct(acc)
        )
    }
}

/// A part's button words.
pub fn part_words(l: Locale, p: BpPart) -> &'static str {
    match p {
        BpPart::Forward => td_string!(l, bp.net.forward),
        BpPart::Error => td_string!(l, bp.net.error),
        BpPart::Backward => td_string!(l, bp.net.backward),
        BpPart::Bias => td_string!(l, bp.net.bias),
    }
}

fn part_name(p: BpPart) -> &'static str {
    match p {
        BpPart::Forward => "forward",
        BpPart::Error => "error",
        BpPart::Backward => "backward",
        BpPart::Bias => "bias",
    }
}

/// Which parts of the step on screen have been taken: the step under way,
/// or the last one finished.
fn taken(net: &BpNet) -> [bool; 4] {
    [
        net.last_forward().is_some(),
        net.last_error().is_some(),
        net.last_backward().is_some(),
        net.last_bias().is_some(),
    ]
}

/// φ written as a function of z.
fn phi_text(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "σ",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => "φ",
        Activation::Identity => "",
    }
}

/// Centre y of unit `i` of `n` in a column of the diagram.
fn unit_y(i: usize, n: usize) -> f64 {
    const TOP: f64 = 40.0;
    const SPAN: f64 = 340.0;
    TOP + SPAN * (i as f64 + 0.5) / n as f64
}

const X_IN: f64 = 58.0;
const X_HID: f64 = 318.0;
const X_OUT: f64 = 548.0;
const BOX_W: f64 = 104.0;
const BOX_H: f64 = 64.0;
const WIDTH: f64 = 660.0;
const HEIGHT: f64 = 410.0;

/// What the diagram shows of a unit: its name, its numbers, whether the
/// last part computed them.
struct UnitBox<'a> {
    card: &'a str,
    name: String,
    lines: Vec<(String, f64)>,
    hot: bool,
}

fn unit_box(h: &mut Html, x: f64, y: f64, u: &UnitBox, aria: &str) {
    h.open(G)
        .attr_fmt(
            "class",
            format_args!("bp-hit bp-unit{}", if u.hot { " hot" } else { "" }),
        )
        .attr("tabindex", "0")
        .attr("role", "button")
        .attr("data-card", u.card)
        .attr("aria-label", aria);
    h.open(RECT)
        .attr_fixed("x", x - BOX_W / 2.0, 1)
        .attr_fixed("y", y - BOX_H / 2.0, 1)
        .attr_num("width", BOX_W)
        .attr_num("height", BOX_H)
        .attr("rx", "8")
        .attr("fill", "#fff")
        .attr("stroke", "#59606a")
        .attr("stroke-width", "1.5")
        .close_empty();
    h.open(TEXT)
        .attr_fixed("x", x, 1)
        .attr_fixed("y", y - BOX_H / 2.0 + 17.0, 1)
        .attr("font-size", "16")
        .attr("font-weight", "700")
        .attr("text-anchor", "middle")
        .text(&u.name)
        .close();
    for (k, (label, v)) in u.lines.iter().enumerate() {
        h.open(TEXT)
            .attr_fixed("x", x, 1)
            .attr_fixed("y", y - BOX_H / 2.0 + 33.0 + 14.0 * k as f64, 1)
            .attr("font-size", "13")
            .attr("text-anchor", "middle")
            .attr("data-name", label)
            .attr_num("data-value", *v)
            .text_fmt(format_args!("{label} = {}", num(*v)))
            .close();
    }
    h.close();
}

/// A weight or bias label: its current value, focusable, `hot` when the
/// last part updated it.
fn value_label(h: &mut Html, x: f64, y: f64, name: &str, value: f64, hot: bool, aria: &str) {
    let text = num(value);
    let w = 8.0 + 7.2 * text.chars().count() as f64;
    h.open(G)
        .attr_fmt(
            "class",
            format_args!("bp-hit bp-param{}", if hot { " hot" } else { "" }),
        )
        .attr("tabindex", "0")
        .attr("role", "button")
        .attr("data-card", name)
        .attr("aria-label", aria);
    h.open(RECT)
        .attr_fixed("x", x - w / 2.0, 1)
        .attr_fixed("y", y - 12.0, 1)
        .attr_fixed("width", w, 1)
        .attr("height", "18")
        .attr("rx", "4")
        .attr("fill", "#fff")
        .attr("fill-opacity", "0.92")
        .attr("stroke", "#d5dae1")
        .close_empty();
    h.open(TEXT)
        .attr_fixed("x", x, 1)
        .attr_fixed("y", y + 2.0, 1)
        .attr("font-size", "13")
        .attr("text-anchor", "middle")
        .attr_num("data-value", value)
        .text(&text)
        .close();
    h.close();
}

/// The diagram: units with their numbers, every weight on its edge, every
/// bias under its unit, and the error E beside the outputs.
pub fn diagram_svg(lab: &BpLab, l: Locale) -> String {
    let net = &lab.net;
    let cfg = net.config();
    let (n_in, n_hid, n_out) = (cfg.inputs, cfg.hidden, cfg.outputs);
    let [fw, er, bw, _] = taken(net);
    let last = net.last_part();
    let (f, e, b) = (net.last_forward(), net.last_error(), net.last_backward());
    let (_, x_next, _) = lab.example();
    let w_hx = net.w_hx();
    let w_yh = net.w_yh();
    let (b_h, b_y) = (net.b_h(), net.b_y());
    let max_w = w_hx
        .iter()
        .chain(&w_yh)
        .flatten()
        .fold(1e-9f64, |m, w| m.max(w.abs()));
    let mut out = Html::new();
    out.open(SVG)
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr_fmt("viewBox", format_args!("0 0 {WIDTH} {HEIGHT}"))
        .attr("width", "100%")
        .attr("role", "group")
        .attr("aria-label", td_string!(l, bp.net.aria))
        .attr("font-family", crate::lang::FONT_STACK);
    // Column titles.
    for (x, words) in [
        (X_IN, td_string!(l, bp.net.col_input)),
        (X_HID, td_string!(l, bp.net.col_hidden)),
        (X_OUT, td_string!(l, bp.net.col_output)),
    ] {
        out.open(TEXT)
            .attr_num("x", x)
            .attr("y", "20")
            .attr("font-size", "15")
            .attr("font-weight", "600")
            .attr("text-anchor", "middle")
            .attr("fill", "#59606a")
            .text(words)
            .close();
    }
    // Edges first (under the labels), coloured by sign, width by size.
    let edge = |out: &mut Html, (x1, y1): (f64, f64), (x2, y2): (f64, f64), w: f64| {
        let colour = if w >= 0.0 { C_POS } else { C_NEG };
        out.open(LINE)
            .attr_fixed("x1", x1, 1)
            .attr_fixed("y1", y1, 1)
            .attr_fixed("x2", x2, 1)
            .attr_fixed("y2", y2, 1)
            .attr("stroke", colour)
            .attr("stroke-opacity", "0.75")
            .attr_fixed("stroke-width", 1.0 + 4.0 * w.abs() / max_w, 2)
            .close_empty();
    };
    let (in_r, hid_l, hid_r, out_l) = (
        X_IN + BOX_W / 2.0,
        X_HID - BOX_W / 2.0,
        X_HID + BOX_W / 2.0,
        X_OUT - BOX_W / 2.0,
    );
    for (j, row) in w_hx.iter().enumerate() {
        for (i, &w) in row.iter().enumerate() {
            edge(&mut out, (in_r, unit_y(i, n_in)), (hid_l, unit_y(j, n_hid)), w);
        }
    }
    for (k, row) in w_yh.iter().enumerate() {
        for (j, &w) in row.iter().enumerate() {
            edge(&mut out, (hid_r, unit_y(j, n_hid)), (out_l, unit_y(k, n_out)), w);
        }
    }
    // Inputs.
    for i in 0..n_in {
        let v = f.map_or(x_next.get(i).copied().unwrap_or(0.0), |f| f.x[i]);
        let u = UnitBox {
            card: &format!("x{}", i + 1),
            name: format!("x{}", sub(i + 1)),
            lines: vec![("x".into(), v)],
            hot: last == Some(BpPart::Forward),
        };
        unit_box(
            &mut out,
            X_IN,
            unit_y(i, n_in),
            &u,
            &crate::tr!(l, bp.net.aria_input, i = i + 1),
        );
    }
    // Hidden units.
    let phi = phi_text(cfg.activation);
    for j in 0..n_hid {
        let mut lines = Vec::new();
        if let (true, Some(f)) = (fw, f) {
            lines.push(("z".into(), f.z_h[j]));
            lines.push(("a".into(), f.a_h[j]));
        }
        if let (true, Some(b)) = (bw, b) {
            lines.push(("δ".into(), b.delta_h[j]));
        }
        let u = UnitBox {
            card: &format!("h{}", j + 1),
            name: format!("h{} ({phi})", sub(j + 1)),
            lines,
            hot: matches!(last, Some(BpPart::Forward | BpPart::Backward)),
        };
        unit_box(
            &mut out,
            X_HID,
            unit_y(j, n_hid),
            &u,
            &crate::tr!(l, bp.net.aria_hidden, j = j + 1),
        );
    }
    // Outputs, their targets and the error.
    for k in 0..n_out {
        let mut lines = Vec::new();
        if let (true, Some(f)) = (fw, f) {
            lines.push(("s".into(), f.z_y[k]));
            lines.push(("y".into(), f.y[k]));
        }
        if let (true, Some(b)) = (bw, b) {
            lines.push(("δ".into(), b.delta_y[k]));
        }
        let u = UnitBox {
            card: &format!("y{}", k + 1),
            name: format!("y{} (σ)", sub(k + 1)),
            lines,
            hot: matches!(last, Some(BpPart::Forward | BpPart::Error | BpPart::Backward)),
        };
        let y = unit_y(k, n_out);
        unit_box(
            &mut out,
            X_OUT,
            y,
            &u,
            &crate::tr!(l, bp.net.aria_output, k = k + 1),
        );
        if let Some(f) = f {
            out.open(TEXT)
                .attr_fixed("x", X_OUT + BOX_W / 2.0 + 8.0, 1)
                .attr_fixed("y", y + 4.0, 1)
                .attr("font-size", "13")
                .attr("fill", "#59606a")
                .attr_fmt("data-name", format_args!("t{}", k + 1))
                .attr_num("data-value", f.target[k])
                .text_fmt(format_args!("t{} = {}", sub(k + 1), num(f.target[k])))
                .close();
        }
    }
    if let (true, Some(e)) = (er, e) {
        let y = unit_y(0, 1) + BOX_H / 2.0 + 58.0;
        out.open(G)
            .attr_fmt(
                "class",
                format_args!(
                    "bp-hit bp-loss{}",
                    if last == Some(BpPart::Error) { " hot" } else { "" }
                ),
            )
            .attr("tabindex", "0")
            .attr("role", "button")
            .attr("data-card", "E")
            .attr("aria-label", td_string!(l, bp.card.loss_title));
        out.open(RECT)
            .attr_fixed("x", X_OUT - BOX_W / 2.0, 1)
            .attr_fixed("y", y - 19.0, 1)
            .attr_num("width", BOX_W)
            .attr("height", "28")
            .attr("rx", "8")
            .attr("fill", "#fff8e6")
            .attr("stroke", "#e69f00")
            .attr("stroke-width", "1.5")
            .close_empty();
        out.open(TEXT)
            .attr_num("x", X_OUT)
            .attr_fixed("y", y, 1)
            .attr("font-size", "15")
            .attr("font-weight", "700")
            .attr("text-anchor", "middle")
            .attr("data-name", "E")
            .attr_num("data-value", e.loss)
            .text_fmt(format_args!("E = {}", num(e.loss)))
            .close();
        out.close();
    }
    // Weight labels along their edges, staggered so none overlap: the
    // edges from input i (to output k) are labelled at their own fraction.
    let at = |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
    let stagger = |i: usize, n: usize| {
        if n == 1 {
            0.3
        } else {
            0.28 + 0.44 * i as f64 / (n - 1) as f64
        }
    };
    let hot_w = last == Some(BpPart::Backward);
    for (j, row) in w_hx.iter().enumerate() {
        for (i, &w) in row.iter().enumerate() {
            let (x, y) = at(
                (in_r, unit_y(i, n_in)),
                (hid_l, unit_y(j, n_hid)),
                stagger(i, n_in),
            );
            let name = format!("w_h{}_x{}", j + 1, i + 1);
            let aria = crate::tr!(
                l,
                bp.card.weight_title,
                name = &name,
                from = format!("x{}", sub(i + 1)),
                to = format!("h{}", sub(j + 1))
            );
            value_label(&mut out, x, y + 4.0, &name, w, hot_w, &aria);
        }
    }
    for (k, row) in w_yh.iter().enumerate() {
        for (j, &w) in row.iter().enumerate() {
            let (x, y) = at(
                (hid_r, unit_y(j, n_hid)),
                (out_l, unit_y(k, n_out)),
                stagger(k, n_out),
            );
            let name = format!("w_y{}_h{}", k + 1, j + 1);
            let aria = crate::tr!(
                l,
                bp.card.weight_title,
                name = &name,
                from = format!("h{}", sub(j + 1)),
                to = format!("y{}", sub(k + 1))
            );
            value_label(&mut out, x, y + 4.0, &name, w, hot_w, &aria);
        }
    }
    // Biases under their units.
    let hot_b = last == Some(BpPart::Bias);
    for (j, &v) in b_h.iter().enumerate() {
        let name = format!("b_h{}", j + 1);
        let aria = crate::tr!(
            l,
            bp.card.bias_title,
            name = &name,
            unit = format!("h{}", sub(j + 1))
        );
        value_label(
            &mut out,
            X_HID,
            unit_y(j, n_hid) + BOX_H / 2.0 + 13.0,
            &name,
            v,
            hot_b,
            &aria,
        );
    }
    for (k, &v) in b_y.iter().enumerate() {
        let name = format!("b_y{}", k + 1);
        let aria = crate::tr!(
            l,
            bp.card.bias_title,
            name = &name,
            unit = format!("y{}", sub(k + 1))
        );
        value_label(
            &mut out,
            X_OUT,
            unit_y(k, n_out) + BOX_H / 2.0 + 13.0,
            &name,
            v,
            hot_b,
            &aria,
        );
    }
    out.close();
    out.finish()
}

/// The table `bp-net-data`: one row per weight and bias.
pub fn table_html(net: &BpNet, l: Locale) -> String {
    let d = net.data();
    let mut t = Table::new(&crate::tr!(
        l,
        bp.net.table_caption,
        steps = d.steps_done,
        last = d
            .last_part
            .map_or(td_string!(l, bp.net.no_part), |p| part_words(l, p))
    ));
    t.header(&[
        td_string!(l, bp.net.col_name),
        td_string!(l, bp.net.col_value),
        td_string!(l, bp.net.col_grad),
    ]);
    // Rounded as the cards show numbers; whole in `data-value`.
    for r in &d.rows {
        let h = t.row().attr("data-name", &r.name);
        h.el(TD, &r.name);
        h.open(TD)
            .attr("data-kind", "value")
            .attr_num("data-value", r.value)
            .text(&num(r.value))
            .close();
        h.open(TD).attr("data-kind", "grad");
        match r.grad {
            Some(g) => h.attr_num("data-value", g).text(&num(g)),
            None => h.text("—"),
        };
        h.close();
    }
    t.finish()
}

/// The heatmap's pixels: y near 0 orange, ½ white, near 1 blue.
pub fn grid_rgba(g: &BpGrid) -> Vec<u8> {
    const NEG: (f64, f64, f64) = (245.0, 193.0, 110.0);
    const POS: (f64, f64, f64) = (110.0, 170.0, 215.0);
    let mut out = Vec::with_capacity(g.values.len() * 4);
    for &v in &g.values {
        let v = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.5 };
        let (c, f) = if v < 0.5 {
            (NEG, (0.5 - v) * 2.0)
        } else {
            (POS, (v - 0.5) * 2.0)
        };
        let mix = |a: f64| (255.0 + (a - 255.0) * f).round() as u8;
        out.extend_from_slice(&[mix(c.0), mix(c.1), mix(c.2), 255]);
    }
    out
}

/// The data points over the heatmap, in the grid's rectangle.
pub fn points_svg(lab: &BpLab) -> String {
    let g = &lab.grid;
    let (w, h) = (g.x_max - g.x_min, g.y_max - g.y_min);
    let mut s = Html::new();
    s.open(SVG)
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr_fmt("viewBox", format_args!("0 0 {w} {h}"))
        .attr("preserveAspectRatio", "none")
        .attr("width", "100%")
        .attr("height", "100%");
    let current = lab.example().0;
    let r = w.max(h) / 70.0;
    for i in 0..lab.data.len() {
        let (x, y) = lab.data.point(i);
        let (cx, cy) = (x - g.x_min, g.y_max - y);
        let fill = if lab.data.labels[i] == 1 { C_POS } else { C_NEG };
        if lab.data.labels[i] == 1 {
            s.open(CIRCLE)
                .attr_fixed("cx", cx, 3)
                .attr_fixed("cy", cy, 3)
                .attr_fixed("r", r, 3);
        } else {
            s.open(RECT)
                .attr_fixed("x", cx - r, 3)
                .attr_fixed("y", cy - r, 3)
                .attr_fixed("width", 2.0 * r, 3)
                .attr_fixed("height", 2.0 * r, 3);
        }
        s.attr("fill", fill)
            .attr("stroke", "white")
            .attr_fixed("stroke-width", r / 4.0, 3)
            .close_empty();
        if i == current {
            s.open(CIRCLE)
                .attr_fixed("cx", cx, 3)
                .attr_fixed("cy", cy, 3)
                .attr_fixed("r", 2.2 * r, 3)
                .attr("fill", "none")
                .attr("stroke", "#1a1d21")
                .attr_fixed("stroke-width", r / 2.5, 3)
                .close_empty();
        }
    }
    s.finish()
}

/// What a card is about, parsed from a diagram element's `data-card`.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    Input(usize),
    Hidden(usize),
    Output(usize),
    Loss,
    Param(BpParamKind, String),
}

impl Subject {
    pub fn parse(net: &BpNet, key: &str) -> Option<Subject> {
        let index = |rest: &str| rest.parse::<usize>().ok().filter(|&n| n >= 1).map(|n| n - 1);
        if !key.is_ascii() || key.is_empty() {
            return None;
        }
        if key == "E" {
            return Some(Subject::Loss);
        }
        if let Some(r) = net.data().rows.into_iter().find(|r| r.name == key) {
            return Some(Subject::Param(r.kind, r.name));
        }
        let cfg = net.config();
        match key.split_at(1) {
            ("x", n) => index(n).filter(|&i| i < cfg.inputs).map(Subject::Input),
            ("h", n) => index(n).filter(|&j| j < cfg.hidden).map(Subject::Hidden),
            ("y", n) => index(n).filter(|&k| k < cfg.outputs).map(Subject::Output),
            _ => None,
        }
    }
}

/// The card of `subject` with the numbers of the step on screen.
pub fn card(lab: &BpLab, subject: &Subject, l: Locale) -> Formula {
    let net = &lab.net;
    let cfg = net.config();
    let (f, e, b, bias) = (
        net.last_forward(),
        net.last_error(),
        net.last_backward(),
        net.last_bias(),
    );
    let (i_ex, x, _) = lab.example();
    let step = f.map_or(net.steps_done() + 1, |f| f.step);
    let of_step = crate::tr!(l, bp.card.step_of, step, i = i_ex + 1);
    let later = |p: BpPart| match p {
        BpPart::Forward => td_string!(l, bp.card.later_forward),
        BpPart::Error => td_string!(l, bp.card.later_error),
        BpPart::Backward => td_string!(l, bp.card.later_backward),
        BpPart::Bias => td_string!(l, bp.card.later_bias),
    };
    // The weights and biases the forward pass used: before this step's
    // updates if they have been made.
    let w_hx_fwd = b.map_or_else(|| net.w_hx(), |b| b.w_hx_before.clone());
    let w_yh_fwd = b.map_or_else(|| net.w_yh(), |b| b.w_yh_before.clone());
    let b_h_fwd = bias.map_or_else(|| net.b_h(), |b| b.b_h_before.clone());
    let b_y_fwd = bias.map_or_else(|| net.b_y(), |b| b.b_y_before.clone());
    match subject {
        Subject::Input(i) => {
            let i = *i;
            Formula::new(
                format!("x{}", i + 1),
                crate::tr!(
                    l,
                    bp.card.input_title,
                    name = format!("x{}", sub(i + 1)),
                    i = i + 1
                ),
            )
            .line(Line::new().t(format!("x{} = ", sub(i + 1))).n(
                format!("x{}", i + 1),
                f.map_or(x.get(i).copied().unwrap_or(0.0), |f| f.x[i]),
            ))
            .note(of_step)
        }
        Subject::Hidden(j) => {
            let j = *j;
            let name = format!("h{}", sub(j + 1));
            let mut card = Formula::new(
                format!("h{}", j + 1),
                crate::tr!(l, bp.card.hidden_title, name = &name),
            )
            .note(of_step);
            let Some(f) = f else {
                return card.note(later(BpPart::Forward));
            };
            let zj = format!("z{}", sub(j + 1));
            let mut sym = format!("{zj} = ");
            for i in 0..cfg.inputs {
                let _ = write!(sym, "w_h{}_x{}·x{} + ", j + 1, i + 1, sub(i + 1));
            }
            let _ = write!(sym, "b_h{} = ", j + 1);
            let mut z = Line::new().t(sym);
            for (i, (w, x)) in w_hx_fwd[j].iter().zip(&f.x).enumerate() {
                z = z
                    .f(format!("fwd:w_h{}_x{}", j + 1, i + 1), *w)
                    .t("·")
                    .f(format!("x{}", i + 1), *x)
                    .t(" + ");
            }
            z = z
                .f(format!("fwd:b_h{}", j + 1), b_h_fwd[j])
                .t(" = ")
                .n(format!("z_h{}", j + 1), f.z_h[j]);
            let phi = phi_text(cfg.activation);
            let a = Line::new()
                .t(format!("a{} = {phi}({zj}) = {phi}(", sub(j + 1)))
                .n(format!("z_h{}", j + 1), f.z_h[j])
                .t(") = ")
                .n(format!("a_h{}", j + 1), f.a_h[j]);
            card = card.line(z).line(a);
            let Some(b) = b else {
                return card.note(later(BpPart::Backward));
            };
            let mut sym = format!("δ_h{} = φ′({zj})·(", j + 1);
            for k in 0..cfg.outputs {
                let _ = write!(
                    sym,
                    "{}w_y{}_h{}·δ_y{}",
                    if k > 0 { " + " } else { "" },
                    k + 1,
                    j + 1,
                    k + 1
                );
            }
            sym.push_str(") = ");
            let mut d = Line::new()
                .t(sym)
                .f(format!("slope_h{}", j + 1), b.hidden_slope[j])
                .t("·(");
            for k in 0..cfg.outputs {
                if k > 0 {
                    d = d.t(" + ");
                }
                d = d
                    .f(format!("fwd:w_y{}_h{}", k + 1, j + 1), b.w_yh_before[k][j])
                    .t("·")
                    .f(format!("delta_y{}", k + 1), b.delta_y[k]);
            }
            d = d
                .t(") = ")
                .f(format!("slope_h{}", j + 1), b.hidden_slope[j])
                .t("·")
                .f(format!("sum_h{}", j + 1), b.back_sum[j])
                .t(" = ")
                .n(format!("delta_h{}", j + 1), b.delta_h[j]);
            card.line(d).note(td_string!(l, bp.card.delta_hidden_note))
        }
        Subject::Output(k) => {
            let k = *k;
            let name = format!("y{}", sub(k + 1));
            let mut card = Formula::new(
                format!("y{}", k + 1),
                crate::tr!(l, bp.card.output_title, name = &name),
            )
            .note(of_step);
            let Some(f) = f else {
                return card.note(later(BpPart::Forward));
            };
            let sk = format!("s{}", sub(k + 1));
            let mut sym = format!("{sk} = ");
            for j in 0..cfg.hidden {
                let _ = write!(sym, "w_y{}_h{}·a{} + ", k + 1, j + 1, sub(j + 1));
            }
            let _ = write!(sym, "b_y{} = ", k + 1);
            let mut s = Line::new().t(sym);
            for (j, (w, a)) in w_yh_fwd[k].iter().zip(&f.a_h).enumerate() {
                s = s
                    .f(format!("fwd:w_y{}_h{}", k + 1, j + 1), *w)
                    .t("·")
                    .f(format!("a_h{}", j + 1), *a)
                    .t(" + ");
            }
            s = s
                .f(format!("fwd:b_y{}", k + 1), b_y_fwd[k])
                .t(" = ")
                .n(format!("s_y{}", k + 1), f.z_y[k]);
            let y = Line::new()
                .t(format!("{name} = σ({sk}) = σ("))
                .n(format!("s_y{}", k + 1), f.z_y[k])
                .t(") = ")
                .n(format!("y{}", k + 1), f.y[k]);
            card = card.line(s).line(y);
            let Some(e) = e else {
                return card.note(later(BpPart::Error));
            };
            let tk = format!("t{}", sub(k + 1));
            card = card.line(
                Line::new()
                    .t(format!("e{} = {name} − {tk} = ", sub(k + 1)))
                    .f(format!("y{}", k + 1), f.y[k])
                    .t(" − ")
                    .f(format!("t{}", k + 1), f.target[k])
                    .t(" = ")
                    .n(format!("e{}", k + 1), e.output_error[k]),
            );
            let Some(b) = b else {
                return card.note(later(BpPart::Backward));
            };
            let d = match e.loss_kind {
                BpLoss::HalfSquared => Line::new()
                    .t(format!("δ_y{} = e{}·{name}(1 − {name}) = ", k + 1, sub(k + 1)))
                    .f(format!("e{}", k + 1), e.output_error[k])
                    .t("·")
                    .f(format!("slope_y{}", k + 1), b.output_slope[k])
                    .t(" = ")
                    .n(format!("delta_y{}", k + 1), b.delta_y[k]),
                BpLoss::CrossEntropy => Line::new()
                    .t(format!("δ_y{} = e{} = ", k + 1, sub(k + 1)))
                    .n(format!("delta_y{}", k + 1), b.delta_y[k]),
            };
            card.line(d)
        }
        Subject::Loss => {
            let card = Formula::new("E", td_string!(l, bp.card.loss_title)).note(of_step);
            let (Some(f), Some(e)) = (f, e) else {
                return card.note(later(BpPart::Error));
            };
            let line = match e.loss_kind {
                BpLoss::HalfSquared => {
                    let mut sym = "E = ½·(".to_string();
                    for k in 0..cfg.outputs {
                        let _ = write!(sym, "{}e{}²", if k > 0 { " + " } else { "" }, sub(k + 1));
                    }
                    sym.push_str(") = ½·(");
                    let mut line = Line::new().t(sym);
                    for k in 0..cfg.outputs {
                        if k > 0 {
                            line = line.t(" + ");
                        }
                        line = line.f(format!("e{}", k + 1), e.output_error[k]).t("²");
                    }
                    line.t(") = ").n("E", e.loss)
                }
                BpLoss::CrossEntropy => {
                    let mut line = Line::new().t("E = −Σ [t·ln y + (1 − t)·ln(1 − y)], ");
                    for k in 0..cfg.outputs {
                        line = line
                            .t(format!("y{} = ", sub(k + 1)))
                            .n(format!("y{}", k + 1), f.y[k])
                            .t(format!(", t{} = ", sub(k + 1)))
                            .n(format!("t{}", k + 1), f.target[k])
                            .t(": ");
                    }
                    line.t("E = ").n("E", e.loss)
                }
            };
            card.line(line)
        }
        Subject::Param(kind, name) => {
            let value = net
                .data()
                .rows
                .iter()
                .find(|r| &r.name == name)
                .map_or(f64::NAN, |r| r.value);
            let title = match *kind {
                BpParamKind::InputWeight { hidden, input } => crate::tr!(
                    l,
                    bp.card.weight_title,
                    name = name,
                    from = format!("x{}", sub(input + 1)),
                    to = format!("h{}", sub(hidden + 1))
                ),
                BpParamKind::OutputWeight { output, hidden } => crate::tr!(
                    l,
                    bp.card.weight_title,
                    name = name,
                    from = format!("h{}", sub(hidden + 1)),
                    to = format!("y{}", sub(output + 1))
                ),
                BpParamKind::HiddenBias { hidden } => {
                    crate::tr!(
                        l,
                        bp.card.bias_title,
                        name = name,
                        unit = format!("h{}", sub(hidden + 1))
                    )
                }
                BpParamKind::OutputBias { output } => {
                    crate::tr!(
                        l,
                        bp.card.bias_title,
                        name = name,
                        unit = format!("y{}", sub(output + 1))
                    )
                }
            };
            let mut card = Formula::new(name.clone(), title)
                .line(Line::new().t(format!("{name} = ")).n(name.clone(), value))
                .note(of_step);
            // ∂E/∂θ = (δ of the unit it feeds)·(what it multiplies), then
            // θ ← θ − η·∂E/∂θ; a bias multiplies 1.
            let update = |card: Formula,
                          delta: (String, f64),
                          by: Option<(String, String, f64)>,
                          g: f64,
                          before: f64,
                          after: f64,
                          eta: f64| {
                let mut grad = Line::new().t(format!("∂E/∂{name} = {}", delta.0.replace("delta_", "δ_")));
                if let Some((sym, _, _)) = &by {
                    grad = grad.t(format!("·{sym}"));
                }
                grad = grad.t(" = ");
                if let Some((_, key, v)) = &by {
                    grad = grad
                        .f(delta.0.clone(), delta.1)
                        .t("·")
                        .f(key.clone(), *v)
                        .t(" = ");
                }
                grad = grad.n(format!("grad:{name}"), g);
                let step = Line::new()
                    .t(format!("{name} ← {name} − η·∂E/∂{name} = "))
                    .f(format!("old:{name}"), before)
                    .t(" − ")
                    .f("eta", eta)
                    .t("·")
                    .f(format!("grad:{name}"), g)
                    .t(" = ")
                    .n(format!("new:{name}"), after);
                card.line(grad).line(step)
            };
            match *kind {
                BpParamKind::InputWeight { hidden: j, input: i } => match (b, f) {
                    (Some(b), Some(f)) => {
                        card = update(
                            card,
                            (format!("delta_h{}", j + 1), b.delta_h[j]),
                            Some((format!("x{}", sub(i + 1)), format!("x{}", i + 1), f.x[i])),
                            b.grad_w_hx[j][i],
                            b.w_hx_before[j][i],
                            b.w_hx_after[j][i],
                            b.learning_rate,
                        )
                    }
                    _ => card = card.note(later(BpPart::Backward)),
                },
                BpParamKind::OutputWeight { output: k, hidden: j } => match (b, f) {
                    (Some(b), Some(f)) => {
                        card = update(
                            card,
                            (format!("delta_y{}", k + 1), b.delta_y[k]),
                            Some((format!("a{}", sub(j + 1)), format!("a_h{}", j + 1), f.a_h[j])),
                            b.grad_w_yh[k][j],
                            b.w_yh_before[k][j],
                            b.w_yh_after[k][j],
                            b.learning_rate,
                        )
                    }
                    _ => card = card.note(later(BpPart::Backward)),
                },
                BpParamKind::HiddenBias { hidden: j } => match bias {
                    Some(s) => {
                        card = update(
                            card,
                            (format!("delta_h{}", j + 1), s.grad_b_h[j]),
                            None,
                            s.grad_b_h[j],
                            s.b_h_before[j],
                            s.b_h_after[j],
                            s.learning_rate,
                        )
                    }
                    None => card = card.note(later(BpPart::Bias)),
                },
                BpParamKind::OutputBias { output: k } => match bias {
                    Some(s) => {
                        card = update(
                            card,
                            (format!("delta_y{}", k + 1), s.grad_b_y[k]),
                            None,
                            s.grad_b_y[k],
                            s.b_y_before[k],
                            s.b_y_after[k],
                            s.learning_rate,
                        )
                    }
                    None => card = card.note(later(BpPart::Bias)),
                },
            }
            card
        }
    }
}

/// The parts' buttons, the whole step, Train and Reset, in the net's state:
/// a part out of order is disabled, as the engine refuses it.
fn buttons_html(lab: Option<&BpLab>, l: Locale) -> String {
    let next = lab.map(|b| b.net.next_part());
    let busy = lab.is_none_or(|b| b.net.step_in_progress());
    let mut h = Html::new();
    for (p, id, hint) in [
        (BpPart::Forward, "bp-forward", td_string!(l, bp.net.forward_hint)),
        (BpPart::Error, "bp-error", td_string!(l, bp.net.error_hint)),
        (
            BpPart::Backward,
            "bp-backward",
            td_string!(l, bp.net.backward_hint),
        ),
        (BpPart::Bias, "bp-bias", td_string!(l, bp.net.bias_hint)),
    ] {
        button(
            &mut h,
            id,
            part_name(p),
            "part",
            next != Some(p),
            hint,
            part_words(l, p),
        );
    }
    button(
        &mut h,
        "bp-step",
        "step",
        "primary",
        busy,
        td_string!(l, bp.net.step_hint),
        td_string!(l, bp.net.step),
    );
    button(
        &mut h,
        "bp-train",
        "train",
        "",
        lab.is_none(),
        td_string!(l, bp.net.train_hint),
        &crate::tr!(l, bp.net.train, n = TRAIN_STEPS),
    );
    button(
        &mut h,
        "bp-reset",
        "reset",
        "",
        false,
        "",
        td_string!(l, bp.net.reset),
    );
    h.finish()
}

#[component]
pub fn BpNetView() -> impl IntoView {
    let lab = expect_context::<crate::lab::Lab>();
    let i18n = use_i18n();
    let net_settings = Memo::new(move |_| lab.settings.with(|s| s.bp.net_part()));
    let eta = Memo::new(move |_| lab.settings.with(|s| s.bp.learning_rate));
    let run = RwSignal::new(None::<BpLab>);
    let error = RwSignal::new(None::<rnn_core::Error>);
    let resets = RwSignal::new(0u32);
    // Rebuilt (same seed) when the net or the data change and on Reset,
    // which also clears the gradient check's table.
    let epoch = RwSignal::new(0u64);
    // Bumped when the decision grid is refilled: after whole steps only.
    let grid_version = RwSignal::new(0u64);
    let subject = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let mut s = net_settings.get();
        resets.track();
        s.learning_rate = eta.get_untracked();
        match BpLab::new(&s) {
            Ok(b) => {
                run.set(Some(b));
                error.set(None);
            }
            Err(e) => {
                run.set(None);
                error.set(Some(e));
            }
        }
        epoch.update(|e| *e += 1);
        grid_version.update(|g| *g += 1);
        subject.set(None);
    });
    // A new η reaches the steps that begin from now on.
    Effect::new(move |_| {
        let v = eta.get();
        run.update_untracked(|r| {
            if let Some(r) = r {
                if let Err(e) = r.net.set_learning_rate(v) {
                    r.refused = Some(e);
                }
            }
        });
    });
    let root = NodeRef::<leptos::html::Section>::new();
    let click = move |ev: web_sys::MouseEvent| {
        if target_attr(&ev, "data-close").is_some() {
            subject.set(None);
            return;
        }
        let Some(act) = target_attr(&ev, "data-act") else {
            return;
        };
        let before = run.with_untracked(|r| r.as_ref().map(|r| r.net.steps_done()));
        match act.as_str() {
            "reset" => {
                resets.update(|n| *n += 1);
                return;
            }
            "forward" | "error" | "backward" | "bias" | "step" | "train" => run.update(|r| {
                let Some(r) = r else { return };
                match act.as_str() {
                    "forward" => r.take(BpPart::Forward),
                    "error" => r.take(BpPart::Error),
                    "backward" => r.take(BpPart::Backward),
                    "bias" => r.take(BpPart::Bias),
                    "step" => r.step(),
                    _ => r.train(TRAIN_STEPS),
                }
            }),
            _ => return,
        }
        if run.with_untracked(|r| r.as_ref().map(|r| r.net.steps_done())) != before {
            grid_version.update(|g| *g += 1);
        }
        // The part just taken is disabled now: the focus moves to the next.
        let next = run.with_untracked(|r| r.as_ref().map(|r| part_name(r.net.next_part())));
        let to = if matches!(act.as_str(), "forward" | "error" | "backward" | "bias") {
            next.unwrap_or("step").to_string()
        } else {
            act
        };
        refocus(root.get_untracked().map(Into::into), to);
    };
    let open = move |ev: &web_sys::Event| {
        let key = target_attr(ev, "data-card");
        if key.is_some() && key != subject.get_untracked() {
            subject.set(key);
        }
    };
    let head = Memo::new(move |_| {
        let l = i18n.get_locale();
        let mut h = Html::new();
        h.el(H2, td_string!(l, bp.net.title));
        h.open(P)
            .attr("class", "view-caption")
            .text(td_string!(l, bp.net.intro))
            .close();
        h.finish()
    });
    let buttons = Memo::new(move |_| {
        let l = i18n.get_locale();
        run.with(|r| buttons_html(r.as_ref(), l))
    });
    let status = Memo::new(move |_| {
        let l = i18n.get_locale();
        let mut h = Html::new();
        if let Some(s) = run.with(|r| r.as_ref().map(|r| r.status(l))) {
            h.text(&s);
        }
        let refused = run
            .with(|r| r.as_ref().and_then(|r| r.refused.clone()))
            .or_else(|| error.get());
        if let Some(e) = refused {
            h.text(" ")
                .open(SPAN)
                .attr("class", "stale")
                .text(&crate::text::engine_error(l, &e))
                .close();
        }
        h.finish()
    });
    let diagram = Memo::new(move |_| {
        let l = i18n.get_locale();
        run.with(|r| r.as_ref().map(|r| diagram_svg(r, l)).unwrap_or_default())
    });
    let below = Memo::new(move |_| {
        let l = i18n.get_locale();
        let mut h = Html::new();
        h.open(P)
            .attr("class", "muted legend-line")
            .text(td_string!(l, bp.net.click_hint))
            .close();
        // The card, after the hint.
        let key = subject.get();
        run.with(|r| {
            let Some(r) = r else { return };
            if let Some(sub) = key.and_then(|k| Subject::parse(&r.net, &k)) {
                card(r, &sub, l).write(&mut h, td_string!(l, bp.card.close));
            }
        });
        h.finish()
    });
    let table = Memo::new(move |_| {
        let l = i18n.get_locale();
        run.with(|r| r.as_ref().map(|r| table_html(&r.net, l)).unwrap_or_default())
    });
    // The heatmap: its pixels after each whole step, the points on top.
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let points = RwSignal::new(String::new());
    let caption = RwSignal::new(String::new());
    Effect::new(move |_| {
        grid_version.track();
        let l = i18n.get_locale();
        let Some(el) = canvas.get() else { return };
        run.with_untracked(|r| {
            let Some(r) = r else { return };
            let g = &r.grid;
            let _ =
                crate::views::canvas::put_rgba(&el, g.resolution as u32, g.resolution as u32, &grid_rgba(g));
            let _ = el.set_attribute(
                "style",
                &format!("aspect-ratio: {} / {}", g.x_max - g.x_min, g.y_max - g.y_min),
            );
            points.set(points_svg(r));
            caption.set(format!(
                "{} {} {}",
                crate::tr!(l, bp.net.heat_title, steps = r.net.steps_done()),
                r.fit(l),
                td_string!(l, bp.net.heat_legend)
            ));
        });
    });
    let make_check = Callback::new(move |_: ()| {
        run.with_untracked(|r| {
            r.as_ref().map(|r| {
                let (_, x, t) = r.example();
                GradCheck::for_bp(&r.net, &x, &t, check_config()).map(|c| (c, r.net.steps_done()))
            })
        })
    });
    let next = move || run.with(|r| r.as_ref().map(|r| part_name(r.net.next_part())));
    view! {
        <section class="view view-wide chapter bp-view" data-testid="bp-net" data-next-part=next node_ref=root on:click=click>
            <div class="contents" inner_html=head></div>
            <div class="view-controls">
                {row_menu("bp-hidden")}
                {row_menu("bp-outputs")}
                {row_menu("bp-activation")}
                {row_menu("bp-data")}
                {row_menu("bp-lr")}
            </div>
            <div class="view-controls bp-parts" inner_html=buttons></div>
            <p class="chapter-status" data-testid="bp-status" inner_html=status></p>
            <div
                class="bp-svg"
                inner_html=diagram
                on:click=move |ev: web_sys::MouseEvent| open(&ev)
                on:focusin=move |ev: web_sys::FocusEvent| open(&ev)
            ></div>
            <div class="contents" inner_html=below></div>
            <div class="bp-numbers">
                <figure class="bp-heat">
                    <div class="bp-heat-box">
                        <canvas node_ref=canvas role="img" aria-label=move || t_string!(i18n, bp.net.heat_aria)></canvas>
                        <div class="bp-heat-points" inner_html=move || points.get()></div>
                    </div>
                    <figcaption class="muted">{move || caption.get()}</figcaption>
                </figure>
                <div class="view-data-table bp-table"><table data-testid="bp-net-data" inner_html=table></table></div>
                <GradCheckPanel make=make_check epoch=epoch label=|_, n| n.to_string()/>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::perceptron::tests::english;

    fn lab(hidden: usize, outputs: usize, activation: Activation) -> BpLab {
        BpLab::new(&BpSettings {
            hidden,
            outputs,
            activation,
            ..BpSettings::default()
        })
        .unwrap()
    }

    #[test]
    fn the_four_parts_in_order_are_one_whole_step_and_out_of_order_is_refused() {
        for (h, o, a) in [
            (3, 1, Activation::Tanh),
            (4, 2, Activation::Relu),
            (2, 1, Activation::Sigmoid),
        ] {
            let mut parts = lab(h, o, a);
            let mut whole = parts.clone();
            for _ in 0..3 {
                parts.take(BpPart::Error);
                assert!(parts.refused.is_some(), "error before forward is refused");
                for p in BpPart::ALL {
                    assert_eq!(parts.net.next_part(), p);
                    parts.take(p);
                    assert_eq!(parts.refused, None);
                }
                whole.step();
                assert_eq!(parts.net.data(), whole.net.data());
                assert_eq!(parts.grid, whole.grid, "the grid follows whole steps");
            }
        }
    }

    #[test]
    fn the_grid_is_redrawn_after_a_whole_step_only() {
        let mut b = lab(3, 1, Activation::Tanh);
        let start = b.grid.clone();
        b.take(BpPart::Forward);
        b.take(BpPart::Error);
        b.take(BpPart::Backward);
        assert_eq!(b.grid, start, "weights moved, but the step is not done");
        b.take(BpPart::Bias);
        assert_ne!(b.grid, start);
        assert_eq!(grid_rgba(&b.grid).len(), GRID * GRID * 4);
    }

    #[test]
    fn the_cards_show_the_parts_numbers_term_by_term() {
        let mut b = lab(3, 2, Activation::Tanh);
        b.step();
        b.take(BpPart::Forward);
        let f = b.net.last_forward().unwrap().clone();
        let h2 = card(&b, &Subject::parse(&b.net, "h2").unwrap(), Locale::en);
        assert_eq!(h2.number("z_h2"), Some(f.z_h[1]));
        assert_eq!(h2.number("a_h2"), Some(f.a_h[1]));
        assert_eq!(h2.number("x1"), Some(f.x[0]));
        assert_eq!(h2.number("fwd:w_h2_x1"), Some(b.net.w_hx()[1][0]));
        assert_eq!(h2.number("delta_h2"), None, "δ comes in part ③");
        assert!(
            h2.plain().contains("z₂ = w_h2_x1·x₁ + w_h2_x2·x₂ + b_h2 = "),
            "{}",
            h2.plain()
        );
        b.take(BpPart::Error);
        let e = b.net.last_error().unwrap().clone();
        let loss = card(&b, &Subject::Loss, Locale::en);
        assert_eq!(loss.number("E"), Some(e.loss));
        assert_eq!(loss.number("e2"), Some(e.output_error[1]));
        b.take(BpPart::Backward);
        let back = b.net.last_backward().unwrap().clone();
        let h2 = card(&b, &Subject::Hidden(1), Locale::en);
        assert_eq!(h2.number("delta_h2"), Some(back.delta_h[1]));
        assert_eq!(h2.number("sum_h2"), Some(back.back_sum[1]));
        assert_eq!(h2.number("slope_h2"), Some(back.hidden_slope[1]));
        assert_eq!(
            h2.number("fwd:w_h2_x1"),
            Some(back.w_hx_before[1][0]),
            "the weights of the forward pass"
        );
        let y1 = card(&b, &Subject::Output(0), Locale::en);
        assert_eq!(y1.number("delta_y1"), Some(back.delta_y[0]));
        assert_eq!(y1.number("slope_y1"), Some(back.output_slope[0]));
        // A weight's card: its gradient and its update, as the table has them.
        let rows = b.net.data().rows;
        for r in rows.iter().filter(|r| r.name.starts_with('w')) {
            let c = card(&b, &Subject::parse(&b.net, &r.name).unwrap(), Locale::en);
            let g = c.number(&format!("grad:{}", r.name)).unwrap();
            assert_eq!(Some(g), r.grad, "{}", r.name);
            let (old, new, eta) = (
                c.number(&format!("old:{}", r.name)).unwrap(),
                c.number(&format!("new:{}", r.name)).unwrap(),
                c.number("eta").unwrap(),
            );
            assert_eq!(new, r.value, "{}", r.name);
            assert_eq!(new.to_bits(), (old - eta * g).to_bits(), "{}", r.name);
        }
        // Biases wait for part ④.
        let bias = card(&b, &Subject::parse(&b.net, "b_h1").unwrap(), Locale::en);
        assert_eq!(bias.number("grad:b_h1"), None);
        b.take(BpPart::Bias);
        let s = b.net.last_bias().unwrap().clone();
        for (name, g, new) in [
            ("b_h1", s.grad_b_h[0], s.b_h_after[0]),
            ("b_y2", s.grad_b_y[1], s.b_y_after[1]),
        ] {
            let c = card(&b, &Subject::parse(&b.net, name).unwrap(), Locale::en);
            assert_eq!(c.number(&format!("grad:{name}")), Some(g));
            assert_eq!(c.number(&format!("new:{name}")), Some(new));
        }
    }

    #[test]
    fn the_diagram_has_every_weight_and_bias_and_marks_the_part_taken() {
        let mut b = lab(4, 2, Activation::Relu);
        let svg = diagram_svg(&b, Locale::en);
        assert_eq!(svg.matches("bp-param").count(), 4 * 2 + 4 + 2 * 4 + 2);
        assert!(!svg.contains(" hot"));
        for r in b.net.data().rows {
            assert!(svg.contains(&format!("data-card=\"{}\"", r.name)), "{}", r.name);
        }
        b.take(BpPart::Forward);
        let svg = diagram_svg(&b, Locale::en);
        assert!(svg.contains("bp-unit hot") && svg.contains("data-name=\"z\""));
        b.take(BpPart::Error);
        assert!(diagram_svg(&b, Locale::en).contains("bp-loss hot"));
        b.take(BpPart::Backward);
        let svg = diagram_svg(&b, Locale::en);
        assert!(svg.contains("bp-param hot") && svg.contains("data-name=\"δ\""));
        let table = table_html(&b.net, Locale::en);
        assert_eq!(table.matches("<tr data-name=").count(), 22);
    }

    #[test]
    fn train_learns_xor_which_the_perceptron_cannot() {
        let mut b = lab(3, 1, Activation::Tanh);
        b.take(BpPart::Forward);
        for _ in 0..10 {
            b.train(TRAIN_STEPS);
        }
        assert_eq!(b.refused, None);
        let acc = b.net.accuracy(&b.data).unwrap();
        assert!(acc >= 0.95, "accuracy {acc}");
    }

    #[test]
    fn the_chinese_view_has_no_english() {
        let mut b = lab(3, 2, Activation::Sigmoid);
        let mut texts = vec![b.status(Locale::zh), b.fit(Locale::zh)];
        let subjects = ["x1", "h1", "y2", "E", "w_h1_x2", "w_y2_h3", "b_h2", "b_y1"];
        for p in [
            None,
            Some(BpPart::Forward),
            Some(BpPart::Error),
            Some(BpPart::Backward),
            Some(BpPart::Bias),
        ] {
            if let Some(p) = p {
                b.take(p);
            }
            texts.push(diagram_svg(&b, Locale::zh));
            texts.push(table_html(&b.net, Locale::zh));
            texts.push(b.status(Locale::zh));
            for s in subjects {
                texts.push(card(&b, &Subject::parse(&b.net, s).unwrap(), Locale::zh).plain());
            }
        }
        let plain: String = texts
            .join("\n")
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(english(&plain), Vec::<String>::new(), "{plain}");
    }
}
