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
    /// A database rule (a `dar:<rule>` exception or a constraint of `holding_positions`)
    /// refused a write the domain did not catch first.
    #[error("the database refused the change: {}: {message}", rule.name())]
    Rule { rule: DbRule, message: String },
    /// Another writer moved the ledger head first; the caller may retry.
    #[error("the ledger moved on concurrently; retry")]
    Contention,
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Another transaction holds the lock this one needs (SQLite BUSY/LOCKED, a PostgreSQL
    /// deadlock or lock timeout): nothing was written, the caller may retry.
    #[error("the database is busy; retry: {0}")]
    Busy(String),
    /// The connection to the database broke before the transaction committed: nothing was
    /// written, the caller may retry.
    #[error("the connection to the database was lost: {0}")]
    ConnectionLost(String),
    /// The connection broke while committing: the transaction may or may not have committed.
    #[error("the connection to the database was lost while committing: {0}")]
    OutcomeUnknown(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(DieselError),
}

/// A register rule the database enforces. Each ledger rule has the name the planner's
/// [`LedgerError`] gives it, so a refusal by the database reads like one by the planner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbRule {
    PeriodLocked,
    FutureDate,
    NotTransferable,
    ApprovalRequired,
    /// A reversal that does not mirror one earlier, unreversed entry.
    BadReversal,
    /// A holding that would fall below zero shares on some date.
    InsufficientShares,
    /// A holding paid up beyond its subscribed capital, or a negative amount.
    PaidAboveCapital,
    /// A holding above its class's cap.
    AboveMaximum,
    /// A change to a table that only grows (the ledger, identity versions, the audit log).
    AppendOnly,
    /// A direct write to state the ledger keeps (`holding_positions`).
    DerivedState,
    /// A change to a share class's cap or transfer rule.
    ClassTermsFixed,
    /// A rule this version does not know by name.
    Other(String),
}

impl DbRule {
    fn parse(name: &str) -> DbRule {
        match name {
            "period_locked" => DbRule::PeriodLocked,
            "future_date" => DbRule::FutureDate,
            "not_transferable" => DbRule::NotTransferable,
            "approval_required" => DbRule::ApprovalRequired,
            "bad_reversal" => DbRule::BadReversal,
            "holding_invariant_quantity" => DbRule::InsufficientShares,
            "holding_invariant_paid" => DbRule::PaidAboveCapital,
            "holding_invariant_maximum" => DbRule::AboveMaximum,
            "append_only" => DbRule::AppendOnly,
            "derived_state" => DbRule::DerivedState,
            "class_terms_fixed" => DbRule::ClassTermsFixed,
            other => DbRule::Other(other.to_string()),
        }
    }

    /// The name the database gives the rule.
    pub fn name(&self) -> &str {
        match self {
            DbRule::PeriodLocked => "period_locked",
            DbRule::FutureDate => "future_date",
            DbRule::NotTransferable => "not_transferable",
            DbRule::ApprovalRequired => "approval_required",
            DbRule::BadReversal => "bad_reversal",
            DbRule::InsufficientShares => "holding_invariant_quantity",
            DbRule::PaidAboveCapital => "holding_invariant_paid",
            DbRule::AboveMaximum => "holding_invariant_maximum",
            DbRule::AppendOnly => "append_only",
            DbRule::DerivedState => "derived_state",
            DbRule::ClassTermsFixed => "class_terms_fixed",
            DbRule::Other(name) => name,
        }
    }

    /// Which of the constraints of `holding_positions` a message names, if any. Both
    /// backends put the constraint's name in the message.
    fn from_constraint(message: &str) -> Option<DbRule> {
        [
            "holding_invariant_quantity",
            "holding_invariant_paid",
            "holding_invariant_maximum",
        ]
        .into_iter()
        .find(|name| message.contains(name))
        .map(DbRule::parse)
    }
}

impl StoreError {
    /// Whether the same request may simply be tried again: nothing was written and the
    /// cause is passing (a lock, a lost connection, a pool that is exhausted).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::Busy(_)
                | StoreError::Contention
                | StoreError::ConnectionLost(_)
                | StoreError::Unavailable(_)
        )
    }

    /// The same answer again, for every request of a group that failed together on a
    /// retryable error or an unknown outcome.
    pub fn same_again(&self) -> StoreError {
        match self {
            StoreError::Busy(m) => StoreError::Busy(m.clone()),
            StoreError::Contention => StoreError::Contention,
            StoreError::ConnectionLost(m) => StoreError::ConnectionLost(m.clone()),
            StoreError::OutcomeUnknown(m) => StoreError::OutcomeUnknown(m.clone()),
            StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
            other => StoreError::Unavailable(other.to_string()),
        }
    }

    /// Whether the connection this error came from may be dead and should be checked before
    /// it is used again.
    pub fn suspects_connection(&self) -> bool {
        matches!(
            self,
            StoreError::ConnectionLost(_) | StoreError::OutcomeUnknown(_) | StoreError::Database(_)
        )
    }
}

/// SQLite reports a held lock as SQLITE_BUSY ("database is locked") or SQLITE_LOCKED
/// ("database table is locked"); diesel passes both on as `Unknown` with that message.
/// PostgreSQL deadlocks (40P01) and lock timeouts (55P03) also arrive as `Unknown`, and
/// diesel does not expose the SQLSTATE, so the server's (English) message is matched.
fn is_lock_message(message: &str) -> bool {
    const LOCKED: [&str; 5] = [
        "database is locked",
        "database table is locked",
        "database schema is locked",
        "deadlock detected",
        "lock timeout",
    ];
    LOCKED.iter().any(|m| message.contains(m))
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
                    // The trigger's check of an entry's class and holders: the same answer
                    // the planner gives for a reference it cannot find.
                    if rule == "unknown_reference"
                        && let Some((field, text)) = text.trim().split_once(':')
                    {
                        return StoreError::Invalid {
                            field: field.trim().to_string(),
                            message: text.trim().to_string(),
                        };
                    }
                    return StoreError::Rule {
                        rule: DbRule::parse(rule),
                        message: text.trim().to_string(),
                    };
                }
                if let Some(rule) = DbRule::from_constraint(&message) {
                    return StoreError::Rule {
                        rule,
                        message: "a holding would break the register rules on some date".into(),
                    };
                }
                match kind {
                    DatabaseErrorKind::SerializationFailure => StoreError::Contention,
                    DatabaseErrorKind::UniqueViolation => StoreError::Conflict(message),
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => StoreError::ConnectionLost(message),
                    _ if is_lock_message(&message) => StoreError::Busy(message),
                    _ => StoreError::Database(DieselError::DatabaseError(kind, info)),
                }
            }
            // diesel's transaction manager gives up on a connection whose transaction state it
            // lost track of, which in practice is a connection that died mid-transaction.
            DieselError::BrokenTransactionManager => {
                StoreError::ConnectionLost("the connection's transaction state is lost".into())
            }
            other => StoreError::Database(other),
        }
    }
}
