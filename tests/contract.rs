//! Table-driven contract tests of the exported C functions for everything
//! that does not need the network: NULL arguments, buffer lengths, call
//! order, limits, and the vendor's observed statuses (reference
//! behaviour.md §1, §13, §19; abi.md §4).

mod common;

use std::os::raw::c_char;
use std::ptr;

use common::{c, lock, read, TestProduct};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::getters::*;
use openlex_client::ffi::services::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use openlex_client::ffi::structs::*;
use openlex_client::ffi::trial::*;
use openlex_client::ffi::types::DataStoreInfo;

#[test]
fn library_version_buffer_contract() {
    let _g = lock();
    let v = env!("CARGO_PKG_VERSION");
    unsafe {
        assert_eq!(
            GetLibraryVersion(ptr::null_mut(), 10),
            1,
            "NULL buffer is a status, not a crash"
        );
        let mut buf = [b'x' as c_char; 16];
        assert_eq!(GetLibraryVersion(buf.as_mut_ptr(), 0), 51);
        assert_eq!(GetLibraryVersion(buf.as_mut_ptr(), 1), 51);
        assert_eq!(GetLibraryVersion(buf.as_mut_ptr(), v.len() as u32), 51);
        assert!(
            buf.iter().all(|&b| b == b'x' as c_char),
            "buffer untouched on 51"
        );
        assert_eq!(GetLibraryVersion(buf.as_mut_ptr(), v.len() as u32 + 1), 0);
        assert_eq!(read(&buf), v);
    }
}

#[test]
fn call_order_before_product_data() {
    let _g = lock();
    let p = TestProduct::new();
    let mut buf = [0 as c_char; 256];
    let mut u = 0u32;
    unsafe {
        assert_eq!(IsLicenseGenuine(), 43);
        assert_eq!(IsLicenseValid(), 43);
        assert_eq!(GetLicenseKey(buf.as_mut_ptr(), 256), 43);
        assert_eq!(SetLicenseKey(c("ABCDEFGHIJ").as_ptr()), 43);
        assert_eq!(
            ActivateLicense(),
            54,
            "no key is checked before product data"
        );
        assert_eq!(GetLicenseExpiryDate(&mut u), 1);
        assert_eq!(ActivateLocalTrial(30), 1);
        assert_eq!(SetActivationMetadata(c("k").as_ptr(), c("v").as_ptr()), 43);
        assert_eq!(SetCacheMode(1), 43);
        assert_eq!(Reset(), 0);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 1), 42);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 9), 42);
        for bad in [
            "garbage",
            "",
            "e30=",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ] {
            assert_eq!(SetProductData(c(bad).as_ptr()), 42, "{bad:?}");
        }
        assert_eq!(SetProductData(ptr::null()), 42);
        assert_eq!(
            IsLicenseGenuine(),
            43,
            "a rejected SetProductData leaves no product"
        );
        assert_eq!(SetDataDirectory(c("/nonexistent/openlex-dir").as_ptr()), 45);
        assert_eq!(SetDataDirectory(ptr::null()), 45);
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 256), 43);
    }
}

#[test]
fn product_data_and_product_id() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    let mut buf = [0 as c_char; 256];
    unsafe {
        assert_eq!(
            SetDataDirectory(c(dir.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(&p.data()).as_ptr()), 0);
        assert_eq!(GetProductId(buf.as_mut_ptr(), 256), 0);
        assert_eq!(read(&buf), p.id);
        assert_eq!(GetAccountId(buf.as_mut_ptr(), 256), 0);
        assert_eq!(read(&buf), "");
        assert_eq!(IsLicenseGenuine(), 1, "product data without product id");
        assert_eq!(GetLicenseKey(buf.as_mut_ptr(), 256), 0);
        assert_eq!(read(&buf), "");
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 0), 105);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 9), 105);
        assert_eq!(SetProductId(c("not-a-guid").as_ptr(), 1), 43);
        assert_eq!(
            SetProductId(c("00000000-0000-0000-0000-000000000000").as_ptr(), 1),
            43
        );
        assert_eq!(SetProductId(ptr::null(), 1), 43);
        assert_eq!(SetProductId(c(&p.id.to_uppercase()).as_ptr(), 1), 0);
        assert_eq!(IsLicenseGenuine(), 1, "nothing activated");
        // a bare public key (PEM) works too, with the id from SetProductId
        let spki = rsa::pkcs8::EncodePublicKey::to_public_key_pem(
            &common::KEY.to_public_key(),
            rsa::pkcs8::LineEnding::LF,
        )
        .unwrap();
        assert_eq!(SetProductData(c(&spki).as_ptr()), 0);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 4), 0);
        assert_eq!(GetProductId(buf.as_mut_ptr(), 256), 0);
        assert_eq!(read(&buf), p.id);
    }
}

