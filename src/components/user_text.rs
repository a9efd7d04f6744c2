//! The next-character task's own text (the settings row `text`): a box
//! beside the task's description, shown when the task is next character,
//! with the engine's limits said before anything is typed, a live count of
//! characters and different characters, and the engine's reason when a
//! text is refused (too short for the sequence length, too long, too few
//! or too many different characters). Any script: a character is what the
//! engine counts, a Unicode scalar value.
//!
//! The words around the box are HTML strings (see `views::stats`): one
//! for what the run trains on and the limits, one for the count and the
//! two buttons, whose clicks the row's handler reads by `data-testid`.

use crate::files_text;
use crate::html::{Html, BUTTON, DIV, P, SPAN};
use crate::i18n::*;
use crate::lab::Lab;
use crate::lang::Locale;
use crate::state::files;
use leptos::prelude::*;
use rnn_core::tasks::TaskKind;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Under the box: the count of its text and the two buttons, why a text
/// was refused, what the run trains on, the limits, and whether the link
/// keeps the text.
pub fn info_html(
    l: Locale,
    draft: &str,
    text: Option<&str>,
    seq_len: usize,
    refused: Option<&rnn_core::Error>,
) -> String {
    let (chars, distinct) = files::text_counts(draft);
    let mut h = Html::new();
    h.open(DIV).attr("class", "ut-row");
    h.open(SPAN)
        .attr("class", "muted")
        .attr("data-testid", "user-text-count");
    h.text(&files_text::text_counts(l, chars, distinct)).close();
    h.open(BUTTON)
        .attr("type", "button")
        .attr("class", "primary")
        .attr("data-testid", "user-text-use");
    h.text(td_string!(l, files.text.use_it)).close();
    h.open(BUTTON)
        .attr("type", "button")
        .attr("data-testid", "user-text-builtin");
    if text.is_none() {
        h.flag("disabled");
    }
    h.text(td_string!(l, files.text.builtin)).close();
    h.close();
    if let Some(e) = refused {
        let why = crate::text::engine_error(l, e);
        h.open(P)
            .attr("class", "ut-message")
            .attr("data-testid", "user-text-message")
            .attr("role", "alert");
        h.text(&crate::tr!(l, files.text.refused, why)).close();
    }
    let (now, note) = files_text::text_now(l, text);
    h.open(P)
        .open(SPAN)
        .attr("class", "ut-now")
        .text(&now)
        .close()
        .text(" ");
    h.open(SPAN)
        .attr("class", "muted")
        .text(&files_text::text_limits(l, seq_len));
    h.close().close();
    if let Some(note) = note {
        h.open(P)
            .attr("class", "ut-note")
            .attr("data-testid", "user-text-link-note");
        h.text(&note).close();
    }
    h.finish()
}

#[component]
pub fn UserText() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let area = NodeRef::<leptos::html::Textarea>::new();
    // What is in the box; it becomes the setting only with "Train on this text".
    let draft = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<rnn_core::Error>);
    // A link or a loaded run changes the text: the box shows it (and only
    // then, so what is being typed survives any other change).
    Effect::new(move |shown: Option<Option<Arc<str>>>| {
        let text = lab.settings.with(|s| s.text.clone());
        if shown.as_ref() != Some(&text) {
            let value = text.as_deref().unwrap_or_default().to_string();
            if let Some(el) = area.get() {
                el.set_value(&value);
            }
            draft.set(value);
        }
        text
    });
    let clicked = move |ev: web_sys::MouseEvent| {
        let id = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("button[data-testid]").ok().flatten())
            .and_then(|b| b.get_attribute("data-testid"));
        match id.as_deref() {
            Some("user-text-use") => {
                let text = draft.get_untracked();
                let seq_len = lab.settings.with_untracked(|s| s.seq_len);
                if let Some(e) = files::text_refusal(&text, seq_len) {
                    refused.set(Some(e));
                    return;
                }
                refused.set(None);
                lab.change(move |s| s.text = Some(Arc::from(text.as_str())));
            }
            Some("user-text-builtin") => {
                refused.set(None);
                lab.change(|s| s.text = None);
            }
            _ => {}
        }
    };
    let info = move || {
        let l = i18n.get_locale();
        lab.settings.with(|s| {
            refused.with(|r| draft.with(|d| info_html(l, d, s.text.as_deref(), s.seq_len, r.as_ref())))
        })
    };
    view! {
        <details
            class="user-text"
            data-testid="user-text-panel"
            hidden=move || lab.settings.with(|s| s.task != TaskKind::NextChar)
            open=lab.settings.with_untracked(|s| s.text.is_some())
        >
            <summary id="user-text-label">{t!(i18n, files.text.label)}</summary>
            <textarea
                node_ref=area
                data-testid="user-text"
                rows="3"
                spellcheck="false"
                aria-labelledby="user-text-label"
                placeholder=move || t_string!(i18n, files.text.placeholder)
                on:input=move |ev| draft.set(event_target_value(&ev))
            ></textarea>
            <div class="ut-info" inner_html=info on:click=clicked></div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::english_words;

    #[test]
    fn the_box_says_its_limits_and_refusals_in_both_languages() {
        let e = files::text_refusal("ab", 30).expect("too short");
        let en = info_html(Locale::en, "ab", None, 30, Some(&e));
        assert!(en.contains("Training on the built-in sentences."), "{en}");
        assert!(en.contains("at least 31 characters") && en.contains("data-testid=\"user-text-message\""));
        assert!(en.contains("Not used: the text has 2 characters"), "{en}");
        assert!(
            en.contains("2 characters, 2 different") && en.contains(" disabled>"),
            "{en}"
        );
        let long = "字".repeat(300);
        let zh = info_html(Locale::zh, "叠被子，叠", Some(&long), 30, Some(&e));
        assert!(
            zh.contains("300 个字") && zh.contains("user-text-link-note"),
            "{zh}"
        );
        assert!(
            zh.contains("5 个字，其中 4 个不同") && !zh.contains("disabled"),
            "{zh}"
        );
        assert!(english_words(&zh).is_empty(), "{:?}", english_words(&zh));
    }

    #[test]
    fn markup_is_unchanged() {
        let e = rnn_core::Error::UnknownParameter("<b>\"x\"</b>".into());
        crate::html::golden(
            "user-text-en",
            &info_html(Locale::en, "ab<c>", Some("ab<c>"), 40, Some(&e)),
        );
        crate::html::golden("user-text-zh", &info_html(Locale::zh, "", None, 40, None));
    }
}
