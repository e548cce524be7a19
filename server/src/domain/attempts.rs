//! The rules for counted attempts (passwords, one-time codes, creations), on top of [`Counters`]: which keys an attempt
//! reserves, their limits and windows. No HTTP, no SQL.
//!
//! - A failed password or code counts against its identifier **and source address**: [`PER_SOURCE_FAILURES`] in
//!   [`PER_SOURCE_WINDOW`]. A stranger's failures therefore never lock the owner out from the owner's own address.
//! - Password attempts also count against the identifier alone, across all addresses: [`PER_IDENTIFIER_FAILURES`] in
//!   [`PER_IDENTIFIER_WINDOW`] (Clerk's lockout default), which bounds distributed guessing. Codes do not draw on
//!   that ceiling: each code allows only a few guesses and codes are sent only to the owner's inbox, so a correct
//!   code still signs in while password guessers from elsewhere have used it up.
//! - Every attempt is reserved before it is evaluated and released only when it succeeds, so concurrent attempts
//!   never exceed the limit together.

use std::time::Duration;

use crate::rate_limit::{Counters, Refused, Reservation};

/// Failures allowed per identifier and source address within [`PER_SOURCE_WINDOW`].
pub const PER_SOURCE_FAILURES: usize = 5;
/// The window of [`PER_SOURCE_FAILURES`].
pub const PER_SOURCE_WINDOW: Duration = Duration::from_secs(600);
/// Password failures allowed per identifier from all sources within [`PER_IDENTIFIER_WINDOW`].
pub const PER_IDENTIFIER_FAILURES: usize = 100;
/// The window of [`PER_IDENTIFIER_FAILURES`].
pub const PER_IDENTIFIER_WINDOW: Duration = Duration::from_secs(3600);

/// What is being attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A password (per source and per identifier).
    Password,
    /// A one-time code (per source only).
    Code,
}

/// The keys, limits and windows an attempt of `kind` by `source` at `identifier` reserves, in order.
pub fn slots(kind: Kind, identifier: &str, source: &str) -> Vec<(String, usize, Duration)> {
    let mut slots = vec![(
        format!("fail:{identifier}|{source}"),
        PER_SOURCE_FAILURES,
        PER_SOURCE_WINDOW,
    )];
    if kind == Kind::Password {
        slots.push((
            format!("pwfail:{identifier}"),
            PER_IDENTIFIER_FAILURES,
            PER_IDENTIFIER_WINDOW,
        ));
    }
    slots
}

/// An attempt holding its slots: [`succeeded`](Self::succeeded) frees them, [`failed`](Self::failed) (or dropping it)
/// leaves them counted.
#[must_use = "an attempt is counted as failed unless it succeeded"]
#[derive(Debug)]
pub struct Attempt {
    held: Vec<Reservation>,
}

impl Attempt {
    /// Reserve every slot of the attempt, or none: when one is refused the ones already held are released.
    pub async fn reserve(
        counters: &dyn Counters,
        kind: Kind,
        identifier: &str,
        source: &str,
    ) -> Result<Self, Refused> {
        let mut held = Vec::new();
        for (key, limit, window) in slots(kind, identifier, source) {
            match counters.reserve(&key, limit, window).await {
                Ok(r) => held.push(r),
                Err(refused) => {
                    for r in held {
                        counters.release(r).await;
                    }
                    return Err(refused);
                }
            }
        }
        Ok(Self { held })
    }

    /// The attempt succeeded (or did not count): uncount it.
    pub async fn succeeded(self, counters: &dyn Counters) {
        for r in self.held {
            counters.release(r).await;
        }
    }

    /// The attempt failed: it stays counted.
    pub fn failed(self) {
        for r in self.held {
            r.keep();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::MemoryCounters;

    #[test]
    fn passwords_reserve_per_source_and_per_identifier_codes_per_source_only() {
        let password = slots(Kind::Password, "ada@example.com", "1.1.1.1");
        assert_eq!(
            password,
            vec![
                (
                    "fail:ada@example.com|1.1.1.1".to_string(),
                    PER_SOURCE_FAILURES,
                    PER_SOURCE_WINDOW
                ),
                (
                    "pwfail:ada@example.com".to_string(),
                    PER_IDENTIFIER_FAILURES,
                    PER_IDENTIFIER_WINDOW
                ),
            ]
        );
        // A code shares the per-source slot with passwords (five failures of either kind lock that source).
        assert_eq!(
            slots(Kind::Code, "ada@example.com", "1.1.1.1"),
            password[..1].to_vec()
        );
        // Another source or identifier is another key.
        assert_ne!(
            slots(Kind::Code, "ada@example.com", "2.2.2.2")[0].0,
            password[0].0
        );
        assert_ne!(
            slots(Kind::Password, "grace@example.com", "1.1.1.1")[1].0,
            password[1].0
        );
    }

    #[tokio::test]
    async fn five_failures_per_source_lock_that_source_only() {
        let c = MemoryCounters::new();
        for _ in 0..PER_SOURCE_FAILURES {
            Attempt::reserve(&c, Kind::Password, "ada", "1.1.1.1")
                .await
                .expect("under limit")
                .failed();
        }
        assert!(matches!(
            Attempt::reserve(&c, Kind::Password, "ada", "1.1.1.1").await,
            Err(Refused::Limited(_))
        ));
        assert!(matches!(
            Attempt::reserve(&c, Kind::Code, "ada", "1.1.1.1").await,
            Err(Refused::Limited(_))
        ));
        Attempt::reserve(&c, Kind::Password, "ada", "2.2.2.2")
            .await
            .expect("the owner's address is not locked")
            .succeeded(&c)
            .await;
    }

    #[tokio::test]
    async fn identifier_ceiling_spans_sources_but_not_codes() {
        let c = MemoryCounters::new();
        for i in 0..PER_IDENTIFIER_FAILURES {
            Attempt::reserve(&c, Kind::Password, "ada", &format!("10.0.0.{i}"))
                .await
                .expect("under limit")
                .failed();
        }
        assert!(Attempt::reserve(&c, Kind::Password, "ada", "9.9.9.9")
            .await
            .is_err());
        let code = Attempt::reserve(&c, Kind::Code, "ada", "9.9.9.9")
            .await
            .expect("codes are not under the password ceiling");
        code.succeeded(&c).await;
    }

    #[tokio::test]
    async fn refused_attempt_holds_nothing_and_success_frees() {
        let c = MemoryCounters::new();
        for _ in 0..PER_SOURCE_FAILURES - 1 {
            Attempt::reserve(&c, Kind::Password, "ada", "1.1.1.1")
                .await
                .expect("under limit")
                .failed();
        }
        let last = Attempt::reserve(&c, Kind::Password, "ada", "1.1.1.1")
            .await
            .expect("fifth");
        last.succeeded(&c).await;
        Attempt::reserve(&c, Kind::Password, "ada", "1.1.1.1")
            .await
            .expect("success freed the slot")
            .failed();
    }
}
