//! The numbers behind the gradient-through-time views, as plain functions
//! (tested natively): each step's ‖∂L/∂h_t‖ sorted into a value, an
//! underflow or a true zero; the theoretical envelope; the ratio readout;
//! and the accumulated history the heatmap draws. Their words come from
//! the `grads` namespace (`locales/*/grads.json`), in the locale given.

use crate::html::{Table, TD};
use crate::i18n::*;
use crate::lang::Locale;
use rnn_core::DirectionTrace;

/// ‖∂L/∂h_t‖ at one step as a log axis can show it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GradPoint {
    Value(f64),
    /// Zero only because entries fell below the f32 floor and were flushed.
    Underflow,
    /// Exactly zero (no path from the loss, or every unit dead).
    Zero,
    /// ∞ or NaN: the gradient blew up.
    NonFinite,
}

impl GradPoint {
    pub fn value(self) -> Option<f64> {
        match self {
            GradPoint::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Sorts each step of a direction's ‖∂L/∂h_t‖ (index 0 is t = 1).
pub fn grad_points(d: &DirectionTrace) -> Vec<GradPoint> {
    d.grad_h
        .iter()
        .enumerate()
        .map(|(t, &g)| {
            if g > 0.0 && g.is_finite() {
                GradPoint::Value(g)
            } else if !g.is_finite() {
                GradPoint::NonFinite
            } else if d.underflowed(t) {
                GradPoint::Underflow
            } else {
                GradPoint::Zero
            }
        })
        .collect()
}

/// The plain-RNN bound (γ·σ_max(W))^(T−t), scaled to equal the measured
/// ‖∂L/∂h_T‖ at t = T: index 0 is t = 1. Values below `floor` are left out
/// (`None`), as are all of them when the anchor or the factor is unusable.
pub fn envelope(anchor: f64, gamma: f64, sigma_max: f64, len: usize, floor: f64) -> Vec<Option<f64>> {
    let factor = gamma * sigma_max;
    if !(anchor > 0.0 && anchor.is_finite() && factor > 0.0 && factor.is_finite()) {
        return vec![None; len];
    }
    (1..=len)
        .map(|t| {
            // In logs, so a long sequence cannot overflow on the way.
            let log = anchor.log10() + (len - t) as f64 * factor.log10();
            let v = 10f64.powf(log);
            (v.is_finite() && v >= floor && log < 300.0).then_some(v)
        })
        .collect()
}

/// The ratio readout: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ as the page prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct RatioReadout {
    /// For tests and the data table (0 when the first step underflowed).
    pub value: Option<f64>,
    pub text: String,
}

pub fn ratio_readout(l: Locale, d: &DirectionTrace) -> RatioReadout {
    match d.gradient_ratio() {
        Some(r) if r == 0.0 && d.underflowed(0) => RatioReadout {
            value: Some(0.0),
            text: td_string!(l, grads.value.underflow_ratio).into(),
        },
        Some(r) => RatioReadout {
            value: Some(r),
            text: format_sci(r),
        },
        None => RatioReadout {
            value: None,
            text: td_string!(l, grads.value.last_is_zero).into(),
        },
    }
}

/// One step's ‖∂L/∂h_t‖ as a table cell says it: a number, "below f32
/// floor", "0", "∞ or NaN", or "—" for a step that is not there.
pub fn point_text(l: Locale, p: Option<&GradPoint>) -> String {
    match p {
        Some(GradPoint::Value(v)) => format_sci(*v),
        Some(GradPoint::Underflow) => td_string!(l, grads.value.below_floor).into(),
        Some(GradPoint::Zero) => "0".into(),
        Some(GradPoint::NonFinite) => td_string!(l, grads.value.non_finite).into(),
        None => "—".into(),
    }
}

/// A number in a form parseFloat reads and a class can read: `0.42`,
/// `3.1e-7`, `2.0e12`.
pub fn format_sci(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    if (1e-2..1e4).contains(&x.abs()) {
        // Three significant digits.
        let decimals = (2 - x.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        return s;
    }
    format!("{x:.1e}")
}

/// A log-axis tick: `1e-8`, `1`, `100` for whole decades, else as
/// [`format_sci`].
pub fn format_tick(y: f64) -> String {
    let d = y.log10();
    if (d - d.round()).abs() < 1e-9 {
        let d = d.round() as i32;
        if (-2..=3).contains(&d) {
            return format!("{}", 10f64.powi(d));
        }
        return crate::views::colour::decade_label(d);
    }
    format_sci(y)
}

/// The envelope values worth fitting the axis to: at most `decades` above
/// the largest measured value (beyond that the bound says nothing a class
/// can see, and would squash the measured curve flat).
pub fn envelope_in_view(env: &[Option<f64>], points: &[GradPoint], decades: f64) -> Vec<Option<f64>> {
    let top = points.iter().filter_map(|p| p.value()).fold(0.0, f64::max);
    if top <= 0.0 {
        return vec![None; env.len()];
    }
    let limit = top * 10f64.powf(decades);
    env.iter().map(|v| v.filter(|v| *v <= limit)).collect()
}

/// How stale σ_max(W) may get while a network of `hidden` units trains, in
/// milliseconds: an SVD and a Schur decomposition cost about H³, which is
/// nothing at H = 32 and most of a frame at H = 256. `None`: only recompute
/// while training is stopped. Stopped, it is always recomputed.
pub fn spectrum_refresh_ms(hidden: usize, running: bool) -> Option<f64> {
    match (running, hidden) {
        (false, _) => Some(0.0),
        (true, 0..=64) => Some(0.0),
        (true, 65..=160) => Some(2000.0),
        _ => None,
    }
}

/// The y range of the chart: whole decades covering the values, the
/// envelope and (when something underflowed) the floor.
pub fn y_range(points: &[GradPoint], env: &[Option<f64>], floor: f64) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut include = |v: f64| {
        if v > 0.0 && v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    };
    for p in points {
        match p {
            GradPoint::Value(v) => include(*v),
            // Underflow is drawn at the floor, to show how far down it went;
            // an exact zero has no place on a log axis and sits at its foot.
            GradPoint::Underflow => include(floor),
            GradPoint::Zero | GradPoint::NonFinite => {}
        }
    }
    for v in env.iter().flatten() {
        include(*v);
    }
    if !hi.is_finite() {
        return (1e-3, 1.0);
    }
    let lo_d = lo.log10().floor();
    let mut hi_d = hi.log10().ceil();
    if hi_d <= lo_d {
        hi_d = lo_d + 1.0;
    }
    (10f64.powf(lo_d), 10f64.powf(hi_d))
}

/// One sampled row of the heatmap: a training step and its ‖∂L/∂h_t‖.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub step: u64,
    pub points: Vec<GradPoint>,
}

/// The heatmap's rows: samples of the live run, thinned evenly once full so
/// the picture always reaches back to the first step of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct GradHistory {
    rows: Vec<HistoryRow>,
    cap: usize,
    /// Keep one offered sample in `stride` (doubles each time rows are thinned).
    stride: u64,
    offered: u64,
}

