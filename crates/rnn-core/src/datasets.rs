//! Seeded two-dimensional datasets for the perceptron and MLP lessons, in the
//! spirit of tensorflow/playground's `dataset.ts`: XOR, two linearly
//! separable blobs, two circles and two spirals. Every set is two classes
//! (0 and 1), its inputs a 2 × N matrix in f64 with one column per point,
//! centred in the square [−`EXTENT`, `EXTENT`]² that the views draw, which
//! holds nearly every point unless the noise is large. Classes alternate
//! (point i is drawn for class i mod 2; XOR then labels it by its signs), so
//! any contiguous slice is balanced.

use crate::loss::Targets;
use crate::real::Real;
use crate::rng::Rng;
use crate::{Error, Invalid};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Half the side of the square the views draw. Before noise, XOR, circles
/// and spirals stay within ±1.25; the blobs' Gaussian tails reach further.
pub const EXTENT: f64 = 1.5;
pub const MIN_POINTS: usize = 4;
pub const MAX_POINTS: usize = 10_000;
/// Noise is a standard deviation added to each coordinate; above 1 every
/// kind is mostly noise.
pub const MAX_NOISE: f64 = 1.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// Points around the four corners (±1, ±1); class 1 where the signs of x
    /// and y differ. No line separates the classes: the perceptron's limit.
    Xor,
    /// Two Gaussian blobs (σ = 0.3, plus the noise) around (−1, −1) and
    /// (1, 1), linearly separable by construction: points within
    /// `BLOB_MARGIN` of the line x + y = 0, or on its wrong side, are drawn
    /// again.
    Blobs,
    /// A disc (class 0, radius < 0.5) inside a ring (class 1, radius 0.8–1.2).
    Circles,
    /// Two interleaved spirals, one turn and three quarters each.
    Spirals,
}

/// The gap each blob point keeps from the separating line x + y = 0.
pub const BLOB_MARGIN: f64 = 0.1;

impl DatasetKind {
    pub const ALL: [DatasetKind; 4] = [
        DatasetKind::Xor,
        DatasetKind::Blobs,
        DatasetKind::Circles,
        DatasetKind::Spirals,
    ];

