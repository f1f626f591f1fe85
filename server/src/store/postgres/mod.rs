//! PostgreSQL implementation of [`Store`]: several server nodes on one
//! database.
//!
//! * Write units of work run `READ COMMITTED` with row locks: every
//!   document loaded in one is locked (`FOR UPDATE`, see `Tx::load`), the
//!   license of an activation by its key, the product of a trial, so the
//!   read-check-write sequences of the resource modules (seats,
//!   deactivations, trial counts, meters, login locks) stay exact across
//!   nodes: a concurrent request for the same license waits for the row and
//!   then reads the committed state. (`SERIALIZABLE` was measured first:
//!   its page-level predicate locks aborted about one attempt in two under
//!   the benchmark load, halving throughput.) A deadlock reruns the unit of
//!   work (bounded, with jitter), as the [`Store::transact`] contract allows.
//! * Reads run `READ COMMITTED` too, their lock clauses dropped.
//! * Each unit of work ends with `COMMIT; BEGIN` in one round trip, so the
//!   connection goes back to the pool with the next transaction already
//!   open (it holds no snapshot and no locks until its first statement):
//!   a unit of work costs its statements plus one round trip, not two.
//! * Connections come from a bounded [`pool`]; a dropped connection or a
//!   database that is down or restarting fails the request at once with 503
//!   `SERVICE_UNAVAILABLE` (the vendor's `{code, message}`) and the pool
//!   reconnects on the next request, so the node recovers by itself.
//! * A successful return means PostgreSQL acknowledged the COMMIT
//!   (`synchronous_commit` as the server is configured; `on` by default).

pub mod migrations;
pub mod pool;

use std::collections::HashMap;
use std::time::Duration;

use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, Statement};

use super::dialect::Dialect;
use super::{Mode, Param, Row, Store, Tx};
use crate::error::{ApiError, ApiResult};
use openlex_wire::ErrorCode;
use pool::{Pool, PoolConfig, Pooled};

/// Times a write unit of work is attempted before a serialisation failure
/// is returned (as 503: the client may retry).
const MAX_ATTEMPTS: u32 = 40;

/// Opens a unit of work's transaction (reads and writes alike: a read's
/// statements have their lock clauses dropped).
const BEGIN: &str = "BEGIN ISOLATION LEVEL READ COMMITTED";

/// Ends a unit of work and opens the next one's transaction, in one round
/// trip.
const COMMIT_AND_BEGIN: &str = "COMMIT; BEGIN ISOLATION LEVEL READ COMMITTED";

/// The advisory lock key that serialises migrations across nodes
/// ("olex" in ASCII).
const MIGRATION_LOCK: i64 = 0x6f6c_6578;

/// A connection and the statements prepared on it.
pub struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// Set when the connection failed; the pool discards it.
    broken: bool,
    /// A transaction is open and no statement has run in it yet (the
    /// `BEGIN` sent with the last unit of work's `COMMIT`).
    begun: bool,
}

impl PgConn {
    fn new(client: Client) -> Self {
        PgConn {
            client,
            statements: HashMap::new(),
            broken: false,
            begun: false,
        }
    }

    /// Whether the pool may hand this connection out again.
    pub fn usable(&self) -> bool {
        !self.broken && !self.client.is_closed()
    }
}

/// PostgreSQL-backed store.
pub struct PgStore {
    pool: Pool,
}

/// What a failed statement means for the unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Serialisation failure or deadlock: run the unit of work again.
    Retry,
    /// The connection or the database is gone: 503, discard the connection.
    Unavailable,
    /// Anything else (constraint violations are 409 CONFLICT).
    Other,
}

