//! The stored positions (`holding_positions`): each holding's end-of-day shares, subscribed
//! and paid-up capital on every date it changed, kept by the ledger's insert trigger. The
//! planner reads a holding from the earliest date a request can affect; reads of the
//! register as it is now known read them instead of summing the ledger.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::connection::{Backend, DbConnection, placeholders};
use crate::error::StoreError;
use crate::parse_id;
use dar_core::holdings::Leg;
use dar_core::ids::{ShareholderId, TenantId};

/// One holding: a holder's shares of one class in one register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HoldingKey {
    pub tenant: TenantId,
    pub class_id: String,
    pub holder: ShareholderId,
}

#[derive(QueryableByName)]
struct PositionRow {
    #[diesel(sql_type = Text)]
    tenant_id: String,
    #[diesel(sql_type = Text)]
    shareholder_id: String,
    #[diesel(sql_type = Text)]
    share_class_id: String,
    #[diesel(sql_type = Date)]
    movement_date: NaiveDate,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    paid_cents: i64,
}

/// Holdings per statement: 4 bound values each keeps SQLite far under its variable limit.
const KEYS_PER_QUERY: usize = 500;

/// For each holding, legs that give the same end-of-day positions as its whole history on
/// and after `from` (its date): the stored position on the last date up to `from` as one
/// leg, then the change on each later date. Dates before `from` are left out, so the cost is
/// the number of dates the holding changed on since `from`, not its whole history.
pub fn legs_from(
    conn: &mut DbConnection,
    from: &HashMap<HoldingKey, NaiveDate>,
) -> Result<HashMap<HoldingKey, Vec<Leg>>, StoreError> {
    let keys: Vec<(&HoldingKey, &NaiveDate)> = from.iter().collect();
    let mut stored: HashMap<HoldingKey, Vec<PositionRow>> = HashMap::new();
    let mut keep = |row: PositionRow| -> Result<(), StoreError> {
        let key = HoldingKey {
            tenant: parse_id(&row.tenant_id)?,
            class_id: row.share_class_id.clone(),
            holder: parse_id(&row.shareholder_id)?,
        };
        stored.entry(key).or_default().push(row);
        Ok(())
    };
    if let DbConnection::Pg(pg) = conn {
        use diesel::sql_types::Array;
        struct LegsFromSql;
        let tenants: Vec<String> = keys.iter().map(|(k, _)| k.tenant.to_string()).collect();
        let holders: Vec<String> = keys.iter().map(|(k, _)| k.holder.to_string()).collect();
        let classes: Vec<&str> = keys.iter().map(|(k, _)| k.class_id.as_str()).collect();
        let days: Vec<NaiveDate> = keys.iter().map(|(_, d)| **d).collect();
        let rows: Vec<PositionRow> = crate::prepared::Fixed::<LegsFromSql, _>::new(
            "SELECT p.tenant_id, p.shareholder_id, p.share_class_id, p.movement_date, \
                    p.quantity, p.capital_cents, p.paid_cents \
               FROM unnest(",
            (
                tenants.into_sql::<Array<Text>>(),
                holders.into_sql::<Array<Text>>(),
                classes.into_sql::<Array<Text>>(),
                days.into_sql::<Array<Date>>(),
            ),
            ") AS k (tenant_id, shareholder_id, share_class_id, day) \
               JOIN holding_positions p \
                 ON p.tenant_id = k.tenant_id AND p.shareholder_id = k.shareholder_id \
                AND p.share_class_id = k.share_class_id \
                AND p.movement_date >= COALESCE( \
                        (SELECT MAX(q.movement_date) FROM holding_positions q \
                          WHERE q.tenant_id = k.tenant_id AND q.shareholder_id = k.shareholder_id \
                            AND q.share_class_id = k.share_class_id AND q.movement_date <= k.day), \
                        k.day)",
        )
        .load(pg)?;
        for row in rows {
            keep(row)?;
        }
    } else {
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            let values = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
            // The row on the last date up to `day`, and every later one.
            let sql = format!(
                "WITH k (tenant_id, shareholder_id, share_class_id, day) AS (VALUES {values})
             SELECT p.tenant_id, p.shareholder_id, p.share_class_id, p.movement_date,
                    p.quantity, p.capital_cents, p.paid_cents
               FROM k JOIN holding_positions p
                 ON p.tenant_id = k.tenant_id AND p.shareholder_id = k.shareholder_id
                AND p.share_class_id = k.share_class_id
                AND p.movement_date >= COALESCE(
                        (SELECT MAX(q.movement_date) FROM holding_positions q
                          WHERE q.tenant_id = k.tenant_id AND q.shareholder_id = k.shareholder_id
                            AND q.share_class_id = k.share_class_id AND q.movement_date <= k.day),
                        k.day)"
            );
            let mut query = diesel::sql_query(placeholders(conn.backend(), &sql)).into_boxed();
            for (key, day) in chunk {
                query = query
                    .bind::<Text, _>(key.tenant.to_string())
                    .bind::<Text, _>(key.holder.to_string())
                    .bind::<Text, _>(key.class_id.clone())
                    .bind::<Date, _>(**day);
            }
            for row in query.load::<PositionRow>(conn)? {
                keep(row)?;
            }
        }
    }
    Ok(stored
        .into_iter()
        .map(|(key, mut rows)| {
            rows.sort_by_key(|r| r.movement_date);
            let mut before = (0, 0, 0);
            let legs = rows
                .iter()
                .map(|r| {
                    let leg = Leg {
                        date: r.movement_date,
                        quantity: r.quantity - before.0,
                        capital_cents: r.capital_cents - before.1,
                        paid_cents: r.paid_cents - before.2,
                    };
                    before = (r.quantity, r.capital_cents, r.paid_cents);
                    leg
                })
                .collect();
            (key, legs)
        })
        .collect())
}

