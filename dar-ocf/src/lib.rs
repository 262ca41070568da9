//! DAR and the Open Cap Format (OCF 1.2, <https://opencaptablecoalition.com/format/>): a
//! cooperative's register written as an OCF package ([`write`]) and an OCF package read
//! back as rows of a register's history ([`read`]), which the import checks and commits as
//! it does a spreadsheet.
//!
//! OCF follows lots (securities) where DAR keeps positions: [`lots`] holds the rule that
//! joins them (first issued, first out). What OCF has no field for, notably paid-up capital
//! and payments, travels in `comments` ([`tag`]).

pub mod lots;
pub mod read;
pub mod tag;
pub mod write;

/// The OCF release the package claims and is validated against.
pub const OCF_VERSION: &str = "1.2.0";
