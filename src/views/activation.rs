//! View 7, activation and its derivative (`activation-plot`): the chosen φ
//! and φ' (σ and tanh for LSTM and GRU, whose gates use both), with the
//! largest slope max φ' marked (0.25 for sigmoid: every step back through a
//! sigmoid multiplies the gradient by at most a quarter), and below it a
//! histogram of the latest trace's pre-activations a_t, with the saturated
//! zone (where φ' is nearly 0) shaded and its share given as a number.
//!
//! The pure parts ([`curve`], [`Group`], [`ActivationData::prepare`]) are
//! tested natively. The words are in the page's language
//! (`locales/*/cells.json`, `cells.activation`); the canvas publishes the
//! ones it draws in `data-words`.

use crate::html::{big_number, legend_item, Html, Table, TD};
use crate::i18n::*;
use crate::lab::{Lab, RunState};
use crate::lang::Locale;
use crate::views::chart::{css, err, font, house_style, pxi, rgb, root};
use crate::views::gates::Squash;
use crate::views::onscreen::{draw_canvas_when_due, table_due, Redraw};
use crate::views::stats::{fmt, pct, Histogram};
use crate::views::throttle::throttled_trace;
use leptos::prelude::*;
use rnn_core::{Activation, CellKind, Gate, Trace};

const BINS: usize = 48;
const C_PHI: (u8, u8, u8) = (0, 114, 178);
const C_DPHI: (u8, u8, u8) = (213, 94, 0);
const C_TANH: (u8, u8, u8) = (0, 158, 115);
const C_DTANH: (u8, u8, u8) = (204, 121, 167);
const C_SAT: RGBA = RGBA(230, 159, 0, 0.22);
use plotters::style::RGBAColor as RGBA;

/// φ(a) and φ'(a) at `n` + 1 points over [lo, hi].
pub fn curve(act: Activation, lo: f64, hi: f64, n: usize) -> Vec<(f64, f64, f64)> {
    (0..=n)
        .map(|i| {
            let a = lo + (hi - lo) * i as f64 / n as f64;
            let y = act.apply(a);
            (a, y, act.derivative(a, y))
        })
        .collect()
}

/// Where φ saturates: |a| beyond this (σ, tanh: where φ comes within 0.05 of
/// its bounds, as the gate view counts it), or a ≤ 0 for ReLU.
pub fn saturation_edge(act: Activation) -> Option<f64> {
    match act {
        // σ(a) = 0.95 ⇔ a = ln 19; tanh(a) = 0.95 ⇔ a = atanh 0.95.
        Activation::Sigmoid => Some(19f64.ln()),
        Activation::Tanh => Some(0.95f64.atanh()),
        _ => None,
    }
}

/// One group of pre-activations that pass through the same φ.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// "a_t into tanh", "σ gates i, f, o", "tanh candidate g" (in the
    /// page's language).
    pub label: String,
    pub act: Activation,
    pub values: Vec<f64>,
    /// Share whose φ(a) is saturated (σ/tanh within 0.05 of a bound; ReLU
    /// switched off).
    pub saturated: f64,
    pub hist: Histogram,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActivationData {
    pub step: u64,
    pub cell: CellKind,
    pub lo: f64,
    pub hi: f64,
    pub groups: Vec<Group>,
    /// The language of the labels, the table and the canvas.
    pub l: Locale,
}

