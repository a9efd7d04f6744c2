//! A run saved to go on later, bit for bit: `Experiment::save` gives a
//! [`SavedRun`], plain serialisable data, and `Experiment::load` builds from
//! it a run whose next steps have exactly the losses and weights the saved
//! run would have had.
//!
//! A saved run holds everything a step reads: the settings
//! (`ExperimentConfig`, a next-character text included), every weight, the
//! optimiser's state (its update count and moments), the steps done, and the
//! state of the generator that draws the batches. The task's data (the
//! text's vocabulary, the blank sentences) is rebuilt from the settings. Not
//! kept: the last batch and the last trace (the page has the trace; after a
//! load, `Experiment::peek` shows the net without moving the data stream,
//! while `probe` would draw a batch and so change the batches that follow).
//!
//! The engine leaves the text format to the caller; in JSON (the f32 values
//! are written as the f64 they convert to exactly, so any correct-to-an-ulp
//! parser reads them back to the same bits):
//!
//! ```text
//! {"format": "rnn-lab-run", "version": 1,
//!  "config": {"task": {"kind": "adding", "seq_len": 20, "text": null}, …},
//!  "steps_done": 3,
//!  "weights": [{"name": "U", "rows": 32, "cols": 2, "values": [0.1234000027179718, …]}, …],
//!  "optimizer": {"steps": 3, "first_moments": [same shape as weights], "second_moments": […]},
//!  "data_rng": ["9e3779b97f4a7c15", "…", "…", "…"]}
//! ```
//!
//! Reading one takes two passes, so that a file of another program or of a
//! newer version is told apart from a damaged one before its fields are
//! looked at:
//!
//! ```text
//! let header: RunHeader = serde_json::from_slice(bytes).map_err(LoadError::damaged)?;
//! header.check()?;                                   // Foreign, NewerVersion
//! let saved: SavedRun = serde_json::from_slice(bytes).map_err(LoadError::damaged)?;
//! let run = Experiment::load(saved)?;                // Config, Shape, NotFinite, …
//! ```
//!
//! Numbers: an f32 written as the f64 it converts to exactly comes back to
//! the same f32 even from a parser an ulp off, as serde_json is by default
//! on 17-digit numbers (2·10⁶ random f32 tried: none changed). The f64
//! settings (learning rate, clipping threshold, optimiser constants) come
//! back exact from short decimals like 0.01 (the URL's and the lessons'),
//! and every one from a correctly rounding parser (serde_json's
//! `float_roundtrip` feature). An ulp off, a step changes only if an f32
//! the update makes from the setting changes (or the gradient norm falls
//! within that ulp of the clipping threshold): about one time in 2²⁹.
//!
//! `RunHeader` reads any JSON value without failing (only text that is not
//! JSON fails). Fields the engine does not know are ignored, so a caller may
//! keep its own beside them (`#[serde(flatten)]`).
//!
//! Values must be finite f32: JSON has no NaN or ∞, so `save` refuses a run
//! holding one (`SaveError::NotFinite`). A healthy run never does — a step
//! whose update overflows is undone — except in two corners: weights whose
//! initialisation overflows f32 (a uniform range above 3.4·10³⁸), and
//! Adam's second moment after an unclipped gradient entry above 1.8·10¹⁹,
//! whose square is ∞ in f32 (that weight then never moves again).

use crate::error::{LoadError, SaveError, SavedPart};
use crate::experiment::ExperimentConfig;
use crate::optim::{Optimizer, OptimizerKind};
use crate::param::{Params, SavedParam};
use crate::rng::Rng;
use crate::train::Trainer;
use nalgebra::DMatrix;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `format` of every saved run.
pub const FORMAT_NAME: &str = "rnn-lab-run";
/// The version `save` writes and the newest `load` reads. It goes up when a
/// field changes meaning or shape, so an older rnn-lab refuses the new files
/// by name (`LoadError::NewerVersion`) rather than misreading them.
pub const FORMAT_VERSION: u64 = 1;
/// Step counts above this (2⁵³, some 30 000 years at 10 000 steps a second)
/// are refused: no run gets there, and up to it a count is exact as a
/// JavaScript number too.
pub const MAX_SAVED_STEPS: u64 = 1 << 53;

/// A run as plain data (see the module doc).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the engine that saved it.
    pub version: u64,
    pub config: ExperimentConfig,
    /// Training steps done.
    pub steps_done: u64,
    /// Every parameter, in the network's order (`Params::export`).
    pub weights: Vec<SavedParam>,
    pub optimizer: SavedOptimizer,
    /// The state of the generator that draws the batches (xoshiro256**), as
    /// four 64-bit numbers in hexadecimal: where the data stream stands.
    #[serde(with = "hex_words")]
    pub data_rng: [u64; 4],
}

