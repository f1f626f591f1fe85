//! openlex-server: a self-hostable Cryptlex Web API v3 license server for
//! OpenLex, with an admin API and CLI, backed by SQLite.
//!
//! Layers: `api` (HTTP) → `service` / `admin` (operations) → `policy`
//! (pure rules) and `db` (storage trait + SQLite). Tokens are RS256 JWTs
//! signed with ring (`tokens`, `keys`).

#![deny(missing_docs)]

pub mod admin;
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod ids;
pub mod keys;
pub mod models;
pub mod offline;
pub mod policy;
pub mod ratelimit;
pub mod server;
pub mod service;
pub mod tls;
pub mod tokens;
pub mod totp;

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
