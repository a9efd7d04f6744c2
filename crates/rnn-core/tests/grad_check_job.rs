//! The page's "Are these the true gradients?" check: a finite-difference
//! job in f64, run a few entries or units at a time, on the experiment's
//! current weights and batch and on the BP net.

use nalgebra::DMatrix;
use rnn_core::gradcheck::FD_STEP;
use rnn_core::*;

const TOLERANCE: f64 = 1e-6;

fn experiment(cell: CellKind, bidirectional: bool, task: TaskKind, seq_len: usize) -> Experiment {
    Experiment::new(ExperimentConfig {
        task: TaskConfig {
            kind: task,
            seq_len,
            text: None,
        },
        cell,
        bidirectional,
        hidden_size: 6,
        batch_size: 5,
        seed: 3,
        ..ExperimentConfig::default()
    })
    .unwrap()
}

/// Every parameter's error below the tolerance, and every gradient well
/// above what finite differences can resolve (so the check means something).
fn assert_true_gradients(report: &GradCheckReport, what: &str) {
    assert!(!report.params.is_empty(), "{what}");
    for p in &report.params {
        assert!(
            p.rel_error < TOLERANCE,
            "{what}: {} relative error {:.2e}",
            p.name,
            p.rel_error
        );
        assert!(
            p.scale > 1e4 * report.noise_floor,
            "{what}: {} scale {:.2e} vs noise {:.2e}",
            p.name,
            p.scale,
            report.noise_floor
        );
        assert!(
            !p.entries.is_empty() && p.entries.len() <= 8,
            "{what}: {}",
            p.name
        );
    }
}

const TASKS: [(TaskKind, usize); 4] = [
    (TaskKind::Adding, 6),   // many-to-one, MSE
    (TaskKind::Copy, 9),     // many-to-many, cross-entropy with unscored steps
    (TaskKind::NextChar, 5), // one-hot inputs
    (TaskKind::Sine, 6),
];

#[test]
fn rnn_lstm_gru_and_bidirectional_have_their_true_gradients() {
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            for (task, len) in TASKS {
                let mut e = experiment(cell, bidirectional, task, len);
                for _ in 0..3 {
                    e.step(false).unwrap();
                }
                let what = format!("{cell:?} bi={bidirectional} {task:?}");
                let mut check = GradCheck::for_experiment(&e, GradCheckConfig::default()).unwrap();
                let report = check.advance(usize::MAX).unwrap();
                assert_true_gradients(&report, &what);
                assert_eq!(report.truncation, None);
                assert_eq!(report.examples, 5);
                assert_eq!(
                    report.params.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                    e.param_names(),
                    "{what}"
                );
            }
        }
    }
    // The fill-in-the-blank lesson (bidirectional, its own sentences).
    let mut e = experiment(CellKind::Gru, true, TaskKind::FillBlank, 1);
    e.probe(false).unwrap();
    let report = GradCheck::for_experiment(&e, GradCheckConfig::default())
        .unwrap()
        .advance(usize::MAX)
        .unwrap();
    assert_true_gradients(&report, "fill-in-the-blank");
}

#[test]
fn after_a_probe_the_analytic_gradients_are_the_ones_the_views_draw() {
    let mut e = experiment(CellKind::Lstm, false, TaskKind::Adding, 6);
    e.set_train_config(TrainConfig {
        clip: Clip::Norm(1e6),
        ..e.config().train
    })
    .unwrap();
    e.step(false).unwrap();
    let probe = e.probe(true).unwrap();
    let report = GradCheck::for_experiment(&e, GradCheckConfig::default())
        .unwrap()
        .advance(usize::MAX)
        .unwrap();
    assert_true_gradients(&report, "probe");
    // The f32 gradients of the probe (unclipped: the threshold is huge),
    // entry by entry against the f64 ones of the check: equal to f32 precision.
    assert!(probe.clip.norm_before < 1e6);
    for p in &report.params {
        let drawn = e.net().get_grad(&p.name).unwrap();
        for x in &p.entries {
            let g32 = drawn[(x.row, x.col)];
            assert!(
                (g32 - x.analytic).abs() <= 1e-4 * p.scale,
                "{} {:?}: {g32} vs {}",
                p.name,
                (x.row, x.col),
                x.analytic
            );
        }
    }
    assert!((report.loss - probe.loss).abs() <= 1e-5 * probe.loss.abs().max(1.0));
}

