//! Losses on the readout, with their gradients written beside them.

use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean over every output entry of (y − target)².
    Mse,
    /// Softmax cross-entropy, averaged over the scored (example, step) pairs.
    CrossEntropy,
}

/// Targets for the readout columns (one column per example per output step,
/// laid out like the outputs).
#[derive(Clone, Debug, PartialEq)]
pub enum Targets<T: Real> {
    /// O × columns, for MSE.
    Values(DMatrix<T>),
    /// A class per column; `None` is not scored (like PyTorch's ignore_index).
    Classes(Vec<Option<u32>>),
}

impl<T: Real> Targets<T> {
    pub fn columns(&self) -> usize {
        match self {
            Targets::Values(m) => m.ncols(),
            Targets::Classes(c) => c.len(),
        }
    }

    pub fn cast<U: Real>(&self) -> Targets<U> {
        match self {
            Targets::Values(m) => Targets::Values(m.map(|x| U::of(x.f64()))),
            Targets::Classes(c) => Targets::Classes(c.clone()),
        }
    }
}

/// What the loss is averaged over: every output entry (MSE, `outputs` of
/// them) or every scored column (cross-entropy).
pub fn loss_count<T: Real>(kind: LossKind, targets: &Targets<T>, outputs: usize) -> f64 {
    match (kind, targets) {
        (LossKind::CrossEntropy, Targets::Classes(c)) => {
            c.iter().filter(|c| c.is_some()).count().max(1) as f64
        }
        _ => outputs.max(1) as f64,
    }
}

/// Computes the loss of outputs `y` and writes ∂L/∂y into `dy`. The loss is
/// accumulated in f64. Shapes are checked by the caller (`Batch::validate`).
pub fn loss_and_grad<T: Real>(
    kind: LossKind,
    y: &DMatrix<T>,
    targets: &Targets<T>,
    dy: &mut DMatrix<T>,
) -> f64 {
    let count = loss_count(kind, targets, y.len());
    loss_sum_and_grad(kind, y, targets, dy, 0..y.ncols(), count) / count
}

/// The part of the loss's sum from columns `cols`, writing ∂L/∂y for them:
/// the loss is the sum over all columns divided by `count` (see
/// [`loss_count`]), so the readout can be done a span of columns at a time.
pub fn loss_sum_and_grad<T: Real>(
    kind: LossKind,
    y: &DMatrix<T>,
    targets: &Targets<T>,
    dy: &mut DMatrix<T>,
    cols: Range<usize>,
    count: f64,
) -> f64 {
    let rows = y.nrows();
    let span = cols.start * rows..cols.end * rows;
    let (y, d) = (&y.as_slice()[span.clone()], &mut dy.as_mut_slice()[span]);
    match (kind, targets) {
        (LossKind::Mse, Targets::Values(t)) => {
            // L = (1/N) Σ (y − t)²,  ∂L/∂y = 2 (y − t) / N
            let scale = T::of(2.0 / count);
            let t = &t.as_slice()[cols.start * rows..cols.end * rows];
            let mut sum = 0.0;
            for ((d, yv), tv) in d.iter_mut().zip(y).zip(t) {
                let diff = *yv - *tv;
                sum += diff.f64() * diff.f64();
                *d = diff * scale;
            }
            sum
        }
        (LossKind::CrossEntropy, Targets::Classes(classes)) => {
            // p = softmax(y),  L = −(1/N) Σ log p_target,  ∂L/∂y = (p − onehot) / N
            let inv_n = T::of(1.0 / count);
            let mut sum = 0.0;
            for ((class, col), d) in classes[cols]
                .iter()
                .zip(y.chunks_exact(rows))
                .zip(d.chunks_exact_mut(rows))
            {
                let Some(class) = class else {
                    d.fill(T::zero());
                    continue;
                };
                let max = col.iter().copied().fold(col[0], |a, b| if b > a { b } else { a });
                let mut z = T::zero();
                for (dv, yv) in d.iter_mut().zip(col) {
                    *dv = (*yv - max).exp();
                    z += *dv;
                }
                let c = *class as usize;
                // log p_c = y_c − max − log z, accumulated in f64.
                sum -= (col[c] - max).f64() - z.f64().ln();
                for dv in d.iter_mut() {
                    *dv = *dv / z * inv_n;
                }
                d[c] -= inv_n;
            }
            sum
        }
        // Mismatched kinds are rejected by `Batch::validate`; a zero gradient
        // here is never reached in a validated run.
        _ => {
            d.fill(T::zero());
            f64::NAN
        }
    }
}
