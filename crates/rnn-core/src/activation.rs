//! Activation functions with their exact derivatives, and each one's largest
//! derivative γ, which bounds how much one backward step can grow a gradient.

use crate::real::Real;
use serde::{Deserialize, Serialize};

/// The slope of leaky ReLU on its negative side.
pub const LEAKY_SLOPE: f64 = 0.01;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Identity,
}

impl Activation {
    pub const ALL: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Identity,
    ];

    /// Short stable name, used in URLs and parameter files.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Identity => "identity",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// φ(a).
    #[inline]
    pub fn apply<T: Real>(self, a: T) -> T {
        match self {
            Activation::Sigmoid => sigmoid(a),
            Activation::Tanh => a.tanh_(),
            Activation::Relu => {
                if a > T::zero() {
                    a
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if a > T::zero() {
                    a
                } else {
                    a * T::of(LEAKY_SLOPE)
                }
            }
            Activation::Identity => a,
        }
    }

    /// φ'(a), written from the output y = φ(a) where that is cheaper
    /// (sigmoid: y(1−y); tanh: 1−y²). At a = 0, ReLU's derivative is taken
    /// as 0, matching PyTorch.
    #[inline]
    pub fn derivative<T: Real>(self, a: T, y: T) -> T {
        match self {
            Activation::Sigmoid => y * (T::one() - y),
            Activation::Tanh => T::one() - y * y,
            Activation::Relu => {
                if a > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if a > T::zero() {
                    T::one()
                } else {
                    T::of(LEAKY_SLOPE)
                }
            }
            Activation::Identity => T::one(),
        }
    }

    /// γ = max over a of φ'(a): 1/4 for sigmoid, 1 for the others. Pascanu et
    /// al. (2013): if σ_max(W) < 1/γ the gradient must vanish.
    pub fn max_derivative(self) -> f64 {
        match self {
            Activation::Sigmoid => 0.25,
            _ => 1.0,
        }
    }
}

#[inline]
pub fn sigmoid<T: Real>(a: T) -> T {
    a.sigmoid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences_and_gamma() {
        for act in Activation::ALL {
            for &a in &[-3.0f64, -0.7, -0.1, 0.2, 0.9, 2.5] {
                let h = 1e-6;
                let fd = (act.apply(a + h) - act.apply(a - h)) / (2.0 * h);
                let d = act.derivative(a, act.apply(a));
                assert!((fd - d).abs() < 1e-6, "{act:?} at {a}: {fd} vs {d}");
                assert!(d <= act.max_derivative() + 1e-12);
            }
            assert_eq!(Activation::from_name(act.name()), Some(act));
        }
        assert_eq!(Activation::Sigmoid.derivative(0.0, 0.5), 0.25);
    }
}
