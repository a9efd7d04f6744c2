//! "Are these the true gradients?": a finite-difference check of the
//! engine's backpropagation, in f64, on a model's current weights and
//! current data, shaped as a job the page runs a little per frame.
//!
//! For every parameter it samples up to `entries_per_param` entries and
//! for each compares the analytic gradient g with the central
//! difference ĝ = (L(θ + h) − L(θ − h)) / 2h. Per parameter it reports
//!
//! ```text
//! rel_error = max_i |g_i − ĝ_i| / max_i (|g_i| + |ĝ_i|)
//! ```
//!
//! over its sampled entries: the largest disagreement, relative to the
//! largest gradient sampled, so an entry that is zero in both (an input
//! the batch never uses) or nearly so counts for what it is, not as a
//! 100 % error of nothing. Exact backpropagation gives about 1e-9 here;
//! a wrong term gives 1e-2 and more.
//!
//! **Which entries.** A parameter's entries, in column-major order, are cut
//! into k equal slices and from each the entry with the largest analytic
//! |g| is taken (the first on a tie): deterministic for a given model and
//! data, spread over every gate block and column, and where the gradient
//! is, so that a one-hot input the batch never uses (a column of zeros in
//! `U`) is not all the check looks at.
//!
//! The difference quotient itself cannot resolve gradients much below
//! its rounding noise, about ε·|L|/h (ε the f64 epsilon), reported as
//! `noise_floor`: a parameter whose `scale` (its largest sampled
//! |g| + |ĝ|) is not far above it — a vanishing gradient — is beyond what
//! any finite-difference check can confirm, and its `rel_error` says
//! nothing about the code.
//!
//! The recurrent experiment trains in f32; the check copies its weights
//! (exactly: every f32 is an f64) and its last batch into an f64
//! `RecurrentNet` of the same configuration, so it checks the very code
//! the page trains with, at f64 precision. Its analytic gradient is the one
//! before clipping, and with truncated BPTT it is the truncated gradient,
//! which is not the true one by design: the report says `truncation` so
//! the page can tell.

use crate::batch::Batch;
use crate::bp::BpNet;
use crate::experiment::Experiment;
use crate::loss::Targets;
use crate::net::{NetConfig, RecurrentNet};
use crate::param::{Param, Params, SavedParam};
use crate::schedule::{BackwardUnit, ForwardUnit};
use crate::Error;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// h of the central difference: near the cube root of ε, where the
/// rounding error (ε·|L|/h) and the truncation error (h²·|L'''|/6) meet.
pub const FD_STEP: f64 = 1e-5;

/// What to check.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradCheckConfig {
    /// Entries sampled per parameter (all of them when it has fewer); 0
    /// counts as 1.
    pub entries_per_param: usize,
    /// Check on the batch's first examples only (`None`: the whole batch).
    /// The batch gradient is a mean over examples computed by the same code
    /// for each, so a few examples check that code as well, at a fraction
    /// of the time and memory of a large batch. `Some(0)` counts as 1.
    pub max_examples: Option<usize>,
}

impl Default for GradCheckConfig {
    fn default() -> Self {
        GradCheckConfig {
            entries_per_param: 8,
            max_examples: None,
        }
    }
}

/// One sampled entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryCheck {
    pub row: usize,
    pub col: usize,
    /// g, from backpropagation.
    pub analytic: f64,
    /// ĝ, the central difference.
    pub numeric: f64,
}

/// One parameter's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamCheck {
    pub name: String,
    pub rows: usize,
    pub cols: usize,
    pub entries: Vec<EntryCheck>,
    /// max_i |g_i − ĝ_i| / max_i (|g_i| + |ĝ_i|); 0 when every sampled
    /// entry is exactly 0 in both.
    pub rel_error: f64,
    /// max_i |g_i − ĝ_i|.
    pub max_abs_error: f64,
    /// max_i (|g_i| + |ĝ_i|): compare with the report's `noise_floor`.
    pub scale: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradCheckReport {
    /// The loss at the checked weights.
    pub loss: f64,
    /// h ([`FD_STEP`]).
    pub step: f64,
    /// ε·max(|L|, 1)/h: the rounding noise of one central difference.
    pub noise_floor: f64,
    /// The truncation window of the checked recurrent net (`None`: full
    /// BPTT, or the BP net): a truncated gradient is not the true one.
    pub truncation: Option<usize>,
    /// Examples the check ran on.
    pub examples: usize,
    /// One per parameter, in the model's order.
    pub params: Vec<ParamCheck>,
}

