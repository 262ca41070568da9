//! The ledger: its rows, the one append path (`append`), the stored positions kept beside
//! it (`positions`), checking it (`verify`), and reading entries and holdings back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

mod append;
mod positions;
mod reads;
mod requests;
mod verify;

pub use append::{BATCH_MAX_ENTRIES, append, append_group, append_within};
pub use positions::{HoldingKey, legs_from};
pub use reads::{
    ClassRegisterRow, ClassTotal, EntryFilter, HoldingRow, Moment, Position, by_movement_date,
    class_codes, class_register, class_totals, find, holder_holdings, holder_positions, holdings,
    holdings_page, holdings_page_in_chunks, list, reversal_of, reversed_seqs,
};
pub(crate) use requests::{audit_events as request_audit_events, replay};
pub use verify::{PositionMismatch, PositionsReport, verify, verify_after, verify_positions};

use crate::audit::NewAuditEvent;
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::ledger_entries;
use crate::{from_db_time, parse_id, to_db_time};
use dar_core::chain::EntryRecord;
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::ledger::{EntryDraft, Movement};
use dar_core::types::EntryKind;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = ledger_entries)]
pub struct EntryRow {
    pub tenant_id: String,
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub effective_date: NaiveDate,
    pub movement_date: NaiveDate,
    pub recorded_at: NaiveDateTime,
    pub share_class_id: String,
    pub quantity: i64,
    pub price_per_share_cents: Option<i64>,
    pub amount_cents: Option<i64>,
    pub capital_cents: i64,
    pub paid_cents: i64,
    pub from_shareholder_id: Option<String>,
    pub to_shareholder_id: Option<String>,
    pub sign: i32,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
    pub reverses_seq: Option<i64>,
    pub actor: String,
    pub idempotency_key: Option<String>,
    pub prev_seq: Option<i64>,
    pub prev_hash: String,
    pub hash: String,
    /// On the last entry of a request (its closing entry): how many entries it posted.
    pub request_entries: Option<i32>,
    /// On a closing entry of a request with an Idempotency-Key: the digest of its body.
    pub request_hash: Option<String>,
    pub request_id: Option<String>,
    /// On a closing entry whose request is audited: the event's facts (see `requests::RequestAudit`).
    pub audit: Option<String>,
}

impl EntryRow {
    fn from_record(r: &EntryRecord) -> Self {
        let m = &r.movement;
        EntryRow {
            tenant_id: r.tenant_id.to_string(),
            seq: r.seq,
            id: r.id.to_string(),
            kind: m.kind.as_str().to_string(),
            effective_date: m.effective_date,
            movement_date: m.movement_date,
            recorded_at: to_db_time(r.recorded_at),
            share_class_id: m.share_class_id.to_string(),
            quantity: m.quantity,
            price_per_share_cents: m.price_per_share_cents,
            amount_cents: m.amount_cents,
            capital_cents: m.capital_cents,
            paid_cents: m.paid_cents,
            from_shareholder_id: m.from.map(|s| s.to_string()),
            to_shareholder_id: m.to.map(|s| s.to_string()),
            sign: m.sign,
            reason: m.reason.clone(),
            external_reference: m.external_reference.clone(),
            reverses_seq: m.reverses_seq,
            actor: r.actor.clone(),
            idempotency_key: r.idempotency_key.clone(),
            prev_seq: (r.seq > 1).then_some(r.seq - 1),
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
            request_entries: None,
            request_hash: None,
            request_id: None,
            audit: None,
        }
    }

    /// Makes this the closing entry of `req`, which posted `records` (ending with this one):
    /// it carries the request's Idempotency-Key record and audit event.
    fn close_request(&mut self, req: &AppendRequest, records: &[EntryRecord]) {
        self.request_entries =
            Some(i32::try_from(records.len()).expect("a request posts at most 1,000"));
        self.request_hash = req
            .idempotency_key
            .as_ref()
            .map(|_| req.request_hash.clone());
        if let Some(event) = &req.audit {
            self.request_id = event.request_id.clone();
            self.audit = Some(
                serde_json::to_string(&requests::RequestAudit {
                    action: event.action.clone(),
                    actor_role: event.actor_role.clone(),
                    source_ip: event.source_ip.clone(),
                    support_session_id: event.support_session_id.clone(),
                    details: serde_json::json!({
                        "seqs": records.iter().map(|r| r.seq).collect::<Vec<_>>(),
                        "kinds": records.iter().map(|r| r.movement.kind.as_str()).collect::<Vec<_>>(),
                    }),
                })
                .expect("an audit record serialises"),
            );
        }
    }

