//! The authenticated caller, extracted from the `Authorization: Bearer` header.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::tokens::Claims;
use crate::error::ApiError;
use crate::state::AppState;
use dar_core::ids::{ShareholderId, TenantId, UserId};
use dar_core::types::Role;
use dar_db::users::Grant;

#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: UserId,
    pub grants: Vec<Grant>,
}

impl Principal {
    fn from_claims(claims: Claims) -> Option<Self> {
        let grants = claims
            .grants
            .into_iter()
            .map(|g| {
                Some(Grant {
                    role: Role::parse(&g.role)?,
                    tenant_id: g
                        .tenant_id
                        .map(|t| t.parse::<TenantId>())
                        .transpose()
                        .ok()?,
                    shareholder_id: g
                        .shareholder_id
                        .map(|s| s.parse::<ShareholderId>())
                        .transpose()
                        .ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Principal {
            user_id: claims.sub.parse().ok()?,
            grants,
        })
    }

    pub fn has_platform_role(&self, role: Role) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.tenant_id.is_none())
    }

    /// The caller's grants on one tenant.
    pub fn tenant_grants<'a>(
        &'a self,
        tenant: &'a TenantId,
    ) -> impl Iterator<Item = &'a Grant> + 'a {
        self.grants
            .iter()
            .filter(move |g| g.tenant_id.as_ref() == Some(tenant))
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req
            .app_data::<web::Data<AppState>>()
            .expect("AppState is registered");
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(token) = token else {
            return ready(Err(ApiError::Unauthenticated(
                "send an access token as Authorization: Bearer <token>",
            )));
        };
        let principal = state.tokens.verify(token).and_then(Principal::from_claims);
        ready(principal.ok_or(ApiError::Unauthenticated(
            "the access token is invalid or expired",
        )))
    }
}
