//! Where a product's store lives, per permission flag and OS.
//!
//! | flag | Linux | Windows | macOS |
//! |---|---|---|---|
//! | LA_USER | `$XDG_DATA_HOME/openlex/<product>` (default `~/.local/share`) | `%LOCALAPPDATA%\OpenLex\<product>` | `~/Library/Application Support/OpenLex/<product>` |
//! | LA_SYSTEM | `/var/lib/openlex/<product>` (root only) | `%ProgramData%\OpenLex\<product>` (admin only) | `/Library/Application Support/OpenLex/<product>` (root only) |
//! | LA_ALL_USERS | as LA_USER on Linux (like the vendor) | as LA_SYSTEM | as LA_SYSTEM |
//! | LA_IN_MEMORY | nothing on disk | | |
//!
//! `SetDataDirectory(dir)` replaces the base: `<dir>/<product>`.
//! The home directory comes from the passwd entry of the effective user, not
//! `$HOME`, as the vendor does.

use std::path::{Path, PathBuf};

/// The vendor's permission flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionFlag {
    /// LA_USER (1).
    User,
    /// LA_SYSTEM (2).
    System,
    /// LA_ALL_USERS (3).
    AllUsers,
    /// LA_IN_MEMORY (4).
    InMemory,
}

impl PermissionFlag {
    /// Parses the C flag value.
    pub fn from_u32(v: u32) -> Option<PermissionFlag> {
        match v {
            1 => Some(PermissionFlag::User),
            2 => Some(PermissionFlag::System),
            3 => Some(PermissionFlag::AllUsers),
            4 => Some(PermissionFlag::InMemory),
            _ => None,
        }
    }

    /// The name GetDataStoreInfo reports.
    pub fn name(self) -> &'static str {
        match self {
            PermissionFlag::User => "la-user",
            PermissionFlag::System => "la-system",
            PermissionFlag::AllUsers => "la-all-users",
            PermissionFlag::InMemory => "la-in-memory",
        }
    }
}

/// How the store is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// Files in a directory.
    File,
    /// Memory only.
    InMemory,
}

impl StorageKind {
    /// The name GetDataStoreInfo reports.
    pub fn name(self) -> &'static str {
        match self {
            StorageKind::File => "file",
            StorageKind::InMemory => "in-memory",
        }
    }
}

/// A resolved store location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Directory of the product's records; `None` in memory.
    pub path: Option<PathBuf>,
    /// The flag in effect (LA_ALL_USERS falls back to LA_USER on Linux).
    pub flag: PermissionFlag,
    /// File or memory.
    pub kind: StorageKind,
    /// Set through SetDataDirectory.
    pub custom: bool,
}

/// Why a location cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationError {
    /// LA_SYSTEM without root/admin rights, or no home directory for LA_USER.
    SystemPermission,
}

impl From<LocationError> for crate::status::Status {
    fn from(e: LocationError) -> Self {
        match e {
            LocationError::SystemPermission => crate::status::Status::SystemPermission,
        }
    }
}

impl Location {
    /// A memory-only location.
    pub fn in_memory() -> Location {
        Location {
            path: None,
            flag: PermissionFlag::InMemory,
            kind: StorageKind::InMemory,
            custom: false,
        }
    }

    /// A location under a custom data directory.
    pub fn custom(dir: PathBuf, flag: PermissionFlag) -> Location {
        Location {
            path: Some(dir),
            flag,
            kind: StorageKind::File,
            custom: true,
        }
    }

    /// Resolves the location for a product.
    pub fn resolve(
        flag: PermissionFlag,
        custom_dir: Option<&Path>,
        product_id: &str,
        home: Option<&Path>,
    ) -> Result<Location, LocationError> {
        let flag = effective_flag(flag);
        if flag == PermissionFlag::InMemory {
            return Ok(Location::in_memory());
        }
        if flag == PermissionFlag::System && !is_privileged() {
            return Err(LocationError::SystemPermission);
        }
        let product_dir = product_id.to_ascii_lowercase();
        if let Some(dir) = custom_dir {
            return Ok(Location::custom(dir.join(product_dir), flag));
        }
        let base = match flag {
            PermissionFlag::System | PermissionFlag::AllUsers => system_base(),
            _ => user_base(home),
        }
        .ok_or(LocationError::SystemPermission)?;
        Ok(Location {
            path: Some(base.join(product_dir)),
            flag,
            kind: StorageKind::File,
            custom: false,
        })
    }
}

/// Where the second copy of a local trial lives (survives deleting the data
/// directory); `None` where there is no private place for it.
pub fn local_trial_copy(product_id: &str, home: Option<&Path>) -> Option<PathBuf> {
    let id = format!("openlex-lt\0{}", product_id.to_ascii_lowercase());
    let name =
        hex::encode(&ring::digest::digest(&ring::digest::SHA256, id.as_bytes()).as_ref()[..12]);
    second_base(home).map(|b| b.join(format!("{name}.olx")))
}

#[cfg(all(unix, not(target_vendor = "apple")))]
mod os {
    use std::path::{Path, PathBuf};

    pub fn effective_flag(flag: super::PermissionFlag) -> super::PermissionFlag {
        // The vendor falls back to per-user storage for LA_ALL_USERS on Linux.
        match flag {
            super::PermissionFlag::AllUsers => super::PermissionFlag::User,
            f => f,
        }
    }