#[test]
fn data_store_info() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let mut buf = [0 as c_char; 2048];
    unsafe {
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 10), 51);
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 2048), 0);
        let v: serde_json::Value = serde_json::from_str(&read(&buf)).unwrap();
        assert_eq!(v["storageKind"], "file");
        assert_eq!(v["permissionFlag"], "la-user");
        assert_eq!(v["isCustomDataDirectory"], true);
        assert!(v["path"]
            .as_str()
            .unwrap()
            .starts_with(dir.path().to_str().unwrap()));
        let mut info: DataStoreInfo = std::mem::zeroed();
        assert_eq!(GetDataStoreInfo(&mut info), 0);
        assert_eq!(read(&info.storageKind), "file");
        assert_eq!(info.isCustomDataDirectory, 1);
        assert_eq!(GetDataStoreInfo(ptr::null_mut()), 1);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 4), 0);
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 2048), 0);
        assert!(read(&buf).contains(r#""storageKind":"in-memory","permissionFlag":"la-in-memory""#));
    }
}

/// README, "Local store": the data directory must exist, and is read when SetProductId opens the
/// store; set after that it is accepted but the product keeps its store until the next SetProductId.
#[test]
fn data_directory_is_read_by_set_product_id() {
    let _g = lock();
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    let mut buf = [0 as c_char; 2048];
    let store_path = |buf: &mut [c_char; 2048]| unsafe {
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 2048), 0);
        let v: serde_json::Value = serde_json::from_str(&read(buf)).unwrap();
        std::path::PathBuf::from(v["path"].as_str().unwrap())
    };
    unsafe {
        let missing = second.path().join("not-made-yet");
        assert_eq!(SetDataDirectory(c(missing.to_str().unwrap()).as_ptr()), 45);
        assert!(
            !missing.exists(),
            "the library does not create the data directory"
        );
        p.set_up(first.path());
        assert!(store_path(&mut buf).starts_with(first.path()));
        assert_eq!(
            SetDataDirectory(c(second.path().to_str().unwrap()).as_ptr()),
            0,
            "accepted after SetProductId"
        );
        assert!(
            store_path(&mut buf).starts_with(first.path()),
            "but the open store stays where it is"
        );
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 1), 0);
        assert!(
            store_path(&mut buf).starts_with(second.path()),
            "the next SetProductId uses it"
        );
    }
}

