//! The control panel: Play/Pause/Step/Reset and one control per setting.
//! Each control's `data-testid` is its URL key (see `state::url::FIELDS`).

use crate::lab::{Lab, RunState};
use crate::number::parse_f64;
use crate::state::presets::{Preset, PRESETS};
use crate::state::settings::{
    activation_label, format_number, init_label, optimizer_label, optimizers, task_label, ClipMode, Model,
    Settings, BATCH_SIZES, CLIP_THRESHOLDS, HIDDEN, LEARNING_RATES, SEQ_LEN, SPECTRAL_RADII,
};
use crate::views::stats::{escape, options_html};
use leptos::prelude::*;
use rnn_core::tasks::TaskKind;
use rnn_core::{Activation, CellKind, Init, OptimizerKind};

/// Play, Pause, Step, Reset.
#[component]
pub fn Buttons() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = move || lab.run.get();
    view! {
        <div class="buttons" role="group" aria-label="training">
            <button
                data-testid="play"
                class="primary"
                on:click=move |_| lab.play()
                disabled=move || matches!(state(), RunState::Running | RunState::Diverged)
                title="Train continuously"
            >
                "▶ Play"
            </button>
            <button
                data-testid="pause"
                on:click=move |_| lab.pause()
                disabled=move || state() != RunState::Running
                title="Stop after this frame"
            >
                "Pause"
            </button>
            <button
                data-testid="step"
                on:click=move |_| lab.step()
                disabled=move || state() == RunState::Diverged
                title="One training step"
            >
                "Step"
            </button>
            <button
                data-testid="reset"
                on:click=move |_| lab.reset(false)
                title="New network, same seed"
            >
                "↺ Reset"
            </button>
        </div>
    }
}

/// Menu entries `(value, label)`.
type Options = Vec<(String, String)>;

