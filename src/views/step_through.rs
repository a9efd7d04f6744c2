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
use crate::html::{Html, P};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
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
fn idle_html(l: Locale) -> String {
    let mut h = Html::new();
    h.open(P)
        .attr("class", "muted")
        .text(td_string!(l, graph.step.idle));
    h.finish()
}

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
    let i18n = use_i18n();
    view! {
        <div class="step-through">
            <div class="step-buttons">
                <button
                    data-testid="step-backward"
                    title=move || t_string!(i18n, graph.step.backward_hint)
                    on:click=backward
                >
                    {t!(i18n, graph.step.backward)}
                </button>
                <button
                    data-testid="step-forward"
                    title=move || t_string!(i18n, graph.step.forward_hint)
                    on:click=forward
                >
                    {t!(i18n, graph.step.forward)}
                </button>
                <button
                    class="quiet"
                    on:click=clear
                    disabled=move || cursor.get().t().is_none()
                    title=move || t_string!(i18n, graph.step.clear_hint)
                >
                    {t!(i18n, graph.step.clear)}
                </button>
                <span class="muted keys">{t!(i18n, graph.step.keys)}</span>
            </div>
            <div
                class="step-details"
                aria-live="polite"
                inner_html=move || {
                    details.with(|d| d.as_ref().map_or_else(|| idle_html(i18n.get_locale()), StepDetails::html))
                }
            ></div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::english_words;

    #[test]
    fn the_idle_read_out_is_in_the_page_language() {
        assert!(idle_html(Locale::en).contains("Step through the forward pass"));
        assert!(idle_html(Locale::zh).contains("正向传播"));
    }

    #[test]
    fn chinese_buttons_and_hints_have_no_english() {
        let l = Locale::zh;
        for t in [
            idle_html(l).as_str(),
            td_string!(l, graph.step.backward_hint),
            td_string!(l, graph.step.backward),
            td_string!(l, graph.step.forward_hint),
            td_string!(l, graph.step.forward),
            td_string!(l, graph.step.clear),
            td_string!(l, graph.step.clear_hint),
            td_string!(l, graph.step.keys),
        ] {
            assert!(english_words(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn markup_is_unchanged() {
        crate::html::golden("step-idle-en", &idle_html(Locale::en));
        crate::html::golden("step-idle-zh", &idle_html(Locale::zh));
    }
}
