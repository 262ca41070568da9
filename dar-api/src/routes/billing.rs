//! The coordinator's billing set-up: invoicing identity, plans, billing profiles, usage and
//! the yearly run (SPEC §4). Everything here is the coordinator's alone.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{BillingNeed, Principal, authorize_billing};
use crate::billing::{self, PreviewItem, platform_event};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson, StrictQuery};
use crate::routes::money;
use crate::routes::tenants::Address;
use crate::state::{AppState, Audited};
use crate::validate::{self, Name, Problems};
use dar_core::billing::{Plan, Tier, VatRate, belgian_vat_number, peppol_id};
use dar_core::identifiers::{EnterpriseNumber, Iban};
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_core::types::Language;
use dar_db::billing::identity::{self, IdentityRow};
use dar_db::billing::plans::{self, PlanRow, StoredPlan};
use dar_db::billing::profiles::{self, ProfileRow};
use dar_db::tenants;

/// A postal address every part of which an invoice needs.
fn full_address(problems: &mut Problems, field: &str, address: &Address) -> [String; 4] {
    let checked = address.checked(problems, field);
    let mut required = |name: &str, value: Option<String>| {
        value.unwrap_or_else(|| {
            problems.add(format!("{field}.{name}"), "is needed on an invoice");
            String::new()
        })
    };
    [
        required("street", checked.street),
        required("postal_code", checked.postal_code),
        required("city", checked.city),
        checked.country,
    ]
}

fn vat_number(problems: &mut Problems, field: &str, value: &str) -> Option<String> {
    problems.check(field, belgian_vat_number(value))
}

fn participant(problems: &mut Problems, field: &str, value: Option<&str>) -> Option<String> {
    value
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| problems.check(field, peppol_id(v)))
}

fn bic(problems: &mut Problems, value: Option<&str>) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    let upper = value.to_ascii_uppercase();
    let ok = (upper.len() == 8 || upper.len() == 11)
        && upper[..6].bytes().all(|b| b.is_ascii_uppercase())
        && upper.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Some(upper)
    } else {
        problems.add("bic", "a BIC has 8 or 11 letters and digits, like GKCCBEBB");
        None
    }
}

// ---------------------------------------------------------------------------------------
// Invoicing identity
// ---------------------------------------------------------------------------------------

/// The coordinator as seller: what every invoice says about who issues it and where it is paid.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityInput {
    #[schema(value_type = String)]
    pub name: Name,
    pub address: Address,
    #[schema(value_type = String, example = "0403.019.261")]
    pub enterprise_number: EnterpriseNumber,
    /// `BE` and the enterprise number.
    #[schema(example = "BE0403019261")]
    pub vat_number: String,
    #[schema(value_type = String, example = "BE68539007547034")]
    pub iban: Iban,
    pub bic: Option<String>,
    /// Default `0208:` and the enterprise number.
    #[schema(example = "0208:0403019261")]
    pub peppol_id: Option<String>,
    /// Where cooperatives write about their invoices.
    pub email: String,
    /// Printed at the foot of every invoice.
    pub footer: Option<String>,
    /// Days from issue to due date; default 30.
    pub payment_term_days: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityView {
    pub name: String,
    pub address: Address,
    pub enterprise_number: String,
    pub vat_number: String,
    pub iban: String,
    pub bic: Option<String>,
    pub peppol_id: String,
    pub email: String,
    pub footer: String,
    pub payment_term_days: i32,
}

impl From<&IdentityRow> for IdentityView {
    fn from(r: &IdentityRow) -> Self {
        IdentityView {
            name: r.name.clone(),
            address: Address {
                street: Some(r.street.clone()),
                postal_code: Some(r.postal_code.clone()),
                city: Some(r.city.clone()),
                country: Some(r.country.clone()),
            },
            enterprise_number: r.enterprise_number.clone(),
            vat_number: r.vat_number.clone(),
            iban: r.iban.clone(),
            bic: r.bic.clone(),
            peppol_id: r.peppol_id.clone(),
            email: r.email.clone(),
            footer: r.footer.clone(),
            payment_term_days: r.payment_term_days,
        }
    }
}

