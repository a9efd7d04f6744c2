//! A stand-in for the lab in native tests: builds a page's experiment as
//! `Lab::rebuild` does (a probe of the untrained net at step 0), trains it
//! step by step as the driver would, and gathers the same [`RunData`] the
//! lesson panel gathers from the lab's signals.

use super::RunData;
use crate::state::history::LossHistory;
use crate::state::settings::Settings;
use rnn_core::{ClipReport, Divergence, Experiment, StepError, Trace};
use std::sync::Arc;

pub struct Rehearsal {
    pub settings: Settings,
    pub experiment: Experiment,
    pub history: LossHistory,
    pub step: u64,
    pub trace: Option<Arc<Trace>>,
    pub clip: Option<ClipReport>,
    pub divergence: Option<Divergence>,
}

impl Rehearsal {
    pub fn new(settings: Settings) -> Rehearsal {
        let mut experiment = settings.build().expect("the page's settings build");
        let mut history = LossHistory::default();
        let (mut trace, mut clip, mut divergence) = (None, None, None);
        match experiment.probe(true) {
            Ok(r) => {
                history.set_initial(r.loss);
                trace = r.trace.map(Arc::new);
                clip = Some(r.clip);
            }
            Err(StepError::Diverged(d)) => divergence = Some(d),
            Err(StepError::Invalid(e)) => panic!("{e}"),
        }
        Rehearsal {
            settings,
            experiment,
            history,
            step: 0,
            trace,
            clip,
            divergence,
        }
    }

    /// Trains until `steps` are done (or it diverges); the last step is
    /// traced, as the lab's latest snapshot is.
    pub fn train_to(&mut self, steps: u64) {
        while self.step < steps && self.divergence.is_none() {
            let traced = self.step + 1 == steps || (self.step + 1).is_multiple_of(50);
            match self.experiment.step(traced) {
                Ok(r) => {
                    self.step = r.step;
                    self.history.push(r.step, r.loss);
                    if let Some(t) = r.trace {
                        self.trace = Some(Arc::new(t));
                    }
                    self.clip = Some(r.clip);
                }
                Err(StepError::Diverged(d)) => self.divergence = Some(d),
                Err(StepError::Invalid(e)) => panic!("{e}"),
            }
        }
    }

    pub fn data(&self, analysis: bool) -> RunData {
        let e = &self.experiment;
        RunData {
            settings: self.settings.clone(),
            step: self.step,
            trace: self.trace.clone(),
            clip: self.clip.clone(),
            analysis: analysis.then(|| e.analysis(self.trace.as_deref())),
            history: self.history.clone(),
            task: Some(Arc::new(e.task().info().clone())),
            score: e.score(),
            divergence: self.divergence.clone(),
            param_names: e.param_names(),
            vocabulary: e.task().vocabulary().to_vec(),
        }
    }
}
