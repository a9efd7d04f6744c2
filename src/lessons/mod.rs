//! The lesson told by the lab: chapters that follow the curriculum
//! (`shared/docs/curriculum.md`), each page plain data, as in
//! transformer-explainer's textbook pages — its words (keys of
//! `locales/*/lessons.json`), the experiment it sets up (a query of the
//! settings table, so every page is also a link: `#lesson=4.1`), the view it
//! talks about (a `data-testid`), and where there is an outcome to guess a
//! question whose answer is read from this run, never written in the text,
//! and a challenge the page checks itself.
//!
//! The lab knows nothing of lessons: the panel (`components::lesson`) opens
//! a page through the settings table, marks the page's view, and reads the
//! answer from a [`RunData`] it gathers from the lab's signals. Everything
//! here is plain Rust, tested natively against the engine (see the tests:
//! every page's settings build, every reader gives a number on a fresh run,
//! every claim holds, no challenge is passed at step 0 and every
//! challenge's solution passes).

pub mod pages;
pub mod read;

pub use pages::{CHAPTERS, PAGES};

use crate::lang::Locale;
use crate::state::history::LossHistory;
use crate::state::settings::Settings;
use crate::state::url::{self, FIELDS};
use rnn_core::tasks::{Score, TaskInfo};
use rnn_core::{Analysis, ClipReport, Divergence, Trace};
use std::sync::Arc;

/// Words in the page's language (a key of `locales/*/lessons.json`).
pub type Words = fn(Locale) -> &'static str;

/// One chapter of the curriculum.
pub struct Chapter {
    pub number: u8,
    pub title: Words,
}

/// One page of the lesson.
pub struct Page {
    /// `chapter.page`, e.g. `"4.1"`: the menu value and the link's `lesson=`.
    pub id: &'static str,
    pub chapter: u8,
    pub title: Words,
    /// A few sentences; paragraphs are separated by a blank line.
    pub body: Words,
    /// Settings that differ from the defaults, as a query of the settings
    /// table (applied over the defaults, then the link's own keys).
    pub query: &'static str,
    /// The `data-testid` of the view the page talks about (one of [`VIEWS`]).
    pub view: &'static str,
    pub question: Option<Question>,
    pub challenge: Option<Challenge>,
}

/// A question asked before the run answers it.
pub struct Question {
    pub prompt: Words,
    /// Two to four choices; the run's number picks the right one.
    pub choices: &'static [Choice],
    /// The number the answer is about, read from this run.
    pub read: Reader,
    /// A second number the answer quotes (`{other}`), if any.
    pub other: Option<Reader>,
    /// Whether the readers need the spectra (an eigen-decomposition).
    pub uses_analysis: bool,
    /// The answer is read once this many training steps are done (0: at
    /// once, before any step), or when the run diverged.
    pub after: u64,
    pub format: Format,
    /// The revealed answer, with `{value}`, `{other}`, `{step}` and `{len}`
    /// filled in from the run.
    pub answer: Words,
    /// What the page claims about the number (the browser test checks it).
    pub claim: Side,
}

/// One choice: right when the run's number is in `[lo, hi)` (an infinite
/// number counts as in the range that reaches infinity).
pub struct Choice {
    pub label: Words,
    pub lo: f64,
    pub hi: f64,
}

/// Reads one number from the run (`None` while it is not there yet).
pub type Reader = fn(&RunData) -> Option<f64>;

/// Which side of a line a number falls on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Below(f64),
    Above(f64),
    Within(f64, f64),
}

impl Side {
    pub fn holds(self, x: f64) -> bool {
        match self {
            Side::Below(v) => x < v,
            Side::Above(v) => x > v,
            Side::Within(a, b) => a <= x && x <= b,
        }
    }

    /// For the page's `data-claim`: `<1e-4`, `>1000000`, `1.5..2.5`.
    pub fn code(self) -> String {
        match self {
            Side::Below(v) => format!("<{v:e}"),
            Side::Above(v) => format!(">{v:e}"),
            Side::Within(a, b) => format!("{a:e}..{b:e}"),
        }
    }
}

