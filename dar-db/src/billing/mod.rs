//! The coordinator's billing: invoicing identity, plans, billing profiles, invoices and
//! credit notes with their gapless numbers, payments, and the usage they are based on.
//! Platform data: nothing here is a cooperative's register or a shareholder's personal data.

pub mod documents;
pub mod identity;
pub mod payments;
pub mod plans;
pub mod profiles;
pub mod usage;
