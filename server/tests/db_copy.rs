//! `db copy --to postgres://...`: a SQLite node's records (products with
//! their keys, licenses, activations, trials, users and their sessions,
//! releases, admin tokens, settings) move to PostgreSQL, verified by counts
//! and checksums; a node on the copy serves the same clients, sessions and
//! admin token. Needs PostgreSQL (scripts/with-postgres.sh); on SQLite alone
//! the test says so and returns.

mod common;

use std::process::Command;

use common::*;
use serde_json::json;

#[test]
fn sqlite_records_move_to_postgres_verified() {
    let Some(server) = test_database_server() else {
        eprintln!("needs PostgreSQL: run under scripts/with-postgres.sh");
        return;
    };
    let mut src = Server::start_on_sqlite();
    let p = src.product(1, json!({"trialLength": 3600}));
    let pid = p["id"].as_str().unwrap().to_string();
    let l = src.license(&pid, json!({"allowedActivations": 3}));
    let key = l["key"].as_str().unwrap().to_string();
    let mut aids = Vec::new();
    for d in ["a", "b"] {
        let r = src.activate(&activation_body(&pid, &key, &fingerprint(d, 0)));
        assert_eq!(r.status, 200, "{}", r.text);
        aids.push(claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap()).aid);
    }
    let r = src.req(
        "POST",
        "/v3/trial-activations",
        Some(&trial_body(&pid, &fingerprint("t", 0))),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let u = src.admin(
        "POST",
        "/v3/users",
        Some(&json!({"email": "ann@example.com", "password": "correct horse"})),
    );
    assert_eq!(u.status, 201, "{}", u.text);
    let r = src.req(
        "POST",
        "/v3/accounts/login",
        Some(&json!({"email": "ann@example.com", "password": "correct horse"})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let session = r.s("accessToken");
    let r = src.admin(
        "POST",
        "/v3/releases",
        Some(&json!({"productId": pid, "version": "1.2.0", "platforms": ["linux"]})),
    );
    assert_eq!(r.status, 201, "{}", r.text);

    // copy into a fresh database of the test cluster (made like an operator would)
    let name = format!("copy_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let target = with_database_name(&server, &name);
    let copy = |to: &str| {
        Command::new(BIN)
            .arg("--data-dir")
            .arg(&src.dir)
            .args(["db", "copy", "--to", to])
            .env_remove("OPENLEX_DATABASE_URL")
            .output()
            .unwrap()
    };
    let out = copy(&target);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("copied and verified"), "{stdout}");
    for (table, rows) in [
        ("products", 1),
        ("licenses", 1),
        ("activations", 2),
        ("trial_activations", 1),
        ("users", 1),
        ("user_sessions", 1),
        ("releases", 1),
        ("admin_tokens", 1),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{table} ")))
            .unwrap_or_else(|| panic!("{table} missing: {stdout}"));
        assert!(line.contains(&format!(" {rows} rows")), "{line}");
    }
    // a second copy into the now-filled database is refused and changes nothing
    let again = copy(&target);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds records"));
    let sqlite_url = copy("sqlite:///tmp/x.db");
    assert!(!sqlite_url.status.success());

    // a node on the copy: same admin token, activations sync, the session works,
    // the product's key signs as before, the seat limit counts copied seats
    src.kill();
    let dst = src.join_database(&target);
    let r = dst.admin(
        "GET",
        &format!("/v3/licenses/{}", l["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    for (aid, d) in aids.iter().zip(["a", "b"]) {
        let body = activation_body(&pid, &key, &fingerprint(d, 0));
        let r = dst.req("PATCH", &format!("/v3/activations/{aid}"), Some(&body));
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = dst.raw(
        "GET",
        &format!("/v3/me/licenses?productId={pid}"),
        None,
        Some(&session),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = dst.activate(&activation_body(&pid, &key, &fingerprint("c", 0)));
    assert_eq!(r.status, 200, "{}", r.text);
    claims(&r.s("activationToken"), p["publicKey"].as_str().unwrap());
    let r = dst.activate(&activation_body(&pid, &key, &fingerprint("d", 0)));
    assert_eq!(r.code(), "ACTIVATION_LIMIT_REACHED", "{}", r.text);
}
