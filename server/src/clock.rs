//! Server time, with a test-only offset.
//!
//! `OPENLEX_SERVER_TIME_OFFSET` (seconds, may be negative) is added to the
//! system clock so end-to-end tests can move the server into the future
//! (expiry, leases, grace periods) without waiting. It is read once.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static OFFSET: OnceLock<i64> = OnceLock::new();

/// The configured offset in seconds (0 when unset or unparsable).
pub fn offset() -> i64 {
    *OFFSET.get_or_init(|| {
        std::env::var("OPENLEX_SERVER_TIME_OFFSET")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0)
    })
}

/// Current server time in unix seconds.
pub fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    secs + offset()
}

/// Formats unix seconds as ISO 8601 UTC (`2024-01-31T12:00:00.000Z`), the
/// vendor's date format in release JSON.
pub fn iso8601(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let rem = ts.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
    }
}
