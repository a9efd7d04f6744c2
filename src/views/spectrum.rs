//! View 6, spectrum of the recurrent matrix (`spectrum`): the eigenvalues of
//! W in the complex plane with the unit circle and the 1/γ circle, the
//! singular values as bars, and the spectral radius ρ and the largest
//! singular value σ_max as big numbers — at initialisation (kept from the
//! step-0 weights, so a class can predict the outcome before pressing Play)
//! and live as training moves them (recomputed a few times a second at
//! most, less often for big matrices; the view says which step it shows).
//! For LSTM and GRU a selector picks the gate block (forget / update gate by
//! default).
//!
//! The pure parts ([`Verdict`], [`plane_extent`], [`circle`], the texts of
//! [`SpectrumData`]) are tested. The words are in the page's language
//! (`locales/*/cells.json`, `cells.spectrum`); the canvas publishes the ones
//! it draws in `data-words`.

use crate::html::{big_number, legend_item, menu_options, Html, Table, DIV, P, TD};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use crate::views::chart::{css, err, house_style, rgb, root};
use crate::views::onscreen::{draw_canvas_when_due, Redraw};
use crate::views::stats::fmt;
use crate::views::throttle::throttled_trace;
use leptos::prelude::*;
use rnn_core::spectrum::Spectrum;
use rnn_core::{Block, CellKind, Direction, Gate};

const C_NOW: (u8, u8, u8) = (0, 114, 178);
const C_INIT: (u8, u8, u8) = (120, 120, 120);
const C_GAMMA: (u8, u8, u8) = (213, 94, 0);

/// The block a class sees first: the forget gate's (LSTM), the update
/// gate's (GRU), W itself (RNN).
pub fn default_block(cell: CellKind) -> Block {
    let gate = match cell {
        CellKind::Lstm => Some(Gate::F),
        CellKind::Gru => Some(Gate::Z),
        CellKind::Rnn => None,
    };
    Block {
        direction: Direction::Forward,
        gate,
    }
}

/// The block's name as the engine's analysis spells it ("W", "W_f",
/// "bwd.W_z"), and in words in the page's language ("forget gate's W_f",
/// "遗忘门的 W_f"; the direction in words too, never as "fwd."/"bwd.").
pub fn block_name(bidirectional: bool, b: Block, l: Locale) -> (String, String) {
    let name = b.name(bidirectional);
    let words = match b.gate {
        None => td_string!(l, cells.spectrum.rnn_w),
        Some(Gate::I) => td_string!(l, cells.spectrum.lstm_i),
        Some(Gate::F) => td_string!(l, cells.spectrum.lstm_f),
        Some(Gate::G) => td_string!(l, cells.spectrum.lstm_g),
        Some(Gate::O) => td_string!(l, cells.spectrum.lstm_o),
        Some(Gate::R) => td_string!(l, cells.spectrum.gru_r),
        Some(Gate::Z) => td_string!(l, cells.spectrum.gru_z),
        Some(Gate::N) => td_string!(l, cells.spectrum.gru_n),
    };
    let words = match (bidirectional, b.direction) {
        (false, _) => words.to_string(),
        (true, Direction::Forward) => crate::tr!(l, cells.spectrum.dir_forward, words),
        (true, Direction::Backward) => crate::tr!(l, cells.spectrum.dir_backward, words),
    };
    (name, words)
}

/// A block as its menu option's value: "direction:block", e.g. "0:1".
fn block_value(b: Block) -> String {
    format!("{}:{}", b.direction.index(), b.row_block())
}
/// Closer to 1 than this counts as exactly 1 (an orthogonal W in f32).
const EDGE: f64 = 1e-3;

/// What the spectrum predicts for a plain RNN (Pascanu et al. 2013): the
/// per-step factor ‖diag(φ')·W‖ is at most γ·σ_max.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// γ·σ_max < 1: every backward step shrinks the gradient.
    MustVanish,
    /// γ·ρ > 1: the gradient can grow (while the units are unsaturated).
    CanExplode,
    /// In between: neither is guaranteed.
    Either,
}

