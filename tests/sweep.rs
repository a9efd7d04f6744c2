//! Every combination of the page's controls, trained natively: model (every
//! cell, one way and both ways) × task × activation × input and recurrent
//! initialisation × spectral radius × clip mode × optimiser × learning rate,
//! at the smallest sizes the page allows and at its largest (every size at
//! its maximum, then fitted to the page's work limit as a link would be).
//!
//! Each combination is built as the page builds it (`Settings::build`),
//! given the page's first look (`probe`), and trained a few work units at a
//! time as the page's driver does, for enough steps to blow up if it will.
//! It must never panic; a blow-up must be a typed divergence that leaves the
//! weights and the optimiser's state bit for bit as they were before that
//! step; a step reported as
//! fine must have a finite loss and finite weights; and Reset (building the
//! same settings again) must give the same run, losses bit for bit.
//!
//! `quick_sweep` is a seeded sample that runs with the normal suite;
//! `full_sweep` (ignored by default) is every combination at the smallest
//! sizes and a seeded sample of each model × task at the largest: run it
//! with `cargo xtask sweep`.

use rnn_core::tasks::TaskKind;
use rnn_core::{Activation, CellKind, DivergenceCause, Experiment, Init, Params, Rng, StepError};
use rnn_lab::state::settings::{optimizers, ClipMode, Model, Refusal, Settings, BATCH, HIDDEN, SEQ_LEN};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// A few radii: none (the initialiser's own), below, at and above 1.
const RADII: [Option<f64>; 5] = [None, Some(0.5), Some(1.0), Some(3.0), Some(10.0)];
/// The menu's smallest rate but one, a usual one, and the largest a link accepts.
const RATES: [f64; 3] = [1e-3, 0.1, 10.0];

