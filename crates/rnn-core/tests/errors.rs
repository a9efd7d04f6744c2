//! Every refusal is data the page can word in its reader's language: the
//! limit it hit, the value given and the allowed range, one family of
//! constructors at a time.

mod common;

use nalgebra::DMatrix;
use rnn_core::experiment::{MAX_BATCH, MAX_FLOPS_PER_STEP, MAX_WORKSPACE_SCALARS};
use rnn_core::net::{MAX_HIDDEN, MAX_SEQ_LEN};
use rnn_core::*;

fn refusal(cfg: ExperimentConfig) -> Invalid {
    match Experiment::new(cfg.clone()) {
        Err(Error::Invalid(e)) => e,
        Err(other) => panic!("{cfg:?}: expected a typed Invalid, got {other:?}"),
        Ok(_) => panic!("{cfg:?} was accepted"),
    }
}

fn with_task(kind: TaskKind, seq_len: usize) -> ExperimentConfig {
    ExperimentConfig {
        task: TaskConfig {
            kind,
            seq_len,
            text: None,
        },
        ..Default::default()
    }
}

#[test]
fn experiment_settings_name_the_limit_and_the_value() {
    let d = ExperimentConfig::default;
    assert_eq!(
        refusal(ExperimentConfig { batch_size: 0, ..d() }),
        Invalid::BatchSize {
            got: 0,
            max: MAX_BATCH
        }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            batch_size: MAX_BATCH + 1,
            ..d()
        }),
        Invalid::BatchSize {
            got: MAX_BATCH + 1,
            max: MAX_BATCH
        }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            hidden_size: 0,
            ..d()
        }),
        Invalid::HiddenSize {
            got: 0,
            max: MAX_HIDDEN
        }
    );
    match refusal(ExperimentConfig {
        train: TrainConfig {
            learning_rate: f64::NAN,
            ..Default::default()
        },
        ..d()
    }) {
        Invalid::LearningRate { value } => assert!(value.is_nan()),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        refusal(ExperimentConfig {
            train: TrainConfig {
                learning_rate: -0.5,
                ..Default::default()
            },
            ..d()
        }),
        Invalid::LearningRate { value: -0.5 }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            train: TrainConfig {
                clip: Clip::Norm(0.0),
                ..Default::default()
            },
            ..d()
        }),
        Invalid::ClipThreshold { value: 0.0 }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            spectral_radius: Some(f64::INFINITY),
            ..d()
        }),
        Invalid::SpectralRadius { value: f64::INFINITY }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            init_recurrent: Init::Uniform { a: f64::NEG_INFINITY },
            ..d()
        }),
        Invalid::UniformRange {
            value: f64::NEG_INFINITY
        }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            forget_bias: f64::INFINITY,
            ..d()
        }),
        Invalid::ForgetBias { value: f64::INFINITY }
    );
    assert_eq!(
        refusal(ExperimentConfig {
            truncation: Some(0),
            ..d()
        }),
        Invalid::ZeroTruncation
    );
    // The same refusals between steps, where the page changes them live.
    let mut e = Experiment::new(d()).unwrap();
    let bad_clip = TrainConfig {
        clip: Clip::Value(-1.0),
        ..Default::default()
    };
    assert_eq!(
        e.set_train_config(bad_clip),
        Err(Invalid::ClipThreshold { value: -1.0 }.into())
    );
}

#[test]
fn too_big_a_model_says_how_big_and_the_limit() {
    // Memory first: hidden 1024 over 1000 steps of 512 examples.
    let huge = ExperimentConfig {
        hidden_size: MAX_HIDDEN,
        batch_size: MAX_BATCH,
        ..with_task(TaskKind::Adding, 1000)
    };
    let task = Task::new(huge.task.clone()).unwrap();
    let scalars = huge.net_config(&task).workspace_scalars(1000, MAX_BATCH);
    assert_eq!(
        refusal(huge),
        Invalid::TooMuchMemory {
            bytes: scalars * 4.0,
            limit: MAX_WORKSPACE_SCALARS * 4.0
        }
    );
    // Within memory but too much arithmetic: hidden 1024, 120 steps of 32.
    let slow = ExperimentConfig {
        hidden_size: MAX_HIDDEN,
        batch_size: 32,
        ..with_task(TaskKind::Adding, 120)
    };
    let flops = slow.net_config(&task).flops_per_step(120, 32);
    assert!(flops > MAX_FLOPS_PER_STEP);
    assert_eq!(
        refusal(slow),
        Invalid::TooManyFlops {
            flops,
            limit: MAX_FLOPS_PER_STEP
        }
    );
}