/// The optimiser's state. Each list of moments is empty (SGD; a kind that
/// does not keep it; before the first update) or has one matrix per
/// parameter, named and shaped like it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedOptimizer {
    /// Updates applied since this optimiser was chosen (Adam's t): the steps
    /// done, unless it was switched mid-run.
    pub steps: u64,
    /// Momentum's velocity, or Adam's m.
    pub first_moments: Vec<SavedParam>,
    /// Adam's v.
    pub second_moments: Vec<SavedParam>,
}

/// A saved run's `format` and `version`, read from any JSON value (see the
/// module doc): `None` where the value has no such field, or one of another
/// type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunHeader {
    pub format: Option<String>,
    pub version: Option<u64>,
}

impl RunHeader {
    /// Whether this engine can read the run: `Foreign` without our format
    /// name, `NewerVersion` above [`FORMAT_VERSION`], `Damaged` with our name
    /// but no version number from 1.
    pub fn check(&self) -> Result<(), LoadError> {
        if self.format.as_deref() != Some(FORMAT_NAME) {
            return Err(LoadError::Foreign);
        }
        match self.version {
            Some(got) if got > FORMAT_VERSION => Err(LoadError::NewerVersion {
                got,
                max: FORMAT_VERSION,
            }),
            Some(v) if v >= 1 => Ok(()),
            _ => Err(LoadError::damaged(
                "the format version is not a whole number from 1",
            )),
        }
    }
}

/// Which moments an optimiser reads.
fn keeps(kind: OptimizerKind, part: SavedPart) -> bool {
    match part {
        SavedPart::Weights => true,
        SavedPart::FirstMoments => !matches!(kind, OptimizerKind::Sgd),
        SavedPart::SecondMoments => matches!(kind, OptimizerKind::Adam { .. }),
    }
}

/// `m` as a saved matrix named `name`, row-major like `Params::export`.
fn saved_matrix(part: SavedPart, name: &str, m: &DMatrix<f32>) -> Result<SavedParam, SaveError> {
    if m.iter().any(|x| !x.is_finite()) {
        return Err(SaveError::NotFinite {
            part,
            name: name.to_string(),
        });
    }
    Ok(SavedParam {
        name: name.to_string(),
        rows: m.nrows(),
        cols: m.ncols(),
        values: m.transpose().iter().map(|&x| f64::from(x)).collect(),
    })
}

/// The saved form of a run between steps (`Experiment::save`).
pub(crate) fn save(
    config: &ExperimentConfig,
    trainer: &Trainer<f32>,
    data: &Rng,
) -> Result<SavedRun, SaveError> {
    let mut weights = Vec::new();
    let mut names = Vec::new();
    let mut bad = None;
    trainer.net.visit(&mut |p| {
        names.push(p.name.clone());
        match saved_matrix(SavedPart::Weights, &p.name, &p.value) {
            Ok(w) => weights.push(w),
            Err(e) => {
                bad.get_or_insert(e);
            }
        }
    });
    if let Some(e) = bad {
        return Err(e);
    }
    let optimizer = trainer.optimizer();
    let moments = |part, list: &[DMatrix<f32>]| -> Result<Vec<SavedParam>, SaveError> {
        if !keeps(optimizer.kind, part) {
            return Ok(Vec::new());
        }
        names
            .iter()
            .zip(list)
            .map(|(name, m)| saved_matrix(part, name, m))
            .collect()
    };
    Ok(SavedRun {
        format: FORMAT_NAME.to_string(),
        version: FORMAT_VERSION,
        config: config.clone(),
        steps_done: trainer.steps_done(),
        weights,
        optimizer: SavedOptimizer {
            steps: optimizer.steps(),
            first_moments: moments(SavedPart::FirstMoments, optimizer.first_moments())?,
            second_moments: moments(SavedPart::SecondMoments, optimizer.second_moments())?,
        },
        data_rng: data.state(),
    })
}

/// Puts a saved run's weights, optimiser state and step count into
/// `trainer`, freshly built from the saved settings, and returns the data
/// generator; checks everything before it allocates anything sized by the
/// file. On an error the trainer is half written: the caller drops it.
pub(crate) fn restore(
    trainer: &mut Trainer<f32>,
    steps_done: u64,
    weights: &[SavedParam],
    optimizer: &SavedOptimizer,
    data_rng: [u64; 4],
) -> Result<Rng, LoadError> {
    for got in [steps_done, optimizer.steps] {
        if got > MAX_SAVED_STEPS {
            return Err(LoadError::TooManySteps {
                got,
                max: MAX_SAVED_STEPS,
            });
        }
    }
    let data = Rng::from_state(data_rng).ok_or(LoadError::RngState)?;
    let mut expected = Vec::new();
    trainer
        .net
        .visit(&mut |p| expected.push((p.name.clone(), p.value.shape())));
    let kind = trainer.config.optimizer;
    let mut lists = Vec::new();
    for (part, list) in [
        (SavedPart::Weights, weights),
        (SavedPart::FirstMoments, &optimizer.first_moments),
        (SavedPart::SecondMoments, &optimizer.second_moments),
    ] {
        if !keeps(kind, part) && !list.is_empty() {
            return Err(LoadError::UnusedMoments {
                part,
                optimizer: kind.name(),
            });
        }
        let none_yet = part != SavedPart::Weights && list.is_empty();
        lists.push(if none_yet {
            Vec::new()
        } else {
            matrices(part, list, &expected)?
        });
    }
    let v = lists.pop().unwrap_or_default();
    let m = lists.pop().unwrap_or_default();
    let w = lists.pop().unwrap_or_default();
    // Adam reads both moments: both or neither.
    if keeps(kind, SavedPart::SecondMoments) && m.is_empty() != v.is_empty() {
        let part = if m.is_empty() {
            SavedPart::FirstMoments
        } else {
            SavedPart::SecondMoments
        };
        let name = expected.first().map(|e| e.0.clone()).unwrap_or_default();
        return Err(LoadError::MissingParameter { part, name });
    }
    let mut w = w.into_iter();
    trainer.net.visit_mut(&mut |p| {
        if let Some(value) = w.next() {
            p.value = value;
        }
    });
    let resumed = Optimizer::resume(kind, optimizer.steps, m, v);
    trainer.resume(steps_done, resumed);
    Ok(data)
}

