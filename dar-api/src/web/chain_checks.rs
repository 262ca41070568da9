//! The overview page says whether the ledger's hash chain verifies. Recomputing a whole
//! chain takes about a second per 50,000 entries, too slow for a page, so each instance
//! remembers the last head it verified per cooperative: a page checks only the entries
//! since, and the whole chain again once the last full check is older than
//! [`FULL_CHECK_EVERY`] (so a row changed behind the service's back is still found, within
//! that time). `dar verify` and the API's verify always check everything.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dar_core::ids::TenantId;
use dar_db::{DbConnection, StoreError};

pub const FULL_CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

struct Checked {
    seq: i64,
    hash: String,
    full_at: Instant,
}

#[derive(Default)]
pub struct ChainChecks(Mutex<HashMap<TenantId, Checked>>);

impl ChainChecks {
    /// Whether `tenant`'s chain verifies up to its head.
    pub fn verifies(&self, conn: &mut DbConnection, tenant: &TenantId) -> Result<bool, StoreError> {
        let now = Instant::now();
        let known = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(tenant)
            .filter(|c| now.duration_since(c.full_at) < FULL_CHECK_EVERY)
            .map(|c| (c.seq, c.hash.clone(), c.full_at));
        let report = dar_db::ledger::verify_after(
            conn,
            tenant,
            known.as_ref().map(|(seq, hash, _)| (*seq, hash.as_str())),
        )?;
        let mut checks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if report.ok {
            let full_at = known.map_or(now, |(_, _, at)| at);
            checks.insert(
                *tenant,
                Checked {
                    seq: report.head_seq,
                    hash: report.head_hash,
                    full_at,
                },
            );
        } else {
            checks.remove(tenant);
        }
        Ok(report.ok)
    }
}
