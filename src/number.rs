//! Reading decimal numbers typed in a URL or a control.
//!
//! Why not `str::parse::<f64>`: Rust's correctly-rounded decimal parser
//! carries a 10 KB table of powers of five and its slow path into the
//! WebAssembly download; the browser already has an equally exact parser
//! (`parseFloat`). So the wasm build checks the syntax here and lets the
//! browser convert, while native builds (and their tests) use Rust's parser.
//! Both round to the nearest f64, so a link reads the same everywhere.

/// A plain decimal number — optional sign, digits with an optional point,
/// optional exponent — and nothing else: no "inf", "NaN", hex or spaces.
pub fn parse_f64(text: &str) -> Option<f64> {
    if !is_decimal(text) {
        return None;
    }
    let value = convert(text);
    value.is_finite().then_some(value)
}

fn is_decimal(text: &str) -> bool {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(target_arch = "wasm32")]
fn convert(text: &str) -> f64 {
    js_sys::parse_float(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn convert(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    #[test]
    fn reads_plain_decimals_exactly() {
        for (text, value) in [
            ("0.001", 0.001),
            ("3", 3.0),
            ("-2.5", -2.5),
            ("+.5", 0.5),
            ("7.", 7.0),
            ("1e-4", 1e-4),
            ("2.5E+3", 2500.0),
            ("0.30000000000000004", 0.30000000000000004),
        ] {
            assert_eq!(parse_f64(text), Some(value), "{text}");
        }
    }

    #[test]
    fn refuses_anything_else() {
        for text in [
            "", ".", "-", "e5", "1e", "1e+", "inf", "NaN", "infinity", "0x10", " 1", "1 ", "1,5", "1.2.3",
            "--1", "1e400", "½",
        ] {
            assert_eq!(parse_f64(text), None, "{text:?}");
        }
    }
}
