//! Lessons a teacher opens in one click: each is a link (a query of the URL
//! table), so picking one is the same as opening its link, and the address
//! bar then holds every setting as usual.

/// One lesson.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Stable id (menu value).
    pub id: &'static str,
    pub title: &'static str,
    /// What the class should see.
    pub expect: &'static str,
    /// Settings that differ from the defaults, as a URL query.
    pub query: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "default",
        title: "Tanh RNN learns to add",
        expect: "The loss falls from the baseline towards the solved line.",
        query: "",
    },
    Preset {
        id: "vanishing",
        title: "Vanishing: sigmoid, weights ×0.01",
        expect: "The gradient at the first steps is many orders of magnitude below the last: the loss stays at the baseline.",
        query: "activation=sigmoid&init-input=small&init-recurrent=small&seq-len=30",
    },
    Preset {
        id: "exploding",
        title: "Exploding: ReLU, spectral radius 3, no clipping",
        expect: "Each step back multiplies the gradient by about 3: training diverges within a few steps.",
        query: "activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=none&optimizer=sgd&learning-rate=0.1&seq-len=40",
    },
    Preset {
        id: "clipped",
        title: "Clipping tames it: the same, clipped by norm at 1",
        expect: "The same network, but every update has norm at most 1: no divergence.",
        query: "activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=norm&clip-threshold=1&optimizer=sgd&learning-rate=0.1&seq-len=40",
    },
    Preset {
        id: "irnn",
        title: "ReLU with identity initialisation (IRNN)",
        expect: "φ' = 1 and W = I: the gradient neither vanishes nor explodes at first.",
        query: "activation=relu&init-recurrent=identity&learning-rate=0.001",
    },
    Preset {
        id: "rnn-long",
        title: "Plain RNN, 100 steps",
        expect: "A long adding problem: the tanh RNN struggles to learn it.",
        query: "seq-len=100",
    },
    Preset {
        id: "lstm-long",
        title: "LSTM, 100 steps",
        expect: "The same long problem: the cell state carries the gradient back.",
        query: "model=lstm&seq-len=100",
    },
    Preset {
        id: "gru-long",
        title: "GRU, 100 steps",
        expect: "Two gates instead of three, similar memory.",
        query: "model=gru&seq-len=100",
    },
    Preset {
        id: "blank",
        title: "Bidirectional: fill in the blank",
        expect: "Some blanks need the words after them: only the bidirectional model sees those.",
        query: "model=bilstm&task=blank",
    },
    Preset {
        id: "chars",
        title: "LSTM predicts the next character",
        expect: "Many-to-many: one prediction per step.",
        query: "model=lstm&task=chars&seq-len=30&hidden=64",
    },
];

impl Preset {
    pub fn find(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }

    /// The full settings of the lesson: defaults plus its query.
    pub fn settings(&self) -> super::settings::Settings {
        let mut s = super::settings::Settings::default();
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            if let Some((k, v)) = pair.split_once('=') {
                if let Some(f) = super::url::FIELDS.iter().find(|f| f.key == k) {
                    let _ = (f.parse)(v, &mut s);
                }
            }
        }
        s.reconcile();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::url;
    use rnn_core::{Experiment, StepError};

    #[test]
    fn every_preset_is_a_clean_link_and_builds() {
        for p in PRESETS {
            // Parsing the preset's own query names only missing keys, never a
            // bad value, and agrees with `settings()`.
            let (s, notices) = url::parse(p.query);
            assert!(
                notices.iter().all(|n| n.message.starts_with("not in the link")),
                "{}: {notices:?}",
                p.id
            );
            assert_eq!(s, p.settings(), "{}", p.id);
            Experiment::new(s.experiment_config()).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert_eq!(Preset::find(p.id).map(|q| q.id), Some(p.id));
        }
    }

    /// The two presets that make a claim about divergence keep it.
    #[test]
    fn exploding_diverges_and_clipping_prevents_it() {
        let run = |id: &str, steps: usize| {
            let mut e = Experiment::new(Preset::find(id).unwrap().settings().experiment_config()).unwrap();
            for _ in 0..steps {
                match e.step(false) {
                    Ok(_) => {}
                    Err(StepError::Diverged(d)) => return Some(d.step),
                    Err(StepError::Invalid(err)) => panic!("{err}"),
                }
            }
            None
        };
        let diverged = run("exploding", 50);
        assert!(diverged.is_some_and(|s| s <= 50), "{diverged:?}");
        assert_eq!(run("clipped", 50), None);
    }
}