#[test]
fn setter_limits() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    unsafe {
        assert_eq!(
            SetActivationMetadata(c("k0").as_ptr(), c("v").as_ptr()),
            0,
            "SetProductId is enough; no key needed (measured)"
        );
        let keys: [(&str, i32); 6] = [
            ("", 54),
            ("123456789", 54),
            ("1234567890", 0),
            (&"k".repeat(256), 0),
            (&"k".repeat(257), 54),
            ("ABCDEF-123456", 0),
        ];
        for (k, want) in keys {
            assert_eq!(SetLicenseKey(c(k).as_ptr()), want, "key len {}", k.len());
        }
        assert_eq!(SetLicenseKey(ptr::null()), 54);
        let bad_utf8 = [
            0xffu8, 0xfe, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h', 0,
        ];
        assert_eq!(SetLicenseKey(bad_utf8.as_ptr().cast()), 54);
        assert_eq!(
            SetProductKey(c("PRODUCTKEY-1").as_ptr()),
            0,
            "documented alias"
        );
        let mut buf = [0 as c_char; 256];
        assert_eq!(GetLicenseKey(buf.as_mut_ptr(), 256), 0);
        assert_eq!(read(&buf), "PRODUCTKEY-1");
        assert_eq!(GetLicenseKey(buf.as_mut_ptr(), 12), 51);
        assert_eq!(GetLicenseKey(buf.as_mut_ptr(), 13), 0);

        assert_eq!(SetCustomDeviceFingerprint(c(&"f".repeat(63)).as_ptr()), 74);
        assert_eq!(
            SetCustomDeviceFingerprint(c(&"é".repeat(32)).as_ptr()),
            0,
            "64 bytes"
        );
        assert_eq!(SetCustomDeviceFingerprint(c(&"f".repeat(257)).as_ptr()), 74);

        assert_eq!(SetActivationMetadata(c("").as_ptr(), c("v").as_ptr()), 64);
        assert_eq!(
            SetActivationMetadata(c(&"k".repeat(257)).as_ptr(), c("v").as_ptr()),
            64
        );
        assert_eq!(
            SetActivationMetadata(c("k").as_ptr(), c(&"v".repeat(4097)).as_ptr()),
            65
        );
        assert_eq!(SetActivationMetadata(c("k").as_ptr(), ptr::null()), 65);
        for i in 0..21 {
            assert_eq!(
                SetActivationMetadata(c(&format!("k{i}")).as_ptr(), c("v").as_ptr()),
                0
            );
        }
        assert_eq!(
            SetActivationMetadata(c("k21").as_ptr(), c("v").as_ptr()),
            66
        );
        assert_eq!(
            SetActivationMetadata(c("k0").as_ptr(), c("again").as_ptr()),
            66,
            "vendor refuses even a re-set at the limit"
        );
        for i in 0..21 {
            assert_eq!(
                SetTrialActivationMetadata(c(&format!("t{i}")).as_ptr(), c("v").as_ptr()),
                0
            );
        }
        assert_eq!(
            SetTrialActivationMetadata(c("t21").as_ptr(), c("v").as_ptr()),
            67
        );

        assert_eq!(SetAppVersion(c(&"1".repeat(257)).as_ptr()), 52);
        assert_eq!(SetAppVersion(c("1.0.0").as_ptr()), 0);
        for ok in ["1.0", "1.0.0", "1.0.0.0", "01.002", "999999.0", "1..0"] {
            assert_eq!(SetReleaseVersion(c(ok).as_ptr()), 0, "{ok}");
        }
        for bad in ["1", "1.0.0.0.0", "v1.0", "1.0-beta", "1.2a", "1.0 ", ""] {
            assert_eq!(SetReleaseVersion(c(bad).as_ptr()), 70, "{bad:?}");
        }
        assert_eq!(SetReleasePlatform(c(&"p".repeat(256)).as_ptr()), 0);
        assert_eq!(SetReleasePlatform(c(&"p".repeat(257)).as_ptr()), 78);
        assert_eq!(SetReleaseChannel(c(&"c".repeat(257)).as_ptr()), 79);
        assert_eq!(SetReleasePublishedDate(1_700_000_000), 0);
        for ok in [
            "",
            "http://127.0.0.1:8080",
            "socks5://h:1",
            "http://user:pass@host:1",
        ] {
            assert_eq!(SetNetworkProxy(c(ok).as_ptr()), 0, "{ok}");
        }
        for bad in ["garbage", "127.0.0.1:8080"] {
            assert_eq!(SetNetworkProxy(c(bad).as_ptr()), 49, "{bad}");
        }
        for bad in ["http://example.com", "", "api.example.com", "ftp://x"] {
            assert_eq!(SetCryptlexHost(c(bad).as_ptr()), 50, "{bad}");
        }
        assert_eq!(SetCryptlexHost(c("https://api.example.com").as_ptr()), 0);
        assert_eq!(
            SetCryptlexHost(c("http://127.0.0.1:9").as_ptr()),
            0,
            "loopback http is allowed"
        );
        assert_eq!(SetTwoFactorAuthenticationCode(c("").as_ptr()), 89);
        assert_eq!(SetTwoFactorAuthenticationCode(c("123456").as_ptr()), 0);
        assert_eq!(SetActivationLeaseDuration(3600), 0);
        assert_eq!(SetLicenseCallback(None), 0);
        assert_eq!(SetDebugMode(0), 0);
        assert_eq!(SetTlsPeerVerification(1), 0);
        assert_eq!(
            SetOfflineActivationRequestMeterAttributeUses(c("m").as_ptr(), 3),
            0
        );
        assert_eq!(
            SetLicenseUserCredential(c("a@b.c").as_ptr(), c("pw").as_ptr()),
            0
        );
    }
}

