//! Release update checks (GET /v3/releases/update) on a library thread.

use openlex_wire::requests::Release;

use super::request;
use super::state;
use crate::net::{self, errors::Call, Method};
use crate::status::{LaResult, Status};

/// Receives the check's status and release (empty on errors).
pub type ReleaseCallback = Box<dyn FnOnce(LaResult, Option<Release>) + Send>;

/// What to ask the server.
#[derive(Debug, Clone)]
pub struct ReleaseQuery {
    settings: net::Settings,
    path: String,
    only_allowed: bool,
    max_allowed: String,
}

/// `releaseFlags` bit: report only releases the license allows.
const RELEASES_ALLOWED: u32 = 2;

impl ReleaseQuery {
    fn build(
        platform: &str,
        version: &str,
        channel: &str,
        flags: u32,
    ) -> Result<ReleaseQuery, Status> {
        let mut st = state::lock();
        let snap = request::snapshot(&st)?;
        let max_allowed = super::activation::load_verified(&mut st)
            .map(|v| v.claims.max_allowed_release_version.clone())
            .unwrap_or_default();
        let only_allowed = flags & RELEASES_ALLOWED != 0;
        let path = format!(
            "/v3/releases/update?productId={}&platform={}&channel={}&version={}&key={}&accountId={}&allowed={}",
            net::encode_component(&snap.product_id),
            net::encode_component(platform),
            net::encode_component(channel),
            net::encode_component(version),
            net::encode_component(&snap.key),
            net::encode_component(&snap.account_id),
            only_allowed
        );
        Ok(ReleaseQuery {
            settings: snap.net,
            path,
            only_allowed,
            max_allowed,
        })
    }

    /// From SetReleaseVersion/Platform/Channel, checked in the vendor's order:
    /// 43, then 54 (no key), 84 (version), 85 (platform), 86 (channel).
    pub fn from_settings(flags: u32) -> Result<ReleaseQuery, Status> {
        let (platform, version, channel) = {
            let st = state::lock();
            if st.product.is_none() || st.ctx.is_none() {
                return Err(Status::ProductId);
            }
            if st.license_key.is_empty() {
                return Err(Status::LicenseKey);
            }
            if st.release.version.is_empty() {
                return Err(Status::ReleaseVersion);
            }
            if st.release.platform.is_empty() {
                return Err(Status::ReleasePlatform);
            }
            if st.release.channel.is_empty() {
                return Err(Status::ReleaseChannel);
            }
            (
                st.release.platform.clone(),
                st.release.version.clone(),
                st.release.channel.clone(),
            )
        };
        Self::build(&platform, &version, &channel, flags)
    }

    /// For the deprecated CheckForReleaseUpdate (values given directly).
    pub fn explicit(platform: &str, version: &str, channel: &str) -> Result<ReleaseQuery, Status> {
        {
            let st = state::lock();
            if st.product.is_none() || st.ctx.is_none() {
                return Err(Status::ProductId);
            }
            if st.license_key.is_empty() {
                return Err(Status::LicenseKey);
            }
        }
        if !openlex_wire::version::is_valid_release_version(version) {
            return Err(Status::ReleaseVersionFormat);
        }
        Self::build(platform, version, channel, 1)
    }
}

fn run(q: &ReleaseQuery) -> (LaResult, Option<Release>) {
    crate::fault::point("release");
    let r = match net::send(&q.settings, Method::Get, &q.path, None, None) {
        Ok(r) => r,
        Err(e) => return (Err(e), None),
    };
    if r.status == 204 {
        return (Ok(Status::ReleaseUpdateNotAvailable), None);
    }
    if !r.ok() {
        return (Err(net::errors::map(r.status, &r.body, Call::Other)), None);
    }
    let release: Release = match serde_json::from_slice(&r.body) {
        Ok(rel) => rel,
        Err(_) => return (Err(Status::Fail), None),
    };
    let not_allowed = !q.only_allowed
        && !q.max_allowed.is_empty()
        && openlex_wire::version::compare(&release.version, &q.max_allowed).is_gt();
    let status = if not_allowed {
        Status::ReleaseUpdateAvailableNotAllowed
    } else {
        Status::ReleaseUpdateAvailable
    };
    (Ok(status), Some(release))
}

/// Runs the check on a new thread and hands the result to `cb` there. The
/// work runs under the exports' panic guard: a panic in the check is logged
/// and reported to `cb` as LA_FAIL, so the host is never left waiting.
pub fn check(q: ReleaseQuery, cb: ReleaseCallback) -> LaResult {
    std::thread::Builder::new()
        .name("openlex-release".into())
        .spawn(move || {
            let (status, release) =
                crate::log::catch_panic("the release-update thread", || run(&q))
                    .unwrap_or((Err(Status::Fail), None));
            crate::log::catch_panic("the release callback", move || cb(status, release));
        })
        .map_err(|_| Status::Fail)?;
    Ok(Status::Ok)
}
