//! The benchmark shape of issues 2 and 3, shared by the native divan bench
//! and the in-browser benchmark so both measure exactly the same work:
//! input 8, batch 32, an 8-way softmax on the last step, plain SGD, f32.

use crate::batch::{Batch, Structure};
use crate::cell::CellKind;
use crate::loss::{LossKind, Targets};
use crate::net::{NetConfig, RecurrentNet};
use crate::optim::{Clip, OptimizerKind};
use crate::rng::Rng;
use crate::train::{TrainConfig, Trainer};
use nalgebra::DMatrix;

pub const INPUT: usize = 8;
pub const BATCH: usize = 32;
pub const CLASSES: usize = 8;

/// The (hidden, sequence length) pairs the issues name.
pub const SHAPES: [(usize, usize); 4] = [(32, 50), (32, 200), (128, 50), (128, 200)];

/// A trainer and a fixed random batch of the benchmark shape.
pub fn setup(cell: CellKind, hidden: usize, seq_len: usize) -> (Trainer<f32>, Batch<f32>) {
    let net = RecurrentNet::<f32>::new(NetConfig {
        cell,
        input_size: INPUT,
        hidden_size: hidden,
        output_size: CLASSES,
        structure: Structure::ManyToOne,
        loss: LossKind::CrossEntropy,
        ..NetConfig::default()
    })
    .expect("the benchmark shape is valid");
    let config = TrainConfig {
        optimizer: OptimizerKind::Sgd,
        learning_rate: 1e-3,
        clip: Clip::None,
    };
    let mut rng = Rng::new(1);
    let batch = Batch {
        seq_len,
        batch_size: BATCH,
        inputs: DMatrix::from_fn(INPUT, seq_len * BATCH, |_, _| rng.normal() as f32),
        targets: Targets::Classes((0..BATCH).map(|j| Some((j % CLASSES) as u32)).collect()),
    };
    (
        Trainer::new(net, config).expect("the benchmark config is valid"),
        batch,
    )
}

/// Floating-point operations of one training step in the matrix products
/// (forward U·X and W·h; backward Wᵀ·δ, ∂L/∂U and ∂L/∂W), counting a
/// multiply-add as two: 2·G·H·T·B·(2I + 3H). Elementwise work is left out,
/// so GFLOP/s figures are conservative.
pub fn flops_per_step(cell: CellKind, hidden: usize, seq_len: usize) -> f64 {
    let config = NetConfig {
        cell,
        input_size: INPUT,
        hidden_size: hidden,
        ..NetConfig::default()
    };
    config.flops_per_step(seq_len, BATCH)
}
