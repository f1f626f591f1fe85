//! Activation logs and analytics against the real binary: every client
//! attempt is logged (successes and refusals, with the error code), lists
//! filter and page, and the JSON shapes are the vendor's DTOs.

mod common;

use common::*;
use serde_json::{json, Value};

fn logs(s: &Server, query: &str) -> (Vec<Value>, i64) {
    let r = s.admin("GET", &format!("/v3/activation-logs{query}"), None);
    assert_eq!(r.status, 200, "{}", r.text);
    let total = r.header("x-total-count").unwrap().parse().unwrap();
    (r.body.as_array().unwrap().clone(), total)
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn every_attempt_is_logged_with_its_outcome() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(
        pid,
        json!({"allowedActivations": 1, "allowedDeactivations": 5}),
    );
    let (lid, key) = (l["id"].as_str().unwrap(), l["key"].as_str().unwrap());
    let other = s.license(pid, json!({}));

    // activation (success), a second device (refused: limit), a wrong key
    let fp = fingerprint("dev-a", 0);
    let a = s.activate(&activation_body(pid, key, &fp));
    assert_eq!(a.status, 200, "{}", a.text);
    let mut b = activation_body(pid, key, &fingerprint("dev-b", 0));
    b["vmName"] = json!("VMware");
    b["os"] = json!("Windows");
    b["appVersion"] = json!("2.0.0");
    assert_eq!(s.activate(&b).code(), "ACTIVATION_LIMIT_REACHED");
    assert_eq!(
        s.activate(&activation_body(pid, "NOPE-NOPE", &fp)).code(),
        "INVALID_LICENSE_KEY"
    );
    // sync (success) and a sync with another device's fingerprint (refused)
    let aid = s
        .admin("GET", &format!("/v3/activations?licenseId={lid}"), None)
        .body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s.req(
        "PATCH",
        &format!("/v3/activations/{aid}"),
        Some(&activation_body(pid, key, &fp)),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "PATCH",
        &format!("/v3/activations/{aid}"),
        Some(&activation_body(pid, key, &fingerprint("dev-z", 4))),
    );
    assert_eq!(r.code(), "INVALID_ACTIVATION_FINGERPRINT", "{}", r.text);
    // deactivation (success), then again (refused: gone)
    let d = deactivation_body(pid, &fp);
    let r = s.req(
        "POST",
        &format!("/v3/activations/{aid}/deactivate"),
        Some(&d),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "POST",
        &format!("/v3/activations/{aid}/deactivate"),
        Some(&d),
    );
    assert_eq!(r.code(), "ACTIVATION_NOT_FOUND");

    let (all, total) = logs(&s, "?sort=createdAt&limit=100");
    assert_eq!(total, 7);
    let got: Vec<(String, Value)> = all
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["errorCode"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("activation".into(), Value::Null),
            ("activation".into(), json!("ACTIVATION_LIMIT_REACHED")),
            ("activation".into(), json!("INVALID_LICENSE_KEY")),
            ("sync".into(), Value::Null),
            ("sync".into(), json!("INVALID_ACTIVATION_FINGERPRINT")),
            ("deactivation".into(), Value::Null),
            ("deactivation".into(), json!("ACTIVATION_NOT_FOUND")),
        ]
    );
    // The vendor's ActivationLogDto fields plus errorCode, licenseKey,
    // productId, activationId; dates ISO 8601.
    let first = &all[0];
    assert_eq!(
        keys(first),
        [
            "action",
            "activationId",
            "appVersion",
            "container",
            "createdAt",
            "errorCode",
            "hostname",
            "id",
            "licenseId",
            "licenseKey",
            "location",
            "os",
            "osVersion",
            "productId",
            "updatedAt",
            "vmName"
        ]
    );
    assert_eq!(first["licenseId"], json!(lid));
    assert_eq!(first["licenseKey"], json!(key));
    assert_eq!(first["productId"], json!(pid));
    assert_eq!(first["activationId"], json!(aid));
    assert_eq!(first["os"], json!("linux"));
    assert_eq!(first["osVersion"], json!("Debian GNU/Linux 12 (bookworm)"));
    assert_eq!(first["appVersion"], json!("1.0.0"));
    assert_eq!(first["hostname"], json!("build-host"));
    assert_eq!(first["container"], json!(true));
    assert_eq!(first["location"], json!({"ipAddress": "127.0.0.1"}));
    assert!(first["createdAt"].as_str().unwrap().ends_with(".000Z"));
    assert_eq!(first["createdAt"], first["updatedAt"]);
    // the refused second device: its VM, OS and license are recorded
    let refused = &all[1];
    assert_eq!(refused["licenseId"], json!(lid));
    assert_eq!(refused["vmName"], json!("VMware"));
    assert_eq!(refused["os"], json!("windows"));
    assert_eq!(refused["appVersion"], json!("2.0.0"));
    assert_eq!(refused["activationId"], json!(""));
    // the wrong key: no license, the presented key kept
    assert_eq!(all[2]["licenseId"], Value::Null);
    assert_eq!(all[2]["licenseKey"], json!("NOPE-NOPE"));
    // a deactivation names the activation's license
    assert_eq!(all[5]["licenseId"], json!(lid));
    assert_eq!(all[6]["licenseId"], Value::Null);

    // filters and pages
    let (by_license, n) = logs(
        &s,
        &format!("?licenseId={lid}&limit=2&page=2&sort=createdAt"),
    );
    assert_eq!(n, 5);
    assert_eq!(by_license.len(), 2);
    assert_eq!(by_license[0]["id"], all[3]["id"]);
    let (_, n) = logs(
        &s,
        &format!("?licenseId[eq]={}", other["id"].as_str().unwrap()),
    );
    assert_eq!(n, 0);
    let (_, n) = logs(&s, &format!("?productId={pid}"));
    assert_eq!(n, 7, "a wrong key's row keeps the product presented");
    let (newest, _) = logs(&s, "?limit=1");
    assert_eq!(newest[0]["id"], all[6]["id"]);
    let created = all[0]["createdAt"].as_str().unwrap();
    let (_, n) = logs(&s, &format!("?createdAt[gte]={created}"));
    assert_eq!(n, 7);
    let (_, n) = logs(&s, &format!("?createdAt[lt]={created}"));
    assert_eq!(n, 0);
    // one by id; unknown id 404; bad filters 400
    let one = s.admin(
        "GET",
        &format!("/v3/activation-logs/{}", all[1]["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(one.body, all[1]);
    assert_eq!(
        s.admin("GET", "/v3/activation-logs/nope", None).code(),
        "NOT_FOUND"
    );
    for q in [
        "?createdAt[gte]=yesterday",
        "?query=x",
        "?createdAt[ne]=2026-01-01",
    ] {
        let r = s.admin("GET", &format!("/v3/activation-logs{q}"), None);
        assert_eq!(r.code(), "VALIDATION_FAILED", "{q}: {}", r.text);
    }
    // activation:read is the scope
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "lic", "scopes": ["license:read"]})),
    );
    let r = s.raw("GET", "/v3/activation-logs", None, Some(&t.s("token")));
    assert_eq!(r.status, 403);
}

