//! Struct-based getters and their JSON `*Internal` forms (what the vendor's
//! own wrappers call), plus the data-store and license lookup entry points.

use std::os::raw::c_int;

use serde::Serialize;

use super::args::{array_out, buf_out, fits, str_in, struct_out, Staged};
use super::guard::{done, guard};
use super::types::{self, CSTRTYPE, STRTYPE};
use crate::core::{getters, product, users};
use crate::status::Status;
use openlex_wire::claims;

fn json<T: Serialize>(v: &T) -> Result<String, Status> {
    serde_json::to_string(v).map_err(|_| Status::Fail)
}

fn stage_entitlement<'a>(
    out: &mut Staged<'a>,
    dst: &'a mut types::FeatureEntitlement,
    src: &claims::FeatureEntitlement,
) -> Result<(), Status> {
    out.field(&mut dst.featureName, &src.feature_name)?;
    out.field(&mut dst.featureDisplayName, &src.feature_display_name)?;
    out.field(&mut dst.value, &src.value)?;
    out.field(&mut dst.baseValue, &src.base_value)?;
    out.set(&mut dst.expiresAt, src.expires_at);
    Ok(())
}

/// Writes the license's feature entitlements into an array of `length` structs. Prefer the JSON
/// form: this one cannot report how many it wrote (unused entries are zeroed).
///
/// Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE (more entitlements than `length`, or a field too long).
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetFeatureEntitlements(
    featureEntitlements: *mut types::FeatureEntitlement,
    length: u32,
) -> c_int {
    guard(|| {
        let list = getters::feature_entitlements()?;
        fits(list.len(), length as usize)?;
        let arr = unsafe { array_out(featureEntitlements, length) }?;
        let empty = claims::FeatureEntitlement::default();
        let mut out = Staged::new();
        for (i, dst) in arr.iter_mut().enumerate() {
            stage_entitlement(&mut out, dst, list.get(i).unwrap_or(&empty))?;
        }
        done(out.commit())
    })
}

/// Writes one feature entitlement by name (case-insensitive).
///
/// Returns LA_OK, LA_FAIL, LA_E_FEATURE_ENTITLEMENT_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetFeatureEntitlement(
    featureName: CSTRTYPE,
    featureEntitlement: *mut types::FeatureEntitlement,
) -> c_int {
    guard(|| {
        let name = unsafe { str_in(featureName, Status::FeatureEntitlementNotFound) }?;
        let fe = getters::feature_entitlement(&name)?;
        let mut out = Staged::new();
        stage_entitlement(&mut out, unsafe { struct_out(featureEntitlement) }?, &fe)?;
        done(out.commit())
    })
}

/// JSON array of the license's feature entitlements:
/// `[{"featureName","featureDisplayName","value","baseValue","expiresAt"}]`.
///
/// Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetFeatureEntitlementsInternal(
    featureEntitlementsJson: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| {
        done(unsafe {
            buf_out(
                featureEntitlementsJson,
                length,
                &json(&getters::feature_entitlements()?)?,
            )
        })
    })
}

/// JSON object of one feature entitlement.
///
/// Returns LA_OK, LA_FAIL, LA_E_FEATURE_ENTITLEMENT_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetFeatureEntitlementInternal(
    featureName: CSTRTYPE,
    featureEntitlementJson: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| {
        let name = unsafe { str_in(featureName, Status::FeatureEntitlementNotFound) }?;
        done(unsafe {
            buf_out(
                featureEntitlementJson,
                length,
                &json(&getters::feature_entitlement(&name)?)?,
            )
        })
    })
}

/// Writes the organization address. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseOrganizationAddress(
    organizationAddress: *mut types::OrganizationAddress,
) -> c_int {
    guard(|| {
        let a = getters::organization_address()?;
        let dst = unsafe { struct_out(organizationAddress) }?;
        let mut out = Staged::new();
        out.field(&mut dst.addressLine1, &a.address_line1)?;
        out.field(&mut dst.addressLine2, &a.address_line2)?;
        out.field(&mut dst.city, &a.city)?;
        out.field(&mut dst.state, &a.state)?;
        out.field(&mut dst.country, &a.country)?;
        out.field(&mut dst.postalCode, &a.postal_code)?;
        done(out.commit())
    })
}

/// JSON of the organization address (`{"addressLine1",...,"postalCode"}`).
/// Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseOrganizationAddressInternal(
    organizationAddress: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| {
        done(unsafe {
            buf_out(
                organizationAddress,
                length,
                &json(&getters::organization_address()?)?,
            )
        })
    })
}

