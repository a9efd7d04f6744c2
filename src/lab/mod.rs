//! The running lab: the shared state every component reads (a small `Copy`
//! struct of signals, provided as context), the actions the buttons and
//! controls call, and the animation-frame training loop.
//!
//! The model itself is not reactive: it lives in a [`StoredValue`] and is
//! touched only by the loop and the actions. The loop advances training a
//! few work units at a time (see `state::budget`), so one step may span
//! several frames; after a frame in which steps finished it publishes a
//! [`Snapshot`] (the latest step's numbers and trace), which is what the
//! status line, the loss chart and the views redraw from. A half-done step
//! is never shown: the snapshot, step count and weights change only when a
//! step completes.
//!
//! The deep MLP (view 8) trains in the same loop: a second [`Driver`] over
//! [`mlp::MlpRun`], given what is left of the same frame budget after the
//! recurrent runs (at least one step), so the page has one loop and one
//! budget whatever trains. Play/Pause/Step are the recurrent runs'; the
//! MLP trains the steps its own "Train" button asks for.
//!
//! A step under way survives Pause (Play or Step finishes it); Reset, a new
//! seed, model or lesson drops it with the old network. Learning rate,
//! clipping and optimiser changes reach it: the update, a step's last unit,
//! reads them.
//!
//! ## For the views (src/views/)
//! `let lab = expect_context::<Lab>();` then read
//! - `lab.snapshot` — `Option<Snapshot>`: the latest step number, loss, clip
//!   report and `Arc<Trace>`, updated at most once per frame (also right
//!   after a reset, from a probe of the untrained network: step 0);
//! - `lab.run` — [`RunState`]; `lab.settings` — the controls;
//! - `lab.epoch` — increments on every reset, so a view that accumulates
//!   history (a heatmap over training steps) knows to clear it;
//! - `snapshot.analysis()` — spectra and Jacobian chains of the traced
//!   step's weights, which the snapshot carries with its trace (`weights`,
//!   and the untrained net's as `initial`); it costs an eigen-decomposition:
//!   call it from a view's redraw, not per step. Views read only what a
//!   snapshot publishes (`lab.shown_snapshot()` for the run they show),
//!   never the live net: `with_experiment` is for the actions (saving a run);
//! - `lab.mlp_shown` — what the MLP view draws ([`mlp::MlpShown`]).

pub mod analysis;
pub mod driver;
pub mod mlp;

use crate::state::history::{LossHistory, RateMeter};
use crate::state::presets::Preset;
use crate::state::settings::Settings;
use crate::state::url::{self, Notice, NoticeKind};
use driver::{Driver, Goal};
use leptos::prelude::*;
use rnn_core::tasks::TaskInfo;
use rnn_core::{
    Analysis, ClipReport, Divergence, Experiment, JacobianChain, RecurrentWeights, Spectrum, StepError,
    StepReport, Trace,
};
use std::sync::Arc;

/// What the status line shows (`data-state` of `[data-testid=status]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Freshly reset: no training step yet.
    Idle,
    Running,
    /// Not training: stopped by Pause, or taking (or having taken) the
    /// steps asked for with Step.
    Paused,
    /// The last step produced NaN or ∞; only Reset (or a new setting) helps.
    Diverged,
}

impl RunState {
    pub fn name(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Diverged => "diverged",
        }
    }
}

/// The latest step, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Training steps done (0 before training: the probe of the initial net).
    pub step: u64,
    pub loss: f64,
    pub clip: ClipReport,
    /// Trace of example 0 of the latest traced step (the last one of the frame).
    pub trace: Option<Arc<Trace>>,
    /// The recurrent matrices of the forward pass `trace` records: what the
    /// spectrum, γ·σ_max and the Jacobian chain are computed from, so they
    /// always describe the traced step (views never read the live net).
    pub weights: Option<Arc<RecurrentWeights>>,
    /// The matrices of the untrained net (its step-0 probe), kept through
    /// the run; `None` for a run loaded from a file part-way.
    pub initial: Option<Arc<RecurrentWeights>>,
    /// The analyses of `weights` and `initial`, each computed once, when a
    /// view first asks for it, by the lab's loop in work units, and shared
    /// by every view and every later snapshot that shows the same weights
    /// (see [`Computed`]).
    spectra: Computed<Vec<Spectrum>>,
    jacobians: Computed<Vec<JacobianChain>>,
    initial_spectra: Computed<Vec<Spectrum>>,
}

/// A value worked out at most once, after it was first asked for, and
/// shared by every clone. The spectra and Jacobian chains cost an eigen- or
/// singular value decomposition per matrix: up to a second for the biggest
/// net. Worked out by the lab for every step, they would cost the most when
/// no view is on screen; worked out by each view, the same matrices were
/// decomposed up to three times, and in one go, so the frame that drew them
/// froze. So a view asks ([`Computed::ready`]): the answer is there, or the
/// value is marked wanted and the lab's loop works it out in units under
/// the frame budget (`analysis::Analyses`), then tells the views
/// (`Lab::analysed`).
#[derive(Clone, Default)]
pub struct Computed<T>(Arc<Slot<T>>);

#[derive(Default)]
struct Slot<T> {
    value: std::sync::OnceLock<T>,
    wanted: std::sync::atomic::AtomicBool,
}

impl<T> Computed<T> {
    /// The value, worked out now if it is not yet (exports and tests).
    fn get_or(&self, f: impl FnOnce() -> T) -> &T {
        self.0.value.get_or_init(f)
    }

