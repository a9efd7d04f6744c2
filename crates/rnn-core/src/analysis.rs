//! What the recurrent matrices say about the gradient: the spectrum of each
//! block of W, and for a plain RNN the Jacobian chain of the traced example.
//!
//! Computed from [`RecurrentWeights`], plain data copied out of the net, so
//! the page's views analyse the weights a frame published without holding
//! the net itself (and the same data could cross to a worker).

use crate::activation::Activation;
use crate::cell::CellKind;
use crate::gate::{Block, Direction};
use crate::spectrum::{jacobian_chain, spectrum, JacobianChain, Spectrum};
use crate::trace::Trace;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Spectra and Jacobian chains of a network (see [`RecurrentWeights::analysis`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// γ, the activation's largest derivative.
    pub gamma: f64,
    pub spectra: Vec<Spectrum>,
    /// RNN only: one chain per direction, in real time order for the forward
    /// direction and processing order for the backward one.
    pub jacobians: Vec<JacobianChain>,
}

/// The recurrent matrices of a net at one moment
/// (`RecurrentNet::recurrent_weights`).
#[derive(Clone, Debug, PartialEq)]
pub struct RecurrentWeights {
    pub cell: CellKind,
    pub activation: Activation,
    pub hidden: usize,
    /// W per direction, forward first: its gates' blocks of `hidden` rows
    /// one under the other, in `CellKind::gate_names` order.
    pub w: Vec<DMatrix<f64>>,
}

impl RecurrentWeights {
    /// The spectrum of one gate block of W in one direction, named as the
    /// views and tables name it (`Block::name`); `None` for a block this
    /// net does not have or without a finite spectrum.
    pub fn block_spectrum(&self, b: Block) -> Option<Spectrum> {
        let w = self.w.get(b.direction.index())?;
        let (h, k) = (self.hidden, b.row_block());
        if h == 0 || (k + 1) * h > w.nrows() {
            return None;
        }
        spectrum(&b.name(self.w.len() > 1), &w.rows(k * h, h).clone_owned())
    }

    /// Every block's spectrum, and for a plain RNN the Jacobian chain of
    /// `trace`'s example in each direction.
    pub fn analysis(&self, trace: Option<&Trace>) -> Analysis {
        Analysis {
            gamma: self.activation.max_derivative(),
            spectra: self.spectra(),
            jacobians: trace.map(|t| self.jacobians(t)).unwrap_or_default(),
        }
    }

    /// Every block's spectrum, forward direction first.
    pub fn spectra(&self) -> Vec<Spectrum> {
        let mut spectra = Vec::new();
        for dir in 0..self.w.len() {
            let Some(direction) = Direction::from_index(dir) else {
                break;
            };
            for b in Block::all(self.cell, false) {
                spectra.extend(self.block_spectrum(Block { direction, ..b }));
            }
        }
        spectra
    }

    /// The plain RNN's Jacobian chain of `trace`'s example in each direction
    /// (none for the gated cells): diag(φ′(a_t))·W at every step of the
    /// traced forward pass, which ran with these weights.
    pub fn jacobians(&self, trace: &Trace) -> Vec<JacobianChain> {
        let mut jacobians = Vec::new();
        if self.cell != CellKind::Rnn {
            return jacobians;
        }
        for (w, d) in self.w.iter().zip(&trace.directions) {
            let act = self.activation;
            let derivs: Vec<Vec<f64>> = d
                .pre_activations
                .iter()
                .zip(&d.hidden)
                .map(|(a, h)| a.iter().zip(h).map(|(a, h)| act.derivative(*a, *h)).collect())
                .collect();
            jacobians.extend(jacobian_chain(&derivs, w));
        }
        jacobians
    }
}

#[cfg(test)]
mod tests {
    use crate::gate::{Block, Direction};
    use crate::{CellKind, Experiment, ExperimentConfig};

    fn experiment(cell: CellKind, bidirectional: bool) -> Experiment {
        Experiment::new(ExperimentConfig {
            cell,
            bidirectional,
            hidden_size: 5,
            batch_size: 4,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn every_blocks_spectrum_is_in_the_analysis() {
        for (cell, bidi) in [
            (CellKind::Rnn, true),
            (CellKind::Lstm, false),
            (CellKind::Gru, true),
        ] {
            let e = experiment(cell, bidi);
            let w = e.recurrent_weights();
            let a = w.analysis(None);
            let blocks = Block::all(cell, bidi);
            assert_eq!(a.spectra.len(), blocks.len());
            for b in blocks {
                let s = w.block_spectrum(b).unwrap();
                assert_eq!(s.name, b.name(bidi));
                assert!(a.spectra.contains(&s), "{}", s.name);
            }
        }
        // A backward block of a one-way net does not exist.
        let w = experiment(CellKind::Lstm, false).recurrent_weights();
        let back = Block {
            direction: Direction::Backward,
            gate: None,
        };
        assert!(w.block_spectrum(back).is_none());
    }

    #[test]
    fn a_traced_report_carries_the_weights_its_forward_pass_used() {
        let mut e = experiment(CellKind::Rnn, false);
        let before = e.recurrent_weights();
        let probe = e.probe(true).unwrap();
        assert_eq!(probe.weights.as_ref(), Some(&before), "a probe updates nothing");
        let first = e.step(true).unwrap();
        assert_eq!(
            first.weights.as_ref(),
            Some(&before),
            "step 1 ran on the initial W"
        );
        let after = e.recurrent_weights();
        assert_ne!(after, before, "and then updated it");
        assert!(e.step(false).unwrap().weights.is_none(), "no trace, no weights");
        let after_2 = e.recurrent_weights();
        assert_eq!(e.step(true).unwrap().weights, Some(after_2));
        // Along its trace those weights give the chain the net itself gives
        // before any update.
        let mut f = experiment(CellKind::Rnn, false);
        let r = f.step(true).unwrap();
        let mine = r.weights.unwrap().analysis(r.trace.as_ref());
        let mut g = experiment(CellKind::Rnn, false);
        let probe = g.probe(true).unwrap();
        assert_eq!(mine.spectra, g.analysis(None).spectra);
        assert_eq!(mine.jacobians.len(), 1);
        // g's probe saw the same first batch with the same (initial) W.
        assert_eq!(mine.jacobians, g.analysis(probe.trace.as_ref()).jacobians);
    }
}
