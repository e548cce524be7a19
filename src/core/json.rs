//! The SDK's JSON: a small parser into a [`Json`] tree, a writer, and the [`FromJson`]/[`ToJson`] traits the wire
//! and storage types implement by hand.
//!
//! Why not serde_json: with serde's derives it was the largest part of the wasm module (about 47 KB of 133 KB
//! brotli, issue 6). The wire format needs objects, arrays, strings, booleans and integers only, so one
//! non-generic parser and one field helper ([`Fields`]) do the job in a few KB. Numbers are kept as their text and
//! read as integers on demand, which keeps float parsing and formatting out of the binary.
//!
//! Hostile input is expected (the network, localStorage): every failure is an `Err` with a short message, nesting
//! is bounded by [`MAX_DEPTH`], and nothing here panics.

use std::cell::Cell;

/// Deepest nesting of arrays and objects accepted (the same as serde_json's default).
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value. Object members keep their order; of a repeated key the last one counts, as in `JSON.parse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its JSON text (validated by the parser).
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object's members in document order.
    Obj(Vec<(String, Json)>),
}

/// Parses a whole JSON text (surrounding whitespace allowed, nothing else after the value).
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let value = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.fail("trailing characters"));
    }
    Ok(value)
}

/// Parses JSON text into `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, String> {
    T::from_json(&parse(text)?)
}

/// Encodes `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Recursive-descent parser over bytes (the input is a `&str`, so it is valid UTF-8 throughout).
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        ["invalid JSON: ", what, " at byte ", &self.i.to_string()].concat()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(self.fail("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        self.ws();
        match self.peek() {
            None => Err(self.fail("unexpected end")),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                if depth >= MAX_DEPTH {
                    return Err(self.fail("nested too deeply"));
                }
                self.i += 1;
                if open == b'[' {
                    self.array(depth + 1)
                } else {
                    self.object(depth + 1)
                }
            }
            Some(_) => Err(self.fail("unexpected character")),
        }
    }

    /// After `[`.
    fn array(&mut self, depth: usize) -> Result<Json, String> {
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.ws();
            if self.eat(b']') {
                return Ok(Json::Arr(items));
            }
            if !self.eat(b',') {
                return Err(self.fail("expected , or ]"));
            }
        }
    }

    /// After `{`.
    fn object(&mut self, depth: usize) -> Result<Json, String> {
        let mut members: Vec<(String, Json)> = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Json::Obj(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a key"));
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return Err(self.fail("expected :"));
            }
            let value = self.value(depth)?;
            members.push((key, value));
            self.ws();
            if self.eat(b'}') {
                return Ok(Json::Obj(members));
            }
            if !self.eat(b',') {
                return Err(self.fail("expected , or }"));
            }
        }
    }

    /// Runs of digits; `Err` when there is none.
    fn digits(&mut self) -> Result<(), String> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        if self.i == start {
            Err(self.fail("expected a digit"))
        } else {
            Ok(())
        }
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        self.eat(b'-');
        if self.eat(b'0') {
            if matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.fail("leading zero"));
            }
        } else {
            self.digits()?;
        }
        if self.eat(b'.') {
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.digits()?;
        }
        // Only ASCII was consumed, so this slice is on character boundaries.
        let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        Ok(Json::Num(text))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|b| (b as char).to_digit(16))
                .ok_or_else(|| self.fail("bad \\u escape"))?;
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    /// At `"`: the unescaped string.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.fail("unterminated string"));
            };
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.fail("unterminated string"));
                    };
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.fail("bad escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(self.fail("control character in string")),
                _ => out.push(b),
            }
        }
        // Unescaped bytes were copied from a `&str` whole and escapes were encoded from `char`s: valid UTF-8.
        String::from_utf8(out).map_err(|_| self.fail("invalid UTF-8"))
    }

    /// After `\u`: one character, joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !(self.eat(b'\\') && self.eat(b'u')) {
                return Err(self.fail("lone surrogate"));
            }
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.fail("lone surrogate"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.fail("lone surrogate"))
    }
}

