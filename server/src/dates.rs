//! Dates on the admin API: the vendor's DTOs carry ISO 8601 UTC strings
//! with milliseconds (`2026-12-05T17:29:25.000Z`, as `clock::iso8601`), so every date field of a record or view is
//! serialised through one of these serde adapters while the core keeps
//! unix seconds (`i64`, 0 = none).
//!
//! Reading is lenient in one direction only: a date may be an ISO 8601
//! string (any offset, optional fraction) or unix seconds, so request
//! bodies written for the vendor work, the CLI's `--expires-at UNIX` and
//! JSON arguments keep working, and records stored before this change
//! (with integer dates) still load. Anything else is a 400 with the field's
//! serde message.

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z` (UTC), the vendor's
/// format; unlike `clock::iso8601` it never clamps, so stored records
/// round-trip every `i64`.
pub fn format(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    // Years outside 0000..9999 (only saturated arithmetic reaches them)
    // use ISO 8601's expanded form, so every i64 round-trips.
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{}{:06}", if y < 0 { '-' } else { '+' }, y.unsigned_abs())
    };
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses an ISO 8601 / RFC 3339 date-time (`YYYY-MM-DD`, optionally
/// `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`; no offset means UTC; expanded
/// years `±YYYYYY`) into unix seconds (fractions truncated).
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let b = body.as_bytes();
    let ylen = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let expanded = ylen != 4 || body.len() != s.len();
    if !(4..=12).contains(&ylen) || (expanded && ylen < 6) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i128> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let y = num(0..ylen)? * if neg { -1 } else { 1 };
    let o = ylen - 4; // the rest sits `o` bytes further than in YYYY-...
    let (mo, d) = (num(o + 5..o + 7)?, num(o + 8..o + 10)?);
    if b.get(o + 4) != Some(&b'-') || b.get(o + 7) != Some(&b'-') || !(1..=12).contains(&mo) {
        return None;
    }
    if !(1..=days_in_month(y, mo)).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, mo, d) * 86_400;
    let mut i = o + 10;
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        let (h, mi) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
        if b.get(i + 3) != Some(&b':') || h > 23 || mi > 59 {
            return None;
        }
        secs += h * 3600 + mi * 60;
        i += 6;
        if b.get(i) == Some(&b':') {
            let sec = num(i + 1..i + 3)?;
            if sec > 60 {
                return None;
            }
            secs += sec;
            i += 3;
            if matches!(b.get(i), Some(b'.' | b',')) {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
            }
        }
    }
    let secs = match b.get(i) {
        None => secs,
        Some(b'Z' | b'z') if i + 1 == b.len() => secs,
        Some(sign @ (b'+' | b'-')) => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if b.get(i + 3) != Some(&b':') || i + 6 != b.len() || oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'+' {
                secs - off
            } else {
                secs + off
            }
        }
        _ => return None,
    };
    i64::try_from(secs).ok()
}

fn is_leap(y: i128) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i128, m: i128) -> i128 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(y: i128, m: i128, d: i128) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A date read as ISO 8601 or unix seconds; `null` reads as `None`.
struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an ISO 8601 date-time string (e.g. 2026-12-31T00:00:00Z) or unix seconds")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(DateVisitor)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("date out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
            Ok(Some(v as i64))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // Query strings carry numbers as text too.
        if let Ok(n) = v.trim().parse::<i64>() {
            return Ok(Some(n));
        }
        parse(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// A date that is always set: serialised as an ISO 8601 string.
pub mod iso {
    use super::*;

    /// Serialises unix seconds as ISO 8601.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*v))
    }

    /// Reads ISO 8601 or unix seconds (`null` as 0).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Ok(d.deserialize_option(DateVisitor)?.unwrap_or(0))
    }
}

/// A date where 0 means "none": serialised as ISO 8601, or `null` for 0
/// (the vendor's nullable dates, e.g. a lifetime license's `expiresAt`).
pub mod nullable {
    use super::*;

    /// Serialises 0 as `null`, anything else as ISO 8601.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        if *v == 0 {
            s.serialize_none()
        } else {
            s.serialize_str(&format(*v))
        }
    }

    /// Reads ISO 8601, unix seconds or `null` (as 0).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Ok(d.deserialize_option(DateVisitor)?.unwrap_or(0))
    }
}

/// A date field of a request, `Option<i64>`: absent stays `None` (with
/// `#[serde(default)]`), `null` is `Some(0)` ("clear the date", as the
/// vendor's nullable request dates), else ISO 8601 or unix seconds.
pub mod request {
    use super::*;

