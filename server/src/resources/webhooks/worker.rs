//! The delivery worker: one thread per node, outside every client request,
//! that claims due deliveries from the outbox, POSTs them (bounded in flight
//! overall and per endpoint), records every attempt, and runs the expiry
//! scheduler and the outbox pruning.
//!
//! Licensing comes first, in two ways:
//! - CPU: the attempts run on their own one-thread runtime at the lowest
//!   priority (nice 19 on Linux), so while activations keep the cores busy
//!   the HTTP work waits.
//! - The database: SQLite has one writer, and a write that waits behind the
//!   worker's is a slower activation. The worker's database rounds run at
//!   normal priority (a low-priority thread holding the writer would stall
//!   every request queued behind it) and, while the server is busy
//!   ([`Limits::busy_requests`] per second or more), take at most
//!   [`Limits::busy_share`] of the wall time: after a round that held the
//!   writer for `d`, the next waits `d / busy_share` (at most
//!   [`Limits::busy_gap`]). When the load eases, rounds run every
//!   [`Limits::round_every`] and the backlog drains at full speed.
//! - Saturation: nice 19 does not make an attempt free while requests keep
//!   the cores busy (on SMT cores a low-priority thread on the sibling
//!   still slows the request beside it; an attempt costs about a tenth of an
//!   activation's CPU, and an activation raises three of them). While the
//!   server is busy and its own CPU use is at least
//!   [`Limits::saturated_cpu`] of the cores, the worker runs no round (so
//!   no new attempt starts) for up to [`Limits::saturated_gap`]; the
//!   deliveries wait in the outbox and go out as soon as the load eases, or
//!   a round's worth after each such gap under a load that never does.
//!
//! Each round is one transaction: the outcomes of the attempts finished
//! since the last round, then new claims (due retries first, then new
//! events fanned out into deliveries leased to this node in the same
//! insert), so a delivery costs three row writes and a share of a commit.
//!
//! Due times come from the injected clock (`app.now()`), so tests move a
//! test clock to make retries due; only the poll interval is wall time.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Semaphore};

use super::delivery::Client;
use super::outbox::{self, Claimed, Outcome, Room};
use super::{scheduler, Webhook};
use crate::app::App;
use crate::error::ApiResult;

/// Limits of the worker.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for one attempt (connect, send, bounded response read).
    pub timeout: Duration,
    /// How often the outbox is polled when idle.
    pub poll: Duration,
    /// How often the expiry scheduler runs.
    pub schedule: Duration,
    /// The shortest time between two rounds (each is one write
    /// transaction): outcomes and claims gather in between.
    pub round_every: Duration,
    /// The share of wall time the worker's rounds may hold the database
    /// while the server is busy (0 < share <= 1).
    pub busy_share: f64,
    /// Requests per second from which the server counts as busy (an
    /// administrator's few requests do not slow deliveries down).
    pub busy_requests: f64,
    /// The longest wait between two rounds, however long the last one
    /// held the database.
    pub busy_gap: Duration,
    /// The share of the machine's cores (0 < share <= 1) the server's own
    /// CPU use reaches, while busy, for it to count as saturated.
    pub saturated_cpu: f64,
    /// While saturated, the longest wait between two rounds.
    pub saturated_gap: Duration,
    /// Attempts in flight at once on this node.
    pub in_flight: usize,
    /// Attempts in flight at once to one endpoint on this node.
    pub per_endpoint: usize,
    /// Deliveries claimed (leased) and not yet finished, per endpoint: a
    /// round claims ahead so one transaction covers many attempts.
    pub claimed_per_endpoint: usize,
    /// The same, over all endpoints.
    pub claimed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(100),
            schedule: Duration::from_millis(250),
            round_every: Duration::from_millis(50),
            busy_share: 0.02,
            busy_requests: 20.0,
            busy_gap: Duration::from_secs(2),
            saturated_cpu: 0.5,
            saturated_gap: Duration::from_secs(10),
            in_flight: 32,
            per_endpoint: 4,
            claimed_per_endpoint: 64,
            claimed: 512,
        }
    }
}

