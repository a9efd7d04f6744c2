//! The one way the page builds markup as a string for `inner_html`: a small
//! builder whose text and attribute values are always escaped as they are
//! pushed, and whose tags come only from the constants below. A caller
//! cannot forget to escape, because there is no method that writes raw text.
//!
//! Strings rather than Leptos nodes for the hidden data tables, legends,
//! menus and the unrolled graph's SVG: one string per redraw costs far less
//! download than a reactive node per cell.
//!
//! Why a hand-written escaper rather than a crate: `html-escape` is
//! already in the build through Leptos, and its `encode_quoted_attribute`
//! escapes the same five characters, but measured in place of [`Escaper`]
//! it made the release wasm 294 bytes larger gzipped (386071 against
//! 385777), with about 8 KiB left of the 400 KiB budget; `v_htmlescape` and
//! `askama_escape` would be new crates for the same five characters. None
//! of them builds elements, so the builder is ours either way.

use std::fmt::{self, Write};

/// An element name. Only this module makes them, so every tag in the page's
/// string markup is one of the constants below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag(&'static str);

macro_rules! tags {
    ($($name:ident = $s:literal),* $(,)?) => {
        $(pub const $name: Tag = Tag($s);)*
    };
}

tags! {
    TABLE = "table", CAPTION = "caption", THEAD = "thead", TBODY = "tbody",
    TR = "tr", TH = "th", TD = "td", P = "p", DIV = "div", SPAN = "span",
    I = "i", B = "b", UL = "ul", LI = "li", OPTION = "option", CANVAS = "canvas",
    SVG = "svg", G = "g", DEFS = "defs", MARKER = "marker", PATH = "path",
    RECT = "rect", LINE = "line", TEXT = "text",
    TITLE = "title", BUTTON = "button",
    LABEL = "label", LINEAR_GRADIENT = "linearGradient", STOP = "stop",
    SELECT = "select", OPTGROUP = "optgroup", H2 = "h2", STRONG = "strong", FIGURE = "figure", FIGCAPTION = "figcaption",
    CIRCLE = "circle", POLYGON = "polygon",
}

/// Elements with no content and no end tag.
pub const INPUT: Tag = Tag("input");

/// Writes text into a `String` with `& < > " '` replaced by their
/// references: inert both as element content and inside an attribute
/// value in either kind of quotes.
struct Escaper<'a>(&'a mut String);

impl Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// Markup under construction. Elements opened are closed in order by
/// [`Html::close`] (or all at once by [`Html::finish`]), so the markup is
/// always balanced.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
    open: Vec<&'static str>,
    /// The last `open` has not had its `>` yet (attributes may follow).
    in_start: bool,
}

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    fn end_start(&mut self) {
        if self.in_start {
            self.out.push('>');
            self.in_start = false;
        }
    }

    /// `<tag`: attributes may follow until the next text, child or close.
    pub fn open(&mut self, tag: Tag) -> &mut Html {
        self.end_start();
        self.out.push('<');
        self.out.push_str(tag.0);
        self.open.push(tag.0);
        self.in_start = true;
        self
    }

    /// `<tag` of an element with no end tag (`<input …>`).
    pub fn open_void(&mut self, tag: Tag) -> &mut Html {
        self.end_start();
        self.out.push('<');
        self.out.push_str(tag.0);
        self.in_start = true;
        self
    }

    /// ` name="value"` on the element just opened, the value escaped.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Html {
        self.attr_fmt(name, format_args!("{value}"))
    }

    /// An attribute whose value is formatted (numbers for SVG geometry).
    pub fn attr_fmt(&mut self, name: &'static str, value: fmt::Arguments) -> &mut Html {
        debug_assert!(self.in_start, "attribute {name} outside a start tag");
        debug_assert!(is_name(name), "attribute name {name:?}");
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        let _ = Escaper(&mut self.out).write_fmt(value);
        self.out.push('"');
        self
    }

    /// An attribute given as a number, exactly as `{}` prints it.
    pub fn attr_num(&mut self, name: &'static str, value: f64) -> &mut Html {
        self.attr_fmt(name, format_args!("{value}"))
    }

    /// An attribute given as a number with `decimals` places (SVG geometry:
    /// a tenth of a pixel is enough, and the markup stays short).
    pub fn attr_fixed(&mut self, name: &'static str, value: f64, decimals: usize) -> &mut Html {
        self.attr_fmt(name, format_args!("{value:.decimals$}"))
    }

    /// A boolean attribute (` selected`).
    pub fn flag(&mut self, name: &'static str) -> &mut Html {
        debug_assert!(self.in_start && is_name(name), "flag {name:?}");
        self.out.push(' ');
        self.out.push_str(name);
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Html {
        self.text_fmt(format_args!("{s}"))
    }

    /// Formatted text, escaped as it is written.
    pub fn text_fmt(&mut self, args: fmt::Arguments) -> &mut Html {
        self.end_start();
        let _ = Escaper(&mut self.out).write_fmt(args);
        self
    }

    /// A number exactly as `{}` prints it (every digit: the data tables are
    /// read back by tests and screen readers, not rounded for the eye).
    pub fn num(&mut self, v: f64) -> &mut Html {
        self.text_fmt(format_args!("{v}"))
    }

    /// A number as the page's labels show it ([`crate::views::stats::fmt`]).
    pub fn short(&mut self, v: f64) -> &mut Html {
        self.text(&crate::views::stats::fmt(v))
    }

    /// Closes the innermost open element: `</tag>` (`></tag>` if it is empty).
    pub fn close(&mut self) -> &mut Html {
        self.end_start();
        if let Some(tag) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(tag);
            self.out.push('>');
        }
        self
    }

    /// Closes the element just opened as empty, `<tag …/>` (SVG shapes).
    pub fn close_empty(&mut self) -> &mut Html {
        debug_assert!(self.in_start, "close_empty after content");
        self.in_start = false;
        self.open.pop();
        self.out.push_str("/>");
        self
    }

    /// `<tag>text</tag>`.
    pub fn el(&mut self, tag: Tag, text: &str) -> &mut Html {
        self.open(tag).text(text).close()
    }

    /// Markup another builder made, placed here.
    pub fn append(&mut self, other: Html) -> &mut Html {
        self.end_start();
        self.out.push_str(&other.finish());
        self
    }

    /// The markup, every element still open closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.end_start();
        self.out
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
}