/// How the answer prints its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// 0.044, 7.7×10⁻¹⁹, ∞.
    Sci,
    /// 97%.
    Percent,
    /// 2.
    Count,
}

/// A task the page checks itself.
pub struct Challenge {
    pub goal: Words,
    pub hint: Words,
    /// The answer, behind a click.
    pub answer: Words,
    /// The settings keys the class may change (anything else leaves the
    /// challenge open).
    pub may_change: &'static [&'static str],
    pub pass: Pass,
    /// A query that solves it (for the tests; `answer` says it in words).
    pub solution: &'static str,
}

/// When a challenge is passed.
#[derive(Clone, Copy)]
pub enum Pass {
    /// The task's solved line crossed (the loss of the last 20 steps below
    /// `TaskInfo::solved_loss`) within this many steps.
    Solved { within: u64 },
    /// A number read from the run on the right side.
    Reads {
        read: Reader,
        side: Side,
        uses_analysis: bool,
    },
    /// This many steps trained without diverging.
    Survives { steps: u64 },
}

impl Pass {
    pub fn uses_analysis(self) -> bool {
        matches!(
            self,
            Pass::Reads {
                uses_analysis: true,
                ..
            }
        )
    }
}

/// Everything a reader may look at: the lab's latest snapshot, trace,
/// analysis and history, gathered by the panel (or natively by a test).
#[derive(Clone, Debug, Default)]
pub struct RunData {
    pub settings: Settings,
    /// Training steps done.
    pub step: u64,
    pub trace: Option<Arc<Trace>>,
    pub clip: Option<ClipReport>,
    /// Only when the reader asked for it (`uses_analysis`).
    pub analysis: Option<Analysis>,
    pub history: LossHistory,
    pub task: Option<Arc<TaskInfo>>,
    /// The task's score on the batch of the last completed step.
    pub score: Option<Score>,
    pub divergence: Option<Divergence>,
    pub param_names: Vec<String>,
    /// The token table of a text task.
    pub vocabulary: Vec<String>,
}

/// The views a page may mark, by `data-testid`. `perceptron` and `bp-net`
/// are chapter 1's screens, built on another branch (issue 11); the rest are
/// on this page now (a test finds each in the source).
pub const VIEWS: &[&str] = &[
    "loss-chart",
    "unrolled-graph",
    "grad-through-time",
    "grad-history",
    "gate-heatmap",
    "param-grads",
    "spectrum",
    "activation-plot",
    "mlp-grads",
    "perceptron",
    "bp-net",
];

/// Views a page may name before they exist on this branch.
pub const PENDING_VIEWS: &[&str] = &["perceptron", "bp-net"];

/// Pages are the same page when their ids are.
impl PartialEq for Page {
    fn eq(&self, other: &Page) -> bool {
        self.id == other.id
    }
}

impl Page {
    pub fn find(id: &str) -> Option<&'static Page> {
        PAGES.iter().find(|p| p.id == id)
    }

    /// Position in [`PAGES`].
    pub fn index(&self) -> usize {
        PAGES.iter().position(|p| p.id == self.id).unwrap_or(0)
    }

    pub fn next(&self) -> Option<&'static Page> {
        PAGES.get(self.index() + 1)
    }

    pub fn previous(&self) -> Option<&'static Page> {
        self.index().checked_sub(1).and_then(|i| PAGES.get(i))
    }

    /// The page's settings over `base` (its keys replace base's), with the
    /// page open. The page's query is checked by a test: it gives no notice.
    pub fn settings_over(&self, base: &Settings) -> Settings {
        let mut s = base.clone();
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let _ = url::apply(&mut s, k, v, base);
        }
        s.reconcile();
        s.lesson.page = Some(self.id);
        s
    }

    /// The keys of the settings table in which `current` differs from this
    /// page's own settings (language and the lesson rows aside).
    pub fn changed_keys(&self, current: &Settings) -> Vec<&'static str> {
        let own = self.settings_over(&Settings::default());
        FIELDS
            .iter()
            .filter(|f| !matches!(f.key, "lang" | "lesson" | "present" | "hide"))
            .filter(|f| (f.write)(current) != (f.write)(&own))
            .map(|f| f.key)
            .collect()
    }
}

