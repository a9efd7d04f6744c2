//! The URL table: one row per setting, (key, parse, write), which drives both
//! reading a link and writing the current settings back into the address
//! bar — the shape of TensorFlow Playground's `state.ts`. The default of a
//! row is that field of [`Settings::default`]. The query lives in the hash
//! (`#model=rnn&task=adding&…`), so a copied link reproduces the run and any
//! static server can host the page.
//!
//! Parsing never fails and never panics: an unknown key or a value out of
//! range yields the default for that field and a [`Notice`] naming it. A key
//! the link leaves out is no mistake (a teacher writes `#model=lstm&seq-len=40`
//! by hand): it takes its default silently.
//!
//! The controls go through the same rows ([`apply`]), so a value from a
//! control is checked exactly as a link's is. Notices are data; the page
//! words them in its language (`crate::text`).

use super::settings::{
    ClipMode, Model, Refusal, Settings, BATCH, CLIP_THRESHOLD, HIDDEN, LEARNING_RATE, SEQ_LEN,
    SPECTRAL_RADIUS,
};
use crate::lang;
use crate::number::parse_f64;
use rnn_core::tasks::TaskKind;
use rnn_core::{Activation, Init, OptimizerKind};
use std::fmt::Display;
use std::ops::RangeInclusive;

/// One row of the table.
pub struct Field {
    /// The query key; also the `data-testid` of the control.
    pub key: &'static str,
    /// Stores the value in `settings`, or says what is allowed.
    pub parse: fn(&str, &mut Settings) -> Result<(), Allowed>,
    pub write: fn(&Settings) -> String,
}

/// What a row accepts, for the notice that refuses a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Allowed {
    OneOf(Vec<&'static str>),
    Range {
        min: String,
        max: String,
    },
    /// `none`, or a number in the range.
    NoneOrRange {
        min: String,
        max: String,
    },
}

