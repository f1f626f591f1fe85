//! The storage seam: a unit of work over one transaction, run by an engine.
//!
//! An operation hands [`Store::write`] (or [`read`](Store::read)) a closure;
//! the engine opens a transaction, gives the closure a [`Tx`], and commits
//! when it returns `Ok` (rolls back on `Err`). Inside, the operation runs its
//! resource's own queries (each resource module has a `store.rs`), so a
//! read-check-write sequence such as "count the seats, then insert the
//! activation" is atomic on any engine:
//!
//! * SQLite ([`sqlite`]): one writer at a time (`BEGIN IMMEDIATE`), group
//!   commit, answers only after the fsync.
//! * PostgreSQL ([`postgres`]): short READ COMMITTED transactions where
//!   the queries that read a row before changing it say `FOR UPDATE`
//!   ([`load`](Tx::load) does in write units of work), so concurrent
//!   requests for one license serialise on its row, on any node.
//!
//! Queries are portable SQL in one convention ([`dialect`]): numbered `?N`
//! placeholders, `ON CONFLICT ... DO UPDATE` upserts, row locks written as a
//! trailing `FOR UPDATE [SKIP LOCKED]`, and an insertion-order `rowid`
//! column. An engine adapts the text (placeholders, lock clauses) in one
//! place, so no query is written twice.
//!
//! Records are JSON documents plus indexed columns ([`Doc`]), so a new
//! policy field needs no migration.

pub mod copy;
pub mod dialect;
pub mod fpdigest;
pub mod postgres;
pub mod sqlite;

use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// A value bound to a `?N` placeholder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param<'a> {
    /// Text.
    Text(&'a str),
    /// 64-bit integer.
    Int(i64),
    /// Bytes.
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Blob(v)
    }
}

impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Param::Blob(v)
    }
}

/// `params![a, b]`: a slice of [`Param`]s.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::store::Param::from($v)),*][..] };
}

/// One result row; columns by 0-based position.
pub trait Row {
    /// A text column.
    fn str(&self, i: usize) -> ApiResult<&str>;
    /// An integer column.
    fn int(&self, i: usize) -> ApiResult<i64>;
    /// A blob column (empty for a non-blob value).
    fn bytes(&self, i: usize) -> ApiResult<&[u8]>;
}

/// Statements inside one transaction. SQL follows [`dialect`]'s portable
/// convention; the engine adapts it.
pub trait Tx {
    /// Runs a statement; the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ApiResult<usize>;
    /// Runs a query, calling `row` for each result row until it returns false.
    fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&dyn Row) -> ApiResult<bool>,
    ) -> ApiResult<()>;

    /// Whether [`save`](Self::save) writes with the one upsert statement.
    /// An engine that pays a round trip per statement and keeps index
    /// entries of unchanged values in place (PostgreSQL's HOT updates) says
    /// yes; SQLite, where the upsert rewrites index pages that a data-only
    /// `UPDATE` leaves clean, tries that `UPDATE` first.
    fn upsert_in_one_statement(&self) -> bool {
        false
    }
}

/// Whether a unit of work changes data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Reads a committed state.
    Read,
    /// Reads and writes; holds the locks it takes until the commit.
    Write,
}

/// A transactional engine.
pub trait Store: Send + Sync {
    /// Runs `work` in one transaction: commits when it returns Ok, rolls
    /// back otherwise; a successful return means the data is durable.
    /// `work` may be run again after a serialisation failure (an engine with
    /// optimistic concurrency may retry), so it must not act outside `tx`.
    ///
    /// When `work` succeeded, `after` runs once outside the database lock,
    /// possibly while the commit is still in flight (slow work such as
    /// signing overlaps the fsync), but `transact` returns only once the
    /// commit succeeded; if the commit fails, its error is returned.
    fn transact(
        &self,
        mode: Mode,
        work: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()>;
}

impl dyn Store + '_ {
    /// Runs `work` in a write transaction.
    pub fn write<R>(&self, work: impl FnMut(&mut dyn Tx) -> ApiResult<R>) -> ApiResult<R> {
        self.run(Mode::Write, work, Ok)
    }

