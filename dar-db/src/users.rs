//! Users, their grants, refresh tokens and invitations.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{grants, invitations, platform_invitations, refresh_tokens, users};
use crate::to_db_time;
use dar_core::ids::{InvitationId, ShareholderId, TenantId, UserId};
use dar_core::types::Role;

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

crate::redact::debug_masked!(UserRow {
    shown: [id, disabled, created_at],
    masked: [email, password_hash, display_name],
});

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = grants)]
pub struct GrantRow {
    pub id: String,
    pub user_id: String,
    pub role: String,
    pub tenant_id: Option<String>,
    pub shareholder_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A grant as the authorization code sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub tenant_id: Option<TenantId>,
    pub shareholder_id: Option<ShareholderId>,
}

impl GrantRow {
    pub fn to_grant(&self) -> Result<Grant, StoreError> {
        Ok(Grant {
            role: Role::parse(&self.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", self.role)))?,
            tenant_id: self.tenant_id.as_deref().map(crate::parse_id).transpose()?,
            shareholder_id: self
                .shareholder_id
                .as_deref()
                .map(crate::parse_id)
                .transpose()?,
        })
    }
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn create(
    conn: &mut DbConnection,
    email: &str,
    password_hash: &str,
    display_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UserRow, StoreError> {
    let row = UserRow {
        id: UserId::new().to_string(),
        email: normalise_email(email),
        password_hash: password_hash.to_string(),
        display_name: display_name.map(str::to_string),
        disabled: false,
        created_at: to_db_time(now),
    };
    if find_by_email(conn, &row.email)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "a user with email {} exists",
            row.email
        )));
    }
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::email.eq(normalise_email(email)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConnection, id: &UserId) -> Result<UserRow, StoreError> {
    Ok(users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)?)
}

pub fn grants_of(conn: &mut DbConnection, user: &UserId) -> Result<Vec<Grant>, StoreError> {
    let rows: Vec<GrantRow> = grants::table
        .filter(grants::user_id.eq(user.to_string()))
        .select(GrantRow::as_select())
        .order(grants::created_at.asc())
        .load(conn)?;
    rows.iter().map(GrantRow::to_grant).collect()
}

/// Adds a grant unless the user already has exactly that one.
pub fn add_grant(
    conn: &mut DbConnection,
    user: &UserId,
    grant: &Grant,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if grants_of(conn, user)?.contains(grant) {
        return Ok(());
    }
    diesel::insert_into(grants::table)
        .values(GrantRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.to_string(),
            role: grant.role.as_str().to_string(),
            tenant_id: grant.tenant_id.map(|t| t.to_string()),
            shareholder_id: grant.shareholder_id.map(|s| s.to_string()),
            created_at: to_db_time(now),
        })
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

crate::redact::debug_masked!(RefreshTokenRow {
    shown: [id, user_id, family_id, expires_at, used_at, created_at],
    masked: [token_hash],
});

pub fn store_refresh_token(
    conn: &mut DbConnection,
    user: &UserId,
    family_id: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values(RefreshTokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.to_string(),
            family_id: family_id.to_string(),
            token_hash: token_hash.to_string(),
            expires_at: to_db_time(expires_at),
            used_at: None,
            created_at: to_db_time(now),
        })
        .execute(conn)?;
    Ok(())
}

/// Marks a refresh token as used and returns it. A token presented twice means it leaked:
/// the whole family is spent, so the thief and the owner both have to log in again.
pub fn use_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<RefreshTokenRow, StoreError> {
    // No transaction: the conditional UPDATE claims the token atomically, and the
    // revocation of a reused token's family must stay even though the call fails.
    let row: RefreshTokenRow = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let now_db = to_db_time(now);
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(&row.id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now_db))
    .execute(conn)?;
    if claimed == 0 {
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::family_id.eq(&row.family_id))
                .filter(refresh_tokens::used_at.is_null()),
        )
        .set(refresh_tokens::used_at.eq(now_db))
        .execute(conn)?;
        return Err(StoreError::Conflict("refresh token reused".into()));
    }
    if row.expires_at <= now_db {
        return Err(StoreError::NotFound);
    }
    Ok(row)
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub tenant_id: String,
    pub id: String,
    pub email: String,
    pub role: String,
    pub shareholder_id: Option<String>,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

crate::redact::debug_masked!(InvitationRow {
    shown: [
        tenant_id,
        id,
        role,
        shareholder_id,
        expires_at,
        accepted_at,
        created_by,
        created_at
    ],
    masked: [email, token_hash],
});

