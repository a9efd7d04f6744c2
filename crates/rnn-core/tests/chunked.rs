//! A training step cut into work units (see `rnn_core::schedule`): however
//! the units are spread over calls — one at a time, a random number at a
//! time, all at once — the run is bit-identical to whole `step()`s, and no
//! unit is much bigger than the unit target.

use rnn_core::schedule::{BackwardUnit, ForwardUnit, Plan, Shape, UNIT_FLOPS};
use rnn_core::tasks::TaskKind;
use rnn_core::*;
use std::ops::Range;

mod common;
use common::random_batch;

/// How `advance` is told to pause.
#[derive(Clone, Copy, Debug)]
enum Pauses {
    /// One unit per call.
    EveryUnit,
    /// A random number of units (1 to 5) per call.
    Random(u64),
    /// The whole step in one call.
    Never,
}

/// Everything a step leaves behind, as exact bits.
#[derive(Debug, PartialEq)]
struct Outcome {
    loss: u64,
    weights: Vec<(String, Vec<u64>)>,
    trace: Option<Trace>,
    clip: Option<ClipReport>,
}

fn outcome(net: &RecurrentNet<f32>, report: &StepReport) -> Outcome {
    Outcome {
        loss: report.loss.to_bits(),
        weights: net
            .export()
            .into_iter()
            .map(|p| (p.name, p.values.iter().map(|v| v.to_bits()).collect()))
            .collect(),
        trace: report.trace.clone(),
        clip: Some(report.clip.clone()),
    }
}

/// Runs `step`s on `batches` with `begin_step`/`advance` and the given pauses.
fn run_in_units(trainer: &mut Trainer<f32>, batches: &[Batch<f32>], pauses: Pauses) -> Vec<Outcome> {
    let mut rng = Rng::new(match pauses {
        Pauses::Random(seed) => seed,
        _ => 0,
    });
    let mut calls = 0;
    let out = batches
        .iter()
        .enumerate()
        .map(|(i, batch)| {
            trainer
                .begin_step(batch.clone(), (i % 2 == 0).then_some(1))
                .unwrap();
            loop {
                let mut budget = match pauses {
                    Pauses::EveryUnit => 1,
                    Pauses::Random(_) => 1 + rng.below(5),
                    Pauses::Never => usize::MAX,
                };
                calls += 1;
                let report = trainer.advance(&mut || {
                    budget -= 1;
                    budget > 0
                });
                if let Some(report) = report {
                    return outcome(&trainer.net, &report.unwrap());
                }
                assert!(trainer.step_in_progress());
            }
        })
        .collect();
    if let Pauses::EveryUnit = pauses {
        let b = &batches[0];
        let per_step = trainer.units_per_step(b.seq_len, b.batch_size);
        assert_eq!(calls, per_step * batches.len(), "one call per unit");
    }
    out
}

fn same_run_however_paused(cfg: NetConfig, seq_len: usize, unit_flops: f64) {
    let mut rng = Rng::new(cfg.seed ^ 0x5EED);
    let batches: Vec<Batch<f32>> = (0..3)
        .map(|_| random_batch(&cfg, seq_len, 4, &mut rng).cast())
        .collect();
    let mut net = RecurrentNet::<f32>::new(cfg.clone()).unwrap();
    net.unit_flops = unit_flops;
    let fresh = Trainer::new(net, TrainConfig::default()).unwrap();
    let mut whole = fresh.clone();
    let expected: Vec<Outcome> = batches
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let report = whole.step(b, (i % 2 == 0).then_some(1)).unwrap();
            outcome(&whole.net, &report)
        })
        .collect();
    assert!(expected[0].trace.is_some() && expected[1].trace.is_none());
    for pauses in [
        Pauses::EveryUnit,
        Pauses::Random(7),
        Pauses::Random(8),
        Pauses::Never,
    ] {
        let got = run_in_units(&mut fresh.clone(), &batches, pauses);
        assert!(
            got == expected,
            "{:?} bi={} {:?} trunc={:?} in units of {unit_flops}: {pauses:?} differs from step()",
            cfg.cell,
            cfg.bidirectional,
            cfg.structure,
            cfg.truncation,
        );
    }
}

