//! plotters conveniences for the chart views, on top of `canvas::fit` (which
//! sizes the backing store for HiDPI): a white root drawing area, fonts and
//! line widths in CSS pixels, the Okabe–Ito line colours, and errors as
//! strings.

use crate::views::canvas::{fit, Fit};
use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// A canvas ready to draw on: its HiDPI fit and its plotters root (white).
pub fn root(canvas: &web_sys::HtmlCanvasElement) -> Result<(Fit, DrawingArea<CanvasBackend, Shift>), String> {
    let f = fit(canvas);
    let root = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("no 2d context")?
        .into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    Ok((f, root))
}

/// A plotters font of `css` CSS pixels in the page's font stack
/// ([`crate::lang::FONT_STACK`]), so Chinese labels find a face with their
/// glyphs on every system. Given as `FontFamily::Name`, which plotters
/// passes to the canvas as it is (a family given as a `&str` would be
/// lowercased first).
pub fn font(f: &Fit, css: f64) -> FontDesc<'static> {
    (FontFamily::Name(crate::lang::FONT_STACK), f.font(css)).into_font()
}

/// A signed length in backing-store pixels (element coordinates).
pub fn pxi(f: &Fit, css: f64) -> i32 {
    f.px(css) as i32
}

/// plotters' errors as the strings the views log.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// An (r, g, b) triple as a plotters colour.
pub fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// The same as a CSS colour, for HTML legends.
pub fn css(c: (u8, u8, u8)) -> String {
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

/// Okabe–Ito colours (distinguishable with any colour vision), for lines;
/// yellow left out (unreadable on white).
pub const OKABE_ITO: [(u8, u8, u8); 7] = [
    (0, 114, 178),   // blue
    (213, 94, 0),    // vermillion
    (0, 158, 115),   // bluish green
    (204, 121, 167), // reddish purple
    (230, 159, 0),   // orange
    (86, 180, 233),  // sky blue
    (0, 0, 0),       // black
];

/// Run B of a comparison, in every chart that overlays it (reddish purple:
/// apart from A's blue and from the reference lines' vermillion and green).
pub const RUN_B: (u8, u8, u8) = OKABE_ITO[3];

/// Grid and axis greys shared by the charts.
pub const GRID: RGBColor = RGBColor(222, 222, 222);
pub const AXIS: RGBColor = RGBColor(90, 90, 90);

/// The views' common mesh look: 14 px tick labels and 15 px axis titles, a
/// light grid without minor lines, grey axes. Callers add their own axis
/// titles, label counts and formatters.
pub fn house_style<'m, 'a, 'b, X, Y, XT, YT, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    f: &Fit,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    mesh.label_style(font(f, 14.0))
        .axis_desc_style(font(f, 15.0))
        .bold_line_style(GRID.stroke_width(f.px(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(f.px(1.0)))
}

/// A log-scale y axis drawn as a plain linear axis over log10(y): plot
/// `LogAxis::at(y)` and label the ticks with [`LogAxis::label`]. Why not
/// plotters' `log_scale()`: each coordinate type a chart uses brings its own
/// copy of the mesh, axis and series code into the download (≈3.5 KB
/// gzipped), and with this every chart shares one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    /// The axis ends, in decades (log10 of the values).
    lo: f64,
    hi: f64,
}

impl LogAxis {
    /// An axis from `min` to `max` (both positive).
    pub fn new(min: f64, max: f64) -> LogAxis {
        LogAxis {
            lo: min.log10(),
            hi: max.log10(),
        }
    }

    pub fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }

    /// Where the value `y` sits on the axis (as on plotters' log axis, 0
    /// maps to −∞, drawn at the bottom edge; callers clamp first).
    pub fn at(y: f64) -> f64 {
        y.log10()
    }

    /// How many ticks to ask plotters for: about one a decade, so the ticks
    /// fall on whole decades.
    pub fn ticks(&self) -> usize {
        ((self.hi - self.lo).ceil() as usize + 1).clamp(3, 8)
    }

    /// The label of the tick at `decade` (a log10 value), written by `fmt`:
    /// whole decades always; between them only on an axis shorter than two
    /// decades, where there would otherwise be too few labels.
    pub fn label(&self, decade: f64, fmt: impl Fn(f64) -> String) -> String {
        if (decade - decade.round()).abs() < 1e-6 {
            fmt(10f64.powi(decade.round() as i32))
        } else if self.hi - self.lo < 2.0 {
            fmt(10f64.powf(decade))
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LogAxis;

    #[test]
    fn log_axis_places_and_labels_decades() {
        let axis = LogAxis::new(1e-4, 10.0);
        assert_eq!(axis.range(), -4.0..1.0);
        assert_eq!(LogAxis::at(0.01), -2.0);
        assert_eq!(axis.ticks(), 6);
        let fmt = |v: f64| format!("{v}");
        assert_eq!(axis.label(-2.0, fmt), "0.01");
        assert_eq!(axis.label(-2.5, fmt), "");
        // Short axes label between decades too.
        let short = LogAxis::new(0.1, 0.5);
        assert_eq!(short.label(-0.5, |v| format!("{v:.3}")), "0.316");
        assert_eq!(short.ticks(), 3);
    }
}
