//! The lesson panel at the top of the stage: the chapter list, previous and
//! next, the page's text, its question (choices, then the answer read from
//! this run), its challenge, the presentation switch and, when presenting,
//! the QR code of this experiment. The pages are data (`crate::lessons`);
//! this component opens one through the settings table (`lesson=<id>`),
//! marks the page's view in the DOM (`data-lesson="mark"`; the others are
//! dimmed by CSS while a page is open) and scrolls it into view — the views
//! know nothing of lessons.
//!
//! Keys: PageDown / PageUp turn the page anywhere (except inside a form
//! control); → and ← only while the focus is in this panel, because the
//! unrolled graph's step-through owns the arrows everywhere else
//! (`views::step_through`). The last page opened is kept in localStorage
//! and offered on return.

use crate::components::qr;
use crate::html::{
    Html, BUTTON, DIV, FIGCAPTION, FIGURE, H2, LABEL, OPTGROUP, OPTION, P, SELECT, SPAN, STRONG,
};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::{fill, Locale};
use crate::lessons::{
    format_value, js_number, read, ChallengeState, Page, Question, RunData, CHAPTERS, PAGES, PENDING_VIEWS,
};
use crate::state::settings::Settings;
use crate::state::url::FIELDS;
use crate::views::throttle::throttled_tick;
use leptos::prelude::*;
use rnn_core::TaskKind;

/// localStorage key of the last page opened.
const PROGRESS_KEY: &str = "rnn-lab.lesson";

/// The revealed answer: numbers from the run, worded when shown (so a
/// language switch rewords them without reading the run again).
#[derive(Clone, PartialEq)]
struct Answer {
    value: f64,
    other: Option<f64>,
    step: u64,
    len: usize,
    /// The choice the number makes right.
    right: Option<usize>,
    holds: bool,
    /// The fill-in-the-blank example with the net's words, in each language
    /// (`None` when this run's example is in the other one).
    example_zh: Option<String>,
    example_en: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Reveal {
    Hidden,
    /// Training until the answer can be read; `started` if the panel
    /// pressed Play (it pauses again once the answer is in).
    Waiting {
        started: bool,
    },
    /// Ready, but the run had no number for it.
    Missing,
    Shown(Answer),
}

/// What the run looks like now, for the readers.
fn gather(lab: Lab, analysis: bool) -> RunData {
    let snap = lab.snapshot.get_untracked();
    let (score, param_names, vocabulary) = lab
        .with_experiment(|e| (e.score(), e.param_names(), e.task().vocabulary().to_vec()))
        .unwrap_or_default();
    RunData {
        settings: lab.settings.get_untracked(),
        step: snap.as_ref().map_or(0, |s| s.step),
        trace: snap.as_ref().and_then(|s| s.trace.clone()),
        clip: snap.as_ref().map(|s| s.clip.clone()),
        analysis: if analysis { lab.analysis() } else { None },
        history: lab.history.get_untracked(),
        task: lab.task_info.get_untracked(),
        score,
        divergence: lab.divergence.get_untracked(),
        param_names,
        vocabulary,
    }
}

fn answer_of(q: &Question, run: &RunData) -> Option<Answer> {
    let value = (q.read)(run)?;
    let blank = run.task.as_ref().is_some_and(|t| t.kind == TaskKind::FillBlank);
    Some(Answer {
        value,
        other: q.other.and_then(|o| o(run)),
        step: run.step,
        len: run.trace.as_ref().map_or(run.settings.seq_len, |t| t.seq_len),
        right: q.right_choice(value),
        holds: q.claim.holds(value),
        example_zh: blank.then(|| read::blank_example(run, true)).flatten(),
        example_en: blank.then(|| read::blank_example(run, false)).flatten(),
    })
}

fn answer_text(q: &Question, a: &Answer, l: Locale) -> String {
    let value = format_value(a.value, q.format);
    let other = a.other.map_or("—".to_string(), |o| format_value(o, q.format));
    fill(
        (q.answer)(l),
        &[
            ("value", &value),
            ("other", &other),
            ("step", &a.step),
            ("len", &a.len),
        ],
    )
}

/// A question about what the view shows before any step keeps the view
/// covered (with this note) until its answer is revealed.
fn covered(page: Option<&Page>, ui: &Ui, l: Locale) -> Option<&'static str> {
    let before_any_step = page
        .and_then(|p| p.question.as_ref())
        .is_some_and(|q| q.after == 0);
    (before_any_step && !matches!(ui.reveal, Reveal::Shown(_))).then(|| td_string!(l, lessons.ui.covered))
}

