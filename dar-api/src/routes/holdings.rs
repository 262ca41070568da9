//! The register: holdings of everyone at a moment, and the minimised register of a class.

use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Access, Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictQuery};
use crate::routes::{Page, cursor_key, money, next_cursor, page_limit, tenant_access};
use crate::state::AppState;
use dar_core::ids::TenantId;
use dar_core::types::Role;
use dar_db::DbConnection;
use dar_db::ledger::{HoldingRow, Moment};
use dar_db::tenants::TenantRow;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MomentQuery {
    /// The register at the end of this date; default today.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
    /// Count only entries 1..N: the register as it was known after entry N.
    pub as_of_seq: Option<i64>,
}

impl MomentQuery {
    pub fn moment(&self, tenant: &TenantRow) -> ApiResult<Moment> {
        moment(tenant, self.as_of, self.as_of_seq)
    }
}

pub(crate) fn moment(
    tenant: &TenantRow,
    as_of: Option<NaiveDate>,
    as_of_seq: Option<i64>,
) -> ApiResult<Moment> {
    let as_of_seq = match as_of_seq {
        None => tenant.ledger_head_seq,
        Some(n) if (0..=tenant.ledger_head_seq).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::invalid(
                "as_of_seq",
                format!(
                    "must be between 0 and the ledger head ({})",
                    tenant.ledger_head_seq
                ),
            ));
        }
    };
    Ok(Moment {
        as_of: as_of.unwrap_or_else(|| dar_core::time::brussels_date(Utc::now())),
        as_of_seq,
    })
}

#[derive(Serialize, ToSchema)]
pub struct HoldingView {
    pub shareholder_id: String,
    pub register_number: i64,
    pub share_class: String,
    pub quantity: i64,
    /// Subscribed capital of these shares.
    pub subscribed: String,
    pub paid_up: String,
}

impl From<&HoldingRow> for HoldingView {
    fn from(h: &HoldingRow) -> Self {
        HoldingView {
            shareholder_id: h.shareholder_id.clone(),
            register_number: h.register_number,
            share_class: h.share_class.clone(),
            quantity: h.quantity,
            subscribed: money(h.capital_cents),
            paid_up: money(h.paid_cents),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
    pub as_of_seq: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A register cursor pins the moment, so every page shows the same register even when
/// entries are posted between pages.
#[derive(Serialize, Deserialize)]
struct RegisterCursor {
    as_of: NaiveDate,
    seq: i64,
    number: i64,
    class: String,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterPage {
    pub as_of: NaiveDate,
    pub as_of_seq: i64,
    pub items: Vec<HoldingView>,
    pub next_cursor: Option<String>,
}

/// The register: every holding at a moment, by register number and class.
#[utoipa::path(get, operation_id = "get_register", path = "/api/v1/tenants/{tenant}/holdings", tag = "register",
    params(("tenant" = String, Path), RegisterQuery),
    responses((status = 200, body = RegisterPage)))]
#[get("/tenants/{tenant}/holdings")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<RegisterQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let cursor: Option<RegisterCursor> = cursor_key(q.cursor.as_deref())?;
    let page = state
        .db(move |conn| {
            let (tenant, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let (m, after) = match cursor {
                Some(c) => (
                    moment(&tenant, Some(c.as_of), Some(c.seq))?,
                    Some((c.number, c.class)),
                ),
                None => (moment(&tenant, q.as_of, q.as_of_seq)?, None),
            };
            let rows = dar_db::ledger::holdings(conn, &tenant_id, m, after, limit)?;
            let next_cursor = next_cursor(&rows, limit, |last| RegisterCursor {
                as_of: m.as_of,
                seq: m.as_of_seq,
                number: last.register_number,
                class: last.share_class.clone(),
            });
            Ok(RegisterPage {
                as_of: m.as_of,
                as_of_seq: m.as_of_seq,
                items: rows.iter().map(HoldingView::from).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClassRegisterQuery {
    pub share_class: String,
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ClassRegisterLine {
    pub register_number: i64,
    pub name: String,
    pub municipality: Option<String>,
    pub quantity: i64,
}

/// The minimised register of one class (name, municipality, holding): the legal right of
/// consultation of every holder of that class.
#[utoipa::path(get, operation_id = "get_class_register", path = "/api/v1/tenants/{tenant}/class-register", tag = "register",
    params(("tenant" = String, Path), ClassRegisterQuery),
    responses((status = 200, body = Page<ClassRegisterLine>)))]
#[get("/tenants/{tenant}/class-register")]
pub async fn class_register(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<ClassRegisterQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after: i64 = cursor_key(q.cursor.as_deref())?.unwrap_or(0);
    let page = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ConsultClassRegister, &meta)?;
            class_register_page(
                conn,
                &tenant,
                &tenant_id,
                &access,
                &q.share_class,
                q.as_of,
                after,
                limit,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A page of the minimised register of the class `code` (name, municipality, holding) as
/// of a date, after register number `after`: what the API and the holder's page show. A
/// shareholder consults only the register of a class they hold today.
#[allow(clippy::too_many_arguments)]
pub(crate) fn class_register_page(
    conn: &mut DbConnection,
    tenant: &TenantRow,
    tenant_id: &TenantId,
    access: &Access,
    code: &str,
    as_of: Option<NaiveDate>,
    after: i64,
    limit: i64,
) -> ApiResult<Page<ClassRegisterLine>> {
    let class = dar_db::share_classes::find_by_code(conn, tenant_id, code)?
        .ok_or_else(|| ApiError::invalid("share_class", "this register has no such share class"))?;
    let m = moment(tenant, as_of, None)?;
    if access.role == Role::Shareholder {
        let today = moment(tenant, None, None)?;
        let mut holds = false;
        for holder in &access.own_shareholders {
            holds |= dar_db::ledger::holder_holdings(conn, tenant_id, holder, today)?
                .iter()
                .any(|h| h.share_class == class.code && h.quantity > 0);
        }
        if !holds {
            return Err(ApiError::Forbidden(
                "only holders of this class may consult its register",
            ));
        }
    }
    let rows = dar_db::ledger::class_register(conn, tenant_id, &class.id, m.as_of, after, limit)?;
    let next_cursor = next_cursor(&rows, limit, |r| r.register_number);
    let items = rows
        .into_iter()
        .map(|r| ClassRegisterLine {
            register_number: r.register_number,
            name: match (r.kind.as_str(), r.legal_name, r.last_name, r.first_name) {
                ("legal", Some(legal), _, _) => legal,
                (_, _, Some(last), Some(first)) => format!("{first} {last}"),
                (_, _, Some(last), None) => last,
                (_, legal, _, _) => legal.unwrap_or_default(),
            },
            municipality: r.city,
            quantity: r.quantity,
        })
        .collect();
    Ok(Page { items, next_cursor })
}
