//! Test harness: runs the real `openlex-server` binary (init + serve over
//! HTTPS with the generated development CA) and talks to it with ureq.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use openlex_wire::fingerprint::{hash_component, Fingerprint};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_openlex-server");

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body.get("code").and_then(|c| c.as_str()).unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn s(&self, k: &str) -> String {
        self.body
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }
}

pub struct Server {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub url: String,
    pub admin: String,
    /// The PostgreSQL database the node uses (None on SQLite).
    pub database_url: Option<String>,
    child: Child,
    pub agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PostgreSQL server the suite runs against, if any
/// (`scripts/with-postgres.sh` sets `OPENLEX_TEST_DATABASE_URL`); without
/// it every server uses SQLite in its data directory.
pub fn test_database_server() -> Option<String> {
    std::env::var("OPENLEX_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// `url` with its database name replaced by `name`.
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("url with a database name");
    format!("{base}/{name}")
}

/// The database of the node whose data directory is `dir`: one PostgreSQL
/// database per data directory (named after its path), created on first
/// use, so tests never share records; None on SQLite.
pub fn database_for(dir: &std::path::Path) -> Option<String> {
    use sha2::Digest;
    let server = test_database_server()?;
    let name = format!(
        "olt_{}",
        &hex::encode(sha2::Sha256::digest(dir.to_string_lossy().as_bytes()))[..24]
    );
    static CREATED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut created = CREATED.lock().unwrap_or_else(|e| e.into_inner());
    if !created.contains(&name) {
        let mut admin = postgres::Client::connect(&server, postgres::NoTls)
            .expect("connect to the test PostgreSQL");
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .expect("pg_database")
            .is_some();
        if !exists {
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
        }
        created.push(name.clone());
    }
    Some(with_database_name(&server, &name))
}

/// The `openlex-server` command for the node in `dir`: `--data-dir DIR`, and
/// its PostgreSQL database when the suite runs on one.
pub fn command_for(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir);
    match database_for(dir) {
        Some(url) => cmd.env("OPENLEX_DATABASE_URL", url),
        None => cmd.env_remove("OPENLEX_DATABASE_URL"),
    };
    cmd
}

pub fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = command_for(dir).args(args).output().expect("run cli");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn agent_for(ca_pem: &[u8]) -> ureq::Agent {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = ureq::tls::Certificate::from_pem(ca_pem)
        .expect("ca pem")
        .to_owned();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&["--rate-limit", "off"], &[])
    }

    pub fn start_with(serve_args: &[&str], env: &[(&str, &str)]) -> Server {
        Self::start_with_stderr(serve_args, env, None)
    }

    /// [`Server::start_with`], the server's stderr (its request log) going to
    /// `stderr` if given. Without `--log-level` in `serve_args` the log is off.
    pub fn start_with_stderr(
        serve_args: &[&str],
        env: &[(&str, &str)],
        stderr: Option<std::fs::File>,
    ) -> Server {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let (ok, _, err) = cli(&dir, &["init"]);
        assert!(ok, "init failed: {err}");
        Self::serve_dir(tmp, dir, serve_args, env, stderr)
    }

    /// A node on SQLite whatever the suite runs on (a source for `db copy`).
    pub fn start_on_sqlite() -> Server {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&dir)
            .arg("init")
            .env_remove("OPENLEX_DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self::serve_dir(
            tmp,
            dir,
            &["--rate-limit", "off"],
            &[("OPENLEX_DATABASE_URL", "")],
            None,
        )
    }

    /// A node on `database_url` with a copy of this node's data directory.
    pub fn join_database(&self, database_url: &str) -> Server {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        for f in ["admin-token", "ca.pem", "server.pem", "server-key.pem"] {
            std::fs::copy(self.dir.join(f), dir.join(f)).unwrap();
        }
        Self::serve_dir(
            tmp,
            dir,
            &["--rate-limit", "off"],
            &[("OPENLEX_DATABASE_URL", database_url)],
            None,
        )
    }

    /// A second node on this node's PostgreSQL database, with a copy of
    /// its data directory (admin token, CA, TLS files), as an operator
    /// adds one. None on SQLite.
    pub fn join(&self, serve_args: &[&str]) -> Option<Server> {
        let url = self.database_url.clone()?;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        for f in ["admin-token", "ca.pem", "server.pem", "server-key.pem"] {
            std::fs::copy(self.dir.join(f), dir.join(f)).unwrap();
        }
        Some(Self::serve_dir(
            tmp,
            dir,
            serve_args,
            &[("OPENLEX_DATABASE_URL", &url)],
            None,
        ))
    }

    /// The node's process id (for kill -9).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the node with SIGKILL, then serves the same data directory
    /// (and database) again with `serve_args`.
    pub fn kill_and_restart(&mut self, serve_args: &[&str]) {
        self.kill();
        let tmp = std::mem::replace(&mut self.tmp, tempfile::tempdir().expect("tempdir"));
        let url = self.database_url.clone().unwrap_or_default();
        let next = Self::serve_dir(
            tmp,
            self.dir.clone(),
            serve_args,
            &[("OPENLEX_DATABASE_URL", &url)],
            None,
        );
        *self = next;
    }

    /// Kills the node with SIGKILL and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn serve_dir(
        tmp: tempfile::TempDir,
        dir: PathBuf,
        serve_args: &[&str],
        env: &[(&str, &str)],
        stderr: Option<std::fs::File>,
    ) -> Server {
        let admin = std::fs::read_to_string(dir.join("admin-token"))
            .unwrap()
            .trim()
            .to_string();
        // an explicit OPENLEX_DATABASE_URL wins (empty: SQLite)
        let database_url = match env.iter().find(|(k, _)| *k == "OPENLEX_DATABASE_URL") {
            Some((_, v)) => Some(v.to_string()).filter(|v| !v.is_empty()),
            None => database_for(&dir),
        };
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(&dir);
        match &database_url {
            Some(url) => cmd.env("OPENLEX_DATABASE_URL", url),
            None => cmd.env_remove("OPENLEX_DATABASE_URL"),
        };
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(serve_args);
        if !serve_args.contains(&"--log-level") {
            cmd.args(["--log-level", "off"]);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(stderr.map_or_else(Stdio::inherit, Stdio::from))
            .spawn()
            .expect("spawn serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("bad first line {line:?}"))
            .to_string();
        assert_eq!(
            std::fs::read_to_string(dir.join("server.url"))
                .unwrap()
                .trim(),
            url
        );
        let agent = agent_for(&std::fs::read(dir.join("ca.pem")).unwrap());
        Server {
            tmp,
            dir,
            url,
            admin,
            database_url,
            child,
            agent,
        }
    }

    pub fn cli(&self, args: &[&str]) -> (bool, String, String) {
        cli(&self.dir, args)
    }

    /// A server whose clock tests move (`serve --insecure-test-clock`).
    pub fn start_with_test_clock() -> Server {
        Self::start_with(&["--rate-limit", "off", "--insecure-test-clock"], &[])
    }

    /// Moves the server's clock by `seconds` (needs `start_with_test_clock`);
    /// returns the server's time after the move.
    pub fn advance_clock(&self, seconds: i64) -> i64 {
        let r = self.admin(
            "POST",
            "/v3/test/clock",
            Some(&json!({ "advanceSeconds": seconds })),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["now"].as_i64().expect("now")
    }

    pub fn raw(&self, method: &str, path: &str, body: Option<&str>, bearer: Option<&str>) -> Resp {
        self.raw_with(method, path, body, bearer, &[])
    }

    /// [`Server::raw`] with extra request headers (e.g. `X-Forwarded-For`).
    pub fn raw_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        bearer: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = format!("{}{}", self.url, path);
        let auth = bearer.map(|b| format!("Bearer {b}"));
        let result = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = self.agent.delete(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            (m, b) => {
                let mut r = match m {
                    "POST" => self.agent.post(&url),
                    "PATCH" => self.agent.patch(&url),
                    "PUT" => self.agent.put(&url),
                    _ => panic!("method {m}"),
                };
                r = r.header("Content-Type", "application/json");
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.send(b.unwrap_or(""))
            }
        };
        let mut resp = result.expect("http request");
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            text,
            headers,
        }
    }

    pub fn req(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let b = body.map(|b| b.to_string());
        self.raw(method, path, b.as_deref(), None)
    }

    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let b = body.map(|b| b.to_string());
        self.raw(method, path, b.as_deref(), Some(&self.admin))
    }

    /// Creates a product with a fixture key (RSA keygen is slow in debug builds).
    pub fn product(&self, n: usize, extra: Value) -> Value {
        let pem = std::fs::read_to_string(format!(
            "{}/tests/fixtures/test-key-{}.pem",
            env!("CARGO_MANIFEST_DIR"),
            n
        ))
        .unwrap();
        let mut body = json!({ "name": format!("Product {n}"), "privateKey": pem });
        merge(&mut body, extra);
        let r = self.admin("POST", "/v3/products", Some(&body));
        assert_eq!(r.status, 201, "{}", r.text);
        r.body
    }

    pub fn license(&self, product_id: &str, extra: Value) -> Value {
        let mut body = json!({ "productId": product_id });
        merge(&mut body, extra);
        let r = self.admin("POST", "/v3/licenses", Some(&body));
        assert_eq!(r.status, 201, "{}", r.text);
        r.body
    }

    pub fn activate(&self, body: &Value) -> Resp {
        self.req("POST", "/v3/activations", Some(body))
    }
}

