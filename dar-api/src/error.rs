//! The one place where failures become HTTP answers: RFC 9457 problem+json with a stable
//! `type`, a human `title`, and field-level details for validation errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use dar_core::ledger::LedgerError;
use dar_db::{DbRule, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// Base of every problem `type` URI; the fragment is the stable code clients switch on.
const TYPE_BASE: &str = "https://dar.coop/problems/";

/// What a 503 tells the client to wait before retrying: locks and reconnections clear in
/// about that time.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// One invalid input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Path into the request, e.g. `entries[2].quantity`.
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read: malformed JSON, wrong types, unknown fields.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    /// Well-formed but invalid values.
    #[error("{detail}")]
    Validation {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    #[error("authentication required")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// A ledger rule refused an entry.
    #[error(transparent)]
    Ledger(LedgerError),
    /// The database refused an entry by a ledger rule the planner did not catch first
    /// (another writer got there, or the service was bypassed): the same problem type as
    /// the planner's refusal of that rule.
    #[error("{detail}")]
    LedgerRule {
        code: &'static str,
        field: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Unavailable(String),
    /// Refused by the HTTP layer before a handler could look at it: a body over the size
    /// limit, a method the resource does not have, a URI too long. The status says which.
    #[error("{detail}")]
    Http { status: StatusCode, detail: String },
    /// The body is larger than the service reads.
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// Too many failed logins: retry after this many seconds.
    #[error("too many failed attempts; retry in {retry_after} seconds")]
    TooManyAttempts { retry_after: u64 },
    /// The database connection broke while a write committed: it may or may not have been
    /// done. A client retries with the same Idempotency-Key, or checks first.
    #[error("{0}")]
    OutcomeUnknown(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation {
            detail: message.clone(),
            errors: vec![FieldProblem {
                field: field.into(),
                message,
            }],
        }
    }

    /// A request that could not be read, with every field found wrong.
    pub fn bad_fields(errors: Vec<FieldProblem>) -> Self {
        ApiError::BadRequest {
            detail: summary(&errors),
            errors,
        }
    }

    /// Well-formed values that break a rule, every one found.
    pub fn invalid_fields(errors: Vec<FieldProblem>) -> Self {
        ApiError::Validation {
            detail: summary(&errors),
            errors,
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "malformed-request",
            ApiError::Validation { .. } => "validation",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Ledger(e) => ledger_code(e),
            ApiError::LedgerRule { code, .. } => code,
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Http { status, .. } => http_code(*status),
            ApiError::TooLarge { .. } => "payload-too-large",
            ApiError::TooManyAttempts { .. } => "too-many-attempts",
            ApiError::OutcomeUnknown(_) => "outcome-unknown",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "The request could not be read",
            ApiError::Validation { .. } => "The request has invalid values",
            ApiError::Unauthenticated(_) => "Authentication required",
            ApiError::Forbidden(_) => "Not allowed",
            ApiError::NotFound => "Not found",
            ApiError::Conflict(_) => "Conflict",
            ApiError::Ledger(_) | ApiError::LedgerRule { .. } => {
                "The register rules refuse this entry"
            }
            ApiError::Unavailable(_) => "Temporarily unavailable",
            ApiError::Http { status, .. } => status.canonical_reason().unwrap_or("Refused"),
            ApiError::TooLarge { .. } => "The request is too large",
            ApiError::TooManyAttempts { .. } => "Too many failed attempts",
            ApiError::OutcomeUnknown(_) => "Outcome unknown",
            ApiError::Internal(_) => "Internal error",
        }
    }

    pub fn problem(&self) -> Problem {
        let (detail, errors) = match self {
            ApiError::BadRequest { detail, errors } | ApiError::Validation { detail, errors } => {
                (Some(detail.clone()), errors.clone())
            }
            ApiError::Unauthenticated(why) | ApiError::Forbidden(why) => {
                (Some((*why).to_string()), vec![])
            }
            ApiError::Ledger(e) => (
                Some(e.to_string()),
                vec![FieldProblem {
                    field: e.field().into(),
                    message: e.to_string(),
                }],
            ),
            ApiError::LedgerRule { field, detail, .. } => (
                Some(detail.clone()),
                vec![FieldProblem {
                    field: (*field).into(),
                    message: detail.clone(),
                }],
            ),
            ApiError::NotFound => (None, vec![]),
            ApiError::Internal(_) => (
                Some("the error was logged; please retry or report it".into()),
                vec![],
            ),
            other => (Some(other.to_string()), vec![]),
        };
        Problem {
            type_: format!("{TYPE_BASE}{}", self.code()),
            title: self.title().to_string(),
            status: self.status_code().as_u16(),
            detail,
            errors,
        }
    }
}

/// The problem code of an error the HTTP layer answers by itself.
fn http_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "malformed-request",
        404 => "not-found",
        405 => "method-not-allowed",
        413 => "payload-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        431 => "headers-too-large",
        401..=499 => "refused",
        _ => "internal",
    }
}

