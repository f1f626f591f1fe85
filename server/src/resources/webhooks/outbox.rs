//! The outbox: one `webhook_outbox` row per event (its type, time, the ids
//! of the endpoints subscribed at that moment and the resource's DTO),
//! written in the transaction of the change (by `event_logs::record`), so a
//! committed change is delivered even if the process dies the next instant.
//! That row is all a change pays: the outbox is one b-tree appended in rowid
//! order, with no index to keep (it holds only events not yet fanned out),
//! and its DTO is the JSON the change serialised anyway where it can be
//! (an activation's document). The worker later wraps each DTO in the
//! delivery's envelope ([`Payload`]), moves the event into `webhook_events`
//! (kept for retries and redelivery) and fans it out into one
//! `webhook_deliveries` row per endpoint ([`store::fan_out`]), outside every
//! client request. Every attempt goes to `webhook_attempts`.
//!
//! Claims are safe with several nodes: a worker selects due rows with
//! `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer) and, in the
//! same transaction, sets `lease_until`, so no other node takes a row while
//! its attempt is in flight; a node that dies mid-attempt leaves the lease to
//! run out and the row is taken again (at-least-once; the event id header
//! lets receivers drop duplicates).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::value::RawValue;

use super::Webhook;
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::params;
use crate::resources::event_logs::{Dto, EventLog};
use crate::store::{Page, Param, Tx};

/// The first retry waits this long (doubling each time, with jitter).
pub const FIRST_RETRY_SECS: i64 = 10;
/// The longest wait between two attempts.
pub const MAX_RETRY_SECS: i64 = 3600;
/// How long attempts go on from the event (then the delivery is `failed`;
/// an administrator can redeliver it).
pub const RETRY_WINDOW_SECS: i64 = 86_400;
/// Delivered rows are kept this long (for redelivery), then pruned.
pub const KEEP_DELIVERED_SECS: i64 = 86_400;
/// The response body kept per attempt, in bytes.
pub const RESPONSE_KEPT: usize = 1024;

/// The JSON a delivery POSTs: the event id, its type and time, and the
/// resource's DTO as the management API answers it (`data`); `event` and
/// `triggeredAt` repeat `type` and `createdAt` under the vendor's names.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload<'a> {
    /// The event id (the event log entry's id).
    pub id: &'a str,
    /// `license.created`, ...
    pub r#type: &'a str,
    /// When the event happened (ISO 8601).
    pub created_at: String,
    /// The vendor's name for `type`.
    pub event: &'a str,
    /// The vendor's name for `createdAt`.
    pub triggered_at: String,
    /// The resource's DTO.
    pub data: &'a RawValue,
}

/// The body a delivery POSTs for event `id` of type `event` at `at`: the
/// envelope around `data`, the resource's DTO as the outbox holds it.
/// Text that is not JSON (the server never writes any) goes out as a JSON
/// string rather than stall the outbox.
pub fn payload(id: &str, at: i64, event: &str, data: &str) -> ApiResult<String> {
    let raw = serde_json::from_str::<&RawValue>(data);
    let quoted;
    let data = match raw {
        Ok(raw) => raw,
        Err(_) => {
            quoted = serde_json::value::to_raw_value(data)?;
            &*quoted
        }
    };
    let at = crate::dates::format(at);
    Ok(serde_json::to_string(&Payload {
        id,
        r#type: event,
        created_at: at.clone(),
        event,
        triggered_at: at,
        data,
    })?)
}

/// Queues `log`'s event for every active webhook subscribed to it, in the
/// caller's transaction, with `dto` as its `data`. Events no webhook
/// subscribes to cost nothing more than the subscription check.
pub fn enqueue(tx: &mut dyn Tx, log: &EventLog, dto: Dto<'_>) -> ApiResult<()> {
    let event = format!("{}.{}", log.resource, log.action);
    if !super::is_event(&event) {
        return Ok(());
    }
    let Some(hooks) = subscribers(tx, &event)? else {
        return Ok(());
    };
    let data = dto()?;
    tx.execute(
        "INSERT INTO webhook_outbox (id, created_at, event_type, webhook_ids, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![&log.id, log.created_at, &event, &*hooks, &*data],
    )?;
    Ok(())
}

/// The settings key of the webhooks' version: bumped in the transaction of
/// every webhook change, so each node's cached subscriptions are checked
/// with one primary-key read per event instead of reading every webhook.
pub const VERSION: &str = "webhooks.version";

