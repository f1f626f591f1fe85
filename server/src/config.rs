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
