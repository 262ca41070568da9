//! Posting a group of single-entry requests with a fixed handful of statements, whatever the
//! group's size: everything the rules need is read up front, every entry is planned in
//! memory (each seeing the ones before it), and the entries, Idempotency-Keys and audit
//! events are written with one multi-row insert each. The database checks every row again.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use super::{AppendRequest, Appended, EntryRow, idempotency_row, replay};
use crate::audit::{self, NewAuditEvent};
use crate::connection::{DbConnection, placeholders};
use crate::error::StoreError;
use crate::parse_id;
use crate::schema::{idempotency_keys, ledger_entries, share_classes};
use crate::share_classes::ShareClassRow;
use crate::tenants::{self, TenantRow};
use dar_core::chain::EntryRecord;
use dar_core::holdings::Leg;
use dar_core::ids::{EntryId, ShareholderId, TenantId};
use dar_core::ledger::{self as rules, HolderState, Period, PlanContext};
use dar_core::types::ShareholderStatus;

/// Rows per multi-row insert: keeps SQLite under its bound-variable limit.
const INSERT_CHUNK: usize = 256;

/// Whether `req` can go through the grouped path: one entry that is not a reversal.
pub(super) fn is_simple(req: &AppendRequest) -> bool {
    req.drafts.len() == 1 && req.drafts[0].share_class().is_some()
}

/// What the group read before planning.
struct Snapshot {
    tenants: HashMap<String, TenantRow>,
    /// (tenant, key) → (request hash) of keys used before this group.
    seen_keys: HashMap<(String, String), String>,
    classes: HashMap<(String, String), ShareClassRow>,
    statuses: HashMap<(String, String), crate::shareholders::RuleFacts>,
    /// (tenant, class id, holder) → legs, kept current as the group plans.
    legs: HashMap<(String, String, String), Vec<Leg>>,
}

/// Posts `reqs` (all simple) in the caller's transaction. A request that breaks a rule is
/// refused alone; an error from the database is returned so the caller can roll back and
/// post one by one.
pub(super) fn post(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    now: DateTime<Utc>,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    let mut snap = read(conn, reqs)?;
    let today = dar_core::time::brussels_date(now);
    let mut results: Vec<Result<Appended, StoreError>> = Vec::with_capacity(reqs.len());
    let mut rows: Vec<EntryRow> = Vec::with_capacity(reqs.len());
    let mut keys_in_group: HashMap<(String, String), (String, usize)> = HashMap::new();
    let mut finished: Vec<(usize, EntryRecord)> = Vec::with_capacity(reqs.len());
    for (index, req) in reqs.iter().enumerate() {
        let tenant_key = req.tenant_id.to_string();
        if let Some(key) = &req.idempotency_key {
            let k = (tenant_key.clone(), key.clone());
            if let Some((hash, first)) = keys_in_group.get(&k) {
                results.push(if *hash == req.request_hash {
                    Ok(Appended::Replayed(
                        results[*first]
                            .as_ref()
                            .map(|a| a.entries().to_vec())
                            .unwrap_or_default(),
                    ))
                } else {
                    Err(StoreError::IdempotencyMismatch)
                });
                continue;
            }
            if snap.seen_keys.contains_key(&k) {
                results.push(
                    replay(conn, &req.tenant_id, key, &req.request_hash)
                        .and_then(|r| r.ok_or(StoreError::NotFound)),
                );
                continue;
            }
        }
        match plan_one(&mut snap, req, today, now) {
            Ok(record) => {
                if let Some(key) = &req.idempotency_key {
                    keys_in_group
                        .insert((tenant_key, key.clone()), (req.request_hash.clone(), index));
                }
                rows.push(EntryRow::from_record(&record));
                finished.push((index, record.clone()));
                results.push(Ok(Appended::Posted(vec![record])));
            }
            Err(e) => results.push(Err(e)),
        }
    }
    write(conn, reqs, &rows, &finished, now)?;
    Ok(results)
}

