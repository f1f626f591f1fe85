//! Small bounded, non-panicking file helpers.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Default upper bound on how much of any file is read.
pub(crate) const MAX_READ: u64 = 64 * 1024;

/// Reads at most `max` bytes of a file; `None` on any error.
pub(crate) fn read_bounded(path: &Path, max: u64) -> Option<Vec<u8>> {
    let f = File::open(path).ok()?;
    // One page covers every sysfs/procfs attribute in a single read(2).
    let mut buf = Vec::with_capacity(max.min(4096) as usize);
    f.take(max).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// Reads at most [`MAX_READ`] bytes of a file as (lossy) UTF-8.
pub(crate) fn read_string(path: &Path) -> Option<String> {
    read_bounded(path, MAX_READ).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Reads a small file and trims whitespace and NULs; `None` when missing or empty.
pub(crate) fn read_trimmed(path: &Path) -> Option<String> {
    let s = read_string(path)?;
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Joins `root` and an absolute path such as `/etc/machine-id`.
pub(crate) fn under(root: &Path, abs: &str) -> std::path::PathBuf {
    root.join(abs.trim_start_matches('/'))
}

/// Whether a path exists (without following a final symlink's target requirement).
pub(crate) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Placeholder strings firmware vendors leave in serial and UUID fields; they
/// identify nothing, so such values are dropped.
#[cfg_attr(target_vendor = "apple", allow(dead_code))]
pub(crate) fn is_junk_id(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    const JUNK: &[&str] = &[
        "to be filled by o.e.m.",
        "to be filled by oem",
        "default string",
        "not specified",
        "not applicable",
        "not available",
        "none",
        "n/a",
        "na",
        "system serial number",
        "chassis serial number",
        "base board serial number",
        "serial number",
        "0123456789",
        "123456789",
        "1234567890",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",
        "oem",
        "o.e.m.",
        "invalid",
        "unknown",
    ];
    if JUNK.contains(&lower.as_str()) {
        return true;
    }
    // All the same character (e.g. "0000000", "xxxx", "ffff-ffff") ignoring separators.
    let mut chars = lower
        .chars()
        .filter(|c| *c != '-' && *c != ' ' && *c != ':');
    match chars.next() {
        None => true,
        Some(first) => chars.all(|c| c == first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_ids() {
        assert!(is_junk_id("To Be Filled By O.E.M."));
        assert!(is_junk_id("00000000-0000-0000-0000-000000000000"));
        assert!(is_junk_id("  "));
        assert!(is_junk_id("0"));
        assert!(!is_junk_id("PF2ABCDE"));
        assert!(!is_junk_id("4c4c4544-0051-3010-8052-b4c04f4a4e32"));
    }

    #[test]
    fn bounded_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().len(), 10);
        assert_eq!(read_bounded(&dir.path().join("missing"), 10), None);
        std::fs::write(&p, "  x \n\0").unwrap();
        assert_eq!(read_trimmed(&p).as_deref(), Some("x"));
    }
}
