//! The client's activation operations: activate, sync, deactivate, meter
//! attributes and feature entitlements. Each runs in one unit of work
//! (policy checks and writes are atomic) and signs its token after, outside
//! the database lock, so signing (the expensive part) runs in parallel.

use openlex_wire::claims::ActivationClaims;
use openlex_wire::requests::*;
use openlex_wire::ErrorCode;

use super::{claims, mode, store, Activation};
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::resources::entitlement_sets::EntitlementSetRec;
use crate::resources::licenses::{self, LeasingStrategy, License};
use crate::resources::products::Product;
use crate::resources::users::User;
use crate::signing::FeatureEntitlementsClaims;
use crate::store::Tx;

/// Offline issuing options.
#[derive(Debug, Clone, Default)]
pub struct OfflineOpts {
    /// The response may be used until this unix time (`orv`).
    pub orv: i64,
    /// The license the administrator meant (checked when set).
    pub license_id: Option<String>,
}

/// 404 ACTIVATION_NOT_FOUND.
pub fn not_found() -> ApiError {
    ApiError::new(ErrorCode::ActivationNotFound, "activation not found")
}

/// 404 INVALID_PRODUCT_ID.
pub fn invalid_product() -> ApiError {
    ApiError::new(ErrorCode::InvalidProductId, "invalid product id")
}

fn copy_request(a: &mut Activation, r: &ActivationRequest) {
    a.fingerprint = r.fingerprint.clone();
    a.os = r.os.to_ascii_lowercase();
    a.os_version = r.os_version.clone();
    a.hostname = r.hostname.clone();
    a.vm_name = r.vm_name.clone();
    a.container = r.container;
    a.app_version = r.app_version.clone();
    a.client_version = r.client_version.clone();
    a.release_version = r.release_version.clone();
    a.release_channel = r.release_channel.clone();
    a.release_platform = r.release_platform.clone();
    a.user_hash = r.user_hash.clone();
    a.metadata = r.metadata.clone();
}

/// An existing activation and its license (ACTIVATION_NOT_FOUND otherwise).
fn load_pair(tx: &mut dyn Tx, id: &str) -> ApiResult<(Activation, License)> {
    let act: Activation = tx.load(id)?.ok_or_else(not_found)?;
    let lic: License = tx.load(&act.license_id)?.ok_or_else(not_found)?;
    Ok((act, lic))
}

fn usable(lic: &License, req: &ActivationRequest, now: i64) -> ApiResult<()> {
    policy::check_license_usable(lic, &req.vm_name, req.container, &req.release_version, now)
}

fn authenticate(tx: &mut dyn Tx, lic: &License, req: &ActivationRequest) -> ApiResult<()> {
    if !lic.require_authentication {
        return Ok(());
    }
    let user: Option<User> = if lic.user_id.is_empty() {
        None
    } else {
        tx.load(&lic.user_id)?
    };
    let ok = user.is_some_and(|u| {
        u.email.eq_ignore_ascii_case(&req.email)
            && crate::passwords::verify_password(&req.password, &u.password_hash)
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::AuthenticationFailed,
            "license user authentication failed",
        ))
    }
}

