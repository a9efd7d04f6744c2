//! How much training fits in one animation frame.
//!
//! Training runs on the main thread inside `requestAnimationFrame`, with a
//! time budget per frame rather than in a web worker. Why: the views read the
//! network's full trace (every hidden state, gate and gradient) after every
//! frame; on the main thread that is a borrow, while a worker would have to
//! serialise and post it each frame and keep a second copy of the model for
//! the spectrum views. At 60 Hz a frame is 16.7 ms; training takes at most
//! [`FramePlanner::budget_ms`] of it (at most 8 ms), leaving the rest to
//! the chart, the views and the browser, so the page keeps drawing at 60
//! frames per second.
//!
//! The budget is spent in work units, not whole steps: the engine cuts each
//! training step into units of about 0.2 ms (`rnn_core::schedule`), and a
//! frame runs units until the budget is used, at least one per frame. A
//! small model finishes many steps a frame; a big one (up to ~0.3 s a step)
//! spreads each step over several frames, so the page answers a click
//! within a frame whatever the model. The cut depends on the model's shape
//! alone, never on timing, so how the units fall into frames never changes
//! the numbers: a copied link reproduces a run exactly.
//!
//! The budget adapts to what else the page draws: after a frame that missed
//! the display's refresh (an interval over 20 ms) it shrinks by 1 ms, after
//! an on-time frame it grows back by 0.25 ms, between [`MIN_BUDGET_MS`] and
//! [`MAX_BUDGET_MS`]. Idle time never shrinks it, so with light views training
//! keeps the full 8 ms; with heavy ones it gives way to the drawing.
//!
//! Within 1 ms below the budget at which a frame was last late it grows 25
//! times more slowly (0.01 ms a frame), for 40 frames. Without that, a page
//! whose drawing takes a steady 10 ms (two runs side by side) climbed back
//! to the late budget in four frames and missed every fifth refresh: a
//! frame interval p95 of 33 ms. With it, about one frame in 40 is late. The
//! memory lasts 40 frames so that a late frame now and then (a garbage
//! collection) costs 1 ms for well under a second, not the budget.
//!
//! The views show one trace per frame, so only the step that ends a frame
//! needs to record one. Whether a step records is decided when it begins
//! (recording happens during its backward pass): from a running average of
//! a step's work, a step predicted to be the frame's last, or to span
//! frames, records its trace.

pub const MAX_BUDGET_MS: f64 = 8.0;
pub const MIN_BUDGET_MS: f64 = 2.0;
/// A frame interval above this missed a 60 Hz refresh.
const LATE_FRAME_MS: f64 = 20.0;

#[derive(Clone, Debug)]
pub struct FramePlanner {
    pub budget_ms: f64,
    /// Exponential moving average of one work unit's duration.
    avg_unit_ms: Option<f64>,
    /// Exponential moving average of one step's work: its units' durations
    /// added up, over however many frames it took.
    avg_step_ms: Option<f64>,
    /// Work done so far on the step under way.
    step_ms: f64,
    /// The budget of the last late frame and the on-time frames since,
    /// for [`LATE_MEMORY_FRAMES`]: near it the budget grows slowly.
    late_at: Option<(f64, u32)>,
}

/// Growth after an on-time frame, far below and near the last late budget.
const GROW_MS: f64 = 0.25;
const GROW_NEAR_LATE_MS: f64 = 0.01;
/// How many on-time frames a late frame is remembered for.
const LATE_MEMORY_FRAMES: u32 = 40;

impl Default for FramePlanner {
    fn default() -> Self {
        FramePlanner {
            budget_ms: MAX_BUDGET_MS,
            avg_unit_ms: None,
            avg_step_ms: None,
            step_ms: 0.0,
            late_at: None,
        }
    }
}

/// Folds `sample` into a moving average that weighs the last few samples.
fn average(avg: Option<f64>, sample: f64) -> f64 {
    match avg {
        None => sample,
        Some(a) => 0.8 * a + 0.2 * sample,
    }
}

