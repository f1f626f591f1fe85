//! Event logs (`/v3/event-logs`): every admin change and client event, its
//! actor, address and changes, in the vendor's `EventLogDto` shape.

mod common;

use common::*;
use serde_json::{json, Value};

fn events(s: &Server, query: &str) -> (Vec<Value>, i64) {
    let r = s.admin("GET", &format!("/v3/event-logs{query}"), None);
    assert_eq!(r.status, 200, "{}", r.text);
    let total: i64 = r.header("x-total-count").unwrap().parse().unwrap();
    (r.body.as_array().unwrap().clone(), total)
}

#[test]
fn admin_changes_and_client_events_are_logged_with_actor_and_changes() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({"allowedActivations": 2}));
    let lid = l["id"].as_str().unwrap();
    let key = l["key"].as_str().unwrap();

    // An admin update: the changed fields only, with old and new values.
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"allowedActivations": 5, "suspended": true})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let (rows, total) = events(&s, &format!("?resourceId={lid}&action=updated"));
    assert_eq!((rows.len(), total), (1, 1));
    let e = &rows[0];
    let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "action",
            "actorId",
            "actorName",
            "actorType",
            "changes",
            "createdAt",
            "id",
            "ipAddress",
            "resource",
            "resourceId",
            "updatedAt"
        ]
    );
    assert_eq!(e["resource"], "license");
    assert_eq!(e["actorType"], "token");
    assert_eq!(e["actorName"], "admin (init)");
    assert!(!e["actorId"].as_str().unwrap().is_empty());
    assert_eq!(e["ipAddress"], "127.0.0.1");
    assert!(e["createdAt"].as_str().unwrap().ends_with('Z'));
    let changes = e["changes"].as_array().unwrap();
    let names: Vec<&str> = changes
        .iter()
        .map(|c| c["propertyName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["allowedActivations", "suspended"]);
    assert_eq!(changes[0]["oldValue"], 2);
    assert_eq!(changes[0]["newValue"], 5);

    // A client event: the activation, acted by `client`, with the address.
    let r = s.activate(&activation_body(pid, key, &fingerprint("dev-a", 0)));
    assert_eq!(r.status, 200, "{}", r.text);
    let (rows, _) = events(&s, "?resource=activation&action=created");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["actorType"], "client");
    assert_eq!(rows[0]["actorId"], "");
    assert_eq!(rows[0]["ipAddress"], "127.0.0.1");
    let aid = rows[0]["resourceId"].as_str().unwrap().to_owned();
    // ... and its deactivation.
    let r = s.req(
        "POST",
        &format!("/v3/activations/{aid}/deactivate"),
        Some(&deactivation_body(pid, &fingerprint("dev-a", 0))),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let (rows, _) = events(&s, &format!("?query={aid}"));
    let actions: Vec<&str> = rows.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["deleted", "created"], "newest first");

    // The CLI acts as `cli`.
    let (ok, _, err) = s.cli(&["license", "suspend", lid]);
    assert!(ok, "{err}");
    let (ok, _, err) = s.cli(&["license", "unsuspend", lid]);
    assert!(ok, "{err}");
    let (rows, _) = events(&s, &format!("?resourceId={lid}&limit=1"));
    assert_eq!(rows[0]["actorType"], "cli");
    assert_eq!(rows[0]["changes"][0]["propertyName"], "suspended");

    // Oldest first with `sort=createdAt`: init's admin token (by the
    // CLI), then the product and the license.
    let (all, total) = events(&s, "?limit=100&sort=createdAt");
    assert_eq!(all.len() as i64, total);
    let first: Vec<(&str, &str, &str)> = all
        .iter()
        .take(3)
        .map(|e| {
            (
                e["resource"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["actorType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        first,
        [
            ("personalAccessToken", "created", "cli"),
            ("product", "created", "token"),
            ("license", "created", "token")
        ]
    );

    // One entry by id; unknown id 404; wrong filter types 400; scope needed.
    let one = s.admin(
        "GET",
        &format!("/v3/event-logs/{}", all[0]["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(one.status, 200);
    assert_eq!(one.body, all[0]);
    assert_eq!(
        s.admin("GET", "/v3/event-logs/nope", None).code(),
        "NOT_FOUND"
    );
    assert_eq!(
        s.admin("GET", "/v3/event-logs?createdAt[gte]=yesterday", None)
            .code(),
        "VALIDATION_FAILED"
    );
    let (from_now, _) = events(&s, "?createdAt[gte]=2999-01-01T00:00:00Z");
    assert!(from_now.is_empty());
    let t = s.admin(
        "POST",
        "/v3/personal-access-tokens",
        Some(&json!({"name": "ro", "scopes": ["license:read"]})),
    );
    let ro = t.s("token");
    assert_eq!(s.raw("GET", "/v3/event-logs", None, Some(&ro)).status, 403);
}

#[test]
fn a_refused_change_leaves_no_event() {
    let s = Server::start();
    let p = s.product(1, json!({}));
    let pid = p["id"].as_str().unwrap();
    let l = s.license(pid, json!({"allowedActivations": 1}));
    let key = l["key"].as_str().unwrap();
    assert_eq!(
        s.activate(&activation_body(pid, key, &fingerprint("a", 0)))
            .status,
        200
    );
    // The seat limit refuses the second device: rolled back, no event.
    let r = s.activate(&activation_body(pid, key, &fingerprint("b", 0)));
    assert_eq!(r.code(), "ACTIVATION_LIMIT_REACHED");
    let (rows, _) = events(&s, "?resource=activation");
    assert_eq!(rows.len(), 1);
    // An invalid update is refused and logs nothing.
    let lid = l["id"].as_str().unwrap();
    let r = s.admin(
        "PATCH",
        &format!("/v3/licenses/{lid}"),
        Some(&json!({"allowedActivations": -5})),
    );
    assert_eq!(r.status, 400);
    let (rows, _) = events(&s, &format!("?resourceId={lid}"));
    assert_eq!(rows.len(), 1, "only the creation: {rows:?}");
}
