//! Small numeric helpers the views share: histograms, saturation fractions,
//! log-axis ranges and number formatting. Plain Rust, tested natively.

/// Counts of `values` in `bins` equal bins over [lo, hi]; values outside the
/// range (and NaN) are counted in `below`/`above` (NaN in neither).
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u32>,
    pub below: u32,
    pub above: u32,
}

impl Histogram {
    pub fn new(values: impl IntoIterator<Item = f64>, lo: f64, hi: f64, bins: usize) -> Histogram {
        let bins = bins.max(1);
        let mut counts = vec![0u32; bins];
        let (mut below, mut above) = (0, 0);
        let width = (hi - lo) / bins as f64;
        for v in values {
            if v.is_nan() {
                continue;
            }
            if v < lo {
                below += 1;
            } else if v > hi {
                above += 1;
            } else {
                let i = (((v - lo) / width) as usize).min(bins - 1);
                counts[i] += 1;
            }
        }
        Histogram {
            lo,
            hi,
            counts,
            below,
            above,
        }
    }

    pub fn bin_width(&self) -> f64 {
        (self.hi - self.lo) / self.counts.len() as f64
    }

    /// [left, right) of bin `i`.
    pub fn edges(&self, i: usize) -> (f64, f64) {
        let w = self.bin_width();
        (self.lo + w * i as f64, self.lo + w * (i + 1) as f64)
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum::<u32>() + self.below + self.above
    }
}

/// The share of `values` for which `pred` holds (0 for no values).
pub fn fraction(values: impl IntoIterator<Item = f64>, pred: impl Fn(f64) -> bool) -> f64 {
    let (mut n, mut hit) = (0usize, 0usize);
    for v in values {
        n += 1;
        if pred(v) {
            hit += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        hit as f64 / n as f64
    }
}

/// A log-axis range covering the positive finite `values` with a margin,
/// at least one decade wide, never below `floor`.
pub fn log_range(values: impl IntoIterator<Item = f64>, floor: f64) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.1, 1.0) };
    let (mut lo, mut hi) = ((lo / 2.0).max(floor), (hi * 2.0).max(floor * 10.0));
    if hi / lo < 10.0 {
        let mid = (lo * hi).sqrt();
        lo = (mid / 10f64.sqrt()).max(floor);
        hi = lo * 10.0;
    }
    (lo, hi)
}

/// A number for a label or table: 3 significant digits, scientific outside
/// [0.001, 10⁴): `0.25`, `12.3`, `1.2e-5`.
pub fn fmt(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e4).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let s = format!("{v:.1e}");
        s.replace(".0e", "e")
    }
}

/// A percentage with no decimals (one below 10%): `37%`, `2.5%`.
pub fn pct(f: f64) -> String {
    let p = 100.0 * f;
    if p > 0.0 && p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_and_outliers() {
        let h = Histogram::new(
            [-2.0, -1.0, -0.5, 0.0, 0.49, 0.5, 1.0, 3.0, f64::NAN],
            -1.0,
            1.0,
            4,
        );
        assert_eq!(h.counts, vec![1, 1, 2, 2]);
        assert_eq!((h.below, h.above), (1, 1));
        assert_eq!(h.total(), 8);
        assert_eq!(h.edges(1), (-0.5, 0.0));
    }

    #[test]
    fn fraction_counts_share() {
        assert_eq!(
            fraction([0.01, 0.5, 0.99, 0.6], |v| !(0.05..=0.95).contains(&v)),
            0.5
        );
        assert_eq!(fraction(std::iter::empty(), |_| true), 0.0);
    }

    #[test]
    fn log_range_covers_values_and_a_decade() {
        let (lo, hi) = log_range([1e-3, 5.0, 0.0, f64::NAN], 1e-12);
        assert!(lo <= 1e-3 && hi >= 5.0);
        let (lo, hi) = log_range([1.0, 1.0], 1e-12);
        assert!(lo <= 1.0 && hi >= 1.0 && (hi / lo - 10.0).abs() < 1e-9);
        let (lo, hi) = log_range([], 1e-12);
        assert!(lo > 0.0 && hi > lo);
        let (lo, _) = log_range([0.0], 1e-8);
        assert!(lo >= 1e-8);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt(0.25), "0.25");
        assert_eq!(fmt(12.345), "12.3");
        assert_eq!(fmt(1.0), "1");
        assert_eq!(fmt(1234.0), "1234");
        assert_eq!(fmt(1.2e-5), "1.2e-5");
        assert_eq!(fmt(3e7), "3e7");
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(-0.5), "-0.5");
        assert_eq!(pct(0.37), "37%");
        assert_eq!(pct(0.025), "2.5%");
        assert_eq!(pct(0.0), "0%");
    }
}
