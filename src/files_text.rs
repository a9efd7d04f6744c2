//! What the page says about its files and the user's text, in its
//! language (`locales/*/files.json`): why a run file was refused or a run
//! not saved, the text box's limits and counts. Like `crate::text`, it turns
//! the plain data of `state::files` and the engine's typed errors into
//! sentences; what a sentence quotes from a file (a parameter's name, a
//! parser's reason) is marked as code.

use crate::i18n::*;
use crate::lang::Locale;
use crate::state::files::{FilesNotice, RunRefusal, MAX_LINK_TEXT_CHARS};
use crate::text::{code, engine_error, refusal as settings_refusal};
use rnn_core::tasks::{MAX_TEXT_CHARS, MAX_VOCAB};
use rnn_core::{LoadError, SaveError, SavedPart};

/// A [`FilesNotice`] as one sentence.
pub fn notice(l: Locale, n: &FilesNotice) -> String {
    match n {
        FilesNotice::Refused(r) => crate::tr!(l, files.notice.refused, why = refusal(l, r)),
        FilesNotice::NotSaved(e) => crate::tr!(l, files.notice.not_saved, why = save_error(l, e)),
        FilesNotice::LinkText(e) => crate::tr!(l, files.notice.link_text, why = engine_error(l, e)),
    }
}

/// Why a run file was not loaded.
pub fn refusal(l: Locale, r: &RunRefusal) -> String {
    match r {
        RunRefusal::TooBig { bytes, max } => crate::tr!(
            l,
            files.load.too_big,
            mb = format!("{:.0}", *bytes as f64 / 1e6),
            max = format!("{:.0}", *max as f64 / 1e6)
        ),
        RunRefusal::Load(e) => load_error(l, e),
        RunRefusal::NoPage => td_string!(l, files.load.no_page).to_string(),
        RunRefusal::PageNewer { got, max } => crate::tr!(l, files.load.page_newer, got, max),
        RunRefusal::Mismatch => td_string!(l, files.load.mismatch).to_string(),
        RunRefusal::Settings(s) => crate::tr!(l, files.load.config, why = settings_refusal(l, s)),
    }
}

/// Which list of matrices of a saved run.
pub fn part(l: Locale, p: SavedPart) -> &'static str {
    match p {
        SavedPart::Weights => td_string!(l, files.part.weights),
        SavedPart::FirstMoments => td_string!(l, files.part.first_moments),
        SavedPart::SecondMoments => td_string!(l, files.part.second_moments),
    }
}

/// A shape as rows × columns.
fn shape(s: (usize, usize)) -> String {
    format!("{} × {}", s.0, s.1)
}

/// The engine's refusal of a saved run, with its numbers and names.
pub fn load_error(l: Locale, e: &LoadError) -> String {
    use LoadError::*;
    match e {
        Damaged { reason } => crate::tr!(l, files.load.damaged, reason = code(reason)),
        Foreign => td_string!(l, files.load.foreign).to_string(),
        NewerVersion { got, max } => crate::tr!(l, files.load.newer, got, max),
        Config(e) => crate::tr!(l, files.load.config, why = engine_error(l, e)),
        UnknownParameter { part: p, name } => {
            crate::tr!(
                l,
                files.load.unknown_parameter,
                part = part(l, *p),
                name = code(name)
            )
        }
        MissingParameter { part: p, name } => {
            crate::tr!(
                l,
                files.load.missing_parameter,
                part = part(l, *p),
                name = code(name)
            )
        }
        DuplicateParameter { part: p, name } => {
            crate::tr!(
                l,
                files.load.duplicate_parameter,
                part = part(l, *p),
                name = code(name)
            )
        }
        Shape {
            part: p,
            name,
            expected,
            got,
        } => crate::tr!(
            l,
            files.load.shape,
            part = part(l, *p),
            name = code(name),
            got = shape(*got),
            expected = shape(*expected)
        ),
        ValueCount {
            part: p,
            name,
            expected,
            got,
        } => crate::tr!(
            l,
            files.load.value_count,
            part = part(l, *p),
            name = code(name),
            got,
            expected
        ),
        NotFinite { part: p, name } => {
            crate::tr!(l, files.load.not_finite, part = part(l, *p), name = code(name))
        }
        UnusedMoments { part: p, optimizer } => crate::tr!(
            l,
            files.load.unused_moments,
            part = part(l, *p),
            optimizer = code(optimizer)
        ),
        RngState => td_string!(l, files.load.rng_state).to_string(),
        TooManySteps { got, max } => crate::tr!(l, files.load.too_many_steps, got, max),
    }
}

