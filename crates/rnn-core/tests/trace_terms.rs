//! The numbers the page's formula cards plug into
//! h_t = φ(U·x_t + W·h_{t−1} + b) and ∂L/∂h_{t−1} = Wᵀ·(φ'(a_t) ⊙ ∂L/∂h_t):
//! the terms of every pre-activation as the step's forward pass summed them
//! (from the weights before the update), φ'(a_t), the norms of δ_t and of
//! what each step sends back, and the clip report's rule and factor.

use rnn_core::*;

fn experiment(cell: CellKind, bidirectional: bool, hidden: usize, task: TaskKind, clip: Clip) -> Experiment {
    Experiment::new(ExperimentConfig {
        task: TaskConfig {
            kind: task,
            seq_len: 6,
            text: None,
        },
        cell,
        bidirectional,
        hidden_size: hidden,
        batch_size: 4,
        seed: 5,
        train: TrainConfig {
            clip,
            ..TrainConfig::default()
        },
        ..ExperimentConfig::default()
    })
    .unwrap()
}

/// A saved parameter as rows.
fn matrix(saved: &[SavedParam], name: &str) -> Vec<Vec<f64>> {
    let p = saved
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name}"));
    p.values.chunks(p.cols).map(<[f64]>::to_vec).collect()
}

fn times(m: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    m.iter()
        .map(|row| row.iter().zip(v).map(|(a, b)| a * b).sum())
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn the_terms_are_the_products_of_the_weights_the_forward_pass_used() {
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            let mut e = experiment(cell, bidirectional, 5, TaskKind::Adding, Clip::None);
            e.step(false).unwrap();
            let before = e.net().export();
            let trace = e.step(true).unwrap().trace.unwrap();
            assert_ne!(e.net().export(), before, "the step moved the weights");
            for (dir, d) in trace.directions.iter().enumerate() {
                let what = format!("{cell:?} bi={bidirectional} {}", d.name);
                let prefix = if bidirectional { ["fwd.", "bwd."][dir] } else { "" };
                let u = matrix(&before, &format!("{prefix}U"));
                let w = matrix(&before, &format!("{prefix}W"));
                let b: Vec<f64> = matrix(&before, &format!("{prefix}b")).concat();
                assert_eq!(d.bias, b, "{what}");
                let h = trace.hidden;
                let gh = cell.gates() * h;
                let len = trace.seq_len;
                assert_eq!(d.input_term.len(), len, "{what}");
                for t in 0..len {
                    // The state this direction had before step t: h_{t−1}
                    // going forward, h_{t+1} going backward, 0 at the start.
                    let prev = match (dir, t) {
                        (0, 0) => vec![0.0; h],
                        (0, _) => d.hidden[t - 1].clone(),
                        (_, t) if t + 1 == len => vec![0.0; h],
                        (_, t) => d.hidden[t + 1].clone(),
                    };
                    let ux = times(&u, &trace.inputs[t]);
                    let wh = times(&w, &prev);
                    for r in 0..gh {
                        assert!(close(d.input_term[t][r], ux[r], 1e-12), "{what} U·x t={t}");
                        assert!(close(d.recurrent_term[t][r], wh[r], 1e-12), "{what} W·h t={t}");
                    }
                    // And they sum to the pre-activations, up to f32.
                    let a = &d.pre_activations[t];
                    for (r, &a_r) in a.iter().enumerate().take(gh) {
                        let sum = if cell == CellKind::Gru && r >= 2 * h {
                            let k = r - 2 * h;
                            let reset = d.gates.iter().find(|g| g.name == "r").unwrap().values[t][k];
                            d.input_term[t][r] + d.bias[r] + reset * (d.recurrent_term[t][r] + d.bias_hn[k])
                        } else {
                            d.input_term[t][r] + d.recurrent_term[t][r] + d.bias[r]
                        };
                        assert!(close(a_r, sum, 1e-5), "{what} t={t} row {r}: {a_r} vs {sum}");
                    }
                }
                assert_eq!(
                    d.bias_hn.len(),
                    if cell == CellKind::Gru { h } else { 0 },
                    "{what}"
                );
                assert_eq!(
                    d.slope.len(),
                    if cell == CellKind::Rnn { len } else { 0 },
                    "{what}"
                );
                assert_eq!((d.grad_pre.len(), d.grad_back.len()), (len, len), "{what}");
            }
        }
    }
}

