//! The DAR domain: validated identifiers, money, the share ledger and its invariants.
//! Nothing here knows about HTTP or SQL.

pub mod address;
pub mod billing;
pub mod chain;
pub mod documents;
pub mod holdings;
pub mod identifiers;
pub mod identity;
pub mod ids;
pub mod ledger;
pub mod money;
pub mod text;
pub mod time;
pub mod typed;
pub mod types;
