//! The unrolled graph as SVG markup, its data table, and the step-through
//! read-out: plain functions of a [`Trace`] (tested natively), so the
//! component only places strings in the page.
//!
//! Layout, top to bottom: y_t (the readout), the LSTM's cell-state lane
//! c_t, h_t (and, for the bidirectional model, the backward row), x_t, then
//! a band with t and ‖∂L/∂h_t‖. Every node is a small tile of its vector's
//! units, coloured on a diverging scale; the shared weights are named once
//! on the first column and under a brace that spans every step.
//!
//! Every word is in the locale given, from the `graph` namespace
//! (`locales/*/graph.json`); symbols (U, W, V, h_t, ‖∂L/∂h_t‖) stay symbols.

use super::colour::{diverging, hex, Rgb};
use super::gradients::format_sci;
use super::timeline::{columns, Column, Cursor, Phase};
use crate::html::{
    Html, Table, DEFS, DIV, G, LI, LINE, LINEAR_GRADIENT, MARKER, P, PATH, RECT, STOP, SVG, TD, TEXT, TH,
    TITLE, UL,
};
use crate::i18n::*;
use crate::lang::Locale;
use rnn_core::{Activation, CellKind, DirectionTrace, Gate, Trace};

const COL_W: f64 = 78.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 18.0;
const TILE: f64 = 46.0;
const ROW_GAP: f64 = 40.0;
const TOP: f64 = 34.0;
/// Units drawn per tile (the first ones; the title says how many there are).
const MAX_UNITS: usize = 36;
const HIGHLIGHT: &str = "#e69f00";
const GRADIENT: &str = "#d55e00";
const INK: &str = "#1a1d21";
const MUTED: &str = "#59606a";
/// The bidirectional model's detours around the other row.
const SIDE: &str = "#8a9099";

/// What to draw besides the trace.
#[derive(Clone, Copy, Debug, Default)]
pub struct GraphOptions<'a> {
    pub cursor: Cursor,
    /// Most columns to draw before folding the middle.
    pub max_cols: usize,
    /// RNN only: ‖diag(φ'(a_t))·W‖ for t = 1..T (index 0 is t = 1).
    pub step_norms: Option<&'a [f64]>,
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn max_abs<'a>(vs: impl IntoIterator<Item = &'a Vec<f64>>) -> f64 {
    vs.into_iter()
        .flat_map(|v| v.iter())
        .filter(|x| x.is_finite())
        .fold(0.0, |m, x| m.max(x.abs()))
}

/// `h_5` with a subscript that SVG text can show.
fn sub(name: &str, t: usize) -> String {
    format!("{name}{}", subscript(t))
}

fn subscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// Summary of one vector for a tooltip: norm, range and the first units.
fn describe(l: Locale, v: &[f64]) -> String {
    if v.is_empty() {
        return td_string!(l, graph.node.empty).into();
    }
    let shown: Vec<String> = v.iter().take(4).map(|x| format!("{x:.3}")).collect();
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
        (l.min(*x), h.max(*x))
    });
    let mut first = shown.join(td_string!(l, graph.step.list_sep));
    if v.len() > 4 {
        first.push_str(td_string!(l, graph.node.more));
    }
    crate::tr!(
        l,
        graph.node.describe,
        norm = format_sci(norm(v)),
        lo = format!("{lo:.3}"),
        hi = format!("{hi:.3}"),
        n = v.len(),
        first
    )
}

/// ‖∂L/∂h_t‖ at a step, sorted as the text says it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum GradAt {
    Value(f64),
    NonFinite,
    Underflow,
    Zero,
    Missing,
}

fn grad_at(d: &DirectionTrace, t0: usize) -> GradAt {
    match d.grad_h.get(t0) {
        Some(&g) if !g.is_finite() => GradAt::NonFinite,
        Some(&g) if g > 0.0 => GradAt::Value(g),
        Some(_) if d.underflowed(t0) => GradAt::Underflow,
        Some(_) => GradAt::Zero,
        None => GradAt::Missing,
    }
}

/// ‖∂L/∂h_t‖ as text: a number, "below f32 floor" or "0".
pub fn grad_text(l: Locale, d: &DirectionTrace, t0: usize) -> String {
    match grad_at(d, t0) {
        GradAt::NonFinite => td_string!(l, grads.value.non_finite).into(),
        GradAt::Value(g) => format_sci(g),
        GradAt::Underflow => td_string!(l, grads.value.below_floor).into(),
        GradAt::Zero => "0".into(),
        GradAt::Missing => "—".into(),
    }
}

/// Which rows the graph has, and their centre y.
struct Rows {
    y: Option<f64>,
    c: Option<f64>,
    h: f64,
    hb: Option<f64>,
    x: f64,
    t_label: f64,
    grad: f64,
    brace: f64,
    legend: f64,
    height: f64,
}

fn rows(trace: &Trace) -> Rows {
    let pitch = TILE + ROW_GAP;
    let mut y = TOP + TILE / 2.0;
    let has_y = !trace.outputs.is_empty();
    let y_row = has_y.then_some(y);
    if has_y {
        y += pitch;
    }
    let c_row = (trace.cell == CellKind::Lstm).then_some(y);
    if c_row.is_some() {
        y += pitch;
    }
    let h = y;
    y += pitch;
    let hb = (trace.directions.len() > 1).then_some(y);
    if hb.is_some() {
        y += pitch;
    }
    let x = y;
    let t_label = x + TILE / 2.0 + 22.0;
    let grad = t_label + 24.0;
    let brace = grad + 16.0;
    let legend = brace + 64.0;
    Rows {
        y: y_row,
        c: c_row,
        h,
        hb,
        x,
        t_label,
        grad,
        brace,
        legend,
        height: legend + if trace.cell == CellKind::Lstm { 52.0 } else { 30.0 },
    }
}

/// Which output belongs to step t (1-based): all of them for many-to-many,
/// only the last step's for many-to-one.
fn output_at(trace: &Trace, t: usize) -> Option<&Vec<f64>> {
    if trace.outputs.len() == trace.seq_len {
        trace.outputs.get(t - 1)
    } else if t == trace.seq_len {
        trace.outputs.last()
    } else {
        None
    }
}

/// Attributes of an SVG element: (name, value); an empty value leaves
/// the attribute out.
type Attrs<'a> = &'a [(&'static str, &'a str)];

