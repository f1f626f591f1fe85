//! Operations in process, on a real SQLite store and a frozen clock that the
//! test moves: time-dependent rules need no sleeping and no server process.

use std::sync::Arc;

use openlex_wire::claims::ActivationClaims;
use openlex_wire::fingerprint::{hash_component, Fingerprint};
use openlex_wire::requests::ActivationRequest;
use openlex_wire::ErrorCode;

use super::*;
use crate::app::App;
use crate::clock::TestClock;
use crate::resources::licenses::{self, LicenseCreate, LicenseFields, LicenseType};
use crate::resources::products::{self, ProductCreate, ProductFields};
use crate::store::sqlite::{Durability, SqliteStore};

const T0: i64 = 1_700_000_000;

fn fingerprint(device: &str) -> String {
    let mut f = Fingerprint::default();
    for (i, name) in ["base", "lc", "pn"].iter().enumerate() {
        f.hashes[i] = hash_component("p", name, format!("{device}{name}").as_bytes());
    }
    f.encode()
}

fn request(product_id: &str, key: &str, device: &str) -> ActivationRequest {
    ActivationRequest {
        key: key.into(),
        os: "linux".into(),
        fingerprint: fingerprint(device),
        hostname: device.into(),
        user_hash: "U".into(),
        product_id: product_id.into(),
        ..Default::default()
    }
}

fn claims(token: &str) -> ActivationClaims {
    let parts = openlex_wire::jwt::split(token).unwrap();
    serde_json::from_slice(&parts.payload).unwrap()
}

#[test]
fn leases_lapse_when_the_injected_clock_moves() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db"), Durability::Normal).unwrap();
    let clock = Arc::new(TestClock::frozen(T0));
    let app = App::new(Arc::new(store), clock.clone(), String::new());
    let pem = include_str!("../../../tests/fixtures/test-key-1.pem");
    let p = products::create(
        &app,
        ProductCreate {
            fields: ProductFields {
                name: Some("p".into()),
                ..Default::default()
            },
            private_key: Some(pem.into()),
        },
    )
    .unwrap();
    let pid = p.product.id.clone();
    let l = licenses::create(
        &app,
        LicenseCreate {
            product_id: pid.clone(),
            license_policy_id: None,
            fields: LicenseFields {
                r#type: Some(LicenseType::HostedFloating),
                allowed_activations: Some(1),
                lease_duration: Some(60),
                ..Default::default()
            },
        },
    )
    .unwrap();
    let key = l.license.key.clone();

    let a = claims(&activate(&app, &request(&pid, &key, "a"), None).unwrap());
    assert_eq!((a.iat, a.leat), (T0, T0 + 60), "times come from the clock");
    let e = activate(&app, &request(&pid, &key, "b"), None).unwrap_err();
    assert_eq!(e.code, ErrorCode::ActivationLimitReached);

    clock.advance(59);
    let e = activate(&app, &request(&pid, &key, "b"), None).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::ActivationLimitReached,
        "lease still live"
    );

    clock.advance(1);
    let b = claims(&activate(&app, &request(&pid, &key, "b"), None).unwrap());
    assert_eq!(b.iat, T0 + 60);
    let e = sync(&app, &a.aid, &request(&pid, &key, "a")).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::ActivationNotFound,
        "a's lapsed lease is gone"
    );
    assert_eq!(
        licenses::get_one(&app, &l.license.id)
            .unwrap()
            .total_activations,
        1
    );
}