impl GradCheckReport {
    /// The parameter with the largest relative error.
    pub fn worst(&self) -> Option<&ParamCheck> {
        self.params
            .iter()
            .max_by(|a, b| a.rel_error.total_cmp(&b.rel_error))
    }
}

/// The model under check, with its data.
#[derive(Clone, Debug)]
enum Model {
    Recurrent(Box<RecurrentModel>),
    Bp {
        net: Box<BpNet>,
        x: Vec<f64>,
        t: Vec<f64>,
    },
}

#[derive(Clone, Debug)]
struct RecurrentModel {
    net: RecurrentNet<f64>,
    batch: Batch<f64>,
    forward: Vec<ForwardUnit>,
    backward: Vec<BackwardUnit>,
}

impl Model {
    /// Work units of the analytic pass (forward and backward).
    fn analytic_units(&self) -> usize {
        match self {
            Model::Recurrent(m) => m.forward.len() + m.backward.len(),
            Model::Bp { .. } => 1,
        }
    }

    /// Work units of one forward pass.
    fn forward_units(&self) -> usize {
        match self {
            Model::Recurrent(m) => m.forward.len(),
            Model::Bp { .. } => 1,
        }
    }

    /// Runs unit `unit` of the analytic pass; after the last, the loss and
    /// the gradients are in the parameters' `grad`.
    fn analytic_unit(&mut self, unit: usize) -> f64 {
        match self {
            Model::Recurrent(m) => {
                let f = m.forward.len();
                if unit < f {
                    m.net.run_forward(&m.forward[unit], &m.batch);
                } else {
                    m.net.run_backward(&m.backward[unit - f], None);
                }
                m.net.loss()
            }
            Model::Bp { net, x, t } => {
                let (loss, grads) = net.loss_and_gradients(x, t).expect("example checked");
                let mut grads = grads.into_iter();
                net.visit_mut(&mut |p| p.grad = grads.next().expect("four parameters"));
                loss
            }
        }
    }

    /// Runs unit `unit` of a forward pass; the loss once it was the last.
    fn forward_unit(&mut self, unit: usize) -> Option<f64> {
        match self {
            Model::Recurrent(m) => {
                m.net.run_forward(&m.forward[unit], &m.batch);
                (unit + 1 == m.forward.len()).then(|| m.net.loss())
            }
            Model::Bp { net, x, t } => Some(net.loss(x, t).expect("example checked")),
        }
    }

    fn params_mut(&mut self) -> &mut dyn Params<f64> {
        match self {
            Model::Recurrent(m) => &mut m.net,
            Model::Bp { net, .. } => &mut **net,
        }
    }

    fn params(&self) -> &dyn Params<f64> {
        match self {
            Model::Recurrent(m) => &m.net,
            Model::Bp { net, .. } => &**net,
        }
    }
}

/// Where the job is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    /// Unit `unit` of the analytic pass is next.
    Analytic {
        unit: usize,
    },
    /// Unit `unit` of the forward pass at θ + h (`plus`) or θ − h of
    /// sampled entry `entry` is next.
    Probe {
        entry: usize,
        plus: bool,
        unit: usize,
    },
    Done,
}

/// A sampled entry: parameter `param` (in visiting order), flat
/// (column-major) index `index`.
#[derive(Clone, Copy, Debug)]
struct Sample {
    param: usize,
    index: usize,
}

