//! openlex-server: a self-hostable Cryptlex Web API v3 license server for
//! OpenLex, with an admin API and CLI, backed by SQLite.
//!
//! Layout (docs/SERVER.md): `resources` holds one module per resource
//! (records, typed requests, operations, storage queries, routes); `http`
//! extracts and authorises; `app` is the shared core (store, clock, keys);
//! `store` is the storage seam with SQLite as its first engine; `policy`,
//! `matching`, `signing`, `validate` and `auth` are the small shared pieces;
//! `cli` is the command line, built on the same request structs.

#![deny(missing_docs)]

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dates;
pub mod error;
pub mod http;
pub mod ids;
pub mod keys;
pub mod matching;
pub mod metadata;
pub mod offline;
pub mod passwords;
pub mod policy;
pub mod ratelimit;
pub mod resources;
pub mod signing;
pub mod store;
pub mod tls;
pub mod totp;
pub mod validate;
pub mod web;

#[cfg(test)]
mod docs_tests {
    /// docs/WIRE.md must document every error code with its status and every claim.
    #[test]
    fn wire_md_documents_every_code_and_claim() {
        let doc = include_str!("../../docs/WIRE.md");
        for c in openlex_wire::ErrorCode::ALL {
            let row = format!("| `{}` | {} |", c.as_str(), c.http_status());
            assert!(doc.contains(&row), "docs/WIRE.md lacks {row}");
        }
        let claims = serde_json::to_value(openlex_wire::ActivationClaims::default()).unwrap();
        for k in claims.as_object().unwrap().keys() {
            assert!(
                doc.contains(&format!("`{k}`")),
                "docs/WIRE.md lacks claim {k}"
            );
        }
        let trial = serde_json::to_value(openlex_wire::TrialClaims::default()).unwrap();
        for k in trial.as_object().unwrap().keys() {
            assert!(
                doc.contains(&format!("`{k}`")),
                "docs/WIRE.md lacks trial claim {k}"
            );
        }
    }
}
