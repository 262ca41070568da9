//! Shareholders and the versions of their identity.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{shareholder_versions, shareholders};
use crate::to_db_time;
use dar_core::ids::{ShareholderId, TenantId};

/// Who a shareholder is: the part of the record that is kept as versions.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub language: String,
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = shareholders)]
pub struct ShareholderRow {
    pub tenant_id: String,
    pub id: String,
    pub register_number: i64,
    pub kind: String,
    pub status: String,
    pub admission_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub version: i32,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub language: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = shareholder_versions)]
pub struct VersionRow {
    pub tenant_id: String,
    pub shareholder_id: String,
    pub version: i32,
    pub valid_from: NaiveDate,
    pub recorded_at: NaiveDateTime,
    pub actor: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub language: String,
}

crate::redact::debug_masked!(Identity {
    shown: [enterprise_number, country, language],
    masked: [
        first_name,
        last_name,
        legal_name,
        national_number,
        birth_date,
        street,
        postal_code,
        city,
        email,
        phone,
        iban,
    ],
});

crate::redact::debug_masked!(ShareholderRow {
    shown: [
        tenant_id,
        id,
        register_number,
        kind,
        status,
        admission_date,
        exit_date,
        exit_reason,
        version,
        enterprise_number,
        country,
        language,
        created_at,
    ],
    masked: [
        first_name,
        last_name,
        legal_name,
        national_number,
        birth_date,
        street,
        postal_code,
        city,
        email,
        phone,
        iban,
    ],
});

crate::redact::debug_masked!(VersionRow {
    shown: [
        tenant_id,
        shareholder_id,
        version,
        valid_from,
        recorded_at,
        actor,
        enterprise_number,
        country,
        language,
    ],
    masked: [
        first_name,
        last_name,
        legal_name,
        national_number,
        birth_date,
        street,
        postal_code,
        city,
        email,
        phone,
        iban,
    ],
});

impl ShareholderRow {
    pub fn identity(&self) -> Identity {
        Identity {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            legal_name: self.legal_name.clone(),
            national_number: self.national_number.clone(),
            enterprise_number: self.enterprise_number.clone(),
            birth_date: self.birth_date,
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            iban: self.iban.clone(),
            language: self.language.clone(),
        }
    }

    /// The name the register shows: "Last, First" for a person, the legal name otherwise.
    pub fn display_name(&self) -> String {
        display_name(
            &self.kind,
            self.legal_name.as_deref(),
            self.last_name.as_deref(),
            self.first_name.as_deref(),
        )
    }
}