/// Something in a link (or from a control) the page could not use as it
/// was, and what it did instead: plain data, worded by `crate::text`.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The key concerned (empty when the notice is about the whole link).
    pub key: String,
    pub kind: NoticeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NoticeKind {
    /// A value the row refuses; the setting kept `default` instead.
    BadValue {
        value: String,
        allowed: Allowed,
        default: String,
    },
    UnknownKey,
    /// The link was cut at `max` characters.
    TooLong {
        max: usize,
    },
    /// The task needs longer sequences: `seq-len` went from `was` to `min`.
    SeqLenRaised {
        task: rnn_core::TaskKind,
        was: usize,
        min: usize,
    },
    /// The combination was too slow to watch; these sizes were reduced
    /// (`(key, from, to)`) and everything else kept.
    Shrunk {
        flops: f64,
        changes: Vec<(&'static str, usize, usize)>,
    },
    /// A change made with a control that the page or the engine refused.
    RefusedSetting(Refusal),
    /// A link the engine refused outright: the default lesson opened.
    RefusedLink(Refusal),
    RefusedLesson(Refusal),
    /// The engine refused a training step.
    RefusedStep(rnn_core::Error),
}

impl Notice {
    pub fn new(key: impl Into<String>, kind: NoticeKind) -> Notice {
        Notice {
            key: key.into(),
            kind,
        }
    }
}

fn range_of<T: Display>(range: &RangeInclusive<T>) -> Allowed {
    Allowed::Range {
        min: range.start().to_string(),
        max: range.end().to_string(),
    }
}

fn parse_in<T: std::str::FromStr + PartialOrd + Display>(
    v: &str,
    range: &RangeInclusive<T>,
) -> Result<T, Allowed> {
    match v.parse::<T>() {
        Ok(x) if range.contains(&x) => Ok(x),
        _ => Err(range_of(range)),
    }
}

fn parse_float_in(v: &str, range: &RangeInclusive<f64>) -> Result<f64, Allowed> {
    match parse_f64(v) {
        Some(x) if range.contains(&x) => Ok(x),
        _ => Err(range_of(range)),
    }
}

fn one_of<T: Copy>(v: &str, all: &[T], name: fn(T) -> &'static str) -> Result<T, Allowed> {
    all.iter()
        .copied()
        .find(|x| name(*x) == v)
        .ok_or_else(|| Allowed::OneOf(all.iter().map(|x| name(*x)).collect()))
}

fn optimizers() -> [OptimizerKind; 3] {
    super::settings::optimizers()
}

/// The table. Order is the order of the written URL.
pub const FIELDS: &[Field] = &[
    Field {
        key: "model",
        parse: |v, s| {
            s.model = one_of(v, &Model::ALL, Model::name)?;
            Ok(())
        },
        write: |s| s.model.name().into(),
    },
    Field {
        key: "task",
        parse: |v, s| {
            s.task = one_of(v, &TaskKind::ALL, TaskKind::name)?;
            Ok(())
        },
        write: |s| s.task.name().into(),
    },
    Field {
        key: "seq-len",
        parse: |v, s| {
            s.seq_len = parse_in(v, &SEQ_LEN)?;
            Ok(())
        },
        write: |s| s.seq_len.to_string(),
    },
    Field {
        key: "hidden",
        parse: |v, s| {
            s.hidden = parse_in(v, &HIDDEN)?;
            Ok(())
        },
        write: |s| s.hidden.to_string(),
    },
    Field {
        key: "activation",
        parse: |v, s| {
            s.activation = one_of(v, &Activation::ALL, Activation::name)?;
            Ok(())
        },
        write: |s| s.activation.name().into(),
    },
    Field {
        key: "init-input",
        parse: |v, s| {
            s.init_input = one_of(v, &Init::ALL, Init::name)?;
            Ok(())
        },
        write: |s| s.init_input.name().into(),
    },
    Field {
        key: "init-recurrent",
        parse: |v, s| {
            s.init_recurrent = one_of(v, &Init::ALL, Init::name)?;
            Ok(())
        },
        write: |s| s.init_recurrent.name().into(),
    },
    Field {
        key: "spectral-radius",
        parse: |v, s| {
            s.spectral_radius = match v {
                "none" => None,
                _ => Some(
                    parse_float_in(v, &SPECTRAL_RADIUS).map_err(|_| Allowed::NoneOrRange {
                        min: SPECTRAL_RADIUS.start().to_string(),
                        max: SPECTRAL_RADIUS.end().to_string(),
                    })?,
                ),
            };
            Ok(())
        },
        write: |s| s.spectral_radius.map_or("none".into(), |r| r.to_string()),
    },
    Field {
        key: "clip-mode",
        parse: |v, s| {
            s.clip_mode = one_of(v, &ClipMode::ALL, ClipMode::name)?;
            Ok(())
        },
        write: |s| s.clip_mode.name().into(),
    },
    Field {
        key: "clip-threshold",
        parse: |v, s| {
            s.clip_threshold = parse_float_in(v, &CLIP_THRESHOLD)?;
            Ok(())
        },
        write: |s| s.clip_threshold.to_string(),
    },
    Field {
        key: "optimizer",
        parse: |v, s| {
            s.optimizer = one_of(v, &optimizers(), OptimizerKind::name)?;
            Ok(())
        },
        write: |s| s.optimizer.name().into(),
    },
    Field {
        key: "learning-rate",
        parse: |v, s| {
            s.learning_rate = parse_float_in(v, &LEARNING_RATE)?;
            Ok(())
        },
        write: |s| s.learning_rate.to_string(),
    },
    Field {
        key: "batch-size",
        parse: |v, s| {
            s.batch_size = parse_in(v, &BATCH)?;
            Ok(())
        },
        write: |s| s.batch_size.to_string(),
    },
    Field {
        key: "seed",
        parse: |v, s| {
            s.seed = parse_in(v, &(0..=u64::MAX))?;
            Ok(())
        },
        write: |s| s.seed.to_string(),
    },
    Field {
        key: "lang",
        parse: |v, s| {
            s.lang = one_of(v, &lang::ALL, lang::name)?;
            Ok(())
        },
        write: |s| lang::name(s.lang).into(),
    },
];

/// Longest link text looked at; the rest is ignored (with a notice).
const MAX_LEN: usize = 4096;

/// Reads settings from a query (`a=1&b=2`, with or without a leading `#` or
/// `?`) over the defaults. An empty query is the default lesson without any
/// notice.
pub fn parse(query: &str) -> (Settings, Vec<Notice>) {
    parse_over(query, &Settings::default())
}

/// [`parse`] with `base` for every key the link leaves out (the page's base
/// has the browser's language).
pub fn parse_over(query: &str, base: &Settings) -> (Settings, Vec<Notice>) {
    let mut settings = base.clone();
    let mut notices = Vec::new();
    let mut q = query.trim_start_matches(['#', '?']);
    if q.len() > MAX_LEN {
        let mut cut = MAX_LEN;
        while !q.is_char_boundary(cut) {
            cut -= 1;
        }
        q = &q[..cut];
        notices.push(Notice::new("", NoticeKind::TooLong { max: MAX_LEN }));
    }
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key);
        let value = percent_decode(value);
        if let Some(n) = apply(&mut settings, &key, &value, base) {
            notices.push(n);
        }
    }
    if let Some((was, min)) = settings.reconcile() {
        notices.push(Notice::new(
            "seq-len",
            NoticeKind::SeqLenRaised {
                task: settings.task,
                was,
                min,
            },
        ));
    }
    (settings, notices)
}

