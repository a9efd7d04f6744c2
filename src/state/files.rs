//! The run's files, as plain logic (the buttons that make and read them are
//! `components::files`): the whole run as one JSON file and its reading
//! back, the loss and gradient histories as CSV, the files' names, and the
//! next-character task's own text (which a link carries only when short).
//!
//! A run file is the engine's saved run (`rnn_core::SavedRun`: settings,
//! weights, optimiser state, step count, the data generator's state) with
//! the page's part beside its fields:
//!
//! ```text
//! {"format": "rnn-lab-run", "version": 1, "config": {…}, "steps_done": 40, "weights": […], …,
//!  "page": {"version": 1, "settings": "model=rnn&task=adding&…", "loss": [[0, 0.21], [1, 0.19], …]}}
//! ```
//!
//! `page.settings` is the link of the run (the settings table's own
//! writing, so read back through the same rows), `page.loss` the loss curve
//! as drawn, and `page.text` a user text that neither the link (too long)
//! nor the engine's settings (another task is chosen) carry. Reading
//! checks, in order: the engine's format and version (a file of another
//! program, or of a newer rnn-lab, is told apart from a damaged one), the
//! page part's version, the fields, the run itself (`Experiment::load`),
//! and that the page's settings describe exactly the saved network. The run
//! on screen is touched only once all of it has passed.

use super::history::{LossHistory, LossPoint};
use super::json::{self, Json};
use super::settings::{Refusal, Settings, PAGE_MAX_FLOPS};
use super::url::{self, Notice, NoticeKind};
use crate::views::gradients::{GradHistory, GradPoint};
use rnn_core::tasks::{Task, TaskConfig, TaskKind};
use rnn_core::{Experiment, LoadError, RunHeader, SaveError, SavedOptimizer, SavedParam, SavedRun};
use std::fmt::Write;
use std::sync::Arc;

/// A user text of at most this many characters travels in the link; a
/// longer one only in the run's JSON file.
pub const MAX_LINK_TEXT_CHARS: usize = 200;
/// The version of the page's part of a run file (`page.version`); it goes
/// up when a field of it changes meaning, so an older page refuses the new
/// files by name rather than misreading them.
pub const PAGE_VERSION: u64 = 1;
/// Files above this size are refused before they are read: the largest run
/// the page trains (a bidirectional LSTM at hidden 256 with Adam's moments)
/// saves to well under it.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a user text is short enough for the link.
pub fn fits_link(text: &str) -> bool {
    text.chars().nth(MAX_LINK_TEXT_CHARS).is_none()
}

/// `rnn-lab-<what>-<step>.<ext>`: what a file holds and the training step
/// it was taken at.
pub fn file_name(what: &str, step: u64, ext: &str) -> String {
    format!("rnn-lab-{what}-{step}.{ext}")
}

/// What the page says about files and texts (worded by `crate::files_text`).
#[derive(Clone, Debug, PartialEq)]
pub enum FilesNotice {
    /// A file that was not loaded: the run on screen goes on untouched.
    Refused(RunRefusal),
    /// The run could not be saved.
    NotSaved(SaveError),
    /// A link's own text that the engine refuses (for the link's sequence
    /// length): the built-in sentences are used instead.
    LinkText(rnn_core::Error),
}

/// Why a run file was not loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum RunRefusal {
    /// The file has `bytes`, above [`MAX_FILE_BYTES`].
    TooBig { bytes: u64, max: u64 },
    /// The engine's refusal: damaged, foreign, newer, or values that do
    /// not fit the saved settings.
    Load(LoadError),
    /// A saved run without the page's part (its settings).
    NoPage,
    /// The page's part is of version `got`, newer than this page reads.
    PageNewer { got: u64, max: u64 },
    /// The page's settings do not describe the saved network (a file edited
    /// by hand, or settings this page has no control for).
    Mismatch,
    /// Settings the page refuses, as it would from a link (too slow).
    Settings(Refusal),
}

/// The page's part of a run file (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct PagePart {
    pub version: u64,
    /// The settings as a link (`url::write`).
    pub settings: String,
    /// A user text carried by neither the link nor the engine's settings.
    pub text: Option<String>,
    /// The loss curve as drawn: (step, loss), the untrained net's at step 0.
    pub loss: Vec<(u64, f64)>,
}

