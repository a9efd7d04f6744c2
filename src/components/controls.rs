//! The control panel: Play/Pause/Step/Reset, the lesson menu and one control
//! per setting. Each control's `data-testid` is its URL key, and a value
//! picked goes through that key's row of the URL table
//! (`Lab::set_field`), so a control is checked exactly as a link is. The
//! labels are in the page's language (`crate::text`, `locales/*/app.json`).

use crate::html::menu_options;
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::{self, Locale};
use crate::state::presets::{Preset, PRESETS};
use crate::state::settings::Settings;
use crate::state::url::{Control, Field, Group, FIELDS};
use crate::text;
use leptos::prelude::*;

/// Play, Pause, Step, Reset.
#[component]
pub fn Buttons() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let state = move || lab.run.get();
    view! {
        <div class="buttons" role="group" aria-label=move || t_string!(i18n, app.buttons.group)>
            <button
                data-testid="play"
                class="primary"
                on:click=move |_| lab.play()
                disabled=move || matches!(state(), RunState::Running | RunState::Diverged)
                title=move || t_string!(i18n, app.buttons.play_hint)
            >
                {t!(i18n, app.buttons.play)}
            </button>
            <button
                data-testid="pause"
                on:click=move |_| lab.pause()
                // Also while Step is still computing queued steps.
                disabled=move || state() != RunState::Running && !lab.stepping.get()
                title=move || t_string!(i18n, app.buttons.pause_hint)
            >
                {t!(i18n, app.buttons.pause)}
            </button>
            <button
                data-testid="step"
                on:click=move |_| lab.step()
                disabled=move || state() == RunState::Diverged
                title=move || t_string!(i18n, app.buttons.step_hint)
            >
                {t!(i18n, app.buttons.step)}
            </button>
            <button
                data-testid="reset"
                on:click=move |_| lab.reset(false)
                title=move || t_string!(i18n, app.buttons.reset_hint)
            >
                {t!(i18n, app.buttons.reset)}
            </button>
        </div>
    }
}

/// Menu entries `(value, label)`.
type Options = Vec<(String, String)>;

/// A labelled `<select>` whose pick goes to the lab as `key`'s value.
#[component]
fn Choice(
    #[prop(into)] label: Signal<String>,
    /// URL key and `data-testid`.
    key: &'static str,
    #[prop(into)] options: Signal<Options>,
    #[prop(into)] value: Signal<String>,
    /// What to do with a pick (default: set `key` through its URL row).
    #[prop(optional)]
    on_pick: Option<Callback<String>>,
    #[prop(optional, into)] hint: Signal<String>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let pick = on_pick.unwrap_or_else(|| Callback::new(move |v: String| lab.set_field(key, &v)));
    view! {
        <label class="control" title=move || hint.get()>
            <span class="label">{move || label.get()}</span>
            <select
                data-testid=key
                name=key
                inner_html=move || options.with(|o| menu_options(o, &value.get()))
                prop:value=move || value.get()
                on:change=move |ev| {
                    pick.run(event_target_value(&ev));
                    show_current(&ev, value.get_untracked());
                }
            ></select>
        </label>
    }
}

/// A labelled range slider with its value beside it. The value shows while
/// dragging; the setting changes when the slider is released (or moved with
/// the keyboard), so a drag rebuilds the model once, not at every pixel.
#[component]
fn Slider(
    #[prop(into)] label: Signal<String>,
    key: &'static str,
    #[prop(into)] min: Signal<usize>,
    max: usize,
    #[prop(into)] value: Signal<usize>,
    /// Greyed out when the setting does not apply.
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let shown = RwSignal::new(None::<usize>);
    view! {
        <label class="control">
            <span class="label">{move || label.get()}</span>
            <span class="slider">
                <input
                    type="range"
                    data-testid=key
                    name=key
                    min=move || min.get()
                    max=max
                    step="1"
                    disabled=move || disabled.get()
                    prop:value=move || value.get()
                    on:input=move |ev| shown.set(event_target_value(&ev).parse().ok())
                    on:change=move |ev| {
                        shown.set(None);
                        lab.set_field(key, &event_target_value(&ev));
                        show_current(&ev, value.get_untracked().to_string());
                    }
                />
                <output>{move || shown.get().unwrap_or_else(|| value.get())}</output>
            </span>
        </label>
    }
}

