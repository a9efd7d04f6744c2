//! The one training driver: commands in (play, pause, step), work units
//! out, for any number of runs advanced in lockstep under one frame budget.
//! Plain Rust with the clock passed in, so it is tested natively; the page
//! calls [`Driver::frame`] once per animation frame (`super::Lab`), and the
//! same seam can carry it into a worker later.
//!
//! Lockstep: the run with the fewest completed steps always goes next (the
//! first of them on a tie), so run B never begins step k + 1 before run A
//! has finished step k, and the published step counts of all runs move
//! together. A run's numbers depend only on its own sequence of units, which
//! depends only on its shape (`rnn_core::schedule`), so a run in a driver
//! with others is bit for bit the run alone, however the units fall into
//! frames (tested below).

use crate::state::budget::FramePlanner;
use rnn_core::{Experiment, StepError, StepReport};

/// A model whose training steps the driver can cut into work units: the
/// recurrent [`Experiment`] (a step is many units: chunks of the forward
/// and backward pass) and the deep MLP (`super::mlp::MlpRun`, one unit).
pub trait Trainable {
    /// What a finished step hands back.
    type Report: Report;
    fn steps_done(&self) -> u64;
    fn step_in_progress(&self) -> bool;
    /// Asks the step under way to record its trace after all.
    fn want_trace(&mut self);
    fn begin_step(&mut self, trace: bool) -> Result<(), StepError>;
    /// Whether the work under way is a first look at the net (the
    /// recurrent probe a reset begins), not a step: it is finished whatever
    /// the goal, and its report carries the steps done so far (0).
    fn probing(&self) -> bool {
        false
    }
    /// Runs units while `more()` allows; the report once the step is done.
    fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> Option<Result<Self::Report, StepError>>;
}

/// A finished step's report, as far as the driver reads it.
pub trait Report {
    fn step(&self) -> u64;
    fn loss(&self) -> f64;
    fn has_trace(&self) -> bool;
    /// This report has no trace: take `earlier`'s (and what travels with
    /// it), so a frame shows the last trace recorded among its steps.
    fn adopt_trace(&mut self, earlier: Self);
}

impl Report for StepReport {
    fn step(&self) -> u64 {
        self.step
    }
    fn loss(&self) -> f64 {
        self.loss
    }
    fn has_trace(&self) -> bool {
        self.trace.is_some()
    }
    fn adopt_trace(&mut self, earlier: StepReport) {
        // The trace travels with the weights it was recorded with.
        self.trace = earlier.trace;
        self.weights = earlier.weights;
    }
}

impl Trainable for Experiment {
    type Report = StepReport;
    fn steps_done(&self) -> u64 {
        Experiment::steps_done(self)
    }
    fn step_in_progress(&self) -> bool {
        Experiment::step_in_progress(self)
    }
    fn want_trace(&mut self) {
        Experiment::want_trace(self);
    }
    fn begin_step(&mut self, trace: bool) -> Result<(), StepError> {
        Experiment::begin_step(self, trace)
    }
    fn probing(&self) -> bool {
        Experiment::probing(self)
    }
    fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> Option<Result<StepReport, StepError>> {
        Experiment::advance(self, more)
    }
}

/// What the driver is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Nothing (a step under way is kept for later).
    Rest,
    /// Train until told otherwise.
    Run,
    /// Until every run has done this many steps (what Step asks for).
    Reach(u64),
}

/// One frame's work for one run.
#[derive(Debug)]
pub struct RunFrame<R = StepReport> {
    /// Every step finished this frame: (step, loss).
    pub losses: Vec<(u64, f64)>,
    /// The last finished step, carrying the frame's latest trace if any
    /// step recorded one.
    pub latest: Option<R>,
    /// Why the run stopped, if it did.
    pub error: Option<StepError>,
}

impl<R> Default for RunFrame<R> {
    fn default() -> Self {
        RunFrame {
            losses: Vec::new(),
            latest: None,
            error: None,
        }
    }
}

