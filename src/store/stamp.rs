//! "Has this record file changed?" at the cost of one short system call.
//!
//! Every license check asks it (IsLicenseGenuine with nothing activated is
//! nothing else), so on Unix the store directory is held open and `fstatat`
//! looks up one name in it: the kernel skips walking the full path, about
//! half the cost of a `stat`. Whether the path still names that directory is
//! re-checked at most once per [`RECHECK`], so a store directory that another
//! process deletes or replaces is followed within that time; changes to the
//! files inside it are seen at once. Without a handle (no directory yet) the
//! answer comes from the full path.

use std::path::{Path, PathBuf};

/// Identity of a file's current contents, to notice changes made by other
/// processes without re-reading on every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileStamp {
    len: u64,
    modified_ns: i128,
    inode: u64,
}

/// How long a held directory handle is trusted before its path is looked up again.
#[cfg_attr(not(unix), allow(dead_code))]
pub(super) const RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Stamps the files of one directory.
#[derive(Debug)]
pub(super) struct DirStamper {
    dir: PathBuf,
    #[cfg(unix)]
    held: unix::Held,
}

impl DirStamper {
    /// A stamper for the files of `dir` (opened lazily, on the first stamp).
    pub(super) fn new(dir: PathBuf) -> DirStamper {
        DirStamper {
            #[cfg(unix)]
            held: unix::Held::default(),
            dir,
        }
    }

    /// The stamp of `dir/name`, `None` when the file is absent or unreadable.
    pub(super) fn stamp(&mut self, name: &'static std::ffi::CStr) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            self.held.stamp(&self.dir, name)
        }
        #[cfg(not(unix))]
        {
            stamp_path(&self.dir.join(name.to_str().ok()?))
        }
    }
}

/// The stamp of a file by path: off Unix always, on Unix whenever no directory
/// handle is held.
pub(super) fn stamp_path(path: &Path) -> Option<FileStamp> {
    #[cfg(unix)]
    {
        let c = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()))
            .ok()?;
        unix::fstatat(libc::AT_FDCWD, &c).ok()
    }
    #[cfg(not(unix))]
    {
        let md = std::fs::metadata(path).ok()?;
        let modified_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(0);
        Some(FileStamp {
            len: md.len(),
            modified_ns,
            inode: 0,
        })
    }
}

#[cfg(unix)]
// `stat` field types differ between platforms (`st_dev` is i32 on macOS, ...).
#[allow(clippy::unnecessary_cast)]
mod unix {
    use super::{FileStamp, RECHECK};
    use std::ffi::{CStr, CString};
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::time::Instant;

    /// The held directory and when its path was last confirmed to name it.
    #[derive(Debug, Default)]
    pub(super) struct Held {
        dir: Option<Dir>,
        next_check: Option<Instant>,
    }

    #[derive(Debug)]
    struct Dir {
        fd: OwnedFd,
        dev: u64,
        ino: u64,
    }

    impl Held {
        pub(super) fn stamp(&mut self, path: &Path, name: &CStr) -> Option<FileStamp> {
            let now = Instant::now();
            if self.next_check.is_none_or(|t| now >= t) {
                self.next_check = Some(now + RECHECK);
                self.refresh(path);
            }
            if let Some(d) = &self.dir {
                match fstatat(d.fd.as_raw_fd(), name) {
                    Ok(s) => return Some(s),
                    Err(libc::ENOENT) => return None,
                    // Not our directory any more (a host that closed descriptors
                    // it does not own): reopen at once next time.
                    Err(_) => {
                        self.disown();
                        self.next_check = None;
                    }
                }
            }
            // No handle (the directory does not exist yet, or could not be
            // opened, say with every descriptor in use): answer by path. A file
            // found there means the directory exists now: take a handle next time.
            let found = super::stamp_path(&path.join(name.to_str().ok()?));
            if found.is_some() {
                self.next_check = None;
            }
            found
        }

        /// Keeps the handle when it is still ours and `path` still names its
        /// directory, else (re)opens it; no handle when the directory is gone.
        fn refresh(&mut self, path: &Path) {
            if let Some(d) = &self.dir {
                if fd_id(d.fd.as_raw_fd()) != Some((d.dev, d.ino)) {
                    self.disown();
                }
            }
            let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
                self.dir = None;
                return;
            };
            if let Some(d) = &self.dir {
                if stat_id(libc::AT_FDCWD, &c) == Ok((d.dev, d.ino)) {
                    return;
                }
            }
            // Dropping a handle that is still ours closes it.
            self.dir = open_dir(&c);
        }

        /// Forgets the handle without closing it: its number may belong to the
        /// host by now (a host that closed all descriptors, say after fork,
        /// and opened others), and closing that would break the host.
        #[cfg(test)]
        pub(super) fn fd(&self) -> Option<RawFd> {
            self.dir.as_ref().map(|d| d.fd.as_raw_fd())
        }

