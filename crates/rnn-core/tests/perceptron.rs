//! The perceptron stepped as the page steps it: one update on one
//! misclassified point at a time, epochs of the classic rule, convergence on
//! separable data and none on XOR, and the exact 2-D separability check.

use nalgebra::DMatrix;
use rnn_core::*;

fn data(kind: DatasetKind, noise: f64, seed: u64) -> Dataset {
    Dataset::new(&DatasetConfig {
        kind,
        points: 200,
        noise,
        seed,
    })
    .unwrap()
}

/// The first misclassified point at or after `from`, cycling, written here
/// from the rule: predict +1 when w·x + b ≥ 0.
fn first_wrong(w: &[f64], b: f64, d: &Dataset, from: usize) -> Option<usize> {
    let n = d.len();
    let signs = d.signs();
    (0..n).map(|k| (from + k) % n).find(|&i| {
        let (x, y) = d.point(i);
        let s = w[0] * x + w[1] * y + b;
        let predicted = if s >= 0.0 { 1.0 } else { -1.0 };
        predicted != signs[i]
    })
}

#[test]
fn a_step_updates_the_next_misclassified_point_and_shows_every_term() {
    let d = data(DatasetKind::Blobs, 0.3, 5);
    let mut run = PerceptronRun::on_dataset(&d, 0.25).unwrap();
    // Start from weights that misclassify many points, so the steps jump.
    run.perceptron.w = vec![-0.4, 0.9];
    run.perceptron.b = 0.3;
    let mut from = 0;
    let mut steps = 0;
    while let Some(s) = run.step() {
        let expected = first_wrong(&s.w_before, s.b_before, &d, from).unwrap();
        assert_eq!(s.index, expected);
        let (x, y) = d.point(s.index);
        assert_eq!((s.x.clone(), s.y), (vec![x, y], d.signs()[s.index]));
        assert_eq!(s.learning_rate, 0.25);
        assert_eq!(s.eta_y, 0.25 * s.y);
        assert_eq!(s.net_input, s.w_before[0] * x + s.w_before[1] * y + s.b_before);
        assert_eq!(s.predicted, -s.y);
        for i in 0..2 {
            assert_eq!(s.delta_w[i], 0.25 * s.y * s.x[i]);
            assert_eq!(s.w_after[i].to_bits(), (s.w_before[i] + s.delta_w[i]).to_bits());
        }
        assert_eq!(s.delta_b, 0.25 * s.y);
        assert_eq!(s.b_after.to_bits(), (s.b_before + s.delta_b).to_bits());
        assert_eq!(
            (run.perceptron.w.clone(), run.perceptron.b),
            (s.w_after.clone(), s.b_after)
        );
        assert_eq!(s.mistakes_after, run.mistakes());
        steps += 1;
        assert_eq!(s.update, steps);
        from = (s.index + 1) % d.len();
        assert!(steps < 10_000, "no convergence by steps");
    }
    assert!(steps > 1);
    assert!(run.converged() && run.mistakes() == 0 && run.next_point().is_none());
    assert_eq!(run.updates(), steps);
}

#[test]
fn steps_and_epochs_are_one_sequence_of_updates() {
    for kind in [DatasetKind::Blobs, DatasetKind::Xor] {
        let d = data(kind, 0.2, 3);
        let mut by_epochs = PerceptronRun::on_dataset(&d, 0.1).unwrap();
        let mut by_steps = by_epochs.clone();
        for _ in 0..5 {
            by_epochs.epoch();
        }
        while by_steps.updates() < by_epochs.updates() {
            by_steps.step().unwrap();
        }
        assert_eq!(by_steps.perceptron, by_epochs.perceptron, "{kind:?}");
        // And the next step each would take is the same point.
        assert_eq!(by_steps.next_point(), by_epochs.next_point(), "{kind:?}");
    }
}

#[test]
fn separable_blobs_converge_within_a_few_epochs_and_then_every_point_is_right() {
    for seed in 1..=5 {
        let d = data(DatasetKind::Blobs, 0.3, seed);
        let mut run = PerceptronRun::on_dataset(&d, 0.1).unwrap();
        let first = run.epoch();
        assert!(first.mistakes > 0 && first.epoch == 1);
        let outcome = run.run(100);
        let PerceptronOutcome::Converged { epochs } = outcome else {
            panic!("seed {seed}: {outcome:?}");
        };
        assert!(epochs < 100, "seed {seed}: {epochs} epochs");
        assert!(run.converged());
        assert_eq!(run.perceptron.accuracy(&d.inputs, &d.signs()).unwrap(), 1.0);
        // A converged run stays put: no step, an epoch without mistakes.
        let w = run.perceptron.clone();
        assert!(run.step().is_none());
        let e = run.epoch();
        assert!(e.mistakes == 0 && e.all_right && e.accuracy == 1.0);
        assert_eq!(run.perceptron, w);
        assert!(linearly_separable_2d(&d.inputs, &d.signs()).unwrap());
    }
}

