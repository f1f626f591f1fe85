//! The client-facing operations of the Web API: activation, sync,
//! deactivation, meters, trials, login, user licenses, lookup, releases and
//! offline activation. Each runs in one store transaction (policy checks and
//! writes are atomic) and signs its token after the commit, outside the
//! database lock, so signing (the expensive part) runs in parallel.

use std::sync::Arc;

use openlex_wire::claims::{ActivationClaims, ActivationMode, TrialClaims};
use openlex_wire::requests::*;
use openlex_wire::ErrorCode;

use crate::clock;
use crate::db::{self, Kind, Page, Store, Tx};
use crate::error::{ApiError, ApiResult};
use crate::keys::KeyCache;
use crate::models::*;
use crate::offline::{self, OfflineRequest};
use crate::policy::{self, TokenContext};

/// Shared server state: the store, the key cache and configuration.
pub struct Service {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Parsed signing keys.
    pub keys: KeyCache,
    /// Public URL put into product data (`host`); may be empty.
    pub public_url: String,
}

/// Offline issuing options.
#[derive(Debug, Clone, Default)]
pub struct OfflineOpts {
    /// The response may be used until this unix time (`orv`).
    pub orv: i64,
    /// The license the administrator meant (checked when set).
    pub license_id: Option<String>,
}

fn not_found_activation() -> ApiError {
    ApiError::new(ErrorCode::ActivationNotFound, "activation not found")
}

fn invalid_key() -> ApiError {
    ApiError::new(ErrorCode::InvalidLicenseKey, "invalid license key")
}

fn invalid_product() -> ApiError {
    ApiError::new(ErrorCode::InvalidProductId, "invalid product id")
}

fn mode(offline: bool, previous: Option<&ActivationMode>) -> ActivationMode {
    let m = if offline { "offline" } else { "online" };
    ActivationMode {
        initial: previous
            .map(|p| p.initial.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| m.to_owned()),
        current: m.to_owned(),
    }
}

