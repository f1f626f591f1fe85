//! The vendor's remaining resource paths against the real binary, with the
//! JSON shapes pinned: license metadata and meter attributes by id, the CSV
//! exports, personal access tokens read and revoked, release files by id,
//! user role and password reset.

mod common;

use common::*;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn license_entries_tokens_and_release_files_by_id() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(
        pid,
        json!({"metadata": [{"key": "plan", "value": "pro"}],
               "meterAttributes": [{"name": "exports", "allowedUses": 5}]}),
    );
    let lid = l["id"].as_str().unwrap();
    // entries carry ids `{licenseId}.{16 hex}` (and the vendor's `visible`)
    let md = &l["metadata"][0];
    assert_eq!(keys(md), ["id", "key", "value", "visible"]);
    let md_id = md["id"].as_str().unwrap();
    let (owner, suffix) = md_id.rsplit_once('.').unwrap();
    assert_eq!((owner, suffix.len()), (lid, 16));
    let ma = &l["meterAttributes"][0];
    assert_eq!(
        keys(ma),
        ["allowedUses", "grossUses", "id", "name", "totalUses"]
    );
    let ma_id = ma["id"].as_str().unwrap();
    // reset answers the license; delete answers 204 and then 404
    let r = s.admin(
        "POST",
        &format!("/v3/licenses/meter-attributes/{ma_id}/reset"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], lid);
    assert_eq!(r.body["meterAttributes"][0]["totalUses"], 0);
    for path in [
        format!("/v3/licenses/metadata/{md_id}"),
        format!("/v3/licenses/meter-attributes/{ma_id}"),
    ] {
        assert_eq!(s.admin("DELETE", &path, None).status, 204, "{path}");
        let r = s.admin("DELETE", &path, None);
        assert_eq!((r.status, r.code()), (404, "NOT_FOUND"), "{path}");
    }
    let got = s.admin("GET", &format!("/v3/licenses/{lid}"), None);
    assert_eq!(got.body["metadata"], json!([]));
    assert_eq!(got.body["meterAttributes"], json!([]));
    // claims still carry metadata without ids
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"metadata": [{"key": "k", "value": "v"}]})),
    );
    assert_eq!(r.status, 200);
    let a = s.activate(&activation_body(
        pid,
        l["key"].as_str().unwrap(),
        &fingerprint("d", 0),
    ));
    assert_eq!(a.status, 200, "{}", a.text);
    let c = verify(
        a.body["activationToken"].as_str().unwrap(),
        p["publicKey"].as_str().unwrap(),
    );
    assert_eq!(c["lmd"], json!([{"key": "k", "value": "v"}]));

    // personal access tokens: GET one (never the secret), PATCH revokes
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "t", "scopes": ["product:read"]})),
    );
    let tid = t.s("id");
    let secret = t.s("token");
    let one = s.admin("GET", &format!("/v3/personal-access-tokens/{tid}"), None);
    assert_eq!(
        keys(&one.body),
        [
            "createdAt",
            "expiresAt",
            "id",
            "name",
            "revoked",
            "scopes",
            "updatedAt"
        ]
    );
    assert_eq!(one.body["revoked"], false);
    assert_eq!(one.body["expiresAt"], Value::Null);
    assert_eq!(
        s.raw("GET", "/v3/products", None, Some(&secret)).status,
        200
    );
    let r = s.admin(
        "PATCH",
        &format!("/v3/personal-access-tokens/{tid}"),
        Some(&json!({"revoked": true})),
    );
    assert_eq!((r.status, &r.body["revoked"]), (200, &json!(true)));
    let r = s.raw("GET", "/v3/products", None, Some(&secret));
    assert_eq!((r.status, r.code()), (401, "UNAUTHORIZED"));
    let r = s.admin(
        "PATCH",
        &format!("/v3/personal-access-tokens/{tid}"),
        Some(&json!({"revoked": "yes"})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));

    // release files by id
    let rel = s.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "1.0.0", "platforms": ["linux"]})),
    );
    let rid = rel.s("id");
    let with = s.admin(
        "POST",
        "/v3/release-files",
        Some(&json!({"releaseId": rid, "name": "a.zip", "url": "https://x/a.zip", "size": 3})),
    );
    assert_eq!(with.status, 201, "{}", with.text);
    let fid = with.body["files"][0]["id"].as_str().unwrap().to_owned();
    assert!(fid.starts_with(&format!("{rid}.")));
    let f = s.admin("GET", &format!("/v3/release-files/{fid}"), None);
    assert_eq!(f.status, 200, "{}", f.text);
    assert_eq!(
        keys(&f.body),
        [
            "checksum",
            "createdAt",
            "downloads",
            "extension",
            "id",
            "name",
            "releaseId",
            "secured",
            "size",
            "updatedAt",
            "url"
        ]
    );
    assert_eq!(
        (&f.body["releaseId"], &f.body["extension"]),
        (&json!(rid), &json!("zip"))
    );
    // the list: pages (newest first by default) and the name filter
    for name in ["b.zip", "c.zip"] {
        let r = s.admin(
            "POST",
            "/v3/release-files",
            Some(&json!({"releaseId": rid, "name": name, "url": "https://x/f"})),
        );
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = s.admin(
        "GET",
        &format!("/v3/release-files?releaseId={rid}&limit=2&page=2"),
        None,
    );
    assert_eq!(r.header("X-Total-Count"), Some("3"));
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["name"], "a.zip");
    let r = s.admin(
        "GET",
        &format!("/v3/release-files?releaseId={rid}&name=b.zip"),
        None,
    );
    assert_eq!(
        (r.header("X-Total-Count"), &r.body[0]["name"]),
        (Some("1"), &json!("b.zip"))
    );
    let r = s.admin(
        "GET",
        &format!("/v3/release-files?releaseId={rid}&query=x"),
        None,
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    assert_eq!(
        s.admin("DELETE", &format!("/v3/release-files/{fid}"), None)
            .status,
        204
    );
    assert_eq!(
        s.admin("GET", &format!("/v3/release-files/{fid}"), None)
            .status,
        404
    );
    let r = s.admin("GET", &format!("/v3/releases/{rid}"), None);
    assert_eq!(r.body["totalFiles"], 2);
}

