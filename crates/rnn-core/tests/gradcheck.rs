//! Finite-difference gradient checks (f64) for every cell × activation ×
//! output structure, and the bidirectional wrapper.

mod common;

use common::{random_batch, worst_gradient_error};
use rnn_core::*;

const TOLERANCE: f64 = 1e-6;

fn check(cfg: NetConfig, seq_len: usize) {
    check_in_units(cfg, seq_len, rnn_core::schedule::UNIT_FLOPS);
}

/// `check` with a step cut into units of about `unit_flops`.
fn check_in_units(cfg: NetConfig, seq_len: usize, unit_flops: f64) {
    let mut rng = Rng::new(cfg.seed ^ 0xABCD);
    let batch = random_batch(&cfg, seq_len, 3, &mut rng);
    let mut net = RecurrentNet::<f64>::new(cfg.clone()).unwrap();
    net.unit_flops = unit_flops;
    // Non-zero biases so every term of every gradient is exercised.
    for name in net.param_names() {
        if name.ends_with('b') || name.ends_with("b_hn") || name == "c" {
            let v = net.get_param(&name).unwrap().map(|_| rng.range(-0.5, 0.5));
            net.set_param(&name, &v).unwrap();
        }
    }
    let (err, name) = worst_gradient_error(
        &mut net,
        &mut |n| n.loss_and_gradients(&batch).unwrap(),
        &mut |n| n.forward(&batch).unwrap(),
    );
    assert!(
        err < TOLERANCE,
        "{:?} {:?} {:?} {:?} bi={}: worst relative error {err:.2e} in {name}",
        cfg.cell,
        cfg.activation,
        cfg.structure,
        cfg.loss,
        cfg.bidirectional
    );
}

fn config(
    cell: CellKind,
    activation: Activation,
    structure: Structure,
    loss: LossKind,
    bidirectional: bool,
) -> NetConfig {
    NetConfig {
        cell,
        bidirectional,
        input_size: 3,
        hidden_size: 4,
        output_size: 3,
        activation,
        structure,
        loss,
        init_input: Init::Uniform { a: 0.8 },
        init_recurrent: Init::Uniform { a: 0.8 },
        seed: 11,
        ..NetConfig::default()
    }
}

const STRUCTURES: [(Structure, LossKind, usize); 4] = [
    (Structure::ManyToOne, LossKind::CrossEntropy, 5),
    (Structure::ManyToOne, LossKind::Mse, 5),
    (Structure::ManyToMany, LossKind::CrossEntropy, 5),
    (Structure::OneToOne, LossKind::Mse, 1),
];

#[test]
fn rnn_every_activation_and_structure() {
    for act in Activation::ALL {
        for (s, l, t) in STRUCTURES {
            check(config(CellKind::Rnn, act, s, l, false), t);
        }
    }
}

#[test]
fn lstm_every_structure() {
    for (s, l, t) in STRUCTURES {
        check(config(CellKind::Lstm, Activation::Tanh, s, l, false), t);
    }
    check(
        config(
            CellKind::Lstm,
            Activation::Tanh,
            Structure::ManyToMany,
            LossKind::Mse,
            false,
        ),
        6,
    );
}

#[test]
fn gru_every_structure() {
    for (s, l, t) in STRUCTURES {
        check(config(CellKind::Gru, Activation::Tanh, s, l, false), t);
    }
    check(
        config(
            CellKind::Gru,
            Activation::Tanh,
            Structure::ManyToMany,
            LossKind::Mse,
            false,
        ),
        6,
    );
}

#[test]
fn bidirectional_every_cell_and_structure() {
    for cell in CellKind::ALL {
        for (s, l, t) in STRUCTURES {
            check(config(cell, Activation::Tanh, s, l, true), t);
        }
    }
    check(
        config(
            CellKind::Rnn,
            Activation::Relu,
            Structure::ManyToMany,
            LossKind::Mse,
            true,
        ),
        5,
    );
}

