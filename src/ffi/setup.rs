//! Setup and configuration exports (vendor header §"Setup").

use std::os::raw::c_int;
use std::sync::Arc;

use super::args::{buf_out, str_in};
use super::guard::{done, guard};
use super::types::{CallbackType, CSTRTYPE, STRTYPE};
use crate::core::{product, settings, system_wide};
use crate::status::Status;

/// Sets the absolute path of the product file (deprecated; use SetProductData).
///
/// Returns LA_OK, LA_E_FILE_PATH (missing or unreadable file), LA_E_PRODUCT_FILE (invalid content).
/// Thread safety: safe; call once at start-up.
#[no_mangle]
pub unsafe extern "C" fn SetProductFile(filePath: CSTRTYPE) -> c_int {
    guard(|| product::set_product_file(&unsafe { str_in(filePath, Status::FilePath) }?))
}

/// Embeds the product data (OpenLex product data text, or the product's RSA public key
/// as PEM or base64 SubjectPublicKeyInfo). Call SetDataDirectory first if you use it.
///
/// Returns LA_OK, LA_E_PRODUCT_DATA. Thread safety: safe; call once at start-up.
#[no_mangle]
pub unsafe extern "C" fn SetProductData(productData: CSTRTYPE) -> c_int {
    guard(|| product::set_product_data(&unsafe { str_in(productData, Status::ProductData) }?))
}

/// Sets the product id and the permission flag (LA_USER, LA_SYSTEM, LA_ALL_USERS,
/// LA_IN_MEMORY); computes the device fingerprint and opens the local store.
///
/// Returns LA_OK, LA_E_PRODUCT_DATA (no product data), LA_E_INVALID_PERMISSION_FLAG,
/// LA_E_PRODUCT_ID (not a GUID or not the product data's id), LA_E_SYSTEM_PERMISSION,
/// LA_E_FILE_PERMISSION. Thread safety: safe; call once at start-up.
#[no_mangle]
pub unsafe extern "C" fn SetProductId(productId: CSTRTYPE, flags: u32) -> c_int {
    guard(|| {
        product::set_product_id(
            unsafe { str_in(productId, Status::ProductId) }
                .ok()
                .as_deref(),
            flags,
        )
    })
}

/// Sets a directory for the local store (must exist and be writable); call before SetProductData.
///
/// Returns LA_OK, LA_E_FILE_PERMISSION. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetDataDirectory(directoryPath: CSTRTYPE) -> c_int {
    guard(|| {
        settings::set_data_directory(&unsafe { str_in(directoryPath, Status::FilePermission) }?)
    })
}

/// Enables (non-zero) or disables debug logging to the file named by OPENLEX_LOG_FILE, else
/// stderr. Never touches the host's stdout.
///
/// Returns LA_OK. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetDebugMode(enable: u32) -> c_int {
    guard(|| settings::set_debug_mode(enable != 0))
}

/// Enables (1, default) or disables (0) the in-memory cache of the local store; disable it when
/// several processes share one activation and must see changes at once.
///
/// Returns LA_OK. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetCacheMode(enable: u32) -> c_int {
    guard(|| settings::set_cache_mode(enable != 0))
}

/// Sets a custom device fingerprint (64..256 bytes) used instead of the computed one; call right
/// after SetProductId.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_CUSTOM_FINGERPRINT_LENGTH. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetCustomDeviceFingerprint(fingerprint: CSTRTYPE) -> c_int {
    guard(|| {
        settings::set_custom_fingerprint(&unsafe {
            str_in(fingerprint, Status::CustomFingerprintLength)
        }?)
    })
}

/// Sets the network proxy, `scheme://[user:pass@]host[:port]`; `""` clears it.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_NET_PROXY. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetNetworkProxy(proxy: CSTRTYPE) -> c_int {
    guard(|| settings::set_network_proxy(&unsafe { str_in(proxy, Status::NetProxy) }?))
}

/// Sets the API host: an `https://` URL, or `http://` for a loopback host only.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_HOST_URL. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetCryptlexHost(host: CSTRTYPE) -> c_int {
    guard(|| settings::set_cryptlex_host(&unsafe { str_in(host, Status::HostUrl) }?))
}

/// Enables (non-zero, default) or disables TLS peer verification. Disabling it is for testing.
///
/// Returns LA_OK. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetTlsPeerVerification(enable: u32) -> c_int {
    guard(|| settings::set_tls_peer_verification(enable != 0))
}

/// Registers the license callback (NULL unregisters). It runs on a library thread after each
/// background server sync, with no library lock held, so it may call any getter.
///
/// Returns LA_OK, LA_E_PRODUCT_ID. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetLicenseCallback(callback: CallbackType) -> c_int {
    guard(|| {
        let cb = callback.map(|f| {
            Arc::new(move |status: u32| {
                // SAFETY: the host registered `f` as a valid `void(uint32_t)` function.
                unsafe { f(status) }
            }) as crate::core::state::StatusCallback
        });
        settings::set_license_callback(cb)
    })
}

/// Migrates activation data to system-wide storage (Windows and macOS; on Linux there is no
/// separate system-wide store and LA_FAIL is returned, as the vendor does).
///
/// Returns LA_OK, LA_FAIL, LA_E_PRODUCT_DATA, LA_E_INVALID_PERMISSION_FLAG, LA_E_SYSTEM_PERMISSION,
/// LA_E_FILE_PERMISSION. Thread safety: safe.
#[no_mangle]
pub extern "C" fn MigrateToSystemWideActivation(oldPermissionFlag: u32) -> c_int {
    guard(|| system_wide::migrate(oldPermissionFlag))
}

/// Deletes this product's activation and verified-trial data on this machine (not the local
/// trial), stops background work and returns the library to its just-loaded state.
///
/// Returns LA_OK. Thread safety: safe; do not call concurrently with activation calls.
#[no_mangle]
pub extern "C" fn Reset() -> c_int {
    guard(settings::reset)
}

/// Writes the library version (OpenLex's, 3.46-compatible) into `libraryVersion`.
///
/// Returns LA_OK, LA_E_BUFFER_SIZE, LA_FAIL (NULL buffer). Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GetLibraryVersion(libraryVersion: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(libraryVersion, length, env!("CARGO_PKG_VERSION")) }))
}

/// Writes the product id of the product data (works right after SetProductData).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_BUFFER_SIZE, LA_FAIL. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GetProductId(productId: STRTYPE, length: u32) -> c_int {
    guard(|| {
        done(unsafe {
            buf_out(
                productId,
                length,
                &product::product_id().map_err(|_| Status::ProductId)?,
            )
        })
    })
}

/// Writes the account id of the product data (`""` when it has none).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_BUFFER_SIZE, LA_FAIL. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GetAccountId(accountId: STRTYPE, length: u32) -> c_int {
    guard(|| {
        done(unsafe {
            buf_out(
                accountId,
                length,
                &product::account_id().map_err(|_| Status::ProductId)?,
            )
        })
    })
}
