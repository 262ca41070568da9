//! Who is calling (authentication) and what they may do (authorization).

pub mod authz;
pub mod credentials;
pub mod password;
pub mod principal;
pub mod throttle;
pub mod tokens;

pub use authz::{Access, BillingNeed, Need, authorize, authorize_billing};
pub use principal::Principal;
