//! Wall-clock time for licensing decisions, and the rollback rule.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far the clock may go back behind the recorded high-water mark before
/// it counts as tampering (LA_E_TIME_MODIFIED). The vendor allows "around one
/// hour, to allow for DST".
pub const ROLLBACK_TOLERANCE_SECS: i64 = 3600;

/// Persist a moved high-water mark only after this many seconds, so hot
/// checks do not write to disk; the tolerance above dwarfs it.
pub const HIGH_WATER_PERSIST_SECS: i64 = 600;

static OFFSET: AtomicI64 = AtomicI64::new(0);

/// Current unix time in seconds.
pub fn now() -> i64 {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    t + OFFSET.load(Ordering::Relaxed)
}

/// Shifts this library's view of the clock (Rust-level testing aid; not
/// exported through the C ABI). Equivalent to moving the system clock.
#[doc(hidden)]
pub fn set_offset_for_tests(secs: i64) {
    OFFSET.store(secs, Ordering::Relaxed);
}

/// True when `now` lies more than the tolerance behind a recorded time.
pub fn rolled_back(now: i64, high_water: i64) -> bool {
    high_water - now > ROLLBACK_TOLERANCE_SECS
}
