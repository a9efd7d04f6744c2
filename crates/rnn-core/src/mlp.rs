//! A multi-layer perceptron (BP network, 前馈神经网络) of any depth, trained by
//! exact backpropagation, with the deep-net remedies of the curriculum as
//! switches: the activation, the initialiser, batch normalisation and
//! residual (skip) connections. Each step can return a per-layer trace
//! (gradient norms, pre-activation statistics, saturation) in plain data —
//! what the "deep MLP view" draws to show gradients vanishing across depth
//! and the remedies curing it.
//!
//! Model, for hidden layers l = 1..L of width W (h_0 = x):
//!
//! ```text
//! z_l = W_l h_{l−1} + b_l
//! u_l = γ_l ⊙ (z_l − μ)/√(σ² + ε) + β_l    (batch norm on; else u_l = z_l)
//! a_l = φ(u_l)
//! h_l = h_{l−1} + a_l                      (residual on and l ≥ 2; else h_l = a_l)
//! y   = V h_L + c                          (named `out.W`, `out.b`)
//! ```
//!
//! and the loss is softmax cross-entropy or MSE on y (see `loss`). With batch
//! normalisation the bias b_l is left out: the mean subtraction cancels it
//! and β_l does its job (Ioffe & Szegedy 2015). The first hidden layer
//! changes the width from the input's, so it never has a skip connection.
//!
//! Layout as in the recurrent layer: a batch is a matrix with one column per
//! example (features × B); every product of training is a gemm into a buffer
//! reused from step to step (only the eval-mode `predict` allocates).
//!
//! Parameter names: `layer1.W`, `layer1.b` (or `layer1.gamma`,
//! `layer1.beta` with batch norm), …, `out.W`, `out.b`. The batch-norm
//! running statistics (`layer1.running_mean`, `layer1.running_var`) are
//! buffers, not parameters: the optimiser never sees them; see
//! `Mlp::export_buffers`.

use crate::activation::Activation;
use crate::init::Init;
use crate::loss::{loss_and_grad, LossKind, Targets};
use crate::optim::ClipReport;
use crate::param::{Param, Params, SavedParam};
use crate::real::{flush_subnormals, norm_f64, Real};
use crate::rng::Rng;
use crate::trace::ParamNorm;
use crate::train::{GuardedUpdate, StepError, TrainConfig};
use crate::{Error, Invalid, Mismatch};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Most hidden layers accepted (the curriculum: residual nets train hundreds).
pub const MAX_DEPTH: usize = 200;
pub const MAX_WIDTH: usize = 1024;
/// ε of batch normalisation (PyTorch's default).
pub const BN_EPS: f64 = 1e-5;
/// Weight of the newest batch in the running statistics (PyTorch's default).
pub const BN_MOMENTUM: f64 = 0.1;
/// A unit whose |φ'| is below this is counted as saturated (or dead).
pub const SATURATION: f64 = 0.01;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpConfig {
    pub input_size: usize,
    /// L, the number of hidden layers (1 to `MAX_DEPTH`).
    pub depth: usize,
    /// W, the width of every hidden layer (1 to `MAX_WIDTH`).
    pub width: usize,
    pub output_size: usize,
    pub activation: Activation,
    /// Initialiser of every weight matrix, the output layer's included.
    /// Biases start at 0, γ at 1, β at 0.
    pub init: Init,
    pub loss: LossKind,
    pub batch_norm: bool,
    pub residual: bool,
    pub seed: u64,
}

impl Default for MlpConfig {
    fn default() -> Self {
        MlpConfig {
            input_size: 2,
            depth: 1,
            width: 8,
            output_size: 2,
            activation: Activation::Tanh,
            init: Init::XavierUniform,
            loss: LossKind::CrossEntropy,
            batch_norm: false,
            residual: false,
            seed: 1,
        }
    }
}

impl MlpConfig {
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |e: Invalid| Err(e.into());
        let max = Some(MAX_WIDTH);
        if !(1..=MAX_WIDTH).contains(&self.input_size) {
            return bad(Invalid::InputSize {
                got: self.input_size,
                max,
            });
        }
        if !(1..=MAX_WIDTH).contains(&self.output_size) {
            return bad(Invalid::OutputSize {
                got: self.output_size,
                max,
            });
        }
        if !(1..=MAX_DEPTH).contains(&self.depth) {
            return bad(Invalid::Depth {
                got: self.depth,
                max: MAX_DEPTH,
            });
        }
        if !(1..=MAX_WIDTH).contains(&self.width) {
            return bad(Invalid::Width {
                got: self.width,
                max: MAX_WIDTH,
            });
        }
        if self.loss == LossKind::CrossEntropy && self.output_size < 2 {
            return bad(Invalid::TooFewClasses {
                got: self.output_size,
            });
        }
        if let Init::Uniform { a } = self.init {
            if !a.is_finite() {
                return bad(Invalid::UniformRange { value: a });
            }
        }
        Ok(())
    }
}