impl ActivationData {
    /// The trace's pre-activations (direction 0, all time steps and units),
    /// split by the function they go through.
    pub fn prepare(trace: &Trace, l: Locale) -> Option<ActivationData> {
        let d = trace.directions.first()?;
        let h = trace.hidden;
        // The pre-activations of gate blocks (by stacking index; the RNN's
        // one block is 0).
        let gather = |gates: &[usize]| -> Vec<f64> {
            d.pre_activations
                .iter()
                .flat_map(|col| {
                    gates
                        .iter()
                        .flat_map(move |g| col.iter().skip(g * h).take(h).copied())
                })
                .filter(|v| v.is_finite())
                .collect()
        };
        let raw: Vec<(String, Activation, Vec<f64>)> = match trace.cell {
            CellKind::Rnn => vec![(
                crate::tr!(
                    l,
                    cells.activation.rnn_group,
                    act = crate::text::activation(l, trace.activation)
                ),
                trace.activation,
                gather(&[0]),
            )],
            CellKind::Lstm => vec![
                (
                    td_string!(l, cells.activation.lstm_sigmoid).into(),
                    Activation::Sigmoid,
                    gather(&[Gate::I, Gate::F, Gate::O].map(Gate::index)),
                ),
                (
                    td_string!(l, cells.activation.lstm_tanh).into(),
                    Activation::Tanh,
                    gather(&[Gate::G.index()]),
                ),
            ],
            CellKind::Gru => vec![
                (
                    td_string!(l, cells.activation.gru_sigmoid).into(),
                    Activation::Sigmoid,
                    gather(&[Gate::R, Gate::Z].map(Gate::index)),
                ),
                (
                    td_string!(l, cells.activation.gru_tanh).into(),
                    Activation::Tanh,
                    gather(&[Gate::N.index()]),
                ),
            ],
        };
        let reach = raw
            .iter()
            .flat_map(|(_, _, v)| v.iter())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let half = reach.clamp(5.0, 20.0).ceil();
        let (lo, hi) = (-half, half);
        let groups = raw
            .into_iter()
            .map(|(label, act, values)| {
                let squash = squash_of(act);
                let saturated =
                    crate::views::stats::fraction(values.iter().copied(), |a| squash.saturated(act.apply(a)));
                let hist = Histogram::new(values.iter().copied(), lo, hi, BINS);
                Group {
                    label,
                    act,
                    values,
                    saturated,
                    hist,
                }
            })
            .collect();
        Some(ActivationData {
            step: trace.step,
            cell: trace.cell,
            lo,
            hi,
            groups,
            l,
        })
    }

    /// The functions drawn: φ, or σ and tanh for gated cells.
    pub fn functions(&self) -> Vec<Activation> {
        let mut f: Vec<Activation> = Vec::new();
        for g in &self.groups {
            if !f.contains(&g.act) {
                f.push(g.act);
            }
        }
        f
    }

    /// The marker of function `a`'s largest slope, as drawn on the chart.
    pub fn marker(&self, a: Activation) -> String {
        let f = if self.functions().len() > 1 {
            short(self.l, a)
        } else {
            "φ"
        };
        crate::tr!(self.l, cells.activation.marker, f, max = fmt(a.max_derivative()))
    }

    /// Every word drawn on the canvas, one per line (published as its
    /// `data-words`).
    pub fn canvas_words(&self) -> String {
        let l = self.l;
        let mut words = vec![
            td_string!(l, cells.activation.y_top).to_string(),
            td_string!(l, cells.activation.x_bottom).to_string(),
            td_string!(l, cells.activation.y_bottom).to_string(),
        ];
        words.extend(self.functions().into_iter().map(|a| self.marker(a)));
        words.join("\n")
    }

    /// The readouts above the chart (the saturated share of each group) as
    /// HTML.
    pub fn readouts_html(&self) -> String {
        let l = self.l;
        let mut h = Html::new();
        for g in &self.groups {
            let zone = match g.act {
                Activation::Relu | Activation::LeakyRelu => {
                    td_string!(l, cells.activation.zone_off).to_string()
                }
                Activation::Identity => td_string!(l, cells.activation.zone_never).to_string(),
                a => crate::tr!(
                    l,
                    cells.activation.zone_saturated,
                    edge = fmt(saturation_edge(a).unwrap_or(0.0))
                ),
            };
            let what = crate::tr!(l, cells.activation.readout, label = &g.label, zone);
            big_number(&mut h, &pct(g.saturated), &what);
        }
        h.finish()
    }

    /// The caption under the title.
    pub fn caption(&self) -> String {
        let l = self.l;
        crate::tr!(
            l,
            cells.activation.caption,
            n = self.groups.iter().map(|g| g.values.len()).sum::<usize>(),
            step = self.step,
            untrained = if self.step == 0 {
                td_string!(l, cells.common.untrained)
            } else {
                ""
            },
            gated = if self.groups.len() > 1 {
                td_string!(l, cells.activation.caption_gated)
            } else {
                ""
            }
        )
    }

    /// The legend of the functions drawn, as HTML (`<li>`s).
    pub fn legend_html(&self) -> String {
        let l = self.l;
        let mut h = Html::new();
        for (k, a) in self.functions().into_iter().enumerate() {
            let (c, dc) = colours(k);
            let name = crate::text::activation(l, a);
            legend_item(
                &mut h,
                "swatch",
                &format!("border-color: {}", css(c)),
                &crate::tr!(l, cells.activation.legend_phi, name),
            );
            legend_item(
                &mut h,
                "swatch dashed",
                &format!("border-color: {}", css(dc)),
                &crate::tr!(
                    l,
                    cells.activation.legend_dphi,
                    name,
                    max = fmt(a.max_derivative())
                ),
            );
        }
        h.finish()
    }

