//! The safe Rust API: what a Rust application calls instead of the C ABI.
//!
//! It sits beside [`crate::ffi`] and calls [`crate::core`] directly, so no raw
//! pointer, buffer size or C status integer is in sight: results are typed
//! ([`Validity`](crate::license::Validity)), failures are an
//! [`Error`](crate::license::Error) wrapping the one
//! [`Status`](crate::status::Status) model, dates are
//! [`SystemTime`](std::time::SystemTime)s. The library keeps one product per
//! process (as the C library does), so a [`License`](crate::license::License) is a handle to that
//! process-wide state; opening another product replaces it.
//!
//! Unlike the C exports, which turn a panic into `LA_FAIL`, a panic here
//! (a library bug) unwinds into the caller as Rust panics do; the state
//! lock does not poison, so later calls still work.
//!
//! The C library (`libLexActivator`) does not contain this module: the root
//! package links only the C exports, and nothing there reaches this code.
//!
//! # Example
//!
//! Runs against a real openlex-server in `crates/client/tests/rust_api.rs`,
//! which includes this same file, so the example cannot drift from the test.
//!
#![doc = concat!("```no_run\n", include_str!("example.rs"), "```")]

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::core::getters::{self, Date, Text};
use crate::core::{online, product, settings};
use crate::status::{LaResult, Status};

pub use openlex_wire::claims::{FeatureEntitlement, OrganizationAddress};

/// A failure: the status the C API would have returned, as the [`Status`] enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error(pub Status);

impl Error {
    /// The status behind this error.
    pub fn status(self) -> Status {
        self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0.c_name(), self.0.code())
    }
}

impl std::error::Error for Error {}

impl From<Status> for Error {
    fn from(status: Status) -> Error {
        Error(status)
    }
}

/// What this API returns: a value, or the [`Error`] status.
pub type Result<T> = std::result::Result<T, Error>;

/// The answer of [`License::activate`], [`License::is_genuine`] and
/// [`License::is_valid`] when the license exists on this device: the result
/// statuses of the C API (`LA_OK`, `LA_EXPIRED`, `LA_SUSPENDED`,
/// `LA_GRACE_PERIOD_OVER`). Any other status is an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Validity {
    /// Activated and genuine (`LA_OK`).
    Genuine,
    /// Activated, but the license has expired (`LA_EXPIRED`).
    Expired,
    /// Activated, but the license is suspended (`LA_SUSPENDED`).
    Suspended,
    /// Activated, but the server-sync grace period is over (`LA_GRACE_PERIOD_OVER`).
    GracePeriodOver,
}

impl Validity {
    /// The one map from core results to this API's results.
    fn from_result(r: LaResult) -> Result<Validity> {
        match r? {
            Status::Ok => Ok(Validity::Genuine),
            Status::Expired => Ok(Validity::Expired),
            Status::Suspended => Ok(Validity::Suspended),
            Status::GracePeriodOver => Ok(Validity::GracePeriodOver),
            other => Err(Error(other)),
        }
    }
}

/// Where activation data is kept (the C API's `LA_USER`, `LA_SYSTEM`,
/// `LA_ALL_USERS`, `LA_IN_MEMORY` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Storage {
    /// Per OS user (`LA_USER`).
    #[default]
    User,
    /// System-wide; needs root or administrator rights (`LA_SYSTEM`).
    System,
    /// Shared by all users of the device (`LA_ALL_USERS`).
    AllUsers,
    /// Memory only, gone at process exit (`LA_IN_MEMORY`).
    InMemory,
}

impl Storage {
    fn flag(self) -> u32 {
        match self {
            Storage::User => 1,
            Storage::System => 2,
            Storage::AllUsers => 3,
            Storage::InMemory => 4,
        }
    }
}

/// Settings for opening a [`License`]; get one from [`License::builder`].
#[derive(Debug, Clone)]
pub struct Builder {
    product_data: String,
    product_id: String,
    storage: Storage,
    data_directory: Option<PathBuf>,
    host: Option<String>,
}

impl Builder {
    /// Where activation data is kept (default [`Storage::User`]).
    pub fn storage(mut self, storage: Storage) -> Builder {
        self.storage = storage;
        self
    }

