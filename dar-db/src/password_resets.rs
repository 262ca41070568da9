//! One-time links to choose a new password. Only the token's SHA-256 is stored; a link
//! expires, and works once.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::password_resets;
use crate::to_db_time;
use dar_core::ids::UserId;

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = password_resets)]
pub struct PasswordResetRow {
    pub token_hash: String,
    pub user_id: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

crate::redact::debug_masked!(PasswordResetRow {
    shown: [user_id, expires_at, used_at, created_at],
    masked: [token_hash],
});

/// Stores a new reset link for `user`.
pub fn create(
    conn: &mut DbConnection,
    user: &UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(password_resets::table)
        .values(PasswordResetRow {
            token_hash: token_hash.to_string(),
            user_id: user.to_string(),
            expires_at: to_db_time(expires_at),
            used_at: None,
            created_at: to_db_time(now),
        })
        .execute(conn)?;
    Ok(())
}

/// Whether a link is open (unused, unexpired), and for whom; claims nothing.
pub fn open_user(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let row: Option<PasswordResetRow> = password_resets::table
        .find(token_hash)
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(to_db_time(now)))
        .select(PasswordResetRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| crate::parse_id(&r.user_id)).transpose()
}

/// Uses an open link: one conditional UPDATE, so of two uses at once only one wins. The
/// user's other open links are spent with it: one new password ends them all.
pub fn claim(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let now_db = to_db_time(now);
    let user = open_user(conn, token_hash, now)?.ok_or(StoreError::NotFound)?;
    let won = diesel::update(
        password_resets::table
            .find(token_hash)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now_db)))
    .execute(conn)?;
    if won == 0 {
        return Err(StoreError::NotFound);
    }
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user.to_string()))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now_db)))
    .execute(conn)?;
    Ok(user)
}
