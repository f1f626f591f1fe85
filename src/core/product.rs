//! Product data (SetProductData / SetProductFile) and the product context
//! (SetProductId).

use std::path::Path;

use openlex_wire::product_data::{self, Parsed};

use super::state::{self, Context};
use crate::status::{LaResult, Status};
use crate::store::{Location, PermissionFlag, Store};
use crate::token::ProductKey;

/// Parsed product data.
#[derive(Clone, Debug)]
pub struct Product {
    /// Product id from the data; empty for a bare public key.
    pub id: String,
    /// The product's token verification key.
    pub key: ProductKey,
    /// Account id; empty when none.
    pub account_id: String,
    /// API host from the data; empty = default.
    pub host: String,
}

/// Largest product file read by SetProductFile.
const MAX_PRODUCT_FILE: u64 = 64 * 1024;

/// Parses product data text.
pub fn parse(text: &str) -> Result<Product, Status> {
    match product_data::parse(text).ok_or(Status::ProductData)? {
        Parsed::Full(pd) => {
            let der = pd.public_key_der().ok_or(Status::ProductData)?;
            let key = ProductKey::from_spki_der(&der).ok_or(Status::ProductData)?;
            Ok(Product {
                id: pd.product_id,
                key,
                account_id: pd.account_id,
                host: pd.host,
            })
        }
        Parsed::BareKey(der) => {
            let key = ProductKey::from_spki_der(&der).ok_or(Status::ProductData)?;
            Ok(Product {
                id: String::new(),
                key,
                account_id: String::new(),
                host: String::new(),
            })
        }
    }
}

/// SetProductData. A rejected call forgets any earlier product, as the
/// vendor's does (IsLicenseGenuine then reports 43).
pub fn set_product_data(text: &str) -> LaResult {
    let parsed = parse(text);
    let mut st = state::lock();
    st.ctx = None;
    st.activation = None;
    st.trial = None;
    match parsed {
        Ok(p) => {
            st.product = Some(p);
            Ok(Status::Ok)
        }
        Err(e) => {
            st.product = None;
            Err(e)
        }
    }
}

/// SetProductFile (deprecated): product data read from a file.
pub fn set_product_file(path: &str) -> LaResult {
    let text = read_small_file(Path::new(path), MAX_PRODUCT_FILE).map_err(|_| Status::FilePath)?;
    let text = String::from_utf8(text).map_err(|_| Status::ProductFile)?;
    set_product_data(&text).map_err(|e| {
        if e == Status::ProductData {
            Status::ProductFile
        } else {
            e
        }
    })
}

/// Reads a file of at most `max` bytes.
pub fn read_small_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("not a file"));
    }
    let mut buf = Vec::new();
    f.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(std::io::Error::other("too large"));
    }
    Ok(buf)
}

/// SetProductId: checks in the vendor's order (42, 105, 43, 44, 45), computes
/// the device fingerprint and opens the store. `id` is `None` when the
/// argument was NULL or not a valid string: that is LA_E_PRODUCT_ID, but only
/// at its place in the order.
pub fn set_product_id(id: Option<&str>, flags: u32) -> LaResult {
    let (data_dir, data_id) = {
        let st = state::lock();
        let p = st.product.as_ref().ok_or(Status::ProductData)?;
        (st.data_dir.clone(), p.id.clone())
    };
    let flag = PermissionFlag::from_u32(flags).ok_or(Status::InvalidPermissionFlag)?;
    let id = id.ok_or(Status::ProductId)?;
    if !product_data::is_guid(id) || (!data_id.is_empty() && !data_id.eq_ignore_ascii_case(id)) {
        return Err(Status::ProductId);
    }
    let device = openlex_device::device_info();
    let home = device.home_dir.as_deref();
    let location = Location::resolve(flag, data_dir.as_deref(), id, home);
    let attempted = location
        .clone()
        .unwrap_or_else(|_| fallback_location(flag, id));
    state::lock().last_location = Some(attempted);
    let location = location.map_err(Status::from)?;
    let binding = store_binding(device);
    let store = Store::open(location, id, &binding).map_err(|_| Status::FilePermission)?;
    let device_fingerprint = openlex_device::fingerprint(id, device);

    let mut st = state::lock();
    let mut store = store;
    store.no_cache = st.no_cache;
    st.ctx = Some(Context {
        product_id: id.to_owned(),
        flag,
        store,
        device_fingerprint,
    });
    st.activation = None;
    st.trial = None;
    super::activation::load_stored_key(&mut st);
    Ok(Status::Ok)
}

/// The path GetDataStoreInfo reports when SetProductId failed on permissions.
fn fallback_location(flag: PermissionFlag, id: &str) -> Location {
    let dir = match flag {
        PermissionFlag::System => std::path::PathBuf::from("/var/lib/openlex"),
        _ => std::path::PathBuf::new(),
    };
    Location {
        path: Some(dir.join(id.to_ascii_lowercase())),
        flag,
        kind: crate::store::StorageKind::File,
        custom: false,
    }
}

/// What ties stored records to this device: the OS installation id, or the
/// host name where there is none.
pub(crate) fn store_binding(device: &openlex_device::DeviceInfo) -> Vec<u8> {
    if device.components.base.is_empty() {
        device.hostname.as_bytes().to_vec()
    } else {
        device.components.base.clone()
    }
}

/// GetProductId.
pub fn product_id() -> Result<String, Status> {
    let st = state::lock();
    let p = st.product.as_ref().ok_or(Status::ProductData)?;
    if !p.id.is_empty() {
        return Ok(p.id.clone());
    }
    Ok(st
        .ctx
        .as_ref()
        .map(|c| c.product_id.clone())
        .unwrap_or_default())
}

/// GetAccountId.
pub fn account_id() -> Result<String, Status> {
    let st = state::lock();
    Ok(st
        .product
        .as_ref()
        .ok_or(Status::ProductData)?
        .account_id
        .clone())
}

/// Data for GetDataStoreInfo(Internal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataStoreInfo {
    /// `file` or `in-memory`.
    pub storage_kind: &'static str,
    /// `la-user`, `la-system`, `la-all-users`, `la-in-memory`.
    pub permission_flag: &'static str,
    /// Set through SetDataDirectory.
    pub is_custom_data_directory: bool,
    /// Directory of the product's records; empty in memory.
    pub path: String,
}

/// GetDataStoreInfo: valid after SetProductId (also after it failed on permissions).
pub fn data_store_info() -> Result<DataStoreInfo, Status> {
    let st = state::lock();
    let loc = match (&st.ctx, &st.last_location) {
        (Some(c), _) => c.store.location().clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => return Err(Status::ProductId),
    };
    Ok(DataStoreInfo {
        storage_kind: loc.kind.name(),
        permission_flag: loc.flag.name(),
        is_custom_data_directory: loc.custom,
        path: loc
            .path
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })
}
