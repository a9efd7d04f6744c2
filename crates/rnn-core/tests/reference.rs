//! Pinned reference values from an independent implementation (PyTorch,
//! float64; see fixtures/make_reference.py). A convention slip — a gate in
//! the wrong chunk, a bias on the wrong side of the reset gate — fails here
//! even where a finite-difference check, which only tests self-consistency,
//! would pass.

use nalgebra::DMatrix;
use rnn_core::*;
use serde_json::Value;

fn matrix(v: &Value) -> DMatrix<f64> {
    let rows: Vec<Vec<f64>> = match v.as_array().unwrap().first() {
        Some(Value::Array(_)) => v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            })
            .collect(),
        _ => v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| vec![x.as_f64().unwrap()])
            .collect(),
    };
    let cols = rows[0].len();
    DMatrix::from_row_iterator(rows.len(), cols, rows.into_iter().flatten())
}

fn usize_of(case: &Value, key: &str) -> usize {
    case[key].as_u64().unwrap() as usize
}

/// Builds the batch in the engine's layout: column t·B + b.
fn batch(case: &Value) -> Batch<f64> {
    let (t, b, i) = (
        usize_of(case, "seq_len"),
        usize_of(case, "batch"),
        usize_of(case, "input_size"),
    );
    let o = usize_of(case, "output_size");
    let inputs = DMatrix::from_fn(i, t * b, |r, c| case["inputs"][c / b][c % b][r].as_f64().unwrap());
    let steps = case["targets"].as_array().unwrap().len();
    let targets = if case["loss"] == "mse" {
        Targets::Values(DMatrix::from_fn(o, steps * b, |r, c| {
            case["targets"][c / b][c % b][r].as_f64().unwrap()
        }))
    } else {
        Targets::Classes(
            (0..steps * b)
                .map(|c| case["targets"][c / b][c % b].as_u64().map(|k| k as u32))
                .collect(),
        )
    };
    Batch {
        seq_len: t,
        batch_size: b,
        inputs,
        targets,
    }
}

fn net(case: &Value) -> RecurrentNet<f64> {
    let cfg = NetConfig {
        cell: CellKind::from_name(case["cell"].as_str().unwrap()).unwrap(),
        bidirectional: case["bidirectional"].as_bool().unwrap(),
        input_size: usize_of(case, "input_size"),
        hidden_size: usize_of(case, "hidden_size"),
        output_size: usize_of(case, "output_size"),
        activation: case["activation"]
            .as_str()
            .and_then(Activation::from_name)
            .unwrap_or(Activation::Tanh),
        structure: if case["structure"] == "many_to_one" {
            Structure::ManyToOne
        } else {
            Structure::ManyToMany
        },
        loss: if case["loss"] == "mse" {
            LossKind::Mse
        } else {
            LossKind::CrossEntropy
        },
        ..NetConfig::default()
    };
    let mut net = RecurrentNet::new(cfg).unwrap();
    let params = case["params"].as_object().unwrap();
    assert_eq!(params.len(), net.param_names().len(), "{}", case["name"]);
    for (name, value) in params {
        net.set_param(name, &matrix(value)).unwrap();
    }
    net
}

fn rel_err(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    (a - b).norm() / (a.norm() + b.norm()).max(1e-300)
}

#[test]
fn every_cell_matches_pytorch() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference.json"
    ))
    .unwrap();
    let fixtures: Value = serde_json::from_str(&text).unwrap();
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() >= 9);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut net = net(case);
        let batch = batch(case);
        let loss = net.loss_and_gradients(&batch).unwrap();
        let expected = case["loss_value"].as_f64().unwrap();
        assert!(
            (loss - expected).abs() < 1e-12 * expected.abs().max(1.0),
            "{name}: loss {loss} vs {expected}"
        );
        // Outputs, step-major as the fixture stores them ([step][b][o]).
        let b = usize_of(case, "batch");
        let y = net.outputs();
        let y_ref = DMatrix::from_fn(y.nrows(), y.ncols(), |r, c| {
            case["outputs"][c / b][c % b][r].as_f64().unwrap()
        });
        assert!(rel_err(&y, &y_ref) < 1e-12, "{name}: outputs differ");
        for (pname, g) in case["grads"].as_object().unwrap() {
            let err = rel_err(&net.get_grad(pname).unwrap(), &matrix(g));
            assert!(err < 1e-10, "{name}: gradient of {pname} off by {err:.2e}");
        }
    }
}
