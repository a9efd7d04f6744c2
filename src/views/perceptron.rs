//! The perceptron (`perceptron`), the first chapter: two classes of points
//! in the plane, the weight vector w and the decision line w·x + b = 0, and
//! the rule w ← w + η·y·x taken one misclassified point at a time (Step,
//! with this run's numbers in a formula card) or an epoch at a time (Play).
//! On separable data it stops when every point is right (`data-state`
//! `converged`); on XOR it never does (`not-converging`, as soon as it has
//! begun on a set the engine's exact check says no line separates, or after
//! [`EPOCH_LIMIT`] epochs), and the view says why a hidden layer is needed.
//!
//! The run is the engine's `PerceptronRun`; this file keeps the pure parts
//! (the state, the plot as SVG, the cards) apart and tested. Words:
//! `locales/*/bp.json`, `bp.perceptron`.

use crate::html::{
    Html, CIRCLE, DEFS, DIV, G, H2, LINE, MARKER, P, PATH, POLYGON, RECT, SPAN, SVG, TEXT, TITLE,
};
use crate::i18n::*;
use crate::lang::Locale;
use crate::views::formula::{button, refocus, sub, target_attr, Formula, Line};
use leptos::prelude::*;
use rnn_core::{
    linearly_separable_2d, Dataset, DatasetConfig, PerceptronEpoch, PerceptronRun, PerceptronStep,
};

/// Points of the data set: few enough that each update can be followed.
pub const POINTS: usize = 40;
const NOISE: f64 = 0.15;
/// Play stops here if the perceptron has not converged.
pub const EPOCH_LIMIT: usize = 60;
/// Play runs one epoch every this many animation frames (about 10 epochs a
/// second): an epoch is microseconds of arithmetic, but a class must be
/// able to watch the line move.
const FRAMES_PER_EPOCH: u32 = 6;

/// Class +1 (label 1) and −1, and the half-planes the perceptron gives them.
const C_PLUS: &str = "#0072b2";
const C_MINUS: &str = "#e69f00";
const R_PLUS: &str = "#d9eaf6";
const R_MINUS: &str = "#fcefd2";
const C_LAST: &str = "#cc79a7";
const INK: &str = "#1a1d21";

/// `data-state` of the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PerceptronState {
    Training,
    Converged,
    NotConverging,
}

impl PerceptronState {
    /// Converged when every point is right; not converging once the rule
    /// has begun on a set no line separates, or after the epoch limit.
    pub fn of(run: &PerceptronRun, separable: bool) -> PerceptronState {
        if run.converged() {
            PerceptronState::Converged
        } else if (!separable && run.updates() > 0) || run.epochs() >= EPOCH_LIMIT {
            PerceptronState::NotConverging
        } else {
            PerceptronState::Training
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PerceptronState::Training => "training",
            PerceptronState::Converged => "converged",
            PerceptronState::NotConverging => "not-converging",
        }
    }

    pub fn words(self, l: Locale) -> &'static str {
        match self {
            PerceptronState::Training => td_string!(l, bp.perceptron.state_training),
            PerceptronState::Converged => td_string!(l, bp.perceptron.state_converged),
            PerceptronState::NotConverging => td_string!(l, bp.perceptron.state_not),
        }
    }
}

/// The perceptron on its data, and what it did last.
#[derive(Clone, Debug, PartialEq)]
pub struct PerceptronLab {
    pub run: PerceptronRun,
    /// The engine's exact answer: does a line separate the two classes?
    pub separable: bool,
    /// The last update Step took (cleared by an epoch).
    pub last: Option<PerceptronStep>,
    /// The last epoch Play ran (cleared by a step).
    pub last_epoch: Option<PerceptronEpoch>,
}

impl PerceptronLab {
    pub fn new(s: &crate::state::settings::PerceptronSettings) -> Result<PerceptronLab, rnn_core::Error> {
        let data = Dataset::new(&DatasetConfig {
            kind: s.data,
            points: POINTS,
            noise: NOISE,
            seed: 1,
        })?;
        let separable = linearly_separable_2d(&data.inputs, &data.signs())?;
        Ok(PerceptronLab {
            run: PerceptronRun::on_dataset(&data, s.learning_rate)?,
            separable,
            last: None,
            last_epoch: None,
        })
    }