impl Verdict {
    pub fn of(gamma: f64, rho: f64, sigma_max: f64) -> Verdict {
        if gamma * sigma_max < 1.0 - EDGE {
            Verdict::MustVanish
        } else if gamma * rho > 1.0 + EDGE {
            Verdict::CanExplode
        } else {
            Verdict::Either
        }
    }

    pub fn sentence(self, gamma: f64, rho: f64, sigma_max: f64, l: Locale) -> String {
        match self {
            Verdict::MustVanish => crate::tr!(l, cells.spectrum.must_vanish, v = fmt(gamma * sigma_max)),
            Verdict::CanExplode => crate::tr!(l, cells.spectrum.can_explode, v = fmt(gamma * rho)),
            Verdict::Either if (gamma * sigma_max - 1.0).abs() <= EDGE => {
                crate::tr!(l, cells.spectrum.edge, v = fmt(gamma * sigma_max))
            }
            Verdict::Either => crate::tr!(
                l,
                cells.spectrum.either,
                rho = fmt(gamma * rho),
                sigma = fmt(gamma * sigma_max)
            ),
        }
    }

    fn class(self) -> &'static str {
        match self {
            Verdict::MustVanish => "verdict vanish",
            Verdict::CanExplode => "verdict explode",
            Verdict::Either => "verdict",
        }
    }
}

/// The widest complex-plane window drawn (a diverged run's eigenvalues
/// beyond it are pinned to its edge).
pub const MAX_EXTENT: f64 = 1e6;

/// Half-width of the square complex-plane window: room for every
/// eigenvalue, the unit circle and the 1/γ circle, plus a margin.
pub fn plane_extent(radii: impl IntoIterator<Item = f64>) -> f64 {
    let r = radii.into_iter().filter(|r| r.is_finite()).fold(1.0, f64::max);
    (r * 1.12).min(MAX_EXTENT)
}

/// An eigenvalue pinned to the square window of half-width `r`: one far
/// outside (a diverging run) sits on the window's edge instead of
/// overflowing the pixel arithmetic.
pub fn pin((re, im): (f64, f64), r: f64) -> (f64, f64) {
    let c = |v: f64| if v.is_finite() { v.clamp(-r, r) } else { 0.0 };
    (c(re), c(im))
}

/// `n` points on the circle of radius `r` (closed: the last equals the first).
pub fn circle(r: f64, n: usize) -> Vec<(f64, f64)> {
    (0..=n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (r * a.cos(), r * a.sin())
        })
        .collect()
}

/// Everything one redraw needs.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectrumData {
    pub cell: CellKind,
    pub bidirectional: bool,
    pub block: Block,
    /// The engine's name of the block ("W_f").
    pub name: String,
    pub gamma: f64,
    pub step: u64,
    pub now: Option<Spectrum>,
    pub init: Option<Spectrum>,
    /// The language of every text below and of the canvas (switched
    /// without recomputing the spectra).
    pub l: Locale,
}

impl SpectrumData {
    /// The block in words.
    pub fn words(&self) -> String {
        block_name(self.bidirectional, self.block, self.l).1
    }

    pub fn table_html(&self) -> String {
        let l = self.l;
        let mut t = Table::new(&crate::tr!(
            l,
            cells.spectrum.table.caption,
            words = self.words(),
            gamma = self.gamma
        ));
        t.header(&[
            td_string!(l, cells.spectrum.table.when),
            td_string!(l, cells.spectrum.table.step),
            td_string!(l, cells.spectrum.table.rho),
            td_string!(l, cells.spectrum.table.sigma_max),
            td_string!(l, cells.spectrum.table.eigenvalues),
            td_string!(l, cells.spectrum.table.singular),
        ]);
        let rows = [
            (
                "initial",
                td_string!(l, cells.spectrum.table.initial),
                0,
                &self.init,
            ),
            (
                "current",
                td_string!(l, cells.spectrum.table.current),
                self.step,
                &self.now,
            ),
        ];
        for (when, said, step, sp) in rows {
            if let Some(sp) = sp {
                let eig: Vec<String> = sp
                    .eigenvalues
                    .iter()
                    .map(|(re, im)| format!("({re}, {im})"))
                    .collect();
                let sv: Vec<String> = sp.singular_values.iter().map(|v| v.to_string()).collect();
                let row = t.row().attr("data-when", when);
                row.el(TD, said);
                for v in [step as f64, sp.spectral_radius, sp.sigma_max] {
                    row.open(TD).num(v).close();
                }
                row.el(TD, &eig.join(" ")).el(TD, &sv.join(" "));
            }
        }
        t.finish()
    }

