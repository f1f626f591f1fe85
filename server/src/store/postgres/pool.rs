//! A bounded pool of PostgreSQL connections.
//!
//! At most `max` connections exist per node. A request that finds none idle
//! opens one if the bound allows, else waits up to [`CHECKOUT_WAIT`] and
//! then fails with 503, so a node never piles up unbounded work behind a
//! database that has stalled. Connections that failed are dropped on return
//! (the next checkout connects afresh), which is how a node recovers after
//! PostgreSQL restarts.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use postgres::NoTls;

use super::{unavailable, PgConn};
use crate::error::{ApiError, ApiResult};

/// Longest wait for a free connection before answering 503.
pub const CHECKOUT_WAIT: Duration = Duration::from_secs(5);
/// Longest wait for a new connection to be established.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Where to connect and how many connections to keep.
pub struct PoolConfig {
    config: postgres::Config,
    max: usize,
}

impl PoolConfig {
    /// Parses a `postgres://` URL (or a key=value connection string).
    pub fn parse(url: &str, max: usize) -> ApiResult<Self> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| ApiError::validation(format!("--database-url: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A peer that vanished without closing the socket is noticed by
        // keepalives instead of a request hanging on it.
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(10));
        if config.get_application_name().is_none() {
            config.application_name("openlex-server");
        }
        Ok(PoolConfig {
            config,
            max: max.max(1),
        })
    }
}

struct State {
    idle: Vec<PgConn>,
    /// Connections that exist: idle, handed out, or being opened.
    open: usize,
}

/// The pool.
pub struct Pool {
    cfg: PoolConfig,
    state: Mutex<State>,
    returned: Condvar,
}

/// A connection on loan; goes back to the pool (or is dropped if broken)
/// when this is dropped.
pub struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<PgConn>,
    /// Opened for this checkout (a failure on it is not a stale connection).
    pub fresh: bool,
}

impl Pool {
    /// An empty pool; connections are opened on demand.
    pub fn new(cfg: PoolConfig) -> Self {
        Pool {
            cfg,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A connection: an idle one, a new one within the bound, or one
    /// returned within [`CHECKOUT_WAIT`]; else 503.
    pub fn get(&self) -> ApiResult<Pooled<'_>> {
        let deadline = Instant::now() + CHECKOUT_WAIT;
        let mut st = self.state();
        loop {
            while let Some(c) = st.idle.pop() {
                if c.usable() {
                    return Ok(Pooled {
                        pool: self,
                        conn: Some(c),
                        fresh: false,
                    });
                }
                st.open -= 1;
            }
            if st.open < self.cfg.max {
                st.open += 1;
                drop(st);
                return match self.cfg.config.connect(NoTls) {
                    Ok(client) => Ok(Pooled {
                        pool: self,
                        conn: Some(PgConn::new(client)),
                        fresh: true,
                    }),
                    Err(e) => {
                        self.state().open -= 1;
                        self.returned.notify_one();
                        Err(unavailable(super::detail(&e)))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(unavailable("every pooled connection is busy"));
            }
            st = self
                .returned
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Connections that exist now (tests).
    pub fn open_count(&self) -> usize {
        self.state().open
    }
}

impl Deref for Pooled<'_> {
    type Target = PgConn;
    fn deref(&self) -> &PgConn {
        self.conn.as_ref().expect("present until drop")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut PgConn {
        self.conn.as_mut().expect("present until drop")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        let mut st = self.pool.state();
        if c.usable() {
            st.idle.push(c);
        } else {
            st.open -= 1;
        }
        drop(st);
        self.pool.returned.notify_one();
    }
}