#[test]
fn the_job_gives_one_report_however_it_is_cut_and_leaves_the_run_alone() {
    let mut e = experiment(CellKind::Gru, true, TaskKind::Adding, 7);
    e.step(false).unwrap();
    let weights = e.net().export();
    let make = || GradCheck::for_experiment(&e, GradCheckConfig::default()).unwrap();
    let whole = make().advance(usize::MAX).unwrap();

    let mut by_entries = make();
    let total = by_entries.entries_total();
    let mut calls = 0;
    let report = loop {
        let before = by_entries.entries_done();
        calls += 1;
        if let Some(r) = by_entries.advance(1) {
            break r;
        }
        assert_eq!(by_entries.entries_done(), before + 1);
    };
    assert_eq!(calls, total);
    assert_eq!(report, whole);
    // Done stays done.
    assert_eq!(by_entries.advance(3), Some(whole.clone()));

    let mut by_units = make();
    let mut units = 0;
    let report = loop {
        units += 1;
        if let Some(r) = by_units.advance_units(&mut || false) {
            break r;
        }
    };
    assert_eq!(units, by_units.units_total());
    assert!(units > total, "a recurrent entry is several units");
    assert_eq!(report, whole);
    assert_eq!(e.net().export(), weights);
}

#[test]
fn a_truncated_gradient_is_reported_as_not_the_true_one() {
    let mut e = Experiment::new(ExperimentConfig {
        task: TaskConfig {
            kind: TaskKind::Sine,
            seq_len: 12,
            text: None,
        },
        hidden_size: 6,
        batch_size: 4,
        truncation: Some(2),
        init_recurrent: Init::Uniform { a: 0.8 },
        ..ExperimentConfig::default()
    })
    .unwrap();
    e.step(false).unwrap();
    let report = GradCheck::for_experiment(&e, GradCheckConfig::default())
        .unwrap()
        .advance(usize::MAX)
        .unwrap();
    assert_eq!(report.truncation, Some(2));
    let worst = report.worst().unwrap();
    assert!(worst.rel_error > 1e-3, "{}: {:.2e}", worst.name, worst.rel_error);
    // The readout's gradient does not go through time: still exact.
    let v = report.params.iter().find(|p| p.name == "V").unwrap();
    assert!(v.rel_error < TOLERANCE, "{:.2e}", v.rel_error);
}