    /// Serialises `None`/0 as `null`, else ISO 8601.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None | Some(0) => s.serialize_none(),
            Some(t) => s.serialize_str(&format(*t)),
        }
    }

    /// Reads ISO 8601, unix seconds or `null` (as `Some(0)`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Some(d.deserialize_option(DateVisitor)?.unwrap_or(0)))
    }
}

/// Whether a 0-means-none date is unset (for `skip_serializing_if` on the
/// vendor's non-nullable optional dates, which must be absent, not `null`).
pub fn unset(v: &i64) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format(1_798_675_200), "2026-12-31T00:00:00.000Z");
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(format(-1), "1969-12-31T23:59:59.000Z");
        assert_eq!(format(i64::MAX), "+292277026596-12-04T15:30:07.000Z");
        for t in [
            0,
            1,
            59,
            951_782_400,
            1_798_675_200,
            4_102_444_799,
            -86_401,
            253_402_300_800,
            -62_167_219_201,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(parse(&format(t)), Some(t), "{t}");
        }
        assert_eq!(parse("2026-12-31T00:00:00.123Z"), Some(1_798_675_200));
        assert_eq!(parse("2026-12-31T02:00:00+02:00"), Some(1_798_675_200));
        assert_eq!(parse("2026-12-30T22:30:00-01:30"), Some(1_798_675_200));
        assert_eq!(parse("2026-12-31"), Some(1_798_675_200));
        assert_eq!(parse("2026-12-31T00:00"), Some(1_798_675_200));
        for bad in [
            "",
            "2026-13-01",
            "2026-02-29",
            "2026-12-31T24:00:00Z",
            "2026-12-31T00:00:00Zjunk",
            "yesterday",
            "2026-12-31T00:00:00.Z",
            "2026-12-31T00:00:00+0200",
            "+2026-12-31",
            "02026-12-31",
            "+9999999999999-01-01",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, Default)]
    #[serde(default)]
    struct Rec {
        #[serde(with = "iso")]
        a: i64,
        #[serde(with = "nullable")]
        b: i64,
        #[serde(with = "request")]
        c: Option<i64>,
    }

    #[test]
    fn serde_adapters() {
        let r = Rec {
            a: 1_798_675_200,
            b: 0,
            c: None,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"a":"2026-12-31T00:00:00.000Z","b":null,"c":null}"#
        );
        let r: Rec =
            serde_json::from_str(r#"{"a":1798675200,"b":"2026-12-31T00:00:00Z"}"#).unwrap();
        assert_eq!((r.a, r.b, r.c), (1_798_675_200, 1_798_675_200, None));
        let r: Rec = serde_json::from_str(r#"{"c":null}"#).unwrap();
        assert_eq!(r.c, Some(0));
        let r: Rec = serde_json::from_str(r#"{"c":"2026-12-31T00:00:00Z"}"#).unwrap();
        assert_eq!(r.c, Some(1_798_675_200));
        let e = serde_json::from_str::<Rec>(r#"{"c":"soon"}"#).unwrap_err();
        assert!(e.to_string().contains("ISO 8601"), "{e}");
        assert!(serde_json::from_str::<Rec>(r#"{"a":true}"#).is_err());
    }
}
