//! Input limits and formats of the vendor's setters (reference behaviour.md
//! §19). Lengths count UTF-8 bytes, as the vendor does on Linux.

use crate::status::Status;

/// License key length range, bytes.
pub const LICENSE_KEY_LEN: std::ops::RangeInclusive<usize> = 10..=256;
/// Custom fingerprint length range, bytes.
pub const CUSTOM_FINGERPRINT_LEN: std::ops::RangeInclusive<usize> = 64..=256;
/// Metadata key length range, bytes.
pub const METADATA_KEY_LEN: std::ops::RangeInclusive<usize> = 1..=256;
/// Largest metadata value, bytes.
pub const METADATA_VALUE_MAX: usize = 4096;
/// Activation or trial metadata entries.
pub const METADATA_MAX_ENTRIES: usize = 21;
/// Largest app version, release platform or channel, bytes.
pub const SHORT_TEXT_MAX: usize = 256;
/// Largest string accepted at the C boundary at all (bytes); longer input is
/// rejected before any allocation-heavy work.
pub const MAX_INPUT: usize = 64 * 1024;
/// One "day" of the vendor's local trials: 86,500 s, not 86,400.
pub const LOCAL_TRIAL_DAY_SECS: i64 = 86_500;

/// Validates a license key.
pub fn license_key(key: &str) -> Result<(), Status> {
    if LICENSE_KEY_LEN.contains(&key.len()) {
        Ok(())
    } else {
        Err(Status::LicenseKey)
    }
}

/// Validates a custom device fingerprint.
pub fn custom_fingerprint(fp: &str) -> Result<(), Status> {
    if CUSTOM_FINGERPRINT_LEN.contains(&fp.len()) {
        Ok(())
    } else {
        Err(Status::CustomFingerprintLength)
    }
}

/// Validates a metadata key and value.
pub fn metadata(key: &str, value: &str) -> Result<(), Status> {
    if !METADATA_KEY_LEN.contains(&key.len()) {
        return Err(Status::MetadataKeyLength);
    }
    if value.len() > METADATA_VALUE_MAX {
        return Err(Status::MetadataValueLength);
    }
    Ok(())
}

/// Validates a proxy string: empty clears it; otherwise a scheme is required.
pub fn proxy(p: &str) -> Result<(), Status> {
    if p.is_empty() {
        return Ok(());
    }
    let Some((scheme, rest)) = p.split_once("://") else {
        return Err(Status::NetProxy);
    };
    let scheme_ok = matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h"
    );
    let host = rest.rsplit('@').next().unwrap_or("");
    if !scheme_ok || host.is_empty() || host.starts_with(':') || rest.contains(char::is_whitespace)
    {
        return Err(Status::NetProxy);
    }
    Ok(())
}

/// Validates a host URL: `https://host[:port][/path]`, or `http://` for a
/// loopback host only (for self-hosted testing; documented).
pub fn host_url(h: &str) -> Result<(), Status> {
    let rest = if let Some(r) = h.strip_prefix("https://") {
        r
    } else if let Some(r) = h.strip_prefix("http://") {
        let host = authority_host(r);
        if !crate::net::is_loopback(host) {
            return Err(Status::HostUrl);
        }
        r
    } else {
        return Err(Status::HostUrl);
    };
    let host = authority_host(rest);
    if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains('@') {
        return Err(Status::HostUrl);
    }
    Ok(())
}

fn authority_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies() {
        for ok in [
            "",
            "http://127.0.0.1:8080",
            "socks5://h:1",
            "http://user:pass@host:1",
            "https://p",
        ] {
            assert_eq!(proxy(ok), Ok(()), "{ok}");
        }
        for bad in [
            "garbage",
            "127.0.0.1:8080",
            "ftp://h",
            "http://",
            "http://:80",
        ] {
            assert_eq!(proxy(bad), Err(Status::NetProxy), "{bad}");
        }
    }

    #[test]
    fn hosts() {
        for ok in [
            "https://api.example.com",
            "https://h:8443/x",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
        ] {
            assert_eq!(host_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://example.com",
            "",
            "ftp://h",
            "api.example.com",
            "https://",
            "https:// x",
        ] {
            assert_eq!(host_url(bad), Err(Status::HostUrl), "{bad}");
        }
    }

    #[test]
    fn lengths() {
        assert!(license_key(&"k".repeat(9)).is_err());
        assert!(license_key(&"k".repeat(10)).is_ok());
        assert!(license_key(&"k".repeat(257)).is_err());
        assert!(custom_fingerprint(&"é".repeat(32)).is_ok());
        assert_eq!(metadata("", "v"), Err(Status::MetadataKeyLength));
        assert_eq!(
            metadata("k", &"v".repeat(4097)),
            Err(Status::MetadataValueLength)
        );
    }
}
