//! rnn-lab: a page where a recurrent network trains live in the browser and a
//! class watches its gradients vanish or explode.
//!
//! - [`state`]: plain Rust, tested natively — the settings, the URL table,
//!   the loss history and the per-frame training budget;
//! - [`number`]: reading decimal numbers without Rust's parser tables;
//! - [`lab`]: the shared reactive state, the actions and the training loop;
//! - [`components`]: the controls, the status line, the loss chart;
//! - [`views`]: the views of the network's trace (issue 4).

pub mod app;
pub mod bench;
pub mod components;
pub mod lab;
pub mod number;
pub mod state;
pub mod views;

pub use app::App;
