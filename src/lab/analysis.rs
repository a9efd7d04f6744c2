//! The views' analysis of the published weights (every block's spectrum,
//! the plain RNN's Jacobian chain), worked out in the lab's loop a unit at a
//! time under the frame budget, not in the frame where a view draws: for
//! the biggest net it is up to a second of decompositions, which froze the
//! page in the frame after a reset or a traced step.
//!
//! A view asks (`Snapshot::spectra` and the like answer, or mark what they
//! lack as wanted); each frame the loop takes the shown snapshot's wanted
//! analyses one job at a time, runs its units (`rnn_core::AnalysisJob`)
//! with what the frame has left, fills the snapshot's [`Computed`] and
//! bumps `Lab::analysed`, on which the views redraw. While training, a new
//! job waits until the work has been at most a tenth of the time since the
//! last one ended, as the views' own schedule did when they decomposed
//! the matrices themselves.

use super::Computed;
use rnn_core::{Analysed, AnalysisJob, JacobianChain, RecurrentWeights, Spectrum, Trace};
use std::sync::Arc;

/// Where a job's result goes.
pub enum Target {
    Spectra(Computed<Vec<Spectrum>>),
    Jacobians(Computed<Vec<JacobianChain>>),
}

/// An analysis a view asked for, under way.
pub struct Wanted {
    job: AnalysisJob,
    weights: Arc<RecurrentWeights>,
    into: Target,
}

impl Wanted {
    pub fn spectra(w: &Arc<RecurrentWeights>, into: Target) -> Wanted {
        Wanted {
            job: AnalysisJob::spectra(w),
            weights: w.clone(),
            into,
        }
    }

    pub fn jacobians(w: &Arc<RecurrentWeights>, trace: &Trace, into: Target) -> Wanted {
        Wanted {
            job: AnalysisJob::jacobians(w, trace),
            weights: w.clone(),
            into,
        }
    }

    /// Runs one unit, then more while `more()` says so. Returns whether
    /// the job is done; then its result is in the snapshot it was made for
    /// (and in every snapshot sharing that analysis).
    pub fn run(&mut self, more: &mut dyn FnMut() -> bool) -> bool {
        loop {
            if self.job.finished() {
                self.fill();
                return true;
            }
            self.job.run_unit(&self.weights);
            if !self.job.finished() && !more() {
                return false;
            }
        }
    }

    fn fill(&mut self) {
        let job = std::mem::replace(
            &mut self.job,
            AnalysisJob::Spectra {
                blocks: Vec::new(),
                done: Vec::new(),
            },
        );
        match (job.result(), &self.into) {
            (Analysed::Spectra(s), Target::Spectra(c)) => c.fill(s),
            (Analysed::Jacobians(j), Target::Jacobians(c)) => c.fill(j),
            // A job is made with its own kind of target (`Snapshot::wanted_analysis`).
            _ => {}
        }
    }
}

/// The lab's analyses: the job under way, and when the last one ended and
/// what it cost, for the schedule while training.
#[derive(Default)]
pub struct Analyses {
    current: Option<Wanted>,
    /// (when the last job ended, ms; its work, ms).
    last: Option<(f64, f64)>,
    /// Work on the job under way so far, ms.
    spent: f64,
}

impl Analyses {
    /// Whether a new job may begin at `now` (ms): at once when not
    /// training, else once the last job's work is a tenth of the time since
    /// it began.
    fn may_begin(&self, now: f64, training: bool) -> bool {
        match self.last {
            Some((ended, cost)) if training => now - ended >= 9.0 * cost,
            _ => true,
        }
    }

    /// One frame's analysis: the job under way, then newly wanted ones
    /// (from `next`; `wanted` says whether there is one without making
    /// it), one unit and then more while `more()`. Returns whether a job
    /// finished (the views should redraw) and whether work is left for the
    /// next frame.
    pub fn frame(
        &mut self,
        training: bool,
        wanted: &dyn Fn() -> bool,
        next: &mut dyn FnMut() -> Option<Wanted>,
        now: &mut dyn FnMut() -> f64,
        more: &mut dyn FnMut() -> bool,
    ) -> (bool, bool) {
        let mut finished = false;
        loop {
            let t0 = now();
            if self.current.is_none() {
                if !self.may_begin(t0, training) {
                    // Not yet due: ask again next frame.
                    return (finished, wanted());
                }
                self.current = next();
                self.spent = 0.0;
            }
            let Some(job) = self.current.as_mut() else {
                return (finished, false);
            };
            let done = job.run(more);
            let t1 = now();
            self.spent += t1 - t0;
            if !done {
                return (finished, true);
            }
            finished = true;
            self.current = None;
            self.last = Some((t1, self.spent));
            if !more() {
                return (finished, wanted());
            }
        }
    }

    /// Forgets the job under way (a reset: its weights are gone).
    pub fn clear(&mut self) {
        *self = Analyses::default();
    }
}
