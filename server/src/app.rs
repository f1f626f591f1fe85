//! The server's shared core: storage, time, signing keys and settings, handed
//! to every operation. The HTTP layer and the CLI each build one [`App`] and
//! call the resource modules' operations with it.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::clock::{Clock, SystemClock};
use crate::config::{DataDir, Database};
use crate::error::{ApiError, ApiResult};
use crate::keys::KeyCache;
use crate::passwords::PasswordGate;
use crate::resources::{products, settings};
use crate::store::postgres::PgStore;
use crate::store::sqlite::{Durability, SqliteStore};
use crate::store::Store;

/// What every operation works with.
pub struct App {
    /// Storage (one engine behind the [`Store`] seam).
    pub store: Arc<dyn Store>,
    /// The time source: the system clock, or a test clock.
    pub clock: Arc<dyn Clock>,
    /// Parsed signing keys by product.
    pub keys: KeyCache,
    /// Public URL put into product data (`host`); may be empty.
    pub public_url: String,
    /// Every password check: attempt counter, lockout, hashing threads.
    pub passwords: PasswordGate,
    /// Whether client attempts are written to the activation log
    /// (`serve --activation-log off` turns it off; on by default).
    pub activation_log: bool,
    /// Requests this node has started answering (the HTTP front counts
    /// them): the webhook worker keeps its database rounds short while it
    /// grows.
    pub requests: std::sync::atomic::AtomicU64,
}

impl App {
    /// An app over `store` with `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, public_url: String) -> Self {
        App {
            passwords: PasswordGate::new(1, store.clone()),
            store,
            clock,
            keys: KeyCache::default(),
            public_url,
            activation_log: true,
            requests: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The same app with `threads` password-hashing threads (and the dummy
    /// hash made now, not in the first unknown login).
    pub fn with_password_threads(mut self, threads: usize) -> Self {
        self.passwords = PasswordGate::new(threads, self.store.clone());
        self.passwords.dummy();
        self
    }

    /// Opens the database of an initialised data directory (SQLite) or the
    /// PostgreSQL database `db` names, with at most `connections` pooled
    /// connections. With `public_url`, stores it for later runs; without,
    /// uses the stored one.
    pub fn open(
        dir: &DataDir,
        db: &Database,
        durability: Durability,
        connections: usize,
        clock: Arc<dyn Clock>,
        public_url: Option<String>,
    ) -> Result<App, String> {
        if matches!(db, Database::Sqlite(path) if !path.exists()) {
            return Err(format!(
                "{} is not initialised; run `openlex-server init --data-dir {}`",
                dir.root.display(),
                dir.root.display()
            ));
        }
        let store = open_store(db, durability, connections, false)?;
        let url = match public_url {
            Some(u) => {
                store
                    .write(|tx| settings::put(tx, settings::PUBLIC_URL, &u))
                    .map_err(cli_error)?;
                u
            }
            None => store
                .read(|tx| settings::get(tx, settings::PUBLIC_URL))
                .map_err(cli_error)?
                .unwrap_or_default(),
        };
        Ok(App::new(store, clock, url))
    }

    /// An app on the system clock (the CLI).
    pub fn open_cli(dir: &DataDir, db: &Database) -> Result<App, String> {
        App::open(dir, db, Durability::Full, 2, Arc::new(SystemClock), None)
    }

    /// The current time (unix seconds) from the injected clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Signs `claims` as an RS256 JWT with the product's key (parsed once
    /// per product, then cached).
    pub fn sign<T: Serialize>(&self, product_id: &str, claims: &T) -> ApiResult<String> {
        let key = self.keys.get(product_id, || {
            self.store
                .read(|tx| Ok(products::store::key_pair(tx, product_id)?.map(|k| k.0)))
        })?;
        crate::signing::sign(&key, claims)
    }

    /// Runs blocking work (database, RSA) on tokio's blocking pool, so the
    /// async runtime never stalls.
    pub async fn run<R: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&App) -> ApiResult<R> + Send + 'static,
    ) -> ApiResult<R> {
        let app = self.clone();
        // The request's actor and address follow the work to the worker
        // thread, for the event log of any change it makes.
        let acting = crate::resources::event_logs::request_context();
        tokio::task::spawn_blocking(move || {
            crate::resources::event_logs::with_acting(acting, || f(&app))
        })
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
    }
}

/// Opens (creating) the SQLite database at `path`.
pub fn open_sqlite(path: &Path, durability: Durability) -> Result<SqliteStore, String> {
    SqliteStore::open(path, durability).map_err(cli_error)
}

/// Opens either engine. `create` applies PostgreSQL's migrations to an
/// empty database (`init`); without it an uninitialised one is refused.
/// SQLite creates and migrates its file in any case.
pub fn open_store(
    db: &Database,
    durability: Durability,
    connections: usize,
    create: bool,
) -> Result<Arc<dyn Store>, String> {
    Ok(match db {
        Database::Sqlite(path) => Arc::new(open_sqlite(path, durability)?),
        Database::Postgres(url) => {
            Arc::new(PgStore::open(url, connections, create).map_err(cli_error)?)
        }
    })
}

/// An error as the CLI prints it: `CODE: message`.
pub fn cli_error(e: ApiError) -> String {
    format!("{}: {}", e.code.as_str(), e.message)
}
