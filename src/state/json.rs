//! A small JSON reader and writer for the run files (`state::files`).
//!
//! Why not serde_json: with the Deserialize code of the engine's settings
//! it added 74 KB gzipped to the page (measured with `trunk build
//! --release`), a fifth of the whole download, for a button a class uses
//! now and then. The writer here is a `serde::Serializer`, so a saved run
//! is written by the engine's own `Serialize` impls, in exactly the
//! engine's format; the reader builds a plain tree that `state::files`
//! reads the saved run's fields from (the settings themselves come from
//! the page's link in the file, and are compared with the file's).
//!
//! Numbers: the writer writes each f64 as the shortest decimal that reads
//! back to the same bits (Rust's own formatting, already in the page); the
//! reader keeps each number's text and converts it with a correctly
//! rounding parser — the browser's in the page, Rust's natively, like
//! `crate::number` — a whole array of numbers at once. So every value,
//! weights and f64 settings alike, comes back bit for bit.

use serde::ser::{self, Serialize};
use std::borrow::Cow;
use std::fmt::{self, Write};

/// A JSON value, borrowing from the text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// A number as written (JSON's grammar checked).
    Number(&'a str),
    Str(Cow<'a, str>),
    /// A non-empty array of numbers only, as written with its brackets:
    /// read in one go by [`Json::numbers`].
    Numbers(&'a str),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Deeper nesting than this is refused (a run file nests four levels).
const MAX_DEPTH: usize = 64;

/// Reads `text` as one JSON value; the reason and the byte where it is not.
pub fn parse(text: &str) -> Result<Json<'_>, String> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("text after the end of the value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> String {
        if self.i >= self.s.len() {
            format!("{what}: the text ends at byte {}", self.s.len())
        } else {
            format!("{what} at byte {}", self.i)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, String> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            _ if self.literal("true") => Ok(Json::Bool(true)),
            _ if self.literal("false") => Ok(Json::Bool(false)),
            _ if self.literal("null") => Ok(Json::Null),
            _ => Err(self.err("expected a value")),
        }
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<&'a str, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            p.i > from
        };
        self.eat(b'-');
        if !self.eat(b'0') && !digits(self) {
            return Err(self.err("expected a digit"));
        }
        if self.eat(b'.') && !digits(self) {
            return Err(self.err("expected a digit after the point"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !digits(self) {
                return Err(self.err("expected a digit in the exponent"));
            }
        }
        Ok(&self.s[start..self.i])
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self
            .s
            .get(self.i..self.i + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let code = hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("expected four hexadecimal digits"))?;
        self.i += 4;
        Ok(code)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        self.i += 1; // the opening quote
        let start = self.i;
        let mut owned: Option<String> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    let plain = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(match owned {
                        Some(s) => Cow::Owned(s),
                        None => Cow::Borrowed(plain),
                    });
                }
                b'\\' => {
                    if owned.is_none() {
                        owned = Some(self.s[start..self.i].to_string());
                    }
                    self.i += 1;
                    let escaped = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.err("a lone surrogate"));
                                }
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("a lone surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or_else(|| self.err("a lone surrogate"))?
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("an unknown escape"));
                        }
                    };
                    if let Some(s) = owned.as_mut() {
                        s.push(c);
                    }
                }
                0..=0x1f => return Err(self.err("a control character in a string")),
                _ => {
                    // A whole UTF-8 character (the text is a str).
                    let len = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                    if let Some(s) = owned.as_mut() {
                        s.push_str(&self.s[self.i..self.i + len]);
                    }
                    self.i += len;
                }
            }
        }
    }

    /// An array; one of numbers only is kept as its text (no tree of it).
    fn array(&mut self, depth: usize) -> Result<Json<'a>, String> {
        let start = self.i;
        self.i += 1;
        if let Some(end) = self.numbers_only() {
            self.i = end;
            return Ok(Json::Numbers(&self.s[start..end]));
        }
        self.ws();
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat(b']') {
                return Ok(Json::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or ']'"));
            }
        }
    }

    /// Where an array of numbers only would end (after its `]`), reading
    /// from just after its `[`; `None` (and nothing read) for any other.
    fn numbers_only(&mut self) -> Option<usize> {
        let from = self.i;
        let end = (|| loop {
            self.ws();
            if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
                return None;
            }
            self.number().ok()?;
            self.ws();
            if self.eat(b']') {
                return Some(self.i);
            }
            if !self.eat(b',') {
                return None;
            }
        })();
        self.i = from;
        end
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.i += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Json::Object(fields));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a field name"));
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return Err(self.err("expected ':'"));
            }
            self.ws();
            let value = self.value(depth + 1)?;
            fields.push((key, value));
            self.ws();
            if self.eat(b'}') {
                return Ok(Json::Object(fields));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or '}'"));
            }
        }
    }
}