fn entries<T: Copy>(all: &[T], name: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Options {
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

/// A labelled `<select>`.
#[component]
fn Choice(
    label: &'static str,
    /// URL key and `data-testid`.
    key: &'static str,
    #[prop(into)] options: Signal<Options>,
    #[prop(into)] value: Signal<String>,
    on_pick: Callback<String>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="control" title=hint>
            <span class="label">{label}</span>
            <select
                data-testid=key
                name=key
                inner_html=move || options.with(|o| options_html(o, &value.get()))
                prop:value=move || value.get()
                on:change=move |ev| {
                    on_pick.run(event_target_value(&ev));
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
    label: &'static str,
    key: &'static str,
    #[prop(into)] min: Signal<usize>,
    max: usize,
    #[prop(into)] value: Signal<usize>,
    on_pick: Callback<usize>,
    /// Greyed out when the setting does not apply.
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let shown = RwSignal::new(None::<usize>);
    view! {
        <label class="control">
            <span class="label">{label}</span>
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
                        if let Ok(v) = event_target_value(&ev).parse() {
                            on_pick.run(v);
                        }
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

/// Builds a control's change handler from an edit of the settings.
fn edit<T: 'static>(lab: Lab, f: impl Fn(&mut Settings, T) + Send + Sync + 'static) -> Callback<T> {
    Callback::new(move |v: T| lab.change(|s| f(s, v)))
}

/// Reads one field of the settings as a signal.
fn field<T: Send + Sync + 'static>(
    lab: Lab,
    f: impl Fn(&Settings) -> T + Send + Sync + 'static,
) -> Signal<T> {
    Signal::derive(move || lab.settings.with(&f))
}

/// The lesson menu.
#[component]
pub fn Lessons() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let options = {
        let mut o = vec![(String::new(), "Choose a lesson…".to_string())];
        o.extend(PRESETS.iter().map(|p| (p.id.to_string(), p.title.to_string())));
        o
    };
    view! {
        <Choice
            label="Lesson"
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

/// The picked lesson's title and what the class should see, for the stage.
/// One HTML string in a box that lays out as if absent (`display: contents`),
/// so that without a lesson the page has nothing there at all.
#[component]
pub fn LessonNote() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let note = move || {
        lab.lesson.get().map_or_else(String::new, |p| {
            format!(
                "<p class=\"expect\" data-testid=\"lesson\"><strong>{}</strong> — {}</p>",
                escape(p.title),
                escape(p.expect)
            )
        })
    };
    view! { <div class="contents" inner_html=note></div> }
}

#[component]
pub fn Controls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let inits = entries(&Init::ALL, Init::name, init_label);
    let is_rnn = field(lab, |s| s.model.cell == CellKind::Rnn);

    view! {
        <div class="controls-list">
            <fieldset>
                <legend>"Model and task"</legend>
                <Choice
                    label="Model"
                    key="model"
                    options=entries(&Model::ALL, Model::name, Model::label)
                    value=field(lab, |s| s.model.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(m) = Model::from_name(&v) {
                            s.model = m;
                        }
                    })
                />
                <Choice
                    label="Task"
                    key="task"
                    options=entries(&TaskKind::ALL, TaskKind::name, task_label)
                    value=field(lab, |s| s.task.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(t) = TaskKind::from_name(&v) {
                            s.task = t;
                        }
                    })
                />
                <Slider
                    label="Sequence length"
                    key="seq-len"
                    min=field(lab, Settings::min_seq_len)
                    max=*SEQ_LEN.end()
                    value=field(lab, |s| s.seq_len)
                    on_pick=edit(lab, |s, v| s.seq_len = v)
                    // The fill-in-the-blank sentences have their own lengths.
                    disabled=field(lab, |s| s.task == TaskKind::FillBlank)
                />
                <Slider
                    label="Hidden units"
                    key="hidden"
                    min=*HIDDEN.start()
                    max=*HIDDEN.end()
                    value=field(lab, |s| s.hidden)
                    on_pick=edit(lab, |s, v| s.hidden = v)
                />
                <Choice
                    label="Activation"
                    key="activation"
                    hint="φ of the plain RNN; LSTM and GRU gates use sigmoid and tanh"
                    options=Signal::derive(move || {
                        let mut o = entries(&Activation::ALL, Activation::name, activation_label);
                        if !is_rnn.get() {
                            for (_, l) in &mut o {
                                l.push_str(" (RNN only)");
                            }
                        }
                        o
                    })
                    value=field(lab, |s| s.activation.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(a) = Activation::from_name(&v) {
                            s.activation = a;
                        }
                    })
                />
            </fieldset>
            <fieldset>
                <legend>"Initialisation"</legend>
                <Choice
                    label="Input weights U"
                    key="init-input"
                    options=inits.clone()
                    value=field(lab, |s| s.init_input.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(i) = Init::from_name(&v) {
                            s.init_input = i;
                        }
                    })
                />
                <Choice
                    label="Recurrent W"
                    key="init-recurrent"
                    options=inits
                    value=field(lab, |s| s.init_recurrent.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(i) = Init::from_name(&v) {
                            s.init_recurrent = i;
                        }
                    })
                />
                <Choice
                    label="Spectral radius"
                    key="spectral-radius"
                    hint="Rescale W so its largest |eigenvalue| is this number"
                    options=Signal::derive(move || {
                        let current = lab.settings.with(|s| s.spectral_radius);
                        let mut o = vec![("none".to_string(), "as initialised".to_string())];
                        o.extend(numbers(SPECTRAL_RADII, current.unwrap_or(SPECTRAL_RADII[0])));
                        o
                    })
                    value=field(lab, |s| s.spectral_radius.map_or("none".to_string(), |r| r.to_string()))
                    on_pick=edit(lab, |s, v: String| {
                        s.spectral_radius = parse_f64(&v);
                    })
                />
            </fieldset>
            <fieldset>
                <legend>"Training"</legend>
                <Choice
                    label="Gradient clipping"
                    key="clip-mode"
                    options=entries(&ClipMode::ALL, ClipMode::name, ClipMode::label)
                    value=field(lab, |s| s.clip_mode.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(m) = ClipMode::from_name(&v) {
                            s.clip_mode = m;
                        }
                    })
                />
                <Choice
                    label="Clip threshold"
                    key="clip-threshold"
                    options=Signal::derive(move || {
                        numbers(CLIP_THRESHOLDS, lab.settings.with(|s| s.clip_threshold))
                    })
                    value=field(lab, |s| s.clip_threshold.to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(t) = parse_f64(&v) {
                            s.clip_threshold = t;
                        }
                    })
                />
                <Choice
                    label="Optimiser"
                    key="optimizer"
                    options=entries(&optimizers(), OptimizerKind::name, optimizer_label)
                    value=field(lab, |s| s.optimizer.name().to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(o) = OptimizerKind::from_name(&v) {
                            s.optimizer = o;
                        }
                    })
                />
                <Choice
                    label="Learning rate"
                    key="learning-rate"
                    options=Signal::derive(move || {
                        numbers(LEARNING_RATES, lab.settings.with(|s| s.learning_rate))
                    })
                    value=field(lab, |s| s.learning_rate.to_string())
                    on_pick=edit(lab, |s, v: String| {
                        if let Some(r) = parse_f64(&v) {
                            s.learning_rate = r;
                        }
                    })
                />
                <Choice
                    label="Batch size"
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
                    on_pick=edit(lab, |s, v: String| {
                        if let Ok(b) = v.parse() {
                            s.batch_size = b;
                        }
                    })
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
    let seed = field(lab, |s| s.seed);
    view! {
        <label class="control">
            <span class="label">"Seed"</span>
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
                        if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                            lab.change(|s| s.seed = v);
                        }
                        // Not a seed: show the current one again.
                        show_current(&ev, seed.get_untracked().to_string());
                    }
                />
                <button
                    class="icon"
                    title="A new random seed"
                    aria-label="new random seed"
                    on:click=move |_| {
                        let v = (js_sys::Math::random() * 1e6) as u64;
                        lab.change(|s| s.seed = v);
                    }
                >
                    "random"
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
