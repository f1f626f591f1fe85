//! End-to-end tests of online licensing against the real openlex-server
//! process on loopback over HTTPS (its development CA via SSL_CERT_FILE).
//! Needs `cargo build -p openlex-server` first (the CI script does it).

mod common;

use std::os::raw::c_char;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::server::SERVER;
use common::{c, lock, read};
use openlex_client::core::clock::set_offset_for_tests;
use openlex_client::ffi::activation::*;
use openlex_client::ffi::getters::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use serde_json::json;

static CALLS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

unsafe extern "C" fn on_status(status: u32) {
    // Getters must work from inside the callback (no lock is held).
    let mut buf = [0 as c_char; 256];
    let _ = unsafe { GetLicenseKey(buf.as_mut_ptr(), 256) };
    CALLS.lock().unwrap().push(status);
}

fn wait_for_callback(want: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if CALLS.lock().unwrap().contains(&want) {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("callback {want} not seen; got {:?}", CALLS.lock().unwrap());
}

/// Sets up the library for a product on the shared server with a fresh store.
struct Ctx {
    product_id: String,
    _store: tempfile::TempDir,
}

fn init(product_id: &str, product_data: &str) -> Ctx {
    let store = tempfile::tempdir().unwrap();
    unsafe {
        assert_eq!(
            SetDataDirectory(c(store.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(product_data).as_ptr()), 0);
        assert_eq!(SetProductId(c(product_id).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
    }
    CALLS.lock().unwrap().clear();
    Ctx {
        product_id: product_id.to_string(),
        _store: store,
    }
}

fn activate(key: &str) -> i32 {
    unsafe {
        assert_eq!(SetLicenseKey(c(key).as_ptr()), 0);
        ActivateLicense()
    }
}

fn text(f: unsafe extern "C" fn(*mut c_char, u32) -> i32) -> String {
    let mut buf = [0 as c_char; 256];
    assert_eq!(unsafe { f(buf.as_mut_ptr(), 256) }, 0);
    read(&buf)
}

#[test]
fn activate_check_getters_and_deactivate() {
    let _g = lock();
    let (pid, pd) = SERVER.product(
        "getters",
        json!({"metadata": [{"key": "pk", "value": "pv"}]}),
    );
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"allowedActivations": 3, "metadata": [{"key": "Tier", "value": "gold"}],
               "organizationName": "ACME", "validity": 86400 * 30}),
    );
    let ctx = init(&pid, &pd);
    unsafe {
        assert_eq!(
            SetActivationMetadata(c("k1").as_ptr(), c("v1").as_ptr()),
            0,
            "SetProductId is enough, no key needed (measured: docs/SETTERS.md)"
        );
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(SetActivationMetadata(c("k1").as_ptr(), c("v1").as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        assert_eq!(IsLicenseGenuine(), 0);
        assert_eq!(IsLicenseValid(), 0);
    }
    assert_eq!(text(GetLicenseKey), key);
    assert_eq!(text(GetLicenseType), "node-locked");
    assert_eq!(text(GetLicenseOrganizationName), "ACME");
    assert!(!text(GetActivationId).is_empty());
    let mut buf = [0 as c_char; 256];
    let (mut u, mut i) = (0u32, 0i64);
    unsafe {
        assert_eq!(
            GetActivationMetadata(c("K1").as_ptr(), buf.as_mut_ptr(), 256),
            0,
            "case-insensitive"
        );
        assert_eq!(read(&buf), "v1");
        assert_eq!(
            GetLicenseMetadata(c("tier").as_ptr(), buf.as_mut_ptr(), 256),
            0
        );
        assert_eq!(read(&buf), "gold");
        assert_eq!(
            GetLicenseMetadata(c("nope").as_ptr(), buf.as_mut_ptr(), 256),
            68
        );
        assert_eq!(
            GetProductMetadata(c("pk").as_ptr(), buf.as_mut_ptr(), 256),
            0
        );
        assert_eq!(read(&buf), "pv");
        assert_eq!(GetLicenseAllowedActivations(&mut i), 0);
        assert_eq!(i, 3);
        assert_eq!(GetLicenseTotalActivations(&mut u), 0);
        assert_eq!(u, 1);
        assert_eq!(GetLicenseExpiryDate(&mut u), 0);
        assert!(u64::from(u) > 1_700_000_000);
        let mut init = [0 as c_char; 16];
        let mut cur = [0 as c_char; 16];
        assert_eq!(
            GetActivationMode(init.as_mut_ptr(), 16, cur.as_mut_ptr(), 16),
            0
        );
        assert_eq!(
            (read(&init).as_str(), read(&cur).as_str()),
            ("online", "online")
        );
        assert_eq!(DeactivateLicense(), 0);
        assert_eq!(IsLicenseGenuine(), 1);
        assert_eq!(DeactivateLicense(), 1);
    }
    drop(ctx);
}

#[test]
fn survives_a_process_restart() {
    // The child half: run by the parent below in a fresh process.
    if let Ok(args) = std::env::var("OPENLEX_E2E_CHILD") {
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        unsafe {
            assert_eq!(SetDataDirectory(c(v["dir"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductData(c(v["pd"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductId(c(v["pid"].as_str().unwrap()).as_ptr(), 1), 0);
            assert_eq!(IsLicenseGenuine(), 0);
        }
        assert_eq!(text(GetLicenseKey), v["key"].as_str().unwrap());
        return;
    }
    let _g = lock();
    let (pid, pd) = SERVER.product("restart", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({}));
    let ctx = init(&pid, &pd);
    assert_eq!(activate(&key), 0);
    let args = json!({"dir": ctx._store.path(), "pd": pd, "pid": pid, "key": key}).to_string();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "survives_a_process_restart", "--nocapture"])
        .env("OPENLEX_E2E_CHILD", args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
}

#[test]
fn suspend_unsuspend_revoke_through_the_admin_api_reach_the_callback() {
    let _g = lock();
    let (pid, pd) = SERVER.product("lifecycle", json!({}));
    let (lid, key) = SERVER.license(&pid, json!({"serverSyncInterval": 1}));
    let _ctx = init(&pid, &pd);
    assert_eq!(SetLicenseCallback(Some(on_status)), 0);
    assert_eq!(activate(&key), 0);
    assert_eq!(IsLicenseGenuine(), 0, "starts the sync thread");
    wait_for_callback(0);

    let (s, _) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"suspended": true})),
    );
    assert!(s < 300);
    wait_for_callback(21);
    assert_eq!(IsLicenseGenuine(), 21);

    CALLS.lock().unwrap().clear();
    let (s, _) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"suspended": false})),
    );
    assert!(s < 300);
    wait_for_callback(0);
    assert_eq!(
        IsLicenseGenuine(),
        0,
        "un-suspension needs no re-activation"
    );

    let (s, _) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"revoked": true})),
    );
    assert!(s < 300);
    wait_for_callback(53);
    assert_eq!(
        IsLicenseGenuine(),
        1,
        "revocation clears the local activation"
    );
    assert_eq!(activate(&key), 53);
    let mut e = 0u32;
    unsafe { assert_eq!(GetLastActivationError(&mut e), 0) };
    assert_eq!(e, 53);
}

