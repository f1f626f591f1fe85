//! The dashboard and the customer portal in a real browser: headless
//! Chromium driven through WebDriver (Debian's `chromium` and
//! `chromium-driver`), against the real openlex-server, with the real
//! library (this crate's C ABI) as the customer's application. JavaScript is
//! switched off in the browser: every page and form works without it.
//!
//! Run by `scripts/test.sh --only browser` (which installs the packages):
//! `cargo build -p openlex-server && cargo test --test browser -- --include-ignored`.
//! Screenshots of the main pages go to target/browser/.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use common::server::{server_bin, SERVER};
use common::{c, lock};
use openlex_client::ffi::activation::*;
use openlex_client::ffi::setters::*;
use openlex_client::ffi::setup::*;
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver, killed on drop.
struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    /// Starts chromedriver and one headless Chromium session (fresh
    /// profile, JavaScript disabled, the server's self-signed development
    /// certificate accepted).
    fn start() -> Driver {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} missing: apt-get install chromium chromium-driver (scripts/test.sh --only browser does)"
            );
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut r) = agent.get(format!("{base}/status")).call() {
                let v: Value =
                    serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default())
                        .unwrap_or(Value::Null);
                if v["value"]["ready"] == json!(true) {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut d = Driver {
            child,
            base,
            agent,
            session: String::new(),
            _profile: profile,
        };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,900",
                         format!("--user-data-dir={}", d._profile.path().display())],
                "prefs": {"profile.managed_default_content_settings.javascript": 2}
            }
        }}});
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().expect("session id").to_owned();
        d
    }

    /// One WebDriver command; its `value`. Panics on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"))
    }

    /// One WebDriver command; its `value`, or the error's text.
    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(json!({})).to_string()),
        };
        let mut r = r.map_err(|e| e.to_string())?;
        let text = r.body_mut().read_to_string().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if r.status().as_u16() >= 300 {
            return Err(text);
        }
        Ok(v["value"].clone())
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("element {css}: {v}"))
            .to_owned()
    }

    fn count(&self, css: &str) -> usize {
        self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map_or(0, Vec::len)
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/clear"), None);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), None);
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// The text of `css` once it contains `want` (a form post's page may
    /// still be loading when the click returns); bounded wait.
    fn wait_text(&self, css: &str, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The page may be replaced between the find and the read: retry.
            let text = self
                .try_call(
                    "POST",
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .ok()
                .and_then(|v| v[ELEMENT].as_str().map(str::to_owned))
                .and_then(|e| {
                    self.try_call("GET", &format!("/element/{e}/text"), None)
                        .ok()
                })
                .and_then(|t| t.as_str().map(str::to_owned));
            if let Some(t) = text.filter(|t| t.contains(want)) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed {want:?}; page: {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn attr(&self, css: &str, name: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/attribute/{name}"), None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn cookie(&self, name: &str) -> Value {
        self.call("GET", &format!("/cookie/{name}"), None)
    }

    fn size(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Saves a PNG of the viewport as target/browser/NAME.png.
    fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or(""))
            .expect("png");
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

/// An HTTP client that does not follow redirects (to see 303s and
/// Set-Cookie), trusting the server's development CA.
fn raw_agent() -> ureq::Agent {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca = std::fs::read(SERVER.dir.join("ca.pem")).unwrap();
    let cert = ureq::tls::Certificate::from_pem(&ca).unwrap().to_owned();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A response: status, headers (lower-case names), body.
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn http(
    agent: &ureq::Agent,
    method: &str,
    path: &str,
    cookies: &str,
    form: &[(&str, &str)],
) -> Resp {
    let url = format!("{}{path}", SERVER.url);
    let r = if method == "GET" {
        agent.get(&url).header("Cookie", cookies).call()
    } else {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        agent
            .post(&url)
            .header("Cookie", cookies)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(body)
    };
    let mut r = r.expect("http");
    Resp {
        status: r.status().as_u16(),
        headers: r
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
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

/// The value of the first `name="csrf" value="..."` in a page.
fn csrf_in(page: &str) -> String {
    let at = page.find(r#"name="csrf" value=""#).expect("csrf field");
    let rest = &page[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// `name=value` of a Set-Cookie header.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or("").to_owned()
}

/// Signs in over plain HTTP (no browser); returns the session cookie pair.
fn sign_in_http(agent: &ureq::Agent, area: &str, email: &str, password: &str) -> Resp {
    let page = http(agent, "GET", &format!("/{area}/sign-in"), "", &[]);
    let pre = pair(page.set_cookies()[0]);
    let csrf = csrf_in(&page.body);
    http(
        agent,
        "POST",
        &format!("/{area}/sign-in"),
        &pre,
        &[("csrf", &csrf), ("email", email), ("password", password)],
    )
}

fn staff_create(email: &str, role: &str, password: &str) {
    let mut child = Command::new(server_bin())
        .arg("--data-dir")
        .arg(&SERVER.dir)
        .args(["staff", "create", "--email", email, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("created staff {email} ({role})"))
    );
}

/// Points the library at the server with a fresh local store.
fn library(pid: &str, pd: &str, fingerprint: &str) -> tempfile::TempDir {
    let store = tempfile::tempdir().unwrap();
    unsafe {
        assert_eq!(
            SetDataDirectory(c(store.path().to_str().unwrap()).as_ptr()),
            0
        );
        assert_eq!(SetProductData(c(pd).as_ptr()), 0);
        assert_eq!(SetProductId(c(pid).as_ptr(), 1), 0);
        assert_eq!(SetCryptlexHost(c(&SERVER.url).as_ptr()), 0);
        assert_eq!(SetCustomDeviceFingerprint(c(fingerprint).as_ptr()), 0);
    }
    store
}

const LA_OK: i32 = 0;
const LA_SUSPENDED: i32 = 21;
const LA_E_ACTIVATION_NOT_FOUND: i32 = 59;

#[test]
#[ignore = "needs chromium and chromium-driver: scripts/test.sh --only browser"]
fn dashboard_and_portal_in_a_browser() {
    let _g = lock();
    let (pid, pd) = SERVER.product("Browser App", json!({}));
    staff_create("admin@example.com", "admin", "correct horse battery");
    staff_create("support@example.com", "support", "support horse battery");
    let b = Driver::start();

    // `/` leads to the sign-in page; a wrong password is refused there.
    b.go(&format!("{}/", SERVER.url));
    assert!(b.url().ends_with("/dashboard/sign-in"), "{}", b.url());
    b.screenshot("sign-in");
    b.type_into("input[name=email]", "admin@example.com");
    b.type_into("input[name=password]", "wrong password");
    b.click("button[type=submit]");
    b.wait_text("p.error", "invalid email or password");
    b.type_into("input[name=password]", "correct horse battery");
    b.click("button[type=submit]");
    b.wait_text("h1", "Overview");
    assert!(b.url().ends_with("/dashboard"), "{}", b.url());
    let session = b.cookie("olx_staff");
    assert_eq!(session["httpOnly"], json!(true), "{session}");
    assert_eq!(session["secure"], json!(true), "{session}");
    assert_eq!(session["sameSite"], json!("Strict"), "{session}");

    // Staff create a license in the browser.
    b.go(&format!("{}/dashboard/licenses/new", SERVER.url));
    b.type_into("input[name=allowed_activations]", "2");
    b.type_into("input[name=validity_days]", "30");
    b.type_into("textarea[name=metadata]", "customer=acme-browser");
    b.click("form.stack button[type=submit]");
    b.wait_text("p.notice", "License created");
    let key = b.text("h1 span.mono");
    assert_eq!(key.len(), 41, "{key}");
    let license_url = b.url().split('?').next().unwrap().to_owned();
    let lid = license_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (s, v) = SERVER.admin("GET", &format!("/v3/licenses/{lid}"), None);
    assert_eq!(s, 200);
    assert_eq!(v["allowedActivations"], json!(2));
    // Short syncs for the library below (the form sets seats and validity).
    let (s, _) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"serverSyncInterval": 0})),
    );
    assert_eq!(s, 200);

    // The customer's application activates with the real library.
    let fp = "D".repeat(64);
    let _store = library(&pid, &pd, &fp);
    unsafe { assert_eq!(SetLicenseKey(c(&key).as_ptr()), 0) };
    assert_eq!(ActivateLicense(), LA_OK);
    assert_eq!(SyncLicenseActivation(), LA_OK);

    // Search by metadata finds it; the license page lists the device.
    b.go(&format!("{}/dashboard/licenses?q=ACME-BROWSER", SERVER.url));
    assert!(b.source().contains(&key), "search by metadata");
    b.go(&format!("{}/dashboard/licenses?q={key}", SERVER.url));
    assert_eq!(b.count("tbody a.mono"), 1);
    b.go(&license_url);
    assert_eq!(b.count("form[action$='/free']"), 1, "one device");
    assert!(b.source().contains("3.46.0") || b.source().contains("linux"));
    // Its activation log: the library's activation and sync, both OK.
    assert!(b.source().contains("<h2>Activation log</h2>"));
    assert!(
        b.count("td span.badge.good") >= 2,
        "activation and sync logged"
    );
    b.screenshot("license");

    // Suspend in the browser; the library's next check reports it.
    b.click("form[action$='/suspend'] button");
    b.wait_text("p.notice", "Suspended");
    assert_eq!(SyncLicenseActivation(), LA_SUSPENDED);
    assert_eq!(IsLicenseGenuine(), LA_SUSPENDED);
    b.click("form[action$='/unsuspend'] button");
    b.wait_text("p.notice", "Unsuspended");
    assert_eq!(SyncLicenseActivation(), LA_OK);

    // Both changes are in the event log with the staff member as actor.
    b.go(&format!(
        "{}/dashboard/events?resource=license&resource_id={lid}",
        SERVER.url
    ));
    let events = b.source();
    assert!(
        events.matches("admin@example.com").count() >= 3,
        "created, suspended, unsuspended by staff: {events}"
    );
    b.screenshot("events");

    // The overview counts it and draws the chart.
    b.go(&format!("{}/dashboard", SERVER.url));
    assert_eq!(
        b.count("svg.chart rect"),
        2 * 30 + 2,
        "30 days x 2 series + legend"
    );
    assert!(b.attr("svg.chart", "aria-label").contains("activations"));
    b.screenshot("overview");
    b.size(390, 844);
    b.screenshot("overview-phone");
    b.size(1280, 900);

    // CSRF: a form post with the staff cookie but without the session's
    // token (or with another) is refused and changes nothing.
    let raw = raw_agent();
    let staff_cookie = format!("olx_staff={}", session["value"].as_str().unwrap());
    for token in ["", "0000", &"a".repeat(48)] {
        let r = http(
            &raw,
            "POST",
            &format!("/dashboard/licenses/{lid}/suspend"),
            &staff_cookie,
            &[("csrf", token)],
        );
        assert_eq!(r.status, 403, "csrf {token:?}: {}", r.body);
    }
    let (_, v) = SERVER.admin("GET", &format!("/v3/licenses/{lid}"), None);
    assert_eq!(
        v["suspended"],
        json!(false),
        "a refused form changed nothing"
    );
    let page = http(
        &raw,
        "GET",
        &format!("/dashboard/licenses/{lid}"),
        &staff_cookie,
        &[],
    );
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "no script source at all");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));

    // Support may suspend but not delete, and never manage tokens.
    let r = sign_in_http(
        &raw,
        "dashboard",
        "support@example.com",
        "support horse battery",
    );
    assert_eq!(r.status, 303);
    let set = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("olx_staff="))
        .unwrap()
        .to_owned();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(set.contains(flag), "{set}");
    }
    let support = pair(&set);
    let page = http(
        &raw,
        "GET",
        &format!("/dashboard/licenses/{lid}"),
        &support,
        &[],
    );
    assert!(
        !page.body.contains("/delete\""),
        "support sees no delete button"
    );
    let csrf = csrf_in(&page.body);
    let r = http(
        &raw,
        "POST",
        &format!("/dashboard/licenses/{lid}/delete"),
        &support,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        SERVER.admin("GET", &format!("/v3/licenses/{lid}"), None).0,
        200
    );
    assert_eq!(
        http(&raw, "GET", "/dashboard/tokens", &support, &[]).status,
        403
    );
    let r = http(
        &raw,
        "POST",
        "/dashboard/tokens",
        &support,
        &[("csrf", &csrf), ("name", "x"), ("scopes", "*")],
    );
    assert_eq!(r.status, 403);
    let r = http(
        &raw,
        "POST",
        &format!("/dashboard/licenses/{lid}/suspend"),
        &support,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = http(
        &raw,
        "POST",
        &format!("/dashboard/licenses/{lid}/unsuspend"),
        &support,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);

    // Sign-in lockout: five wrong passwords from one address lock the
    // account there, even for the right password.
    for _ in 0..4 {
        let r = sign_in_http(&raw, "dashboard", "support@example.com", "not the password");
        assert!(r.body.contains("invalid email or password"), "{}", r.body);
        assert!(r.set_cookies().iter().all(|c| !c.starts_with("olx_staff=")));
    }
    let r = sign_in_http(&raw, "dashboard", "support@example.com", "not the password");
    assert!(r.body.contains("too many failed attempts"), "{}", r.body);
    let r = sign_in_http(
        &raw,
        "dashboard",
        "support@example.com",
        "support horse battery",
    );
    assert!(
        r.body.contains("too many failed attempts"),
        "locked for the right password too"
    );

    // Portal: two users, each with a license and a device.
    let (s, ann) = SERVER.admin(
        "POST",
        "/v3/users",
        Some(json!({"email": "ann@example.com", "password": "ann-password-1"})),
    );
    assert_eq!(s, 201, "{ann}");
    let (s, bob) = SERVER.admin(
        "POST",
        "/v3/users",
        Some(json!({"email": "bob@example.com", "password": "bob-password-1"})),
    );
    assert_eq!(s, 201, "{bob}");
    let (s, _) = SERVER.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(json!({"userId": ann["id"]})),
    );
    assert_eq!(s, 200);
    let (_, bob_key) = SERVER.license(&pid, json!({"userId": bob["id"], "serverSyncInterval": 0}));
    let bob_fp = "E".repeat(64);
    let bob_activation = {
        let body = json!({"key": bob_key, "productId": pid, "fingerprint": bob_fp, "os": "linux",
                          "osVersion": "12", "hostname": "bob-laptop", "appVersion": "2.0.0", "vmName": "",
                          "container": false, "clientVersion": "3.46.0", "userHash": "B0B", "metadata": [],
                          "meterAttributes": [], "releaseVersion": "", "releasePlatform": "", "releaseChannel": "",
                          "email": "", "password": "", "leaseDuration": 0, "floating": false, "accountId": ""});
        let mut r = raw
            .post(format!("{}/v3/activations", SERVER.url))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap();
        let status = r.status().as_u16();
        assert_eq!(
            status,
            200,
            "{}",
            r.body_mut().read_to_string().unwrap_or_default()
        );
        let (s, list) = SERVER.admin(
            "GET",
            &format!("/v3/activations?licenseId={}", {
                let (_, l) = SERVER.admin("GET", &format!("/v3/licenses?key={bob_key}"), None);
                l[0]["id"].as_str().unwrap().to_owned()
            }),
            None,
        );
        let _ = r.body_mut().read_to_string();
        assert_eq!(s, 200);
        list[0]["id"].as_str().unwrap().to_owned()
    };

    // Ann signs in to the portal in the browser and sees only her license.
    b.go(&format!("{}/portal", SERVER.url));
    assert!(b.url().ends_with("/portal/sign-in"), "{}", b.url());
    b.type_into("input[name=email]", "ann@example.com");
    b.type_into("input[name=password]", "ann-password-1");
    b.click("button[type=submit]");
    b.wait_text("h1", "My licenses");
    let portal = b.source();
    assert!(portal.contains(&key));
    assert!(
        !portal.contains(&bob_key),
        "another user's license is never shown"
    );
    assert!(portal.contains("1 of 2"), "seats used");
    b.screenshot("portal");

    // Cross-user: Ann's session cannot free Bob's device.
    let ann_cookie = format!(
        "olx_portal={}",
        b.cookie("olx_portal")["value"].as_str().unwrap()
    );
    let ann_csrf = b.attr("form[action*='/deactivate'] input[name=csrf]", "value");
    let r = http(
        &raw,
        "POST",
        &format!("/portal/devices/{bob_activation}/deactivate"),
        &ann_cookie,
        &[("csrf", &ann_csrf)],
    );
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(
        SERVER
            .admin("GET", &format!("/v3/activations/{bob_activation}"), None)
            .0,
        200
    );
    // A staff cookie is no portal session, nor the other way round.
    assert_eq!(http(&raw, "GET", "/portal", &staff_cookie, &[]).status, 303);
    assert_eq!(
        http(&raw, "GET", "/dashboard", &ann_cookie, &[]).status,
        303
    );
    // CSRF on the portal too.
    let r = http(
        &raw,
        "POST",
        &format!("/portal/devices/{bob_activation}/deactivate"),
        &ann_cookie,
        &[("csrf", "")],
    );
    assert_eq!(r.status, 403);

    // Ann frees her device in the browser; its next sync is not found.
    b.click("form[action*='/deactivate'] button");
    b.wait_text("p.notice", "Device deactivated");
    assert!(b.source().contains("0 of 2"));
    assert_eq!(SyncLicenseActivation(), LA_E_ACTIVATION_NOT_FOUND);

    // An administrator issues Bob a reset link; Bob sets a new password.
    b.go(&format!(
        "{}/dashboard/users/{}",
        SERVER.url,
        bob["id"].as_str().unwrap()
    ));
    b.click("form[action$='/reset-link'] button");
    b.wait_text("h1", "Password-reset link");
    let link = b.attr("input[aria-label='Reset link']", "value");
    assert!(
        link.contains("/portal/reset/") && link.contains("/olr_"),
        "{link}"
    );
    let path = &link[link.find("/portal/").unwrap()..];
    b.go(&format!("{}{path}", SERVER.url));
    b.type_into("input[name=password]", "bob-new-password");
    b.type_into("input[name=confirm]", "bob-new-password");
    b.click("button[type=submit]");
    b.wait_text("p.notice", "Password set");
    b.go(&format!("{}{path}", SERVER.url));
    assert!(
        b.source().contains("used already or has expired"),
        "one use only"
    );
    let old = sign_in_http(&raw, "portal", "bob@example.com", "bob-password-1");
    assert!(
        old.body.contains("invalid email or password"),
        "{}",
        old.body
    );
    assert_eq!(
        sign_in_http(&raw, "portal", "bob@example.com", "bob-new-password").status,
        303
    );
}
