//! The SDK's JSON: a small parser into a [`Json`] tree, a writer, and the [`FromJson`]/[`ToJson`]/[`Field`] traits through
//! which the wire and storage types are read and written (declared per type with [`json_struct!`]).
//!
//! Why not serde_json: with serde's derives it was the largest part of the wasm module (about 47 KB of 133 KB
//! brotli, issue 6). The wire format needs objects, arrays, strings, booleans and integers only, so one
//! non-generic parser and one field reader ([`Fields`]) do the job in a few KB. Numbers are kept as their text and
//! read as integers on demand, which keeps float parsing and formatting out of the binary.
//!
//! Size shapes the reading too (issue 6): a value is filled in place from its `Default`, each field by one call
//! that takes the field's address, and the readers are per kind of field (string, integer, flag, list, nested
//! object through `&mut dyn FromJson`), not per type, so a type's reader is little more than a list of calls.
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
    /// An object's keys and values (the same number of each), in document order.
    Obj(Vec<String>, Vec<Json>),
}

/// Parses a whole JSON text (surrounding whitespace allowed, nothing else after the value).
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        text,
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

/// Recursive-descent parser over bytes (the input is a `&str`, so it is valid UTF-8 throughout).
struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("invalid JSON: {what} at byte {}", self.i)
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
        if self
            .s
            .get(self.i..)
            .unwrap_or_default()
            .starts_with(word.as_bytes())
        {
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
                self.items(depth + 1, open == b'{')
            }
            Some(_) => Err(self.fail("unexpected character")),
        }
    }

    /// After `[` or (`object`) `{`: the items up to the closing bracket, and of an object the key of each.
    fn items(&mut self, depth: usize, object: bool) -> Result<Json, String> {
        let close = if object { b'}' } else { b']' };
        let mut keys = Vec::new();
        let mut items = Vec::new();
        self.ws();
        if !self.eat(close) {
            loop {
                if object {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.fail("expected a key"));
                    }
                    keys.push(self.string()?);
                    self.ws();
                    if !self.eat(b':') {
                        return Err(self.fail("expected :"));
                    }
                }
                items.push(self.value(depth)?);
                self.ws();
                if self.eat(close) {
                    break;
                }
                if !self.eat(b',') {
                    return Err(self.fail(if object {
                        "expected , or }"
                    } else {
                        "expected , or ]"
                    }));
                }
            }
        }
        Ok(if object {
            Json::Obj(keys, items)
        } else {
            Json::Arr(items)
        })
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
        // Only ASCII digits and signs were consumed: each byte is its character.
        let text = self.s.get(start..self.i).unwrap_or_default();
        Ok(Json::Num(text.iter().map(|&b| b as char).collect()))
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
        let mut out = String::new();
        // Where the current run of unescaped bytes starts. A run ends before a `"` or `\\`, ASCII bytes, so it is
        // whole characters of the input and is copied as text (no UTF-8 check needed).
        let mut run = self.i;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.fail("unterminated string"));
            };
            self.i += 1;
            if matches!(b, b'"' | b'\\') {
                out.push_str(self.text.get(run..self.i - 1).unwrap_or_default());
            }
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
                    out.push(c);
                    run = self.i;
                }
                0..=0x1f => return Err(self.fail("control character in string")),
                _ => {}
            }
        }
        Ok(out)
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
            Json::Obj(keys, values) => {
                out.push('{');
                for (i, (k, v)) in keys.iter().zip(values).enumerate() {
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
            Json::Obj(..) => "an object",
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

/// A type read from a JSON object, field by field (see [`json_struct!`]).
///
/// Reading fills a value in place, starting from its `Default`: each field's read is one call with the field's
/// address, so a type's reader is a list of calls, with no moves of the whole value and no clean-up per field.
/// (Reading and writing are two traits so that reading through `&mut dyn FromJson` does not keep the writers of
/// types that are only ever read.)
pub trait FromJson {
    /// Reads the fields from the members of an object; problems are recorded in `f` (the first one counts).
    fn read_fields(&mut self, f: &Fields);
}

/// A type written as a JSON object, field by field (see [`json_struct!`]).
pub trait ToJson {
    /// Writes the fields as members.
    fn write_fields(&self, w: &mut ObjectWriter);
}

/// A field's type: how a member is read into it and written from it.
///
/// `required`: a missing member is an error. Otherwise a missing or `null` member leaves the field as it is (its
/// default: `None`, empty, zero, false). An `Option` field takes `null` as `None` either way.
pub trait Field {
    /// Reads member `key` of `f` into this field.
    fn read(&mut self, f: &Fields, key: &str, required: bool);
    /// Writes this field as member `key`.
    fn write(&self, w: &mut ObjectWriter, key: &str);
}

/// Reads `v`, which must be an object, into `target`; the first problem met is the error.
pub fn read_object(v: &Json, target: &mut dyn FromJson) -> Result<(), String> {
    let f = Fields::of(v)?;
    target.read_fields(&f);
    f.finish()
}

/// Parses JSON text into `target` (which starts as its default).
pub fn read_text(text: &str, target: &mut dyn FromJson) -> Result<(), String> {
    read_object(&parse(text)?, target)
}

/// Parses JSON text into a `T`.
pub fn from_str<T: FromJson + Default>(text: &str) -> Result<T, String> {
    let mut value = T::default();
    read_text(text, &mut value)?;
    Ok(value)
}

/// Encodes `value` as compact JSON text.
pub fn to_string(value: &dyn ToJson) -> String {
    let mut out = String::new();
    write_object(value, &mut out);
    out
}

/// Appends `value` as a JSON object.
pub fn write_object(value: &dyn ToJson, out: &mut String) {
    let mut w = ObjectWriter::new(out);
    value.write_fields(&mut w);
    w.done();
}

/// The members of a JSON object, read field by field; unknown members are ignored.
///
/// A field that is missing or wrongly shaped does not stop the reading: it stays as it is and the first such
/// error is kept, to be returned by [`Fields::finish`].
pub struct Fields<'a> {
    keys: &'a [String],
    values: &'a [Json],
    error: Cell<Option<String>>,
}

impl<'a> Fields<'a> {
    /// The members of `v`, or an error when it is not an object.
    pub fn of(v: &'a Json) -> Result<Self, String> {
        match v {
            Json::Obj(keys, values) => Ok(Fields {
                keys,
                values,
                error: Cell::new(None),
            }),
            other => Err(mismatch("an object", other)),
        }
    }

    /// The raw member `key`, if present (of a repeated key, the last).
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        let i = self.keys.iter().rposition(|k| k == key)?;
        self.values.get(i)
    }

    /// Keeps the first error.
    pub fn fail(&self, message: String) {
        let first = self.error.take().unwrap_or(message);
        self.error.set(Some(first));
    }

    /// Records `"field `key`: expected <what>, found <kind>"`.
    #[inline(never)]
    fn wrong(&self, key: &str, what: &str, found: &Json) {
        self.fail(in_field(key, &mismatch(what, found)));
    }

    /// The member to read into a field: `None` when it is missing (an error when `required`), or `null` and not
    /// `required` (a required field's type then says whether `null` is fine).
    #[inline(never)]
    pub fn member(&self, key: &str, required: bool) -> Option<&'a Json> {
        match self.get(key) {
            None => {
                if required {
                    self.fail(["missing field `", key, "`"].concat());
                }
                None
            }
            Some(Json::Null) if !required => None,
            found => found,
        }
    }

    /// Like [`Fields::member`], with `null` as `None` also when `required` (for `Option` fields).
    #[inline(never)]
    pub fn non_null(&self, key: &str, required: bool) -> Option<&'a Json> {
        self.member(key, required).filter(|v| **v != Json::Null)
    }

    /// The string `v` of member `key`, or `None` with the error kept.
    fn text(&self, key: &str, v: &'a Json) -> Option<&'a str> {
        match v {
            Json::Str(s) => Some(s),
            other => {
                self.wrong(key, "a string", other);
                None
            }
        }
    }

    /// Member `key` as a string (see [`Fields::member`]).
    #[inline(never)]
    pub fn str(&self, key: &str, required: bool) -> Option<&'a str> {
        self.text(key, self.member(key, required)?)
    }

    /// Member `key` as an unsigned integer up to `max` (see [`Fields::member`]).
    #[inline(never)]
    pub fn uint(&self, key: &str, required: bool, max: u64) -> Option<u64> {
        self.uint_of(key, self.member(key, required)?, max)
    }

    /// The unsigned integer up to `max` `v` of member `key`, or `None` with the error kept.
    #[inline(never)]
    fn uint_of(&self, key: &str, v: &Json, max: u64) -> Option<u64> {
        let n = match v {
            Json::Num(text) => match super::text::parse_u64(text) {
                Some(n) => n,
                None => {
                    self.fail(in_field(
                        key,
                        &["expected an unsigned integer, found ", text].concat(),
                    ));
                    return None;
                }
            },
            other => {
                self.wrong(key, "an unsigned integer", other);
                return None;
            }
        };
        if n > max {
            self.fail(in_field(key, "integer out of range"));
            return None;
        }
        Some(n)
    }

    /// Member `key` as a boolean (see [`Fields::member`]).
    #[inline(never)]
    pub fn bool(&self, key: &str, required: bool) -> Option<bool> {
        match self.member(key, required)? {
            Json::Bool(b) => Some(*b),
            other => {
                self.wrong(key, "a boolean", other);
                None
            }
        }
    }

    /// Member `key` as an array (see [`Fields::member`]).
    #[inline(never)]
    pub fn array(&self, key: &str, required: bool) -> Option<&'a [Json]> {
        match self.member(key, required)? {
            Json::Arr(items) => Some(items),
            other => {
                self.wrong(key, "an array", other);
                None
            }
        }
    }

    /// Reads `v`, the value of member `key`, into `target`; `false` (with the error kept) when that failed.
    #[inline(never)]
    pub fn object(&self, key: &str, v: &Json, target: &mut dyn FromJson) -> bool {
        read_object(v, target)
            .map_err(|e| self.fail(in_field(key, &e)))
            .is_ok()
    }

    /// The first error met while reading the fields, if any.
    pub fn finish(self) -> Result<(), String> {
        match self.error.into_inner() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// `"field `key`: <message>"`.
fn in_field(key: &str, message: &str) -> String {
    ["field `", key, "`: ", message].concat()
}

impl Field for String {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(s) = f.str(key, required) {
            *self = s.to_owned();
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.str(key, self)
    }
}

impl Field for Option<String> {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(v) = f.non_null(key, required) {
            *self = f.text(key, v).map(str::to_owned);
        }
    }
    #[inline(never)]
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        match self {
            Some(s) => w.str(key, s),
            None => w.raw(key, "null"),
        }
    }
}

