//! Field checks shared by the resources: lengths, metadata, OS names. Each
//! failure is 400 VALIDATION_FAILED naming the field.

use openlex_wire::claims::Metadata;

use crate::error::{ApiError, ApiResult};

/// OS names the vendor's API accepts.
pub const OSES: &[&str] = &["windows", "linux", "macos", "android", "ios"];

/// `field` must be `min..=max` bytes long.
pub fn len_in(field: &str, v: &str, min: usize, max: usize) -> ApiResult<()> {
    let n = v.len();
    if n < min || n > max {
        return Err(ApiError::validation(format!(
            "{field} must be {min}..{max} characters long"
        )));
    }
    Ok(())
}

/// `os` must be one of [`OSES`] (any case).
pub fn os(os: &str) -> ApiResult<()> {
    if OSES.contains(&os.to_ascii_lowercase().as_str()) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "os must be one of {}",
            OSES.join(", ")
        )))
    }
}

/// Metadata constraints: key 1..256, value 0..4096, at most 50 entries.
pub fn metadata(md: &[Metadata]) -> ApiResult<()> {
    if md.len() > 50 {
        return Err(ApiError::validation("at most 50 metadata entries"));
    }
    for m in md {
        len_in("metadata key", &m.key, 1, 256)?;
        len_in("metadata value", &m.value, 0, 4096)?;
    }
    Ok(())
}

/// `field` must be at least `min`.
pub fn at_least(field: &str, v: i64, min: i64) -> ApiResult<()> {
    if v < min {
        return Err(ApiError::validation(format!("{field} must be >= {min}")));
    }
    Ok(())
}

/// A `release version` shaped like `1.2`, `1.2.3` or `1.2.3.4`.
pub fn release_version(field: &str, v: &str) -> ApiResult<()> {
    if openlex_wire::version::is_valid_release_version(v) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "{field} must look like 1.2 / 1.2.3 / 1.2.3.4"
        )))
    }
}

/// Parses `KEY=VALUE` (CLI `--metadata`).
pub fn parse_metadata(s: &str) -> Result<Metadata, String> {
    let (key, value) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected KEY=VALUE"))?;
    Ok(Metadata {
        key: key.to_owned(),
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(len_in("f", "ab", 1, 2).is_ok());
        assert_eq!(
            len_in("f", "abc", 1, 2).unwrap_err().message,
            "f must be 1..2 characters long"
        );
        assert!(os("Linux").is_ok() && os("beos").is_err());
        let md = |k: &str, v: &str| Metadata {
            key: k.into(),
            value: v.into(),
        };
        assert!(metadata(&[md("k", "v")]).is_ok());
        assert!(metadata(&[md("", "v")]).is_err());
        assert!(metadata(&[md("k", &"v".repeat(4097))]).is_err());
        assert!(metadata(&vec![md("k", "v"); 51]).is_err());
        assert_eq!(parse_metadata("a=b=c").unwrap(), md("a", "b=c"));
        assert!(parse_metadata("ab").is_err());
        assert!(release_version("v", "1.2.3").is_ok() && release_version("v", "v1").is_err());
    }
}
