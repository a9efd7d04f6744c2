//! The recurrent views' formula cards, built from the engine's trace and
//! clip report only (see `formula` for the card itself):
//!
//! - a node h_t of the unrolled graph: h_t = φ(U·x_t + W·h_{t−1} + b) with
//!   the traced example's vectors (the trace's `input_term`,
//!   `recurrent_term`, `bias`, `pre_activations`, `hidden`), and in the
//!   backward phase ∂L/∂h_t = Wᵀ·(φ'(a_{t+1}) ⊙ ∂L/∂h_{t+1}) with its norms
//!   (`grad_h`, `grad_pre`, `grad_back`) and the factor
//!   ‖diag(φ'(a_{t+1}))·W‖ (the lab's analysis);
//! - a gate panel: that gate's equation at the cursor's step (LSTM i, f, g,
//!   o and the cell state c; GRU r, z, n);
//! - a clip mark: g ← v·g/‖g‖ with v, ‖g‖ and the factor.
//!
//! Vectors are written out when H ≤ [`MAX_SHOWN`]; otherwise their norms
//! and first entries, and the card says so.

use crate::i18n::*;
use crate::lang::Locale;
use crate::views::formula::{sub, Formula, Line};
use crate::views::gates::{gate_title, Series, Squash};
use crate::views::timeline::Phase;
use rnn_core::{Activation, CellKind, Clip, ClipReport, DirectionTrace, Gate, Trace};

/// Vectors up to this size are written out whole.
pub const MAX_SHOWN: usize = 8;
/// Entries shown of a longer vector.
const FIRST: usize = 4;

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// `name = [v…]`, or `‖name‖ = n, [first entries, …]` for a long vector.
fn vector(line: Line, key: &str, symbol: &str, v: &[f64]) -> Line {
    if v.len() <= MAX_SHOWN {
        line.t(format!("{symbol} = ")).v(key, v, v.len())
    } else {
        line.t(format!("‖{symbol}‖ = "))
            .n(format!("norm:{key}"), norm(v))
            .t(", ")
            .t(symbol.to_string())
            .t(" = ")
            .v(key, v, FIRST)
    }
}

fn phi_name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "σ",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu | Activation::Identity => "φ",
    }
}

/// A block of G·H stacked values: gate `k`'s H of them.
fn block(v: &[f64], k: usize, h: usize) -> &[f64] {
    v.get(k * h..(k + 1) * h).unwrap_or(&[])
}

/// Which direction a node row is: "h" forward, "hb" backward.
pub fn direction_of(row: &str) -> usize {
    usize::from(row == "hb")
}

/// The card of node h_t (1-based `t`) of direction `dir` in `phase`.
/// `factor` is ‖diag(φ'(a_{t+1}))·W‖ for the backward phase of a plain RNN
/// (`None`: not computed, `note` says why).
pub fn hidden_card(
    trace: &Trace,
    dir: usize,
    t: usize,
    phase: Phase,
    factor: Option<f64>,
    note: Option<&str>,
    l: Locale,
) -> Option<Formula> {
    let d = trace.directions.get(dir)?;
    let len = trace.seq_len.min(d.hidden.len());
    if t == 0 || t > len {
        return None;
    }
    let backward_dir = dir == 1;
    // The state this direction had before step t, and the step after it.
    let (prev_t, next_t) = if backward_dir {
        (t + 1, t.checked_sub(1).filter(|&n| n >= 1))
    } else {
        (t - 1, (t < len).then_some(t + 1))
    };
    let prime = if backward_dir { "′" } else { "" };
    let (tt, pp) = (sub(t), sub(prev_t));
    let mut card = match phase {
        Phase::Forward => forward(trace, d, t, prev_t, prime, l)?,
        Phase::Backward => backward(trace, d, t, next_t, prime, factor, l)?,
    };
    let _ = (tt, pp);
    if trace.hidden > MAX_SHOWN {
        card = card.note(crate::tr!(
            l,
            bp.trace.long,
            h = trace.hidden,
            k = FIRST,
            max = MAX_SHOWN
        ));
    }
    if backward_dir {
        card = card.note(td_string!(l, bp.trace.backward_dir));
    }
    if let Some(n) = note {
        card = card.note(n);
    }
    Some(card)
}