/// After a change the lab refused (or adjusted), puts the control back to the
/// value actually in use: its reactive value did not change, so nothing else
/// would.
fn show_current(ev: &leptos::ev::Event, current: String) {
    if event_target_value(ev) != current {
        if let Some(target) = ev.target() {
            let _ = js_sys::Reflect::set(&target, &"value".into(), &current.into());
        }
    }
}

/// Reads one field of the settings as a signal.
fn field<T: Send + Sync + 'static>(
    lab: Lab,
    f: impl Fn(&Settings) -> T + Send + Sync + 'static,
) -> Signal<T> {
    Signal::derive(move || lab.settings.with(&f))
}

/// Something worded in the page's language, as a signal: it follows the
/// language switch.
fn local<T: Send + Sync + 'static>(f: impl Fn(Locale) -> T + Send + Sync + 'static) -> Signal<T> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.get_locale()))
}

/// [`local`] for a fixed text.
fn said(f: fn(Locale) -> &'static str) -> Signal<String> {
    local(move |l| f(l).to_string())
}

/// The language switch: the `lang` row's control, in the header. Each
/// language is named in its own words.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let options: Options = lang::ALL
        .iter()
        .map(|l| (lang::name(*l).to_string(), lang::own_name(*l).to_string()))
        .collect();
    debug_assert!(FIELDS.iter().any(|f| f.key == "lang" && f.group == Group::Header));
    let current = move || lang::name(lab.settings.with(|s| s.lang));
    let hidden = move || lab.settings.with(|s| s.lesson.hide.contains(&"lang"));
    view! {
        <label class="lang" hidden=hidden title=move || t_string!(i18n, app.lang_hint)>
            <span class="visually-hidden">{t!(i18n, app.lang_label)}</span>
            <select
                data-testid="lang"
                name="lang"
                inner_html=move || menu_options(&options, current())
                prop:value=current
                on:change=move |ev| lab.set_field("lang", &event_target_value(&ev))
            ></select>
        </label>
    }
}

/// The lesson menu.
#[component]
pub fn Lessons() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let options = local(|l| {
        let mut o = vec![(String::new(), td_string!(l, app.lesson.choose).to_string())];
        o.extend(
            PRESETS
                .iter()
                .map(|p| (p.id.to_string(), text::preset(l, p.id).0.to_string())),
        );
        o
    });
    view! {
        <Choice
            label=said(|l| td_string!(l, app.lesson.label))
            key="preset"
            options=options
            value=Signal::derive(move || lab.lesson.get().map_or(String::new(), |p| p.id.to_string()))
            on_pick=Callback::new(move |id: String| {
                if let Some(p) = Preset::find(&id) {
                    lab.open_preset(p);
                }
            })
        />
    }
}

/// The picked lesson's title and what the class should see, for the stage;
/// nothing at all while no lesson is picked.
#[component]
pub fn LessonNote() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    move || {
        lab.lesson.get().map(|p| {
            let (title, expect) = text::preset(i18n.get_locale(), p.id);
            view! {
                <p class="expect" data-testid="lesson">
                    <strong>{title}</strong>
                    " — "
                    {expect}
                </p>
            }
        })
    }
}

