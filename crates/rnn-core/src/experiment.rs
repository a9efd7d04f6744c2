//! An experiment as the page runs it: a task, a network in f32 and its
//! trainer, and the seeded stream of batches. Everything a URL can hold is in
//! `ExperimentConfig`; the same config and seed give the same run.

use crate::activation::Activation;
use crate::analysis::{Analysis, RecurrentWeights};
use crate::batch::Batch;
use crate::cell::CellKind;
use crate::init::Init;
use crate::net::{NetConfig, RecurrentNet};
use crate::optim::{Clip, OptimizerKind};
use crate::param::Params;
use crate::rng::Rng;
use crate::tasks::{Score, Task, TaskConfig};
use crate::trace::Trace;
use crate::train::{Purpose, StepError, StepReport, TrainConfig, Trainer};
use crate::{Error, Invalid};
use crate::{LoadError, SaveError, SavedRun};
use serde::{Deserialize, Serialize};

pub const MAX_BATCH: usize = 512;
/// The training buffers may hold at most this many f32 (256 MB): a browser
/// tab that asks for more gets an error from the allocator, which in
/// WebAssembly is an abort, not a message.
pub const MAX_WORKSPACE_SCALARS: f64 = 64.0 * 1024.0 * 1024.0;
/// At most this much arithmetic per training step (about 1.3 s of arithmetic
/// in the browser, some 3 s of wall time at half of each frame): a step is
/// spread over animation frames, but a run should still show progress.
pub const MAX_FLOPS_PER_STEP: f64 = 2e10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentConfig {
    pub task: TaskConfig,
    pub cell: CellKind,
    pub bidirectional: bool,
    pub hidden_size: usize,
    pub activation: Activation,
    pub init_input: Init,
    pub init_recurrent: Init,
    pub spectral_radius: Option<f64>,
    pub forget_bias: f64,
    pub truncation: Option<usize>,
    pub batch_size: usize,
    pub seed: u64,
    pub train: TrainConfig,
}

impl Default for ExperimentConfig {
    fn default() -> Self {
        ExperimentConfig {
            task: TaskConfig::default(),
            cell: CellKind::Rnn,
            bidirectional: false,
            hidden_size: 32,
            activation: Activation::Tanh,
            init_input: Init::XavierUniform,
            init_recurrent: Init::Orthogonal,
            spectral_radius: None,
            forget_bias: 1.0,
            truncation: None,
            batch_size: 32,
            seed: 1,
            train: TrainConfig {
                optimizer: OptimizerKind::adam(),
                learning_rate: 0.01,
                clip: Clip::Norm(1.0),
            },
        }
    }
}

impl ExperimentConfig {
    /// The network this experiment trains, shaped by its task.
    pub fn net_config(&self, task: &Task) -> NetConfig {
        let info = task.info();
        NetConfig {
            cell: self.cell,
            bidirectional: self.bidirectional,
            input_size: info.input_size,
            hidden_size: self.hidden_size,
            output_size: info.output_size,
            activation: self.activation,
            structure: info.structure,
            loss: info.loss,
            init_input: self.init_input,
            init_recurrent: self.init_recurrent,
            spectral_radius: self.spectral_radius,
            forget_bias: self.forget_bias,
            truncation: self.truncation,
            seed: self.seed,
        }
    }
}

pub struct Experiment {
    config: ExperimentConfig,
    task: Task,
    trainer: Trainer<f32>,
    data: Rng,
    /// The batch of the last step or probe (for scoring).
    last_batch: Option<Batch<f64>>,
    /// The batch of the step under way (it becomes `last_batch` when done).
    pending_batch: Option<Batch<f64>>,
}

