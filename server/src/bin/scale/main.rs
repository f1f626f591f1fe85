//! `openlex-server-scale`: fills an initialised data directory's SQLite
//! database with a large data set for `bench/scale.py` (issue 16 point 5).
//!
//! ```text
//! openlex-server-scale --data-dir DIR [--products 10] [--licenses 1000000]
//!                      [--activations 2000000] [--logs 10000000] [--days 90]
//! ```
//!
//! Products are made by the server's own operation (real RSA keys, so the
//! bench can activate against them); licenses, activations and activation
//! log rows are the server's own records written through its own storage
//! seam ([`Tx::save`], `activation_logs::record`) on its own schema
//! (migrations), by a [`BulkLoader`] that skips the journal and fsync: the
//! data are exactly what the server would have written, at disk speed.
//! Creation times spread over the last `--days` days in insertion order,
//! as they accumulate in a real deployment. Deterministic apart from ids.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use openlex_server::app::App;
use openlex_server::clock::{system_now, SystemClock};
use openlex_server::error::{ApiError, ApiResult};
use openlex_server::resources::activation_logs::{record, Action, Attempt, Subject};
use openlex_server::resources::activations::Activation;
use openlex_server::resources::licenses::License;
use openlex_server::resources::products::{self, ProductCreate, ProductFields};
use openlex_server::store::sqlite::{BulkLoader, Durability, SqliteStore};
use openlex_server::store::Tx;
use openlex_wire::ErrorCode;

/// Rows per transaction.
const CHUNK: usize = 50_000;

