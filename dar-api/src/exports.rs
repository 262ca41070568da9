//! The register as of a moment, the ledger and the shareholder list as tables (CSV or XLSX,
//! see [`dar_documents::tabular`]), read a page at a time by key and written as they are
//! read: an export of any size goes out in flat memory. The whole cooperative as an Open
//! Cap Format package is in [`ocf`].
//!
//! Columns have stable English names, the same in every format, so a bookkeeping import
//! set up once keeps working. Amounts are euros with two decimals; the ledger's amounts and
//! quantities carry the entry's direction (a reversal's are negative).

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use dar_core::chain::EntryRecord;
use dar_core::ids::TenantId;
use dar_db::DbConnection;
use dar_db::certificates;
use dar_db::ledger::{self, EntryFilter, Moment};
use dar_db::shareholders::{self, RegisterName, ShareholderFilter, ShareholderRow};
use dar_documents::tabular::{Cell, Format, Table};

pub mod ocf;

/// Rows read per query.
const PAGE: i64 = 1000;
/// Holdings of the register read per page: each page is a few statements planned afresh,
/// so fewer, larger pages cost the database less (5,000 lines are still only a megabyte).
const REGISTER_PAGE: i64 = 5000;

#[derive(Clone, Copy, Debug)]
pub enum Export {
    /// Every holding at a moment, by register number and class.
    Register(Moment),
    /// Every entry, in sequence order.
    Ledger,
    /// Every shareholder, by register number.
    Shareholders,
    /// What the entries effective in a period (both days included) did to each holder's
    /// capital, a line per holder an entry moves, for a bookkeeping import.
    CapitalMovements { from: NaiveDate, to: NaiveDate },
}

/// What a download writes: a table in a format, or the whole cooperative as an Open Cap
/// Format package (a ZIP archive of its own, to which CSV or XLSX do not apply).
#[derive(Clone, Copy, Debug)]
pub enum Download {
    Table(Export, Format),
    Ocf { as_of: NaiveDate },
}

impl Download {
    /// `register`, `ledger`, …, `ocf`: the audit event's object and the file name.
    pub fn name(&self) -> &'static str {
        match self {
            Download::Table(export, _) => export.name(),
            Download::Ocf { .. } => "ocf",
        }
    }

    /// The content type and file extension.
    pub fn content(&self) -> (&'static str, &'static str) {
        match self {
            Download::Table(_, format) => (format.content_type(), format.extension()),
            Download::Ocf { .. } => ("application/zip", "zip"),
        }
    }

    /// The date the file name carries: the moment or period's end, else today.
    pub fn date(&self) -> NaiveDate {
        match self {
            Download::Table(Export::Register(m), _) => m.as_of,
            Download::Table(Export::CapitalMovements { to, .. }, _) => *to,
            Download::Ocf { as_of } => *as_of,
            Download::Table(_, _) => dar_core::time::brussels_date(chrono::Utc::now()),
        }
    }

    /// What the audit event records of it.
    pub fn details(&self) -> serde_json::Value {
        match self {
            Download::Table(Export::Register(m), f) => serde_json::json!({
                "format": f.extension(), "as_of": m.as_of, "as_of_seq": m.as_of_seq,
            }),
            Download::Table(Export::CapitalMovements { from, to }, f) => serde_json::json!({
                "format": f.extension(), "from": from, "to": to,
            }),
            Download::Table(_, f) => serde_json::json!({ "format": f.extension() }),
            Download::Ocf { as_of } => serde_json::json!({ "format": "ocf", "as_of": as_of }),
        }
    }
}

const REGISTER_COLUMNS: &[&str] = &[
    "register_number",
    "name",
    "kind",
    "share_class",
    "shares",
    "subscribed",
    "paid_up",
    "unpaid",
    "street",
    "postal_code",
    "city",
    "country",
];

const LEDGER_COLUMNS: &[&str] = &[
    "seq",
    "kind",
    "effective_date",
    "movement_date",
    "share_class",
    "from_register_number",
    "from_name",
    "to_register_number",
    "to_name",
    "shares",
    "price_per_share",
    "subscribed",
    "paid_up",
    "amount",
    "reverses_seq",
    "reason",
    "external_reference",
    "recorded_at",
    "entry_id",
    "hash",
];

const SHAREHOLDER_COLUMNS: &[&str] = &[
    "register_number",
    "name",
    "kind",
    "status",
    "first_name",
    "last_name",
    "legal_name",
    "enterprise_number",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
    "iban",
    "language",
    "admission_date",
    "exit_date",
    "exit_reason",
];

const CAPITAL_COLUMNS: &[&str] = &[
    "date",
    "seq",
    "kind",
    "register_number",
    "name",
    "share_class",
    "subscribed",
    "paid_up",
    "repaid",
    "external_reference",
    "reason",
    "entry_id",
];