    pub fn state(&self) -> PerceptronState {
        PerceptronState::of(&self.run, self.separable)
    }

    /// One update on the next misclassified point (nothing once converged).
    pub fn step(&mut self) {
        if let Some(s) = self.run.step() {
            self.last = Some(s);
            self.last_epoch = None;
        }
    }

    /// One epoch, unless converged or at the limit; whether Play goes on.
    pub fn epoch(&mut self) -> bool {
        if self.run.converged() || self.run.epochs() >= EPOCH_LIMIT {
            return false;
        }
        self.last_epoch = Some(self.run.epoch());
        self.last = None;
        !self.run.converged() && self.run.epochs() < EPOCH_LIMIT
    }

    /// The status line under the plot.
    pub fn status(&self, l: Locale) -> String {
        crate::tr!(
            l,
            bp.perceptron.status,
            updates = self.run.updates(),
            epochs = self.run.epochs(),
            wrong = self.run.mistakes(),
            n = self.run.len()
        )
    }

    /// What the view says about where the run is.
    pub fn verdict(&self, l: Locale) -> Vec<String> {
        match self.state() {
            PerceptronState::Converged => vec![crate::tr!(
                l,
                bp.perceptron.converged,
                updates = self.run.updates()
            )],
            PerceptronState::NotConverging => {
                let mut v = vec![if self.separable {
                    crate::tr!(l, bp.perceptron.limit, limit = EPOCH_LIMIT)
                } else {
                    td_string!(l, bp.perceptron.no_line).to_string()
                }];
                if let Some(fewest) = self.run.fewest_mistakes() {
                    v.push(crate::tr!(
                        l,
                        bp.perceptron.fewest,
                        epochs = self.run.epochs(),
                        fewest
                    ));
                }
                v.push(td_string!(l, bp.perceptron.hidden_layer).to_string());
                v
            }
            PerceptronState::Training => vec![td_string!(l, bp.perceptron.idle).to_string()],
        }
    }

    /// The card of the last update, or of the last epoch.
    pub fn card(&self, l: Locale) -> Option<Formula> {
        if let Some(s) = &self.last {
            return Some(step_card(s, self.run.len(), l));
        }
        self.last_epoch.as_ref().map(|e| epoch_card(e, self.run.len(), l))
    }
}

fn sign(y: f64) -> &'static str {
    if y > 0.0 {
        "+1"
    } else {
        "−1"
    }
}

/// w ← w + η·y·x with every number of one update.
pub fn step_card(s: &PerceptronStep, n: usize, l: Locale) -> Formula {
    let i = s.index + 1;
    let title = crate::tr!(l, bp.perceptron.card_title, update = s.update, i);
    let mut sum = Line::new().t("s = w·x + b = ");
    for k in 0..s.x.len() {
        if k > 0 {
            sum = sum.t(" + ");
        }
        sum = sum
            .f(format!("w{}", k + 1), s.w_before[k])
            .t("·")
            .f(format!("x{}", k + 1), s.x[k]);
    }
    sum = sum.t(" + ").f("b", s.b_before).t(" = ").n("s", s.net_input);
    let compare = if s.net_input >= 0.0 { " ≥ 0" } else { " < 0" };
    let decided =
        Line::new()
            .t("s")
            .t(compare)
            .t(format!(" → ŷ = {} ≠ y = {}", sign(s.predicted), sign(s.y)));
    let vector = |name: &str, v: &[f64], line: Line| -> Line {
        let mut line = line.t("(");
        for (k, x) in v.iter().enumerate() {
            if k > 0 {
                line = line.t(", ");
            }
            line = line.n(format!("{name}{}", k + 1), *x);
        }
        line.t(")")
    };
    let mut w = Line::new().t("w ← w + η·y·x = ");
    w = vector("w", &s.w_before, w);
    w = w
        .t(" + ")
        .f("eta", s.learning_rate)
        .t("·")
        .t(format!("({})", sign(s.y)))
        .t("·");
    w = vector("x", &s.x, w);
    w = w.t(" = ");
    w = vector("w", &s.w_before, w).t(" + ");
    w = vector("dw", &s.delta_w, w).t(" = ");
    w = vector("new:w", &s.w_after, w);
    let b = Line::new()
        .t("b ← b + η·y = ")
        .n("b", s.b_before)
        .t(" + ")
        .f("db", s.delta_b)
        .t(" = ")
        .n("new:b", s.b_after);
    Formula::new(format!("perceptron:{i}"), title)
        .line(
            Line::new()
                .t(format!("x{} = (", sub(i)))
                .n("x1", s.x[0])
                .t(", ")
                .n("x2", s.x.get(1).copied().unwrap_or(0.0))
                .t("), y = ")
                .n("y", s.y),
        )
        .line(sum)
        .line(decided)
        .line(w)
        .line(b)
        .note(crate::tr!(
            l,
            bp.perceptron.card_left,
            wrong = s.mistakes_after,
            n
        ))
}

