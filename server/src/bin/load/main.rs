//! `openlex-server-load`: a load generator for `POST /v3/activations`.
//!
//! It creates a product and licenses through the admin API of a running
//! server (started with `--rate-limit off`), then activates from many
//! simulated devices over HTTPS keep-alive connections, one per thread, and
//! reports activations/s and latency percentiles.
//!
//! ```text
//! openlex-server-load --data-dir DIR [--url URL[,URL...]] [--threads 32] [--requests 20000] [--licenses 200]
//!                     [--password-flood ADDRESSES] [--webhooks ENDPOINTS]
//!                     [--server-pid PID]
//! ```
//!
//! `--server-pid PID` also reports the server's CPU time and the bytes it
//! wrote to storage (WAL, checkpoints) per activation over the measured
//! window (Linux /proc): steadier cost figures than activations/s on a
//! machine shared with other work.
//!
//! `--webhooks N` starts N webhook receivers on loopback (each answers 200
//! to every POST, one connection at a time) and subscribes N webhooks to
//! `activation.created` and `activation.updated` before the clock starts,
//! so every activation is delivered N times while the activations are
//! measured. It then reports the deliveries that arrived during the run and
//! waits (at most 60 s) for the rest.
//!
//! Several URLs (nodes on one database) share the threads round-robin; the
//! product and licenses are created through the first.
//!
//! `--password-flood N` runs, while the activations are measured, a password
//! spray beside them: N simulated addresses (`X-Forwarded-For: 10.77.0.i`; the
//! server must trust 127.0.0.1 with `--trusted-proxy`) each send up to 10
//! wrong-password logins per second, every one for a new e-mail (so none is
//! locked out and every one costs a password hash). Their answers are
//! counted, not checked: the point is what they do to the activations.
//!
//! It runs on the same cores as the server it measures, so it does as little
//! as it honestly can while the clock runs: every request body (each with its
//! own device fingerprint) is built before the start, connections are opened
//! and their TLS handshakes done before the start, and requests go through
//! the lean client in [`http`]. Every request is still a separate
//! `POST /v3/activations` on a keep-alive connection, and every response is
//! checked: status 200 and a JSON body whose `activationToken` is a
//! three-part JWT. The generator's own CPU per activation is printed too.

mod http;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use openlex_wire::fingerprint::{hash_component, Fingerprint};
use serde_json::{json, Value};

struct Opts {
    data_dir: PathBuf,
    url: Option<String>,
    threads: usize,
    requests: usize,
    licenses: usize,
    password_flood: usize,
    webhooks: usize,
    server_pid: Option<u32>,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        data_dir: PathBuf::from("."),
        url: None,
        threads: 32,
        requests: 20_000,
        licenses: 200,
        password_flood: 0,
        webhooks: 0,
        server_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--data-dir" => o.data_dir = PathBuf::from(val()?),
            "--url" => o.url = Some(val()?),
            "--threads" => o.threads = val()?.parse().map_err(|_| "bad --threads")?,
            "--requests" => o.requests = val()?.parse().map_err(|_| "bad --requests")?,
            "--licenses" => o.licenses = val()?.parse().map_err(|_| "bad --licenses")?,
            "--password-flood" => {
                o.password_flood = val()?.parse().map_err(|_| "bad --password-flood")?
            }
            "--webhooks" => o.webhooks = val()?.parse().map_err(|_| "bad --webhooks")?,
            "--server-pid" => {
                o.server_pid = Some(val()?.parse().map_err(|_| "bad --server-pid")?)
            }
            "-h" | "--help" => {
                return Err("usage: openlex-server-load --data-dir DIR [--url URL] [--threads N] [--requests N] [--licenses N] [--password-flood ADDRESSES] [--webhooks ENDPOINTS] [--server-pid PID]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.threads == 0 || o.requests == 0 || o.licenses == 0 {
        return Err("counts must be positive".into());
    }
    Ok(o)
}

/// An admin API call during setup; returns the JSON body of a 201.
fn admin_post(
    conn: &mut http::Conn,
    target: &http::Target,
    token: &str,
    path: &str,
    body: &Value,
) -> Result<Value, String> {
    let req = target.post_request(path, Some(token), body.to_string().as_bytes());
    let (st, b) = conn.send(&req).map_err(|e| format!("POST {path}: {e}"))?;
    if st != 201 {
        return Err(format!("POST {path}: {st} {}", String::from_utf8_lossy(&b)));
    }
    serde_json::from_slice(&b).map_err(|e| format!("POST {path}: {e}"))
}

fn fingerprint(thread: usize, i: usize) -> String {
    let mut f = Fingerprint::default();
    for (idx, name) in [(0usize, "base"), (1, "lc"), (4, "pn")] {
        f.hashes[idx] = hash_component("load", name, format!("{thread}-{i}-{name}").as_bytes());
    }
    f.encode()
}

/// The vendor's activation body for one simulated device.
fn activation_body(key: &str, product_id: &str, thread: usize, i: usize) -> Vec<u8> {
    json!({"accountId":"","os":"linux","osVersion":"Debian GNU/Linux 12 (bookworm)","key":key,"floating":false,
        "fingerprint":fingerprint(thread, i),"userHash":"73E0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E",
        "productId":product_id,"vmName":"","container":false,"appVersion":"1.0.0","releaseVersion":"","releasePlatform":"",
        "releaseChannel":"","hostname":format!("host-{thread}-{i}"),"clientVersion":"3.46.0","leaseDuration":0,"email":"",
        "password":"","metadata":[],"meterAttributes":[],"deviceKeyProtectionMethod":null,"deviceKeyAlgorithm":null,
        "devicePublicKey":null})
    .to_string()
    .into_bytes()
}

/// A successful activation: 200 and `{"activationToken": "<JWT>"}`.
fn activated(status: u16, body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Resp<'a> {
        #[serde(rename = "activationToken", borrow)]
        token: &'a str,
    }
    status == 200
        && serde_json::from_slice::<Resp>(body).is_ok_and(|r| {
            let parts: Vec<&str> = r.token.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty())
        })
}

