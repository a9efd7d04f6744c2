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
//! The pure parts ([`Verdict`], [`plane_extent`], [`circle`]) are tested.

use crate::lab::{Lab, RunState};
use crate::views::chart::{css, err, house_style, legend_item, rgb, root};
use crate::views::onscreen::{draw_canvas_when_due, Redraw};
use crate::views::stats::{escape, fmt, options_html};
use crate::views::throttle::throttled_trace;
use leptos::prelude::*;
use rnn_core::spectrum::{spectrum, Spectrum};
use rnn_core::{CellKind, Param};

const C_NOW: (u8, u8, u8) = (0, 114, 178);
const C_INIT: (u8, u8, u8) = (120, 120, 120);
const C_GAMMA: (u8, u8, u8) = (213, 94, 0);

/// Which block of which direction: (direction, gate index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub direction: usize,
    pub gate: usize,
}

/// The block a class sees first: the forget gate's (LSTM), the update
/// gate's (GRU), W itself (RNN).
pub fn default_block(cell: CellKind) -> Block {
    let gate = match cell {
        CellKind::Lstm => 1,
        CellKind::Gru => 1,
        CellKind::Rnn => 0,
    };
    Block { direction: 0, gate }
}

/// The block's name as the engine's analysis spells it ("W", "W_f",
/// "bwd.W_z"), and in words.
pub fn block_name(cell: CellKind, bidirectional: bool, b: Block) -> (String, String) {
    let prefix = if bidirectional {
        ["fwd.", "bwd."][b.direction.min(1)]
    } else {
        ""
    };
    let gate = cell.gate_names().get(b.gate).copied().unwrap_or("?");
    let words = match (cell, gate) {
        (CellKind::Rnn, _) => "recurrent matrix W",
        (CellKind::Lstm, "i") => "input gate's W_i",
        (CellKind::Lstm, "f") => "forget gate's W_f",
        (CellKind::Lstm, "g") => "candidate's W_g",
        (CellKind::Lstm, "o") => "output gate's W_o",
        (CellKind::Gru, "r") => "reset gate's W_r",
        (CellKind::Gru, "z") => "update gate's W_z",
        (CellKind::Gru, "n") => "candidate's W_n",
        _ => "block",
    };
    let name = if cell == CellKind::Rnn {
        format!("{prefix}W")
    } else {
        format!("{prefix}W_{gate}")
    };
    let dir = if bidirectional {
        [" (forward)", " (backward)"][b.direction.min(1)]
    } else {
        ""
    };
    (name, format!("{words}{dir}"))
}

