//! What the page says, in its language: the words for the engine's values
//! (models, tasks, activations, initialisations…), the lessons' titles, and
//! every notice and refusal. The engine and the settings hand over plain
//! data (typed notices, typed errors); only this module turns them into
//! sentences, with the words from `locales/*/app.json`.

use crate::i18n::*;
use crate::lang::Locale;
use crate::state::settings::{format_number, ClipMode, Model, Refusal, PAGE_MAX_FLOPS};
use crate::state::url::{Allowed, Notice, NoticeKind};
use rnn_core::tasks::{TaskInfo, TaskKind};
use rnn_core::{Activation, CellKind, Init, OptimizerKind};

pub fn model(l: Locale, m: Model) -> &'static str {
    match (m.cell, m.bidirectional) {
        (CellKind::Rnn, false) => td_string!(l, app.model.rnn),
        (CellKind::Lstm, false) => td_string!(l, app.model.lstm),
        (CellKind::Gru, false) => td_string!(l, app.model.gru),
        (CellKind::Rnn, true) => td_string!(l, app.model.birnn),
        (CellKind::Lstm, true) => td_string!(l, app.model.bilstm),
        (CellKind::Gru, true) => td_string!(l, app.model.bigru),
    }
}

pub fn task(l: Locale, t: TaskKind) -> &'static str {
    match t {
        TaskKind::Adding => td_string!(l, app.task.adding),
        TaskKind::Copy => td_string!(l, app.task.copy),
        TaskKind::TemporalOrder => td_string!(l, app.task.order),
        TaskKind::Sine => td_string!(l, app.task.sine),
        TaskKind::NextChar => td_string!(l, app.task.chars),
        TaskKind::FillBlank => td_string!(l, app.task.blank),
    }
}

/// What the task asks of the network, with this run's numbers.
pub fn task_text(l: Locale, info: &TaskInfo) -> String {
    match info.kind {
        TaskKind::Adding => td_string!(l, app.task_text.adding).to_string(),
        TaskKind::Copy => {
            // The engine's layout: the symbols, a gap of blanks, one go
            // signal, then the symbols again (its shortest sequence has no
            // gap: 2 × symbols + 1 steps).
            let symbols = (TaskKind::Copy.min_seq_len() - 1) / 2;
            let gap = info.seq_len.saturating_sub(2 * symbols + 1);
            crate::tr!(l, app.task_text.copy, symbols, gap).to_string()
        }
        TaskKind::TemporalOrder => td_string!(l, app.task_text.order).to_string(),
        TaskKind::Sine => td_string!(l, app.task_text.sine).to_string(),
        TaskKind::NextChar => td_string!(l, app.task_text.chars).to_string(),
        TaskKind::FillBlank => td_string!(l, app.task_text.blank).to_string(),
    }
}

/// What the baseline loss is the loss of.
pub fn baseline_note(l: Locale, info: &TaskInfo) -> String {
    match info.kind {
        TaskKind::Adding => td_string!(l, app.baseline_note.adding).to_string(),
        TaskKind::Copy => crate::tr!(l, app.baseline_note.copy, n = info.output_size).to_string(),
        TaskKind::TemporalOrder => td_string!(l, app.baseline_note.order).to_string(),
        TaskKind::Sine => td_string!(l, app.baseline_note.sine).to_string(),
        TaskKind::NextChar => td_string!(l, app.baseline_note.chars).to_string(),
        TaskKind::FillBlank => td_string!(l, app.baseline_note.blank).to_string(),
    }
}

pub fn activation(l: Locale, a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => td_string!(l, app.activation.sigmoid),
        Activation::Tanh => td_string!(l, app.activation.tanh),
        Activation::Relu => td_string!(l, app.activation.relu),
        Activation::LeakyRelu => td_string!(l, app.activation.leaky_relu),
        Activation::Identity => td_string!(l, app.activation.identity),
    }
}

pub fn init(l: Locale, i: Init) -> &'static str {
    match i {
        Init::Zeros => td_string!(l, app.init.zeros),
        Init::SmallRandom => td_string!(l, app.init.small),
        Init::Uniform { .. } => td_string!(l, app.init.uniform),
        Init::XavierUniform => td_string!(l, app.init.xavier_uniform),
        Init::XavierNormal => td_string!(l, app.init.xavier_normal),
        Init::He => td_string!(l, app.init.he),
        Init::Orthogonal => td_string!(l, app.init.orthogonal),
        Init::Identity => td_string!(l, app.init.identity),
    }
}

pub fn clip(l: Locale, c: ClipMode) -> &'static str {
    match c {
        ClipMode::None => td_string!(l, app.clip.none),
        ClipMode::Norm => td_string!(l, app.clip.norm),
        ClipMode::Value => td_string!(l, app.clip.value),
    }
}

