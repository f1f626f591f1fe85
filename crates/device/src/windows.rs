//! Windows collection without WMI or COM: registry, `GetSystemFirmwareTable('RSMB')`,
//! `GetVolumeInformationW`, CPUID and a few kernel32/advapi32/shell32 calls.

use std::ffi::{c_void, OsString};
use std::os::windows::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::Storage::FileSystem::GetVolumeInformationW;
use windows_sys::Win32::System::Com::CoTaskMemFree;
use windows_sys::Win32::System::Registry::{
    RegGetValueW, HKEY_LOCAL_MACHINE, RRF_RT_REG_DWORD, RRF_RT_REG_SZ, RRF_SUBKEY_WOW6464KEY,
};
use windows_sys::Win32::System::SystemInformation::{
    ComputerNameDnsHostname, GetComputerNameExW, GetSystemDirectoryW, GetSystemFirmwareTable, RSMB,
};
use windows_sys::Win32::System::WindowsProgramming::GetUserNameW;
use windows_sys::Win32::UI::Shell::{FOLDERID_Profile, SHGetKnownFolderPath};

use crate::smbios::{self, SmbiosInfo};
use crate::util::is_junk_id;
use crate::{cpuid, vm, DeviceInfo, RawComponents};

/// Collects from the live system.
pub(crate) fn collect() -> DeviceInfo {
    let smb = smbios_info().unwrap_or_else(registry_bios);
    let fields = [
        smb.product_name.as_str(),
        smb.sys_vendor.as_str(),
        smb.board_vendor.as_str(),
        smb.bios_vendor.as_str(),
        smb.product_version.as_str(),
    ];
    let cpu = vm::CpuidView::live();
    let vm_name =
        vm::combine(vm::classify_dmi(&fields, cpu.hypervisor_bit), &cpu).unwrap_or_default();
    let (user_name, home_dir) = (user_name(), home_dir());
    let join = |parts: &[&str]| {
        if parts.iter().all(|p| p.is_empty()) {
            Vec::new()
        } else {
            parts.join("\n").into_bytes()
        }
    };
    let serial = |s: &str| if is_junk_id(s) { "" } else { s }.to_string();
    let (ps1, ps2) = (serial(&smb.product_serial), serial(&smb.board_serial));
    let components = RawComponents {
        base: reg_string(r"SOFTWARE\Microsoft\Cryptography", "MachineGuid")
            .map(|s| s.trim().to_ascii_lowercase().into_bytes())
            .unwrap_or_default(),
        lc: cpuid::cpu_identity()
            .map(String::into_bytes)
            .unwrap_or_default(),
        wc: Vec::new(),
        ltc: system_volume_serial()
            .map(|s| format!("volser:{s:08X}").into_bytes())
            .unwrap_or_default(),
        pn: join(&[
            &smb.sys_vendor,
            &smb.product_name,
            &smb.board_vendor,
            &smb.board_name,
        ]),
        ps: join(&[&ps1, &ps2]),
        bv: smb.bios_vendor.clone().into_bytes(),
        puuid: smb.product_uuid.clone().into_bytes(),
    };
    DeviceInfo {
        os: "windows",
        os_version: os_version(),
        hostname: hostname(),
        user_hash: crate::user_hash(&user_name),
        user_name,
        home_dir,
        vm_name: vm_name.to_string(),
        // No reliable unprivileged source for Windows containers (platform.md §3).
        container: false,
        components,
    }
}

fn wide(s: &str) -> Vec<u16> {
    std::ffi::OsStr::new(s)
        .encode_wide()
        .chain(Some(0))
        .collect()
}

fn from_wide(buf: &[u16]) -> String {
    let n = buf.iter().position(|c| *c == 0).unwrap_or(buf.len());
    OsString::from_wide(buf.get(..n).unwrap_or_default())
        .to_string_lossy()
        .into_owned()
}

/// A `REG_SZ` under HKLM from the 64-bit registry view (so 32-bit processes see
/// the real `MachineGuid`).
fn reg_string(subkey: &str, value: &str) -> Option<String> {
    let (k, v) = (wide(subkey), wide(value));
    let mut buf = vec![0u16; 256];
    let mut len = (buf.len() * 2) as u32;
    // SAFETY: `k` and `v` are NUL-terminated UTF-16; `buf` is writable for `len` bytes and
    // `len` is updated with the number of bytes written.
    let rc = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            k.as_ptr(),
            v.as_ptr(),
            RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY,
            std::ptr::null_mut(),
            buf.as_mut_ptr().cast::<c_void>(),
            &mut len,
        )
    };
    if rc != ERROR_SUCCESS {
        return None;
    }
    let s = from_wide(
        buf.get(..(len as usize / 2).min(buf.len()))
            .unwrap_or_default(),
    );
    (!s.trim().is_empty()).then_some(s)
}

/// A `REG_DWORD` under HKLM (64-bit view).
fn reg_dword(subkey: &str, value: &str) -> Option<u32> {
    let (k, v) = (wide(subkey), wide(value));
    let mut out: u32 = 0;
    let mut len = 4u32;
    // SAFETY: NUL-terminated names; `out` is a writable 4-byte DWORD and `len` says so.
    let rc = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            k.as_ptr(),
            v.as_ptr(),
            RRF_RT_REG_DWORD | RRF_SUBKEY_WOW6464KEY,
            std::ptr::null_mut(),
            std::ptr::addr_of_mut!(out).cast::<c_void>(),
            &mut len,
        )
    };
    (rc == ERROR_SUCCESS).then_some(out)
}

