//! Shareholders: the register's people and companies, with their identity history.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Access, Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson, StrictQuery};
use crate::routes::holdings::{HoldingView, MomentQuery};
use crate::routes::tenants::Address;
use crate::routes::{Page, cursor_key, next_cursor, page_limit, parse_path_id, tenant_access};
use crate::state::{AppState, Audited, Change};
use crate::validate::{self, Name, Problems};
use dar_core::identifiers::{EnterpriseNumber, Iban, NationalNumber};
use dar_core::ids::ShareholderId;
use dar_core::types::{Language, ShareholderKind, ShareholderStatus};
use dar_db::audit::NewAuditEvent;
use dar_db::shareholders::{self, Identity, NewShareholder, ShareholderRow};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShareholder {
    /// `natural` or `legal`.
    #[schema(value_type = String, example = "natural")]
    pub kind: ShareholderKind,
    #[schema(value_type = Option<String>)]
    pub first_name: Option<Name>,
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Name>,
    #[schema(value_type = Option<String>)]
    pub legal_name: Option<Name>,
    /// Belgian national register number (natural persons), checked. Sensitive.
    pub national_number: Option<String>,
    /// KBO/BCE number (legal entities), checked.
    pub enterprise_number: Option<String>,
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub iban: Option<String>,
    /// `nl`, `fr` or `en`; defaults to the cooperative's language.
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    /// Defaults to today.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub admission_date: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct ShareholderView {
    pub id: String,
    pub register_number: i64,
    pub kind: String,
    pub status: String,
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    /// Shown to admins and to the shareholder only.
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Address,
    pub iban: Option<String>,
    pub language: String,
    pub admission_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    /// Identity version; each change of identity adds one.
    pub version: i32,
}