    /// The value if it is worked out; else `None`, and it is wanted.
    fn ready(&self) -> Option<&T> {
        let value = self.0.value.get();
        if value.is_none() {
            self.0.wanted.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        value
    }

    /// Asked for and not worked out yet.
    fn wanted(&self) -> bool {
        self.0.value.get().is_none() && self.0.wanted.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn fill(&self, value: T) {
        let _ = self.0.value.set(value);
    }
}

impl<T> std::fmt::Debug for Computed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.value.get().is_some() {
            "Computed(done)"
        } else {
            "Computed(not yet)"
        })
    }
}

/// A cache says nothing of its own: two snapshots of the same step are
/// equal whether or not a view has asked for their analysis yet.
impl<T> PartialEq for Computed<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Snapshot {
    fn from_report(r: StepReport) -> Self {
        let weights = r.weights.map(Arc::new);
        // At step 0 the weights are the untrained net's: one analysis. (A
        // probe always ends its frame, so its report is never folded into a
        // later step's: `Driver::frame`.)
        let untrained = r.step == 0;
        let spectra = Computed::default();
        let initial_spectra = if untrained {
            spectra.clone()
        } else {
            Computed::default()
        };
        Snapshot {
            step: r.step,
            loss: r.loss,
            clip: r.clip,
            trace: r.trace.map(Arc::new),
            initial: weights.clone().filter(|_| untrained),
            weights,
            spectra,
            jacobians: Computed::default(),
            initial_spectra,
        }
    }

    /// This step's snapshot following `old`: an untraced step keeps showing
    /// the previous trace with the weights it was recorded with (the two go
    /// together), and the untrained net's weights stay through the run.
    fn after(mut self, old: Option<&Snapshot>) -> Snapshot {
        if let Some(old) = old {
            if self.trace.is_none() {
                self.trace = old.trace.clone();
                self.weights = old.weights.clone();
                self.spectra = old.spectra.clone();
                self.jacobians = old.jacobians.clone();
            }
            if self.initial.is_none() {
                self.initial = old.initial.clone();
                self.initial_spectra = old.initial_spectra.clone();
            }
        }
        self
    }

    /// Every block's spectrum of the weights the trace was recorded with,
    /// once the lab has worked it out (see [`Computed`]): `None` until then
    /// (the view keeps what it drew, and redraws on `Lab::analysed`) and
    /// when there are no weights.
    pub fn spectra(&self) -> Option<&[Spectrum]> {
        self.weights.as_ref()?;
        self.spectra.ready().map(Vec::as_slice)
    }

    /// The same of the untrained net's weights.
    pub fn initial_spectra(&self) -> Option<&[Spectrum]> {
        self.initial.as_ref()?;
        self.initial_spectra.ready().map(Vec::as_slice)
    }

    /// The plain RNN's Jacobian chain along the trace, per direction (none
    /// for the gated cells), as `spectra`.
    pub fn jacobians(&self) -> Option<&[JacobianChain]> {
        self.weights.as_ref()?;
        self.trace.as_ref()?;
        self.jacobians.ready().map(Vec::as_slice)
    }

    /// All of it as the engine's [`Analysis`], worked out now where it is
    /// not yet (for tests and exports, which ask once).
    pub fn analysis(&self) -> Option<Analysis> {
        let w = self.weights.as_ref()?;
        let chains = self
            .trace
            .as_ref()
            .map(|t| self.jacobians.get_or(|| w.jacobians(t)));
        Some(Analysis {
            gamma: w.activation.max_derivative(),
            spectra: self.spectra.get_or(|| w.spectra()).clone(),
            jacobians: chains.cloned().unwrap_or_default(),
        })
    }

    /// Whether a view asked for an analysis of this snapshot that is not
    /// worked out yet.
    fn wants_analysis(&self) -> bool {
        (self.weights.is_some() && self.spectra.wanted())
            || (self.initial.is_some() && self.initial_spectra.wanted())
            || (self.weights.is_some() && self.trace.is_some() && self.jacobians.wanted())
    }

    /// The next analysis a view asked for and nobody has worked out: the
    /// job, the weights it reads, and where its result goes.
    fn wanted_analysis(&self) -> Option<analysis::Wanted> {
        use analysis::{Target, Wanted};
        if let Some(w) = self.weights.as_ref().filter(|_| self.spectra.wanted()) {
            return Some(Wanted::spectra(w, Target::Spectra(self.spectra.clone())));
        }
        if let Some(w) = self.initial.as_ref().filter(|_| self.initial_spectra.wanted()) {
            return Some(Wanted::spectra(w, Target::Spectra(self.initial_spectra.clone())));
        }
        let (w, t) = (self.weights.as_ref()?, self.trace.as_ref()?);
        self.jacobians
            .wanted()
            .then(|| Wanted::jacobians(w, t, Target::Jacobians(self.jacobians.clone())))
    }
}

/// What the page shows of run B.
#[derive(Clone, Copy)]
pub struct RunB {
    pub snapshot: RwSignal<Option<Snapshot>>,
    pub history: RwSignal<LossHistory>,
    pub divergence: RwSignal<Option<Divergence>>,
    /// Whether B exists (a comparison whose B was built).
    pub on: RwSignal<bool>,
}

impl RunB {
    fn new() -> Self {
        RunB {
            snapshot: RwSignal::new(None),
            history: RwSignal::new(LossHistory::default()),
            divergence: RwSignal::new(None),
            on: RwSignal::new(false),
        }
    }
}

/// One run's finished steps into its history and snapshot. An untraced last
/// step keeps showing the previous trace.
fn show_steps(
    history: RwSignal<LossHistory>,
    snapshot: RwSignal<Option<Snapshot>>,
    losses: &[(u64, f64)],
    latest: Option<StepReport>,
) {
    if !losses.is_empty() {
        history.update(|h| {
            for &(step, loss) in losses {
                // Step 0 is the untrained net's probe: the dashed line the
                // curve starts from, not a point of training.
                if step == 0 {
                    h.set_initial(loss);
                } else {
                    h.push(step, loss);
                }
            }
        });
    }
    if let Some(report) = latest {
        let snap = snapshot.with_untracked(|old| Snapshot::from_report(report).after(old.as_ref()));
        snapshot.set(Some(snap));
    }
}

