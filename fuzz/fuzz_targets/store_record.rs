//! The stored-data reader: sealed records in a product store directory.
//! Byte 0 picks the mode:
//!   even: the rest is written verbatim into every record file and read back
//!         through a fresh `Store` (envelope parsing, MAC check, bounds);
//!   odd:  the rest, if it is JSON, is sealed with the store's own key and read
//!         back as each typed record (the record models behind a valid seal).
//! A bad record must read as absent, never panic.
#![no_main]
use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use openlex_client::core::activation::ActivationRecord;
use openlex_client::core::local_trial::LocalTrialRecord;
use openlex_client::core::trial::TrialRecord;
use openlex_client::store::{Location, PermissionFlag, RecordKind, Store};

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let d = std::env::temp_dir().join(format!("openlex-fuzz-store-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
});

const FILES: [&str; 3] = ["activation.olx", "trial.olx", "local-trial.olx"];

fn store() -> Store {
    Store::open(
        Location::custom(DIR.clone(), PermissionFlag::User),
        openlex_fuzz::PRODUCT_ID,
        b"fuzz-binding",
    )
    .expect("store")
}

fn read_all(s: &mut Store) {
    let _ = s.read::<ActivationRecord>(RecordKind::Activation);
    let _ = s.read::<TrialRecord>(RecordKind::Trial);
    let _ = s.read::<LocalTrialRecord>(RecordKind::LocalTrial);
    let _ = s.read::<serde_json::Value>(RecordKind::Activation);
}

fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_float),
        serde_json::Value::Object(o) => o.values().any(has_float),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        for f in FILES {
            std::fs::write(DIR.join(f), rest).expect("write");
        }
        let mut s = store();
        read_all(&mut s);
        assert!(
            s.read::<serde_json::Value>(RecordKind::Trial).is_none() || rest.starts_with(b"{"),
            "junk never unseals"
        );
    } else {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(rest) else {
            return;
        };
        let mut s = store();
        for k in [RecordKind::Activation, RecordKind::Trial, RecordKind::LocalTrial] {
            if s.write(k, &v).is_err() {
                return;
            }
        }
        let mut fresh = store();
        read_all(&mut fresh);
        // What was sealed reads back as the same JSON value (floats aside:
        // serde_json's default float parsing does not round-trip every
        // value exactly, and no record holds a float).
        if let Some(back) = fresh.read::<serde_json::Value>(RecordKind::Trial) {
            if !has_float(&v) {
                assert_eq!(back, v);
            }
        } else {
            panic!("a sealed record must open");
        }
    }
});
