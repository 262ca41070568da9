//! Share certificates: issuing them (numbered per tenant, recorded with what they showed),
//! finding them, and the batches that issue them in bulk.
//!
//! Issuing reads the register at the tenant's current head under the tenant lock, so a
//! certificate's holdings, ledger point and number are one consistent moment. The PDF is
//! rendered by a callback: storage records the SHA-256 the renderer reports, and never
//! depends on how documents look.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::documents;
use crate::error::StoreError;
use crate::ledger::{self, Moment, Position};
use crate::schema::{certificate_batches, certificates, shareholder_versions, shareholders};
use crate::share_classes::{self, ShareClassRow};
use crate::shareholders::{ShareholderRow, VersionRow};
use crate::tenants::{self, TenantRow};
use crate::{parse_id, to_db_time};
use dar_core::documents::{
    CERTIFICATE_LAYOUT, CertificateContent, ClassTerms, Cooperative, Holder, HoldingLine,
    LedgerPoint, PostalAddress, Signatory,
};
use dar_core::identifiers::EnterpriseNumber;
use dar_core::ids::{CertificateBatchId, CertificateId, TenantId, UserId};
use dar_core::money::Money;
use dar_core::types::{Language, TenantStatus, TransferRule};

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    pub tenant_id: String,
    pub id: String,
    pub number: i64,
    pub shareholder_id: String,
    pub as_of: NaiveDate,
    pub ledger_seq: Option<i64>,
    pub ledger_hash: Option<String>,
    pub language: String,
    pub layout: i32,
    pub content: String,
    pub pdf_sha256: String,
    pub supersedes: Option<String>,
    pub batch_id: Option<String>,
    pub issued_by: String,
    pub issued_at: NaiveDateTime,
}

impl CertificateRow {
    /// The recorded content the PDF is rendered from.
    pub fn content(&self) -> Result<CertificateContent, StoreError> {
        serde_json::from_str(&self.content)
            .map_err(|e| StoreError::Corrupt(format!("certificate {}: {e}", self.id)))
    }
}

/// What issuing needs besides the holders.
pub struct IssueContext<'a> {
    pub tenant: TenantId,
    /// The date the holdings are shown for; today when the caller gave none.
    pub as_of: NaiveDate,
    /// Today in Brussels, printed as the issue date.
    pub issued_on: NaiveDate,
    pub issued_by: UserId,
    pub batch: Option<CertificateBatchId>,
    /// Prefix of the public verification link; the certificate id is appended.
    pub verify_base: &'a str,
    pub now: DateTime<Utc>,
}

/// Renders a certificate's content to a PDF and returns the PDF's SHA-256 (lowercase hex).
pub type Render<'r> = dyn FnMut(&CertificateContent) -> Result<String, StoreError> + 'r;

/// Issues one certificate per holder, in one transaction: each supersedes the holder's
/// current certificate, numbers continue the tenant's sequence.
pub fn issue(
    conn: &mut DbConnection,
    ctx: &IssueContext<'_>,
    holders: &[ShareholderRow],
    render: &mut Render<'_>,
) -> Result<Vec<CertificateRow>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let tenant = tenants::lock(conn, &ctx.tenant)?;
        if tenant.status != TenantStatus::Active.as_str() {
            return Err(StoreError::TenantInactive {
                status: tenant.status,
            });
        }
        let rows = compose(conn, ctx, &tenant, holders, render)?;
        crate::insert_many!(conn, certificates::table, &rows)?;
        Ok(rows)
    })
}