/// What one epoch of Play did, and the weights after it.
pub fn epoch_card(e: &PerceptronEpoch, n: usize, l: Locale) -> Formula {
    let mut w = Line::new().t("w = (");
    for (k, x) in e.w.iter().enumerate() {
        if k > 0 {
            w = w.t(", ");
        }
        w = w.n(format!("w{}", k + 1), *x);
    }
    w = w.t("), b = ").n("b", e.b);
    Formula::new(
        format!("epoch:{}", e.epoch),
        crate::tr!(
            l,
            bp.perceptron.epoch_title,
            epoch = e.epoch,
            updates = e.mistakes
        ),
    )
    .line(w)
    .note(crate::tr!(
        l,
        bp.perceptron.card_left,
        wrong = n - (e.accuracy * n as f64).round() as usize,
        n
    ))
}

/// Half of the square the plot shows, around the origin.
fn plot_radius(run: &PerceptronRun) -> f64 {
    let m = run.inputs().iter().fold(1.0f64, |m, v| m.max(v.abs()));
    ((m * 1.1) * 2.0).ceil() / 2.0
}

/// A point of the plane.
pub type Point = (f64, f64);

/// The part of `poly` where `f ≥ 0` (one step of Sutherland–Hodgman), and
/// the points where its boundary crosses f = 0.
pub fn clip(poly: &[Point], f: impl Fn(Point) -> f64) -> (Vec<Point>, Vec<Point>) {
    let (mut out, mut cross) = (Vec::new(), Vec::new());
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        let (fa, fb) = (f(a), f(b));
        if fa >= 0.0 {
            out.push(a);
        }
        if (fa >= 0.0) != (fb >= 0.0) {
            let t = fa / (fa - fb);
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            out.push(p);
            cross.push(p);
        }
    }
    (out, cross)
}

/// The plot: the two half-planes, the line w·x + b = 0, the vector w, and
/// the points (+1 circles, −1 squares; a dark outline when misclassified;
/// a ring on the point just updated, a dashed one on the next).
pub fn plot_svg(p: &PerceptronLab, l: Locale) -> String {
    let mut h = Html::new();
    plot(&mut h, p, l);
    h.finish()
}

