//! Runs a parsed command line: each management command calls the same
//! operation as its admin API endpoint.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use serde::Serialize;
use serde_json::Value;

use super::{
    ActivationCmd, Cli, Cmd, LicenseCmd, ProductCmd, ReleaseCmd, StaffCmd, TokenCmd, UserCmd,
};
use crate::app::{cli_error, App};
use crate::config::{DataDir, Database};
use crate::error::ApiResult;
use crate::http::extract::parse_json;
use crate::resources::activations::Activation;
use crate::resources::licenses::{self, LicenseFields};
use crate::resources::products::{self, ProductCreate, ProductFields};
use crate::resources::{access_tokens, offline, releases, users};
use crate::store::Page;

/// A command's outcome: an error message for stderr.
pub type CliResult = Result<(), String>;

/// The binary's entry point.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = DataDir::new(&cli.data_dir);
    let result = Database::select(&dir, cli.database_url.as_deref()).and_then(|db| match cli.cmd {
        Cmd::Init {
            public_url,
            cert_names,
        } => super::serve::init(&dir, &db, public_url, &cert_names),
        Cmd::Serve(a) => super::serve::serve(&dir, &db, a),
        Cmd::Db(c) => super::db::run(&dir, &db, c),
        other => App::open_cli(&dir, &db).and_then(|app| manage(&app, other)),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openlex-server: {e}");
            ExitCode::from(1)
        }
    }
}

fn api<T>(r: ApiResult<T>) -> Result<T, String> {
    r.map_err(cli_error)
}

/// Prints `v` as pretty JSON, or `human(v)`.
fn print<T: Serialize>(v: &T, as_json: bool, human: impl FnOnce(&Value) -> String) {
    let v = serde_json::to_value(v).unwrap_or_default();
    if as_json {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        println!("{}", human(&v));
    }
}

fn show<T: Serialize>(v: &T) {
    print(v, true, |_| String::new());
}

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(x) => x.to_string(),
        None => String::new(),
    }
}

