//! Invitations: how admins, viewers and shareholders get access to a cooperative.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, NewInvitation};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson};
use crate::state::AppState;
use dar_core::ids::ShareholderId;
use dar_core::types::Role;

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
    accounts::check_email(&b.email)?;
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
    let st = state.clone();
    let invited = state
        .write(move |conn| {
            let new = NewInvitation {
                email: b.email,
                role,
                shareholder,
                lang: None,
            };
            accounts::invite_to_tenant(conn, &st.settings, &principal, &meta, &key, new)
        })
        .await?;
    state.mail.wake();
    let view = InvitationView {
        id: invited.id,
        token: invited.token,
        expires_at: invited.expires_at,
    };
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
    // Refused before the body is looked at, as a stranger learns nothing from it.
    if !principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "only the coordinator invites platform users",
        ));
    }
    let b = body.0;
    accounts::check_email(&b.email)?;
    let role = match Role::parse(&b.role) {
        Some(r) if !r.is_tenant_role() => r,
        _ => return Err(ApiError::invalid("role", "must be coordinator or helpdesk")),
    };
    let st = state.clone();
    let invited = state
        .write(move |conn| {
            let new = NewInvitation {
                email: b.email,
                role,
                shareholder: None,
                lang: None,
            };
            accounts::invite_to_platform(conn, &st.settings, &principal, &meta, new)
        })
        .await?;
    state.mail.wake();
    let view = InvitationView {
        id: invited.id,
        token: invited.token,
        expires_at: invited.expires_at,
    };
    Ok(HttpResponse::Created().json(view))
}