impl Question {
    /// Whether the run has got far enough for the answer.
    pub fn ready(&self, run: &RunData) -> bool {
        run.step >= self.after || run.divergence.is_some()
    }

    /// The choice the run's number makes right.
    pub fn right_choice(&self, value: f64) -> Option<usize> {
        self.choices.iter().position(|c| {
            (c.lo <= value && value < c.hi) || (value == f64::INFINITY && c.hi == f64::INFINITY)
        })
    }
}

/// Where a challenge stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChallengeState {
    Open,
    /// The run did it, but changed settings the challenge does not allow.
    OffLimits(Vec<&'static str>),
    Passed,
}

impl Challenge {
    pub fn state(&self, page: &Page, run: &RunData) -> ChallengeState {
        let off: Vec<&'static str> = page
            .changed_keys(&run.settings)
            .into_iter()
            .filter(|k| !self.may_change.contains(k))
            .collect();
        let done = match self.pass {
            Pass::Solved { within } => run
                .task
                .as_ref()
                .and_then(|t| first_solved_step(&run.history, t.solved_loss))
                .is_some_and(|s| s <= within),
            Pass::Reads { read, side, .. } => read(run).is_some_and(|v| side.holds(v)),
            Pass::Survives { steps } => run.step >= steps && run.divergence.is_none(),
        };
        match (done, off.is_empty()) {
            (true, true) => ChallengeState::Passed,
            (_, false) => ChallengeState::OffLimits(off),
            (false, true) => ChallengeState::Open,
        }
    }
}

/// Steps the solved line is judged over: one lucky batch is no solution.
pub const SOLVED_WINDOW: u64 = 20;

/// The first step at which the mean loss of the last [`SOLVED_WINDOW`]
/// steps (as the loss history holds them: merged points count once each)
/// is below `solved`; the untrained net's loss at step 0 is not counted.
pub fn first_solved_step(history: &LossHistory, solved: f64) -> Option<u64> {
    let points: Vec<_> = history.points().into_iter().filter(|p| p.step > 0).collect();
    let mut start = 0;
    let mut sum = 0.0;
    for (i, p) in points.iter().enumerate() {
        sum += p.loss;
        while points[start].step + SOLVED_WINDOW <= p.step {
            sum -= points[start].loss;
            start += 1;
        }
        let n = (i + 1 - start) as f64;
        if p.step >= SOLVED_WINDOW && sum / n < solved {
            return Some(p.step);
        }
    }
    None
}

/// A number as the answer prints it: `0.044`, `7.7×10⁻¹⁹`, `∞`, `97%`, `2`.
pub fn format_value(x: f64, f: Format) -> String {
    match f {
        Format::Percent if x.is_finite() => format!("{:.0}%", x * 100.0),
        Format::Count if x.is_finite() => format!("{}", x.round()),
        _ => format_sci(x),
    }
}

/// `0.044`, `3.1×10⁻¹²`, `2.4×10¹⁶`, `∞`, `0`.
pub fn format_sci(x: f64) -> String {
    if x.is_nan() || x == f64::INFINITY {
        return "∞".into();
    }
    if x == f64::NEG_INFINITY {
        return "−∞".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if (1e-2..1e4).contains(&x.abs()) {
        return crate::views::gradients::format_sci(x);
    }
    let e = x.abs().log10().floor() as i32;
    let mut m = x / 10f64.powi(e);
    let mut e = e;
    // 9.96 rounds to 10.0: one more decade.
    if (m.abs() * 10.0).round() >= 100.0 {
        m /= 10.0;
        e += 1;
    }
    format!("{m:.1}×10{}", superscript(e))
}

fn superscript(n: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if n < 0 {
        s.push('⁻');
    }
    for c in n.unsigned_abs().to_string().chars() {
        s.push(DIGITS[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

/// A number as a JavaScript `Number()` reads it (`Infinity`, not `inf`), for
/// the answer's `data-value`.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{x:e}")
    }
}

/// Subscript digits, for `h₁`, `h₃₀`.
pub fn subscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

#[cfg(test)]
pub mod rehearse;

#[cfg(test)]
mod tests;
