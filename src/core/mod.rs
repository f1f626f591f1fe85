//! The licensing core: plain Rust over the global state. It never sees a raw
//! pointer or a C integer type; `ffi` converts at the boundary.

pub mod activation;
pub mod checks;
pub mod clock;
pub mod getters;
pub mod limits;
pub mod local_trial;
pub mod meters;
pub mod offline;
pub mod online;
pub mod product;
pub mod releases;
pub mod request;
pub mod settings;
pub mod state;
pub mod sync;
pub mod system_wide;
pub mod trial;
pub mod trial_online;
pub mod users;