    /// The line above the big numbers: which block, which step.
    pub fn heading(&self) -> String {
        let l = self.l;
        if self.step == 0 {
            return crate::tr!(l, cells.spectrum.heading_init, words = self.words());
        }
        let off = self
            .now
            .as_ref()
            .is_some_and(|s| s.spectral_radius * 1.12 > MAX_EXTENT);
        crate::tr!(
            l,
            cells.spectrum.heading_now,
            words = self.words(),
            step = self.step,
            off = if off {
                td_string!(l, cells.spectrum.off_window)
            } else {
                ""
            }
        )
    }

    /// What the spectrum predicts, and the class of its paragraph.
    pub fn verdict(&self) -> Option<(&'static str, String)> {
        let l = self.l;
        if self.cell != CellKind::Rnn {
            return Some(("verdict", td_string!(l, cells.spectrum.gated_verdict).to_string()));
        }
        let s = self.init.as_ref().or(self.now.as_ref())?;
        let v = Verdict::of(self.gamma, s.spectral_radius, s.sigma_max);
        let verdict = v.sentence(self.gamma, s.spectral_radius, s.sigma_max, l);
        Some((v.class(), crate::tr!(l, cells.spectrum.prediction, verdict)))
    }

    /// γ, the activation's largest slope, in words.
    pub fn gamma_text(&self) -> String {
        if self.cell == CellKind::Rnn {
            crate::tr!(
                self.l,
                cells.spectrum.gamma_rnn,
                gamma = fmt(self.gamma),
                inv = fmt(1.0 / self.gamma)
            )
        } else {
            td_string!(self.l, cells.spectrum.gamma_gated).to_string()
        }
    }

    /// "initial → now" of one number of the spectrum.
    fn number(&self, pick: fn(&Spectrum) -> f64) -> String {
        let init = self.init.as_ref().map(|s| fmt(pick(s)));
        let now = self.now.as_ref().map(|s| fmt(pick(s)));
        match (init, now) {
            (Some(i), Some(n)) if self.step > 0 => format!("{i} → {n}"),
            (_, Some(n)) => n,
            (Some(i), None) => format!("{i} → ?"),
            (None, None) => "—".into(),
        }
    }

    /// Caption, big numbers and verdict as one string of HTML (far less
    /// download than a reactive node each).
    pub fn readout_html(&self) -> String {
        let l = self.l;
        let mut h = Html::new();
        h.open(P)
            .attr("class", "view-caption")
            .text(&self.heading())
            .close();
        h.open(DIV).attr("class", "big-numbers");
        for (value, what) in [
            (
                self.number(|s| s.spectral_radius),
                td_string!(l, cells.spectrum.rho),
            ),
            (
                self.number(|s| s.sigma_max),
                td_string!(l, cells.spectrum.sigma_max),
            ),
        ] {
            big_number(&mut h, &value, what);
        }
        h.close();
        h.open(P)
            .attr("class", "view-caption")
            .text(&self.gamma_text())
            .close();
        if let Some((class, text)) = self.verdict() {
            h.open(P).attr("class", class).text(&text).close();
        }
        h.finish()
    }

    /// Whether the 1/γ circle is drawn (only when γ ≠ 1).
    fn has_gamma_circle(&self) -> bool {
        (self.gamma - 1.0).abs() > 1e-9
    }