#[test]
fn the_entries_are_spread_deterministically_and_a_few_examples_suffice() {
    let mut e = experiment(CellKind::Lstm, false, TaskKind::Adding, 6);
    e.step(false).unwrap();
    let cfg = GradCheckConfig::default();
    let a = GradCheck::for_experiment(&e, cfg)
        .unwrap()
        .advance(usize::MAX)
        .unwrap();
    let b = GradCheck::for_experiment(&e, cfg)
        .unwrap()
        .advance(usize::MAX)
        .unwrap();
    assert_eq!(a, b);
    for p in &a.params {
        let n = p.rows * p.cols;
        let mut at: Vec<(usize, usize)> = p.entries.iter().map(|e| (e.row, e.col)).collect();
        assert_eq!(at.len(), n.min(8), "{}", p.name);
        assert!(at.iter().all(|&(r, c)| r < p.rows && c < p.cols));
        at.sort();
        at.dedup();
        assert_eq!(at.len(), n.min(8), "{}: entries repeat", p.name);
    }
    // The stacked LSTM W (4H × H): the samples reach more than one gate.
    let w = a.params.iter().find(|p| p.name == "W").unwrap();
    let gates: std::collections::BTreeSet<usize> = w.entries.iter().map(|e| e.row / 6).collect();
    assert!(gates.len() >= 3, "{gates:?}");

    // Two examples of the batch: the loss is those two examples' loss.
    let few = GradCheck::for_experiment(
        &e,
        GradCheckConfig {
            max_examples: Some(2),
            ..cfg
        },
    )
    .unwrap()
    .advance(usize::MAX)
    .unwrap();
    assert_eq!(few.examples, 2);
    assert_true_gradients(&few, "two examples");
    let batch = e.last_batch().unwrap();
    let (t_len, b) = (batch.seq_len, batch.batch_size);
    let keep = |c: usize| c % b < 2;
    let cols: Vec<usize> = (0..t_len * b).filter(|&c| keep(c)).collect();
    let inputs = DMatrix::from_fn(batch.inputs.nrows(), cols.len(), |r, c| {
        batch.inputs[(r, cols[c])]
    });
    let Targets::Values(t) = &batch.targets else {
        panic!("adding is MSE")
    };
    let tcols: Vec<usize> = (0..t.ncols()).filter(|&c| keep(c)).collect();
    let targets = Targets::Values(DMatrix::from_fn(t.nrows(), tcols.len(), |r, c| t[(r, tcols[c])]));
    let sub = Batch {
        seq_len: t_len,
        batch_size: 2,
        inputs,
        targets,
    };
    let mut net = RecurrentNet::<f64>::new(e.config().net_config(e.task())).unwrap();
    net.import(&e.net().export()).unwrap();
    assert_eq!(net.forward(&sub).unwrap(), few.loss);
}

#[test]
fn the_bp_net_has_its_true_gradients() {
    let data = Dataset::new(&DatasetConfig::default()).unwrap();
    for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
        for loss in BpLoss::ALL {
            for (hidden, outputs) in [(2, 1), (3, 2), (4, 1), (4, 2)] {
                let mut net = BpNet::new(BpConfig {
                    hidden,
                    outputs,
                    activation,
                    loss,
                    init: Init::Uniform { a: 1.0 },
                    ..BpConfig::default()
                })
                .unwrap();
                for _ in 0..5 {
                    net.step_on(&data).unwrap();
                }
                // Mid-step, as the page would ask: the example of part 1.
                let f = net.forward_on(&data).unwrap().clone();
                let mut check = GradCheck::for_bp(&net, &f.x, &f.target, GradCheckConfig::default()).unwrap();
                let report = loop {
                    if let Some(r) = check.advance(2) {
                        break r;
                    }
                };
                let what = format!("{activation:?} {loss:?} {hidden}-{outputs}");
                for p in &report.params {
                    assert!(p.rel_error < TOLERANCE, "{what}: {} {:.2e}", p.name, p.rel_error);
                    // Every entry of these small matrices is checked.
                    assert_eq!(p.entries.len(), p.rows * p.cols, "{what}: {}", p.name);
                }
                let names: Vec<&str> = report.params.iter().map(|p| p.name.as_str()).collect();
                assert_eq!(names, ["w_hx", "b_h", "w_yh", "b_y"]);
                assert_eq!(report.loss, net.loss(&f.x, &f.target).unwrap());
                assert_eq!(report.step, FD_STEP);
                // The check ran on a copy: the step goes on.
                assert_eq!(net.next_part(), BpPart::Error);
            }
        }
    }
}

#[test]
fn nothing_to_check_before_a_batch_and_bad_examples_are_refused() {
    let e = experiment(CellKind::Rnn, false, TaskKind::Adding, 6);
    assert_eq!(
        GradCheck::for_experiment(&e, GradCheckConfig::default()).err(),
        Some(Error::NoBatchYet)
    );
    let net = BpNet::new(BpConfig::default()).unwrap();
    assert_eq!(
        GradCheck::for_bp(&net, &[1.0], &[0.0], GradCheckConfig::default()).err(),
        Some(
            Mismatch::Inputs {
                expected: (2, 1),
                got: (1, 1)
            }
            .into()
        )
    );
}
