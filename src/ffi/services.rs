//! Meter attributes, release updates and user authentication exports.

use std::os::raw::{c_int, c_void};

use super::args::{callback_string, field_out, str_in};
use super::guard::guard;
use super::status::code;
use super::types::{
    self, CallbackType, ReleaseCallbackType, ReleaseCallbackTypeInternal, CSTRTYPE,
};
use crate::core::meters::{self, MeterChange};
use crate::core::releases::{self, ReleaseQuery};
use crate::core::users;
use crate::status::{LaResult, Status};
use openlex_wire::requests::Release;

/// Adds uses to a meter attribute of this activation (network).
///
/// Returns LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_METER_ATTRIBUTE_NOT_FOUND,
/// LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED, LA_E_INET, LA_E_TIME, LA_E_SERVER, LA_E_CLIENT,
/// LA_E_RATE_LIMIT, LA_E_LICENSE_KEY. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn IncrementActivationMeterAttributeUses(
    name: CSTRTYPE,
    increment: u32,
) -> c_int {
    guard(|| {
        meters::change(
            &unsafe { str_in(name, Status::MeterAttributeNotFound) }?,
            MeterChange::Increment(increment),
        )
    })
}

/// Removes uses from a meter attribute (clamped at 0; network). Returns as Increment, plus
/// LA_E_ACTIVATION_NOT_FOUND.
/// Thread safety: safe to call from any thread; blocks for the network call (bounded).
#[no_mangle]
pub unsafe extern "C" fn DecrementActivationMeterAttributeUses(
    name: CSTRTYPE,
    decrement: u32,
) -> c_int {
    guard(|| {
        meters::change(
            &unsafe { str_in(name, Status::MeterAttributeNotFound) }?,
            MeterChange::Decrement(decrement),
        )
    })
}

/// Resets a meter attribute's uses to 0 (network). Returns as Decrement.
/// Thread safety: safe to call from any thread; blocks for the network call (bounded).
#[no_mangle]
pub unsafe extern "C" fn ResetActivationMeterAttributeUses(name: CSTRTYPE) -> c_int {
    guard(|| {
        meters::change(
            &unsafe { str_in(name, Status::MeterAttributeNotFound) }?,
            MeterChange::Reset,
        )
    })
}

/// `userData` crosses to the release thread; the host owns what it points to.
#[derive(Clone, Copy)]
struct UserData(*mut c_void);
// SAFETY: the pointer is only handed back to the host's callback, never dereferenced here.
unsafe impl Send for UserData {}

fn fill_release(dst: &mut types::Release, r: &Release) {
    // Fields too long for the vendor's fixed sizes are left empty rather than truncated.
    dst.totalFiles = r.total_files;
    dst.isPrivate = c_int::from(r.is_private);
    dst.published = c_int::from(r.published);
    let _ = field_out(&mut dst.id, &r.id);
    let _ = field_out(&mut dst.createdAt, &r.created_at);
    let _ = field_out(&mut dst.updatedAt, &r.updated_at);
    let _ = field_out(&mut dst.name, &r.name);
    let _ = field_out(&mut dst.channel, &r.channel);
    let _ = field_out(&mut dst.version, &r.version);
    let _ = field_out(&mut dst.notes, &r.notes);
    let _ = field_out(&mut dst.publishedAt, &r.published_at);
    let _ = field_out(&mut dst.productId, &r.product_id);
    for (d, p) in dst.platforms.iter_mut().zip(r.platforms.iter()) {
        let _ = field_out(d, p);
    }
    for (d, f) in dst.files.iter_mut().zip(r.files.iter()) {
        d.size = f.size;
        d.downloads = f.downloads;
        d.secured = c_int::from(f.secured);
        let _ = field_out(&mut d.id, &f.id);
        let _ = field_out(&mut d.name, &f.name);
        let _ = field_out(&mut d.url, &f.url);
        let _ = field_out(&mut d.extension, &f.extension);
        let _ = field_out(&mut d.checksum, &f.checksum);
        let _ = field_out(&mut d.releaseId, &f.release_id);
        let _ = field_out(&mut d.createdAt, &f.created_at);
        let _ = field_out(&mut d.updatedAt, &f.updated_at);
    }
}

fn zeroed_release() -> Box<types::Release> {
    // SAFETY: Release is plain integers and character arrays; all-zero is a valid value.
    unsafe { Box::<types::Release>::new_zeroed().assume_init() }
}