impl FramePlanner {
    /// Whether to run another unit, `elapsed_ms` since the frame's training
    /// began with `units` run so far: always the first, then while the next
    /// is predicted to fit.
    pub fn more(&self, elapsed_ms: f64, units: u32) -> bool {
        let avg = self.avg_unit_ms.unwrap_or(self.budget_ms);
        units == 0 || elapsed_ms + avg <= self.budget_ms
    }

    /// Whether a step begun `elapsed_ms` into the frame should record its
    /// trace: when the step after it would not fit, it is the frame's last
    /// (or it spans frames, which implies that).
    pub fn trace_next_step(&self, elapsed_ms: f64) -> bool {
        let avg = self.avg_step_ms.unwrap_or(self.budget_ms);
        elapsed_ms + 2.0 * avg > self.budget_ms
    }

    /// Feeds back how long a unit took.
    pub fn record_unit(&mut self, unit_ms: f64) {
        if !unit_ms.is_finite() || unit_ms < 0.0 {
            return;
        }
        self.avg_unit_ms = Some(average(self.avg_unit_ms, unit_ms));
        self.step_ms += unit_ms;
    }

    /// The step under way is done: its work feeds the step average.
    pub fn step_done(&mut self) {
        self.avg_step_ms = Some(average(self.avg_step_ms, self.step_ms));
        self.step_ms = 0.0;
    }

    /// Feeds back the time since the previous frame began.
    pub fn frame_interval(&mut self, ms: f64) {
        if !ms.is_finite() || ms <= 0.0 {
            return;
        }
        if ms > LATE_FRAME_MS {
            self.late_at = Some((self.budget_ms, 0));
            self.budget_ms -= 1.0;
        } else {
            let grow = match &mut self.late_at {
                Some((late, frames)) if self.budget_ms + 1.0 > *late => {
                    *frames += 1;
                    GROW_NEAR_LATE_MS
                }
                _ => GROW_MS,
            };
            self.budget_ms += grow;
            // Forgotten once the budget is on time above it (the drawing got
            // lighter) or after its frames.
            if self
                .late_at
                .is_some_and(|(late, frames)| self.budget_ms > late || frames >= LATE_MEMORY_FRAMES)
            {
                self.late_at = None;
            }
        }
        self.budget_ms = self.budget_ms.clamp(MIN_BUDGET_MS, MAX_BUDGET_MS);
    }