impl Limits {
    /// How long a claim is leased: long enough for every delivery claimed
    /// ahead for one endpoint to have its attempt, one after another in
    /// `per_endpoint` lanes, plus a minute; then another node may take it.
    pub fn lease_secs(&self) -> i64 {
        let lanes = self.per_endpoint.max(1);
        let waves = self.claimed_per_endpoint.max(1).div_ceil(lanes) as u64;
        (self.timeout.as_secs().max(1) * waves) as i64 + 60
    }
}

/// Starts the worker on its own thread (returns at once); deliveries trust
/// the system's root certificates and `extra_roots`.
pub fn spawn(
    app: Arc<App>,
    limits: Limits,
    extra_roots: Vec<rustls_pki_types::CertificateDer<'static>>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    // The attempts run on a one-thread runtime of their own at the lowest
    // priority; the rounds' database work runs on the worker's thread
    // outside any runtime (the PostgreSQL driver is blocking and may not
    // run inside one), at normal priority (see the module comment).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("webhook-attempts")
        .on_thread_start(lowest_priority)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || run(&rt, app, limits, Client::new(limits.timeout, &extra_roots)))
}

/// Lowers the calling thread's CPU priority to the minimum (nice 19).
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers; on Linux, who = 0 with
    // PRIO_PROCESS names the calling thread only.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

fn jitter() -> f64 {
    let r = crate::ids::random::<8>();
    u64::from_le_bytes(r) as f64 / u64::MAX as f64
}

/// Claimed and unfinished deliveries: the total and per endpoint.
#[derive(Default)]
struct Flight {
    total: usize,
    per: HashMap<String, usize>,
}

impl Flight {
    fn start(&mut self, ep: &str) {
        self.total += 1;
        *self.per.entry(ep.to_owned()).or_default() += 1;
    }

    fn end(&mut self, ep: &str) {
        self.total = self.total.saturating_sub(1);
        if let Some(n) = self.per.get_mut(ep) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per.remove(ep);
            }
        }
    }

    /// What a round may still claim.
    fn room(&self, limits: &Limits) -> Room {
        Room::new(
            limits.claimed.saturating_sub(self.total),
            limits.claimed_per_endpoint,
            self.per.clone(),
        )
    }
}

type Batch = (Vec<Claimed>, HashMap<String, Webhook>);

/// One round in one transaction: the finished attempts' outcomes, then as
/// many claims as `room` allows.
fn round(app: &App, done: &[(Claimed, Outcome)], mut room: Room, lease: i64) -> ApiResult<Batch> {
    let now = app.now();
    if done.is_empty()
        && (room.is_full() || !app.store.read(|tx| outbox::store::any_due(tx, now))?)
    {
        return Ok((Vec::new(), HashMap::new()));
    }
    let jitters: Vec<f64> = done.iter().map(|_| jitter()).collect();
    app.store.write(|tx| {
        for ((c, out), j) in done.iter().zip(&jitters) {
            outbox::complete(tx, c, out, now, *j)?;
        }
        let mut taken = outbox::store::claim(tx, now, &mut room, lease)?;
        taken.extend(outbox::store::fan_out(tx, now, &mut room, lease)?);
        let mut hooks = HashMap::new();
        for c in &taken {
            if !hooks.contains_key(&c.webhook_id) {
                if let Some(w) = tx.load::<Webhook>(&c.webhook_id)? {
                    hooks.insert(c.webhook_id.clone(), w);
                }
            }
        }
        Ok((taken, hooks))
    })
}

/// The CPU time this process has used (user + system), where the platform
/// says (Unix); `None` elsewhere, where the server never counts as
/// saturated.
fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes one plain struct it is given.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
            return None;
        }
        let tv = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec.max(0) as u64)
                + Duration::from_micros(t.tv_usec.max(0) as u64)
        };
        Some(tv(ru.ru_utime) + tv(ru.ru_stime))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// One reading of the server's load: requests answered and CPU used so far.
#[derive(Debug, Clone, Copy)]
struct Load {
    requests: u64,
    cpu: Option<Duration>,
    at: Instant,
}

impl Load {
    fn now(app: &App) -> Load {
        Load {
            requests: app.requests.load(Ordering::Relaxed),
            cpu: process_cpu(),
            at: Instant::now(),
        }
    }