impl Export {
    /// `register`, `ledger` or `shareholders`: the audit event's object and the file name.
    pub fn name(&self) -> &'static str {
        match self {
            Export::Register(_) => "register",
            Export::Ledger => "ledger",
            Export::Shareholders => "shareholders",
            Export::CapitalMovements { .. } => "capital-movements",
        }
    }

    fn sheet(&self) -> &'static str {
        match self {
            Export::Register(_) => "Register",
            Export::Ledger => "Ledger",
            Export::Shareholders => "Shareholders",
            Export::CapitalMovements { .. } => "Capital movements",
        }
    }

    fn columns(&self) -> &'static [&'static str] {
        match self {
            Export::Register(_) => REGISTER_COLUMNS,
            Export::Ledger => LEDGER_COLUMNS,
            Export::Shareholders => SHAREHOLDER_COLUMNS,
            Export::CapitalMovements { .. } => CAPITAL_COLUMNS,
        }
    }
}

/// Writes `download` of `tenant` to `out`; returns `out`, flushed.
pub fn write<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    download: Download,
    out: W,
) -> anyhow::Result<W> {
    let (export, format) = match download {
        Download::Table(export, format) => (export, format),
        Download::Ocf { as_of } => return ocf::write(conn, tenant, as_of, out),
    };
    let mut table = Table::start(out, format, export.sheet(), export.columns())?;
    let mut rows = 0usize;
    match export {
        Export::Register(moment) => register(conn, tenant, moment, &mut table, &mut rows)?,
        Export::Ledger => entries(conn, tenant, &mut table, &mut rows)?,
        Export::Shareholders => holders(conn, tenant, &mut table, &mut rows)?,
        Export::CapitalMovements { from, to } => {
            capital(conn, tenant, (from, to), &mut table, &mut rows)?
        }
    }
    tracing::info!(export = export.name(), rows, "export written");
    Ok(table.finish()?)
}

/// The holders with these ids, by id.
fn holders_by_id(
    conn: &mut DbConnection,
    tenant: &TenantId,
    ids: impl Iterator<Item = String>,
) -> anyhow::Result<HashMap<String, ShareholderRow>> {
    let mut ids: Vec<String> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(certificates::holders_by_id(conn, tenant, &ids)?
        .into_iter()
        .map(|h| (h.id.clone(), h))
        .collect())
}

