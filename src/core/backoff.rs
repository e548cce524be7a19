//! Capped exponential backoff for transient failures (5xx, network, timeout, 429 with `Retry-After`).
//!
//! Pure schedule: the adapter owns the timer and asks [`delay_for`] how long to wait before retry number `attempt`.

/// First retry delay. Short enough that a blip (a restarting server, a dropped connection) costs a user nothing
/// noticeable, long enough not to hammer a server that just failed.
pub const BASE_DELAY_MS: u64 = 250;

/// Each retry waits this many times longer than the previous one, so a struggling server gets room quickly.
pub const BACKOFF_FACTOR: u64 = 2;

/// No computed delay exceeds this: beyond 4 s a user waiting on a click is better served by an error.
pub const MAX_DELAY_MS: u64 = 4_000;

/// Retries after the first failure (so at most 4 requests): with the delays 250, 500, 1000 ms a request gives up
/// within ~2 s plus request time, which keeps `getToken()` responsive while riding out a short outage.
pub const MAX_RETRIES: u32 = 3;

/// A `Retry-After` longer than this is not waited out: the call fails with the 429 instead. 10 s is the default
/// request timeout, and a call that silently hangs longer than a timed-out request would is worse than an error.
pub const MAX_RETRY_AFTER_MS: u64 = 10_000;

/// Whether an HTTP status is worth retrying: 429 (rate limited) and every 5xx. Transport failures (no status) are
/// classified by [`super::error::ClerkError::is_transient`].
pub fn is_transient(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// The delay before retry number `attempt` (0 = the first retry), or `None` when no retry should be made.
///
/// The computed delay is `BASE_DELAY_MS * BACKOFF_FACTOR^attempt`, capped at `MAX_DELAY_MS`; a server's
/// `retry_after_ms` is honoured as a lower bound, unless it exceeds `MAX_RETRY_AFTER_MS` (then: give up).
pub fn delay_for(attempt: u32, retry_after_ms: Option<u64>) -> Option<u64> {
    if attempt >= MAX_RETRIES {
        return None;
    }
    let computed = BACKOFF_FACTOR
        .checked_pow(attempt)
        .and_then(|f| BASE_DELAY_MS.checked_mul(f))
        .map_or(MAX_DELAY_MS, |d| d.min(MAX_DELAY_MS));
    match retry_after_ms {
        Some(ra) if ra > MAX_RETRY_AFTER_MS => None,
        Some(ra) => Some(computed.max(ra)),
        None => Some(computed),
    }
}

/// Parses a `Retry-After` header given in delta-seconds (what the server sends) into milliseconds.
/// The HTTP-date form and garbage yield `None` (the computed backoff applies).
pub fn parse_retry_after(header: &str) -> Option<u64> {
    let secs: u64 = header.trim().parse().ok()?;
    secs.checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_doubles_from_base_and_stops_after_max_retries() {
        let delays: Vec<Option<u64>> = (0..5).map(|a| delay_for(a, None)).collect();
        assert_eq!(delays, vec![Some(250), Some(500), Some(1000), None, None]);
        assert_eq!(delay_for(u32::MAX, None), None);
    }

    #[test]
    fn every_delay_is_capped() {
        // The cap holds for any attempt number the arithmetic could see (no overflow, no panic).
        for attempt in 0..MAX_RETRIES {
            assert!(delay_for(attempt, None).unwrap() <= MAX_DELAY_MS);
        }
        assert!(MAX_DELAY_MS >= BASE_DELAY_MS * BACKOFF_FACTOR.pow(MAX_RETRIES - 1));
    }

    #[test]
    fn retry_after_is_a_lower_bound_and_too_long_gives_up() {
        assert_eq!(delay_for(0, Some(2_000)), Some(2_000));
        assert_eq!(delay_for(2, Some(100)), Some(1_000));
        assert_eq!(
            delay_for(0, Some(MAX_RETRY_AFTER_MS)),
            Some(MAX_RETRY_AFTER_MS)
        );
        assert_eq!(delay_for(0, Some(MAX_RETRY_AFTER_MS + 1)), None);
        assert_eq!(delay_for(MAX_RETRIES, Some(0)), None);
    }

    #[test]
    fn transient_statuses() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(is_transient(s), "{s}");
        }
        for s in [0, 200, 400, 401, 404, 408, 413, 422, 600] {
            assert!(!is_transient(s), "{s}");
        }
    }

    #[test]
    fn retry_after_header() {
        assert_eq!(parse_retry_after("3"), Some(3_000));
        assert_eq!(parse_retry_after(" 0 "), Some(0));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(""), None);
        assert_eq!(parse_retry_after("99999999999999999999"), None);
        assert_eq!(parse_retry_after(&u64::MAX.to_string()), None);
    }
}
