//! The vendor's status codes as the C API returns them: the one status model
//! ([`crate::status`]) re-exported here, where the header is generated from.

pub use crate::status::{code, Status};
