//! What a request leaves on its closing entry (the last entry it posted): its
//! Idempotency-Key record and its audit event. A request's entries are consecutive, so the
//! closing entry's `seq` and `request_entries` name them all.
//!
//! Keys and events recorded before the closing entry carried them (migration
//! `2026-12-06-000001`) are still in `idempotency_keys` and `audit_events`, and are read
//! from there as well.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Appended, EntryRow};
use crate::audit::{AuditFilter, AuditRow};
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::parse_id;
use crate::schema::{idempotency_keys, ledger_entries};
use dar_core::ids::TenantId;

/// The audit event's facts a closing entry keeps as JSON; the actor, the time and the
/// request id are the entry's own columns.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct RequestAudit {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actor_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub support_session_id: Option<String>,
    pub details: serde_json::Value,
}

/// The (tenant, key) pairs of `keyed` that a request used before.
pub(super) fn seen_keys(
    conn: &mut DbConnection,
    keyed: &[(String, &str)],
) -> Result<HashSet<(TenantId, String)>, StoreError> {
    use diesel::sql_types::{Array, Text};
    #[derive(QueryableByName)]
    struct KeyRow {
        #[diesel(sql_type = Text)]
        tenant_id: String,
        #[diesel(sql_type = Text)]
        key: String,
    }
    struct SeenKeysSql;
    if keyed.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<(String, String)> = match conn {
        DbConnection::Pg(pg) => {
            // One probe of each unique index per key: the LATERAL subquery with LIMIT runs
            // once per key. (`EXISTS … OR EXISTS` was planned as a hashed subplan that read
            // every keyed request of the table, a cost that grew with the ledger.)
            crate::prepared::Fixed::<SeenKeysSql, _>::new(
                "SELECT k.tenant_id, k.key FROM unnest(",
                (
                    keyed
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect::<Vec<_>>()
                        .into_sql::<Array<Text>>(),
                    keyed
                        .iter()
                        .map(|(_, k)| *k)
                        .collect::<Vec<_>>()
                        .into_sql::<Array<Text>>(),
                ),
                ") AS k (tenant_id, key) CROSS JOIN LATERAL (\
                 SELECT 1 FROM ledger_entries e WHERE e.tenant_id = k.tenant_id \
                 AND e.idempotency_key = k.key AND e.request_hash IS NOT NULL \
                 UNION ALL SELECT 1 FROM idempotency_keys i \
                 WHERE i.tenant_id = k.tenant_id AND i.key = k.key LIMIT 1) AS seen",
            )
            .load::<KeyRow>(pg)?
            .into_iter()
            .map(|r| (r.tenant_id, r.key))
            .collect()
        }
        DbConnection::Sqlite(_) => {
            let mut tenants: Vec<&str> = keyed.iter().map(|(t, _)| t.as_str()).collect();
            tenants.sort_unstable();
            tenants.dedup();
            let keys: Vec<&str> = keyed.iter().map(|(_, k)| *k).collect();
            let mut rows: Vec<(String, String)> = ledger_entries::table
                .filter(ledger_entries::tenant_id.eq_any(&tenants))
                .filter(ledger_entries::idempotency_key.eq_any(&keys))
                .filter(ledger_entries::request_hash.is_not_null())
                .select((
                    ledger_entries::tenant_id,
                    ledger_entries::idempotency_key.assume_not_null(),
                ))
                .load(conn)?;
            rows.extend(
                idempotency_keys::table
                    .filter(idempotency_keys::tenant_id.eq_any(&tenants))
                    .filter(idempotency_keys::key.eq_any(&keys))
                    .select((idempotency_keys::tenant_id, idempotency_keys::key))
                    .load::<(String, String)>(conn)?,
            );
            rows
        }
    };
    rows.into_iter()
        .map(|(tenant, key)| Ok((parse_id(&tenant)?, key)))
        .collect()
}

/// The answer a request with Idempotency-Key `key` got, if the key was used: the entries it
/// posted, or a mismatch when the key came with another body.
pub(crate) fn replay(
    conn: &mut DbConnection,
    tenant: &TenantId,
    key: &str,
    request_hash: &str,
) -> Result<Option<Appended>, StoreError> {
    let closing: Option<(i64, Option<i32>, Option<String>)> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::idempotency_key.eq(key))
        .filter(ledger_entries::request_hash.is_not_null())
        .select((
            ledger_entries::seq,
            ledger_entries::request_entries,
            ledger_entries::request_hash,
        ))
        .first(conn)
        .optional()?;
    let (hash, seqs) = match closing {
        Some((seq, Some(entries), Some(hash))) => (
            hash,
            (seq - i64::from(entries) + 1..=seq).collect::<Vec<_>>(),
        ),
        Some(_) => return Err(StoreError::Corrupt("a request's closing entry".into())),
        None => {
            let Some((hash, body)) = idempotency_keys::table
                .find((tenant.to_string(), key))
                .select((
                    idempotency_keys::request_hash,
                    idempotency_keys::response_body,
                ))
                .first::<(String, String)>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let seqs: Vec<i64> = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("idempotency record: {e}")))?;
            (hash, seqs)
        }
    };
    if hash != request_hash {
        return Err(StoreError::IdempotencyMismatch);
    }
    let rows: Vec<EntryRow> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::seq.eq_any(&seqs))
        .order(ledger_entries::seq.asc())
        .select(EntryRow::as_select())
        .load(conn)?;
    let records = rows
        .iter()
        .map(EntryRow::to_record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Appended::Replayed(records)))
}

/// A cooperative's audit events that closing entries keep, newest first, as `filter` asks
/// (`filter.tenant_id` is set; a platform log has none).
pub(crate) fn audit_events(
    conn: &mut DbConnection,
    tenant: &str,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, StoreError> {
    use crate::audit::first_id_at;
    // Requests are audited as `ledger.posted`, whatever else the log is searched for.
    if filter
        .action
        .as_ref()
        .is_some_and(|a| a != crate::audit::LEDGER_POSTED)
    {
        return Ok(Vec::new());
    }
    let mut query = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::audit.is_not_null())
        .select((
            ledger_entries::id,
            ledger_entries::recorded_at,
            ledger_entries::actor,
            ledger_entries::request_id,
            ledger_entries::audit.assume_not_null(),
        ))
        .into_boxed();
    if let Some(actor) = &filter.actor_user_id {
        query = query.filter(ledger_entries::actor.eq(actor.clone()));
    }
    if let Some(before) = &filter.before_id {
        query = query.filter(ledger_entries::id.lt(before.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(ledger_entries::id.ge(first_id_at(from)));
    }
    if let Some(until) = filter.until {
        query = query.filter(ledger_entries::id.lt(first_id_at(until)));
    }
    let rows: Vec<(String, NaiveDateTime, String, Option<String>, String)> = query
        .order(ledger_entries::id.desc())
        .limit(filter.limit)
        .load(conn)?;
    let mut events = Vec::with_capacity(rows.len());
    for (id, at, actor, request_id, audit) in rows {
        let audit: RequestAudit = serde_json::from_str(&audit)
            .map_err(|e| StoreError::Corrupt(format!("an entry's audit record: {e}")))?;
        events.push(AuditRow {
            id: id.clone(),
            tenant_id: Some(tenant.to_string()),
            at,
            actor_user_id: Some(actor),
            actor_role: audit.actor_role,
            action: audit.action,
            object_type: Some("ledger_entry".into()),
            object_id: Some(id),
            request_id,
            source_ip: audit.source_ip,
            support_session_id: audit.support_session_id,
            details: Some(audit.details.to_string()),
        });
    }
    Ok(events)
}
