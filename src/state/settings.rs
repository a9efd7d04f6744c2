//! Every control on the page as one plain value, [`Settings`], and its
//! translation into the engine's [`ExperimentConfig`]. No web code: this is
//! tested with `cargo test`.

use crate::lang::Locale;
use rnn_core::experiment::MAX_BATCH;
use rnn_core::tasks::{Task, TaskKind};
use rnn_core::{
    Activation, CellKind, Clip, DatasetKind, Experiment, ExperimentConfig, Init, MlpConfig, OptimizerKind,
    TrainConfig,
};
use std::ops::RangeInclusive;
use std::sync::Arc;

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
    /// The page's language: it changes no number, never resets the run.
    pub lang: Locale,
    /// The deep-MLP view's network (its own run; never resets the RNN).
    pub mlp: MlpSettings,
    /// Whether run B trains beside run A (same seed, same batches).
    pub compare: bool,
    /// Where B differs from A: `(key, value)` pairs in table order, each a
    /// value that key's row accepts (`b.<key>=<value>` in the link). Kept
    /// while `compare` is off, so switching it back on restores B.
    pub b: Vec<(&'static str, String)>,
    /// The next-character task's own text instead of the built-in
    /// sentences (`None`). Kept while another task is chosen, like the
    /// activation of an LSTM; shared, not copied, when the settings are
    /// cloned (it may hold a million characters).
    pub text: Option<Arc<str>>,
    /// The perceptron view's data and η (its own run; never resets the RNN).
    pub perceptron: PerceptronSettings,
    /// The BP network view's net and data (its own run; never resets the RNN).
    pub bp: BpSettings,
    /// The lesson page open, presentation mode and the controls a link
    /// hides (rows `lesson`, `present`, `hide`): they change no number.
    pub lesson: LessonSettings,
}

/// What the lesson layer adds to a link (see `crate::lessons`): the page
/// open (`lesson=4.1`: its settings are applied before the link's other
/// keys, so a teacher's own keys override the page's), presentation mode
/// (`present=1`), and the controls a teacher's link hides
/// (`hide=activation,seed`: keys of the settings table).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonSettings {
    /// A page id of `crate::lessons::PAGES`.
    pub page: Option<&'static str>,
    pub present: bool,
    /// Keys of `state::url::FIELDS`, in the order the link gave them.
    pub hide: Vec<&'static str>,
}

/// The perceptron view's settings (rows `perceptron-*`).
#[derive(Clone, Debug, PartialEq)]
pub struct PerceptronSettings {
    pub data: DatasetKind,
    /// η of the rule w ← w + η·y·x.
    pub learning_rate: f64,
}

impl Default for PerceptronSettings {
    /// Separable data first: the chapter begins with a perceptron that works.
    fn default() -> Self {
        PerceptronSettings {
            data: DatasetKind::Blobs,
            learning_rate: 0.1,
        }
    }
}

/// η the perceptron accepts from a link, and the menu's values.
pub const PERCEPTRON_LR: RangeInclusive<f64> = 1e-3..=10.0;
pub const PERCEPTRON_LRS: &[f64] = &[0.01, 0.1, 0.5, 1.0];

/// The BP network view's settings (rows `bp-*`): 2 inputs, `hidden` units,
/// `outputs` sigmoid outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct BpSettings {
    pub hidden: usize,
    pub outputs: usize,
    pub activation: Activation,
    pub data: DatasetKind,
    pub learning_rate: f64,
}

impl Default for BpSettings {
    /// XOR, which the perceptron cannot learn, on the smallest net that can.
    fn default() -> Self {
        BpSettings {
            hidden: 3,
            outputs: 1,
            activation: Activation::Tanh,
            data: DatasetKind::Xor,
            learning_rate: 0.5,
        }
    }
}

/// Hidden units and outputs the BP view offers, and η from a link.
pub const BP_HIDDEN: RangeInclusive<usize> = 2..=4;
pub const BP_OUTPUTS: RangeInclusive<usize> = 1..=2;
pub const BP_LR: RangeInclusive<f64> = 1e-3..=10.0;
pub const BP_LRS: &[f64] = &[0.05, 0.1, 0.3, 0.5, 1.0, 2.0];

impl BpSettings {
    /// The engine's net for these settings (seed 1: Reset gives the same
    /// weights; biases start at 0).
    pub fn config(&self) -> rnn_core::BpConfig {
        rnn_core::BpConfig {
            inputs: 2,
            hidden: self.hidden,
            outputs: self.outputs,
            activation: self.activation,
            learning_rate: self.learning_rate,
            seed: 1,
            ..rnn_core::BpConfig::default()
        }
    }

    /// These settings but η: what rebuilds the net (a new η does not).
    pub fn net_part(&self) -> BpSettings {
        BpSettings {
            learning_rate: 0.0,
            ..self.clone()
        }
    }
}