impl Field for bool {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(b) = f.bool(key, required) {
            *self = b;
        }
    }
    #[inline(never)]
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.raw(key, if *self { "true" } else { "false" })
    }
}

impl Field for u64 {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(n) = f.uint(key, required, u64::MAX) {
            *self = n;
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.uint(key, Some(*self))
    }
}

impl Field for u32 {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(n) = f.uint(key, required, u32::MAX.into()) {
            *self = n as u32;
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.uint(key, Some((*self).into()))
    }
}

impl Field for Option<u64> {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(v) = f.non_null(key, required) {
            *self = f.uint_of(key, v, u64::MAX);
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.uint(key, *self)
    }
}

impl Field for Option<u32> {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(v) = f.non_null(key, required) {
            *self = f.uint_of(key, v, u32::MAX.into()).map(|n| n as u32);
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.uint(key, self.map(u64::from))
    }
}

impl Field for Vec<String> {
    #[inline(never)]
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        for item in f.array(key, required).unwrap_or_default() {
            match f.text(key, item) {
                Some(s) => self.push(s.to_owned()),
                None => return,
            }
        }
    }
    #[inline(never)]
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.key(key);
        w.out.push('[');
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                w.out.push(',');
            }
            write_str(s, w.out);
        }
        w.out.push(']');
    }
}

