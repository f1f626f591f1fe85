//! Virtual machine detection, following systemd's `detect_vm()` order
//! (`src/basic/virt.c`): priority DMI vendors, User Mode Linux, Xen, CPUID,
//! remaining DMI vendors, `/sys/hypervisor/type`, the device tree, z/VM, and
//! only as a last resort the ambiguous `Microsoft Hv` CPUID signature (physical
//! Windows hosts with Hyper-V, VBS or WSL2 show it too).
//!
//! Every function taking a `root` reads `/sys`, `/proc` below that directory so
//! tests can run against fake trees.

use std::path::Path;

use crate::cpuid;
use crate::util::{exists, read_bounded, read_string, read_trimmed, under};

/// Name reported for a hypervisor that announces itself but is not in the tables.
pub const OTHER: &str = "Unknown VM";

/// DMI/SMBIOS prefixes (systemd's `dmi_vendor_table`), matched in this order.
/// The boolean marks weak entries that also need the CPUID hypervisor bit
/// (Oracle's own bare-metal servers say `Oracle Corporation`).
const DMI_TABLE: &[(&str, &str, bool)] = &[
    ("KVM", "KVM", false),
    ("OpenStack", "KVM", false),
    ("KubeVirt", "KVM", false),
    ("Amazon EC2", "Amazon EC2", false),
    ("QEMU", "QEMU", false),
    ("VMware", "VMware", false),
    ("VMW", "VMware", false),
    ("innotek GmbH", "VirtualBox", false),
    ("VirtualBox", "VirtualBox", false),
    ("Oracle Corporation", "VirtualBox", true),
    ("Xen", "Xen", false),
    ("Bochs", "Bochs", false),
    ("Parallels", "Parallels", false),
    ("BHYVE", "bhyve", false),
    ("Hyper-V", "Hyper-V", false),
    ("Apple Virtualization", "Apple Virtualization", false),
    ("Google Compute Engine", "Google Compute Engine", false),
];

/// DMI results systemd trusts before anything else.
const DMI_PRIORITY: &[&str] = &[
    "VirtualBox",
    "Xen",
    "Amazon EC2",
    "Parallels",
    "Google Compute Engine",
];

/// CPUID leaf `0x40000000` signatures (trailing NULs and spaces ignored).
const CPUID_TABLE: &[(&str, &str)] = &[
    ("XenVMMXenVMM", "Xen"),
    ("KVMKVMKVM", "KVM"),
    ("Linux KVM Hv", "KVM"),
    ("TCGTCGTCGTCG", "QEMU"),
    ("VMwareVMware", "VMware"),
    ("Microsoft Hv", "Hyper-V"),
    ("bhyve bhyve", "bhyve"),
    ("QNXQVMBSQG", "QNX"),
    ("ACRNACRNACRN", "ACRN"),
    ("SRESRESRESRE", "SRE"),
    ("Apple VZ", "Apple Virtualization"),
    ("VBoxVBoxVBox", "VirtualBox"),
];

/// DMI files in systemd's order: `product_name` first so `KVM` beats `QEMU`.
pub const DMI_FILES: [&str; 5] = [
    "product_name",
    "sys_vendor",
    "board_vendor",
    "bios_vendor",
    "product_version",
];

/// What the CPUID instruction says (all empty on non-x86).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuidView {
    /// Leaf 1 ECX bit 31.
    pub hypervisor_bit: bool,
    /// Leaf `0x40000000` signature, when the hypervisor bit is set.
    pub signature: Option<[u8; 12]>,
    /// Hyper-V root partition (a physical host), from leaf `0x40000003`.
    pub hyperv_root: bool,
}

impl CpuidView {
    /// Reads the live CPU.
    pub fn live() -> CpuidView {
        CpuidView::from(&cpuid::snapshot())
    }
}

impl From<&cpuid::Snapshot> for CpuidView {
    fn from(s: &cpuid::Snapshot) -> CpuidView {
        CpuidView {
            hypervisor_bit: s.hypervisor_bit,
            signature: s.hypervisor_signature,
            hyperv_root: s.hyperv_root,
        }
    }
}

/// The verdict of the DMI strings alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dmi {
    /// No VM vendor string.
    None,
    /// A VM vendor string matched.
    Vm(&'static str),
    /// A cloud vendor string matched, but on a bare-metal instance (e.g. EC2 `.metal`).
    Metal,
}

