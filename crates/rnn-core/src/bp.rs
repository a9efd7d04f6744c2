//! The BP network (BP神经网络) of the curriculum's first chapter, as the
//! textbook draws it: a few inputs, one hidden layer of 1–8 units, one or
//! two sigmoid outputs, every weight and bias a number of its own. Written
//! in plain f64 loops over units, not matrix products, because the point is
//! to show each unit's numbers; the batched, batch-normalised MLP of
//! `mlp.rs` is a different tool.
//!
//! Model, for one example x with target t (i over inputs, j over hidden
//! units, k over outputs):
//!
//! ```text
//! z_j = Σ_i w_hx[j,i] · x_i + b_h[j]        hidden weighted sum
//! a_j = φ(z_j)                              φ: sigmoid, tanh, ReLU, …
//! s_k = Σ_j w_yh[k,j] · a_j + b_y[k]        output weighted sum
//! y_k = σ(s_k)                              sigmoid output
//! E   = ½ Σ_k (y_k − t_k)²                  (`BpLoss::HalfSquared`), or
//! E   = −Σ_k [t_k ln y_k + (1 − t_k) ln(1 − y_k)]   (`BpLoss::CrossEntropy`)
//! ```
//!
//! **A training step takes one example** — the "standard BP" of the
//! textbooks, which updates after every example — because then every
//! number of the four parts is one number the page can show, not a mean
//! over a batch. Step n (counting from 0) on a data set takes example
//! n mod N in data order ([`BpNet::example_index`]).
//!
//! **The four parts** of a step, each its own method returning what it
//! computed, in this order only (any other call is refused with
//! [`Error::PartOutOfOrder`]):
//!
//! 1. [`BpNet::forward`]: every z_j, a_j, s_k, y_k;
//! 2. [`BpNet::error`]: E and the output error y_k − t_k;
//! 3. [`BpNet::backward`]: δ at the output, the hidden→output weight
//!    gradients and their updates, then δ at the hidden layer (through the
//!    hidden→output weights as they were before this step's update: the
//!    gradient is taken at one point) and the input→hidden gradients and
//!    updates;
//! 4. [`BpNet::bias`]: the output biases' update, then the hidden biases'.
//!
//! [`BpNet::step`] is the same four methods called in turn, so a whole step
//! and the four parts are bit-for-bit the same. Every update is plain
//! gradient descent, θ ← θ − η·∂E/∂θ, with the η the step began with.
//!
//! Parameter names (for `Params`, the gradient check): `w_hx` (H × I,
//! entry (j, i) from input i to hidden unit j), `b_h` (H × 1), `w_yh`
//! (O × H), `b_y` (O × 1). Names of single weights in the table,
//! 1-based: `w_h2_x1` (input 1 → hidden 2), `b_h2`, `w_y1_h2` (hidden 2 →
//! output 1), `b_y1`.

use crate::activation::Activation;
use crate::datasets::Dataset;
use crate::init::Init;
use crate::param::{Param, Params};
use crate::rng::Rng;
use crate::{Error, Invalid, Mismatch};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

pub const MAX_BP_INPUTS: usize = 8;
pub const MAX_BP_HIDDEN: usize = 8;
/// One output (class 1's probability) or two (one per class, one-hot targets).
pub const MAX_BP_OUTPUTS: usize = 2;

/// The error E of one example.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BpLoss {
    /// E = ½ Σ_k (y_k − t_k)², the textbooks' squared error.
    HalfSquared,
    /// E = −Σ_k [t_k ln y_k + (1 − t_k) ln(1 − y_k)], binary cross-entropy
    /// per output (targets in 0..=1).
    CrossEntropy,
}

impl BpLoss {
    pub const ALL: [BpLoss; 2] = [BpLoss::HalfSquared, BpLoss::CrossEntropy];

