//! Admin API auth, CRUD, pagination and the CLI against the real binary.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn admin_auth_401_403_and_scopes() {
    let s = Server::start();
    let r = s.req("GET", "/v3/licenses", None);
    assert_eq!((r.status, r.code()), (401, "UNAUTHORIZED"));
    let r = s.raw("GET", "/v3/licenses", None, Some("olat_wrong"));
    assert_eq!((r.status, r.code()), (401, "UNAUTHORIZED"));
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "ro", "scopes": ["license:read"]})),
    );
    assert_eq!(t.status, 201, "{}", t.text);
    let ro = t.s("token");
    assert!(t.body.get("tokenHash").is_none());
    assert_eq!(s.raw("GET", "/v3/licenses", None, Some(&ro)).status, 200);
    let r = s.raw("POST", "/v3/products", Some(r#"{"name":"x"}"#), Some(&ro));
    assert_eq!((r.status, r.code()), (403, "FORBIDDEN"));
    let r = s.raw("GET", "/v3/activations", None, Some(&ro));
    assert_eq!(r.status, 403);
    let r = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"scopes": ["bogus:scope"]})),
    );
    assert_eq!(r.code(), "VALIDATION_FAILED");
    // deleting the token revokes it
    let id = t.s("id");
    assert_eq!(
        s.admin("DELETE", &format!("/v3/personal-access-tokens/{id}"), None)
            .status,
        204
    );
    assert_eq!(s.raw("GET", "/v3/licenses", None, Some(&ro)).status, 401);
    // the CLI makes tokens too
    let (ok, out, err) = s.cli(&["token", "create", "--scope", "product:read,license:*"]);
    assert!(ok, "{err}");
    let tok = out.trim();
    assert_eq!(s.raw("GET", "/v3/products", None, Some(tok)).status, 200);
    assert_eq!(
        s.raw("POST", "/v3/licenses", Some("{}"), Some(tok)).code(),
        "VALIDATION_FAILED"
    );
}

