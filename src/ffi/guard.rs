//! The one boundary wrapper: catches panics and turns results into C ints.

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::status::{code, LaResult, Status};

/// Runs an export's body. A panic becomes LA_FAIL; the host never aborts.
pub fn guard(f: impl FnOnce() -> LaResult) -> c_int {
    // The state lock (parking_lot) does not poison, and every core operation
    // commits state only after its fallible steps, so resuming is sound.
    catch_unwind(AssertUnwindSafe(f))
        .map(code)
        .unwrap_or(Status::Fail.code())
}

/// Adapts a getter's `Result<(), Status>` to the guard's shape.
pub fn done(r: Result<(), Status>) -> LaResult {
    r.map(|()| Status::Ok)
}
