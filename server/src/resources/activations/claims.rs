//! Token claims of an activation: what the signed activation token says
//! about the license, the device and its user, built from the records.

use openlex_wire::claims::{self, ActivationClaims, FeatureEntitlement};

use super::{store, Activation};
use crate::error::ApiResult;
use crate::policy::{effective_expiry, grace_expiry};
use crate::resources::entitlement_sets::EntitlementSetRec;
use crate::resources::licenses::License;
use crate::resources::products::Product;
use crate::resources::users::User;
use crate::store::Tx;

/// Loads what a token needs besides the product, license and activation
/// (the license's user and entitlement set, the seats in use), and builds
/// the claims.
pub fn load_and_build(
    tx: &mut dyn Tx,
    product: &Product,
    license: &License,
    activation: &Activation,
    now: i64,
) -> ApiResult<ActivationClaims> {
    load_and_build_with_seats(tx, product, license, activation, now, None)
}

/// [`load_and_build`] with the license's seats in use when the caller
/// already knows them (a new activation: the count it checked, plus one),
/// saving a query.
pub fn load_and_build_with_seats(
    tx: &mut dyn Tx,
    product: &Product,
    license: &License,
    activation: &Activation,
    now: i64,
    seats: Option<i64>,
) -> ApiResult<ActivationClaims> {
    let user: Option<User> = if license.user_id.is_empty() {
        None
    } else {
        tx.load(&license.user_id)?
    };
    let set: Option<EntitlementSetRec> = if license.entitlement_set_id.is_empty() {
        None
    } else {
        tx.load(&license.entitlement_set_id)?
    };
    let seats = match seats {
        Some(n) => n,
        None => store::count_seats(tx, &license.id, now)?,
    };
    Ok(build_claims(&TokenContext {
        product,
        license,
        activation,
        user: user.as_ref(),
        set: set.as_ref(),
        seats,
        now,
    }))
}

/// Effective feature entitlements: the set's features, overridden by
/// license-level values of the same name (case-insensitive), plus
/// license-only features. `baseValue` is the set's value, empty when the
/// feature does not come from the set.
pub fn feature_entitlements(
    set: Option<&EntitlementSetRec>,
    l: &License,
) -> Vec<FeatureEntitlement> {
    let mut out: Vec<FeatureEntitlement> = set
        .map(|s| {
            s.features
                .iter()
                .map(|f| FeatureEntitlement {
                    feature_name: f.feature_name.clone(),
                    feature_display_name: f.feature_display_name.clone(),
                    value: f.value.clone(),
                    base_value: f.value.clone(),
                    expires_at: f.expires_at,
                })
                .collect()
        })
        .unwrap_or_default();
    for lf in &l.feature_entitlements {
        match out
            .iter_mut()
            .find(|f| f.feature_name.eq_ignore_ascii_case(&lf.feature_name))
        {
            Some(f) => {
                f.value = lf.value.clone();
                if lf.expires_at != 0 {
                    f.expires_at = lf.expires_at;
                }
            }
            None => out.push(FeatureEntitlement {
                feature_name: lf.feature_name.clone(),
                feature_display_name: if lf.feature_display_name.is_empty() {
                    lf.feature_name.clone()
                } else {
                    lf.feature_display_name.clone()
                },
                value: lf.value.clone(),
                base_value: String::new(),
                expires_at: lf.expires_at,
            }),
        }
    }
    out
}

/// Everything a token is built from.
pub struct TokenContext<'a> {
    /// The product.
    pub product: &'a Product,
    /// The license.
    pub license: &'a License,
    /// The activation.
    pub activation: &'a Activation,
    /// The license's user, if assigned.
    pub user: Option<&'a User>,
    /// The linked entitlement set, if any.
    pub set: Option<&'a EntitlementSetRec>,
    /// Seats in use.
    pub seats: i64,
    /// Issue time.
    pub now: i64,
}

