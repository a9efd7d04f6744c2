//! One training step, end to end: forward, backward, divergence check,
//! clipping, update — and the trace of it all. A step can be taken whole
//! (`Trainer::step`) or a few work units at a time (`begin_step`, then
//! `advance` until it reports), with the same units either way (see
//! `schedule`), so the two give bit-identical runs.

use crate::analysis::RecurrentWeights;
use crate::batch::Batch;
use crate::net::RecurrentNet;
use crate::optim::{clip_gradients, Clip, ClipReport, Optimizer, OptimizerKind};
use crate::param::Params;
use crate::real::Real;
use crate::trace::Trace;
use crate::{Error, Invalid};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// The knobs that may change between steps without rebuilding the model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub optimizer: OptimizerKind,
    pub learning_rate: f64,
    pub clip: Clip,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            optimizer: OptimizerKind::adam(),
            learning_rate: 0.01,
            clip: Clip::Norm(1.0),
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), Error> {
        let value = self.learning_rate;
        if !value.is_finite() || value < 0.0 {
            return Err(Invalid::LearningRate { value }.into());
        }
        match self.clip {
            Clip::Value(value) | Clip::Norm(value) if !(value.is_finite() && value > 0.0) => {
                Err(Invalid::ClipThreshold { value }.into())
            }
            _ => Ok(()),
        }
    }
}

/// What a step that blew up reports. The weights are left as they were
/// before the step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Divergence {
    /// The step that would have been taken (1-based); for
    /// `Experiment::probe`, the steps done so far (0 for an untrained net).
    pub step: u64,
    /// Where it blew up: the first stage of the step that went wrong.
    pub cause: DivergenceCause,
    pub loss: f64,
    /// Global gradient norm (may be ∞ or NaN).
    pub grad_norm: f64,
}

/// Where a step blew up, in the order a step runs: forward pass, loss,
/// backward pass, update. Only the first stage that went wrong is named:
/// the later ones go wrong because of it. Parameters are named by their
/// symbols ("W", "fwd.U", "layer2.W", …; see each model's docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DivergenceCause {
    /// Recurrent nets, before any update (the first step, or a probe of a net not yet trained):
    /// the forward pass of the weights as built overflowed. No gradient clipping can help; a
    /// smaller spectral radius, a bounded activation or a shorter sequence does.
    ForwardOverflow(Overflow),
    /// Recurrent nets, after updates: the forward pass overflowed because earlier updates had
    /// grown the weights (their gradients exploded without reaching ∞). Clipping or a lower
    /// learning rate helps.
    OverflowAfterUpdates(Overflow),
    /// The loss was NaN or ±∞ though every hidden state was finite: the readout or the loss
    /// overflowed. (An MLP does not look further: any overflow of its forward pass is this.)
    Loss,
    /// The loss was finite but the gradient of `parameter` (the first such) was not: the
    /// gradient exploded in the backward pass.
    Gradient { parameter: String },
    /// The gradients were finite but the update made `parameter` (the first such) NaN or ±∞.
    Update { parameter: String },
}

/// Where a recurrent net's forward pass overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overflow {
    /// t, 1-based in real time order: the first step at which a hidden state h_t, or an LSTM
    /// cell state c_t, of some example of the batch was NaN or ±∞.
    pub time_step: usize,
    /// 0 for the forward direction, 1 for the backward one of a bidirectional net (as in
    /// `Trace::directions`), which had then read T + 1 − t steps.
    pub direction: usize,
}

/// Why a model whose gradients for `loss` are filled in cannot be updated:
/// `Loss` if the loss is not finite, else `Gradient` naming the first
/// parameter whose gradient is not; `None` if all is finite.
pub fn check_gradients<T: Real>(model: &dyn Params<T>, loss: f64) -> Option<DivergenceCause> {
    if !loss.is_finite() {
        return Some(DivergenceCause::Loss);
    }
    let mut bad = None;
    model.visit(&mut |p| {
        if bad.is_none() && p.grad.iter().any(|g| !g.is_finite()) {
            bad = Some(p.name.clone());
        }
    });
    bad.map(|parameter| DivergenceCause::Gradient { parameter })
}