/// Batch normalisation of one hidden layer: learnable scale γ and shift β,
/// and the running statistics used by the eval forward.
#[derive(Clone, Debug)]
pub struct BatchNorm<T: Real> {
    pub gamma: Param<T>,
    pub beta: Param<T>,
    /// W × 1 each; start at 0 and 1.
    pub running_mean: DMatrix<T>,
    pub running_var: DMatrix<T>,
}

/// One hidden layer and the buffers of its last forward and backward pass.
#[derive(Clone, Debug)]
pub struct HiddenLayer<T: Real> {
    pub w: Param<T>,
    /// Absent with batch normalisation.
    pub b: Option<Param<T>>,
    pub bn: Option<BatchNorm<T>>,
    /// h_l = h_{l−1} + φ(u_l).
    pub residual: bool,
    ws: LayerWs<T>,
}

#[derive(Clone, Debug, Default)]
struct LayerWs<T: Real> {
    /// W × B: z = W h_{l−1} + b.
    z: DMatrix<T>,
    /// W × B, batch norm only: x̂ and u = γ x̂ + β.
    xhat: DMatrix<T>,
    u: DMatrix<T>,
    /// W × B: a = φ(u).
    a: DMatrix<T>,
    /// W × B, residual only: h = h_{l−1} + a.
    h: DMatrix<T>,
    /// Batch statistics of z per unit (batch norm only).
    mean: Vec<T>,
    var: Vec<T>,
    inv_std: Vec<T>,
    /// B × in: h_{l−1}ᵀ, for ∂L/∂W.
    prev_t: DMatrix<T>,
    /// W × B: ∂L/∂h_l, ∂L/∂u (batch norm only) and ∂L/∂z.
    dh: DMatrix<T>,
    du: DMatrix<T>,
    dz: DMatrix<T>,
    /// Per-unit sums for the batch-norm backward.
    sum_du: Vec<T>,
    sum_du_xhat: Vec<T>,
    /// Recorded by backward: ‖∂L/∂W_l‖ before clipping, and how many entries
    /// of ∂L/∂h_l and ∂L/∂z_l were flushed from subnormal to zero.
    grad_w_norm: f64,
    flushed: u32,
}

fn resize<T: Real>(m: &mut DMatrix<T>, r: usize, c: usize) {
    if m.shape() != (r, c) {
        *m = DMatrix::zeros(r, c);
    }
}

/// Adds the column vector `b` to every column of `m`.
fn add_columnwise<T: Real>(m: &mut DMatrix<T>, b: &DMatrix<T>) {
    let b = b.as_slice();
    for col in m.as_mut_slice().chunks_exact_mut(b.len()) {
        for (v, bi) in col.iter_mut().zip(b) {
            *v += *bi;
        }
    }
}

/// out ← Σ over columns of m (row sums), for bias gradients.
fn row_sums_into<T: Real>(m: &DMatrix<T>, out: &mut DMatrix<T>) {
    let out = out.as_mut_slice();
    out.fill(T::zero());
    for col in m.as_slice().chunks_exact(out.len()) {
        for (o, v) in out.iter_mut().zip(col) {
            *o += *v;
        }
    }
}

impl<T: Real> HiddenLayer<T> {
    /// φ's input: u with batch norm, z without.
    fn pre(&self) -> &DMatrix<T> {
        if self.bn.is_some() {
            &self.ws.u
        } else {
            &self.ws.z
        }
    }

