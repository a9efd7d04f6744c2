//! Every control on the page as one plain value, [`Settings`], and its
//! translation into the engine's [`ExperimentConfig`]. No web code: this is
//! tested with `cargo test`.

use rnn_core::experiment::MAX_BATCH;
use rnn_core::tasks::{Task, TaskKind};
use rnn_core::{Activation, CellKind, Clip, Experiment, ExperimentConfig, Init, OptimizerKind, TrainConfig};
use std::ops::RangeInclusive;

/// Sequence lengths the page offers (the engine accepts more, but beyond
/// 200 steps a step takes too long for a live lesson).
pub const SEQ_LEN: RangeInclusive<usize> = 2..=200;
/// Hidden sizes the page offers.
pub const HIDDEN: RangeInclusive<usize> = 1..=256;
/// Batch sizes the page offers.
pub const BATCH: RangeInclusive<usize> = 1..=256;
/// Learning rates accepted from a link (the menu offers a few of them).
pub const LEARNING_RATE: RangeInclusive<f64> = 1e-6..=10.0;
/// Clip thresholds accepted from a link.
pub const CLIP_THRESHOLD: RangeInclusive<f64> = 1e-4..=1000.0;
/// Spectral radii accepted from a link.
pub const SPECTRAL_RADIUS: RangeInclusive<f64> = 0.0..=10.0;

/// The most matrix-product work per training step the page accepts. A step
/// never blocks the page (it is cut into work units spread over frames, see
/// `state::budget`), but training gets only part of each frame, so a bigger
/// step is too slow to watch learn: at this limit one step already takes
/// about 0.7 s of wall time in Chromium here. It admits the engine's largest
/// benchmark shape (LSTM, hidden 128, length 200, batch 32: 2.6 GFLOP).
pub const PAGE_MAX_FLOPS: f64 = 5e9;
/// Training speed assumed when telling a user how long a step would take:
/// ~15 GFLOP/s of arithmetic for about half of each frame.
const BROWSER_FLOPS_PER_SEC: f64 = 7e9;

/// Values the menus offer; a value from a link that is not among them is
/// added to its menu so the page always shows what it runs.
pub const LEARNING_RATES: &[f64] = &[1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
pub const CLIP_THRESHOLDS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0];
pub const SPECTRAL_RADII: &[f64] = &[0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0, 5.0];
pub const BATCH_SIZES: &[usize] = &[1, 4, 8, 16, 32, 64, 128, 256];

/// The recurrent model: a cell, run one way or both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    pub cell: CellKind,
    pub bidirectional: bool,
}

impl Model {
    pub const ALL: [Model; 6] = [
        Model::new(CellKind::Rnn, false),
        Model::new(CellKind::Lstm, false),
        Model::new(CellKind::Gru, false),
        Model::new(CellKind::Rnn, true),
        Model::new(CellKind::Lstm, true),
        Model::new(CellKind::Gru, true),
    ];

    pub const fn new(cell: CellKind, bidirectional: bool) -> Self {
        Model { cell, bidirectional }
    }