/// A nested object as a field: required, or left as its default when missing or `null`.
impl<T: FromJson + ToJson> Field for T {
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(v) = f.member(key, required) {
            f.object(key, v, self);
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.object(key, self)
    }
}

/// What an `Option` or `Vec` of objects holds: an object, or an `Rc` of one. A new item is added as its default and
/// read in place.
pub trait ObjectItem: Default {
    /// The object.
    fn object(&self) -> &dyn ToJson;
    /// The object, to read into (`None` only for an `Rc` already shared, which a new item never is).
    fn object_mut(&mut self) -> Option<&mut dyn FromJson>;
}

impl<T: FromJson + ToJson + Default> ObjectItem for T {
    fn object(&self) -> &dyn ToJson {
        self
    }
    fn object_mut(&mut self) -> Option<&mut dyn FromJson> {
        Some(self)
    }
}

impl<T: FromJson + ToJson + Default> ObjectItem for std::rc::Rc<T> {
    fn object(&self) -> &dyn ToJson {
        &**self
    }
    fn object_mut(&mut self) -> Option<&mut dyn FromJson> {
        std::rc::Rc::get_mut(self).map(|t| t as &mut dyn FromJson)
    }
}

/// Reads `v`, the value (or an item of the value) of member `key`, into `item`; `false` when that failed.
fn read_item(f: &Fields, key: &str, v: &Json, item: &mut impl ObjectItem) -> bool {
    item.object_mut()
        .is_some_and(|target| f.object(key, v, target))
}

