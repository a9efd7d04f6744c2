//! The feed-forward half of the engine: finite-difference gradient checks
//! (f64) of the MLP with every activation, batch normalisation and residual
//! connections, and the curriculum's claims about perceptrons and deep nets
//! stated as numbers.

mod common;

use common::worst_gradient_error;
use nalgebra::DMatrix;
use rnn_core::*;

const TOLERANCE: f64 = 1e-6;

fn mlp_config(activation: Activation, batch_norm: bool, residual: bool, loss: LossKind) -> MlpConfig {
    MlpConfig {
        input_size: 3,
        depth: 3,
        width: 4,
        output_size: 3,
        activation,
        init: Init::Uniform { a: 0.8 },
        loss,
        batch_norm,
        residual,
        seed: 17,
    }
}

fn random_batch(cfg: &MlpConfig, batch: usize, rng: &mut Rng) -> (DMatrix<f64>, Targets<f64>) {
    let inputs = DMatrix::from_fn(cfg.input_size, batch, |_, _| rng.range(-1.5, 1.5));
    let targets = match cfg.loss {
        LossKind::Mse => Targets::Values(DMatrix::from_fn(cfg.output_size, batch, |_, _| rng.normal())),
        LossKind::CrossEntropy => Targets::Classes(
            (0..batch)
                .map(|j| (j % 4 != 1).then(|| rng.below(cfg.output_size) as u32))
                .collect(),
        ),
    };
    (inputs, targets)
}

/// The MLP with some parameters hidden from the gradient check.
struct Checked {
    net: Mlp<f64>,
    skip: Vec<String>,
}

impl Params<f64> for Checked {
    fn visit(&self, f: &mut dyn FnMut(&Param<f64>)) {
        let skip = &self.skip;
        self.net.visit(&mut |p| {
            if !skip.contains(&p.name) {
                f(p)
            }
        });
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Param<f64>)) {
        let skip = &self.skip;
        self.net.visit_mut(&mut |p| {
            if !skip.contains(&p.name) {
                f(p)
            }
        });
    }
}

fn check(cfg: MlpConfig) {
    let mut rng = Rng::new(cfg.seed ^ 0x5EED);
    let (x, t) = random_batch(&cfg, 5, &mut rng);
    let mut net = Mlp::<f64>::new(cfg.clone()).unwrap();
    // Non-trivial biases, shifts and scales so every term is exercised.
    for name in net.param_names() {
        let (lo, hi) = if name.ends_with("gamma") {
            (0.5, 1.5)
        } else {
            (-0.5, 0.5)
        };
        if !name.ends_with(".W") {
            let v = net.get_param(&name).unwrap().map(|_| rng.range(lo, hi));
            net.set_param(&name, &v).unwrap();
        }
    }
    // With the identity activation and no skip, β_l goes straight into the
    // next layer's normalisation, which subtracts it again: its true gradient
    // is 0, so finite differences see only rounding noise. Check it is 0.
    let mut skip = Vec::new();
    if cfg.activation == Activation::Identity && cfg.batch_norm && !cfg.residual {
        skip = (1..cfg.depth).map(|l| format!("layer{l}.beta")).collect();
        net.loss_and_gradients(&x, &t).unwrap();
        for name in &skip {
            let g = net.get_grad(name).unwrap().norm();
            assert!(g < 1e-12, "{name}: {g:e}");
        }
    }
    let mut checked = Checked { net, skip };
    let (err, name) = worst_gradient_error(
        &mut checked,
        &mut |c| c.net.loss_and_gradients(&x, &t).unwrap(),
        &mut |c| c.net.forward(&x, &t).unwrap(),
    );
    assert!(
        err < TOLERANCE,
        "{:?} bn={} residual={} {:?}: worst relative error {err:.2e} in {name}",
        cfg.activation,
        cfg.batch_norm,
        cfg.residual,
        cfg.loss
    );
}

#[test]
fn gradients_every_activation_with_and_without_bn_and_residual() {
    for act in Activation::ALL {
        for (bn, res) in [(false, false), (true, false), (false, true), (true, true)] {
            for loss in [LossKind::CrossEntropy, LossKind::Mse] {
                check(mlp_config(act, bn, res, loss));
            }
        }
    }
}

#[test]
fn gradients_of_a_one_layer_net_and_a_wide_output() {
    let cfg = MlpConfig {
        depth: 1,
        width: 6,
        output_size: 5,
        ..mlp_config(Activation::Tanh, false, true, LossKind::CrossEntropy)
    };
    check(cfg.clone());
    check(MlpConfig {
        batch_norm: true,
        ..cfg
    });
}