    /// h_l.
    fn output(&self) -> &DMatrix<T> {
        if self.residual {
            &self.ws.h
        } else {
            &self.ws.a
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&Param<T>)) {
        f(&self.w);
        if let Some(b) = &self.b {
            f(b);
        }
        if let Some(bn) = &self.bn {
            f(&bn.gamma);
            f(&bn.beta);
        }
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<T>)) {
        f(&mut self.w);
        if let Some(b) = &mut self.b {
            f(b);
        }
        if let Some(bn) = &mut self.bn {
            f(&mut bn.gamma);
            f(&mut bn.beta);
        }
    }

    /// Training-mode forward on `prev` = h_{l−1} (in × B), batch statistics
    /// for the normalisation.
    fn forward(&mut self, prev: &DMatrix<T>, act: Activation) {
        let (width, batch) = (self.w.value.nrows(), prev.ncols());
        let ws = &mut self.ws;
        resize(&mut ws.z, width, batch);
        resize(&mut ws.a, width, batch);
        // z = W h_{l−1} + b
        ws.z.gemm(T::one(), &self.w.value, prev, T::zero());
        if let Some(b) = &self.b {
            add_columnwise(&mut ws.z, &b.value);
        }
        if let Some(bn) = &self.bn {
            resize(&mut ws.xhat, width, batch);
            resize(&mut ws.u, width, batch);
            ws.mean.resize(width, T::zero());
            ws.var.resize(width, T::zero());
            ws.inv_std.resize(width, T::zero());
            // μ = (1/B) Σ_j z_j,  σ² = (1/B) Σ_j (z_j − μ)²  (biased, as in training)
            let inv_b = T::of(1.0 / batch as f64);
            ws.mean.fill(T::zero());
            ws.var.fill(T::zero());
            for col in ws.z.as_slice().chunks_exact(width) {
                for (m, z) in ws.mean.iter_mut().zip(col) {
                    *m += *z;
                }
            }
            ws.mean.iter_mut().for_each(|m| *m *= inv_b);
            for col in ws.z.as_slice().chunks_exact(width) {
                for ((v, z), m) in ws.var.iter_mut().zip(col).zip(&ws.mean) {
                    let d = *z - *m;
                    *v += d * d;
                }
            }
            let eps = T::of(BN_EPS);
            for (s, v) in ws.inv_std.iter_mut().zip(&mut ws.var) {
                *v *= inv_b;
                *s = T::one() / (*v + eps).sqrt();
            }
            // x̂ = (z − μ)/√(σ² + ε),  u = γ ⊙ x̂ + β
            let (g, be) = (bn.gamma.value.as_slice(), bn.beta.value.as_slice());
            let zs = ws.z.as_slice().chunks_exact(width);
            let xs = ws.xhat.as_mut_slice().chunks_exact_mut(width);
            let us = ws.u.as_mut_slice().chunks_exact_mut(width);
            for ((z, x), u) in zs.zip(xs).zip(us) {
                for k in 0..width {
                    x[k] = (z[k] - ws.mean[k]) * ws.inv_std[k];
                    u[k] = g[k] * x[k] + be[k];
                }
            }
        }
        // a = φ(u)
        let pre = if self.bn.is_some() { &ws.u } else { &ws.z };
        for (a, u) in ws.a.iter_mut().zip(pre.iter()) {
            *a = act.apply(*u);
        }
        // h = h_{l−1} + a
        if self.residual {
            resize(&mut ws.h, width, batch);
            ws.h.copy_from(prev);
            ws.h += &ws.a;
        }
    }

    /// Eval-mode forward (running statistics), allocating its own output.
    fn forward_eval(&self, prev: &DMatrix<T>, act: Activation) -> DMatrix<T> {
        let mut z = &self.w.value * prev;
        if let Some(b) = &self.b {
            add_columnwise(&mut z, &b.value);
        }
        if let Some(bn) = &self.bn {
            // u = γ (z − running mean)/√(running var + ε) + β
            let eps = T::of(BN_EPS);
            let width = z.nrows();
            for col in z.as_mut_slice().chunks_exact_mut(width) {
                for (k, v) in col.iter_mut().enumerate() {
                    let xhat = (*v - bn.running_mean[k]) / (bn.running_var[k] + eps).sqrt();
                    *v = bn.gamma.value[k] * xhat + bn.beta.value[k];
                }
            }
        }
        z.apply(|v| *v = act.apply(*v));
        if self.residual {
            z += prev;
        }
        z
    }

    /// Given ∂L/∂h_l in `ws.dh`, fills this layer's parameter gradients and
    /// leaves ∂L/∂z in `ws.dz`. `prev` is h_{l−1}.
    fn backward(&mut self, prev: &DMatrix<T>, act: Activation) {
        let (width, batch) = self.ws.z.shape();
        let has_bn = self.bn.is_some();
        let ws = &mut self.ws;
        resize(&mut ws.dz, width, batch);
        ws.flushed = flush_subnormals(ws.dh.as_mut_slice());
        // ∂L/∂u = ∂L/∂h ⊙ φ'(u)   (the skip adds nothing here: ∂h/∂a = 1)
        {
            let pre = if has_bn { &ws.u } else { &ws.z };
            let du = if has_bn {
                resize(&mut ws.du, width, batch);
                &mut ws.du
            } else {
                &mut ws.dz
            };
            for (((d, dh), u), a) in du.iter_mut().zip(ws.dh.iter()).zip(pre.iter()).zip(ws.a.iter()) {
                *d = *dh * act.derivative(*u, *a);
            }
        }
        if let Some(bn) = &mut self.bn {
            // ∂L/∂γ = Σ_j ∂L/∂u ⊙ x̂,  ∂L/∂β = Σ_j ∂L/∂u
            // ∂L/∂z = γ/(B √(σ²+ε)) ⊙ (B ∂L/∂u − Σ_j ∂L/∂u − x̂ ⊙ Σ_j ∂L/∂u ⊙ x̂)
            ws.sum_du.clear();
            ws.sum_du.resize(width, T::zero());
            ws.sum_du_xhat.clear();
            ws.sum_du_xhat.resize(width, T::zero());
            for (du, x) in ws
                .du
                .as_slice()
                .chunks_exact(width)
                .zip(ws.xhat.as_slice().chunks_exact(width))
            {
                for k in 0..width {
                    ws.sum_du[k] += du[k];
                    ws.sum_du_xhat[k] += du[k] * x[k];
                }
            }
            bn.gamma.grad.as_mut_slice().copy_from_slice(&ws.sum_du_xhat);
            bn.beta.grad.as_mut_slice().copy_from_slice(&ws.sum_du);
            let b = T::of(batch as f64);
            let g = bn.gamma.value.as_slice();
            let rows = ws
                .dz
                .as_mut_slice()
                .chunks_exact_mut(width)
                .zip(ws.du.as_slice().chunks_exact(width))
                .zip(ws.xhat.as_slice().chunks_exact(width));
            for ((dz, du), x) in rows {
                for k in 0..width {
                    let scale = g[k] * ws.inv_std[k] / b;
                    dz[k] = scale * (b * du[k] - ws.sum_du[k] - x[k] * ws.sum_du_xhat[k]);
                }
            }
        }
        ws.flushed += flush_subnormals(ws.dz.as_mut_slice());
        // ∂L/∂b = Σ_j ∂L/∂z,  ∂L/∂W = ∂L/∂z · h_{l−1}ᵀ
        if let Some(b) = &mut self.b {
            row_sums_into(&ws.dz, &mut b.grad);
        }
        resize(&mut ws.prev_t, batch, prev.nrows());
        prev.transpose_to(&mut ws.prev_t);
        self.w.grad.gemm(T::one(), &ws.dz, &ws.prev_t, T::zero());
        ws.grad_w_norm = norm_f64(self.w.grad.iter().copied());
    }
}

