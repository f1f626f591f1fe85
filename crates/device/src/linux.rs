//! Linux collection: plain file reads under `/etc`, `/proc` and `/sys`, the
//! CPUID instruction, `uname`, `getpwuid_r` and one `SIOCETHTOOL` ioctl per
//! physical NIC. Every path is resolved below an injectable root
//! ([`collect_in`]) so tests run against fake trees.

use std::path::{Path, PathBuf};

use crate::util::{exists, is_junk_id, read_bounded, read_string, read_trimmed, under};
use crate::{container, cpuid, unix, vm, DeviceInfo, RawComponents};

/// Collects from the live system.
pub fn collect() -> DeviceInfo {
    collect_in(Path::new("/"))
}

/// Collects with every file path below `root` (host name, user and CPUID are
/// always the live process's).
pub fn collect_in(root: &Path) -> DeviceInfo {
    let (user_name, home_dir) = unix::current_user();
    let dmi = Dmi::read(root);
    let cpu = cpuid::snapshot();
    let view = vm::CpuidView::from(&cpu);
    let fields = [
        dmi.product_name.as_str(),
        dmi.sys_vendor.as_str(),
        dmi.board_vendor.as_str(),
        dmi.bios_vendor.as_str(),
        dmi.product_version.as_str(),
    ];
    let vm_name = vm::detect_linux(
        root,
        &view,
        vm::dmi_verdict(root, &fields, view.hypervisor_bit),
    );
    let (pn, ps, bv, puuid) = dmi.components();
    let live = root == Path::new("/");
    let components = RawComponents {
        base: machine_id_in(root)
            .map(String::into_bytes)
            .unwrap_or_default(),
        lc: cpu
            .identity
            .or_else(|| read_string(&under(root, "/proc/cpuinfo")).and_then(|t| parse_cpuinfo(&t)))
            .map(String::into_bytes)
            .unwrap_or_default(),
        wc: physical_macs_in(root, live).into_bytes(),
        ltc: if live {
            root_disk()
        } else {
            root_disk_in(root, &mountinfo_in(root))
        }
        .map(String::into_bytes)
        .unwrap_or_default(),
        pn,
        ps,
        bv,
        puuid,
    };
    let env = |k: &str| std::env::var(k).ok();
    DeviceInfo {
        os: "linux",
        os_version: os_version_in(root),
        hostname: unix::hostname(),
        user_hash: crate::user_hash(&user_name),
        user_name,
        home_dir,
        vm_name: vm_name.unwrap_or_default().to_string(),
        container: container::detect_with(root, &env, std::process::id() == 1, None),
        components,
    }
}

/// The `/sys/class/dmi/id` strings the crate uses, read once (all empty when the
/// directory is absent, e.g. on most ARM boards and in some sandboxes).
#[derive(Default)]
struct Dmi {
    sys_vendor: String,
    product_name: String,
    product_version: String,
    board_vendor: String,
    board_name: String,
    bios_vendor: String,
    product_serial: String,
    board_serial: String,
    product_uuid: String,
}

impl Dmi {
    fn read(root: &Path) -> Dmi {
        let dir = under(root, "/sys/class/dmi/id");
        if !exists(&dir) {
            return Dmi::default();
        }
        let get = |f: &str| read_trimmed(&dir.join(f)).unwrap_or_default();
        Dmi {
            sys_vendor: get("sys_vendor"),
            product_name: get("product_name"),
            product_version: get("product_version"),
            board_vendor: get("board_vendor"),
            board_name: get("board_name"),
            bios_vendor: get("bios_vendor"),
            // Root-only (0400) attributes: simply fail to open otherwise.
            product_serial: get("product_serial"),
            board_serial: get("board_serial"),
            product_uuid: get("product_uuid"),
        }
    }

