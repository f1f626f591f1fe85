//! Checks shared by activation and trial tokens, so both kinds apply the same
//! rules in the same order.

use openlex_wire::fingerprint::{self, MatchStrategy};

use crate::status::{LaResult, Status};

/// The device and clock checks of a token: the recorded fingerprint must
/// match this device's under the token's strategy (else LA_E_MACHINE_FINGERPRINT),
/// and the clock may not lag the server's issue time by more than the allowed
/// offset (else LA_E_TIME; an offset of -1 disables the check).
pub fn device_and_clock(
    recorded_fp: &str,
    fms: &str,
    device_fp: &str,
    iat: i64,
    aco: i64,
    now: i64,
) -> Result<(), Status> {
    if !fingerprint::matches(recorded_fp, device_fp, MatchStrategy::parse(fms)) {
        return Err(Status::MachineFingerprint);
    }
    if aco >= 0 && iat - now > aco {
        return Err(Status::Time);
    }
    Ok(())
}

/// What getters require of a validation result: anything "activated" passes;
/// clock tampering keeps its status; everything else is LA_FAIL.
pub fn getter_gate(r: LaResult) -> Result<(), Status> {
    match r {
        Ok(_) => Ok(()),
        Err(e @ (Status::Time | Status::TimeModified)) => Err(e),
        Err(_) => Err(Status::Fail),
    }
}
