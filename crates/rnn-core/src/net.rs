//! A recurrent network: one recurrent layer (or a forward and a backward one,
//! for the bidirectional model) and a linear readout y = V h + c.
//!
//! Parameter names: `U`, `W`, `b` (and `b_hn` for the GRU) for the recurrent
//! layer — `fwd.U`, `bwd.U`, … when bidirectional — then `V` and `c` for the
//! readout. The bidirectional readout reads [h_fwd ; h_bwd]: `V` is O × 2H,
//! its first H columns looking at the forward layer. Many-to-one reads each
//! direction's final state, h_fwd at t = T and h_bwd at t = 1, which is where
//! each has seen the whole sequence.
//!
//! A pass runs as work units (see `schedule`): `forward` and `backward` run
//! them all, `run_forward` and `run_backward` one at a time.

use crate::activation::Activation;
use crate::analysis::{Analysis, RecurrentWeights};
use crate::batch::{Batch, Structure};
use crate::cell::CellKind;
use crate::gate::{Direction, Gate, CELL_STATE};
use crate::init::{rescale_spectral_radius, Init};
use crate::layer::{columns_t, Buffer, Layer, LayerRecord};
use crate::loss::{loss_count, loss_sum_and_grad, LossKind};
use crate::param::{Param, Params};
use crate::real::Real;
use crate::rng::Rng;
use crate::schedule::{BackwardUnit, ForwardUnit, Plan, Shape, UNIT_FLOPS};
use crate::trace::{DirectionTrace, GateSeries, Trace};
use crate::train::Overflow;
use crate::{Error, Invalid};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Largest hidden size accepted: beyond it the page would stall for seconds.
pub const MAX_HIDDEN: usize = 1024;
pub const MAX_SEQ_LEN: usize = 5000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    pub cell: CellKind,
    pub bidirectional: bool,
    pub input_size: usize,
    pub hidden_size: usize,
    pub output_size: usize,
    /// φ of the plain RNN (ignored by LSTM and GRU, whose gates are fixed).
    pub activation: Activation,
    pub structure: Structure,
    pub loss: LossKind,
    /// Initialiser of `U` (input weights).
    pub init_input: Init,
    /// Initialiser of `W` (recurrent weights), applied per gate block.
    pub init_recurrent: Init,
    /// If set, each H × H block of `W` is rescaled to this spectral radius.
    pub spectral_radius: Option<f64>,
    /// Initial bias of the LSTM forget gate (1 keeps memory from the start).
    pub forget_bias: f64,
    /// Truncated BPTT window k; `None` is full BPTT.
    pub truncation: Option<usize>,
    pub seed: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            cell: CellKind::Rnn,
            bidirectional: false,
            input_size: 1,
            hidden_size: 16,
            output_size: 1,
            activation: Activation::Tanh,
            structure: Structure::ManyToOne,
            loss: LossKind::Mse,
            init_input: Init::XavierUniform,
            init_recurrent: Init::Orthogonal,
            spectral_radius: None,
            forget_bias: 1.0,
            truncation: None,
            seed: 1,
        }
    }
}

impl NetConfig {
    /// How many scalars the training buffers hold for a batch of this shape:
    /// per direction, about T·B·(2I + 4·G·H + 7H), plus the readout's.
    pub fn workspace_scalars(&self, seq_len: usize, batch: usize) -> f64 {
        let (i, h, o) = (
            self.input_size as f64,
            self.hidden_size as f64,
            self.output_size as f64,
        );
        let gh = self.cell.gates() as f64 * h;
        let dirs = if self.bidirectional { 2.0 } else { 1.0 };
        let tb = (seq_len * batch) as f64;
        tb * (dirs * (2.0 * i + 4.0 * gh + 7.0 * h) + 2.0 * o + 4.0 * h)
    }

