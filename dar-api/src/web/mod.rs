//! The web application's pages, served by the same binary as the API. Handlers here parse,
//! authorize through the same `auth::authorize` as the API, read through `dar-db`, and render
//! with `dar-web`. Errors become HTML pages (or a redirect to the sign-in page) in one
//! place, [`PageError`].

pub mod accounts;
pub mod audit_log;
pub mod billing;
pub mod billing_setup;
pub mod chain_checks;
pub mod class_totals;
pub mod classes;
pub mod entries;
pub mod exports;
pub mod holder;
pub mod holder_edit;
pub mod holders;
pub mod imports;
pub mod multipart;
pub mod people;
pub mod session;
pub mod settings;
pub mod support;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use chrono::Utc;
use serde::Deserialize;

use crate::auth::{Need, credentials, tokens};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::tenant_access;
use crate::state::AppState;
use dar_core::types::{Language, Role};
use dar_web::i18n::{Text, t};
use dar_web::layout::{Frame, Signed};
use dar_web::pages;
use session::{FORM_COOKIE, LANGUAGE_COOKIE, SESSION_COOKIE, WebUser};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Before the pages whose paths take an id, so `/shareholders/new` is not read as one.
    cfg.configure(holders::configure)
        .service(stylesheet)
        .service(start)
        .service(sign_in_form)
        .service(sign_in)
        .service(sign_out)
        .service(language)
        .service(dashboard)
        .service(shareholders)
        .service(shareholder)
        .service(register)
        .service(register_pdf)
        .service(certificate_pdf)
        .service(password_form)
        .service(change_password)
        .configure(entries::configure)
        .configure(classes::configure)
        .configure(holder::configure)
        .configure(holder_edit::configure)
        .configure(accounts::configure)
        .configure(people::configure)
        .configure(support::configure)
        .configure(settings::configure)
        .configure(audit_log::configure)
        .configure(exports::configure)
        .configure(imports::configure)
        .configure(billing::configure)
        .configure(billing_setup::configure);
}

/// Why a page could not be shown. Rendered as a page in the user's language; a request
/// without a session is sent to the sign-in page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("sign in first")]
    SignIn { lang: Language },
    /// Unknown, or not the user's to see: the same answer, so a page does not tell which.
    #[error("not found")]
    NotFound { lang: Language },
    /// A form without this session's CSRF token.
    #[error("the form's token is missing or wrong")]
    Forbidden { lang: Language },
    /// A form body no page of DAR sends: unknown or repeated fields, characters no field
    /// may hold.
    #[error("the form could not be read")]
    BadForm { lang: Language },
    #[error("the page could not be shown")]
    Failed { lang: Language, retry: bool },
    /// The helpdesk asked for a cooperative's page without an open support session.
    #[error("open a support session first")]
    SupportSession { lang: Language, slug: String },
}

impl PageError {
    /// The page a failure of the layers below becomes.
    pub fn from_api(e: ApiError, lang: Language) -> Self {
        match e {
            ApiError::Unauthenticated(_) => PageError::SignIn { lang },
            ApiError::NotFound | ApiError::Forbidden(_) => PageError::NotFound { lang },
            ApiError::Unavailable(_) | ApiError::OutcomeUnknown(_) => {
                PageError::Failed { lang, retry: true }
            }
            other => {
                tracing::error!(error = %crate::error::cause_chain(&anyhow::Error::new(other)), "page failed");
                PageError::Failed { lang, retry: false }
            }
        }
    }

