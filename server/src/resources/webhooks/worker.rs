//! The delivery worker: a tokio task per node that claims due deliveries
//! from the outbox, POSTs them (bounded in flight overall and per
//! endpoint), records every attempt, and runs the expiry scheduler and the
//! outbox pruning. It never runs inside a client request: a slow endpoint
//! costs the licensing path nothing but the outbox rows.
//!
//! Due times come from the injected clock (`app.now()`), so tests move a
//! test clock to make retries due; only the poll interval is wall time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::delivery::Client;
use super::outbox::{self, Claimed};
use super::{scheduler, Webhook};
use crate::app::App;
use crate::error::ApiResult;
use crate::params;

/// Limits of the worker.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for one attempt (connect, send, bounded response read).
    pub timeout: Duration,
    /// How often the outbox is polled.
    pub poll: Duration,
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
            in_flight: 16,
            per_endpoint: 4,
        }
    }
}

/// Starts the worker on the current runtime.
pub fn spawn(app: Arc<App>, limits: Limits) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(app, limits))
}

fn jitter() -> f64 {
    let r = crate::ids::random::<8>();
    u64::from_le_bytes(r) as f64 / u64::MAX as f64
}

type Endpoints = Arc<Mutex<HashMap<String, Arc<Semaphore>>>>;

async fn run(app: Arc<App>, limits: Limits) {
    let client = Client::new(limits.timeout);
    let global = Arc::new(Semaphore::new(limits.in_flight));
    let endpoints: Endpoints = Arc::default();
    // A claim outlives the attempt's timeout, so no other node takes a row
    // while it is in flight here.
    let lease = limits.timeout.as_secs() as i64 + 60;
    loop {
        // Errors (a database restarting) only delay the next round.
        let _ = app.run(scheduler::tick).await;
        let free = global.available_permits();
        let mut claimed = 0;
        if free > 0 {
            let busy = saturated(&endpoints);
            let batch = app
                .run(move |app| {
                    let now = app.now();
                    app.store.write(|tx| {
                        let mut rows = outbox::store::claim(tx, now, free + busy.len(), lease)?;
                        // Rows of endpoints at their bound are left for later.
                        let (keep, skip): (Vec<_>, Vec<_>) =
                            rows.drain(..).partition(|c| !busy.contains(&c.webhook_id));
                        for c in skip.iter().chain(keep.iter().skip(free)) {
                            tx.execute(
                                "UPDATE webhook_deliveries SET lease_until = 0 WHERE id = ?1",
                                params![&c.id],
                            )?;
                        }
                        let keep: Vec<Claimed> = keep.into_iter().take(free).collect();
                        let mut hooks = HashMap::new();
                        for c in &keep {
                            if !hooks.contains_key(&c.webhook_id) {
                                if let Some(w) = tx.load::<Webhook>(&c.webhook_id)? {
                                    hooks.insert(c.webhook_id.clone(), w);
                                }
                            }
                        }
                        Ok((keep, hooks))
                    })
                })
                .await;
            if let Ok((rows, hooks)) = batch {
                claimed = rows.len();
                for c in rows {
                    let Some(w) = hooks.get(&c.webhook_id).cloned() else {
                        continue;
                    };
                    dispatch(&app, &client, &global, &endpoints, &limits, c, w).await;
                }
            }
        }
        if claimed == 0 {
            tokio::time::sleep(limits.poll).await;
        }
    }
}

/// Endpoints with every per-endpoint permit taken.
fn saturated(endpoints: &Endpoints) -> Vec<String> {
    endpoints
        .lock()
        .map(|m| {
            m.iter()
                .filter(|(_, s)| s.available_permits() == 0)
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

async fn dispatch(
    app: &Arc<App>,
    client: &Client,
    global: &Arc<Semaphore>,
    endpoints: &Endpoints,
    limits: &Limits,
    c: Claimed,
    w: Webhook,
) {
    let Ok(permit) = global.clone().acquire_owned().await else {
        return;
    };
    let ep = {
        let mut m = endpoints.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(w.id.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(limits.per_endpoint)))
            .clone()
    };
    let (app, client) = (app.clone(), client.clone());
    tokio::spawn(async move {
        let _permit = permit;
        let Ok(_ep) = ep.acquire_owned().await else {
            return;
        };
        let now = app.now();
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
        let _ = app
            .run(move |app| -> ApiResult<()> {
                let now = app.now();
                let j = jitter();
                app.store.write(|tx| outbox::complete(tx, &c, &out, now, j))
            })
            .await;
    });
}