fn config(cell: CellKind, bidirectional: bool, structure: Structure, truncation: Option<usize>) -> NetConfig {
    NetConfig {
        cell,
        bidirectional,
        input_size: 3,
        hidden_size: 6,
        output_size: 4,
        structure,
        loss: if structure == Structure::ManyToMany {
            LossKind::CrossEntropy
        } else {
            LossKind::Mse
        },
        truncation,
        seed: 5,
        ..NetConfig::default()
    }
}

#[test]
fn every_cell_and_structure_gives_the_same_bits_however_paused() {
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            for structure in [Structure::ManyToOne, Structure::ManyToMany] {
                for truncation in [None, Some(3)] {
                    let cfg = config(cell, bidirectional, structure, truncation);
                    // Every step a unit; spans of a few steps for the
                    // products, then for the time loops too; the default.
                    for unit_flops in [1.0, 2e4, 5e5, UNIT_FLOPS] {
                        same_run_however_paused(cfg.clone(), 9, unit_flops);
                    }
                }
            }
        }
    }
}

/// A look (the probe a reset shows) runs the forward and backward units of a
/// step and then reports instead of updating. Cut into one unit per call, it
/// gives the bits of the whole pass done at once — `forward`, `backward`,
/// the check and the clip, which is what a probe was before it had units —
/// and changes no weight and no count, for every cell and structure.
#[test]
fn a_look_in_units_is_the_whole_pass_at_once_and_changes_nothing() {
    use rnn_core::optim::clip_gradients;
    use rnn_core::train::check_gradients;
    let clip = TrainConfig::default().clip;
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            for structure in [Structure::ManyToOne, Structure::ManyToMany] {
                let cfg = config(cell, bidirectional, structure, None);
                let mut rng = Rng::new(cfg.seed ^ 0x100C);
                let batch: Batch<f32> = random_batch(&cfg, 9, 4, &mut rng).cast();
                let mut net = RecurrentNet::<f32>::new(cfg.clone()).unwrap();
                net.unit_flops = 2e4;
                // The whole pass, as the probe did it.
                let mut whole = net.clone();
                let loss = whole.forward(&batch).unwrap();
                whole.backward(Some(0));
                assert_eq!(check_gradients(&whole, loss), None);
                let clipped = clip_gradients(&mut whole, clip);
                let trace = whole.trace(0);
                // The same as a look, one unit per call.
                let mut trainer = Trainer::new(net.clone(), TrainConfig::default()).unwrap();
                trainer.begin_look(batch.clone(), Some(0)).unwrap();
                assert!(trainer.looking());
                let mut calls = 1;
                let report = loop {
                    if let Some(r) = trainer.advance(&mut || false) {
                        break r.unwrap();
                    }
                    calls += 1;
                };
                let what = format!("{cell:?} bi={bidirectional} {structure:?}");
                assert_eq!(calls, trainer.units_per_step(9, 4), "{what}: one unit per call");
                assert!(!trainer.looking() && !trainer.step_in_progress());
                assert_eq!(report.step, 0, "{what}: a look is no step");
                assert_eq!(trainer.steps_done(), 0);
                assert_eq!(report.loss.to_bits(), loss.to_bits(), "{what}");
                assert_eq!(report.clip, clipped, "{what}");
                let mut expected = trace;
                expected.params = clipped.params.clone();
                expected.clip = Some(clipped);
                assert_eq!(report.trace, Some(expected), "{what}");
                assert_eq!(trainer.net.export(), net.export(), "{what}: no weight moves");
                assert_eq!(report.weights, Some(net.recurrent_weights()));
            }
        }
    }
}