    fn lang(&self) -> Language {
        match self {
            PageError::SignIn { lang }
            | PageError::NotFound { lang }
            | PageError::Forbidden { lang }
            | PageError::BadForm { lang }
            | PageError::Failed { lang, .. }
            | PageError::SupportSession { lang, .. } => *lang,
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn { .. } | PageError::SupportSession { .. } => StatusCode::SEE_OTHER,
            PageError::NotFound { .. } => StatusCode::NOT_FOUND,
            PageError::Forbidden { .. } => StatusCode::FORBIDDEN,
            PageError::BadForm { .. } => StatusCode::BAD_REQUEST,
            PageError::Failed { retry: true, .. } => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Failed { retry: false, .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::SignIn { .. } = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/sign-in"))
                .finish();
        }
        if let PageError::SupportSession { slug, .. } = self {
            return see_other(&format!("/c/{slug}/support/new?ended=1"));
        }
        let lang = self.lang();
        let frame = Frame {
            lang,
            title: t(lang, Text::ErrorTitle),
            signed: None,
            path: "/",
            banner: None,
        };
        let body = match self {
            PageError::NotFound { .. } => dar_web::layout::not_found(&frame),
            PageError::BadForm { .. } => dar_web::layout::bad_form(&frame),
            _ => dar_web::layout::error(&frame),
        };
        let mut response = html_response(self.status_code(), body);
        if matches!(self, PageError::Failed { retry: true, .. }) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        response
    }
}

pub(crate) type PageResult = Result<HttpResponse, PageError>;

/// The page for a path that leads nowhere, in the reader's language.
pub fn not_found_page(req: &HttpRequest) -> HttpResponse {
    PageError::NotFound {
        lang: session::language(req),
    }
    .error_response()
}

/// What every page answer carries: no caching of personal data, no framing, and a Content
/// Security Policy that allows only DAR's own stylesheet and script, and the script to
/// fetch only from DAR itself.
pub(crate) fn html_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .body(body)
}

pub(crate) fn ok(body: String) -> PageResult {
    Ok(html_response(StatusCode::OK, body))
}

pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

pub(crate) fn frame<'a>(user: &'a WebUser, title: &'a str, path: &'a str) -> Frame<'a> {
    Frame {
        lang: user.lang,
        title,
        signed: Some(Signed {
            email: &user.email,
            csrf: &user.csrf,
        }),
        path,
        banner: None,
    }
}

#[get("/assets/dar-1.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(dar_web::STYLESHEET)
}