/// Matches one DMI value against the prefix table.
pub fn match_dmi_value(value: &str, hypervisor_bit: bool) -> Option<&'static str> {
    let v = value.trim();
    DMI_TABLE
        .iter()
        .find(|(prefix, _, weak)| v.starts_with(prefix) && (!weak || hypervisor_bit))
        .map(|(_, name, _)| *name)
}

/// Classifies DMI strings given in [`DMI_FILES`] order (`""` for missing ones).
pub fn classify_dmi(fields: &[&str; 5], hypervisor_bit: bool) -> Dmi {
    for f in fields {
        if let Some(name) = match_dmi_value(f, hypervisor_bit) {
            if name == "Amazon EC2" && fields[0].contains(".metal") {
                return Dmi::Metal;
            }
            return Dmi::Vm(name);
        }
    }
    Dmi::None
}

/// Maps a CPUID hypervisor signature to a name; unknown non-empty signatures give [`OTHER`].
pub fn cpuid_vendor(sig: &[u8]) -> Option<&'static str> {
    let end = sig
        .iter()
        .rposition(|b| *b != 0 && *b != b' ')
        .map_or(0, |i| i + 1);
    let trimmed = sig.get(..end).unwrap_or_default();
    if trimmed.is_empty() {
        return None;
    }
    Some(
        CPUID_TABLE
            .iter()
            .find(|(s, _)| s.as_bytes() == trimmed)
            .map_or(OTHER, |(_, n)| *n),
    )
}

/// Combines DMI and CPUID the way systemd does, for platforms without the
/// Linux-only sources (Windows, macOS).
pub fn combine(dmi: Dmi, cpu: &CpuidView) -> Option<&'static str> {
    if let Dmi::Vm(n) = dmi {
        if DMI_PRIORITY.contains(&n) {
            return Some(n);
        }
    }
    let mut hyperv = false;
    let mut other = false;
    match cpu.signature.and_then(|s| cpuid_vendor(&s)) {
        Some("Hyper-V") => hyperv = !cpu.hyperv_root,
        Some(OTHER) => other = true,
        Some(n) => return Some(n),
        None => {}
    }
    if let Dmi::Vm(n) = dmi {
        return Some(n);
    }
    last_resort(hyperv, other)
}

fn last_resort(hyperv: bool, other: bool) -> Option<&'static str> {
    if hyperv {
        Some("Hyper-V")
    } else if other {
        Some(OTHER)
    } else {
        None
    }
}

/// DMI verdict from `<root>/sys/class/dmi/id`, with the live CPUID hypervisor bit
/// gating weak entries. `None` when not a VM (including EC2 bare metal).
pub fn detect_dmi_in(root: &Path) -> Option<&'static str> {
    match dmi_in(root, cpuid::hypervisor_present()) {
        Dmi::Vm(n) => Some(n),
        _ => None,
    }
}

fn dmi_in(root: &Path, hypervisor_bit: bool) -> Dmi {
    let dir = under(root, "/sys/class/dmi/id");
    let vals = DMI_FILES.map(|f| read_trimmed(&dir.join(f)).unwrap_or_default());
    let fields = [
        vals[0].as_str(),
        vals[1].as_str(),
        vals[2].as_str(),
        vals[3].as_str(),
        vals[4].as_str(),
    ];
    dmi_verdict(root, &fields, hypervisor_bit)
}

/// [`classify_dmi`] plus the root-only SMBIOS "virtual machine" bit check for EC2.
pub(crate) fn dmi_verdict(root: &Path, fields: &[&str; 5], hypervisor_bit: bool) -> Dmi {
    match classify_dmi(fields, hypervisor_bit) {
        // EC2 bare metal without `.metal` in the name: SMBIOS type 0 BIOS characteristics
        // extension byte 2, bit 4 ("virtual machine"), readable by root only.
        Dmi::Vm("Amazon EC2") => {
            match read_bounded(&under(root, "/sys/firmware/dmi/entries/0-0/raw"), 4096) {
                Some(raw) if raw.len() >= 20 => match raw.get(19) {
                    Some(b) if b & (1 << 4) == 0 => Dmi::Metal,
                    _ => Dmi::Vm("Amazon EC2"),
                },
                _ => Dmi::Vm("Amazon EC2"),
            }
        }
        d => d,
    }
}

/// Full Linux detection under `root`, using the live CPUID.
pub fn detect_in(root: &Path) -> Option<&'static str> {
    detect_with(root, &CpuidView::live())
}

