//! Concurrency stress: 8 threads call getters, IsLicenseGenuine/IsLicenseValid,
//! setters and Reset (+ re-activation) in random order while the background
//! sync thread runs against the real openlex-server (license sync interval
//! 1 s) and the license callback calls getters. A watchdog aborts the process
//! with a message if anything deadlocks; every status must be in the
//! documented set for its function.
//!
//! OPENLEX_STRESS_SECS sets the duration (default 10).

mod common;

use std::collections::BTreeMap;
use std::os::raw::c_char;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::server::SERVER;
use common::{c, lock};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::getters::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use serde_json::json;

/// Statuses IsLicenseGenuine / IsLicenseValid may return (header docs),
/// plus LA_E_PRODUCT_ID while another thread is between Reset and setup.
const GENUINE: &[i32] = &[0, 1, 20, 21, 22, 43, 47, 54, 63, 69, 77, 104];
/// GetLicenseKey: LA_OK, or LA_E_PRODUCT_ID right after Reset.
const KEY: &[i32] = &[0, 43];
/// Date and number getters: LA_OK, LA_FAIL, LA_E_TIME, LA_E_TIME_MODIFIED.
const DATE: &[i32] = &[0, 1, 47, 69];
/// String getters over the claims: LA_OK, LA_FAIL (LA_E_BUFFER_SIZE never: 256 bytes).
const STRING: &[i32] = &[0, 1, 47, 69];
/// Metadata getters: as STRING plus LA_E_METADATA_KEY_NOT_FOUND.
const META: &[i32] = &[0, 1, 47, 68, 69];
/// SetLicenseKey / SetActivationMetadata / SetAppVersion / SetLicenseCallback.
const SETTER: &[i32] = &[0, 43, 54];

static CALLBACKS: AtomicU64 = AtomicU64::new(0);
static BAD_IN_CALLBACK: AtomicUsize = AtomicUsize::new(0);
static BAD_DETAILS: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn on_license(status: u32) {
    let mut buf = [0 as c_char; 256];
    let s = unsafe { GetLicenseKey(buf.as_mut_ptr(), 256) };
    let mut d = 0u32;
    let s2 = unsafe { GetLicenseExpiryDate(&mut d) };
    let s3 = IsLicenseValid();
    if !KEY.contains(&s) || !DATE.contains(&s2) || !GENUINE.contains(&s3) {
        BAD_IN_CALLBACK.fetch_add(1, Ordering::Relaxed);
        BAD_DETAILS.lock().unwrap().push(format!(
            "in callback: GetLicenseKey {s}, GetLicenseExpiryDate {s2}, IsLicenseValid {s3}"
        ));
    }
    // The sync statuses documented for the callback. Never 43: a sync thread
    // started in a Reset's shadow belongs to the old epoch and stays silent.
    if ![0, 1, 20, 21, 22, 48, 53, 59, 63, 90, 91, 92].contains(&(status as i32)) {
        BAD_IN_CALLBACK.fetch_add(1, Ordering::Relaxed);
        BAD_DETAILS
            .lock()
            .unwrap()
            .push(format!("callback status {status}"));
    }
    CALLBACKS.fetch_add(1, Ordering::Relaxed);
}

/// xorshift64*: a tiny deterministic RNG, seeded per thread.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

struct Setup {
    dir: String,
    pid: String,
    pd: String,
    key: String,
}

