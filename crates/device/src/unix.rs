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
    if let Some((name, home)) = local_passwd_entry(uid).or_else(|| passwd_entry(uid)) {
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

/// The uid's line in `/etc/passwd`, the answer NSS's `files` source gives for
/// local users. Read directly because the first `getpwuid_r` in a process
/// costs more than the rest of device identity (nscd socket probes,
/// nsswitch.conf); users from other sources (LDAP, SSSD) fall through to it.
#[cfg(target_os = "linux")]
fn local_passwd_entry(uid: libc::uid_t) -> Option<(String, Option<PathBuf>)> {
    let text = crate::util::read_bounded(std::path::Path::new("/etc/passwd"), 4 << 20)?;
    passwd_line(&text, uid)
}

#[cfg(not(target_os = "linux"))]
fn local_passwd_entry(_uid: libc::uid_t) -> Option<(String, Option<PathBuf>)> {
    None // macOS keeps its users in Directory Services, not /etc/passwd.
}

/// `(name, home)` of the first `name:pw:uid:gid:gecos:home:shell` line with
/// `uid` in passwd(5) text; NIS compat lines (`+`/`-`) are skipped.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn passwd_line(text: &[u8], uid: libc::uid_t) -> Option<(String, Option<PathBuf>)> {
    let want = uid.to_string();
    text.split(|b| *b == b'\n').find_map(|line| {
        let f: Vec<&[u8]> = line.split(|b| *b == b':').collect();
        let (name, id, home) = (f.first()?, f.get(2)?, f.get(5)?);
        if name.is_empty() || name.starts_with(b"+") || name.starts_with(b"-") {
            return None;
        }
        (*id == want.as_bytes()).then(|| {
            let home = (!home.is_empty()).then(|| PathBuf::from(OsStr::from_bytes(home)));
            (String::from_utf8_lossy(name).into_owned(), home)
        })
    })
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

/// `uname(2)`, `None` when it fails.
fn uname() -> Option<libc::utsname> {
    // SAFETY: `utsname` is a plain C struct of char arrays; all-zero is valid.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable utsname.
    (unsafe { libc::uname(&mut u) } == 0).then_some(u)
}

/// A NUL-terminated `utsname` field as text; `None` when empty.
fn uts_field(field: &[libc::c_char]) -> Option<String> {
    let bytes: Vec<u8> = field
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| u8::from_ne_bytes(c.to_ne_bytes()))
        .collect();
    (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

/// The kernel release (`uname -r`).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn kernel_release() -> Option<String> {
    uts_field(&uname()?.release)
}

/// The host name: `uname()` nodename, falling back to `gethostname()`.
pub(crate) fn hostname() -> String {
    if let Some(name) = uname().and_then(|u| uts_field(&u.nodename)) {
        return name;
    }
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for `buf.len()` bytes; one byte is kept back for a NUL.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } == 0 {
        let n = buf.iter().position(|b| *b == 0).unwrap_or(0);
        return String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_line_finds_the_uid() {
        let text = b"root:x:0:0:root:/root:/bin/bash\n+nis::::::\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\nbob:x:10000:1:::\n";
        assert_eq!(
            passwd_line(text, 0),
            Some(("root".into(), Some("/root".into())))
        );
        assert_eq!(
            passwd_line(text, 1000),
            Some(("alice".into(), Some("/home/alice".into())))
        );
        assert_eq!(passwd_line(text, 10000), Some(("bob".into(), None)));
        assert_eq!(passwd_line(text, 100), None);
        assert_eq!(passwd_line(b"garbage\n::0\n", 0), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn local_entry_agrees_with_getpwuid() {
        // SAFETY: geteuid has no preconditions.
        let uid = unsafe { libc::geteuid() };
        if let Some(local) = local_passwd_entry(uid) {
            assert_eq!(Some(local), passwd_entry(uid));
        }
    }
}