struct Svg {
    out: Html,
    /// The weights' names, drawn last and never dimmed.
    labels: Html,
}

/// `x="…" y="…"` (and the like) with one decimal.
fn at1<'h>(h: &'h mut Html, name: &'static str, v: f64) -> &'h mut Html {
    h.attr_fmt(name, format_args!("{v:.1}"))
}

fn attrs(h: &mut Html, attrs: Attrs) {
    for (name, value) in attrs {
        if !value.is_empty() {
            h.attr(name, value);
        }
    }
}

/// `<text>` at (x, y) of `size`, its words escaped.
fn text_el(h: &mut Html, x: f64, y: f64, size: f64, ink: bool, extra: Attrs, s: &str) {
    h.open(TEXT);
    at1(h, "x", x);
    at1(h, "y", y).attr_num("font-size", size);
    if ink {
        h.attr("fill", INK);
    }
    attrs(h, extra);
    h.text(s).close();
}

impl Svg {
    fn label(&mut self, x: f64, y: f64, size: f64, extra: Attrs, s: &str) {
        text_el(&mut self.labels, x, y, size, true, extra, s);
    }

    fn text(&mut self, x: f64, y: f64, size: f64, extra: Attrs, s: &str) {
        text_el(&mut self.out, x, y, size, false, extra, s);
    }

    fn arrow(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), colour: &str, width: f64, extra: Attrs) {
        let marker = if colour == HIGHLIGHT {
            "ug-head-hi"
        } else if colour == GRADIENT {
            "ug-head-grad"
        } else {
            "ug-head"
        };
        let h = &mut self.out;
        h.open(LINE);
        at1(h, "x1", x1);
        at1(h, "y1", y1);
        at1(h, "x2", x2);
        at1(h, "y2", y2)
            .attr("stroke", colour)
            .attr_num("stroke-width", width);
        h.attr_fmt("marker-end", format_args!("url(#{marker})"));
        attrs(h, extra);
        h.close_empty();
    }

    /// A node: a focusable tile of coloured unit cells with its numbers in a
    /// title (hover) and an aria-label (focus, screen readers).
    #[allow(clippy::too_many_arguments)]
    fn tile(
        &mut self,
        cx: f64,
        cy: f64,
        v: &[f64],
        scale: f64,
        row: &str,
        t: usize,
        info: &str,
        ring: Option<&str>,
    ) {
        let n = v.len().clamp(1, MAX_UNITS);
        let g = (n as f64).sqrt().ceil() as usize;
        let rows_n = n.div_ceil(g);
        let cell = TILE / g as f64;
        let (x0, y0) = (cx - TILE / 2.0, cy - TILE / 2.0);
        let y_off = (TILE - cell * rows_n as f64) / 2.0;
        let h = &mut self.out;
        h.open(G)
            .attr("class", "ug-node")
            .attr("tabindex", "0")
            .attr("data-row", row);
        h.attr_num("data-t", t as f64)
            .attr("aria-label", info)
            .el(TITLE, info);
        h.open(RECT);
        at1(h, "x", x0);
        at1(h, "y", y0)
            .attr_num("width", TILE)
            .attr_num("height", TILE)
            .attr("rx", "5");
        h.attr("fill", "#fff")
            .attr("stroke", MUTED)
            .attr("stroke-width", "1")
            .close_empty();
        for (i, &x) in v.iter().take(n).enumerate() {
            let (r, c) = (i / g, i % g);
            let fill: Rgb = diverging(x, scale);
            h.open(RECT);
            at1(h, "x", x0 + c as f64 * cell);
            at1(h, "y", y0 + y_off + r as f64 * cell);
            at1(h, "width", cell + 0.3);
            at1(h, "height", cell + 0.3)
                .attr("fill", &hex(fill))
                .close_empty();
        }
        if let Some(colour) = ring {
            h.open(RECT).attr("class", "ug-ring");
            at1(h, "x", x0 - 4.0);
            at1(h, "y", y0 - 4.0);
            at1(h, "width", TILE + 8.0);
            at1(h, "height", TILE + 8.0).attr("rx", "7").attr("fill", "none");
            h.attr("stroke", colour).attr("stroke-width", "4").close_empty();
        }
        h.close();
    }
}

