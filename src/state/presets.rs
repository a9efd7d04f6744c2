//! Lessons a teacher opens in one click: each is a link (a query of the URL
//! table), so picking one is the same as opening its link, and the address
//! bar then holds every setting as usual.

/// One lesson.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Stable id (menu value); its title and what the class should see
    /// are `app.presets.<id>` in the locales (`crate::text::preset`).
    pub id: &'static str,
    /// Settings that differ from the defaults, as a URL query.
    pub query: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "default",
        query: "",
    },
    Preset {
        id: "vanishing",
        query: "activation=sigmoid&init-input=small&init-recurrent=small&seq-len=30",
    },
    Preset {
        id: "exploding",
        query: "activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=none&optimizer=sgd&learning-rate=0.1&seq-len=40",
    },
    Preset {
        id: "clipped",
        query: "activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=norm&clip-threshold=1&optimizer=sgd&learning-rate=0.1&seq-len=40",
    },
    Preset {
        id: "irnn",
        query: "activation=relu&init-recurrent=identity&learning-rate=0.001",
    },
    Preset {
        id: "rnn-long",
        query: "seq-len=100",
    },
    Preset {
        id: "lstm-long",
        query: "model=lstm&seq-len=100",
    },
    Preset {
        id: "gru-long",
        query: "model=gru&seq-len=100",
    },
    Preset {
        id: "blank",
        query: "model=bilstm&task=blank",
    },
    Preset {
        id: "chars",
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
            // Parsing the preset's own query gives no notice and agrees
            // with `settings()`.
            let (s, notices) = url::parse(p.query);
            assert_eq!(notices, vec![], "{}", p.id);
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