#[test]
fn expiry_and_deleted_activation() {
    let _g = lock();
    let (pid, pd) = SERVER.product("expiry", json!({}));
    let (lid, key) = SERVER.license(&pid, json!({"validity": 3600, "serverSyncInterval": 0}));
    let _ctx = init(&pid, &pd);
    assert_eq!(activate(&key), 0);
    let past = openlex_client::core::clock::now() - 60;
    let (s, v) = SERVER.admin(
        "POST",
        &format!("/v3/licenses/{lid}/expires-at"),
        Some(json!({"expiresAt": past})),
    );
    assert!(s < 300, "{s} {v}");
    assert_eq!(
        SyncLicenseActivation(),
        20,
        "an expired license syncs as LA_EXPIRED"
    );
    assert_eq!(IsLicenseGenuine(), 20);
    let aid = text(GetActivationId);
    let (s, _) = SERVER.admin("DELETE", &format!("/v3/activations/{aid}"), None);
    assert!(s < 300);
    assert_eq!(SyncLicenseActivation(), 59);
    assert_eq!(IsLicenseGenuine(), 1);
}

#[test]
fn activation_limit_and_fingerprint_mismatch() {
    let _g = lock();
    let (pid, pd) = SERVER.product("limits", json!({}));
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"allowedActivations": 1, "fingerprintMatchingStrategy": "exact"}),
    );
    let _ctx = init(&pid, &pd);
    let fp_a = "A".repeat(64);
    let fp_b = "B".repeat(64);
    unsafe { assert_eq!(SetCustomDeviceFingerprint(c(&fp_a).as_ptr()), 0) };
    assert_eq!(activate(&key), 0);
    assert_eq!(
        activate(&key),
        0,
        "the same device re-activates without using a seat"
    );
    unsafe { assert_eq!(SetCustomDeviceFingerprint(c(&fp_b).as_ptr()), 0) };
    assert_eq!(
        IsLicenseGenuine(),
        63,
        "fingerprint changed since activation"
    );
    assert_eq!(
        SyncLicenseActivation(),
        63,
        "the server refuses the other fingerprint"
    );
    let _ctx = init(&pid, &pd);
    unsafe { assert_eq!(SetCustomDeviceFingerprint(c(&fp_b).as_ptr()), 0) };
    assert_eq!(activate(&key), 58, "second device over the limit");
    let mut buf = [0 as c_char; 256];
    assert_eq!(unsafe { GetLicenseKey(buf.as_mut_ptr(), 256) }, 0);
    assert_eq!(
        read(&buf),
        "",
        "a failed activation clears the key, as the vendor does"
    );
}

