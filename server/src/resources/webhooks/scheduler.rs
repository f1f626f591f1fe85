//! Raises `license.expiring-soon` (at `expiresAt - expiringSoonEventOffset`)
//! and `license.expired` (at `expiresAt`) from the injected clock.
//!
//! Each round scans only the interval since the previous one (a watermark
//! in `settings`) through the indexed `expiring_soon_at` and `expires_at`
//! columns, and raises each event once per license and expiry however many
//! nodes run it: the row in `license_expiry_events` (primary key license,
//! event, expiry) is inserted with `ON CONFLICT DO NOTHING` in the same
//! transaction as the event, and only the node whose insert took the key
//! records it. A license whose expiry is moved back behind the watermark
//! by hand (to the past) gets its `license.updated` event, not `expired`.

use crate::app::App;
use crate::error::ApiResult;
use crate::params;
use crate::resources::event_logs::{self, Actor, EventRecord, Resource};
use crate::resources::licenses::{self, License};
use crate::resources::settings;
use crate::store::Tx;

/// The settings key of the watermark (unix seconds).
pub const WATERMARK: &str = "webhooks.expiry_watermark";

/// Licenses handled per round (the rest in the next round).
const BATCH: i64 = 200;

/// One round: raises the expiry events due since the last round, and
/// prunes delivered outbox rows.
pub fn tick(app: &App) -> ApiResult<()> {
    let now = app.now();
    let acting = Some(event_logs::Acting::as_actor(Actor::System));
    event_logs::with_acting(acting, || {
        app.store.write(|tx| {
            let since = settings::get(tx, WATERMARK)?.and_then(|v| v.parse::<i64>().ok());
            let since = match since {
                Some(t) if t < now => t,
                Some(t) if t == now => return Ok(()),
                // First round (events start from now), or the clock went
                // back (a corrected host clock).
                _ => return settings::put(tx, WATERMARK, &now.to_string()),
            };
            let soon = due(tx, "expiring_soon_at", since, now)?;
            let expired = due(tx, "expires_at", since, now)?;
            let full = soon.len() as i64 == BATCH || expired.len() as i64 == BATCH;
            let mut upto = now;
            if full {
                // Stop at the last time handled; the next round goes on.
                let last = |v: &[License], f: fn(&License) -> i64| v.last().map(f);
                upto = [
                    last(&soon, License::expiring_soon_at),
                    last(&expired, |l| l.expires_at),
                ]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(now);
            }
            for l in soon {
                if l.expiring_soon_at() <= upto && l.expires_at > now {
                    raise(tx, l, "expiring-soon", now)?;
                }
            }
            for l in expired {
                if l.expires_at <= upto {
                    raise(tx, l, "expired", now)?;
                }
            }
            super::outbox::store::prune(tx, now)?;
            settings::put(tx, WATERMARK, &upto.to_string())
        })
    })
}

fn due(tx: &mut dyn Tx, col: &str, since: i64, now: i64) -> ApiResult<Vec<License>> {
    tx.docs(
        &format!(
            "SELECT data FROM licenses WHERE {col} > ?1 AND {col} <= ?2 ORDER BY {col} LIMIT {BATCH}"
        ),
        params![since, now],
    )
}

fn raise(tx: &mut dyn Tx, l: License, action: &str, now: i64) -> ApiResult<()> {
    let event = format!("license.{action}");
    let took = tx.execute(
        "INSERT INTO license_expiry_events (license_id, event, expires_at, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        params![&l.id, &event, l.expires_at, now],
    )?;
    if took == 0 {
        return Ok(());
    }
    let id = l.id.clone();
    let view = licenses::view(tx, l, now)?;
    event_logs::record(
        tx,
        &EventRecord {
            resource: Resource::License,
            resource_id: &id,
            action,
            at: now,
            before: None,
            after: Some(serde_json::to_value(&view)?),
        },
    )?;
    Ok(())
}