#[test]
fn getters_without_activation() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let mut buf = [b'x' as c_char; 256];
    let mut u = 7u32;
    let mut i = 7i64;
    unsafe {
        assert_eq!(
            GetActivationMetadata(c("k").as_ptr(), buf.as_mut_ptr(), 256),
            1
        );
        assert_eq!(GetActivationId(buf.as_mut_ptr(), 256), 1);
        assert_eq!(GetLicenseType(buf.as_mut_ptr(), 256), 1);
        assert_eq!(GetLicenseExpiryDate(&mut u), 1);
        assert_eq!(GetLicenseAllowedActivations(&mut i), 1);
        assert_eq!(
            GetProductMetadata(c("k").as_ptr(), buf.as_mut_ptr(), 256),
            1
        );
        assert_eq!(GetTrialId(buf.as_mut_ptr(), 256), 1);
        assert_eq!(GetFeatureEntitlementsInternal(buf.as_mut_ptr(), 256), 1);
        assert_eq!(GetLicenseEntitlementSetTier(&mut i), 1);
        assert!(buf.iter().all(|&b| b == b'x' as c_char));
        assert_eq!((u, i), (7, 7), "outputs untouched");
        assert_eq!(GetLastActivationError(&mut u), 0);
        assert_eq!(u, 0);
        assert_eq!(GetLastActivationError(ptr::null_mut()), 1);
        assert_eq!(GetLicenseExpiryDate(ptr::null_mut()), 1);
        assert_eq!(IsLicenseGenuine(), 1);
        assert_eq!(IsTrialGenuine(), 1);
        assert_eq!(SyncLicenseActivation(), 1);
        assert_eq!(DeactivateLicense(), 1);
        assert_eq!(GenerateOfflineDeactivationRequest(c("/tmp/x").as_ptr()), 1);
        assert_eq!(ActivateLicense(), 54);
        assert_eq!(CheckReleaseUpdate(None, 1, ptr::null_mut()), 1);
        assert_eq!(IncrementActivationMeterAttributeUses(c("m").as_ptr(), 1), 1);
        assert_eq!(GetUserLicensesInternal(buf.as_mut_ptr(), 256), 87);
        assert_eq!(MigrateToSystemWideActivation(9), 105);
        assert_eq!(
            MigrateToSystemWideActivation(1),
            1,
            "Linux has no separate system-wide store"
        );
    }
}

unsafe extern "C" fn release_cb(
    _s: std::os::raw::c_int,
    _r: *mut openlex_client::ffi::types::Release,
    _u: *mut std::ffi::c_void,
) {
}

#[test]
fn release_check_preconditions_in_vendor_order() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    unsafe {
        assert_eq!(CheckReleaseUpdate(Some(release_cb), 1, ptr::null_mut()), 54);
        assert_eq!(SetLicenseKey(c("ABCDEFGHIJKL").as_ptr()), 0);
        assert_eq!(CheckReleaseUpdate(Some(release_cb), 1, ptr::null_mut()), 84);
        assert_eq!(SetReleaseVersion(c("1.0.0").as_ptr()), 0);
        assert_eq!(CheckReleaseUpdate(Some(release_cb), 1, ptr::null_mut()), 85);
        assert_eq!(SetReleasePlatform(c("linux").as_ptr()), 0);
        assert_eq!(CheckReleaseUpdate(Some(release_cb), 1, ptr::null_mut()), 86);
        assert_eq!(
            CheckForReleaseUpdate(
                c("linux").as_ptr(),
                c("bad").as_ptr(),
                c("stable").as_ptr(),
                None
            ),
            70
        );
    }
}