impl GradHistory {
    pub fn new(cap: usize) -> Self {
        GradHistory {
            rows: Vec::new(),
            cap: cap.max(4),
            stride: 1,
            offered: 0,
        }
    }

    pub fn rows(&self) -> &[HistoryRow] {
        &self.rows
    }

    /// Offers a sample; the same step twice (a redraw while paused) is kept once.
    /// Returns whether the rows changed.
    pub fn offer(&mut self, step: u64, points: Vec<GradPoint>) -> bool {
        if self.rows.last().is_some_and(|r| r.step >= step) {
            // Same step again, or an older one (a reset that the epoch did
            // not announce): replace rather than disorder the rows.
            if self.rows.last().is_some_and(|r| r.step == step) {
                return false;
            }
            self.clear();
        }
        let keep = self.offered.is_multiple_of(self.stride);
        self.offered += 1;
        if !keep && !self.rows.is_empty() {
            return false;
        }
        self.rows.push(HistoryRow { step, points });
        if self.rows.len() > self.cap {
            // Keep the first row and every other one after it.
            let mut i = 0;
            self.rows.retain(|_| {
                i += 1;
                (i - 1usize).is_multiple_of(2)
            });
            self.stride *= 2;
        }
        true
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.stride = 1;
        self.offered = 0;
    }

    /// The widest row (sequence length can change only with a reset, but a
    /// row is never assumed to match another).
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.points.len()).max().unwrap_or(0)
    }
}