fn forward(
    trace: &Trace,
    d: &DirectionTrace,
    t: usize,
    prev_t: usize,
    prime: &str,
    l: Locale,
) -> Option<Formula> {
    let t0 = t - 1;
    let (tt, pp) = (sub(t), sub(prev_t));
    let h = trace.hidden;
    let title = crate::tr!(
        l,
        bp.trace.forward_title,
        name = format!("h{tt}"),
        t,
        step = trace.step
    );
    let mut card = Formula::new(format!("h:{t}"), title);
    let (ux, wh) = (d.input_term.get(t0)?, d.recurrent_term.get(t0)?);
    let (u, w, b) = (format!("U{prime}"), format!("W{prime}"), format!("b{prime}"));
    match trace.cell {
        CellKind::Rnn => {
            let phi = phi_name(trace.activation);
            card = card.line(Line::new().t(format!("h{tt} = {phi}({u}·x{tt} + {w}·h{pp} + {b})")));
            card = card
                .line(vector(Line::new(), "Ux", &format!("{u}·x{tt}"), ux))
                .line(vector(Line::new(), "Wh", &format!("{w}·h{pp}"), wh))
                .line(vector(Line::new(), "b", &b, &d.bias))
                .line(vector(
                    Line::new().t(format!("a{tt} = {u}·x{tt} + {w}·h{pp} + {b}, ")),
                    "a",
                    &format!("a{tt}"),
                    d.pre_activations.get(t0)?,
                ))
                .line(vector(
                    Line::new().t(format!("h{tt} = {phi}(a{tt}), ")),
                    "h",
                    &format!("h{tt}"),
                    d.hidden.get(t0)?,
                ));
        }
        CellKind::Lstm => {
            card = card
                .line(Line::new().t(format!(
                    "h{tt} = o{tt} ⊙ tanh(c{tt}),  c{tt} = f{tt} ⊙ c{pp} + i{tt} ⊙ g{tt}"
                )))
                .line(vector(
                    Line::new(),
                    "o",
                    &format!("o{tt}"),
                    gate(d, Series::Gate(Gate::O), t0)?,
                ))
                .line(vector(
                    Line::new(),
                    "c",
                    &format!("c{tt}"),
                    gate(d, Series::CellState, t0)?,
                ))
                .line(vector(Line::new(), "h", &format!("h{tt}"), d.hidden.get(t0)?))
                .note(td_string!(l, bp.trace.gates_hint));
        }
        CellKind::Gru => {
            let h_prev = prev_state(d, prev_t, h);
            card = card
                .line(Line::new().t(format!("h{tt} = (1 − z{tt}) ⊙ n{tt} + z{tt} ⊙ h{pp}")))
                .line(vector(
                    Line::new(),
                    "z",
                    &format!("z{tt}"),
                    gate(d, Series::Gate(Gate::Z), t0)?,
                ))
                .line(vector(
                    Line::new(),
                    "n",
                    &format!("n{tt}"),
                    gate(d, Series::Gate(Gate::N), t0)?,
                ))
                .line(vector(Line::new(), "h_prev", &format!("h{pp}"), &h_prev))
                .line(vector(Line::new(), "h", &format!("h{tt}"), d.hidden.get(t0)?))
                .note(td_string!(l, bp.trace.gates_hint));
        }
    }
    Some(card)
}

fn gate(d: &DirectionTrace, series: Series, t0: usize) -> Option<&[f64]> {
    d.gates
        .iter()
        .find(|g| Series::of(g) == Some(series))
        .and_then(|g| g.values.get(t0))
        .map(Vec::as_slice)
}

