//! Redraw heavy views a few times a second, never with stale numbers: the
//! latest trace is shown at once if the last redraw is old enough, else
//! after the rest of the interval (so the newest trace always arrives, and
//! a paused page shows exactly the step it stopped at).

use crate::lab::{Lab, RunState};
use leptos::prelude::*;
use rnn_core::Trace;
use std::sync::Arc;
use std::time::Duration;

/// When to redraw, given the time of the last redraw (pure, tested).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throttle {
    pub interval_ms: f64,
    last_ms: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    Now,
    /// Wait this many milliseconds, then draw the newest value.
    Later(f64),
}

impl Throttle {
    pub fn new(interval_ms: f64) -> Self {
        Throttle {
            interval_ms,
            last_ms: None,
        }
    }

    pub fn decide(&self, now_ms: f64) -> Decision {
        match self.last_ms {
            Some(last) if now_ms - last < self.interval_ms && now_ms >= last => {
                Decision::Later(self.interval_ms - (now_ms - last))
            }
            _ => Decision::Now,
        }
    }

    pub fn drawn(&mut self, now_ms: f64) {
        self.last_ms = Some(now_ms);
    }
}

/// The page's clock, in milliseconds.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Runs `apply` after each change that `watch` tracks: at once when `watch`
/// returns true (no throttling wanted) or the last run is `interval_ms`
/// old, else once after the rest of the interval, so the newest change
/// always lands.
fn throttle_effect(interval_ms: f64, watch: impl Fn() -> bool + 'static, apply: impl Fn() + Copy + 'static) {
    let throttle = StoredValue::new(Throttle::new(interval_ms));
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        let at_once = watch();
        let now = now_ms();
        let decision = if at_once {
            Decision::Now
        } else {
            throttle.with_value(|t| t.decide(now))
        };
        match decision {
            Decision::Now => {
                throttle.update_value(|t| t.drawn(now));
                apply();
            }
            Decision::Later(ms) => {
                if pending.get_value() {
                    return;
                }
                pending.set_value(true);
                set_timeout(
                    move || {
                        pending.try_set_value(false);
                        throttle.try_update_value(|t| t.drawn(now_ms()));
                        apply();
                    },
                    Duration::from_millis(ms.ceil().max(1.0) as u64),
                );
            }
        }
    });
}

/// The latest trace of the run the views show (A, or B of a comparison),
/// updated at most every `interval_ms` while training runs and at once
/// otherwise (a Step, a Reset, a pause, a switch between A and B).
pub fn throttled_trace(lab: Lab, interval_ms: f64) -> ReadSignal<Option<Arc<Trace>>> {
    let (shown, set_shown) = signal(None::<Arc<Trace>>);
    throttle_effect(
        interval_ms,
        move || {
            lab.shown_snapshot().track();
            lab.epoch.track();
            lab.run.get() != RunState::Running
        },
        move || {
            let next = lab
                .shown_snapshot_untracked()
                .try_with_untracked(|s| s.as_ref().and_then(|s| s.trace.clone()))
                .flatten();
            if shown.try_with_untracked(|s| !same(s, &next)) == Some(true) {
                set_shown.try_set(next);
            }
        },
    );
    shown
}

/// A counter bumped at most every `interval_ms` after `source` changes, with
/// a trailing bump so the last change is always drawn.
pub fn throttled_tick(source: impl Fn() + 'static, interval_ms: f64) -> ReadSignal<u64> {
    let (tick, set_tick) = signal(0u64);
    throttle_effect(
        interval_ms,
        move || {
            source();
            false
        },
        move || {
            set_tick.try_update(|n| *n += 1);
        },
    );
    tick
}

fn same(a: &Option<Arc<Trace>>, b: &Option<Arc<Trace>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_draw_is_immediate_then_spaced() {
        let mut t = Throttle::new(200.0);
        assert_eq!(t.decide(1000.0), Decision::Now);
        t.drawn(1000.0);
        assert_eq!(t.decide(1050.0), Decision::Later(150.0));
        assert_eq!(t.decide(1200.0), Decision::Now);
        // A clock that went backwards never blocks drawing.
        assert_eq!(t.decide(10.0), Decision::Now);
    }
}