fn compose(
    conn: &mut DbConnection,
    ctx: &IssueContext<'_>,
    tenant: &TenantRow,
    holders: &[ShareholderRow],
    render: &mut Render<'_>,
) -> Result<Vec<CertificateRow>, StoreError> {
    let moment = Moment {
        as_of: ctx.as_of,
        as_of_seq: tenant.ledger_head_seq,
    };
    let point = (tenant.ledger_head_seq > 0).then(|| LedgerPoint {
        seq: tenant.ledger_head_seq,
        hash: tenant.ledger_head_hash.clone(),
    });
    let cooperative = cooperative(tenant)?;
    let settings = documents::settings(conn, &ctx.tenant)?;
    let signatory = settings.signatory_name.clone().map(|name| Signatory {
        name,
        title: settings.signatory_title.clone(),
        signature_image: settings.signature_sha256.clone(),
    });
    // By id: positions name their class by id.
    let classes: HashMap<String, ShareClassRow> = share_classes::list(conn, &ctx.tenant)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let ids: Vec<String> = holders.iter().map(|h| h.id.clone()).collect();
    let mut holdings = holdings_of(conn, &ctx.tenant, holders, moment)?;
    let identities = identities_on(conn, &ctx.tenant, &ids, ctx.as_of)?;
    let current = current_certificates(conn, &ctx.tenant, &ids)?;
    let first_number = last_number(conn, &ctx.tenant)? + 1;

    let mut rows = Vec::with_capacity(holders.len());
    for (number, holder) in (first_number..).zip(holders) {
        let id = CertificateId::new();
        let identity = identities.get(&holder.id);
        let mut lines = holdings
            .remove(&holder.id)
            .unwrap_or_default()
            .into_iter()
            .map(|p| holding_line(&classes, p))
            .collect::<Result<Vec<_>, _>>()?;
        lines.sort_by(|a, b| a.class.code.cmp(&b.class.code));
        let language = Language::parse(&holder.language)
            .ok_or_else(|| StoreError::Corrupt(format!("language {:?}", holder.language)))?;
        let content = CertificateContent {
            layout: CERTIFICATE_LAYOUT,
            language,
            certificate_id: id.to_string(),
            number,
            as_of: ctx.as_of,
            issued_on: ctx.issued_on,
            ledger: point.clone().unwrap_or(LedgerPoint {
                seq: 0,
                hash: tenant.ledger_head_hash.clone(),
            }),
            verify_url: format!("{}{}", ctx.verify_base, id),
            cooperative: cooperative.clone(),
            logo_image: settings.logo_sha256.clone(),
            signatory: signatory.clone(),
            holder: holder_block(holder, identity),
            holdings: lines,
        };
        let pdf_sha256 = render(&content)?;
        rows.push(CertificateRow {
            tenant_id: ctx.tenant.to_string(),
            id: id.to_string(),
            number,
            shareholder_id: holder.id.clone(),
            as_of: ctx.as_of,
            ledger_seq: point.as_ref().map(|p| p.seq),
            ledger_hash: point.as_ref().map(|p| p.hash.clone()),
            language: language.as_str().to_string(),
            layout: CERTIFICATE_LAYOUT as i32,
            content: serde_json::to_string(&content)
                .map_err(|e| StoreError::Corrupt(format!("certificate content: {e}")))?,
            pdf_sha256,
            supersedes: current.get(&holder.id).cloned(),
            batch_id: ctx.batch.map(|b| b.to_string()),
            issued_by: ctx.issued_by.to_string(),
            issued_at: to_db_time(ctx.now),
        });
    }
    Ok(rows)
}

/// The cooperative's header block, as documents print it.
pub fn cooperative(tenant: &TenantRow) -> Result<Cooperative, StoreError> {
    let enterprise_number = EnterpriseNumber::parse(&tenant.enterprise_number)
        .map_err(|e| StoreError::Corrupt(format!("tenant enterprise number: {e}")))?;
    Ok(Cooperative {
        legal_name: tenant.legal_name.clone(),
        legal_form: tenant.legal_form.clone(),
        enterprise_number: enterprise_number.formatted(),
        seat: PostalAddress {
            street: tenant.street.clone(),
            postal_code: tenant.postal_code.clone(),
            city: tenant.city.clone(),
            country: tenant.country.clone(),
        },
    })
}