    /// Short stable name, used in URLs.
    pub fn name(self) -> &'static str {
        match self {
            BpLoss::HalfSquared => "half_squared",
            BpLoss::CrossEntropy => "cross_entropy",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpConfig {
    /// I, 1 to `MAX_BP_INPUTS` (2 for the plane's data sets).
    pub inputs: usize,
    /// H, 1 to `MAX_BP_HIDDEN`.
    pub hidden: usize,
    /// O, 1 to `MAX_BP_OUTPUTS`.
    pub outputs: usize,
    /// φ of the hidden layer (the output is always a sigmoid).
    pub activation: Activation,
    pub loss: BpLoss,
    /// Initialiser of both weight matrices; biases start at 0.
    pub init: Init,
    /// η, finite and ≥ 0.
    pub learning_rate: f64,
    pub seed: u64,
}

impl Default for BpConfig {
    fn default() -> Self {
        BpConfig {
            inputs: 2,
            hidden: 3,
            outputs: 1,
            activation: Activation::Tanh,
            loss: BpLoss::HalfSquared,
            init: Init::XavierUniform,
            learning_rate: 0.5,
            seed: 1,
        }
    }
}

impl BpConfig {
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |e: Invalid| Err(e.into());
        if !(1..=MAX_BP_INPUTS).contains(&self.inputs) {
            return bad(Invalid::InputSize {
                got: self.inputs,
                max: Some(MAX_BP_INPUTS),
            });
        }
        if !(1..=MAX_BP_HIDDEN).contains(&self.hidden) {
            return bad(Invalid::Width {
                got: self.hidden,
                max: MAX_BP_HIDDEN,
            });
        }
        if !(1..=MAX_BP_OUTPUTS).contains(&self.outputs) {
            return bad(Invalid::OutputSize {
                got: self.outputs,
                max: Some(MAX_BP_OUTPUTS),
            });
        }
        check_learning_rate(self.learning_rate)?;
        if let Init::Uniform { a } = self.init {
            if !a.is_finite() {
                return bad(Invalid::UniformRange { value: a });
            }
        }
        Ok(())
    }
}

fn check_learning_rate(value: f64) -> Result<(), Error> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Invalid::LearningRate { value }.into())
    }
}

/// The four parts of a training step, in their order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BpPart {
    /// 正向传播: weighted sums and activations.
    Forward,
    /// 误差计算: the loss.
    Error,
    /// 反向传播: δ and the weight updates, output layer first.
    Backward,
    /// 偏置更新: the bias updates, output layer first.
    Bias,
}

impl BpPart {
    pub const ALL: [BpPart; 4] = [BpPart::Forward, BpPart::Error, BpPart::Backward, BpPart::Bias];
}

/// Part 1: what the forward pass computed for the step's example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpForward {
    /// The step this part belongs to, 1-based.
    pub step: u64,
    pub x: Vec<f64>,
    pub target: Vec<f64>,
    /// z_j = Σ_i w_hx[j,i]·x_i + b_h[j], per hidden unit.
    pub z_h: Vec<f64>,
    /// a_j = φ(z_j).
    pub a_h: Vec<f64>,
    /// s_k = Σ_j w_yh[k,j]·a_j + b_y[k], per output unit.
    pub z_y: Vec<f64>,
    /// y_k = σ(s_k).
    pub y: Vec<f64>,
}

/// Part 2: the error of the step's example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpError {
    pub loss_kind: BpLoss,
    /// E (see `BpLoss`).
    pub loss: f64,
    /// e_k = y_k − t_k, per output.
    pub output_error: Vec<f64>,
}

/// Part 3: δ and the weight updates. Matrices are rows of `[to][from]`:
/// `grad_w_yh[k][j]` is ∂E/∂w_yh[k,j], `grad_w_hx[j][i]` is ∂E/∂w_hx[j,i].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpBackward {
    /// η of this step.
    pub learning_rate: f64,
    /// σ'(s_k) = y_k (1 − y_k), per output.
    pub output_slope: Vec<f64>,
    /// δ_k = ∂E/∂s_k: e_k·y_k(1 − y_k) for the half squared error, e_k for
    /// cross-entropy (the σ' cancels).
    pub delta_y: Vec<f64>,
    /// ∂E/∂w_yh[k,j] = δ_k · a_j.
    pub grad_w_yh: Vec<Vec<f64>>,
    pub w_yh_before: Vec<Vec<f64>>,
    /// w_yh − η·∂E/∂w_yh.
    pub w_yh_after: Vec<Vec<f64>>,
    /// Σ_k w_yh[k,j]·δ_k, the error sent back to hidden unit j (with the
    /// weights before the update).
    pub back_sum: Vec<f64>,
    /// φ'(z_j), per hidden unit.
    pub hidden_slope: Vec<f64>,
    /// δ_j = ∂E/∂z_j = φ'(z_j) · Σ_k w_yh[k,j]·δ_k.
    pub delta_h: Vec<f64>,
    /// ∂E/∂w_hx[j,i] = δ_j · x_i.
    pub grad_w_hx: Vec<Vec<f64>>,
    pub w_hx_before: Vec<Vec<f64>>,
    /// w_hx − η·∂E/∂w_hx.
    pub w_hx_after: Vec<Vec<f64>>,
}

/// Part 4: the bias updates, output layer first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpBias {
    pub learning_rate: f64,
    /// ∂E/∂b_y[k] = δ_k (∂s_k/∂b_y[k] = 1).
    pub grad_b_y: Vec<f64>,
    pub b_y_before: Vec<f64>,
    pub b_y_after: Vec<f64>,
    /// ∂E/∂b_h[j] = δ_j (∂z_j/∂b_h[j] = 1).
    pub grad_b_h: Vec<f64>,
    pub b_h_before: Vec<f64>,
    pub b_h_after: Vec<f64>,
}

