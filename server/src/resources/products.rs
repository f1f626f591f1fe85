//! Products: their trial policy and RSA signing key.
//!
//! `POST|GET /v3/products`, `GET|PATCH|DELETE /v3/products/{id}`,
//! `GET /v3/products/{id}/product.dat` (the product data file).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::Resource;
use super::{activations::Activation, licenses::License, releases::ReleaseRec};
use super::{load_or_404, settings, trials::TrialActivation};
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::matching::MatchingStrategy;
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};
use crate::validate;

/// A product, with its trial policy. The key pair lives in separate columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Product {
    /// Product id (GUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Product metadata (`pmd`: the visible entries).
    pub metadata: Vec<crate::metadata::Entry>,
    /// Verified-trial length in seconds; 0 = no trial policy (TRIAL_NOT_ALLOWED).
    pub trial_length: i64,
    /// Whether verified trials are allowed (with a positive `trialLength`).
    pub trial_allowed: bool,
    /// Maximum number of trial activations for the product; 0 or -1 = unlimited.
    pub trial_activation_limit: i64,
    /// Fingerprint matching strategy for trials.
    pub trial_fingerprint_matching_strategy: MatchingStrategy,
    /// Whether trials may run in a VM.
    pub trial_allow_vm_activation: bool,
    /// Whether trials may run in a container.
    pub trial_allow_container_activation: bool,
    /// Allowed clock offset for trial tokens (seconds; -1 = off).
    pub trial_allowed_clock_offset: i64,
    /// Calls naming an activation id (deactivation, meter attributes,
    /// feature entitlements) must carry the activation's device fingerprint;
    /// false (the vendor's behaviour): the id alone is a bearer capability.
    pub activation_id_requires_fingerprint: bool,
    /// The license policy new licenses of the product start from; empty =
    /// none (the license defaults).
    pub license_policy_id: String,
    /// The trial policy whose fields replace the inline trial fields; empty
    /// = none.
    pub trial_policy_id: String,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

impl Default for Product {
    fn default() -> Self {
        Product {
            id: String::new(),
            name: String::new(),
            display_name: String::new(),
            description: String::new(),
            metadata: Vec::new(),
            trial_length: 0,
            trial_allowed: true,
            trial_activation_limit: 0,
            trial_fingerprint_matching_strategy: MatchingStrategy::Fuzzy,
            trial_allow_vm_activation: true,
            trial_allow_container_activation: true,
            trial_allowed_clock_offset: 600,
            activation_id_requires_fingerprint: false,
            license_policy_id: String::new(),
            trial_policy_id: String::new(),
            created_at: 0,
            updated_at: 0,
        }
    }
}

static PRODUCTS: Table = Table::new("products", &["name"]);

impl Doc for Product {
    fn table() -> &'static Table {
        &PRODUCTS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.name])
    }
}

/// The settable fields of a product (create and update; the CLI's flags).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductFields {
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// Display name (default: the name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Metadata `KEY=VALUE` (repeatable).
    #[arg(long, value_parser = crate::metadata::parse)]
    pub metadata: Option<Vec<crate::metadata::EntryRequest>>,
    /// Verified-trial length in seconds (0 = no trials).
    #[arg(long)]
    pub trial_length: Option<i64>,
    /// Whether verified trials are allowed.
    #[arg(long)]
    pub trial_allowed: Option<bool>,
    /// Maximum trial activations (0 = unlimited).
    #[arg(long, allow_hyphen_values = true)]
    pub trial_activation_limit: Option<i64>,
    /// Fingerprint matching strategy of trials.
    #[arg(long, value_enum)]
    pub trial_fingerprint_matching_strategy: Option<MatchingStrategy>,
    /// Whether trials may run in a VM.
    #[arg(long)]
    pub trial_allow_vm_activation: Option<bool>,
    /// Whether trials may run in a container.
    #[arg(long)]
    pub trial_allow_container_activation: Option<bool>,
    /// Allowed clock offset of trial tokens in seconds (-1 = off).
    #[arg(long, allow_hyphen_values = true)]
    pub trial_allowed_clock_offset: Option<i64>,
    /// Require the device fingerprint on calls that name an activation id.
    #[arg(long)]
    pub activation_id_requires_fingerprint: Option<bool>,
    /// The license policy new licenses start from (empty: none).
    #[arg(long)]
    pub license_policy_id: Option<String>,
    /// The trial policy of the product's trials (empty: none).
    #[arg(long)]
    pub trial_policy_id: Option<String>,
}

