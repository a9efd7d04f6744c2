//! The QR code of the current experiment's link, for presentation mode: a
//! class scans it and opens the same experiment on their phones. Drawn as
//! one SVG path, a run of dark modules per subpath, with the quiet zone of
//! four modules the standard asks for.
//!
//! The encoder is the standard's (ISO/IEC 18004) in its smallest useful
//! form: byte mode, error correction level M, one fixed mask (pattern 0:
//! any mask is valid, the choice only tunes scanning), versions 1 to 40.
//! Why not the `qrcode` crate in the page: with everything it does
//! (numeric, alphanumeric and kanji modes, micro codes, the segment
//! optimiser, scoring all eight masks) it was 11 KB of the gzipped
//! download, and the page must stay under 400 KB. The crate is the
//! reference in the tests instead: for every version, the modules here are
//! exactly the ones `qrcode` draws for the same bytes, level and mask.

use crate::html::{Html, PATH, RECT, SVG};
use std::fmt;

/// Modules of white around the code.
const QUIET: usize = 4;

/// Error-correction codewords per block at level M, versions 1..=40.
const ECC_M: [u8; 40] = [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
];
/// Blocks at level M, versions 1..=40.
const BLOCKS_M: [u8; 40] = [
    1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
    31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
];

/// Modules that carry data or error correction in version `v`.
fn raw_modules(v: usize) -> usize {
    let mut r = (16 * v + 128) * v + 64;
    if v >= 2 {
        let n = v / 7 + 2;
        r -= (25 * n - 10) * n - 55;
        if v >= 7 {
            r -= 36;
        }
    }
    r
}

fn data_codewords(v: usize) -> usize {
    raw_modules(v) / 8 - ECC_M[v - 1] as usize * BLOCKS_M[v - 1] as usize
}

/// Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1.
fn gf_mul(x: u8, y: u8) -> u8 {
    let mut z: u32 = 0;
    for i in (0..8).rev() {
        z = (z << 1) ^ ((z >> 7) * 0x11d);
        z ^= ((y as u32 >> i) & 1) * x as u32;
    }
    z as u8
}

/// The Reed–Solomon generator polynomial of `degree` (highest term left out).
fn rs_divisor(degree: usize) -> Vec<u8> {
    let mut r = vec![0u8; degree];
    r[degree - 1] = 1;
    let mut root = 1u8;
    for _ in 0..degree {
        for j in 0..degree {
            r[j] = gf_mul(r[j], root);
            if j + 1 < degree {
                r[j] ^= r[j + 1];
            }
        }
        root = gf_mul(root, 2);
    }
    r
}

fn rs_remainder(data: &[u8], divisor: &[u8]) -> Vec<u8> {
    let n = divisor.len();
    let mut r = vec![0u8; n];
    for &b in data {
        let factor = b ^ r[0];
        r.rotate_left(1);
        r[n - 1] = 0;
        for (x, &d) in r.iter_mut().zip(divisor) {
            *x ^= gf_mul(d, factor);
        }
    }
    r
}

/// A square of modules being drawn: `dark` and which are function patterns.
struct Grid {
    size: usize,
    dark: Vec<bool>,
    function: Vec<bool>,
}

impl Grid {
    fn set(&mut self, x: usize, y: usize, dark: bool) {
        let i = y * self.size + x;
        self.dark[i] = dark;
        self.function[i] = true;
    }

    /// A finder (`half` = 4, with its separator) or alignment (`half` = 2)
    /// pattern centred at (x, y): rings dark or light by distance.
    fn pattern(&mut self, x: usize, y: usize, half: isize, light: &[isize]) {
        for dy in -half..=half {
            for dx in -half..=half {
                let (px, py) = (x as isize + dx, y as isize + dy);
                if (0..self.size as isize).contains(&px) && (0..self.size as isize).contains(&py) {
                    let dist = dx.abs().max(dy.abs());
                    self.set(px as usize, py as usize, !light.contains(&dist));
                }
            }
        }
    }
}

fn bit(x: u32, i: usize) -> bool {
    (x >> i) & 1 == 1
}

