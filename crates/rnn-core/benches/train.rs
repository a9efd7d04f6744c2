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
use std::time::Instant;

fn main() {
    println!("MFLOP per training step (matrix products only):");
    for cell in CellKind::ALL {
        for (h, t) in SHAPES {
            println!(
                "  {:4} H{h:<3} T{t:<3} {:8.1}",
                cell.name(),
                flops_per_step(cell, h, t) / 1e6
            );
        }
    }
    unit_times();
    divan::main();
}

/// How long the work units of the heaviest shape take, traced as the page
/// traces a step that spans frames: the page advances a step unit by unit,
/// so the longest unit bounds how far a frame can overrun its budget.
fn unit_times() {
    let (mut trainer, batch) = setup(CellKind::Lstm, 128, 200);
    trainer.step(&batch, Some(0)).unwrap();
    let mut times = Vec::new();
    trainer.begin_step(batch, Some(0)).unwrap();
    loop {
        let start = Instant::now();
        let done = trainer.advance(&mut || false).is_some();
        times.push(start.elapsed().as_secs_f64() * 1e3);
        if done {
            break;
        }
    }
    let total: f64 = times.iter().sum();
    times.sort_by(f64::total_cmp);
    println!(
        "Work units of one traced lstm H128 T200 step: {} units, median {:.3} ms, longest {:.3} ms, total {:.1} ms",
        times.len(),
        times[times.len() / 2],
        times[times.len() - 1],
        total
    );
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

/// The vanishing demo at its worst: sigmoid, ×0.01 init, T = 200. Its
/// gradients fall through the subnormal range within a few dozen steps;
/// because the engine flushes them to zero in software, this runs as fast
/// as the healthy `rnn` case of the same shape instead of many times slower.
#[divan::bench(sample_count = 20)]
fn rnn_vanishing_h32_t200(bencher: Bencher) {
    use rnn_core::{Activation, Init, NetConfig, RecurrentNet, TrainConfig, Trainer};
    let (plain, batch) = setup(CellKind::Rnn, 32, 200);
    let config = NetConfig {
        activation: Activation::Sigmoid,
        init_input: Init::SmallRandom,
        init_recurrent: Init::SmallRandom,
        ..plain.net.config.clone()
    };
    let net = RecurrentNet::<f32>::new(config).unwrap();
    let mut trainer = Trainer::new(net, TrainConfig { ..plain.config }).unwrap();
    let flushed = {
        trainer.net.forward(&batch).unwrap();
        trainer.net.backward(Some(0));
        trainer.net.trace(0).directions[0].flushed.iter().sum::<u32>()
    };
    assert!(flushed > 0, "the case must actually reach the subnormal range");
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        trainer.step(&batch, None).unwrap();
    });
}
