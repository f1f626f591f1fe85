//! The client maps every Web API error code the way the vendor's library does
//! (measured: tests/data/vendor_error_codes.tsv, from bench/error_codes.py),
//! and every status of the header that the vendor produces from a code is one
//! we produce too.

use std::collections::BTreeMap;

use openlex_client::net::errors::{map, Call};
use openlex_client::status::Status;

/// (code, call, the vendor's status) for every measured cell.
fn reference() -> Vec<(String, Call, i32)> {
    let text = include_str!("data/vendor_error_codes.tsv");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let calls: Vec<Call> = header[1..]
        .iter()
        .map(|h| match *h {
            "ActivateLicense" => Call::Activation,
            "ActivateTrial" => Call::Trial,
            "AuthenticateUser" => Call::Login,
            "AuthenticateUserWithIdToken" => Call::IdTokenLogin,
            other => panic!("unknown column {other}"),
        })
        .collect();
    let mut out = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), calls.len() + 1, "{line}");
        for (call, cell) in calls.iter().zip(&cells[1..]) {
            out.push((cells[0].to_string(), *call, cell.parse().unwrap()));
        }
    }
    assert!(out.len() > 200, "the reference table is incomplete");
    out
}

fn body(code: &str) -> Vec<u8> {
    format!(r#"{{"code":"{code}","message":"x"}}"#).into_bytes()
}

/// openlex-server's own names for statuses whose vendor code strings were not
/// public when it was written (docs/WIRE.md): the vendor's library does not
/// know them and answers its call's default, ours gives the status they name.
/// The vendor's own strings for the same statuses map as the vendor maps them.
const OPENLEX_NAMES: &[(&str, Call, Status)] = &[
    (
        "TWO_FACTOR_AUTHENTICATION_CODE_MISSING",
        Call::Login,
        Status::TwoFactorAuthenticationCodeMissing,
    ),
    (
        "TWO_FACTOR_AUTHENTICATION_CODE_INVALID",
        Call::Login,
        Status::TwoFactorAuthenticationCodeInvalid,
    ),
    (
        "LOGIN_TEMPORARILY_LOCKED",
        Call::Login,
        Status::LoginTemporarilyLocked,
    ),
    (
        "OIDC_SSO_NOT_ENABLED",
        Call::IdTokenLogin,
        Status::OidcSsoNotEnabled,
    ),
    (
        "USERS_LIMIT_REACHED",
        Call::IdTokenLogin,
        Status::UsersLimitReached,
    ),
];

#[test]
fn every_measured_code_maps_as_the_vendor_does() {
    let mut wrong = Vec::new();
    for (code, call, want) in reference() {
        if let Some((_, _, ours)) = OPENLEX_NAMES
            .iter()
            .find(|(c, k, _)| *c == code && *k == call)
        {
            assert!(
                openlex_wire::ErrorCode::parse(&code).is_some(),
                "{code} is not openlex-server's"
            );
            assert_eq!(map(400, &body(&code), call), *ours, "{code}");
            continue;
        }
        let got = map(400, &body(&code), call).code();
        if got != want {
            wrong.push(format!("{code} on {call:?}: {got}, vendor {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "differs from the vendor:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_status_the_vendor_derives_from_a_code_is_reachable() {
    // The header's statuses that some code produces in the vendor's library,
    // with one code that does it.
    let mut by_status: BTreeMap<i32, (String, Call)> = BTreeMap::new();
    for (code, call, status) in reference() {
        by_status.entry(status).or_insert((code, call));
    }
    let mut unmapped = Vec::new();
    for (value, (code, call)) in &by_status {
        let status = Status::from_code(*value)
            .unwrap_or_else(|| panic!("the vendor returned {value}, which the header lacks"));
        if map(400, &body(code), *call) != status {
            unmapped.push(format!("{} (from {code} on {call:?})", status.c_name()));
        }
    }
    assert!(
        unmapped.is_empty(),
        "header statuses the vendor reaches from a code and we do not: {unmapped:?}"
    );
    // Today the measurement reaches these 26 statuses, including the free
    // plan's activation limit (106), which nothing produced before.
    assert!(by_status.contains_key(&Status::FreePlanActivationLimitReached.code()));
    assert_eq!(by_status.len(), 26, "{:?}", by_status.keys());
}