/// The modules of `data` as a QR code, `(width, dark)` in rows, or `None`
/// when it is too long even for version 40.
pub fn encode(data: &[u8]) -> Option<(usize, Vec<bool>)> {
    let count_bits = |v: usize| if v <= 9 { 8 } else { 16 };
    let v = (1..=40).find(|&v| 4 + count_bits(v) + 8 * data.len() <= 8 * data_codewords(v))?;
    // The data codewords: mode, count, bytes, terminator, padding.
    let capacity = data_codewords(v);
    let mut codewords = vec![0u8; capacity];
    let mut at = 0;
    let mut push = |value: u32, n: usize| {
        for i in (0..n).rev() {
            codewords[at >> 3] |= (bit(value, i) as u8) << (7 - (at & 7));
            at += 1;
        }
    };
    push(0b0100, 4);
    push(data.len() as u32, count_bits(v));
    data.iter().for_each(|&b| push(b as u32, 8));
    // The terminator and the rest of the byte are zeros already.
    let used = (at + 4).min(capacity * 8).div_ceil(8);
    for (i, c) in codewords[used..].iter_mut().enumerate() {
        *c = if i % 2 == 0 { 0xec } else { 0x11 };
    }
    // Blocks with their error correction, interleaved.
    let (blocks, ecc) = (BLOCKS_M[v - 1] as usize, ECC_M[v - 1] as usize);
    let raw = raw_modules(v) / 8;
    let short = blocks - raw % blocks;
    let short_len = raw / blocks;
    let divisor = rs_divisor(ecc);
    let mut split = Vec::with_capacity(blocks);
    let mut k = 0;
    for i in 0..blocks {
        let len = short_len - ecc + usize::from(i >= short);
        let mut block = codewords[k..k + len].to_vec();
        k += len;
        let rem = rs_remainder(&block, &divisor);
        if i < short {
            block.push(0);
        }
        block.extend(rem);
        split.push(block);
    }
    let mut stream = Vec::with_capacity(raw);
    for i in 0..split[0].len() {
        for (j, b) in split.iter().enumerate() {
            if i != short_len - ecc || j >= short {
                stream.push(b[i]);
            }
        }
    }
    // Function patterns.
    let size = 17 + 4 * v;
    let mut g = Grid {
        size,
        dark: vec![false; size * size],
        function: vec![false; size * size],
    };
    for i in 0..size {
        g.set(6, i, i % 2 == 0);
        g.set(i, 6, i % 2 == 0);
    }
    for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
        g.pattern(x, y, 4, &[2, 4]);
    }
    if v >= 2 {
        let n = v / 7 + 2;
        let step = if v == 32 {
            26
        } else {
            (v * 4 + n * 2 + 1) / (n * 2 - 2) * 2
        };
        let mut pos: Vec<usize> = (0..n - 1).map(|i| size - 7 - i * step).collect();
        pos.push(6);
        pos.reverse();
        for (i, &x) in pos.iter().enumerate() {
            for (j, &y) in pos.iter().enumerate() {
                let corner = (i == 0 && (j == 0 || j == n - 1)) || (i == n - 1 && j == 0);
                if !corner {
                    g.pattern(x, y, 2, &[1]);
                }
            }
        }
    }
    // Format information: level M (00) and mask 0, with its BCH bits.
    let format = {
        let data = 0u32;
        let mut rem = data;
        for _ in 0..10 {
            rem = (rem << 1) ^ ((rem >> 9) * 0x537);
        }
        ((data << 10) | rem) ^ 0x5412
    };
    for i in 0..=5 {
        g.set(8, i, bit(format, i));
    }
    g.set(8, 7, bit(format, 6));
    g.set(8, 8, bit(format, 7));
    g.set(7, 8, bit(format, 8));
    for i in 9..15 {
        g.set(14 - i, 8, bit(format, i));
    }
    for i in 0..8 {
        g.set(size - 1 - i, 8, bit(format, i));
    }
    for i in 8..15 {
        g.set(8, size - 15 + i, bit(format, i));
    }
    g.set(8, size - 8, true);
    if v >= 7 {
        let mut rem = v as u32;
        for _ in 0..12 {
            rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
        }
        let info = ((v as u32) << 12) | rem;
        for i in 0..18 {
            let (a, b) = (size - 11 + i % 3, i / 3);
            g.set(a, b, bit(info, i));
            g.set(b, a, bit(info, i));
        }
    }
    // The codewords in the zigzag of column pairs, masked with pattern 0.
    let mut i = 0;
    let mut right = size - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        for vert in 0..size {
            for dx in 0..2 {
                let x = right - dx;
                let y = if (right + 1) & 2 == 0 {
                    size - 1 - vert
                } else {
                    vert
                };
                let at = y * size + x;
                if !g.function[at] {
                    let on = i < stream.len() * 8 && (stream[i >> 3] >> (7 - (i & 7))) & 1 == 1;
                    g.dark[at] = on ^ ((x + y) % 2 == 0);
                    i += 1;
                }
            }
        }
        if right < 2 {
            break;
        }
        right -= 2;
    }
    Some((size, g.dark))
}

