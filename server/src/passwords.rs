//! Password hashing (argon2id, memory-hard, salted per password, its
//! parameters stored with each hash; PBKDF2-HMAC-SHA256 hashes of earlier
//! versions still verify) and the [`PasswordGate`] every password check
//! goes through: one attempt counter and lockout policy, the same work for
//! unknown accounts, and a bounded hashing pool outside any database lock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use openlex_wire::ErrorCode;
use ring::pbkdf2;

use crate::error::{ApiError, ApiResult};

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
/// Most (account, address) entries kept; beyond it stale ones are dropped,
/// then the oldest.
const MAX_ENTRIES: usize = 100_000;

/// Failures of one account from one source address.
#[derive(Debug, Clone, Copy, Default)]
struct Attempts {
    failures: u32,
    locked_until: i64,
    last_failure: i64,
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
///   outsider cannot lock the real user out; any success clears the count.
/// * Unknown accounts are checked against a dummy hash of the same cost and
///   counted and locked alike, so answers and their timing do not tell
///   whether an e-mail is registered.
/// * Hashing runs on a few dedicated threads with a short queue, never in a
///   unit of work: a flood of password checks queues (then gets 429) on its
///   own threads while activations keep the database and the blocking pool.
pub struct PasswordGate {
    jobs: SyncSender<Job>,
    attempts: Mutex<HashMap<(String, IpAddr), Attempts>>,
    dummy_hash: std::sync::OnceLock<Arc<str>>,
}

impl PasswordGate {
    /// A gate with `threads` hashing threads (at least one).
    pub fn new(threads: usize) -> Self {
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
            attempts: Mutex::new(HashMap::new()),
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

    /// Checks `password` of `account` (a lower-case e-mail) from `source`
    /// against `stored` (None: an unknown account, checked against the dummy
    /// hash). Locked → LOGIN_TEMPORARILY_LOCKED; wrong → the failure is
    /// counted and `wrong()` returned (or the lock error if this failure
    /// locks). A right password does not clear the count: call
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
        self.ensure_unlocked(account, source, now)?;
        let known = stored.is_some();
        let hash: Arc<str> = match stored {
            Some(h) => Arc::from(h),
            None => self.dummy(),
        };
        let matches = self.verify(password.to_owned(), hash).await?;
        if matches && known {
            Ok(())
        } else {
            Err(self.failed(account, source, now, wrong()))
        }
    }

    /// LOGIN_TEMPORARILY_LOCKED while `account` is locked for `source`.
    pub fn ensure_unlocked(&self, account: &str, source: IpAddr, now: i64) -> ApiResult<()> {
        let map = self
            .attempts
            .lock()
            .map_err(|_| ApiError::internal("attempt counter poisoned"))?;
        match map.get(&(account.to_owned(), source)) {
            Some(a) if a.locked_until > now => Err(Self::locked_error()),
            _ => Ok(()),
        }
    }

    /// Counts a failed check (a wrong password or second factor); returns
    /// the lock error if it locks, else `err`.
    pub fn failed(&self, account: &str, source: IpAddr, now: i64, err: ApiError) -> ApiError {
        let Ok(mut map) = self.attempts.lock() else {
            return Self::locked_error();
        };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, a| a.locked_until > now || a.last_failure + LOCK_SECONDS > now);
            if map.len() >= MAX_ENTRIES {
                if let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, a)| a.last_failure)
                    .map(|(k, _)| k.clone())
                {
                    map.remove(&oldest);
                }
            }
        }
        let a = map.entry((account.to_owned(), source)).or_default();
        a.failures += 1;
        a.last_failure = now;
        if a.failures >= MAX_FAILURES {
            a.failures = 0;
            a.locked_until = now + LOCK_SECONDS;
            return Self::locked_error();
        }
        err
    }

    /// Clears the count of `account` from `source` after a full success.
    pub fn succeeded(&self, account: &str, source: IpAddr) {
        if let Ok(mut map) = self.attempts.lock() {
            map.remove(&(account.to_owned(), source));
        }
    }

    /// Clears every lock and count of `account` (an administrator's unlock).
    pub fn unlock(&self, account: &str) {
        if let Ok(mut map) = self.attempts.lock() {
            map.retain(|(acc, _), _| acc != account);
        }
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

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn lock_is_per_account_and_address_and_unknown_accounts_lock_alike() {
        let gate = PasswordGate::new(1);
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
        gate.unlock("nobody");
        assert_eq!(
            code("nobody", a, "bad", None, 1),
            Some(ErrorCode::AuthenticationFailed)
        );
    }

    #[test]
    fn hashing_is_bounded_to_its_threads_and_queue() {
        let gate = Arc::new(PasswordGate::new(1));
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
