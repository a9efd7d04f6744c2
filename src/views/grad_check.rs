//! "Are these the true gradients?" in the page (`grad-check`,
//! `grad-check-data`): a button that runs the engine's finite-difference
//! check (`rnn_core::GradCheck`, in f64, on a copy of the current model's
//! weights and its last batch or example) a few milliseconds per animation
//! frame, the page answering meanwhile, and a table of the relative error
//! per parameter. One component for the recurrent run (beside the
//! parameter-gradient chart) and for the BP network (inside its view).
//!
//! [`report_table`] (plain, tested) words the report. Words:
//! `locales/*/bp.json`, `bp.check`.

use crate::html::{Html, Table, SPAN, TABLE, TD};
use crate::i18n::*;
use crate::lang::Locale;
use crate::views::formula::num;
use crate::views::throttle::now_ms;
use leptos::prelude::*;
use rnn_core::{GradCheck, GradCheckConfig, GradCheckReport, ParamCheck};

/// Time per animation frame the check may take.
const FRAME_BUDGET_MS: f64 = 4.0;
/// Below this relative error the gradients agree (exact backpropagation
/// gives about 1e-9; a wrong term 1e-2 and more).
pub const AGREE: f64 = 1e-6;

/// What the check samples: 8 entries of every parameter, on the batch's
/// first 4 examples (the batch gradient is a mean of the same code per
/// example, so a few examples check that code at a fraction of the time).
pub fn config() -> GradCheckConfig {
    GradCheckConfig {
        entries_per_param: 8,
        max_examples: Some(4),
    }
}

/// One parameter's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Agrees,
    Disagrees,
    /// The sampled gradient is within a few orders of the differences'
    /// rounding noise: no finite difference can confirm it either way.
    TooSmall,
}

impl Verdict {
    pub fn of(p: &ParamCheck, noise_floor: f64) -> Verdict {
        if p.scale <= 1e3 * noise_floor && p.scale > 0.0 {
            Verdict::TooSmall
        } else if p.rel_error < AGREE {
            Verdict::Agrees
        } else {
            Verdict::Disagrees
        }
    }

    pub fn words(self, l: Locale) -> &'static str {
        match self {
            Verdict::Agrees => td_string!(l, bp.check.agrees),
            Verdict::Disagrees => td_string!(l, bp.check.disagrees),
            Verdict::TooSmall => td_string!(l, bp.check.too_small),
        }
    }
}

/// The report as a caption and a table (parameter, relative error,
/// max (|g| + |ĝ|) of the entries sampled, verdict), inside the `<table>`
/// that `html` has just opened. `label` words a parameter's name.
pub fn report_table(
    html: Html,
    r: &GradCheckReport,
    step: u64,
    l: Locale,
    label: fn(Locale, &str) -> String,
) -> Table {
    let mut caption = crate::tr!(
        l,
        bp.check.caption,
        step,
        examples = r.examples,
        h = num(r.step),
        loss = num(r.loss)
    );
    if let Some(k) = r.truncation {
        caption.push(' ');
        caption.push_str(&crate::tr!(l, bp.check.truncated, k));
    }
    let mut t = Table::after(html, &caption);
    t.header(&[
        td_string!(l, bp.check.param),
        td_string!(l, bp.check.rel_error),
        td_string!(l, bp.check.scale),
        td_string!(l, bp.check.verdict),
    ]);
    for p in &r.params {
        let v = Verdict::of(p, r.noise_floor);
        let verdict = match v {
            Verdict::Agrees => "agrees",
            Verdict::Disagrees => "disagrees",
            Verdict::TooSmall => "too-small",
        };
        t.row()
            .attr("data-param", &p.name)
            .attr("data-verdict", verdict)
            .el(TD, &label(l, &p.name))
            .open(TD)
            .attr_num("data-value", p.rel_error)
            .text(&num(p.rel_error))
            .close()
            .el(TD, &num(p.scale))
            .el(TD, v.words(l));
    }
    t
}

/// [`report_table`] on its own, for tests.
#[cfg(test)]
fn report_html(r: &GradCheckReport, step: u64, l: Locale, label: fn(Locale, &str) -> String) -> String {
    report_table(Html::new(), r, step, l, label).finish()
}

/// A new check, and the training step whose weights it copied.
pub type Started = Result<(GradCheck, u64), rnn_core::Error>;

