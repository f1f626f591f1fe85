//! The delivery worker: one thread per node, outside every client request,
//! that claims due deliveries from the outbox, POSTs them (bounded in flight
//! overall and per endpoint), records every attempt, and runs the expiry
//! scheduler and the outbox pruning.
//!
//! Licensing comes first: the thread runs at the lowest CPU priority (nice
//! 19 on Linux) with its own single-threaded runtime, so while activations
//! keep the cores busy, deliveries wait in the outbox and catch up when
//! the load eases; they never take CPU from a client request. Outcomes of
//! the attempts finished since the last round are written, and new rows
//! claimed, in one transaction per round, so a delivery costs a share of a
//! commit rather than one of its own.
//!
//! Due times come from the injected clock (`app.now()`), so tests move a
//! test clock to make retries due; only the poll interval is wall time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::delivery::Client;
use super::outbox::{self, Claimed, Outcome};
use super::{scheduler, Webhook};
use crate::app::App;
use crate::error::ApiResult;
use crate::params;

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
    /// transaction): outcomes and claims gather in between, so under load
    /// the worker takes the database a few times a second, not once per
    /// delivery.
    pub round_every: Duration,
    /// Attempts in flight on this node.
    pub in_flight: usize,
    /// Attempts in flight to one endpoint on this node.
    pub per_endpoint: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(100),
            schedule: Duration::from_millis(250),
            round_every: Duration::from_millis(50),
            in_flight: 32,
            per_endpoint: 4,
        }
    }
}

/// Starts the worker on its own thread (returns at once).
pub fn spawn(app: Arc<App>, limits: Limits) -> std::io::Result<std::thread::JoinHandle<()>> {
    // The attempts run on a one-thread runtime of their own; the rounds'
    // database work runs on the worker's thread outside any runtime (the
    // PostgreSQL driver is blocking and may not run inside one). Both
    // threads run at the lowest priority.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("webhook-attempts")
        .on_thread_start(lowest_priority)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || {
            lowest_priority();
            run(&rt, app, limits);
        })
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

/// In-flight attempts: the total and per endpoint.
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

    fn busy(&self, bound: usize) -> Vec<String> {
        self.per
            .iter()
            .filter(|(_, n)| **n >= bound)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

type Batch = (Vec<Claimed>, HashMap<String, Webhook>);

/// One round in one transaction: the finished attempts' outcomes, then up
/// to `free` new claims (no more than `per_endpoint` in flight to one
/// endpoint; rows beyond that are released at once).
fn round(
    app: &App,
    done: &[(Claimed, Outcome)],
    flight: &Flight,
    free: usize,
    limits: &Limits,
) -> ApiResult<Batch> {
    let now = app.now();
    if done.is_empty() && (free == 0 || !app.store.read(|tx| outbox::store::any_due(tx, now))?) {
        return Ok((Vec::new(), HashMap::new()));
    }
    let lease = limits.timeout.as_secs() as i64 + 60;
    let busy = flight.busy(limits.per_endpoint);
    let jitters: Vec<f64> = done.iter().map(|_| jitter()).collect();
    app.store.write(|tx| {
        for ((c, out), j) in done.iter().zip(&jitters) {
            outbox::complete(tx, c, out, now, *j)?;
        }
        let mut taken: Vec<Claimed> = Vec::new();
        if free > 0 {
            let mut counts = flight.per.clone();
            for c in outbox::store::claim(tx, now, free, lease, &busy)? {
                let n = counts.entry(c.webhook_id.clone()).or_default();
                if *n >= limits.per_endpoint {
                    tx.execute(
                        "UPDATE webhook_deliveries SET lease_until = 0 WHERE id = ?1",
                        params![&c.id],
                    )?;
                } else {
                    *n += 1;
                    taken.push(c);
                }
            }
        }
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

fn run(rt: &tokio::runtime::Runtime, app: Arc<App>, limits: Limits) {
    let client = Client::new(limits.timeout);
    let (tx_done, mut rx_done) = mpsc::unbounded_channel::<(Claimed, Outcome)>();
    let mut flight = Flight::default();
    let mut done: Vec<(Claimed, Outcome)> = Vec::new();
    let mut last_schedule: Option<Instant> = None;
    let mut last_round = Instant::now();
    loop {
        let since = last_round.elapsed();
        if since < limits.round_every {
            // Gather outcomes until the next round is due.
            let wait = limits.round_every - since;
            rt.block_on(async { tokio::time::sleep(wait).await });
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
        let free = limits.in_flight.saturating_sub(flight.total);
        let (rows, hooks) = match round(&app, &done, &flight, free, &limits) {
            Ok(b) => {
                done.clear();
                b
            }
            // Outcomes stay in `done` (their rows stay leased) and are
            // written with the next round.
            Err(_) => (Vec::new(), HashMap::new()),
        };
        let started = rows.len();
        for c in rows {
            let Some(w) = hooks.get(&c.webhook_id).cloned() else {
                // The webhook was deleted meanwhile (its rows with it).
                continue;
            };
            flight.start(&c.webhook_id);
            let (client, tx_done, now) = (client.clone(), tx_done.clone(), app.now());
            rt.spawn(async move {
                let out = client
                    .post(
                        &w.url,
                        &w.token,
                        &c.event_id,
                        &c.event_type,
                        c.payload.clone(),
                        now,
                    )
                    .await;
                let _ = tx_done.send((c, out));
            });
        }
        if started == 0 && done.is_empty() {
            // Idle, or every slot busy: wait for an attempt to end or the
            // next poll.
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