/// The stored position of each of a tenant's holdings on `as_of` is its row on the last
/// date up to `as_of`; this condition, on a row `p`, picks it.
const LAST_ROW_UP_TO: &str =
    "p.movement_date = (SELECT MAX(q.movement_date) FROM holding_positions q
          WHERE q.tenant_id = p.tenant_id AND q.shareholder_id = p.shareholder_id
            AND q.share_class_id = p.share_class_id AND q.movement_date <= ?)";

/// A register line with the tenant's ledger head as the statement saw it: positions count
/// every entry, so they answer for a moment only if nothing was posted after its sequence
/// number. One statement is one snapshot on both backends, so the head and the rows agree.
#[derive(QueryableByName)]
struct LineNow {
    #[diesel(sql_type = BigInt)]
    head_seq: i64,
    #[diesel(sql_type = Text)]
    shareholder_id: String,
    #[diesel(sql_type = BigInt)]
    register_number: i64,
    #[diesel(sql_type = Text)]
    share_class: String,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    paid_cents: i64,
}

/// Rows read from positions answer for `moment` when they were read at a head no later
/// than its sequence number. `None`: the caller sums the ledger instead (an older moment).
/// No rows carry no head, so the head is read after them: heads only grow, so a head no
/// later than the moment now was no later when the rows were read.
fn if_current<T, R>(
    conn: &mut DbConnection,
    tenant: &TenantId,
    rows: Vec<R>,
    moment: super::Moment,
    head: impl Fn(&R) -> i64,
    f: impl Fn(R) -> T,
) -> Result<Option<Vec<T>>, StoreError> {
    let head = match rows.first() {
        Some(first) => head(first),
        None => crate::tenants::get(conn, tenant)?.ledger_head_seq,
    };
    Ok((head <= moment.as_of_seq).then(|| rows.into_iter().map(f).collect()))
}

