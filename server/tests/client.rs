//! Client endpoints against the real server binary over HTTPS.

mod common;

use common::*;
use serde_json::{json, Value};

fn setup(s: &Server, lic: Value) -> (Value, Value) {
    let p = s.product(1, json!({}));
    let l = s.license(p["id"].as_str().unwrap(), lic);
    (p, l)
}

fn pid(p: &Value) -> &str {
    p["id"].as_str().unwrap()
}

fn key(l: &Value) -> &str {
    l["key"].as_str().unwrap()
}

fn pem(p: &Value) -> &str {
    p["publicKey"].as_str().unwrap()
}

#[test]
fn vendor_captured_body_activates_and_reuses_the_activation() {
    let s = Server::start();
    let (p, l) = setup(&s, json!({"allowedActivations": 1}));
    let fp = fingerprint("dev1", 0);
    assert!(fp.len() >= 64);
    let r = s.activate(&activation_body(pid(&p), key(&l), &fp));
    assert_eq!(r.status, 200, "{}", r.text);
    let c = claims(&r.s("activationToken"), pem(&p));
    assert_eq!(
        (c.pid.as_str(), c.key.as_str(), c.lid.as_str()),
        (pid(&p), key(&l), l["id"].as_str().unwrap())
    );
    assert_eq!(c.amd[0].key, "k1");
    assert_eq!(c.r#type, "node-locked");
    assert_eq!(c.fms, "fuzzy");
    assert_eq!(c.total_activations, 1);
    assert_eq!(c.activation_mode.as_ref().unwrap().initial, "online");
    assert!(c.user_hash.len() == 64 && c.iat > 0 && c.laat > 0 && c.lcat > 0);
    // same device again: same activation, no extra seat
    let r2 = s.activate(&activation_body(pid(&p), key(&l), &fp));
    assert_eq!(r2.status, 200, "{}", r2.text);
    let c2 = claims(&r2.s("activationToken"), pem(&p));
    assert_eq!(c2.aid, c.aid);
    assert_eq!(c2.total_activations, 1);
    // a fuzzy-matching device (one component changed) reuses it too
    let r3 = s.activate(&activation_body(pid(&p), key(&l), &fingerprint("dev1", 1)));
    assert_eq!(claims(&r3.s("activationToken"), pem(&p)).aid, c.aid);
    // a different device hits the limit
    let r4 = s.activate(&activation_body(pid(&p), key(&l), &fingerprint("dev2", 0)));
    assert_eq!((r4.status, r4.code()), (409, "ACTIVATION_LIMIT_REACHED"));
    // the product's data lists the same key
    assert!(p["productData"].as_str().unwrap().len() > 100);
}

#[test]
fn activation_error_codes() {
    let s = Server::start();
    let (p, l) = setup(&s, json!({}));
    let p2 = s.product(2, json!({}));
    let l2 = s.license(pid(&p2), json!({}));
    let fp = fingerprint("d", 0);
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            activation_body(pid(&p), "NOPE-NOPE-NOPE", &fp),
            400,
            "INVALID_LICENSE_KEY",
        ),
        (
            activation_body(pid(&p), key(&l2), &fp),
            400,
            "INVALID_LICENSE_KEY",
        ),
        (
            activation_body("00000000-0000-4000-8000-000000000000", key(&l), &fp),
            400,
            "INVALID_PRODUCT_ID",
        ),
        (
            activation_body(pid(&p), key(&l), "short"),
            400,
            "VALIDATION_FAILED",
        ),
        (activation_body(pid(&p), "", &fp), 400, "VALIDATION_FAILED"),
    ];
    for (body, status, code) in cases {
        let r = s.activate(&body);
        assert_eq!((r.status, r.code()), (status, code), "{}", r.text);
        assert!(!r.s("message").is_empty());
    }
    let mut b = activation_body(pid(&p), key(&l), &fp);
    b["os"] = json!("plan9");
    assert_eq!(s.activate(&b).code(), "VALIDATION_FAILED");
    b["os"] = json!("linux");
    b["metadata"] = json!([{"key": "", "value": "x"}]);
    assert_eq!(s.activate(&b).code(), "VALIDATION_FAILED");
    let r = s.raw("POST", "/v3/activations", Some("{not json"), None);
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let r = s.raw("POST", "/v3/activations", Some("[1,2]"), None);
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    // unknown fields and nulls are accepted
    let mut b = activation_body(pid(&p), key(&l), &fp);
    b["someFutureField"] = json!({"x": 1});
    b["osVersion"] = Value::Null;
    b["accountId"] = Value::Null;
    assert_eq!(s.activate(&b).status, 200);
}