/// The whole graph as an `<svg>` element.
pub fn graph_svg(trace: &Trace, opts: GraphOptions, l: Locale) -> String {
    let len = trace.seq_len.min(trace.inputs.len());
    let Some(fwd) = trace.directions.first() else {
        return String::new();
    };
    let cursor = opts.cursor.clamp(len);
    let cols = columns(len, opts.max_cols, cursor.t());
    let r = rows(trace);
    let width = LEFT + cols.len().max(1) as f64 * COL_W + RIGHT;
    let cx = |i: usize| LEFT + (i as f64 + 0.5) * COL_W;
    let half = TILE / 2.0;

    let x_scale = max_abs(&trace.inputs).max(1e-12);
    let h_scale = max_abs(trace.directions.iter().flat_map(|d| d.hidden.iter())).max(1e-12);
    let y_scale = max_abs(&trace.outputs).max(1e-12);
    let c_series = trace.directions.first().and_then(|d| d.cell_state());
    let c_scale = c_series.map_or(1.0, |c| max_abs(&c.values).max(1e-12));

    let mut s = Svg {
        out: Html::new(),
        labels: Html::new(),
    };
    s.out.open(SVG).attr("xmlns", "http://www.w3.org/2000/svg");
    s.out
        .attr_fmt("viewBox", format_args!("0 0 {width:.0} {:.0}", r.height));
    s.out.attr("width", "100%").attr("role", "group");
    s.out.attr("aria-label", &crate::tr!(l, graph.svg.aria, len));
    s.out.attr("font-family", crate::lang::FONT_STACK);
    s.out.open(DEFS);
    for (id, size, fill) in [
        ("ug-head", "7", MUTED),
        ("ug-head-hi", "6", HIGHLIGHT),
        ("ug-head-grad", "6", GRADIENT),
    ] {
        s.out
            .open(MARKER)
            .attr("id", id)
            .attr("viewBox", "0 0 10 10")
            .attr("refX", "9");
        s.out
            .attr("refY", "5")
            .attr("markerWidth", size)
            .attr("markerHeight", size);
        s.out.attr("orient", "auto-start-reverse");
        s.out
            .open(PATH)
            .attr("d", "M0,0L10,5L0,10z")
            .attr("fill", fill)
            .close_empty();
        s.out.close();
    }
    s.out.close();

    // Row labels.
    let label =
        |s: &mut Svg, y: f64, text: &str| s.text(12.0, y + 6.0, 18.0, &[("font-weight", "600")], text);
    if let Some(y) = r.y {
        label(&mut s, y, td_string!(l, graph.svg.row_y));
    }
    if let Some(y) = r.c {
        label(&mut s, y, td_string!(l, graph.svg.row_c));
    }
    label(&mut s, r.h, if r.hb.is_some() { "h →" } else { "h" });
    if let Some(y) = r.hb {
        label(&mut s, y, "h ←");
    }
    label(&mut s, r.x, td_string!(l, graph.svg.row_x));
    s.text(12.0, r.t_label + 5.0, 16.0, &[("fill", MUTED)], "t");
    s.text(12.0, r.grad + 5.0, 15.0, &[("fill", MUTED)], "‖∂L/∂h‖");

    // The LSTM's highway: one broad lane under every c tile.
    if let Some(y) = r.c {
        let h = &mut s.out;
        h.open(RECT);
        at1(h, "x", LEFT + 4.0);
        at1(h, "y", y - 11.0);
        at1(h, "width", cols.len() as f64 * COL_W - 8.0)
            .attr("height", "22")
            .attr("rx", "11");
        h.attr("fill", "#cfe3f3").close_empty();
    }

    let dim_of = |t: usize| match cursor.0 {
        Some((Phase::Forward, c)) if t > c => 0.25,
        Some((Phase::Backward, c)) if t < c => 0.45,
        _ => 1.0,
    };

    for (i, col) in cols.iter().enumerate() {
        let x = cx(i);
        let Column::Step(t) = *col else {
            let Column::Fold { from, to } = *col else {
                unreachable!()
            };
            let n = to - from + 1;
            for y in [Some(r.h), r.hb, r.c].into_iter().flatten() {
                s.text(x, y + 8.0, 26.0, &[("text-anchor", "middle")], "…");
            }
            s.text(
                x,
                r.x + 6.0,
                16.0,
                &[("text-anchor", "middle"), ("fill", MUTED)],
                &crate::tr!(l, graph.svg.fold, n),
            );
            s.text(
                x,
                r.t_label + 5.0,
                15.0,
                &[("text-anchor", "middle"), ("fill", MUTED)],
                &format!("{from}–{to}"),
            );
            continue;
        };
        let t0 = t - 1;
        let is_cur = cursor.t() == Some(t);
        let phase = cursor.phase();
        let class = if is_cur { "ug-col ug-current" } else { "ug-col" };
        s.out.open(G).attr("class", class).attr_num("data-t", t as f64);
        s.out.attr_num("opacity", dim_of(t));

        // Recurrent arrow from the previous column (drawn into this one).
        if i > 0 {
            let hot = is_cur && phase == Some(Phase::Forward);
            let (colour, w) = if hot { (HIGHLIGHT, 3.5) } else { (MUTED, 1.6) };
            s.arrow(
                (cx(i - 1) + half + 2.0, r.h),
                (x - half - 4.0, r.h),
                colour,
                w,
                &[],
            );
            if i == 1 {
                s.label(
                    (cx(0) + x) / 2.0,
                    r.h - 8.0,
                    18.0,
                    &[
                        ("text-anchor", "middle"),
                        ("font-style", "italic"),
                        ("font-weight", "700"),
                    ],
                    "W",
                );
            }
            if let Some(yb) = r.hb {
                s.arrow(
                    (x - half - 2.0, yb),
                    (cx(i - 1) + half + 4.0, yb),
                    MUTED,
                    1.6,
                    &[],
                );
                if i == 1 {
                    s.label(
                        (cx(0) + x) / 2.0,
                        yb + 24.0,
                        18.0,
                        &[
                            ("text-anchor", "middle"),
                            ("font-style", "italic"),
                            ("font-weight", "700"),
                        ],
                        "W′",
                    );
                }
            }
            if let Some(yc) = r.c {
                s.arrow(
                    (cx(i - 1) + half + 2.0, yc),
                    (x - half - 4.0, yc),
                    "#0072b2",
                    3.0,
                    &[],
                );
            }
            // The backward pass's arrow, h_{t+1} → h_t, once it has passed.
            if phase == Some(Phase::Backward) {
                if let Some(ct) = cursor.t() {
                    let prev_t = cols[i - 1].step();
                    if prev_t.is_some_and(|p| p >= ct) {
                        let hot = prev_t == Some(ct);
                        let w = if hot { 3.5 } else { 2.0 };
                        s.arrow(
                            (x - half - 4.0, r.h + 12.0),
                            (cx(i - 1) + half + 4.0, r.h + 12.0),
                            GRADIENT,
                            w,
                            &[("stroke-dasharray", "6 3")],
                        );
                        if hot {
                            if let Some(f) = backward_factor(trace, opts.step_norms, t) {
                                s.text(
                                    (cx(i - 1) + x) / 2.0,
                                    r.h + half + 19.0,
                                    16.0,
                                    &[
                                        ("text-anchor", "middle"),
                                        ("fill", GRADIENT),
                                        ("font-weight", "700"),
                                    ],
                                    &format!("×{}", format_sci(f)),
                                );
                            }
                        }
                    }
                }
            }
        }

        // x_t → h_t (and → backward h_t).
        let fwd_hot = is_cur && phase == Some(Phase::Forward);
        let (c_in, w_in) = if fwd_hot { (HIGHLIGHT, 3.5) } else { (MUTED, 1.6) };
        match r.hb {
            None => s.arrow((x, r.x - half - 2.0), (x, r.h + half + 4.0), c_in, w_in, &[]),
            Some(yb) => {
                s.arrow((x, r.x - half - 2.0), (x, yb + half + 4.0), MUTED, 1.6, &[]);
                let side = x + half + 6.0;
                let h = &mut s.out;
                h.open(PATH).attr_fmt(
                    "d",
                    format_args!(
                        "M{:.1},{:.1} L{side:.1},{:.1} L{side:.1},{:.1} L{:.1},{:.1}",
                        x + half * 0.5,
                        r.x - half,
                        r.x - half - 10.0,
                        r.h + 4.0,
                        x + half + 4.0,
                        r.h + 4.0
                    ),
                );
                h.attr("fill", "none")
                    .attr("stroke", if fwd_hot { c_in } else { SIDE });
                h.attr_num("stroke-width", if fwd_hot { w_in } else { 1.2 });
                let head = if fwd_hot { "ug-head-hi" } else { "ug-head" };
                h.attr_fmt("marker-end", format_args!("url(#{head})"))
                    .close_empty();
            }
        }
        if i == 0 {
            let italic = &[
                ("text-anchor", "end"),
                ("font-style", "italic"),
                ("font-weight", "700"),
            ];
            match r.hb {
                None => s.label(x - 12.0, (r.x + r.h) / 2.0 + 6.0, 18.0, italic, "U"),
                Some(yb) => {
                    s.label(x - 12.0, (r.x + yb) / 2.0 + 6.0, 18.0, italic, "U′");
                    s.label(
                        x + half + 10.0,
                        (r.h + yb) / 2.0 + 6.0,
                        18.0,
                        &[("font-style", "italic"), ("font-weight", "700")],
                        "U",
                    );
                }
            }
        }

        // h_t → y_t.
        if let (Some(yy), Some(out)) = (r.y, output_at(trace, t)) {
            let from_top = r.c.map_or(r.h - half - 2.0, |_| r.h - half - 2.0);
            // With a c lane the arrow passes beside the c tile.
            let ax = if r.c.is_some() { x - half - 5.0 } else { x };
            s.arrow((ax, from_top), (ax, yy + half + 4.0), MUTED, 1.6, &[]);
            if let Some(yb) = r.hb {
                let side = x - half - 6.0;
                let h = &mut s.out;
                let (x0, y1) = (x - half, yy + half + 4.0);
                h.open(PATH);
                h.attr_fmt(
                    "d",
                    format_args!("M{x0:.1},{yb:.1} L{side:.1},{yb:.1} L{side:.1},{y1:.1}"),
                );
                h.attr("fill", "none")
                    .attr("stroke", SIDE)
                    .attr("stroke-width", "1.2");
                h.attr("marker-end", "url(#ug-head)").close_empty();
            }
            if i == 0 || (trace.outputs.len() == 1 && len > 1) {
                s.label(
                    ax - 6.0,
                    (yy + r.c.unwrap_or(r.h)) / 2.0 + 6.0,
                    18.0,
                    &[
                        ("text-anchor", "end"),
                        ("font-style", "italic"),
                        ("font-weight", "700"),
                    ],
                    "V",
                );
            }
            let info = crate::tr!(
                l,
                graph.node.output,
                name = sub("y", t),
                t,
                desc = describe(l, out)
            );
            s.tile(x, yy, out, y_scale, "y", t, &info, None);
        }

        // c_t and its arrow down to h_t.
        if let (Some(yc), Some(c)) = (r.c, c_series) {
            if let Some(v) = c.values.get(t0) {
                s.arrow(
                    (x + 6.0, yc + half + 2.0),
                    (x + 6.0, r.h - half - 4.0),
                    MUTED,
                    1.4,
                    &[],
                );
                let info = crate::tr!(
                    l,
                    graph.node.cell,
                    name = sub("c", t),
                    t,
                    desc = describe(l, v),
                    grad = fwd.grad_c.get(t0).map_or("—".into(), |g| format_sci(*g))
                );
                s.tile(x, yc, v, c_scale, "c", t, &info, None);
            }
        }

        // h_t.
        if let Some(h) = fwd.hidden.get(t0) {
            let ring = match phase {
                _ if !is_cur => None,
                Some(Phase::Forward) => Some(HIGHLIGHT),
                _ => Some(GRADIENT),
            };
            let ring = ring.or_else(|| {
                // The forward step's inputs: h_{t−1}.
                (phase == Some(Phase::Forward) && cursor.t() == Some(t + 1)).then_some("#56b4e9")
            });
            let (name, desc, grad) = (sub("h", t), describe(l, h), grad_text(l, fwd, t0));
            let info = if r.hb.is_some() {
                crate::tr!(l, graph.node.hidden_forward, name, t, desc, grad)
            } else {
                crate::tr!(l, graph.node.hidden, name, t, desc, grad)
            };
            s.tile(x, r.h, h, h_scale, "h", t, &info, ring);
        }
        if let (Some(yb), Some(bwd)) = (r.hb, trace.directions.get(1)) {
            if let Some(h) = bwd.hidden.get(t0) {
                let info = crate::tr!(
                    l,
                    graph.node.hidden_backward,
                    name = sub("h", t),
                    t,
                    desc = describe(l, h),
                    grad = grad_text(l, bwd, t0)
                );
                s.tile(x, yb, h, h_scale, "hb", t, &info, None);
            }
        }

        // x_t.
        if let Some(v) = trace.inputs.get(t0) {
            let ring = (fwd_hot).then_some("#56b4e9");
            let info = crate::tr!(l, graph.node.input, name = sub("x", t), t, desc = describe(l, v));
            s.tile(x, r.x, v, x_scale, "x", t, &info, ring);
        }

        // t and ‖∂L/∂h_t‖.
        let weight = if is_cur { "700" } else { "" };
        s.text(
            x,
            r.t_label + 5.0,
            16.0,
            &[("text-anchor", "middle"), ("font-weight", weight)],
            &t.to_string(),
        );
        let show_grad = match cursor.0 {
            Some((Phase::Forward, _)) => false,
            Some((Phase::Backward, c)) => t >= c,
            None => true,
        };
        if show_grad {
            let g = match grad_at(fwd, t0) {
                GradAt::Underflow => td_string!(l, graph.svg.grad_floor).to_string(),
                _ => grad_text(l, fwd, t0),
            };
            let colour = if is_cur { GRADIENT } else { INK };
            s.text(
                x,
                r.grad + 5.0,
                15.0,
                &[
                    ("text-anchor", "middle"),
                    ("fill", colour),
                    ("font-weight", weight),
                ],
                &g,
            );
        }
        s.out.close();
    }

    let labels = std::mem::take(&mut s.labels);
    s.out.append(labels);

    // The brace: the same weights at every step.
    let (bx0, bx1) = (LEFT + 6.0, LEFT + cols.len() as f64 * COL_W - 6.0);
    let mid = (bx0 + bx1) / 2.0;
    let yb = r.brace;
    let (m, e, y1) = (mid - 10.0, bx1 - 10.0, yb + 10.0);
    let h = &mut s.out;
    h.open(PATH).attr_fmt(
        "d",
        format_args!("M{bx0:.1},{yb:.1} q0,10 10,10 L{m:.1},{y1:.1} q10,0 10,8 q0,-8 10,-8 L{e:.1},{y1:.1} q10,0 10,-10"),
    );
    h.attr("fill", "none")
        .attr("stroke", INK)
        .attr("stroke-width", "1.5")
        .close_empty();
    let shared = if r.hb.is_some() {
        td_string!(l, graph.svg.shared_bi)
    } else {
        td_string!(l, graph.svg.shared)
    };
    s.text(
        mid,
        yb + 36.0,
        17.0,
        &[("text-anchor", "middle"), ("font-weight", "600")],
        shared,
    );

    // Colour legend.
    let lx = LEFT;
    let ly = r.legend;
    let h = &mut s.out;
    h.open(DEFS).open(LINEAR_GRADIENT).attr("id", "ug-div");
    for (offset, v) in [("0", -1.0), ("0.5", 0.0), ("1", 1.0)] {
        h.open(STOP)
            .attr("offset", offset)
            .attr("stop-color", &hex(diverging(v, 1.0)))
            .close_empty();
    }
    h.close().close().open(RECT);
    at1(h, "x", lx);
    at1(h, "y", ly - 11.0).attr("width", "120").attr("height", "14");
    h.attr("fill", "url(#ug-div)")
        .attr("stroke", "#999")
        .close_empty();
    s.text(
        lx + 130.0,
        ly + 1.0,
        15.0,
        &[("fill", MUTED)],
        td_string!(l, graph.svg.colours),
    );
    let units = if trace.hidden > MAX_UNITS {
        crate::tr!(l, graph.svg.units_some, shown = MAX_UNITS, n = trace.hidden)
    } else {
        crate::tr!(l, graph.svg.units_all, n = trace.hidden)
    };
    let (h, x) = (format_sci(h_scale), format_sci(x_scale));
    let scales = if trace.outputs.is_empty() {
        crate::tr!(l, graph.svg.scales, h, x, units)
    } else {
        crate::tr!(l, graph.svg.scales_y, h, x, y = format_sci(y_scale), units)
    };
    s.text(lx, ly + 22.0, 15.0, &[("fill", MUTED)], &scales);
    if r.c.is_some() {
        s.text(
            lx,
            ly + 44.0,
            15.0,
            &[("fill", MUTED)],
            // Plain text (no `tr!`): its braces are a subscript, not a placeholder.
            td_string!(l, graph.svg.lane),
        );
    }
    s.out.finish()
}