    /// Runs `work` in a write transaction, then `then` on its result outside
    /// the database lock, overlapping the commit; returns once both are done
    /// and the commit is durable. For signing tokens: nothing signed is
    /// returned unless the data it describes was committed.
    pub fn write_then<R, S>(
        &self,
        work: impl FnMut(&mut dyn Tx) -> ApiResult<R>,
        then: impl FnOnce(R) -> ApiResult<S>,
    ) -> ApiResult<S> {
        self.run(Mode::Write, work, then)
    }

    /// Runs `work` in a read transaction.
    pub fn read<R>(&self, work: impl FnMut(&mut dyn Tx) -> ApiResult<R>) -> ApiResult<R> {
        self.run(Mode::Read, work, Ok)
    }

    fn run<R, S>(
        &self,
        mode: Mode,
        mut work: impl FnMut(&mut dyn Tx) -> ApiResult<R>,
        then: impl FnOnce(R) -> ApiResult<S>,
    ) -> ApiResult<S> {
        let missing = || ApiError::internal("unit of work produced no result");
        // Both closures hand values through `mid`, so it needs a RefCell.
        let mid = std::cell::RefCell::new(None);
        let mut then = Some(then);
        let mut out = None;
        self.transact(
            mode,
            &mut |tx| {
                *mid.borrow_mut() = Some(work(tx)?);
                Ok(())
            },
            &mut || {
                let (then, r) = (then.take(), mid.borrow_mut().take());
                let (Some(then), Some(r)) = (then, r) else {
                    return Err(missing());
                };
                out = Some(then(r)?);
                Ok(())
            },
        )?;
        out.ok_or_else(missing)
    }
}

/// A table of JSON documents: `id`, `created_at`, the indexed columns and
/// `data`. Its statements are built once.
pub struct Table {
    /// Table name (a constant, never user input).
    pub name: &'static str,
    /// Indexed columns, in the order [`Doc::index`] returns their values.
    pub index: &'static [&'static str],
    sql: OnceLock<TableSql>,
}

struct TableSql {
    get: String,
    get_locked: String,
    update_data: String,
    upsert: String,
    delete: String,
}

impl Table {
    /// Describes a table.
    pub const fn new(name: &'static str, index: &'static [&'static str]) -> Self {
        Table {
            name,
            index,
            sql: OnceLock::new(),
        }
    }

    fn sql(&self) -> &TableSql {
        self.sql.get_or_init(|| {
            let t = self.name;
            let mut update_data = format!("UPDATE {t} SET data = ?2 WHERE id = ?1");
            for (i, c) in self.index.iter().enumerate() {
                update_data.push_str(&format!(" AND {c} = ?{}", i + 3));
            }
            let mut cols = vec!["id", "created_at"];
            cols.extend(self.index);
            cols.push("data");
            let ph: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            let mut set: Vec<String> = self
                .index
                .iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            set.push("data = excluded.data".into());
            TableSql {
                // Loads in a write unit of work lock the row on a server
                // engine, so read-modify-write of a document (a license's
                // deactivation count, an activation's meter uses) never
                // loses a concurrent update. Products are read by every
                // activation and changed only by administrators: their
                // plain load takes no lock (see `load_locked`).
                get: if t == "products" {
                    format!("SELECT data FROM {t} WHERE id = ?1")
                } else {
                    format!("SELECT data FROM {t} WHERE id = ?1 FOR UPDATE")
                },
                get_locked: format!("SELECT data FROM {t} WHERE id = ?1 FOR UPDATE"),
                update_data,
                upsert: format!(
                    "INSERT INTO {t} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
                    cols.join(", "),
                    ph.join(", "),
                    set.join(", ")
                ),
                delete: format!("DELETE FROM {t} WHERE id = ?1"),
            }
        })
    }

    fn check(&self, col: &str) -> ApiResult<()> {
        if self.index.contains(&col) {
            Ok(())
        } else {
            Err(ApiError::internal(format!(
                "column {col} is not indexed on {}",
                self.name
            )))
        }
    }
}

/// A record stored as a JSON document in its [`Table`].
pub trait Doc: Serialize + DeserializeOwned {
    /// Its table.
    fn table() -> &'static Table;
    /// Its id.
    fn id(&self) -> &str;
    /// Its creation time (unix seconds).
    fn created_at(&self) -> i64;
    /// Calls `f` with the values of the table's indexed columns, in
    /// [`Table::index`] order (a callback, so values computed on the spot,
    /// such as a fingerprint digest, need no allocation that outlives it).
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()>;
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

fn parse_doc<T: DeserializeOwned>(json: &str) -> ApiResult<T> {
    Ok(serde_json::from_str(json)?)
}

/// The `WHERE` clause (empty without filters) and its values for equality
/// filters on indexed columns of `table`; an unindexed column is refused.
fn filter_sql<'f>(
    table: &Table,
    filter: &'f [(&'static str, String)],
) -> ApiResult<(String, Vec<Param<'f>>)> {
    let mut wh = Vec::new();
    for (i, (c, _)) in filter.iter().enumerate() {
        table.check(c)?;
        wh.push(format!("{c} = ?{}", i + 1));
    }
    let where_sql = if wh.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", wh.join(" AND "))
    };
    Ok((
        where_sql,
        filter.iter().map(|(_, v)| Param::Text(v)).collect(),
    ))
}