pub fn view(row: &ShareholderRow, access: &Access) -> ShareholderView {
    let id: Option<ShareholderId> = row.id.parse().ok();
    let sees_nn = id.is_some_and(|id| access.sees_national_number(&id));
    ShareholderView {
        id: row.id.clone(),
        register_number: row.register_number,
        kind: row.kind.clone(),
        status: row.status.clone(),
        name: row.display_name(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        legal_name: row.legal_name.clone(),
        national_number: if sees_nn {
            row.national_number.clone()
        } else {
            None
        },
        enterprise_number: row.enterprise_number.clone(),
        birth_date: row.birth_date,
        email: row.email.clone(),
        phone: row.phone.clone(),
        address: Address {
            street: row.street.clone(),
            postal_code: row.postal_code.clone(),
            city: row.city.clone(),
            country: row.country.clone(),
        },
        iban: row.iban.clone(),
        language: row.language.clone(),
        admission_date: row.admission_date,
        exit_date: row.exit_date,
        exit_reason: row.exit_reason.clone(),
        version: row.version,
    }
}

/// A checked identifier in its normalised form; `None` when blank.
fn checked<T: AsRef<str>>(
    problems: &mut Problems,
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, dar_core::identifiers::InvalidIdentifier>,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    problems
        .check(field, parse(v))
        .map(|p| p.as_ref().to_string())
}

fn national_number(problems: &mut Problems, value: Option<&str>) -> Option<String> {
    checked(problems, "national_number", value, NationalNumber::parse)
}

fn enterprise_number(problems: &mut Problems, value: Option<&str>) -> Option<String> {
    checked(
        problems,
        "enterprise_number",
        value,
        EnterpriseNumber::parse,
    )
}

fn iban(problems: &mut Problems, value: Option<&str>) -> Option<String> {
    checked(problems, "iban", value, Iban::parse)
}

/// Checks an identity as a whole (`dar_core::identity`: who must have which name and
/// number, that a national number and a birth date agree, a plausible birth date).
fn check_identity(problems: &mut Problems, kind: ShareholderKind, identity: &Identity) {
    let facts = dar_core::identity::IdentityFacts {
        kind,
        has_last_name: identity.last_name.is_some(),
        has_legal_name: identity.legal_name.is_some(),
        national_number: identity.national_number.as_deref(),
        has_enterprise_number: identity.enterprise_number.is_some(),
        birth_date: identity.birth_date,
    };
    let today = dar_core::time::brussels_date(Utc::now());
    for (field, message) in dar_core::identity::problems(facts, today) {
        problems.add(field, message);
    }
}

fn identity_from(
    problems: &mut Problems,
    b: &CreateShareholder,
    default_language: &str,
) -> Identity {
    let address = b
        .address
        .clone()
        .unwrap_or_default()
        .checked(problems, "address");
    Identity {
        first_name: b.first_name.clone().map(Name::into_string),
        last_name: b.last_name.clone().map(Name::into_string),
        legal_name: b.legal_name.clone().map(Name::into_string),
        national_number: national_number(problems, b.national_number.as_deref()),
        enterprise_number: enterprise_number(problems, b.enterprise_number.as_deref()),
        birth_date: b.birth_date,
        street: address.street,
        postal_code: address.postal_code,
        city: address.city,
        country: Some(address.country),
        email: validate::email(problems, "email", b.email.as_deref()),
        phone: validate::optional_text(problems, "phone", b.phone.as_deref(), 40),
        iban: iban(problems, b.iban.as_deref()),
        language: b
            .language
            .map_or_else(|| default_language.to_string(), |l| l.as_str().to_string()),
    }
}

pub(crate) fn audit_event(
    principal: &Principal,
    access: &Access,
    meta: &RequestMeta,
    tenant_id: &str,
    action: &str,
    holder: &str,
) -> NewAuditEvent {
    NewAuditEvent {
        tenant_id: Some(tenant_id.to_string()),
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some(access.actor_role().into()),
        action: action.into(),
        object_type: Some("shareholder".into()),
        object_id: Some(holder.to_string()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        support_session_id: access.support_session_id.clone(),
        details: None,
    }
}

/// Adds a shareholder with the next register number to the cooperative of `scope`, after
/// checking every field; the API and the pages add holders through this.
pub fn create_in(
    conn: &mut dar_db::DbConnection,
    scope: &crate::state::Scope,
    b: &CreateShareholder,
    actor: &str,
) -> ApiResult<Change<ShareholderView>> {
    let (tenant, tenant_id, access) = (&scope.tenant, scope.id, &scope.access);
    let mut problems = Problems::new();
    let identity = identity_from(&mut problems, b, &tenant.default_language);
    check_identity(&mut problems, b.kind, &identity);
    let now = Utc::now();
    let today = dar_core::time::brussels_date(now);
    let admission_date = b.admission_date.unwrap_or(today);
    if admission_date > today {
        problems.add("admission_date", "is in the future");
    }
    problems.check(
        "admission_date",
        dar_core::time::not_before(admission_date, dar_core::time::REGISTER_EPOCH),
    );
    problems.finish()?;
    let new = NewShareholder {
        kind: b.kind.as_str().into(),
        admission_date,
        identity,
    };
    let row = shareholders::create(conn, &tenant_id, new, actor, now)?;
    Ok(Change {
        value: view(&row, access),
        action: "shareholder.created",
        object: ("shareholder", row.id),
        details: None,
    })
}

/// Adds a shareholder with the next register number.
#[utoipa::path(post, operation_id = "create_shareholder", path = "/api/v1/tenants/{tenant}/shareholders", tag = "register", request_body = CreateShareholder,
    params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 201, body = ShareholderView), (status = 422, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/shareholders")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<CreateShareholder>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let b = body.0;
    let actor = principal.user_id.to_string();
    let out = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| create_in(conn, scope, &b, &actor),
        )
        .await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    /// `active`, `exited`, `excluded` or `deceased`.
    #[param(value_type = Option<String>)]
    pub status: Option<ShareholderStatus>,
    /// Part of a first, last or legal name, any case.
    pub q: Option<String>,
}

/// Shareholders in register-number order.
#[utoipa::path(get, operation_id = "list_shareholders", path = "/api/v1/tenants/{tenant}/shareholders", tag = "register",
    params(("tenant" = String, Path, description = "id or slug"), ListQuery),
    responses((status = 200, body = Page<ShareholderView>)))]
