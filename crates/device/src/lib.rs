//! Native device identity for OpenLex: fingerprint components, VM and
//! container detection, host, OS and user information.
//!
//! Everything here is read directly from the operating system: files under
//! `/etc`, `/proc` and `/sys` on Linux, the registry and firmware tables on
//! Windows, `sysctl`/`gethostuuid` on macOS, and the CPUID instruction on x86.
//! No subprocess is ever spawned, no shell is used and WMI is never touched,
//! so collection is cheap (well under a millisecond on Linux) and works in
//! locked-down hosts.
//!
//! # Components
//!
//! The raw inputs are kept private to the process ([`RawComponents`]); only
//! their per-product salted hashes leave it, via [`fingerprint`] and
//! [`openlex_wire::fingerprint::hash_component`].
//!
//! | name | meaning | Linux | Windows | macOS |
//! |---|---|---|---|---|
//! | `base` | OS installation id | `/etc/machine-id` (fallback `/var/lib/dbus/machine-id`) | `MachineGuid` (64-bit registry view) | `gethostuuid()` |
//! | `lc` | CPU identity | CPUID vendor + brand + signature; `/proc/cpuinfo` elsewhere | CPUID | `machdep.cpu.brand_string` |
//! | `wc` | permanent MACs of physical NICs | `/sys/class/net/*` | empty | empty |
//! | `ltc` | root disk identity | `statfs` id of `/` (ext4, btrfs), else its filesystem UUID, else disk serial | system volume serial | empty |
//! | `pn` | product name | DMI vendor/product/board | SMBIOS type 1/2 | `hw.model` |
//! | `ps` | product serial | DMI serials (root only) | SMBIOS type 1/2 serials | empty |
//! | `bv` | BIOS vendor | DMI `bios_vendor` | SMBIOS type 0 vendor | empty |
//! | `puuid` | platform UUID | DMI `product_uuid` (root only) | SMBIOS type 1 UUID | `gethostuuid()` |
//!
//! See `docs/FINGERPRINT.md` for the full rules.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use std::path::PathBuf;
use std::sync::OnceLock;

use openlex_wire::fingerprint::{hash_component, Fingerprint, COMPONENTS};
// One SHA-256 for the whole library: ring's, which the token checks use anyway.
use ring::digest;

pub mod container;
pub mod cpuid;
pub mod smbios;
pub mod vm;

mod util;

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_vendor = "apple")]
mod macos;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

/// Everything the activation body needs about this device and user.
/// Collected once per process by [`device_info`].
#[derive(Clone, Default)]
pub struct DeviceInfo {
    /// Wire `os` enum value: `"linux"`, `"windows"` or `"macos"`.
    pub os: &'static str,
    /// Human-readable OS version, e.g. `"Debian GNU/Linux 12 (bookworm)"`,
    /// `"Windows 10.0.19045"` or `"macOS 14.5"`.
    pub os_version: String,
    /// Host name (uname nodename / DNS host name).
    pub hostname: String,
    /// Name of the OS user the process runs as (effective uid on unix).
    pub user_name: String,
    /// 64 upper-case hex characters: domain-tagged SHA-256 of [`DeviceInfo::user_name`].
    pub user_hash: String,
    /// Home directory of the effective user from the user database (not `$HOME`) on
    /// unix, the profile folder on Windows; `None` when unknown.
    pub home_dir: Option<PathBuf>,
    /// `""` when not running in a virtual machine, otherwise a hypervisor or cloud name
    /// such as `"KVM"`, `"VMware"` or `"Amazon EC2"`.
    pub vm_name: String,
    /// Whether the process runs inside a container (WSL is not a container).
    pub container: bool,
    /// Raw, unhashed fingerprint inputs; never sent anywhere as such.
    pub components: RawComponents,
}

impl std::fmt::Debug for DeviceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceInfo")
            .field("os", &self.os)
            .field("os_version", &self.os_version)
            .field("hostname", &self.hostname)
            .field("user_name", &self.user_name)
            .field("user_hash", &self.user_hash)
            .field("home_dir", &self.home_dir)
            .field("vm_name", &self.vm_name)
            .field("container", &self.container)
            .field("components", &self.components)
            .finish()
    }
}

/// Raw (unhashed) component inputs, an empty `Vec` when unavailable.
/// Kept private to the process; only hashes leave it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawComponents {
    /// OS installation id.
    pub base: Vec<u8>,
    /// CPU identity.
    pub lc: Vec<u8>,
    /// Sorted permanent MAC addresses of physical NICs.
    pub wc: Vec<u8>,
    /// Root disk / system volume identity.
    pub ltc: Vec<u8>,
    /// Product name (vendor, product, board).
    pub pn: Vec<u8>,
    /// Product and board serial numbers.
    pub ps: Vec<u8>,
    /// BIOS vendor.
    pub bv: Vec<u8>,
    /// Platform (SMBIOS) UUID.
    pub puuid: Vec<u8>,
}

