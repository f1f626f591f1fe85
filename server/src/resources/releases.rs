//! Releases and their files; the client's update check.
//!
//! Admin: `POST|GET /v3/releases`, `GET|PATCH|DELETE /v3/releases/{id}`,
//! `POST /v3/releases/{id}/publish`, `POST /v3/releases/{id}/files`, and the
//! vendor's `POST|GET /v3/release-files` (files live inside their release). Client: `GET /v3/releases/update`,
//! `GET /v3/releases/latest`.

use std::cmp::Ordering;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::{Release, ReleaseFile};
use openlex_wire::version;
use serde::{Deserialize, Serialize};

use super::activations::invalid_product;
use super::event_logs::Resource;
use super::products::Product;
use super::{filters, licenses, load_or_404};
use crate::app::App;
use crate::auth::scope;
use crate::clock::iso8601;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::params;
use crate::store::{Doc, Param, Table};
use crate::validate;

/// A release: the wire `Release` plus its registry keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseRec {
    /// Id.
    pub id: String,
    /// Product id.
    pub product_id: String,
    /// Name.
    pub name: String,
    /// Version (`x.y[.z[.w]]`).
    pub version: String,
    /// Channel (default `stable`).
    pub channel: String,
    /// Platforms (e.g. `linux`, `windows`).
    pub platforms: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Published (only published releases are offered to clients).
    pub published: bool,
    /// Private release.
    pub is_private: bool,
    /// Files.
    pub files: Vec<ReleaseFile>,
    /// Published at.
    #[serde(with = "crate::dates::nullable")]
    pub published_at: i64,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

/// A string or a list of strings (the vendor's `platform` is one string).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => None,
        Some(OneOrMany::One(p)) => Some(vec![p]),
        Some(OneOrMany::Many(v)) => Some(v),
    })
}

/// A release as the admin API shows it: the record plus the vendor's
/// `ReleaseDto` names (`platform`: the first platform, `private`,
/// `totalFiles`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseView {
    /// The record.
    #[serde(flatten)]
    pub release: ReleaseRec,
    /// The first platform (the vendor's releases have one).
    pub platform: String,
    /// Private release.
    pub private: bool,
    /// Number of files.
    pub total_files: usize,
}

impl From<ReleaseRec> for ReleaseView {
    fn from(r: ReleaseRec) -> Self {
        ReleaseView {
            platform: r.platforms.first().cloned().unwrap_or_default(),
            private: r.is_private,
            total_files: r.files.len(),
            release: r,
        }
    }
}

static RELEASES: Table = Table::new("releases", &["product_id"]);

impl Doc for ReleaseRec {
    fn table() -> &'static Table {
        &RELEASES
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.product_id])
    }
}

/// The settable fields of a release.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseFields {
    /// Name (default: the version).
    #[arg(long)]
    pub name: Option<String>,
    /// Version, `1.2[.3[.4]]`.
    #[arg(long)]
    pub version: Option<String>,
    /// Channel (default `stable`).
    #[arg(long)]
    pub channel: Option<String>,
    /// Platform, repeatable or comma-separated. JSON also takes the
    /// vendor's single `platform` string.
    #[arg(long = "platform", value_delimiter = ',')]
    #[serde(alias = "platform", deserialize_with = "one_or_many")]
    pub platforms: Option<Vec<String>>,
    /// Notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Offered to clients (default true).
    #[arg(long)]
    pub published: Option<bool>,
    /// Private release (the vendor's `private`).
    #[arg(long)]
    #[serde(alias = "private")]
    pub is_private: Option<bool>,
    /// Files (JSON only; the CLI adds one with `--file-name`).
    #[arg(skip)]
    pub files: Option<Vec<ReleaseFile>>,
    /// Published at (unix seconds).
    #[arg(long)]
    #[serde(default, with = "crate::dates::request")]
    pub published_at: Option<i64>,
}

impl ReleaseFields {
    /// Sets every given field on `r`.
    pub fn apply(self, r: &mut ReleaseRec) {
        overlay!(
            self,
            r,
            name,
            version,
            channel,
            platforms,
            notes,
            published,
            is_private,
            files,
            published_at
        );
    }
}

/// `POST /v3/releases`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseCreate {
    /// The product.
    #[arg(long)]
    pub product_id: String,
    /// The fields.
    #[serde(flatten)]
    #[command(flatten)]
    pub fields: ReleaseFields,
}

/// `POST /v3/releases/{id}/files`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileCreate {
    /// File name.
    pub name: String,
    /// Download URL.
    pub url: String,
    /// Size in bytes.
    pub size: i32,
    /// Checksum.
    pub checksum: String,
    /// Needs a license key to download.
    pub secured: bool,
    /// Extension (default: from the name).
    pub extension: String,
}

/// The vendor's `POST /v3/release-files`: a file plus its release.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseFileCreate {
    /// The release the file belongs to.
    pub release_id: String,
    /// The file.
    #[serde(flatten)]
    pub file: FileCreate,
}

