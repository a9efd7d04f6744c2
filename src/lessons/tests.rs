//! The pages against the settings table and the engine, natively.

use super::rehearse::Rehearsal;
use super::*;
use crate::lang::Locale;
use crate::state::url;

fn page(id: &str) -> &'static Page {
    Page::find(id).unwrap_or_else(|| panic!("page {id}"))
}

/// A page's settings as its link opens them: `#lesson=<id>`.
fn opened(id: &str) -> Settings {
    let (s, notices) = url::parse(&format!("lesson={id}"));
    assert_eq!(notices, vec![], "{id}");
    s
}

#[test]
fn the_chapters_follow_the_curriculum() {
    let numbers: Vec<u8> = CHAPTERS.iter().map(|c| c.number).collect();
    assert_eq!(numbers, [0, 1, 2, 3, 4, 5, 6]);
    for c in CHAPTERS {
        let pages = PAGES.iter().filter(|p| p.chapter == c.number).count();
        assert!(pages >= 1, "chapter {}", c.number);
        for l in crate::lang::ALL {
            assert!(!(c.title)(l).is_empty());
        }
    }
    let count = |n| PAGES.iter().filter(|p| p.chapter == n).count();
    assert_eq!(count(0), 1, "chapter 0 is one page");
    assert_eq!(count(1), 5, "the perceptron and the BP net's four steps");
    assert_eq!(count(5), 5, "a page per remedy");
    // Ids are `chapter.page`, unique, in order.
    let mut last = (0u8, 0u8);
    for (i, p) in PAGES.iter().enumerate() {
        let (c, n) = p.id.split_once('.').expect("chapter.page");
        let (c, n): (u8, u8) = (c.parse().unwrap(), n.parse().unwrap());
        assert_eq!(c, p.chapter, "{}", p.id);
        assert!((c, n) > last || i == 0, "{} after {:?}", p.id, last);
        last = (c, n);
        assert_eq!(Page::find(p.id).map(|q| q.index()), Some(i));
    }
    assert!(page("0.1").previous().is_none());
    assert_eq!(page("0.1").next().map(|p| p.id), Some("1.1"));
    assert!(PAGES.last().unwrap().next().is_none());
}

#[test]
fn every_page_is_a_clean_link_that_builds() {
    for p in PAGES {
        // The query alone gives no notice…
        let (s, notices) = url::parse(p.query);
        assert_eq!(notices, vec![], "{}: {}", p.id, p.query);
        s.build().unwrap_or_else(|e| panic!("{}: {e:?}", p.id));
        // …and `lesson=<id>` opens exactly those settings, with the page.
        let o = opened(p.id);
        assert_eq!(o.lesson.page, Some(p.id));
        let mut plain = o.clone();
        plain.lesson.page = None;
        assert_eq!(plain, s, "{}", p.id);
        assert_eq!(p.settings_over(&Settings::default()), o);
        // The address bar's form of it reads back the same.
        assert_eq!(url::parse(&url::write(&o)), (o.clone(), vec![]), "{}", p.id);
        for l in crate::lang::ALL {
            assert!(!(p.title)(l).is_empty() && !(p.body)(l).is_empty(), "{}", p.id);
        }
    }
}

#[test]
fn a_teachers_own_keys_override_the_page() {
    let (s, n) = url::parse("seq-len=50&lesson=4.1&lang=zh");
    assert_eq!(n, vec![]);
    assert_eq!(s.lesson.page, Some("4.1"));
    assert_eq!(s.seq_len, 50, "the link's key, though it came before lesson=");
    assert_eq!(s.activation, rnn_core::Activation::Sigmoid, "the page's key");
    assert_eq!(s.lang, Locale::zh);
    // An unknown page is a notice and the defaults.
    let (s, n) = url::parse("lesson=9.9");
    assert_eq!(s, Settings::default());
    assert_eq!(n.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(), ["lesson"]);
}

#[test]
fn the_short_link_opens_the_same_experiment_without_presenting() {
    let (mut s, _) = url::parse("lesson=5.2&seed=7&lang=zh&present=1&hide=seed,activation");
    let short = url::write_short(&s);
    assert!(short.starts_with("lesson=5.2&"), "{short}");
    assert!(short.contains("seed=7") && short.contains("lang=zh"), "{short}");
    assert!(
        !short.contains("init-input"),
        "the page's own keys stay out: {short}"
    );
    assert!(!short.contains("present"), "{short}");
    s.lesson.present = false;
    assert_eq!(url::parse(&short), (s, vec![]));
    assert_eq!(url::write_short(&Settings::default()), "lang=en");
}