impl<T: ObjectItem> Field for Option<T> {
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        if let Some(v) = f.non_null(key, required) {
            read_item(f, key, v, self.insert(T::default()));
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        match self {
            Some(v) => w.object(key, v.object()),
            None => w.raw(key, "null"),
        }
    }
}

impl<T: ObjectItem> Field for Vec<T> {
    fn read(&mut self, f: &Fields, key: &str, required: bool) {
        for v in f.array(key, required).unwrap_or_default() {
            self.push(T::default());
            if !self
                .last_mut()
                .is_some_and(|item| read_item(f, key, v, item))
            {
                return;
            }
        }
    }
    fn write(&self, w: &mut ObjectWriter, key: &str) {
        w.key(key);
        w.out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                w.out.push(',');
            }
            write_object(item.object(), w.out);
        }
        w.out.push(']');
    }
}

/// Writes the members of a JSON object, straight into the output text.
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

    /// Ends the object (`}`).
    pub fn done(self) {
        self.out.push('}');
    }

    /// Starts member `key` (the value follows).
    #[inline(never)]
    pub fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(key, self.out);
        self.out.push(':');
    }

    /// Adds `key: <json>`, `json` being JSON text already.
    #[inline(never)]
    pub fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.out.push_str(json);
    }

    /// Adds `key: "s"`.
    #[inline(never)]
    pub fn str(&mut self, key: &str, s: &str) {
        self.key(key);
        write_str(s, self.out);
    }

    /// Adds `key: n`, or `key: null` for `None`.
    #[inline(never)]
    pub fn uint(&mut self, key: &str, n: Option<u64>) {
        let Some(n) = n else {
            return self.raw(key, "null");
        };
        self.key(key);
        super::text::push_decimal(self.out, n);
    }

    /// Adds `key: {...}`.
    #[inline(never)]
    pub fn object(&mut self, key: &str, value: &dyn ToJson) {
        self.key(key);
        write_object(value, self.out);
    }
}

/// Implements [`FromJson`] and [`ToJson`] for a struct whose JSON keys are its field names, and `Default`-based reading. Each
/// field says how it is read: `req` (must be present), `opt` (an `Option`; missing or `null` is `None`) or
/// `or_default` (missing or `null` is the type's default).
macro_rules! json_struct {
    (@required req) => { true };
    (@required opt) => { false };
    (@required or_default) => { false };
    ($ty:ident { $($field:ident: $how:ident),* $(,)? }) => {
        impl $crate::core::json::FromJson for $ty {
            fn read_fields(&mut self, f: &$crate::core::json::Fields) {
                $($crate::core::json::Field::read(
                    &mut self.$field, f, stringify!($field), $crate::core::json::json_struct!(@required $how),
                );)*
            }
        }
        impl $crate::core::json::ToJson for $ty {
            fn write_fields(&self, w: &mut $crate::core::json::ObjectWriter) {
                $($crate::core::json::Field::write(&self.$field, w, stringify!($field));)*
            }
        }
    };
}

/// Implements [`Field`] for a status enum written as snake_case strings; any other string is the `Unknown`
/// variant.
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

            /// The status named `name` on the wire (`Unknown` for any other name).
            pub fn from_name(name: &str) -> Self {
                match name {
                    $($name => $ty::$variant,)*
                    _ => $ty::Unknown,
                }
            }
        }
        impl Default for $ty {
            /// `Unknown`: what a missing status reads as (the read fails anyway, see `Fields::member`).
            fn default() -> Self {
                $ty::Unknown
            }
        }
        impl $crate::core::json::Field for $ty {
            fn read(&mut self, f: &$crate::core::json::Fields, key: &str, required: bool) {
                if let Some(name) = f.str(key, required) {
                    *self = $ty::from_name(name);
                }
            }
            fn write(&self, w: &mut $crate::core::json::ObjectWriter, key: &str) {
                w.str(key, self.as_str())
            }
        }
    };
}

pub(crate) use json_enum;
pub(crate) use json_struct;

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