    pub fn table_html(&self) -> String {
        let l = self.l;
        let mut t = Table::new(&crate::tr!(l, cells.activation.table.caption, step = self.step));
        t.header(&[
            td_string!(l, cells.activation.table.group),
            td_string!(l, cells.activation.table.function),
            td_string!(l, cells.activation.table.max_derivative),
            td_string!(l, cells.activation.table.values),
            td_string!(l, cells.activation.table.saturated),
            td_string!(l, cells.activation.table.bin_from),
            td_string!(l, cells.activation.table.bin_to),
            td_string!(l, cells.activation.table.count),
        ]);
        for g in &self.groups {
            for i in 0..g.hist.counts.len() {
                let (a, b) = g.hist.edges(i);
                let row = t.row().attr("data-function", g.act.name());
                row.el(TD, &g.label).el(TD, crate::text::activation(l, g.act));
                for v in [
                    g.act.max_derivative(),
                    g.values.len() as f64,
                    g.saturated,
                    a,
                    b,
                    g.hist.counts[i] as f64,
                ] {
                    row.open(TD).num(v).close();
                }
            }
        }
        t.finish()
    }
}

fn squash_of(act: Activation) -> Squash {
    match act {
        Activation::Sigmoid => Squash::Sigmoid,
        Activation::Tanh => Squash::Tanh,
        Activation::Relu | Activation::LeakyRelu => Squash::Relu,
        Activation::Identity => Squash::None,
    }
}

/// The function's name in a formula: σ, tanh, ReLU, φ.
fn short(l: Locale, a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "σ",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => crate::text::activation(l, a),
        Activation::Identity => "φ",
    }
}

/// Colours of φ and φ' for function number `k` of the chart.
fn colours(k: usize) -> ((u8, u8, u8), (u8, u8, u8)) {
    if k == 0 {
        (C_PHI, C_DPHI)
    } else {
        (C_TANH, C_DTANH)
    }
}

