//! DAR storage: one diesel schema over SQLite and PostgreSQL, one module per aggregate.
//!
//! Functions take `&mut DbConnection` and are synchronous; the HTTP layer runs them on
//! blocking threads. Every write that touches a tenant starts by locking that tenant's row
//! ([`tenants::lock`]), which serialises a tenant's writers on both backends.

pub mod audit;
pub mod billing;
pub mod certificates;
pub mod connection;
pub mod documents;
pub mod error;
pub mod extracts;
pub mod imports;
pub mod ledger;
pub mod mail;
pub mod password_resets;
mod prepared;
mod redact;
pub mod schema;
pub mod share_classes;
pub mod shareholders;
pub mod support;
pub mod tenants;
pub mod users;
pub mod web_sessions;

pub use connection::{
    Backend, Database, DatabaseUrl, DbConnection, PooledConnection, refresh_statistics,
    write_transaction,
};
pub use error::{DbRule, StoreError};

use chrono::{DateTime, NaiveDateTime, Utc};

/// Timestamps are stored as UTC without zone, at microsecond precision.
pub fn to_db_time(at: DateTime<Utc>) -> NaiveDateTime {
    dar_core::chain::storage_precision(at).naive_utc()
}

pub(crate) fn from_db_time(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Parses a stored id; a malformed one means the row was written behind the service's back.
pub(crate) fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("malformed id {s:?}")))
}
