//! End-to-end tests of the rest of the API against the real openlex-server:
//! verified trials, offline activation and deactivation, meter attributes,
//! feature entitlements and product versions, release updates, users and
//! license lookup.

mod common;

use std::os::raw::{c_char, c_int, c_void};
use std::ptr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::server::SERVER;
use common::{c, lock, read};
use openlex_client::core::clock::set_offset_for_tests;
use openlex_client::ffi::activation::*;
use openlex_client::ffi::getters::*;
use openlex_client::ffi::services::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use openlex_client::ffi::structs::*;
use openlex_client::ffi::trial::*;
use openlex_client::ffi::types::{FeatureEntitlement, OrganizationAddress};
use serde_json::{json, Value};

fn init(pid: &str, pd: &str) -> tempfile::TempDir {
    let store = tempfile::tempdir().unwrap();
    unsafe {
        assert_eq!(
            SetDataDirectory(c(store.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(pd).as_ptr()), 0);
        assert_eq!(SetProductId(c(pid).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
    }
    store
}

fn buf_call(f: impl FnOnce(*mut c_char, u32) -> c_int) -> (c_int, String) {
    let mut buf = vec![0 as c_char; 8192];
    let s = f(buf.as_mut_ptr(), 8192);
    (s, read(&buf))
}

#[test]
fn verified_trial() {
    let _g = lock();
    let (pid, pd) = SERVER.product(
        "trial",
        json!({"trialAllowed": true, "trialLength": 86400 * 7, "trialActivationLimit": 100}),
    );
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(IsTrialGenuine(), 1);
        assert_eq!(SyncTrialActivation(), 1, "no trial yet");
        assert_eq!(
            SetTrialActivationMetadata(c("seat").as_ptr(), c("42").as_ptr()),
            0
        );
        assert_eq!(ActivateTrial(), 0);
        assert_eq!(IsTrialGenuine(), 0);
        let mut e = 0u32;
        assert_eq!(GetTrialExpiryDate(&mut e), 0);
        let now = openlex_client::core::clock::now();
        assert!((i64::from(e) - (now + 86400 * 7)).abs() < 120);
        let (s, id) = buf_call(|b, l| GetTrialId(b, l));
        assert_eq!(s, 0);
        assert!(!id.is_empty());
        let (s, v) = buf_call(|b, l| GetTrialActivationMetadata(c("SEAT").as_ptr(), b, l));
        assert_eq!((s, v.as_str()), (0, "42"));
        assert_eq!(ActivateTrial(), 0, "the same device gets its trial back");
        let (_, id2) = buf_call(|b, l| GetTrialId(b, l));
        assert_eq!(id, id2);
        assert_eq!(SyncTrialActivation(), 0);
        set_offset_for_tests(86400 * 8);
        assert_eq!(IsTrialGenuine(), 25);
        set_offset_for_tests(0);
    }
    let (pid, pd) = SERVER.product("no-trial", json!({"trialAllowed": false}));
    let _s = init(&pid, &pd);
    assert_eq!(ActivateTrial(), 61);
}

#[test]
fn offline_activation_and_deactivation() {
    let _g = lock();
    let (pid, pd) = SERVER.product("offline", json!({}));
    let (lid, key) = SERVER.license(
        &pid,
        json!({"meterAttributes": [{"name": "m", "allowedUses": 10}]}),
    );
    let store = init(&pid, &pd);
    let req = store.path().join("request.txt");
    let resp = store.path().join("response.json");
    unsafe {
        assert_eq!(
            GenerateOfflineActivationRequest(c(req.to_str().unwrap()).as_ptr()),
            54,
            "no key"
        );
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(
            SetOfflineActivationRequestMeterAttributeUses(c("m").as_ptr(), 1),
            0
        );
        assert_eq!(
            GenerateOfflineActivationRequest(c("/nonexistent/dir/req").as_ptr()),
            45
        );
        assert_eq!(
            GenerateOfflineActivationRequest(c(req.to_str().unwrap()).as_ptr()),
            0
        );
    }
    let request = std::fs::read_to_string(&req).unwrap();
    assert!(request.starts_with("OLREQ1."));
    let (s, v) = SERVER.admin(
        "POST",
        "/v3/activations/offline-activate",
        Some(json!({"offlineRequest": request, "responseValidity": 3600, "licenseId": lid})),
    );
    assert!(s < 300, "{s} {v}");
    std::fs::write(&resp, v["offlineResponse"].as_str().unwrap()).unwrap();
    unsafe {
        assert_eq!(ActivateLicenseOffline(c("/nonexistent/resp").as_ptr()), 40);
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(
            ActivateLicenseOffline(c(resp.to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(IsLicenseGenuine(), 0);
        let mut init_mode = [0 as c_char; 16];
        let mut cur = [0 as c_char; 16];
        assert_eq!(
            GetActivationMode(init_mode.as_mut_ptr(), 16, cur.as_mut_ptr(), 16),
            0
        );
        assert_eq!(read(&cur), "offline");
        // a reused response is fine until it expires
        set_offset_for_tests(7200);
        assert_eq!(
            ActivateLicenseOffline(c(resp.to_str().unwrap()).as_ptr()),
            57
        );
        set_offset_for_tests(0);
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        std::fs::write(&resp, b"garbage").unwrap();
        assert_eq!(
            ActivateLicenseOffline(c(resp.to_str().unwrap()).as_ptr()),
            56
        );
        let (_, k) = buf_call(|b, l| GetLicenseKey(b, l));
        assert_eq!(k, "", "a failed offline activation clears the key");
    }
    // activate again, then deactivate offline
    std::fs::write(&resp, v["offlineResponse"].as_str().unwrap()).unwrap();
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(
            ActivateLicenseOffline(c(resp.to_str().unwrap()).as_ptr()),
            0
        );
        let dreq = store.path().join("deact.txt");
        assert_eq!(
            GenerateOfflineDeactivationRequest(c(dreq.to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(IsLicenseGenuine(), 1, "deactivated locally");
        let text = std::fs::read_to_string(&dreq).unwrap();
        let (s, v) = SERVER.admin(
            "POST",
            "/v3/activations/offline-deactivate",
            Some(json!({"offlineRequest": text, "licenseId": lid})),
        );
        assert!(s < 300, "{s} {v}");
    }
    // offline trial
    let (tpid, tpd) = SERVER.product(
        "offline-trial",
        json!({"trialAllowed": true, "trialLength": 86400}),
    );
    let store = init(&tpid, &tpd);
    let treq = store.path().join("treq.txt");
    unsafe {
        assert_eq!(
            GenerateOfflineTrialActivationRequest(c(treq.to_str().unwrap()).as_ptr()),
            0
        )
    };
    let body = json!({"offlineRequest": std::fs::read_to_string(&treq).unwrap(), "responseValidity": 600, "productId": tpid, "accountId": ""});
    let (s, v) = SERVER.admin("POST", "/v3/trial-activations/offline-activate", Some(body));
    assert!(s < 300, "{s} {v}");
    let tresp = store.path().join("tresp.json");
    std::fs::write(&tresp, v["offlineResponse"].as_str().unwrap()).unwrap();
    unsafe {
        assert_eq!(ActivateTrialOffline(c(tresp.to_str().unwrap()).as_ptr()), 0);
        assert_eq!(IsTrialGenuine(), 0);
    }
}

#[test]
fn meter_attributes() {
    let _g = lock();
    let (pid, pd) = SERVER.product("meters", json!({}));
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"meterAttributes": [{"name": "exports", "allowedUses": 5}]}),
    );
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        assert_eq!(
            IncrementActivationMeterAttributeUses(c("exports").as_ptr(), 3),
            0
        );
        let mut uses = 0u32;
        assert_eq!(
            GetActivationMeterAttributeUses(c("EXPORTS").as_ptr(), &mut uses),
            0
        );
        assert_eq!(uses, 3);
        let (mut a, mut t, mut g) = (0i64, 0u64, 0u64);
        assert_eq!(
            GetLicenseMeterAttribute(c("exports").as_ptr(), &mut a, &mut t, &mut g),
            0
        );
        assert_eq!((a, t, g), (5, 3, 3));
        assert_eq!(
            IncrementActivationMeterAttributeUses(c("exports").as_ptr(), 3),
            73,
            "over the limit"
        );
        assert_eq!(
            DecrementActivationMeterAttributeUses(c("exports").as_ptr(), 10),
            0,
            "clamps at zero"
        );
        assert_eq!(
            GetActivationMeterAttributeUses(c("exports").as_ptr(), &mut uses),
            0
        );
        assert_eq!(uses, 0);
        assert_eq!(
            IncrementActivationMeterAttributeUses(c("exports").as_ptr(), 2),
            0
        );
        assert_eq!(ResetActivationMeterAttributeUses(c("exports").as_ptr()), 0);
        assert_eq!(
            GetActivationMeterAttributeUses(c("exports").as_ptr(), &mut uses),
            0
        );
        assert_eq!(uses, 0);
        assert_eq!(
            IncrementActivationMeterAttributeUses(c("nope").as_ptr(), 1),
            72
        );
        assert_eq!(
            GetActivationMeterAttributeUses(c("nope").as_ptr(), &mut uses),
            72
        );
    }
}

#[test]
fn entitlements_product_version_and_organization() {
    let _g = lock();
    let (pid, pd) = SERVER.product("entitlements", json!({}));
    let (s, set) = SERVER.admin(
        "POST",
        "/v3/entitlement-sets",
        Some(json!({"productId": pid, "name": "pro", "displayName": "Pro", "tier": 2,
                    "features": [{"featureName": "seats", "featureDisplayName": "Seats", "value": "5"},
                                 {"featureName": "export", "featureDisplayName": "Export", "value": "yes"}]})),
    );
    assert!(s < 300, "{s} {set}");
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"entitlementSetId": set["id"], "featureEntitlements": [{"featureName": "seats", "value": "10"}],
               "productVersion": {"name": "v2", "displayName": "Version 2", "featureFlags": [{"name": "beta", "enabled": true, "data": "x"}]},
               "organizationAddress": {"city": "Pune", "country": "India"}, "maxAllowedReleaseVersion": "2.0.0"}),
    );
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        let (s, name) = buf_call(|b, l| GetLicenseEntitlementSetName(b, l));
        assert_eq!((s, name.as_str()), (0, "pro"));
        let mut tier = 0i64;
        assert_eq!(GetLicenseEntitlementSetTier(&mut tier), 0);
        assert_eq!(tier, 2);
        let (s, all) = buf_call(|b, l| GetFeatureEntitlementsInternal(b, l));
        assert_eq!(s, 0);
        let all: Value = serde_json::from_str(&all).unwrap();
        let seats = all
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["featureName"] == "seats")
            .unwrap();
        assert_eq!(
            (seats["value"].as_str(), seats["baseValue"].as_str()),
            (Some("10"), Some("5")),
            "license value overrides the set"
        );
        let mut fe: FeatureEntitlement = std::mem::zeroed();
        assert_eq!(GetFeatureEntitlement(c("EXPORT").as_ptr(), &mut fe), 0);
        assert_eq!(read(&fe.value), "yes");
        assert_eq!(GetFeatureEntitlement(c("nope").as_ptr(), &mut fe), 108);
        let mut arr: Vec<FeatureEntitlement> = (0..4).map(|_| std::mem::zeroed()).collect();
        assert_eq!(GetFeatureEntitlements(arr.as_mut_ptr(), 1), 51);
        assert_eq!(GetFeatureEntitlements(arr.as_mut_ptr(), 4), 0);
        let (s, v) = buf_call(|b, l| GetProductVersionName(b, l));
        assert_eq!((s, v.as_str()), (0, "v2"));
        let mut on = 0u32;
        let mut data = [0 as c_char; 64];
        assert_eq!(
            GetProductVersionFeatureFlag(c("beta").as_ptr(), &mut on, data.as_mut_ptr(), 64),
            0
        );
        assert_eq!((on, read(&data).as_str()), (1, "x"));
        assert_eq!(
            GetProductVersionFeatureFlag(c("nope").as_ptr(), &mut on, data.as_mut_ptr(), 64),
            76
        );
        let mut addr: OrganizationAddress = std::mem::zeroed();
        assert_eq!(GetLicenseOrganizationAddress(&mut addr), 0);
        assert_eq!(read(&addr.city), "Pune");
        let (s, j) = buf_call(|b, l| GetLicenseOrganizationAddressInternal(b, l));
        assert_eq!(s, 0);
        assert!(j.contains(r#""country":"India""#));
        let (s, v) = buf_call(|b, l| GetLicenseMaxAllowedReleaseVersion(b, l));
        assert_eq!((s, v.as_str()), (0, "2.0.0"));
        assert_eq!(SetReleaseVersion(c("3.0.0").as_ptr()), 0);
        assert_eq!(
            IsLicenseGenuine(),
            77,
            "release above the license's maximum"
        );
    }
}

