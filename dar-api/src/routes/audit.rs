//! Reading the audit log: a tenant's events for its admins, platform events for the
//! coordinator.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictQuery};
use crate::routes::{Page, cursor_key, next_cursor, page_limit, tenant_access};
use crate::state::AppState;
use dar_core::types::Role;
use dar_db::audit::{self, AuditFilter, AuditRow};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `ledger.posted`, `login`, `helpdesk.read`.
    pub action: Option<String>,
    pub actor_user_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    pub tenant_id: Option<String>,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub support_session_id: Option<String>,
    /// What changed, when the event records it; `null` otherwise.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl From<AuditRow> for AuditView {
    fn from(r: AuditRow) -> Self {
        AuditView {
            id: r.id,
            tenant_id: r.tenant_id,
            at: r.at.and_utc(),
            actor_user_id: r.actor_user_id,
            actor_role: r.actor_role,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            request_id: r.request_id,
            source_ip: r.source_ip,
            support_session_id: r.support_session_id,
            details: r.details.and_then(|d| serde_json::from_str(&d).ok()),
        }
    }
}

fn page(rows: Vec<AuditRow>, limit: i64) -> Page<AuditView> {
    let next_cursor = next_cursor(&rows, limit, |r| r.id.clone());
    Page {
        items: rows.into_iter().map(AuditView::from).collect(),
        next_cursor,
    }
}

/// The cooperative's audit log, newest first (admins).
#[utoipa::path(get, operation_id = "list_tenant_audit_events", path = "/api/v1/tenants/{tenant}/audit", tag = "audit",
    params(("tenant" = String, Path), AuditQuery), responses((status = 200, body = Page<AuditView>)))]
#[get("/tenants/{tenant}/audit")]
pub async fn tenant_audit(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before: Option<String> = cursor_key(q.cursor.as_deref())?;
    let out = state
        .db(move |conn| {
            let (tenant, _, _) = tenant_access(conn, &principal, &key, Need::ReadAudit, &meta)?;
            let rows = audit::list(
                conn,
                &AuditFilter {
                    tenant_id: Some(tenant.id),
                    action: q.action,
                    actor_user_id: q.actor_user_id,
                    before_id: before,
                    from: None,
                    until: None,
                    limit,
                },
            )?;
            Ok(page(rows, limit))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Platform events (logins, onboarding), newest first (coordinator).
#[utoipa::path(get, operation_id = "list_platform_audit_events", path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Page<AuditView>)))]
#[get("/audit")]
pub async fn platform_audit(
    state: web::Data<AppState>,
    principal: Principal,
    query: StrictQuery<AuditQuery>,
) -> ApiResult<HttpResponse> {
    if !principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "only the coordinator reads platform events",
        ));
    }
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before: Option<String> = cursor_key(q.cursor.as_deref())?;
    let out = state
        .db(move |conn| {
            let rows = audit::list(
                conn,
                &AuditFilter {
                    tenant_id: None,
                    action: q.action,
                    actor_user_id: q.actor_user_id,
                    before_id: before,
                    from: None,
                    until: None,
                    limit,
                },
            )?;
            Ok(page(rows, limit))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
