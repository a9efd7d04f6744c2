//! The notice: what in a link (or a change) could not be used, and what the
//! page did instead. Shown until dismissed.

use crate::lab::Lab;
use leptos::prelude::*;

#[component]
pub fn NoticeBox() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <Show when=move || lab.notices.with(|n| !n.is_empty())>
            <div class="notice" data-testid="notice" role="alert">
                <div>
                    <strong>"Note: "</strong>
                    <ul>
                        {move || {
                            lab.notices
                                .get()
                                .into_iter()
                                .map(|n| view! { <li data-key=n.key>{n.message}</li> })
                                .collect_view()
                        }}
                    </ul>
                </div>
                <button class="icon" aria-label="dismiss" on:click=move |_| lab.notices.set(Vec::new())>
                    "✕"
                </button>
            </div>
        </Show>
    }
}