#[test]
fn a_task_says_which_task_and_the_range_of_lengths() {
    let copy_min = TaskKind::Copy.min_seq_len();
    assert_eq!(copy_min, 7);
    assert_eq!(
        refusal(with_task(TaskKind::Copy, 3)),
        Invalid::SeqLen {
            task: TaskKind::Copy,
            got: 3,
            min: copy_min,
            max: tasks::MAX_SEQ_LEN
        }
    );
    assert_eq!(
        refusal(with_task(TaskKind::Adding, 0)),
        Invalid::SeqLen {
            task: TaskKind::Adding,
            got: 0,
            min: 2,
            max: tasks::MAX_SEQ_LEN
        }
    );
    assert_eq!(
        refusal(with_task(TaskKind::Sine, tasks::MAX_SEQ_LEN + 1)),
        Invalid::SeqLen {
            task: TaskKind::Sine,
            got: tasks::MAX_SEQ_LEN + 1,
            min: 2,
            max: tasks::MAX_SEQ_LEN
        }
    );
    let text = |text: &str, seq_len| {
        Task::new(TaskConfig {
            kind: TaskKind::NextChar,
            seq_len,
            text: Some(text.into()),
        })
        .err()
    };
    assert_eq!(
        text("abcab", 20),
        Some(Invalid::TextTooShort { got: 5, min: 21 }.into())
    );
    assert_eq!(
        text(&"a".repeat(100), 20),
        Some(Invalid::DistinctChars { got: 1, max: 256 }.into())
    );
    let many: String = (0..300).filter_map(|i| char::from_u32(0x4E00 + i)).collect();
    assert_eq!(
        text(&many, 20),
        Some(Invalid::DistinctChars { got: 300, max: 256 }.into())
    );
}

#[test]
fn a_batch_that_does_not_fit_says_what_was_expected() {
    let cfg = NetConfig {
        input_size: 2,
        output_size: 3,
        loss: LossKind::CrossEntropy,
        structure: Structure::ManyToMany,
        ..NetConfig::default()
    };
    let net = RecurrentNet::<f64>::new(cfg.clone()).unwrap();
    let good = common::random_batch(&cfg, 4, 2, &mut Rng::new(1));
    net.check(&good).unwrap();
    let with = |f: &dyn Fn(&mut Batch<f64>)| {
        let mut b = good.clone();
        f(&mut b);
        net.check(&b).unwrap_err()
    };
    assert_eq!(
        with(&|b| b.inputs[(1, 5)] = f64::NAN),
        Invalid::NonFiniteInputs.into()
    );
    assert_eq!(
        with(&|b| b.targets = Targets::Classes(vec![Some(3); 8])),
        Invalid::TargetClass { class: 3, classes: 3 }.into()
    );
    assert_eq!(
        with(&|b| b.targets = Targets::Classes(vec![Some(0); 7])),
        Mismatch::Targets {
            loss: LossKind::CrossEntropy,
            outputs: 3,
            columns: 8
        }
        .into()
    );
    assert_eq!(
        with(&|b| b.inputs = DMatrix::zeros(3, 8)),
        Mismatch::Inputs {
            expected: (2, 8),
            got: (3, 8)
        }
        .into()
    );
    assert_eq!(
        with(&|b| {
            b.batch_size = 0;
            b.inputs = DMatrix::zeros(2, 0);
        }),
        Invalid::EmptyBatch {
            seq_len: 4,
            batch_size: 0
        }
        .into()
    );
    let long = common::random_batch(&cfg, MAX_SEQ_LEN + 1, 1, &mut Rng::new(1));
    assert_eq!(
        net.check(&long),
        Err(Invalid::SeqTooLong {
            got: MAX_SEQ_LEN + 1,
            max: MAX_SEQ_LEN
        }
        .into())
    );
    let one = NetConfig {
        structure: Structure::OneToOne,
        ..cfg.clone()
    };
    let b = common::random_batch(&one, 2, 1, &mut Rng::new(1));
    assert_eq!(
        RecurrentNet::<f64>::new(one).unwrap().check(&b),
        Err(Invalid::OneToOneSeqLen { got: 2 }.into())
    );
    // A step on a batch that does not fit is refused with the same data.
    let mut trainer = Trainer::new(net.clone(), TrainConfig::default()).unwrap();
    let mut bad = good.clone();
    bad.inputs[(0, 0)] = f64::INFINITY;
    assert_eq!(
        trainer.step(&bad, None).unwrap_err(),
        StepError::Invalid(Invalid::NonFiniteInputs.into())
    );
}

