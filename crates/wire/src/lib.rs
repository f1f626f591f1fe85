//! The Cryptlex Web API v3 wire format as OpenLex speaks it, shared by the
//! library (`openlex`) and `openlex-server` so the two cannot drift.
//!
//! One definition of each request body ([`requests`]), token claim set
//! ([`claims`]), error body and code string ([`errors`]), of OpenLex product
//! data ([`product_data`]), of the device fingerprint and its matching rules
//! ([`fingerprint`]), and of the compact JWT framing ([`jwt`]).
//!
//! Parsing is lenient where the vendor's service may send less than we do:
//! every claim beyond the vendor's own names is optional.

pub mod claims;
pub mod errors;
pub mod fingerprint;
pub mod jwt;
pub mod product_data;
pub mod requests;
pub mod version;

pub use claims::{ActivationClaims, TrialClaims};
pub use errors::{ErrorBody, ErrorCode};
pub use fingerprint::{Fingerprint, MatchStrategy};
pub use product_data::ProductData;