fn classify(e: &postgres::Error) -> Failure {
    use postgres::error::SqlState;
    match e.code() {
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            Failure::Retry
        }
        // connection exceptions (08), operator intervention (57: shutdown,
        // cannot connect now), insufficient resources (53: too many
        // connections), a standby that cannot write (25006)
        Some(c)
            if c.code().starts_with("08")
                || c.code().starts_with("57")
                || c.code().starts_with("53")
                || *c == SqlState::READ_ONLY_SQL_TRANSACTION =>
        {
            Failure::Unavailable
        }
        Some(_) => Failure::Other,
        None => Failure::Unavailable,
    }
}

/// 503 in the vendor's error shape.
pub fn unavailable(detail: impl std::fmt::Display) -> ApiError {
    eprintln!("openlex-server: database unavailable: {detail}");
    ApiError::new(
        ErrorCode::ServiceUnavailable,
        "the license database is unavailable; retry shortly",
    )
}

/// A driver error with the server's detail (`Display` alone says "db error").
pub(super) fn detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        None => match std::error::Error::source(e) {
            Some(s) => format!("{e}: {s}"),
            None => e.to_string(),
        },
    }
}

fn to_api(e: &postgres::Error) -> ApiError {
    match classify(e) {
        Failure::Unavailable => unavailable(detail(e)),
        Failure::Retry => ApiError::new(
            ErrorCode::ServiceUnavailable,
            "too many concurrent changes to the same record; retry shortly",
        ),
        Failure::Other => match e.code() {
            Some(c) if c.code().starts_with("23") => ApiError::new(
                ErrorCode::Conflict,
                "a record with the same unique value exists",
            ),
            // data exceptions come from the request's values (a NUL
            // character, which PostgreSQL text cannot hold; a number out of
            // range): the client's mistake, as on SQLite
            Some(c) if c.code().starts_with("22") => {
                ApiError::validation("a value in the request cannot be stored")
            }
            _ => ApiError::internal(format!("postgres: {}", detail(e))),
        },
    }
}

impl PgStore {
    /// Connects to `url` with a pool of at most `max_connections`. With
    /// `create`, applies pending migrations (under an advisory lock, so
    /// nodes starting together are safe); without, an uninitialised
    /// database is an error naming `init`.
    pub fn open(url: &str, max_connections: usize, create: bool) -> ApiResult<Self> {
        let pool = Pool::new(PoolConfig::parse(url, max_connections)?);
        let store = PgStore { pool };
        {
            let mut conn = store.pool.get()?;
            migrate(&mut conn.client, create)?;
        }
        Ok(store)
    }

    /// Whether the database answers (one round trip on a pooled connection).
    pub fn ping(&self) -> ApiResult<()> {
        let mut conn = self.pool.get()?;
        let r = conn.client.simple_query("SELECT 1");
        match r {
            Ok(_) => Ok(()),
            Err(e) => {
                conn.broken = true;
                Err(to_api(&e))
            }
        }
    }

    fn attempt(
        &self,
        conn: &mut Pooled<'_>,
        mode: Mode,
        work: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
    ) -> Result<(), (ApiError, Failure)> {
        if !conn.begun {
            if let Err(e) = conn.client.batch_execute(BEGIN) {
                return Err((to_api(&e), classify(&e)));
            }
        }
        conn.begun = false;
        let mut tx = PgTx {
            conn,
            read_only: mode == Mode::Read,
            failure: None,
        };
        let r = work(&mut tx);
        let failure = tx.failure;
        match r {
            // The next unit of work's BEGIN rides with this COMMIT. A
            // failed COMMIT rolls back and stops the batch, so `begun`
            // stays false and the next unit of work sends its own BEGIN.
            Ok(()) => match conn.client.batch_execute(COMMIT_AND_BEGIN) {
                Ok(()) => {
                    conn.begun = true;
                    Ok(())
                }
                Err(e) => Err((to_api(&e), classify(&e))),
            },
            Err(err) => {
                let _ = conn.client.batch_execute("ROLLBACK");
                Err((err, failure.unwrap_or(Failure::Other)))
            }
        }
    }
}

