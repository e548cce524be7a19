//! In-memory sliding-window rate limiters (a log of event instants per key).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window every limit of this server counts over.
pub const WINDOW: Duration = Duration::from_secs(600);
/// Failed password/code attempts allowed per identifier within [`WINDOW`].
pub const IDENTIFIER_FAILURES: usize = 5;

/// Email codes sent to one address per [`WINDOW`]: enough for a few resends, too few to flood an inbox.
pub const CODES_PER_RECIPIENT: usize = 10;
/// Once the map holds this many keys, stale keys are purged on the next write.
const PURGE_THRESHOLD: usize = 10_000;

/// Counts events per key over a sliding window and refuses once `limit` is reached.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `limit` events per `window` and key.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after_secs)` when `key` is at its limit at `now`; records nothing.
    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let oldest = match events.get_mut(key) {
            Some(log) => {
                self.prune(log, now);
                if log.len() < self.limit {
                    return Ok(());
                }
                log.front().copied().unwrap_or(now)
            }
            None if self.limit > 0 => return Ok(()),
            None => now,
        };
        // The window frees a slot when the oldest counted event leaves it; round up, at least one second.
        let wait = (oldest + self.window).saturating_duration_since(now);
        Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
    }

    /// Record one event for `key` at `now`.
    pub fn record_at(&self, key: &str, now: Instant) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() >= PURGE_THRESHOLD {
            let window = self.window;
            events.retain(|_, log| {
                log.back()
                    .is_some_and(|last| now.saturating_duration_since(*last) < window)
            });
        }
        let log = events.entry(key.to_string()).or_default();
        self.prune(log, now);
        log.push_back(now);
    }

    /// Check and, when allowed, record — the usual call for counted actions.
    pub fn hit_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        self.check_at(key, now)?;
        self.record_at(key, now);
        Ok(())
    }

    /// [`check_at`](Self::check_at) now.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// [`record_at`](Self::record_at) now.
    pub fn record(&self, key: &str) {
        self.record_at(key, Instant::now())
    }

    /// Drop events that left the window.
    fn prune(&self, log: &mut VecDeque<Instant>, now: Instant) {
        while log
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            log.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_at_limit_and_frees_as_window_slides() {
        let limiter = RateLimiter::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.hit_at("k", t0 + Duration::from_secs(i)), Ok(()));
        }
        assert_eq!(limiter.hit_at("k", t0 + Duration::from_secs(3)), Err(7));
        assert_eq!(limiter.check_at("other", t0), Ok(()));
        // At t0+10 the first event leaves the window: one slot free again.
        assert_eq!(limiter.hit_at("k", t0 + Duration::from_secs(10)), Ok(()));
        assert!(limiter.check_at("k", t0 + Duration::from_secs(10)).is_err());
    }

    #[test]
    fn check_does_not_record() {
        let limiter = RateLimiter::new(1, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.check_at("k", t0), Ok(()));
        }
        limiter.record_at("k", t0);
        assert_eq!(
            limiter.check_at("k", t0 + Duration::from_millis(500)),
            Err(10)
        );
    }

    #[test]
    fn zero_limit_refuses_everything() {
        let limiter = RateLimiter::new(0, Duration::from_secs(10));
        limiter.record_at("k", Instant::now());
        assert!(limiter.check_at("k", Instant::now()).is_err());
    }
}
