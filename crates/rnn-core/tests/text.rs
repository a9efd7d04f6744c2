//! A teacher's own text for the next-character task: any script trains, a
//! character is a Unicode scalar value, and a text too short, too long or
//! with too many different characters gets its typed refusal.

use rnn_core::tasks::{MAX_TEXT_CHARS, MAX_VOCAB};
use rnn_core::*;

/// A small next-character experiment on `text`.
fn config(text: &str, seq_len: usize) -> ExperimentConfig {
    ExperimentConfig {
        task: TaskConfig {
            kind: TaskKind::NextChar,
            seq_len,
            text: Some(text.to_string()),
        },
        hidden_size: 8,
        batch_size: 4,
        ..ExperimentConfig::default()
    }
}

fn refusal(text: &str, seq_len: usize) -> Invalid {
    match Experiment::new(config(text, seq_len)) {
        Err(Error::Invalid(e)) => e,
        Err(e) => panic!("refused as {e:?}"),
        Ok(_) => panic!("accepted"),
    }
}

/// Trains `steps` steps; every loss finite.
fn trains(text: &str, seq_len: usize, steps: usize) -> Experiment {
    let mut e = Experiment::new(config(text, seq_len)).unwrap();
    for _ in 0..steps {
        let loss = e.step(false).unwrap().loss;
        assert!(loss.is_finite(), "{loss}");
    }
    e
}

#[test]
fn empty_and_one_character_texts_are_too_short() {
    assert_eq!(refusal("", 20), Invalid::TextTooShort { got: 0, min: 21 });
    assert_eq!(refusal("字", 20), Invalid::TextTooShort { got: 1, min: 21 });
    // Long enough but one character over and over: nothing to predict.
    assert_eq!(
        refusal(&"字".repeat(40), 20),
        Invalid::DistinctChars {
            got: 1,
            max: MAX_VOCAB
        }
    );
}

#[test]
fn a_million_characters_train_and_one_more_is_too_long() {
    let sentence = "早上叠被子，叠好的被子放进柜子。";
    let n = sentence.chars().count();
    let mut text = sentence.repeat(MAX_TEXT_CHARS / n + 1);
    text = text.chars().take(MAX_TEXT_CHARS).collect();
    assert_eq!(text.chars().count(), 1_000_000);
    trains(&text, 20, 3);
    text.push('。');
    assert_eq!(
        refusal(&text, 20),
        Invalid::TextTooLong {
            got: MAX_TEXT_CHARS + 1,
            max: MAX_TEXT_CHARS
        }
    );
}

#[test]
fn too_many_different_characters_are_counted_and_refused() {
    let many: String = (0..300).filter_map(|i| char::from_u32(0x4E00 + i)).collect();
    assert_eq!(
        refusal(&many, 20),
        Invalid::DistinctChars {
            got: 300,
            max: MAX_VOCAB
        }
    );
    // 200 000 different characters are counted in one pass, not compared
    // pairwise (some 2·10¹⁰ comparisons).
    let huge: String = (0x1_0000..0x1_0000 + 200_000)
        .filter_map(char::from_u32)
        .collect();
    let started = std::time::Instant::now();
    assert_eq!(
        refusal(&huge, 20),
        Invalid::DistinctChars {
            got: 200_000,
            max: MAX_VOCAB
        }
    );
    assert!(started.elapsed().as_secs_f64() < 5.0, "{:?}", started.elapsed());
    // Exactly the limit is accepted.
    let most: String = (0..MAX_VOCAB as u32)
        .filter_map(|i| char::from_u32(0x4E00 + i))
        .collect();
    trains(&most, 20, 1);
}

#[test]
fn chinese_text_trains_and_its_loss_falls() {
    let text = "床前明月光，疑是地上霜。举头望明月，低头思故乡。";
    let mut e = trains(&text.repeat(20), 12, 1);
    let first = e.step(false).unwrap().loss;
    let mut last = first;
    for _ in 0..60 {
        last = e.step(false).unwrap().loss;
        assert!(last.is_finite());
    }
    assert!(last < first, "{first} → {last}");
    let vocab = e.task().vocabulary();
    assert!(vocab.contains(&"床".to_string()) && vocab.contains(&"，".to_string()));
}

#[test]
fn a_character_is_a_unicode_scalar_value() {
    // "é" as e + combining acute, a thumbs-up with a skin tone, a ZWJ family
    // and a flag: 2, 2, 5 and 2 scalar values.
    let text = "cafe\u{301} 👍🏽 👨\u{200D}👩\u{200D}👧 🇨🇳 ".repeat(4);
    let e = trains(&text, 10, 3);
    let vocab = e.task().vocabulary();
    for piece in ["e", "\u{301}", "👍", "🏽", "👨", "\u{200D}", "🇨", "🇳"] {
        assert!(vocab.contains(&piece.to_string()), "{piece:?} in {vocab:?}");
    }
    assert!(!vocab.contains(&"e\u{301}".to_string()));
    assert_eq!(e.task().info().input_size, vocab.len());
    // The length counts scalar values, not bytes or what the eye sees.
    let one_emoji = "👨\u{200D}👩\u{200D}👧";
    assert_eq!(refusal(one_emoji, 20), Invalid::TextTooShort { got: 5, min: 21 });
}
