//! Storage behind a trait, so PostgreSQL (or anything transactional) can
//! follow SQLite.
//!
//! A [`Store`] runs a closure inside one transaction; the closure sees a
//! [`Tx`] with document-level operations. All policy logic (limits, leases,
//! meters) lives above this layer, in `service`, and runs inside a single
//! write transaction, so a limit check and the insert it guards are atomic.

pub mod fpdigest;
pub mod group;
pub mod migrations;
pub mod sqlite;

use openlex_wire::fingerprint::MatchStrategy;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::models::*;

/// The kinds of stored documents, one table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `products`
    Product,
    /// `licenses`
    License,
    /// `activations`
    Activation,
    /// `trial_activations`
    Trial,
    /// `users`
    User,
    /// `releases`
    Release,
    /// `entitlement_sets`
    EntitlementSet,
    /// `admin_tokens`
    AdminToken,
}

impl Kind {
    /// Table name (a constant, never user input).
    pub fn table(self) -> &'static str {
        match self {
            Kind::Product => "products",
            Kind::License => "licenses",
            Kind::Activation => "activations",
            Kind::Trial => "trial_activations",
            Kind::User => "users",
            Kind::Release => "releases",
            Kind::EntitlementSet => "entitlement_sets",
            Kind::AdminToken => "admin_tokens",
        }
    }

    /// Indexed columns of the table; filters may use only these.
    /// `fp_digest` ([`fpdigest`]) is written with the document but only
    /// [`Tx::matching`] reads it.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Product => &["name"],
            Kind::License => &["product_id", "key", "user_id"],
            Kind::Activation => &[
                "license_id",
                "product_id",
                "fingerprint",
                "lease_expires_at",
                "fp_digest",
            ],
            Kind::Trial => &["product_id", "fingerprint", "fp_digest"],
            Kind::User => &["email"],
            Kind::Release => &["product_id"],
            Kind::EntitlementSet => &["product_id"],
            Kind::AdminToken => &["token_hash"],
        }
    }
}

/// A value of an indexed column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexVal {
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// Bytes.
    Blob(Vec<u8>),
}

/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub page: u32,
    /// Items per page (1..=100).
    pub limit: u32,
    /// Newest first when true (`sort=-createdAt`, the default).
    pub newest_first: bool,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            page: 1,
            limit: 100,
            newest_first: true,
        }
    }
}

