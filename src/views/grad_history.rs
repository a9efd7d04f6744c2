//! View 3b: a heatmap of ‖∂L/∂h_t‖ over training (rows: sampled training
//! steps, oldest at the top; columns: time steps t), log colour on viridis,
//! so a class sees whether the vanishing persists or recovers. Accumulated
//! from the live snapshots, cleared on every reset (`lab.epoch`), thinned
//! evenly once full so it always reaches back to the start of the run.
//! Drawn as ImageData at one pixel per cell and scaled up by CSS (so the
//! canvas draws no words: its axes and legend are HTML, in `grads.history`).

use super::canvas::put_rgba;
use super::colour::{decade_label, viridis, LogScale, UNDERFLOW};
use super::gradients::{grad_points, history_rgba, history_scale, history_table, GradHistory};
use super::onscreen::Redraw;
use super::throttle::throttled_trace;
use crate::html::{Html, DIV, SPAN};
use crate::i18n::*;
use crate::lab::Lab;
use crate::lang::Locale;
use leptos::prelude::*;

/// Rows kept before the history is thinned to every other one.
const CAP: usize = 240;

/// The y axis beside the heatmap: the first and last sampled steps.
fn y_axis_html(l: Locale, first: Option<u64>, last: Option<u64>) -> String {
    let mut h = Html::new();
    let label = |h: &mut Html, s: Option<u64>| {
        h.open(SPAN);
        if let Some(step) = s {
            h.text(&crate::tr!(l, grads.history.step, step));
        }
        h.close();
    };
    label(&mut h, first);
    h.open(SPAN)
        .attr("class", "gh-ylabel")
        .text(td_string!(l, grads.history.y))
        .close();
    label(&mut h, last);
    h.finish()
}

/// The x axis under the heatmap, for sequences of `width` steps.
fn x_axis_html(l: Locale, width: usize) -> String {
    let mut h = Html::new();
    h.el(SPAN, "t = 1").el(SPAN, td_string!(l, grads.history.x));
    h.open(SPAN).text_fmt(format_args!("t = {width}")).close();
    h.finish()
}

/// The swatches for what the colour bar cannot show.
fn under(h: &mut Html, l: Locale) {
    let (r, g, b) = UNDERFLOW;
    h.open(SPAN).attr("class", "gh-swatch");
    h.attr_fmt("style", format_args!("background: rgb({r},{g},{b})"))
        .close();
    h.text_fmt(format_args!(" {} ", td_string!(l, grads.history.below_floor)));
    h.open(SPAN).attr("class", "gh-swatch gh-zero").close();
    h.text_fmt(format_args!(" {}", td_string!(l, grads.history.zero)));
}

#[cfg(test)]
fn under_html(l: Locale) -> String {
    let mut h = Html::new();
    under(&mut h, l);
    h.finish()
}

/// The heatmap's rows, shared with the page's CSV export
/// (`components::files`): provided by the page around both, else the
/// view keeps its own.
#[derive(Clone, Copy)]
pub struct GradRows {
    pub rows: StoredValue<GradHistory>,
    /// Bumped whenever the rows change.
    pub version: RwSignal<u64>,
}

impl GradRows {
    pub fn new() -> GradRows {
        GradRows {
            rows: StoredValue::new(GradHistory::new(CAP)),
            version: RwSignal::new(0),
        }
    }

    /// Provides a fresh store as context.
    pub fn provide() -> GradRows {
        let rows = GradRows::new();
        provide_context(rows);
        rows
    }
}

impl Default for GradRows {
    fn default() -> Self {
        GradRows::new()
    }
}