/// The spectrum of gate block `gate` (rows gate·H .. (gate+1)·H) of a
/// recurrent weight matrix.
pub fn block_spectrum(w: &Param<f32>, hidden: usize, gate: usize, name: &str) -> Option<Spectrum> {
    if hidden == 0 || (gate + 1) * hidden > w.value.nrows() {
        return None;
    }
    let block = w.value.rows(gate * hidden, hidden).map(|x| x as f64);
    spectrum(name, &block)
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

    pub fn sentence(self, gamma: f64, rho: f64, sigma_max: f64) -> String {
        match self {
            Verdict::MustVanish => format!(
                "γ·σ_max = {} < 1: every step back multiplies the gradient by less than 1 — it must vanish.",
                fmt(gamma * sigma_max)
            ),
            Verdict::CanExplode => format!(
                "γ·ρ = {} > 1: the gradient can grow step after step — it may explode (clip it).",
                fmt(gamma * rho)
            ),
            Verdict::Either if (gamma * sigma_max - 1.0).abs() <= EDGE => format!(
                "γ·ρ = γ·σ_max = {}: on the edge (an orthogonal W) — how saturated the units are decides.",
                fmt(gamma * sigma_max)
            ),
            Verdict::Either => format!(
                "γ·ρ = {} ≤ 1 ≤ γ·σ_max = {}: neither is guaranteed — watch the gradient view.",
                fmt(gamma * rho),
                fmt(gamma * sigma_max)
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
    pub name: String,
    pub words: String,
    pub gamma: f64,
    pub step: u64,
    pub now: Option<Spectrum>,
    pub init: Option<Spectrum>,
}

impl SpectrumData {
    pub fn table_html(&self) -> String {
        let mut s = format!(
            "<caption>Spectrum of {} (γ = {})</caption><thead><tr><th>when</th><th>step</th>\
             <th>spectral radius</th><th>sigma max</th><th>eigenvalues (re, im)</th><th>singular values</th>\
             </tr></thead><tbody>",
            escape(&self.name),
            self.gamma
        );
        for (when, step, sp) in [("initial", 0, &self.init), ("current", self.step, &self.now)] {
            if let Some(sp) = sp {
                let eig: Vec<String> = sp
                    .eigenvalues
                    .iter()
                    .map(|(re, im)| format!("({re}, {im})"))
                    .collect();
                let sv: Vec<String> = sp.singular_values.iter().map(|v| v.to_string()).collect();
                s += &format!(
                    "<tr data-when=\"{when}\"><td>{when}</td><td>{step}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    sp.spectral_radius,
                    sp.sigma_max,
                    eig.join(" "),
                    sv.join(" ")
                );
            }
        }
        s + "</tbody>"
    }
}

#[component]
pub fn SpectrumView() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let chosen = RwSignal::new(None::<Block>);
    let init = StoredValue::new(Vec::<Param<f32>>::new());
    let data = RwSignal::new(None::<SpectrumData>);
    // (time of the last computation, its cost) in ms.
    let cost = StoredValue::new((f64::NEG_INFINITY, 0.0f64));
    let trace = throttled_trace(lab, 400.0);
    let now_ms = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    };
    // The untrained weights, kept at every reset (the lab publishes the
    // step-0 probe before any training step).
    Effect::new(move |_| {
        lab.epoch.track();
        let w = lab.with_experiment(|e| {
            (e.steps_done() == 0).then(|| {
                let net = e.net();
                std::iter::once(&net.fwd)
                    .chain(net.bwd.iter())
                    .map(|l| l.w.clone())
                    .collect::<Vec<_>>()
            })
        });
        init.set_value(w.flatten().unwrap_or_default());
        chosen.set(None);
    });
    // Recomputed when the weights or the choice change, and only while the
    // view is on screen (a scrolled-away view costs nothing).
    let view_ref = NodeRef::<leptos::html::Div>::new();
    let compute = Redraw::new();
    Effect::new(move |_| {
        trace.track();
        chosen.track();
        lab.run.track();
        compute.changed();
    });
    let init_cache = StoredValue::new(None::<(u64, Block, Option<Spectrum>)>);
    Effect::new(move |_| {
        let Some(el) = view_ref.get() else { return };
        let running = lab.run.get_untracked() == RunState::Running;
        if !compute.due_or(&el, !running) {
            return;
        }
        let block = chosen.get_untracked();
        let t0 = now_ms();
        let (last, c) = cost.get_value();
        // A big matrix while training: keep the decompositions to about a
        // tenth of the time (the label says which step is shown).
        if running && t0 - last < 10.0 * c {
            return;
        }
        let Some((cell, bidi, hidden, gamma, step)) = lab.with_experiment(|e| {
            let c = e.config();
            (
                c.cell,
                c.bidirectional,
                c.hidden_size,
                c.activation.max_derivative(),
                e.steps_done(),
            )
        }) else {
            return;
        };
        let gamma = if cell == CellKind::Rnn { gamma } else { 1.0 };
        let b = block.unwrap_or(default_block(cell));
        let (name, words) = block_name(cell, bidi, b);
        let now = lab
            .with_experiment(|e| {
                let net = e.net();
                let layer = if b.direction == 1 {
                    net.bwd.as_ref()
                } else {
                    Some(&net.fwd)
                };
                layer.and_then(|l| block_spectrum(&l.w, hidden, b.gate, &name))
            })
            .flatten();
        // The initial spectrum of a block is computed once per reset.
        let epoch = lab.epoch.get_untracked();
        let init_sp = match init_cache.get_value() {
            Some((e, cached, sp)) if e == epoch && cached == b => sp,
            _ => {
                let sp = init.with_value(|ws| {
                    ws.get(b.direction)
                        .and_then(|w| block_spectrum(w, hidden, b.gate, &name))
                });
                init_cache.set_value(Some((epoch, b, sp.clone())));
                sp
            }
        };
        cost.set_value((t0, now_ms() - t0));
        data.set(Some(SpectrumData {
            cell,
            name,
            words,
            gamma,
            step,
            now,
            init: init_sp,
        }));
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let redraw = Redraw::new();
    Effect::new(move |_| {
        data.track();
        redraw.changed();
    });
    draw_canvas_when_due(canvas, redraw, data, draw, "spectrum");
    let options = move || {
        let (cell, bidi) = lab.settings.with(|s| (s.model.cell, s.model.bidirectional));
        let dirs = if bidi { 2 } else { 1 };
        let current = chosen.get().unwrap_or(default_block(cell));
        let blocks = (0..dirs)
            .flat_map(|d| {
                (0..cell.gate_names().len()).map(move |g| Block {
                    direction: d,
                    gate: g,
                })
            })
            .map(|b| {
                let (name, words) = block_name(cell, bidi, b);
                (format!("{}:{}", b.direction, b.gate), format!("{name} — {words}"))
            })
            .collect::<Vec<_>>();
        options_html(&blocks, &format!("{}:{}", current.direction, current.gate))
    };
    let gated = move || lab.settings.with(|s| s.model.cell != CellKind::Rnn);
    let on_pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some((d, g)) = v.split_once(':') {
            if let (Ok(direction), Ok(gate)) = (d.parse(), g.parse()) {
                chosen.set(Some(Block { direction, gate }));
            }
        }
    };
    let number = move |pick: fn(&Spectrum) -> f64| {
        move || {
            data.with(|d| {
                let d = d.as_ref()?;
                let init = d.init.as_ref().map(|s| fmt(pick(s)));
                let now = d.now.as_ref().map(|s| fmt(pick(s)));
                Some(match (init, now) {
                    (Some(i), Some(n)) if d.step > 0 => format!("{i} → {n}"),
                    (_, Some(n)) => n,
                    (Some(i), None) => format!("{i} → ?"),
                    (None, None) => "—".into(),
                })
            })
        }
    };
    let heading = move || {
        data.with(|d| match d {
            Some(d) if d.step == 0 => {
                format!("{}: at initialisation (step 0), before any training.", d.words)
            }
            Some(d) => {
                let off = d
                    .now
                    .as_ref()
                    .is_some_and(|s| s.spectral_radius * 1.12 > MAX_EXTENT);
                format!(
                    "{}: initial (grey rings) → step {} (blue dots).{}",
                    d.words,
                    d.step,
                    if off {
                        " Eigenvalues beyond the window sit on its edge."
                    } else {
                        ""
                    }
                )
            }
            None => "No model yet.".into(),
        })
    };
    let verdict = move || {
        data.with(|d| {
            let d = d.as_ref()?;
            if d.cell != CellKind::Rnn {
                return Some((
                    "verdict".to_string(),
                    "Gated cell: the cell state (LSTM) or z·hₜ₋₁ (GRU) carries the gradient past W, \
                     so the gates matter more than this spectrum."
                        .to_string(),
                ));
            }
            let s = d.init.as_ref().or(d.now.as_ref())?;
            let v = Verdict::of(d.gamma, s.spectral_radius, s.sigma_max);
            Some((
                v.class().to_string(),
                format!(
                    "Prediction at initialisation: {}",
                    v.sentence(d.gamma, s.spectral_radius, s.sigma_max)
                ),
            ))
        })
    };
    let table = move || data.with(|d| d.as_ref().map(SpectrumData::table_html).unwrap_or_default());
    let gamma_text = move || {
        data.with(|d| {
            d.as_ref().map(|d| {
                if d.cell == CellKind::Rnn {
                    format!(
                        "γ = max φ' = {} (the activation's largest slope); 1/γ = {}",
                        fmt(d.gamma),
                        fmt(1.0 / d.gamma)
                    )
                } else {
                    "Gates: σ (γ = 0.25) and tanh (γ = 1).".to_string()
                }
            })
        })
    };
    // Caption, big numbers and verdict as one string (far less download
    // than a reactive node each).
    let readout = move || {
        let big = |value: Option<String>, what: &str| {
            format!(
                "<div class=\"big-number\"><span class=\"value\">{}</span><span class=\"what\">{what}</span></div>",
                escape(&value.unwrap_or_default())
            )
        };
        let mut html = format!(
            "<p class=\"view-caption\">{}</p><div class=\"big-numbers\">{}{}</div><p class=\"view-caption\">{}</p>",
            escape(&heading()),
            big(number(|s| s.spectral_radius)(), "spectral radius ρ = max |λ|"),
            big(number(|s| s.sigma_max)(), "σ_max = ‖W‖₂"),
            escape(&gamma_text().unwrap_or_default()),
        );
        if let Some((class, text)) = verdict() {
            html += &format!("<p class=\"{class}\">{}</p>", escape(&text));
        }
        html
    };
    // The legend as one string; the 1/γ circle is only drawn when γ ≠ 1.
    let legend = move || {
        let mut html = legend_item(
            "swatch dot",
            &format!("background: {}", css(C_NOW)),
            "eigenvalue now",
        ) + &legend_item(
            "swatch dot",
            &format!("border: 2px solid {}; background: none", css(C_INIT)),
            "at initialisation",
        ) + &legend_item("swatch", "border-color: #333", "unit circle |λ| = 1");
        if data.with(|d| d.as_ref().is_some_and(|d| (d.gamma - 1.0).abs() > 1e-9)) {
            html += &legend_item(
                "swatch dashed",
                &format!("border-color: {}", css(C_GAMMA)),
                "1/γ circle and line",
            );
        }
        html
    };
    view! {
        <div class="view spectrum-view" data-testid="spectrum" node_ref=view_ref>
            <h2>"Spectrum of the recurrent matrix"</h2>
            <div class="view-controls" hidden=move || !gated()>
                <label>"block " <select on:change=on_pick inner_html=options></select></label>
            </div>
            <div class="contents" inner_html=readout></div>
            <canvas
                node_ref=canvas
                class="chart spectrum-chart"
                role="img"
                aria-label="Eigenvalues in the complex plane with the unit circle and the 1/γ circle, and the singular values as bars"
            ></canvas>
            <ul class="legend" inner_html=legend></ul>
            <div class="visually-hidden"><table data-testid="spectrum-data" inner_html=table></table></div>
        </div>
    }
}

/// Left: the complex plane (square); right: the singular values as bars.
pub fn draw(canvas: &web_sys::HtmlCanvasElement, d: &SpectrumData) -> Result<(), String> {
    use plotters::prelude::*;
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
        .x_desc("Re λ")
        .y_desc("Im λ")
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
        .x_desc("k, largest first")
        .y_desc("singular value σ_k")
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
            .sentence(0.25, 1.0, 1.0)
            .contains("0.25 < 1"));
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
                direction: 0,
                gate: 1
            }
        );
        let (n, w) = block_name(CellKind::Lstm, false, default_block(CellKind::Lstm));
        assert_eq!(n, "W_f");
        assert!(w.contains("forget"));
        let (n, w) = block_name(
            CellKind::Gru,
            true,
            Block {
                direction: 1,
                gate: 1,
            },
        );
        assert_eq!(n, "bwd.W_z");
        assert!(w.contains("update") && w.contains("backward"));
        assert_eq!(
            block_name(CellKind::Rnn, false, default_block(CellKind::Rnn)).0,
            "W"
        );
    }

    #[test]
    fn block_spectrum_matches_the_engines_analysis() {
        let config = rnn_core::ExperimentConfig {
            cell: CellKind::Lstm,
            hidden_size: 6,
            ..Default::default()
        };
        let e = rnn_core::Experiment::new(config).unwrap();
        let analysis = e.analysis(None);
        for (gate, key) in ["i", "f", "g", "o"].iter().enumerate() {
            let name = format!("W_{key}");
            let mine = block_spectrum(&e.net().fwd.w, 6, gate, &name).unwrap();
            let theirs = analysis.spectra.iter().find(|s| s.name == name).unwrap();
            assert!((mine.spectral_radius - theirs.spectral_radius).abs() < 1e-9);
            assert!((mine.sigma_max - theirs.sigma_max).abs() < 1e-9);
        }
        assert!(block_spectrum(&e.net().fwd.w, 6, 4, "W_x").is_none());
    }
}
