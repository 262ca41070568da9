//! Invoices and credit notes: issued once, with the next number of their series, and never
//! changed afterwards (the database refuses updates and deletes, and checks the numbering).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};

use crate::connection::{DbConnection, placeholders};
use crate::error::StoreError;
use crate::schema::{billing_documents, billing_lines};
use crate::to_db_time;
use dar_core::billing::amounts::{Line, Quantity, totals};
use dar_core::billing::{Balance, DocumentKind, DocumentNumber, Party, VatRate};
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_core::types::Language;

#[derive(Queryable, Selectable, Insertable, QueryableByName, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_documents)]
pub struct DocumentRow {
    pub id: String,
    pub kind: String,
    pub year: i32,
    pub seq: i32,
    pub number: String,
    pub tenant_id: String,
    pub corrects_id: Option<String>,
    pub billing_year: Option<i32>,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub language: String,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
    pub structured_communication: Option<String>,
    pub seller: String,
    pub buyer: String,
    pub note: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_lines)]
pub struct LineRow {
    pub document_id: String,
    pub position: i32,
    pub description: String,
    pub quantity: String,
    pub unit_price_cents: i64,
    pub vat_rate: String,
    pub net_cents: i64,
    pub vat_cents: i64,
}

fn corrupt(what: &str) -> impl Fn(String) -> StoreError + '_ {
    move |detail| StoreError::Corrupt(format!("{what}: {detail}"))
}

impl DocumentRow {
    pub fn kind(&self) -> Result<DocumentKind, StoreError> {
        DocumentKind::parse(&self.kind).ok_or_else(|| corrupt("document kind")(self.kind.clone()))
    }

    pub fn seller(&self) -> Result<Party, StoreError> {
        serde_json::from_str(&self.seller).map_err(|e| corrupt("seller")(e.to_string()))
    }

    pub fn buyer(&self) -> Result<Party, StoreError> {
        serde_json::from_str(&self.buyer).map_err(|e| corrupt("buyer")(e.to_string()))
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::Nl)
    }

    pub fn gross(&self) -> Money {
        Money::from_cents(self.gross_cents).unwrap_or(Money::ZERO)
    }
}

impl LineRow {
    /// The line as it was written, to work its amounts out again.
    pub fn line(&self) -> Result<Line, StoreError> {
        let quantity = self
            .quantity
            .parse()
            .ok()
            .and_then(|q| Quantity::new(q).ok())
            .ok_or_else(|| corrupt("line quantity")(self.quantity.clone()))?;
        Ok(Line {
            description: self.description.clone(),
            quantity,
            unit_price: Money::from_cents(self.unit_price_cents)
                .map_err(|e| corrupt("unit price")(e.to_string()))?,
            vat: VatRate::parse(&self.vat_rate)
                .ok_or_else(|| corrupt("VAT rate")(self.vat_rate.clone()))?,
        })
    }
}

/// A document with its lines, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub row: DocumentRow,
    pub lines: Vec<LineRow>,
}

/// A document to issue. Its number, structured communication and amounts are worked out
/// by [`issue`].
pub struct NewDocument {
    pub kind: DocumentKind,
    pub tenant: TenantId,
    /// The invoice a credit note corrects.
    pub corrects: Option<String>,
    /// The year a yearly run's invoice is for.
    pub billing_year: Option<i32>,
    pub issue_date: NaiveDate,
    /// Days from issue to due date (invoices).
    pub payment_term_days: i64,
    pub language: Language,
    pub seller: Party,
    pub buyer: Party,
    pub note: Option<String>,
    pub lines: Vec<Line>,
    /// The Idempotency-Key and the digest of the request that sent it.
    pub idempotency: Option<(String, String)>,
    pub created_by: String,
    pub now: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = Integer)]
    last_seq: i32,
}

/// Takes the next number of a series. The row stays locked until the transaction ends, so
/// numbers are given one transaction at a time, and a transaction that fails gives its
/// number back: no number is skipped.
fn next_seq(conn: &mut DbConnection, kind: DocumentKind, year: i32) -> Result<u32, StoreError> {
    let sql = placeholders(
        conn.backend(),
        "INSERT INTO billing_series (kind, year, last_seq) VALUES (?, ?, 1)
         ON CONFLICT (kind, year) DO UPDATE SET last_seq = billing_series.last_seq + 1
         RETURNING last_seq",
    );
    let seq: Seq = diesel::sql_query(sql)
        .bind::<Text, _>(kind.as_str())
        .bind::<Integer, _>(year)
        .get_result(conn)?;
    u32::try_from(seq.last_seq).map_err(|_| corrupt("series")(seq.last_seq.to_string()))
}

