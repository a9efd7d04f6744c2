//! The perceptron (感知机, Rosenblatt 1958): inputs x, weights w, a bias b,
//! and a step decision sign(w·x + b), trained by the perceptron learning
//! rule. The simplest network of the curriculum's first chapter: it learns
//! any linearly separable set in finitely many mistakes (Novikoff 1962) and
//! can never fit XOR, which is why the hidden layer of the MLP exists.
//!
//! Kept in `f64` only: there are no gradients to check and nothing to speed
//! up, and the views draw the weights exactly as they are.

use crate::{Error, Invalid, Mismatch};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Perceptron {
    pub w: Vec<f64>,
    pub b: f64,
    /// η in the update rule (any finite value > 0; with w and b starting at
    /// zero it only scales the weights, not the sequence of mistakes).
    pub learning_rate: f64,
}

/// What one pass over the data did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerceptronEpoch {
    /// 1-based.
    pub epoch: usize,
    /// Points that were misclassified when visited (and so moved the weights).
    pub mistakes: usize,
    /// Fraction of the whole set classified right after the epoch.
    pub accuracy: f64,
    /// Whether every point is classified right after the epoch (accuracy 1):
    /// the perceptron has converged and no further update will happen.
    pub all_right: bool,
    /// Weights and bias after the epoch, for drawing the decision line.
    pub w: Vec<f64>,
    pub b: f64,
}

impl Perceptron {
    /// A perceptron with `inputs` weights, all starting at zero (the classic
    /// start: the rule breaks the symmetry itself).
    pub fn new(inputs: usize, learning_rate: f64) -> Result<Self, Error> {
        Self::from_weights(vec![0.0; inputs], 0.0, learning_rate)
    }

    pub fn from_weights(w: Vec<f64>, b: f64, learning_rate: f64) -> Result<Self, Error> {
        if w.is_empty() {
            return Err(Invalid::InputSize { got: 0, max: None }.into());
        }
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(Invalid::PerceptronLearningRate { value: learning_rate }.into());
        }
        if !b.is_finite() || w.iter().any(|v| !v.is_finite()) {
            return Err(Invalid::NonFiniteWeights.into());
        }
        Ok(Perceptron { w, b, learning_rate })
    }

    /// The weighted sum s = w·x + b.
    pub fn net_input(&self, x: &[f64]) -> f64 {
        self.w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() + self.b
    }

    /// The step output: +1 if w·x + b ≥ 0, else −1.
    pub fn predict(&self, x: &[f64]) -> f64 {
        if self.net_input(x) >= 0.0 {
            1.0
        } else {
            -1.0
        }
    }

    /// The learning rule on one point with label y = ±1. If the point is
    /// misclassified: w ← w + η·y·x, b ← b + η·y. Returns whether it was.
    /// (x must have as many entries as w; `epoch` checks this for whole sets.)
    pub fn update(&mut self, x: &[f64], y: f64) -> bool {
        if self.predict(x) == y {
            return false;
        }
        let step = self.learning_rate * y;
        for (w, x) in self.w.iter_mut().zip(x) {
            *w += step * x;
        }
        self.b += step;
        true
    }

    /// One pass over every column of `inputs` (n × N) in order, with labels
    /// ±1. Returns the number of mistakes made along the way.
    pub fn epoch(&mut self, inputs: &DMatrix<f64>, labels: &[f64]) -> Result<usize, Error> {
        self.check(inputs, labels)?;
        let n = inputs.nrows();
        let mut mistakes = 0;
        for (x, &y) in inputs.as_slice().chunks_exact(n).zip(labels) {
            mistakes += self.update(x, y) as usize;
        }
        Ok(mistakes)
    }

    /// Epochs until one makes no mistake (the data are then separated) or
    /// `max_epochs` have run. One report per epoch.
    pub fn train(
        &mut self,
        inputs: &DMatrix<f64>,
        labels: &[f64],
        max_epochs: usize,
    ) -> Result<Vec<PerceptronEpoch>, Error> {
        let mut reports = Vec::new();
        for epoch in 1..=max_epochs {
            let mistakes = self.epoch(inputs, labels)?;
            let accuracy = self.accuracy(inputs, labels)?;
            reports.push(PerceptronEpoch {
                epoch,
                mistakes,
                accuracy,
                all_right: accuracy == 1.0,
                w: self.w.clone(),
                b: self.b,
            });
            if mistakes == 0 {
                break;
            }
        }
        Ok(reports)
    }

    /// Fraction of the points classified right.
    pub fn accuracy(&self, inputs: &DMatrix<f64>, labels: &[f64]) -> Result<f64, Error> {
        self.check(inputs, labels)?;
        let n = inputs.nrows();
        let right = inputs
            .as_slice()
            .chunks_exact(n)
            .zip(labels)
            .filter(|(x, &y)| self.predict(x) == y)
            .count();
        Ok(right as f64 / labels.len().max(1) as f64)
    }

    fn check(&self, inputs: &DMatrix<f64>, labels: &[f64]) -> Result<(), Error> {
        let expected = (self.w.len(), labels.len());
        if inputs.shape() != expected {
            let got = inputs.shape();
            return Err(Mismatch::Inputs { expected, got }.into());
        }
        if let Some(&value) = labels.iter().find(|&&y| y != 1.0 && y != -1.0) {
            return Err(Invalid::PerceptronLabel { value }.into());
        }
        if inputs.iter().any(|x| !x.is_finite()) {
            return Err(Invalid::NonFiniteInputs.into());
        }
        Ok(())
    }
}

