//! User authentication, the user's licenses, and license lookup.

use openlex_wire::requests::{
    LicenseLookup, LoginRequest, LoginResponse, OidcLoginRequest, UserLicense,
};

use super::request;
use super::state;
use crate::net::{self, errors::Call, Method};
use crate::status::{LaResult, Status};

fn login(path: &str, body: Vec<u8>, settings: net::Settings, call: Call) -> LaResult {
    let r = net::send(&settings, Method::Post, path, Some(&body), None)?;
    if !r.ok() {
        return Err(net::errors::map(r.status, &r.body, call));
    }
    let resp: LoginResponse = serde_json::from_slice(&r.body).map_err(|_| Status::Fail)?;
    if resp.access_token.is_empty() {
        return Err(Status::Fail);
    }
    state::lock().user_access_token = Some(resp.access_token);
    Ok(Status::Ok)
}

/// AuthenticateUser.
pub fn authenticate(email: &str, password: &str) -> LaResult {
    let (settings, body) = {
        let st = state::lock();
        let snap = request::snapshot(&st)?;
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            account_id: snap.account_id.clone(),
            two_factor_code: st.two_factor_code.clone(),
        };
        (snap.net, request::to_json(&body))
    };
    login("/v3/accounts/login", body, settings, Call::Login)
}

/// AuthenticateUserWithIdToken.
pub fn authenticate_with_id_token(id_token: &str) -> LaResult {
    let (settings, body) = {
        let st = state::lock();
        let snap = request::snapshot(&st)?;
        (
            snap.net,
            request::to_json(&OidcLoginRequest {
                id_token: id_token.to_owned(),
                account_id: snap.account_id,
            }),
        )
    };
    login(
        "/v3/accounts/login-oidc",
        body,
        settings,
        Call::IdTokenLogin,
    )
}

/// GetUserLicenses: needs AuthenticateUser first (else 87).
pub fn user_licenses() -> Result<Vec<UserLicense>, Status> {
    let (snap, token) = {
        let st = state::lock();
        let snap = request::snapshot(&st)?;
        (
            snap,
            st.user_access_token
                .clone()
                .ok_or(Status::UserNotAuthenticated)?,
        )
    };
    let path = format!(
        "/v3/me/licenses?productId={}",
        net::encode_component(&snap.product_id)
    );
    let r = net::send(&snap.net, Method::Get, &path, None, Some(&token))?;
    if r.status == 401 {
        return Err(Status::UserNotAuthenticated);
    }
    if !r.ok() {
        return Err(net::errors::map(r.status, &r.body, Call::Other));
    }
    serde_json::from_slice(&r.body).map_err(|_| Status::Fail)
}

/// LookupLicense: needs only product data (42 without it).
pub fn lookup_license(key: &str) -> Result<LicenseLookup, Status> {
    super::limits::license_key(key)?;
    let snap = {
        let st = state::lock();
        let product = st.product.as_ref().ok_or(Status::ProductData)?;
        let mut snap = match request::snapshot(&st) {
            Ok(s) => s,
            Err(_) => {
                let host = if !st.net.host.is_empty() {
                    st.net.host.clone()
                } else if !product.host.is_empty() {
                    product.host.clone()
                } else {
                    net::DEFAULT_HOST.to_owned()
                };
                request::Snapshot {
                    net: net::Settings {
                        host,
                        proxy: st.net.proxy.clone(),
                        tls_verify: st.net.tls_verify,
                    },
                    product_id: product.id.clone(),
                    account_id: product.account_id.clone(),
                    key: String::new(),
                    fingerprint: String::new(),
                }
            }
        };
        if snap.product_id.is_empty() {
            snap.product_id = product.id.clone();
        }
        snap
    };
    let path = format!(
        "/v3/licenses/lookup?key={}&productId={}&accountId={}",
        net::encode_component(key),
        net::encode_component(&snap.product_id),
        net::encode_component(&snap.account_id)
    );
    let r = net::send(&snap.net, Method::Get, &path, None, None)?;
    if !r.ok() {
        return Err(net::errors::map(r.status, &r.body, Call::Other));
    }
    serde_json::from_slice(&r.body).map_err(|_| Status::Fail)
}