/// Builds the activation token claims.
pub fn build_claims(c: &TokenContext<'_>) -> ActivationClaims {
    let (l, a) = (c.license, c.activation);
    ActivationClaims {
        aid: a.id.clone(),
        lid: l.id.clone(),
        pid: l.product_id.clone(),
        key: l.key.clone(),
        fp: a.fingerprint.clone(),
        fms: l.fingerprint_matching_strategy.as_str().to_owned(),
        iat: c.now,
        eat: effective_expiry(l, a),
        ssi: l.server_sync_interval.max(0),
        ssgpeat: grace_expiry(l, c.now),
        aco: l.allowed_clock_offset,
        leat: a.lease_expires_at,
        ld: a.lease_duration,
        ls: if l.is_floating() {
            l.leasing_strategy.as_str().to_owned()
        } else {
            String::new()
        },
        fc: if l.is_floating() {
            l.allowed_activations
        } else {
            0
        },
        orv: 0,
        r#type: l.r#type.as_str().to_owned(),
        suspended: l.suspended,
        name: c.user.map(|u| u.name.clone()).unwrap_or_default(),
        email: c.user.map(|u| u.email.clone()).unwrap_or_default(),
        company: c.user.map(|u| u.company.clone()).unwrap_or_default(),
        pmd: crate::metadata::visible(&c.product.metadata),
        lmd: l.wire_metadata(),
        umd: c
            .user
            .map(|u| crate::metadata::visible(&u.metadata))
            .unwrap_or_default(),
        amd: a.metadata.clone(),
        lma: l
            .meter_attributes
            .iter()
            .map(|m| claims::LicenseMeterAttribute {
                name: m.name.clone(),
                allowed_uses: m.allowed_uses,
                total_uses: m.total_uses,
                gross_uses: m.gross_uses,
            })
            .collect(),
        ama: l
            .meter_attributes
            .iter()
            .map(|m| claims::ActivationMeterAttribute {
                name: m.name.clone(),
                uses: a
                    .meter_attributes
                    .iter()
                    .find(|x| x.name.eq_ignore_ascii_case(&m.name))
                    .map(|x| x.uses)
                    .unwrap_or(0),
            })
            .collect(),
        lcat: l.created_at,
        laat: l.activated_at,
        on: l.organization_name.clone(),
        oa: l.organization_address.clone(),
        os: a.os.clone(),
        allowed_activations: l.allowed_activations,
        allowed_deactivations: l.allowed_deactivations,
        total_activations: c.seats.max(0) as u32,
        total_deactivations: l.total_deactivations.max(0) as u32,
        maintenance_expires_at: l.maintenance_expires_at,
        max_allowed_release_version: l.max_allowed_release_version.clone(),
        entitlement_set: c.set.map(|s| claims::EntitlementSet {
            name: s.name.clone(),
            display_name: s.display_name.clone(),
            tier: s.tier,
        }),
        feature_entitlements: feature_entitlements(c.set, l),
        product_version: l.product_version.as_ref().map(|p| claims::ProductVersion {
            name: p.name.clone(),
            display_name: p.display_name.clone(),
            feature_flags: p.feature_flags.clone(),
        }),
        activation_created_at: a.created_at,
        last_synced_at: a.last_synced_at,
        activation_mode: a.activation_mode.clone(),
        user_locked: l.user_locked,
        user_hash: a.user_hash.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::entitlement_sets::SetFeature;
    use crate::resources::licenses::LicenseFeature;

    #[test]
    fn entitlements_override() {
        let set = EntitlementSetRec {
            features: vec![SetFeature {
                feature_name: "seats".into(),
                feature_display_name: "Seats".into(),
                value: "5".into(),
                expires_at: 0,
            }],
            ..Default::default()
        };
        let l = License {
            feature_entitlements: vec![
                LicenseFeature {
                    feature_name: "SEATS".into(),
                    value: "10".into(),
                    ..Default::default()
                },
                LicenseFeature {
                    feature_name: "extra".into(),
                    value: "on".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let fe = feature_entitlements(Some(&set), &l);
        assert_eq!(
            (fe[0].value.as_str(), fe[0].base_value.as_str()),
            ("10", "5")
        );
        assert_eq!(
            (fe[1].feature_name.as_str(), fe[1].base_value.as_str()),
            ("extra", "")
        );
    }
}
