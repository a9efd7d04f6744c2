//! Why the engine refused a model, a batch or a setting, as data: which
//! limit, the value given and the allowed range, so the page can word each
//! refusal in the reader's own language with a `match`. The English
//! `Display` below is for developers, logs and tests only.
//!
//! Bounds that are part of a quantity's meaning (at least one, finite,
//! ≥ 0) are named by the variant; limits the engine chose (its `MAX_*`
//! constants) travel with it as numbers.

use crate::bp::BpPart;
use crate::tasks::TaskKind;
use crate::LossKind;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// A value out of its allowed range.
    Invalid(Invalid),
    /// Sizes that do not fit together.
    Shape(Mismatch),
    /// No parameter (or buffer) by this name.
    UnknownParameter(String),
    /// A part of a BP training step taken out of turn: `got` while `expected` is next.
    PartOutOfOrder { expected: BpPart, got: BpPart },
    /// A gradient check asked of an experiment that has drawn no batch yet (no step or probe).
    NoBatchYet,
}

/// A value out of its allowed range: the value given and the range.
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    // What a recurrent experiment is allowed to cost.
    /// Examples per batch outside 1..=`max`.
    BatchSize { got: usize, max: usize },
    /// The training buffers would need `bytes` bytes, more than `limit`.
    TooMuchMemory { bytes: f64, limit: f64 },
    /// One training step would take `flops` floating-point operations, more than `limit`.
    TooManyFlops { flops: f64, limit: f64 },

    // Training knobs.
    /// Learning rate not a finite number ≥ 0.
    LearningRate { value: f64 },
    /// Clipping threshold (by value or by norm) not a finite number > 0.
    ClipThreshold { value: f64 },

    // Tasks.
    /// Sequence length outside `min..=max` for `task`.
    SeqLen {
        task: TaskKind,
        got: usize,
        min: usize,
        max: usize,
    },
    /// The next-character text has `got` different characters, outside 2..=`max`.
    DistinctChars { got: usize, max: usize },
    /// The next-character text has `got` characters, fewer than `min` (the sequence length + 1).
    TextTooShort { got: usize, min: usize },
    /// The next-character text has `got` characters, more than `max`.
    TextTooLong { got: usize, max: usize },

    // A model's shape and initialisation.
    /// Input size below 1, or above `max` when the model has a limit.
    InputSize { got: usize, max: Option<usize> },
    /// Output size below 1, or above `max` when the model has a limit.
    OutputSize { got: usize, max: Option<usize> },
    /// Cross-entropy over `got` classes (it needs at least 2).
    TooFewClasses { got: usize },
    /// Hidden size of a recurrent net outside 1..=`max`.
    HiddenSize { got: usize, max: usize },
    /// Spectral radius of the recurrent matrix not a finite number ≥ 0.
    SpectralRadius { value: f64 },
    /// The `a` of a uniform initialiser U(−a, a) not finite.
    UniformRange { value: f64 },
    /// LSTM forget-gate bias not finite.
    ForgetBias { value: f64 },
    /// Truncated BPTT window of 0 steps (it must be at least 1).
    ZeroTruncation,
    /// Number of hidden layers of an MLP outside 1..=`max`.
    Depth { got: usize, max: usize },
    /// Width of an MLP's hidden layers outside 1..=`max`.
    Width { got: usize, max: usize },

    // Batches and data.
    /// A batch with no example (`batch_size` 0) or empty sequences (`seq_len` 0; 1 for an MLP).
    EmptyBatch { seq_len: usize, batch_size: usize },
    /// Sequences of length `got`, longer than a recurrent net reads (`max`).
    SeqTooLong { got: usize, max: usize },
    /// Sequences of length `got` for a one-to-one net, which reads length 1.
    OneToOneSeqLen { got: usize },
    /// Inputs contain NaN or ±∞.
    NonFiniteInputs,
    /// A target class `class` not below the number of classes, `classes`.
    TargetClass { class: usize, classes: usize },
    /// Batch normalisation asked to train on `got` examples (it needs at least 2).
    BatchNormBatch { got: usize },
    /// Saved running statistic `name` with a value not finite (or a negative variance).
    RunningStats { name: String },

    // The perceptron.
    /// Perceptron learning rate not a finite number > 0.
    PerceptronLearningRate { value: f64 },
    /// Perceptron weights or bias not all finite.
    NonFiniteWeights,
    /// A perceptron label `value` other than +1 or −1 (the first such).
    PerceptronLabel { value: f64 },

    // Datasets.
    /// Number of points outside `min..=max`.
    Points { got: usize, min: usize, max: usize },
    /// Noise not a number in 0..=`max`.
    Noise { value: f64, max: f64 },

    // The BP network.
    /// A target not finite, or (for cross-entropy) outside 0..=1.
    TargetValue { value: f64 },
}

