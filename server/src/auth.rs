//! Admin API authorisation: personal access tokens and their scopes.
//!
//! A bearer token is looked up by its SHA-256 hash (the only form stored;
//! an indexed unique column), so the cost does not grow with the number of
//! tokens and the lookup compares digests of a 256-bit secret, which leaks
//! nothing useful through timing. Missing, unknown or expired → 401
//! UNAUTHORIZED; known but lacking the scope → 403 FORBIDDEN.
//!
//! Handlers name their scope in their signature (`Admin<scope::LicenseWrite>`,
//! see `http::extract`), so the check runs before the body is read.

use openlex_wire::ErrorCode;

use crate::error::{ApiError, ApiResult};
use crate::resources::access_tokens::{self, AdminToken};
use crate::store::Store;

/// A permission a token can hold. `*` holds all; `module:*` all of a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `product:read`
    ProductRead,
    /// `product:write`
    ProductWrite,
    /// `license:read`
    LicenseRead,
    /// `license:write`
    LicenseWrite,
    /// `activation:read`
    ActivationRead,
    /// `activation:write`
    ActivationWrite,
    /// `release:read`
    ReleaseRead,
    /// `release:write`
    ReleaseWrite,
    /// `user:read`
    UserRead,
    /// `user:write`
    UserWrite,
    /// `entitlement:read`
    EntitlementRead,
    /// `entitlement:write`
    EntitlementWrite,
    /// `token:write`
    TokenWrite,
    /// Moving a test server's clock: held only through `*`.
    TestClock,
    /// `eventLog:read`
    EventLogRead,
    /// `webhook:read`
    WebhookRead,
    /// `webhook:write`
    WebhookWrite,
}

impl Scope {
    /// Every scope a token may be created with (besides `*` and `module:*`).
    pub const GRANTABLE: [Scope; 16] = [
        Scope::ProductRead,
        Scope::ProductWrite,
        Scope::LicenseRead,
        Scope::LicenseWrite,
        Scope::ActivationRead,
        Scope::ActivationWrite,
        Scope::ReleaseRead,
        Scope::ReleaseWrite,
        Scope::UserRead,
        Scope::UserWrite,
        Scope::EntitlementRead,
        Scope::EntitlementWrite,
        Scope::TokenWrite,
        Scope::EventLogRead,
        Scope::WebhookRead,
        Scope::WebhookWrite,
    ];

    /// Its name, e.g. `license:write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ProductRead => "product:read",
            Scope::ProductWrite => "product:write",
            Scope::LicenseRead => "license:read",
            Scope::LicenseWrite => "license:write",
            Scope::ActivationRead => "activation:read",
            Scope::ActivationWrite => "activation:write",
            Scope::ReleaseRead => "release:read",
            Scope::ReleaseWrite => "release:write",
            Scope::UserRead => "user:read",
            Scope::UserWrite => "user:write",
            Scope::EntitlementRead => "entitlement:read",
            Scope::EntitlementWrite => "entitlement:write",
            Scope::TokenWrite => "token:write",
            Scope::TestClock => "test:clock",
            Scope::EventLogRead => "eventLog:read",
            Scope::WebhookRead => "webhook:read",
            Scope::WebhookWrite => "webhook:write",
        }
    }

    /// Whether a token granted `granted` holds this scope.
    pub fn granted_by(self, granted: &[String]) -> bool {
        let needed = self.as_str();
        let module = needed.split(':').next().unwrap_or(needed);
        granted
            .iter()
            .any(|g| g == "*" || g == needed || g.strip_suffix(":*") == Some(module))
    }
}

/// Checks that `name` can be granted: `*`, a known scope, or `module:*` of
/// a module with known scopes.
pub fn check_grantable(name: &str) -> ApiResult<()> {
    let known = |s: &str| Scope::GRANTABLE.iter().any(|g| g.as_str() == s);
    let module_wild = name.strip_suffix(":*").is_some_and(|m| {
        Scope::GRANTABLE
            .iter()
            .any(|g| g.as_str().split(':').next() == Some(m))
    });
    if name == "*" || module_wild || known(name) {
        Ok(())
    } else {
        Err(ApiError::validation(format!("unknown scope {name}")))
    }
}

/// Whether a token holding `granter` may mint a token with `requested`:
/// only subsets. `*` grants everything; `module:*` grants its module's
/// scopes and `module:*`; a scope grants itself.
pub fn grants(granter: &[String], requested: &str) -> bool {
    if granter.iter().any(|g| g == "*") {
        return true;
    }
    if requested == "*" {
        return false;
    }
    let module = requested.split(':').next().unwrap_or(requested);
    granter
        .iter()
        .any(|g| g == requested || g.strip_suffix(":*") == Some(module))
}

/// The scope a handler requires, as a type (`Admin<scope::LicenseRead>`).
pub trait RequiredScope: Send + Sync + 'static {
    /// The scope.
    const SCOPE: Scope;
}

/// One marker type per [`Scope`], for handler signatures.
pub mod scope {
    use super::{RequiredScope, Scope};

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("Requires [`Scope::", stringify!($name), "`].")]
            pub struct $name;
            impl RequiredScope for $name {
                const SCOPE: Scope = Scope::$name;
            }
        )*};
    }

    markers!(
        ProductRead,
        ProductWrite,
        LicenseRead,
        LicenseWrite,
        ActivationRead,
        ActivationWrite,
        ReleaseRead,
        ReleaseWrite,
        UserRead,
        UserWrite,
        EntitlementRead,
        EntitlementWrite,
        TokenWrite,
        TestClock,
        EventLogRead,
        WebhookRead,
        WebhookWrite,
    );
}

/// The token behind `bearer` if it holds `scope` at `now`.
pub fn authorize(
    store: &dyn Store,
    bearer: Option<&str>,
    scope: Scope,
    now: i64,
) -> ApiResult<AdminToken> {
    let bearer = bearer
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "missing bearer token"))?;
    let hash = crate::ids::token_hash(bearer);
    let token = store
        .read(|tx| access_tokens::store::by_hash(tx, &hash))?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "invalid bearer token"))?;
    if token.expires_at != 0 && token.expires_at <= now {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "bearer token expired",
        ));
    }
    if !scope.granted_by(&token.scopes) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("token lacks scope {}", scope.as_str()),
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let g = vec!["license:read".to_string(), "product:*".to_string()];
        assert!(Scope::LicenseRead.granted_by(&g));
        assert!(!Scope::LicenseWrite.granted_by(&g));
        assert!(Scope::ProductWrite.granted_by(&g));
        assert!(Scope::UserWrite.granted_by(&["*".to_string()]));
        assert!(Scope::TestClock.granted_by(&["*".to_string()]));
        assert!(!Scope::TestClock.granted_by(&g));
        for s in Scope::GRANTABLE {
            assert!(check_grantable(s.as_str()).is_ok());
        }
        assert!(check_grantable("license:*").is_ok());
        assert!(check_grantable("*").is_ok());
        assert!(check_grantable("test:*").is_err());
        assert!(check_grantable("bogus:scope").is_err());
    }

    #[test]
    fn tokens_mint_only_subsets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(grants(&s(&["*"]), "*"));
        assert!(!grants(&s(&["token:write"]), "*"));
        assert!(!grants(&s(&["token:write"]), "user:read"));
        assert!(grants(&s(&["token:write"]), "token:write"));
        assert!(!grants(&s(&["token:write"]), "token:*"));
        assert!(grants(&s(&["license:*"]), "license:*"));
        assert!(grants(&s(&["license:*"]), "license:write"));
        assert!(!grants(&s(&["license:read"]), "license:*"));
    }
}
