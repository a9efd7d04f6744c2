//! Shared helpers for the engine's integration tests.
#![allow(dead_code)]

use nalgebra::DMatrix;
use rnn_core::*;

/// A random batch that fits `cfg`.
pub fn random_batch(cfg: &NetConfig, seq_len: usize, batch: usize, rng: &mut Rng) -> Batch<f64> {
    let inputs = DMatrix::from_fn(cfg.input_size, seq_len * batch, |_, _| rng.range(-1.5, 1.5));
    let cols = cfg.structure.output_steps(seq_len) * batch;
    let targets = match cfg.loss {
        LossKind::Mse => Targets::Values(DMatrix::from_fn(cfg.output_size, cols, |_, _| rng.normal())),
        LossKind::CrossEntropy => Targets::Classes(
            (0..cols)
                .map(|j| (j % 3 != 1).then(|| rng.below(cfg.output_size) as u32))
                .collect(),
        ),
    };
    Batch {
        seq_len,
        batch_size: batch,
        inputs,
        targets,
    }
}

/// Central finite differences of the loss with respect to every parameter
/// entry, compared with the analytic gradient. Returns the worst relative
/// error, measured per parameter as ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖).
pub fn worst_gradient_error<M: Params<f64>>(
    model: &mut M,
    loss_and_grad: &mut dyn FnMut(&mut M) -> f64,
    loss_only: &mut dyn FnMut(&mut M) -> f64,
) -> (f64, String) {
    loss_and_grad(model);
    let names = model.param_names();
    let mut worst = (0.0, String::new());
    let h = 1e-5;
    for name in names {
        let analytic = model.get_grad(&name).unwrap();
        let value = model.get_param(&name).unwrap();
        let mut numeric = DMatrix::zeros(value.nrows(), value.ncols());
        for i in 0..value.len() {
            let mut plus = value.clone();
            plus[i] += h;
            model.set_param(&name, &plus).unwrap();
            let lp = loss_only(model);
            let mut minus = value.clone();
            minus[i] -= h;
            model.set_param(&name, &minus).unwrap();
            let lm = loss_only(model);
            numeric[i] = (lp - lm) / (2.0 * h);
        }
        model.set_param(&name, &value).unwrap();
        let denom = analytic.norm() + numeric.norm();
        let err = if denom < 1e-12 {
            0.0
        } else {
            (&analytic - &numeric).norm() / denom
        };
        if err > worst.0 {
            worst = (err, name.clone());
        }
    }
    worst
}