/// The settings' controls, one per row of the settings table
/// (`state::url::FIELDS`) in the row's group, each built from its row:
/// label, menu or slider, and the row's parser for what is picked.
#[component]
pub fn Controls() -> impl IntoView {
    let i18n = use_i18n();
    let lab = expect_context::<Lab>();
    let group = move |legend: fn(Locale) -> &'static str, g: Group| {
        // A group whose every control a teacher's link hides goes too.
        let all_hidden = move || {
            lab.settings
                .with(|s| FIELDS.iter().filter(|f| f.group == g).all(|f| f.hidden_in(s)))
        };
        view! {
            <fieldset hidden=all_hidden>
                <legend>{move || legend(i18n.get_locale())}</legend>
                {FIELDS.iter().filter(|f| f.group == g).map(row_control).collect_view()}
            </fieldset>
        }
    };
    view! {
        <div class="controls-list">
            {group(|l| td_string!(l, app.groups.model), Group::Model)}
            {group(|l| td_string!(l, app.groups.init), Group::Init)}
            {group(|l| td_string!(l, app.groups.training), Group::Training)}
        </div>
    }
}

/// The control of one row of the settings table, hidden while a teacher's
/// link names its key in `hide=`.
pub fn row_control(f: &'static Field) -> AnyView {
    let lab = expect_context::<Lab>();
    let hidden = field(lab, move |s| f.hidden_in(s));
    let label = said(f.label);
    let value = field(lab, f.write);
    let control = match f.control {
        Control::Menu(options) => {
            let hint = match f.key {
                "activation" => said(|l| td_string!(l, app.controls.activation_hint)),
                "spectral-radius" => said(|l| td_string!(l, app.controls.spectral_radius_hint)),
                _ => Signal::default(),
            };
            let i18n = use_i18n();
            let options = Signal::derive(move || {
                let l = i18n.get_locale();
                lab.settings.with(|s| options(s, l))
            });
            view! { <Choice label key=f.key options value hint/> }.into_any()
        }
        Control::Slider { min, max, disabled } => view! {
            <Slider
                label
                key=f.key
                min=field(lab, min)
                max
                value=field(lab, move |s| (f.write)(s).parse().unwrap_or(0))
                disabled=field(lab, disabled)
            />
        }
        .into_any(),
        Control::Seed => view! { <Seed/> }.into_any(),
        Control::Toggle => view! {
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid=f.key
                    name=f.key
                    prop:checked=move || value.get() == "on"
                    on:change=move |ev| lab.set_field(f.key, if event_target_checked(&ev) { "on" } else { "off" })
                />
                {move || label.get()}
            </label>
        }
        .into_any(),
        // The text box is beside the task (`components::user_text`).
        Control::Text => return ().into_any(),
        Control::Link => return ().into_any(),
    };
    view! { <div class="contents" data-row=f.key hidden=move || hidden.get()>{control}</div> }.into_any()
}

/// The seed: a number box and a button for a fresh one.
#[component]
fn Seed() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let seed = field(lab, |s| s.seed);
    let label = FIELDS
        .iter()
        .find(|f| f.key == "seed")
        .map_or(said(|_| ""), |f| said(f.label));
    view! {
        <label class="control">
            <span class="label">{move || label.get()}</span>
            <span class="seed">
                <input
                    type="number"
                    data-testid="seed"
                    name="seed"
                    min="0"
                    step="1"
                    inputmode="numeric"
                    prop:value=move || seed.get().to_string()
                    on:change=move |ev| {
                        lab.set_field("seed", &event_target_value(&ev));
                        // Not a seed: show the current one again.
                        show_current(&ev, seed.get_untracked().to_string());
                    }
                />
                <button
                    class="icon"
                    title=move || t_string!(i18n, app.controls.seed_random_hint)
                    aria-label=move || t_string!(i18n, app.controls.seed_random_hint)
                    on:click=move |_| {
                        let v = (js_sys::Math::random() * 1e6) as u64;
                        lab.set_field("seed", &v.to_string());
                    }
                >
                    {t!(i18n, app.controls.seed_random)}
                </button>
            </span>
        </label>
    }
}
