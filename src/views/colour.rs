//! Colour scales for the views, as plain functions (tested natively):
//! viridis for magnitudes (colour-blind safe, dark = small, yellow = large),
//! a blue–white–orange diverging scale for signed values, and a log scale
//! that maps a positive number to its place among whole decades.

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// matplotlib's viridis at 0, 0.1, …, 1 (the 11 stops d3 also uses).
const VIRIDIS: [Rgb; 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x24, 0x75),
    (0x41, 0x44, 0x87),
    (0x35, 0x5f, 0x8d),
    (0x2a, 0x78, 0x8e),
    (0x21, 0x91, 0x8c),
    (0x22, 0xa8, 0x84),
    (0x44, 0xbf, 0x70),
    (0x7a, 0xd1, 0x51),
    (0xbd, 0xdf, 0x26),
    (0xfd, 0xe7, 0x25),
];

/// Blue (negative) – light grey (zero) – orange (positive): the ends of
/// ColorBrewer's PuOr/RdBu families, distinguishable with any colour vision.
const NEG: Rgb = (33, 102, 172);
const MID: Rgb = (247, 247, 247);
const POS: Rgb = (179, 88, 6);

/// Shown for a gradient that underflowed f32 (not a true zero).
pub const UNDERFLOW: Rgb = (150, 150, 150);

fn lerp(a: Rgb, b: Rgb, f: f64) -> Rgb {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round().clamp(0.0, 255.0) as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Viridis at `t` in [0, 1] (clamped; NaN counts as 0).
pub fn viridis(t: f64) -> Rgb {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * 10.0;
    let i = (x.floor() as usize).min(9);
    lerp(VIRIDIS[i], VIRIDIS[i + 1], x - i as f64)
}

/// A signed value in [−m, m] (clamped) on the diverging scale.
pub fn diverging(v: f64, m: f64) -> Rgb {
    if !v.is_finite() || m <= 0.0 || !m.is_finite() {
        return MID;
    }
    let f = (v / m).clamp(-1.0, 1.0);
    if f < 0.0 {
        lerp(MID, NEG, -f)
    } else {
        lerp(MID, POS, f)
    }
}

/// `#rrggbb` for SVG and CSS.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A log colour scale over whole decades, 10^lo … 10^hi.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogScale {
    pub lo: i32,
    pub hi: i32,
}

impl LogScale {
    /// Spans the positive finite values given, widened to whole decades and
    /// to at most `max_decades` below the largest (smaller values clamp to
    /// the dark end). `None` when there is no positive finite value.
    pub fn spanning(values: impl IntoIterator<Item = f64>, max_decades: i32) -> Option<LogScale> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            if v.is_finite() && v > 0.0 {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !hi.is_finite() {
            return None;
        }
        let mut top = hi.log10().ceil() as i32;
        let mut bottom = lo.log10().floor() as i32;
        if top == bottom {
            top += 1;
        }
        bottom = bottom.max(top - max_decades.max(1));
        Some(LogScale { lo: bottom, hi: top })
    }

    /// Where `v` falls on the scale, 0 (10^lo or below) to 1 (10^hi or above).
    pub fn position(&self, v: f64) -> f64 {
        if v.is_nan() || v <= 0.0 {
            return 0.0;
        }
        ((v.log10() - self.lo as f64) / (self.hi - self.lo) as f64).clamp(0.0, 1.0)
    }

    pub fn colour(&self, v: f64) -> Rgb {
        viridis(self.position(v))
    }

    /// The decades for a legend, lowest first: 1e-8, 1e-7, …
    pub fn decades(&self) -> Vec<i32> {
        (self.lo..=self.hi).collect()
    }
}

/// A decade as a label: `1e-8`, `1`, `10`, `1e3`.
pub fn decade_label(d: i32) -> String {
    match d {
        0 => "1".into(),
        1 => "10".into(),
        _ => format!("1e{d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_hits_its_stops_and_ends() {
        assert_eq!(viridis(0.0), (0x44, 0x01, 0x54));
        assert_eq!(viridis(0.5), (0x21, 0x91, 0x8c));
        assert_eq!(viridis(1.0), (0xfd, 0xe7, 0x25));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        // Halfway between the first two stops.
        assert_eq!(viridis(0.05), (70, 19, 101));
    }

    #[test]
    fn viridis_gets_lighter_monotonically() {
        let lum = |c: Rgb| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        let mut prev = -1.0;
        for i in 0..=100 {
            let l = lum(viridis(i as f64 / 100.0));
            assert!(l > prev, "luminance must rise at {i}");
            prev = l;
        }
    }

    #[test]
    fn diverging_is_symmetric_about_a_light_middle() {
        assert_eq!(diverging(0.0, 1.0), MID);
        assert_eq!(diverging(-1.0, 1.0), NEG);
        assert_eq!(diverging(5.0, 1.0), POS);
        assert_eq!(diverging(f64::NAN, 1.0), MID);
        assert_eq!(diverging(0.5, 0.0), MID);
        assert_eq!(hex(diverging(-2.0, 2.0)), "#2166ac");
    }

    #[test]
    fn log_scale_spans_whole_decades() {
        let s = LogScale::spanning([3e-7, 0.02, 0.0, f64::NAN, 5.0], 30).unwrap();
        assert_eq!((s.lo, s.hi), (-7, 1));
        assert_eq!(s.position(1e-3), 0.5);
        assert_eq!(s.position(0.0), 0.0);
        assert_eq!(s.position(1e9), 1.0);
        assert_eq!(s.decades().len(), 9);
        assert!(LogScale::spanning([0.0, -1.0], 10).is_none());
    }

    #[test]
    fn log_scale_caps_its_depth_and_never_collapses() {
        let s = LogScale::spanning([1e-30, 1.0], 12).unwrap();
        assert_eq!((s.lo, s.hi), (-12, 0));
        let one = LogScale::spanning([1.0], 12).unwrap();
        assert_eq!((one.lo, one.hi), (0, 1));
    }

    #[test]
    fn decade_labels_read_well() {
        assert_eq!(decade_label(-8), "1e-8");
        assert_eq!(decade_label(0), "1");
        assert_eq!(decade_label(1), "10");
        assert_eq!(decade_label(3), "1e3");
    }
}