    /// `(pn, ps, bv, puuid)`.
    fn components(&self) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
        let joined = |parts: &[&str]| {
            if parts.iter().all(|p| p.is_empty()) {
                Vec::new()
            } else {
                parts.join("\n").into_bytes()
            }
        };
        let serial = |s: &str| if is_junk_id(s) { "" } else { s }.to_string();
        let pn = joined(&[
            &self.sys_vendor,
            &self.product_name,
            &self.board_vendor,
            &self.board_name,
        ]);
        let ps = joined(&[&serial(&self.product_serial), &serial(&self.board_serial)]);
        let uuid = self.product_uuid.to_ascii_lowercase();
        let puuid = if is_junk_id(&uuid) {
            Vec::new()
        } else {
            uuid.into_bytes()
        };
        (pn, ps, self.bios_vendor.clone().into_bytes(), puuid)
    }
}

/// `base`: `/etc/machine-id`, falling back to `/var/lib/dbus/machine-id`, trimmed and
/// lower-cased; `uninitialized` (first boot of an image) counts as missing.
pub fn machine_id_in(root: &Path) -> Option<String> {
    ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .filter_map(|p| read_trimmed(&under(root, p)))
        .map(|s| s.to_ascii_lowercase())
        .find(|s| s != "uninitialized" && !is_junk_id(s))
}

/// `osVersion`: os-release `PRETTY_NAME` (`/etc/os-release`, then `/usr/lib/os-release`).
pub fn os_version_in(root: &Path) -> String {
    ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .filter_map(|p| read_string(&under(root, p)))
        .map(|t| parse_os_release(&t))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "Linux".to_string())
}

/// `PRETTY_NAME`, else `NAME VERSION_ID`/`NAME`, from os-release text (shell-style quoting).
pub fn parse_os_release(text: &str) -> String {
    let get = |key: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.trim().split_once('=')?;
            (k.trim() == key)
                .then(|| unquote(v.trim()))
                .filter(|v| !v.is_empty())
        })
    };
    if let Some(p) = get("PRETTY_NAME") {
        return p;
    }
    match (get("NAME"), get("VERSION_ID")) {
        (Some(n), Some(v)) => format!("{n} {v}"),
        (Some(n), None) => n,
        _ => String::new(),
    }
}

fn unquote(v: &str) -> String {
    let bytes = v.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(b'"'), Some(b'"')) if v.len() >= 2 => {
            let inner = v.get(1..v.len() - 1).unwrap_or_default();
            let mut out = String::with_capacity(inner.len());
            let mut esc = false;
            for c in inner.chars() {
                if esc {
                    out.push(c);
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else {
                    out.push(c);
                }
            }
            out
        }
        (Some(b'\''), Some(b'\'')) if v.len() >= 2 => {
            v.get(1..v.len() - 1).unwrap_or_default().to_string()
        }
        _ => v.to_string(),
    }
}

