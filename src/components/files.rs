//! The files toolbar under the loss chart: each chart as a PNG, the
//! unrolled graph as SVG, the loss and gradient histories as CSV, the whole
//! run as JSON, and loading a run back (a file picker, or a file dropped on
//! the page). What the files hold and how they are read is plain logic in
//! `state::files`; this module is the buttons and the browser calls
//! (Blob downloads, the file's bytes, the SVG's styles).
//!
//! A chart view has a small PNG button of its own, plain markup in the
//! view (`<button class="png-button" data-png="<canvas or view testid>"
//! data-what="<file name>">`), answered by one listener here.
//!
//! Every download is named `rnn-lab-<what>-<step>.<ext>` with the steps
//! done. A run is saved between two steps: if a big model's step is half
//! done, Save finishes it first (as Step would) and saves then.

use crate::html::{Html, BUTTON, INPUT, LABEL, SPAN};
use crate::i18n::*;
use crate::lab::Lab;
use crate::lang::Locale;
use crate::state::files::{self, FilesNotice, RunRefusal, MAX_FILE_BYTES};
use crate::state::url::{Notice, NoticeKind};
use crate::views::grad_history::GradRows;
use leptos::prelude::*;
use rnn_core::LoadError;
use wasm_bindgen::{JsCast, JsValue};

fn say(lab: Lab, n: FilesNotice) {
    lab.notices.set(vec![Notice::new("", NoticeKind::Files(n))]);
}

/// Steps done by the run (for the files' names).
fn steps(lab: Lab) -> u64 {
    lab.with_experiment(|e| e.steps_done()).unwrap_or(0)
}

/// Saves the run as JSON, now that no step is under way.
fn save_run(lab: Lab) {
    let Some(result) = lab.with_experiment(|e| e.save()) else {
        return;
    };
    match result {
        Ok(saved) => {
            let step = saved.steps_done;
            let points = lab.history.with_untracked(|h| h.points());
            let json = lab
                .settings
                .with_untracked(|s| files::run_json(&saved, s, &points));
            if let Some(json) = json {
                browser::download_text(&files::file_name("run", step, "json"), "application/json", &json);
            }
        }
        Err(e) => say(lab, FilesNotice::NotSaved(e)),
    }
}

/// Reads a picked or dropped file and loads it, or says why not: the run
/// on screen is touched only by a file that passed every check.
pub fn load_file(lab: Lab, file: web_sys::File) {
    let size = file.size();
    if size > MAX_FILE_BYTES as f64 {
        say(
            lab,
            FilesNotice::Refused(RunRefusal::TooBig {
                bytes: size as u64,
                max: MAX_FILE_BYTES,
            }),
        );
        return;
    }
    // The file's bytes, when the browser has read them (no executor:
    // one callback on the promise).
    use wasm_bindgen::closure::Closure;
    let read = Closure::once(move |buffer: JsValue| {
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        let current = lab.settings.get_untracked();
        match files::read_run(&bytes, &current) {
            Ok(run) => lab.load_run(run.settings, run.experiment, run.history),
            Err(r) => say(lab, FilesNotice::Refused(r)),
        }
    });
    let failed = Closure::once(move |_: JsValue| {
        let unreadable = LoadError::damaged("the browser could not read the file");
        say(lab, FilesNotice::Refused(RunRefusal::Load(unreadable)));
    });
    let _ = file.array_buffer().then2(&read, &failed);
    // Owned by the promise from here on (the one not called stays, a few bytes).
    read.forget();
    failed.forget();
}

/// Saves the run once no step is under way: a big model's half-done step
/// is finished first (as Step finishes it, pausing a running loop), and
/// the save waits for it frame by frame.
fn save_when_ready(lab: Lab, asked: bool) {
    let in_progress = lab.with_experiment(|e| e.step_in_progress()).unwrap_or(false);
    if !in_progress && !lab.stepping.get_untracked() {
        save_run(lab);
        return;
    }
    // A new net's probe is not a step: it finishes by itself, and Step is
    // asked for after it (a run that plays goes on after its probe).
    let probing = lab.probing.get_untracked();
    if !asked && !probing {
        lab.step();
    }
    request_animation_frame(move || save_when_ready(lab, asked || !probing));
}