#[test]
fn xor_never_converges_in_a_thousand_epochs_and_is_not_separable() {
    let d = data(DatasetKind::Xor, 0.1, 1);
    let mut run = PerceptronRun::on_dataset(&d, 0.1).unwrap();
    for _ in 0..1000 {
        let e = run.epoch();
        assert!(e.mistakes > 0 && !e.all_right, "epoch {}: {e:?}", e.epoch);
    }
    let outcome = run.run(1000);
    assert!(
        matches!(outcome, PerceptronOutcome::NotWithin { epochs: 1000, fewest_mistakes } if fewest_mistakes > 0),
        "{outcome:?}"
    );
    assert_eq!(
        run.fewest_mistakes(),
        match outcome {
            PerceptronOutcome::NotWithin { fewest_mistakes, .. } => Some(fewest_mistakes),
            _ => None,
        }
    );
    // The exact check agrees: no line separates XOR (nor circles, spirals).
    for kind in [DatasetKind::Xor, DatasetKind::Circles, DatasetKind::Spirals] {
        for seed in 1..=3 {
            let d = data(kind, 0.1, seed);
            assert!(
                !linearly_separable_2d(&d.inputs, &d.signs()).unwrap(),
                "{kind:?} {seed}"
            );
        }
    }
}

#[test]
fn the_exact_check_on_small_sets_and_degenerate_hulls() {
    let check = |points: &[(f64, f64, f64)]| {
        let x = DMatrix::from_fn(
            2,
            points.len(),
            |r, c| if r == 0 { points[c].0 } else { points[c].1 },
        );
        let y: Vec<f64> = points.iter().map(|p| p.2).collect();
        linearly_separable_2d(&x, &y).unwrap()
    };
    // Classic XOR and AND on {0,1}².
    let xor = [(0., 0., -1.), (1., 1., -1.), (0., 1., 1.), (1., 0., 1.)];
    let and = [(0., 0., -1.), (1., 0., -1.), (0., 1., -1.), (1., 1., 1.)];
    assert!(!check(&xor));
    assert!(check(&and));
    // Collinear: −1, −1, +1, +1 along a line, separable; alternating, not.
    assert!(check(&[(0., 0., -1.), (1., 0., -1.), (2., 0., 1.), (3., 0., 1.)]));
    assert!(!check(&[(0., 0., -1.), (1., 0., 1.), (2., 0., -1.)]));
    // A point on the other class's segment, and the same point in both classes.
    assert!(!check(&[(0., 0., -1.), (2., 2., -1.), (1., 1., 1.)]));
    assert!(!check(&[(0.5, 0.5, 1.), (0.5, 0.5, -1.)]));
    // Single points, and a point against a triangle it lies outside of / inside of.
    assert!(check(&[(0., 0., 1.), (1., 0., -1.)]));
    let tri = [(0., 0., 1.), (4., 0., 1.), (0., 4., 1.)];
    assert!(check(&[tri[0], tri[1], tri[2], (3., 3., -1.)]));
    assert!(!check(&[tri[0], tri[1], tri[2], (1., 1., -1.)]));
    // Touching hulls are not strictly separable: a vertex on an edge.
    assert!(!check(&[tri[0], tri[1], tri[2], (2., 2., -1.), (5., 5., -1.)]));
    // One class only.
    assert!(check(&[(0., 0., 1.), (1., 1., 1.)]));
    // Refusals.
    let x3 = DMatrix::zeros(3, 2);
    assert_eq!(
        linearly_separable_2d(&x3, &[1.0, -1.0]),
        Err(Mismatch::InputRows { expected: 2, got: 3 }.into())
    );
    let x2 = DMatrix::zeros(2, 2);
    assert_eq!(
        linearly_separable_2d(&x2, &[1.0]),
        Err(Mismatch::Labels { expected: 2, got: 1 }.into())
    );
    assert_eq!(
        linearly_separable_2d(&x2, &[1.0, 0.0]),
        Err(Invalid::PerceptronLabel { value: 0.0 }.into())
    );
}

#[test]
fn a_run_refuses_what_the_perceptron_refuses() {
    let p = Perceptron::new(2, 1.0).unwrap();
    let x = DMatrix::zeros(2, 3);
    assert_eq!(
        PerceptronRun::new(p.clone(), x.clone(), vec![1.0, -1.0]),
        Err(Mismatch::Inputs {
            expected: (2, 2),
            got: (2, 3)
        }
        .into())
    );
    assert_eq!(
        PerceptronRun::new(p.clone(), x, vec![1.0, 2.0, 1.0]),
        Err(Invalid::PerceptronLabel { value: 2.0 }.into())
    );
    assert!(PerceptronRun::new(p, DMatrix::zeros(2, 0), vec![]).is_err());
}