/// A holder as the register named them on the document's date: the identity version valid
/// then, or the current record when there is none yet.
pub fn holder_block(holder: &ShareholderRow, identity: Option<&VersionRow>) -> Holder {
    let (first, last, legal, enterprise, street, postal, city, country) = match identity {
        Some(v) => (
            &v.first_name,
            &v.last_name,
            &v.legal_name,
            &v.enterprise_number,
            &v.street,
            &v.postal_code,
            &v.city,
            &v.country,
        ),
        None => (
            &holder.first_name,
            &holder.last_name,
            &holder.legal_name,
            &holder.enterprise_number,
            &holder.street,
            &holder.postal_code,
            &holder.city,
            &holder.country,
        ),
    };
    let name = if holder.kind == "legal" {
        legal.clone().unwrap_or_default()
    } else {
        [first.as_deref(), last.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    };
    Holder {
        register_number: holder.register_number,
        name,
        enterprise_number: enterprise
            .as_deref()
            .map(|n| EnterpriseNumber::parse(n).map_or_else(|_| n.to_string(), |n| n.formatted())),
        address: PostalAddress {
            street: street.clone(),
            postal_code: postal.clone(),
            city: city.clone(),
            country: country.clone().unwrap_or_else(|| "BE".to_string()),
        },
    }
}

/// A class's terms as documents print them.
pub fn class_terms(class: &ShareClassRow) -> Result<ClassTerms, StoreError> {
    Ok(ClassTerms {
        code: class.code.clone(),
        name: class.name.clone(),
        nominal_value: money(class.nominal_value_cents)?,
        votes_per_share: class.votes_per_share,
        dividend_rights: class.dividend_rights,
        transfer_rule: TransferRule::parse(&class.transfer_rule).ok_or_else(|| {
            StoreError::Corrupt(format!("transfer rule {:?}", class.transfer_rule))
        })?,
    })
}

fn holding_line(
    classes: &HashMap<String, ShareClassRow>,
    p: Position,
) -> Result<HoldingLine, StoreError> {
    let class = classes
        .get(&p.share_class_id)
        .ok_or_else(|| StoreError::Corrupt(format!("class {:?}", p.share_class_id)))?;
    Ok(HoldingLine {
        class: class_terms(class)?,
        quantity: p.quantity,
        subscribed: money(p.capital_cents)?,
        paid_up: money(p.paid_cents)?,
    })
}

pub(crate) fn money(cents: i64) -> Result<Money, StoreError> {
    Money::from_cents(cents).map_err(|e| StoreError::Corrupt(format!("amount {cents}: {e}")))
}

/// Positions by holder id. The caller knows the holders and the classes already, so only
/// the ledger is read (two indexed queries per holder).
fn holdings_of(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holders: &[ShareholderRow],
    moment: Moment,
) -> Result<HashMap<String, Vec<Position>>, StoreError> {
    let mut by_holder = HashMap::with_capacity(holders.len());
    for holder in holders {
        let positions = ledger::holder_positions(conn, tenant, &parse_id(&holder.id)?, moment)?;
        by_holder.insert(holder.id.clone(), positions);
    }
    Ok(by_holder)
}

/// Each holder's identity version valid on `date` (the newest one from before it).
pub fn identities_on(
    conn: &mut DbConnection,
    tenant: &TenantId,
    ids: &[String],
    date: NaiveDate,
) -> Result<HashMap<String, VersionRow>, StoreError> {
    let rows: Vec<VersionRow> = shareholder_versions::table
        .filter(shareholder_versions::tenant_id.eq(tenant.to_string()))
        .filter(shareholder_versions::shareholder_id.eq_any(ids))
        .filter(shareholder_versions::valid_from.le(date))
        .order((
            shareholder_versions::shareholder_id.asc(),
            shareholder_versions::version.asc(),
        ))
        .select(VersionRow::as_select())
        .load(conn)?;
    // Ordered by version, so the last one per holder wins.
    Ok(rows
        .into_iter()
        .map(|v| (v.shareholder_id.clone(), v))
        .collect())
}

/// Each holder's current certificate: the one no other certificate supersedes.
fn current_certificates(
    conn: &mut DbConnection,
    tenant: &TenantId,
    ids: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String, Option<String>)> = certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::shareholder_id.eq_any(ids))
        .select((
            certificates::shareholder_id,
            certificates::id,
            certificates::supersedes,
        ))
        .load(conn)?;
    let superseded: HashSet<&String> = rows.iter().filter_map(|r| r.2.as_ref()).collect();
    Ok(rows
        .iter()
        .filter(|r| !superseded.contains(&r.1))
        .map(|r| (r.0.clone(), r.1.clone()))
        .collect())
}