/// Sizes that do not fit together: what was expected and what was given.
/// Shapes are (rows, columns).
#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    /// Inputs of shape `got` where `expected` was needed.
    Inputs {
        expected: (usize, usize),
        got: (usize, usize),
    },
    /// Inputs with `got` rows for a model that reads `expected` (any number of columns).
    InputRows { expected: usize, got: usize },
    /// Targets that do not fit `loss` with `outputs` outputs over `columns` columns.
    Targets {
        loss: LossKind,
        outputs: usize,
        columns: usize,
    },
    /// `got` labels for `expected` input columns.
    Labels { expected: usize, got: usize },
    /// Parameter (or buffer) `name` given as `got` where it is `expected`.
    Param {
        name: String,
        expected: (usize, usize),
        got: (usize, usize),
    },
    /// Saved parameter `name` with `got` values where its rows × columns make `expected`.
    ValueCount {
        name: String,
        expected: usize,
        got: usize,
    },
    /// A target of `got` values for a net with `expected` outputs.
    TargetSize { expected: usize, got: usize },
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Self {
        Error::Invalid(e)
    }
}

impl From<Mismatch> for Error {
    fn from(e: Mismatch) -> Self {
        Error::Shape(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(e) => e.fmt(f),
            Error::Shape(e) => e.fmt(f),
            Error::UnknownParameter(n) => write!(f, "no parameter named {n:?}"),
            Error::PartOutOfOrder { expected, got } => {
                write!(
                    f,
                    "the {got:?} part of a BP step was asked for, but {expected:?} comes next"
                )
            }
            Error::NoBatchYet => f.write_str("no batch to check yet: take a step or a probe first"),
        }
    }
}

impl std::error::Error for Error {}

