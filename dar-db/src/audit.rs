//! The audit log: append-only, one row per write, login, support session and helpdesk read.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::audit_events;
use crate::to_db_time;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub tenant_id: Option<String>,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub support_session_id: Option<String>,
    pub details: Option<String>,
}

/// An event to record; `id` and `at` are filled in on insert.
#[derive(Clone, Debug, Default)]
pub struct NewAuditEvent {
    pub tenant_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub support_session_id: Option<String>,
    pub details: Option<serde_json::Value>,
}

pub fn record(
    conn: &mut DbConnection,
    event: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(audit_events::table)
        .values(row(event, now))
        .execute(conn)?;
    Ok(())
}

/// Records several events with one statement.
pub fn record_many(
    conn: &mut DbConnection,
    events: Vec<NewAuditEvent>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows: Vec<AuditRow> = events.into_iter().map(|event| row(event, now)).collect();
    crate::insert_many!(conn, audit_events::table, &rows)?;
    Ok(())
}

fn row(event: NewAuditEvent, now: DateTime<Utc>) -> AuditRow {
    AuditRow {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: event.tenant_id,
        at: to_db_time(now),
        actor_user_id: event.actor_user_id,
        actor_role: event.actor_role,
        action: event.action,
        object_type: event.object_type,
        object_id: event.object_id,
        request_id: event.request_id,
        source_ip: event.source_ip,
        support_session_id: event.support_session_id,
        details: event.details.map(|d| d.to_string()),
    }
}

/// Filters for reading the log; `tenant_id: None` reads platform events.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub tenant_id: Option<String>,
    pub action: Option<String>,
    pub actor_user_id: Option<String>,
    pub before_id: Option<String>,
    pub limit: i64,
}

/// Newest first; ids are time-ordered, so `before_id` is the cursor.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .into_boxed();
    query = match &filter.tenant_id {
        Some(t) => query.filter(audit_events::tenant_id.eq(t.clone())),
        None => query.filter(audit_events::tenant_id.is_null()),
    };
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(actor) = &filter.actor_user_id {
        query = query.filter(audit_events::actor_user_id.eq(actor.clone()));
    }
    if let Some(before) = &filter.before_id {
        query = query.filter(audit_events::id.lt(before.clone()));
    }
    Ok(query
        .order(audit_events::id.desc())
        .limit(filter.limit)
        .load(conn)?)
}
