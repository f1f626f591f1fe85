//! Versioned schema migrations, applied in order inside one transaction and
//! recorded in `schema_migrations`.

/// `(version, SQL)` pairs; append only, never edit a released entry.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE products (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, name TEXT NOT NULL,
    private_key BLOB, public_key BLOB, data TEXT NOT NULL);
CREATE TABLE licenses (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, product_id TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL DEFAULT '', data TEXT NOT NULL);
CREATE INDEX licenses_product ON licenses(product_id, created_at);
CREATE INDEX licenses_user ON licenses(user_id);
CREATE TABLE activations (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, license_id TEXT NOT NULL,
    product_id TEXT NOT NULL, fingerprint TEXT NOT NULL, lease_expires_at INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL);
CREATE INDEX activations_license ON activations(license_id, fingerprint);
CREATE INDEX activations_product ON activations(product_id, created_at);
CREATE TABLE trial_activations (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, product_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX trials_product ON trial_activations(product_id, fingerprint);
CREATE TABLE users (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE user_sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE releases (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, product_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX releases_product ON releases(product_id);
CREATE TABLE entitlement_sets (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, product_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE admin_tokens (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, token_hash TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    ),
    (
        2,
        // Fingerprint digests (db::fpdigest) and one covering index per owner
        // that answers both the matching scan and the seat queries without
        // reading rows; one index rather than two keeps the pages an
        // activation dirties (and writes to the WAL) down. The old indexes
        // carried the full fingerprint text, which nothing filters on.
        // Existing rows get digests from `sqlite::backfill_digests` in the
        // same transaction.
        r#"
ALTER TABLE activations ADD COLUMN fp_digest BLOB NOT NULL DEFAULT x'';
ALTER TABLE trial_activations ADD COLUMN fp_digest BLOB NOT NULL DEFAULT x'';
DROP INDEX activations_license;
CREATE INDEX activations_by_license ON activations(license_id, lease_expires_at, created_at, fp_digest);
DROP INDEX trials_product;
CREATE INDEX trials_by_product ON trial_activations(product_id, created_at, fp_digest);
"#,
    ),
    (
        3,
        // License and trial policies (resources::license_policies,
        // resources::trial_policies): documents only.
        r#"
CREATE TABLE license_policies (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE trial_policies (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, data TEXT NOT NULL);
"#,
    ),
    (
        4,
        // Event logs (resources::event_logs), webhooks and their outbox of
        // deliveries and attempts (resources::webhooks), the expiry events
        // the scheduler raised (one row per license, event and expiry: the
        // primary key makes each raise once on any number of nodes), and an
        // indexed `expires_at` on licenses so the scheduler finds the
        // licenses about to expire without reading every document.
        r#"
CREATE TABLE event_logs (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, resource TEXT NOT NULL,
    resource_id TEXT NOT NULL, action TEXT NOT NULL, actor_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX event_logs_created ON event_logs(created_at);
CREATE INDEX event_logs_resource ON event_logs(resource_id, created_at);
CREATE TABLE webhooks (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, webhook_id TEXT NOT NULL,
    event_id TEXT NOT NULL, event_type TEXT NOT NULL, state TEXT NOT NULL, next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE TABLE webhook_events (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, event_type TEXT NOT NULL,
    webhook_ids TEXT NOT NULL, fanned_out INTEGER NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE INDEX webhook_events_new ON webhook_events(fanned_out);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);
CREATE TABLE webhook_attempts (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, webhook_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX webhook_attempts_hook ON webhook_attempts(webhook_id, created_at);
CREATE TABLE license_expiry_events (license_id TEXT NOT NULL, event TEXT NOT NULL, expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (license_id, event, expires_at));
ALTER TABLE licenses ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE licenses SET expires_at = CASE json_type(data, '$.expiresAt')
    WHEN 'integer' THEN json_extract(data, '$.expiresAt')
    WHEN 'text' THEN coalesce(unixepoch(json_extract(data, '$.expiresAt')), 0)
    ELSE 0 END;
CREATE INDEX licenses_expiry ON licenses(expires_at);
ALTER TABLE licenses ADD COLUMN expiring_soon_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX licenses_expiring_soon ON licenses(expiring_soon_at);
"#,
    ),
    (
        5,
        // Activation logs (resources::activation_logs): plain columns, one
        // index per way they are read (time for pages and retention, license,
        // product). No index on `id`: it carries its creation time, so a
        // lookup by id goes through the time index, and every activation
        // writes one index entry fewer. The analytics columns of activations and trials
        // (resources::analytics groups by them), filled from the documents.
        r#"
CREATE TABLE activation_logs (id TEXT NOT NULL, created_at INTEGER NOT NULL, action TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '', license_id TEXT NOT NULL DEFAULT '',
    license_key TEXT NOT NULL DEFAULT '', product_id TEXT NOT NULL DEFAULT '',
    activation_id TEXT NOT NULL DEFAULT '', os TEXT NOT NULL DEFAULT '', os_version TEXT NOT NULL DEFAULT '',
    app_version TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '', vm_name TEXT NOT NULL DEFAULT '',
    container INTEGER NOT NULL DEFAULT 0, ip_address TEXT NOT NULL DEFAULT '');
CREATE INDEX activation_logs_by_time ON activation_logs(created_at);
CREATE INDEX activation_logs_by_license ON activation_logs(license_id, created_at);
CREATE INDEX activation_logs_by_product ON activation_logs(product_id, created_at);
ALTER TABLE activations ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN os_version TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN app_version TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN vm_name TEXT NOT NULL DEFAULT '';
UPDATE activations SET os = COALESCE(json_extract(data, '$.os'), ''),
    os_version = COALESCE(json_extract(data, '$.osVersion'), ''),
    app_version = COALESCE(json_extract(data, '$.appVersion'), ''),
    vm_name = COALESCE(json_extract(data, '$.vmName'), '');
ALTER TABLE trial_activations ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN os_version TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN vm_name TEXT NOT NULL DEFAULT '';
UPDATE trial_activations SET os = COALESCE(json_extract(data, '$.os'), ''),
    os_version = COALESCE(json_extract(data, '$.osVersion'), ''),
    vm_name = COALESCE(json_extract(data, '$.vmName'), '');
"#,
    ),
    (
        7,
        // Password attempt counters (passwords::PasswordGate), shared by
        // every node: one row per (account, source address).
        r#"
CREATE TABLE password_attempts (account TEXT NOT NULL, source TEXT NOT NULL, failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL, last_failure INTEGER NOT NULL, PRIMARY KEY (account, source));
CREATE INDEX password_attempts_stale ON password_attempts(last_failure);
"#,
    ),
    (
        8,
        // The dashboard and portal (web/): staff accounts, browser sessions
        // of staff and portal users (with their CSRF token).
        r#"
CREATE TABLE staff (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_id TEXT NOT NULL,
    csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX web_sessions_subject ON web_sessions(subject_id);
"#,
    ),
    (
        9,
        // The vendor's geo-location analytics and license stats
        // (resources::analytics): the country a trusted proxy named for an
        // activation or trial (`serve --country-header`), and a license's
        // revoked and suspended flags as columns, so the stats count rows
        // without decoding documents.
        r#"
ALTER TABLE activations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE licenses ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
UPDATE licenses SET revoked = CASE WHEN json_extract(data, '$.revoked') THEN 1 ELSE 0 END,
    suspended = CASE WHEN json_extract(data, '$.suspended') THEN 1 ELSE 0 END;
"#,
    ),
    (
        10,
        // Licenses per product (resources::licenses::store::count), kept
        // exact by triggers in the transaction of every insert, delete and
        // product change, so a list's X-Total-Count is one row read instead
        // of a step through every index entry of the product. A save that
        // takes the upsert's UPDATE path changes product_id only when it
        // differs (the WHEN clause).
        r#"
CREATE TABLE license_counts (product_id TEXT PRIMARY KEY, licenses INTEGER NOT NULL);
INSERT INTO license_counts (product_id, licenses) SELECT product_id, COUNT(*) FROM licenses GROUP BY product_id;
CREATE TRIGGER license_counts_insert AFTER INSERT ON licenses BEGIN
    INSERT INTO license_counts (product_id, licenses) VALUES (NEW.product_id, 1)
        ON CONFLICT(product_id) DO UPDATE SET licenses = licenses + 1;
END;
CREATE TRIGGER license_counts_delete AFTER DELETE ON licenses BEGIN
    UPDATE license_counts SET licenses = licenses - 1 WHERE product_id = OLD.product_id;
END;
CREATE TRIGGER license_counts_move AFTER UPDATE OF product_id ON licenses
    WHEN OLD.product_id <> NEW.product_id BEGIN
    UPDATE license_counts SET licenses = licenses - 1 WHERE product_id = OLD.product_id;
    INSERT INTO license_counts (product_id, licenses) VALUES (NEW.product_id, 1)
        ON CONFLICT(product_id) DO UPDATE SET licenses = licenses + 1;
END;
"#,
    ),
    (
        11,
        // The webhooks' outbox on its own (resources::webhooks::outbox): the
        // change's transaction appends one row to one b-tree (no key index,
        // no flag index: it holds only events not yet fanned out, in rowid
        // order); the worker moves each into `webhook_events` when it fans
        // it out. Rows waiting in `webhook_events` move over.
        r#"
CREATE TABLE webhook_outbox (id TEXT NOT NULL, created_at INTEGER NOT NULL, event_type TEXT NOT NULL,
    webhook_ids TEXT NOT NULL, payload TEXT NOT NULL);
INSERT INTO webhook_outbox (id, created_at, event_type, webhook_ids, payload)
    SELECT id, created_at, event_type, webhook_ids, payload FROM webhook_events WHERE fanned_out = 0 ORDER BY rowid;
DELETE FROM webhook_events WHERE fanned_out = 0;
DROP INDEX webhook_events_new;
ALTER TABLE webhook_events DROP COLUMN fanned_out;
"#,
    ),
    (
        12,
        // The outbox keeps the resource's DTO only (`data`); the worker wraps
        // it in the delivery's envelope when it fans the event out, so the
        // change's transaction stores the JSON it serialised anyway. Waiting
        // rows keep their DTO (`->` yields JSON text, strings quoted).
        r#"
UPDATE webhook_outbox SET payload = payload -> '$.data'
    WHERE json_valid(payload) AND json_type(payload, '$.data') IS NOT NULL;
ALTER TABLE webhook_outbox RENAME COLUMN payload TO data;
"#,
    ),
];
