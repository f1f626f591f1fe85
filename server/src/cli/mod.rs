//! The command line: `init`, `serve`, and management commands that work
//! directly on the database in `--data-dir` (safe while the server runs,
//! thanks to WAL and transactions). Management commands build the same
//! request structs as the admin API (`#[command(flatten)]`), so a flag
//! cannot drift from the field it sets.

mod db;
mod run;
mod serve;

pub use run::main;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::http::forwarded::Cidr;
use crate::http::log::{LogFormat, LogLevel};
use crate::resources::access_tokens::TokenCreate;
use crate::resources::licenses::{LicenseCreate, LicenseFields};
use crate::resources::products::ProductFields;
use crate::resources::releases::ReleaseCreate;
use crate::resources::users::UserCreate;

/// `openlex-server [--data-dir DIR] COMMAND`.
#[derive(Debug, Parser)]
#[command(
    name = "openlex-server",
    version,
    about = "Self-hostable Cryptlex Web API v3 license server for OpenLex"
)]
pub struct Cli {
    /// Data directory (database, admin token, certificates).
    #[arg(long, global = true, env = "OPENLEX_DATA_DIR", default_value = ".")]
    pub data_dir: PathBuf,
    /// PostgreSQL database shared by every node (`postgres://user@host/db`);
    /// without it, the SQLite database in the data directory.
    #[arg(long, global = true, env = "OPENLEX_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The command.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a data directory: database, admin token, development CA and server certificate.
    Init {
        /// Public URL put into product data as the host (e.g. https://licensing.example.com).
        #[arg(long)]
        public_url: Option<String>,
        /// Extra DNS names or IPs for the generated server certificate.
        #[arg(long = "cert-name")]
        cert_names: Vec<String>,
    },
    /// Run the server.
    Serve(ServeArgs),
    /// Manage products.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Manage licenses.
    #[command(subcommand)]
    License(LicenseCmd),
    /// Manage activations.
    #[command(subcommand)]
    Activation(ActivationCmd),
    /// Manage admin API tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage releases.
    #[command(subcommand)]
    Release(ReleaseCmd),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCmd),
    /// Manage dashboard staff accounts.
    #[command(subcommand)]
    Staff(StaffCmd),
}

/// `staff ...`.
#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Create a staff account; the password is prompted for (on a
    /// terminal) or read from the first line of standard input.
    Create {
        /// E-mail (the sign-in name).
        #[arg(long)]
        email: String,
        /// Role: admin (everything) or support (suspend, extend, free seats).
        #[arg(long, value_enum)]
        role: crate::web::staff::Role,
        /// Require a TOTP code at sign-in; prints the secret once.
        #[arg(long)]
        enable_two_factor: bool,
    },
    /// List staff accounts.
    List,
}

/// `db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// Copy every record of this node's database (the SQLite file, or
    /// `--database-url`) into an empty PostgreSQL database, creating its
    /// schema, then verify row counts and checksums of every table.
    Copy {
        /// The target: `postgres://user@host/db`.
        #[arg(long)]
        to: String,
    },
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); default DIR/server.pem.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); default DIR/server-key.pem.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP (allowed on loopback addresses only).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub http: bool,
    /// Per-IP rate limit `N/SECS`, or `off`.
    #[arg(long, default_value = "50/5")]
    pub rate_limit: String,
    /// Public URL put into product data (stored for later CLI use too).
    #[arg(long)]
    pub public_url: Option<String>,
    /// `full` (fsync every commit, default) or `normal` (faster, may lose the last commits on power loss).
    #[arg(long, default_value = "full")]
    pub durability: String,
    /// Threads for database work and RSA signing. A few more than the CPU
    /// count keeps the cores busy without threads fighting over the database lock.
    #[arg(long, default_value_t = 8)]
    pub worker_threads: usize,
    /// Tests only: `POST /v3/test/clock` (with a `*` token) moves the
    /// server's clock. Loopback addresses only.
    #[arg(long)]
    pub insecure_test_clock: bool,
    /// Reverse proxy address or CIDR block (repeatable or comma-separated):
    /// requests from it are attributed to the client it names in
    /// `X-Forwarded-For` (rate limits, lockout, log).
    #[arg(long = "trusted-proxy", value_delimiter = ',', value_parser = Cidr::parse)]
    pub trusted_proxies: Vec<Cidr>,
    /// Header in which a `--trusted-proxy` names the client's country
    /// (ISO 3166-1 alpha-2, e.g. Cloudflare's `CF-IPCountry`), recorded on
    /// activations and trials for the geo-location analytics; ignored on
    /// requests from any other peer.
    #[arg(long, value_parser = parse_header_name)]
    pub country_header: Option<axum::http::HeaderName>,
    /// Request log level on stderr.
    #[arg(long, value_enum, default_value = "info")]
    pub log_level: LogLevel,
    /// Request log format.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Threads hashing passwords (login, authenticated activation); their
    /// queue holds 4 checks per thread, more get 429. Default: half the CPUs.
    #[arg(long)]
    pub password_threads: Option<usize>,
    /// Activation log: `on` writes every client activation, sync and
    /// deactivation attempt (`GET /v3/activation-logs`); `off` writes none.
    #[arg(long, value_parser = ["on", "off"], default_value = "on")]
    pub activation_log: String,
    /// Days that log rows are kept (older ones are deleted in the
    /// background); 0 keeps them forever.
    #[arg(long, default_value_t = crate::resources::retention::DEFAULT_DAYS)]
    pub log_retention_days: i64,
    /// Time for one webhook delivery attempt (connect, send, bounded
    /// response read), in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// A PEM file of CA certificates webhook deliveries trust besides the
    /// system's (endpoints behind an internal CA).
    #[arg(long, value_name = "PEM")]
    pub webhook_ca: Option<std::path::PathBuf>,
}