impl<'a> Json<'a> {
    /// The field `key` of an object (the first, if given twice).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A whole number written without point or exponent, as JSON readers
    /// that tell integers from floats take it (`1.0` is no count).
    pub fn as_whole(&self) -> Option<u64> {
        match self {
            Json::Number(t) if t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(t) => crate::number::parse_f64(t),
            _ => None,
        }
    }

    /// The items of an array (an array of numbers as single numbers).
    pub fn items(&self) -> Option<Vec<Json<'a>>> {
        match self {
            Json::Array(items) => Some(items.clone()),
            Json::Numbers(t) => Some(
                t[1..t.len() - 1]
                    .split(',')
                    .map(|n| Json::Number(n.trim_matches([' ', '\t', '\n', '\r'])))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// An array of numbers (empty included), each rounded to the nearest
    /// f64 (beyond its range: ±∞).
    pub fn numbers(&self) -> Option<Vec<f64>> {
        match self {
            Json::Array(items) if items.is_empty() => Some(Vec::new()),
            Json::Numbers(t) => Some(convert_all(t)),
            _ => None,
        }
    }
}

/// The numbers of a checked array text `[…]`, by the browser's parser.
#[cfg(target_arch = "wasm32")]
fn convert_all(array: &str) -> Vec<f64> {
    match js_sys::JSON::parse(array) {
        Ok(v) => js_sys::Float64Array::new(&v).to_vec(),
        Err(_) => Vec::new(),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn convert_all(array: &str) -> Vec<f64> {
    array[1..array.len() - 1]
        .split(',')
        .map(|n| n.trim().parse().unwrap_or(f64::NAN))
        .collect()
}

/// Whether two values are the same: numbers by value (whole numbers
/// exactly, others as f64), objects field by field in any order.
pub fn same(a: &Json, b: &Json) -> bool {
    let number = |j: &Json| match j {
        Json::Number(_) => Some((j.as_whole(), j.as_f64())),
        _ => None,
    };
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return match (x.0, y.0) {
            (Some(p), Some(q)) => p == q,
            _ => x.1.is_some() && x.1 == y.1,
        };
    }
    match (a, b) {
        (Json::Numbers(_) | Json::Array(_), Json::Numbers(_) | Json::Array(_)) => {
            match (a.items(), b.items()) {
                (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| same(p, q)),
                _ => false,
            }
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, p)| b.get(k).is_some_and(|q| same(p, q)))
        }
        _ => a == b,
    }
}

/// `value` as JSON text, by its own `Serialize` impl.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    let mut out = String::new();
    value.serialize(&mut Writer { out: &mut out })?;
    Ok(out)
}

/// A number as JSON: the shortest decimal that reads back to the same f64;
/// `null` for NaN and ±∞, which JSON cannot hold.
pub fn number(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
    } else if x == 0.0 || (1e-5..1e16).contains(&x.abs()) {
        let start = out.len();
        let _ = write!(out, "{x}");
        // A float stays one (`1.0`, as serde_json writes it).
        if !out[start..].contains('.') {
            out.push_str(".0");
        }
    } else {
        let _ = write!(out, "{x:e}");
    }
}

/// `s` as a JSON string.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[derive(Debug)]
pub struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        WriteError(msg.to_string())
    }
}

/// JSON text out of serde (compact, as serde_json writes it).
pub struct Writer<'o> {
    out: &'o mut String,
}

/// An array or object under way.
pub struct Compound<'w, 'o> {
    w: &'w mut Writer<'o>,
    first: bool,
    close: &'static str,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), WriteError> {
        self.comma();
        string(self.w.out, key);
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.comma();
        value.serialize(&mut *self.w)
    }

    fn done(self) -> Result<(), WriteError> {
        self.w.out.push_str(self.close);
        Ok(())
    }
}

impl<'w, 'o> Writer<'o> {
    fn open(&'w mut self, open: &str, close: &'static str) -> Compound<'w, 'o> {
        self.out.push_str(open);
        Compound {
            w: self,
            first: true,
            close,
        }
    }

    /// `{"variant":` then `open`, closed by `close` + `}`.
    fn variant(&'w mut self, variant: &str, open: &str, close: &'static str) -> Compound<'w, 'o> {
        self.out.push('{');
        string(self.out, variant);
        self.out.push(':');
        self.open(open, close)
    }

    fn display(&mut self, v: impl fmt::Display) -> Result<(), WriteError> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
}