/// Issues a document inside the caller's write transaction: takes its number, works out its
/// amounts line by line and stores it. A yearly invoice that exists already is a conflict
/// (checked after the number is taken, so a concurrent run that made it first is seen).
pub fn issue(conn: &mut DbConnection, new: NewDocument) -> Result<Document, StoreError> {
    let amounts = totals(&new.lines).map_err(|e| StoreError::Invalid {
        field: "lines".into(),
        message: e.to_string(),
    })?;
    let year = new.issue_date.year();
    let seq = next_seq(conn, new.kind, year)?;
    if let Some(billing_year) = new.billing_year
        && let Some(existing) = yearly_invoice(conn, &new.tenant, billing_year)?
    {
        return Err(StoreError::Conflict(format!(
            "the cooperative has invoice {} for {billing_year} already",
            existing.number
        )));
    }
    let number = DocumentNumber {
        kind: new.kind,
        year,
        seq,
    };
    let communication = match new.kind {
        DocumentKind::Invoice => Some(
            number
                .structured_communication()
                .ok_or_else(|| StoreError::Conflict(format!("the {year} series is full")))?,
        ),
        DocumentKind::CreditNote => None,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let json = |p: &Party| serde_json::to_string(p).expect("a party serialises");
    let (idempotency_key, request_hash) = new.idempotency.unzip();
    let row = DocumentRow {
        id: id.clone(),
        kind: new.kind.as_str().into(),
        year,
        seq: seq as i32,
        number: number.to_string(),
        tenant_id: new.tenant.to_string(),
        corrects_id: new.corrects,
        billing_year: new.billing_year,
        issue_date: new.issue_date,
        due_date: communication
            .as_ref()
            .map(|_| new.issue_date + Duration::days(new.payment_term_days)),
        language: new.language.as_str().into(),
        net_cents: amounts.net.cents(),
        vat_cents: amounts.vat.cents(),
        gross_cents: amounts.gross.cents(),
        structured_communication: communication.map(|c| c.as_str().to_string()),
        seller: json(&new.seller),
        buyer: json(&new.buyer),
        note: new.note,
        idempotency_key,
        request_hash,
        created_by: new.created_by,
        created_at: to_db_time(new.now),
    };
    let lines: Vec<LineRow> = new
        .lines
        .iter()
        .zip(&amounts.lines)
        .enumerate()
        .map(|(i, (line, a))| LineRow {
            document_id: id.clone(),
            position: i as i32 + 1,
            description: line.description.clone(),
            quantity: line.quantity.get().to_string(),
            unit_price_cents: line.unit_price.cents(),
            vat_rate: line.vat.as_str().into(),
            net_cents: a.net.cents(),
            vat_cents: a.vat.cents(),
        })
        .collect();
    diesel::insert_into(billing_documents::table)
        .values(&row)
        .execute(conn)?;
    // Row by row: diesel's connection over both backends has no multi-row insert.
    for line in &lines {
        diesel::insert_into(billing_lines::table)
            .values(line)
            .execute(conn)?;
    }
    Ok(Document { row, lines })
}

/// The yearly run's invoice of a cooperative for `year`, if any.
pub fn yearly_invoice(
    conn: &mut DbConnection,
    tenant: &TenantId,
    year: i32,
) -> Result<Option<DocumentRow>, StoreError> {
    Ok(billing_documents::table
        .filter(billing_documents::tenant_id.eq(tenant.to_string()))
        .filter(billing_documents::billing_year.eq(year))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a yearly run invoiced the cooperative before `year`.
pub fn invoiced_before(
    conn: &mut DbConnection,
    tenant: &TenantId,
    year: i32,
) -> Result<bool, StoreError> {
    let n: i64 = billing_documents::table
        .filter(billing_documents::tenant_id.eq(tenant.to_string()))
        .filter(billing_documents::billing_year.lt(year))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A document by id, with its lines.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Document, StoreError> {
    let row: DocumentRow = billing_documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(conn)?;
    let lines = billing_lines::table
        .filter(billing_lines::document_id.eq(id))
        .order(billing_lines::position.asc())
        .select(LineRow::as_select())
        .load(conn)?;
    Ok(Document { row, lines })
}

/// The document an Idempotency-Key created, if any.
pub fn by_idempotency_key(
    conn: &mut DbConnection,
    key: &str,
) -> Result<Option<DocumentRow>, StoreError> {
    Ok(billing_documents::table
        .filter(billing_documents::idempotency_key.eq(key))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The invoice a structured communication (its twelve digits) belongs to, if any.
pub fn by_structured_communication(
    conn: &mut DbConnection,
    digits: &str,
) -> Result<Option<DocumentRow>, StoreError> {
    Ok(billing_documents::table
        .filter(billing_documents::structured_communication.eq(digits))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The credit notes of an invoice, oldest first.
pub fn credit_notes(
    conn: &mut DbConnection,
    invoice: &str,
) -> Result<Vec<DocumentRow>, StoreError> {
    Ok(billing_documents::table
        .filter(billing_documents::corrects_id.eq(invoice))
        .order(billing_documents::seq.asc())
        .select(DocumentRow::as_select())
        .load(conn)?)
}

/// A document and what was credited and paid of it (zero for a credit note).
#[derive(Clone, Debug, PartialEq, QueryableByName)]
pub struct Listed {
    // Not `row`: diesel's derive names its own variable so.
    #[diesel(embed)]
    pub document: DocumentRow,
    #[diesel(sql_type = BigInt)]
    pub credited_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub paid_cents: i64,
}

impl Listed {
    pub fn balance(&self) -> Balance {
        let m = |c: i64| Money::from_cents(c).unwrap_or(Money::ZERO);
        Balance {
            gross: m(self.document.gross_cents),
            credited: m(self.credited_cents),
            paid: m(self.paid_cents),
        }
    }
}

/// Where a document stands on a day: what is left to pay, its status, whether it is late.
/// A credit note owes nothing and stays `issued`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub outstanding_cents: i64,
    /// `issued`, `partly_paid`, `paid` or `credited`.
    pub status: &'static str,
    /// Something is left to pay and the due date has passed.
    pub overdue: bool,
}

impl Listed {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        let d = &self.document;
        if d.kind != DocumentKind::Invoice.as_str() {
            return Standing {
                outstanding_cents: 0,
                status: dar_core::billing::InvoiceStatus::Issued.as_str(),
                overdue: false,
            };
        }
        let balance = self.balance();
        let outstanding_cents = balance.outstanding_cents();
        Standing {
            outstanding_cents,
            status: balance.status().as_str(),
            overdue: outstanding_cents > 0 && d.due_date.is_some_and(|due| due < today),
        }
    }
}

/// Which documents a list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub tenant: Option<TenantId>,
    pub kind: Option<DocumentKind>,
    pub year: Option<i32>,
    /// Invoices with something left to pay.
    pub open: bool,
    /// Open invoices due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Ids below this one (the cursor: newest first).
    pub before_id: Option<String>,
}

// SUM of a BIGINT is a NUMERIC on PostgreSQL: cast back so both backends give a BIGINT.
const BALANCES: &str = "CAST(COALESCE(
    (SELECT SUM(c.gross_cents) FROM billing_documents c WHERE c.corrects_id = d.id), 0) AS BIGINT)";
const PAYMENTS: &str = "CAST(COALESCE(
    (SELECT SUM(p.amount_cents) FROM billing_payments p WHERE p.invoice_id = d.id), 0) AS BIGINT)";

/// Documents, newest first, with their balances.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Listed>, StoreError> {
    let mut conditions = vec!["1 = 1".to_string()];
    if filter.tenant.is_some() {
        conditions.push("d.tenant_id = ?".into());
    }
    if filter.kind.is_some() {
        conditions.push("d.kind = ?".into());
    }
    if filter.year.is_some() {
        conditions.push("d.year = ?".into());
    }
    if filter.open || filter.overdue_on.is_some() {
        conditions.push(format!(
            "d.kind = 'invoice' AND d.gross_cents - {BALANCES} - {PAYMENTS} > 0"
        ));
    }
    if filter.overdue_on.is_some() {
        conditions.push("d.due_date < ?".into());
    }
    if filter.before_id.is_some() {
        conditions.push("d.id < ?".into());
    }
    let sql = format!(
        "SELECT d.*, {BALANCES} AS credited_cents, {PAYMENTS} AS paid_cents
           FROM billing_documents d WHERE {} ORDER BY d.id DESC LIMIT ?",
        conditions.join(" AND ")
    );
    let mut query = diesel::sql_query(placeholders(conn.backend(), &sql)).into_boxed();
    if let Some(tenant) = &filter.tenant {
        query = query.bind::<Text, _>(tenant.to_string());
    }
    if let Some(kind) = filter.kind {
        query = query.bind::<Text, _>(kind.as_str());
    }
    if let Some(year) = filter.year {
        query = query.bind::<Integer, _>(year);
    }
    if let Some(day) = filter.overdue_on {
        query = query.bind::<Nullable<Date>, _>(Some(day));
    }
    if let Some(id) = &filter.before_id {
        query = query.bind::<Text, _>(id.clone());
    }
    Ok(query.bind::<BigInt, _>(limit).load::<Listed>(conn)?)
}

/// One document with its balance.
pub fn listed(conn: &mut DbConnection, id: &str) -> Result<Listed, StoreError> {
    let sql = format!(
        "SELECT d.*, {BALANCES} AS credited_cents, {PAYMENTS} AS paid_cents
           FROM billing_documents d WHERE d.id = ?"
    );
    Ok(diesel::sql_query(placeholders(conn.backend(), &sql))
        .bind::<Text, _>(id)
        .get_result::<Listed>(conn)?)
}
