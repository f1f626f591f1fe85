//! `openlex-server-load`: a load generator for `POST /v3/activations`.
//!
//! It creates a product and licenses through the admin API of a running
//! server (started with `--rate-limit off`), then activates from many
//! simulated devices over HTTPS keep-alive connections, one per thread, and
//! reports activations/s and latency percentiles.
//!
//! ```text
//! openlex-server-load --data-dir DIR [--url URL] [--threads 32] [--requests 20000] [--licenses 200]
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openlex_wire::fingerprint::{hash_component, Fingerprint};
use serde_json::{json, Value};

struct Opts {
    data_dir: PathBuf,
    url: Option<String>,
    threads: usize,
    requests: usize,
    licenses: usize,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        data_dir: PathBuf::from("."),
        url: None,
        threads: 32,
        requests: 20_000,
        licenses: 200,
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
            "-h" | "--help" => {
                return Err("usage: openlex-server-load --data-dir DIR [--url URL] [--threads N] [--requests N] [--licenses N]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.threads == 0 || o.requests == 0 || o.licenses == 0 {
        return Err("counts must be positive".into());
    }
    Ok(o)
}

fn agent(ca: &[u8]) -> Result<ureq::Agent, String> {
    let cert = ureq::tls::Certificate::from_pem(ca)
        .map_err(|e| format!("ca.pem: {e}"))?
        .to_owned();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    Ok(ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into())
}

fn post(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<(u16, String), String> {
    let mut r = agent.post(url).header("Content-Type", "application/json");
    if let Some(t) = token {
        r = r.header("Authorization", &format!("Bearer {t}"));
    }
    let mut resp = r.send(body.to_string()).map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    Ok((status, resp.body_mut().read_to_string().unwrap_or_default()))
}

fn fingerprint(thread: usize, i: usize) -> String {
    let mut f = Fingerprint::default();
    for (idx, name) in [(0usize, "base"), (1, "lc"), (4, "pn")] {
        f.hashes[idx] = hash_component("load", name, format!("{thread}-{i}-{name}").as_bytes());
    }
    f.encode()
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let read =
        |f: &str| std::fs::read_to_string(o.data_dir.join(f)).map_err(|e| format!("{f}: {e}"));
    let url = match &o.url {
        Some(u) => u.clone(),
        None => read("server.url")?.trim().to_string(),
    };
    let token = read("admin-token")?.trim().to_string();
    let ca = read("ca.pem")?;
    let admin = agent(ca.as_bytes())?;
    let (st, body) = post(
        &admin,
        &format!("{url}/v3/products"),
        Some(&token),
        &json!({"name": "load test"}),
    )?;
    if st != 201 {
        return Err(format!("creating product: {st} {body}"));
    }
    let product: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    let pid = product["id"].as_str().unwrap_or_default().to_string();
    let mut keys = Vec::with_capacity(o.licenses);
    for _ in 0..o.licenses {
        let (st, body) = post(
            &admin,
            &format!("{url}/v3/licenses"),
            Some(&token),
            &json!({"productId": pid, "allowedActivations": -1}),
        )?;
        if st != 201 {
            return Err(format!("creating license: {st} {body}"));
        }
        let l: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
        keys.push(l["key"].as_str().unwrap_or_default().to_string());
    }
    let keys = Arc::new(keys);
    let per_thread = o.requests.div_ceil(o.threads);
    eprintln!(
        "{} activations from {} threads against {url} ({} licenses)",
        per_thread * o.threads,
        o.threads,
        o.licenses
    );
    let start = Instant::now();
    let handles: Vec<_> = (0..o.threads)
        .map(|t| {
            let (keys, url, pid, ca) = (keys.clone(), url.clone(), pid.clone(), ca.clone());
            std::thread::spawn(move || -> (Vec<u32>, usize) {
                let Ok(agent) = agent(ca.as_bytes()) else { return (Vec::new(), per_thread) };
                let mut lat = Vec::with_capacity(per_thread);
                let mut errors = 0;
                for i in 0..per_thread {
                    let key = &keys[(t * per_thread + i) % keys.len()];
                    let body = json!({"accountId":"","os":"linux","osVersion":"Debian GNU/Linux 12 (bookworm)","key":key,"floating":false,
                        "fingerprint":fingerprint(t, i),"userHash":"73E0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E",
                        "productId":pid,"vmName":"","container":false,"appVersion":"1.0.0","releaseVersion":"","releasePlatform":"",
                        "releaseChannel":"","hostname":format!("host-{t}-{i}"),"clientVersion":"3.46.0","leaseDuration":0,"email":"",
                        "password":"","metadata":[],"meterAttributes":[],"deviceKeyProtectionMethod":null,"deviceKeyAlgorithm":null,
                        "devicePublicKey":null});
                    let t0 = Instant::now();
                    match post(&agent, &format!("{url}/v3/activations"), None, &body) {
                        Ok((200, b)) if b.contains("activationToken") => lat.push(t0.elapsed().as_micros() as u32),
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.join().map_err(|_| "worker panicked")?;
        all.extend(l);
        errors += e;
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
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
