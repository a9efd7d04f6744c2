//! The views of the network's trace (issue 4: unrolled graph, gradient
//! through time, gates, parameter gradients, spectrum, activation, MLP).
//!
//! Each view is its own component in its own file here, reads
//! `expect_context::<crate::lab::Lab>()` (see `crate::lab` for what it
//! offers: `snapshot` with the latest `Trace`, `analysis()`, `epoch`, …), and
//! is placed in the grid below. The grid is `section.views` in `crate::app`.

pub mod activation;
pub mod canvas;
pub mod chart;
pub mod colour;
pub mod gates;
pub mod grad_history;
pub mod grad_through_time;
pub mod gradients;
pub mod graph_svg;
pub mod heatmap;
pub mod mlp;
pub mod onscreen;
pub mod param_grads;
pub mod spectrum;
pub mod stats;
pub mod step_through;
pub mod throttle;
pub mod timeline;
pub mod unrolled_graph;

use leptos::prelude::*;

/// Every view, in the order they appear in the grid.
#[component]
pub fn Views() -> impl IntoView {
    view! {
        <unrolled_graph::UnrolledGraph/>
        <grad_through_time::GradThroughTime/>
        <grad_history::GradHistoryView/>
        <gates::GateHeatmap/>
        <param_grads::ParamGrads/>
        <spectrum::SpectrumView/>
        <activation::ActivationPlot/>
        <mlp::MlpGrads/>
    }
}
