//! Formula cards (`formula-card`): the equation a number came from, with
//! this run's numbers plugged in term by term — z = w₁·x₁ + w₂·x₂ + b =
//! 0.31·1 + (−0.52)·0 + 0.1 = 0.41 — as the explainers of other models show
//! a unit's softmax when it is clicked.
//!
//! A card is plain data, [`Formula`]: a title, lines of [`Piece`]s and
//! notes. The numbers are the engine's (a view builds the card from a
//! trace, a step report or the BP net's parts and never computes one of
//! them); the card shows each rounded and keeps the whole value in a
//! `data-value` attribute, named by `data-name`, so a test can read the card
//! and the data table and compare. [`FormulaCard`] is the one component
//! that shows a card: any view places it and hands it a signal of the card
//! to show (`None`: closed).

use crate::html::{Html, BUTTON, DIV, P, SPAN};
use crate::i18n::*;
use leptos::prelude::*;

/// One piece of a line.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Words or symbols, as they are.
    Text(String),
    /// A number from the engine: shown rounded, in parentheses when
    /// negative and `paren` (a factor of a product), whole in `data-value`.
    Num { name: String, value: f64, paren: bool },
    /// A vector from the engine: its first `shown` entries, then "…".
    Vector {
        name: String,
        values: Vec<f64>,
        shown: usize,
    },
}

/// One line of a card: an equation, or a sentence with numbers in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line(pub Vec<Piece>);

impl Line {
    pub fn new() -> Line {
        Line::default()
    }

    /// Text, as it is.
    pub fn t(mut self, s: impl Into<String>) -> Line {
        self.0.push(Piece::Text(s.into()));
        self
    }

    /// A number standing alone (a sum, a result).
    pub fn n(mut self, name: impl Into<String>, value: f64) -> Line {
        self.0.push(Piece::Num {
            name: name.into(),
            value,
            paren: false,
        });
        self
    }

    /// A number as a factor: (−0.52) when negative.
    pub fn f(mut self, name: impl Into<String>, value: f64) -> Line {
        self.0.push(Piece::Num {
            name: name.into(),
            value,
            paren: true,
        });
        self
    }

    /// A vector, its first `shown` entries written out.
    pub fn v(mut self, name: impl Into<String>, values: &[f64], shown: usize) -> Line {
        self.0.push(Piece::Vector {
            name: name.into(),
            values: values.to_vec(),
            shown,
        });
        self
    }

    /// Every number of the line by name, for tests.
    pub fn numbers(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().filter_map(|p| match p {
            Piece::Num { name, value, .. } => Some((name.as_str(), *value)),
            _ => None,
        })
    }
}

/// A card: what is shown when a unit, a weight, a gate, a δ or a clip mark
/// is clicked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Formula {
    /// What the card is about, for tests (`data-subject`).
    pub subject: String,
    pub title: String,
    pub lines: Vec<Line>,
    /// Sentences under the equations (what a number means, what is missing).
    pub notes: Vec<String>,
}

impl Formula {
    pub fn new(subject: impl Into<String>, title: impl Into<String>) -> Formula {
        Formula {
            subject: subject.into(),
            title: title.into(),
            ..Formula::default()
        }
    }

