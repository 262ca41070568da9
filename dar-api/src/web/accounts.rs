//! Pages of accounts before a session: accepting an invitation from its e-mailed link, and
//! a forgotten password (asking for a link by e-mail, then choosing a new password through
//! it). Their forms come before any session, so their CSRF token is a double submit: a
//! random value in the form and in a cookie of this site (`FORM_COOKIE`), as the sign-in
//! form does. Tokens in these paths are random and single use; they name no person.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;

use super::session::{self, FORM_COOKIE, SESSION_COOKIE};
use super::{PageError, PageResult, html_response, open_session, signed_in};
use crate::auth::{password, tokens};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::state::AppState;
use dar_core::ids::UserId;
use dar_core::types::{Language, Role};
use dar_db::audit::NewAuditEvent;
use dar_web::accounts::{self as pages, AccountText, Problem};
use dar_web::i18n::{Text, t};
use dar_web::layout::Frame;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(invitation_form)
        .service(accept_invitation)
        .service(forgot_form)
        .service(forgot)
        .service(reset_form)
        .service(reset);
}

/// How long a password reset link works.
pub const RESET_MINUTES: i64 = 60;

fn frame<'a>(lang: Language, title: &'a str, path: &'a str) -> Frame<'a> {
    Frame {
        lang,
        title,
        signed: None,
        path,
        banner: None,
    }
}

/// A page whose form carries `csrf`, with the cookie it is checked against.
fn form_page(state: &AppState, status: StatusCode, body: String, csrf: String) -> HttpResponse {
    let mut response = html_response(status, body);
    let _ = response.add_cookie(&session::cookie(state, FORM_COOKIE, csrf));
    response
}

/// Whether the form's token is the one in this browser's form cookie.
fn form_token_ok(req: &HttpRequest, csrf: &str) -> bool {
    req.cookie(FORM_COOKIE)
        .is_some_and(|c| session::constant_time_eq(c.value().as_bytes(), csrf.as_bytes()))
}

/// Reads a form body; a body no page of DAR sends is refused with a page that says so.
fn read<T: serde::de::DeserializeOwned>(body: &[u8], lang: Language) -> Result<T, PageError> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|b| crate::request::parse_query(b).ok())
        .ok_or(PageError::BadForm { lang })
}

/// The problem with a new password typed twice, if any.
fn new_password_problem(lang: Language, new: &str, repeat: &str) -> Option<Problem> {
    if password::check_strength(new).is_err() {
        return Some(("password", t(lang, Text::PasswordTooShort)));
    }
    if new != repeat {
        return Some(("repeat", t(lang, Text::PasswordsDiffer)));
    }
    None
}

fn with_retry_after(mut response: HttpResponse, seconds: u64) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

// ---- Accepting an invitation -------------------------------------------------------------

/// An open invitation as its page shows it.
struct OpenInvitation {
    email: String,
    cooperative: Option<String>,
    role: Role,
    existing_account: bool,
}

/// The invitation with this token, if it can still be accepted.
async fn open_invitation(
    state: &AppState,
    token: &str,
    lang: Language,
) -> Result<Option<OpenInvitation>, PageError> {
    let hash = tokens::token_hash(token);
    state
        .db(move |conn| {
            let Some(found) = dar_db::users::find_invitation(conn, &hash)? else {
                return Ok(None);
            };
            if !found.is_open(Utc::now()) {
                return Ok(None);
            }
            let cooperative = match &found.tenant_id {
                Some(id) => Some(
                    dar_db::tenants::get(conn, &id.parse().map_err(ApiError::internal)?)?
                        .legal_name,
                ),
                None => None,
            };
            let role = Role::parse(&found.role)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a stored role")))?;
            let existing_account = dar_db::users::find_by_email(conn, &found.email)?.is_some();
            Ok(Some(OpenInvitation {
                email: found.email,
                cooperative,
                role,
                existing_account,
            }))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))
}

