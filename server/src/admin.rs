//! Management operations behind the admin API and the CLI (one code path
//! for both). Inputs are JSON objects in the vendor's camelCase field names;
//! outputs are JSON DTOs.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::clock;
use crate::db::{self, Doc, Kind, Page, Tx};
use crate::error::{ApiError, ApiResult};
use crate::models::*;
use crate::policy;
use crate::service::Service;

/// Fields no create or update may set directly.
const PROTECTED: &[&str] = &["id", "createdAt", "updatedAt"];

/// Overlays the keys of `patch` (a JSON object) on `base`, ignoring
/// `protected` keys; a value of the wrong type is VALIDATION_FAILED.
pub fn merge<T: Serialize + DeserializeOwned>(
    base: &T,
    patch: &Value,
    protected: &[&str],
) -> ApiResult<T> {
    let obj = patch
        .as_object()
        .ok_or_else(|| ApiError::validation("body must be a JSON object"))?;
    let mut v = serde_json::to_value(base)?;
    if let Some(b) = v.as_object_mut() {
        for (k, val) in obj {
            if !protected.contains(&k.as_str())
                && !PROTECTED.contains(&k.as_str())
                && b.contains_key(k)
            {
                b.insert(k.clone(), val.clone());
            }
        }
    }
    serde_json::from_value(v).map_err(|e| ApiError::validation(format!("invalid field value: {e}")))
}

fn text(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn len_in(field: &str, v: &str, min: usize, max: usize) -> ApiResult<()> {
    if v.len() < min || v.len() > max {
        return Err(ApiError::validation(format!(
            "{field} must be {min}..{max} characters long"
        )));
    }
    Ok(())
}

fn one_of(field: &str, v: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "{field} must be one of {}",
            allowed.join(", ")
        )))
    }
}

/// Parses `page`, `limit` (1..100) and `sort` (`createdAt` / `-createdAt`).
pub fn page_of(q: &HashMap<String, String>) -> ApiResult<Page> {
    let mut p = Page {
        page: 1,
        limit: 10,
        newest_first: true,
    };
    if let Some(v) = q.get("page") {
        p.page = v
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| ApiError::validation("page must be >= 1"))?;
    }
    if let Some(v) = q.get("limit") {
        p.limit = v
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::validation("limit must be 1..100"))?;
    }
    if let Some(s) = q.get("sort") {
        p.newest_first = match s.as_str() {
            "createdAt" => false,
            "-createdAt" | "" => true,
            _ => return Err(ApiError::validation("sort must be createdAt or -createdAt")),
        };
    }
    Ok(p)
}

/// Lists documents with equality filters from query parameters
/// (`name` or the deepObject form `name[eq]`) mapped to indexed columns.
pub fn list<T: Doc>(
    svc: &Service,
    q: &HashMap<String, String>,
    filters: &[(&str, &'static str)],
) -> ApiResult<(Vec<T>, i64)> {
    let page = page_of(q)?;
    let mut f = Vec::new();
    for (param, col) in filters {
        let v = q.get(*param).or_else(|| q.get(&format!("{param}[eq]")));
        if let Some(v) = v {
            f.push((*col, v.clone()));
        }
    }
    db::read(&*svc.store, |tx| tx.find::<T>(&f, page))
}

// ---------------------------------------------------------------- products

fn product_defaults() -> Product {
    Product {
        trial_allowed: true,
        trial_fingerprint_matching_strategy: "fuzzy".into(),
        trial_allow_vm_activation: true,
        trial_allow_container_activation: true,
        trial_allowed_clock_offset: 600,
        ..Default::default()
    }
}

fn validate_product(p: &Product) -> ApiResult<()> {
    len_in("name", &p.name, 1, 256)?;
    if p.trial_length < 0 {
        return Err(ApiError::validation("trialLength must be >= 0"));
    }
    one_of(
        "trialFingerprintMatchingStrategy",
        &p.trial_fingerprint_matching_strategy,
        &["exact", "fuzzy", "loose"],
    )?;
    policy::validate_metadata(&p.metadata)
}

/// The product DTO: the record plus `publicKey` (PEM) and `productData`.
pub fn product_dto(svc: &Service, tx: &mut dyn Tx, p: &Product) -> ApiResult<Value> {
    let mut v = serde_json::to_value(p)?;
    if let Some((_, spki)) = tx.product_key(&p.id)? {
        let account = tx.setting("account_id")?.unwrap_or_default();
        let pd = openlex_wire::ProductData::new(&p.id, &spki, &account, &svc.public_url).encode();
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "publicKey".into(),
                openlex_wire::product_data::to_pem(&spki).into(),
            );
            o.insert("productData".into(), pd.into());
            o.insert("accountId".into(), account.into());
        }
    }
    Ok(v)
}

