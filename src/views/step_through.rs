//! Step-through in time on the unrolled graph: buttons `step-forward` and
//! `step-backward`, the arrow keys, and the read-out of the highlighted
//! step (what made h_t going forward; ‖∂L/∂h_t‖ and the factor it was just
//! multiplied by going backward). The cursor logic is `timeline::Cursor`;
//! the read-out text is `graph_svg::step_details`.
//!
//! Keys (window-wide, ignored while typing in a control or with a modifier):
//! → steps forward, ← steps backward, Esc clears the highlight, and space
//! plays or pauses training — unless a button has focus (space presses it).

use super::graph_svg::StepDetails;
use super::timeline::Cursor;
use crate::lab::{Lab, RunState};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether a key press belongs to a form control (or a button, for space)
/// rather than to the page.
fn typing_in_control(ev: &web_sys::KeyboardEvent, space: bool) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "select" | "textarea")
        || (space && matches!(tag.as_str(), "button" | "a" | "summary"))
        || el.closest("[contenteditable]").ok().flatten().is_some()
}

/// Binds the keys for the lifetime of the calling component.
pub fn bind_keys(lab: Lab, cursor: RwSignal<Cursor>, len: Signal<usize>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || ev.default_prevented() {
            return;
        }
        let key = ev.key();
        match key.as_str() {
            "ArrowRight" | "ArrowLeft" | "Escape" if !typing_in_control(&ev, false) => {
                let n = len.get_untracked();
                cursor.update(|c| {
                    *c = match key.as_str() {
                        "ArrowRight" => c.forward(n),
                        "ArrowLeft" => c.backward(n),
                        _ => Cursor::default(),
                    }
                });
                ev.prevent_default();
            }
            " " if !typing_in_control(&ev, true) => {
                match lab.run.get_untracked() {
                    RunState::Running => lab.pause(),
                    _ => lab.play(),
                }
                ev.prevent_default();
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// What the read-out says before a step is highlighted.
const IDLE: &str = "<p class=\"muted\">Step through the forward pass (t = 1 → T), then the backward pass \
    (t = T → 1) to watch the gradient shrink or grow one step at a time.</p>";

/// The buttons and the read-out of the highlighted step.
#[component]
pub fn StepThrough(
    /// The highlighted step (shared with the graph).
    cursor: RwSignal<Cursor>,
    /// Sequence length of the trace on screen.
    #[prop(into)]
    len: Signal<usize>,
    /// What to say about the highlighted step.
    #[prop(into)]
    details: Signal<Option<StepDetails>>,
) -> impl IntoView {
    let forward = move |_| cursor.update(|c| *c = c.forward(len.get_untracked()));
    let backward = move |_| cursor.update(|c| *c = c.backward(len.get_untracked()));
    let clear = move |_| cursor.set(Cursor::default());
    view! {
        <div class="step-through">
            <div class="step-buttons">
                <button
                    data-testid="step-backward"
                    title="Backward pass: carry ∂L/∂h one step towards t = 1 (← key)"
                    on:click=backward
                >
                    "◀ backward step"
                </button>
                <button
                    data-testid="step-forward"
                    title="Forward pass: compute the next h_t (→ key)"
                    on:click=forward
                >
                    "forward step ▶"
                </button>
                <button
                    class="quiet"
                    on:click=clear
                    disabled=move || cursor.get().t().is_none()
                    title="Clear the highlight (Esc)"
                >
                    "clear"
                </button>
                <span class="muted keys">"keys: ← → step · space play/pause"</span>
            </div>
            <div
                class="step-details"
                aria-live="polite"
                inner_html=move || details.with(|d| d.as_ref().map_or_else(|| IDLE.to_string(), StepDetails::html))
            ></div>
        </div>
    }
}