#[test]
fn exports_roles_and_password_reset() {
    let s = Server::start();
    let p = s.product(1, json!({"trialLength": 86400}));
    let pid = p["id"].as_str().unwrap();
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "Csv@Example.com", "password": "password 1", "name": "A B", "company": "x,\"y\""})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    assert_eq!(
        (&u.body["role"], &u.body["roles"]),
        (&json!("user"), &json!(["user"]))
    );
    let uid = u.s("id");
    let l = s.license(pid, json!({"userId": uid}));
    let r = s.admin("GET", &format!("/v3/licenses/export?productId={pid}"), None);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = r.text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,key,productId,type,revoked,suspended,allowedActivations,totalActivations,allowedDeactivations,totalDeactivations,expiresAt,userId,userEmail,createdAt"
    );
    assert!(lines[1].starts_with(&format!(
        "{},{},{pid},node-locked,false,false,1,0,-1,0,,{uid},csv@example.com,",
        l["id"].as_str().unwrap(),
        l["key"].as_str().unwrap()
    )));
    assert_eq!((lines.len(), lines[2]), (3, ""));
    let r = s.admin("GET", "/v3/users/export", None);
    let lines: Vec<&str> = r.text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,email,name,firstName,lastName,company,role,twoFactorEnabled,createdAt"
    );
    // RFC 4180 quoting
    assert!(lines[1].starts_with(&format!(
        "{uid},csv@example.com,A B,A,B,\"x,\"\"y\"\"\",user,false,"
    )));
    let t = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(pid, &fingerprint("t", 0))),
    );
    assert!(t.status == 200 || t.status == 201, "{}", t.text);
    let r = s.admin(
        "GET",
        &format!("/v3/trial-activations/export?productId={pid}"),
        None,
    );
    assert_eq!(
        r.text.split("\r\n").next().unwrap(),
        "id,productId,os,osVersion,hostname,vmName,container,expiresAt,lastSyncedAt,createdAt"
    );
    assert_eq!(r.text.split("\r\n").count(), 3);

    // reset token: shown once, works once, ends the lockout of the account
    let tok = s.admin(
        "POST",
        &format!("/v3/users/{uid}/reset-password-token"),
        None,
    );
    assert_eq!(keys(&tok.body), ["resetPasswordToken"]);
    let token = tok.s("resetPasswordToken");
    let body = json!({"newPassword": "password 2", "token": token});
    let r = s.req(
        "POST",
        &format!("/v3/users/{uid}/reset-password"),
        Some(&body),
    );
    assert_eq!(r.status, 204, "{}", r.text);
    let r = s.req(
        "POST",
        &format!("/v3/users/{uid}/reset-password"),
        Some(&body),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
    let login = |pw: &str| {
        s.req(
            "POST",
            "/v3/accounts/login",
            Some(&json!({"email": "csv@example.com", "password": pw})),
        )
    };
    assert_eq!(login("password 1").code(), "AUTHENTICATION_FAILED");
    assert_eq!(login("password 2").status, 200);
    // role: any name; reset tokens only for `user`
    let r = s.admin(
        "PATCH",
        &format!("/v3/users/{uid}"),
        Some(&json!({"role": "reseller"})),
    );
    assert_eq!(r.body["role"], "reseller");
    let r = s.admin(
        "POST",
        &format!("/v3/users/{uid}/reset-password-token"),
        None,
    );
    assert_eq!((r.status, r.code()), (409, "CONFLICT"));
    let r = s.admin(
        "PATCH",
        &format!("/v3/users/{uid}"),
        Some(&json!({"role": ""})),
    );
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
}

