//! Crash safety of the store: a child process (this test binary re-invoked)
//! loops activating and syncing against the real openlex-server, writing the
//! store each time; the parent SIGKILLs it at a random point, many times, and
//! after each kill a fresh process reads the store: it must be the old or the
//! new activation (IsLicenseValid 0), never corrupt, never a crash. Then a
//! corrupt or truncated store must read as "not activated" (LA_FAIL) and allow
//! re-activation.
//!
//! OPENLEX_CRASH_KILLS sets the number of kills (default 50).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::SERVER;
use common::{c, lock};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use serde_json::json;

fn setup(v: &serde_json::Value) {
    unsafe {
        assert_eq!(SetDataDirectory(c(v["dir"].as_str().unwrap()).as_ptr()), 0);
        assert_eq!(SetProductData(c(v["pd"].as_str().unwrap()).as_ptr()), 0);
        assert_eq!(SetProductId(c(v["pid"].as_str().unwrap()).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(v["url"].as_str().unwrap()).as_ptr()), 0);
    }
}

/// Child halves, selected by environment variables.
fn child_mode() -> bool {
    if let Ok(args) = std::env::var("OPENLEX_CRASH_WRITER") {
        // Writer: activate, then loop activate + sync (each stores a new token).
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        setup(&v);
        let key = c(v["key"].as_str().unwrap());
        let mut n = 0u64;
        loop {
            unsafe { assert_eq!(SetLicenseKey(key.as_ptr()), 0) };
            let a = ActivateLicense();
            assert_eq!(a, 0, "activation in the writer");
            let s = SyncLicenseActivation();
            assert_eq!(s, 0, "sync in the writer");
            n += 1;
            if n == 1 {
                println!("ready");
            }
        }
    }
    if let Ok(args) = std::env::var("OPENLEX_CRASH_READER") {
        // Reader: what does a fresh process make of the store?
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        unsafe {
            assert_eq!(SetDataDirectory(c(v["dir"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductData(c(v["pd"].as_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductId(c(v["pid"].as_str().unwrap()).as_ptr(), 1), 0);
        }
        println!("status={}", IsLicenseValid());
        return true;
    }
    false
}

/// xorshift64*.
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

fn run_reader(args: &str) -> i32 {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "sigkill_during_store_writes", "--nocapture"])
        .env("OPENLEX_CRASH_READER", args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "reader crashed ({:?}): {text}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|l| l.strip_prefix("status="))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("reader printed no status: {text}"))
}

#[test]
fn sigkill_during_store_writes() {
    if child_mode() {
        return;
    }
    let _g = lock();
    let kills: u32 = std::env::var("OPENLEX_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let (pid, pd) = SERVER.product("crash", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({"allowedActivations": 5}));
    let store = tempfile::tempdir().unwrap();
    let args = json!({"dir": store.path(), "pd": pd, "pid": pid, "key": key, "url": SERVER.url})
        .to_string();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let mut valid = 0u32;
    let t0 = Instant::now();
    for i in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "sigkill_during_store_writes", "--nocapture"])
            .env("OPENLEX_CRASH_WRITER", &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("ready") {
            line.clear();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "writer {i} exited before it was ready"
            );
        }
        std::thread::sleep(Duration::from_millis(rng.next() % 400));
        child.kill().unwrap(); // SIGKILL on Unix
        let st = child.wait().unwrap();
        assert!(!st.success(), "the writer was killed, not finished");
        let status = run_reader(&args);
        assert!(
            status == 0,
            "kill {i}: the store must hold the old or the new activation, got {status}"
        );
        valid += 1;
    }
    let leftovers = std::fs::read_dir(store.path().join(pid.to_ascii_lowercase()))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .count()
        })
        .unwrap_or(0);
    eprintln!(
        "crash_safety: {kills} SIGKILLs during activate/sync store writes in {:?}; \
         {valid} fresh-process reads all valid; {leftovers} temp files of killed writers left (younger than 10 s; older ones are swept) (seed {seed:#x})",
        t0.elapsed()
    );
}

