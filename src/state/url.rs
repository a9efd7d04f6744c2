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

use super::files::{self, FilesNotice};
use super::settings::{
    format_number, optimizers, ClipMode, Model, Refusal, Settings, ACTIVATIONS, BATCH, BATCH_SIZES,
    BP_HIDDEN, BP_LR, BP_LRS, BP_OUTPUTS, CLIP_THRESHOLD, CLIP_THRESHOLDS, DEPTHS, HIDDEN, INITS,
    LEARNING_RATE, LEARNING_RATES, PERCEPTRON_LR, PERCEPTRON_LRS, SEQ_LEN, SPECTRAL_RADII, SPECTRAL_RADIUS,
};
use crate::i18n::td_string;
use crate::lang::{self, Locale};
use crate::number::parse_f64;
use crate::text;
use rnn_core::tasks::TaskKind;
use rnn_core::{Activation, CellKind, DatasetKind, Init, OptimizerKind};
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// One row of the settings table: everything the page knows about one
/// setting. The URL parser and writer ([`parse`], [`write`]) and the controls
/// (`components::controls`, and the deep-MLP view's own menus) are all
/// generated from these rows, with the same checks.
pub struct Field {
    /// The query key; also the `data-testid` of the control.
    pub key: &'static str,
    /// The control's label in a language (`locales/*/app.json`).
    pub label: fn(Locale) -> &'static str,
    /// Which box of controls shows it.
    pub group: Group,
    pub control: Control,
    /// Whether a change rebuilds the network (same seed); otherwise it takes
    /// effect at the next update, or changes no number at all.
    pub rebuilds: bool,
    /// Stores the value in `settings`, or says what is allowed.
    pub parse: fn(&str, &mut Settings) -> Result<(), Allowed>,
    pub write: fn(&Settings) -> String,
}

/// Where a row's control is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Model,
    Init,
    Training,
    /// The language switch in the header.
    Header,
    /// The deep-MLP view's own controls.
    Mlp,
    /// The perceptron view's own controls.
    Perceptron,
    /// The BP network view's own controls.
    Bp,
    /// The comparison's switch (run B), beside the run's buttons.
    Compare,
    /// Beside the task's description (the next-character task's own text).
    Task,
    /// The lesson panel's: the page open, presentation mode, hidden controls.
    Lesson,
}

/// The rows run B may differ in: the model, its initialisation and its
/// training (not the language, the MLP view, the text or the comparison
/// itself).
pub fn b_may_differ(f: &Field) -> bool {
    matches!(f.group, Group::Model | Group::Init | Group::Training)
}

/// What kind of control a row has.
#[derive(Clone, Copy)]
pub enum Control {
    /// A menu of `(value, label)` for the current settings (a value from a
    /// link that is not among the presets is added, so the menu always shows
    /// what runs).
    Menu(fn(&Settings, Locale) -> Vec<(String, String)>),
    /// A slider from `min(settings)` to `max`, greyed out when `disabled`.
    Slider {
        min: fn(&Settings) -> usize,
        max: usize,
        disabled: fn(&Settings) -> bool,
    },
    /// A number box with a button for a fresh random value (the seed).
    Seed,
    /// A checkbox: the row's values are `on` and `off`.
    Toggle,
    /// A text box (`components::user_text`, beside the task): the value is
    /// taken as it is, spaces and all.
    Text,
    /// No control in the settings panel: set by a link, or by the lesson
    /// panel's own buttons.
    Link,
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
    /// A comma-separated list of these (possibly empty).
    ListOf(Vec<&'static str>),
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
    /// Run B of a comparison could not be built: A runs alone.
    RefusedB(Refusal),
    /// The engine refused a training step.
    RefusedStep(rnn_core::Error),
    /// About saving, loading and the user's text (`state::files`).
    Files(FilesNotice),
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

/// Menu entries `(value, label)` for every value of a type.
fn entries<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|x| (name(*x).to_string(), label(*x).to_string()))
        .collect()
}

/// Preset numbers plus the current one if it is not among them (a link can
/// hold any number in range), sorted.
pub fn numbers(presets: &[f64], current: f64) -> Vec<(String, String)> {
    let mut v: Vec<f64> = presets.to_vec();
    if !v.contains(&current) {
        v.push(current);
        v.sort_unstable_by(f64::total_cmp);
    }
    v.into_iter().map(|x| (x.to_string(), format_number(x))).collect()
}

fn on_off(v: &str) -> Result<bool, Allowed> {
    match v {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(Allowed::OneOf(vec!["on", "off"])),
    }
}

fn on_off_name(b: bool) -> String {
    if b { "on" } else { "off" }.into()
}

/// [`DEPTHS`] as the link spells them.
const DEPTH_NAMES: [&str; 6] = ["2", "5", "10", "20", "30", "50"];

/// A menu that never changes with the settings.
macro_rules! menu {
    ($all:expr, $name:expr, $label:expr) => {
        Control::Menu(|_, l| entries(&$all, $name, |x| $label(l, x)))
    };
}