    pub fn to_record(&self) -> Result<EntryRecord, StoreError> {
        let kind = EntryKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("entry kind {:?}", self.kind)))?;
        Ok(EntryRecord {
            tenant_id: parse_id(&self.tenant_id)?,
            seq: self.seq,
            id: parse_id(&self.id)?,
            recorded_at: from_db_time(self.recorded_at),
            actor: self.actor.clone(),
            idempotency_key: self.idempotency_key.clone(),
            movement: Movement {
                kind,
                effective_date: self.effective_date,
                movement_date: self.movement_date,
                share_class_id: parse_id(&self.share_class_id)?,
                quantity: self.quantity,
                capital_cents: self.capital_cents,
                paid_cents: self.paid_cents,
                price_per_share_cents: self.price_per_share_cents,
                amount_cents: self.amount_cents,
                from: self
                    .from_shareholder_id
                    .as_deref()
                    .map(parse_id)
                    .transpose()?,
                to: self
                    .to_shareholder_id
                    .as_deref()
                    .map(parse_id)
                    .transpose()?,
                sign: self.sign,
                reverses_seq: self.reverses_seq,
                reason: self.reason.clone(),
                external_reference: self.external_reference.clone(),
            },
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// One request to post entries: a single entry or an all-or-nothing batch.
#[derive(Clone, Debug)]
pub struct AppendRequest {
    pub tenant_id: TenantId,
    /// The user id that posts.
    pub actor: String,
    pub idempotency_key: Option<String>,
    /// A digest of the request body: a key reused with another body is refused.
    pub request_hash: String,
    pub drafts: Vec<EntryDraft>,
    /// Recorded in the same transaction as the entries.
    pub audit: Option<NewAuditEvent>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Appended {
    /// Newly posted.
    Posted(Vec<EntryRecord>),
    /// The same Idempotency-Key was seen before: the entries it posted then.
    Replayed(Vec<EntryRecord>),
}

impl Appended {
    pub fn entries(&self) -> &[EntryRecord] {
        match self {
            Appended::Posted(e) | Appended::Replayed(e) => e,
        }
    }
}

/// What posting a request would do: the entries it would append and, for each holder they
/// name, the holdings after them (every class, all dates).
#[derive(Clone, Debug)]
pub struct Preview {
    pub entries: Vec<EntryRecord>,
    pub holdings_after: Vec<(ShareholderId, Vec<Position>)>,
}

/// Shows what `req` would do without doing it: the request is appended by [`append`], under
/// the same rules and database constraints as a real post, and the transaction is rolled
/// back. A refusal is the refusal the real post would get (unless the register changes in
/// between; the real post checks again).
pub fn preview(
    conn: &mut DbConnection,
    req: &AppendRequest,
    now: DateTime<Utc>,
) -> Result<Preview, StoreError> {
    /// How the rolled-back transaction ended: with the preview, or refused.
    enum End {
        Seen(Preview),
        Refused(StoreError),
    }
    impl From<StoreError> for End {
        fn from(e: StoreError) -> Self {
            End::Refused(e)
        }
    }
    let after = Moment {
        as_of: NaiveDate::MAX,
        as_of_seq: i64::MAX,
    };
    let ended = crate::write_transaction::<(), End, _>(conn, |conn| {
        let req = AppendRequest {
            idempotency_key: None,
            audit: None,
            ..req.clone()
        };
        let entries = append(conn, &req, now)?.entries().to_vec();
        let mut holders: Vec<ShareholderId> = entries
            .iter()
            .flat_map(|e| [e.movement.from, e.movement.to])
            .flatten()
            .collect();
        holders.sort();
        holders.dedup();
        let mut holdings_after = Vec::with_capacity(holders.len());
        for holder in holders {
            let positions = holder_positions(conn, &req.tenant_id, &holder, after)?;
            holdings_after.push((holder, positions));
        }
        Err(End::Seen(Preview {
            entries,
            holdings_after,
        }))
    });
    match ended {
        Err(End::Seen(preview)) => Ok(preview),
        Err(End::Refused(e)) => Err(e),
        Ok(()) => unreachable!("a preview always rolls back"),
    }
}