pub fn optimizer(l: Locale, o: OptimizerKind) -> &'static str {
    match o {
        OptimizerKind::Sgd => td_string!(l, app.optimizer.sgd),
        OptimizerKind::Momentum { .. } => td_string!(l, app.optimizer.momentum),
        OptimizerKind::Adam { .. } => td_string!(l, app.optimizer.adam),
    }
}

/// A lesson's title and what the class should see (`app.presets.<id>`).
pub fn preset(l: Locale, id: &str) -> (&'static str, &'static str) {
    match id {
        "vanishing" => (
            td_string!(l, app.presets.vanishing.title),
            td_string!(l, app.presets.vanishing.expect),
        ),
        "exploding" => (
            td_string!(l, app.presets.exploding.title),
            td_string!(l, app.presets.exploding.expect),
        ),
        "clipped" => (
            td_string!(l, app.presets.clipped.title),
            td_string!(l, app.presets.clipped.expect),
        ),
        "irnn" => (
            td_string!(l, app.presets.irnn.title),
            td_string!(l, app.presets.irnn.expect),
        ),
        "rnn-long" => (
            td_string!(l, app.presets.rnn_long.title),
            td_string!(l, app.presets.rnn_long.expect),
        ),
        "lstm-long" => (
            td_string!(l, app.presets.lstm_long.title),
            td_string!(l, app.presets.lstm_long.expect),
        ),
        "gru-long" => (
            td_string!(l, app.presets.gru_long.title),
            td_string!(l, app.presets.gru_long.expect),
        ),
        "blank" => (
            td_string!(l, app.presets.blank.title),
            td_string!(l, app.presets.blank.expect),
        ),
        "chars" => (
            td_string!(l, app.presets.chars.title),
            td_string!(l, app.presets.chars.expect),
        ),
        _ => (
            td_string!(l, app.presets.default.title),
            td_string!(l, app.presets.default.expect),
        ),
    }
}

/// Marks what a notice quotes from a link (keys, values, the names a key
/// accepts) so the page shows it as code (`<code>`), not as words of the
/// sentence: a Chinese notice names the English key `hidden` because that is
/// what the link holds. [`parts`] splits a worded notice back.
pub fn code(s: &str) -> String {
    format!("{CODE_OPEN}{s}{CODE_CLOSE}")
}

const CODE_OPEN: char = '\u{E000}';
const CODE_CLOSE: char = '\u{E001}';

/// A worded notice as (is code, text) pieces, in order.
pub fn parts(worded: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut code = false;
    for piece in worded.split([CODE_OPEN, CODE_CLOSE]) {
        if !piece.is_empty() {
            out.push((code, piece.to_string()));
        }
        code = !code;
    }
    out
}

/// A notice as one sentence, its quotes marked with [`code`].
pub fn notice(l: Locale, n: &Notice) -> String {
    match &n.kind {
        NoticeKind::BadValue {
            value,
            allowed,
            default,
        } => crate::tr!(
            l,
            app.notice.bad_value,
            key = code(&n.key),
            value = code(value),
            allowed = allowed_text(l, allowed),
            default = code(default)
        )
        .to_string(),
        NoticeKind::UnknownKey => crate::tr!(l, app.notice.unknown_key, key = code(&n.key)).to_string(),
        NoticeKind::TooLong { max } => crate::tr!(l, app.notice.too_long, max).to_string(),
        NoticeKind::SeqLenRaised { task: t, was, min } => {
            crate::tr!(l, app.notice.seq_len_raised, task = task(l, *t), min, was).to_string()
        }
        NoticeKind::Shrunk { flops, changes } => {
            let changes = changes
                .iter()
                .map(|(key, from, to)| {
                    crate::tr!(l, app.notice.change, key = code(key), from, to).to_string()
                })
                .collect::<Vec<_>>()
                .join(", ");
            crate::tr!(l, app.notice.shrunk, why = too_slow(l, *flops), changes).to_string()
        }
        NoticeKind::RefusedSetting(r) => match r {
            Refusal::TooSlow { flops } => {
                crate::tr!(l, app.notice.shrunk_control, why = too_slow(l, *flops)).to_string()
            }
            Refusal::Engine(_) => crate::tr!(l, app.notice.refused_setting, why = refusal(l, r)).to_string(),
        },
        NoticeKind::RefusedLink(r) => crate::tr!(l, app.notice.refused_link, why = refusal(l, r)).to_string(),
        NoticeKind::RefusedB(r) => crate::tr!(l, app.compare.refused_b, why = refusal(l, r)),
        NoticeKind::RefusedLesson(r) => {
            crate::tr!(l, app.notice.refused_lesson, why = refusal(l, r)).to_string()
        }
        NoticeKind::RefusedStep(e) => {
            crate::tr!(l, app.notice.refused_step, why = engine_error(l, e)).to_string()
        }
        NoticeKind::Files(f) => crate::files_text::notice(l, f),
    }
}

