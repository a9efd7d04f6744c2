//! View 8, the deep MLP (`mlp-grads`): the feed-forward remedies of the
//! lesson on a network of many layers — the norm of the gradient that
//! reaches each layer, ‖∂L/∂h_l‖, on a log axis, at initialisation (grey) and after training (blue),
//! with its own small controls: depth, activation, initialisation, batch
//! normalisation on/off, residual connections on/off, and the 2-D dataset.
//! Any change rebuilds the net (same seed) and probes it at once (a forward
//! and backward pass, no update); "Train" runs steps over the next frames
//! within a few milliseconds per frame, so the page keeps its 60 fps.
//!
//! The network is the engine's `Mlp`/`MlpTrainer`; this file keeps the pure
//! parts ([`MlpSettings`], [`LayerRow`], [`MlpData`]) apart and tested. The
//! words, its own menus' included, are in the page's language
//! (`locales/*/cells.json`, `cells.mlp`); the canvas publishes the ones it
//! draws in `data-words`.

use crate::html::{menu_options, Table, TD};
use crate::i18n::*;
use crate::lab::mlp::{MlpRun, MlpShown};
use crate::lang::Locale;
use crate::views::chart::{css, err, house_style, rgb, root, LogAxis};
use crate::views::onscreen::{draw_canvas_when_due, Redraw};
use crate::views::stats::{fmt, log_range};
use leptos::prelude::*;
use rnn_core::mlp::MlpTrace;
use rnn_core::DatasetKind;

pub const WIDTH: usize = 16;
pub use crate::lab::mlp::BATCH;
/// Steps one press of "Train" runs.
pub const TRAIN_STEPS: u64 = 200;
/// Where a zero (underflowed) gradient is drawn on the log axis.
const FLOOR: f64 = 1e-30;

const C_NOW: (u8, u8, u8) = (0, 114, 178);
const C_INIT: (u8, u8, u8) = (120, 120, 120);

pub use crate::state::settings::{MlpSettings, ACTIVATIONS, DEPTHS, INITS};

/// A dataset in words.
pub fn dataset_words(l: Locale, k: DatasetKind) -> &'static str {
    match k {
        DatasetKind::Xor => td_string!(l, cells.mlp.xor),
        DatasetKind::Blobs => td_string!(l, cells.mlp.blobs),
        DatasetKind::Circles => td_string!(l, cells.mlp.circles),
        DatasetKind::Spirals => td_string!(l, cells.mlp.spirals),
    }
}

/// What the view says under its controls besides the status, worded when
/// shown (so it follows the language switch).
#[derive(Clone, Debug, PartialEq)]
pub enum MlpMessage {
    /// The engine refused these settings.
    Refused(rnn_core::Error),
    /// A training step produced NaN or ∞.
    Diverged,
}

impl MlpMessage {
    pub fn text(&self, l: Locale) -> String {
        match self {
            MlpMessage::Refused(e) => crate::tr!(l, cells.mlp.refused, why = crate::text::engine_error(l, e)),
            MlpMessage::Diverged => td_string!(l, cells.mlp.diverged).to_string(),
        }
    }
}

/// One layer's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerRow {
    pub layer: usize,
    pub grad_w: f64,
    pub grad_h: f64,
    pub saturated: f64,
    /// ‖∂L/∂h‖ is zero only because it fell below f32's smallest normal.
    pub underflowed: bool,
}

pub fn rows(t: &MlpTrace) -> Vec<LayerRow> {
    t.layers
        .iter()
        .enumerate()
        .map(|(l, lt)| LayerRow {
            layer: l + 1,
            grad_w: lt.grad_w,
            grad_h: lt.grad_h,
            saturated: lt.saturated,
            underflowed: t.underflowed(l),
        })
        .collect()
}

/// What the view shows.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpData {
    pub settings: MlpSettings,
    pub step: u64,
    pub loss: f64,
    pub init: Vec<LayerRow>,
    pub now: Vec<LayerRow>,
    /// The language of the texts and of the canvas.
    pub l: Locale,
}

