//! Who is signed in to the web application: a session behind an HttpOnly cookie, with its
//! own CSRF token, idle and absolute expiry, and the language the pages speak.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;

use crate::auth::{Principal, tokens};
use crate::state::AppState;
use crate::web::PageError;
use dar_core::ids::UserId;
use dar_core::types::Language;
use dar_db::web_sessions::{self, Lifetimes};

pub const SESSION_COOKIE: &str = "dar_session";
pub const LANGUAGE_COOKIE: &str = "dar_lang";
/// The double-submit token of the sign-in form, which comes before any session.
pub const FORM_COOKIE: &str = "dar_form";

/// A session lasts 30 minutes unused, 12 hours at most.
pub fn lifetimes() -> Lifetimes {
    Lifetimes {
        idle: chrono::Duration::minutes(30),
        absolute: chrono::Duration::hours(12),
    }
}

/// The signed-in user of a page request.
pub struct WebUser {
    pub principal: Principal,
    pub email: String,
    pub csrf: String,
    pub lang: Language,
}

impl WebUser {
    /// Whether `token` (from a submitted form) is this session's CSRF token.
    pub fn csrf_matches(&self, token: &str) -> bool {
        constant_time_eq(self.csrf.as_bytes(), token.as_bytes())
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The language of a page: the user's choice (a cookie), else the browser's, else Dutch.
pub fn language(req: &HttpRequest) -> Language {
    req.cookie(LANGUAGE_COOKIE)
        .and_then(|c| Language::parse(c.value()))
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(dar_web::i18n::from_accept_language)
        })
        .unwrap_or(Language::Nl)
}

/// A cookie as every cookie of DAR is set: HttpOnly, SameSite=Lax (an e-mailed link still
/// arrives signed in; a cross-site form post does not), `Secure` behind HTTPS.
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.public_url.starts_with("https://"))
        .finish()
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(state, name, String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

impl FromRequest for WebUser {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let lang = language(req);
        let state = req
            .app_data::<web::Data<AppState>>()
            .expect("AppState is registered")
            .clone();
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        Box::pin(async move {
            let Some(token) = token.filter(|t| !t.is_empty()) else {
                return Err(PageError::SignIn { lang });
            };
            let hash = tokens::token_hash(&token);
            let found = state
                .db(move |conn| {
                    let Some((session, email)) =
                        web_sessions::touch(conn, &hash, lifetimes(), Utc::now())?
                    else {
                        return Ok(None);
                    };
                    let user_id: UserId = session
                        .user_id
                        .parse()
                        .map_err(crate::error::ApiError::internal)?;
                    let grants = dar_db::users::grants_of(conn, &user_id)?;
                    Ok(Some((session, user_id, email, grants)))
                })
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            let Some((session, user_id, email, grants)) = found else {
                return Err(PageError::SignIn { lang });
            };
            Ok(WebUser {
                principal: Principal { user_id, grants },
                email,
                csrf: session.csrf_token,
                lang,
            })
        })
    }
}