/// Paragraphs separated by a blank line, as HTML.
fn paragraphs(h: &mut Html, text: &str) {
    for p in text.split("\n\n") {
        h.el(P, p.trim());
    }
}

/// The chapter list: one group per chapter, its pages as options.
fn menu_html(h: &mut Html, l: Locale, current: Option<&str>) {
    h.open(OPTION).attr("value", "");
    if current.is_none() {
        h.flag("selected");
    }
    h.text(td_string!(l, lessons.ui.free)).close();
    for c in CHAPTERS {
        h.open(OPTGROUP).attr_fmt(
            "label",
            format_args!(
                "{} · {}",
                crate::tr!(l, lessons.ui.chapter, n = c.number),
                (c.title)(l)
            ),
        );
        for p in PAGES.iter().filter(|p| p.chapter == c.number) {
            h.open(OPTION).attr("value", p.id);
            if current == Some(p.id) {
                h.flag("selected");
            }
            h.text_fmt(format_args!("{} {}", p.id, (p.title)(l))).close();
        }
        h.close();
    }
}

/// The keys' labels, in the page's language.
fn key_labels(keys: &[&str], l: Locale) -> String {
    keys.iter()
        .map(|k| {
            FIELDS
                .iter()
                .find(|f| f.key == *k)
                .map_or(k.to_string(), |f| match l {
                    Locale::zh => format!("「{}」", (f.label)(l)),
                    Locale::en => format!("“{}”", (f.label)(l)),
                })
        })
        .collect::<Vec<_>>()
        .join(if l == Locale::zh { "、" } else { ", " })
}

mod browser {
    use wasm_bindgen::JsCast;

    pub fn document() -> Option<web_sys::Document> {
        web_sys::window()?.document()
    }

    pub fn stored_page() -> Option<String> {
        web_sys::window()?
            .local_storage()
            .ok()??
            .get_item(super::PROGRESS_KEY)
            .ok()?
    }

