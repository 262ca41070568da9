//! The overview's capital and shares per class. Summing every leg of the ledger takes about
//! 150 ms for 55,000 entries, too slow for a page, so each instance remembers, per
//! cooperative, the totals as of a date up to the ledger head it last saw: a page adds only
//! the entries posted since (their legs dated on or before that date), which costs in
//! proportion to what changed, not to the ledger. The totals are summed again from the
//! ledger when the date changes, when many entries arrived at once, and at least every
//! [`FULL_SUM_EVERY`], so a row changed behind the service's back shows within that time
//! (as the chain check also finds it).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use dar_core::ids::TenantId;
use dar_db::ledger::{ClassTotal, EntryFilter, Moment};
use dar_db::{DbConnection, StoreError};

pub const FULL_SUM_EVERY: Duration = Duration::from_secs(10 * 60);

/// More new entries than this are summed from the ledger again rather than one by one.
const MOST_ADDED: i64 = 5_000;

/// (shares, subscribed, paid up) in one class.
type Sums = (i64, i64, i64);

#[derive(Clone)]
struct Known {
    as_of: NaiveDate,
    seq: i64,
    by_class: HashMap<String, Sums>,
    full_at: Instant,
}

#[derive(Default)]
pub struct ClassTotals(Mutex<HashMap<TenantId, Known>>);

impl ClassTotals {
    /// Every class of `tenant` (an unused one with zeros), by code, as of `as_of` counting
    /// the entries up to `head_seq`.
    pub fn at(
        &self,
        conn: &mut DbConnection,
        tenant: &TenantId,
        as_of: NaiveDate,
        head_seq: i64,
    ) -> Result<Vec<ClassTotal>, StoreError> {
        let now = Instant::now();
        let known = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(tenant)
            .filter(|k| {
                k.as_of == as_of
                    && k.seq <= head_seq
                    && head_seq - k.seq <= MOST_ADDED
                    && now.duration_since(k.full_at) < FULL_SUM_EVERY
            })
            .cloned();
        let classes = dar_db::share_classes::list(conn, tenant)?;
        let known = match known {
            Some(mut k) => {
                let added = dar_db::ledger::list(
                    conn,
                    tenant,
                    &EntryFilter::default(),
                    k.seq,
                    head_seq - k.seq,
                )?;
                for entry in &added {
                    let class = entry.movement.share_class_id.to_string();
                    for (_, leg) in entry.movement.legs() {
                        if leg.date <= as_of {
                            let sums = k.by_class.entry(class.clone()).or_default();
                            sums.0 += leg.quantity;
                            sums.1 += leg.capital_cents;
                            sums.2 += leg.paid_cents;
                        }
                    }
                }
                k.seq = head_seq;
                k
            }
            None => {
                let moment = Moment {
                    as_of,
                    as_of_seq: head_seq,
                };
                let id_of: HashMap<&str, &str> = classes
                    .iter()
                    .map(|c| (c.code.as_str(), c.id.as_str()))
                    .collect();
                let by_class = dar_db::ledger::class_totals(conn, tenant, moment)?
                    .into_iter()
                    .filter_map(|t| {
                        let id = id_of.get(t.code.as_str())?;
                        Some((id.to_string(), (t.quantity, t.capital_cents, t.paid_cents)))
                    })
                    .collect();
                Known {
                    as_of,
                    seq: head_seq,
                    by_class,
                    full_at: now,
                }
            }
        };
        let totals = classes
            .iter()
            .map(|c| {
                let (quantity, capital_cents, paid_cents) =
                    known.by_class.get(&c.id).copied().unwrap_or_default();
                ClassTotal {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    quantity,
                    capital_cents,
                    paid_cents,
                }
            })
            .collect();
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(*tenant, known);
        Ok(totals)
    }
}
