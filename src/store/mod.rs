//! The local data store: one private directory per product holding small
//! records (activation, verified trial, local trial), each written atomically
//! and sealed with an HMAC bound to the product and the device.
//!
//! A record that fails its seal (edited, truncated, copied from another
//! device) reads as absent, so the caller sees "not activated" and can
//! re-activate; it never crashes or blocks. `LA_IN_MEMORY` keeps records in
//! memory only.

mod atomic;
pub use atomic::probe_writable;
pub mod location;
mod seal;
mod stamp;

use std::any::Any;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use location::{Location, PermissionFlag, StorageKind};
use stamp::{DirStamper, FileStamp};

/// Names of the records a product store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// The activation token, its license key and clock high-water mark.
    Activation,
    /// The verified-trial token.
    Trial,
    /// The local (unverified) trial.
    LocalTrial,
}

impl RecordKind {
    /// How many kinds there are (the store caches one of each, indexed by kind).
    const COUNT: usize = RecordKind::LocalTrial as usize + 1;

    fn file_name(self) -> &'static str {
        self.c_name().to_str().unwrap_or_default()
    }

    fn c_name(self) -> &'static std::ffi::CStr {
        match self {
            RecordKind::Activation => c"activation.olx",
            RecordKind::Trial => c"trial.olx",
            RecordKind::LocalTrial => c"local-trial.olx",
        }
    }
}

/// Why a store operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError {
    /// The directory or file cannot be created or written.
    Permission,
}

/// One cached record.
struct Cached {
    stamp: Option<FileStamp>,
    bytes: Option<Vec<u8>>,
    parsed: Option<Box<dyn Any + Send>>,
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cached")
            .field("stamp", &self.stamp)
            .finish_non_exhaustive()
    }
}

/// A product's store.
#[derive(Debug)]
pub struct Store {
    location: Location,
    key: [u8; 32],
    /// Per record: the stamp it was read at, its sealed bytes (in memory mode
    /// the only copy) and the last value unsealed from them.
    cache: [Option<Cached>; RecordKind::COUNT],
    /// False until the directory exists: it is created with the first record
    /// written, not when the store is opened.
    dir_exists: bool,
    /// Stamps the record files (`None` in memory mode).
    stamper: Option<DirStamper>,
    /// Re-read files on every access (SetCacheMode(0)).
    pub no_cache: bool,
}

impl Store {
    /// Opens the store for a product at a location, checking that its directory
    /// exists or could be created (it is created with the first record written).
    /// `binding` ties the seal to the device (see `seal`).
    pub fn open(location: Location, product_id: &str, binding: &[u8]) -> Result<Store, StoreError> {
        let dir_exists = match &location.path {
            Some(dir) => atomic::check_private_dir(dir).map_err(|_| StoreError::Permission)?,
            None => true,
        };
        Ok(Store {
            dir_exists,
            stamper: location.path.clone().map(DirStamper::new),
            location,
            key: seal::derive_key(product_id, binding),
            cache: Default::default(),
            no_cache: false,
        })
    }