/// How many values each axis has, in the order a combination's index is read.
const AXES: [usize; 10] = [
    Model::ALL.len(),
    TaskKind::ALL.len(),
    Activation::ALL.len(),
    Init::ALL.len(),
    Init::ALL.len(),
    RADII.len(),
    ClipMode::ALL.len(),
    3, // optimisers()
    RATES.len(),
    2, // sizes: smallest, largest
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Size {
    Smallest,
    Largest,
}

/// Training steps after the first look: enough for the largest learning
/// rate to blow a net up (most go within five), few enough at the largest
/// sizes, whose steps are seconds of arithmetic.
fn steps_for(size: Size) -> usize {
    match size {
        Size::Smallest => 40,
        Size::Largest => 4,
    }
}

/// Steps compared between the run and its reset.
const RESET_STEPS: usize = 3;

/// Combination number `index` (mixed radix over [`AXES`]), or `None` when
/// it is another's twin: an LSTM or GRU has no activation setting, so only
/// the first activation is swept for them.
fn combination(index: usize) -> Option<(Settings, Size)> {
    let mut digits = [0; AXES.len()];
    let mut rest = index;
    for (d, n) in digits.iter_mut().zip(AXES) {
        *d = rest % n;
        rest /= n;
    }
    let [model, task, activation, init_input, init_recurrent, radius, clip, optimizer, rate, size] = digits;
    let model = Model::ALL[model];
    if model.cell != CellKind::Rnn && activation != 0 {
        return None;
    }
    let size = [Size::Smallest, Size::Largest][size];
    let mut s = Settings {
        model,
        task: TaskKind::ALL[task],
        activation: Activation::ALL[activation],
        init_input: Init::ALL[init_input],
        init_recurrent: Init::ALL[init_recurrent],
        spectral_radius: RADII[radius],
        clip_mode: ClipMode::ALL[clip],
        optimizer: optimizers()[optimizer],
        learning_rate: RATES[rate],
        seed: 7,
        ..Settings::default()
    };
    match size {
        Size::Smallest => {
            s.seq_len = *SEQ_LEN.start();
            s.hidden = *HIDDEN.start();
            s.batch_size = *BATCH.start();
            s.reconcile();
        }
        Size::Largest => {
            s.seq_len = *SEQ_LEN.end();
            s.hidden = *HIDDEN.end();
            s.batch_size = *BATCH.end();
            s.reconcile();
            s.fit_to_page();
        }
    }
    Some((s, size))
}

fn total_indices() -> usize {
    AXES.iter().product()
}

/// Every weight's bits, in visiting order.
fn weight_bits(e: &Experiment) -> Vec<u32> {
    let mut bits = Vec::new();
    e.net()
        .visit(&mut |p| bits.extend(p.value.iter().map(|v| v.to_bits())));
    bits
}

/// One step's outcome in a form compared bit for bit (NaN included).
#[derive(Debug, PartialEq)]
enum Outcome {
    Trained { loss: u64 },
    Diverged(String),
}

fn outcome(result: &Result<rnn_core::StepReport, StepError>) -> Outcome {
    match result {
        Ok(r) => Outcome::Trained {
            loss: r.loss.to_bits(),
        },
        Err(e) => Outcome::Diverged(format!("{e:?}")),
    }
}

/// What a swept combination did.
#[derive(Default)]
struct Tally {
    combinations: usize,
    refused: usize,
    steps: usize,
    diverged: usize,
    first_look_diverged: usize,
}

/// Builds, looks at and trains one combination, checking everything the
/// page relies on. `Err` says what went wrong.
fn check(settings: &Settings, size: Size, chunk: usize, tally: &mut Tally) -> Result<(), String> {
    let mut run = match settings.build() {
        Ok(run) => run,
        // Refused with a reason the page words: an initialiser that cannot
        // shape this matrix, say. Building again must refuse the same way.
        Err(r) => {
            tally.refused += 1;
            return match settings.build() {
                Err(again) if again == r => match r {
                    Refusal::TooSlow { .. } => Err(format!("the largest fitted size is refused: {r:?}")),
                    Refusal::Engine(_) => Ok(()),
                },
                _ => Err("a refusal that is not refused again".into()),
            };
        }
    };
    let mut outcomes = Vec::new();

    // The page's first look at a fresh net: a probe, which changes no weight.
    let before = weight_bits(&run);
    let look = run.probe(true);
    if weight_bits(&run) != before {
        return Err("the first look changed a weight".into());
    }
    match &look {
        Ok(r) if !r.loss.is_finite() => return Err(format!("first look reported loss {} as fine", r.loss)),
        Ok(_) => {}
        Err(StepError::Diverged(d)) => {
            tally.first_look_diverged += 1;
            if d.step != 0
                || matches!(
                    d.cause,
                    DivergenceCause::OverflowAfterUpdates(_) | DivergenceCause::Update { .. }
                )
            {
                return Err(format!("first look of an untrained net: {d:?}"));
            }
        }
        Err(e) => return Err(format!("first look: {e}")),
    }
    outcomes.push(outcome(&look));

    for i in 0..steps_for(size) {
        let before = weight_bits(&run);
        // The optimiser's state (moments, updates applied), as a run file
        // holds it: a step that blew up must leave it as it was too, or a
        // run trained on after it (a lower rate needs no reset) or saved
        // would carry the blow-up.
        let optimizer_before = run.save().ok().map(|s| s.optimizer);
        let done = run.steps_done();
        // As the driver does: a few work units, then the next frame.
        run.begin_step(i % 3 == 0)
            .map_err(|e| format!("step {}: begin: {e}", done + 1))?;
        let result = loop {
            let mut left = chunk;
            if let Some(result) = run.advance(&mut || {
                left -= 1;
                left > 0
            }) {
                break result;
            }
        };
        tally.steps += 1;
        outcomes.push(outcome(&result));
        match result {
            Ok(r) => {
                let bits = weight_bits(&run);
                if !r.loss.is_finite() || bits.iter().any(|b| !f32::from_bits(*b).is_finite()) {
                    return Err(format!("step {} blew up unreported (loss {})", r.step, r.loss));
                }
                if r.step != done + 1 || run.steps_done() != done + 1 {
                    return Err(format!("step {} counted as {}", done + 1, r.step));
                }
            }
            Err(StepError::Diverged(d)) => {
                tally.diverged += 1;
                if d.step != done + 1 || run.steps_done() != done {
                    return Err(format!(
                        "divergence of step {} reported as step {}",
                        done + 1,
                        d.step
                    ));
                }
                if weight_bits(&run) != before {
                    return Err(format!(
                        "step {} diverged ({:?}) but changed the weights",
                        d.step, d.cause
                    ));
                }
                if let Some(was) = optimizer_before {
                    if run.save().ok().map(|s| s.optimizer) != Some(was) {
                        return Err(format!(
                            "step {} diverged ({:?}) but changed the optimiser's state",
                            d.step, d.cause
                        ));
                    }
                }
                let updated = done > 0;
                match d.cause {
                    DivergenceCause::ForwardOverflow(_) if updated => {
                        return Err(format!(
                            "step {}: forward overflow of an untrained net after updates",
                            d.step
                        ))
                    }
                    DivergenceCause::OverflowAfterUpdates(_) if !updated => {
                        return Err(format!(
                            "step {}: overflow after updates before any update",
                            d.step
                        ))
                    }
                    _ => {}
                }
                // The page stops training here.
                break;
            }
            Err(e) => return Err(format!("step {}: {e}", done + 1)),
        }
    }

    // Reset: the same settings built again, with the same first look and
    // steps (taken whole, untraced: neither may change a number).
    let mut reset = settings.build().map_err(|e| format!("reset refused: {e:?}"))?;
    let mut again = vec![outcome(&reset.probe(true))];
    while again.len() < outcomes.len().min(RESET_STEPS + 1) {
        let result = reset.step(false);
        let stop = result.is_err();
        again.push(outcome(&result));
        if stop {
            break;
        }
    }
    if outcomes[..again.len()] != again[..] {
        return Err(format!(
            "reset is not the same run: {:?} then {again:?}",
            &outcomes[..again.len()]
        ));
    }
    tally.combinations += 1;
    Ok(())
}

/// Sweeps `indices`; the failures, each with its settings' link.
fn sweep(indices: impl Iterator<Item = usize>, tally: &mut Tally) -> Vec<String> {
    let mut failures = Vec::new();
    let mut chunks = Rng::new(11);
    for index in indices {
        let Some((settings, size)) = combination(index) else {
            continue;
        };
        let chunk = 1 + chunks.below(8);
        let start = Instant::now();
        let checked = catch_unwind(AssertUnwindSafe(|| check(&settings, size, chunk, tally)));
        if size == Size::Largest {
            // Few and slow: each is shown as it goes.
            println!(
                "  {:.1} s  {:.2} GFLOP/step  #{}",
                start.elapsed().as_secs_f64(),
                settings.step_flops().unwrap_or(f64::NAN) / 1e9,
                rnn_lab::state::url::write(&settings)
            );
        }
        let why = match checked {
            Ok(Ok(())) => continue,
            Ok(Err(why)) => why,
            Err(panic) => format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("?")
            ),
        };
        failures.push(format!(
            "#{} ({size:?}): {why}",
            rnn_lab::state::url::write(&settings)
        ));
    }
    failures
}

