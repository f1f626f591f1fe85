//! OpenLex: an open-source, drop-in replacement for Cryptlex's LexActivator
//! client library. The C ABI lives in [`ffi`]; everything below it is plain
//! Rust: [`core`] (state and licensing rules), [`net`] (Web API v3 client),
//! [`token`] (RS256 verification), [`store`] (the local data store). Device
//! identity is the `openlex-device` crate; wire types are `openlex-wire`.
//!
//! Dependency arrow: ffi -> core -> (net, token, store, device, wire), and every
//! layer may use the two leaves below them all: [`status`] (the one status
//! model) and [`log`] (debug logging).

#![allow(non_snake_case)]
#![warn(missing_docs)]

// `cbindgen:ignore` keeps Rust-only items out of the generated C headers.
/// cbindgen:ignore
pub mod core;
/// cbindgen:ignore
pub mod fault;
pub mod ffi;
/// cbindgen:ignore
pub mod log;
/// cbindgen:ignore
pub mod net;
pub mod status;
/// cbindgen:ignore
pub mod store;
/// cbindgen:ignore
pub mod token;
