//! The page's own components (the views of the trace are in `crate::views`).

pub mod compare;
pub mod controls;
pub mod files;
pub mod lesson;
pub mod loss_chart;
pub mod notice;
pub mod qr;
pub mod status;
pub mod user_text;
