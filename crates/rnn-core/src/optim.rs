//! Gradient clipping and the optimisers. Both work on any model through the
//! `Params` visitor, and report what they did rather than print it.

use crate::param::Params;
use crate::real::{norm_f64, Real};
use crate::trace::ParamNorm;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "threshold")]
pub enum Clip {
    None,
    /// Clamp every gradient entry to [−v, v].
    Value(f64),
    /// If the global norm ‖g‖ exceeds v, rescale: g ← v·g/‖g‖.
    Norm(f64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClipReport {
    /// Global gradient norm over all parameters, before and after clipping.
    pub norm_before: f64,
    pub norm_after: f64,
    pub fired: bool,
    pub params: Vec<ParamNorm>,
    /// The rule applied, with its threshold v.
    pub rule: Clip,
    /// The factor every gradient entry was multiplied by: v/‖g‖·(1 − 10⁻⁶)
    /// when clipping by norm fired (the 10⁻⁶ so that rounding never leaves
    /// the norm above v), else 1 (clipping by value clamps entries instead).
    pub scale: f64,
}

/// Clips the model's gradients in place.
pub fn clip_gradients<T: Real>(model: &mut dyn Params<T>, clip: Clip) -> ClipReport {
    let mut before = Vec::new();
    model.visit(&mut |p| before.push((p.name.clone(), norm_f64(p.grad.iter().copied()))));
    let global = before.iter().map(|(_, n)| n * n).sum::<f64>().sqrt();
    let mut fired = false;
    let mut scale = 1.0;
    match clip {
        Clip::None => {}
        Clip::Value(v) => {
            let v = T::of(v);
            model.visit_mut(&mut |p| {
                for g in p.grad.iter_mut() {
                    if *g > v {
                        *g = v;
                        fired = true;
                    } else if *g < -v {
                        *g = -v;
                        fired = true;
                    }
                }
            });
        }
        Clip::Norm(v) => {
            if global > v {
                fired = true;
                // Scale in f64 then round, and shave one ulp's worth so
                // rounding can never leave the norm above v.
                scale = v / global * (1.0 - 1e-6);
                let s = T::of(scale);
                model.visit_mut(&mut |p| p.grad *= s);
            }
        }
    }
    let mut params = Vec::new();
    let mut i = 0;
    model.visit(&mut |p| {
        params.push(ParamNorm {
            name: before[i].0.clone(),
            before_clip: before[i].1,
            after_clip: norm_f64(p.grad.iter().copied()),
        });
        i += 1;
    });
    let norm_after = params
        .iter()
        .map(|p| p.after_clip * p.after_clip)
        .sum::<f64>()
        .sqrt();
    ClipReport {
        norm_before: global,
        norm_after,
        fired,
        params,
        rule: clip,
        scale,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum OptimizerKind {
    /// θ ← θ − η g
    Sgd,
    /// v ← μ v + g;  θ ← θ − η v
    Momentum { mu: f64 },
    /// Kingma & Ba (2015) with bias correction.
    Adam { beta1: f64, beta2: f64, eps: f64 },
}

impl OptimizerKind {
    pub fn momentum() -> Self {
        OptimizerKind::Momentum { mu: 0.9 }
    }
    pub fn adam() -> Self {
        OptimizerKind::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum { .. } => "momentum",
            OptimizerKind::Adam { .. } => "adam",
        }
    }
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sgd" => Some(OptimizerKind::Sgd),
            "momentum" => Some(Self::momentum()),
            "adam" => Some(Self::adam()),
            _ => None,
        }
    }
}

/// An optimiser with its per-parameter state (built on first use).
#[derive(Clone, Debug)]
pub struct Optimizer<T: Real> {
    pub kind: OptimizerKind,
    m: Vec<DMatrix<T>>,
    v: Vec<DMatrix<T>>,
    t: u64,
}

impl<T: Real> Optimizer<T> {
    pub fn new(kind: OptimizerKind) -> Self {
        Optimizer {
            kind,
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }

    /// Updates applied so far (Adam's t).
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Per-parameter first moments, in visiting order: momentum's velocity
    /// v, Adam's m (SGD keeps zeros). Empty before the first update.
    pub fn first_moments(&self) -> &[DMatrix<T>] {
        &self.m
    }

    /// Per-parameter second moments, in visiting order: Adam's v (zeros for
    /// the others). Empty before the first update.
    pub fn second_moments(&self) -> &[DMatrix<T>] {
        &self.v
    }

    /// An optimiser that goes on from saved state: `t` updates applied, and
    /// the moments (each either empty, as before the first update, or one
    /// matrix per parameter in visiting order and of its shape — the caller
    /// checks). A moment `kind` does not read may be left empty: it is
    /// filled with zeros, as a fresh optimiser would have it.
    pub(crate) fn resume(kind: OptimizerKind, t: u64, m: Vec<DMatrix<T>>, v: Vec<DMatrix<T>>) -> Self {
        let zeros_like = |of: &[DMatrix<T>]| {
            of.iter()
                .map(|x| DMatrix::zeros(x.nrows(), x.ncols()))
                .collect::<Vec<_>>()
        };
        let (m, v) = match (m.is_empty(), v.is_empty()) {
            (false, true) => {
                let v = zeros_like(&m);
                (m, v)
            }
            (true, false) => (zeros_like(&v), v),
            _ => (m, v),
        };
        Optimizer { kind, m, v, t }
    }

    /// Makes `self` a copy of `other`, reusing its buffers: no allocation
    /// once both hold moments of the same shapes (it runs every step, to
    /// undo an update that overflowed).
    pub(crate) fn copy_from(&mut self, other: &Optimizer<T>) {
        fn copy_all<T: Real>(to: &mut Vec<DMatrix<T>>, from: &[DMatrix<T>]) {
            to.truncate(from.len());
            for (i, x) in from.iter().enumerate() {
                match to.get_mut(i) {
                    Some(y) if y.shape() == x.shape() => y.copy_from(x),
                    Some(y) => *y = x.clone(),
                    None => to.push(x.clone()),
                }
            }
        }
        self.kind = other.kind;
        self.t = other.t;
        copy_all(&mut self.m, &other.m);
        copy_all(&mut self.v, &other.v);
    }

    /// Applies one update with learning rate `lr` (which may change between
    /// calls without resetting anything).
    pub fn step(&mut self, model: &mut dyn Params<T>, lr: f64) {
        self.t += 1;
        let t = self.t;
        let kind = self.kind;
        let (m, v) = (&mut self.m, &mut self.v);
        let mut i = 0;
        model.visit_mut(&mut |p| {
            if m.len() <= i {
                m.push(DMatrix::zeros(p.value.nrows(), p.value.ncols()));
                v.push(DMatrix::zeros(p.value.nrows(), p.value.ncols()));
            }
            match kind {
                OptimizerKind::Sgd => axpy(p.value.as_mut_slice(), T::of(-lr), p.grad.as_slice()),
                OptimizerKind::Momentum { mu } => {
                    let mu = T::of(mu);
                    for (mk, g) in m[i].iter_mut().zip(p.grad.iter()) {
                        *mk = mu * *mk + *g;
                    }
                    axpy(p.value.as_mut_slice(), T::of(-lr), m[i].as_slice());
                }
                OptimizerKind::Adam { beta1, beta2, eps } => {
                    let c1 = 1.0 - beta1.powi(t.min(i32::MAX as u64) as i32);
                    let c2 = 1.0 - beta2.powi(t.min(i32::MAX as u64) as i32);
                    let step = T::of(lr / c1);
                    let (b1, b2) = (T::of(beta1), T::of(beta2));
                    let (one, c2, eps) = (T::one(), T::of(c2), T::of(eps));
                    for (((w, g), mk), vk) in p
                        .value
                        .iter_mut()
                        .zip(p.grad.iter())
                        .zip(m[i].iter_mut())
                        .zip(v[i].iter_mut())
                    {
                        *mk = b1 * *mk + (one - b1) * *g;
                        *vk = b2 * *vk + (one - b2) * *g * *g;
                        *w -= step * *mk / ((*vk / c2).sqrt() + eps);
                    }
                }
            }
            i += 1;
        });
    }
}

/// y ← y + a·x
fn axpy<T: Real>(y: &mut [T], a: T, x: &[T]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * *xi;
    }
}