/// RNN: ‖diag(φ'(a_t))·W‖, the most the recurrent path can multiply the
/// gradient by on the way from h_t to h_{t−1}; gated cells: the measured
/// ratio ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖. `from_t` is the 1-based step the
/// gradient leaves.
pub fn backward_factor(trace: &Trace, step_norms: Option<&[f64]>, from_t: usize) -> Option<f64> {
    if from_t < 2 {
        return None;
    }
    if trace.cell == CellKind::Rnn {
        if let Some(n) = step_norms.and_then(|n| n.get(from_t - 1)) {
            return Some(*n);
        }
    }
    measured_ratio(trace.directions.first()?, from_t)
}

/// ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖ for `from_t` = t (1-based).
pub fn measured_ratio(d: &DirectionTrace, from_t: usize) -> Option<f64> {
    let (a, b) = (*d.grad_h.get(from_t.checked_sub(2)?)?, *d.grad_h.get(from_t - 1)?);
    (b > 0.0).then(|| a / b)
}

/// The step-through read-out under the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct StepDetails {
    pub title: String,
    /// The number to show in large type.
    pub headline: String,
    pub lines: Vec<String>,
}

impl StepDetails {
    /// The read-out as HTML (one string rather than a tree of reactive
    /// nodes: it is replaced whole at every move of the cursor).
    pub fn html(&self) -> String {
        let mut h = Html::new();
        h.open(DIV);
        h.open(P).attr("class", "step-title").text(&self.title).close();
        h.open(P)
            .attr("class", "step-headline")
            .text(&self.headline)
            .close();
        h.open(UL);
        for line in &self.lines {
            h.el(LI, line);
        }
        h.finish()
    }
}