/// For each event type some active webhook subscribes to, the ids of those
/// webhooks joined by commas (as an outbox row names them), as read at a
/// version.
type Subscriptions = (String, HashMap<String, Arc<str>>);

/// This process's copy of the active subscriptions and the version it
/// was read at.
static SUBSCRIPTIONS: Mutex<Option<Subscriptions>> = Mutex::new(None);

/// Marks the webhooks changed (call in the changing transaction).
pub fn bump_version(tx: &mut dyn Tx) -> ApiResult<()> {
    crate::resources::settings::put(tx, VERSION, &crate::ids::uuid())
}

/// The ids of the active webhooks subscribed to `event`, joined by commas;
/// `None` when there are none.
fn subscribers(tx: &mut dyn Tx, event: &str) -> ApiResult<Option<Arc<str>>> {
    let version = crate::resources::settings::get(tx, VERSION)?.unwrap_or_default();
    let mut cache = SUBSCRIPTIONS.lock().unwrap_or_else(|e| e.into_inner());
    if !matches!(cache.as_ref(), Some((v, _)) if *v == version) {
        let hooks: Vec<Webhook> = tx.docs("SELECT data FROM webhooks", &[])?;
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for w in hooks.into_iter().filter(|w| w.active) {
            for e in w.events.iter().filter(|e| super::is_event(e)) {
                ids.entry(e.clone()).or_default().push(w.id.clone());
            }
        }
        let subs = ids
            .into_iter()
            .map(|(e, mut ids)| {
                // A webhook that names an event twice gets one delivery.
                ids.dedup();
                (e, Arc::from(ids.join(",")))
            })
            .collect();
        *cache = Some((version, subs));
    }
    Ok(cache
        .as_ref()
        .and_then(|(_, subs)| subs.get(event).cloned()))
}

/// A delivery claimed for one attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// Delivery id.
    pub id: String,
    /// Its webhook.
    pub webhook_id: String,
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// Attempts made before this one.
    pub attempts: i64,
    /// When it was queued (or redelivered).
    pub created_at: i64,
    /// The JSON body.
    pub payload: String,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The HTTP status (0 when none was received).
    pub status: u16,
    /// Milliseconds from connect to the end of the (bounded) response.
    pub latency_ms: u64,
    /// Why it failed without a status (timeout, refused, ...).
    pub error: String,
    /// The first [`RESPONSE_KEPT`] bytes of the response body.
    pub response: String,
}

impl Outcome {
    /// 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One recorded attempt (`GET /v3/webhooks/{id}/attempts`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Attempt id.
    pub id: String,
    /// The delivery it belongs to.
    pub delivery_id: String,
    /// The webhook.
    pub webhook_id: String,
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// 1 for the first attempt of the delivery.
    pub attempt: i64,
    /// When it was made.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// The HTTP status (0: none).
    pub status_code: u16,
    /// Latency in milliseconds.
    pub latency_ms: u64,
    /// The failure without a status, if any.
    pub error: String,
    /// The start of the response body.
    pub response_body: String,
    /// Whether it counted as delivered (2xx).
    pub success: bool,
}

/// One delivery (`GET /v3/webhooks/{id}/deliveries`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Delivery id.
    pub id: String,
    /// The webhook.
    pub webhook_id: String,
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (retries exhausted).
    pub state: String,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due (pending only).
    #[serde(with = "crate::dates::nullable")]
    pub next_attempt_at: i64,
    /// When it was delivered.
    #[serde(with = "crate::dates::nullable")]
    pub delivered_at: i64,
    /// Queued (or redelivered) at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
}

/// The wait before attempt `n + 1` after `n` failed attempts: doubling from
/// [`FIRST_RETRY_SECS`] up to [`MAX_RETRY_SECS`], then a random point in its
/// upper half (`jitter` in 0..=1), so endpoints that fail together do not
/// get their retries together.
pub fn backoff(n: i64, jitter: f64) -> i64 {
    let exp = n.saturating_sub(1).clamp(0, 30) as u32;
    let full = FIRST_RETRY_SECS
        .saturating_mul(1i64 << exp)
        .min(MAX_RETRY_SECS);
    let half = full / 2;
    half + ((full - half) as f64 * jitter.clamp(0.0, 1.0)).round() as i64
}

/// What one worker round may still claim: a total and a bound per
/// endpoint, over what this node already has claimed.
#[derive(Debug, Clone)]
pub struct Room {
    left: usize,
    per_endpoint: usize,
    claimed: std::collections::HashMap<String, usize>,
}