    pub fn store_page(id: &str) {
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(super::PROGRESS_KEY, id);
        }
    }

    /// This page's address without its hash.
    pub fn page_address() -> String {
        web_sys::window()
            .and_then(|w| {
                let l = w.location();
                Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
            })
            .unwrap_or_default()
    }

    /// Marks the view with `data-testid = testid` (its `.view` or chart
    /// figure), clears the old mark, and scrolls it under the lesson panel.
    /// Whether it was found.
    pub fn mark(testid: Option<&str>, scroll: bool) -> bool {
        let Some(doc) = document() else { return false };
        while let Ok(Some(old)) = doc.query_selector("[data-lesson=mark]") {
            let _ = old.remove_attribute("data-lesson");
            let _ = old.remove_attribute("data-covered");
        }
        let Some(id) = testid else { return false };
        let Ok(Some(el)) = doc.query_selector(&format!("[data-testid=\"{id}\"]")) else {
            return false;
        };
        let target = el.closest(".view, .loss-chart").ok().flatten().unwrap_or(el);
        let _ = target.set_attribute("data-lesson", "mark");
        // Scrolled under the panel where the panel stays in sight (sticky);
        // on a phone the text comes first and the view below it.
        let panel = doc.query_selector(".lesson").ok().flatten();
        let sticky = panel.as_ref().is_some_and(|p| {
            web_sys::window()
                .and_then(|w| w.get_computed_style(p).ok().flatten())
                .and_then(|s| s.get_property_value("position").ok())
                .is_some_and(|v| v == "sticky")
        });
        if let (true, Some(panel), Ok(Some(app))) = (scroll && sticky, panel, doc.query_selector(".app")) {
            // The panel's height, so the view lands just under it.
            let h = panel.get_bounding_client_rect().height();
            if let Some(app) = app.dyn_ref::<web_sys::HtmlElement>() {
                let _ = app.style().set_property("--lesson-h", &format!("{h:.0}px"));
            }
            target.scroll_into_view();
        }
        true
    }

    /// Sets the panel's HTML, keeping the focus on the button that had it.
    pub fn redraw(el: &web_sys::HtmlElement, html: &str, page: &str) {
        let focused = document()
            .and_then(|d| d.active_element())
            .filter(|a| el.contains(Some(a)))
            .and_then(|a| {
                let action = a.get_attribute("data-action")?;
                Some(match a.get_attribute("data-i") {
                    Some(i) => format!("[data-action=\"{action}\"][data-i=\"{i}\"]"),
                    None => format!("[data-action=\"{action}\"]"),
                })
            });
        el.set_inner_html(html);
        let _ = el.set_attribute("data-page", page);
        if let Some(sel) = focused {
            if let Some(b) = el
                .query_selector(&sel)
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = b.focus();
            }
        }
    }

    /// The `data-action` (and `data-i`) of the button a click landed on.
    pub fn action(ev: &web_sys::MouseEvent) -> Option<(String, Option<usize>)> {
        let el = ev
            .target()?
            .dyn_into::<web_sys::Element>()
            .ok()?
            .closest("[data-action]")
            .ok()??;
        let i = el.get_attribute("data-i").and_then(|i| i.parse().ok());
        Some((el.get_attribute("data-action")?, i))
    }

    /// After the panel grew (an answer shown), the marked view goes back
    /// under it, uncovered.
    pub fn settle(testid: Option<&'static str>) {
        leptos::prelude::request_animation_frame(move || {
            mark(testid, true);
        });
    }

    /// Covers the marked view with `note` (or uncovers it).
    pub fn cover(note: Option<&str>) {
        let Some(doc) = document() else { return };
        if let Ok(Some(el)) = doc.query_selector("[data-lesson=mark]") {
            let _ = match note {
                Some(n) => el.set_attribute("data-covered", n),
                None => el.remove_attribute("data-covered"),
            };
        }
    }

    /// Whether the focus is inside `el`.
    pub fn focus_in(el: Option<&web_sys::Element>) -> bool {
        let active = document().and_then(|d| d.active_element());
        el.zip(active).is_some_and(|(el, a)| el.contains(Some(&a)))
    }

    /// Whether a key press belongs to a form control.
    pub fn in_form_control(ev: &web_sys::KeyboardEvent) -> bool {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                matches!(
                    el.tag_name().to_ascii_lowercase().as_str(),
                    "input" | "select" | "textarea"
                )
            })
    }
}

/// Opens `page` (or leaves the lesson with `None`): its settings over the
/// defaults, the language, presentation mode and hidden controls kept; a
/// fresh network at step 0.
fn open(lab: Lab, page: Option<&'static Page>) {
    let now = lab.settings.get_untracked();
    match page {
        Some(p) => {
            let base = Settings {
                lang: now.lang,
                lesson: now.lesson.clone(),
                ..Settings::default()
            };
            lab.open(p.settings_over(&base));
            browser::store_page(p.id);
        }
        None => lab.set_field("lesson", ""),
    }
}

/// The panel's own state (not settings: a reload asks the question again).
#[derive(Clone, PartialEq)]
struct Ui {
    /// The choice the class picked.
    picked: Option<usize>,
    reveal: Reveal,
    hint: bool,
    solution: bool,
    /// Whether the page's view is on this page (chapter 1's may not be yet).
    view_found: bool,
    /// The page a returning visitor was last on.
    resume: Option<&'static Page>,
}

