//! Debug logging (SetDebugMode). Lines go to the file named by
//! `OPENLEX_LOG_FILE` if set, else to stderr; never to the host's stdout, and
//! the host's file descriptors are never redirected (the vendor's are).

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
    let text = format!("[openlex {}] {}\n", super::clock::now(), msg());
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
