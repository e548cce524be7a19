//! Counted attempts: a [`Counters`] backend reserves a slot of a limit *before* the attempt is evaluated, so N
//! concurrent attempts can never all pass a check that only one of them would pass. [`MemoryCounters`] keeps the
//! slots in this process (SQLite mode); a shared database can implement the same trait for several processes.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window the 10-minute limits of this server count over.
pub const WINDOW: Duration = Duration::from_secs(600);
/// Email codes sent to one address per [`WINDOW`]: enough for a few resends, too few to flood an inbox.
pub const CODES_PER_RECIPIENT: usize = 10;
/// Once the map holds this many keys, stale keys are purged on the next write.
const PURGE_THRESHOLD: usize = 10_000;

/// A boxed future, so [`Counters`] stays object-safe (`Arc<dyn Counters>`) and implementations may await I/O.
pub type CounterFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a reservation was not granted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The key is at its limit; a slot frees in this many seconds (at least 1).
    #[error("limit reached; retry after {0} s")]
    Limited(u64),
    /// The backend failed (a database error, for the log only); the attempt must not be evaluated.
    #[error("counter backend: {0}")]
    Backend(String),
}

/// One counted event holding a slot of a limit. Dropping it (or [`keep`](Self::keep)) leaves the event counted, so an
/// early return or a crash in the middle of an attempt counts as a failure; only [`Counters::release`] uncounts it.
#[must_use = "a reservation is kept (counted) unless released"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    key: String,
    id: i64,
}

impl Reservation {
    /// A reservation of event `id` under `key` (for backends; `id` is whatever the backend needs to find it again).
    pub fn new(key: impl Into<String>, id: i64) -> Self {
        Self {
            key: key.into(),
            id,
        }
    }

    /// The counted key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The backend's id of the event.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Leave the event counted (the attempt failed). Same as dropping it; says so at the call site.
    pub fn keep(self) {}
}

/// Sliding-window counters of events per key.
///
/// Contract:
/// - [`reserve`](Self::reserve) is atomic per key: when fewer than `limit` events of `key` happened within `window`
///   before now, it records one event and returns its [`Reservation`]; otherwise it records nothing and answers
///   [`Refused::Limited`] with the seconds until the oldest counted event leaves the window (rounded up, at least 1).
///   `limit == 0` refuses everything. Concurrent reservations of the same key never exceed `limit` together.
/// - [`release`](Self::release) removes that one event (the attempt succeeded or did not count). Releasing twice or
///   after the event left the window is a no-op. A failure to release is logged, never reported: the event then
///   stays counted, which errs on the safe side.
/// - Keys are opaque strings chosen by the caller (they carry their own namespace, e.g. `pw:ada@example.com|1.2.3.4`).
/// - Events older than every window in use may be purged at any time.
pub trait Counters: Send + Sync {
    /// Count one event of `key` if it is under `limit` within `window`.
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        limit: usize,
        window: Duration,
    ) -> CounterFuture<'a, Result<Reservation, Refused>>;

    /// Uncount the event of `reservation`.
    fn release(&self, reservation: Reservation) -> CounterFuture<'_, ()>;
}