/// The deep-net lesson's network: 10 hidden layers of width 32 on the XOR
/// points, gradients at initialisation in f64.
fn deep(activation: Activation, init: Init, batch_norm: bool, residual: bool) -> MlpTrace {
    let data = Dataset::new(&DatasetConfig {
        points: 64,
        ..DatasetConfig::default()
    })
    .unwrap();
    let mut net = Mlp::<f64>::new(MlpConfig {
        depth: 10,
        width: 32,
        activation,
        init,
        batch_norm,
        residual,
        seed: 3,
        ..MlpConfig::default()
    })
    .unwrap();
    net.loss_and_gradients(&data.inputs, &data.targets()).unwrap();
    net.trace(0, 0)
}

fn ratios(t: &MlpTrace) -> (f64, f64) {
    (t.gradient_ratio().unwrap(), t.weight_gradient_ratio().unwrap())
}

#[test]
fn deep_sigmoid_with_small_init_vanishes() {
    let t = deep(Activation::Sigmoid, Init::SmallRandom, false, false);
    let (h, w) = ratios(&t);
    assert!(
        h < 1e-12 && w < 1e-12,
        "‖∂L/∂h_1‖/‖∂L/∂h_10‖ = {h:e}, ‖∂L/∂W_1‖/‖∂L/∂W_10‖ = {w:e}"
    );
    // Layer by layer it only shrinks.
    for pair in t.layers.windows(2) {
        assert!(pair[0].grad_h < pair[1].grad_h);
    }
    // Remedy 1, the activation: with a layer-scaled init, sigmoid (φ' ≤ 1/4)
    // still loses orders of magnitude over 10 layers; tanh does not.
    let (h, _) = ratios(&deep(Activation::Sigmoid, Init::XavierUniform, false, false));
    assert!(h < 1e-4, "sigmoid + Xavier: {h:e}");
    let (h, _) = ratios(&deep(Activation::Tanh, Init::XavierUniform, false, false));
    assert!((0.1..10.0).contains(&h), "tanh + Xavier: {h:e}");
}

#[test]
fn in_f32_a_vanished_gradient_is_flushed_and_reported_as_below_the_floor() {
    let data = xor();
    let mut net = Mlp::<f32>::new(MlpConfig {
        depth: 24,
        width: 32,
        activation: Activation::Sigmoid,
        init: Init::SmallRandom,
        ..MlpConfig::default()
    })
    .unwrap();
    net.loss_and_gradients(&data.inputs_as(), &data.targets())
        .unwrap();
    let t = net.trace(0, 0);
    assert!(
        t.underflowed(0),
        "{:?}",
        t.layers.iter().map(|l| l.grad_h).collect::<Vec<_>>()
    );
    assert!(!t.underflowed(23) && t.layers[23].grad_h > 0.0);
    assert!(t.layers.iter().all(|l| l.grad_h == 0.0 || l.grad_h >= t.floor));
}

#[test]
fn residual_bn_and_relu_he_keep_the_gradient() {
    let cures = [
        (
            "residual",
            deep(Activation::Sigmoid, Init::SmallRandom, false, true),
        ),
        (
            "batch norm",
            deep(Activation::Sigmoid, Init::SmallRandom, true, false),
        ),
        ("relu + he", deep(Activation::Relu, Init::He, false, false)),
        ("both", deep(Activation::Sigmoid, Init::SmallRandom, true, true)),
    ];
    for (name, t) in cures {
        let (h, w) = ratios(&t);
        for r in [h, w] {
            assert!((1e-2..1e2).contains(&r), "{name}: ratios {h:e}, {w:e}");
        }
    }
}

#[test]
fn sigmoid_with_large_init_saturates_and_relu_units_can_die() {
    let t = deep(Activation::Sigmoid, Init::Uniform { a: 10.0 }, false, false);
    let deep_layers = &t.layers[1..];
    assert!(
        deep_layers.iter().all(|l| l.saturated > 0.5),
        "{:?}",
        t.layers.iter().map(|l| l.saturated).collect::<Vec<_>>()
    );
    let t = deep(Activation::Sigmoid, Init::SmallRandom, false, false);
    assert!(t.layers.iter().all(|l| l.saturated == 0.0 && l.pre_std < 0.1));
    let t = deep(Activation::Relu, Init::He, false, false);
    assert!(t.layers.iter().all(|l| (0.2..0.8).contains(&l.saturated)));
}

fn xor() -> Dataset {
    Dataset::new(&DatasetConfig {
        kind: DatasetKind::Xor,
        points: 200,
        noise: 0.15,
        seed: 2,
    })
    .unwrap()
}

