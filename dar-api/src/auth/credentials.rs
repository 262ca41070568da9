//! Checking an e-mail address and password, the same way for every kind of sign-in (the
//! API's token login and the web application's session).

use chrono::Utc;

use crate::auth::{password, throttle};
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use crate::state::AppState;
use dar_db::DbConnection;
use dar_db::audit::{self, NewAuditEvent};
use dar_db::users::{self, UserRow};

/// Checks `email` and `password`: the throttle first, then Argon2 against the stored hash
/// (or a dummy one, so that an unknown address takes as long as a known one). A failure is
/// counted by the throttle and audited, and answers 401 (or 429 while throttled). On
/// success returns the user and the `login` audit event, which the caller records in the
/// same transaction as what the sign-in writes (a refresh token, a session).
///
/// Runs on a blocking thread, outside any transaction: Argon2 is slow on purpose.
pub fn authenticate(
    conn: &mut DbConnection,
    state: &AppState,
    email: &str,
    password: &str,
    meta: &RequestMeta,
) -> ApiResult<(UserRow, NewAuditEvent)> {
    let account = users::normalise_email(email);
    let ip = meta.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    state
        .login_throttle
        .check(&account, ip, std::time::Instant::now())?;
    let user = users::find_by_email(conn, email)?;
    let stored = user
        .as_ref()
        .map_or(password::dummy_hash(), |u| u.password_hash.as_str());
    let matches = password::verify(password, stored);
    let event = |action: &str, user_id: Option<String>| NewAuditEvent {
        actor_user_id: user_id,
        action: action.into(),
        object_type: Some("user".into()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        ..Default::default()
    };
    match user {
        Some(user) if matches && !user.disabled => {
            state
                .login_throttle
                .succeeded(&account, ip, std::time::Instant::now());
            let login = event("login", Some(user.id.clone()));
            Ok((user, login))
        }
        other => {
            let user_id = other.map(|u| u.id);
            let started = state
                .login_throttle
                .failed(&account, ip, std::time::Instant::now());
            let mut events = vec![event("login.failed", user_id.clone())];
            events.extend(
                started
                    .iter()
                    .map(|s| throttle::started_event(s, user_id.clone(), meta)),
            );
            audit::record_many(conn, events, Utc::now())?;
            Err(ApiError::Unauthenticated("wrong email or password"))
        }
    }
}