#[test]
fn me_answers_the_session_user_and_only_their_devices() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let u = s.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "me@example.com", "password": "password 1", "name": "Me Too"})),
    );
    let uid = u.s("id");
    let mine = s.license(pid, json!({"userId": uid, "allowedActivations": 2}));
    let other = s.license(pid, json!({}));
    for (l, d) in [(&mine, "m1"), (&mine, "m2"), (&other, "o1")] {
        let r = s.activate(&activation_body(
            pid,
            l["key"].as_str().unwrap(),
            &fingerprint(d, 0),
        ));
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let login = s.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "me@example.com", "password": "password 1"})),
    );
    let session = login.s("accessToken");
    let me = s.raw("GET", "/v3/me", None, Some(&session));
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        keys(&me.body),
        [
            "company",
            "createdAt",
            "email",
            "firstName",
            "id",
            "lastName",
            "metadata",
            "name",
            "role",
            "roles",
            "twoFactorEnabled",
            "updatedAt"
        ]
    );
    let r = s.raw(
        "PATCH",
        "/v3/me",
        Some(r#"{"firstName":"Me","lastName":"Three","email":"ME@example.com"}"#),
        Some(&session),
    );
    assert_eq!((r.status, &r.body["name"]), (200, &json!("Me Three")));
    let r = s.raw("GET", "/v3/me/activations?limit=1", None, Some(&session));
    assert_eq!(r.header("X-Total-Count"), Some("2"));
    assert_eq!(r.body[0]["licenseId"], mine["id"]);
    let theirs = s.admin(
        "GET",
        &format!(
            "/v3/activations?licenseId={}",
            other["id"].as_str().unwrap()
        ),
        None,
    );
    let tid = theirs.body[0]["id"].as_str().unwrap();
    let r = s.raw(
        "GET",
        &format!("/v3/me/activations/{tid}"),
        None,
        Some(&session),
    );
    assert_eq!((r.status, r.code()), (404, "NOT_FOUND"));
    let r = s.raw("GET", "/v3/me", None, Some(&s.admin));
    assert_eq!((r.status, r.code()), (401, "USER_NOT_AUTHENTICATED"));
    let r = s.raw("GET", "/v3/me/activations?query=x", None, Some(&session));
    assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"));
}
