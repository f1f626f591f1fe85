//! Several openlex-server nodes on one PostgreSQL database (run by
//! `scripts/with-postgres.sh`, which sets OPENLEX_TEST_DATABASE_URL; on
//! SQLite there is one node per database and these tests say so and return).
//!
//! * Concurrent activations, trial activations and meter increments for one
//!   license (one product) fired at two nodes at once never exceed its
//!   limits; a user session made at one node works at the other.
//! * Concurrent deactivations of one license and wrong passwords for one
//!   account at two nodes at once: the deactivation limit and the password
//!   lockout (five attempts per address) stay exact.
//! * A node killed with SIGKILL and a PostgreSQL restart in the middle of a
//!   load: requests fail fast with 503 in the vendor's `{code, message}`
//!   shape (or, at the killed node, at the transport), the nodes recover by
//!   themselves, and every activation that was acknowledged is stored.

mod common;

use std::process::Command;
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// Held by each test: the fault test restarts the shared PostgreSQL
/// cluster, which must not hit the other test's requests.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Two nodes on one database, or None (with a note) on SQLite.
fn two_nodes() -> Option<(Server, Server)> {
    if test_database_server().is_none() {
        eprintln!("needs PostgreSQL: run under scripts/with-postgres.sh");
        return None;
    }
    let a = Server::start();
    let b = a.join(&["--rate-limit", "off"]).expect("second node");
    Some((a, b))
}

