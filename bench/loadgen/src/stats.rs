//! Counting results and summarising them: status histogram, error count, latency percentiles, the JSON report.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// What one connection (or, merged, the whole run) observed during the measured window.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Latency of every answered request, in microseconds (unsorted until [`Tally::report`]).
    latencies_us: Vec<u64>,
    /// Answers per HTTP status code.
    statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connect, I/O or protocol failure, timeout).
    transport_errors: u64,
    /// The first transport failure, to tell the user what went wrong.
    first_error: Option<String>,
}

impl Tally {
    /// Count an answer with `status` that took `latency`.
    pub fn answer(&mut self, status: u16, latency: Duration) {
        self.latencies_us
            .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
        *self.statuses.entry(status).or_default() += 1;
    }

    /// Count a request that got no answer.
    pub fn failure(&mut self, why: impl std::fmt::Display) {
        self.transport_errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(why.to_string());
        }
    }

    /// Add another tally's counts to this one.
    pub fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// Summarise a run that measured for `elapsed` over `connections` connections.
    pub fn report(mut self, elapsed: Duration, connections: u32) -> Report {
        self.latencies_us.sort_unstable();
        let answered: u64 = self.statuses.values().sum();
        let failed_statuses: u64 = self
            .statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s))
            .map(|(_, n)| n)
            .sum();
        let requests = answered + self.transport_errors;
        let seconds = elapsed.as_secs_f64();
        let to_ms = |us: u64| round3(us as f64 / 1000.0);
        Report {
            requests,
            errors: failed_statuses + self.transport_errors,
            statuses: self
                .statuses
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
            transport_errors: self.transport_errors,
            first_error: self.first_error,
            seconds: round3(seconds),
            rps: if seconds > 0.0 {
                (requests as f64 / seconds).round()
            } else {
                0.0
            },
            p50_ms: percentile(&self.latencies_us, 50.0).map(to_ms),
            p99_ms: percentile(&self.latencies_us, 99.0).map(to_ms),
            max_ms: self.latencies_us.last().copied().map(to_ms),
            connections,
        }
    }
}

/// The JSON object printed at the end of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Requests completed in the measured window: answered plus failed without an answer.
    pub requests: u64,
    /// Answers outside 2xx plus requests without an answer.
    pub errors: u64,
    /// Answers per status code (`"200": n`).
    pub statuses: BTreeMap<String, u64>,
    /// Requests that got no answer (included in `errors`).
    pub transport_errors: u64,
    /// The first of those failures, if any.
    pub first_error: Option<String>,
    /// Length of the measured window, until the last request in flight at its end finished.
    pub seconds: f64,
    /// `requests / seconds`.
    pub rps: f64,
    /// Median latency of answered requests (null when none was answered).
    pub p50_ms: Option<f64>,
    /// 99th percentile latency.
    pub p99_ms: Option<f64>,
    /// Slowest answer.
    pub max_ms: Option<f64>,
    /// Concurrent connections.
    pub connections: u32,
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of ascending `sorted` values: the smallest value with at least
/// p % of all values at or below it. `None` for no values.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    // ceil(p/100 · n) in integer arithmetic on per-mille-of-a-percent units, so 99 % of 100 is exactly rank 99.
    let p_units = (p.clamp(0.0, 100.0) * 1000.0).round() as u128;
    let rank = (p_units * n as u128).div_ceil(100_000).max(1);
    let index = usize::try_from(rank - 1).unwrap_or(usize::MAX).min(n - 1);
    sorted.get(index).copied()
}

/// Round to three decimals (microsecond resolution when the unit is milliseconds).
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 50.0), Some(50));
        assert_eq!(percentile(&hundred, 99.0), Some(99));
        assert_eq!(percentile(&hundred, 100.0), Some(100));
        assert_eq!(percentile(&hundred, 0.0), Some(1));
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
        // Ten values: p50 is the 5th, p99 the 10th (ceil(9.9)).
        let ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&ten, 50.0), Some(5));
        assert_eq!(percentile(&ten, 99.0), Some(10));
        // 1000 values: p99 is the 990th — one slow outlier in a thousand does not move it.
        let mut thousand = vec![1_000u64; 999];
        thousand.push(50_000);
        assert_eq!(percentile(&thousand, 99.0), Some(1_000));
        assert_eq!(percentile(&thousand, 100.0), Some(50_000));
    }

    #[test]
    fn report_counts_errors_and_rates() {
        let mut a = Tally::default();
        for us in [1_000, 2_000, 3_000] {
            a.answer(200, Duration::from_micros(us));
        }
        a.answer(429, Duration::from_micros(500));
        let mut b = Tally::default();
        b.answer(204, Duration::from_micros(4_000));
        b.failure("connection refused");
        b.failure("timed out");
        a.merge(b);
        let r = a.report(Duration::from_secs(2), 3);
        assert_eq!(r.requests, 7);
        assert_eq!(r.errors, 3, "the 429 and both failures");
        assert_eq!(r.transport_errors, 2);
        assert_eq!(r.first_error.as_deref(), Some("connection refused"));
        assert_eq!(r.statuses.get("200"), Some(&3));
        assert_eq!(r.statuses.get("204"), Some(&1));
        assert_eq!(r.statuses.get("429"), Some(&1));
        assert_eq!(r.rps, 4.0, "7 requests in 2 s, rounded");
        // Answered latencies sorted: 0.5, 1, 2, 3, 4 ms.
        assert_eq!(r.p50_ms, Some(2.0));
        assert_eq!(r.p99_ms, Some(4.0));
        assert_eq!(r.max_ms, Some(4.0));
        assert_eq!(r.connections, 3);
    }

    #[test]
    fn empty_run_reports_nulls() {
        let r = Tally::default().report(Duration::ZERO, 1);
        assert_eq!((r.requests, r.errors, r.rps), (0, 0, 0.0));
        assert_eq!((r.p50_ms, r.p99_ms, r.max_ms), (None, None, None));
        let json = serde_json::to_value(&r).expect("serialises");
        for key in [
            "requests",
            "errors",
            "statuses",
            "seconds",
            "rps",
            "p50_ms",
            "p99_ms",
            "max_ms",
            "connections",
        ] {
            assert!(json.get(key).is_some(), "{key} missing");
        }
    }

    #[test]
    fn latencies_keep_microseconds() {
        let mut t = Tally::default();
        t.answer(200, Duration::from_nanos(1_234_567));
        assert_eq!(t.report(Duration::from_secs(1), 1).p50_ms, Some(1.234));
    }
}