/// The modules of a link, encoded once and drawn on every redraw.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    width: usize,
    dark: Vec<bool>,
}

/// The SVG path of the dark modules: one subpath per run in a row.
struct Runs<'a>(&'a Code);

impl fmt::Display for Runs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let w = self.0.width;
        for (y, row) in self.0.dark.chunks(w).enumerate() {
            let mut x = 0;
            while x < w {
                if row[x] {
                    let start = x;
                    while x < w && row[x] {
                        x += 1;
                    }
                    let n = x - start;
                    write!(f, "M{} {}h{n}v1h-{n}z", start + QUIET, y + QUIET)?;
                } else {
                    x += 1;
                }
            }
        }
        Ok(())
    }
}

impl Code {
    /// The QR code of `text`, or `None` when it is too long for one.
    pub fn new(text: &str) -> Option<Code> {
        let (width, dark) = encode(text.as_bytes())?;
        Some(Code { width, dark })
    }

    /// The code as an `<svg data-testid="qr">` (scaled by CSS).
    pub fn svg(&self, h: &mut Html, label: &str) {
        let w = self.width;
        let size = (w + 2 * QUIET) as f64;
        h.open(SVG)
            .attr("data-testid", "qr")
            .attr("xmlns", "http://www.w3.org/2000/svg")
            .attr_fmt("viewBox", format_args!("0 0 {size} {size}"))
            .attr("shape-rendering", "crispEdges")
            .attr("role", "img")
            .attr("aria-label", label)
            .attr_fmt("data-modules", format_args!("{w}"));
        h.open(RECT)
            .attr_num("width", size)
            .attr_num("height", size)
            .attr("fill", "#fff")
            .close_empty();
        h.open(PATH)
            .attr_fmt("d", format_args!("{}", Runs(self)))
            .attr("fill", "#000")
            .close_empty();
        h.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::bits::Bits;
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::ec::construct_codewords;
    use qrcode::{Color, EcLevel, Version};

    /// The maintained crate's modules for `data` at `version`, level M,
    /// mask pattern 0.
    fn reference(data: &[u8], version: i16) -> Vec<bool> {
        let v = Version::Normal(version);
        let mut bits = Bits::new(v);
        bits.push_byte_data(data).unwrap();
        bits.push_terminator(EcLevel::M).unwrap();
        let (codewords, ec) = construct_codewords(&bits.into_bytes(), v, EcLevel::M).unwrap();
        let mut canvas = Canvas::new(v, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&codewords, &ec);
        canvas.apply_mask(MaskPattern::Checkerboard);
        canvas
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect()
    }

    #[test]
    fn every_version_draws_the_modules_the_qrcode_crate_draws() {
        for v in 1..=40usize {
            // The longest link that still fits this version.
            let count = if v <= 9 { 8 } else { 16 };
            let n = (8 * data_codewords(v) - 4 - count) / 8;
            let data: Vec<u8> = (0..n)
                .map(|i| b"http://127.0.0.1:8080/#lesson=4.1&lang=zh"[i % 41])
                .collect();
            let (w, ours) = encode(&data).unwrap();
            assert_eq!(w, 17 + 4 * v, "version {v}");
            assert!(
                ours == reference(&data, v as i16),
                "version {v} differs from the qrcode crate"
            );
        }
        // Every length up to a long link, at the version picked for it.
        for n in 0..300 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
            let (w, ours) = encode(&data).unwrap();
            assert!(ours == reference(&data, ((w - 17) / 4) as i16), "{n} bytes");
        }
        assert!(encode(&[b'a'; 2400]).is_none(), "too long for version 40");
    }

    #[test]
    fn a_link_becomes_an_svg_square_with_its_finder_patterns() {
        let mut h = Html::new();
        Code::new("http://127.0.0.1:8080/#lesson=4.1&lang=zh")
            .unwrap()
            .svg(&mut h, "QR");
        let s = h.finish();
        assert!(s.starts_with("<svg data-testid=\"qr\""));
        assert!(s.contains("data-modules=\"29\""), "version 3: {s}");
        // The top-left finder pattern: a 7-module dark row at the corner.
        assert!(s.contains("M4 4h7v1h-7z"), "{s}");
    }
}
