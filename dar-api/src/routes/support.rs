//! Helpdesk support sessions: opened by the helpdesk with a reason and a ticket, time-boxed,
//! visible to and closable by the cooperative's admins.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::request::{RequestMeta, StrictJson};
use crate::routes::{parse_path_id, tenant_access};
use crate::state::{AppState, Audited};
use dar_core::ids::{SupportSessionId, TenantId};
use dar_core::types::Role;
use dar_db::audit::NewAuditEvent;
use dar_db::support::{self, SupportSessionRow};

pub const DEFAULT_MINUTES: i64 = 60;
pub const MAX_MINUTES: i64 = 8 * 60;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenSession {
    pub reason: String,
    /// The helpdesk ticket reference.
    pub ticket: String,
    /// How long the session lasts; default 60, at most 480.
    pub minutes: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    pub helpdesk_user_id: String,
    pub reason: String,
    pub ticket: String,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Whether the helpdesk may write in this session (the cooperative allows it).
    pub can_write: bool,
}

impl From<&SupportSessionRow> for SessionView {
    fn from(s: &SupportSessionRow) -> Self {
        SessionView {
            id: s.id.clone(),
            helpdesk_user_id: s.helpdesk_user_id.clone(),
            reason: s.reason.clone(),
            ticket: s.ticket.clone(),
            opened_at: s.opened_at.and_utc(),
            expires_at: s.expires_at.and_utc(),
            closed_at: s.closed_at.map(|c| c.and_utc()),
            can_write: s.can_write,
        }
    }
}

fn event(
    principal: &Principal,
    role: &str,
    meta: &RequestMeta,
    tenant: &str,
    action: &str,
    session: &SupportSessionRow,
) -> NewAuditEvent {
    NewAuditEvent {
        tenant_id: Some(tenant.to_string()),
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some(role.into()),
        action: action.into(),
        object_type: Some("support_session".into()),
        object_id: Some(session.id.clone()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        support_session_id: Some(session.id.clone()),
        details: Some(
            serde_json::json!({ "reason": session.reason, "ticket": session.ticket, "expires_at": session.expires_at.and_utc() }),
        ),
    }
}

/// A field of the open-session request that breaks its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenProblem {
    Reason,
    Ticket,
    Minutes,
}

impl OpenProblem {
    pub fn field(self) -> &'static str {
        match self {
            OpenProblem::Reason => "reason",
            OpenProblem::Ticket => "ticket",
            OpenProblem::Minutes => "minutes",
        }
    }

    fn message(self) -> String {
        match self {
            OpenProblem::Reason => "must be 1 to 500 characters".into(),
            OpenProblem::Ticket => "must be 1 to 100 characters".into(),
            OpenProblem::Minutes => format!("must be between 1 and {MAX_MINUTES}"),
        }
    }
}

/// A checked request to open a support session.
pub struct SessionRequest {
    pub reason: String,
    pub ticket: String,
    pub minutes: i64,
}

/// The rules of a support session's request: a reason, a ticket, a duration of at most
/// eight hours (one hour when not given). Every broken rule is reported.
pub fn check_open(
    reason: &str,
    ticket: &str,
    minutes: Option<i64>,
) -> Result<SessionRequest, Vec<OpenProblem>> {
    let reason = reason.trim().to_string();
    let ticket = ticket.trim().to_string();
    let minutes = minutes.unwrap_or(DEFAULT_MINUTES);
    let mut problems = Vec::new();
    if reason.is_empty() || reason.chars().count() > 500 {
        problems.push(OpenProblem::Reason);
    }
    if ticket.is_empty() || ticket.chars().count() > 100 {
        problems.push(OpenProblem::Ticket);
    }
    if !(1..=MAX_MINUTES).contains(&minutes) {
        problems.push(OpenProblem::Minutes);
    }
    if problems.is_empty() {
        Ok(SessionRequest {
            reason,
            ticket,
            minutes,
        })
    } else {
        Err(problems)
    }
}