fn plot(h: &mut Html, p: &PerceptronLab, l: Locale) {
    const SIZE: f64 = 360.0;
    let run = &p.run;
    let r = plot_radius(run);
    let px = |x: f64| (x + r) / (2.0 * r) * SIZE;
    let py = |y: f64| (r - y) / (2.0 * r) * SIZE;
    let (w, b) = (&run.perceptron.w, run.perceptron.b);
    let s = |q: (f64, f64)| w[0] * q.0 + w[1] * q.1 + b;
    let square = [(-r, -r), (r, -r), (r, r), (-r, r)];
    let poly = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    h.open(SVG)
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr_fmt("viewBox", format_args!("0 0 {SIZE} {SIZE}"))
        .attr("width", "100%")
        .attr("role", "img")
        .attr("aria-label", td_string!(l, bp.perceptron.aria))
        .attr("font-family", crate::lang::FONT_STACK);
    let (plus, line) = clip(&square, s);
    let (minus, _) = clip(&square, |q| -s(q));
    for (pts, fill) in [(&minus, R_MINUS), (&plus, R_PLUS)] {
        h.open(POLYGON)
            .attr("points", &poly(pts))
            .attr("fill", fill)
            .close_empty();
    }
    // Axes through the origin.
    let o = SIZE / 2.0;
    h.open(LINE)
        .attr("x1", "0")
        .attr_fixed("y1", o, 1)
        .attr_num("x2", SIZE)
        .attr_fixed("y2", o, 1)
        .attr("stroke", "#9aa1aa")
        .attr("stroke-width", "1")
        .close_empty();
    h.open(LINE)
        .attr_fixed("x1", o, 1)
        .attr("y1", "0")
        .attr_fixed("x2", o, 1)
        .attr_num("y2", SIZE)
        .attr("stroke", "#9aa1aa")
        .attr("stroke-width", "1")
        .close_empty();
    let norm = (w[0] * w[0] + w[1] * w[1]).sqrt();
    if line.len() == 2 && norm > 0.0 {
        h.open(LINE)
            .attr("class", "pc-line")
            .attr_fixed("x1", px(line[0].0), 1)
            .attr_fixed("y1", py(line[0].1), 1)
            .attr_fixed("x2", px(line[1].0), 1)
            .attr_fixed("y2", py(line[1].1), 1)
            .attr("stroke", INK)
            .attr("stroke-width", "2.5")
            .close_empty();
        // w from the point of the line nearest the origin (or the origin),
        // a fixed length: it points to the +1 side, at right angles.
        let foot = (-b * w[0] / (norm * norm), -b * w[1] / (norm * norm));
        let from = if foot.0.abs() < r * 0.8 && foot.1.abs() < r * 0.8 {
            foot
        } else {
            (0.0, 0.0)
        };
        let len = 0.3 * r;
        let to = (from.0 + len * w[0] / norm, from.1 + len * w[1] / norm);
        h.open(DEFS)
            .open(MARKER)
            .attr("id", "pc-head")
            .attr("viewBox", "0 0 10 10")
            .attr("refX", "9")
            .attr("refY", "5")
            .attr("markerWidth", "6")
            .attr("markerHeight", "6")
            .attr("orient", "auto");
        h.open(PATH)
            .attr("d", "M0,0L10,5L0,10z")
            .attr("fill", INK)
            .close_empty();
        h.close().close();
        h.open(LINE)
            .attr_fixed("x1", px(from.0), 1)
            .attr_fixed("y1", py(from.1), 1)
            .attr_fixed("x2", px(to.0), 1)
            .attr_fixed("y2", py(to.1), 1)
            .attr("stroke", INK)
            .attr("stroke-width", "2.5")
            .attr("marker-end", "url(#pc-head)")
            .close_empty();
        h.open(TEXT)
            .attr_fixed("x", px(to.0) + 6.0, 1)
            .attr_fixed("y", py(to.1) - 4.0, 1)
            .attr("font-size", "17")
            .attr("font-weight", "700")
            .attr("font-style", "italic")
            .attr("fill", INK)
            .text("w")
            .close();
    }
    let wrong = run.misclassified();
    let next = run.next_point();
    let last = p.last.as_ref().map(|s| s.index);
    for i in 0..run.len() {
        let q = run.point(i);
        let (x, y) = (px(q[0]), py(q[1]));
        let plus = run.labels()[i] > 0.0;
        let bad = wrong.binary_search(&i).is_ok();
        let (stroke, width) = if bad { (INK, 2.5) } else { ("#ffffff", 1.0) };
        let title = crate::tr!(
            l,
            bp.perceptron.point,
            i = i + 1,
            x = crate::views::formula::num(q[0]),
            y = crate::views::formula::num(q[1]),
            label = sign(run.labels()[i])
        );
        h.open(G).attr_fmt("data-point", format_args!("{}", i + 1));
        h.el(TITLE, &title);
        if plus {
            h.open(CIRCLE)
                .attr_fixed("cx", x, 1)
                .attr_fixed("cy", y, 1)
                .attr("r", "5.5")
                .attr("fill", C_PLUS);
        } else {
            h.open(RECT)
                .attr_fixed("x", x - 5.0, 1)
                .attr_fixed("y", y - 5.0, 1)
                .attr("width", "10")
                .attr("height", "10")
                .attr("fill", C_MINUS);
        }
        h.attr("stroke", stroke)
            .attr_num("stroke-width", width)
            .close_empty();
        if last == Some(i) {
            h.open(CIRCLE)
                .attr("class", "pc-last")
                .attr_fixed("cx", x, 1)
                .attr_fixed("cy", y, 1)
                .attr("r", "12")
                .attr("fill", "none")
                .attr("stroke", C_LAST)
                .attr("stroke-width", "3.5")
                .close_empty();
            h.open(TEXT)
                .attr_fixed("x", x + 13.0, 1)
                .attr_fixed("y", y - 8.0, 1)
                .attr("font-size", "15")
                .attr("font-weight", "700")
                .attr("fill", INK)
                .text_fmt(format_args!("x{}", sub(i + 1)))
                .close();
        } else if next == Some(i) {
            h.open(CIRCLE)
                .attr("class", "pc-next")
                .attr_fixed("cx", x, 1)
                .attr_fixed("cy", y, 1)
                .attr("r", "12")
                .attr("fill", "none")
                .attr("stroke", INK)
                .attr("stroke-width", "1.5")
                .attr("stroke-dasharray", "4 3")
                .close_empty();
        }
        h.close();
    }
    h.close();
}