/// The button and, once the check is done, its table.
#[component]
pub fn GradCheckPanel(
    /// Makes the check from the model as it is now (`None`: no model).
    make: Callback<(), Option<Started>>,
    /// Changes when the model is rebuilt: the report shown is cleared.
    #[prop(into)]
    epoch: Signal<u64>,
    /// A parameter's name in words.
    label: fn(Locale, &str) -> String,
) -> impl IntoView {
    let i18n = use_i18n();
    let job = StoredValue::new_local(None::<GradCheck>);
    let report = RwSignal::new(None::<(GradCheckReport, u64)>);
    let error = RwSignal::new(None::<rnn_core::Error>);
    // Entries done and in all while the check runs.
    let progress = RwSignal::new(None::<(usize, usize)>);
    let step = StoredValue::new(0u64);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        epoch.track();
        generation.update_value(|g| *g += 1);
        job.set_value(None);
        report.set(None);
        progress.set(None);
        error.set(None);
    });
    fn frame(
        job: StoredValue<Option<GradCheck>, LocalStorage>,
        report: RwSignal<Option<(GradCheckReport, u64)>>,
        progress: RwSignal<Option<(usize, usize)>>,
        step: StoredValue<u64>,
        generation: StoredValue<u64>,
        gen: u64,
    ) {
        if generation.try_get_value() != Some(gen) {
            return;
        }
        let start = now_ms();
        let done = job
            .try_update_value(|j| {
                let j = j.as_mut()?;
                let r = j.advance_units(&mut || now_ms() - start < FRAME_BUDGET_MS);
                progress.set(Some((j.entries_done(), j.entries_total())));
                Some(r)
            })
            .flatten();
        match done {
            Some(Some(r)) => {
                job.set_value(None);
                progress.set(None);
                report.set(Some((r, step.get_value())));
            }
            Some(None) => {
                request_animation_frame(move || frame(job, report, progress, step, generation, gen))
            }
            None => progress.set(None),
        }
    }
    let start = move |_: ()| {
        if progress.get_untracked().is_some() {
            return;
        }
        match make.run(()) {
            Some(Ok((check, at))) => {
                generation.update_value(|g| *g += 1);
                let gen = generation.get_value();
                progress.set(Some((0, check.entries_total())));
                job.set_value(Some(check));
                step.set_value(at);
                error.set(None);
                frame(job, report, progress, step, generation, gen);
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    };
    let html = Memo::new(move |_| {
        let l = i18n.get_locale();
        let running = progress.get();
        let words = match running {
            Some((done, total)) => crate::tr!(l, bp.check.running, pct = 100 * done / total.max(1)),
            None => td_string!(l, bp.check.button).to_string(),
        };
        let mut h = Html::new();
        crate::views::formula::button(
            &mut h,
            "grad-check",
            "check",
            "",
            running.is_some(),
            td_string!(l, bp.check.hint),
            &words,
        );
        if let Some(e) = error.get() {
            h.text(" ")
                .open(SPAN)
                .attr("class", "stale")
                .text(&crate::text::engine_error(l, &e))
                .close();
        }
        report.with(|r| match r {
            Some((r, step)) => {
                h.open(TABLE)
                    .attr("data-testid", "grad-check-data")
                    .attr("class", "grad-check-table");
                report_table(h, r, *step, l, label).finish()
            }
            None => h.finish(),
        })
    });
    view! {
        <div
            class="grad-check"
            on:click=move |ev| {
                if crate::views::formula::target_attr(&ev, "data-act").is_some() {
                    start(());
                }
            }
            inner_html=html
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::*;

    fn plain(l: Locale, name: &str) -> String {
        crate::views::param_grads::param_label(l, name)
    }

    #[test]
    fn the_recurrent_run_and_the_bp_net_have_their_true_gradients() {
        for cell in CellKind::ALL {
            let mut e = Experiment::new(ExperimentConfig {
                cell,
                hidden_size: 8,
                ..ExperimentConfig::default()
            })
            .unwrap();
            e.step(false).unwrap();
            let r = GradCheck::for_experiment(&e, config())
                .unwrap()
                .advance(usize::MAX)
                .unwrap();
            assert_eq!(r.examples, 4);
            for p in &r.params {
                assert_eq!(
                    Verdict::of(p, r.noise_floor),
                    Verdict::Agrees,
                    "{cell:?} {}",
                    p.name
                );
            }
            let html = report_html(&r, 1, Locale::en, plain);
            assert_eq!(html.matches("data-verdict=\"agrees\"").count(), r.params.len());
            assert!(html.contains("step 1"), "{html}");
        }
        let net = BpNet::new(crate::state::settings::BpSettings::default().config()).unwrap();
        let r = GradCheck::for_bp(&net, &[1.0, -1.0], &[1.0], config())
            .unwrap()
            .advance(usize::MAX)
            .unwrap();
        assert!(r.params.iter().all(|p| p.rel_error < AGREE));
    }

    #[test]
    fn a_wrong_gradient_and_a_vanished_one_are_told_apart() {
        let p = |rel_error: f64, scale: f64| ParamCheck {
            name: "W".into(),
            rows: 1,
            cols: 1,
            entries: vec![],
            rel_error,
            max_abs_error: rel_error * scale,
            scale,
        };
        assert_eq!(Verdict::of(&p(1e-9, 1.0), 1e-11), Verdict::Agrees);
        assert_eq!(Verdict::of(&p(0.3, 1.0), 1e-11), Verdict::Disagrees);
        assert_eq!(Verdict::of(&p(0.3, 1e-9), 1e-11), Verdict::TooSmall);
        assert_eq!(Verdict::of(&p(f64::NAN, 1.0), 1e-11), Verdict::Disagrees);
    }

    #[test]
    fn the_chinese_report_has_no_english() {
        let net = BpNet::new(crate::state::settings::BpSettings::default().config()).unwrap();
        let mut r = GradCheck::for_bp(&net, &[1.0, -1.0], &[1.0], config())
            .unwrap()
            .advance(usize::MAX)
            .unwrap();
        r.truncation = Some(5);
        let html = report_html(&r, 0, Locale::zh, plain);
        let text: String = html
            .split('<')
            .map(|p| p.split_once('>').map_or(p, |(_, t)| t))
            .collect::<Vec<_>>()
            .join(" ");
        let mut all = text;
        for v in [Verdict::Agrees, Verdict::Disagrees, Verdict::TooSmall] {
            all.push_str(v.words(Locale::zh));
        }
        all.push_str(td_string!(Locale::zh, bp.check.button));
        all.push_str(td_string!(Locale::zh, bp.check.hint));
        all.push_str(&crate::tr!(Locale::zh, bp.check.running, pct = 40));
        assert_eq!(
            crate::views::perceptron::tests::english(&all),
            Vec::<String>::new(),
            "{all}"
        );
    }
}
