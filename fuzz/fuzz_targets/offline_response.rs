//! Offline response files fed to ActivateLicenseOffline with product data,
//! product id and license key set. Byte 0 picks the mode:
//!   even: the rest is the file, verbatim;
//!   odd:  the rest is a claims payload, signed with the product key and
//!         wrapped as {"activationToken": ...} (reaches claim checks, orv,
//!         fingerprint matching and the store write).
//! The call must return a status, never panic.
#![no_main]
use std::path::PathBuf;
use std::sync::{LazyLock, Once};

use libfuzzer_sys::fuzz_target;
use openlex_client::ffi::setters::SetLicenseKey;
use openlex_client::ffi::setup::{SetDataDirectory, SetProductData, SetProductId};

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let d = std::env::temp_dir().join(format!("openlex-fuzz-offline-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
});
static INIT: Once = Once::new();

fn cs(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).expect("no NUL")
}

fn init() {
    INIT.call_once(|| unsafe {
        let data = DIR.join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        assert_eq!(SetDataDirectory(cs(data.to_str().expect("utf8")).as_ptr()), 0);
        assert_eq!(SetProductData(cs(&openlex_fuzz::product_data()).as_ptr()), 0);
        assert_eq!(SetProductId(cs(openlex_fuzz::PRODUCT_ID).as_ptr(), 1), 0);
    });
}

fuzz_target!(|data: &[u8]| {
    init();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = DIR.join("response.dat");
    if mode % 2 == 0 {
        std::fs::write(&file, rest).expect("write");
    } else {
        if rest.len() > 16 * 1024 {
            return;
        }
        let token = openlex_fuzz::sign_payload(rest);
        let body = serde_json::json!({ "activationToken": token });
        std::fs::write(&file, serde_json::to_vec(&body).expect("json")).expect("write");
    }
    // A failed offline activation clears the key, so set it every time.
    unsafe {
        assert_eq!(SetLicenseKey(cs("FUZZ-KEY-0001").as_ptr()), 0);
    }
    let path = file.to_str().expect("utf8");
    let r = openlex_client::core::offline::activate_license_offline(path);
    let _ = openlex_client::status::code(r);
    // Whatever happened, the library still answers.
    let _ = openlex_client::ffi::activation::IsLicenseValid();
});