    /// Where the store lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    fn path(&self, kind: RecordKind) -> Option<PathBuf> {
        self.location
            .path
            .as_ref()
            .map(|d| d.join(kind.file_name()))
    }

    /// The current stamp of a record's file: `None` in memory mode, `Some(None)`
    /// when the file is absent.
    fn stamp(&mut self, kind: RecordKind) -> Option<Option<FileStamp>> {
        Some(self.stamper.as_mut()?.stamp(kind.c_name()))
    }

    /// Reads and unseals a record; `None` when absent, corrupt or foreign.
    /// Unchanged files are served from memory without re-reading or
    /// re-checking the seal (unless caching is off).
    pub fn read<T: DeserializeOwned + Clone + Send + 'static>(
        &mut self,
        kind: RecordKind,
    ) -> Option<T> {
        let now = self.stamp(kind);
        if let Some(c) = self.cache[kind as usize].as_ref() {
            // Absent when last read and still absent: nothing to re-read
            // (the hot "nothing activated" check stays at one stat).
            if matches!(now, Some(None)) && c.stamp.is_none() && c.bytes.is_none() {
                return None;
            }
            let fresh = match now {
                None => true,
                Some(s) => !self.no_cache && c.stamp.is_some() && c.stamp == s,
            };
            if fresh {
                if let Some(v) = c.parsed.as_ref().and_then(|p| p.downcast_ref::<T>()) {
                    return Some(v.clone());
                }
                if now.is_none() || c.bytes.is_none() {
                    let bytes = c.bytes.clone()?;
                    let v: T = seal::open(&self.key, kind_tag(kind), &bytes)?;
                    if let Some(c) = self.cache[kind as usize].as_mut() {
                        c.parsed = Some(Box::new(v.clone()));
                    }
                    return Some(v);
                }
            }
        }
        let path = self.path(kind)?;
        let stamp_now = now.flatten();
        let bytes = stamp_now.and_then(|_| atomic::read_bounded(&path));
        let parsed: Option<T> = bytes
            .as_deref()
            .and_then(|b| seal::open(&self.key, kind_tag(kind), b));
        self.cache[kind as usize] = Some(Cached {
            stamp: stamp_now,
            bytes,
            parsed: parsed.clone().map(|v| Box::new(v) as Box<dyn Any + Send>),
        });
        parsed
    }

    /// True when the record's file changed since it was last read here
    /// (always false in memory mode).
    pub fn changed_since_read(&mut self, kind: RecordKind) -> bool {
        match self.stamp(kind) {
            None => false,
            Some(now) => self.cache[kind as usize]
                .as_ref()
                .is_none_or(|c| c.stamp != now),
        }
    }

    /// Seals and writes a record atomically.
    pub fn write<T: Serialize>(&mut self, kind: RecordKind, value: &T) -> Result<(), StoreError> {
        let bytes = seal::seal(&self.key, kind_tag(kind), value);
        match self.path(kind) {
            None => {
                self.cache[kind as usize] = Some(Cached {
                    stamp: None,
                    bytes: Some(bytes),
                    parsed: None,
                });
                Ok(())
            }
            Some(path) => {
                if !self.dir_exists {
                    let dir = path.parent().ok_or(StoreError::Permission)?;
                    atomic::create_private_dir(dir).map_err(|_| StoreError::Permission)?;
                    self.dir_exists = true;
                }
                atomic::write_atomic(&path, &bytes).map_err(|_| StoreError::Permission)?;
                let stamp = self.stamp(kind).flatten();
                self.cache[kind as usize] = Some(Cached {
                    stamp,
                    bytes: Some(bytes),
                    parsed: None,
                });
                Ok(())
            }
        }
    }

    /// Removes a record.
    pub fn remove(&mut self, kind: RecordKind) {
        if let Some(path) = self.path(kind) {
            let _ = std::fs::remove_file(&path);
            atomic::sync_parent(&path);
        }
        self.cache[kind as usize] = None;
    }

    /// Writes a record to an extra private location too (the local trial's
    /// second copy), sealed with the same key.
    pub fn write_copy<T: Serialize>(&self, path: &Path, kind: RecordKind, value: &T) {
        if let Some(dir) = path.parent() {
            if atomic::create_private_dir(dir).is_ok() {
                let _ = atomic::write_atomic(path, &seal::seal(&self.key, kind_tag(kind), value));
            }
        }
    }

    /// Reads a record from an extra location.
    pub fn read_copy<T: DeserializeOwned>(&self, path: &Path, kind: RecordKind) -> Option<T> {
        seal::open(&self.key, kind_tag(kind), &atomic::read_bounded(path)?)
    }
}

