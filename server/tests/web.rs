//! The dashboard and portal over plain HTTP on either engine (the browser
//! test, tests/browser.rs at the repository root, drives them in Chromium
//! on SQLite): staff accounts from the CLI, sign-in, the overview chart and
//! license search queries, CSRF, the portal's own-devices-only rule.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::{activation_body, command_for, fingerprint, Server};
use serde_json::json;

struct Page {
    status: u16,
    location: String,
    cookies: Vec<String>,
    body: String,
}

fn agent(s: &Server) -> ureq::Agent {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = std::fs::read(s.dir.join("ca.pem")).unwrap();
    let cert = ureq::tls::Certificate::from_pem(&ca).unwrap().to_owned();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn web(
    a: &ureq::Agent,
    s: &Server,
    path: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> Page {
    let url = format!("{}{path}", s.url);
    let r = match form {
        None => a.get(&url).header("Cookie", cookie).call(),
        Some(f) => a
            .post(&url)
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(serde_urlencoded::to_string(f).unwrap()),
    };
    let mut r = r.unwrap();
    let h = |n: &str| -> Vec<String> {
        r.headers()
            .get_all(n)
            .iter()
            .map(|v| v.to_str().unwrap_or("").to_owned())
            .collect()
    };
    let location = h("location").into_iter().next().unwrap_or_default();
    let cookies = h("set-cookie");
    Page {
        status: r.status().as_u16(),
        location,
        cookies,
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn csrf(body: &str) -> String {
    let k = r#"name="csrf" value=""#;
    let at = body.find(k).expect("csrf field") + k.len();
    body[at..at + body[at..].find('"').unwrap()].to_owned()
}

fn cookie_pair(p: &Page, name: &str) -> String {
    p.cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie: {:?}", p.cookies))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs in to `area` (dashboard or portal); the session cookie pair.
fn sign_in(a: &ureq::Agent, s: &Server, area: &str, email: &str, password: &str) -> Page {
    let p = web(a, s, &format!("/{area}/sign-in"), "", None);
    let pre = cookie_pair(&p, "olx_csrf");
    let token = csrf(&p.body);
    web(
        a,
        s,
        &format!("/{area}/sign-in"),
        &pre,
        Some(&[("csrf", &token), ("email", email), ("password", password)]),
    )
}

fn staff_create(s: &Server, args: &[&str], password: &str) -> (bool, String) {
    let mut child = command_for(&s.dir)
        .args(["staff", "create"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn staff_cli_dashboard_and_portal_over_http() {
    let s = Server::start();
    let a = agent(&s);
    // The CLI refuses bad input clearly and creates nothing.
    let (ok, out) = staff_create(
        &s,
        &["--email", "boss@example.com", "--role", "admin"],
        "short",
    );
    assert!(!ok && out.contains("password"), "{out}");
    let (ok, out) = staff_create(
        &s,
        &["--email", "not-an-email", "--role", "admin"],
        "long enough password",
    );
    assert!(!ok && out.contains("e-mail"), "{out}");
    let (ok, out) = staff_create(
        &s,
        &["--email", "Boss@Example.com", "--role", "admin"],
        "long enough password",
    );
    assert!(ok, "{out}");
    let (ok, out) = staff_create(
        &s,
        &["--email", "boss@example.com", "--role", "support"],
        "long enough password",
    );
    assert!(!ok && out.contains("CONFLICT"), "{out}");
    let (ok, out) = command_for(&s.dir)
        .args(["staff", "list"])
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        })
        .unwrap();
    assert!(ok && out.contains("boss@example.com admin"), "{out}");

    // Not signed in: every page leads to sign-in.
    for path in ["/dashboard", "/dashboard/licenses", "/portal"] {
        let p = web(&a, &s, path, "", None);
        assert_eq!(p.status, 303, "{path}");
        assert!(p.location.ends_with("/sign-in"), "{path}: {}", p.location);
    }
    // A sign-in post without the pre-session token is refused.
    let p = web(
        &a,
        &s,
        "/dashboard/sign-in",
        "",
        Some(&[
            ("email", "boss@example.com"),
            ("password", "long enough password"),
        ]),
    );
    assert_eq!(p.status, 403);

    let p = sign_in(
        &a,
        &s,
        "dashboard",
        "BOSS@example.com",
        "long enough password",
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let staff = cookie_pair(&p, "olx_staff");

    // Data: a product, licenses with metadata, an activation today, a user.
    let product = s.product(1, json!({"trialLength": 86400}));
    let pid = product["id"].as_str().unwrap();
    let (s1, user) = {
        let r = s.admin(
            "POST",
            "/v3/users",
            Some(&json!({"email": "carol@example.com", "password": "carol-password"})),
        );
        (r.status, r.body)
    };
    assert_eq!(s1, 201);
    let lic = s.license(pid, json!({"metadata": [{"key": "customer", "value": "50%_off Ltd"}], "userId": user["id"], "allowedActivations": 3}));
    let other = s.license(
        pid,
        json!({"metadata": [{"key": "customer", "value": "other"}]}),
    );
    let key = lic["key"].as_str().unwrap();
    let fp = fingerprint("carol-pc", 0);
    let r = s.activate(&activation_body(pid, key, &fp));
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.req(
        "POST",
        "/v3/trial-activations",
        Some(&common::trial_body(pid, &fingerprint("trial-pc", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);

    // The overview's counts and chart (one activation and one trial today).
    let p = web(&a, &s, "/dashboard", &staff, None);
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("1 activations, 1 trials in 30 days"),
        "{}",
        p.body
    );
    // Search: metadata with LIKE's special characters, e-mail, key.
    let p = web(&a, &s, "/dashboard/licenses?q=50%25_OFF", &staff, None);
    assert!(
        p.body.contains(key) && !p.body.contains(other["key"].as_str().unwrap()),
        "{}",
        p.body
    );
    let p = web(&a, &s, "/dashboard/licenses?q=_off", &staff, None);
    assert!(p.body.contains(key));
    let p = web(&a, &s, "/dashboard/licenses?q=%25", &staff, None);
    assert!(
        p.body.contains(key) && !p.body.contains(other["key"].as_str().unwrap()),
        "% is literal"
    );
    let p = web(
        &a,
        &s,
        "/dashboard/licenses?q=carol%40example.com",
        &staff,
        None,
    );
    assert!(p.body.contains(key));
    assert!(p.body.contains("1 found"), "{}", p.body);

    // Edit through the form: bad input is refused with a clear message.
    let lid = lic["id"].as_str().unwrap();
    let page = web(&a, &s, &format!("/dashboard/licenses/{lid}"), &staff, None);
    assert!(page.body.contains("carol-pc") || page.body.contains("build-host"));
    let token = csrf(&page.body);
    let p = web(
        &a,
        &s,
        &format!("/dashboard/licenses/{lid}/edit"),
        &staff,
        Some(&[("csrf", &token), ("allowed_activations", "many")]),
    );
    assert_eq!(p.status, 400);
    assert!(
        p.body.contains("Seats must be a whole number"),
        "{}",
        p.body
    );
    let p = web(
        &a,
        &s,
        &format!("/dashboard/licenses/{lid}/edit"),
        &staff,
        Some(&[
            ("csrf", &token),
            ("allowed_activations", "5"),
            ("expires", "2030-01-02"),
            ("user_email", "carol@example.com"),
            ("metadata", "customer=50%_off Ltd"),
            ("notes", "called 5 Dec"),
        ]),
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let v = s.admin("GET", &format!("/v3/licenses/{lid}"), None).body;
    assert_eq!(v["allowedActivations"], json!(5));
    assert_eq!(v["expiresAt"], json!("2030-01-02T00:00:00.000Z"));
    assert_eq!(v["notes"], json!("called 5 Dec"));
    // The change is in the event log with the staff member as its actor.
    let ev = s
        .admin(
            "GET",
            &format!("/v3/event-logs?resourceId={lid}&action=updated"),
            None,
        )
        .body;
    let staff_events: Vec<_> = ev
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actorType"] == json!("staff"))
        .collect();
    assert_eq!(staff_events.len(), 1, "{ev}");
    assert_eq!(staff_events[0]["actorName"], json!("boss@example.com"));
    let p = web(
        &a,
        &s,
        &format!("/dashboard/events?resource=license&resource_id={lid}"),
        &staff,
        None,
    );
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("boss@example.com") && p.body.contains("updated"),
        "{}",
        p.body
    );
    // Without the token nothing changes.
    let p = web(
        &a,
        &s,
        &format!("/dashboard/licenses/{lid}/edit"),
        &staff,
        Some(&[("allowed_activations", "9")]),
    );
    assert_eq!(p.status, 403);
    assert_eq!(
        s.admin("GET", &format!("/v3/licenses/{lid}"), None).body["allowedActivations"],
        json!(5)
    );

    // Every page renders; a few more forms.
    let uid = user["id"].as_str().unwrap();
    for path in [
        "/dashboard/products".to_owned(),
        format!("/dashboard/products/{pid}"),
        "/dashboard/policies".to_owned(),
        "/dashboard/activations".to_owned(),
        "/dashboard/trials".to_owned(),
        "/dashboard/users".to_owned(),
        format!("/dashboard/users/{uid}"),
        "/dashboard/releases".to_owned(),
        "/dashboard/tokens".to_owned(),
        "/dashboard/licenses/new".to_owned(),
    ] {
        let p = web(&a, &s, &path, &staff, None);
        assert_eq!(p.status, 200, "{path}: {}", p.body);
    }
    let p = web(&a, &s, "/dashboard/policies", &staff, None);
    let token = csrf(&p.body);
    let post = |path: &str, form: &[(&str, &str)]| {
        let mut f = vec![("csrf", token.as_str())];
        f.extend_from_slice(form);
        let p = web(&a, &s, path, &staff, Some(&f));
        assert_eq!(p.status, 303, "{path}: {}", p.body);
    };
    post(
        "/dashboard/trial-policies",
        &[("name", "Two weeks"), ("validity_days", "14")],
    );
    post(
        "/dashboard/policies",
        &[
            ("name", "Yearly"),
            ("allowed_activations", "2"),
            ("validity_days", "365"),
        ],
    );
    let lp = s.admin("GET", "/v3/license-policies", None).body;
    let lp_id = lp[0]["id"].as_str().unwrap().to_owned();
    post(
        &format!("/dashboard/policies/{lp_id}/edit"),
        &[("allowed_activations", "4"), ("validity_days", "30")],
    );
    let lp = s
        .admin("GET", &format!("/v3/license-policies/{lp_id}"), None)
        .body;
    assert_eq!(
        (lp["allowedActivations"].as_i64(), lp["validity"].as_i64()),
        (Some(4), Some(30 * 86400))
    );
    let tp = s.admin("GET", "/v3/trial-policies", None).body;
    assert_eq!(
        (tp[0]["name"].as_str(), tp[0]["trialLength"].as_i64()),
        (Some("Two weeks"), Some(14 * 86400))
    );
    post(
        &format!("/dashboard/users/{uid}/edit"),
        &[("name", "Carol Jones"), ("company", "Acme")],
    );
    assert_eq!(
        s.admin("GET", &format!("/v3/users/{uid}"), None).body["company"],
        json!("Acme")
    );
    post(
        "/dashboard/releases",
        &[
            ("product_id", pid),
            ("version", "1.2.0"),
            ("platforms", "linux"),
            ("channel", "stable"),
            ("file_name", "app-1.2.0.tar.gz"),
            ("file_url", "https://downloads.example.com/app-1.2.0.tar.gz"),
        ],
    );
    post(
        "/dashboard/releases",
        &[
            ("product_id", pid),
            ("version", "9.0.0"),
            ("platforms", "linux"),
            ("file_name", "app-9.tar.gz"),
            ("file_url", "https://downloads.example.com/app-9.tar.gz"),
        ],
    );
    let p = web(
        &a,
        &s,
        "/dashboard/releases",
        &staff,
        Some(&[
            ("csrf", &token),
            ("product_id", pid),
            ("version", "1.3"),
            ("platforms", "linux"),
            ("file_name", "x"),
            ("file_url", "ftp://x"),
        ]),
    );
    assert_eq!(p.status, 400);
    assert!(p.body.contains("https://"), "{}", p.body);
    post(
        "/dashboard/webhooks",
        &[
            ("name", "CRM"),
            ("url", "https://crm.example.com/hook"),
            ("token", ""),
            ("events", "license.created license.updated"),
        ],
    );
    let wh = s.admin("GET", "/v3/webhooks", None).body;
    assert_eq!(
        wh[0]["events"],
        json!(["license.created", "license.updated"]),
        "{wh}"
    );
    let wid = wh[0]["id"].as_str().unwrap().to_owned();
    post(&format!("/dashboard/webhooks/{wid}/pause"), &[]);
    assert_eq!(
        s.admin("GET", &format!("/v3/webhooks/{wid}"), None).body["active"],
        json!(false)
    );
    let p = web(&a, &s, "/dashboard/webhooks", &staff, None);
    assert!(
        p.body.contains("crm.example.com") && p.body.contains("paused"),
        "{}",
        p.body
    );
    let p = web(
        &a,
        &s,
        "/dashboard/webhooks",
        &staff,
        Some(&[
            ("csrf", &token),
            ("name", "x"),
            ("url", "https://x.example.com"),
            ("events", "no.such.event"),
        ]),
    );
    assert_eq!(p.status, 400, "{}", p.body);
    post(&format!("/dashboard/webhooks/{wid}/delete"), &[]);
    assert_eq!(
        s.admin("GET", &format!("/v3/webhooks/{wid}"), None).status,
        404
    );
    // Carol's license allows up to 2.0: the portal offers 1.2.0, not 9.0.0.
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"maxAllowedReleaseVersion": "2.0.0"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // The portal: Carol sees her license and device and frees it.
    let p = sign_in(&a, &s, "portal", "carol@example.com", "carol-password");
    assert_eq!(p.status, 303, "{}", p.body);
    let carol = cookie_pair(&p, "olx_portal");
    let home = web(&a, &s, "/portal", &carol, None);
    assert!(
        home.body.contains(key) && home.body.contains("1 of 5"),
        "{}",
        home.body
    );
    assert!(!home.body.contains(other["key"].as_str().unwrap()));
    assert!(
        home.body.contains("app-1.2.0.tar.gz") && !home.body.contains("app-9.tar.gz"),
        "{}",
        home.body
    );
    let aid = s
        .admin("GET", &format!("/v3/activations?licenseId={lid}"), None)
        .body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = csrf(&home.body);
    let p = web(
        &a,
        &s,
        &format!("/portal/devices/{aid}/deactivate"),
        &carol,
        Some(&[("csrf", &token)]),
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let body = activation_body(pid, key, &fp);
    let r = s.req("PATCH", &format!("/v3/activations/{aid}"), Some(&body));
    assert_eq!((r.status, r.code()), (404, "ACTIVATION_NOT_FOUND"));
    let ev = s
        .admin(
            "GET",
            &format!("/v3/event-logs?resourceId={aid}&action=deleted"),
            None,
        )
        .body;
    assert_eq!(ev[0]["actorType"], json!("user"), "{ev}");
    assert_eq!(ev[0]["actorName"], json!("carol@example.com"));
    // Signing out ends the session in the database.
    let p = web(
        &a,
        &s,
        "/portal/sign-out",
        &carol,
        Some(&[("csrf", &token)]),
    );
    assert_eq!(p.status, 303);
    assert_eq!(web(&a, &s, "/portal", &carol, None).status, 303);
}

#[test]
fn staff_two_factor_sign_in() {
    let s = Server::start();
    let a = agent(&s);
    let (ok, out) = staff_create(
        &s,
        &[
            "--email",
            "ops@example.com",
            "--role",
            "support",
            "--enable-two-factor",
        ],
        "long enough password",
    );
    assert!(ok, "{out}");
    let secret = out
        .lines()
        .find_map(|l| l.split("shown once): ").nth(1))
        .expect("secret printed")
        .trim()
        .to_owned();
    let p = sign_in(
        &a,
        &s,
        "dashboard",
        "ops@example.com",
        "long enough password",
    );
    assert!(
        p.body.contains("two-factor authentication code required"),
        "{}",
        p.body
    );
    assert!(p.cookies.iter().all(|c| !c.starts_with("olx_staff=")));
    // With the code of the current 30-second step.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let code =
        openlex_server::totp::totp(&openlex_server::totp::base32_decode(&secret).unwrap(), now);
    let page = web(&a, &s, "/dashboard/sign-in", "", None);
    let pre = cookie_pair(&page, "olx_csrf");
    let token = csrf(&page.body);
    let p = web(
        &a,
        &s,
        "/dashboard/sign-in",
        &pre,
        Some(&[
            ("csrf", &token),
            ("email", "ops@example.com"),
            ("password", "long enough password"),
            ("code", &code),
        ]),
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let staff = cookie_pair(&p, "olx_staff");
    // Support: the tokens page is refused.
    assert_eq!(web(&a, &s, "/dashboard/tokens", &staff, None).status, 403);
    assert_eq!(web(&a, &s, "/dashboard", &staff, None).status, 200);
}

/// `form` with the CSRF field `token` first.
fn with_csrf<'a>(token: &'a str, form: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("csrf", token)];
    f.extend_from_slice(form);
    f
}

/// Signs in a new staff member of `role`; their session cookie pair.
fn staff_session(a: &ureq::Agent, s: &Server, email: &str, role: &str) -> String {
    let (ok, out) = staff_create(
        s,
        &["--email", email, "--role", role],
        "long enough password",
    );
    assert!(ok, "{out}");
    let p = sign_in(a, s, "dashboard", email, "long enough password");
    assert_eq!(p.status, 303, "{}", p.body);
    cookie_pair(&p, "olx_staff")
}

#[test]
fn license_activation_log_and_edit_forms() {
    let s = Server::start();
    let a = agent(&s);
    let admin = staff_session(&a, &s, "boss@example.com", "admin");
    let support = staff_session(&a, &s, "ops@example.com", "support");

    // One seat: the first device activates, the second is refused.
    let product = s.product(1, json!({}));
    let pid = product["id"].as_str().unwrap();
    let lic = s.license(pid, json!({"allowedActivations": 1}));
    let (lid, key) = (lic["id"].as_str().unwrap(), lic["key"].as_str().unwrap());
    let r = s.activate(&activation_body(pid, key, &fingerprint("first-pc", 0)));
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.activate(&activation_body(pid, key, &fingerprint("second-pc", 0)));
    assert_eq!(r.code(), "ACTIVATION_LIMIT_REACHED");

    // Both roles read the log: the success and the refusal with its code.
    for who in [&admin, &support] {
        let p = web(&a, &s, &format!("/dashboard/licenses/{lid}"), who, None);
        assert_eq!(p.status, 200, "{}", p.body);
        let log = &p.body[p.body.find("Activation log").expect("log section")..];
        let log = &log[..log.find("</table>").unwrap()];
        assert!(log.contains("ACTIVATION_LIMIT_REACHED"), "{log}");
        assert!(log.contains(">OK<"), "{log}");
        assert_eq!(log.matches("<tr>").count(), 3, "header and two rows: {log}");
    }

    // Edit forms: tokens of each session (the CSRF field of any page).
    let admin_token = csrf(&web(&a, &s, "/dashboard/releases", &admin, None).body);
    let support_token = csrf(&web(&a, &s, "/dashboard/releases", &support, None).body);
    let post = |path: &str, who: &str, form: &[(&str, &str)]| web(&a, &s, path, who, Some(form));

    // A release, edited by the admin; support and token-less posts refused.
    let r = s.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "1.0.0", "platforms": ["linux"], "channel": "stable"})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let rid = r.body["id"].as_str().unwrap().to_owned();
    let page = web(&a, &s, "/dashboard/releases", &admin, None);
    assert!(
        page.body.contains(&format!("/dashboard/releases/{rid}\"")),
        "{}",
        page.body
    );
    assert_eq!(
        web(&a, &s, &format!("/dashboard/releases/{rid}"), &admin, None).status,
        200
    );
    assert_eq!(
        web(
            &a,
            &s,
            &format!("/dashboard/releases/{rid}"),
            &support,
            None
        )
        .status,
        403
    );
    let edit = [
        ("name", "Spring release"),
        ("version", "1.0.1"),
        ("channel", "beta"),
        ("platforms", "linux, windows"),
        ("notes", "Fixes the installer."),
        ("private", "on"),
    ];
    let path = format!("/dashboard/releases/{rid}/edit");
    assert_eq!(
        post(&path, &support, &with_csrf(&support_token, &edit)).status,
        403
    );
    assert_eq!(post(&path, &admin, &edit).status, 403);
    assert_eq!(post(&path, &admin, &with_csrf("forged", &edit)).status, 403);
    let unchanged = s.admin("GET", &format!("/v3/releases/{rid}"), None).body;
    assert_eq!(unchanged["version"], json!("1.0.0"), "{unchanged}");
    let p = post(&path, &admin, &with_csrf(&admin_token, &edit));
    assert_eq!(p.status, 303, "{}", p.body);
    let v = s.admin("GET", &format!("/v3/releases/{rid}"), None).body;
    assert_eq!(
        (
            &v["name"],
            &v["version"],
            &v["channel"],
            &v["notes"],
            &v["private"]
        ),
        (
            &json!("Spring release"),
            &json!("1.0.1"),
            &json!("beta"),
            &json!("Fixes the installer."),
            &json!(true)
        ),
        "{v}"
    );
    // Unticking "private" clears it; a bad version is refused clearly.
    let mut public = with_csrf(&admin_token, &edit);
    public.retain(|(k, _)| *k != "private");
    assert_eq!(post(&path, &admin, &public).status, 303);
    let v = s.admin("GET", &format!("/v3/releases/{rid}"), None).body;
    assert_eq!(v["private"], json!(false), "{v}");
    let mut bad = with_csrf(&admin_token, &edit);
    bad[2] = ("version", "one");
    let p = post(&path, &admin, &bad);
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("version"), "{}", p.body);

    // A webhook, edited by the admin; support and token-less posts refused.
    let r = s.admin(
        "POST",
        "/v3/webhooks",
        Some(&json!({"name": "CRM", "url": "https://crm.example.com/hook", "events": ["license.created"]})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let wid = r.body["id"].as_str().unwrap().to_owned();
    let page = web(&a, &s, "/dashboard/webhooks", &admin, None);
    assert!(
        page.body.contains(&format!("/dashboard/webhooks/{wid}\"")),
        "{}",
        page.body
    );
    assert_eq!(
        web(&a, &s, &format!("/dashboard/webhooks/{wid}"), &admin, None).status,
        200
    );
    assert_eq!(
        web(
            &a,
            &s,
            &format!("/dashboard/webhooks/{wid}"),
            &support,
            None
        )
        .status,
        403
    );
    let path = format!("/dashboard/webhooks/{wid}/edit");
    let edit = [
        ("name", "CRM v2"),
        ("url", "https://crm.example.com/v2/hook"),
        ("events", "license.updated, license.deleted"),
    ];
    assert_eq!(
        post(&path, &support, &with_csrf(&support_token, &edit)).status,
        403
    );
    assert_eq!(post(&path, &admin, &edit).status, 403);
    let v = s.admin("GET", &format!("/v3/webhooks/{wid}"), None).body;
    assert_eq!(
        (&v["name"], &v["active"]),
        (&json!("CRM"), &json!(true)),
        "{v}"
    );
    // "active" unticked: the edit also pauses it.
    let p = post(&path, &admin, &with_csrf(&admin_token, &edit));
    assert_eq!(p.status, 303, "{}", p.body);
    let v = s.admin("GET", &format!("/v3/webhooks/{wid}"), None).body;
    assert_eq!(
        (&v["name"], &v["url"], &v["events"], &v["active"]),
        (
            &json!("CRM v2"),
            &json!("https://crm.example.com/v2/hook"),
            &json!(["license.updated", "license.deleted"]),
            &json!(false)
        ),
        "{v}"
    );
    let mut on = with_csrf(&admin_token, &edit);
    on.push(("active", "on"));
    assert_eq!(post(&path, &admin, &on).status, 303);
    assert_eq!(
        s.admin("GET", &format!("/v3/webhooks/{wid}"), None).body["active"],
        json!(true)
    );
    // Bad input is refused and changes nothing.
    let mut bad = with_csrf(&admin_token, &edit);
    bad[3] = ("events", "no.such.event");
    let p = post(&path, &admin, &bad);
    assert_eq!(p.status, 400, "{}", p.body);
    let v = s.admin("GET", &format!("/v3/webhooks/{wid}"), None).body;
    assert_eq!(
        v["events"],
        json!(["license.updated", "license.deleted"]),
        "{v}"
    );
}
