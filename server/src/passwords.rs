//! Password hashing (argon2id, memory-hard, salted per password, its
//! parameters stored with each hash; PBKDF2-HMAC-SHA256 hashes of earlier
//! versions still verify) and the [`PasswordGate`] every password check
//! goes through: one attempt counter and lockout policy, the same work for
//! unknown accounts, and a bounded hashing pool outside any database lock.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use openlex_wire::ErrorCode;
use ring::pbkdf2;

use crate::error::{ApiError, ApiResult};
use crate::params;
use crate::store::Store;

/// PBKDF2 iterations of the hashes earlier versions wrote (verified, no
/// longer written).
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// Hashes a password with argon2id (19 MiB, 2 passes, 1 lane: the OWASP
/// baseline) as a PHC string `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`.
pub fn hash_password(password: &str) -> String {
    let salt = crate::ids::random::<16>();
    match SaltString::encode_b64(&salt)
        .map_err(|e| e.to_string())
        .and_then(|salt| {
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        }) {
        Ok(h) => h,
        // Unreachable with a 16-byte salt and the default parameters; an
        // unusable hash never verifies, so nothing is let in.
        Err(e) => format!("unusable${e}"),
    }
}

/// Verifies a password against a stored hash: argon2 PHC strings, or the
/// PBKDF2 form `pbkdf2-sha256$ITER$SALT_HEX$HASH_HEX` (both constant-time).
pub fn verify_password(password: &str, stored: &str) -> bool {
    if stored.starts_with("$argon2") {
        return PasswordHash::new(stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
    }
    verify_pbkdf2(password, stored)
}

/// The PBKDF2 hash form of earlier versions (tests make old records with it).
pub fn hash_pbkdf2(password: &str) -> String {
    let salt = crate::ids::random::<16>();
    let iters = NonZeroU32::new(PBKDF2_ITERATIONS).unwrap_or(NonZeroU32::MIN);
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iters,
        &salt,
        password.as_bytes(),
        &mut out,
    );
    format!(
        "pbkdf2-sha256${}${}${}",
        iters,
        hex::encode(salt),
        hex::encode(out)
    )
}

fn verify_pbkdf2(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [alg, iters, salt, hash] = parts.as_slice() else {
        return false;
    };
    if *alg != "pbkdf2-sha256" {
        return false;
    }
    let (Some(iters), Ok(salt), Ok(hash)) = (
        iters.parse::<u32>().ok().and_then(NonZeroU32::new),
        hex::decode(salt),
        hex::decode(hash),
    ) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iters,
        &salt,
        password.as_bytes(),
        &hash,
    )
    .is_ok()
}

/// Consecutive failed password checks (any endpoint) from one source address
/// that lock an account for that address.
pub const MAX_FAILURES: u32 = 5;
/// How long such a lock lasts (seconds).
pub const LOCK_SECONDS: i64 = 300;
/// Pending checks per hashing thread beyond which new ones are refused
/// (429): a flood is turned away instead of queueing without bound.
pub const QUEUE_PER_THREAD: usize = 4;
/// Every this many reserved attempts, counts idle for [`LOCK_SECONDS`]
/// (which no longer count, see [`PasswordGate`]) are deleted.
const PRUNE_EVERY: u64 = 1024;