/// CPU identity from `/proc/cpuinfo` for non-x86: the first `model name`-like
/// line, else the sorted set of ARM `CPU implementer`/`CPU part` pairs.
pub fn parse_cpuinfo(text: &str) -> Option<String> {
    let kv = |l: &str| {
        l.split_once(':')
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
    };
    for key in [
        "model name",
        "Model name",
        "cpu model",
        "cpu",
        "uarch",
        "Processor",
    ] {
        if let Some(v) = text
            .lines()
            .filter_map(kv)
            .find_map(|(k, v)| (k == key && !v.is_empty()).then_some(v))
        {
            return Some(format!("{key}|{v}"));
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let mut implementer = String::new();
    for (k, v) in text.lines().filter_map(kv) {
        match k.as_str() {
            "CPU implementer" => implementer = v,
            "CPU part" => {
                let p = format!("{implementer}:{v}");
                if !parts.contains(&p) {
                    parts.push(p);
                }
            }
            _ => {}
        }
    }
    parts.sort();
    (!parts.is_empty()).then(|| format!("arm|{}", parts.join(",")))
}

/// `wc`: permanent MACs of physical NICs, sorted and comma-joined; `""` when none.
///
/// An interface counts when it has a `device` link, is not behind USB and its
/// address is universally administered, unicast and non-zero. The address is the
/// permanent one: `ETHTOOL_GPERMADDR` on the live system, the bonding slave's
/// `perm_hwaddr`, or `address` when `addr_assign_type` is 0 (permanent) or unreadable.
pub fn physical_macs_in(root: &Path, live: bool) -> String {
    let net = under(root, "/sys/class/net");
    let Ok(dir) = std::fs::read_dir(&net) else {
        return String::new();
    };
    let mut macs: Vec<String> = Vec::new();
    for entry in dir.flatten().take(1024) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let p = net.join(&name);
        if name == "lo" {
            continue;
        }
        // A NIC on a bus links below its device (`../../devices/pci0000:00/...`);
        // software interfaces live under `/devices/virtual/`. The link target says
        // both without a lookup of `<if>/device`, which is slow in sysfs.
        let Ok(target) = std::fs::read_link(&p) else {
            continue;
        };
        let t = target.to_string_lossy();
        if t.contains("/virtual/") || t.contains("/usb") || !t.contains("/devices/") {
            continue;
        }
        let perm = if live { ethtool_perm_addr(&name) } else { None };
        let mac = perm
            .or_else(|| {
                read_trimmed(&p.join("bonding_slave/perm_hwaddr")).and_then(|a| parse_mac(&a))
            })
            .or_else(|| {
                let assign = read_trimmed(&p.join("addr_assign_type"));
                if assign.as_deref().is_some_and(|a| a != "0") {
                    return None;
                }
                read_trimmed(&p.join("address")).and_then(|a| parse_mac(&a))
            });
        if let Some(m) = mac.filter(usable_mac) {
            let s = m
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":");
            if !macs.contains(&s) {
                macs.push(s);
            }
        }
    }
    macs.sort();
    macs.join(",")
}

/// Parses `aa:bb:cc:dd:ee:ff`.
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut it = s.trim().split(':');
    for b in out.iter_mut() {
        let part = it.next()?;
        if part.len() != 2 {
            return None;
        }
        *b = u8::from_str_radix(part, 16).ok()?;
    }
    it.next().is_none().then_some(out)
}

/// Universally administered, unicast, not all-zero.
fn usable_mac(m: &[u8; 6]) -> bool {
    m.iter().any(|b| *b != 0) && m[0] & 0x03 == 0
}

/// The NIC's permanent hardware address via `SIOCETHTOOL`/`ETHTOOL_GPERMADDR`
/// (unprivileged); `None` when unsupported or not a 6-byte address.
fn ethtool_perm_addr(ifname: &str) -> Option<[u8; 6]> {
    const SIOCETHTOOL: u32 = 0x8946;
    const ETHTOOL_GPERMADDR: u32 = 0x20;
    #[repr(C)]
    struct PermAddr {
        cmd: u32,
        size: u32,
        data: [u8; 32],
    }
    #[repr(C)]
    struct IfReq {
        name: [libc::c_char; libc::IFNAMSIZ],
        data: *mut libc::c_void,
        pad: [u8; 24],
    }
    let bytes = ifname.as_bytes();
    if bytes.is_empty() || bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return None;
    }
    let mut perm = PermAddr {
        cmd: ETHTOOL_GPERMADDR,
        size: 32,
        data: [0; 32],
    };
    let mut req = IfReq {
        name: [0; libc::IFNAMSIZ],
        data: std::ptr::addr_of_mut!(perm).cast(),
        pad: [0; 24],
    };
    for (d, s) in req.name.iter_mut().zip(bytes) {
        *d = libc::c_char::from_ne_bytes([*s]);
    }
    // SAFETY: plain socket(2) call; the result is checked and closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: `req` is a live ifreq-compatible struct (NUL-terminated name, `data` pointing at
    // `perm`, which outlives the call and has room for `size` bytes); the kernel writes at most
    // `size` bytes into `perm.data` and updates `perm.size`.
    let rc = unsafe { libc::ioctl(fd, SIOCETHTOOL as _, std::ptr::addr_of_mut!(req)) };
    // SAFETY: `fd` is the socket opened above and is closed exactly once.
    unsafe { libc::close(fd) };
    if rc != 0 || perm.size != 6 {
        return None;
    }
    let mac: [u8; 6] = perm.data.get(..6)?.try_into().ok()?;
    mac.iter().any(|b| *b != 0).then_some(mac)
}