/// Whether a step records its trace is decided by the page's frame timing,
/// so recording must never touch the numbers: the same run with every step
/// traced and with none leaves the same bits in the weights and the loss.
#[test]
fn recording_the_trace_never_changes_the_run() {
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            let cfg = config(cell, bidirectional, Structure::ManyToMany, None);
            let mut rng = Rng::new(11);
            let batches: Vec<Batch<f32>> = (0..4)
                .map(|_| random_batch(&cfg, 7, 4, &mut rng).cast())
                .collect();
            let fresh = Trainer::new(
                RecurrentNet::<f32>::new(cfg.clone()).unwrap(),
                TrainConfig::default(),
            )
            .unwrap();
            let (mut traced, mut untraced) = (fresh.clone(), fresh);
            for b in &batches {
                let with = traced.step(b, Some(0)).unwrap();
                let without = untraced.step(b, None).unwrap();
                assert!(with.trace.is_some() && without.trace.is_none());
                let mut a = outcome(&traced.net, &with);
                let mut b = outcome(&untraced.net, &without);
                (a.trace, b.trace) = (None, None);
                assert_eq!(
                    a, b,
                    "{cell:?} bidirectional={bidirectional}: tracing changed the run"
                );
            }
        }
    }
}

/// A step begun without a trace can still be asked for one until its
/// backward pass begins, and then carries the same trace as a step traced
/// from the start; once backward has begun the answer is no.
#[test]
fn a_trace_can_be_asked_for_until_the_backward_pass_begins() {
    let cfg = config(CellKind::Lstm, true, Structure::ManyToMany, None);
    let batch: Batch<f32> = random_batch(&cfg, 8, 4, &mut Rng::new(3)).cast();
    let fresh = Trainer::new(RecurrentNet::<f32>::new(cfg).unwrap(), TrainConfig::default()).unwrap();
    let mut traced = fresh.clone();
    let expected = traced.step(&batch, Some(0)).unwrap();
    let forward_units = {
        let mut t = fresh.clone();
        t.net.plan(8, 4).forward.len()
    };

    // Asked for in the last forward unit: granted, and the same report.
    let mut late = fresh.clone();
    late.begin_step(batch.clone(), None).unwrap();
    let mut budget = forward_units;
    assert!(late
        .advance(&mut || {
            budget -= 1;
            budget > 0
        })
        .is_none());
    assert!(late.want_trace(0), "still in the forward pass");
    let report = late.advance(&mut || true).unwrap().unwrap();
    assert_eq!(outcome(&late.net, &report), outcome(&traced.net, &expected));

    // Asked for after the backward pass began: refused, and no trace.
    let mut too_late = fresh;
    too_late.begin_step(batch, None).unwrap();
    let mut budget = forward_units + 2;
    assert!(too_late
        .advance(&mut || {
            budget -= 1;
            budget > 0
        })
        .is_none());
    assert!(!too_late.want_trace(0));
    assert!(too_late.advance(&mut || true).unwrap().unwrap().trace.is_none());
}

#[test]
fn a_learning_rate_changed_mid_step_applies_at_that_steps_update() {
    let cfg = config(CellKind::Gru, false, Structure::ManyToMany, None);
    let batch: Batch<f32> = random_batch(&cfg, 9, 4, &mut Rng::new(2)).cast();
    let mut net = RecurrentNet::<f32>::new(cfg).unwrap();
    net.unit_flops = 1.0;
    let mut paused = Trainer::new(net, TrainConfig::default()).unwrap();
    let mut before = paused.clone();
    let slower = TrainConfig {
        learning_rate: 0.001,
        ..TrainConfig::default()
    };
    before.set_config(slower).unwrap();
    let expected = before.step(&batch, None).unwrap();
    paused.begin_step(batch, None).unwrap();
    for _ in 0..5 {
        assert!(paused.advance(&mut || false).is_none());
    }
    paused.set_config(slower).unwrap();
    let got = paused.advance(&mut || true).unwrap().unwrap();
    assert_eq!(got, expected);
    assert_eq!(paused.net.export(), before.net.export());
}