/// The perceptron on one data set, stepped the way the page steps it.
///
/// **Which point a step takes.** A step visits the points in data order
/// (column order of `inputs`), cycling, starting at the cursor, and updates
/// the first one it finds misclassified at the current weights; the cursor
/// then moves to the point after it. The cursor starts at point 0. So the
/// first step takes the first misclassified point, and each later step the
/// first misclassified point after the last one updated, wrapping round
/// the end of the data. When no point is misclassified the perceptron has
/// converged and a step does nothing.
///
/// **An epoch** is the classic pass of the rule: it visits all N points once,
/// from the cursor on, updating each that is misclassified when visited.
/// That is exactly the steps whose points fall in those N visits, so Step
/// and Play drive one and the same sequence of updates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerceptronRun {
    pub perceptron: Perceptron,
    /// n × N, one column per point.
    inputs: DMatrix<f64>,
    /// ±1, one per column.
    labels: Vec<f64>,
    /// Where the next visit starts: one past the last point updated.
    cursor: usize,
    updates: u64,
    epochs: usize,
    /// The fewest mistakes any epoch made (`None` before the first).
    fewest_mistakes: Option<usize>,
}

/// One step of the perceptron rule, with every number of its formula:
/// w ← w + η·y·x and b ← b + η·y.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerceptronStep {
    /// The point updated (its column in the data), 0-based.
    pub index: usize,
    /// Its coordinates x and its label y (±1).
    pub x: Vec<f64>,
    pub y: f64,
    /// The weighted sum s = w·x + b before the update, and the class it
    /// gave (+1 if s ≥ 0, else −1): the wrong one, which is why the point
    /// is updated.
    pub net_input: f64,
    pub predicted: f64,
    pub w_before: Vec<f64>,
    pub b_before: f64,
    /// η.
    pub learning_rate: f64,
    /// η·y, the factor of both updates.
    pub eta_y: f64,
    /// The terms η·y·xᵢ added to the weights, and η·y added to the bias.
    pub delta_w: Vec<f64>,
    pub delta_b: f64,
    /// w_before + delta_w and b_before + delta_b, as stored.
    pub w_after: Vec<f64>,
    pub b_after: f64,
    /// Points still misclassified after the update (0: converged).
    pub mistakes_after: usize,
    /// 1-based count of updates so far, this one included.
    pub update: u64,
}