fn pid(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// Runs `per_node` requests from each of `threads` threads at each node,
/// all released at once; returns every (node, status, code).
fn fire(
    nodes: [&Server; 2],
    threads: usize,
    per_thread: usize,
    call: impl Fn(&Server, usize) -> Resp + Sync,
) -> Vec<(usize, u16, String)> {
    let out = Mutex::new(Vec::new());
    let start = Barrier::new(threads * 2);
    std::thread::scope(|sc| {
        for t in 0..threads * 2 {
            let (out, start, call) = (&out, &start, &call);
            let node = t % 2;
            sc.spawn(move || {
                start.wait();
                for i in 0..per_thread {
                    let r = call(nodes[node], t * per_thread + i);
                    out.lock()
                        .unwrap()
                        .push((node, r.status, r.code().to_string()));
                }
            });
        }
    });
    out.into_inner().unwrap()
}

fn count(results: &[(usize, u16, String)], status: u16) -> usize {
    results.iter().filter(|r| r.1 == status).count()
}

#[test]
fn two_nodes_keep_seat_trial_and_meter_limits_exact() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some((a, b)) = two_nodes() else { return };
    // seats: 40 devices, 5 seats, half the requests at each node
    let p = a.product(1, json!({"trialLength": 3600, "trialActivationLimit": 3}));
    let l = a.license(pid(&p), json!({"allowedActivations": 5}));
    let key = l["key"].as_str().unwrap().to_string();
    let results = fire([&a, &b], 8, 5, |n, i| {
        n.activate(&activation_body(
            pid(&p),
            &key,
            &fingerprint(&format!("dev{i}"), 0),
        ))
    });
    assert_eq!(count(&results, 200), 5, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.1 == 200 || r.2 == "ACTIVATION_LIMIT_REACHED"),
        "{results:?}"
    );
    for node in [&a, &b] {
        let r = node.admin(
            "GET",
            &format!("/v3/activations?licenseId={}", pid(&l)),
            None,
        );
        assert_eq!(r.header("X-Total-Count"), Some("5"), "{}", r.text);
    }
    // both nodes answered some of the successful ones or refused some
    assert!(results.iter().any(|r| r.0 == 0) && results.iter().any(|r| r.0 == 1));

    // trials: 24 devices, limit 3
    let results = fire([&a, &b], 6, 2, |n, i| {
        n.req(
            "POST",
            "/v3/trial-activations",
            Some(&trial_body(pid(&p), &fingerprint(&format!("trial{i}"), 0))),
        )
    });
    assert_eq!(count(&results, 201), 3, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.1 == 201 || r.2 == "TRIAL_ACTIVATION_LIMIT_REACHED"),
        "{results:?}"
    );

    // meters: one activation, 7 allowed uses, 24 increments of 1 at both nodes
    let lm = a.license(
        pid(&p),
        json!({"meterAttributes": [{"name": "exports", "allowedUses": 7}]}),
    );
    let act = a.activate(&activation_body(
        pid(&p),
        lm["key"].as_str().unwrap(),
        &fingerprint("meter", 0),
    ));
    assert_eq!(act.status, 200, "{}", act.text);
    let aid = claims(&act.s("activationToken"), p["publicKey"].as_str().unwrap()).aid;
    let increment = |n: &Server, by: i64| {
        n.req(
            "POST",
            "/v3/activations/meter-attributes/exports",
            Some(&json!({"increment": by, "activationId": aid, "accountId": "", "productId": pid(&p)})),
        )
    };
    let results = fire([&a, &b], 6, 2, |n, _| increment(n, 1));
    assert_eq!(count(&results, 200), 7, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.1 == 200 || r.2 == "METER_ATTRIBUTE_USES_LIMIT_REACHED"),
        "{results:?}"
    );
    let r = increment(&b, 0);
    assert_eq!(r.body["licenseTotalUses"].as_u64(), Some(7), "{}", r.text);

    // a user session made at one node works at the other
    let u = a.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "ann@example.com", "password": "correct horse"})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    let r = a.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "ann@example.com", "password": "correct horse"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let session = r.s("accessToken");
    let r = b.raw(
        "GET",
        &format!("/v3/me/licenses?productId={}", pid(&p)),
        None,
        Some(&session),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn two_nodes_keep_deactivation_limits_and_password_lockouts_exact() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some((a, b)) = two_nodes() else { return };
    // deactivations: 12 devices, 3 deactivations allowed, all 12 at once
    let p = a.product(1, json!({}));
    let l = a.license(
        pid(&p),
        json!({"allowedActivations": 12, "allowedDeactivations": 3}),
    );
    let key = l["key"].as_str().unwrap().to_string();
    let pem = p["publicKey"].as_str().unwrap();
    let devices: Vec<(String, String)> = (0..12)
        .map(|i| {
            let fp = fingerprint(&format!("deact{i}"), 0);
            let node = if i % 2 == 0 { &a } else { &b };
            let r = node.activate(&activation_body(pid(&p), &key, &fp));
            assert_eq!(r.status, 200, "{}", r.text);
            (claims(&r.s("activationToken"), pem).aid, fp)
        })
        .collect();
    let results = fire([&a, &b], 6, 1, |n, i| {
        let (aid, fp) = &devices[i];
        n.req(
            "POST",
            &format!("/v3/activations/{aid}/deactivate"),
            Some(&deactivation_body(pid(&p), fp)),
        )
    });
    assert_eq!(count(&results, 200), 3, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.1 == 200 || r.2 == "DEACTIVATION_LIMIT_REACHED"),
        "{results:?}"
    );
    for node in [&a, &b] {
        let r = node.admin("GET", &format!("/v3/licenses/{}", pid(&l)), None);
        assert_eq!(r.body["totalDeactivations"], 3, "{}", r.text);
        assert_eq!(r.body["totalActivations"], 9, "{}", r.text);
    }

    // the password lockout: 12 wrong logins for one account from one
    // address, half at each node, all at once: five attempts are taken in
    // all (four wrong answers, the fifth locks), not five per node
    let u = a.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "lock@example.com", "password": "correct horse"})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    let login = |n: &Server, pw: &str| {
        n.req(
            "POST",
            "/v3/accounts/login",
            Some(&json!({"email": "lock@example.com", "password": pw})),
        )
    };
    let results = fire([&a, &b], 3, 2, |n, _| login(n, "wrong horse"));
    let answered: Vec<_> = results
        .iter()
        .filter(|r| r.2 != "LOGIN_TEMPORARILY_LOCKED")
        .collect();
    assert_eq!(answered.len(), 4, "{results:?}");
    assert!(
        answered.iter().all(|r| r.2 == "AUTHENTICATION_FAILED"),
        "{results:?}"
    );
    // locked at both nodes, for the right password too
    for n in [&a, &b] {
        assert_eq!(login(n, "correct horse").code(), "LOGIN_TEMPORARILY_LOCKED");
    }
    // an administrator's unlock at one node frees the other
    let r = a.admin(
        "PATCH",
        &format!("/v3/users/{}", u.s("id")),
        Some(&json!({"unlock": true})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = login(&b, "correct horse");
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The command line that controls the test cluster (with-postgres.sh).
fn pg_ctl(args: &str) {
    let ctl = std::env::var("OPENLEX_TEST_PG_CTL").expect("OPENLEX_TEST_PG_CTL");
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!("{ctl} {args} >/dev/null"))
        .status()
        .unwrap();
    assert!(st.success(), "pg_ctl {args}");
}

#[test]
fn a_killed_node_and_a_postgres_restart_lose_nothing_acknowledged() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some((mut a, b)) = two_nodes() else {
        return;
    };
    let p = a.product(1, json!({}));
    let l = a.license(pid(&p), json!({"allowedActivations": 0}));
    let key = l["key"].as_str().unwrap().to_string();
    for n in [&a, &b] {
        assert_eq!(n.req("GET", "/health", None).status, 200);
        assert_eq!(n.req("GET", "/ready", None).status, 200);
    }
    let acknowledged = Mutex::new(Vec::<String>::new());
    let unavailable = Mutex::new(Vec::<Duration>::new());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let succeeded = std::sync::atomic::AtomicUsize::new(0);
    let active = std::sync::atomic::AtomicUsize::new(6);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let phase = |n: &Server, t: usize, ops: usize| {
        // bounded: `ops` requests, or until told to stop
        for i in 0..ops {
            if stop.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            let fp = fingerprint(&format!("n{}-t{t}-{i}", n.url), 0);
            let began = Instant::now();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                n.activate(&activation_body(pid(&p), &key, &fp))
            }));
            let Ok(r) = r else { return }; // transport failure: the node died
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            match r.status {
                200 => {
                    let c = claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
                    acknowledged.lock().unwrap().push(c.aid);
                    succeeded.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                503 => {
                    assert_eq!(r.code(), "SERVICE_UNAVAILABLE", "{}", r.text);
                    assert!(r.body["message"].is_string(), "{}", r.text);
                    unavailable.lock().unwrap().push(began.elapsed());
                    // back off as a client would, so the outage does not use
                    // up this thread's requests
                    std::thread::sleep(Duration::from_millis(20));
                }
                s => panic!("unexpected {s}: {}", r.text),
            }
        }
    };
    std::thread::scope(|sc| {
        for t in 0..3 {
            let (phase, a, b, active) = (&phase, &a, &b, &active);
            sc.spawn(move || {
                phase(a, t, 400);
                active.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            });
            sc.spawn(move || {
                phase(b, t, 400);
                active.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
        // mid-load: kill node A, then restart PostgreSQL
        let deadline = Instant::now() + Duration::from_secs(60);
        while done.load(std::sync::atomic::Ordering::SeqCst) < 60 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        // the threads still hold `a`; kill it from outside, by its pid
        let st = Command::new("kill")
            .arg("-9")
            .arg(a.pid().to_string())
            .status()
            .unwrap();
        assert!(st.success());
        let before = done.load(std::sync::atomic::Ordering::SeqCst);
        while done.load(std::sync::atomic::Ordering::SeqCst) < before + 30
            && active.load(std::sync::atomic::Ordering::SeqCst) > 0
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        pg_ctl("restart -m fast -w -t 30");
        // until 60 more activations succeed at node B after the restart
        let before = succeeded.load(std::sync::atomic::Ordering::SeqCst);
        while succeeded.load(std::sync::atomic::Ordering::SeqCst) < before + 60
            && active.load(std::sync::atomic::Ordering::SeqCst) > 0
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    a.kill();
    // node B recovered by itself: ready, and activating again
    assert_eq!(b.req("GET", "/ready", None).status, 200);
    let r = b.activate(&activation_body(pid(&p), &key, &fingerprint("after", 0)));
    assert_eq!(r.status, 200, "{}", r.text);
    // every acknowledged activation is stored
    let acknowledged = acknowledged.into_inner().unwrap();
    assert!(
        acknowledged.len() > 60,
        "{} acknowledged",
        acknowledged.len()
    );
    for aid in &acknowledged {
        let r = b.admin("GET", &format!("/v3/activations/{aid}"), None);
        assert_eq!(
            r.status, 200,
            "acknowledged activation {aid} lost: {}",
            r.text
        );
    }
    // the restart was seen as 503s, and they came fast (no request hung
    // on the dead database)
    let unavailable = unavailable.into_inner().unwrap();
    assert!(!unavailable.is_empty(), "no request saw the restart");
    for d in unavailable {
        assert!(d < Duration::from_secs(10), "a 503 took {d:?}");
    }
    // a node started again in place of the killed one serves at once
    let c = b.join(&["--rate-limit", "off"]).expect("node");
    let r = c.activate(&activation_body(
        pid(&p),
        &key,
        &fingerprint("restarted", 0),
    ));
    assert_eq!(r.status, 200, "{}", r.text);
}
