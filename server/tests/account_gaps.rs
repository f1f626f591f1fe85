//! The vendor's last management paths against the real binary, with the
//! JSON shapes pinned: the logged-in user's licenses (one answer for the
//! vendor's `UserLicenseDto` list and LexActivator's `GetUserLicenses`) and
//! releases, the two-factor secret and recovery codes, license analytics
//! and the geo-location breakdowns, and metadata `visible`.

mod common;

use common::*;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

/// A user with `email` and password "password 1", and a session of theirs.
fn user_and_session(s: &Server, email: &str) -> (String, String) {
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": email, "password": "password 1", "name": "Me Too"})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    let login = s.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": email, "password": "password 1"})),
    );
    assert_eq!(login.status, 200, "{}", login.text);
    (u.s("id"), login.s("accessToken"))
}

#[test]
fn me_licenses_serve_the_vendor_dto_and_the_client_library() {
    let s = Server::start();
    let p = s.product(1, json!({"displayName": "Product One"}));
    let pid = p["id"].as_str().unwrap();
    let q = s.product(2, json!({}));
    let qid = q["id"].as_str().unwrap();
    let (uid, session) = user_and_session(&s, "lic@example.com");
    let a = s.license(
        pid,
        json!({"userId": uid, "allowedActivations": 2, "metadata": [{"key": "plan", "value": "pro"}],
               "meterAttributes": [{"name": "exports", "allowedUses": 5}], "maxAllowedReleaseVersion": "1.5.0"}),
    );
    let b = s.license(qid, json!({"userId": uid, "validity": 86400}));
    let _theirs = s.license(pid, json!({}));
    let r = s.activate(&activation_body(
        pid,
        a["key"].as_str().unwrap(),
        &fingerprint("d1", 0),
    ));
    assert_eq!(r.status, 200, "{}", r.text);

    // The vendor's paged list: newest first by default, total in X-Total-Count.
    let r = s.raw("GET", "/v3/me/licenses?limit=1", None, Some(&session));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("X-Total-Count"), Some("2"));
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = s.raw(
        "GET",
        "/v3/me/licenses?sort=createdAt&page=1&limit=10",
        None,
        Some(&session),
    );
    let list = r.body.as_array().unwrap();
    let first = list.iter().find(|l| l["id"] == a["id"]).unwrap();
    let second = list.iter().find(|l| l["id"] == b["id"]).unwrap();
    assert_eq!(
        keys(first),
        [
            "allowedActivations",
            "allowedDeactivations",
            "allowedFloatingClients",
            "createdAt",
            "expiresAt",
            "id",
            "key",
            "leaseDuration",
            "metadata",
            "meterAttributes",
            "product",
            "revoked",
            "suspended",
            "totalActivations",
            "totalDeactivations",
            "type",
            "updatedAt",
            "validity"
        ]
    );
    assert_eq!(first["product"], json!({"displayName": "Product One"}));
    assert_eq!(first["expiresAt"], Value::Null);
    assert_eq!(first["totalActivations"], 1);
    assert_eq!(first["type"], "node-locked");
    assert_eq!(
        first["meterAttributes"],
        json!([{"name": "exports", "allowedUses": 5, "totalUses": 0, "grossUses": 0, "floating": false}])
    );
    assert_eq!(first["metadata"], json!([{"key": "plan", "value": "pro"}]));
    assert!(second["expiresAt"].as_str().unwrap().ends_with('Z'));

    // LexActivator's call (productId, no paging) parses into its wire type.
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses?productId={pid}"),
        None,
        Some(&session),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list: Vec<openlex_wire::requests::UserLicense> =
        serde_json::from_value(r.body.clone()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].key.as_str(),
            list[0].total_activations,
            list[0].r#type.as_str()
        ),
        (a["key"].as_str().unwrap(), 1, "node-locked")
    );
    assert_eq!(list[0].metadata[0].key, "plan");

    // releaseId: the licenses that may have the release.
    let rel = |version: &str| {
        let r = s.admin(
            "POST",
            "/v3/releases",
            Some(&json!({"productId": pid, "version": version, "platforms": ["linux"], "name": version,
                          "files": [{"name": "app.tar.gz", "url": "https://example.com/app.tar.gz"}]})),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.s("id")
    };
    let (old, new) = (rel("1.0.0"), rel("2.0.0"));
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses?releaseId={old}"),
        None,
        Some(&session),
    );
    assert_eq!(r.header("X-Total-Count"), Some("1"));
    assert_eq!(r.body[0]["id"], a["id"]);
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses?releaseId={new}"),
        None,
        Some(&session),
    );
    assert_eq!(r.header("X-Total-Count"), Some("0"));
    let r = s.raw(
        "GET",
        "/v3/me/licenses?releaseId=nope",
        None,
        Some(&session),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let r = s.raw("GET", "/v3/me/licenses?query=x", None, Some(&session));
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));

    // One license by id: the user's own only.
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses/{}", a["id"].as_str().unwrap()),
        None,
        Some(&session),
    );
    assert_eq!((r.status, &r.body["key"]), (200, &a["key"]));
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses/{}", _theirs["id"].as_str().unwrap()),
        None,
        Some(&session),
    );
    assert_eq!((r.status, r.code()), (404, "NOT_FOUND"));
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses/{}", a["id"].as_str().unwrap()),
        None,
        Some(&s.admin),
    );
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));

    // Releases: published ones of the user's products, up to what the
    // licenses allow (1.0.0 but not 2.0.0), with the product's name.
    let r = s.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "1.1.0", "platforms": ["linux"], "published": false})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let r = s.raw("GET", "/v3/me/releases", None, Some(&session));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("X-Total-Count"), Some("1"));
    let one = &r.body[0];
    assert_eq!(one["id"].as_str(), Some(old.as_str()));
    assert_eq!(one["product"], json!({"displayName": "Product One"}));
    for k in [
        "id",
        "createdAt",
        "updatedAt",
        "name",
        "channel",
        "version",
        "platform",
        "notes",
        "totalFiles",
        "files",
    ] {
        assert!(one.get(k).is_some(), "{k} missing from {one}");
    }
    assert_eq!(
        (one["platform"].as_str(), one["totalFiles"].as_i64()),
        (Some("linux"), Some(1))
    );
    let r = s.raw("GET", "/v3/me/releases?page=2", None, Some(&session));
    assert_eq!((r.status, r.body.as_array().unwrap().len()), (200, 0));
    let r = s.raw("GET", "/v3/me/releases", None, None);
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));
}