#[test]
fn vm_container_release_and_effective_date_policies() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let fp = fingerprint("d", 0);
    let l = s.license(pid(&p), json!({"allowVmActivation": false}));
    let mut b = activation_body(pid(&p), key(&l), &fp);
    b["vmName"] = json!("KVM");
    assert_eq!(s.activate(&b).code(), "VM_ACTIVATION_NOT_ALLOWED");
    let l = s.license(pid(&p), json!({"allowContainerActivation": false}));
    assert_eq!(
        s.activate(&activation_body(pid(&p), key(&l), &fp)).code(),
        "CONTAINER_ACTIVATION_NOT_ALLOWED"
    );
    let mut b = activation_body(pid(&p), key(&l), &fp);
    b["container"] = json!(false);
    assert_eq!(s.activate(&b).status, 200);
    let l = s.license(pid(&p), json!({"maxAllowedReleaseVersion": "2.0"}));
    let mut b = activation_body(pid(&p), key(&l), &fp);
    b["releaseVersion"] = json!("2.1.0");
    assert_eq!(s.activate(&b).code(), "RELEASE_VERSION_NOT_ALLOWED");
    b["releaseVersion"] = json!("2.0.9");
    assert_eq!(s.activate(&b).status, 200);
    let l = s.license(pid(&p), json!({"effectiveDate": 4_000_000_000i64}));
    assert_eq!(
        s.activate(&activation_body(pid(&p), key(&l), &fp)).code(),
        "LICENSE_NOT_EFFECTIVE"
    );
}

#[test]
fn sync_suspend_revoke_delete_and_fingerprint() {
    let s = Server::start();
    let (p, l) = setup(
        &s,
        json!({"serverSyncInterval": 2, "serverSyncGracePeriod": 100}),
    );
    let lid = l["id"].as_str().unwrap();
    let fp = fingerprint("d", 0);
    let body = activation_body(pid(&p), key(&l), &fp);
    let c = claims(&s.activate(&body).s("activationToken"), pem(&p));
    assert_eq!(c.ssi, 2);
    assert!(c.ssgpeat >= c.iat + 100 && c.ssgpeat <= c.iat + 102);
    let path = format!("/v3/activations/{}", c.aid);
    let r = s.req("PATCH", &path, Some(&body));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(claims(&r.s("activationToken"), pem(&p)).aid, c.aid);
    // fuzzy: one changed component is fine, three are not
    let mut b = body.clone();
    b["fingerprint"] = json!(fingerprint("d", 1));
    assert_eq!(s.req("PATCH", &path, Some(&b)).status, 200);
    b["fingerprint"] = json!(fingerprint("d", 3));
    let r = s.req("PATCH", &path, Some(&b));
    assert_eq!(
        (r.status, r.code()),
        (400, "INVALID_ACTIVATION_FINGERPRINT")
    );
    // suspension shows in the token and reverts
    assert_eq!(
        s.admin(
            "PATCH",
            &format!("/v3/licenses/{lid}"),
            Some(&json!({"suspended": true}))
        )
        .status,
        200
    );
    assert!(
        claims(
            &s.req("PATCH", &path, Some(&body)).s("activationToken"),
            pem(&p)
        )
        .suspended
    );
    assert!(
        claims(&s.activate(&body).s("activationToken"), pem(&p)).suspended,
        "suspended licenses still activate"
    );
    s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"suspended": false})),
    );
    assert!(
        !claims(
            &s.req("PATCH", &path, Some(&body)).s("activationToken"),
            pem(&p)
        )
        .suspended
    );
    // expiry set by the admin shows in eat; expired licenses still activate
    let r = s.admin(
        "POST",
        &format!("/v3/licenses/{lid}/expires-at"),
        Some(&json!({"expiresAt": 1000})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        claims(
            &s.req("PATCH", &path, Some(&body)).s("activationToken"),
            pem(&p)
        )
        .eat,
        1000
    );
    assert_eq!(
        claims(&s.activate(&body).s("activationToken"), pem(&p)).eat,
        1000
    );
    // admin delete → 404 on sync
    assert_eq!(s.admin("DELETE", &path, None).status, 204);
    let r = s.req("PATCH", &path, Some(&body));
    assert_eq!((r.status, r.code()), (404, "ACTIVATION_NOT_FOUND"));
    // revoke → REVOKED_LICENSE on activate and sync
    let c = claims(&s.activate(&body).s("activationToken"), pem(&p));
    s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"revoked": true})),
    );
    assert_eq!(s.activate(&body).code(), "REVOKED_LICENSE");
    assert_eq!(
        s.req("PATCH", &format!("/v3/activations/{}", c.aid), Some(&body))
            .code(),
        "REVOKED_LICENSE"
    );
    // license deleted → 404
    s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"revoked": false})),
    );
    assert_eq!(
        s.admin("DELETE", &format!("/v3/licenses/{lid}"), None)
            .status,
        204
    );
    assert_eq!(
        s.req("PATCH", &format!("/v3/activations/{}", c.aid), Some(&body))
            .status,
        404
    );
}

