//! Support sessions in the browser: the helpdesk opens one on a cooperative and reads its
//! pages under a banner until it ends; the cooperative's administrators see the sessions
//! and close one. Opening and closing go through the same functions as the API
//! (`routes::support`), reading through `authorize` like every page.

use actix_web::{HttpRequest, get, post, web};
use chrono::Utc;
use serde::Deserialize;

use super::session::WebUser;
use super::{PageError, PageResult, checked_form, frame, html_response, ok, read_form, see_other};
use crate::auth::{Access, Need, Principal, authorize};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::support::{OpenProblem, check_open, close_session, open_session};
use crate::routes::tenant_access;
use crate::state::AppState;
use dar_core::ids::{SupportSessionId, TenantId};
use dar_core::types::{Language, Role};
use dar_db::tenants::TenantRow;
use dar_web::forms::{FieldErrors, parse_count};
use dar_web::i18n::t;
use dar_web::layout::Frame;
use dar_web::pages::Tools;
use dar_web::support::{self as pages, Notice, SessionBanner, SessionState, SupportText};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(open_form)
        .service(open)
        .service(close)
        .service(sessions);
}

/// What every page of a cooperative shows besides its own content: the sections the user
/// may open, and the banner of the helpdesk's support session.
pub struct Chrome {
    pub tools: Tools,
    pub banner: Option<SessionBanner>,
}

/// The chrome of a cooperative's page for a user let in with `access`. The sections beyond
/// the register are asked of `authorize`, like the pages behind them.
pub fn chrome(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    tenant: &TenantRow,
    access: &Access,
    meta: &RequestMeta,
) -> Result<Chrome, ApiError> {
    let tools = Tools {
        audit: authorize(conn, principal, tenant, Need::ReadAudit, meta).is_ok(),
        settings: authorize(conn, principal, tenant, Need::ManageTenant, meta).is_ok(),
        imports: authorize(conn, principal, tenant, Need::WriteRegister, meta).is_ok(),
    };
    let banner = match &access.support_session_id {
        None => None,
        Some(id) => {
            let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
            let id: SupportSessionId = id.parse().map_err(ApiError::internal)?;
            let session = dar_db::support::get(conn, &tenant_id, &id)?;
            let until = session.expires_at.and_utc();
            let seconds_left = (until - Utc::now()).num_seconds().max(0);
            Some(SessionBanner {
                slug: tenant.slug.clone(),
                session_id: session.id,
                reason: session.reason,
                ticket: session.ticket,
                until: dar_core::time::brussels_time(until),
                // Whole minutes, rounded down: the banner never promises more than is left.
                minutes_left: seconds_left / 60,
                may_write: session.can_write && tenant.helpdesk_may_write,
            })
        }
    };
    Ok(Chrome { tools, banner })
}

/// The frame of a cooperative's page, with the support session's banner when there is one.
pub fn cooperative_frame<'a>(
    user: &'a WebUser,
    title: &'a str,
    path: &'a str,
    banner: Option<&SessionBanner>,
) -> Frame<'a> {
    let mut f = frame(user, title, path);
    f.banner = banner.map(|b| pages::banner(user.lang, b, &user.csrf));
    f
}