#[derive(Clone, Debug)]
pub struct Mlp<T: Real> {
    pub config: MlpConfig,
    /// Hidden layers 1..L (index 0 is layer 1).
    pub layers: Vec<HiddenLayer<T>>,
    /// V (O × W) and c (O × 1), named `out.W` and `out.b`.
    pub out_w: Param<T>,
    pub out_b: Param<T>,
    ws: MlpWs<T>,
}

#[derive(Clone, Debug, Default)]
struct MlpWs<T: Real> {
    /// I × B: the inputs of the last forward pass (h_0).
    x: DMatrix<T>,
    /// O × B: outputs y and ∂L/∂y.
    y: DMatrix<T>,
    dy: DMatrix<T>,
    /// B × W: h_Lᵀ, for ∂L/∂V.
    h_t: DMatrix<T>,
    loss: f64,
    /// Whether `forward` ran and its batch statistics are not yet folded
    /// into the running ones.
    fresh_stats: bool,
}

impl<T: Real> Mlp<T> {
    /// A network initialised from `config.seed`.
    pub fn new(config: MlpConfig) -> Result<Self, Error> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let w = config.width;
        let mut layers = Vec::with_capacity(config.depth);
        for l in 1..=config.depth {
            let fan_in = if l == 1 { config.input_size } else { w };
            let weights = config.init.matrix(w, fan_in, &mut rng.fork());
            let bn = config.batch_norm.then(|| BatchNorm {
                gamma: Param::new(format!("layer{l}.gamma"), DMatrix::from_element(w, 1, 1.0)),
                beta: Param::new(format!("layer{l}.beta"), DMatrix::zeros(w, 1)),
                running_mean: DMatrix::zeros(w, 1),
                running_var: DMatrix::from_element(w, 1, T::one()),
            });
            layers.push(HiddenLayer {
                w: Param::new(format!("layer{l}.W"), weights),
                b: (!config.batch_norm).then(|| Param::new(format!("layer{l}.b"), DMatrix::zeros(w, 1))),
                bn,
                residual: config.residual && l >= 2,
                ws: LayerWs::default(),
            });
        }
        let v = config.init.matrix(config.output_size, w, &mut rng.fork());
        Ok(Mlp {
            out_w: Param::new("out.W", v),
            out_b: Param::new("out.b", DMatrix::zeros(config.output_size, 1)),
            layers,
            config,
            ws: MlpWs::default(),
        })
    }

    /// Checks that `inputs` (I × B) and `targets` fit; returns B.
    pub fn check_batch(&self, inputs: &DMatrix<T>, targets: &Targets<T>) -> Result<usize, Error> {
        let cfg = &self.config;
        let b = inputs.ncols();
        if inputs.nrows() != cfg.input_size {
            return Err(Mismatch::InputRows {
                expected: cfg.input_size,
                got: inputs.nrows(),
            }
            .into());
        }
        if b == 0 {
            return Err(Invalid::EmptyBatch {
                seq_len: 1,
                batch_size: 0,
            }
            .into());
        }
        if cfg.batch_norm && b < 2 {
            return Err(Invalid::BatchNormBatch { got: b }.into());
        }
        if inputs.iter().any(|x| !x.is_finite()) {
            return Err(Invalid::NonFiniteInputs.into());
        }
        match (targets, cfg.loss) {
            (Targets::Values(t), LossKind::Mse) if t.shape() == (cfg.output_size, b) => Ok(b),
            (Targets::Classes(c), LossKind::CrossEntropy) if c.len() == b => {
                match c.iter().flatten().find(|&&k| k as usize >= cfg.output_size) {
                    Some(&k) => Err(Invalid::TargetClass {
                        class: k as usize,
                        classes: cfg.output_size,
                    }
                    .into()),
                    None => Ok(b),
                }
            }
            _ => Err(Mismatch::Targets {
                loss: cfg.loss,
                outputs: cfg.output_size,
                columns: b,
            }
            .into()),
        }
    }

    /// Training-mode forward pass (batch statistics for batch norm) and the
    /// loss, keeping everything `backward` needs. Changes no weight and no
    /// running statistic.
    pub fn forward(&mut self, inputs: &DMatrix<T>, targets: &Targets<T>) -> Result<f64, Error> {
        let b = self.check_batch(inputs, targets)?;
        let act = self.config.activation;
        let ws = &mut self.ws;
        resize(&mut ws.x, inputs.nrows(), b);
        ws.x.copy_from(inputs);
        for l in 0..self.layers.len() {
            let (done, rest) = self.layers.split_at_mut(l);
            let prev = if l == 0 { &ws.x } else { done[l - 1].output() };
            rest[0].forward(prev, act);
        }
        // y = V h_L + c
        let h_last = self.layers.last().expect("depth ≥ 1").output();
        resize(&mut ws.y, self.config.output_size, b);
        resize(&mut ws.dy, self.config.output_size, b);
        ws.y.gemm(T::one(), &self.out_w.value, h_last, T::zero());
        add_columnwise(&mut ws.y, &self.out_b.value);
        ws.loss = loss_and_grad(self.config.loss, &ws.y, targets, &mut ws.dy);
        ws.fresh_stats = true;
        Ok(ws.loss)
    }

    /// Backward pass after `forward`: fills every parameter's gradient and
    /// keeps ∂L/∂h_l of every layer for the trace. Does nothing before the
    /// first successful `forward`.
    pub fn backward(&mut self) {
        let act = self.config.activation;
        let ws = &mut self.ws;
        let b = ws.y.ncols();
        if b == 0 {
            return;
        }
        let w = self.config.width;
        // ∂L/∂c = Σ_j ∂L/∂y,  ∂L/∂V = ∂L/∂y · h_Lᵀ,  ∂L/∂h_L = Vᵀ ∂L/∂y
        row_sums_into(&ws.dy, &mut self.out_b.grad);
        let last = self.layers.last_mut().expect("depth ≥ 1");
        resize(&mut ws.h_t, b, w);
        last.output().transpose_to(&mut ws.h_t);
        self.out_w.grad.gemm(T::one(), &ws.dy, &ws.h_t, T::zero());
        resize(&mut last.ws.dh, w, b);
        last.ws.dh.gemm_tr(T::one(), &self.out_w.value, &ws.dy, T::zero());
        for l in (0..self.layers.len()).rev() {
            let (done, rest) = self.layers.split_at_mut(l);
            let layer = &mut rest[0];
            let prev = if l == 0 { &ws.x } else { done[l - 1].output() };
            layer.backward(prev, act);
            if l > 0 {
                // ∂L/∂h_{l−1} = W_lᵀ ∂L/∂z_l  (+ ∂L/∂h_l through the skip)
                let below = &mut done[l - 1].ws;
                resize(&mut below.dh, w, b);
                below
                    .dh
                    .gemm_tr(T::one(), &layer.w.value, &layer.ws.dz, T::zero());
                if layer.residual {
                    below.dh += &layer.ws.dh;
                }
            }
        }
    }

    /// Loss and gradients on a batch without changing any weight or running
    /// statistic.
    pub fn loss_and_gradients(&mut self, inputs: &DMatrix<T>, targets: &Targets<T>) -> Result<f64, Error> {
        let loss = self.forward(inputs, targets)?;
        self.backward();
        Ok(loss)
    }

    /// Folds the last training forward's batch statistics into the running
    /// ones (momentum `BN_MOMENTUM`, unbiased variance, as PyTorch does).
    /// Called by `MlpTrainer::step` after a successful update; once per
    /// forward at most.
    pub fn update_running_stats(&mut self) {
        if !std::mem::take(&mut self.ws.fresh_stats) {
            return;
        }
        let b = self.ws.x.ncols() as f64;
        let m = T::of(BN_MOMENTUM);
        let unbias = T::of(b / (b - 1.0).max(1.0));
        for layer in &mut self.layers {
            if let Some(bn) = &mut layer.bn {
                for k in 0..layer.ws.mean.len() {
                    let rm = &mut bn.running_mean[k];
                    *rm = (T::one() - m) * *rm + m * layer.ws.mean[k];
                    let rv = &mut bn.running_var[k];
                    *rv = (T::one() - m) * *rv + m * layer.ws.var[k] * unbias;
                }
            }
        }
    }

    /// Eval-mode outputs y (O × B) for `inputs` (I × B): batch norm uses the
    /// running statistics, so any batch size (even 1) works and the training
    /// buffers are left alone. For decision-boundary heatmaps and accuracy.
    pub fn predict(&self, inputs: &DMatrix<T>) -> Result<DMatrix<T>, Error> {
        if inputs.nrows() != self.config.input_size {
            return Err(Mismatch::InputRows {
                expected: self.config.input_size,
                got: inputs.nrows(),
            }
            .into());
        }
        let act = self.config.activation;
        let mut h = inputs.clone();
        for layer in &self.layers {
            h = layer.forward_eval(&h, act);
        }
        let mut y = &self.out_w.value * &h;
        add_columnwise(&mut y, &self.out_b.value);
        Ok(y)
    }

    /// Eval-mode class probabilities (softmax of each column of y), O × B.
    pub fn probabilities(&self, inputs: &DMatrix<T>) -> Result<DMatrix<f64>, Error> {
        let mut y = self.predict(inputs)?.map(|v| v.f64());
        for mut col in y.column_iter_mut() {
            let max = col.max();
            col.apply(|v| *v = (*v - max).exp());
            let z = col.sum();
            col /= z;
        }
        Ok(y)
    }

    /// Eval-mode class of each column: the index of the largest output.
    pub fn classify(&self, inputs: &DMatrix<T>) -> Result<Vec<usize>, Error> {
        Ok(self
            .predict(inputs)?
            .column_iter()
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0, |best, (i, v)| if *v > c[best] { i } else { best })
            })
            .collect())
    }

    /// Eval-mode fraction of `labels` classified right.
    pub fn accuracy(&self, inputs: &DMatrix<T>, labels: &[usize]) -> Result<f64, Error> {
        if labels.len() != inputs.ncols() {
            return Err(Mismatch::Labels {
                expected: inputs.ncols(),
                got: labels.len(),
            }
            .into());
        }
        let classes = self.classify(inputs)?;
        let right = classes.iter().zip(labels).filter(|(a, b)| a == b).count();
        Ok(right as f64 / labels.len().max(1) as f64)
    }

    /// Outputs y of the last training forward pass, O × B.
    pub fn outputs(&self) -> DMatrix<f64> {
        self.ws.y.map(|v| v.f64())
    }

    /// The loss of the last forward pass.
    pub fn loss(&self) -> f64 {
        self.ws.loss
    }

    /// The batch-norm running statistics as saved parameters named
    /// `layer{l}.running_mean` and `layer{l}.running_var` (W × 1 each).
    pub fn export_buffers(&self) -> Vec<SavedParam> {
        let mut out = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            if let Some(bn) = &layer.bn {
                for (name, m) in [
                    ("running_mean", &bn.running_mean),
                    ("running_var", &bn.running_var),
                ] {
                    out.push(SavedParam {
                        name: format!("layer{}.{name}", l + 1),
                        rows: m.nrows(),
                        cols: 1,
                        values: m.iter().map(|v| v.f64()).collect(),
                    });
                }
            }
        }
        out
    }

    /// Loads running statistics saved by `export_buffers`; all or nothing.
    pub fn import_buffers(&mut self, saved: &[SavedParam]) -> Result<(), Error> {
        let w = self.config.width;
        let mut staged = Vec::new();
        for s in saved {
            let target = s
                .name
                .strip_prefix("layer")
                .and_then(|rest| rest.split_once('.'))
                .and_then(|(l, which)| Some((l.parse::<usize>().ok()?, which)))
                .filter(|(l, which)| {
                    (1..=self.layers.len()).contains(l)
                        && self.layers[l - 1].bn.is_some()
                        && (*which == "running_mean" || *which == "running_var")
                })
                .ok_or_else(|| Error::UnknownParameter(s.name.clone()))?;
            if (s.rows, s.cols) != (w, 1) {
                return Err(Mismatch::Param {
                    name: s.name.clone(),
                    expected: (w, 1),
                    got: (s.rows, s.cols),
                }
                .into());
            }
            if s.values.len() != w {
                return Err(Mismatch::ValueCount {
                    name: s.name.clone(),
                    expected: w,
                    got: s.values.len(),
                }
                .into());
            }
            if s.values.iter().any(|v| !v.is_finite())
                || (target.1 == "running_var" && s.values.iter().any(|v| *v < 0.0))
            {
                return Err(Invalid::RunningStats { name: s.name.clone() }.into());
            }
            staged.push((target, &s.values));
        }
        for ((l, which), values) in staged {
            let bn = self.layers[l - 1].bn.as_mut().expect("checked above");
            let m = if which == "running_mean" {
                &mut bn.running_mean
            } else {
                &mut bn.running_var
            };
            for (dst, v) in m.iter_mut().zip(values) {
                *dst = T::of(*v);
            }
        }
        Ok(())
    }

    /// Everything the deep-MLP view draws about the last forward and backward
    /// pass; `example` picks the column for the per-example numbers (clamped
    /// to the batch).
    pub fn trace(&self, step: u64, example: usize) -> MlpTrace {
        let act = self.config.activation;
        let b = self.ws.y.ncols();
        let e = example.min(b.saturating_sub(1));
        let column = |m: &DMatrix<T>| -> Vec<f64> {
            if m.ncols() > e {
                m.column(e).iter().map(|v| v.f64()).collect()
            } else {
                Vec::new()
            }
        };
        let layers = self
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let pre = layer.pre();
                let n = pre.len().max(1) as f64;
                let mean = pre.iter().map(|v| v.f64()).sum::<f64>() / n;
                let var = pre.iter().map(|v| (v.f64() - mean).powi(2)).sum::<f64>() / n;
                // |φ'| < SATURATION, per entry and per unit over the batch.
                let width = pre.nrows().max(1);
                let mut saturated = 0usize;
                let mut alive = vec![false; width];
                for (i, (u, a)) in pre.iter().zip(layer.ws.a.iter()).enumerate() {
                    if act.derivative(*u, *a).f64().abs() < SATURATION {
                        saturated += 1;
                    } else {
                        alive[i % width] = true;
                    }
                }
                let dead = alive.iter().filter(|a| !**a).count();
                let dh = &layer.ws.dh;
                MlpLayerTrace {
                    name: format!("layer{}", l + 1),
                    residual: layer.residual,
                    grad_h: norm_f64(dh.iter().copied()),
                    grad_h_example: if dh.ncols() > e {
                        norm_f64(dh.column(e).iter().copied())
                    } else {
                        0.0
                    },
                    grad_w: layer.ws.grad_w_norm,
                    pre_mean: mean,
                    pre_std: var.sqrt(),
                    saturated: if pre.is_empty() { 0.0 } else { saturated as f64 / n },
                    dead: if pre.is_empty() {
                        0.0
                    } else {
                        dead as f64 / width as f64
                    },
                    flushed: layer.ws.flushed,
                    pre_activations: column(pre),
                    hidden: column(layer.output()),
                }
            })
            .collect();
        MlpTrace {
            step,
            activation: act,
            batch_norm: self.config.batch_norm,
            residual: self.config.residual,
            example: e,
            batch_size: b,
            loss: self.ws.loss,
            input: column(&self.ws.x),
            output: column(&self.ws.y),
            layers,
            grad_out_w: norm_f64(self.out_w.grad.iter().copied()),
            params: Vec::new(),
            clip: None,
            floor: T::min_normal().f64(),
        }
    }
}

