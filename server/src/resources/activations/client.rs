//! The client's activation operations: activate, sync, deactivate, meter
//! attributes and feature entitlements. Each runs in one unit of work
//! (policy checks and writes are atomic) and signs its token after, outside
//! the database lock, so signing (the expensive part) runs in parallel.

use std::net::IpAddr;
use std::sync::Arc;

use openlex_wire::claims::ActivationClaims;
use openlex_wire::requests::*;
use openlex_wire::ErrorCode;

use super::{claims, mode, store, Activation, Location};
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::resources::activation_logs::{self, Attempt as LogAttempt, Subject};
use crate::resources::entitlement_sets::EntitlementSetRec;
use crate::resources::event_logs::{self, Resource};
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

/// The capability rule of calls that name an activation id: a presented
/// fingerprint must match the activation's; none presented is allowed (the
/// id is a bearer secret, as in the vendor's API) unless the product sets
/// `activationIdRequiresFingerprint`.
fn ensure_holder(
    tx: &mut dyn Tx,
    lic: &License,
    act: &Activation,
    presented: &str,
) -> ApiResult<()> {
    if !presented.is_empty() {
        return lic.fingerprint_matching_strategy.ensure_same_device(
            &act.fingerprint,
            presented,
            "activation",
        );
    }
    let product: Option<Product> = tx.load(&lic.product_id)?;
    if product.is_some_and(|p| p.activation_id_requires_fingerprint) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "this product requires the device fingerprint with the activation id",
        ));
    }
    Ok(())
}

fn usable(lic: &License, req: &ActivationRequest, now: i64) -> ApiResult<()> {
    policy::check_license_usable(lic, &req.vm_name, req.container, &req.release_version, now)
}

/// The password check an activation of a `requireAuthentication` license
/// needs: made by the caller through the [`PasswordGate`], outside the unit of work.
///
/// [`PasswordGate`]: crate::passwords::PasswordGate
#[derive(Debug, Clone)]
pub struct PasswordCheck {
    /// The account attacked or used: the license user's e-mail (lower case).
    pub account: String,
    /// The license's user.
    pub user_id: String,
    /// The user's hash when the request named the user's e-mail; else none
    /// (checked against the dummy hash, so it always fails alike).
    pub stored: Option<String>,
}

/// What one pass of an online activation ended with.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// The activation was made: its token and license.
    Issued {
        /// The signed activation token.
        token: String,
        /// The license activated (for the request log).
        license_id: String,
    },
    /// The license requires authentication that was not yet verified.
    NeedsPassword(PasswordCheck),
}

/// Claims to sign, or the password check to make first. Returned by value
/// from the unit of work once; the size difference does not matter.
#[allow(clippy::large_enum_variant)]
enum Checked {
    Claims(ActivationClaims),
    Password(PasswordCheck),
}

/// None when `lic` needs no password or `verified` is its user; else the
/// check to make.
fn authenticate(
    tx: &mut dyn Tx,
    lic: &License,
    req: &ActivationRequest,
    verified: Option<&str>,
) -> ApiResult<Option<PasswordCheck>> {
    if !lic.require_authentication {
        return Ok(None);
    }
    if verified.is_some_and(|v| !v.is_empty() && v == lic.user_id) {
        return Ok(None);
    }
    let user: Option<User> = if lic.user_id.is_empty() {
        None
    } else {
        tx.load(&lic.user_id)?
    };
    let account = user
        .as_ref()
        .map(|u| u.email.to_lowercase())
        .unwrap_or_else(|| req.email.to_lowercase());
    let stored = user
        .filter(|u| u.email.eq_ignore_ascii_case(&req.email))
        .map(|u| u.password_hash);
    Ok(Some(PasswordCheck {
        account,
        user_id: lic.user_id.clone(),
        stored,
    }))
}

fn authentication_failed() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationFailed,
        "license user authentication failed",
    )
}

/// `POST /v3/activations`: one pass without a verified password; for a
/// license that requires one, the password is checked through the gate
/// (counted per account and `source`, hashed on the password threads,
/// outside the unit of work) and the activation made in a second pass.
pub async fn activate_online(
    app: &Arc<App>,
    req: ActivationRequest,
    source: IpAddr,
    country: Option<String>,
) -> ApiResult<(String, String)> {
    let log = app
        .activation_log
        .then(|| Arc::new(LogAttempt::activation(&req, source)));
    let req = Arc::new(req);
    let location = Arc::new(Location::of(source, country));
    let answer = activate_with_password(app, req, source, location, log.clone()).await;
    if let (Err(e), Some(log)) = (&answer, log) {
        let e = e.clone();
        // A separate small write (the activation's unit of work rolled back).
        let _ = app
            .run(move |app| {
                activation_logs::record_refusal(app, &log, &e);
                Ok(())
            })
            .await;
    }
    answer
}