/// A page of the register at `moment` from the stored positions, in register-number and
/// class-code order after `after`. Holders are taken a chunk at a time in register-number
/// order (a range of the `(tenant_id, register_number)` index) and only their positions
/// are read, so a page costs its own size at any `limit`. (One join over the tenant with
/// `ORDER BY … LIMIT`, as before, was planned as a join of every holder once the limit was
/// in the thousands: an export of 400,000 holdings read the whole tenant per page.)
pub(super) fn register_page(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: super::Moment,
    after: &(i64, String),
    limit: i64,
) -> Result<Option<Vec<super::HoldingRow>>, StoreError> {
    use crate::schema::shareholders as holders;
    // Binds: tenant, first and last register number, the cursor (number, code), the date.
    let sql = match conn.backend() {
        // Each holding's last row up to the date by a backward walk of the positions' key
        // (`DISTINCT ON`, both columns descending so that no sort is needed): a correlated
        // `MAX` per row cost 13 µs a holding, an ascending class order with a sort 6 µs,
        // this 4 µs.
        Backend::Postgres => "SELECT t.ledger_head_seq AS head_seq, s.id AS shareholder_id,
                s.register_number AS register_number, c.code AS share_class,
                p.quantity AS quantity, p.capital_cents AS capital_cents, p.paid_cents AS paid_cents
           FROM tenants t
           JOIN shareholders s ON s.tenant_id = t.id
           JOIN LATERAL (SELECT DISTINCT ON (q.share_class_id) q.share_class_id, q.quantity,
                                q.capital_cents, q.paid_cents
                           FROM holding_positions q
                          WHERE q.tenant_id = s.tenant_id AND q.shareholder_id = s.id
                            AND q.movement_date <= $6
                          ORDER BY q.share_class_id DESC, q.movement_date DESC) p ON true
           JOIN share_classes c ON c.tenant_id = s.tenant_id AND c.id = p.share_class_id
          WHERE t.id = $1 AND s.register_number >= $2 AND s.register_number <= $3
            AND (s.register_number > $4 OR c.code > $5)
            AND (p.quantity <> 0 OR p.paid_cents <> 0)
          ORDER BY s.register_number, c.code"
            .to_string(),
        Backend::Sqlite => format!(
            "SELECT t.ledger_head_seq AS head_seq, s.id AS shareholder_id,
                s.register_number AS register_number, c.code AS share_class,
                p.quantity AS quantity, p.capital_cents AS capital_cents, p.paid_cents AS paid_cents
           FROM tenants t
           JOIN shareholders s ON s.tenant_id = t.id
           JOIN holding_positions p ON p.tenant_id = s.tenant_id AND p.shareholder_id = s.id
           JOIN share_classes c ON c.tenant_id = p.tenant_id AND c.id = p.share_class_id
          WHERE t.id = ? AND s.register_number >= ? AND s.register_number <= ?
            AND (s.register_number > ? OR c.code > ?)
            AND {LAST_ROW_UP_TO}
            AND (p.quantity <> 0 OR p.paid_cents <> 0)
          ORDER BY s.register_number, c.code"
        ),
    };
    let wanted = usize::try_from(limit).unwrap_or(0);
    let mut lines: Vec<super::HoldingRow> = Vec::new();
    let mut from = after.0;
    while lines.len() < wanted {
        // As many holders as lines are missing (most hold one class; some none, some more):
        // a page rarely reads a second chunk, and then a small one.
        let chunk = ((wanted - lines.len()) as i64).clamp(16, 5000);
        let numbers: Vec<i64> = holders::table
            .filter(holders::tenant_id.eq(tenant.to_string()))
            .filter(holders::register_number.ge(from))
            .order(holders::register_number)
            .select(holders::register_number)
            .limit(chunk)
            .load(conn)?;
        let Some(&last) = numbers.last() else {
            break;
        };
        let rows: Vec<LineNow> = diesel::sql_query(sql.as_str())
            .bind::<Text, _>(tenant.to_string())
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(last)
            .bind::<BigInt, _>(after.0)
            .bind::<Text, _>(after.1.clone())
            .bind::<Date, _>(moment.as_of)
            .load(conn)?;
        // Each chunk is its own statement: all of them must answer for the moment.
        let Some(rows) = if_current(
            conn,
            tenant,
            rows,
            moment,
            |r| r.head_seq,
            |r| super::HoldingRow {
                shareholder_id: r.shareholder_id,
                register_number: r.register_number,
                share_class: r.share_class,
                quantity: r.quantity,
                capital_cents: r.capital_cents,
                paid_cents: r.paid_cents,
            },
        )?
        else {
            return Ok(None);
        };
        lines.extend(rows);
        if (numbers.len() as i64) < chunk {
            break;
        }
        from = last + 1;
    }
    lines.truncate(wanted);
    Ok(Some(lines))
}

#[derive(QueryableByName)]
struct PositionNow {
    #[diesel(sql_type = BigInt)]
    head_seq: i64,
    #[diesel(sql_type = Text)]
    share_class_id: String,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    paid_cents: i64,
}

/// One holder's non-empty positions at `moment`: one primary-key lookup per class.
pub(super) fn holder_now(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holder: &ShareholderId,
    moment: super::Moment,
) -> Result<Option<Vec<super::Position>>, StoreError> {
    // Read on every holdings request: the SQL is fixed so that PostgreSQL plans it once per
    // connection (planning cost twice what running it does).
    let rows: Vec<PositionNow> = crate::prepared::load_fixed!(
        &mut *conn,
        HolderNowSql,
        "WITH k (tenant_id, shareholder_id, day) AS (VALUES (",
        [
            (Text, tenant.to_string()),
            (Text, holder.to_string()),
            (Date, moment.as_of)
        ],
        ")) SELECT t.ledger_head_seq AS head_seq, p.share_class_id AS share_class_id,
                   p.quantity AS quantity, p.capital_cents AS capital_cents,
                   p.paid_cents AS paid_cents
              FROM k JOIN tenants t ON t.id = k.tenant_id
              JOIN holding_positions p
                ON p.tenant_id = k.tenant_id AND p.shareholder_id = k.shareholder_id
             WHERE p.movement_date = (SELECT MAX(q.movement_date) FROM holding_positions q
                     WHERE q.tenant_id = p.tenant_id AND q.shareholder_id = p.shareholder_id
                       AND q.share_class_id = p.share_class_id AND q.movement_date <= k.day)
               AND (p.quantity <> 0 OR p.paid_cents <> 0)"
    )?;
    if_current(
        conn,
        tenant,
        rows,
        moment,
        |r| r.head_seq,
        |r| super::Position {
            share_class_id: r.share_class_id,
            quantity: r.quantity,
            capital_cents: r.capital_cents,
            paid_cents: r.paid_cents,
        },
    )
}