/// Work units of probes that a reset runs at once, in the click: about
/// 25 ms at the engine's unit size (`rnn_core::schedule`). A plain RNN of
/// the lessons fits (the default net is 15 units, length 200 is 95; with a
/// comparison, A and B share the count); an LSTM at length 100 (225) or the
/// heavy model (705) is probed over frames. A count, not a time: what a
/// reset shows when the click returns depends on the net alone.
const PROBE_AT_ONCE_UNITS: u32 = 128;

/// Begins the first look at a fresh network (its probe: the untrained loss
/// and trace, or the overflow of its forward pass at step 0), which the
/// driver finishes unit by unit like a step. A batch the net refuses here is
/// refused again, with its notice, by the first step.
fn begin_first_look(e: &mut Experiment) {
    let _ = e.begin_probe(true);
}

#[derive(Clone, Copy)]
pub struct Lab {
    pub settings: RwSignal<Settings>,
    pub run: RwSignal<RunState>,
    pub snapshot: RwSignal<Option<Snapshot>>,
    pub divergence: RwSignal<Option<Divergence>>,
    pub history: RwSignal<LossHistory>,
    pub steps_per_sec: RwSignal<Option<f64>>,
    pub task_info: RwSignal<Option<Arc<TaskInfo>>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub epoch: RwSignal<u64>,
    /// The lesson last picked from the menu, until a control changes.
    pub lesson: RwSignal<Option<&'static Preset>>,
    /// A step asked for with Step is still being computed (a big model's
    /// step spans frames): the status line says so rather than "paused".
    pub stepping: RwSignal<bool>,
    /// The untrained net's probe is still being computed (a big model's
    /// spans frames): the status line says so.
    pub probing: RwSignal<bool>,
    /// Run B of a comparison (`Settings::compare`), trained in lockstep
    /// with A in the same driver: its latest step, losses and blow-up.
    /// `None`/empty while there is no B.
    pub b: RunB,
    /// Which run the views show: 0 for A, 1 for B (only while B exists).
    pub shown: RwSignal<usize>,
    /// The one training driver (see `driver`), holding the run.
    driver: StoredValue<Driver<Experiment>, LocalStorage>,
    /// A finished analysis (`analysis`): the views that draw one redraw.
    pub analysed: RwSignal<u64>,
    analyses: StoredValue<analysis::Analyses, LocalStorage>,
    /// The deep MLP's run (view 8), in a driver of its own trained in the
    /// same loop and frame budget, after the recurrent runs.
    mlp: StoredValue<Driver<mlp::MlpRun>, LocalStorage>,
    /// What the MLP view draws (`None`: no net, its settings refused).
    pub mlp_shown: RwSignal<Option<mlp::MlpShown>>,
    /// The animation-frame loop is running.
    looping: StoredValue<bool, LocalStorage>,
    meter: StoredValue<RateMeter, LocalStorage>,
    /// When the previous training frame began (ms), for the adaptive budget.
    last_frame: StoredValue<Option<f64>, LocalStorage>,
    /// Generation of the animation-frame loop: a frame callback from an
    /// older loop sees a newer number and quietly ends.
    loop_gen: StoredValue<u64, LocalStorage>,
    /// What a key left out of a link means: the defaults, in the language
    /// the browser prefers.
    base: StoredValue<Settings, LocalStorage>,
}

impl Lab {
    /// Builds the lab from the page's URL (or defaults) and provides it as
    /// context.
    pub fn provide() -> Lab {
        let lab = Lab {
            settings: RwSignal::new(Settings::default()),
            run: RwSignal::new(RunState::Idle),
            snapshot: RwSignal::new(None),
            divergence: RwSignal::new(None),
            history: RwSignal::new(LossHistory::default()),
            steps_per_sec: RwSignal::new(None),
            task_info: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            epoch: RwSignal::new(0),
            lesson: RwSignal::new(None),
            stepping: RwSignal::new(false),
            probing: RwSignal::new(false),
            b: RunB::new(),
            shown: RwSignal::new(0),
            driver: StoredValue::new_local(Driver::new(Vec::new())),
            analysed: RwSignal::new(0),
            analyses: StoredValue::new_local(analysis::Analyses::default()),
            mlp: StoredValue::new_local(Driver::new(Vec::new())),
            mlp_shown: RwSignal::new(None),
            looping: StoredValue::new_local(false),
            meter: StoredValue::new_local(RateMeter::default()),
            last_frame: StoredValue::new_local(None),
            loop_gen: StoredValue::new_local(0),
            base: StoredValue::new_local(Settings {
                lang: crate::lang::preferred(&browser::languages()),
                ..Settings::default()
            }),
        };
        provide_context(lab);
        lab.load_from_url();
        lab
    }

    /// (Re)reads the settings from the address bar. A combination too slow
    /// to watch keeps every value but the sizes that must shrink (named in
    /// the notice); only a link the engine refuses outright opens the
    /// default lesson.
    pub fn load_from_url(self) {
        let base = self.base.get_value();
        let (mut settings, mut notices) = url::parse_over(&browser::location_hash(), &base);
        let changes = settings.fit_to_page();
        if !changes.is_empty() {
            let flops = {
                let mut asked = settings.clone();
                for (key, from, _) in &changes {
                    let _ = url::apply(&mut asked, key, &from.to_string(), &base);
                }
                asked.step_flops().unwrap_or(f64::NAN)
            };
            notices.push(Notice::new(
                changes.iter().map(|c| c.0).collect::<Vec<_>>().join(","),
                NoticeKind::Shrunk { flops, changes },
            ));
        }
        let (settings, experiment) = match settings.build() {
            Ok(e) => (settings, Some(e)),
            Err(e) => {
                notices.push(Notice::new("", NoticeKind::RefusedLink(e)));
                (base, None)
            }
        };
        self.notices.set(notices);
        self.settings.set(settings);
        self.rebuild(experiment, false);
        browser::replace_hash(&url::write(&self.settings.get_untracked()));
    }

