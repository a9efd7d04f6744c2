//! The status line: state, steps done, current loss, steps per second, and
//! the diverged message with what to do about it.

use crate::lab::{Lab, RunState};
use crate::state::settings::ClipMode;
use leptos::prelude::*;
use rnn_core::DivergenceCause;

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
    let state = move || lab.run.get();
    let label = move || match state() {
        RunState::Idle => "ready",
        RunState::Running => "training",
        RunState::Paused if lab.stepping.get() => "stepping…",
        RunState::Paused => "paused",
        RunState::Diverged => "diverged",
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
        <div class="status" data-testid="status" data-state=move || state().name()>
            <span class="badge">{label}</span>
            <span class="figure">
                "step " <b data-testid="step-count">{step}</b>
            </span>
            <span class="figure">
                "loss " <b data-testid="loss">{loss}</b>
            </span>
            <span class="figure">
                <b data-testid="steps-per-sec">{rate}</b> " steps/s"
            </span>
        </div>
        <Diverged/>
    }
}

/// Shown only after a blow-up: where, how big, and the remedy. Always in
/// the page and hidden otherwise (cheaper to download than a conditional
/// subtree); its text is only ever the current divergence's.
#[component]
fn Diverged() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let clipping_off = move || lab.settings.with(|s| s.clip_mode == ClipMode::None);
    let headline = move || {
        lab.divergence.with(|d| {
            d.as_ref().map_or_else(String::new, |d| {
                format!(
                    "diverged at step {}: gradient norm reached {}",
                    d.step,
                    format_norm(d.grad_norm)
                )
            })
        })
    };
    let detail = move || {
        lab.divergence.with(|d| {
            d.as_ref().map_or_else(String::new, |d| {
                let what = match &d.cause {
                    DivergenceCause::Gradient { parameter } | DivergenceCause::Update { parameter } => {
                        format!("the gradient of {parameter}")
                    }
                    DivergenceCause::ForwardOverflow(o) | DivergenceCause::OverflowAfterUpdates(o) => {
                        format!("the hidden state at t = {}", o.time_step)
                    }
                    DivergenceCause::Loss => "the loss".to_string(),
                };
                format!(" ({what} became NaN or infinite). The gradient exploded.")
            })
        })
    };
    let remedy = move || {
        if clipping_off() {
            "Try: turn on gradient clipping (by norm, v = 1), or lower the learning rate, then Reset."
        } else {
            "Try: a lower clip threshold or learning rate, or a smaller spectral radius, then Reset."
        }
    };
    view! {
        <div
            class="diverged"
            role="alert"
            data-testid="diverged"
            hidden=move || lab.divergence.with(Option::is_none)
        >
            <p>
                <strong>{headline}</strong>
                {detail}
            </p>
            <p>{remedy}</p>
            <div class="buttons">
                <button
                    class="primary"
                    on:click=move |_| {
                        lab.change(|s| {
                            s.clip_mode = ClipMode::Norm;
                            s.clip_threshold = 1.0;
                        });
                        lab.reset(false);
                    }
                >
                    "Clip by norm at 1 and reset"
                </button>
                <button on:click=move |_| lab.reset(false)>"↺ Reset"</button>
            </div>
        </div>
    }
}

fn format_norm(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        "infinity".into()
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
        assert_eq!(format_norm(f64::INFINITY), "infinity");
    }
}