    /// Requests per second and the share of `cores` the process used
    /// between `self` and `later`.
    fn until(&self, later: &Load, cores: usize) -> (f64, f64) {
        let secs = later.at.duration_since(self.at).as_secs_f64().max(0.001);
        let rate = later.requests.wrapping_sub(self.requests) as f64 / secs;
        let share = match (self.cpu, later.cpu) {
            (Some(a), Some(b)) => b.saturating_sub(a).as_secs_f64() / secs / cores.max(1) as f64,
            _ => 0.0,
        };
        (rate, share)
    }
}

/// Whether a server answering `rate` requests/s counts as busy.
fn is_busy(limits: &Limits, rate: f64) -> bool {
    rate >= limits.busy_requests
}

/// Whether a server answering `rate` requests/s with `cpu_share` of the
/// cores counts as saturated.
fn is_saturated(limits: &Limits, rate: f64, cpu_share: f64) -> bool {
    is_busy(limits, rate) && cpu_share >= limits.saturated_cpu
}

/// The wait after a round that held the database for `held`, while the
/// server answered `rate` requests/s: `round_every`, or, busy, long enough
/// that rounds hold the database at most `busy_share` of the time.
fn gap_after(limits: &Limits, held: Duration, rate: f64) -> Duration {
    let busy_share = limits.busy_share.clamp(0.001, 1.0);
    if is_busy(limits, rate) {
        limits
            .round_every
            .max(held.div_f64(busy_share))
            .min(limits.busy_gap)
    } else {
        limits.round_every
    }
}

/// The bounds on attempts running at once: overall and per endpoint.
struct Lanes {
    all: Arc<Semaphore>,
    per: HashMap<String, Arc<Semaphore>>,
    per_endpoint: usize,
}

impl Lanes {
    fn of(&mut self, ep: &str) -> (Arc<Semaphore>, Arc<Semaphore>) {
        let per = self
            .per
            .entry(ep.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_endpoint)))
            .clone();
        (self.all.clone(), per)
    }

    /// Forgets endpoints with nothing claimed (so deleted webhooks do not
    /// accumulate).
    fn retain(&mut self, flight: &Flight) {
        self.per.retain(|ep, _| flight.per.contains_key(ep));
    }
}

