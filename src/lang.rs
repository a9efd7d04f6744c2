//! The page's two languages: which one a visitor gets, and the fonts that
//! can draw it. The words themselves are in `locales/{en,zh}/*.json`, read at
//! compile time by `leptos_i18n` into [`crate::i18n`].
//!
//! Why `leptos_i18n` and not Fluent: its keys are checked when the page is
//! compiled (a key the code uses but the default locale lacks does not
//! build, and the test below checks that both languages have the same keys
//! and placeholders), `t!` re-renders only the text when the language
//! changes, and the translations become plain string constants: no FTL
//! parser or runtime bundle in the download.
//!
//! The language is a row of the settings table (`lang`), so a link opens in
//! its language; without one the browser's preferences decide (see
//! [`preferred`]); switching never touches the run.

pub use crate::i18n::Locale;

/// The URL value of a language (`en`, `zh`).
pub fn name(l: Locale) -> &'static str {
    match l {
        Locale::en => "en",
        Locale::zh => "zh",
    }
}

/// A text with `{name}` placeholders filled from `args`: how the page puts
/// numbers into its sentences (use the [`tr!`](crate::tr) macro). The
/// translations are looked up by `leptos_i18n` (checked at compile time);
/// the filling is done here because its own interpolation into strings
/// needs the build-script code generator (`leptos_i18n_build`, which pulls
/// ICU's data tools and a network client into the build), while plain text
/// with braces passes through it as it is. Both languages having the same
/// placeholders for every key is checked by a test below; a placeholder
/// left unfilled shows as `{name}` and fails the debug assertion.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => {
                        use std::fmt::Write;
                        let _ = write!(out, "{value}");
                    }
                    None => {
                        debug_assert!(false, "placeholder {{{name}}} not filled in {template:?}");
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `tr!(locale, app.some.key, name = value, other)`: the key's text in
/// `locale` with its `{name}` placeholders filled (see [`fill`]).
#[macro_export]
macro_rules! tr {
    ($l:expr, $($key:ident).+ $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::lang::fill(
            $crate::i18n::td_string!($l, $($key).+),
            &[$((stringify!($name), &$crate::tr!(@value $name $(, $value)?) as &dyn ::std::fmt::Display)),*],
        )
    };
    (@value $name:ident) => { $name };
    (@value $name:ident, $value:expr) => { $value };
}

/// Every language, in the order the switch lists them.
pub const ALL: [Locale; 2] = [Locale::zh, Locale::en];

/// How the switch names a language: each in its own words, so a visitor
/// who cannot read the current one still finds theirs.
pub fn own_name(l: Locale) -> &'static str {
    match l {
        Locale::en => "English",
        Locale::zh => "中文",
    }
}

/// The language for a visitor whose browser lists `languages` (as
/// `navigator.languages`, most preferred first): the first of them that
/// the page speaks (any `zh…` tag is Chinese, any `en…` English), else
/// English.
pub fn preferred<S: AsRef<str>>(languages: &[S]) -> Locale {
    languages
        .iter()
        .find_map(|tag| {
            let primary = tag.as_ref().split(['-', '_']).next()?.to_ascii_lowercase();
            match primary.as_str() {
                "zh" => Some(Locale::zh),
                "en" => Some(Locale::en),
                _ => None,
            }
        })
        .unwrap_or(Locale::en)
}

/// The font stack for text drawn on a canvas, the same as the page's CSS
/// (`style/main.css`): Latin faces first, then a face with Chinese glyphs on
/// each system (Windows: Microsoft YaHei; macOS and iOS: PingFang SC;
/// Android and Linux: Noto Sans CJK SC, Source Han Sans, WenQuanYi). No web
/// font: the page stays offline and small.
pub const FONT_STACK: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Noto Sans\", \
     \"PingFang SC\", \"Microsoft YaHei\", \"Noto Sans CJK SC\", \"Source Han Sans SC\", \
     \"WenQuanYi Micro Hei\", sans-serif";