    /// Opens a lesson: its settings (in the page's language), a fresh
    /// network, the address bar updated.
    pub fn open_preset(self, preset: &'static Preset) {
        let mut settings = preset.settings();
        settings.lang = self.settings.with_untracked(|s| s.lang);
        let experiment = match settings.build() {
            Ok(e) => e,
            Err(e) => {
                self.notices
                    .set(vec![Notice::new("", NoticeKind::RefusedLesson(e))]);
                return;
            }
        };
        self.notices.set(Vec::new());
        self.settings.set(settings);
        self.rebuild(Some(experiment), false);
        self.lesson.set(Some(preset));
        browser::replace_hash(&url::write(&self.settings.get_untracked()));
    }

    /// Sets one setting from a control, through the same row of the URL
    /// table a link goes through: a value it refuses (an option edited in
    /// devtools, say) changes nothing and gets the notice a link would.
    pub fn set_field(self, key: &str, value: &str) {
        let old = self.settings.get_untracked();
        let mut next = old.clone();
        match url::apply(&mut next, key, value, &old) {
            Some(notice) => self.notices.set(vec![notice]),
            None => self.commit(old, next),
        }
    }

    /// Applies a change made with a control. Learning rate, clipping and
    /// optimiser take effect at the next update (a step under way is
    /// updated with them); anything else rebuilds the
    /// model with the same seed (and keeps running if it was). A change the
    /// engine refuses is undone with a notice.
    pub fn change(self, edit: impl FnOnce(&mut Settings)) {
        let old = self.settings.get_untracked();
        let mut next = old.clone();
        edit(&mut next);
        self.commit(old, next);
    }

    /// The body of [`Lab::change`], kept out of the generic function so the
    /// dozen controls share one copy of it in the download.
    fn commit(self, old: Settings, mut next: Settings) {
        let mut notices = Vec::new();
        if let Some((was, min)) = next.reconcile() {
            notices.push(Notice::new(
                "seq-len",
                NoticeKind::SeqLenRaised {
                    task: next.task,
                    was,
                    min,
                },
            ));
        }
        if next == old {
            return;
        }
        if old.with_lang(next.lang) == next {
            // Only the language: the run goes on untouched.
            self.settings.set(next);
            browser::replace_hash(&url::write(&self.settings.get_untracked()));
            return;
        }
        self.lesson.set(None);
        if old.needs_reset(&next) {
            match next.build() {
                Ok(experiment) => {
                    self.settings.set(next);
                    let running = self.run.get_untracked() == RunState::Running;
                    self.rebuild(Some(experiment), running);
                }
                Err(e) => notices.push(Notice::new("", NoticeKind::RefusedSetting(e))),
            }
        } else {
            let result = self
                .driver
                .try_update_value(|d| {
                    d.runs_mut()
                        .first_mut()
                        .map(|e| e.set_train_config(next.train_config()))
                })
                .flatten();
            match result {
                Some(Err(e)) => notices.push(Notice::new(
                    "",
                    NoticeKind::RefusedSetting(crate::state::settings::Refusal::Engine(e)),
                )),
                _ => self.settings.set(next),
            }
        }
        self.notices.set(notices);
        browser::replace_hash(&url::write(&self.settings.get_untracked()));
    }

    /// Rebuilds the model from the settings (same seed, same weights) and
    /// shows the untrained network; keeps training if `keep_running`.
    pub fn reset(self, keep_running: bool) {
        self.rebuild(None, keep_running);
    }

    /// [`Lab::reset`] with the experiment already built from the settings.
    fn rebuild(self, built: Option<Experiment>, keep_running: bool) {
        self.stop_loop();
        let settings = self.settings.get_untracked();
        let mut experiment = match built.map_or_else(|| settings.build(), Ok) {
            Ok(e) => e,
            Err(e) => {
                // Settings are checked before they are stored; this is a last
                // resort so the page never ends up without a model.
                self.notices
                    .update(|n| n.push(Notice::new("", NoticeKind::RefusedLink(e))));
                let base = self.base.get_value();
                self.settings.set(base.clone());
                Experiment::new(base.experiment_config()).expect("the default lesson is valid")
            }
        };
        // The probe is published when the driver finishes it: a network
        // whose forward pass already overflows says so then (step 0),
        // instead of showing NaNs and then blaming the gradient.
        begin_first_look(&mut experiment);
        // Run B: the same seed and batches, A's settings with B's
        // differences. One B cannot be built: A runs alone, with a notice.
        let mut b = None;
        if settings.compare {
            match settings.run_b().build() {
                Ok(mut e) => {
                    begin_first_look(&mut e);
                    b = Some(e);
                }
                Err(e) => self
                    .notices
                    .update(|n| n.push(Notice::new("compare", NoticeKind::RefusedB(e)))),
            }
        }
        self.task_info
            .set(Some(Arc::new(experiment.task().info().clone())));
        let mut runs = vec![experiment];
        self.b.history.set(LossHistory::default());
        self.b.snapshot.set(None);
        self.b.divergence.set(None);
        match b {
            Some(e) => {
                runs.push(e);
                self.b.on.set(true);
            }
            None => self.b.on.set(false),
        }
        self.driver.set_value(Driver::new(runs));
        self.analyses.update_value(analysis::Analyses::clear);
        self.set_stepping();
        self.meter.update_value(RateMeter::clear);
        self.history.set(LossHistory::default());
        self.snapshot.set(None);
        self.divergence.set(None);
        self.steps_per_sec.set(None);
        self.epoch.update(|e| *e += 1);
        self.run.set(RunState::Idle);
        // A small net's probe runs now, whole, so the page shows the new net
        // at once; a big one's over the next frames, before any step.
        let more = self.train_with(PROBE_AT_ONCE_UNITS);
        if keep_running && self.run.get_untracked() != RunState::Diverged {
            self.play();
        } else if more {
            browser::request_frame(move || self.start_loop());
        }
    }

