//! The control panel: Play/Pause/Step/Reset, the lesson menu and one control
//! per setting. Each control's `data-testid` is its URL key, and a value
//! picked goes through that key's row of the URL table
//! (`Lab::set_field`), so a control is checked exactly as a link is. The
//! labels are in the page's language (`crate::text`, `locales/*/app.json`).

use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::{self, Locale};
use crate::state::presets::{Preset, PRESETS};
use crate::state::settings::{
    format_number, optimizers, ClipMode, Model, Settings, BATCH_SIZES, CLIP_THRESHOLDS, HIDDEN,
    LEARNING_RATES, SEQ_LEN, SPECTRAL_RADII,
};
use crate::text;
use crate::views::stats::options_html;
use leptos::prelude::*;
use rnn_core::tasks::TaskKind;
use rnn_core::{Activation, CellKind, Init, OptimizerKind};

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

fn entries<T: Copy>(all: &[T], name: fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Options {
    all.iter()
        .map(|x| (name(*x).to_string(), label(*x).to_string()))
        .collect()
}

/// Preset numbers plus the current one if it is not among them (a link can
/// hold any number in range), sorted.
fn numbers(presets: &[f64], current: f64) -> Options {
    let mut v: Vec<f64> = presets.to_vec();
    if !v.contains(&current) {
        v.push(current);
        v.sort_unstable_by(f64::total_cmp);
    }
    v.into_iter().map(|x| (x.to_string(), format_number(x))).collect()
}

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
                inner_html=move || options.with(|o| options_html(o, &value.get()))
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
    let current = move || lang::name(lab.settings.with(|s| s.lang));
    view! {
        <label class="lang" title=move || t_string!(i18n, app.lang_hint)>
            <span class="visually-hidden">{t!(i18n, app.lang_label)}</span>
            <select
                data-testid="lang"
                name="lang"
                inner_html=move || options_html(&options, current())
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

#[component]
pub fn Controls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let is_rnn = field(lab, |s| s.model.cell == CellKind::Rnn);
    let inits = local(|l| entries(&Init::ALL, Init::name, |i| text::init(l, i)));

    view! {
        <div class="controls-list">
            <fieldset>
                <legend>{said(|l| td_string!(l, app.groups.model))}</legend>
                <Choice
                    label=said(|l| td_string!(l, app.controls.model))
                    key="model"
                    options=local(|l| entries(&Model::ALL, Model::name, |m| text::model(l, m)))
                    value=field(lab, |s| s.model.name().to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.task))
                    key="task"
                    options=local(|l| entries(&TaskKind::ALL, TaskKind::name, |t| text::task(l, t)))
                    value=field(lab, |s| s.task.name().to_string())
                />
                <Slider
                    label=said(|l| td_string!(l, app.controls.seq_len))
                    key="seq-len"
                    min=field(lab, Settings::min_seq_len)
                    max=*SEQ_LEN.end()
                    value=field(lab, |s| s.seq_len)
                    // The fill-in-the-blank sentences have their own lengths.
                    disabled=field(lab, |s| s.task == TaskKind::FillBlank)
                />
                <Slider
                    label=said(|l| td_string!(l, app.controls.hidden))
                    key="hidden"
                    min=*HIDDEN.start()
                    max=*HIDDEN.end()
                    value=field(lab, |s| s.hidden)
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.activation))
                    key="activation"
                    hint=said(|l| td_string!(l, app.controls.activation_hint))
                    options=local(move |l| {
                        let mut o = entries(&Activation::ALL, Activation::name, |a| text::activation(l, a));
                        if !is_rnn.get() {
                            for (_, label) in &mut o {
                                label.push(' ');
                                label.push_str(td_string!(l, app.controls.rnn_only));
                            }
                        }
                        o
                    })
                    value=field(lab, |s| s.activation.name().to_string())
                />
            </fieldset>
            <fieldset>
                <legend>{said(|l| td_string!(l, app.groups.init))}</legend>
                <Choice
                    label=said(|l| td_string!(l, app.controls.init_input))
                    key="init-input"
                    options=inits
                    value=field(lab, |s| s.init_input.name().to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.init_recurrent))
                    key="init-recurrent"
                    options=inits
                    value=field(lab, |s| s.init_recurrent.name().to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.spectral_radius))
                    key="spectral-radius"
                    hint=said(|l| td_string!(l, app.controls.spectral_radius_hint))
                    options=local(move |l| {
                        let current = lab.settings.with(|s| s.spectral_radius);
                        let mut o = vec![("none".to_string(), td_string!(l, app.controls.as_initialised).to_string())];
                        o.extend(numbers(SPECTRAL_RADII, current.unwrap_or(SPECTRAL_RADII[0])));
                        o
                    })
                    value=field(lab, |s| s.spectral_radius.map_or("none".to_string(), |r| r.to_string()))
                />
            </fieldset>
            <fieldset>
                <legend>{said(|l| td_string!(l, app.groups.training))}</legend>
                <Choice
                    label=said(|l| td_string!(l, app.controls.clip_mode))
                    key="clip-mode"
                    options=local(|l| entries(&ClipMode::ALL, ClipMode::name, |c| text::clip(l, c)))
                    value=field(lab, |s| s.clip_mode.name().to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.clip_threshold))
                    key="clip-threshold"
                    options=Signal::derive(move || {
                        numbers(CLIP_THRESHOLDS, lab.settings.with(|s| s.clip_threshold))
                    })
                    value=field(lab, |s| s.clip_threshold.to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.optimizer))
                    key="optimizer"
                    options=local(|l| entries(&optimizers(), OptimizerKind::name, |o| text::optimizer(l, o)))
                    value=field(lab, |s| s.optimizer.name().to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.learning_rate))
                    key="learning-rate"
                    options=Signal::derive(move || {
                        numbers(LEARNING_RATES, lab.settings.with(|s| s.learning_rate))
                    })
                    value=field(lab, |s| s.learning_rate.to_string())
                />
                <Choice
                    label=said(|l| td_string!(l, app.controls.batch_size))
                    key="batch-size"
                    options=Signal::derive(move || {
                        let current = lab.settings.with(|s| s.batch_size);
                        let mut v = BATCH_SIZES.to_vec();
                        if !v.contains(&current) {
                            v.push(current);
                            v.sort_unstable();
                        }
                        v.into_iter().map(|b| (b.to_string(), b.to_string())).collect::<Options>()
                    })
                    value=field(lab, |s| s.batch_size.to_string())
                />
                <Seed/>
            </fieldset>
        </div>
    }
}

/// The seed: a number box and a button for a fresh one.
#[component]
fn Seed() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let seed = field(lab, |s| s.seed);
    view! {
        <label class="control">
            <span class="label">{t!(i18n, app.controls.seed)}</span>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_a_value_from_a_link_in_the_menu() {
        let o = numbers(&[0.1, 1.0], 0.5);
        assert_eq!(
            o.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
            ["0.1", "0.5", "1"]
        );
        assert_eq!(numbers(&[0.1, 1.0], 1.0).len(), 2);
    }
}
