//! The hash chain over a tenant's ledger (SPEC §2, invariant 5).
//!
//! Each entry's hash covers its canonical content and the previous entry's hash, so changing,
//! removing or reordering any stored entry breaks every hash after it. The canonical content
//! is the entry serialised as JSON with a fixed field order; timestamps are cut to
//! microseconds, the precision both databases keep.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::{EntryId, TenantId};
use crate::ledger::Movement;

/// The `prev_hash` of a tenant's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A ledger entry as stored: the movement plus its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryRecord {
    pub tenant_id: TenantId,
    pub seq: i64,
    pub id: EntryId,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub idempotency_key: Option<String>,
    #[serde(flatten)]
    pub movement: Movement,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    tenant_id: &'a TenantId,
    seq: i64,
    id: &'a EntryId,
    recorded_at: String,
    actor: &'a str,
    idempotency_key: Option<&'a str>,
    movement: &'a Movement,
}

/// Timestamps are hashed at the precision the database stores.
pub fn storage_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

impl EntryRecord {
    /// The hash this entry's content and `prev_hash` should have. A new entry gets its
    /// `hash` from here; `verify` compares the stored one with it.
    pub fn expected_hash(&self) -> String {
        let canonical = Canonical {
            tenant_id: &self.tenant_id,
            seq: self.seq,
            id: &self.id,
            recorded_at: storage_precision(self.recorded_at)
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string(),
            actor: &self.actor,
            idempotency_key: self.idempotency_key.as_deref(),
            movement: &self.movement,
        };
        let json = serde_json::to_vec(&canonical).expect("an entry always serialises");
        let mut hasher = Sha256::new();
        hasher.update(self.prev_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(&json);
        hex::encode(hasher.finalize())
    }
}

/// The outcome of recomputing a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub ok: bool,
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry whose position, link or hash does not match.
    pub first_bad_seq: Option<i64>,
}

/// Walks entries in `seq` order and recomputes the chain. Feed it in pages: keep the
/// verifier, call `push` for every entry, then `finish`.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    first_bad_seq: Option<i64>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
            first_bad_seq: None,
        }
    }
}

impl ChainVerifier {
    /// Goes on from an entry already verified: `seq` and its `hash` are taken as sound, and
    /// only what follows is checked.
    pub fn resume(seq: i64, hash: &str) -> Self {
        Self {
            expected_seq: seq + 1,
            prev_hash: hash.to_string(),
            first_bad_seq: None,
        }
    }

    pub fn push(&mut self, entry: &EntryRecord) {
        if self.first_bad_seq.is_none()
            && (entry.seq != self.expected_seq
                || entry.prev_hash != self.prev_hash
                || entry.expected_hash() != entry.hash)
        {
            self.first_bad_seq = Some(entry.seq.min(self.expected_seq));
        }
        self.expected_seq += 1;
        self.prev_hash = entry.hash.clone();
    }

    /// `head_seq` and `head_hash` are what the tenant row says the head is: a chain that was
    /// cut short at the end is caught here.
    pub fn finish(mut self, head_seq: i64, head_hash: &str) -> ChainReport {
        let entries = self.expected_seq - 1;
        if self.first_bad_seq.is_none() && (entries != head_seq || self.prev_hash != head_hash) {
            self.first_bad_seq = Some(entries.min(head_seq) + 1);
        }
        ChainReport {
            ok: self.first_bad_seq.is_none(),
            entries,
            head_seq,
            head_hash: head_hash.to_string(),
            first_bad_seq: self.first_bad_seq,
        }
    }
}