#[allow(clippy::too_many_arguments)]
pub fn create_invitation(
    conn: &mut DbConnection,
    tenant: &TenantId,
    email: &str,
    role: Role,
    shareholder: Option<ShareholderId>,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    created_by: &UserId,
    now: DateTime<Utc>,
) -> Result<InvitationRow, StoreError> {
    let row = InvitationRow {
        tenant_id: tenant.to_string(),
        id: InvitationId::new().to_string(),
        email: normalise_email(email),
        role: role.as_str().to_string(),
        shareholder_id: shareholder.map(|s| s.to_string()),
        token_hash: token_hash.to_string(),
        expires_at: to_db_time(expires_at),
        accepted_at: None,
        created_by: created_by.to_string(),
        created_at: to_db_time(now),
    };
    diesel::insert_into(invitations::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// The email a (tenant or platform) invitation with this token hash is for, without
/// claiming it: what accepting must prepare (check or hash a password) before its
/// transaction. Whether it is still open is the claim's to say.
pub fn invitation_email(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<String>, StoreError> {
    let tenant: Option<String> = invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(invitations::email)
        .first(conn)
        .optional()?;
    if tenant.is_some() {
        return Ok(tenant);
    }
    Ok(platform_invitations::table
        .filter(platform_invitations::token_hash.eq(token_hash))
        .select(platform_invitations::email)
        .first(conn)
        .optional()?)
}

/// Claims an open invitation by its token hash; it can be accepted once.
pub fn claim_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<InvitationRow, StoreError> {
    let now_db = to_db_time(now);
    let row: InvitationRow = invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if row.expires_at <= now_db {
        return Err(StoreError::NotFound);
    }
    let claimed = diesel::update(
        invitations::table
            .filter(invitations::tenant_id.eq(&row.tenant_id))
            .filter(invitations::id.eq(&row.id))
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(now_db))
    .execute(conn)?;
    if claimed == 0 {
        return Err(StoreError::Conflict(
            "this invitation was already accepted".into(),
        ));
    }
    Ok(row)
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = platform_invitations)]
pub struct PlatformInvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

crate::redact::debug_masked!(PlatformInvitationRow {
    shown: [id, role, expires_at, accepted_at, created_by, created_at],
    masked: [email, token_hash],
});

/// Invites someone to a platform role (coordinator or helpdesk).
pub fn create_platform_invitation(
    conn: &mut DbConnection,
    email: &str,
    role: Role,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    created_by: &UserId,
    now: DateTime<Utc>,
) -> Result<PlatformInvitationRow, StoreError> {
    let row = PlatformInvitationRow {
        id: uuid::Uuid::now_v7().to_string(),
        email: normalise_email(email),
        role: role.as_str().to_string(),
        token_hash: token_hash.to_string(),
        expires_at: to_db_time(expires_at),
        accepted_at: None,
        created_by: created_by.to_string(),
        created_at: to_db_time(now),
    };
    diesel::insert_into(platform_invitations::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Claims an open platform invitation by its token hash; it can be accepted once.
pub fn claim_platform_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<PlatformInvitationRow, StoreError> {
    let now_db = to_db_time(now);
    let row: PlatformInvitationRow = platform_invitations::table
        .filter(platform_invitations::token_hash.eq(token_hash))
        .select(PlatformInvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if row.expires_at <= now_db {
        return Err(StoreError::NotFound);
    }
    let claimed = diesel::update(
        platform_invitations::table
            .filter(platform_invitations::id.eq(&row.id))
            .filter(platform_invitations::accepted_at.is_null()),
    )
    .set(platform_invitations::accepted_at.eq(now_db))
    .execute(conn)?;
    if claimed == 0 {
        return Err(StoreError::Conflict(
            "this invitation was already accepted".into(),
        ));
    }
    Ok(row)
}

/// Sets a new password hash and ends every other way in: the user's other web sessions
/// (all but `keep_session`) and their unused refresh tokens, which are spent so that a
/// thief holding one is signed out too.
pub fn change_password(
    conn: &mut DbConnection,
    user: &UserId,
    password_hash: &str,
    keep_session: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::schema::web_sessions;
    diesel::update(users::table.find(user.to_string()))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    diesel::delete(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user.to_string()))
            .filter(web_sessions::token_hash.ne(keep_session)),
    )
    .execute(conn)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user.to_string()))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(())
}

/// An invitation (to a cooperative or to a platform role) as the page that accepts it shows
/// it, found by its token hash without claiming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationLookup {
    pub email: String,
    pub role: String,
    /// `None` for a platform invitation.
    pub tenant_id: Option<String>,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
}

impl InvitationLookup {
    /// Whether it can still be accepted at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.accepted_at.is_none() && self.expires_at > to_db_time(now)
    }
}