/// The heatmap's pixels: one row per sample (oldest at the top), one
/// column per time step, viridis on `scale`; underflow grey, exact zeros
/// and missing cells white. Returns (width, height, RGBA).
pub fn history_rgba(h: &GradHistory, scale: &crate::views::colour::LogScale) -> (u32, u32, Vec<u8>) {
    use crate::views::colour::UNDERFLOW;
    let (w, rows) = (h.width(), h.rows().len());
    let mut out = Vec::with_capacity(w * rows * 4);
    for row in h.rows() {
        for t in 0..w {
            let (r, g, b) = match row.points.get(t) {
                Some(GradPoint::Value(v)) => scale.colour(*v),
                Some(GradPoint::Underflow) => UNDERFLOW,
                Some(GradPoint::Zero) | None => (255, 255, 255),
                Some(GradPoint::NonFinite) => (213, 94, 0),
            };
            out.extend_from_slice(&[r, g, b, 255]);
        }
    }
    (w as u32, rows as u32, out)
}

/// The colour scale of a history: every value in it, at most 40 decades.
pub fn history_scale(h: &GradHistory) -> Option<crate::views::colour::LogScale> {
    crate::views::colour::LogScale::spanning(
        h.rows()
            .iter()
            .flat_map(|r| r.points.iter().filter_map(|p| p.value())),
        40,
    )
}