#[test]
fn crud_and_pagination() {
    let s = Server::start();
    let p = s.product(1, json!({"metadata": [{"key": "edition", "value": "pro"}]}));
    let pid = p["id"].as_str().unwrap();
    assert!(p["publicKey"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let pd = openlex_wire::product_data::parse(p["productData"].as_str().unwrap());
    match pd {
        Some(openlex_wire::product_data::Parsed::Full(d)) => assert_eq!(d.product_id, pid),
        other => panic!("{other:?}"),
    }
    let r = s.admin(
        "PATCH",
        &format!("/v3/products/{pid}"),
        Some(&json!({"displayName": "Renamed", "trialLength": 60})),
    );
    assert_eq!((r.status, r.s("displayName")), (200, "Renamed".to_string()));
    assert_eq!(
        s.admin("GET", &format!("/v3/products/{pid}"), None).body["trialLength"],
        json!(60)
    );
    assert_eq!(
        s.admin("GET", "/v3/products/nope", None).code(),
        "NOT_FOUND"
    );
    let keys: Vec<String> = (0..3)
        .map(|_| {
            s.license(pid, json!({}))["key"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for k in &keys {
        let g: Vec<&str> = k.split('-').collect();
        assert_eq!(g.len(), 6);
        assert!(g.iter().all(|x| x.len() == 6
            && x.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))));
    }
    let r = s.admin(
        "GET",
        &format!("/v3/licenses?productId={pid}&limit=2&page=1&sort=createdAt"),
        None,
    );
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    assert_eq!(r.header("x-total-count"), Some("3"));
    let r = s.admin(
        "GET",
        &format!("/v3/licenses?productId={pid}&limit=2&page=2"),
        None,
    );
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(
        s.admin("GET", "/v3/licenses?limit=0", None).code(),
        "VALIDATION_FAILED"
    );
    assert_eq!(
        s.admin("GET", "/v3/licenses?limit=101", None).code(),
        "VALIDATION_FAILED"
    );
    let r = s.admin("GET", &format!("/v3/licenses?key={}", keys[1]), None);
    assert_eq!(r.body[0]["key"], json!(keys[1]));
    let r = s.admin("GET", &format!("/v3/licenses?key[eq]={}", keys[2]), None);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    // validation on create
    for bad in [
        json!({"productId": pid, "type": "weird"}),
        json!({"productId": "missing"}),
        json!({"productId": pid, "allowedActivations": "x"}),
        json!({"productId": pid, "fingerprintMatchingStrategy": "psychic"}),
    ] {
        let r = s.admin("POST", "/v3/licenses", Some(&bad));
        assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"), "{bad}");
    }
    let dup = s.admin(
        "POST",
        "/v3/licenses",
        Some(&json!({"productId": pid, "key": keys[0]})),
    );
    assert_eq!((dup.status, dup.code()), (409, "CONFLICT"));
    // activations listing and get
    let fp = fingerprint("d", 0);
    let a = s.activate(&activation_body(pid, &keys[0], &fp));
    assert_eq!(a.status, 200);
    let r = s.admin("GET", &format!("/v3/activations?productId={pid}"), None);
    let acts = r.body.as_array().unwrap();
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0]["hostname"], json!("build-host"));
    let aid = acts[0]["id"].as_str().unwrap();
    assert_eq!(
        s.admin("GET", &format!("/v3/activations/{aid}"), None).body["os"],
        json!("linux")
    );
    let lic = s.admin("GET", &format!("/v3/licenses?key={}", keys[0]), None);
    assert_eq!(lic.body[0]["totalActivations"], json!(1));
    // users, releases, entitlement sets CRUD basics
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "x@example.com", "password": "longenough", "enableTwoFactor": true})),
    );
    assert_eq!(u.status, 201);
    assert_eq!(u.s("twoFactorSecret").len(), 32);
    let uid = u.s("id");
    assert_eq!(
        s.admin(
            "PATCH",
            &format!("/v3/users/{uid}"),
            Some(&json!({"name": "X"}))
        )
        .s("name"),
        "X"
    );
    assert!(s
        .admin("GET", &format!("/v3/users/{uid}"), None)
        .body
        .get("twoFactorSecret")
        .is_none());
    assert_eq!(
        s.admin(
            "POST",
            "/v3/users",
            Some(&json!({"email": "x@example.com", "password": "longenough"}))
        )
        .status,
        409
    );
    let rel = s.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "1.2", "platforms": ["linux"]})),
    );
    assert_eq!(rel.status, 201, "{}", rel.text);
    let rid = rel.s("id");
    let f = s.admin(
        "POST",
        &format!("/v3/releases/{rid}/files"),
        Some(&json!({"name": "a.zip", "url": "https://x/a.zip", "size": 10})),
    );
    assert_eq!(f.body["files"][0]["extension"], json!("zip"));
    assert_eq!(
        s.admin(
            "POST",
            "/v3/releases",
            Some(&json!({"productId": pid, "version": "v1", "platforms": ["linux"]}))
        )
        .code(),
        "VALIDATION_FAILED"
    );
    assert_eq!(
        s.admin("DELETE", &format!("/v3/releases/{rid}"), None)
            .status,
        204
    );
    let es = s.admin(
        "POST",
        "/v3/entitlement-sets",
        Some(&json!({"name": "basic"})),
    );
    let esid = es.s("id");
    assert_eq!(
        s.admin(
            "PATCH",
            &format!("/v3/entitlement-sets/{esid}"),
            Some(&json!({"tier": 3}))
        )
        .body["tier"],
        json!(3)
    );
    assert_eq!(
        s.admin("DELETE", &format!("/v3/entitlement-sets/{esid}"), None)
            .status,
        204
    );
    // deleting the product removes its licenses and activations
    assert_eq!(
        s.admin("DELETE", &format!("/v3/products/{pid}"), None)
            .status,
        204
    );
    assert_eq!(
        s.admin("GET", "/v3/licenses", None)
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.admin("GET", "/v3/activations", None)
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn cli_end_to_end() {
    let s = Server::start();
    let key_file = format!(
        "{}/tests/fixtures/test-key-3.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let (ok, out, err) = s.cli(&[
        "product",
        "create",
        "--name",
        "CLI App",
        "--trial-length",
        "600",
        "--private-key-file",
        &key_file,
        "--json",
    ]);
    assert!(ok, "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    let pid = p["id"].as_str().unwrap().to_string();
    assert!(p["productData"].as_str().unwrap().len() > 300);
    let (ok, out, _) = s.cli(&["product", "list"]);
    assert!(ok && out.contains(&pid));
    let (ok, out, err) = s.cli(&[
        "license",
        "create",
        "--product-id",
        &pid,
        "--key",
        "CLI-KEY-0001",
        "--type",
        "node-locked",
        "--allowed-activations",
        "-1",
        "--allowed-deactivations",
        "3",
        "--validity",
        "86400",
        "--expiration-strategy",
        "immediate",
        "--server-sync-interval",
        "1",
        "--server-sync-grace-period",
        "5",
        "--fingerprint-matching-strategy",
        "exact",
        "--allow-vm",
        "false",
        "--allow-container",
        "true",
        "--user-locked",
        "--metadata",
        "plan=gold",
        "--meter-attribute",
        "exports=-1",
        "--json",
    ]);
    assert!(ok, "{err}");
    let l: Value = serde_json::from_str(&out).unwrap();
    let lid = l["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            l["key"].as_str(),
            l["allowedActivations"].as_i64(),
            l["fingerprintMatchingStrategy"].as_str()
        ),
        (Some("CLI-KEY-0001"), Some(-1), Some("exact"))
    );
    assert!(l["userLocked"].as_bool().unwrap());
    let (ok, out, _) = s.cli(&["license", "create", "--product-id", &pid]);
    assert!(ok && out.starts_with("license key: "), "{out}");
    // the running server sees CLI changes at once
    let fp = fingerprint("d", 0);
    let body = activation_body(&pid, "CLI-KEY-0001", &fp);
    let r = s.activate(&body);
    assert_eq!(r.status, 200, "{}", r.text);
    let c = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
    assert_eq!(
        (c.ssi, c.allowed_activations, c.lmd[0].value.as_str()),
        (1, -1, "gold")
    );
    let path = format!("/v3/activations/{}", c.aid);
    assert!(s.cli(&["license", "suspend", &lid]).0);
    assert!(
        claims(
            &s.req("PATCH", &path, Some(&body)).s("activationToken"),
            p["publicKey"].as_str().unwrap()
        )
        .suspended
    );
    assert!(s.cli(&["license", "unsuspend", &lid]).0);
    assert!(s.cli(&["license", "expire", &lid, "--at", "12345"]).0);
    assert_eq!(
        claims(
            &s.req("PATCH", &path, Some(&body)).s("activationToken"),
            p["publicKey"].as_str().unwrap()
        )
        .eat,
        12345
    );
    assert!(s.cli(&["license", "renew", &lid]).0);
    let (ok, out, _) = s.cli(&["activation", "list", "--license-id", &lid, "--json"]);
    assert!(ok);
    let acts: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(acts[0]["id"].as_str(), Some(c.aid.as_str()));
    assert!(s.cli(&["activation", "delete", &c.aid]).0);
    assert_eq!(
        s.req("PATCH", &path, Some(&body)).code(),
        "ACTIVATION_NOT_FOUND"
    );
    assert!(s.cli(&["license", "revoke", &lid]).0);
    assert_eq!(s.activate(&body).code(), "REVOKED_LICENSE");
    assert!(
        s.cli(&["license", "update", &lid, r#"{"revoked":false}"#])
            .0
    );
    assert_eq!(s.activate(&body).status, 200);
    let (ok, out, err) = s.cli(&[
        "user",
        "create",
        "--email",
        "cli@example.com",
        "--password",
        "password123",
        "--license-id",
        &lid,
        "--json",
    ]);
    assert!(ok, "{err}");
    let u: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        s.admin("GET", &format!("/v3/licenses/{lid}"), None).body["userId"],
        u["id"]
    );
    let (ok, _, err) = s.cli(&[
        "release",
        "create",
        "--product-id",
        &pid,
        "--version",
        "1.5.0",
        "--platform",
        "linux,windows",
        "--file-name",
        "a.tgz",
        "--file-url",
        "https://x/a.tgz",
    ]);
    assert!(ok, "{err}");
    let r = s.req("GET", &format!("/v3/releases/update?productId={pid}&platform=windows&channel=stable&version=1.0&key=CLI-KEY-0001"), None);
    assert_eq!(r.body["version"], json!("1.5.0"));
    assert!(s.cli(&["license", "delete", &lid]).0);
    assert!(!s.cli(&["license", "get", &lid]).0);
    // errors exit non-zero with a message
    let (ok, _, err) = s.cli(&["license", "create", "--product-id", "missing"]);
    assert!(!ok && err.contains("VALIDATION_FAILED"));
}

#[test]
fn init_twice_and_http_off_loopback_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let (ok, out, _) = cli(&dir, &["init"]);
    assert!(ok && out.contains("admin token: olat_"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(dir.join("admin-token"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(dir.join("server-key.pem"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    for f in ["ca.pem", "server.pem", "server-key.pem"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    // the SQLite file, unless the suite runs on PostgreSQL
    assert_eq!(
        dir.join("openlex.db").exists(),
        test_database_server().is_none()
    );
    assert!(!cli(&dir, &["init"]).0);
    let (ok, _, err) = cli(&dir, &["serve", "--http", "--listen", "0.0.0.0:0"]);
    assert!(!ok && err.contains("loopback"), "{err}");
    let (ok, _, err) = cli(&tmp.path().join("none"), &["product", "list"]);
    assert!(!ok && err.contains("init"), "{err}");
}

#[test]
fn plain_http_on_loopback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    assert!(cli(&dir, &["init"]).0);
    let mut child = command_for(&dir)
        .args(["serve", "--http", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(format!("{url}/v3/status")).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.body_mut().read_to_string().unwrap().contains("ok"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn product_create_generates_a_real_rsa_key() {
    // RSA-2048 generation is the one slow path in debug builds; run it once.
    let s = Server::start();
    let (ok, out, err) = s.cli(&[
        "product",
        "create",
        "--name",
        "Generated",
        "--trial-length",
        "60",
    ]);
    assert!(ok, "{err}");
    assert!(out.starts_with("product id: "), "{out}");
    let pid = out
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("product id: ")
        .to_string();
    let p = s.admin("GET", &format!("/v3/products/{pid}"), None);
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(&pid, &fingerprint("d", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    verify(
        &r.s("trialActivationToken"),
        p.body["publicKey"].as_str().unwrap(),
    );
}

/// The vendor's DTOs carry dates as ISO 8601 UTC strings (`null` where the
/// vendor's are nullable and unset); requests take ISO strings or unix
/// seconds, and a date of the wrong type is a 400 naming the field.
#[test]
fn dates_are_iso_8601_strings() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let iso = |v: &Value| {
        let t = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
        assert!(
            t.len() == 24 && t.ends_with(".000Z") && t.as_bytes()[10] == b'T',
            "{t}"
        );
        date(v)
    };
    iso(&p["createdAt"]);
    iso(&p["updatedAt"]);
    // a lifetime license: expiresAt null
    let l = s.license(pid, json!({}));
    assert_eq!(l["expiresAt"], Value::Null);
    assert!(iso(&l["createdAt"]) > 1_600_000_000);
    // an ISO expiry in, the same instant out; unix seconds are accepted too
    let l = s.license(pid, json!({"expiresAt": "2031-01-02T03:04:05+01:00"}));
    assert_eq!(l["expiresAt"], json!("2031-01-02T02:04:05.000Z"));
    let id = l["id"].as_str().unwrap();
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{id}"),
        Some(&json!({"expiresAt": 1_924_992_000})),
    );
    assert_eq!(r.body["expiresAt"], json!("2031-01-01T00:00:00.000Z"));
    // null clears it (lifetime again)
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{id}"),
        Some(&json!({"expiresAt": null})),
    );
    assert_eq!(r.body["expiresAt"], Value::Null);
    for bad in [json!("next tuesday"), json!(true), json!({"a": 1})] {
        let r = s.admin(
            "PATCH",
            &format!("/v3/licenses/{id}"),
            Some(&json!({ "expiresAt": bad })),
        );
        assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"), "{bad}");
        assert!(r.text.contains("ISO 8601"), "{}", r.text);
    }
    // tokens: a never-expiring token's expiresAt is null
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "t", "scopes": ["license:read"]})),
    );
    assert_eq!(t.body["expiresAt"], Value::Null);
    iso(&t.body["createdAt"]);
}

/// The vendor's shapes for extend, the product data file, releases, users
/// and token creation (the SDK suite in server/tests/sdk drives the same
/// endpoints with the vendor's own client).
#[test]
fn vendor_shapes_of_extend_product_dat_releases_users_tokens() {
    let s = Server::start();
    let p = s.product(1, json!({"trialLength": 86400}));
    let pid = p["id"].as_str().unwrap();
    // license extend: + extensionLength seconds; a lifetime license refuses
    let l = s.license(pid, json!({"expiresAt": "2030-01-01T00:00:00Z"}));
    let id = l["id"].as_str().unwrap();
    let r = s.admin(
        "POST",
        &format!("/v3/licenses/{id}/extend"),
        Some(&json!({"extensionLength": 3600})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["expiresAt"], json!("2030-01-01T01:00:00.000Z"));
    for bad in [
        json!({}),
        json!({"extensionLength": 0}),
        json!({"extensionLength": "1h"}),
    ] {
        let r = s.admin("POST", &format!("/v3/licenses/{id}/extend"), Some(&bad));
        assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"), "{bad}");
    }
    let life = s.license(pid, json!({}));
    let r = s.admin(
        "POST",
        &format!("/v3/licenses/{}/extend", life["id"].as_str().unwrap()),
        Some(&json!({"extensionLength": 60})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    // vendor filters not answered are refused, not ignored
    let r = s.admin("GET", "/v3/licenses?revoked=true", None);
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    assert!(r.text.contains("`revoked`"), "{}", r.text);
    for (path, filter) in [
        (
            "/v3/activations?lastSyncedAt[lt]=2020-01-01",
            "lastSyncedAt",
        ),
        ("/v3/users?role=admin", "role"),
        ("/v3/releases?channel=beta", "channel"),
        ("/v3/products?query=x", "query"),
        ("/v3/trial-activations?query=x", "query"),
    ] {
        let r = s.admin("GET", path, None);
        assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"), "{path}");
        assert!(r.text.contains(&format!("`{filter}`")), "{}", r.text);
    }
    // unknown query keys that are not vendor filters are ignored
    assert_eq!(
        s.admin("GET", "/v3/activations?utm_source=x", None).status,
        200
    );
    // the product data file
    let r = s.admin("GET", &format!("/v3/products/{pid}/product.dat"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.text, p["productData"].as_str().unwrap());
    // releases take the vendor's single `platform` and `private`
    let r = s.admin(
        "POST",
        "/v3/releases",
        Some(
            &json!({"productId": pid, "version": "1.0.0", "channel": "stable",
            "platform": "linux", "private": true, "name": "one"}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            &r.body["platform"],
            &r.body["platforms"],
            &r.body["private"],
            &r.body["totalFiles"]
        ),
        (&json!("linux"), &json!(["linux"]), &json!(true), &json!(0))
    );
    // users: firstName + lastName make the name
    let r = s.admin(
        "POST",
        "/v3/users",
        Some(
            &json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
            "password": "correct horse 1"}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (&r.body["name"], &r.body["firstName"], &r.body["lastName"]),
        (&json!("Ada Lovelace"), &json!("Ada"), &json!("Lovelace"))
    );
    // token creation answers the vendor's AccessTokenDto (accessToken)
    let r = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "t", "scopes": ["license:read"]})),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.body["accessToken"], r.body["token"]);
    assert!(r.s("accessToken").starts_with("olat_"));
}

/// License policies: products reference one; licenses start from it (the
/// body's own fields override); a policy in use cannot be deleted.
#[test]
fn license_policies_are_templates_licenses_inherit() {
    let s = Server::start();
    let r = s.admin(
        "POST",
        "/v3/license-policies",
        Some(
            &json!({"name": "pro", "allowedActivations": 5, "validity": 1000,
            "fingerprintMatchingStrategy": "exact", "allowedIpRanges": ["ignored"]}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let pol = r.s("id");
    assert_eq!(
        (
            &r.body["name"],
            &r.body["allowedActivations"],
            &r.body["type"]
        ),
        (&json!("pro"), &json!(5), &json!("node-locked"))
    );
    date(&r.body["createdAt"]);
    let r = s.admin(
        "POST",
        "/v3/license-policies",
        Some(&json!({"name": "x", "validity": "long"})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let p = s.product(1, json!({"licensePolicyId": pol}));
    let pid = p["id"].as_str().unwrap();
    assert_eq!(p["licensePolicyId"], json!(pol));
    let l = s.license(pid, json!({}));
    assert_eq!(
        (
            &l["allowedActivations"],
            &l["validity"],
            &l["fingerprintMatchingStrategy"]
        ),
        (&json!(5), &json!(1000), &json!("exact"))
    );
    assert!(date(&l["expiresAt"]) > 0);
    let l = s.license(pid, json!({"allowedActivations": 2}));
    assert_eq!(
        (&l["allowedActivations"], &l["validity"]),
        (&json!(2), &json!(1000))
    );
    // a license may name another policy than its product's
    let other = s.admin(
        "POST",
        "/v3/license-policies",
        Some(&json!({"name": "one", "allowedActivations": 1})),
    );
    let l = s.license(pid, json!({"licensePolicyId": other.s("id")}));
    assert_eq!(
        (&l["allowedActivations"], &l["validity"]),
        (&json!(1), &json!(0))
    );
    let r = s.admin(
        "POST",
        "/v3/licenses",
        Some(&json!({"productId": pid, "licensePolicyId": "missing"})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    assert!(r.text.contains("licensePolicyId"), "{}", r.text);
    let r = s.admin("DELETE", &format!("/v3/license-policies/{pol}"), None);
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
    let r = s.admin(
        "GET",
        "/v3/license-policies?limit=1&page=2&sort=createdAt",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body[0]["id"], json!(other.s("id")));
}

/// Trial policies: a product naming one runs its trials by the policy.
#[test]
fn trial_policies_replace_a_products_inline_trial_fields() {
    let s = Server::start();
    let r = s.admin(
        "POST",
        "/v3/trial-policies",
        Some(&json!({"name": "week", "trialLength": 604800, "allowVmActivation": false})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let pol = r.s("id");
    assert_eq!(
        (
            &r.body["trialLength"],
            &r.body["allowVmActivation"],
            &r.body["fingerprintMatchingStrategy"]
        ),
        (&json!(604800), &json!(false), &json!("fuzzy"))
    );
    let r = s.admin("POST", "/v3/trial-policies", Some(&json!({"name": "none"})));
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let p = s.product(1, json!({"trialLength": 0, "trialPolicyId": pol}));
    let pid = p["id"].as_str().unwrap();
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid, &fingerprint("t", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let mut vm = trial_body(pid, &fingerprint("vm", 0));
    vm["vmName"] = json!("kvm");
    let r = s.req("POST", "/v3/trial-activations", Some(&vm));
    assert_eq!(r.code(), "VM_ACTIVATION_NOT_ALLOWED", "{}", r.text);
    let r = s.admin(
        "POST",
        "/v3/products",
        Some(&json!({"name": "x", "trialPolicyId": "missing"})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let r = s.admin("DELETE", &format!("/v3/trial-policies/{pol}"), None);
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
}

/// Publishing a release and the vendor's `/v3/release-files`.
#[test]
fn release_publish_and_release_files() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let r = s.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "2.0.0", "platform": "windows", "published": false})),
    );
    assert_eq!(
        (r.status, &r.body["published"]),
        (201, &json!(false)),
        "{}",
        r.text
    );
    assert_eq!(r.body["publishedAt"], Value::Null);
    let id = r.s("id");
    let r = s.admin("POST", &format!("/v3/releases/{id}/publish"), None);
    assert_eq!(
        (r.status, &r.body["published"]),
        (200, &json!(true)),
        "{}",
        r.text
    );
    date(&r.body["publishedAt"]);
    let r = s.admin(
        "POST",
        "/v3/release-files",
        Some(&json!({"releaseId": id, "name": "a.msi", "url": "https://x/a.msi", "size": 5})),
    );
    assert_eq!(
        (r.status, &r.body["totalFiles"]),
        (201, &json!(1)),
        "{}",
        r.text
    );
    let r = s.admin("GET", &format!("/v3/release-files?releaseId={id}"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body[0]["name"], json!("a.msi"));
    assert_eq!(r.body[0]["releaseId"], json!(id));
    let r = s.admin("GET", "/v3/release-files", None);
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let r = s.admin(
        "POST",
        "/v3/release-files",
        Some(&json!({"releaseId": "missing", "name": "a", "url": "u"})),
    );
    assert_eq!((r.status, r.code()), (404, "NOT_FOUND"));
}

/// `X-Total-Count` of license lists: all licenses and those of one product
/// come from the per-product counts the database's triggers keep; they
/// follow creates, deletes, a refused duplicate and updates exactly, and
/// agree with the counted filters.
#[test]
fn license_totals_follow_creates_and_deletes() {
    let s = Server::start();
    let total = |path: &str| -> i64 {
        let r = s.admin("GET", path, None);
        assert_eq!(r.status, 200, "{}", r.text);
        r.header("x-total-count").unwrap().parse().unwrap()
    };
    let a = s.product(1, json!({}));
    let b = s.product(2, json!({}));
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    assert_eq!(total("/v3/licenses"), 0);
    assert_eq!(total(&format!("/v3/licenses?productId={a}")), 0);
    let in_a: Vec<Value> = (0..3).map(|_| s.license(a, json!({}))).collect();
    s.license(b, json!({"key": "TOTALS-B-1"}));
    s.license(b, json!({}));
    assert_eq!(total("/v3/licenses"), 5);
    assert_eq!(total(&format!("/v3/licenses?productId={a}")), 3);
    assert_eq!(total(&format!("/v3/licenses?productId={b}")), 2);
    assert_eq!(total("/v3/licenses?productId=unknown"), 0);
    assert_eq!(total("/v3/licenses?key=TOTALS-B-1"), 1);
    // a duplicate key is refused and counts nothing
    let r = s.admin(
        "POST",
        "/v3/licenses",
        Some(&json!({"productId": a, "key": "TOTALS-B-1"})),
    );
    assert_eq!(r.status, 409, "{}", r.text);
    // an update rewrites the row, not the count
    let id = in_a[0]["id"].as_str().unwrap();
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{id}"),
        Some(&json!({"suspended": true})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(total(&format!("/v3/licenses?productId={a}")), 3);
    let r = s.admin("DELETE", &format!("/v3/licenses/{id}"), None);
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(total(&format!("/v3/licenses?productId={a}")), 2);
    assert_eq!(total("/v3/licenses"), 4);
    let r = s.admin(
        "GET",
        &format!("/v3/licenses?productId={a}&limit=1&page=2"),
        None,
    );
    assert_eq!(r.body.as_array().unwrap().len(), 1);
}