/// A recurrent net's loss or gradient that is not finite may come from a
/// forward pass that had already overflowed: then that is the cause, told
/// apart by whether the weights had been `updated` since they were built.
pub(crate) fn forward_first<T: Real>(
    net: &RecurrentNet<T>,
    cause: DivergenceCause,
    updated: bool,
) -> DivergenceCause {
    let overflow = match cause {
        DivergenceCause::Loss | DivergenceCause::Gradient { .. } => net.forward_overflow(),
        _ => None,
    };
    match overflow {
        Some(o) if updated => DivergenceCause::OverflowAfterUpdates(o),
        Some(o) => DivergenceCause::ForwardOverflow(o),
        None => cause,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepError {
    Invalid(Error),
    Diverged(Divergence),
}

impl std::fmt::Display for DivergenceCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |o: &Overflow| {
            let dir = if o.direction == 1 {
                " (backward direction)"
            } else {
                ""
            };
            format!(
                "a hidden state became NaN or infinite at t = {}{dir}",
                o.time_step
            )
        };
        match self {
            DivergenceCause::ForwardOverflow(o) => {
                write!(f, "the forward pass of the untrained net overflowed: {}", at(o))
            }
            DivergenceCause::OverflowAfterUpdates(o) => {
                write!(
                    f,
                    "updates grew the weights until the forward pass overflowed: {}",
                    at(o)
                )
            }
            DivergenceCause::Loss => f.write_str("the loss became NaN or infinite"),
            DivergenceCause::Gradient { parameter } => {
                write!(f, "the gradient of {parameter} became NaN or infinite")
            }
            DivergenceCause::Update { parameter } => write!(f, "the update made {parameter} NaN or infinite"),
        }
    }
}

impl std::fmt::Display for StepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepError::Invalid(e) => write!(f, "{e}"),
            StepError::Diverged(d) => write!(
                f,
                "diverged at step {}: {} (gradient norm {:.3e}, loss {:.3e})",
                d.step, d.cause, d.grad_norm, d.loss
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    pub step: u64,
    pub loss: f64,
    pub clip: ClipReport,
    pub trace: Option<Trace>,
    /// With a trace: the recurrent matrices of the forward pass it records
    /// (before this step's update), so the spectrum and the Jacobian chain
    /// drawn beside the trace describe the same weights.
    pub weights: Option<RecurrentWeights>,
}

/// The part of a training step every model shares: check the gradients,
/// clip them, update, and undo an update that overflowed. Holds the
/// optimiser's state and reusable copies of the weights and of that state.
#[derive(Clone, Debug)]
pub struct GuardedUpdate<T: Real> {
    optimizer: Optimizer<T>,
    snapshot: Vec<DMatrix<T>>,
    /// The optimiser as it was before the update under way: an update that
    /// overflows must not leave its moments or count behind either (a run
    /// trained on at a lower rate, or saved, would carry them).
    optimizer_snapshot: Optimizer<T>,
}

impl<T: Real> GuardedUpdate<T> {
    pub fn new(kind: OptimizerKind) -> Self {
        GuardedUpdate {
            optimizer: Optimizer::new(kind),
            snapshot: Vec::new(),
            optimizer_snapshot: Optimizer::new(kind),
        }
    }

    /// The optimiser and its state.
    pub fn optimizer(&self) -> &Optimizer<T> {
        &self.optimizer
    }

    /// Goes on with `optimizer`'s state (a saved run's).
    pub(crate) fn resume(&mut self, optimizer: Optimizer<T>) {
        self.optimizer = optimizer;
    }

    /// A new optimiser kind starts with fresh state.
    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        if kind != self.optimizer.kind {
            self.optimizer = Optimizer::new(kind);
        }
    }

    /// Given a model whose gradients for `loss` are filled in, clips and
    /// applies them as step `step`. A NaN or infinite loss, gradient or
    /// updated weight is reported as divergence (`Loss`, `Gradient` or
    /// `Update`, naming the first such parameter), with the weights and the
    /// optimiser's state left as they were.
    pub fn apply(
        &mut self,
        model: &mut dyn Params<T>,
        config: &TrainConfig,
        loss: f64,
        step: u64,
    ) -> Result<ClipReport, Divergence> {
        let bad = check_gradients(&*model, loss);
        let clip = clip_gradients(model, config.clip);
        if let Some(cause) = bad {
            return Err(Divergence {
                step,
                cause,
                loss,
                grad_norm: clip.norm_before,
            });
        }
        // Keep the weights so an update that overflows can be undone.
        let mut i = 0;
        let snapshot = &mut self.snapshot;
        model.visit(&mut |p| {
            if snapshot.len() <= i {
                snapshot.push(p.value.clone());
            } else {
                snapshot[i].copy_from(&p.value);
            }
            i += 1;
        });
        self.optimizer_snapshot.copy_from(&self.optimizer);
        self.optimizer.step(model, config.learning_rate);
        let mut bad_value = None;
        model.visit(&mut |p| {
            if bad_value.is_none() && p.value.iter().any(|v| !v.is_finite()) {
                bad_value = Some(p.name.clone());
            }
        });
        if let Some(parameter) = bad_value {
            let mut i = 0;
            let snapshot = &self.snapshot;
            model.visit_mut(&mut |p| {
                p.value.copy_from(&snapshot[i]);
                i += 1;
            });
            std::mem::swap(&mut self.optimizer, &mut self.optimizer_snapshot);
            return Err(Divergence {
                step,
                cause: DivergenceCause::Update { parameter },
                loss,
                grad_norm: clip.norm_before,
            });
        }
        Ok(clip)
    }
}