/// A data table (the hidden tables every view reads out for screen readers
/// and tests): caption, one header row, then rows of cells.
#[derive(Debug)]
pub struct Table {
    html: Html,
    part: Part,
}

#[derive(Debug, PartialEq)]
enum Part {
    Start,
    Head,
    Body,
}

impl Table {
    /// The inside of a `<table>` that is in the page already.
    pub fn new(caption: &str) -> Table {
        Table::after(Html::new(), caption)
    }

    /// A whole `<table>` element.
    pub fn element(caption: &str) -> Table {
        let mut html = Html::new();
        html.open(TABLE);
        Table::after(html, caption)
    }

    /// The inside of a `<table>` that `html` has just opened (with its own
    /// attributes), continuing `html`.
    pub fn after(mut html: Html, caption: &str) -> Table {
        html.el(CAPTION, caption);
        Table {
            html,
            part: Part::Start,
        }
    }

    /// The header row, ready for `<th>`s.
    pub fn head(&mut self) -> &mut Html {
        debug_assert_eq!(self.part, Part::Start, "one header row");
        self.part = Part::Head;
        self.html.open(THEAD).open(TR)
    }

    /// A header row of plain `<th>`s.
    pub fn header(&mut self, cells: &[&str]) -> &mut Table {
        let h = self.head();
        for c in cells {
            h.el(TH, c);
        }
        self
    }

    /// A new body row (`<tr>`, attributes may follow), ready for cells.
    pub fn row(&mut self) -> &mut Html {
        match self.part {
            Part::Head => {
                self.html.close().close().open(TBODY);
            }
            Part::Body => {
                self.html.close();
            }
            Part::Start => {
                self.html.open(TBODY);
            }
        }
        self.part = Part::Body;
        self.html.open(TR)
    }

    pub fn finish(mut self) -> String {
        if self.part == Part::Head {
            self.html.close().close().open(TBODY);
        }
        self.html.finish()
    }
}

/// The `<option>`s of a menu, `current` marked selected. Menus are filled
/// this way rather than as one reactive node per option: the page downloads
/// much less code for the same menu.
pub fn menu_options(options: &[(String, String)], current: &str) -> String {
    let mut h = Html::new();
    for (value, label) in options {
        h.open(OPTION).attr("value", value);
        if value == current {
            h.flag("selected");
        }
        h.text(label).close();
    }
    h.finish()
}

/// A legend entry: a swatch (`<i>` of `class`, `style`) and its words.
pub fn legend_item(h: &mut Html, class: &str, style: &str, words: &str) {
    h.open(LI)
        .open(I)
        .attr("class", class)
        .attr("style", style)
        .close()
        .text(words)
        .close();
}