/// Sets `key` to `value` through its row, as a link or a control asks.
/// A refused value leaves `settings` as it was and returns the notice that
/// names it, with `fallback`'s value as the one kept.
pub fn apply(settings: &mut Settings, key: &str, value: &str, fallback: &Settings) -> Option<Notice> {
    let Some(field) = FIELDS.iter().find(|f| f.key == key) else {
        return Some(Notice::new(shorten(key), NoticeKind::UnknownKey));
    };
    let mut candidate = settings.clone();
    match (field.parse)(value.trim(), &mut candidate) {
        Ok(()) => {
            *settings = candidate;
            None
        }
        Err(allowed) => Some(Notice::new(
            key,
            NoticeKind::BadValue {
                value: shorten(value),
                allowed,
                default: (field.write)(fallback),
            },
        )),
    }
}

/// The query for `settings`, every field in table order (no leading `#`).
pub fn write(settings: &Settings) -> String {
    FIELDS
        .iter()
        .map(|f| format!("{}={}", f.key, (f.write)(settings)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `%41` → `A` and `+` → space; invalid escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A value echoed in a notice, cut to a readable length.
fn shorten(s: &str) -> String {
    const MAX: usize = 24;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::settings::{format_number, ClipMode};
    use rnn_core::{CellKind, Experiment};

    fn bad_value(n: &Notice) -> (&str, &Allowed) {
        match &n.kind {
            NoticeKind::BadValue { value, allowed, .. } => (value, allowed),
            other => panic!("{other:?}"),
        }
    }

    fn notice_keys(n: &[Notice]) -> Vec<&str> {
        n.iter().map(|n| n.key.as_str()).collect()
    }

    #[test]
    fn keys_are_unique() {
        for (i, a) in FIELDS.iter().enumerate() {
            assert!(FIELDS[i + 1..].iter().all(|b| b.key != a.key), "{}", a.key);
        }
    }

    #[test]
    fn empty_link_is_the_default_lesson_without_notice() {
        for q in ["", "#", "?"] {
            assert_eq!(parse(q), (Settings::default(), vec![]));
        }
    }

    #[test]
    fn round_trip_of_the_defaults_and_of_a_changed_setting() {
        let d = Settings::default();
        assert_eq!(parse(&write(&d)), (d.clone(), vec![]));
        let s = Settings {
            model: Model::new(CellKind::Lstm, true),
            task: TaskKind::TemporalOrder,
            seq_len: 57,
            hidden: 129,
            activation: Activation::Relu,
            init_input: Init::He,
            init_recurrent: Init::Identity,
            spectral_radius: Some(1.25),
            clip_mode: ClipMode::Value,
            clip_threshold: 0.3,
            optimizer: OptimizerKind::momentum(),
            learning_rate: 0.0003,
            batch_size: 7,
            seed: u64::MAX,
            lang: crate::lang::Locale::zh,
        };
        let q = write(&s);
        assert_eq!(parse(&format!("#{q}")), (s, vec![]));
        assert!(q.starts_with("model=bilstm&task=order&seq-len=57"), "{q}");
    }

    #[test]
    fn every_menu_value_round_trips() {
        let mut s = Settings::default();
        for a in Activation::ALL {
            for i in Init::ALL {
                s.activation = a;
                s.init_recurrent = i;
                s.learning_rate = crate::state::settings::LEARNING_RATES[s.seed as usize % 11];
                s.seed += 1;
                assert_eq!(parse(&write(&s)).0, s);
            }
        }
    }

    #[test]
    fn garbage_gives_defaults_and_names_every_bad_key() {
        let (s, n) = parse(
            "#model=transformer&task=adding&seq-len=-3&hidden=1e9&activation=%ZZ&init-input=\
             &init-recurrent=orthogonal&spectral-radius=NaN&clip-mode=norm&clip-threshold=inf\
             &optimizer=adam&learning-rate=0&batch-size=32&seed=x&wat=1",
        );
        assert_eq!(s, Settings::default());
        assert_eq!(
            notice_keys(&n),
            [
                "model",
                "seq-len",
                "hidden",
                "activation",
                "init-input",
                "spectral-radius",
                "clip-threshold",
                "learning-rate",
                "seed",
                "wat"
            ]
        );
        let (value, allowed) = bad_value(&n[0]);
        assert_eq!(value, "transformer");
        assert!(
            matches!(allowed, Allowed::OneOf(names) if names.contains(&"rnn")),
            "{allowed:?}"
        );
    }

    #[test]
    fn a_partial_link_is_no_mistake() {
        let (s, n) = parse("task=copy&seed=9");
        assert_eq!(s.task, TaskKind::Copy);
        assert_eq!(s.seed, 9);
        assert_eq!(n, vec![]);
        let (s, n) = parse("#model=lstm&seq-len=40");
        assert_eq!((s.model.name(), s.seq_len), ("lstm", 40));
        assert_eq!(n, vec![]);
    }

    #[test]
    fn a_left_out_key_takes_the_base_value() {
        let base = Settings {
            lang: crate::lang::Locale::zh,
            ..Settings::default()
        };
        assert_eq!(parse_over("seed=3", &base).0.lang, crate::lang::Locale::zh);
        assert_eq!(
            parse_over("seed=3&lang=en", &base).0.lang,
            crate::lang::Locale::en
        );
        let (s, n) = parse_over("lang=fr", &base);
        assert_eq!(s.lang, crate::lang::Locale::zh);
        assert_eq!(notice_keys(&n), ["lang"]);
    }

    #[test]
    fn a_control_value_is_checked_like_a_link() {
        let d = Settings::default();
        let mut s = d.clone();
        for (key, bad) in [
            ("learning-rate", "1e300"),
            ("clip-threshold", "9e307"),
            ("hidden", "0"),
            ("model", "x"),
        ] {
            let n = apply(&mut s, key, bad, &d).expect("refused");
            assert_eq!(n.key, key);
            assert_eq!(bad_value(&n).0, bad);
            assert_eq!(s, d, "{key} left as it was");
        }
        assert_eq!(apply(&mut s, "learning-rate", "0.3", &d), None);
        assert_eq!(s.learning_rate, 0.3);
        assert!(matches!(
            apply(&mut s, "nope", "1", &d).map(|n| n.kind),
            Some(NoticeKind::UnknownKey)
        ));
    }

    #[test]
    fn cross_field_fix_is_a_notice() {
        let mut s = Settings {
            task: TaskKind::Copy,
            ..Settings::default()
        };
        s.seq_len = 3;
        let q = write(&s);
        let (t, n) = parse(&q);
        assert_eq!(t.seq_len, TaskKind::Copy.min_seq_len());
        assert_eq!(notice_keys(&n), ["seq-len"]);
    }

    /// Whatever the bytes, parsing returns settings the engine accepts.
    #[test]
    fn no_link_breaks_the_engine() {
        let nasty = [
            "&&&&",
            "=",
            "==&=x",
            "%",
            "%4",
            "%E2%82",
            "seq-len=99999999999999999999999",
            "hidden=0",
            "batch-size=0",
            "spectral-radius=-1",
            "learning-rate=1e400",
            "clip-threshold=-0",
            "seed=-1",
            "model=%F0%9F%A6%80",
            "task=\u{1F980}&hidden=\u{0}",
        ];
        let mut rng = 12345u64;
        let mut random = Vec::new();
        for _ in 0..300 {
            let mut q = String::new();
            for _ in 0..40 {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let k = (rng >> 33) as usize;
                q.push_str(match k % 7 {
                    0 => FIELDS[k % FIELDS.len()].key,
                    1 => "=",
                    2 => "&",
                    3 => "%",
                    4 => "1e",
                    5 => "é",
                    _ => "-0.5",
                });
            }
            random.push(q);
        }
        for q in nasty.iter().map(|s| s.to_string()).chain(random) {
            let (s, _) = parse(&q);
            Experiment::new(s.experiment_config()).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        let long = "seed=1&".repeat(2000);
        let (_, n) = parse(&long);
        assert!(n.iter().any(|n| matches!(n.kind, NoticeKind::TooLong { .. })));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(0.001), "0.001");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(1e-6), "1e-6");
    }
}