#[test]
fn an_experiment_stepped_in_units_draws_the_same_batches_and_weights() {
    let config = ExperimentConfig {
        cell: CellKind::Lstm,
        bidirectional: true,
        hidden_size: 24,
        task: TaskConfig {
            kind: TaskKind::Copy,
            seq_len: 30,
            ..TaskConfig::default()
        },
        ..ExperimentConfig::default()
    };
    let mut whole = Experiment::new(config.clone()).unwrap();
    let mut units = Experiment::new(config).unwrap();
    for i in 0..4 {
        let trace = i % 2 == 1;
        let expected = whole.step(trace).unwrap();
        units.begin_step(trace).unwrap();
        assert_eq!(units.steps_done(), i, "nothing changes before the last unit");
        let mut count = 1;
        let got = loop {
            if let Some(r) = units.advance(&mut || false) {
                break r.unwrap();
            }
            count += 1;
        };
        assert!(count > 10, "a step of this size is many units ({count})");
        assert_eq!(got, expected);
        assert_eq!(units.steps_done(), i + 1);
        assert_eq!(units.net().export(), whole.net().export());
        assert_eq!(units.score(), whole.score());
    }
    // A probe in units is `probe()`, and the run goes on the same after it.
    let mut at_once = Experiment::new(units.config().clone()).unwrap();
    let mut in_units = Experiment::new(units.config().clone()).unwrap();
    let expected = at_once.probe(true).unwrap();
    in_units.begin_probe(true).unwrap();
    assert!(in_units.probing() && in_units.step_in_progress());
    let got = loop {
        if let Some(r) = in_units.advance(&mut || false) {
            break r.unwrap();
        }
    };
    assert!(!in_units.probing());
    assert_eq!(got, expected);
    assert_eq!(in_units.score(), at_once.score());
    assert_eq!(in_units.step(true).unwrap(), at_once.step(true).unwrap());
    // A probe abandons a step under way.
    units.begin_step(false).unwrap();
    units.advance(&mut || false);
    assert!(units.step_in_progress());
    units.probe(false).unwrap();
    assert!(!units.step_in_progress());
    assert!(units.advance(&mut || true).is_none());
}

/// Checks that `spans`, in the order given, cover 0..len exactly once, in
/// order or (backward through time) in reverse.
fn assert_tiles(spans: &[Range<usize>], len: usize, reverse: bool, what: &str) {
    let mut spans = spans.to_vec();
    if reverse {
        spans.reverse();
    }
    let mut at = 0;
    for s in &spans {
        assert!(
            s.start == at && s.end > s.start,
            "{what}: {spans:?} do not tile 0..{len}"
        );
        at = s.end;
    }
    assert_eq!(at, len, "{what}: {spans:?}");
}