/// One row per sample: its step, ‖∂L/∂h_1‖, ‖∂L/∂h_T‖ and their ratio.
pub fn history_table(l: Locale, h: &GradHistory) -> String {
    let mut t = Table::element(td_string!(l, grads.history.table_caption));
    t.header(&[
        td_string!(l, grads.history.table_step),
        "‖∂L/∂h_1‖",
        "‖∂L/∂h_T‖",
        td_string!(l, grads.history.table_ratio),
    ]);
    for r in h.rows() {
        let (first, last) = (r.points.first(), r.points.last());
        let ratio = match (first, last) {
            (Some(GradPoint::Value(a)), Some(GradPoint::Value(b))) => format_sci(a / b),
            (Some(GradPoint::Underflow), Some(GradPoint::Value(_))) => {
                td_string!(l, grads.value.underflow_ratio).into()
            }
            _ => "—".into(),
        };
        let row = t.row().attr_num("data-step", r.step as f64);
        row.open(TD).num(r.step as f64).close();
        row.el(TD, &point_text(l, first))
            .el(TD, &point_text(l, last))
            .el(TD, &ratio);
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(grad_h: Vec<f64>, flushed: Vec<u32>) -> DirectionTrace {
        DirectionTrace {
            name: "forward".into(),
            grad_h,
            flushed,
            ..Default::default()
        }
    }

    #[test]
    fn points_tell_underflow_from_zero() {
        let d = dir(vec![0.0, 0.0, 1e-20, 0.5], vec![0, 3, 0, 0]);
        assert_eq!(
            grad_points(&d),
            vec![
                GradPoint::Underflow,
                GradPoint::Underflow,
                GradPoint::Value(1e-20),
                GradPoint::Value(0.5)
            ]
        );
        let dead = dir(vec![0.0, 1.0], vec![0, 0]);
        assert_eq!(grad_points(&dead)[0], GradPoint::Zero);
        let blown = dir(vec![f64::INFINITY, f64::NAN], vec![0, 0]);
        assert_eq!(grad_points(&blown), vec![GradPoint::NonFinite; 2]);
    }

    #[test]
    fn envelope_meets_the_curve_at_t_equals_t() {
        // sigmoid (γ = 0.25) with σ_max = 2: each step back halves the bound.
        let e = envelope(0.8, 0.25, 2.0, 4, 1e-38);
        let want = [0.1, 0.2, 0.4, 0.8];
        for (got, want) in e.iter().zip(want) {
            assert!((got.unwrap() - want).abs() < 1e-12, "{got:?} vs {want}");
        }
    }

    #[test]
    fn envelope_stops_at_the_floor_and_never_overflows() {
        let e = envelope(1.0, 0.25, 0.01, 30, 1.2e-38);
        assert_eq!(e[29], Some(1.0));
        assert!(e[0].is_none(), "0.0025^29 is far below the f32 floor");
        let big = envelope(1.0, 1.0, 10.0, 1000, 1e-38);
        assert!(big[0].is_none() && big[999] == Some(1.0));
        assert!(big.iter().flatten().all(|v| v.is_finite()));
        assert!(envelope(0.0, 1.0, 1.0, 3, 1e-38).iter().all(Option::is_none));
    }

    #[test]
    fn ratio_readout_names_underflow() {
        let r = ratio_readout(Locale::en, &dir(vec![1e-9, 0.1, 1e-3], vec![0, 0, 0]));
        assert!((r.value.unwrap() - 1e-6).abs() < 1e-18);
        assert_eq!(r.text, "1.0e-6");
        let under = dir(vec![0.0, 1e-30, 0.1], vec![2, 0, 0]);
        let u = ratio_readout(Locale::en, &under);
        assert_eq!(u.value, Some(0.0));
        assert!(u.text.contains("underflow"));
        let u = ratio_readout(Locale::zh, &under);
        assert!(u.text.contains("下溢"), "{}", u.text);
        let z = ratio_readout(Locale::en, &dir(vec![0.1, 0.0], vec![0, 0]));
        assert_eq!(z.value, None);
        assert!(ratio_readout(Locale::zh, &dir(vec![0.1, 0.0], vec![0, 0]))
            .text
            .contains("为 0"));
    }

    #[test]
    fn numbers_print_for_people_and_parsers() {
        assert_eq!(format_sci(0.4213), "0.421");
        assert_eq!(format_sci(1.0), "1");
        assert_eq!(format_sci(510.014), "510");
        assert_eq!(format_sci(5.1014), "5.1");
        assert_eq!(format_sci(0.04213), "0.0421");
        assert_eq!(format_sci(0.01), "0.01");
        assert_eq!(format_sci(3.14159e-7), "3.1e-7");
        assert_eq!(format_sci(2.0e12), "2.0e12");
        assert_eq!(format_sci(0.0), "0");
        assert_eq!("3.1e-7".parse::<f64>().unwrap(), 3.1e-7);
    }

    #[test]
    fn ticks_and_envelope_clipping() {
        assert_eq!(format_tick(1e-8), "1e-8");
        assert_eq!(format_tick(100.0), "100");
        assert_eq!(format_tick(0.1), "0.1");
        assert_eq!(format_tick(1e-2), "0.01");
        assert_eq!(format_tick(1e-3), "1e-3");
        assert_eq!(format_tick(1e5), "1e5");
        assert_eq!(format_tick(0.5), "0.5");
        let pts = [GradPoint::Value(1e-3), GradPoint::Value(1.0)];
        let env = [Some(1e9), Some(1e2), Some(1.0)];
        assert_eq!(
            envelope_in_view(&env, &pts, 3.0),
            vec![None, Some(1e2), Some(1.0)]
        );
        assert_eq!(
            envelope_in_view(&env, &[GradPoint::Underflow], 3.0),
            vec![None; 3]
        );
    }

    #[test]
    fn big_networks_refresh_their_spectrum_less_often_while_training() {
        assert_eq!(spectrum_refresh_ms(256, false), Some(0.0));
        assert_eq!(spectrum_refresh_ms(32, true), Some(0.0));
        assert_eq!(spectrum_refresh_ms(128, true), Some(2000.0));
        assert_eq!(spectrum_refresh_ms(256, true), None);
    }

    #[test]
    fn y_range_covers_values_envelope_and_floor() {
        let pts = [GradPoint::Value(3e-5), GradPoint::Value(0.2)];
        assert_eq!(y_range(&pts, &[Some(2.0)], 1e-38), (1e-5, 10.0));
        let (lo, _) = y_range(&[GradPoint::Underflow, GradPoint::Value(1.0)], &[], 1.2e-38);
        assert!(lo <= 1.2e-38 && lo > 1e-40);
        let (lo, _) = y_range(&[GradPoint::Zero, GradPoint::Value(1e-3)], &[], 1.2e-38);
        assert_eq!(lo, 1e-3, "a true zero does not stretch the axis to the floor");
        assert_eq!(y_range(&[], &[], 1e-38), (1e-3, 1.0));
        let (lo, hi) = y_range(&[GradPoint::Value(1.0)], &[], 1e-38);
        assert!(hi > lo);
    }

    #[test]
    fn history_keeps_the_whole_run_within_its_cap() {
        let mut h = GradHistory::new(8);
        for step in 0..100u64 {
            h.offer(step, vec![GradPoint::Value(1.0)]);
            assert!(h.rows().len() <= 8);
        }
        let steps: Vec<u64> = h.rows().iter().map(|r| r.step).collect();
        assert_eq!(steps[0], 0, "thinning keeps the first sample");
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
        assert!(
            *steps.last().unwrap() >= 80,
            "and reaches the recent past: {steps:?}"
        );
    }

    #[test]
    fn history_skips_repeats_and_restarts_on_an_older_step() {
        let mut h = GradHistory::new(8);
        assert!(h.offer(5, vec![]));
        assert!(!h.offer(5, vec![]));
        assert!(h.offer(6, vec![GradPoint::Zero, GradPoint::Zero]));
        assert_eq!(h.width(), 2);
        assert!(h.offer(0, vec![]));
        assert_eq!(h.rows().len(), 1);
        h.clear();
        assert!(h.rows().is_empty());
    }

    #[test]
    fn history_pixels_map_values_underflow_and_zero() {
        let mut h = GradHistory::new(8);
        h.offer(1, vec![GradPoint::Value(1e-3), GradPoint::Value(1.0)]);
        h.offer(2, vec![GradPoint::Underflow, GradPoint::Zero]);
        let scale = history_scale(&h).unwrap();
        assert_eq!((scale.lo, scale.hi), (-3, 0));
        let (w, rows, px) = history_rgba(&h, &scale);
        assert_eq!((w, rows, px.len()), (2, 2, 16));
        assert_eq!(&px[0..4], &[0x44, 0x01, 0x54, 255], "1e-3 is the dark end");
        let grey = crate::views::colour::UNDERFLOW;
        assert_eq!(&px[8..12], &[grey.0, grey.1, grey.2, 255]);
        assert_eq!(&px[12..16], &[255, 255, 255, 255]);
        let table = history_table(Locale::en, &h);
        assert!(
            table.contains("<td>1</td><td>1.0e-3</td><td>1</td><td>1.0e-3</td>"),
            "{table}"
        );
        assert!(table.contains("below f32 floor"));
        let zh = history_table(Locale::zh, &h);
        assert!(zh.contains("<td>1</td><td>1.0e-3</td><td>1</td><td>1.0e-3</td>"));
        assert!(zh.contains("低于 f32 下限"), "{zh}");
    }

    #[test]
    fn chinese_readouts_and_table_have_no_english() {
        use crate::views::graph_svg::tests::english_words;
        let mut h = GradHistory::new(8);
        h.offer(1, vec![GradPoint::Underflow, GradPoint::Value(1.0)]);
        h.offer(2, vec![GradPoint::NonFinite, GradPoint::Zero]);
        let table = history_table(Locale::zh, &h);
        assert_eq!(english_words(&table), Vec::<String>::new(), "{table}");
        for d in [
            dir(vec![0.0, 1e-30, 0.1], vec![2, 0, 0]),
            dir(vec![0.1, 0.0], vec![0, 0]),
        ] {
            let r = ratio_readout(Locale::zh, &d);
            assert_eq!(english_words(&r.text), Vec::<String>::new(), "{}", r.text);
        }
        for p in [GradPoint::Underflow, GradPoint::NonFinite, GradPoint::Zero] {
            assert!(english_words(&point_text(Locale::zh, Some(&p))).is_empty());
        }
        // English still names them as the browser tests expect.
        assert_eq!(
            point_text(Locale::en, Some(&GradPoint::Underflow)),
            "below f32 floor"
        );
    }

    #[test]
    fn markup_is_unchanged() {
        let mut h = GradHistory::new(8);
        h.offer(1, vec![GradPoint::Value(1e-3), GradPoint::Value(1.0)]);
        h.offer(2, vec![GradPoint::Underflow, GradPoint::Zero]);
        h.offer(3, vec![GradPoint::Underflow, GradPoint::Value(2.0)]);
        crate::html::golden("grad-history-table-en", &history_table(Locale::en, &h));
        crate::html::golden("grad-history-table-zh", &history_table(Locale::zh, &h));
    }
}