#[component]
pub fn GradHistoryView() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let latest = throttled_trace(lab, 250.0);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let shared = use_context::<GradRows>().unwrap_or_default();
    let history = shared.rows;
    // Bumped whenever the rows change; everything below reads through it.
    let version = shared.version;
    let seen_epoch = StoredValue::new(u64::MAX);

    Effect::new(move |_| {
        let epoch = lab.epoch.get();
        if seen_epoch.get_value() != epoch {
            seen_epoch.set_value(epoch);
            history.update_value(GradHistory::clear);
            version.update(|v| *v += 1);
        }
        latest.with(|t| {
            let Some(t) = t.as_ref() else { return };
            let Some(fwd) = t.directions.first() else { return };
            let changed = history
                .try_update_value(|h| h.offer(t.step, grad_points(fwd)))
                .unwrap_or(false);
            if changed {
                version.update(|v| *v += 1);
            }
        });
    });

    let scale = Memo::new(move |_| {
        version.track();
        history.with_value(history_scale)
    });
    // Drawn only on screen: see `onscreen::Redraw`. The rows above keep
    // accumulating either way.
    let redraw = Redraw::new();
    Effect::new(move |_| {
        version.track();
        redraw.changed();
    });
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !redraw.due(&el) {
            return;
        }
        let Some(scale) = scale.get_untracked() else {
            return;
        };
        let (w, h, px) = history.with_value(|hist| history_rgba(hist, &scale));
        if w > 0 && h > 0 {
            if let Err(e) = put_rgba(&el, w, h, &px) {
                leptos::logging::warn!("gradient history: {e}");
            }
        }
    });

    let first_step = move || {
        version.track();
        history.with_value(|h| h.rows().first().map(|r| r.step))
    };
    let last_step = move || {
        version.track();
        history.with_value(|h| h.rows().last().map(|r| r.step))
    };
    let rows = move || {
        version.track();
        history.with_value(|h| h.rows().len())
    };
    let width = move || {
        version.track();
        history.with_value(|h| h.width())
    };
    let table = move || {
        version.track();
        let l = i18n.get_locale();
        history.with_value(|h| history_table(l, h))
    };
    let legend = move || {
        scale
            .get()
            .map(|s: LogScale| {
                let stops: Vec<String> = (0..=10)
                    .map(|i| {
                        let c = viridis(i as f64 / 10.0);
                        format!("rgb({},{},{}) {}%", c.0, c.1, c.2, i * 10)
                    })
                    .collect();
                let mut h = Html::new();
                h.open(DIV).attr("class", "gh-legend");
                h.open(DIV).attr("class", "gh-bar");
                h.attr_fmt(
                    "style",
                    format_args!("background: linear-gradient(to right, {})", stops.join(", ")),
                );
                h.close();
                h.open(DIV).attr("class", "gh-ticks");
                // At most ~6 labels, evenly spaced decades.
                let n = (s.hi - s.lo) as usize;
                let every = n.div_ceil(5).max(1);
                for (i, d) in s.decades().into_iter().enumerate() {
                    if i == n || (i % every == 0 && n - i >= every) {
                        let left = 100.0 * i as f64 / n.max(1) as f64;
                        h.open(SPAN).attr_fmt("style", format_args!("left: {left:.1}%"));
                        h.text(&decade_label(d)).close();
                    }
                }
                h.close();
                // One string, not a tree of reactive nodes: it is rebuilt whole.
                h.open(DIV).attr("class", "gh-under");
                under(&mut h, i18n.get_locale());
                h.finish()
            })
            .unwrap_or_default()
    };
    view! {
        <figure class="view grad-history">
            <button class="icon png-button" data-png="grad-history" data-what="gradient-history" data-testid="export-png-grad-history">"PNG"</button>
            <h2>{t!(i18n, grads.history.title)}</h2>
            <div class="gh-plot">
                <div
                    class="gh-yaxis"
                    inner_html=move || y_axis_html(i18n.get_locale(), first_step(), last_step())
                ></div>
                // The heatmap is pixels only: it draws no words.
                <canvas
                    node_ref=canvas
                    data-testid="grad-history"
                    data-rows=rows
                    data-words=""
                    role="img"
                    aria-label=move || t_string!(i18n, grads.history.aria)
                ></canvas>
            </div>
            <div class="gh-xaxis" inner_html=move || x_axis_html(i18n.get_locale(), width())></div>
            <div inner_html=legend></div>
            <figcaption class="muted">
                {move || crate::tr!(i18n.get_locale(), grads.history.caption, cap = CAP)}
            </figcaption>
            <details class="view-data">
                <summary>{t!(i18n, grads.numbers)}</summary>
                <div class="view-data-table" data-testid="grad-history-data" inner_html=table></div>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::graph_svg::tests::english_words;

    #[test]
    fn axes_and_legend_in_both_languages() {
        assert!(y_axis_html(Locale::en, Some(0), Some(40)).contains("training step ↓"));
        assert!(y_axis_html(Locale::zh, Some(0), Some(40)).contains("第 40 步"));
        assert!(x_axis_html(Locale::en, 30).contains("<span>t = 30</span>"));
        assert!(under_html(Locale::en).contains("below f32 floor"));
        assert!(under_html(Locale::zh).contains("恰好为 0"));
    }

    #[test]
    fn chinese_axes_legend_and_caption_have_no_english() {
        let l = Locale::zh;
        for t in [
            y_axis_html(l, Some(0), Some(40)),
            x_axis_html(l, 30),
            under_html(l),
            crate::tr!(l, grads.history.caption, cap = CAP),
            td_string!(l, grads.history.title).to_string(),
            td_string!(l, grads.history.aria).to_string(),
        ] {
            assert!(english_words(&t).is_empty(), "{t}");
        }
    }

    #[test]
    fn markup_is_unchanged() {
        for (name, l) in [("en", Locale::en), ("zh", Locale::zh)] {
            let all = [
                y_axis_html(l, Some(0), Some(40)),
                x_axis_html(l, 30),
                under_html(l),
            ]
            .join("\n");
            crate::html::golden(&format!("grad-history-axes-{name}"), &all);
        }
    }
}