/// Applies pending migrations in one transaction holding the migration
/// advisory lock (released at COMMIT): a node that waits for it finds the
/// schema current and applies nothing.
fn migrate(client: &mut Client, create: bool) -> ApiResult<()> {
    let mut t = client.transaction().map_err(|e| to_api(&e))?;
    t.query_one("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| to_api(&e))?;
    let exists: bool = t
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .map_err(|e| to_api(&e))?
        .get(0);
    if !exists && !create {
        return Err(ApiError::validation(
            "the database has no openlex schema; run `openlex-server init --database-url URL` first",
        ));
    }
    t.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        .map_err(|e| to_api(&e))?;
    let current: i64 = t
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .map_err(|e| to_api(&e))?
        .get(0);
    for (version, sql) in migrations::MIGRATIONS {
        if *version > current {
            t.batch_execute(sql).map_err(|e| to_api(&e))?;
            t.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[version, &crate::clock::system_now()],
            )
            .map_err(|e| to_api(&e))?;
        }
    }
    t.commit().map_err(|e| to_api(&e))
}

impl Store for PgStore {
    fn transact(
        &self,
        mode: Mode,
        work: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut conn = self.pool.get()?;
            let fresh = conn.fresh;
            match self.attempt(&mut conn, mode, work) {
                Ok(()) => {
                    drop(conn);
                    return after();
                }
                Err((e, Failure::Retry)) if attempt < MAX_ATTEMPTS => {
                    drop(conn);
                    // jitter so that the requests that collided do not
                    // collide again
                    let spread = 1 + (attempt.min(8) as u64) * 2;
                    std::thread::sleep(Duration::from_millis(
                        rand_core::RngCore::next_u64(&mut rand_core::OsRng) % spread,
                    ));
                    let _ = e;
                }
                Err((e, Failure::Unavailable)) => {
                    conn.broken = true;
                    drop(conn);
                    // A pooled connection that went stale while idle (the
                    // database restarted) fails on its first use; one
                    // retry on a fresh connection hides that. Nothing was
                    // committed: a failed COMMIT is not retried because a
                    // lost reply could mean it did commit.
                    if !fresh && attempt == 1 {
                        continue;
                    }
                    return Err(e);
                }
                Err((e, _)) => return Err(e),
            }
        }
    }
}

/// Statements inside one PostgreSQL transaction.
struct PgTx<'a, 'b> {
    conn: &'a mut Pooled<'b>,
    /// A read unit of work: lock clauses are dropped (a read-only
    /// transaction may not lock, and a committed read needs no lock).
    read_only: bool,
    failure: Option<Failure>,
}

impl PgTx<'_, '_> {
    fn statement(&mut self, sql: &str) -> ApiResult<Statement> {
        let sql = if self.read_only {
            Dialect::Sqlite.adapt(sql)
        } else {
            std::borrow::Cow::Borrowed(sql)
        };
        if let Some(s) = self.conn.statements.get(sql.as_ref()) {
            return Ok(s.clone());
        }
        let adapted = Dialect::Postgres.adapt(&sql);
        match self.conn.client.prepare(&adapted) {
            Ok(s) => {
                self.conn.statements.insert(sql.into_owned(), s.clone());
                Ok(s)
            }
            Err(e) => Err(self.fail(&e)),
        }
    }

    fn fail(&mut self, e: &postgres::Error) -> ApiError {
        let f = classify(e);
        self.failure = Some(f);
        to_api(e)
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Text(s) => s.to_sql(ty, out),
            Param::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Param::Int(i) if *ty == Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Param::Int(i) => i.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <&str as ToSql>::accepts(ty)
            || <i64 as ToSql>::accepts(ty)
            || <i32 as ToSql>::accepts(ty)
            || <&[u8] as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

impl Tx for PgTx<'_, '_> {
    /// One round trip per save: a new document (an activation) is one
    /// statement, not a missed `UPDATE` and then the `INSERT`.
    fn upsert_in_one_statement(&self) -> bool {
        true
    }

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ApiResult<usize> {
        let st = self.statement(sql)?;
        let args: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        match self.conn.client.execute(&st, &args) {
            Ok(n) => Ok(n as usize),
            Err(e) => Err(self.fail(&e)),
        }
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&dyn Row) -> ApiResult<bool>,
    ) -> ApiResult<()> {
        let st = self.statement(sql)?;
        let args: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = match self.conn.client.query(&st, &args) {
            Ok(r) => r,
            Err(e) => return Err(self.fail(&e)),
        };
        for r in &rows {
            if !row(&PgRow(r))? {
                break;
            }
        }
        Ok(())
    }
}

struct PgRow<'a>(&'a postgres::Row);

