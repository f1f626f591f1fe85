//! Web API v3 client over HTTPS (ureq + rustls with a trimmed ring provider,
//! see [`tls`]).
//!
//! Trust: the system store (rustls-native-certs, which also honours
//! `SSL_CERT_FILE` and `SSL_CERT_DIR`). Proxy: SetNetworkProxy, else the
//! standard `HTTPS_PROXY`/`ALL_PROXY`/`HTTP_PROXY` variables (with `NO_PROXY`).
//! Every call is bounded: connect 5 s, whole call 15 s, response body
//! 1 MiB, so a dead or slow server never hangs the caller for long.

pub mod errors;
pub mod tls;

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use parking_lot::Mutex;

use crate::status::Status;

/// The vendor's default API host.
pub const DEFAULT_HOST: &str = "https://api.cryptlex.com";
/// Connect timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Upper bound on a whole request, connect to last body byte.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// Largest response body read.
pub const MAX_BODY: u64 = 1024 * 1024;

/// HTTP methods the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

/// A response: status and (bounded) body.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// True for 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What an agent depends on; agents are cached per distinct settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Base URL without a trailing slash.
    pub host: String,
    /// Explicit proxy (empty = environment).
    pub proxy: String,
    /// Verify the server certificate.
    pub tls_verify: bool,
}

static ROOTS: LazyLock<Arc<Vec<ureq::tls::Certificate<'static>>>> = LazyLock::new(|| {
    let found = rustls_native_certs::load_native_certs();
    Arc::new(
        found
            .certs
            .into_iter()
            .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
            .collect(),
    )
});

static AGENTS: LazyLock<Mutex<Option<(Settings, ureq::Agent)>>> =
    LazyLock::new(|| Mutex::new(None));

fn proxy_for(s: &Settings) -> Result<Option<ureq::Proxy>, Status> {
    if !s.proxy.is_empty() {
        return ureq::Proxy::new(&s.proxy)
            .map(Some)
            .map_err(|_| Status::NetProxy);
    }
    let host = s
        .host
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if is_loopback(host) || no_proxy_matches(host) {
        return Ok(None);
    }
    Ok(ureq::Proxy::try_from_env())
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

fn no_proxy_matches(host: &str) -> bool {
    let list = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|e| {
            e == "*"
                || host.eq_ignore_ascii_case(e.trim_start_matches('.'))
                || host.ends_with(&format!(".{}", e.trim_start_matches('.')))
        })
}

fn build_agent(s: &Settings) -> Result<ureq::Agent, Status> {
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(tls::provider()))
        .root_certs(ureq::tls::RootCerts::Specific(ROOTS.clone()))
        .disable_verification(!s.tls_verify)
        .build();
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(CALL_TIMEOUT))
        .max_redirects(0)
        .user_agent(concat!("OpenLex/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .proxy(proxy_for(s)?)
        .build();
    Ok(ureq::Agent::new_with_config(config))
}

fn agent(s: &Settings) -> Result<ureq::Agent, Status> {
    let mut cache = AGENTS.lock();
    if let Some((cached, a)) = cache.as_ref() {
        if cached == s {
            return Ok(a.clone());
        }
    }
    let a = build_agent(s)?;
    *cache = Some((s.clone(), a.clone()));
    Ok(a)
}

/// Sends one request. Transport failures (DNS, refused, TLS, timeout,
/// oversize body) are `LA_E_INET`.
pub fn send(
    s: &Settings,
    method: Method,
    path: &str,
    body: Option<&[u8]>,
    bearer: Option<&str>,
) -> Result<Response, Status> {
    let agent = agent(s)?;
    let url = format!("{}{}", s.host, path);
    // Query strings can carry the license key: log the path only.
    crate::log::line(|| {
        format!(
            "{method:?} {}{}",
            s.host,
            path.split('?').next().unwrap_or("")
        )
    });
    let auth = bearer.map(|b| format!("Bearer {b}"));
    let result = match (method, body) {
        (Method::Get, _) => {
            with_auth(agent.get(&url).header("Accept", "*/*"), auth.as_deref()).call()
        }
        (Method::Delete, _) => {
            with_auth(agent.delete(&url).header("Accept", "*/*"), auth.as_deref()).call()
        }
        (m, b) => {
            let rb = match m {
                Method::Patch => agent.patch(&url),
                _ => agent.post(&url),
            };
            with_auth(
                rb.header("Accept", "*/*")
                    .header("Content-Type", "application/json"),
                auth.as_deref(),
            )
            .send(b.unwrap_or(b""))
        }
    };
    let mut resp = result.map_err(|e| {
        crate::log::line(|| format!("transport error: {e}"));
        Status::Inet
    })?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|_| Status::Inet)?;
    crate::log::line(|| format!("-> {status} ({} bytes)", body.len()));
    Ok(Response { status, body })
}

fn with_auth<B>(rb: ureq::RequestBuilder<B>, auth: Option<&str>) -> ureq::RequestBuilder<B> {
    match auth {
        Some(a) => rb.header("Authorization", a),
        None => rb,
    }
}

/// Percent-encodes a query or path component.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