/// Query of `GET /v3/release-files`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseFileQuery {
    /// The release whose files to list (required).
    #[serde(alias = "releaseId[eq]")]
    pub release_id: String,
}

fn validate(r: &ReleaseRec) -> ApiResult<()> {
    validate::release_version("version", &r.version)?;
    validate::len_in("channel", &r.channel, 1, 256)?;
    if r.platforms.is_empty() || r.platforms.iter().any(|p| p.is_empty() || p.len() > 256) {
        return Err(ApiError::validation(
            "platforms must list 1..256-character names",
        ));
    }
    Ok(())
}

fn fill_file(f: &mut ReleaseFile, release_id: &str, now: i64) {
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
        f.created_at = iso8601(now);
    }
    f.updated_at = iso8601(now);
}

/// Creates (and by default publishes) a release.
pub fn create(app: &App, req: ReleaseCreate) -> ApiResult<ReleaseRec> {
    let now = app.now();
    let mut r = ReleaseRec {
        product_id: req.product_id,
        channel: "stable".into(),
        published: true,
        ..Default::default()
    };
    req.fields.apply(&mut r);
    r.id = crate::ids::uuid();
    r.created_at = now;
    r.updated_at = now;
    if r.published_at == 0 && r.published {
        r.published_at = now;
    }
    if r.name.is_empty() {
        r.name = r.version.clone();
    }
    validate(&r)?;
    for f in r.files.iter_mut() {
        fill_file(f, &r.id, now);
    }
    app.store.write(|tx| {
        if !tx.exists::<Product>(&r.product_id)? {
            return Err(ApiError::validation(
                "productId must name an existing product",
            ));
        }
        tx.save(&r)?;
        super::event_logs::created(tx, Resource::Release, &r.id, now, &r)
    })?;
    Ok(r)
}

/// Changes the given fields.
pub fn update(app: &App, id: &str, fields: ReleaseFields) -> ApiResult<ReleaseRec> {
    let now = app.now();
    app.store.write(|tx| {
        let mut r: ReleaseRec = load_or_404(tx, id, "release")?;
        let before = r.clone();
        fields.clone().apply(&mut r);
        r.updated_at = now;
        if r.published && r.published_at == 0 {
            r.published_at = now;
        }
        validate(&r)?;
        for f in r.files.iter_mut() {
            fill_file(f, id, now);
        }
        tx.save(&r)?;
        super::event_logs::changed(tx, Resource::Release, id, "updated", now, &before, &r)?;
        Ok(r)
    })
}

/// Publishes a release (offered to clients from now on).
pub fn publish(app: &App, id: &str) -> ApiResult<ReleaseRec> {
    let now = app.now();
    app.store.write(|tx| {
        let mut r: ReleaseRec = load_or_404(tx, id, "release")?;
        if !r.published {
            let before = r.clone();
            r.published = true;
            r.published_at = now;
            r.updated_at = now;
            tx.save(&r)?;
            super::event_logs::changed(tx, Resource::Release, id, "published", now, &before, &r)?;
        }
        Ok(r)
    })
}

/// Adds a file to a release.
pub fn add_file(app: &App, id: &str, req: FileCreate) -> ApiResult<ReleaseRec> {
    validate::len_in("name", &req.name, 1, 256)?;
    let now = app.now();
    app.store.write(|tx| {
        let mut r: ReleaseRec = load_or_404(tx, id, "release")?;
        let before = r.clone();
        let mut f = ReleaseFile {
            name: req.name.clone(),
            url: req.url.clone(),
            size: req.size,
            checksum: req.checksum.clone(),
            secured: req.secured,
            extension: req.extension.clone(),
            ..Default::default()
        };
        fill_file(&mut f, id, now);
        r.files.push(f);
        r.updated_at = now;
        tx.save(&r)?;
        super::event_logs::changed(tx, Resource::Release, id, "updated", now, &before, &r)?;
        Ok(r)
    })
}

/// Query of the client's release endpoints.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// Only releases the license allows (`true` or `1`).
    pub allowed: String,
}

fn channel_of(c: &str) -> &str {
    if c.is_empty() {
        "stable"
    } else {
        c
    }
}

