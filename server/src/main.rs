//! `openlex-server`: the license server and its admin CLI in one binary.
//! CLI commands work directly on the SQLite database in `--data-dir` (safe
//! while the server runs, thanks to WAL and transactions).

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use openlex_server::config::{write_private, DataDir};
use openlex_server::db::sqlite::{Durability, SqliteStore};
use openlex_server::db::{self, Kind};
use openlex_server::error::ApiError;
use openlex_server::ratelimit::{Limiter, RateLimit};
use openlex_server::service::Service;
use openlex_server::{admin, api, clock, ids, tls};

#[derive(Parser)]
#[command(
    name = "openlex-server",
    version,
    about = "Self-hostable Cryptlex Web API v3 license server for OpenLex"
)]
struct Cli {
    /// Data directory (database, admin token, certificates).
    #[arg(long, global = true, env = "OPENLEX_DATA_DIR", default_value = ".")]
    data_dir: PathBuf,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
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
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// TLS certificate chain (PEM); default DIR/server.pem.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); default DIR/server-key.pem.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Plain HTTP (allowed on loopback addresses only).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    http: bool,
    /// Per-IP rate limit `N/SECS`, or `off`.
    #[arg(long, default_value = "50/5")]
    rate_limit: String,
    /// Public URL put into product data (stored for later CLI use too).
    #[arg(long)]
    public_url: Option<String>,
    /// `full` (fsync every commit, default) or `normal` (faster, may lose the last commits on power loss).
    #[arg(long, default_value = "full")]
    durability: String,
    /// Threads for database work and RSA signing. A few more than the CPU
    /// count keeps the cores busy without threads fighting over the database lock.
    #[arg(long, default_value_t = 8)]
    worker_threads: usize,
}

#[derive(Subcommand)]
enum ProductCmd {
    /// Create a product and its RSA-2048 signing key.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Verified-trial length in seconds (0 = no trials).
        #[arg(long, default_value_t = 0)]
        trial_length: i64,
        /// Maximum trial activations (0 = unlimited).
        #[arg(long, default_value_t = 0)]
        trial_activation_limit: i64,
        /// Use this RSA private key (PEM) instead of generating one.
        #[arg(long)]
        private_key_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List products.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a product (with its product data).
    Get { id: String },
    /// Update a product from a JSON object of fields.
    Update { id: String, json_patch: String },
    /// Delete a product and everything under it.
    Delete { id: String },
}

