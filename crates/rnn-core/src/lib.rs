//! rnn-core: the learning engine of rnn-lab.
//!
//! Recurrent networks (RNN, LSTM, GRU, bidirectional) and feed-forward ones
//! (perceptron, MLP with batch normalisation and residual connections) on
//! nalgebra, trained with exact backpropagation (through time), and a trace
//! of every step in plain data for the views to draw. No web crates: this
//! builds and tests natively with `cargo test`.
//!
//! Generic over the scalar (`f32` to train in the browser, `f64` for the
//! gradient checks): see [`Real`].

pub mod activation;
pub mod analysis;
pub mod batch;
pub mod benchmark;
pub mod bp;
pub mod cell;
pub mod datasets;
pub mod error;
pub mod experiment;
pub mod gate;
pub mod gradcheck;
pub mod init;
pub mod layer;
pub mod loss;
pub mod mlp;
pub mod net;
pub mod optim;
pub mod param;
pub mod perceptron;
pub mod real;
pub mod rng;
pub mod saved;
pub mod schedule;
pub mod spectrum;
pub mod tasks;
pub mod trace;
pub mod train;

pub use activation::Activation;
pub use analysis::{Analysed, Analysis, AnalysisJob, RecurrentWeights};
pub use batch::{Batch, Structure};
pub use bp::{
    BpBackward, BpBias, BpConfig, BpError, BpForward, BpGrid, BpLoss, BpNet, BpNetData, BpParamKind,
    BpParamRow, BpPart, BpStep,
};
pub use cell::CellKind;
pub use datasets::{Dataset, DatasetConfig, DatasetKind};
pub use error::{Error, Invalid, Mismatch};
pub use error::{LoadError, SaveError, SavedPart};
pub use experiment::{Experiment, ExperimentConfig};
pub use gate::{Block, Direction, Gate};
pub use gradcheck::{EntryCheck, GradCheck, GradCheckConfig, GradCheckReport, ParamCheck};
pub use init::Init;
pub use loss::{LossKind, Targets};
pub use mlp::{Mlp, MlpConfig, MlpLayerTrace, MlpStepReport, MlpTrace, MlpTrainer};
/// The matrix type of the engine's inputs (features × batch), so a caller
/// can name a batch without depending on nalgebra itself.
pub use nalgebra::DMatrix;
pub use net::{NetConfig, RecurrentNet};
pub use optim::{Clip, ClipReport, OptimizerKind};
pub use param::{Param, Params, SavedParam};
pub use perceptron::{linearly_separable_2d, PerceptronOutcome, PerceptronRun, PerceptronStep};
pub use perceptron::{Perceptron, PerceptronEpoch};
pub use real::Real;
pub use rng::Rng;
pub use saved::{RunHeader, SavedOptimizer, SavedRun};
pub use spectrum::{JacobianChain, Spectrum};
pub use tasks::{Task, TaskConfig, TaskKind};
pub use trace::{DirectionTrace, Trace};
pub use train::{Divergence, DivergenceCause, Overflow, StepError, StepReport, TrainConfig, Trainer};