/// User + system CPU seconds of this process so far (Linux; 0 elsewhere).
fn cpu_seconds(pid: Option<u32>) -> f64 {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let Ok(stat) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line; clock ticks are
    // 100 per second on every Linux this runs on.
    (ticks(11) + ticks(12)) / 100.0
}

/// Bytes `pid` has caused to be written to storage so far (Linux
/// `/proc/PID/io`; 0 elsewhere).
fn written_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("write_bytes:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A webhook receiver on loopback: answers 200 to each POST (one
/// connection at a time, as a small endpoint would) and counts them.
fn receiver(count: Arc<std::sync::atomic::AtomicUsize>) -> Result<String, String> {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let url = format!("http://{}/hook", l.local_addr().map_err(|e| e.to_string())?);
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        for mut s in l.incoming().flatten() {
            let mut have = 0;
            // Headers, then Content-Length bytes of body.
            let done = loop {
                let Ok(n) = s.read(&mut buf[have..]) else {
                    break false;
                };
                if n == 0 {
                    break false;
                }
                have += n;
                let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") else {
                    if have == buf.len() {
                        break false;
                    }
                    continue;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if have >= end + 4 + len || have == buf.len() {
                    break true;
                }
            };
            if done {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    Ok(url)
}

/// One flooding address: up to 10 wrong-password logins per second, each
/// for a new e-mail, until `stop`. Returns (sent, refused with 429).
fn flood(target: &http::Target, address: usize, stop: &AtomicBool) -> (usize, usize) {
    let mut conn = None;
    let (mut sent, mut busy) = (0, 0);
    let tick = std::time::Duration::from_millis(100);
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let body = json!({"email": format!("spray-{address}-{sent}@example.com"), "password": "wrong password"})
            .to_string();
        let req = format!(
            "POST /v3/accounts/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nX-Forwarded-For: 10.77.0.{address}\r\nContent-Length: {}\r\n\r\n{body}",
            target.authority,
            body.len()
        );
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match target.connect() {
                Ok(c) => conn.insert(c),
                Err(_) => break,
            },
        };
        match c.send(req.as_bytes()) {
            Ok((429, _)) => busy += 1,
            Ok(_) => {}
            Err(_) => conn = None,
        }
        sent += 1;
        next += tick;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    (sent, busy)
}

/// One client thread: a keep-alive connection, its requests in order.
fn client(target: &http::Target, requests: Vec<Vec<u8>>, start: &Barrier) -> (Vec<u32>, usize) {
    let mut conn = target.connect().ok();
    // The TLS handshake is not an activation: do it before the clock starts.
    if let Some(c) = conn.as_mut() {
        let ping = target.get_request("/v3/status");
        if c.send(&ping).is_err() {
            conn = None;
        }
    }
    start.wait();
    let mut lat = Vec::with_capacity(requests.len());
    let mut errors = 0;
    for req in &requests {
        let t0 = Instant::now();
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match target.connect() {
                Ok(c) => conn.insert(c),
                Err(_) => {
                    errors += 1;
                    continue;
                }
            },
        };
        match c.send(req) {
            Ok((st, body)) if activated(st, &body) => lat.push(t0.elapsed().as_micros() as u32),
            Ok(_) => errors += 1,
            Err(_) => {
                errors += 1;
                conn = None;
            }
        }
    }
    (lat, errors)
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let read =
        |f: &str| std::fs::read_to_string(o.data_dir.join(f)).map_err(|e| format!("{f}: {e}"));
    let url = match &o.url {
        Some(u) => u.clone(),
        None => read("server.url")?.trim().to_string(),
    };
    let token = read("admin-token")?.trim().to_string();
    let ca = read("ca.pem")?;
    let targets = url
        .split(',')
        .map(|u| http::Target::new(u.trim(), ca.as_bytes()).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()?;
    let target = targets[0].clone();
    let mut admin = target.connect().map_err(|e| format!("{url}: {e}"))?;
    let product = admin_post(
        &mut admin,
        &target,
        &token,
        "/v3/products",
        &json!({"name": "load test"}),
    )?;
    let pid = product["id"].as_str().unwrap_or_default().to_string();
    let mut keys = Vec::with_capacity(o.licenses);
    for _ in 0..o.licenses {
        let l = admin_post(
            &mut admin,
            &target,
            &token,
            "/v3/licenses",
            &json!({"productId": pid, "allowedActivations": -1}),
        )?;
        keys.push(l["key"].as_str().unwrap_or_default().to_string());
    }
    let delivered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for n in 0..o.webhooks {
        let url = receiver(delivered.clone())?;
        admin_post(
            &mut admin,
            &target,
            &token,
            "/v3/webhooks",
            &json!({"name": format!("load {n}"), "url": url, "token": "load-secret",
                "events": ["activation.created", "activation.updated"]}),
        )?;
    }
    drop(admin);
    let per_thread = o.requests.div_ceil(o.threads);
    let total = per_thread * o.threads;
    let bodies: Vec<Vec<Vec<u8>>> = (0..o.threads)
        .map(|t| {
            let target = &targets[t % targets.len()];
            (0..per_thread)
                .map(|i| {
                    let key = &keys[(t * per_thread + i) % keys.len()];
                    let body = activation_body(key, &pid, t, i);
                    target.post_request("/v3/activations", None, &body)
                })
                .collect()
        })
        .collect();
    eprintln!(
        "{total} activations from {} threads against {url} ({} licenses)",
        o.threads, o.licenses
    );
    let barrier = Arc::new(Barrier::new(o.threads + 1));
    let handles: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(t, reqs)| {
            let (target, barrier) = (targets[t % targets.len()].clone(), barrier.clone());
            std::thread::spawn(move || client(&target, reqs, &barrier))
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let flooders: Vec<_> = (0..o.password_flood)
        .map(|a| {
            let (target, stop) = (target.clone(), stop.clone());
            std::thread::spawn(move || flood(&target, a, &stop))
        })
        .collect();
    if !flooders.is_empty() {
        // Let the flood reach its rate before the clock starts.
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    barrier.wait();
    let (start, cpu0) = (Instant::now(), cpu_seconds(None));
    let server_cpu0 = o.server_pid.map(|p| cpu_seconds(Some(p)));
    let server_io0 = o.server_pid.map(written_bytes);
    let mut all = Vec::with_capacity(total);
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.join().map_err(|_| "worker panicked")?;
        all.extend(l);
        errors += e;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(None) - cpu0;
    let server_cpu = server_cpu0.map(|c0| cpu_seconds(o.server_pid) - c0);
    let server_io = server_io0
        .zip(o.server_pid)
        .map(|(b0, p)| written_bytes(p).saturating_sub(b0));
    stop.store(true, Ordering::Relaxed);
    if !flooders.is_empty() {
        let (mut sent, mut busy) = (0, 0);
        for f in flooders {
            let (s, b) = f.join().map_err(|_| "flooder panicked")?;
            sent += s;
            busy += b;
        }
        println!(
            "password flood: {} addresses, {sent} wrong-password logins ({:.0}/s), {busy} refused with 429",
            o.password_flood,
            sent as f64 / secs
        );
    }
    if o.webhooks > 0 {
        let during = delivered.load(Ordering::Relaxed);
        let want = o.webhooks * all.len();
        let waited = Instant::now();
        while delivered.load(Ordering::Relaxed) < want && waited.elapsed().as_secs() < 60 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        println!(
            "webhooks: {} endpoints, {during} of {want} deliveries during the run, {} after {:.1} s more",
            o.webhooks,
            delivered.load(Ordering::Relaxed),
            waited.elapsed().as_secs_f64()
        );
    }
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "load generator CPU: {:.0} us per activation ({cpu:.2} s)",
        cpu / total as f64 * 1e6
    );
    if let Some(c) = server_cpu {
        println!(
            "server CPU: {:.0} us per activation ({c:.2} s)",
            c / total.max(1) as f64 * 1e6
        );
    }
    if let Some(b) = server_io {
        println!(
            "server writes: {:.1} KB per activation ({:.1} MB)",
            b as f64 / total.max(1) as f64 / 1024.0,
            b as f64 / 1048576.0
        );
    }
    println!(
        "activations: {} ok, {errors} errors in {secs:.2} s = {:.0} activations/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        all.len() as f64 / secs,
        pct(0.50),
        pct(0.99),
        all.last().copied().unwrap_or(0) as f64 / 1000.0
    );
    if errors > 0 {
        return Err(format!("{errors} requests failed"));
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openlex-server-load: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
