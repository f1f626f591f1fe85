//! Versioned PostgreSQL schema migrations, recorded in `schema_migrations`.
//!
//! The same tables as SQLite's (`store::sqlite::migrations`, both versions
//! folded into the first here), with PostgreSQL types: `BIGINT` times,
//! `BYTEA` blobs, and an identity column `rowid` giving the insertion order
//! the portable SQL sorts by. Several nodes may start at once: [`super`]
//! applies these inside one transaction holding an advisory lock, so exactly
//! one node migrates and the others see the result.

/// `(version, SQL)` pairs; append only, never edit a released entry.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE products (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, name TEXT NOT NULL, private_key BYTEA, public_key BYTEA, data TEXT NOT NULL);
CREATE TABLE licenses (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, product_id TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL DEFAULT '', data TEXT NOT NULL);
CREATE INDEX licenses_product ON licenses(product_id, created_at);
CREATE INDEX licenses_user ON licenses(user_id);
CREATE TABLE activations (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, license_id TEXT NOT NULL, product_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL, lease_expires_at BIGINT NOT NULL DEFAULT 0,
    fp_digest BYTEA NOT NULL DEFAULT '\x'::bytea, data TEXT NOT NULL);
CREATE INDEX activations_by_license ON activations(license_id, lease_expires_at, created_at) INCLUDE (fp_digest, rowid);
CREATE INDEX activations_product ON activations(product_id, created_at);
CREATE TABLE trial_activations (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, product_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    fp_digest BYTEA NOT NULL DEFAULT '\x'::bytea, data TEXT NOT NULL);
CREATE INDEX trials_by_product ON trial_activations(product_id, created_at) INCLUDE (fp_digest, rowid);
CREATE TABLE users (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE user_sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE releases (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, product_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX releases_product ON releases(product_id);
CREATE TABLE entitlement_sets (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, product_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE admin_tokens (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, token_hash TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    ),
    (
        2,
        // License and trial policies (SQLite's version 3): documents only.
        r#"
CREATE TABLE license_policies (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, data TEXT NOT NULL);
CREATE TABLE trial_policies (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, data TEXT NOT NULL);
"#,
    ),
    (
        3,
        // Event logs, webhooks and their outbox, expiry events, licenses'
        // indexed `expires_at` (SQLite's version 4).
        r#"
CREATE TABLE event_logs (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, resource TEXT NOT NULL, resource_id TEXT NOT NULL, action TEXT NOT NULL,
    actor_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX event_logs_created ON event_logs(created_at);
CREATE INDEX event_logs_resource ON event_logs(resource_id, created_at);
CREATE TABLE webhooks (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, data TEXT NOT NULL);
CREATE TABLE webhook_deliveries (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, webhook_id TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
    state TEXT NOT NULL, next_attempt_at BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0,
    attempts BIGINT NOT NULL DEFAULT 0, delivered_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE TABLE webhook_events (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, event_type TEXT NOT NULL, webhook_ids TEXT NOT NULL,
    fanned_out BIGINT NOT NULL DEFAULT 0, payload TEXT NOT NULL);
CREATE INDEX webhook_events_new ON webhook_events(fanned_out);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);
CREATE TABLE webhook_attempts (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, webhook_id TEXT NOT NULL, delivery_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX webhook_attempts_hook ON webhook_attempts(webhook_id, created_at);
CREATE TABLE license_expiry_events (license_id TEXT NOT NULL, event TEXT NOT NULL, expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL, PRIMARY KEY (license_id, event, expires_at));
ALTER TABLE licenses ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE licenses SET expires_at = CASE jsonb_typeof(data::jsonb -> 'expiresAt')
    WHEN 'number' THEN (data::jsonb ->> 'expiresAt')::bigint
    WHEN 'string' THEN extract(epoch FROM (data::jsonb ->> 'expiresAt')::timestamptz)::bigint
    ELSE 0 END;
CREATE INDEX licenses_expiry ON licenses(expires_at);
ALTER TABLE licenses ADD COLUMN expiring_soon_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX licenses_expiring_soon ON licenses(expiring_soon_at);
"#,
    ),
    (
        4,
        // Activation logs and the analytics columns (SQLite's version 5).
        // Unique rowid indexes: a list page picks its rows' rowids from an
        // index, then reads those rows by rowid (`Tx::list`).
        r#"
CREATE UNIQUE INDEX products_rowid ON products(rowid);
CREATE UNIQUE INDEX licenses_rowid ON licenses(rowid);
CREATE UNIQUE INDEX users_rowid ON users(rowid);
CREATE UNIQUE INDEX releases_rowid ON releases(rowid);
CREATE UNIQUE INDEX entitlement_sets_rowid ON entitlement_sets(rowid);
CREATE UNIQUE INDEX admin_tokens_rowid ON admin_tokens(rowid);
CREATE UNIQUE INDEX license_policies_rowid ON license_policies(rowid);
CREATE UNIQUE INDEX trial_policies_rowid ON trial_policies(rowid);
CREATE TABLE activation_logs (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT NOT NULL,
    created_at BIGINT NOT NULL, action TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '', license_id TEXT NOT NULL DEFAULT '',
    license_key TEXT NOT NULL DEFAULT '', product_id TEXT NOT NULL DEFAULT '',
    activation_id TEXT NOT NULL DEFAULT '', os TEXT NOT NULL DEFAULT '', os_version TEXT NOT NULL DEFAULT '',
    app_version TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '', vm_name TEXT NOT NULL DEFAULT '',
    container BIGINT NOT NULL DEFAULT 0, ip_address TEXT NOT NULL DEFAULT '');
CREATE INDEX activation_logs_by_time ON activation_logs(created_at, rowid);
CREATE INDEX activation_logs_by_license ON activation_logs(license_id, created_at, rowid);
CREATE INDEX activation_logs_by_product ON activation_logs(product_id, created_at, rowid);
ALTER TABLE activations ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN os_version TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN app_version TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN vm_name TEXT NOT NULL DEFAULT '';
UPDATE activations SET os = COALESCE(data::jsonb->>'os', ''),
    os_version = COALESCE(data::jsonb->>'osVersion', ''),
    app_version = COALESCE(data::jsonb->>'appVersion', ''),
    vm_name = COALESCE(data::jsonb->>'vmName', '');
ALTER TABLE trial_activations ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN os_version TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN vm_name TEXT NOT NULL DEFAULT '';
UPDATE trial_activations SET os = COALESCE(data::jsonb->>'os', ''),
    os_version = COALESCE(data::jsonb->>'osVersion', ''),
    vm_name = COALESCE(data::jsonb->>'vmName', '');
"#,
    ),
    (
        6,
        // Password attempt counters (SQLite's version 7).
        r#"
CREATE TABLE password_attempts (account TEXT NOT NULL, source TEXT NOT NULL, failures BIGINT NOT NULL,
    locked_until BIGINT NOT NULL, last_failure BIGINT NOT NULL, PRIMARY KEY (account, source));
CREATE INDEX password_attempts_stale ON password_attempts(last_failure);
"#,
    ),
    (
        7,
        // Unique rowid indexes for the event-log and webhook tables (list
        // pages read rows by rowid, as version 4 set up for the others).
        r#"
CREATE UNIQUE INDEX event_logs_rowid ON event_logs(rowid);
CREATE UNIQUE INDEX webhooks_rowid ON webhooks(rowid);
CREATE UNIQUE INDEX webhook_deliveries_rowid ON webhook_deliveries(rowid);
CREATE UNIQUE INDEX webhook_events_rowid ON webhook_events(rowid);
CREATE UNIQUE INDEX webhook_attempts_rowid ON webhook_attempts(rowid);
"#,
    ),
    (
        8,
        // The dashboard and portal (SQLite's version 8).
        r#"
CREATE TABLE staff (rowid BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE UNIQUE INDEX staff_rowid ON staff(rowid);
CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_id TEXT NOT NULL,
    csrf TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX web_sessions_subject ON web_sessions(subject_id);
"#,
    ),
    (
        9,
        // Activation and trial countries, license revoked/suspended
        // columns (SQLite's version 9).
        r#"
ALTER TABLE activations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE trial_activations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE licenses ADD COLUMN revoked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN suspended BIGINT NOT NULL DEFAULT 0;
UPDATE licenses SET revoked = CASE WHEN (data::jsonb->>'revoked')::boolean THEN 1 ELSE 0 END,
    suspended = CASE WHEN (data::jsonb->>'suspended')::boolean THEN 1 ELSE 0 END;
"#,
    ),
    (
        10,
        // Licenses per product (SQLite's version 10): one trigger function
        // keeps the count exact in the transaction of the change.
        r#"
CREATE TABLE license_counts (product_id TEXT PRIMARY KEY, licenses BIGINT NOT NULL);
INSERT INTO license_counts (product_id, licenses) SELECT product_id, COUNT(*) FROM licenses GROUP BY product_id;
CREATE FUNCTION license_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE license_counts SET licenses = licenses - 1 WHERE product_id = OLD.product_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO license_counts (product_id, licenses) VALUES (NEW.product_id, 1)
            ON CONFLICT (product_id) DO UPDATE SET licenses = license_counts.licenses + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER license_counts_insert_delete AFTER INSERT OR DELETE ON licenses
    FOR EACH ROW EXECUTE FUNCTION license_counts_change();
CREATE TRIGGER license_counts_move AFTER UPDATE OF product_id ON licenses
    FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id) EXECUTE FUNCTION license_counts_change();
"#,
    ),
    (
        11,
        // The webhooks' outbox on its own (SQLite's version 11); its rowid
        // is its key, the order the worker fans events out in.
        r#"
CREATE TABLE webhook_outbox (rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL,
    created_at BIGINT NOT NULL, event_type TEXT NOT NULL, webhook_ids TEXT NOT NULL, payload TEXT NOT NULL);
INSERT INTO webhook_outbox (id, created_at, event_type, webhook_ids, payload)
    SELECT id, created_at, event_type, webhook_ids, payload FROM webhook_events WHERE fanned_out = 0 ORDER BY rowid;
DELETE FROM webhook_events WHERE fanned_out = 0;
ALTER TABLE webhook_events DROP COLUMN fanned_out;
"#,
    ),
    (
        12,
        // The outbox keeps the resource's DTO only (SQLite's version 12);
        // `json` (not `jsonb`) hands the DTO back as it was written.
        r#"
UPDATE webhook_outbox SET payload = (payload::json -> 'data')::text WHERE payload::json -> 'data' IS NOT NULL;
ALTER TABLE webhook_outbox RENAME COLUMN payload TO data;
"#,
    ),
];
