//! Reading the ledger back: entries one by one or as a list, and holdings (a holder's, a
//! page of the register, a class's totals or its minimised register) at a moment. The
//! register as now known is read from the stored positions (`super::positions`); an older
//! moment ("as known after entry N") sums the ledger's legs.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use super::{EntryRow, positions};
use crate::connection::{DbConnection, placeholders};
use crate::error::StoreError;
use crate::schema::{ledger_entries, share_classes};
use crate::shareholders;
use dar_core::chain::EntryRecord;
use dar_core::ids::{EntryId, ShareholderId, TenantId};
use dar_core::types::EntryKind;

/// One entry by its public id.
pub fn find(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &EntryId,
) -> Result<Option<EntryRecord>, StoreError> {
    let row: Option<EntryRow> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::id.eq(id.to_string()))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?;
    row.as_ref().map(EntryRow::to_record).transpose()
}

/// The sequence number of the entry that reverses entry `seq`, if one does.
pub fn reversal_of(
    conn: &mut DbConnection,
    tenant: &TenantId,
    seq: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::reverses_seq.eq(seq))
        .select(ledger_entries::seq)
        .first(conn)
        .optional()?)
}

/// The sequence numbers of the entries that have been reversed.
pub fn reversed_seqs(conn: &mut DbConnection, tenant: &TenantId) -> Result<Vec<i64>, StoreError> {
    Ok(ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::reverses_seq.is_not_null())
        .select(ledger_entries::reverses_seq.assume_not_null())
        .load(conn)?)
}

/// Entries after `after` (a movement date and sequence number), in the order their
/// movements take effect: by movement date, then sequence.
pub fn by_movement_date(
    conn: &mut DbConnection,
    tenant: &TenantId,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let mut query = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .into_boxed();
    if let Some((date, seq)) = after {
        query = query.filter(
            ledger_entries::movement_date
                .gt(date)
                .or(ledger_entries::movement_date
                    .eq(date)
                    .and(ledger_entries::seq.gt(seq))),
        );
    }
    let rows: Vec<EntryRow> = query
        .order((
            ledger_entries::movement_date.asc(),
            ledger_entries::seq.asc(),
        ))
        .limit(limit)
        .select(EntryRow::as_select())
        .load(conn)?;
    rows.iter().map(EntryRow::to_record).collect()
}

/// Which entries a list shows.
#[derive(Clone, Debug, Default)]
pub struct EntryFilter {
    /// Entries that move shares or money to or from this holder.
    pub shareholder: Option<ShareholderId>,
    pub kind: Option<EntryKind>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
}

/// Entries after `after_seq`, in sequence order.
pub fn list(
    conn: &mut DbConnection,
    tenant: &TenantId,
    filter: &EntryFilter,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let mut query = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant.to_string()))
        .filter(ledger_entries::seq.gt(after_seq))
        .into_boxed();
    if let Some(holder) = filter.shareholder {
        let h = holder.to_string();
        query = query.filter(
            ledger_entries::to_shareholder_id
                .eq(h.clone())
                .or(ledger_entries::from_shareholder_id.eq(h)),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(ledger_entries::kind.eq(kind.as_str()));
    }
    if let Some(from) = filter.effective_from {
        query = query.filter(ledger_entries::effective_date.ge(from));
    }
    if let Some(to) = filter.effective_to {
        query = query.filter(ledger_entries::effective_date.le(to));
    }
    let rows: Vec<EntryRow> = query
        .order(ledger_entries::seq.asc())
        .limit(limit)
        .select(EntryRow::as_select())
        .load(conn)?;
    rows.iter().map(EntryRow::to_record).collect()
}

/// One line of the register: what a holder has in a class.
#[derive(QueryableByName, Clone, Debug, PartialEq, Eq)]
pub struct HoldingRow {
    #[diesel(sql_type = Text)]
    pub shareholder_id: String,
    #[diesel(sql_type = BigInt)]
    pub register_number: i64,
    #[diesel(sql_type = Text)]
    pub share_class: String,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = BigInt)]
    pub capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub paid_cents: i64,
}

/// Which moment of the register to show: holdings at the end of `as_of`, counting only
/// entries up to `as_of_seq` ("what the register said after entry N").
#[derive(Clone, Copy, Debug)]
pub struct Moment {
    pub as_of: NaiveDate,
    pub as_of_seq: i64,
}

