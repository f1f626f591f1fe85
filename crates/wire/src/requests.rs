//! Request and response bodies of the client endpoints.
//!
//! Field order follows the bodies captured from LexActivator 3.46.0
//! (reference wire.md §3), so our library sends byte-for-byte the same shape.
//! Deserialising is lenient (unknown fields ignored, nulls as defaults) because
//! the server must accept what the vendor's library sends.

use serde::{Deserialize, Deserializer, Serialize};

use crate::claims::Metadata;

fn nd<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A meter attribute delta in an activation body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterAttributeUses {
    /// Attribute name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Change in uses (may be negative).
    #[serde(default, deserialize_with = "nd")]
    pub uses_increment: i64,
}

/// `POST /v3/activations` and `PATCH /v3/activations/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationRequest {
    /// Account id from the product data; `""` when unknown.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
    /// `windows`, `linux`, `macos`, `android`, `ios`.
    #[serde(default, deserialize_with = "nd")]
    pub os: String,
    /// OS version (on Linux the os-release pretty name).
    #[serde(default, deserialize_with = "nd")]
    pub os_version: String,
    /// License key.
    #[serde(default, deserialize_with = "nd")]
    pub key: String,
    /// Always false from the library.
    #[serde(default, deserialize_with = "nd")]
    pub floating: bool,
    /// Device fingerprint (see [`crate::fingerprint`]) or a custom fingerprint.
    #[serde(default, deserialize_with = "nd")]
    pub fingerprint: String,
    /// 64 upper-case hex characters identifying the OS user.
    #[serde(default, deserialize_with = "nd")]
    pub user_hash: String,
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub product_id: String,
    /// Hypervisor name, `""` when not a VM.
    #[serde(default, deserialize_with = "nd")]
    pub vm_name: String,
    /// Running inside a container.
    #[serde(default, deserialize_with = "nd")]
    pub container: bool,
    /// App version (deprecated SetAppVersion).
    #[serde(default, deserialize_with = "nd")]
    pub app_version: String,
    /// Release version.
    #[serde(default, deserialize_with = "nd")]
    pub release_version: String,
    /// Release platform.
    #[serde(default, deserialize_with = "nd")]
    pub release_platform: String,
    /// Release channel.
    #[serde(default, deserialize_with = "nd")]
    pub release_channel: String,
    /// Host name.
    #[serde(default, deserialize_with = "nd")]
    pub hostname: String,
    /// Client library version.
    #[serde(default, deserialize_with = "nd")]
    pub client_version: String,
    /// Requested lease duration (seconds); 0 or -1 = server default / unlimited.
    #[serde(default, deserialize_with = "nd")]
    pub lease_duration: i64,
    /// Deprecated SetLicenseUserCredential email.
    #[serde(default, deserialize_with = "nd")]
    pub email: String,
    /// Deprecated SetLicenseUserCredential password.
    #[serde(default, deserialize_with = "nd")]
    pub password: String,
    /// Activation metadata.
    #[serde(default, deserialize_with = "nd")]
    pub metadata: Vec<Metadata>,
    /// Meter attribute deltas.
    #[serde(default, deserialize_with = "nd")]
    pub meter_attributes: Vec<MeterAttributeUses>,
    /// Device-key binding (not used; always null).
    #[serde(default)]
    pub device_key_protection_method: Option<String>,
    /// Device-key binding (not used; always null).
    #[serde(default)]
    pub device_key_algorithm: Option<String>,
    /// Device-key binding (not used; always null).
    #[serde(default)]
    pub device_public_key: Option<String>,
    /// Release published date (unix seconds) from SetReleasePublishedDate; omitted when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_published_at: Option<i64>,
}

/// `POST /v3/trial-activations` and `PATCH /v3/trial-activations/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialActivationRequest {
    /// Account id.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
    /// OS name.
    #[serde(default, deserialize_with = "nd")]
    pub os: String,
    /// OS version.
    #[serde(default, deserialize_with = "nd")]
    pub os_version: String,
    /// Device fingerprint.
    #[serde(default, deserialize_with = "nd")]
    pub fingerprint: String,
    /// OS user hash.
    #[serde(default, deserialize_with = "nd")]
    pub user_hash: String,
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub product_id: String,
    /// Hypervisor name.
    #[serde(default, deserialize_with = "nd")]
    pub vm_name: String,
    /// Running inside a container.
    #[serde(default, deserialize_with = "nd")]
    pub container: bool,
    /// App version.
    #[serde(default, deserialize_with = "nd")]
    pub app_version: String,
    /// Client library version.
    #[serde(default, deserialize_with = "nd")]
    pub client_version: String,
    /// Host name.
    #[serde(default, deserialize_with = "nd")]
    pub hostname: String,
    /// Release version.
    #[serde(default, deserialize_with = "nd")]
    pub release_version: String,
    /// Release platform.
    #[serde(default, deserialize_with = "nd")]
    pub release_platform: String,
    /// Release channel.
    #[serde(default, deserialize_with = "nd")]
    pub release_channel: String,
    /// Trial activation metadata.
    #[serde(default, deserialize_with = "nd")]
    pub metadata: Vec<Metadata>,
}

