//! Heatmap pixels and legends on top of `colour::viridis` (perceptually
//! uniform, readable with any colour vision and in greyscale): the RGBA
//! buffer a heatmap canvas takes, and the CSS gradient of its legend bar.
//! Plain Rust, tested natively.

use crate::views::colour::viridis;

/// CSS `linear-gradient` stops of viridis, for a legend bar.
pub fn viridis_css_gradient() -> String {
    let stops: Vec<String> = (0..=10)
        .map(|i| {
            let c = viridis(i as f64 / 10.0);
            format!("rgb({},{},{}) {}%", c.0, c.1, c.2, i * 10)
        })
        .collect();
    format!("linear-gradient(to right, {})", stops.join(", "))
}

/// The colour that marks a highlighted (saturated) cell: white, which
/// viridis never reaches.
pub const MARK: (u8, u8, u8) = (255, 255, 255);

/// An RGBA buffer for a heatmap with `rows` × `cols` cells, where cell
/// (r, c) is `value(r, c)` mapped from [lo, hi] onto viridis; cells for which
/// `mark(r, c)` holds are painted [`MARK`].
pub fn heatmap_rgba(
    rows: usize,
    cols: usize,
    lo: f64,
    hi: f64,
    value: impl Fn(usize, usize) -> f64,
    mark: impl Fn(usize, usize) -> bool,
) -> Vec<u8> {
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mut out = Vec::with_capacity(rows * cols * 4);
    for r in 0..rows {
        for c in 0..cols {
            let (red, g, b) = if mark(r, c) {
                MARK
            } else {
                viridis((value(r, c) - lo) / span)
            };
            out.extend_from_slice(&[red, g, b, 255]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heatmap_buffer_is_row_major_rgba() {
        let buf = heatmap_rgba(
            2,
            3,
            0.0,
            1.0,
            |r, c| (r * 3 + c) as f64 / 5.0,
            |r, c| r == 1 && c == 2,
        );
        assert_eq!(buf.len(), 2 * 3 * 4);
        assert_eq!(&buf[0..4], &[0x44, 0x01, 0x54, 255]);
        assert_eq!(&buf[20..24], &[255, 255, 255, 255]);
        assert!(buf.chunks(4).all(|p| p[3] == 255));
    }

    #[test]
    fn css_gradient_lists_every_stop() {
        let g = viridis_css_gradient();
        assert!(g.starts_with("linear-gradient(to right, rgb(68,1,84) 0%"));
        assert!(g.ends_with("rgb(253,231,37) 100%)"));
    }
}
