//! Panics never reach the host: one injected behind an export (test-only
//! hook, src/fault.rs) becomes LA_FAIL and is logged, the library keeps
//! working; one in the release-update thread reaches the callback as
//! LA_FAIL. (The sync thread's case needs a server: tests/e2e.rs.)

mod common;

use std::os::raw::c_int;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{c, lock, TestProduct};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::services::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;

/// Captures the debug log in a file for one test.
struct Log {
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Log {
    fn start() -> Log {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openlex.log");
        std::env::set_var("OPENLEX_LOG_FILE", &path);
        assert_eq!(SetDebugMode(1), 0);
        Log { path, _dir: dir }
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        SetDebugMode(0);
        std::env::remove_var("OPENLEX_LOG_FILE");
    }
}

#[test]
fn a_panic_behind_an_export_is_la_fail_and_the_library_keeps_working() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let log = Log::start();
    assert_eq!(IsLicenseGenuine(), 1, "nothing activated");
    openlex_client::fault::arm("export");
    assert_eq!(IsLicenseGenuine(), 1, "the panic became LA_FAIL");
    assert!(
        log.text()
            .contains("caught a panic in an export: injected panic at export"),
        "{}",
        log.text()
    );
    // The panic unwound while the state lock was held: the lock is free and
    // the state intact.
    assert_eq!(IsLicenseGenuine(), 1);
    assert_eq!(unsafe { SetLicenseKey(c("ABCDEF-ABCDEF").as_ptr()) }, 0);
    assert_eq!(IsLicenseValid(), 1);
}

static RELEASE_STATUS: Mutex<Vec<c_int>> = Mutex::new(Vec::new());

unsafe extern "C" fn on_release(
    status: c_int,
    _release: *mut openlex_client::ffi::types::Release,
    _user: *mut std::ffi::c_void,
) {
    RELEASE_STATUS.lock().unwrap().push(status);
}

fn next_release_status() -> c_int {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(s) = RELEASE_STATUS.lock().unwrap().pop() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the release callback never ran");
}

#[test]
fn a_panic_in_the_release_thread_reaches_the_callback_as_la_fail() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let log = Log::start();
    unsafe {
        assert_eq!(SetCryptlexHost(c("https://127.0.0.1:9").as_ptr()), 0);
        assert_eq!(SetLicenseKey(c("ABCDEF-ABCDEF").as_ptr()), 0);
        assert_eq!(SetReleaseVersion(c("1.0.0").as_ptr()), 0);
        assert_eq!(SetReleasePlatform(c("linux").as_ptr()), 0);
        assert_eq!(SetReleaseChannel(c("stable").as_ptr()), 0);
    }
    RELEASE_STATUS.lock().unwrap().clear();
    openlex_client::fault::arm("release");
    assert_eq!(
        CheckReleaseUpdate(Some(on_release), 1, std::ptr::null_mut()),
        0
    );
    assert_eq!(next_release_status(), 1, "LA_FAIL, not silence");
    assert!(
        log.text()
            .contains("caught a panic in the release-update thread"),
        "{}",
        log.text()
    );
    // The next check runs normally: the port refuses, LA_E_INET.
    assert_eq!(
        CheckReleaseUpdate(Some(on_release), 1, std::ptr::null_mut()),
        0
    );
    assert_eq!(next_release_status(), 48);
}
