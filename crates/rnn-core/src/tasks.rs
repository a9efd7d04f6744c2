//! Seeded task generators for the recurrent lessons, each with the loss a
//! model that learned nothing would get (its baseline) and a "solved" line.
//!
//! | task    | structure     | what must be remembered                      |
//! |---------|---------------|----------------------------------------------|
//! | adding  | many-to-one   | two marked numbers anywhere in the sequence  |
//! | copy    | many-to-many  | a few symbols, across a gap of blanks        |
//! | order   | many-to-one   | the order of two rare symbols among noise    |
//! | sine    | many-to-many  | the phase and frequency of a wave            |
//! | chars   | many-to-many  | the next character of short sentences        |
//! | blank   | many-to-many  | a missing word whose clue may come *after* it |

use crate::batch::{Batch, Structure};
use crate::loss::{LossKind, Targets};
use crate::rng::Rng;
use crate::{Error, Invalid};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

pub const MIN_SEQ_LEN: usize = 1;
pub const MAX_SEQ_LEN: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Adding,
    Copy,
    TemporalOrder,
    Sine,
    NextChar,
    FillBlank,
}

impl TaskKind {
    pub const ALL: [TaskKind; 6] = [
        TaskKind::Adding,
        TaskKind::Copy,
        TaskKind::TemporalOrder,
        TaskKind::Sine,
        TaskKind::NextChar,
        TaskKind::FillBlank,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Adding => "adding",
            TaskKind::Copy => "copy",
            TaskKind::TemporalOrder => "order",
            TaskKind::Sine => "sine",
            TaskKind::NextChar => "chars",
            TaskKind::FillBlank => "blank",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The shortest sequence the task can be posed in.
    pub fn min_seq_len(self) -> usize {
        match self {
            TaskKind::Adding => 2,
            TaskKind::Copy => 2 * COPY_SYMBOLS + 1,
            TaskKind::TemporalOrder => 6,
            TaskKind::Sine | TaskKind::NextChar => 2,
            TaskKind::FillBlank => 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskConfig {
    pub kind: TaskKind,
    /// Sequence length (the fill-in-the-blank task uses its sentences' own).
    pub seq_len: usize,
    /// Text for the next-character task instead of the built-in sentences
    /// (the other tasks ignore it): at least `seq_len` + 1 and at most
    /// [`MAX_TEXT_CHARS`] characters, 2 to [`MAX_VOCAB`] of them different.
    /// Any script: a character is a Unicode scalar value (a Rust `char`),
    /// and each distinct one is an input of the network. So a combining mark
    /// is a character of its own ("é" typed as e + U+0301 is two, and the
    /// network sees the accent apart from its letter), an emoji with a skin
    /// tone or a ZWJ family is several, a flag is two regional indicators.
    pub text: Option<String>,
}

impl Default for TaskConfig {
    fn default() -> Self {
        TaskConfig {
            kind: TaskKind::Adding,
            seq_len: 20,
            text: None,
        }
    }
}

/// What a task is, for the page and for the network's shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub kind: TaskKind,
    pub title: String,
    pub description: String,
    pub seq_len: usize,
    pub input_size: usize,
    pub output_size: usize,
    pub structure: Structure,
    pub loss: LossKind,
    /// The loss of the best answer that ignores what must be remembered.
    pub baseline_loss: f64,
    pub baseline_note: String,
    /// Below this loss the task counts as solved (see `solved_note`).
    pub solved_loss: f64,
    pub solved_note: String,
    /// What `Task::score` measures: "MAE", "accuracy" or "MSE".
    pub metric: &'static str,
    /// Names of the input channels and output classes, for the views.
    pub input_labels: Vec<String>,
    pub output_labels: Vec<String>,
}

/// A task's own measure of success on one batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub metric: &'static str,
    pub value: f64,
    pub solved: bool,
}

#[derive(Clone, Debug)]
pub struct Task {
    info: TaskInfo,
    /// Token table of the text tasks.
    vocab: Vec<String>,
    /// Text tasks: the corpus as token ids (chars) or the blank sentences.
    corpus: Vec<u32>,
    sentences: Vec<BlankSentence>,
}

#[derive(Clone, Debug)]
struct BlankSentence {
    tokens: Vec<u32>,
    /// Positions that are blanked, with their answers.
    blanks: Vec<(usize, u32)>,
}

const COPY_SYMBOLS: usize = 3;
const COPY_ALPHABET: usize = 4;
const ORDER_DISTRACTORS: usize = 4;
/// At most this many different characters in a next-character text: each
/// is an input and an output of the network.
pub const MAX_VOCAB: usize = 256;
/// At most this many characters in a next-character text: a whole novel
/// fits. The text's length costs nothing per step (a batch is V × T·B
/// one-hot columns, whatever the text), only memory: 4 bytes a character for
/// the text as token ids, as much again for the text itself, and its copies
/// in the settings and in a saved run — a few MB here. The bound keeps a
/// pasted file of hundreds of MB from exhausting the tab's memory, which in
/// WebAssembly is an abort, not a message.
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// Short sentences for the next-character task, written for rnn-lab. The
/// Chinese ones echo the lesson's long-range example: the subject named at
/// the start decides the word at the end.
pub const BUILTIN_SENTENCES: &[&str] = &[
    "the cat sat on the mat. ",
    "a net that loops remembers what it saw. ",
    "gradients fade when each step shrinks them. ",
    "gates let the memory pass through time. ",
    "we fold the quilt, then we put the quilt away. ",
    "早上叠被子，叠好的被子放进柜子。",
    "循环网络记得前面看到的字。",
    "梯度一步一步变小，最后消失了。",
    "门控单元让记忆穿过很长的时间。",
];

/// Fill-in-the-blank sentences: `{}` is the subject, `_` where it must be
/// filled in. Half put the clue before the blank, half after it — only a
/// bidirectional network can answer the second half.
const BLANK_TEMPLATES_EN: &[&str] = &[
    "first lesson tomorrow is {} so bring the _ book",
    "bring the _ book because first lesson tomorrow is {}",
];
const BLANK_SUBJECTS_EN: &[&str] = &["english", "maths", "music", "history"];
const BLANK_TEMPLATES_ZH: &[&str] = &["明天第一节课是{}，所以带_书", "明天带_书，因为第一节课是{}"];
const BLANK_SUBJECTS_ZH: &[&str] = &["英语", "数学", "音乐", "历史"];
const BLANK: &str = "_";
const PAD: &str = "·";

impl Task {
    pub fn new(config: TaskConfig) -> Result<Task, Error> {
        let kind = config.kind;
        if kind != TaskKind::FillBlank && !(kind.min_seq_len()..=MAX_SEQ_LEN).contains(&config.seq_len) {
            return Err(Invalid::SeqLen {
                task: kind,
                got: config.seq_len,
                min: kind.min_seq_len(),
                max: MAX_SEQ_LEN,
            }
            .into());
        }
        let t = config.seq_len;
        let labels = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>();
        let mut task = Task {
            info: TaskInfo {
                kind,
                title: String::new(),
                description: String::new(),
                seq_len: t,
                input_size: 1,
                output_size: 1,
                structure: Structure::ManyToOne,
                loss: LossKind::Mse,
                baseline_loss: 0.0,
                baseline_note: String::new(),
                solved_loss: 0.0,
                solved_note: String::new(),
                metric: "MSE",
                input_labels: Vec::new(),
                output_labels: Vec::new(),
            },
            vocab: Vec::new(),
            corpus: Vec::new(),
            sentences: Vec::new(),
        };
        let info = &mut task.info;
        match kind {
            TaskKind::Adding => {
                info.title = "Adding problem".into();
                info.description = "Each step shows a random number and a marker. Two steps are marked; \
                    the answer, given after the last step, is the sum of the two marked numbers."
                    .into();
                info.input_size = 2;
                info.input_labels = vec!["value".into(), "marker".into()];
                info.output_labels = vec!["sum".into()];
                // Always answering 1 (the mean of the sum) scores Var(u1 + u2) = 2/12.
                info.baseline_loss = 2.0 / 12.0;
                info.baseline_note = "always answering 1.0 (the average sum)".into();
                // Hochreiter & Schmidhuber (1997) call it solved at a mean
                // absolute error below 0.04; for roughly normal errors that
                // is an MSE near (1.25 · 0.04)² = 0.0025.
                info.solved_loss = 0.0025;
                info.solved_note = "mean absolute error below 0.04".into();
                info.metric = "MAE";
            }
            TaskKind::Copy => {
                info.title = "Copy after a gap".into();
                info.description = format!(
                    "{COPY_SYMBOLS} symbols, then {} blanks, then a go signal: the network must \
                     repeat the symbols in order. The gap is the long-range dependency.",
                    t - 2 * COPY_SYMBOLS - 1
                );
                info.input_size = COPY_ALPHABET + 2;
                info.input_labels = labels(COPY_ALPHABET, &|i| ((b'A' + i as u8) as char).to_string());
                info.input_labels.extend(["blank".to_string(), "go".to_string()]);
                info.output_size = COPY_ALPHABET;
                info.output_labels = labels(COPY_ALPHABET, &|i| ((b'A' + i as u8) as char).to_string());
                info.structure = Structure::ManyToMany;
                info.loss = LossKind::CrossEntropy;
                info.baseline_loss = (COPY_ALPHABET as f64).ln();
                info.baseline_note = format!("guessing among {COPY_ALPHABET} symbols: ln {COPY_ALPHABET}");
                info.solved_loss = 0.05;
                info.solved_note = "every recalled symbol right".into();
                info.metric = "accuracy";
            }
            TaskKind::TemporalOrder => {
                info.title = "Temporal order".into();
                info.description = "Among random noise symbols, X or Y appears twice, once early and \
                    once in the middle. Answer at the end: XX, XY, YX or YY."
                    .into();
                info.input_size = ORDER_DISTRACTORS + 2;
                info.input_labels = vec!["a", "b", "c", "d", "X", "Y"]
                    .into_iter()
                    .map(String::from)
                    .collect();
                info.output_size = 4;
                info.output_labels = vec!["XX", "XY", "YX", "YY"]
                    .into_iter()
                    .map(String::from)
                    .collect();
                info.loss = LossKind::CrossEntropy;
                info.baseline_loss = 4f64.ln();
                info.baseline_note = "guessing among 4 orders: ln 4".into();
                info.solved_loss = 0.05;
                info.solved_note = "every order right".into();
                info.metric = "accuracy";
            }
            TaskKind::Sine => {
                info.title = "Sine continuation".into();
                info.description = "A sine wave of random frequency and phase; at every step, predict \
                    the next value."
                    .into();
                info.input_labels = vec!["x_t".into()];
                info.output_labels = vec!["x_t+1".into()];
                info.structure = Structure::ManyToMany;
                // Always answering 0 scores the mean of sin² = 1/2.
                info.baseline_loss = 0.5;
                info.baseline_note = "always answering 0".into();
                info.solved_loss = 1e-3;
                info.solved_note = "mean squared error below 0.001".into();
            }
            TaskKind::NextChar => {
                let builtin;
                let text: &str = match &config.text {
                    Some(s) => s,
                    None => {
                        builtin = BUILTIN_SENTENCES.concat();
                        &builtin
                    }
                };
                // Length first (counting allocates nothing), then the
                // characters: an empty text is too short, not too poor.
                let count = text.chars().count();
                if count > MAX_TEXT_CHARS {
                    return Err(Invalid::TextTooLong {
                        got: count,
                        max: MAX_TEXT_CHARS,
                    }
                    .into());
                }
                if count < t + 1 {
                    return Err(Invalid::TextTooShort {
                        got: count,
                        min: t + 1,
                    }
                    .into());
                }
                let (vocab, corpus) = char_tokens(text);
                if vocab.len() < 2 || vocab.len() > MAX_VOCAB {
                    return Err(Invalid::DistinctChars {
                        got: vocab.len(),
                        max: MAX_VOCAB,
                    }
                    .into());
                }
                task.vocab = vocab.iter().map(|c| c.to_string()).collect();
                task.corpus = corpus;
                let info = &mut task.info;
                info.title = "Next character".into();
                info.description = "Read short sentences one character at a time and predict the \
                    next one."
                    .into();
                let v = task.vocab.len();
                info.input_size = v;
                info.output_size = v;
                info.input_labels = task.vocab.clone();
                info.output_labels = task.vocab.clone();
                info.structure = Structure::ManyToMany;
                info.loss = LossKind::CrossEntropy;
                info.baseline_loss = unigram_entropy(&task.corpus, v);
                info.baseline_note = "knowing only how often each character occurs".into();
                info.solved_loss = 0.3;
                info.solved_note = "recites the sentences almost perfectly".into();
                info.metric = "accuracy";
            }
            TaskKind::FillBlank => {
                task.build_blank_sentences();
                let info = &mut task.info;
                info.title = "Fill in the blank".into();
                info.description = "Which subject's book do we bring? Half the sentences name the \
                    lesson before the blank, half after it: only a network that also reads \
                    backwards can answer those."
                    .into();
            }
        }
        Ok(task)
    }

    pub fn info(&self) -> &TaskInfo {
        &self.info
    }

    /// The token table of a text task (empty otherwise).
    pub fn vocabulary(&self) -> &[String] {
        &self.vocab
    }

    fn build_blank_sentences(&mut self) {
        // Each sentence as tokens, with its blanks' positions and answers.
        type Raw = (Vec<String>, Vec<(usize, String)>);
        let mut raw: Vec<Raw> = Vec::new();
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let chars = |s: &str| s.chars().map(|c| c.to_string()).collect::<Vec<_>>();
        // (templates, subjects, tokeniser): English by word, Chinese by character.
        type Tokenise<'a> = &'a dyn Fn(&str) -> Vec<String>;
        let langs: [(&[&str], &[&str], Tokenise); 2] = [
            (BLANK_TEMPLATES_EN, BLANK_SUBJECTS_EN, &words),
            (BLANK_TEMPLATES_ZH, BLANK_SUBJECTS_ZH, &chars),
        ];
        for (templates, subjects, split) in langs {
            for tpl in templates {
                for subj in subjects {
                    let subject_tokens = split(subj);
                    let mut tokens = Vec::new();
                    let mut blanks = Vec::new();
                    for piece in split(&tpl.replace("{}", "\u{1}")) {
                        match piece.as_str() {
                            "\u{1}" => tokens.extend(subject_tokens.iter().cloned()),
                            "_" => {
                                for s in &subject_tokens {
                                    blanks.push((tokens.len(), s.clone()));
                                    tokens.push(BLANK.to_string());
                                }
                            }
                            _ => tokens.push(piece),
                        }
                    }
                    raw.push((tokens, blanks));
                }
            }
        }
        let len = raw.iter().map(|(t, _)| t.len()).max().unwrap_or(1);
        let all = raw
            .iter()
            .flat_map(|(t, b)| t.iter().cloned().chain(b.iter().map(|(_, s)| s.clone())))
            .chain([PAD.to_string()]);
        self.vocab = vocabulary(all);
        let vocab = &self.vocab;
        self.sentences = raw
            .iter()
            .map(|(tokens, blanks)| {
                let mut ids: Vec<u32> = tokens.iter().map(|t| index_of(vocab, t)).collect();
                ids.resize(len, index_of(vocab, PAD));
                BlankSentence {
                    tokens: ids,
                    blanks: blanks.iter().map(|(p, s)| (*p, index_of(vocab, s))).collect(),
                }
            })
            .collect();
        let v = self.vocab.len();
        let info = &mut self.info;
        info.seq_len = len;
        info.input_size = v;
        info.output_size = v;
        info.input_labels = self.vocab.clone();
        info.output_labels = self.vocab.clone();
        info.structure = Structure::ManyToMany;
        info.loss = LossKind::CrossEntropy;
        // Blind to the clue, the best guess is uniform over the 4 subjects.
        info.baseline_loss = 4f64.ln();
        info.baseline_note = "guessing among 4 subjects: ln 4".into();
        info.solved_loss = 0.05;
        info.solved_note = "every blank right (a forward-only net stalls near half that baseline)".into();
        info.metric = "accuracy";
    }

    /// A fresh batch of `batch_size` examples drawn from `rng`.
    pub fn batch(&self, rng: &mut Rng, batch_size: usize) -> Batch<f64> {
        let info = &self.info;
        let (t, b) = (info.seq_len, batch_size.max(1));
        let mut x = DMatrix::zeros(info.input_size, t * b);
        let out_steps = info.structure.output_steps(t);
        // Targets as values only for the MSE tasks: the classification tasks'
        // would be as large as the inputs (71 × T·B for the next character)
        // and never read.
        let value_rows = if info.loss == LossKind::Mse {
            info.output_size
        } else {
            0
        };
        let mut values = DMatrix::zeros(value_rows, out_steps * b);
        let mut classes = vec![None; out_steps * b];
        // Column of example e at step s.
        let col = |s: usize, e: usize| s * b + e;
        for e in 0..b {
            match info.kind {
                TaskKind::Adding => {
                    let first = rng.below(t.div_ceil(2));
                    let second = t / 2 + rng.below(t - t / 2);
                    let second = if second == first { (first + 1) % t } else { second };
                    let mut sum = 0.0;
                    for s in 0..t {
                        let v = rng.uniform();
                        x[(0, col(s, e))] = v;
                        if s == first || s == second {
                            x[(1, col(s, e))] = 1.0;
                            sum += v;
                        }
                    }
                    values[(0, e)] = sum;
                }
                TaskKind::Copy => {
                    let symbols: Vec<usize> = (0..COPY_SYMBOLS).map(|_| rng.below(COPY_ALPHABET)).collect();
                    let go = t - COPY_SYMBOLS - 1;
                    for s in 0..t {
                        let channel = if s < COPY_SYMBOLS {
                            symbols[s]
                        } else if s == go {
                            COPY_ALPHABET + 1
                        } else {
                            COPY_ALPHABET
                        };
                        x[(channel, col(s, e))] = 1.0;
                    }
                    for (k, &sym) in symbols.iter().enumerate() {
                        classes[col(go + 1 + k, e)] = Some(sym as u32);
                    }
                }
                TaskKind::TemporalOrder => {
                    let early = (t / 10).max(1) + rng.below((t / 10).max(1));
                    let middle = (t / 2 + rng.below((t / 10).max(1))).min(t - 1).max(early + 1);
                    let (a, bb) = (rng.below(2), rng.below(2));
                    for s in 0..t {
                        let channel = if s == early {
                            ORDER_DISTRACTORS + a
                        } else if s == middle {
                            ORDER_DISTRACTORS + bb
                        } else {
                            rng.below(ORDER_DISTRACTORS)
                        };
                        x[(channel, col(s, e))] = 1.0;
                    }
                    classes[e] = Some((2 * a + bb) as u32);
                }
                TaskKind::Sine => {
                    let omega = rng.range(0.15, 0.6);
                    let phase = rng.range(0.0, std::f64::consts::TAU);
                    for s in 0..t {
                        x[(0, col(s, e))] = (omega * s as f64 + phase).sin();
                        values[(0, col(s, e))] = (omega * (s + 1) as f64 + phase).sin();
                    }
                }
                TaskKind::NextChar => {
                    let start = rng.below(self.corpus.len() - t);
                    for s in 0..t {
                        x[(self.corpus[start + s] as usize, col(s, e))] = 1.0;
                        classes[col(s, e)] = Some(self.corpus[start + s + 1]);
                    }
                }
                TaskKind::FillBlank => {
                    let sentence = &self.sentences[rng.below(self.sentences.len())];
                    for (s, &tok) in sentence.tokens.iter().enumerate() {
                        x[(tok as usize, col(s, e))] = 1.0;
                    }
                    for &(pos, answer) in &sentence.blanks {
                        classes[col(pos, e)] = Some(answer);
                    }
                }
            }
        }
        Batch {
            seq_len: t,
            batch_size: b,
            inputs: x,
            targets: match info.loss {
                LossKind::Mse => Targets::Values(values),
                LossKind::CrossEntropy => Targets::Classes(classes),
            },
        }
    }

    /// The task's own measure on a batch, given the network's outputs.
    pub fn score(&self, outputs: &DMatrix<f64>, batch: &Batch<f64>) -> Score {
        let info = &self.info;
        let (value, solved) = match (&batch.targets, info.metric) {
            (Targets::Values(t), "MAE") => {
                let mae = (outputs - t).abs().mean();
                (mae, mae < 0.04)
            }
            (Targets::Values(t), _) => {
                let mse = (outputs - t).map(|d| d * d).mean();
                (mse, mse < info.solved_loss)
            }
            (Targets::Classes(c), _) => {
                let (mut right, mut total) = (0usize, 0usize);
                for (j, class) in c.iter().enumerate() {
                    if let Some(k) = class {
                        total += 1;
                        right += (outputs.column(j).argmax().0 == *k as usize) as usize;
                    }
                }
                let acc = right as f64 / total.max(1) as f64;
                (acc, acc >= 0.99)
            }
        };
        Score {
            metric: info.metric,
            value,
            solved,
        }
    }
}

/// A text's distinct characters in first-seen order, and the text as their
/// ids: the same as `vocabulary` and `index_of` over its characters, in
/// O(n log V) rather than O(n·V) (a text may hold a million characters, all
/// different).
fn char_tokens(text: &str) -> (Vec<char>, Vec<u32>) {
    let mut ids = std::collections::BTreeMap::new();
    let mut order = Vec::new();
    let mut corpus = Vec::with_capacity(text.len().min(MAX_TEXT_CHARS));
    for c in text.chars() {
        let id = *ids.entry(c).or_insert_with(|| {
            order.push(c);
            order.len() as u32 - 1
        });
        corpus.push(id);
    }
    (order, corpus)
}

/// Distinct tokens in first-seen order.
fn vocabulary(tokens: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in tokens {
        if !v.contains(&t) {
            v.push(t);
        }
    }
    v
}

fn index_of(vocab: &[String], token: &str) -> u32 {
    vocab.iter().position(|v| v == token).unwrap_or(0) as u32
}

/// Entropy (nats) of the corpus's character frequencies.
fn unigram_entropy(corpus: &[u32], v: usize) -> f64 {
    let mut counts = vec![0usize; v];
    for &c in corpus {
        counts[c as usize] += 1;
    }
    let n = corpus.len() as f64;
    counts
        .iter()
        .filter(|&&k| k > 0)
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.ln()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_makes_valid_batches() {
        for kind in TaskKind::ALL {
            let task = Task::new(TaskConfig {
                kind,
                seq_len: 12,
                text: None,
            })
            .unwrap();
            let info = task.info();
            let batch = task.batch(&mut Rng::new(1), 5);
            batch
                .validate(info.input_size, info.output_size, info.structure, info.loss)
                .unwrap();
            assert!(info.baseline_loss > info.solved_loss, "{kind:?}");
        }
    }

    #[test]
    fn adding_baseline_is_the_variance_of_the_sum() {
        let task = Task::new(TaskConfig::default()).unwrap();
        let batch = task.batch(&mut Rng::new(2), 4000);
        let Targets::Values(t) = &batch.targets else {
            panic!()
        };
        let mse_of_one = t.iter().map(|y| (y - 1.0).powi(2)).sum::<f64>() / t.len() as f64;
        assert!(
            (mse_of_one - task.info().baseline_loss).abs() < 0.01,
            "{mse_of_one}"
        );
        // Exactly two markers per example.
        for e in 0..4000 {
            let marks: f64 = (0..20).map(|s| batch.inputs[(1, s * 4000 + e)]).sum();
            assert_eq!(marks, 2.0);
        }
    }

    #[test]
    fn bad_settings_are_errors_not_panics() {
        for (kind, t) in [
            (TaskKind::Copy, 5),
            (TaskKind::Adding, 0),
            (TaskKind::Sine, 100_000),
        ] {
            assert!(Task::new(TaskConfig {
                kind,
                seq_len: t,
                text: None
            })
            .is_err());
        }
        let short = TaskConfig {
            kind: TaskKind::NextChar,
            seq_len: 10,
            text: Some("ab".into()),
        };
        assert!(Task::new(short).is_err());
    }

    #[test]
    fn char_tokens_are_the_first_seen_vocabulary() {
        let texts = [
            BUILTIN_SENTENCES.concat(),
            "e\u{301}te\u{301} 👍🏽 👨‍👩‍👧 🇨🇳 循环网络".to_string(),
            "ab".repeat(50),
        ];
        for text in texts {
            let chars: Vec<String> = text.chars().map(|c| c.to_string()).collect();
            let vocab = vocabulary(chars.iter().cloned());
            let corpus: Vec<u32> = chars.iter().map(|c| index_of(&vocab, c)).collect();
            let (fast_vocab, fast_corpus) = char_tokens(&text);
            let fast_vocab: Vec<String> = fast_vocab.iter().map(|c| c.to_string()).collect();
            assert_eq!((fast_vocab, fast_corpus), (vocab, corpus), "{text}");
        }
    }

    #[test]
    fn blank_sentences_hide_the_subject() {
        let task = Task::new(TaskConfig {
            kind: TaskKind::FillBlank,
            seq_len: 1,
            text: None,
        })
        .unwrap();
        let vocab = task.vocabulary();
        for s in &task.sentences {
            assert!(!s.blanks.is_empty());
            for &(pos, ans) in &s.blanks {
                assert_eq!(vocab[s.tokens[pos] as usize], BLANK);
                // The answer appears elsewhere in the sentence: the clue.
                assert!(s.tokens.contains(&ans));
            }
        }
    }
}
