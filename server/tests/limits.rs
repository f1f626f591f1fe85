//! Rate limiting, body size limits and concurrent activation limits.

mod common;

use common::*;
use serde_json::json;

#[test]
fn rate_limit_429_with_headers() {
    let s = Server::start_with(&["--rate-limit", "5/60"], &[]);
    for i in 0..5 {
        let r = s.req("GET", "/v3/status", None);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-rate-limit-limit"), Some("5"));
        assert_eq!(
            r.header("x-rate-limit-remaining"),
            Some((4 - i).to_string().as_str())
        );
        assert!(r.header("x-rate-limit-reset").is_some());
    }
    let r = s.req("GET", "/v3/status", None);
    assert_eq!((r.status, r.code()), (429, "TOO_MANY_REQUESTS"));
    assert_eq!(r.header("x-rate-limit-remaining"), Some("0"));
}

#[test]
fn payload_too_large_413() {
    let s = Server::start();
    let big = format!("{{\"key\":\"{}\"}}", "A".repeat(70 * 1024));
    let r = s.raw("POST", "/v3/activations", Some(&big), None);
    assert_eq!((r.status, r.code()), (413, "PAYLOAD_TOO_LARGE"));
    // just under the limit but invalid is a validation error, not 413/500
    let ok = format!("{{\"key\":\"{}\"}}", "A".repeat(60 * 1024));
    let r = s.raw("POST", "/v3/activations", Some(&ok), None);
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
}

#[test]
fn concurrent_activations_never_exceed_the_limit() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap().to_string();
    let l = s.license(&pid, json!({"allowedActivations": 5}));
    let key = l["key"].as_str().unwrap().to_string();
    let results: Vec<(u16, String)> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..24)
            .map(|i| {
                let (s, pid, key) = (&s, pid.clone(), key.clone());
                sc.spawn(move || {
                    let r = s.activate(&activation_body(
                        &pid,
                        &key,
                        &fingerprint(&format!("dev{i}"), 0),
                    ));
                    (r.status, r.code().to_string())
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|r| r.0 == 200).count();
    assert_eq!(ok, 5, "{results:?}");
    assert!(results
        .iter()
        .filter(|r| r.0 != 200)
        .all(|r| r.1 == "ACTIVATION_LIMIT_REACHED"));
    let r = s.admin(
        "GET",
        &format!("/v3/activations?licenseId={}", l["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(r.body.as_array().unwrap().len(), 5);
}

#[test]
fn server_test_clock_moves_token_times() {
    let s = Server::start_with_test_clock();
    s.advance_clock(100_000);
    let p = s.product(1, json!({}));
    let l = s.license(p["id"].as_str().unwrap(), json!({}));
    let r = s.activate(&activation_body(
        p["id"].as_str().unwrap(),
        l["key"].as_str().unwrap(),
        &fingerprint("d", 0),
    ));
    let c = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((c.iat - now - 100_000).abs() < 5, "iat {} now {now}", c.iat);
}

#[test]
fn extreme_numbers_are_not_server_errors() {
    let s = Server::start();
    let p = s.product(1, json!({"trialLength": i64::MAX}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(
        pid,
        json!({"type": "hosted-floating", "allowClientLeaseDuration": true, "leaseDuration": 10,
        "validity": i64::MAX, "expirationStrategy": "rolling", "serverSyncGracePeriod": i64::MAX,
        "meterAttributes": [{"name": "m", "allowedUses": -1}]}),
    );
    let mut b = activation_body(pid, l["key"].as_str().unwrap(), &fingerprint("d", 0));
    b["leaseDuration"] = json!(i64::MAX);
    let r = s.activate(&b);
    assert_eq!(r.status, 200, "{}", r.text);
    let c = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
    for inc in [i64::MAX, i64::MAX, i64::MIN] {
        let r = s.req(
            "POST",
            "/v3/activations/meter-attributes/m",
            Some(&json!({"increment": inc, "activationId": c.aid})),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid, &fingerprint("d", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let r = s.raw(
        "POST",
        "/v3/activations",
        Some(r#"{"leaseDuration": 1e400}"#),
        None,
    );
    assert_eq!(r.status, 400);
}

#[test]
fn test_clock_endpoint_needs_the_flag_and_a_star_token() {
    let s = Server::start();
    let body = json!({ "advanceSeconds": 60 });
    let r = s.admin("POST", "/v3/test/clock", Some(&body));
    assert_eq!((r.status, r.code()), (404, "NOT_FOUND"));
    let s = Server::start_with_test_clock();
    let r = s.req("POST", "/v3/test/clock", Some(&body));
    assert_eq!((r.status, r.code()), (401, "UNAUTHORIZED"));
    let (ok, out, err) = s.cli(&["token", "create", "--scope", "license:*"]);
    assert!(ok, "{err}");
    let narrow = out.trim().to_string();
    let r = s.raw(
        "POST",
        "/v3/test/clock",
        Some(&body.to_string()),
        Some(&narrow),
    );
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"));
    let before = s.advance_clock(0);
    let after = s.advance_clock(60);
    assert!((after - before - 60).abs() <= 1, "{before} -> {after}");
    // rate-limit windows and token times follow the moved clock
    let p = s.product(1, json!({}));
    let l = s.license(p["id"].as_str().unwrap(), json!({"validity": 100}));
    assert!((date(&l["expiresAt"]) - after - 100).abs() <= 1);
}

#[test]
fn insecure_test_clock_is_refused_off_loopback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    assert!(cli(&dir, &["init"]).0);
    let (ok, _, err) = cli(
        &dir,
        &["serve", "--listen", "0.0.0.0:0", "--insecure-test-clock"],
    );
    assert!(!ok);
    assert!(err.contains("loopback"), "{err}");
}
