//! Debug logging (SetDebugMode). Lines go to the file named by
//! `OPENLEX_LOG_FILE` if set, else to stderr; never to the host's stdout, and
//! the host's file descriptors are never redirected (the vendor's are).
//!
//! A leaf: `core` and `net` both log through it, and it depends on nothing.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns logging on or off.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// True when logging is on (cheap; check before formatting).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes one log line if logging is on. Failures to log are ignored.
pub fn line(msg: impl FnOnce() -> String) {
    if !enabled() {
        return;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let text = format!("[openlex {now}] {}\n", msg());
    match std::env::var_os("OPENLEX_LOG_FILE") {
        Some(path) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            if let Ok(mut f) = opts.open(path) {
                let _ = f.write_all(text.as_bytes());
            }
        }
        None => {
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }
}

/// Runs `f`, catching a panic: the guard every export and every library
/// thread runs its work under. A caught panic is logged (with `place`) and
/// gives `None`; the host process never sees it unwind.
#[inline]
pub fn catch_panic<T>(place: &str, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            caught(place, payload);
            None
        }
    }
}

/// Logs a caught panic. Out of line: every export instantiates
/// [`catch_panic`], and this part is the same for all of them.
#[cold]
#[inline(never)]
fn caught(place: &str, payload: Box<dyn std::any::Any + Send>) {
    let what: &str = match payload.downcast_ref::<&str>() {
        Some(s) => s,
        None => payload.downcast_ref::<String>().map_or("a panic", |s| s),
    };
    line(|| format!("caught a panic in {place}: {what}"));
}