/// A PNG of the canvas `of` (a canvas's `data-testid`, or a view's, whose
/// first canvas is taken) named `what`.
fn png_of(lab: Lab, of: &str, what: &str) {
    if let Some(canvas) = browser::canvas(of) {
        browser::download_png(&canvas, files::file_name(what, steps(lab), "png"));
    }
}

/// The toolbar's buttons: (`data-testid`, label, hint).
fn buttons(l: Locale) -> [(&'static str, &'static str, &'static str); 5] {
    [
        (
            "export-png",
            td_string!(l, files.bar.png),
            td_string!(l, files.bar.png_hint),
        ),
        (
            "export-svg",
            td_string!(l, files.bar.svg),
            td_string!(l, files.bar.svg_hint),
        ),
        (
            "export-csv",
            td_string!(l, files.bar.csv),
            td_string!(l, files.bar.csv_hint),
        ),
        (
            "export-csv-grads",
            td_string!(l, files.bar.csv_grads),
            td_string!(l, files.bar.csv_grads_hint),
        ),
        (
            "export-json",
            td_string!(l, files.bar.json),
            td_string!(l, files.bar.json_hint),
        ),
    ]
}

/// The toolbar as HTML (one string, rebuilt when the language changes:
/// much less code to download than a reactive node per button). Clicks and
/// the file picker's pick reach the bar's own handlers.
pub fn bar_html(l: Locale) -> String {
    let mut h = Html::new();
    h.open(SPAN)
        .attr("class", "files-label")
        .attr("id", "files-label");
    h.text(td_string!(l, files.bar.save)).close();
    for (id, label, hint) in buttons(l) {
        h.open(BUTTON)
            .attr("type", "button")
            .attr("data-testid", id)
            .attr("title", hint);
        h.text(label).close();
    }
    h.open(LABEL)
        .attr("class", "files-load")
        .attr("title", td_string!(l, files.bar.load_hint));
    h.open_void(INPUT)
        .attr("type", "file")
        .attr("class", "visually-hidden");
    h.attr("accept", ".json,application/json")
        .attr("data-testid", "load-run");
    h.text(td_string!(l, files.bar.load));
    h.finish()
}

/// The `data-testid` of the button an event happened in.
fn button_of(ev: &web_sys::Event) -> Option<String> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.closest("button[data-testid]")
        .ok()??
        .get_attribute("data-testid")
}