/// "at least 1" or "between 1 and max".
fn one_to(max: Option<usize>) -> String {
    match max {
        Some(m) => format!("between 1 and {m}"),
        None => "at least 1".into(),
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Invalid::*;
        const SMALLER: &str = "use a smaller hidden size, sequence length or batch";
        match self {
            BatchSize { got, max } => write!(f, "batch size must be between 1 and {max} (got {got})"),
            TooMuchMemory { bytes, limit } => write!(
                f,
                "this network would need about {:.0} MB per batch (limit {:.0} MB): {SMALLER}",
                bytes / 1e6,
                limit / 1e6
            ),
            TooManyFlops { flops, limit } => write!(
                f,
                "one training step would take {:.0} GFLOP (limit {:.0}): {SMALLER}",
                flops / 1e9,
                limit / 1e9
            ),
            LearningRate { value } => write!(f, "learning rate must be a finite number ≥ 0 (got {value})"),
            ClipThreshold { value } => write!(f, "clip threshold must be a finite number > 0 (got {value})"),
            SeqLen { task, got, min, max } => write!(
                f,
                "the {} task needs a sequence length between {min} and {max} (got {got})",
                task.name()
            ),
            DistinctChars { got, max } => write!(
                f,
                "the text needs between 2 and {max} different characters (it has {got})"
            ),
            TextTooShort { got, min } => write!(
                f,
                "the text needs at least {min} characters for sequences of length {} (it has {got})",
                min.saturating_sub(1)
            ),
            TextTooLong { got, max } => {
                write!(f, "the text may have at most {max} characters (it has {got})")
            }
            InputSize { got, max } => write!(f, "input size must be {} (got {got})", one_to(*max)),
            OutputSize { got, max } => write!(f, "output size must be {} (got {got})", one_to(*max)),
            TooFewClasses { got } => write!(f, "cross-entropy needs at least 2 classes (got {got})"),
            HiddenSize { got, max } => write!(f, "hidden size must be between 1 and {max} (got {got})"),
            SpectralRadius { value } => {
                write!(f, "spectral radius must be a finite number ≥ 0 (got {value})")
            }
            UniformRange { value } => write!(f, "uniform range must be finite (got {value})"),
            ForgetBias { value } => write!(f, "forget bias must be finite (got {value})"),
            ZeroTruncation => f.write_str("truncation window must be at least 1 step"),
            Depth { got, max } => write!(
                f,
                "the number of hidden layers must be between 1 and {max} (got {got})"
            ),
            Width { got, max } => write!(f, "hidden width must be between 1 and {max} (got {got})"),
            EmptyBatch { seq_len, batch_size } => write!(
                f,
                "sequence length and batch size must be at least 1 (got {seq_len} and {batch_size})"
            ),
            SeqTooLong { got, max } => write!(f, "sequence length must be at most {max} (got {got})"),
            OneToOneSeqLen { got } => {
                write!(f, "a one-to-one network reads sequences of length 1 (got {got})")
            }
            NonFiniteInputs => f.write_str("inputs contain NaN or infinity"),
            TargetClass { class, classes } => write!(f, "target class {class} is not below {classes}"),
            BatchNormBatch { got } => write!(
                f,
                "batch normalisation needs at least 2 examples per batch when training (got {got})"
            ),
            RunningStats { name } => write!(f, "{name}: values must be finite (variances ≥ 0)"),
            PerceptronLearningRate { value } => write!(
                f,
                "the perceptron's learning rate must be a finite number > 0 (got {value})"
            ),
            NonFiniteWeights => f.write_str("weights and bias must be finite"),
            PerceptronLabel { value } => write!(f, "perceptron labels must be +1 or −1 (got {value})"),
            Points { got, min, max } => {
                write!(f, "a dataset needs between {min} and {max} points (got {got})")
            }
            Noise { value, max } => write!(f, "noise must be a number between 0 and {max} (got {value})"),
            TargetValue { value } => write!(
                f,
                "targets must be finite, and between 0 and 1 for cross-entropy (got {value})"
            ),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Mismatch::*;
        match self {
            Inputs { expected, got } => write!(f, "inputs are {got:?}, expected {expected:?}"),
            InputRows { expected, got } => write!(f, "inputs have {got} rows, expected {expected}"),
            Targets {
                loss,
                outputs,
                columns,
            } => write!(
                f,
                "targets do not fit {loss:?} with {outputs} outputs over {columns} columns"
            ),
            Labels { expected, got } => write!(f, "{got} labels for {expected} input columns"),
            Param { name, expected, got } => write!(f, "{name}: expected {expected:?}, got {got:?}"),
            ValueCount { name, expected, got } => {
                write!(f, "{name}: {got} values, expected {expected} (rows × columns)")
            }
            TargetSize { expected, got } => write!(f, "a target of {got} values for {expected} outputs"),
        }
    }
}

/// Which list of matrices of a saved run a refusal is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedPart {
    /// The network's weights (`weights`).
    Weights,
    /// The optimiser's first moments: momentum's velocity, Adam's m (`optimizer.first_moments`).
    FirstMoments,
    /// The optimiser's second moments: Adam's v (`optimizer.second_moments`).
    SecondMoments,
}