#[derive(Args)]
struct LicenseCreate {
    #[arg(long)]
    product_id: String,
    #[arg(long)]
    key: Option<String>,
    /// node-locked or hosted-floating.
    #[arg(long = "type")]
    license_type: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    allowed_activations: Option<i64>,
    #[arg(long, allow_hyphen_values = true)]
    allowed_deactivations: Option<i64>,
    /// Validity in seconds (0 = lifetime).
    #[arg(long)]
    validity: Option<i64>,
    /// immediate, delayed or rolling.
    #[arg(long)]
    expiration_strategy: Option<String>,
    #[arg(long)]
    server_sync_interval: Option<i64>,
    #[arg(long, allow_hyphen_values = true)]
    server_sync_grace_period: Option<i64>,
    #[arg(long, allow_hyphen_values = true)]
    allowed_clock_offset: Option<i64>,
    #[arg(long)]
    lease_duration: Option<i64>,
    #[arg(long)]
    allow_client_lease_duration: Option<bool>,
    /// per-machine or per-instance.
    #[arg(long)]
    leasing_strategy: Option<String>,
    /// exact, fuzzy or loose.
    #[arg(long)]
    fingerprint_matching_strategy: Option<String>,
    #[arg(long)]
    allow_vm: Option<bool>,
    #[arg(long)]
    allow_container: Option<bool>,
    #[arg(long)]
    user_locked: bool,
    #[arg(long)]
    require_authentication: bool,
    #[arg(long)]
    user_id: Option<String>,
    #[arg(long)]
    max_allowed_release_version: Option<String>,
    /// Metadata `KEY=VALUE` (repeatable).
    #[arg(long = "metadata")]
    metadata: Vec<String>,
    /// Meter attribute `NAME=ALLOWED_USES` (repeatable; -1 = unlimited).
    #[arg(long = "meter-attribute", allow_hyphen_values = true)]
    meter_attributes: Vec<String>,
    /// Any other LicenseRequestModel fields as a JSON object.
    #[arg(long)]
    extra_json: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum LicenseCmd {
    /// Create a license.
    Create(Box<LicenseCreate>),
    /// List licenses.
    List {
        #[arg(long)]
        product_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a license.
    Get { id: String },
    /// Suspend a license (tokens carry suspended=true).
    Suspend { id: String },
    /// Lift a suspension.
    Unsuspend { id: String },
    /// Revoke a license (activation and sync fail with REVOKED_LICENSE).
    Revoke { id: String },
    /// Extend the expiry by the validity.
    Renew { id: String },
    /// Set the expiry (unix seconds; default now, i.e. expire it).
    Expire {
        id: String,
        #[arg(long, allow_hyphen_values = true)]
        at: Option<i64>,
    },
    /// Update fields from a JSON object, e.g. '{"allowedActivations":5}'.
    Update { id: String, json_patch: String },
    /// Delete a license and its activations.
    Delete { id: String },
}

#[derive(Subcommand)]
enum ActivationCmd {
    /// List activations.
    List {
        #[arg(long)]
        license_id: Option<String>,
        #[arg(long)]
        product_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete an activation (frees the seat; the next sync gets 404).
    Delete { id: String },
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

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an admin API token (printed once).
    Create {
        /// Scope, repeatable or comma-separated (e.g. license:write, *).
        #[arg(long = "scope", value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        company: Option<String>,
        /// Base32 TOTP secret to require two-factor codes.
        #[arg(long)]
        two_factor_secret: Option<String>,
        /// Assign the user to this license (repeatable).
        #[arg(long = "license-id")]
        license_ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ReleaseCmd {
    /// Create (and publish) a release.
    Create {
        #[arg(long)]
        product_id: String,
        #[arg(long)]
        version: String,
        /// Platform, repeatable or comma-separated.
        #[arg(long = "platform", value_delimiter = ',', required = true)]
        platforms: Vec<String>,
        #[arg(long, default_value = "stable")]
        channel: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        file_name: Option<String>,
        #[arg(long)]
        file_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = DataDir::new(&cli.data_dir);
    let result = match cli.cmd {
        Cmd::Init {
            public_url,
            cert_names,
        } => init(&dir, public_url, &cert_names),
        Cmd::Serve(a) => serve(&dir, a),
        other => open_service(&dir, None, Durability::Full).and_then(|svc| manage(&svc, other)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openlex-server: {e}");
            ExitCode::from(1)
        }
    }
}

type CliResult = Result<(), String>;

fn api_err(e: ApiError) -> String {
    format!("{}: {}", e.code.as_str(), e.message)
}

fn open_service(
    dir: &DataDir,
    public_url: Option<String>,
    durability: Durability,
) -> Result<Service, String> {
    if !dir.db().exists() {
        return Err(format!(
            "{} is not initialised; run `openlex-server init --data-dir {}`",
            dir.root.display(),
            dir.root.display()
        ));
    }
    let store: Arc<dyn db::Store> =
        Arc::new(SqliteStore::open(&dir.db(), durability).map_err(api_err)?);
    let url = match public_url {
        Some(u) => {
            db::write(&*store, |tx| tx.put_setting("public_url", &u)).map_err(api_err)?;
            u
        }
        None => db::read(&*store, |tx| tx.setting("public_url"))
            .map_err(api_err)?
            .unwrap_or_default(),
    };
    Ok(Service::new(store, url))
}

fn init(dir: &DataDir, public_url: Option<String>, cert_names: &[String]) -> CliResult {
    if dir.db().exists() {
        return Err(format!("{} already holds a database", dir.root.display()));
    }
    std::fs::create_dir_all(&dir.root)
        .map_err(|e| format!("creating {}: {e}", dir.root.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir.root, std::fs::Permissions::from_mode(0o700));
    }
    let store = SqliteStore::open(&dir.db(), Durability::Full).map_err(api_err)?;
    let account = ids::uuid();
    db::write(&store, |tx| {
        tx.put_setting("account_id", &account)?;
        if let Some(u) = &public_url {
            tx.put_setting("public_url", u)?;
        }
        Ok(())
    })
    .map_err(api_err)?;
    let svc = Service::new(Arc::new(store), public_url.unwrap_or_default());
    let tok = admin::create_token(&svc, "admin (init)", &["*".to_string()], 0).map_err(api_err)?;
    let secret = tok["token"].as_str().unwrap_or_default().to_owned();
    write_private(&dir.admin_token(), format!("{secret}\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let certs = tls::dev_certs(cert_names).map_err(|e| format!("generating certificates: {e}"))?;
    std::fs::write(dir.ca(), &certs.ca_pem).map_err(|e| e.to_string())?;
    std::fs::write(dir.server_cert(), &certs.server_pem).map_err(|e| e.to_string())?;
    write_private(&dir.server_key(), certs.server_key_pem.as_bytes()).map_err(|e| e.to_string())?;
    println!("initialised {}", dir.root.display());
    println!("admin token: {secret}");
    println!("account id: {account}");
    println!("development CA: {}", dir.ca().display());
    Ok(())
}

fn serve(dir: &DataDir, a: ServeArgs) -> CliResult {
    let limit = RateLimit::parse(&a.rate_limit).map_err(|e| format!("--rate-limit: {e}"))?;
    let durability = match a.durability.as_str() {
        "full" => Durability::Full,
        "normal" => Durability::Normal,
        _ => return Err("--durability must be full or normal".into()),
    };
    if a.http && !a.listen.ip().is_loopback() {
        return Err("--http is only allowed on a loopback address; use TLS".into());
    }
    let tls_cfg = if a.http {
        None
    } else {
        let cert = a.tls_cert.clone().unwrap_or_else(|| dir.server_cert());
        let key = a.tls_key.clone().unwrap_or_else(|| dir.server_key());
        Some(tls::server_config(&cert, &key)?)
    };
    let svc = Arc::new(open_service(dir, a.public_url.clone(), durability)?);
    let state = api::AppState {
        svc,
        limiter: limit.map(|l| Arc::new(Limiter::new(l))),
    };
    let app = api::router(state);
    if a.worker_threads == 0 {
        return Err("--worker-threads must be at least 1".into());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(a.worker_threads)
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(a.listen).await.map_err(|e| format!("binding {}: {e}", a.listen))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls_cfg.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{local}");
        std::fs::write(dir.server_url(), format!("{url}\n")).map_err(|e| e.to_string())?;
        println!("listening on {url}");
        let _ = std::io::stdout().flush();
        let stop = async {
            #[cfg(unix)]
            {
                let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {},
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        };
        tokio::select! {
            _ = openlex_server::server::run(app, listener, tls_cfg) => {},
            _ = stop => {},
        }
        Ok::<(), String>(())
    })
}

fn print(v: &Value, as_json: bool, human: impl FnOnce(&Value) -> String) {
    if as_json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    } else {
        println!("{}", human(v));
    }
}

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(x) => x.to_string(),
        None => String::new(),
    }
}

fn kv(items: &[String], what: &str) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|i| {
            i.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| format!("{what} must be NAME=VALUE"))
        })
        .collect()
}

fn parse_json(t: &str) -> Result<Value, String> {
    serde_json::from_str(t).map_err(|e| format!("invalid JSON: {e}"))
}

fn manage(svc: &Service, cmd: Cmd) -> CliResult {
    match cmd {
        Cmd::Product(p) => product(svc, p),
        Cmd::License(l) => license(svc, l),
        Cmd::Activation(a) => activation(svc, a),
        Cmd::Token(TokenCmd::Create { scopes, name, json }) => {
            let v = admin::create_token(svc, &name, &scopes, 0).map_err(api_err)?;
            print(&v, json, |v| s(v, "token"));
            Ok(())
        }
        Cmd::User(UserCmd::Create {
            email,
            password,
            name,
            company,
            two_factor_secret,
            license_ids,
            json,
        }) => {
            let mut body = json!({ "email": email, "password": password });
            if let Some(n) = name {
                body["name"] = n.into();
            }
            if let Some(c) = company {
                body["company"] = c.into();
            }
            if let Some(t) = two_factor_secret {
                body["twoFactorSecret"] = t.into();
            }
            let v = admin::create_user(svc, &body).map_err(api_err)?;
            let uid = s(&v, "id");
            for lid in license_ids {
                admin::update_license(svc, &lid, &json!({ "userId": uid })).map_err(api_err)?;
            }
            print(&v, json, |v| format!("user id: {}", s(v, "id")));
            Ok(())
        }
        Cmd::Release(ReleaseCmd::Create {
            product_id,
            version,
            platforms,
            channel,
            name,
            notes,
            file_name,
            file_url,
            json,
        }) => {
            let mut body = json!({ "productId": product_id, "version": version, "platforms": platforms, "channel": channel,
                "name": name.unwrap_or_default(), "notes": notes.unwrap_or_default() });
            if let Some(f) = file_name {
                body["files"] = json!([{ "name": f, "url": file_url.unwrap_or_default() }]);
            }
            let r = admin::create_release(svc, &body).map_err(api_err)?;
            let v = serde_json::to_value(&r).map_err(|e| e.to_string())?;
            print(&v, json, |v| format!("release id: {}", s(v, "id")));
            Ok(())
        }
        Cmd::Init { .. } | Cmd::Serve(_) => Err("unreachable".into()),
    }
}

fn product(svc: &Service, cmd: ProductCmd) -> CliResult {
    match cmd {
        ProductCmd::Create {
            name,
            display_name,
            trial_length,
            trial_activation_limit,
            private_key_file,
            json,
        } => {
            let mut body = json!({ "name": name, "trialLength": trial_length, "trialActivationLimit": trial_activation_limit });
            if let Some(d) = display_name {
                body["displayName"] = d.into();
            }
            if let Some(f) = private_key_file {
                body["privateKey"] = std::fs::read_to_string(&f)
                    .map_err(|e| format!("{}: {e}", f.display()))?
                    .into();
            }
            let v = admin::create_product(svc, &body).map_err(api_err)?;
            print(&v, json, |v| {
                format!(
                    "product id: {}\nproduct data: {}",
                    s(v, "id"),
                    s(v, "productData")
                )
            });
        }
        ProductCmd::List { json } => {
            let mut q = HashMap::new();
            q.insert("limit".to_string(), "100".to_string());
            let (items, _) = admin::list_products(svc, &q).map_err(api_err)?;
            let v = Value::Array(items);
            print(&v, json, |v| {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|p| format!("{}  {}", s(p, "id"), s(p, "name")))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            });
        }
        ProductCmd::Get { id } => print(
            &admin::get_product(svc, &id).map_err(api_err)?,
            true,
            |_| String::new(),
        ),
        ProductCmd::Update { id, json_patch } => print(
            &admin::update_product(svc, &id, &parse_json(&json_patch)?).map_err(api_err)?,
            true,
            |_| String::new(),
        ),
        ProductCmd::Delete { id } => {
            admin::delete_product(svc, &id).map_err(api_err)?;
            println!("deleted product {id}");
        }
    }
    Ok(())
}

fn license(svc: &Service, cmd: LicenseCmd) -> CliResult {
    let show = |v: Value| print(&v, true, |_| String::new());
    match cmd {
        LicenseCmd::Create(c) => {
            let c = *c;
            let mut body = match c.extra_json {
                Some(t) => parse_json(&t)?,
                None => json!({}),
            };
            let o = body
                .as_object_mut()
                .ok_or("--extra-json must be a JSON object")?;
            o.insert("productId".into(), c.product_id.into());
            let mut set = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    o.insert(k.into(), v);
                }
            };
            set("key", c.key.map(Into::into));
            set("type", c.license_type.map(Into::into));
            set("allowedActivations", c.allowed_activations.map(Into::into));
            set(
                "allowedDeactivations",
                c.allowed_deactivations.map(Into::into),
            );
            set("validity", c.validity.map(Into::into));
            set("expirationStrategy", c.expiration_strategy.map(Into::into));
            set("serverSyncInterval", c.server_sync_interval.map(Into::into));
            set(
                "serverSyncGracePeriod",
                c.server_sync_grace_period.map(Into::into),
            );
            set("allowedClockOffset", c.allowed_clock_offset.map(Into::into));
            set("leaseDuration", c.lease_duration.map(Into::into));
            set(
                "allowClientLeaseDuration",
                c.allow_client_lease_duration.map(Into::into),
            );
            set("leasingStrategy", c.leasing_strategy.map(Into::into));
            set(
                "fingerprintMatchingStrategy",
                c.fingerprint_matching_strategy.map(Into::into),
            );
            set("allowVmActivation", c.allow_vm.map(Into::into));
            set(
                "allowContainerActivation",
                c.allow_container.map(Into::into),
            );
            set("userId", c.user_id.map(Into::into));
            set(
                "maxAllowedReleaseVersion",
                c.max_allowed_release_version.map(Into::into),
            );
            if c.user_locked {
                set("userLocked", Some(true.into()));
            }
            if c.require_authentication {
                set("requireAuthentication", Some(true.into()));
            }
            if !c.metadata.is_empty() {
                let md: Vec<Value> = kv(&c.metadata, "--metadata")?
                    .into_iter()
                    .map(|(k, v)| json!({"key": k, "value": v}))
                    .collect();
                set("metadata", Some(md.into()));
            }
            if !c.meter_attributes.is_empty() {
                let mut ma = Vec::new();
                for (k, v) in kv(&c.meter_attributes, "--meter-attribute")? {
                    let n: i64 = v
                        .parse()
                        .map_err(|_| "--meter-attribute uses must be an integer")?;
                    ma.push(json!({"name": k, "allowedUses": n}));
                }
                set("meterAttributes", Some(ma.into()));
            }
            let v = admin::create_license(svc, &body).map_err(api_err)?;
            print(&v, c.json, |v| {
                format!("license key: {}\nlicense id: {}", s(v, "key"), s(v, "id"))
            });
        }
        LicenseCmd::List { product_id, json } => {
            let mut q = HashMap::new();
            q.insert("limit".to_string(), "100".to_string());
            if let Some(p) = product_id {
                q.insert("productId".to_string(), p);
            }
            let (items, _) = admin::list_licenses(svc, &q).map_err(api_err)?;
            let v = Value::Array(items);
            print(&v, json, |v| {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|l| format!("{}  {}  {}", s(l, "id"), s(l, "key"), s(l, "type")))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            });
        }
        LicenseCmd::Get { id } => show(admin::get_license(svc, &id).map_err(api_err)?),
        LicenseCmd::Suspend { id } => {
            show(admin::update_license(svc, &id, &json!({"suspended": true})).map_err(api_err)?)
        }
        LicenseCmd::Unsuspend { id } => {
            show(admin::update_license(svc, &id, &json!({"suspended": false})).map_err(api_err)?)
        }
        LicenseCmd::Revoke { id } => {
            show(admin::update_license(svc, &id, &json!({"revoked": true})).map_err(api_err)?)
        }
        LicenseCmd::Renew { id } => show(admin::renew_license(svc, &id).map_err(api_err)?),
        LicenseCmd::Expire { id, at } => show(
            admin::update_license(
                svc,
                &id,
                &json!({"expiresAt": at.unwrap_or_else(clock::now)}),
            )
            .map_err(api_err)?,
        ),
        LicenseCmd::Update { id, json_patch } => {
            show(admin::update_license(svc, &id, &parse_json(&json_patch)?).map_err(api_err)?)
        }
        LicenseCmd::Delete { id } => {
            admin::delete_license(svc, &id).map_err(api_err)?;
            println!("deleted license {id}");
        }
    }
    Ok(())
}