/// The toolbar (see the module doc), with the drop zone shown while a file
/// is dragged over the page.
#[component]
pub fn FilesBar() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let grads = use_context::<GradRows>();
    let clicked = move |ev: web_sys::MouseEvent| {
        let name = |what: &str, ext: &str| files::file_name(what, steps(lab), ext);
        match button_of(&ev).as_deref() {
            Some("export-png") => png_of(lab, "loss-chart", "loss"),
            Some("export-svg") => {
                if let Some(svg) = browser::standalone_svg("[data-testid=unrolled-graph] .ug-svg svg") {
                    browser::download_text(&name("graph", "svg"), "image/svg+xml", &svg);
                }
            }
            Some("export-csv") => {
                let csv = lab.history.with_untracked(|h| files::loss_csv(&h.points()));
                browser::download_text(&name("loss", "csv"), "text/csv", &csv);
            }
            Some("export-csv-grads") => {
                let csv = grads.map_or_else(
                    || files::grad_csv(&crate::views::gradients::GradHistory::new(1)),
                    |g| g.rows.with_value(files::grad_csv),
                );
                browser::download_text(&name("gradients", "csv"), "text/csv", &csv);
            }
            Some("export-json") => save_when_ready(lab, false),
            _ => {}
        }
    };
    let picked = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            load_file(lab, file);
        }
        // The same file picked again is a new pick.
        input.set_value("");
    };

    // A chart view's PNG button (`<button class="png-button" data-png=…
    // data-what=…>` in the view): one listener for them all.
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-png]").ok().flatten());
        if let Some(b) = button {
            if let (Some(of), Some(what)) = (b.get_attribute("data-png"), b.get_attribute("data-what")) {
                png_of(lab, &of, &what);
            }
        }
    });

    // Drag and drop anywhere on the page.
    let dragging = RwSignal::new(false);
    let _ = window_event_listener(leptos::ev::dragover, move |ev| {
        let files = ev.data_transfer().is_some_and(|d| {
            d.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        });
        if files {
            ev.prevent_default();
            if !dragging.get_untracked() {
                dragging.set(true);
            }
        }
    });
    let _ = window_event_listener(leptos::ev::dragleave, move |ev| {
        // Only when the file leaves the window (not one element for another).
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    let _ = window_event_listener(leptos::ev::drop, move |ev| {
        dragging.set(false);
        let file = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            // Not the browser's own handling (it would open the file).
            ev.prevent_default();
            load_file(lab, file);
        }
    });

    view! {
        <div
            class="files-bar"
            role="group"
            aria-labelledby="files-label"
            inner_html=move || bar_html(i18n.get_locale())
            on:click=clicked
            on:change=picked
        ></div>
        <div class="drop-zone" data-testid="drop-zone" hidden=move || !dragging.get()>
            <p>{t!(i18n, files.bar.drop)}</p>
        </div>
    }
}

/// The browser calls: downloads, canvases as PNG, the graph as a standalone
/// SVG.
mod browser {
    use super::*;
    use web_sys::{Blob, BlobPropertyBag, Element, HtmlCanvasElement};

    fn document() -> Option<web_sys::Document> {
        web_sys::window()?.document()
    }