    /// Replaces the run with one read from a file (`state::files::read_run`,
    /// which has checked everything): the file's settings (and the
    /// address bar), its network, optimiser and data stream as saved, and
    /// its loss curve. The net is shown by a look that draws no batch
    /// (`begin_peek`; a probe would, and the run would no longer go on as
    /// it would have), run by the driver like a reset's probe: a small net's
    /// at once, a heavy one's over the next frames. Paused (idle at step 0);
    /// Play or Step goes on bit for bit.
    pub fn load_run(self, mut settings: Settings, mut experiment: Experiment, history: LossHistory) {
        self.stop_loop();
        // A saved run is one run: a comparison that was on ends (its B is
        // not in the file; switching Compare on again starts A and B
        // afresh, as any rebuild does).
        settings.compare = false;
        self.b.history.set(LossHistory::default());
        self.b.snapshot.set(None);
        self.b.divergence.set(None);
        self.b.on.set(false);
        self.shown.set(0);
        // A batch the net refuses here is refused again by the first step.
        let _ = experiment.begin_peek(true);
        let steps = experiment.steps_done();
        self.notices.set(Vec::new());
        self.lesson.set(None);
        self.settings.set(settings);
        self.task_info
            .set(Some(Arc::new(experiment.task().info().clone())));
        self.driver.set_value(Driver::new(vec![experiment]));
        self.analyses.update_value(analysis::Analyses::clear);
        self.set_stepping();
        self.meter.update_value(RateMeter::clear);
        self.history.set(history);
        self.snapshot.set(None);
        self.divergence.set(None);
        self.steps_per_sec.set(None);
        self.epoch.update(|e| *e += 1);
        self.run.set(if steps == 0 {
            RunState::Idle
        } else {
            RunState::Paused
        });
        browser::replace_hash(&url::write(&self.settings.get_untracked()));
        // A run that overflows already says so when its look ends (the
        // publish sets it Diverged, as a reset's probe would).
        if self.train_with(PROBE_AT_ONCE_UNITS) {
            browser::request_frame(move || self.start_loop());
        }
    }

    pub fn play(self) {
        match self.run.get_untracked() {
            RunState::Running | RunState::Diverged => {}
            RunState::Idle | RunState::Paused => {
                self.driver.update_value(|d| d.set_goal(Goal::Run));
                self.set_stepping();
                self.run.set(RunState::Running);
                self.start_loop();
            }
        }
    }

    /// Stops training between two work units, and drops the steps Step
    /// still owes (a big model's queued clicks); a step under way is kept
    /// and finished by Play or Step.
    pub fn pause(self) {
        if self.run.get_untracked() == RunState::Running || self.stepping.get_untracked() {
            self.stop_loop();
            self.driver.update_value(|d| d.set_goal(Goal::Rest));
            self.set_stepping();
            self.run.set(RunState::Paused);
        }
    }

    /// One training step of every run, with its trace; pauses a running
    /// loop. A step left under way by Pause is the one finished. What fits
    /// in a frame's budget runs at once, so a small model's step is done
    /// when the click returns; a big model's goes on over the next frames,
    /// the page answering meanwhile.
    pub fn step(self) {
        if self.run.get_untracked() == RunState::Diverged {
            return;
        }
        self.stop_loop();
        self.run.set(RunState::Paused);
        self.driver.update_value(|d| {
            if d.goal() == Goal::Run {
                d.set_goal(Goal::Rest);
            }
            d.step();
        });
        self.set_stepping();
        if self.train() {
            // This frame's budget went to the click: the loop starts from the
            // next frame, so the page paints in between.
            browser::request_frame(move || self.start_loop());
        }
    }

    /// Replaces the MLP's run (its settings changed, or Reset): published
    /// at once with its probe; any training still asked of the old one is
    /// dropped.
    pub fn set_mlp(self, run: Option<mlp::MlpRun>) {
        self.mlp_shown.set(run.as_ref().map(mlp::MlpShown::built));
        self.mlp
            .update_value(|d| *d = Driver::new(run.into_iter().collect()));
    }

    /// Trains the MLP `steps` more steps over the next frames, beside
    /// whatever the recurrent runs do.
    pub fn train_mlp(self, steps: u64) {
        let Some(left) = self.mlp.try_update_value(|d| {
            d.set_goal(Goal::Reach(d.fewest_steps() + steps));
            d.steps_owed()
        }) else {
            return;
        };
        self.mlp_shown.update(|m| {
            if let Some(m) = m {
                m.left = left;
            }
        });
        self.loop_for_leftovers();
    }

    /// Starts the loop if nothing keeps it going and it still has work
    /// that Pause does not stop: the MLP's asked-for steps, a new net's
    /// probe, an analysis a view asked for.
    fn loop_for_leftovers(self) {
        if self.looping.try_get_value() != Some(false) {
            return;
        }
        let mlp = self.mlp.try_with_value(Driver::wants_work).unwrap_or(false);
        let probing = self.driver.try_with_value(Driver::probing).unwrap_or(false);
        if mlp || probing || self.wants_analysis() {
            self.start_loop();
        }
    }

