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
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
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

/// Why the RNN's Jacobian norms are not shown (said in the read-out).
#[derive(Clone, Copy, Debug, PartialEq)]
enum NormsNote {
    TooLarge,
    PauseFirst,
}

impl NormsNote {
    fn text(self, l: Locale) -> &'static str {
        match self {
            NormsNote::TooLarge => td_string!(l, graph.norms_too_large),
            NormsNote::PauseFirst => td_string!(l, graph.norms_pause),
        }
    }
}

#[derive(Clone)]
struct Shown {
    trace: Arc<Trace>,
    /// ‖diag(φ'(a_t))·W‖ for the RNN, when computed for this trace.
    norms: Option<Arc<Vec<f64>>>,
    /// Why there are no norms (shown in the read-out).
    norms_note: Option<NormsNote>,
}

/// The caption under the graph.
fn caption_text(l: Locale, step: Option<u64>, running: bool) -> String {
    match step {
        None => td_string!(l, graph.no_trace).to_string(),
        Some(step) if running => crate::tr!(l, graph.caption_live, step),
        Some(step) => crate::tr!(l, graph.caption, step),
    }
}

#[component]
pub fn UnrolledGraph() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
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
        // A Jacobian chain the lab has just worked out (`Snapshot::jacobians`).
        lab.analysed.track();
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
            Some(NormsNote::TooLarge)
        } else if running && cost > LIVE_COST {
            Some(NormsNote::PauseFirst)
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
        // The newest snapshot's trace with the Jacobian chain of the weights
        // it was recorded with: the graph and its factors always describe
        // the same step of the run the views show.
        let mut pending = false;
        let (newest, norms) = lab
            .shown_snapshot_untracked()
            .with_untracked(|s| {
                let s = s.as_ref()?;
                let chains = s.jacobians();
                pending = chains.is_none() && s.weights.is_some();
                let norms = chains
                    .and_then(|j| j.first())
                    .map(|j| Arc::new(j.step_norms.clone()));
                Some((s.trace.clone()?, norms))
            })
            .unwrap_or((trace, None));
        if pending {
            lab.analyse_soon();
        }
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
        let l = i18n.get_locale();
        shown.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                graph_svg(
                    &s.trace,
                    GraphOptions {
                        cursor: c,
                        max_cols: cols,
                        step_norms: s.norms.as_deref().map(|v| v.as_slice()),
                    },
                    l,
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
        // A new language redraws the graph in it.
        i18n.get_locale();
        redraw.changed();
    });
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        if redraw.due(&el) {
            el.set_inner_html(&untrack(svg));
        }
    });
    let table = move || {
        let l = i18n.get_locale();
        shown.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                data_table(&s.trace, s.norms.as_deref().map(|v| v.as_slice()), l)
            })
        })
    };
    let details = Signal::derive(move || {
        let c = cursor.get();
        let l = i18n.get_locale();
        shown.with(|s| {
            s.as_ref().and_then(|s| {
                let mut d = step_details(&s.trace, c, s.norms.as_deref().map(|v| v.as_slice()), l)?;
                if let Some(note) = s.norms_note {
                    d.lines.insert(0, note.text(l).to_string());
                }
                Some(d)
            })
        })
    });
    let caption = move || {
        let running = lab.run.get() == RunState::Running;
        let step = shown.with(|s| s.as_ref().map(|s| s.trace.step));
        caption_text(i18n.get_locale(), step, running)
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
            <h2>{t!(i18n, graph.title)}</h2>
            <div
                class="ug-svg"
                node_ref=host
                on:mouseover=move |ev: web_sys::MouseEvent| node_info(&ev)
                on:focusin=move |ev: web_sys::FocusEvent| node_info(&ev)
                on:click=click
            ></div>
            <p class="ug-hover" aria-live="polite">
                {move || hover.get().unwrap_or_else(|| t_string!(i18n, graph.hover_hint).to_string())}
            </p>
            <figcaption class="muted">{caption}</figcaption>
            <StepThrough cursor=cursor len=len details=details/>
            <details class="view-data">
                <summary>{t!(i18n, graph.numbers)}</summary>
                <div class="view-data-table" data-testid="unrolled-graph-data" inner_html=table></div>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::english_words;

    #[test]
    fn captions_and_notes_in_both_languages() {
        assert_eq!(caption_text(Locale::en, None, false), "No trace yet.");
        assert!(caption_text(Locale::en, Some(7), true).contains("training step 7 (live"));
        assert!(caption_text(Locale::zh, Some(7), true).contains("训练第 7 步（实时"));
        for l in crate::lang::ALL {
            assert!(!NormsNote::TooLarge.text(l).is_empty());
        }
    }

    #[test]
    fn chinese_captions_and_notes_have_no_english() {
        let mut texts = vec![
            NormsNote::TooLarge.text(Locale::zh).to_string(),
            NormsNote::PauseFirst.text(Locale::zh).to_string(),
            td_string!(Locale::zh, graph.title).to_string(),
            td_string!(Locale::zh, graph.hover_hint).to_string(),
            td_string!(Locale::zh, graph.numbers).to_string(),
        ];
        for (step, running) in [(None, false), (Some(3), false), (Some(3), true)] {
            texts.push(caption_text(Locale::zh, step, running));
        }
        for t in texts {
            assert!(english_words(&t).is_empty(), "{t}");
        }
    }
}