/// The table. Order is the order of the written URL.
pub const FIELDS: &[Field] = &[
    Field {
        key: "model",
        label: |l| td_string!(l, app.controls.model),
        group: Group::Model,
        control: menu!(Model::ALL, Model::name, text::model),
        rebuilds: true,
        parse: |v, s| {
            s.model = one_of(v, &Model::ALL, Model::name)?;
            Ok(())
        },
        write: |s| s.model.name().into(),
    },
    Field {
        key: "task",
        label: |l| td_string!(l, app.controls.task),
        group: Group::Model,
        control: menu!(TaskKind::ALL, TaskKind::name, text::task),
        rebuilds: true,
        parse: |v, s| {
            s.task = one_of(v, &TaskKind::ALL, TaskKind::name)?;
            Ok(())
        },
        write: |s| s.task.name().into(),
    },
    Field {
        key: "seq-len",
        label: |l| td_string!(l, app.controls.seq_len),
        group: Group::Model,
        control: Control::Slider {
            min: Settings::min_seq_len,
            max: *SEQ_LEN.end(),
            // The fill-in-the-blank sentences have their own lengths.
            disabled: |s| s.task == TaskKind::FillBlank,
        },
        rebuilds: true,
        parse: |v, s| {
            s.seq_len = parse_in(v, &SEQ_LEN)?;
            Ok(())
        },
        write: |s| s.seq_len.to_string(),
    },
    Field {
        key: "hidden",
        label: |l| td_string!(l, app.controls.hidden),
        group: Group::Model,
        control: Control::Slider {
            min: |_| *HIDDEN.start(),
            max: *HIDDEN.end(),
            disabled: |_| false,
        },
        rebuilds: true,
        parse: |v, s| {
            s.hidden = parse_in(v, &HIDDEN)?;
            Ok(())
        },
        write: |s| s.hidden.to_string(),
    },
    Field {
        key: "activation",
        label: |l| td_string!(l, app.controls.activation),
        group: Group::Model,
        control: Control::Menu(|s, l| {
            let mut o = entries(&Activation::ALL, Activation::name, |a| text::activation(l, a));
            // LSTM and GRU gates have their own functions.
            if s.model.cell != CellKind::Rnn {
                for (_, label) in &mut o {
                    label.push(' ');
                    label.push_str(td_string!(l, app.controls.rnn_only));
                }
            }
            o
        }),
        rebuilds: true,
        parse: |v, s| {
            s.activation = one_of(v, &Activation::ALL, Activation::name)?;
            Ok(())
        },
        write: |s| s.activation.name().into(),
    },
    Field {
        key: "init-input",
        label: |l| td_string!(l, app.controls.init_input),
        group: Group::Init,
        control: menu!(Init::ALL, Init::name, text::init),
        rebuilds: true,
        parse: |v, s| {
            s.init_input = one_of(v, &Init::ALL, Init::name)?;
            Ok(())
        },
        write: |s| s.init_input.name().into(),
    },
    Field {
        key: "init-recurrent",
        label: |l| td_string!(l, app.controls.init_recurrent),
        group: Group::Init,
        control: menu!(Init::ALL, Init::name, text::init),
        rebuilds: true,
        parse: |v, s| {
            s.init_recurrent = one_of(v, &Init::ALL, Init::name)?;
            Ok(())
        },
        write: |s| s.init_recurrent.name().into(),
    },
    Field {
        key: "spectral-radius",
        label: |l| td_string!(l, app.controls.spectral_radius),
        group: Group::Init,
        control: Control::Menu(|s, l| {
            let mut o = vec![(
                "none".to_string(),
                td_string!(l, app.controls.as_initialised).to_string(),
            )];
            o.extend(numbers(
                SPECTRAL_RADII,
                s.spectral_radius.unwrap_or(SPECTRAL_RADII[0]),
            ));
            o
        }),
        rebuilds: true,
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
        label: |l| td_string!(l, app.controls.clip_mode),
        group: Group::Training,
        control: menu!(ClipMode::ALL, ClipMode::name, text::clip),
        rebuilds: false,
        parse: |v, s| {
            s.clip_mode = one_of(v, &ClipMode::ALL, ClipMode::name)?;
            Ok(())
        },
        write: |s| s.clip_mode.name().into(),
    },
    Field {
        key: "clip-threshold",
        label: |l| td_string!(l, app.controls.clip_threshold),
        group: Group::Training,
        control: Control::Menu(|s, _| numbers(CLIP_THRESHOLDS, s.clip_threshold)),
        rebuilds: false,
        parse: |v, s| {
            s.clip_threshold = parse_float_in(v, &CLIP_THRESHOLD)?;
            Ok(())
        },
        write: |s| s.clip_threshold.to_string(),
    },
    Field {
        key: "optimizer",
        label: |l| td_string!(l, app.controls.optimizer),
        group: Group::Training,
        control: Control::Menu(|_, l| entries(&optimizers(), OptimizerKind::name, |o| text::optimizer(l, o))),
        rebuilds: false,
        parse: |v, s| {
            s.optimizer = one_of(v, &optimizers(), OptimizerKind::name)?;
            Ok(())
        },
        write: |s| s.optimizer.name().into(),
    },
    Field {
        key: "learning-rate",
        label: |l| td_string!(l, app.controls.learning_rate),
        group: Group::Training,
        control: Control::Menu(|s, _| numbers(LEARNING_RATES, s.learning_rate)),
        rebuilds: false,
        parse: |v, s| {
            s.learning_rate = parse_float_in(v, &LEARNING_RATE)?;
            Ok(())
        },
        write: |s| s.learning_rate.to_string(),
    },
    Field {
        key: "batch-size",
        label: |l| td_string!(l, app.controls.batch_size),
        group: Group::Training,
        control: Control::Menu(|s, _| {
            let mut v = BATCH_SIZES.to_vec();
            if !v.contains(&s.batch_size) {
                v.push(s.batch_size);
                v.sort_unstable();
            }
            v.into_iter().map(|b| (b.to_string(), b.to_string())).collect()
        }),
        rebuilds: true,
        parse: |v, s| {
            s.batch_size = parse_in(v, &BATCH)?;
            Ok(())
        },
        write: |s| s.batch_size.to_string(),
    },
    Field {
        key: "seed",
        label: |l| td_string!(l, app.controls.seed),
        group: Group::Training,
        control: Control::Seed,
        rebuilds: true,
        parse: |v, s| {
            s.seed = parse_in(v, &(0..=u64::MAX))?;
            Ok(())
        },
        write: |s| s.seed.to_string(),
    },
    Field {
        key: "lang",
        label: |l| td_string!(l, app.lang_label),
        group: Group::Header,
        control: Control::Menu(|_, _| {
            lang::ALL
                .iter()
                .map(|l| (lang::name(*l).to_string(), lang::own_name(*l).to_string()))
                .collect()
        }),
        rebuilds: false,
        parse: |v, s| {
            s.lang = one_of(v, &lang::ALL, lang::name)?;
            Ok(())
        },
        write: |s| lang::name(s.lang).into(),
    },
    Field {
        key: "compare",
        label: |l| td_string!(l, app.compare.label),
        group: Group::Compare,
        control: Control::Toggle,
        rebuilds: true,
        parse: |v, s| {
            s.compare = on_off(v)?;
            Ok(())
        },
        write: |s| on_off_name(s.compare),
    },
    Field {
        key: "mlp-depth",
        label: |l| td_string!(l, cells.mlp.depth),
        group: Group::Mlp,
        control: Control::Menu(|_, l| {
            DEPTHS
                .iter()
                .map(|d| (d.to_string(), crate::tr!(l, cells.mlp.layers, n = d)))
                .collect()
        }),
        rebuilds: false,
        parse: |v, s| {
            let i = DEPTH_NAMES
                .iter()
                .position(|n| *n == v)
                .ok_or_else(|| Allowed::OneOf(DEPTH_NAMES.to_vec()))?;
            s.mlp.depth = DEPTHS[i];
            Ok(())
        },
        write: |s| s.mlp.depth.to_string(),
    },
    Field {
        key: "mlp-activation",
        label: |l| td_string!(l, cells.mlp.phi),
        group: Group::Mlp,
        control: menu!(ACTIVATIONS, Activation::name, text::activation),
        rebuilds: false,
        parse: |v, s| {
            s.mlp.activation = one_of(v, ACTIVATIONS, Activation::name)?;
            Ok(())
        },
        write: |s| s.mlp.activation.name().into(),
    },
    Field {
        key: "mlp-init",
        label: |l| td_string!(l, cells.mlp.init),
        group: Group::Mlp,
        control: menu!(INITS, Init::name, text::init),
        rebuilds: false,
        parse: |v, s| {
            s.mlp.init = one_of(v, INITS, Init::name)?;
            Ok(())
        },
        write: |s| s.mlp.init.name().into(),
    },
    Field {
        key: "mlp-data",
        label: |l| td_string!(l, cells.mlp.data),
        group: Group::Mlp,
        control: menu!(
            DatasetKind::ALL,
            DatasetKind::name,
            crate::views::mlp::dataset_words
        ),
        rebuilds: false,
        parse: |v, s| {
            s.mlp.dataset = one_of(v, &DatasetKind::ALL, DatasetKind::name)?;
            Ok(())
        },
        write: |s| s.mlp.dataset.name().into(),
    },
    Field {
        key: "mlp-bn",
        label: |l| td_string!(l, cells.mlp.batch_norm),
        group: Group::Mlp,
        control: Control::Toggle,
        rebuilds: false,
        parse: |v, s| {
            s.mlp.batch_norm = on_off(v)?;
            Ok(())
        },
        write: |s| on_off_name(s.mlp.batch_norm),
    },
    Field {
        key: "mlp-residual",
        label: |l| td_string!(l, cells.mlp.residual),
        group: Group::Mlp,
        control: Control::Toggle,
        rebuilds: false,
        parse: |v, s| {
            s.mlp.residual = on_off(v)?;
            Ok(())
        },
        write: |s| on_off_name(s.mlp.residual),
    },
    Field {
        key: "perceptron-data",
        label: |l| td_string!(l, bp.controls.data),
        group: Group::Perceptron,
        control: menu!(
            DatasetKind::ALL,
            DatasetKind::name,
            crate::views::mlp::dataset_words
        ),
        rebuilds: false,
        parse: |v, s| {
            s.perceptron.data = one_of(v, &DatasetKind::ALL, DatasetKind::name)?;
            Ok(())
        },
        write: |s| s.perceptron.data.name().into(),
    },
    Field {
        key: "perceptron-lr",
        label: |l| td_string!(l, bp.controls.lr),
        group: Group::Perceptron,
        control: Control::Menu(|s, _| numbers(PERCEPTRON_LRS, s.perceptron.learning_rate)),
        rebuilds: false,
        parse: |v, s| {
            s.perceptron.learning_rate = parse_float_in(v, &PERCEPTRON_LR)?;
            Ok(())
        },
        write: |s| s.perceptron.learning_rate.to_string(),
    },
    Field {
        key: "bp-hidden",
        label: |l| td_string!(l, bp.controls.hidden),
        group: Group::Bp,
        control: Control::Menu(|_, _| BP_HIDDEN.map(|n| (n.to_string(), n.to_string())).collect()),
        rebuilds: false,
        parse: |v, s| {
            s.bp.hidden = parse_in(v, &BP_HIDDEN)?;
            Ok(())
        },
        write: |s| s.bp.hidden.to_string(),
    },
    Field {
        key: "bp-outputs",
        label: |l| td_string!(l, bp.controls.outputs),
        group: Group::Bp,
        control: Control::Menu(|_, l| {
            vec![
                ("1".into(), td_string!(l, bp.controls.outputs_one).into()),
                ("2".into(), td_string!(l, bp.controls.outputs_two).into()),
            ]
        }),
        rebuilds: false,
        parse: |v, s| {
            s.bp.outputs = parse_in(v, &BP_OUTPUTS)?;
            Ok(())
        },
        write: |s| s.bp.outputs.to_string(),
    },
    Field {
        key: "bp-activation",
        label: |l| td_string!(l, bp.controls.activation),
        group: Group::Bp,
        control: menu!(ACTIVATIONS, Activation::name, text::activation),
        rebuilds: false,
        parse: |v, s| {
            s.bp.activation = one_of(v, ACTIVATIONS, Activation::name)?;
            Ok(())
        },
        write: |s| s.bp.activation.name().into(),
    },
    Field {
        key: "bp-data",
        label: |l| td_string!(l, bp.controls.data),
        group: Group::Bp,
        control: menu!(
            DatasetKind::ALL,
            DatasetKind::name,
            crate::views::mlp::dataset_words
        ),
        rebuilds: false,
        parse: |v, s| {
            s.bp.data = one_of(v, &DatasetKind::ALL, DatasetKind::name)?;
            Ok(())
        },
        write: |s| s.bp.data.name().into(),
    },
    Field {
        key: "bp-lr",
        label: |l| td_string!(l, bp.controls.lr),
        group: Group::Bp,
        control: Control::Menu(|s, _| numbers(BP_LRS, s.bp.learning_rate)),
        rebuilds: false,
        parse: |v, s| {
            s.bp.learning_rate = parse_float_in(v, &BP_LR)?;
            Ok(())
        },
        write: |s| s.bp.learning_rate.to_string(),
    },
    Field {
        key: TEXT_KEY,
        label: |l| td_string!(l, files.text.label),
        group: Group::Task,
        control: Control::Text,
        rebuilds: true,
        // Any text: the engine says what it refuses (`files::check_text`).
        // Empty is the built-in sentences.
        parse: |v, s| {
            s.text = (!v.is_empty()).then(|| Arc::from(v));
            Ok(())
        },
        // A long text stays out of the link (it would outgrow the address
        // bar): the run's JSON file keeps it. Empty: the row is left out.
        write: |s| {
            s.text
                .as_deref()
                .filter(|t| files::fits_link(t))
                .unwrap_or_default()
                .to_string()
        },
    },
    // The lesson layer's rows. An empty value is written as nothing at all
    // (see `write`), so a link without a lesson stays as it was.
    Field {
        key: "lesson",
        label: |l| td_string!(l, lessons.ui.menu_label),
        group: Group::Lesson,
        control: Control::Link,
        rebuilds: false,
        // Only the id: `parse_over` applies the page's settings before the
        // link's other keys, and the lesson panel opens pages itself.
        parse: |v, s| {
            s.lesson.page = match v {
                "" | "none" => None,
                _ => Some(
                    crate::lessons::Page::find(v)
                        .ok_or_else(|| Allowed::OneOf(crate::lessons::PAGES.iter().map(|p| p.id).collect()))?
                        .id,
                ),
            };
            Ok(())
        },
        write: |s| s.lesson.page.unwrap_or_default().into(),
    },
    Field {
        key: "present",
        label: |l| td_string!(l, lessons.ui.present),
        group: Group::Lesson,
        control: Control::Link,
        rebuilds: false,
        parse: |v, s| {
            s.lesson.present = match v {
                "1" | "on" => true,
                "0" | "off" | "" => false,
                _ => return Err(Allowed::OneOf(vec!["1", "0"])),
            };
            Ok(())
        },
        write: |s| if s.lesson.present { "1" } else { "" }.into(),
    },
    Field {
        key: "hide",
        label: |l| td_string!(l, lessons.ui.hide_label),
        group: Group::Lesson,
        control: Control::Link,
        rebuilds: false,
        parse: |v, s| {
            let mut hide = Vec::new();
            for key in v.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                let field = FIELDS
                    .iter()
                    .find(|f| f.key == key && f.control_hideable())
                    .ok_or_else(|| Allowed::ListOf(hideable_keys()))?;
                if !hide.contains(&field.key) {
                    hide.push(field.key);
                }
            }
            s.lesson.hide = hide;
            Ok(())
        },
        write: |s| s.lesson.hide.join(","),
    },
];

