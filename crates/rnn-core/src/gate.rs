//! Typed names for the parts of a recurrent layer that a trace records and
//! the views ask for: a gate block ([`Gate`]), a direction ([`Direction`]),
//! and the recurrent matrix block a spectrum is of ([`Block`]). The trace
//! keeps its names as strings (they are in saved files); these types are
//! the one place those strings are spelled, so a view that asks for a gate
//! by a misspelt name does not compile.

use crate::cell::CellKind;

/// A gate block of a gated cell, in stacking order within its cell. The
/// LSTM's cell state c is not a gate: see [`CELL_STATE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gate {
    /// LSTM input gate.
    I,
    /// LSTM forget gate.
    F,
    /// LSTM candidate (tanh).
    G,
    /// LSTM output gate.
    O,
    /// GRU reset gate.
    R,
    /// GRU update gate.
    Z,
    /// GRU candidate (tanh).
    N,
}

/// The name of the LSTM's cell-state series in a [`crate::trace::DirectionTrace`].
pub const CELL_STATE: &str = "c";

impl Gate {
    pub const ALL: [Gate; 7] = [Gate::I, Gate::F, Gate::G, Gate::O, Gate::R, Gate::Z, Gate::N];

    /// The symbol the trace and the formulas use: "i", "f", …
    pub fn name(self) -> &'static str {
        match self {
            Gate::I => "i",
            Gate::F => "f",
            Gate::G => "g",
            Gate::O => "o",
            Gate::R => "r",
            Gate::Z => "z",
            Gate::N => "n",
        }
    }

    pub fn from_name(name: &str) -> Option<Gate> {
        Gate::ALL.into_iter().find(|g| g.name() == name)
    }

    /// The gates of `cell` in stacking order (rows k·H..(k+1)·H of U, W
    /// and b); none for the plain RNN, whose one block is W itself.
    pub fn of(cell: CellKind) -> &'static [Gate] {
        match cell {
            CellKind::Rnn => &[],
            CellKind::Lstm => &[Gate::I, Gate::F, Gate::G, Gate::O],
            CellKind::Gru => &[Gate::R, Gate::Z, Gate::N],
        }
    }

    /// This gate's block index in its cell's stacking order.
    pub fn index(self) -> usize {
        match self {
            Gate::I | Gate::R => 0,
            Gate::F | Gate::Z => 1,
            Gate::G | Gate::N => 2,
            Gate::O => 3,
        }
    }
}

/// Which way a layer of the network runs over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Forward,
    Backward,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Forward, Direction::Backward];

    /// As a [`crate::trace::DirectionTrace`] names it: "forward", "backward".
    pub fn name(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Backward => "backward",
        }
    }

    pub fn from_name(name: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The prefix of the bidirectional model's parameter names: "fwd.", "bwd.".
    pub fn prefix(self) -> &'static str {
        match self {
            Direction::Forward => "fwd.",
            Direction::Backward => "bwd.",
        }
    }

    /// Its place in `Trace::directions` (forward first).
    pub fn index(self) -> usize {
        match self {
            Direction::Forward => 0,
            Direction::Backward => 1,
        }
    }

    pub fn from_index(i: usize) -> Option<Direction> {
        Direction::ALL.get(i).copied()
    }
}

/// One gate block of one direction's recurrent matrix W: the matrix a
/// spectrum is computed of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Block {
    pub direction: Direction,
    /// `None`: the plain RNN's whole W.
    pub gate: Option<Gate>,
}

impl Block {
    /// Its name as the engine's analysis spells it: "W", "W_f", "bwd.W_z".
    pub fn name(self, bidirectional: bool) -> String {
        let prefix = if bidirectional {
            self.direction.prefix()
        } else {
            ""
        };
        match self.gate {
            None => format!("{prefix}W"),
            Some(g) => format!("{prefix}W_{}", g.name()),
        }
    }

    /// Every block of a network of `cell` cells, forward direction first.
    pub fn all(cell: CellKind, bidirectional: bool) -> Vec<Block> {
        let dirs = if bidirectional {
            &Direction::ALL[..]
        } else {
            &Direction::ALL[..1]
        };
        dirs.iter()
            .flat_map(|&direction| {
                let gates: Vec<Option<Gate>> = match cell {
                    CellKind::Rnn => vec![None],
                    _ => Gate::of(cell).iter().copied().map(Some).collect(),
                };
                gates.into_iter().map(move |gate| Block { direction, gate })
            })
            .collect()
    }

    /// Its rows in W: k·H..(k+1)·H for gate block k.
    pub fn row_block(self) -> usize {
        self.gate.map_or(0, Gate::index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_names_round_trip_and_match_the_cells_stacking() {
        for g in Gate::ALL {
            assert_eq!(Gate::from_name(g.name()), Some(g));
        }
        assert_eq!(Gate::from_name(CELL_STATE), None);
        assert_eq!(Gate::from_name("x"), None);
        for cell in [CellKind::Lstm, CellKind::Gru] {
            let names: Vec<&str> = Gate::of(cell).iter().map(|g| g.name()).collect();
            assert_eq!(names, cell.gate_names());
            for (k, g) in Gate::of(cell).iter().enumerate() {
                assert_eq!(g.index(), k);
            }
        }
        assert!(Gate::of(CellKind::Rnn).is_empty());
    }

    #[test]
    fn directions_round_trip() {
        for d in Direction::ALL {
            assert_eq!(Direction::from_name(d.name()), Some(d));
            assert_eq!(Direction::from_index(d.index()), Some(d));
        }
        assert_eq!(Direction::from_name("fwd"), None);
        assert_eq!(Direction::from_index(2), None);
        assert_eq!(Direction::Backward.prefix(), "bwd.");
    }

    #[test]
    fn blocks_are_named_as_the_analysis_names_them() {
        let names = |cell, bi| -> Vec<String> { Block::all(cell, bi).iter().map(|b| b.name(bi)).collect() };
        assert_eq!(names(CellKind::Rnn, false), ["W"]);
        assert_eq!(names(CellKind::Rnn, true), ["fwd.W", "bwd.W"]);
        assert_eq!(names(CellKind::Lstm, false), ["W_i", "W_f", "W_g", "W_o"]);
        assert_eq!(names(CellKind::Gru, true)[5], "bwd.W_n");
        assert_eq!(Block::all(CellKind::Gru, true)[4].row_block(), 1);
    }
}