/// Why a saved run (see `saved`) was not loaded. The run on screen is never
/// touched: `Experiment::load` builds a new run and hands it back only once
/// every check has passed.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// Not JSON, cut short, or a field missing or of the wrong type: the parser's reason, shortened.
    Damaged { reason: String },
    /// Not a run saved by rnn-lab: no `format` field with its name (another program's file).
    Foreign,
    /// Saved by a newer rnn-lab in format version `got`; this one reads versions up to `max`.
    NewerVersion { got: u64, max: u64 },
    /// The saved settings are refused, as they would be from a link.
    Config(Error),
    /// `name` is in the file's `part` but the network the settings build has no such parameter.
    UnknownParameter { part: SavedPart, name: String },
    /// The network's parameter `name` is not in the file's `part`.
    MissingParameter { part: SavedPart, name: String },
    /// `name` is in the file's `part` more than once.
    DuplicateParameter { part: SavedPart, name: String },
    /// `name` in `part` is `got` (rows, columns) where the settings make it `expected`.
    Shape {
        part: SavedPart,
        name: String,
        expected: (usize, usize),
        got: (usize, usize),
    },
    /// `name` in `part` has `got` values where its rows × columns make `expected`.
    ValueCount {
        part: SavedPart,
        name: String,
        expected: usize,
        got: usize,
    },
    /// `name` in `part` holds a number beyond f32's range (±3.4·10³⁸), which would be ±∞.
    NotFinite { part: SavedPart, name: String },
    /// Moments (`part`) that the settings' optimiser (`optimizer`, e.g. "sgd") does not keep.
    UnusedMoments {
        part: SavedPart,
        optimizer: &'static str,
    },
    /// The state of the generator that draws the batches is all zeros, which it never reaches.
    RngState,
    /// A step count (steps done, or the optimiser's) of `got`, above `max`.
    TooManySteps { got: u64, max: u64 },
}

/// Why a run could not be saved.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveError {
    /// A step begun with `begin_step` is not finished: a run is saved between steps.
    StepInProgress,
    /// `name` in `part` holds NaN or ±∞, which a saved run cannot hold (see `saved`).
    NotFinite { part: SavedPart, name: String },
}

impl LoadError {
    /// At most this many characters of a parser's reason are kept.
    pub const MAX_REASON_CHARS: usize = 200;

    /// `Damaged`, with the parser's error as its reason (cut to
    /// [`Self::MAX_REASON_CHARS`]: a parser may quote a whole string of the file).
    pub fn damaged(reason: impl fmt::Display) -> Self {
        let reason = reason.to_string();
        let reason = match reason.char_indices().nth(Self::MAX_REASON_CHARS) {
            Some((end, _)) => format!("{}…", &reason[..end]),
            None => reason,
        };
        LoadError::Damaged { reason }
    }
}

impl fmt::Display for SavedPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SavedPart::Weights => "weights",
            SavedPart::FirstMoments => "first moments",
            SavedPart::SecondMoments => "second moments",
        })
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LoadError::*;
        match self {
            Damaged { reason } => write!(f, "the file is damaged or cut short: {reason}"),
            Foreign => f.write_str("this is not a run saved by rnn-lab"),
            NewerVersion { got, max } => write!(
                f,
                "this run was saved by a newer rnn-lab (format version {got}; this one reads up to {max})"
            ),
            Config(e) => write!(f, "the saved settings are refused: {e}"),
            UnknownParameter { part, name } => write!(f, "{part}: the network has no parameter {name:?}"),
            MissingParameter { part, name } => write!(f, "{part}: {name:?} is missing"),
            DuplicateParameter { part, name } => write!(f, "{part}: {name:?} is given more than once"),
            Shape {
                part,
                name,
                expected,
                got,
            } => write!(f, "{part}: {name} is {got:?}, expected {expected:?}"),
            ValueCount {
                part,
                name,
                expected,
                got,
            } => write!(
                f,
                "{part}: {name} has {got} values, expected {expected} (rows × columns)"
            ),
            NotFinite { part, name } => write!(f, "{part}: {name} holds a value beyond f32's range"),
            UnusedMoments { part, optimizer } => {
                write!(f, "{part} are given, but the {optimizer} optimiser keeps none")
            }
            RngState => f.write_str("the data generator's state is all zeros"),
            TooManySteps { got, max } => write!(f, "a step count of {got} is above {max}"),
        }
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::StepInProgress => f.write_str("a step is under way: save between steps"),
            SaveError::NotFinite { part, name } => {
                write!(f, "{part}: {name} holds NaN or infinity, which cannot be saved")
            }
        }
    }
}

impl std::error::Error for LoadError {}
impl std::error::Error for SaveError {}
