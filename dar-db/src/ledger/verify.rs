//! Checking a tenant's ledger: the hash chain recomputed entry by entry, and the stored
//! positions recomputed from the ledger, which stays the single source of truth.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::EntryRow;
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{holding_positions, ledger_entries, shareholders};
use crate::tenants::{self, TenantRow};
use dar_core::chain::{ChainReport, ChainVerifier};
use dar_core::ids::TenantId;

/// Recomputes the tenant's whole chain, a page at a time, against the head the tenant row
/// records. A row that no longer parses counts as broken at its sequence number.
pub fn verify(conn: &mut DbConnection, tenant: &TenantId) -> Result<ChainReport, StoreError> {
    verify_after(conn, tenant, None)
}

/// Verifies the chain after `known` (an entry's seq and hash already verified), or from the
/// start when `None`.
pub fn verify_after(
    conn: &mut DbConnection,
    tenant: &TenantId,
    known: Option<(i64, &str)>,
) -> Result<ChainReport, StoreError> {
    const PAGE: i64 = 2000;
    let head: TenantRow = tenants::get(conn, tenant)?;
    let (mut verifier, mut after) = match known {
        Some((seq, hash)) => (ChainVerifier::resume(seq, hash), seq),
        None => (ChainVerifier::default(), 0),
    };
    let mut unreadable: Option<i64> = None;
    loop {
        let rows: Vec<EntryRow> = ledger_entries::table
            .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
            .filter(ledger_entries::seq.gt(after))
            .order(ledger_entries::seq.asc())
            .limit(PAGE)
            .select(EntryRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            match row.to_record() {
                Ok(record) => verifier.push(&record),
                Err(_) => {
                    unreadable.get_or_insert(row.seq);
                }
            }
        }
    }
    let mut report = verifier.finish(head.ledger_head_seq, &head.ledger_head_hash);
    if let Some(seq) = unreadable
        && report.first_bad_seq.is_none_or(|bad| seq < bad)
    {
        report.ok = false;
        report.first_bad_seq = Some(seq);
    }
    Ok(report)
}

/// What recomputing the stored positions from the ledger found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PositionsReport {
    pub ok: bool,
    /// Holdings (holder and class) compared.
    pub holdings: i64,
    /// The first position, in holder, class and date order, that the ledger does not give.
    pub first_mismatch: Option<PositionMismatch>,
}

/// A stored position that differs from the ledger's sum (or is missing, or is extra).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PositionMismatch {
    pub shareholder_id: String,
    pub share_class_id: String,
    pub date: NaiveDate,
    /// Shares, subscribed and paid-up capital in cents, from the ledger (`None`: the
    /// ledger has no movement on that date).
    pub ledger: Option<(i64, i64, i64)>,
    /// The same as stored (`None`: no row).
    pub stored: Option<(i64, i64, i64)>,
}

/// Recomputes every holding's end-of-day positions from the ledger, holder by holder, and
/// compares them with `holding_positions`, naming the first difference.
pub fn verify_positions(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<PositionsReport, StoreError> {
    const HOLDERS: i64 = 500;
    let t = tenant.to_string();
    let mut after = String::new();
    let mut holdings = 0;
    loop {
        let ids: Vec<String> = shareholders::table
            .filter(shareholders::tenant_id.eq(&t))
            .filter(shareholders::id.gt(&after))
            .order(shareholders::id)
            .select(shareholders::id)
            .limit(HOLDERS)
            .load(conn)?;
        let Some(last) = ids.last().cloned() else {
            break;
        };
        // (holder, class, date) → the day's net movement, then running sums in key order.
        type Key = (String, String, NaiveDate);
        let mut ledger: BTreeMap<Key, (i64, i64, i64)> = BTreeMap::new();
        let refs: Vec<&String> = ids.iter().collect();
        for leg in super::reads::legs_of_holders(conn, &t, &refs)? {
            let day = ledger
                .entry((leg.holder, leg.class_id, leg.date))
                .or_insert((0, 0, 0));
            day.0 += leg.quantity;
            day.1 += leg.capital_cents;
            day.2 += leg.paid_cents;
        }
        let mut running: Option<(String, String, (i64, i64, i64))> = None;
        for ((holder, class, _), day) in ledger.iter_mut() {
            let base = match &running {
                Some((h, c, sum)) if h == holder && c == class => *sum,
                _ => {
                    holdings += 1;
                    (0, 0, 0)
                }
            };
            *day = (base.0 + day.0, base.1 + day.1, base.2 + day.2);
            running = Some((holder.clone(), class.clone(), *day));
        }
        let stored: BTreeMap<Key, (i64, i64, i64)> = holding_positions::table
            .filter(holding_positions::tenant_id.eq(&t))
            .filter(holding_positions::shareholder_id.eq_any(&ids))
            .select((
                holding_positions::shareholder_id,
                holding_positions::share_class_id,
                holding_positions::movement_date,
                holding_positions::quantity,
                holding_positions::capital_cents,
                holding_positions::paid_cents,
            ))
            .load::<(String, String, NaiveDate, i64, i64, i64)>(conn)?
            .into_iter()
            .map(|(h, c, d, q, cap, paid)| ((h, c, d), (q, cap, paid)))
            .collect();
        let mut keys: Vec<&Key> = ledger.keys().chain(stored.keys()).collect();
        keys.sort();
        keys.dedup();
        if let Some(key) = keys.into_iter().find(|k| ledger.get(*k) != stored.get(*k)) {
            return Ok(PositionsReport {
                ok: false,
                holdings,
                first_mismatch: Some(PositionMismatch {
                    shareholder_id: key.0.clone(),
                    share_class_id: key.1.clone(),
                    date: key.2,
                    ledger: ledger.get(key).copied(),
                    stored: stored.get(key).copied(),
                }),
            });
        }
        after = last;
    }
    Ok(PositionsReport {
        ok: true,
        holdings,
        first_mismatch: None,
    })
}