/// A whole step: its four parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpStep {
    pub forward: BpForward,
    pub error: BpError,
    pub backward: BpBackward,
    pub bias: BpBias,
}

/// Which weight or bias a table row is (0-based unit indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BpParamKind {
    /// w_hx[hidden, input].
    InputWeight { hidden: usize, input: usize },
    /// b_h[hidden].
    HiddenBias { hidden: usize },
    /// w_yh[output, hidden].
    OutputWeight { output: usize, hidden: usize },
    /// b_y[output].
    OutputBias { output: usize },
}

/// One row of the page's `bp-net-data` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpParamRow {
    /// `w_h2_x1`, `b_h2`, `w_y1_h2`, `b_y1` (1-based).
    pub name: String,
    pub kind: BpParamKind,
    pub value: f64,
    /// ∂E/∂θ of the step under way or just finished, once the part that
    /// computes it has been taken (weights: part 3, biases: part 4);
    /// `None` before that, and before any step.
    pub grad: Option<f64>,
}

/// The whole net as plain data: one row per weight and bias, in the order
/// of the forward pass (input→hidden weights, hidden biases,
/// hidden→output weights, output biases).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpNetData {
    pub rows: Vec<BpParamRow>,
    pub steps_done: u64,
    /// The part taken last (`None` before any).
    pub last_part: Option<BpPart>,
    /// The part the net will accept next.
    pub next_part: BpPart,
}

/// The net's output on a grid over a rectangle of the plane, for a
/// decision-region heatmap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BpGrid {
    /// Pixels per side.
    pub resolution: usize,
    /// The rectangle: pixel (0, 0) is the top-left corner (x_min, y_max),
    /// pixel (res − 1, res − 1) the bottom-right (x_max, y_min).
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    /// Which output y_k was sampled.
    pub output: usize,
    /// resolution² values y_k, row by row from the top: value r·res + c is
    /// pixel (row r, column c), as `datasets::grid` lays them out.
    pub values: Vec<f64>,
}

/// The parts of the step under way (or the last one finished).
#[derive(Clone, Debug, Default)]
struct Parts {
    forward: Option<BpForward>,
    error: Option<BpError>,
    backward: Option<BpBackward>,
    bias: Option<BpBias>,
}

#[derive(Clone, Debug)]
pub struct BpNet {
    config: BpConfig,
    /// H × I.
    w_hx: Param<f64>,
    /// H × 1.
    b_h: Param<f64>,
    /// O × H.
    w_yh: Param<f64>,
    /// O × 1.
    b_y: Param<f64>,
    /// Steps finished (all four parts).
    steps_done: u64,
    parts: Parts,
}

/// ln(1 + e^u) without overflow.
fn softplus(u: f64) -> f64 {
    u.max(0.0) + (-u.abs()).exp().ln_1p()
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|r| (0..m.ncols()).map(|c| m[(r, c)]).collect())
        .collect()
}

fn column(m: &DMatrix<f64>) -> Vec<f64> {
    m.iter().copied().collect()
}

impl BpNet {
    /// A net initialised from `config.seed`: weights by `config.init`,
    /// biases 0.
    pub fn new(config: BpConfig) -> Result<Self, Error> {
        config.validate()?;
        let (i, h, o) = (config.inputs, config.hidden, config.outputs);
        let mut rng = Rng::new(config.seed);
        let w_hx = config.init.matrix(h, i, &mut rng.fork());
        let w_yh = config.init.matrix(o, h, &mut rng.fork());
        Ok(BpNet {
            w_hx: Param::new("w_hx", w_hx),
            b_h: Param::new("b_h", DMatrix::zeros(h, 1)),
            w_yh: Param::new("w_yh", w_yh),
            b_y: Param::new("b_y", DMatrix::zeros(o, 1)),
            config,
            steps_done: 0,
            parts: Parts::default(),
        })
    }

