//! A minimal HTTP/1.1 keep-alive client over rustls (or plain TCP for
//! `--http` servers), just enough for the load generator.
//!
//! The load generator shares the machine's cores with the server it
//! measures, so its own cost per request matters. A general client (ureq)
//! spent ~0.16 ms of CPU per request here, mostly in syscalls: it started a
//! thread per request (name resolution with a timeout) and re-armed socket
//! timeouts around every read. This one writes each request with one TLS
//! record and reads the response with as few reads as the server's writes
//! allow.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};

/// Where and how to connect: parsed from `https://HOST:PORT` or `http://...`.
#[derive(Clone)]
pub struct Target {
    /// `HOST:PORT` for the TCP connection and the `Host` header.
    pub authority: String,
    /// TLS settings; `None` for plain HTTP.
    tls: Option<(Arc<ClientConfig>, ServerName<'static>)>,
}

impl Target {
    /// Parses `url` (scheme, host and port only) and, for https, trusts the
    /// CA certificates in `ca_pem`.
    pub fn new(url: &str, ca_pem: &[u8]) -> Result<Target, String> {
        let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("{url}: expected http:// or https://"));
        };
        let authority = rest.trim_end_matches('/').to_string();
        if authority.is_empty() || authority.contains('/') {
            return Err(format!("{url}: expected scheme://host:port"));
        }
        if !https {
            return Ok(Target {
                authority,
                tls: None,
            });
        }
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => h,
            _ => authority.as_str(),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string()).map_err(|e| format!("{host}: {e}"))?;
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(ca_pem) {
            let c = c.map_err(|e| format!("ca.pem: {e}"))?;
            roots.add(c).map_err(|e| format!("ca.pem: {e}"))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let cfg = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Target {
            authority,
            tls: Some((Arc::new(cfg), name)),
        })
    }

    /// Opens a connection (the TLS handshake happens on the first request).
    pub fn connect(&self) -> io::Result<Conn> {
        let tcp = TcpStream::connect(&self.authority)?;
        tcp.set_nodelay(true)?;
        let stream = match &self.tls {
            None => Stream::Plain(tcp),
            Some((cfg, name)) => {
                let c =
                    ClientConnection::new(cfg.clone(), name.clone()).map_err(io::Error::other)?;
                Stream::Tls(Box::new(StreamOwned::new(c, tcp)))
            }
        };
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(8192),
        })
    }

    /// The bytes of a `POST path` request with a JSON body.
    pub fn post_request(&self, path: &str, bearer: Option<&str>, body: &[u8]) -> Vec<u8> {
        let auth = bearer
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let mut r = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n",
            self.authority,
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }

    /// The bytes of a `GET path` request.
    pub fn get_request(&self, path: &str) -> Vec<u8> {
        format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.authority).into_bytes()
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

/// One keep-alive connection.
pub struct Conn {
    stream: Stream,
    /// Bytes read past the previous response (none with this server).
    buf: Vec<u8>,
}

impl Conn {
    /// Sends a complete request (from [`Target::post_request`]) and returns
    /// the response status and body. Only `Content-Length` bodies are
    /// understood, which is what the server sends.
    pub fn send(&mut self, request: &[u8]) -> io::Result<(u16, Vec<u8>)> {
        match &mut self.stream {
            Stream::Plain(s) => s.write_all(request)?,
            Stream::Tls(s) => {
                s.write_all(request)?;
                s.flush()?;
            }
        }
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill()?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end])
            .map_err(|_| bad("response head is not UTF-8"))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| bad("no status line"))?;
        let len = head
            .split("\r\n")
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .ok_or_else(|| bad("response without Content-Length"))?;
        while self.buf.len() < head_end + len {
            self.fill()?;
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        Ok((status, body))
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = match &mut self.stream {
            Stream::Plain(s) => s.read(&mut chunk)?,
            Stream::Tls(s) => s.read(&mut chunk)?,
        };
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "server closed the connection",
            ));
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}