/// `POST /v3/activations/{id}/deactivate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeactivationRequest {
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub product_id: String,
    /// Account id.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
    /// Device fingerprint.
    #[serde(default, deserialize_with = "nd")]
    pub fingerprint: String,
    /// OS user hash.
    #[serde(default, deserialize_with = "nd")]
    pub user_hash: String,
    /// OS name.
    #[serde(default, deserialize_with = "nd")]
    pub os: String,
}

/// `POST /v3/activations/meter-attributes/{name}`: OpenLex reads the path
/// segment as the meter attribute name (the vendor's meaning is not public).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterAttributeRequest {
    /// Change in uses; a reset is sent as minus the current uses.
    #[serde(default, deserialize_with = "nd")]
    pub increment: i64,
    /// Activation id.
    #[serde(default, deserialize_with = "nd")]
    pub activation_id: String,
    /// Account id.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub product_id: String,
    /// Device fingerprint (OpenLex extension; checked when present).
    #[serde(default, deserialize_with = "nd")]
    pub fingerprint: String,
}

/// Response of the meter attribute endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterAttributeResponse {
    /// Attribute name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// This activation's uses after the change.
    #[serde(default, deserialize_with = "nd")]
    pub uses: u64,
    /// License allowed uses (-1 unlimited).
    #[serde(default, deserialize_with = "nd")]
    pub license_allowed_uses: i64,
    /// License total uses.
    #[serde(default, deserialize_with = "nd")]
    pub license_total_uses: u64,
    /// License gross uses.
    #[serde(default, deserialize_with = "nd")]
    pub license_gross_uses: u64,
    /// OpenLex extension: a fresh activation token reflecting the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_token: Option<String>,
}

/// `POST /v3/accounts/login`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// User email.
    #[serde(default, deserialize_with = "nd")]
    pub email: String,
    /// Password.
    #[serde(default, deserialize_with = "nd")]
    pub password: String,
    /// Account id.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
    /// Six-digit two-factor code, when the account needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_code: Option<String>,
}

/// `POST /v3/accounts/login-oidc`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcLoginRequest {
    /// OIDC id token.
    #[serde(default, deserialize_with = "nd")]
    pub id_token: String,
    /// Account id.
    #[serde(default, deserialize_with = "nd")]
    pub account_id: String,
}

/// `{"accessToken"}` from the login endpoints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// Bearer token for `/v3/me/...`.
    #[serde(default, deserialize_with = "nd")]
    pub access_token: String,
}

/// `{"activationToken"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationResponse {
    /// The signed activation token.
    #[serde(default, deserialize_with = "nd")]
    pub activation_token: String,
}

/// `{"trialActivationToken"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialActivationResponse {
    /// The signed trial token.
    #[serde(default, deserialize_with = "nd")]
    pub trial_activation_token: String,
}

/// One license of the authenticated user (`GET /v3/me/licenses`), shaped as
/// the vendor's `UserLicense` JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLicense {
    /// Allowed activations (-1 unlimited).
    #[serde(default, deserialize_with = "nd")]
    pub allowed_activations: i64,
    /// Allowed deactivations (-1 unlimited).
    #[serde(default, deserialize_with = "nd")]
    pub allowed_deactivations: i64,
    /// License key.
    #[serde(default, deserialize_with = "nd")]
    pub key: String,
    /// Activations in use.
    #[serde(default, deserialize_with = "nd")]
    pub total_activations: u32,
    /// Deactivations used.
    #[serde(default, deserialize_with = "nd")]
    pub total_deactivations: u32,
    /// License type.
    #[serde(default, deserialize_with = "nd")]
    pub r#type: String,
    /// License metadata.
    #[serde(default, deserialize_with = "nd")]
    pub metadata: Vec<Metadata>,
}

/// `{key, type}` from `GET /v3/licenses/lookup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseLookup {
    /// License key.
    #[serde(default, deserialize_with = "nd")]
    pub key: String,
    /// License type.
    #[serde(default, deserialize_with = "nd")]
    pub r#type: String,
}

/// A release file in the release JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseFile {
    /// Size in bytes.
    #[serde(default, deserialize_with = "nd")]
    pub size: i32,
    /// Download count.
    #[serde(default, deserialize_with = "nd")]
    pub downloads: i32,
    /// Download needs a license key.
    #[serde(default, deserialize_with = "nd")]
    pub secured: bool,
    /// File id.
    #[serde(default, deserialize_with = "nd")]
    pub id: String,
    /// File name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Download URL.
    #[serde(default, deserialize_with = "nd")]
    pub url: String,
    /// File extension.
    #[serde(default, deserialize_with = "nd")]
    pub extension: String,
    /// Checksum.
    #[serde(default, deserialize_with = "nd")]
    pub checksum: String,
    /// Owning release id.
    #[serde(default, deserialize_with = "nd")]
    pub release_id: String,
    /// Created at (ISO 8601).
    #[serde(default, deserialize_with = "nd")]
    pub created_at: String,
    /// Updated at (ISO 8601).
    #[serde(default, deserialize_with = "nd")]
    pub updated_at: String,
}