/// Operations inside one transaction.
pub trait Tx {
    /// The JSON document of `kind` with `id`.
    fn get(&mut self, kind: Kind, id: &str) -> ApiResult<Option<String>>;
    /// The first document whose indexed `col` equals `value`.
    fn get_by(&mut self, kind: Kind, col: &'static str, value: &str) -> ApiResult<Option<String>>;
    /// Inserts or replaces a document and its indexed columns.
    fn put(
        &mut self,
        kind: Kind,
        id: &str,
        created_at: i64,
        index: &[(&'static str, IndexVal)],
        json: &str,
    ) -> ApiResult<()>;
    /// Deletes a document; false when it did not exist.
    fn delete(&mut self, kind: Kind, id: &str) -> ApiResult<bool>;
    /// Documents matching all `filter` equalities, one page, plus the total count.
    fn list(
        &mut self,
        kind: Kind,
        filter: &[(&'static str, String)],
        page: Page,
    ) -> ApiResult<(Vec<String>, i64)>;
    /// Ids of the activations of a license (`owner_col` = `license_id`) or
    /// trials of a product (`product_id`) whose fingerprint matches
    /// `presented` under `strategy`, oldest first.
    fn matching(
        &mut self,
        kind: Kind,
        owner_col: &'static str,
        owner: &str,
        presented: &str,
        strategy: MatchStrategy,
    ) -> ApiResult<Vec<String>>;
    /// Seats in use: activations of the license with no lease or a live one.
    fn count_seats(&mut self, license_id: &str, now: i64) -> ApiResult<i64>;
    /// Deletes activations of the license whose lease has expired (frees seats).
    fn delete_expired_leases(&mut self, license_id: &str, now: i64) -> ApiResult<usize>;
    /// A product's key pair `(pkcs8, spki)`.
    fn product_key(&mut self, product_id: &str) -> ApiResult<Option<(Vec<u8>, Vec<u8>)>>;
    /// Stores a product's key pair.
    fn put_product_key(&mut self, product_id: &str, pkcs8: &[u8], spki: &[u8]) -> ApiResult<()>;
    /// A server setting.
    fn setting(&mut self, key: &str) -> ApiResult<Option<String>>;
    /// Sets a server setting.
    fn put_setting(&mut self, key: &str, value: &str) -> ApiResult<()>;
    /// The user id and expiry of a login session by token hash.
    fn session(&mut self, token_hash: &str) -> ApiResult<Option<(String, i64)>>;
    /// Records a login session.
    fn put_session(&mut self, token_hash: &str, user_id: &str, expires_at: i64) -> ApiResult<()>;
}

/// A transactional store.
pub trait Store: Send + Sync {
    /// Runs `f` in one transaction: `write` takes the write lock up front
    /// (SQLite `BEGIN IMMEDIATE`) so read-check-write sequences are atomic
    /// across threads and processes. Commits when `f` returns Ok, rolls back
    /// otherwise; a successful return means the data is durable.
    ///
    /// When `f` succeeded, `after` runs outside the database lock, possibly
    /// while the commit is still in flight (so slow work such as signing
    /// overlaps the fsync), but `transact` returns its result only once the
    /// commit succeeded; if the commit fails, the commit's error is returned.
    fn transact(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()>;
}

fn run<R, S>(
    store: &dyn Store,
    write: bool,
    f: impl FnOnce(&mut dyn Tx) -> ApiResult<R>,
    then: impl FnOnce(R) -> ApiResult<S>,
) -> ApiResult<S> {
    let retried = || ApiError::internal("transaction closure retried");
    let (mut f, mut then) = (Some(f), Some(then));
    // Both closures hand values through `mid`, so it needs a RefCell.
    let mid = std::cell::RefCell::new(None);
    let mut out = None;
    store.transact(
        write,
        &mut |tx| {
            let f = f.take().ok_or_else(retried)?;
            *mid.borrow_mut() = Some(f(tx)?);
            Ok(())
        },
        &mut || {
            let (then, r) = (then.take(), mid.borrow_mut().take());
            let (Some(then), Some(r)) = (then, r) else {
                return Err(retried());
            };
            out = Some(then(r)?);
            Ok(())
        },
    )?;
    out.ok_or_else(|| ApiError::internal("transaction produced no result"))
}

/// Runs `f` in a write transaction.
pub fn write<R>(store: &dyn Store, f: impl FnOnce(&mut dyn Tx) -> ApiResult<R>) -> ApiResult<R> {
    run(store, true, f, Ok)
}

/// Runs `f` in a write transaction, then `then` on its result outside the
/// database lock, overlapping the commit; returns once both are done and the
/// commit is durable. For signing tokens: nothing signed is returned unless
/// the data it describes was committed.
pub fn write_then<R, S>(
    store: &dyn Store,
    f: impl FnOnce(&mut dyn Tx) -> ApiResult<R>,
    then: impl FnOnce(R) -> ApiResult<S>,
) -> ApiResult<S> {
    run(store, true, f, then)
}

/// Runs `f` in a read transaction.
pub fn read<R>(store: &dyn Store, f: impl FnOnce(&mut dyn Tx) -> ApiResult<R>) -> ApiResult<R> {
    run(store, false, f, Ok)
}

/// A stored document type.
pub trait Doc: Serialize + DeserializeOwned {
    /// Its table.
    const KIND: Kind;
    /// Its id.
    fn id(&self) -> &str;
    /// Its creation time.
    fn created(&self) -> i64;
    /// Values of its indexed columns.
    fn index(&self) -> Vec<(&'static str, IndexVal)>;
}

fn t(s: &str) -> IndexVal {
    IndexVal::Text(s.to_owned())
}

macro_rules! doc {
    ($ty:ty, $kind:expr, |$s:ident| $idx:expr) => {
        impl Doc for $ty {
            const KIND: Kind = $kind;
            fn id(&self) -> &str {
                &self.id
            }
            fn created(&self) -> i64 {
                self.created_at
            }
            fn index(&self) -> Vec<(&'static str, IndexVal)> {
                let $s = self;
                $idx
            }
        }
    };
}

doc!(Product, Kind::Product, |s| vec![("name", t(&s.name))]);
doc!(License, Kind::License, |s| vec![
    ("product_id", t(&s.product_id)),
    ("key", t(&s.key)),
    ("user_id", t(&s.user_id))
]);
doc!(Activation, Kind::Activation, |s| vec![
    ("license_id", t(&s.license_id)),
    ("product_id", t(&s.product_id)),
    ("fingerprint", t(&s.fingerprint)),
    ("lease_expires_at", IndexVal::Int(s.lease_expires_at)),
    (
        "fp_digest",
        IndexVal::Blob(fpdigest::digest(&s.fingerprint))
    )
]);
doc!(TrialActivation, Kind::Trial, |s| vec![
    ("product_id", t(&s.product_id)),
    ("fingerprint", t(&s.fingerprint)),
    (
        "fp_digest",
        IndexVal::Blob(fpdigest::digest(&s.fingerprint))
    )
]);
doc!(User, Kind::User, |s| vec![(
    "email",
    t(&s.email.to_lowercase())
)]);
doc!(ReleaseRec, Kind::Release, |s| vec![(
    "product_id",
    t(&s.product_id)
)]);
doc!(EntitlementSetRec, Kind::EntitlementSet, |s| vec![(
    "product_id",
    t(&s.product_id)
)]);
doc!(AdminToken, Kind::AdminToken, |s| vec![(
    "token_hash",
    t(&s.token_hash)
)]);

impl<'a> dyn Tx + 'a {
    /// Loads a typed document.
    pub fn load<T: Doc>(&mut self, id: &str) -> ApiResult<Option<T>> {
        match self.get(T::KIND, id)? {
            Some(j) => Ok(Some(serde_json::from_str(&j)?)),
            None => Ok(None),
        }
    }

    /// Loads the first typed document whose `col` equals `value`.
    pub fn load_by<T: Doc>(&mut self, col: &'static str, value: &str) -> ApiResult<Option<T>> {
        match self.get_by(T::KIND, col, value)? {
            Some(j) => Ok(Some(serde_json::from_str(&j)?)),
            None => Ok(None),
        }
    }

    /// Saves a typed document.
    pub fn save<T: Doc>(&mut self, doc: &T) -> ApiResult<()> {
        let json = serde_json::to_string(doc)?;
        self.put(T::KIND, doc.id(), doc.created(), &doc.index(), &json)
    }

    /// Lists typed documents.
    pub fn find<T: Doc>(
        &mut self,
        filter: &[(&'static str, String)],
        page: Page,
    ) -> ApiResult<(Vec<T>, i64)> {
        let (rows, total) = self.list(T::KIND, filter, page)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(serde_json::from_str(&r)?);
        }
        Ok((out, total))
    }

    /// Every typed document matching `filter` (all pages).
    pub fn find_all<T: Doc>(&mut self, filter: &[(&'static str, String)]) -> ApiResult<Vec<T>> {
        let mut out = Vec::new();
        let mut page = Page {
            page: 1,
            limit: 100,
            newest_first: false,
        };
        loop {
            let (rows, total) = self.find::<T>(filter, page)?;
            let n = rows.len();
            out.extend(rows);
            if n == 0 || out.len() as i64 >= total {
                return Ok(out);
            }
            page.page += 1;
        }
    }
}
