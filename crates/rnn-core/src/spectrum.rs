//! Analysis of a recurrent matrix: singular values, complex eigenvalues,
//! spectral radius, and the norms of the per-step Jacobians
//! ∂h_t/∂h_{t−1} = diag(φ'(a_t))·W with their running products — the theory
//! that the measured gradients are drawn beside.

use nalgebra::linalg::{Schur, SVD};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

const EPS: f64 = 1e-12;
const MAX_ITER: usize = 10_000;

/// The spectrum of one square matrix (for LSTM and GRU, one gate's block).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spectrum {
    /// Which matrix: "W" for the RNN, "W_f", "W_i", … for gate blocks.
    pub name: String,
    /// Singular values, largest first.
    pub singular_values: Vec<f64>,
    /// Eigenvalues as (real, imaginary) pairs.
    pub eigenvalues: Vec<(f64, f64)>,
    /// max |eigenvalue|.
    pub spectral_radius: f64,
    /// The largest singular value, ‖W‖₂.
    pub sigma_max: f64,
}

/// Spectrum of a square matrix, or `None` when it holds NaN/∞ or a
/// decomposition does not converge (a diverged run must not hang the page).
pub fn spectrum(name: &str, w: &DMatrix<f64>) -> Option<Spectrum> {
    if !w.is_square() || w.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let svd = SVD::try_new(w.clone(), false, false, EPS, MAX_ITER)?;
    let mut singular_values: Vec<f64> = svd.singular_values.iter().copied().collect();
    // Ascending then reversed, with the same comparator as the app's menus,
    // so the WebAssembly build carries one sort routine instead of two.
    singular_values.sort_unstable_by(f64::total_cmp);
    singular_values.reverse();
    let eig = Schur::try_new(w.clone(), EPS, MAX_ITER)?.complex_eigenvalues();
    let eigenvalues: Vec<(f64, f64)> = eig.iter().map(|c| (c.re, c.im)).collect();
    let spectral_radius = eigenvalues
        .iter()
        .map(|(re, im)| re.hypot(*im))
        .fold(0.0, f64::max);
    Some(Spectrum {
        name: name.to_string(),
        sigma_max: singular_values.first().copied().unwrap_or(0.0),
        singular_values,
        eigenvalues,
        spectral_radius,
    })
}

/// max |eigenvalue| of a square matrix.
pub fn spectral_radius(w: &DMatrix<f64>) -> Option<f64> {
    if !w.is_square() || w.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let eig = Schur::try_new(w.clone(), EPS, MAX_ITER)?.complex_eigenvalues();
    Some(eig.iter().map(|c| c.norm()).fold(0.0, f64::max))
}

/// ‖diag(d)·W‖₂, the spectral norm of one step's Jacobian, where `d` holds
/// φ'(a_t) for each unit. Computed by an SVD of the scaled matrix.
pub fn scaled_spectral_norm(d: &[f64], w: &DMatrix<f64>) -> Option<f64> {
    let mut j = w.clone();
    for (r, &s) in d.iter().enumerate() {
        j.row_mut(r).scale_mut(s);
    }
    if j.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let svd = SVD::try_new(j, false, false, EPS, MAX_ITER)?;
    Some(svd.singular_values.iter().copied().fold(0.0, f64::max))
}

/// Per-step Jacobian norms and their running products, for the plain RNN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JacobianChain {
    /// ‖diag(φ'(a_t))·W‖₂ for t = 1..T (index 0 is t = 1).
    pub step_norms: Vec<f64>,
    /// Π_{s=t+1..T} ‖J_s‖: an upper bound of ‖∂h_T/∂h_t‖, so of how much a
    /// gradient arriving at h_T can still be worth at h_t. The last entry is 1.
    pub products_to_end: Vec<f64>,
}

/// Builds the chain from each step's activation derivatives.
pub fn jacobian_chain(derivs: &[Vec<f64>], w: &DMatrix<f64>) -> Option<JacobianChain> {
    let step_norms = derivs
        .iter()
        .map(|d| scaled_spectral_norm(d, w))
        .collect::<Option<Vec<f64>>>()?;
    Some(JacobianChain::from_step_norms(step_norms))
}

impl JacobianChain {
    /// The chain of these per-step norms: their running products from the end.
    pub fn from_step_norms(step_norms: Vec<f64>) -> JacobianChain {
        let n = step_norms.len();
        let mut products_to_end = vec![1.0; n];
        for t in (0..n.saturating_sub(1)).rev() {
            products_to_end[t] = products_to_end[t + 1] * step_norms[t + 1];
        }
        JacobianChain {
            step_norms,
            products_to_end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_has_complex_pair_on_unit_circle() {
        let (s, c) = (0.6f64, 0.8f64);
        let w = DMatrix::from_row_slice(2, 2, &[c, -s, s, c]);
        let sp = spectrum("W", &w).unwrap();
        assert!((sp.spectral_radius - 1.0).abs() < 1e-12);
        assert!(sp
            .eigenvalues
            .iter()
            .all(|(_, im)| (im.abs() - 0.6).abs() < 1e-12));
        assert!(sp.singular_values.iter().all(|s| (s - 1.0).abs() < 1e-12));
    }

    #[test]
    fn nan_matrix_gives_none_not_a_hang() {
        let w = DMatrix::from_element(3, 3, f64::NAN);
        assert!(spectrum("W", &w).is_none());
        assert!(spectral_radius(&w).is_none());
    }

    #[test]
    fn chain_products_multiply_later_steps() {
        let w = DMatrix::<f64>::identity(2, 2) * 2.0;
        let derivs = vec![vec![0.5, 0.5], vec![0.25, 0.25], vec![1.0, 0.1]];
        let ch = jacobian_chain(&derivs, &w).unwrap();
        assert_eq!(ch.step_norms, vec![1.0, 0.5, 2.0]);
        assert_eq!(ch.products_to_end, vec![1.0, 2.0, 1.0]);
    }
}
