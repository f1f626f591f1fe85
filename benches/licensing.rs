//! In-process benchmarks of the hot licensing paths (issue 7), through the
//! exported C functions (`openlex_client::ffi::*`), as an application calls them.
//!
//!     cargo bench --bench licensing
//!
//! The activated case stores a token signed with a throw-away RSA test key
//! under product data built from that key (no server needed). The
//! side-by-side comparison with the vendor library is bench/compare.py.

use std::ffi::CString;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use sha2::Sha256;

use openlex_client::core::{activation, state};
use openlex_client::ffi::activation::IsLicenseGenuine;
use openlex_client::ffi::setup::{Reset, SetProductData, SetProductId};
use openlex_client::ffi::trial::{ActivateLocalTrial, IsLocalTrialGenuine};

const LA_USER: u32 = 1;

struct Product {
    key: RsaPrivateKey,
    id: String,
    data: CString,
    cid: CString,
}

fn product() -> Product {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("keygen");
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).expect("random");
    let h = hex::encode(b);
    let id = format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    );
    let spki = key.to_public_key().to_public_key_der().expect("der");
    let data = openlex_wire::ProductData::new(&id, spki.as_bytes(), "", "").encode();
    Product {
        key,
        data: CString::new(data).unwrap(),
        cid: CString::new(id.clone()).unwrap(),
        id,
    }
}

fn init(p: &Product) {
    assert_eq!(Reset(), 0);
    set_product(p);
}

/// SetProductData + SetProductId (what an application does at start-up).
fn set_product(p: &Product) {
    unsafe {
        assert_eq!(SetProductData(p.data.as_ptr()), 0);
        assert_eq!(SetProductId(p.cid.as_ptr(), LA_USER), 0);
    }
}

fn sign(key: &RsaPrivateKey, claims: &serde_json::Value) -> String {
    let si = openlex_wire::jwt::signing_input(&serde_json::to_vec(claims).expect("json"));
    let sig = SigningKey::<Sha256>::new(key.clone()).sign(si.as_bytes());
    openlex_wire::jwt::assemble(&si, &sig.to_bytes())
}

/// Stores a verified activation for `p` bound to this device.
fn activate(p: &Product) {
    let mut st = state::lock();
    let fp = st.fingerprint().expect("product id set");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let key = "BENCH-0000-0000-0000";
    let claims = serde_json::json!({
        "aid": "bench-activation", "lid": "bench-license", "pid": p.id, "key": key,
        "fp": fp, "fms": "fuzzy", "iat": now, "eat": 0, "ssi": 0, "ssgpeat": 0,
        "aco": -1, "leat": 0, "type": "node-locked"
    });
    let token = sign(&p.key, &claims);
    let parsed = serde_json::from_value(claims).expect("claims");
    activation::store_activation(&mut st, key, &token, parsed).expect("store");
}

fn benches(c: &mut Criterion) {
    // Keep the stores (and the local-trial copy) out of the real home.
    let home = tempfile::tempdir().expect("tempdir");
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path().join(".local/share"));

    c.bench_function("fingerprint collection (openlex_device::collect)", |b| {
        b.iter(|| black_box(openlex_device::collect()))
    });
    c.bench_function("fingerprint for a product (cached device info)", |b| {
        let info = openlex_device::device_info();
        b.iter(|| {
            black_box(openlex_device::fingerprint(
                "0b4c8e2a-1f39-4c5e-9a57-8d1b2c3d4e5f",
                info,
            ))
        })
    });

    let p = product();
    init(&p);
    c.bench_function("SetProductData + SetProductId (device info warm)", |b| {
        b.iter(|| set_product(&p))
    });

    assert_eq!(Reset(), 0);
    c.bench_function("IsLicenseGenuine, before product data", |b| {
        b.iter(|| black_box(IsLicenseGenuine()))
    });

    init(&p);
    assert_eq!(IsLicenseGenuine(), 1, "nothing activated -> LA_FAIL");
    c.bench_function("IsLicenseGenuine, nothing activated", |b| {
        b.iter(|| black_box(IsLicenseGenuine()))
    });

    activate(&p);
    assert_eq!(IsLicenseGenuine(), 0, "activated -> LA_OK");
    c.bench_function("IsLicenseGenuine, activated", |b| {
        b.iter(|| black_box(IsLicenseGenuine()))
    });

    let t = product();
    init(&t);
    assert_eq!(ActivateLocalTrial(30), 0);
    assert_eq!(IsLocalTrialGenuine(), 0);
    c.bench_function("IsLocalTrialGenuine, trial active", |b| {
        b.iter(|| black_box(IsLocalTrialGenuine()))
    });

    assert_eq!(Reset(), 0);
    if let Some(p) = openlex_client::store::location::local_trial_copy(
        &t.id,
        openlex_device::device_info().home_dir.as_deref(),
    ) {
        let _ = std::fs::remove_file(p);
    }
    drop(home);
}

criterion_group!(licensing, benches);
criterion_main!(licensing);