#[component]
pub fn ActivationPlot() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let trace = throttled_trace(lab, 300.0);
    let i18n = use_i18n();
    // Prepared only while the view is on screen, or once when the lab stops
    // (so the data table is current); again when the language changes.
    let data = RwSignal::new(None::<ActivationData>);
    let view_ref = NodeRef::<leptos::html::Div>::new();
    let compute = Redraw::new();
    Effect::new(move |_| {
        trace.track();
        lab.run.track();
        i18n.get_locale();
        compute.changed();
    });
    Effect::new(move |_| {
        let Some(el) = view_ref.get() else { return };
        let running = lab.run.get_untracked() == RunState::Running;
        if compute.due_or(&el, !running) {
            let l = i18n.get_locale_untracked();
            data.set(trace.with_untracked(|t| t.as_ref().and_then(|t| ActivationData::prepare(t, l))));
        }
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let redraw = Redraw::new();
    let table = RwSignal::new(String::new());
    // The language of the table last built (None: never built); a table in
    // the other language is rebuilt even while training.
    let table_built = StoredValue::new(None::<Locale>);
    Effect::new(move |_| {
        let running = lab.run.get() == RunState::Running;
        data.with(|d| {
            let built = table_built.get_value();
            let l = d.as_ref().map(|d| d.l);
            if table_due(built.is_some(), running) || (l.is_some() && built != l) {
                table_built.set_value(l.or(Some(Locale::en)));
                table.set(d.as_ref().map(ActivationData::table_html).unwrap_or_default());
            }
        });
        redraw.changed();
    });
    draw_canvas_when_due(canvas, redraw, data, draw, "activation plot");
    let readouts = move || data.with(|d| d.as_ref().map_or(String::new(), ActivationData::readouts_html));
    let caption = move || {
        data.with(|d| match d {
            Some(d) => d.caption(),
            None => td_string!(i18n.get_locale(), cells.common.no_trace).to_string(),
        })
    };
    let legend = move || {
        let mut zone = Html::new();
        legend_item(
            &mut zone,
            "swatch bar",
            "background: rgba(230,159,0,0.35)",
            td_string!(i18n.get_locale(), cells.activation.legend_zone),
        );
        data.with(|d| d.as_ref().map_or(String::new(), ActivationData::legend_html)) + &zone.finish()
    };
    view! {
        <div class="view activation-view" data-testid="activation-plot" node_ref=view_ref>
            <button class="icon png-button" data-png="activation-plot" data-what="activation" data-testid="export-png-activation-plot">"PNG"</button>
            <h2>{t!(i18n, cells.activation.title)}</h2>
            <p class="view-caption">{caption}</p>
            <div class="big-numbers" inner_html=readouts></div>
            <canvas
                node_ref=canvas
                class="chart activation-chart"
                role="img"
                aria-label=move || t_string!(i18n, cells.activation.aria)
            ></canvas>
            <ul class="legend" inner_html=legend></ul>
            <div class="visually-hidden"><table data-testid="activation-plot-data" inner_html=move || table.get()></table></div>
        </div>
    }
}

pub fn draw(canvas: &web_sys::HtmlCanvasElement, d: &ActivationData) -> Result<(), String> {
    use plotters::prelude::*;
    let _ = canvas.set_attribute("data-words", &d.canvas_words());
    let l = d.l;
    let (f, root) = root(canvas)?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((h as f64 * 0.56) as u32);
    let funcs = d.functions();
    let (y_lo, y_hi) = funcs.iter().fold((0.0f64, 1.0f64), |(lo, hi), a| match a {
        Activation::Tanh => (lo.min(-1.0), hi.max(1.0)),
        // Unbounded: show the whole line, so it never looks flattened.
        Activation::Relu | Activation::LeakyRelu => (lo.min(-0.5), hi.max(d.hi)),
        Activation::Identity => (lo.min(d.lo), hi.max(d.hi)),
        Activation::Sigmoid => (lo, hi),
    });
    let pad = 0.08 * (y_hi - y_lo);
    let mut chart = ChartBuilder::on(&top)
        .margin(f.px(6.0))
        .margin_right(f.px(14.0))
        .x_label_area_size(f.px(10.0))
        .y_label_area_size(f.px(52.0))
        .build_cartesian_2d(d.lo..d.hi, (y_lo - pad)..(y_hi + pad))
        .map_err(err)?;
    house_style(&mut chart.configure_mesh(), &f)
        .y_desc(td_string!(l, cells.activation.y_top))
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|y| fmt(*y))
        .draw()
        .map_err(err)?;
    for (k, a) in funcs.iter().enumerate() {
        let (c, dc) = colours(k);
        let pts = curve(*a, d.lo, d.hi, 400);
        let clip = |y: f64| y.clamp(y_lo - pad, y_hi + pad);
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (p.0, clip(p.1))),
                rgb(c).stroke_width(f.px(2.5)),
            ))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                pts.iter().map(|p| (p.0, clip(p.2))),
                f.px(7.0),
                f.px(4.0),
                rgb(dc).stroke_width(f.px(2.5)),
            ))
            .map_err(err)?;
        // max φ' marked where it is reached (a = 0 for σ and tanh; a > 0
        // for ReLU, drawn at a = 1).
        let at = match a {
            Activation::Relu | Activation::LeakyRelu => 1.0,
            _ => 0.0,
        };
        let m = a.max_derivative();
        chart
            .draw_series(std::iter::once(Circle::new((at, m), f.px(5.0), rgb(dc).filled())))
            .map_err(err)?;
        // The label sits in the top-left corner, clear of the curves.
        let corner = (d.lo, y_hi + pad);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(corner)
                    + Text::new(
                        d.marker(*a),
                        (pxi(&f, 6.0), pxi(&f, 4.0 + 19.0 * k as f64)),
                        font(&f, 15.0).color(&rgb(dc)),
                    ),
            ))
            .map_err(err)?;
    }

    // Histogram of pre-activations (share of each group per bin).
    let top_share = d
        .groups
        .iter()
        .flat_map(|g| {
            let n = g.values.len().max(1) as f64;
            g.hist.counts.iter().map(move |c| *c as f64 / n)
        })
        .fold(0.0, f64::max)
        .max(0.01)
        * 1.1;
    let mut hist = ChartBuilder::on(&bottom)
        .margin(f.px(6.0))
        .margin_right(f.px(14.0))
        .x_label_area_size(f.px(40.0))
        .y_label_area_size(f.px(52.0))
        .build_cartesian_2d(d.lo..d.hi, 0f64..top_share)
        .map_err(err)?;
    house_style(&mut hist.configure_mesh(), &f)
        .x_desc(td_string!(l, cells.activation.x_bottom))
        .y_desc(td_string!(l, cells.activation.y_bottom))
        .x_labels(7)
        .y_labels(3)
        .x_label_formatter(&|x| fmt(*x))
        .y_label_formatter(&|y| pct(*y))
        .draw()
        .map_err(err)?;
    // The saturated zone of the first function (σ for gated cells).
    if let Some(first) = funcs.first() {
        let zones: Vec<(f64, f64)> = match (first, saturation_edge(*first)) {
            (_, Some(e)) => vec![(d.lo, -e), (e, d.hi)],
            (Activation::Relu | Activation::LeakyRelu, None) => vec![(d.lo, 0.0)],
            _ => vec![],
        };
        hist.draw_series(
            zones
                .into_iter()
                .filter(|(a, b)| b > a)
                .map(|(a, b)| Rectangle::new([(a, 0.0), (b, top_share)], C_SAT.filled())),
        )
        .map_err(err)?;
    }
    // For gated cells, tanh saturates sooner than σ: its edges dashed.
    if let (Some(Activation::Sigmoid), Some(e)) = (funcs.first(), saturation_edge(Activation::Tanh)) {
        if funcs.len() > 1 {
            for x in [-e, e] {
                hist.draw_series(DashedLineSeries::new(
                    [(x, 0.0), (x, top_share)],
                    f.px(5.0),
                    f.px(4.0),
                    rgb(C_TANH).stroke_width(f.px(2.0)),
                ))
                .map_err(err)?;
            }
        }
    }
    for (k, g) in d.groups.iter().enumerate() {
        let n = g.values.len().max(1) as f64;
        let (c, _) = colours(k);
        let style = if d.groups.len() > 1 {
            rgb(c).mix(0.6).filled()
        } else {
            rgb(c).filled()
        };
        hist.draw_series(
            g.hist
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| {
                    let (a, b) = g.hist.edges(i);
                    Rectangle::new([(a, 0.0), (b, *c as f64 / n)], style)
                }),
        )
        .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::trace::DirectionTrace;

    fn trace(cell: CellKind, act: Activation, pre: Vec<Vec<f64>>, hidden: usize) -> Trace {
        Trace {
            step: 3,
            cell,
            activation: act,
            bidirectional: false,
            example: 0,
            seq_len: pre.len(),
            hidden,
            loss: 0.0,
            inputs: vec![],
            outputs: vec![],
            directions: vec![DirectionTrace {
                name: "forward".into(),
                pre_activations: pre,
                ..Default::default()
            }],
            params: vec![],
            clip: None,
            floor: 1e-38,
        }
    }

    #[test]
    fn sigmoid_slope_peaks_at_a_quarter() {
        let c = curve(Activation::Sigmoid, -6.0, 6.0, 120);
        let (a, _, d) = c
            .iter()
            .copied()
            .fold((0.0, 0.0, 0.0), |m, p| if p.2 > m.2 { p } else { m });
        assert!(a.abs() < 1e-12);
        assert!((d - 0.25).abs() < 1e-12);
        assert!(c
            .iter()
            .all(|p| p.2 <= Activation::Sigmoid.max_derivative() + 1e-12));
    }

    #[test]
    fn saturation_edges_are_where_phi_reaches_095() {
        let e = saturation_edge(Activation::Sigmoid).unwrap();
        assert!((Activation::Sigmoid.apply(e) - 0.95).abs() < 1e-12);
        let e = saturation_edge(Activation::Tanh).unwrap();
        assert!((e.tanh() - 0.95).abs() < 1e-12);
        assert_eq!(saturation_edge(Activation::Relu), None);
    }

    #[test]
    fn rnn_histogram_and_saturated_share() {
        // tanh: |a| > 1.83 saturates: 3.0 and −2.5 of 4 values.
        let t = trace(
            CellKind::Rnn,
            Activation::Tanh,
            vec![vec![0.1, 3.0], vec![-2.5, 1.0]],
            2,
        );
        let d = ActivationData::prepare(&t, Locale::en).unwrap();
        assert_eq!(d.groups.len(), 1);
        assert_eq!(d.groups[0].saturated, 0.5);
        assert_eq!(d.groups[0].hist.total(), 4);
        assert_eq!((d.lo, d.hi), (-5.0, 5.0));
        assert_eq!(d.functions(), [Activation::Tanh]);
    }

    #[test]
    fn lstm_splits_sigmoid_gates_from_the_tanh_candidate() {
        // H = 1: columns hold [i, f, g, o].
        let t = trace(
            CellKind::Lstm,
            Activation::Tanh,
            vec![vec![4.0, 0.0, 2.0, -4.0]],
            1,
        );
        let d = ActivationData::prepare(&t, Locale::en).unwrap();
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[0].values, vec![4.0, 0.0, -4.0]);
        assert_eq!(d.groups[1].values, vec![2.0]);
        // σ(±4) is within 0.05 of a bound; σ(0) = 0.5 is not.
        assert!((d.groups[0].saturated - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(d.groups[1].saturated, 1.0);
        assert_eq!(d.functions(), [Activation::Sigmoid, Activation::Tanh]);
        assert!(d.table_html().contains("data-function=\"sigmoid\""));
        assert_eq!(d.groups[1].label, "tanh candidate g");
        let zh = ActivationData::prepare(&t, Locale::zh).unwrap();
        assert!(zh.table_html().contains("data-function=\"sigmoid\""));
        assert_eq!(zh.groups[0].label, "σ 门 i、f、o");
        assert_eq!(zh.groups[1].label, "tanh 候选记忆 g");
        assert_eq!(zh.groups[0].values, d.groups[0].values);
    }

    #[test]
    fn the_chinese_view_has_no_english() {
        use crate::views::gates::english_words;
        let pre = vec![vec![4.0, 0.0, 2.0, -4.0, 0.5, -3.0]];
        let cases = [
            (CellKind::Rnn, Activation::Tanh),
            (CellKind::Rnn, Activation::Sigmoid),
            (CellKind::Rnn, Activation::Relu),
            (CellKind::Rnn, Activation::LeakyRelu),
            (CellKind::Rnn, Activation::Identity),
            (CellKind::Lstm, Activation::Tanh),
            (CellKind::Gru, Activation::Tanh),
        ];
        for (cell, act) in cases {
            let hidden = if cell == CellKind::Rnn { 6 } else { 1 };
            let t = trace(cell, act, pre.clone(), hidden);
            let d = ActivationData::prepare(&t, Locale::zh).unwrap();
            let all = [
                d.table_html(),
                d.readouts_html(),
                d.caption(),
                d.legend_html(),
                d.canvas_words(),
            ]
            .join("\n");
            assert_eq!(
                english_words(&all),
                Vec::<String>::new(),
                "{cell:?} {act:?}: {all}"
            );
            let en = ActivationData::prepare(&t, Locale::en).unwrap();
            assert!(!english_words(&(en.caption() + &en.canvas_words())).is_empty());
        }
        // The marker of the largest slope names the function on a gated cell.
        let t = trace(CellKind::Lstm, Activation::Tanh, pre, 1);
        let d = ActivationData::prepare(&t, Locale::zh).unwrap();
        assert!(
            d.canvas_words().contains("● σ' 的最大值 = 0.25"),
            "{}",
            d.canvas_words()
        );
        let d = ActivationData::prepare(&t, Locale::en).unwrap();
        assert!(d.canvas_words().contains("● max σ' = 0.25"));
        assert!(d.canvas_words().contains("pre-activation a"));
    }

    #[test]
    fn relu_counts_switched_off_units_and_range_widens() {
        let t = trace(
            CellKind::Rnn,
            Activation::Relu,
            vec![vec![-1.0, 12.5, 0.5, -0.2]],
            4,
        );
        let d = ActivationData::prepare(&t, Locale::en).unwrap();
        assert_eq!(d.groups[0].saturated, 0.5);
        assert_eq!((d.lo, d.hi), (-13.0, 13.0));
    }

    #[test]
    fn markup_is_unchanged() {
        let t = trace(
            CellKind::Lstm,
            Activation::Tanh,
            vec![vec![4.0, 0.0, 2.0, -4.0], vec![0.1, -9.0, 0.5, 3.0]],
            1,
        );
        for (name, l) in [("en", Locale::en), ("zh", Locale::zh)] {
            let d = ActivationData::prepare(&t, l).unwrap();
            crate::html::golden(&format!("activation-table-{name}"), &d.table_html());
            crate::html::golden(&format!("activation-readouts-{name}"), &d.readouts_html());
            crate::html::golden(&format!("activation-legend-{name}"), &d.legend_html());
        }
    }
}
