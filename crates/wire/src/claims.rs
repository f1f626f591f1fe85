//! Token claims: the one place that names every claim the server issues and
//! the library reads (documented for humans in docs/WIRE.md).
//!
//! The vendor's short claim names are kept (`aid`, `lid`, `pid`, `key`, `fp`,
//! ...). Claims the vendor does not name publicly have clear camelCase names.
//! Every field defaults when missing or null, so tokens from the vendor's
//! service, which carry only its own claims, parse too.

use serde::{Deserialize, Deserializer, Serialize};

/// Deserializes `null` as the type's default (serde's `default` covers only a
/// missing field).
fn nd<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A `{key, value}` metadata entry (`pmd`, `lmd`, `umd`, `amd`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Key, matched case-insensitively by the getters.
    #[serde(default, deserialize_with = "nd")]
    pub key: String,
    /// Value.
    #[serde(default, deserialize_with = "nd")]
    pub value: String,
}

/// A license meter attribute (`lma`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseMeterAttribute {
    /// Attribute name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Allowed uses; -1 means unlimited.
    #[serde(default, deserialize_with = "nd")]
    pub allowed_uses: i64,
    /// Current uses over all activations.
    #[serde(default, deserialize_with = "nd")]
    pub total_uses: u64,
    /// Lifetime uses, never decremented.
    #[serde(default, deserialize_with = "nd")]
    pub gross_uses: u64,
}

/// An activation meter attribute (`ama`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationMeterAttribute {
    /// Attribute name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Uses recorded by this activation.
    #[serde(default, deserialize_with = "nd")]
    pub uses: u64,
}

/// Organization address (`oa`), field names as the vendor's `OrganizationAddress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationAddress {
    /// First address line.
    #[serde(default, deserialize_with = "nd")]
    pub address_line1: String,
    /// Second address line.
    #[serde(default, deserialize_with = "nd")]
    pub address_line2: String,
    /// City.
    #[serde(default, deserialize_with = "nd")]
    pub city: String,
    /// State or region.
    #[serde(default, deserialize_with = "nd")]
    pub state: String,
    /// Country.
    #[serde(default, deserialize_with = "nd")]
    pub country: String,
    /// Postal code.
    #[serde(default, deserialize_with = "nd")]
    pub postal_code: String,
}

/// A feature entitlement, shaped as the vendor's JSON form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureEntitlement {
    /// Feature name (matched case-insensitively).
    #[serde(default, deserialize_with = "nd")]
    pub feature_name: String,
    /// Display name.
    #[serde(default, deserialize_with = "nd")]
    pub feature_display_name: String,
    /// Effective value (a license-level value overrides the set's).
    #[serde(default, deserialize_with = "nd")]
    pub value: String,
    /// The entitlement set's value, empty when not inherited.
    #[serde(default, deserialize_with = "nd")]
    pub base_value: String,
    /// Expiry (unix seconds), 0 = none.
    #[serde(default, deserialize_with = "nd")]
    pub expires_at: i64,
}

/// The entitlement set linked to a license.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementSet {
    /// Name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Display name.
    #[serde(default, deserialize_with = "nd")]
    pub display_name: String,
    /// Tier.
    #[serde(default, deserialize_with = "nd")]
    pub tier: i64,
}

/// A product-version feature flag (deprecated vendor API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureFlag {
    /// Flag name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Whether the flag is on.
    #[serde(default, deserialize_with = "nd")]
    pub enabled: bool,
    /// Free-form data.
    #[serde(default, deserialize_with = "nd")]
    pub data: String,
}

/// The product version linked to a license (deprecated vendor API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductVersion {
    /// Name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// Display name.
    #[serde(default, deserialize_with = "nd")]
    pub display_name: String,
    /// Feature flags.
    #[serde(default, deserialize_with = "nd")]
    pub feature_flags: Vec<FeatureFlag>,
}

/// Initial and current activation mode, `online` or `offline`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationMode {
    /// Mode of the first activation.
    #[serde(default, deserialize_with = "nd")]
    pub initial: String,
    /// Mode of the latest activation.
    #[serde(default, deserialize_with = "nd")]
    pub current: String,
}

