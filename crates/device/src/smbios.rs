//! A small, bounds-checked SMBIOS table parser for the structures the
//! fingerprint uses: type 0 (BIOS), type 1 (system) and type 2 (baseboard).
//!
//! Windows hands the table over through `GetSystemFirmwareTable('RSMB')`; the
//! parser itself is platform independent so it is tested everywhere.

/// The strings of interest from the first type 0, 1 and 2 structures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmbiosInfo {
    /// Type 0 vendor.
    pub bios_vendor: String,
    /// Type 1 manufacturer.
    pub sys_vendor: String,
    /// Type 1 product name.
    pub product_name: String,
    /// Type 1 version.
    pub product_version: String,
    /// Type 1 serial number.
    pub product_serial: String,
    /// Type 1 UUID, lower-case canonical text; empty when absent or a placeholder.
    pub product_uuid: String,
    /// Type 2 manufacturer.
    pub board_vendor: String,
    /// Type 2 product.
    pub board_name: String,
    /// Type 2 serial number.
    pub board_serial: String,
}

/// Parses a Windows `RawSMBIOSData` buffer (8-byte header, then the table).
pub fn parse_rsmb(buf: &[u8]) -> Option<SmbiosInfo> {
    let major = *buf.get(1)?;
    let minor = *buf.get(2)?;
    let len = u32::from_le_bytes(buf.get(4..8)?.try_into().ok()?) as usize;
    let table = buf.get(8..)?;
    let table = table.get(..len.min(table.len()))?;
    Some(parse_table(table, major, minor))
}

/// Parses an SMBIOS structure table of the given specification version.
pub fn parse_table(data: &[u8], major: u8, minor: u8) -> SmbiosInfo {
    let mut info = SmbiosInfo::default();
    let (mut seen0, mut seen1, mut seen2) = (false, false, false);
    let mut pos = 0usize;
    // Bounded: every iteration advances by at least 6 bytes.
    while pos + 4 <= data.len() {
        let (Some(&ty), Some(&len)) = (data.get(pos), data.get(pos + 1)) else {
            break;
        };
        let len = len as usize;
        if len < 4 {
            break;
        }
        let Some(formatted) = data.get(pos..pos + len) else {
            break;
        };
        let strings_start = pos + len;
        let Some(rest) = data.get(strings_start..) else {
            break;
        };
        let Some(end) = rest.windows(2).position(|w| w == [0, 0]) else {
            break;
        };
        let strings = rest.get(..end).unwrap_or_default();
        let s = |off: usize| string_at(strings, formatted.get(off).copied().unwrap_or(0));
        match ty {
            0 if !seen0 => {
                seen0 = true;
                info.bios_vendor = s(4);
            }
            1 if !seen1 => {
                seen1 = true;
                info.sys_vendor = s(4);
                info.product_name = s(5);
                info.product_version = s(6);
                info.product_serial = s(7);
                if let Some(u) = formatted.get(8..24) {
                    info.product_uuid = format_uuid(u, (major, minor) >= (2, 6));
                }
            }
            2 if !seen2 => {
                seen2 = true;
                info.board_vendor = s(4);
                info.board_name = s(5);
                info.board_serial = s(7);
            }
            127 => break,
            _ => {}
        }
        pos = strings_start + end + 2;
    }
    info
}

/// String number `n` (1-based) of a structure's string set, trimmed; `""` for 0 or out of range.
fn string_at(strings: &[u8], n: u8) -> String {
    if n == 0 {
        return String::new();
    }
    strings
        .split(|b| *b == 0)
        .nth(n as usize - 1)
        .map(|s| String::from_utf8_lossy(s).trim().to_string())
        .unwrap_or_default()
}

/// Canonical lower-case UUID text; the first three fields are little-endian since SMBIOS 2.6.
/// All-zero and all-FF UUIDs ("not present"/"not set") give `""`.
pub fn format_uuid(b: &[u8], little_endian_fields: bool) -> String {
    let Ok(mut u) = <[u8; 16]>::try_from(b) else {
        return String::new();
    };
    if u.iter().all(|x| *x == 0) || u.iter().all(|x| *x == 0xff) {
        return String::new();
    }
    if little_endian_fields {
        u[..4].reverse();
        u[4..6].reverse();
        u[6..8].reverse();
    }
    let h = hex::encode(u);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn structure(ty: u8, formatted_tail: &[u8], strings: &[&str]) -> Vec<u8> {
        let mut v = vec![ty, (4 + formatted_tail.len()) as u8, 0, 0];
        v.extend_from_slice(formatted_tail);
        for s in strings {
            v.extend_from_slice(s.as_bytes());
            v.push(0);
        }
        if strings.is_empty() {
            v.push(0);
        }
        v.push(0);
        v
    }

    #[test]
    fn parses_types_0_1_2() {
        let mut t = structure(0, &[1, 2, 0, 0], &["American Megatrends Inc.", "F.10"]);
        let mut t1 = vec![1, 2, 3, 4];
        t1.extend_from_slice(&[
            0x44, 0x45, 0x4c, 0x4c, 0x51, 0x00, 0x10, 0x30, 0x80, 0x52, 0xb4, 0xc0, 0x4f, 0x4a,
            0x4e, 0x32,
        ]);
        t.extend(structure(
            1,
            &t1,
            &["Dell Inc.", "OptiPlex 7050", "1.0", "ABC1234"],
        ));
        t.extend(structure(
            2,
            &[1, 2, 0, 3],
            &["Dell Inc.", "0NW6H5", "/ABC1234/CN1/"],
        ));
        t.extend(structure(127, &[], &[]));
        let mut rsmb = vec![0, 3, 2, 0];
        rsmb.extend_from_slice(&(t.len() as u32).to_le_bytes());
        rsmb.extend_from_slice(&t);
        let i = parse_rsmb(&rsmb).unwrap();
        assert_eq!(i.bios_vendor, "American Megatrends Inc.");
        assert_eq!(i.sys_vendor, "Dell Inc.");
        assert_eq!(i.product_name, "OptiPlex 7050");
        assert_eq!(i.product_serial, "ABC1234");
        assert_eq!(i.product_uuid, "4c4c4544-0051-3010-8052-b4c04f4a4e32");
        assert_eq!(i.board_name, "0NW6H5");
        assert_eq!(i.board_serial, "/ABC1234/CN1/");
    }

    #[test]
    fn truncated_and_garbage_tables_do_not_panic() {
        for n in 0..64 {
            let junk: Vec<u8> = (0..n).map(|i| (i * 37 % 256) as u8).collect();
            let _ = parse_table(&junk, 3, 0);
            let _ = parse_rsmb(&junk);
        }
        assert_eq!(parse_table(&[1, 30, 0, 0, 1], 3, 0), SmbiosInfo::default());
        assert_eq!(format_uuid(&[0; 16], true), "");
        assert_eq!(format_uuid(&[1; 3], true), "");
    }
}
