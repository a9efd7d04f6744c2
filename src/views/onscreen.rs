//! Drawing only what can be seen. The views sit below the loss chart in a
//! scrolling stage: a chart nobody can see must not spend the frame budget
//! the training loop needs. [`Redraw`] remembers that a view's data changed
//! and lets the draw happen once its element is on screen (at once if it
//! is, or when it is scrolled into sight), and again after a window resize.
//!
//! Whether an element is on screen comes from an `IntersectionObserver`,
//! not from reading its position while drawing: `getBoundingClientRect`
//! after another view changed the page forces the browser to lay the page
//! out again, once per view, and at the end of a big model's step that
//! cost about 20 ms of the frame (measured in a CPU profile).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Whether a rectangle (top, bottom in CSS px) overlaps a viewport of
/// `height`, give or take `margin` (so a view just off screen is ready when
/// it scrolls in).
pub fn overlaps(top: f64, bottom: f64, height: f64, margin: f64) -> bool {
    bottom > -margin && top < height + margin && bottom > top
}

/// Whether `el` is (nearly) on screen, read from its layout: only until the
/// observer has reported.
fn on_screen(el: &web_sys::Element) -> bool {
    let Some(w) = web_sys::window() else { return true };
    let height = w
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::INFINITY);
    let r = el.get_bounding_client_rect();
    overlaps(r.top(), r.bottom(), height, 150.0)
}

/// Keeps `visible` up to date with whether `el` is (nearly) on screen.
fn observe(el: &web_sys::Element, visible: RwSignal<Option<bool>>) {
    let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The last entry is the newest state.
        let latest = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok());
        if let Some(entry) = latest {
            let now = Some(entry.is_intersecting());
            if visible.try_get_untracked() != Some(now) {
                visible.try_set(now);
            }
        }
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin("150px");
    if let Ok(observer) =
        web_sys::IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &options)
    {
        observer.observe(el);
    }
    // The views live as long as the page: the observer does too.
    on_change.forget();
}

/// Redraw bookkeeping of one view: call [`Redraw::changed`] when its data
/// changes, and [`Redraw::due`] at the top of its drawing effect.
#[derive(Clone, Copy)]
pub struct Redraw {
    version: RwSignal<u64>,
    drawn: StoredValue<u64>,
    /// Whether the element is on screen, once the observer has said.
    visible: RwSignal<Option<bool>>,
    observed: StoredValue<bool>,
}

impl Redraw {
    pub fn new() -> Redraw {
        let version = RwSignal::new(1u64);
        let _ = window_event_listener(leptos::ev::resize, move |_| version.update(|v| *v += 1));
        Redraw {
            version,
            drawn: StoredValue::new(0),
            visible: RwSignal::new(None),
            observed: StoredValue::new(false),
        }
    }

    /// The data changed: draw again (now if on screen, else when it is).
    pub fn changed(self) {
        self.version.update(|v| *v += 1);
    }

    /// Inside an effect: tracks changes and visibility; true when `el`
    /// should be drawn now (something changed since the last draw and it is
    /// on screen). The caller draws when it says so.
    pub fn due(self, el: &web_sys::Element) -> bool {
        self.due_or(el, false)
    }

    /// Like [`Redraw::due`], but also off screen when `anyway` (a one-off
    /// cost, e.g. while the lab is paused, so the data table is current).
    pub fn due_or(self, el: &web_sys::Element, anyway: bool) -> bool {
        let v = self.version.get();
        if !self.observed.get_value() {
            self.observed.set_value(true);
            observe(el, self.visible);
        }
        let visible = self.visible.get();
        if self.drawn.get_value() == v || !(anyway || visible.unwrap_or_else(|| on_screen(el))) {
            return false;
        }
        self.drawn.set_value(v);
        true
    }
}

impl Default for Redraw {
    fn default() -> Self {
        Redraw::new()
    }
}

/// Whether a hidden data table should be rebuilt now: whenever training is
/// stopped (Pause, Step, a blow-up, a reset), and while it runs only if it
/// was never built. Why not every few seconds while running: building and
/// parsing the parameter and activation tables took 70-150 ms together,
/// measured as a dropped-frame hitch every time (every 2 s at a 2 s
/// period). Each table names the training steps it covers, so a table read
/// mid-run says how old it is.
pub fn table_due(built: bool, running: bool) -> bool {
    !running || !built
}

/// The redraw effect of a canvas view: draws `data` with `draw` whenever
/// `redraw` says it is due (the data changed and the canvas is on screen),
/// and logs a drawing error under `what` instead of breaking the page.
pub fn draw_canvas_when_due<D: Send + Sync + 'static>(
    canvas: NodeRef<leptos::html::Canvas>,
    redraw: Redraw,
    data: RwSignal<Option<D>>,
    draw: fn(&web_sys::HtmlCanvasElement, &D) -> Result<(), String>,
    what: &'static str,
) {
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !redraw.due(&el) {
            return;
        }
        data.with_untracked(|d| {
            if let Some(d) = d {
                if let Err(e) = draw(&el, d) {
                    leptos::logging::warn!("{what}: {e}");
                }
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_with_margin() {
        assert!(overlaps(100.0, 400.0, 720.0, 0.0));
        assert!(!overlaps(800.0, 1100.0, 720.0, 0.0));
        assert!(overlaps(800.0, 1100.0, 720.0, 150.0));
        assert!(!overlaps(-500.0, -200.0, 720.0, 150.0));
        // A collapsed (hidden) element is never on screen.
        assert!(!overlaps(10.0, 10.0, 720.0, 150.0));
    }

    #[test]
    fn tables_wait_while_running_only() {
        assert!(table_due(true, false));
        assert!(table_due(false, false));
        assert!(!table_due(true, true));
        assert!(table_due(false, true));
    }
}