/// `POST /v3/activations` (and offline activation): returns the token.
pub fn activate(
    app: &App,
    req: &ActivationRequest,
    offline: Option<&OfflineOpts>,
) -> ApiResult<String> {
    policy::validate_activation(req)?;
    let now = app.now();
    let check_and_save = |tx: &mut dyn Tx| {
        let product: Product = tx.load(&req.product_id)?.ok_or_else(invalid_product)?;
        let mut lic = licenses::store::by_key(tx, &req.key)?
            .filter(|l| l.product_id == product.id)
            .ok_or_else(licenses::invalid_key)?;
        if let Some(lid) = offline.and_then(|o| o.license_id.as_deref()) {
            if !lid.is_empty() && lid != lic.id {
                return Err(licenses::invalid_key());
            }
        }
        usable(&lic, req, now)?;
        authenticate(tx, &lic, req)?;
        store::delete_expired_leases(tx, &lic.id, now)?;
        let per_instance =
            lic.is_floating() && lic.leasing_strategy == LeasingStrategy::PerInstance;
        let mut existing: Option<Activation> = None;
        if !per_instance {
            let rule = lic.fingerprint_matching_strategy.rule();
            for id in store::matching(tx, &lic.id, &req.fingerprint, rule)? {
                if let Some(a) = tx.load::<Activation>(&id)? {
                    if !lic.user_locked || a.user_hash == req.user_hash {
                        existing = Some(a);
                        break;
                    }
                }
            }
        }
        let mut act = match existing {
            Some(a) => a,
            None => {
                let seats = store::count_seats(tx, &lic.id, now)?;
                if policy::limit_reached(lic.allowed_activations, seats) {
                    return Err(ApiError::new(
                        ErrorCode::ActivationLimitReached,
                        "the license has reached its allowed activations",
                    ));
                }
                Activation {
                    id: crate::ids::uuid(),
                    license_id: lic.id.clone(),
                    product_id: lic.product_id.clone(),
                    created_at: now,
                    ..Default::default()
                }
            }
        };
        copy_request(&mut act, req);
        act.lease_duration = policy::lease_duration(&lic, req.lease_duration);
        act.lease_expires_at = policy::lease_expiry(act.lease_duration, now);
        policy::start_expiry(&mut lic, &mut act, now);
        policy::apply_meters(&mut lic, &mut act, &req.meter_attributes)?;
        act.offline = offline.is_some();
        act.activation_mode = Some(mode(offline.is_some(), act.activation_mode.as_ref()));
        act.last_synced_at = now;
        act.updated_at = now;
        if lic.activated_at == 0 {
            lic.activated_at = now;
        }
        lic.last_used_at = now;
        tx.save(&act)?;
        tx.save(&lic)?;
        claims::load_and_build(tx, &product, &lic, &act, now)
    };
    let sign = |mut claims: ActivationClaims| {
        if let Some(o) = offline {
            // Offline activations cannot sync: no sync interval, no grace.
            claims.orv = o.orv;
            claims.ssi = 0;
            claims.ssgpeat = 0;
        }
        app.sign(&claims.pid.clone(), &claims)
    };
    // Signing overlaps the commit; the token is returned only once the
    // activation it describes is durable.
    app.store.write_then(check_and_save, sign)
}

/// `PATCH /v3/activations/{id}`: re-checks the license, renews the lease
/// and returns a fresh token.
pub fn sync(app: &App, id: &str, req: &ActivationRequest) -> ApiResult<String> {
    policy::validate_activation(req)?;
    let now = app.now();
    let check_and_save = |tx: &mut dyn Tx| {
        let (mut act, mut lic) = load_pair(tx, id)?;
        if req.product_id != lic.product_id {
            return Err(invalid_product());
        }
        if req.key != lic.key {
            return Err(licenses::invalid_key());
        }
        usable(&lic, req, now)?;
        lic.fingerprint_matching_strategy.ensure_same_device(
            &act.fingerprint,
            &req.fingerprint,
            "activation",
        )?;
        if act.lease_expires_at != 0 && act.lease_expires_at <= now {
            // The lease lapsed: the seat is free for others; take it back only if one is left.
            let seats = store::count_seats(tx, &lic.id, now)?;
            if policy::limit_reached(lic.allowed_activations, seats) {
                tx.delete::<Activation>(&act.id)?;
                return Err(not_found());
            }
        }
        let (created, mode_before) = (act.created_at, act.activation_mode.clone());
        copy_request(&mut act, req);
        act.created_at = created;
        act.activation_mode = Some(mode(false, mode_before.as_ref()));
        act.lease_duration = policy::lease_duration(&lic, req.lease_duration);
        act.lease_expires_at = policy::lease_expiry(act.lease_duration, now);
        policy::apply_meters(&mut lic, &mut act, &req.meter_attributes)?;
        act.last_synced_at = now;
        act.updated_at = now;
        lic.last_used_at = now;
        tx.save(&act)?;
        tx.save(&lic)?;
        let product: Product = tx.load(&lic.product_id)?.ok_or_else(invalid_product)?;
        claims::load_and_build(tx, &product, &lic, &act, now)
    };
    app.store.write_then(check_and_save, |c: ActivationClaims| {
        app.sign(&c.pid.clone(), &c)
    })
}