impl ProductFields {
    /// Sets every given field on `p`.
    pub fn apply(self, p: &mut Product) {
        if let Some(md) = self.metadata {
            p.metadata = crate::metadata::replace(&p.metadata, md);
        }
        overlay!(
            self,
            p,
            name,
            display_name,
            description,
            trial_length,
            trial_allowed,
            trial_activation_limit,
            trial_fingerprint_matching_strategy,
            trial_allow_vm_activation,
            trial_allow_container_activation,
            trial_allowed_clock_offset,
            activation_id_requires_fingerprint,
            license_policy_id,
            trial_policy_id
        );
    }
}

/// `POST /v3/products`: the fields plus an optional key to import.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductCreate {
    /// The product's fields.
    #[serde(flatten)]
    pub fields: ProductFields,
    /// An RSA private key (PEM) to sign with instead of a generated one.
    pub private_key: Option<String>,
}

/// A product as the API shows it: the record plus its public key and
/// product data.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    /// The record.
    #[serde(flatten)]
    pub product: Product,
    /// The public key (PEM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The product data string the library is configured with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_data: Option<String>,
    /// The account id in the product data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// Storage queries of products' key pairs.
pub mod store {
    use super::*;

    /// A product's key pair `(pkcs8, spki)`.
    pub fn key_pair(tx: &mut dyn Tx, product_id: &str) -> ApiResult<Option<(Vec<u8>, Vec<u8>)>> {
        tx.query_opt(
            "SELECT private_key, public_key FROM products WHERE id = ?1 AND private_key IS NOT NULL",
            params![product_id],
            |r| Ok((r.bytes(0)?.to_vec(), r.bytes(1)?.to_vec())),
        )
    }

    /// A product whose licenses start from license policy `policy_id`, if
    /// any (products are few: a scan of the documents).
    pub fn using_license_policy(tx: &mut dyn Tx, policy_id: &str) -> ApiResult<Option<String>> {
        Ok(tx
            .find_all::<Product>(&[])?
            .into_iter()
            .find(|p| p.license_policy_id == policy_id)
            .map(|p| p.id))
    }

    /// Stores a product's key pair.
    pub fn put_key_pair(
        tx: &mut dyn Tx,
        product_id: &str,
        pkcs8: &[u8],
        spki: &[u8],
    ) -> ApiResult<()> {
        tx.execute(
            "UPDATE products SET private_key = ?2, public_key = ?3 WHERE id = ?1",
            params![product_id, pkcs8, spki],
        )?;
        Ok(())
    }
}

fn validate(p: &Product) -> ApiResult<()> {
    validate::len_in("name", &p.name, 1, 256)?;
    validate::at_least("trialLength", p.trial_length, 0)?;
    crate::metadata::validate(
        p.metadata
            .iter()
            .map(|m| (m.key.as_str(), m.value.as_str())),
    )
}

/// 400 unless the product's `licensePolicyId` and `trialPolicyId` are
/// empty or name a policy.
fn check_policy(tx: &mut dyn Tx, p: &Product) -> ApiResult<()> {
    if !p.license_policy_id.is_empty() {
        super::license_policies::store::referenced(tx, &p.license_policy_id, "licensePolicyId")?;
    }
    if !p.trial_policy_id.is_empty() {
        super::trial_policies::store::referenced(tx, &p.trial_policy_id, "trialPolicyId")?;
    }
    Ok(())
}

/// The view of `p`, with its key and product data.
pub fn view(app: &App, tx: &mut dyn Tx, p: Product) -> ApiResult<ProductView> {
    let mut v = ProductView {
        product: p,
        public_key: None,
        product_data: None,
        account_id: None,
    };
    if let Some((_, spki)) = store::key_pair(tx, &v.product.id)? {
        let account = settings::get(tx, settings::ACCOUNT_ID)?.unwrap_or_default();
        v.product_data = Some(
            openlex_wire::ProductData::new(&v.product.id, &spki, &account, &app.public_url)
                .encode(),
        );
        v.public_key = Some(openlex_wire::product_data::to_pem(&spki));
        v.account_id = Some(account);
    }
    Ok(v)
}