impl PagePart {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{{\"version\":{},\"settings\":", self.version);
        json::string(out, &self.settings);
        if let Some(t) = &self.text {
            out.push_str(",\"text\":");
            json::string(out, t);
        }
        out.push_str(",\"loss\":[");
        for (i, (step, loss)) in self.loss.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "[{step},");
            json::number(out, *loss);
            out.push(']');
        }
        out.push_str("]}");
    }
}

/// The whole run as one JSON file: the engine's saved run (written by its
/// own `Serialize`), then the page's settings as a link, the text the link
/// cannot hold, and the loss curve.
pub fn run_json(saved: &SavedRun, settings: &Settings, loss: &[LossPoint]) -> Option<String> {
    let text = settings
        .text
        .as_deref()
        .filter(|t| !fits_link(t) && saved.config.task.text.as_deref() != Some(*t))
        .map(String::from);
    let page = PagePart {
        version: PAGE_VERSION,
        settings: url::write(settings),
        text,
        loss: loss.iter().map(|p| (p.step, p.loss)).collect(),
    };
    let mut out = json::to_string(saved).ok()?;
    // `{…}` → `{…,"page":{…}}`
    out.pop().filter(|c| *c == '}')?;
    out.push_str(",\"page\":");
    page.write(&mut out);
    out.push('}');
    Some(out)
}

/// A run read from a file, ready for `Lab::load_run`.
pub struct LoadedRun {
    /// The file's settings, in the page's current language.
    pub settings: Settings,
    pub experiment: Experiment,
    pub history: LossHistory,
}

/// `Damaged`, with `what` as the reason.
fn damaged(what: impl std::fmt::Display) -> RunRefusal {
    RunRefusal::Load(LoadError::damaged(what))
}

/// A field of an object, or `Damaged` naming it.
fn field<'j, 'a>(v: &'j Json<'a>, key: &str) -> Result<&'j Json<'a>, RunRefusal> {
    v.get(key).ok_or_else(|| damaged(format!("{key}: missing")))
}

fn whole(v: &Json, key: &str) -> Result<u64, RunRefusal> {
    field(v, key)?
        .as_whole()
        .ok_or_else(|| damaged(format!("{key}: not a whole number")))
}