/// The frame's outcome.
#[derive(Debug)]
pub struct Frame<R = StepReport> {
    pub runs: Vec<RunFrame<R>>,
    /// Work units run this frame.
    pub units: u32,
    /// Whether there is more to do next frame.
    pub more: bool,
}

/// A finished report waiting to be published.
#[derive(Debug)]
struct Held<R> {
    report: R,
    /// Whether its loss is a point of the loss curve: every step's, and an
    /// untrained net's probe (step 0, the line the curve starts from); not
    /// a look at a loaded run's trained net, whose loss is on the batch the
    /// next step will train on and whose step the curve already has.
    on_curve: bool,
}

pub struct Driver<M: Trainable> {
    runs: Vec<M>,
    /// Finished steps not published yet: a run that is a step ahead of
    /// another (it finished step k in a frame where the other's step k was
    /// still under way) holds its report back, so the published step counts
    /// of the live runs are always equal.
    held: Vec<Vec<Held<M::Report>>>,
    /// Runs that stopped for good (a blow-up): they take no more turns, and
    /// the others go on without them.
    finished: Vec<bool>,
    planner: FramePlanner,
    goal: Goal,
}

impl<M: Trainable> Driver<M> {
    pub fn new(runs: Vec<M>) -> Self {
        Driver {
            held: runs.iter().map(|_| Vec::new()).collect(),
            finished: vec![false; runs.len()],
            runs,
            planner: FramePlanner::default(),
            goal: Goal::Rest,
        }
    }

    pub fn runs(&self) -> &[M] {
        &self.runs
    }

    pub fn runs_mut(&mut self) -> &mut [M] {
        &mut self.runs
    }

    pub fn goal(&self) -> Goal {
        self.goal
    }

    pub fn set_goal(&mut self, goal: Goal) {
        self.goal = goal;
    }

    /// Asks for one more step of every run (after those already asked
    /// for; a step under way counts as the next).
    pub fn step(&mut self) {
        let base = match self.goal {
            Goal::Reach(n) => n.max(self.fewest_steps()),
            _ => self.fewest_steps(),
        };
        self.goal = Goal::Reach(base + 1);
    }

    /// The steps done by the live run that has done the fewest.
    pub fn fewest_steps(&self) -> u64 {
        self.live().map(|i| self.runs[i].steps_done()).min().unwrap_or(0)
    }