/// The page a refusal on a cooperative's page becomes. The helpdesk without an open session
/// (it expired, was closed, or was never opened) is sent to the form that opens one, with a
/// note; everybody else gets the page for what is not there.
pub fn cooperative_error(e: ApiError, user: &WebUser, key: &str) -> PageError {
    let helpdesk = user.principal.has_platform_role(Role::Helpdesk);
    let plain_key = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    match e {
        // `authorize` refuses only after finding the cooperative, so `key` names one.
        ApiError::Forbidden(_) if helpdesk && plain_key => PageError::SupportSession {
            lang: user.lang,
            slug: key.to_string(),
        },
        e => PageError::from_api(e, user.lang),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeQuery {
    ended: Option<String>,
    closed: Option<String>,
}

fn notice(req: &HttpRequest, lang: Language) -> Result<Option<Notice>, PageError> {
    let q: NoticeQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    Ok(if q.closed.is_some() {
        Some(Notice::Closed)
    } else if q.ended.is_some() {
        Some(Notice::NoSession)
    } else {
        None
    })
}

/// The form that opens a support session, for the helpdesk only; with a session open
/// already, the cooperative's overview.
#[get("/c/{tenant}/support/new")]
async fn open_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    if !user.principal.has_platform_role(Role::Helpdesk) {
        return Err(PageError::NotFound { lang });
    }
    let notice = notice(&req, lang)?;
    let key = path.into_inner();
    let user_id = user.principal.user_id;
    let (tenant, in_session) = state
        .db(move |conn| {
            let tenant = dar_db::tenants::find(conn, &key)?;
            let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
            let active = dar_db::support::active(conn, &tenant_id, &user_id, Utc::now())?;
            Ok((tenant, active.is_some()))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    if in_session {
        return Ok(see_other(&format!("/c/{}", tenant.slug)));
    }
    let form = pages::OpenForm {
        cooperative: tenant.legal_name,
        slug: tenant.slug,
        reason: String::new(),
        ticket: String::new(),
        minutes: "60".into(),
        errors: FieldErrors::default(),
        notice,
    };
    show_open_form(&user, &form, actix_web::http::StatusCode::OK)
}

fn show_open_form(
    user: &WebUser,
    form: &pages::OpenForm,
    status: actix_web::http::StatusCode,
) -> PageResult {
    let here = format!("/c/{}/support/new", form.slug);
    let title = t(user.lang, SupportText::OpenTitle);
    Ok(html_response(
        status,
        pages::open_form(&frame(user, title, &here), &user.csrf, form),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    reason: String,
    ticket: String,
    minutes: String,
}

/// Opens the session, then the cooperative's overview; a refused field is shown next to
/// itself and nothing is opened.
#[post("/c/{tenant}/support/new")]
async fn open(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    if !user.principal.has_platform_role(Role::Helpdesk) {
        return Err(PageError::NotFound { lang });
    }
    let form: OpenBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let minutes_typed = form.minutes.trim();
    let minutes = if minutes_typed.is_empty() {
        Ok(None)
    } else {
        parse_count(lang, minutes_typed).map(Some).ok_or(())
    };
    let checked = match minutes {
        Ok(m) => check_open(&form.reason, &form.ticket, m),
        // The other fields are still checked, so every problem shows at once.
        Err(()) => match check_open(&form.reason, &form.ticket, None) {
            Ok(_) => Err(vec![OpenProblem::Minutes]),
            Err(mut p) => {
                p.push(OpenProblem::Minutes);
                Err(p)
            }
        },
    };
    let request = match checked {
        Ok(r) => r,
        Err(problems) => {
            let k = key.clone();
            let tenant = state
                .db(move |conn| Ok(dar_db::tenants::find(conn, &k)?))
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            let mut errors = FieldErrors::default();
            for p in problems {
                let text = match p {
                    OpenProblem::Reason => SupportText::ReasonProblem,
                    OpenProblem::Ticket => SupportText::TicketProblem,
                    OpenProblem::Minutes => SupportText::MinutesProblem,
                };
                errors.add(p.field(), t(lang, text));
            }
            let page = pages::OpenForm {
                cooperative: tenant.legal_name,
                slug: tenant.slug,
                reason: form.reason,
                ticket: form.ticket,
                minutes: form.minutes,
                errors,
                notice: None,
            };
            return show_open_form(
                &user,
                &page,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let principal = user.principal.clone();
    let row = state
        .write(move |conn| open_session(conn, &principal, &meta, &key, &request))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let slug = state
        .db(move |conn| {
            let id: TenantId = row.tenant_id.parse().map_err(ApiError::internal)?;
            Ok(dar_db::tenants::get(conn, &id)?.slug)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(see_other(&format!("/c/{slug}")))
}

/// Closes a support session: the helpdesk its own (back to the open form, with a note),
/// an administrator any on their cooperative (back to the list).
#[post("/c/{tenant}/support/{id}/close")]
async fn close(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    checked_form(&user, &body)?;
    let (key, id) = path.into_inner();
    let session_id: SupportSessionId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let k = key.clone();
    let (row, by_helpdesk) = state
        .write(move |conn| close_session(conn, &principal, &meta, &k, &session_id))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let slug = state
        .db(move |conn| {
            let id: TenantId = row.tenant_id.parse().map_err(ApiError::internal)?;
            Ok(dar_db::tenants::get(conn, &id)?.slug)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(if by_helpdesk {
        see_other(&format!("/c/{slug}/support/new?closed=1"))
    } else {
        see_other(&format!("/c/{slug}/support?closed=1"))
    })
}

/// Most sessions the administrator's list shows (a cooperative sees a handful a year).
const SESSIONS_MAX: i64 = 200;

/// The support sessions on the cooperative, for whom may read its audit log.
#[get("/c/{tenant}/support")]
async fn sessions(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let closed = notice(&req, lang)? == Some(Notice::Closed);
    let key = path.into_inner();
    let principal = user.principal.clone();
    let (view, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ReadAudit, &meta)?;
            let chrome = chrome(conn, &principal, &tenant, &access, &meta)?;
            let rows = dar_db::support::list(conn, &tenant_id, SESSIONS_MAX)?;
            let mut emails: std::collections::HashMap<String, String> = Default::default();
            let now = Utc::now().naive_utc();
            let mut lines = Vec::with_capacity(rows.len());
            for r in rows {
                if !emails.contains_key(&r.helpdesk_user_id) {
                    let id = r.helpdesk_user_id.parse().map_err(ApiError::internal)?;
                    let email = dar_db::users::get(conn, &id)?.email;
                    emails.insert(r.helpdesk_user_id.clone(), email);
                }
                let state = if r.closed_at.is_some() {
                    SessionState::Closed
                } else if r.expires_at <= now {
                    SessionState::Expired
                } else {
                    SessionState::Open
                };
                lines.push(pages::SessionLine {
                    helpdesk: emails[&r.helpdesk_user_id].clone(),
                    opened: dar_core::time::brussels_time(r.opened_at.and_utc()),
                    until: dar_core::time::brussels_time(
                        r.closed_at.unwrap_or(r.expires_at).and_utc(),
                    ),
                    id: r.id,
                    reason: r.reason,
                    ticket: r.ticket,
                    state,
                });
            }
            Ok((
                pages::SessionsPage {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    lines,
                    closed,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let here = format!("/c/{}/support", view.slug);
    let title = t(lang, SupportText::SessionsTitle);
    ok(pages::sessions_page(
        &cooperative_frame(&user, title, &here, banner.as_ref()),
        &user.csrf,
        &view,
    ))
}
