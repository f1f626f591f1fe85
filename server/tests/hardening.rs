//! Hostile input to every parameter: SQL-injection and path-traversal strings
//! in path segments, query parameters and JSON fields of the client and admin
//! APIs, with and without the admin token. The server must answer each with a
//! clean 4xx (or an empty 2xx list), never a 5xx, never leak data across
//! products, and keep working afterwards. Also: admin routes without, with
//! a malformed, or with a wrong token are 401 on every route.

mod common;

use common::*;
use serde_json::{json, Value};

const EVIL: &[&str] = &[
    "' OR '1'='1",
    "1; DROP TABLE licenses; --",
    "\" OR \"\"=\"",
    "') UNION SELECT key, id, NULL FROM licenses --",
    "%27%20OR%201=1--",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "/etc/shadow",
    "%00",
    "\u{0}",
    "*",
    "%",
    "_",
    "\u{202e}gnp.exe",
];

/// Percent-encodes everything but unreserved characters.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn ok_status(r: &Resp, what: &str) {
    assert!(
        r.status < 500,
        "{what}: server error {} {}",
        r.status,
        r.text
    );
}

#[test]
fn injection_and_traversal_strings_in_every_parameter() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap().to_string();
    let l = s.license(&pid, json!({"allowedActivations": 2}));
    let key = l["key"].as_str().unwrap().to_string();
    let fp = fingerprint("dev", 0);
    let ok = s.activate(&activation_body(&pid, &key, &fp));
    assert_eq!(ok.status, 200, "{}", ok.text);
    let (licenses_before, activations_before) = (
        s.admin("GET", "/v3/licenses", None)
            .body
            .as_array()
            .unwrap()
            .len(),
        s.admin("GET", "/v3/activations", None)
            .body
            .as_array()
            .unwrap()
            .len(),
    );
    let mut tried = 0;
    for evil in EVIL {
        let e = enc(evil);
        // Path segments, client and admin routes.
        for (m, path) in [
            ("GET", format!("/v3/products/{e}")),
            ("GET", format!("/v3/licenses/{e}")),
            ("DELETE", format!("/v3/licenses/{e}")),
            ("GET", format!("/v3/activations/{e}")),
            ("PATCH", format!("/v3/activations/{e}")),
            ("DELETE", format!("/v3/activations/{e}")),
            ("POST", format!("/v3/activations/{e}/deactivate")),
            ("GET", format!("/v3/activations/{e}/feature-entitlements")),
            ("POST", format!("/v3/activations/meter-attributes/{e}")),
            ("PATCH", format!("/v3/trial-activations/{e}")),
            ("GET", format!("/v3/releases/{e}")),
            ("GET", format!("/v3/users/{e}")),
            ("GET", format!("/v3/entitlement-sets/{e}")),
            ("DELETE", format!("/v3/personal-access-tokens/{e}")),
            ("GET", format!("/v3/{e}")),
            ("GET", format!("/{e}")),
        ] {
            let body = activation_body(&pid, &key, &fp).to_string();
            for bearer in [None, Some(s.admin.as_str())] {
                let r = s.raw(
                    m,
                    &path,
                    (m != "GET" && m != "DELETE").then_some(body.as_str()),
                    bearer,
                );
                ok_status(&r, &format!("{m} {path}"));
                assert!(!r.text.contains("root:"), "{path}: file contents leaked");
                tried += 1;
            }
        }
        // Query parameters of every list and lookup route.
        for q in [
            "productId",
            "licenseId",
            "key",
            "userId",
            "email",
            "search",
            "page",
            "limit",
            "sort",
            "platform",
            "channel",
            "version",
            "fingerprint",
        ] {
            for route in [
                "/v3/licenses",
                "/v3/activations",
                "/v3/trial-activations",
                "/v3/products",
                "/v3/users",
                "/v3/releases",
                "/v3/licenses/lookup",
                "/v3/releases/latest",
                "/v3/releases/update",
            ] {
                let r = s.raw("GET", &format!("{route}?{q}={e}"), None, Some(&s.admin));
                ok_status(&r, &format!("{route}?{q}={evil}"));
                if r.status == 200 {
                    if let Some(a) = r.body.as_array() {
                        // An injected filter never widens the result.
                        let all = s.raw("GET", route, None, Some(&s.admin));
                        if let Some(all) = all.body.as_array() {
                            assert!(a.len() <= all.len(), "{route}?{q}={evil}");
                        }
                    }
                }
                tried += 1;
            }
        }
        // JSON fields of the client bodies.
        for field in [
            "key",
            "productId",
            "fingerprint",
            "hostname",
            "os",
            "osVersion",
            "appVersion",
            "userHash",
            "vmName",
            "email",
            "releaseVersion",
        ] {
            let mut b = activation_body(&pid, &key, &fp);
            b[field] = Value::String(evil.to_string());
            let r = s.activate(&b);
            ok_status(&r, &format!("activation {field}={evil}"));
            if field == "key" || field == "productId" {
                assert_ne!(r.status, 200, "activation with {field}={evil}");
            }
            let r = s.req(
                "POST",
                "/v3/trial-activations",
                Some(&{
                    let mut t = trial_body(&pid, &fp);
                    t[field] = Value::String(evil.to_string());
                    t
                }),
            );
            ok_status(&r, &format!("trial {field}={evil}"));
            let r = s.req(
                "POST",
                "/v3/accounts/login",
                Some(&json!({"email": evil, "password": evil, "productId": pid})),
            );
            ok_status(&r, "login");
            assert_ne!(r.status, 200, "login with {evil}");
            tried += 3;
        }
        // Admin JSON fields.
        let r = s.admin("POST", "/v3/licenses", Some(&json!({"productId": evil})));
        ok_status(&r, "license create");
        assert!(r.status >= 400, "license for product {evil:?}");
        let r = s.admin(
            "POST",
            "/v3/products",
            Some(&json!({"name": evil, "displayName": evil, "description": evil})),
        );
        ok_status(&r, "product create with evil name");
        tried += 2;
    }
    // Nothing leaked or destroyed: same licenses and activations, still works.
    let licenses = s
        .admin("GET", "/v3/licenses", None)
        .body
        .as_array()
        .unwrap()
        .len();
    let activations = s
        .admin("GET", "/v3/activations", None)
        .body
        .as_array()
        .unwrap()
        .len();
    assert_eq!(licenses, licenses_before);
    assert_eq!(activations, activations_before);
    let again = s.activate(&activation_body(&pid, &key, &fp));
    assert_eq!(again.status, 200, "the server still works: {}", again.text);
    eprintln!("hardening: {tried} hostile requests, no 5xx, nothing leaked");
}