/// Depths, activations and initialisations the deep-MLP view offers.
pub const DEPTHS: &[usize] = &[2, 5, 10, 20, 30, 50];
pub const ACTIVATIONS: &[Activation] = &[Activation::Sigmoid, Activation::Tanh, Activation::Relu];
pub const INITS: &[Init] = &[Init::SmallRandom, Init::XavierUniform, Init::He];

/// The deep-MLP view's own settings (rows `mlp-*` of the URL table, so
/// they are in the link and survive a reload).
#[derive(Clone, Debug, PartialEq)]
pub struct MlpSettings {
    pub depth: usize,
    pub activation: Activation,
    pub init: Init,
    pub batch_norm: bool,
    pub residual: bool,
    pub dataset: DatasetKind,
}

impl Default for MlpSettings {
    /// Deep enough for sigmoid to lose its gradient before the first layer.
    fn default() -> Self {
        MlpSettings {
            depth: 20,
            activation: Activation::Sigmoid,
            init: Init::XavierUniform,
            batch_norm: false,
            residual: false,
            dataset: DatasetKind::Circles,
        }
    }
}

impl MlpSettings {
    pub fn config(&self) -> MlpConfig {
        MlpConfig {
            depth: self.depth,
            width: crate::views::mlp::WIDTH,
            activation: self.activation,
            init: self.init,
            batch_norm: self.batch_norm,
            residual: self.residual,
            seed: 1,
            ..MlpConfig::default()
        }
    }

    pub fn train_config() -> TrainConfig {
        TrainConfig {
            optimizer: OptimizerKind::adam(),
            learning_rate: 0.01,
            clip: Clip::None,
        }
    }
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
            lang: Locale::en,
            mlp: MlpSettings::default(),
            perceptron: PerceptronSettings::default(),
            bp: BpSettings::default(),
            compare: false,
            b: Vec::new(),
            text: None,
            lesson: LessonSettings::default(),
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
    /// control for (forget bias, truncation) keep the engine defaults.
    pub fn experiment_config(&self) -> ExperimentConfig {
        let mut c = ExperimentConfig::default();
        c.task.kind = self.task;
        c.task.seq_len = self.seq_len;
        // Only the next-character task reads a text: another task with one
        // kept is the same experiment as without it.
        if self.task == TaskKind::NextChar {
            c.task.text = self.text.as_deref().map(String::from);
        }
        c.cell = self.model.cell;
        c.bidirectional = self.model.bidirectional;
        c.hidden_size = self.hidden;
        // LSTM and GRU gates have their own fixed functions: the setting is
        // kept for when the model is a plain RNN again, but it is not part of
        // an LSTM's or GRU's experiment (so changing it rebuilds nothing).
        if self.model.cell == CellKind::Rnn {
            c.activation = self.activation;
        }
        c.init_input = self.init_input;
        c.init_recurrent = self.init_recurrent;
        c.spectral_radius = self.spectral_radius;
        c.batch_size = self.batch_size;
        c.seed = self.seed;
        c.train = self.train_config();
        c
    }

    /// Matrix-product work of one training step, or why the engine refuses
    /// the task.
    pub fn step_flops(&self) -> Result<f64, rnn_core::Error> {
        let config = self.experiment_config();
        let task = Task::new(config.task.clone())?;
        Ok(config
            .net_config(&task)
            .flops_per_step(task.info().seq_len, config.batch_size))
    }

    /// The experiment, if the engine accepts it and one step stays within
    /// [`PAGE_MAX_FLOPS`]; otherwise why not.
    pub fn build(&self) -> Result<Experiment, Refusal> {
        let flops = self.step_flops().map_err(Refusal::Engine)?;
        if flops > PAGE_MAX_FLOPS {
            return Err(Refusal::TooSlow { flops });
        }
        Experiment::new(self.experiment_config()).map_err(Refusal::Engine)
    }