impl VersionRow {
    fn new(
        tenant: &TenantId,
        holder: &str,
        version: i32,
        valid_from: NaiveDate,
        actor: &str,
        now: DateTime<Utc>,
        id: Identity,
    ) -> Self {
        VersionRow {
            tenant_id: tenant.to_string(),
            shareholder_id: holder.to_string(),
            version,
            valid_from,
            recorded_at: to_db_time(now),
            actor: actor.to_string(),
            first_name: id.first_name,
            last_name: id.last_name,
            legal_name: id.legal_name,
            national_number: id.national_number,
            enterprise_number: id.enterprise_number,
            birth_date: id.birth_date,
            street: id.street,
            postal_code: id.postal_code,
            city: id.city,
            country: id.country,
            email: id.email,
            phone: id.phone,
            iban: id.iban,
            language: id.language,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewShareholder {
    pub kind: String,
    pub admission_date: NaiveDate,
    pub identity: Identity,
}

/// Creates a shareholder with the next register number and its first identity version.
pub fn create(
    conn: &mut DbConnection,
    tenant: &TenantId,
    new: NewShareholder,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<ShareholderRow, StoreError> {
    crate::write_transaction(conn, |conn| {
        crate::tenants::lock(conn, tenant)?;
        insert_locked(conn, tenant, new, actor, now)
    })
}

/// Inserts a shareholder inside a transaction that already holds the tenant lock (imports and
/// the demo create many in one go).
pub fn insert_locked(
    conn: &mut DbConnection,
    tenant: &TenantId,
    new: NewShareholder,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<ShareholderRow, StoreError> {
    let number = crate::tenants::next_register_number(conn, tenant)?;
    insert_numbered(conn, tenant, new, number, actor, now)
}

/// Inserts a shareholder with a register number the caller reserved
/// (`tenants::reserve_register_numbers`), in a transaction that holds the tenant lock.
pub fn insert_numbered(
    conn: &mut DbConnection,
    tenant: &TenantId,
    new: NewShareholder,
    number: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<ShareholderRow, StoreError> {
    refuse_duplicate(conn, tenant, &new.identity, None)?;
    let (row, version) = rows_of(tenant, ShareholderId::new(), new, number, actor, now);
    diesel::insert_into(shareholders::table)
        .values(&row)
        .execute(conn)?;
    diesel::insert_into(shareholder_versions::table)
        .values(version)
        .execute(conn)?;
    Ok(row)
}

/// Rows per multi-row insert of holders on SQLite: 25 columns each keeps it under its limit
/// of bound values. PostgreSQL takes them as arrays, a few thousand at a time.
const HOLDERS_PER_INSERT: usize = 400;
const HOLDERS_PER_ARRAY_INSERT: usize = 5_000;

/// Inserts many shareholders, each with its own id and reserved register number, with
/// multi-row inserts, in a transaction that holds the tenant lock. The caller has checked
/// them (an import's dry run, repeated under the lock); the database's unique keys on
/// register, national and enterprise numbers still refuse a duplicate.
pub fn insert_many(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holders: Vec<(ShareholderId, i64, NewShareholder)>,
    actor: &str,
    now: DateTime<Utc>,
    loaded_before: usize,
) -> Result<(), StoreError> {
    let per_insert = match conn.backend() {
        crate::connection::Backend::Postgres => HOLDERS_PER_ARRAY_INSERT,
        crate::connection::Backend::Sqlite => HOLDERS_PER_INSERT,
    };
    let mut rows = Vec::with_capacity(per_insert);
    let mut versions = Vec::with_capacity(per_insert);
    let mut holders = holders.into_iter().peekable();
    // `loaded_before`: holders this load wrote in earlier calls (it comes a part at a time).
    let mut inserted = loaded_before;
    let mut next_refresh = 2_000usize;
    while next_refresh <= loaded_before {
        next_refresh *= 2;
    }
    while holders.peek().is_some() {
        for (id, number, new) in holders.by_ref().take(per_insert) {
            let (row, version) = rows_of(tenant, id, new, number, actor, now);
            rows.push(row);
            versions.push(version);
        }
        insert_rows(conn, &rows, &versions)?;
        inserted += rows.len();
        rows.clear();
        versions.clear();
        // Plans made while the tables were nearly empty (the foreign-key checks' too) walk
        // every row of the tenant once it is large: fresh statistics make PostgreSQL plan
        // them again (measured: a 400-row insert took 1.3 s at 20,000 holders without).
        // Each time the load doubles, so the statistics never lag far and a large load
        // is analysed a few times, not every few thousand rows.
        if inserted >= next_refresh {
            crate::refresh_statistics(conn, &["shareholders", "shareholder_versions"])?;
            next_refresh = inserted * 2;
        }
    }
    Ok(())
}

/// Inserts holders and their versions: on PostgreSQL with two statements of a fixed text (a
/// column per array, planned once per connection, as the ledger's entries are), on SQLite
/// with multi-row inserts under its bound-variable limit. A multi-row `VALUES` list of 25
/// columns is parsed and planned again on every call, which cost more than the insert.
fn insert_rows(
    conn: &mut DbConnection,
    rows: &[ShareholderRow],
    versions: &[VersionRow],
) -> Result<(), StoreError> {
    use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamp};
    struct InsertHolders;
    struct InsertVersions;
    let DbConnection::Pg(pg) = conn else {
        crate::insert_many!(conn, shareholders::table, rows)?;
        crate::insert_many!(conn, shareholder_versions::table, versions)?;
        return Ok(());
    };
    if rows.is_empty() {
        return Ok(());
    }
    fn col<'a, R, T>(rows: &'a [R], f: impl Fn(&'a R) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    let text = |f: fn(&ShareholderRow) -> &str| col(rows, f).into_sql::<Array<Text>>();
    let opt =
        |f: fn(&ShareholderRow) -> Option<&str>| col(rows, f).into_sql::<Array<Nullable<Text>>>();
    crate::prepared::Fixed::<InsertHolders, _>::new(
        "INSERT INTO shareholders (tenant_id, id, register_number, kind, status, admission_date, \
         exit_date, exit_reason, version, first_name, last_name, legal_name, national_number, \
         enterprise_number, birth_date, street, postal_code, city, country, email, phone, iban, \
         language, created_at) SELECT * FROM unnest(",
        (
            text(|r| &r.tenant_id),
            text(|r| &r.id),
            col(rows, |r| r.register_number).into_sql::<Array<BigInt>>(),
            text(|r| &r.kind),
            text(|r| &r.status),
            col(rows, |r| r.admission_date).into_sql::<Array<Date>>(),
            col(rows, |r| r.exit_date).into_sql::<Array<Nullable<Date>>>(),
            opt(|r| r.exit_reason.as_deref()),
            col(rows, |r| r.version).into_sql::<Array<Integer>>(),
            opt(|r| r.first_name.as_deref()),
            opt(|r| r.last_name.as_deref()),
            opt(|r| r.legal_name.as_deref()),
            opt(|r| r.national_number.as_deref()),
            opt(|r| r.enterprise_number.as_deref()),
            col(rows, |r| r.birth_date).into_sql::<Array<Nullable<Date>>>(),
            opt(|r| r.street.as_deref()),
            opt(|r| r.postal_code.as_deref()),
            opt(|r| r.city.as_deref()),
            opt(|r| r.country.as_deref()),
            opt(|r| r.email.as_deref()),
            opt(|r| r.phone.as_deref()),
            opt(|r| r.iban.as_deref()),
            text(|r| &r.language),
            col(rows, |r| r.created_at).into_sql::<Array<Timestamp>>(),
        ),
        ")",
    )
    .execute(pg)?;
    let text = |f: fn(&VersionRow) -> &str| col(versions, f).into_sql::<Array<Text>>();
    let opt =
        |f: fn(&VersionRow) -> Option<&str>| col(versions, f).into_sql::<Array<Nullable<Text>>>();
    crate::prepared::Fixed::<InsertVersions, _>::new(
        "INSERT INTO shareholder_versions (tenant_id, shareholder_id, version, valid_from, \
         recorded_at, actor, first_name, last_name, legal_name, national_number, \
         enterprise_number, birth_date, street, postal_code, city, country, email, phone, iban, \
         language) SELECT * FROM unnest(",
        (
            text(|r| &r.tenant_id),
            text(|r| &r.shareholder_id),
            col(versions, |r| r.version).into_sql::<Array<Integer>>(),
            col(versions, |r| r.valid_from).into_sql::<Array<Date>>(),
            col(versions, |r| r.recorded_at).into_sql::<Array<Timestamp>>(),
            text(|r| &r.actor),
            opt(|r| r.first_name.as_deref()),
            opt(|r| r.last_name.as_deref()),
            opt(|r| r.legal_name.as_deref()),
            opt(|r| r.national_number.as_deref()),
            opt(|r| r.enterprise_number.as_deref()),
            col(versions, |r| r.birth_date).into_sql::<Array<Nullable<Date>>>(),
            opt(|r| r.street.as_deref()),
            opt(|r| r.postal_code.as_deref()),
            opt(|r| r.city.as_deref()),
            opt(|r| r.country.as_deref()),
            opt(|r| r.email.as_deref()),
            opt(|r| r.phone.as_deref()),
            opt(|r| r.iban.as_deref()),
            text(|r| &r.language),
        ),
        ")",
    )
    .execute(pg)?;
    Ok(())
}

/// A new shareholder's row and its first identity version.
fn rows_of(
    tenant: &TenantId,
    id: ShareholderId,
    new: NewShareholder,
    number: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> (ShareholderRow, VersionRow) {
    let id = id.to_string();
    let i = new.identity.clone();
    let row = ShareholderRow {
        tenant_id: tenant.to_string(),
        id: id.clone(),
        register_number: number,
        kind: new.kind,
        status: "active".into(),
        admission_date: new.admission_date,
        exit_date: None,
        exit_reason: None,
        version: 1,
        first_name: i.first_name,
        last_name: i.last_name,
        legal_name: i.legal_name,
        national_number: i.national_number,
        enterprise_number: i.enterprise_number,
        birth_date: i.birth_date,
        street: i.street,
        postal_code: i.postal_code,
        city: i.city,
        country: i.country,
        email: i.email,
        phone: i.phone,
        iban: i.iban,
        language: i.language,
        created_at: to_db_time(now),
    };
    let version = VersionRow::new(tenant, &id, 1, new.admission_date, actor, now, new.identity);
    (row, version)
}

/// One person or company has one register number: refuses an identity whose national
/// register number or enterprise number another shareholder of the tenant already has.
fn refuse_duplicate(
    conn: &mut DbConnection,
    tenant: &TenantId,
    identity: &Identity,
    except: Option<&str>,
) -> Result<(), StoreError> {
    let checks = [
        (
            "national register number",
            identity.national_number.as_deref(),
            true,
        ),
        (
            "enterprise number",
            identity.enterprise_number.as_deref(),
            false,
        ),
    ];
    for (what, value, national) in checks {
        let Some(value) = value else { continue };
        let mut query = shareholders::table
            .filter(shareholders::tenant_id.eq(tenant.to_string()))
            .select(shareholders::register_number)
            .into_boxed();
        query = if national {
            query.filter(shareholders::national_number.eq(value.to_string()))
        } else {
            query.filter(shareholders::enterprise_number.eq(value.to_string()))
        };
        if let Some(id) = except {
            query = query.filter(shareholders::id.ne(id.to_string()));
        }
        if let Some(number) = query.first::<i64>(conn).optional()? {
            return Err(StoreError::Conflict(format!(
                "shareholder {number} of this register has the same {what}"
            )));
        }
    }
    Ok(())
}

pub fn get(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ShareholderId,
) -> Result<ShareholderRow, StoreError> {
    Ok(shareholders::table
        .find((tenant.to_string(), id.to_string()))
        .select(ShareholderRow::as_select())
        .first(conn)?)
}

/// The ids of the holders with these register numbers; numbers nobody has are absent.
pub fn ids_by_register_number(
    conn: &mut DbConnection,
    tenant: &TenantId,
    numbers: &[i64],
) -> Result<std::collections::HashMap<i64, ShareholderId>, StoreError> {
    if numbers.is_empty() {
        return Ok(Default::default());
    }
    shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::register_number.eq_any(numbers))
        .select((shareholders::register_number, shareholders::id))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(n, id)| {
            id.parse()
                .map(|id| (n, id))
                .map_err(|_| StoreError::Corrupt(format!("shareholder id {id:?}")))
        })
        .collect()
}

/// What a register line shows of its holder.
#[derive(Queryable, Clone, Debug)]
pub struct RegisterName {
    pub id: String,
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

impl RegisterName {
    pub fn display_name(&self) -> String {
        display_name(
            &self.kind,
            self.legal_name.as_deref(),
            self.last_name.as_deref(),
            self.first_name.as_deref(),
        )
    }
}

/// The names and addresses of the holders numbered `from` to `to`: a range of the register
/// number's index, the columns a register line shows (the register export reads them a
/// page at a time).
pub fn register_names(
    conn: &mut DbConnection,
    tenant: &TenantId,
    from: i64,
    to: i64,
) -> Result<Vec<RegisterName>, StoreError> {
    Ok(shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::register_number.between(from, to))
        .select((
            shareholders::id,
            shareholders::kind,
            shareholders::first_name,
            shareholders::last_name,
            shareholders::legal_name,
            shareholders::street,
            shareholders::postal_code,
            shareholders::city,
            shareholders::country,
        ))
        .load(conn)?)
}

/// How the register names a holder: "Last, First" for a person, the legal name for a
/// company.
pub fn display_name(
    kind: &str,
    legal_name: Option<&str>,
    last_name: Option<&str>,
    first_name: Option<&str>,
) -> String {
    match (legal_name, last_name, first_name) {
        (Some(legal), _, _) if kind == "legal" => legal.to_string(),
        (_, Some(last), Some(first)) => format!("{last}, {first}"),
        (_, Some(last), None) => last.to_string(),
        (Some(legal), _, _) => legal.to_string(),
        _ => String::new(),
    }
}

/// A holder as the ledger rules see them, without their legs.
#[derive(Clone, Debug)]
pub struct RuleFacts {
    pub status: String,
    pub admitted: NaiveDate,
    pub label: dar_core::ledger::HolderLabel,
}

#[derive(QueryableByName, Queryable)]
struct RuleFactsRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    tenant_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    register_number: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    legal_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    last_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    first_name: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Date)]
    admission_date: NaiveDate,
}

/// The rule facts of the holders named by (tenant id, holder id), keyed the same way.
pub fn rule_facts(
    conn: &mut DbConnection,
    holders: &[(String, String)],
) -> Result<std::collections::HashMap<(String, String), RuleFacts>, StoreError> {
    use diesel::sql_types::{Array, Text};
    struct RuleFactsSql;
    let rows: Vec<RuleFactsRow> = match conn {
        DbConnection::Pg(pg) => crate::prepared::Fixed::<RuleFactsSql, _>::new(
            "SELECT s.tenant_id, s.id, s.status, s.register_number, s.kind, s.legal_name, \
             s.last_name, s.first_name, s.admission_date \
             FROM unnest(",
            (
                holders
                    .iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .into_sql::<Array<Text>>(),
                holders
                    .iter()
                    .map(|(_, h)| h.as_str())
                    .collect::<Vec<_>>()
                    .into_sql::<Array<Text>>(),
            ),
            ") AS k (tenant_id, id) \
             JOIN shareholders s ON s.tenant_id = k.tenant_id AND s.id = k.id",
        )
        .load(pg)?,
        DbConnection::Sqlite(_) => {
            let mut tenants: Vec<&String> = holders.iter().map(|(t, _)| t).collect();
            tenants.sort();
            tenants.dedup();
            let ids: Vec<&String> = holders.iter().map(|(_, h)| h).collect();
            shareholders::table
                .filter(shareholders::tenant_id.eq_any(tenants))
                .filter(shareholders::id.eq_any(ids))
                .select((
                    shareholders::tenant_id,
                    shareholders::id,
                    shareholders::status,
                    shareholders::register_number,
                    shareholders::kind,
                    shareholders::legal_name,
                    shareholders::last_name,
                    shareholders::first_name,
                    shareholders::admission_date,
                ))
                .load::<RuleFactsRow>(conn)?
        }
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = display_name(
                &row.kind,
                row.legal_name.as_deref(),
                row.last_name.as_deref(),
                row.first_name.as_deref(),
            );
            let facts = RuleFacts {
                status: row.status,
                admitted: row.admission_date,
                label: dar_core::ledger::HolderLabel {
                    register_number: row.register_number,
                    name,
                },
            };
            ((row.tenant_id, row.id), facts)
        })
        .collect())
}