/// h at 1-based time `t` of this direction, zero outside the sequence (h₀).
fn prev_state(d: &DirectionTrace, t: usize, h: usize) -> Vec<f64> {
    t.checked_sub(1)
        .and_then(|t0| d.hidden.get(t0))
        .cloned()
        .unwrap_or_else(|| vec![0.0; h])
}

fn backward(
    trace: &Trace,
    d: &DirectionTrace,
    t: usize,
    next_t: Option<usize>,
    prime: &str,
    factor: Option<f64>,
    l: Locale,
) -> Option<Formula> {
    let t0 = t - 1;
    let tt = sub(t);
    let title = crate::tr!(
        l,
        bp.trace.backward_title,
        name = format!("∂L/∂h{tt}"),
        t,
        step = trace.step
    );
    let mut card = Formula::new(format!("dh:{t}"), title);
    let many_to_many = trace.outputs.len() == trace.seq_len && trace.seq_len > 1;
    let w = format!("W{prime}");
    let Some(n) = next_t else {
        // The end of this direction's chain: the loss hands the gradient over.
        return Some(
            card.line(Line::new().t(format!("∂L/∂h{tt} = V{prime}ᵀ·∂L/∂y{tt}")))
                .line(
                    Line::new()
                        .t(format!("‖∂L/∂h{tt}‖ = "))
                        .n("norm:grad_h", *d.grad_h.get(t0)?),
                )
                .note(td_string!(l, bp.trace.loss_hands)),
        );
    };
    let (nn, n0) = (sub(n), n - 1);
    let formula = match trace.cell {
        CellKind::Rnn => format!("∂L/∂h{tt} = {w}ᵀ·(φ′(a{nn}) ⊙ ∂L/∂h{nn})"),
        CellKind::Lstm => format!("∂L/∂h{tt} = {w}ᵀ·δ{nn}"),
        CellKind::Gru => format!("∂L/∂h{tt} = z{nn} ⊙ ∂L/∂h{nn} + {w}ᵀ·δ{nn}"),
    };
    let formula = if many_to_many {
        format!("{formula} + V{prime}ᵀ·∂L/∂y{tt}")
    } else {
        formula
    };
    card = card.line(Line::new().t(formula));
    if let Some(slope) = d.slope.get(n0) {
        card = card.line(vector(Line::new(), "slope", &format!("φ′(a{nn})"), slope));
    }
    card = card
        .line(
            Line::new()
                .t(format!("‖∂L/∂h{nn}‖ = "))
                .n("norm:grad_h_next", *d.grad_h.get(n0)?),
        )
        .line(
            Line::new()
                .t(if trace.cell == CellKind::Rnn {
                    format!("‖δ{nn}‖ = ‖φ′(a{nn}) ⊙ ∂L/∂h{nn}‖ = ")
                } else {
                    format!("‖δ{nn}‖ = ‖∂L/∂a{nn}‖ = ")
                })
                .n("norm:grad_pre", *d.grad_pre.get(n0)?),
        )
        .line(
            Line::new()
                .t(if trace.cell == CellKind::Gru {
                    format!("‖z{nn} ⊙ ∂L/∂h{nn} + {w}ᵀ·δ{nn}‖ = ")
                } else {
                    format!("‖{w}ᵀ·δ{nn}‖ = ")
                })
                .n("norm:grad_back", *d.grad_back.get(n0)?),
        );
    if trace.cell == CellKind::Rnn {
        card = match factor {
            Some(f) => card
                .line(Line::new().t(format!("‖diag(φ′(a{nn}))·{w}‖ = ")).n("factor", f))
                .note(td_string!(l, bp.trace.factor_note)),
            None => card,
        };
    }
    card = card.line(
        Line::new()
            .t(format!("‖∂L/∂h{tt}‖ = "))
            .n("norm:grad_h", *d.grad_h.get(t0)?),
    );
    if many_to_many {
        card = card.note(td_string!(l, bp.trace.own_share));
    }
    Some(card)
}