    pub fn config(&self) -> &BpConfig {
        &self.config
    }

    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// η for the steps that begin from now on (a step under way keeps its own).
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), Error> {
        check_learning_rate(learning_rate)?;
        self.config.learning_rate = learning_rate;
        Ok(())
    }

    /// The part the net accepts next: `Forward` unless a step is under way.
    pub fn next_part(&self) -> BpPart {
        let p = &self.parts;
        match (&p.forward, &p.error, &p.backward, &p.bias) {
            (Some(_), None, _, _) => BpPart::Error,
            (Some(_), Some(_), None, _) => BpPart::Backward,
            (Some(_), Some(_), Some(_), None) => BpPart::Bias,
            _ => BpPart::Forward,
        }
    }

    /// The part taken last, `None` before any.
    pub fn last_part(&self) -> Option<BpPart> {
        let p = &self.parts;
        match (&p.forward, &p.error, &p.backward, &p.bias) {
            (None, ..) => None,
            (Some(_), None, ..) => Some(BpPart::Forward),
            (Some(_), Some(_), None, _) => Some(BpPart::Error),
            (Some(_), Some(_), Some(_), None) => Some(BpPart::Backward),
            _ => Some(BpPart::Bias),
        }
    }

    /// Whether a step has begun and not finished.
    pub fn step_in_progress(&self) -> bool {
        self.next_part() != BpPart::Forward
    }

    /// The parts of the step under way, or of the last one finished, for
    /// the diagram and the formula cards.
    pub fn last_forward(&self) -> Option<&BpForward> {
        self.parts.forward.as_ref()
    }

    pub fn last_error(&self) -> Option<&BpError> {
        self.parts.error.as_ref()
    }

    pub fn last_backward(&self) -> Option<&BpBackward> {
        self.parts.backward.as_ref()
    }

    pub fn last_bias(&self) -> Option<&BpBias> {
        self.parts.bias.as_ref()
    }

    /// The weights as rows `[to][from]` and the biases.
    pub fn w_hx(&self) -> Vec<Vec<f64>> {
        rows(&self.w_hx.value)
    }

    pub fn b_h(&self) -> Vec<f64> {
        column(&self.b_h.value)
    }

    pub fn w_yh(&self) -> Vec<Vec<f64>> {
        rows(&self.w_yh.value)
    }

    pub fn b_y(&self) -> Vec<f64> {
        column(&self.b_y.value)
    }

    fn expect(&self, got: BpPart) -> Result<(), Error> {
        let expected = self.next_part();
        if expected == got {
            Ok(())
        } else {
            Err(Error::PartOutOfOrder { expected, got })
        }
    }

    /// Checks that (x, t) is an example this net can take.
    pub fn check_example(&self, x: &[f64], t: &[f64]) -> Result<(), Error> {
        let cfg = &self.config;
        if x.len() != cfg.inputs {
            return Err(Mismatch::Inputs {
                expected: (cfg.inputs, 1),
                got: (x.len(), 1),
            }
            .into());
        }
        if t.len() != cfg.outputs {
            let (expected, got) = (cfg.outputs, t.len());
            return Err(Mismatch::TargetSize { expected, got }.into());
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Invalid::NonFiniteInputs.into());
        }
        let allowed = |v: f64| v.is_finite() && (cfg.loss == BpLoss::HalfSquared || (0.0..=1.0).contains(&v));
        if let Some(&value) = t.iter().find(|&&v| !allowed(v)) {
            return Err(Invalid::TargetValue { value }.into());
        }
        Ok(())
    }

    // The arithmetic of the four parts. Each is a function of the weights
    // and what the parts before it computed, and nothing else, so the
    // parts, the whole step and the gradient check all run the same code.

    /// z_j, a_j, s_k, y_k for example x (checked by the caller).
    fn compute_forward(&self, x: &[f64], t: &[f64], step: u64) -> BpForward {
        let (w_hx, b_h, w_yh, b_y) = (
            &self.w_hx.value,
            &self.b_h.value,
            &self.w_yh.value,
            &self.b_y.value,
        );
        let act = self.config.activation;
        let mut z_h = Vec::with_capacity(self.config.hidden);
        let mut a_h = Vec::with_capacity(self.config.hidden);
        for j in 0..self.config.hidden {
            // z_j = Σ_i w_hx[j,i]·x_i + b_h[j]
            let mut z = 0.0;
            for (i, xi) in x.iter().enumerate() {
                z += w_hx[(j, i)] * xi;
            }
            z += b_h[j];
            z_h.push(z);
            // a_j = φ(z_j)
            a_h.push(act.apply(z));
        }
        let mut z_y = Vec::with_capacity(self.config.outputs);
        let mut y = Vec::with_capacity(self.config.outputs);
        for k in 0..self.config.outputs {
            // s_k = Σ_j w_yh[k,j]·a_j + b_y[k]
            let mut s = 0.0;
            for (j, aj) in a_h.iter().enumerate() {
                s += w_yh[(k, j)] * aj;
            }
            s += b_y[k];
            z_y.push(s);
            // y_k = σ(s_k)
            y.push(Activation::Sigmoid.apply(s));
        }
        BpForward {
            step,
            x: x.to_vec(),
            target: t.to_vec(),
            z_h,
            a_h,
            z_y,
            y,
        }
    }

    /// E and e_k = y_k − t_k.
    fn compute_error(&self, f: &BpForward) -> BpError {
        let loss_kind = self.config.loss;
        let output_error: Vec<f64> = f.y.iter().zip(&f.target).map(|(y, t)| y - t).collect();
        let loss = match loss_kind {
            // E = ½ Σ_k e_k²
            BpLoss::HalfSquared => 0.5 * output_error.iter().map(|e| e * e).sum::<f64>(),
            // E = −Σ_k [t ln σ(s) + (1 − t) ln(1 − σ(s))]
            //   = Σ_k [t·softplus(−s) + (1 − t)·softplus(s)]
            // (ln σ(s) = −softplus(−s), ln(1 − σ(s)) = −softplus(s)),
            // written from s so that a saturated output gives a finite E.
            BpLoss::CrossEntropy => f
                .z_y
                .iter()
                .zip(&f.target)
                .map(|(&s, &t)| t * softplus(-s) + (1.0 - t) * softplus(s))
                .sum(),
        };
        BpError {
            loss_kind,
            loss,
            output_error,
        }
    }

    /// δ and the weight gradients and updates (nothing is written).
    fn compute_backward(&self, f: &BpForward, e: &BpError, eta: f64) -> BpBackward {
        let (w_hx, w_yh) = (&self.w_hx.value, &self.w_yh.value);
        let (h, o) = (self.config.hidden, self.config.outputs);
        // y_k = σ(s_k)  →  ∂y_k/∂s_k = y_k (1 − y_k)
        let output_slope: Vec<f64> = f.y.iter().map(|y| y * (1.0 - y)).collect();
        let delta_y: Vec<f64> = match self.config.loss {
            // E = ½ Σ (y − t)²  →  ∂E/∂y_k = e_k,  δ_k = e_k · y_k (1 − y_k)
            BpLoss::HalfSquared => e
                .output_error
                .iter()
                .zip(&output_slope)
                .map(|(e, s)| e * s)
                .collect(),
            // E = −Σ [t ln y + (1 − t) ln(1 − y)]  →  ∂E/∂y_k = e_k / (y_k (1 − y_k)),
            // δ_k = e_k: the sigmoid's slope cancels.
            BpLoss::CrossEntropy => e.output_error.clone(),
        };
        // s_k = Σ_j w_yh[k,j]·a_j + b_y[k]  →  ∂E/∂w_yh[k,j] = δ_k · a_j
        let grad_w_yh: Vec<Vec<f64>> = (0..o)
            .map(|k| f.a_h.iter().map(|a| delta_y[k] * a).collect())
            .collect();
        let w_yh_before = rows(w_yh);
        let w_yh_after = descend(&w_yh_before, &grad_w_yh, eta);
        // s_k = Σ_j w_yh[k,j]·a_j + …  →  ∂E/∂a_j = Σ_k w_yh[k,j]·δ_k
        // (the weights before the update: the gradient at this step's point)
        let back_sum: Vec<f64> = (0..h)
            .map(|j| {
                let mut sum = 0.0;
                for (k, d) in delta_y.iter().enumerate() {
                    sum += w_yh[(k, j)] * d;
                }
                sum
            })
            .collect();
        // a_j = φ(z_j)  →  δ_j = ∂E/∂z_j = φ'(z_j) · ∂E/∂a_j
        let act = self.config.activation;
        let hidden_slope: Vec<f64> = f
            .z_h
            .iter()
            .zip(&f.a_h)
            .map(|(&z, &a)| act.derivative(z, a))
            .collect();
        let delta_h: Vec<f64> = hidden_slope.iter().zip(&back_sum).map(|(s, b)| s * b).collect();
        // z_j = Σ_i w_hx[j,i]·x_i + b_h[j]  →  ∂E/∂w_hx[j,i] = δ_j · x_i
        let grad_w_hx: Vec<Vec<f64>> = (0..h)
            .map(|j| f.x.iter().map(|x| delta_h[j] * x).collect())
            .collect();
        let w_hx_before = rows(w_hx);
        let w_hx_after = descend(&w_hx_before, &grad_w_hx, eta);
        BpBackward {
            learning_rate: eta,
            output_slope,
            delta_y,
            grad_w_yh,
            w_yh_before,
            w_yh_after,
            back_sum,
            hidden_slope,
            delta_h,
            grad_w_hx,
            w_hx_before,
            w_hx_after,
        }
    }

    /// The bias gradients and updates (nothing is written).
    fn compute_bias(&self, back: &BpBackward, eta: f64) -> BpBias {
        // s_k = … + b_y[k]  →  ∂E/∂b_y[k] = δ_k
        let grad_b_y = back.delta_y.clone();
        let b_y_before = column(&self.b_y.value);
        let b_y_after = b_y_before
            .iter()
            .zip(&grad_b_y)
            .map(|(b, g)| b - eta * g)
            .collect();
        // z_j = … + b_h[j]  →  ∂E/∂b_h[j] = δ_j
        let grad_b_h = back.delta_h.clone();
        let b_h_before = column(&self.b_h.value);
        let b_h_after = b_h_before
            .iter()
            .zip(&grad_b_h)
            .map(|(b, g)| b - eta * g)
            .collect();
        BpBias {
            learning_rate: eta,
            grad_b_y,
            b_y_before,
            b_y_after,
            grad_b_h,
            b_h_before,
            b_h_after,
        }
    }

    /// Part 1, forward pass on example (x, t): begins a step. Refused while
    /// a step is under way.
    pub fn forward(&mut self, x: &[f64], t: &[f64]) -> Result<&BpForward, Error> {
        self.expect(BpPart::Forward)?;
        self.check_example(x, t)?;
        let f = self.compute_forward(x, t, self.steps_done + 1);
        // The gradients shown belong to the step under way: none yet.
        self.w_hx.zero_grad();
        self.b_h.zero_grad();
        self.w_yh.zero_grad();
        self.b_y.zero_grad();
        self.parts = Parts {
            forward: Some(f),
            ..Parts::default()
        };
        Ok(self.parts.forward.as_ref().expect("just set"))
    }

    /// Part 2, the error of the step's example.
    pub fn error(&mut self) -> Result<&BpError, Error> {
        self.expect(BpPart::Error)?;
        let e = self.compute_error(self.parts.forward.as_ref().expect("part 1 taken"));
        Ok(self.parts.error.insert(e))
    }

    /// Part 3, backward pass: δ, then the hidden→output and input→hidden
    /// weight updates (written to the net).
    pub fn backward(&mut self) -> Result<&BpBackward, Error> {
        self.expect(BpPart::Backward)?;
        let (f, e) = (
            self.parts.forward.as_ref().expect("part 1 taken"),
            self.parts.error.as_ref().expect("part 2 taken"),
        );
        let b = self.compute_backward(f, e, self.config.learning_rate);
        for (k, row) in b.grad_w_yh.iter().enumerate() {
            for (j, &g) in row.iter().enumerate() {
                self.w_yh.grad[(k, j)] = g;
                self.w_yh.value[(k, j)] = b.w_yh_after[k][j];
            }
        }
        for (j, row) in b.grad_w_hx.iter().enumerate() {
            for (i, &g) in row.iter().enumerate() {
                self.w_hx.grad[(j, i)] = g;
                self.w_hx.value[(j, i)] = b.w_hx_after[j][i];
            }
        }
        Ok(self.parts.backward.insert(b))
    }

    /// Part 4, the bias updates (output layer, then hidden layer): finishes
    /// the step.
    pub fn bias(&mut self) -> Result<&BpBias, Error> {
        self.expect(BpPart::Bias)?;
        let back = self.parts.backward.as_ref().expect("part 3 taken");
        let b = self.compute_bias(back, back.learning_rate);
        for k in 0..self.config.outputs {
            self.b_y.grad[k] = b.grad_b_y[k];
            self.b_y.value[k] = b.b_y_after[k];
        }
        for j in 0..self.config.hidden {
            self.b_h.grad[j] = b.grad_b_h[j];
            self.b_h.value[j] = b.b_h_after[j];
        }
        self.steps_done += 1;
        Ok(self.parts.bias.insert(b))
    }

    /// A whole training step on (x, t): the four parts in turn. Refused
    /// while a step is under way (finish it part by part).
    pub fn step(&mut self, x: &[f64], t: &[f64]) -> Result<BpStep, Error> {
        let forward = self.forward(x, t)?.clone();
        let error = self.error()?.clone();
        let backward = self.backward()?.clone();
        let bias = self.bias()?.clone();
        Ok(BpStep {
            forward,
            error,
            backward,
            bias,
        })
    }

    /// Which example of a set of `n` the next step takes: steps_done mod n,
    /// in data order.
    pub fn example_index(&self, n: usize) -> usize {
        (self.steps_done % n.max(1) as u64) as usize
    }

    /// Point i of `data` as an example: x = its coordinates; t = [class]
    /// for one output, the one-hot [1 − class, class] for two.
    pub fn example(&self, data: &Dataset, i: usize) -> Result<(Vec<f64>, Vec<f64>), Error> {
        if data.inputs.nrows() != self.config.inputs {
            let (expected, got) = (self.config.inputs, data.inputs.nrows());
            return Err(Mismatch::InputRows { expected, got }.into());
        }
        let x = data.inputs.column(i).iter().copied().collect();
        let c = data.labels[i] as f64;
        let t = if self.config.outputs == 1 {
            vec![c]
        } else {
            vec![1.0 - c, c]
        };
        Ok((x, t))
    }

    /// Part 1 on the next example of `data` (see `example_index`).
    pub fn forward_on(&mut self, data: &Dataset) -> Result<&BpForward, Error> {
        let (x, t) = self.example(data, self.example_index(data.len()))?;
        self.forward(&x, &t)
    }

    /// A whole step on the next example of `data`.
    pub fn step_on(&mut self, data: &Dataset) -> Result<BpStep, Error> {
        let (x, t) = self.example(data, self.example_index(data.len()))?;
        self.step(&x, &t)
    }

    /// E of example (x, t) at the current weights, changing nothing.
    pub fn loss(&self, x: &[f64], t: &[f64]) -> Result<f64, Error> {
        self.check_example(x, t)?;
        Ok(self.compute_error(&self.compute_forward(x, t, 0)).loss)
    }

    /// The mean of E over every point of `data`.
    pub fn mean_loss(&self, data: &Dataset) -> Result<f64, Error> {
        let mut sum = 0.0;
        for i in 0..data.len() {
            let (x, t) = self.example(data, i)?;
            sum += self.loss(&x, &t)?;
        }
        Ok(sum / data.len().max(1) as f64)
    }

    /// Fraction of `data` classified right: class 1 when y_1 > ½ (one
    /// output) or y_2 > y_1 (two).
    pub fn accuracy(&self, data: &Dataset) -> Result<f64, Error> {
        let mut right = 0;
        for i in 0..data.len() {
            let (x, t) = self.example(data, i)?;
            let y = self.compute_forward(&x, &t, 0).y;
            let class = if y.len() == 1 { y[0] > 0.5 } else { y[1] > y[0] };
            right += (class as usize == data.labels[i]) as usize;
        }
        Ok(right as f64 / data.len().max(1) as f64)
    }

    /// E and ∂E/∂θ of example (x, t) at the current weights, by the same
    /// arithmetic as parts 1–4, changing nothing: the gradients in
    /// parameter order (`w_hx`, `b_h`, `w_yh`, `b_y`).
    pub fn loss_and_gradients(&self, x: &[f64], t: &[f64]) -> Result<(f64, [DMatrix<f64>; 4]), Error> {
        self.check_example(x, t)?;
        let f = self.compute_forward(x, t, 0);
        let e = self.compute_error(&f);
        let b = self.compute_backward(&f, &e, 0.0);
        let bias = self.compute_bias(&b, 0.0);
        let (i, h, o) = (self.config.inputs, self.config.hidden, self.config.outputs);
        Ok((
            e.loss,
            [
                DMatrix::from_fn(h, i, |r, c| b.grad_w_hx[r][c]),
                DMatrix::from_column_slice(h, 1, &bias.grad_b_h),
                DMatrix::from_fn(o, h, |r, c| b.grad_w_yh[r][c]),
                DMatrix::from_column_slice(o, 1, &bias.grad_b_y),
            ],
        ))
    }

    /// Every weight and bias as a table row (see `BpNetData`).
    pub fn data(&self) -> BpNetData {
        let (i_n, h_n, o_n) = (self.config.inputs, self.config.hidden, self.config.outputs);
        let last = self.last_part();
        // Weight gradients exist from part 3 of a step on, bias ones from part 4.
        let weights_known = matches!(last, Some(BpPart::Backward | BpPart::Bias));
        let biases_known = last == Some(BpPart::Bias);
        let row = |name: String, kind, p: &Param<f64>, r: usize, c: usize, known: bool| BpParamRow {
            name,
            kind,
            value: p.value[(r, c)],
            grad: known.then(|| p.grad[(r, c)]),
        };
        let mut rows = Vec::with_capacity(h_n * (i_n + 1) + o_n * (h_n + 1));
        for j in 0..h_n {
            for i in 0..i_n {
                let kind = BpParamKind::InputWeight { hidden: j, input: i };
                rows.push(row(
                    format!("w_h{}_x{}", j + 1, i + 1),
                    kind,
                    &self.w_hx,
                    j,
                    i,
                    weights_known,
                ));
            }
        }
        for j in 0..h_n {
            let kind = BpParamKind::HiddenBias { hidden: j };
            rows.push(row(format!("b_h{}", j + 1), kind, &self.b_h, j, 0, biases_known));
        }
        for k in 0..o_n {
            for j in 0..h_n {
                let kind = BpParamKind::OutputWeight { output: k, hidden: j };
                rows.push(row(
                    format!("w_y{}_h{}", k + 1, j + 1),
                    kind,
                    &self.w_yh,
                    k,
                    j,
                    weights_known,
                ));
            }
        }
        for k in 0..o_n {
            let kind = BpParamKind::OutputBias { output: k };
            rows.push(row(format!("b_y{}", k + 1), kind, &self.b_y, k, 0, biases_known));
        }
        BpNetData {
            rows,
            steps_done: self.steps_done,
            last_part: last,
            next_part: self.next_part(),
        }
    }

    /// y_k at the point (px, py) of the plane (a 2-input net), without
    /// allocating: the decision grid calls it thousands of times a frame.
    fn output_at(&self, px: f64, py: f64, k: usize) -> f64 {
        let (w_hx, b_h, w_yh, b_y) = (
            &self.w_hx.value,
            &self.b_h.value,
            &self.w_yh.value,
            &self.b_y.value,
        );
        let act = self.config.activation;
        let mut s = 0.0;
        for j in 0..self.config.hidden {
            // The same sums, in the same order, as `compute_forward`.
            let mut z = 0.0;
            z += w_hx[(j, 0)] * px;
            z += w_hx[(j, 1)] * py;
            z += b_h[j];
            s += w_yh[(k, j)] * act.apply(z);
        }
        s += b_y[k];
        Activation::Sigmoid.apply(s)
    }

    /// The net's output y_`output` on a `resolution` × `resolution` grid
    /// over the rectangle [x_min, x_max] × [y_min, y_max] (pixel centres
    /// on its corners and evenly between), for the decision-region heatmap.
    /// A 64 × 64 grid is 4096 forward passes of a few dozen multiply-adds:
    /// well under a millisecond. Needs a 2-input net.
    pub fn decision_grid(
        &self,
        bounds: (f64, f64, f64, f64),
        resolution: usize,
        output: usize,
    ) -> Result<BpGrid, Error> {
        let mut grid = BpGrid {
            resolution,
            x_min: bounds.0,
            x_max: bounds.1,
            y_min: bounds.2,
            y_max: bounds.3,
            output,
            values: Vec::new(),
        };
        self.fill_grid(&mut grid)?;
        Ok(grid)
    }

    /// Refills `grid.values` for its rectangle, resolution and output,
    /// reusing its buffer (a page redrawing every step allocates nothing).
    pub fn fill_grid(&self, grid: &mut BpGrid) -> Result<(), Error> {
        if self.config.inputs != 2 {
            let got = self.config.inputs;
            return Err(Mismatch::InputRows { expected: 2, got }.into());
        }
        if grid.output >= self.config.outputs {
            let got = grid.output + 1;
            return Err(Invalid::OutputSize {
                got,
                max: Some(self.config.outputs),
            }
            .into());
        }
        if [grid.x_min, grid.x_max, grid.y_min, grid.y_max]
            .iter()
            .any(|v| !v.is_finite())
        {
            return Err(Invalid::NonFiniteInputs.into());
        }
        let n = grid.resolution;
        let step = |lo: f64, hi: f64| if n > 1 { (hi - lo) / (n - 1) as f64 } else { 0.0 };
        let (dx, dy) = (step(grid.x_min, grid.x_max), step(grid.y_min, grid.y_max));
        grid.values.clear();
        grid.values.reserve(n * n);
        for r in 0..n {
            let py = grid.y_max - r as f64 * dy;
            for c in 0..n {
                let px = grid.x_min + c as f64 * dx;
                grid.values.push(self.output_at(px, py, grid.output));
            }
        }
        Ok(())
    }
}