/// The TOTP code of base32 `secret` now, and one that is none of the
/// codes accepted now.
fn codes(secret: &str) -> (String, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let key = openlex_server::totp::base32_decode(secret).unwrap();
    let live: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|d| openlex_server::totp::totp(&key, now + d))
        .collect();
    let bad = (0..4)
        .map(|n| format!("{n}{n}{n}{n}{n}{n}"))
        .find(|c| !live.contains(c))
        .unwrap();
    (live[1].clone(), bad)
}

#[test]
fn two_factor_secret_then_recovery_codes_each_usable_once() {
    let s = Server::start();
    let (_, session) = user_and_session(&s, "tfa@example.com");
    let login = |extra: Value| {
        let mut b = json!({"email": "tfa@example.com", "password": "password 1"});
        merge(&mut b, extra);
        s.req("POST", "/v3/accounts/login", Some(&b))
    };
    // No two-factor yet: no recovery codes.
    let r = s.raw("POST", "/v3/me/2fa-recovery-codes", None, Some(&session));
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
    let r = s.raw("POST", "/v3/me/2fa-secret", None, Some(&session));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(keys(&r.body), ["email", "url"]);
    assert_eq!(r.s("email"), "tfa@example.com");
    let url = r.s("url");
    assert!(
        url.starts_with("otpauth://totp/OpenLex:tfa%40example.com?secret="),
        "{url}"
    );
    let secret = url
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    // Pending until a code proves the app has it: login needs no code yet.
    assert_eq!(login(json!({})).status, 200);
    let (good, bad) = codes(&secret);
    let patch = |body: Value| s.raw("PATCH", "/v3/me", Some(&body.to_string()), Some(&session));
    let r = patch(json!({"twoFactorEnabled": true}));
    assert_eq!(
        (r.status, r.code()),
        (400, "TWO_FACTOR_AUTHENTICATION_CODE_MISSING")
    );
    let r = patch(json!({"twoFactorEnabled": true, "twoFactorCode": bad}));
    assert_eq!(
        (r.status, r.code()),
        (400, "TWO_FACTOR_AUTHENTICATION_CODE_INVALID")
    );
    let r = patch(json!({"twoFactorEnabled": true, "twoFactorCode": good}));
    assert_eq!((r.status, &r.body["twoFactorEnabled"]), (200, &json!(true)));
    let r = s.raw("POST", "/v3/me/2fa-secret", None, Some(&session));
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
    assert_eq!(
        login(json!({})).code(),
        "TWO_FACTOR_AUTHENTICATION_CODE_MISSING"
    );

    let r = s.raw("POST", "/v3/me/2fa-recovery-codes", None, Some(&session));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(keys(&r.body), ["recoveryCodes"]);
    let first: Vec<String> = serde_json::from_value(r.body["recoveryCodes"].clone()).unwrap();
    assert_eq!(first.len(), 10);
    assert!(first
        .iter()
        .all(|c| c.len() == 19 && c.matches('-').count() == 3));
    // Only hashes are stored.
    if s.database_url.is_none() {
        let mut db = std::fs::read(s.dir.join("openlex.db")).unwrap();
        db.extend(std::fs::read(s.dir.join("openlex.db-wal")).unwrap_or_default());
        let text = String::from_utf8_lossy(&db);
        assert!(text.contains("recoveryCodeHashes"));
        assert!(!first.iter().any(|c| text.contains(c.as_str())));
    }
    // New codes replace the old ones.
    let r = s.raw("POST", "/v3/me/2fa-recovery-codes", None, Some(&session));
    let codes_now: Vec<String> = serde_json::from_value(r.body["recoveryCodes"].clone()).unwrap();
    let r = login(json!({"twoFactorRecoveryCode": first[0]}));
    assert_eq!(
        (r.status, r.code()),
        (400, "TWO_FACTOR_AUTHENTICATION_CODE_INVALID")
    );
    // A code works once, in any case and without dashes.
    let typed = codes_now[0].replace('-', "").to_uppercase();
    let r = login(json!({"twoFactorRecoveryCode": typed}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.s("accessToken").is_empty());
    let r = login(json!({"twoFactorRecoveryCode": codes_now[0]}));
    assert_eq!(
        (r.status, r.code()),
        (400, "TWO_FACTOR_AUTHENTICATION_CODE_INVALID")
    );
    assert_eq!(
        login(json!({"twoFactorRecoveryCode": codes_now[1]})).status,
        200
    );
    // A wrong password is refused before any code is spent.
    let r = s.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "tfa@example.com", "password": "password 2", "twoFactorRecoveryCode": codes_now[2]})),
    );
    assert_eq!(r.code(), "AUTHENTICATION_FAILED");
    assert_eq!(
        login(json!({"twoFactorRecoveryCode": codes_now[2]})).status,
        200
    );

    // Off again with a code of the current secret; the codes go with it.
    let r = patch(json!({"twoFactorEnabled": false, "twoFactorCode": bad}));
    assert_eq!(r.code(), "TWO_FACTOR_AUTHENTICATION_CODE_INVALID");
    let (good, _) = codes(&secret);
    let r = patch(json!({"twoFactorEnabled": false, "twoFactorCode": good}));
    assert_eq!(
        (r.status, &r.body["twoFactorEnabled"]),
        (200, &json!(false))
    );
    assert_eq!(login(json!({})).status, 200);
    let r = s.raw("POST", "/v3/me/2fa-recovery-codes", None, Some(&session));
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
    let r = s.raw("POST", "/v3/me/2fa-secret", None, Some(&s.admin));
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));
}

