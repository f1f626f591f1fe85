//! The process-global library state behind one lock.
//!
//! Rule: the lock is never held across network I/O or a user callback.
//! Callers snapshot what they need, release, do the I/O, then re-take and
//! commit (see `core::activation`).

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use parking_lot::{Mutex, MutexGuard};

use openlex_wire::claims::Metadata;

use super::product::Product;
use crate::status::Status;
use crate::store::{Location, PermissionFlag, Store};

/// A license-status callback (the C callback wrapped by `ffi`).
pub type StatusCallback = Arc<dyn Fn(u32) + Send + Sync>;

/// Per-product context created by SetProductId.
#[derive(Debug)]
pub struct Context {
    /// Product id (as given to SetProductId).
    pub product_id: String,
    /// The requested permission flag.
    pub flag: PermissionFlag,
    /// The product's local store.
    pub store: Store,
    /// This device's fingerprint for the product (wire text).
    pub device_fingerprint: String,
}

/// Release information sent with activations and release checks.
#[derive(Debug, Clone, Default)]
pub struct ReleaseInfo {
    /// SetAppVersion (deprecated).
    pub app_version: String,
    /// SetReleaseVersion.
    pub version: String,
    /// SetReleasePlatform.
    pub platform: String,
    /// SetReleaseChannel.
    pub channel: String,
    /// SetReleasePublishedDate.
    pub published_date: Option<u32>,
}

/// Network settings.
#[derive(Debug, Clone)]
pub struct NetSettings {
    /// SetNetworkProxy; empty = environment / none.
    pub proxy: String,
    /// SetCryptlexHost; empty = product data host or the default.
    pub host: String,
    /// SetTlsPeerVerification.
    pub tls_verify: bool,
}

impl Default for NetSettings {
    fn default() -> Self {
        NetSettings {
            proxy: String::new(),
            host: String::new(),
            tls_verify: true,
        }
    }
}

/// Everything the library holds.
#[derive(Default)]
pub struct State {
    /// SetDataDirectory.
    pub data_dir: Option<PathBuf>,
    /// SetProductData / SetProductFile.
    pub product: Option<Product>,
    /// SetProductId.
    pub ctx: Option<Context>,
    /// Location the last SetProductId resolved, even if it then failed
    /// (GetDataStoreInfo reports it, as the vendor does).
    pub last_location: Option<Location>,
    /// SetLicenseKey, or the key of the stored activation.
    pub license_key: String,
    /// SetCustomDeviceFingerprint.
    pub custom_fingerprint: Option<String>,
    /// SetActivationMetadata.
    pub activation_metadata: Vec<Metadata>,
    /// SetTrialActivationMetadata.
    pub trial_metadata: Vec<Metadata>,
    /// SetOfflineActivationRequestMeterAttributeUses.
    pub offline_meter_uses: Vec<(String, u32)>,
    /// Release settings.
    pub release: ReleaseInfo,
    /// SetActivationLeaseDuration; `None` = not set.
    pub lease_duration: Option<i64>,
    /// Network settings.
    pub net: NetSettings,
    /// SetLicenseUserCredential (deprecated).
    pub credentials: Option<(String, String)>,
    /// SetTwoFactorAuthenticationCode.
    pub two_factor_code: Option<String>,
    /// Access token from AuthenticateUser.
    pub user_access_token: Option<String>,
    /// SetLicenseCallback.
    pub license_callback: Option<StatusCallback>,
    /// SetDebugMode.
    pub debug: bool,
    /// SetCacheMode(0) turns it off.
    pub no_cache: bool,
    /// GetLastActivationError: the status that last cleared activation data
    /// (`None` since the last success).
    pub last_activation_error: Option<Status>,
    /// Verified activation claims, cached per load of the stored token.
    pub activation: Option<super::activation::Verified>,
    /// Verified trial claims, cached per load.
    pub trial: Option<super::trial::VerifiedTrial>,
    /// In-memory clock high-water marks not yet persisted.
    pub local_trial_seen: i64,
}

static STATE: LazyLock<Mutex<State>> = LazyLock::new(|| Mutex::new(State::default()));

/// Locks the global state.
pub fn lock() -> MutexGuard<'static, State> {
    STATE.lock()
}

impl State {
    /// The product context, or LA_FAIL-style absence.
    pub fn ctx_mut(&mut self) -> Option<&mut Context> {
        self.ctx.as_mut()
    }

    /// The fingerprint activations use: the custom one if set, else the device's.
    pub fn fingerprint(&self) -> Option<String> {
        let ctx = self.ctx.as_ref()?;
        Some(
            self.custom_fingerprint
                .clone()
                .unwrap_or_else(|| ctx.device_fingerprint.clone()),
        )
    }
}