#[get("/tenants/{tenant}/shareholders")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<ListQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let query = query.into_inner();
    let filter = dar_db::shareholders::ShareholderFilter {
        status: query.status.map(|s| s.as_str().to_string()),
        name: query
            .q
            .clone()
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty()),
    };
    let limit = page_limit(query.limit)?;
    let after: i64 = cursor_key(query.cursor.as_deref())?.unwrap_or(0);
    let page = state
        .db(move |conn| {
            let (_, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let rows = shareholders::list(conn, &tenant_id, &filter, after, limit)?;
            let next_cursor = next_cursor(&rows, limit, |r| r.register_number);
            Ok(Page {
                items: rows.iter().map(|r| view(r, &access)).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One shareholder.
#[utoipa::path(get, operation_id = "get_shareholder", path = "/api/v1/tenants/{tenant}/shareholders/{id}", tag = "register",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ShareholderView), (status = 404, body = crate::error::Problem)))]
#[get("/tenants/{tenant}/shareholders/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let holder: ShareholderId = parse_path_id(&id)?;
    let out = state
        .db(move |conn| {
            let (_, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ReadShareholder(holder), &meta)?;
            let row = shareholders::get(conn, &tenant_id, &holder)?;
            Ok(view(&row, &access))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateShareholder {
    #[schema(value_type = Option<String>)]
    pub first_name: Option<Name>,
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Name>,
    #[schema(value_type = Option<String>)]
    pub legal_name: Option<Name>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub birth_date: Option<NaiveDate>,
    /// An empty string clears it.
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub iban: Option<String>,
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    /// From when the new identity holds; defaults to today.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub valid_from: Option<NaiveDate>,
    /// Admin only: `exited`, `excluded`, `deceased` (with `exit_date`), or back to `active`.
    #[schema(value_type = Option<String>)]
    pub status: Option<ShareholderStatus>,
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub exit_date: Option<NaiveDate>,
    pub exit_reason: Option<String>,
}

impl UpdateShareholder {
    fn touches_more_than_contact(&self) -> bool {
        self.first_name.is_some()
            || self.last_name.is_some()
            || self.legal_name.is_some()
            || self.national_number.is_some()
            || self.enterprise_number.is_some()
            || self.birth_date.is_some()
            || self.status.is_some()
            || self.exit_date.is_some()
            || self.exit_reason.is_some()
            || self.valid_from.is_some()
    }
}

/// A holder's contact details as a request gives them: `None` keeps one, an empty text
/// clears it.
#[derive(Default)]
pub struct ContactChange<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub address: Option<&'a Address>,
    pub iban: Option<&'a str>,
    pub language: Option<Language>,
}

/// Puts checked contact details into `identity`, recording every refused value under its
/// field (`email`, `phone`, `address.postal_code`, `iban`, ...): the one set of rules for an
/// administrator's change through the API and a holder's own form.
pub fn apply_contact(problems: &mut Problems, identity: &mut Identity, c: &ContactChange) {
    if c.email.is_some() {
        identity.email = validate::email(problems, "email", c.email);
    }
    if c.phone.is_some() {
        identity.phone = validate::optional_text(problems, "phone", c.phone, 40);
    }
    if let Some(a) = c.address {
        let a = a.checked(problems, "address");
        identity.street = a.street;
        identity.postal_code = a.postal_code;
        identity.city = a.city;
        identity.country = Some(a.country);
    }
    if c.iban.is_some() {
        identity.iban = iban(problems, c.iban);
    }
    if let Some(lang) = c.language {
        identity.language = lang.as_str().into();
    }
}

/// Changes a holder's contact details from today, as the holder's own form does: the rules
/// of [`apply_contact`] and of a whole identity, a new identity version when anything
/// changed. The caller authorizes (`Need::UpdateContact`) and audits.
pub(crate) fn change_contact(
    conn: &mut dar_db::DbConnection,
    tenant: &dar_core::ids::TenantId,
    holder: &ShareholderId,
    change: &ContactChange,
    actor: &str,
) -> ApiResult<ShareholderRow> {
    let current = shareholders::get(conn, tenant, holder)?;
    let kind = ShareholderKind::parse(&current.kind)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("kind {:?}", current.kind)))?;
    let mut identity = current.identity();
    let mut problems = Problems::new();
    apply_contact(&mut problems, &mut identity, change);
    check_identity(&mut problems, kind, &identity);
    problems.finish()?;
    let now = Utc::now();
    let today = dar_core::time::brussels_date(now);
    Ok(shareholders::change_identity(
        conn, tenant, holder, identity, today, actor, now,
    )?)
}

/// Changes a shareholder. Identity changes are kept as a new version; shareholders may
/// change their own contact details (email, phone, address, IBAN, language).
#[utoipa::path(patch, operation_id = "update_shareholder", path = "/api/v1/tenants/{tenant}/shareholders/{id}", tag = "register", request_body = UpdateShareholder,
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ShareholderView)))]
#[patch("/tenants/{tenant}/shareholders/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: StrictJson<UpdateShareholder>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let holder: ShareholderId = parse_path_id(&id)?;
    let b = body.0;
    let out = state
        .write(move |conn| {
            let need = if b.touches_more_than_contact() {
                Need::WriteRegister
            } else {
                Need::UpdateContact(holder)
            };
            let (tenant, tenant_id, access) =
                match tenant_access(conn, &principal, &key, need, &meta) {
                    // An admin reaches UpdateContact through WriteRegister rights too.
                    Err(ApiError::Forbidden(_)) if need != Need::WriteRegister => {
                        tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?
                    }
                    other => other?,
                };
            let scope = crate::state::Scope {
                tenant,
                id: tenant_id,
                access,
            };
            let change = update_in(conn, &scope, &holder, &b, &principal.user_id.to_string())?;
            Ok(Audited {
                event: audit_event(
                    &principal,
                    &scope.access,
                    &meta,
                    &scope.tenant.id,
                    change.action,
                    &change.object.1,
                ),
                value: change.value,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a shareholder of the cooperative of `scope` after checking every field: a new
/// identity version when the identity changed, and the status with its exit date and reason.
/// The API and the administrator's edit page change holders through this; the caller
/// authorizes (an administrator, or the holder for contact details only) and audits.
pub fn update_in(
    conn: &mut dar_db::DbConnection,
    scope: &crate::state::Scope,
    holder: &ShareholderId,
    b: &UpdateShareholder,
    actor: &str,
) -> ApiResult<Change<ShareholderView>> {
    let (tenant_id, access) = (&scope.id, &scope.access);
    let current = shareholders::get(conn, tenant_id, holder)?;
    let kind = ShareholderKind::parse(&current.kind)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("kind")))?;
    let mut identity = current.identity();
    let mut problems = Problems::new();
    if let Some(n) = b.first_name.clone() {
        identity.first_name = Some(n.into_string());
    }
    if let Some(n) = b.last_name.clone() {
        identity.last_name = Some(n.into_string());
    }
    if let Some(n) = b.legal_name.clone() {
        identity.legal_name = Some(n.into_string());
    }
    if b.national_number.is_some() {
        identity.national_number = national_number(&mut problems, b.national_number.as_deref());
    }
    if b.enterprise_number.is_some() {
        identity.enterprise_number =
            enterprise_number(&mut problems, b.enterprise_number.as_deref());
    }
    identity.birth_date = b.birth_date.or(identity.birth_date);
    apply_contact(
        &mut problems,
        &mut identity,
        &ContactChange {
            email: b.email.as_deref(),
            phone: b.phone.as_deref(),
            address: b.address.as_ref(),
            iban: b.iban.as_deref(),
            language: b.language,
        },
    );
    check_identity(&mut problems, kind, &identity);
    let now = Utc::now();
    let today = dar_core::time::brussels_date(now);
    let valid_from = b.valid_from.unwrap_or(today);
    if valid_from > today {
        problems.add("valid_from", "is in the future");
    } else if valid_from < current.admission_date {
        problems.add(
            "valid_from",
            format!(
                "lies before the shareholder's admission on {}",
                current.admission_date
            ),
        );
    }
    let exit_reason = b.exit_reason.as_deref().and_then(|r| {
        let multi = dar_core::text::Lines::Multi;
        problems
            .check("exit_reason", dar_core::text::optional(r, multi, 500))
            .flatten()
    });
    if b.status.is_some_and(|s| s != ShareholderStatus::Active) && b.exit_date.is_none() {
        problems.add("exit_date", "is required when a shareholder leaves");
    }
    if let Some(exit) = b.exit_date {
        if exit > today {
            problems.add("exit_date", "is in the future");
        } else if exit < current.admission_date {
            problems.add(
                "exit_date",
                format!(
                    "lies before the shareholder's admission on {}",
                    current.admission_date
                ),
            );
        }
    }
    problems.finish()?;
    let mut row =
        shareholders::change_identity(conn, tenant_id, holder, identity, valid_from, actor, now)?;
    if let Some(status) = b.status {
        let (exit_date, reason) = match status {
            ShareholderStatus::Active => (None, None),
            _ => (b.exit_date, exit_reason.clone()),
        };
        // Someone who withdrew or was excluded holds nothing: the shares are redeemed
        // or transferred first. (Heirs of a deceased holder take over later.)
        if matches!(
            status,
            ShareholderStatus::Exited | ShareholderStatus::Excluded
        ) {
            let head = dar_db::tenants::get(conn, tenant_id)?.ledger_head_seq;
            let moment = dar_db::ledger::Moment {
                as_of: today,
                as_of_seq: head,
            };
            let held = dar_db::ledger::holder_holdings(conn, tenant_id, holder, moment)?;
            if held.iter().any(|h| h.quantity != 0) {
                return Err(ApiError::invalid(
                    "status",
                    "this shareholder still holds shares: redeem or transfer them first",
                ));
            }
        }
        row =
            shareholders::set_status(conn, tenant_id, holder, status.as_str(), exit_date, reason)?;
    }
    Ok(Change {
        value: view(&row, access),
        action: "shareholder.updated",
        object: ("shareholder", row.id),
        details: None,
    })
}

#[derive(Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub valid_from: NaiveDate,
    pub recorded_at: chrono::DateTime<Utc>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub address: Address,
    pub email: Option<String>,
    pub iban: Option<String>,
    pub language: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionsQuery {
    /// Only the version that was valid on this date.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
}

/// Who the shareholder was over time: every identity version, oldest first; with `as_of`,
/// the one version valid on that date.
#[utoipa::path(get, operation_id = "list_shareholder_versions", path = "/api/v1/tenants/{tenant}/shareholders/{id}/versions", tag = "register",
    params(("tenant" = String, Path), ("id" = String, Path), VersionsQuery),
    responses((status = 200, body = [VersionView])))]