/// The identity `b` describes, after checking every field.
pub fn checked_identity(b: IdentityInput) -> ApiResult<IdentityRow> {
    let mut problems = Problems::new();
    let [street, postal_code, city, country] = full_address(&mut problems, "address", &b.address);
    let vat = vat_number(&mut problems, "vat_number", &b.vat_number);
    if let Some(vat) = &vat
        && vat[2..] != *b.enterprise_number.as_str()
    {
        problems.add("vat_number", "must be BE and the enterprise number");
    }
    let peppol = participant(&mut problems, "peppol_id", b.peppol_id.as_deref())
        .unwrap_or_else(|| format!("0208:{}", b.enterprise_number.as_str()));
    let bic = bic(&mut problems, b.bic.as_deref());
    let email = validate::email(&mut problems, "email", Some(&b.email));
    if email.is_none() && !b.email.trim().is_empty() {
        // The check above said why.
    } else if email.is_none() {
        problems.add(
            "email",
            "is needed: cooperatives write to it about their invoices",
        );
    }
    let footer = b.footer.as_deref().and_then(|f| {
        problems
            .check(
                "footer",
                dar_core::text::optional(f, dar_core::text::Lines::Multi, 500),
            )
            .flatten()
    });
    let term = b.payment_term_days.unwrap_or(30);
    if !(0..=120).contains(&term) {
        problems.add("payment_term_days", "must be between 0 and 120 days");
    }
    problems.finish()?;
    Ok(IdentityRow {
        id: 1,
        name: b.name.into_string(),
        street,
        postal_code,
        city,
        country,
        enterprise_number: b.enterprise_number.as_str().into(),
        vat_number: vat.unwrap_or_default(),
        iban: b.iban.as_str().into(),
        bic,
        peppol_id: peppol,
        email: email.unwrap_or_default(),
        footer: footer.unwrap_or_default(),
        payment_term_days: term,
        updated_at: dar_db::to_db_time(Utc::now()),
    })
}

/// Stores the identity with its audit event (the caller's write records it).
pub(crate) fn save_identity(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    row: IdentityRow,
) -> ApiResult<Audited<IdentityRow>> {
    let row = identity::put(conn, row)?;
    let event = platform_event(
        principal,
        meta,
        "billing.identity_changed",
        ("billing_identity", "1"),
        serde_json::json!({ "name": row.name, "vat_number": row.vat_number }),
    );
    Ok(Audited { value: row, event })
}