#[test]
fn deactivation_and_deactivation_limit() {
    let s = Server::start();
    let (p, l) = setup(
        &s,
        json!({"allowedActivations": 1, "allowedDeactivations": 1}),
    );
    let (fa, fb) = (fingerprint("a", 0), fingerprint("b", 0));
    let a = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fa))
            .s("activationToken"),
        pem(&p),
    );
    // wrong fingerprint cannot deactivate
    let r = s.req(
        "POST",
        &format!("/v3/activations/{}/deactivate", a.aid),
        Some(&deactivation_body(pid(&p), &fb)),
    );
    assert_eq!(r.code(), "INVALID_ACTIVATION_FINGERPRINT");
    let r = s.req(
        "POST",
        &format!("/v3/activations/{}/deactivate", a.aid),
        Some(&deactivation_body(pid(&p), &fa)),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.is_empty());
    let r = s.req(
        "POST",
        &format!("/v3/activations/{}/deactivate", a.aid),
        Some(&deactivation_body(pid(&p), &fa)),
    );
    assert_eq!((r.status, r.code()), (404, "ACTIVATION_NOT_FOUND"));
    let b = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fb))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(b.total_deactivations, 1);
    let r = s.req(
        "POST",
        &format!("/v3/activations/{}/deactivate", b.aid),
        Some(&deactivation_body(pid(&p), &fb)),
    );
    assert_eq!((r.status, r.code()), (409, "DEACTIVATION_LIMIT_REACHED"));
    // legacy DELETE (no auth) on an unlimited license
    let l2 = s.license(pid(&p), json!({}));
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l2), &fa))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(
        s.req("DELETE", &format!("/v3/activations/{}", c.aid), None)
            .status,
        204
    );
    assert_eq!(
        s.req("DELETE", &format!("/v3/activations/{}", c.aid), None)
            .code(),
        "ACTIVATION_NOT_FOUND"
    );
}

#[test]
fn meter_attributes() {
    let s = Server::start();
    let (p, l) = setup(
        &s,
        json!({"meterAttributes": [{"name": "Exports", "allowedUses": 3}]}),
    );
    let fp = fingerprint("d", 0);
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fp))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(c.lma[0].allowed_uses, 3);
    let m = |name: &str, inc: i64| {
        s.req("POST", &format!("/v3/activations/meter-attributes/{name}"), Some(&json!({"increment": inc, "activationId": c.aid, "accountId": "", "productId": pid(&p)})))
    };
    let r = m("exports", 2);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["uses"].as_u64(),
            r.body["licenseTotalUses"].as_u64(),
            r.body["licenseAllowedUses"].as_i64()
        ),
        (Some(2), Some(2), Some(3))
    );
    let t = claims(&r.s("activationToken"), pem(&p));
    assert_eq!(t.ama[0].uses, 2);
    let r = m("exports", 2);
    assert_eq!(
        (r.status, r.code()),
        (409, "METER_ATTRIBUTE_USES_LIMIT_REACHED")
    );
    assert_eq!(m("imports", 1).code(), "METER_ATTRIBUTE_NOT_FOUND");
    let r = m("Exports", -10);
    assert_eq!(
        (r.body["uses"].as_u64(), r.body["licenseGrossUses"].as_u64()),
        (Some(0), Some(2))
    );
    let r = s.req(
        "POST",
        "/v3/activations/meter-attributes/exports",
        Some(&json!({"increment": 1, "activationId": "missing"})),
    );
    assert_eq!(r.code(), "ACTIVATION_NOT_FOUND");
}

