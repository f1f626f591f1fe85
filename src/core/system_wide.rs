//! MigrateToSystemWideActivation: moves a product's records from a per-user
//! store to the system-wide one (Windows, macOS). On Linux LA_ALL_USERS is the
//! per-user store, so there is nothing to migrate and the vendor returns 1.

use super::state;
use crate::status::{LaResult, Status};
use crate::store::{Location, PermissionFlag, RecordKind, Store};

/// Migrates from `old_flag` to LA_ALL_USERS for the current product.
pub fn migrate(old_flag: u32) -> LaResult {
    let (pid, data_dir) = {
        let st = state::lock();
        if st.product.is_none() {
            return Err(Status::ProductData);
        }
        let ctx = st.ctx.as_ref().ok_or(Status::ProductId)?;
        (ctx.product_id.clone(), st.data_dir.clone())
    };
    let old = PermissionFlag::from_u32(old_flag).ok_or(Status::InvalidPermissionFlag)?;
    if data_dir.is_some() {
        // Custom data directories are not migrated (vendor behaviour).
        return Err(Status::Fail);
    }
    let device = openlex_device::device_info();
    let home = device.home_dir.as_deref();
    let from = Location::resolve(old, None, &pid, home).map_err(Status::from)?;
    let to = Location::resolve(PermissionFlag::AllUsers, None, &pid, home).map_err(Status::from)?;
    if from.path == to.path || from.path.is_none() {
        return Err(Status::Fail);
    }
    let binding = super::product::store_binding(device);
    let mut src = Store::open(from, &pid, &binding).map_err(|_| Status::FilePermission)?;
    let mut dst = Store::open(to, &pid, &binding).map_err(|_| Status::FilePermission)?;
    for kind in [RecordKind::Activation, RecordKind::Trial] {
        if let Some(v) = src.read::<serde_json::Value>(kind) {
            dst.write(kind, &v).map_err(|_| Status::FilePermission)?;
            src.remove(kind);
        }
    }
    Ok(Status::Ok)
}
