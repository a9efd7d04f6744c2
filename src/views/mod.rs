//! The views of the network's trace (issue 4: unrolled graph, gradient
//! through time, gates, parameter gradients, spectrum, activation, MLP).
//!
//! Each view is its own component in its own file here, reads
//! `expect_context::<crate::lab::Lab>()` (see `crate::lab` for what it
//! offers: `snapshot` with the latest `Trace`, `analysis()`, `epoch`, …), and
//! is placed in the grid below. The grid is `section.views` in `crate::app`.

use crate::lab::Lab;
use leptos::prelude::*;

/// Every view, in the order they appear in the grid.
#[component]
pub fn Views() -> impl IntoView {
    view! { <Placeholder/> }
}

/// Stands in until the views exist: says what the latest trace holds.
#[component]
fn Placeholder() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let summary = move || {
        lab.snapshot
            .with(|s| match s.as_ref().and_then(|s| s.trace.as_ref()) {
                Some(t) => format!(
                    "Latest trace: step {}, {} time steps × {} hidden units, {} direction(s).",
                    t.step,
                    t.seq_len,
                    t.hidden,
                    t.directions.len()
                ),
                None => "No trace yet.".to_string(),
            })
    };
    view! {
        <div class="view placeholder">
            <h2>"Views"</h2>
            <p>"The unrolled graph, the gradient through time and the gates will appear here."</p>
            <p class="muted">{summary}</p>
        </div>
    }
}