/// Checks for a newer release of the version/platform/channel set with SetReleaseVersion,
/// SetReleasePlatform and SetReleaseChannel. Returns at once; `releaseUpdateCallback` runs on a
/// library thread with LA_RELEASE_UPDATE_AVAILABLE, LA_RELEASE_UPDATE_NOT_AVAILABLE,
/// LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED or an error status, the release (valid only during the
/// call) and `userData`. `releaseFlags`: LA_RELEASES_ALL or LA_RELEASES_ALLOWED.
///
/// Returns LA_OK, LA_FAIL (NULL callback), LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_RELEASE_VERSION,
/// LA_E_RELEASE_PLATFORM, LA_E_RELEASE_CHANNEL. Thread safety: safe.
#[no_mangle]
pub extern "C" fn CheckReleaseUpdate(
    releaseUpdateCallback: ReleaseCallbackType,
    releaseFlags: u32,
    userData: *mut c_void,
) -> c_int {
    guard(|| {
        let cb = releaseUpdateCallback.ok_or(Status::Fail)?;
        let ud = UserData(userData);
        releases::check(
            ReleaseQuery::from_settings(releaseFlags)?,
            Box::new(move |status: LaResult, release: Option<Release>| {
                let ud = ud;
                let mut r = zeroed_release();
                if let Some(rel) = &release {
                    fill_release(&mut r, rel);
                }
                // SAFETY: the host registered `cb` with this signature; `r` lives across the call.
                unsafe { cb(code(status), &mut *r, ud.0) };
            }),
        )
    })
}

/// JSON form of CheckReleaseUpdate: the callback receives the release as JSON (the shape of the
/// vendor's wrappers: `totalFiles, isPrivate, published, id, ..., platforms[], files[]`).
/// Returns as CheckReleaseUpdate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub extern "C" fn CheckReleaseUpdateInternal(
    releaseUpdateCallback: ReleaseCallbackTypeInternal,
    releaseFlags: u32,
    userData: *mut c_void,
) -> c_int {
    guard(|| {
        let cb = releaseUpdateCallback.ok_or(Status::Fail)?;
        let ud = UserData(userData);
        releases::check(
            ReleaseQuery::from_settings(releaseFlags)?,
            Box::new(move |status: LaResult, release: Option<Release>| {
                let ud = ud;
                let text = serde_json::to_string(&release.unwrap_or_default()).unwrap_or_default();
                let s = callback_string(&text);
                // SAFETY: the host registered `cb` with this signature; `s` lives across the call.
                unsafe { cb(code(status), s.as_ptr(), ud.0) };
            }),
        )
    })
}

/// Checks for an update (deprecated): platform, version and channel given here; the callback
/// gets only the status. Returns LA_OK, LA_FAIL (NULL callback), LA_E_PRODUCT_ID,
/// LA_E_LICENSE_KEY, LA_E_RELEASE_VERSION_FORMAT.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn CheckForReleaseUpdate(
    platform: CSTRTYPE,
    version: CSTRTYPE,
    channel: CSTRTYPE,
    releaseUpdateCallback: CallbackType,
) -> c_int {
    guard(|| {
        let platform = unsafe { str_in(platform, Status::ReleasePlatform) }?;
        let version = unsafe { str_in(version, Status::ReleaseVersionFormat) }?;
        let channel = unsafe { str_in(channel, Status::ReleaseChannel) }?;
        let query = ReleaseQuery::explicit(&platform, &version, &channel)?;
        let cb = releaseUpdateCallback.ok_or(Status::Fail)?;
        releases::check(
            query,
            Box::new(move |status: LaResult, _release: Option<Release>| {
                // SAFETY: the host registered `cb` as `void(uint32_t)`.
                unsafe { cb(code(status) as u32) };
            }),
        )
    })
}

/// Authenticates a user (POST /v3/accounts/login) for user-locked licenses and GetUserLicenses.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT,
/// LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING, LA_E_AUTHENTICATION_FAILED,
/// LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID, LA_E_LOGIN_TEMPORARILY_LOCKED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn AuthenticateUser(email: CSTRTYPE, password: CSTRTYPE) -> c_int {
    guard(|| {
        let email = unsafe { str_in(email, Status::AuthenticationFailed) }?;
        let password = unsafe { str_in(password, Status::AuthenticationFailed) }?;
        users::authenticate(&email, &password)
    })
}

/// Authenticates a user with an OIDC id token (POST /v3/accounts/login-oidc).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT,
/// LA_E_AUTHENTICATION_ID_TOKEN_INVALID, LA_E_OIDC_SSO_NOT_ENABLED, LA_E_USERS_LIMIT_REACHED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn AuthenticateUserWithIdToken(idToken: CSTRTYPE) -> c_int {
    guard(|| {
        users::authenticate_with_id_token(&unsafe {
            str_in(idToken, Status::AuthenticationIdTokenInvalid)
        }?)
    })
}