#[test]
fn trials() {
    let s = Server::start();
    let p0 = s.product(1, json!({}));
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid(&p0), &fingerprint("a", 0))),
    );
    assert_eq!((r.status, r.code()), (400, "TRIAL_NOT_ALLOWED"));
    let p = s.product(2, json!({"trialLength": 3600, "trialActivationLimit": 1}));
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid(&p), &fingerprint("a", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let t: openlex_wire::TrialClaims =
        serde_json::from_value(verify(&r.s("trialActivationToken"), pem(&p))).unwrap();
    assert_eq!(t.eat - t.iat, 3600);
    assert_eq!(t.pid, pid(&p));
    // same device: same trial, 200
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid(&p), &fingerprint("a", 1))),
    );
    assert_eq!(r.status, 200);
    let t2: openlex_wire::TrialClaims =
        serde_json::from_value(verify(&r.s("trialActivationToken"), pem(&p))).unwrap();
    assert_eq!((t2.tid.as_str(), t2.eat), (t.tid.as_str(), t.eat));
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid(&p), &fingerprint("b", 0))),
    );
    assert_eq!(
        (r.status, r.code()),
        (409, "TRIAL_ACTIVATION_LIMIT_REACHED")
    );
    // admin extends; sync returns the new expiry
    let r = s.admin(
        "POST",
        &format!("/v3/trial-activations/{}/expires-at", t.tid),
        Some(&json!({"expiresAt": t.eat + 500})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "PATCH",
        &format!("/v3/trial-activations/{}", t.tid),
        Some(&trial_body(pid(&p), &fingerprint("a", 0))),
    );
    assert_eq!(r.status, 200);
    let t3: openlex_wire::TrialClaims =
        serde_json::from_value(verify(&r.s("trialActivationToken"), pem(&p))).unwrap();
    assert_eq!(t3.eat, t.eat + 500);
    let r = s.req(
        "PATCH",
        &format!("/v3/trial-activations/{}", t.tid),
        Some(&trial_body(pid(&p), &fingerprint("z", 0))),
    );
    assert_eq!(r.code(), "INVALID_ACTIVATION_FINGERPRINT");
    let r = s.req(
        "PATCH",
        "/v3/trial-activations/nope",
        Some(&trial_body(pid(&p), &fingerprint("a", 0))),
    );
    assert_eq!((r.status, r.code()), (404, "ACTIVATION_NOT_FOUND"));
    let r = s.admin(
        "GET",
        &format!("/v3/trial-activations?productId={}", pid(&p)),
        None,
    );
    assert_eq!(r.body.as_array().unwrap().len(), 1);
}

#[test]
fn require_authentication_user_lock_login_and_user_licenses() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let u = s.admin("POST", "/v3/users", Some(&json!({"email": "Ann@Example.com", "password": "correct horse", "name": "Ann", "company": "ACME"})));
    assert_eq!(u.status, 201, "{}", u.text);
    let uid = u.s("id");
    let l = s.license(
        pid(&p),
        json!({"requireAuthentication": true, "userId": uid, "userLocked": true}),
    );
    let fp = fingerprint("d", 0);
    let mut b = activation_body(pid(&p), key(&l), &fp);
    assert_eq!(s.activate(&b).code(), "AUTHENTICATION_FAILED");
    b["email"] = json!("ann@example.com");
    b["password"] = json!("wrong horse");
    assert_eq!(s.activate(&b).code(), "AUTHENTICATION_FAILED");
    b["password"] = json!("correct horse");
    let r = s.activate(&b);
    assert_eq!(r.status, 200, "{}", r.text);
    let c = claims(&r.s("activationToken"), pem(&p));
    assert_eq!(
        (c.name.as_str(), c.email.as_str(), c.company.as_str()),
        ("Ann", "ann@example.com", "ACME")
    );
    assert!(c.user_locked);
    assert_eq!(c.user_hash, b["userHash"].as_str().unwrap());
    // login and /v3/me/licenses
    let r = s.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "ann@example.com", "password": "correct horse", "accountId": null})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let at = r.s("accessToken");
    let r = s.raw(
        "GET",
        &format!("/v3/me/licenses?productId={}", pid(&p)),
        None,
        Some(&at),
    );
    assert_eq!(r.status, 200);
    let list: Vec<openlex_wire::requests::UserLicense> = serde_json::from_value(r.body).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].key.as_str(), list[0].total_activations),
        (key(&l), 1)
    );
    let r = s.raw("GET", "/v3/me/licenses?productId=x", None, None);
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));
    let r = s.raw("GET", "/v3/me/licenses?productId=x", None, Some("bogus"));
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));
    // login errors and lockout
    let login = |pw: &str| {
        s.req(
            "POST",
            "/v3/accounts/login",
            Some(&json!({"email": "ann@example.com", "password": pw, "accountId": ""})),
        )
    };
    assert_eq!(login("short").code(), "VALIDATION_FAILED");
    for _ in 0..4 {
        assert_eq!(login("wrong password").code(), "AUTHENTICATION_FAILED");
    }
    assert_eq!(login("wrong password").code(), "LOGIN_TEMPORARILY_LOCKED");
    assert_eq!(login("correct horse").code(), "LOGIN_TEMPORARILY_LOCKED");
    let r = s.req(
        "POST",
        "/v3/accounts/login-oidc",
        Some(&json!({"idToken": "x", "accountId": ""})),
    );
    assert_eq!(r.code(), "OIDC_SSO_NOT_ENABLED");
}

