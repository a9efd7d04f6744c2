//! The deep MLP's run (view 8, `views::mlp`): the net, its data and its
//! optimiser, trained by the lab's one loop through a [`Driver`] of its own
//! that shares the recurrent driver's frame budget (see `super::Lab`).
//! Plain Rust, tested natively: the view only reads what [`MlpShown`]
//! publishes.

use super::driver::{Report, Trainable};
use crate::state::settings::MlpSettings;
use rnn_core::mlp::{MlpStepReport, MlpTrace};
use rnn_core::{Dataset, DatasetConfig, Mlp, MlpTrainer, Rng, StepError, Targets};
use std::sync::Arc;

/// Examples per training step.
pub const BATCH: usize = 64;

pub struct MlpRun {
    pub settings: MlpSettings,
    trainer: MlpTrainer<f32>,
    data: Dataset,
    rng: Rng,
    /// The probe of the untrained net: one forward and backward pass on a
    /// batch, without an update (the grey curve a student compares with).
    pub initial: Arc<MlpTrace>,
    pub initial_loss: f64,
}

impl MlpRun {
    /// Builds the net (same seeds for the same settings) and probes it.
    pub fn new(settings: &MlpSettings) -> Result<MlpRun, rnn_core::Error> {
        let data = Dataset::new(&DatasetConfig {
            kind: settings.dataset,
            points: 400,
            noise: 0.1,
            seed: 1,
        })?;
        let mut net = Mlp::<f32>::new(settings.config())?;
        let mut rng = Rng::new(2);
        let initial_loss = with_batch(&data, &mut rng, |x, t| net.loss_and_gradients(x, t))?;
        let initial = Arc::new(net.trace(0, 0));
        let trainer = MlpTrainer::new(net, MlpSettings::train_config())?;
        Ok(MlpRun {
            settings: settings.clone(),
            trainer,
            data,
            rng,
            initial,
            initial_loss,
        })
    }
}

/// Draws the next batch, in f32 as the net computes, and hands it to `f`.
fn with_batch<R>(
    data: &Dataset,
    rng: &mut Rng,
    f: impl FnOnce(&rnn_core::DMatrix<f32>, &Targets<f32>) -> R,
) -> R {
    let (x, labels) = data.sample(rng, BATCH);
    let targets = Targets::Classes(labels.iter().map(|&c| Some(c as u32)).collect());
    f(&x.map(|v| v as f32), &targets)
}

/// A step of the MLP is one work unit: a whole forward and backward pass
/// of a 16-wide net on 64 examples takes well under a millisecond. Every
/// step records its trace (the norm per layer is cheap next to the step),
/// so the curve is always of the step the count shows.
impl Trainable for MlpRun {
    type Report = MlpStepReport;
    fn steps_done(&self) -> u64 {
        self.trainer.steps_done()
    }
    fn step_in_progress(&self) -> bool {
        false
    }
    fn want_trace(&mut self) {}
    fn begin_step(&mut self, _trace: bool) -> Result<(), StepError> {
        Ok(())
    }
    fn advance(&mut self, _more: &mut dyn FnMut() -> bool) -> Option<Result<MlpStepReport, StepError>> {
        let trainer = &mut self.trainer;
        Some(with_batch(&self.data, &mut self.rng, |x, t| {
            trainer.step(x, t, Some(0))
        }))
    }
}

impl Report for MlpStepReport {
    fn step(&self) -> u64 {
        self.step
    }
    fn loss(&self) -> f64 {
        self.loss
    }
    fn has_trace(&self) -> bool {
        self.trace.is_some()
    }
    fn adopt_trace(&mut self, earlier: MlpStepReport) {
        self.trace = earlier.trace;
    }
}

/// What the MLP view draws: published by the lab after every frame that
/// finished a step, and when a run is built.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpShown {
    pub settings: MlpSettings,
    pub step: u64,
    pub loss: f64,
    pub initial: Arc<MlpTrace>,
    /// The trace of step `step` (the probe's at step 0).
    pub now: Arc<MlpTrace>,
    /// Steps still to run of those "Train" asked for.
    pub left: u64,
    /// The last step blew up; the weights are those before it.
    pub diverged: bool,
}

