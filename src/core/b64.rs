//! A tiny, panic-free base64 decoder for publishable keys and JWT payloads (no crate needed for ~30 lines).
//!
//! Accepts both the standard (`+/`) and the URL-safe (`-_`) alphabet, with or without `=` padding.

/// The value of one base64 character, or `None` for a character outside both alphabets.
fn sextet(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64 (standard or URL-safe, padded or not); `None` for invalid characters or length.
pub(crate) fn decode(input: &str) -> Option<Vec<u8>> {
    let bytes = input.trim_end_matches('=').as_bytes();
    if bytes.len() % 4 == 1 || input.len() - bytes.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut acc: u32 = 0;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        // A chunk of n characters carries n*6 bits: 4 → 3 bytes, 3 → 2 bytes, 2 → 1 byte.
        let [_, b0, b1, b2] = (acc << (6 * (4 - chunk.len()))).to_be_bytes();
        let decoded = [b0, b1, b2];
        out.extend_from_slice(
            decoded
                .get(..chunk.len().saturating_sub(1))
                .unwrap_or_default(),
        );
    }
    Some(out)
}

/// Test-only encoder (the SDK never encodes base64): standard or URL-safe alphabet, padded or not.
#[cfg(test)]
pub(crate) fn encode(data: &[u8], url_safe: bool, padded: bool) -> String {
    let alphabet: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if padded {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn round_trips_all_lengths_and_alphabets() {
        let data: Vec<u8> = (0..=255u8).collect();
        for len in 0..40 {
            for (url, pad) in [(false, false), (false, true), (true, false), (true, true)] {
                let enc = encode(&data[200 - len..200], url, pad);
                assert_eq!(
                    decode(&enc).as_deref(),
                    Some(&data[200 - len..200]),
                    "{enc}"
                );
            }
        }
    }

    #[test]
    fn decodes_padded_unpadded_and_url_safe() {
        assert_eq!(decode("").as_deref(), Some(&b""[..]));
        assert_eq!(decode("Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode("Zg").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode("Zm8").as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode("Zm9v").as_deref(), Some(&b"foo"[..]));
        assert_eq!(decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode("Z"), None);
        assert_eq!(decode("Zm9v!"), None);
        assert_eq!(decode("Zg==="), None);
        assert_eq!(decode("Zm 9v"), None);
        assert_eq!(decode("é"), None);
    }
}