static RELEASE: Mutex<Option<(c_int, String, usize)>> = Mutex::new(None);

unsafe extern "C" fn on_release(status: c_int, json: *const c_char, user: *mut c_void) {
    let text = unsafe { std::ffi::CStr::from_ptr(json) }
        .to_string_lossy()
        .into_owned();
    *RELEASE.lock().unwrap() = Some((status, text, user as usize));
}

unsafe extern "C" fn on_release_struct(
    status: c_int,
    r: *mut openlex_client::ffi::types::Release,
    user: *mut c_void,
) {
    let version = read(unsafe { &(*r).version });
    *RELEASE.lock().unwrap() = Some((status, version, user as usize));
}

unsafe extern "C" fn on_release_status(status: u32) {
    *RELEASE.lock().unwrap() = Some((status as c_int, String::new(), 0));
}

fn wait_release() -> (c_int, String, usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(r) = RELEASE.lock().unwrap().take() {
            return r;
        }
        assert!(Instant::now() < deadline, "release callback not called");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn release_updates() {
    let _g = lock();
    let (pid, pd) = SERVER.product("releases", json!({}));
    let (s, v) = SERVER.admin(
        "POST",
        "/v3/releases",
        Some(json!({"productId": pid, "name": "Two", "version": "2.1.0", "channel": "stable", "platforms": ["linux"],
                    "published": true, "notes": "new"})),
    );
    assert!(s < 300, "{s} {v}");
    let (_lid, key) = SERVER.license(&pid, json!({"maxAllowedReleaseVersion": "2.0.0"}));
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        assert_eq!(SetReleaseVersion(c("1.0.0").as_ptr()), 0);
        assert_eq!(SetReleasePlatform(c("linux").as_ptr()), 0);
        assert_eq!(SetReleaseChannel(c("stable").as_ptr()), 0);
        assert_eq!(
            CheckReleaseUpdateInternal(Some(on_release), 1, 7 as *mut c_void),
            0
        );
        let (status, text, user) = wait_release();
        assert_eq!(
            (status, user),
            (32, 7),
            "newer than the license allows: {text}"
        );
        let rel: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(rel["version"], "2.1.0");
        assert_eq!(
            CheckReleaseUpdateInternal(Some(on_release), 2, std::ptr::null_mut()),
            0
        );
        let (status, _, _) = wait_release();
        assert_eq!(status, 31, "nothing newer that the license allows");
        assert_eq!(
            CheckReleaseUpdate(Some(on_release_struct), 1, 9 as *mut c_void),
            0
        );
        assert_eq!(wait_release(), (32, "2.1.0".to_string(), 9), "struct form");
        let (platform, version, channel) = (c("linux"), c("1.0.0"), c("stable"));
        let deprecated = CheckForReleaseUpdate(
            platform.as_ptr(),
            version.as_ptr(),
            channel.as_ptr(),
            Some(on_release_status),
        );
        assert_eq!(deprecated, 0);
        assert_eq!(wait_release().0, 32, "deprecated form");
        assert_eq!(SetReleaseVersion(c("2.1.0").as_ptr()), 0);
        assert_eq!(
            CheckReleaseUpdateInternal(Some(on_release), 1, std::ptr::null_mut()),
            0
        );
        assert_eq!(wait_release().0, 31);
    }
}

