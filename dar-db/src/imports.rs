//! Uploaded registers and their commit jobs, and each cooperative's saved column mapping.
//!
//! The job's row is claimed and beaten outside the commit's transaction; the commit itself
//! ([`mark_committed`]) flips the status in the same transaction as the data, and only for
//! the attempt that claimed it, so a job taken over by another worker is never written twice.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{import_mappings, imports, shareholders};
use crate::to_db_time;
use dar_core::ids::{ImportId, TenantId};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub tenant_id: String,
    pub id: String,
    pub mode: String,
    pub file_name: String,
    /// The file as uploaded; stored [`pack`]ed, which [`create`]'s caller does and
    /// [`get`] undoes.
    pub file: Vec<u8>,
    pub file_sha256: String,
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<i64>,
    pub number_style: Option<String>,
    pub mapping: String,
    pub report: String,
    pub clean: bool,
    pub status: String,
    pub total: i64,
    pub done: i64,
    pub attempt: i32,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// An import without its file, as lists and status reads show it.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = imports)]
pub struct ImportSummary {
    pub tenant_id: String,
    pub id: String,
    pub mode: String,
    pub file_name: String,
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<i64>,
    pub number_style: Option<String>,
    pub mapping: String,
    pub report: String,
    pub clean: bool,
    pub status: String,
    pub total: i64,
    pub done: i64,
    pub attempt: i32,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// An import's file as it is stored: gzipped (see [`unpack`]).
pub fn pack(file: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(file.len() / 8),
        flate2::Compression::fast(),
    );
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(file);
    gz.finish().unwrap_or_default()
}

/// The file [`pack`] stored; a file stored before files were packed (never gzip: CSV is
/// text and XLSX a ZIP) as it is.
pub fn unpack(stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    if !stored.starts_with(&[0x1f, 0x8b]) {
        return Ok(stored);
    }
    // The gzip trailer gives the length (modulo 4 GiB; files are far smaller).
    let size = stored
        .len()
        .checked_sub(4)
        .and_then(|at| stored.get(at..))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| u32::from_le_bytes(b) as usize);
    let mut file = Vec::with_capacity(size);
    flate2::read::GzDecoder::new(stored.as_slice())
        .read_to_end(&mut file)
        .map_err(|e| StoreError::Corrupt(format!("an import's stored file: {e}")))?;
    Ok(file)
}

pub fn create(conn: &mut DbConnection, row: &ImportRow) -> Result<(), StoreError> {
    diesel::insert_into(imports::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
) -> Result<ImportRow, StoreError> {
    let mut row: ImportRow = imports::table
        .find((tenant.to_string(), id.to_string()))
        .select(ImportRow::as_select())
        .first(conn)?;
    row.file = unpack(std::mem::take(&mut row.file))?;
    Ok(row)
}

pub fn summary(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
) -> Result<ImportSummary, StoreError> {
    Ok(imports::table
        .find((tenant.to_string(), id.to_string()))
        .select(ImportSummary::as_select())
        .first(conn)?)
}

/// A cooperative's latest imports, newest first.
pub fn recent(
    conn: &mut DbConnection,
    tenant: &TenantId,
    limit: i64,
) -> Result<Vec<ImportSummary>, StoreError> {
    Ok(imports::table
        .filter(imports::tenant_id.eq(tenant.to_string()))
        // Ids are UUIDv7, in creation order.
        .order(imports::id.desc())
        .limit(limit)
        .select(ImportSummary::as_select())
        .load(conn)?)
}

/// What a new dry run of an import found. Only an import not yet queued is checked again.
pub struct Rechecked<'a> {
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<i64>,
    pub number_style: Option<&'a str>,
    pub mapping: &'a str,
    pub report: &'a str,
    pub clean: bool,
    pub total: i64,
}