    /// Keeps activation data in this existing, writable directory. A path
    /// that is not UTF-8 is refused by [`Builder::open`] (as the C API
    /// refuses it), never silently changed.
    pub fn data_directory(mut self, dir: impl AsRef<Path>) -> Builder {
        self.data_directory = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The licensing server's URL (default: the Cryptlex host).
    pub fn host(mut self, url: &str) -> Builder {
        self.host = Some(url.to_owned());
        self
    }

    /// Applies the settings in the order the C API needs them (data
    /// directory and product data before the product id, host after).
    pub fn open(self) -> Result<License> {
        if let Some(dir) = &self.data_directory {
            let dir = dir.to_str().ok_or(Error(Status::FilePermission))?;
            settings::set_data_directory(dir)?;
        }
        product::set_product_data(&self.product_data)?;
        product::set_product_id(Some(&self.product_id), self.storage.flag())?;
        if let Some(host) = &self.host {
            settings::set_cryptlex_host(host)?;
        }
        Ok(License { _private: () })
    }
}

/// The product's license on this device. Methods map one to one onto the C
/// API's functions (named in each doc comment) and return what it returns,
/// typed.
#[derive(Debug)]
pub struct License {
    _private: (),
}

/// A unix-seconds claim as a time; `None` for 0 (the C API's "no date").
fn time(unix: u32) -> Option<SystemTime> {
    (unix != 0).then(|| UNIX_EPOCH + Duration::from_secs(u64::from(unix)))
}

impl License {
    /// Starts the settings for a product: its product data (from the
    /// dashboard, or openlex-server's `productData`) and its id.
    pub fn builder(product_data: &str, product_id: &str) -> Builder {
        Builder {
            product_data: product_data.to_owned(),
            product_id: product_id.to_owned(),
            storage: Storage::default(),
            data_directory: None,
            host: None,
        }
    }

    /// Sets the key and activates it with the server (SetLicenseKey +
    /// ActivateLicense).
    pub fn activate(&self, key: &str) -> Result<Validity> {
        settings::set_license_key(key)?;
        Validity::from_result(online::activate_license())
    }

    /// Sets metadata sent with the next activation (SetActivationMetadata).
    pub fn set_activation_metadata(&self, key: &str, value: &str) -> Result<()> {
        settings::set_activation_metadata(key, value)?;
        Ok(())
    }

    /// Checks the activation on this device and starts the background server
    /// sync (IsLicenseGenuine).
    pub fn is_genuine(&self) -> Result<Validity> {
        Validity::from_result(online::is_license_genuine())
    }

    /// Checks the activation on this device without any network (IsLicenseValid).
    pub fn is_valid(&self) -> Result<Validity> {
        Validity::from_result(crate::core::activation::is_license_valid())
    }

    /// Syncs the activation with the server once, now (SyncLicenseActivation).
    pub fn sync(&self) -> Result<Validity> {
        Validity::from_result(online::sync_license())
    }

    /// Deactivates on the server and removes the activation here (DeactivateLicense).
    pub fn deactivate(&self) -> Result<()> {
        online::deactivate_license()?;
        Ok(())
    }

    /// The set or activated license key; empty when none (GetLicenseKey).
    pub fn key(&self) -> Result<String> {
        Ok(getters::license_key()?)
    }

    /// When the license expires; `None` for a license without expiry
    /// (GetLicenseExpiryDate).
    pub fn expiry(&self) -> Result<Option<SystemTime>> {
        Ok(time(getters::date_claim(Date::LicenseExpiry)?))
    }

    /// When the license was created (GetLicenseCreationDate).
    pub fn created(&self) -> Result<Option<SystemTime>> {
        Ok(time(getters::date_claim(Date::LicenseCreation)?))
    }

    /// When this activation last synced with the server (GetActivationLastSyncedDate).
    pub fn last_synced(&self) -> Result<Option<SystemTime>> {
        Ok(time(getters::date_claim(Date::ActivationLastSynced)?))
    }

    /// The license type, `node-locked` or `hosted-floating` (GetLicenseType).
    pub fn license_type(&self) -> Result<String> {
        Ok(getters::text(Text::LicenseType)?)
    }

    /// The server's id of this activation (GetActivationId).
    pub fn activation_id(&self) -> Result<String> {
        Ok(getters::text(Text::ActivationId)?)
    }

    /// The licensee's email (GetLicenseUserEmail).
    pub fn user_email(&self) -> Result<String> {
        Ok(getters::text(Text::UserEmail)?)
    }