/// How many shareholders of the tenant are active.
pub fn count_active(conn: &mut DbConnection, tenant: &TenantId) -> Result<i64, StoreError> {
    Ok(shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::status.eq("active"))
        .count()
        .get_result(conn)?)
}

/// Which shareholders a list shows.
#[derive(Clone, Debug, Default)]
pub struct ShareholderFilter {
    pub status: Option<String>,
    /// Part of a name, any case.
    pub name: Option<String>,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

pub fn list(
    conn: &mut DbConnection,
    tenant: &TenantId,
    filter: &ShareholderFilter,
    after_register_number: i64,
    limit: i64,
) -> Result<Vec<ShareholderRow>, StoreError> {
    let mut query = shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::register_number.gt(after_register_number))
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(shareholders::status.eq(status.clone()));
    }
    if let Some(name) = &filter.name {
        // LIKE wildcards typed by the user are taken literally.
        let escaped = name
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(shareholders::last_name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(shareholders::first_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(shareholders::legal_name).like(pattern).escape('\\')),
        );
    }
    Ok(query
        .order(shareholders::register_number.asc())
        .limit(limit)
        .select(ShareholderRow::as_select())
        .load(conn)?)
}

/// Records a new identity version valid from `valid_from` and makes it current.
pub fn change_identity(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ShareholderId,
    identity: Identity,
    valid_from: NaiveDate,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<ShareholderRow, StoreError> {
    crate::write_transaction(conn, |conn| {
        crate::tenants::lock(conn, tenant)?;
        let current = get(conn, tenant, id)?;
        if current.identity() == identity {
            return Ok(current);
        }
        refuse_duplicate(conn, tenant, &identity, Some(&current.id))?;
        let version = current.version + 1;
        let v = VersionRow::new(
            tenant,
            &current.id,
            version,
            valid_from,
            actor,
            now,
            identity.clone(),
        );
        diesel::insert_into(shareholder_versions::table)
            .values(&v)
            .execute(conn)?;
        diesel::update(shareholders::table.find((tenant.to_string(), id.to_string())))
            .set((
                shareholders::version.eq(version),
                shareholders::first_name.eq(identity.first_name),
                shareholders::last_name.eq(identity.last_name),
                shareholders::legal_name.eq(identity.legal_name),
                shareholders::national_number.eq(identity.national_number),
                shareholders::enterprise_number.eq(identity.enterprise_number),
                shareholders::birth_date.eq(identity.birth_date),
                shareholders::street.eq(identity.street),
                shareholders::postal_code.eq(identity.postal_code),
                shareholders::city.eq(identity.city),
                shareholders::country.eq(identity.country),
                shareholders::email.eq(identity.email),
                shareholders::phone.eq(identity.phone),
                shareholders::iban.eq(identity.iban),
                shareholders::language.eq(identity.language),
            ))
            .execute(conn)?;
        get(conn, tenant, id)
    })
}

/// Every identity version, oldest first.
pub fn versions(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ShareholderId,
) -> Result<Vec<VersionRow>, StoreError> {
    Ok(shareholder_versions::table
        .filter(shareholder_versions::tenant_id.eq(tenant.to_string()))
        .filter(shareholder_versions::shareholder_id.eq(id.to_string()))
        .order(shareholder_versions::version.asc())
        .select(VersionRow::as_select())
        .load(conn)?)
}

/// Marks a shareholder as having left (exited, excluded, deceased) on a date.
pub fn set_status(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ShareholderId,
    status: &str,
    exit_date: Option<NaiveDate>,
    exit_reason: Option<String>,
) -> Result<ShareholderRow, StoreError> {
    crate::write_transaction(conn, |conn| {
        crate::tenants::lock(conn, tenant)?;
        diesel::update(shareholders::table.find((tenant.to_string(), id.to_string())))
            .set((
                shareholders::status.eq(status),
                shareholders::exit_date.eq(exit_date),
                shareholders::exit_reason.eq(exit_reason),
            ))
            .execute(conn)?;
        get(conn, tenant, id)
    })
}