/// A list of saved matrices (`weights`, or a list of moments).
fn matrices(v: &Json, key: &str) -> Result<Vec<SavedParam>, RunRefusal> {
    let items = field(v, key)?
        .items()
        .ok_or_else(|| damaged(format!("{key}: not a list")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let at = |what: &str| damaged(format!("{key}[{i}]: {what}"));
        out.push(SavedParam {
            name: field(m, "name")?
                .as_str()
                .ok_or_else(|| at("name: not a string"))?
                .to_string(),
            rows: whole(m, "rows")? as usize,
            cols: whole(m, "cols")? as usize,
            values: field(m, "values")?
                .numbers()
                .ok_or_else(|| at("values: not a list of numbers"))?,
        });
    }
    Ok(out)
}

/// The generator's state: four 64-bit numbers in hexadecimal.
fn rng_state(v: &Json) -> Result<[u64; 4], RunRefusal> {
    let bad = || damaged("data_rng: not four 64-bit hexadecimal numbers");
    let items = field(v, "data_rng")?.items().ok_or_else(bad)?;
    let mut words = [0; 4];
    if items.len() != 4 {
        return Err(bad());
    }
    for (w, item) in words.iter_mut().zip(&items) {
        let s = item.as_str().ok_or_else(bad)?;
        let hex = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
        *w = hex
            .then(|| u64::from_str_radix(s, 16).ok())
            .flatten()
            .ok_or_else(bad)?;
    }
    Ok(words)
}

/// The page's part of a file.
fn page_part(v: &Json) -> Result<PagePart, RunRefusal> {
    let page = field(v, "page")?;
    let mut loss = Vec::new();
    if let Some(l) = page.get("loss") {
        let bad = || damaged("page.loss: not a list of [step, loss]");
        for p in l.items().ok_or_else(bad)? {
            match p.numbers().as_deref() {
                Some(&[step, value]) if step >= 0.0 && step.fract() == 0.0 => loss.push((step as u64, value)),
                _ => return Err(bad()),
            }
        }
    }
    Ok(PagePart {
        version: whole(page, "version")?,
        settings: field(page, "settings")?
            .as_str()
            .ok_or_else(|| damaged("page.settings: not a string"))?
            .to_string(),
        text: match page.get("text") {
            None | Some(Json::Null) => None,
            Some(t) => Some(
                t.as_str()
                    .ok_or_else(|| damaged("page.text: not a string"))?
                    .to_string(),
            ),
        },
        loss,
    })
}

/// Reads a run file (see the module doc). `current` supplies the language
/// and anything the file's link leaves out.
pub fn read_run(bytes: &[u8], current: &Settings) -> Result<LoadedRun, RunRefusal> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(RunRefusal::TooBig {
            bytes: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("not UTF-8 text"))?;
    let v = json::parse(text).map_err(damaged)?;
    // Another program's file or a newer version, told apart from a
    // damaged one before any other field is looked at.
    let version = |j: &Json| j.get("version").and_then(Json::as_whole);
    RunHeader {
        format: v.get("format").and_then(Json::as_str).map(String::from),
        version: version(&v),
    }
    .check()
    .map_err(RunRefusal::Load)?;
    match v.get("page").map(version) {
        None => return Err(RunRefusal::NoPage),
        Some(None | Some(0)) => return Err(damaged("page.version: not a whole number from 1")),
        Some(Some(got)) if got > PAGE_VERSION => {
            return Err(RunRefusal::PageNewer {
                got,
                max: PAGE_VERSION,
            })
        }
        Some(Some(_)) => {}
    }
    let page = page_part(&v)?;

    // The settings are the page's (its link), checked against the file's own.
    let (mut settings, _) = url::parse_over(&page.settings, current);
    settings.lang = current.lang;
    let saved_text = field(&v, "config")?.get("task").and_then(|t| t.get("text"));
    if let Some(t) = saved_text.and_then(Json::as_str).or(page.text.as_deref()) {
        settings.text = Some(Arc::from(t));
    }
    let config = settings.experiment_config();
    let ours = json::to_string(&config).map_err(damaged)?;
    let ours = json::parse(&ours).map_err(damaged)?;
    if !json::same(&ours, field(&v, "config")?) {
        return Err(RunRefusal::Mismatch);
    }
    let optimizer = field(&v, "optimizer")?;
    let saved = SavedRun {
        format: rnn_core::saved::FORMAT_NAME.to_string(),
        version: version(&v).unwrap_or_default(),
        config,
        steps_done: whole(&v, "steps_done")?,
        weights: matrices(&v, "weights")?,
        optimizer: SavedOptimizer {
            steps: whole(optimizer, "steps")?,
            first_moments: matrices(optimizer, "first_moments")?,
            second_moments: matrices(optimizer, "second_moments")?,
        },
        data_rng: rng_state(&v)?,
    };
    let steps = saved.steps_done;
    let flops = settings
        .step_flops()
        .map_err(|e| RunRefusal::Settings(Refusal::Engine(e)))?;
    if flops > PAGE_MAX_FLOPS {
        return Err(RunRefusal::Settings(Refusal::TooSlow { flops }));
    }
    let experiment = Experiment::load(saved).map_err(RunRefusal::Load)?;
    Ok(LoadedRun {
        settings,
        experiment,
        history: restore_history(&page.loss, steps),
    })
}

/// The loss curve of a file, each point kept as one: points after the
/// run's last step, out of order or not finite are left out (the curve is
/// only drawn; the run goes on from the weights either way).
pub fn restore_history(points: &[(u64, f64)], steps_done: u64) -> LossHistory {
    let mut h = LossHistory::default();
    let mut last = None;
    for &(step, loss) in points {
        if step > steps_done || last.is_some_and(|l| step <= l) || !loss.is_finite() {
            continue;
        }
        if step == 0 {
            h.set_initial(loss);
        } else {
            h.push(step, loss);
        }
        last = Some(step);
    }
    h
}

/// A number for a CSV cell, exact (the shortest text that reads back to
/// the same f64), in plain notation where that is short and with an
/// exponent otherwise (a vanishing gradient of 1e-30).
pub fn csv_number(x: f64) -> String {
    if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// The loss curve as CSV: a header row, then one row per recorded point
/// (the untrained net's at step 0; a long run's neighbouring steps are
/// averaged into one point, as the chart draws them).
pub fn loss_csv(points: &[LossPoint]) -> String {
    let mut out = String::from("step,loss\n");
    for p in points {
        let _ = writeln!(out, "{},{}", p.step, csv_number(p.loss));
    }
    out
}

/// The gradient history as CSV: a header row (`step`, then ‖∂L/∂h_t‖ for
/// t = 1…T as `dL/dh_t`), then one row per recorded step, as the heatmap
/// shows them. A gradient flushed below f32's floor is `underflow`, an
/// overflowed one `nan`.
pub fn grad_csv(h: &GradHistory) -> String {
    let mut out = String::from("step");
    for t in 1..=h.width() {
        let _ = write!(out, ",dL/dh_{t}");
    }
    out.push('\n');
    for row in h.rows() {
        let _ = write!(out, "{}", row.step);
        for t in 0..h.width() {
            out.push(',');
            match row.points.get(t) {
                Some(GradPoint::Value(v)) => out.push_str(&csv_number(*v)),
                Some(GradPoint::Zero) => out.push('0'),
                Some(GradPoint::Underflow) => out.push_str("underflow"),
                Some(GradPoint::NonFinite) => out.push_str("nan"),
                None => {}
            }
        }
        out.push('\n');
    }
    out
}

/// Why the engine would refuse `text` for the next-character task at
/// sequences of `seq_len` (too short, too long, too few or too many
/// different characters), if it would.
pub fn text_refusal(text: &str, seq_len: usize) -> Option<rnn_core::Error> {
    Task::new(TaskConfig {
        kind: TaskKind::NextChar,
        seq_len,
        text: Some(text.to_string()),
    })
    .err()
}

/// A link's text that the engine refuses is dropped for the built-in
/// sentences, with the notice that says why (the rest of the link is kept).
pub fn check_text(settings: &mut Settings) -> Option<Notice> {
    if settings.task != TaskKind::NextChar {
        return None;
    }
    let e = text_refusal(settings.text.as_deref()?, settings.seq_len)?;
    settings.text = None;
    Some(Notice::new(
        url::TEXT_KEY,
        NoticeKind::Files(FilesNotice::LinkText(e)),
    ))
}

/// A text's length and its number of different characters, counted as the
/// engine counts them (Unicode scalar values: a combining mark is one of
/// its own), for the live count beside the text box.
pub fn text_counts(text: &str) -> (usize, usize) {
    // A bit per character of the Basic Multilingual Plane (8 KB), a set for
    // the rest: a million characters are counted between two keystrokes.
    let mut bmp = vec![0u64; 0x10000 / 64];
    let mut beyond = std::collections::BTreeSet::new();
    let (mut count, mut distinct) = (0, 0);
    for c in text.chars() {
        count += 1;
        let code = c as usize;
        if code < 0x10000 {
            let (word, bit) = (code / 64, 1u64 << (code % 64));
            if bmp[word] & bit == 0 {
                bmp[word] |= bit;
                distinct += 1;
            }
        } else if beyond.insert(c) {
            distinct += 1;
        }
    }
    (count, distinct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::settings::Model;
    use rnn_core::CellKind;

    fn settings(query: &str) -> Settings {
        let (s, notices) = url::parse(query);
        assert_eq!(notices, vec![], "{query}");
        s
    }

    /// `steps` steps of a run, its file, and the loss of the step after.
    fn saved_after(s: &Settings, steps: usize) -> (String, f64) {
        let mut run = s.build().expect("builds");
        let mut history = LossHistory::default();
        history.set_initial(run.probe(false).expect("probe").loss);
        // The probe drew a batch, as the page's does after a reset: the
        // file's run goes on from wherever the data stream stands.
        for _ in 0..steps {
            let r = run.step(false).expect("step");
            history.push(r.step, r.loss);
        }
        let json = run_json(&run.save().expect("saved"), s, &history.points()).expect("json");
        let next = run.step(false).expect("next").loss;
        (json, next)
    }

    #[test]
    fn names_say_what_and_when() {
        assert_eq!(file_name("loss", 40, "csv"), "rnn-lab-loss-40.csv");
        assert_eq!(file_name("run", 0, "json"), "rnn-lab-run-0.json");
    }

    /// The fuzzer's seeds (`fuzz/seeds/run_file`, made by `run_json`) are
    /// run files the page loads: a change of the format that left them
    /// behind would leave the fuzzer at the first refusal.
    #[test]
    fn the_fuzzers_seed_run_files_load() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/run_file");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).expect("the seeds") {
            let path = entry.expect("an entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            let mut loaded = read_run(&bytes, &Settings::default())
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            loaded.experiment.step(false).expect("goes on");
            n += 1;
        }
        assert!(n >= 3, "{n} seeds");
    }

    #[test]
    fn a_loaded_run_goes_on_bit_for_bit_and_brings_its_settings() {
        let cases = [
            "model=rnn&task=adding&seq-len=12&hidden=8&batch-size=4&learning-rate=0.003",
            "model=lstm&task=copy&seq-len=9&hidden=6&batch-size=3&optimizer=momentum&clip-mode=value&clip-threshold=0.25",
            "model=bigru&task=blank&hidden=5&batch-size=2&optimizer=sgd&learning-rate=0.3&seed=77",
            "model=rnn&task=chars&seq-len=6&hidden=7&batch-size=2&text=%E6%97%A9%E4%B8%8A%E5%8F%A0%E8%A2%AB%E5%AD%90%EF%BC%8C%E5%8F%A0%E5%A5%BD%E7%9A%84%E8%A2%AB%E5%AD%90%E6%94%BE%E8%BF%9B%E6%9F%9C%E5%AD%90%E3%80%82",
        ];
        for q in cases {
            let s = settings(q);
            let (json, next) = saved_after(&s, 5);
            let current = Settings {
                lang: crate::lang::Locale::zh,
                ..Settings::default()
            };
            let mut loaded = read_run(json.as_bytes(), &current).unwrap_or_else(|e| panic!("{q}: {e:?}"));
            assert_eq!(loaded.settings, s.with_lang(crate::lang::Locale::zh), "{q}");
            assert_eq!(loaded.experiment.steps_done(), 5);
            // Shown with peek, which draws no batch: the next step is the same.
            let peek = loaded.experiment.peek(true).expect("peek");
            assert_eq!(peek.step, 5);
            let step = loaded.experiment.step(false).expect("step");
            assert_eq!(step.loss.to_bits(), next.to_bits(), "{q}");
            assert_eq!(
                peek.loss.to_bits(),
                next.to_bits(),
                "peek sees the next batch: {q}"
            );
            let points = loaded.history.points();
            assert_eq!(points.len(), 6, "{q}");
            assert_eq!(points.last().map(|p| p.step), Some(5));
        }
    }

    #[test]
    fn a_long_text_travels_in_the_file_not_the_link() {
        let long: String = "叠被子，放进柜子。🙂 e\u{301} ".repeat(40);
        assert!(!fits_link(&long));
        let mut s = settings("model=rnn&task=chars&seq-len=10&hidden=6&batch-size=2");
        s.text = Some(Arc::from(long.as_str()));
        assert!(!url::write(&s).contains("text="), "{}", url::write(&s));
        let (json, next) = saved_after(&s, 3);
        let mut loaded = read_run(json.as_bytes(), &Settings::default()).expect("loads");
        assert_eq!(loaded.settings.text.as_deref(), Some(long.as_str()));
        assert_eq!(
            loaded.experiment.step(false).unwrap().loss.to_bits(),
            next.to_bits()
        );
        // Kept while another task is chosen: in the page's part of the file.
        s.task = TaskKind::Adding;
        let (json, _) = saved_after(&s, 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["config"]["task"]["text"], serde_json::Value::Null);
        assert_eq!(v["page"]["text"].as_str(), Some(long.as_str()));
        let loaded = read_run(json.as_bytes(), &Settings::default()).expect("loads");
        assert_eq!(loaded.settings.text.as_deref(), Some(long.as_str()));
        assert_eq!(loaded.settings.task, TaskKind::Adding);
    }

    /// The page's writer writes the engine's format (serde_json reads it
    /// back to the same saved run), and the page reads a file whose engine
    /// part serde_json wrote.
    #[test]
    fn the_file_is_the_engines_format() {
        let s = settings(
            "model=gru&task=sine&seq-len=7&hidden=5&batch-size=3&optimizer=adam&learning-rate=0.0003",
        );
        let mut run = s.build().unwrap();
        for _ in 0..3 {
            run.step(false).unwrap();
        }
        let saved = run.save().unwrap();
        let ours = run_json(&saved, &s, &[]).unwrap();
        let back: SavedRun = serde_json::from_str(&ours).expect("the engine's format");
        assert_eq!(back, saved);
        let next = run.step(false).unwrap().loss;
        let mut theirs: serde_json::Value = serde_json::to_value(&saved).unwrap();
        let ours_value: serde_json::Value = serde_json::from_str(&ours).unwrap();
        theirs["page"] = ours_value["page"].clone();
        let file = serde_json::to_string(&theirs).unwrap();
        let mut loaded = read_run(file.as_bytes(), &Settings::default()).expect("loads");
        assert_eq!(
            loaded.experiment.step(false).unwrap().loss.to_bits(),
            next.to_bits()
        );
    }

    #[test]
    fn the_file_names_its_format_and_versions() {
        let (json, _) = saved_after(&Settings::default(), 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["format"], "rnn-lab-run");
        assert_eq!(v["version"], 1);
        assert_eq!(v["page"]["version"], PAGE_VERSION);
        assert!(v["page"]["settings"]
            .as_str()
            .unwrap()
            .starts_with("model=rnn&task=adding"));
    }

    fn refused(bytes: &[u8]) -> RunRefusal {
        match read_run(bytes, &Settings::default()) {
            Ok(_) => panic!(
                "loaded: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
            ),
            Err(r) => r,
        }
    }

    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> RunRefusal {
        let s = settings("hidden=4&batch-size=2&seq-len=5");
        let (json, _) = saved_after(&s, 2);
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        edit(&mut v);
        refused(serde_json::to_string(&v).unwrap().as_bytes())
    }

    #[test]
    fn foreign_newer_and_damaged_files_are_told_apart() {
        let damaged = |r: &RunRefusal| matches!(r, RunRefusal::Load(LoadError::Damaged { .. }));
        assert!(damaged(&refused(b"")), "empty");
        assert!(damaged(&refused(b"not json")));
        assert_eq!(refused(b"{}"), RunRefusal::Load(LoadError::Foreign));
        assert_eq!(refused(b"[1, 2]"), RunRefusal::Load(LoadError::Foreign));
        assert_eq!(
            refused(br#"{"name": "my-package", "version": "1.0.0"}"#),
            RunRefusal::Load(LoadError::Foreign)
        );
        assert_eq!(
            edited(|v| v["version"] = 9.into()),
            RunRefusal::Load(LoadError::NewerVersion { got: 9, max: 1 })
        );
        assert_eq!(
            edited(|v| v["page"]["version"] = 2.into()),
            RunRefusal::PageNewer { got: 2, max: 1 }
        );
        assert_eq!(
            edited(|v| {
                v.as_object_mut().unwrap().remove("page");
            }),
            RunRefusal::NoPage
        );
        assert!(damaged(&edited(|v| v["page"]["settings"] = 3.into())));
        assert!(damaged(&edited(|v| v["steps_done"] = "many".into())));
        // The page's settings must describe the saved network.
        assert_eq!(
            edited(|v| {
                let q = v["page"]["settings"]
                    .as_str()
                    .unwrap()
                    .replace("hidden=4", "hidden=5");
                v["page"]["settings"] = q.into();
            }),
            RunRefusal::Mismatch
        );
        assert_eq!(
            edited(|v| v["config"]["forget_bias"] = 2.0.into()),
            RunRefusal::Mismatch
        );
        assert_eq!(
            edited(|v| v["config"]["hidden_size"] = 0.into()),
            RunRefusal::Mismatch
        );
        assert_eq!(
            edited(|v| v["config"]["train"]["learning_rate"] = 0.010000000000000002.into()),
            RunRefusal::Mismatch,
            "an ulp off is another setting"
        );
        assert!(matches!(
            edited(|v| v["weights"][0]["rows"] = 5.into()),
            RunRefusal::Load(LoadError::Shape { .. })
        ));
        assert!(matches!(
            edited(|v| v["data_rng"] = serde_json::json!(["0", "0", "0", "0"])),
            RunRefusal::Load(LoadError::RngState)
        ));
        assert!(damaged(&edited(
            |v| v["data_rng"] = serde_json::json!([1, 2, 3, 4])
        )));
        assert!(damaged(&edited(
            |v| v["weights"][0]["values"] = serde_json::json!(["1"])
        )));
        assert!(matches!(
            edited(|v| v["weights"][0]["values"] = serde_json::json!([1.0])),
            RunRefusal::Load(LoadError::ValueCount { .. })
        ));
        assert!(matches!(
            edited(|v| v["weights"][0]["values"][0] = 1e300.into()),
            RunRefusal::Load(LoadError::NotFinite { .. })
        ));
        // Every cut of a file is refused, never loaded and never a panic.
        let (json, _) = saved_after(&settings("hidden=3&batch-size=2&seq-len=4"), 1);
        for cut in (0..json.len()).step_by(7) {
            let r = refused(&json.as_bytes()[..cut]);
            assert!(
                damaged(&r) || r == RunRefusal::Load(LoadError::Foreign),
                "cut at {cut}: {r:?}"
            );
        }
    }

    #[test]
    fn a_run_too_slow_for_the_page_is_refused_as_from_a_link() {
        // Built by the engine directly (the page would not), then saved.
        let mut s = Settings {
            model: Model::new(CellKind::Lstm, true),
            hidden: 256,
            seq_len: 200,
            batch_size: 16,
            ..Settings::default()
        };
        assert!(s.step_flops().unwrap() > PAGE_MAX_FLOPS);
        let run = Experiment::new(s.experiment_config()).expect("the engine accepts it");
        let json = run_json(&run.save().unwrap(), &s, &[]).unwrap();
        assert!(matches!(
            refused(json.as_bytes()),
            RunRefusal::Settings(Refusal::TooSlow { .. })
        ));
        s.batch_size = 1;
        assert!(s.build().is_ok());
    }

    #[test]
    fn a_curve_is_restored_without_its_bad_points() {
        let h = restore_history(
            &[(0, 2.0), (1, 1.5), (1, 9.0), (3, f64::NAN), (4, 1.0), (9, 0.5)],
            5,
        );
        let steps: Vec<u64> = h.points().iter().map(|p| p.step).collect();
        assert_eq!(steps, [0, 1, 4]);
        assert_eq!(h.last().map(|p| p.loss), Some(1.0));
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_recorded_step() {
        let points = [
            LossPoint { step: 0, loss: 0.25 },
            LossPoint { step: 1, loss: 0.1 },
            LossPoint {
                step: 2,
                loss: 1.0 / 3.0,
            },
            LossPoint { step: 3, loss: 1e-9 },
        ];
        let csv = loss_csv(&points);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines,
            ["step,loss", "0,0.25", "1,0.1", "2,0.3333333333333333", "3,1e-9"]
        );
        // Exact: every number reads back to the same bits.
        for (line, p) in lines[1..].iter().zip(&points) {
            let x: f64 = line.split(',').nth(1).unwrap().parse().unwrap();
            assert_eq!(x.to_bits(), p.loss.to_bits());
        }
        let mut h = GradHistory::new(8);
        h.offer(
            1,
            vec![
                GradPoint::Value(1e-30),
                GradPoint::Underflow,
                GradPoint::Value(0.5),
            ],
        );
        h.offer(
            2,
            vec![GradPoint::Zero, GradPoint::NonFinite, GradPoint::Value(2.0)],
        );
        assert_eq!(
            grad_csv(&h),
            "step,dL/dh_1,dL/dh_2,dL/dh_3\n1,1e-30,underflow,0.5\n2,0,nan,2\n"
        );
        assert_eq!(grad_csv(&GradHistory::new(8)), "step\n");
    }

    #[test]
    fn text_counts_are_the_engines_characters() {
        assert_eq!(text_counts(""), (0, 0));
        assert_eq!(text_counts("叠被子，叠"), (5, 4));
        // e + a combining acute accent: two characters, as the engine counts.
        assert_eq!(text_counts("e\u{301}e"), (3, 2));
        assert_eq!(text_counts("👨‍👩‍👧"), (5, 4));
    }
}