fn last_number(conn: &mut DbConnection, tenant: &TenantId) -> Result<i64, StoreError> {
    Ok(certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .select(diesel::dsl::max(certificates::number))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

pub fn get(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateId,
) -> Result<CertificateRow, StoreError> {
    Ok(certificates::table
        .find((tenant.to_string(), id.to_string()))
        .select(CertificateRow::as_select())
        .first(conn)?)
}

/// The certificate that supersedes this one, if any: (id, number).
pub fn superseded_by(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateId,
) -> Result<Option<(String, i64)>, StoreError> {
    Ok(certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::supersedes.eq(id.to_string()))
        .select((certificates::id, certificates::number))
        .first(conn)
        .optional()?)
}

/// A certificate looked up by its id alone, for the public verification page.
pub fn find_any(
    conn: &mut DbConnection,
    id: &CertificateId,
) -> Result<Option<CertificateRow>, StoreError> {
    Ok(certificates::table
        .filter(certificates::id.eq(id.to_string()))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether `cert` already states what a certificate issued now as of `today` would: the same
/// date, the same ledger entries, the holder named and addressed as the register names them
/// today, in their language. Asking for a current certificate then gives this one back
/// instead of a new number for the same statement.
pub fn still_current(
    conn: &mut DbConnection,
    tenant: &TenantRow,
    holder: &ShareholderRow,
    cert: &CertificateRow,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    if cert.as_of != today
        || cert.ledger_seq.unwrap_or(0) != tenant.ledger_head_seq
        || cert.language != holder.language
    {
        return Ok(false);
    }
    let tenant_id: TenantId = parse_id(&tenant.id)?;
    let identities = identities_on(conn, &tenant_id, std::slice::from_ref(&holder.id), today)?;
    Ok(cert.content()?.holder == holder_block(holder, identities.get(&holder.id)))
}

/// A holder's certificates, newest first.
pub fn of_holder(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holder: &str,
) -> Result<Vec<CertificateRow>, StoreError> {
    Ok(certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::shareholder_id.eq(holder))
        .order(certificates::number.desc())
        .select(CertificateRow::as_select())
        .load(conn)?)
}

/// A page of a tenant's certificates, by number; optionally one holder's.
pub fn list(
    conn: &mut DbConnection,
    tenant: &TenantId,
    holder: Option<&str>,
    after_number: i64,
    limit: i64,
) -> Result<Vec<CertificateRow>, StoreError> {
    let mut query = certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::number.gt(after_number))
        .into_boxed();
    if let Some(holder) = holder {
        query = query.filter(certificates::shareholder_id.eq(holder.to_string()));
    }
    Ok(query
        .order(certificates::number.asc())
        .limit(limit)
        .select(CertificateRow::as_select())
        .load(conn)?)
}

/// A page of a tenant's certificates, newest first, below number `before` (all when `None`).
pub fn latest(
    conn: &mut DbConnection,
    tenant: &TenantId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<CertificateRow>, StoreError> {
    Ok(certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::number.lt(before.unwrap_or(i64::MAX)))
        .order(certificates::number.desc())
        .limit(limit)
        .select(CertificateRow::as_select())
        .load(conn)?)
}

/// The certificates a batch issued, by number, a page at a time.
pub fn of_batch(
    conn: &mut DbConnection,
    tenant: &TenantId,
    batch: &CertificateBatchId,
    after_number: i64,
    limit: i64,
) -> Result<Vec<CertificateRow>, StoreError> {
    Ok(certificates::table
        .filter(certificates::tenant_id.eq(tenant.to_string()))
        .filter(certificates::batch_id.eq(batch.to_string()))
        .filter(certificates::number.gt(after_number))
        .order(certificates::number.asc())
        .limit(limit)
        .select(CertificateRow::as_select())
        .load(conn)?)
}

/// Active holders with a register number in `(after, up_to]`, in register order: the
/// population of a batch for "all", a page at a time.
pub fn active_holders_between(
    conn: &mut DbConnection,
    tenant: &TenantId,
    after: i64,
    up_to: i64,
    limit: i64,
) -> Result<Vec<ShareholderRow>, StoreError> {
    Ok(shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::status.eq("active"))
        .filter(shareholders::register_number.gt(after))
        .filter(shareholders::register_number.le(up_to))
        .order(shareholders::register_number.asc())
        .limit(limit)
        .select(ShareholderRow::as_select())
        .load(conn)?)
}

/// The named holders, in register order; ids that are not this tenant's are left out.
pub fn holders_by_id(
    conn: &mut DbConnection,
    tenant: &TenantId,
    ids: &[String],
) -> Result<Vec<ShareholderRow>, StoreError> {
    Ok(shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::id.eq_any(ids))
        .order(shareholders::register_number.asc())
        .select(ShareholderRow::as_select())
        .load(conn)?)
}