/// Why the run could not be saved.
pub fn save_error(l: Locale, e: &SaveError) -> String {
    match e {
        SaveError::StepInProgress => td_string!(l, files.save.step_in_progress).to_string(),
        SaveError::NotFinite { part: p, name } => {
            crate::tr!(l, files.save.not_finite, part = part(l, *p), name = code(name))
        }
    }
}

/// A count as a reader says it: `1,000,000`; in Chinese `100 万` for a
/// round number of ten-thousands.
pub fn count(l: Locale, n: usize) -> String {
    if l == Locale::zh && n >= 10_000 && n.is_multiple_of(10_000) {
        return format!("{} 万", n / 10_000);
    }
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The text box's limits, said before anything is typed: the engine's own
/// (length, different characters) for sequences of `seq_len`.
pub fn text_limits(l: Locale, seq_len: usize) -> String {
    crate::tr!(
        l,
        files.text.limits,
        min = count(l, seq_len + 1),
        max = count(l, MAX_TEXT_CHARS),
        vocab = MAX_VOCAB
    )
}

/// The live count beside the text box.
pub fn text_counts(l: Locale, chars: usize, distinct: usize) -> String {
    crate::tr!(
        l,
        files.text.count,
        chars = count(l, chars),
        distinct = count(l, distinct)
    )
}

/// What the run trains on now, and whether the link carries it.
pub fn text_now(l: Locale, text: Option<&str>) -> (String, Option<String>) {
    match text {
        None => (td_string!(l, files.text.now_builtin).to_string(), None),
        Some(t) => {
            let chars = t.chars().count();
            let note = (!crate::state::files::fits_link(t))
                .then(|| crate::tr!(l, files.text.not_in_link, max = MAX_LINK_TEXT_CHARS));
            (crate::tr!(l, files.text.now_own, chars = count(l, chars)), note)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::files::text_refusal;
    use crate::views::graph_svg::tests::english_words;

    fn plain(s: &str) -> String {
        crate::text::parts(s).into_iter().map(|p| p.1).collect()
    }

    /// Only what the page itself says (not what it quotes as code).
    fn said(s: &str) -> String {
        crate::text::parts(s)
            .into_iter()
            .filter(|p| !p.0)
            .map(|p| p.1)
            .collect()
    }

    #[test]
    fn counts_read_as_a_reader_says_them() {
        assert_eq!(count(Locale::en, 1_000_000), "1,000,000");
        assert_eq!(count(Locale::en, 21), "21");
        assert_eq!(count(Locale::en, 1234), "1,234");
        assert_eq!(count(Locale::zh, 1_000_000), "100 万");
        assert_eq!(count(Locale::zh, 1234), "1,234");
    }

    #[test]
    fn the_limits_are_the_engines() {
        let en = text_limits(Locale::en, 30);
        assert!(
            en.contains("at least 31") && en.contains("1,000,000") && en.contains("2 to 256"),
            "{en}"
        );
        let zh = text_limits(Locale::zh, 30);
        assert!(
            zh.contains("至少 31") && zh.contains("100 万") && zh.contains("2 到 256"),
            "{zh}"
        );
        assert!(english_words(&zh).is_empty(), "{zh}");
    }

    /// Texts of 0, 1 and 10⁶ + 1 characters and of 300 different ones get
    /// the engine's reason in each language; emoji, combining marks and
    /// Chinese train.
    #[test]
    fn every_text_gets_its_message_or_trains() {
        let many: String = (0..300u32)
            .map(|i| char::from_u32(0x4E00 + i).unwrap())
            .cycle()
            .take(600)
            .collect();
        let long = "ab".repeat(MAX_TEXT_CHARS / 2) + "a";
        let cases: [(&str, &str, &str); 4] = [
            (
                "",
                "the text has 0 characters; this sequence length needs at least 31",
                "文本只有 0 个字",
            ),
            (
                "a",
                "the text has 1 characters; this sequence length needs at least 31",
                "文本只有 1 个字",
            ),
            (
                &long,
                "the text has 1000001 characters (at most 1000000)",
                "文本有 1000001 个字（最多 1000000 个）",
            ),
            (
                &many,
                "the text has 300 different characters (allowed: 2 to 256)",
                "文本里有 300 个不同的字",
            ),
        ];
        for (text, en, zh) in cases {
            let e = text_refusal(text, 30).expect("refused");
            let worded_en = crate::tr!(Locale::en, files.text.refused, why = engine_error(Locale::en, &e));
            let worded_zh = crate::tr!(Locale::zh, files.text.refused, why = engine_error(Locale::zh, &e));
            assert!(worded_en.contains(en), "{worded_en}");
            assert!(worded_zh.contains(zh), "{worded_zh}");
            assert!(english_words(&worded_zh).is_empty(), "{worded_zh}");
        }
        let million = "ab".repeat(MAX_TEXT_CHARS / 2);
        let emoji = "👍🏽 🇨🇳 👨‍👩‍👧 ".repeat(10);
        let combining = "e\u{301}te\u{301} a\u{300} la plage. ".repeat(5);
        let chinese = "早上叠被子，叠好的被子放进柜子。".repeat(4);
        for text in [million.as_str(), &emoji, &combining, &chinese] {
            assert_eq!(text_refusal(text, 30), None, "{}", &text[..20.min(text.len())]);
        }
    }

    #[test]
    fn every_refusal_is_worded_in_both_languages() {
        use rnn_core::Error;
        let refusals = vec![
            RunRefusal::TooBig {
                bytes: 300_000_000,
                max: 268_435_456,
            },
            RunRefusal::Load(LoadError::damaged(
                "EOF while parsing a value at line 1 column 10",
            )),
            RunRefusal::Load(LoadError::Foreign),
            RunRefusal::Load(LoadError::NewerVersion { got: 2, max: 1 }),
            RunRefusal::Load(LoadError::Config(Error::Invalid(rnn_core::Invalid::HiddenSize {
                got: 0,
                max: 4096,
            }))),
            RunRefusal::Load(LoadError::UnknownParameter {
                part: SavedPart::Weights,
                name: "Q".into(),
            }),
            RunRefusal::Load(LoadError::MissingParameter {
                part: SavedPart::FirstMoments,
                name: "W".into(),
            }),
            RunRefusal::Load(LoadError::DuplicateParameter {
                part: SavedPart::SecondMoments,
                name: "U".into(),
            }),
            RunRefusal::Load(LoadError::Shape {
                part: SavedPart::Weights,
                name: "W".into(),
                expected: (32, 32),
                got: (32, 31),
            }),
            RunRefusal::Load(LoadError::ValueCount {
                part: SavedPart::Weights,
                name: "W".into(),
                expected: 1024,
                got: 1000,
            }),
            RunRefusal::Load(LoadError::NotFinite {
                part: SavedPart::Weights,
                name: "V".into(),
            }),
            RunRefusal::Load(LoadError::UnusedMoments {
                part: SavedPart::FirstMoments,
                optimizer: "sgd",
            }),
            RunRefusal::Load(LoadError::RngState),
            RunRefusal::Load(LoadError::TooManySteps {
                got: 1 << 60,
                max: 1 << 53,
            }),
            RunRefusal::NoPage,
            RunRefusal::PageNewer { got: 7, max: 1 },
            RunRefusal::Mismatch,
            RunRefusal::Settings(crate::state::settings::Refusal::TooSlow { flops: 9e9 }),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for r in &refusals {
            let n = FilesNotice::Refused(r.clone());
            let en = notice(Locale::en, &n);
            let zh = notice(Locale::zh, &n);
            assert!(plain(&en).starts_with("The file was not loaded: "), "{en}");
            assert!(plain(&zh).starts_with("文件没有载入："), "{zh}");
            assert!(english_words(&said(&zh)).is_empty(), "{zh}");
            assert!(
                !plain(&en).contains('{') && !plain(&zh).contains('{'),
                "{en} / {zh}"
            );
            seen.insert(plain(&en));
        }
        assert_eq!(seen.len(), refusals.len(), "each refusal its own words");
        let damaged = notice(Locale::zh, &FilesNotice::Refused(refusals[1].clone()));
        assert!(
            crate::text::parts(&damaged)
                .iter()
                .any(|p| p.0 && p.1.contains("EOF")),
            "the parser's reason is quoted: {damaged}"
        );
        for e in [
            SaveError::StepInProgress,
            SaveError::NotFinite {
                part: SavedPart::SecondMoments,
                name: "W".into(),
            },
        ] {
            let zh = notice(Locale::zh, &FilesNotice::NotSaved(e.clone()));
            assert!(english_words(&said(&zh)).is_empty(), "{zh}");
            assert!(notice(Locale::en, &FilesNotice::NotSaved(e)).starts_with("The run was not saved: "));
        }
    }

    #[test]
    fn the_text_box_says_where_a_long_text_is_kept() {
        assert_eq!(text_now(Locale::en, None).1, None);
        let short = "叠被子".repeat(10);
        let (now, note) = text_now(Locale::zh, Some(&short));
        assert!(now.contains("30 个字") && note.is_none(), "{now}");
        let long = "叠被子".repeat(100);
        let (_, note) = text_now(Locale::en, Some(&long));
        assert!(note.expect("said").contains("longer than 200 characters"));
        let (_, note) = text_now(Locale::zh, Some(&long));
        let note = note.expect("said");
        assert!(note.contains("JSON") && english_words(&note).is_empty(), "{note}");
        assert_eq!(text_counts(Locale::en, 5, 3), "5 characters, 3 different");
    }
}
