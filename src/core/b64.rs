//! A tiny, panic-free base64 decoder for publishable keys, which the pure core decodes (`config`) so the key rules
//! are tested natively; JWT payloads are decoded by the browser (`atob`) at the edge.
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
pub(crate) fn decode(all: &[u8]) -> Option<Vec<u8>> {
    let end = all.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let bytes = all.get(..end)?;
    if bytes.len() % 4 == 1 || all.len() - end > 2 {
        return None;
    }
    let mut out = Vec::new();
    // Each character adds 6 bits; a byte is complete whenever 8 are pending. Bits left over at the end (4 after a
    // 2-character group, 2 after a 3-character one) are padding and ignored. `acc` keeps only what the shifts leave:
    // the pending bits are always its lowest ones.
    let (mut acc, mut pending) = (0u32, 0u32);
    for &c in bytes {
        acc = (acc << 6) | sextet(c)?;
        pending += 6;
        if pending >= 8 {
            pending -= 8;
            out.push((acc >> pending) as u8);
        }
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
                    decode(enc.as_bytes()).as_deref(),
                    Some(&data[200 - len..200]),
                    "{enc}"
                );
            }
        }
    }

    #[test]
    fn decodes_padded_unpadded_and_url_safe() {
        assert_eq!(decode("".as_bytes()).as_deref(), Some(&b""[..]));
        assert_eq!(decode("Zg==".as_bytes()).as_deref(), Some(&b"f"[..]));
        assert_eq!(decode("Zg".as_bytes()).as_deref(), Some(&b"f"[..]));
        assert_eq!(decode("Zm8".as_bytes()).as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode("Zm9v".as_bytes()).as_deref(), Some(&b"foo"[..]));
        assert_eq!(
            decode("Zm9vYmFy".as_bytes()).as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(decode("-_8".as_bytes()).as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(
            decode("+/8=".as_bytes()).as_deref(),
            Some(&[0xfb, 0xff][..])
        );
        assert_eq!(decode("==".as_bytes()).as_deref(), Some(&b""[..]));
        assert_eq!(decode("=".as_bytes()).as_deref(), Some(&b""[..]));
        assert_eq!(decode("Zg=".as_bytes()).as_deref(), Some(&b"f"[..]));
        // Leftover bits need not be zero (as before): "Zh" is "f" with a stray 1 bit.
        assert_eq!(decode("Zh".as_bytes()).as_deref(), Some(&b"f"[..]));
        let long = encode(&[0xa5; 300], true, false);
        assert_eq!(decode(long.as_bytes()), Some(vec![0xa5; 300]));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode("Z".as_bytes()), None);
        assert_eq!(decode("Zm9v!".as_bytes()), None);
        assert_eq!(decode("Zg===".as_bytes()), None);
        assert_eq!(decode("Zm 9v".as_bytes()), None);
        assert_eq!(decode("é".as_bytes()), None);
        assert_eq!(decode("Z===".as_bytes()), None);
        assert_eq!(decode("Zg=a".as_bytes()), None);
    }
}