impl MlpShown {
    /// A run just built: the probe, nothing trained.
    pub fn built(run: &MlpRun) -> MlpShown {
        MlpShown {
            settings: run.settings.clone(),
            step: 0,
            loss: run.initial_loss,
            initial: run.initial.clone(),
            now: run.initial.clone(),
            left: 0,
            diverged: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::driver::{Driver, Goal};
    use super::*;

    fn settings() -> MlpSettings {
        MlpSettings::default()
    }

    /// The run's losses and final trace, stepped directly.
    fn alone(steps: u64) -> (Vec<u64>, MlpTrace) {
        let mut run = MlpRun::new(&settings()).unwrap();
        let mut losses = Vec::new();
        let mut last = None;
        for _ in 0..steps {
            let r = run.advance(&mut || true).unwrap().unwrap();
            losses.push(r.loss.to_bits());
            last = r.trace;
        }
        (losses, last.unwrap())
    }

    #[test]
    fn the_driver_trains_the_mlp_bit_for_bit_as_stepping_it_does() {
        let (want, want_trace) = alone(25);
        // A clock that makes a frame hold a few steps, then one.
        for tick in [1.0, 5.0] {
            let mut t = 0.0;
            let mut clock = move || {
                t += tick;
                t
            };
            let mut d = Driver::new(vec![MlpRun::new(&settings()).unwrap()]);
            d.set_goal(Goal::Reach(25));
            assert_eq!(d.steps_owed(), 25);
            let mut got = Vec::new();
            let mut last = None;
            let mut frames = 0;
            while d.wants_work() {
                let start = clock();
                let f = d.frame_since(start, &mut clock);
                frames += 1;
                got.extend(f.runs[0].losses.iter().map(|(_, l)| l.to_bits()));
                if let Some(r) = f.runs[0].latest.as_ref() {
                    assert!(r.trace.is_some(), "every published step has its trace");
                    assert_eq!(r.trace.as_ref().unwrap().step, r.step);
                    last = r.trace.clone();
                }
            }
            assert_eq!(got, want, "tick {tick}");
            assert_eq!(last.as_ref(), Some(&want_trace));
            assert!(frames > 1, "the steps spread over frames");
            assert_eq!(d.runs()[0].steps_done(), 25);
            assert_eq!(d.steps_owed(), 0);
        }
    }

    #[test]
    fn a_second_driver_sharing_the_frame_leaves_the_first_bit_identical() {
        use rnn_core::{CellKind, Experiment, ExperimentConfig};
        let make = || {
            Experiment::new(ExperimentConfig {
                cell: CellKind::Gru,
                hidden_size: 8,
                seed: 3,
                ..ExperimentConfig::default()
            })
            .unwrap()
        };
        let bits = |d: &Driver<Experiment>| -> Vec<u64> {
            use rnn_core::Params;
            let e = &d.runs()[0];
            e.net()
                .export()
                .iter()
                .flat_map(|p| p.values.iter().map(|v| v.to_bits()))
                .collect()
        };
        let run = |with_mlp: bool| {
            let mut t = 0.0;
            let mut clock = move || {
                t += 0.05;
                t
            };
            let mut rnn = Driver::new(vec![make()]);
            rnn.set_goal(Goal::Reach(12));
            let mut mlp = Driver::new(vec![MlpRun::new(&settings()).unwrap()]);
            mlp.set_goal(Goal::Reach(if with_mlp { 40 } else { 0 }));
            let mut losses = Vec::new();
            while rnn.wants_work() {
                let start = clock();
                let f = rnn.frame_since(start, &mut clock);
                losses.extend(f.runs[0].losses.iter().map(|(s, l)| (*s, l.to_bits())));
                if mlp.wants_work() {
                    mlp.share_budget(rnn.budget_ms());
                    mlp.frame_since(start, &mut clock);
                }
            }
            (losses, bits(&rnn), mlp.runs()[0].steps_done())
        };
        let (alone_losses, alone_bits, _) = run(false);
        let (shared_losses, shared_bits, mlp_steps) = run(true);
        assert!(mlp_steps > 0, "the MLP trained in the same frames");
        assert_eq!(shared_losses, alone_losses);
        assert_eq!(shared_bits, alone_bits);
    }

    #[test]
    fn a_blown_up_mlp_stops_its_driver() {
        let mut d = Driver::new(vec![MlpRun::new(&settings()).unwrap()]);
        d.finish(0);
        d.set_goal(Goal::Reach(5));
        assert!(!d.wants_work(), "no live run: nothing to wait for");
        assert_eq!(d.steps_owed(), 0);
    }
}
