//! The register extract and a holder's history, read at one ledger head.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::Connection;

use crate::certificates::{
    class_terms, cooperative, holder_block, holders_by_id, identities_on, money,
};
use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::ledger::{self, EntryFilter, Moment};
use crate::share_classes;
use crate::tenants;
use dar_core::documents::{
    ClassTotals, Counterparty, HolderHistory, HoldingLine, LedgerPoint, RegisterExtract,
    RegisterLine, RegisterSection, history_lines,
};
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::types::Language;

const PAGE: i64 = 1000;

fn ledger_point(tenant: &tenants::TenantRow) -> LedgerPoint {
    LedgerPoint {
        seq: tenant.ledger_head_seq,
        hash: tenant.ledger_head_hash.clone(),
    }
}

/// The whole register at the end of `as_of`, per class, with every holder's name and
/// address as they were that day. Read in one transaction, so the head it names is the
/// head it shows.
pub fn register_extract(
    conn: &mut DbConnection,
    tenant_id: &TenantId,
    as_of: NaiveDate,
    language: Language,
    generated_on: NaiveDate,
) -> Result<RegisterExtract, StoreError> {
    conn.transaction(|conn| {
        let tenant = tenants::get(conn, tenant_id)?;
        let moment = Moment {
            as_of,
            as_of_seq: tenant.ledger_head_seq,
        };
        let classes = share_classes::list(conn, tenant_id)?;
        let mut lines: BTreeMap<String, Vec<RegisterLine>> = BTreeMap::new();
        let mut after: Option<(i64, String)> = None;
        loop {
            let rows = ledger::holdings(conn, tenant_id, moment, after.clone(), PAGE)?;
            let Some(last) = rows.last() else { break };
            after = Some((last.register_number, last.share_class.clone()));
            let ids: Vec<String> = rows.iter().map(|r| r.shareholder_id.clone()).collect();
            let holders: HashMap<String, _> = holders_by_id(conn, tenant_id, &ids)?
                .into_iter()
                .map(|h| (h.id.clone(), h))
                .collect();
            let identities = identities_on(conn, tenant_id, &ids, as_of)?;
            for row in rows {
                let holder = holders
                    .get(&row.shareholder_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("holder {}", row.shareholder_id)))?;
                lines
                    .entry(row.share_class.clone())
                    .or_default()
                    .push(RegisterLine {
                        holder: holder_block(holder, identities.get(&row.shareholder_id)),
                        quantity: row.quantity,
                        subscribed: money(row.capital_cents)?,
                        paid_up: money(row.paid_cents)?,
                    });
            }
        }
        let mut sections = Vec::with_capacity(classes.len());
        let mut sorted = classes;
        sorted.sort_by(|a, b| a.code.cmp(&b.code));
        for class in &sorted {
            let class_lines = lines.remove(&class.code).unwrap_or_default();
            let totals = ClassTotals {
                holders: class_lines.iter().filter(|l| l.quantity > 0).count() as i64,
                quantity: class_lines.iter().map(|l| l.quantity).sum(),
                subscribed: money(class_lines.iter().map(|l| l.subscribed.cents()).sum())?,
                paid_up: money(class_lines.iter().map(|l| l.paid_up.cents()).sum())?,
            };
            sections.push(RegisterSection {
                class: class_terms(class)?,
                lines: class_lines,
                totals,
            });
        }
        Ok(RegisterExtract {
            language,
            as_of,
            generated_on,
            ledger: ledger_point(&tenant),
            cooperative: cooperative(&tenant)?,
            sections,
        })
    })
}

/// What a history says about the other holder of a transfer (README "Privacy").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counterparties {
    /// Name and register number: for those who keep or read the register.
    Named,
    /// Nothing: the other holder's identity is not read at all.
    Withheld,
}

/// One holder's every movement up to the end of `as_of`, and what they hold then.
pub fn holder_history(
    conn: &mut DbConnection,
    tenant_id: &TenantId,
    holder_id: &ShareholderId,
    as_of: NaiveDate,
    language: Language,
    generated_on: NaiveDate,
    counterparties: Counterparties,
) -> Result<HolderHistory, StoreError> {
    conn.transaction(|conn| {
        let tenant = tenants::get(conn, tenant_id)?;
        let holder = crate::shareholders::get(conn, tenant_id, holder_id)?;
        let classes: HashMap<String, share_classes::ShareClassRow> =
            share_classes::list(conn, tenant_id)?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
        let filter = EntryFilter {
            shareholder: Some(*holder_id),
            ..EntryFilter::default()
        };
        let mut entries = Vec::new();
        let mut after = 0;
        loop {
            let page = ledger::list(conn, tenant_id, &filter, after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            entries.extend(
                page.into_iter().filter(|e| {
                    e.seq <= tenant.ledger_head_seq && e.movement.movement_date <= as_of
                }),
            );
        }
        let others: Vec<String> = match counterparties {
            Counterparties::Named => entries
                .iter()
                .flat_map(|e| [e.movement.from, e.movement.to])
                .flatten()
                .filter(|id| id != holder_id)
                .map(|id| id.to_string())
                .collect(),
            Counterparties::Withheld => Vec::new(),
        };
        let names: HashMap<String, String> = {
            let identities = identities_on(conn, tenant_id, &others, as_of)?;
            holders_by_id(conn, tenant_id, &others)?
                .into_iter()
                .map(|h| {
                    let block = holder_block(&h, identities.get(&h.id));
                    (
                        h.id.clone(),
                        format!("{} ({})", block.name, block.register_number),
                    )
                })
                .collect()
        };
        let lines = history_lines(
            *holder_id,
            &entries,
            |class| {
                classes
                    .get(&class.to_string())
                    .map_or_else(|| class.to_string(), |c| c.code.clone())
            },
            |other| match counterparties {
                Counterparties::Named => {
                    Counterparty::Named(names.get(&other.to_string()).cloned().unwrap_or_default())
                }
                Counterparties::Withheld => Counterparty::Withheld,
            },
        );
        let moment = Moment {
            as_of,
            as_of_seq: tenant.ledger_head_seq,
        };
        let by_code: HashMap<&str, &share_classes::ShareClassRow> =
            classes.values().map(|c| (c.code.as_str(), c)).collect();
        let closing = ledger::holder_holdings(conn, tenant_id, holder_id, moment)?
            .into_iter()
            .map(|h| {
                let class = by_code
                    .get(h.share_class.as_str())
                    .ok_or_else(|| StoreError::Corrupt(format!("class {}", h.share_class)))?;
                Ok(HoldingLine {
                    class: class_terms(class)?,
                    quantity: h.quantity,
                    subscribed: money(h.capital_cents)?,
                    paid_up: money(h.paid_cents)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let identity = identities_on(conn, tenant_id, std::slice::from_ref(&holder.id), as_of)?;
        Ok(HolderHistory {
            language,
            as_of,
            generated_on,
            ledger: ledger_point(&tenant),
            cooperative: cooperative(&tenant)?,
            holder: holder_block(&holder, identity.get(&holder.id)),
            lines,
            closing,
        })
    })
}