/// Everything the panel shows, as HTML: the panel is one string set as the
/// section's content when it changes, its buttons answered by one click
/// handler on the section (`data-action`), which keeps the download small.
struct Render<'a> {
    l: Locale,
    page: Option<&'static Page>,
    ui: &'a Ui,
    present: bool,
    challenge: Option<ChallengeState>,
    /// The QR code of this experiment's link, when presenting.
    qr: Option<&'a qr::Code>,
}

fn button(h: &mut Html, action: &str, testid: &str, class: &str, label: &str, title: &str, disabled: bool) {
    h.open(BUTTON)
        .attr("data-action", action)
        .attr("data-testid", testid)
        .attr("class", class)
        .attr("title", title);
    if disabled {
        h.flag("disabled");
    }
    h.text(label).close();
}

impl Render<'_> {
    fn html(&self) -> String {
        let l = self.l;
        let page = self.page;
        let ui = self.ui;
        let mut h = Html::new();
        h.open(DIV).attr("class", "lesson-bar");
        h.open(LABEL)
            .attr("class", "lesson-menu")
            .attr("title", td_string!(l, lessons.ui.menu_hint));
        h.open(SPAN)
            .attr("class", "visually-hidden")
            .text(td_string!(l, lessons.ui.menu_label))
            .close();
        h.open(SELECT)
            .attr("data-testid", "lesson-menu")
            .attr("name", "lesson");
        menu_html(&mut h, l, page.map(|p| p.id));
        h.close().close();
        button(
            &mut h,
            "prev",
            "lesson-prev",
            "",
            td_string!(l, lessons.ui.prev),
            td_string!(l, lessons.ui.prev_hint),
            page.and_then(Page::previous).is_none(),
        );
        let (next_label, next_class) = match page {
            None => (td_string!(l, lessons.ui.start), "primary"),
            Some(_) => (td_string!(l, lessons.ui.next), ""),
        };
        button(
            &mut h,
            "next",
            "lesson-next",
            next_class,
            next_label,
            td_string!(l, lessons.ui.next_hint),
            page.is_some_and(|p| p.next().is_none()),
        );
        h.open(BUTTON)
            .attr("data-action", "present")
            .attr("data-testid", "present")
            .attr("class", "present-toggle")
            .attr("aria-pressed", if self.present { "true" } else { "false" })
            .attr("title", td_string!(l, lessons.ui.present_hint))
            .text(if self.present {
                td_string!(l, lessons.ui.present_off)
            } else {
                td_string!(l, lessons.ui.present_on)
            })
            .close();
        h.open(SPAN)
            .attr("class", "muted keys")
            .text(td_string!(l, lessons.ui.keys))
            .close();
        h.close();

        h.open(DIV).attr("class", "lesson-main");
        h.open(DIV).attr("class", "lesson-words");
        if let Some(p) = page {
            if let Some(c) = CHAPTERS.iter().find(|c| c.number == p.chapter) {
                h.open(P)
                    .attr("class", "lesson-chapter muted")
                    .text_fmt(format_args!(
                        "{} · {}",
                        crate::tr!(l, lessons.ui.chapter, n = c.number),
                        (c.title)(l)
                    ))
                    .close();
            }
            h.open(H2)
                .attr("class", "lesson-title")
                .text_fmt(format_args!("{} {}", p.id, (p.title)(l)))
                .close();
        }
        let body = page.map_or(td_string!(l, lessons.ui.intro), |p| (p.body)(l));
        h.open(DIV)
            .attr("class", "lesson-text")
            .attr("data-testid", "lesson-text");
        paragraphs(&mut h, body);
        h.close();
        if page.is_some_and(|p| PENDING_VIEWS.contains(&p.view)) && !ui.view_found {
            h.open(P)
                .attr("class", "muted")
                .text(td_string!(l, lessons.ui.pending_view))
                .close();
        }
        if let (None, Some(r)) = (page, ui.resume) {
            h.open(P)
                .attr("class", "lesson-resume")
                .text(&crate::tr!(l, lessons.ui.resume, id = r.id, title = (r.title)(l)))
                .text(" ");
            button(
                &mut h,
                "resume",
                "lesson-resume",
                "primary",
                td_string!(l, lessons.ui.resume_yes),
                "",
                false,
            );
            h.close();
        }
        if let Some(q) = page.and_then(|p| p.question.as_ref()) {
            self.question(&mut h, q);
        }
        if let Some(c) = page.and_then(|p| p.challenge.as_ref()) {
            self.challenge(&mut h, c);
        }
        h.close();
        if self.present {
            h.open(FIGURE).attr("class", "lesson-qr");
            if let Some(code) = self.qr {
                code.svg(&mut h, td_string!(l, lessons.ui.qr_aria));
            }
            h.el(FIGCAPTION, td_string!(l, lessons.ui.qr_caption)).close();
        }
        h.finish()
    }

    fn question(&self, h: &mut Html, q: &Question) {
        let l = self.l;
        let ui = self.ui;
        let shown = match &ui.reveal {
            Reveal::Shown(a) => Some(a),
            _ => None,
        };
        h.open(DIV)
            .attr("class", "lesson-question")
            .attr("data-testid", "lesson-question");
        h.open(P)
            .attr("class", "prompt")
            .el(STRONG, td_string!(l, lessons.ui.question))
            .text((q.prompt)(l))
            .close();
        h.open(DIV).attr("class", "choices");
        for (i, c) in q.choices.iter().enumerate() {
            let pick = ui.picked == Some(i);
            let state = match (shown.and_then(|a| a.right), pick) {
                (Some(r), _) if r == i => "right",
                (Some(_), true) => "wrong",
                (None, true) => "picked",
                _ => "",
            };
            h.open(BUTTON)
                .attr("class", "choice")
                .attr("data-action", "pick")
                .attr_fmt("data-i", format_args!("{i}"))
                .attr("data-state", state)
                .attr("aria-pressed", if pick { "true" } else { "false" })
                .text((c.label)(l))
                .close();
        }
        button(
            h,
            "reveal",
            "lesson-reveal",
            "primary reveal",
            td_string!(l, lessons.ui.reveal),
            td_string!(l, lessons.ui.reveal_hint),
            matches!(ui.reveal, Reveal::Waiting { .. }),
        );
        h.close();
        let muted = |h: &mut Html, t: &str, testid: &str| {
            h.open(P)
                .attr("class", "muted")
                .attr("data-testid", testid)
                .text(t)
                .close();
        };
        match &ui.reveal {
            Reveal::Hidden => muted(h, td_string!(l, lessons.ui.pick_first), "lesson-pick"),
            Reveal::Waiting { .. } => muted(
                h,
                &crate::tr!(l, lessons.ui.waiting, n = q.after),
                "lesson-waiting",
            ),
            Reveal::Missing => muted(h, td_string!(l, lessons.ui.not_yet), "lesson-missing"),
            Reveal::Shown(a) => {
                let verdict = match (ui.picked, a.right) {
                    (Some(p), Some(r)) if p == r => td_string!(l, lessons.ui.your_pick_right),
                    (Some(_), _) => td_string!(l, lessons.ui.your_pick_wrong),
                    _ => "",
                };
                h.open(P)
                    .attr("class", "answer")
                    .attr("data-testid", "lesson-answer")
                    .attr("data-value", &js_number(a.value))
                    .attr("data-claim", &q.claim.code())
                    .attr("data-holds", if a.holds { "true" } else { "false" })
                    .attr_fmt("data-step", format_args!("{}", a.step))
                    .el(STRONG, td_string!(l, lessons.ui.answer))
                    .text(&answer_text(q, a, l))
                    .text(" ")
                    .open(SPAN)
                    .attr("class", "verdict")
                    .text(verdict)
                    .close()
                    .close();
                let example = if l == Locale::zh {
                    &a.example_zh
                } else {
                    &a.example_en
                };
                if let Some(sentence) = example {
                    h.open(P)
                        .attr("class", "example")
                        .text(&crate::tr!(l, lessons.ui.model_says, sentence))
                        .close();
                }
            }
        }
        h.close();
    }

    fn challenge(&self, h: &mut Html, c: &crate::lessons::Challenge) {
        let l = self.l;
        let ui = self.ui;
        let state = self.challenge.clone().unwrap_or(ChallengeState::Open);
        let passed = state == ChallengeState::Passed;
        let keys = key_labels(c.may_change, l);
        h.open(DIV).attr("class", "challenge");
        h.open(P)
            .el(STRONG, td_string!(l, lessons.ui.challenge))
            .text((c.goal)(l))
            .text(" ")
            .open(SPAN)
            .attr("class", "muted")
            .text(&crate::tr!(l, lessons.ui.may_change, keys = keys.as_str()))
            .close()
            .text(" ")
            .open(SPAN)
            .attr("class", "challenge-status")
            .attr("data-testid", "challenge-status")
            .attr("data-state", if passed { "passed" } else { "open" })
            .text(if passed {
                td_string!(l, lessons.ui.passed)
            } else {
                td_string!(l, lessons.ui.open)
            })
            .close()
            .close();
        if let ChallengeState::OffLimits(_) = state {
            h.open(P)
                .attr("class", "off-limits")
                .attr("data-testid", "challenge-off-limits")
                .text(&crate::tr!(l, lessons.ui.off_limits, keys = keys.as_str()))
                .close();
        }
        h.open(DIV).attr("class", "challenge-help");
        button(
            h,
            "hint",
            "challenge-hint",
            "quiet",
            td_string!(l, lessons.ui.hint),
            "",
            false,
        );
        button(
            h,
            "solution",
            "challenge-answer",
            "quiet",
            td_string!(l, lessons.ui.show_answer),
            "",
            false,
        );
        h.close();
        if ui.hint {
            h.open(P).attr("class", "hint").text((c.hint)(l)).close();
        }
        if ui.solution {
            h.open(P).attr("class", "solution").text((c.answer)(l)).close();
        }
        h.close();
    }
}