/// What `PerceptronRun::run` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PerceptronOutcome {
    /// Every point is right, after `epochs` epochs of the run in all.
    Converged { epochs: usize },
    /// No epoch of the `epochs` run so far was free of mistakes: the
    /// perceptron has not separated the data within the limit. This is the
    /// cheap check the page can call, and it is evidence, not a proof, that
    /// no line separates the classes: the perceptron convergence theorem
    /// (Novikoff 1962) says that on separable data the updates stop after
    /// finitely many mistakes, but that number grows with (R/γ)² (R the
    /// radius of the data, γ the margin), so a separable set with a tiny
    /// margin could also take longer than any limit. For an exact answer on
    /// 2-D data see [`linearly_separable_2d`].
    NotWithin { epochs: usize, fewest_mistakes: usize },
}

impl PerceptronRun {
    /// `perceptron` on the points `inputs` (n × N, one column per point)
    /// with labels ±1.
    pub fn new(perceptron: Perceptron, inputs: DMatrix<f64>, labels: Vec<f64>) -> Result<Self, Error> {
        perceptron.check(&inputs, &labels)?;
        if labels.is_empty() {
            let batch_size = 0;
            return Err(Invalid::EmptyBatch {
                seq_len: 1,
                batch_size,
            }
            .into());
        }
        Ok(PerceptronRun {
            perceptron,
            inputs,
            labels,
            cursor: 0,
            updates: 0,
            epochs: 0,
            fewest_mistakes: None,
        })
    }

    /// A zero-weight perceptron with learning rate η on `data` (labels as
    /// [`Dataset::signs`](crate::Dataset::signs) gives them).
    pub fn on_dataset(data: &crate::Dataset, learning_rate: f64) -> Result<Self, Error> {
        let p = Perceptron::new(data.inputs.nrows(), learning_rate)?;
        Self::new(p, data.inputs.clone(), data.signs())
    }

    pub fn inputs(&self) -> &DMatrix<f64> {
        &self.inputs
    }