const HOLDINGS_SQL: &str = "
SELECT s.id AS shareholder_id, s.register_number AS register_number, c.code AS share_class,
       CAST(SUM(l.quantity) AS BIGINT) AS quantity,
       CAST(SUM(l.capital_cents) AS BIGINT) AS capital_cents,
       CAST(SUM(l.paid_cents) AS BIGINT) AS paid_cents
  FROM ledger_legs l
  JOIN shareholders s ON s.tenant_id = l.tenant_id AND s.id = l.shareholder_id
  JOIN share_classes c ON c.tenant_id = l.tenant_id AND c.id = l.share_class_id
 WHERE l.tenant_id = ? AND l.movement_date <= ? AND l.seq <= ?";

const HOLDINGS_TAIL: &str = "
 GROUP BY s.id, s.register_number, c.code
HAVING SUM(l.quantity) <> 0 OR SUM(l.paid_cents) <> 0
 ORDER BY s.register_number, c.code";

/// One class's totals at a moment.
#[derive(QueryableByName, Clone, Debug, PartialEq, Eq)]
pub struct ClassTotal {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = BigInt)]
    pub capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub paid_cents: i64,
}

/// Shares, subscribed and paid-up capital per class at a moment, every class of the
/// tenant (an unused one with zeros), by code.
pub fn class_totals(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: Moment,
) -> Result<Vec<ClassTotal>, StoreError> {
    if let Some(totals) = positions::class_totals_now(conn, tenant, moment)? {
        return Ok(totals);
    }
    let sql = "SELECT c.code AS code, c.name AS name,
                      CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) AS quantity,
                      CAST(COALESCE(SUM(l.capital_cents), 0) AS BIGINT) AS capital_cents,
                      CAST(COALESCE(SUM(l.paid_cents), 0) AS BIGINT) AS paid_cents
                 FROM share_classes c
                 LEFT JOIN ledger_legs l
                   ON l.tenant_id = c.tenant_id AND l.share_class_id = c.id
                  AND l.movement_date <= ? AND l.seq <= ?
                WHERE c.tenant_id = ?
                GROUP BY c.code, c.name
                ORDER BY c.code";
    Ok(diesel::sql_query(placeholders(conn.backend(), sql))
        .bind::<Date, _>(moment.as_of)
        .bind::<BigInt, _>(moment.as_of_seq)
        .bind::<Text, _>(tenant.to_string())
        .load(conn)?)
}

