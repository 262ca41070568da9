//! Shareholders: the register's people and companies, with their identity history.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Access, Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson};
use crate::routes::holdings::{HoldingView, MomentQuery};
use crate::routes::tenants::Address;
use crate::routes::{Page, cursor_key, next_cursor, page_limit, parse_path_id, tenant_access};
use crate::state::AppState;
use dar_core::identifiers::{EnterpriseNumber, Iban, NationalNumber};
use dar_core::ids::ShareholderId;
use dar_core::types::{Language, ShareholderKind, ShareholderStatus};
use dar_db::audit::{self, NewAuditEvent};
use dar_db::shareholders::{self, Identity, NewShareholder, ShareholderRow};

const NAME_MAX: usize = 200;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShareholder {
    /// `natural` or `legal`.
    #[schema(value_type = String, example = "natural")]
    pub kind: ShareholderKind,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    /// Belgian national register number (natural persons), checked. Sensitive.
    pub national_number: Option<String>,
    /// KBO/BCE number (legal entities), checked.
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub iban: Option<String>,
    /// `nl`, `fr` or `en`; defaults to the cooperative's language.
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    /// Defaults to today.
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

fn text(field: &str, value: Option<String>, max: usize) -> ApiResult<Option<String>> {
    match value.map(|v| v.trim().to_string()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v.chars().count() > max => Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(v) if v.chars().any(char::is_control) => Err(ApiError::invalid(
            field,
            "must not contain control characters",
        )),
        Some(v) => Ok(Some(v)),
    }
}

fn email(value: Option<String>) -> ApiResult<Option<String>> {
    let value = text("email", value, 254)?;
    if let Some(e) = &value {
        let ok = e
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
            && !e.contains(' ');
        if !ok {
            return Err(ApiError::invalid("email", "not an email address"));
        }
    }
    Ok(value.map(|e| e.to_lowercase()))
}

fn checked<T>(
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Result<T, dar_core::identifiers::InvalidIdentifier>,
    show: impl Fn(&T) -> String,
) -> ApiResult<Option<String>> {
    match value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    {
        None => Ok(None),
        Some(v) => parse(&v)
            .map(|p| Some(show(&p)))
            .map_err(|e| ApiError::invalid(field, e.to_string())),
    }
}

/// Checks an identity as a whole: who must have which name, and that a national number and
/// a birth date agree.
fn check_identity(kind: ShareholderKind, identity: &Identity) -> ApiResult<()> {
    match kind {
        ShareholderKind::Natural => {
            if identity.last_name.is_none() {
                return Err(ApiError::invalid(
                    "last_name",
                    "required for a natural person",
                ));
            }
        }
        ShareholderKind::Legal => {
            if identity.legal_name.is_none() {
                return Err(ApiError::invalid(
                    "legal_name",
                    "required for a legal entity",
                ));
            }
            if identity.national_number.is_some() {
                return Err(ApiError::invalid(
                    "national_number",
                    "only natural persons have a national register number",
                ));
            }
        }
    }
    if let (Some(nn), Some(birth)) = (&identity.national_number, identity.birth_date)
        && let Ok(parsed) = NationalNumber::parse(nn)
        && let Some(from_nn) = parsed.birth_date()
        && from_nn != birth
    {
        return Err(ApiError::invalid(
            "birth_date",
            "does not match the national register number",
        ));
    }
    if let Some(birth) = identity.birth_date
        && birth > dar_core::time::brussels_date(Utc::now())
    {
        return Err(ApiError::invalid("birth_date", "is in the future"));
    }
    Ok(())
}

fn identity_from(b: &CreateShareholder, default_language: &str) -> ApiResult<Identity> {
    let address = b.address.clone().unwrap_or_default();
    Ok(Identity {
        first_name: text("first_name", b.first_name.clone(), NAME_MAX)?,
        last_name: text("last_name", b.last_name.clone(), NAME_MAX)?,
        legal_name: text("legal_name", b.legal_name.clone(), NAME_MAX)?,
        national_number: checked(
            "national_number",
            b.national_number.clone(),
            NationalNumber::parse,
            |n| n.as_str().to_string(),
        )?,
        enterprise_number: checked(
            "enterprise_number",
            b.enterprise_number.clone(),
            EnterpriseNumber::parse,
            |n| n.as_str().to_string(),
        )?,
        birth_date: b.birth_date,
        street: text("address.street", address.street, NAME_MAX)?,
        postal_code: text("address.postal_code", address.postal_code, 20)?,
        city: text("address.city", address.city, 100)?,
        country: text("address.country", address.country, 2)?.map(|c| c.to_uppercase()),
        email: email(b.email.clone())?,
        phone: text("phone", b.phone.clone(), 40)?,
        iban: checked("iban", b.iban.clone(), Iban::parse, |i| {
            i.as_str().to_string()
        })?,
        language: b
            .language
            .map_or_else(|| default_language.to_string(), |l| l.as_str().to_string()),
    })
}

fn audit_event(
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
    let out = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?;
            let identity = identity_from(&b, &tenant.default_language)?;
            check_identity(b.kind, &identity)?;
            let now = Utc::now();
            let today = dar_core::time::brussels_date(now);
            let admission_date = b.admission_date.unwrap_or(today);
            if admission_date > today {
                return Err(ApiError::invalid("admission_date", "is in the future"));
            }
            let new = NewShareholder {
                kind: b.kind.as_str().into(),
                admission_date,
                identity,
            };
            let row =
                shareholders::create(conn, &tenant_id, new, &principal.user_id.to_string(), now)?;
            audit::record(
                conn,
                audit_event(
                    &principal,
                    &access,
                    &meta,
                    &tenant.id,
                    "shareholder.created",
                    &row.id,
                ),
                now,
            )?;
            Ok(view(&row, &access))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Deserialize, utoipa::IntoParams)]
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
    query: web::Query<ListQuery>,
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
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// An empty string clears it.
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub iban: Option<String>,
    #[schema(value_type = Option<String>)]
    pub language: Option<Language>,
    /// From when the new identity holds; defaults to today.
    pub valid_from: Option<NaiveDate>,
    /// Admin only: `exited`, `excluded`, `deceased` (with `exit_date`), or back to `active`.
    #[schema(value_type = Option<String>)]
    pub status: Option<ShareholderStatus>,
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
        .db(move |conn| {
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
            let current = shareholders::get(conn, &tenant_id, &holder)?;
            let kind = ShareholderKind::parse(&current.kind)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("kind")))?;
            let mut identity = current.identity();
            let set = |field: &str,
                       new: Option<String>,
                       old: Option<String>,
                       max: usize|
             -> ApiResult<Option<String>> {
                match new {
                    None => Ok(old),
                    Some(v) => text(field, Some(v), max),
                }
            };
            identity.first_name = set(
                "first_name",
                b.first_name.clone(),
                identity.first_name,
                NAME_MAX,
            )?;
            identity.last_name = set(
                "last_name",
                b.last_name.clone(),
                identity.last_name,
                NAME_MAX,
            )?;
            identity.legal_name = set(
                "legal_name",
                b.legal_name.clone(),
                identity.legal_name,
                NAME_MAX,
            )?;
            if let Some(nn) = b.national_number.clone() {
                identity.national_number =
                    checked("national_number", Some(nn), NationalNumber::parse, |n| {
                        n.as_str().to_string()
                    })?;
            }
            if let Some(en) = b.enterprise_number.clone() {
                identity.enterprise_number = checked(
                    "enterprise_number",
                    Some(en),
                    EnterpriseNumber::parse,
                    |n| n.as_str().to_string(),
                )?;
            }
            identity.birth_date = b.birth_date.or(identity.birth_date);
            if let Some(e) = b.email.clone() {
                identity.email = email(Some(e))?;
            }
            identity.phone = set("phone", b.phone.clone(), identity.phone, 40)?;
            if let Some(a) = b.address.clone() {
                identity.street = text("address.street", a.street, NAME_MAX)?;
                identity.postal_code = text("address.postal_code", a.postal_code, 20)?;
                identity.city = text("address.city", a.city, 100)?;
                identity.country = text("address.country", a.country, 2)?.map(|c| c.to_uppercase());
            }
            if let Some(iban) = b.iban.clone() {
                identity.iban =
                    checked("iban", Some(iban), Iban::parse, |i| i.as_str().to_string())?;
            }
            if let Some(lang) = b.language {
                identity.language = lang.as_str().into();
            }
            check_identity(kind, &identity)?;
            let now = Utc::now();
            let today = dar_core::time::brussels_date(now);
            let valid_from = b.valid_from.unwrap_or(today);
            if valid_from > today {
                return Err(ApiError::invalid("valid_from", "is in the future"));
            }
            let actor = principal.user_id.to_string();
            let mut row = shareholders::change_identity(
                conn, &tenant_id, &holder, identity, valid_from, &actor, now,
            )?;
            if let Some(status) = b.status {
                let (exit_date, reason) = match status {
                    ShareholderStatus::Active => (None, None),
                    _ => (
                        Some(b.exit_date.ok_or_else(|| {
                            ApiError::invalid("exit_date", "required when a shareholder leaves")
                        })?),
                        text("exit_reason", b.exit_reason.clone(), 500)?,
                    ),
                };
                if exit_date.is_some_and(|d| d > today) {
                    return Err(ApiError::invalid("exit_date", "is in the future"));
                }
                // Someone who withdrew or was excluded holds nothing: the shares are redeemed
                // or transferred first. (Heirs of a deceased holder take over later.)
                if matches!(
                    status,
                    ShareholderStatus::Exited | ShareholderStatus::Excluded
                ) {
                    let head = dar_db::tenants::get(conn, &tenant_id)?.ledger_head_seq;
                    let moment = dar_db::ledger::Moment {
                        as_of: today,
                        as_of_seq: head,
                    };
                    let held = dar_db::ledger::holder_holdings(conn, &tenant_id, &holder, moment)?;
                    if held.iter().any(|h| h.quantity != 0) {
                        return Err(ApiError::invalid(
                            "status",
                            "this shareholder still holds shares: redeem or transfer them first",
                        ));
                    }
                }
                row = shareholders::set_status(
                    conn,
                    &tenant_id,
                    &holder,
                    status.as_str(),
                    exit_date,
                    reason,
                )?;
            }
            audit::record(
                conn,
                audit_event(
                    &principal,
                    &access,
                    &meta,
                    &tenant.id,
                    "shareholder.updated",
                    &row.id,
                ),
                now,
            )?;
            Ok(view(&row, &access))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
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
#[serde(deny_unknown_fields)]
pub struct VersionsQuery {
    /// Only the version that was valid on this date.
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
    query: web::Query<VersionsQuery>,
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
    query: web::Query<MomentQuery>,
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