#[test]
fn local_trial_semantics() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let now = || openlex_client::core::clock::now();
    let mut e = 0u32;
    unsafe {
        assert_eq!(IsLocalTrialGenuine(), 1);
        assert_eq!(ExtendLocalTrial(1), 1);
        assert_eq!(GetLocalTrialExpiryDate(&mut e), 1);
        assert_eq!(ActivateLocalTrial(3), 0);
        assert_eq!(GetLocalTrialExpiryDate(&mut e), 0);
        assert!(
            (i64::from(e) - (now() + 3 * 86_500)).abs() <= 2,
            "a day is 86,500 s"
        );
        let first = e;
        assert_eq!(ActivateLocalTrial(30), 0);
        assert_eq!(GetLocalTrialExpiryDate(&mut e), 0);
        assert_eq!(e, first, "activating an active trial changes nothing");
        assert_eq!(IsLocalTrialGenuine(), 0);
        assert_eq!(ExtendLocalTrial(2), 0);
        assert_eq!(GetLocalTrialExpiryDate(&mut e), 0);
        assert!(
            (i64::from(e) - (now() + 2 * 86_500)).abs() <= 2,
            "extend sets now + n days"
        );
        assert_eq!(Reset(), 0);
        p.set_up(dir.path());
        assert_eq!(IsLocalTrialGenuine(), 0, "Reset keeps the local trial");
        openlex_client::core::clock::set_offset_for_tests(3 * 86_500);
        assert_eq!(IsLocalTrialGenuine(), 26);
        assert_eq!(ActivateLocalTrial(5), 26, "expired stays expired");
        assert_eq!(ExtendLocalTrial(1), 0, "extending revives");
        assert_eq!(IsLocalTrialGenuine(), 0);
        openlex_client::core::clock::set_offset_for_tests(3 * 86_500 - 7200);
        assert_eq!(IsLocalTrialGenuine(), 69, "clock set back two hours");
        openlex_client::core::clock::set_offset_for_tests(3 * 86_500 - 1800);
        assert_eq!(IsLocalTrialGenuine(), 0, "half an hour is within tolerance");
        openlex_client::core::clock::set_offset_for_tests(0);
    }
}

#[test]
fn local_trial_survives_data_directory_loss_and_detects_tampering() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    assert_eq!(ActivateLocalTrial(0), 0);
    openlex_client::core::clock::set_offset_for_tests(5);
    assert_eq!(IsLocalTrialGenuine(), 26, "0 days expires at once");
    std::fs::remove_dir_all(dir.path().join(&p.id)).unwrap();
    std::fs::create_dir_all(dir.path()).unwrap();
    assert_eq!(Reset(), 0);
    p.set_up(dir.path());
    assert_eq!(
        ActivateLocalTrial(30),
        26,
        "the second copy remembers the expired trial"
    );
    openlex_client::core::clock::set_offset_for_tests(0);
    assert_eq!(ExtendLocalTrial(1), 0);
    let home = openlex_device::device_info().home_dir.clone();
    let copy = openlex_client::store::location::local_trial_copy(&p.id, home.as_deref()).unwrap();
    let f = dir.path().join(&p.id).join("local-trial.olx");
    let edit = |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, text.replace("expiry\":", "expiry\":1")).unwrap();
    };
    edit(&f);
    assert_eq!(Reset(), 0);
    p.set_up(dir.path());
    assert_eq!(
        IsLocalTrialGenuine(),
        0,
        "an edited primary falls back to the intact copy"
    );
    edit(&f);
    edit(&copy);
    assert_eq!(Reset(), 0);
    p.set_up(dir.path());
    assert_eq!(IsLocalTrialGenuine(), 26, "edited records count as expired");
    assert_eq!(ExtendLocalTrial(1), 0, "and can be revived by the app");
    assert_eq!(IsLocalTrialGenuine(), 0);
}

#[test]
fn store_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    assert_eq!(ActivateLocalTrial(1), 0);
    let d = dir.path().join(&p.id);
    assert_eq!(
        std::fs::metadata(&d).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for e in std::fs::read_dir(&d).unwrap() {
        let m = e.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(m, 0o600);
    }
}

