//! The C ABI: the vendor's function names, signatures and status codes.
//!
//! Every export is written out literally and its body is one guarded closure
//! that converts arguments (`args`), calls `core`, and converts back. No
//! licensing logic lives here.

#![allow(non_snake_case)]
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
