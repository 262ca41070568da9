//! What the register's documents show, as plain data.
//!
//! A certificate's content is recorded when it is issued (SPEC §3) and the PDF is
//! rendered from that record alone, so the same record always gives the same document.
//! Everything a document prints is therefore a field here, already in the form it is
//! printed in (formatted identifiers, the holder's name as it was that day); the renderer
//! only lays it out and translates the fixed labels.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::types::{Language, TransferRule};

/// Version of the certificate layout. A record keeps the version it was issued with, so a
/// later layout can still reproduce an old certificate byte for byte: bump this when the
/// rendered output changes, and keep rendering older versions the old way.
pub const CERTIFICATE_LAYOUT: u32 = 1;

/// A postal address as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// The cooperative as it appears at the head of every document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cooperative {
    pub legal_name: String,
    /// e.g. "CV" / "SC".
    pub legal_form: String,
    /// Formatted, e.g. "0403.019.261".
    pub enterprise_number: String,
    pub seat: PostalAddress,
}

/// A shareholder as the register names them on the document's date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub register_number: i64,
    /// "First Last" for a natural person, the legal name for a legal person.
    pub name: String,
    /// Formatted enterprise number of a legal person.
    pub enterprise_number: Option<String>,
    /// Domicile or registered office.
    pub address: PostalAddress,
}

/// The terms of a share class that documents print next to a holding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTerms {
    pub code: String,
    pub name: String,
    pub nominal_value: Money,
    pub votes_per_share: i32,
    pub dividend_rights: bool,
    pub transfer_rule: TransferRule,
}

/// What one holder has in one class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingLine {
    pub class: ClassTerms,
    pub quantity: i64,
    /// Subscribed capital of these shares.
    pub subscribed: Money,
    pub paid_up: Money,
}

/// Who signs for the cooperative; the images are referenced by the SHA-256 of their bytes
/// so a record keeps pointing at the exact image it was issued with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub name: String,
    pub title: Option<String>,
    pub signature_image: Option<String>,
}

/// Where in the ledger a document stands: entries 1..=seq, the last one with this hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerPoint {
    pub seq: i64,
    pub hash: String,
}

/// Everything a share certificate shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateContent {
    pub layout: u32,
    pub language: Language,
    pub certificate_id: String,
    /// Per tenant, from 1, without gaps.
    pub number: i64,
    pub as_of: NaiveDate,
    /// The Brussels date it was issued on.
    pub issued_on: NaiveDate,
    pub ledger: LedgerPoint,
    pub verify_url: String,
    pub cooperative: Cooperative,
    pub logo_image: Option<String>,
    pub signatory: Option<Signatory>,
    pub holder: Holder,
    /// One line per class held, in class-code order; empty when the holder holds nothing.
    pub holdings: Vec<HoldingLine>,
}

/// Totals of one class in the register extract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTotals {
    pub holders: i64,
    pub quantity: i64,
    pub subscribed: Money,
    pub paid_up: Money,
}

/// One holder's line in a class section of the register extract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterLine {
    pub holder: Holder,
    pub quantity: i64,
    pub subscribed: Money,
    pub paid_up: Money,
}

/// One class of the register extract: its terms, every holder, its totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterSection {
    pub class: ClassTerms,
    pub lines: Vec<RegisterLine>,
    pub totals: ClassTotals,
}

/// The whole register as of a date: the printable register the law asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterExtract {
    pub language: Language,
    pub as_of: NaiveDate,
    pub generated_on: NaiveDate,
    pub ledger: LedgerPoint,
    pub cooperative: Cooperative,
    /// In class-code order; a class nobody holds still appears, with zero totals.
    pub sections: Vec<RegisterSection>,
}

/// What kind of movement a history line is, for its printed label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Issue,
    TransferIn,
    TransferOut,
    Redemption,
    Payment,
    /// The cancellation of an earlier entry: its effect, with the opposite sign.
    Reversal,
}

/// The other holder of a transfer, as the reader of a history may see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counterparty {
    /// By name and register number.
    Named(String),
    /// Another holder whom the reader may not identify (README "Privacy": a shareholder
    /// reading their own history); printed as "another shareholder".
    Withheld,
}

/// One entry of a holder's history, as it touched that holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub seq: i64,
    pub effective_date: NaiveDate,
    pub kind: MovementKind,
    pub class_code: String,
    /// Signed change in shares held.
    pub quantity: i64,
    /// Signed change in paid-up capital, in cents (a redemption lowers it).
    pub paid_cents: i64,
    /// What was repaid, for a redemption.
    pub repaid: Option<Money>,
    /// The other holder of a transfer.
    pub counterparty: Option<Counterparty>,
    /// A redemption's or reversal's reason, or "reverses #seq".
    pub note: Option<String>,
    /// Shares held in this class after the line.
    pub balance: i64,
}

/// One shareholder's full history up to a date, with what they hold at its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderHistory {
    pub language: Language,
    pub as_of: NaiveDate,
    pub generated_on: NaiveDate,
    pub ledger: LedgerPoint,
    pub cooperative: Cooperative,
    pub holder: Holder,
    /// In effective-date order, then ledger order.
    pub lines: Vec<HistoryLine>,
    pub closing: Vec<HoldingLine>,
}