    /// Floating-point operations of one training step in the matrix products
    /// (see `benchmark::flops_per_step`), both directions.
    pub fn flops_per_step(&self, seq_len: usize, batch: usize) -> f64 {
        let (i, h) = (self.input_size as f64, self.hidden_size as f64);
        let gh = self.cell.gates() as f64 * h;
        let dirs = if self.bidirectional { 2.0 } else { 1.0 };
        dirs * 2.0 * gh * (seq_len * batch) as f64 * (2.0 * i + 3.0 * h)
    }

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |e: Invalid| Err(e.into());
        if self.input_size == 0 {
            return bad(Invalid::InputSize { got: 0, max: None });
        }
        if self.output_size == 0 {
            return bad(Invalid::OutputSize { got: 0, max: None });
        }
        if self.hidden_size == 0 || self.hidden_size > MAX_HIDDEN {
            return bad(Invalid::HiddenSize {
                got: self.hidden_size,
                max: MAX_HIDDEN,
            });
        }
        if self.loss == LossKind::CrossEntropy && self.output_size < 2 {
            return bad(Invalid::TooFewClasses {
                got: self.output_size,
            });
        }
        if let Some(value) = self.spectral_radius {
            if !value.is_finite() || value < 0.0 {
                return bad(Invalid::SpectralRadius { value });
            }
        }
        for init in [self.init_input, self.init_recurrent] {
            if let Init::Uniform { a } = init {
                if !a.is_finite() {
                    return bad(Invalid::UniformRange { value: a });
                }
            }
        }
        if !self.forget_bias.is_finite() {
            return bad(Invalid::ForgetBias {
                value: self.forget_bias,
            });
        }
        if self.truncation == Some(0) {
            return bad(Invalid::ZeroTruncation);
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub struct RecurrentNet<T: Real> {
    pub config: NetConfig,
    pub fwd: Layer<T>,
    pub bwd: Option<Layer<T>>,
    pub v: Param<T>,
    pub c: Param<T>,
    /// Size of the work units a step is cut into ([`UNIT_FLOPS`]; tests
    /// make it small to exercise many span boundaries).
    pub unit_flops: f64,
    ws: NetWorkspace<T>,
}

#[derive(Clone, Debug, Default)]
struct NetWorkspace<T: Real> {
    steps: usize,
    batch: usize,
    /// O × (output steps · B) readout values and ∂L/∂y.
    y: DMatrix<T>,
    dy: DMatrix<T>,
    /// ∂L/∂h arriving from the readout, per layer, H × (output steps · B),
    /// in real time order like `y`.
    dh_fwd: DMatrix<T>,
    dh_bwd: DMatrix<T>,
    /// The backward layer's states in real time order (many-to-many).
    h_bwd_aligned: DMatrix<T>,
    /// Vᵀ, for ∂L/∂h = Vᵀ ∂L/∂y.
    v_t: DMatrix<T>,
    /// What the loss is averaged over, and the sum so far of the readout
    /// spans done.
    loss_count: f64,
    loss_sum: f64,
    loss: f64,
    records: Vec<LayerRecord>,
    /// The cut of a step into units, kept while the shape stays the same.
    plan: Option<Plan>,
}

fn resize<T: Real>(m: &mut DMatrix<T>, r: usize, c: usize) {
    if m.shape() != (r, c) {
        *m = DMatrix::zeros(r, c);
    }
}

impl<T: Real> RecurrentNet<T> {
    /// A network initialised from `config.seed`.
    pub fn new(config: NetConfig) -> Result<Self, Error> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let fwd = Self::init_layer(&config, "", &mut rng.fork());
        let bwd = config
            .bidirectional
            .then(|| Self::init_layer(&config, "bwd.", &mut rng.fork()));
        let fwd = if config.bidirectional {
            rename(fwd, "fwd.")
        } else {
            fwd
        };
        let readin = config.hidden_size * if config.bidirectional { 2 } else { 1 };
        let v = Init::XavierUniform.matrix(config.output_size, readin, &mut rng.fork());
        Ok(RecurrentNet {
            v: Param::new("V", v),
            c: Param::new("c", DMatrix::zeros(config.output_size, 1)),
            fwd,
            bwd,
            config,
            unit_flops: UNIT_FLOPS,
            ws: NetWorkspace::default(),
        })
    }

    fn init_layer(config: &NetConfig, prefix: &str, rng: &mut Rng) -> Layer<T> {
        let (kind, h, i) = (config.cell, config.hidden_size, config.input_size);
        let g = kind.gates();
        let u = config.init_input.matrix(g * h, i, rng);
        // Each gate's H × H block is initialised (and rescaled) on its own,
        // so "orthogonal" and "identity" mean what they say per gate.
        let mut w = DMatrix::zeros(g * h, h);
        for k in 0..g {
            let mut block = config.init_recurrent.matrix(h, h, rng);
            if let Some(rho) = config.spectral_radius {
                rescale_spectral_radius(&mut block, rho);
            }
            w.rows_mut(k * h, h).copy_from(&block);
        }
        let mut b = DMatrix::zeros(g * h, 1);
        if kind == CellKind::Lstm {
            b.rows_mut(h, h).fill(config.forget_bias);
        }
        let b_hn = (kind == CellKind::Gru).then(|| DMatrix::zeros(h, 1));
        Layer::from_weights(kind, config.activation, prefix, u, w, b, b_hn)
    }

    pub fn hidden(&self) -> usize {
        self.config.hidden_size
    }

    /// Checks that `batch` fits this network.
    pub fn check(&self, batch: &Batch<T>) -> Result<(), Error> {
        let cfg = &self.config;
        batch.validate(cfg.input_size, cfg.output_size, cfg.structure, cfg.loss)?;
        if batch.seq_len > MAX_SEQ_LEN {
            return Err(Invalid::SeqTooLong {
                got: batch.seq_len,
                max: MAX_SEQ_LEN,
            }
            .into());
        }
        Ok(())
    }

    /// The units a training step on batches of this shape is cut into (see
    /// `schedule`): they depend on the shape and `unit_flops` alone.
    pub fn plan(&mut self, seq_len: usize, batch: usize) -> &Plan {
        let shape = Shape::new(&self.config, seq_len, batch);
        let plan = &mut self.ws.plan;
        if !matches!(plan, Some(p) if p.shape == shape && p.unit_flops == self.unit_flops) {
            *plan = Some(Plan::new(shape, self.unit_flops));
        }
        plan.as_ref().expect("just made")
    }

    /// Forward pass and loss, keeping everything backward needs.
    pub fn forward(&mut self, batch: &Batch<T>) -> Result<f64, Error> {
        self.check(batch)?;
        let units = self.plan(batch.seq_len, batch.batch_size).forward.clone();
        for unit in &units {
            self.run_forward(unit, batch);
        }
        Ok(self.ws.loss)
    }

    /// Backward pass after `forward`: fills every parameter's gradient.
    /// With `trace_example`, records that example's per-step gradient norms.
    pub fn backward(&mut self, trace_example: Option<usize>) {
        let units = self.plan(self.ws.steps, self.ws.batch).backward.clone();
        for unit in &units {
            self.run_backward(unit, trace_example);
        }
    }

    /// Runs one unit of the forward pass on `batch` (which `check` accepted;
    /// the same batch for every unit of a pass, the units in plan order).
    pub fn run_forward(&mut self, unit: &ForwardUnit, batch: &Batch<T>) {
        let (steps, b) = (batch.seq_len, batch.batch_size);
        match unit {
            ForwardUnit::Start => {
                let cfg = &self.config;
                let ws = &mut self.ws;
                ws.steps = steps;
                ws.batch = b;
                let out_cols = cfg.structure.output_steps(steps) * b;
                resize(&mut ws.y, cfg.output_size, out_cols);
                resize(&mut ws.dy, cfg.output_size, out_cols);
                ws.loss_count = loss_count(cfg.loss, &batch.targets, ws.y.len());
                ws.loss_sum = 0.0;
                ws.loss = f64::NAN;
                self.fwd.start_forward(steps, b, false);
                if let Some(bwd) = &mut self.bwd {
                    bwd.start_forward(steps, b, true);
                }
            }
            ForwardUnit::Input { dir, steps } => self.layer_mut(*dir).inputs(&batch.inputs, steps.clone()),
            ForwardUnit::Steps { dir, steps } => self.layer_mut(*dir).forward_steps(steps.clone()),
            ForwardUnit::Readout { outputs } => self.readout(outputs.clone(), batch),
        }
    }

    /// Runs one unit of the backward pass (after the whole forward pass, the
    /// units in plan order). With `trace_example`, records that example's
    /// per-step gradient norms.
    pub fn run_backward(&mut self, unit: &BackwardUnit, trace_example: Option<usize>) {
        let ws = &mut self.ws;
        fn record(records: &mut [LayerRecord], dir: usize, on: Option<usize>) -> Option<&mut LayerRecord> {
            on.map(|_| &mut records[dir])
        }
        match unit {
            BackwardUnit::Start => {
                let layers = 1 + self.bwd.is_some() as usize;
                ws.records.resize_with(layers, LayerRecord::default);
                for r in &mut ws.records {
                    r.example = trace_example.unwrap_or(0);
                }
                self.v.zero_grad();
                self.c.zero_grad();
                self.fwd.start_backward(record(&mut ws.records, 0, trace_example));
                if let Some(bwd) = &mut self.bwd {
                    bwd.start_backward(record(&mut ws.records, 1, trace_example));
                }
            }
            BackwardUnit::Readout { outputs } => self.readout_backward(outputs.clone()),
            BackwardUnit::Steps { dir, steps } => {
                let trunc = self.config.truncation;
                let (layer, from_readout) = match dir {
                    0 => (&mut self.fwd, &ws.dh_fwd),
                    _ => (self.bwd.as_mut().expect("a backward layer"), &ws.dh_bwd),
                };
                layer.backward_steps(
                    from_readout,
                    steps.clone(),
                    trunc,
                    record(&mut ws.records, *dir, trace_example),
                );
            }
            BackwardUnit::Gradients { dir, steps } => self.layer_mut(*dir).gradients(steps.clone()),
        }
    }

    fn layer_mut(&mut self, dir: usize) -> &mut Layer<T> {
        match dir {
            0 => &mut self.fwd,
            _ => self.bwd.as_mut().expect("a backward layer"),
        }
    }

    /// Columns of y for readout steps `outputs`. Real time t's readout reads
    /// the forward layer's step t and the backward layer's step T−1−t
    /// (many-to-one: each one's last step).
    fn readout_columns(&self, outputs: &Range<usize>) -> Range<usize> {
        let b = self.ws.batch;
        outputs.start * b..outputs.end * b
    }

    /// y = V_f h_f + V_b h_b + c and the loss for readout steps `outputs`;
    /// the last span also sets the loss.
    fn readout(&mut self, outputs: Range<usize>, batch: &Batch<T>) {
        let (hd, many) = (
            self.config.hidden_size,
            self.config.structure == Structure::ManyToMany,
        );
        let cols = self.readout_columns(&outputs);
        let ws = &mut self.ws;
        let (steps, b) = (ws.steps, ws.batch);
        let mut y = ws.y.columns_mut(cols.start, cols.len());
        let v_f = self.v.value.columns(0, hd);
        if many {
            y.gemm(
                T::one(),
                &v_f,
                &self.fwd.states().columns(cols.start, cols.len()),
                T::zero(),
            );
        } else {
            y.gemm(T::one(), &v_f, &self.fwd.state(steps), T::zero());
        }
        if let Some(bwd) = &self.bwd {
            let v_b = self.v.value.columns(hd, hd);
            if many {
                resize(&mut ws.h_bwd_aligned, hd, steps * b);
                for t in outputs.clone() {
                    ws.h_bwd_aligned
                        .columns_mut(t * b, b)
                        .copy_from(&bwd.state(steps - t));
                }
                let h = ws.h_bwd_aligned.columns(cols.start, cols.len());
                y.gemm(T::one(), &v_b, &h, T::one());
            } else {
                y.gemm(T::one(), &v_b, &bwd.state(steps), T::one());
            }
        }
        for mut col in y.column_iter_mut() {
            col += &self.c.value.column(0);
        }
        let (kind, count) = (self.config.loss, ws.loss_count);
        ws.loss_sum += loss_sum_and_grad(kind, &ws.y, &batch.targets, &mut ws.dy, cols, count);
        if outputs.end == self.config.structure.output_steps(steps) {
            ws.loss = ws.loss_sum / count;
        }
    }

    /// From the readout, for readout steps `outputs`:
    ///   ∂L/∂c += Σ ∂L/∂y,  ∂L/∂V_f += ∂L/∂y · h_fᵀ,  ∂L/∂h_f = V_fᵀ · ∂L/∂y
    /// and the same for the backward layer's half of V.
    fn readout_backward(&mut self, outputs: Range<usize>) {
        let (hd, many) = (
            self.config.hidden_size,
            self.config.structure == Structure::ManyToMany,
        );
        let cols = self.readout_columns(&outputs);
        let ws = &mut self.ws;
        let steps = ws.steps;
        let out_cols = ws.dy.ncols();
        let dy = ws.dy.columns(cols.start, cols.len());
        let mut dc = self.c.grad.column_mut(0);
        for col in dy.column_iter() {
            dc += col;
        }
        // The states these readout columns read (many-to-one: the last).
        let read = if many { outputs.clone() } else { steps - 1..steps };
        resize(&mut ws.dh_fwd, hd, out_cols);
        let h_f = self.fwd.states_t(read.clone());
        self.v.grad.columns_mut(0, hd).gemm(T::one(), &dy, &h_f, T::one());
        // Vᵀ as a small copy, the left operand (see `columns_t`).
        resize(&mut ws.v_t, self.v.value.ncols(), self.v.value.nrows());
        self.v.value.transpose_to(&mut ws.v_t);
        ws.dh_fwd
            .columns_mut(cols.start, cols.len())
            .gemm(T::one(), &ws.v_t.rows(0, hd), &dy, T::zero());
        if let Some(bwd) = &self.bwd {
            resize(&mut ws.dh_bwd, hd, out_cols);
            let h_b = if many {
                columns_t(&ws.h_bwd_aligned, cols.clone())
            } else {
                bwd.states_t(read)
            };
            self.v
                .grad
                .columns_mut(hd, hd)
                .gemm(T::one(), &dy, &h_b, T::one());
            ws.dh_bwd.columns_mut(cols.start, cols.len()).gemm(
                T::one(),
                &ws.v_t.rows(hd, hd),
                &dy,
                T::zero(),
            );
        }
    }

    /// Loss and gradients on `batch` without changing any weight.
    pub fn loss_and_gradients(&mut self, batch: &Batch<T>) -> Result<f64, Error> {
        let loss = self.forward(batch)?;
        self.backward(None);
        Ok(loss)
    }

    /// The loss of the last forward pass.
    pub fn loss(&self) -> f64 {
        self.ws.loss
    }

    /// Whether the last forward pass overflowed, and where: the first time
    /// step at which a hidden state h_t (or an LSTM cell state c_t) of any
    /// example stopped being finite. Of the two directions of a
    /// bidirectional net, the one that overflowed after fewer steps read
    /// (the forward one on a tie). It scans every state: nothing pays for it
    /// until a loss or gradient is found not finite.
    pub fn forward_overflow(&self) -> Option<Overflow> {
        let fwd = self.fwd.first_nonfinite_step().map(|read| (read, 0));
        let bwd = self
            .bwd
            .as_ref()
            .and_then(|l| l.first_nonfinite_step())
            .map(|read| (read, 1));
        let (read, direction) = match (fwd, bwd) {
            (Some(f), Some(b)) if b.0 < f.0 => b,
            (f, b) => f.or(b)?,
        };
        // The backward layer reads real time T first: its step `read` is t = T + 1 − read.
        let time_step = if direction == 0 {
            read
        } else {
            self.ws.steps + 1 - read
        };
        Some(Overflow { time_step, direction })
    }

    /// The readout after the last forward pass, O × (output steps · B).
    pub fn outputs(&self) -> DMatrix<f64> {
        self.ws.y.map(|x| x.f64())
    }

    /// Everything the views draw about one example of the last forward and
    /// backward pass (`backward` must have been given `Some(example)`).
    pub fn trace(&self, step: u64) -> Trace {
        let (steps, b) = (self.ws.steps, self.ws.batch);
        let example = self
            .ws
            .records
            .first()
            .map_or(0, |r| r.example)
            .min(b.saturating_sub(1));
        let outputs = (0..self.config.structure.output_steps(steps))
            .map(|k| {
                self.ws
                    .y
                    .column(k * b + example)
                    .iter()
                    .map(|v| v.f64())
                    .collect()
            })
            .collect();
        let mut directions = vec![direction_trace(
            &self.fwd,
            Direction::Forward.name(),
            false,
            self.ws.records.first(),
            example,
        )];
        if let Some(bwd) = &self.bwd {
            directions.push(direction_trace(
                bwd,
                Direction::Backward.name(),
                true,
                self.ws.records.get(1),
                example,
            ));
        }
        Trace {
            step,
            cell: self.config.cell,
            activation: self.config.activation,
            bidirectional: self.bwd.is_some(),
            example,
            seq_len: steps,
            hidden: self.config.hidden_size,
            loss: self.ws.loss,
            inputs: (0..steps)
                .map(|t| self.fwd.column(Buffer::Input, t, example))
                .collect(),
            outputs,
            directions,
            params: Vec::new(),
            clip: None,
            floor: T::min_normal().f64(),
        }
    }

    /// The recurrent matrices' spectra (one per gate block and direction) and,
    /// for the plain RNN, the per-step Jacobian chain of the traced example.
    pub fn analysis(&self, trace: Option<&Trace>) -> Analysis {
        self.recurrent_weights().analysis(trace)
    }

    /// The recurrent matrices W as they are now, as plain data: what the
    /// page publishes with a frame, so its views analyse the weights
    /// without holding the net (and a worker could post them).
    pub fn recurrent_weights(&self) -> RecurrentWeights {
        RecurrentWeights {
            cell: self.config.cell,
            activation: self.config.activation,
            hidden: self.config.hidden_size,
            w: std::iter::once(&self.fwd)
                .chain(self.bwd.iter())
                .map(|layer| layer.w.value.map(|x| x.f64()))
                .collect(),
        }
    }
}

fn rename<T: Real>(mut layer: Layer<T>, prefix: &str) -> Layer<T> {
    layer.visit_mut(&mut |p| p.name = format!("{prefix}{}", p.name));
    layer
}

fn direction_trace<T: Real>(
    layer: &Layer<T>,
    name: &str,
    reverse: bool,
    record: Option<&LayerRecord>,
    e: usize,
) -> DirectionTrace {
    let steps = layer.steps();
    // Real time t was processing step p(t).
    let p_of = |t: usize| if reverse { steps - 1 - t } else { t };
    let per_t = |which: Buffer| {
        (0..steps)
            .map(|t| layer.column(which, p_of(t), e))
            .collect::<Vec<_>>()
    };
    let pre = per_t(Buffer::Pre);
    let hd = layer.hidden;
    let mut gates = Vec::new();
    if layer.kind != CellKind::Rnn {
        let act = per_t(Buffer::Act);
        for (k, gate) in Gate::of(layer.kind).iter().enumerate() {
            gates.push(GateSeries {
                name: gate.name().to_string(),
                values: act.iter().map(|col| col[k * hd..(k + 1) * hd].to_vec()).collect(),
            });
        }
        if layer.kind == CellKind::Lstm {
            gates.push(GateSeries {
                name: CELL_STATE.into(),
                values: per_t(Buffer::Cell),
            });
        }
    }
    // Records were pushed from the last processing step to the first.
    let by_t = |v: &[f64]| -> Vec<f64> {
        let mut in_p: Vec<f64> = v.iter().rev().copied().collect();
        if reverse {
            in_p.reverse();
        }
        in_p
    };
    let (grad_h, grad_c, flushed, grad_w_step, grad_pre, grad_back) = match record {
        Some(r) if r.grad_h.len() == steps => (
            by_t(&r.grad_h),
            by_t(&r.grad_c),
            {
                let mut f: Vec<u32> = r.flushed.iter().rev().copied().collect();
                if reverse {
                    f.reverse();
                }
                f
            },
            by_t(&r.grad_w_step),
            by_t(&r.grad_pre),
            by_t(&r.grad_back),
        ),
        _ => Default::default(),
    };
    let (input_term, recurrent_term): (Vec<_>, Vec<_>) = (0..steps).map(|t| layer.terms(p_of(t), e)).unzip();
    let hidden = per_t(Buffer::State);
    let slope = if layer.kind == CellKind::Rnn {
        let act = layer.activation;
        pre.iter()
            .zip(&hidden)
            .map(|(a, h)| a.iter().zip(h).map(|(a, h)| act.derivative(*a, *h)).collect())
            .collect()
    } else {
        Vec::new()
    };
    let values = |p: &Param<T>| p.value.iter().map(|v| v.f64()).collect::<Vec<f64>>();
    DirectionTrace {
        name: name.into(),
        pre_activations: pre,
        hidden,
        gates,
        grad_h,
        grad_c,
        flushed,
        grad_w_step,
        input_term,
        recurrent_term,
        bias: values(&layer.b),
        bias_hn: layer.b_hn.as_ref().map(values).unwrap_or_default(),
        slope,
        grad_pre,
        grad_back,
    }
}

impl<T: Real> Params<T> for RecurrentNet<T> {
    fn visit(&self, f: &mut dyn FnMut(&Param<T>)) {
        self.fwd.visit(f);
        if let Some(b) = &self.bwd {
            b.visit(f);
        }
        f(&self.v);
        f(&self.c);
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<T>)) {
        self.fwd.visit_mut(f);
        if let Some(b) = &mut self.bwd {
            b.visit_mut(f);
        }
        f(&mut self.v);
        f(&mut self.c);
    }
}