async fn activate_with_password(
    app: &Arc<App>,
    req: Arc<ActivationRequest>,
    source: IpAddr,
    location: Arc<Location>,
    log: Option<Arc<LogAttempt>>,
) -> ApiResult<(String, String)> {
    let mut verified: Option<String> = None;
    for _ in 0..2 {
        let (r, v, l, at) = (req.clone(), verified.clone(), log.clone(), location.clone());
        match app
            .run(move |app| {
                let pass = Pass {
                    verified: v.as_deref(),
                    location: Some(&at),
                    log: l.as_deref(),
                };
                activate_as(app, &r, None, pass)
            })
            .await?
        {
            Attempt::Issued { token, license_id } => return Ok((token, license_id)),
            Attempt::NeedsPassword(check) if verified.is_none() => {
                let now = app.now();
                app.passwords
                    .check(
                        &check.account,
                        source,
                        &req.password,
                        check.stored.as_deref(),
                        now,
                        authentication_failed,
                    )
                    .await?;
                app.passwords.succeeded(&check.account, source).await?;
                verified = Some(check.user_id);
            }
            // The license's user changed between the passes.
            Attempt::NeedsPassword(_) => break,
        }
    }
    Err(authentication_failed())
}

/// An activation without a password check (offline activation, tests):
/// licenses that require authentication answer AUTHENTICATION_FAILED.
pub fn activate(
    app: &App,
    req: &ActivationRequest,
    offline: Option<&OfflineOpts>,
) -> ApiResult<String> {
    match activate_as(app, req, offline, Pass::default())? {
        Attempt::Issued { token, .. } => Ok(token),
        Attempt::NeedsPassword(_) => Err(authentication_failed()),
    }
}

/// What one online activation pass knows besides the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pass<'a> {
    /// The user whose password the caller checked through the gate.
    pub verified: Option<&'a str>,
    /// Where the request came from (kept on the activation).
    pub location: Option<&'a Location>,
    /// With it, a success writes its activation log row in the same unit
    /// of work (the caller records refusals).
    pub log: Option<&'a LogAttempt>,
}

/// One activation pass (see [`Pass`]).
pub fn activate_as(
    app: &App,
    req: &ActivationRequest,
    offline: Option<&OfflineOpts>,
    pass: Pass<'_>,
) -> ApiResult<Attempt> {
    let Pass {
        verified,
        location,
        log,
    } = pass;
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
        if let Some(check) = authenticate(tx, &lic, req, verified)? {
            return Ok(Checked::Password(check));
        }
        store::delete_expired_leases(tx, &lic.id, now)?;
        let per_instance =
            lic.is_floating() && lic.leasing_strategy == LeasingStrategy::PerInstance;
        let mut existing: Option<Activation> = None;
        // Seats in use once a new activation is saved: the count checked
        // under the license's row lock, plus the new one (whose lease, if
        // any, runs from now), so the token needs no second count.
        let mut seats_after: Option<i64> = None;
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
        let before = existing.clone();
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
                seats_after = Some(seats + 1);
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
        if let Some(l) = location {
            act.location = l.clone();
        }
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
        // Serialised once: the document saved is the DTO a webhook carries.
        let act_json = serde_json::to_string(&act)?;
        tx.save_json(&act, &act_json)?;
        tx.save(&lic)?;
        match &before {
            None => event_logs::created_json(tx, Resource::Activation, &act.id, now, &act_json)?,
            Some(b) => {
                event_logs::changed(tx, Resource::Activation, &act.id, "updated", now, b, &act)?
            }
        }
        if let Some(log) = log {
            activation_logs::record(tx, now, log, subject(&lic, &act), None)?;
        }
        Ok(Checked::Claims(claims::load_and_build_with_seats(
            tx,
            &product,
            &lic,
            &act,
            now,
            seats_after,
        )?))
    };
    let sign = |checked: Checked| {
        let mut claims = match checked {
            Checked::Claims(c) => c,
            Checked::Password(check) => return Ok(Attempt::NeedsPassword(check)),
        };
        if let Some(o) = offline {
            // Offline activations cannot sync: no sync interval, no grace.
            claims.orv = o.orv;
            claims.ssi = 0;
            claims.ssgpeat = 0;
        }
        let token = app.sign(&claims.pid.clone(), &claims)?;
        Ok(Attempt::Issued {
            token,
            license_id: claims.lid,
        })
    };
    // Signing overlaps the commit; the token is returned only once the
    // activation it describes is durable.
    app.store.write_then(check_and_save, sign)
}