/// Latin words the Chinese page may contain: model, function and optimiser
/// names that Chinese courses keep in Latin, symbols, units. The browser
/// test of the Chinese page reads this same list from this file
/// (`e2e/tests/i18n.test.mjs`).
pub const LATIN_ALLOWED: &[&str] = &[
    "RNN",
    "LSTM",
    "GRU",
    "BiRNN",
    "BiLSTM",
    "BiGRU",
    "MLP",
    "BP",
    "CNN",
    "ReLU",
    "tanh",
    "sigmoid",
    "Adam",
    "SGD",
    "Xavier",
    "Glorot",
    "He",
    "Kaiming",
    "BatchNorm",
    "BN",
    "MSE",
    "MAE",
    "CE",
    "GFLOP",
    "FLOP",
    "ln",
    "log",
    "exp",
    "max",
    "min",
    "diag",
    "softmax",
    "IRNN",
    "XOR",
    "XX",
    "XY",
    "YX",
    "YY",
    "rnn",
    "lab",
    "none",
    "id",
    "ms",
    "px",
    "KB",
    "MB",
    "NaN",
    "inf",
    "dB",
    "sin",
    "cos",
    "PNG",
    "SVG",
    "CSV",
    "JSON",
    "json",
    // Key caps, as Chinese keyboards label them.
    "PageUp",
    "PageDown",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn browser_preferences_pick_the_first_language_the_page_speaks() {
        assert_eq!(preferred(&["zh-CN", "en-US"]), Locale::zh);
        assert_eq!(preferred(&["zh-TW"]), Locale::zh);
        assert_eq!(preferred(&["zh_Hans"]), Locale::zh);
        assert_eq!(preferred(&["fr-FR", "ZH"]), Locale::zh);
        assert_eq!(preferred(&["en-GB", "zh-CN"]), Locale::en);
        assert_eq!(preferred(&["de", "ja"]), Locale::en);
        assert_eq!(preferred::<&str>(&[]), Locale::en);
        assert_eq!(preferred(&["", "-", "zhx"]), Locale::en);
    }

    #[test]
    fn names_round_trip() {
        for l in ALL {
            assert_eq!(ALL.iter().find(|m| name(**m) == name(l)), Some(&l));
        }
    }

    #[test]
    fn fill_puts_each_value_in_its_place() {
        assert_eq!(
            fill("step {step}: {norm}", &[("norm", &"1e9"), ("step", &3)]),
            "step 3: 1e9"
        );
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("{a}{a} {b", &[("a", &1)]), "11 {b");
        assert_eq!(
            crate::tr!(Locale::en, app.notice.too_long, max = 10),
            "the link is longer than 10 characters; the rest was ignored"
        );
        let max = 7;
        assert!(crate::tr!(Locale::zh, app.notice.too_long, max).contains('7'));
    }

    /// Every key of every namespace, with the `{placeholders}` of its
    /// text, flattened to `namespace.a.b`.
    fn keys(locale: &str) -> BTreeMap<String, Vec<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(locale);
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("locale folder") {
            let path = entry.expect("entry").path();
            let ns = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("readable");
            let json: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            flatten(&ns, &json, &mut out);
        }
        out
    }

    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, Vec<String>>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    flatten(&format!("{prefix}.{k}"), v, out);
                }
            }
            serde_json::Value::String(s) => {
                let mut vars: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(v, _)| v.to_string()))
                    .collect();
                vars.sort();
                vars.dedup();
                assert!(!s.trim().is_empty(), "{prefix} is empty");
                out.insert(prefix.to_string(), vars);
            }
            other => panic!("{prefix}: only strings and objects, not {other}"),
        }
    }

    #[test]
    fn both_languages_have_every_key_with_the_same_placeholders() {
        let en = keys("en");
        let zh = keys("zh");
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "missing in zh: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        for (k, vars) in &en {
            assert_eq!(vars, &zh[k], "placeholders of {k}");
        }
        assert!(en.len() > 20, "{} keys", en.len());
    }

    /// The Chinese text is Chinese: no English word in it beyond the
    /// symbols and the names a Chinese course keeps in Latin.
    #[test]
    fn chinese_text_has_no_stray_english() {
        for (k, text) in strings("zh") {
            for word in latin_words(&text) {
                assert!(
                    crate::lang::LATIN_ALLOWED.contains(&word.as_str()),
                    "zh {k}: English word {word:?} in {text:?}"
                );
            }
        }
    }

    fn strings(locale: &str) -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(locale);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("locale folder") {
            let path = entry.expect("entry").path();
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
            collect(&path.display().to_string(), &json, &mut out);
        }
        out
    }

    fn collect(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .for_each(|(k, v)| collect(&format!("{prefix}.{k}"), v, out)),
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            _ => {}
        }
    }

    /// Runs of two or more Latin letters outside `{placeholders}`.
    fn latin_words(text: &str) -> Vec<String> {
        let mut without_vars = String::new();
        let mut rest = text;
        while let Some((before, after)) = rest.split_once('{') {
            without_vars.push_str(before);
            without_vars.push(' ');
            rest = after.split_once('}').map_or("", |(_, a)| a);
        }
        without_vars.push_str(rest);
        without_vars
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
            .map(str::to_string)
            .collect()
    }
}