pub fn merge(into: &mut Value, extra: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), extra) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
}

/// A structured fingerprint with components base, lc, pn and bv; `changed`
/// replaces the first `changed` of them.
pub fn fingerprint(device: &str, changed: usize) -> String {
    let mut f = Fingerprint::default();
    for (n, (i, name)) in [(0usize, "base"), (1, "lc"), (4, "pn"), (6, "bv")]
        .iter()
        .enumerate()
    {
        let raw = if n < changed {
            format!("{device}-{name}-changed")
        } else {
            format!("{device}-{name}")
        };
        f.hashes[*i] = hash_component("p", name, raw.as_bytes());
    }
    f.encode()
}

/// The activation body captured from LexActivator 3.46.0 (wire.md §3.1).
pub fn activation_body(product_id: &str, key: &str, fp: &str) -> Value {
    let text = r#"{"accountId":"","os":"linux","osVersion":"Debian GNU/Linux 12 (bookworm)","key":"<license key>","floating":false,"fingerprint":"<fp>","userHash":"73E0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E","productId":"<product id>","vmName":"","container":true,"appVersion":"1.0.0","releaseVersion":"","releasePlatform":"","releaseChannel":"","hostname":"build-host","clientVersion":"3.46.0","leaseDuration":0,"email":"","password":"","metadata":[{"key":"k1","value":"v1"}],"meterAttributes":[],"deviceKeyProtectionMethod":null,"deviceKeyAlgorithm":null,"devicePublicKey":null}"#;
    let text = text
        .replace("<license key>", key)
        .replace("<fp>", fp)
        .replace("<product id>", product_id);
    serde_json::from_str(&text).unwrap()
}