impl RawComponents {
    /// The components in wire order ([`COMPONENTS`]).
    pub fn as_array(&self) -> [&[u8]; 8] {
        [
            &self.base,
            &self.lc,
            &self.wc,
            &self.ltc,
            &self.pn,
            &self.ps,
            &self.bv,
            &self.puuid,
        ]
    }
}

/// Debug output shows only which components are present and their lengths, never the raw values.
impl std::fmt::Debug for RawComponents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("RawComponents");
        for (name, v) in COMPONENTS.iter().zip(self.as_array()) {
            d.field(name, &format_args!("<{} bytes>", v.len()));
        }
        d.finish()
    }
}

/// Device information, collected on the first call and cached for the life of
/// the process. Never panics; every failure just leaves a field empty.
pub fn device_info() -> &'static DeviceInfo {
    static INFO: OnceLock<DeviceInfo> = OnceLock::new();
    INFO.get_or_init(|| {
        // Collection is written not to panic; this is belt and braces for a library that
        // runs inside other people's processes.
        std::panic::catch_unwind(collect).unwrap_or_else(|_| DeviceInfo {
            os: OS,
            user_hash: user_hash(""),
            ..DeviceInfo::default()
        })
    })
}

/// The wire `os` value of the platform this crate was built for.
#[cfg(windows)]
pub const OS: &str = "windows";
/// The wire `os` value of the platform this crate was built for.
#[cfg(target_vendor = "apple")]
pub const OS: &str = "macos";
/// The wire `os` value of the platform this crate was built for.
#[cfg(not(any(windows, target_vendor = "apple")))]
pub const OS: &str = "linux";

/// Collects fresh, uncached device information (for tests and benchmarks).
pub fn collect() -> DeviceInfo {
    let mut info = collect_platform();
    info.user_hash = user_hash(&info.user_name);
    info
}

#[cfg(target_os = "linux")]
fn collect_platform() -> DeviceInfo {
    linux::collect()
}

#[cfg(windows)]
fn collect_platform() -> DeviceInfo {
    windows::collect()
}

#[cfg(target_vendor = "apple")]
fn collect_platform() -> DeviceInfo {
    macos::collect()
}

#[cfg(not(any(target_os = "linux", windows, target_vendor = "apple")))]
fn collect_platform() -> DeviceInfo {
    DeviceInfo {
        os: OS,
        ..DeviceInfo::default()
    }
}

/// The wire fingerprint text for a product: every component hashed with
/// [`hash_component`] (salted with the product id and component name) and
/// encoded with [`Fingerprint::encode`].
pub fn fingerprint(product_id: &str, info: &DeviceInfo) -> String {
    let mut fp = Fingerprint::default();
    for ((slot, name), raw) in fp
        .hashes
        .iter_mut()
        .zip(COMPONENTS)
        .zip(info.components.as_array())
    {
        *slot = hash_component(product_id, name, raw);
    }
    fp.encode()
}

/// The `userHash` value: upper-case hex SHA-256 over a domain tag and the OS user name.
pub fn user_hash(user_name: &str) -> String {
    let mut h = digest::Context::new(&digest::SHA256);
    h.update(b"openlex-user-v1\0");
    h.update(user_name.as_bytes());
    hex::encode_upper(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_hash_is_64_upper_hex() {
        let h = user_hash("alice");
        assert_eq!(h.len(), 64);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
        assert_ne!(h, user_hash("bob"));
        let live = collect();
        assert_eq!(live.user_hash.len(), 64);
        assert!(live
            .user_hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
    }

    #[test]
    fn fingerprint_decodes_and_is_stable() {
        let a = collect();
        let b = collect();
        assert_eq!(a.components, b.components);
        let fa = fingerprint("00000000-0000-0000-0000-000000000001", &a);
        let fb = fingerprint("00000000-0000-0000-0000-000000000001", &b);
        assert_eq!(fa, fb);
        assert!(fa.len() >= 64 && fa.len() <= 1024);
        let decoded = Fingerprint::decode(&fa).expect("component fingerprint decodes");
        for (h, raw) in decoded.hashes.iter().zip(a.components.as_array()) {
            assert_eq!(h.is_empty(), raw.is_empty());
        }
        // A different product sees different hashes.
        let other = fingerprint("00000000-0000-0000-0000-000000000002", &a);
        if a.components.as_array().iter().any(|c| !c.is_empty()) {
            assert_ne!(fa, other);
        }
        assert!(std::ptr::eq(device_info(), device_info()));
        assert!(!a.os.is_empty());
    }

    #[test]
    fn debug_does_not_leak_raw_values() {
        let info = DeviceInfo {
            components: RawComponents {
                base: b"secret-machine-id".to_vec(),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = format!("{info:?}");
        assert!(!s.contains("secret"));
        assert!(s.contains("<17 bytes>"));
    }
}
