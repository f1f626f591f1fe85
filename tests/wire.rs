//! What the library puts on the wire and how it maps what comes back:
//! the captured vendor body's field set, headers, and the vendor's observed
//! (HTTP status, code) -> LA status mapping, against a scripted responder.
//! Every failure must leave a clear status, in bounded time, with nothing
//! stored.

mod common;

use std::os::raw::c_char;
use std::time::{Duration, Instant};

use common::wire_server::{serve, Reply};
use common::{c, lock, read, TestProduct};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::getters::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use openlex_wire::requests::VENDOR_ACTIVATION_FIELDS;

fn init(p: &TestProduct, host: &str, dir: &std::path::Path) {
    unsafe {
        assert_eq!(SetDataDirectory(c(dir.to_str().unwrap()).as_ptr()), 0);
        assert_eq!(SetProductData(c(&p.data()).as_ptr()), 0);
        assert_eq!(SetProductId(c(&p.id).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(host).as_ptr()), 0);
        assert_eq!(SetLicenseKey(c("ABCDEF-123456-ABCDEF").as_ptr()), 0);
    }
}

fn key_after() -> String {
    let mut buf = [0 as c_char; 256];
    assert_eq!(unsafe { GetLicenseKey(buf.as_mut_ptr(), 256) }, 0);
    read(&buf)
}

#[test]
fn activation_request_matches_the_vendor_capture() {
    let _g = lock();
    let p = TestProduct::new();
    let dir = tempfile::tempdir().unwrap();
    let (url, rx) = serve(Reply::Status(
        500,
        "application/json",
        br#"{"message":"x"}"#.to_vec(),
    ));
    init(&p, &url, dir.path());
    unsafe {
        assert_eq!(SetActivationMetadata(c("k1").as_ptr(), c("v1").as_ptr()), 0);
        assert_eq!(SetAppVersion(c("1.0.0").as_ptr()), 0);
        assert_eq!(ActivateLicense(), 91);
    }
    let req = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(req.line, "POST /v3/activations HTTP/1.1");
    let h = |n: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(h("content-type").as_deref(), Some("application/json"));
    assert_eq!(h("accept").as_deref(), Some("*/*"));
    assert_eq!(
        h("authorization"),
        None,
        "client endpoints carry no Authorization"
    );
    let text = String::from_utf8(req.body.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    let mut got: Vec<&str> = keys.iter().map(|s| s.as_str()).collect();
    let mut want = VENDOR_ACTIVATION_FIELDS.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "same field set as LexActivator 3.46.0");
    // and in the vendor's order
    let mut last = 0;
    for f in VENDOR_ACTIVATION_FIELDS {
        let at = text.find(&format!("\"{f}\":")).unwrap();
        assert!(at >= last, "{f} out of order");
        last = at;
    }
    assert_eq!(v["os"], "linux");
    assert_eq!(v["floating"], false);
    assert_eq!(
        v["metadata"],
        serde_json::json!([{"key": "k1", "value": "v1"}])
    );
    assert_eq!(v["meterAttributes"], serde_json::json!([]));
    assert_eq!(v["devicePublicKey"], serde_json::Value::Null);
    assert_eq!(v["userHash"].as_str().unwrap().len(), 64);
    assert!(v["userHash"]
        .as_str()
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
    let fp = openlex_wire::Fingerprint::decode(v["fingerprint"].as_str().unwrap());
    assert!(fp.is_some(), "component fingerprint, base64 JSON");
}

#[test]
fn vendor_observed_status_mapping() {
    let _g = lock();
    let cases: Vec<(Reply, i32)> = vec![
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"ACTIVATION_LIMIT_REACHED","message":"x"}"#.to_vec(),
            ),
            58,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"INVALID_LICENSE_KEY","message":"x"}"#.to_vec(),
            ),
            54,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"REVOKED_LICENSE","message":"x"}"#.to_vec(),
            ),
            53,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"VM_ACTIVATION_NOT_ALLOWED","message":"x"}"#.to_vec(),
            ),
            80,
        ),
        (
            Reply::Status(
                409,
                "application/json",
                br#"{"code":"CONTAINER_ACTIVATION_NOT_ALLOWED","message":"x"}"#.to_vec(),
            ),
            83,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"LICENSE_NOT_FOUND","message":"x"}"#.to_vec(),
            ),
            92,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"code":"FOO_BAR","message":"x"}"#.to_vec(),
            ),
            92,
        ),
        (
            Reply::Status(
                400,
                "application/json",
                br#"{"message":"x","code":null}"#.to_vec(),
            ),
            92,
        ),
        (Reply::Status(429, "application/json", b"{}".to_vec()), 90),
        (
            Reply::Status(500, "text/html", b"<html>oops</html>".to_vec()),
            91,
        ),
        (Reply::Status(503, "text/plain", Vec::new()), 91),
        (Reply::Status(200, "text/html", b"not json".to_vec()), 1),
        (
            Reply::Status(
                201,
                "application/json",
                br#"{"activationToken":"a.b.c"}"#.to_vec(),
            ),
            1,
        ),
        (
            Reply::Status(
                200,
                "application/json",
                br#"{"activationToken":""}"#.to_vec(),
            ),
            1,
        ),
        (
            Reply::Status(200, "application/json", br#"[1,2,3]"#.to_vec()),
            1,
        ),
        (
            Reply::Status(200, "application/json", vec![b'x'; 2 * 1024 * 1024]),
            48,
        ),
        (
            Reply::Truncated(5000, br#"{"activationToken":"#.to_vec()),
            48,
        ),
        (Reply::Drop, 48),
    ];
    for (reply, want) in cases {
        let p = TestProduct::new();
        let dir = tempfile::tempdir().unwrap();
        let (url, _rx) = serve(reply.clone());
        init(&p, &url, dir.path());
        let t = Instant::now();
        assert_eq!(ActivateLicense(), want, "{reply:?}");
        assert!(t.elapsed() < Duration::from_secs(16), "bounded time");
        assert_eq!(
            key_after(),
            "",
            "a failed activation clears the key ({reply:?})"
        );
        let mut e = 0u32;
        unsafe { assert_eq!(GetLastActivationError(&mut e), 0) };
        assert_eq!(e as i32, want);
        assert_eq!(IsLicenseGenuine(), 1, "nothing stored");
        // The store directory appears with the first record written, if any.
        if let Ok(mut entries) = std::fs::read_dir(dir.path().join(&p.id)) {
            assert!(entries.all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("activation")));
        }
        assert_eq!(Reset(), 0);
    }
}