/// The start page: the user's cooperatives (every cooperative, without personal data, for
/// the coordinator and the helpdesk); the sign-in page for everybody else.
#[get("/")]
async fn start(state: web::Data<AppState>, user: WebUser) -> PageResult {
    let lang = user.lang;
    let principal = user.principal.clone();
    let platform_role = [Role::Coordinator, Role::Helpdesk]
        .into_iter()
        .find(|r| principal.has_platform_role(*r));
    let (platform, cooperatives) = state
        .db(move |conn| {
            let mut platform = Vec::new();
            if platform_role.is_some() {
                for tenant in dar_db::tenants::list(conn, None, 1000)? {
                    platform.push(pages::PlatformLine {
                        status: dar_core::types::TenantStatus::parse(&tenant.status)
                            .unwrap_or(dar_core::types::TenantStatus::Active),
                        name: tenant.legal_name,
                        slug: tenant.slug,
                        enterprise_number: tenant.enterprise_number,
                        entries: tenant.ledger_head_seq,
                    });
                }
            }
            let mut links: Vec<pages::CooperativeLink> = Vec::new();
            for grant in &principal.grants {
                let Some(tenant_id) = grant.tenant_id else {
                    continue;
                };
                // Pages exist so far for the register's keepers and for shareholders.
                let href = match grant.role {
                    Role::Admin | Role::Viewer => "",
                    Role::Shareholder => "/me",
                    Role::Coordinator | Role::Helpdesk => continue,
                };
                let tenant = dar_db::tenants::get(conn, &tenant_id)?;
                if !links
                    .iter()
                    .any(|l| l.slug == tenant.slug && l.role == grant.role)
                {
                    links.push(pages::CooperativeLink {
                        href: format!("/c/{}{href}", tenant.slug),
                        name: tenant.legal_name,
                        slug: tenant.slug,
                        role: grant.role,
                    });
                }
            }
            Ok((platform, links))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    match platform_role {
        Some(role) if cooperatives.is_empty() => {
            let title = t(lang, Text::Cooperatives);
            ok(pages::platform_home(
                &frame(&user, title, "/"),
                role,
                &platform,
            ))
        }
        _ => {
            let title = t(lang, Text::MyCooperatives);
            ok(pages::home(&frame(&user, title, "/"), &cooperatives))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInForm {
    csrf: String,
    email: String,
    password: String,
}

fn sign_in_page(
    state: &AppState,
    lang: Language,
    status: StatusCode,
    email: &str,
    problem: Option<Text>,
) -> HttpResponse {
    let (csrf, _) = tokens::opaque_token();
    let frame = Frame {
        lang,
        title: t(lang, Text::SignIn),
        signed: None,
        path: "/sign-in",
        banner: None,
    };
    let body = pages::sign_in(
        &frame,
        &pages::SignIn {
            csrf: &csrf,
            email,
            problem,
        },
    );
    let mut response = html_response(status, body);
    let _ = response.add_cookie(&session::cookie(state, FORM_COOKIE, csrf));
    response
}

#[get("/sign-in")]
async fn sign_in_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    sign_in_page(&state, session::language(&req), StatusCode::OK, "", None)
}

/// Signs in: a new session (never one the browser brought along, so a planted session id
/// cannot be taken over), its cookie, and the `login` audit event in the same transaction.
#[post("/sign-in")]
async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let lang = session::language(&req);
    let form = std::str::from_utf8(&body)
        .ok()
        .and_then(|b| crate::request::parse_query::<SignInForm>(b).ok());
    let Some(form) = form else {
        return Ok(sign_in_page(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            "",
            Some(Text::WrongCredentials),
        ));
    };
    let expected = req.cookie(FORM_COOKIE).map(|c| c.value().to_string());
    if !expected.is_some_and(|e| session::constant_time_eq(e.as_bytes(), form.csrf.as_bytes())) {
        return Ok(sign_in_page(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            &form.email,
            Some(Text::FormExpired),
        ));
    }
    let old = req
        .cookie(SESSION_COOKIE)
        .map(|c| tokens::token_hash(c.value()));
    let st = state.clone();
    let email = form.email.clone();
    let started = state
        .db(move |conn| {
            let (user, login) =
                credentials::authenticate(conn, &st, &form.email, &form.password, &meta)?;
            let user_id = user.id.parse().map_err(ApiError::internal)?;
            dar_db::write_transaction(conn, |conn| {
                let now = Utc::now();
                let token = open_session(conn, old.as_deref(), &user_id, now)?;
                dar_db::audit::record(conn, login, now)?;
                Ok::<_, ApiError>(token)
            })
        })
        .await;
    match started {
        Ok(token) => Ok(signed_in(&state, token)),
        Err(ApiError::Unauthenticated(_)) => Ok(sign_in_page(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            &email,
            Some(Text::WrongCredentials),
        )),
        Err(ApiError::TooManyAttempts { retry_after }) => {
            let mut response = sign_in_page(
                &state,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &email,
                Some(Text::TooManyAttempts),
            );
            if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
        Err(e) => Err(PageError::from_api(e, lang)),
    }
}

/// Starts a new session for `user` on the caller's transaction, ending the one the browser
/// brought along (`old`, its token hash), so a planted session id cannot be taken over.
/// Returns the session's token, for [`signed_in`].
pub(crate) fn open_session(
    conn: &mut dar_db::DbConnection,
    old: Option<&str>,
    user: &dar_core::ids::UserId,
    now: chrono::DateTime<Utc>,
) -> Result<String, ApiError> {
    if let Some(old) = old {
        dar_db::web_sessions::end(conn, old)?;
    }
    // Expired sessions are forgotten as new ones start; nothing else keeps them.
    dar_db::web_sessions::sweep(conn, now)?;
    let (token, hash) = tokens::opaque_token();
    let csrf = tokens::opaque_token().0;
    dar_db::web_sessions::start(conn, user, &hash, &csrf, session::lifetimes(), now)?;
    Ok(token)
}

/// The answer once signed in: to the start page, with the session's cookie, and the form
/// cookie of the page before forgotten.
pub(crate) fn signed_in(state: &AppState, token: String) -> HttpResponse {
    let mut response = see_other("/");
    let _ = response.add_cookie(&session::cookie(state, SESSION_COOKIE, token));
    let _ = response.add_removal_cookie(&session::removal(state, FORM_COOKIE));
    response
}

/// Fields of a form that may hold several lines (a reason, a note); every other field is
/// one line.
const MULTI_LINE_FIELDS: &[&str] = &["reason", "notes", "exit_reason"];

/// Reads a submitted form: the session's CSRF token first (a form without it is refused
/// whole), then every field under the same text policy as the API, into `T`. `T` holds
/// the fields as text; the page checks each value and answers in the user's language. A
/// body no page of DAR sends (a field twice, an unknown field, characters no field may
/// hold) is refused with a page that says so, and changes nothing.
pub fn read_form<T: serde::de::DeserializeOwned>(
    user: &WebUser,
    body: &[u8],
) -> Result<T, PageError> {
    use dar_core::text::{self, Lines};
    let lang = user.lang;
    let mut csrf = None;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if k == "csrf" {
            csrf = Some(v.into_owned());
            continue;
        }
        let lines = if MULTI_LINE_FIELDS.contains(&k.as_ref()) {
            Lines::Multi
        } else {
            Lines::Single
        };
        let clean = text::clean(&v, lines).map_err(|_| PageError::BadForm { lang })?;
        if pairs.iter().any(|(seen, _)| *seen == k) {
            return Err(PageError::BadForm { lang });
        }
        pairs.push((k.into_owned(), clean));
    }
    if !csrf.is_some_and(|c| user.csrf_matches(&c)) {
        return Err(PageError::Forbidden { lang });
    }
    let encoded = serde_urlencoded::to_string(&pairs).map_err(|_| PageError::BadForm { lang })?;
    serde_urlencoded::from_str(&encoded).map_err(|_| PageError::BadForm { lang })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsrfForm {
    csrf: String,
}

/// Reads a form that carries only the CSRF token and checks it against the session.
pub(crate) fn checked_form(user: &WebUser, body: &[u8]) -> Result<(), PageError> {
    let form = std::str::from_utf8(body)
        .ok()
        .and_then(|b| crate::request::parse_query::<CsrfForm>(b).ok());
    match form {
        Some(f) if user.csrf_matches(&f.csrf) => Ok(()),
        _ => Err(PageError::Forbidden { lang: user.lang }),
    }
}

#[post("/sign-out")]
async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: WebUser,
    body: web::Bytes,
) -> PageResult {
    checked_form(&user, &body)?;
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let hash = tokens::token_hash(cookie.value());
        state
            .db(move |conn| Ok(dar_db::web_sessions::end(conn, &hash)?))
            .await
            .map_err(|e| PageError::from_api(e, user.lang))?;
    }
    let mut response = see_other("/sign-in");
    let _ = response.add_removal_cookie(&session::removal(&state, SESSION_COOKIE));
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Next {
    next: Option<String>,
}

/// Where a language switch may return to: a path of this site only, never another site.
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}

/// Chooses the language of the pages; kept in a cookie, so it holds before signing in too.
#[get("/language/{lang}")]
async fn language(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: crate::request::StrictQuery<Next>,
    req: HttpRequest,
) -> PageResult {
    let Some(lang) = Language::parse(&path.into_inner()) else {
        return Err(PageError::NotFound {
            lang: session::language(&req),
        });
    };
    let mut response = see_other(local_path(query.0.next.as_deref()));
    let mut cookie = session::cookie(&state, LANGUAGE_COOKIE, lang.as_str().to_string());
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    let _ = response.add_cookie(&cookie);
    Ok(response)
}

/// An administrator's or viewer's overview of one cooperative.
#[get("/c/{tenant}")]
async fn dashboard(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
) -> PageResult {
    let lang = user.lang;
    let key = path.into_inner();
    let here = format!("/c/{key}");
    let principal = user.principal.clone();
    let app = state.clone();
    let k = key.clone();
    let (view, banner) = state
        .db(move |conn| {
            let checks = &app.chain_checks;
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadRegister, &meta)?;
            let chrome = support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let classes = app
                .class_totals
                .at(conn, &tenant_id, today, tenant.ledger_head_seq)?
                .into_iter()
                .map(|c| pages::ClassLine {
                    code: c.code,
                    name: c.name,
                    shares: c.quantity,
                    subscribed_cents: c.capital_cents,
                    paid_cents: c.paid_cents,
                })
                .collect();
            let active_holders = dar_db::shareholders::count_active(conn, &tenant_id)?;
            let codes = dar_db::ledger::class_codes(conn, &tenant_id)?;
            let after = (tenant.ledger_head_seq - LATEST).max(0);
            let entries =
                dar_db::ledger::list(conn, &tenant_id, &Default::default(), after, LATEST)?;
            let mut latest = entry_lines(conn, &tenant_id, &tenant.slug, None, &codes, &entries)?;
            latest.reverse();

            let verified = checks.verifies(conn, &tenant_id)?;
            Ok((
                pages::Dashboard {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    classes,
                    active_holders,
                    latest,
                    verified,
                    may_write: access.role == Role::Admin,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| support::cooperative_error(e, &user, &key))?;
    let title = t(lang, Text::Dashboard);
    ok(pages::dashboard(
        &support::cooperative_frame(&user, title, &here, banner.as_ref()),
        &view,
    ))
}

/// Entries the dashboard shows.
const LATEST: i64 = 10;

/// Holders as the pages name them, "Janssens, Anna (12)", read in one query per page.
pub(crate) struct HolderNames(std::collections::HashMap<String, String>);

impl HolderNames {
    pub(crate) fn read(
        conn: &mut dar_db::DbConnection,
        tenant: &dar_core::ids::TenantId,
        ids: impl IntoIterator<Item = dar_core::ids::ShareholderId>,
    ) -> Result<Self, ApiError> {
        let mut ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = dar_db::certificates::holders_by_id(conn, tenant, &ids)?;
        Ok(HolderNames(
            rows.into_iter()
                .map(|r| {
                    let name = format!("{} ({})", r.display_name(), r.register_number);
                    (r.id, name)
                })
                .collect(),
        ))
    }

    pub(crate) fn of(&self, id: dar_core::ids::ShareholderId) -> String {
        self.0.get(&id.to_string()).cloned().unwrap_or_default()
    }
}

/// The entries as lines of a page, holders named, class codes shown; for a shareholder
/// reading their own (`withheld`), the other party of a transfer is not named.
pub(super) fn entry_lines(
    conn: &mut dar_db::DbConnection,
    tenant: &dar_core::ids::TenantId,
    slug: &str,
    withheld: Option<Withheld>,
    codes: &std::collections::HashMap<String, String>,
    entries: &[dar_core::chain::EntryRecord],
) -> Result<Vec<pages::EntryLine>, ApiError> {
    let shown = |id: dar_core::ids::ShareholderId| withheld.is_none_or(|w| w.own == id);
    let names = HolderNames::read(
        conn,
        tenant,
        entries
            .iter()
            .flat_map(|e| [e.movement.from, e.movement.to])
            .flatten()
            .filter(|id| shown(*id)),
    )?;
    let party = |id: Option<dar_core::ids::ShareholderId>| {
        id.map(|id| match withheld {
            Some(w) if !shown(id) => w.label.to_string(),
            _ => names.of(id),
        })
    };
    Ok(entries
        .iter()
        .map(|e| {
            let m = &e.movement;
            pages::EntryLine {
                seq: e.seq,
                effective_date: m.effective_date,
                kind: m.kind,
                class: codes
                    .get(&m.share_class_id.to_string())
                    .cloned()
                    .unwrap_or_default(),
                from: party(m.from),
                to: party(m.to),
                quantity: m.quantity,
                // A shareholder reading their own movements does not open the ledger.
                href: withheld
                    .is_none()
                    .then(|| format!("/c/{slug}/entries/{}", e.id)),
            }
        })
        .collect())
}

/// What a holder's page shows of the ledger: their holdings at `moment`, by class code, and
/// every movement of theirs.
pub(crate) fn holder_record(
    conn: &mut dar_db::DbConnection,
    tenant: &dar_core::ids::TenantId,
    slug: &str,
    holder: dar_core::ids::ShareholderId,
    moment: dar_db::ledger::Moment,
    withheld: Option<Withheld>,
) -> Result<(Vec<pages::HoldingLine>, Vec<pages::EntryLine>), ApiError> {
    let codes = dar_db::ledger::class_codes(conn, tenant)?;
    let mut holdings: Vec<pages::HoldingLine> =
        dar_db::ledger::holder_positions(conn, tenant, &holder, moment)?
            .into_iter()
            .map(|p| pages::HoldingLine {
                class: codes.get(&p.share_class_id).cloned().unwrap_or_default(),
                shares: p.quantity,
                subscribed_cents: p.capital_cents,
                paid_cents: p.paid_cents,
            })
            .collect();
    holdings.sort_by(|a, b| a.class.cmp(&b.class));
    let filter = dar_db::ledger::EntryFilter {
        shareholder: Some(holder),
        ..Default::default()
    };
    let entries = dar_db::ledger::list(conn, tenant, &filter, 0, HISTORY_MAX)?;
    let history = entry_lines(conn, tenant, slug, withheld, &codes, &entries)?;
    Ok((holdings, history))
}

/// Most movements a holder's page lists (a member has a handful; a founder a few dozen).
const HISTORY_MAX: i64 = 1000;

/// For a shareholder reading their own movements: the other party of a transfer is not
/// named (the README's privacy rule), and not even read.
#[derive(Clone, Copy)]
pub(crate) struct Withheld {
    pub(crate) own: dar_core::ids::ShareholderId,
    pub(crate) label: &'static str,
}

/// Rows a list page shows.
pub(crate) const PAGE_ROWS: i64 = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    after: Option<i64>,
}

/// The shareholders, searchable by name or register number, 50 at a time.
#[get("/c/{tenant}/shareholders")]
async fn shareholders(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: ListQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let q = query.q.clone().unwrap_or_default().trim().to_string();
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(dar_core::types::ShareholderStatus::parse);
    let after = query.after.unwrap_or(0).max(0);
    let k = key.clone();
    let (list, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadRegister, &meta)?;
            let chrome = support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let rows = match q.parse::<i64>() {
                // A number is a register number: that one holder.
                Ok(number) => {
                    let found =
                        dar_db::shareholders::ids_by_register_number(conn, &tenant_id, &[number])?;
                    match found.get(&number) {
                        Some(id) => vec![dar_db::shareholders::get(conn, &tenant_id, id)?],
                        None => vec![],
                    }
                }
                Err(_) => {
                    let filter = dar_db::shareholders::ShareholderFilter {
                        status: status.map(|s| s.as_str().to_string()),
                        name: Some(q.clone()).filter(|q| !q.is_empty()),
                    };
                    dar_db::shareholders::list(conn, &tenant_id, &filter, after, PAGE_ROWS)?
                }
            };
            let next = (rows.len() as i64 == PAGE_ROWS).then(|| {
                let last = rows.last().map_or(0, |r| r.register_number);
                let mut link = form_urlencoded::Serializer::new(String::new());
                if !q.is_empty() {
                    link.append_pair("q", &q);
                }
                if let Some(s) = status {
                    link.append_pair("status", s.as_str());
                }
                link.append_pair("after", &last.to_string());
                format!("/c/{}/shareholders?{}", tenant.slug, link.finish())
            });
            let lines = rows
                .iter()
                .map(|r| pages::HolderLine {
                    id: r.id.clone(),
                    register_number: r.register_number,
                    name: r.display_name(),
                    status: dar_core::types::ShareholderStatus::parse(&r.status)
                        .unwrap_or(dar_core::types::ShareholderStatus::Active),
                    municipality: r.city.clone(),
                })
                .collect();
            Ok((
                pages::HolderList {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    query: q,
                    status,
                    lines,
                    next,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| support::cooperative_error(e, &user, &key))?;
    let here = format!("/c/{}/shareholders", list.slug);
    ok(pages::shareholder_list(
        &support::cooperative_frame(&user, t(lang, Text::Holders), &here, banner.as_ref()),
        &list,
    ))
}

/// The "as of" date of a page's address, as its date field sends it (31/12/2025, as people
/// type it) or as links write it (2025-12-31). A date that cannot be read is kept as such,
/// so the page can say so next to the field instead of failing.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TypedDate {
    Read(chrono::NaiveDate),
    Unreadable,
}

impl<'de> Deserialize<'de> for TypedDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(dar_web::forms::parse_date(&raw).map_or(TypedDate::Unreadable, TypedDate::Read))
    }
}

/// The date asked for (today when none), and whether what was typed could not be read.
pub(crate) fn as_of_or_today(
    typed: Option<TypedDate>,
    today: chrono::NaiveDate,
) -> (chrono::NaiveDate, bool) {
    match typed {
        Some(TypedDate::Read(d)) => (d, false),
        Some(TypedDate::Unreadable) => (today, true),
        None => (today, false),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOfQuery {
    as_of: Option<TypedDate>,
    after: Option<String>,
    /// Set when the page follows adding the holder, to confirm it.
    added: Option<String>,
    /// Set when the page follows changing the holder's details, to confirm it.
    updated: Option<String>,
}

fn as_of_query(req: &HttpRequest, lang: Language) -> Result<AsOfQuery, PageError> {
    crate::request::parse_query(req.query_string()).map_err(|_| PageError::NotFound { lang })
}

/// One shareholder: identity, holdings on a date, every movement.
#[get("/c/{tenant}/shareholders/{id}")]
async fn shareholder(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query = as_of_query(&req, lang)?;
    let (key, id) = path.into_inner();
    let holder: dar_core::ids::ShareholderId =
        id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let k = key.clone();
    let csrf = user.csrf.clone();
    let (page, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadShareholder(holder), &meta)?;
            let chrome = support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let row = dar_db::shareholders::get(conn, &tenant_id, &holder)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let (as_of, as_of_refused) = as_of_or_today(query.as_of, today);
            let moment = dar_db::ledger::Moment {
                as_of,
                as_of_seq: tenant.ledger_head_seq,
            };
            let (holdings, history) =
                holder_record(conn, &tenant_id, &tenant.slug, holder, moment, None)?;
            let admin = if access.role == dar_core::types::Role::Admin {
                Some(holder_edit::admin_sections(
                    conn, &tenant_id, &holder, lang,
                )?)
            } else {
                None
            };
            let user_form = (lang, csrf.as_str());
            let certificates =
                holder::on_holder_page(conn, &tenant_id, &tenant.slug, holder, &access, user_form)?;
            let address = [
                row.street.clone(),
                match (&row.postal_code, &row.city) {
                    (Some(p), Some(c)) => Some(format!("{p} {c}")),
                    (p, c) => p.clone().or(c.clone()),
                },
                row.country.clone().filter(|c| c != "BE"),
            ]
            .into_iter()
            .flatten()
            .collect();
            Ok((
                pages::HolderPage {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    name: row.display_name(),
                    register_number: row.register_number,
                    legal: row.kind == "legal",
                    status: dar_core::types::ShareholderStatus::parse(&row.status)
                        .unwrap_or(dar_core::types::ShareholderStatus::Active),
                    admission_date: row.admission_date,
                    national_number: row
                        .national_number
                        .clone()
                        .filter(|_| access.sees_national_number(&holder)),
                    enterprise_number: row.enterprise_number.clone(),
                    address,
                    as_of,
                    holdings,
                    history,
                    may_write: access.role == dar_core::types::Role::Admin,
                    added: query.added.is_some(),
                    as_of_refused,
                    updated: query.updated.is_some(),
                    admin,
                    certificates: Some(certificates),
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| support::cooperative_error(e, &user, &key))?;
    let here = format!("/c/{}/shareholders/{}", page.slug, id);
    ok(pages::shareholder_page(
        &support::cooperative_frame(&user, &page.name, &here, banner.as_ref()),
        &page,
        &here,
    ))
}

/// The register as of a date, 50 holdings at a time.
#[get("/c/{tenant}/register")]
async fn register(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query = as_of_query(&req, lang)?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let after: Option<(i64, String)> = match query.after.as_deref() {
        None => None,
        Some(a) => Some(crate::routes::decode_cursor(a).map_err(|_| PageError::NotFound { lang })?),
    };
    let k = key.clone();
    let (page, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadRegister, &meta)?;
            let chrome = support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let (as_of, as_of_refused) = as_of_or_today(query.as_of, today);
            let moment = dar_db::ledger::Moment {
                as_of,
                as_of_seq: tenant.ledger_head_seq,
            };
            // Holder by holder: the cost follows the page, not the ledger (see `holdings_page`).
            let rows = dar_db::ledger::holdings_page(conn, &tenant_id, moment, after, PAGE_ROWS)?;
            let next = crate::routes::next_cursor(&rows, PAGE_ROWS, |r| {
                (r.register_number, r.share_class.clone())
            })
            .map(|cursor| {
                format!(
                    "/c/{}/register?as_of={}&after={cursor}",
                    tenant.slug,
                    as_of.format("%Y-%m-%d")
                )
            });
            let ids = rows
                .iter()
                .map(|r| r.shareholder_id.parse())
                .collect::<Result<Vec<dar_core::ids::ShareholderId>, _>>()
                .map_err(ApiError::internal)?;
            let names = HolderNames::read(conn, &tenant_id, ids.iter().copied())?;
            let lines = rows
                .into_iter()
                .zip(ids)
                .map(|(r, id)| pages::RegisterLine {
                    register_number: r.register_number,
                    name: names.of(id),
                    holder_id: r.shareholder_id,
                    holding: pages::HoldingLine {
                        class: r.share_class,
                        shares: r.quantity,
                        subscribed_cents: r.capital_cents,
                        paid_cents: r.paid_cents,
                    },
                })
                .collect();
            Ok((
                pages::RegisterPage {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    tools: chrome.tools,
                    as_of,
                    as_of_refused,
                    lines,
                    next,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| support::cooperative_error(e, &user, &key))?;
    let here = format!("/c/{}/register", page.slug);
    ok(pages::register_page(
        &support::cooperative_frame(&user, t(lang, Text::Register), &here, banner.as_ref()),
        &page,
    ))
}

/// The register extract as PDF, in the page's language, for printing.
#[get("/c/{tenant}/register.pdf")]
async fn register_pdf(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query = as_of_query(&req, lang)?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let (slug, as_of, pdf) = state
        .db(move |conn| {
            let (tenant, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let as_of = match query.as_of {
                Some(TypedDate::Read(d)) => d,
                Some(TypedDate::Unreadable) => return Err(ApiError::NotFound),
                None => today,
            };
            let extract = dar_db::extracts::register_extract(conn, &tenant_id, as_of, lang, today)?;
            let pdf = dar_documents::register_extract(&extract).map_err(ApiError::internal)?;
            Ok((tenant.slug, as_of, pdf))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(crate::routes::certificates::pdf_response(
        pdf,
        &format!("register-{slug}-{as_of}.pdf"),
        None,
    ))
}

/// A certificate's PDF, for the holder and the register's keepers.
#[get("/c/{tenant}/certificates/{id}.pdf")]
async fn certificate_pdf(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let id: dar_core::ids::CertificateId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let app = state.clone();
    let (row, bytes) = state
        .db(move |conn| {
            let row = crate::routes::certificates::readable_certificate(
                conn, &principal, &meta, &key, &id,
            )?;
            let bytes = crate::documents::certificate_pdf(conn, &app.images, &row)?;
            Ok((row, bytes))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let content: dar_core::documents::CertificateContent = row
        .content()
        .map_err(|e| PageError::from_api(e.into(), lang))?;
    Ok(crate::routes::certificates::pdf_response(
        bytes,
        &crate::documents::file_name(&content),
        Some(&row.pdf_sha256),
    ))
}

#[get("/account/password")]
async fn password_form(user: WebUser) -> PageResult {
    let lang = user.lang;
    let form = pages::PasswordForm {
        csrf: &user.csrf,
        problem: None,
        done: false,
    };
    let title = t(lang, Text::ChangePassword);
    ok(pages::change_password(
        &frame(&user, title, "/account/password"),
        &form,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// Changes the signed-in user's password: the current one is asked again, and every other
/// session and refresh token of the user ends with the change.
#[post("/account/password")]
async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: PasswordChange = std::str::from_utf8(&body)
        .ok()
        .and_then(|b| crate::request::parse_query(b).ok())
        .ok_or(PageError::Forbidden { lang })?;
    if !user.csrf_matches(&form.csrf) {
        return Err(PageError::Forbidden { lang });
    }
    let title = t(lang, Text::ChangePassword);
    let refuse = |field: &'static str, problem: Text| {
        let page = pages::change_password(
            &frame(&user, title, "/account/password"),
            &pages::PasswordForm {
                csrf: &user.csrf,
                problem: Some((field, problem)),
                done: false,
            },
        );
        Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, page))
    };
    if crate::auth::password::check_strength(&form.new).is_err() {
        return refuse("new", Text::PasswordTooShort);
    }
    if form.new != form.repeat {
        return refuse("repeat", Text::PasswordsDiffer);
    }
    let session = req
        .cookie(SESSION_COOKIE)
        .map(|c| tokens::token_hash(c.value()))
        .ok_or(PageError::SignIn { lang })?;
    let user_id = user.principal.user_id;
    // The current password is guessed no faster here than at the sign-in form.
    let account = dar_db::users::normalise_email(&user.email);
    let ip = meta.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    let now = std::time::Instant::now();
    if state.login_throttle.check(&account, ip, now).is_err() {
        return refuse("current", Text::TooManyAttempts);
    }
    // Argon2, twice, outside any transaction.
    let checked = state
        .db(move |conn| {
            let stored = dar_db::users::get(conn, &user_id)?.password_hash;
            if !crate::auth::password::verify(&form.current, &stored) {
                return Ok(None);
            }
            Ok(Some(crate::auth::password::hash(&form.new)?))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let Some(new_hash) = checked else {
        state.login_throttle.failed(&account, ip, now);
        return refuse("current", Text::WrongCurrentPassword);
    };
    state.login_throttle.succeeded(&account, ip, now);
    state
        .write(move |conn| {
            dar_db::users::change_password(conn, &user_id, &new_hash, &session, Utc::now())?;
            Ok(crate::state::Audited {
                value: (),
                event: dar_db::audit::NewAuditEvent {
                    actor_user_id: Some(user_id.to_string()),
                    action: "password.changed".into(),
                    object_type: Some("user".into()),
                    object_id: Some(user_id.to_string()),
                    request_id: Some(meta.request_id.clone()),
                    source_ip: meta.source_ip.clone(),
                    ..Default::default()
                },
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    ok(pages::change_password(
        &frame(&user, title, "/account/password"),
        &pages::PasswordForm {
            csrf: &user.csrf,
            problem: None,
            done: true,
        },
    ))
}
