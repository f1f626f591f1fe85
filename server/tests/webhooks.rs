//! Webhooks against real receivers on loopback: signed deliveries of the
//! resource DTO, retries with backoff driven by the test clock (500s,
//! dropped connections, hangs, redirects), failing endpoints, redelivery,
//! bounded response reads and concurrency, delivery after kill -9, the
//! expiry scheduler, and docs/WEBHOOKS.md's verification snippets run on a
//! real delivery.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// How a receiver answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Ok,
    Status(u16),
    /// Accepts, reads, never answers (until the test ends, at most 5 s).
    Hang,
    /// Reads, then closes without an answer.
    Drop,
    /// 200 with a 1 MiB body.
    Big,
    /// 302 to another path of itself.
    Redirect,
}

#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

struct Receiver {
    url: String,
    mode: Arc<Mutex<Mode>>,
    hits: mpsc::Receiver<Hit>,
    open: Arc<AtomicUsize>,
    max_open: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn read_request(s: &mut TcpStream) -> Option<Hit> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    read_hit(s)
}

/// One HTTP/1.1 request from `s` (plain or TLS).
fn read_hit(s: &mut impl Read) -> Option<Hit> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 1 << 20 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers.get("content-length")?.parse().ok()?;
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Hit {
        path,
        headers,
        body: buf[head_end..head_end + len].to_vec(),
    })
}