fn activation(svc: &Service, cmd: ActivationCmd) -> CliResult {
    match cmd {
        ActivationCmd::List {
            license_id,
            product_id,
            json,
        } => {
            let mut q = HashMap::new();
            q.insert("limit".to_string(), "100".to_string());
            if let Some(l) = license_id {
                q.insert("licenseId".to_string(), l);
            }
            if let Some(p) = product_id {
                q.insert("productId".to_string(), p);
            }
            let (items, _) = admin::list_activations(svc, &q).map_err(api_err)?;
            let v = serde_json::to_value(&items).map_err(|e| e.to_string())?;
            print(&v, json, |v| {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|x| {
                                format!(
                                    "{}  {}  {}",
                                    s(x, "id"),
                                    s(x, "licenseId"),
                                    s(x, "hostname")
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            });
        }
        ActivationCmd::Delete { id } => {
            admin::delete_doc(svc, Kind::Activation, &id, "activation").map_err(api_err)?;
            println!("deleted activation {id}");
        }
        ActivationCmd::OfflineActivate {
            request,
            response,
            validity,
            license_id,
        } => {
            let req = read_request(&request)?;
            let resp = svc
                .offline_activate(&req, validity, license_id)
                .map_err(api_err)?;
            write_response(&response, &resp)?;
            println!("offline response written to {}", response.display());
        }
        ActivationCmd::OfflineDeactivate { request } => {
            let req = read_request(&request)?;
            svc.offline_deactivate(&req, None).map_err(api_err)?;
            println!("offline deactivation applied");
        }
        ActivationCmd::OfflineTrial {
            request,
            response,
            product_id,
            validity,
        } => {
            let req = read_request(&request)?;
            let resp = svc
                .offline_trial(&req, validity, &product_id)
                .map_err(api_err)?;
            write_response(&response, &resp)?;
            println!("offline trial response written to {}", response.display());
        }
    }
    Ok(())
}

/// Reads an offline request file (bounded, like the API's 16 KiB limit).
fn read_request(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() > openlex_server::offline::MAX_REQUEST_LEN + 64 {
        return Err(format!(
            "{}: not an offline request (too large)",
            path.display()
        ));
    }
    Ok(text)
}

/// Writes an offline response file.
fn write_response(path: &std::path::Path, body: &str) -> Result<(), String> {
    std::fs::write(path, body).map_err(|e| format!("{}: {e}", path.display()))
}