/// Takes one attempt of `account` from `source` before its password is
/// hashed, in one short transaction holding the counter's row lock:
/// LOGIN_TEMPORARILY_LOCKED while locked; otherwise the attempt counts
/// as a failure until [`PasswordGate::succeeded`] clears the count, and
/// the attempt that reaches [`MAX_FAILURES`] locks (returns true).
/// Counting first makes the limit exact however many checks run at
/// once, on however many nodes: at most five guesses are ever hashed
/// per lock period.
fn reserve(
    store: &dyn Store,
    account: &str,
    source: &str,
    now: i64,
    prune: bool,
) -> ApiResult<bool> {
    store.write(|tx| {
        if prune {
            tx.execute(
                "DELETE FROM password_attempts WHERE last_failure <= ?1 AND locked_until <= ?2",
                params![now - LOCK_SECONDS, now],
            )?;
        }
        tx.execute(
            "INSERT INTO password_attempts (account, source, failures, locked_until, last_failure) VALUES (?1, ?2, 0, 0, ?3) ON CONFLICT (account, source) DO NOTHING",
            params![account, source, now],
        )?;
        let (failures, locked_until, last_failure) = tx
            .query_opt(
                "SELECT failures, locked_until, last_failure FROM password_attempts WHERE account = ?1 AND source = ?2 FOR UPDATE",
                params![account, source],
                |r| Ok((r.int(0)?, r.int(1)?, r.int(2)?)),
            )?
            .unwrap_or((0, 0, now));
        if locked_until > now {
            return Err(PasswordGate::locked_error());
        }
        // A count idle for a lock period starts over.
        let before = if last_failure + LOCK_SECONDS <= now { 0 } else { failures };
        let (failures, locked_until, locks) = if before + 1 >= i64::from(MAX_FAILURES) {
            (0, now + LOCK_SECONDS, true)
        } else {
            (before + 1, 0, false)
        };
        tx.execute(
            "UPDATE password_attempts SET failures = ?3, locked_until = ?4, last_failure = ?5 WHERE account = ?1 AND source = ?2",
            params![account, source, failures, locked_until, now],
        )?;
        Ok(locks)
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// Lowers the calling thread's CPU priority (nice 10): when the cores are
/// busy, password hashing gets what activations leave.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers; on Linux, who = 0 with
    // PRIO_PROCESS names the calling thread only.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// The one place passwords are checked.
///
/// * Attempts are counted per (account, source address): five consecutive
///   failures lock the account *for that address* for five minutes, so an
///   outsider cannot lock the real user out; any success clears the count,
///   and a count idle for five minutes starts over. Counts are rows of the
///   database (`password_attempts`), taken before each hash under a row
///   lock, so the limit is exact across concurrent checks and nodes.
/// * Unknown accounts are checked against a dummy hash of the same cost and
///   counted and locked alike, so answers and their timing do not tell
///   whether an e-mail is registered.
/// * Hashing runs on a few dedicated threads with a short queue, never in a
///   unit of work: a flood of password checks queues (then gets 429) on its
///   own threads while activations keep the database and the blocking pool.
pub struct PasswordGate {
    jobs: SyncSender<Job>,
    /// Where the counts live (table `password_attempts`): in the database,
    /// so every node of one database shares them.
    store: Arc<dyn Store>,
    /// Attempts reserved by this node (every [`PRUNE_EVERY`]th prunes).
    reserved: AtomicU64,
    dummy_hash: std::sync::OnceLock<Arc<str>>,
}

impl PasswordGate {
    /// A gate with `threads` hashing threads (at least one), counting in
    /// `store`.
    pub fn new(threads: usize, store: Arc<dyn Store>) -> Self {
        let threads = threads.max(1);
        let (jobs, rx) = sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("openlex-password-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while taking a job, not running it.
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        PasswordGate {
            jobs,
            store,
            reserved: AtomicU64::new(0),
            dummy_hash: std::sync::OnceLock::new(),
        }
    }

    /// The hash unknown accounts are checked against: made on first use
    /// (the server makes it at start, so the first check costs no more).
    pub fn dummy(&self) -> Arc<str> {
        self.dummy_hash
            .get_or_init(|| hash_password("openlex dummy password").into())
            .clone()
    }

    /// The lock error, for a locked (account, address).
    pub fn locked_error() -> ApiError {
        ApiError::new(
            ErrorCode::LoginTemporarilyLocked,
            "too many failed attempts; try again later",
        )
    }

    /// Runs `f` on the blocking pool (the counts are database rows).
    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> ApiResult<R> + Send + 'static,
    ) -> ApiResult<R> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&*store))
            .await
            .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
    }

    /// Whether `account` is locked for `source` at `now`.
    fn locked(store: &dyn Store, account: &str, source: &str, now: i64) -> ApiResult<bool> {
        Ok(store
            .read(|tx| {
                tx.query_opt(
                    "SELECT locked_until FROM password_attempts WHERE account = ?1 AND source = ?2",
                    params![account, source],
                    |r| r.int(0),
                )
            })?
            .is_some_and(|until| until > now))
    }

    /// Checks `password` of `account` (a lower-case e-mail) from `source`
    /// against `stored` (None: an unknown account, checked against the dummy
    /// hash). Locked → LOGIN_TEMPORARILY_LOCKED; wrong → `wrong()` (or the
    /// lock error if this attempt locks). The attempt stays counted as a
    /// failure even when the password is right: call
    /// [`PasswordGate::succeeded`] once every factor passed.
    pub async fn check(
        &self,
        account: &str,
        source: IpAddr,
        password: &str,
        stored: Option<&str>,
        now: i64,
        wrong: impl FnOnce() -> ApiError,
    ) -> ApiResult<()> {
        let prune = self
            .reserved
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(PRUNE_EVERY);
        let (acc, src) = (account.to_owned(), source.to_string());
        let locks = self
            .blocking(move |store| reserve(store, &acc, &src, now, prune))
            .await?;
        let known = stored.is_some();
        let hash: Arc<str> = match stored {
            Some(h) => Arc::from(h),
            None => self.dummy(),
        };
        let matches = self.verify(password.to_owned(), hash).await?;
        if matches && known {
            Ok(())
        } else if locks {
            Err(Self::locked_error())
        } else {
            Err(wrong())
        }
    }

    /// LOGIN_TEMPORARILY_LOCKED while `account` is locked for `source`.
    pub async fn ensure_unlocked(&self, account: &str, source: IpAddr, now: i64) -> ApiResult<()> {
        let (account, source) = (account.to_owned(), source.to_string());
        if self
            .blocking(move |store| Self::locked(store, &account, &source, now))
            .await?
        {
            return Err(Self::locked_error());
        }
        Ok(())
    }

    /// A failed second factor after a right password: that attempt was
    /// counted when its password was checked, so this answers the lock
    /// error if the account is locked now (the attempt locked it), else
    /// `err`.
    pub async fn failed(&self, account: &str, source: IpAddr, now: i64, err: ApiError) -> ApiError {
        match self.ensure_unlocked(account, source, now).await {
            Ok(()) => err,
            Err(locked) => locked,
        }
    }

    /// Clears the count of `account` from `source` after a full success.
    pub async fn succeeded(&self, account: &str, source: IpAddr) -> ApiResult<()> {
        let (account, source) = (account.to_owned(), source.to_string());
        self.blocking(move |store| {
            store.write(|tx| {
                tx.execute(
                    "DELETE FROM password_attempts WHERE account = ?1 AND source = ?2",
                    params![&account, &source],
                )?;
                Ok(())
            })
        })
        .await
    }

    /// Clears every lock and count of `account` (an administrator's unlock;
    /// blocking: call it from an operation).
    pub fn unlock(&self, account: &str) -> ApiResult<()> {
        self.store.write(|tx| {
            tx.execute(
                "DELETE FROM password_attempts WHERE account = ?1",
                params![account],
            )?;
            Ok(())
        })
    }

    /// Verifies on the hashing threads; 429 TOO_MANY_REQUESTS when their
    /// queue is full.
    pub async fn verify(&self, password: String, stored: Arc<str>) -> ApiResult<bool> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(verify_password(&password, &stored));
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::new(
                    ErrorCode::TooManyRequests,
                    "too many password checks in progress; retry shortly",
                ))
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::internal("password threads stopped"))
            }
        }
        rx.await
            .map_err(|_| ApiError::internal("password check failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "garbage"));
        assert!(!verify_password("x", "$argon2id$garbage"));
        // hashes written by earlier versions still verify
        let old = hash_pbkdf2("correct horse");
        assert!(old.starts_with("pbkdf2-sha256$100000$"));
        assert!(verify_password("correct horse", &old));
        assert!(!verify_password("wrong horse", &old));
    }

    /// A gate counting in a fresh SQLite database (kept by the TempDir).
    fn gate() -> (tempfile::TempDir, PasswordGate) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::SqliteStore::open(
            &dir.path().join("t.db"),
            crate::store::sqlite::Durability::Normal,
        )
        .unwrap();
        (dir, PasswordGate::new(1, Arc::new(store)))
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn lock_is_per_account_and_address_and_unknown_accounts_lock_alike() {
        let (_db, gate) = gate();
        let h = hash_password("correct horse");
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let wrong = || ApiError::new(ErrorCode::AuthenticationFailed, "no");
        let rt = rt();
        let code = |acc: &str, ip, pw: &str, stored: Option<&str>, now| {
            rt.block_on(gate.check(acc, ip, pw, stored, now, wrong))
                .err()
                .map(|e| e.code)
        };
        for _ in 0..4 {
            assert_eq!(
                code("ann", a, "bad", Some(&h), 0),
                Some(ErrorCode::AuthenticationFailed)
            );
            assert_eq!(
                code("nobody", a, "bad", None, 0),
                Some(ErrorCode::AuthenticationFailed)
            );
        }
        assert_eq!(
            code("ann", a, "bad", Some(&h), 0),
            Some(ErrorCode::LoginTemporarilyLocked)
        );
        assert_eq!(
            code("nobody", a, "bad", None, 0),
            Some(ErrorCode::LoginTemporarilyLocked)
        );
        assert_eq!(
            code("ann", a, "correct horse", Some(&h), 1),
            Some(ErrorCode::LoginTemporarilyLocked)
        );
        // another address, and the same one after the lock
        assert_eq!(code("ann", b, "correct horse", Some(&h), 1), None);
        assert_eq!(
            code("ann", a, "correct horse", Some(&h), LOCK_SECONDS),
            None
        );
        // the right password of an unknown account does not exist
        assert_eq!(
            code("nobody", b, "openlex dummy password", None, 0),
            Some(ErrorCode::AuthenticationFailed)
        );
        gate.unlock("nobody").unwrap();
        assert_eq!(
            code("nobody", a, "bad", None, 1),
            Some(ErrorCode::AuthenticationFailed)
        );
    }

    #[test]
    fn concurrent_checks_take_exactly_five_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::SqliteStore::open(
            &dir.path().join("t.db"),
            crate::store::sqlite::Durability::Normal,
        )
        .unwrap();
        let gate = Arc::new(PasswordGate::new(8, Arc::new(store)));
        let h: Arc<str> = hash_password("correct horse").into();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .build()
            .unwrap();
        let ip: IpAddr = "10.0.0.9".parse().unwrap();
        let codes: Vec<Option<ErrorCode>> = rt.block_on(async {
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let (gate, h) = (gate.clone(), h.clone());
                    tokio::spawn(async move {
                        let wrong = || ApiError::new(ErrorCode::AuthenticationFailed, "no");
                        gate.check("ann", ip, "bad", Some(&h), 0, wrong)
                            .await
                            .err()
                            .map(|e| e.code)
                    })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        });
        let failed = codes
            .iter()
            .filter(|c| **c == Some(ErrorCode::AuthenticationFailed))
            .count();
        let locked = codes
            .iter()
            .filter(|c| **c == Some(ErrorCode::LoginTemporarilyLocked))
            .count();
        assert_eq!((failed, locked), (4, 16), "{codes:?}");
    }

    #[test]
    fn hashing_is_bounded_to_its_threads_and_queue() {
        let (_db, gate) = gate();
        let gate = Arc::new(gate);
        // Occupy the one thread until released.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        gate.jobs
            .try_send(Box::new(move || {
                let _ = started_tx.send(());
                let _ = wait.recv();
            }))
            .unwrap();
        started.recv().unwrap();
        // Fill the queue behind it.
        for _ in 0..QUEUE_PER_THREAD {
            assert!(gate.jobs.try_send(Box::new(|| {})).is_ok());
        }
        let h: Arc<str> = hash_password("pw-pw-pw-pw").into();
        let rt = rt();
        let refused = rt.block_on(gate.verify("pw-pw-pw-pw".into(), h.clone()));
        assert_eq!(
            refused.err().map(|e| e.code),
            Some(ErrorCode::TooManyRequests)
        );
        release.send(()).unwrap();
        // Once the queue drains, checks are taken again (bounded wait).
        let mut answer = None;
        for _ in 0..2000 {
            match rt.block_on(gate.verify("pw-pw-pw-pw".into(), h.clone())) {
                Err(e) if e.code == ErrorCode::TooManyRequests => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                other => {
                    answer = Some(other.ok());
                    break;
                }
            }
        }
        assert_eq!(answer, Some(Some(true)));
    }
}