impl<T: Real> Params<T> for Mlp<T> {
    fn visit(&self, f: &mut dyn FnMut(&Param<T>)) {
        for layer in &self.layers {
            layer.visit(f);
        }
        f(&self.out_w);
        f(&self.out_b);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<T>)) {
        for layer in &mut self.layers {
            layer.visit_mut(f);
        }
        f(&mut self.out_w);
        f(&mut self.out_b);
    }
}

/// One hidden layer of an `MlpTrace`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpLayerTrace {
    /// "layer1", "layer2", …
    pub name: String,
    /// Whether h_l = h_{l−1} + φ(u_l).
    pub residual: bool,
    /// ‖∂L/∂h_l‖: Frobenius norm over the whole batch, and for the traced
    /// example alone.
    pub grad_h: f64,
    pub grad_h_example: f64,
    /// ‖∂L/∂W_l‖ (Frobenius, before clipping).
    pub grad_w: f64,
    /// Mean and standard deviation of φ's input u_l over units × batch.
    pub pre_mean: f64,
    pub pre_std: f64,
    /// Fraction of (unit, example) entries with |φ'(u)| < `SATURATION`.
    pub saturated: f64,
    /// Fraction of units with |φ'(u)| < `SATURATION` on every example of the
    /// batch (dead ReLUs, or sigmoid units pinned at 0 or 1).
    pub dead: f64,
    /// Entries of ∂L/∂h_l and ∂L/∂z_l (whole batch) flushed from subnormal
    /// to zero (`grad_h` is measured after the flush).
    pub flushed: u32,
    /// The traced example's u_l and h_l.
    pub pre_activations: Vec<f64>,
    pub hidden: Vec<f64>,
}

