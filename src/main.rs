//! Entry point: mounts the page (trunk builds this binary to WebAssembly).

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(rnn_lab::App);
}

/// For `cargo xtask bench-web`: training steps per second of the engine's
/// benchmark shape, one figure per timed sample.
#[wasm_bindgen]
pub fn bench_train(cell: &str, hidden: usize, seq_len: usize, sample_ms: f64, samples: usize) -> Vec<f64> {
    let now = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    };
    rnn_lab::bench::train_steps_per_sec(cell, hidden, seq_len, sample_ms, samples, now)
}

/// Matrix-product FLOPs of one training step of that shape.
#[wasm_bindgen]
pub fn bench_flops(cell: &str, hidden: usize, seq_len: usize) -> f64 {
    rnn_lab::bench::flops(cell, hidden, seq_len)
}
