//! The in-browser training benchmark that `cargo xtask bench-web` calls (via
//! `window.wasmBindings.bench_train`): the engine's benchmark shapes
//! (`rnn_core::benchmark`), timed with `performance.now()`.

use rnn_core::benchmark::{flops_per_step, setup};
use rnn_core::CellKind;

/// Steps per second of `samples` timed runs, each at least `sample_ms` long
/// (and at least one step), after one warm-up step. Empty for an unknown cell.
pub fn train_steps_per_sec(
    cell: &str,
    hidden: usize,
    seq_len: usize,
    sample_ms: f64,
    samples: usize,
    now: impl Fn() -> f64,
) -> Vec<f64> {
    let Some(cell) = CellKind::from_name(cell) else {
        return Vec::new();
    };
    if !(1..=1024).contains(&hidden) || !(1..=1000).contains(&seq_len) {
        return Vec::new();
    }
    let (mut trainer, batch) = setup(cell, hidden, seq_len);
    let _ = trainer.step(&batch, None);
    (0..samples.min(100))
        .map(|_| {
            let start = now();
            let mut steps = 0u32;
            while steps == 0 || now() - start < sample_ms {
                let _ = trainer.step(&batch, None);
                steps += 1;
            }
            steps as f64 * 1000.0 / (now() - start).max(1e-3)
        })
        .collect()
}

/// Matrix-product floating-point operations of one step of that shape.
pub fn flops(cell: &str, hidden: usize, seq_len: usize) -> f64 {
    CellKind::from_name(cell).map_or(0.0, |c| flops_per_step(c, hidden, seq_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_requested_samples() {
        let t = std::time::Instant::now();
        let now = move || t.elapsed().as_secs_f64() * 1000.0;
        let r = train_steps_per_sec("rnn", 8, 10, 1.0, 3, now);
        assert_eq!(r.len(), 3);
        assert!(r.iter().all(|x| *x > 0.0));
        assert!(train_steps_per_sec("transformer", 8, 10, 1.0, 3, now).is_empty());
        assert!(flops("lstm", 32, 50) > flops("rnn", 32, 50));
    }
}
