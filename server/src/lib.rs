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