/// A `<select>` for a row of the settings table that a view shows itself
/// (label and options in the page's language, a pick set through the row).
pub fn row_menu(key: &'static str) -> impl IntoView {
    let lab = expect_context::<crate::lab::Lab>();
    let i18n = use_i18n();
    let row = crate::state::url::FIELDS
        .iter()
        .find(|f| f.key == key)
        .expect("a row of the settings table");
    let crate::state::url::Control::Menu(options) = row.control else {
        unreachable!("a menu row")
    };
    let current = move || lab.settings.with(row.write);
    view! {
        <label>
            {move || (row.label)(i18n.get_locale())}" "
            <select
                data-testid=key
                name=key
                inner_html=move || {
                    let l = i18n.get_locale();
                    lab.settings.with(|s| crate::html::menu_options(&options(s, l), &(row.write)(s)))
                }
                prop:value=current
                on:change=move |ev| lab.set_field(key, &event_target_value(&ev))
            ></select>
        </label>
    }
}

/// The side of the plot: status, verdict, the card, the legend.
pub fn side(h: &mut Html, p: &PerceptronLab, card: bool, l: Locale) {
    let state = p.state();
    h.open(DIV).attr("class", "chapter-side");
    h.open(P).attr("class", "chapter-status");
    h.open(SPAN)
        .attr("class", "badge")
        .attr("data-state", state.name())
        .text(state.words(l))
        .close();
    h.text(" ");
    h.open(SPAN)
        .attr("data-testid", "perceptron-status")
        .text(&p.status(l))
        .close();
    h.close();
    h.open(DIV).attr("class", "chapter-verdict");
    for v in p.verdict(l) {
        h.el(P, &v);
    }
    h.close();
    if let Some(c) = p.card(l).filter(|_| card) {
        c.write(h, td_string!(l, bp.card.close));
    }
    h.open(P)
        .attr("class", "legend-line muted")
        .text(td_string!(l, bp.perceptron.legend))
        .close();
    h.close();
}