#[test]
fn grace_period_holds_while_the_server_is_unreachable_then_ends() {
    let _g = lock();
    let (pid, pd) = SERVER.product("grace", json!({}));
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"serverSyncInterval": 600, "serverSyncGracePeriod": 1000}),
    );
    let _ctx = init(&pid, &pd);
    assert_eq!(activate(&key), 0);
    unsafe { assert_eq!(SetCryptlexHost(c("https://127.0.0.1:9").as_ptr()), 0) };
    let t = Instant::now();
    assert_eq!(
        SyncLicenseActivation(),
        48,
        "the sync itself failed: LA_E_INET, as the vendor documents for it"
    );
    assert!(
        t.elapsed() < Duration::from_secs(16),
        "bounded by the documented timeout"
    );
    assert_eq!(
        IsLicenseGenuine(),
        0,
        "within the grace period the license holds"
    );
    assert_eq!(IsLicenseValid(), 0);
    let mut grace = 0u32;
    unsafe { assert_eq!(GetServerSyncGracePeriodExpiryDate(&mut grace), 0) };
    assert!(i64::from(grace) > openlex_client::core::clock::now());
    set_offset_for_tests(2000);
    assert_eq!(SyncLicenseActivation(), 48, "still unreachable");
    assert_eq!(IsLicenseGenuine(), 22, "the grace period is over");
    assert_eq!(IsLicenseValid(), 22);
    // The server is back: one sync restores the license.
    unsafe { assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0) };
    set_offset_for_tests(0);
    assert_eq!(SyncLicenseActivation(), 0);
    assert_eq!(IsLicenseGenuine(), 0);
}

#[test]
fn clock_rollback_is_detected() {
    let _g = lock();
    let (pid, pd) = SERVER.product("clock", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({}));
    let _ctx = init(&pid, &pd);
    assert_eq!(activate(&key), 0);
    set_offset_for_tests(-7200);
    assert_eq!(IsLicenseGenuine(), 69);
    let mut u = 0u32;
    unsafe { assert_eq!(GetLicenseExpiryDate(&mut u), 69) };
    set_offset_for_tests(-600);
    assert_eq!(IsLicenseGenuine(), 0, "within the one-hour tolerance");
    set_offset_for_tests(0);
}

#[test]
fn hosted_floating_lease_expires() {
    let _g = lock();
    let (pid, pd) = SERVER.product("floating", json!({}));
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"type": "hosted-floating", "leaseDuration": 300, "allowClientLeaseDuration": true, "serverSyncInterval": 60}),
    );
    let ctx = init(&pid, &pd);
    unsafe {
        assert_eq!(
            SetProductId(c(&ctx.product_id).as_ptr(), 4),
            0,
            "LA_IN_MEMORY"
        );
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(SetActivationLeaseDuration(120), 0);
        assert_eq!(ActivateLicense(), 0);
        let mut ld = 0i64;
        assert_eq!(GetLicenseLeaseDuration(&mut ld), 0);
        assert_eq!(ld, 120, "client lease duration honoured");
    }
    assert_eq!(text(GetLicenseType), "hosted-floating");
    set_offset_for_tests(200);
    assert_eq!(IsLicenseGenuine(), 1, "the lease has passed");
    set_offset_for_tests(0);
    assert_eq!(text(GetLicenseKey), key, "hosted-floating keeps its key");
}