#[test]
fn the_rnn_backward_norms_are_those_of_its_formula() {
    // One unit: every norm is an absolute value, so the formula's factors
    // can be checked one by one.
    let mut e = experiment(CellKind::Rnn, false, 1, TaskKind::Adding, Clip::None);
    let trace = e.step(true).unwrap().trace.unwrap();
    let d = &trace.directions[0];
    let len = trace.seq_len;
    for t in 0..len {
        // φ = tanh: φ'(a_t) = 1 − h_t².
        let slope = 1.0 - d.hidden[t][0] * d.hidden[t][0];
        assert!(close(d.slope[t][0], slope, 1e-15), "t={t}");
        // ‖δ_t‖ = |φ'(a_t)|·‖∂L/∂h_t‖, up to f32.
        assert!(close(d.grad_pre[t], slope.abs() * d.grad_h[t], 1e-6), "t={t}");
        // Many-to-one: before the last step nothing but Wᵀ·δ reaches h_{t−1}.
        if t > 0 {
            assert_eq!(d.grad_h[t - 1], d.grad_back[t], "t={t}");
        }
    }
    // ‖Wᵀ·δ_t‖ = |W|·‖δ_t‖ with one unit (W of the step: before the update,
    // which is after the first probe here, i.e. the initial weights).
    let mut fresh = experiment(CellKind::Rnn, false, 1, TaskKind::Adding, Clip::None);
    let w = matrix(&fresh.net().export(), "W")[0][0];
    let trace = fresh.step(true).unwrap().trace.unwrap();
    let d = &trace.directions[0];
    for t in 1..len {
        assert!(close(d.grad_back[t], w.abs() * d.grad_pre[t], 1e-6), "t={t}");
    }
}

#[test]
fn many_to_many_adds_the_readout_share_to_what_comes_back() {
    let mut e = experiment(CellKind::Lstm, false, 4, TaskKind::Sine, Clip::None);
    let trace = e.step(true).unwrap().trace.unwrap();
    let d = &trace.directions[0];
    assert_eq!(trace.outputs.len(), trace.seq_len, "many-to-many");
    let differ = (1..trace.seq_len)
        .filter(|&t| d.grad_h[t - 1] != d.grad_back[t])
        .count();
    assert!(differ > 0, "the loss at t − 1 adds its own share");
}

#[test]
fn the_clip_report_names_its_rule_and_factor() {
    let mut e = experiment(CellKind::Rnn, false, 8, TaskKind::Adding, Clip::Norm(1e-3));
    let r = e.step(true).unwrap();
    assert!(r.clip.fired);
    assert_eq!(r.clip.rule, Clip::Norm(1e-3));
    assert_eq!(r.clip.scale, 1e-3 / r.clip.norm_before * (1.0 - 1e-6));
    assert!(close(r.clip.norm_after, r.clip.scale * r.clip.norm_before, 1e-5));
    assert_eq!(r.trace.unwrap().clip, Some(r.clip.clone()));
    let mut e = experiment(CellKind::Rnn, false, 8, TaskKind::Adding, Clip::Norm(1e9));
    let r = e.step(false).unwrap();
    assert!(!r.clip.fired);
    assert_eq!((r.clip.rule, r.clip.scale), (Clip::Norm(1e9), 1.0));
    let mut e = experiment(CellKind::Rnn, false, 8, TaskKind::Adding, Clip::Value(1e-4));
    let r = e.step(false).unwrap();
    assert!(r.clip.fired);
    assert_eq!((r.clip.rule, r.clip.scale), (Clip::Value(1e-4), 1.0));
}
