//! The three recurrent cells and their stacked-gate layout.
//!
//! Every cell keeps its gate weights stacked, PyTorch's way, so one step is a
//! single matrix product into a preallocated buffer:
//!
//! | cell | gates (rows, in order) | G |
//! |------|------------------------|---|
//! | RNN  | a                      | 1 |
//! | LSTM | i, f, g, o             | 4 |
//! | GRU  | r, z, n                | 3 |
//!
//! Parameters, in the tutorial's letters: `U` (G·H × I) reads the input,
//! `W` (G·H × H) is the recurrent matrix shared by every step, `b` (G·H) the
//! bias; the GRU also has `b_hn` (H), the bias inside its reset product.
//! The readout `V`, `c` lives in the network (see `net.rs`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// h_t = φ(U x_t + W h_{t−1} + b).
    Rnn,
    /// Hochreiter & Schmidhuber (1997) with a forget gate (Gers et al. 2000):
    ///   i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), a = U x + W h + b
    ///   c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
    Lstm,
    /// Cho et al. (2014), in the convention of PyTorch and cuDNN, where the
    /// reset gate multiplies the recurrent product *after* it is taken:
    ///   r = σ(U_r x + W_r h + b_r), z = σ(U_z x + W_z h + b_z)
    ///   n = tanh(U_n x + b_n + r ⊙ (W_n h + b_hn))
    ///   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    /// (Cho's original applies r to h before the product; the two differ, and
    /// pinned PyTorch reference values in the tests hold us to this one.)
    Gru,
}

impl CellKind {
    pub const ALL: [CellKind; 3] = [CellKind::Rnn, CellKind::Lstm, CellKind::Gru];

    /// How many gate blocks are stacked in `U`, `W` and `b`.
    pub fn gates(self) -> usize {
        match self {
            CellKind::Rnn => 1,
            CellKind::Lstm => 4,
            CellKind::Gru => 3,
        }
    }

    /// The gate blocks' names, in stacking order.
    pub fn gate_names(self) -> &'static [&'static str] {
        match self {
            CellKind::Rnn => &["a"],
            CellKind::Lstm => &["i", "f", "g", "o"],
            CellKind::Gru => &["r", "z", "n"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CellKind::Rnn => "rnn",
            CellKind::Lstm => "lstm",
            CellKind::Gru => "gru",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}
