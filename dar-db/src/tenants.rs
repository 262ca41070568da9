//! Tenants (cooperatives) and the per-tenant write lock.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::{Backend, DbConnection, placeholders};
use crate::error::StoreError;
use crate::schema::tenants;
use crate::to_db_time;
use dar_core::chain::GENESIS_HASH;
use dar_core::ids::TenantId;

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = tenants)]
pub struct TenantRow {
    pub id: String,
    pub slug: String,
    pub legal_name: String,
    pub enterprise_number: String,
    pub legal_form: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub default_language: String,
    pub fiscal_year_end: String,
    pub voting_rule: String,
    pub locked_until: Option<NaiveDate>,
    pub helpdesk_may_write: bool,
    pub status: String,
    pub ledger_head_seq: i64,
    pub ledger_head_hash: String,
    pub next_register_number: i64,
    pub created_at: NaiveDateTime,
}

/// What a coordinator gives to create a tenant.
#[derive(Clone, Debug)]
pub struct NewTenant {
    pub slug: String,
    pub legal_name: String,
    pub enterprise_number: String,
    pub legal_form: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub default_language: String,
    pub fiscal_year_end: String,
    pub voting_rule: String,
}

pub fn create(
    conn: &mut DbConnection,
    new: NewTenant,
    now: DateTime<Utc>,
) -> Result<TenantRow, StoreError> {
    let row = TenantRow {
        id: TenantId::new().to_string(),
        slug: new.slug,
        legal_name: new.legal_name,
        enterprise_number: new.enterprise_number,
        legal_form: new.legal_form,
        street: new.street,
        postal_code: new.postal_code,
        city: new.city,
        country: new.country,
        default_language: new.default_language,
        fiscal_year_end: new.fiscal_year_end,
        voting_rule: new.voting_rule,
        locked_until: None,
        helpdesk_may_write: false,
        status: "active".into(),
        ledger_head_seq: 0,
        ledger_head_hash: GENESIS_HASH.into(),
        next_register_number: 1,
        created_at: to_db_time(now),
    };
    let taken: i64 = tenants::table
        .filter(tenants::slug.eq(&row.slug))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(StoreError::Conflict(format!(
            "the slug {:?} is taken",
            row.slug
        )));
    }
    diesel::insert_into(tenants::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Finds a tenant by id or by slug (`{tenant}` in paths accepts both).
pub fn find(conn: &mut DbConnection, key: &str) -> Result<TenantRow, StoreError> {
    let query = tenants::table.select(TenantRow::as_select());
    let found = if key.parse::<uuid::Uuid>().is_ok() {
        query.filter(tenants::id.eq(key)).first(conn).optional()?
    } else {
        query.filter(tenants::slug.eq(key)).first(conn).optional()?
    };
    found.ok_or(StoreError::NotFound)
}

pub fn get(conn: &mut DbConnection, id: &TenantId) -> Result<TenantRow, StoreError> {
    Ok(tenants::table
        .find(id.to_string())
        .select(TenantRow::as_select())
        .first(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    after_slug: Option<&str>,
    limit: i64,
) -> Result<Vec<TenantRow>, StoreError> {
    let mut query = tenants::table
        .select(TenantRow::as_select())
        .order(tenants::slug.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after_slug {
        query = query.filter(tenants::slug.gt(after.to_string()));
    }
    Ok(query.load(conn)?)
}

/// The settings an admin or coordinator may change after creation.
#[derive(AsChangeset, Clone, Debug, Default)]
#[diesel(table_name = tenants)]
pub struct TenantChanges {
    pub legal_name: Option<String>,
    pub legal_form: Option<String>,
    pub street: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country: Option<String>,
    pub default_language: Option<String>,
    pub voting_rule: Option<String>,
    pub locked_until: Option<Option<NaiveDate>>,
    pub helpdesk_may_write: Option<bool>,
    pub status: Option<String>,
}

impl TenantChanges {
    /// Whether the changes change nothing (an empty PATCH): then there is nothing to write,
    /// and SQL has no `UPDATE … SET` with nothing after it.
    pub fn is_empty(&self) -> bool {
        let TenantChanges {
            legal_name,
            legal_form,
            street,
            postal_code,
            city,
            country,
            default_language,
            voting_rule,
            locked_until,
            helpdesk_may_write,
            status,
        } = self;
        legal_name.is_none()
            && legal_form.is_none()
            && street.is_none()
            && postal_code.is_none()
            && city.is_none()
            && country.is_none()
            && default_language.is_none()
            && voting_rule.is_none()
            && locked_until.is_none()
            && helpdesk_may_write.is_none()
            && status.is_none()
    }
}

/// Applies `changes`; an empty change set returns the tenant as it is.
pub fn update(
    conn: &mut DbConnection,
    id: &TenantId,
    changes: &TenantChanges,
) -> Result<TenantRow, StoreError> {
    if changes.is_empty() {
        return get(conn, id);
    }
    crate::write_transaction(conn, |conn| {
        let current = lock(conn, id)?;
        if let (Some(Some(new)), Some(old)) = (changes.locked_until, current.locked_until)
            && new < old
        {
            return Err(StoreError::Conflict(format!(
                "the register is closed up to {old}; a closed period cannot be reopened"
            )));
        }
        if changes.locked_until == Some(None) && current.locked_until.is_some() {
            return Err(StoreError::Conflict(
                "a closed period cannot be reopened".into(),
            ));
        }
        diesel::update(tenants::table.find(id.to_string()))
            .set(changes)
            .execute(conn)?;
        get(conn, id)
    })
}

/// Locks the tenant's row for the rest of the transaction and returns it. Every write to a
/// tenant's register starts here, so a tenant's writers queue up one after another on both
/// backends. On SQLite the lock is a (no-op) write, which takes the database write lock at
/// once instead of failing later when a read transaction tries to upgrade.
pub fn lock(conn: &mut DbConnection, id: &TenantId) -> Result<TenantRow, StoreError> {
    let sql = match conn.backend() {
        Backend::Postgres => "SELECT id FROM tenants WHERE id = ? FOR UPDATE",
        Backend::Sqlite => "UPDATE tenants SET status = status WHERE id = ?",
    };
    diesel::sql_query(placeholders(conn.backend(), sql))
        .bind::<diesel::sql_types::Text, _>(id.to_string())
        .execute(conn)?;
    get(conn, id)
}

/// Locks several tenants for the ledger, in id order so that two groups never wait on each
/// other, and reads them. On SQLite the write transaction already holds the database's write
/// lock (`BEGIN IMMEDIATE`), so nothing more is taken. On Citus a `FOR UPDATE` must stay on
/// one shard, so each tenant is locked by a statement of its own.
pub fn lock_many(conn: &mut DbConnection, ids: &[TenantId]) -> Result<Vec<TenantRow>, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let keys: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    match conn {
        DbConnection::Pg(pg) if crate::connection::citus() => {
            let mut rows = Vec::with_capacity(keys.len());
            for key in &keys {
                rows.extend(
                    tenants::table
                        .find(key)
                        .select(TenantRow::as_select())
                        .for_update()
                        .first(pg)
                        .optional()?,
                );
            }
            Ok(rows)
        }
        // Rows are locked as the sort hands them out, so in id order.
        DbConnection::Pg(pg) => Ok(tenants::table
            .filter(tenants::id.eq_any(&keys))
            .order(tenants::id)
            .select(TenantRow::as_select())
            .for_update()
            .load(pg)?),
        DbConnection::Sqlite(_) => Ok(tenants::table
            .filter(tenants::id.eq_any(&keys))
            .select(TenantRow::as_select())
            .load(conn)?),
    }
}

/// Reserves `n` register numbers at once for a bulk insert and returns the first.
pub fn reserve_register_numbers(
    conn: &mut DbConnection,
    id: &TenantId,
    n: i64,
) -> Result<i64, StoreError> {
    let first: i64 = tenants::table
        .find(id.to_string())
        .select(tenants::next_register_number)
        .first(conn)?;
    diesel::update(tenants::table.find(id.to_string()))
        .set(tenants::next_register_number.eq(first + n))
        .execute(conn)?;
    Ok(first)
}

/// Reserves `n` register numbers from the counter or from `at_least`, whichever is higher:
/// an import keeps the numbers its file gives, and the numbers it assigns follow them.
pub fn reserve_register_numbers_from(
    conn: &mut DbConnection,
    id: &TenantId,
    at_least: i64,
    n: i64,
) -> Result<i64, StoreError> {
    let next: i64 = tenants::table
        .find(id.to_string())
        .select(tenants::next_register_number)
        .first(conn)?;
    let first = next.max(at_least);
    diesel::update(tenants::table.find(id.to_string()))
        .set(tenants::next_register_number.eq(first + n))
        .execute(conn)?;
    Ok(first)
}

/// Hands out the next register number; numbers are never reused.
pub fn next_register_number(conn: &mut DbConnection, id: &TenantId) -> Result<i64, StoreError> {
    diesel::update(tenants::table.find(id.to_string()))
        .set(tenants::next_register_number.eq(tenants::next_register_number + 1))
        .execute(conn)?;
    let next: i64 = tenants::table
        .find(id.to_string())
        .select(tenants::next_register_number)
        .first(conn)?;
    Ok(next - 1)
}