fn allowed_text(l: Locale, a: &Allowed) -> String {
    match a {
        Allowed::OneOf(names) => crate::tr!(
            l,
            app.notice.one_of,
            list = names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
        )
        .to_string(),
        Allowed::Range { min, max } => crate::tr!(l, app.notice.range, min, max).trim().to_string(),
        Allowed::NoneOrRange { min, max } => crate::tr!(l, app.notice.none_or_range, min, max).to_string(),
        Allowed::ListOf(names) => crate::tr!(
            l,
            lessons.ui.list_of,
            list = names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
        )
        .to_string(),
    }
}

fn too_slow(l: Locale, flops: f64) -> String {
    crate::tr!(
        l,
        app.notice.too_slow,
        gflop = format!("{:.1}", flops / 1e9),
        seconds = format!("{:.1}", Refusal::seconds(flops)),
        limit = format_number(PAGE_MAX_FLOPS / 1e9)
    )
    .to_string()
}

pub fn refusal(l: Locale, r: &Refusal) -> String {
    match r {
        Refusal::TooSlow { flops } => too_slow(l, *flops),
        Refusal::Engine(e) => engine_error(l, e),
    }
}

/// One of the BP network's four parts of a training step, as the
/// curriculum names them.
pub fn bp_part(l: Locale, p: rnn_core::BpPart) -> &'static str {
    use rnn_core::BpPart;
    match p {
        BpPart::Forward => td_string!(l, app.bp_part.forward),
        BpPart::Error => td_string!(l, app.bp_part.error),
        BpPart::Backward => td_string!(l, app.bp_part.backward),
        BpPart::Bias => td_string!(l, app.bp_part.bias),
    }
}