fn setup(s: &Setup) {
    unsafe {
        assert_eq!(SetDataDirectory(c(&s.dir).as_ptr()), 0);
        assert_eq!(SetProductData(c(&s.pd).as_ptr()), 0);
        assert_eq!(SetProductId(c(&s.pid).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
        assert_eq!(SetLicenseCallback(Some(on_license)), 0);
        assert_eq!(SetLicenseKey(c(&s.key).as_ptr()), 0);
    }
}

fn check(name: &'static str, got: i32, allowed: &[i32], bad: &Mutex<Vec<String>>) {
    if !allowed.contains(&got) {
        bad.lock().unwrap().push(format!("{name} returned {got}"));
    }
}

#[test]
fn eight_threads_with_the_sync_thread_running() {
    let _g = lock();
    let secs: u64 = std::env::var("OPENLEX_STRESS_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (pid, pd) = SERVER.product("stress", json!({}));
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"serverSyncInterval": 1, "allowedActivations": 1000}),
    );
    let store = tempfile::tempdir().unwrap();
    let s = Setup {
        dir: store.path().to_str().unwrap().to_string(),
        pid,
        pd,
        key,
    };
    setup(&s);
    assert_eq!(ActivateLicense(), 0);
    assert_eq!(IsLicenseGenuine(), 0, "starts the sync thread");

    // Watchdog: a deadlock anywhere aborts the whole process with a message.
    let done = AtomicBool::new(false);
    let deadline = Duration::from_secs(secs + 60);
    let ops = AtomicU64::new(0);
    let resets = AtomicU64::new(0);
    let bad: Mutex<Vec<String>> = Mutex::new(Vec::new());
    // Reset + re-activation is one step (Reset must not race an activation call).
    let reset_lock = Mutex::new(());
    let counts: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let t = Instant::now();
            while !done.load(Ordering::Relaxed) {
                if t.elapsed() > deadline {
                    eprintln!(
                        "stress: DEADLOCK? no progress after {:?} ({} ops done); aborting",
                        t.elapsed(),
                        ops.load(Ordering::Relaxed)
                    );
                    std::process::abort();
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let workers: Vec<_> = (0..8u64)
            .map(|i| {
                let (s, ops, resets, bad, reset_lock, counts) =
                    (&s, &ops, &resets, &bad, &reset_lock, &counts);
                scope.spawn(move || {
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0x1234_5677));
                    let end = Instant::now() + Duration::from_secs(secs);
                    let mut local: BTreeMap<String, u64> = BTreeMap::new();
                    while Instant::now() < end {
                        let mut buf = [0 as c_char; 256];
                        let mut d = 0u32;
                        let op = rng.next() % 100;
                        let (name, got, allowed): (&'static str, i32, &[i32]) = match op {
                            0..=14 => ("IsLicenseGenuine", IsLicenseGenuine(), GENUINE),
                            15..=24 => ("IsLicenseValid", IsLicenseValid(), GENUINE),
                            25..=39 => (
                                "GetLicenseKey",
                                unsafe { GetLicenseKey(buf.as_mut_ptr(), 256) },
                                KEY,
                            ),
                            40..=49 => (
                                "GetLicenseExpiryDate",
                                unsafe { GetLicenseExpiryDate(&mut d) },
                                DATE,
                            ),
                            50..=57 => (
                                "GetActivationId",
                                unsafe { GetActivationId(buf.as_mut_ptr(), 256) },
                                STRING,
                            ),
                            58..=64 => (
                                "GetLicenseType",
                                unsafe { GetLicenseType(buf.as_mut_ptr(), 256) },
                                STRING,
                            ),
                            65..=71 => (
                                "GetLicenseMetadata",
                                unsafe {
                                    GetLicenseMetadata(c("k").as_ptr(), buf.as_mut_ptr(), 256)
                                },
                                META,
                            ),
                            72..=78 => (
                                "GetActivationLastSyncedDate",
                                unsafe { GetActivationLastSyncedDate(&mut d) },
                                DATE,
                            ),
                            79..=84 => (
                                "SetActivationMetadata",
                                unsafe {
                                    SetActivationMetadata(
                                        c(&format!("t{i}")).as_ptr(),
                                        c("v").as_ptr(),
                                    )
                                },
                                &[0, 43, 54, 66],
                            ),
                            85..=89 => (
                                "SetAppVersion",
                                unsafe { SetAppVersion(c("1.2.3").as_ptr()) },
                                SETTER,
                            ),
                            90..=94 => (
                                "SetLicenseKey",
                                unsafe { SetLicenseKey(c(&s.key).as_ptr()) },
                                SETTER,
                            ),
                            95..=97 => (
                                "SetLicenseCallback",
                                SetLicenseCallback(Some(on_license)),
                                SETTER,
                            ),
                            _ => {
                                // Reset, then set up and activate again so the
                                // sync thread keeps running for the others.
                                let _r = reset_lock.lock().unwrap();
                                let r = Reset();
                                resets.fetch_add(1, Ordering::Relaxed);
                                setup(s);
                                let a = ActivateLicense();
                                check("ActivateLicense", a, &[0], bad);
                                check("IsLicenseGenuine", IsLicenseGenuine(), GENUINE, bad);
                                ("Reset", r, &[0])
                            }
                        };
                        check(name, got, allowed, bad);
                        *local.entry(format!("{name}={got}")).or_default() += 1;
                        ops.fetch_add(1, Ordering::Relaxed);
                    }
                    let mut all = counts.lock().unwrap();
                    for (k, v) in local {
                        *all.entry(k).or_default() += v;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("no worker panicked");
        }
        done.store(true, Ordering::Relaxed);
    });
    eprintln!(
        "stress: {} calls in {secs} s on 8 threads, {} resets, {} sync callbacks; statuses: {:?}",
        ops.load(Ordering::Relaxed),
        resets.load(Ordering::Relaxed),
        CALLBACKS.load(Ordering::Relaxed),
        counts.lock().unwrap()
    );
    let bad = bad.into_inner().unwrap();
    assert!(bad.is_empty(), "undocumented statuses: {bad:?}");
    assert_eq!(
        BAD_IN_CALLBACK.load(Ordering::Relaxed),
        0,
        "callback saw undocumented statuses: {:?}",
        BAD_DETAILS.lock().unwrap()
    );
    assert!(CALLBACKS.load(Ordering::Relaxed) > 0, "the sync thread ran");
    // Still coherent afterwards.
    assert_eq!(IsLicenseGenuine(), 0);
    assert_eq!(Reset(), 0);
}