#[test]
fn product_file_and_permission_flags() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    let f = dir.path().join("Product.dat");
    std::fs::write(&f, p.data()).unwrap();
    let mut buf = [0 as c_char; 2048];
    unsafe {
        assert_eq!(SetProductFile(c("/nonexistent/Product.dat").as_ptr()), 40);
        assert_eq!(SetProductFile(ptr::null()), 40);
        let junk = dir.path().join("junk.dat");
        std::fs::write(&junk, "junk").unwrap();
        assert_eq!(SetProductFile(c(junk.to_str().unwrap()).as_ptr()), 41);
        assert_eq!(SetProductFile(c(f.to_str().unwrap()).as_ptr()), 0);
        assert_eq!(
            SetDataDirectory(c(dir.path().to_str().unwrap()).as_ptr()),
            0
        );
        // LA_ALL_USERS is per-user on Linux, as the vendor's
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 3), 0);
        assert_eq!(GetDataStoreInfoInternal(buf.as_mut_ptr(), 2048), 0);
        assert!(
            read(&buf).contains(r#""permissionFlag":"la-user""#),
            "{}",
            read(&buf)
        );
        // LA_SYSTEM needs root
        let root = libc::geteuid() == 0;
        assert_eq!(
            SetProductId(c(&p.id).as_ptr(), 2),
            if root { 0 } else { 44 }
        );
        assert_eq!(
            GetDataStoreInfoInternal(buf.as_mut_ptr(), 2048),
            0,
            "reported even after 44"
        );
        assert!(
            read(&buf).contains(r#""permissionFlag":"la-system""#),
            "{}",
            read(&buf)
        );
    }
}

extern "C" fn ignore_status(_status: u32) {}

/// Where a setter is called: nothing set; SetProductData only; then
/// SetProductId; then SetLicenseKey too.
#[derive(Debug, Clone, Copy)]
enum Stage {
    Nothing,
    ProductData,
    ProductId,
    LicenseKey,
}

fn enter(stage: Stage, dir: &std::path::Path, p: &TestProduct) {
    unsafe {
        assert_eq!(Reset(), 0);
        if matches!(stage, Stage::Nothing) {
            return;
        }
        assert_eq!(SetDataDirectory(c(dir.to_str().unwrap()).as_ptr()), 0);
        assert_eq!(SetProductData(c(&p.data()).as_ptr()), 0);
        if matches!(stage, Stage::ProductData) {
            return;
        }
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 1), 0);
        if matches!(stage, Stage::LicenseKey) {
            assert_eq!(SetLicenseKey(c("ABCDEF-ABCDEF-ABCDEF").as_ptr()), 0);
        }
    }
}

