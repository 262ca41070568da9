//! Bringing people in, in the browser: a cooperative's users and invitations (for its
//! administrators), the coordinator's onboarding of a cooperative with its first
//! administrator, a cooperative's status, and the platform's own users. Invitations are
//! made by `accounts`, as over the API, so their mail leaves through the outbox.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;

use super::session::WebUser;
use super::{HolderNames, PageError, PageResult, frame, html_response, read_form, see_other};
use crate::accounts::{self, NewInvitation};
use crate::auth::{Need, Principal};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::tenant_access;
use crate::routes::tenants::{Address, CreateTenant};
use crate::state::{AppState, Audited};
use crate::validate::{NAME_MAX, Name};
use dar_core::identifiers::EnterpriseNumber;
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::types::{Language, Role, TenantStatus};
use dar_db::DbConnection;
use dar_db::audit::NewAuditEvent;
use dar_web::forms::{FieldErrors, parse_count};
use dar_web::i18n::t;
use dar_web::people::{
    self as pages, CooperativeValues, Done, InvitationLine, InviteForm, InviteValues, MemberLine,
    PeopleText,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(users)
        .service(invite_user)
        .service(remove_user)
        .service(new_cooperative_form)
        .service(new_cooperative)
        .service(cooperative)
        .service(invite_admin)
        .service(change_status)
        .service(platform_users)
        .service(invite_platform_user);
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DoneQuery {
    done: Option<String>,
}

fn done(req: &HttpRequest, lang: Language) -> Result<Option<Done>, PageError> {
    let q: DoneQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    Ok(match q.done.as_deref() {
        Some("invited") => Some(Done::Invited),
        Some("removed") => Some(Done::Removed),
        Some("created") => Some(Done::Created),
        Some("status") => Some(Done::StatusChanged),
        _ => None,
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InviteBody {
    email: Option<String>,
    role: Option<String>,
    shareholder: Option<String>,
    language: Option<String>,
}

impl InviteBody {
    fn values(&self) -> InviteValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        InviteValues {
            email: s(&self.email),
            role: s(&self.role),
            shareholder: s(&self.shareholder),
            language: s(&self.language),
        }
    }
}

/// An e-mail address as typed, or why not.
fn email(lang: Language, errors: &mut FieldErrors, field: &str, v: &Option<String>) -> String {
    let v = v.as_deref().map(str::trim).unwrap_or_default().to_string();
    if v.is_empty() {
        errors.add(field, t(lang, PeopleText::Required));
    } else if accounts::check_email(&v).is_err() {
        errors.add(field, t(lang, PeopleText::BadEmail));
    }
    v
}

/// A refusal of the layers below as field errors in `lang`, or `None` when the page fails
/// as a whole.
fn localized(lang: Language, e: &ApiError) -> Option<FieldErrors> {
    let mut errors = FieldErrors::default();
    match e {
        ApiError::Conflict(_) => errors.add("slug", t(lang, PeopleText::SlugTaken)),
        ApiError::Validation {
            errors: problems, ..
        }
        | ApiError::BadRequest {
            errors: problems, ..
        } => {
            for p in problems {
                let field = p.field.strip_prefix("address.").unwrap_or(&p.field);
                let text = match field {
                    "email" => PeopleText::BadEmail,
                    "slug" => PeopleText::BadSlug,
                    "shareholder_id" => PeopleText::UnknownHolder,
                    "postal_code" => {
                        errors.add(field, t(lang, dar_web::holders::HolderText::BadPostalCode));
                        continue;
                    }
                    _ => PeopleText::CheckValue,
                };
                let field = if field == "shareholder_id" {
                    "shareholder"
                } else {
                    field
                };
                errors.add(field, t(lang, text));
            }
        }
        _ => return None,
    }
    Some(errors)
}

// ---- A cooperative's users -------------------------------------------------------------

struct UsersView {
    name: String,
    slug: String,
    members: Vec<MemberLine>,
    invitations: Vec<InvitationLine>,
    chrome: super::support::Chrome,
}

fn invitation_lines(rows: Vec<(String, String, chrono::NaiveDateTime)>) -> Vec<InvitationLine> {
    let now = dar_db::to_db_time(Utc::now());
    rows.into_iter()
        .filter_map(|(email, role, expires_at)| {
            Some(InvitationLine {
                email,
                role: Role::parse(&role)?,
                expires_at,
                expired: expires_at <= now,
            })
        })
        .collect()
}

fn read_users(
    conn: &mut DbConnection,
    principal: &Principal,
    key: &str,
    meta: &RequestMeta,
) -> Result<UsersView, ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::ManageTenant, meta)?;
    let chrome = super::support::chrome(conn, principal, &tenant, &access, meta)?;
    let members = dar_db::users::tenant_members(conn, &tenant_id)?;
    let holders = HolderNames::read(
        conn,
        &tenant_id,
        members
            .iter()
            .filter_map(|m| m.shareholder_id.as_deref()?.parse::<ShareholderId>().ok()),
    )?;
    let me = principal.user_id.to_string();
    let members = members
        .into_iter()
        .filter_map(|m| {
            let role = Role::parse(&m.role)?;
            // An administrator does not remove their own administrator rights: a register
            // must not lose its last keeper by a slip.
            let own_admin = m.user_id == me && role == Role::Admin;
            Some(MemberLine {
                holder: m
                    .shareholder_id
                    .as_deref()
                    .and_then(|id| id.parse().ok())
                    .map(|id| holders.of(id)),
                remove: (!own_admin)
                    .then(|| format!("/c/{}/users/{}/remove", tenant.slug, m.grant_id)),
                email: m.email,
                role,
                since: m.since,
            })
        })
        .collect();
    let invitations = invitation_lines(
        dar_db::users::open_tenant_invitations(conn, &tenant_id)?
            .into_iter()
            .map(|i| (i.email, i.role, i.expires_at))
            .collect(),
    );
    Ok(UsersView {
        name: tenant.legal_name,
        slug: tenant.slug,
        members,
        invitations,
        chrome,
    })
}

fn users_response(
    user: &WebUser,
    view: UsersView,
    values: &InviteValues,
    errors: &FieldErrors,
    done: Option<Done>,
    status: StatusCode,
) -> HttpResponse {
    let lang = user.lang;
    let here = format!("/c/{}/users", view.slug);
    let form = InviteForm {
        action: format!("/c/{}/users", view.slug),
        title: PeopleText::InviteSomeone,
        roles: vec![Role::Admin, Role::Viewer, Role::Shareholder],
        asks_holder: true,
        values,
        errors,
    };
    html_response(
        status,
        pages::users_page(
            &super::support::cooperative_frame(
                user,
                t(lang, PeopleText::Users),
                &here,
                view.chrome.banner.as_ref(),
            ),
            &pages::UsersPage {
                cooperative: &view.name,
                slug: &view.slug,
                csrf: &user.csrf,
                members: view.members,
                invitations: view.invitations,
                form,
                done,
                problem: None,
                tools: view.chrome.tools,
            },
        ),
    )
}

fn blank_invite(lang: Language, role: Role) -> InviteValues {
    InviteValues {
        role: role.as_str().into(),
        language: lang.as_str().into(),
        ..Default::default()
    }
}

#[get("/c/{tenant}/users")]
async fn users(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let done = done(&req, lang)?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let view = state
        .db(move |conn| read_users(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(users_response(
        &user,
        view,
        &blank_invite(lang, Role::Viewer),
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    ))
}

#[post("/c/{tenant}/users")]
async fn invite_user(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: InviteBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let values = form.values();
    let mut errors = FieldErrors::default();
    let address = email(lang, &mut errors, "email", &form.email);
    let role = match form.role.as_deref().and_then(Role::parse) {
        Some(r) if r.is_tenant_role() => r,
        _ => return Err(PageError::BadForm { lang }),
    };
    let number = match (role, form.shareholder.as_deref().map(str::trim)) {
        (Role::Shareholder, None | Some("")) => {
            errors.add("shareholder", t(lang, PeopleText::NeedsHolder));
            None
        }
        (Role::Shareholder, Some(n)) => match parse_count(lang, n) {
            Some(n) if n >= 1 => Some(n),
            _ => {
                errors.add("shareholder", t(lang, PeopleText::UnknownHolder));
                None
            }
        },
        _ => None,
    };
    let mail_lang = form.language.as_deref().and_then(Language::parse);
    let st = state.clone();
    let principal = user.principal.clone();
    let (k, m) = (key.clone(), meta.clone());
    let outcome = if errors.is_empty() {
        Some(
            state
                .write(move |conn| {
                    let shareholder = match number {
                        Some(n) => {
                            let (_, tenant_id, _) =
                                tenant_access(conn, &principal, &k, Need::ManageTenant, &m)?;
                            let found = dar_db::shareholders::ids_by_register_number(
                                conn,
                                &tenant_id,
                                &[n],
                            )?;
                            Some(found.get(&n).copied().ok_or_else(|| {
                                ApiError::invalid("shareholder_id", "no such register number")
                            })?)
                        }
                        None => None,
                    };
                    let new = NewInvitation {
                        email: address,
                        role,
                        shareholder,
                        lang: mail_lang,
                    };
                    accounts::invite_to_tenant(conn, &st.settings, &principal, &m, &k, new)
                })
                .await
                .map(|_| ()),
        )
    } else {
        // Refused before anything was tried: the fields already say why.
        None
    };
    match outcome {
        Some(Ok(())) => {
            state.mail.wake();
            Ok(see_other(&format!("/c/{key}/users?done=invited")))
        }
        outcome => {
            if let Some(Err(e)) = outcome {
                errors = localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?;
            }
            let principal = user.principal.clone();
            let view = state
                .db(move |conn| read_users(conn, &principal, &key, &meta))
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            Ok(users_response(
                &user,
                view,
                &values,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// Removes one person's access to the cooperative (not the administrator's own).
#[post("/c/{tenant}/users/{grant}/remove")]
async fn remove_user(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let _: Empty = read_form(&user, &body)?;
    let (key, grant) = path.into_inner();
    let principal = user.principal.clone();
    let k = key.clone();
    state
        .write(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ManageTenant, &meta)?;
            let member = dar_db::users::tenant_members(conn, &tenant_id)?
                .into_iter()
                .find(|m| m.grant_id == grant)
                .ok_or(ApiError::NotFound)?;
            if member.user_id == principal.user_id.to_string() && member.role == "admin" {
                return Err(ApiError::Forbidden(
                    "an administrator does not remove their own rights",
                ));
            }
            let removed = dar_db::users::revoke_tenant_grant(conn, &tenant_id, &grant)?;
            let event = NewAuditEvent {
                tenant_id: Some(tenant.id.clone()),
                actor_user_id: Some(principal.user_id.to_string()),
                actor_role: Some(access.actor_role().into()),
                action: "grant.revoked".into(),
                object_type: Some("user".into()),
                object_id: Some(removed.user_id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                support_session_id: access.support_session_id.clone(),
                details: Some(serde_json::json!({
                    "role": removed.role, "shareholder_id": removed.shareholder_id,
                })),
            };
            Ok(Audited { event, value: () })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(see_other(&format!("/c/{key}/users?done=removed")))
}

// ---- The coordinator: onboarding and status ---------------------------------------------

/// The coordinator's pages are the coordinator's alone; to anyone else they do not exist.
fn coordinator_only(user: &WebUser) -> Result<(), PageError> {
    if user.principal.has_platform_role(Role::Coordinator) {
        Ok(())
    } else {
        Err(PageError::NotFound { lang: user.lang })
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CooperativeBody {
    legal_name: Option<String>,
    enterprise_number: Option<String>,
    slug: Option<String>,
    legal_form: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    default_language: Option<String>,
    admin_email: Option<String>,
}

impl CooperativeBody {
    fn values(&self) -> CooperativeValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        CooperativeValues {
            legal_name: s(&self.legal_name),
            enterprise_number: s(&self.enterprise_number),
            slug: s(&self.slug),
            legal_form: s(&self.legal_form),
            street: s(&self.street),
            postal_code: s(&self.postal_code),
            city: s(&self.city),
            default_language: s(&self.default_language),
            admin_email: s(&self.admin_email),
        }
    }
}

fn new_cooperative_page(
    user: &WebUser,
    values: &CooperativeValues,
    errors: &FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let lang = user.lang;
    html_response(
        status,
        pages::new_cooperative(
            &frame(
                user,
                t(lang, PeopleText::AddCooperative),
                "/cooperatives/new",
            ),
            &pages::NewCooperative {
                csrf: &user.csrf,
                values,
                errors,
            },
        ),
    )
}

#[get("/cooperatives/new")]
async fn new_cooperative_form(user: WebUser) -> PageResult {
    coordinator_only(&user)?;
    let values = CooperativeValues {
        legal_form: "cv".into(),
        default_language: "nl".into(),
        ..Default::default()
    };
    Ok(new_cooperative_page(
        &user,
        &values,
        &FieldErrors::default(),
        StatusCode::OK,
    ))
}

/// Onboards a cooperative and invites its first administrator in one transaction: both
/// happen, with their audit events and the mail, or neither.
#[post("/cooperatives/new")]
async fn new_cooperative(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let form: CooperativeBody = read_form(&user, &body)?;
    let values = form.values();
    let mut errors = FieldErrors::default();
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let legal_name = match text(&form.legal_name).map(|n| dar_core::text::name(&n, NAME_MAX)) {
        Some(Ok(n)) => Some(Name(n)),
        Some(Err(_)) => {
            errors.add("legal_name", t(lang, PeopleText::CheckValue));
            None
        }
        None => {
            errors.add("legal_name", t(lang, PeopleText::Required));
            None
        }
    };
    let enterprise_number = match text(&form.enterprise_number).map(|n| EnterpriseNumber::parse(&n))
    {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            errors.add(
                "enterprise_number",
                t(lang, PeopleText::BadEnterpriseNumber),
            );
            None
        }
        None => {
            errors.add("enterprise_number", t(lang, PeopleText::Required));
            None
        }
    };
    let slug = text(&form.slug).unwrap_or_default().to_lowercase();
    if slug.is_empty() {
        errors.add("slug", t(lang, PeopleText::Required));
    }
    let admin = text(&form.admin_email);
    if admin.is_some() {
        email(lang, &mut errors, "admin_email", &form.admin_email);
    }
    let request = match (legal_name, enterprise_number) {
        (Some(legal_name), Some(enterprise_number)) if errors.is_empty() => CreateTenant {
            slug,
            legal_name,
            enterprise_number,
            legal_form: text(&form.legal_form).unwrap_or_else(|| "cv".into()),
            default_language: form
                .default_language
                .as_deref()
                .and_then(Language::parse)
                .unwrap_or(Language::Nl),
            address: Some(Address {
                street: text(&form.street),
                postal_code: text(&form.postal_code),
                city: text(&form.city),
                country: None,
            }),
            fiscal_year_end: None,
            voting_rule: None,
        },
        _ => {
            return Ok(new_cooperative_page(
                &user,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let created = match crate::routes::tenants::checked(request) {
        Err(e) => Err(e),
        Ok(new) => {
            let st = state.clone();
            let principal = user.principal.clone();
            state
                .write(move |conn| {
                    let created = crate::routes::tenants::create_in(conn, &principal, &meta, new)?;
                    if let Some(address) = admin {
                        // The invitation's own event is recorded here; the cooperative's
                        // is returned for `write` to record, in the same transaction.
                        let invited = accounts::invite_to_tenant(
                            conn,
                            &st.settings,
                            &principal,
                            &meta,
                            &created.value.slug,
                            NewInvitation {
                                email: address,
                                role: Role::Admin,
                                shareholder: None,
                                lang: None,
                            },
                        )?;
                        dar_db::audit::record(conn, invited.event, Utc::now())?;
                    }
                    Ok(created)
                })
                .await
        }
    };
    match created {
        Ok(row) => {
            state.mail.wake();
            Ok(see_other(&format!(
                "/cooperatives/{}?done=created",
                row.slug
            )))
        }
        Err(e) => {
            let errors = localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?;
            Ok(new_cooperative_page(
                &user,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

struct CooperativeView {
    name: String,
    slug: String,
    enterprise_number: String,
    status: TenantStatus,
    administrators: Vec<MemberLine>,
    invitations: Vec<InvitationLine>,
}

/// What the coordinator sees of a cooperative: no register, only who administers it.
fn read_cooperative(conn: &mut DbConnection, key: &str) -> Result<CooperativeView, ApiError> {
    let tenant = dar_db::tenants::find(conn, key)?;
    let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    let administrators = dar_db::users::tenant_members(conn, &tenant_id)?
        .into_iter()
        .filter(|m| m.role == "admin")
        .map(|m| MemberLine {
            email: m.email,
            role: Role::Admin,
            holder: None,
            since: m.since,
            remove: None,
        })
        .collect();
    let invitations = invitation_lines(
        dar_db::users::open_tenant_invitations(conn, &tenant_id)?
            .into_iter()
            .filter(|i| i.role == "admin")
            .map(|i| (i.email, i.role, i.expires_at))
            .collect(),
    );
    Ok(CooperativeView {
        status: TenantStatus::parse(&tenant.status).unwrap_or(TenantStatus::Active),
        name: tenant.legal_name,
        slug: tenant.slug,
        enterprise_number: tenant.enterprise_number,
        administrators,
        invitations,
    })
}

fn cooperative_response(
    user: &WebUser,
    view: CooperativeView,
    values: &InviteValues,
    errors: &FieldErrors,
    done: Option<Done>,
    status: StatusCode,
) -> HttpResponse {
    let here = format!("/cooperatives/{}", view.slug);
    let form = InviteForm {
        action: format!("/cooperatives/{}/invitations", view.slug),
        title: PeopleText::InviteAdmin,
        roles: vec![Role::Admin],
        asks_holder: false,
        values,
        errors,
    };
    html_response(
        status,
        pages::cooperative_page(
            &frame(user, &view.name, &here),
            &pages::CooperativePage {
                name: &view.name,
                slug: &view.slug,
                enterprise_number: &view.enterprise_number,
                status: view.status,
                csrf: &user.csrf,
                administrators: view.administrators,
                invitations: view.invitations,
                form,
                done,
            },
        ),
    )
}

#[get("/cooperatives/{tenant}")]
async fn cooperative(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let done = done(&req, lang)?;
    let key = path.into_inner();
    let view = state
        .db(move |conn| read_cooperative(conn, &key))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(cooperative_response(
        &user,
        view,
        &blank_invite(lang, Role::Admin),
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    ))
}

#[post("/cooperatives/{tenant}/invitations")]
async fn invite_admin(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let form: InviteBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let values = form.values();
    let mut errors = FieldErrors::default();
    let address = email(lang, &mut errors, "email", &form.email);
    let mail_lang = form.language.as_deref().and_then(Language::parse);
    let outcome = if errors.is_empty() {
        let st = state.clone();
        let principal = user.principal.clone();
        let k = key.clone();
        Some(
            state
                .write(move |conn| {
                    let new = NewInvitation {
                        email: address,
                        role: Role::Admin,
                        shareholder: None,
                        lang: mail_lang,
                    };
                    accounts::invite_to_tenant(conn, &st.settings, &principal, &meta, &k, new)
                })
                .await
                .map(|_| ()),
        )
    } else {
        // Refused before anything was tried: the fields already say why.
        None
    };
    match outcome {
        Some(Ok(())) => {
            state.mail.wake();
            Ok(see_other(&format!("/cooperatives/{key}?done=invited")))
        }
        outcome => {
            if let Some(Err(e)) = outcome {
                errors = localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?;
            }
            let view = state
                .db(move |conn| read_cooperative(conn, &key))
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            Ok(cooperative_response(
                &user,
                view,
                &values,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
}

/// Suspends, archives or reactivates a cooperative (its register stays readable).
#[post("/cooperatives/{tenant}/status")]
async fn change_status(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let form: StatusBody = read_form(&user, &body)?;
    let status = TenantStatus::parse(&form.status).ok_or(PageError::BadForm { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let k = key.clone();
    state
        .write(move |conn| {
            let tenant = dar_db::tenants::find(conn, &k)?;
            let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
            let changes = dar_db::tenants::TenantChanges {
                status: Some(status.as_str().into()),
                ..Default::default()
            };
            let updated = dar_db::tenants::update(conn, &tenant_id, &changes)?;
            let event = NewAuditEvent {
                tenant_id: Some(tenant.id.clone()),
                actor_user_id: Some(principal.user_id.to_string()),
                actor_role: Some("coordinator".into()),
                action: "tenant.updated".into(),
                object_type: Some("tenant".into()),
                object_id: Some(tenant.id.clone()),
                request_id: Some(meta.request_id.clone()),
                source_ip: meta.source_ip.clone(),
                details: Some(
                    serde_json::json!({ "status": status.as_str(), "was": tenant.status }),
                ),
                ..Default::default()
            };
            Ok(Audited {
                event,
                value: updated,
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(see_other(&format!("/cooperatives/{key}?done=status")))
}

// ---- The platform's users ---------------------------------------------------------------

fn read_platform_users(
    conn: &mut DbConnection,
) -> Result<(Vec<MemberLine>, Vec<InvitationLine>), ApiError> {
    let members = dar_db::users::platform_members(conn)?
        .into_iter()
        .filter_map(|m| {
            Some(MemberLine {
                role: Role::parse(&m.role)?,
                email: m.email,
                holder: None,
                since: m.since,
                remove: None,
            })
        })
        .collect();
    let invitations = invitation_lines(
        dar_db::users::open_platform_invitations(conn)?
            .into_iter()
            .map(|i| (i.email, i.role, i.expires_at))
            .collect(),
    );
    Ok((members, invitations))
}

fn platform_response(
    user: &WebUser,
    (members, invitations): (Vec<MemberLine>, Vec<InvitationLine>),
    values: &InviteValues,
    errors: &FieldErrors,
    done: Option<Done>,
    status: StatusCode,
) -> HttpResponse {
    let lang = user.lang;
    let form = InviteForm {
        action: "/platform/users".into(),
        title: PeopleText::InviteSomeone,
        roles: vec![Role::Helpdesk, Role::Coordinator],
        asks_holder: false,
        values,
        errors,
    };
    html_response(
        status,
        pages::platform_users(
            &frame(user, t(lang, PeopleText::PlatformUsers), "/platform/users"),
            &pages::PlatformUsersPage {
                csrf: &user.csrf,
                members,
                invitations,
                form,
                done,
            },
        ),
    )
}

#[get("/platform/users")]
async fn platform_users(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let done = done(&req, lang)?;
    let view = state
        .db(read_platform_users)
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(platform_response(
        &user,
        view,
        &blank_invite(lang, Role::Helpdesk),
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    ))
}

#[post("/platform/users")]
async fn invite_platform_user(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    coordinator_only(&user)?;
    let lang = user.lang;
    let form: InviteBody = read_form(&user, &body)?;
    let values = form.values();
    let mut errors = FieldErrors::default();
    let address = email(lang, &mut errors, "email", &form.email);
    let role = match form.role.as_deref().and_then(Role::parse) {
        Some(r) if !r.is_tenant_role() => r,
        _ => return Err(PageError::BadForm { lang }),
    };
    let mail_lang = form.language.as_deref().and_then(Language::parse);
    let outcome = if errors.is_empty() {
        let st = state.clone();
        let principal = user.principal.clone();
        Some(
            state
                .write(move |conn| {
                    let new = NewInvitation {
                        email: address,
                        role,
                        shareholder: None,
                        lang: mail_lang,
                    };
                    accounts::invite_to_platform(conn, &st.settings, &principal, &meta, new)
                })
                .await
                .map(|_| ()),
        )
    } else {
        // Refused before anything was tried: the fields already say why.
        None
    };
    match outcome {
        Some(Ok(())) => {
            state.mail.wake();
            Ok(see_other("/platform/users?done=invited"))
        }
        outcome => {
            if let Some(Err(e)) = outcome {
                errors = localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?;
            }
            let view = state
                .db(read_platform_users)
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            Ok(platform_response(
                &user,
                view,
                &values,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}