/// Creates a product and its RSA-2048 key pair (or imports `privateKey`).
pub fn create(app: &App, req: ProductCreate) -> ApiResult<ProductView> {
    let now = app.now();
    let mut p = Product::default();
    req.fields.apply(&mut p);
    if p.display_name.is_empty() {
        p.display_name = p.name.clone();
    }
    p.id = crate::ids::uuid();
    p.created_at = now;
    p.updated_at = now;
    validate(&p)?;
    let keys = match req.private_key.as_deref() {
        Some(pem) if !pem.is_empty() => crate::keys::import(pem.as_bytes())?,
        _ => crate::keys::generate()?,
    };
    app.store.write(|tx| {
        check_policy(tx, &p)?;
        tx.save(&p)?;
        store::put_key_pair(tx, &p.id, &keys.pkcs8, &keys.spki)?;
        let v = view(app, tx, p.clone())?;
        super::event_logs::created(tx, Resource::Product, &p.id, now, &v)?;
        Ok(v)
    })
}

/// One product.
pub fn get_one(app: &App, id: &str) -> ApiResult<ProductView> {
    app.store.read(|tx| {
        let p = load_or_404(tx, id, "product")?;
        view(app, tx, p)
    })
}

/// Filters of `GET /v3/products`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductFilter {
    /// By name.
    #[serde(alias = "name[eq]")]
    pub name: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of products.
pub fn list(app: &App, f: &ProductFilter, page: Page) -> ApiResult<(Vec<ProductView>, i64)> {
    super::reject_unsupported_filters(&f.rest, &["query"])?;
    app.store.read(|tx| {
        let (items, total) = tx.list::<Product>(&super::filters(&[("name", &f.name)]), page)?;
        let views = items
            .into_iter()
            .map(|p| view(app, tx, p))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((views, total))
    })
}

/// Changes the given fields.
pub fn update(app: &App, id: &str, fields: ProductFields) -> ApiResult<ProductView> {
    app.store.write(|tx| {
        let mut p: Product = load_or_404(tx, id, "product")?;
        let before = view(app, tx, p.clone())?;
        fields.clone().apply(&mut p);
        p.updated_at = app.now();
        validate(&p)?;
        check_policy(tx, &p)?;
        tx.save(&p)?;
        let v = view(app, tx, p)?;
        super::event_logs::changed(tx, Resource::Product, id, "updated", app.now(), &before, &v)?;
        Ok(v)
    })
}

/// Removes the product and everything under it.
pub fn delete(app: &App, id: &str) -> ApiResult<()> {
    app.store.write(|tx| {
        let p: Product = load_or_404(tx, id, "product")?;
        let before = view(app, tx, p)?;
        super::delete_or_404::<Product>(tx, id, "product")?;
        super::event_logs::deleted(tx, Resource::Product, id, app.now(), &before)?;
        let f = [("product_id", id.to_owned())];
        for l in tx.find_all::<License>(&f)? {
            tx.delete::<License>(&l.id)?;
        }
        for a in tx.find_all::<Activation>(&f)? {
            tx.delete::<Activation>(&a.id)?;
        }
        for t in tx.find_all::<TrialActivation>(&f)? {
            tx.delete::<TrialActivation>(&t.id)?;
        }
        for r in tx.find_all::<ReleaseRec>(&f)? {
            tx.delete::<ReleaseRec>(&r.id)?;
        }
        Ok(())
    })?;
    app.keys.forget(id);
    Ok(())
}

/// Product routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/products", get(list_route).post(create_route))
        .route(
            "/v3/products/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route("/v3/products/{id}/product.dat", get(product_dat_route))
}

/// The product data file: the string the library is configured with, as
/// the vendor's dashboard downloads it.
async fn product_dat_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let v = st.app.run(move |app| get_one(app, &id)).await?;
    let data = v
        .product_data
        .ok_or_else(|| ApiError::not_found("product key"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"product.dat\"",
            ),
        ],
        data,
    )
        .into_response())
}

async fn create_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ProductCreate>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<ProductFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| get_one(app, &id)).await?)
}

async fn update_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<ProductFields>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, f)).await?)
}

async fn delete_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app.run(move |app| delete(app, &id)).await?;
    no_content()
}
