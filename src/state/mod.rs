//! The page's plain logic, free of web APIs so `cargo test` reaches it.

pub mod budget;
pub mod files;
pub mod history;
pub mod json;
pub mod presets;
pub mod settings;
pub mod url;