/// The plan of every model the page offers at its largest, and some odd
/// shapes: every phase covers every time step exactly once, and a unit over
/// the target holds a single time step (it cannot be cut finer).
#[test]
fn units_cover_every_step_once_and_stay_near_the_target() {
    let shapes = [
        // (cell, bidirectional, input, hidden, output, seq_len, batch, many-to-many)
        (CellKind::Lstm, false, 2, 128, 1, 200, 32, false),
        (CellKind::Lstm, true, 6, 96, 4, 200, 32, true),
        (CellKind::Gru, true, 40, 256, 40, 60, 64, true),
        (CellKind::Rnn, false, 40, 256, 40, 200, 32, true),
        (CellKind::Lstm, false, 8, 256, 8, 10, 256, false),
        (CellKind::Rnn, false, 40, 1, 40, 200, 256, true),
        (CellKind::Gru, false, 1, 16, 1, 2, 1, false),
    ];
    for (cell, bi, input, hidden, output, seq_len, batch, every_step) in shapes {
        let shape = Shape {
            gates: cell.gates(),
            input,
            hidden,
            output,
            directions: 1 + bi as usize,
            seq_len,
            batch,
            every_step,
        };
        let plan = Plan::new(shape, UNIT_FLOPS);
        let what = format!("{shape:?}");
        let mut largest: f64 = 0.0;
        for unit in &plan.forward {
            let (len, flops) = match unit {
                ForwardUnit::Start => (1, unit.flops(&shape)),
                ForwardUnit::Input { steps, .. } | ForwardUnit::Steps { steps, .. } => {
                    (steps.len(), unit.flops(&shape))
                }
                ForwardUnit::Readout { outputs } => (outputs.len(), unit.flops(&shape)),
            };
            assert!(
                flops <= UNIT_FLOPS || len == 1,
                "{what}: {unit:?} is {flops:.2e} flops"
            );
            largest = largest.max(flops);
        }
        for unit in &plan.backward {
            let (len, flops) = match unit {
                BackwardUnit::Start => (1, unit.flops(&shape)),
                BackwardUnit::Steps { steps, .. } | BackwardUnit::Gradients { steps, .. } => {
                    (steps.len(), unit.flops(&shape))
                }
                BackwardUnit::Readout { outputs } => (outputs.len(), unit.flops(&shape)),
            };
            assert!(
                flops <= UNIT_FLOPS || len == 1,
                "{what}: {unit:?} is {flops:.2e} flops"
            );
            largest = largest.max(flops);
        }
        for dir in 0..shape.directions {
            let pick = |f: &dyn Fn(&ForwardUnit) -> Option<Range<usize>>| -> Vec<Range<usize>> {
                plan.forward.iter().filter_map(f).collect()
            };
            let pick_b = |f: &dyn Fn(&BackwardUnit) -> Option<Range<usize>>| -> Vec<Range<usize>> {
                plan.backward.iter().filter_map(f).collect()
            };
            let input = pick(&|u| match u {
                ForwardUnit::Input { dir: d, steps } if *d == dir => Some(steps.clone()),
                _ => None,
            });
            let forward = pick(&|u| match u {
                ForwardUnit::Steps { dir: d, steps } if *d == dir => Some(steps.clone()),
                _ => None,
            });
            let backward = pick_b(&|u| match u {
                BackwardUnit::Steps { dir: d, steps } if *d == dir => Some(steps.clone()),
                _ => None,
            });
            let gradients = pick_b(&|u| match u {
                BackwardUnit::Gradients { dir: d, steps } if *d == dir => Some(steps.clone()),
                _ => None,
            });
            assert_tiles(&input, seq_len, false, &what);
            assert_tiles(&forward, seq_len, false, &what);
            assert_tiles(&backward, seq_len, true, &what);
            assert_tiles(&gradients, seq_len, false, &what);
        }
        let outputs = if every_step { seq_len } else { 1 };
        let readout: Vec<_> = plan
            .forward
            .iter()
            .filter_map(|u| match u {
                ForwardUnit::Readout { outputs } => Some(outputs.clone()),
                _ => None,
            })
            .collect();
        let readout_grad: Vec<_> = plan
            .backward
            .iter()
            .filter_map(|u| match u {
                BackwardUnit::Readout { outputs } => Some(outputs.clone()),
                _ => None,
            })
            .collect();
        assert_tiles(&readout, outputs, false, &what);
        assert_tiles(&readout_grad, outputs, false, &what);
        // The units' products are the step's (see `NetConfig::flops_per_step`),
        // the rest of their estimate being elementwise work and overheads.
        let net = NetConfig {
            cell,
            bidirectional: bi,
            input_size: input,
            hidden_size: hidden,
            output_size: output,
            ..NetConfig::default()
        };
        let total: f64 = plan.forward.iter().map(|u| u.flops(&shape)).sum::<f64>()
            + plan.backward.iter().map(|u| u.flops(&shape)).sum::<f64>();
        let products = net.flops_per_step(seq_len, batch);
        assert!(total >= products, "{what}: {total:.3e} < {products:.3e}");
        // The page's heavy model: a time step is a unit of its own.
        if (cell, hidden, seq_len, batch) == (CellKind::Lstm, 128, 200, 32) {
            let one_step = ForwardUnit::Steps { dir: 0, steps: 0..1 }.flops(&shape);
            assert!(largest <= one_step, "{largest:.2e} vs {one_step:.2e}");
            assert!(plan.len() > 600, "{}", plan.len());
        }
    }
}

/// A network's plan is the one its shape gives, whatever ran before.
#[test]
fn plans_depend_on_the_shape_alone() {
    let cfg = config(CellKind::Lstm, true, Structure::ManyToMany, None);
    let mut net = RecurrentNet::<f32>::new(cfg.clone()).unwrap();
    let a = net.plan(50, 8).clone();
    net.plan(20, 3);
    assert_eq!(net.plan(50, 8), &a);
    assert_eq!(a, Plan::new(Shape::new(&cfg, 50, 8), UNIT_FLOPS));
}
