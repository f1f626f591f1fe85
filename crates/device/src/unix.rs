//! Unix helpers shared by Linux and macOS: user database and host name.

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// Name and home directory of the effective user from the user database
/// (`getpwuid_r(geteuid())`, not `$HOME`). The name falls back to `$USER`,
/// `$LOGNAME`, then the numeric uid when the uid has no database entry.
pub(crate) fn current_user() -> (String, Option<PathBuf>) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    if let Some((name, home)) = passwd_entry(uid) {
        if !name.is_empty() {
            return (name, home);
        }
    }
    let name = ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| uid.to_string());
    (name, None)
}

fn passwd_entry(uid: libc::uid_t) -> Option<(String, Option<PathBuf>)> {
    let mut size = 4096usize;
    loop {
        let mut buf = vec![0u8; size];
        // SAFETY: `passwd` is a plain C struct for which all-zero bytes are a valid value.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to a live, correctly sized local; `buf.len()` is the
        // true size of `buf`. On success the strings in `pwd` point into `buf`.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        let name = if pwd.pw_name.is_null() {
            String::new()
        } else {
            // SAFETY: non-null and NUL-terminated inside `buf`, which is still alive.
            unsafe { CStr::from_ptr(pwd.pw_name) }
                .to_string_lossy()
                .into_owned()
        };
        let home = if pwd.pw_dir.is_null() {
            None
        } else {
            // SAFETY: non-null and NUL-terminated inside `buf`, which is still alive.
            let dir = unsafe { CStr::from_ptr(pwd.pw_dir) }.to_bytes();
            (!dir.is_empty()).then(|| PathBuf::from(OsStr::from_bytes(dir)))
        };
        return Some((name, home));
    }
}

/// The host name: `uname()` nodename, falling back to `gethostname()`.
pub(crate) fn hostname() -> String {
    // SAFETY: `utsname` is a plain C struct of char arrays; all-zero is valid.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } == 0 {
        let bytes: Vec<u8> = u
            .nodename
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| u8::from_ne_bytes(c.to_ne_bytes()))
            .collect();
        if !bytes.is_empty() {
            return String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for `buf.len()` bytes; one byte is kept back for a NUL.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } == 0 {
        let n = buf.iter().position(|b| *b == 0).unwrap_or(0);
        return String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
    }
    String::new()
}