    /// The runs still training, by index.
    fn live(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.runs.len()).filter(|&i| !self.finished[i])
    }

    /// Takes run `i` out of the lockstep for good (it blew up).
    pub fn finish(&mut self, i: usize) {
        if let Some(f) = self.finished.get_mut(i) {
            *f = true;
        }
    }

    pub fn is_finished(&self, i: usize) -> bool {
        self.finished.get(i).copied().unwrap_or(true)
    }

    /// Steps still owed to a `Reach` goal (0 for any other goal, and when
    /// no live run is left to reach it).
    pub fn steps_owed(&self) -> u64 {
        match self.goal {
            Goal::Reach(n) if self.goal_wants_work() => n - self.fewest_steps(),
            _ => 0,
        }
    }

    /// Whether a live run's first look (its probe) is still under way.
    pub fn probing(&self) -> bool {
        self.live().any(|i| self.runs[i].probing())
    }

    /// Whether there is work: a probe to finish (whatever the goal: it is
    /// what the page shows of a new net), or what the goal asks for.
    pub fn wants_work(&self) -> bool {
        self.probing() || self.goal_wants_work()
    }

    fn goal_wants_work(&self) -> bool {
        match self.goal {
            Goal::Rest => false,
            Goal::Run => self.live().next().is_some(),
            // No live run left (every one blew up): nothing can reach it.
            Goal::Reach(n) => self.live().next().is_some() && self.fewest_steps() < n,
        }
    }

    /// Feeds back the time since the previous frame began (adapts the budget).
    pub fn frame_interval(&mut self, ms: f64) {
        self.planner.frame_interval(ms);
    }

    /// Whether a step spanning frames (or asked for with Step) is under way.
    pub fn step_in_progress(&self) -> bool {
        self.runs.iter().any(M::step_in_progress)
    }

    /// The run whose turn it is: one still probing first (every first look
    /// comes before any step), then the fewest steps done, the first on a
    /// tie.
    fn next_run(&self) -> Option<usize> {
        self.live()
            .find(|&i| self.runs[i].probing())
            .or_else(|| self.live().min_by_key(|&i| self.runs[i].steps_done()))
    }

    /// Moves run `i`'s held reports of steps up to `upto` into `out`: every
    /// loss, the last report, and the last trace recorded among them.
    fn release(&mut self, i: usize, upto: u64, out: &mut RunFrame<M::Report>) {
        let held = &mut self.held[i];
        let n = held.iter().take_while(|h| h.report.step() <= upto).count();
        // The last report before the latest that recorded a trace.
        let mut traced = None;
        for Held { report, on_curve } in held.drain(..n) {
            if on_curve {
                out.losses.push((report.step(), report.loss()));
            }
            if let Some(earlier) = out.latest.replace(report) {
                if earlier.has_trace() {
                    traced = Some(earlier);
                }
            }
        }
        if let (Some(latest), Some(earlier)) = (out.latest.as_mut(), traced) {
            if !latest.has_trace() {
                latest.adopt_trace(earlier);
            }
        }
    }

    /// Every held report, published now (the caller stops the driver: a run
    /// that blew up ends the comparison's lockstep for the page).
    pub fn flush(&mut self) -> Vec<RunFrame<M::Report>> {
        (0..self.runs.len())
            .map(|i| {
                let mut out = RunFrame::default();
                self.release(i, u64::MAX, &mut out);
                out
            })
            .collect()
    }

    /// The frame budget (ms) the planner has arrived at.
    pub fn budget_ms(&self) -> f64 {
        self.planner.budget_ms
    }

    /// Sets the budget: a second driver shares the first's (one frame
    /// budget for every model on the page) and is never fed frame intervals
    /// itself. Its own planner still learns its own models' unit times.
    pub fn share_budget(&mut self, budget_ms: f64) {
        self.planner.budget_ms = budget_ms;
    }

    /// One frame's training: work units until the budget is used (at least
    /// one when there is work), `now()` read between units.
    pub fn frame(&mut self, now: &mut dyn FnMut() -> f64) -> Frame<M::Report> {
        let start = now();
        self.frame_from(start, start, 1, now)
    }

    /// [`Driver::frame`] that runs at least `min_units` units (when there
    /// is work) before the budget counts: a count of units, not of time,
    /// so whether a small net's probe is done when a reset returns depends
    /// on its shape alone, never on how fast the machine is.
    pub fn frame_eager(&mut self, min_units: u32, now: &mut dyn FnMut() -> f64) -> Frame<M::Report> {
        let start = now();
        self.frame_from(start, start, min_units.max(1), now)
    }

    /// [`Driver::frame`] in a frame that began at `start` (another driver
    /// trained in it first): the budget counts from `start`, and one unit
    /// is run even when that driver used it all, so no model starves.
    pub fn frame_since(&mut self, start: f64, now: &mut dyn FnMut() -> f64) -> Frame<M::Report> {
        let last = now();
        self.frame_from(start, last, 1, now)
    }

    fn frame_from(
        &mut self,
        start: f64,
        mut last: f64,
        min_units: u32,
        now: &mut dyn FnMut() -> f64,
    ) -> Frame<M::Report> {
        let mut out = Frame {
            runs: (0..self.runs.len()).map(|_| RunFrame::default()).collect(),
            units: 0,
            more: false,
        };
        let running = self.goal == Goal::Run;
        // A step carried over from an earlier frame (or left half done by
        // Pause) is what this frame will show: trace it if it still can.
        for run in &mut self.runs {
            if run.step_in_progress() {
                run.want_trace();
            }
        }
        'frame: while self.wants_work() {
            let Some(i) = self.next_run() else { break };
            if !self.runs[i].step_in_progress() {
                if out.units >= min_units && !self.planner.more(last - start, out.units) {
                    break;
                }
                // A step Step asked for always shows its trace.
                let trace = !running || self.planner.trace_next_step(last - start);
                if let Err(e) = self.runs[i].begin_step(trace) {
                    out.runs[i].error = Some(e);
                    self.goal = Goal::Rest;
                    break;
                }
            }
            let planner = &mut self.planner;
            let units = &mut out.units;
            let mut more = || {
                let t = now();
                planner.record_unit(t - last);
                last = t;
                *units += 1;
                *units < min_units || planner.more(t - start, *units)
            };
            let was_probing = self.runs[i].probing();
            let Some(result) = self.runs[i].advance(&mut more) else {
                break 'frame;
            };
            // The last unit of a step reports instead of asking `more`.
            let t = now();
            self.planner.record_unit(t - last);
            self.planner.step_done();
            last = t;
            out.units += 1;
            match result {
                Ok(report) => {
                    let on_curve = !was_probing || report.step() == 0;
                    self.held[i].push(Held { report, on_curve });
                    // The last probe ends the frame: the untrained net is
                    // a frame's latest report of its own, never folded
                    // into a step's (which would take its trace).
                    if was_probing && !self.probing() {
                        break;
                    }
                }
                Err(e) => {
                    // A blow-up ends this run only; the others go on (the
                    // caller may stop them too). A refused step stops all.
                    if matches!(e, StepError::Diverged(_)) {
                        self.finished[i] = true;
                    } else {
                        self.goal = Goal::Rest;
                    }
                    out.runs[i].error = Some(e);
                    if !self.wants_work() {
                        break;
                    }
                }
            }
        }
        // Publish what every live run has reached (a finished run's steps
        // are all published: nothing more will come to match them).
        let reached = self
            .live()
            .map(|i| self.runs[i].steps_done())
            .min()
            .unwrap_or(u64::MAX);
        for (i, run) in out.runs.iter_mut().enumerate() {
            let upto = if self.finished[i] { u64::MAX } else { reached };
            self.release(i, upto, run);
        }
        if self.goal == Goal::Reach(self.fewest_steps()) {
            self.goal = Goal::Rest;
        }
        out.more = self.wants_work();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::{CellKind, ExperimentConfig};

    fn experiment(cell: CellKind, seed: u64) -> Experiment {
        let mut c = ExperimentConfig {
            cell,
            seed,
            hidden_size: 16,
            batch_size: 8,
            ..ExperimentConfig::default()
        };
        c.task.seq_len = 12;
        Experiment::new(c).expect("valid")
    }

    /// A clock that moves `tick` ms every time it is read.
    fn clock(tick: f64) -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += tick;
            t
        }
    }

    fn weights(e: &Experiment) -> Vec<u64> {
        use rnn_core::Params;
        e.net()
            .export()
            .iter()
            .flat_map(|p| p.values.iter().map(|v| v.to_bits()))
            .collect()
    }

    /// The losses of `steps` steps taken one at a time, alone.
    fn alone(mut e: Experiment, steps: usize) -> (Vec<u64>, Experiment) {
        let losses = (0..steps)
            .map(|_| e.step(false).expect("trains").loss.to_bits())
            .collect();
        (losses, e)
    }

    #[test]
    fn two_runs_in_one_driver_are_bit_for_bit_each_run_alone() {
        for tick in [0.05, 0.7, 3.0] {
            let mut d = Driver::new(vec![experiment(CellKind::Rnn, 1), experiment(CellKind::Lstm, 2)]);
            d.set_goal(Goal::Run);
            let mut losses = [Vec::new(), Vec::new()];
            let mut clock = clock(tick);
            while d.fewest_steps() < 30 {
                let f = d.frame(&mut clock);
                for (i, run) in f.runs.iter().enumerate() {
                    assert!(run.error.is_none());
                    losses[i].extend(run.losses.iter().map(|(_, l)| l.to_bits()));
                }
                // Published in lockstep: the same count after every frame.
                assert_eq!(losses[0].len(), losses[1].len(), "tick {tick}");
                // Lockstep: never more than one step apart.
                let counts: Vec<u64> = d.runs().iter().map(|r| r.steps_done()).collect();
                assert!(counts[0].abs_diff(counts[1]) <= 1, "{counts:?}");
            }
            d.set_goal(Goal::Rest);
            // A run may be a step ahead of what it published (held back
            // until the other catches up): compare with its true count.
            let (a, ea) = alone(experiment(CellKind::Rnn, 1), d.runs()[0].steps_done() as usize);
            let (b, eb) = alone(experiment(CellKind::Lstm, 2), d.runs()[1].steps_done() as usize);
            assert_eq!(losses[0], a[..losses[0].len()], "tick {tick}");
            assert_eq!(losses[1], b[..losses[1].len()], "tick {tick}");
            assert_eq!(weights(&d.runs()[0]), weights(&ea));
            assert_eq!(weights(&d.runs()[1]), weights(&eb));
        }
    }

    /// The probes a reset begins: finished unit by unit at rest, every one
    /// before any step, each published as step 0 with the probe's own
    /// numbers, and the runs then train bit for bit as after `probe()`.
    #[test]
    fn probes_finish_at_rest_before_any_step_and_change_no_step() {
        let probed = |cell, seed| {
            let mut e = experiment(cell, seed);
            e.begin_probe(true).unwrap();
            e
        };
        let mut d = Driver::new(vec![probed(CellKind::Lstm, 1), probed(CellKind::Gru, 2)]);
        assert!(d.probing() && d.wants_work());
        assert_eq!(d.steps_owed(), 0, "a probe is owed to no goal");
        // A clock so slow that every frame runs one unit: the probes span
        // frames at rest, and Step asked meanwhile waits for them.
        let mut clock = clock(50.0);
        let mut first = [None, None];
        let mut frames = 0;
        while d.probing() {
            let f = d.frame(&mut clock);
            // One unit, and one of the other run's when a probe ends.
            assert!((1..=2).contains(&f.units), "{}", f.units);
            for (i, run) in f.runs.into_iter().enumerate() {
                assert!(run.error.is_none());
                if let Some(r) = run.latest {
                    assert_eq!(run.losses, [(0, r.loss)]);
                    first[i] = Some(r);
                }
            }
            if frames == 3 {
                d.step();
            }
            frames += 1;
            assert!(
                d.runs().iter().all(|r| !r.step_in_progress() || r.probing()),
                "no step begins before both probes"
            );
        }
        assert!(frames > 10, "an LSTM's probe is many units ({frames})");
        // The frame that ended the probes began no step.
        assert_eq!(d.fewest_steps(), 0);
        assert!(!d.step_in_progress());
        let mut alone_a = experiment(CellKind::Lstm, 1);
        let mut alone_b = experiment(CellKind::Gru, 2);
        assert_eq!(first[0].as_ref(), Some(&alone_a.probe(true).unwrap()));
        assert_eq!(first[1].as_ref(), Some(&alone_b.probe(true).unwrap()));
        assert!(first[0].as_ref().unwrap().trace.is_some());
        // Step's one step, then rest.
        while d.wants_work() {
            d.frame(&mut clock);
        }
        let (a, b) = (alone_a.step(false).unwrap(), alone_b.step(false).unwrap());
        assert_eq!(d.fewest_steps(), 1);
        assert_eq!(weights(&d.runs()[0]), weights(&alone_a), "{}", a.loss);
        assert_eq!(weights(&d.runs()[1]), weights(&alone_b), "{}", b.loss);
    }

    /// A reset's eager frame: a probe of up to `min_units` units is done
    /// when the frame returns, however slow the clock; a bigger one is not.
    #[test]
    fn an_eager_frame_finishes_a_small_probe_whatever_the_clock() {
        let mut e = experiment(CellKind::Rnn, 7);
        let units = e.units_per_step() as u32;
        e.begin_probe(true).unwrap();
        let mut d = Driver::new(vec![e]);
        let f = d.frame_eager(units, &mut clock(1000.0));
        assert_eq!(f.units, units);
        assert_eq!(f.runs[0].latest.as_ref().map(|r| r.step), Some(0));
        assert!(!d.probing() && !f.more);
        let mut e = experiment(CellKind::Rnn, 7);
        e.begin_probe(true).unwrap();
        let mut d = Driver::new(vec![e]);
        let f = d.frame_eager(units - 1, &mut clock(1000.0));
        assert_eq!(f.units, units - 1);
        assert!(f.runs[0].latest.is_none() && d.probing() && f.more);
    }

    /// A net whose forward pass already overflows: its probe reports the
    /// blow-up at step 0 and takes that run out; the other still gets its
    /// probe.
    #[test]
    fn a_probe_that_overflows_takes_its_run_out_and_the_other_probe_finishes() {
        let mut c = ExperimentConfig {
            activation: rnn_core::Activation::Identity,
            spectral_radius: Some(5.0),
            init_recurrent: rnn_core::Init::Orthogonal,
            ..ExperimentConfig::default()
        };
        c.task.seq_len = 200;
        let mut a = Experiment::new(c).expect("valid");
        a.begin_probe(true).unwrap();
        let mut b = experiment(CellKind::Rnn, 3);
        b.begin_probe(true).unwrap();
        let mut d = Driver::new(vec![a, b]);
        let mut errors = Vec::new();
        let mut probes = 0;
        let mut clock = clock(0.05);
        while d.wants_work() {
            let f = d.frame(&mut clock);
            for (i, run) in f.runs.into_iter().enumerate() {
                if let Some(e) = run.error {
                    errors.push((i, e));
                }
                probes += run.latest.map_or(0, |r| usize::from(r.step == 0));
            }
        }
        assert!(d.is_finished(0) && !d.is_finished(1));
        assert_eq!(probes, 1, "B's probe is published");
        match &errors[..] {
            [(0, StepError::Diverged(e))] => {
                assert_eq!(e.step, 0);
                assert!(
                    matches!(e.cause, rnn_core::DivergenceCause::ForwardOverflow(_)),
                    "{e:?}"
                );
            }
            other => panic!("A's probe overflows, and only that: {other:?}"),
        }
    }

    #[test]
    fn step_asks_for_exactly_one_more_step_of_every_run() {
        let mut d = Driver::new(vec![experiment(CellKind::Gru, 3), experiment(CellKind::Rnn, 3)]);
        // A clock so slow that every frame runs a single unit.
        let mut clock = clock(50.0);
        d.step();
        d.step();
        let mut frames = 0;
        while d.wants_work() {
            d.frame(&mut clock);
            frames += 1;
            assert!(frames < 10_000);
        }
        assert_eq!(
            d.runs().iter().map(|r| r.steps_done()).collect::<Vec<_>>(),
            [2, 2]
        );
        assert_eq!(d.goal(), Goal::Rest);
        assert!(frames > 2, "slow frames spread the steps ({frames})");
        // Nothing more happens at rest.
        let f = d.frame(&mut clock);
        assert_eq!(f.units, 0);
        assert!(!f.more);
    }

    #[test]
    fn rest_keeps_a_half_done_step_and_step_finishes_it() {
        let mut d = Driver::new(vec![experiment(CellKind::Lstm, 4)]);
        let mut clock = clock(50.0);
        d.set_goal(Goal::Run);
        d.frame(&mut clock);
        assert!(d.step_in_progress(), "one unit is not a whole LSTM step here");
        d.set_goal(Goal::Rest);
        assert_eq!(d.frame(&mut clock).units, 0);
        d.step();
        while d.wants_work() {
            d.frame(&mut clock);
        }
        assert_eq!(d.fewest_steps(), 1);
        let (_, e) = alone(experiment(CellKind::Lstm, 4), 1);
        assert_eq!(
            weights(&d.runs()[0]),
            weights(&e),
            "the kept half step is the step alone"
        );
    }

    #[test]
    fn a_run_that_blows_up_leaves_the_lockstep_and_the_other_goes_on() {
        // B explodes (ReLU, spectral radius 3, lr 1, no clipping); A is sane.
        let mut c = ExperimentConfig {
            activation: rnn_core::Activation::Relu,
            spectral_radius: Some(3.0),
            init_recurrent: rnn_core::Init::Orthogonal,
            ..ExperimentConfig::default()
        };
        c.train.clip = rnn_core::Clip::None;
        c.train.optimizer = rnn_core::OptimizerKind::Sgd;
        c.train.learning_rate = 1.0;
        c.task.seq_len = 50;
        let b = Experiment::new(c).expect("valid");
        let mut d = Driver::new(vec![experiment(CellKind::Rnn, 1), b]);
        d.set_goal(Goal::Run);
        let mut clock = clock(0.05);
        let mut diverged_at = None;
        while d.runs()[0].steps_done() < 40 {
            let f = d.frame(&mut clock);
            assert!(f.runs[0].error.is_none());
            if let Some(StepError::Diverged(e)) = &f.runs[1].error {
                diverged_at = Some(e.step);
            }
        }
        let at = diverged_at.expect("B blew up");
        assert!(d.is_finished(1) && !d.is_finished(0));
        assert!(
            d.runs()[1].steps_done() < at,
            "B kept the weights from before its blow-up"
        );
        // A alone, bit for bit.
        let done = d.runs()[0].steps_done() as usize;
        let (_, ea) = alone(experiment(CellKind::Rnn, 1), done);
        assert_eq!(weights(&d.runs()[0]), weights(&ea));
    }

    #[test]
    fn a_frame_shows_the_trace_of_its_last_step() {
        let mut d = Driver::new(vec![experiment(CellKind::Rnn, 5)]);
        d.step();
        let f = d.frame(&mut clock(0.01));
        let latest = f.runs[0].latest.as_ref().expect("one step");
        assert_eq!(latest.step, 1);
        assert!(
            latest.trace.is_some(),
            "a step asked for with Step records its trace"
        );
    }

    /// A loaded run's look (`begin_peek`) over frames at rest: its report
    /// is published as the run's latest at the steps done, its loss is no
    /// point of the curve, and Play then trains bit for bit the run alone.
    #[test]
    fn a_look_at_a_trained_run_is_shown_but_not_drawn_on_the_curve() {
        // The same seed gives the same run: one for each role.
        let trained = || alone(experiment(CellKind::Lstm, 3), 2).1;
        let whole = trained().peek(true).unwrap();
        let mut looked = trained();
        looked.begin_peek(true).unwrap();
        let mut d = Driver::new(vec![looked]);
        let mut tick = clock(100.0);
        let mut frames = 0;
        let report = loop {
            let f = d.frame(&mut tick);
            frames += 1;
            assert!(f.runs[0].losses.is_empty(), "frame {frames}");
            if let Some(r) = f.runs.into_iter().next().and_then(|r| r.latest) {
                break r;
            }
            assert!(f.more && d.probing());
        };
        assert!(frames > 1, "one unit a frame");
        assert_eq!(report, whole);
        assert!(!d.wants_work(), "a look is all a paused run does");
        d.set_goal(Goal::Reach(4));
        let mut losses = Vec::new();
        while d.wants_work() {
            let f = d.frame(&mut tick);
            losses.extend(f.runs[0].losses.iter().map(|&(s, l)| (s, l.to_bits())));
        }
        let (alone, _) = alone(trained(), 2);
        assert_eq!(losses, vec![(3, alone[0]), (4, alone[1])]);
    }

    #[test]
    fn a_frames_trace_comes_with_the_weights_it_was_recorded_with() {
        let mut e = experiment(CellKind::Rnn, 5);
        let traced = e.step(true).unwrap();
        let untraced = e.step(false).unwrap();
        assert!(traced.weights.is_some() && untraced.weights.is_none());
        let mut d = Driver::new(vec![experiment(CellKind::Rnn, 5)]);
        d.held[0] = [traced.clone(), untraced]
            .map(|report| Held {
                report,
                on_curve: true,
            })
            .into();
        let mut out = RunFrame::default();
        d.release(0, u64::MAX, &mut out);
        let latest = out.latest.unwrap();
        assert_eq!(latest.step, 2);
        assert_eq!(latest.trace, traced.trace);
        assert_eq!(latest.weights, traced.weights);
        assert_eq!(out.losses.len(), 2);
    }
}
