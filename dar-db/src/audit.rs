//! The audit log: append-only, one row per write, login, support session and helpdesk read.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::audit_events;
use crate::to_db_time;

/// The event of a request that posted ledger entries. It is kept on the request's closing
/// entry (`ledger::requests`), not in `audit_events`.
pub const LEDGER_POSTED: &str = "ledger.posted";

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
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};
    struct InsertEventsSql;
    let rows: Vec<AuditRow> = events.into_iter().map(|event| row(event, now)).collect();
    let DbConnection::Pg(pg) = conn else {
        crate::insert_many!(conn, audit_events::table, &rows)?;
        return Ok(());
    };
    // One prepared statement whatever the number of events (see `crate::prepared`).
    let opt = |f: fn(&AuditRow) -> Option<&str>| {
        rows.iter()
            .map(f)
            .collect::<Vec<_>>()
            .into_sql::<Array<Nullable<Text>>>()
    };
    crate::prepared::Fixed::<InsertEventsSql, _>::new(
        "INSERT INTO audit_events (id, tenant_id, at, actor_user_id, actor_role, action, \
         object_type, object_id, request_id, source_ip, support_session_id, details) \
         SELECT * FROM unnest(",
        (
            rows.iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .into_sql::<Array<Text>>(),
            opt(|r| r.tenant_id.as_deref()),
            rows.iter()
                .map(|r| r.at)
                .collect::<Vec<_>>()
                .into_sql::<Array<Timestamp>>(),
            opt(|r| r.actor_user_id.as_deref()),
            opt(|r| r.actor_role.as_deref()),
            rows.iter()
                .map(|r| r.action.as_str())
                .collect::<Vec<_>>()
                .into_sql::<Array<Text>>(),
            opt(|r| r.object_type.as_deref()),
            opt(|r| r.object_id.as_deref()),
            opt(|r| r.request_id.as_deref()),
            opt(|r| r.source_ip.as_deref()),
            opt(|r| r.support_session_id.as_deref()),
            opt(|r| r.details.as_deref()),
        ),
        ")",
    )
    .execute(pg)?;
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
    /// Only events recorded at or after this moment (to the millisecond).
    pub from: Option<DateTime<Utc>>,
    /// Only events recorded before this moment (to the millisecond).
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// The smallest UUIDv7 of the millisecond `at` (or of the epoch, for a moment before it).
/// Event ids are UUIDv7 made as the event is recorded, so every event recorded at or after
/// `at` has an id at least this one.
pub(crate) fn first_id_at(at: DateTime<Utc>) -> String {
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70;
    bytes[8] = 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// Platform events a cooperative's admins also see when they name one of its users: failed
/// and throttled sign-ins (someone trying their accounts).
pub const SIGN_IN_ALARMS: [&str; 2] = ["login.failed", "login.throttled"];

/// Newest first; ids are time-ordered, so `before_id` is the cursor. A cooperative's log
/// is its events in `audit_events`, those its ledger requests keep on their closing
/// entries, and the failed sign-ins of its users, merged.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
    let mut events = recorded(conn, filter, Scope::Own)?;
    if let Some(tenant) = &filter.tenant_id {
        events.extend(crate::ledger::request_audit_events(conn, tenant, filter)?);
        if filter
            .action
            .as_deref()
            .is_none_or(|a| SIGN_IN_ALARMS.contains(&a))
        {
            events.extend(recorded(conn, filter, Scope::SignInsOfUsers)?);
        }
        events.sort_by(|a, b| b.id.cmp(&a.id));
        events.truncate(usize::try_from(filter.limit).unwrap_or(0));
    }
    Ok(events)
}

/// Which of `audit_events` a read takes.
enum Scope {
    /// The filter's tenant's events, or the platform's when it names none.
    Own,
    /// Platform sign-in alarms naming a user with a grant on the filter's tenant.
    SignInsOfUsers,
}

/// The events recorded in `audit_events`.
fn recorded(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    scope: Scope,
) -> Result<Vec<AuditRow>, StoreError> {
    use crate::schema::grants;
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .into_boxed();
    query = match (&filter.tenant_id, scope) {
        (Some(t), Scope::Own) => query.filter(audit_events::tenant_id.eq(t.clone())),
        (None, _) => query.filter(audit_events::tenant_id.is_null()),
        (Some(t), Scope::SignInsOfUsers) => query
            .filter(audit_events::tenant_id.is_null())
            .filter(audit_events::action.eq_any(SIGN_IN_ALARMS))
            .filter(
                audit_events::actor_user_id.eq_any(
                    grants::table
                        .filter(grants::tenant_id.eq(t.clone()))
                        .select(grants::user_id.nullable()),
                ),
            ),
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
    // By the id's time, not `at`: the two are the same moment to the microsecond, and a
    // range of ids is one walk of the `(tenant_id, id)` index in the order the page shows,
    // where a range of `at` would have the database sort every event in it first.
    if let Some(from) = filter.from {
        query = query.filter(audit_events::id.ge(first_id_at(from)));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::id.lt(first_id_at(until)));
    }
    Ok(query
        .order(audit_events::id.desc())
        .limit(filter.limit)
        .load(conn)?)
}

/// Who may be chosen as the actor when searching a tenant's log: the users who keep or read
/// its register, and the helpdesk agents who opened a session on it; as (user id, e-mail),
/// by e-mail.
pub fn actors(conn: &mut DbConnection, tenant: &str) -> Result<Vec<(String, String)>, StoreError> {
    use crate::schema::{grants, support_sessions, users};
    let keepers: Vec<String> = grants::table
        .filter(grants::tenant_id.eq(tenant))
        .filter(grants::role.eq_any(["admin", "viewer"]))
        .select(grants::user_id)
        .load(conn)?;
    let helpdesk: Vec<String> = support_sessions::table
        .filter(support_sessions::tenant_id.eq(tenant))
        .select(support_sessions::helpdesk_user_id)
        .distinct()
        .load(conn)?;
    let mut ids: Vec<String> = keepers.into_iter().chain(helpdesk).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .order(users::email.asc())
        .select((users::id, users::email))
        .load(conn)?)
}

/// The e-mail addresses of the users `ids`, by id.
pub fn emails(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    use crate::schema::users;
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_id_of_a_moment_sorts_before_every_id_made_then_or_later() {
        let at: DateTime<Utc> = "2026-03-01T12:00:00.123Z".parse().unwrap();
        let floor = first_id_at(at);
        assert!(floor.starts_with("019"), "{floor}");
        let made = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
            uuid::NoContext,
            at.timestamp() as u64,
            at.timestamp_subsec_nanos(),
        ))
        .to_string();
        assert!(floor <= made, "{floor} {made}");
        let earlier = first_id_at(at - chrono::Duration::milliseconds(1));
        assert!(earlier < floor);
    }
}
