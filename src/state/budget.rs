//! How many training steps fit in one animation frame.
//!
//! Training runs on the main thread inside `requestAnimationFrame`, with a
//! time budget per frame rather than in a web worker. Why: the views read the
//! network's full trace (every hidden state, gate and gradient) after every
//! frame; on the main thread that is a borrow, while a worker would have to
//! serialise and post it each frame and keep a second copy of the model for
//! the spectrum views. At 60 Hz a frame is 16.7 ms; training takes at most
//! [`FramePlanner::budget_ms`] of it (at most 8 ms), leaving the rest to
//! the chart, the views and the browser, so the page keeps drawing at 60
//! frames per second. At least one step is taken per frame, so a model whose
//! single step is slower than the budget still trains (at one step a frame,
//! with the page as responsive as that step allows).
//!
//! The budget adapts to what else the page draws: after a frame that missed
//! the display's refresh (an interval over 20 ms) it shrinks by 1 ms, after
//! an on-time frame it grows back by 0.25 ms, between [`MIN_BUDGET_MS`] and
//! [`MAX_BUDGET_MS`]. Idle time never shrinks it, so with light views training
//! keeps the full 8 ms; with heavy ones it gives way to the drawing.
//!
//! Only the last step of a frame records a trace (the views show one per
//! frame), so the planner predicts which step will be the last from a running
//! average of step times.

pub const MAX_BUDGET_MS: f64 = 8.0;
pub const MIN_BUDGET_MS: f64 = 2.0;
/// A frame interval above this missed a 60 Hz refresh.
const LATE_FRAME_MS: f64 = 20.0;

#[derive(Clone, Debug)]
pub struct FramePlanner {
    pub budget_ms: f64,
    /// Exponential moving average of one step's duration.
    avg_step_ms: Option<f64>,
}

/// What to do next within a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Take a step; record its trace if it is predicted to be the last.
    Step {
        trace: bool,
    },
    Stop,
}

impl Default for FramePlanner {
    fn default() -> Self {
        FramePlanner {
            budget_ms: MAX_BUDGET_MS,
            avg_step_ms: None,
        }
    }
}

impl FramePlanner {
    /// `elapsed_ms` since the frame's training began, `steps` taken so far.
    pub fn next(&self, elapsed_ms: f64, steps: u32) -> Plan {
        let avg = self.avg_step_ms.unwrap_or(self.budget_ms);
        if steps > 0 && elapsed_ms + avg > self.budget_ms {
            return Plan::Stop;
        }
        // Trace this step if the one after it would not fit.
        let trace = elapsed_ms + 2.0 * avg > self.budget_ms;
        Plan::Step { trace }
    }

    /// Feeds back how long a step took.
    pub fn record(&mut self, step_ms: f64) {
        if !step_ms.is_finite() || step_ms < 0.0 {
            return;
        }
        self.avg_step_ms = Some(match self.avg_step_ms {
            None => step_ms,
            Some(a) => 0.8 * a + 0.2 * step_ms,
        });
    }

    /// Feeds back the time since the previous frame began.
    pub fn frame_interval(&mut self, ms: f64) {
        if !ms.is_finite() || ms <= 0.0 {
            return;
        }
        self.budget_ms = if ms > LATE_FRAME_MS {
            self.budget_ms - 1.0
        } else {
            self.budget_ms + 0.25
        }
        .clamp(MIN_BUDGET_MS, MAX_BUDGET_MS);
    }

    pub fn avg_step_ms(&self) -> Option<f64> {
        self.avg_step_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulates frames with a fixed step duration.
    fn frame(p: &mut FramePlanner, step_ms: f64) -> (u32, u32) {
        let (mut steps, mut traced, mut t) = (0, 0, 0.0);
        while let Plan::Step { trace } = p.next(t, steps) {
            t += step_ms;
            p.record(step_ms);
            steps += 1;
            traced += trace as u32;
        }
        (steps, traced)
    }

    #[test]
    fn fills_the_budget_and_traces_once() {
        let mut p = FramePlanner::default();
        frame(&mut p, 0.5);
        let (steps, traced) = frame(&mut p, 0.5);
        assert_eq!(steps, 16);
        assert_eq!(traced, 1);
    }

    #[test]
    fn budget_gives_way_to_slow_frames_and_comes_back() {
        let mut p = FramePlanner::default();
        for _ in 0..20 {
            p.frame_interval(33.3);
        }
        assert_eq!(p.budget_ms, MIN_BUDGET_MS);
        for _ in 0..100 {
            p.frame_interval(16.7);
        }
        assert_eq!(p.budget_ms, MAX_BUDGET_MS);
        // An occasional late frame costs little.
        for i in 0..100 {
            p.frame_interval(if i % 10 == 0 { 50.0 } else { 16.7 });
        }
        assert!(p.budget_ms >= MAX_BUDGET_MS - 1.0);
    }

    #[test]
    fn always_one_step_even_when_slow() {
        let mut p = FramePlanner::default();
        for _ in 0..3 {
            assert_eq!(frame(&mut p, 40.0), (1, 1));
        }
    }
}
