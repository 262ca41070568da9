//! The one append path. Single entries, batches, reversals, groups of concurrent requests
//! and bulk loads all go through [`post`]: a group of requests is posted with a fixed
//! handful of statements, whatever its size.
//!
//! 1. **Read** everything the rules need, once per group: the tenants (locked, in a fixed
//!    order), the Idempotency-Keys already used, the share classes, the named holders, the
//!    entries that reversals cancel, and for each holding the group touches its stored
//!    positions from the earliest date the group can affect (see [`positions`]).
//! 2. **Plan** every request in memory, in order, each seeing the ones before it; a request
//!    that breaks a rule is refused alone, and a refused batch leaves nothing behind.
//! 3. **Write** the planned entries with one multi-row insert (a request's closing entry
//!    carries its Idempotency-Key and audit event); on PostgreSQL a group of 2,000 entries
//!    or more is inserted about 1,000 at a time while the rest is planned
//!    ([`plan_while_inserting`]). The database checks every row again (triggers and the
//!    CHECK constraints of `holding_positions`) and keeps the positions current.
//!
//! The cost of a request is therefore the number of stored positions its holdings have on
//! or after its date (one row for an entry dated today), not the length of the ledger or of
//! the holders' histories.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::positions::{self, HoldingKey};
use super::{AppendRequest, Appended, EntryRow, replay, requests};
use crate::connection::{Backend, DbConnection};
use crate::error::StoreError;
use crate::parse_id;
use crate::schema::{ledger_entries, share_classes};
use crate::share_classes::ShareClassRow;
use crate::shareholders::RuleFacts;
use crate::tenants::{self, TenantRow};
use dar_core::chain::EntryRecord;
use dar_core::holdings::Leg;
use dar_core::ids::{EntryId, ShareholderId, TenantId};
use dar_core::ledger::{
    self as rules, DraftAction, EntryDraft, HolderState, Period, PlanContext, ReversalTarget,
};
use dar_core::types::ShareholderStatus;

/// Largest number of entries one request may post.
pub const BATCH_MAX_ENTRIES: usize = 1000;

/// Rows per multi-row insert: keeps SQLite under its bound-variable limit.
const INSERT_CHUNK: usize = 256;

/// Posts one request in its own transaction: a group of one.
pub fn append(
    conn: &mut DbConnection,
    req: &AppendRequest,
    now: DateTime<Utc>,
) -> Result<Appended, StoreError> {
    let mut results =
        crate::write_transaction(conn, |conn| post(conn, std::slice::from_ref(req), now))?;
    results.pop().expect("one answer per request")
}

/// Posts several requests (of one or more tenants) in one transaction, so that concurrent
/// appends share one commit. A request that breaks a rule is refused alone; if the database
/// refuses a write the rules did not foresee, the group is rolled back and every request is
/// tried again in its own transaction, so one bad request never fails another.
pub fn append_group(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    now: DateTime<Utc>,
) -> Vec<Result<Appended, StoreError>> {
    if reqs.len() == 1 {
        return vec![append(conn, &reqs[0], now)];
    }
    match crate::write_transaction(conn, |conn| post(conn, reqs, now)) {
        Ok(results) => results,
        // A lock or a lost connection would fail each request the same way, and a commit
        // whose outcome is unknown must not be posted again (that could post it twice).
        Err(e) if e.is_retryable() || matches!(e, StoreError::OutcomeUnknown(_)) => {
            tracing::warn!(error = %e, group.size = reqs.len(), "group append failed");
            reqs.iter().map(|_| Err(e.same_again())).collect()
        }
        Err(e) => {
            tracing::debug!(error = %e, group.size = reqs.len(), "group append rolled back; posting one by one");
            reqs.iter().map(|r| append(conn, r, now)).collect()
        }
    }
}

/// Posts `reqs` as one group in the caller's transaction, without a savepoint of its own:
/// the bulk path for loads that run inside one transaction and give up on the first
/// refusal. (A savepoint per request is a PostgreSQL subtransaction each, and past 64 of
/// them every later statement of the transaction slows down.) The outer `Err` is a write
/// the database refused; the caller's transaction is then unusable and must roll back.
pub fn append_within(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    now: DateTime<Utc>,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    post(conn, reqs, now)
}

