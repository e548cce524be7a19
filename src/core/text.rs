//! Substring search and replace for the few places that need it (host parsing, CSS value checks, localized
//! strings), written over bytes with non-panicking slicing: the standard library's `str` pattern searchers and the
//! char-boundary panic path they carry cost several KB in the wasm build.

/// The byte offset of the first occurrence of `needle` in `hay` (an empty needle is found at 0).
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `text` split around the first `sep`: the part before and the part after.
pub fn split_once<'a>(text: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let at = find(text, sep)?;
    // A match of a whole UTF-8 string starts and ends on character boundaries, so both `get`s succeed.
    Some((text.get(..at)?, text.get(at + sep.len()..)?))
}

/// `text` with every occurrence of `from` (non-empty) replaced by `to`.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = (!from.is_empty()).then(|| split_once(rest, from)).flatten() {
        out.push_str(before);
        out.push_str(to);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Appends `n` in decimal (by hand: `to_string` and `format!` of integers bring the standard library's integer
/// formatting into the wasm build).
pub fn push_decimal(out: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    // `n % 10` is below 10, so the digit is ASCII.
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `text` as a decimal `u64`, as `str::parse` reads it (an optional `+`, then ASCII digits; `None` when there are
/// none, for anything else and on overflow), without the standard parser's code in the wasm build.
pub fn parse_u64(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// `bytes` as text when they are valid UTF-8 (the same bytes `str::from_utf8` accepts: no overlong forms, no
/// surrogates, nothing above U+10FFFF, no cut-off sequences), decoded by hand: the standard validator is the larger
/// code in the wasm build.
pub fn utf8(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&lead, tail)) = rest.split_first() {
        // The sequence length, the smallest code point that needs it, and the lead byte's payload bits.
        let (len, min, bits) = match lead {
            0x00..=0x7f => (0, 0, lead),
            0xc0..=0xdf => (1, 0x80, lead & 0x1f),
            0xe0..=0xef => (2, 0x800, lead & 0x0f),
            0xf0..=0xf7 => (3, 0x1_0000, lead & 0x07),
            _ => return None,
        };
        let continuation = tail.get(..len)?;
        let mut code = u32::from(bits);
        for &b in continuation {
            if b & 0xc0 != 0x80 {
                return None;
            }
            code = (code << 6) | u32::from(b & 0x3f);
        }
        if code < min {
            return None;
        }
        out.push(char::from_u32(code)?);
        rest = tail.get(len..)?;
    }
    Some(out)
}

/// `n` in decimal.
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_splits_and_replaces() {
        assert_eq!(find("https://x", "://"), Some(5));
        assert_eq!(find("abc", "abcd"), None);
        assert_eq!(find("", "a"), None);
        assert_eq!(find("é://", "://"), Some(2));
        assert!(contains(
            "background: URL(x)".to_ascii_lowercase().as_str(),
            "url("
        ));
        assert!(!contains("red", "url("));
        assert_eq!(split_once("http://h:1", "://"), Some(("http", "h:1")));
        assert_eq!(split_once("h:1", "://"), None);
        assert_eq!(
            replace("Switch to {email}", "{email}", "a@b"),
            "Switch to a@b"
        );
        assert_eq!(replace("{email} and {email}!", "{email}", "é"), "é and é!");
        assert_eq!(replace("no marker", "{email}", "x"), "no marker");
        assert_eq!(replace("abc", "", "x"), "abc");
    }

    #[test]
    fn utf8_accepts_what_str_from_utf8_accepts() {
        let check = |bytes: &[u8]| {
            let std = std::str::from_utf8(bytes).ok().map(str::to_string);
            assert_eq!(utf8(bytes), std, "{bytes:x?}");
        };
        check(b"");
        check("h\u{e9}llo \u{1f600} \u{7ff} \u{800} \u{ffff} \u{10000} \u{10ffff}".as_bytes());
        for a in 0..=255u8 {
            check(&[a]);
            for b in 0..=255u8 {
                check(&[a, b]);
            }
        }
        let edges = [
            0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
            0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xff,
        ];
        for &a in &[
            0xe0u8, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7,
        ] {
            for &b in &edges {
                for &c in &edges {
                    check(&[a, b, c]);
                    for &d in &edges {
                        check(&[a, b, c, d]);
                        check(&[b'x', a, b, c, d, b'y']);
                    }
                }
            }
        }
    }

    #[test]
    fn parse_u64_reads_like_str_parse() {
        let max = u64::MAX.to_string();
        let over = "18446744073709551616".to_string();
        let cases = [
            "",
            "+",
            "-",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "42",
            "+42",
            "++1",
            "+-1",
            " 1",
            "1 ",
            "1_0",
            "1.0",
            "1e3",
            "0x10",
            "١",
            "٣4",
            max.as_str(),
            over.as_str(),
            "99999999999999999999",
            "0000000000000000000000001",
        ];
        for case in cases {
            assert_eq!(parse_u64(case), case.parse::<u64>().ok(), "{case:?}");
        }
        assert_eq!(parse_u64(&max), Some(u64::MAX));
    }

    #[test]
    fn decimal_writes_integers_like_to_string() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            65_535,
            1_000_000_007,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
        let mut out = String::from("x");
        push_decimal(&mut out, 42);
        assert_eq!(out, "x42");
    }
}
