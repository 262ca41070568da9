//! The caller's own account and, for shareholders, their own holdings everywhere.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::routes::auth::{UserView, user_view};
use crate::routes::holdings::HoldingView;
use crate::state::AppState;
use dar_core::types::Role;
use dar_db::ledger::Moment;

/// The caller and their grants.
#[utoipa::path(get, operation_id = "get_me", path = "/api/v1/me", tag = "me", responses((status = 200, body = UserView)))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    let view = state
        .db(move |conn| {
            let user = dar_db::users::get(conn, &principal.user_id).map_err(|e| match e {
                dar_db::StoreError::NotFound => {
                    ApiError::Unauthenticated("the account no longer exists")
                }
                other => other.into(),
            })?;
            user_view(conn, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Serialize, ToSchema)]
pub struct MyHoldings {
    pub tenant_id: String,
    pub cooperative: String,
    pub shareholder_id: String,
    pub holdings: Vec<HoldingView>,
}

/// The caller's holdings today in every cooperative where they are a shareholder.
#[utoipa::path(get, operation_id = "list_my_holdings", path = "/api/v1/me/holdings", tag = "me", responses((status = 200, body = [MyHoldings])))]
#[get("/me/holdings")]
pub async fn my_holdings(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    let out = state
        .db(move |conn| {
            let today = dar_core::time::brussels_date(Utc::now());
            let mut out = Vec::new();
            for grant in principal
                .grants
                .iter()
                .filter(|g| g.role == Role::Shareholder)
            {
                let (Some(tenant_id), Some(holder)) = (grant.tenant_id, grant.shareholder_id)
                else {
                    continue;
                };
                let tenant = dar_db::tenants::get(conn, &tenant_id)?;
                let moment = Moment {
                    as_of: today,
                    as_of_seq: tenant.ledger_head_seq,
                };
                let rows = dar_db::ledger::holder_holdings(conn, &tenant_id, &holder, moment)?;
                out.push(MyHoldings {
                    tenant_id: tenant.id.clone(),
                    cooperative: tenant.legal_name.clone(),
                    shareholder_id: holder.to_string(),
                    holdings: rows.iter().map(HoldingView::from).collect(),
                });
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