#[test]
fn connection_refused_is_a_quick_network_error() {
    let _g = lock();
    let p = TestProduct::new();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    init(&p, &format!("http://127.0.0.1:{port}"), dir.path());
    let t = Instant::now();
    assert_eq!(ActivateLicense(), 48);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn tokens_signed_with_another_key_or_for_another_product_are_rejected() {
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let _g = lock();
    let other = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let sign = |key: &rsa::RsaPrivateKey, claims: serde_json::Value| {
        let si = openlex_wire::jwt::signing_input(&serde_json::to_vec(&claims).unwrap());
        let sig = SigningKey::<sha2::Sha256>::new(key.clone()).sign(si.as_bytes());
        openlex_wire::jwt::assemble(&si, &sig.to_bytes())
    };
    let p = TestProduct::new();
    let base = |pid: &str, key: &str| serde_json::json!({"aid": "a1", "pid": pid, "key": key, "fp": "x", "iat": 1, "fms": "exact"});
    let cases = vec![
        (sign(&other, base(&p.id, "ABCDEF-123456-ABCDEF")), 1),
        (
            sign(
                &common::KEY,
                base(
                    "00000000-0000-0000-0000-000000000001",
                    "ABCDEF-123456-ABCDEF",
                ),
            ),
            1,
        ),
        (sign(&common::KEY, base(&p.id, "ANOTHER-KEY-123")), 1),
        (sign(&common::KEY, base(&p.id, "ABCDEF-123456-ABCDEF")), 63),
    ];
    for (token, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let body = serde_json::to_vec(&serde_json::json!({"activationToken": token})).unwrap();
        let (url, _rx) = serve(Reply::Status(200, "application/json", body));
        init(&p, &url, dir.path());
        assert_eq!(ActivateLicense(), want);
        assert_eq!(IsLicenseGenuine(), 1);
        assert_eq!(Reset(), 0);
    }
}