/// Writes the authenticated user's licenses (network; needs AuthenticateUser first) into an array
/// of `length` structs. Prefer the JSON form.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_USER_NOT_AUTHENTICATED, LA_E_INET, LA_E_SERVER,
/// LA_E_RATE_LIMIT, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread; blocks for the network call (bounded).
#[no_mangle]
pub unsafe extern "C" fn GetUserLicenses(
    userLicenses: *mut types::UserLicense,
    length: u32,
) -> c_int {
    guard(|| {
        let list = users::user_licenses()?;
        fits(list.len(), length as usize)?;
        let arr = unsafe { array_out(userLicenses, length) }?;
        let mut out = Staged::new();
        for (dst, src) in arr.iter_mut().zip(list.iter()) {
            fits(src.metadata.len(), dst.metadata.len())?;
            out.set(&mut dst.allowedActivations, src.allowed_activations);
            out.set(&mut dst.allowedDeactivations, src.allowed_deactivations);
            out.set(&mut dst.totalActivations, src.total_activations);
            out.set(&mut dst.totalDeactivations, src.total_deactivations);
            out.field(&mut dst.key, &src.key)?;
            out.field(&mut dst.r#type, &src.r#type)?;
            for (i, m) in dst.metadata.iter_mut().enumerate() {
                let e = src.metadata.get(i).cloned().unwrap_or_default();
                out.field(&mut m.key, &e.key)?;
                out.field(&mut m.value, &e.value)?;
            }
        }
        done(out.commit())
    })
}

/// JSON array of the authenticated user's licenses (network). Returns as GetUserLicenses.
/// Thread safety: safe to call from any thread; blocks for the network call (bounded).
#[no_mangle]
pub unsafe extern "C" fn GetUserLicensesInternal(userLicenses: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(userLicenses, length, &json(&users::user_licenses()?)?) }))
}

/// Writes where the library stores data (valid after SetProductId).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_BUFFER_SIZE, LA_FAIL (NULL).
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetDataStoreInfo(dataStoreInfo: *mut types::DataStoreInfo) -> c_int {
    guard(|| {
        let info = product::data_store_info()?;
        let dst = unsafe { struct_out(dataStoreInfo) }?;
        let mut out = Staged::new();
        out.field(&mut dst.storageKind, info.storage_kind)?;
        out.field(&mut dst.permissionFlag, info.permission_flag)?;
        out.set(
            &mut dst.isCustomDataDirectory,
            u32::from(info.is_custom_data_directory),
        );
        out.field(&mut dst.path, &info.path)?;
        done(out.commit())
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataStoreInfoJson<'a> {
    storage_kind: &'a str,
    permission_flag: &'a str,
    is_custom_data_directory: bool,
    path: &'a str,
}

/// JSON of the data store info:
/// `{"storageKind","permissionFlag","isCustomDataDirectory":bool,"path"}`.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetDataStoreInfoInternal(dataStoreInfo: STRTYPE, length: u32) -> c_int {
    guard(|| {
        let i = product::data_store_info()?;
        let j = DataStoreInfoJson {
            storage_kind: i.storage_kind,
            permission_flag: i.permission_flag,
            is_custom_data_directory: i.is_custom_data_directory,
            path: &i.path,
        };
        done(unsafe { buf_out(dataStoreInfo, length, &json(&j)?) })
    })
}

/// Looks a license key up on the server (network; needs only SetProductData): key and type.
///
/// Returns LA_OK, LA_E_PRODUCT_DATA, LA_E_LICENSE_KEY, LA_E_INET, LA_E_SERVER, LA_E_CLIENT,
/// LA_E_RATE_LIMIT, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread; blocks for the network call (bounded).
#[no_mangle]
pub unsafe extern "C" fn LookupLicense(
    licenseKey: CSTRTYPE,
    licenseLookupInfo: *mut types::LicenseLookupInfo,
) -> c_int {
    guard(|| {
        let key = unsafe { str_in(licenseKey, Status::LicenseKey) }?;
        let l = users::lookup_license(&key)?;
        let dst = unsafe { struct_out(licenseLookupInfo) }?;
        let mut out = Staged::new();
        out.field(&mut dst.key, &l.key)?;
        out.field(&mut dst.r#type, &l.r#type)?;
        done(out.commit())
    })
}

/// JSON form of LookupLicense: `{"key","type"}`. Returns as LookupLicense.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn LookupLicenseInternal(
    licenseKey: CSTRTYPE,
    licenseLookupInfo: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| {
        let key = unsafe { str_in(licenseKey, Status::LicenseKey) }?;
        done(unsafe {
            buf_out(
                licenseLookupInfo,
                length,
                &json(&users::lookup_license(&key)?)?,
            )
        })
    })
}