    /// The legend as HTML (`<li>`s).
    pub fn legend_html(&self) -> String {
        let l = self.l;
        let mut h = Html::new();
        let now = format!("background: {}", css(C_NOW));
        legend_item(
            &mut h,
            "swatch dot",
            &now,
            td_string!(l, cells.spectrum.legend_now),
        );
        let init = format!("border: 2px solid {}; background: none", css(C_INIT));
        legend_item(
            &mut h,
            "swatch dot",
            &init,
            td_string!(l, cells.spectrum.legend_init),
        );
        legend_item(
            &mut h,
            "swatch",
            "border-color: #333",
            td_string!(l, cells.spectrum.legend_unit),
        );
        if self.has_gamma_circle() {
            let gamma = format!("border-color: {}", css(C_GAMMA));
            legend_item(
                &mut h,
                "swatch dashed",
                &gamma,
                td_string!(l, cells.spectrum.legend_gamma),
            );
        }
        h.finish()
    }

    /// The canvas's axis titles: complex plane x, y; bars x, y.
    pub fn axis_titles(&self) -> [&'static str; 4] {
        let l = self.l;
        [
            td_string!(l, cells.spectrum.x_plane),
            td_string!(l, cells.spectrum.y_plane),
            td_string!(l, cells.spectrum.x_bars),
            td_string!(l, cells.spectrum.y_bars),
        ]
    }
}