#[test]
fn perceptron_converges_on_separable_data_but_never_on_xor() {
    let blobs = Dataset::new(&DatasetConfig {
        kind: DatasetKind::Blobs,
        points: 200,
        noise: 0.3,
        seed: 5,
    })
    .unwrap();
    let mut p = Perceptron::new(2, 0.1).unwrap();
    let epochs = p.train(&blobs.inputs, &blobs.signs(), 100).unwrap();
    assert!(epochs[0].mistakes > 0);
    assert_eq!(epochs.last().unwrap().mistakes, 0, "{epochs:?}");
    assert!(epochs.len() < 100);
    assert_eq!(p.accuracy(&blobs.inputs, &blobs.signs()).unwrap(), 1.0);

    let data = xor();
    let mut p = Perceptron::new(2, 0.1).unwrap();
    let epochs = p.train(&data.inputs, &data.signs(), 100).unwrap();
    assert_eq!(epochs.len(), 100);
    assert!(epochs.iter().all(|e| e.mistakes > 0 && e.accuracy < 0.8));
}

#[test]
fn one_hidden_layer_learns_xor() {
    let data = xor();
    let net = Mlp::<f32>::new(MlpConfig {
        depth: 1,
        width: 8,
        activation: Activation::Tanh,
        seed: 1,
        ..MlpConfig::default()
    })
    .unwrap();
    let config = TrainConfig {
        optimizer: OptimizerKind::adam(),
        learning_rate: 0.05,
        clip: Clip::None,
    };
    let mut trainer = MlpTrainer::new(net, config).unwrap();
    let (x, t) = (data.inputs_as::<f32>(), data.targets::<f32>());
    let mut solved_at = None;
    for step in 1..=100 {
        trainer.step(&x, &t, None).unwrap();
        if trainer.net.accuracy(&x, &data.labels).unwrap() == 1.0 {
            solved_at = Some(step);
            break;
        }
    }
    assert!(
        solved_at.is_some(),
        "accuracy {}",
        trainer.net.accuracy(&x, &data.labels).unwrap()
    );
}

#[test]
fn bn_mlp_trains_and_predicts_one_point_at_a_time() {
    let data = Dataset::new(&DatasetConfig {
        kind: DatasetKind::Circles,
        points: 200,
        noise: 0.05,
        seed: 9,
    })
    .unwrap();
    let net = Mlp::<f32>::new(MlpConfig {
        depth: 3,
        width: 16,
        activation: Activation::Relu,
        init: Init::He,
        batch_norm: true,
        residual: true,
        ..MlpConfig::default()
    })
    .unwrap();
    let mut trainer = MlpTrainer::new(net, TrainConfig::default()).unwrap();
    let mut rng = Rng::new(4);
    for _ in 0..400 {
        let (x, labels) = data.sample(&mut rng, 32);
        let t = Targets::Classes(labels.iter().map(|&c| Some(c as u32)).collect());
        trainer.step(&x.map(|v| v as f32), &t, None).unwrap();
    }
    let x = data.inputs_as::<f32>();
    let acc = trainer.net.accuracy(&x, &data.labels).unwrap();
    assert!(acc > 0.95, "accuracy {acc}");
    // Eval mode: one column at a time gives the same classes as the batch.
    let all = trainer.net.classify(&x).unwrap();
    for (j, class) in all.iter().enumerate().take(10) {
        let one = trainer.net.classify(&x.columns(j, 1).clone_owned()).unwrap();
        assert_eq!(one[0], *class);
    }
    // Training mode cannot normalise a batch of one.
    let one = Targets::Classes(vec![Some(0)]);
    assert_eq!(
        trainer.net.forward(&x.columns(0, 1).clone_owned(), &one),
        Err(Invalid::BatchNormBatch { got: 1 }.into())
    );
    let saved = trainer.net.export_buffers();
    assert_eq!(saved.len(), 6);
    assert!(saved[1].values.iter().all(|v| *v > 0.0));
    let mut other = Mlp::<f32>::new(trainer.net.config.clone()).unwrap();
    other.import(&trainer.net.export()).unwrap();
    other.import_buffers(&saved).unwrap();
    let mut negative = saved.clone();
    negative[1].values[0] = -1.0;
    assert_eq!(
        other.import_buffers(&negative),
        Err(Invalid::RunningStats {
            name: saved[1].name.clone()
        }
        .into())
    );
    let mut short = saved.clone();
    short[0].rows -= 1;
    assert_eq!(
        other.import_buffers(&short),
        Err(Mismatch::Param {
            name: saved[0].name.clone(),
            expected: (saved[0].rows, 1),
            got: (saved[0].rows - 1, 1)
        }
        .into())
    );
    assert_eq!(other.classify(&x).unwrap(), all);
}