#[test]
fn users_and_lookup() {
    let _g = lock();
    let (pid, pd) = SERVER.product("users", json!({}));
    let (s, user) = SERVER.admin(
        "POST",
        "/v3/users",
        Some(json!({"email": "ada@example.com", "password": "correct-horse", "name": "Ada"})),
    );
    assert!(s < 300, "{s} {user}");
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"userId": user["id"], "metadata": [{"key": "plan", "value": "team"}]}),
    );
    let _s = init(&pid, &pd);
    unsafe {
        let (s, _) = buf_call(|b, l| GetUserLicensesInternal(b, l));
        assert_eq!(s, 87, "not authenticated");
        assert_eq!(
            AuthenticateUser(c("ada@example.com").as_ptr(), c("wrong-password").as_ptr()),
            71
        );
        assert_eq!(
            AuthenticateUser(c("ada@example.com").as_ptr(), c("correct-horse").as_ptr()),
            0
        );
        let (s, j) = buf_call(|b, l| GetUserLicensesInternal(b, l));
        assert_eq!(s, 0);
        let list: Value = serde_json::from_str(&j).unwrap();
        assert_eq!(list[0]["key"], key.as_str());
        assert_eq!(list[0]["metadata"][0]["value"], "team");
        let (s, j) = buf_call(|b, l| LookupLicenseInternal(c(&key).as_ptr(), b, l));
        assert_eq!(s, 0);
        assert!(j.contains(r#""type":"node-locked""#), "{j}");
        assert_eq!(
            AuthenticateUserWithIdToken(c("not-a-token").as_ptr()),
            102,
            "OIDC is not configured"
        );
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        let (s, email) = buf_call(|b, l| GetLicenseUserEmail(b, l));
        assert_eq!((s, email.as_str()), (0, "ada@example.com"));
        let (s, name) = buf_call(|b, l| GetLicenseUserName(b, l));
        assert_eq!((s, name.as_str()), (0, "Ada"));
    }
}

#[test]
fn remaining_getters_and_struct_forms() {
    let _g = lock();
    let (pid, pd) = SERVER.product("remaining", json!({}));
    let (s, set) = SERVER.admin(
        "POST",
        "/v3/entitlement-sets",
        Some(json!({"productId": pid, "name": "basic", "displayName": "Basic", "tier": 1,
                    "features": [{"featureName": "seats", "featureDisplayName": "Seats", "value": "1"}]})),
    );
    assert!(s < 300, "{s} {set}");
    let (s, user) = SERVER.admin(
        "POST",
        "/v3/users",
        Some(json!({"email": "grace@example.com", "password": "another-horse", "name": "Grace", "company": "Navy",
                    "metadata": [{"key": "Rank", "value": "Admiral"}]})),
    );
    assert!(s < 300, "{s} {user}");
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"userId": user["id"], "entitlementSetId": set["id"], "allowedDeactivations": 4, "organizationName": "Org",
               "productVersion": {"name": "v1", "displayName": "Version One", "featureFlags": []},
               "maintenanceExpiresAt": 2_000_000_000i64}),
    );
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        let (mut u, mut i) = (0u32, 0i64);
        assert_eq!(GetLicenseCreationDate(&mut u), 0);
        assert!(u > 1_700_000_000);
        assert_eq!(GetLicenseActivationDate(&mut u), 0);
        assert!(u > 1_700_000_000);
        assert_eq!(GetActivationCreationDate(&mut u), 0);
        assert!(u > 1_700_000_000);
        assert_eq!(GetActivationLastSyncedDate(&mut u), 0);
        assert!(u > 1_700_000_000);
        assert_eq!(GetLicenseMaintenanceExpiryDate(&mut u), 0);
        assert_eq!(u, 2_000_000_000);
        assert_eq!(GetLicenseAllowedDeactivations(&mut i), 0);
        assert_eq!(i, 4);
        assert_eq!(GetLicenseTotalDeactivations(&mut u), 0);
        assert_eq!(u, 0);
        let (s, v) = buf_call(|b, l| GetLicenseUserCompany(b, l));
        assert_eq!((s, v.as_str()), (0, "Navy"));
        let (s, v) = buf_call(|b, l| GetLicenseUserMetadata(c("rank").as_ptr(), b, l));
        assert_eq!((s, v.as_str()), (0, "Admiral"));
        let (s, v) = buf_call(|b, l| GetLicenseOrganizationName(b, l));
        assert_eq!((s, v.as_str()), (0, "Org"));
        let (s, v) = buf_call(|b, l| GetLicenseEntitlementSetDisplayName(b, l));
        assert_eq!((s, v.as_str()), (0, "Basic"));
        let (s, v) = buf_call(|b, l| GetProductVersionDisplayName(b, l));
        assert_eq!((s, v.as_str()), (0, "Version One"));
        let (s, v) = buf_call(|b, l| GetFeatureEntitlementInternal(c("SEATS").as_ptr(), b, l));
        assert_eq!(s, 0);
        assert!(v.contains(r#""featureName":"seats""#), "{v}");
        let (s, v) = buf_call(|b, l| GetLicenseLeasingStrategy(b, l));
        assert_eq!(s, 0, "{v}");
        let mut lookup: openlex_client::ffi::types::LicenseLookupInfo = std::mem::zeroed();
        assert_eq!(LookupLicense(c(&key).as_ptr(), &mut lookup), 0);
        assert_eq!(read(&lookup.key), key);
        assert_eq!(LookupLicense(c("short").as_ptr(), &mut lookup), 54);
        assert_eq!(
            AuthenticateUser(c("grace@example.com").as_ptr(), c("another-horse").as_ptr()),
            0
        );
        let mut lics: Vec<openlex_client::ffi::types::UserLicense> = Vec::new();
        lics.resize_with(2, || std::mem::zeroed());
        assert_eq!(GetUserLicenses(lics.as_mut_ptr(), 2), 0);
        assert_eq!(read(&lics[0].key), key);
        assert_eq!(read(&lics[0].r#type), "node-locked");
    }
}

#[test]
fn cache_mode_off_sees_changes_made_by_another_process() {
    let _g = lock();
    let (pid, pd) = SERVER.product("cache", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({"serverSyncInterval": 0}));
    let store = init(&pid, &pd);
    unsafe {
        assert_eq!(SetCacheMode(0), 0);
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);
        assert_eq!(IsLicenseGenuine(), 0);
    }
    // Another process deactivates: here, the record disappears under us.
    std::fs::remove_file(
        store
            .path()
            .join(pid.to_ascii_lowercase())
            .join("activation.olx"),
    )
    .unwrap();
    assert_eq!(IsLicenseGenuine(), 1, "no stale cached answer");
}

/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), for the two-factor login test.
fn totp(secret_b32: &str, now: i64) -> String {
    use hmac::{Hmac, Mac};
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut acc, mut key) = (0u32, 0u64, Vec::new());
    for ch in secret_b32.bytes() {
        let v = alphabet.iter().position(|&a| a == ch).unwrap() as u64;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            key.push((acc >> bits) as u8);
        }
    }
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(&key).unwrap();
    mac.update(&((now / 30) as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!("{:06}", bin % 1_000_000)
}

#[test]
fn two_factor_authentication() {
    let _g = lock();
    let (pid, pd) = SERVER.product("2fa", json!({}));
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let (s, user) =
        SERVER.admin("POST", "/v3/users", Some(json!({"email": "otp@example.com", "password": "pass-word-2", "twoFactorSecret": secret})));
    assert!(s < 300, "{s} {user}");
    let _s = init(&pid, &pd);
    unsafe {
        assert_eq!(
            AuthenticateUser(c("otp@example.com").as_ptr(), c("pass-word-2").as_ptr()),
            88,
            "code missing"
        );
        assert_eq!(SetTwoFactorAuthenticationCode(c("000000").as_ptr()), 0);
        let wrong = if totp(secret, openlex_client::core::clock::now()) == "000000" {
            "111111"
        } else {
            "000000"
        };
        assert_eq!(SetTwoFactorAuthenticationCode(c(wrong).as_ptr()), 0);
        assert_eq!(
            AuthenticateUser(c("otp@example.com").as_ptr(), c("pass-word-2").as_ptr()),
            89,
            "code wrong"
        );
        let code = totp(secret, openlex_client::core::clock::now());
        assert_eq!(SetTwoFactorAuthenticationCode(c(&code).as_ptr()), 0);
        assert_eq!(
            AuthenticateUser(c("otp@example.com").as_ptr(), c("pass-word-2").as_ptr()),
            0
        );
    }
}

#[test]
fn air_gapped_activation_through_the_server_cli() {
    let _g = lock();
    let (pid, pd) = SERVER.product("air-gapped", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({}));
    let store = init(&pid, &pd);
    let (req, resp) = (store.path().join("req.txt"), store.path().join("resp.json"));
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(
            GenerateOfflineActivationRequest(c(req.to_str().unwrap()).as_ptr()),
            0
        );
    }
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(common::server::server_bin())
            .arg("--data-dir")
            .arg(&SERVER.dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let (r, o) = (req.to_str().unwrap(), resp.to_str().unwrap());
    cli(&[
        "activation",
        "offline-activate",
        "--request",
        r,
        "--response",
        o,
        "--validity",
        "600",
    ]);
    unsafe {
        assert_eq!(ActivateLicenseOffline(c(o).as_ptr()), 0);
        assert_eq!(IsLicenseGenuine(), 0);
        assert_eq!(GenerateOfflineDeactivationRequest(c(r).as_ptr()), 0);
    }
    cli(&["activation", "offline-deactivate", "--request", r]);
    let (tpid, tpd) = SERVER.product(
        "air-gapped-trial",
        json!({"trialAllowed": true, "trialLength": 3600}),
    );
    let _s = init(&tpid, &tpd);
    unsafe { assert_eq!(GenerateOfflineTrialActivationRequest(c(r).as_ptr()), 0) };
    cli(&[
        "activation",
        "offline-trial",
        "--request",
        r,
        "--response",
        o,
        "--product-id",
        &tpid,
    ]);
    unsafe {
        assert_eq!(ActivateTrialOffline(c(o).as_ptr()), 0);
        assert_eq!(IsTrialGenuine(), 0);
    }
}

/// Outputs are all or nothing: when one output of a call does not fit (or is
/// NULL), the call fails and writes none of them, not the ones before it.
#[test]
fn outputs_are_all_or_nothing() {
    let _g = lock();
    let (pid, pd) = SERVER.product("all-or-nothing", json!({}));
    let long = "9".repeat(300);
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"featureEntitlements": [{"featureName": "seats", "value": "10"},
                                       {"featureName": "notes", "value": long}],
               "productVersion": {"name": "v1", "displayName": "V1", "featureFlags": [{"name": "beta", "enabled": true, "data": "0123456789"}]},
               "organizationAddress": {"addressLine1": "1 Main St", "city": "Pune", "postalCode": long}}),
    );
    let _s = init(&pid, &pd);
    const UNTOUCHED: c_char = 0x55;
    unsafe {
        assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0);
        assert_eq!(ActivateLicense(), 0);

        // The address's last field is too long for its 256-unit field.
        let mut addr: OrganizationAddress = std::mem::zeroed();
        addr.addressLine1.fill(UNTOUCHED);
        addr.city.fill(UNTOUCHED);
        assert_eq!(GetLicenseOrganizationAddress(&mut addr), 51);
        assert!(
            addr.addressLine1
                .iter()
                .chain(&addr.city)
                .all(|&u| u == UNTOUCHED),
            "fields before the one that did not fit were written"
        );

        // The second entitlement's value is too long: the first is not written either.
        let mut arr: Vec<FeatureEntitlement> = (0..4).map(|_| std::mem::zeroed()).collect();
        for fe in &mut arr {
            fe.featureName.fill(UNTOUCHED);
            fe.expiresAt = -7;
        }
        assert_eq!(GetFeatureEntitlements(arr.as_mut_ptr(), 4), 51);
        assert!(arr
            .iter()
            .all(|fe| fe.featureName.iter().all(|&u| u == UNTOUCHED) && fe.expiresAt == -7));

        // The flag fits, its data does not: `enabled` keeps its value.
        let mut on = 7u32;
        let mut data = [UNTOUCHED; 8];
        assert_eq!(
            GetProductVersionFeatureFlag(c("beta").as_ptr(), &mut on, data.as_mut_ptr(), 8),
            51
        );
        assert_eq!(on, 7);
        assert!(data.iter().all(|&u| u == UNTOUCHED));
        assert_eq!(
            GetProductVersionFeatureFlag(c("beta").as_ptr(), &mut on, ptr::null_mut(), 64),
            1
        );
        assert_eq!(
            on, 7,
            "a NULL buffer fails the call before anything is written"
        );

        // The initial mode fits, the current one does not.
        let mut initial = [UNTOUCHED; 16];
        let mut current = [UNTOUCHED; 2];
        assert_eq!(
            GetActivationMode(initial.as_mut_ptr(), 16, current.as_mut_ptr(), 2),
            51
        );
        assert!(initial.iter().chain(&current).all(|&u| u == UNTOUCHED));
    }
}
