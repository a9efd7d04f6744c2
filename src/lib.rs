//! rnn-lab: a page where a recurrent network trains live in the browser and a
//! class watches its gradients vanish or explode.
//!
//! - [`state`]: plain Rust, tested natively — the settings, the URL table,
//!   the loss history and the per-frame training budget;
//! - [`lang`] and [`i18n`]: the page's two languages (Chinese and English);
//! - [`text`]: the page's words for the engine's values, notices and refusals;
//!   [`files_text`]: for saving, loading and the user's own text;
//! - [`html`]: the one builder of markup strings (text always escaped);
//! - [`number`]: reading decimal numbers without Rust's parser tables;
//! - [`lab`]: the shared reactive state, the actions and the training loop;
//! - [`components`]: the controls, the status line, the loss chart;
//! - [`views`]: the views of the network's trace (issue 4);
//! - [`lessons`]: the lesson's chapters and pages, as plain data.

pub mod app;
pub mod bench;
pub mod components;
pub mod files_text;
pub mod html;
pub mod lab;
pub mod lang;
pub mod lessons;
pub mod number;
pub mod state;
pub mod text;
pub mod views;

pub use app::App;

// The translations in `locales/`, checked at compile time: the module
// `i18n` with `Locale`, `use_i18n`, `t!`, `td_string!`. The macro is marked
// deprecated in favour of a build script (`leptos_i18n_build`), which would
// bring ICU's data exporter and a network client into every build for
// features this page does not use (plural rules, number formats); the macro
// reads the same files and generates the same module.
#[allow(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}
pub use generated::i18n;