fn invitation_gone(lang: Language, path: &str) -> HttpResponse {
    let title = t(lang, AccountText::InvitationGoneTitle);
    html_response(
        StatusCode::GONE,
        pages::invitation_gone(&frame(lang, title, path)),
    )
}

fn accept_page(
    state: &AppState,
    lang: Language,
    status: StatusCode,
    path: &str,
    invitation: &OpenInvitation,
    problem: Option<Problem>,
) -> HttpResponse {
    let (csrf, _) = tokens::opaque_token();
    let title = t(lang, AccountText::AcceptTitle);
    let body = pages::accept_invitation(
        &frame(lang, title, path),
        &pages::AcceptForm {
            action: path,
            csrf: &csrf,
            email: &invitation.email,
            cooperative: invitation.cooperative.as_deref(),
            role: invitation.role,
            existing_account: invitation.existing_account,
            problem,
        },
    );
    form_page(state, status, body, csrf)
}

/// The page of an e-mailed invitation link: whom it is for, and the password to set (or,
/// for an existing account, to give).
#[get("/invitations/{token}")]
async fn invitation_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> PageResult {
    let lang = session::language(&req);
    let token = path.into_inner();
    let here = format!("/invitations/{token}");
    Ok(match open_invitation(&state, &token, lang).await? {
        Some(invitation) => accept_page(&state, lang, StatusCode::OK, &here, &invitation, None),
        None => invitation_gone(lang, &here),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptForm {
    csrf: String,
    /// Sent for password managers; the invitation itself says whose it is.
    #[serde(rename = "email")]
    _email: Option<String>,
    password: String,
    repeat: Option<String>,
}

/// Accepts an invitation exactly as the API does (`accounts::accept_invitation`), then
/// signs the user in and lands on the start page.
#[post("/invitations/{token}")]
async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = session::language(&req);
    let token = path.into_inner();
    let here = format!("/invitations/{token}");
    let form: AcceptForm = read(&body, lang)?;
    let Some(invitation) = open_invitation(&state, &token, lang).await? else {
        return Ok(invitation_gone(lang, &here));
    };
    let refuse =
        |status, problem| accept_page(&state, lang, status, &here, &invitation, Some(problem));
    if !form_token_ok(&req, &form.csrf) {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            ("password", t(lang, Text::FormExpired)),
        ));
    }
    if !invitation.existing_account
        && let Some(problem) =
            new_password_problem(lang, &form.password, form.repeat.as_deref().unwrap_or(""))
    {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, problem));
    }
    let accepted =
        crate::accounts::accept_invitation(&state, meta.clone(), &token, form.password, None).await;
    let user = match accepted {
        Ok(user) => user,
        Err(ApiError::NotFound | ApiError::Conflict(_)) => return Ok(invitation_gone(lang, &here)),
        Err(ApiError::Unauthenticated(_)) => {
            return Ok(refuse(
                StatusCode::UNAUTHORIZED,
                ("password", t(lang, Text::WrongCurrentPassword)),
            ));
        }
        Err(ApiError::TooManyAttempts { retry_after }) => {
            return Ok(with_retry_after(
                refuse(
                    StatusCode::TOO_MANY_REQUESTS,
                    ("password", t(lang, Text::TooManyAttempts)),
                ),
                retry_after,
            ));
        }
        Err(ApiError::Unavailable(_)) => {
            return Ok(refuse(
                StatusCode::CONFLICT,
                ("password", t(lang, AccountText::AccountChanged)),
            ));
        }
        Err(e) => return Err(PageError::from_api(e, lang)),
    };
    let old = req
        .cookie(SESSION_COOKIE)
        .map(|c| tokens::token_hash(c.value()));
    let token = state
        .db(move |conn| {
            let user_id: UserId = user.id.parse().map_err(ApiError::internal)?;
            dar_db::write_transaction(conn, |conn| {
                let now = Utc::now();
                let token = open_session(conn, old.as_deref(), &user_id, now)?;
                let login = NewAuditEvent {
                    actor_user_id: Some(user.id.clone()),
                    action: "login".into(),
                    object_type: Some("user".into()),
                    object_id: Some(user.id.clone()),
                    request_id: Some(meta.request_id.clone()),
                    source_ip: meta.source_ip.clone(),
                    details: Some(serde_json::json!({ "via": "invitation" })),
                    ..Default::default()
                };
                dar_db::audit::record(conn, login, now)?;
                Ok::<_, ApiError>(token)
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(signed_in(&state, token))
}

// ---- A forgotten password ----------------------------------------------------------------

fn forgot_page(
    state: &AppState,
    lang: Language,
    status: StatusCode,
    email: &str,
    problem: Option<Problem>,
    sent: bool,
) -> HttpResponse {
    let (csrf, _) = tokens::opaque_token();
    let title = t(lang, AccountText::ForgotTitle);
    let body = pages::forgot_password(
        &frame(lang, title, "/password/forgot"),
        &pages::ForgotForm {
            csrf: &csrf,
            email,
            problem,
            sent,
        },
    );
    form_page(state, status, body, csrf)
}

#[get("/password/forgot")]
async fn forgot_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    forgot_page(
        &state,
        session::language(&req),
        StatusCode::OK,
        "",
        None,
        false,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForgotForm {
    csrf: String,
    email: String,
}

/// Sends a reset link to the address if it has an account. The answer is the same either
/// way, so the page does not tell who has an account here; requests are slowed down per
/// address asked for and per source address, like sign-ins.
#[post("/password/forgot")]
async fn forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    let lang = session::language(&req);
    let form: ForgotForm = read(&body, lang)?;
    let email = form.email.trim().to_string();
    if !form_token_ok(&req, &form.csrf) {
        let problem = ("email", t(lang, Text::FormExpired));
        return Ok(forgot_page(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            &email,
            Some(problem),
            false,
        ));
    }
    if crate::accounts::check_email(&email).is_err() {
        let problem = ("email", t(lang, AccountText::NotAnEmail));
        return Ok(forgot_page(
            &state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            Some(problem),
            false,
        ));
    }
    let account = dar_db::users::normalise_email(&email);
    let ip = meta.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    let now = std::time::Instant::now();
    if let Err(blocked) = state.reset_throttle.check(&account, ip, now) {
        let problem = ("email", t(lang, Text::TooManyAttempts));
        let page = forgot_page(
            &state,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &email,
            Some(problem),
            false,
        );
        return Ok(with_retry_after(page, blocked.retry_after.as_secs().max(1)));
    }
    // Every request counts, whether the address has an account or not.
    state.reset_throttle.failed(&account, ip, now);
    let st = state.clone();
    let queued = state
        .db(move |conn| {
            let Some(user) = dar_db::users::find_by_email(conn, &account)? else {
                return Ok(false);
            };
            if user.disabled {
                return Ok(false);
            }
            let user_id: UserId = user.id.parse().map_err(ApiError::internal)?;
            dar_db::write_transaction(conn, |conn| {
                let now = Utc::now();
                let valid = chrono::Duration::minutes(RESET_MINUTES);
                let (token, hash) = tokens::opaque_token();
                dar_db::password_resets::create(conn, &user_id, &hash, now + valid, now)?;
                let mail = crate::mail::enqueue_password_reset(
                    conn,
                    &st.settings,
                    &user.email,
                    lang,
                    &token,
                    valid,
                    now,
                )?;
                let event = NewAuditEvent {
                    actor_user_id: Some(user.id.clone()),
                    action: "password.reset.requested".into(),
                    object_type: Some("user".into()),
                    object_id: Some(user.id.clone()),
                    request_id: Some(meta.request_id.clone()),
                    source_ip: meta.source_ip.clone(),
                    details: Some(serde_json::json!({ "mail_id": mail.id })),
                    ..Default::default()
                };
                dar_db::audit::record(conn, event, now)?;
                Ok::<_, ApiError>(true)
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    if queued {
        state.mail.wake();
    }
    Ok(forgot_page(
        &state,
        lang,
        StatusCode::OK,
        &email,
        None,
        true,
    ))
}

fn reset_gone(lang: Language) -> HttpResponse {
    let title = t(lang, AccountText::ResetGoneTitle);
    html_response(
        StatusCode::GONE,
        pages::reset_gone(&frame(lang, title, "/password/forgot")),
    )
}

fn reset_page(
    state: &AppState,
    lang: Language,
    status: StatusCode,
    path: &str,
    email: &str,
    problem: Option<Problem>,
) -> HttpResponse {
    let (csrf, _) = tokens::opaque_token();
    let title = t(lang, AccountText::ResetTitle);
    let body = pages::reset_password(
        &frame(lang, title, path),
        &pages::ResetForm {
            action: path,
            csrf: &csrf,
            email,
            problem,
        },
    );
    form_page(state, status, body, csrf)
}

/// The e-mail of the account an open reset link is for.
async fn reset_account(
    state: &AppState,
    token: &str,
    lang: Language,
) -> Result<Option<String>, PageError> {
    let hash = tokens::token_hash(token);
    state
        .db(move |conn| {
            let Some(user) = dar_db::password_resets::open_user(conn, &hash, Utc::now())? else {
                return Ok(None);
            };
            let user = dar_db::users::get(conn, &user)?;
            Ok((!user.disabled).then_some(user.email))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))
}

#[get("/password/reset/{token}")]
async fn reset_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> PageResult {
    let lang = session::language(&req);
    let token = path.into_inner();
    let here = format!("/password/reset/{token}");
    Ok(match reset_account(&state, &token, lang).await? {
        Some(email) => reset_page(&state, lang, StatusCode::OK, &here, &email, None),
        None => reset_gone(lang),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetForm {
    csrf: String,
    /// Sent for password managers; the link itself says whose it is.
    #[serde(rename = "email")]
    _email: Option<String>,
    password: String,
    repeat: String,
}

/// Sets the new password through a reset link (once), ends every other session and refresh
/// token of the user, and signs them in here.
#[post("/password/reset/{token}")]
async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = session::language(&req);
    let token = path.into_inner();
    let here = format!("/password/reset/{token}");
    let form: ResetForm = read(&body, lang)?;
    let Some(email) = reset_account(&state, &token, lang).await? else {
        return Ok(reset_gone(lang));
    };
    let refuse = |status, problem| reset_page(&state, lang, status, &here, &email, Some(problem));
    if !form_token_ok(&req, &form.csrf) {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            ("password", t(lang, Text::FormExpired)),
        ));
    }
    if let Some(problem) = new_password_problem(lang, &form.password, &form.repeat) {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, problem));
    }
    let old = req
        .cookie(SESSION_COOKIE)
        .map(|c| tokens::token_hash(c.value()));
    let hash = tokens::token_hash(&token);
    let new_password = form.password;
    let done = state
        .db(move |conn| {
            // Argon2, outside the transaction.
            let new_hash = password::hash(&new_password)?;
            dar_db::write_transaction(conn, |conn| {
                let now = Utc::now();
                let user = match dar_db::password_resets::claim(conn, &hash, now) {
                    Ok(user) => user,
                    Err(dar_db::StoreError::NotFound) => return Ok(None),
                    Err(e) => return Err(e.into()),
                };
                // No session is kept: every way in ends, then this browser's new one starts.
                dar_db::users::change_password(conn, &user, &new_hash, "", now)?;
                let token = open_session(conn, old.as_deref(), &user, now)?;
                let event = NewAuditEvent {
                    actor_user_id: Some(user.to_string()),
                    action: "password.reset.completed".into(),
                    object_type: Some("user".into()),
                    object_id: Some(user.to_string()),
                    request_id: Some(meta.request_id.clone()),
                    source_ip: meta.source_ip.clone(),
                    ..Default::default()
                };
                dar_db::audit::record(conn, event, now)?;
                Ok::<_, ApiError>(Some(token))
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(match done {
        Some(token) => signed_in(&state, token),
        // Used by another request between the check above and this one.
        None => reset_gone(lang),
    })
}
