//! Tenants: onboarding by the coordinator, settings by the tenant's admins.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson};
use crate::routes::tenant_access;
use crate::state::{AppState, Audited};
use crate::validate::{self, Name, Problems};
use dar_core::identifiers::EnterpriseNumber;
use dar_core::types::{Language, Role, TenantStatus, VotingRule};
use dar_db::audit::NewAuditEvent;
use dar_db::tenants::{self, NewTenant, TenantChanges, TenantRow};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    /// Lower-case letters, digits and dashes, 2 to 40 characters.
    pub slug: String,
    #[schema(value_type = String)]
    pub legal_name: Name,
    /// KBO/BCE number, checked.
    #[schema(value_type = String, example = "0403.019.261")]
    pub enterprise_number: EnterpriseNumber,
    /// e.g. `cv`.
    pub legal_form: String,
    #[schema(value_type = String, example = "nl")]
    pub default_language: Language,
    pub address: Option<Address>,
    /// `MM-DD`, default `12-31`.
    pub fiscal_year_end: Option<String>,
    #[schema(value_type = Option<String>, example = "one_member_one_vote")]
    pub voting_rule: Option<VotingRule>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166 alpha-2, default `BE`.
    pub country: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TenantView {
    pub id: String,
    pub slug: String,
    pub legal_name: String,
    pub enterprise_number: String,
    pub legal_form: String,
    pub address: Address,
    pub default_language: String,
    pub fiscal_year_end: String,
    pub voting_rule: String,
    pub locked_until: Option<NaiveDate>,
    pub helpdesk_may_write: bool,
    pub status: String,
    pub ledger_head_seq: i64,
}

impl Address {
    /// The address with every part checked, the postal code against its country's format.
    pub fn checked(&self, problems: &mut Problems, prefix: &str) -> validate::CheckedAddress {
        validate::address(
            problems,
            prefix,
            self.street.as_deref(),
            self.postal_code.as_deref(),
            self.city.as_deref(),
            self.country.as_deref(),
        )
    }
}

impl From<&TenantRow> for TenantView {
    fn from(t: &TenantRow) -> Self {
        TenantView {
            id: t.id.clone(),
            slug: t.slug.clone(),
            legal_name: t.legal_name.clone(),
            enterprise_number: t.enterprise_number.clone(),
            legal_form: t.legal_form.clone(),
            address: Address {
                street: t.street.clone(),
                postal_code: t.postal_code.clone(),
                city: t.city.clone(),
                country: Some(t.country.clone()),
            },
            default_language: t.default_language.clone(),
            fiscal_year_end: t.fiscal_year_end.clone(),
            voting_rule: t.voting_rule.clone(),
            locked_until: t.locked_until,
            helpdesk_may_write: t.helpdesk_may_write,
            status: t.status.clone(),
            ledger_head_seq: t.ledger_head_seq,
        }
    }
}

pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    let ok = (2..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && slug.parse::<uuid::Uuid>().is_err();
    if ok {
        Ok(())
    } else {
        Err("must be 2 to 40 lower-case letters, digits or dashes, not starting with a dash")
    }
}

fn check_name(value: &str, max: usize) -> Result<String, dar_core::text::TextError> {
    dar_core::text::name(value, max)
}

fn check_fiscal_year_end(value: &str) -> Result<(), &'static str> {
    let ok =
        NaiveDate::parse_from_str(&format!("2024-{value}"), "%Y-%m-%d").is_ok() && value.len() == 5;
    if ok {
        Ok(())
    } else {
        Err("must be MM-DD, e.g. 12-31")
    }
}

/// The cooperative `b` asks for, after checking every field (the API and the
/// coordinator's page check through this).
pub fn checked(b: CreateTenant) -> ApiResult<NewTenant> {
    let mut problems = Problems::new();
    problems.check("slug", check_slug(&b.slug));
    let fiscal_year_end = b.fiscal_year_end.unwrap_or_else(|| "12-31".into());
    problems.check("fiscal_year_end", check_fiscal_year_end(&fiscal_year_end));
    let legal_form = problems.check("legal_form", check_name(&b.legal_form, 40));
    let address = b
        .address
        .unwrap_or_default()
        .checked(&mut problems, "address");
    problems.finish()?;
    Ok(NewTenant {
        slug: b.slug,
        legal_name: b.legal_name.into_string(),
        enterprise_number: b.enterprise_number.as_str().to_string(),
        legal_form: legal_form.unwrap_or_default().to_lowercase(),
        street: address.street,
        postal_code: address.postal_code,
        city: address.city,
        country: address.country,
        default_language: b.default_language.as_str().into(),
        fiscal_year_end,
        voting_rule: b
            .voting_rule
            .unwrap_or(VotingRule::OneMemberOneVote)
            .as_str()
            .into(),
    })
}

