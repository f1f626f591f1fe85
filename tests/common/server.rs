//! Runs the real openlex-server binary on loopback over HTTPS with its
//! development CA, for end-to-end tests. One server per test process.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// The running server.
pub struct Server {
    /// Data directory (database, admin token, CA).
    pub dir: PathBuf,
    /// Base URL, `https://127.0.0.1:PORT`.
    pub url: String,
    /// Admin bearer token.
    pub admin_token: String,
    agent: ureq::Agent,
    _tmp: tempfile::TempDir,
}

static CHILD: Mutex<Option<Child>> = Mutex::new(None);

extern "C" fn kill_server() {
    if let Ok(mut c) = CHILD.lock() {
        if let Some(ch) = c.as_mut() {
            let _ = ch.kill();
            let _ = ch.wait();
        }
    }
}

/// Path of the openlex-server binary next to this test's target directory.
pub fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join("openlex-server");
    assert!(
        bin.exists(),
        "{} missing: run `cargo build -p openlex-server` first",
        bin.display()
    );
    bin
}

fn pem_to_der(pem: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut inside = false;
    for line in pem.lines() {
        if line.starts_with("-----BEGIN CERTIFICATE") {
            inside = true;
            cur.clear();
        } else if line.starts_with("-----END CERTIFICATE") {
            inside = false;
            out.push(
                base64::engine::general_purpose::STANDARD
                    .decode(cur.trim())
                    .unwrap(),
            );
        } else if inside {
            cur.push_str(line.trim());
        }
    }
    out
}

/// The shared server, started on first use. Also points SSL_CERT_FILE at its
/// CA before the library loads its trust store.
pub static SERVER: LazyLock<Server> = LazyLock::new(start);

fn start() -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("server");
    let bin = server_bin();
    let st = Command::new(&bin)
        .arg("--data-dir")
        .arg(&dir)
        .arg("init")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "openlex-server init failed");
    let child = Command::new(&bin)
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--rate-limit", "off"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    *CHILD.lock().unwrap() = Some(child);
    // SAFETY: registering a plain extern "C" fn with atexit has no preconditions.
    unsafe { libc::atexit(kill_server) };
    let url_file = dir.join("server.url");
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        if let Ok(u) = std::fs::read_to_string(&url_file) {
            if !u.trim().is_empty() {
                break u.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(20));
    };
    let ca = dir.join("ca.pem");
    std::env::set_var("SSL_CERT_FILE", &ca);
    let certs: Vec<ureq::tls::Certificate<'static>> =
        pem_to_der(&std::fs::read_to_string(&ca).unwrap())
            .into_iter()
            .map(|d| ureq::tls::Certificate::from_der(&d).to_owned())
            .collect();
    let tls = ureq::tls::TlsConfig::builder()
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)))
        .build();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls)
        .build()
        .new_agent();
    let admin_token = std::fs::read_to_string(dir.join("admin-token"))
        .unwrap()
        .trim()
        .to_string();
    Server {
        dir,
        url,
        admin_token,
        agent,
        _tmp: tmp,
    }
}

impl Server {
    /// Calls the admin API; returns (status, JSON body or Null).
    pub fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.url, path);
        let auth = format!("Bearer {}", self.admin_token);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).header("Authorization", &auth).call(),
            ("DELETE", _) => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .call(),
            ("PATCH", b) => self
                .agent
                .patch(&url)
                .header("Authorization", &auth)
                .send_json_value(b),
            (_, b) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_json_value(b),
        };
        let mut r = resp.unwrap();
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Creates a product; returns (id, productData).
    pub fn product(&self, name: &str, extra: Value) -> (String, String) {
        let mut body = json!({"name": name, "displayName": name, "description": "e2e"});
        merge(&mut body, extra);
        let (s, v) = self.admin("POST", "/v3/products", Some(body));
        assert!(s < 300, "product create: {s} {v}");
        (
            v["id"].as_str().unwrap().to_string(),
            v["productData"].as_str().unwrap().to_string(),
        )
    }

    /// Creates a license; returns (id, key).
    pub fn license(&self, product_id: &str, extra: Value) -> (String, String) {
        let mut body = json!({"productId": product_id});
        merge(&mut body, extra);
        let (s, v) = self.admin("POST", "/v3/licenses", Some(body));
        assert!(s < 300, "license create: {s} {v}");
        (
            v["id"].as_str().unwrap().to_string(),
            v["key"].as_str().unwrap().to_string(),
        )
    }
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
}

trait SendJsonValue {
    fn send_json_value(
        self,
        v: Option<Value>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>;
}

impl SendJsonValue for ureq::RequestBuilder<ureq::typestate::WithBody> {
    fn send_json_value(
        self,
        v: Option<Value>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let body = serde_json::to_vec(&v.unwrap_or(Value::Null)).unwrap();
        self.header("Content-Type", "application/json")
            .send(&body[..])
    }
}
