//! What the recurrent matrices say about the gradient: the spectrum of each
//! block of W, and for a plain RNN the Jacobian chain of the traced example.
//!
//! Computed from [`RecurrentWeights`], plain data copied out of the net, so
//! the page's views analyse the weights a frame published without holding
//! the net itself (and the same data could cross to a worker).

use crate::activation::Activation;
use crate::cell::CellKind;
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
    /// The name the views and tables give a block: `W` for a plain RNN,
    /// `W_f` for a gate, with `fwd.`/`bwd.` in front when bidirectional.
    pub fn block_name(&self, direction: usize, gate: usize) -> String {
        let prefix = if self.w.len() > 1 {
            ["fwd.", "bwd."][direction.min(1)]
        } else {
            ""
        };
        match self.cell {
            CellKind::Rnn => format!("{prefix}W"),
            _ => format!("{prefix}W_{}", self.cell.gate_names()[gate]),
        }
    }

    /// The spectrum of one gate's block of W in one direction; `None` for a
    /// block that does not exist or has no finite spectrum.
    pub fn block_spectrum(&self, direction: usize, gate: usize) -> Option<Spectrum> {
        let w = self.w.get(direction)?;
        let h = self.hidden;
        if h == 0 || (gate + 1) * h > w.nrows() {
            return None;
        }
        spectrum(
            &self.block_name(direction, gate),
            &w.rows(gate * h, h).clone_owned(),
        )
    }

    /// Every block's spectrum, and for a plain RNN the Jacobian chain of
    /// `trace`'s example in each direction.
    pub fn analysis(&self, trace: Option<&Trace>) -> Analysis {
        let mut spectra = Vec::new();
        let mut jacobians = Vec::new();
        for (dir, w) in self.w.iter().enumerate() {
            for gate in 0..self.cell.gate_names().len() {
                spectra.extend(self.block_spectrum(dir, gate));
            }
            if self.cell == CellKind::Rnn {
                if let Some(d) = trace.and_then(|t| t.directions.get(dir)) {
                    let act = self.activation;
                    let derivs: Vec<Vec<f64>> = d
                        .pre_activations
                        .iter()
                        .zip(&d.hidden)
                        .map(|(a, h)| a.iter().zip(h).map(|(a, h)| act.derivative(*a, *h)).collect())
                        .collect();
                    jacobians.extend(jacobian_chain(&derivs, w));
                }
            }
        }
        Analysis {
            gamma: self.activation.max_derivative(),
            spectra,
            jacobians,
        }
    }
}

#[cfg(test)]
mod tests {
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
            assert_eq!(a.spectra.len(), w.w.len() * cell.gate_names().len());
            for d in 0..w.w.len() {
                for g in 0..cell.gate_names().len() {
                    let s = w.block_spectrum(d, g).unwrap();
                    assert!(a.spectra.contains(&s), "{}", s.name);
                }
            }
            assert!(w.block_spectrum(0, cell.gate_names().len()).is_none());
            assert!(w.block_spectrum(w.w.len(), 0).is_none());
        }
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
