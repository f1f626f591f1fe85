//! Data directory layout and server settings.

use std::path::{Path, PathBuf};

/// Files inside a data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    /// The directory.
    pub root: PathBuf,
}

impl DataDir {
    /// Wraps a directory path.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }
    /// `openlex.db`: the SQLite database.
    pub fn db(&self) -> PathBuf {
        self.root.join("openlex.db")
    }
    /// `admin-token`: the initial admin token (mode 0600).
    pub fn admin_token(&self) -> PathBuf {
        self.root.join("admin-token")
    }
    /// `ca.pem`: the development CA certificate.
    pub fn ca(&self) -> PathBuf {
        self.root.join("ca.pem")
    }
    /// `server.pem`: the server certificate.
    pub fn server_cert(&self) -> PathBuf {
        self.root.join("server.pem")
    }
    /// `server-key.pem`: the server key (mode 0600).
    pub fn server_key(&self) -> PathBuf {
        self.root.join("server-key.pem")
    }
    /// `server.url`: the URL the running server listens on.
    pub fn server_url(&self) -> PathBuf {
        self.root.join("server.url")
    }
}

/// Where the records live: the embedded SQLite file of the data directory,
/// or a PostgreSQL database shared by several nodes (`--database-url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// DIR/openlex.db.
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Database {
    /// The database of `dir`, or the one `url` names (`postgres://` or
    /// `postgresql://`); any other scheme is refused.
    pub fn select(dir: &DataDir, url: Option<&str>) -> Result<Self, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Database::Sqlite(dir.db())),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Database::Postgres(u.to_owned()))
            }
            Some(_) => Err("--database-url must be a postgres:// or postgresql:// URL".into()),
        }
    }
}

/// Writes a file readable by its owner only (secrets).
pub fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}
