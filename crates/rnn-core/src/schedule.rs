//! One training step cut into small work units, so the page can spread a
//! long step over several animation frames and still answer a click.
//!
//! The cut depends only on the shape of the network and batch ([`Shape`]),
//! never on timing: however the units are spread over frames, they run the
//! same arithmetic in the same order, so a run is bit-identical whether it
//! was trained in one go (`Trainer::step`) or paused after every unit.
//!
//! A step is, per direction of the recurrent layer:
//!
//! ```text
//! forward   Start · Input[0..T) · Steps[0..T) · Readout[outputs]
//! backward  Start · Readout[outputs] · Steps[T..0) · Gradients[0..T)
//! ```
//!
//! and then the guarded update (clipping, optimiser), which the trainer runs
//! as the last unit. Every phase that grows with the sequence is split into
//! spans of whole time steps: the large products U·X, ∂L/∂U = δ·Xᵀ and
//! ∂L/∂W = δ·Hᵀ become one product per span of columns (the gradients
//! accumulate across spans), and the time loops stop at span boundaries.

use crate::batch::Structure;
use crate::net::NetConfig;
use std::ops::Range;

/// The work one unit aims at, in floating-point operations of the blocked
/// product kernel (a multiply-add counts two; other work is converted at
/// the costs below). Why 4 MFLOP: Chromium runs big products at about
/// 17-20 GFLOP/s, so a unit takes about 0.2 ms there — small against the at
/// most 8 ms a frame gives to training (a frame overshoots its budget by at
/// most one unit), yet large enough that cutting costs nothing measurable
/// natively (see the divan bench). A unit never holds less than one time
/// step, so a time step bigger than this (hidden 256, batch 256) is a unit
/// of its own.
pub const UNIT_FLOPS: f64 = 4e6;

// What other work costs, in the same flops, measured natively against the
// product kernel (~77 flop/ns here) with one time step per unit: without
// them a unit of small hidden size, where the products are cheap but the
// gates are not, ran 5-20 times longer than its estimate.

/// A gate value in a time step: a σ or tanh and the products around it,
/// forward or backward (~6.5 ns).
const PER_GATE_VALUE: f64 = 500.0;
/// A time step of the loop itself: the small product calls, the norms and
/// flushing, whatever the sizes (~2 µs).
const PER_STEP: f64 = 150e3;
/// A pre-activation written with its bias (~1.3 ns: memory bound).
const PER_INPUT_VALUE: f64 = 100.0;
/// An output value of the loss: the softmax's `exp` (~5 ns).
const PER_OUTPUT_VALUE: f64 = 400.0;

/// The sizes that decide the cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Stacked gates: 1 (RNN), 3 (GRU) or 4 (LSTM).
    pub gates: usize,
    pub input: usize,
    pub hidden: usize,
    pub output: usize,
    /// 1, or 2 for the bidirectional network.
    pub directions: usize,
    pub seq_len: usize,
    pub batch: usize,
    /// Many-to-many (a readout at every step) rather than many-to-one.
    pub every_step: bool,
}

impl Shape {
    pub fn new(config: &NetConfig, seq_len: usize, batch: usize) -> Self {
        Shape {
            gates: config.cell.gates(),
            input: config.input_size,
            hidden: config.hidden_size,
            output: config.output_size,
            directions: if config.bidirectional { 2 } else { 1 },
            seq_len,
            batch,
            every_step: config.structure == Structure::ManyToMany,
        }
    }

    /// Readout steps: T for many-to-many, 1 for many-to-one.
    pub fn output_steps(&self) -> usize {
        if self.every_step {
            self.seq_len
        } else {
            1
        }
    }

    /// G·H·B: gate values of one time step of one direction.
    fn gate_values(&self) -> f64 {
        (self.gates * self.hidden * self.batch) as f64
    }
}

/// A unit of the forward pass. `dir` is 0 (forward layer) or 1 (backward
/// layer); spans are in the layer's processing order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardUnit {
    /// Sizes the buffers and zeroes the initial states.
    Start,
    /// Copies x_t in and computes U·x_t + b for a span of steps.
    Input { dir: usize, steps: Range<usize> },
    /// The recurrence, W·h_{t−1} and the gates, for a span of steps.
    Steps { dir: usize, steps: Range<usize> },
    /// y = V h + c and the loss (with ∂L/∂y) for a span of readout steps.
    Readout { outputs: Range<usize> },
}

/// A unit of the backward pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackwardUnit {
    /// Zeroes every gradient and what the time loops carry.
    Start,
    /// ∂L/∂V, ∂L/∂c and ∂L/∂h from the readout, for a span of readout steps.
    Readout { outputs: Range<usize> },
    /// Backpropagation through a span of steps, last step first (the spans
    /// come last span first).
    Steps { dir: usize, steps: Range<usize> },
    /// The span's terms of ∂L/∂U, ∂L/∂b, ∂L/∂W (and ∂L/∂b_hn).
    Gradients { dir: usize, steps: Range<usize> },
}