/// `ltc` on the live system: the root filesystem's id from `statfs(2)` where
/// the kernel derives it from the filesystem UUID ([`fsid_text`]), else
/// [`disk_identity`] of the device `stat("/")` names. `/proc/self/mountinfo`
/// (tens of microseconds to generate) is read only for a mount source the
/// device numbers cannot give.
pub fn root_disk() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    if let Some(id) = root_fsid() {
        return Some(id);
    }
    let (major, minor) = dev_numbers(std::fs::metadata("/").ok()?.dev());
    let source = || {
        root_mount(&mountinfo_in(Path::new("/")))
            .map(|(_, source)| source)
            .unwrap_or_default()
    };
    disk_identity(Path::new("/"), &format!("{major}:{minor}"), &source)
}

/// `statfs("/")` as [`fsid_text`].
fn root_fsid() -> Option<String> {
    // SAFETY: all-zero is a valid `statfs` (plain integers).
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a writable `statfs` the call fills.
    if unsafe { libc::statfs(c"/".as_ptr(), &mut st) } != 0 {
        return None;
    }
    // SAFETY: `fsid_t` is two C ints whose fields the libc crate keeps private.
    let words: [u32; 2] = unsafe { std::mem::transmute(st.f_fsid) };
    // Magic numbers are 32-bit; `f_type`'s C type varies by libc and arch.
    fsid_text(st.f_type as u32, words)
}

/// `fsid:<16 hex digits>` for filesystems whose `statfs` id the kernel derives
/// from the filesystem UUID (ext2/3/4: the UUID's two halves XORed; btrfs: the
/// UUID mixed with the subvolume), so it survives reboots and kernel updates
/// like the UUID itself. Other filesystems (XFS, F2FS, ...) derive it from the
/// device number, which identifies nothing, and give `None`.
pub fn fsid_text(fs_type: u32, words: [u32; 2]) -> Option<String> {
    const EXT_SUPER_MAGIC: u32 = 0xEF53;
    const BTRFS_SUPER_MAGIC: u32 = 0x9123_683E;
    let uuid_based = matches!(fs_type, EXT_SUPER_MAGIC | BTRFS_SUPER_MAGIC);
    (uuid_based && words != [0, 0]).then(|| format!("fsid:{:08x}{:08x}", words[0], words[1]))
}

/// Major and minor numbers of a Linux `dev_t` (glibc's `gnu_dev_major/minor`).
pub fn dev_numbers(dev: u64) -> (u64, u64) {
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
    (major, minor)
}

/// `/proc/self/mountinfo` below `root`, empty when unreadable.
fn mountinfo_in(root: &Path) -> String {
    read_bounded(
        &under(root, "/proc/self/mountinfo"),
        container::MOUNTINFO_MAX,
    )
    .map(|b| String::from_utf8_lossy(&b).into_owned())
    .unwrap_or_default()
}

/// `ltc` below a test root: [`disk_identity`] of the root mount in `mountinfo`.
pub fn root_disk_in(root: &Path, mountinfo: &str) -> Option<String> {
    let (majmin, source) = root_mount(mountinfo)?;
    disk_identity(root, &majmin, &|| source.clone())
}

