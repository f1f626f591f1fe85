//! The x86 CPUID instruction: CPU identity and hypervisor signature.
//!
//! On other architectures every function returns `None`/`false`; callers fall
//! back to `/proc/cpuinfo`, sysctl or the device tree.

/// Raw CPUID result registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Regs {
    /// EAX.
    pub eax: u32,
    /// EBX.
    pub ebx: u32,
    /// ECX.
    pub ecx: u32,
    /// EDX.
    pub edx: u32,
}

/// Executes CPUID for `leaf`/`subleaf`; `None` on architectures without it.
#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)] // `__cpuid_count` is a safe fn on newer toolchains.
pub fn cpuid(leaf: u32, subleaf: u32) -> Option<Regs> {
    // SAFETY: CPUID is available on every x86_64 CPU, is unprivileged and has no side
    // effects beyond writing the four result registers.
    let r = unsafe { core::arch::x86_64::__cpuid_count(leaf, subleaf) };
    Some(Regs {
        eax: r.eax,
        ebx: r.ebx,
        ecx: r.ecx,
        edx: r.edx,
    })
}

/// Executes CPUID for `leaf`/`subleaf`; `None` on architectures without it.
#[cfg(target_arch = "x86")]
#[allow(unused_unsafe)] // `__cpuid_count` is a safe fn on newer toolchains.
pub fn cpuid(leaf: u32, subleaf: u32) -> Option<Regs> {
    // SAFETY: Rust's 32-bit x86 targets (i586 and up) require a CPU with CPUID; the
    // instruction is unprivileged and only writes the four result registers.
    let r = unsafe { core::arch::x86::__cpuid_count(leaf, subleaf) };
    Some(Regs {
        eax: r.eax,
        ebx: r.ebx,
        ecx: r.ecx,
        edx: r.edx,
    })
}

/// Executes CPUID for `leaf`/`subleaf`; `None` on architectures without it.
#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
pub fn cpuid(_leaf: u32, _subleaf: u32) -> Option<Regs> {
    None
}

fn push_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn clean(bytes: &[u8]) -> String {
    let s: String = bytes
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| {
            if b.is_ascii_graphic() {
                *b as char
            } else {
                ' '
            }
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Everything the crate needs from CPUID, read with the fewest instructions
/// (CPUID traps to the hypervisor in VMs and can cost microseconds there).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The `lc` input: `vendor|brand|signature` (see [`cpu_identity`]).
    pub identity: Option<String>,
    /// Leaf 1 ECX bit 31: "running under a hypervisor".
    pub hypervisor_bit: bool,
    /// Leaf `0x40000000` vendor signature, read only when the hypervisor bit is set.
    pub hypervisor_signature: Option<[u8; 12]>,
    /// Hyper-V root partition: the partition privilege mask (leaf `0x40000003` EBX bit 0,
    /// CreatePartitions) of a physical Windows host running Hyper-V/VBS/WSL2.
    pub hyperv_root: bool,
}

/// Reads the CPU once: vendor (leaf 0), signature and hypervisor bit (leaf 1),
/// brand (leaves `0x80000002..=4`), hypervisor leaves when present.
pub fn snapshot() -> Snapshot {
    let Some(l0) = cpuid(0, 0) else {
        return Snapshot::default();
    };
    let mut vendor = Vec::with_capacity(12);
    for reg in [l0.ebx, l0.edx, l0.ecx] {
        push_le(&mut vendor, reg);
    }
    let vendor = clean(&vendor);
    let l1 = if l0.eax >= 1 { cpuid(1, 0) } else { None };
    let signature = l1.map_or(0, |r| r.eax & 0x0FFF_3FFF);
    let hypervisor_bit = l1.is_some_and(|r| r.ecx & (1 << 31) != 0);
    let mut brand = String::new();
    // Every x86-64 CPU has the brand leaves (long mode itself is reported in
    // the extended range), so there the maximum extended leaf is not asked
    // first: one CPUID fewer, and each one traps to the hypervisor in a VM.
    let has_brand =
        cfg!(target_arch = "x86_64") || cpuid(0x8000_0000, 0).is_some_and(|r| r.eax >= 0x8000_0004);
    if has_brand {
        let mut v = Vec::with_capacity(48);
        for leaf in 0x8000_0002..=0x8000_0004u32 {
            if let Some(r) = cpuid(leaf, 0) {
                for reg in [r.eax, r.ebx, r.ecx, r.edx] {
                    push_le(&mut v, reg);
                }
            }
        }
        brand = clean(&v);
    }
    let (mut hypervisor_signature, mut hyperv_root) = (None, false);
    if hypervisor_bit {
        if let Some(r) = cpuid(0x4000_0000, 0) {
            let mut sig = [0u8; 12];
            for (chunk, reg) in sig.chunks_exact_mut(4).zip([r.ebx, r.ecx, r.edx]) {
                chunk.copy_from_slice(&reg.to_le_bytes());
            }
            if &sig == b"Microsoft Hv" && r.eax >= 0x4000_0003 {
                hyperv_root = cpuid(0x4000_0003, 0).is_some_and(|r| r.ebx & 1 != 0);
            }
            hypervisor_signature = Some(sig);
        }
    }
    let identity = (!vendor.is_empty()).then(|| format!("{vendor}|{brand}|{signature:08X}"));
    Snapshot {
        identity,
        hypervisor_bit,
        hypervisor_signature,
        hyperv_root,
    }
}

/// The `lc` component input: `vendor|brand|signature`, e.g.
/// `GenuineIntel|Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz|000906EA` (signature =
/// leaf 1 EAX with reserved bits masked), or `None` without CPUID.
pub fn cpu_identity() -> Option<String> {
    snapshot().identity
}

/// Leaf 1 ECX bit 31: "running under a hypervisor".
pub fn hypervisor_present() -> bool {
    match cpuid(0, 0) {
        Some(r) if r.eax >= 1 => cpuid(1, 0).is_some_and(|r| r.ecx & (1 << 31) != 0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_stable_and_clean() {
        let a = cpu_identity();
        assert_eq!(a, cpu_identity());
        if cfg!(any(target_arch = "x86", target_arch = "x86_64")) {
            let a = a.expect("x86 has CPUID");
            assert!(a.is_ascii());
            assert_eq!(a.split('|').count(), 3);
        } else {
            assert!(a.is_none());
        }
    }

    #[test]
    fn clean_strips_nuls_and_padding() {
        assert_eq!(clean(b"  Intel(R)  Xeon(R)\0\0garbage"), "Intel(R) Xeon(R)");
    }
}