/// Loads what a token needs besides the product, license and activation,
/// and builds the claims.
fn claims_for(
    tx: &mut dyn Tx,
    product: &Product,
    lic: &License,
    act: &Activation,
    now: i64,
) -> ApiResult<ActivationClaims> {
    let user: Option<User> = if lic.user_id.is_empty() {
        None
    } else {
        tx.load(&lic.user_id)?
    };
    let set: Option<EntitlementSetRec> = if lic.entitlement_set_id.is_empty() {
        None
    } else {
        tx.load(&lic.entitlement_set_id)?
    };
    let seats = tx.count_seats(&lic.id, now)?;
    Ok(policy::build_claims(&TokenContext {
        product,
        license: lic,
        activation: act,
        user: user.as_ref(),
        set: set.as_ref(),
        seats,
        now,
    }))
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

impl Service {
    /// A service over `store`.
    pub fn new(store: Arc<dyn Store>, public_url: String) -> Self {
        Service {
            store,
            keys: KeyCache::default(),
            public_url,
        }
    }

    /// Signs claims with the product's key.
    pub fn sign<T: serde::Serialize>(&self, product_id: &str, claims: &T) -> ApiResult<String> {
        let store = self.store.clone();
        let key = self.keys.get(product_id, || {
            db::read(&*store, |tx| Ok(tx.product_key(product_id)?.map(|k| k.0)))
        })?;
        crate::tokens::sign(&key, claims)
    }

    /// `POST /v3/activations` (and offline activation): returns the token.
    pub fn activate(
        &self,
        req: &ActivationRequest,
        offline: Option<&OfflineOpts>,
    ) -> ApiResult<String> {
        policy::validate_activation(req)?;
        let now = clock::now();
        let sign = |mut claims: ActivationClaims| {
            if let Some(o) = offline {
                // Offline activations cannot sync: no sync interval, no grace.
                claims.orv = o.orv;
                claims.ssi = 0;
                claims.ssgpeat = 0;
            }
            self.sign(&claims.pid.clone(), &claims)
        };
        let check_and_save = |tx: &mut dyn Tx| {
            let product: Product = tx.load(&req.product_id)?.ok_or_else(invalid_product)?;
            let mut lic: License = tx
                .load_by("key", &req.key)?
                .filter(|l: &License| l.product_id == product.id)
                .ok_or_else(invalid_key)?;
            if let Some(lid) = offline.and_then(|o| o.license_id.as_deref()) {
                if !lid.is_empty() && lid != lic.id {
                    return Err(invalid_key());
                }
            }
            policy::check_license_usable(
                &lic,
                &req.vm_name,
                req.container,
                &req.release_version,
                now,
            )?;
            if lic.require_authentication {
                let user: Option<User> = if lic.user_id.is_empty() {
                    None
                } else {
                    tx.load(&lic.user_id)?
                };
                let ok = user.is_some_and(|u| {
                    u.email.eq_ignore_ascii_case(&req.email)
                        && crate::auth::verify_password(&req.password, &u.password_hash)
                });
                if !ok {
                    return Err(ApiError::new(
                        ErrorCode::AuthenticationFailed,
                        "license user authentication failed",
                    ));
                }
            }
            tx.delete_expired_leases(&lic.id, now)?;
            let per_instance =
                lic.r#type == "hosted-floating" && lic.leasing_strategy == "per-instance";
            let mut existing: Option<Activation> = None;
            if !per_instance {
                let strategy = policy::strategy(&lic.fingerprint_matching_strategy);
                for id in tx.matching(
                    Kind::Activation,
                    "license_id",
                    &lic.id,
                    &req.fingerprint,
                    strategy,
                )? {
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
                    let seats = tx.count_seats(&lic.id, now)?;
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
            claims_for(tx, &product, &lic, &act, now)
        };
        // Signing overlaps the commit; the token is returned only once the
        // activation it describes is durable.
        db::write_then(&*self.store, check_and_save, sign)
    }

    /// `PATCH /v3/activations/{id}`: re-checks the license, renews the lease
    /// and returns a fresh token.
    pub fn sync(&self, id: &str, req: &ActivationRequest) -> ApiResult<String> {
        policy::validate_activation(req)?;
        let now = clock::now();
        let check_and_save = |tx: &mut dyn Tx| {
            let mut act: Activation = tx.load(id)?.ok_or_else(not_found_activation)?;
            let mut lic: License = tx.load(&act.license_id)?.ok_or_else(not_found_activation)?;
            if req.product_id != lic.product_id {
                return Err(invalid_product());
            }
            if req.key != lic.key {
                return Err(invalid_key());
            }
            policy::check_license_usable(
                &lic,
                &req.vm_name,
                req.container,
                &req.release_version,
                now,
            )?;
            if !policy::fp_matches(
                &act.fingerprint,
                &req.fingerprint,
                &lic.fingerprint_matching_strategy,
            ) {
                return Err(ApiError::new(
                    ErrorCode::InvalidActivationFingerprint,
                    "fingerprint does not match the activation",
                ));
            }
            if act.lease_expires_at != 0 && act.lease_expires_at <= now {
                // The lease lapsed: the seat is free for others; take it back only if one is left.
                let seats = tx.count_seats(&lic.id, now)?;
                if policy::limit_reached(lic.allowed_activations, seats) {
                    tx.delete(Kind::Activation, &act.id)?;
                    return Err(not_found_activation());
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
            let product = tx.load(&lic.product_id)?.ok_or_else(invalid_product)?;
            claims_for(tx, &product, &lic, &act, now)
        };
        db::write_then(&*self.store, check_and_save, |c: ActivationClaims| {
            self.sign(&c.pid.clone(), &c)
        })
    }

    /// Deactivation. With a body (`POST .../deactivate`) the fingerprint must
    /// match; the legacy `DELETE` has none. Counts against allowedDeactivations
    /// for node-locked licenses.
    pub fn deactivate(
        &self,
        id: &str,
        req: Option<&DeactivationRequest>,
        license_id: Option<&str>,
    ) -> ApiResult<()> {
        if let Some(r) = req {
            policy::validate_deactivation(r)?;
        }
        db::write(&*self.store, |tx| {
            let act: Activation = tx.load(id)?.ok_or_else(not_found_activation)?;
            let Some(mut lic) = tx.load::<License>(&act.license_id)? else {
                tx.delete(Kind::Activation, id)?;
                return Ok(());
            };
            if license_id.is_some_and(|l| !l.is_empty() && l != lic.id) {
                return Err(invalid_key());
            }
            if let Some(r) = req {
                if r.product_id != lic.product_id {
                    return Err(invalid_product());
                }
                if !policy::fp_matches(
                    &act.fingerprint,
                    &r.fingerprint,
                    &lic.fingerprint_matching_strategy,
                ) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidActivationFingerprint,
                        "fingerprint does not match the activation",
                    ));
                }
            }
            if lic.r#type != "hosted-floating" {
                if policy::limit_reached(lic.allowed_deactivations, lic.total_deactivations) {
                    return Err(ApiError::new(
                        ErrorCode::DeactivationLimitReached,
                        "the license has reached its allowed deactivations",
                    ));
                }
                lic.total_deactivations += 1;
                lic.updated_at = clock::now();
                tx.save(&lic)?;
            }
            tx.delete(Kind::Activation, id)?;
            Ok(())
        })
    }

    /// `POST /v3/activations/meter-attributes/{name}`.
    pub fn meter(
        &self,
        name: &str,
        req: &MeterAttributeRequest,
    ) -> ApiResult<MeterAttributeResponse> {
        if name.is_empty() || name.len() > 256 {
            return Err(ApiError::validation(
                "meter attribute name must be 1..256 characters long",
            ));
        }
        if req.activation_id.is_empty() || req.activation_id.len() > 256 {
            return Err(ApiError::validation(
                "activationId must be 1..256 characters long",
            ));
        }
        let now = clock::now();
        let check_and_save = |tx: &mut dyn Tx| {
            let mut act: Activation = tx
                .load(&req.activation_id)?
                .ok_or_else(not_found_activation)?;
            let mut lic: License = tx.load(&act.license_id)?.ok_or_else(not_found_activation)?;
            if lic.revoked {
                return Err(ApiError::new(
                    ErrorCode::RevokedLicense,
                    "the license has been revoked",
                ));
            }
            if !req.product_id.is_empty() && req.product_id != lic.product_id {
                return Err(invalid_product());
            }
            if !req.fingerprint.is_empty()
                && !policy::fp_matches(
                    &act.fingerprint,
                    &req.fingerprint,
                    &lic.fingerprint_matching_strategy,
                )
            {
                return Err(ApiError::new(
                    ErrorCode::InvalidActivationFingerprint,
                    "fingerprint does not match the activation",
                ));
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
            let product = tx.load(&lic.product_id)?.ok_or_else(invalid_product)?;
            Ok((resp, claims_for(tx, &product, &lic, &act, now)?))
        };
        db::write_then(
            &*self.store,
            check_and_save,
            |(mut resp, claims): (MeterAttributeResponse, ActivationClaims)| {
                resp.activation_token = Some(self.sign(&claims.pid.clone(), &claims)?);
                Ok(resp)
            },
        )
    }

    /// `POST /v3/trial-activations`: returns the token and whether a new
    /// trial was created (201) or the device's existing one returned.
    pub fn trial_activate(
        &self,
        req: &TrialActivationRequest,
        offline: Option<&OfflineOpts>,
    ) -> ApiResult<(String, bool)> {
        policy::validate_trial(req)?;
        let now = clock::now();
        let check_and_save = |tx: &mut dyn Tx| {
            let product: Product = tx.load(&req.product_id)?.ok_or_else(invalid_product)?;
            if product.trial_length <= 0 || !product.trial_allowed {
                return Err(ApiError::new(
                    ErrorCode::TrialNotAllowed,
                    "the product has no trial policy",
                ));
            }
            if !product.trial_allow_vm_activation && !req.vm_name.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::VmActivationNotAllowed,
                    "trial activation in a virtual machine is not allowed",
                ));
            }
            if !product.trial_allow_container_activation && req.container {
                return Err(ApiError::new(
                    ErrorCode::ContainerActivationNotAllowed,
                    "trial activation in a container is not allowed",
                ));
            }
            let mut found: Option<TrialActivation> = None;
            let strategy = policy::strategy(&product.trial_fingerprint_matching_strategy);
            for id in tx.matching(
                Kind::Trial,
                "product_id",
                &product.id,
                &req.fingerprint,
                strategy,
            )? {
                found = tx.load(&id)?;
                if found.is_some() {
                    break;
                }
            }
            let created = found.is_none();
            let mut trial = match found {
                Some(t) => t,
                None => {
                    let (_, count) = tx.list(
                        Kind::Trial,
                        &[("product_id", product.id.clone())],
                        Page {
                            page: 1,
                            limit: 1,
                            newest_first: true,
                        },
                    )?;
                    if policy::limit_reached(product.trial_activation_limit, count) {
                        return Err(ApiError::new(
                            ErrorCode::TrialActivationLimitReached,
                            "the product has reached its trial activation limit",
                        ));
                    }
                    TrialActivation {
                        id: crate::ids::uuid(),
                        product_id: product.id.clone(),
                        fingerprint: req.fingerprint.clone(),
                        expires_at: now.saturating_add(product.trial_length),
                        created_at: now,
                        ..Default::default()
                    }
                }
            };
            trial.os = req.os.to_ascii_lowercase();
            trial.os_version = req.os_version.clone();
            trial.hostname = req.hostname.clone();
            trial.vm_name = req.vm_name.clone();
            trial.container = req.container;
            trial.user_hash = req.user_hash.clone();
            if created || !req.metadata.is_empty() {
                trial.metadata = req.metadata.clone();
            }
            trial.offline = trial.offline || offline.is_some();
            trial.last_synced_at = now;
            trial.updated_at = now;
            tx.save(&trial)?;
            Ok((trial_claims(&product, &trial, now), created))
        };
        db::write_then(
            &*self.store,
            check_and_save,
            |(mut claims, created): (TrialClaims, bool)| {
                if let Some(o) = offline {
                    claims.orv = o.orv;
                    claims.activation_mode = Some(mode(true, None));
                }
                Ok((self.sign(&claims.pid.clone(), &claims)?, created))
            },
        )
    }

    /// `PATCH /v3/trial-activations/{id}`: the current trial (an
    /// administrator may have extended it).
    pub fn trial_sync(&self, id: &str, req: &TrialActivationRequest) -> ApiResult<String> {
        policy::validate_trial(req)?;
        let now = clock::now();
        let check_and_save = |tx: &mut dyn Tx| {
            let mut trial: TrialActivation = tx.load(id)?.ok_or_else(not_found_activation)?;
            let product: Product = tx
                .load(&trial.product_id)?
                .ok_or_else(not_found_activation)?;
            if req.product_id != product.id {
                return Err(invalid_product());
            }
            if !policy::fp_matches(
                &trial.fingerprint,
                &req.fingerprint,
                &product.trial_fingerprint_matching_strategy,
            ) {
                return Err(ApiError::new(
                    ErrorCode::InvalidActivationFingerprint,
                    "fingerprint does not match the trial",
                ));
            }
            trial.last_synced_at = now;
            trial.updated_at = now;
            tx.save(&trial)?;
            Ok(trial_claims(&product, &trial, now))
        };
        db::write_then(&*self.store, check_and_save, |c: TrialClaims| {
            self.sign(&c.pid.clone(), &c)
        })
    }

    /// `GET /v3/activations/{id}/feature-entitlements`.
    pub fn feature_entitlements(&self, id: &str) -> ApiResult<String> {
        let now = clock::now();
        let claims = db::read(&*self.store, |tx| {
            let act: Activation = tx.load(id)?.ok_or_else(not_found_activation)?;
            let lic: License = tx.load(&act.license_id)?.ok_or_else(not_found_activation)?;
            let set: Option<EntitlementSetRec> = if lic.entitlement_set_id.is_empty() {
                None
            } else {
                tx.load(&lic.entitlement_set_id)?
            };
            Ok(crate::tokens::FeatureEntitlementsClaims {
                aid: act.id.clone(),
                lid: lic.id.clone(),
                pid: lic.product_id.clone(),
                iat: now,
                feature_entitlements: policy::feature_entitlements(set.as_ref(), &lic),
            })
        })?;
        self.sign(&claims.pid.clone(), &claims)
    }

    /// `POST /v3/accounts/login`: password, then TOTP when the user has a
    /// secret; 5 consecutive failures lock the account for 5 minutes.
    pub fn login(&self, req: &LoginRequest) -> ApiResult<String> {
        if req.email.is_empty() || req.email.len() > 256 {
            return Err(ApiError::validation("email must be 1..256 characters long"));
        }
        if req.password.len() < 8 || req.password.len() > 256 {
            return Err(ApiError::validation(
                "password must be 8..256 characters long",
            ));
        }
        let now = clock::now();
        // The closure returns Ok(Err(..)) for failed logins so the failure
        // counter is committed while the client still gets the error.
        db::write(&*self.store, |tx| {
            let fail = |code: ErrorCode, msg: &str| Ok(Err(ApiError::new(code, msg)));
            let Some(mut user) = tx.load_by::<User>("email", &req.email.to_lowercase())? else {
                return fail(ErrorCode::AuthenticationFailed, "invalid email or password");
            };
            if user.locked_until > now {
                return fail(
                    ErrorCode::LoginTemporarilyLocked,
                    "too many failed logins; try again later",
                );
            }
            let mut outcome: Option<(ErrorCode, &str)> = None;
            if !crate::auth::verify_password(&req.password, &user.password_hash) {
                outcome = Some((ErrorCode::AuthenticationFailed, "invalid email or password"));
            } else if !user.two_factor_secret.is_empty() {
                match req.two_factor_code.as_deref().filter(|c| !c.is_empty()) {
                    None => {
                        return fail(
                            ErrorCode::TwoFactorCodeMissing,
                            "two-factor authentication code required",
                        )
                    }
                    Some(code) if !crate::totp::verify(&user.two_factor_secret, code, now) => {
                        outcome = Some((
                            ErrorCode::TwoFactorCodeInvalid,
                            "invalid two-factor authentication code",
                        ))
                    }
                    Some(_) => {}
                }
            }
            if let Some((code, msg)) = outcome {
                user.failed_logins += 1;
                let locked = user.failed_logins >= 5;
                if locked {
                    user.failed_logins = 0;
                    user.locked_until = now + 300;
                }
                tx.save(&user)?;
                return if locked {
                    fail(
                        ErrorCode::LoginTemporarilyLocked,
                        "too many failed logins; try again later",
                    )
                } else {
                    fail(code, msg)
                };
            }
            user.failed_logins = 0;
            user.locked_until = 0;
            tx.save(&user)?;
            let token = crate::ids::secret_token("olu_");
            tx.put_session(&crate::ids::token_hash(&token), &user.id, now + 30 * 86_400)?;
            Ok(Ok(token))
        })?
    }

    /// `GET /v3/me/licenses`: licenses of the logged-in user.
    pub fn user_licenses(
        &self,
        bearer: Option<&str>,
        product_id: &str,
    ) -> ApiResult<Vec<UserLicense>> {
        let now = clock::now();
        let unauth = || ApiError::new(ErrorCode::UserNotAuthenticated, "user not authenticated");
        let bearer = bearer.filter(|b| !b.is_empty()).ok_or_else(unauth)?;
        db::read(&*self.store, |tx| {
            let (uid, exp) = tx
                .session(&crate::ids::token_hash(bearer))?
                .ok_or_else(unauth)?;
            if exp <= now {
                return Err(unauth());
            }
            let mut out = Vec::new();
            for l in tx.find_all::<License>(&[("user_id", uid)])? {
                if !product_id.is_empty() && l.product_id != product_id {
                    continue;
                }
                let seats = tx.count_seats(&l.id, now)?;
                out.push(UserLicense {
                    allowed_activations: l.allowed_activations,
                    allowed_deactivations: l.allowed_deactivations,
                    key: l.key.clone(),
                    total_activations: seats.max(0) as u32,
                    total_deactivations: l.total_deactivations.max(0) as u32,
                    r#type: l.r#type.clone(),
                    metadata: l.metadata.clone(),
                });
            }
            Ok(out)
        })
    }

    /// `GET /v3/licenses/lookup`.
    pub fn lookup(&self, key: &str, product_id: &str) -> ApiResult<LicenseLookup> {
        if key.is_empty() || key.len() > 256 {
            return Err(ApiError::validation("key must be 1..256 characters long"));
        }
        db::read(&*self.store, |tx| {
            let l: License = tx
                .load_by("key", key)?
                .filter(|l: &License| product_id.is_empty() || l.product_id == product_id)
                .ok_or_else(invalid_key)?;
            Ok(LicenseLookup {
                key: l.key,
                r#type: l.r#type,
            })
        })
    }

    /// The newest published release for a product/platform/channel newer
    /// than `version` (`None` → 204). With `allowed`, releases above the
    /// license's maxAllowedReleaseVersion are skipped.
    pub fn release_update(&self, q: &ReleaseQuery, newer_only: bool) -> ApiResult<Option<Release>> {
        if q.product_id.is_empty() {
            return Err(ApiError::validation("productId is required"));
        }
        let channel = if q.channel.is_empty() {
            "stable"
        } else {
            q.channel.as_str()
        };
        db::read(&*self.store, |tx| {
            if tx.get(Kind::Product, &q.product_id)?.is_none() {
                return Err(invalid_product());
            }
            let mut max_allowed = String::new();
            if !q.key.is_empty() {
                let l: License = tx
                    .load_by("key", &q.key)?
                    .filter(|l: &License| l.product_id == q.product_id)
                    .ok_or_else(invalid_key)?;
                if q.allowed {
                    max_allowed = l.max_allowed_release_version;
                }
            }
            let mut best: Option<ReleaseRec> = None;
            for r in tx.find_all::<ReleaseRec>(&[("product_id", q.product_id.clone())])? {
                let chan = if r.channel.is_empty() {
                    "stable"
                } else {
                    r.channel.as_str()
                };
                if !r.published || !chan.eq_ignore_ascii_case(channel) {
                    continue;
                }
                if !q.platform.is_empty()
                    && !r
                        .platforms
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(&q.platform))
                {
                    continue;
                }
                if !max_allowed.is_empty()
                    && openlex_wire::version::compare(&r.version, &max_allowed)
                        == std::cmp::Ordering::Greater
                {
                    continue;
                }
                if best.as_ref().is_none_or(|b| {
                    openlex_wire::version::compare(&r.version, &b.version)
                        == std::cmp::Ordering::Greater
                }) {
                    best = Some(r);
                }
            }
            let best = best.filter(|b| {
                !newer_only
                    || openlex_wire::version::compare(&b.version, &q.version)
                        == std::cmp::Ordering::Greater
            });
            Ok(best.map(|b| release_json(&b)))
        })
    }

    /// Issues an offline activation response (admin).
    pub fn offline_activate(
        &self,
        request: &str,
        validity: i64,
        license_id: Option<String>,
    ) -> ApiResult<String> {
        if validity < 1 || validity > i32::MAX as i64 {
            return Err(ApiError::validation(
                "responseValidity must be 1..2147483647 seconds",
            ));
        }
        let OfflineRequest::Activation(req) = offline::parse_request(request)? else {
            return Err(ApiError::new(
                ErrorCode::InvalidOfflineRequest,
                "not an activation request",
            ));
        };
        let opts = OfflineOpts {
            orv: clock::now() + validity,
            license_id,
        };
        let token = self.activate(&req, Some(&opts))?;
        Ok(serde_json::to_string(&ActivationResponse {
            activation_token: token,
        })?)
    }

    /// Applies an offline deactivation proof (admin).
    pub fn offline_deactivate(&self, request: &str, license_id: Option<String>) -> ApiResult<()> {
        let OfflineRequest::Deactivation {
            activation_id,
            request,
        } = offline::parse_request(request)?
        else {
            return Err(ApiError::new(
                ErrorCode::InvalidOfflineRequest,
                "not a deactivation request",
            ));
        };
        self.deactivate(&activation_id, Some(&request), license_id.as_deref())
    }

    /// Issues an offline trial response.
    pub fn offline_trial(
        &self,
        request: &str,
        validity: i64,
        product_id: &str,
    ) -> ApiResult<String> {
        if validity < 1 || validity > i32::MAX as i64 {
            return Err(ApiError::validation(
                "responseValidity must be 1..2147483647 seconds",
            ));
        }
        let OfflineRequest::Trial(req) = offline::parse_request(request)? else {
            return Err(ApiError::new(
                ErrorCode::InvalidOfflineRequest,
                "not a trial request",
            ));
        };
        if !product_id.is_empty() && product_id != req.product_id {
            return Err(invalid_product());
        }
        let opts = OfflineOpts {
            orv: clock::now() + validity,
            license_id: None,
        };
        let (token, _) = self.trial_activate(&req, Some(&opts))?;
        Ok(serde_json::to_string(&TrialActivationResponse {
            trial_activation_token: token,
        })?)
    }
}

