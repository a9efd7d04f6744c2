//! The typed handles of `rnn_core::gate` find exactly what the engine
//! writes: every gate series and the cell state in a trace, both
//! directions, and every block's spectrum in the analysis.

use rnn_core::gate::CELL_STATE;
use rnn_core::{Block, CellKind, Direction, Experiment, ExperimentConfig, Gate};

#[test]
fn traces_and_spectra_are_found_by_typed_names() {
    for cell in [CellKind::Rnn, CellKind::Lstm, CellKind::Gru] {
        let config = ExperimentConfig {
            cell,
            bidirectional: true,
            hidden_size: 4,
            ..Default::default()
        };
        let mut e = Experiment::new(config).unwrap();
        let trace = e.probe(true).unwrap().trace.expect("a trace");
        let dirs: Vec<Option<Direction>> = trace.directions.iter().map(|d| d.direction()).collect();
        assert_eq!(dirs, [Some(Direction::Forward), Some(Direction::Backward)]);
        for d in &trace.directions {
            // Every series the engine writes is a typed gate or the cell state…
            for s in &d.gates {
                assert!(s.gate().is_some() || s.is_cell_state(), "{cell:?}: {}", s.name);
                assert_eq!(s.gate().map(Gate::name).unwrap_or(CELL_STATE), s.name);
            }
            // …and every gate of the cell is there, in stacking order.
            let gates: Vec<Gate> = d.gates.iter().filter_map(|s| s.gate()).collect();
            assert_eq!(gates, Gate::of(cell));
            for &g in Gate::of(cell) {
                assert!(d.gate(g).is_some_and(|s| s.values.len() == trace.seq_len));
            }
            assert_eq!(d.cell_state().is_some(), cell == CellKind::Lstm);
        }
        let analysis = e.analysis(None);
        let blocks = Block::all(cell, true);
        assert_eq!(analysis.spectra.len(), blocks.len());
        for (b, s) in blocks.iter().zip(&analysis.spectra) {
            assert_eq!(b.name(true), s.name);
        }
    }
}