fn column(e: postgres::Error) -> ApiError {
    ApiError::internal(format!("postgres column: {e}"))
}

impl Row for PgRow<'_> {
    fn str(&self, i: usize) -> ApiResult<&str> {
        self.0.try_get::<_, &str>(i).map_err(column)
    }

    fn int(&self, i: usize) -> ApiResult<i64> {
        match self.0.columns().get(i).map(|c| c.type_().clone()) {
            Some(Type::INT4) => self.0.try_get::<_, i32>(i).map(i64::from).map_err(column),
            Some(Type::INT2) => self.0.try_get::<_, i16>(i).map(i64::from).map_err(column),
            _ => self.0.try_get::<_, i64>(i).map_err(column),
        }
    }

    fn bytes(&self, i: usize) -> ApiResult<&[u8]> {
        match self.0.columns().get(i).map(|c| c.type_() == &Type::BYTEA) {
            Some(true) => Ok(self
                .0
                .try_get::<_, Option<&[u8]>>(i)
                .map_err(column)?
                .unwrap_or_default()),
            _ => Ok(&[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suite's PostgreSQL server (`scripts/with-postgres.sh`), if any.
    fn server_url() -> Option<String> {
        std::env::var("OPENLEX_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
    }

    #[test]
    fn version_12_keeps_the_dto_of_waiting_outbox_rows() {
        let Some(url) = server_url() else {
            eprintln!("skipped: OPENLEX_TEST_DATABASE_URL is not set (scripts/with-postgres.sh)");
            return;
        };
        let name = format!("migrate_{}", crate::ids::uuid().replace('-', ""));
        let (base, _) = url.rsplit_once('/').expect("url with a database name");
        let db_url = format!("{base}/{name}");
        let mut admin = Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        {
            let mut c = Client::connect(&db_url, postgres::NoTls).unwrap();
            c.batch_execute("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
                .unwrap();
            for (version, sql) in migrations::MIGRATIONS.iter().filter(|m| m.0 <= 11) {
                c.batch_execute(sql).unwrap();
                c.execute("INSERT INTO schema_migrations VALUES ($1, 0)", &[version])
                    .unwrap();
            }
            // Outbox rows as version 11 wrote them: the whole delivery body.
            for (id, payload) in [
                ("waiting-2", r#"{"id":"waiting-2","data":{"n": [2]}}"#),
                ("waiting-1", r#"{"id":"waiting-1"}"#),
            ] {
                c.execute(
                    "INSERT INTO webhook_outbox (id, created_at, event_type, webhook_ids, payload) VALUES ($1, 1, 'license.created', 'w', $2)",
                    &[&id, &payload],
                )
                .unwrap();
            }
        }
        let pg = PgStore::open(&db_url, 2, false).unwrap();
        let store: &dyn Store = &pg;
        let rows = store
            .read(|tx| {
                tx.query_all(
                    "SELECT id || ':' || data FROM webhook_outbox ORDER BY rowid",
                    &[],
                    |r| Ok(r.str(0)?.to_owned()),
                )
            })
            .unwrap();
        drop(pg);
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
        // The DTO exactly as written; a row without one stays as it was.
        assert_eq!(
            rows,
            [r#"waiting-2:{"n": [2]}"#, r#"waiting-1:{"id":"waiting-1"}"#]
        );
    }
}