/// Identity of the block device `majmin` (holding `/`, mounted from what
/// `source` returns): its filesystem UUID (`fsuuid:<uuid>` from
/// `/dev/disk/by-uuid`), else the disk's serial/WWID (`serial:<value>`) from
/// sysfs. Overlay and other virtual roots give `None`.
fn disk_identity(root: &Path, majmin: &str, source: &dyn Fn() -> String) -> Option<String> {
    let sys_dev = under(root, "/sys/dev/block").join(majmin);
    let is_anon = majmin.starts_with("0:");
    // The kernel name of the device: from the sysfs link, else the mount source.
    let name = (!is_anon)
        .then(|| {
            std::fs::read_link(&sys_dev)
                .ok()
                .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .flatten()
        .or_else(|| {
            let source = source();
            let src = source.strip_prefix("/dev/")?;
            let dev = under(root, "/dev").join(src);
            let resolved = std::fs::read_link(&dev)
                .ok()
                .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()));
            resolved.or_else(|| {
                Path::new(src)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
        });
    if let Some(name) = name.as_deref() {
        if let Ok(dir) = std::fs::read_dir(under(root, "/dev/disk/by-uuid")) {
            let mut hits: Vec<String> = dir
                .flatten()
                .take(4096)
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .ok()
                        .is_some_and(|t| t.file_name().is_some_and(|n| n.to_string_lossy() == name))
                })
                .map(|e| e.file_name().to_string_lossy().to_ascii_lowercase())
                .collect();
            hits.sort();
            if let Some(u) = hits.into_iter().next() {
                return Some(format!("fsuuid:{u}"));
            }
        }
    }
    if is_anon {
        return None;
    }
    let dirs: [PathBuf; 2] = [sys_dev.clone(), sys_dev.join("..")];
    for d in &dirs {
        for f in [
            "serial",
            "device/serial",
            "wwid",
            "device/wwid",
            "device/cid",
        ] {
            if let Some(v) = read_trimmed(&d.join(f)).filter(|v| !is_junk_id(v)) {
                return Some(format!("serial:{v}"));
            }
        }
    }
    None
}

/// `(major:minor, mount source)` of the last mount on `/` in mountinfo text.
pub fn root_mount(mountinfo: &str) -> Option<(String, String)> {
    mountinfo.lines().rev().find_map(|l| {
        let (pre, post) = l.split_once(" - ")?;
        let f: Vec<&str> = pre.split(' ').collect();
        if f.get(4) != Some(&"/") {
            return None;
        }
        let majmin = f.get(2)?;
        let source = post.split(' ').nth(1).unwrap_or("");
        Some((majmin.to_string(), source.to_string()))
    })
}

