//! What an identifier or an email address is: trimmed, lowercase and NFC-normalised, so look-alike spellings of one
//! address are one account.

use unicode_normalization::UnicodeNormalization;

/// Longest accepted identifier / email address (RFC 5321 path limit).
pub const MAX_IDENTIFIER_LEN: usize = 254;

/// Why a submitted identifier is refused; `param` names the form field it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    /// The form field the identifier came from.
    pub param: &'static str,
    /// What is wrong with it.
    pub reason: Reason,
}

/// What is wrong with a refused identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// More than [`MAX_IDENTIFIER_LEN`] characters.
    TooLong,
    /// Holds a control, bidi-control or zero-width character.
    Invisible,
    /// Not one `@` with text on both sides, or holds whitespace.
    NotAnEmail,
}

/// Trim, lowercase and NFC-normalise an identifier submitted as `param`; over-long, or holding control, bidi-control
/// or zero-width characters → [`Invalid`].
pub fn normalize_identifier(raw: &str, param: &'static str) -> Result<String, Invalid> {
    let value = raw.trim();
    let refuse = |reason| Err(Invalid { param, reason });
    if value.chars().count() > MAX_IDENTIFIER_LEN {
        return refuse(Reason::TooLong);
    }
    if value.chars().any(is_invisible_or_control) {
        return refuse(Reason::Invisible);
    }
    Ok(value.to_lowercase().nfc().collect())
}

/// Control characters, bidi controls (embeddings, overrides, isolates, marks) and zero-width characters: they
/// change how an address looks or reads without changing what it looks like, so they make look-alike accounts.
fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{FEFF}'
                | '\u{00AD}'
        )
}

/// A normalised email address (submitted as `email_address`): exactly one `@` with text on both sides, no
/// whitespace.
pub fn normalize_email(raw: &str) -> Result<String, Invalid> {
    let email = normalize_identifier(raw, "email_address")?;
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(Invalid {
            param: "email_address",
            reason: Reason::NotAnEmail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_identifiers() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").ok().as_deref(),
            Some("ada@example.com")
        );
        for bad in ["ada", "@example.com", "ada@", "a@b@c", "a b@c.d"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
        assert!(normalize_identifier(&"a".repeat(255), "identifier").is_err());
        // NFC: a decomposed "é" (e + combining acute) is the same address as the composed one.
        assert_eq!(
            normalize_email("Jose\u{0301}@example.com").ok(),
            normalize_email("jos\u{00E9}@example.com").ok()
        );
        for bad in [
            "ad\u{200B}a@example.com",
            "ada@exa\u{202E}mple.com",
            "ada\u{0007}@example.com",
            "\u{FEFF}ada@example.com",
            "ada@example.com\u{2066}",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_identifier(&"a".repeat(254), "identifier").is_ok());
    }

    #[test]
    fn refusals_name_the_field_and_the_reason() {
        assert_eq!(
            normalize_identifier(&"a".repeat(255), "identifier"),
            Err(Invalid {
                param: "identifier",
                reason: Reason::TooLong
            })
        );
        assert_eq!(
            normalize_email("ad\u{200B}a@example.com"),
            Err(Invalid {
                param: "email_address",
                reason: Reason::Invisible
            })
        );
        assert_eq!(
            normalize_email("ada"),
            Err(Invalid {
                param: "email_address",
                reason: Reason::NotAnEmail
            })
        );
    }
}