#[test]
fn two_factor_login() {
    let s = Server::start();
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let u = s.admin("POST", "/v3/users", Some(&json!({"email": "bob@example.com", "password": "hunter22hunter", "twoFactorSecret": secret})));
    assert_eq!(u.status, 201, "{}", u.text);
    assert_eq!(u.body["twoFactorEnabled"], json!(true));
    assert!(u.body.get("passwordHash").is_none());
    let login = |code: Option<&str>| {
        let mut b =
            json!({"email": "bob@example.com", "password": "hunter22hunter", "accountId": ""});
        if let Some(c) = code {
            b["twoFactorCode"] = json!(c);
        }
        s.req("POST", "/v3/accounts/login", Some(&b))
    };
    assert_eq!(login(None).code(), "TWO_FACTOR_AUTHENTICATION_CODE_MISSING");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let good =
        openlex_server::totp::totp(&openlex_server::totp::base32_decode(secret).unwrap(), now);
    let bad = if good == "000000" { "111111" } else { "000000" };
    assert_eq!(
        login(Some(bad)).code(),
        "TWO_FACTOR_AUTHENTICATION_CODE_INVALID"
    );
    let r = login(Some(&good));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.s("accessToken").is_empty());
}

#[test]
fn lookup_entitlements_and_releases() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let set = s.admin(
        "POST",
        "/v3/entitlement-sets",
        Some(&json!({"name": "pro", "displayName": "Pro", "tier": 2,
        "features": [{"featureName": "seats", "featureDisplayName": "Seats", "value": "5"}]})),
    );
    assert_eq!(set.status, 201, "{}", set.text);
    let l = s.license(pid(&p), json!({"entitlementSetId": set.s("id"), "maxAllowedReleaseVersion": "2.0.0",
        "featureEntitlements": [{"featureName": "seats", "value": "10"}],
        "productVersion": {"name": "v2", "displayName": "V2", "featureFlags": [{"name": "beta", "enabled": true, "data": "x"}]},
        "metadata": [{"key": "tier", "value": "gold"}]}));
    let r = s.req(
        "GET",
        &format!(
            "/v3/licenses/lookup?key={}&productId={}&accountId=",
            key(&l),
            pid(&p)
        ),
        None,
    );
    assert_eq!(
        (r.status, r.s("key"), r.s("type")),
        (200, key(&l).to_string(), "node-locked".to_string())
    );
    assert_eq!(
        s.req("GET", "/v3/licenses/lookup?key=NOPE", None).code(),
        "INVALID_LICENSE_KEY"
    );
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fingerprint("d", 0)))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(c.entitlement_set.as_ref().unwrap().tier, 2);
    assert_eq!(
        (
            c.feature_entitlements[0].value.as_str(),
            c.feature_entitlements[0].base_value.as_str()
        ),
        ("10", "5")
    );
    assert!(c.product_version.as_ref().unwrap().feature_flags[0].enabled);
    assert_eq!(c.lmd[0].value, "gold");
    let r = s.req(
        "GET",
        &format!(
            "/v3/activations/{}/feature-entitlements?accountId=&licenseId=",
            c.aid
        ),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let fe = verify(&r.s("featureEntitlementsToken"), pem(&p));
    assert_eq!(fe["featureEntitlements"][0]["featureName"], json!("seats"));
    for v in ["1.0.0", "2.0.0", "3.0.0"] {
        let r = s.admin("POST", "/v3/releases", Some(&json!({"productId": pid(&p), "version": v, "platforms": ["linux"], "channel": "stable",
            "files": [{"name": format!("app-{v}.tar.gz"), "url": "https://example.com/x"}]})));
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let q = |v: &str, allowed: bool| {
        s.req("GET", &format!("/v3/releases/update?productId={}&platform=linux&channel=stable&version={v}&key={}&accountId=&allowed={allowed}", pid(&p), key(&l)), None)
    };
    let r = q("1.0.0", false);
    assert_eq!(r.status, 200, "{}", r.text);
    let rel: openlex_wire::requests::Release = serde_json::from_value(r.body).unwrap();
    assert_eq!(
        (rel.version.as_str(), rel.total_files, rel.channel.as_str()),
        ("3.0.0", 1, "stable")
    );
    assert_eq!(q("1.0.0", true).body["version"], json!("2.0.0"));
    assert_eq!(q("2.0.0", true).status, 204);
    assert_eq!(q("3.0.0", false).status, 204);
    assert_eq!(
        q("3.0", false).status,
        204,
        "partial versions ignore missing components"
    );
    let r = s.req(
        "GET",
        &format!(
            "/v3/releases/update?productId={}&platform=windows&channel=stable&version=1.0&key={}",
            pid(&p),
            key(&l)
        ),
        None,
    );
    assert_eq!(r.status, 204);
    let r = s.req(
        "GET",
        &format!(
            "/v3/releases/latest?productId={}&platform=linux&channel=stable&key={}",
            pid(&p),
            key(&l)
        ),
        None,
    );
    assert_eq!(r.body["version"], json!("3.0.0"));
}

#[test]
fn hosted_floating_leases() {
    let s = Server::start_with_test_clock();
    let (p, l) = setup(
        &s,
        json!({"type": "hosted-floating", "allowedActivations": 1, "leaseDuration": 2, "serverSyncInterval": 1}),
    );
    let (fa, fb) = (fingerprint("a", 0), fingerprint("b", 0));
    let a = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fa))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(
        (a.r#type.as_str(), a.ld, a.leat - a.iat, a.ls.as_str()),
        ("hosted-floating", 2, 2, "per-machine")
    );
    assert_eq!(
        s.activate(&activation_body(pid(&p), key(&l), &fb)).code(),
        "ACTIVATION_LIMIT_REACHED"
    );
    // sync renews the lease
    let r = s.req(
        "PATCH",
        &format!("/v3/activations/{}", a.aid),
        Some(&activation_body(pid(&p), key(&l), &fa)),
    );
    let c = claims(&r.s("activationToken"), pem(&p));
    assert_eq!(c.leat - c.iat, 2);
    s.advance_clock(3);
    // the lease lapsed: the seat is free for b
    let r = s.activate(&activation_body(pid(&p), key(&l), &fb));
    assert_eq!(r.status, 200, "{}", r.text);
    // a's lapsed activation is gone
    let r = s.req(
        "PATCH",
        &format!("/v3/activations/{}", a.aid),
        Some(&activation_body(pid(&p), key(&l), &fa)),
    );
    assert_eq!(r.code(), "ACTIVATION_NOT_FOUND");
    // client lease durations are honoured when allowed
    let l2 = s.license(pid(&p), json!({"type": "hosted-floating", "allowedActivations": 2, "leaseDuration": 60, "allowClientLeaseDuration": true}));
    let mut b = activation_body(pid(&p), key(&l2), &fa);
    b["leaseDuration"] = json!(30);
    let c = claims(&s.activate(&b).s("activationToken"), pem(&p));
    assert_eq!(c.ld, 30);
}

