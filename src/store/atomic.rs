//! Private, crash-safe file operations: 0700 directories, 0600 files, and
//! writes that leave either the old or the new content, never a mix
//! (temp file in the same directory, fsync, rename).

use std::io::{Read, Write};
use std::path::Path;

use super::seal::MAX_RECORD;

/// Creates a directory (and parents) private to the user; tightens an
/// existing one that we own.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        let md = match std::fs::metadata(dir) {
            Ok(md) => md,
            Err(_) => {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)?;
                std::fs::metadata(dir)?
            }
        };
        make_private(dir, &md)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)?;
        probe_writable(dir)
    }
}

/// Checks that `dir` is, or can be made, a private directory we may write,
/// without creating it (SetProductId runs on every start and leaves the disk
/// alone until there is something to store): an existing `dir` as
/// [`create_private_dir`] does, else its nearest existing ancestor must be a
/// directory we may write. Returns whether `dir` exists.
pub fn check_private_dir(dir: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        if let Ok(md) = std::fs::metadata(dir) {
            return make_private(dir, &md).map(|()| true);
        }
        let mut up = dir.parent();
        while let Some(a) = up {
            match std::fs::metadata(a) {
                Ok(md) if md.is_dir() => {
                    writable(a)?;
                    return Ok(false);
                }
                Ok(_) => return Err(std::io::Error::other("not a directory")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => up = a.parent(),
                // Unreadable (EACCES, ...): creating below it would fail the same way.
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no existing ancestor"))
    }
    #[cfg(not(unix))]
    {
        create_private_dir(dir).map(|()| true)
    }
}

/// An existing `dir` (described by `md`): a directory, tightened to 0700 when
/// we own it, and writable by us.
#[cfg(unix)]
fn make_private(dir: &Path, md: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !md.is_dir() {
        return Err(std::io::Error::other("not a directory"));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if md.uid() == euid && md.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    writable(dir)
}

/// access(2) answers "may we write here" (including a read-only mount) with
/// one syscall and without touching the directory.
#[cfg(unix)]
fn writable(dir: &Path) -> std::io::Result<()> {
    let c = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(dir.as_os_str()))
        .map_err(|_| std::io::Error::other("NUL in path"))?;
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Proves a directory is writable by creating and removing a file in it.
pub fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".openlex-probe-{}", std::process::id()));
    let f = open_private(&probe)?;
    drop(f);
    std::fs::remove_file(&probe)
}

fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    opts.open(path)
}

/// Writes a file atomically with mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent"))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("record");
    sweep_stale_temps(dir, name);
    let mut rnd = [0u8; 8];
    let _ = getrandom::getrandom(&mut rnd);
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        hex::encode(rnd)
    ));
    let result = (|| {
        let mut f = open_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    // No directory fsync after the rename: the new file's data is already
    // durable, so after a crash the name points at the old or the new
    // content, never a mix; skipping it halves the disk waits of an activation.
    result
}

/// Removes `.{name}.{pid}.{hex}.tmp` files left by writers killed between
/// creating their temp file and renaming it (SIGKILL, power loss), so crashes
/// do not pile up garbage in the store. Only files of dead processes that are
/// older than [`STALE_TEMP_SECS`] go; a live writer's file is never touched.
fn sweep_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let me = std::process::id();
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest
            .split_once('.')
            .and_then(|(p, _)| p.parse::<u32>().ok())
        else {
            continue;
        };
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= STALE_TEMP_SECS);
        if pid != me && old && !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Age after which a dead writer's temp file is swept (a write takes milliseconds).
const STALE_TEMP_SECS: u64 = 10;

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(p) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if p <= 0 {
        return true;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let r = unsafe { libc::kill(p, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Flushes a directory entry change to disk (best effort; a no-op off Unix).
pub fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Reads a whole file of at most [`MAX_RECORD`] bytes; larger files read as absent.
pub fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(MAX_RECORD as u64 + 1).read_to_end(&mut buf).ok()?;
    (buf.len() <= MAX_RECORD).then_some(buf)
}