    pub fn line(mut self, line: Line) -> Formula {
        self.lines.push(line);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Formula {
        self.notes.push(note.into());
        self
    }

    /// The value of the number called `name` (the first one), for tests.
    pub fn number(&self, name: &str) -> Option<f64> {
        self.lines
            .iter()
            .flat_map(Line::numbers)
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The vector called `name`, for tests.
    pub fn vector(&self, name: &str) -> Option<&[f64]> {
        self.lines.iter().flat_map(|l| &l.0).find_map(|p| match p {
            Piece::Vector { name: n, values, .. } if n == name => Some(values.as_slice()),
            _ => None,
        })
    }

    /// Every text of the card, for the language tests.
    pub fn plain(&self) -> String {
        let mut s = self.title.clone();
        for l in &self.lines {
            s.push('\n');
            for p in &l.0 {
                match p {
                    Piece::Text(t) => s.push_str(t),
                    Piece::Num { value, paren, .. } => s.push_str(&shown(*value, *paren)),
                    Piece::Vector { values, shown: k, .. } => s.push_str(&vector_text(values, *k)),
                }
            }
        }
        for n in &self.notes {
            s.push('\n');
            s.push_str(n);
        }
        s
    }

    /// The whole card as HTML (set whole: it changes whole). `close` is
    /// the close button's words.
    pub fn html(&self, close: &str) -> String {
        let mut h = Html::new();
        self.write(&mut h, close);
        h.finish()
    }

    /// The card, written into markup under construction.
    pub fn write(&self, h: &mut Html, close: &str) {
        h.open(DIV)
            .attr("class", "formula-card")
            .attr("data-testid", "formula-card")
            .attr("data-subject", &self.subject)
            .attr("role", "group")
            .attr("aria-label", &self.title);
        h.open(DIV).attr("class", "fc-head");
        h.open(SPAN).attr("class", "fc-title").text(&self.title).close();
        h.open(BUTTON)
            .attr("class", "fc-close icon")
            .attr("data-close", "1")
            .attr("title", close)
            .attr("aria-label", close)
            .text("×")
            .close();
        h.close();
        for line in &self.lines {
            h.open(P).attr("class", "fc-line");
            for p in &line.0 {
                match p {
                    Piece::Text(t) => {
                        h.text(t);
                    }
                    Piece::Num { name, value, paren } => {
                        h.open(SPAN)
                            .attr("class", "fc-num")
                            .attr("data-name", name)
                            .attr_num("data-value", *value)
                            .text(&shown(*value, *paren))
                            .close();
                    }
                    Piece::Vector {
                        name,
                        values,
                        shown: k,
                    } => {
                        let all: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                        h.open(SPAN)
                            .attr("class", "fc-vec")
                            .attr("data-name", name)
                            .attr("data-values", &all.join(","))
                            .text(&vector_text(values, *k))
                            .close();
                    }
                }
            }
            h.close();
        }
        for n in &self.notes {
            h.open(P).attr("class", "fc-note").text(n).close();
        }
        h.close();
    }
}

/// The `data-act` (or, with `attr`, that attribute) of the element an
/// event happened in or inside: how the views built from HTML strings
/// learn which of their buttons or parts was clicked.
pub fn target_attr(ev: &web_sys::Event, attr: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(&format!("[{attr}]")).ok().flatten())
        .and_then(|el| el.get_attribute(attr))
}

/// A button of a view built from an HTML string: `act` names it for the
/// view's click handler, `id` is its test id.
pub fn button(h: &mut Html, id: &str, act: &str, class: &str, disabled: bool, hint: &str, words: &str) {
    h.open(BUTTON)
        .attr("data-testid", id)
        .attr("data-act", act)
        .attr("class", class)
        .attr("title", hint);
    if disabled {
        h.flag("disabled");
    }
    h.text(words).close();
}

/// After a click on a button whose HTML is rebuilt by it: the focus goes
/// back to the button called `act` (or stays where it is), once the new
/// HTML is in the page, so a keyboard user keeps their place.
pub fn refocus(root: Option<web_sys::Element>, act: String) {
    use wasm_bindgen::JsCast;
    let Some(root) = root else { return };
    request_animation_frame(move || {
        let focused = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|el| root.contains(Some(&el)));
        if focused {
            return;
        }
        let found = root
            .query_selector(&format!("[data-act=\"{act}\"]:not([disabled])"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = found {
            let _ = el.focus();
        }
    });
}

/// A number as a card shows it: 4 significant digits, scientific outside
/// [0.001, 10⁵), a true minus sign.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return crate::views::stats::fmt(v);
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if (1e-3..1e5).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{a:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let e = format!("{a:.3e}");
        let (m, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        format!("{m}e{}", exp.replace('-', "−"))
    };
    if v < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

/// A number as a factor: negative ones in parentheses.
fn shown(v: f64, paren: bool) -> String {
    if paren && v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

/// `[0.12, −0.4, …]`: the first `k` entries.
pub fn vector_text(v: &[f64], k: usize) -> String {
    let mut parts: Vec<String> = v.iter().take(k.max(1)).map(|x| num(*x)).collect();
    if v.len() > k.max(1) {
        parts.push("…".into());
    }
    format!("[{}]", parts.join(", "))
}

/// Subscript digits: `sub(12)` is "₁₂".
pub fn sub(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// The card, or nothing when `formula` is `None`. Closed with its ×
/// button or Escape (`on_close`).
#[component]
pub fn FormulaCard(
    /// The card to show.
    #[prop(into)]
    formula: Signal<Option<Formula>>,
    /// Called when the reader closes the card.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let html = move || {
        let close = t_string!(i18n, bp.card.close);
        formula.with(|f| f.as_ref().map(|f| f.html(close)).unwrap_or_default())
    };
    view! {
        <div
            class="contents"
            on:click=move |ev| {
                if target_attr(&ev, "data-close").is_some() {
                    on_close.run(());
                }
            }
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }
            inner_html=html
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_blackboard() {
        assert_eq!(num(0.31), "0.31");
        assert_eq!(num(-0.52), "−0.52");
        assert_eq!(num(0.41234567), "0.4123");
        assert_eq!(num(12.3456), "12.35");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(2.5e-6), "2.5e−6");
        assert_eq!(num(-1e-7), "−1e−7");
        assert_eq!(num(123456.0), "1.235e5");
        assert_eq!(shown(-0.52, true), "(−0.52)");
        assert_eq!(vector_text(&[0.1, -0.2, 0.3], 2), "[0.1, −0.2, …]");
        assert_eq!(sub(12), "₁₂");
    }

    #[test]
    fn a_card_carries_every_number_whole() {
        let f = Formula::new("h1", "z")
            .line(
                Line::new()
                    .t("z = ")
                    .f("w", 0.31)
                    .t("·")
                    .f("x", -0.5200000001)
                    .t(" = ")
                    .n("z", 0.41),
            )
            .note("a <note>");
        let html = f.html("close");
        assert!(
            html.contains(r#"data-name="x" data-value="-0.5200000001">(−0.52)</span>"#),
            "{html}"
        );
        assert!(html.contains("a &lt;note&gt;"));
        assert_eq!(f.number("z"), Some(0.41));
        assert_eq!(f.plain(), "z\nz = 0.31·(−0.52) = 0.41\na <note>");
    }
}