fn run(rt: &tokio::runtime::Runtime, app: Arc<App>, limits: Limits, client: Client) {
    let lease = limits.lease_secs();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (tx_done, mut rx_done) = mpsc::unbounded_channel::<(Claimed, Outcome)>();
    let mut flight = Flight::default();
    let mut lanes = Lanes {
        all: Arc::new(Semaphore::new(limits.in_flight.max(1))),
        per: HashMap::new(),
        per_endpoint: limits.per_endpoint.max(1),
    };
    let mut done: Vec<(Claimed, Outcome)> = Vec::new();
    let mut last_schedule: Option<Instant> = None;
    let mut last_round = Instant::now();
    // The wait before the next round: `round_every`, or longer after a
    // round that held the database while requests were being answered.
    let mut gap = limits.round_every;
    // The load since the last round, and over the last step of a wait.
    let mut at_round = Load::now(&app);
    loop {
        let since = last_round.elapsed();
        if since < gap {
            // Gather outcomes until the next round is due.
            let wait = gap - since;
            rt.block_on(async { tokio::time::sleep(wait).await });
        }
        // Saturated: no round (no new attempt) until the load eases, in
        // steps of `poll`, for at most `saturated_gap` since the last one.
        // The first reading spans the whole gap since the last round, the
        // later ones each step.
        let mut from = at_round;
        loop {
            let now = Load::now(&app);
            let (rate, share) = from.until(&now, cores);
            if !is_saturated(&limits, rate, share) || last_round.elapsed() >= limits.saturated_gap {
                break;
            }
            rt.block_on(async { tokio::time::sleep(limits.poll).await });
            from = now;
        }
        last_round = Instant::now();
        if last_schedule.is_none_or(|t| t.elapsed() >= limits.schedule) {
            // Errors (a database restarting) only delay the next round.
            let _ = scheduler::tick(&app);
            last_schedule = Some(Instant::now());
        }
        while let Ok(d) = rx_done.try_recv() {
            flight.end(&d.0.webhook_id);
            done.push(d);
        }
        lanes.retain(&flight);
        let (rows, hooks) = match round(&app, &done, flight.room(&limits), lease) {
            Ok(b) => {
                done.clear();
                b
            }
            // Outcomes stay in `done` (their rows stay leased) and are
            // written with the next round.
            Err(_) => (Vec::new(), HashMap::new()),
        };
        let held = last_round.elapsed();
        let now = Load::now(&app);
        gap = gap_after(&limits, held, at_round.until(&now, cores).0);
        at_round = now;
        let started = rows.len();
        for c in rows {
            let Some(w) = hooks.get(&c.webhook_id).cloned() else {
                // The webhook was deleted meanwhile (its rows with it).
                continue;
            };
            flight.start(&c.webhook_id);
            let (all, per) = lanes.of(&c.webhook_id);
            let (client, tx_done, app) = (client.clone(), tx_done.clone(), app.clone());
            rt.spawn(async move {
                // Closed semaphores never happen (they live as long as the
                // worker); an error would only skip the bound.
                let _all = all.acquire_owned().await;
                let _one = per.acquire_owned().await;
                let out = client
                    .post(
                        &w.url,
                        &w.token,
                        &c.event_id,
                        &c.event_type,
                        c.payload.clone(),
                        app.now(),
                    )
                    .await;
                let _ = tx_done.send((c, out));
            });
        }
        if started == 0 && done.is_empty() {
            // Idle, or every claim in flight: wait for an attempt to end or
            // the next poll.
            let got = rt.block_on(async {
                tokio::select! {
                    d = rx_done.recv() => d,
                    _ = tokio::time::sleep(limits.poll) => None,
                }
            });
            if let Some(d) = got {
                flight.end(&d.0.webhook_id);
                done.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_wait_longer_only_while_the_server_is_busy() {
        let l = Limits::default();
        assert_eq!(gap_after(&l, Duration::from_millis(10), 5.0), l.round_every);
        // Busy: the round's time over its share (10 ms at 2 %: 500 ms),
        // never longer than busy_gap.
        assert_eq!(
            gap_after(&l, Duration::from_millis(10), 500.0),
            Duration::from_millis(500)
        );
        assert_eq!(gap_after(&l, Duration::from_secs(1), 500.0), l.busy_gap);
        assert_eq!(gap_after(&l, Duration::ZERO, 500.0), l.round_every);
    }

    #[test]
    fn saturated_takes_both_requests_and_cpu() {
        let l = Limits::default();
        // An administrator's few requests on a machine busy with other work.
        assert_eq!(
            (is_busy(&l, 5.0), is_saturated(&l, 5.0, 0.9)),
            (false, false)
        );
        assert_eq!(
            (is_busy(&l, 500.0), is_saturated(&l, 500.0, 0.3)),
            (true, false)
        );
        assert_eq!(
            (is_busy(&l, 500.0), is_saturated(&l, 500.0, 0.6)),
            (true, true)
        );
    }

    #[test]
    fn load_readings_give_rate_and_share_of_the_cores() {
        let t0 = Instant::now();
        let a = Load {
            requests: 100,
            cpu: Some(Duration::from_millis(500)),
            at: t0,
        };
        let b = Load {
            requests: 300,
            cpu: Some(Duration::from_millis(1500)),
            at: t0 + Duration::from_secs(1),
        };
        let (rate, share) = a.until(&b, 2);
        assert!((rate - 200.0).abs() < 1e-9, "{rate}");
        assert!((share - 0.5).abs() < 1e-9, "{share}");
        // Without a CPU reading the server never counts as saturated.
        let (_, share) = Load { cpu: None, ..a }.until(&b, 2);
        assert_eq!(share, 0.0);
    }

    #[cfg(unix)]
    #[test]
    fn process_cpu_counts_this_process_work() {
        let before = process_cpu().expect("getrusage");
        let used = || process_cpu().expect("getrusage").saturating_sub(before);
        let started = Instant::now();
        let mut x = 0u64;
        // Work until 20 ms of CPU show, for at most 5 s of wall time.
        while used() < Duration::from_millis(20) && started.elapsed() < Duration::from_secs(5) {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
        assert!(used() >= Duration::from_millis(20), "{:?} ({x})", used());
    }
}