/// `Windows <major>.<minor>.<build>` from the registry's CurrentVersion key.
fn os_version() -> String {
    const KEY: &str = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion";
    let major = reg_dword(KEY, "CurrentMajorVersionNumber");
    let minor = reg_dword(KEY, "CurrentMinorVersionNumber");
    let build = reg_string(KEY, "CurrentBuildNumber");
    match (major, minor, build) {
        (Some(a), Some(b), Some(c)) => format!("Windows {a}.{b}.{}", c.trim()),
        (_, _, Some(c)) => match reg_string(KEY, "CurrentVersion") {
            // Pre-Windows 10: "6.3" plus the build.
            Some(v) => format!("Windows {}.{}", v.trim(), c.trim()),
            None => format!("Windows {}", c.trim()),
        },
        _ => "Windows".to_string(),
    }
}

/// SMBIOS via `GetSystemFirmwareTable('RSMB')`.
fn smbios_info() -> Option<SmbiosInfo> {
    // SAFETY: a null buffer with size 0 only queries the required size.
    let size = unsafe { GetSystemFirmwareTable(RSMB, 0, std::ptr::null_mut(), 0) };
    if size == 0 || size > 1 << 20 {
        return None;
    }
    let mut buf = vec![0u8; size as usize];
    // SAFETY: `buf` is writable for `size` bytes.
    let got = unsafe { GetSystemFirmwareTable(RSMB, 0, buf.as_mut_ptr(), size) };
    if got == 0 || got > size {
        return None;
    }
    buf.truncate(got as usize);
    smbios::parse_rsmb(&buf)
}

/// Fallback: the BIOS strings Windows copies into `HKLM\HARDWARE\DESCRIPTION\System\BIOS` at boot.
fn registry_bios() -> SmbiosInfo {
    const KEY: &str = r"HARDWARE\DESCRIPTION\System\BIOS";
    let g = |v: &str| {
        reg_string(KEY, v)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    SmbiosInfo {
        bios_vendor: g("BIOSVendor"),
        sys_vendor: g("SystemManufacturer"),
        product_name: g("SystemProductName"),
        product_version: g("SystemVersion"),
        board_vendor: g("BaseBoardManufacturer"),
        board_name: g("BaseBoardProduct"),
        ..SmbiosInfo::default()
    }
}

/// Serial number of the volume holding the system directory.
fn system_volume_serial() -> Option<u32> {
    let mut dir = [0u16; 260];
    // SAFETY: `dir` is writable for its length in UTF-16 units.
    let n = unsafe { GetSystemDirectoryW(dir.as_mut_ptr(), dir.len() as u32) } as usize;
    if n < 3 || n >= dir.len() {
        return None;
    }
    // "C:\"
    let root: [u16; 4] = [*dir.first()?, *dir.get(1)?, u16::from(b'\\'), 0];
    let mut serial = 0u32;
    // SAFETY: `root` is NUL-terminated; unused out-parameters are null with size 0.
    let ok = unsafe {
        GetVolumeInformationW(
            root.as_ptr(),
            std::ptr::null_mut(),
            0,
            &mut serial,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        )
    };
    (ok != 0 && serial != 0).then_some(serial)
}

fn hostname() -> String {
    let mut buf = vec![0u16; 256];
    let mut n = buf.len() as u32;
    // SAFETY: `buf` holds `n` UTF-16 units; `n` is updated to the length written.
    let ok = unsafe { GetComputerNameExW(ComputerNameDnsHostname, buf.as_mut_ptr(), &mut n) };
    if ok == 0 {
        return std::env::var("COMPUTERNAME").unwrap_or_default();
    }
    from_wide(buf.get(..n as usize).unwrap_or_default())
}

fn user_name() -> String {
    let mut buf = vec![0u16; 257];
    let mut n = buf.len() as u32;
    // SAFETY: `buf` holds `n` UTF-16 units; `n` is updated to the length written (with NUL).
    let ok = unsafe { GetUserNameW(buf.as_mut_ptr(), &mut n) };
    if ok == 0 {
        return std::env::var("USERNAME").unwrap_or_default();
    }
    from_wide(&buf)
}

fn home_dir() -> Option<PathBuf> {
    let mut p: windows_sys::core::PWSTR = std::ptr::null_mut();
    // SAFETY: valid GUID pointer, no token (current user), `p` receives a CoTaskMemAlloc'd string.
    let hr = unsafe { SHGetKnownFolderPath(&FOLDERID_Profile, 0, std::ptr::null_mut(), &mut p) };
    let mut out = None;
    if hr >= 0 && !p.is_null() {
        let mut len = 0usize;
        // SAFETY: on success `p` is a NUL-terminated UTF-16 string; we stop at the NUL
        // and never read beyond 32767 units (the maximum path length).
        while len < 32_767 && unsafe { *p.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: the `len` units before the NUL were just checked to be readable.
        let slice = unsafe { std::slice::from_raw_parts(p, len) };
        out = Some(PathBuf::from(OsString::from_wide(slice)));
    }
    if !p.is_null() {
        // SAFETY: `p` was allocated by SHGetKnownFolderPath and is freed exactly once.
        unsafe { CoTaskMemFree(p as *const c_void) };
    }
    out.or_else(|| std::env::var_os("USERPROFILE").map(PathBuf::from))
}