    pub fn user_base(home: Option<&Path>) -> Option<PathBuf> {
        match std::env::var_os("XDG_DATA_HOME").map(PathBuf::from) {
            Some(x) if x.is_absolute() => Some(x.join("openlex")),
            _ => home.map(|h| h.join(".local/share/openlex")),
        }
    }

    pub fn system_base() -> Option<PathBuf> {
        Some(PathBuf::from("/var/lib/openlex"))
    }

    pub fn second_base(home: Option<&Path>) -> Option<PathBuf> {
        home.map(|h| h.join(".config/.openlex"))
    }

    pub fn is_privileged() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
}

#[cfg(target_vendor = "apple")]
mod os {
    use std::path::{Path, PathBuf};

    pub fn effective_flag(flag: super::PermissionFlag) -> super::PermissionFlag {
        flag
    }

    pub fn user_base(home: Option<&Path>) -> Option<PathBuf> {
        home.map(|h| h.join("Library/Application Support/OpenLex"))
    }

    pub fn system_base() -> Option<PathBuf> {
        Some(PathBuf::from("/Library/Application Support/OpenLex"))
    }

    pub fn second_base(home: Option<&Path>) -> Option<PathBuf> {
        home.map(|h| h.join("Library/Preferences/.openlex"))
    }

    pub fn is_privileged() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
}

#[cfg(windows)]
mod os {
    use std::path::{Path, PathBuf};

    use windows_sys::Win32::System::Com::CoTaskMemFree;
    use windows_sys::Win32::UI::Shell::{
        FOLDERID_LocalAppData, FOLDERID_ProgramData, SHGetKnownFolderPath,
    };

    pub fn effective_flag(flag: super::PermissionFlag) -> super::PermissionFlag {
        flag
    }

    fn known_folder(id: &windows_sys::core::GUID) -> Option<PathBuf> {
        use std::os::windows::ffi::OsStringExt;
        let mut p: windows_sys::core::PWSTR = std::ptr::null_mut();
        // SAFETY: id points to a valid GUID; p receives a CoTaskMem string we free below.
        let hr = unsafe { SHGetKnownFolderPath(id, 0, std::ptr::null_mut(), &mut p) };
        if p.is_null() {
            return None;
        }
        let s = (hr == 0).then(|| {
            // SAFETY: on success p is a NUL-terminated UTF-16 string owned by us until
            // CoTaskMemFree.
            let len = unsafe { (0..).take_while(|&i| *p.add(i) != 0).count() };
            // SAFETY: len elements were just read as initialised.
            std::ffi::OsString::from_wide(unsafe { std::slice::from_raw_parts(p, len) })
        });
        // SAFETY: p was allocated by SHGetKnownFolderPath, which must be freed whether or not
        // the call succeeded; freed exactly once.
        unsafe { CoTaskMemFree(p as *const core::ffi::c_void) };
        s.map(PathBuf::from)
    }

    pub fn user_base(_home: Option<&Path>) -> Option<PathBuf> {
        known_folder(&FOLDERID_LocalAppData).map(|p| p.join("OpenLex"))
    }

    pub fn system_base() -> Option<PathBuf> {
        known_folder(&FOLDERID_ProgramData).map(|p| p.join("OpenLex"))
    }

    pub fn second_base(_home: Option<&Path>) -> Option<PathBuf> {
        known_folder(&FOLDERID_LocalAppData).map(|p| p.join("Microsoft").join(".openlex"))
    }

    pub fn is_privileged() -> bool {
        // Writing under ProgramData needs admin rights; probing is the honest test.
        system_base()
            .map(|b| {
                std::fs::create_dir_all(&b).is_ok()
                    && super::super::atomic::probe_writable(&b).is_ok()
            })
            .unwrap_or(false)
    }
}

use os::{effective_flag, is_privileged, second_base, system_base, user_base};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        assert_eq!(PermissionFlag::from_u32(1), Some(PermissionFlag::User));
        assert_eq!(PermissionFlag::from_u32(0), None);
        assert_eq!(PermissionFlag::from_u32(9), None);
    }

    #[test]
    fn custom_and_memory() {
        let l = Location::resolve(PermissionFlag::User, Some(Path::new("/tmp/x")), "ABC", None)
            .unwrap();
        assert_eq!(l.path.as_deref(), Some(Path::new("/tmp/x/abc")));
        assert!(l.custom);
        let m = Location::resolve(PermissionFlag::InMemory, None, "abc", None).unwrap();
        assert_eq!(m.kind, StorageKind::InMemory);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_user_and_all_users() {
        if std::env::var_os("XDG_DATA_HOME").is_some() {
            return;
        }
        let l = Location::resolve(
            PermissionFlag::AllUsers,
            None,
            "p",
            Some(Path::new("/home/u")),
        )
        .unwrap();
        assert_eq!(l.flag, PermissionFlag::User);
        assert_eq!(
            l.path.as_deref(),
            Some(Path::new("/home/u/.local/share/openlex/p"))
        );
        assert_eq!(
            Location::resolve(PermissionFlag::User, None, "p", None),
            Err(LocationError::SystemPermission)
        );
    }
}
