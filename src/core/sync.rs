//! The background server-sync thread: one owner, started lazily by
//! IsLicenseGenuine, syncing at once and then every `ssi` seconds. It calls the
//! license callback with no lock held, stops on Reset, on deactivation, and
//! after statuses that end syncing (everything but 0, 20, 21, 22, 48, 90, 91).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use super::state;
use crate::status::{LaResult, Status};

struct Control {
    stop: Mutex<bool>,
    wake: Condvar,
}

struct Running {
    control: Arc<Control>,
    handle: JoinHandle<()>,
    thread: ThreadId,
}

static RUNNING: LazyLock<Mutex<Option<Running>>> = LazyLock::new(|| Mutex::new(None));

/// Bumped by Reset (under the state lock). A sync thread belongs to the epoch
/// it was started in and never reports into a later one, so a Reset racing
/// with IsLicenseGenuine cannot leave a stray thread calling back.
static EPOCH: AtomicU64 = AtomicU64::new(0);

/// The current epoch; read it under the state lock.
pub fn epoch() -> u64 {
    EPOCH.load(Ordering::SeqCst)
}

/// Starts a new epoch; call under the state lock, after clearing state.
pub fn next_epoch() {
    EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// Shortest wait between syncs, whatever the token says.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

fn keeps_syncing(r: &LaResult) -> bool {
    matches!(
        r,
        Ok(Status::Ok | Status::Expired | Status::Suspended | Status::GracePeriodOver)
            | Err(Status::Inet | Status::RateLimit | Status::Server)
    )
}

/// Starts the sync thread if it is not running and `epoch` is still current.
pub fn ensure_started(epoch: u64) {
    let mut running = RUNNING.lock();
    if EPOCH.load(Ordering::SeqCst) != epoch {
        return;
    }
    if let Some(r) = running.as_ref() {
        if !r.handle.is_finished() {
            return;
        }
    }
    let control = Arc::new(Control {
        stop: Mutex::new(false),
        wake: Condvar::new(),
    });
    let c = control.clone();
    let spawned = std::thread::Builder::new()
        .name("openlex-sync".into())
        .spawn(move || run(c, epoch));
    if let Ok(handle) = spawned {
        let thread = handle.thread().id();
        *running = Some(Running {
            control,
            handle,
            thread,
        });
    }
}

/// What the sync loop does after one round.
enum Next {
    /// Wait the interval and sync again.
    Continue,
    /// The thread ends (stopped, a newer epoch, or a status that ends syncing).
    Stop,
}

fn stopped(control: &Control, epoch: u64) -> bool {
    *control.stop.lock() || EPOCH.load(Ordering::SeqCst) != epoch
}

/// One round: sync, then report the status to the license callback.
fn sync_and_report(control: &Control, epoch: u64) -> Next {
    let result = super::online::sync_once();
    if stopped(control, epoch) {
        return Next::Stop;
    }
    let cb = state::lock().license_callback.clone();
    if let Some(cb) = cb {
        cb(crate::status::code(result) as u32);
    }
    if keeps_syncing(&result) {
        Next::Continue
    } else {
        Next::Stop
    }
}

fn run(control: Arc<Control>, epoch: u64) {
    loop {
        // The same guard as the exports: a panic in a round (ours or the
        // callback's) is logged, and the next round comes on schedule.
        let next = crate::log::catch_panic("the sync thread", || sync_and_report(&control, epoch));
        if matches!(next, Some(Next::Stop)) || stopped(&control, epoch) {
            return;
        }
        let interval = state::lock()
            .activation
            .as_ref()
            .map(|v| v.claims.ssi)
            .unwrap_or(0);
        if interval <= 0 {
            return;
        }
        let wait = Duration::from_secs(interval as u64).max(MIN_INTERVAL);
        let mut stop = control.stop.lock();
        if !*stop {
            control.wake.wait_for(&mut stop, wait);
        }
        if *stop {
            return;
        }
    }
}

/// Stops the sync thread and waits for it (unless called from it, e.g. a
/// callback that calls Reset).
pub fn stop() {
    let running = RUNNING.lock().take();
    if let Some(r) = running {
        *r.control.stop.lock() = true;
        r.control.wake.notify_all();
        if r.thread != std::thread::current().id() {
            let _ = r.handle.join();
        }
    }
}

/// Signals the sync thread to stop without waiting (used while holding the
/// network lock, which the thread may be waiting for).
pub fn stop_async() {
    if let Some(r) = RUNNING.lock().take() {
        *r.control.stop.lock() = true;
        r.control.wake.notify_all();
    }
}