/// The card of a gate, the LSTM's cell state, or (for the plain RNN) the
/// hidden state at 1-based step `t` of direction `dir`.
pub fn gate_card(
    trace: &Trace,
    dir: usize,
    series: Series,
    t: usize,
    chosen: bool,
    l: Locale,
) -> Option<Formula> {
    let d = trace.directions.get(dir)?;
    let len = trace.seq_len.min(d.hidden.len());
    if t == 0 || t > len {
        return None;
    }
    let gate_of_card = match series {
        Series::Gate(g) => Some(g),
        Series::CellState => None,
        Series::Hidden => return hidden_card(trace, dir, t, Phase::Forward, None, None, l),
    };
    if trace.cell == CellKind::Rnn {
        return hidden_card(trace, dir, t, Phase::Forward, None, None, l);
    }
    let key = series.key();
    let t0 = t - 1;
    let h = trace.hidden;
    let backward_dir = dir == 1;
    let prev_t = if backward_dir { t + 1 } else { t - 1 };
    let prime = if backward_dir { "′" } else { "" };
    let (tt, pp) = (sub(t), sub(prev_t));
    let (title, squash) = gate_title(series, l);
    let mut card = Formula::new(
        format!("gate:{key}:{t}"),
        crate::tr!(l, bp.trace.gate_title, gate = title, t, step = trace.step),
    );
    let Some(g) = gate_of_card else {
        let c_prev = gate(d, Series::CellState, t0).map(|_| {
            if (backward_dir && t < len) || (!backward_dir && t > 1) {
                gate(d, Series::CellState, prev_t - 1)
                    .map(<[f64]>::to_vec)
                    .unwrap_or_else(|| vec![0.0; h])
            } else {
                vec![0.0; h]
            }
        })?;
        card = card
            .line(Line::new().t(format!("c{tt} = f{tt} ⊙ c{pp} + i{tt} ⊙ g{tt}")))
            .line(vector(
                Line::new(),
                "f",
                &format!("f{tt}"),
                gate(d, Series::Gate(Gate::F), t0)?,
            ))
            .line(vector(Line::new(), "c_prev", &format!("c{pp}"), &c_prev))
            .line(vector(
                Line::new(),
                "i",
                &format!("i{tt}"),
                gate(d, Series::Gate(Gate::I), t0)?,
            ))
            .line(vector(
                Line::new(),
                "g",
                &format!("g{tt}"),
                gate(d, Series::Gate(Gate::G), t0)?,
            ))
            .line(vector(
                Line::new(),
                "c",
                &format!("c{tt}"),
                gate(d, Series::CellState, t0)?,
            ))
            .note(td_string!(l, bp.trace.cell_note));
        return Some(finish_gate_card(card, trace, t, chosen, l));
    };
    {
        if !Gate::of(trace.cell).contains(&g) {
            return None;
        }
        let k = g.index();
        let squash = if squash == Squash::Tanh { "tanh" } else { "σ" };
        let (u, w, b) = (
            format!("U{prime}_{key}"),
            format!("W{prime}_{key}"),
            format!("b{prime}_{key}"),
        );
        let (ux, wh, a) = (
            d.input_term.get(t0)?,
            d.recurrent_term.get(t0)?,
            d.pre_activations.get(t0)?,
        );
        if g == Gate::N {
            card = card
                .line(Line::new().t(format!(
                    "n{tt} = tanh({u}·x{tt} + {b} + r{tt} ⊙ ({w}·h{pp} + b{prime}_hn))"
                )))
                .line(vector(Line::new(), "Ux", &format!("{u}·x{tt}"), block(ux, k, h)))
                .line(vector(Line::new(), "b", &b, block(&d.bias, k, h)))
                .line(vector(
                    Line::new(),
                    "r",
                    &format!("r{tt}"),
                    gate(d, Series::Gate(Gate::R), t0)?,
                ))
                .line(vector(Line::new(), "Wh", &format!("{w}·h{pp}"), block(wh, k, h)))
                .line(vector(Line::new(), "b_hn", &format!("b{prime}_hn"), &d.bias_hn));
        } else {
            card = card
                .line(Line::new().t(format!("{key}{tt} = {squash}({u}·x{tt} + {w}·h{pp} + {b})")))
                .line(vector(Line::new(), "Ux", &format!("{u}·x{tt}"), block(ux, k, h)))
                .line(vector(Line::new(), "Wh", &format!("{w}·h{pp}"), block(wh, k, h)))
                .line(vector(Line::new(), "b", &b, block(&d.bias, k, h)));
        }
        card = card
            .line(vector(Line::new(), "a", &format!("a_{key}{tt}"), block(a, k, h)))
            .line(vector(
                Line::new().t(format!("{key}{tt} = {squash}(a_{key}{tt}), ")),
                "gate",
                &format!("{key}{tt}"),
                gate(d, series, t0)?,
            ));
        if g == Gate::Z {
            card = card
                .line(Line::new().t(format!("h{tt} = (1 − z{tt}) ⊙ n{tt} + z{tt} ⊙ h{pp}")))
                .line(vector(Line::new(), "h", &format!("h{tt}"), d.hidden.get(t0)?));
        }
    }
    Some(finish_gate_card(card, trace, t, chosen, l))
}

