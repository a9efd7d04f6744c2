//! View 1 and 2: the unrolled graph (x_t → h_t → y_t for every step, the
//! recurrent arrows, the shared U, W, V named once) with the step-through
//! beneath it. The markup comes from `graph_svg` (plain, tested); this
//! component decides which trace to show, how many columns fit, and when
//! the Jacobian norms are worth computing.
//!
//! Redraws at most twice a second while training (the caption names the
//! step shown); at once after a Step, a Reset or a pause.

use super::graph_svg::{data_table, graph_svg, step_details, GraphOptions};
use super::onscreen::Redraw;
use super::step_through::{bind_keys, StepThrough};
use super::throttle::throttled_trace;
use super::timeline::{Cursor, Phase};
use crate::lab::{Lab, RunState};
use leptos::prelude::*;
use rnn_core::{CellKind, Trace};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Column width in CSS pixels at which the graph's text is drawn 1:1.
const COL_PX: f64 = 78.0;
/// Jacobian chains cost about T·H³; above this they are computed only while
/// training is stopped, and above `MAX_COST` not at all.
const LIVE_COST: f64 = 4e6;
const MAX_COST: f64 = 6e7;

#[derive(Clone)]
struct Shown {
    trace: Arc<Trace>,
    /// ‖diag(φ'(a_t))·W‖ for the RNN, when computed for this trace.
    norms: Option<Arc<Vec<f64>>>,
    /// Why there are no norms (shown in the read-out).
    norms_note: Option<&'static str>,
}