fn kind_tag(kind: RecordKind) -> &'static [u8] {
    kind.file_name().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct R {
        a: String,
    }

    fn store(dir: &Path, binding: &[u8]) -> Store {
        let loc = Location::custom(dir.to_path_buf(), PermissionFlag::User);
        Store::open(loc, "pid", binding).unwrap()
    }

    #[test]
    fn write_read_remove() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path(), b"dev");
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
        s.write(RecordKind::Activation, &R { a: "x".into() })
            .unwrap();
        assert_eq!(
            s.read::<R>(RecordKind::Activation),
            Some(R { a: "x".into() })
        );
        s.remove(RecordKind::Activation);
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("store");
        let mut s = store(&sub, b"dev");
        s.write(RecordKind::Trial, &R { a: "x".into() }).unwrap();
        let dm = std::fs::metadata(&sub).unwrap().permissions().mode() & 0o777;
        let fm = std::fs::metadata(sub.join("trial.olx"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!((dm, fm), (0o700, 0o600));
    }

    #[test]
    fn edited_truncated_or_foreign_records_read_as_absent() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path(), b"dev");
        s.write(RecordKind::Activation, &R { a: "x".into() })
            .unwrap();
        let p = d.path().join("activation.olx");
        let orig = std::fs::read(&p).unwrap();
        // another device reads the copied file
        let mut other = store(d.path(), b"other-device");
        assert_eq!(other.read::<R>(RecordKind::Activation), None);
        // edited
        let edited = String::from_utf8(orig.clone())
            .unwrap()
            .replace("\"x\"", "\"y\"");
        std::fs::write(&p, edited).unwrap();
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
        // truncated
        std::fs::write(&p, &orig[..orig.len() / 2]).unwrap();
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
        // garbage
        std::fs::write(&p, [0xffu8; 100]).unwrap();
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
        // and writing again recovers
        s.write(RecordKind::Activation, &R { a: "z".into() })
            .unwrap();
        assert_eq!(
            s.read::<R>(RecordKind::Activation),
            Some(R { a: "z".into() })
        );
    }

    #[test]
    fn notices_external_changes() {
        let d = tempfile::tempdir().unwrap();
        let mut a = store(d.path(), b"dev");
        let mut b = store(d.path(), b"dev");
        a.write(RecordKind::LocalTrial, &R { a: "1".into() })
            .unwrap();
        assert_eq!(
            b.read::<R>(RecordKind::LocalTrial),
            Some(R { a: "1".into() })
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        a.write(RecordKind::LocalTrial, &R { a: "2".into() })
            .unwrap();
        assert!(b.changed_since_read(RecordKind::LocalTrial));
        assert_eq!(
            b.read::<R>(RecordKind::LocalTrial),
            Some(R { a: "2".into() })
        );
    }

    #[test]
    fn the_directory_appears_with_the_first_record() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("a/b/store");
        let mut s = store(&sub, b"dev");
        assert!(!sub.exists(), "opening writes nothing");
        assert_eq!(s.read::<R>(RecordKind::Activation), None);
        s.write(RecordKind::Activation, &R { a: "x".into() })
            .unwrap();
        assert!(!s.changed_since_read(RecordKind::Activation));
        assert_eq!(
            s.read::<R>(RecordKind::Activation),
            Some(R { a: "x".into() })
        );
        // In the way: a file where a directory should be.
        std::fs::write(d.path().join("file"), b"").unwrap();
        let loc = Location::custom(d.path().join("file/store"), PermissionFlag::User);
        assert_eq!(
            Store::open(loc, "pid", b"dev").unwrap_err(),
            StoreError::Permission
        );
    }

    #[test]
    fn in_memory_persists_nothing() {
        let mut s = Store::open(Location::in_memory(), "pid", b"dev").unwrap();
        s.write(RecordKind::Activation, &R { a: "m".into() })
            .unwrap();
        assert_eq!(
            s.read::<R>(RecordKind::Activation),
            Some(R { a: "m".into() })
        );
        assert!(s.location().path.is_none());
    }
}