/// Whether the peer has closed `s` (EOF waiting), without blocking and
/// without consuming anything (MSG_PEEK | MSG_DONTWAIT leave the socket's
/// own blocking mode, shared with the thread serving it, alone).
fn peer_closed(s: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut b = [0u8; 1];
    // SAFETY: recv writes at most 1 byte into `b`, which outlives the call.
    let n = unsafe {
        libc::recv(
            s.as_raw_fd(),
            b.as_mut_ptr().cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    n == 0 || (n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::WouldBlock)
}

impl Receiver {
    fn start(mode: Mode) -> Receiver {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let url = format!("http://{}/hooks/openlex", l.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        let mode = Arc::new(Mutex::new(mode));
        let (open, max_open) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, o, mo, st) = (mode.clone(), open.clone(), max_open.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut live: Vec<TcpStream> = Vec::new();
            // Bounded: the test's receivers live at most two minutes.
            let deadline = Instant::now() + Duration::from_secs(120);
            while !st.load(Ordering::SeqCst) && Instant::now() < deadline {
                let Ok((mut s, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let _ = s.set_nonblocking(false);
                // Connections open at once, as the server keeps them: those
                // it has closed count as closed at once (their EOF is
                // already here), not when their thread gets to see it.
                live.retain(|c| !peer_closed(c));
                if let Ok(c) = s.try_clone() {
                    live.push(c);
                }
                mo.fetch_max(live.len(), Ordering::SeqCst);
                let (tx, m, o, st) = (tx.clone(), m.clone(), o.clone(), st.clone());
                std::thread::spawn(move || {
                    o.fetch_add(1, Ordering::SeqCst);
                    if let Some(hit) = read_request(&mut s) {
                        let _ = tx.send(hit);
                        let mode = *m.lock().unwrap();
                        let _ = match mode {
                            Mode::Ok => s.write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                            ),
                            Mode::Status(code) => s.write_all(
                                format!("HTTP/1.1 {code} Oops\r\nContent-Length: 13\r\nConnection: close\r\n\r\nreceiver says").as_bytes(),
                            ),
                            Mode::Big => {
                                let body = vec![b'x'; 1 << 20];
                                let _ = s.write_all(
                                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes(),
                                );
                                s.write_all(&body)
                            }
                            Mode::Redirect => s.write_all(
                                b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
                            ),
                            Mode::Hang => {
                                // Until the server gives up (EOF), at most 5 s.
                                let until = Instant::now() + Duration::from_secs(5);
                                let _ = s.set_read_timeout(Some(Duration::from_millis(20)));
                                let mut b = [0u8; 64];
                                while Instant::now() < until && !st.load(Ordering::SeqCst) {
                                    if matches!(s.read(&mut b), Ok(0)) {
                                        break;
                                    }
                                }
                                Ok(())
                            }
                            Mode::Drop => Ok(()),
                        };
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Receiver {
            url,
            mode,
            hits: rx,
            open,
            max_open,
            stop,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn next(&self) -> Hit {
        self.hits
            .recv_timeout(Duration::from_secs(15))
            .expect("a delivery within 15 s")
    }

    fn none_within(&self, ms: u64) -> bool {
        self.hits.recv_timeout(Duration::from_millis(ms)).is_err()
    }
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    hex::encode(ring::hmac::sign(&key, body).as_ref())
}

const ARGS: &[&str] = &[
    "--rate-limit",
    "off",
    "--insecure-test-clock",
    "--webhook-timeout-ms",
    "400",
];

fn hook(s: &Server, url: &str, events: &[&str]) -> Value {
    let r = s.admin(
        "POST",
        "/v3/webhooks",
        Some(&json!({"name": "shop", "url": url, "token": "s3cret-token", "events": events})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

fn attempts(s: &Server, hook_id: &str) -> Vec<Value> {
    let r = s.admin(
        "GET",
        &format!("/v3/webhooks/{hook_id}/attempts?limit=100&sort=createdAt"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

/// Waits (bounded) until `hook_id` has `n` attempts recorded.
fn wait_attempts(s: &Server, hook_id: &str, n: usize) -> Vec<Value> {
    for _ in 0..300 {
        let a = attempts(s, hook_id);
        if a.len() >= n {
            return a;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{n} attempts not recorded: {:?}", attempts(s, hook_id));
}

fn deliveries(s: &Server, hook_id: &str) -> Vec<Value> {
    let r = s.admin(
        "GET",
        &format!("/v3/webhooks/{hook_id}/deliveries?limit=100"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

#[test]
fn management_api_validates_and_answers_the_vendor_shape() {
    let s = Server::start();
    let ev = s.admin("GET", "/v3/webhooks/events", None);
    assert_eq!(ev.status, 200);
    assert!(ev.body["license"]
        .as_array()
        .unwrap()
        .contains(&json!("license.expiring-soon")));
    assert!(ev.body["trialActivation"]
        .as_array()
        .unwrap()
        .contains(&json!("trialActivation.created")));
    for (body, what) in [
        (
            json!({"name": "x", "url": "http://example.com/h", "events": ["license.created"]}),
            "https",
        ),
        (
            json!({"name": "x", "url": "https://example.com/h", "events": ["license.exploded"]}),
            "unknown event",
        ),
        (
            json!({"name": "x", "url": "https://example.com/h", "events": []}),
            "at least one",
        ),
        (
            json!({"name": "x", "url": "not a url", "events": ["license.created"]}),
            "url",
        ),
        (
            json!({"name": "x", "url": "https://example.com/h", "events": "license.created"}),
            "sequence",
        ),
    ] {
        let r = s.admin("POST", "/v3/webhooks", Some(&body));
        assert_eq!((r.status, r.code()), (400, "VALIDATION_FAILED"), "{body}");
        assert!(r.text.contains(what), "{what}: {}", r.text);
    }
    // `secret` is accepted for the vendor's `token`; no token: one is made.
    let r = s.admin(
        "POST",
        "/v3/webhooks",
        Some(&json!({"name": "a", "url": "https://example.com/h", "secret": "abcdefgh1", "events": ["license.created"]})),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let mut keys: Vec<&str> = r
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "active",
            "consecutiveFailures",
            "createdAt",
            "events",
            "failing",
            "id",
            "name",
            "token",
            "updatedAt",
            "url"
        ]
    );
    assert_eq!(
        (r.body["token"].as_str(), r.body["active"].as_bool()),
        (Some("abcdefgh1"), Some(true))
    );
    let id = r.s("id");
    let made = hook(&s, "https://example.com/b", &["user.created"]);
    assert!(made["token"].as_str().unwrap().len() >= 8);
    let r = s.admin("GET", "/v3/webhooks", None);
    assert_eq!(r.header("x-total-count"), Some("2"));
    let r = s.admin(
        "PATCH",
        &format!("/v3/webhooks/{id}"),
        Some(&json!({"active": false})),
    );
    assert_eq!(r.body["active"], false);
    assert_eq!(
        s.admin("DELETE", &format!("/v3/webhooks/{id}"), None)
            .status,
        204
    );
    assert_eq!(
        s.admin("GET", &format!("/v3/webhooks/{id}"), None).code(),
        "NOT_FOUND"
    );
    // Only administrators with the webhook scopes configure endpoints.
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "ro", "scopes": ["license:*", "webhook:read"]})),
    );
    let tok = t.s("token");
    assert_eq!(s.raw("GET", "/v3/webhooks", None, Some(&tok)).status, 200);
    let r = s.raw(
        "POST",
        "/v3/webhooks",
        Some(r#"{"name":"x","url":"https://e.com","events":["license.created"]}"#),
        Some(&tok),
    );
    assert_eq!(r.status, 403);
    assert_eq!(s.req("GET", "/v3/webhooks", None).status, 401);
}

/// An https endpoint on loopback with a certificate of a CA made here:
/// answers 200 to each request and hands it to the test.
fn tls_receiver(cert: &std::path::Path, key: &std::path::Path) -> (String, mpsc::Receiver<Hit>) {
    let config = openlex_server::tls::server_config(cert, key).unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!(
        "https://localhost:{}/hooks/tls",
        l.local_addr().unwrap().port()
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Bounded: lives at most a minute.
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let Ok((sock, _)) = l.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let _ = sock.set_nonblocking(false);
            let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, sock);
            if let Some(hit) = read_hit(&mut tls) {
                let _ = tx.send(hit);
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    (url, rx)
}

/// https endpoints are verified: against `serve --webhook-ca` (an internal
/// CA) the delivery arrives over TLS, signed; a server that does not trust
/// the CA records the failed handshake as the attempt's error.
#[test]
fn https_deliveries_verify_the_endpoint_against_the_trusted_cas() {
    let certs = openlex_server::tls::dev_certs(&[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = (
        dir.path().join("ca.pem"),
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
    );
    std::fs::write(&ca, &certs.ca_pem).unwrap();
    std::fs::write(&cert, &certs.server_pem).unwrap();
    std::fs::write(&key, &certs.server_key_pem).unwrap();
    let (url, rx) = tls_receiver(&cert, &key);

    let mut args = ARGS.to_vec();
    args.extend(["--webhook-ca", ca.to_str().unwrap()]);
    let s = Server::start_with(&args, &[]);
    hook(&s, &url, &["license.created"]);
    let p = s.product(1, json!({}));
    let l = s.license(p["id"].as_str().unwrap(), json!({}));
    let hit = rx
        .recv_timeout(Duration::from_secs(15))
        .expect("a delivery over TLS within 15 s");
    assert_eq!(hit.path, "/hooks/tls");
    assert_eq!(
        hit.headers["x-openlex-signature"],
        hmac_hex("s3cret-token", &hit.body)
    );
    assert_eq!(hit.json()["data"]["key"], l["key"]);

    let t = Server::start_with(ARGS, &[]);
    let h = hook(&t, &url, &["license.created"]);
    let p = t.product(1, json!({}));
    t.license(p["id"].as_str().unwrap(), json!({}));
    let a = wait_attempts(&t, h["id"].as_str().unwrap(), 1);
    assert_eq!(a[0]["statusCode"], 0, "{a:?}");
    assert!(a[0]["error"].as_str().unwrap().starts_with("TLS"), "{a:?}");
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());

    // A file without a certificate stops the server at start, clearly.
    let bad = dir.path().join("empty.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let data = dir.path().join("data");
    assert!(cli(&data, &["init"]).0);
    let (ok, _, err) = cli(
        &data,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--webhook-ca",
            bad.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert!(err.contains("--webhook-ca"), "{err}");
}

#[test]
fn a_delivery_is_signed_and_carries_the_dto_and_the_snippets_verify_it() {
    let rx = Receiver::start(Mode::Ok);
    let s = Server::start_with(ARGS, &[]);
    let h = hook(&s, &rx.url, &["license.created", "activation.created"]);
    let hid = h["id"].as_str().unwrap();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({}));
    let hit = rx.next();
    assert_eq!(hit.path, "/hooks/openlex");
    let sig = hit.headers["x-openlex-signature"].clone();
    assert_eq!(sig, hmac_hex("s3cret-token", &hit.body));
    assert_eq!(hit.headers["content-type"], "application/json");
    let body = hit.json();
    assert_eq!(body["type"], "license.created");
    assert_eq!(body["event"], "license.created");
    assert_eq!(body["data"]["key"], l["key"]);
    assert_eq!(body["data"]["totalActivations"], 0);
    assert_eq!(
        hit.headers["x-openlex-event-id"],
        body["id"].as_str().unwrap()
    );
    assert_eq!(hit.headers["x-openlex-event"], "license.created");
    assert!(hit.headers["x-openlex-timestamp"].parse::<i64>().unwrap() > 1_700_000_000);
    // The event id is the event log entry's.
    let e = s.admin(
        "GET",
        &format!("/v3/event-logs/{}", body["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(
        (e.status, e.body["resourceId"].clone()),
        (200, l["id"].clone())
    );
    // A client event: the activation, with the activation's DTO.
    let key = l["key"].as_str().unwrap();
    assert_eq!(
        s.activate(&activation_body(pid, key, &fingerprint("d", 0)))
            .status,
        200
    );
    let act = rx.next().json();
    assert_eq!(act["type"], "activation.created");
    assert_eq!(act["data"]["licenseId"], l["id"]);
    // The activation's DTO as the management API answers it.
    let got = s.admin(
        "GET",
        &format!("/v3/activations/{}", act["data"]["id"].as_str().unwrap()),
        None,
    );
    assert_eq!((got.status, &got.body), (200, &act["data"]));
    // Not subscribed: nothing.
    s.admin(
        "PATCH",
        &format!("/v3/licenses/{}", l["id"].as_str().unwrap()),
        Some(&json!({"notes": "n"})),
    );
    assert!(rx.none_within(300));
    let a = wait_attempts(&s, hid, 2);
    assert_eq!(a[0]["statusCode"], 200);
    assert_eq!(a[0]["success"], true);
    assert_eq!(a[0]["responseBody"], "ok");
    assert_eq!(a[0]["attempt"], 1);
    assert!(a[0]["latencyMs"].is_u64());
    let d = deliveries(&s, hid);
    assert!(d.iter().all(|d| d["state"] == "delivered"), "{d:?}");

    // docs/WEBHOOKS.md's snippets, as written, verify this real delivery
    // and refuse a tampered body.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/WEBHOOKS.md"))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("body"), &hit.body).unwrap();
    let snippet = |lang: &str| -> String {
        let marker = format!("<!-- verify:{lang} -->\n```");
        let start = doc.find(&marker).unwrap() + marker.len();
        let code = &doc[start..];
        let code = &code[code.find('\n').unwrap() + 1..];
        code[..code.find("```").unwrap()].to_owned()
    };
    let run = |cmd: &mut std::process::Command| -> String {
        let out = cmd
            .env("BODY_FILE", tmp.path().join("body"))
            .env("SIGNATURE", &sig)
            .env("SECRET", "s3cret-token")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let py = format!(
        "{}\nimport os\nb = open(os.environ['BODY_FILE'], 'rb').read()\nprint(verify(os.environ['SECRET'], b, os.environ['SIGNATURE']), verify(os.environ['SECRET'], b + b' ', os.environ['SIGNATURE']))\n",
        snippet("python")
    );
    std::fs::write(tmp.path().join("v.py"), py).unwrap();
    let mut ran = vec![];
    if have("python3") {
        let out = run(std::process::Command::new("python3").arg(tmp.path().join("v.py")));
        assert_eq!(out, "True False");
        ran.push("python");
    }
    if have("go") {
        let gd = tmp.path().join("go");
        std::fs::create_dir(&gd).unwrap();
        std::fs::write(gd.join("verify.go"), snippet("go")).unwrap();
        std::fs::write(
            gd.join("main.go"),
            "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tb, _ := os.ReadFile(os.Getenv(\"BODY_FILE\"))\n\ts, k := os.Getenv(\"SIGNATURE\"), os.Getenv(\"SECRET\")\n\tfmt.Println(Verify(k, b, s), Verify(k, append(b, ' '), s))\n}\n",
        )
        .unwrap();
        std::fs::write(gd.join("go.mod"), "module verify\n\ngo 1.20\n").unwrap();
        let out = run(std::process::Command::new("go")
            .args(["run", "."])
            .current_dir(&gd)
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local"));
        assert_eq!(out, "true false");
        ran.push("go");
    }
    if have("node") {
        let js = format!(
            "{}\nconst fs = require('fs');\nconst b = fs.readFileSync(process.env.BODY_FILE);\nconsole.log(verify(process.env.SECRET, b, process.env.SIGNATURE), verify(process.env.SECRET, Buffer.concat([b, Buffer.from(' ')]), process.env.SIGNATURE));\n",
            snippet("node")
        );
        std::fs::write(tmp.path().join("v.js"), js).unwrap();
        let out = run(std::process::Command::new("node").arg(tmp.path().join("v.js")));
        assert_eq!(out, "true false");
        ran.push("node");
    }
    if have("mcs") && have("mono") {
        std::fs::write(tmp.path().join("verify.cs"), snippet("csharp")).unwrap();
        std::fs::write(
            tmp.path().join("main.cs"),
            "using System;\nusing System.IO;\n\npublic static class Program\n{\n    public static void Main()\n    {\n        var b = File.ReadAllBytes(Environment.GetEnvironmentVariable(\"BODY_FILE\"));\n        var s = Environment.GetEnvironmentVariable(\"SIGNATURE\");\n        var k = Environment.GetEnvironmentVariable(\"SECRET\");\n        var t = new byte[b.Length + 1];\n        Buffer.BlockCopy(b, 0, t, 0, b.Length);\n        t[b.Length] = (byte)' ';\n        Console.WriteLine(OpenLexWebhook.Verify(k, b, s) + \" \" + OpenLexWebhook.Verify(k, t, s));\n    }\n}\n",
        )
        .unwrap();
        let exe = tmp.path().join("verify.exe");
        run(std::process::Command::new("mcs")
            .arg("-nologo")
            .arg(format!("-out:{}", exe.display()))
            .arg(tmp.path().join("verify.cs"))
            .arg(tmp.path().join("main.cs")));
        let out = run(std::process::Command::new("mono").arg(&exe));
        assert_eq!(out, "True False");
        ran.push("csharp");
    }
    // CI has Python; say which ran. OPENLEX_REQUIRE_SNIPPETS names those
    // that must have run (CI's dotnet stage, where Mono is installed).
    eprintln!("webhook snippets verified: {ran:?}");
    assert!(ran.contains(&"python"));
    for lang in std::env::var("OPENLEX_REQUIRE_SNIPPETS")
        .unwrap_or_default()
        .split(',')
    {
        assert!(
            lang.is_empty() || ran.contains(&lang),
            "snippet {lang} did not run: {ran:?}"
        );
    }
}

fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg(if tool == "go" { "version" } else { "--version" })
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn failures_are_retried_with_backoff_marked_failing_then_delivered_and_redelivered() {
    let rx = Receiver::start(Mode::Status(500));
    let s = Server::start_with(ARGS, &[]);
    let h = hook(&s, &rx.url, &["product.created"]);
    let hid = h["id"].as_str().unwrap();
    s.product(1, json!({}));
    let first = rx.next();
    let a = wait_attempts(&s, hid, 1);
    assert_eq!(
        (a[0]["statusCode"].as_u64(), a[0]["success"].as_bool()),
        (Some(500), Some(false))
    );
    assert_eq!(a[0]["responseBody"], "receiver says");
    let d = &deliveries(&s, hid)[0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_i64()),
        (Some("pending"), Some(1))
    );
    // Not due before the backoff (5..10 s on the server's clock).
    assert!(rx.none_within(400));
    // Each failure mode in turn: a drop, a hang (timeout), a redirect (not
    // followed), another 500; the clock moves past each backoff.
    for (mode, n) in [
        (Mode::Drop, 2),
        (Mode::Hang, 3),
        (Mode::Redirect, 4),
        (Mode::Status(503), 5),
    ] {
        rx.set(mode);
        s.advance_clock(3600);
        let hit = rx.next();
        assert_eq!(
            hit.headers["x-openlex-event-id"],
            first.headers["x-openlex-event-id"]
        );
        assert_eq!(hit.body, first.body, "the same event each time");
        let a = wait_attempts(&s, hid, n);
        let last = &a[n - 1];
        assert_eq!(last["attempt"], n as i64);
        match mode {
            Mode::Hang => assert!(
                last["error"].as_str().unwrap().contains("timed out"),
                "{last}"
            ),
            Mode::Drop => assert_eq!(last["statusCode"], 0, "{last}"),
            Mode::Redirect => assert_eq!(last["statusCode"], 302),
            _ => assert_eq!(last["statusCode"], 503),
        }
    }
    // The redirect was not followed: no request to /elsewhere.
    let w = s.admin("GET", &format!("/v3/webhooks/{hid}"), None);
    assert_eq!(
        (
            w.body["failing"].as_bool(),
            w.body["consecutiveFailures"].as_i64()
        ),
        (Some(true), Some(5))
    );
    rx.set(Mode::Ok);
    s.advance_clock(3600);
    let hit = rx.next();
    assert_eq!(hit.path, "/hooks/openlex");
    wait_attempts(&s, hid, 6);
    let w = s.admin("GET", &format!("/v3/webhooks/{hid}"), None);
    assert_eq!(w.body["failing"], false);
    let d = &deliveries(&s, hid)[0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_i64()),
        (Some("delivered"), Some(6))
    );

    // Retries stop after 24 h: the delivery is failed, then redelivered.
    rx.set(Mode::Status(500));
    s.product(2, json!({}));
    rx.next();
    let mut n = wait_attempts(&s, hid, 7).len();
    for _ in 0..40 {
        s.advance_clock(3600);
        rx.next();
        n += 1;
        wait_attempts(&s, hid, n);
        let d = &deliveries(&s, hid)[0];
        if d["state"] == "failed" {
            break;
        }
    }
    let d = deliveries(&s, hid)[0].clone();
    assert_eq!(d["state"], "failed", "{d}");
    assert!(d["attempts"].as_i64().unwrap() > 20, "{d}");
    s.advance_clock(3600);
    assert!(rx.none_within(400), "no attempts after the window");
    rx.set(Mode::Ok);
    let id = d["id"].as_str().unwrap();
    let r = s.admin(
        "POST",
        &format!("/v3/webhooks/{hid}/deliveries/{id}/redeliver"),
        None,
    );
    assert_eq!(
        (r.status, r.body["state"].as_str()),
        (200, Some("pending")),
        "{}",
        r.text
    );
    rx.next();
    for _ in 0..100 {
        if deliveries(&s, hid)[0]["state"] == "delivered" {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(deliveries(&s, hid)[0]["state"], "delivered");
    // Delivered rows are pruned a day later (attempts stay).
    s.advance_clock(2 * 86_400);
    for _ in 0..100 {
        if deliveries(&s, hid).is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(deliveries(&s, hid).is_empty(), "outbox pruned");
    assert!(attempts(&s, hid).len() > 20);
    let r = s.admin(
        "POST",
        &format!("/v3/webhooks/{hid}/deliveries/{id}/redeliver"),
        None,
    );
    assert_eq!(r.code(), "NOT_FOUND");
}

#[test]
fn big_answers_are_read_to_a_bound_and_one_endpoint_gets_at_most_four_at_once() {
    let big = Receiver::start(Mode::Big);
    let slow = Receiver::start(Mode::Hang);
    let s = Server::start_with(ARGS, &[]);
    let b = hook(&s, &big.url, &["license.created"]);
    let hung = hook(&s, &slow.url, &["license.created"]);
    let p = s.product(1, json!({}));
    for _ in 0..10 {
        s.license(p["id"].as_str().unwrap(), json!({}));
    }
    for _ in 0..10 {
        big.next();
    }
    let a = wait_attempts(&s, b["id"].as_str().unwrap(), 10);
    for x in &a {
        assert_eq!(x["statusCode"], 200);
        assert_eq!(x["responseBody"].as_str().unwrap().len(), 1024);
    }
    // The hanging endpoint (served meanwhile by the other one): each of its
    // 10 deliveries tried once, never more than 4 connections at once.
    wait_attempts(&s, hung["id"].as_str().unwrap(), 10);
    let most = slow.max_open.load(Ordering::SeqCst);
    assert!((1..=4).contains(&most), "{most} at once");
    assert!(slow.open.load(Ordering::SeqCst) <= 4);
}

#[test]
fn a_change_committed_right_before_kill_9_is_delivered_after_restart() {
    let rx = Receiver::start(Mode::Ok);
    let mut s = Server::start_with(ARGS, &[]);
    let h = hook(&s, &rx.url, &["license.created"]);
    let hid = h["id"].as_str().unwrap().to_owned();
    let p = s.product(1, json!({}));
    // The receiver hangs, so nothing can be delivered before the kill,
    // which comes right after the 201: only the outbox row, committed with
    // the license, can bring the event to the receiver afterwards.
    rx.set(Mode::Hang);
    let l = s.license(p["id"].as_str().unwrap(), json!({}));
    s.kill_and_restart(ARGS);
    rx.set(Mode::Ok);
    // A claim the killed node took runs out on the server's clock.
    s.advance_clock(600);
    let mut delivered = false;
    for _ in 0..3 {
        let hit = rx.next();
        assert_eq!(hit.json()["data"]["id"], l["id"]);
        assert_eq!(
            hit.headers["x-openlex-signature"],
            hmac_hex("s3cret-token", &hit.body)
        );
        std::thread::sleep(Duration::from_millis(100));
        let d = deliveries(&s, &hid);
        if d.len() == 1 && d[0]["state"] == "delivered" {
            delivered = true;
            break;
        }
    }
    assert!(delivered, "{:?}", deliveries(&s, &hid));
    let ok = attempts(&s, &hid)
        .into_iter()
        .filter(|a| a["success"] == true)
        .count();
    assert_eq!(ok, 1);
}

#[test]
fn expiring_soon_and_expired_are_raised_once_from_the_clock() {
    let rx = Receiver::start(Mode::Ok);
    let s = Server::start_with(ARGS, &[]);
    hook(&s, &rx.url, &["license.expiring-soon", "license.expired"]);
    let p = s.product(1, json!({}));
    let now = s.advance_clock(0);
    let l = s.license(
        p["id"].as_str().unwrap(),
        json!({"expiresAt": now + 10 * 86_400, "expiringSoonEventOffset": 2 * 86_400}),
    );
    let lid = l["id"].as_str().unwrap();
    assert_eq!(l["expiringSoonEventOffset"], 2 * 86_400);
    s.advance_clock(7 * 86_400);
    assert!(rx.none_within(400), "not yet");
    s.advance_clock(86_400 + 3600);
    let hit = rx.next().json();
    assert_eq!(
        (hit["type"].as_str(), hit["data"]["id"].as_str()),
        (Some("license.expiring-soon"), Some(lid))
    );
    s.advance_clock(3600);
    assert!(rx.none_within(400), "raised once");
    s.advance_clock(2 * 86_400);
    let hit = rx.next().json();
    assert_eq!(
        (hit["type"].as_str(), hit["data"]["id"].as_str()),
        (Some("license.expired"), Some(lid))
    );
    let e = s.admin(
        "GET",
        &format!("/v3/event-logs?resourceId={lid}&action=expired"),
        None,
    );
    assert_eq!(e.body[0]["actorType"], "system");
    s.advance_clock(86_400);
    assert!(rx.none_within(400), "raised once");
    // Renewed: the new expiry raises its own events.
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"expiresAt": s.advance_clock(0) + 3 * 86_400})),
    );
    assert_eq!(r.status, 200);
    s.advance_clock(86_400 + 60);
    assert_eq!(rx.next().json()["type"], "license.expiring-soon");
}

/// Two nodes on one PostgreSQL database (skipped on SQLite): both workers
/// claim from the same outbox, and every event reaches the endpoint once.
#[test]
fn two_nodes_deliver_each_event_once() {
    let rx = Receiver::start(Mode::Ok);
    let a = Server::start_with(ARGS, &[]);
    let Some(b) = a.join(ARGS) else {
        return;
    };
    let h = hook(&a, &rx.url, &["license.created"]);
    let p = a.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    for i in 0..30 {
        let node = if i % 2 == 0 { &a } else { &b };
        node.license(pid, json!({}));
    }
    let mut seen = HashMap::new();
    for _ in 0..30 {
        let hit = rx.next();
        *seen
            .entry(hit.headers["x-openlex-event-id"].clone())
            .or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 30);
    assert!(rx.none_within(500), "a duplicate arrived");
    // Outcomes are written in the workers' next rounds.
    let mut d = deliveries(&a, h["id"].as_str().unwrap());
    for _ in 0..150 {
        if d.iter().all(|d| d["state"] == "delivered") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        d = deliveries(&a, h["id"].as_str().unwrap());
    }
    assert_eq!(d.len(), 30);
    assert!(d
        .iter()
        .all(|d| d["state"] == "delivered" && d["attempts"] == 1));
}