/// The entries `filter` selects, a page at a time in sequence order, each handed to `row`
/// with the holders its page names (by id) and the tenant's class codes (by class id).
fn each_entry(
    conn: &mut DbConnection,
    tenant: &TenantId,
    filter: &EntryFilter,
    mut row: impl FnMut(
        &EntryRecord,
        &HashMap<String, ShareholderRow>,
        &HashMap<String, String>,
    ) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let codes = ledger::class_codes(conn, tenant)?;
    let mut after = 0;
    loop {
        let page: Vec<EntryRecord> = ledger::list(conn, tenant, filter, after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.seq;
        let named = page
            .iter()
            .flat_map(|e| [e.movement.from, e.movement.to])
            .flatten()
            .map(|h| h.to_string());
        let holders = holders_by_id(conn, tenant, named)?;
        for entry in &page {
            row(entry, &holders, &codes)?;
        }
        if (page.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

fn register<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: Moment,
    table: &mut Table<W>,
    rows: &mut usize,
) -> anyhow::Result<()> {
    let mut after: Option<(i64, String)> = None;
    loop {
        let page = ledger::holdings_page(conn, tenant, moment, after.clone(), REGISTER_PAGE)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some((last.register_number, last.share_class.clone()));
        // The page's holders as a range of register numbers (an index range), not a list
        // of thousands of ids, and only what a line shows.
        let holders: HashMap<String, RegisterName> = shareholders::register_names(
            conn,
            tenant,
            page[0].register_number,
            last.register_number,
        )?
        .into_iter()
        .map(|h| (h.id.clone(), h))
        .collect();
        for line in &page {
            let h = holders
                .get(&line.shareholder_id)
                .ok_or_else(|| anyhow::anyhow!("holder {} of a holding", line.shareholder_id))?;
            table.row(&[
                Cell::Int(line.register_number),
                Cell::Text(&h.display_name()),
                Cell::Text(&h.kind),
                Cell::Text(&line.share_class),
                Cell::Int(line.quantity),
                Cell::Cents(line.capital_cents),
                Cell::Cents(line.paid_cents),
                Cell::Cents(line.capital_cents - line.paid_cents),
                h.street.as_deref().into(),
                h.postal_code.as_deref().into(),
                h.city.as_deref().into(),
                h.country.as_deref().into(),
            ])?;
        }
        *rows += page.len();
        if (page.len() as i64) < REGISTER_PAGE {
            return Ok(());
        }
    }
}

fn entries<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    table: &mut Table<W>,
    rows: &mut usize,
) -> anyhow::Result<()> {
    each_entry(
        conn,
        tenant,
        &EntryFilter::default(),
        |entry, holders, codes| {
            let m = &entry.movement;
            let side = |holder: Option<dar_core::ids::ShareholderId>| {
                holder
                    .and_then(|id| holders.get(&id.to_string()))
                    .map(|h| (h.register_number, h.display_name()))
            };
            let (from, to) = (side(m.from), side(m.to));
            let sign = i64::from(m.sign);
            let class = codes
                .get(&m.share_class_id.to_string())
                .map(String::as_str)
                .unwrap_or_default();
            let recorded_at = entry.recorded_at.to_rfc3339();
            let id = entry.id.to_string();
            table.row(&[
                Cell::Int(entry.seq),
                Cell::Text(m.kind.as_str()),
                Cell::Date(m.effective_date),
                Cell::Date(m.movement_date),
                Cell::Text(class),
                from.as_ref().map_or(Cell::Empty, |(n, _)| Cell::Int(*n)),
                from.as_ref()
                    .map_or(Cell::Empty, |(_, name)| Cell::Text(name)),
                to.as_ref().map_or(Cell::Empty, |(n, _)| Cell::Int(*n)),
                to.as_ref()
                    .map_or(Cell::Empty, |(_, name)| Cell::Text(name)),
                Cell::Int(sign * m.quantity),
                m.price_per_share_cents.map_or(Cell::Empty, Cell::Cents),
                Cell::Cents(sign * m.capital_cents),
                Cell::Cents(sign * m.paid_cents),
                m.amount_cents
                    .map_or(Cell::Empty, |a| Cell::Cents(sign * a)),
                m.reverses_seq.map_or(Cell::Empty, Cell::Int),
                m.reason.as_deref().into(),
                m.external_reference.as_deref().into(),
                Cell::Text(&recorded_at),
                Cell::Text(&id),
                Cell::Text(&entry.hash),
            ])?;
            *rows += 1;
            Ok(())
        },
    )
}

fn holders<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    table: &mut Table<W>,
    rows: &mut usize,
) -> anyhow::Result<()> {
    let mut after = 0;
    loop {
        let page = shareholders::list(conn, tenant, &ShareholderFilter::default(), after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.register_number;
        for h in &page {
            table.row(&[
                Cell::Int(h.register_number),
                Cell::Text(&h.display_name()),
                Cell::Text(&h.kind),
                Cell::Text(&h.status),
                h.first_name.as_deref().into(),
                h.last_name.as_deref().into(),
                h.legal_name.as_deref().into(),
                h.enterprise_number.as_deref().into(),
                h.street.as_deref().into(),
                h.postal_code.as_deref().into(),
                h.city.as_deref().into(),
                h.country.as_deref().into(),
                h.email.as_deref().into(),
                h.phone.as_deref().into(),
                h.iban.as_deref().into(),
                Cell::Text(&h.language),
                Cell::Date(h.admission_date),
                h.exit_date.map_or(Cell::Empty, Cell::Date),
                h.exit_reason.as_deref().into(),
            ])?;
        }
        *rows += page.len();
        if (page.len() as i64) < PAGE {
            return Ok(());
        }
    }
}

/// A line per holder an entry moves: a transfer gives the giver's line and the receiver's,
/// a reversal the lines of the entry it cancels with the signs turned. `repaid` is what the
/// cooperative paid back on a redemption (on the holder's line).
fn capital<W: Write>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    (from, to): (NaiveDate, NaiveDate),
    table: &mut Table<W>,
    rows: &mut usize,
) -> anyhow::Result<()> {
    let filter = EntryFilter {
        effective_from: Some(from),
        effective_to: Some(to),
        ..EntryFilter::default()
    };
    each_entry(conn, tenant, &filter, |entry, holders, codes| {
        let m = &entry.movement;
        let sign = i64::from(m.sign);
        let class = codes
            .get(&m.share_class_id.to_string())
            .map(String::as_str)
            .unwrap_or_default();
        let id = entry.id.to_string();
        // What the cooperative paid back is on the giver's line of a redemption (an entry
        // with no receiver); the receiver gains, the giver loses.
        let repaid = if m.to.is_none() {
            m.amount_cents.unwrap_or(0)
        } else {
            0
        };
        for (holder, direction, repaid) in [(m.to, 1, 0), (m.from, -1, repaid)] {
            let Some(holder) = holder else { continue };
            let h = holders
                .get(&holder.to_string())
                .ok_or_else(|| anyhow::anyhow!("holder {holder} of entry {}", entry.seq))?;
            table.row(&[
                Cell::Date(m.effective_date),
                Cell::Int(entry.seq),
                Cell::Text(m.kind.as_str()),
                Cell::Int(h.register_number),
                Cell::Text(&h.display_name()),
                Cell::Text(class),
                Cell::Cents(sign * direction * m.capital_cents),
                Cell::Cents(sign * direction * m.paid_cents),
                Cell::Cents(sign * repaid),
                m.external_reference.as_deref().into(),
                m.reason.as_deref().into(),
                Cell::Text(&id),
            ])?;
            *rows += 1;
        }
        Ok(())
    })
}