/// The view's buttons, in the state of the run.
fn buttons_html(p: Option<&PerceptronLab>, playing: bool, l: Locale) -> String {
    let state = p.map_or(PerceptronState::Training, PerceptronLab::state);
    let done = state == PerceptronState::Converged;
    let spent = p.is_some_and(|p| p.run.epochs() >= EPOCH_LIMIT);
    let play = if playing {
        td_string!(l, bp.perceptron.pause)
    } else {
        td_string!(l, bp.perceptron.play)
    };
    let mut h = Html::new();
    button(
        &mut h,
        "perceptron-step",
        "step",
        "",
        done || p.is_none(),
        td_string!(l, bp.perceptron.step_hint),
        td_string!(l, bp.perceptron.step),
    );
    button(
        &mut h,
        "perceptron-play",
        "play",
        "primary",
        !playing && (done || spent || p.is_none()),
        "",
        play,
    );
    button(
        &mut h,
        "perceptron-reset",
        "reset",
        "",
        false,
        "",
        td_string!(l, bp.perceptron.reset),
    );
    h.finish()
}

#[component]
pub fn PerceptronView() -> impl IntoView {
    let lab = expect_context::<crate::lab::Lab>();
    let i18n = use_i18n();
    let settings = Memo::new(move |_| lab.settings.with(|s| s.perceptron.clone()));
    let run = RwSignal::new(None::<PerceptronLab>);
    let error = RwSignal::new(None::<rnn_core::Error>);
    let playing = RwSignal::new(false);
    let card_open = RwSignal::new(true);
    let resets = RwSignal::new(0u32);
    // Generation of the Play loop: a frame of an older loop quietly ends.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let s = settings.get();
        resets.track();
        generation.update_value(|g| *g += 1);
        playing.set(false);
        match PerceptronLab::new(&s) {
            Ok(p) => {
                run.set(Some(p));
                error.set(None);
            }
            Err(e) => {
                run.set(None);
                error.set(Some(e));
            }
        }
    });
    // Play has its own animation-frame loop, like the deep-MLP view's: the
    // lab's loop (`lab::driver`) runs only while the recurrent run trains,
    // and its driver cuts `Experiment` steps into work units, which an
    // epoch of microseconds does not need. One epoch every few frames.
    fn frame(
        run: RwSignal<Option<PerceptronLab>>,
        playing: RwSignal<bool>,
        generation: StoredValue<u64>,
        gen: u64,
        n: u32,
    ) {
        if generation.try_get_value() != Some(gen) || !playing.get_untracked() {
            return;
        }
        let mut more = true;
        if n % FRAMES_PER_EPOCH == FRAMES_PER_EPOCH - 1 {
            run.update(|r| more = r.as_mut().is_some_and(PerceptronLab::epoch));
        }
        if more {
            request_animation_frame(move || frame(run, playing, generation, gen, n + 1));
        } else {
            playing.set(false);
        }
    }
    let root = NodeRef::<leptos::html::Section>::new();
    let click = move |ev: web_sys::MouseEvent| {
        if target_attr(&ev, "data-close").is_some() {
            card_open.set(false);
            return;
        }
        let Some(act) = target_attr(&ev, "data-act") else {
            return;
        };
        card_open.set(true);
        match act.as_str() {
            "step" => {
                playing.set(false);
                run.update(|r| {
                    if let Some(r) = r {
                        r.step();
                    }
                });
            }
            "play" if playing.get_untracked() => playing.set(false),
            "play" => {
                playing.set(true);
                generation.update_value(|g| *g += 1);
                let gen = generation.get_value();
                // The first epoch at once: the click is answered in this frame.
                let mut more = true;
                run.update(|r| more = r.as_mut().is_some_and(PerceptronLab::epoch));
                if more {
                    request_animation_frame(move || frame(run, playing, generation, gen, 0));
                } else {
                    playing.set(false);
                }
            }
            "reset" => resets.update(|n| *n += 1),
            _ => return,
        }
        refocus(root.get_untracked().map(Into::into), act);
    };
    let head = Memo::new(move |_| {
        let l = i18n.get_locale();
        let mut h = Html::new();
        h.el(H2, td_string!(l, bp.perceptron.title));
        h.open(P)
            .attr("class", "view-caption")
            .text(td_string!(l, bp.perceptron.intro))
            .close();
        h.finish()
    });
    let buttons = Memo::new(move |_| {
        let l = i18n.get_locale();
        let playing = playing.get();
        run.with(|r| buttons_html(r.as_ref(), playing, l))
    });
    let body = Memo::new(move |_| {
        let l = i18n.get_locale();
        let open = card_open.get();
        let mut s = run.with(|r| {
            r.as_ref()
                .map(|r| {
                    let mut h = Html::new();
                    h.open(DIV).attr("class", "pc-plot");
                    plot(&mut h, r, l);
                    h.close();
                    side(&mut h, r, open, l);
                    h.finish()
                })
                .unwrap_or_default()
        });
        if let Some(e) = error.get() {
            let mut h = Html::new();
            h.open(P)
                .attr("class", "stale")
                .text(&crate::text::engine_error(l, &e))
                .close();
            s += &h.finish();
        }
        s
    });
    let state = move || {
        run.with(|r| r.as_ref().map_or(PerceptronState::Training, PerceptronLab::state))
            .name()
    };
    view! {
        <section class="view view-wide chapter perceptron-view" data-testid="perceptron" data-state=state node_ref=root on:click=click>
            <div class="contents" inner_html=head></div>
            <div class="view-controls">
                {row_menu("perceptron-data")}
                {row_menu("perceptron-lr")}
                <span class="contents" inner_html=buttons></span>
            </div>
            <div class="chapter-body" inner_html=body></div>
        </section>
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::settings::PerceptronSettings;
    use rnn_core::DatasetKind;

    fn lab(kind: DatasetKind) -> PerceptronLab {
        PerceptronLab::new(&PerceptronSettings {
            data: kind,
            learning_rate: 0.1,
        })
        .unwrap()
    }

    /// Words of two or more Latin letters (symbols with `_` are symbols)
    /// not in the allowed list, as the browser's language sweep counts them.
    pub(crate) fn english(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in text.split(|c: char| !(c.is_ascii_alphabetic() || c == '_')) {
            if w.contains('_') || w.chars().filter(|c| c.is_ascii_alphabetic()).count() < 2 {
                continue;
            }
            if !crate::lang::LATIN_ALLOWED.contains(&w) {
                out.push(w.to_string());
            }
        }
        out
    }

    #[test]
    fn separable_blobs_converge_by_play_and_the_state_says_so() {
        let mut p = lab(DatasetKind::Blobs);
        assert!(p.separable);
        assert_eq!(p.state(), PerceptronState::Training);
        let mut epochs = 0;
        while p.epoch() {
            epochs += 1;
            assert!(epochs < EPOCH_LIMIT);
        }
        assert_eq!(p.state(), PerceptronState::Converged);
        assert_eq!(p.state().name(), "converged");
        assert!(p.verdict(Locale::en)[0].contains("converged"));
        // A converged perceptron takes no further step.
        let before = p.run.clone();
        p.step();
        assert_eq!(p.run, before);
        assert!(!p.epoch());
    }

    #[test]
    fn xor_is_not_converging_from_its_first_update_and_play_stops_at_the_limit() {
        let mut p = lab(DatasetKind::Xor);
        assert!(!p.separable);
        assert_eq!(p.state(), PerceptronState::Training);
        p.step();
        assert_eq!(p.state(), PerceptronState::NotConverging);
        while p.epoch() {}
        assert_eq!(p.run.epochs(), EPOCH_LIMIT);
        assert!(!p.run.converged());
        let v = p.verdict(Locale::en).join(" ");
        assert!(
            v.contains("No straight line") && v.contains("hidden layer"),
            "{v}"
        );
        let zh = p.verdict(Locale::zh).join(" ");
        assert!(zh.contains("隐藏层"), "{zh}");
    }

    #[test]
    fn the_step_card_holds_the_run_numbers() {
        let mut p = lab(DatasetKind::Blobs);
        p.step();
        p.step();
        let s = p.last.clone().unwrap();
        let card = p.card(Locale::en).unwrap();
        assert_eq!(card.number("s"), Some(s.net_input));
        assert_eq!(card.number("eta"), Some(s.learning_rate));
        assert_eq!(card.number("w1"), Some(s.w_before[0]));
        assert_eq!(card.number("x2"), Some(s.x[1]));
        assert_eq!(card.number("dw1"), Some(s.delta_w[0]));
        assert_eq!(card.number("new:w1"), Some(s.w_after[0]));
        assert_eq!(card.number("new:w2"), Some(p.run.perceptron.w[1]));
        assert_eq!(card.number("new:b"), Some(p.run.perceptron.b));
        assert_eq!(card.number("db"), Some(s.delta_b));
        let text = card.plain();
        assert!(text.contains("w ← w + η·y·x"), "{text}");
        assert!(text.contains("≠ y = "), "{text}");
        // Play replaces it with the epoch's card (on XOR, which never stops).
        let mut p = lab(DatasetKind::Xor);
        p.step();
        assert!(p.epoch());
        let card = p.card(Locale::en).unwrap();
        assert_eq!(card.number("w1"), Some(p.run.perceptron.w[0]));
        assert!(card.subject.starts_with("epoch:"));
    }

    #[test]
    fn the_plot_marks_the_last_and_the_next_point_and_the_wrong_ones() {
        let mut p = lab(DatasetKind::Xor);
        let svg = plot_svg(&p, Locale::en);
        // Zero weights: every point has s = 0, so ŷ = +1 and the −1 points are wrong.
        assert_eq!(svg.matches("data-point=").count(), POINTS);
        assert!(!svg.contains("pc-line"), "no line while w = 0");
        assert!(svg.contains("pc-next") && !svg.contains("pc-last"));
        p.step();
        let svg = plot_svg(&p, Locale::en);
        assert!(svg.contains("pc-line") && svg.contains("pc-last"));
    }

    #[test]
    fn clipping_the_square_by_a_line_gives_both_halves() {
        let sq = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)];
        let (half, cross) = clip(&sq, |(x, _)| x);
        assert_eq!(cross, vec![(0.0, -1.0), (0.0, 1.0)]);
        assert_eq!(half, vec![(0.0, -1.0), (1.0, -1.0), (1.0, 1.0), (0.0, 1.0)]);
        let (all, none) = clip(&sq, |_| 1.0);
        assert_eq!((all.len(), none.len()), (4, 0));
        assert!(clip(&sq, |_| -1.0).0.is_empty());
    }

    #[test]
    fn the_chinese_view_has_no_english() {
        for kind in [DatasetKind::Xor, DatasetKind::Blobs] {
            let mut p = lab(kind);
            let mut texts = vec![p.status(Locale::zh), plot_svg(&p, Locale::zh)];
            texts.extend(p.verdict(Locale::zh));
            p.step();
            texts.push(p.card(Locale::zh).unwrap().plain());
            while p.epoch() {}
            texts.extend(p.verdict(Locale::zh));
            texts.push(p.card(Locale::zh).unwrap().plain());
            for s in [
                PerceptronState::Training,
                PerceptronState::Converged,
                PerceptronState::NotConverging,
            ] {
                texts.push(s.words(Locale::zh).into());
            }
            for t in [
                td_string!(Locale::zh, bp.perceptron.title),
                td_string!(Locale::zh, bp.perceptron.intro),
                td_string!(Locale::zh, bp.perceptron.legend),
                td_string!(Locale::zh, bp.perceptron.step_hint),
            ] {
                texts.push(t.into());
            }
            // Tags and attributes aside: only what a reader sees.
            let plain: String = texts
                .join("\n")
                .split('<')
                .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(english(&plain), Vec::<String>::new(), "{plain}");
        }
    }
}