/// `POST /v3/products`: creates a product and its RSA-2048 key pair (or
/// imports `privateKey`, a PEM RSA key).
pub fn create_product(svc: &Service, body: &Value) -> ApiResult<Value> {
    let now = clock::now();
    let mut p: Product = merge(&product_defaults(), body, &[])?;
    if p.display_name.is_empty() {
        p.display_name = p.name.clone();
    }
    p.id = crate::ids::uuid();
    p.created_at = now;
    p.updated_at = now;
    validate_product(&p)?;
    let keys = match body.get("privateKey").and_then(|k| k.as_str()) {
        Some(pem) if !pem.is_empty() => crate::keys::import(pem.as_bytes())?,
        _ => crate::keys::generate()?,
    };
    db::write(&*svc.store, |tx| {
        tx.save(&p)?;
        tx.put_product_key(&p.id, &keys.pkcs8, &keys.spki)?;
        product_dto(svc, tx, &p)
    })
}

/// `GET /v3/products/{id}`.
pub fn get_product(svc: &Service, id: &str) -> ApiResult<Value> {
    db::read(&*svc.store, |tx| {
        let p: Product = tx.load(id)?.ok_or_else(|| ApiError::not_found("product"))?;
        product_dto(svc, tx, &p)
    })
}

/// `GET /v3/products`.
pub fn list_products(svc: &Service, q: &HashMap<String, String>) -> ApiResult<(Vec<Value>, i64)> {
    let (items, total) = list::<Product>(svc, q, &[("name", "name")])?;
    let out = db::read(&*svc.store, |tx| {
        items
            .iter()
            .map(|p| product_dto(svc, tx, p))
            .collect::<ApiResult<Vec<_>>>()
    })?;
    Ok((out, total))
}

/// `PATCH /v3/products/{id}`.
pub fn update_product(svc: &Service, id: &str, patch: &Value) -> ApiResult<Value> {
    db::write(&*svc.store, |tx| {
        let p: Product = tx.load(id)?.ok_or_else(|| ApiError::not_found("product"))?;
        let mut p: Product = merge(&p, patch, &[])?;
        p.updated_at = clock::now();
        validate_product(&p)?;
        tx.save(&p)?;
        product_dto(svc, tx, &p)
    })
}

/// `DELETE /v3/products/{id}`: removes the product and everything under it.
pub fn delete_product(svc: &Service, id: &str) -> ApiResult<()> {
    db::write(&*svc.store, |tx| {
        if !tx.delete(Kind::Product, id)? {
            return Err(ApiError::not_found("product"));
        }
        let f = [("product_id", id.to_owned())];
        for l in tx.find_all::<License>(&f)? {
            tx.delete(Kind::License, &l.id)?;
        }
        for a in tx.find_all::<Activation>(&f)? {
            tx.delete(Kind::Activation, &a.id)?;
        }
        for t in tx.find_all::<TrialActivation>(&f)? {
            tx.delete(Kind::Trial, &t.id)?;
        }
        for r in tx.find_all::<ReleaseRec>(&f)? {
            tx.delete(Kind::Release, &r.id)?;
        }
        Ok(())
    })?;
    svc.keys.forget(id);
    Ok(())
}

// ---------------------------------------------------------------- licenses