impl Room {
    /// Room for `left` more claims, at most `per_endpoint` per endpoint
    /// counting the `claimed` ones.
    pub fn new(
        left: usize,
        per_endpoint: usize,
        claimed: std::collections::HashMap<String, usize>,
    ) -> Room {
        Room {
            left,
            per_endpoint,
            claimed,
        }
    }

    /// Claims left.
    pub fn left(&self) -> usize {
        self.left
    }

    /// No claim fits.
    pub fn is_full(&self) -> bool {
        self.left == 0
    }

    /// Takes a place for one delivery to `endpoint`, if there is one.
    pub fn take(&mut self, endpoint: &str) -> bool {
        if self.left == 0 {
            return false;
        }
        let n = self.claimed.entry(endpoint.to_owned()).or_default();
        if *n >= self.per_endpoint {
            return false;
        }
        *n += 1;
        self.left -= 1;
        true
    }

    /// Endpoints at their bound.
    pub fn full_endpoints(&self) -> Vec<String> {
        self.claimed
            .iter()
            .filter(|(_, n)| **n >= self.per_endpoint)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// Storage queries of the outbox.
pub mod store {
    use super::*;

    /// Whether an event waits to be fanned out or a delivery is due (a
    /// cheap read before the write).
    pub fn any_due(tx: &mut dyn Tx, now: i64) -> ApiResult<bool> {
        let new = tx
            .query_opt("SELECT 1 FROM webhook_outbox LIMIT 1", &[], |_| Ok(()))?
            .is_some();
        Ok(new
            || tx
                .query_opt(
                    "SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?1 AND lease_until <= ?1 LIMIT 1",
                    params![now],
                    |_| Ok(()),
                )?
                .is_some())
    }

    /// Fans up to `room`'s worth of new events out into one delivery per
    /// endpoint that still exists: deliveries `room` has place for are
    /// inserted already leased to this node and returned (with the payload
    /// read here), the others are inserted due (rows another node is
    /// fanning out are skipped).
    pub fn fan_out(
        tx: &mut dyn Tx,
        now: i64,
        room: &mut Room,
        lease: i64,
    ) -> ApiResult<Vec<Claimed>> {
        if room.is_full() {
            return Ok(Vec::new());
        }
        let events = tx.query_all(
            &format!("SELECT rowid, id, created_at, event_type, webhook_ids, data FROM webhook_outbox ORDER BY rowid LIMIT {} FOR UPDATE SKIP LOCKED", room.left()),
            &[],
            |r| Ok((r.int(0)?, r.str(1)?.to_owned(), r.int(2)?, r.str(3)?.to_owned(), r.str(4)?.to_owned(), r.str(5)?.to_owned())),
        )?;
        let mut taken = Vec::new();
        for (rowid, id, at, event, hooks, data) in events {
            let payload = payload(&id, at, &event, &data)?;
            let mut fanned = 0;
            for hook in hooks.split(',').filter(|h| !h.is_empty()) {
                if !tx.exists::<Webhook>(hook)? {
                    continue;
                }
                let delivery = crate::ids::uuid();
                let leased = room.take(hook);
                let until = if leased { now.saturating_add(lease) } else { 0 };
                tx.execute(
                    "INSERT INTO webhook_deliveries (id, created_at, webhook_id, event_id, event_type, state, next_attempt_at, lease_until) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?2, ?6)",
                    params![&delivery, at, hook, &id, &event, until],
                )?;
                fanned += 1;
                if leased {
                    taken.push(Claimed {
                        id: delivery,
                        webhook_id: hook.to_owned(),
                        event_id: id.clone(),
                        event_type: event.clone(),
                        attempts: 0,
                        created_at: at,
                        payload: payload.clone(),
                    });
                }
            }
            // Kept while a delivery may need it (retries, redelivery); an
            // event whose webhooks are all gone is dropped here.
            if fanned > 0 {
                tx.execute(
                    "INSERT INTO webhook_events (id, created_at, event_type, webhook_ids, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![&id, at, &event, &hooks, &payload],
                )?;
            }
            tx.execute(
                "DELETE FROM webhook_outbox WHERE rowid = ?1",
                params![rowid],
            )?;
        }
        Ok(taken)
    }

    /// Claims due deliveries (retries, redeliveries, rows fanned out
    /// beyond an endpoint's room) for `lease` seconds, as many as `room`
    /// has place for.
    pub fn claim(
        tx: &mut dyn Tx,
        now: i64,
        room: &mut Room,
        lease: i64,
    ) -> ApiResult<Vec<Claimed>> {
        if room.is_full() {
            return Ok(Vec::new());
        }
        // Full endpoints are few (at most the claim bound); their ids are
        // uuids we made, bound as parameters.
        let full = room.full_endpoints();
        let mut vals: Vec<Param<'_>> = vec![Param::Int(now)];
        let mut not_full = String::new();
        for b in &full {
            vals.push(Param::Text(b));
            not_full.push_str(&format!(" AND d.webhook_id <> ?{}", vals.len()));
        }
        let rows = tx.query_all(
            &format!(
                "SELECT id, webhook_id, event_id, event_type, attempts, created_at FROM webhook_deliveries d WHERE state = 'pending' AND next_attempt_at <= ?1 AND lease_until <= ?1{not_full} ORDER BY next_attempt_at LIMIT {} FOR UPDATE SKIP LOCKED",
                room.left()
            ),
            &vals,
            |r| {
                Ok(Claimed {
                    id: r.str(0)?.to_owned(),
                    webhook_id: r.str(1)?.to_owned(),
                    event_id: r.str(2)?.to_owned(),
                    event_type: r.str(3)?.to_owned(),
                    attempts: r.int(4)?,
                    created_at: r.int(5)?,
                    payload: String::new(),
                })
            },
        )?;
        let mut taken = Vec::new();
        for mut c in rows {
            // Rows beyond an endpoint's room stay due, untouched.
            if !room.take(&c.webhook_id) {
                continue;
            }
            c.payload = tx
                .query_opt(
                    "SELECT payload FROM webhook_events WHERE id = ?1",
                    params![&c.event_id],
                    |r| Ok(r.str(0)?.to_owned()),
                )?
                .unwrap_or_default();
            tx.execute(
                "UPDATE webhook_deliveries SET lease_until = ?2 WHERE id = ?1",
                params![&c.id, now.saturating_add(lease)],
            )?;
            taken.push(c);
        }
        Ok(taken)
    }

    /// Removes delivered rows older than [`KEEP_DELIVERED_SECS`]; the
    /// number removed.
    pub fn prune(tx: &mut dyn Tx, now: i64) -> ApiResult<usize> {
        let n = tx.execute(
            "DELETE FROM webhook_deliveries WHERE state = 'delivered' AND delivered_at < ?1",
            params![now.saturating_sub(KEEP_DELIVERED_SECS)],
        )?;
        if n > 0 {
            orphans(tx)?;
        }
        Ok(n)
    }

    /// Removes event bodies no delivery needs any more.
    fn orphans(tx: &mut dyn Tx) -> ApiResult<usize> {
        tx.execute(
            "DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)",
            &[],
        )
    }

    /// Removes a deleted webhook's queued deliveries.
    pub fn delete_of_webhook(tx: &mut dyn Tx, webhook_id: &str) -> ApiResult<usize> {
        let n = tx.execute(
            "DELETE FROM webhook_deliveries WHERE webhook_id = ?1",
            params![webhook_id],
        )?;
        orphans(tx)?;
        Ok(n)
    }

    fn delivery(r: &dyn crate::store::Row) -> ApiResult<Delivery> {
        Ok(Delivery {
            id: r.str(0)?.to_owned(),
            webhook_id: r.str(1)?.to_owned(),
            event_id: r.str(2)?.to_owned(),
            event_type: r.str(3)?.to_owned(),
            state: r.str(4)?.to_owned(),
            attempts: r.int(5)?,
            next_attempt_at: r.int(6)?,
            delivered_at: r.int(7)?,
            created_at: r.int(8)?,
        })
    }

    const DELIVERY_COLS: &str = "id, webhook_id, event_id, event_type, state, attempts, next_attempt_at, delivered_at, created_at";

    /// One page of a webhook's deliveries, optionally in one state.
    pub fn list_deliveries(
        tx: &mut dyn Tx,
        webhook_id: &str,
        state: Option<&str>,
        page: Page,
    ) -> ApiResult<(Vec<Delivery>, i64)> {
        let mut vals: Vec<Param<'_>> = vec![Param::Text(webhook_id)];
        let mut wh = "webhook_id = ?1".to_owned();
        if let Some(s) = state {
            vals.push(Param::Text(s));
            wh.push_str(" AND state = ?2");
        }
        let total = tx.count(
            &format!("SELECT COUNT(*) FROM webhook_deliveries WHERE {wh}"),
            &vals,
        )?;
        let (order, limit, offset) = order_limit(page);
        let rows = tx.query_all(
            &format!("SELECT {DELIVERY_COLS} FROM webhook_deliveries WHERE {wh} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}"),
            &vals,
            delivery,
        )?;
        Ok((rows, total))
    }

    /// One delivery of a webhook.
    pub fn delivery_of(tx: &mut dyn Tx, webhook_id: &str, id: &str) -> ApiResult<Option<Delivery>> {
        tx.query_opt(
            &format!("SELECT {DELIVERY_COLS} FROM webhook_deliveries WHERE id = ?1 AND webhook_id = ?2 FOR UPDATE"),
            params![id, webhook_id],
            delivery,
        )
    }

    /// One page of a webhook's attempts (of one delivery if given).
    pub fn list_attempts(
        tx: &mut dyn Tx,
        webhook_id: &str,
        delivery_id: Option<&str>,
        page: Page,
    ) -> ApiResult<(Vec<Attempt>, i64)> {
        let mut vals: Vec<Param<'_>> = vec![Param::Text(webhook_id)];
        let mut wh = "webhook_id = ?1".to_owned();
        if let Some(d) = delivery_id {
            vals.push(Param::Text(d));
            wh.push_str(" AND delivery_id = ?2");
        }
        let total = tx.count(
            &format!("SELECT COUNT(*) FROM webhook_attempts WHERE {wh}"),
            &vals,
        )?;
        let (order, limit, offset) = order_limit(page);
        let rows = tx.docs(
            &format!("SELECT data FROM webhook_attempts WHERE {wh} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}"),
            &vals,
        )?;
        Ok((rows, total))
    }

    fn order_limit(page: Page) -> (&'static str, i64, i64) {
        let order = if page.newest_first { "DESC" } else { "ASC" };
        let limit = page.limit.clamp(1, 100) as i64;
        (order, limit, (page.page.max(1) as i64 - 1) * limit)
    }
}

/// Records an attempt's outcome: the attempt row; the delivery delivered,
/// rescheduled with backoff, or failed once the retry window is over; the
/// endpoint's failure count (and `failing` mark).
pub fn complete(
    tx: &mut dyn Tx,
    c: &Claimed,
    out: &Outcome,
    now: i64,
    jitter: f64,
) -> ApiResult<()> {
    let attempt = Attempt {
        id: crate::ids::uuid(),
        delivery_id: c.id.clone(),
        webhook_id: c.webhook_id.clone(),
        event_id: c.event_id.clone(),
        event_type: c.event_type.clone(),
        attempt: c.attempts + 1,
        created_at: now,
        status_code: out.status,
        latency_ms: out.latency_ms,
        error: out.error.clone(),
        response_body: out.response.clone(),
        success: out.ok(),
    };
    tx.execute(
        "INSERT INTO webhook_attempts (id, created_at, webhook_id, delivery_id, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            &attempt.id,
            now,
            &c.webhook_id,
            &c.id,
            &serde_json::to_string(&attempt)?
        ],
    )?;
    let n = c.attempts + 1;
    if out.ok() {
        tx.execute(
            "UPDATE webhook_deliveries SET state = 'delivered', attempts = ?2, delivered_at = ?3, lease_until = 0, next_attempt_at = 0 WHERE id = ?1",
            params![&c.id, n, now],
        )?;
    } else if now.saturating_sub(c.created_at) >= RETRY_WINDOW_SECS {
        tx.execute(
            "UPDATE webhook_deliveries SET state = 'failed', attempts = ?2, lease_until = 0, next_attempt_at = 0 WHERE id = ?1",
            params![&c.id, n],
        )?;
    } else {
        tx.execute(
            "UPDATE webhook_deliveries SET attempts = ?2, lease_until = 0, next_attempt_at = ?3 WHERE id = ?1",
            params![&c.id, n, now.saturating_add(backoff(n, jitter))],
        )?;
    }
    if let Some(mut w) = tx.load::<Webhook>(&c.webhook_id)? {
        let (failures, failing) = if out.ok() {
            (0, false)
        } else {
            let f = w.consecutive_failures + 1;
            (f, w.failing || f >= super::FAILING_AFTER)
        };
        if (failures, failing) != (w.consecutive_failures, w.failing) {
            w.consecutive_failures = failures;
            w.failing = failing;
            tx.save(&w)?;
        }
    }
    Ok(())
}

/// Queues a delivery again (`POST .../deliveries/{id}/redeliver`): due at
/// once, with a fresh retry window. Delivered rows can be redelivered until
/// they are pruned.
pub fn redeliver(app: &App, webhook_id: &str, id: &str) -> ApiResult<Delivery> {
    let now = app.now();
    app.store.write(|tx| {
        store::delivery_of(tx, webhook_id, id)?
            .ok_or_else(|| ApiError::not_found("delivery"))?;
        tx.execute(
            "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?2, lease_until = 0, created_at = ?2, delivered_at = 0 WHERE id = ?1",
            params![id, now],
        )?;
        store::delivery_of(tx, webhook_id, id)?.ok_or_else(|| ApiError::not_found("delivery"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::{Durability, SqliteStore};
    use crate::store::Store;

    fn count(store: &dyn Store, table: &str) -> i64 {
        store
            .read(|tx| tx.count(&format!("SELECT COUNT(*) FROM {table}"), &[]))
            .unwrap()
    }

    #[test]
    fn fan_out_moves_events_out_of_the_outbox_and_prune_drops_them_once_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let sq = SqliteStore::open(&dir.path().join("t.db"), Durability::Full).unwrap();
        let store: &dyn Store = &sq;
        store
            .write(|tx| {
                tx.save(&Webhook {
                    id: "w1".into(),
                    active: true,
                    ..Default::default()
                })?;
                // e1 names w1 and a webhook deleted since; e2 only the
                // deleted one.
                for (id, hooks) in [("e1", "w1,gone"), ("e2", "gone")] {
                    tx.execute(
                        "INSERT INTO webhook_outbox (id, created_at, event_type, webhook_ids, data) VALUES (?1, 100, 'activation.created', ?2, '{\"n\": [1]}')",
                        params![id, hooks],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let claimed = store
            .write(|tx| {
                let mut room = Room::new(10, 10, Default::default());
                store::fan_out(tx, 100, &mut room, 60)
            })
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(
            (claimed[0].event_id.as_str(), claimed[0].webhook_id.as_str()),
            ("e1", "w1")
        );
        // The DTO goes out as stored, inside the delivery's envelope.
        assert_eq!(
            claimed[0].payload,
            r#"{"id":"e1","type":"activation.created","createdAt":"1970-01-01T00:01:40.000Z","event":"activation.created","triggeredAt":"1970-01-01T00:01:40.000Z","data":{"n": [1]}}"#
        );
        // The outbox holds only what waits; the event a delivery may need
        // again is kept, the one no endpoint is left for is not.
        assert_eq!(count(store, "webhook_outbox"), 0);
        assert_eq!(count(store, "webhook_events"), 1);
        assert_eq!(count(store, "webhook_deliveries"), 1);
        let ok = Outcome {
            status: 200,
            ..Default::default()
        };
        store
            .write(|tx| complete(tx, &claimed[0], &ok, 101, 0.5))
            .unwrap();
        assert_eq!(store.write(|tx| store::prune(tx, 101)).unwrap(), 0);
        let later = 102 + KEEP_DELIVERED_SECS;
        assert_eq!(store.write(|tx| store::prune(tx, later)).unwrap(), 1);
        assert_eq!(count(store, "webhook_deliveries"), 0);
        assert_eq!(count(store, "webhook_events"), 0);
        assert_eq!(count(store, "webhook_attempts"), 1);
    }

    #[test]
    fn a_dto_that_is_not_json_goes_out_as_a_string() {
        let body = payload("e", 0, "license.created", "not json").unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["data"], "not json");
        assert_eq!(v["id"], "e");
    }

    #[test]
    fn backoff_doubles_to_a_cap_with_jitter_in_the_upper_half() {
        assert_eq!(backoff(1, 1.0), 10);
        assert_eq!(backoff(1, 0.0), 5);
        assert_eq!(backoff(2, 1.0), 20);
        assert_eq!(backoff(4, 1.0), 80);
        assert_eq!(backoff(40, 1.0), MAX_RETRY_SECS);
        assert_eq!(backoff(40, 0.0), MAX_RETRY_SECS / 2);
        // Attempts go on for the whole window: at least 24 h of retries
        // even with the shortest jitter.
        let (mut t, mut n) = (0, 0);
        while t < RETRY_WINDOW_SECS {
            n += 1;
            t += backoff(n, 0.0);
        }
        assert!(n > 20, "{n} attempts");
    }
}