#[get("/tenants/{tenant}/shareholders/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    query: StrictQuery<VersionsQuery>,
) -> ApiResult<HttpResponse> {
    let as_of = query.into_inner().as_of;
    let (key, id) = path.into_inner();
    let holder: ShareholderId = parse_path_id(&id)?;
    let out = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadShareholder(holder), &meta)?;
            shareholders::get(conn, &tenant_id, &holder)?;
            let mut rows = shareholders::versions(conn, &tenant_id, &holder)?;
            if let Some(date) = as_of {
                // Who the shareholder was on that date: the latest version valid by then.
                rows.retain(|v| v.valid_from <= date);
                rows.sort_by_key(|v| (v.valid_from, v.version));
                rows = rows.pop().into_iter().collect();
            }
            Ok(rows
                .into_iter()
                .map(|v| VersionView {
                    version: v.version,
                    valid_from: v.valid_from,
                    recorded_at: v.recorded_at.and_utc(),
                    first_name: v.first_name,
                    last_name: v.last_name,
                    legal_name: v.legal_name,
                    address: Address {
                        street: v.street,
                        postal_code: v.postal_code,
                        city: v.city,
                        country: v.country,
                    },
                    email: v.email,
                    iban: v.iban,
                    language: v.language,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One shareholder's holdings at a moment.
#[utoipa::path(get, operation_id = "get_shareholder_holdings", path = "/api/v1/tenants/{tenant}/shareholders/{id}/holdings", tag = "register",
    params(("tenant" = String, Path), ("id" = String, Path), MomentQuery),
    responses((status = 200, body = [HoldingView])))]
#[get("/tenants/{tenant}/shareholders/{id}/holdings")]
pub async fn holdings(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    query: StrictQuery<MomentQuery>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let holder: ShareholderId = parse_path_id(&id)?;
    let q = query.into_inner();
    let out = state
        .db(move |conn| {
            let (tenant, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadShareholder(holder), &meta)?;
            shareholders::get(conn, &tenant_id, &holder)?;
            let moment = q.moment(&tenant)?;
            let rows = dar_db::ledger::holder_holdings(conn, &tenant_id, &holder, moment)?;
            Ok(rows.iter().map(HoldingView::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