#[test]
fn hide_takes_the_keys_of_controls() {
    let (s, n) = url::parse("hide=activation,seed,activation");
    assert_eq!(n, vec![]);
    assert_eq!(s.lesson.hide, ["activation", "seed"]);
    let field = |k| FIELDS.iter().find(|f| f.key == k).unwrap();
    assert!(field("seed").hidden_in(&s) && !field("model").hidden_in(&s));
    let (s, n) = url::parse("hide=activation,nonsense");
    assert!(s.lesson.hide.is_empty());
    assert!(
        matches!(&n[0].kind, url::NoticeKind::BadValue { allowed: url::Allowed::ListOf(keys), .. } if keys.contains(&"seed"))
    );
    // The lesson rows have no control of their own to hide.
    assert!(!url::hideable_keys().contains(&"lesson"));
    let plain = url::write(&Settings::default());
    assert!(
        ["lesson=", "present=", "hide="]
            .iter()
            .all(|k| !plain.contains(k)),
        "nothing added to a plain link: {plain}"
    );
}

#[test]
fn every_view_a_page_marks_exists() {
    let mut sources = String::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("lessons/mod.rs") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    for v in VIEWS {
        let found = sources.contains(&format!("data-testid=\"{v}\""));
        assert!(
            found || PENDING_VIEWS.contains(v),
            "no view with data-testid=\"{v}\""
        );
    }
    for p in PAGES {
        assert!(VIEWS.contains(&p.view), "{}: {}", p.id, p.view);
    }
}

#[test]
fn every_question_has_two_to_four_choices_that_tile_the_numbers() {
    for p in PAGES {
        let Some(q) = &p.question else { continue };
        assert!((2..=4).contains(&q.choices.len()), "{}", p.id);
        // No number is right for two choices.
        for (i, a) in q.choices.iter().enumerate() {
            assert!(a.lo < a.hi, "{}", p.id);
            for b in &q.choices[i + 1..] {
                assert!(a.hi <= b.lo || b.hi <= a.lo, "{}: overlapping choices", p.id);
            }
        }
        for l in crate::lang::ALL {
            assert!(
                !(q.prompt)(l).is_empty() && (q.answer)(l).contains("{value}"),
                "{}",
                p.id
            );
        }
    }
}

/// The heart of it: on a fresh run of each page's settings, trained as far
/// as its question waits, the reader gives a number, that number is on the
/// side the page claims, and it picks one of the choices.
#[test]
fn every_question_is_answered_by_the_run_and_its_claim_holds() {
    for p in PAGES {
        let Some(q) = &p.question else { continue };
        let mut run = Rehearsal::new(opened(p.id));
        run.train_to(q.after);
        let data = run.data(q.uses_analysis);
        assert!(q.ready(&data), "{}", p.id);
        let value = (q.read)(&data).unwrap_or_else(|| panic!("{}: no number", p.id));
        assert!(!value.is_nan(), "{}", p.id);
        assert!(q.claim.holds(value), "{}: {value} is not {:?}", p.id, q.claim);
        assert!(
            q.right_choice(value).is_some(),
            "{}: {value} fits no choice",
            p.id
        );
        if let Some(other) = q.other {
            assert!(other(&data).is_some(), "{}: no second number", p.id);
        }
        println!("{}: {value:e} at step {} ({:?})", p.id, data.step, q.claim);
    }
}

#[test]
fn the_vanishing_page_shows_the_gradient_vanish_before_any_step() {
    let q = page("4.1").question.as_ref().unwrap();
    let run = Rehearsal::new(opened("4.1"));
    let ratio = (q.read)(&run.data(false)).unwrap();
    assert!(ratio < 1e-4 && ratio > 0.0, "{ratio}: a number, not an underflow");
    assert_eq!(q.right_choice(ratio), Some(2));
}

#[test]
fn the_bidirectional_page_beats_the_forward_only_one() {
    let accuracy = |id| {
        let q = page(id).question.as_ref().unwrap();
        let mut run = Rehearsal::new(opened(id));
        run.train_to(q.after);
        (q.read)(&run.data(false)).unwrap()
    };
    let (forward, both) = (accuracy("3.1"), accuracy("3.2"));
    assert!(both > forward, "bidirectional {both} vs forward-only {forward}");
}