/// `PATCH /v3/activations/{id}`: re-checks the license, renews the lease
/// and returns a fresh token.
pub fn sync(app: &App, id: &str, req: &ActivationRequest) -> ApiResult<String> {
    sync_issued(app, id, req, None).map(|(token, _)| token)
}

/// [`sync`], also returning the license id (for the request log); with
/// `log`, the attempt is written to the activation log (a success in its
/// unit of work, a refusal after it).
pub fn sync_issued(
    app: &App,
    id: &str,
    req: &ActivationRequest,
    log: Option<&LogAttempt>,
) -> ApiResult<(String, String)> {
    let log = log.filter(|_| app.activation_log);
    let answer = sync_once(app, id, req, log);
    if let (Err(e), Some(log)) = (&answer, log) {
        activation_logs::record_refusal(app, log, e);
    }
    answer
}

fn sync_once(
    app: &App,
    id: &str,
    req: &ActivationRequest,
    log: Option<&LogAttempt>,
) -> ApiResult<(String, String)> {
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
        let before = act.clone();
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
        event_logs::changed(tx, Resource::Activation, id, "updated", now, &before, &act)?;
        if let Some(log) = log {
            activation_logs::record(tx, now, log, subject(&lic, &act), None)?;
        }
        let product: Product = tx.load(&lic.product_id)?.ok_or_else(invalid_product)?;
        claims::load_and_build(tx, &product, &lic, &act, now)
    };
    app.store.write_then(check_and_save, |c: ActivationClaims| {
        Ok((app.sign(&c.pid.clone(), &c)?, c.lid))
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
    deactivate_logged(app, id, req, license_id, None)
}

/// [`deactivate`]; with `log`, the attempt is written to the activation log
/// (a success in its unit of work, a refusal after it).
pub fn deactivate_logged(
    app: &App,
    id: &str,
    req: Option<&DeactivationRequest>,
    license_id: Option<&str>,
    log: Option<&LogAttempt>,
) -> ApiResult<()> {
    let log = log.filter(|_| app.activation_log);
    let answer = deactivate_once(app, id, req, license_id, log);
    if let (Err(e), Some(log)) = (&answer, log) {
        activation_logs::record_refusal(app, log, e);
    }
    answer
}

fn deactivate_once(
    app: &App,
    id: &str,
    req: Option<&DeactivationRequest>,
    license_id: Option<&str>,
    log: Option<&LogAttempt>,
) -> ApiResult<()> {
    if let Some(r) = req {
        policy::validate_deactivation(r)?;
    }
    let now = app.now();
    app.store.write(|tx| {
        let act: Activation = tx.load(id)?.ok_or_else(not_found)?;
        let Some(mut lic) = tx.load::<License>(&act.license_id)? else {
            tx.delete::<Activation>(id)?;
            return event_logs::deleted(tx, Resource::Activation, id, now, &act);
        };
        if let Some(log) = log {
            // Rolled back with the unit of work when the deactivation is
            // refused below; the refusal is then recorded on its own.
            activation_logs::record(tx, now, log, subject(&lic, &act), None)?;
        }
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
        } else {
            ensure_holder(tx, &lic, &act, "")?;
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
        event_logs::deleted(tx, Resource::Activation, id, now, &act)
    })
}

/// The license and activation a logged attempt acted on.
fn subject<'a>(lic: &'a License, act: &'a Activation) -> Subject<'a> {
    Subject {
        license_id: &lic.id,
        license_key: &lic.key,
        product_id: &lic.product_id,
        activation_id: &act.id,
    }
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
        ensure_holder(tx, &lic, &act, &req.fingerprint)?;
        let before = act.clone();
        let (attr, uses) = policy::meter(&mut lic, &mut act, name, req.increment)?;
        act.updated_at = now;
        lic.updated_at = now;
        tx.save(&act)?;
        tx.save(&lic)?;
        event_logs::changed(
            tx,
            Resource::Activation,
            &act.id,
            "updated",
            now,
            &before,
            &act,
        )?;
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

/// `GET /v3/activations/{id}/feature-entitlements[?fingerprint=]`: a
/// signed token.
pub fn feature_entitlements(app: &App, id: &str, fingerprint: &str) -> ApiResult<String> {
    let now = app.now();
    let claims = app.store.read(|tx| {
        let (act, lic) = load_pair(tx, id)?;
        ensure_holder(tx, &lic, &act, fingerprint)?;
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
