//! Helpdesk support sessions: time-boxed, with a reason and a ticket, closable by either side.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::support_sessions;
use crate::to_db_time;
use dar_core::ids::{SupportSessionId, TenantId, UserId};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = support_sessions)]
pub struct SupportSessionRow {
    pub tenant_id: String,
    pub id: String,
    pub helpdesk_user_id: String,
    pub reason: String,
    pub ticket: String,
    pub can_write: bool,
    pub opened_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub fn open(
    conn: &mut DbConnection,
    tenant: &TenantId,
    helpdesk_user: &UserId,
    reason: &str,
    ticket: &str,
    can_write: bool,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<SupportSessionRow, StoreError> {
    let row = SupportSessionRow {
        tenant_id: tenant.to_string(),
        id: SupportSessionId::new().to_string(),
        helpdesk_user_id: helpdesk_user.to_string(),
        reason: reason.to_string(),
        ticket: ticket.to_string(),
        can_write,
        opened_at: to_db_time(now),
        expires_at: to_db_time(expires_at),
        closed_at: None,
        closed_by: None,
    };
    diesel::insert_into(support_sessions::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// The helpdesk user's session on the tenant that is open at `now`, if any.
pub fn active(
    conn: &mut DbConnection,
    tenant: &TenantId,
    helpdesk_user: &UserId,
    now: DateTime<Utc>,
) -> Result<Option<SupportSessionRow>, StoreError> {
    Ok(support_sessions::table
        .filter(support_sessions::tenant_id.eq(tenant.to_string()))
        .filter(support_sessions::helpdesk_user_id.eq(helpdesk_user.to_string()))
        .filter(support_sessions::closed_at.is_null())
        .filter(support_sessions::expires_at.gt(to_db_time(now)))
        .order(support_sessions::opened_at.desc())
        .select(SupportSessionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &SupportSessionId,
) -> Result<SupportSessionRow, StoreError> {
    Ok(support_sessions::table
        .find((tenant.to_string(), id.to_string()))
        .select(SupportSessionRow::as_select())
        .first(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    tenant: &TenantId,
    limit: i64,
) -> Result<Vec<SupportSessionRow>, StoreError> {
    Ok(support_sessions::table
        .filter(support_sessions::tenant_id.eq(tenant.to_string()))
        .order(support_sessions::opened_at.desc())
        .limit(limit)
        .select(SupportSessionRow::as_select())
        .load(conn)?)
}

pub fn close(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &SupportSessionId,
    by: &UserId,
    now: DateTime<Utc>,
) -> Result<SupportSessionRow, StoreError> {
    diesel::update(
        support_sessions::table
            .find((tenant.to_string(), id.to_string()))
            .filter(support_sessions::closed_at.is_null()),
    )
    .set((
        support_sessions::closed_at.eq(to_db_time(now)),
        support_sessions::closed_by.eq(by.to_string()),
    ))
    .execute(conn)?;
    get(conn, tenant, id)
}