#[component]
pub fn SpectrumView() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let i18n = use_i18n();
    let chosen = RwSignal::new(None::<Block>);
    let data = RwSignal::new(None::<SpectrumData>);
    // (time of this view's last preparation, its cost) in ms.
    let cost = StoredValue::new((f64::NEG_INFINITY, 0.0f64));
    let trace = throttled_trace(lab, 400.0);
    let now_ms = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    };
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // A new run (a reset, a new net, or the other run of a comparison
    // shown): back to its default block, and nothing of the old run's
    // spectrum stays on screen while the new one is worked out.
    Effect::new(move |_| {
        lab.epoch.track();
        chosen.set(None);
        data.set(None);
        if let Some(c) = canvas.get_untracked() {
            // Setting the width clears a canvas.
            c.set_width(c.width());
        }
    });
    // Recomputed when the weights or the choice change, and only while the
    // view is on screen (a scrolled-away view costs nothing).
    let view_ref = NodeRef::<leptos::html::Div>::new();
    let compute = Redraw::new();
    Effect::new(move |_| {
        trace.track();
        chosen.track();
        lab.run.track();
        lab.analysed.track();
        compute.changed();
    });
    Effect::new(move |_| {
        let Some(el) = view_ref.get() else { return };
        let running = lab.run.get_untracked() == RunState::Running;
        if !compute.due_or(&el, !running) {
            return;
        }
        let block = chosen.get_untracked();
        let t0 = now_ms();
        let (last, c) = cost.get_value();
        // While training, keep this view's own work to about a tenth of the
        // time (the label says which step is shown); the decompositions
        // are the lab's, on their own schedule (`lab::analysis`).
        if running && t0 - last < 10.0 * c {
            return;
        }
        // The spectra of the weights the newest snapshot's trace was recorded
        // with, and of the untrained net's: the lab's, worked out once per
        // published weights for every view (`Snapshot::spectra`). Not there
        // yet: the lab works them out over the next frames and `analysed`
        // brings this view back; until then it keeps what it drew.
        let mut pending = false;
        let shown = lab.shown_snapshot_untracked().with_untracked(|s| {
            let s = s.as_ref()?;
            let (now_all, init_all) = (s.spectra(), s.initial_spectra());
            if now_all.is_none() || (s.initial.is_some() && init_all.is_none()) {
                pending = true;
                return None;
            }
            let weights = s.weights.as_ref()?;
            let (cell, bidi) = (weights.cell, weights.w.len() > 1);
            let gamma = if cell == CellKind::Rnn {
                weights.activation.max_derivative()
            } else {
                1.0
            };
            let b = block.unwrap_or(default_block(cell));
            let name = b.name(bidi);
            let find = |all: &[Spectrum]| all.iter().find(|sp| sp.name == name).cloned();
            let step = s.trace.as_ref().map_or(s.step, |t| t.step);
            let now = now_all.and_then(find);
            let init_sp = init_all.and_then(find);
            Some((cell, bidi, gamma, step, now, init_sp, b))
        });
        if pending {
            lab.analyse_soon();
        }
        let Some((cell, bidi, gamma, step, now, init_sp, b)) = shown else {
            return;
        };
        let name = b.name(bidi);
        cost.set_value((t0, now_ms() - t0));
        data.set(Some(SpectrumData {
            cell,
            bidirectional: bidi,
            block: b,
            name,
            gamma,
            step,
            now,
            init: init_sp,
            l: i18n.get_locale_untracked(),
        }));
    });
    // The language switched: the same spectra, in other words.
    Effect::new(move |_| {
        let l = i18n.get_locale();
        if data.with_untracked(|d| d.as_ref().is_some_and(|d| d.l != l)) {
            data.update(|d| {
                if let Some(d) = d {
                    d.l = l;
                }
            });
        }
    });
    let redraw = Redraw::new();
    Effect::new(move |_| {
        data.track();
        redraw.changed();
    });
    draw_canvas_when_due(canvas, redraw, data, draw, "spectrum");
    let options = move || {
        let l = i18n.get_locale();
        let (cell, bidi) = lab.settings.with(|s| (s.model.cell, s.model.bidirectional));
        let current = chosen.get().unwrap_or(default_block(cell));
        let blocks = Block::all(cell, bidi)
            .into_iter()
            .map(|b| (block_value(b), block_name(bidi, b, l).1))
            .collect::<Vec<_>>();
        menu_options(&blocks, &block_value(current))
    };
    let gated = move || lab.settings.with(|s| s.model.cell != CellKind::Rnn);
    let on_pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let (cell, bidi) = lab
            .settings
            .with_untracked(|s| (s.model.cell, s.model.bidirectional));
        if let Some(b) = Block::all(cell, bidi).into_iter().find(|&b| block_value(b) == v) {
            chosen.set(Some(b));
        }
    };
    let table = move || data.with(|d| d.as_ref().map(SpectrumData::table_html).unwrap_or_default());
    let readout = move || {
        data.with(|d| match d {
            Some(d) => d.readout_html(),
            None => {
                let mut h = Html::new();
                let l = i18n.get_locale();
                // A net is shown: its spectrum is being worked out (`lab::analysis`).
                let shown = lab
                    .shown_snapshot()
                    .with(|s| s.as_ref().is_some_and(|s| s.weights.is_some()));
                let said = if shown {
                    td_string!(l, cells.spectrum.computing)
                } else {
                    td_string!(l, cells.spectrum.no_model)
                };
                h.open(P).attr("class", "view-caption").text(said);
                h.finish()
            }
        })
    };
    let legend = move || data.with(|d| d.as_ref().map(SpectrumData::legend_html).unwrap_or_default());
    view! {
        <div class="view spectrum-view" data-testid="spectrum" node_ref=view_ref>
            <button class="icon png-button" data-png="spectrum" data-what="spectrum" data-testid="export-png-spectrum">"PNG"</button>
            <h2>{t!(i18n, cells.spectrum.title)}</h2>
            <div class="view-controls" hidden=move || !gated()>
                <label>{t!(i18n, cells.spectrum.block)} <select on:change=on_pick inner_html=options></select></label>
            </div>
            <div class="contents" inner_html=readout></div>
            <canvas
                node_ref=canvas
                class="chart spectrum-chart"
                role="img"
                aria-label=move || t_string!(i18n, cells.spectrum.aria)
            ></canvas>
            <ul class="legend" inner_html=legend></ul>
            <div class="visually-hidden"><table data-testid="spectrum-data" inner_html=table></table></div>
        </div>
    }
}

