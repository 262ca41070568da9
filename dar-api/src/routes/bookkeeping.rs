//! The coordinator's books: bank statements in (the bank's CODA file, its payments matched
//! to invoices by their structured communication), the bookkeeping export out.

use actix_web::{HttpResponse, post, web};

use crate::auth::{BillingNeed, Principal, authorize_billing};
use crate::billing::{self, StatementReport};
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use crate::state::AppState;

/// Imports a CODA statement (the file as the bank gives it, any text encoding): credits
/// with an invoice's structured communication are recorded as its payments; the report says
/// what became of every movement. A movement imported before is not recorded again.
#[utoipa::path(post, operation_id = "import_bank_statement", path = "/api/v1/billing/bank-statements", tag = "billing",
    request_body(content = String, content_type = "text/plain", description = "a CODA file"),
    responses((status = 200, body = StatementReport), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/billing/bank-statements")]
pub async fn import(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    // CODA files are often Latin-1; the register's decoder tells the encodings apart.
    let (text, _) = dar_import::decode::decode(&body);
    let statement = dar_core::billing::coda::parse(&text)
        .map_err(|e| ApiError::invalid("file", e.to_string()))?;
    let report = state
        .db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                billing::import_statement(conn, &principal, &meta, &statement, "coda")
            })
        })
        .await?;
    tracing::info!(
        movements = report.movements.len(),
        recorded = report.recorded,
        unmatched = report.unmatched,
        "bank statement imported"
    );
    Ok(HttpResponse::Ok().json(report))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BookkeepingQuery {
    pub year: i32,
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// For CSV: `excel` (the default) or `rfc4180`.
    pub dialect: Option<String>,
}

const BOOKKEEPING_HEADER: [&str; 14] = [
    "type",
    "number",
    "date",
    "due_date",
    "cooperative",
    "enterprise_number",
    "vat_number",
    "net",
    "vat",
    "gross",
    "corrects",
    "structured_communication",
    "payment_method",
    "bank_reference",
];

/// The year's invoices, credit notes and payments as one table for the bookkeeping: a row
/// per document (by number) and per payment (by date).
#[utoipa::path(get, operation_id = "export_bookkeeping", path = "/api/v1/billing/exports/bookkeeping", tag = "billing",
    params(BookkeepingQuery),
    responses((status = 200, description = "The table as CSV or XLSX, as a download.",
        content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[actix_web::get("/billing/exports/bookkeeping")]
pub async fn bookkeeping(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    query: crate::request::StrictQuery<BookkeepingQuery>,
) -> ApiResult<HttpResponse> {
    use dar_documents::tabular::{Cell, Table};
    authorize_billing(&principal, BillingNeed::Manage)?;
    let q = query.into_inner();
    let format = crate::routes::exports::format(q.format.as_deref(), q.dialect.as_deref())?;
    let year = q.year;
    let (first, last) = match (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if (2000..=9999).contains(&year) => (first, last),
        _ => return Err(ApiError::invalid("year", "must be a year from 2000")),
    };
    let bytes = state
        .write(move |conn| {
            use dar_db::billing::{documents, payments};
            let filter = documents::Filter {
                year: Some(year),
                ..Default::default()
            };
            let mut docs = documents::list(conn, &filter, 1_000_000)?;
            docs.sort_by(|a, b| {
                (&a.document.kind, a.document.seq).cmp(&(&b.document.kind, b.document.seq))
            });
            let mut numbers = std::collections::HashMap::new();
            let mut table = Table::start(Vec::new(), format, "Boekhouding", &BOOKKEEPING_HEADER)
                .map_err(ApiError::internal)?;
            for listed in &docs {
                let d = &listed.document;
                numbers.insert(d.id.clone(), d.number.clone());
                let buyer = d.buyer()?;
                let corrects = match &d.corrects_id {
                    Some(id) => Some(documents::get(conn, id)?.row.number),
                    None => None,
                };
                let communication = d
                    .structured_communication
                    .as_deref()
                    .and_then(|c| dar_core::identifiers::StructuredCommunication::parse(c).ok())
                    .map(|c| c.to_string());
                table
                    .row(&[
                        Cell::Text(&d.kind),
                        Cell::Text(&d.number),
                        Cell::Date(d.issue_date),
                        d.due_date.map_or(Cell::Empty, Cell::Date),
                        Cell::Text(&buyer.name),
                        Cell::Text(&buyer.enterprise_number),
                        buyer.vat_number.as_deref().into(),
                        Cell::Cents(d.net_cents),
                        Cell::Cents(d.vat_cents),
                        Cell::Cents(d.gross_cents),
                        corrects.as_deref().into(),
                        communication.as_deref().into(),
                        Cell::Empty,
                        Cell::Empty,
                    ])
                    .map_err(ApiError::internal)?;
            }
            for p in payments::between(conn, first, last)? {
                let number = match numbers.get(&p.invoice_id) {
                    Some(n) => n.clone(),
                    None => documents::get(conn, &p.invoice_id)?.row.number,
                };
                table
                    .row(&[
                        Cell::Text("payment"),
                        Cell::Text(&number),
                        Cell::Date(p.paid_on),
                        Cell::Empty,
                        p.payer.as_deref().into(),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Cents(p.amount_cents),
                        Cell::Empty,
                        Cell::Empty,
                        Cell::Text(&p.method),
                        p.bank_reference.as_deref().into(),
                    ])
                    .map_err(ApiError::internal)?;
            }
            let bytes = table.finish().map_err(ApiError::internal)?;
            let event = billing::platform_event(
                &principal,
                &meta,
                "billing.exported",
                ("bookkeeping", &year.to_string()),
                serde_json::json!({ "year": year, "documents": docs.len() }),
            );
            Ok(crate::state::Audited {
                value: bytes,
                event,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"dar-bookkeeping-{year}.{}\"",
                format.extension()
            ),
        ))
        .body(bytes))
}
