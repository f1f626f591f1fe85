//! A programmable HTTP/1.1 responder on loopback for hostile-network tests:
//! each request is parsed and handed, with its socket, to a handler that can
//! be swapped at any time (answer late, drip bytes, lie about lengths, sign
//! tokens for the fingerprint the library just sent, ...).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Request line.
    pub line: String,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The JSON body, or Null.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What answers a request.
pub type Handler = Arc<dyn Fn(&Request, &mut TcpStream) + Send + Sync>;

/// A running responder.
pub struct Hostile {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    handler: Arc<Mutex<Handler>>,
    /// Requests seen so far.
    pub seen: Arc<Mutex<Vec<Request>>>,
}

impl Hostile {
    /// Starts a responder with a handler.
    pub fn start(handler: Handler) -> Hostile {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let handler = Arc::new(Mutex::new(handler));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (h, s) = (handler.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in l.incoming() {
                let Ok(mut stream) = stream else { return };
                let (h, s) = (h.clone(), s.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let Some(req) = read_request(&mut stream) else {
                        return;
                    };
                    s.lock().unwrap().push(req.clone());
                    let handler = h.lock().unwrap().clone();
                    handler(&req, &mut stream);
                });
            }
        });
        Hostile { url, handler, seen }
    }

    /// Replaces the handler for later requests.
    pub fn set(&self, handler: Handler) {
        *self.handler.lock().unwrap() = handler;
    }
}

fn read_request(s: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let line = head.split("\r\n").next().unwrap_or("").to_string();
    let len: usize = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some(Request { line, body })
}

/// Writes a complete response.
pub fn respond(s: &mut TcpStream, code: u16, ctype: &str, body: &[u8]) {
    let _ = write!(
        s,
        "HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(body);
    let _ = s.flush();
}

/// Handler: a fixed response.
pub fn fixed(code: u16, ctype: &'static str, body: Vec<u8>) -> Handler {
    Arc::new(move |_, s| respond(s, code, ctype, &body))
}

/// Handler: waits, then delegates.
pub fn after(delay: Duration, then: Handler) -> Handler {
    Arc::new(move |r, s| {
        std::thread::sleep(delay);
        then(r, s)
    })
}

/// Handler: sends headers announcing a large body, then one byte every
/// `every` for as long as the peer listens.
pub fn drip(every: Duration) -> Handler {
    Arc::new(move |_, s| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
        );
        for _ in 0..100_000 {
            std::thread::sleep(every);
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    })
}

/// Handler: accepts and never answers (holds the socket for `hold`).
pub fn silent(hold: Duration) -> Handler {
    Arc::new(move |_, _| std::thread::sleep(hold))
}