/// `(pn, ps, bv, puuid)` from `/sys/class/dmi/id`: `pn` = sys_vendor, product_name,
/// board_vendor, board_name (newline-joined); `ps` = product_serial, board_serial;
/// `bv` = bios_vendor (not the version, which firmware updates change); `puuid` =
/// product_uuid lower-cased. Serials and the UUID are root-only files, read when
/// readable; vendor placeholders ("To be filled by O.E.M.", all-zero UUIDs) count as absent.
pub fn dmi_components_in(root: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    Dmi::read(root).components()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn write(root: &Path, rel: &str, content: &str) {
        let p = root.join(rel.trim_start_matches('/'));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }

    #[test]
    fn machine_id_fallback() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(machine_id_in(t.path()), None);
        write(
            t.path(),
            "/var/lib/dbus/machine-id",
            "0123456789ABCDEF0123456789abcdef\n",
        );
        assert_eq!(
            machine_id_in(t.path()).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        write(t.path(), "/etc/machine-id", "uninitialized\n");
        assert_eq!(
            machine_id_in(t.path()).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        write(
            t.path(),
            "/etc/machine-id",
            "fedcba9876543210fedcba9876543210\n",
        );
        assert_eq!(
            machine_id_in(t.path()).as_deref(),
            Some("fedcba9876543210fedcba9876543210")
        );
    }

    #[test]
    fn os_release_parsing() {
        let deb = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n";
        assert_eq!(parse_os_release(deb), "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(
            parse_os_release("NAME=Alpine\nVERSION_ID=3.19.1\n"),
            "Alpine 3.19.1"
        );
        assert_eq!(parse_os_release("PRETTY_NAME='Arch Linux'\n"), "Arch Linux");
        assert_eq!(
            parse_os_release("PRETTY_NAME=\"A \\\"quoted\\\" name\"\n"),
            "A \"quoted\" name"
        );
        assert_eq!(parse_os_release("garbage"), "");
        let t = tempfile::tempdir().unwrap();
        assert_eq!(os_version_in(t.path()), "Linux");
        write(t.path(), "/usr/lib/os-release", deb);
        assert_eq!(os_version_in(t.path()), "Debian GNU/Linux 12 (bookworm)");
    }

    #[test]
    fn cpuinfo_parsing() {
        assert_eq!(
            parse_cpuinfo("processor\t: 0\nmodel name\t: AMD EPYC\n").as_deref(),
            Some("model name|AMD EPYC")
        );
        let arm = "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n\nprocessor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\nprocessor\t: 2\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n";
        assert_eq!(
            parse_cpuinfo(arm).as_deref(),
            Some("arm|0x41:0xd03,0x41:0xd08")
        );
        assert_eq!(parse_cpuinfo(""), None);
    }

    /// Lays a NIC out as sysfs does: the interface directory below its bus
    /// device (or `devices/virtual`), linked from `class/net`.
    fn nic(root: &Path, name: &str, mac: &str, assign: &str, physical: bool) {
        let rel = if physical {
            format!("devices/pci0000:00/0000:00:1f.6/net/{name}")
        } else {
            format!("devices/virtual/net/{name}")
        };
        let d = root.join("sys").join(&rel);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("address"), format!("{mac}\n")).unwrap();
        fs::write(d.join("addr_assign_type"), format!("{assign}\n")).unwrap();
        if physical {
            symlink("../../../..", d.join("device")).unwrap();
        }
        fs::create_dir_all(root.join("sys/class/net")).unwrap();
        symlink(
            format!("../../{rel}"),
            root.join("sys/class/net").join(name),
        )
        .unwrap();
    }

    #[test]
    fn physical_nic_filtering() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(physical_macs_in(t.path(), false), "");
        nic(t.path(), "lo", "00:00:00:00:00:00", "0", false);
        nic(t.path(), "enp3s0", "3C:52:82:AA:BB:CC", "0", true);
        nic(t.path(), "eno1", "00:1b:21:01:02:03", "0", true);
        nic(t.path(), "docker0", "02:42:ac:11:00:01", "3", false);
        nic(t.path(), "veth12ab", "9e:11:22:33:44:55", "1", false);
        nic(t.path(), "br0", "00:1b:21:01:02:03", "3", false);
        nic(t.path(), "wlp2s0", "aa:bb:cc:00:11:22", "3", true); // randomised (set) address
        nic(t.path(), "eth9", "02:fc:00:00:00:01", "0", true); // locally administered
        nic(t.path(), "eth8", "00:00:00:00:00:00", "0", true);
        nic(t.path(), "eth7", "01:00:5e:00:00:01", "0", true); // multicast
        assert_eq!(
            physical_macs_in(t.path(), false),
            "00:1b:21:01:02:03,3c:52:82:aa:bb:cc"
        );
        // A bonding slave reports the bond's address; its perm_hwaddr is the real one.
        nic(t.path(), "enp4s0", "00:1b:21:01:02:03", "3", true);
        write(
            t.path(),
            "/sys/class/net/enp4s0/bonding_slave/perm_hwaddr",
            "00:1b:21:09:09:09\n",
        );
        assert_eq!(
            physical_macs_in(t.path(), false),
            "00:1b:21:01:02:03,00:1b:21:09:09:09,3c:52:82:aa:bb:cc"
        );
        assert_eq!(parse_mac("00:1b:21:01:02"), None);
        assert_eq!(parse_mac("00:1b:21:01:02:03:04"), None);
    }

    #[test]
    fn root_fs_uuid_lookup() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        let mi = "22 27 0:21 / /proc rw - proc proc rw\n27 1 259:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw\n";
        assert_eq!(
            root_mount(mi),
            Some(("259:2".into(), "/dev/nvme0n1p2".into()))
        );
        // No sysfs, no by-uuid: nothing.
        assert_eq!(root_disk_in(r, mi), None);
        fs::create_dir_all(r.join("sys/devices/pci0000:00/nvme/nvme0/nvme0n1/nvme0n1p2")).unwrap();
        fs::create_dir_all(r.join("sys/dev/block")).unwrap();
        symlink(
            "../../devices/pci0000:00/nvme/nvme0/nvme0n1/nvme0n1p2",
            r.join("sys/dev/block/259:2"),
        )
        .unwrap();
        fs::create_dir_all(r.join("dev/disk/by-uuid")).unwrap();
        symlink("../../nvme0n1p1", r.join("dev/disk/by-uuid/ABCD-1234")).unwrap();
        // Serial fallback through the parent disk.
        write(
            r,
            "/sys/devices/pci0000:00/nvme/nvme0/nvme0n1/wwid",
            "eui.0025388b91b0a1c2\n",
        );
        assert_eq!(
            root_disk_in(r, mi).as_deref(),
            Some("serial:eui.0025388b91b0a1c2")
        );
        symlink(
            "../../nvme0n1p2",
            r.join("dev/disk/by-uuid/5E0A2C1F-9D1B-4C1E-8E0D-6C7A9B1D2E3F"),
        )
        .unwrap();
        assert_eq!(
            root_disk_in(r, mi).as_deref(),
            Some("fsuuid:5e0a2c1f-9d1b-4c1e-8e0d-6c7a9b1d2e3f")
        );
        // btrfs/overlay roots have anonymous 0:N devices: match by mount source.
        let btrfs = "27 1 0:31 /@ / rw - btrfs /dev/nvme0n1p2 rw\n";
        assert_eq!(
            root_disk_in(r, btrfs).as_deref(),
            Some("fsuuid:5e0a2c1f-9d1b-4c1e-8e0d-6c7a9b1d2e3f")
        );
        let overlay = "500 400 0:60 / / rw - overlay overlay rw,lowerdir=/x\n";
        assert_eq!(root_disk_in(r, overlay), None);
    }

    #[test]
    fn fsid_only_where_the_kernel_derives_it_from_the_uuid() {
        assert_eq!(
            fsid_text(0xEF53, [0xa7d8_df96, 0x05d0_3748]).as_deref(),
            Some("fsid:a7d8df9605d03748")
        );
        assert_eq!(
            fsid_text(0x9123_683E, [1, 2]).as_deref(),
            Some("fsid:0000000100000002")
        );
        assert_eq!(fsid_text(0x5846_5342, [1, 2]), None, "XFS: device number");
        assert_eq!(fsid_text(0x794c_7630, [1, 2]), None, "overlay");
        assert_eq!(fsid_text(0xEF53, [0, 0]), None);
    }

    #[test]
    fn dev_t_split_matches_glibc() {
        assert_eq!(dev_numbers(0xfe00), (254, 0));
        assert_eq!(dev_numbers(0x10302), (259, 2));
        // glibc's makedev: large numbers keep their high bits in the upper word.
        let makedev = |major: u64, minor: u64| {
            ((major & 0xffff_f000) << 32)
                | ((major & 0xfff) << 8)
                | ((minor & 0xffff_ff00) << 12)
                | (minor & 0xff)
        };
        for (major, minor) in [(0, 31), (8, 1), (259, 65_537), (0x1234_5678, 0x9abc_def0)] {
            assert_eq!(dev_numbers(makedev(major, minor)), (major, minor));
        }
    }

    #[test]
    fn live_root_disk_is_stable_and_agrees_with_stat() {
        use std::os::unix::fs::MetadataExt;
        let a = root_disk();
        assert_eq!(a, root_disk());
        if let Some(id) = &a {
            assert!(
                id.starts_with("fsid:") || id.starts_with("fsuuid:") || id.starts_with("serial:"),
                "{id}"
            );
        }
        // The mountinfo route (tests, anonymous roots) names the same device as stat("/").
        let (major, minor) = dev_numbers(fs::metadata("/").unwrap().dev());
        if let Some((majmin, _)) = root_mount(&mountinfo_in(Path::new("/"))) {
            assert_eq!(majmin, format!("{major}:{minor}"));
        }
    }

    #[test]
    fn dmi_components() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(
            dmi_components_in(t.path()),
            (vec![], vec![], vec![], vec![])
        );
        write(t.path(), "/sys/class/dmi/id/sys_vendor", "LENOVO\n");
        write(t.path(), "/sys/class/dmi/id/product_name", "20XW0055GE\n");
        write(t.path(), "/sys/class/dmi/id/board_vendor", "LENOVO\n");
        write(t.path(), "/sys/class/dmi/id/board_name", "20XW0055GE\n");
        write(t.path(), "/sys/class/dmi/id/bios_vendor", "LENOVO\n");
        write(
            t.path(),
            "/sys/class/dmi/id/bios_version",
            "N32ET75W (1.51 )\n",
        );
        write(t.path(), "/sys/class/dmi/id/product_serial", "PF2ABCDE\n");
        write(
            t.path(),
            "/sys/class/dmi/id/board_serial",
            "To be filled by O.E.M.\n",
        );
        write(
            t.path(),
            "/sys/class/dmi/id/product_uuid",
            "4C4C4544-0051-3010-8052-B4C04F4A4E32\n",
        );
        let (pn, ps, bv, puuid) = dmi_components_in(t.path());
        assert_eq!(pn, b"LENOVO\n20XW0055GE\nLENOVO\n20XW0055GE");
        assert_eq!(ps, b"PF2ABCDE\n");
        assert_eq!(bv, b"LENOVO", "BIOS version must not be part of bv");
        assert_eq!(puuid, b"4c4c4544-0051-3010-8052-b4c04f4a4e32");
    }

    #[test]
    fn collect_in_fake_tree() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        write(r, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        write(r, "/etc/os-release", "PRETTY_NAME=\"Test OS 1\"\n");
        write(
            r,
            "/proc/self/mountinfo",
            "27 1 0:60 / / rw - overlay overlay rw\n",
        );
        write(r, "/sys/class/dmi/id/product_name", "VirtualBox\n");
        write(r, "/.dockerenv", "");
        let info = collect_in(r);
        assert_eq!(info.os, "linux");
        assert_eq!(info.os_version, "Test OS 1");
        assert_eq!(info.components.base, b"0123456789abcdef0123456789abcdef");
        assert!(info.components.wc.is_empty() && info.components.ltc.is_empty());
        assert_eq!(info.vm_name, "VirtualBox");
        assert!(info.container);
        assert_eq!(info.user_hash.len(), 64);
        let empty = tempfile::tempdir().unwrap();
        let none = collect_in(empty.path());
        assert!(none.components.base.is_empty());
        assert_eq!(none.os_version, "Linux");
    }

    #[test]
    fn live_perm_addr_and_macs_are_well_formed() {
        // Names the kernel cannot have are refused before any ioctl.
        assert_eq!(ethtool_perm_addr(""), None);
        assert_eq!(ethtool_perm_addr("a-very-long-interface-name"), None);
        assert_eq!(ethtool_perm_addr("eth\0x"), None);
        // No interface has this name: the ioctl fails and says so.
        assert_eq!(ethtool_perm_addr("olnoif0"), None);
        // Whatever NICs this machine has: sorted, distinct, usable addresses.
        let live = physical_macs_in(Path::new("/"), true);
        assert_eq!(
            live,
            physical_macs_in(Path::new("/"), true),
            "deterministic"
        );
        let macs: Vec<&str> = live.split(',').filter(|m| !m.is_empty()).collect();
        for m in &macs {
            let parsed = parse_mac(m).unwrap_or_else(|| panic!("{m:?} is not a MAC"));
            assert!(usable_mac(&parsed), "{m} is not universal unicast");
        }
        assert!(
            macs.windows(2).all(|w| w[0] < w[1]),
            "sorted and distinct: {live}"
        );
        assert_eq!(physical_macs_in(Path::new("/nonexistent-root"), true), "");
    }
}