#[test]
fn no_challenge_is_passed_at_step_0_and_every_solution_passes() {
    for p in PAGES {
        let Some(c) = &p.challenge else { continue };
        let start = Rehearsal::new(opened(p.id));
        assert_eq!(
            c.state(p, &start.data(c.pass.uses_analysis())),
            ChallengeState::Open,
            "{}",
            p.id
        );
        for k in c.may_change {
            assert!(FIELDS.iter().any(|f| f.key == *k), "{}: {k}", p.id);
        }
        // The solution changes only what the challenge allows…
        let (solved, n) = url::parse(&format!("lesson={}&{}", p.id, c.solution));
        assert_eq!(n, vec![]);
        assert!(
            p.changed_keys(&solved).iter().all(|k| c.may_change.contains(k)),
            "{}",
            p.id
        );
        // …and passes, within the steps the challenge gives.
        let limit = match c.pass {
            Pass::Solved { within } => within,
            Pass::Survives { steps } => steps,
            Pass::Reads { .. } => 0,
        };
        let mut run = Rehearsal::new(solved.clone());
        let mut state = c.state(p, &run.data(c.pass.uses_analysis()));
        while state != ChallengeState::Passed && run.step < limit {
            run.train_to(run.step + 50);
            state = c.state(p, &run.data(c.pass.uses_analysis()));
        }
        assert_eq!(state, ChallengeState::Passed, "{} at step {}", p.id, run.step);
        println!("{}: passed at step {}", p.id, run.step);
        // Doing it with a key the challenge does not allow leaves it open.
        let mut cheat = solved;
        cheat.seed += 1;
        let data = RunData {
            settings: cheat,
            ..run.data(c.pass.uses_analysis())
        };
        assert_eq!(
            c.state(p, &data),
            ChallengeState::OffLimits(vec!["seed"]),
            "{}",
            p.id
        );
    }
}

#[test]
fn without_a_fix_the_challenges_stay_open() {
    // The page's own settings, trained as long as the challenge allows.
    for id in ["5.2", "6.1", "4.2"] {
        let p = page(id);
        let c = p.challenge.as_ref().unwrap();
        let limit = match c.pass {
            Pass::Solved { within } => within,
            Pass::Survives { steps } => steps,
            Pass::Reads { .. } => 0,
        };
        let mut run = Rehearsal::new(opened(id));
        run.train_to(limit);
        assert_eq!(c.state(p, &run.data(false)), ChallengeState::Open, "{id}");
    }
}

#[test]
fn the_solved_line_is_judged_over_twenty_steps() {
    let mut h = LossHistory::default();
    h.set_initial(0.0);
    for step in 1..=30 {
        h.push(step, if step == 5 { 0.0 } else { 1.0 });
    }
    assert_eq!(first_solved_step(&h, 0.5), None, "one lucky batch is no solution");
    for step in 31..=60 {
        h.push(step, 0.1);
    }
    assert_eq!(first_solved_step(&h, 0.5), Some(42));
}

#[test]
fn numbers_read_as_a_class_reads_them() {
    assert_eq!(format_sci(3.1e-12), "3.1×10⁻¹²");
    assert_eq!(format_sci(7.66e-19), "7.7×10⁻¹⁹");
    assert_eq!(format_sci(9.96e-5), "1.0×10⁻⁴");
    assert_eq!(format_sci(2.4e16), "2.4×10¹⁶");
    assert_eq!(format_sci(0.0439), "0.0439");
    assert_eq!(format_sci(f64::INFINITY), "∞");
    assert_eq!(format_sci(f64::NAN), "∞");
    assert_eq!(format_value(0.634, Format::Percent), "63%");
    assert_eq!(format_value(2.0, Format::Count), "2");
    assert_eq!(js_number(f64::INFINITY), "Infinity");
    assert_eq!(js_number(3.1e-12), "3.1e-12");
    assert_eq!(subscript(30), "₃₀");
    assert_eq!(Side::Below(1e-4).code(), "<1e-4");
}

#[test]
fn the_blank_example_shows_the_nets_answer_in_one_bracket_in_its_language() {
    let mut run = Rehearsal::new(opened("3.2"));
    let mut seen = [false, false];
    for _ in 0..12 {
        run.train_to(run.step + 30);
        let data = run.data(false);
        let (zh, en) = (
            read::blank_example(&data, true),
            read::blank_example(&data, false),
        );
        assert!(zh.is_none() || en.is_none(), "one language per sentence");
        for (i, s) in [zh, en].into_iter().enumerate() {
            if let Some(s) = s {
                assert_eq!((s.matches('[').count(), s.matches(']').count()), (1, 1), "{s}");
                seen[i] = true;
            }
        }
    }
    assert!(seen[0] && seen[1], "both languages' sentences come up: {seen:?}");
}
