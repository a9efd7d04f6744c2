//! The scalar type the engine is generic over: `f32` for training in the
//! browser, `f64` for gradient checks and reference comparisons.

use nalgebra::RealField;

/// A floating-point scalar usable by every model in this crate.
pub trait Real: RealField + Copy + Default + Send + Sync + 'static {
    /// Converts from `f64`, rounding to the nearest representable value.
    fn of(x: f64) -> Self;
    /// Widens (or copies) to `f64`.
    fn f64(self) -> f64;
    /// The smallest positive *normal* value. Anything smaller in magnitude is
    /// subnormal: slow on x86 and never flushed by WebAssembly, so the engine
    /// flushes gradients below it to zero itself (see `flush_subnormals`).
    fn min_normal() -> Self;
    /// σ(x) = 1 / (1 + e^−x).
    fn sigmoid(self) -> Self;
    /// tanh(x). For f32 both are branch-free approximations within a few
    /// ulp (checked against f64 in the tests) that the compiler can
    /// vectorise; the C library's `tanhf`/`expm1f` calls were a third of an
    /// LSTM step, and WebAssembly has no C library at all.
    fn tanh_(self) -> Self;
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn f64(self) -> f64 {
        self as f64
    }
    fn min_normal() -> Self {
        f32::MIN_POSITIVE
    }
    #[inline]
    fn sigmoid(self) -> Self {
        1.0 / (1.0 + exp_f32(-self))
    }
    #[inline]
    fn tanh_(self) -> Self {
        tanh_f32(self)
    }
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn f64(self) -> f64 {
        self
    }
    fn min_normal() -> Self {
        f64::MIN_POSITIVE
    }
    #[inline]
    fn sigmoid(self) -> Self {
        // Written so that neither branch overflows exp for large |x|.
        if self >= 0.0 {
            1.0 / (1.0 + (-self).exp())
        } else {
            let e = self.exp();
            e / (1.0 + e)
        }
    }
    #[inline]
    fn tanh_(self) -> Self {
        self.tanh()
    }
}

/// e^x for f32: x = n·ln 2 + r with |r| ≤ ln2/2, a degree-7 Taylor
/// polynomial for e^r (error below 1e-8 relative), and 2^n built from its
/// exponent bits. The input is clamped so 2^n stays a normal float.
#[inline]
fn exp_f32(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// tanh for f32 as the rational function x·P(x²)/Q(x²) on |x| ≤ 7.9 (beyond
/// it tanh rounds to ±1 in f32), the approximation Eigen uses for floats.
#[inline]
fn tanh_f32(x: f32) -> f32 {
    const A: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_672e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const B: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    let c = x.clamp(-7.905_311, 7.905_311);
    let x2 = c * c;
    let p = A[6];
    let p = p * x2 + A[5];
    let p = p * x2 + A[4];
    let p = p * x2 + A[3];
    let p = p * x2 + A[2];
    let p = p * x2 + A[1];
    let p = (p * x2 + A[0]) * c;
    let q = ((B[3] * x2 + B[2]) * x2 + B[1]) * x2 + B[0];
    let y = p / q;
    // Below 4e-4, tanh(x) = x to f32 precision (and the ratio would lose it).
    if x.abs() < 4e-4 {
        x
    } else {
        y
    }
}

/// Sets every subnormal entry of `values` to zero and returns how many it
/// changed. Vanishing gradients decay into the subnormal range within a few
/// dozen time steps; arithmetic there is many times slower on x86 and
/// WebAssembly has no flush-to-zero mode, so the engine does it in software.
/// The count is recorded in the trace so the views can say "below the f32
/// floor" instead of drawing a plain zero.
pub fn flush_subnormals<T: Real>(values: &mut [T]) -> u32 {
    let floor = T::min_normal();
    let mut flushed = 0;
    for v in values.iter_mut() {
        if *v != T::zero() && v.abs() < floor {
            *v = T::zero();
            flushed += 1;
        }
    }
    flushed
}

/// Euclidean norm accumulated in `f64`, so a norm of tiny `f32` values is not
/// itself rounded to zero.
pub fn norm_f64<T: Real>(values: impl IntoIterator<Item = T>) -> f64 {
    values
        .into_iter()
        .map(|v| {
            let x = v.f64();
            x * x
        })
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_sigmoid_and_tanh_match_f64_to_a_few_ulp() {
        let mut worst = (0.0f64, 0.0f64);
        let mut x = -20.0f64;
        while x < 20.0 {
            let xf = x as f32;
            let xd = xf as f64;
            let s_err = ((xf.sigmoid() as f64) - xd.sigmoid()).abs() / xd.sigmoid().max(1e-30);
            let t_ref = xd.tanh();
            let t_err = ((xf.tanh_() as f64) - t_ref).abs() / t_ref.abs().max(1e-30);
            worst = (worst.0.max(s_err), worst.1.max(t_err));
            x += 0.000_731;
        }
        // f32's unit roundoff is 6e-8: allow a few ulp, nothing more.
        assert!(worst.0 < 4e-7, "sigmoid worst relative error {:e}", worst.0);
        assert!(worst.1 < 4e-7, "tanh worst relative error {:e}", worst.1);
        assert_eq!(0.0f32.tanh_(), 0.0);
        assert_eq!(30.0f32.tanh_(), 1.0);
        assert_eq!(100.0f32.sigmoid(), 1.0);
        assert!((-100.0f32).sigmoid() >= 0.0 && (-100.0f32).sigmoid() < 1e-37);
    }
}