impl<'w, 'o> ser::Serializer for &'w mut Writer<'o> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Compound<'w, 'o>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Compound<'w, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), WriteError> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), WriteError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), WriteError> {
        number(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), WriteError> {
        use ser::SerializeSeq;
        let mut seq = self.open("[", "]");
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.done()
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), WriteError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        let mut c = self.open("{", "}");
        c.field(variant, value)?;
        c.done()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.variant(variant, "[", "]}"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, WriteError> {
        Ok(self.variant(variant, "{", "}}"))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.item(value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        self.comma();
        // A key is a string in JSON: a number key is quoted.
        let mut k = String::new();
        key.serialize(&mut Writer { out: &mut k })?;
        if k.starts_with('"') {
            self.w.out.push_str(&k);
        } else {
            string(self.w.out, &k);
        }
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rnn_core::{Clip, ExperimentConfig, Init, OptimizerKind};

    /// The writer writes what serde_json writes, value for value.
    #[test]
    fn the_writer_agrees_with_serde_json() {
        let mut configs = vec![ExperimentConfig::default()];
        let mut c = ExperimentConfig {
            init_input: Init::Uniform { a: 0.25 },
            spectral_radius: Some(1.1),
            truncation: Some(7),
            seed: u64::MAX,
            ..ExperimentConfig::default()
        };
        c.train.optimizer = OptimizerKind::momentum();
        c.train.clip = Clip::None;
        c.train.learning_rate = 3e-7;
        c.task.text = Some("早上\"叠\"\\被子\n\t\u{1}🙂".into());
        configs.push(c.clone());
        c.train.clip = Clip::Value(0.1);
        c.train.optimizer = OptimizerKind::Sgd;
        configs.push(c);
        for config in configs {
            let mine = to_string(&config).unwrap();
            let theirs = serde_json::to_string(&config).unwrap();
            let a: serde_json::Value = serde_json::from_str(&mine).unwrap();
            let b: serde_json::Value = serde_json::from_str(&theirs).unwrap();
            assert_eq!(a, b, "{mine}\n{theirs}");
            let back: ExperimentConfig = serde_json::from_str(&mine).unwrap();
            assert_eq!(back, config);
            assert!(same(&parse(&mine).unwrap(), &parse(&theirs).unwrap()));
        }
    }

    #[test]
    fn numbers_are_written_shortest_and_read_back_exactly() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1e-30,
            -2.5e-7,
            1e300,
            123456789.125,
            f64::MIN_POSITIVE,
        ];
        for _ in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let f = f32::from_bits((rng >> 32) as u32);
            if f.is_finite() {
                values.push(f64::from(f));
            }
            let d = f64::from_bits(rng);
            if d.is_finite() {
                values.push(d);
            }
        }
        let mut text = String::from("[");
        for (i, &x) in values.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            number(&mut text, x);
        }
        text.push(']');
        let read = parse(&text).unwrap().numbers().unwrap();
        assert_eq!(read.len(), values.len());
        for (a, b) in values.iter().zip(&read) {
            assert_eq!(a.to_bits(), b.to_bits(), "{a} read as {b}");
        }
        // serde_json (correctly rounding) reads the same.
        let theirs: Vec<f64> = serde_json::from_str(&text).unwrap();
        assert!(theirs
            .iter()
            .zip(&values)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn the_reader_reads_json_and_refuses_the_rest() {
        let v = parse(r#" {"a": [1, -2.5e3, 0], "b": "x\"\u00e9\ud83d\ude42\n", "c": [true, null, {"d": []}], "e": 18446744073709551615} "#)
            .unwrap();
        assert_eq!(v.get("a").and_then(Json::numbers), Some(vec![1.0, -2500.0, 0.0]));
        assert_eq!(v.get("b").and_then(Json::as_str), Some("x\"é🙂\n"));
        assert_eq!(v.get("e").and_then(Json::as_whole), Some(u64::MAX));
        assert!(matches!(v.get("a"), Some(Json::Numbers(_))));
        let c = v.get("c").and_then(Json::items).unwrap();
        assert_eq!(c[0], Json::Bool(true));
        assert_eq!(c[2].get("d").and_then(Json::numbers), Some(vec![]));
        assert_eq!(parse("1.0").unwrap().as_whole(), None);
        assert_eq!(parse("\"叠被子\"").unwrap().as_str(), Some("叠被子"));
        for bad in [
            "",
            "{",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{a: 1}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "\"\\x\"",
            "\"\\ud83d\"",
            "\"a\nb\"",
            "nul",
            "[1] x",
            "{\"a\":1,}",
            "\"unterminated",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse(&deep).unwrap_err().contains("nested too deeply"));
        assert!(parse("[1, 2,").unwrap_err().contains("ends at byte 6"));
    }

    #[test]
    fn values_compare_by_value() {
        let a = parse(r#"{"x": 0.000001, "n": 18446744073709551615, "v": [1, 2]}"#).unwrap();
        let b = parse(r#"{"x": 1e-6, "n": 18446744073709551615, "v": [1.0, 2]}"#).unwrap();
        let c = parse(r#"{"x": 1e-6, "n": 18446744073709551614, "v": [1, 2]}"#).unwrap();
        let d = parse(r#"{"n": 18446744073709551615, "x": 1e-6, "v": [1, 2]}"#).unwrap();
        let e = parse(r#"{"n": 18446744073709551615, "x": 1e-6, "v": [2, 1]}"#).unwrap();
        assert!(same(&a, &b));
        assert!(!same(&a, &c), "whole numbers compare exactly");
        assert!(same(&a, &d), "fields in any order");
        assert!(!same(&a, &e), "items in order");
    }
}