/// The per-layer trace of one MLP step: plain, serialisable data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpTrace {
    /// The training step this was recorded at (0 before any update).
    pub step: u64,
    pub activation: Activation,
    pub batch_norm: bool,
    pub residual: bool,
    /// Which column of the batch the per-example numbers describe.
    pub example: usize,
    pub batch_size: usize,
    /// Batch loss.
    pub loss: f64,
    /// The traced example's input x and output y.
    pub input: Vec<f64>,
    pub output: Vec<f64>,
    /// Hidden layers 1..L (index 0 is layer 1).
    pub layers: Vec<MlpLayerTrace>,
    /// ‖∂L/∂V‖ of the output layer (before clipping).
    pub grad_out_w: f64,
    /// Per-parameter gradient norms before and after clipping (filled by
    /// `MlpTrainer::step`).
    pub params: Vec<ParamNorm>,
    pub clip: Option<ClipReport>,
    /// The smallest normal value of the scalar the model trains in.
    pub floor: f64,
}

impl MlpTrace {
    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_L‖ over the batch: how much gradient reaches the
    /// first layer.
    pub fn gradient_ratio(&self) -> Option<f64> {
        let (first, last) = (self.layers.first()?.grad_h, self.layers.last()?.grad_h);
        (last > 0.0).then(|| first / last)
    }