    /// Brings a combination too slow to watch within [`PAGE_MAX_FLOPS`],
    /// changing as little as it must: first the batch (it changes only the
    /// noise of each step), then the hidden size, then the sequence length,
    /// each halved until the step fits. Every other setting stays as it
    /// was. Returns what changed, `(key, from, to)`, in that order; nothing
    /// when it already fitted or the engine refuses it for another reason.
    pub fn fit_to_page(&mut self) -> Vec<(&'static str, usize, usize)> {
        let mut changes: Vec<(&'static str, usize, usize)> = Vec::new();
        let too_slow = |s: &Settings| matches!(s.step_flops(), Ok(f) if f > PAGE_MAX_FLOPS);
        let min_len = self.min_seq_len();
        type Knob = (&'static str, fn(&mut Settings) -> &mut usize, usize);
        let knobs: [Knob; 3] = [
            ("batch-size", |s| &mut s.batch_size, *BATCH.start()),
            ("hidden", |s| &mut s.hidden, *HIDDEN.start()),
            ("seq-len", |s| &mut s.seq_len, min_len),
        ];
        for (key, knob, floor) in knobs {
            let from = *knob(self);
            while too_slow(self) && *knob(self) > floor {
                let v = knob(self);
                *v = (*v / 2).max(floor);
            }
            let to = *knob(self);
            if to != from {
                changes.push((key, from, to));
            }
        }
        changes
    }

    /// Whether going from `self` to `next` must rebuild the model (anything
    /// but learning rate, clipping and optimiser does).
    pub fn needs_reset(&self, next: &Settings) -> bool {
        let mut a = self.experiment_config();
        let mut b = next.experiment_config();
        a.train = TrainConfig::default();
        b.train = TrainConfig::default();
        // Run B comes and goes with A: both start afresh, in lockstep.
        a != b || self.compare != next.compare || (next.compare && self.b != next.b)
    }

    /// Run B's settings: A's with B's differences applied through their rows
    /// (a difference a row refuses is left out). B has no B of its own.
    pub fn run_b(&self) -> Settings {
        let mut b = Settings {
            compare: false,
            b: Vec::new(),
            ..self.clone()
        };
        for (key, value) in &self.b {
            let fallback = b.clone();
            let _ = super::url::apply(&mut b, key, value, &fallback);
        }
        b.reconcile();
        b
    }

    /// The same settings in another language.
    pub fn with_lang(&self, lang: Locale) -> Settings {
        Settings { lang, ..self.clone() }
    }

    /// The shortest sequence the page allows for the current task.
    pub fn min_seq_len(&self) -> usize {
        self.task.min_seq_len().max(*SEQ_LEN.start())
    }

    /// Brings cross-field combinations into range (a task that needs longer
    /// sequences than chosen). Returns what was changed, `(was, now)`, for a
    /// notice.
    pub fn reconcile(&mut self) -> Option<(usize, usize)> {
        let min = self.min_seq_len();
        if self.seq_len < min {
            let was = self.seq_len;
            self.seq_len = min;
            return Some((was, min));
        }
        None
    }
}

/// Why the page will not build an experiment from some settings.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// One training step would be more than [`PAGE_MAX_FLOPS`] of work.
    TooSlow { flops: f64 },
    /// The engine refused the configuration (which limit, which value).
    Engine(rnn_core::Error),
}

impl Refusal {
    /// Seconds one step would take in the browser, for the message.
    pub fn seconds(flops: f64) -> f64 {
        flops / BROWSER_FLOPS_PER_SEC
    }
}

/// The engine's batch limit is above the page's, so every page batch is legal.
const _: () = assert!(*BATCH.end() <= MAX_BATCH);

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
        assert!(
            matches!(e, Refusal::TooSlow { flops } if flops > PAGE_MAX_FLOPS),
            "{e:?}"
        );
    }

    #[test]
    fn a_combination_too_slow_is_fitted_changing_as_little_as_it_must() {
        // The link of issue 8: every value but the batch survives.
        let mut s = Settings {
            task: TaskKind::NextChar,
            model: Model::new(CellKind::Lstm, true),
            hidden: 256,
            seq_len: 200,
            batch_size: 64,
            seed: 99,
            learning_rate: 0.003,
            ..Settings::default()
        };
        let before = s.clone();
        let changes = s.fit_to_page();
        assert!(s.build().is_ok(), "{s:?}");
        assert_eq!(changes.first().map(|c| c.0), Some("batch-size"), "{changes:?}");
        assert_eq!(
            (s.task, s.model, s.seed, s.learning_rate),
            (before.task, before.model, before.seed, before.learning_rate)
        );
        // Halving stops as soon as the step fits: twice the batch did not.
        let mut bigger = s.clone();
        bigger.batch_size *= 2;
        if s.hidden == before.hidden {
            assert!(bigger.build().is_err());
        }
        // A combination that fits is left alone.
        let mut fine = Settings::default();
        assert!(fine.fit_to_page().is_empty());
        assert_eq!(fine, Settings::default());
    }

    #[test]
    fn activation_is_no_part_of_an_lstm() {
        let lstm = Settings {
            model: Model::new(CellKind::Lstm, false),
            ..Settings::default()
        };
        let relu = Settings {
            activation: Activation::Relu,
            ..lstm.clone()
        };
        assert!(!lstm.needs_reset(&relu));
        let rnn = Settings {
            model: Model::new(CellKind::Rnn, false),
            ..lstm.clone()
        };
        assert!(rnn.needs_reset(&Settings {
            activation: Activation::Relu,
            ..rnn.clone()
        }));
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