#[test]
fn admin_routes_reject_missing_malformed_and_wrong_tokens() {
    let s = Server::start();
    let routes = [
        ("GET", "/v3/products"),
        ("POST", "/v3/products"),
        ("GET", "/v3/products/x"),
        ("PATCH", "/v3/products/x"),
        ("DELETE", "/v3/products/x"),
        ("GET", "/v3/licenses"),
        ("POST", "/v3/licenses"),
        ("PATCH", "/v3/licenses/x"),
        ("DELETE", "/v3/licenses/x"),
        ("POST", "/v3/licenses/x/renew"),
        ("GET", "/v3/activations"),
        ("GET", "/v3/activations/x"),
        ("POST", "/v3/activations/offline-activate"),
        ("POST", "/v3/activations/offline-deactivate"),
        ("GET", "/v3/trial-activations"),
        ("GET", "/v3/releases"),
        ("POST", "/v3/releases"),
        ("GET", "/v3/users"),
        ("POST", "/v3/users"),
        ("GET", "/v3/entitlement-sets"),
        ("GET", "/v3/personal-access-tokens"),
        ("POST", "/v3/personal-access-tokens"),
    ];
    let wrong = format!("{}x", s.admin);
    let tokens: Vec<Option<&str>> = vec![
        None,
        Some(""),
        Some("olat_"),
        Some("olat_wrong"),
        Some(&wrong),
        Some("' OR '1'='1"),
        Some("Basic YWRtaW46YWRtaW4="),
    ];
    let mut tried = 0;
    for (m, path) in routes {
        for t in &tokens {
            // A body that passes shape checks, so the token is what is judged
            // (offline-activate checks its body's shape before the token).
            let body = (m != "GET" && m != "DELETE")
                .then_some(r#"{"offlineRequest":"OLREQ1.e30","name":"x","productId":"x"}"#);
            let r = s.raw(m, path, body, *t);
            assert_eq!(r.status, 401, "{m} {path} with {t:?}: {}", r.text);
            tried += 1;
        }
    }
    // A prefix of the real token is not the token.
    let half = &s.admin[..s.admin.len() / 2];
    assert_eq!(s.raw("GET", "/v3/licenses", None, Some(half)).status, 401);
    eprintln!("hardening: {tried} unauthenticated admin requests, all 401");
}