/// A network with its optimiser.
#[derive(Clone, Debug)]
pub struct Trainer<T: Real> {
    pub net: RecurrentNet<T>,
    pub config: TrainConfig,
    update: GuardedUpdate<T>,
    steps_done: u64,
    /// A step begun with `begin_step` and not yet finished.
    pending: Option<Pending<T>>,
}

/// A step under way: its batch, whom it traces, and the next unit to run.
#[derive(Clone, Debug)]
struct Pending<T: Real> {
    batch: Batch<T>,
    cursor: Cursor,
}

/// How far a step got: units are numbered forward pass first, then the
/// backward pass, then the last unit (the update, or a look's report).
#[derive(Clone, Copy, Debug)]
struct Cursor {
    next: usize,
    trace_example: Option<usize>,
    purpose: Purpose,
}

/// What a pass of units is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A training step: its last unit updates the weights.
    Train,
    /// A look at the net as it is: the same forward and backward units, and
    /// a last unit that checks and clips the gradients but changes nothing,
    /// so even the biggest net's look spans frames like its steps do.
    Look,
}

impl<T: Real> Trainer<T> {
    pub fn new(net: RecurrentNet<T>, config: TrainConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(Trainer {
            net,
            update: GuardedUpdate::new(config.optimizer),
            config,
            steps_done: 0,
            pending: None,
        })
    }

    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// The optimiser and its state (moments, updates applied).
    pub fn optimizer(&self) -> &Optimizer<T> {
        self.update.optimizer()
    }

    /// Goes on from a saved run: `steps_done` steps, `optimizer`'s state
    /// (of `self.config.optimizer`'s kind). A step under way is dropped.
    pub(crate) fn resume(&mut self, steps_done: u64, optimizer: Optimizer<T>) {
        self.pending = None;
        self.steps_done = steps_done;
        self.update.resume(optimizer);
    }

