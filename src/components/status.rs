//! The status line: state, steps done, current loss, steps per second, and
//! the diverged message with what to do about it.

use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use crate::state::settings::ClipMode;
use leptos::prelude::*;
use rnn_core::{Activation, Divergence, DivergenceCause};

/// A loss as a person reads it: 4 significant digits.
pub fn format_loss(x: f64) -> String {
    if !x.is_finite() {
        format!("{x}")
    } else if x == 0.0 {
        "0.000".into()
    } else if (1e-3..1e4).contains(&x.abs()) {
        let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{x:.digits$}")
    } else {
        format!("{x:.3e}")
    }
}

#[component]
pub fn Status() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let state = move || lab.run.get();
    let label = move || {
        let l = i18n.get_locale();
        match state() {
            RunState::Idle if lab.probing.get() => td_string!(l, app.status.probing),
            RunState::Idle => td_string!(l, app.status.idle),
            RunState::Running => td_string!(l, app.status.running),
            RunState::Paused if lab.stepping.get() => td_string!(l, app.status.stepping),
            RunState::Paused => td_string!(l, app.status.paused),
            RunState::Diverged => td_string!(l, app.status.diverged),
        }
    };
    let step = move || lab.snapshot.with(|s| s.as_ref().map_or(0, |s| s.step));
    let loss = move || {
        lab.snapshot
            .with(|s| s.as_ref().map_or("–".into(), |s| format_loss(s.loss)))
    };
    let rate = move || match (state(), lab.steps_per_sec.get()) {
        (RunState::Running, Some(r)) => format!("{r:.0}"),
        _ => "–".into(),
    };
    view! {
        <div
            class="status"
            data-testid="status"
            data-state=move || state().name()
            data-probing=move || lab.probing.get().to_string()
        >
            <span class="badge">{label}</span>
            <span class="figure">
                {t!(i18n, app.status.step)} " " <b data-testid="step-count">{step}</b>
            </span>
            <span class="figure">
                {t!(i18n, app.status.loss)} " " <b data-testid="loss">{loss}</b>
            </span>
            <span class="figure">
                <b data-testid="steps-per-sec">{rate}</b> " " {t!(i18n, app.status.steps_per_sec)}
            </span>
        </div>
        <Diverged/>
    }
}

/// The diverged message: where the run blew up, how, and what to do:
/// (headline, detail, remedy).
pub fn divergence_text(l: Locale, d: &Divergence, clipping_off: bool) -> (String, String, &'static str) {
    if let DivergenceCause::ForwardOverflow(o) = &d.cause {
        return (
            crate::tr!(l, app.diverged.headline_forward, step = d.step, t = o.time_step),
            td_string!(l, app.diverged.forward).to_string(),
            td_string!(l, app.diverged.remedy_forward),
        );
    }
    let headline = crate::tr!(
        l,
        app.diverged.headline,
        step = d.step,
        norm = format_norm(l, d.grad_norm)
    );
    let detail = match &d.cause {
        DivergenceCause::Gradient { parameter } => crate::tr!(l, app.diverged.gradient, param = parameter),
        DivergenceCause::Update { parameter } => crate::tr!(l, app.diverged.update, param = parameter),
        DivergenceCause::OverflowAfterUpdates(o) => {
            crate::tr!(l, app.diverged.after_updates, t = o.time_step)
        }
        DivergenceCause::Loss | DivergenceCause::ForwardOverflow(_) => {
            td_string!(l, app.diverged.loss).to_string()
        }
    };
    let remedy = if clipping_off {
        td_string!(l, app.diverged.remedy_clip)
    } else {
        td_string!(l, app.diverged.remedy_lower)
    };
    (headline, detail, remedy)
}

/// Whether the network as built overflows in its forward pass: no gradient
/// clipping helps there, a smaller spectral radius or a squashing activation
/// does.
fn forward_overflow(d: &Divergence) -> bool {
    matches!(d.cause, DivergenceCause::ForwardOverflow(_))
}

/// Shown only after a blow-up: where, how big, and the remedy that can
/// work: clipping for an exploding gradient, a smaller spectral radius and a
/// squashing activation for activations that overflow in the forward pass
/// (no clipping of the gradient helps there). Always in the page and hidden
/// otherwise; its text is only ever the current divergence's.
#[component]
fn Diverged() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let clipping_off = move || lab.settings.with(|s| s.clip_mode == ClipMode::None);
    let words = move || {
        lab.divergence.with(|d| {
            d.as_ref()
                .map(|d| divergence_text(i18n.get_locale(), d, clipping_off()))
                .unwrap_or_default()
        })
    };
    let forward = move || lab.divergence.with(|d| d.as_ref().is_some_and(forward_overflow));
    view! {
        <div
            class="diverged"
            role="alert"
            data-testid="diverged"
            data-cause=move || if forward() { "forward" } else { "gradient" }
            hidden=move || lab.divergence.with(Option::is_none)
        >
            <p>
                <strong>{move || words().0}</strong>
                {move || words().1}
            </p>
            <p>{move || words().2}</p>
            <div class="buttons">
                <button
                    class="primary"
                    data-testid="diverged-fix"
                    on:click=move |_| {
                        if forward() {
                            lab.change(|s| {
                                s.spectral_radius = Some(0.9);
                                s.activation = Activation::Tanh;
                            });
                        } else {
                            lab.change(|s| {
                                s.clip_mode = ClipMode::Norm;
                                s.clip_threshold = 1.0;
                            });
                        }
                        lab.reset(false);
                    }
                >
                    {move || {
                        if forward() {
                            t_string!(i18n, app.diverged.fix_forward)
                        } else {
                            t_string!(i18n, app.diverged.fix_clip)
                        }
                    }}
                </button>
                <button on:click=move |_| lab.reset(false)>{t!(i18n, app.buttons.reset)}</button>
            </div>
        </div>
    }
}

fn format_norm(l: Locale, x: f64) -> String {
    if x.is_nan() {
        td_string!(l, app.diverged.nan).into()
    } else if x.is_infinite() {
        td_string!(l, app.diverged.infinity).into()
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_read_well() {
        assert_eq!(format_loss(0.16712), "0.1671");
        assert_eq!(format_loss(2.5), "2.500");
        assert_eq!(format_loss(123.456), "123.5");
        assert_eq!(format_loss(0.0), "0.000");
        assert_eq!(format_loss(2.0e-5), "2.000e-5");
        assert_eq!(format_norm(Locale::en, f64::INFINITY), "infinity");
        assert_eq!(format_norm(Locale::zh, f64::INFINITY), "无穷大");
    }
}