#[test]
fn a_step_that_overflows_is_reported_and_changes_nothing() {
    // (target, learning rate): the first overflows the gradients of f32, the
    // second only the updated weights.
    for (target, lr, gradient) in [(3e38f32, 0.01, true), (10.0, 1e38, false)] {
        let net = Mlp::<f32>::new(MlpConfig {
            depth: 2,
            activation: Activation::Identity,
            loss: LossKind::Mse,
            output_size: 1,
            batch_norm: true,
            ..MlpConfig::default()
        })
        .unwrap();
        let config = TrainConfig {
            optimizer: OptimizerKind::Sgd,
            learning_rate: lr,
            clip: Clip::None,
        };
        let mut trainer = MlpTrainer::new(net, config).unwrap();
        let x = DMatrix::from_fn(2, 4, |r, c| (r + c) as f32);
        let t = Targets::Values(DMatrix::from_element(1, 4, target));
        let before = trainer.net.export();
        let buffers = trainer.net.export_buffers();
        match trainer.step(&x, &t, Some(0)) {
            Err(StepError::Diverged(d)) => {
                assert_eq!(d.step, 1);
                let parameter = match (&d.cause, gradient) {
                    (DivergenceCause::Gradient { parameter }, true) => parameter,
                    (DivergenceCause::Update { parameter }, false) => parameter,
                    _ => panic!("{d:?}"),
                };
                assert!(trainer.net.param_names().contains(parameter), "{d:?}");
            }
            other => panic!("expected divergence, got {other:?}"),
        }
        assert_eq!(trainer.net.export(), before);
        assert_eq!(trainer.net.export_buffers(), buffers);
        assert_eq!(trainer.steps_done(), 0);
        let bad = Targets::Values(DMatrix::from_element(2, 4, 0.0f32));
        assert_eq!(
            trainer.step(&x, &bad, None),
            Err(StepError::Invalid(
                Mismatch::Targets {
                    loss: LossKind::Mse,
                    outputs: 1,
                    columns: 4
                }
                .into()
            ))
        );
    }
}

#[test]
fn the_trace_is_plain_data_and_reports_what_clipping_did() {
    let data = xor();
    let net = Mlp::<f32>::new(MlpConfig {
        depth: 4,
        width: 8,
        ..MlpConfig::default()
    })
    .unwrap();
    let mut trainer = MlpTrainer::new(
        net,
        TrainConfig {
            clip: Clip::Norm(1e-3),
            ..TrainConfig::default()
        },
    )
    .unwrap();
    let report = trainer.step(&data.inputs_as(), &data.targets(), Some(7)).unwrap();
    let trace = report.trace.unwrap();
    assert_eq!((trace.step, trace.example, trace.layers.len()), (1, 7, 4));
    assert_eq!(
        trace.input,
        vec![data.inputs[(0, 7)], data.inputs[(1, 7)]]
            .into_iter()
            .map(|v| v as f32 as f64)
            .collect::<Vec<_>>()
    );
    assert!(trace.clip.as_ref().unwrap().fired);
    assert!(trace.params.iter().all(|p| p.after_clip <= 1e-3));
    assert!(trace
        .layers
        .iter()
        .all(|l| l.grad_h > 0.0 && l.grad_h_example > 0.0 && l.grad_w > 0.0));
    assert_eq!(trace.layers[0].hidden.len(), 8);
    let json = serde_json::to_string(&trace).unwrap();
    let back: MlpTrace = serde_json::from_str(&json).unwrap();
    assert_eq!(back, trace);
}

#[test]
fn same_seed_same_run() {
    let run = || {
        let data = xor();
        let net = Mlp::<f32>::new(MlpConfig {
            depth: 3,
            batch_norm: true,
            ..MlpConfig::default()
        })
        .unwrap();
        let mut trainer = MlpTrainer::new(net, TrainConfig::default()).unwrap();
        let mut rng = Rng::new(8);
        for _ in 0..20 {
            let (x, labels) = data.sample(&mut rng, 16);
            let t = Targets::Classes(labels.iter().map(|&c| Some(c as u32)).collect());
            trainer.step(&x.map(|v| v as f32), &t, None).unwrap();
        }
        (trainer.net.export(), trainer.net.export_buffers())
    };
    assert_eq!(run(), run());
}
