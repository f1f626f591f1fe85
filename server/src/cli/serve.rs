//! `init` and `serve`.

use std::io::Write;
use std::sync::Arc;

use super::ServeArgs;
use crate::app::{cli_error, open_store, App};
use crate::clock::{Clock, SystemClock, TestClock};
use crate::config::{write_private, DataDir, Database};
use crate::http::log::RequestLog;
use crate::http::{self, AppState};
use crate::ratelimit::{Limiter, RateLimit};
use crate::resources::{access_tokens, settings};
use crate::store::sqlite::Durability;
use crate::store::Store;
use crate::tls;

use super::run::CliResult;

/// Creates a data directory: database (or the schema of the PostgreSQL
/// database `db` names), admin token, development CA and server
/// certificate.
pub fn init(
    dir: &DataDir,
    db: &Database,
    public_url: Option<String>,
    cert_names: &[String],
) -> CliResult {
    if dir.db().exists() {
        return Err(format!("{} already holds a database", dir.root.display()));
    }
    if dir.admin_token().exists() {
        return Err(format!(
            "{} is already initialised (it holds an admin token)",
            dir.root.display()
        ));
    }
    std::fs::create_dir_all(&dir.root)
        .map_err(|e| format!("creating {}: {e}", dir.root.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir.root, std::fs::Permissions::from_mode(0o700));
    }
    let store: Arc<dyn Store> = open_store(db, Durability::Full, 2, true)?;
    let account = crate::ids::uuid();
    store
        .write(|tx| {
            if let Some(existing) = settings::get(tx, settings::ACCOUNT_ID)? {
                // A second node joins with a copy of the first one's data
                // directory (or its TLS files), not with a second `init`.
                return Err(crate::error::ApiError::new(
                    openlex_wire::ErrorCode::Conflict,
                    format!("the database is already initialised (account {existing}); give further nodes the same --database-url and a copy of the first node's data directory"),
                ));
            }
            settings::put(tx, settings::ACCOUNT_ID, &account)?;
            if let Some(u) = &public_url {
                settings::put(tx, settings::PUBLIC_URL, u)?;
            }
            Ok(())
        })
        .map_err(cli_error)?;
    let app = App::new(store, Arc::new(SystemClock), public_url.unwrap_or_default());
    let tok = access_tokens::create(
        &app,
        &access_tokens::TokenCreate {
            name: "admin (init)".into(),
            scopes: vec!["*".into()],
            expires_at: 0,
        },
        &["*".to_owned()],
    )
    .map_err(cli_error)?;
    let secret = tok.token.unwrap_or_default();
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

/// Runs the server until SIGINT or SIGTERM.
pub fn serve(dir: &DataDir, db: &Database, a: ServeArgs) -> CliResult {
    if matches!(db, Database::Sqlite(path) if !path.exists()) {
        return Err(format!(
            "{} is not initialised; run `openlex-server init --data-dir {}` first",
            dir.root.display(),
            dir.root.display()
        ));
    }
    let limit = RateLimit::parse(&a.rate_limit).map_err(|e| format!("--rate-limit: {e}"))?;
    let durability = match a.durability.as_str() {
        "full" => Durability::Full,
        "normal" => Durability::Normal,
        _ => return Err("--durability must be full or normal".into()),
    };
    if a.http && !a.listen.ip().is_loopback() {
        return Err("--http is only allowed on a loopback address; use TLS".into());
    }
    if a.insecure_test_clock && !a.listen.ip().is_loopback() {
        return Err("--insecure-test-clock is only allowed on a loopback address".into());
    }
    if a.worker_threads == 0 {
        return Err("--worker-threads must be at least 1".into());
    }
    let tls_cfg = if a.http {
        None
    } else {
        let cert = a.tls_cert.clone().unwrap_or_else(|| dir.server_cert());
        let key = a.tls_key.clone().unwrap_or_else(|| dir.server_key());
        if a.tls_cert.is_none() && !cert.exists() {
            // A node on a shared PostgreSQL database has no SQLite file to
            // test for; its missing TLS files say the same thing.
            return Err(format!(
                "{} is not initialised; run `openlex-server init --data-dir {}` first \
                 (a further node on the same --database-url needs a copy of the first \
                 node's data directory, or --tls-cert and --tls-key)",
                dir.root.display(),
                dir.root.display()
            ));
        }
        Some(tls::server_config(&cert, &key)?)
    };
    let test_clock = a
        .insecure_test_clock
        .then(|| Arc::new(TestClock::following_system()));
    let clock: Arc<dyn Clock> = match &test_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let password_threads = a.password_threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    });
    if password_threads == 0 {
        return Err("--password-threads must be at least 1".into());
    }
    if a.log_retention_days < 0 {
        return Err("--log-retention-days must be 0 (keep forever) or more".into());
    }
    let mut app = App::open(
        dir,
        db,
        durability,
        a.worker_threads,
        clock,
        a.public_url.clone(),
    )?
    .with_password_threads(password_threads);
    app.activation_log = a.activation_log == "on";
    let app = Arc::new(app);
    let retention_app = app.clone();
    // The last reference to the app (and so to its database pool) must be
    // dropped outside the runtime: the PostgreSQL driver's blocking client
    // may not be dropped inside one.
    let app_outlives_runtime = app.clone();
    // Webhook deliveries and the expiry scheduler (resources::webhooks), on
    // their own low-priority thread.
    let webhook_roots = match &a.webhook_ca {
        Some(path) => crate::resources::webhooks::delivery::read_roots(path)
            .map_err(|e| format!("--webhook-ca: {e}"))?,
        None => Vec::new(),
    };
    crate::resources::webhooks::worker::spawn(
        app.clone(),
        crate::resources::webhooks::worker::Limits {
            timeout: std::time::Duration::from_millis(a.webhook_timeout_ms.max(1)),
            ..Default::default()
        },
        webhook_roots,
    )
    .map_err(|e| format!("starting the webhook worker: {e}"))?;
    let state = AppState {
        app,
        limiter: limit.map(|l| Arc::new(Limiter::new(l))),
        test_clock,
        trusted_proxies: a.trusted_proxies.clone().into(),
        country_header: a.country_header.clone(),
        log: RequestLog {
            level: a.log_level,
            format: a.log_format,
        },
    };
    let router = http::router(state);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(a.worker_threads)
        .build()
        .map_err(|e| e.to_string())?;
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .map_err(|e| format!("binding {}: {e}", a.listen))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls_cfg.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{local}");
        std::fs::write(dir.server_url(), format!("{url}\n")).map_err(|e| e.to_string())?;
        println!("listening on {url}");
        let _ = std::io::stdout().flush();
        tokio::spawn(crate::resources::retention::run_forever(
            retention_app,
            a.log_retention_days,
        ));
        tokio::select! {
            _ = http::serve::run(router, listener, tls_cfg) => {},
            _ = stop_signal() => {},
        }
        Ok::<(), String>(())
    });
    drop(rt);
    drop(app_outlives_runtime);
    served
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = async {
                match term.as_mut() {
                    Some(t) => { t.recv().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
