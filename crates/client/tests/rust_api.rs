//! The safe Rust API (`openlex_client::license`) against the real
//! openlex-server on loopback. Needs `cargo build -p openlex-server` first.
//! The first test runs the crate's documented example itself: the doc comment
//! of `license` and this test include the same file (src/license/example.rs).

#[path = "../../../tests/common/server.rs"]
mod server;

use std::sync::Mutex;

use openlex_client::license::{Error, License, Storage, Validity};
use openlex_client::status::Status;
use serde_json::json;
use server::SERVER;

/// The documented example, verbatim.
mod example {
    include!("../../../src/license/example.rs");
}

/// The library keeps one product per process: tests take turns.
static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn documented_example_runs_against_the_server() {
    let _t = turn();
    let (pid, pd) = SERVER.product("rust-api", json!({}));
    let (s, set) = SERVER.admin(
        "POST",
        "/v3/entitlement-sets",
        Some(json!({"productId": pid, "name": "pro", "displayName": "Pro", "tier": 2,
                    "features": [{"featureName": "seats", "featureDisplayName": "Seats", "value": "5"}]})),
    );
    assert!(s < 300, "{s} {set}");
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"validity": 86400 * 30, "metadata": [{"key": "Tier", "value": "gold"}],
               "entitlementSetId": set["id"],
               "featureEntitlements": [{"featureName": "seats", "value": "10"}]}),
    );
    let store = tempfile::tempdir().unwrap();
    example::activate_and_read(&pd, &pid, &SERVER.url, store.path(), &key).unwrap();
}

#[test]
fn typed_getters_and_errors() {
    let _t = turn();
    let (pid, pd) = SERVER.product(
        "rust-api-getters",
        json!({"metadata": [{"key": "pk", "value": "pv"}]}),
    );
    let (_lid, key) = SERVER.license(
        &pid,
        json!({"allowedActivations": 3, "organizationName": "ACME",
               "organizationAddress": {"city": "Pune", "country": "India"}}),
    );
    let store = tempfile::tempdir().unwrap();

    // Bad input is a typed error, and the statuses keep the C API's meaning.
    let bad = License::builder("not product data", &pid)
        .data_directory(store.path())
        .open()
        .unwrap_err();
    assert_eq!(bad, Error(Status::ProductData));
    assert_eq!(bad.to_string(), "LA_E_PRODUCT_DATA (42)");
    let missing_dir = store.path().join("missing");
    assert_eq!(
        License::builder(&pd, &pid)
            .data_directory(&missing_dir)
            .open()
            .unwrap_err()
            .status(),
        Status::FilePermission
    );

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = std::ffi::OsStr::from_bytes(b"/tmp/\xff");
        assert_eq!(
            License::builder(&pd, &pid)
                .data_directory(not_utf8)
                .open()
                .unwrap_err(),
            Error(Status::FilePermission),
            "refused, not replaced by a lossy path"
        );
    }
    assert_eq!(
        License::builder(&pd, "not-a-guid").open().unwrap_err(),
        Error(Status::ProductId)
    );

    let license = License::builder(&pd, &pid)
        .data_directory(store.path())
        .host(&SERVER.url)
        .open()
        .unwrap();
    assert_eq!(
        license.is_genuine(),
        Err(Error(Status::Fail)),
        "nothing activated"
    );
    assert_eq!(license.expiry(), Err(Error(Status::Fail)));
    assert_eq!(license.key().unwrap(), "");
    assert_eq!(
        license.activate("NOT-A-KEY-ON-THIS-SERVER"),
        Err(Error(Status::LicenseKey))
    );
    assert_eq!(
        license.activate(&format!("{key}\0")),
        Err(Error(Status::LicenseKey)),
        "a NUL (which C cannot pass) is part of the key, not an end"
    );

    license.set_activation_metadata("k1", "v1").unwrap();
    assert_eq!(license.activate(&key), Ok(Validity::Genuine));
    assert_eq!(license.is_valid(), Ok(Validity::Genuine));
    assert_eq!(license.sync(), Ok(Validity::Genuine));
    assert_eq!(license.key().unwrap(), key);
    assert_eq!(license.license_type().unwrap(), "node-locked");
    assert!(!license.activation_id().unwrap().is_empty());
    assert_eq!(license.organization_name().unwrap(), "ACME");
    assert_eq!(license.organization_address().unwrap().city, "Pune");
    assert_eq!(license.allowed_activations().unwrap(), Some(3));
    assert_eq!(license.total_activations().unwrap(), 1);
    assert_eq!(license.expiry().unwrap(), None, "no validity: no expiry");
    let created = license.created().unwrap().expect("creation date");
    assert!(created <= std::time::SystemTime::now());
    assert!(license.last_synced().unwrap().is_some());
    assert_eq!(license.activation_metadata("K1").unwrap(), "v1");
    assert_eq!(license.product_metadata("pk").unwrap(), "pv");
    assert_eq!(license.feature_entitlements().unwrap(), vec![]);
    assert_eq!(
        license.feature_entitlement("seats"),
        Err(Error(Status::FeatureEntitlementNotFound))
    );
    assert_eq!(
        license.entitlement_set_name(),
        Err(Error(Status::EntitlementSetNotLinked))
    );
    let _ = (license.user_email().unwrap(), license.user_name().unwrap());

    // Reopening replaces the product's state; a license suspended on the
    // server after activation is a result (not an error), typed.
    license.deactivate().unwrap();
    assert_eq!(license.is_valid(), Err(Error(Status::Fail)));
    let license = License::builder(&pd, &pid)
        .storage(Storage::InMemory)
        .host(&SERVER.url)
        .open()
        .unwrap();
    let (lid, key2) = SERVER.license(&pid, json!({}));
    assert_eq!(license.activate(&key2), Ok(Validity::Genuine));
    let (s, v) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"suspended": true})),
    );
    assert!(s < 300, "{s} {v}");
    assert_eq!(license.sync(), Ok(Validity::Suspended));
    assert_eq!(license.is_valid(), Ok(Validity::Suspended));
}
