//! The C ABI: the vendor's function names, signatures and status codes.
//!
//! Every export is written out literally and its body is one guarded closure
//! that converts arguments (`args`), calls `core`, and converts back. No
//! licensing logic lives here.

#![allow(non_snake_case)]
// The safety contract of every export is the one C API convention (valid,
// NUL-terminated strings; buffers writable for `length` units), stated once
// in the header and README rather than on each of the hundred functions.
#![allow(clippy::missing_safety_doc)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod activation;
pub mod args;
pub mod getters;
pub mod guard;
pub mod services;
pub mod setters;
pub mod setup;
pub mod status;
pub mod structs;
pub mod trial;
pub mod types;