impl Json {
    /// Appends this value as compact JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// A short name of the value's type, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

/// Appends `s` as a JSON string literal.
fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `"expected <what>, found <kind>"`.
fn mismatch(what: &str, found: &Json) -> String {
    ["expected ", what, ", found ", found.kind()].concat()
}

/// Reading a value of this type from JSON.
pub trait FromJson: Sized {
    /// The value, or a short message saying what was wrong.
    fn from_json(v: &Json) -> Result<Self, String>;
}

/// Writing a value of this type as JSON text.
pub trait ToJson {
    /// Appends the value as compact JSON text.
    fn write_json(&self, out: &mut String);
}

impl FromJson for Json {
    fn from_json(v: &Json) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl FromJson for String {
    fn from_json(v: &Json) -> Result<Self, String> {
        match v {
            Json::Str(s) => Ok(s.clone()),
            other => Err(mismatch("a string", other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: &Json) -> Result<Self, String> {
        match v {
            Json::Bool(b) => Ok(*b),
            other => Err(mismatch("a boolean", other)),
        }
    }
}

impl FromJson for u64 {
    fn from_json(v: &Json) -> Result<Self, String> {
        match v {
            Json::Num(n) => n
                .parse()
                .map_err(|_| ["expected an unsigned integer, found ", n].concat()),
            other => Err(mismatch("an unsigned integer", other)),
        }
    }
}

impl FromJson for u32 {
    fn from_json(v: &Json) -> Result<Self, String> {
        u32::try_from(u64::from_json(v)?).map_err(|_| "integer out of range".to_string())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Json) -> Result<Self, String> {
        match v {
            Json::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Json) -> Result<Self, String> {
        match v {
            Json::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(T::from_json(item)?);
                }
                Ok(out)
            }
            other => Err(mismatch("an array", other)),
        }
    }
}

impl<T: FromJson> FromJson for std::rc::Rc<T> {
    fn from_json(v: &Json) -> Result<Self, String> {
        T::from_json(v).map(std::rc::Rc::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for std::rc::Rc<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl ToJson for Json {
    fn write_json(&self, out: &mut String) {
        self.write(out)
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.to_string())
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut String) {
        u64::from(*self).write_json(out)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

/// The members of a JSON object, read field by field; unknown members are ignored.
///
/// A field that is missing or wrongly shaped does not return early: it reads as its type's default and the first
/// such error is kept, to be returned by [`Fields::finish`]. Every field's read is then a plain call, with no
/// clean-up path per field for the fields read before it, which keeps each type's reader small in the wasm build.
pub struct Fields<'a> {
    members: &'a [(String, Json)],
    error: Cell<Option<String>>,
}

impl<'a> Fields<'a> {
    /// The members of `v`, or an error when it is not an object.
    pub fn of(v: &'a Json) -> Result<Self, String> {
        match v {
            Json::Obj(members) => Ok(Fields {
                members,
                error: Cell::new(None),
            }),
            other => Err(mismatch("an object", other)),
        }
    }

    /// The raw member `key`, if present (of a repeated key, the last).
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        self.members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Keeps the first error.
    fn fail(&self, message: String) {
        let first = self.error.take().unwrap_or(message);
        self.error.set(Some(first));
    }

    /// A member that must be present (it may still be `null` when `T` is an `Option`).
    #[inline(never)]
    pub fn req<T: FromJson + Default>(&self, key: &str) -> T {
        match self.get(key) {
            Some(v) => self.read(key, v),
            None => {
                self.fail(["missing field `", key, "`"].concat());
                T::default()
            }
        }
    }

    /// An optional member: missing or `null` is `None`.
    #[inline(never)]
    pub fn opt<T: FromJson>(&self, key: &str) -> Option<T> {
        match self.get(key) {
            None | Some(Json::Null) => None,
            Some(v) => T::from_json(v)
                .map_err(|e| self.fail(in_field(key, &e)))
                .ok(),
        }
    }

    /// A member whose absence or `null` means the type's default (Clerk sends `null` for empty lists at times).
    #[inline(never)]
    pub fn or_default<T: FromJson + Default>(&self, key: &str) -> T {
        self.opt(key).unwrap_or_default()
    }

    /// `value` read from `v`, or the default with the error kept.
    fn read<T: FromJson + Default>(&self, key: &str, v: &Json) -> T {
        T::from_json(v).unwrap_or_else(|e| {
            self.fail(in_field(key, &e));
            T::default()
        })
    }

    /// `value`, built from the fields read, or the first error met while reading them.
    pub fn finish<T>(self, value: T) -> Result<T, String> {
        match self.error.into_inner() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// `"field `key`: <message>"`.
fn in_field(key: &str, message: &str) -> String {
    ["field `", key, "`: ", message].concat()
}

/// Writes a JSON object member by member, straight into the output text.
pub struct ObjectWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Starts an object (`{`) in `out`.
    pub fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Adds `key: value`.
    pub fn put<T: ToJson + ?Sized>(mut self, key: &str, value: &T) -> Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(key, self.out);
        self.out.push(':');
        value.write_json(self.out);
        self
    }

    /// Adds `key: value` only when `value` is `Some`.
    pub fn some<T: ToJson>(self, key: &str, value: &Option<T>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    /// Ends the object (`}`).
    pub fn done(self) {
        self.out.push('}');
    }
}

/// Implements [`FromJson`] and [`ToJson`] for a struct whose JSON keys are its field names. Each field says how it
/// is read: `req` (must be present), `opt` (an `Option`; missing or `null` is `None`) or `or_default` (missing or
/// `null` is the type's default).
macro_rules! json_struct {
    ($ty:ident { $($field:ident: $how:ident),* $(,)? }) => {
        impl $crate::core::json::FromJson for $ty {
            fn from_json(v: &$crate::core::json::Json) -> Result<Self, String> {
                let f = $crate::core::json::Fields::of(v)?;
                let value = $ty { $($field: f.$how(stringify!($field))),* };
                f.finish(value)
            }
        }
        impl $crate::core::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                $crate::core::json::ObjectWriter::new(out)$(.put(stringify!($field), &self.$field))*.done()
            }
        }
    };
}

/// Implements [`FromJson`] and [`ToJson`] for a status enum written as snake_case strings; any other string is
/// the `Unknown` variant.
macro_rules! json_enum {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $ty {
            /// The wire name (`"unknown"` for a status this SDK does not know).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                    $ty::Unknown => "unknown",
                }
            }
        }
        impl Default for $ty {
            /// `Unknown`: what a missing status reads as (the read fails anyway, see `Fields::req`).
            fn default() -> Self {
                $ty::Unknown
            }
        }
        impl $crate::core::json::FromJson for $ty {
            fn from_json(v: &$crate::core::json::Json) -> Result<Self, String> {
                Ok(match <String as $crate::core::json::FromJson>::from_json(v)?.as_str() {
                    $($name => $ty::$variant,)*
                    _ => $ty::Unknown,
                })
            }
        }
        impl $crate::core::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                $crate::core::json::ToJson::write_json(self.as_str(), out)
            }
        }
    };
}

pub(crate) use json_enum;
pub(crate) use json_struct;

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
