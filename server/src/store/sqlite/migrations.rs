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
];
