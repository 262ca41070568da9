//! Usage, measured from the registers themselves: active shareholders (holding at least
//! one share) on a day, ledger entries and certificates per month. Counts only: nothing here
//! names a shareholder.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::connection::{DbConnection, placeholders};
use crate::error::StoreError;
use dar_core::ids::TenantId;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many shareholders of the cooperative held at least one share at the end of `day`,
/// as the register now knows it.
pub fn active_on(
    conn: &mut DbConnection,
    tenant: &TenantId,
    day: NaiveDate,
) -> Result<u32, StoreError> {
    // A holding's stored position on its last date up to `day` is its position that day.
    let sql = placeholders(
        conn.backend(),
        "SELECT COUNT(DISTINCT p.shareholder_id) AS n FROM holding_positions p
          WHERE p.tenant_id = ? AND p.movement_date <= ? AND p.quantity > 0
            AND NOT EXISTS (
                SELECT 1 FROM holding_positions q
                 WHERE q.tenant_id = p.tenant_id AND q.shareholder_id = p.shareholder_id
                   AND q.share_class_id = p.share_class_id
                   AND q.movement_date > p.movement_date AND q.movement_date <= ?)",
    );
    let count: Count = diesel::sql_query(sql)
        .bind::<Text, _>(tenant.to_string())
        .bind::<Date, _>(day)
        .bind::<Date, _>(day)
        .get_result(conn)?;
    Ok(u32::try_from(count.n).unwrap_or(u32::MAX))
}

#[derive(QueryableByName)]
struct Monthly {
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `(YYYY-MM, count)` of a table's rows per month of `year` in Brussels, by a column that
/// holds UTC times. A month is Brussels' calendar month: an entry recorded at 00:30 on
/// 1 December in Brussels is December's, although it is still 30 November in UTC. SQLite has
/// no time zones, so the months' first moments are computed here and compared in SQL.
fn per_month(
    conn: &mut DbConnection,
    table: &str,
    column: &str,
    tenant: &TenantId,
    year: i32,
) -> Result<Vec<(String, i64)>, StoreError> {
    let month_start = |year: i32, month: u32| {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        dar_core::time::brussels_day_start(first).naive_utc()
    };
    // Literals from dates computed here, in the text form both backends compare correctly
    // with the stored timestamps (SQLite stores them as that text).
    let mut month = String::from("CASE");
    for m in 1..12 {
        let next = month_start(year, m + 1).format("%Y-%m-%d %H:%M:%S");
        month.push_str(&format!(" WHEN {column} < '{next}' THEN '{year}-{m:02}'"));
    }
    month.push_str(&format!(" ELSE '{year}-12' END"));
    let sql = placeholders(
        conn.backend(),
        &format!(
            "SELECT {month} AS month, COUNT(*) AS n FROM {table}
              WHERE tenant_id = ? AND {column} >= ? AND {column} < ?
              GROUP BY 1 ORDER BY 1"
        ),
    );
    let rows: Vec<Monthly> = diesel::sql_query(sql)
        .bind::<Text, _>(tenant.to_string())
        .bind::<diesel::sql_types::Timestamp, _>(month_start(year, 1))
        .bind::<diesel::sql_types::Timestamp, _>(month_start(year + 1, 1))
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.month, r.n)).collect())
}

/// Ledger entries recorded per month of `year` (Brussels months).
pub fn entries_per_month(
    conn: &mut DbConnection,
    tenant: &TenantId,
    year: i32,
) -> Result<Vec<(String, i64)>, StoreError> {
    per_month(conn, "ledger_entries", "recorded_at", tenant, year)
}

/// Certificates issued per month of `year` (Brussels months).
pub fn certificates_per_month(
    conn: &mut DbConnection,
    tenant: &TenantId,
    year: i32,
) -> Result<Vec<(String, i64)>, StoreError> {
    per_month(conn, "certificates", "issued_at", tenant, year)
}