/// How many active holders there are, and the highest register number: what a batch for
/// "all" covers.
pub fn active_population(
    conn: &mut DbConnection,
    tenant: &TenantId,
) -> Result<(i64, i64), StoreError> {
    let (count, max): (i64, Option<i64>) = shareholders::table
        .filter(shareholders::tenant_id.eq(tenant.to_string()))
        .filter(shareholders::status.eq("active"))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(shareholders::register_number),
        ))
        .first(conn)?;
    Ok((count, max.unwrap_or(0)))
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = certificate_batches)]
pub struct BatchRow {
    pub tenant_id: String,
    pub id: String,
    pub status: String,
    pub as_of: Option<NaiveDate>,
    pub selection: Option<String>,
    pub up_to_register_number: i64,
    pub total: i64,
    pub done: i64,
    pub last_register_number: i64,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: NaiveDateTime,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

impl BatchRow {
    /// The holder ids a batch was limited to, or `None` for all.
    pub fn selection(&self) -> Result<Option<Vec<String>>, StoreError> {
        self.selection
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("batch selection: {e}")))
    }
}

pub fn create_batch(conn: &mut DbConnection, row: &BatchRow) -> Result<(), StoreError> {
    diesel::insert_into(certificate_batches::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn batch(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateBatchId,
) -> Result<BatchRow, StoreError> {
    Ok(certificate_batches::table
        .find((tenant.to_string(), id.to_string()))
        .select(BatchRow::as_select())
        .first(conn)?)
}

/// A cooperative's latest batches, newest first.
pub fn recent_batches(
    conn: &mut DbConnection,
    tenant: &TenantId,
    limit: i64,
) -> Result<Vec<BatchRow>, StoreError> {
    Ok(certificate_batches::table
        .filter(certificate_batches::tenant_id.eq(tenant.to_string()))
        // Ids are UUIDv7, in creation order: the primary key's index serves this order.
        .order(certificate_batches::id.desc())
        .limit(limit)
        .select(BatchRow::as_select())
        .load(conn)?)
}

/// A batch no worker is running: queued, or running without a heartbeat since
/// `stale_before`.
#[diesel::dsl::auto_type]
fn claimable(stale_before: NaiveDateTime) -> _ {
    let queued: &'static str = "queued";
    let running: &'static str = "running";
    certificate_batches::status
        .eq(queued)
        .or(certificate_batches::status
            .eq(running)
            .and(certificate_batches::heartbeat_at.lt(stale_before)))
}

/// Claims a batch for this worker: a queued one, or a running one whose worker stopped
/// beating before `stale_before`. Returns whether the claim won.
pub fn claim_batch(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateBatchId,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let claimed = diesel::update(
        certificate_batches::table
            .find((tenant.to_string(), id.to_string()))
            .filter(claimable(to_db_time(stale_before))),
    )
    .set((
        certificate_batches::status.eq("running"),
        certificate_batches::heartbeat_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Batches that are queued, or running without a heartbeat since `stale_before`.
pub fn open_batches(
    conn: &mut DbConnection,
    stale_before: DateTime<Utc>,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(certificate_batches::table
        .filter(claimable(to_db_time(stale_before)))
        .select((certificate_batches::tenant_id, certificate_batches::id))
        .load(conn)?)
}

/// Records progress after a slice was issued (in the slice's own transaction, so progress
/// and certificates never disagree).
pub fn advance_batch(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateBatchId,
    issued: i64,
    last_register_number: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(certificate_batches::table.find((tenant.to_string(), id.to_string())))
        .set((
            certificate_batches::done.eq(certificate_batches::done + issued),
            certificate_batches::last_register_number.eq(last_register_number),
            certificate_batches::heartbeat_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn finish_batch(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &CertificateBatchId,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let status = if error.is_some() { "failed" } else { "done" };
    diesel::update(certificate_batches::table.find((tenant.to_string(), id.to_string())))
        .set((
            certificate_batches::status.eq(status),
            certificate_batches::error.eq(error),
            certificate_batches::finished_at.eq(Some(to_db_time(now))),
            certificate_batches::heartbeat_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}