    /// URL and menu value: `rnn`, `lstm`, `gru`, `birnn`, `bilstm`, `bigru`.
    pub fn name(self) -> &'static str {
        match (self.cell, self.bidirectional) {
            (CellKind::Rnn, false) => "rnn",
            (CellKind::Lstm, false) => "lstm",
            (CellKind::Gru, false) => "gru",
            (CellKind::Rnn, true) => "birnn",
            (CellKind::Lstm, true) => "bilstm",
            (CellKind::Gru, true) => "bigru",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    pub fn label(self) -> &'static str {
        match (self.cell, self.bidirectional) {
            (CellKind::Rnn, false) => "RNN",
            (CellKind::Lstm, false) => "LSTM",
            (CellKind::Gru, false) => "GRU",
            (CellKind::Rnn, true) => "Bidirectional RNN",
            (CellKind::Lstm, true) => "Bidirectional LSTM",
            (CellKind::Gru, true) => "Bidirectional GRU",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClipMode {
    None,
    Value,
    Norm,
}

impl ClipMode {
    pub const ALL: [ClipMode; 3] = [ClipMode::None, ClipMode::Norm, ClipMode::Value];

    pub fn name(self) -> &'static str {
        match self {
            ClipMode::None => "none",
            ClipMode::Value => "value",
            ClipMode::Norm => "norm",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            ClipMode::None => "off",
            ClipMode::Value => "by value",
            ClipMode::Norm => "by norm",
        }
    }
}

/// Everything a user can set: one field per control, each URL-addressable.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub model: Model,
    pub task: TaskKind,
    pub seq_len: usize,
    pub hidden: usize,
    pub activation: Activation,
    pub init_input: Init,
    pub init_recurrent: Init,
    pub spectral_radius: Option<f64>,
    pub clip_mode: ClipMode,
    /// Kept while clipping is off, so turning it back on restores it.
    pub clip_threshold: f64,
    pub optimizer: OptimizerKind,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for Settings {
    /// The engine's default lesson (RNN, tanh, adding problem).
    fn default() -> Self {
        let c = ExperimentConfig::default();
        let (clip_mode, clip_threshold) = match c.train.clip {
            Clip::None => (ClipMode::None, 1.0),
            Clip::Value(v) => (ClipMode::Value, v),
            Clip::Norm(v) => (ClipMode::Norm, v),
        };
        Settings {
            model: Model::new(c.cell, c.bidirectional),
            task: c.task.kind,
            seq_len: c.task.seq_len,
            hidden: c.hidden_size,
            activation: c.activation,
            init_input: c.init_input,
            init_recurrent: c.init_recurrent,
            spectral_radius: c.spectral_radius,
            clip_mode,
            clip_threshold,
            optimizer: c.train.optimizer,
            learning_rate: c.train.learning_rate,
            batch_size: c.batch_size,
            seed: c.seed,
        }
    }
}

impl Settings {
    /// The knobs that change between steps without resetting the model.
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            optimizer: self.optimizer,
            learning_rate: self.learning_rate,
            clip: match self.clip_mode {
                ClipMode::None => Clip::None,
                ClipMode::Value => Clip::Value(self.clip_threshold),
                ClipMode::Norm => Clip::Norm(self.clip_threshold),
            },
        }
    }

    /// The experiment these settings describe. Fields the page has no
    /// control for (forget bias, truncation, text) keep the engine defaults.
    pub fn experiment_config(&self) -> ExperimentConfig {
        let mut c = ExperimentConfig::default();
        c.task.kind = self.task;
        c.task.seq_len = self.seq_len;
        c.cell = self.model.cell;
        c.bidirectional = self.model.bidirectional;
        c.hidden_size = self.hidden;
        c.activation = self.activation;
        c.init_input = self.init_input;
        c.init_recurrent = self.init_recurrent;
        c.spectral_radius = self.spectral_radius;
        c.batch_size = self.batch_size;
        c.seed = self.seed;
        c.train = self.train_config();
        c
    }

    /// The experiment, if the engine accepts it and one step stays within
    /// [`PAGE_MAX_FLOPS`]; otherwise what to turn down.
    pub fn build(&self) -> Result<Experiment, String> {
        let config = self.experiment_config();
        let task = Task::new(config.task.clone()).map_err(|e| e.to_string())?;
        let work = config
            .net_config(&task)
            .flops_per_step(task.info().seq_len, config.batch_size);
        if work > PAGE_MAX_FLOPS {
            return Err(format!(
                "one training step would take {:.1} GFLOP, about {:.1} s each in the browser: too \
                 slow to watch it learn (limit {:.0} GFLOP). Use a smaller hidden size, sequence \
                 length or batch",
                work / 1e9,
                work / BROWSER_FLOPS_PER_SEC,
                PAGE_MAX_FLOPS / 1e9
            ));
        }
        Experiment::new(config).map_err(|e| e.to_string())
    }

    /// Whether going from `self` to `next` must rebuild the model (anything
    /// but learning rate, clipping and optimiser does).
    pub fn needs_reset(&self, next: &Settings) -> bool {
        let mut a = self.experiment_config();
        let mut b = next.experiment_config();
        a.train = TrainConfig::default();
        b.train = TrainConfig::default();
        a != b
    }

    /// The shortest sequence the page allows for the current task.
    pub fn min_seq_len(&self) -> usize {
        self.task.min_seq_len().max(*SEQ_LEN.start())
    }

    /// Brings cross-field combinations into range (a task that needs longer
    /// sequences than chosen). Returns what was changed, for a notice.
    pub fn reconcile(&mut self) -> Option<String> {
        let min = self.min_seq_len();
        if self.seq_len < min {
            let was = self.seq_len;
            self.seq_len = min;
            return Some(format!(
                "the {} task needs sequences of at least {min} steps: sequence length {was} → {min}",
                self.task.name()
            ));
        }
        None
    }
}