#[derive(QueryableByName)]
struct TotalNow {
    #[diesel(sql_type = BigInt)]
    head_seq: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    capital_cents: i64,
    #[diesel(sql_type = BigInt)]
    paid_cents: i64,
}

/// Every class's totals at `moment`, from each holding's last row up to the date: one walk
/// of the tenant's positions by their key, summed per class (the positions have no index
/// by class; a second one cost every write more than it saved this read).
pub(super) fn class_totals_now(
    conn: &mut DbConnection,
    tenant: &TenantId,
    moment: super::Moment,
) -> Result<Option<Vec<super::ClassTotal>>, StoreError> {
    // Binds: the tenant, the date, the tenant.
    let last_rows = match conn.backend() {
        // Each holding's last row by a backward walk of the key (`DISTINCT ON`, every column
        // descending so that no sort is needed): 89 ms for the 155,000 rows of the
        // 50,000-holder demo, against 1.1-1.5 s for a correlated `MAX` per row (both beside a
        // CI run).
        Backend::Postgres => "SELECT DISTINCT ON (p.shareholder_id, p.share_class_id)
                    p.share_class_id, p.quantity, p.capital_cents, p.paid_cents
               FROM holding_positions p
              WHERE p.tenant_id = ? AND p.movement_date <= ?
              ORDER BY p.shareholder_id DESC, p.share_class_id DESC, p.movement_date DESC"
            .to_string(),
        Backend::Sqlite => format!(
            "SELECT p.share_class_id, p.quantity, p.capital_cents, p.paid_cents
               FROM holding_positions p
              WHERE p.tenant_id = ? AND {LAST_ROW_UP_TO}"
        ),
    };
    let sql = format!(
        "SELECT t.ledger_head_seq AS head_seq, c.code AS code, c.name AS name,
                CAST(COALESCE(x.quantity, 0) AS BIGINT) AS quantity,
                CAST(COALESCE(x.capital_cents, 0) AS BIGINT) AS capital_cents,
                CAST(COALESCE(x.paid_cents, 0) AS BIGINT) AS paid_cents
           FROM tenants t
           JOIN share_classes c ON c.tenant_id = t.id
           LEFT JOIN (SELECT l.share_class_id, SUM(l.quantity) AS quantity,
                             SUM(l.capital_cents) AS capital_cents, SUM(l.paid_cents) AS paid_cents
                        FROM ({last_rows}) l
                       GROUP BY l.share_class_id) x ON x.share_class_id = c.id
          WHERE t.id = ?
          ORDER BY c.code"
    );
    let rows: Vec<TotalNow> = diesel::sql_query(placeholders(conn.backend(), &sql))
        .bind::<Text, _>(tenant.to_string())
        .bind::<Date, _>(moment.as_of)
        .bind::<Text, _>(tenant.to_string())
        .load(conn)?;
    if_current(
        conn,
        tenant,
        rows,
        moment,
        |r| r.head_seq,
        |r| super::ClassTotal {
            code: r.code,
            name: r.name,
            quantity: r.quantity,
            capital_cents: r.capital_cents,
            paid_cents: r.paid_cents,
        },
    )
}

/// The holders of one class at the end of `as_of` (everything posted counts), in
/// register-number order after `after_register_number`.
pub(super) fn class_register(
    conn: &mut DbConnection,
    tenant: &TenantId,
    class_id: &str,
    as_of: NaiveDate,
    after_register_number: i64,
    limit: i64,
) -> Result<Vec<super::ClassRegisterRow>, StoreError> {
    let sql = format!(
        "SELECT s.register_number AS register_number, s.kind AS kind, s.first_name AS first_name,
                s.last_name AS last_name, s.legal_name AS legal_name, s.city AS city,
                p.quantity AS quantity
           FROM shareholders s
           JOIN holding_positions p ON p.tenant_id = s.tenant_id AND p.shareholder_id = s.id
          WHERE s.tenant_id = ? AND p.share_class_id = ? AND s.register_number > ?
            AND {LAST_ROW_UP_TO} AND p.quantity > 0
          ORDER BY s.register_number
          LIMIT ?"
    );
    Ok(diesel::sql_query(placeholders(conn.backend(), &sql))
        .bind::<Text, _>(tenant.to_string())
        .bind::<Text, _>(class_id.to_string())
        .bind::<BigInt, _>(after_register_number)
        .bind::<Date, _>(as_of)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}