/// Locks the group's tenants (in a fixed order, so groups never wait on each other) and
/// reads the keys, classes, holders and legs the requests name.
fn read(conn: &mut DbConnection, reqs: &[AppendRequest]) -> Result<Snapshot, StoreError> {
    let mut tenant_ids: Vec<TenantId> = reqs.iter().map(|r| r.tenant_id).collect();
    tenant_ids.sort();
    tenant_ids.dedup();
    let mut tenants = HashMap::new();
    for id in &tenant_ids {
        tenants.insert(id.to_string(), tenants::lock(conn, id)?);
    }
    let tenant_keys: Vec<String> = tenant_ids.iter().map(|t| t.to_string()).collect();

    let keys: Vec<String> = reqs
        .iter()
        .filter_map(|r| r.idempotency_key.clone())
        .collect();
    let seen_keys = if keys.is_empty() {
        HashMap::new()
    } else {
        idempotency_keys::table
            .filter(idempotency_keys::tenant_id.eq_any(&tenant_keys))
            .filter(idempotency_keys::key.eq_any(&keys))
            .select((
                idempotency_keys::tenant_id,
                idempotency_keys::key,
                idempotency_keys::request_hash,
            ))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .map(|(t, k, h)| ((t, k), h))
            .collect()
    };

    let classes = share_classes::table
        .filter(share_classes::tenant_id.eq_any(&tenant_keys))
        .select(ShareClassRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| ((c.tenant_id.clone(), c.code.clone()), c))
        .collect();

    let mut holders: Vec<String> = reqs
        .iter()
        .flat_map(|r| {
            let (from, to) = r.drafts[0].holders();
            [from, to]
        })
        .flatten()
        .map(|h| h.to_string())
        .collect();
    holders.sort();
    holders.dedup();
    let statuses = crate::shareholders::rule_facts(conn, &tenant_keys, &holders)?;

    let mut legs: HashMap<(String, String, String), Vec<Leg>> = HashMap::new();
    for row in legs_of_many(conn, &tenant_keys, &holders)? {
        legs.entry((row.tenant_id, row.share_class_id, row.shareholder_id))
            .or_default()
            .push(Leg {
                date: row.movement_date,
                quantity: row.quantity,
                capital_cents: row.capital_cents,
                paid_cents: row.paid_cents,
            });
    }
    Ok(Snapshot {
        tenants,
        seen_keys,
        classes,
        statuses,
        legs,
    })
}

#[derive(QueryableByName)]
struct LegRow {
    #[diesel(sql_type = Text)]
    tenant_id: String,
    #[diesel(sql_type = Text)]
    shareholder_id: String,
    #[diesel(sql_type = Text)]
    share_class_id: String,
    #[diesel(sql_type = Date)]
    movement_date: NaiveDate,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    paid_cents: i64,
}

/// The legs of the named holders in the named tenants, netted per date, in one statement.
fn legs_of_many(
    conn: &mut DbConnection,
    tenants: &[String],
    holders: &[String],
) -> Result<Vec<LegRow>, StoreError> {
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    let list = |n: usize| vec!["?"; n].join(", ");
    // Legs are netted per date in the database: the rules speak of end-of-day positions,
    // so this is the same history in far fewer rows (a busy day is one row, not hundreds).
    let sql = format!(
        "SELECT tenant_id, shareholder_id, share_class_id, movement_date,
                CAST(SUM(quantity) AS BIGINT) AS quantity,
                CAST(SUM(capital_cents) AS BIGINT) AS capital_cents,
                CAST(SUM(paid_cents) AS BIGINT) AS paid_cents
           FROM ledger_legs WHERE tenant_id IN ({}) AND shareholder_id IN ({})
          GROUP BY tenant_id, shareholder_id, share_class_id, movement_date",
        list(tenants.len()),
        list(holders.len())
    );
    let mut query = diesel::sql_query(placeholders(conn.backend(), &sql)).into_boxed();
    for t in tenants {
        query = query.bind::<Text, _>(t.clone());
    }
    for h in holders {
        query = query.bind::<Text, _>(h.clone());
    }
    Ok(query.load(conn)?)
}