/// Creates a checked cooperative, with its `tenant.created` event for the caller's write
/// transaction to record.
pub fn create_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    new: NewTenant,
) -> ApiResult<Audited<TenantRow>> {
    let row = tenants::create(conn, new, Utc::now())?;
    let event = NewAuditEvent {
        tenant_id: Some(row.id.clone()),
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some("coordinator".into()),
        action: "tenant.created".into(),
        object_type: Some("tenant".into()),
        object_id: Some(row.id.clone()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        details: Some(serde_json::json!({ "slug": row.slug })),
        ..Default::default()
    };
    Ok(Audited { event, value: row })
}

/// Onboards a cooperative (coordinator only).
#[utoipa::path(post, operation_id = "create_tenant", path = "/api/v1/tenants", tag = "tenants", request_body = CreateTenant,
    responses((status = 201, body = TenantView), (status = 409, body = crate::error::Problem)))]
#[post("/tenants")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: StrictJson<CreateTenant>,
) -> ApiResult<HttpResponse> {
    if !principal.has_platform_role(Role::Coordinator) {
        return Err(ApiError::Forbidden(
            "only the coordinator onboards cooperatives",
        ));
    }
    let new = checked(body.0)?;
    let row = state
        .write(move |conn| create_in(conn, &principal, &meta, new))
        .await?;
    Ok(HttpResponse::Created().json(TenantView::from(&row)))
}

