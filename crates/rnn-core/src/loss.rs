//! Losses on the readout, with their gradients written beside them.

use crate::real::Real;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

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

/// Computes the loss of outputs `y` and writes ∂L/∂y into `dy`. The loss is
/// accumulated in f64. Shapes are checked by the caller (`Batch::validate`).
pub fn loss_and_grad<T: Real>(
    kind: LossKind,
    y: &DMatrix<T>,
    targets: &Targets<T>,
    dy: &mut DMatrix<T>,
) -> f64 {
    match (kind, targets) {
        (LossKind::Mse, Targets::Values(t)) => {
            // L = (1/N) Σ (y − t)²,  ∂L/∂y = 2 (y − t) / N
            let n = y.len().max(1) as f64;
            let scale = T::of(2.0 / n);
            let mut sum = 0.0;
            for ((d, yv), tv) in dy.iter_mut().zip(y.iter()).zip(t.iter()) {
                let diff = *yv - *tv;
                sum += diff.f64() * diff.f64();
                *d = diff * scale;
            }
            sum / n
        }
        (LossKind::CrossEntropy, Targets::Classes(classes)) => {
            // p = softmax(y),  L = −(1/N) Σ log p_target,  ∂L/∂y = (p − onehot) / N
            let scored = classes.iter().filter(|c| c.is_some()).count().max(1) as f64;
            let inv_n = T::of(1.0 / scored);
            let rows = y.nrows();
            let mut sum = 0.0;
            for (j, class) in classes.iter().enumerate() {
                let col = &y.as_slice()[j * rows..(j + 1) * rows];
                let d = &mut dy.as_mut_slice()[j * rows..(j + 1) * rows];
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
            sum / scored
        }
        // Mismatched kinds are rejected by `Batch::validate`; a zero gradient
        // here is never reached in a validated run.
        _ => {
            dy.fill(T::zero());
            f64::NAN
        }
    }
}