fn report(name: &str, tally: &Tally, failures: &[String], start: Instant) {
    println!(
        "{name}: {} combinations swept in {:.1} s ({} refused by the engine with a reason, \
         {} training steps, {} divergences, {} first looks that overflowed), {} failures",
        tally.combinations + tally.refused,
        start.elapsed().as_secs_f64(),
        tally.refused,
        tally.steps,
        tally.diverged,
        tally.first_look_diverged,
        failures.len()
    );
    for f in failures.iter().take(20) {
        println!("  FAIL {f}");
    }
    assert!(failures.is_empty(), "{} combinations failed", failures.len());
}

/// Indices of the largest-size combinations, a seeded `per_pair` of each
/// model × task (their steps are seconds each: all of them would take days).
fn largest_sample(per_pair: usize, rng: &mut Rng) -> Vec<usize> {
    let pairs = AXES[0] * AXES[1];
    let others: usize = AXES[2..9].iter().product();
    let largest = pairs * others;
    let mut picked = Vec::new();
    for pair in 0..pairs {
        let mut n = 0;
        while n < per_pair {
            let index = pair + pairs * rng.below(others) + largest;
            if combination(index).is_some() {
                picked.push(index);
                n += 1;
            }
        }
    }
    picked
}

#[test]
fn quick_sweep() {
    let start = Instant::now();
    let mut rng = Rng::new(2026);
    let smallest = total_indices() / 2;
    let indices = (0..)
        .map(|_| rng.below(smallest))
        .filter(|i| combination(*i).is_some())
        .take(2000);
    let mut tally = Tally::default();
    let mut failures = sweep(indices, &mut tally);
    report("quick sweep, smallest sizes", &tally, &failures, start);
    // One per model at the largest sizes, each with a task of its own.
    let big_start = Instant::now();
    let big = largest_sample(1, &mut rng);
    let one_per_model = big.into_iter().step_by(Model::ALL.len() + 1);
    let mut big_tally = Tally::default();
    failures.extend(sweep(one_per_model, &mut big_tally));
    report("quick sweep, largest sizes", &big_tally, &failures, big_start);
}

#[test]
#[ignore = "minutes: run with `cargo xtask sweep`"]
fn full_sweep() {
    let start = Instant::now();
    let smallest = total_indices() / 2;
    let mut tally = Tally::default();
    let mut failures = sweep(0..smallest, &mut tally);
    report("smallest sizes", &tally, &failures, start);
    let per_pair = std::env::var("SWEEP_LARGEST_PER_PAIR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let big_start = Instant::now();
    let mut big = Tally::default();
    failures.extend(sweep(
        largest_sample(per_pair, &mut Rng::new(2026)).into_iter(),
        &mut big,
    ));
    report("largest sizes", &big, &failures, big_start);
    println!(
        "full sweep: {} combinations in {:.1} s",
        tally.combinations + tally.refused + big.combinations + big.refused,
        start.elapsed().as_secs_f64()
    );
}
