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
            reports.push(PerceptronEpoch {
                epoch,
                mistakes,
                accuracy: self.accuracy(inputs, labels)?,
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