/// The coordinator's invoicing identity.
#[utoipa::path(get, operation_id = "get_billing_identity", path = "/api/v1/billing/identity", tag = "billing",
    responses((status = 200, body = IdentityView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/billing/identity")]
pub async fn get_identity(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let row = state
        .db(|conn| identity::get(conn)?.ok_or(ApiError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(IdentityView::from(&row)))
}

/// Sets the coordinator's invoicing identity. Invoices issued before keep the one they had.
#[utoipa::path(put, operation_id = "put_billing_identity", path = "/api/v1/billing/identity", tag = "billing", request_body = IdentityInput,
    responses((status = 200, body = IdentityView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[put("/billing/identity")]
pub async fn put_identity(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: StrictJson<IdentityInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let row = checked_identity(body.0)?;
    let row = state
        .write(move |conn| save_identity(conn, &principal, &meta, row))
        .await?;
    Ok(HttpResponse::Ok().json(IdentityView::from(&row)))
}

// ---------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct TierInput {
    /// The highest number of active shareholders of the tier; absent for the last tier.
    pub up_to: Option<u32>,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub member_fee: Money,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub non_member_fee: Money,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// Lower-case letters, digits and dashes; fixed once created.
    pub code: Option<String>,
    #[schema(value_type = String)]
    pub name: Name,
    /// Yearly fees by number of active shareholders, rising; the last tier has no `up_to`.
    pub tiers: Vec<TierInput>,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub onboarding_fee: Money,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub migration_fee: Money,
    /// `21` (default), `12`, `6` or `exempt`.
    #[schema(value_type = Option<String>, example = "21")]
    pub vat_rate: Option<VatRate>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub tiers: Vec<TierView>,
    pub onboarding_fee: String,
    pub migration_fee: String,
    pub vat_rate: String,
}

#[derive(Serialize, ToSchema)]
pub struct TierView {
    pub from: u32,
    pub up_to: Option<u32>,
    pub member_fee: String,
    pub non_member_fee: String,
}

impl TryFrom<&StoredPlan> for PlanView {
    type Error = ApiError;
    fn try_from(p: &StoredPlan) -> ApiResult<Self> {
        let plan = p.plan()?;
        Ok(PlanView {
            id: p.row.id.clone(),
            code: p.row.code.clone(),
            name: p.row.name.clone(),
            tiers: plan
                .tiers()
                .iter()
                .enumerate()
                .map(|(i, t)| TierView {
                    from: plan.tier_from(i),
                    up_to: t.up_to,
                    member_fee: t.member_fee.to_string(),
                    non_member_fee: t.non_member_fee.to_string(),
                })
                .collect(),
            onboarding_fee: plan.onboarding_fee.to_string(),
            migration_fee: plan.migration_fee.to_string(),
            vat_rate: p.row.vat_rate.clone(),
        })
    }
}

/// The stored form of a plan `b` describes, checked (the code is the caller's to check).
fn checked_plan(id: String, code: String, b: PlanInput) -> ApiResult<StoredPlan> {
    let tiers: Vec<Tier> = b
        .tiers
        .iter()
        .map(|t| Tier {
            up_to: t.up_to,
            member_fee: t.member_fee,
            non_member_fee: t.non_member_fee,
        })
        .collect();
    let plan = Plan::new(tiers, b.onboarding_fee, b.migration_fee)
        .map_err(|e| ApiError::invalid("tiers", e.to_string()))?;
    let now = dar_db::to_db_time(Utc::now());
    Ok(StoredPlan {
        tiers: plans::tier_rows(&id, &plan),
        row: PlanRow {
            id,
            code,
            name: b.name.into_string(),
            onboarding_fee_cents: plan.onboarding_fee.cents(),
            migration_fee_cents: plan.migration_fee.cents(),
            vat_rate: b.vat_rate.unwrap_or_default().as_str().into(),
            created_at: now,
            updated_at: now,
        },
    })
}

/// A new plan `b` describes, checked (its code included).
pub(crate) fn new_plan(b: PlanInput) -> ApiResult<StoredPlan> {
    let code = b.code.clone().unwrap_or_default();
    if let Err(message) = crate::routes::tenants::check_slug(&code) {
        return Err(ApiError::invalid("code", message));
    }
    checked_plan(uuid::Uuid::now_v7().to_string(), code, b)
}

/// Stores a new plan with its audit event.
pub(crate) fn create_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    plan: StoredPlan,
) -> ApiResult<Audited<StoredPlan>> {
    let plan = plans::create(conn, plan)?;
    let event = platform_event(
        principal,
        meta,
        "billing.plan_created",
        ("plan", &plan.row.id),
        serde_json::json!({ "code": plan.row.code }),
    );
    Ok(Audited { value: plan, event })
}

/// Replaces the plan `key` (id or code) with what `input` describes; its code stays.
pub(crate) fn replace_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    input: PlanInput,
) -> ApiResult<Audited<StoredPlan>> {
    let current = plans::get(conn, key)?;
    if input.code.as_ref().is_some_and(|c| *c != current.row.code) {
        return Err(ApiError::invalid("code", "a plan's code cannot change"));
    }
    let mut plan = checked_plan(current.row.id.clone(), current.row.code.clone(), input)?;
    plan.row.created_at = current.row.created_at;
    let plan = plans::replace(conn, plan)?;
    let event = platform_event(
        principal,
        meta,
        "billing.plan_changed",
        ("plan", &plan.row.id),
        serde_json::json!({ "code": plan.row.code }),
    );
    Ok(Audited { value: plan, event })
}

fn plan_view(p: &StoredPlan) -> ApiResult<PlanView> {
    PlanView::try_from(p)
}

/// Every plan.
#[utoipa::path(get, operation_id = "list_plans", path = "/api/v1/plans", tag = "billing",
    responses((status = 200, body = [PlanView]), (status = 403, body = crate::error::Problem)))]
