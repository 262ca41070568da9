//! The whole cooperative as an Open Cap Format package (see [`dar_ocf::write`]): its
//! classes, its ledger in the order the movements take effect (a page at a time), then its
//! holders, zipped as they are read.

use std::collections::HashSet;
use std::io::Write;

use chrono::{NaiveDate, Utc};
use dar_core::ids::TenantId;
use dar_core::types::EntryKind;
use dar_db::DbConnection;
use dar_db::ledger;
use dar_db::shareholders::{self, ShareholderFilter, ShareholderRow};
use dar_ocf::write::{Class, Entry, Holder, Issuer, Kind, Package};

use super::{PAGE, holders_by_id};

/// Writes `tenant` as an OCF package to `out`; returns `out`, flushed.
pub fn write<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    as_of: NaiveDate,
    out: W,
) -> anyhow::Result<W> {
    let row = dar_db::tenants::get(conn, tenant)?;
    let classes = dar_db::share_classes::list(conn, tenant)?;
    let codes = ledger::class_codes(conn, tenant)?;
    let mut package = Package::new(out);
    package.classes(
        &classes
            .iter()
            .map(|c| Class {
                code: c.code.clone(),
                name: c.name.clone(),
                nominal_cents: c.nominal_value_cents,
                issue_price_cents: c.issue_price_cents,
                votes_per_share: c.votes_per_share,
                notes: class_notes(c),
            })
            .collect::<Vec<_>>(),
    )?;
    let reversed: HashSet<i64> = ledger::reversed_seqs(conn, tenant)?.into_iter().collect();
    let mut after = None;
    let mut entries = 0u64;
    loop {
        let page = ledger::by_movement_date(conn, tenant, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some((last.movement.movement_date, last.seq));
        let named = page
            .iter()
            .flat_map(|e| [e.movement.from, e.movement.to])
            .flatten()
            .map(|h| h.to_string());
        let holders = holders_by_id(conn, tenant, named)?;
        let number = |id: Option<dar_core::ids::ShareholderId>| -> anyhow::Result<Option<i64>> {
            id.map(|id| {
                holders
                    .get(&id.to_string())
                    .map(|h| h.register_number)
                    .ok_or_else(|| anyhow::anyhow!("holder {id} of the ledger"))
            })
            .transpose()
        };
        for e in &page {
            let m = &e.movement;
            // A reversal and what it cancels take effect on the same date: together they
            // change nothing on any date.
            if m.kind == EntryKind::Reversal || reversed.contains(&e.seq) {
                continue;
            }
            let kind = match m.kind {
                EntryKind::Issue => Kind::Issue,
                EntryKind::Transfer => Kind::Transfer,
                EntryKind::Redemption => Kind::Redemption,
                EntryKind::Payment => Kind::Payment,
                EntryKind::Reversal => continue,
            };
            let class = codes
                .get(&m.share_class_id.to_string())
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("class {} of entry {}", m.share_class_id, e.seq))?;
            package.entry(Entry {
                seq: e.seq,
                kind,
                date: m.movement_date,
                class,
                from: number(m.from)?,
                to: number(m.to)?,
                quantity: m.quantity,
                capital_cents: m.capital_cents,
                paid_cents: m.paid_cents,
                price_per_share_cents: m.price_per_share_cents,
                amount_cents: m.amount_cents,
                reason: m.reason.clone(),
                reference: m.external_reference.clone(),
            })?;
            entries += 1;
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    package.end_entries()?;
    let mut after = 0;
    let mut holders = 0u64;
    loop {
        let page = shareholders::list(conn, tenant, &ShareholderFilter::default(), after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.register_number;
        for h in &page {
            package.holder(&holder(h))?;
        }
        holders += page.len() as u64;
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    let issuer = Issuer {
        legal_name: row.legal_name.clone(),
        enterprise_number: row.enterprise_number.clone(),
        street: row.street.clone(),
        postal_code: row.postal_code.clone(),
        city: row.city.clone(),
        country: row.country.clone(),
        registered_since: row.created_at.date(),
    };
    let transactions = package.transactions();
    let out = package.finish(&issuer, as_of, Utc::now().fixed_offset())?;
    tracing::info!(entries, transactions, holders, "OCF package written");
    Ok(out)
}

/// What OCF has no field for in a class, as sentences.
fn class_notes(c: &dar_db::share_classes::ShareClassRow) -> Vec<String> {
    let mut notes = vec![format!(
        "Transfer rule: {}. Dividend rights: {}.",
        c.transfer_rule,
        if c.dividend_rights { "yes" } else { "no" }
    )];
    if let Some(max) = c.max_shares_per_holder {
        notes.push(format!("At most {max} shares per holder."));
    }
    notes
}

fn holder(h: &ShareholderRow) -> Holder {
    Holder {
        register_number: h.register_number,
        natural_person: h.kind == "natural",
        first_name: h.first_name.clone(),
        last_name: h.last_name.clone(),
        legal_name: h.legal_name.clone(),
        national_number: h.national_number.clone(),
        enterprise_number: h.enterprise_number.clone(),
        birth_date: h.birth_date,
        street: h.street.clone(),
        postal_code: h.postal_code.clone(),
        city: h.city.clone(),
        country: h.country.clone(),
        email: h.email.clone(),
        phone: h.phone.clone(),
        iban: h.iban.clone(),
        language: h.language.clone(),
        admission_date: h.admission_date,
        exit_date: h.exit_date,
        exit_reason: h.exit_reason.clone(),
    }
}