/// Posts `reqs` in the caller's transaction. The outer `Err` is a write the database
/// refused (the caller rolls back); the inner results are each request's answer.
pub(super) fn post(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    now: DateTime<Utc>,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    let started = std::time::Instant::now();
    prefer_generic_plans(conn)?;
    let today = dar_core::time::brussels_date(now);
    let snap = Snapshot::read(conn, reqs, today)?;
    let read = started.elapsed();
    let entries: usize = reqs.iter().map(|r| r.drafts.len()).sum();
    let mut planned = if conn.backend() == Backend::Postgres && entries >= PIPELINE_MIN_ENTRIES {
        plan_while_inserting(conn, snap, reqs, today, now)?
    } else {
        let planned = plan_group(snap, reqs, today, now, |_| true);
        insert_entries(conn, &planned.rows)?;
        planned
    };
    // Where a group's time goes, for whoever tunes the write path (the commit follows).
    tracing::debug!(
        group.requests = reqs.len(),
        group.entries = entries,
        read_us = read.as_micros() as u64,
        write_us = started.elapsed().saturating_sub(read).as_micros() as u64,
        "ledger group read, planned and inserted"
    );
    // Keys stored before this group are answered last: the database is busy inserting
    // while the group is planned, and what this group wrote does not change their answer.
    for (index, key) in std::mem::take(&mut planned.replays) {
        let req = &reqs[index];
        planned.results[index] = Some(
            replay(conn, &req.tenant_id, &key, &req.request_hash)
                .and_then(|r| r.ok_or(StoreError::NotFound)),
        );
    }
    Ok(planned
        .results
        .into_iter()
        .map(|r| r.expect("every request is answered"))
        .collect())
}

/// A group at least this large is inserted a part at a time while the rest is planned.
const PIPELINE_MIN_ENTRIES: usize = 2 * BATCH_MAX_ENTRIES;
/// Entries per insert when a group is pipelined (whole requests, so at least this many).
const PIPELINE_CHUNK: usize = BATCH_MAX_ENTRIES;