fn cell_formula(l: Locale, cell: CellKind, act: Activation, t: usize) -> String {
    let (tt, tp) = (subscript(t), subscript(t - 1));
    match cell {
        CellKind::Rnn => match act {
            // The names a formula is written with; the others as φ, named.
            Activation::Sigmoid | Activation::Tanh | Activation::Relu => {
                crate::tr!(
                    l,
                    graph.step.formula_rnn,
                    t = &tt,
                    p = &tp,
                    f = crate::text::activation(l, act)
                )
            }
            Activation::LeakyRelu | Activation::Identity => crate::tr!(
                l,
                graph.step.formula_rnn_phi,
                t = &tt,
                p = &tp,
                f = crate::text::activation(l, act)
            ),
        },
        CellKind::Lstm => crate::tr!(l, graph.step.formula_lstm, t = &tt, p = &tp),
        CellKind::Gru => crate::tr!(l, graph.step.formula_gru, t = &tt, p = &tp),
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// What the step-through shows for the cursor, or `None` without one.
pub fn step_details(
    trace: &Trace,
    cursor: Cursor,
    step_norms: Option<&[f64]>,
    l: Locale,
) -> Option<StepDetails> {
    let len = trace.seq_len.min(trace.inputs.len());
    let (phase, t) = cursor.clamp(len).0?;
    let d = trace.directions.first()?;
    let t0 = t - 1;
    let bi = if trace.directions.len() > 1 {
        td_string!(l, graph.step.forward_direction)
    } else {
        ""
    };
    let many_to_many = trace.outputs.len() == trace.seq_len && len > 1;
    let step = trace.step;
    match phase {
        Phase::Forward => {
            let h = d.hidden.get(t0)?;
            let mut lines = vec![cell_formula(l, trace.cell, trace.activation, t)];
            let x = trace.inputs.get(t0).map_or(0.0, |x| norm(x));
            let prev = if t > 1 {
                format!(
                    "‖h{}‖ = {}",
                    subscript(t - 1),
                    format_sci(norm(d.hidden.get(t0 - 1)?))
                )
            } else {
                td_string!(l, graph.step.start_empty).into()
            };
            lines.push(crate::tr!(
                l,
                graph.step.made_from,
                t = subscript(t),
                x = format_sci(x),
                prev
            ));
            match trace.cell {
                CellKind::Rnn => {
                    let a = d.pre_activations.get(t0)?;
                    let gamma = trace.activation.max_derivative();
                    let low = a
                        .iter()
                        .zip(h)
                        .filter(|(a, h)| trace.activation.derivative(**a, **h) < 0.1 * gamma)
                        .count();
                    lines.push(crate::tr!(
                        l,
                        graph.step.saturated,
                        t = subscript(t),
                        a = format_sci(norm(a)),
                        low,
                        n = a.len(),
                        gamma
                    ));
                }
                _ => {
                    let gate = |g: Gate| {
                        let v = d.gate(g)?.values.get(t0)?;
                        let name = g.name();
                        Some(crate::tr!(
                            l,
                            graph.step.gate_mean,
                            name,
                            v = format!("{:.2}", mean(v))
                        ))
                    };
                    let shown: &[Gate] = if trace.cell == CellKind::Lstm {
                        &[Gate::F, Gate::I, Gate::O]
                    } else {
                        &[Gate::Z, Gate::R]
                    };
                    let gates: Vec<String> = shown.iter().filter_map(|&g| gate(g)).collect();
                    lines.push(crate::tr!(
                        l,
                        graph.step.gates,
                        t,
                        list = gates.join(td_string!(l, graph.step.list_sep))
                    ));
                }
            }
            Some(StepDetails {
                title: crate::tr!(l, graph.step.forward_title, bi, t, len, step),
                headline: format!("‖h{}‖ = {}", subscript(t), format_sci(norm(h))),
                lines,
            })
        }
        Phase::Backward => {
            let mut lines = Vec::new();
            if t == len {
                lines.push(crate::tr!(l, graph.step.loss_hands, t = subscript(len)));
            } else {
                let next = t + 1;
                if trace.cell == CellKind::Rnn {
                    match step_norms.and_then(|n| n.get(next - 1)) {
                        Some(f) => lines.push(crate::tr!(
                            l,
                            graph.step.multiplied,
                            n = subscript(next),
                            f = format_sci(*f)
                        )),
                        None => lines.push(td_string!(l, graph.step.computing).into()),
                    }
                }
                if let Some(r) = measured_ratio(d, next) {
                    let (t, n, r) = (subscript(t), subscript(next), format_sci(r));
                    lines.push(if many_to_many {
                        crate::tr!(l, graph.step.measured_own, t, n, r)
                    } else {
                        crate::tr!(l, graph.step.measured, t, n, r)
                    });
                }
                if let (Some(&g), Some(&g_end)) = (d.grad_h.get(t0), d.grad_h.get(len - 1)) {
                    if g_end > 0.0 {
                        lines.push(crate::tr!(
                            l,
                            graph.step.so_far,
                            t = subscript(t),
                            len = subscript(len),
                            r = if g == 0.0 && d.underflowed(t0) {
                                td_string!(l, grads.value.underflow_ratio).into()
                            } else {
                                format_sci(g / g_end)
                            }
                        ));
                    }
                }
            }
            Some(StepDetails {
                title: if t == len {
                    crate::tr!(l, graph.step.backward_start_title, bi, len, step)
                } else {
                    crate::tr!(l, graph.step.backward_title, bi, t, len, step)
                },
                headline: format!("‖∂L/∂h{}‖ = {}", subscript(t), grad_text(l, d, t0)),
                lines,
            })
        }
    }
}

/// The graph's numbers as an HTML table (one row per time step).
pub fn data_table(trace: &Trace, step_norms: Option<&[f64]>, l: Locale) -> String {
    let len = trace.seq_len.min(trace.inputs.len());
    let bi = trace.directions.len() > 1;
    let lstm = trace.cell == CellKind::Lstm;
    let mut table = Table::element(td_string!(l, graph.table.caption));
    let head = table.head();
    head.el(TH, "t").el(TH, "‖x_t‖").el(TH, "‖h_t‖");
    if bi {
        head.el(TH, td_string!(l, graph.table.h_backward));
    }
    if lstm {
        head.el(TH, "‖c_t‖");
    }
    head.el(TH, "‖y_t‖")
        .el(TH, "‖∂L/∂h_t‖")
        .el(TH, "‖diag(φ′(a_t))·W‖");
    let fwd = trace.directions.first();
    let c = fwd.and_then(|d| d.cell_state());
    let cell = |v: Option<f64>| v.map_or("—".to_string(), format_sci);
    for t in 1..=len {
        let t0 = t - 1;
        let row = table.row().attr_num("data-t", t as f64);
        row.open(TD).num(t as f64).close();
        row.el(TD, &cell(trace.inputs.get(t0).map(|v| norm(v))));
        row.el(TD, &cell(fwd.and_then(|d| d.hidden.get(t0)).map(|v| norm(v))));
        if bi {
            let back = trace.directions.get(1).and_then(|d| d.hidden.get(t0));
            row.el(TD, &cell(back.map(|v| norm(v))));
        }
        if lstm {
            row.el(TD, &cell(c.and_then(|c| c.values.get(t0)).map(|v| norm(v))));
        }
        row.el(TD, &cell(output_at(trace, t).map(|v| norm(v))));
        row.el(TD, &fwd.map_or("—".into(), |d| grad_text(l, d, t0)));
        row.el(TD, &cell(step_norms.and_then(|n| n.get(t0)).copied()));
    }
    table.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rnn_core::trace::GateSeries;

    /// A small hand-made trace: T steps, H = 2.
    pub fn trace(cell: CellKind, len: usize, many_to_many: bool, bi: bool) -> Trace {
        let dir = |name: &str| DirectionTrace {
            name: name.into(),
            pre_activations: (0..len).map(|t| vec![0.1 * t as f64, 3.0]).collect(),
            hidden: (0..len)
                .map(|t| vec![(0.1 * t as f64).tanh(), 3f64.tanh()])
                .collect(),
            gates: if cell == CellKind::Lstm {
                vec![
                    GateSeries {
                        name: "f".into(),
                        values: vec![vec![0.9, 0.7]; len],
                    },
                    GateSeries {
                        name: "c".into(),
                        values: vec![vec![0.5, -0.5]; len],
                    },
                ]
            } else {
                vec![]
            },
            // Halves at every step back from T: 2^-(T-t).
            grad_h: (0..len).map(|t| 0.5f64.powi((len - 1 - t) as i32)).collect(),
            grad_c: vec![],
            flushed: vec![0; len],
            grad_w_step: vec![],
            ..Default::default()
        };
        Trace {
            step: 7,
            cell,
            activation: Activation::Tanh,
            bidirectional: bi,
            example: 0,
            seq_len: len,
            hidden: 2,
            loss: 0.3,
            inputs: (0..len).map(|t| vec![t as f64, 1.0]).collect(),
            outputs: if many_to_many {
                vec![vec![0.2]; len]
            } else {
                vec![vec![0.4]]
            },
            directions: if bi {
                vec![dir("forward"), dir("backward")]
            } else {
                vec![dir("forward")]
            },
            params: vec![],
            clip: None,
            floor: 1.18e-38,
        }
    }

    fn count(hay: &str, needle: &str) -> usize {
        hay.matches(needle).count()
    }

    /// The English words (runs of two or more Latin letters that are not in
    /// `lang::LATIN_ALLOWED`) in what a reader sees of `html`: its text, and
    /// its `aria-label` and `title` attributes; tags, other attributes and
    /// entities are markup, not words.
    pub fn english_words(html: &str) -> Vec<String> {
        let mut seen = String::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            seen.push_str(&rest[..open]);
            seen.push(' ');
            let Some(close) = rest[open..].find('>') else {
                rest = "";
                break;
            };
            let tag = &rest[open..open + close];
            for attr in ["aria-label=\"", "title=\""] {
                if let Some(at) = tag.find(attr) {
                    let value = &tag[at + attr.len()..];
                    seen.push_str(value.split('"').next().unwrap_or(""));
                    seen.push(' ');
                }
            }
            rest = &rest[open + close + 1..];
        }
        seen.push_str(rest);
        let text = seen
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .replace("&quot;", "\"");
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2 && !crate::lang::LATIN_ALLOWED.contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn english_words_reads_text_and_labels_only() {
        assert_eq!(
            english_words(r#"<g class="ug-node" aria-label="h₁ hidden">x <b>最小</b> &lt;floor</g>"#),
            ["hidden", "floor"]
        );
        assert!(english_words(r#"<td data-kind="after">ReLU 1e-5</td>"#).is_empty());
    }

    fn opts(max_cols: usize) -> GraphOptions<'static> {
        GraphOptions {
            max_cols,
            ..Default::default()
        }
    }

    #[test]
    fn every_step_of_a_short_sequence_has_its_nodes() {
        let svg = graph_svg(&trace(CellKind::Rnn, 5, true, false), opts(11), Locale::en);
        assert_eq!(count(&svg, r#"data-row="h""#), 5);
        assert_eq!(count(&svg, r#"data-row="x""#), 5);
        assert_eq!(count(&svg, r#"data-row="y""#), 5);
        assert_eq!(count(&svg, r#"tabindex="0""#), 15);
        // The shared weights are named once each.
        assert_eq!(count(&svg, ">W<"), 1);
        assert_eq!(count(&svg, ">U<"), 1);
        assert_eq!(count(&svg, ">V<"), 1);
        assert!(svg.contains("the same U, W, V at every step"));
        let zh = graph_svg(&trace(CellKind::Rnn, 5, true, false), opts(11), Locale::zh);
        assert_eq!(count(&zh, r#"tabindex="0""#), 15);
        assert_eq!(count(&zh, ">W<"), 1);
        assert!(zh.contains("参数共享"));
    }

    #[test]
    fn many_to_one_draws_a_single_output_at_the_end() {
        let svg = graph_svg(&trace(CellKind::Rnn, 6, false, false), opts(11), Locale::en);
        assert_eq!(count(&svg, r#"data-row="y""#), 1);
        assert!(svg.contains(r#"data-row="y" data-t="6""#));
    }

    #[test]
    fn long_sequences_fold_and_lstm_and_bidirectional_get_their_rows() {
        let svg = graph_svg(&trace(CellKind::Lstm, 50, false, true), opts(11), Locale::en);
        assert_eq!(count(&svg, r#"data-row="h""#), 10);
        assert_eq!(count(&svg, r#"data-row="hb""#), 10);
        assert_eq!(count(&svg, r#"data-row="c""#), 10);
        assert!(svg.contains("40 steps"));
        assert!(svg.contains("cell-state highway"));
        assert!(svg.contains("W′"));
        let zh = graph_svg(&trace(CellKind::Lstm, 50, false, true), opts(11), Locale::zh);
        assert_eq!(count(&zh, r#"data-row="hb""#), 10);
        assert!(zh.contains("40 步"));
        assert!(zh.contains("单元状态的“高速公路”"));
        assert!(
            zh.contains("c_{t−1}"),
            "the lane's subscript is not a placeholder"
        );
    }

    #[test]
    fn the_cursor_marks_its_column() {
        let cursor = Cursor(Some((Phase::Backward, 30)));
        let svg = graph_svg(
            &trace(CellKind::Rnn, 50, false, false),
            GraphOptions {
                cursor,
                max_cols: 11,
                step_norms: None,
            },
            Locale::en,
        );
        assert_eq!(count(&svg, "ug-current"), 1);
        assert!(svg.contains(r#"class="ug-col ug-current" data-t="30""#));
    }

    #[test]
    fn backward_details_show_the_gradient_and_its_factor() {
        let tr = trace(CellKind::Rnn, 4, false, false);
        let norms = [0.9, 0.8, 0.7, 0.6];
        let d = step_details(&tr, Cursor(Some((Phase::Backward, 2))), Some(&norms), Locale::en).unwrap();
        assert_eq!(d.headline, "‖∂L/∂h₂‖ = 0.25");
        // Leaving h_3 the gradient met ‖diag(φ'(a_3))·W‖ = step_norms[2].
        assert!(d.lines[0].ends_with("= 0.7"), "{:?}", d.lines);
        assert!(d.lines[1].contains("= 0.5"), "{:?}", d.lines);
        let zh = step_details(&tr, Cursor(Some((Phase::Backward, 2))), Some(&norms), Locale::zh).unwrap();
        assert_eq!(zh.headline, d.headline);
        assert!(zh.lines[0].contains("diag(φ′(a₃))·W‖ = 0.7"), "{:?}", zh.lines);
        assert!(
            zh.lines[1].starts_with("实测") && zh.lines[1].contains("= 0.5"),
            "{:?}",
            zh.lines
        );
        assert_eq!(backward_factor(&tr, Some(&norms), 3), Some(0.7));
        let gated = trace(CellKind::Gru, 4, false, false);
        assert_eq!(backward_factor(&gated, Some(&norms), 3), Some(0.5));
        assert_eq!(backward_factor(&tr, Some(&norms), 1), None);
        let end = step_details(&tr, Cursor(Some((Phase::Backward, 4))), None, Locale::en).unwrap();
        assert!(end.lines[0].contains("loss hands"));
        let end = step_details(&tr, Cursor(Some((Phase::Backward, 4))), None, Locale::zh).unwrap();
        assert!(end.lines[0].contains("把梯度交给 h₄"), "{:?}", end.lines);
    }

    #[test]
    fn forward_details_say_what_made_h_t() {
        let tr = trace(CellKind::Rnn, 4, false, false);
        let d = step_details(&tr, Cursor(Some((Phase::Forward, 1))), None, Locale::en).unwrap();
        assert!(d.title.contains("t = 1 of 4"));
        assert!(d.lines[1].contains("h₀ = 0"));
        // Unit 2 sits at a = 3, where tanh' = 0.0099 < 0.1: one saturated unit.
        assert!(d.lines[2].contains("1 of 2 units"), "{:?}", d.lines);
        assert!(step_details(&tr, Cursor(None), None, Locale::en).is_none());
        let zh = step_details(&tr, Cursor(Some((Phase::Forward, 1))), None, Locale::zh).unwrap();
        assert!(zh.title.contains("t = 1，共 4 步"), "{}", zh.title);
        assert!(
            zh.lines[0].starts_with("h₁ = tanh(U·x₁ + W·h₀ + b)"),
            "{:?}",
            zh.lines
        );
        assert!(zh.lines[1].contains("h₀ = 0"));
        assert!(zh.lines[2].contains("2 个单元中有 1 个"), "{:?}", zh.lines);
    }

    #[test]
    fn table_has_a_row_per_step_and_names_underflow() {
        let mut tr = trace(CellKind::Rnn, 3, false, false);
        tr.directions[0].grad_h[0] = 0.0;
        tr.directions[0].flushed[1] = 4;
        let html = data_table(&tr, None, Locale::en);
        assert_eq!(count(&html, "<tr data-t="), 3);
        assert!(html.contains("below f32 floor"));
        let zh = data_table(&tr, None, Locale::zh);
        assert_eq!(count(&zh, "<tr data-t="), 3);
        assert!(zh.contains("低于 f32 下限"));
        // The band under the graph says it short; leptos_i18n keeps the `<`.
        assert!(graph_svg(&tr, opts(11), Locale::en).contains(">&lt;floor</text>"));
        assert!(graph_svg(&tr, opts(11), Locale::zh).contains(">&lt;下限</text>"));
    }

    /// Everything the graph and its read-out say in Chinese, for every
    /// model shape and every place of the cursor, has no English word.
    #[test]
    fn chinese_graph_and_read_out_have_no_english() {
        let acts = [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Identity,
        ];
        for (cell, m2m, bi) in [
            (CellKind::Rnn, true, false),
            (CellKind::Rnn, false, true),
            (CellKind::Lstm, false, true),
            (CellKind::Gru, true, false),
        ] {
            let mut tr = trace(cell, 50, m2m, bi);
            tr.hidden = 64;
            tr.directions[0].grad_h[0] = 0.0;
            tr.directions[0].flushed[0] = 2;
            tr.directions[0].grad_h[1] = f64::NAN;
            let norms: Vec<f64> = (0..50).map(|t| 0.5 + t as f64 / 100.0).collect();
            let check = |what: &str, text: &str| {
                let words = english_words(text);
                assert!(words.is_empty(), "{cell:?} {what}: {words:?} in {text}");
            };
            for t in [1, 2, 3, 25, 49, 50] {
                for phase in [Phase::Forward, Phase::Backward] {
                    let cursor = Cursor(Some((phase, t)));
                    for n in [None, Some(norms.as_slice())] {
                        let o = GraphOptions {
                            cursor,
                            max_cols: 11,
                            step_norms: n,
                        };
                        check("svg", &graph_svg(&tr, o, Locale::zh));
                        let d = step_details(&tr, cursor, n, Locale::zh).unwrap();
                        check("read-out", &d.html());
                    }
                }
            }
            for a in acts {
                tr.activation = a;
                let d = step_details(&tr, Cursor(Some((Phase::Forward, 2))), None, Locale::zh).unwrap();
                check("formula", &d.html());
            }
            check("table", &data_table(&tr, Some(&norms), Locale::zh));
            check("svg", &graph_svg(&tr, opts(11), Locale::zh));
        }
        let empty = describe(Locale::zh, &[]);
        assert!(english_words(&empty).is_empty(), "{empty}");
    }

    #[test]
    fn subscripts_are_digits() {
        assert_eq!(sub("h", 12), "h₁₂");
    }

    #[test]
    fn markup_is_unchanged() {
        let norms = [0.9, 0.8, 0.7, 0.6];
        for (name, tr) in [
            ("rnn", trace(CellKind::Rnn, 4, true, false)),
            ("lstm-bi", trace(CellKind::Lstm, 30, false, true)),
        ] {
            for (lang, l) in [("en", Locale::en), ("zh", Locale::zh)] {
                for (c, cursor) in [
                    ("none", Cursor(None)),
                    ("fwd", Cursor(Some((Phase::Forward, 2)))),
                    ("bwd", Cursor(Some((Phase::Backward, 2)))),
                ] {
                    let o = GraphOptions {
                        cursor,
                        max_cols: 11,
                        step_norms: Some(&norms),
                    };
                    crate::html::golden(&format!("graph-svg-{name}-{lang}-{c}"), &graph_svg(&tr, o, l));
                    if let Some(d) = step_details(&tr, cursor, Some(&norms), l) {
                        crate::html::golden(&format!("graph-step-{name}-{lang}-{c}"), &d.html());
                    }
                }
                crate::html::golden(
                    &format!("graph-table-{name}-{lang}"),
                    &data_table(&tr, Some(&norms), l),
                );
            }
        }
    }
}