    /// ‖∂L/∂W_1‖ / ‖∂L/∂W_L‖.
    pub fn weight_gradient_ratio(&self) -> Option<f64> {
        let (first, last) = (self.layers.first()?.grad_w, self.layers.last()?.grad_w);
        (last > 0.0).then(|| first / last)
    }

    /// Whether layer index `l`'s ‖∂L/∂h‖ is zero only because gradient
    /// entries at that layer or above it (closer to the output) fell below
    /// the floor and were flushed: "below what f32 holds", not a true zero.
    pub fn underflowed(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|t| t.grad_h == 0.0)
            && self.layers.iter().skip(l).any(|t| t.flushed > 0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MlpStepReport {
    pub step: u64,
    pub loss: f64,
    pub clip: ClipReport,
    pub trace: Option<MlpTrace>,
}

/// An MLP with its optimiser: the feed-forward twin of `train::Trainer`.
#[derive(Clone, Debug)]
pub struct MlpTrainer<T: Real> {
    pub net: Mlp<T>,
    pub config: TrainConfig,
    update: GuardedUpdate<T>,
    steps_done: u64,
}

impl<T: Real> MlpTrainer<T> {
    pub fn new(net: Mlp<T>, config: TrainConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(MlpTrainer {
            net,
            update: GuardedUpdate::new(config.optimizer),
            config,
            steps_done: 0,
        })
    }

    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// Changes learning rate, clipping or optimiser between steps. A new
    /// optimiser kind starts with fresh state; the weights are kept.
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), Error> {
        config.validate()?;
        self.update.set_optimizer(config.optimizer);
        self.config = config;
        Ok(())
    }

    /// One step on a batch (inputs I × B, targets for B columns): forward,
    /// backward, divergence check, clipping, update. A NaN or infinite loss,
    /// gradient or updated weight is reported as `StepError::Diverged` with
    /// the parameter's name, and the weights (and running statistics) are
    /// left as they were. With `trace_example`, the report carries the trace.
    pub fn step(
        &mut self,
        inputs: &DMatrix<T>,
        targets: &Targets<T>,
        trace_example: Option<usize>,
    ) -> Result<MlpStepReport, StepError> {
        let next = self.steps_done + 1;
        let loss = self.net.forward(inputs, targets).map_err(StepError::Invalid)?;
        self.net.backward();
        let clip = self
            .update
            .apply(&mut self.net, &self.config, loss, next)
            .map_err(StepError::Diverged)?;
        self.net.update_running_stats();
        self.steps_done = next;
        let trace = trace_example.map(|e| {
            let mut t = self.net.trace(next, e);
            t.params = clip.params.clone();
            t.clip = Some(clip.clone());
            t
        });
        Ok(MlpStepReport {
            step: next,
            loss,
            clip,
            trace,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonsense_configs_are_errors_not_panics() {
        let ok = MlpConfig::default();
        let max = Some(MAX_WIDTH);
        let bad = [
            (
                MlpConfig {
                    depth: 0,
                    ..ok.clone()
                },
                Invalid::Depth {
                    got: 0,
                    max: MAX_DEPTH,
                },
            ),
            (
                MlpConfig {
                    depth: MAX_DEPTH + 1,
                    ..ok.clone()
                },
                Invalid::Depth {
                    got: MAX_DEPTH + 1,
                    max: MAX_DEPTH,
                },
            ),
            (
                MlpConfig {
                    width: 0,
                    ..ok.clone()
                },
                Invalid::Width {
                    got: 0,
                    max: MAX_WIDTH,
                },
            ),
            (
                MlpConfig {
                    input_size: 0,
                    ..ok.clone()
                },
                Invalid::InputSize { got: 0, max },
            ),
            (
                MlpConfig {
                    output_size: 1,
                    ..ok.clone()
                },
                Invalid::TooFewClasses { got: 1 },
            ),
        ];
        for (cfg, want) in bad {
            assert_eq!(Mlp::<f32>::new(cfg).err(), Some(want.into()));
        }
        let nan_range = MlpConfig {
            init: Init::Uniform { a: f64::NAN },
            ..ok.clone()
        };
        assert!(matches!(
            Mlp::<f32>::new(nan_range),
            Err(Error::Invalid(Invalid::UniformRange { value })) if value.is_nan()
        ));
        let mut net = Mlp::<f32>::new(ok).unwrap();
        net.backward(); // before any forward: a no-op, not a panic
        assert_eq!(net.trace(0, 3).layers.len(), 1);
        let lr_nan = TrainConfig {
            learning_rate: f64::NAN,
            ..TrainConfig::default()
        };
        assert!(matches!(
            MlpTrainer::new(net, lr_nan),
            Err(Error::Invalid(Invalid::LearningRate { value })) if value.is_nan()
        ));
    }

    #[test]
    fn parameter_names_follow_the_convention() {
        let net = Mlp::<f64>::new(MlpConfig {
            depth: 2,
            batch_norm: true,
            ..MlpConfig::default()
        })
        .unwrap();
        assert_eq!(
            net.param_names(),
            [
                "layer1.W",
                "layer1.gamma",
                "layer1.beta",
                "layer2.W",
                "layer2.gamma",
                "layer2.beta",
                "out.W",
                "out.b"
            ]
        );
        let plain = Mlp::<f64>::new(MlpConfig::default()).unwrap();
        assert_eq!(plain.param_names(), ["layer1.W", "layer1.b", "out.W", "out.b"]);
    }
}