#[test]
fn network_proxy_with_credentials_tunnels_to_the_server() {
    let _g = lock();
    let (pid, pd) = SERVER.product("proxy", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({}));
    let _ctx = init(&pid, &pd);
    let (port, seen) = common::proxy::start();
    unsafe {
        assert_eq!(
            SetNetworkProxy(c(&format!("http://user:s3cret@127.0.0.1:{port}")).as_ptr()),
            0
        )
    };
    assert_eq!(activate(&key), 0);
    let seen = seen.lock().unwrap().clone();
    let host = SERVER.url.trim_start_matches("https://");
    assert!(
        seen.iter()
            .any(|(line, _)| line == &format!("CONNECT {host} HTTP/1.1")),
        "{seen:?}"
    );
    use base64::Engine;
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("user:s3cret")
    );
    assert!(
        seen.iter()
            .all(|(_, auth)| auth.as_deref() == Some(want.as_str())),
        "{seen:?}"
    );
    unsafe {
        assert_eq!(
            SetNetworkProxy(c(&format!("http://127.0.0.1:{}", port + 1)).as_ptr()),
            0
        )
    };
    assert_eq!(
        SyncLicenseActivation(),
        48,
        "an unreachable proxy is a network error"
    );
    assert_eq!(IsLicenseValid(), 0, "and the grace period holds");
}

#[test]
fn licenses_that_require_authentication() {
    let _g = lock();
    let (pid, pd) = SERVER.product("auth", json!({}));
    let (s, user) = SERVER.admin(
        "POST",
        "/v3/users",
        Some(json!({"email": "lin@example.com", "password": "pass-word-1"})),
    );
    assert!(s < 300, "{s} {user}");
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"userId": user["id"], "requireAuthentication": true}),
    );
    let _ctx = init(&pid, &pd);
    assert_eq!(activate(&key), 71, "no credentials");
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(
            SetLicenseUserCredential(c("lin@example.com").as_ptr(), c("pass-word-1").as_ptr()),
            0
        );
        assert_eq!(ActivateLicense(), 0);
    }
}

#[test]
fn debug_mode_logs_to_its_own_file() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("openlex.log");
    std::env::set_var("OPENLEX_LOG_FILE", &log);
    let (pid, pd) = SERVER.product("debug", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({}));
    let _ctx = init(&pid, &pd);
    assert_eq!(SetDebugMode(1), 0);
    assert_eq!(activate(&key), 0);
    assert_eq!(SetDebugMode(0), 0);
    std::env::remove_var("OPENLEX_LOG_FILE");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("Post ") && text.contains("/v3/activations"),
        "{text}"
    );
    assert!(!text.contains(&key), "the log never holds the license key");
}

#[test]
fn a_panic_in_the_sync_thread_is_logged_and_the_next_sync_comes_on_schedule() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("openlex.log");
    std::env::set_var("OPENLEX_LOG_FILE", &log);
    let (pid, pd) = SERVER.product("sync-panic", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({"serverSyncInterval": 1}));
    let _ctx = init(&pid, &pd);
    assert_eq!(SetDebugMode(1), 0);
    assert_eq!(SetLicenseCallback(Some(on_status)), 0);
    assert_eq!(activate(&key), 0);
    openlex_client::fault::arm("sync");
    assert_eq!(IsLicenseGenuine(), 0, "starts the sync thread");
    // The first round panics; the thread survives it and syncs again a
    // second later, and that round reaches the callback.
    wait_for_callback(0);
    assert_eq!(SetDebugMode(0), 0);
    std::env::remove_var("OPENLEX_LOG_FILE");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("caught a panic in the sync thread: injected panic at sync"),
        "{text}"
    );
    assert_eq!(IsLicenseGenuine(), 0);
}
