//! Shared helpers for the integration tests: a process-wide lock (the library
//! state is global), a test product key, and C-string helpers.
#![allow(dead_code)]

use std::ffi::CString;
use std::os::raw::c_char;
use std::sync::{LazyLock, Mutex, MutexGuard};

use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use rsa::RsaPrivateKey;

static LOCK: Mutex<()> = Mutex::new(());

/// Serialises tests that touch the global library state and resets it.
pub fn lock() -> MutexGuard<'static, ()> {
    let g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    openlex_client::core::clock::set_offset_for_tests(0);
    assert_eq!(openlex_client::ffi::setup::Reset(), 0);
    g
}

/// A product key pair for tests that do not use the server.
pub static KEY: LazyLock<RsaPrivateKey> =
    LazyLock::new(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("keygen"));

/// A fresh random product id (so local-trial copies kept outside the data
/// directory never leak between tests); its copy is removed on drop.
pub struct TestProduct {
    /// The product id.
    pub id: String,
}

impl TestProduct {
    /// A new random product.
    pub fn new() -> TestProduct {
        let mut b = [0u8; 16];
        getrandom::getrandom(&mut b).expect("random");
        let h = hex::encode(b);
        TestProduct {
            id: format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            ),
        }
    }

    /// Product data for this id with [`KEY`].
    pub fn data(&self) -> String {
        let spki = KEY.to_public_key().to_public_key_der().expect("der");
        openlex_wire::ProductData::new(&self.id, spki.as_bytes(), "", "").encode()
    }
}

impl TestProduct {
    /// Points the library at `dir` and sets this product's data and id
    /// (each call must succeed).
    pub fn set_up(&self, dir: &std::path::Path) {
        use openlex_client::ffi::setup::{SetDataDirectory, SetProductData, SetProductId};
        unsafe {
            assert_eq!(SetDataDirectory(c(dir.to_str().unwrap()).as_ptr()), 0);
            assert_eq!(SetProductData(c(&self.data()).as_ptr()), 0);
            assert_eq!(SetProductId(c(&self.id).as_ptr(), 1), 0);
        }
    }
}

impl Drop for TestProduct {
    fn drop(&mut self) {
        let home = openlex_device::device_info().home_dir.clone();
        if let Some(p) =
            openlex_client::store::location::local_trial_copy(&self.id, home.as_deref())
        {
            let _ = std::fs::remove_file(p);
        }
    }
}

pub mod hostile_server;
pub mod proxy;
pub mod server;
pub mod wire_server;

/// PKCS#8 DER of [`KEY`].
pub fn pkcs8() -> Vec<u8> {
    KEY.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec()
}

/// A C string.
pub fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

/// Reads a C buffer as a Rust string.
pub fn read(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as u8)
        .collect();
    String::from_utf8(bytes).expect("utf8")
}