    /// Whether the shown run's snapshot has an analysis asked for and not
    /// worked out.
    fn wants_analysis(self) -> bool {
        self.shown_snapshot_untracked()
            .try_with_untracked(|s| s.as_ref().is_some_and(Snapshot::wants_analysis))
            .unwrap_or(false)
    }

    /// What a view calls when the snapshot did not have its analysis yet:
    /// the loop works it out over the next frames (then `analysed` changes).
    pub fn analyse_soon(self) {
        self.loop_for_leftovers();
    }

    /// Reads the experiment the views show (A, or B when picked), for views
    /// that need more than the snapshot.
    pub fn with_experiment<R>(self, f: impl FnOnce(&Experiment) -> R) -> Option<R> {
        let i = self.shown_index_untracked();
        self.driver
            .try_with_value(|d| d.runs().get(i).or(d.runs().first()).map(f))
            .flatten()
    }

    /// The snapshot of the run the views show (tracks the choice).
    pub fn shown_snapshot(self) -> RwSignal<Option<Snapshot>> {
        if self.shown.get() == 1 && self.b.on.get() {
            self.b.snapshot
        } else {
            self.snapshot
        }
    }

    /// [`Lab::shown_snapshot`] without tracking the choice.
    pub fn shown_snapshot_untracked(self) -> RwSignal<Option<Snapshot>> {
        if self.shown_index_untracked() == 1 {
            self.b.snapshot
        } else {
            self.snapshot
        }
    }

    fn shown_index_untracked(self) -> usize {
        let b = self.b.on.try_get_untracked().unwrap_or(false);
        match self.shown.try_get_untracked() {
            Some(1) if b => 1,
            _ => 0,
        }
    }

    /// Shows run A (0) or B (1) in the views; a view that keeps a history
    /// starts it afresh (as after a reset).
    pub fn show_run(self, i: usize) {
        if self.shown.get_untracked() != i {
            self.shown.set(i);
            self.epoch.update(|e| *e += 1);
        }
    }

    fn invalid(self, e: rnn_core::Error) {
        self.stop_loop();
        self.driver.update_value(|d| d.set_goal(Goal::Rest));
        self.set_stepping();
        self.run.set(RunState::Paused);
        self.notices
            .update(|n| n.push(Notice::new("", NoticeKind::RefusedStep(e))));
    }

    /// Moves one frame's finished steps into the signals: the only place the
    /// loop touches reactive state, so the page redraws at most once per
    /// frame, and only when a step finished.
    fn publish(
        self,
        now: f64,
        losses: Vec<(u64, f64)>,
        latest: Option<StepReport>,
        diverged: Option<Divergence>,
    ) {
        if losses.is_empty() && latest.is_none() && diverged.is_none() {
            return;
        }
        show_steps(self.history, self.snapshot, &losses, latest);
        // A's count (the views may show B; the rate is the run's, A's).
        let steps = self
            .driver
            .try_with_value(|d| d.runs().first().map(Experiment::steps_done))
            .flatten()
            .unwrap_or(0);
        let rate = self.meter.try_update_value(|m| {
            m.record(now, steps);
            m.rate()
        });
        if self.run.get_untracked() == RunState::Running {
            self.steps_per_sec.set(rate.flatten());
        }
        if let Some(d) = diverged {
            self.stop_loop();
            // The run is over: B's steps held back for the lockstep show now.
            let held = self.driver.try_update_value(|d| {
                d.set_goal(Goal::Rest);
                d.flush()
            });
            if let Some(b) = held.and_then(|h| h.into_iter().nth(1)) {
                self.publish_b(b);
            }
            self.set_stepping();
            self.divergence.set(Some(d));
            self.run.set(RunState::Diverged);
        }
    }

    /// Whether the page should say "stepping": Step's steps are still
    /// being computed (only a change notifies, so the loop stays quiet).
    fn set_stepping(self) {
        let (stepping, probing) = self
            .driver
            .try_with_value(|d| (d.steps_owed() > 0, d.probing()))
            .unwrap_or((false, false));
        if self.stepping.try_get_untracked() != Some(stepping) {
            self.stepping.set(stepping);
        }
        if self.probing.try_get_untracked() != Some(probing) {
            self.probing.set(probing);
        }
    }

    fn start_loop(self) {
        let generation = self.loop_gen.try_update_value(|g| {
            *g += 1;
            *g
        });
        let Some(generation) = generation else { return };
        self.looping.set_value(true);
        self.meter.update_value(RateMeter::clear);
        self.last_frame.set_value(None);
        browser::request_frame(move || self.frame(generation));
    }

    /// Stops the loop for the recurrent runs (Pause, Step, a reset, a
    /// blow-up). The MLP's asked-for steps, a new net's probe and an
    /// analysis a view asked for are not theirs to stop: a fresh loop goes
    /// on with what is left of them (`loop_for_leftovers`).
    fn stop_loop(self) {
        self.loop_gen.try_update_value(|g| *g += 1);
        self.looping.try_set_value(false);
        self.loop_for_leftovers();
    }

    /// One animation frame: the frame's share of training, then the next
    /// frame if there is more to do.
    fn frame(self, generation: u64) {
        if self.loop_gen.try_get_value() != Some(generation) {
            return;
        }
        let start = browser::now_ms();
        if let Some(previous) = self.last_frame.try_get_value().flatten() {
            self.driver.update_value(|d| d.frame_interval(start - previous));
        }
        self.last_frame.set_value(Some(start));
        let recurrent = self.train();
        let mlp = self.train_mlp_frame(start);
        let analysis = self.analyse_frame(start);
        if recurrent || mlp || analysis {
            browser::request_frame(move || self.frame(generation));
        } else {
            self.looping.set_value(false);
        }
    }