fn validate_license(l: &License) -> ApiResult<()> {
    len_in("key", &l.key, 1, 256)?;
    one_of("type", &l.r#type, &["node-locked", "hosted-floating"])?;
    one_of(
        "fingerprintMatchingStrategy",
        &l.fingerprint_matching_strategy,
        &["exact", "fuzzy", "loose"],
    )?;
    one_of(
        "expirationStrategy",
        &l.expiration_strategy,
        &["immediate", "delayed", "rolling"],
    )?;
    one_of(
        "leasingStrategy",
        &l.leasing_strategy,
        &["per-machine", "per-instance"],
    )?;
    if l.allowed_activations < -1 || l.allowed_deactivations < -1 {
        return Err(ApiError::validation(
            "allowedActivations and allowedDeactivations must be >= -1",
        ));
    }
    if l.validity < 0 || l.lease_duration < 0 || l.server_sync_interval < 0 {
        return Err(ApiError::validation(
            "validity, leaseDuration and serverSyncInterval must be >= 0",
        ));
    }
    if l.server_sync_grace_period < -1 || l.allowed_clock_offset < -1 {
        return Err(ApiError::validation(
            "serverSyncGracePeriod and allowedClockOffset must be >= -1",
        ));
    }
    if !l.max_allowed_release_version.is_empty()
        && !openlex_wire::version::is_valid_release_version(&l.max_allowed_release_version)
    {
        return Err(ApiError::validation(
            "maxAllowedReleaseVersion must look like 1.2 / 1.2.3 / 1.2.3.4",
        ));
    }
    policy::validate_metadata(&l.metadata)?;
    for m in &l.meter_attributes {
        len_in("meterAttributes.name", &m.name, 1, 256)?;
        if m.allowed_uses < -1 {
            return Err(ApiError::validation(
                "meterAttributes.allowedUses must be >= -1",
            ));
        }
    }
    Ok(())
}

/// The license DTO: the record plus `totalActivations`.
pub fn license_dto(tx: &mut dyn Tx, l: &License) -> ApiResult<Value> {
    let mut v = serde_json::to_value(l)?;
    let seats = tx.count_seats(&l.id, clock::now())?;
    if let Some(o) = v.as_object_mut() {
        o.insert("totalActivations".into(), seats.into());
    }
    Ok(v)
}

/// `POST /v3/licenses` (LicenseRequestModel; only `productId` is required).
pub fn create_license(svc: &Service, body: &Value) -> ApiResult<Value> {
    let now = clock::now();
    let mut l: License = merge(
        &License::default(),
        body,
        &["totalDeactivations", "activatedAt", "lastUsedAt"],
    )?;
    l.id = crate::ids::uuid();
    if l.key.is_empty() {
        l.key = crate::ids::license_key();
    }
    l.created_at = now;
    l.updated_at = now;
    if body.get("expiresAt").is_none() {
        l.expires_at = policy::initial_expiry(&l, now);
    }
    validate_license(&l)?;
    db::write(&*svc.store, |tx| {
        if l.product_id.is_empty() || tx.get(Kind::Product, &l.product_id)?.is_none() {
            return Err(ApiError::validation(
                "productId must name an existing product",
            ));
        }
        if !l.user_id.is_empty() && tx.get(Kind::User, &l.user_id)?.is_none() {
            return Err(ApiError::validation("userId must name an existing user"));
        }
        tx.save(&l)?;
        license_dto(tx, &l)
    })
}

/// `GET /v3/licenses/{id}`.
pub fn get_license(svc: &Service, id: &str) -> ApiResult<Value> {
    db::read(&*svc.store, |tx| {
        let l: License = tx.load(id)?.ok_or_else(|| ApiError::not_found("license"))?;
        license_dto(tx, &l)
    })
}

/// `GET /v3/licenses` filterable by key, productId, userId.
pub fn list_licenses(svc: &Service, q: &HashMap<String, String>) -> ApiResult<(Vec<Value>, i64)> {
    let (items, total) = list::<License>(
        svc,
        q,
        &[
            ("key", "key"),
            ("productId", "product_id"),
            ("userId", "user_id"),
        ],
    )?;
    let out = db::read(&*svc.store, |tx| {
        items
            .iter()
            .map(|l| license_dto(tx, l))
            .collect::<ApiResult<Vec<_>>>()
    })?;
    Ok((out, total))
}

/// `PATCH /v3/licenses/{id}`: any policy field, e.g. `{"suspended":true}`,
/// `{"revoked":true}`, `{"expiresAt":UNIX}`, `{"userId":ID}`.
pub fn update_license(svc: &Service, id: &str, patch: &Value) -> ApiResult<Value> {
    db::write(&*svc.store, |tx| {
        let old: License = tx.load(id)?.ok_or_else(|| ApiError::not_found("license"))?;
        let mut l: License = merge(&old, patch, &["productId"])?;
        l.updated_at = clock::now();
        validate_license(&l)?;
        if !l.user_id.is_empty() && tx.get(Kind::User, &l.user_id)?.is_none() {
            return Err(ApiError::validation("userId must name an existing user"));
        }
        tx.save(&l)?;
        license_dto(tx, &l)
    })
}

/// `POST /v3/licenses/{id}/renew`: extends the expiry by the validity,
/// from the current expiry or from now if already expired.
pub fn renew_license(svc: &Service, id: &str) -> ApiResult<Value> {
    let now = clock::now();
    db::write(&*svc.store, |tx| {
        let mut l: License = tx.load(id)?.ok_or_else(|| ApiError::not_found("license"))?;
        if l.validity <= 0 {
            return Err(ApiError::validation(
                "the license has no validity to renew by",
            ));
        }
        let extend = |e: i64| {
            if e > now {
                e.saturating_add(l.validity)
            } else {
                now.saturating_add(l.validity)
            }
        };
        if l.expiration_strategy == "rolling" {
            for mut a in tx.find_all::<Activation>(&[("license_id", l.id.clone())])? {
                a.expires_at = extend(a.expires_at);
                tx.save(&a)?;
            }
        } else if !(l.expiration_strategy == "delayed" && l.expires_at == 0) {
            l.expires_at = extend(l.expires_at);
        }
        l.updated_at = now;
        tx.save(&l)?;
        license_dto(tx, &l)
    })
}

/// `DELETE /v3/licenses/{id}`: also deletes its activations.
pub fn delete_license(svc: &Service, id: &str) -> ApiResult<()> {
    db::write(&*svc.store, |tx| {
        if !tx.delete(Kind::License, id)? {
            return Err(ApiError::not_found("license"));
        }
        for a in tx.find_all::<Activation>(&[("license_id", id.to_owned())])? {
            tx.delete(Kind::Activation, &a.id)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- activations and trials

/// `GET /v3/activations` filterable by licenseId, productId.
pub fn list_activations(
    svc: &Service,
    q: &HashMap<String, String>,
) -> ApiResult<(Vec<Activation>, i64)> {
    list::<Activation>(
        svc,
        q,
        &[("licenseId", "license_id"), ("productId", "product_id")],
    )
}

/// Loads one document or NOT_FOUND.
pub fn get_doc<T: Doc>(svc: &Service, id: &str, what: &str) -> ApiResult<T> {
    db::read(&*svc.store, |tx| {
        tx.load::<T>(id)?.ok_or_else(|| ApiError::not_found(what))
    })
}

/// Deletes one document or NOT_FOUND. Deleting an activation frees its seat
/// without counting as a deactivation.
pub fn delete_doc(svc: &Service, kind: Kind, id: &str, what: &str) -> ApiResult<()> {
    db::write(&*svc.store, |tx| {
        if tx.delete(kind, id)? {
            Ok(())
        } else {
            Err(ApiError::not_found(what))
        }
    })
}

/// `GET /v3/trial-activations` filterable by productId.
pub fn list_trials(
    svc: &Service,
    q: &HashMap<String, String>,
) -> ApiResult<(Vec<TrialActivation>, i64)> {
    list::<TrialActivation>(svc, q, &[("productId", "product_id")])
}

/// `POST|PATCH /v3/trial-activations/{id}/expires-at` `{"expiresAt": UNIX}`.
pub fn set_trial_expiry(svc: &Service, id: &str, body: &Value) -> ApiResult<TrialActivation> {
    let at = body
        .get("expiresAt")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| ApiError::validation("expiresAt (unix seconds) is required"))?;
    db::write(&*svc.store, |tx| {
        let mut t: TrialActivation = tx
            .load(id)?
            .ok_or_else(|| ApiError::not_found("trial activation"))?;
        t.expires_at = at;
        t.updated_at = clock::now();
        tx.save(&t)?;
        Ok(t)
    })
}

/// `POST /v3/licenses/{id}/expires-at` `{"expiresAt": UNIX}`.
pub fn set_license_expiry(svc: &Service, id: &str, body: &Value) -> ApiResult<Value> {
    let at = body
        .get("expiresAt")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| ApiError::validation("expiresAt (unix seconds) is required"))?;
    update_license(svc, id, &json!({ "expiresAt": at }))
}

// ---------------------------------------------------------------- users

/// The user DTO (no password hash or secret).
pub fn user_dto(u: &User) -> Value {
    json!({
        "id": u.id, "email": u.email, "name": u.name, "company": u.company, "metadata": u.metadata,
        "twoFactorEnabled": !u.two_factor_secret.is_empty(), "createdAt": u.created_at, "updatedAt": u.updated_at,
    })
}

fn apply_user_secrets(u: &mut User, body: &Value) -> ApiResult<Option<String>> {
    if let Some(pw) = body.get("password").and_then(|v| v.as_str()) {
        len_in("password", pw, 8, 256)?;
        u.password_hash = crate::auth::hash_password(pw);
    }
    let mut shown = None;
    if let Some(s) = body.get("twoFactorSecret").and_then(|v| v.as_str()) {
        if !s.is_empty() && crate::totp::base32_decode(s).is_none() {
            return Err(ApiError::validation("twoFactorSecret must be base32"));
        }
        u.two_factor_secret = s.to_uppercase();
    }
    match body.get("enableTwoFactor").and_then(|v| v.as_bool()) {
        Some(true) if u.two_factor_secret.is_empty() => {
            u.two_factor_secret = crate::totp::base32_encode(&crate::ids::random::<20>());
            shown = Some(u.two_factor_secret.clone());
        }
        Some(false) => u.two_factor_secret.clear(),
        _ => {}
    }
    Ok(shown)
}

/// `POST /v3/users` `{email, password, name?, company?, metadata?,
/// twoFactorSecret? | enableTwoFactor?}`; a generated secret is returned once.
pub fn create_user(svc: &Service, body: &Value) -> ApiResult<Value> {
    let now = clock::now();
    let mut u: User = merge(
        &User::default(),
        body,
        &[
            "passwordHash",
            "twoFactorSecret",
            "failedLogins",
            "lockedUntil",
        ],
    )?;
    len_in("email", &u.email, 3, 256)?;
    if !u.email.contains('@') {
        return Err(ApiError::validation("email must contain @"));
    }
    u.email = u.email.to_lowercase();
    u.id = crate::ids::uuid();
    u.created_at = now;
    u.updated_at = now;
    if body.get("password").and_then(|v| v.as_str()).is_none() {
        return Err(ApiError::validation("password is required"));
    }
    let shown = apply_user_secrets(&mut u, body)?;
    policy::validate_metadata(&u.metadata)?;
    db::write(&*svc.store, |tx| tx.save(&u))?;
    let mut v = user_dto(&u);
    if let (Some(s), Some(o)) = (shown, v.as_object_mut()) {
        o.insert("twoFactorSecret".into(), s.into());
    }
    Ok(v)
}

/// `PATCH /v3/users/{id}`.
pub fn update_user(svc: &Service, id: &str, body: &Value) -> ApiResult<Value> {
    let (u, shown) = db::write(&*svc.store, |tx| {
        let old: User = tx.load(id)?.ok_or_else(|| ApiError::not_found("user"))?;
        let mut u: User = merge(
            &old,
            body,
            &[
                "passwordHash",
                "twoFactorSecret",
                "failedLogins",
                "lockedUntil",
                "email",
            ],
        )?;
        let shown = apply_user_secrets(&mut u, body)?;
        if body.get("unlock").and_then(|v| v.as_bool()) == Some(true) {
            u.failed_logins = 0;
            u.locked_until = 0;
        }
        u.updated_at = clock::now();
        policy::validate_metadata(&u.metadata)?;
        tx.save(&u)?;
        Ok((u, shown))
    })?;
    let mut v = user_dto(&u);
    if let (Some(s), Some(o)) = (shown, v.as_object_mut()) {
        o.insert("twoFactorSecret".into(), s.into());
    }
    Ok(v)
}

// ---------------------------------------------------------------- releases

fn validate_release(r: &ReleaseRec) -> ApiResult<()> {
    if !openlex_wire::version::is_valid_release_version(&r.version) {
        return Err(ApiError::validation(
            "version must look like 1.2 / 1.2.3 / 1.2.3.4",
        ));
    }
    len_in("channel", &r.channel, 1, 256)?;
    if r.platforms.is_empty() || r.platforms.iter().any(|p| p.is_empty() || p.len() > 256) {
        return Err(ApiError::validation(
            "platforms must list 1..256-character names",
        ));
    }
    Ok(())
}

/// `POST /v3/releases` `{productId, version, channel?, platforms, name?, notes?, published?, files?}`.
pub fn create_release(svc: &Service, body: &Value) -> ApiResult<ReleaseRec> {
    let now = clock::now();
    let base = ReleaseRec {
        channel: "stable".into(),
        published: true,
        ..Default::default()
    };
    let mut r: ReleaseRec = merge(&base, body, &[])?;
    r.id = crate::ids::uuid();
    r.created_at = now;
    r.updated_at = now;
    if r.published_at == 0 && r.published {
        r.published_at = now;
    }
    if r.name.is_empty() {
        r.name = r.version.clone();
    }
    validate_release(&r)?;
    for f in r.files.iter_mut() {
        fill_file(f, &r.id, now);
    }
    db::write(&*svc.store, |tx| {
        if tx.get(Kind::Product, &r.product_id)?.is_none() {
            return Err(ApiError::validation(
                "productId must name an existing product",
            ));
        }
        tx.save(&r)
    })?;
    Ok(r)
}

fn fill_file(f: &mut openlex_wire::requests::ReleaseFile, release_id: &str, now: i64) {
    if f.id.is_empty() {
        f.id = crate::ids::uuid();
    }
    f.release_id = release_id.to_owned();
    if f.extension.is_empty() {
        f.extension = f
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_owned())
            .unwrap_or_default();
    }
    if f.created_at.is_empty() {
        f.created_at = clock::iso8601(now);
    }
    f.updated_at = clock::iso8601(now);
}

/// `PATCH /v3/releases/{id}`.
pub fn update_release(svc: &Service, id: &str, body: &Value) -> ApiResult<ReleaseRec> {
    db::write(&*svc.store, |tx| {
        let old: ReleaseRec = tx.load(id)?.ok_or_else(|| ApiError::not_found("release"))?;
        let mut r: ReleaseRec = merge(&old, body, &["productId"])?;
        let now = clock::now();
        r.updated_at = now;
        if r.published && r.published_at == 0 {
            r.published_at = now;
        }
        validate_release(&r)?;
        for f in r.files.iter_mut() {
            fill_file(f, id, now);
        }
        tx.save(&r)?;
        Ok(r)
    })
}

/// `POST /v3/releases/{id}/files` `{name, url, size?, checksum?, secured?}`.
pub fn add_release_file(svc: &Service, id: &str, body: &Value) -> ApiResult<ReleaseRec> {
    let mut f: openlex_wire::requests::ReleaseFile =
        merge(&openlex_wire::requests::ReleaseFile::default(), body, &[])?;
    len_in("name", &f.name, 1, 256)?;
    db::write(&*svc.store, |tx| {
        let mut r: ReleaseRec = tx.load(id)?.ok_or_else(|| ApiError::not_found("release"))?;
        let now = clock::now();
        fill_file(&mut f, id, now);
        r.files.push(f.clone());
        r.updated_at = now;
        tx.save(&r)?;
        Ok(r)
    })
}

// ---------------------------------------------------------------- entitlement sets

/// `POST /v3/entitlement-sets` `{name, displayName?, tier?, productId?, features:[{featureName, featureDisplayName?, value, expiresAt?}]}`.
pub fn create_entitlement_set(svc: &Service, body: &Value) -> ApiResult<EntitlementSetRec> {
    let now = clock::now();
    let mut s: EntitlementSetRec = merge(&EntitlementSetRec::default(), body, &[])?;
    len_in("name", &s.name, 1, 256)?;
    if s.display_name.is_empty() {
        s.display_name = s.name.clone();
    }
    s.id = crate::ids::uuid();
    s.created_at = now;
    s.updated_at = now;
    for f in &s.features {
        len_in("featureName", &f.feature_name, 1, 256)?;
    }
    db::write(&*svc.store, |tx| tx.save(&s))?;
    Ok(s)
}

/// `PATCH /v3/entitlement-sets/{id}`.
pub fn update_entitlement_set(
    svc: &Service,
    id: &str,
    body: &Value,
) -> ApiResult<EntitlementSetRec> {
    db::write(&*svc.store, |tx| {
        let old: EntitlementSetRec = tx
            .load(id)?
            .ok_or_else(|| ApiError::not_found("entitlement set"))?;
        let mut s: EntitlementSetRec = merge(&old, body, &[])?;
        len_in("name", &s.name, 1, 256)?;
        s.updated_at = clock::now();
        tx.save(&s)?;
        Ok(s)
    })
}

// ---------------------------------------------------------------- tokens

/// Known scopes (plus `*` and `module:*`).
pub const SCOPES: &[&str] = &[
    "product:read",
    "product:write",
    "license:read",
    "license:write",
    "activation:read",
    "activation:write",
    "release:read",
    "release:write",
    "user:read",
    "user:write",
    "entitlement:read",
    "entitlement:write",
    "token:write",
];

/// Creates a personal access token; the secret is returned only here.
pub fn create_token(
    svc: &Service,
    name: &str,
    scopes: &[String],
    expires_at: i64,
) -> ApiResult<Value> {
    if scopes.is_empty() {
        return Err(ApiError::validation("at least one scope is required"));
    }
    for s in scopes {
        let module_wild = s
            .strip_suffix(":*")
            .is_some_and(|m| SCOPES.iter().any(|k| k.starts_with(&format!("{m}:"))));
        if s != "*" && !module_wild && !SCOPES.contains(&s.as_str()) {
            return Err(ApiError::validation(format!("unknown scope {s}")));
        }
    }
    let secret = crate::ids::secret_token("olat_");
    let t = AdminToken {
        id: crate::ids::uuid(),
        name: if name.is_empty() {
            "token".into()
        } else {
            name.to_owned()
        },
        scopes: scopes.to_vec(),
        token_hash: crate::ids::token_hash(&secret),
        expires_at,
        created_at: clock::now(),
    };
    db::write(&*svc.store, |tx| tx.save(&t))?;
    Ok(
        json!({ "id": t.id, "name": t.name, "scopes": t.scopes, "expiresAt": t.expires_at, "createdAt": t.created_at, "token": secret }),
    )
}

/// `POST /v3/personal-access-tokens` `{name, scopes, expiresAt?}`.
pub fn create_token_json(svc: &Service, body: &Value) -> ApiResult<Value> {
    let scopes: Vec<String> = body
        .get("scopes")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let expires = body.get("expiresAt").and_then(|v| v.as_i64()).unwrap_or(0);
    create_token(svc, &text(body, "name"), &scopes, expires)
}

/// The token DTO (no hash).
pub fn token_dto(t: &AdminToken) -> Value {
    json!({ "id": t.id, "name": t.name, "scopes": t.scopes, "expiresAt": t.expires_at, "createdAt": t.created_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_respects_protection_and_types() {
        let l = License {
            id: "x".into(),
            ..Default::default()
        };
        let m: License = merge(&l, &json!({"id":"y","suspended":true,"unknown":1}), &[]).unwrap();
        assert_eq!(m.id, "x");
        assert!(m.suspended);
        assert!(merge::<License>(&l, &json!({"allowedActivations":"many"}), &[]).is_err());
        assert!(merge::<License>(&l, &json!([1]), &[]).is_err());
    }

    #[test]
    fn pages() {
        let q: HashMap<String, String> = [("limit".to_string(), "101".to_string())].into();
        assert!(page_of(&q).is_err());
        let q: HashMap<String, String> = [
            ("sort".to_string(), "createdAt".to_string()),
            ("page".to_string(), "2".to_string()),
        ]
        .into();
        let p = page_of(&q).unwrap();
        assert_eq!((p.page, p.newest_first), (2, false));
    }
}
