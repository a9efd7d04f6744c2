//! The trace of one training step: plain, serialisable data that the views
//! draw. No nalgebra types; every number is what the engine computed.

use crate::activation::Activation;
use crate::cell::CellKind;
use crate::gate::{Direction, Gate, CELL_STATE};
use crate::optim::ClipReport;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The training step this was recorded at (0 before any update).
    pub step: u64,
    pub cell: CellKind,
    pub activation: Activation,
    pub bidirectional: bool,
    /// Which example of the batch the per-example series describe.
    pub example: usize,
    pub seq_len: usize,
    pub hidden: usize,
    /// Batch loss.
    pub loss: f64,
    /// x_t for t = 1..T (index 0 is t = 1).
    pub inputs: Vec<Vec<f64>>,
    /// The readout y for each output step.
    pub outputs: Vec<Vec<f64>>,
    /// One entry, or two (forward then backward) for the bidirectional model.
    pub directions: Vec<DirectionTrace>,
    /// Per-parameter gradient norms before and after clipping.
    pub params: Vec<ParamNorm>,
    pub clip: Option<ClipReport>,
    /// The smallest normal value of the scalar the model trains in
    /// (1.18e-38 for f32): gradient entries below it were flushed to zero.
    pub floor: f64,
}

/// One direction of the recurrent layer, indexed by real time t = 1..T
/// (index 0 is t = 1), whichever way the layer ran.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DirectionTrace {
    /// A [`Direction`]'s name, "forward" or "backward" (read it through
    /// [`DirectionTrace::direction`]).
    pub name: String,
    /// a_t, all stacked gate pre-activations (G·H values).
    pub pre_activations: Vec<Vec<f64>>,
    /// h_t (H values).
    pub hidden: Vec<Vec<f64>>,
    /// LSTM: i, f, g, o and the cell state c; GRU: r, z, n; RNN: none.
    pub gates: Vec<GateSeries>,
    /// ‖∂L/∂h_t‖ for the traced example.
    pub grad_h: Vec<f64>,
    /// ‖∂L/∂c_t‖ (LSTM only, else empty).
    pub grad_c: Vec<f64>,
    /// How many gradient entries (whole batch) fell below the floor at step t
    /// and were set to zero. A zero `grad_h[t]` with flushes at t or later is
    /// "below the floor", not a true zero.
    pub flushed: Vec<u32>,
    /// ‖term of ∂L/∂W contributed by step t‖ (Frobenius, whole batch).
    pub grad_w_step: Vec<f64>,
    /// U·x_t for the traced example (G·H values, every gate stacked), from
    /// the weights the step's forward pass ran with, in f64: with
    /// `recurrent_term` and `bias` the terms a_t was summed from (a_t =
    /// U·x_t + W·h_{t−1} + b up to the rounding of the pass's own scalar;
    /// the GRU's candidate rows take r ⊙ (W_n·h_{t−1} + b_hn) instead).
    pub input_term: Vec<Vec<f64>>,
    /// W·h_{t−1} (G·H values; h_0 = 0).
    pub recurrent_term: Vec<Vec<f64>>,
    /// b (G·H values), as the forward pass used it.
    pub bias: Vec<f64>,
    /// GRU: b_hn (H values), added to W_n·h_{t−1} inside the reset gate;
    /// empty otherwise.
    pub bias_hn: Vec<f64>,
    /// Plain RNN: φ'(a_t) per unit, the diagonal of ∂h_t/∂a_t (empty for
    /// LSTM and GRU, whose gates have their own derivatives).
    pub slope: Vec<Vec<f64>>,
    /// ‖∂L/∂a_t‖ for the traced example: the gradient at the
    /// pre-activations (the RNN's δ_t = φ'(a_t) ⊙ ∂L/∂h_t).
    pub grad_pre: Vec<f64>,
    /// ‖what step t sends back to h_{t−1}‖: Wᵀ·δ_t (the GRU adds
    /// z_t ⊙ ∂L/∂h_t). ∂L/∂h_{t−1} is this plus what the readout sends at
    /// t − 1, if the loss scores that step.
    pub grad_back: Vec<f64>,
}

impl DirectionTrace {
    /// Whether ‖∂L/∂h_t‖ = 0 only because the value underflowed the floor.
    pub fn underflowed(&self, t: usize) -> bool {
        self.grad_h.get(t) == Some(&0.0) && self.flushed.iter().skip(t).any(|&n| n > 0)
    }

    /// Which way this direction ran (`None` for a name the engine never writes).
    pub fn direction(&self) -> Option<Direction> {
        Direction::from_name(&self.name)
    }

    /// The series of gate `g` (its activations), if the cell has it.
    pub fn gate(&self, g: Gate) -> Option<&GateSeries> {
        self.gates.iter().find(|s| s.name == g.name())
    }

    /// The LSTM's cell state c_t (none for RNN and GRU).
    pub fn cell_state(&self) -> Option<&GateSeries> {
        self.gates.iter().find(|s| s.name == CELL_STATE)
    }

    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the gradient survives the trip back.
    pub fn gradient_ratio(&self) -> Option<f64> {
        let (first, last) = (*self.grad_h.first()?, *self.grad_h.last()?);
        (last > 0.0).then(|| first / last)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateSeries {
    /// A [`Gate`]'s name, or [`CELL_STATE`] (read them through
    /// [`GateSeries::gate`] rather than by spelling the string).
    pub name: String,
    /// [t][unit].
    pub values: Vec<Vec<f64>>,
}

impl GateSeries {
    /// The gate this series is of; `None` for the cell state.
    pub fn gate(&self) -> Option<Gate> {
        Gate::from_name(&self.name)
    }

    pub fn is_cell_state(&self) -> bool {
        self.name == CELL_STATE
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamNorm {
    pub name: String,
    pub before_clip: f64,
    pub after_clip: f64,
}