/// Opens a support session on the cooperative `key` for the helpdesk user `principal`,
/// with its audit event; the API and the helpdesk's page both open sessions here.
pub fn open_session(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    request: &SessionRequest,
) -> ApiResult<Audited<SupportSessionRow>> {
    if !principal.has_platform_role(Role::Helpdesk) {
        return Err(ApiError::Forbidden(
            "only the helpdesk opens support sessions",
        ));
    }
    let tenant = dar_db::tenants::find(conn, key)?;
    let tenant_id: TenantId = parse_path_id(&tenant.id)?;
    let now = Utc::now();
    let row = support::open(
        conn,
        &tenant_id,
        &principal.user_id,
        &request.reason,
        &request.ticket,
        tenant.helpdesk_may_write,
        now + chrono::Duration::minutes(request.minutes),
        now,
    )?;
    Ok(Audited {
        event: event(
            principal,
            "helpdesk",
            meta,
            &tenant.id,
            "support_session.opened",
            &row,
        ),
        value: row,
    })
}

/// Closes the support session `session_id` on the cooperative `key`: the helpdesk user who
/// opened it, or whoever `authorize` lets close support sessions there. Returns the session
/// and whether the helpdesk closed it (rather than the cooperative).
pub fn close_session(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    session_id: &SupportSessionId,
) -> ApiResult<Audited<(SupportSessionRow, bool)>> {
    let tenant = dar_db::tenants::find(conn, key)?;
    let tenant_id: TenantId = parse_path_id(&tenant.id)?;
    let session = support::get(conn, &tenant_id, session_id)?;
    let by_helpdesk = principal.has_platform_role(Role::Helpdesk)
        && session.helpdesk_user_id == principal.user_id.to_string();
    if !by_helpdesk {
        tenant_access(conn, principal, key, Need::CloseSupportSession, meta)?;
    }
    let role = if by_helpdesk { "helpdesk" } else { "admin" };
    let now = Utc::now();
    let row = support::close(conn, &tenant_id, session_id, &principal.user_id, now)?;
    Ok(Audited {
        event: event(
            principal,
            role,
            meta,
            &tenant.id,
            "support_session.closed",
            &row,
        ),
        value: (row, by_helpdesk),
    })
}

/// Opens a support session (helpdesk only).
#[utoipa::path(post, operation_id = "open_support_session", path = "/api/v1/tenants/{tenant}/support-sessions", tag = "support", request_body = OpenSession,
    params(("tenant" = String, Path)), responses((status = 201, body = SessionView)))]
#[post("/tenants/{tenant}/support-sessions")]
pub async fn open(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<OpenSession>,
) -> ApiResult<HttpResponse> {
    if !principal.has_platform_role(Role::Helpdesk) {
        return Err(ApiError::Forbidden(
            "only the helpdesk opens support sessions",
        ));
    }
    let b = body.0;
    let request = check_open(&b.reason, &b.ticket, b.minutes).map_err(|problems| {
        ApiError::invalid_fields(
            problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.field().into(),
                    message: p.message(),
                })
                .collect(),
        )
    })?;
    let key = path.into_inner();
    let row = state
        .write(move |conn| open_session(conn, &principal, &meta, &key, &request))
        .await?;
    Ok(HttpResponse::Created().json(SessionView::from(&row)))
}

/// Closes a support session (the helpdesk, or the cooperative's admins).
#[utoipa::path(delete, operation_id = "close_support_session", path = "/api/v1/tenants/{tenant}/support-sessions/{id}", tag = "support",
    params(("tenant" = String, Path), ("id" = String, Path)), responses((status = 200, body = SessionView)))]
#[delete("/tenants/{tenant}/support-sessions/{id}")]
pub async fn close(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let session_id: SupportSessionId = parse_path_id(&id)?;
    let (row, _) = state
        .write(move |conn| close_session(conn, &principal, &meta, &key, &session_id))
        .await?;
    Ok(HttpResponse::Ok().json(SessionView::from(&row)))
}

/// Support sessions on the cooperative, newest first (admins).
#[utoipa::path(get, operation_id = "list_support_sessions", path = "/api/v1/tenants/{tenant}/support-sessions", tag = "support",
    params(("tenant" = String, Path)), responses((status = 200, body = [SessionView])))]
#[get("/tenants/{tenant}/support-sessions")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let rows = state
        .db(move |conn| {
            let (_, tenant_id, _) = tenant_access(conn, &principal, &key, Need::ReadAudit, &meta)?;
            Ok(support::list(conn, &tenant_id, 200)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(SessionView::from).collect::<Vec<_>>()))
}