impl MlpData {
    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_L‖ of the latest pass (the engine's
    /// `MlpTrace::gradient_ratio`): how much of the gradient at the last
    /// layer is left when it reaches the first.
    pub fn ratio(&self) -> Option<f64> {
        let (first, last) = (self.now.first()?.grad_h, self.now.last()?.grad_h);
        (last > 0.0).then(|| first / last)
    }

    pub fn y_range(&self) -> (f64, f64) {
        log_range(self.init.iter().chain(&self.now).map(|r| r.grad_h), FLOOR)
    }

    /// The ratio as the big number shows it.
    pub fn ratio_text(&self) -> String {
        match self.ratio() {
            Some(r) => fmt(r),
            None => td_string!(self.l, cells.mlp.ratio_zero).to_string(),
        }
    }

    /// Which pass the view shows, and the loss; `left` steps still to run.
    pub fn status(&self, left: u64) -> String {
        let l = self.l;
        let when = if self.step == 0 {
            td_string!(l, cells.mlp.when_init).to_string()
        } else {
            crate::tr!(l, cells.mlp.when_trained, n = self.step)
        };
        let busy = if left > 0 {
            crate::tr!(l, cells.mlp.busy, left)
        } else {
            String::new()
        };
        crate::tr!(l, cells.mlp.status, when, loss = fmt(self.loss), busy)
    }

    /// The canvas's axis titles (x, y).
    pub fn axis_titles(&self) -> [&'static str; 2] {
        [td_string!(self.l, cells.mlp.x), td_string!(self.l, cells.mlp.y)]
    }

    pub fn table_html(&self) -> String {
        let l = self.l;
        let on_off = |b: bool| {
            if b {
                td_string!(l, cells.common.on)
            } else {
                td_string!(l, cells.common.off)
            }
        };
        let caption = crate::tr!(
            l,
            cells.mlp.table.caption,
            depth = self.settings.depth,
            act = crate::text::activation(l, self.settings.activation),
            init = crate::text::init(l, self.settings.init),
            bn = on_off(self.settings.batch_norm),
            res = on_off(self.settings.residual),
            step = self.step
        );
        let mut t = Table::new(&caption);
        t.header(&[
            td_string!(l, cells.mlp.table.layer),
            td_string!(l, cells.mlp.table.h_init),
            td_string!(l, cells.mlp.table.h_now),
            td_string!(l, cells.mlp.table.w_init),
            td_string!(l, cells.mlp.table.w_now),
            td_string!(l, cells.mlp.table.saturated),
            td_string!(l, cells.mlp.table.floor),
        ]);
        let yes_no = |b: bool| {
            if b {
                td_string!(l, cells.common.yes)
            } else {
                td_string!(l, cells.common.no)
            }
        };
        for (i, r) in self.now.iter().enumerate() {
            let (init_h, init_w) = self
                .init
                .get(i)
                .map_or((f64::NAN, f64::NAN), |r| (r.grad_h, r.grad_w));
            let row = t.row().attr_num("data-layer", r.layer as f64);
            for v in [r.layer as f64, init_h, r.grad_h, init_w, r.grad_w, r.saturated] {
                row.open(TD).num(v).close();
            }
            row.el(TD, yes_no(r.underflowed));
        }
        t.finish()
    }

    /// The view's data from what the lab published.
    pub fn of(shown: &MlpShown, l: Locale) -> MlpData {
        MlpData {
            settings: shown.settings.clone(),
            step: shown.step,
            loss: shown.loss,
            init: rows(&shown.initial),
            now: rows(&shown.now),
            l,
        }
    }
}

#[component]
pub fn MlpGrads() -> impl IntoView {
    // The view's settings are rows of the settings table (`mlp-*`): in the
    // link like every other, changed through `Lab::set_field`. A memo, so a
    // change elsewhere in the settings does not rebuild this net.
    let lab = expect_context::<crate::lab::Lab>();
    let settings = Memo::new(move |_| lab.settings.with(|s| s.mlp.clone()));
    let resets = RwSignal::new(0u32);
    // Only a refusal of the settings; a blow-up is the lab's (`diverged`).
    let refused = RwSignal::new(None::<rnn_core::Error>);
    let i18n = use_i18n();
    // The net is trained by the lab's loop (`lab::mlp`); this view builds
    // it when its settings change or Reset is pressed, and draws what the
    // lab publishes.
    Effect::new(move |_| {
        let s = settings.get();
        resets.track();
        match MlpRun::new(&s) {
            Ok(r) => {
                lab.set_mlp(Some(r));
                refused.set(None);
            }
            Err(e) => {
                lab.set_mlp(None);
                refused.set(Some(e));
            }
        }
    });
    // The view's rows of what the lab published, in the page's language.
    let data = RwSignal::new(None::<MlpData>);
    Effect::new(move |_| {
        let l = i18n.get_locale();
        data.set(lab.mlp_shown.with(|m| m.as_ref().map(|m| MlpData::of(m, l))));
    });
    let remaining = Memo::new(move |_| lab.mlp_shown.with(|m| m.as_ref().map_or(0, |m| m.left)));
    let message = Memo::new(move |_| match refused.get() {
        Some(e) => Some(MlpMessage::Refused(e)),
        None => lab
            .mlp_shown
            .with(|m| m.as_ref().is_some_and(|m| m.diverged))
            .then_some(MlpMessage::Diverged),
    });
    let train = move |_| {
        if remaining.get_untracked() == 0 {
            lab.train_mlp(TRAIN_STEPS);
        }
    };
    let reset = move |_| resets.update(|n| *n += 1);

    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let redraw = Redraw::new();
    Effect::new(move |_| {
        data.track();
        redraw.changed();
    });
    draw_canvas_when_due(canvas, redraw, data, draw, "mlp-grads");

    // A menu of the view, from its row of the settings table: label and
    // options in the page's language, a pick set through the row's parser.
    let select = move |key: &'static str| {
        let row = crate::state::url::FIELDS
            .iter()
            .find(|f| f.key == key)
            .expect("an mlp row");
        let crate::state::url::Control::Menu(menu) = row.control else {
            unreachable!("mlp menus are menus")
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
                        lab.settings.with(|s| menu_options(&menu(s, l), &(row.write)(s)))
                    }
                    prop:value=current
                    on:change=move |ev| lab.set_field(key, &event_target_value(&ev))
                ></select>
            </label>
        }
    };
    let depth_sel = select("mlp-depth");
    let act_sel = select("mlp-activation");
    let init_sel = select("mlp-init");
    let data_sel = select("mlp-data");
    let ratio = move || data.with(|d| d.as_ref().map(MlpData::ratio_text));
    let status = move || {
        let left = remaining.get();
        data.with(|d| d.as_ref().map(|d| d.status(left)))
    };
    let message_text = move || message.with(|m| m.as_ref().map(|m| m.text(i18n.get_locale())));
    let table = move || data.with(|d| d.as_ref().map(MlpData::table_html).unwrap_or_default());
    view! {
        <div class="view mlp-view" data-testid="mlp-grads">
            <button class="icon png-button" data-png="mlp-grads" data-what="mlp-gradients" data-testid="export-png-mlp-grads">"PNG"</button>
            <h2>{t!(i18n, cells.mlp.title)}</h2>
            <div class="view-controls">
                {depth_sel}
                {act_sel}
                {init_sel}
                {data_sel}
                <label>
                    <input type="checkbox" data-testid="mlp-bn"
                        prop:checked=move || settings.with(|s| s.batch_norm)
                        on:change=move |ev| lab.set_field("mlp-bn", if event_target_checked(&ev) { "on" } else { "off" })
                    />
                    {t!(i18n, cells.mlp.batch_norm)}
                </label>
                <label>
                    <input type="checkbox" data-testid="mlp-residual"
                        prop:checked=move || settings.with(|s| s.residual)
                        on:change=move |ev| lab.set_field("mlp-residual", if event_target_checked(&ev) { "on" } else { "off" })
                    />
                    {t!(i18n, cells.mlp.residual)}
                </label>
                <button on:click=train data-testid="mlp-train" disabled=move || { remaining.get() > 0 }>
                    {move || crate::tr!(i18n.get_locale(), cells.mlp.train, n = TRAIN_STEPS)}
                </button>
                <button on:click=reset data-testid="mlp-reset">{t!(i18n, cells.mlp.reset)}</button>
            </div>
            <p class="view-caption">{status}" "<span class="stale">{message_text}</span></p>
            <div class="big-numbers">
                <div class="big-number">
                    <span class="value">{ratio}</span>
                    <span class="what">{t!(i18n, cells.mlp.ratio_what)}</span>
                </div>
            </div>
            <canvas
                node_ref=canvas
                class="chart mlp-chart"
                role="img"
                aria-label=move || t_string!(i18n, cells.mlp.aria)
            ></canvas>
            <ul class="legend">
                <li><i class="swatch" style=format!("border-color: {}", css(C_NOW))></i>{t!(i18n, cells.mlp.legend_now)}</li>
                <li><i class="swatch dashed" style=format!("border-color: {}", css(C_INIT))></i>{t!(i18n, cells.mlp.legend_init)}</li>
                <li>{t!(i18n, cells.mlp.legend_floor)}</li>
            </ul>
            <div class="visually-hidden"><table data-testid="mlp-grads-data" inner_html=table></table></div>
        </div>
    }
}