    /// Offers `blob` as a download named `name` (a Blob URL on an `<a download>`).
    fn download_blob(name: &str, blob: &Blob) {
        let Some(doc) = document() else { return };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
            return;
        };
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&url);
                a.set_download(name);
                if let Some(body) = doc.body() {
                    let _ = body.append_child(&a);
                    a.click();
                    let _ = body.remove_child(&a);
                }
            }
        }
        // Revoked once the download has surely begun.
        set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(60),
        );
    }

    /// Offers `text` as a file of type `mime`.
    pub fn download_text(name: &str, mime: &str, text: &str) {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        let options = BlobPropertyBag::new();
        options.set_type(&format!("{mime};charset=utf-8"));
        if let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) {
            download_blob(name, &blob);
        }
    }

    /// The canvas with `data-testid` `of`, or the first canvas inside it.
    pub fn canvas(of: &str) -> Option<HtmlCanvasElement> {
        let el = document()?
            .query_selector(&format!("[data-testid=\"{of}\"]"))
            .ok()??;
        let el = match el.dyn_ref::<HtmlCanvasElement>() {
            Some(_) => el,
            None => el.query_selector("canvas").ok()??,
        };
        el.dyn_into().ok()
    }

    /// The canvas as a PNG of its on-screen size × devicePixelRatio: as it
    /// is when drawn at that resolution (the charts), else scaled up with
    /// hard pixel edges (a heatmap drawn at one pixel per cell).
    pub fn download_png(canvas: &HtmlCanvasElement, name: String) {
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .clamp(1.0, 4.0);
        let (w, h) = (
            (canvas.client_width() as f64 * dpr).round() as u32,
            (canvas.client_height() as f64 * dpr).round() as u32,
        );
        let source = if canvas.width() >= w || w == 0 || h == 0 {
            canvas.clone()
        } else {
            match scaled(canvas, w, h) {
                Some(c) => c,
                None => canvas.clone(),
            }
        };
        let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: JsValue| {
            if let Ok(blob) = blob.dyn_into::<Blob>() {
                download_blob(&name, &blob);
            }
        });
        let _ = source.to_blob_with_type(done.unchecked_ref(), "image/png");
    }

    /// A `w` × `h` copy of a heatmap canvas, each cell a block of pixels.
    fn scaled(canvas: &HtmlCanvasElement, w: u32, h: u32) -> Option<HtmlCanvasElement> {
        let out: HtmlCanvasElement = document()?.create_element("canvas").ok()?.dyn_into().ok()?;
        out.set_width(w);
        out.set_height(h);
        let ctx: web_sys::CanvasRenderingContext2d = out.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.set_image_smoothing_enabled(false);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(canvas, 0.0, 0.0, w as f64, h as f64)
            .ok()?;
        Some(out)
    }

    /// What each element of the graph looks like, copied from the page's
    /// styles into its own `style` attribute so the file looks the same
    /// without the page's style sheet.
    const PROPERTIES: &[&str] = &[
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-linecap",
        "stroke-linejoin",
        "opacity",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "visibility",
    ];

    fn inline_style(window: &web_sys::Window, from: &Element, to: &Element) {
        let Ok(Some(style)) = window.get_computed_style(from) else {
            return;
        };
        let mut css = String::new();
        for p in PROPERTIES {
            if let Ok(v) = style.get_property_value(p) {
                if !v.is_empty() {
                    css.push_str(p);
                    css.push(':');
                    css.push_str(&v);
                    css.push(';');
                }
            }
        }
        if style.get_property_value("display").ok().as_deref() == Some("none") {
            css.push_str("display:none;");
        }
        let _ = to.set_attribute("style", &css);
    }

    /// The `<svg>` matching `selector` as a file of its own: a copy with
    /// every element's computed style inlined, the page's font stack, and
    /// the size of its `viewBox`.
    pub fn standalone_svg(selector: &str) -> Option<String> {
        let window = web_sys::window()?;
        let svg = document()?.query_selector(selector).ok()??;
        let copy: Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
        inline_style(&window, &svg, &copy);
        let (from, to) = (
            svg.query_selector_all("*").ok()?,
            copy.query_selector_all("*").ok()?,
        );
        for i in 0..from.length().min(to.length()) {
            let (Some(a), Some(b)) = (from.get(i), to.get(i)) else {
                continue;
            };
            if let (Ok(a), Ok(b)) = (a.dyn_into::<Element>(), b.dyn_into::<Element>()) {
                inline_style(&window, &a, &b);
            }
        }
        let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
        let _ = copy.set_attribute("font-family", crate::lang::FONT_STACK);
        if let Some(view_box) = svg.get_attribute("viewBox") {
            let size: Vec<&str> = view_box.split_whitespace().collect();
            if let [_, _, w, h] = size[..] {
                let _ = copy.set_attribute("width", w);
                let _ = copy.set_attribute("height", h);
            }
        }
        let style = copy.get_attribute("style").unwrap_or_default();
        let _ = copy.set_attribute("style", &format!("{style}background-color:#fff;"));
        let text = web_sys::XmlSerializer::new()
            .ok()?
            .serialize_to_string(&copy)
            .ok()?;
        Some(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::english_words;

    #[test]
    fn the_toolbar_in_both_languages() {
        let en = bar_html(Locale::en);
        for id in [
            "export-png",
            "export-svg",
            "export-csv",
            "export-csv-grads",
            "export-json",
            "load-run",
        ] {
            assert!(en.contains(&format!("data-testid=\"{id}\"")), "{id}");
        }
        assert!(en.contains("Whole run · JSON"));
        let zh = bar_html(Locale::zh);
        assert!(zh.contains("整个训练 · JSON") && zh.contains("载入训练"), "{zh}");
        assert!(english_words(&zh).is_empty(), "{:?}", english_words(&zh));
    }

    #[test]
    fn markup_is_unchanged() {
        crate::html::golden("files-bar-en", &bar_html(Locale::en));
        crate::html::golden("files-bar-zh", &bar_html(Locale::zh));
    }
}