/// Claims of an activation token (`{"activationToken": JWT}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationClaims {
    // ---- the vendor's claim names ----
    /// Activation id, the `{id}` of PATCH and deactivate.
    #[serde(default, deserialize_with = "nd")]
    pub aid: String,
    /// License id.
    #[serde(default, deserialize_with = "nd")]
    pub lid: String,
    /// Product id; must equal the app's.
    #[serde(default, deserialize_with = "nd")]
    pub pid: String,
    /// License key; must equal the key that was set.
    #[serde(default, deserialize_with = "nd")]
    pub key: String,
    /// Fingerprint recorded at activation.
    #[serde(default, deserialize_with = "nd")]
    pub fp: String,
    /// Fingerprint matching strategy: `exact`, `fuzzy`, `loose`.
    #[serde(default, deserialize_with = "nd")]
    pub fms: String,
    /// Issued at (server time, unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub iat: i64,
    /// License expires at (unix seconds); 0 = never.
    #[serde(default, deserialize_with = "nd")]
    pub eat: i64,
    /// Server sync interval (seconds); 0 = no background sync.
    #[serde(default, deserialize_with = "nd")]
    pub ssi: i64,
    /// Server-sync grace period expires at (unix seconds); 0 = unlimited.
    #[serde(default, deserialize_with = "nd")]
    pub ssgpeat: i64,
    /// Allowed clock offset (seconds); -1 disables the check.
    #[serde(default, deserialize_with = "nd")]
    pub aco: i64,
    /// Lease expires at (unix seconds); 0 = none.
    #[serde(default, deserialize_with = "nd")]
    pub leat: i64,
    /// Lease duration (seconds).
    #[serde(default, deserialize_with = "nd")]
    pub ld: i64,
    /// Leasing strategy: `per-machine` or `per-instance`.
    #[serde(default, deserialize_with = "nd")]
    pub ls: String,
    /// Allowed floating clients.
    #[serde(default, deserialize_with = "nd")]
    pub fc: i64,
    /// Offline response validity (unix seconds the response may be used until); 0 = online.
    #[serde(default, deserialize_with = "nd")]
    pub orv: i64,
    /// License type: `node-locked` or `hosted-floating`.
    #[serde(default, deserialize_with = "nd")]
    pub r#type: String,
    /// License suspended.
    #[serde(default, deserialize_with = "nd")]
    pub suspended: bool,
    /// License user name.
    #[serde(default, deserialize_with = "nd")]
    pub name: String,
    /// License user email.
    #[serde(default, deserialize_with = "nd")]
    pub email: String,
    /// License user company.
    #[serde(default, deserialize_with = "nd")]
    pub company: String,
    /// Product metadata.
    #[serde(default, deserialize_with = "nd")]
    pub pmd: Vec<Metadata>,
    /// License metadata.
    #[serde(default, deserialize_with = "nd")]
    pub lmd: Vec<Metadata>,
    /// License user metadata.
    #[serde(default, deserialize_with = "nd")]
    pub umd: Vec<Metadata>,
    /// Activation metadata.
    #[serde(default, deserialize_with = "nd")]
    pub amd: Vec<Metadata>,
    /// License meter attributes.
    #[serde(default, deserialize_with = "nd")]
    pub lma: Vec<LicenseMeterAttribute>,
    /// Activation meter attributes.
    #[serde(default, deserialize_with = "nd")]
    pub ama: Vec<ActivationMeterAttribute>,
    /// License created at (unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub lcat: i64,
    /// License first activated at (unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub laat: i64,
    /// Organization name.
    #[serde(default, deserialize_with = "nd")]
    pub on: String,
    /// Organization address.
    #[serde(default, deserialize_with = "nd")]
    pub oa: Option<OrganizationAddress>,
    /// OS of the activation.
    #[serde(default, deserialize_with = "nd")]
    pub os: String,

    // ---- OpenLex claims (optional; absent from the vendor's tokens) ----
    /// Allowed activations; -1 = unlimited.
    #[serde(default, deserialize_with = "nd")]
    pub allowed_activations: i64,
    /// Allowed deactivations; -1 = unlimited.
    #[serde(default, deserialize_with = "nd")]
    pub allowed_deactivations: i64,
    /// Activations in use.
    #[serde(default, deserialize_with = "nd")]
    pub total_activations: u32,
    /// Deactivations used.
    #[serde(default, deserialize_with = "nd")]
    pub total_deactivations: u32,
    /// Maintenance expires at (unix seconds); 0 = none.
    #[serde(default, deserialize_with = "nd")]
    pub maintenance_expires_at: i64,
    /// Highest release version the license allows; empty = any.
    #[serde(default, deserialize_with = "nd")]
    pub max_allowed_release_version: String,
    /// Linked entitlement set.
    #[serde(default, deserialize_with = "nd")]
    pub entitlement_set: Option<EntitlementSet>,
    /// Effective feature entitlements.
    #[serde(default, deserialize_with = "nd")]
    pub feature_entitlements: Vec<FeatureEntitlement>,
    /// Linked product version (deprecated vendor API).
    #[serde(default, deserialize_with = "nd")]
    pub product_version: Option<ProductVersion>,
    /// Activation created at (unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub activation_created_at: i64,
    /// Last successful sync (unix seconds); starts at creation.
    #[serde(default, deserialize_with = "nd")]
    pub last_synced_at: i64,
    /// Initial and current activation mode.
    #[serde(default, deserialize_with = "nd")]
    pub activation_mode: Option<ActivationMode>,
    /// License locked to the OS user that activated it.
    #[serde(default, deserialize_with = "nd")]
    pub user_locked: bool,
    /// The userHash the activation was made with (checked when user-locked).
    #[serde(default, deserialize_with = "nd")]
    pub user_hash: String,
}