struct Opts {
    data_dir: PathBuf,
    products: usize,
    licenses: usize,
    activations: usize,
    logs: usize,
    days: i64,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts {
        data_dir: PathBuf::new(),
        products: 10,
        licenses: 1_000_000,
        activations: 2_000_000,
        logs: 10_000_000,
        days: 90,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--data-dir" => o.data_dir = PathBuf::from(value()?),
            "--products" => o.products = number(value()?)?.max(1),
            "--licenses" => o.licenses = number(value()?)?.max(1),
            "--activations" => o.activations = number(value()?)?,
            "--logs" => o.logs = number(value()?)?,
            "--days" => o.days = number(value()?)?.max(1) as i64,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if o.data_dir.as_os_str().is_empty() {
        return Err("--data-dir is required (run `openlex-server init` first)".into());
    }
    Ok(o)
}

/// splitmix64: a cheap, well-mixed function of the row number.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A unique vendor-format key for license `i`: four pseudo-random groups,
/// then `i` in the last two.
fn key(i: usize) -> String {
    let r = mix(i as u64);
    format!(
        "{:06X}-{:06X}-{:06X}-{:06X}-{:06X}-{:06X}",
        r & 0xFF_FFFF,
        (r >> 24) & 0xFF_FFFF,
        (r >> 48) & 0xFFFF,
        mix(r) & 0xFF_FFFF,
        (i >> 24) & 0xFF_FFFF,
        i & 0xFF_FFFF
    )
}

const OSES: [(&str, &str); 3] = [("windows", "10.0"), ("linux", "6.1"), ("macos", "14.2")];
const APP_VERSIONS: [&str; 4] = ["1.0.0", "1.1.0", "1.2.0", "2.0.0"];

/// Loads `n` rows, `CHUNK` per transaction, printing the rate.
fn load(
    db: &mut BulkLoader,
    what: &str,
    n: usize,
    mut row: impl FnMut(&mut dyn Tx, usize) -> ApiResult<()>,
) -> ApiResult<()> {
    let t = Instant::now();
    let mut i = 0;
    while i < n {
        let end = (i + CHUNK).min(n);
        db.chunk(|tx| {
            for j in i..end {
                row(tx, j)?;
            }
            Ok(())
        })?;
        i = end;
    }
    let s = t.elapsed().as_secs_f64();
    println!("{what}: {n} in {s:.1} s ({:.0}/s)", n as f64 / s.max(1e-9));
    Ok(())
}

fn run(o: &Opts) -> ApiResult<()> {
    let path = o.data_dir.join("openlex.db");
    if !path.exists() {
        return Err(ApiError::validation(format!(
            "{} is not initialised; run `openlex-server init --data-dir {}` first",
            o.data_dir.display(),
            o.data_dir.display()
        )));
    }
    let started = Instant::now();
    let now = system_now();
    let span = o.days * 86_400;
    let at = |i: usize, n: usize| now - span + (i as i128 * span as i128 / n.max(1) as i128) as i64;

    // Products through the server's operation (keys generated as in production).
    let store = SqliteStore::open(&path, Durability::Normal)?;
    let app = App::new(Arc::new(store), Arc::new(SystemClock), String::new());
    let mut product_ids = Vec::with_capacity(o.products);
    for p in 0..o.products {
        let made = products::create(
            &app,
            ProductCreate {
                fields: ProductFields {
                    name: Some(format!("scale product {p}")),
                    ..Default::default()
                },
                private_key: None,
            },
        )?;
        product_ids.push(made.product.id);
    }
    drop(app);

    let mut db = BulkLoader::open(&path)?;
    let mut license_ids: Vec<String> = Vec::with_capacity(o.licenses);
    load(&mut db, "licenses", o.licenses, |tx, i| {
        let t = at(i, o.licenses);
        let lic = License {
            id: openlex_server::ids::uuid(),
            product_id: product_ids[i % o.products].clone(),
            key: key(i),
            // Two seats: the generated activations fill them; the bench's
            // own activations use licenses it creates.
            allowed_activations: 2,
            created_at: t,
            updated_at: t,
            ..Default::default()
        };
        tx.save(&lic)?;
        license_ids.push(lic.id);
        Ok(())
    })?;
    load(&mut db, "activations", o.activations, |tx, i| {
        let t = at(i, o.activations);
        let l = i % o.licenses;
        let (os, os_version) = OSES[i % OSES.len()];
        let act = Activation {
            id: openlex_server::ids::uuid(),
            license_id: license_ids[l].clone(),
            product_id: product_ids[l % o.products].clone(),
            fingerprint: format!("{:016X}{:016X}", mix(i as u64), mix(!(i as u64))),
            os: os.into(),
            os_version: os_version.into(),
            hostname: format!("host-{i}"),
            vm_name: if i % 10 == 0 {
                "KVM".into()
            } else {
                String::new()
            },
            app_version: APP_VERSIONS[i % APP_VERSIONS.len()].into(),
            client_version: "3.46.0".into(),
            user_hash: "U".into(),
            created_at: t,
            updated_at: t,
            last_synced_at: t,
            ..Default::default()
        };
        tx.save(&act)
    })?;
    let refused = ApiError::new(ErrorCode::ActivationLimitReached, "limit");
    load(&mut db, "activation log rows", o.logs, |tx, i| {
        let t = at(i, o.logs);
        let l = (mix(i as u64) % o.licenses as u64) as usize;
        let (os, os_version) = OSES[i % OSES.len()];
        let attempt = Attempt {
            action: Some(match i % 4 {
                0 | 1 => Action::Sync,
                2 => Action::Activation,
                _ => Action::Deactivation,
            }),
            ip_address: format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
            os: os.into(),
            os_version: os_version.into(),
            app_version: APP_VERSIONS[i % APP_VERSIONS.len()].into(),
            hostname: format!("host-{l}"),
            ..Default::default()
        };
        let subject = Subject {
            license_id: &license_ids[l],
            license_key: &key(l),
            product_id: &product_ids[l % o.products],
            activation_id: "",
        };
        record(tx, t, &attempt, subject, (i % 10 == 9).then_some(&refused))
    })?;
    db.finish()?;
    println!(
        "generated {} products, {} licenses, {} activations, {} log rows in {:.1} s",
        o.products,
        o.licenses,
        o.activations,
        o.logs,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("openlex-server-scale: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&o) {
        eprintln!("openlex-server-scale: {e}");
        std::process::exit(1);
    }
}
