//! Offline activation file formats, shared with the library.
//!
//! * An offline **request** is the text `OLREQ1.` followed by base64url
//!   (no padding) of a JSON object: the online request body
//!   (`ActivationRequest`, `TrialActivationRequest` or, for deactivation,
//!   `DeactivationRequest` plus `"activationId"`) with an added
//!   `"kind": "activation" | "trial" | "deactivation"`.
//! * An offline **response** is exactly the JSON body the online endpoint
//!   returns (`{"activationToken": ...}` or `{"trialActivationToken": ...}`);
//!   its token also carries `orv` (unix time until which the response may be
//!   used) and `activationMode` `{initial: "offline", current: "offline"}`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use openlex_wire::ErrorCode;

/// Prefix of an offline request.
pub const REQUEST_PREFIX: &str = "OLREQ1.";

/// Largest accepted offline request (the vendor's 16,384 characters).
pub const MAX_REQUEST_LEN: usize = 16_384;

/// A decoded offline request.
#[derive(Debug, Clone, PartialEq)]
pub enum OfflineRequest {
    /// A license activation.
    Activation(openlex_wire::requests::ActivationRequest),
    /// A verified-trial activation.
    Trial(openlex_wire::requests::TrialActivationRequest),
    /// A deactivation of `activation_id`.
    Deactivation {
        /// The activation being released.
        activation_id: String,
        /// The proof body.
        request: openlex_wire::requests::DeactivationRequest,
    },
}

fn invalid(msg: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidOfflineRequest, msg)
}

/// Parses an offline request; anything malformed is INVALID_OFFLINE_REQUEST.
pub fn parse_request(text: &str) -> ApiResult<OfflineRequest> {
    let text = text.trim();
    if text.len() > MAX_REQUEST_LEN {
        return Err(invalid("offline request too long"));
    }
    let b64 = text
        .strip_prefix(REQUEST_PREFIX)
        .ok_or_else(|| invalid("not an OpenLex offline request"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(b64.as_bytes())
        .map_err(|_| invalid("offline request is not base64url"))?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| invalid("offline request is not JSON"))?;
    let kind = v
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_owned();
    let bad = |_| invalid("offline request body is malformed");
    match kind.as_str() {
        "activation" => Ok(OfflineRequest::Activation(
            serde_json::from_value(v).map_err(bad)?,
        )),
        "trial" => Ok(OfflineRequest::Trial(
            serde_json::from_value(v).map_err(bad)?,
        )),
        "deactivation" => {
            let activation_id = v
                .get("activationId")
                .and_then(|k| k.as_str())
                .unwrap_or_default()
                .to_owned();
            if activation_id.is_empty() {
                return Err(invalid("deactivation request without activationId"));
            }
            Ok(OfflineRequest::Deactivation {
                activation_id,
                request: serde_json::from_value(v).map_err(bad)?,
            })
        }
        _ => Err(invalid("unknown offline request kind")),
    }
}

/// Builds an offline request text (what the library writes to a file).
pub fn build_request<T: Serialize>(
    kind: &str,
    body: &T,
    activation_id: Option<&str>,
) -> ApiResult<String> {
    let mut v = serde_json::to_value(body)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("kind".into(), kind.into());
        if let Some(id) = activation_id {
            o.insert("activationId".into(), id.into());
        }
    }
    Ok(format!(
        "{REQUEST_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v)?)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openlex_wire::requests::{ActivationRequest, DeactivationRequest, TrialActivationRequest};

    #[test]
    fn round_trips() {
        let a = ActivationRequest {
            key: "K".into(),
            ..Default::default()
        };
        assert_eq!(
            parse_request(&build_request("activation", &a, None).unwrap()).unwrap(),
            OfflineRequest::Activation(a)
        );
        let t = TrialActivationRequest {
            product_id: "p".into(),
            ..Default::default()
        };
        assert_eq!(
            parse_request(&build_request("trial", &t, None).unwrap()).unwrap(),
            OfflineRequest::Trial(t)
        );
        let d = DeactivationRequest {
            fingerprint: "f".into(),
            ..Default::default()
        };
        match parse_request(&build_request("deactivation", &d, Some("A1")).unwrap()).unwrap() {
            OfflineRequest::Deactivation {
                activation_id,
                request,
            } => assert_eq!((activation_id.as_str(), request), ("A1", d)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_is_invalid_offline_request() {
        for g in [
            "",
            "OLREQ1.",
            "OLREQ1.!!!",
            "a.b.c",
            &format!("OLREQ1.{}", URL_SAFE_NO_PAD.encode(r#"{"kind":"x"}"#)),
        ] {
            assert_eq!(
                parse_request(g).unwrap_err().code,
                ErrorCode::InvalidOfflineRequest,
                "{g}"
            );
        }
        let d = build_request("deactivation", &DeactivationRequest::default(), None).unwrap();
        assert!(parse_request(&d).is_err());
    }
}