/// The same checks with every time step a work unit of its own (and with
/// time-loop spans of a few steps): the gradients summed span by span, the
/// time loops stopped and resumed at every boundary, are still exact.
#[test]
fn every_cell_and_structure_cut_into_the_smallest_units() {
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            for (s, l, t) in STRUCTURES {
                let cfg = config(cell, Activation::Tanh, s, l, bidirectional);
                // One-to-one reads sequences of length 1 only.
                let len = if t == 1 { 1 } else { 7 };
                check_in_units(cfg.clone(), len, 1.0);
                check_in_units(cfg, len, 1e6);
            }
        }
    }
    // Truncated BPTT is not the true gradient, so compare it with itself
    // computed whole.
    let cut = NetConfig {
        truncation: Some(2),
        ..config(
            CellKind::Lstm,
            Activation::Tanh,
            Structure::ManyToMany,
            LossKind::Mse,
            true,
        )
    };
    let batch = random_batch(&cut, 7, 3, &mut Rng::new(9));
    let mut whole = RecurrentNet::<f64>::new(cut.clone()).unwrap();
    let mut units = RecurrentNet::<f64>::new(cut).unwrap();
    units.unit_flops = 1.0;
    whole.loss_and_gradients(&batch).unwrap();
    units.loss_and_gradients(&batch).unwrap();
    for name in whole.param_names() {
        let (a, b) = (whole.get_grad(&name).unwrap(), units.get_grad(&name).unwrap());
        assert!((&a - &b).norm() <= 1e-12 * a.norm(), "{name}");
    }
}

#[test]
fn truncation_at_or_beyond_length_is_full_bptt_and_shorter_cuts_the_far_past() {
    let mut rng = Rng::new(4);
    let cfg = config(
        CellKind::Rnn,
        Activation::Tanh,
        Structure::ManyToOne,
        LossKind::Mse,
        false,
    );
    let batch = random_batch(&cfg, 8, 2, &mut rng);
    let mut full = RecurrentNet::<f64>::new(cfg.clone()).unwrap();
    full.loss_and_gradients(&batch).unwrap();
    let mut same = RecurrentNet::<f64>::new(NetConfig {
        truncation: Some(8),
        ..cfg.clone()
    })
    .unwrap();
    same.loss_and_gradients(&batch).unwrap();
    assert_eq!(full.get_grad("W"), same.get_grad("W"));
    let mut cut = RecurrentNet::<f64>::new(NetConfig {
        truncation: Some(3),
        ..cfg
    })
    .unwrap();
    cut.forward(&batch).unwrap();
    cut.backward(Some(0));
    let trace = cut.trace(0);
    let g = &trace.directions[0].grad_h;
    // Chunks are [0,3), [3,6), [6,8): many-to-one loss at t = 8 reaches only 6, 7.
    assert!(g[..6].iter().all(|&x| x == 0.0), "{g:?}");
    assert!(g[6] > 0.0 && g[7] > 0.0);
}

/// The trace's ‖(∂L/∂W)_t‖, step t's term of ∂L/∂W. With h_0 = 0 the first
/// step's term is zero, so over two steps ∂L/∂W is the second step's term.
#[test]
fn per_step_weight_gradient_norms_add_up_over_two_steps() {
    for cell in CellKind::ALL {
        let cfg = config(
            cell,
            Activation::Tanh,
            Structure::ManyToMany,
            LossKind::Mse,
            false,
        );
        let batch = random_batch(&cfg, 2, 3, &mut Rng::new(6));
        let mut net = RecurrentNet::<f64>::new(cfg).unwrap();
        net.forward(&batch).unwrap();
        net.backward(Some(1));
        let steps = net.trace(0).directions[0].grad_w_step.clone();
        let whole = net.get_grad("W").unwrap().norm();
        assert_eq!(steps[0], 0.0, "{cell:?}");
        assert!(
            (steps[1] - whole).abs() <= 1e-12 * whole,
            "{cell:?}: {steps:?} vs {whole}"
        );
    }
}
