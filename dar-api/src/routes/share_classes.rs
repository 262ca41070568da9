//! Share classes of a cooperative.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Need, Principal};
use crate::error::ApiResult;
use crate::request::{RequestMeta, StrictJson};
use crate::routes::{money, tenant_access};
use crate::state::{AppState, Change};
use crate::validate::Problems;
use dar_core::money::Money;
use dar_core::types::TransferRule;
use dar_db::share_classes::{self, NewShareClass, ShareClassRow};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShareClass {
    /// 1 to 8 upper-case letters or digits, e.g. `A`.
    pub code: String,
    pub name: String,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub nominal_value: Money,
    /// Default price per share at issue; defaults to the nominal value.
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub issue_price: Option<Money>,
    /// Votes per share (when the cooperative votes per share); default 1.
    pub votes_per_share: Option<i32>,
    /// Whether the class shares in profits; default true.
    pub dividend_rights: Option<bool>,
    /// `free`, `approval` (the board approves each transfer) or `none`.
    #[schema(value_type = String, example = "approval")]
    pub transfer_rule: TransferRule,
    pub max_shares_per_holder: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ShareClassView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub nominal_value: String,
    pub issue_price: String,
    pub votes_per_share: i32,
    pub dividend_rights: bool,
    pub transfer_rule: String,
    pub max_shares_per_holder: Option<i64>,
}

impl From<&ShareClassRow> for ShareClassView {
    fn from(c: &ShareClassRow) -> Self {
        ShareClassView {
            id: c.id.clone(),
            code: c.code.clone(),
            name: c.name.clone(),
            nominal_value: money(c.nominal_value_cents),
            issue_price: money(c.issue_price_cents),
            votes_per_share: c.votes_per_share,
            dividend_rights: c.dividend_rights,
            transfer_rule: c.transfer_rule.clone(),
            max_shares_per_holder: c.max_shares_per_holder,
        }
    }
}

/// The class `b` asks for, after checking every field (the API and the pages check
/// through this).
pub fn checked(b: CreateShareClass) -> ApiResult<NewShareClass> {
    let mut problems = Problems::new();
    let code_ok = (1..=8).contains(&b.code.len())
        && b.code
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !code_ok {
        problems.add(
            "code",
            "must be 1 to 8 upper-case letters or digits, e.g. A",
        );
    }
    let name = problems.check("name", dar_core::text::name(&b.name, 100));
    let votes = b.votes_per_share.unwrap_or(1);
    if !(0..=1_000_000).contains(&votes) {
        problems.add("votes_per_share", "must be between 0 and 1000000");
    }
    if let Some(max) = b.max_shares_per_holder
        && !(1..=dar_core::money::ShareCount::MAX).contains(&max)
    {
        problems.add(
            "max_shares_per_holder",
            format!("must be between 1 and {}", dar_core::money::ShareCount::MAX),
        );
    }
    problems.finish()?;
    Ok(NewShareClass {
        code: b.code,
        name: name.unwrap_or_default(),
        nominal_value: b.nominal_value,
        issue_price: b.issue_price.unwrap_or(b.nominal_value),
        votes_per_share: votes,
        dividend_rights: b.dividend_rights.unwrap_or(true),
        transfer_rule: b.transfer_rule,
        max_shares_per_holder: b.max_shares_per_holder,
    })
}

/// Adds a checked class to the cooperative of `scope`.
pub fn create_in(
    conn: &mut dar_db::DbConnection,
    scope: &crate::state::Scope,
    new: NewShareClass,
) -> ApiResult<Change<ShareClassRow>> {
    let row = share_classes::create(conn, &scope.id, new, Utc::now())?;
    Ok(Change {
        action: "share_class.created",
        object: ("share_class", row.id.clone()),
        details: Some(serde_json::json!({ "code": row.code })),
        value: row,
    })
}

/// Creates a share class.
#[utoipa::path(post, operation_id = "create_share_class", path = "/api/v1/tenants/{tenant}/share-classes", tag = "register", request_body = CreateShareClass,
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 201, body = ShareClassView), (status = 409, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/share-classes")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<CreateShareClass>,
) -> ApiResult<HttpResponse> {
    let new = checked(body.0)?;
    let key = path.into_inner();
    let row = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| create_in(conn, scope, new),
        )
        .await?;
    Ok(HttpResponse::Created().json(ShareClassView::from(&row)))
}

/// The cooperative's share classes.
#[utoipa::path(get, operation_id = "list_share_classes", path = "/api/v1/tenants/{tenant}/share-classes", tag = "register",
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 200, body = [ShareClassView])))]
#[get("/tenants/{tenant}/share-classes")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let rows = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ConsultClassRegister, &meta)?;
            Ok(share_classes::list(conn, &tenant_id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(ShareClassView::from).collect::<Vec<_>>()))
}
