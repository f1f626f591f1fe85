//! Tampering: edits to the store, a store copied to another device, a store
//! rolled back to a backup, and a clock rolled back are detected with the
//! vendor's statuses; every file the library creates is private to its user;
//! and a full licensing flow never spawns a subprocess (checked with a PATH of
//! poisoned tools).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::server::SERVER;
use common::{c, lock};
use openlex_client::core::activation::ActivationRecord;
use openlex_client::core::clock::set_offset_for_tests;
use openlex_client::ffi::activation::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use openlex_client::ffi::trial::*;
use openlex_client::store::{Location, PermissionFlag, RecordKind, Store};
use serde_json::json;

struct Ctx {
    pid: String,
    key: String,
    dir: tempfile::TempDir,
    pd: String,
}

fn new_ctx(name: &str, license: serde_json::Value) -> Ctx {
    let (pid, pd) = SERVER.product(name, json!({}));
    let (_lid, key) = SERVER.license(&pid, license);
    Ctx {
        pid,
        key,
        dir: tempfile::tempdir().unwrap(),
        pd,
    }
}

fn setup(x: &Ctx) {
    unsafe {
        assert_eq!(
            SetDataDirectory(c(x.dir.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(&x.pd).as_ptr()), 0);
        assert_eq!(SetProductId(c(&x.pid).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
    }
}

fn activate(x: &Ctx) {
    setup(x);
    unsafe { assert_eq!(SetLicenseKey(c(&x.key).as_ptr()), 0) };
    assert_eq!(ActivateLicense(), 0);
    assert_eq!(IsLicenseValid(), 0);
}

fn record(x: &Ctx) -> std::path::PathBuf {
    x.dir
        .path()
        .join(x.pid.to_ascii_lowercase())
        .join("activation.olx")
}

/// The device binding the library seals with (mirrors core::product::store_binding).
fn this_device_binding() -> Vec<u8> {
    let d = openlex_device::device_info();
    if d.components.base.is_empty() {
        d.hostname.as_bytes().to_vec()
    } else {
        d.components.base.clone()
    }
}

#[test]
fn edited_store_records_are_rejected() {
    let _g = lock();
    let x = new_ctx("tamper-edit", json!({"allowedActivations": 10}));
    activate(&x);
    let good = std::fs::read(record(&x)).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let edits: Vec<(&str, String)> = vec![
        (
            "lastSeen changed",
            text.replacen("\"lastSeen\":", "\"lastSeen\":1", 1),
        ),
        (
            "key changed",
            text.replacen(&x.key, &x.key.replace('A', "B").replace('1', "2"), 1),
        ),
        ("mac zeroed", {
            let at = text.find("\"mac\":\"").unwrap() + 7;
            let mut t = text.clone();
            t.replace_range(at..at + 64, &"0".repeat(64));
            t
        }),
        ("version bumped", text.replacen("\"v\":1", "\"v\":2", 1)),
        ("data replaced by null", {
            let at = text.find("\"data\":").unwrap() + 7;
            format!("{}null}}", &text[..at])
        }),
    ];
    for (name, edited) in edits {
        assert_ne!(
            edited.as_bytes(),
            &good[..],
            "{name}: the edit changed something"
        );
        std::fs::write(record(&x), &edited).unwrap();
        // The store notices the file changed and re-checks its seal.
        assert_eq!(
            IsLicenseValid(),
            1,
            "{name}: edited store reads as not activated"
        );
        assert_eq!(IsLicenseGenuine(), 1, "{name}");
        std::fs::write(record(&x), &good).unwrap();
        assert_eq!(IsLicenseValid(), 0, "{name}: the original is fine again");
    }
    assert_eq!(Reset(), 0);
}

#[test]
fn a_store_copied_to_another_device_does_not_open() {
    let _g = lock();
    let x = new_ctx("tamper-copy", json!({"allowedActivations": 10}));
    activate(&x);
    let dir = x.dir.path().join(x.pid.to_ascii_lowercase());
    // The library's own file opens with this device's binding ...
    let mut here = Store::open(
        Location::custom(dir.clone(), PermissionFlag::User),
        &x.pid,
        &this_device_binding(),
    )
    .unwrap();
    let rec = here
        .read::<ActivationRecord>(RecordKind::Activation)
        .expect("this device opens its own store");
    // ... and not with another device's, nor under another product id.
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("activation.olx"),
        copy.path().join("activation.olx"),
    )
    .unwrap();
    for (binding, pid) in [
        (b"another-device-installation-id".to_vec(), x.pid.clone()),
        (Vec::new(), x.pid.clone()),
        (
            this_device_binding(),
            "00000000-0000-0000-0000-000000000001".to_string(),
        ),
    ] {
        let mut there = Store::open(
            Location::custom(copy.path().to_path_buf(), PermissionFlag::User),
            &pid,
            &binding,
        )
        .unwrap();
        assert!(there
            .read::<ActivationRecord>(RecordKind::Activation)
            .is_none());
        assert!(there
            .read::<serde_json::Value>(RecordKind::Activation)
            .is_none());
    }
    // Even re-sealed for the other device, the token inside is bound to this
    // device's fingerprint: the library on another device (simulated by a
    // custom fingerprint) rejects it with LA_E_MACHINE_FINGERPRINT or LA_FAIL.
    assert_eq!(Reset(), 0);
    setup(&x);
    unsafe {
        assert_eq!(
            SetCustomDeviceFingerprint(c(&format!("another-device-{}", "f".repeat(64))).as_ptr()),
            0
        )
    };
    let mut other = Store::open(
        Location::custom(dir.clone(), PermissionFlag::User),
        &x.pid,
        &this_device_binding(),
    )
    .unwrap();
    other.write(RecordKind::Activation, &rec).unwrap();
    let r = IsLicenseValid();
    assert!(
        r == 63 || r == 1,
        "copied activation on another device: {r}"
    );
    assert_eq!(Reset(), 0);
}

#[test]
fn clock_rollback_is_detected() {
    let _g = lock();
    // Default allowed clock offset (600 s): a clock well behind the token's
    // issue time is LA_E_TIME.
    let y = new_ctx("tamper-clock-offset", json!({"allowedActivations": 10}));
    activate(&y);
    set_offset_for_tests(-30 * 60);
    assert_eq!(
        IsLicenseValid(),
        47,
        "LA_E_TIME: clock behind the token's iat"
    );
    set_offset_for_tests(0);
    assert_eq!(IsLicenseValid(), 0);
    assert_eq!(Reset(), 0);
    // A generous allowed offset isolates the rollback rule (high-water mark).
    let x = new_ctx(
        "tamper-clock",
        json!({"allowedActivations": 10, "allowedClockOffset": 90 * 86_400}),
    );
    activate(&x);
    set_offset_for_tests(-30 * 60);
    assert_eq!(
        IsLicenseValid(),
        0,
        "within the vendor's one-hour tolerance"
    );
    set_offset_for_tests(-2 * 3600);
    assert_eq!(IsLicenseValid(), 69, "LA_E_TIME_MODIFIED");
    assert_eq!(IsLicenseGenuine(), 69);
    set_offset_for_tests(-30 * 86_400);
    assert_eq!(IsLicenseValid(), 69);
    set_offset_for_tests(0);
    assert_eq!(IsLicenseValid(), 0, "the real clock is fine again");
    // The high-water mark survives a restart: move forward, persist, come back.
    set_offset_for_tests(3 * 3600);
    assert_eq!(IsLicenseValid(), 0);
    assert_eq!(Reset(), 0);
    set_offset_for_tests(0);
    // Reset deleted the store; activate again and roll back across a reload.
    activate(&x);
    set_offset_for_tests(5 * 3600);
    assert_eq!(IsLicenseValid(), 0);
    let saved = std::fs::read(record(&x)).unwrap();
    assert_eq!(Reset(), 0);
    set_offset_for_tests(0);
    std::fs::create_dir_all(record(&x).parent().unwrap()).unwrap();
    std::fs::write(record(&x), saved).unwrap();
    setup(&x);
    assert_eq!(
        IsLicenseValid(),
        69,
        "a fresh load sees the persisted high-water mark"
    );
    assert_eq!(Reset(), 0);
}

#[test]
fn a_store_rolled_back_after_deactivation_is_caught_by_the_next_sync() {
    let _g = lock();
    let x = new_ctx("tamper-rollback", json!({"allowedActivations": 10}));
    activate(&x);
    let backup = std::fs::read(record(&x)).unwrap();
    assert_eq!(DeactivateLicense(), 0);
    assert_eq!(IsLicenseValid(), 1);
    // Restore the backed-up record: a genuine earlier state of this device,
    // which offline checks cannot tell apart; the server can.
    std::fs::write(record(&x), &backup).unwrap();
    let r = SyncLicenseActivation();
    assert_eq!(r, 59, "LA_E_ACTIVATION_NOT_FOUND on the next sync");
    assert_eq!(IsLicenseValid(), 1, "and the stale record is dropped");
    assert_eq!(Reset(), 0);
}

fn assert_private(root: &Path, seen: &mut usize) {
    for e in std::fs::read_dir(root).unwrap() {
        let e = e.unwrap();
        let md = std::fs::symlink_metadata(e.path()).unwrap();
        let mode = md.permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "{} is accessible to other users (mode {mode:o})",
            e.path().display()
        );
        *seen += 1;
        if md.is_dir() {
            assert_private(&e.path(), seen);
        }
    }
}

#[test]
fn every_file_we_create_is_private() {
    let _g = lock();
    let x = new_ctx("tamper-modes", json!({"allowedActivations": 10}));
    // A permissive umask must not leak into our files.
    let old = unsafe { libc::umask(0) };
    activate(&x);
    assert_eq!(IsLicenseGenuine(), 0);
    assert_eq!(ActivateLocalTrial(30), 0);
    let req = x.dir.path().join("offline-request.dat");
    let _ = unsafe { GenerateOfflineActivationRequest(c(req.to_str().unwrap()).as_ptr()) };
    unsafe { libc::umask(old) };
    let _ = std::fs::remove_file(&req); // written where the host asked, like the vendor's
    let mut seen = 0;
    assert_private(&x.dir.path().join(x.pid.to_ascii_lowercase()), &mut seen);
    assert!(
        seen >= 2,
        "activation and local-trial records checked ({seen})"
    );
    // The local-trial copy kept outside the data directory, too.
    let home = openlex_device::device_info().home_dir.clone();
    if let Some(p) = openlex_client::store::location::local_trial_copy(&x.pid, home.as_deref()) {
        if let Ok(md) = std::fs::metadata(&p) {
            assert_eq!(md.permissions().mode() & 0o077, 0, "{}", p.display());
            let _ = std::fs::remove_file(&p);
        }
    }
    assert_eq!(Reset(), 0);
}

const POISONED: &[&str] = &[
    "sh",
    "bash",
    "dash",
    "cat",
    "grep",
    "uname",
    "hostname",
    "ip",
    "ifconfig",
    "lsblk",
    "dmidecode",
    "wmic",
    "ioreg",
    "sysctl",
    "systemd-detect-virt",
    "lscpu",
    "udevadm",
    "ls",
    "sed",
    "awk",
    "getent",
    "id",
    "whoami",
    "ps",
    "mount",
    "blkid",
    "hostnamectl",
    "nproc",
];

#[test]
fn no_subprocess_is_ever_spawned() {
    if let Ok(args) = std::env::var("OPENLEX_NOSPAWN_CHILD") {
        // The child: a full licensing flow with PATH = poisoned tools only.
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        let dir = v["dir"].as_str().unwrap();
        unsafe {
            assert_eq!(SetDataDirectory(c(dir).as_ptr()), 0);
            assert_eq!(SetProductData(c(v["pd"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductId(c(v["pid"].as_str().unwrap()).as_ptr(), 1), 0);
            assert_eq!(SetCryptlexHost(c(v["url"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetLicenseKey(c(v["key"].as_str().unwrap()).as_ptr()), 0);
        }
        assert_eq!(ActivateLicense(), 0);
        assert_eq!(IsLicenseGenuine(), 0);
        assert_eq!(SyncLicenseActivation(), 0);
        let mut d = 0u32;
        assert_eq!(
            unsafe { openlex_client::ffi::getters::GetLicenseExpiryDate(&mut d) },
            0
        );
        let req = format!("{dir}/req.dat");
        assert_eq!(
            unsafe { GenerateOfflineActivationRequest(c(&req).as_ptr()) },
            0
        );
        assert_eq!(ActivateLocalTrial(30), 0);
        assert_eq!(IsLocalTrialGenuine(), 0);
        assert_eq!(DeactivateLicense(), 0);
        assert_eq!(IsLicenseGenuine(), 1);
        println!("child flow done");
        return;
    }
    let _g = lock();
    let x = new_ctx("no-spawn", json!({"allowedActivations": 10}));
    let bin = tempfile::tempdir().unwrap();
    let marker = bin.path().join("SPAWNED");
    for name in POISONED {
        let p = bin.path().join(name);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\necho \"$0 $*\" >> '{}'\nexit 1\n",
                marker.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The poison works: running a tool through PATH leaves the marker.
    let probe = Command::new("uname")
        .env("PATH", bin.path())
        .status()
        .unwrap();
    assert!(!probe.success());
    assert!(marker.exists(), "poisoned tools write the marker");
    std::fs::remove_file(&marker).unwrap();

    let args =
        json!({"dir": x.dir.path(), "pd": x.pd, "pid": x.pid, "key": x.key, "url": SERVER.url})
            .to_string();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "no_subprocess_is_ever_spawned",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("OPENLEX_NOSPAWN_CHILD", args)
        .env("PATH", bin.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("child flow done"),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !marker.exists(),
        "a subprocess was spawned: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    let home = openlex_device::device_info().home_dir.clone();
    if let Some(p) = openlex_client::store::location::local_trial_copy(&x.pid, home.as_deref()) {
        let _ = std::fs::remove_file(p);
    }
}
