//! Who is calling (authentication) and what they may do (authorization).

pub mod authz;
pub mod credentials;
pub mod password;
pub mod principal;
pub mod throttle;
pub mod tokens;

pub use authz::{Access, Need, authorize};
pub use principal::Principal;
