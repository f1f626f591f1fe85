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
        6,
        // The dashboard and portal (web/): staff accounts, browser sessions
        // of staff and portal users (with their CSRF token), and the
        // password-reset links an administrator issues to portal users.
        r#"
CREATE TABLE staff (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, subject_id TEXT NOT NULL,
    csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX web_sessions_subject ON web_sessions(subject_id);
CREATE TABLE password_resets (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
"#,
    ),
];
