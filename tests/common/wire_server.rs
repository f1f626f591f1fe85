//! A one-request-at-a-time HTTP/1.1 responder on loopback that records what
//! the library sends and answers with a scripted response. It stands in for
//! a broken or hostile server (the real-server tests use openlex-server).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// A recorded request.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Request line, e.g. `POST /v3/activations HTTP/1.1`.
    pub line: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// What to answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status, content type and body.
    Status(u16, &'static str, Vec<u8>),
    /// Announce `len` bytes but send `body` and close (truncation).
    Truncated(usize, Vec<u8>),
    /// Close the connection without answering.
    Drop,
}

/// Serves `reply` to every connection; returns the base URL and a channel of requests.
pub fn serve(reply: Reply) -> (String, mpsc::Receiver<Recorded>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in l.incoming() {
            let Ok(mut s) = stream else { return };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let header_end = loop {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(p);
                }
            };
            let Some(end) = header_end else { continue };
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let mut lines = head.split("\r\n");
            let line = lines.next().unwrap_or("").to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = buf[end + 4..].to_vec();
            while body.len() < len {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => body.extend_from_slice(&chunk[..n]),
                }
            }
            let _ = tx.send(Recorded {
                line,
                headers,
                body,
            });
            match &reply {
                Reply::Status(code, ctype, b) => {
                    let _ = write!(s, "HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len());
                    let _ = s.write_all(b);
                }
                Reply::Truncated(n, b) => {
                    let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n");
                    let _ = s.write_all(b);
                }
                Reply::Drop => {}
            }
        }
    });
    (url, rx)
}
