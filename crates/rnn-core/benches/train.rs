//! Training throughput on the benchmark shape of issue 2 (see
//! `rnn_core::benchmark`): hidden 32 and 128, sequence length 50 and 200,
//! for RNN, LSTM and GRU.
//!
//! Run with `cargo bench -p rnn-core`. Divan's "item/s" is training steps
//! per second; GFLOP/s is that times the MFLOP per step printed first.

use divan::counter::ItemsCount;
use divan::Bencher;
use rnn_core::benchmark::{flops_per_step, setup, SHAPES};
use rnn_core::CellKind;

fn main() {
    println!("MFLOP per training step (matrix products only):");
    for cell in CellKind::ALL {
        for (h, t) in SHAPES {
            println!("  {:4} H{h:<3} T{t:<3} {:8.1}", cell.name(), flops_per_step(cell, h, t) / 1e6);
        }
    }
    divan::main();
}

fn run(bencher: Bencher, cell: CellKind, (hidden, seq_len): (usize, usize)) {
    let (mut trainer, batch) = setup(cell, hidden, seq_len);
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        trainer.step(&batch, None).unwrap();
    });
}

#[divan::bench(args = SHAPES, sample_count = 20)]
fn rnn(bencher: Bencher, shape: (usize, usize)) {
    run(bencher, CellKind::Rnn, shape);
}

#[divan::bench(args = SHAPES, sample_count = 20)]
fn lstm(bencher: Bencher, shape: (usize, usize)) {
    run(bencher, CellKind::Lstm, shape);
}

#[divan::bench(args = SHAPES, sample_count = 20)]
fn gru(bencher: Bencher, shape: (usize, usize)) {
    run(bencher, CellKind::Gru, shape);
}