pub fn draw(canvas: &web_sys::HtmlCanvasElement, d: &MlpData) -> Result<(), String> {
    use plotters::prelude::*;
    let titles = d.axis_titles();
    let _ = canvas.set_attribute("data-words", &titles.join("\n"));
    let (f, root) = root(canvas)?;
    let (y_min, y_max) = d.y_range();
    let n = d.now.len().max(d.init.len()).max(1);
    // Log scale as log10 on a linear axis: see `chart::LogAxis`.
    let axis = LogAxis::new(y_min, y_max);
    let mut chart = ChartBuilder::on(&root)
        .margin(f.px(8.0))
        .margin_right(f.px(16.0))
        .x_label_area_size(f.px(44.0))
        .y_label_area_size(f.px(70.0))
        .build_cartesian_2d(0.5f64..n as f64 + 0.5, axis.range())
        .map_err(err)?;
    house_style(&mut chart.configure_mesh(), &f)
        .x_desc(titles[0])
        .y_desc(titles[1])
        .x_labels(n.min(10))
        .y_labels(axis.ticks())
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| axis.label(*y, fmt))
        .draw()
        .map_err(err)?;
    let at = |r: &LayerRow| {
        (
            r.layer as f64,
            LogAxis::at(if r.grad_h > 0.0 {
                r.grad_h.clamp(y_min, y_max)
            } else {
                y_min
            }),
        )
    };
    chart
        .draw_series(DashedLineSeries::new(
            d.init.iter().map(at),
            f.px(7.0),
            f.px(4.0),
            rgb(C_INIT).stroke_width(f.px(2.0)),
        ))
        .map_err(err)?;
    chart
        .draw_series(
            d.init
                .iter()
                .map(|r| Circle::new(at(r), f.px(3.0), rgb(C_INIT).filled())),
        )
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            d.now.iter().map(at),
            rgb(C_NOW).stroke_width(f.px(2.5)),
        ))
        .map_err(err)?;
    chart
        .draw_series(
            d.now
                .iter()
                .map(|r| Circle::new(at(r), f.px(4.0), rgb(C_NOW).filled())),
        )
        .map_err(err)?;
    let s = f.px(6.0) as i32;
    chart
        .draw_series(
            d.now
                .iter()
                .filter(|r| r.grad_h == 0.0 || r.underflowed)
                .map(|r| {
                    EmptyElement::at((r.layer as f64, LogAxis::at(y_min)))
                        + Polygon::new(
                            vec![(-s, -2 * s), (s, -2 * s), (0, 0)],
                            RGBColor(213, 94, 0).filled(),
                        )
                }),
        )
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::{Activation, Init};

    fn probe(s: &MlpSettings) -> MlpData {
        MlpData::of(&MlpShown::built(&MlpRun::new(s).unwrap()), Locale::en)
    }

    #[test]
    fn default_deep_sigmoid_net_loses_its_gradient_and_residuals_restore_it() {
        let plain = probe(&MlpSettings::default());
        assert_eq!(plain.now.len(), 20);
        let r = plain.ratio().unwrap_or(0.0);
        assert!(r < 1e-4, "sigmoid ×20 layers should vanish: {r:e}");
        let res = probe(&MlpSettings {
            residual: true,
            ..MlpSettings::default()
        });
        let r = res.ratio().unwrap();
        assert!((1e-2..1e2).contains(&r), "residual keeps it: {r:e}");
        let bn = probe(&MlpSettings {
            batch_norm: true,
            ..MlpSettings::default()
        });
        assert!(bn.ratio().unwrap() > 1e3 * plain.ratio().unwrap_or(0.0));
    }

    #[test]
    fn training_steps_move_the_step_and_keep_the_initial_curve() {
        let s = MlpSettings {
            depth: 5,
            activation: Activation::Relu,
            init: Init::He,
            ..MlpSettings::default()
        };
        use crate::lab::driver::{Driver, Goal};
        let run = MlpRun::new(&s).unwrap();
        let mut shown = MlpShown::built(&run);
        let init = MlpData::of(&shown, Locale::en).init;
        let mut d = Driver::new(vec![run]);
        d.set_goal(Goal::Reach(5));
        let mut t = 0.0;
        while d.wants_work() {
            let f = d.frame(&mut || {
                t += 1.0;
                t
            });
            let r = f.runs.into_iter().next().unwrap().latest.unwrap();
            shown.step = r.step;
            shown.now = std::sync::Arc::new(r.trace.unwrap());
        }
        let data = MlpData::of(&shown, Locale::en);
        assert_eq!(data.step, 5);
        assert_eq!(data.init, init);
        assert_eq!(data.now.len(), 5);
        assert_ne!(data.now, data.init, "trained");
        assert!(data.now.iter().all(|l| l.grad_w.is_finite()));
    }

    #[test]
    fn table_has_a_row_per_layer_and_range_is_positive() {
        let d = probe(&MlpSettings {
            depth: 5,
            ..MlpSettings::default()
        });
        let t = d.table_html();
        assert_eq!(t.matches("<tr data-layer=").count(), 5);
        assert!(t.contains("residual off; step 0"), "{t}");
        let zh = MlpData {
            l: Locale::zh,
            ..d.clone()
        }
        .table_html();
        assert_eq!(zh.matches("<tr data-layer=").count(), 5);
        assert!(zh.contains("残差连接关闭；第 0 步"), "{zh}");
        let (lo, hi) = d.y_range();
        assert!(lo > 0.0 && hi > lo);
    }

    #[test]
    fn the_chinese_view_has_no_english() {
        use crate::views::gates::english_words;
        let mut d = probe(&MlpSettings {
            depth: 5,
            residual: true,
            ..MlpSettings::default()
        });
        for l in [Locale::zh, Locale::en] {
            d.l = l;
            let mut all = vec![
                d.table_html(),
                d.status(0),
                d.status(12),
                d.ratio_text(),
                d.axis_titles().join("\n"),
                MlpMessage::Diverged.text(l),
            ];
            // A pass after training, and one whose gradient underflowed.
            let mut trained = d.clone();
            trained.step = 3;
            trained.now[0].grad_h = 0.0;
            trained.now[0].underflowed = true;
            all.push(trained.status(0));
            all.push(trained.ratio_text());
            all.push(trained.table_html());
            for a in ACTIVATIONS {
                for i in INITS {
                    let s = MlpSettings {
                        activation: *a,
                        init: *i,
                        ..d.settings.clone()
                    };
                    all.push(
                        MlpData {
                            settings: s,
                            ..d.clone()
                        }
                        .table_html(),
                    );
                }
            }
            all.extend(DatasetKind::ALL.iter().map(|k| dataset_words(l, *k).to_string()));
            all.extend(DEPTHS.iter().map(|n| crate::tr!(l, cells.mlp.layers, n)));
            let all = all.join("\n");
            if l == Locale::zh {
                assert_eq!(english_words(&all), Vec::<String>::new(), "{all}");
                assert!(
                    all.contains("训练 3 步之后") && all.contains("还剩 12 步"),
                    "{all}"
                );
            } else {
                assert!(all.contains("after 3 training steps") && all.contains("12 steps to go"));
                assert!(all.contains("residual on; step 0"));
            }
        }
    }

    #[test]
    fn markup_is_unchanged() {
        let d = probe(&MlpSettings::default());
        crate::html::golden("mlp-table-en", &d.table_html());
        let zh = MlpData { l: Locale::zh, ..d };
        crate::html::golden("mlp-table-zh", &zh.table_html());
    }
}
