//! Invitations: how admins, viewers and shareholders get access to a cooperative.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Need, Principal, tokens};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson};
use crate::routes::{parse_path_id, tenant_access};
use crate::state::{AppState, Audited};
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::types::Role;
use dar_db::audit::NewAuditEvent;

/// How long an invitation can be accepted.
const INVITATION_DAYS: i64 = 14;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    pub email: String,
    /// `admin`, `viewer` or `shareholder`.
    pub role: String,
    /// Required for `shareholder`: the record the account will see.
    pub shareholder_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    /// Give this to the invitee; it is shown once and stored only as a hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

fn check_email(email: &str) -> ApiResult<()> {
    let email = email.trim();
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid("email", "not an email address"))
    }
}

/// Invites someone to a cooperative. The coordinator may invite the first admin; admins
/// invite anyone.
#[utoipa::path(post, operation_id = "invite_to_tenant", path = "/api/v1/tenants/{tenant}/invitations", tag = "access", request_body = CreateInvitation,
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 201, body = InvitationView)))]
#[post("/tenants/{tenant}/invitations")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<CreateInvitation>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let b = body.0;
    check_email(&b.email)?;
    let role = match Role::parse(&b.role) {
        Some(r) if r.is_tenant_role() => r,
        _ => {
            return Err(ApiError::invalid(
                "role",
                "must be admin, viewer or shareholder",
            ));
        }
    };
    let shareholder: Option<ShareholderId> = match (role, &b.shareholder_id) {
        (Role::Shareholder, Some(id)) => Some(
            id.parse()
                .map_err(|_| ApiError::invalid("shareholder_id", "not an id"))?,
        ),
        (Role::Shareholder, None) => {
            return Err(ApiError::invalid(
                "shareholder_id",
                "required for a shareholder invitation",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "shareholder_id",
                "only for a shareholder invitation",
            ));
        }
        (_, None) => None,
    };
    let view = state
        .write(move |conn| {
            let (tenant, tenant_id, actor_role): (_, TenantId, &str) =
                if principal.has_platform_role(Role::Coordinator) && role == Role::Admin {
                    let t = dar_db::tenants::find(conn, &key)?;
                    let id = parse_path_id(&t.id)?;
                    (t, id, "coordinator")
                } else {
                    let (t, id, access) =
                        tenant_access(conn, &principal, &key, Need::ManageTenant, &meta)?;
                    (t, id, access.actor_role())
                };
            if let Some(holder) = &shareholder {
                dar_db::shareholders::get(conn, &tenant_id, holder).map_err(|e| match e {
                    dar_db::StoreError::NotFound => ApiError::invalid(
                        "shareholder_id",
                        "no shareholder with this id in this register",
                    ),
                    other => other.into(),
                })?;
            }
            let now = Utc::now();
            let (token, hash) = tokens::opaque_token();
            let expires = now + chrono::Duration::days(INVITATION_DAYS);
            let row = dar_db::users::create_invitation(
                conn,
                &tenant_id,
                &b.email,
                role,
                shareholder,
                &hash,
                expires,
                &principal.user_id,
                now,
            )?;
            let event = NewAuditEvent {
                tenant_id: Some(tenant.id.clone()),
                actor_user_id: Some(principal.user_id.to_string()),
                actor_role: Some(actor_role.into()),
                action: "invitation.created".into(),
                object_type: Some("invitation".into()),
                object_id: Some(row.id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                details: Some(serde_json::json!({ "role": role.as_str(), "email": row.email })),
                ..Default::default()
            };
            Ok(Audited {
                event,
                value: InvitationView {
                    id: row.id,
                    token,
                    expires_at: expires,
                },
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlatformInvitation {
    pub email: String,
    /// `coordinator` or `helpdesk`.
    pub role: String,
}

/// Invites someone to a platform role: another coordinator, or a helpdesk agent
/// (coordinator only).
#[utoipa::path(post, operation_id = "invite_platform_user", path = "/api/v1/invitations", tag = "access", request_body = CreatePlatformInvitation,
    responses((status = 201, body = InvitationView), (status = 403, body = crate::error::Problem)))]
#[post("/invitations")]
pub async fn create_platform(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: StrictJson<CreatePlatformInvitation>,
) -> ApiResult<HttpResponse> {
    if !principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "only the coordinator invites platform users",
        ));
    }
    let b = body.0;
    check_email(&b.email)?;
    let role = match Role::parse(&b.role) {
        Some(r) if !r.is_tenant_role() => r,
        _ => return Err(ApiError::invalid("role", "must be coordinator or helpdesk")),
    };
    let view = state
        .write(move |conn| {
            let now = Utc::now();
            let (token, hash) = tokens::opaque_token();
            let expires = now + chrono::Duration::days(INVITATION_DAYS);
            let row = dar_db::users::create_platform_invitation(
                conn,
                &b.email,
                role,
                &hash,
                expires,
                &principal.user_id,
                now,
            )?;
            let event = NewAuditEvent {
                actor_user_id: Some(principal.user_id.to_string()),
                actor_role: Some("coordinator".into()),
                action: "invitation.created".into(),
                object_type: Some("platform_invitation".into()),
                object_id: Some(row.id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                details: Some(serde_json::json!({ "role": role.as_str(), "email": row.email })),
                ..Default::default()
            };
            Ok(Audited {
                event,
                value: InvitationView {
                    id: row.id,
                    token,
                    expires_at: expires,
                },
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
