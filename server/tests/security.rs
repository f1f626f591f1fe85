//! The server's security model (docs/SERVER.md §Security), end to end against
//! the real binary: token scopes, one password-attempt counter for every
//! password check, lockout per (account, source address), no user enumeration
//! by timing, bounded password hashing, and activation-id capabilities.

mod common;

use std::time::Instant;

use common::*;
use serde_json::{json, Value};

const PAT: &str = "/v3/personal-access-tokens";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn mint(s: &Server, bearer: &str, body: Value) -> Resp {
    s.raw("POST", PAT, Some(&body.to_string()), Some(bearer))
}

fn token(s: &Server, scopes: &[&str]) -> String {
    let r = mint(s, &s.admin, json!({"name": "t", "scopes": scopes}));
    assert_eq!(r.status, 201, "{}", r.text);
    r.s("token")
}

#[test]
fn a_token_mints_only_subsets_of_its_scopes_and_never_expired_ones() {
    let s = Server::start();
    let tw = token(&s, &["token:write"]);
    for scopes in [
        json!(["*"]),
        json!(["user:read"]),
        json!(["token:write", "product:write"]),
    ] {
        let r = mint(&s, &tw, json!({"name": "x", "scopes": scopes}));
        assert_eq!(
            (r.status, r.code()),
            (403, "FORBIDDEN"),
            "{scopes}: {}",
            r.text
        );
    }
    let r = mint(&s, &tw, json!({"name": "x", "scopes": ["token:write"]}));
    assert_eq!(r.status, 201, "{}", r.text);
    // module wildcards grant their module, not others
    let lic = token(&s, &["license:*", "token:write"]);
    for (scopes, status) in [
        (json!(["license:read"]), 201),
        (json!(["license:*"]), 201),
        (json!(["product:read"]), 403),
        (json!(["*"]), 403),
    ] {
        let r = mint(&s, &lic, json!({"name": "x", "scopes": scopes}));
        assert_eq!(r.status, status, "{scopes}: {}", r.text);
    }
    // the escalation of the report is closed: nothing minted reads users
    let r = s.raw("GET", "/v3/users", None, Some(&tw));
    assert_eq!(r.status, 403);
    // expired tokens are not created, by the API or the CLI
    let r = mint(
        &s,
        &s.admin,
        json!({"name": "x", "scopes": ["license:read"], "expiresAt": now() - 10}),
    );
    assert_eq!(
        (r.status, r.code()),
        (400, "VALIDATION_FAILED"),
        "{}",
        r.text
    );
    let (ok, _, err) = s.cli(&[
        "token",
        "create",
        "--scope",
        "license:read",
        "--expires-at",
        "1000",
    ]);
    assert!(!ok && err.contains("VALIDATION_FAILED"), "{err}");
    let r = mint(
        &s,
        &s.admin,
        json!({"name": "x", "scopes": ["license:read"], "expiresAt": now() + 3600}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
}

/// A product, a user `email` / "correct horse", a license that requires
/// authentication, and an activation body for it (wrong password).
fn authenticated_license(s: &Server, email: &str) -> (String, Value) {
    let p = s.product(1, json!({}));
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": email, "password": "correct horse"})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    let l = s.license(
        p["id"].as_str().unwrap(),
        json!({"requireAuthentication": true, "userId": u.s("id"), "allowedActivations": 5}),
    );
    let mut b = activation_body(
        p["id"].as_str().unwrap(),
        l["key"].as_str().unwrap(),
        &fingerprint("dev", 0),
    );
    b["email"] = json!(email);
    b["password"] = json!("wrong horse");
    (u.s("id"), b)
}

fn login_from(s: &Server, email: &str, password: &str, from: Option<&str>) -> Resp {
    let body = json!({"email": email, "password": password}).to_string();
    let headers: Vec<(&str, &str)> = from.map(|a| ("X-Forwarded-For", a)).into_iter().collect();
    s.raw_with("POST", "/v3/accounts/login", Some(&body), None, &headers)
}

fn activate_from(s: &Server, body: &Value, from: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = from.map(|a| ("X-Forwarded-For", a)).into_iter().collect();
    s.raw_with(
        "POST",
        "/v3/activations",
        Some(&body.to_string()),
        None,
        &headers,
    )
}

#[test]
fn wrong_passwords_on_activation_count_toward_the_lockout() {
    let s = Server::start();
    let (_, mut b) = authenticated_license(&s, "ann@example.com");
    for _ in 0..4 {
        assert_eq!(s.activate(&b).code(), "AUTHENTICATION_FAILED");
    }
    assert_eq!(s.activate(&b).code(), "LOGIN_TEMPORARILY_LOCKED");
    b["password"] = json!("correct horse");
    assert_eq!(s.activate(&b).code(), "LOGIN_TEMPORARILY_LOCKED");
    let r = login_from(&s, "ann@example.com", "correct horse", None);
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");

    // one counter: wrong logins and wrong activations add up
    let s = Server::start();
    let (_, b) = authenticated_license(&s, "bob@example.com");
    for _ in 0..2 {
        let r = login_from(&s, "bob@example.com", "wrong horse", None);
        assert_eq!(r.code(), "AUTHENTICATION_FAILED");
    }
    for _ in 0..2 {
        assert_eq!(s.activate(&b).code(), "AUTHENTICATION_FAILED");
    }
    let r = login_from(&s, "bob@example.com", "wrong horse", None);
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");
}

#[test]
fn lockout_is_per_account_and_source_address() {
    let s = Server::start_with(
        &["--rate-limit", "off", "--trusted-proxy", "127.0.0.1/32"],
        &[],
    );
    let (uid, mut b) = authenticated_license(&s, "ann@example.com");
    let attacker = Some("203.0.113.9");
    for _ in 0..4 {
        assert_eq!(
            activate_from(&s, &b, attacker).code(),
            "AUTHENTICATION_FAILED"
        );
    }
    let r = login_from(&s, "ann@example.com", "wrong horse", attacker);
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");
    let r = login_from(&s, "ann@example.com", "correct horse", attacker);
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");
    // the owner, elsewhere, is not denied
    let owner = Some("198.51.100.7, 203.0.113.9");
    let r = login_from(&s, "ann@example.com", "correct horse", Some("198.51.100.7"));
    assert_eq!(r.status, 200, "{}", r.text);
    b["password"] = json!("correct horse");
    let r = activate_from(&s, &b, Some("198.51.100.7"));
    assert_eq!(r.status, 200, "{}", r.text);
    // the address is the last hop the trusted proxy saw, not one the client wrote first
    let r = login_from(&s, "ann@example.com", "correct horse", owner);
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED", "{}", r.text);
    // an administrator clears the lock
    let r = s.admin(
        "PATCH",
        &format!("/v3/users/{uid}"),
        Some(&json!({"unlock": true})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = login_from(&s, "ann@example.com", "correct horse", attacker);
    assert_eq!(r.status, 200, "{}", r.text);

    // without --trusted-proxy, X-Forwarded-For is the client's word and is ignored
    let s = Server::start();
    authenticated_license(&s, "ann@example.com");
    for i in 0..5 {
        let from = format!("203.0.113.{i}");
        login_from(&s, "ann@example.com", "wrong horse", Some(&from));
    }
    let r = login_from(&s, "ann@example.com", "correct horse", Some("198.51.100.7"));
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
fn unknown_and_known_emails_answer_alike() {
    let s = Server::start_with(
        &["--rate-limit", "off", "--trusted-proxy", "127.0.0.1/32"],
        &[],
    );
    authenticated_license(&s, "ann@example.com");
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // interleaved, alternating order, each from its own address (never locked)
    for round in 0..41 {
        let mut pair = [("ann@example.com", true), ("nobody@example.com", false)];
        if round % 2 == 1 {
            pair.reverse();
        }
        for (email, is_known) in pair {
            let from = format!("10.1.{round}.{}", is_known as u8);
            let t = Instant::now();
            let r = login_from(&s, email, "wrong horse", Some(&from));
            let ms = t.elapsed().as_secs_f64() * 1e3;
            assert_eq!(r.code(), "AUTHENTICATION_FAILED", "{}", r.text);
            if is_known {
                known.push(ms)
            } else {
                unknown.push(ms)
            }
        }
    }
    let (k, u) = (median(known), median(unknown));
    let ratio = k.max(u) / k.min(u);
    assert!(
        ratio <= 1.2,
        "known {k:.2} ms vs unknown {u:.2} ms (ratio {ratio:.2})"
    );
    // an unknown e-mail locks like a known one
    for _ in 0..4 {
        let r = login_from(&s, "nobody@example.com", "wrong horse", Some("10.9.9.9"));
        assert_eq!(r.code(), "AUTHENTICATION_FAILED");
    }
    let r = login_from(&s, "nobody@example.com", "wrong horse", Some("10.9.9.9"));
    assert_eq!(r.code(), "LOGIN_TEMPORARILY_LOCKED");
}

#[test]
fn password_hashing_is_bounded_and_activations_go_on() {
    let s = Server::start_with(
        &[
            "--rate-limit",
            "off",
            "--trusted-proxy",
            "127.0.0.1/32",
            "--password-threads",
            "1",
        ],
        &[],
    );
    authenticated_license(&s, "ann@example.com");
    let p = s.product(2, json!({}));
    let pid = p["id"].as_str().unwrap().to_string();
    let l = s.license(&pid, json!({"allowedActivations": 0}));
    let key = l["key"].as_str().unwrap().to_string();
    let (busy, activated) = std::thread::scope(|sc| {
        let flood: Vec<_> = (0..12)
            .map(|t| {
                let s = &s;
                sc.spawn(move || {
                    let mut busy = 0;
                    for i in 0..15 {
                        let from = format!("10.2.{t}.{i}");
                        let r = login_from(s, "ann@example.com", "wrong horse", Some(&from));
                        match r.code() {
                            "TOO_MANY_REQUESTS" => busy += 1,
                            "AUTHENTICATION_FAILED" => {}
                            c => panic!("unexpected {c}: {}", r.text),
                        }
                    }
                    busy
                })
            })
            .collect();
        let mut activated = 0;
        for i in 0..10 {
            let r = s.activate(&activation_body(
                &pid,
                &key,
                &fingerprint(&format!("d{i}"), 0),
            ));
            assert_eq!(r.status, 200, "{}", r.text);
            activated += 1;
        }
        let busy: usize = flood.into_iter().map(|h| h.join().unwrap()).sum();
        (busy, activated)
    });
    assert_eq!(activated, 10);
    // one hashing thread and a short queue: the rest of the flood is turned away, not queued
    assert!(busy > 0, "no password check was refused");
}

/// Activates a device on a product with `product_extra`; returns (server
/// product id, activation id, fingerprint).
fn activated(s: &Server, n: usize, product_extra: Value) -> (String, String, String) {
    let p = s.product(n, product_extra);
    let pid = p["id"].as_str().unwrap().to_string();
    let l = s.license(
        &pid,
        json!({"allowedDeactivations": 1, "meterAttributes": [{"name": "Exports", "allowedUses": 10}]}),
    );
    let fp = fingerprint("owner", 0);
    let r = s.activate(&activation_body(&pid, l["key"].as_str().unwrap(), &fp));
    assert_eq!(r.status, 200, "{}", r.text);
    let aid = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap()).aid;
    (pid, aid, fp)
}

#[test]
fn activation_id_is_a_bearer_capability_unless_the_product_requires_the_fingerprint() {
    let s = Server::start();
    let meter = |pid: &str, aid: &str, fp: &str| {
        s.req(
            "POST",
            "/v3/activations/meter-attributes/Exports",
            Some(
                &json!({"increment": 1, "activationId": aid, "productId": pid, "fingerprint": fp}),
            ),
        )
    };
    let entitlements = |aid: &str, fp: &str| {
        let q = if fp.is_empty() {
            String::new()
        } else {
            format!("?fingerprint={}", urlencode(fp))
        };
        s.req(
            "GET",
            &format!("/v3/activations/{aid}/feature-entitlements{q}"),
            None,
        )
    };

    // vendor-compatible default: the id alone is enough
    let (pid, aid, fp) = activated(&s, 1, json!({}));
    assert_eq!(meter(&pid, &aid, "").status, 200);
    assert_eq!(entitlements(&aid, "").status, 200);
    // an outsider's legacy DELETE frees the seat and spends the one deactivation
    assert_eq!(
        s.req("DELETE", &format!("/v3/activations/{aid}"), None)
            .status,
        204
    );
    let r = s.activate(&activation_body(&pid, &key_of(&s, &pid), &fp));
    assert_eq!(r.status, 200, "{}", r.text);
    let aid = claims(&r.s("activationToken"), &public_key(&s, &pid)).aid;
    let r = s.req(
        "POST",
        &format!("/v3/activations/{aid}/deactivate"),
        Some(&deactivation_body(&pid, &fp)),
    );
    assert_eq!(r.code(), "DEACTIVATION_LIMIT_REACHED", "{}", r.text);

    // hardened: the fingerprint is required on every activation-id call
    let (pid, aid, fp) = activated(&s, 2, json!({"activationIdRequiresFingerprint": true}));
    let r = meter(&pid, &aid, "");
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"), "{}", r.text);
    let r = entitlements(&aid, "");
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"), "{}", r.text);
    let r = s.req("DELETE", &format!("/v3/activations/{aid}"), None);
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"), "{}", r.text);
    let other = fingerprint("outsider", 0);
    assert_ne!(meter(&pid, &aid, &other).status, 200);
    assert_ne!(entitlements(&aid, &other).status, 200);
    // the owner, who sends the fingerprint, is unaffected
    assert_eq!(meter(&pid, &aid, &fp).status, 200);
    assert_eq!(entitlements(&aid, &fp).status, 200);
    let r = s.req(
        "POST",
        &format!("/v3/activations/{aid}/deactivate"),
        Some(&deactivation_body(&pid, &fp)),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

fn key_of(s: &Server, pid: &str) -> String {
    let r = s.admin("GET", &format!("/v3/licenses?productId={pid}"), None);
    r.body[0]["key"].as_str().unwrap().to_string()
}

fn public_key(s: &Server, pid: &str) -> String {
    let r = s.admin("GET", &format!("/v3/products/{pid}"), None);
    r.s("publicKey")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn an_administrator_changes_a_password() {
    let s = Server::start();
    let (uid, _) = authenticated_license(&s, "ann@example.com");
    let r = s.admin(
        "PATCH",
        &format!("/v3/users/{uid}"),
        Some(&json!({"password": "short"})),
    );
    assert_eq!(r.code(), "VALIDATION_FAILED");
    let r = s.admin(
        "PATCH",
        &format!("/v3/users/{uid}"),
        Some(&json!({"password": "new horse battery"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        login_from(&s, "ann@example.com", "correct horse", None).code(),
        "AUTHENTICATION_FAILED"
    );
    assert_eq!(
        login_from(&s, "ann@example.com", "new horse battery", None).status,
        200
    );
}