/// The key of the next-character task's own text: its value is taken as it
/// is, not trimmed.
pub const TEXT_KEY: &str = "text";

impl Field {
    /// Whether the row has a control a teacher's link can hide (`hide=`).
    pub fn control_hideable(&self) -> bool {
        // The text box beside the task is not a settings-panel control.
        !matches!(self.control, Control::Link | Control::Text)
    }

    /// Whether `settings` hide this row's control.
    pub fn hidden_in(&self, settings: &Settings) -> bool {
        settings.lesson.hide.contains(&self.key)
    }
}

/// The keys `hide=` accepts: every row with a control.
pub fn hideable_keys() -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|f| f.control_hideable())
        .map(|f| f.key)
        .collect()
}

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
    let pairs: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    // A lesson page is a link: its settings come first, over `base`, and
    // the link's own keys then override them (the last `lesson=` counts).
    let page_base;
    let mut fallback = base;
    if let Some((_, id)) = pairs.iter().rev().find(|(k, _)| k == "lesson") {
        if let Some(page) = crate::lessons::Page::find(id.trim()) {
            page_base = page.settings_over(base);
            settings = page_base.clone();
            fallback = &page_base;
        }
    }
    for (key, value) in &pairs {
        if let Some(n) = apply(&mut settings, key, value, fallback) {
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
    if let Some(n) = files::check_text(&mut settings) {
        notices.push(n);
    }
    (settings, notices)
}

/// Sets `key` to `value` through its row, as a link or a control asks.
/// A refused value leaves `settings` as it was and returns the notice that
/// names it, with `fallback`'s value as the one kept.
pub fn apply(settings: &mut Settings, key: &str, value: &str, fallback: &Settings) -> Option<Notice> {
    if let Some(b_key) = key.strip_prefix("b.") {
        return apply_b(settings, b_key, value);
    }
    let Some(field) = FIELDS.iter().find(|f| f.key == key) else {
        return Some(Notice::new(shorten(key), NoticeKind::UnknownKey));
    };
    let mut candidate = settings.clone();
    let value = if key == TEXT_KEY { value } else { value.trim() };
    match (field.parse)(value, &mut candidate) {
        Ok(()) => {
            *settings = candidate;
            drop_b_same(settings);
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

/// Drops B's differences that A now shares (A's value changed to B's): a
/// difference is only where the two runs differ, whatever the order the
/// link or the controls set them in.
fn drop_b_same(settings: &mut Settings) {
    if settings.b.is_empty() {
        return;
    }
    let a = settings.clone();
    settings.b.retain(|(k, v)| {
        FIELDS
            .iter()
            .find(|f| f.key == *k)
            .is_some_and(|f| (f.write)(&a) != *v)
    });
}

/// Sets (or with an empty value, removes) run B's difference in `key`,
/// checked by that key's row against A's settings. A difference equal to
/// A's value is no difference and is dropped.
fn apply_b(settings: &mut Settings, key: &str, value: &str) -> Option<Notice> {
    let b_key = format!("b.{key}");
    let Some(field) = FIELDS.iter().find(|f| f.key == key && b_may_differ(f)) else {
        return Some(Notice::new(shorten(&b_key), NoticeKind::UnknownKey));
    };
    settings.b.retain(|(k, _)| *k != field.key);
    if value.trim().is_empty() {
        return None;
    }
    let mut b = settings.run_b();
    let fallback = b.clone();
    if let Some(mut refused) = apply(&mut b, field.key, value, &fallback) {
        refused.key = b_key;
        return Some(refused);
    }
    let written = (field.write)(&b);
    if written != (field.write)(settings) {
        settings.b.push((field.key, written));
        let order = |k: &str| FIELDS.iter().position(|f| f.key == k);
        settings.b.sort_by_key(|(k, _)| order(k));
    }
    None
}

/// The query for `settings`, every field in table order (no leading `#`),
/// each value percent-encoded, then run B's differences; a row that writes
/// nothing (no text of one's own, no lesson, no hidden control, not
/// presenting) is left out: its default.
pub fn write(settings: &Settings) -> String {
    FIELDS
        .iter()
        .filter_map(|f| {
            let value = (f.write)(settings);
            (!value.is_empty()).then(|| format!("{}={}", f.key, percent_encode(&value)))
        })
        .chain(
            settings
                .b
                .iter()
                .map(|(k, v)| format!("b.{k}={}", percent_encode(v))),
        )
        .collect::<Vec<_>>()
        .join("&")
}

/// Every byte but the URL's unreserved characters (`A–Z a–z 0–9 - . _ ~`)
/// and the comma as `%XX`, UTF-8 for anything beyond ASCII: `&`, `=`, `#`,
/// `%`, `+` and spaces in a value then read back as themselves
/// ([`percent_decode`]). The comma is left as it is so that a teacher's
/// `hide=activation,seed` reads as written (a fragment may hold it).
fn percent_encode(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b',') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The shortest link that opens `settings` (for the QR code a class scans):
/// the lesson page, the language, only the keys that differ from what the
/// page (or, without one, the default lesson) sets, and run B's
/// differences. Presentation mode is left out: a phone opens the lab itself.
pub fn write_short(settings: &Settings) -> String {
    let reference = match settings.lesson.page.and_then(crate::lessons::Page::find) {
        Some(page) => page.settings_over(&Settings::default()),
        None => Settings::default(),
    };
    let mut out: Vec<String> = settings
        .lesson
        .page
        .map(|id| format!("lesson={id}"))
        .into_iter()
        .collect();
    for f in FIELDS {
        if matches!(f.key, "lesson" | "present") {
            continue;
        }
        let v = (f.write)(settings);
        if f.key == "lang" || v != (f.write)(&reference) {
            out.push(format!("{}={}", f.key, percent_encode(&v)));
        }
    }
    out.extend(
        settings
            .b
            .iter()
            .map(|(k, v)| format!("b.{k}={}", percent_encode(v))),
    );
    out.join("&")
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
    fn numbers_keep_a_value_from_a_link_in_the_menu() {
        let o = numbers(&[0.1, 1.0], 0.5);
        assert_eq!(
            o.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
            ["0.1", "0.5", "1"]
        );
        assert_eq!(numbers(&[0.1, 1.0], 1.0).len(), 2);
    }

    #[test]
    fn run_b_differs_only_where_the_link_says() {
        let (s, n) = parse("compare=on&b.activation=relu&b.clip-mode=none&seed=4");
        assert_eq!(n, vec![]);
        assert!(s.compare);
        assert_eq!(
            s.b,
            vec![
                ("activation", "relu".to_string()),
                ("clip-mode", "none".to_string())
            ]
        );
        let b = s.run_b();
        assert_eq!(b.activation, Activation::Relu);
        assert_eq!(b.clip_mode, ClipMode::None);
        assert_eq!(
            (b.seed, b.hidden, b.task),
            (4, s.hidden, s.task),
            "the same seed and batches"
        );
        assert!(!b.compare && b.b.is_empty());
        // The link round-trips, B included.
        let q = write(&s);
        assert!(q.ends_with("compare=on&mlp-depth=20&mlp-activation=sigmoid&mlp-init=xavier_uniform&mlp-data=circles&mlp-bn=off&mlp-residual=off&b.activation=relu&b.clip-mode=none") || q.contains("&b.activation=relu&b.clip-mode=none"), "{q}");
        assert_eq!(parse(&q), (s.clone(), vec![]));
        // A refused difference is named with its b. key; an unknown one too.
        let (t, n) = parse("compare=on&b.hidden=0&b.lang=zh&b.nope=1");
        assert!(t.b.is_empty());
        assert_eq!(notice_keys(&n), ["b.hidden", "b.lang", "b.nope"]);
        // A difference equal to A's value is none; an empty value removes it.
        let mut u = s.clone();
        assert_eq!(apply(&mut u, "b.activation", "tanh", &s), None);
        assert_eq!(u.b, vec![("clip-mode", "none".to_string())]);
        assert_eq!(apply(&mut u, "b.clip-mode", "", &s), None);
        assert!(u.b.is_empty());
        // B comes and goes with a rebuild of both runs.
        assert!(Settings::default().needs_reset(&s));
    }

    #[test]
    fn depth_names_spell_the_depths() {
        let spelled: Vec<String> = DEPTHS.iter().map(|d| d.to_string()).collect();
        assert_eq!(spelled, DEPTH_NAMES);
    }

    #[test]
    fn the_first_chapters_settings_are_in_the_link() {
        let mut s = Settings::default();
        s.perceptron.data = DatasetKind::Xor;
        s.perceptron.learning_rate = 0.5;
        s.bp.hidden = 4;
        s.bp.outputs = 2;
        s.bp.activation = Activation::Relu;
        s.bp.data = DatasetKind::Circles;
        s.bp.learning_rate = 0.3;
        let q = write(&s);
        assert!(
            q.contains(
                "perceptron-data=xor&perceptron-lr=0.5&bp-hidden=4&bp-outputs=2&bp-activation=relu\
                 &bp-data=circles&bp-lr=0.3"
            ),
            "{q}"
        );
        assert_eq!(parse(&q), (s.clone(), vec![]));
        assert!(!Settings::default().needs_reset(&s));
        // Out of the view's range: the default and a notice.
        let (t, n) = parse("bp-hidden=8&bp-outputs=3&perceptron-lr=0&bp-lr=11&bp-activation=identity");
        assert_eq!(t, Settings::default());
        assert_eq!(
            notice_keys(&n),
            [
                "bp-hidden",
                "bp-outputs",
                "perceptron-lr",
                "bp-lr",
                "bp-activation"
            ]
        );
        // Every BP menu value builds a net.
        for h in BP_HIDDEN {
            for o in BP_OUTPUTS {
                let b = crate::state::settings::BpSettings {
                    hidden: h,
                    outputs: o,
                    ..Default::default()
                };
                rnn_core::BpNet::new(b.config()).unwrap();
            }
        }
    }

    #[test]
    fn the_mlp_settings_are_in_the_link() {
        let mut s = Settings::default();
        s.mlp.depth = 50;
        s.mlp.activation = Activation::Relu;
        s.mlp.init = Init::He;
        s.mlp.batch_norm = true;
        s.mlp.residual = true;
        s.mlp.dataset = DatasetKind::Spirals;
        let q = write(&s);
        assert!(
            q.contains(
                "mlp-depth=50&mlp-activation=relu&mlp-init=he&mlp-data=spirals&mlp-bn=on&mlp-residual=on"
            ),
            "{q}"
        );
        assert_eq!(parse(&q), (s.clone(), vec![]));
        // An MLP change never rebuilds the recurrent net.
        assert!(!Settings::default().needs_reset(&s));
    }

    /// The table's `rebuilds` says what `Settings::needs_reset` does: a row
    /// that rebuilds changes the experiment, one that does not leaves it.
    #[test]
    fn the_rebuild_flag_agrees_with_the_engine() {
        let d = Settings::default();
        for f in FIELDS {
            let Control::Menu(options) = f.control else {
                continue;
            };
            for (value, _) in options(&d, Locale::en) {
                let mut s = d.clone();
                if (f.parse)(&value, &mut s).is_err() || s == d {
                    continue;
                }
                if !f.rebuilds {
                    assert!(!d.needs_reset(&s), "{}={value} rebuilds", f.key);
                } else if !matches!(f.key, "activation" | "spectral-radius") {
                    assert!(d.needs_reset(&s), "{}={value} does not rebuild", f.key);
                }
            }
        }
    }

    /// Every row's control offers only values its own parser accepts, in
    /// both languages, and shows the current value among them.
    #[test]
    fn every_control_is_generated_from_its_row() {
        let d = Settings::default();
        for f in FIELDS {
            assert!(
                !(f.label)(Locale::en).is_empty() && !(f.label)(Locale::zh).is_empty(),
                "{}",
                f.key
            );
            if let Control::Menu(options) = f.control {
                for l in crate::lang::ALL {
                    let o = options(&d, l);
                    assert!(
                        o.iter().any(|(v, _)| *v == (f.write)(&d)),
                        "{}: current value offered",
                        f.key
                    );
                    for (value, label) in o {
                        let mut s = d.clone();
                        assert!((f.parse)(&value, &mut s).is_ok(), "{}={value}", f.key);
                        assert!(!label.is_empty());
                    }
                }
            }
        }
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
            mlp: Default::default(),
            perceptron: Default::default(),
            bp: Default::default(),
            compare: true,
            b: vec![("hidden", "12".to_string())],
            text: None,
            lesson: Default::default(),
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

    fn chars_settings(text: &str) -> Settings {
        Settings {
            task: TaskKind::NextChar,
            seq_len: 5,
            text: Some(Arc::from(text)),
            ..Settings::default()
        }
    }

    /// The writer percent-encodes what would break a query (`&`, `=`, `#`,
    /// `%`, `+`, spaces) and anything beyond ASCII; the parser reads each
    /// back as itself, spaces and line breaks at the ends included.
    #[test]
    fn a_text_of_any_script_round_trips_through_the_link() {
        let texts = [
            "早上叠被子，叠好的被子放进柜子。",
            "a&b=c#d%e+f g?h/i&amp;%41",
            "👍🏽🇨🇳👨‍👩‍👧 ok 🙂🙂",
            "e\u{301}te\u{301} a\u{300} la plage",
            "  spaces at both ends\n\ttabs and lines\n ",
            "x=1&seed=999&model=lstm",
        ];
        for text in texts {
            let s = chars_settings(text);
            let q = write(&s);
            let encoded = q
                .split('&')
                .find(|p| p.starts_with("text="))
                .expect("in the link");
            assert!(
                encoded["text=".len()..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{encoded}"
            );
            assert_eq!(parse(&q), (s.clone(), vec![]), "{text:?} via {q}");
            assert_eq!(parse(&format!("#{q}")).0.text.as_deref(), Some(text));
        }
        let q = write(&chars_settings("&=#%"));
        assert!(q.contains("text=%26%3D%23%25"), "{q}");
        let q = write(&chars_settings("中 文"));
        assert!(q.ends_with("text=%E4%B8%AD%20%E6%96%87"), "{q}");
        // A browser may write a space as `+` or leave non-ASCII as it is.
        assert_eq!(
            parse("task=chars&seq-len=2&text=a+b").0.text.as_deref(),
            Some("a b")
        );
        assert_eq!(
            parse("task=chars&seq-len=2&text=叠被子").0.text.as_deref(),
            Some("叠被子")
        );
    }

    #[test]
    fn a_long_text_stays_out_of_the_link() {
        let at_limit = "字".repeat(files::MAX_LINK_TEXT_CHARS);
        assert!(write(&chars_settings(&at_limit)).contains("text="));
        let over = "字".repeat(files::MAX_LINK_TEXT_CHARS + 1);
        let q = write(&chars_settings(&over));
        assert!(!q.contains("text="), "{q}");
        // No text of one's own: no row, and `text=` is the built-in sentences.
        assert!(!write(&Settings::default()).contains("text"));
        assert_eq!(parse("text=").0.text, None);
        assert_eq!(parse("text=").1, vec![]);
        // The longest link text still fits within what a link may hold.
        let emoji = "👨‍👩‍👧".repeat(files::MAX_LINK_TEXT_CHARS / 5);
        assert!(files::fits_link(&emoji));
        let q = write(&Settings {
            model: Model::new(CellKind::Lstm, true),
            ..chars_settings(&emoji)
        });
        assert!(q.len() < MAX_LEN, "{}", q.len());
        assert_eq!(parse(&q).0.text.as_deref(), Some(emoji.as_str()));
    }

    /// Found by the fuzzer (`cargo xtask fuzz`): a hand-written link may
    /// carry a text longer than the page writes into a link. It is used,
    /// as a typed one would be, and the link written back leaves it out
    /// (the text box's note says so), so that round trip loses only it.
    #[test]
    fn a_long_link_text_is_used_but_not_written_back() {
        let long = "ab\"c\u{0}".repeat(files::MAX_LINK_TEXT_CHARS);
        let (s, notices) = parse(&format!("task=chars&seed=3&text={long}"));
        assert_eq!(notices, vec![]);
        assert_eq!(s.text.as_deref(), Some(long.as_str()));
        let (again, notices) = parse(&write(&s));
        assert_eq!(notices, vec![]);
        assert_eq!(again, Settings { text: None, ..s });
    }

    /// A link whose text the engine refuses keeps everything else, uses the
    /// built-in sentences and says why.
    #[test]
    fn a_link_text_the_engine_refuses_is_named_and_dropped() {
        for (text, why) in [
            ("abc", "TextTooShort"),
            ("aaaaaaaaaaaaaaaaaaaaaaaaa", "DistinctChars"),
        ] {
            let q = write(&Settings {
                seq_len: 20,
                seed: 5,
                ..chars_settings(text)
            });
            let (s, n) = parse(&q);
            assert_eq!(
                (s.text, s.seed, s.seq_len, s.task),
                (None, 5, 20, TaskKind::NextChar)
            );
            assert_eq!(notice_keys(&n), ["text"], "{text}");
            match &n[0].kind {
                NoticeKind::Files(FilesNotice::LinkText(e)) => {
                    assert!(format!("{e:?}").contains(why), "{e:?}")
                }
                other => panic!("{other:?}"),
            }
        }
        // Another task keeps the text for later, unchecked.
        let (s, n) = parse("task=adding&text=ab");
        assert_eq!((s.text.as_deref(), n), (Some("ab"), vec![]));
        assert!(
            !Settings::default().needs_reset(&s),
            "another task does not read it"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(0.001), "0.001");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(1e-6), "1e-6");
    }

    /// A seeded property test over 10⁶ generated links: valid keys with wild
    /// values, unknown keys, `b.` keys, percent-encoding, characters from
    /// every Unicode plane, and links far past the length limit. No panic;
    /// every refused value and unknown key is named in a notice; whatever is
    /// accepted round-trips through the writer; the result builds or is
    /// refused with a typed reason (never a panic).
    #[test]
    fn a_million_generated_links() {
        let mut rng = 0x5eed_u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let wild = [
            "",
            "0",
            "-1",
            "1e999",
            "NaN",
            "inf",
            "-0",
            "0.5",
            "3",
            "200",
            "256",
            "257",
            "1e-7",
            "none",
            "on",
            "off",
            "rnn",
            "lstm",
            "zh",
            "en",
            "%",
            "%4",
            "%zz",
            "%E4%B8%AD",
            "+",
            "=",
            "&",
            "\u{0}",
            "\u{7f}",
            "\u{a0}",
            "\u{fffd}",
            "\u{1f980}",
            "\u{10ffff}",
            "\u{e000}",
            "中文",
            "<img src=x onerror=alert(1)>",
            "\"'",
            "18446744073709551615",
            "18446744073709551616",
            "0x10",
            "1_000",
            " 5 ",
        ];
        let planes = [
            0x41u32, 0x4e2d, 0x1f980, 0x20000, 0x30000, 0xe0001, 0xf0000, 0x10fffd,
        ];
        let mut accepted = 0u32;
        for n in 0..1_000_000u32 {
            let pairs = 1 + (next() % 6) as usize;
            let mut q = String::new();
            let mut asked: Vec<(String, String)> = Vec::new();
            for _ in 0..pairs {
                let r = next();
                let key = match r % 10 {
                    0 => "nope".to_string(),
                    1 => format!("b.{}", FIELDS[(r >> 8) as usize % FIELDS.len()].key),
                    2 => char::from_u32(planes[(r >> 8) as usize % planes.len()])
                        .map_or("x".into(), |c| c.to_string()),
                    _ => FIELDS[(r >> 8) as usize % FIELDS.len()].key.to_string(),
                };
                let value = match (r >> 20) % 4 {
                    0 => {
                        // A value its own row offers, so links are often accepted.
                        let f = FIELDS.iter().find(|f| f.key == key);
                        f.map_or("1".to_string(), |f| (f.write)(&Settings::default()))
                    }
                    1 => {
                        let c = planes[(r >> 24) as usize % planes.len()];
                        char::from_u32(c).map_or("y".into(), |c| c.to_string())
                    }
                    _ => wild[(r >> 24) as usize % wild.len()].to_string(),
                };
                if !q.is_empty() {
                    q.push('&');
                }
                let encoded = if (r >> 40) % 3 == 0 {
                    encode_all(&value)
                } else {
                    value.clone()
                };
                q.push_str(&key);
                q.push('=');
                q.push_str(&encoded);
                asked.push((key, value));
            }
            if n % 100_000 == 0 {
                // Far past the length limit: cut, said, no panic.
                let long = q.repeat(100_000 / q.len().max(1) + 1);
                let (_, notices) = parse(&long);
                assert!(notices
                    .iter()
                    .any(|n| matches!(n.kind, NoticeKind::TooLong { .. })));
            }
            let (settings, notices) = parse(&q);
            // Every refused value and unknown key is named.
            for (key, value) in &asked {
                if q.contains('&')
                    && (key.contains('&') || value.contains('&') || value.contains('=') || key.contains('='))
                {
                    continue; // the pair itself splits differently
                }
                let decoded_key = percent_decode(key);
                let mut probe = Settings::default();
                let refused = apply(
                    &mut probe,
                    &decoded_key,
                    percent_decode(value).trim(),
                    &Settings::default(),
                )
                .is_some();
                if refused && !decoded_key.starts_with("b.") {
                    assert!(
                        notices.iter().any(|n| n.key == shorten(&decoded_key)),
                        "{q:?}: {decoded_key} not named in {notices:?}"
                    );
                }
            }
            // What is accepted round-trips.
            let (again, renotices) = parse(&write(&settings));
            assert_eq!(again, settings, "{q:?}");
            assert!(renotices.is_empty(), "{q:?}: {renotices:?}");
            if notices.is_empty() {
                accepted += 1;
            }
        }
        assert!(
            accepted > 20_000,
            "enough clean links to test the round trip: {accepted}"
        );
    }

    /// Percent-encodes every byte (as a careful link writer might).
    fn encode_all(s: &str) -> String {
        s.bytes().map(|b| format!("%{b:02X}")).collect()
    }
}