/// A finite-difference gradient check as a resumable job: make it with
/// `for_experiment`, `recurrent` or `for_bp`, then call `advance` (a few
/// entries) or `advance_units` (a few work units) once per frame until it
/// returns the report. It works on its own copy of the model: the run it
/// was made from is untouched and may go on training meanwhile (the check
/// stays about the weights it copied).
#[derive(Clone, Debug)]
pub struct GradCheck {
    model: Model,
    truncation: Option<usize>,
    examples: usize,
    /// Name and shape of every parameter, in visiting order.
    shapes: Vec<(String, usize, usize)>,
    samples: Vec<Sample>,
    /// Per sample: g, and ĝ once known.
    analytic: Vec<f64>,
    numeric: Vec<f64>,
    /// The value of the entry being probed, to restore exactly.
    original: f64,
    loss_plus: f64,
    loss: f64,
    stage: Stage,
    report: Option<GradCheckReport>,
}

/// The first `m` (at least 1) examples of `batch` (all when it has no
/// more), which a net has accepted.
fn first_examples(batch: &Batch<f64>, m: usize) -> Batch<f64> {
    let (b, m) = (batch.batch_size, m.max(1));
    if m >= b {
        return batch.clone();
    }
    let t_len = batch.seq_len;
    let pick = |col: usize| (col / m) * b + col % m;
    let inputs = DMatrix::from_fn(batch.inputs.nrows(), t_len * m, |r, c| batch.inputs[(r, pick(c))]);
    let steps = batch.targets.columns() / b;
    let targets = match &batch.targets {
        Targets::Values(v) => Targets::Values(DMatrix::from_fn(v.nrows(), steps * m, |r, c| v[(r, pick(c))])),
        Targets::Classes(c) => Targets::Classes((0..steps * m).map(|j| c[pick(j)]).collect()),
    };
    Batch {
        seq_len: t_len,
        batch_size: m,
        inputs,
        targets,
    }
}

/// Calls `f` on parameter number `index` (visiting order).
fn with_param(params: &mut dyn Params<f64>, index: usize, f: &mut dyn FnMut(&mut Param<f64>)) {
    let mut k = 0;
    params.visit_mut(&mut |p| {
        if k == index {
            f(p);
        }
        k += 1;
    });
}

impl GradCheck {
    /// A check of the experiment's network at its current weights, on the
    /// batch of its last step or probe (`Error::NoBatchYet` before either).
    /// After a probe that is exactly what the views draw (before clipping);
    /// after a step, the weights have moved since that batch's gradients
    /// were drawn, and the check is of the gradients at the new weights.
    ///
    /// Cost: 2·`entries_per_param` forward passes per parameter, in f64,
    /// with a workspace twice the f32 run's. Measured natively (release,
    /// this project's build machine): the default experiment (RNN H32 T20
    /// B32) 18 ms in all; LSTM H128 T200 B32 2.7 s, or 1.4 s with
    /// `max_examples: Some(4)` (the time steps, not the batch, dominate
    /// there; fewer `entries_per_param` cut it in proportion). The browser
    /// takes longer, spread over frames by `advance_units`.
    pub fn for_experiment(experiment: &Experiment, config: GradCheckConfig) -> Result<Self, Error> {
        let batch = experiment.last_batch().ok_or(Error::NoBatchYet)?;
        let net_config = experiment.config().net_config(experiment.task());
        Self::recurrent(net_config, &experiment.net().export(), batch, config)
    }

    /// A check of a recurrent net of `net_config` with the parameters
    /// `params` (as `Params::export` gives them), on `batch`.
    pub fn recurrent(
        net_config: NetConfig,
        params: &[SavedParam],
        batch: &Batch<f64>,
        config: GradCheckConfig,
    ) -> Result<Self, Error> {
        let mut net = RecurrentNet::<f64>::new(net_config)?;
        net.import(params)?;
        net.check(batch)?;
        let batch = match config.max_examples {
            Some(m) => first_examples(batch, m),
            None => batch.clone(),
        };
        let plan = net.plan(batch.seq_len, batch.batch_size).clone();
        let truncation = net.config.truncation;
        let examples = batch.batch_size;
        let model = Model::Recurrent(Box::new(RecurrentModel {
            net,
            batch,
            forward: plan.forward,
            backward: plan.backward,
        }));
        Ok(Self::start(model, config, truncation, examples))
    }

