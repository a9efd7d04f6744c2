//! The page's own components (the views of the trace are in `crate::views`).

pub mod controls;
pub mod lesson;
pub mod loss_chart;
pub mod notice;
pub mod qr;
pub mod status;