impl ForwardUnit {
    /// Estimated cost (see [`UNIT_FLOPS`]).
    pub fn flops(&self, s: &Shape) -> f64 {
        match self {
            ForwardUnit::Start => 0.0,
            ForwardUnit::Input { steps, .. } => steps.len() as f64 * input_step(s),
            ForwardUnit::Steps { steps, .. } => steps.len() as f64 * recurrent_step(s),
            ForwardUnit::Readout { outputs } => outputs.len() as f64 * readout_step(s),
        }
    }
}

impl BackwardUnit {
    /// Estimated cost (see [`UNIT_FLOPS`]).
    pub fn flops(&self, s: &Shape) -> f64 {
        match self {
            BackwardUnit::Start => 0.0,
            BackwardUnit::Readout { outputs } => 2.0 * outputs.len() as f64 * readout_step(s),
            BackwardUnit::Steps { steps, .. } => steps.len() as f64 * recurrent_step(s),
            BackwardUnit::Gradients { steps, .. } => steps.len() as f64 * gradient_step(s),
        }
    }
}

/// One step of U·x + b: 2·G·H·I·B, plus writing the pre-activations.
fn input_step(s: &Shape) -> f64 {
    s.gate_values() * (2.0 * s.input as f64 + PER_INPUT_VALUE)
}

/// One step of W·h and the gates (forward), or of the gates' derivatives
/// and Wᵀ·δ (backward): 2·G·H·H·B plus the elementwise work.
fn recurrent_step(s: &Shape) -> f64 {
    s.gate_values() * (2.0 * s.hidden as f64 + PER_GATE_VALUE) + PER_STEP
}

/// One step of δ·xᵀ and δ·hᵀ: 2·G·H·(I + H)·B, plus ∂L/∂b.
fn gradient_step(s: &Shape) -> f64 {
    s.gate_values() * (2.0 * (s.input + s.hidden) as f64 + 1.0)
}

/// One readout step of V·h (both directions) and the loss; the backward
/// readout (∂L/∂V and Vᵀ·∂L/∂y) costs twice this.
fn readout_step(s: &Shape) -> f64 {
    let o = (s.output * s.batch) as f64;
    o * (2.0 * (s.directions * s.hidden) as f64 + PER_OUTPUT_VALUE)
}

/// `0..len` cut into as few spans as keep each at most `unit / per_item`
/// items (at least one), of nearly equal lengths.
fn spans(len: usize, per_item: f64, unit: f64) -> Vec<Range<usize>> {
    let most = if per_item > 0.0 {
        ((unit / per_item).floor() as usize).clamp(1, len.max(1))
    } else {
        len.max(1)
    };
    let count = len.div_ceil(most);
    (0..count)
        .map(|k| k * len / count..(k + 1) * len / count)
        .collect()
}

/// Every unit of one training step, in the order they run.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub shape: Shape,
    pub unit_flops: f64,
    pub forward: Vec<ForwardUnit>,
    pub backward: Vec<BackwardUnit>,
}

impl Plan {
    /// The cut of a step of this shape into units of about `unit_flops`
    /// ([`UNIT_FLOPS`] outside tests).
    pub fn new(shape: Shape, unit_flops: f64) -> Self {
        let s = &shape;
        let t = s.seq_len;
        let dirs = 0..s.directions;
        let mut forward = vec![ForwardUnit::Start];
        for dir in dirs.clone() {
            for steps in spans(t, input_step(s), unit_flops) {
                forward.push(ForwardUnit::Input { dir, steps });
            }
            for steps in spans(t, recurrent_step(s), unit_flops) {
                forward.push(ForwardUnit::Steps { dir, steps });
            }
        }
        let readout = spans(s.output_steps(), readout_step(s), unit_flops);
        forward.extend(
            readout
                .iter()
                .cloned()
                .map(|outputs| ForwardUnit::Readout { outputs }),
        );
        let mut backward = vec![BackwardUnit::Start];
        let readout_grad = spans(s.output_steps(), 2.0 * readout_step(s), unit_flops);
        backward.extend(
            readout_grad
                .into_iter()
                .map(|outputs| BackwardUnit::Readout { outputs }),
        );
        for dir in dirs {
            for steps in spans(t, recurrent_step(s), unit_flops).into_iter().rev() {
                backward.push(BackwardUnit::Steps { dir, steps });
            }
            for steps in spans(t, gradient_step(s), unit_flops) {
                backward.push(BackwardUnit::Gradients { dir, steps });
            }
        }
        Plan {
            shape,
            unit_flops,
            forward,
            backward,
        }
    }

    /// Units in all, the update included.
    pub fn len(&self) -> usize {
        self.forward.len() + self.backward.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_tile_the_range_evenly() {
        assert_eq!(spans(10, 1.0, 4.0), vec![0..3, 3..6, 6..10]);
        assert_eq!(spans(10, 1.0, 100.0), vec![0..10]);
        // A step bigger than the unit is a unit of its own.
        assert_eq!(spans(3, 10.0, 4.0), vec![0..1, 1..2, 2..3]);
        assert_eq!(spans(1, 0.0, 4.0), vec![0..1]);
    }
}