/// The engine's batch limit is above the page's, so every page batch is legal.
const _: () = assert!(*BATCH.end() <= MAX_BATCH);

/// How a menu labels a task.
pub fn task_label(t: TaskKind) -> &'static str {
    match t {
        TaskKind::Adding => "Adding problem",
        TaskKind::Copy => "Copy memory",
        TaskKind::TemporalOrder => "Temporal order",
        TaskKind::Sine => "Sine prediction",
        TaskKind::NextChar => "Next character",
        TaskKind::FillBlank => "Fill in the blank",
    }
}

pub fn activation_label(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "sigmoid",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => "leaky ReLU",
        Activation::Identity => "identity (linear)",
    }
}

pub fn init_label(i: Init) -> &'static str {
    match i {
        Init::Zeros => "zeros",
        Init::SmallRandom => "small random ×0.01",
        Init::Uniform { .. } => "uniform ±0.1",
        Init::XavierUniform => "Xavier uniform",
        Init::XavierNormal => "Xavier normal",
        Init::He => "He (Kaiming)",
        Init::Orthogonal => "orthogonal",
        Init::Identity => "identity",
    }
}

pub fn optimizer_label(o: OptimizerKind) -> &'static str {
    match o {
        OptimizerKind::Sgd => "SGD",
        OptimizerKind::Momentum { .. } => "SGD + momentum",
        OptimizerKind::Adam { .. } => "Adam",
    }
}

/// The optimisers the menu offers, with the engine's default parameters.
pub fn optimizers() -> [OptimizerKind; 3] {
    [
        OptimizerKind::Sgd,
        OptimizerKind::momentum(),
        OptimizerKind::adam(),
    ]
}

/// A number as a person reads it in a menu: `0.001`, `3`, `1e-6`.
pub fn format_number(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::Experiment;

    #[test]
    fn defaults_are_the_engine_default_lesson() {
        assert_eq!(
            Settings::default().experiment_config(),
            ExperimentConfig::default()
        );
    }

    #[test]
    fn model_names_round_trip() {
        for m in Model::ALL {
            assert_eq!(Model::from_name(m.name()), Some(m));
        }
        assert_eq!(Model::from_name("transformer"), None);
    }

    #[test]
    fn training_knobs_do_not_reset_but_architecture_does() {
        let a = Settings::default();
        let mut b = a.clone();
        b.learning_rate = 0.3;
        b.clip_mode = ClipMode::None;
        b.optimizer = OptimizerKind::Sgd;
        assert!(!a.needs_reset(&b));
        b.hidden = 8;
        assert!(a.needs_reset(&b));
        let mut c = a.clone();
        c.seed = 2;
        assert!(a.needs_reset(&c));
    }

    #[test]
    fn every_menu_combination_at_the_limits_builds() {
        for task in TaskKind::ALL {
            for model in Model::ALL {
                let mut s = Settings {
                    task,
                    model,
                    seq_len: *SEQ_LEN.start(),
                    hidden: *HIDDEN.start(),
                    batch_size: *BATCH.start(),
                    ..Settings::default()
                };
                s.reconcile();
                Experiment::new(s.experiment_config()).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            }
        }
    }

    #[test]
    fn the_page_refuses_steps_too_slow_to_watch() {
        // The engine's largest benchmark shape fits…
        let lstm = Settings {
            model: Model::new(CellKind::Lstm, false),
            hidden: 128,
            seq_len: 200,
            batch_size: 32,
            ..Settings::default()
        };
        assert!(lstm.build().is_ok());
        // …the largest menu values together do not, and the message says why.
        let huge = Settings {
            model: Model::new(CellKind::Lstm, true),
            hidden: *HIDDEN.end(),
            seq_len: *SEQ_LEN.end(),
            batch_size: *BATCH.end(),
            ..Settings::default()
        };
        let e = huge.build().err().expect("refused");
        assert!(e.contains("GFLOP") && e.contains("hidden size"), "{e}");
    }

    #[test]
    fn reconcile_lengthens_short_sequences() {
        let mut s = Settings {
            task: TaskKind::Copy,
            seq_len: 2,
            ..Settings::default()
        };
        assert!(s.reconcile().is_some());
        assert_eq!(s.seq_len, TaskKind::Copy.min_seq_len());
        assert!(s.reconcile().is_none());
    }
}