/// One line per item, the named fields separated by two spaces.
fn lines(v: &Value, keys: &[&str]) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| keys.iter().map(|k| s(x, k)).collect::<Vec<_>>().join("  "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn all() -> Page {
    Page {
        page: 1,
        limit: 100,
        newest_first: true,
    }
}

/// Fields from an optional JSON argument, overlaid by flags.
fn json_arg<T: serde::de::DeserializeOwned + Default>(text: Option<&str>) -> Result<T, String> {
    match text {
        Some(t) => api(parse_json(t.as_bytes())),
        None => Ok(T::default()),
    }
}

fn manage(app: &App, cmd: Cmd) -> CliResult {
    match cmd {
        Cmd::Product(p) => product(app, p),
        Cmd::License(l) => license(app, l),
        Cmd::Activation(a) => activation(app, a),
        Cmd::Staff(c) => staff(app, c),
        Cmd::Token(TokenCmd::Create { create, json }) => {
            let v = api(access_tokens::create(app, &create, &["*".to_owned()]))?;
            print(&v, json, |v| s(v, "token"));
            Ok(())
        }
        Cmd::User(UserCmd::Create {
            create,
            license_ids,
            json,
        }) => {
            let v = api(users::create(app, create))?;
            for lid in license_ids {
                let f = LicenseFields {
                    user_id: Some(v.id.clone()),
                    ..Default::default()
                };
                api(licenses::update(app, &lid, f))?;
            }
            print(&v, json, |v| format!("user id: {}", s(v, "id")));
            Ok(())
        }
        Cmd::Release(ReleaseCmd::Create {
            mut create,
            file_name,
            file_url,
            json,
        }) => {
            if let Some(name) = file_name {
                create.fields.files = Some(vec![openlex_wire::requests::ReleaseFile {
                    name,
                    url: file_url.unwrap_or_default(),
                    ..Default::default()
                }]);
            }
            let r = api(releases::create(app, create))?;
            print(&r, json, |v| format!("release id: {}", s(v, "id")));
            Ok(())
        }
        Cmd::Init { .. } | Cmd::Serve(_) | Cmd::Db(_) => Err("unreachable".into()),
    }
}

fn product(app: &App, cmd: ProductCmd) -> CliResult {
    match cmd {
        ProductCmd::Create {
            fields,
            private_key_file,
            json,
        } => {
            let private_key = match private_key_file {
                Some(f) => {
                    Some(std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?)
                }
                None => None,
            };
            let v = api(products::create(
                app,
                ProductCreate {
                    fields,
                    private_key,
                },
            ))?;
            print(&v, json, |v| {
                format!(
                    "product id: {}\nproduct data: {}",
                    s(v, "id"),
                    s(v, "productData")
                )
            });
        }
        ProductCmd::List { json } => {
            let (items, _) = api(products::list(app, &Default::default(), all()))?;
            print(&items, json, |v| lines(v, &["id", "name"]));
        }
        ProductCmd::Get { id } => show(&api(products::get_one(app, &id))?),
        ProductCmd::Update {
            id,
            json_patch,
            fields,
        } => {
            let base: ProductFields = json_arg(json_patch.as_deref())?;
            let merged = merge_product(base, fields);
            show(&api(products::update(app, &id, merged))?)
        }
        ProductCmd::Delete { id } => {
            api(products::delete(app, &id))?;
            println!("deleted product {id}");
        }
    }
    Ok(())
}

/// The flags given, over the JSON fields.
fn merge_product(base: ProductFields, flags: ProductFields) -> ProductFields {
    ProductFields {
        name: flags.name.or(base.name),
        display_name: flags.display_name.or(base.display_name),
        description: flags.description.or(base.description),
        metadata: flags.metadata.or(base.metadata),
        trial_length: flags.trial_length.or(base.trial_length),
        trial_allowed: flags.trial_allowed.or(base.trial_allowed),
        trial_activation_limit: flags.trial_activation_limit.or(base.trial_activation_limit),
        trial_fingerprint_matching_strategy: flags
            .trial_fingerprint_matching_strategy
            .or(base.trial_fingerprint_matching_strategy),
        trial_allow_vm_activation: flags
            .trial_allow_vm_activation
            .or(base.trial_allow_vm_activation),
        trial_allow_container_activation: flags
            .trial_allow_container_activation
            .or(base.trial_allow_container_activation),
        trial_allowed_clock_offset: flags
            .trial_allowed_clock_offset
            .or(base.trial_allowed_clock_offset),
        activation_id_requires_fingerprint: flags
            .activation_id_requires_fingerprint
            .or(base.activation_id_requires_fingerprint),
        license_policy_id: flags.license_policy_id.or(base.license_policy_id),
        trial_policy_id: flags.trial_policy_id.or(base.trial_policy_id),
    }
}

fn license(app: &App, cmd: LicenseCmd) -> CliResult {
    let set = |id: &str, f: LicenseFields| api(licenses::update(app, &license_ref(app, id)?, f));
    match cmd {
        LicenseCmd::Create(c) => {
            let c = *c;
            let mut create = c.create;
            let extra: LicenseFields = json_arg(c.extra_json.as_deref())?;
            create.fields = extra.or(create.fields);
            let v = api(licenses::create(app, create))?;
            print(&v, c.json, |v| {
                format!("license key: {}\nlicense id: {}", s(v, "key"), s(v, "id"))
            });
        }
        LicenseCmd::List { product_id, json } => {
            let f = licenses::LicenseFilter {
                product_id,
                ..Default::default()
            };
            let (items, _) = api(licenses::list(app, &f, all()))?;
            print(&items, json, |v| lines(v, &["id", "key", "type"]));
        }
        LicenseCmd::Get { id } => show(&api(licenses::get_one(app, &license_ref(app, &id)?))?),
        LicenseCmd::Suspend { id, json } => {
            let v = set(&id, flag(|f| f.suspended = Some(true)))?;
            print(&v, json, |v| one_line("suspended", v));
        }
        LicenseCmd::Unsuspend { id, json } => {
            let v = set(&id, flag(|f| f.suspended = Some(false)))?;
            print(&v, json, |v| one_line("unsuspended", v));
        }
        LicenseCmd::Revoke { id, json } => {
            let v = set(&id, flag(|f| f.revoked = Some(true)))?;
            print(&v, json, |v| one_line("revoked", v));
        }
        LicenseCmd::Renew { id, json } => {
            let v = api(licenses::renew(app, &license_ref(app, &id)?))?;
            print(&v, json, |v| {
                format!("{}; expires at {}", one_line("renewed", v), v["expiresAt"])
            });
        }
        LicenseCmd::Expire { id, at, json } => {
            let at = at.unwrap_or_else(|| app.now());
            let v = set(&id, flag(|f| f.expires_at = Some(at)))?;
            print(&v, json, |v| {
                format!("{}; expires at {}", one_line("updated", v), v["expiresAt"])
            });
        }
        LicenseCmd::Update {
            id,
            json_patch,
            fields,
            json,
        } => {
            let base: LicenseFields = json_arg(json_patch.as_deref())?;
            let v = set(&id, base.or(*fields))?;
            print(&v, json, |v| one_line("updated", v));
        }
        LicenseCmd::Delete { id, json } => {
            let id = license_ref(app, &id)?;
            api(licenses::delete(app, &id))?;
            if json {
                println!("{}", serde_json::json!({ "id": id, "deleted": true }));
            } else {
                println!("deleted license {id}");
            }
        }
    }
    Ok(())
}

/// `VERB license ID (KEY)`: what a license command did, in one line.
fn one_line(verb: &str, v: &Value) -> String {
    format!("{verb} license {} ({})", s(v, "id"), s(v, "key"))
}

/// The id of the license `id_or_key` names: a license id, else a license key.
fn license_ref(app: &App, id_or_key: &str) -> Result<String, String> {
    let found = api(app.store.read(|tx| {
        if tx.load::<licenses::License>(id_or_key)?.is_some() {
            return Ok(Some(id_or_key.to_owned()));
        }
        Ok(licenses::store::by_key(tx, id_or_key)?.map(|l| l.id))
    }))?;
    found.ok_or_else(|| format!("NOT_FOUND: no license with id or key {id_or_key}"))
}

fn flag(f: impl FnOnce(&mut LicenseFields)) -> LicenseFields {
    let mut fields = LicenseFields::default();
    f(&mut fields);
    fields
}

fn activation(app: &App, cmd: ActivationCmd) -> CliResult {
    match cmd {
        ActivationCmd::List {
            license_id,
            product_id,
            json,
        } => {
            let filter = crate::resources::filters(&[
                ("license_id", &license_id),
                ("product_id", &product_id),
            ]);
            let (items, _) = api(crate::resources::list_docs::<Activation>(
                app,
                &filter,
                all(),
            ))?;
            print(&items, json, |v| lines(v, &["id", "licenseId", "hostname"]));
        }
        ActivationCmd::Delete { id } => {
            api(crate::resources::delete_doc(
                app,
                &id,
                "activation",
                crate::resources::event_logs::Resource::Activation,
                Activation::clone,
            ))?;
            println!("deleted activation {id}");
        }
        ActivationCmd::OfflineActivate {
            request,
            response,
            validity,
            license_id,
        } => {
            let req = read_request(&request)?;
            let resp = api(offline::activate(app, &req, validity, license_id))?;
            write_response(&response, &resp)?;
            println!("offline response written to {}", response.display());
        }
        ActivationCmd::OfflineDeactivate { request } => {
            let req = read_request(&request)?;
            api(offline::deactivate(app, &req, None))?;
            println!("offline deactivation applied");
        }
        ActivationCmd::OfflineTrial {
            request,
            response,
            product_id,
            validity,
        } => {
            let req = read_request(&request)?;
            let resp = api(offline::trial(app, &req, validity, &product_id))?;
            write_response(&response, &resp)?;
            println!("offline trial response written to {}", response.display());
        }
    }
    Ok(())
}

/// Reads an offline request file (bounded, like the API's 16 KiB limit).
fn read_request(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() > crate::offline::MAX_REQUEST_LEN + 64 {
        return Err(format!(
            "{}: not an offline request (too large)",
            path.display()
        ));
    }
    Ok(text)
}

/// Writes an offline response file.
fn write_response(path: &Path, body: &str) -> Result<(), String> {
    std::fs::write(path, body).map_err(|e| format!("{}: {e}", path.display()))
}

/// `staff create` / `staff list`.
fn staff(app: &App, c: StaffCmd) -> CliResult {
    use crate::web::staff::{self, StaffCreate};
    match c {
        StaffCmd::Create {
            email,
            role,
            enable_two_factor,
        } => {
            let password = read_password()?;
            let (s, secret) = api(staff::create(
                app,
                StaffCreate {
                    email,
                    role,
                    password,
                    two_factor: enable_two_factor,
                },
            ))?;
            println!(
                "created staff {} ({}) id {}",
                s.email,
                s.role.as_str(),
                s.id
            );
            if let Some(secret) = secret {
                println!("two-factor secret (add to an authenticator app; shown once): {secret}");
            }
            println!("sign in at /dashboard of the server's URL");
            Ok(())
        }
        StaffCmd::List => {
            for s in api(staff::list(app))? {
                let tfa = if s.two_factor_secret.is_empty() {
                    ""
                } else {
                    " 2fa"
                };
                println!("{} {} {}{tfa}", s.id, s.email, s.role.as_str());
            }
            Ok(())
        }
    }
}

/// The new password: prompted twice without echo on a terminal, else the
/// first line of standard input.
fn read_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    let read_line = || -> Result<String, String> {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("could not read the password: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    if !stdin.is_terminal() {
        return read_line();
    }
    let _echo = EchoOff::new();
    eprint!("password: ");
    let _ = std::io::stderr().flush();
    let first = read_line()?;
    eprint!("\nrepeat password: ");
    let _ = std::io::stderr().flush();
    let second = read_line()?;
    eprintln!();
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

/// Terminal echo off while alive (Linux; elsewhere the prompt echoes).
struct EchoOff {
    #[cfg(target_os = "linux")]
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> Self {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: tcgetattr/tcsetattr on stdin with a zeroed termios
            // that tcgetattr fills; restored on drop.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(0, &mut t) != 0 {
                    return EchoOff { saved: None };
                }
                let saved = t;
                t.c_lflag &= !libc::ECHO;
                libc::tcsetattr(0, libc::TCSANOW, &t);
                EchoOff { saved: Some(saved) }
            }
        }
        #[cfg(not(target_os = "linux"))]
        EchoOff {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(t) = self.saved {
            // SAFETY: restores the attributes read in `new`.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &t);
            }
        }
    }
}