    /// A check of the BP net at its current weights on example (x, t) —
    /// for the page, the example of the step under way or last taken
    /// (`BpNet::last_forward`).
    pub fn for_bp(net: &BpNet, x: &[f64], t: &[f64], config: GradCheckConfig) -> Result<Self, Error> {
        net.check_example(x, t)?;
        let model = Model::Bp {
            net: Box::new(net.clone()),
            x: x.to_vec(),
            t: t.to_vec(),
        };
        Ok(Self::start(model, config, None, 1))
    }

    fn start(model: Model, config: GradCheckConfig, truncation: Option<usize>, examples: usize) -> Self {
        let mut shapes = Vec::new();
        model
            .params()
            .visit(&mut |p| shapes.push((p.name.clone(), p.value.nrows(), p.value.ncols())));
        // Up to k entries per parameter: which ones is decided once the
        // analytic gradient is known (see the module's docs).
        let mut samples = Vec::new();
        for (param, (_, r, c)) in shapes.iter().enumerate() {
            let n = r * c;
            for _ in 0..config.entries_per_param.max(1).min(n) {
                samples.push(Sample { param, index: 0 });
            }
        }
        let count = samples.len();
        GradCheck {
            model,
            truncation,
            examples,
            shapes,
            samples,
            analytic: vec![0.0; count],
            numeric: vec![f64::NAN; count],
            original: 0.0,
            loss_plus: f64::NAN,
            loss: f64::NAN,
            stage: Stage::Analytic { unit: 0 },
            report: None,
        }
    }

    /// Entries to check, plus one for the analytic pass.
    pub fn entries_total(&self) -> usize {
        self.samples.len() + 1
    }

    /// Entries done so far (the analytic pass counts as one).
    pub fn entries_done(&self) -> usize {
        match self.stage {
            Stage::Analytic { .. } => 0,
            Stage::Probe { entry, .. } => entry + 1,
            Stage::Done => self.entries_total(),
        }
    }

    /// Work units in the whole check: the analytic pass, then two forward
    /// passes per entry. A recurrent net's units are its training step's
    /// (about 0.2 ms each, see `schedule`); the BP net's are whole passes.
    pub fn units_total(&self) -> usize {
        self.model.analytic_units() + 2 * self.samples.len() * self.model.forward_units()
    }

    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Runs whole entries, at least one, until `budget_entries` more are
    /// done (the analytic pass counting as one) or the check is. The report
    /// once it is done (again on every later call); `None` while entries
    /// remain. An entry of a large recurrent net is two forward passes:
    /// use `advance_units` to stay within a frame.
    pub fn advance(&mut self, budget_entries: usize) -> Option<GradCheckReport> {
        let target = (self.entries_done() + budget_entries.max(1)).min(self.entries_total());
        while !self.is_done() && self.entries_done() < target {
            self.unit();
        }
        self.report.clone()
    }

    /// Runs one work unit, then more while `more()` says so (as
    /// `Experiment::advance` does). The report once the check is done.
    pub fn advance_units(&mut self, more: &mut dyn FnMut() -> bool) -> Option<GradCheckReport> {
        if !self.is_done() {
            self.unit();
            while !self.is_done() && more() {
                self.unit();
            }
        }
        self.report.clone()
    }

