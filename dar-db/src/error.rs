//! The storage layer's error type.

use dar_core::ledger::LedgerError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict the caller can act on (e.g. a slug already taken).
    #[error("{0}")]
    Conflict(String),
    /// A value in the request refers to nothing this tenant has (or is otherwise unusable).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// One entry of a batch failed; nothing of the batch was posted.
    #[error("entry {index} of the batch: {error}")]
    InBatch {
        index: usize,
        error: Box<StoreError>,
    },
    /// The tenant is suspended or archived: its register is read-only.
    #[error("the cooperative is {status}; its register is read-only")]
    TenantInactive { status: String },
    /// An Idempotency-Key was used before for a different request.
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    /// A ledger rule refused the entry (from the domain check or the database trigger).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A database rule (code `dar:<rule>`) refused a write the domain did not catch first.
    #[error("the database refused the change: {rule}: {message}")]
    Rule { rule: String, message: String },
    /// Another writer moved the ledger head first; the caller may retry.
    #[error("the ledger moved on concurrently; retry")]
    Contention,
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let message = info.message().to_string();
                if let Some(rest) = message.strip_prefix("dar:") {
                    let (rule, text) = rest.split_once(':').unwrap_or((rest, ""));
                    if rule == "chain_conflict" {
                        return StoreError::Contention;
                    }
                    return StoreError::Rule {
                        rule: rule.to_string(),
                        message: text.trim().to_string(),
                    };
                }
                match kind {
                    DatabaseErrorKind::SerializationFailure => StoreError::Contention,
                    DatabaseErrorKind::UniqueViolation => StoreError::Conflict(message),
                    _ => StoreError::Database(DieselError::DatabaseError(kind, info)),
                }
            }
            other => StoreError::Database(other),
        }
    }
}