    pub fn labels(&self) -> &[f64] {
        &self.labels
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: a run is refused on no points.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Updates made so far (steps, and updates inside epochs).
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Epochs run so far (steps taken one by one are not counted).
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// The fewest mistakes any epoch of this run made, `None` before the first.
    pub fn fewest_mistakes(&self) -> Option<usize> {
        self.fewest_mistakes
    }

    /// Point i's coordinates.
    pub fn point(&self, i: usize) -> &[f64] {
        let n = self.inputs.nrows();
        &self.inputs.as_slice()[i * n..(i + 1) * n]
    }

    fn wrong(&self, i: usize) -> bool {
        self.perceptron.predict(self.point(i)) != self.labels[i]
    }

    /// Every point misclassified at the current weights, in data order.
    pub fn misclassified(&self) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.wrong(i)).collect()
    }

    /// How many points are misclassified at the current weights.
    pub fn mistakes(&self) -> usize {
        (0..self.len()).filter(|&i| self.wrong(i)).count()
    }

    /// Whether every point is right: the perceptron has converged.
    pub fn converged(&self) -> bool {
        (0..self.len()).all(|i| !self.wrong(i))
    }

    /// The point the next step will update (`None` when converged), so the
    /// page can mark it before the step is taken.
    pub fn next_point(&self) -> Option<usize> {
        let n = self.len();
        (0..n).map(|k| (self.cursor + k) % n).find(|&i| self.wrong(i))
    }

    /// One update of the perceptron rule on the next misclassified point
    /// (see the type's docs for which); `None`, changing nothing, when every
    /// point is right.
    pub fn step(&mut self) -> Option<PerceptronStep> {
        let index = self.next_point()?;
        let mut step = self.update_point(index);
        step.mistakes_after = self.mistakes();
        Some(step)
    }

    /// Updates misclassified point `index`, moving the cursor past it
    /// (`mistakes_after` left at 0 for the caller to fill).
    fn update_point(&mut self, index: usize) -> PerceptronStep {
        let p = &self.perceptron;
        let x = self.point(index).to_vec();
        let y = self.labels[index];
        let net_input = p.net_input(&x);
        let (w_before, b_before, eta) = (p.w.clone(), p.b, p.learning_rate);
        // The rule as `Perceptron::update` computes it, term by term.
        let eta_y = eta * y;
        let delta_w: Vec<f64> = x.iter().map(|xi| eta_y * xi).collect();
        let updated = self.perceptron.update(&x, y);
        debug_assert!(updated, "only misclassified points are updated");
        self.cursor = (index + 1) % self.len();
        self.updates += 1;
        PerceptronStep {
            index,
            predicted: -y,
            net_input,
            w_before,
            b_before,
            learning_rate: eta,
            eta_y,
            delta_b: eta_y,
            w_after: self.perceptron.w.clone(),
            b_after: self.perceptron.b,
            mistakes_after: 0,
            update: self.updates,
            delta_w,
            x,
            y,
        }
    }

    /// One epoch: N visits from the cursor on, in data order, cycling,
    /// each misclassified point visited updated (see the type's docs).
    /// `mistakes` in the report is the number of updates it made; 0 means
    /// the data were already separated.
    pub fn epoch(&mut self) -> PerceptronEpoch {
        let n = self.len();
        let start = self.cursor;
        let mut mistakes = 0;
        for k in 0..n {
            let i = (start + k) % n;
            if self.wrong(i) {
                self.update_point(i);
                mistakes += 1;
            }
        }
        self.epochs += 1;
        self.fewest_mistakes = Some(self.fewest_mistakes.map_or(mistakes, |m| m.min(mistakes)));
        let right = n - self.mistakes();
        PerceptronEpoch {
            epoch: self.epochs,
            mistakes,
            accuracy: right as f64 / n as f64,
            all_right: right == n,
            w: self.perceptron.w.clone(),
            b: self.perceptron.b,
        }
    }

    /// Epochs until every point is right, or until the run has done
    /// `max_epochs` epochs in all (epochs already run count). See
    /// [`PerceptronOutcome::NotWithin`] for what not converging does and
    /// does not prove.
    pub fn run(&mut self, max_epochs: usize) -> PerceptronOutcome {
        while !self.converged() && self.epochs < max_epochs {
            self.epoch();
        }
        if self.converged() {
            PerceptronOutcome::Converged { epochs: self.epochs }
        } else {
            PerceptronOutcome::NotWithin {
                epochs: self.epochs,
                fewest_mistakes: self.fewest_mistakes.unwrap_or_else(|| self.mistakes()),
            }
        }
    }
}

/// Whether a line separates the two classes of 2-D points strictly (every
/// +1 point on one side of it, every −1 point on the other, none on it):
/// exactly the sets on which the perceptron converges. Decided exactly, up
/// to the rounding of f64 in the differences and cross products below, not
/// by training: two finite sets are strictly separable by a line if and
/// only if their convex hulls do not meet, that is if and only if the
/// origin lies outside the convex hull of the differences p − q (p a +1
/// point, q a −1 point). Only hull vertices matter, so the cost is two
/// hulls, O(N log N), and one hull of h₊·h₋ differences (h the hull sizes:
/// a few dozen for the datasets here). A set with one class only is
/// separable.
pub fn linearly_separable_2d(inputs: &DMatrix<f64>, labels: &[f64]) -> Result<bool, Error> {
    if inputs.nrows() != 2 {
        let got = inputs.nrows();
        return Err(Mismatch::InputRows { expected: 2, got }.into());
    }
    if labels.len() != inputs.ncols() {
        let (expected, got) = (inputs.ncols(), labels.len());
        return Err(Mismatch::Labels { expected, got }.into());
    }
    if let Some(&value) = labels.iter().find(|&&y| y != 1.0 && y != -1.0) {
        return Err(Invalid::PerceptronLabel { value }.into());
    }
    if inputs.iter().any(|x| !x.is_finite()) {
        return Err(Invalid::NonFiniteInputs.into());
    }
    let class = |sign: f64| -> Vec<[f64; 2]> {
        (0..labels.len())
            .filter(|&i| labels[i] == sign)
            .map(|i| [inputs[(0, i)], inputs[(1, i)]])
            .collect()
    };
    let (plus, minus) = (convex_hull(class(1.0)), convex_hull(class(-1.0)));
    if plus.is_empty() || minus.is_empty() {
        return Ok(true);
    }
    let diffs = plus
        .iter()
        .flat_map(|p| minus.iter().map(move |q| [p[0] - q[0], p[1] - q[1]]))
        .collect();
    Ok(!hull_contains_origin(&convex_hull(diffs)))
}

