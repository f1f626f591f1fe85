//! C types of `LexTypes.h`: string types, callbacks, flags and the structs of
//! the struct-based entry points, field for field as the vendor declares them.

#![allow(non_snake_case, non_camel_case_types)]

use std::os::raw::{c_int, c_void};

/// Character type of strings: `char` (UTF-8) on Unix, `wchar_t` (UTF-16) on Windows.
#[cfg(not(windows))]
pub type CHARTYPE = std::os::raw::c_char;
/// Character type of strings: `char` (UTF-8) on Unix, `wchar_t` (UTF-16) on Windows.
#[cfg(windows)]
pub type CHARTYPE = u16;
/// Input string.
pub type CSTRTYPE = *const CHARTYPE;
/// Output buffer.
pub type STRTYPE = *mut CHARTYPE;

/// Per-OS-user storage.
pub const LA_USER: u32 = 1;
/// Machine-wide storage; needs root or admin rights.
pub const LA_SYSTEM: u32 = 2;
/// System-wide storage for all users (Windows and macOS; per-user on Linux).
pub const LA_ALL_USERS: u32 = 3;
/// Nothing persisted; for floating / per-instance use.
pub const LA_IN_MEMORY: u32 = 4;
/// CheckReleaseUpdate: report every newer release.
pub const LA_RELEASES_ALL: u32 = 1;
/// CheckReleaseUpdate: report only releases the license allows.
pub const LA_RELEASES_ALLOWED: u32 = 2;

/// 256 characters.
pub const BUFFER_SIZE_256: usize = 256;
/// 1024 characters.
pub const BUFFER_SIZE_1024: usize = 1024;
/// 2048 characters.
pub const BUFFER_SIZE_2048: usize = 2048;
/// 4096 characters.
pub const BUFFER_SIZE_4096: usize = 4096;
/// Metadata entries in a UserLicense.
pub const MAX_METADATA_SIZE: usize = 100;
/// Platforms in a Release.
pub const MAX_RELEASE_PLATFORMS: usize = 10;
/// License keys (vendor constant).
pub const MAX_LICENSE_KEYS: usize = 100;
/// Files in a Release.
pub const MAX_RELEASE_FILES: usize = 10;
/// Feature entitlements (vendor constant).
pub const MAX_FEATURE_ENTITLEMENTS: usize = 200;

/// License status callback, called on a library thread after each server sync.
pub type CallbackType = Option<unsafe extern "C" fn(status: u32)>;
/// Release update callback (struct form); `release` is valid only during the call.
pub type ReleaseCallbackType =
    Option<unsafe extern "C" fn(status: c_int, release: *mut Release, userData: *mut c_void)>;
/// Release update callback (JSON form); `releaseJson` is valid only during the call.
pub type ReleaseCallbackTypeInternal =
    Option<unsafe extern "C" fn(status: c_int, releaseJson: CSTRTYPE, userData: *mut c_void)>;

/// A file of a release.
#[repr(C)]
pub struct ReleaseFile {
    /// Size in bytes.
    pub size: c_int,
    /// Download count.
    pub downloads: c_int,
    /// 1 when downloading needs a license key.
    pub secured: c_int,
    /// File id.
    pub id: [CHARTYPE; BUFFER_SIZE_256],
    /// File name.
    pub name: [CHARTYPE; BUFFER_SIZE_256],
    /// Download URL.
    pub url: [CHARTYPE; BUFFER_SIZE_2048],
    /// File extension.
    pub extension: [CHARTYPE; BUFFER_SIZE_256],
    /// Checksum.
    pub checksum: [CHARTYPE; BUFFER_SIZE_256],
    /// Release id.
    pub releaseId: [CHARTYPE; BUFFER_SIZE_256],
    /// Created at (ISO 8601).
    pub createdAt: [CHARTYPE; BUFFER_SIZE_256],
    /// Updated at (ISO 8601).
    pub updatedAt: [CHARTYPE; BUFFER_SIZE_256],
}

/// A release.
#[repr(C)]
pub struct Release {
    /// Number of files.
    pub totalFiles: c_int,
    /// 1 for a private release.
    pub isPrivate: c_int,
    /// 1 when published.
    pub published: c_int,
    /// Release id.
    pub id: [CHARTYPE; BUFFER_SIZE_256],
    /// Created at.
    pub createdAt: [CHARTYPE; BUFFER_SIZE_256],
    /// Updated at.
    pub updatedAt: [CHARTYPE; BUFFER_SIZE_256],
    /// Name.
    pub name: [CHARTYPE; BUFFER_SIZE_256],
    /// Channel.
    pub channel: [CHARTYPE; BUFFER_SIZE_256],
    /// Version.
    pub version: [CHARTYPE; BUFFER_SIZE_256],
    /// Release notes.
    pub notes: [CHARTYPE; BUFFER_SIZE_4096],
    /// Published at.
    pub publishedAt: [CHARTYPE; BUFFER_SIZE_256],
    /// Product id.
    pub productId: [CHARTYPE; BUFFER_SIZE_256],
    /// Platforms.
    pub platforms: [[CHARTYPE; BUFFER_SIZE_256]; MAX_RELEASE_PLATFORMS],
    /// Files.
    pub files: [ReleaseFile; MAX_RELEASE_FILES],
}

