//! Training throughput on the benchmark shape of issue 2: input 8, hidden 32
//! and 128, sequence length 50 and 200, batch 32, an 8-way softmax on the
//! last step, plain SGD, for RNN, LSTM and GRU, in f32.
//!
//! Run with `cargo bench -p rnn-core`. Divan prints steps per second (the
//! "item/s" column); GFLOP/s is steps/s × `flops_per_step`, which the
//! bench prints before it starts.

use divan::counter::ItemsCount;
use divan::Bencher;
use nalgebra::DMatrix;
use rnn_core::*;

fn main() {
    println!("FLOP per training step (multiply-adds × 2, matrix products only):");
    for cell in CellKind::ALL {
        for h in [32, 128] {
            for t in [50, 200] {
                println!(
                    "  {:4} H{h:<3} T{t:<3} {:8.1} MFLOP",
                    cell.name(),
                    flops_per_step(cell, 8, h, t, 32) / 1e6
                );
            }
        }
    }
    divan::main();
}

/// Forward U·X and W·h, backward Wᵀ·δ, ∂L/∂U and ∂L/∂W: 2·G·H·T·B·(2I + 3H).
fn flops_per_step(cell: CellKind, i: usize, h: usize, t: usize, b: usize) -> f64 {
    let gh = (cell.gates() * h) as f64;
    2.0 * gh * (t * b) as f64 * (2 * i + 3 * h) as f64
}

fn trainer(cell: CellKind, hidden: usize, seq_len: usize) -> (Trainer<f32>, Batch<f32>) {
    let batch_size = 32;
    let net = RecurrentNet::<f32>::new(NetConfig {
        cell,
        input_size: 8,
        hidden_size: hidden,
        output_size: 8,
        structure: Structure::ManyToOne,
        loss: LossKind::CrossEntropy,
        ..NetConfig::default()
    })
    .unwrap();
    let config = TrainConfig {
        optimizer: OptimizerKind::Sgd,
        learning_rate: 1e-3,
        clip: Clip::None,
    };
    let mut rng = Rng::new(1);
    let batch = Batch {
        seq_len,
        batch_size,
        inputs: DMatrix::from_fn(8, seq_len * batch_size, |_, _| rng.normal() as f32),
        targets: Targets::Classes((0..batch_size).map(|j| Some((j % 8) as u32)).collect()),
    };
    (Trainer::new(net, config).unwrap(), batch)
}

fn run(bencher: Bencher, cell: CellKind, hidden: usize, seq_len: usize) {
    let (mut trainer, batch) = trainer(cell, hidden, seq_len);
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        trainer.step(&batch, None).unwrap();
    });
}

const SHAPES: [(usize, usize); 4] = [(32, 50), (32, 200), (128, 50), (128, 200)];

#[divan::bench(args = SHAPES, sample_count = 20)]
fn rnn(bencher: Bencher, (hidden, seq_len): (usize, usize)) {
    run(bencher, CellKind::Rnn, hidden, seq_len);
}

#[divan::bench(args = SHAPES, sample_count = 20)]
fn lstm(bencher: Bencher, (hidden, seq_len): (usize, usize)) {
    run(bencher, CellKind::Lstm, hidden, seq_len);
}

#[divan::bench(args = SHAPES, sample_count = 20)]
fn gru(bencher: Bencher, (hidden, seq_len): (usize, usize)) {
    run(bencher, CellKind::Gru, hidden, seq_len);
}
