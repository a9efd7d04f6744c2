//! The comparison (对比): a switch for run B, the list of where B differs
//! from A, a way to add or remove a difference, and B's step count and loss.
//! B trains in lockstep with A in the lab's one driver (same seed, same
//! batches); its differences are `b.<key>` rows of the link, so a
//! comparison is a link. The loss chart and the gradient through time
//! overlay B's curves.

use crate::components::status::format_loss;
use crate::html::menu_options;
use crate::i18n::*;
use crate::lab::Lab;
use crate::lang::Locale;
use crate::state::settings::Settings;
use crate::state::url::{b_may_differ, Control, Field, FIELDS};
use leptos::prelude::*;

/// How the page shows a value of a row: its menu label, or the value itself.
fn value_words(f: &Field, s: &Settings, l: Locale, value: &str) -> String {
    match f.control {
        Control::Menu(options) => options(s, l)
            .into_iter()
            .find(|(v, _)| v == value)
            .map_or_else(|| value.to_string(), |(_, label)| label),
        _ => value.to_string(),
    }
}

/// "B: ReLU instead of tanh, clipping off instead of by norm", or that B is
/// the same as A.
pub fn b_diff_text(s: &Settings, l: Locale) -> String {
    let changes: Vec<String> =
        s.b.iter()
            .filter_map(|(key, value)| {
                let f = FIELDS.iter().find(|f| f.key == *key)?;
                let b = s.run_b();
                Some(crate::tr!(
                    l,
                    app.compare.instead,
                    what = (f.label)(l),
                    b = value_words(f, &b, l, value),
                    a = value_words(f, s, l, &(f.write)(s))
                ))
            })
            .collect();
    if changes.is_empty() {
        td_string!(l, app.compare.b_same).to_string()
    } else {
        crate::tr!(
            l,
            app.compare.b_diff,
            changes = changes.join(td_string!(l, app.compare.sep))
        )
    }
}

#[component]
pub fn ComparePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let on = move || lab.settings.with(|s| s.compare);
    let diff = move || {
        let l = i18n.get_locale();
        lab.settings.with(|s| b_diff_text(s, l))
    };
    // The difference being edited: a key B may differ in.
    let keys: Vec<&'static Field> = FIELDS.iter().filter(|f| b_may_differ(f)).collect();
    let picked = RwSignal::new(keys.first().map_or("", |f| f.key));
    let key_options = move || {
        let l = i18n.get_locale();
        let o: Vec<(String, String)> = FIELDS
            .iter()
            .filter(|f| b_may_differ(f))
            .map(|f| (f.key.to_string(), (f.label)(l).to_string()))
            .collect();
        menu_options(&o, picked.get())
    };
    let picked_field = move || FIELDS.iter().find(|f| f.key == picked.get());
    // B's current value of the picked key, and the values its row offers.
    let b_value = move || {
        let f = picked_field()?;
        Some(lab.settings.with(|s| (f.write)(&s.run_b())))
    };
    let value_options = move || {
        let l = i18n.get_locale();
        let Some(f) = picked_field() else {
            return String::new();
        };
        lab.settings.with(|s| {
            let b = s.run_b();
            let o = match f.control {
                Control::Menu(options) => options(&b, l),
                _ => vec![((f.write)(&b), (f.write)(&b))],
            };
            menu_options(&o, &(f.write)(&b))
        })
    };
    let is_menu = move || picked_field().is_some_and(|f| matches!(f.control, Control::Menu(_)));
    let step_b = move || lab.b.snapshot.with(|s| s.as_ref().map_or(0, |s| s.step));
    let loss_b = move || {
        lab.b
            .snapshot
            .with(|s| s.as_ref().map_or("–".into(), |s| format_loss(s.loss)))
    };
    let diverged_b = move || {
        let l = i18n.get_locale();
        lab.b.divergence.with(|d| {
            d.as_ref()
                .map(|d| crate::tr!(l, app.compare.diverged_b, step = d.step))
        })
    };
    let set_b = move |value: String| {
        let key = picked.get_untracked();
        lab.set_field(&format!("b.{key}"), &value);
    };
    view! {
        <div class="compare" data-state=move || if on() { "on" } else { "off" }>
            <label class="compare-switch">
                <input
                    type="checkbox"
                    data-testid="compare"
                    name="compare"
                    prop:checked=on
                    on:change=move |ev| lab.set_field("compare", if event_target_checked(&ev) { "on" } else { "off" })
                />
                {t!(i18n, app.compare.label)}
            </label>
            <span class="b-diff" data-testid="b-diff" hidden=move || !on()>{diff}</span>
            <span class="b-status" hidden=move || !on()>
                <i class="swatch-b"></i>
                {t!(i18n, app.status.step)} " " <b data-testid="step-count-b">{step_b}</b> " "
                {t!(i18n, app.status.loss)} " " <b data-testid="loss-b">{loss_b}</b>
            </span>
            <span class="b-edit" hidden=move || !on()>
                <select
                    data-testid="b-key"
                    aria-label=move || t_string!(i18n, app.compare.add)
                    title=move || t_string!(i18n, app.compare.add)
                    inner_html=key_options
                    prop:value=move || picked.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(f) = FIELDS.iter().find(|f| f.key == v) {
                            picked.set(f.key);
                        }
                    }
                ></select>
                <select
                    data-testid="b-value"
                    hidden=move || !is_menu()
                    aria-label=move || t_string!(i18n, app.compare.value)
                    inner_html=value_options
                    prop:value=move || b_value().unwrap_or_default()
                    on:change=move |ev| set_b(event_target_value(&ev))
                ></select>
                <input
                    type="number"
                    data-testid="b-number"
                    hidden=is_menu
                    aria-label=move || t_string!(i18n, app.compare.value)
                    prop:value=move || b_value().unwrap_or_default()
                    on:change=move |ev| set_b(event_target_value(&ev))
                />
                <button
                    class="icon"
                    data-testid="b-remove"
                    title=move || t_string!(i18n, app.compare.remove)
                    aria-label=move || t_string!(i18n, app.compare.remove)
                    on:click=move |_| set_b(String::new())
                >
                    "✕"
                </button>
            </span>
            <label class="views-run" hidden=move || !on()>
                {t!(i18n, app.compare.views_show)}
                " "
                <select
                    data-testid="views-run"
                    prop:value=move || if lab.shown.get() == 1 { "b" } else { "a" }
                    on:change=move |ev| lab.show_run(if event_target_value(&ev) == "b" { 1 } else { 0 })
                >
                    <option value="a">{t!(i18n, app.compare.run_a)}</option>
                    <option value="b">{t!(i18n, app.compare.run_b)}</option>
                </select>
            </label>
            <span class="stale" role="status">{diverged_b}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::url::parse;

    #[test]
    fn the_difference_is_said_in_words_in_both_languages() {
        let (s, _) = parse("compare=on&b.activation=relu");
        assert_eq!(b_diff_text(&s, Locale::en), "B: Activation: ReLU instead of tanh");
        assert_eq!(b_diff_text(&s, Locale::zh), "B：激活函数改用 ReLU（A 用 tanh）");
        let (same, _) = parse("compare=on");
        assert!(b_diff_text(&same, Locale::en).contains("same settings"));
    }
}