#[test]
fn license_stats_and_countries_from_a_trusted_proxy_header() {
    let s = Server::start_with(
        &[
            "--trusted-proxy",
            "127.0.0.1,::1",
            "--country-header",
            "CF-IPCountry",
        ],
        &[],
    );
    let p = s.product(1, json!({"trialLength": 86400, "trialAllowed": true}));
    let pid = p["id"].as_str().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let active = s.license(pid, json!({"allowedActivations": 5}));
    s.license(pid, json!({"expiresAt": now + 10 * 86400}));
    s.license(pid, json!({"expiresAt": now - 60}));
    let revoked = s.license(pid, json!({}));
    s.license(pid, json!({"suspended": true}));
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{}", revoked["id"].as_str().unwrap()),
        Some(&json!({"revoked": true})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.admin("GET", "/v3/analytics/licenses", None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"active": 2, "expired": 1, "expiringSoon": 1, "revoked": 1, "suspended": 1})
    );

    // Each activation and trial keeps the country the proxy named.
    let key = active["key"].as_str().unwrap();
    for (device, country) in [
        ("a", Some("de")),
        ("b", Some("DE")),
        ("c", Some("FR")),
        ("d", None),
    ] {
        let headers: Vec<(&str, &str)> = country.map(|c| ("CF-IPCountry", c)).into_iter().collect();
        let body = activation_body(pid, key, &fingerprint(device, 0)).to_string();
        let r = s.raw_with("POST", "/v3/activations", Some(&body), None, &headers);
        assert_eq!(r.status, 200, "{}", r.text);
        let body = trial_body(pid, &fingerprint(device, 0)).to_string();
        let r = s.raw_with("POST", "/v3/trial-activations", Some(&body), None, &headers);
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let expected = json!([
        {"activations": 2, "countryCode": "DE"},
        {"activations": 1, "countryCode": null},
        {"activations": 1, "countryCode": "FR"}
    ]);
    let r = s.admin("GET", "/v3/analytics/activations/geo-location", None);
    assert_eq!((r.status, &r.body), (200, &expected), "{}", r.text);
    let r = s.admin(
        "GET",
        &format!("/v3/analytics/trial-activations/geo-location?productId={pid}"),
        None,
    );
    assert_eq!((r.status, &r.body), (200, &expected), "{}", r.text);
    let r = s.admin(
        "GET",
        "/v3/analytics/activations/geo-location?productId=other",
        None,
    );
    assert_eq!(r.body, json!([]));

    // The activation and trial DTOs carry it as the vendor's `location`.
    let r = s.admin(
        "GET",
        &format!(
            "/v3/activations?licenseId={}&limit=10",
            active["id"].as_str().unwrap()
        ),
        None,
    );
    let mut locations: Vec<Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"].clone())
        .collect();
    locations.sort_by_key(|l| l.to_string());
    assert_eq!(
        locations,
        [
            json!({"ipAddress": "127.0.0.1", "countryCode": "DE"}),
            json!({"ipAddress": "127.0.0.1", "countryCode": "DE"}),
            json!({"ipAddress": "127.0.0.1", "countryCode": "FR"}),
            json!({"ipAddress": "127.0.0.1", "countryCode": null}),
        ]
    );
    let r = s.admin(
        "GET",
        &format!("/v3/trial-activations?productId={pid}&limit=1"),
        None,
    );
    assert!(r.body[0]["location"]["ipAddress"].is_string());

    // license:read for the stats, activation:read for the breakdowns.
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "reader", "scopes": ["activation:read"]})),
    );
    let token = t.s("token");
    let r = s.raw("GET", "/v3/analytics/licenses", None, Some(&token));
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"));
    let r = s.raw(
        "GET",
        "/v3/analytics/activations/geo-location",
        None,
        Some(&token),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn country_header_is_ignored_from_untrusted_peers() {
    let s = Server::start_with(
        &[
            "--trusted-proxy",
            "10.0.0.0/8",
            "--country-header",
            "CF-IPCountry",
        ],
        &[],
    );
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({}));
    let body = activation_body(pid, l["key"].as_str().unwrap(), &fingerprint("x", 0)).to_string();
    let r = s.raw_with(
        "POST",
        "/v3/activations",
        Some(&body),
        None,
        &[("CF-IPCountry", "DE")],
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.admin("GET", "/v3/analytics/activations/geo-location", None);
    assert_eq!(r.body, json!([{"activations": 1, "countryCode": null}]));
}

#[test]
fn metadata_not_visible_is_kept_answered_and_never_sent_to_the_client() {
    let s = Server::start();
    let p = s.product(
        1,
        json!({"metadata": [{"key": "pshown", "value": "1", "visible": true},
                            {"key": "phidden", "value": "2", "visible": false}]}),
    );
    let pid = p["id"].as_str().unwrap();
    assert_eq!(
        p["metadata"],
        json!([{"key": "pshown", "value": "1", "visible": true},
               {"key": "phidden", "value": "2", "visible": false}])
    );
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "md@example.com", "password": "password 1",
                     "metadata": [{"key": "ushown", "value": "a"}, {"key": "uhidden", "value": "b", "visible": false}]})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    assert_eq!(u.body["metadata"][0]["visible"], true);
    let l = s.license(
        pid,
        json!({"userId": u.s("id"),
               "metadata": [{"key": "lshown", "value": "x", "visible": true},
                            {"key": "lhidden", "value": "y", "visible": false}]}),
    );
    let lid = l["id"].as_str().unwrap();
    assert_eq!(keys(&l["metadata"][0]), ["id", "key", "value", "visible"]);
    assert_eq!(
        (&l["metadata"][0]["visible"], &l["metadata"][1]["visible"]),
        (&json!(true), &json!(false))
    );
    let r = s.activate(&activation_body(
        pid,
        l["key"].as_str().unwrap(),
        &fingerprint("v", 0),
    ));
    assert_eq!(r.status, 200, "{}", r.text);
    let c = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
    let names =
        |m: &[openlex_wire::claims::Metadata]| m.iter().map(|m| m.key.clone()).collect::<Vec<_>>();
    assert_eq!(names(&c.pmd), ["pshown"]);
    assert_eq!(names(&c.lmd), ["lshown"]);
    assert_eq!(names(&c.umd), ["ushown"]);
    // A trial's product metadata too.
    let r = s.admin(
        "PATCH",
        &format!("/v3/products/{pid}"),
        Some(&json!({"trialLength": 86400})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid, &fingerprint("t", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let t = verify(
        &r.s("trialActivationToken"),
        p["publicKey"].as_str().unwrap(),
    );
    assert_eq!(t["pmd"], json!([{"key": "pshown", "value": "1"}]));
    // The client library's GetUserLicenses sees the visible entries only.
    let login = s.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "md@example.com", "password": "password 1"})),
    );
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses?productId={pid}"),
        None,
        Some(&login.s("accessToken")),
    );
    assert_eq!(
        r.body[0]["metadata"],
        json!([{"key": "lshown", "value": "x"}])
    );
    // A PATCH that leaves `visible` out keeps each key's flag; a new key is visible.
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(
            &json!({"metadata": [{"key": "lhidden", "value": "z"}, {"key": "new", "value": "n"}]}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["metadata"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["key"].as_str().unwrap(), m["visible"].as_bool().unwrap()))
            .collect::<Vec<_>>(),
        [("lhidden", false), ("new", true)]
    );
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"metadata": [{"key": "k", "value": "v", "visible": "no"}]})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
}