impl Experiment {
    pub fn new(config: ExperimentConfig) -> Result<Self, Error> {
        if config.batch_size == 0 || config.batch_size > MAX_BATCH {
            return Err(Invalid::BatchSize {
                got: config.batch_size,
                max: MAX_BATCH,
            }
            .into());
        }
        let task = Task::new(config.task.clone())?;
        let net_config = config.net_config(&task);
        let seq_len = task.info().seq_len;
        let memory = net_config.workspace_scalars(seq_len, config.batch_size);
        if memory > MAX_WORKSPACE_SCALARS {
            // f32: four bytes a scalar.
            return Err(Invalid::TooMuchMemory {
                bytes: memory * 4.0,
                limit: MAX_WORKSPACE_SCALARS * 4.0,
            }
            .into());
        }
        let work = net_config.flops_per_step(seq_len, config.batch_size);
        if work > MAX_FLOPS_PER_STEP {
            return Err(Invalid::TooManyFlops {
                flops: work,
                limit: MAX_FLOPS_PER_STEP,
            }
            .into());
        }
        let net = RecurrentNet::new(net_config)?;
        let trainer = Trainer::new(net, config.train)?;
        // The data stream has its own seed so changing the model never
        // changes which examples are drawn.
        let data = Rng::new(config.seed ^ 0x5EED_DA7A);
        Ok(Experiment {
            config,
            task,
            trainer,
            data,
            last_batch: None,
            pending_batch: None,
        })
    }

    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    pub fn task(&self) -> &Task {
        &self.task
    }

    pub fn net(&self) -> &RecurrentNet<f32> {
        &self.trainer.net
    }

    pub fn steps_done(&self) -> u64 {
        self.trainer.steps_done()
    }

    /// Learning rate, clipping and optimiser take effect at the next update:
    /// a step under way is updated with them.
    pub fn set_train_config(&mut self, train: TrainConfig) -> Result<(), Error> {
        self.trainer.set_config(train)?;
        self.config.train = train;
        Ok(())
    }

    /// One training step on a fresh batch. With `trace`, the report carries
    /// the trace of example 0. The same units as `begin_step` and `advance`,
    /// all at once.
    pub fn step(&mut self, trace: bool) -> Result<StepReport, StepError> {
        self.begin_step(trace)?;
        self.finish_now()
    }

    /// Every unit of the step or probe just begun, at once.
    fn finish_now(&mut self) -> Result<StepReport, StepError> {
        loop {
            if let Some(report) = self.advance(&mut || true) {
                return report;
            }
        }
    }

    /// Begins a training step on a fresh batch (abandoning a step under way),
    /// to be carried out by `advance`. With `trace`, its report will carry
    /// the trace of example 0.
    pub fn begin_step(&mut self, trace: bool) -> Result<(), StepError> {
        self.begin(trace, Purpose::Train)
    }

    /// Draws the next batch and begins the units of a step or a probe on it.
    fn begin(&mut self, trace: bool, purpose: Purpose) -> Result<(), StepError> {
        let batch = self.task.batch(&mut self.data, self.config.batch_size);
        let begun = self.trainer.begin(batch.cast(), trace.then_some(0), purpose);
        self.pending_batch = Some(batch);
        if begun.is_err() {
            self.last_batch = self.pending_batch.take();
        }
        begun
    }

    /// Runs units of the step under way: one, then more while `more()` says
    /// so. The report once the step is done; `None` while units remain (or
    /// when no step was begun). Weights and steps done change only then.
    pub fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> Option<Result<StepReport, StepError>> {
        let report = self.trainer.advance(more)?;
        self.last_batch = self.pending_batch.take();
        Some(report)
    }

    /// Whether a step or probe begun with `begin_step` or `begin_probe` is
    /// waiting to be finished.
    pub fn step_in_progress(&self) -> bool {
        self.trainer.step_in_progress()
    }

    /// Asks the step under way to carry example 0's trace after all (see
    /// `Trainer::want_trace`); whether it will.
    pub fn want_trace(&mut self) -> bool {
        self.trainer.want_trace(0)
    }

    /// Loss, gradients (clipped as training would) and trace on a fresh batch,
    /// without changing any weight: what the network looks like right now.
    /// It needs the buffers a step under way works in, so it abandons that
    /// step.
    ///
    /// A loss or gradient that is NaN or ±∞ is reported rather than
    /// published: `StepError::Diverged` with `step` = the steps done so far
    /// (0 before training) and the cause a training step would give, so a
    /// new net whose forward pass already overflows says `ForwardOverflow`
    /// and where.
    pub fn probe(&mut self, trace: bool) -> Result<StepReport, StepError> {
        self.begin_probe(trace)?;
        self.finish_now()
    }