    /// The MLP's share of the frame that began at `start`: what is left of
    /// the recurrent driver's budget (at least one step). Returns whether
    /// it has more to do.
    fn train_mlp_frame(self, start: f64) -> bool {
        let budget = self.driver.try_with_value(Driver::budget_ms);
        // A blow-up takes the MLP's one run out of its driver and a refused
        // step rests it, so either ends the frame's `more` and the steps owed.
        let frame = self.mlp.try_update_value(|d| {
            if !d.wants_work() {
                return None;
            }
            d.share_budget(budget.unwrap_or(crate::state::budget::MAX_BUDGET_MS));
            let f = d.frame_since(start, &mut browser::now_ms);
            Some((f, d.steps_owed()))
        });
        let Some(Some((mut frame, left))) = frame else {
            return false;
        };
        let Some(run) = frame.runs.pop() else { return false };
        self.mlp_shown.update(|m| {
            let Some(m) = m else { return };
            if let Some(r) = run.latest {
                m.step = r.step;
                m.loss = r.loss;
                if let Some(t) = r.trace {
                    m.now = Arc::new(t);
                }
            }
            m.left = left;
            m.diverged |= matches!(run.error, Some(StepError::Diverged(_)));
        });
        frame.more
    }

    /// The analyses' share of the frame that began at `start`: what the
    /// training left of the budget, at least one unit when one is due.
    /// Returns whether work is left.
    fn analyse_frame(self, start: f64) -> bool {
        let budget = self
            .driver
            .try_with_value(Driver::budget_ms)
            .unwrap_or(crate::state::budget::MAX_BUDGET_MS);
        let training = self.run.try_get_untracked() == Some(RunState::Running);
        let shown = self.shown_snapshot_untracked();
        let wanted = || {
            shown
                .try_with_untracked(|s| s.as_ref().is_some_and(Snapshot::wants_analysis))
                .unwrap_or(false)
        };
        let mut next = || {
            shown
                .try_with_untracked(|s| s.as_ref().and_then(Snapshot::wanted_analysis))
                .flatten()
        };
        let mut more = || browser::now_ms() - start < budget;
        let Some((finished, left)) = self
            .analyses
            .try_update_value(|a| a.frame(training, &wanted, &mut next, &mut browser::now_ms, &mut more))
        else {
            return false;
        };
        if finished {
            self.analysed.update(|n| *n += 1);
        }
        left
    }

    /// The driver's share of this frame, then the steps that finished,
    /// published. Returns whether there is more to do in the next frame.
    fn train(self) -> bool {
        self.train_with(1)
    }

    /// [`Lab::train`] running at least `min_units` units (see
    /// `Driver::frame_eager`).
    fn train_with(self, min_units: u32) -> bool {
        let Some(frame) = self
            .driver
            .try_update_value(|d| d.frame_eager(min_units, &mut browser::now_ms))
        else {
            return false;
        };
        self.set_stepping();
        let now = browser::now_ms();
        let mut runs = frame.runs.into_iter();
        let a = runs.next();
        if let Some(b) = runs.next() {
            self.publish_b(b);
        }
        let Some(run) = a else { return false };
        let (latest, diverged) = match run.error {
            Some(StepError::Invalid(e)) => {
                self.publish(now, run.losses, run.latest, None);
                self.invalid(e);
                return false;
            }
            Some(StepError::Diverged(d)) => (run.latest, Some(d)),
            None => (run.latest, None),
        };
        self.publish(now, run.losses, latest, diverged);
        // Asked again: a blow-up just rested the driver, and only a probe
        // still under way (B's, after A's blew up) goes on.
        self.driver.try_with_value(Driver::wants_work).unwrap_or(false)
    }

    /// Run B's finished steps into its signals. B's blow-up ends B only: A
    /// goes on, which is the lesson ("B exploded, A was clipped").
    fn publish_b(self, run: driver::RunFrame) {
        show_steps(self.b.history, self.b.snapshot, &run.losses, run.latest);
        if let Some(StepError::Diverged(d)) = run.error {
            self.b.divergence.set(Some(d));
        }
    }
}

/// The few browser calls the lab makes, so the rest stays plain Rust.
mod browser {
    use wasm_bindgen::JsValue;

    pub fn now_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    pub fn request_frame(f: impl FnOnce() + 'static) {
        leptos::prelude::request_animation_frame(f);
    }