#[component]
pub fn LessonPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let page = Memo::new(move |_| lab.settings.with(|s| s.lesson.page).and_then(Page::find));
    let present = move || lab.settings.with(|s| s.lesson.present);
    let ui = RwSignal::new(Ui {
        picked: None,
        reveal: Reveal::Hidden,
        hint: false,
        solution: false,
        view_found: true,
        resume: browser::stored_page().and_then(|id| Page::find(&id)),
    });
    let root = NodeRef::<leptos::html::Section>::new();

    // A new page, or a new network (reset, another setting): the question
    // is asked again; a new page folds the hint and the answer away.
    Effect::new(move |prev: Option<Option<&'static str>>| {
        let id = page.get().map(|p| p.id);
        lab.epoch.track();
        let new_page = prev.is_some_and(|p| p != id);
        ui.update(|u| {
            u.picked = None;
            u.reveal = Reveal::Hidden;
            if new_page {
                u.hint = false;
                u.solution = false;
            }
        });
        id
    });
    // Mark the page's view once the page has laid out (and again when
    // presentation mode changes the layout); keep the page for next time.
    Effect::new(move |prev: Option<(Option<&'static str>, bool)>| {
        let testid = page.get().map(|p| p.view);
        let now = (page.get().map(|p| p.id), present());
        if prev == Some(now) {
            return now;
        }
        request_animation_frame(move || {
            let found = browser::mark(testid, true);
            ui.update(|u| u.view_found = found || testid.is_none());
            browser::cover(covered(
                page.get_untracked(),
                &ui.get_untracked(),
                i18n.get_locale_untracked(),
            ));
        });
        if let Some(id) = now.0 {
            browser::store_page(id);
        }
        now
    });

    // Waiting for the answer: read it once the run is far enough.
    Effect::new(move |_| {
        lab.snapshot.track();
        lab.divergence.track();
        let run_state = lab.run.get();
        let Reveal::Waiting { started } = ui.with_untracked(|u| u.reveal.clone()) else {
            return;
        };
        let Some(q) = page.get_untracked().and_then(|p| p.question.as_ref()) else {
            return;
        };
        let run = gather(lab, false);
        let reveal = if q.ready(&run) {
            let run = if q.uses_analysis { gather(lab, true) } else { run };
            if started && run_state == RunState::Running {
                lab.pause();
            }
            answer_of(q, &run).map_or(Reveal::Missing, Reveal::Shown)
        } else if run_state != RunState::Running && !lab.stepping.get_untracked() {
            // Paused by hand before the answer was in.
            Reveal::Missing
        } else {
            return;
        };
        let shown = matches!(reveal, Reveal::Shown(_));
        ui.update(|u| u.reveal = reveal);
        if shown {
            browser::settle(page.get_untracked().map(|p| p.view));
        }
    });
    let reveal = move || {
        let Some(q) = page.get_untracked().and_then(|p| p.question.as_ref()) else {
            return;
        };
        let run = gather(lab, q.uses_analysis);
        let reveal = if q.ready(&run) {
            answer_of(q, &run).map_or(Reveal::Missing, Reveal::Shown)
        } else {
            Reveal::Waiting {
                started: lab.run.get_untracked() != RunState::Running,
            }
        };
        let waiting = matches!(reveal, Reveal::Waiting { .. });
        let shown = matches!(reveal, Reveal::Shown(_));
        ui.update(|u| u.reveal = reveal);
        if shown {
            browser::settle(page.get_untracked().map(|p| p.view));
        }
        if waiting {
            lab.play();
        }
    };

    // The challenge, judged a few times a second while the run changes;
    // once passed, it stays passed for this network and these settings.
    let tick = throttled_tick(
        move || {
            lab.snapshot.track();
            lab.settings.track();
            lab.divergence.track();
        },
        250.0,
    );
    let latched = StoredValue::new(None::<(u64, Settings)>);
    let challenge = move || {
        let p = page.get_untracked()?;
        let c = p.challenge.as_ref()?;
        let epoch = lab.epoch.get_untracked();
        let settings = lab.settings.get_untracked();
        if latched.with_value(|l| l.as_ref() == Some(&(epoch, settings.clone()))) {
            return Some(ChallengeState::Passed);
        }
        let state = c.state(p, &gather(lab, c.pass.uses_analysis()));
        if state == ChallengeState::Passed {
            latched.set_value(Some((epoch, settings)));
        }
        Some(state)
    };
    // The QR code of the short link, drawn again only when the link changes.
    let qr_cache = StoredValue::new((String::new(), None::<qr::Code>));
    let qr = move || {
        let link = format!(
            "{}#{}",
            browser::page_address(),
            lab.settings.with_untracked(crate::state::url::write_short)
        );
        if qr_cache.with_value(|(old, _)| *old != link) {
            let code = qr::Code::new(&link);
            qr_cache.set_value((link, code));
        }
        qr_cache.with_value(|(_, code)| code.clone())
    };

    // The panel's HTML, set when it changes; the focused button keeps the
    // focus across a redraw.
    Effect::new(move |prev: Option<String>| {
        tick.track();
        lab.settings.track();
        let l = i18n.get_locale();
        let present = present();
        let code = if present { qr() } else { None };
        let html = ui.with(|u| {
            Render {
                l,
                page: page.get(),
                ui: u,
                present,
                challenge: challenge(),
                qr: code.as_ref(),
            }
            .html()
        });
        if prev.as_ref() != Some(&html) {
            if let Some(el) = root.get() {
                browser::redraw(&el, &html, page.get_untracked().map_or("", |p| p.id));
            }
            let note = covered(page.get_untracked(), &ui.get_untracked(), l);
            request_animation_frame(move || browser::cover(note));
        }
        html
    });

    let turn = move |forward: bool| {
        let next = match page.get_untracked() {
            Some(p) if forward => p.next(),
            Some(p) => p.previous(),
            None if forward => ui.with_untracked(|u| u.resume).or(PAGES.first()),
            None => None,
        };
        if next.is_some() {
            open(lab, next);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, i)) = browser::action(&ev) else {
            return;
        };
        match action.as_str() {
            "prev" => turn(false),
            "next" => turn(true),
            "present" => lab.set_field(
                "present",
                if lab.settings.with_untracked(|s| s.lesson.present) {
                    "0"
                } else {
                    "1"
                },
            ),
            "reveal" => reveal(),
            "pick" => ui.update(|u| u.picked = i),
            "hint" => ui.update(|u| u.hint = !u.hint),
            "solution" => ui.update(|u| u.solution = !u.solution),
            "resume" => {
                let p = ui.with_untracked(|u| u.resume);
                ui.update(|u| u.resume = None);
                open(lab, p);
            }
            _ => {}
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        open(lab, Page::find(&id));
    };
    // Keys: PageDown/PageUp anywhere but in a form control; → ← only while
    // the focus is in this panel. This listener was added before the
    // unrolled graph's, so it runs first, and the step-through sees the
    // arrow taken (`default_prevented`).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key()
            || ev.alt_key()
            || ev.meta_key()
            || ev.default_prevented()
            || browser::in_form_control(&ev)
        {
            return;
        }
        let in_panel = || browser::focus_in(root.get_untracked().as_deref());
        match ev.key().as_str() {
            "PageDown" => turn(true),
            "PageUp" => turn(false),
            "ArrowRight" if in_panel() => turn(true),
            "ArrowLeft" if in_panel() => turn(false),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());

    view! {
        <section
            class="lesson"
            data-testid="lesson-panel"
            node_ref=root
            on:click=on_click
            on:change=on_change
        ></section>
    }
}