/// Full Linux detection under `root` with a given CPUID view (for tests).
pub fn detect_with(root: &Path, cpu: &CpuidView) -> Option<&'static str> {
    detect_linux(root, cpu, dmi_in(root, cpu.hypervisor_bit))
}

/// The Linux order given an already computed DMI verdict.
pub(crate) fn detect_linux(root: &Path, cpu: &CpuidView, dmi: Dmi) -> Option<&'static str> {
    if let Dmi::Vm(n) = dmi {
        if DMI_PRIORITY.contains(&n) {
            return xen_dom0_filter(root, n);
        }
    }
    // User Mode Linux: the first CPU record is enough. UML runs as a host
    // process, so with the hypervisor bit set the host is a VM itself and the
    // CPUID verdict below answers; skipping the read saves its cost in VMs.
    if let Some(head) = (!cpu.hypervisor_bit)
        .then(|| read_bounded(&under(root, "/proc/cpuinfo"), 1024))
        .flatten()
    {
        if String::from_utf8_lossy(&head)
            .lines()
            .any(|l| l.starts_with("vendor_id") && l.contains("User Mode Linux"))
        {
            return Some("User Mode Linux");
        }
    }
    if exists(&under(root, "/proc/xen")) {
        return xen_dom0_filter(root, "Xen");
    }
    let mut hyperv = false;
    let mut other = false;
    match cpu.signature.and_then(|s| cpuid_vendor(&s)) {
        Some("Hyper-V") => hyperv = !cpu.hyperv_root,
        Some(OTHER) => other = true,
        Some(n) => return xen_dom0_filter(root, n),
        None => {}
    }
    if let Dmi::Vm(n) = dmi {
        return Some(n);
    }
    if let Some(t) = read_trimmed(&under(root, "/sys/hypervisor/type")) {
        if t == "xen" {
            return xen_dom0_filter(root, "Xen");
        }
        other = true;
    }
    if let Some(n) = device_tree(root) {
        return Some(n);
    }
    if let Some(s) = read_string(&under(root, "/proc/sysinfo")) {
        if s.lines()
            .any(|l| l.starts_with("VM00 Control Program") && l.contains("z/VM"))
        {
            return Some("z/VM");
        }
        if s.lines()
            .any(|l| l.starts_with("VM00 Control Program") && l.contains("KVM"))
        {
            return Some("KVM");
        }
    }
    last_resort(hyperv, other)
}

