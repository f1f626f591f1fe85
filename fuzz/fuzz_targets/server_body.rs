//! Server response bodies: the 2xx activation body and the error body mapped
//! to an LA status. Bytes 0-1 are the HTTP status, byte 2 the call.
#![no_main]
use libfuzzer_sys::fuzz_target;
use openlex_client::net::errors::{map, Call};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let call = [
        Call::Activation,
        Call::Trial,
        Call::Login,
        Call::IdTokenLogin,
        Call::Existing,
        Call::Other,
    ][usize::from(data[2]) % 6];
    let body = &data[3..];
    let _ = openlex_client::core::online::activation_token(body);
    let e = map(status, body, call);
    // Every mapped error becomes a status code at the boundary.
    let _ = openlex_client::status::code(Err(e));
    let _ = serde_json::from_slice::<openlex_wire::ErrorBody>(body);
});