/// Organization address of a license.
#[repr(C)]
pub struct OrganizationAddress {
    /// First address line.
    pub addressLine1: [CHARTYPE; BUFFER_SIZE_256],
    /// Second address line.
    pub addressLine2: [CHARTYPE; BUFFER_SIZE_256],
    /// City.
    pub city: [CHARTYPE; BUFFER_SIZE_256],
    /// State.
    pub state: [CHARTYPE; BUFFER_SIZE_256],
    /// Country.
    pub country: [CHARTYPE; BUFFER_SIZE_256],
    /// Postal code.
    pub postalCode: [CHARTYPE; BUFFER_SIZE_256],
}

/// A feature entitlement.
#[repr(C)]
pub struct FeatureEntitlement {
    /// Feature name.
    pub featureName: [CHARTYPE; BUFFER_SIZE_256],
    /// Display name.
    pub featureDisplayName: [CHARTYPE; BUFFER_SIZE_256],
    /// Effective value.
    pub value: [CHARTYPE; BUFFER_SIZE_256],
    /// Value inherited from the entitlement set.
    pub baseValue: [CHARTYPE; BUFFER_SIZE_256],
    /// Expiry (unix seconds), 0 = none.
    pub expiresAt: i64,
}

/// A metadata entry.
#[repr(C)]
pub struct Metadata {
    /// Key.
    pub key: [CHARTYPE; BUFFER_SIZE_256],
    /// Value.
    pub value: [CHARTYPE; BUFFER_SIZE_4096],
}

/// A license of the authenticated user.
#[repr(C)]
pub struct UserLicense {
    /// Allowed activations (-1 unlimited).
    pub allowedActivations: i64,
    /// Allowed deactivations (-1 unlimited).
    pub allowedDeactivations: i64,
    /// License key.
    pub key: [CHARTYPE; BUFFER_SIZE_256],
    /// Activations in use.
    pub totalActivations: u32,
    /// Deactivations used.
    pub totalDeactivations: u32,
    /// License type.
    pub r#type: [CHARTYPE; BUFFER_SIZE_256],
    /// License metadata.
    pub metadata: [Metadata; MAX_METADATA_SIZE],
}

/// Where and how the library stores data.
#[repr(C)]
pub struct DataStoreInfo {
    /// `file` or `in-memory`.
    pub storageKind: [CHARTYPE; BUFFER_SIZE_256],
    /// `la-user`, `la-system`, `la-all-users` or `la-in-memory`.
    pub permissionFlag: [CHARTYPE; BUFFER_SIZE_256],
    /// 1 when set through SetDataDirectory.
    pub isCustomDataDirectory: u32,
    /// Directory of the product's data; empty in memory.
    pub path: [CHARTYPE; BUFFER_SIZE_1024],
}

/// Result of LookupLicense.
#[repr(C)]
pub struct LicenseLookupInfo {
    /// License key.
    pub key: [CHARTYPE; BUFFER_SIZE_256],
    /// License type.
    pub r#type: [CHARTYPE; BUFFER_SIZE_256],
}

#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn struct_layouts_match_the_vendor() {
        assert_eq!(size_of::<ReleaseFile>(), 3852);
        assert_eq!(size_of::<Release>(), 47236);
        assert_eq!(offset_of!(Release, files), 8716);
        assert_eq!(size_of::<OrganizationAddress>(), 1536);
        assert_eq!(size_of::<FeatureEntitlement>(), 1032);
        assert_eq!(offset_of!(FeatureEntitlement, expiresAt), 1024);
        assert_eq!(size_of::<Metadata>(), 4352);
        assert_eq!(size_of::<UserLicense>(), 435736);
        assert_eq!(size_of::<DataStoreInfo>(), 1540);
        assert_eq!(offset_of!(DataStoreInfo, isCustomDataDirectory), 512);
        assert_eq!(offset_of!(DataStoreInfo, path), 516);
        assert_eq!(size_of::<LicenseLookupInfo>(), 512);
    }
}
