//! Sessions of the web application: who is signed in behind a cookie, until when.
//!
//! Only the SHA-256 of the cookie's token is stored. A session ends at the first of its
//! idle expiry (moved forward on use) and its absolute expiry (fixed at sign-in).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{users, web_sessions};
use crate::to_db_time;
use dar_core::ids::UserId;

#[derive(Queryable, Selectable, Insertable, Clone, PartialEq, Eq)]
#[diesel(table_name = web_sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// How long a session lives: unused, and at most.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub idle: Duration,
    pub absolute: Duration,
}

/// Starts a session for `user`.
pub fn start(
    conn: &mut DbConnection,
    user: &UserId,
    token_hash: &str,
    csrf_token: &str,
    lifetimes: Lifetimes,
    now: DateTime<Utc>,
) -> Result<SessionRow, StoreError> {
    let row = SessionRow {
        token_hash: token_hash.to_string(),
        user_id: user.to_string(),
        csrf_token: csrf_token.to_string(),
        created_at: to_db_time(now),
        last_seen_at: to_db_time(now),
        expires_at: to_db_time(now + lifetimes.idle.min(lifetimes.absolute)),
    };
    diesel::insert_into(web_sessions::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// The live session behind `token_hash` and its user's e-mail address, the idle expiry
/// moved forward (never past the absolute one); `None` when there is none, it expired, or
/// its user is disabled.
pub fn touch(
    conn: &mut DbConnection,
    token_hash: &str,
    lifetimes: Lifetimes,
    now: DateTime<Utc>,
) -> Result<Option<(SessionRow, String)>, StoreError> {
    let found: Option<(SessionRow, bool, String)> = web_sessions::table
        .inner_join(users::table.on(users::id.eq(web_sessions::user_id)))
        .filter(web_sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), users::disabled, users::email))
        .first(conn)
        .optional()?;
    let Some((mut row, disabled, email)) = found else {
        return Ok(None);
    };
    let at = to_db_time(now);
    if disabled || row.expires_at <= at {
        return Ok(None);
    }
    // Moving the expiry costs a write; a minute of slack keeps reads of a busy page cheap.
    if at - row.last_seen_at >= Duration::minutes(1) {
        let absolute_end = row.created_at + lifetimes.absolute;
        let expires_at = (at + lifetimes.idle).min(absolute_end);
        diesel::update(web_sessions::table.find(token_hash))
            .set((
                web_sessions::last_seen_at.eq(at),
                web_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        row.last_seen_at = at;
        row.expires_at = expires_at;
    }
    Ok(Some((row, email)))
}

/// Ends the session behind `token_hash` (signing out).
pub fn end(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    diesel::delete(web_sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Forgets sessions that expired before `now`.
pub fn sweep(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(to_db_time(now))))
            .execute(conn)?,
    )
}