/// The button that opens and folds away the settings (shown by CSS only
/// where they are folded: presentation mode and a phone).
#[component]
pub fn SettingsToggle(open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="drawer-toggle"
            data-testid="controls-toggle"
            aria-expanded=move || open.get().to_string()
            title=move || t_string!(i18n, lessons.ui.settings_hint)
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {move || if open.get() { t_string!(i18n, lessons.ui.settings_close) } else { t_string!(i18n, lessons.ui.settings_open) }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_lists_every_page_under_its_chapter() {
        for l in crate::lang::ALL {
            let mut h = Html::new();
            menu_html(&mut h, l, Some("4.1"));
            let html = h.finish();
            assert_eq!(html.matches("<optgroup").count(), CHAPTERS.len());
            assert_eq!(html.matches("<option").count(), PAGES.len() + 1);
            assert!(html.contains("value=\"4.1\" selected"));
        }
    }

    #[test]
    fn an_answer_is_worded_from_the_run_in_either_language() {
        let q = Page::find("4.1").unwrap().question.as_ref().unwrap();
        let a = Answer {
            value: 3.1e-12,
            other: Some(30.0),
            step: 0,
            len: 30,
            right: Some(2),
            holds: true,
            example_zh: None,
            example_en: None,
        };
        assert!(answer_text(q, &a, Locale::en).contains("3.1×10⁻¹²"));
        let zh = answer_text(q, &a, Locale::zh);
        assert!(zh.contains("3.1×10⁻¹²") && zh.contains("T = 30"), "{zh}");
        assert!(!zh.contains('{'), "{zh}");
    }

    #[test]
    fn keys_are_named_by_their_labels() {
        assert_eq!(key_labels(&["clip-mode"], Locale::zh), "「梯度剪裁」");
    }
}