fn trial_claims(product: &Product, t: &TrialActivation, now: i64) -> TrialClaims {
    TrialClaims {
        tid: t.id.clone(),
        pid: product.id.clone(),
        fp: t.fingerprint.clone(),
        fms: policy::strategy(&product.trial_fingerprint_matching_strategy)
            .as_str()
            .to_owned(),
        iat: now,
        eat: t.expires_at,
        aco: product.trial_allowed_clock_offset,
        pmd: product.metadata.clone(),
        amd: t.metadata.clone(),
        orv: 0,
        activation_mode: Some(mode(t.offline, None)),
    }
}

/// Query of the release endpoints.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseQuery {
    /// Product id.
    pub product_id: String,
    /// Platform.
    pub platform: String,
    /// Channel (default `stable`).
    pub channel: String,
    /// Current version.
    pub version: String,
    /// License key.
    pub key: String,
    /// Account id (ignored).
    pub account_id: String,
    /// Only releases the license allows.
    pub allowed: bool,
}

/// The wire JSON of a release.
pub fn release_json(r: &ReleaseRec) -> Release {
    Release {
        total_files: r.files.len() as i32,
        is_private: r.is_private,
        published: r.published,
        id: r.id.clone(),
        created_at: clock::iso8601(r.created_at),
        updated_at: clock::iso8601(r.updated_at),
        name: r.name.clone(),
        channel: if r.channel.is_empty() {
            "stable".into()
        } else {
            r.channel.clone()
        },
        version: r.version.clone(),
        notes: r.notes.clone(),
        published_at: clock::iso8601(r.published_at),
        product_id: r.product_id.clone(),
        platforms: r.platforms.clone(),
        files: r.files.clone(),
    }
}
