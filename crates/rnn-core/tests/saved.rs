//! A saved run (see `rnn_core::saved`) goes on bit for bit after a JSON
//! round trip, for every cell, direction, task and optimiser; and anything
//! that is not a run this engine can continue — damaged, cut short,
//! bit-flipped, foreign, newer, or with values that do not fit its settings
//! — is refused with its reason, never a panic.

use rnn_core::saved::{FORMAT_NAME, FORMAT_VERSION, MAX_SAVED_STEPS};
use rnn_core::tasks::TaskKind;
use rnn_core::*;
use serde_json::{json, Value};

/// What the page does with a file: the header first, then the run.
fn load_json(bytes: &[u8]) -> Result<Experiment, LoadError> {
    let header: RunHeader = serde_json::from_slice(bytes).map_err(LoadError::damaged)?;
    header.check()?;
    let saved: SavedRun = serde_json::from_slice(bytes).map_err(LoadError::damaged)?;
    Experiment::load(saved)
}

fn to_json(run: &Experiment) -> String {
    serde_json::to_string(&run.save().unwrap()).unwrap()
}

fn value_of(run: &Experiment) -> Value {
    serde_json::to_value(run.save().unwrap()).unwrap()
}

fn load_value(v: &Value) -> Result<Experiment, LoadError> {
    load_json(&serde_json::to_vec(v).unwrap())
}

/// Every weight, as exact bits.
fn weight_bits(run: &Experiment) -> Vec<(String, Vec<u32>)> {
    let mut out = Vec::new();
    run.net()
        .visit(&mut |p| out.push((p.name.clone(), p.value.iter().map(|x| x.to_bits()).collect())));
    out
}

const TEXT: &str = "床前明月光，疑是地上霜。举头望明月，低头思故乡。🌙 cafe\u{301} ";

fn config(
    cell: CellKind,
    bidirectional: bool,
    task: TaskKind,
    optimizer: OptimizerKind,
    clip: Clip,
) -> ExperimentConfig {
    ExperimentConfig {
        task: TaskConfig {
            kind: task,
            seq_len: 8,
            // The user's text for half the next-character runs.
            text: (task == TaskKind::NextChar && bidirectional).then(|| TEXT.repeat(3)),
        },
        cell,
        bidirectional,
        hidden_size: 5,
        batch_size: 3,
        seed: 7,
        train: TrainConfig {
            optimizer,
            learning_rate: 0.05,
            clip,
        },
        ..ExperimentConfig::default()
    }
}

/// Takes `k` steps of `a` and of `b`, which must agree bit for bit: loss,
/// weights, trace and clipping of every step, then the whole saved state.
/// Returns whether clipping fired.
fn lockstep(a: &mut Experiment, b: &mut Experiment, k: usize, what: &str) -> bool {
    let mut fired = false;
    for i in 0..k {
        let (ra, rb) = (a.step(i % 2 == 0).unwrap(), b.step(i % 2 == 0).unwrap());
        assert_eq!(ra.step, rb.step, "{what}");
        assert_eq!(
            ra.loss.to_bits(),
            rb.loss.to_bits(),
            "{what}: loss at step {}",
            ra.step
        );
        assert_eq!(
            weight_bits(a),
            weight_bits(b),
            "{what}: weights at step {}",
            ra.step
        );
        assert_eq!(ra.trace, rb.trace, "{what}");
        assert_eq!(ra.clip, rb.clip, "{what}");
        fired |= ra.clip.fired;
    }
    assert_eq!(to_json(a), to_json(b), "{what}: saved state after {k} steps");
    fired
}