/// For the views' tests that their markup is unchanged: `actual` equals
/// `src/views/golden/<name>.html` (written afresh with `UPDATE_GOLDEN=1`).
/// A big number of a view: its value and what it is.
pub fn big_number(h: &mut Html, value: &str, what: &str) {
    h.open(DIV).attr("class", "big-number");
    h.open(SPAN).attr("class", "value").text(value).close();
    h.open(SPAN).attr("class", "what").text(what).close();
    h.close();
}

#[cfg(test)]
pub(crate) fn golden(name: &str, actual: &str) {
    let path = format!("{}/src/views/golden/{name}.html", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(want == actual, "{name} changed:\n want {want}\n got  {actual}");
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<img src=x onerror=alert(1)> \"double\" 'single' & &amp;";

    /// What a browser would see as markup: no `<` or quote of either kind
    /// survives from the text.
    fn inert(markup: &str, around: &[&str]) {
        let mut rest = markup.to_string();
        for a in around {
            rest = rest.replacen(a, "", 1);
        }
        for bad in ["<img", "<", ">", "\"", "'"] {
            assert!(!rest.contains(bad), "{bad:?} left in {markup:?} (rest {rest:?})");
        }
        assert!(markup.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(markup.contains("&quot;double&quot; &#39;single&#39; &amp; &amp;amp;"));
    }

    #[test]
    fn every_entry_point_escapes_hostile_text() {
        let mut h = Html::new();
        h.el(TD, HOSTILE);
        inert(&h.finish(), &["<td>", "</td>"]);

        let mut h = Html::new();
        h.open(SPAN).text(HOSTILE).close();
        inert(&h.finish(), &["<span>", "</span>"]);

        let mut h = Html::new();
        h.open(SPAN).text_fmt(format_args!("{HOSTILE}")).close();
        inert(&h.finish(), &["<span>", "</span>"]);

        let mut h = Html::new();
        h.open(SPAN).attr("title", HOSTILE).close();
        inert(&h.finish(), &["<span title=\"", "\">", "</span>"]);

        let mut h = Html::new();
        h.open(RECT)
            .attr_fmt("aria-label", format_args!("{HOSTILE}"))
            .close_empty();
        inert(&h.finish(), &["<rect aria-label=\"", "\"/>"]);

        let menu = menu_options(&[(HOSTILE.to_string(), HOSTILE.to_string())], "");
        inert(&menu, &["<option value=\"", "\">", "</option>"]);

        let mut h = Html::new();
        legend_item(&mut h, HOSTILE, HOSTILE, HOSTILE);
        let legend = h.finish();
        assert_eq!(legend.matches("&lt;img").count(), 3);
        assert!(!legend.contains("<img") && !legend.contains("'"));
        assert_eq!(
            legend.matches('"').count(),
            4,
            "only the builder's own quotes: {legend}"
        );

        let mut t = Table::new(HOSTILE);
        t.header(&[HOSTILE]);
        t.row().attr("data-x", HOSTILE).el(TD, HOSTILE);
        let table = t.finish();
        assert_eq!(table.matches("&lt;img").count(), 4);
        assert!(!table.contains("<img") && !table.contains('\''));
        assert_eq!(
            table.matches('"').count(),
            2,
            "only the builder's own quotes: {table}"
        );
    }

    #[test]
    fn table_structure_and_numbers() {
        let mut t = Table::new("cap");
        t.header(&["a", "b"]);
        t.row().attr_num("data-t", 1.0).el(TD, "x").num(0.1 + 0.2);
        t.row().open(TD).attr("data-kind", "after").num(2.5e-40).close();
        assert_eq!(
            t.finish(),
            "<caption>cap</caption><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\
             <tr data-t=\"1\"><td>x</td>0.30000000000000004</tr>\
             <tr><td data-kind=\"after\">0.000…</td></tr></tbody>"
                .replace("0.000…", &format!("{}", 2.5e-40))
        );
        let mut t = Table::element("c");
        t.head()
            .el(TH, "t")
            .open(TH)
            .attr("data-param", "W")
            .text("W")
            .close();
        assert_eq!(
            t.finish(),
            "<table><caption>c</caption><thead><tr><th>t</th><th data-param=\"W\">W</th></tr></thead><tbody></tbody></table>"
        );
        let mut h = Html::new();
        h.open(I).attr("class", "a").close().short(1234.5678).open(B);
        assert_eq!(h.finish(), "<i class=\"a\"></i>1235<b></b>");
        assert_eq!(
            menu_options(&[("1".into(), "one".into()), ("2".into(), "<two>".into())], "2"),
            "<option value=\"1\">one</option><option value=\"2\" selected>&lt;two&gt;</option>"
        );
    }
}
