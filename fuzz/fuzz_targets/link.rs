//! The link parser on any text: it never panics, and whatever it makes of
//! a link is itself a link that reads back the same, without a notice —
//! but for a text too long for a link, which the page uses and leaves out
//! of the link it writes (as for a typed one; the text box says so).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_lab::state::files::fits_link;
use rnn_lab::state::url::{parse, write};

fuzz_target!(|data: &[u8]| {
    // The address bar hands the page text; invalid UTF-8 never reaches it.
    let Ok(link) = std::str::from_utf8(data) else {
        return;
    };
    let (settings, _) = parse(link);
    let written = write(&settings);
    let (again, notices) = parse(&written);
    let mut expected = settings;
    if expected.text.as_deref().is_some_and(|t| !fits_link(t)) {
        expected.text = None;
    }
    assert_eq!(again, expected, "{link:?} → {written:?}");
    assert!(notices.is_empty(), "{written:?}: {notices:?}");
});