    /// Changes learning rate, clipping or optimiser. Between steps or in the
    /// middle of one: the update, a step's last unit, reads them, so a step
    /// under way is updated with the new ones. A new optimiser kind starts
    /// with fresh state; the weights are kept.
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), Error> {
        config.validate()?;
        self.update.set_optimizer(config.optimizer);
        self.config = config;
        Ok(())
    }

    /// One step of training on `batch`. With `trace_example`, the report
    /// carries that example's trace. Runs the same units as `begin_step` and
    /// `advance`, all at once; a step under way is abandoned.
    pub fn step(&mut self, batch: &Batch<T>, trace_example: Option<usize>) -> Result<StepReport, StepError> {
        self.pending = None;
        self.net.check(batch).map_err(StepError::Invalid)?;
        let mut cursor = Cursor {
            next: 0,
            trace_example,
            purpose: Purpose::Train,
        };
        loop {
            if let Some(report) = self.run_units(batch, &mut cursor, &mut || true) {
                return report;
            }
        }
    }

    /// Begins a step on `batch` that `advance` carries out a few units at a
    /// time; a step already under way is abandoned. With `trace_example`,
    /// the report will carry that example's trace. Nothing changes (weights,
    /// steps done) until the step's last unit.
    pub fn begin_step(&mut self, batch: Batch<T>, trace_example: Option<usize>) -> Result<(), StepError> {
        self.begin(batch, trace_example, Purpose::Train)
    }

    /// Begins a look at the net on `batch`: `advance` runs the forward and
    /// backward units of a step and then, instead of the update, reports
    /// the loss, the gradients (clipped as training would clip them) and
    /// the trace as `StepReport` with `step` = the steps done. No weight
    /// and no count changes. A loss or gradient that is NaN or ±∞ is
    /// `StepError::Diverged` with the cause a step would give.
    pub fn begin_look(&mut self, batch: Batch<T>, trace_example: Option<usize>) -> Result<(), StepError> {
        self.begin(batch, trace_example, Purpose::Look)
    }

    pub(crate) fn begin(
        &mut self,
        batch: Batch<T>,
        trace_example: Option<usize>,
        purpose: Purpose,
    ) -> Result<(), StepError> {
        self.pending = None;
        self.net.check(&batch).map_err(StepError::Invalid)?;
        self.pending = Some(Pending {
            batch,
            cursor: Cursor {
                next: 0,
                trace_example,
                purpose,
            },
        });
        Ok(())
    }

    /// Whether the work under way is a look (`begin_look`), not a step.
    pub fn looking(&self) -> bool {
        self.pending
            .as_ref()
            .is_some_and(|p| p.cursor.purpose == Purpose::Look)
    }

    /// Runs units of the step under way: one, then more while `more()` says
    /// so. Returns the step's report once its last unit has run, `None`
    /// while units remain (or when no step was begun).
    pub fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> Option<Result<StepReport, StepError>> {
        let Pending { batch, mut cursor } = self.pending.take()?;
        let report = self.run_units(&batch, &mut cursor, more);
        if report.is_none() {
            self.pending = Some(Pending { batch, cursor });
        }
        report
    }

    /// Whether a step or look begun with `begin_step` or `begin_look` is
    /// waiting to be finished.
    pub fn step_in_progress(&self) -> bool {
        self.pending.is_some()
    }

    /// Asks the step under way to carry `example`'s trace after all. The
    /// forward pass keeps everything a trace needs anyway; the backward pass
    /// records the per-step gradient norms, so this works until the backward
    /// pass has begun. Returns whether the step will carry a trace.
    pub fn want_trace(&mut self, example: usize) -> bool {
        let Some(pending) = &mut self.pending else {
            return false;
        };
        if pending.cursor.trace_example.is_some() {
            return true;
        }
        let forward = self
            .net
            .plan(pending.batch.seq_len, pending.batch.batch_size)
            .forward
            .len();
        let backward_begun = pending.cursor.next > forward;
        if !backward_begun {
            pending.cursor.trace_example = Some(example);
        }
        !backward_begun
    }

    /// Drops the step under way, if any; nothing it did is kept.
    pub fn abandon_step(&mut self) {
        self.pending = None;
    }

    /// Units of a step of this batch's shape, the update included.
    pub fn units_per_step(&mut self, seq_len: usize, batch: usize) -> usize {
        self.net.plan(seq_len, batch).len()
    }

    /// Runs units from `cursor` on, one and then more while `more()`, until
    /// the step's last unit (which returns the report).
    fn run_units(
        &mut self,
        batch: &Batch<T>,
        cursor: &mut Cursor,
        more: &mut dyn FnMut() -> bool,
    ) -> Option<Result<StepReport, StepError>> {
        loop {
            let plan = self.net.plan(batch.seq_len, batch.batch_size);
            let (forward, backward) = (plan.forward.len(), plan.backward.len());
            let i = cursor.next;
            cursor.next += 1;
            if i < forward {
                let unit = plan.forward[i].clone();
                self.net.run_forward(&unit, batch);
            } else if i < forward + backward {
                let unit = plan.backward[i - forward].clone();
                self.net.run_backward(&unit, cursor.trace_example);
            } else {
                return Some(match cursor.purpose {
                    Purpose::Train => self.update(cursor.trace_example),
                    Purpose::Look => self.look(cursor.trace_example),
                });
            }
            if !more() {
                return None;
            }
        }
    }

    /// The step's last unit, after forward and backward: check, clip and
    /// apply the gradients, then assemble the report. A loss or gradient
    /// that is not finite is traced back to the forward pass if that
    /// already overflowed.
    fn update(&mut self, trace_example: Option<usize>) -> Result<StepReport, StepError> {
        let next = self.steps_done + 1;
        let loss = self.net.loss();
        let weights = trace_example.map(|_| self.net.recurrent_weights());
        let applied = self.update.apply(&mut self.net, &self.config, loss, next);
        let clip = applied.map_err(|mut d| {
            d.cause = forward_first(&self.net, d.cause, self.steps_done > 0);
            StepError::Diverged(d)
        })?;
        self.steps_done = next;
        let trace = trace_example.map(|_| self.trace_with(next, &clip));
        Ok(StepReport {
            step: next,
            loss,
            clip,
            trace,
            weights,
        })
    }

    /// The trace of the pass just run, labelled `step`, with the gradient
    /// norms and clipping this pass's update (or look) saw.
    fn trace_with(&self, step: u64, clip: &ClipReport) -> Trace {
        let mut t = self.net.trace(step);
        t.params = clip.params.clone();
        t.clip = Some(clip.clone());
        t
    }

    /// A look's last unit, after forward and backward: the gradients
    /// checked and clipped as `update` would, and nothing applied.
    fn look(&mut self, trace_example: Option<usize>) -> Result<StepReport, StepError> {
        let loss = self.net.loss();
        let bad = check_gradients(&self.net, loss);
        let clip = clip_gradients(&mut self.net, self.config.clip);
        let step = self.steps_done;
        if let Some(cause) = bad {
            return Err(StepError::Diverged(Divergence {
                step,
                cause: forward_first(&self.net, cause, step > 0),
                loss,
                grad_norm: clip.norm_before,
            }));
        }
        let trace = trace_example.map(|_| self.trace_with(step, &clip));
        let weights = trace.is_some().then(|| self.net.recurrent_weights());
        Ok(StepReport {
            step,
            loss,
            clip,
            trace,
            weights,
        })
    }
}
