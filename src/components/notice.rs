//! The notice: what in a link (or a change) could not be used, and what the
//! page did instead. Shown until dismissed; hidden (not removed) while there
//! is nothing to say, which downloads less code than a conditional subtree.

use crate::i18n::*;
use crate::lab::Lab;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn NoticeBox() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    // Worded at display time, so a language switch rewords the notices.
    let items = move || {
        let l = i18n.get_locale();
        lab.notices.with(|ns| {
            ns.iter()
                .map(|n| (n.key.clone(), text::parts(&text::notice(l, n))))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="notice" data-testid="notice" role="alert" hidden=move || lab.notices.with(Vec::is_empty)>
            <div>
                <strong>{t!(i18n, app.notice.note)}</strong>
                <ul>
                    {move || {
                        items()
                            .into_iter()
                            .map(|(key, parts)| {
                                let parts = parts
                                    .into_iter()
                                    .map(|(code, text)| {
                                        if code {
                                            view! { <code>{text}</code> }.into_any()
                                        } else {
                                            text.into_any()
                                        }
                                    })
                                    .collect_view();
                                view! { <li data-key=key>{parts}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <button
                class="icon"
                aria-label=move || t_string!(i18n, app.notice.dismiss)
                on:click=move |_| lab.notices.set(Vec::new())
            >
                "✕"
            </button>
        </div>
    }
}