/// `product ...`.
#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    /// Create a product and its RSA-2048 signing key.
    Create {
        /// The product's fields.
        #[command(flatten)]
        fields: ProductFields,
        /// Use this RSA private key (PEM) instead of generating one.
        #[arg(long)]
        private_key_file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List products.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a product (with its product data).
    Get {
        /// Product id.
        id: String,
    },
    /// Update a product from flags and/or a JSON object of fields.
    Update {
        /// Product id.
        id: String,
        /// Fields as JSON, e.g. '{"trialLength":86400}'.
        json_patch: Option<String>,
        /// Fields as flags (over the JSON).
        #[command(flatten)]
        fields: ProductFields,
    },
    /// Delete a product and everything under it.
    Delete {
        /// Product id.
        id: String,
    },
}

/// `license create`.
#[derive(Debug, Args)]
pub struct LicenseCreateArgs {
    /// The license.
    #[command(flatten)]
    pub create: LicenseCreate,
    /// Any other fields as a JSON object (flags win).
    #[arg(long)]
    pub extra_json: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `license ...`.
#[derive(Debug, Subcommand)]
pub enum LicenseCmd {
    /// Create a license.
    Create(Box<LicenseCreateArgs>),
    /// List licenses.
    List {
        /// Only this product's.
        #[arg(long)]
        product_id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a license.
    Get {
        /// License id or license key.
        id: String,
    },
    /// Suspend a license (tokens carry suspended=true).
    Suspend {
        /// License id or license key.
        id: String,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Lift a suspension.
    Unsuspend {
        /// License id or license key.
        id: String,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a license (activation and sync fail with REVOKED_LICENSE).
    Revoke {
        /// License id or license key.
        id: String,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Extend the expiry by the validity.
    Renew {
        /// License id or license key.
        id: String,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Set the expiry (unix seconds; default now, i.e. expire it).
    Expire {
        /// License id or license key.
        id: String,
        /// Unix seconds.
        #[arg(long, allow_hyphen_values = true)]
        at: Option<i64>,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Update fields from flags and/or a JSON object, e.g. '{"allowedActivations":5}'.
    Update {
        /// License id or license key.
        id: String,
        /// Fields as JSON.
        json_patch: Option<String>,
        /// Fields as flags (over the JSON).
        #[command(flatten)]
        fields: Box<LicenseFields>,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
    /// Delete a license and its activations.
    Delete {
        /// License id or license key.
        id: String,
        /// Print the license as JSON instead of one line.
        #[arg(long)]
        json: bool,
    },
}

/// `activation ...`.
#[derive(Debug, Subcommand)]
pub enum ActivationCmd {
    /// List activations.
    List {
        /// Only this license's.
        #[arg(long)]
        license_id: Option<String>,
        /// Only this product's.
        #[arg(long)]
        product_id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete an activation (frees the seat; the next sync gets 404).
    Delete {
        /// Activation id.
        id: String,
    },
    /// Air-gapped activation: turn a license offline request file (from
    /// GenerateOfflineActivationRequest) into a response file for ActivateLicenseOffline.
    OfflineActivate {
        /// Request file written by the library.
        #[arg(long)]
        request: PathBuf,
        /// Response file to write.
        #[arg(long)]
        response: PathBuf,
        /// How long the response may be used, in seconds.
        #[arg(long, default_value_t = 7 * 86_400)]
        validity: i64,
        /// Restrict to this license (default: the license of the key in the request).
        #[arg(long)]
        license_id: Option<String>,
    },
    /// Air-gapped deactivation: apply a request file from GenerateOfflineDeactivationRequest.
    OfflineDeactivate {
        /// Request file written by the library.
        #[arg(long)]
        request: PathBuf,
    },
    /// Air-gapped verified trial: turn a trial request file (from
    /// GenerateOfflineTrialActivationRequest) into a response for ActivateTrialOffline.
    OfflineTrial {
        /// Request file written by the library.
        #[arg(long)]
        request: PathBuf,
        /// Response file to write.
        #[arg(long)]
        response: PathBuf,
        /// Product id the trial is for.
        #[arg(long)]
        product_id: String,
        /// How long the response may be used, in seconds.
        #[arg(long, default_value_t = 7 * 86_400)]
        validity: i64,
    },
}

/// `token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create an admin API token (printed once).
    Create {
        /// The token.
        #[command(flatten)]
        create: TokenCreate,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user.
    Create {
        /// The user.
        #[command(flatten)]
        create: UserCreate,
        /// Assign the user to this license (repeatable).
        #[arg(long = "license-id")]
        license_ids: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `release ...`.
#[derive(Debug, Subcommand)]
pub enum ReleaseCmd {
    /// Create (and publish) a release.
    Create {
        /// The release.
        #[command(flatten)]
        create: ReleaseCreate,
        /// Add a file with this name.
        #[arg(long)]
        file_name: Option<String>,
        /// The file's URL.
        #[arg(long)]
        file_url: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[cfg(test)]
mod tests;

/// A `--country-header` value: an HTTP header name.
fn parse_header_name(s: &str) -> Result<axum::http::HeaderName, String> {
    axum::http::HeaderName::from_bytes(s.trim().as_bytes())
        .map_err(|_| format!("{s:?} is not an HTTP header name"))
}