#[test]
fn every_model_task_and_optimiser_goes_on_bit_for_bit() {
    let optimizers = [
        OptimizerKind::Sgd,
        OptimizerKind::momentum(),
        OptimizerKind::adam(),
    ];
    let mut runs = 0;
    for cell in CellKind::ALL {
        for bidirectional in [false, true] {
            for task in TaskKind::ALL {
                for (o, optimizer) in optimizers.into_iter().enumerate() {
                    // Clipping on, by norm or by value, tight enough to fire.
                    let clip = if (runs + o) % 2 == 0 {
                        Clip::Norm(0.05)
                    } else {
                        Clip::Value(0.01)
                    };
                    let cfg = config(cell, bidirectional, task, optimizer, clip);
                    let what = format!("{cell:?} bidi={bidirectional} {task:?} {optimizer:?} {clip:?}");
                    let mut a = Experiment::new(cfg).unwrap();
                    for i in 0..3 {
                        a.step(i == 1).unwrap();
                    }
                    let json = to_json(&a);
                    let mut b = load_json(json.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
                    assert_eq!(b.steps_done(), 3);
                    assert_eq!(b.config(), a.config());
                    assert!(lockstep(&mut a, &mut b, 3, &what), "{what}: clipping never fired");
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 3 * 2 * 6 * 3);
}

#[test]
fn a_fresh_run_a_switched_optimiser_and_chunked_steps_go_on_too() {
    let cfg = config(
        CellKind::Lstm,
        true,
        TaskKind::Copy,
        OptimizerKind::adam(),
        Clip::Norm(0.5),
    );
    // Saved before any step: no moments yet.
    let mut a = Experiment::new(cfg.clone()).unwrap();
    let saved = a.save().unwrap();
    assert!(saved.optimizer.first_moments.is_empty() && saved.optimizer.second_moments.is_empty());
    let mut b = load_json(to_json(&a).as_bytes()).unwrap();
    lockstep(&mut a, &mut b, 2, "fresh");

    // Adam for two steps, then momentum (fresh state): the optimiser's count
    // is no longer the steps done.
    let mut a = Experiment::new(cfg).unwrap();
    a.step(false).unwrap();
    a.step(false).unwrap();
    let mut train = a.config().train;
    train.optimizer = OptimizerKind::momentum();
    train.learning_rate = 0.02;
    a.set_train_config(train).unwrap();
    a.step(false).unwrap();
    let saved = a.save().unwrap();
    assert_eq!((saved.steps_done, saved.optimizer.steps), (3, 1));
    assert!(saved.optimizer.second_moments.is_empty());
    let mut b = load_json(to_json(&a).as_bytes()).unwrap();

    // The loaded run peeks (which draws no batch), then steps a unit at a
    // time, and still agrees with the run that never stopped.
    let peek = b.peek(true).unwrap();
    assert!(peek.trace.is_some() && peek.loss.is_finite());
    assert_eq!(to_json(&b), to_json(&a));
    for _ in 0..2 {
        let ra = a.step(false).unwrap();
        b.begin_step(false).unwrap();
        let rb = loop {
            if let Some(r) = b.advance(&mut || false) {
                break r.unwrap();
            }
        };
        assert_eq!(ra.loss.to_bits(), rb.loss.to_bits());
        assert_eq!(weight_bits(&a), weight_bits(&b));
    }
    assert_eq!(to_json(&a), to_json(&b));
}

/// A loaded run's first look, one unit at a time (how the page shows a
/// loaded heavy run without holding the frame): the bits of `peek` at once,
/// the weights and steps untouched, and every later step bit for bit the
/// run that never stopped.
#[test]
fn a_peek_in_units_is_the_peek_at_once_and_the_run_goes_on() {
    let cfg = config(
        CellKind::Lstm,
        false,
        TaskKind::Adding,
        OptimizerKind::adam(),
        Clip::Norm(1.0),
    );
    let mut a = Experiment::new(cfg).unwrap();
    a.step(false).unwrap();
    a.step(false).unwrap();
    let mut at_once = load_json(to_json(&a).as_bytes()).unwrap();
    let mut in_units = load_json(to_json(&a).as_bytes()).unwrap();
    let whole = at_once.peek(true).unwrap();
    in_units.begin_peek(true).unwrap();
    assert!(in_units.probing());
    let mut units = 1;
    let unit_by_unit = loop {
        if let Some(r) = in_units.advance(&mut || false) {
            break r.unwrap();
        }
        units += 1;
    };
    assert!(units > 1, "an LSTM's look is several units");
    assert_eq!(unit_by_unit, whole);
    assert_eq!(unit_by_unit.step, 2, "a look reports the steps done");
    assert_eq!(to_json(&in_units), to_json(&a), "nothing saved moved");
    for _ in 0..2 {
        let ra = a.step(false).unwrap();
        let rb = in_units.step(false).unwrap();
        assert_eq!(ra.loss.to_bits(), rb.loss.to_bits());
        assert_eq!(weight_bits(&a), weight_bits(&in_units));
    }
}

#[test]
fn a_run_is_saved_between_steps_only() {
    let mut a = Experiment::new(config(
        CellKind::Gru,
        false,
        TaskKind::Adding,
        OptimizerKind::adam(),
        Clip::Norm(1.0),
    ))
    .unwrap();
    a.step(false).unwrap();
    let before = to_json(&a);
    a.begin_step(false).unwrap();
    assert_eq!(a.save(), Err(SaveError::StepInProgress));
    assert!(a.advance(&mut || false).is_none(), "a step of several units");
    assert_eq!(a.save(), Err(SaveError::StepInProgress));
    while a.advance(&mut || true).is_none() {}
    let after = a.save().unwrap();
    assert_eq!(after.steps_done, 2);
    assert_ne!(serde_json::to_string(&after).unwrap(), before);
}

#[test]
fn a_run_holding_infinity_is_not_saved() {
    // Weights from U(−10³⁹, 10³⁹) are ±∞ in f32.
    let mut cfg = config(
        CellKind::Rnn,
        false,
        TaskKind::Adding,
        OptimizerKind::Sgd,
        Clip::None,
    );
    cfg.init_input = Init::Uniform { a: 1e39 };
    let a = Experiment::new(cfg).unwrap();
    assert_eq!(
        a.save(),
        Err(SaveError::NotFinite {
            part: SavedPart::Weights,
            name: "U".into()
        })
    );
}

#[test]
fn the_saved_form_is_plain_json() {
    let mut a = Experiment::new(config(
        CellKind::Rnn,
        false,
        TaskKind::Adding,
        OptimizerKind::momentum(),
        Clip::Norm(1.0),
    ))
    .unwrap();
    a.step(false).unwrap();
    let v = value_of(&a);
    assert_eq!(v["format"], FORMAT_NAME);
    assert_eq!(v["version"], FORMAT_VERSION);
    assert_eq!(v["steps_done"], 1);
    assert_eq!(v["config"]["task"]["kind"], "adding");
    let names: Vec<&str> = v["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["U", "W", "b", "V", "c"]);
    assert_eq!(v["weights"][0]["rows"], 5);
    assert_eq!(v["weights"][0]["cols"], 2);
    assert_eq!(v["weights"][0]["values"].as_array().unwrap().len(), 10);
    // Momentum keeps a velocity per parameter and no second moment.
    assert_eq!(v["optimizer"]["steps"], 1);
    assert_eq!(v["optimizer"]["first_moments"].as_array().unwrap().len(), 5);
    assert_eq!(v["optimizer"]["second_moments"], json!([]));
    let rng = v["data_rng"].as_array().unwrap();
    assert_eq!(rng.len(), 4);
    assert!(rng
        .iter()
        .all(|w| w.as_str().unwrap().len() == 16 && u64::from_str_radix(w.as_str().unwrap(), 16).is_ok()));
    // Weights are written as the f64 each f32 is, exactly.
    let first = v["weights"][0]["values"][0].as_f64().unwrap();
    assert_eq!(first, first as f32 as f64);
    // A field of the caller's own beside ours is ignored.
    let mut extra = v.clone();
    extra["history"] = json!([1.0, 0.5]);
    assert!(load_value(&extra).is_ok());
}

#[test]
fn a_long_user_text_travels_in_the_saved_run() {
    let text: String = TEXT.chars().cycle().take(100_000).collect();
    let mut cfg = config(
        CellKind::Gru,
        false,
        TaskKind::NextChar,
        OptimizerKind::adam(),
        Clip::Norm(1.0),
    );
    cfg.task.text = Some(text.clone());
    let mut a = Experiment::new(cfg).unwrap();
    a.step(false).unwrap();
    let json = to_json(&a);
    let mut b = load_json(json.as_bytes()).unwrap();
    assert_eq!(b.config().task.text.as_deref(), Some(text.as_str()));
    assert_eq!(b.task().vocabulary(), a.task().vocabulary());
    lockstep(&mut a, &mut b, 2, "long text");
}

/// A small run with every kind of state, for the damage tests.
fn small_run() -> Experiment {
    let mut a = Experiment::new(ExperimentConfig {
        task: TaskConfig {
            kind: TaskKind::Adding,
            seq_len: 3,
            text: None,
        },
        hidden_size: 2,
        batch_size: 2,
        ..ExperimentConfig::default()
    })
    .unwrap();
    a.step(false).unwrap();
    a.step(false).unwrap();
    a
}

fn damaged(r: Result<Experiment, LoadError>) -> bool {
    matches!(r, Err(LoadError::Damaged { .. }))
}

#[test]
fn foreign_newer_and_non_json_files_are_told_apart() {
    for foreign in [
        "{}",
        "[]",
        "null",
        "42",
        "-7.5",
        "true",
        r#""rnn-lab-run""#,
        r#"[{"format": "rnn-lab-run", "version": 1}]"#,
        r#"{"name": "my-app", "version": "1.0.0", "dependencies": {"left-pad": "^1"}}"#,
        r#"{"format": "png", "version": 1}"#,
        r#"{"format": 1, "version": 1}"#,
        r#"{"type": "FeatureCollection", "features": [{"a": [1, 2, {"b": null}]}]}"#,
    ] {
        assert_eq!(
            load_json(foreign.as_bytes()).err(),
            Some(LoadError::Foreign),
            "{foreign}"
        );
    }
    assert_eq!(
        load_json(br#"{"version": 2, "format": "rnn-lab-run", "weights": "a future shape"}"#).err(),
        Some(LoadError::NewerVersion {
            got: 2,
            max: FORMAT_VERSION
        })
    );
    for bad in [
        "",
        "hello",
        "{",
        r#"{"format": "rnn-lab-run""#,
        "\u{feff}{}",
        r#"{"format": "rnn-lab-run", "version": 1}"#,
        r#"{"format": "rnn-lab-run", "version": 0}"#,
        r#"{"format": "rnn-lab-run", "version": -1}"#,
        r#"{"format": "rnn-lab-run", "version": 1.5}"#,
        r#"{"format": "rnn-lab-run", "version": "1"}"#,
        r#"{"format": "rnn-lab-run", "version": 1e999}"#,
        r#"{"format": "rnn-lab-run", "version": 99999999999999999999999}"#,
    ] {
        assert!(damaged(load_json(bad.as_bytes())), "{bad}");
    }
    // A parser's reason is kept short even when it quotes a long string.
    let long = format!(
        r#"{{"format": "rnn-lab-run", "version": 1, "config": {{"cell": "{}"}}}}"#,
        "x".repeat(10_000)
    );
    match load_json(long.as_bytes()) {
        Err(LoadError::Damaged { reason }) => assert!(reason.chars().count() <= 201, "{reason}"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn every_cut_of_a_saved_run_is_refused_as_damaged() {
    let json = to_json(&small_run());
    assert!(load_json(json.as_bytes()).is_ok());
    for end in 0..json.len() {
        let cut = &json.as_bytes()[..end];
        assert!(damaged(load_json(cut)), "cut at {end} of {}", json.len());
    }
}

#[test]
fn flipped_bits_are_refused_or_load_a_run_that_steps_but_never_panic() {
    let json = to_json(&small_run()).into_bytes();
    let mut rng = Rng::new(2);
    let (mut loaded, mut refused) = (0, 0);
    for at in 0..json.len() {
        // Every bit of the first 400 bytes (the settings), one bit elsewhere.
        let bits: Vec<u8> = if at < 400 {
            (0..8).collect()
        } else {
            vec![rng.below(8) as u8]
        };
        for bit in bits {
            let mut bytes = json.clone();
            bytes[at] ^= 1 << bit;
            match load_json(&bytes) {
                Ok(mut run) => {
                    loaded += 1;
                    // Whatever it loaded trains or says why not.
                    let _ = run.step(false);
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(
        refused > loaded && loaded > 0,
        "{refused} refused, {loaded} loaded"
    );
}

/// The refusal of the small run's saved form after `edit`.
fn refusal(edit: impl FnOnce(&mut Value)) -> LoadError {
    let mut v = value_of(&small_run());
    edit(&mut v);
    match load_value(&v) {
        Err(e) => e,
        Ok(_) => panic!("loaded"),
    }
}

#[test]
fn values_that_do_not_fit_the_settings_are_refused_by_name() {
    use SavedPart::*;
    let w = Weights;
    assert_eq!(
        refusal(|v| v["weights"][1]["name"] = json!("Q")),
        LoadError::UnknownParameter {
            part: w,
            name: "Q".into()
        }
    );
    assert_eq!(
        refusal(|v| {
            v["weights"].as_array_mut().unwrap().remove(1);
        }),
        LoadError::MissingParameter {
            part: w,
            name: "W".into()
        }
    );
    assert_eq!(
        refusal(|v| {
            let first = v["weights"][0].clone();
            v["weights"].as_array_mut().unwrap().push(first);
        }),
        LoadError::DuplicateParameter {
            part: w,
            name: "U".into()
        }
    );
    assert_eq!(
        refusal(|v| v["weights"][1]["rows"] = json!(3)),
        LoadError::Shape {
            part: w,
            name: "W".into(),
            expected: (2, 2),
            got: (3, 2)
        }
    );
    // A size that would not fit in memory is compared, not allocated.
    assert_eq!(
        refusal(|v| {
            v["weights"][1]["rows"] = json!(1_000_000_000_000u64);
            v["weights"][1]["cols"] = json!(1_000_000_000_000u64);
        }),
        LoadError::Shape {
            part: w,
            name: "W".into(),
            expected: (2, 2),
            got: (1_000_000_000_000, 1_000_000_000_000)
        }
    );
    assert!(matches!(
        refusal(|v| v["weights"][1]["rows"] = json!(-2)),
        LoadError::Damaged { .. }
    ));
    assert_eq!(
        refusal(|v| {
            v["weights"][1]["values"].as_array_mut().unwrap().pop();
        }),
        LoadError::ValueCount {
            part: w,
            name: "W".into(),
            expected: 4,
            got: 3
        }
    );
    // NaN has no JSON number (serde_json writes null); beyond f32 is ∞.
    assert!(matches!(
        refusal(|v| v["weights"][1]["values"][0] = json!(null)),
        LoadError::Damaged { .. }
    ));
    assert_eq!(
        refusal(|v| v["weights"][1]["values"][0] = json!(1e39)),
        LoadError::NotFinite {
            part: w,
            name: "W".into()
        }
    );
    assert!(matches!(
        refusal(|v| v["weights"][1]["values"] = json!("0.5")),
        LoadError::Damaged { .. }
    ));
}

#[test]
fn optimiser_state_of_the_wrong_kind_or_shape_is_refused() {
    use SavedPart::*;
    assert_eq!(
        refusal(|v| v["optimizer"]["first_moments"][2]["cols"] = json!(2)),
        LoadError::Shape {
            part: FirstMoments,
            name: "b".into(),
            expected: (2, 1),
            got: (2, 2)
        }
    );
    assert_eq!(
        refusal(|v| v["optimizer"]["second_moments"][3]["values"][0] = json!(-1e300)),
        LoadError::NotFinite {
            part: SecondMoments,
            name: "V".into()
        }
    );
    // Adam needs both moments or neither.
    assert_eq!(
        refusal(|v| v["optimizer"]["second_moments"] = json!([])),
        LoadError::MissingParameter {
            part: SecondMoments,
            name: "U".into()
        }
    );
    assert_eq!(
        refusal(|v| v["optimizer"]["first_moments"][0]["name"] = json!("fwd.U")),
        LoadError::UnknownParameter {
            part: FirstMoments,
            name: "fwd.U".into()
        }
    );
    // SGD keeps no moments; momentum no second one.
    assert_eq!(
        refusal(|v| v["config"]["train"]["optimizer"] = json!({"kind": "sgd"})),
        LoadError::UnusedMoments {
            part: FirstMoments,
            optimizer: "sgd"
        }
    );
    assert_eq!(
        refusal(|v| v["config"]["train"]["optimizer"] = json!({"kind": "momentum", "mu": 0.9})),
        LoadError::UnusedMoments {
            part: SecondMoments,
            optimizer: "momentum"
        }
    );
    // Without moments (as before the first update) SGD loads.
    let mut v = value_of(&small_run());
    v["config"]["train"]["optimizer"] = json!({"kind": "sgd"});
    v["optimizer"]["first_moments"] = json!([]);
    v["optimizer"]["second_moments"] = json!([]);
    load_value(&v).unwrap().step(false).unwrap();
}

#[test]
fn counts_and_the_generator_state_are_checked() {
    let too_many = MAX_SAVED_STEPS + 1;
    assert_eq!(
        refusal(|v| v["steps_done"] = json!(too_many)),
        LoadError::TooManySteps {
            got: too_many,
            max: MAX_SAVED_STEPS
        }
    );
    assert_eq!(
        refusal(|v| v["optimizer"]["steps"] = json!(u64::MAX)),
        LoadError::TooManySteps {
            got: u64::MAX,
            max: MAX_SAVED_STEPS
        }
    );
    assert!(matches!(
        refusal(|v| v["steps_done"] = json!(-1)),
        LoadError::Damaged { .. }
    ));
    assert_eq!(
        refusal(|v| v["data_rng"] = json!(["0", "0", "0", "0000000000000000"])),
        LoadError::RngState
    );
    for bad in [
        json!(["x", "0", "0", "1"]),
        json!(["1", "2", "3"]),
        json!(["1", "2", "3", "4", "5"]),
        json!(["", "2", "3", "4"]),
        json!(["+1", "2", "3", "4"]),
        json!(["10000000000000000", "2", "3", "4"]),
        json!([1, 2, 3, 4]),
        json!("0123"),
    ] {
        assert!(
            matches!(
                refusal(|v| v["data_rng"] = bad.clone()),
                LoadError::Damaged { .. }
            ),
            "{bad}"
        );
    }
    // The steps done are those of the file.
    let mut v = value_of(&small_run());
    v["steps_done"] = json!(41);
    let mut run = load_value(&v).unwrap();
    assert_eq!(run.steps_done(), 41);
    assert_eq!(run.step(false).unwrap().step, 42);
}

#[test]
fn invalid_settings_are_refused_as_a_link_would_be() {
    let config = |r: LoadError| match r {
        LoadError::Config(Error::Invalid(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        config(refusal(|v| v["config"]["batch_size"] = json!(0))),
        Invalid::BatchSize { got: 0, max: 512 }
    );
    assert!(matches!(
        config(refusal(
            |v| v["config"]["hidden_size"] = json!(1_000_000_000_000u64)
        )),
        Invalid::TooMuchMemory { .. }
    ));
    assert!(matches!(
        config(refusal(
            |v| v["config"]["task"]["seq_len"] = json!(1_000_000_000_000u64)
        )),
        Invalid::SeqLen { .. }
    ));
    assert_eq!(
        config(refusal(|v| v["config"]["train"]["learning_rate"] = json!(-1.0))),
        Invalid::LearningRate { value: -1.0 }
    );
    assert_eq!(
        config(refusal(|v| {
            v["config"]["task"] = json!({"kind": "next_char", "seq_len": 3, "text": ""});
        })),
        Invalid::TextTooShort { got: 0, min: 4 }
    );
    assert!(matches!(
        refusal(|v| v["config"]["task"]["kind"] = json!("poetry")),
        LoadError::Damaged { .. }
    ));
    // Valid settings that the weights do not fit.
    assert!(matches!(
        refusal(|v| v["config"]["hidden_size"] = json!(3)),
        LoadError::Shape {
            part: SavedPart::Weights,
            ..
        }
    ));
    assert!(matches!(
        refusal(|v| v["config"]["cell"] = json!("lstm")),
        LoadError::Shape {
            part: SavedPart::Weights,
            ..
        }
    ));
    assert_eq!(
        refusal(|v| v["config"]["bidirectional"] = json!(true)),
        LoadError::UnknownParameter {
            part: SavedPart::Weights,
            name: "U".into()
        }
    );
}

#[test]
fn a_failed_load_leaves_the_current_run_alone() {
    // Load is a constructor: the run on screen is not an argument of it.
    // Still, show it: a run keeps stepping as its twin while loads fail.
    let (mut a, mut twin) = (small_run(), small_run());
    let good = to_json(&a);
    for bad in [
        &good[..good.len() / 2],
        "{}",
        r#"{"format": "rnn-lab-run", "version": 9}"#,
    ] {
        assert!(load_json(bad.as_bytes()).is_err());
        lockstep(&mut a, &mut twin, 1, bad);
    }
}

#[test]
fn the_refusals_say_what_is_wrong_in_english() {
    let cases = [
        (
            LoadError::damaged("EOF while parsing"),
            "damaged or cut short: EOF",
        ),
        (LoadError::Foreign, "not a run saved by rnn-lab"),
        (
            LoadError::NewerVersion { got: 3, max: 1 },
            "newer rnn-lab (format version 3",
        ),
        (
            LoadError::Config(Invalid::BatchSize { got: 0, max: 512 }.into()),
            "settings are refused: batch size",
        ),
        (
            LoadError::Shape {
                part: SavedPart::FirstMoments,
                name: "W".into(),
                expected: (2, 2),
                got: (3, 2),
            },
            "first moments: W is (3, 2), expected (2, 2)",
        ),
        (LoadError::RngState, "all zeros"),
    ];
    for (e, says) in cases {
        assert!(e.to_string().contains(says), "{e}");
    }
    assert!(SaveError::StepInProgress.to_string().contains("between steps"));
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    for open in ["[", "{\"a\":"] {
        let deep = open.repeat(100_000);
        assert!(damaged(load_json(deep.as_bytes())), "{open}");
        let inside = format!(r#"{{"format": "rnn-lab-run", "version": 1, "x": {deep}}}"#);
        assert!(damaged(load_json(inside.as_bytes())));
    }
}

/// Every place in a JSON value, as a path of keys and indices.
fn paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            at.push(json!(k));
            paths(x, at, out);
            at.pop();
        }),
        Value::Array(a) => a.iter().enumerate().take(3).for_each(|(i, x)| {
            at.push(json!(i));
            paths(x, at, out);
            at.pop();
        }),
        _ => {}
    }
}

/// The place at `path`, if an earlier replacement left it there.
fn at_path<'v>(v: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, k| match k {
        Value::String(k) => v.get_mut(k.as_str()),
        k => v.get_mut(k.as_u64()? as usize),
    })
}

#[test]
fn any_field_replaced_by_any_value_is_refused_or_loads_without_panic() {
    let run = value_of(&small_run());
    let mut all = Vec::new();
    paths(&run, &mut Vec::new(), &mut all);
    let values = [
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(2),
        json!(-1),
        json!(0.5),
        json!(1e12),
        json!(1e300),
        json!(-1e300),
        json!(u64::MAX),
        json!(""),
        json!("rnn"),
        json!([]),
        json!({}),
        json!([1, 2, 3]),
        json!({"kind": "adam"}),
    ];
    let mut rng = Rng::new(5);
    let (mut loaded, mut refused) = (0, 0);
    for round in 0..3000 {
        let mut v = run.clone();
        // One field, or two, replaced.
        for _ in 0..1 + round % 2 {
            let path = &all[rng.below(all.len())];
            if let Some(place) = at_path(&mut v, path) {
                *place = values[rng.below(values.len())].clone();
            }
        }
        match load_value(&v) {
            Ok(mut r) => {
                loaded += 1;
                let _ = r.step(false);
            }
            Err(_) => refused += 1,
        }
    }
    assert!(refused > 0 && loaded > 0, "{refused} refused, {loaded} loaded");
}