/// Stores a new dry run; `false` when the import was queued or committed meanwhile.
pub fn recheck(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
    r: &Rechecked,
) -> Result<bool, StoreError> {
    let open: [&str; 2] = ["checked", "failed"];
    let n = diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(imports::status.eq_any(open)),
    )
    .set((
        imports::effective_date.eq(r.effective_date),
        imports::control_total_cents.eq(r.control_total_cents),
        imports::number_style.eq(r.number_style),
        imports::mapping.eq(r.mapping),
        imports::report.eq(r.report),
        imports::clean.eq(r.clean),
        imports::total.eq(r.total),
        imports::done.eq(0),
        imports::status.eq("checked"),
        imports::error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Queues a clean, checked import for commit; `false` when it is not (any longer) both.
pub fn queue(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(imports::status.eq("checked"))
            .filter(imports::clean.eq(true)),
    )
    .set(imports::status.eq("queued"))
    .execute(conn)?;
    Ok(n == 1)
}

#[diesel::dsl::auto_type]
fn claimable(stale_before: NaiveDateTime) -> _ {
    let queued: &'static str = "queued";
    let running: &'static str = "running";
    imports::status.eq(queued).or(imports::status
        .eq(running)
        .and(imports::heartbeat_at.lt(stale_before)))
}

/// Claims a queued import, or a running one whose worker stopped beating before
/// `stale_before`; the attempt this worker holds, or `None` when another has it.
pub fn claim(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<i32>, StoreError> {
    let claimed: Option<i32> = diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(claimable(to_db_time(stale_before))),
    )
    .set((
        imports::status.eq("running"),
        imports::attempt.eq(imports::attempt + 1),
        imports::done.eq(0),
        imports::heartbeat_at.eq(to_db_time(now)),
    ))
    .returning(imports::attempt)
    .get_result(conn)
    .optional()?;
    Ok(claimed)
}

/// Imports waiting for a worker: queued, or running without a heartbeat since `stale_before`.
pub fn open(
    conn: &mut DbConnection,
    stale_before: DateTime<Utc>,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(imports::table
        .filter(claimable(to_db_time(stale_before)))
        .select((imports::tenant_id, imports::id))
        .load(conn)?)
}

/// Records progress and that the worker of `attempt` is alive (outside the commit's
/// transaction, from a connection of its own).
pub fn beat(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
    attempt: i32,
    done: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(imports::attempt.eq(attempt))
            .filter(imports::status.eq("running")),
    )
    .set((
        imports::done.eq(done),
        imports::heartbeat_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Marks the import committed, in the commit's own transaction; `false` when `attempt` no
/// longer holds it (another worker took it over), and the caller must roll back.
pub fn mark_committed(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
    attempt: i32,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(imports::attempt.eq(attempt))
            .filter(imports::status.eq("running")),
    )
    .set((
        imports::status.eq("committed"),
        imports::done.eq(imports::total),
        imports::finished_at.eq(to_db_time(now)),
        imports::heartbeat_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records why a commit failed (nothing of it was written).
pub fn mark_failed(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &ImportId,
    attempt: i32,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        imports::table
            .find((tenant.to_string(), id.to_string()))
            .filter(imports::attempt.eq(attempt))
            .filter(imports::status.eq("running")),
    )
    .set((
        imports::status.eq("failed"),
        imports::done.eq(0),
        imports::error.eq(error),
        imports::finished_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// The cooperative's saved mapping: normalised header → field key (`None`: left out).
pub fn mapping(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<HashMap<String, Option<String>>, StoreError> {
    Ok(import_mappings::table
        .filter(import_mappings::tenant_id.eq(tenant.to_string()))
        .select((import_mappings::header, import_mappings::field))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .collect())
}

/// Saves the user's choices for these headers, over what was saved before.
pub fn save_mapping(
    conn: &mut DbConnection,
    tenant: &TenantId,
    choices: &[(String, Option<String>)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for (header, field) in choices {
        diesel::delete(import_mappings::table.find((tenant.to_string(), header))).execute(conn)?;
        diesel::insert_into(import_mappings::table)
            .values((
                import_mappings::tenant_id.eq(tenant.to_string()),
                import_mappings::header.eq(header),
                import_mappings::field.eq(field),
                import_mappings::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What the dry run needs to know of the holders a cooperative already has.
#[derive(Queryable, Clone, Debug)]
pub struct HolderFacts {
    pub id: String,
    pub register_number: i64,
    pub status: String,
    pub admission_date: NaiveDate,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
}

/// Every holder of the cooperative, in the few columns the dry run needs.
pub fn holder_facts(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<Vec<HolderFacts>, StoreError> {
    Ok(shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .select((
            shareholders::id,
            shareholders::register_number,
            shareholders::status,
            shareholders::admission_date,
            shareholders::first_name,
            shareholders::last_name,
            shareholders::legal_name,
            shareholders::national_number,
            shareholders::enterprise_number,
        ))
        .load(conn)?)
}