/// The whole register at a moment, a page at a time, ordered by register number and class
/// code; `after` is the last (register number, class code) of the previous page.
pub fn holdings(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: Moment,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<HoldingRow>, StoreError> {
    let (after_number, after_code) = after.unwrap_or((0, String::new()));
    let cursor = (after_number, after_code);
    if let Some(rows) = positions::register_page(conn, tenant, moment, &cursor, limit)? {
        return Ok(rows);
    }
    let (after_number, after_code) = cursor;
    let sql = format!(
        "{HOLDINGS_SQL} AND (s.register_number > ? OR (s.register_number = ? AND c.code > ?)){HOLDINGS_TAIL} LIMIT ?"
    );
    Ok(diesel::sql_query(placeholders(conn.backend(), &sql))
        .bind::<Text, _>(tenant.to_string())
        .bind::<Date, _>(moment.as_of)
        .bind::<BigInt, _>(moment.as_of_seq)
        .bind::<BigInt, _>(after_number)
        .bind::<BigInt, _>(after_number)
        .bind::<Text, _>(after_code)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// How many holders [`holdings_page`] reads at a time.
const HOLDER_CHUNK: i64 = 100;

/// The same page of the register as [`holdings`] (same rows, same order, the same empty
/// holdings left out), computed holder by holder for the web page.
///
/// For the register as now known both read the stored positions (`positions::register_page`);
/// the rest of this comment is about older moments.
///
/// `holdings` sums every leg of the tenant before it can cut a page, so showing 50 lines of
/// a register of 50,000 holders cost about 150 ms. Here the holders are taken in
/// register-number order from the cursor on, a chunk at a time, and only their legs are
/// read, through the holder indexes as [`holder_positions`] does, so a page costs in
/// proportion to the page rather than to the ledger. The API keeps `holdings`, whose single
/// query serves large `limit`s better.
pub fn holdings_page(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: Moment,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<HoldingRow>, StoreError> {
    let cursor = after.clone().unwrap_or((0, String::new()));
    if let Some(rows) = positions::register_page(conn, tenant, moment, &cursor, limit)? {
        return Ok(rows);
    }
    holdings_page_in_chunks(conn, tenant, moment, after, limit, HOLDER_CHUNK)
}

/// [`holdings_page`] reading `chunk` holders at a time (tests vary it to cross chunk edges).
pub fn holdings_page_in_chunks(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: Moment,
    after: Option<(i64, String)>,
    limit: i64,
    chunk: i64,
) -> Result<Vec<HoldingRow>, StoreError> {
    use crate::schema::shareholders as holders;
    // The same starting point as `holdings`: no cursor reads as (0, "").
    let (after_number, after_code) = after.unwrap_or((0, String::new()));
    let limit = usize::try_from(limit).unwrap_or(0);
    let chunk = chunk.max(1);
    let t = tenant.to_string();
    let codes = class_codes(conn, tenant)?;
    let mut rows: Vec<HoldingRow> = Vec::new();
    // Holders with this register number or a greater one are still to read.
    let mut from_number = after_number;
    while rows.len() < limit {
        let batch: Vec<(String, i64)> = holders::table
            .filter(holders::tenant_id.eq(&t))
            .filter(holders::register_number.ge(from_number))
            .order(holders::register_number)
            .select((holders::id, holders::register_number))
            .limit(chunk)
            .load(conn)?;
        let Some(last_number) = batch.last().map(|(_, n)| *n) else {
            break;
        };
        let ids: Vec<&String> = batch.iter().map(|(id, _)| id).collect();
        // (holder id, class code) -> (shares, subscribed, paid).
        let mut sums: std::collections::HashMap<(String, String), (i64, i64, i64)> =
            std::collections::HashMap::new();
        for leg in legs_of_holders(conn, &t, &ids)? {
            if leg.date > moment.as_of || leg.seq > moment.as_of_seq {
                continue;
            }
            let code = codes
                .get(&leg.class_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("share class {}", leg.class_id)))?;
            let sum = sums.entry((leg.holder, code)).or_insert((0, 0, 0));
            sum.0 += leg.quantity;
            sum.1 += leg.capital_cents;
            sum.2 += leg.paid_cents;
        }
        let numbers: std::collections::HashMap<&String, i64> =
            batch.iter().map(|(id, n)| (id, *n)).collect();
        let mut lines = Vec::new();
        for ((holder, code), (quantity, capital, paid)) in sums {
            let register_number = *numbers
                .get(&holder)
                .ok_or_else(|| StoreError::Corrupt(format!("shareholder {holder}")))?;
            let past_cursor = register_number > after_number
                || (register_number == after_number && code > after_code);
            if past_cursor && (quantity != 0 || paid != 0) {
                lines.push(HoldingRow {
                    shareholder_id: holder,
                    register_number,
                    share_class: code,
                    quantity,
                    capital_cents: capital,
                    paid_cents: paid,
                });
            }
        }
        lines.sort_by(|a: &HoldingRow, b: &HoldingRow| {
            (a.register_number, &a.share_class).cmp(&(b.register_number, &b.share_class))
        });
        rows.extend(lines);
        if (batch.len() as i64) < chunk {
            break;
        }
        from_number = last_number + 1;
    }
    rows.truncate(limit);
    Ok(rows)
}

/// What one holder has in one class at a moment: class id, shares, subscribed and paid-up
/// capital in cents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub share_class_id: String,
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
}

/// One holder's non-empty positions at a moment, by class id, in no particular order.
///
/// For the register as now known (nothing posted after the moment's sequence number) this
/// reads the stored positions; for an older moment it sums the holder's legs (a holder has
/// few entries, so they are read whole, see [`legs_of_holders`]).
pub fn holder_positions(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holder: &ShareholderId,
    moment: Moment,
) -> Result<Vec<Position>, StoreError> {
    if let Some(positions) = positions::holder_now(conn, tenant, holder, moment)? {
        return Ok(positions);
    }
    let mut sums: std::collections::HashMap<String, Position> = std::collections::HashMap::new();
    for leg in legs_of_holders(conn, &tenant.to_string(), &[&holder.to_string()])? {
        if leg.date > moment.as_of || leg.seq > moment.as_of_seq {
            continue;
        }
        let sum = sums
            .entry(leg.class_id.clone())
            .or_insert_with(|| Position {
                share_class_id: leg.class_id,
                quantity: 0,
                capital_cents: 0,
                paid_cents: 0,
            });
        sum.quantity += leg.quantity;
        sum.capital_cents += leg.capital_cents;
        sum.paid_cents += leg.paid_cents;
    }
    Ok(sums
        .into_values()
        .filter(|p| p.quantity != 0 || p.paid_cents != 0)
        .collect())
}

/// One holder's holdings at a moment, as register lines in class-code order.
pub fn holder_holdings(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holder: &ShareholderId,
    moment: Moment,
) -> Result<Vec<HoldingRow>, StoreError> {
    let positions = holder_positions(conn, tenant, holder, moment)?;
    if positions.is_empty() {
        return Ok(Vec::new());
    }
    let register_number = shareholders::get(conn, tenant, holder)?.register_number;
    let codes = class_codes(conn, tenant)?;
    let mut rows = positions
        .into_iter()
        .map(|p| {
            let share_class = codes
                .get(&p.share_class_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("share class {}", p.share_class_id)))?;
            Ok(HoldingRow {
                shareholder_id: holder.to_string(),
                register_number,
                share_class,
                quantity: p.quantity,
                capital_cents: p.capital_cents,
                paid_cents: p.paid_cents,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    rows.sort_by(|a, b| a.share_class.cmp(&b.share_class));
    Ok(rows)
}

/// Share class codes by class id, for showing entries.
pub fn class_codes(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    Ok(share_classes::table
        .filter(share_classes::tenant_id.eq(tenant.to_string()))
        .select((share_classes::id, share_classes::code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// One line of the minimised register of a class: what any holder of the class may consult.
#[derive(QueryableByName, Clone, Debug, PartialEq, Eq)]
pub struct ClassRegisterRow {
    #[diesel(sql_type = BigInt)]
    pub register_number: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub legal_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub city: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
}

/// The holders of one class at the end of `as_of`, in register-number order, a page at a time.
pub fn class_register(
    conn: &mut DbConnection,
    tenant: &TenantId,
    class_id: &str,
    as_of: NaiveDate,
    after_register_number: i64,
    limit: i64,
) -> Result<Vec<ClassRegisterRow>, StoreError> {
    positions::class_register(conn, tenant, class_id, as_of, after_register_number, limit)
}

/// One holder's side of an entry, signed as in the `ledger_legs` view: + on the receiving
/// side, − on the giving side, times the entry's sign.
pub(super) struct HolderLeg {
    pub holder: String,
    pub class_id: String,
    pub date: NaiveDate,
    pub seq: i64,
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
}

/// Every leg of `holders` in one tenant, read whole through the holder indexes
/// (`ledger_entries_to_idx`, `ledger_entries_from_idx`) with two static queries, which each
/// connection prepares once. The `ledger_legs` view is avoided because SQLite materialises
/// it for the whole tenant before filtering, and a date or sequence bound in SQL would tempt
/// SQLite into the `(tenant_id, seq)` key and a scan of every entry of the tenant (measured:
/// 34 ms against 0.03 ms for one holder of 50,000); callers filter by moment.
pub(super) fn legs_of_holders(
    conn: &mut DbConnection,
    tenant: &str,
    holders: &[&String],
) -> Result<Vec<HolderLeg>, StoreError> {
    type Row = (Option<String>, (String, i32, i64, i64, i64, NaiveDate, i64));
    let columns = (
        ledger_entries::share_class_id,
        ledger_entries::sign,
        ledger_entries::quantity,
        ledger_entries::capital_cents,
        ledger_entries::paid_cents,
        ledger_entries::movement_date,
        ledger_entries::seq,
    );
    let incoming: Vec<Row> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant))
        .filter(ledger_entries::to_shareholder_id.eq_any(holders))
        .select((ledger_entries::to_shareholder_id, columns))
        .load(conn)?;
    let outgoing: Vec<Row> = ledger_entries::table
        .filter(ledger_entries::tenant_id.eq(tenant))
        .filter(ledger_entries::from_shareholder_id.eq_any(holders))
        .select((ledger_entries::from_shareholder_id, columns))
        .load(conn)?;
    let legs = incoming
        .into_iter()
        .map(|row| (1, row))
        .chain(outgoing.into_iter().map(|row| (-1, row)));
    Ok(legs
        .filter_map(
            |(direction, (holder, (class_id, sign, quantity, capital, paid, date, seq)))| {
                let s = direction * i64::from(sign);
                Some(HolderLeg {
                    holder: holder?,
                    class_id,
                    date,
                    seq,
                    quantity: s * quantity,
                    capital_cents: s * capital,
                    paid_cents: s * paid,
                })
            },
        )
        .collect())
}
