//! Test-only fault injection: a named point panics once when a test armed it.
//! Built only with the `test-hooks` feature (the tests enable it); without it
//! [`point`] is an empty inline function.
//!
//! Points: `export` (behind IsLicenseGenuine), `sync` (in the sync thread's
//! work), `release` (in the release-update thread's work).

#[cfg(feature = "test-hooks")]
mod armed {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    static ANY: AtomicBool = AtomicBool::new(false);
    static POINTS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

    /// Makes the next pass through `name` panic.
    pub fn arm(name: &'static str) {
        POINTS.lock().unwrap_or_else(|e| e.into_inner()).push(name);
        ANY.store(true, Ordering::SeqCst);
    }

    /// Panics if `name` is armed (once per arming).
    pub fn point(name: &str) {
        if !ANY.load(Ordering::SeqCst) {
            return;
        }
        let hit = {
            let mut points = POINTS.lock().unwrap_or_else(|e| e.into_inner());
            let at = points.iter().position(|p| *p == name);
            at.map(|i| points.remove(i)).is_some()
        };
        if hit {
            panic!("injected panic at {name}");
        }
    }
}

#[cfg(feature = "test-hooks")]
pub use armed::{arm, point};

/// Panics here when a test armed `name` (never in a normal build).
#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn point(_name: &str) {}
