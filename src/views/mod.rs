//! The views of the network's trace (issue 4: unrolled graph, gradient
//! through time, gates, parameter gradients, spectrum, activation, MLP).
//!
//! Each view is its own component in its own file here, reads
//! `expect_context::<crate::lab::Lab>()` (see `crate::lab` for what it
//! offers: `snapshot` with the latest `Trace`, `analysis()`, `epoch`, …), and
//! is placed in the grid below. The grid is `section.views` in `crate::app`.

pub mod activation;
pub mod bp_net;
pub mod canvas;
pub mod chart;
pub mod colour;
pub mod formula;
pub mod gates;
pub mod grad_check;
pub mod grad_history;
pub mod grad_through_time;
pub mod gradients;
pub mod graph_svg;
pub mod heatmap;
pub mod mlp;
pub mod onscreen;
pub mod param_grads;
pub mod perceptron;
pub mod spectrum;
pub mod stats;
pub mod step_through;
pub mod throttle;
pub mod timeline;
pub mod trace_cards;
pub mod unrolled_graph;

use leptos::prelude::*;

/// The unrolled graph's step-through cursor, shared with the views whose
/// formula cards show a time step (the gate view's).
#[derive(Clone, Copy)]
pub struct GraphCursor(pub RwSignal<timeline::Cursor>);

/// Every view, in the order they appear in the grid.
#[component]
pub fn Views() -> impl IntoView {
    provide_context(GraphCursor(RwSignal::new(timeline::Cursor::default())));
    view! {
        <unrolled_graph::UnrolledGraph/>
        <grad_through_time::GradThroughTime/>
        <grad_history::GradHistoryView/>
        <gates::GateHeatmap/>
        <param_grads::ParamGrads/>
        <spectrum::SpectrumView/>
        <activation::ActivationPlot/>
        <mlp::MlpGrads/>
        // The lesson's first chapters, after the recurrent views: the page
        // opens on the RNN lab and the lesson scrolls down to them.
        <perceptron::PerceptronView/>
        <bp_net::BpNetView/>
    }
}