#[component]
pub fn UnrolledGraph() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let latest = throttled_trace(lab, 500.0);
    let cursor = RwSignal::new(Cursor::default());
    let shown = RwSignal::new(None::<Shown>);
    let hover = RwSignal::new(None::<String>);
    let host = NodeRef::<leptos::html::Div>::new();
    let width = RwSignal::new(900.0);

    let measure = move || {
        if let Some(el) = host.get_untracked() {
            let w = el.client_width() as f64;
            if w > 0.0 && (w - width.get_untracked()).abs() > 1.0 {
                width.set(w);
            }
        }
    };
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let backward = Memo::new(move |_| cursor.with(|c| c.phase() == Some(Phase::Backward)));
    // Measured once the graph is in the page, then only on resize: reading
    // a layout size after every redraw would force a layout each time.
    request_animation_frame(measure);
    Effect::new(move |_| {
        let Some(trace) = latest.get() else {
            shown.set(None);
            return;
        };
        let wants_norms = backward.get() && trace.cell == CellKind::Rnn;
        let running = lab.run.get() == RunState::Running;
        if !wants_norms {
            shown.set(Some(Shown {
                trace,
                norms: None,
                norms_note: None,
            }));
            return;
        }
        // Already computed for this trace?
        if shown.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| Arc::ptr_eq(&s.trace, &trace) && s.norms.is_some())
        }) {
            return;
        }
        let cost = trace.seq_len as f64 * (trace.hidden as f64).powi(3);
        let note = if cost > MAX_COST {
            Some("the Jacobian bound is not computed for a network this large")
        } else if running && cost > LIVE_COST {
            Some("pause to compute the Jacobian bound (too costly to redo live at this size)")
        } else {
            None
        };
        if note.is_some() {
            shown.set(Some(Shown {
                trace,
                norms: None,
                norms_note: note,
            }));
            return;
        }
        // `analysis()` follows the newest trace: show that one with it, so
        // the graph and its factors always describe the same step.
        let newest = lab
            .snapshot
            .with_untracked(|s| s.as_ref().and_then(|s| s.trace.clone()))
            .unwrap_or(trace);
        let norms = lab
            .analysis()
            .and_then(|a| a.jacobians.into_iter().next())
            .map(|j| Arc::new(j.step_norms));
        shown.set(Some(Shown {
            trace: newest,
            norms,
            norms_note: None,
        }));
    });

    let len = Signal::derive(move || {
        shown.with(|s| {
            s.as_ref()
                .map_or(0, |s| s.trace.seq_len.min(s.trace.inputs.len()))
        })
    });
    // A new, shorter sequence keeps the cursor on the graph.
    Effect::new(move |_| {
        let n = len.get();
        let c = cursor.get_untracked();
        if c.clamp(n) != c {
            cursor.set(c.clamp(n));
        }
    });
    bind_keys(lab, cursor, len);

    // At most 13 columns: on a wide screen the graph grows (larger text for
    // the back of the room) rather than adding columns (more DOM per redraw).
    let max_cols = move || (((width.get() - 114.0) / COL_PX).floor() as usize).clamp(5, 13);
    let svg = move || {
        let cols = max_cols();
        let c = cursor.get();
        shown.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                graph_svg(
                    &s.trace,
                    GraphOptions {
                        cursor: c,
                        max_cols: cols,
                        step_norms: s.norms.as_deref().map(|v| v.as_slice()),
                    },
                )
            })
        })
    };
    // The SVG is rebuilt only on screen (see `onscreen::Redraw`): it is the
    // most expensive thing these views put in the page.
    let redraw = Redraw::new();
    Effect::new(move |_| {
        shown.track();
        cursor.track();
        width.track();
        redraw.changed();
    });
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        if redraw.due(&el) {
            el.set_inner_html(&untrack(svg));
        }
    });
    let table = move || {
        shown.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                data_table(&s.trace, s.norms.as_deref().map(|v| v.as_slice()))
            })
        })
    };
    let details = Signal::derive(move || {
        let c = cursor.get();
        shown.with(|s| {
            s.as_ref().and_then(|s| {
                let mut d = step_details(&s.trace, c, s.norms.as_deref().map(|v| v.as_slice()))?;
                if let Some(note) = s.norms_note {
                    d.lines.insert(0, note.to_string());
                }
                Some(d)
            })
        })
    });
    let caption = move || {
        let running = lab.run.get() == RunState::Running;
        shown.with(|s| match s {
            None => "No trace yet.".to_string(),
            Some(s) => format!(
                "Example 1 of the batch at training step {}{}. Click a node to highlight its step.",
                s.trace.step,
                if running {
                    " (live: follows the newest step, redrawn twice a second)"
                } else {
                    ""
                }
            ),
        })
    };
    let node_info = move |ev: &web_sys::Event| {
        let info = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".ug-node").ok().flatten())
            .and_then(|n| n.get_attribute("aria-label"));
        if info.is_some() {
            hover.set(info);
        }
    };
    let click = move |ev: web_sys::MouseEvent| {
        let t = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".ug-node").ok().flatten())
            .and_then(|n| n.get_attribute("data-t"))
            .and_then(|t| t.parse::<usize>().ok());
        if let Some(t) = t {
            cursor.update(|c| {
                *c = Cursor(Some((c.phase().unwrap_or(Phase::Forward), t))).clamp(len.get_untracked())
            });
        }
    };

    view! {
        <figure
            class="view view-wide unrolled-graph"
            data-testid="unrolled-graph"
            data-phase=move || match cursor.get().phase() {
                Some(Phase::Forward) => "forward",
                Some(Phase::Backward) => "backward",
                None => "none",
            }
            data-cursor-t=move || cursor.get().t().map_or(String::new(), |t| t.to_string())
            data-step=move || shown.with(|s| s.as_ref().map(|s| s.trace.step.to_string()))
        >
            <h2>"Unrolled in time: one column per step, the same weights in every column"</h2>
            <div
                class="ug-svg"
                node_ref=host
                on:mouseover=move |ev: web_sys::MouseEvent| node_info(&ev)
                on:focusin=move |ev: web_sys::FocusEvent| node_info(&ev)
                on:click=click
            ></div>
            <p class="ug-hover" aria-live="polite">
                {move || hover.get().unwrap_or_else(|| "Hover or focus (Tab) a node to read its numbers here.".into())}
            </p>
            <figcaption class="muted">{caption}</figcaption>
            <StepThrough cursor=cursor len=len details=details/>
            <details class="view-data">
                <summary>"the numbers"</summary>
                <div class="view-data-table" data-testid="unrolled-graph-data" inner_html=table></div>
            </details>
        </figure>
    }
}
