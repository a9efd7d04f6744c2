//! What the recurrent matrices say about the gradient: the spectrum of each
//! block of W, and for a plain RNN the Jacobian chain of the traced example.
//!
//! Computed from [`RecurrentWeights`], plain data copied out of the net, so
//! the page's views analyse the weights a frame published without holding
//! the net itself (and the same data could cross to a worker).

use crate::activation::Activation;
use crate::cell::CellKind;
use crate::gate::{Block, Direction};
use crate::spectrum::{jacobian_chain, scaled_spectral_norm, spectrum, JacobianChain, Spectrum};
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
        self.blocks()
            .into_iter()
            .filter_map(|b| self.block_spectrum(b))
            .collect()
    }

    /// Every block of W, in the order `spectra` lists them.
    fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        for dir in 0..self.w.len() {
            let Some(direction) = Direction::from_index(dir) else {
                break;
            };
            blocks.extend(
                Block::all(self.cell, false)
                    .into_iter()
                    .map(|b| Block { direction, ..b }),
            );
        }
        blocks
    }

    /// Each step's activation derivatives along `trace`, per direction
    /// (none for the gated cells): the diagonals of the Jacobian chain.
    fn chain_derivatives(&self, trace: &Trace) -> Vec<Vec<Vec<f64>>> {
        if self.cell != CellKind::Rnn {
            return Vec::new();
        }
        let act = self.activation;
        self.w
            .iter()
            .zip(&trace.directions)
            .map(|(_, d)| {
                d.pre_activations
                    .iter()
                    .zip(&d.hidden)
                    .map(|(a, h)| a.iter().zip(h).map(|(a, h)| act.derivative(*a, *h)).collect())
                    .collect()
            })
            .collect()
    }

    /// The plain RNN's Jacobian chain of `trace`'s example in each direction
    /// (none for the gated cells): diag(φ′(a_t))·W at every step of the
    /// traced forward pass, which ran with these weights.
    pub fn jacobians(&self, trace: &Trace) -> Vec<JacobianChain> {
        self.w
            .iter()
            .zip(self.chain_derivatives(trace))
            .filter_map(|(w, derivs)| jacobian_chain(&derivs, w))
            .collect()
    }
}

/// [`RecurrentWeights::spectra`] or [`RecurrentWeights::jacobians`] cut into
/// work units, so that the page can spread a big net's analysis over frames
/// as it spreads a training step. A unit is one block's spectrum (an SVD
/// and a Schur decomposition of an H×H matrix) or one time step's Jacobian
/// norm (an SVD). Run to the end, the units give the bits of the whole call
/// (tested); the weights (and trace) are passed to every unit, the same
/// ones each time, so the job holds no copy of them.
#[derive(Clone, Debug)]
pub enum AnalysisJob {
    Spectra {
        blocks: Vec<Block>,
        done: Vec<Spectrum>,
    },
    Jacobians {
        /// Per direction, each step's activation derivatives.
        derivs: Vec<Vec<Vec<f64>>>,
        /// The direction under way and its norms so far (`None` once one
        /// was not finite: that direction has no chain, as in `jacobians`).
        dir: usize,
        norms: Option<Vec<f64>>,
        done: Vec<JacobianChain>,
    },
}

/// What a finished [`AnalysisJob`] hands back.
#[derive(Clone, Debug, PartialEq)]
pub enum Analysed {
    Spectra(Vec<Spectrum>),
    Jacobians(Vec<JacobianChain>),
}

impl AnalysisJob {
    pub fn spectra(w: &RecurrentWeights) -> AnalysisJob {
        AnalysisJob::Spectra {
            blocks: w.blocks(),
            done: Vec::new(),
        }
    }

    pub fn jacobians(w: &RecurrentWeights, trace: &Trace) -> AnalysisJob {
        AnalysisJob::Jacobians {
            derivs: w.chain_derivatives(trace),
            dir: 0,
            norms: Some(Vec::new()),
            done: Vec::new(),
        }
    }

    /// Whether every unit has run.
    pub fn finished(&self) -> bool {
        match self {
            AnalysisJob::Spectra { blocks, done: _ } => blocks.is_empty(),
            AnalysisJob::Jacobians { derivs, dir, .. } => *dir >= derivs.len(),
        }
    }

    /// Runs one unit on `w`, the weights the job was made from.
    pub fn run_unit(&mut self, w: &RecurrentWeights) {
        match self {
            AnalysisJob::Spectra { blocks, done } => {
                if !blocks.is_empty() {
                    let b = blocks.remove(0);
                    done.extend(w.block_spectrum(b));
                }
            }
            AnalysisJob::Jacobians {
                derivs,
                dir,
                norms,
                done,
            } => {
                let (Some(steps), Some(matrix)) = (derivs.get(*dir), w.w.get(*dir)) else {
                    *dir = derivs.len();
                    return;
                };
                if let Some(n) = norms.as_mut() {
                    match steps.get(n.len()).map(|d| scaled_spectral_norm(d, matrix)) {
                        Some(Some(x)) => n.push(x),
                        Some(None) => *norms = None,
                        None => {}
                    }
                }
                let direction_done = norms.as_ref().is_none_or(|n| n.len() >= steps.len());
                if direction_done {
                    done.extend(norms.take().map(JacobianChain::from_step_norms));
                    *dir += 1;
                    *norms = Some(Vec::new());
                }
            }
        }
    }

    /// The result, once `finished`.
    pub fn result(self) -> Analysed {
        match self {
            AnalysisJob::Spectra { done, .. } => Analysed::Spectra(done),
            AnalysisJob::Jacobians { done, .. } => Analysed::Jacobians(done),
        }
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

    /// The analysis in units, one per block or per time step, gives the
    /// bits of the whole calls, for every cell, one way and both ways, on a
    /// healthy net and on one whose Jacobian norms overflow.
    #[test]
    fn the_analysis_in_units_is_the_whole_analysis() {
        use super::{Analysed, AnalysisJob};
        let run = |mut job: AnalysisJob, w: &super::RecurrentWeights| {
            let mut units = 0;
            while !job.finished() {
                job.run_unit(w);
                units += 1;
                assert!(units < 10_000);
            }
            (job.result(), units)
        };
        for cell in CellKind::ALL {
            for bidi in [false, true] {
                let report = experiment(cell, bidi).probe(true).unwrap();
                let (healthy, trace) = (report.weights.unwrap(), report.trace.unwrap());
                // The forward direction's W with a NaN: it has no spectrum
                // and no chain, the backward one still has both.
                let mut broken = healthy.clone();
                broken.w[0][(0, 0)] = f64::NAN;
                for (w, sick) in [(healthy, false), (broken, true)] {
                    let what = format!("{cell:?} bi={bidi} NaN {sick}");
                    let (spectra, units) = run(AnalysisJob::spectra(&w), &w);
                    assert_eq!(spectra, Analysed::Spectra(w.spectra()), "{what}");
                    assert_eq!(units, Block::all(cell, bidi).len(), "{what}: a unit per block");
                    let (chains, units) = run(AnalysisJob::jacobians(&w, &trace), &w);
                    assert_eq!(chains, Analysed::Jacobians(w.jacobians(&trace)), "{what}");
                    if cell == CellKind::Rnn && !sick {
                        let steps = trace.directions.iter().map(|d| d.hidden.len()).sum::<usize>();
                        assert_eq!(units, steps, "{what}: a unit per time step");
                        assert!(!w.jacobians(&trace).is_empty());
                    }
                }
            }
        }
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