#[test]
fn expiry_strategies() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let fp = fingerprint("d", 0);
    let l = s.license(pid(&p), json!({"validity": 1000}));
    assert!(date(&l["expiresAt"]) > 0);
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fp))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(c.eat, date(&l["expiresAt"]));
    let l = s.license(
        pid(&p),
        json!({"validity": 1000, "expirationStrategy": "delayed"}),
    );
    assert_eq!(date(&l["expiresAt"]), 0);
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fp))
            .s("activationToken"),
        pem(&p),
    );
    assert!((c.eat - c.iat - 1000).abs() <= 1);
    let l = s.license(
        pid(&p),
        json!({"validity": 1000, "expirationStrategy": "rolling"}),
    );
    let c = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fp))
            .s("activationToken"),
        pem(&p),
    );
    assert!((c.eat - c.iat - 1000).abs() <= 1);
    let r = s.admin(
        "POST",
        &format!("/v3/licenses/{}/renew", l["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let c2 = claims(
        &s.activate(&activation_body(pid(&p), key(&l), &fp))
            .s("activationToken"),
        pem(&p),
    );
    assert_eq!(c2.eat, c.eat + 1000);
}

#[test]
fn offline_activation_and_deactivation() {
    use openlex_server::offline::build_request;
    let s = Server::start();
    let (p, l) = setup(&s, json!({"allowedActivations": 1}));
    let fp = fingerprint("d", 0);
    let req: openlex_wire::requests::ActivationRequest =
        serde_json::from_value(activation_body(pid(&p), key(&l), &fp)).unwrap();
    let text = build_request("activation", &req, None).unwrap();
    assert!(text.starts_with("OLREQ1."));
    let r = s.req(
        "POST",
        "/v3/activations/offline-activate",
        Some(&json!({"offlineRequest": text, "responseValidity": 3600})),
    );
    assert_eq!((r.status, r.code()), (401, "UNAUTHORIZED"));
    let r = s.admin(
        "POST",
        "/v3/activations/offline-activate",
        Some(&json!({"offlineRequest": text, "responseValidity": 3600, "licenseId": l["id"]})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let resp: openlex_wire::requests::ActivationResponse =
        serde_json::from_str(&r.s("offlineResponse")).unwrap();
    let c = claims(&resp.activation_token, pem(&p));
    assert!(c.orv >= c.iat + 3599);
    assert_eq!(c.activation_mode.as_ref().unwrap().current, "offline");
    assert_eq!((c.ssi, c.ssgpeat), (0, 0));
    let r = s.admin(
        "POST",
        "/v3/activations/offline-activate",
        Some(&json!({"offlineRequest": "garbage", "responseValidity": 3600})),
    );
    assert_eq!(r.code(), "INVALID_OFFLINE_REQUEST");
    let d: openlex_wire::requests::DeactivationRequest =
        serde_json::from_value(deactivation_body(pid(&p), &fp)).unwrap();
    let dtext = build_request("deactivation", &d, Some(&c.aid)).unwrap();
    let r = s.admin(
        "POST",
        "/v3/activations/offline-deactivate",
        Some(&json!({"offlineRequest": dtext, "licenseId": l["id"]})),
    );
    assert_eq!(r.status, 204, "{}", r.text);
    // trial offline (public form)
    let pt = s.product(2, json!({"trialLength": 100}));
    let treq: openlex_wire::requests::TrialActivationRequest =
        serde_json::from_value(trial_body(pid(&pt), &fp)).unwrap();
    let ttext = build_request("trial", &treq, None).unwrap();
    let r = s.req("POST", "/v3/trial-activations/offline-activate", Some(&json!({"offlineRequest": ttext, "responseValidity": 60, "productId": pid(&pt), "accountId": ""})));
    assert_eq!(r.status, 200, "{}", r.text);
    let tr: openlex_wire::requests::TrialActivationResponse =
        serde_json::from_str(&r.s("offlineResponse")).unwrap();
    let t: openlex_wire::TrialClaims =
        serde_json::from_value(verify(&tr.trial_activation_token, pem(&pt))).unwrap();
    assert!(t.orv > t.iat);
}

#[test]
fn status_and_unknown_routes() {
    let s = Server::start();
    let r = s.req("GET", "/v3/status", None);
    assert_eq!(r.status, 200);
    let r = s.req("GET", "/v3/nothing-here", None);
    assert_eq!((r.status, r.code()), (404, "NOT_FOUND"));
    let r = s.req("PUT", "/v3/status", Some(&json!({})));
    assert_eq!(r.status, 405);
}