#[get("/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let views = state
        .db(|conn| {
            plans::list(conn)?
                .iter()
                .map(plan_view)
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// A new plan.
#[utoipa::path(post, operation_id = "create_plan", path = "/api/v1/plans", tag = "billing", request_body = PlanInput,
    responses((status = 201, body = PlanView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: StrictJson<PlanInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let plan = new_plan(body.0)?;
    let plan = state
        .write(move |conn| create_in(conn, &principal, &meta, plan))
        .await?;
    Ok(HttpResponse::Created().json(plan_view(&plan)?))
}

/// One plan, by id or code.
#[utoipa::path(get, operation_id = "get_plan", path = "/api/v1/plans/{plan}", tag = "billing",
    params(("plan" = String, Path, description = "id or code")),
    responses((status = 200, body = PlanView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/plans/{plan}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let key = path.into_inner();
    let plan = state.db(move |conn| Ok(plans::get(conn, &key)?)).await?;
    Ok(HttpResponse::Ok().json(plan_view(&plan)?))
}

/// Changes a plan's name, prices and tiers (its code stays). Issued invoices keep theirs.
#[utoipa::path(put, operation_id = "put_plan", path = "/api/v1/plans/{plan}", tag = "billing", request_body = PlanInput,
    params(("plan" = String, Path, description = "id or code")),
    responses((status = 200, body = PlanView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[put("/plans/{plan}")]
pub async fn put_plan(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<PlanInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let key = path.into_inner();
    let input = body.0;
    let plan = state
        .write(move |conn| replace_in(conn, &principal, &meta, &key, input))
        .await?;
    Ok(HttpResponse::Ok().json(plan_view(&plan)?))
}

// ---------------------------------------------------------------------------------------
// Billing profiles
// ---------------------------------------------------------------------------------------

/// How a cooperative is billed. Name, address, enterprise number and language default to
/// the cooperative's own.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// The plan's code or id.
    pub plan: String,
    /// Member of the coordinating network: member prices.
    pub member: bool,
    /// The first day billed; a cooperative starting during a year pays the months left.
    #[serde(deserialize_with = "crate::request::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub billing_start: NaiveDate,
    /// The cooperative brought an existing register (the plan's migration fee).
    pub migration: Option<bool>,
    #[schema(value_type = Option<String>)]
    pub name: Option<Name>,
    pub address: Option<Address>,
    #[schema(value_type = Option<String>)]
    pub enterprise_number: Option<EnterpriseNumber>,
    /// Absent for a cooperative without VAT registration (it gets a PDF, no e-invoice mandate).
    pub vat_number: Option<String>,
    /// Where its e-invoices go; default `0208:` and the enterprise number.
    pub peppol_id: Option<String>,
    /// Where its invoices are mailed.
    pub email: String,
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    /// Prices of its own, replacing the plan's.
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub yearly_fee: Option<Money>,
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub onboarding_fee: Option<Money>,
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub migration_fee: Option<Money>,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileView {
    pub tenant_id: String,
    pub plan: String,
    pub member: bool,
    pub billing_start: NaiveDate,
    pub migration: bool,
    pub name: String,
    pub address: Address,
    pub enterprise_number: String,
    pub vat_number: Option<String>,
    pub peppol_id: Option<String>,
    pub email: String,
    pub language: String,
    pub yearly_fee: Option<String>,
    pub onboarding_fee: Option<String>,
    pub migration_fee: Option<String>,
}

fn profile_view(r: &ProfileRow, plan_code: &str) -> ProfileView {
    ProfileView {
        tenant_id: r.tenant_id.clone(),
        plan: plan_code.to_string(),
        member: r.member,
        billing_start: r.billing_start,
        migration: r.migration,
        name: r.name.clone(),
        address: Address {
            street: Some(r.street.clone()),
            postal_code: Some(r.postal_code.clone()),
            city: Some(r.city.clone()),
            country: Some(r.country.clone()),
        },
        enterprise_number: r.enterprise_number.clone(),
        vat_number: r.vat_number.clone(),
        peppol_id: r.peppol_id.clone(),
        email: r.email.clone(),
        language: r.language.clone(),
        yearly_fee: r.yearly_fee_cents.map(money),
        onboarding_fee: r.onboarding_fee_cents.map(money),
        migration_fee: r.migration_fee_cents.map(money),
    }
}

/// Sets the billing profile of the cooperative `key` (id or slug) from `b`, checked, with
/// its audit event.
pub(crate) fn save_profile(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    b: ProfileInput,
) -> ApiResult<Audited<ProfileView>> {
    let tenant = tenants::find(conn, key)?;
    let mut problems = Problems::new();
    let plan = match plans::get(conn, &b.plan) {
        Ok(plan) => Some(plan),
        Err(dar_db::StoreError::NotFound) => {
            problems.add("plan", "there is no plan with this code");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let address = b.address.clone().unwrap_or_else(|| Address {
        street: tenant.street.clone(),
        postal_code: tenant.postal_code.clone(),
        city: tenant.city.clone(),
        country: Some(tenant.country.clone()),
    });
    let [street, postal_code, city, country] = full_address(&mut problems, "address", &address);
    let enterprise_number = b
        .enterprise_number
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| tenant.enterprise_number.clone());
    let vat = b
        .vat_number
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| vat_number(&mut problems, "vat_number", v));
    if let Some(vat) = &vat
        && vat[2..] != *enterprise_number
    {
        problems.add("vat_number", "must be BE and the enterprise number");
    }
    let peppol = participant(&mut problems, "peppol_id", b.peppol_id.as_deref());
    let email = validate::email(&mut problems, "email", Some(&b.email));
    if email.is_none() && b.email.trim().is_empty() {
        problems.add("email", "is needed: invoices are mailed to it");
    }
    problems.finish()?;
    let plan = plan.expect("checked above");
    let row = ProfileRow {
        tenant_id: tenant.id.clone(),
        plan_id: plan.row.id.clone(),
        member: b.member,
        billing_start: b.billing_start,
        migration: b.migration.unwrap_or(false),
        name: b
            .name
            .map(Name::into_string)
            .unwrap_or_else(|| tenant.legal_name.clone()),
        street,
        postal_code,
        city,
        country,
        enterprise_number,
        vat_number: vat,
        peppol_id: peppol,
        email: email.unwrap_or_default(),
        language: b
            .language
            .map(|l| l.as_str().to_string())
            .unwrap_or_else(|| tenant.default_language.clone()),
        yearly_fee_cents: b.yearly_fee.map(Money::cents),
        onboarding_fee_cents: b.onboarding_fee.map(Money::cents),
        migration_fee_cents: b.migration_fee.map(Money::cents),
        updated_at: dar_db::to_db_time(Utc::now()),
    };
    let row = profiles::put(conn, row)?;
    let event = platform_event(
        principal,
        meta,
        "billing.profile_changed",
        ("tenant", &tenant.id),
        serde_json::json!({ "plan": plan.row.code, "member": row.member, "billing_start": row.billing_start }),
    );
    Ok(Audited {
        value: profile_view(&row, &plan.row.code),
        event,
    })
}

/// A cooperative's billing profile.
#[utoipa::path(get, operation_id = "get_billing_profile", path = "/api/v1/tenants/{tenant}/billing-profile", tag = "billing",
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 200, body = ProfileView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/tenants/{tenant}/billing-profile")]
pub async fn get_profile(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let key = path.into_inner();
    let view = state
        .db(move |conn| {
            let tenant = tenants::find(conn, &key)?;
            let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
            let profile = profiles::get(conn, &id)?.ok_or(ApiError::NotFound)?;
            let plan = plans::get(conn, &profile.plan_id)?;
            Ok(profile_view(&profile, &plan.row.code))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets how a cooperative is billed.
#[utoipa::path(put, operation_id = "put_billing_profile", path = "/api/v1/tenants/{tenant}/billing-profile", tag = "billing", request_body = ProfileInput,
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 200, body = ProfileView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[put("/tenants/{tenant}/billing-profile")]
pub async fn put_profile(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<ProfileInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let key = path.into_inner();
    let b = body.0;
    let view = state
        .write(move |conn| save_profile(conn, &principal, &meta, &key, b))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

// ---------------------------------------------------------------------------------------
// Usage
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// Default: the current year.
    pub year: Option<i32>,
}

/// Usage per cooperative and month, measured from the registers: counts, never names.
#[utoipa::path(get, operation_id = "billing_usage", path = "/api/v1/billing/usage", tag = "billing", params(UsageQuery),
    responses((status = 200, body = [billing::TenantUsage]), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[get("/billing/usage")]
pub async fn usage(
    state: web::Data<AppState>,
    principal: Principal,
    query: StrictQuery<UsageQuery>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let today = billing::today();
    let year = query.into_inner().year.unwrap_or(today.year());
    if !(2000..=today.year() + 1).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            "must be a year from 2000 to next year",
        ));
    }
    let out = state
        .db(move |conn| billing::usage(conn, year, today))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

// ---------------------------------------------------------------------------------------
// The yearly run
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    /// The current year or the next.
    pub year: i32,
}

/// What a yearly run would bill, cooperative by cooperative, and why. Writes nothing.
#[utoipa::path(post, operation_id = "preview_billing_run", path = "/api/v1/billing/runs/preview", tag = "billing", request_body = RunInput,
    responses((status = 200, body = [PreviewItem]), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/billing/runs/preview")]
pub async fn preview_run(
    state: web::Data<AppState>,
    principal: Principal,
    body: StrictJson<RunInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let year = body.0.year;
    let items = state
        .db(move |conn| billing::preview(conn, year, billing::today(), Language::En))
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Runs the yearly billing: one invoice per billable cooperative, each in its own
/// transaction. Running it again issues nothing new.
#[utoipa::path(post, operation_id = "run_billing", path = "/api/v1/billing/runs", tag = "billing", request_body = RunInput,
    responses((status = 200, body = billing::RunView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/billing/runs")]
pub async fn run(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: StrictJson<RunInput>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let year = body.0.year;
    let view = billing::run_year(&state, &principal, &meta, year, billing::today()).await?;
    Ok(HttpResponse::Ok().json(view))
}