/// The engine's typed refusal in words: which limit, which value.
pub fn engine_error(l: Locale, e: &rnn_core::Error) -> String {
    use rnn_core::{Error, Invalid as I};
    let n = format_number;
    let e = match e {
        Error::Invalid(e) => e,
        // Sizes that do not fit together are a programming error, not a
        // setting: the page names them with the engine's own terms.
        Error::Shape(m) => return crate::tr!(l, app.engine.shape, what = format!("{m:?}")),
        Error::UnknownParameter(name) => return crate::tr!(l, app.engine.unknown_parameter, name),
        Error::PartOutOfOrder { expected, got } => {
            return crate::tr!(
                l,
                app.engine.part_out_of_order,
                expected = bp_part(l, *expected),
                got = bp_part(l, *got)
            )
        }
        Error::NoBatchYet => return td_string!(l, app.engine.no_batch_yet).to_string(),
    };
    match e {
        I::BatchSize { got, max } => crate::tr!(l, app.engine.batch_size, got, max),
        I::TooMuchMemory { bytes, limit } => crate::tr!(
            l,
            app.engine.too_much_memory,
            mb = format!("{:.0}", bytes / 1e6),
            limit = format!("{:.0}", limit / 1e6)
        ),
        I::TooManyFlops { flops, limit } => crate::tr!(
            l,
            app.engine.too_many_flops,
            gflop = format!("{:.1}", flops / 1e9),
            limit = n(limit / 1e9)
        ),
        I::LearningRate { value } => crate::tr!(l, app.engine.learning_rate, value = n(*value)),
        I::ClipThreshold { value } => crate::tr!(l, app.engine.clip_threshold, value = n(*value)),
        I::SeqLen {
            task: t,
            got,
            min,
            max,
        } => crate::tr!(l, app.engine.seq_len, task = task(l, *t), got, min, max),
        I::DistinctChars { got, max } => crate::tr!(l, app.engine.distinct_chars, got, max),
        I::TextTooShort { got, min } => crate::tr!(l, app.engine.text_too_short, got, min),
        I::TextTooLong { got, max } => crate::tr!(l, app.engine.text_too_long, got, max),
        I::InputSize { got, .. } => crate::tr!(l, app.engine.input_size, got),
        I::OutputSize { got, .. } => crate::tr!(l, app.engine.output_size, got),
        I::TooFewClasses { got } => crate::tr!(l, app.engine.too_few_classes, got),
        I::HiddenSize { got, max } => crate::tr!(l, app.engine.hidden_size, got, max),
        I::SpectralRadius { value } => crate::tr!(l, app.engine.spectral_radius, value = n(*value)),
        I::UniformRange { value } => crate::tr!(l, app.engine.uniform_range, value = n(*value)),
        I::ForgetBias { value } => crate::tr!(l, app.engine.forget_bias, value = n(*value)),
        I::ZeroTruncation => td_string!(l, app.engine.zero_truncation).to_string(),
        I::Depth { got, max } => crate::tr!(l, app.engine.depth, got, max),
        I::Width { got, max } => crate::tr!(l, app.engine.width, got, max),
        I::EmptyBatch { seq_len, batch_size } => {
            crate::tr!(l, app.engine.empty_batch, batch = batch_size, len = seq_len)
        }
        I::SeqTooLong { got, max } => crate::tr!(l, app.engine.seq_too_long, got, max),
        I::OneToOneSeqLen { got } => crate::tr!(l, app.engine.one_to_one, got),
        I::NonFiniteInputs => td_string!(l, app.engine.non_finite_inputs).to_string(),
        I::TargetValue { value } => crate::tr!(l, app.engine.target_value, value = n(*value)),
        I::TargetClass { class, classes } => crate::tr!(l, app.engine.target_class, class, classes),
        I::BatchNormBatch { got } => crate::tr!(l, app.engine.batch_norm_batch, got),
        I::RunningStats { name } => crate::tr!(l, app.engine.running_stats, name),
        I::PerceptronLearningRate { value } => {
            crate::tr!(l, app.engine.perceptron_learning_rate, value = n(*value))
        }
        I::NonFiniteWeights => td_string!(l, app.engine.non_finite_weights).to_string(),
        I::PerceptronLabel { value } => crate::tr!(l, app.engine.perceptron_label, value = n(*value)),
        I::Points { got, min, max } => crate::tr!(l, app.engine.points, got, min, max),
        I::Noise { value, max } => crate::tr!(l, app.engine.noise, value = n(*value), max = n(*max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_worded_in_both_languages() {
        let n = Notice::new(
            "hidden",
            NoticeKind::BadValue {
                value: "0".into(),
                allowed: Allowed::Range {
                    min: "1".into(),
                    max: "256".into(),
                },
                default: "32".into(),
            },
        );
        let plain = |l| parts(&notice(l, &n)).into_iter().map(|p| p.1).collect::<String>();
        let en = plain(Locale::en);
        let zh = plain(Locale::zh);
        assert_eq!(
            parts(&notice(Locale::zh, &n))
                .into_iter()
                .filter(|p| p.0)
                .map(|p| p.1)
                .collect::<Vec<_>>(),
            ["hidden", "0", "32"],
            "the link's key and values are quoted as code"
        );
        assert!(
            en.contains("hidden") && en.contains("\"0\"") && en.contains("1 to 256") && en.contains("32"),
            "{en}"
        );
        assert!(
            zh.contains("hidden") && zh.contains("“0”") && zh.contains("1 到 256") && zh.contains("32"),
            "{zh}"
        );
        let shrunk = Notice::new(
            "",
            NoticeKind::Shrunk {
                flops: 9e9,
                changes: vec![("batch-size", 64, 8)],
            },
        );
        let worded = |l| {
            parts(&notice(l, &shrunk))
                .into_iter()
                .map(|p| p.1)
                .collect::<String>()
        };
        assert!(worded(Locale::en).contains("batch-size 64 → 8"));
        assert!(worded(Locale::zh).contains("batch-size 64 → 8"));
    }

    #[test]
    fn engine_refusals_are_worded_with_their_numbers() {
        use rnn_core::{Error, Invalid};
        let e = Error::Invalid(Invalid::SeqLen {
            task: TaskKind::Copy,
            got: 3,
            min: 7,
            max: 1000,
        });
        assert_eq!(
            engine_error(Locale::en, &e),
            "sequence length 3 for the Copy memory task (allowed: 7 to 1000)"
        );
        assert_eq!(
            engine_error(Locale::zh, &e),
            "“隔空复制”任务的序列长度为 3（允许 7 到 1000）"
        );
        let lr = Error::Invalid(Invalid::LearningRate { value: f64::NAN });
        assert!(
            engine_error(Locale::zh, &lr).contains("学习率 NaN"),
            "{}",
            engine_error(Locale::zh, &lr)
        );
    }

    #[test]
    fn every_value_has_words_in_each_language() {
        for l in crate::lang::ALL {
            for m in Model::ALL {
                assert!(!model(l, m).is_empty());
            }
            for t in TaskKind::ALL {
                assert!(!task(l, t).is_empty());
            }
            for p in crate::state::presets::PRESETS {
                let (title, expect) = preset(l, p.id);
                assert!(!title.is_empty() && !expect.is_empty());
            }
        }
        // Each lesson has its own words, not the default's.
        let titles: std::collections::BTreeSet<_> = crate::state::presets::PRESETS
            .iter()
            .map(|p| preset(Locale::zh, p.id).0)
            .collect();
        assert_eq!(titles.len(), crate::state::presets::PRESETS.len());
    }
}