/// Every setter of the header, with a valid and an invalid argument, at each
/// stage of set-up: the statuses the vendor's 3.46.0 library returned, one
/// fresh process per call (bench/setter_order.py printed them; docs/SETTERS.md
/// records the table). Every setter checks product data first (43), the
/// license-context setters then SetProductId (54), offline meter uses a
/// license key (54), and only then the argument; SetDataDirectory,
/// SetDebugMode and SetTlsPeerVerification need nothing.
#[test]
fn setters_check_in_the_vendors_order() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    let long = "a".repeat(300);
    let tmp = std::env::temp_dir();
    let tmp = tmp.to_str().unwrap();
    type Case<'a> = (&'a str, Box<dyn Fn() -> i32 + 'a>, [i32; 4]);
    let s = |v: &str| c(v);
    let cases: Vec<Case> = vec![
        (
            "SetAppVersion valid",
            Box::new(|| unsafe { SetAppVersion(s("1.0.0").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetAppVersion 300 bytes",
            Box::new(|| unsafe { SetAppVersion(s(&long).as_ptr()) }),
            [43, 52, 52, 52],
        ),
        (
            "SetReleaseVersion valid",
            Box::new(|| unsafe { SetReleaseVersion(s("1.2.3").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetReleaseVersion malformed",
            Box::new(|| unsafe { SetReleaseVersion(s("abc").as_ptr()) }),
            [43, 70, 70, 70],
        ),
        (
            "SetReleasePlatform valid",
            Box::new(|| unsafe { SetReleasePlatform(s("linux").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetReleasePlatform 300 bytes",
            Box::new(|| unsafe { SetReleasePlatform(s(&long).as_ptr()) }),
            [43, 78, 78, 78],
        ),
        (
            "SetReleaseChannel valid",
            Box::new(|| unsafe { SetReleaseChannel(s("stable").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetReleaseChannel 300 bytes",
            Box::new(|| unsafe { SetReleaseChannel(s(&long).as_ptr()) }),
            [43, 79, 79, 79],
        ),
        (
            "SetReleasePublishedDate",
            Box::new(|| SetReleasePublishedDate(1_700_000_000)),
            [43, 0, 0, 0],
        ),
        (
            "SetCustomDeviceFingerprint 64 bytes",
            Box::new(|| unsafe { SetCustomDeviceFingerprint(s(&"f".repeat(64)).as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetCustomDeviceFingerprint 5 bytes",
            Box::new(|| unsafe { SetCustomDeviceFingerprint(s("short").as_ptr()) }),
            [43, 74, 74, 74],
        ),
        (
            "SetCryptlexHost https URL",
            Box::new(|| unsafe { SetCryptlexHost(s("https://127.0.0.1:9").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetCryptlexHost malformed",
            Box::new(|| unsafe { SetCryptlexHost(s("garbage").as_ptr()) }),
            [43, 50, 50, 50],
        ),
        (
            "SetNetworkProxy valid",
            Box::new(|| unsafe { SetNetworkProxy(s("http://127.0.0.1:3128").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetNetworkProxy empty",
            Box::new(|| unsafe { SetNetworkProxy(s("").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetNetworkProxy malformed",
            Box::new(|| unsafe { SetNetworkProxy(s("garbage").as_ptr()) }),
            [43, 49, 49, 49],
        ),
        (
            "SetTlsPeerVerification",
            Box::new(|| SetTlsPeerVerification(1)),
            [0, 0, 0, 0],
        ),
        ("SetDebugMode", Box::new(|| SetDebugMode(0)), [0, 0, 0, 0]),
        ("SetCacheMode", Box::new(|| SetCacheMode(1)), [43, 0, 0, 0]),
        (
            "SetDataDirectory existing",
            Box::new(|| unsafe { SetDataDirectory(s(tmp).as_ptr()) }),
            [0, 0, 0, 0],
        ),
        (
            "SetDataDirectory missing",
            Box::new(|| unsafe { SetDataDirectory(s("/nonexistent/dir").as_ptr()) }),
            [45, 45, 45, 45],
        ),
        (
            "SetLicenseCallback function",
            Box::new(|| SetLicenseCallback(Some(ignore_status))),
            [43, 54, 0, 0],
        ),
        (
            "SetLicenseCallback NULL",
            Box::new(|| SetLicenseCallback(None)),
            [43, 54, 0, 0],
        ),
        (
            "SetLicenseKey valid",
            Box::new(|| unsafe { SetLicenseKey(s("ABCDEF-ABCDEF-ABCDEF").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetLicenseKey 3 bytes",
            Box::new(|| unsafe { SetLicenseKey(s("abc").as_ptr()) }),
            [43, 54, 54, 54],
        ),
        (
            "SetLicenseUserCredential",
            Box::new(|| unsafe { SetLicenseUserCredential(s("a@b.c").as_ptr(), s("pw").as_ptr()) }),
            [43, 54, 0, 0],
        ),
        (
            "SetActivationLeaseDuration",
            Box::new(|| SetActivationLeaseDuration(100)),
            [43, 54, 0, 0],
        ),
        (
            "SetActivationMetadata valid",
            Box::new(|| unsafe { SetActivationMetadata(s("k").as_ptr(), s("v").as_ptr()) }),
            [43, 54, 0, 0],
        ),
        (
            "SetActivationMetadata empty key",
            Box::new(|| unsafe { SetActivationMetadata(s("").as_ptr(), s("v").as_ptr()) }),
            [43, 54, 64, 64],
        ),
        (
            "SetTrialActivationMetadata valid",
            Box::new(|| unsafe { SetTrialActivationMetadata(s("k").as_ptr(), s("v").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetTrialActivationMetadata empty key",
            Box::new(|| unsafe { SetTrialActivationMetadata(s("").as_ptr(), s("v").as_ptr()) }),
            [43, 64, 64, 64],
        ),
        (
            "SetOfflineActivationRequestMeterAttributeUses valid",
            Box::new(|| unsafe {
                SetOfflineActivationRequestMeterAttributeUses(s("m").as_ptr(), 1)
            }),
            [43, 54, 54, 0],
        ),
        (
            "SetOfflineActivationRequestMeterAttributeUses empty",
            Box::new(|| unsafe {
                SetOfflineActivationRequestMeterAttributeUses(s("").as_ptr(), 1)
            }),
            [43, 54, 54, 0],
        ),
        (
            "SetOfflineActivationRequestMeterAttributeUses 300 bytes",
            Box::new(|| unsafe {
                SetOfflineActivationRequestMeterAttributeUses(s(&long).as_ptr(), 1)
            }),
            [43, 54, 54, 0],
        ),
        (
            "SetTwoFactorAuthenticationCode six digits",
            Box::new(|| unsafe { SetTwoFactorAuthenticationCode(s("123456").as_ptr()) }),
            [43, 0, 0, 0],
        ),
        (
            "SetTwoFactorAuthenticationCode two digits",
            Box::new(|| unsafe { SetTwoFactorAuthenticationCode(s("12").as_ptr()) }),
            [43, 89, 89, 89],
        ),
    ];
    let stages = [
        Stage::Nothing,
        Stage::ProductData,
        Stage::ProductId,
        Stage::LicenseKey,
    ];
    let mut wrong = Vec::new();
    for (name, call, want) in &cases {
        for (stage, want) in stages.iter().zip(want) {
            enter(*stage, dir.path(), &p);
            let got = call();
            if got != *want {
                wrong.push(format!("{name} at {stage:?}: {got}, vendor {want}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "differs from the vendor:\n{}",
        wrong.join("\n")
    );
}

/// A value set before a failing call survives it, and one set once product
/// data is there survives SetProductId: setters configure the process, not
/// one product context.
#[test]
fn settings_survive_set_product_id() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    unsafe {
        assert_eq!(
            SetDataDirectory(c(dir.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(&p.data()).as_ptr()), 0);
        assert_eq!(SetReleaseVersion(c("2.0.0").as_ptr()), 0);
        assert_eq!(SetCryptlexHost(c("garbage").as_ptr()), 50);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 1), 0);
    }
    let st = openlex_client::core::state::lock();
    assert_eq!(st.release.version, "2.0.0");
    assert_eq!(st.net.host, "", "the rejected host was not kept");
}

/// Strings in are bounded at 64 KiB: exactly 64 KiB is read, one unit more
/// is the function's invalid-argument status, and an unterminated string is
/// never read past 64 KiB + 1 (the next byte is an inaccessible page).
#[test]
fn input_strings_are_bounded_at_64_kib() {
    let _g = lock();
    let dir = tempfile::tempdir().unwrap();
    let p = TestProduct::new();
    p.set_up(dir.path());
    let max = openlex_client::core::limits::MAX_INPUT;
    assert_eq!(max, 64 * 1024);
    unsafe {
        let fits = c(&"e".repeat(max));
        let over = c(&"e".repeat(max + 1));
        assert_eq!(SetLicenseUserCredential(fits.as_ptr(), c("pw").as_ptr()), 0);
        assert_eq!(
            SetLicenseUserCredential(over.as_ptr(), c("pw").as_ptr()),
            71
        );
        assert_eq!(
            SetLicenseUserCredential(c("a@b.c").as_ptr(), over.as_ptr()),
            71
        );
        assert_eq!(SetProductData(over.as_ptr()), 42);
        assert_eq!(SetCryptlexHost(over.as_ptr()), 50);
    }
    #[cfg(unix)]
    unsafe {
        // max + 1 bytes with no NUL, ending right before a PROT_NONE page.
        let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
        let data_pages = (max + 1).div_ceil(page);
        let total = (data_pages + 1) * page;
        let base = libc::mmap(
            ptr::null_mut(),
            total,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(base, libc::MAP_FAILED);
        let guard = base.cast::<u8>().add(data_pages * page);
        assert_eq!(libc::mprotect(guard.cast(), page, libc::PROT_NONE), 0);
        let start = guard.sub(max + 1);
        std::ptr::write_bytes(start, b'e', max + 1);
        assert_eq!(
            SetLicenseUserCredential(start.cast(), c("pw").as_ptr()),
            71,
            "rejected without reading past 64 KiB + 1"
        );
        libc::munmap(base, total);
    }
}
