//! Operating the server (docs/SERVER.md): the request log, trusted reverse
//! proxies, the rate limit and the administrator, `serve` before `init`, and
//! the license commands' references and output.

mod common;

use common::*;
use serde_json::{json, Value};

fn stderr_file(name: &str) -> (tempfile::TempDir, std::path::PathBuf, std::fs::File) {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join(name);
    let f = std::fs::File::create(&p).unwrap();
    (t, p, f)
}

#[test]
fn the_request_log_is_structured_and_never_holds_secrets() {
    let (_t, log, f) = stderr_file("log");
    let s = Server::start_with_stderr(
        &[
            "--rate-limit",
            "off",
            "--log-level",
            "info",
            "--log-format",
            "json",
        ],
        &[],
        Some(f),
    );
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({}));
    let key = l["key"].as_str().unwrap();
    let fp = fingerprint("dev", 0);
    let r = s.activate(&activation_body(pid, key, &fp));
    assert_eq!(r.status, 200);
    let aid = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap()).aid;
    let r = s.req(
        "PATCH",
        &format!("/v3/activations/{aid}"),
        Some(&activation_body(pid, key, &fp)),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "GET",
        &format!("/v3/activations/{aid}/feature-entitlements"),
        None,
    );
    assert_eq!(r.status, 200);
    let login = json!({"email": "who@example.com", "password": "secret password 1"});
    assert_eq!(
        s.req("POST", "/v3/accounts/login", Some(&login)).status,
        400
    );

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let find = |method: &str, route: &str| {
        lines
            .iter()
            .find(|l| l["method"] == method && l["route"] == route)
            .unwrap_or_else(|| panic!("no {method} {route} in {text}"))
    };
    let act = find("POST", "/v3/activations");
    assert_eq!(act["status"], 200);
    assert_eq!(act["licenseId"], l["id"]);
    assert_eq!(act["client"], "127.0.0.1");
    assert!(act["latencyMs"].as_f64().unwrap() > 0.0);
    assert_eq!(act["level"], "info");
    assert_eq!(find("PATCH", "/v3/activations/{id}")["licenseId"], l["id"]);
    let admin = find("POST", "/v3/licenses");
    assert_eq!(admin["status"], 201);
    assert!(admin["tokenId"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(
        find("GET", "/v3/activations/{id}/feature-entitlements")["status"],
        200
    );
    let failed = find("POST", "/v3/accounts/login");
    assert_eq!(
        (failed["status"].as_u64(), failed["level"].as_str()),
        (Some(400), Some("warn"))
    );
    for secret in [
        key,
        s.admin.as_str(),
        "secret password 1",
        fp.as_str(),
        aid.as_str(),
    ] {
        assert!(!text.contains(secret), "the log holds a secret: {secret}");
    }

    // --log-level warn keeps only the failures; text lines
    let (_t, log, f) = stderr_file("log");
    let s = Server::start_with_stderr(
        &[
            "--rate-limit",
            "off",
            "--log-level",
            "warn",
            "--log-format",
            "text",
        ],
        &[],
        Some(f),
    );
    assert_eq!(s.req("GET", "/v3/status", None).status, 200);
    assert_eq!(
        s.req("POST", "/v3/accounts/login", Some(&login)).status,
        400
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains(" WARN POST /v3/accounts/login 400 ") && text.contains("client=127.0.0.1"),
        "{text}"
    );
}

#[test]
fn a_trusted_proxy_names_the_client_for_rate_limits_and_logs() {
    let (_t, log, f) = stderr_file("log");
    let s = Server::start_with_stderr(
        &[
            "--rate-limit",
            "3/60",
            "--trusted-proxy",
            "127.0.0.0/8",
            "--log-level",
            "info",
            "--log-format",
            "json",
        ],
        &[],
        Some(f),
    );
    let get = |from: &str| {
        s.raw_with(
            "GET",
            "/v3/status",
            None,
            None,
            &[("X-Forwarded-For", from)],
        )
    };
    for _ in 0..3 {
        assert_eq!(get("203.0.113.5").status, 200);
    }
    assert_eq!(get("203.0.113.5").status, 429);
    assert_eq!(get("198.51.100.1").status, 200);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(r#""client":"203.0.113.5""#), "{text}");
    assert!(text.contains(r#""client":"198.51.100.1""#), "{text}");

    // an untrusted peer's header is ignored: one client, one budget
    let s = Server::start_with(&["--rate-limit", "3/60"], &[]);
    for i in 0..3 {
        let from = format!("203.0.113.{i}");
        assert_eq!(
            s.raw_with(
                "GET",
                "/v3/status",
                None,
                None,
                &[("X-Forwarded-For", &from)]
            )
            .status,
            200
        );
    }
    let r = s.raw_with(
        "GET",
        "/v3/status",
        None,
        None,
        &[("X-Forwarded-For", "198.51.100.1")],
    );
    assert_eq!(r.status, 429);
}

#[test]
fn the_client_rate_limit_does_not_throttle_the_administrator() {
    let s = Server::start_with(&["--rate-limit", "2/60"], &[]);
    for _ in 0..6 {
        let r = s.admin("GET", "/v3/products", None);
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // a made-up bearer is a client like any other
    let bogus = |_: ()| s.raw("GET", "/v3/status", None, Some("olat_bogus"));
    assert_eq!(bogus(()).status, 200);
    assert_eq!(bogus(()).status, 200);
    assert_eq!(bogus(()).status, 429);
    // and the administrator still gets through
    assert_eq!(s.admin("GET", "/v3/products", None).status, 200);
}

#[test]
fn serve_before_init_says_to_run_init() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("fresh");
    let (ok, _, err) = cli(&dir, &["serve", "--listen", "127.0.0.1:0"]);
    assert!(!ok);
    assert!(
        err.contains("not initialised") && err.contains("openlex-server init --data-dir"),
        "{err}"
    );
    let bad = Server::start();
    let (ok, _, err) = bad.cli(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--trusted-proxy",
        "nope",
    ]);
    assert!(!ok && err.contains("--trusted-proxy"), "{err}");
}

#[test]
fn license_commands_take_a_key_or_an_id_and_print_one_line() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({"validity": 86400}));
    let (id, key) = (l["id"].as_str().unwrap(), l["key"].as_str().unwrap());
    let one = |args: &[&str], verb: &str| {
        let (ok, out, err) = s.cli(args);
        assert!(ok, "{args:?}: {err}");
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        assert!(
            out.starts_with(&format!("{verb} license {id} ({key})")),
            "{args:?}: {out}"
        );
    };
    one(&["license", "suspend", key], "suspended");
    one(&["license", "unsuspend", id], "unsuspended");
    one(&["license", "revoke", key], "revoked");
    one(&["license", "renew", key], "renewed");
    one(&["license", "expire", key, "--at", "4000000000"], "updated");
    one(
        &["license", "update", key, r#"{"revoked":false}"#],
        "updated",
    );
    let (ok, out, _) = s.cli(&["license", "suspend", key, "--json"]);
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["id"].as_str(), v["suspended"].as_bool()),
        (Some(id), Some(true))
    );
    let (ok, out, _) = s.cli(&["license", "get", key]);
    assert!(ok && out.contains(id));
    let (ok, _, err) = s.cli(&["license", "suspend", "NO-SUCH-KEY"]);
    assert!(!ok && err.contains("NOT_FOUND"), "{err}");
    let (ok, out, _) = s.cli(&["license", "delete", key]);
    assert!(ok);
    assert_eq!(out.trim(), format!("deleted license {id}"));
}
