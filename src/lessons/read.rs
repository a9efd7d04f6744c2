//! How a page reads its answer from the run: each reader takes the lab's
//! latest numbers ([`RunData`]) and returns the one the question is about.
//! They compute nothing the engine has not: they pick numbers out of the
//! trace, the analysis, the score and the clip report, or ask the engine
//! itself (the deep MLP's probe, `views::mlp::initial_ratio`).

use super::RunData;
use crate::views::grad_through_time::GradChart;
use rnn_core::Trace;

fn trace(r: &RunData) -> Option<&Trace> {
    r.trace.as_deref()
}

/// ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ of the forward direction (0 when the first step
/// fell below f32's smallest number).
pub fn grad_ratio(r: &RunData) -> Option<f64> {
    trace(r)?.directions.first()?.gradient_ratio()
}

/// ‖∂L/∂c₁‖ / ‖∂L/∂c_T‖: the LSTM's cell-state path.
pub fn cell_ratio(r: &RunData) -> Option<f64> {
    let d = trace(r)?.directions.first()?;
    let (first, last) = (*d.grad_c.first()?, *d.grad_c.last()?);
    (last > 0.0).then(|| first / last)
}

/// The gradient norm of the latest step before clipping; for a run that
/// diverged, the norm it reached (∞ when it was not even a number).
pub fn grad_norm(r: &RunData) -> Option<f64> {
    if let Some(d) = &r.divergence {
        return Some(if d.grad_norm.is_nan() {
            f64::INFINITY
        } else {
            d.grad_norm
        });
    }
    r.clip.as_ref().map(|c| c.norm_before)
}

/// The same step's norm after clipping (the update that was applied).
pub fn grad_norm_after(r: &RunData) -> Option<f64> {
    if r.divergence.is_some() {
        return None;
    }
    r.clip.as_ref().map(|c| c.norm_after)
}

/// The task's own score on the last completed step's batch (accuracy for
/// the classification tasks).
pub fn accuracy(r: &RunData) -> Option<f64> {
    r.score
        .as_ref()
        .filter(|s| s.metric == "accuracy")
        .map(|s| s.value)
}

/// γ, the activation's largest derivative.
pub fn gamma(r: &RunData) -> Option<f64> {
    r.analysis.as_ref().map(|a| a.gamma)
}

/// The forward direction's W: its spectrum ("W", or "fwd.W" both ways).
fn w_spectrum(r: &RunData) -> Option<&rnn_core::spectrum::Spectrum> {
    r.analysis
        .as_ref()?
        .spectra
        .iter()
        .find(|s| s.name == "W" || s.name == "fwd.W")
}

/// γ·ρ(W): above 1 the gradient can grow step after step.
pub fn gamma_rho(r: &RunData) -> Option<f64> {
    Some(gamma(r)? * w_spectrum(r)?.spectral_radius)
}

/// γ·σ_max(W): below 1 every step back must shrink the gradient.
pub fn gamma_sigma(r: &RunData) -> Option<f64> {
    Some(gamma(r)? * w_spectrum(r)?.sigma_max)
}

/// The measured ‖∂L/∂h₁‖ against the bound ‖∂L/∂h_T‖·(γ·σ_max)^(T−1)
/// the gradient view draws over it (its envelope, anchored at t = T): at
/// most 1, since no step back can multiply by more than γ·σ_max.
pub fn bound_share(r: &RunData) -> Option<f64> {
    let chart = GradChart::prepare(trace(r)?, gamma(r)?, Some(w_spectrum(r)?.sigma_max))?;
    let bound = (*chart.envelope?.first()?)?;
    Some(chart.forward.first()?.value()? / bound)
}

/// The deep MLP's ‖∂L/∂h₁‖ / ‖∂L/∂h_L‖ at initialisation, as its view shows.
pub fn mlp_ratio(r: &RunData) -> Option<f64> {
    crate::views::mlp::initial_ratio(&r.settings.mlp)
}

/// The same net without BatchNorm or residual connections.
pub fn mlp_ratio_plain(r: &RunData) -> Option<f64> {
    let mut s = r.settings.mlp.clone();
    s.batch_norm = false;
    s.residual = false;
    crate::views::mlp::initial_ratio(&s)
}

/// How many recurrent matrices W the network holds, however long the
/// sequence (one per direction).
pub fn recurrent_matrices(r: &RunData) -> Option<f64> {
    if r.param_names.is_empty() {
        return None;
    }
    Some(
        r.param_names
            .iter()
            .filter(|n| *n == "W" || n.ends_with(".W"))
            .count() as f64,
    )
}

/// Time steps of the traced sequence.
pub fn seq_len(r: &RunData) -> Option<f64> {
    trace(r).map(|t| t.seq_len as f64)
}

/// How many outputs the network gives for one sequence.
pub fn outputs(r: &RunData) -> Option<f64> {
    trace(r).map(|t| t.outputs.len() as f64)
}

/// The mean of a gate over every unit and time step of the trace.
fn gate_mean(r: &RunData, name: &str) -> Option<f64> {
    let g = trace(r)?
        .directions
        .first()?
        .gates
        .iter()
        .find(|g| g.name == name)?;
    let (sum, n) = g
        .values
        .iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The LSTM's forget gate f, on average.
pub fn forget_mean(r: &RunData) -> Option<f64> {
    gate_mean(r, "f")
}

/// The gates of the cell in the trace (candidates and the cell state are
/// not gates): LSTM i, f, o; GRU r, z.
pub fn gate_count(r: &RunData) -> Option<f64> {
    let d = trace(r)?.directions.first()?;
    Some(
        d.gates
            .iter()
            .filter(|g| matches!(g.name.as_str(), "i" | "f" | "o" | "r" | "z"))
            .count() as f64,
    )
}

/// The fill-in-the-blank example of the trace with the network's answers
/// in brackets (`明天带[英语]书，因为第一节课是英语`), when the sentence is
/// in the page's language (`chinese`): the model's own answer, shown with
/// its accuracy.
pub fn blank_example(r: &RunData, chinese: bool) -> Option<String> {
    let t = trace(r)?;
    let vocab = &r.vocabulary;
    let argmax = |v: &[f64]| {
        v.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
    };
    let mut tokens: Vec<String> = Vec::new();
    let mut previous_blank = false;
    for (s, x) in t.inputs.iter().enumerate() {
        let word = vocab.get(argmax(x)?)?;
        match word.as_str() {
            "·" => continue,
            "_" => {
                // A subject of several tokens fills several blanks: one bracket.
                let said = vocab.get(argmax(t.outputs.get(s)?)?)?;
                match tokens.last_mut() {
                    Some(last) if last.ends_with(']') && previous_blank => {
                        last.pop();
                        last.push_str(said);
                        last.push(']');
                    }
                    _ => tokens.push(format!("[{said}]")),
                }
                previous_blank = true;
                continue;
            }
            w => tokens.push(w.to_string()),
        }
        previous_blank = false;
    }
    let is_chinese = tokens
        .iter()
        .any(|w| w.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    if is_chinese != chinese || tokens.is_empty() {
        return None;
    }
    Some(tokens.join(if chinese { "" } else { " " }))
}
