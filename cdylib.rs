//! libLexActivator (.so / .dylib / .dll / .a): the C library the vendor's
//! wrappers and apps load. All code lives in the `openlex-client` crate
//! (src/); linking it here exports its `#[no_mangle]` C API, and nothing else
//! (build.rs passes the export list to the linker).
//!
//! This crate is only a cdylib/staticlib, never an rlib, so that fat LTO may
//! drop every function the C API does not reach (see the root Cargo.toml).

// The vendor's artifact name, not a Rust-style crate name.
#![allow(non_snake_case)]

extern crate openlex_client;