    /// One unit of work.
    fn unit(&mut self) {
        match self.stage {
            Stage::Analytic { unit } => {
                self.loss = self.model.analytic_unit(unit);
                if unit + 1 < self.model.analytic_units() {
                    self.stage = Stage::Analytic { unit: unit + 1 };
                    return;
                }
                let mut grads = Vec::new();
                self.model.params().visit(&mut |p| grads.push(p.grad.clone()));
                self.pick_entries(&grads);
                for (s, a) in self.samples.iter().zip(&mut self.analytic) {
                    *a = grads[s.param][s.index];
                }
                self.stage = Stage::Probe {
                    entry: 0,
                    plus: true,
                    unit: 0,
                };
                if self.samples.is_empty() {
                    self.finish();
                }
            }
            Stage::Probe { entry, plus, unit } => {
                let s = self.samples[entry];
                let h = FD_STEP;
                if unit == 0 {
                    let (original, index) = (&mut self.original, s.index);
                    with_param(self.model.params_mut(), s.param, &mut |p| {
                        if plus {
                            *original = p.value[index];
                        }
                        p.value[index] = *original + if plus { h } else { -h };
                    });
                }
                let Some(loss) = self.model.forward_unit(unit) else {
                    self.stage = Stage::Probe {
                        entry,
                        plus,
                        unit: unit + 1,
                    };
                    return;
                };
                if plus {
                    self.loss_plus = loss;
                    self.stage = Stage::Probe {
                        entry,
                        plus: false,
                        unit: 0,
                    };
                    return;
                }
                let (original, index) = (self.original, s.index);
                with_param(self.model.params_mut(), s.param, &mut |p| {
                    p.value[index] = original
                });
                // ĝ = (L(θ + h) − L(θ − h)) / 2h
                self.numeric[entry] = (self.loss_plus - loss) / (2.0 * h);
                if entry + 1 < self.samples.len() {
                    self.stage = Stage::Probe {
                        entry: entry + 1,
                        plus: true,
                        unit: 0,
                    };
                } else {
                    self.finish();
                }
            }
            Stage::Done => {}
        }
    }

    /// Sets each sample's entry: parameter p's k samples take, from each of
    /// k equal slices of its column-major entries, the one of largest |g|.
    fn pick_entries(&mut self, grads: &[DMatrix<f64>]) {
        let mut start = 0;
        while start < self.samples.len() {
            let param = self.samples[start].param;
            let k = self.samples[start..]
                .iter()
                .take_while(|s| s.param == param)
                .count();
            let g = grads[param].as_slice();
            let n = g.len();
            for j in 0..k {
                let slice = j * n / k..(j + 1) * n / k;
                let best = slice.clone().fold(
                    slice.start,
                    |best, i| if g[i].abs() > g[best].abs() { i } else { best },
                );
                self.samples[start + j].index = best;
            }
            start += k;
        }
    }

    fn finish(&mut self) {
        self.stage = Stage::Done;
        let mut params: Vec<ParamCheck> = self
            .shapes
            .iter()
            .map(|(name, rows, cols)| ParamCheck {
                name: name.clone(),
                rows: *rows,
                cols: *cols,
                entries: Vec::new(),
                rel_error: 0.0,
                max_abs_error: 0.0,
                scale: 0.0,
            })
            .collect();
        for (k, s) in self.samples.iter().enumerate() {
            let p = &mut params[s.param];
            let (g, n) = (self.analytic[k], self.numeric[k]);
            p.max_abs_error = p.max_abs_error.max((g - n).abs());
            p.scale = p.scale.max(g.abs() + n.abs());
            p.entries.push(EntryCheck {
                row: s.index % p.rows,
                col: s.index / p.rows,
                analytic: g,
                numeric: n,
            });
        }
        for p in &mut params {
            // A NaN anywhere (an overflowing net) must show, not compare away.
            let bad = p
                .entries
                .iter()
                .any(|e| !(e.analytic.is_finite() && e.numeric.is_finite()));
            p.rel_error = if bad {
                f64::NAN
            } else if p.scale > 0.0 {
                p.max_abs_error / p.scale
            } else {
                0.0
            };
        }
        let h = FD_STEP;
        self.report = Some(GradCheckReport {
            loss: self.loss,
            step: h,
            noise_floor: f64::EPSILON * self.loss.abs().max(1.0) / h,
            truncation: self.truncation,
            examples: self.examples,
            params,
        });
    }
}