impl<'a> dyn Tx + 'a {
    /// The first row mapped by `map`, if any.
    pub fn query_opt<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&dyn Row) -> ApiResult<T>,
    ) -> ApiResult<Option<T>> {
        let mut map = Some(map);
        let mut out = None;
        self.query(sql, params, &mut |r| {
            if let Some(m) = map.take() {
                out = Some(m(r)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// Every row mapped by `map`.
    pub fn query_all<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&dyn Row) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        let mut out = Vec::new();
        self.query(sql, params, &mut |r| {
            out.push(map(r)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The integer in the first column of the first row (0 without rows):
    /// counts.
    pub fn count(&mut self, sql: &str, params: &[Param<'_>]) -> ApiResult<i64> {
        Ok(self.query_opt(sql, params, |r| r.int(0))?.unwrap_or(0))
    }

    /// The JSON document in the first column of the first row.
    pub fn doc<T: DeserializeOwned>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> ApiResult<Option<T>> {
        self.query_opt(sql, params, |r| parse_doc(r.str(0)?))
    }

    /// The JSON documents in the first column of every row.
    pub fn docs<T: DeserializeOwned>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> ApiResult<Vec<T>> {
        self.query_all(sql, params, |r| parse_doc(r.str(0)?))
    }

    /// Loads a document by id; in a write unit of work the row stays
    /// locked until the commit (products excepted: [`load_locked`](Self::load_locked)).
    pub fn load<T: Doc>(&mut self, id: &str) -> ApiResult<Option<T>> {
        self.doc(&T::table().sql().get, params![id])
    }

    /// Loads a document by id and locks its row in a write unit of work,
    /// whatever its table: for checks that count rows belonging to it (a
    /// product's trial activations).
    pub fn load_locked<T: Doc>(&mut self, id: &str) -> ApiResult<Option<T>> {
        self.doc(&T::table().sql().get_locked, params![id])
    }

    /// Whether a document with `id` exists.
    pub fn exists<T: Doc>(&mut self, id: &str) -> ApiResult<bool> {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", T::table().name);
        Ok(self.query_opt(&sql, params![id], |_| Ok(()))?.is_some())
    }

    /// Inserts or replaces a document and its indexed columns. When no
    /// indexed column changed (a license's lastUsedAt on every activation)
    /// only `data` is set, which leaves the index pages clean: each dirtied
    /// page is 4 KiB more to write at commit. A unique index violated is
    /// 409 CONFLICT.
    pub fn save<T: Doc>(&mut self, doc: &T) -> ApiResult<()> {
        self.save_json(doc, &serde_json::to_string(doc)?)
    }

    /// [`save`](Self::save), with `json` the caller's own serialisation of
    /// `doc` (`serde_json::to_string(doc)`), for a caller that needs the
    /// JSON again: an activation's event carries the same DTO, so the
    /// hottest write serialises it once.
    pub fn save_json<T: Doc>(&mut self, doc: &T, json: &str) -> ApiResult<()> {
        let table = T::table();
        let sql = table.sql();
        doc.with_index(&mut |index| {
            let mut vals: Vec<Param<'_>> = Vec::with_capacity(index.len() + 3);
            vals.push(Param::Text(doc.id()));
            vals.push(Param::Text(json));
            vals.extend(index.iter().copied());
            if !self.upsert_in_one_statement() && self.execute(&sql.update_data, &vals)? == 1 {
                return Ok(());
            }
            vals.clear();
            vals.push(Param::Text(doc.id()));
            vals.push(Param::Int(doc.created_at()));
            vals.extend(index.iter().copied());
            vals.push(Param::Text(json));
            self.execute(&sql.upsert, &vals).map_err(|e| {
                if e.code == openlex_wire::ErrorCode::Conflict {
                    ApiError::new(
                        e.code,
                        format!("a {} with the same unique value exists", table.name),
                    )
                } else {
                    e
                }
            })?;
            Ok(())
        })
    }

    /// Deletes a document; false when it did not exist.
    pub fn delete<T: Doc>(&mut self, id: &str) -> ApiResult<bool> {
        Ok(self.execute(&T::table().sql().delete, params![id])? > 0)
    }

    /// Documents whose indexed columns equal every `filter` value, one page,
    /// plus the total count.
    pub fn list<T: Doc>(
        &mut self,
        filter: &[(&'static str, String)],
        page: Page,
    ) -> ApiResult<(Vec<T>, i64)> {
        let total = self.count_matching::<T>(filter)?;
        Ok((self.list_page(filter, page)?, total))
    }

    /// How many documents match `filter` (an index range count: it steps
    /// through every matching entry).
    pub fn count_matching<T: Doc>(&mut self, filter: &[(&'static str, String)]) -> ApiResult<i64> {
        let (where_sql, vals) = filter_sql(T::table(), filter)?;
        self.count(
            &format!("SELECT COUNT(*) FROM {}{where_sql}", T::table().name),
            &vals,
        )
    }

    /// One page of the documents matching `filter`, without the count.
    pub fn list_page<T: Doc>(
        &mut self,
        filter: &[(&'static str, String)],
        page: Page,
    ) -> ApiResult<Vec<T>> {
        let (where_sql, vals) = filter_sql(T::table(), filter)?;
        let order = if page.newest_first { "DESC" } else { "ASC" };
        let limit = page.limit.clamp(1, 100) as i64;
        let offset = (page.page.max(1) as i64 - 1) * limit;
        // The page's rows are picked from the index alone, then only they
        // are read: a deep page skips index entries, not documents (page
        // 1,000 of a product's 100,000 licenses in 5 ms instead of 30).
        let t = T::table().name;
        let sql = format!(
            "SELECT data FROM {t} WHERE rowid IN (SELECT rowid FROM {t}{where_sql} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}) ORDER BY created_at {order}, rowid {order}"
        );
        self.docs(&sql, &vals)
    }

    /// Every document matching `filter` (all pages, oldest first).
    pub fn find_all<T: Doc>(&mut self, filter: &[(&'static str, String)]) -> ApiResult<Vec<T>> {
        let mut out = Vec::new();
        let mut page = Page {
            page: 1,
            limit: 100,
            newest_first: false,
        };
        loop {
            let (rows, total) = self.list::<T>(filter, page)?;
            let n = rows.len();
            out.extend(rows);
            if n == 0 || out.len() as i64 >= total {
                return Ok(out);
            }
            page.page += 1;
        }
    }
}