/// A release as `GET /v3/releases/update` returns it and the release callback receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// Number of files.
    #[serde(default, deserialize_with = "nd")]
    pub total_files: i32,
    /// Private release.
    #[serde(default, deserialize_with = "nd")]
    pub is_private: bool,
    /// Published.
    #[serde(default, deserialize_with = "nd")]
    pub published: bool,
    /// Release id.
    #[serde(default, deserialize_with = "nd")]
    pub id: String,
    /// Created at (ISO 8601).
    #[serde(default, deserialize_with = "nd")]
    pub created_at: String,
    /// Updated at (ISO 8601).
    #[serde(default, deserialize_with = "nd")]
    pub updated_at: String,
    /// Name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Channel.
    #[serde(default, deserialize_with = "nd")]
    pub channel: String,
    /// Version.
    #[serde(default, deserialize_with = "nd")]
    pub version: String,
    /// Release notes.
    #[serde(default, deserialize_with = "nd")]
    pub notes: String,
    /// Published at (ISO 8601).
    #[serde(default, deserialize_with = "nd")]
    pub published_at: String,
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub product_id: String,
    /// Platforms.
    #[serde(default, deserialize_with = "nd")]
    pub platforms: Vec<String>,
    /// Files.
    #[serde(default, deserialize_with = "nd")]
    pub files: Vec<ReleaseFile>,
}

/// The field names of the activation body captured from LexActivator 3.46.0,
/// in order. A test holds [`ActivationRequest`] to exactly this set.
pub const VENDOR_ACTIVATION_FIELDS: &[&str] = &[
    "accountId",
    "os",
    "osVersion",
    "key",
    "floating",
    "fingerprint",
    "userHash",
    "productId",
    "vmName",
    "container",
    "appVersion",
    "releaseVersion",
    "releasePlatform",
    "releaseChannel",
    "hostname",
    "clientVersion",
    "leaseDuration",
    "email",
    "password",
    "metadata",
    "meterAttributes",
    "deviceKeyProtectionMethod",
    "deviceKeyAlgorithm",
    "devicePublicKey",
];

/// The field names of the trial body captured from LexActivator 3.46.0, in order.
pub const VENDOR_TRIAL_FIELDS: &[&str] = &[
    "accountId",
    "os",
    "osVersion",
    "fingerprint",
    "userHash",
    "productId",
    "vmName",
    "container",
    "appVersion",
    "clientVersion",
    "hostname",
    "releaseVersion",
    "releasePlatform",
    "releaseChannel",
    "metadata",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &serde_json::Value) -> Vec<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn activation_body_has_the_vendor_field_set_in_order() {
        let s = serde_json::to_string(&ActivationRequest::default()).unwrap();
        // serde_json preserves struct order when serialising to a string
        let order: Vec<&str> = VENDOR_ACTIVATION_FIELDS.to_vec();
        let mut pos = 0;
        for f in &order {
            let at = s
                .find(&format!("\"{f}\":"))
                .unwrap_or_else(|| panic!("{f} missing"));
            assert!(at >= pos, "{f} out of order");
            pos = at;
        }
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let mut k = keys(&v);
        k.sort();
        let mut want: Vec<String> = order.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(k, want);
    }

    #[test]
    fn trial_body_has_the_vendor_field_set() {
        let v = serde_json::to_value(TrialActivationRequest::default()).unwrap();
        let mut k = keys(&v);
        k.sort();
        let mut want: Vec<String> = VENDOR_TRIAL_FIELDS.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(k, want);
    }

    #[test]
    fn captured_vendor_body_parses() {
        let body = r#"{"accountId":"","os":"linux","osVersion":"Debian GNU/Linux 12 (bookworm)","key":"K","floating":false,"fingerprint":"f","userHash":"AB","productId":"p","vmName":"","container":true,"appVersion":"1.0.0","releaseVersion":"","releasePlatform":"","releaseChannel":"","hostname":"h","clientVersion":"3.46.0","leaseDuration":0,"email":"","password":"","metadata":[{"key":"k1","value":"v1"}],"meterAttributes":[],"deviceKeyProtectionMethod":null,"deviceKeyAlgorithm":null,"devicePublicKey":null}"#;
        let r: ActivationRequest = serde_json::from_str(body).unwrap();
        assert!(r.container);
        assert_eq!(r.metadata[0].value, "v1");
        let r: ActivationRequest = serde_json::from_str(r#"{"accountId":null,"extra":1}"#).unwrap();
        assert_eq!(r.account_id, "");
    }
}