/// (b − a) × (c − a): > 0 when a → b → c turns left.
fn cross(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// The vertices of the convex hull, counter-clockwise, without collinear
/// points (Andrew's monotone chain): one point if all are equal, the two
/// ends if all are on a line.
fn convex_hull(mut points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let mut hull = Vec::with_capacity(2 * points.len());
    // The lower chain left to right, then the upper chain right to left;
    // each chain's last point is the other one's first, so it is dropped.
    chain(&mut hull, points.iter());
    hull.pop();
    chain(&mut hull, points.iter().rev());
    hull.pop();
    hull
}

/// Appends `points` to `hull` as one chain of the monotone-chain algorithm:
/// a point that does not turn left from the last two of this chain removes
/// the last one.
fn chain<'a>(hull: &mut Vec<[f64; 2]>, points: impl Iterator<Item = &'a [f64; 2]>) {
    let start = hull.len();
    for &p in points {
        while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
}

/// Whether the origin is in the closed convex polygon `hull` (vertices as
/// `convex_hull` gives them).
fn hull_contains_origin(hull: &[[f64; 2]]) -> bool {
    let o = [0.0, 0.0];
    match hull {
        [] => false,
        [a] => *a == o,
        [a, b] => cross(*a, *b, o) == 0.0 && a[0] * b[0] + a[1] * b[1] <= 0.0,
        _ => (0..hull.len()).all(|i| cross(hull[i], hull[(i + 1) % hull.len()], o) >= 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_and_and_refuses_nonsense() {
        // AND on {0,1}²: linearly separable.
        let x = DMatrix::from_column_slice(2, 4, &[0., 0., 0., 1., 1., 0., 1., 1.]);
        let y = [-1.0, -1.0, -1.0, 1.0];
        let mut p = Perceptron::new(2, 1.0).unwrap();
        let epochs = p.train(&x, &y, 50).unwrap();
        assert_eq!(epochs.last().unwrap().mistakes, 0);
        assert_eq!(p.accuracy(&x, &y).unwrap(), 1.0);
        assert_eq!(
            Perceptron::new(0, 1.0),
            Err(Invalid::InputSize { got: 0, max: None }.into())
        );
        assert!(matches!(
            Perceptron::new(2, f64::NAN),
            Err(Error::Invalid(Invalid::PerceptronLearningRate { value })) if value.is_nan()
        ));
        assert_eq!(
            Perceptron::new(2, 0.0),
            Err(Invalid::PerceptronLearningRate { value: 0.0 }.into())
        );
        assert_eq!(
            Perceptron::from_weights(vec![1.0, f64::INFINITY], 0.0, 1.0),
            Err(Invalid::NonFiniteWeights.into())
        );
        assert_eq!(
            p.epoch(&x, &[1.0, 0.0, 1.0, 1.0]),
            Err(Invalid::PerceptronLabel { value: 0.0 }.into())
        );
        assert_eq!(
            p.epoch(&x, &y[..3]),
            Err(Mismatch::Inputs {
                expected: (2, 3),
                got: (2, 4)
            }
            .into())
        );
    }
}
