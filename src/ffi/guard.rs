//! The one boundary wrapper: catches panics and turns results into C ints.

use std::os::raw::c_int;

use crate::status::{code, LaResult, Status};

/// Runs an export's body. A panic is logged and becomes LA_FAIL; the host
/// never aborts. The library threads run their work under the same guard.
pub fn guard(f: impl FnOnce() -> LaResult) -> c_int {
    // The state lock (parking_lot) does not poison, and every core operation
    // commits state only after its fallible steps, so resuming is sound.
    crate::log::catch_panic("an export", f).map_or(Status::Fail.code(), code)
}

/// Adapts a getter's `Result<(), Status>` to the guard's shape.
pub fn done(r: Result<(), Status>) -> LaResult {
    r.map(|()| Status::Ok)
}
