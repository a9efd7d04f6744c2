//! The notice: what in a link (or a change) could not be used, and what the
//! page did instead. Shown until dismissed; hidden (not removed) while there
//! is nothing to say, which downloads less code than a conditional subtree.

use crate::lab::Lab;
use crate::views::stats::escape;
use leptos::prelude::*;

#[component]
pub fn NoticeBox() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <div class="notice" data-testid="notice" role="alert" hidden=move || lab.notices.with(Vec::is_empty)>
            <div>
                <strong>"Note: "</strong>
                // One string, not a reactive list: it is replaced whole.
                <ul inner_html=move || {
                    lab.notices.with(|ns| {
                        ns.iter()
                            .map(|n| format!("<li data-key=\"{}\">{}</li>", escape(&n.key), escape(&n.message)))
                            .collect::<String>()
                    })
                }></ul>
            </div>
            <button class="icon" aria-label="dismiss" on:click=move |_| lab.notices.set(Vec::new())>
                "✕"
            </button>
        </div>
    }
}
