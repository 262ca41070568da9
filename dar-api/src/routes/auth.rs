//! Login, token refresh and accepting an invitation.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{credentials, tokens};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson};
use crate::state::AppState;
use dar_core::ids::UserId;
use dar_db::audit;
use dar_db::users::{self, Grant};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// Exchanges email and password for an access token and a refresh token.
/// Failed attempts slow down per account and per source address (429 with `Retry-After`).
#[utoipa::path(post, operation_id = "login", security(()), path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::Problem),
        (status = 429, body = crate::error::Problem)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: StrictJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let st = state.clone();
    let pair = state
        .db(move |conn| {
            let (user, login) = credentials::authenticate(conn, &st, &email, &password, &meta)?;
            dar_db::write_transaction(conn, |conn| {
                audit::record(conn, login, Utc::now())?;
                let id: UserId = user.id.parse().map_err(ApiError::internal)?;
                issue_pair(conn, &st, &id, &uuid::Uuid::now_v7().to_string())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Issues an access token with the user's current grants and a refresh token of `family`.
fn issue_pair(
    conn: &mut dar_db::DbConnection,
    state: &AppState,
    user: &UserId,
    family: &str,
) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let grants: Vec<Grant> = users::grants_of(conn, user)?;
    let access_token = state
        .tokens
        .issue(user, &grants, now, state.settings.access_token_seconds);
    let (refresh_token, refresh_hash) = tokens::opaque_token();
    let expires = now + chrono::Duration::days(state.settings.refresh_token_days);
    users::store_refresh_token(conn, user, family, &refresh_hash, expires, now)?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: state.settings.access_token_seconds,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchanges a refresh token for a new pair; the old refresh token stops working, and
/// presenting it again revokes the whole chain of tokens it belongs to.
#[utoipa::path(post, operation_id = "refresh_tokens", security(()), path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::Problem)))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: StrictJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.0.refresh_token;
    let st = state.clone();
    let pair = state
        .db(move |conn| {
            let row = match users::use_refresh_token(conn, &tokens::token_hash(&token), Utc::now())
            {
                Ok(row) => row,
                Err(dar_db::StoreError::NotFound | dar_db::StoreError::Conflict(_)) => {
                    return Err(ApiError::Unauthenticated(
                        "the refresh token is invalid, used or expired",
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            let user: UserId = row.user_id.parse().map_err(ApiError::internal)?;
            if users::get(conn, &user)?.disabled {
                return Err(ApiError::Unauthenticated("the account is disabled"));
            }
            issue_pair(conn, &st, &user, &row.family_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pair))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
    /// The new account's password, or the existing account's password.
    pub password: String,
    pub display_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub grants: Vec<GrantView>,
}

#[derive(Serialize, ToSchema)]
pub struct GrantView {
    pub role: String,
    pub tenant_id: Option<String>,
    pub shareholder_id: Option<String>,
}

impl From<&Grant> for GrantView {
    fn from(g: &Grant) -> Self {
        GrantView {
            role: g.role.as_str().into(),
            tenant_id: g.tenant_id.map(|t| t.to_string()),
            shareholder_id: g.shareholder_id.map(|s| s.to_string()),
        }
    }
}

pub fn user_view(conn: &mut dar_db::DbConnection, user: &users::UserRow) -> ApiResult<UserView> {
    let id: UserId = user.id.parse().map_err(ApiError::internal)?;
    let grants = users::grants_of(conn, &id)?;
    Ok(UserView {
        id: user.id.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        grants: grants.iter().map(GrantView::from).collect(),
    })
}

/// Accepts an invitation: creates the account, or adds the grant to the existing account
/// with that email (whose password must then be given).
/// The existing account's password is throttled like a login.
#[utoipa::path(post, operation_id = "accept_invitation", security(()), path = "/api/v1/auth/accept-invitation", tag = "auth", request_body = AcceptInvitation,
    responses((status = 200, body = UserView), (status = 404, body = crate::error::Problem),
        (status = 429, body = crate::error::Problem)))]
#[post("/auth/accept-invitation")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: StrictJson<AcceptInvitation>,
) -> ApiResult<HttpResponse> {
    let AcceptInvitation {
        token,
        password: pw,
        display_name,
    } = body.0;
    let user = crate::accounts::accept_invitation(&state, meta, &token, pw, display_name).await?;
    let view = state.db(move |conn| user_view(conn, &user)).await?;
    Ok(HttpResponse::Ok().json(view))
}