/// Deactivation. With a body (`POST .../deactivate`) the fingerprint must
/// match; the legacy `DELETE` has none. Counts against allowedDeactivations
/// for node-locked licenses.
pub fn deactivate(
    app: &App,
    id: &str,
    req: Option<&DeactivationRequest>,
    license_id: Option<&str>,
) -> ApiResult<()> {
    if let Some(r) = req {
        policy::validate_deactivation(r)?;
    }
    let now = app.now();
    app.store.write(|tx| {
        let act: Activation = tx.load(id)?.ok_or_else(not_found)?;
        let Some(mut lic) = tx.load::<License>(&act.license_id)? else {
            tx.delete::<Activation>(id)?;
            return Ok(());
        };
        if license_id.is_some_and(|l| !l.is_empty() && l != lic.id) {
            return Err(licenses::invalid_key());
        }
        if let Some(r) = req {
            if r.product_id != lic.product_id {
                return Err(invalid_product());
            }
            lic.fingerprint_matching_strategy.ensure_same_device(
                &act.fingerprint,
                &r.fingerprint,
                "activation",
            )?;
        }
        if !lic.is_floating() {
            if policy::limit_reached(lic.allowed_deactivations, lic.total_deactivations) {
                return Err(ApiError::new(
                    ErrorCode::DeactivationLimitReached,
                    "the license has reached its allowed deactivations",
                ));
            }
            lic.total_deactivations += 1;
            lic.updated_at = now;
            tx.save(&lic)?;
        }
        tx.delete::<Activation>(id)?;
        Ok(())
    })
}

/// `POST /v3/activations/meter-attributes/{name}`.
pub fn meter(
    app: &App,
    name: &str,
    req: &MeterAttributeRequest,
) -> ApiResult<MeterAttributeResponse> {
    crate::validate::len_in("meter attribute name", name, 1, 256)?;
    crate::validate::len_in("activationId", &req.activation_id, 1, 256)?;
    let now = app.now();
    let check_and_save = |tx: &mut dyn Tx| {
        let (mut act, mut lic) = load_pair(tx, &req.activation_id)?;
        if lic.revoked {
            return Err(ApiError::new(
                ErrorCode::RevokedLicense,
                "the license has been revoked",
            ));
        }
        if !req.product_id.is_empty() && req.product_id != lic.product_id {
            return Err(invalid_product());
        }
        if !req.fingerprint.is_empty() {
            lic.fingerprint_matching_strategy.ensure_same_device(
                &act.fingerprint,
                &req.fingerprint,
                "activation",
            )?;
        }
        let (attr, uses) = policy::meter(&mut lic, &mut act, name, req.increment)?;
        act.updated_at = now;
        lic.updated_at = now;
        tx.save(&act)?;
        tx.save(&lic)?;
        let resp = MeterAttributeResponse {
            name: attr.name,
            uses,
            license_allowed_uses: attr.allowed_uses,
            license_total_uses: attr.total_uses,
            license_gross_uses: attr.gross_uses,
            activation_token: None,
        };
        let product: Product = tx.load(&lic.product_id)?.ok_or_else(invalid_product)?;
        Ok((resp, claims::load_and_build(tx, &product, &lic, &act, now)?))
    };
    app.store.write_then(
        check_and_save,
        |(mut resp, claims): (MeterAttributeResponse, ActivationClaims)| {
            resp.activation_token = Some(app.sign(&claims.pid.clone(), &claims)?);
            Ok(resp)
        },
    )
}

/// `GET /v3/activations/{id}/feature-entitlements`: a signed token.
pub fn feature_entitlements(app: &App, id: &str) -> ApiResult<String> {
    let now = app.now();
    let claims = app.store.read(|tx| {
        let (act, lic) = load_pair(tx, id)?;
        let set: Option<EntitlementSetRec> = if lic.entitlement_set_id.is_empty() {
            None
        } else {
            tx.load(&lic.entitlement_set_id)?
        };
        Ok(FeatureEntitlementsClaims {
            aid: act.id.clone(),
            lid: lic.id.clone(),
            pid: lic.product_id.clone(),
            iat: now,
            feature_entitlements: claims::feature_entitlements(set.as_ref(), &lic),
        })
    })?;
    app.sign(&claims.pid.clone(), &claims)
}