/// Seconds until `oldest + window`, rounded up, at least one.
pub fn retry_after_secs(oldest: Instant, window: Duration, now: Instant) -> u64 {
    let wait = (oldest + window).saturating_duration_since(now);
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// In-process [`Counters`]: a log of `(instant, id)` per key behind one mutex.
#[derive(Debug, Default)]
pub struct MemoryCounters {
    events: Mutex<HashMap<String, VecDeque<(Instant, i64)>>>,
    next_id: AtomicU64,
    /// The longest window seen, so purging never drops events a limit still counts.
    longest_window: Mutex<Duration>,
}

impl MemoryCounters {
    /// Empty counters.
    pub fn new() -> Self {
        Self::default()
    }

    /// [`Counters::reserve`] at a given instant (synchronous; the trait method calls this with `Instant::now()`).
    pub fn reserve_at(
        &self,
        key: &str,
        limit: usize,
        window: Duration,
        now: Instant,
    ) -> Result<Reservation, Refused> {
        {
            let mut longest = self
                .longest_window
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if window > *longest {
                *longest = window;
            }
        }
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() >= PURGE_THRESHOLD && !events.contains_key(key) {
            let keep_for = *self
                .longest_window
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            events.retain(|_, log| {
                log.back()
                    .is_some_and(|(last, _)| now.saturating_duration_since(*last) < keep_for)
            });
        }
        let log = events.entry(key.to_string()).or_default();
        while log
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= window)
        {
            log.pop_front();
        }
        if log.len() >= limit {
            let oldest = log.front().map_or(now, |(t, _)| *t);
            return Err(Refused::Limited(retry_after_secs(oldest, window, now)));
        }
        let id = i64::try_from(self.next_id.fetch_add(1, Ordering::Relaxed)).unwrap_or(i64::MAX);
        log.push_back((now, id));
        Ok(Reservation::new(key, id))
    }

    /// [`Counters::release`], synchronously.
    pub fn release_now(&self, reservation: Reservation) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(log) = events.get_mut(&reservation.key) {
            log.retain(|(_, id)| *id != reservation.id);
            if log.is_empty() {
                events.remove(&reservation.key);
            }
        }
    }
}

impl Counters for MemoryCounters {
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        limit: usize,
        window: Duration,
    ) -> CounterFuture<'a, Result<Reservation, Refused>> {
        let result = self.reserve_at(key, limit, window, Instant::now());
        Box::pin(std::future::ready(result))
    }

    fn release(&self, reservation: Reservation) -> CounterFuture<'_, ()> {
        self.release_now(reservation);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: Duration = Duration::from_secs(10);

    #[test]
    fn refuses_at_limit_and_frees_as_window_slides() {
        let c = MemoryCounters::new();
        let t0 = Instant::now();
        for i in 0..3 {
            c.reserve_at("k", 3, TEN, t0 + Duration::from_secs(i))
                .expect("under limit")
                .keep();
        }
        assert_eq!(
            c.reserve_at("k", 3, TEN, t0 + Duration::from_secs(3)),
            Err(Refused::Limited(7))
        );
        assert!(c.reserve_at("other", 3, TEN, t0).is_ok());
        // At t0+10 the first event leaves the window: one slot free again.
        assert!(c
            .reserve_at("k", 3, TEN, t0 + Duration::from_secs(10))
            .is_ok());
        assert!(c
            .reserve_at("k", 3, TEN, t0 + Duration::from_secs(10))
            .is_err());
    }

    #[test]
    fn released_slots_are_free_again_kept_ones_are_not() {
        let c = MemoryCounters::new();
        let t0 = Instant::now();
        let a = c.reserve_at("k", 2, TEN, t0).expect("first");
        let b = c.reserve_at("k", 2, TEN, t0).expect("second");
        assert!(c.reserve_at("k", 2, TEN, t0).is_err(), "both slots held");
        c.release_now(a.clone());
        c.release_now(a); // twice: no-op
        let d = c.reserve_at("k", 2, TEN, t0).expect("freed by release");
        drop(d); // dropped = kept
        b.keep();
        assert!(c.reserve_at("k", 2, TEN, t0).is_err());
    }

    #[test]
    fn zero_limit_refuses_everything() {
        let c = MemoryCounters::new();
        assert!(c.reserve_at("k", 0, TEN, Instant::now()).is_err());
    }

    #[tokio::test]
    async fn concurrent_reservations_never_exceed_the_limit() {
        let c = std::sync::Arc::new(MemoryCounters::new());
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.reserve("k", 5, TEN).await.is_ok() })
            })
            .collect();
        let mut granted = 0;
        for t in tasks {
            granted += usize::from(t.await.unwrap_or(false));
        }
        assert_eq!(granted, 5);
    }
}