    /// Short stable name, used in URLs.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Xor => "xor",
            DatasetKind::Blobs => "blobs",
            DatasetKind::Circles => "circles",
            DatasetKind::Spirals => "spirals",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether a single line can separate the classes (so the perceptron
    /// converges on it).
    pub fn linearly_separable(self) -> bool {
        self == DatasetKind::Blobs
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetConfig {
    pub kind: DatasetKind,
    /// Number of points N.
    pub points: usize,
    /// Standard deviation of the Gaussian noise added to each coordinate.
    pub noise: f64,
    pub seed: u64,
}

impl Default for DatasetConfig {
    fn default() -> Self {
        DatasetConfig {
            kind: DatasetKind::Xor,
            points: 200,
            noise: 0.1,
            seed: 1,
        }
    }
}

impl DatasetConfig {
    pub fn validate(&self) -> Result<(), Error> {
        if !(MIN_POINTS..=MAX_POINTS).contains(&self.points) {
            return Err(Invalid::Points {
                got: self.points,
                min: MIN_POINTS,
                max: MAX_POINTS,
            }
            .into());
        }
        if !(self.noise.is_finite() && (0.0..=MAX_NOISE).contains(&self.noise)) {
            return Err(Invalid::Noise {
                value: self.noise,
                max: MAX_NOISE,
            }
            .into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub kind: DatasetKind,
    /// 2 × N, one column per point (x, y).
    pub inputs: DMatrix<f64>,
    /// The class of each point, 0 or 1.
    pub labels: Vec<usize>,
}

impl Dataset {
    /// Generates the set described by `config`; the same config always gives
    /// the same points.
    pub fn new(config: &DatasetConfig) -> Result<Dataset, Error> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let n = config.points;
        let sigma = config.noise;
        let mut inputs = DMatrix::zeros(2, n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let class = i % 2;
            let (x, y, label) = match config.kind {
                DatasetKind::Xor => {
                    // Class 1 corners are (1, −1) and (−1, 1); the point's own
                    // signs decide its label, so noise never mislabels it.
                    let sx = if (i / 2) % 2 == 0 { 1.0 } else { -1.0 };
                    let sy = if class == 1 { -sx } else { sx };
                    let x = sx + sigma * rng.normal();
                    let y = sy + sigma * rng.normal();
                    (x, y, ((x > 0.0) != (y > 0.0)) as usize)
                }
                DatasetKind::Blobs => {
                    let c = if class == 1 { 1.0 } else { -1.0 };
                    let spread = (0.3f64 * 0.3 + sigma * sigma).sqrt();
                    loop {
                        let x = c + spread * rng.normal();
                        let y = c + spread * rng.normal();
                        // Signed distance from x + y = 0, towards the class's side.
                        if c * (x + y) / std::f64::consts::SQRT_2 > BLOB_MARGIN {
                            break (x, y, class);
                        }
                    }
                }
                DatasetKind::Circles => {
                    let r = if class == 0 {
                        0.5 * rng.uniform().sqrt()
                    } else {
                        rng.range(0.8, 1.2)
                    };
                    let t = rng.range(0.0, std::f64::consts::TAU);
                    (
                        r * t.cos() + sigma * rng.normal(),
                        r * t.sin() + sigma * rng.normal(),
                        class,
                    )
                }
                DatasetKind::Spirals => {
                    // Point k of each spiral at position s in [0, 1): radius
                    // grows from 0.05 to 1.25 while the angle turns 3.5π; the
                    // second spiral is the first rotated by π.
                    let s = (i / 2) as f64 / n.div_ceil(2) as f64;
                    let r = 0.05 + 1.2 * s;
                    let t = 3.5 * std::f64::consts::PI * s + class as f64 * std::f64::consts::PI;
                    (
                        r * t.cos() + sigma * rng.normal(),
                        r * t.sin() + sigma * rng.normal(),
                        class,
                    )
                }
            };
            inputs[(0, i)] = x;
            inputs[(1, i)] = y;
            labels.push(label);
        }
        Ok(Dataset {
            kind: config.kind,
            inputs,
            labels,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Always 2: every kind is a two-class problem.
    pub fn classes(&self) -> usize {
        2
    }

    /// Point i as (x, y).
    pub fn point(&self, i: usize) -> (f64, f64) {
        (self.inputs[(0, i)], self.inputs[(1, i)])
    }

    /// Labels as the perceptron wants them: class 1 → +1, class 0 → −1.
    pub fn signs(&self) -> Vec<f64> {
        self.labels
            .iter()
            .map(|&c| if c == 1 { 1.0 } else { -1.0 })
            .collect()
    }

    /// The inputs in the model's scalar type.
    pub fn inputs_as<T: Real>(&self) -> DMatrix<T> {
        self.inputs.map(T::of)
    }

    /// Class targets for a softmax cross-entropy MLP.
    pub fn targets<T: Real>(&self) -> Targets<T> {
        Targets::Classes(self.labels.iter().map(|&c| Some(c as u32)).collect())
    }

    /// A random minibatch of `size` points drawn without replacement (all of
    /// them, shuffled, when `size` ≥ N): inputs 2 × size and their labels.
    pub fn sample(&self, rng: &mut Rng, size: usize) -> (DMatrix<f64>, Vec<usize>) {
        let n = self.len();
        let size = size.min(n);
        // Partial Fisher–Yates: the first `size` entries become the sample.
        let mut order: Vec<usize> = (0..n).collect();
        for i in 0..size {
            let j = i + rng.below(n - i);
            order.swap(i, j);
        }
        let picked = &order[..size];
        let inputs = DMatrix::from_fn(2, size, |r, c| self.inputs[(r, picked[c])]);
        (inputs, picked.iter().map(|&i| self.labels[i]).collect())
    }
}

/// A `resolution × resolution` grid of points covering [−`EXTENT`, `EXTENT`]²,
/// as a 2 × resolution² matrix, row by row from the top (largest y) so that
/// column r·resolution + c is pixel (row r, column c) of a heatmap.
pub fn grid(resolution: usize) -> DMatrix<f64> {
    let n = resolution.max(1);
    let step = if n > 1 { 2.0 * EXTENT / (n - 1) as f64 } else { 0.0 };
    DMatrix::from_fn(2, n * n, |r, j| {
        let (row, col) = (j / n, j % n);
        if r == 0 {
            -EXTENT + col as f64 * step
        } else {
            EXTENT - row as f64 * step
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(kind: DatasetKind, noise: f64) -> Dataset {
        Dataset::new(&DatasetConfig {
            kind,
            points: 400,
            noise,
            seed: 4,
        })
        .unwrap()
    }

    #[test]
    fn every_kind_is_seeded_balanced_and_in_range() {
        for kind in DatasetKind::ALL {
            let a = set(kind, 0.1);
            assert_eq!(a, set(kind, 0.1));
            assert_eq!(a.inputs.shape(), (2, 400));
            let ones = a.labels.iter().filter(|&&c| c == 1).count();
            assert!((150..=250).contains(&ones), "{kind:?}: {ones} of 400");
            assert!(a.inputs.iter().all(|v| v.abs() < EXTENT + 1.0), "{kind:?}");
            assert_eq!(DatasetKind::from_name(kind.name()), Some(kind));
        }
    }

    #[test]
    fn xor_labels_follow_the_signs_and_blobs_keep_their_margin() {
        let x = set(DatasetKind::Xor, 0.3);
        for i in 0..x.len() {
            let (px, py) = x.point(i);
            assert_eq!(x.labels[i], (px * py < 0.0) as usize);
        }
        let b = set(DatasetKind::Blobs, 0.5);
        for i in 0..b.len() {
            let (px, py) = b.point(i);
            let side = if b.labels[i] == 1 { 1.0 } else { -1.0 };
            assert!(side * (px + py) / 2f64.sqrt() > BLOB_MARGIN);
        }
    }

    #[test]
    fn bad_configs_are_refused_and_samples_are_subsets() {
        let bad = |points, noise| {
            Dataset::new(&DatasetConfig {
                points,
                noise,
                ..DatasetConfig::default()
            })
        };
        let points = |got| {
            Err(Invalid::Points {
                got,
                min: MIN_POINTS,
                max: MAX_POINTS,
            }
            .into())
        };
        assert_eq!(bad(0, 0.1), points(0));
        assert_eq!(bad(MAX_POINTS + 1, 0.1), points(MAX_POINTS + 1));
        assert!(matches!(
            bad(100, f64::NAN),
            Err(Error::Invalid(Invalid::Noise { value, max: MAX_NOISE })) if value.is_nan()
        ));
        assert_eq!(
            bad(100, -0.1),
            Err(Invalid::Noise {
                value: -0.1,
                max: MAX_NOISE
            }
            .into())
        );
        let d = set(DatasetKind::Circles, 0.0);
        let (xs, ys) = d.sample(&mut Rng::new(1), 32);
        assert_eq!((xs.shape(), ys.len()), ((2, 32), 32));
        for j in 0..32 {
            let i = (0..d.len())
                .find(|&i| d.point(i) == (xs[(0, j)], xs[(1, j)]))
                .unwrap();
            assert_eq!(d.labels[i], ys[j]);
        }
        let g = grid(3);
        assert_eq!(g.column(0).as_slice(), &[-EXTENT, EXTENT]);
        assert_eq!(g.column(8).as_slice(), &[EXTENT, -EXTENT]);
    }
}