pub fn find_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<InvitationLookup>, StoreError> {
    let tenant: Option<InvitationRow> = invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(row) = tenant {
        return Ok(Some(InvitationLookup {
            email: row.email,
            role: row.role,
            tenant_id: Some(row.tenant_id),
            expires_at: row.expires_at,
            accepted_at: row.accepted_at,
        }));
    }
    let platform: Option<PlatformInvitationRow> = platform_invitations::table
        .filter(platform_invitations::token_hash.eq(token_hash))
        .select(PlatformInvitationRow::as_select())
        .first(conn)
        .optional()?;
    Ok(platform.map(|row| InvitationLookup {
        email: row.email,
        role: row.role,
        tenant_id: None,
        expires_at: row.expires_at,
        accepted_at: row.accepted_at,
    }))
}

/// Someone with access: their e-mail and one grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub grant_id: String,
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub shareholder_id: Option<String>,
    pub since: NaiveDateTime,
}

fn members(conn: &mut DbConnection, tenant: Option<&TenantId>) -> Result<Vec<Member>, StoreError> {
    let query = grants::table
        .inner_join(users::table.on(users::id.eq(grants::user_id)))
        .select((
            grants::id,
            grants::user_id,
            users::email,
            grants::role,
            grants::shareholder_id,
            grants::created_at,
        ))
        .order((grants::role.asc(), users::email.asc()))
        .into_boxed();
    let query = match tenant {
        Some(t) => query.filter(grants::tenant_id.eq(t.to_string())),
        None => query.filter(grants::tenant_id.is_null()),
    };
    let rows: Vec<(
        String,
        String,
        String,
        String,
        Option<String>,
        NaiveDateTime,
    )> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(grant_id, user_id, email, role, shareholder_id, since)| Member {
                grant_id,
                user_id,
                email,
                role,
                shareholder_id,
                since,
            },
        )
        .collect())
}

/// Everyone with access to a cooperative, by role then e-mail.
pub fn tenant_members(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<Vec<Member>, StoreError> {
    members(conn, Some(tenant))
}

/// The coordinators and the helpdesk.
pub fn platform_members(conn: &mut DbConnection) -> Result<Vec<Member>, StoreError> {
    members(conn, None)
}

/// A cooperative's invitations not yet accepted, newest first (expired ones included, so
/// an administrator sees that a mail went unanswered).
pub fn open_tenant_invitations(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<Vec<InvitationRow>, StoreError> {
    Ok(invitations::table
        .filter(invitations::tenant_id.eq(tenant.to_string()))
        .filter(invitations::accepted_at.is_null())
        .order(invitations::created_at.desc())
        .limit(200)
        .select(InvitationRow::as_select())
        .load(conn)?)
}

/// Platform invitations not yet accepted, newest first.
pub fn open_platform_invitations(
    conn: &mut DbConnection,
) -> Result<Vec<PlatformInvitationRow>, StoreError> {
    Ok(platform_invitations::table
        .filter(platform_invitations::accepted_at.is_null())
        .order(platform_invitations::created_at.desc())
        .limit(200)
        .select(PlatformInvitationRow::as_select())
        .load(conn)?)
}

/// Removes one grant of a cooperative; `NotFound` when the cooperative has no such grant.
/// The account stays (it may have other grants); its sessions keep no rights, since every
/// request reads the grants afresh.
pub fn revoke_tenant_grant(
    conn: &mut DbConnection,
    tenant: &TenantId,
    grant_id: &str,
) -> Result<GrantRow, StoreError> {
    let row: GrantRow = grants::table
        .filter(grants::id.eq(grant_id))
        .filter(grants::tenant_id.eq(tenant.to_string()))
        .select(GrantRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    diesel::delete(grants::table.filter(grants::id.eq(grant_id))).execute(conn)?;
    Ok(row)
}

/// The portal accounts (enabled) that see one of `holders` of `tenant`, as (shareholder
/// id, e-mail): whom a new certificate of theirs is announced to.
pub fn holder_accounts(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holders: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let granted: Vec<(Option<String>, String)> = grants::table
        .filter(grants::tenant_id.eq(tenant.to_string()))
        .filter(grants::role.eq(Role::Shareholder.as_str()))
        .filter(grants::shareholder_id.eq_any(holders))
        .select((grants::shareholder_id, grants::user_id))
        .load(conn)?;
    let user_ids: Vec<&String> = granted.iter().map(|(_, u)| u).collect();
    let emails: std::collections::HashMap<String, String> = users::table
        .filter(users::id.eq_any(user_ids))
        .filter(users::disabled.eq(false))
        .select((users::id, users::email))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<(String, String)> = granted
        .into_iter()
        .filter_map(|(holder, user)| Some((holder?, emails.get(&user)?.clone())))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}