impl ApiError {
    /// A request body that could not be read: over the size limit is 413, anything else
    /// (a broken chunked encoding, a dropped connection) is 400.
    pub fn unreadable_body(e: &actix_web::Error, limit: usize) -> ApiError {
        if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(limit)
        } else {
            ApiError::BadRequest {
                detail: format!("the body could not be read: {e}"),
                errors: vec![],
            }
        }
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::TooLarge { limit }
    }
}

/// One sentence for the `detail` of a problem that lists fields.
fn summary(errors: &[FieldProblem]) -> String {
    match errors {
        [] => "the request is invalid".into(),
        [one] if one.field.is_empty() => one.message.clone(),
        [one] => format!("{}: {}", one.field, one.message),
        many => format!(
            "{} fields are invalid: {}",
            many.len(),
            many.iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// A rule the database enforced, as the problem the planner gives for the same rule.
fn ledger_rule(rule: DbRule, message: String) -> ApiError {
    let (code, field) = match &rule {
        DbRule::PeriodLocked => ("period-locked", "effective_date"),
        DbRule::FutureDate => ("future-date", "effective_date"),
        DbRule::NotTransferable => ("not-transferable", "share_class"),
        DbRule::ApprovalRequired => ("approval-required", "external_reference"),
        DbRule::BadReversal => ("bad-reversal", "reverses"),
        DbRule::InsufficientShares => ("insufficient-shares", "quantity"),
        DbRule::PaidAboveCapital | DbRule::AboveMaximum => ("holding-rule", "quantity"),
        DbRule::AppendOnly | DbRule::DerivedState | DbRule::ClassTermsFixed | DbRule::Other(_) => {
            return ApiError::Conflict(format!("{}: {message}", rule.name()));
        }
    };
    ApiError::LedgerRule {
        code,
        field,
        detail: message,
    }
}

fn ledger_code(e: &LedgerError) -> &'static str {
    match e {
        LedgerError::MissingEffectiveDate => "missing-effective-date",
        LedgerError::BeforeRegisterEpoch { .. } => "before-register-epoch",
        LedgerError::BeforeAdmission { .. } => "before-admission",
        LedgerError::PeriodLocked { .. } => "period-locked",
        LedgerError::FutureDate { .. } => "future-date",
        LedgerError::InsufficientShares { .. } => "insufficient-shares",
        LedgerError::CapitalMovedMismatch { .. } => "capital-moved-mismatch",
        LedgerError::HoldingRule { .. } => "holding-rule",
        LedgerError::HolderNotActive { .. } => "holder-not-active",
        LedgerError::SameHolder => "same-holder",
        LedgerError::NotTransferable { .. } => "not-transferable",
        LedgerError::ApprovalRequired { .. } => "approval-required",
        LedgerError::PaidAboveSubscription { .. } => "paid-above-subscription",
        LedgerError::RepaymentAbovePaidUp { .. } => "repayment-above-paid-up",
        LedgerError::AmountTooLarge => "amount-too-large",
        LedgerError::ZeroPayment => "zero-payment",
        LedgerError::ReversalOfReversal { .. } => "reversal-of-reversal",
        LedgerError::AlreadyReversed { .. } => "already-reversed",
        LedgerError::ReversalBeforeEntry { .. } => "reversal-before-entry",
        LedgerError::ReasonRequired => "reason-required",
        LedgerError::TextTooLong { .. } => "text-too-long",
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation { .. } | ApiError::Ledger(_) | ApiError::LedgerRule { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unavailable(_) | ApiError::OutcomeUnknown(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Http { status, .. } => *status,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // Logged once, here, with the whole cause chain; the client sees only the code.
            ApiError::Internal(e) => tracing::error!(error = %cause_chain(e), "request failed"),
            ApiError::Unavailable(why) => {
                tracing::warn!(error = %why, "request failed: unavailable")
            }
            ApiError::OutcomeUnknown(why) => {
                tracing::warn!(error = %why, "request failed: outcome unknown")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if matches!(self, ApiError::Unauthenticated(_)) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let ApiError::TooManyAttempts { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if matches!(self, ApiError::Unavailable(_) | ApiError::OutcomeUnknown(_)) {
            response.insert_header(("Retry-After", RETRY_AFTER_SECONDS.to_string()));
        }
        response.json(self.problem())
    }
}

/// An error and its causes on one line ("outer: inner: root"). Not `{:?}`: anyhow's `Debug`
/// adds a multi-line backtrace whenever `RUST_BACKTRACE` is set, kilobytes per failed request.
pub fn cause_chain(e: &anyhow::Error) -> String {
    format!("{e:#}").replace(['\r', '\n'], " ")
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(msg) => ApiError::Conflict(msg),
            StoreError::Ledger(e) => ApiError::Ledger(e),
            StoreError::Invalid { field, message } => ApiError::invalid(field, message),
            StoreError::InBatch { index, error } => match ApiError::from(*error) {
                ApiError::Validation { detail, errors } => ApiError::Validation {
                    detail: format!("entry {index}: {detail}"),
                    errors: errors
                        .into_iter()
                        .map(|p| FieldProblem {
                            field: format!("entries[{index}].{}", p.field),
                            message: p.message,
                        })
                        .collect(),
                },
                ApiError::Ledger(e) => ApiError::Validation {
                    detail: format!("entry {index}: {e}"),
                    errors: vec![FieldProblem {
                        field: format!("entries[{index}].{}", e.field()),
                        message: e.to_string(),
                    }],
                },
                other => other,
            },
            StoreError::TenantInactive { status } => ApiError::Conflict(format!(
                "the cooperative is {status}; its register is read-only"
            )),
            StoreError::IdempotencyMismatch => ApiError::Validation {
                detail: "this Idempotency-Key was already used for a different request".into(),
                errors: vec![FieldProblem {
                    field: "Idempotency-Key".into(),
                    message: "already used for a different request".into(),
                }],
            },
            StoreError::Rule { rule, message } => ledger_rule(rule, message),
            StoreError::Contention => ApiError::Unavailable("the register is busy; retry".into()),
            StoreError::Unavailable(msg) => ApiError::Unavailable(msg),
            StoreError::Busy(_) => ApiError::Unavailable("the database is busy; retry".into()),
            StoreError::ConnectionLost(_) => {
                ApiError::Unavailable("the database connection was lost; retry".into())
            }
            StoreError::OutcomeUnknown(_) => ApiError::OutcomeUnknown(
                "the database connection was lost while the change was committed, so it may \
                 or may not have been made: retry with the same Idempotency-Key (ledger \
                 entries), or read the current state before retrying"
                    .into(),
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_problem_names_the_field() {
        let body =
            serde_json::to_value(ApiError::invalid("quantity", "must be at least 1").problem())
                .unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "type": "https://dar.coop/problems/validation",
                "title": "The request has invalid values",
                "status": 422,
                "detail": "must be at least 1",
                "errors": [{"field": "quantity", "message": "must be at least 1"}]
            })
        );
    }

    #[test]
    fn an_internal_error_hides_its_cause() {
        let body =
            serde_json::to_value(ApiError::internal(anyhow::anyhow!("secret db detail")).problem())
                .unwrap();
        assert!(!body.to_string().contains("secret"));
        assert_eq!(body["status"], 500);
    }

    #[test]
    fn an_internal_error_is_logged_as_its_cause_chain_on_one_line() {
        use anyhow::Context;
        let e = Err::<(), _>(anyhow::anyhow!("connection reset\nby peer"))
            .context("reading holdings")
            .context("rendering the register")
            .unwrap_err();
        let line = cause_chain(&e);
        assert_eq!(
            line,
            "rendering the register: reading holdings: connection reset by peer"
        );
        // What `error = ?e` used to log: the chain on several lines, plus the backtrace
        // when one was captured.
        assert!(format!("{e:?}").contains('\n'));
    }

    #[test]
    fn a_lost_commit_is_a_503_outcome_unknown_with_retry_after() {
        let e = ApiError::from(StoreError::OutcomeUnknown("server closed".into()));
        let response = e.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get("retry-after").unwrap(), "1");
        assert_eq!(
            e.problem().type_,
            "https://dar.coop/problems/outcome-unknown"
        );
    }

    #[test]
    fn a_locked_database_is_a_503_with_retry_after_not_a_500() {
        let e = ApiError::from(StoreError::Busy("database is locked".into()));
        let response = e.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key("retry-after"));
    }

    #[test]
    fn a_batch_failure_points_at_the_entry() {
        let e = ApiError::from(StoreError::InBatch {
            index: 2,
            error: Box::new(StoreError::Invalid {
                field: "to".into(),
                message: "unknown".into(),
            }),
        });
        assert_eq!(e.problem().errors[0].field, "entries[2].to");
    }
}
