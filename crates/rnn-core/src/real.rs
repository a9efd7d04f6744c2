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