/// A holder's history lines from the ledger entries that touch them, in the order the
/// register takes effect (movement date, then sequence). `class_code` and `name` say how
/// to print a class and a counterparty.
pub fn history_lines(
    holder: crate::ids::ShareholderId,
    entries: &[crate::chain::EntryRecord],
    class_code: impl Fn(&crate::ids::ShareClassId) -> String,
    name: impl Fn(&crate::ids::ShareholderId) -> Counterparty,
) -> Vec<HistoryLine> {
    use crate::types::EntryKind;
    let mut touching: Vec<&crate::chain::EntryRecord> = entries
        .iter()
        .filter(|e| e.movement.to == Some(holder) || e.movement.from == Some(holder))
        .collect();
    touching.sort_by_key(|e| (e.movement.movement_date, e.seq));
    let mut balances: std::collections::HashMap<crate::ids::ShareClassId, i64> =
        std::collections::HashMap::new();
    touching
        .into_iter()
        .map(|e| {
            let m = &e.movement;
            let incoming = m.to == Some(holder);
            let direction: i64 = if incoming { 1 } else { -1 };
            let sign = i64::from(m.sign) * direction;
            let quantity = sign * m.quantity;
            let balance = balances.entry(m.share_class_id).or_default();
            *balance += quantity;
            let other = if incoming { m.from } else { m.to };
            let kind = match m.kind {
                EntryKind::Issue => MovementKind::Issue,
                EntryKind::Transfer if incoming => MovementKind::TransferIn,
                EntryKind::Transfer => MovementKind::TransferOut,
                EntryKind::Redemption => MovementKind::Redemption,
                EntryKind::Payment => MovementKind::Payment,
                EntryKind::Reversal => MovementKind::Reversal,
            };
            let note = match (m.reverses_seq, &m.reason) {
                (Some(seq), Some(reason)) => Some(format!("#{seq}: {reason}")),
                (Some(seq), None) => Some(format!("#{seq}")),
                (None, reason) => reason.clone(),
            };
            HistoryLine {
                seq: e.seq,
                effective_date: m.movement_date,
                kind,
                class_code: class_code(&m.share_class_id),
                quantity,
                paid_cents: sign * m.paid_cents,
                repaid: match m.kind {
                    EntryKind::Redemption => m.amount_cents.and_then(|c| Money::from_cents(c).ok()),
                    _ => None,
                },
                counterparty: other.map(|o| name(&o)),
                note,
                balance: *balance,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::EntryRecord;
    use crate::ids::{EntryId, ShareClassId, ShareholderId, TenantId};
    use crate::ledger::Movement;
    use crate::types::EntryKind;

    fn entry(
        seq: i64,
        kind: EntryKind,
        date: &str,
        q: i64,
        from: Option<ShareholderId>,
        to: Option<ShareholderId>,
    ) -> EntryRecord {
        let date: NaiveDate = date.parse().unwrap();
        EntryRecord {
            tenant_id: TenantId::new(),
            seq,
            id: EntryId::new(),
            recorded_at: chrono::Utc::now(),
            actor: "test".into(),
            idempotency_key: None,
            movement: Movement {
                kind,
                effective_date: date,
                movement_date: date,
                share_class_id: ShareClassId(uuid::Uuid::nil()),
                quantity: q,
                capital_cents: q * 100,
                paid_cents: q * 100,
                price_per_share_cents: None,
                amount_cents: (kind == EntryKind::Redemption).then_some(q * 90),
                from,
                to,
                sign: if kind == EntryKind::Reversal { -1 } else { 1 },
                reverses_seq: None,
                reason: None,
                external_reference: None,
            },
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn history_runs_a_balance_in_register_order_and_names_the_other_side() {
        let me = ShareholderId::new();
        let other = ShareholderId::new();
        let entries = vec![
            entry(
                2,
                EntryKind::Transfer,
                "2026-03-01",
                4,
                Some(me),
                Some(other),
            ),
            entry(1, EntryKind::Issue, "2026-01-10", 10, None, Some(me)),
            entry(3, EntryKind::Issue, "2026-02-01", 7, None, Some(other)),
            entry(4, EntryKind::Redemption, "2026-04-01", 2, Some(me), None),
        ];
        let lines = history_lines(
            me,
            &entries,
            |_| "A".into(),
            |_| Counterparty::Named("R2 Other".into()),
        );
        let summary: Vec<_> = lines
            .iter()
            .map(|l| (l.seq, l.kind, l.quantity, l.balance))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, MovementKind::Issue, 10, 10),
                (2, MovementKind::TransferOut, -4, 6),
                (4, MovementKind::Redemption, -2, 4),
            ]
        );
        assert_eq!(
            lines[1].counterparty,
            Some(Counterparty::Named("R2 Other".into()))
        );
        assert_eq!(lines[2].repaid, Some(Money::from_cents(180).unwrap()));
        assert_eq!(lines[2].paid_cents, -200);
    }

    #[test]
    fn a_reversal_undoes_the_movement_it_copies() {
        let me = ShareholderId::new();
        let mut reversal = entry(2, EntryKind::Reversal, "2026-01-10", 10, None, Some(me));
        reversal.movement.reverses_seq = Some(1);
        reversal.movement.reason = Some("typo".into());
        let entries = vec![
            entry(1, EntryKind::Issue, "2026-01-10", 10, None, Some(me)),
            reversal,
        ];
        let lines = history_lines(me, &entries, |_| "A".into(), |_| Counterparty::Withheld);
        assert_eq!(lines[1].kind, MovementKind::Reversal);
        assert_eq!(lines[1].quantity, -10);
        assert_eq!(lines[1].balance, 0);
        assert_eq!(lines[1].note.as_deref(), Some("#1: typo"));
    }
}