        fn disown(&mut self) {
            if let Some(d) = self.dir.take() {
                let _ = d.fd.into_raw_fd();
            }
        }
    }

    #[cfg(target_os = "linux")]
    const DIR_FLAGS: libc::c_int = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
    #[cfg(not(target_os = "linux"))]
    const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

    fn open_dir(path: &CStr) -> Option<Dir> {
        // SAFETY: a NUL-terminated path; the returned descriptor is owned below.
        let fd = unsafe { libc::open(path.as_ptr(), DIR_FLAGS) };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let (dev, ino) = fd_id(fd.as_raw_fd())?;
        Some(Dir { fd, dev, ino })
    }

    /// `(st_dev, st_ino)` of what descriptor `fd` refers to.
    fn fd_id(fd: RawFd) -> Option<(u64, u64)> {
        // SAFETY: all-zero is a valid `stat` (plain integers).
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `st` is writable for the call; a closed `fd` just fails with EBADF.
        if unsafe { libc::fstat(fd, &mut st) } != 0 {
            return None;
        }
        Some((st.st_dev as u64, st.st_ino as u64))
    }

    /// `(st_dev, st_ino)` of `name` relative to `dir`.
    fn stat_id(dir: RawFd, name: &CStr) -> Result<(u64, u64), libc::c_int> {
        let st = raw_stat(dir, name)?;
        Ok((st.st_dev as u64, st.st_ino as u64))
    }

    /// [`FileStamp`] of `name` relative to `dir` (`AT_FDCWD` for a full path);
    /// the error is the `errno`.
    pub(super) fn fstatat(dir: RawFd, name: &CStr) -> Result<FileStamp, libc::c_int> {
        let st = raw_stat(dir, name)?;
        Ok(FileStamp {
            len: st.st_size as u64,
            modified_ns: st.st_mtime as i128 * 1_000_000_000 + st.st_mtime_nsec as i128,
            inode: st.st_ino as u64,
        })
    }

    fn raw_stat(dir: RawFd, name: &CStr) -> Result<libc::stat, libc::c_int> {
        // SAFETY: all-zero is a valid `stat` (plain integers).
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `dir` is AT_FDCWD or a descriptor we own, `name` is NUL-terminated
        // and `st` is writable for the call.
        if unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, 0) } == 0 {
            Ok(st)
        } else {
            Err(std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_files_at_once_and_a_replaced_directory_within_recheck() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("store");
        std::fs::create_dir(&dir).unwrap();
        let mut s = DirStamper::new(dir.clone());
        assert_eq!(s.stamp(c"a.olx"), None);
        std::fs::write(dir.join("a.olx"), b"1").unwrap();
        let first = s.stamp(c"a.olx").expect("seen at once");
        assert_eq!(Some(first), stamp_path(&dir.join("a.olx")));
        std::fs::write(dir.join("a.olx"), b"22").unwrap();
        assert_ne!(s.stamp(c"a.olx"), Some(first));

        // Another process replaces the whole directory.
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(s.stamp(c"a.olx"), None, "the deleted directory is empty");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("a.olx"), b"333").unwrap();
        std::thread::sleep(RECHECK + std::time::Duration::from_millis(50));
        assert_eq!(s.stamp(c"a.olx"), stamp_path(&dir.join("a.olx")));
        assert!(s.stamp(c"a.olx").is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_descriptor_the_host_closed_and_reused_is_never_closed_by_us() {
        use std::os::fd::AsRawFd;
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("store");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("a.olx"), b"1").unwrap();
        let mut s = DirStamper::new(dir.clone());
        assert!(s.stamp(c"a.olx").is_some());
        let ours = s.held.fd().expect("held");
        // The host closes the descriptors it did not open and opens a file that gets
        // the same number (dup2 does both at once, so no other test thread can
        // take the number in between).
        let file = std::fs::File::open(dir.join("a.olx")).unwrap();
        // SAFETY: replaces the stamper's descriptor behind its back, as such a host would.
        assert_eq!(unsafe { libc::dup2(file.as_raw_fd(), ours) }, ours);
        assert!(s.stamp(c"a.olx").is_some(), "answered by path");
        assert!(s.stamp(c"a.olx").is_some(), "and from a fresh handle");
        assert_ne!(s.held.fd(), Some(ours));
        // The host's descriptor is still open.
        // SAFETY: fcntl(F_GETFD) on a descriptor number only reads its flags.
        assert!(unsafe { libc::fcntl(ours, libc::F_GETFD) } >= 0);
        // SAFETY: the test's own duplicate, closed once.
        unsafe { libc::close(ours) };
    }

    #[test]
    fn a_missing_directory_is_no_error() {
        let t = tempfile::tempdir().unwrap();
        let mut s = DirStamper::new(t.path().join("absent"));
        assert_eq!(s.stamp(c"a.olx"), None);
        assert_eq!(stamp_path(&t.path().join("absent/a.olx")), None);
        // Created by another process: seen at once, by path, and held from the next call.
        std::fs::create_dir(t.path().join("absent")).unwrap();
        std::fs::write(t.path().join("absent/a.olx"), b"1").unwrap();
        assert!(s.stamp(c"a.olx").is_some());
        assert!(s.stamp(c"a.olx").is_some());
        #[cfg(unix)]
        assert!(s.held.fd().is_some());
    }
}