/// Plans one request against the snapshot and, when the rules accept it, records its legs
/// and moves the tenant's head in the snapshot.
fn plan_one(
    snap: &mut Snapshot,
    req: &AppendRequest,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<EntryRecord, StoreError> {
    let tenant_key = req.tenant_id.to_string();
    let tenant = snap
        .tenants
        .get(&tenant_key)
        .expect("every tenant of the group is locked");
    if tenant.status != "active" {
        return Err(StoreError::TenantInactive {
            status: tenant.status.clone(),
        });
    }
    let draft = &req.drafts[0];
    let code = draft.share_class().expect("simple requests name a class");
    let class = snap
        .classes
        .get(&(tenant_key.clone(), code.to_string()))
        .ok_or_else(|| StoreError::Invalid {
            field: "share_class".into(),
            message: format!("this register has no share class {code:?}"),
        })?;
    let terms = class.terms()?;
    let (from, to) = draft.holders();
    let state =
        |holder: Option<ShareholderId>, field: &str| -> Result<Option<HolderState>, StoreError> {
            let Some(holder) = holder else {
                return Ok(None);
            };
            let facts = snap
                .statuses
                .get(&(tenant_key.clone(), holder.to_string()))
                .ok_or_else(|| StoreError::Invalid {
                    field: field.into(),
                    message: "no shareholder with this id in this register".into(),
                })?;
            let status = ShareholderStatus::parse(&facts.status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {:?}", facts.status)))?;
            let legs = snap
                .legs
                .get(&(tenant_key.clone(), class.id.clone(), holder.to_string()))
                .cloned()
                .unwrap_or_default();
            Ok(Some(HolderState {
                id: holder,
                label: facts.label.clone(),
                admitted: facts.admitted,
                status,
                legs,
            }))
        };
    let ctx = PlanContext {
        period: Period {
            today,
            locked_until: tenant.locked_until,
        },
        from: state(from, "from")?,
        to: state(to, "to")?,
        class: terms,
        reversal_target: None,
    };
    let movement = rules::plan(draft, &ctx)?;
    for (holder, leg) in movement.legs() {
        snap.legs
            .entry((tenant_key.clone(), class.id.clone(), holder.to_string()))
            .or_default()
            .push(leg);
    }
    let tenant = snap.tenants.get_mut(&tenant_key).expect("locked above");
    let mut record = EntryRecord {
        tenant_id: parse_id(&tenant.id)?,
        seq: tenant.ledger_head_seq + 1,
        id: EntryId::new(),
        recorded_at: dar_core::chain::storage_precision(now),
        actor: req.actor.clone(),
        idempotency_key: req.idempotency_key.clone(),
        movement,
        prev_hash: tenant.ledger_head_hash.clone(),
        hash: String::new(),
    };
    record.hash = record.expected_hash();
    tenant.ledger_head_seq = record.seq;
    tenant.ledger_head_hash = record.hash.clone();
    Ok(record)
}

/// Writes the planned entries, then their Idempotency-Keys and audit events.
fn write(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    rows: &[EntryRow],
    finished: &[(usize, EntryRecord)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_many!(conn, ledger_entries::table, chunk)?;
    }
    let keys: Vec<_> = finished
        .iter()
        .filter_map(|(i, record)| idempotency_row(&reqs[*i], std::slice::from_ref(record), now))
        .collect();
    for chunk in keys.chunks(INSERT_CHUNK) {
        crate::insert_many!(conn, idempotency_keys::table, chunk)?;
    }
    let events: Vec<NewAuditEvent> = finished
        .iter()
        .filter_map(|(i, record)| super::audit_event(&reqs[*i], std::slice::from_ref(record)))
        .collect();
    for chunk in events.chunks(INSERT_CHUNK) {
        audit::record_many(conn, chunk.to_vec(), now)?;
    }
    Ok(())
}