#[test]
fn hostile_refusals_are_logged_bounded_on_every_engine() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let mut b = activation_body(pid, "placeholder", &fingerprint("h", 0));
    b["key"] = json!("KEY\u{0}WITH-NUL");
    b["hostname"] = json!("h".repeat(10_000));
    b["osVersion"] = json!("nul\u{0}inside");
    let r = s.activate(&b);
    assert_eq!(r.status / 100, 4, "{}", r.text);
    let (rows, n) = logs(&s, "");
    assert_eq!(n, 1, "the refusal is logged");
    let row = &rows[0];
    assert_eq!(row["errorCode"], json!(r.code()));
    assert_eq!(row["hostname"].as_str().unwrap().len(), 256);
    assert_eq!(row["osVersion"], json!("nul\u{fffd}inside"));
    assert_eq!(row["licenseKey"], json!("KEY\u{fffd}WITH-NUL"));
    assert_eq!(row["licenseId"], Value::Null);
}

#[test]
fn activation_log_off_writes_nothing() {
    let s = Server::start_with(&["--rate-limit", "off", "--activation-log", "off"], &[]);
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({}));
    let r = s.activate(&activation_body(
        pid,
        l["key"].as_str().unwrap(),
        &fingerprint("x", 0),
    ));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        s.activate(&activation_body(pid, "BAD", &fingerprint("x", 0)))
            .code(),
        "INVALID_LICENSE_KEY"
    );
    assert_eq!(logs(&s, "").1, 0);
}

