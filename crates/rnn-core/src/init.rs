//! Weight initialisers, and the rescaling of a recurrent matrix to a chosen
//! spectral radius. All of them fill `f64` matrices; models convert to their
//! own scalar afterwards, so f32 and f64 models built from one seed start from
//! the same weights (up to rounding).

use crate::rng::Rng;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Init {
    /// All zeros: every unit computes the same thing forever (no symmetry
    /// breaking) — the curriculum's first mistake.
    Zeros,
    /// N(0, 1) · 0.01: fine for tiny nets, vanishes in deep or long ones.
    SmallRandom,
    /// Uniform in [−a, a].
    Uniform { a: f64 },
    /// Glorot & Bengio (2010), uniform: ±sqrt(6 / (fan_in + fan_out)).
    XavierUniform,
    /// Glorot & Bengio (2010), normal: std sqrt(2 / (fan_in + fan_out)).
    XavierNormal,
    /// He et al. (2015), normal: std sqrt(2 / fan_in), for ReLU.
    He,
    /// A random orthogonal matrix (QR of a Gaussian one): all singular values 1.
    Orthogonal,
    /// The identity (Le et al. 2015, "IRNN"); rectangular blocks get ones on
    /// the main diagonal.
    Identity,
}

impl Init {
    /// Short stable name, used in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Init::Zeros => "zeros",
            Init::SmallRandom => "small",
            Init::Uniform { .. } => "uniform",
            Init::XavierUniform => "xavier_uniform",
            Init::XavierNormal => "xavier_normal",
            Init::He => "he",
            Init::Orthogonal => "orthogonal",
            Init::Identity => "identity",
        }
    }

    /// Every initialiser, with `Uniform` at a = 0.1.
    pub const ALL: [Init; 8] = [
        Init::Zeros,
        Init::SmallRandom,
        Init::Uniform { a: 0.1 },
        Init::XavierUniform,
        Init::XavierNormal,
        Init::He,
        Init::Orthogonal,
        Init::Identity,
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }

    /// A `rows × cols` matrix; fan-in is `cols`, fan-out is `rows`.
    pub fn matrix(self, rows: usize, cols: usize, rng: &mut Rng) -> DMatrix<f64> {
        let fan_in = cols as f64;
        let fan_out = rows as f64;
        match self {
            Init::Zeros => DMatrix::zeros(rows, cols),
            Init::SmallRandom => DMatrix::from_fn(rows, cols, |_, _| 0.01 * rng.normal()),
            Init::Uniform { a } => DMatrix::from_fn(rows, cols, |_, _| rng.range(-a, a)),
            Init::XavierUniform => {
                let a = (6.0 / (fan_in + fan_out)).sqrt();
                DMatrix::from_fn(rows, cols, |_, _| rng.range(-a, a))
            }
            Init::XavierNormal => {
                let s = (2.0 / (fan_in + fan_out)).sqrt();
                DMatrix::from_fn(rows, cols, |_, _| s * rng.normal())
            }
            Init::He => {
                let s = (2.0 / fan_in).sqrt();
                DMatrix::from_fn(rows, cols, |_, _| s * rng.normal())
            }
            Init::Orthogonal => orthogonal(rows, cols, rng),
            Init::Identity => DMatrix::from_fn(rows, cols, |r, c| if r == c { 1.0 } else { 0.0 }),
        }
    }
}

/// A matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols),
/// from the QR decomposition of a Gaussian matrix, with the signs fixed so
/// the distribution is uniform (Mezzadri 2007).
fn orthogonal(rows: usize, cols: usize, rng: &mut Rng) -> DMatrix<f64> {
    let (tall, wide) = (rows.max(cols), rows.min(cols));
    if wide == 0 {
        return DMatrix::zeros(rows, cols);
    }
    let g = DMatrix::from_fn(tall, wide, |_, _| rng.normal());
    let qr = g.qr();
    let mut q = qr.q(); // tall × wide, orthonormal columns
    let r = qr.r();
    for j in 0..wide {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    if rows >= cols {
        q
    } else {
        q.transpose()
    }
}

/// Scales `w` (square) so its spectral radius — the largest |eigenvalue| —
/// becomes `rho`. Returns false and leaves `w` alone when the radius is zero
/// or cannot be computed.
pub fn rescale_spectral_radius(w: &mut DMatrix<f64>, rho: f64) -> bool {
    match crate::spectrum::spectral_radius(w) {
        Some(current) if current > 1e-12 && rho.is_finite() => {
            *w *= rho / current;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_has_unit_singular_values() {
        let mut rng = Rng::new(3);
        for (r, c) in [(16, 16), (24, 8), (8, 24)] {
            let m = Init::Orthogonal.matrix(r, c, &mut rng);
            let sv = m.singular_values();
            for s in sv.iter() {
                assert!((s - 1.0).abs() < 1e-10, "{r}x{c}: {s}");
            }
        }
    }

    #[test]
    fn scaled_inits_have_their_variance() {
        let mut rng = Rng::new(5);
        let m = Init::He.matrix(200, 100, &mut rng);
        let var = m.iter().map(|x| x * x).sum::<f64>() / m.len() as f64;
        assert!((var - 0.02).abs() < 0.002, "He var {var}");
        let m = Init::XavierUniform.matrix(100, 100, &mut rng);
        let var = m.iter().map(|x| x * x).sum::<f64>() / m.len() as f64;
        assert!((var - 0.01).abs() < 0.001, "Xavier var {var}");
    }

    #[test]
    fn spectral_radius_rescale_hits_target() {
        let mut rng = Rng::new(9);
        let mut w = Init::XavierNormal.matrix(20, 20, &mut rng);
        assert!(rescale_spectral_radius(&mut w, 1.7));
        let rho = crate::spectrum::spectral_radius(&w).unwrap();
        assert!((rho - 1.7).abs() < 1e-9, "{rho}");
        let mut z = DMatrix::zeros(4, 4);
        assert!(!rescale_spectral_radius(&mut z, 2.0));
    }
}