/// The newest published release for a product/platform/channel (`None`:
/// none), newer than `q.version` when `newer_only`. With `allowed`,
/// releases above the license's maxAllowedReleaseVersion are skipped.
pub fn newest(app: &App, q: &ReleaseQuery, newer_only: bool) -> ApiResult<Option<Release>> {
    if q.product_id.is_empty() {
        return Err(ApiError::validation("productId is required"));
    }
    let channel = channel_of(&q.channel);
    let allowed = matches!(q.allowed.as_str(), "true" | "1");
    app.store.read(|tx| {
        if !tx.exists::<Product>(&q.product_id)? {
            return Err(invalid_product());
        }
        let mut max_allowed = String::new();
        if !q.key.is_empty() {
            let l = licenses::store::by_key(tx, &q.key)?
                .filter(|l| l.product_id == q.product_id)
                .ok_or_else(licenses::invalid_key)?;
            if allowed {
                max_allowed = l.max_allowed_release_version;
            }
        }
        let mut best: Option<ReleaseRec> = None;
        for r in tx.find_all::<ReleaseRec>(&[("product_id", q.product_id.clone())])? {
            if !r.published || !channel_of(&r.channel).eq_ignore_ascii_case(channel) {
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
                && version::compare(&r.version, &max_allowed) == Ordering::Greater
            {
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|b| version::compare(&r.version, &b.version) == Ordering::Greater)
            {
                best = Some(r);
            }
        }
        let best = best.filter(|b| {
            !newer_only || version::compare(&b.version, &q.version) == Ordering::Greater
        });
        Ok(best.map(|b| wire(&b)))
    })
}

/// The wire JSON of a release.
pub fn wire(r: &ReleaseRec) -> Release {
    Release {
        total_files: r.files.len() as i32,
        is_private: r.is_private,
        published: r.published,
        id: r.id.clone(),
        created_at: iso8601(r.created_at),
        updated_at: iso8601(r.updated_at),
        name: r.name.clone(),
        channel: channel_of(&r.channel).to_owned(),
        version: r.version.clone(),
        notes: r.notes.clone(),
        published_at: iso8601(r.published_at),
        product_id: r.product_id.clone(),
        platforms: r.platforms.clone(),
        files: r.files.clone(),
    }
}

/// Filters of `GET /v3/releases`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseFilter {
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// Release routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/releases", get(list_route).post(create_route))
        .route(
            "/v3/releases/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route("/v3/releases/{id}/files", post(add_file_route))
        .route("/v3/releases/{id}/publish", post(publish_route))
        .route(
            "/v3/release-files",
            get(list_files_route).post(create_file_route),
        )
        .route("/v3/releases/update", get(update_check))
        .route("/v3/releases/latest", get(latest))
}

async fn create_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ReleaseCreate>,
) -> ApiResult<Response> {
    created(&ReleaseView::from(
        st.app.run(move |app| create(app, req)).await?,
    ))
}

async fn list_route(
    _: Admin<scope::ReleaseRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<ReleaseFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    super::reject_unsupported_filters(
        &f.rest,
        &["name", "platform", "channel", "version", "query"],
    )?;
    let filter = filters(&[("product_id", &f.product_id)]);
    let (items, total) = st
        .app
        .run(move |app| super::list_docs::<ReleaseRec>(app, &filter, page))
        .await?;
    list_response((items.into_iter().map(ReleaseView::from).collect(), total))
}

async fn get_route(
    _: Admin<scope::ReleaseRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let r: ReleaseRec = st
        .app
        .run(move |app| super::get_doc(app, &id, "release"))
        .await?;
    ok(&ReleaseView::from(r))
}

async fn update_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<ReleaseFields>,
) -> ApiResult<Response> {
    ok(&ReleaseView::from(
        st.app.run(move |app| update(app, &id, f)).await?,
    ))
}

async fn delete_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            super::delete_doc(
                app,
                &id,
                "release",
                super::event_logs::Resource::Release,
                ReleaseRec::clone,
            )
        })
        .await?;
    no_content()
}

async fn add_file_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FileCreate>,
) -> ApiResult<Response> {
    created(&ReleaseView::from(
        st.app.run(move |app| add_file(app, &id, req)).await?,
    ))
}

async fn publish_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&ReleaseView::from(
        st.app.run(move |app| publish(app, &id)).await?,
    ))
}

async fn create_file_route(
    _: Admin<scope::ReleaseWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ReleaseFileCreate>,
) -> ApiResult<Response> {
    validate::len_in("releaseId", &req.release_id, 1, 256)?;
    created(&ReleaseView::from(
        st.app
            .run(move |app| add_file(app, &req.release_id, req.file))
            .await?,
    ))
}

async fn list_files_route(
    _: Admin<scope::ReleaseRead>,
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<ReleaseFileQuery>,
) -> ApiResult<Response> {
    validate::len_in("releaseId", &q.release_id, 1, 256)?;
    let r: ReleaseRec = st
        .app
        .run(move |app| super::get_doc(app, &q.release_id, "release"))
        .await?;
    let total = r.files.len() as i64;
    list_response((r.files, total))
}

async fn update_check(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<ReleaseQuery>,
) -> ApiResult<Response> {
    validate::release_version("version", &q.version)?;
    match st.app.run(move |app| newest(app, &q, true)).await? {
        Some(r) => ok(&r),
        None => no_content(),
    }
}

async fn latest(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<ReleaseQuery>,
) -> ApiResult<Response> {
    match st.app.run(move |app| newest(app, &q, false)).await? {
        Some(r) => ok(&r),
        None => Err(ApiError::not_found("release")),
    }
}