#[test]
fn analytics_count_by_day_and_device_in_the_vendor_shapes() {
    let s = Server::start_with_test_clock();
    let p = s.product(1, json!({"trialLength": 86400}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({"allowedActivations": 10}));
    let key = l["key"].as_str().unwrap();
    let devices = [
        ("a", "linux", "12", "1.0.0", ""),
        ("b", "linux", "12", "1.1.0", "KVM"),
        ("c", "windows", "10", "1.1.0", ""),
        ("d", "macos", "5", "1.1.0", ""),
    ];
    for (i, (dev, os, osv, app, vm)) in devices.iter().enumerate() {
        if i == 2 {
            s.advance_clock(86_400);
        }
        let mut b = activation_body(pid, key, &fingerprint(dev, 0));
        b["os"] = json!(os);
        b["osVersion"] = json!(osv);
        b["appVersion"] = json!(app);
        b["vmName"] = json!(vm);
        assert_eq!(s.activate(&b).status, 200);
        let mut t = trial_body(pid, &fingerprint(dev, 0));
        t["os"] = json!(os);
        t["vmName"] = json!(vm);
        let r = s.req("POST", "/v3/trial-activations", Some(&t));
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let get = |path: &str| {
        let r = s.admin("GET", path, None);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.body
    };
    let stats = get("/v3/analytics/stats");
    assert_eq!(
        stats,
        json!({"products": 1, "licenses": 1, "activations": 4, "trialActivations": 4,
               "releases": 0, "users": 0, "admins": 1, "emailTemplates": 0})
    );
    let days = get("/v3/analytics/activations");
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["activations"], json!(2));
    assert_eq!(days[1]["activations"], json!(2));
    assert_eq!(keys(&days[0]), ["activatedAt", "activations"]);
    assert!(days[0]["activatedAt"]
        .as_str()
        .unwrap()
        .ends_with("T00:00:00.000Z"));
    assert_eq!(
        get("/v3/analytics/trial-activations")
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        get("/v3/analytics/activations/os"),
        json!([{"activations": 2, "os": "linux"}, {"activations": 1, "os": "macos"},
               {"activations": 1, "os": "windows"}])
    );
    assert_eq!(
        get("/v3/analytics/activations/os-version"),
        json!([{"activations": 2, "osVersion": "12"}, {"activations": 1, "osVersion": "10"},
               {"activations": 1, "osVersion": "5"}])
    );
    assert_eq!(
        get(&format!(
            "/v3/analytics/activations/app-version?licenseId={}",
            l["id"].as_str().unwrap()
        )),
        json!([{"activations": 3, "appVersion": "1.1.0"}, {"activations": 1, "appVersion": "1.0.0"}])
    );
    assert_eq!(
        get("/v3/analytics/activations/vm-name"),
        json!([{"activations": 3, "vmName": null}, {"activations": 1, "vmName": "KVM"}])
    );
    assert_eq!(
        get("/v3/analytics/trial-activations/vm-name"),
        json!([{"activations": 3, "vmName": null}, {"activations": 1, "vmName": "KVM"}])
    );
    assert_eq!(
        get("/v3/analytics/trial-activations/os"),
        json!([{"activations": 2, "os": "linux"}, {"activations": 1, "os": "macos"},
               {"activations": 1, "os": "windows"}])
    );
    // ranges: the second day only; another product; bad dates
    let day2 = days[1]["activatedAt"].as_str().unwrap();
    let one_day = get(&format!("/v3/analytics/activations?startDate={day2}"));
    assert_eq!(one_day.as_array().unwrap().len(), 1);
    assert_eq!(
        get("/v3/analytics/activations/os?productId=other"),
        json!([])
    );
    for q in [
        "/v3/analytics/activations?startDate=soon",
        "/v3/analytics/trial-activations?licenseId=x",
        "/v3/analytics/activations?startDate=2030-01-01&endDate=2029-01-01",
    ] {
        assert_eq!(s.admin("GET", q, None).code(), "VALIDATION_FAILED", "{q}");
    }
}