/// The trial body captured from LexActivator 3.46.0 (wire.md §3.2).
pub fn trial_body(product_id: &str, fp: &str) -> Value {
    json!({"accountId":"","os":"linux","osVersion":"Debian GNU/Linux 12 (bookworm)","fingerprint":fp,"userHash":"73E0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E","productId":product_id,"vmName":"","container":true,"appVersion":"1.0.0","clientVersion":"3.46.0","hostname":"build-host","releaseVersion":"","releasePlatform":"","releaseChannel":"","metadata":[]})
}

pub fn deactivation_body(product_id: &str, fp: &str) -> Value {
    json!({"productId": product_id, "accountId": "", "fingerprint": fp, "userHash": "73E0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E", "os": "linux"})
}

/// Verifies an RS256 token with the product's PEM public key and returns its payload.
pub fn verify(token: &str, public_key_pem: &str) -> Value {
    let parts = openlex_wire::jwt::split(token).expect("jwt framing");
    let b64: String = public_key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let spki = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(spki.len(), 294, "RSA-2048 SPKI");
    // The PKCS#1 RSAPublicKey is the last 270 bytes of a 2048-bit SPKI.
    let pk = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        &spki[spki.len() - 270..],
    );
    pk.verify(parts.signing_input.as_bytes(), &parts.signature)
        .expect("signature verifies");
    serde_json::from_slice(&parts.payload).unwrap()
}

pub fn claims(token: &str, public_key_pem: &str) -> openlex_wire::ActivationClaims {
    serde_json::from_value(verify(token, public_key_pem)).expect("claims parse")
}

/// A date of an admin DTO (ISO 8601 UTC string, as the vendor's) as unix
/// seconds; `null` (the vendor's "none") is 0.
#[allow(dead_code)]
pub fn date(v: &Value) -> i64 {
    match v {
        Value::Null => 0,
        Value::String(s) => {
            openlex_server::dates::parse(s).unwrap_or_else(|| panic!("not an ISO 8601 date: {s}"))
        }
        other => panic!("a date must be an ISO 8601 string or null, got {other}"),
    }
}