/// Cooperatives the caller may see: all of them for platform roles, otherwise those the
/// caller has a grant on.
#[utoipa::path(get, operation_id = "list_tenants", path = "/api/v1/tenants", tag = "tenants", responses((status = 200, body = [TenantView])))]
#[get("/tenants")]
pub async fn list(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    let rows = state
        .db(move |conn| {
            let platform = principal.has_platform_role(Role::Coordinator)
                || principal.has_platform_role(Role::Helpdesk);
            let rows = if platform {
                tenants::list(conn, None, 10_000)?
            } else {
                // Only the cooperatives the caller has a grant on, read by id.
                let mut ids: Vec<_> = principal
                    .grants
                    .iter()
                    .filter_map(|g| g.tenant_id)
                    .collect();
                ids.sort();
                ids.dedup();
                ids.iter()
                    .map(|id| tenants::get(conn, id))
                    .collect::<Result<Vec<_>, _>>()?
            };
            Ok(rows.iter().map(TenantView::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One cooperative.
#[utoipa::path(get, operation_id = "get_tenant", path = "/api/v1/tenants/{tenant}", tag = "tenants",
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 200, body = TenantView), (status = 404, body = crate::error::Problem)))]
#[get("/tenants/{tenant}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let row = state
        .db(move |conn| {
            if principal.has_platform_role(Role::Coordinator) {
                return Ok(tenants::find(conn, &key)?);
            }
            let (row, _, _) = tenant_access(conn, &principal, &key, Need::ReadTenant, &meta)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TenantView::from(&row)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    #[schema(value_type = Option<String>)]
    pub legal_name: Option<Name>,
    pub legal_form: Option<String>,
    pub address: Option<Address>,
    #[schema(value_type = Option<String>)]
    pub default_language: Option<Language>,
    #[schema(value_type = Option<String>)]
    pub voting_rule: Option<VotingRule>,
    /// Close the register up to this date; a closed period cannot be reopened.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub locked_until: Option<NaiveDate>,
    pub helpdesk_may_write: Option<bool>,
    /// Coordinator only: `active`, `suspended`, `archived`.
    #[schema(value_type = Option<String>)]
    pub status: Option<TenantStatus>,
}

impl UpdateTenant {
    /// Whether the patch changes the register's settings (an admin's business), as opposed
    /// to only the status (the coordinator's) or nothing at all.
    fn touches_register_settings(&self) -> bool {
        let UpdateTenant {
            legal_name,
            legal_form,
            address,
            default_language,
            voting_rule,
            locked_until,
            helpdesk_may_write,
            status: _,
        } = self;
        legal_name.is_some()
            || legal_form.is_some()
            || address.is_some()
            || default_language.is_some()
            || voting_rule.is_some()
            || locked_until.is_some()
            || helpdesk_may_write.is_some()
    }
}

/// Changes a cooperative's settings: admins change the register's settings, the
/// coordinator changes the status.
#[utoipa::path(patch, operation_id = "update_tenant", path = "/api/v1/tenants/{tenant}", tag = "tenants", request_body = UpdateTenant,
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 200, body = TenantView)))]
#[patch("/tenants/{tenant}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<UpdateTenant>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let b = body.0;
    if !b.touches_register_settings() && b.status.is_none() {
        // An empty PATCH changes nothing, and so records nothing: it answers like a GET.
        let row = state
            .db(move |conn| {
                if principal.has_platform_role(Role::Coordinator) {
                    Ok(tenants::find(conn, &key)?)
                } else {
                    Ok(tenant_access(conn, &principal, &key, Need::ManageTenant, &meta)?.0)
                }
            })
            .await?;
        return Ok(HttpResponse::Ok().json(TenantView::from(&row)));
    }
    let row = state
        .write(move |conn| {
            let coordinator = principal.has_platform_role(Role::Coordinator);
            let register_settings = b.touches_register_settings();
            let (tenant, tenant_id) = if coordinator && !register_settings {
                let t = tenants::find(conn, &key)?;
                let id = t.id.parse().map_err(ApiError::internal)?;
                (t, id)
            } else {
                if b.status.is_some() {
                    return Err(ApiError::Forbidden(
                        "only the coordinator changes a cooperative's status",
                    ));
                }
                let (t, id, _) = tenant_access(conn, &principal, &key, Need::ManageTenant, &meta)?;
                (t, id)
            };
            let mut problems = Problems::new();
            let address = b
                .address
                .as_ref()
                .map(|a| a.checked(&mut problems, "address"));
            let legal_form = b
                .legal_form
                .as_deref()
                .and_then(|n| problems.check("legal_form", check_name(n, 40)));
            if let Some(locked) = b.locked_until
                && locked > dar_core::time::brussels_date(Utc::now())
            {
                problems.add("locked_until", "a period can only be closed up to today");
            }
            problems.finish()?;
            let changes = TenantChanges {
                legal_name: b.legal_name.clone().map(Name::into_string),
                legal_form: legal_form.map(|f| f.to_lowercase()),
                street: address.as_ref().map(|a| a.street.clone()),
                postal_code: address.as_ref().map(|a| a.postal_code.clone()),
                city: address.as_ref().map(|a| a.city.clone()),
                country: address.as_ref().map(|a| a.country.clone()),
                default_language: b.default_language.map(|l| l.as_str().into()),
                voting_rule: b.voting_rule.map(|v| v.as_str().into()),
                locked_until: b.locked_until.map(Some),
                helpdesk_may_write: b.helpdesk_may_write,
                status: b.status.map(|s| s.as_str().into()),
            };
            let updated = tenants::update(conn, &tenant_id, &changes)?;
            let event = NewAuditEvent {
                tenant_id: Some(tenant.id.clone()),
                actor_user_id: Some(principal.user_id.to_string()),
                actor_role: Some(
                    if coordinator && !register_settings {
                        "coordinator"
                    } else {
                        "admin"
                    }
                    .into(),
                ),
                action: "tenant.updated".into(),
                object_type: Some("tenant".into()),
                object_id: Some(tenant.id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                details: Some(serde_json::json!({
                    "locked_until": b.locked_until, "helpdesk_may_write": b.helpdesk_may_write,
                    "status": b.status.map(|s| s.as_str()),
                })),
                ..Default::default()
            };
            Ok(Audited {
                event,
                value: updated,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(TenantView::from(&row)))
}