/// Claims of a verified-trial token (`{"trialActivationToken": JWT}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialClaims {
    /// Trial activation id (`tid`; `aid` is accepted too).
    #[serde(default, deserialize_with = "nd", alias = "aid")]
    pub tid: String,
    /// Product id.
    #[serde(default, deserialize_with = "nd")]
    pub pid: String,
    /// Fingerprint recorded at trial activation.
    #[serde(default, deserialize_with = "nd")]
    pub fp: String,
    /// Fingerprint matching strategy.
    #[serde(default, deserialize_with = "nd")]
    pub fms: String,
    /// Issued at (unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub iat: i64,
    /// Trial expires at (unix seconds).
    #[serde(default, deserialize_with = "nd")]
    pub eat: i64,
    /// Allowed clock offset (seconds); -1 disables the check.
    #[serde(default, deserialize_with = "nd")]
    pub aco: i64,
    /// Product metadata.
    #[serde(default, deserialize_with = "nd")]
    pub pmd: Vec<Metadata>,
    /// Trial activation metadata.
    #[serde(default, deserialize_with = "nd")]
    pub amd: Vec<Metadata>,
    /// Offline response validity (unix seconds); 0 = online.
    #[serde(default, deserialize_with = "nd")]
    pub orv: i64,
    /// Initial and current activation mode.
    #[serde(default, deserialize_with = "nd")]
    pub activation_mode: Option<ActivationMode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_only_token_parses() {
        let c: ActivationClaims = serde_json::from_str(
            r#"{"aid":"a","lid":"l","pid":"p","key":"K","fp":"f","fms":"fuzzy","iat":1,"eat":0,
                "ssi":3600,"ssgpeat":0,"aco":300,"leat":0,"ld":0,"ls":null,"type":"node-locked",
                "suspended":false,"oa":null,"lma":[{"name":"m","allowedUses":5,"totalUses":1}],
                "unknownFutureClaim":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(c.aid, "a");
        assert_eq!(c.ls, "");
        assert_eq!(c.lma[0].gross_uses, 0);
        assert_eq!(c.allowed_activations, 0);
        assert!(c.entitlement_set.is_none());
    }

    #[test]
    fn openlex_claims_round_trip() {
        let c = ActivationClaims {
            aid: "a".into(),
            allowed_activations: -1,
            entitlement_set: Some(EntitlementSet {
                name: "pro".into(),
                display_name: "Pro".into(),
                tier: 2,
            }),
            ..Default::default()
        };
        let s = serde_json::to_string(&c).unwrap();
        assert!(s.contains(r#""allowedActivations":-1"#));
        assert!(s.contains(r#""type":"""#));
        let back: ActivationClaims = serde_json::from_str(&s).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn trial_accepts_aid_alias() {
        let t: TrialClaims = serde_json::from_str(r#"{"aid":"t1","eat":5}"#).unwrap();
        assert_eq!(t.tid, "t1");
    }
}