/// Left: the complex plane (square); right: the singular values as bars.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, d: &SpectrumData) -> Result<(), String> {
    use plotters::prelude::*;
    let titles = d.axis_titles();
    let _ = canvas.set_attribute("data-words", &titles.join("\n"));
    let (f, root) = root(canvas)?;
    let (w, h) = root.dim_in_pixel();
    // Square plotting area for the complex plane: the left part is as wide
    // as it is tall, give or take the axis label areas.
    let split = (h + f.px(6.0)).min((w as f64 * 0.6) as u32);
    let (left, right) = root.split_horizontally(split);
    let inv_gamma = 1.0 / d.gamma;
    let radii = [d.now.as_ref(), d.init.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|s| s.eigenvalues.iter().map(|(re, im)| re.hypot(*im)))
        .chain([inv_gamma.min(20.0)]);
    let r = plane_extent(radii);
    let mut plane = ChartBuilder::on(&left)
        .margin(f.px(6.0))
        .x_label_area_size(f.px(40.0))
        .y_label_area_size(f.px(40.0))
        .build_cartesian_2d(-r..r, -r..r)
        .map_err(err)?;
    house_style(&mut plane.configure_mesh(), &f)
        .x_desc(titles[0])
        .y_desc(titles[1])
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|x| fmt(*x))
        .y_label_formatter(&|y| fmt(*y))
        .draw()
        .map_err(err)?;
    plane
        .draw_series(LineSeries::new(
            circle(1.0, 120),
            RGBColor(51, 51, 51).stroke_width(f.px(1.5)),
        ))
        .map_err(err)?;
    if (inv_gamma - 1.0).abs() > 1e-9 && inv_gamma <= r {
        plane
            .draw_series(DashedLineSeries::new(
                circle(inv_gamma, 160),
                f.px(8.0),
                f.px(5.0),
                rgb(C_GAMMA).stroke_width(f.px(2.0)),
            ))
            .map_err(err)?;
    }
    if let Some(s) = &d.init {
        if d.step > 0 {
            plane
                .draw_series(
                    s.eigenvalues
                        .iter()
                        .map(|&z| Circle::new(pin(z, r), f.px(4.0), rgb(C_INIT).stroke_width(f.px(1.5)))),
                )
                .map_err(err)?;
        }
    }
    if let Some(s) = &d.now {
        plane
            .draw_series(
                s.eigenvalues
                    .iter()
                    .map(|&z| Circle::new(pin(z, r), f.px(3.5), rgb(C_NOW).filled())),
            )
            .map_err(err)?;
    }

    // Singular values, largest first.
    let sv = |s: &Option<Spectrum>| s.as_ref().map_or(Vec::new(), |s| s.singular_values.clone());
    let (now, init) = (sv(&d.now), sv(&d.init));
    let n = now.len().max(init.len()).max(1);
    let top = now
        .iter()
        .chain(&init)
        .copied()
        .chain([1.0, if inv_gamma <= 20.0 { inv_gamma } else { 1.0 }])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        * 1.1;
    let mut bars = ChartBuilder::on(&right)
        .margin(f.px(6.0))
        .margin_left(f.px(10.0))
        .x_label_area_size(f.px(40.0))
        .y_label_area_size(f.px(58.0))
        .build_cartesian_2d(0f64..n as f64, 0f64..top)
        .map_err(err)?;
    house_style(&mut bars.configure_mesh(), &f)
        .x_desc(titles[2])
        .y_desc(titles[3])
        .x_labels(4)
        .y_labels(5)
        .x_label_formatter(&|x| format!("{}", *x as usize + 1))
        .y_label_formatter(&|y| fmt(*y))
        .disable_x_mesh()
        .draw()
        .map_err(err)?;
    let gap = if n > 40 { 0.0 } else { 0.15 };
    bars.draw_series(now.iter().enumerate().map(|(k, &v)| {
        Rectangle::new(
            [(k as f64 + gap, 0.0), (k as f64 + 1.0 - gap, v)],
            rgb(C_NOW).filled(),
        )
    }))
    .map_err(err)?;
    if d.step > 0 {
        bars.draw_series(init.iter().enumerate().map(|(k, &v)| {
            PathElement::new(
                [(k as f64 + gap, v), (k as f64 + 1.0 - gap, v)],
                rgb(C_INIT).stroke_width(f.px(2.0)),
            )
        }))
        .map_err(err)?;
    }
    bars.draw_series(std::iter::once(PathElement::new(
        [(0.0, 1.0), (n as f64, 1.0)],
        RGBColor(51, 51, 51).stroke_width(f.px(1.5)),
    )))
    .map_err(err)?;
    if (inv_gamma - 1.0).abs() > 1e-9 && inv_gamma < top {
        bars.draw_series(DashedLineSeries::new(
            [(0.0, inv_gamma), (n as f64, inv_gamma)],
            f.px(8.0),
            f.px(5.0),
            rgb(C_GAMMA).stroke_width(f.px(2.0)),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_pascanus_bounds() {
        // Sigmoid (γ = 1/4) with an orthogonal W: 0.25 · 1 < 1.
        assert_eq!(Verdict::of(0.25, 1.0, 1.0), Verdict::MustVanish);
        // tanh with ρ = 3.
        assert_eq!(Verdict::of(1.0, 3.0, 3.2), Verdict::CanExplode);
        // ρ = 0.9 but σ_max = 1.5: not guaranteed either way.
        assert_eq!(Verdict::of(1.0, 0.9, 1.5), Verdict::Either);
        assert!(Verdict::of(0.25, 1.0, 1.0)
            .sentence(0.25, 1.0, 1.0, Locale::en)
            .contains("0.25 < 1"));
        let zh = Verdict::of(0.25, 1.0, 1.0).sentence(0.25, 1.0, 1.0, Locale::zh);
        assert!(zh.contains("0.25 < 1") && zh.contains("梯度必然消失"), "{zh}");
        let zh = Verdict::of(1.0, 3.0, 3.2).sentence(1.0, 3.0, 3.2, Locale::zh);
        assert!(zh.contains("γ·ρ = 3 > 1") && zh.contains("梯度爆炸"), "{zh}");
    }

    #[test]
    fn plane_holds_eigenvalues_and_both_circles() {
        assert!((plane_extent([0.5]) - 1.12).abs() < 1e-12);
        assert!((plane_extent([0.5, 4.0]) - 4.48).abs() < 1e-12);
        assert!((plane_extent([f64::NAN, 0.1]) - 1.12).abs() < 1e-12);
        assert_eq!(pin((1e30, -0.5), 4.0), (4.0, -0.5));
        assert_eq!(pin((f64::NAN, -1e9), 4.0), (0.0, -4.0));
        let c = circle(2.0, 8);
        assert_eq!(c.len(), 9);
        assert!(c.iter().all(|(x, y)| (x.hypot(*y) - 2.0).abs() < 1e-12));
        assert!((c[2].0).abs() < 1e-12 && (c[2].1 - 2.0).abs() < 1e-12);
    }

    #[test]
    fn blocks_are_named_as_the_engine_names_them() {
        assert_eq!(
            default_block(CellKind::Lstm),
            Block {
                direction: Direction::Forward,
                gate: Some(Gate::F)
            }
        );
        let (n, w) = block_name(false, default_block(CellKind::Lstm), Locale::en);
        assert_eq!(n, "W_f");
        assert!(w.contains("forget"));
        let (n, w) = block_name(false, default_block(CellKind::Lstm), Locale::zh);
        assert_eq!(n, "W_f");
        assert_eq!(w, "遗忘门的 W_f");
        let bwd_z = Block {
            direction: Direction::Backward,
            gate: Some(Gate::Z),
        };
        let (n, w) = block_name(true, bwd_z, Locale::en);
        assert_eq!(n, "bwd.W_z");
        assert!(w.contains("update") && w.contains("backward"));
        let (n, w) = block_name(true, bwd_z, Locale::zh);
        assert_eq!(n, "bwd.W_z");
        assert_eq!(w, "更新门的 W_z（反向）");
        assert_eq!(block_name(false, default_block(CellKind::Rnn), Locale::en).0, "W");
    }

    fn data(cell: CellKind, bidirectional: bool, gamma: f64, step: u64, l: Locale) -> SpectrumData {
        let sp = |r: f64| Spectrum {
            name: "W".into(),
            eigenvalues: vec![(r, 0.0), (0.0, -r)],
            singular_values: vec![r, r],
            spectral_radius: r,
            sigma_max: r,
        };
        SpectrumData {
            cell,
            bidirectional,
            block: default_block(cell),
            name: "W".into(),
            gamma,
            step,
            now: Some(sp(if step > 0 { 2e6 } else { 3.0 })),
            init: Some(sp(3.0)),
            l,
        }
    }

    #[test]
    fn the_chinese_view_has_no_english() {
        use crate::views::gates::english_words;
        let mut seen = 0;
        for cell in [CellKind::Rnn, CellKind::Lstm, CellKind::Gru] {
            for bidi in [false, true] {
                for (gamma, step) in [(0.25, 0), (1.0, 7), (0.25, 7)] {
                    let d = data(cell, bidi, gamma, step, Locale::zh);
                    let mut all = [d.table_html(), d.readout_html(), d.legend_html()].join("\n");
                    all += &d.axis_titles().join("\n");
                    for b in Block::all(cell, true) {
                        all += &block_name(bidi, b, Locale::zh).1;
                    }
                    assert_eq!(english_words(&all), Vec::<String>::new(), "{all}");
                    let en = data(cell, bidi, gamma, step, Locale::en);
                    assert!(!english_words(&en.readout_html()).is_empty());
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 18);
        // Every verdict, in both languages, keeps its numbers.
        for (g, r, s) in [
            (0.25, 1.0, 1.0),
            (1.0, 3.0, 3.2),
            (1.0, 1.0, 1.0),
            (1.0, 0.9, 1.5),
        ] {
            let v = Verdict::of(g, r, s);
            let zh = v.sentence(g, r, s, Locale::zh);
            assert_eq!(english_words(&zh), Vec::<String>::new(), "{zh}");
            assert!(zh.contains(&fmt(g * s)) || zh.contains(&fmt(g * r)));
        }
        // The switch of language keeps the numbers and the hooks.
        let en = data(CellKind::Rnn, false, 0.25, 7, Locale::en);
        let zh = SpectrumData {
            l: Locale::zh,
            ..en.clone()
        };
        assert!(en
            .table_html()
            .contains("<tr data-when=\"initial\"><td>initial</td><td>0</td><td>3</td>"));
        assert!(zh
            .table_html()
            .contains("<tr data-when=\"initial\"><td>初始</td><td>0</td><td>3</td>"));
        assert!(zh.readout_html().contains("第 7 步") && zh.readout_html().contains("超出窗口"));
        assert!(en.legend_html().contains("1/γ circle") && zh.legend_html().contains("1/γ 圆"));
        let gated = data(CellKind::Lstm, false, 1.0, 0, Locale::en);
        assert!(!gated.legend_html().contains("1/γ"));
    }

    #[test]
    fn the_views_blocks_are_the_engines() {
        // The view names a block by `Block::name`; the spectrum it draws is
        // the engine's for that block, under the same name.
        for (cell, bidi) in [
            (CellKind::Rnn, false),
            (CellKind::Lstm, true),
            (CellKind::Gru, true),
        ] {
            let config = rnn_core::ExperimentConfig {
                cell,
                bidirectional: bidi,
                hidden_size: 3,
                ..Default::default()
            };
            let e = rnn_core::Experiment::new(config).unwrap();
            let (weights, analysis) = (e.recurrent_weights(), e.analysis(None));
            for b in Block::all(cell, bidi) {
                let mine = weights.block_spectrum(b).unwrap();
                assert_eq!(mine.name, b.name(bidi));
                assert!(analysis.spectra.contains(&mine));
            }
        }
    }

    #[test]
    fn markup_is_unchanged() {
        for (name, d) in [
            ("rnn-en", data(CellKind::Rnn, false, 0.25, 7, Locale::en)),
            ("lstm-bi-zh", data(CellKind::Lstm, true, 1.0, 0, Locale::zh)),
        ] {
            crate::html::golden(&format!("spectrum-table-{name}"), &d.table_html());
            crate::html::golden(&format!("spectrum-readout-{name}"), &d.readout_html());
            crate::html::golden(&format!("spectrum-legend-{name}"), &d.legend_html());
        }
    }
}
