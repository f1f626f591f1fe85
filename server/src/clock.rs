//! Server time, injected.
//!
//! Everything that reads the time (operations, the rate limiter, claims in
//! signed tokens) gets it from the [`Clock`] the [`App`](crate::app::App) was
//! built with. Production uses [`SystemClock`]; tests use a [`TestClock`] and
//! move it instead of sleeping. Out-of-process tests reach a server's
//! `TestClock` only through `serve --insecure-test-clock` (loopback only, see
//! `http::test_clock`); nothing in the environment can move the clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use time::macros::format_description;
use time::OffsetDateTime;

/// A source of the current time in unix seconds.
pub trait Clock: Send + Sync {
    /// Now, in unix seconds.
    fn now(&self) -> i64;
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

/// The system clock in unix seconds (0 before 1970).
pub fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        system_now()
    }
}

/// A clock tests move: either frozen at a base time or following the system
/// clock, plus an offset that [`TestClock::advance`] grows.
#[derive(Debug)]
pub struct TestClock {
    /// `Some(t)`: frozen at `t` (plus the offset); `None`: the system clock.
    base: Option<i64>,
    offset: AtomicI64,
}

impl TestClock {
    /// Frozen at `unix_seconds` until advanced (unit tests: exact times).
    pub fn frozen(unix_seconds: i64) -> Self {
        TestClock {
            base: Some(unix_seconds),
            offset: AtomicI64::new(0),
        }
    }

    /// The system clock, shifted by what [`advance`](Self::advance) adds
    /// (out-of-process tests: time keeps flowing, jumps on demand).
    pub fn following_system() -> Self {
        TestClock {
            base: None,
            offset: AtomicI64::new(0),
        }
    }

    /// Moves the clock by `seconds` (may be negative); returns the new offset.
    pub fn advance(&self, seconds: i64) -> i64 {
        self.offset
            .fetch_add(seconds, Ordering::SeqCst)
            .saturating_add(seconds)
    }

    /// Seconds added to the base so far.
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::SeqCst)
    }
}

impl Clock for TestClock {
    fn now(&self) -> i64 {
        self.base
            .unwrap_or_else(system_now)
            .saturating_add(self.offset())
    }
}

/// Formats unix seconds as ISO 8601 UTC with milliseconds
/// (`2024-01-31T12:00:00.000Z`), the vendor's date format.
pub fn iso8601(ts: i64) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        // Out of the representable range (±9999 years): the nearest bound.
        .unwrap_or_else(|| {
            if ts < 0 {
                "-9999-01-01T00:00:00.000Z".into()
            } else {
                "9999-12-31T23:59:59.000Z".into()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(i64::MAX), "9999-12-31T23:59:59.000Z");
    }

    #[test]
    fn test_clocks_move_only_when_told() {
        let c = TestClock::frozen(1000);
        assert_eq!(c.now(), 1000);
        assert_eq!(c.advance(60), 60);
        assert_eq!(c.now(), 1060);
        let s = TestClock::following_system();
        s.advance(100_000);
        assert!((s.now() - system_now() - 100_000).abs() <= 1);
        assert!((SystemClock.now() - system_now()).abs() <= 1);
    }
}