/// A gate card's closing notes: a wide state shown in part, and a card not
/// of a chosen step but of the last one.
fn finish_gate_card(mut card: Formula, trace: &Trace, t: usize, chosen: bool, l: Locale) -> Formula {
    if trace.hidden > MAX_SHOWN {
        card = card.note(crate::tr!(
            l,
            bp.trace.long,
            h = trace.hidden,
            k = FIRST,
            max = MAX_SHOWN
        ));
    }
    if !chosen {
        card = card.note(crate::tr!(l, bp.trace.last_step, t));
    }
    card
}

/// The clip report's numbers for a card: of one training step.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipNumbers {
    pub step: u64,
    pub rule: Clip,
    pub norm_before: f64,
    pub scale: f64,
    pub norm_after: f64,
}

impl ClipNumbers {
    /// The numbers of a step whose clipping fired.
    pub fn of(step: u64, c: &ClipReport) -> Option<ClipNumbers> {
        c.fired.then_some(ClipNumbers {
            step,
            rule: c.rule,
            norm_before: c.norm_before,
            scale: c.scale,
            norm_after: c.norm_after,
        })
    }
}

/// g ← v·g/‖g‖ (or the clamp of clipping by value) with the step's numbers.
pub fn clip_card(c: &ClipNumbers, merged: Option<(u64, u64)>, l: Locale) -> Formula {
    let mut card = Formula::new(
        format!("clip:{}", c.step),
        crate::tr!(l, bp.trace.clip_title, step = c.step),
    );
    match c.rule {
        Clip::Norm(v) => {
            card = card
                .line(Line::new().t("‖g‖ > v  ⇒  g ← v·g/‖g‖"))
                .line(
                    Line::new()
                        .t("v = ")
                        .n("v", v)
                        .t(", ‖g‖ = ")
                        .n("norm_before", c.norm_before),
                )
                .line(Line::new().t("v/‖g‖ · (1 − 10⁻⁶) = ").n("scale", c.scale))
                .line(Line::new().t("‖g‖ ← ").n("norm_after", c.norm_after))
                .note(td_string!(l, bp.trace.clip_norm_note));
        }
        Clip::Value(v) => {
            card = card
                .line(Line::new().t("g_i ← max(−v, min(v, g_i))"))
                .line(Line::new().t("v = ").n("v", v))
                .line(
                    Line::new()
                        .t("‖g‖: ")
                        .n("norm_before", c.norm_before)
                        .t(" → ")
                        .n("norm_after", c.norm_after),
                )
                .note(td_string!(l, bp.trace.clip_value_note));
        }
        Clip::None => {}
    }
    if let Some((first, last)) = merged {
        card = card.note(crate::tr!(l, bp.trace.clip_merged, first, last));
    }
    card
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::perceptron::tests::english;
    use rnn_core::{Experiment, ExperimentConfig, TaskConfig, TaskKind, TrainConfig};

    fn traced(
        cell: CellKind,
        hidden: usize,
        bidirectional: bool,
        task: TaskKind,
        clip: Clip,
    ) -> (Trace, ClipReport) {
        let mut e = Experiment::new(ExperimentConfig {
            cell,
            hidden_size: hidden,
            bidirectional,
            task: TaskConfig {
                kind: task,
                seq_len: 6,
                text: None,
            },
            batch_size: 4,
            train: TrainConfig {
                clip,
                ..TrainConfig::default()
            },
            ..ExperimentConfig::default()
        })
        .unwrap();
        let r = e.step(true).unwrap();
        (r.trace.unwrap(), r.clip)
    }

    #[test]
    fn the_rnn_cards_numbers_are_the_traces() {
        let (trace, _) = traced(CellKind::Rnn, 4, false, TaskKind::Adding, Clip::None);
        let d = &trace.directions[0];
        let c = hidden_card(&trace, 0, 3, Phase::Forward, None, None, Locale::en).unwrap();
        assert_eq!(c.vector("Ux"), Some(d.input_term[2].as_slice()));
        assert_eq!(c.vector("Wh"), Some(d.recurrent_term[2].as_slice()));
        assert_eq!(c.vector("b"), Some(d.bias.as_slice()));
        assert_eq!(c.vector("a"), Some(d.pre_activations[2].as_slice()));
        assert_eq!(c.vector("h"), Some(d.hidden[2].as_slice()));
        assert!(c.plain().starts_with("h₃"), "{}", c.plain());
        assert!(c.plain().contains("h₃ = tanh(U·x₃ + W·h₂ + b)"), "{}", c.plain());
        let c = hidden_card(&trace, 0, 3, Phase::Backward, Some(0.7), None, Locale::en).unwrap();
        assert_eq!(c.number("norm:grad_h"), Some(d.grad_h[2]));
        assert_eq!(c.number("norm:grad_h_next"), Some(d.grad_h[3]));
        assert_eq!(c.number("norm:grad_pre"), Some(d.grad_pre[3]));
        assert_eq!(c.number("norm:grad_back"), Some(d.grad_back[3]));
        assert_eq!(c.number("factor"), Some(0.7));
        assert_eq!(c.vector("slope"), Some(d.slope[3].as_slice()));
        assert!(
            c.plain().contains("∂L/∂h₃ = Wᵀ·(φ′(a₄) ⊙ ∂L/∂h₄)"),
            "{}",
            c.plain()
        );
        // The end of the chain.
        let c = hidden_card(&trace, 0, 6, Phase::Backward, None, None, Locale::en).unwrap();
        assert_eq!(c.number("norm:grad_h"), Some(d.grad_h[5]));
    }

    #[test]
    fn a_wide_state_shows_norms_and_first_entries_and_says_so() {
        let (trace, _) = traced(CellKind::Rnn, 12, false, TaskKind::Adding, Clip::None);
        let c = hidden_card(&trace, 0, 2, Phase::Forward, None, None, Locale::en).unwrap();
        let h = &trace.directions[0].hidden[1];
        assert_eq!(c.number("norm:h"), Some(norm(h)));
        assert!(c.plain().contains(", …]"), "{}", c.plain());
        assert!(c.plain().contains("12"), "{}", c.plain());
    }

    #[test]
    fn the_gate_cards_numbers_are_the_traces() {
        let (trace, _) = traced(CellKind::Lstm, 3, false, TaskKind::Adding, Clip::None);
        let d = &trace.directions[0];
        for (k, g) in [Gate::I, Gate::F, Gate::G, Gate::O].into_iter().enumerate() {
            let key = g.name();
            let c = gate_card(&trace, 0, Series::Gate(g), 4, true, Locale::en).unwrap();
            assert_eq!(c.vector("Ux"), Some(&d.input_term[3][3 * k..3 * k + 3]), "{key}");
            assert_eq!(
                c.vector("a"),
                Some(&d.pre_activations[3][3 * k..3 * k + 3]),
                "{key}"
            );
            assert_eq!(
                c.vector("gate"),
                Some(gate(d, Series::Gate(g), 3).unwrap()),
                "{key}"
            );
        }
        let c = gate_card(&trace, 0, Series::CellState, 4, false, Locale::en).unwrap();
        assert_eq!(c.vector("c_prev"), gate(d, Series::CellState, 2));
        assert_eq!(c.vector("c"), gate(d, Series::CellState, 3));
        assert!(c.plain().contains("c₄ = f₄ ⊙ c₃ + i₄ ⊙ g₄"), "{}", c.plain());
        let (trace, _) = traced(CellKind::Gru, 3, true, TaskKind::Adding, Clip::None);
        let d = &trace.directions[1];
        let c = gate_card(&trace, 1, Series::Gate(Gate::N), 2, true, Locale::en).unwrap();
        assert_eq!(c.vector("b_hn"), Some(d.bias_hn.as_slice()));
        assert_eq!(c.vector("Wh"), Some(&d.recurrent_term[1][6..9]));
        assert!(c.plain().contains("r₂ ⊙ (W′_n·h₃ + b′_hn)"), "{}", c.plain());
    }

    #[test]
    fn the_clip_card_is_the_reports() {
        let (_, clip) = traced(CellKind::Rnn, 8, false, TaskKind::Adding, Clip::Norm(1e-3));
        let n = ClipNumbers::of(5, &clip).unwrap();
        let c = clip_card(&n, None, Locale::en);
        assert_eq!(c.number("v"), Some(1e-3));
        assert_eq!(c.number("norm_before"), Some(clip.norm_before));
        assert_eq!(c.number("scale"), Some(clip.scale));
        assert_eq!(c.number("norm_after"), Some(clip.norm_after));
        let (_, unclipped) = traced(CellKind::Rnn, 8, false, TaskKind::Adding, Clip::Norm(1e9));
        assert_eq!(ClipNumbers::of(1, &unclipped), None);
    }

    #[test]
    fn the_chinese_cards_have_no_english() {
        let mut all = Vec::new();
        for (cell, bi) in [
            (CellKind::Rnn, false),
            (CellKind::Lstm, true),
            (CellKind::Gru, false),
        ] {
            for hidden in [3, 12] {
                let (trace, clip) = traced(cell, hidden, bi, TaskKind::Sine, Clip::Value(1e-4));
                for dir in 0..trace.directions.len() {
                    for t in [1, 3, 6] {
                        for phase in [Phase::Forward, Phase::Backward] {
                            let c = hidden_card(&trace, dir, t, phase, Some(0.5), Some("x"), Locale::zh);
                            all.push(c.unwrap().plain());
                        }
                        let gates = Gate::of(cell).iter().map(|g| Series::Gate(*g));
                        for series in gates.chain([Series::CellState]) {
                            if let Some(c) = gate_card(&trace, dir, series, t, t != 6, Locale::zh) {
                                all.push(c.plain());
                            }
                        }
                    }
                }
                let n = ClipNumbers::of(3, &clip).unwrap();
                all.push(clip_card(&n, Some((2, 3)), Locale::zh).plain());
                let norm = ClipNumbers {
                    rule: Clip::Norm(1.0),
                    ..n
                };
                all.push(clip_card(&norm, None, Locale::zh).plain());
            }
        }
        let all = all.join("\n");
        assert_eq!(english(&all), Vec::<String>::new(), "{all}");
    }
}