#[test]
fn corrupt_or_truncated_store_reads_as_not_activated_and_allows_reactivation() {
    if std::env::var("OPENLEX_CRASH_WRITER").is_ok()
        || std::env::var("OPENLEX_CRASH_READER").is_ok()
    {
        return;
    }
    let _g = lock();
    let (pid, pd) = SERVER.product("corrupt", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({"allowedActivations": 5}));
    let store = tempfile::tempdir().unwrap();
    let v = json!({"dir": store.path(), "pd": pd, "pid": pid, "url": SERVER.url});
    let file = store
        .path()
        .join(pid.to_ascii_lowercase())
        .join("activation.olx");
    type Damage = Box<dyn Fn(&[u8]) -> Vec<u8>>;
    let damages: Vec<(&str, Damage)> = vec![
        ("empty", Box::new(|_| Vec::new())),
        ("truncated to half", Box::new(|b| b[..b.len() / 2].to_vec())),
        (
            "truncated by one byte",
            Box::new(|b| b[..b.len() - 1].to_vec()),
        ),
        ("junk", Box::new(|_| b"\x00\xff junk \x7f".repeat(100))),
        (
            "one byte flipped in the middle",
            Box::new(|b| {
                let mut b = b.to_vec();
                let m = b.len() / 2;
                b[m] ^= 0x01;
                b
            }),
        ),
        ("huge", Box::new(|_| vec![b'{'; 2 * 1024 * 1024])),
    ];
    for (name, damage) in damages {
        assert_eq!(Reset(), 0);
        setup(&v);
        unsafe { assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0) };
        assert_eq!(ActivateLicense(), 0, "{name}");
        assert_eq!(IsLicenseValid(), 0, "{name}");
        let good = std::fs::read(&file).unwrap();
        // A fresh load of the damaged store (Reset deletes the activation,
        // so the damaged copy goes in after it).
        assert_eq!(Reset(), 0);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, damage(&good)).unwrap();
        setup(&v);
        assert_eq!(IsLicenseGenuine(), 1, "{name}: clear status, not activated");
        assert_eq!(IsLicenseValid(), 1, "{name}");
        unsafe { assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0) };
        assert_eq!(ActivateLicense(), 0, "{name}: re-activation works");
        assert_eq!(IsLicenseValid(), 0, "{name}");
    }
    assert_eq!(Reset(), 0);
}

#[test]
fn temp_files_of_killed_writers_are_swept() {
    if std::env::var("OPENLEX_CRASH_WRITER").is_ok()
        || std::env::var("OPENLEX_CRASH_READER").is_ok()
    {
        return;
    }
    let _g = lock();
    let (pid, pd) = SERVER.product("sweep", json!({}));
    let (_lid, key) = SERVER.license(&pid, json!({"allowedActivations": 5}));
    let store = tempfile::tempdir().unwrap();
    let v = json!({"dir": store.path(), "pd": pd, "pid": pid, "url": SERVER.url});
    setup(&v);
    unsafe { assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0) };
    assert_eq!(ActivateLicense(), 0);
    let dir = store.path().join(pid.to_ascii_lowercase());
    // A process that has exited: its pid is dead.
    let mut ch = Command::new("/bin/true").spawn().unwrap();
    let dead = ch.id();
    ch.wait().unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    let make = |name: String, aged: bool| {
        let p = dir.join(name);
        std::fs::write(&p, b"partial").unwrap();
        if aged {
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(old).unwrap();
        }
        p
    };
    let stale = make(format!(".activation.olx.{dead}.0011223344556677.tmp"), true);
    let young = make(
        format!(".activation.olx.{dead}.8899aabbccddeeff.tmp"),
        false,
    );
    let live = make(".activation.olx.1.0123456789abcdef.tmp".into(), true); // pid 1 is alive
    let other = make(format!(".trial.olx.{dead}.0011223344556677.tmp"), true);
    unsafe { assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0) };
    assert_eq!(ActivateLicense(), 0, "writes the activation record");
    assert!(!stale.exists(), "a dead writer's old temp file is swept");
    assert!(
        young.exists(),
        "a recent one is left (it may still be in use)"
    );
    assert!(live.exists(), "a live process's temp file is never touched");
    assert!(other.exists(), "only the record being written is swept");
    assert_eq!(IsLicenseValid(), 0);
    assert_eq!(Reset(), 0);
}
