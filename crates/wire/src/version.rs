//! Release version strings in the vendor's `x.x`, `x.x.x`, `x.x.x.x` form.

/// True for 2 to 4 dot-separated parts of ASCII digits. An empty part is
/// accepted (`1..0`), matching the vendor library's observed quirk.
pub fn is_valid_release_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().any(|p| !p.is_empty())
}

/// Numeric components of a release version; empty or missing parts are 0.
/// Comparison ignores components missing on either side, as the vendor's
/// release service does (`1.2.3` vs `1.2.3.4` is "no newer release").
pub fn parse(v: &str) -> Vec<u64> {
    v.split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0))
        .collect()
}

/// Compares two versions over their common prefix of components.
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (parse(a), parse(b));
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_accepted_and_rejected_forms() {
        for ok in ["1.0", "1.0.0", "1.0.0.0", "01.002", "999999.0", "1..0"] {
            assert!(is_valid_release_version(ok), "{ok}");
        }
        for bad in [
            "1",
            "1.0.0.0.0",
            "v1.0",
            "1.0-beta",
            "1.2a",
            "1.0 ",
            "",
            ".",
            "...",
        ] {
            assert!(!is_valid_release_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn compare_ignores_missing_components() {
        use std::cmp::Ordering::*;
        assert_eq!(compare("1.2.3", "1.2.3.4"), Equal);
        assert_eq!(compare("1.2.4", "1.2.3.9"), Greater);
        assert_eq!(compare("1.10", "1.9"), Greater);
    }
}