    pub fn avg_step_ms(&self) -> Option<f64> {
        self.avg_step_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model whose steps are `units_per_step` units of `unit_ms` each,
    /// trained frame after frame the way the lab does it.
    struct Sim {
        units_per_step: u32,
        unit_ms: f64,
        /// Units left of the step under way, and whether it records.
        left: Option<(u32, bool)>,
    }

    /// What one frame did.
    #[derive(Debug, PartialEq)]
    struct Frame {
        ms: f64,
        units: u32,
        steps_done: u32,
        traced_done: u32,
        /// Whether the frame ended with a step under way, and if so
        /// whether that step records its trace.
        left_half_done: Option<bool>,
    }

    impl Sim {
        fn new(units_per_step: u32, unit_ms: f64) -> Self {
            Sim {
                units_per_step,
                unit_ms,
                left: None,
            }
        }

        fn frame(&mut self, p: &mut FramePlanner) -> Frame {
            let (mut t, mut units, mut steps_done, mut traced_done) = (0.0, 0, 0, 0);
            loop {
                if self.left.is_none() {
                    if !p.more(t, units) {
                        break;
                    }
                    self.left = Some((self.units_per_step, p.trace_next_step(t)));
                }
                let (left, trace) = self.left.as_mut().unwrap();
                t += self.unit_ms;
                units += 1;
                p.record_unit(self.unit_ms);
                *left -= 1;
                if *left == 0 {
                    p.step_done();
                    steps_done += 1;
                    traced_done += *trace as u32;
                    self.left = None;
                }
                if !p.more(t, units) {
                    break;
                }
            }
            Frame {
                ms: t,
                units,
                steps_done,
                traced_done,
                left_half_done: self.left.map(|(_, trace)| trace),
            }
        }
    }

    #[test]
    fn small_steps_fill_the_budget_and_the_last_one_traces() {
        let mut p = FramePlanner::default();
        let mut sim = Sim::new(4, 0.125);
        sim.frame(&mut p);
        for _ in 0..5 {
            let f = sim.frame(&mut p);
            assert!(f.ms <= MAX_BUDGET_MS, "{f:?}");
            assert!(f.steps_done >= 14, "{f:?}");
            // The frame's last finished step traced, or the step it left
            // half done does and finishes early next frame.
            assert!(f.traced_done >= 1 || f.left_half_done == Some(true), "{f:?}");
            assert!(f.traced_done <= 2, "{f:?}");
        }
    }

    #[test]
    fn a_step_longer_than_a_frame_is_spread_over_frames_and_traces() {
        let mut p = FramePlanner::default();
        // 150 ms of work in 0.25 ms units: the heavy model.
        let mut sim = Sim::new(600, 0.25);
        let mut done = 0;
        let mut frames = 0;
        while done < 3 {
            let f = sim.frame(&mut p);
            frames += 1;
            // Never longer than the budget: the page keeps answering.
            assert!(f.ms <= MAX_BUDGET_MS, "{f:?}");
            assert!(f.units >= 1);
            done += f.steps_done;
            assert_eq!(f.traced_done, f.steps_done, "every spanning step traces");
        }
        assert!(frames >= 3 * 150 / 8, "{frames} frames");
        assert!(p.avg_step_ms().unwrap() > 100.0);
    }

    #[test]
    fn always_one_unit_even_when_a_unit_is_slow() {
        let mut p = FramePlanner::default();
        let mut sim = Sim::new(2, 40.0);
        for _ in 0..4 {
            let f = sim.frame(&mut p);
            assert_eq!(f.units, 1, "{f:?}");
        }
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
        // An occasional late frame (one in 50) costs little, for good.
        for i in 0..3000 {
            p.frame_interval(if i % 50 == 0 { 50.0 } else { 16.7 });
        }
        assert!(p.budget_ms >= MAX_BUDGET_MS - 1.0, "{}", p.budget_ms);
    }

    /// The frames a page whose drawing takes `other_ms` of every frame
    /// misses over `frames` frames at 60 Hz, and the budget at the end.
    fn late_frames(other_ms: f64, frames: usize) -> (usize, f64) {
        let mut p = FramePlanner::default();
        let mut late = 0;
        for _ in 0..frames {
            let work = other_ms + p.budget_ms;
            let interval = if work <= 16.7 { 16.7 } else { 33.3 };
            late += (interval > LATE_FRAME_MS) as usize;
            p.frame_interval(interval);
        }
        (late, p.budget_ms)
    }

    #[test]
    fn steady_heavy_drawing_misses_fewer_than_three_frames_in_a_hundred() {
        // Two runs side by side: 10 ms of drawing a frame leaves 6.7 ms.
        let (late, budget) = late_frames(10.0, 3000);
        // The rule before: 600 (every fifth frame).
        assert!(late <= 3000 * 3 / 100, "{late} late frames of 3000");
        assert!(budget > 5.0 && budget <= 6.7, "{budget}");
        // Light drawing: never late, the whole budget.
        assert_eq!(late_frames(4.0, 3000), (0, MAX_BUDGET_MS));
    }

    #[test]
    fn lighter_drawing_gives_the_budget_back() {
        let mut p = FramePlanner::default();
        for _ in 0..50 {
            p.frame_interval(33.3);
        }
        p.frame_interval(16.7);
        // Each of the next frames is on time: back to the whole budget
        // within a second.
        for _ in 0..60 {
            p.frame_interval(16.7);
        }
        assert_eq!(p.budget_ms, MAX_BUDGET_MS);
    }
}