    /// The browser's preferred languages, most preferred first.
    pub fn languages() -> Vec<String> {
        web_sys::window()
            .map(|w| {
                w.navigator()
                    .languages()
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The hash without its `#`, decoded by the URL table itself.
    pub fn location_hash() -> String {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }

    /// Writes the settings into the address bar without a history entry, so
    /// dragging a slider never floods the back button.
    pub fn replace_hash(query: &str) {
        let Some(w) = web_sys::window() else { return };
        let url = format!("#{query}");
        if w.location().hash().ok().as_deref() == Some(url.as_str()) {
            return;
        }
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the lab's analysis of `s` one unit per frame (a clock 50 ms a
    /// read, a 1 ms budget) until nothing is wanted: (jobs, frames).
    fn work_out(s: &Snapshot, training: bool) -> (usize, usize) {
        let mut a = analysis::Analyses::default();
        let mut t = 0.0;
        let (mut jobs, mut frames) = (0, 0);
        while s.wants_analysis() {
            let start = t;
            let mut now = || {
                t += 50.0;
                t
            };
            let mut more = || false;
            let (done, _) = a.frame(
                training,
                &|| s.wants_analysis(),
                &mut || s.wanted_analysis(),
                &mut now,
                &mut more,
            );
            jobs += usize::from(done);
            frames += 1;
            assert!(frames < 10_000 && start < t);
        }
        (jobs, frames)
    }

    /// The analysis a view asks for is worked out in units, one a frame
    /// here: an LSTM's four blocks take four frames, a plain RNN's chain a
    /// frame per time step, and the result is the whole call's, bit for
    /// bit. While training, the next job waits until the last one's work
    /// is a tenth of the time since.
    #[test]
    fn an_asked_for_analysis_is_worked_out_in_units_over_frames() {
        let mut lstm = Experiment::new(rnn_core::ExperimentConfig {
            cell: rnn_core::CellKind::Lstm,
            hidden_size: 8,
            ..Default::default()
        })
        .unwrap();
        let s = Snapshot::from_report(lstm.probe(true).unwrap());
        assert!(!s.wants_analysis(), "nothing is worked out unasked");
        assert!(s.spectra().is_none());
        assert_eq!(work_out(&s, false), (1, 4));
        assert_eq!(s.spectra(), Some(&s.weights.as_ref().unwrap().spectra()[..]));
        assert!(s.jacobians().is_none(), "asked for now");
        assert_eq!(work_out(&s, false).0, 1);
        assert_eq!(s.jacobians(), Some(&[][..]), "a gated cell has no chain");

        let mut rnn = Experiment::new(rnn_core::ExperimentConfig::default()).unwrap();
        let s = Snapshot::from_report(rnn.probe(true).unwrap());
        assert!(s.jacobians().is_none());
        let steps = s.trace.as_ref().unwrap().directions[0].hidden.len();
        assert_eq!(work_out(&s, false), (1, steps));
        let (w, t) = (s.weights.as_ref().unwrap(), s.trace.as_ref().unwrap());
        assert_eq!(s.jacobians(), Some(&w.jacobians(t)[..]));

        // While training: job one (the spectrum, one frame of 50 ms of
        // work), then job two (the chain, a frame per time step) only once
        // 450 ms have passed since job one ended: 8 frames in which nothing
        // runs (a frame that waits reads the clock once, 50 ms). Without the
        // wait it would be 1 + steps frames.
        let s = Snapshot::from_report(rnn.step(true).unwrap());
        let (_, _) = (s.spectra(), s.jacobians());
        let mut a = analysis::Analyses::default();
        let mut t = 0.0;
        let mut log = Vec::new();
        let mut frames = 0;
        while s.wants_analysis() {
            frames += 1;
            let mut now = || {
                t += 50.0;
                t
            };
            let (done, _) = a.frame(
                true,
                &|| s.wants_analysis(),
                &mut || s.wanted_analysis(),
                &mut now,
                &mut || false,
            );
            if done {
                log.push(t);
            }
            assert!(t < 1e6);
        }
        assert_eq!(log.len(), 2);
        assert_eq!(frames, 1 + 8 + steps, "1 + {steps} units and 8 frames of waiting");
        assert_eq!(
            a.frame(true, &|| false, &mut || None, &mut || 0.0, &mut || true),
            (false, false)
        );
    }

    #[test]
    fn a_snapshot_keeps_the_trace_with_its_weights_and_the_initial_weights() {
        let mut e = Experiment::new(Default::default()).unwrap();
        let initial = e.recurrent_weights();
        let probe = Snapshot::from_report(e.probe(true).unwrap());
        assert_eq!(probe.initial.as_deref(), Some(&initial));
        let traced = Snapshot::from_report(e.step(true).unwrap()).after(Some(&probe));
        assert_eq!(
            traced.weights.as_deref(),
            Some(&initial),
            "step 1 ran on the initial W"
        );
        assert_eq!(traced.initial.as_deref(), Some(&initial));
        let untraced = Snapshot::from_report(e.step(false).unwrap()).after(Some(&traced));
        assert_eq!(untraced.step, 2);
        assert!(Arc::ptr_eq(
            untraced.trace.as_ref().unwrap(),
            traced.trace.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(
            untraced.weights.as_ref().unwrap(),
            traced.weights.as_ref().unwrap()
        ));
        let w2 = e.recurrent_weights();
        let next = Snapshot::from_report(e.step(true).unwrap()).after(Some(&untraced));
        assert_eq!(next.weights.as_deref(), Some(&w2));
        assert_eq!(next.initial.as_deref(), Some(&initial));
        assert_eq!(next.analysis(), Some(w2.analysis(next.trace.as_deref())));
        // The analysis is worked out once per published weights: the views
        // of a later untraced step get the very same spectra and chains.
        let later = Snapshot::from_report(e.step(false).unwrap()).after(Some(&next));
        assert!(std::ptr::eq(later.spectra().unwrap(), next.spectra().unwrap()));
        assert!(std::ptr::eq(
            later.jacobians().unwrap(),
            next.jacobians().unwrap()
        ));
        // A view's first ask finds the untrained spectra not worked out,
        // and marks them wanted; the lab's loop then works them out.
        assert!(later.initial_spectra().is_none());
        assert!(later.wants_analysis());
        work_out(&later, false);
        assert!(std::ptr::eq(
            later.initial_spectra().unwrap(),
            next.initial_spectra().unwrap()
        ));
        assert_eq!(later.initial_spectra(), Some(&initial.spectra()[..]));
        assert!(
            !later.jacobians().unwrap().is_empty(),
            "a plain RNN has its chain"
        );
        // At step 0 the untrained net's spectra are the net's: one job (so
        // the probe's were the ones worked out for `later` above).
        assert!(std::ptr::eq(
            probe.spectra().unwrap(),
            probe.initial_spectra().unwrap()
        ));
        let mut again = Experiment::new(Default::default()).unwrap();
        let fresh = Snapshot::from_report(again.probe(true).unwrap());
        assert!(fresh.spectra().is_none() && fresh.initial_spectra().is_none());
        assert_eq!(work_out(&fresh, false), (1, 1));
        assert_eq!(fresh.initial_spectra(), Some(&initial.spectra()[..]));
        // A run loaded part-way has no untrained weights to show.
        assert!(Snapshot::from_report(e.peek(true).unwrap()).initial.is_none());
    }
}
