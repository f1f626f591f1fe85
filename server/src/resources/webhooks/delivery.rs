//! One delivery attempt: a signed HTTP/1.1 POST with bounded connect and
//! total time, no redirects (a 3xx is a failed attempt), and a response
//! read only up to [`RESPONSE_KEPT`](super::outbox::RESPONSE_KEPT) bytes.
//!
//! hyper's low-level client connection (already a dependency for the
//! server side) and rustls keep the dependency tree as it was; the client
//! never follows anything, so there is no redirect or pool logic to bound.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Request, Uri};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use ring::hmac;
use rustls_pki_types::CertificateDer;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::outbox::{Outcome, RESPONSE_KEPT};

/// The signature header: hex HMAC-SHA256 of the raw body under the secret.
pub const SIGNATURE_HEADER: &str = "X-OpenLex-Signature";
/// The time of the attempt (unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-OpenLex-Timestamp";
/// The event id, for de-duplication (the same in every attempt and
/// endpoint).
pub const EVENT_ID_HEADER: &str = "X-OpenLex-Event-Id";
/// The event type.
pub const EVENT_TYPE_HEADER: &str = "X-OpenLex-Event";

/// The hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    hex::encode(hmac::sign(&key, body).as_ref())
}

/// Limits and TLS settings of the HTTP client.
#[derive(Clone)]
pub struct Client {
    /// Time to resolve and connect (and the TLS handshake).
    pub connect_timeout: Duration,
    /// Time for the whole attempt.
    pub total_timeout: Duration,
    tls: Arc<rustls::ClientConfig>,
}

impl Client {
    /// A client trusting the system's root certificates and `extra_roots`
    /// (an internal CA, `serve --webhook-ca`); the attempt ends after
    /// `total` (connecting gets at most half of it, up to 5 s).
    pub fn new(total: Duration, extra_roots: &[CertificateDer<'static>]) -> Client {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        for cert in extra_roots {
            let _ = roots.add(cert.clone());
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| {
                rustls::ClientConfig::builder()
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth()
            });
        Client {
            connect_timeout: (total / 2).min(Duration::from_secs(5)),
            total_timeout: total,
            tls: Arc::new(tls),
        }
    }

    /// POSTs `body` to `url`, signed with `secret`; never fails, the
    /// outcome says what happened.
    pub async fn post(
        &self,
        url: &str,
        secret: &str,
        event_id: &str,
        event_type: &str,
        body: String,
        now: i64,
    ) -> Outcome {
        let started = Instant::now();
        let res = tokio::time::timeout(
            self.total_timeout,
            self.attempt(url, secret, event_id, event_type, body, now),
        )
        .await;
        let mut out = match res {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => Outcome {
                error: e,
                ..Default::default()
            },
            Err(_) => Outcome {
                error: format!("timed out after {} ms", self.total_timeout.as_millis()),
                ..Default::default()
            },
        };
        out.latency_ms = started.elapsed().as_millis() as u64;
        out
    }

    async fn attempt(
        &self,
        url: &str,
        secret: &str,
        event_id: &str,
        event_type: &str,
        body: String,
        now: i64,
    ) -> Result<Outcome, String> {
        let uri = super::check_url(url).map_err(|e| e.message)?;
        let https = uri.scheme_str() == Some("https");
        let host = uri.host().unwrap_or_default().to_owned();
        let bare = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let tcp = tokio::time::timeout(self.connect_timeout, connect(&bare, port, https))
            .await
            .map_err(|_| {
                format!(
                    "connect timed out after {} ms",
                    self.connect_timeout.as_millis()
                )
            })??;
        let _ = tcp.set_nodelay(true);
        let req = request(&uri, &host, secret, event_id, event_type, body, now)?;
        if https {
            let name = rustls_pki_types::ServerName::try_from(bare.clone())
                .map_err(|e| format!("bad host name: {e}"))?;
            let tls = tokio::time::timeout(
                self.connect_timeout,
                tokio_rustls::TlsConnector::from(self.tls.clone()).connect(name, tcp),
            )
            .await
            .map_err(|_| "TLS handshake timed out".to_owned())?
            .map_err(|e| format!("TLS: {e}"))?;
            send(tls, req).await
        } else {
            send(tcp, req).await
        }
    }
}

/// Connects to `host:port`; plain http only to loopback addresses, checked
/// on the resolved address too (a name that resolves elsewhere is refused).
async fn connect(host: &str, port: u16, https: bool) -> Result<TcpStream, String> {
    let addrs: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("resolve {host}: {e}"))?
        .collect();
    let mut last = format!("{host} has no address");
    for a in addrs {
        if !https && !a.ip().is_loopback() {
            last = format!("{host} resolves to {}, not loopback: http refused", a.ip());
            continue;
        }
        match TcpStream::connect(a).await {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("connect {a}: {e}"),
        }
    }
    Err(last)
}

fn request(
    uri: &Uri,
    host: &str,
    secret: &str,
    event_id: &str,
    event_type: &str,
    body: String,
    now: i64,
) -> Result<Request<Full<Bytes>>, String> {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let host_header = match uri.port_u16() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    Request::post(path)
        .header("host", host_header)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("openlex-server/", env!("CARGO_PKG_VERSION")),
        )
        .header(SIGNATURE_HEADER, sign(secret, body.as_bytes()))
        .header(TIMESTAMP_HEADER, now.to_string())
        .header(EVENT_ID_HEADER, event_id)
        .header(EVENT_TYPE_HEADER, event_type)
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("request: {e}"))
}

async fn send<S>(io: S, req: Request<Full<Bytes>>) -> Result<Outcome, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("http: {e}"))?;
    // The connection is driven inside this future, not a task of its own:
    // when the exchange ends, or the attempt's time runs out and this
    // future is dropped, the socket closes right then, so an endpoint that
    // never answers holds no more connections than attempts in flight.
    let exchange = async move {
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| format!("http: {e}"))?;
        let status = resp.status().as_u16();
        let mut body = resp.into_body();
        let mut kept = Vec::new();
        // Read at most RESPONSE_KEPT bytes; the rest is never read (the
        // connection is dropped), so a huge answer costs nothing.
        while kept.len() < RESPONSE_KEPT {
            match body.frame().await {
                Some(Ok(f)) => {
                    if let Some(d) = f.data_ref() {
                        let room = RESPONSE_KEPT - kept.len();
                        kept.extend_from_slice(&d[..d.len().min(room)]);
                    }
                }
                Some(Err(_)) | None => break,
            }
        }
        Ok(Outcome {
            status,
            latency_ms: 0,
            error: String::new(),
            response: String::from_utf8_lossy(&kept).into_owned(),
        })
    };
    tokio::pin!(exchange, conn);
    tokio::select! {
        biased;
        r = &mut exchange => r,
        // The connection ended first (closed, or an error): what the
        // exchange got by then is its outcome.
        _ = &mut conn => exchange.await,
    }
}

/// Reads the CA certificates of a PEM file (`serve --webhook-ca`).
pub fn read_roots(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls_pki_types::pem::PemObject;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("reading {}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("parsing {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", path.display()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