/// Plans a large group on this thread while another thread inserts the parts already
/// planned, on the group's connection and in its transaction. Without this, a group of
/// batches (one busy tenant's, all on one writer thread) was planned whole (~8 µs an entry)
/// before PostgreSQL began its insert (~46 µs an entry), so the two never overlapped. The
/// parts still reach the database in order on one connection, so each part's checks see
/// the parts before it.
fn plan_while_inserting(
    conn: &mut DbConnection,
    snap: Snapshot,
    reqs: &[AppendRequest],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Planned, StoreError> {
    // One part waits while another is inserted: the planner stays at most two parts ahead.
    let (parts, received) = std::sync::mpsc::sync_channel::<Vec<EntryRow>>(1);
    std::thread::scope(|scope| {
        let inserter = std::thread::Builder::new()
            .name("ledger-inserter".into())
            .spawn_scoped(scope, move || -> Result<(), StoreError> {
                for part in received {
                    insert_entries(conn, &part)?;
                }
                Ok(())
            })
            .map_err(|e| StoreError::Unavailable(format!("no thread to insert with: {e}")))?;
        // A send fails once the inserter has stopped on an error: planning stops too, and
        // the inserter's error is the group's.
        let mut planned = plan_group(snap, reqs, today, now, |rows| {
            rows.len() < PIPELINE_CHUNK || parts.send(std::mem::take(rows)).is_ok()
        });
        if !planned.rows.is_empty() {
            let _ = parts.send(std::mem::take(&mut planned.rows));
        }
        drop(parts);
        match inserter.join() {
            Ok(inserted) => inserted.map(|()| planned),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// A group's answers as planned, and the rows to insert.
struct Planned {
    /// Per request; `None` for a key stored before the group, answered by [`replay`].
    results: Vec<Option<Result<Appended, StoreError>>>,
    /// Requests whose Idempotency-Key was stored before this group.
    replays: Vec<(usize, String)>,
    /// Rows planned and not yet taken by `flush`.
    rows: Vec<EntryRow>,
}

/// Plans every request of the group in order, each seeing the ones before it. After each
/// request but the last, `flush` may take the rows planned so far; it returns false to stop
/// the planning (the group will be rolled back).
fn plan_group(
    mut snap: Snapshot,
    reqs: &[AppendRequest],
    today: NaiveDate,
    now: DateTime<Utc>,
    mut flush: impl FnMut(&mut Vec<EntryRow>) -> bool,
) -> Planned {
    let mut planned = Planned {
        results: Vec::with_capacity(reqs.len()),
        replays: Vec::new(),
        rows: Vec::new(),
    };
    let results = &mut planned.results;
    // (tenant, key) → index of the request of this group that used it.
    let mut keys_in_group: HashMap<(TenantId, String), usize> = HashMap::new();
    for (index, req) in reqs.iter().enumerate() {
        if let Some(key) = &req.idempotency_key {
            let k = (req.tenant_id, key.clone());
            // A retry of a request already posted gets the answer it got then, whatever
            // changed since (the cooperative suspended, the period closed): the retry asks
            // what became of that request, not to post again.
            if let Some(&first) = keys_in_group.get(&k) {
                results.push(Some(if reqs[first].request_hash == req.request_hash {
                    Ok(Appended::Replayed(match &results[first] {
                        Some(Ok(a)) => a.entries().to_vec(),
                        _ => Vec::new(),
                    }))
                } else {
                    Err(StoreError::IdempotencyMismatch)
                }));
                continue;
            }
            if snap.seen_keys.contains(&k) {
                planned.replays.push((index, key.clone()));
                results.push(None);
                continue;
            }
        }
        match snap.plan_request(req, today, now) {
            Ok(records) => {
                if let Some(key) = &req.idempotency_key {
                    keys_in_group.insert((req.tenant_id, key.clone()), index);
                }
                planned
                    .rows
                    .extend(records.iter().map(EntryRow::from_record));
                planned
                    .rows
                    .last_mut()
                    .expect("a request posts at least one entry")
                    .close_request(req, &records);
                results.push(Some(Ok(Appended::Posted(records))));
            }
            Err(e) => results.push(Some(Err(e))),
        }
        if index + 1 < reqs.len() && !flush(&mut planned.rows) {
            break;
        }
    }
    planned
}

/// Makes PostgreSQL keep one plan per statement for the rest of the transaction.
///
/// The group's statements are key lookups over arrays of keys, and PostgreSQL, left to choose,
/// planned the positions read anew on every call: it compares its generic plan, costed for
/// arrays of unknown length, with plans made for each call's arrays, and kept the custom ones.
/// That planning was 0.29 ms a group, more than running the statement (0.20 ms; measured with
/// `pg_stat_statements` on 32 tenants). `SET LOCAL` ends with the transaction, so a bulk load
/// that posts inside its own transaction ([`append_within`]) keeps generic plans until it ends.
fn prefer_generic_plans(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SET LOCAL plan_cache_mode = force_generic_plan").execute(pg)?;
    }
    Ok(())
}

/// (tenant, entry id) → an entry a reversal cancels, and whether it is reversed.
type Targets = HashMap<(TenantId, EntryId), (EntryRecord, bool)>;

/// What a group read before planning, kept current as it plans.
struct Snapshot {
    tenants: HashMap<TenantId, TenantRow>,
    /// Keys stored before this group.
    seen_keys: HashSet<(TenantId, String)>,
    /// (tenant, class code) → class.
    classes: HashMap<(TenantId, String), ShareClassRow>,
    /// (tenant, class id) → class code.
    class_codes: HashMap<(TenantId, String), String>,
    holders: HashMap<(TenantId, ShareholderId), RuleFacts>,
    targets: Targets,
    /// Each holding's legs from the earliest date the group can affect.
    legs: HashMap<HoldingKey, Vec<Leg>>,
}

impl Snapshot {
    fn read(
        conn: &mut DbConnection,
        reqs: &[AppendRequest],
        today: NaiveDate,
    ) -> Result<Snapshot, StoreError> {
        let mut tenant_ids: Vec<TenantId> = reqs.iter().map(|r| r.tenant_id).collect();
        tenant_ids.sort();
        tenant_ids.dedup();
        let tenants: HashMap<TenantId, TenantRow> = tenants::lock_many(conn, &tenant_ids)?
            .into_iter()
            .map(|t| Ok((parse_id(&t.id)?, t)))
            .collect::<Result<_, StoreError>>()?;
        let tenant_keys: Vec<String> = tenant_ids.iter().map(|t| t.to_string()).collect();

        let keyed: Vec<(String, &str)> = reqs
            .iter()
            .filter_map(|r| Some((r.tenant_id.to_string(), r.idempotency_key.as_deref()?)))
            .collect();
        let seen_keys = requests::seen_keys(conn, &keyed)?;

        let mut classes = HashMap::new();
        let mut class_codes = HashMap::new();
        for class in share_classes::table
            .filter(share_classes::tenant_id.eq_any(&tenant_keys))
            .select(ShareClassRow::as_select())
            .load(conn)?
        {
            let tenant: TenantId = parse_id(&class.tenant_id)?;
            class_codes.insert((tenant, class.id.clone()), class.code.clone());
            classes.insert((tenant, class.code.clone()), class);
        }

        let targets = read_targets(conn, reqs, &tenant_keys)?;

        // Every holder the group names, and for each holding the earliest date it can move.
        let mut holder_ids: Vec<(String, String)> = Vec::new();
        let mut earliest: HashMap<HoldingKey, NaiveDate> = HashMap::new();
        for req in reqs {
            for draft in &req.drafts {
                let (class_id, date, (from, to), receiver_history) = match &draft.action {
                    DraftAction::Reversal { reverses } => {
                        match targets.get(&(req.tenant_id, *reverses)) {
                            Some((target, _)) => (
                                target.movement.share_class_id.to_string(),
                                target.movement.movement_date,
                                (target.movement.from, target.movement.to),
                                true,
                            ),
                            None => continue,
                        }
                    }
                    _ => {
                        let code = draft.share_class().expect("non-reversals name a class");
                        let Some(class) = classes.get(&(req.tenant_id, code.to_string())) else {
                            continue;
                        };
                        (
                            class.id.clone(),
                            draft.effective_date.unwrap_or(today),
                            draft.holders(),
                            rules::receiver_needs_history(draft, &class.terms()?),
                        )
                    }
                };
                for holder in from.into_iter().chain(to) {
                    holder_ids.push((req.tenant_id.to_string(), holder.to_string()));
                }
                // A receiver whose position only grows cannot break a rule on any date (see
                // `rules::only_grows`): its stored positions are not read at all, so an issue
                // or a transfer costs the same however long the receiver's history is.
                let to = to.filter(|_| receiver_history);
                for holder in from.into_iter().chain(to) {
                    let key = HoldingKey {
                        tenant: req.tenant_id,
                        class_id: class_id.clone(),
                        holder,
                    };
                    earliest
                        .entry(key)
                        .and_modify(|d| *d = (*d).min(date))
                        .or_insert(date);
                }
            }
        }
        holder_ids.sort();
        holder_ids.dedup();
        let holders = crate::shareholders::rule_facts(conn, &holder_ids)?
            .into_iter()
            .map(|((t, h), facts)| Ok(((parse_id(&t)?, parse_id(&h)?), facts)))
            .collect::<Result<_, StoreError>>()?;
        let legs = positions::legs_from(conn, &earliest)?;
        Ok(Snapshot {
            tenants,
            seen_keys,
            classes,
            class_codes,
            holders,
            targets,
            legs,
        })
    }

    /// Plans every draft of `req` in order, each seeing the ones before it. On success the
    /// snapshot moves on (head, legs, reversed targets); on a refusal it is as it was.
    fn plan_request(
        &mut self,
        req: &AppendRequest,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<EntryRecord>, StoreError> {
        let tenant = self
            .tenants
            .get(&req.tenant_id)
            .ok_or(StoreError::NotFound)?;
        if tenant.status != "active" {
            return Err(StoreError::TenantInactive {
                status: tenant.status.clone(),
            });
        }
        if req.drafts.is_empty() || req.drafts.len() > BATCH_MAX_ENTRIES {
            return Err(StoreError::Invalid {
                field: "entries".into(),
                message: format!("a batch holds 1 to {BATCH_MAX_ENTRIES} entries"),
            });
        }
        let period = Period {
            today,
            locked_until: tenant.locked_until,
        };
        let (mut head_seq, mut head_hash) =
            (tenant.ledger_head_seq, tenant.ledger_head_hash.clone());
        // The request's own legs and reversals, applied to the snapshot only if it all passes.
        // By holding, so a draft finds the batch's earlier legs of its holders in one lookup
        // (a list scanned per draft made a 1,000-entry batch quadratic).
        let mut pending: HashMap<HoldingKey, Vec<Leg>> = HashMap::new();
        let mut reversed: Vec<EntryId> = Vec::new();
        let mut records = Vec::with_capacity(req.drafts.len());
        for (index, draft) in req.drafts.iter().enumerate() {
            let movement = self
                .plan_draft(req.tenant_id, draft, period, &pending, &reversed)
                .map_err(|error| {
                    if req.drafts.len() > 1 {
                        StoreError::InBatch {
                            index,
                            error: Box::new(error),
                        }
                    } else {
                        error
                    }
                })?;
            if let DraftAction::Reversal { reverses } = &draft.action {
                reversed.push(*reverses);
            }
            for (holder, leg) in movement.legs() {
                let key = HoldingKey {
                    tenant: req.tenant_id,
                    class_id: movement.share_class_id.to_string(),
                    holder,
                };
                pending.entry(key).or_default().push(leg);
            }
            let mut record = EntryRecord {
                tenant_id: req.tenant_id,
                seq: head_seq + 1,
                id: EntryId::new(),
                recorded_at: dar_core::chain::storage_precision(now),
                actor: req.actor.clone(),
                idempotency_key: req.idempotency_key.clone(),
                movement,
                prev_hash: head_hash.clone(),
                hash: String::new(),
            };
            record.hash = record.expected_hash();
            head_seq = record.seq;
            head_hash = record.hash.clone();
            records.push(record);
        }
        for (key, legs) in pending {
            self.legs.entry(key).or_default().extend(legs);
        }
        for id in reversed {
            if let Some(target) = self.targets.get_mut(&(req.tenant_id, id)) {
                target.1 = true;
            }
        }
        let tenant = self.tenants.get_mut(&req.tenant_id).expect("read above");
        tenant.ledger_head_seq = head_seq;
        tenant.ledger_head_hash = head_hash;
        Ok(records)
    }

    fn plan_draft(
        &self,
        tenant: TenantId,
        draft: &EntryDraft,
        period: Period,
        pending: &HashMap<HoldingKey, Vec<Leg>>,
        reversed: &[EntryId],
    ) -> Result<rules::Movement, StoreError> {
        let (class, reversal_target, (from, to)) = match &draft.action {
            DraftAction::Reversal { reverses } => {
                let (target, already) =
                    self.targets
                        .get(&(tenant, *reverses))
                        .ok_or_else(|| StoreError::Invalid {
                            field: "reverses".into(),
                            message: "no entry with this id in this register".into(),
                        })?;
                let code = self
                    .class_codes
                    .get(&(tenant, target.movement.share_class_id.to_string()))
                    .ok_or_else(|| StoreError::Corrupt("a reversed entry's class".into()))?;
                let class = &self.classes[&(tenant, code.clone())];
                let target = ReversalTarget {
                    seq: target.seq,
                    movement: target.movement.clone(),
                    already_reversed: *already || reversed.contains(reverses),
                };
                let holders = (target.movement.from, target.movement.to);
                (class, Some(target), holders)
            }
            _ => {
                let code = draft.share_class().expect("non-reversals name a class");
                let class = self
                    .classes
                    .get(&(tenant, code.to_string()))
                    .ok_or_else(|| StoreError::Invalid {
                        field: "share_class".into(),
                        message: format!("this register has no share class {code:?}"),
                    })?;
                (class, None, draft.holders())
            }
        };
        let state = |holder: Option<ShareholderId>,
                     field: &str|
         -> Result<Option<HolderState>, StoreError> {
            let Some(holder) = holder else {
                return Ok(None);
            };
            let facts = self
                .holders
                .get(&(tenant, holder))
                .ok_or_else(|| StoreError::Invalid {
                    field: field.into(),
                    message: "no shareholder with this id in this register".into(),
                })?;
            let status = ShareholderStatus::parse(&facts.status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {:?}", facts.status)))?;
            let key = HoldingKey {
                tenant,
                class_id: class.id.clone(),
                holder,
            };
            let mut legs = self.legs.get(&key).cloned().unwrap_or_default();
            legs.extend(pending.get(&key).into_iter().flatten().copied());
            Ok(Some(HolderState {
                id: holder,
                label: facts.label.clone(),
                admitted: facts.admitted,
                status,
                legs,
            }))
        };
        let ctx = PlanContext {
            period,
            from: state(from, "from")?,
            to: state(to, "to")?,
            class: class.terms()?,
            reversal_target,
        };
        Ok(rules::plan(draft, &ctx)?)
    }
}

/// The entries the group's reversals cancel, and whether each is already reversed.
fn read_targets(
    conn: &mut DbConnection,
    reqs: &[AppendRequest],
    tenant_keys: &[String],
) -> Result<Targets, StoreError> {
    let ids: Vec<String> = reqs
        .iter()
        .flat_map(|r| &r.drafts)
        .filter_map(|d| match &d.action {
            DraftAction::Reversal { reverses } => Some(reverses.to_string()),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<EntryRow> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq_any(tenant_keys))
        .filter(ledger_entries::id.eq_any(&ids))
        .select(EntryRow::as_select())
        .load(conn)?;
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    let reversed: HashSet<(String, i64)> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq_any(tenant_keys))
        .filter(ledger_entries::reverses_seq.eq_any(&seqs))
        .select((ledger_entries::tenant_id, ledger_entries::reverses_seq))
        .load::<(String, Option<i64>)>(conn)?
        .into_iter()
        .filter_map(|(t, s)| s.map(|s| (t, s)))
        .collect();
    rows.iter()
        .map(|row| {
            let record = row.to_record()?;
            let done = reversed.contains(&(row.tenant_id.clone(), row.seq));
            Ok(((record.tenant_id, record.id), (record, done)))
        })
        .collect()
}

/// Inserts entries: on PostgreSQL with one prepared statement whatever their number (a
/// column per array), on SQLite in multi-row inserts under its bound-variable limit.
fn insert_entries(conn: &mut DbConnection, rows: &[EntryRow]) -> Result<(), StoreError> {
    use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamp};
    struct InsertEntries;
    let DbConnection::Pg(pg) = conn else {
        for chunk in rows.chunks(INSERT_CHUNK) {
            crate::insert_many!(conn, ledger_entries::table, chunk)?;
        }
        return Ok(());
    };
    if rows.is_empty() {
        return Ok(());
    }
    fn col<'a, T>(rows: &'a [EntryRow], f: impl Fn(&'a EntryRow) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    let text = |f: fn(&EntryRow) -> &str| col(rows, f).into_sql::<Array<Text>>();
    let opt_text =
        |f: fn(&EntryRow) -> Option<&str>| col(rows, f).into_sql::<Array<Nullable<Text>>>();
    let int = |f: fn(&EntryRow) -> i64| col(rows, f).into_sql::<Array<BigInt>>();
    let opt_int =
        |f: fn(&EntryRow) -> Option<i64>| col(rows, f).into_sql::<Array<Nullable<BigInt>>>();
    let date = |f: fn(&EntryRow) -> NaiveDate| col(rows, f).into_sql::<Array<Date>>();
    crate::prepared::Fixed::<InsertEntries, _>::new(
        "INSERT INTO ledger_entries (tenant_id, seq, id, kind, effective_date, movement_date, \
         recorded_at, share_class_id, quantity, price_per_share_cents, amount_cents, \
         capital_cents, paid_cents, from_shareholder_id, to_shareholder_id, sign, reason, \
         external_reference, reverses_seq, actor, idempotency_key, prev_seq, prev_hash, hash, \
         request_entries, request_hash, request_id, audit) SELECT * FROM unnest(",
        (
            text(|r| &r.tenant_id),
            int(|r| r.seq),
            text(|r| &r.id),
            text(|r| &r.kind),
            date(|r| r.effective_date),
            date(|r| r.movement_date),
            col(rows, |r| r.recorded_at).into_sql::<Array<Timestamp>>(),
            text(|r| &r.share_class_id),
            int(|r| r.quantity),
            opt_int(|r| r.price_per_share_cents),
            opt_int(|r| r.amount_cents),
            int(|r| r.capital_cents),
            int(|r| r.paid_cents),
            opt_text(|r| r.from_shareholder_id.as_deref()),
            opt_text(|r| r.to_shareholder_id.as_deref()),
            col(rows, |r| r.sign).into_sql::<Array<Integer>>(),
            opt_text(|r| r.reason.as_deref()),
            opt_text(|r| r.external_reference.as_deref()),
            opt_int(|r| r.reverses_seq),
            text(|r| &r.actor),
            opt_text(|r| r.idempotency_key.as_deref()),
            opt_int(|r| r.prev_seq),
            text(|r| &r.prev_hash),
            text(|r| &r.hash),
            col(rows, |r| r.request_entries).into_sql::<Array<Nullable<Integer>>>(),
            opt_text(|r| r.request_hash.as_deref()),
            opt_text(|r| r.request_id.as_deref()),
            opt_text(|r| r.audit.as_deref()),
        ),
        ")",
    )
    .execute(pg)?;
    Ok(())
}
