//! Canvas helpers shared by the chart views: size the backing store to the
//! element's CSS box × devicePixelRatio (sharp on HiDPI screens and
//! projectors), and put an RGBA heatmap into a canvas as ImageData at one
//! pixel per cell, for CSS to scale up (`image-rendering: pixelated`).

use wasm_bindgen::Clamped;
use web_sys::HtmlCanvasElement;

/// A canvas sized for drawing: backing-store pixels per CSS pixel, and the
/// backing store's size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub dpr: f64,
    pub width: u32,
    pub height: u32,
}

impl Fit {
    /// CSS pixels → backing-store pixels.
    pub fn px(&self, css: f64) -> u32 {
        (css * self.dpr).round() as u32
    }

    /// A font size given in CSS pixels.
    pub fn font(&self, css: f64) -> f64 {
        css * self.dpr
    }
}

/// Sizes `canvas`'s backing store to its CSS box × devicePixelRatio
/// (clamped to 1..4); touches it only when the size changed, because
/// setting it clears the canvas.
pub fn fit(canvas: &HtmlCanvasElement) -> Fit {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let (css_w, css_h) = (canvas.client_width().max(1), canvas.client_height().max(1));
    let (width, height) = (
        (css_w as f64 * dpr).round() as u32,
        (css_h as f64 * dpr).round() as u32,
    );
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    Fit { dpr, width, height }
}

/// Writes `rgba` (width × height × 4 bytes, row-major, top row first) into
/// the canvas at one pixel per cell, resizing the canvas to match.
pub fn put_rgba(canvas: &HtmlCanvasElement, width: u32, height: u32, rgba: &[u8]) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    if width == 0 || height == 0 || rgba.len() != (width * height * 4) as usize {
        return Err("heatmap size mismatch".into());
    }
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let ctx = canvas
        .get_context("2d")
        .map_err(|_| "no 2d context")?
        .ok_or("no 2d context")?
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .map_err(|_| "no 2d context")?;
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)
        .map_err(|_| "ImageData refused")?;
    ctx.put_image_data(&image, 0.0, 0.0)
        .map_err(|_| "putImageData failed")?;
    Ok(())
}