#[test]
fn a_model_shape_names_the_size_and_its_limit() {
    let net = |cfg: NetConfig| RecurrentNet::<f32>::new(cfg).unwrap_err();
    let d = NetConfig::default;
    assert_eq!(
        net(NetConfig { input_size: 0, ..d() }),
        Invalid::InputSize { got: 0, max: None }.into()
    );
    assert_eq!(
        net(NetConfig {
            output_size: 0,
            ..d()
        }),
        Invalid::OutputSize { got: 0, max: None }.into()
    );
    assert_eq!(
        net(NetConfig {
            loss: LossKind::CrossEntropy,
            ..d()
        }),
        Invalid::TooFewClasses { got: 1 }.into()
    );
    let refuse_mlp = |cfg: MlpConfig| Mlp::<f32>::new(cfg).unwrap_err();
    let m = MlpConfig::default;
    assert_eq!(
        refuse_mlp(MlpConfig { depth: 0, ..m() }),
        Invalid::Depth {
            got: 0,
            max: mlp::MAX_DEPTH
        }
        .into()
    );
    assert_eq!(
        refuse_mlp(MlpConfig {
            width: mlp::MAX_WIDTH + 1,
            ..m()
        }),
        Invalid::Width {
            got: mlp::MAX_WIDTH + 1,
            max: mlp::MAX_WIDTH
        }
        .into()
    );
    assert_eq!(
        refuse_mlp(MlpConfig {
            input_size: 2000,
            ..m()
        }),
        Invalid::InputSize {
            got: 2000,
            max: Some(mlp::MAX_WIDTH)
        }
        .into()
    );
    // Saved weights that do not fit name the parameter and both shapes.
    let mut r = RecurrentNet::<f32>::new(d()).unwrap();
    assert_eq!(
        r.set_param("W", &DMatrix::zeros(2, 3)),
        Err(Mismatch::Param {
            name: "W".into(),
            expected: (16, 16),
            got: (2, 3)
        }
        .into())
    );
    let mut saved = r.export();
    saved[0].values.pop();
    assert_eq!(
        r.import(&saved),
        Err(Mismatch::ValueCount {
            name: "U".into(),
            expected: 16,
            got: 15
        }
        .into())
    );
    assert_eq!(
        r.set_param("nope", &DMatrix::zeros(1, 1)),
        Err(Error::UnknownParameter("nope".into()))
    );
}

#[test]
fn the_english_text_is_kept_for_developers() {
    let e: Error = Invalid::SeqLen {
        task: TaskKind::Copy,
        got: 3,
        min: 7,
        max: 1000,
    }
    .into();
    assert_eq!(
        e.to_string(),
        "the copy task needs a sequence length between 7 and 1000 (got 3)"
    );
    let e: Error = Invalid::TooManyFlops {
        flops: 2.5e10,
        limit: 2e10,
    }
    .into();
    assert!(e.to_string().contains("25 GFLOP (limit 20)"), "{e}");
}