/// Xen dom0 is the privileged host domain, not a guest.
fn xen_dom0_filter(root: &Path, name: &'static str) -> Option<&'static str> {
    if name != "Xen" {
        return Some(name);
    }
    if let Some(f) = read_trimmed(&under(root, "/sys/hypervisor/properties/features")) {
        if let Ok(bits) = u64::from_str_radix(f.trim_start_matches("0x"), 16) {
            // XENFEAT_dom0 = 11
            return if bits & (1 << 11) != 0 {
                None
            } else {
                Some(name)
            };
        }
    }
    match read_string(&under(root, "/proc/xen/capabilities")) {
        Some(c) if c.contains("control_d") => None,
        _ => Some(name),
    }
}

/// ARM, PowerPC and RISC-V guests: `/proc/device-tree/hypervisor/compatible` and QEMU `fw-cfg` nodes.
fn device_tree(root: &Path) -> Option<&'static str> {
    let dt = under(root, "/proc/device-tree");
    if let Some(c) = read_bounded(&dt.join("hypervisor/compatible"), 4096) {
        let c = String::from_utf8_lossy(&c);
        return Some(if c.contains("linux,kvm") {
            "KVM"
        } else if c.contains("xen") {
            "Xen"
        } else if c.contains("vmware") {
            "VMware"
        } else {
            OTHER
        });
    }
    let entries = std::fs::read_dir(&dt).ok()?;
    for e in entries.flatten().take(4096) {
        if e.file_name().to_string_lossy().contains("fw-cfg") {
            return Some("QEMU");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn dmi_tree(vals: &[(&str, &str)]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("sys/class/dmi/id");
        fs::create_dir_all(&d).unwrap();
        for (k, v) in vals {
            fs::write(d.join(k), format!("{v}\n")).unwrap();
        }
        t
    }

    fn sig(s: &str) -> Option<[u8; 12]> {
        let mut b = [0u8; 12];
        b[..s.len()].copy_from_slice(s.as_bytes());
        Some(b)
    }

    const NO_CPU: CpuidView = CpuidView {
        hypervisor_bit: false,
        signature: None,
        hyperv_root: false,
    };

    #[test]
    fn kvm_beats_qemu() {
        let t = dmi_tree(&[
            ("product_name", "KVM"),
            ("sys_vendor", "QEMU"),
            ("bios_vendor", "SeaBIOS"),
        ]);
        assert_eq!(detect_dmi_in(t.path()), Some("KVM"));
        let t = dmi_tree(&[
            ("product_name", "Standard PC (Q35 + ICH9, 2009)"),
            ("sys_vendor", "QEMU"),
        ]);
        assert_eq!(detect_dmi_in(t.path()), Some("QEMU"));
    }

    #[test]
    fn amazon_ec2_vs_metal() {
        let t = dmi_tree(&[
            ("product_name", "m5.large"),
            ("sys_vendor", "Amazon EC2"),
            ("bios_vendor", "Amazon EC2"),
        ]);
        assert_eq!(detect_dmi_in(t.path()), Some("Amazon EC2"));
        let kvm = CpuidView {
            hypervisor_bit: true,
            signature: sig("KVMKVMKVM"),
            hyperv_root: false,
        };
        assert_eq!(detect_with(t.path(), &kvm), Some("Amazon EC2"));
        let t = dmi_tree(&[("product_name", "c5.metal"), ("sys_vendor", "Amazon EC2")]);
        assert_eq!(detect_dmi_in(t.path()), None);
        assert_eq!(detect_with(t.path(), &NO_CPU), None);
        // VM bit clear in the root-only SMBIOS type 0 entry: bare metal.
        let t = dmi_tree(&[
            ("product_name", "i3en.24xlarge"),
            ("sys_vendor", "Amazon EC2"),
        ]);
        let raw = t.path().join("sys/firmware/dmi/entries/0-0");
        fs::create_dir_all(&raw).unwrap();
        fs::write(raw.join("raw"), [0u8; 24]).unwrap();
        assert_eq!(detect_dmi_in(t.path()), None);
        let mut vm = [0u8; 24];
        vm[19] = 1 << 4;
        fs::write(raw.join("raw"), vm).unwrap();
        assert_eq!(detect_dmi_in(t.path()), Some("Amazon EC2"));
    }

    #[test]
    fn surface_is_not_a_vm_but_hyperv_guest_is() {
        let t = dmi_tree(&[
            ("product_name", "Surface Pro 7"),
            ("sys_vendor", "Microsoft Corporation"),
            ("board_vendor", "Microsoft Corporation"),
            ("bios_vendor", "Microsoft Corporation"),
            (
                "product_version",
                "124000000000000000000000D:0B:08F:1C:03P:38S:01E:0Y:0K:0U:02",
            ),
        ]);
        assert_eq!(detect_dmi_in(t.path()), None);
        assert_eq!(detect_with(t.path(), &NO_CPU), None);
        // Physical host with VBS: `Microsoft Hv` and the root-partition flag.
        let root = CpuidView {
            hypervisor_bit: true,
            signature: sig("Microsoft Hv"),
            hyperv_root: true,
        };
        assert_eq!(detect_with(t.path(), &root), None);
        let guest = CpuidView {
            hyperv_root: false,
            ..root
        };
        assert_eq!(detect_with(t.path(), &guest), Some("Hyper-V"));
        let t = dmi_tree(&[
            ("product_name", "Virtual Machine"),
            ("sys_vendor", "Microsoft Corporation"),
            ("product_version", "Hyper-V UEFI Release v4.1"),
        ]);
        assert_eq!(detect_dmi_in(t.path()), Some("Hyper-V"));
    }

    #[test]
    fn dmi_priority_and_cpuid_order() {
        // VirtualBox with KVM paravirt: DMI VirtualBox wins (priority list).
        let t = dmi_tree(&[
            ("product_name", "VirtualBox"),
            ("sys_vendor", "innotek GmbH"),
        ]);
        let kvm = CpuidView {
            hypervisor_bit: true,
            signature: sig("KVMKVMKVM"),
            hyperv_root: false,
        };
        assert_eq!(detect_with(t.path(), &kvm), Some("VirtualBox"));
        // Non-priority DMI (QEMU) loses to CPUID (KVM).
        let t = dmi_tree(&[("product_name", "Standard PC"), ("sys_vendor", "QEMU")]);
        assert_eq!(detect_with(t.path(), &kvm), Some("KVM"));
        // Microsoft Hv is the last resort: DMI VMware wins.
        let t = dmi_tree(&[
            ("product_name", "VMware Virtual Platform"),
            ("sys_vendor", "VMware, Inc."),
        ]);
        let hv = CpuidView {
            hypervisor_bit: true,
            signature: sig("Microsoft Hv"),
            hyperv_root: false,
        };
        assert_eq!(detect_with(t.path(), &hv), Some("VMware"));
        let t = dmi_tree(&[
            ("product_name", "Google Compute Engine"),
            ("sys_vendor", "Google"),
        ]);
        assert_eq!(detect_with(t.path(), &kvm), Some("Google Compute Engine"));
        // Oracle bare metal server is not VirtualBox without the hypervisor bit.
        let t = dmi_tree(&[
            ("product_name", "ORACLE SERVER X8-2"),
            ("sys_vendor", "Oracle Corporation"),
        ]);
        assert_eq!(detect_with(t.path(), &NO_CPU), None);
        assert_eq!(
            classify_dmi(&["", "Oracle Corporation", "", "", ""], true),
            Dmi::Vm("VirtualBox")
        );
    }

    #[test]
    fn xen_hypervisor_and_device_tree() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), None);
        fs::create_dir_all(t.path().join("proc/xen")).unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), Some("Xen"));
        fs::write(t.path().join("proc/xen/capabilities"), "control_d\n").unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), None, "dom0 is the host");

        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("proc/device-tree/hypervisor")).unwrap();
        fs::write(
            t.path().join("proc/device-tree/hypervisor/compatible"),
            b"linux,kvm\0",
        )
        .unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), Some("KVM"));

        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("proc/device-tree/fw-cfg@9030000")).unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), Some("QEMU"));

        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("sys/hypervisor")).unwrap();
        fs::write(t.path().join("sys/hypervisor/type"), "xen\n").unwrap();
        assert_eq!(detect_with(t.path(), &NO_CPU), Some("Xen"));
    }

    #[test]
    fn cpuid_signatures() {
        assert_eq!(cpuid_vendor(b"KVMKVMKVM\0\0\0"), Some("KVM"));
        assert_eq!(cpuid_vendor(b"bhyve bhyve "), Some("bhyve"));
        assert_eq!(cpuid_vendor(b"VMwareVMware"), Some("VMware"));
        assert_eq!(
            cpuid_vendor(b"Apple VZ\0\0\0\0"),
            Some("Apple Virtualization")
        );
        assert_eq!(cpuid_vendor(b"SomethingNew"), Some(OTHER));
        assert_eq!(cpuid_vendor(&[0u8; 12]), None);
        let other = CpuidView {
            hypervisor_bit: true,
            signature: sig("SomethingNew"),
            hyperv_root: false,
        };
        assert_eq!(combine(Dmi::None, &other), Some(OTHER));
        assert_eq!(combine(Dmi::Vm("QEMU"), &other), Some("QEMU"));
        assert_eq!(combine(Dmi::Metal, &NO_CPU), None);
    }

    #[test]
    fn live_detection_agrees_with_the_cpu() {
        let cpu = CpuidView::live();
        let verdict = detect_in(Path::new("/"));
        assert_eq!(verdict, detect_in(Path::new("/")), "deterministic");
        // A hypervisor that names itself in CPUID makes this a VM, whatever
        // the files say (Hyper-V may be the host's root partition).
        if let Some(name) = cpu.signature.and_then(|s| cpuid_vendor(&s)) {
            if name != "Hyper-V" && name != "Xen" && name != OTHER {
                assert_eq!(verdict, Some(name), "CPUID names {name}");
            }
        }
        // With nothing to read under the root only the CPU speaks, and the
        // verdict is the CPUID one (Windows and macOS combine the same way).
        let empty = tempfile::tempdir().unwrap();
        if cpu.signature.and_then(|s| cpuid_vendor(&s)) != Some("Xen") {
            assert_eq!(detect_with(empty.path(), &cpu), combine(Dmi::None, &cpu));
        }
        // Without a hypervisor bit and with nothing to read, it is bare metal.
        assert_eq!(detect_with(empty.path(), &NO_CPU), None);
    }
}