/// One matrix per expected parameter, in the network's order, from a saved
/// list in any order: every name known and given once, every shape the
/// settings' own, every value a finite f32. The sizes are compared with the
/// expected ones before any matrix is made.
fn matrices(
    part: SavedPart,
    list: &[SavedParam],
    expected: &[(String, (usize, usize))],
) -> Result<Vec<DMatrix<f32>>, LoadError> {
    let mut found: Vec<Option<&SavedParam>> = vec![None; expected.len()];
    for entry in list {
        let Some(k) = expected.iter().position(|(n, _)| *n == entry.name) else {
            return Err(LoadError::UnknownParameter {
                part,
                name: entry.name.clone(),
            });
        };
        if found[k].replace(entry).is_some() {
            return Err(LoadError::DuplicateParameter {
                part,
                name: entry.name.clone(),
            });
        }
    }
    let mut out = Vec::with_capacity(expected.len());
    for ((name, shape), entry) in expected.iter().zip(found) {
        let Some(entry) = entry else {
            return Err(LoadError::MissingParameter {
                part,
                name: name.clone(),
            });
        };
        if (entry.rows, entry.cols) != *shape {
            return Err(LoadError::Shape {
                part,
                name: name.clone(),
                expected: *shape,
                got: (entry.rows, entry.cols),
            });
        }
        // Cannot overflow: the settings' shapes fit in memory.
        let count = shape.0 * shape.1;
        if entry.values.len() != count {
            return Err(LoadError::ValueCount {
                part,
                name: name.clone(),
                expected: count,
                got: entry.values.len(),
            });
        }
        let values: Vec<f32> = entry.values.iter().map(|&x| x as f32).collect();
        if values.iter().any(|x| !x.is_finite()) {
            return Err(LoadError::NotFinite {
                part,
                name: name.clone(),
            });
        }
        out.push(DMatrix::from_row_slice(shape.0, shape.1, &values));
    }
    Ok(out)
}

/// `[u64; 4]` as four hexadecimal strings: exact whatever reads the JSON
/// (a JavaScript number keeps only 53 bits).
mod hex_words {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(words: &[u64; 4], s: S) -> Result<S::Ok, S::Error> {
        words.map(|w| format!("{w:016x}")).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u64; 4], D::Error> {
        let strings = <[String; 4]>::deserialize(d)?;
        let mut words = [0; 4];
        for (w, s) in words.iter_mut().zip(&strings) {
            let hex = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
            *w = hex
                .then(|| u64::from_str_radix(s, 16).ok())
                .flatten()
                .ok_or_else(|| D::Error::custom("data_rng: not four 64-bit hexadecimal numbers"))?;
        }
        Ok(words)
    }
}

/// A field of the header as whatever it is: a string, a whole number ≥ 0,
/// or anything else (skipped).
enum Loose {
    Text(String),
    Whole(u64),
    Other,
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Loose, E> {
                Ok(Loose::Text(s.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Loose, E> {
                Ok(Loose::Whole(n))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Loose, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| Loose::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Loose::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RunHeader {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RunHeader;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RunHeader, A::Error> {
                let mut header = RunHeader::default();
                while let Some(key) = map.next_key::<Loose>()? {
                    let value = map.next_value::<Loose>()?;
                    match (key, value) {
                        (Loose::Text(k), Loose::Text(s)) if k == "format" => header.format = Some(s),
                        (Loose::Text(k), Loose::Whole(n)) if k == "version" => header.version = Some(n),
                        (Loose::Text(k), _) if k == "format" => header.format = None,
                        (Loose::Text(k), _) if k == "version" => header.version = None,
                        _ => {}
                    }
                }
                Ok(header)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RunHeader, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| RunHeader::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RunHeader, E> {
                Ok(RunHeader::default())
            }
        }
        d.deserialize_any(V)
    }
}
