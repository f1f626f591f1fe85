//! macOS collection via libSystem only: `gethostuuid`, `sysctlbyname`,
//! `getpwuid_r`, `uname`. No IOKit, no `ioreg`, never `kern.uuid` (the kernel
//! build UUID, the same on every Mac).

use std::ffi::CString;

use crate::{cpuid, unix, vm, DeviceInfo, RawComponents};

/// Collects from the live system.
pub(crate) fn collect() -> DeviceInfo {
    let host_uuid = host_uuid().unwrap_or_default();
    let model = sysctl_string("hw.model").unwrap_or_default();
    let (user_name, home_dir) = unix::current_user();
    let components = RawComponents {
        base: host_uuid.clone().into_bytes(),
        lc: sysctl_string("machdep.cpu.brand_string")
            .or_else(cpuid::cpu_identity)
            .map(String::into_bytes)
            .unwrap_or_default(),
        wc: Vec::new(),
        ltc: Vec::new(),
        pn: model.clone().into_bytes(),
        ps: Vec::new(),
        bv: Vec::new(),
        puuid: host_uuid.into_bytes(),
    };
    DeviceInfo {
        os: "macos",
        os_version: sysctl_string("kern.osproductversion")
            .map(|v| format!("macOS {v}"))
            .unwrap_or_else(|| "macOS".into()),
        hostname: unix::hostname(),
        user_hash: crate::user_hash(&user_name),
        user_name,
        home_dir,
        vm_name: vm_name(&model).unwrap_or_default().to_string(),
        container: false,
        components,
    }
}

fn vm_name(model: &str) -> Option<&'static str> {
    let cpu = vm::CpuidView::live();
    let dmi = vm::classify_dmi(&[model, "", "", "", ""], cpu.hypervisor_bit);
    if let Some(n) = vm::combine(dmi, &cpu) {
        return Some(n);
    }
    if sysctl_u32("kern.hv_vmm_present") == Some(1) || model.starts_with("VirtualMac") {
        return Some(if model.starts_with("VirtualMac") {
            "Apple Virtualization"
        } else {
            vm::OTHER
        });
    }
    None
}

/// The platform UUID (`IOPlatformUUID`), upper-case canonical text.
fn host_uuid() -> Option<String> {
    let mut id = [0u8; 16];
    let wait = libc::timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    // SAFETY: `id` is the 16-byte uuid_t buffer gethostuuid writes; `wait` is a valid timespec.
    if unsafe { libc::gethostuuid(id.as_mut_ptr(), &wait) } != 0 || id.iter().all(|b| *b == 0) {
        return None;
    }
    Some(crate::smbios::format_uuid(&id, false).to_ascii_uppercase()).filter(|s| !s.is_empty())
}

fn sysctl_string(name: &str) -> Option<String> {
    let cname = CString::new(name).ok()?;
    let mut buf = [0u8; 256];
    let mut len = buf.len();
    // SAFETY: `cname` is NUL-terminated; `buf` is writable for `len` bytes and `len` is updated.
    let rc = unsafe {
        libc::sysctlbyname(
            cname.as_ptr(),
            buf.as_mut_ptr().cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc != 0 {
        return None;
    }
    let data = buf.get(..len.min(buf.len()))?;
    let n = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let s = String::from_utf8_lossy(data.get(..n)?).trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn sysctl_u32(name: &str) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    let mut v: u32 = 0;
    let mut len = std::mem::size_of::<u32>();
    // SAFETY: `cname` is NUL-terminated; `v` is a writable u32 and `len` is its size.
    let rc = unsafe {
        libc::sysctlbyname(
            cname.as_ptr(),
            std::ptr::addr_of_mut!(v).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    (rc == 0 && len == std::mem::size_of::<u32>()).then_some(v)
}
