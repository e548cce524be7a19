//! [`Counters`] in PostgreSQL, shared by every instance on the database: one row per key holding the instants of
//! its counted events, updated by one atomic `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per event (the row lock
//! of the upsert serialises concurrent reservations of one key, on any instance). Rows whose last event left the
//! longest window in use are deleted on a timer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng;
use sqlx::postgres::PgPool;

use crate::ids;
use crate::rate_limit::{CounterFuture, Counters, Refused, Reservation};

/// Event ids are `unix_ms × ID_SCALE + random`: ordered by time, unique per key in practice (two events of one key
/// in the same millisecond share an id with probability 1/ID_SCALE), and the time is the id divided by the scale.
const ID_SCALE: i64 = 1_000_000;
/// How often rows of keys without a recent event are deleted.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Counters in the `rate_counters` table.
pub struct PgCounters {
    pool: PgPool,
    /// The longest window asked for so far, in ms (rows are pruned only once older than it).
    longest_window_ms: AtomicU64,
}

impl PgCounters {
    /// Counters on `pool`, with the pruning timer started (it stops when the pool is closed).
    pub fn start(pool: PgPool) -> std::sync::Arc<Self> {
        let counters = std::sync::Arc::new(Self {
            pool,
            longest_window_ms: AtomicU64::new(0),
        });
        let weak = std::sync::Arc::downgrade(&counters);
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(PRUNE_EVERY);
            timer.tick().await;
            loop {
                timer.tick().await;
                let Some(counters) = weak.upgrade() else {
                    break;
                };
                if counters.pool.is_closed() {
                    break;
                }
                if let Err(e) = counters.prune(ids::now_ms()).await {
                    tracing::warn!("pruning rate counters: {e}");
                }
            }
        });
        counters
    }

    /// Delete the rows whose newest event is older than every window in use.
    async fn prune(&self, now_ms: i64) -> Result<u64, sqlx::Error> {
        let longest =
            i64::try_from(self.longest_window_ms.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
        let result = sqlx::query("DELETE FROM rate_counters WHERE updated_at < $1")
            .bind(now_ms.saturating_sub(longest))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    /// [`Counters::reserve`] at `now_ms` (this instance's clock).
    async fn reserve_at(
        &self,
        key: &str,
        limit: usize,
        window: Duration,
        now_ms: i64,
    ) -> Result<Reservation, Refused> {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        self.longest_window_ms
            .fetch_max(u64::try_from(window_ms).unwrap_or(0), Ordering::Relaxed);
        if limit == 0 {
            return Err(Refused::Limited(retry_after(now_ms, window_ms, now_ms)));
        }
        if key.contains('\0') {
            return Err(Refused::Backend("a counter key cannot hold NUL".into()));
        }
        let id = now_ms
            .saturating_mul(ID_SCALE)
            .saturating_add(rand::thread_rng().gen_range(0..ID_SCALE));
        // Events still in the window: those after now - window (an event leaves it when now - t >= window).
        let cutoff = now_ms
            .saturating_sub(window_ms)
            .saturating_add(1)
            .saturating_mul(ID_SCALE);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let row: (bool, Option<i64>) = sqlx::query_as(
            "INSERT INTO rate_counters AS c (key, events, updated_at) VALUES ($1, ARRAY[$2::bigint], $3)
             ON CONFLICT (key) DO UPDATE SET
               events = ARRAY(SELECT e FROM unnest(c.events) AS e WHERE e >= $4 ORDER BY e)
                 || CASE WHEN (SELECT count(*) FROM unnest(c.events) AS e WHERE e >= $4) < $5
                    THEN ARRAY[$2::bigint] ELSE ARRAY[]::bigint[] END,
               updated_at = $3
             RETURNING $2::bigint = ANY (events), (SELECT min(e) FROM unnest(events) AS e)",
        )
        .bind(key)
        .bind(id)
        .bind(now_ms)
        .bind(cutoff)
        .bind(limit)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| Refused::Backend(e.to_string()))?;
        match row {
            (true, _) => Ok(Reservation::new(key, id)),
            (false, oldest) => {
                let oldest_ms = oldest.map_or(now_ms, |e| e / ID_SCALE);
                Err(Refused::Limited(retry_after(oldest_ms, window_ms, now_ms)))
            }
        }
    }
}

/// Seconds until `oldest_ms + window_ms`, rounded up, at least one (as [`crate::rate_limit::retry_after_secs`]).
fn retry_after(oldest_ms: i64, window_ms: i64, now_ms: i64) -> u64 {
    let wait_ms = oldest_ms
        .saturating_add(window_ms)
        .saturating_sub(now_ms)
        .max(0);
    u64::try_from((wait_ms + 999) / 1000)
        .unwrap_or(u64::MAX)
        .max(1)
}

impl Counters for PgCounters {
    fn reserve<'a>(
        &'a self,
        key: &'a str,
        limit: usize,
        window: Duration,
    ) -> CounterFuture<'a, Result<Reservation, Refused>> {
        Box::pin(self.reserve_at(key, limit, window, ids::now_ms()))
    }

    fn release(&self, reservation: Reservation) -> CounterFuture<'_, ()> {
        Box::pin(async move {
            let result = sqlx::query(
                "UPDATE rate_counters SET events = array_remove(events, $2) WHERE key = $1",
            )
            .bind(reservation.key())
            .bind(reservation.id())
            .execute(&self.pool)
            .await;
            if let Err(e) = result {
                tracing::warn!("releasing a rate counter event: {e}");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(1_000, 10_000, 1_000), 10);
        assert_eq!(retry_after(1_000, 10_000, 1_001), 10);
        assert_eq!(retry_after(1_000, 10_000, 10_999), 1);
        assert_eq!(retry_after(1_000, 10_000, 20_000), 1);
    }
}