    /// The licensee's name (GetLicenseUserName).
    pub fn user_name(&self) -> Result<String> {
        Ok(getters::text(Text::UserName)?)
    }

    /// The licensee organisation's name (GetLicenseOrganizationName).
    pub fn organization_name(&self) -> Result<String> {
        Ok(getters::text(Text::OrganizationName)?)
    }

    /// The licensee organisation's address (GetLicenseOrganizationAddress).
    pub fn organization_address(&self) -> Result<OrganizationAddress> {
        Ok(getters::organization_address()?)
    }

    /// How many activations the license allows; `None` for unlimited
    /// (GetLicenseAllowedActivations).
    pub fn allowed_activations(&self) -> Result<Option<u64>> {
        Ok(u64::try_from(getters::allowed(false)?).ok())
    }

    /// How many activations the license has (GetLicenseTotalActivations).
    pub fn total_activations(&self) -> Result<u32> {
        Ok(getters::total(false)?)
    }

    /// A license metadata value; the key matches case-insensitively
    /// (GetLicenseMetadata; [`Status::MetadataKeyNotFound`] when absent).
    pub fn metadata(&self, key: &str) -> Result<String> {
        Ok(getters::license_metadata(key)?)
    }

    /// An activation metadata value (GetActivationMetadata).
    pub fn activation_metadata(&self, key: &str) -> Result<String> {
        Ok(getters::activation_metadata(key)?)
    }

    /// A product metadata value (GetProductMetadata).
    pub fn product_metadata(&self, key: &str) -> Result<String> {
        Ok(getters::product_metadata(key)?)
    }

    /// Every feature entitlement of the license (GetFeatureEntitlements).
    pub fn feature_entitlements(&self) -> Result<Vec<FeatureEntitlement>> {
        Ok(getters::feature_entitlements()?)
    }

    /// One feature entitlement by name, case-insensitively
    /// (GetFeatureEntitlement; [`Status::FeatureEntitlementNotFound`] when absent).
    pub fn feature_entitlement(&self, name: &str) -> Result<FeatureEntitlement> {
        Ok(getters::feature_entitlement(name)?)
    }

    /// The linked entitlement set's name (GetLicenseEntitlementSetName;
    /// [`Status::EntitlementSetNotLinked`] when none).
    pub fn entitlement_set_name(&self) -> Result<String> {
        Ok(getters::entitlement_set_text(false)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_map_to_validity_and_the_rest_to_errors() {
        assert_eq!(Validity::from_result(Ok(Status::Ok)), Ok(Validity::Genuine));
        assert_eq!(
            Validity::from_result(Ok(Status::Expired)),
            Ok(Validity::Expired)
        );
        assert_eq!(
            Validity::from_result(Ok(Status::Suspended)),
            Ok(Validity::Suspended)
        );
        assert_eq!(
            Validity::from_result(Ok(Status::GracePeriodOver)),
            Ok(Validity::GracePeriodOver)
        );
        // A result that is not about validity is not hidden as "genuine".
        assert_eq!(
            Validity::from_result(Ok(Status::TrialExpired)),
            Err(Error(Status::TrialExpired))
        );
        assert_eq!(
            Validity::from_result(Err(Status::Revoked)),
            Err(Error(Status::Revoked))
        );
    }

    #[test]
    fn errors_name_their_status() {
        let e = Error::from(Status::ActivationLimit);
        assert_eq!(e.status(), Status::ActivationLimit);
        assert_eq!(e.to_string(), "LA_E_ACTIVATION_LIMIT (58)");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), "LA_E_ACTIVATION_LIMIT (58)");
    }

    #[test]
    fn dates_are_times_and_zero_is_none() {
        assert_eq!(time(0), None);
        assert_eq!(
            time(1_700_000_000),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(
            time(u32::MAX),
            Some(UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX)))
        );
    }

    #[test]
    fn storage_flags_are_the_c_values() {
        use crate::store::location::PermissionFlag;
        for (s, f) in [
            (Storage::User, PermissionFlag::User),
            (Storage::System, PermissionFlag::System),
            (Storage::AllUsers, PermissionFlag::AllUsers),
            (Storage::InMemory, PermissionFlag::InMemory),
        ] {
            assert_eq!(PermissionFlag::from_u32(s.flag()), Some(f));
        }
    }
}