    /// Begins [`Experiment::probe`] unit by unit, as `begin_step` begins a
    /// step (abandoning a step under way): `advance` runs its forward and
    /// backward units and returns its report (`step` = the steps done), so
    /// a reset of the biggest net never holds the page for a whole pass.
    /// The batch is drawn now, as `probe` draws it.
    pub fn begin_probe(&mut self, trace: bool) -> Result<(), StepError> {
        self.begin(trace, Purpose::Look)
    }

    /// Work units of one step (or probe) of this experiment's shape.
    pub fn units_per_step(&mut self) -> usize {
        let (len, batch) = (self.config.task.seq_len, self.config.batch_size);
        self.trainer.units_per_step(len, batch)
    }

    /// Whether the work under way is a probe begun with `begin_probe`.
    pub fn probing(&self) -> bool {
        self.trainer.looking()
    }

    /// The batch of the last step or probe (`None` before either): the one
    /// the drawn gradients came from.
    pub fn last_batch(&self) -> Option<&Batch<f64>> {
        self.last_batch.as_ref()
    }

    /// The task's own score on the last batch seen.
    pub fn score(&self) -> Option<Score> {
        let batch = self.last_batch.as_ref()?;
        Some(self.task.score(&self.trainer.net.outputs(), batch))
    }

    pub fn analysis(&self, trace: Option<&Trace>) -> Analysis {
        self.trainer.net.analysis(trace)
    }

    /// The recurrent matrices as they are now (see `RecurrentWeights`).
    pub fn recurrent_weights(&self) -> RecurrentWeights {
        self.trainer.net.recurrent_weights()
    }

    /// Names of the network's parameters, in order.
    pub fn param_names(&self) -> Vec<String> {
        self.trainer.net.param_names()
    }

    /// The run as plain data (see `saved`), to go on later with `load`.
    /// Between steps only: while a step or probe begun with `begin_step` or
    /// `begin_probe` is under way, `SaveError::StepInProgress` (finish it
    /// with `advance`, or save before beginning it). `SaveError::NotFinite` for a run holding NaN or
    /// ±∞, which the format cannot hold (see `saved` for when that happens).
    pub fn save(&self) -> Result<SavedRun, SaveError> {
        if self.step_in_progress() {
            return Err(SaveError::StepInProgress);
        }
        crate::saved::save(&self.config, &self.trainer, &self.data)
    }

    /// A new run that goes on from `saved` bit for bit: its next steps have
    /// the losses and weights the saved run's would have had. Refused, with
    /// the reason, if `saved` is not our format or is newer, if its settings
    /// are invalid (as from a link), or if a value does not fit them. Never
    /// panics, and allocates nothing sized by the file before the settings
    /// have passed their own limits. A constructor: a failed load leaves
    /// every other run as it was. The last batch is not saved, so `score`
    /// is `None` until the next step.
    pub fn load(saved: SavedRun) -> Result<Experiment, LoadError> {
        let SavedRun {
            format,
            version,
            config,
            steps_done,
            weights,
            optimizer,
            data_rng,
        } = saved;
        let header = crate::saved::RunHeader {
            format: Some(format),
            version: Some(version),
        };
        header.check()?;
        let mut run = Experiment::new(config).map_err(LoadError::Config)?;
        run.data = crate::saved::restore(&mut run.trainer, steps_done, &weights, &optimizer, data_rng)?;
        Ok(run)
    }

    /// `probe` on the batch the next step will train on, without drawing it:
    /// what the network looks like now, leaving the data stream — and so
    /// every later batch — as it was (after a `load`, the run still goes on
    /// bit for bit). Like `probe`, it abandons a step under way.
    pub fn peek(&mut self, trace: bool) -> Result<StepReport, StepError> {
        self.begin_peek(trace)?;
        self.finish_now()
    }

    /// Begins [`Experiment::peek`] unit by unit, as `begin_probe` begins a
    /// probe: the batch is drawn and the data stream put back at once, so
    /// however the units fall into frames (and even if the look is
    /// abandoned) every later batch is the one the run would have drawn.
    pub fn begin_peek(&mut self, trace: bool) -> Result<(), StepError> {
        let data = self.data.clone();
        let begun = self.begin_probe(trace);
        self.data = data;
        begun
    }
}