/// θ − η·g, entry by entry.
fn descend(theta: &[Vec<f64>], grad: &[Vec<f64>], eta: f64) -> Vec<Vec<f64>> {
    theta
        .iter()
        .zip(grad)
        .map(|(t, g)| t.iter().zip(g).map(|(t, g)| t - eta * g).collect())
        .collect()
}

/// The rectangle the points of `inputs` (2 × N) span, widened by `margin`
/// (a fraction of each side, e.g. 0.1) on every side: the range a decision
/// grid should cover. A side of zero length is widened by 1.
pub fn data_bounds(inputs: &DMatrix<f64>, margin: f64) -> Result<(f64, f64, f64, f64), Error> {
    if inputs.nrows() != 2 {
        let got = inputs.nrows();
        return Err(Mismatch::InputRows { expected: 2, got }.into());
    }
    if inputs.ncols() == 0 {
        return Err(Invalid::EmptyBatch {
            seq_len: 1,
            batch_size: 0,
        }
        .into());
    }
    if inputs.iter().any(|v| !v.is_finite()) || !margin.is_finite() {
        return Err(Invalid::NonFiniteInputs.into());
    }
    let range = |r: usize| {
        let row = inputs.row(r);
        let (lo, hi) = (row.min(), row.max());
        let pad = if hi > lo { (hi - lo) * margin } else { 1.0 };
        (lo - pad, hi + pad)
    };
    let ((x0, x1), (y0, y1)) = (range(0), range(1));
    Ok((x0, x1, y0, y1))
}

/// The four parameter matrices, for the gradient check (which works on a
/// copy). Setting a weight through it while a step is under way would make
/// that step's parts disagree with each other: the page does not.
impl Params<f64> for BpNet {
    fn visit(&self, f: &mut dyn FnMut(&Param<f64>)) {
        f(&self.w_hx);
        f(&self.b_h);
        f(&self.w_yh);
        f(&self.b_y);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<f64>)) {
        f(&mut self.w_hx);
        f(&mut self.b_h);
        f(&mut self.w_yh);
        f(&mut self.b_y);
    }
}
