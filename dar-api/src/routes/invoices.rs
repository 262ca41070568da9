//! Invoices and credit notes: the coordinator lists, issues, corrects and records payments;
//! a cooperative's admins read their own.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{BillingNeed, Principal, authorize_billing};
use crate::billing::{self, LineInput, LineView, NewPayment};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson, StrictQuery, idempotency_key};
use crate::routes::{Page, cursor_key, money, next_cursor, page_limit};
use crate::state::AppState;
use crate::validate::Problems;
use dar_core::billing::amounts::{Line, Quantity};
use dar_core::billing::{DocumentKind, Party, VatRate};
use dar_core::identifiers::StructuredCommunication;
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_db::billing::documents::{self, Document, Filter, Listed};
use dar_db::billing::payments::{self, PaymentRow};
use dar_db::billing::profiles;
use dar_db::tenants;

/// A line of a credit note or an invoice written by hand.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub description: String,
    /// Decimal string, default `"1"`.
    #[schema(value_type = Option<String>, example = "1")]
    pub quantity: Option<Quantity>,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub unit_price: Money,
    /// `21` (default), `12`, `6` or `exempt`.
    #[schema(value_type = Option<String>, example = "21")]
    pub vat_rate: Option<VatRate>,
}

fn checked_lines(lines: Vec<LineBody>) -> ApiResult<Vec<Line>> {
    let mut problems = Problems::new();
    if lines.is_empty() {
        problems.add("lines", "at least one line is needed");
    }
    if lines.len() > 200 {
        problems.add("lines", "at most 200 lines");
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let description = problems
                .check(
                    &format!("lines[{i}].description"),
                    dar_core::text::name(&l.description, 500),
                )
                .unwrap_or_default();
            Line::from(LineInput {
                description,
                quantity: l.quantity.unwrap_or(Quantity::ONE),
                unit_price: l.unit_price,
                vat: l.vat_rate.unwrap_or_default(),
            })
        })
        .collect();
    problems.finish()?;
    dar_core::billing::amounts::totals(&lines)
        .map_err(|e| ApiError::invalid("lines", e.to_string()))?;
    Ok(lines)
}

/// The Idempotency-Key sent and the digest of the request it came with.
fn idempotency<T: Serialize>(
    req: &HttpRequest,
    scope: &str,
    body: &T,
) -> ApiResult<Option<(String, String)>> {
    let Some(key) = idempotency_key(req)? else {
        return Ok(None);
    };
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update(serde_json::to_vec(body).map_err(ApiError::internal)?);
    Ok(Some((key, hex::encode(hasher.finalize()))))
}

#[derive(Serialize, ToSchema)]
pub struct PartyView {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub enterprise_number: String,
    pub vat_number: Option<String>,
    pub peppol_id: Option<String>,
}

impl From<Party> for PartyView {
    fn from(p: Party) -> Self {
        let (scheme, id) = p.endpoint();
        PartyView {
            name: p.name,
            street: p.street,
            postal_code: p.postal_code,
            city: p.city,
            country: p.country,
            enterprise_number: p.enterprise_number,
            vat_number: p.vat_number,
            peppol_id: Some(format!("{scheme}:{id}")),
        }
    }
}

/// An invoice or credit note, with where it stands.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub number: String,
    pub tenant_id: String,
    /// The invoice a credit note corrects.
    pub corrects_id: Option<String>,
    /// The year a yearly run's invoice is for.
    pub billing_year: Option<i32>,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// `+++123/4567/89002+++`, on invoices.
    pub structured_communication: Option<String>,
    pub currency: String,
    pub net: String,
    pub vat: String,
    pub gross: String,
    /// Invoices: credited by credit notes, paid, and what is left to pay.
    pub credited: String,
    pub paid: String,
    pub outstanding: String,
    /// Invoices: `issued`, `partly_paid`, `paid` or `credited`; credit notes: `issued`.
    pub status: String,
    /// Open and past its due date.
    pub overdue: bool,
    pub language: String,
    /// A credit note's reason.
    pub note: Option<String>,
    pub links: DocumentLinks,
}

/// Where the document's PDF and its e-invoice (UBL) are.
#[derive(Serialize, ToSchema)]
pub struct DocumentLinks {
    pub pdf: String,
    pub ubl: String,
}

/// A document with its lines, payments and credit notes.
#[derive(Serialize, ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: DocumentView,
    pub seller: PartyView,
    pub buyer: PartyView,
    pub lines: Vec<LineView>,
    pub payments: Vec<PaymentView>,
    /// Credit notes of an invoice.
    pub credit_notes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub invoice_id: String,
    pub amount: String,
    pub paid_on: NaiveDate,
    /// `manual`, `coda` or `camt053`.
    pub method: String,
    pub bank_reference: Option<String>,
    pub payer: Option<String>,
    pub note: Option<String>,
}

impl From<&PaymentRow> for PaymentView {
    fn from(p: &PaymentRow) -> Self {
        PaymentView {
            id: p.id.clone(),
            invoice_id: p.invoice_id.clone(),
            amount: money(p.amount_cents),
            paid_on: p.paid_on,
            method: p.method.clone(),
            bank_reference: p.bank_reference.clone(),
            payer: p.payer.clone(),
            note: p.note.clone(),
        }
    }
}

fn document_view(listed: &Listed, today: NaiveDate) -> DocumentView {
    let d = &listed.document;
    let standing = listed.standing(today);
    DocumentView {
        id: d.id.clone(),
        kind: d.kind.clone(),
        number: d.number.clone(),
        tenant_id: d.tenant_id.clone(),
        corrects_id: d.corrects_id.clone(),
        billing_year: d.billing_year,
        issue_date: d.issue_date,
        due_date: d.due_date,
        structured_communication: d
            .structured_communication
            .as_deref()
            .and_then(|c| StructuredCommunication::parse(c).ok())
            .map(|c| c.to_string()),
        currency: "EUR".into(),
        net: money(d.net_cents),
        vat: money(d.vat_cents),
        gross: money(d.gross_cents),
        credited: money(listed.credited_cents),
        paid: money(listed.paid_cents),
        outstanding: money(standing.outstanding_cents),
        status: standing.status.into(),
        overdue: standing.overdue,
        language: d.language.clone(),
        note: d.note.clone(),
        links: DocumentLinks {
            pdf: format!("/api/v1/invoices/{}/pdf", d.id),
            ubl: format!("/api/v1/invoices/{}/ubl", d.id),
        },
    }
}

fn detail(conn: &mut dar_db::DbConnection, id: &str) -> ApiResult<DocumentDetail> {
    let listed = documents::listed(conn, id)?;
    let Document { row, lines } = documents::get(conn, id)?;
    let lines = lines
        .iter()
        .map(|l| LineView {
            description: l.description.clone(),
            quantity: l.quantity.clone(),
            unit_price: money(l.unit_price_cents),
            vat_rate: l.vat_rate.clone(),
            net: money(l.net_cents),
            vat: money(l.vat_cents),
        })
        .collect();
    Ok(DocumentDetail {
        document: document_view(&listed, billing::today()),
        seller: row.seller()?.into(),
        buyer: row.buyer()?.into(),
        lines,
        payments: payments::of_invoice(conn, id)?
            .iter()
            .map(PaymentView::from)
            .collect(),
        credit_notes: documents::credit_notes(conn, id)?
            .into_iter()
            .map(|c| c.id)
            .collect(),
    })
}

/// The document `id` if the caller may read it: the coordinator any, a cooperative's
/// admins their own (anyone else: 404).
pub fn readable(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    id: &str,
) -> ApiResult<Document> {
    let document = match documents::get(conn, id) {
        Err(dar_db::StoreError::NotFound) => return Err(ApiError::NotFound),
        other => other?,
    };
    let tenant: TenantId = document.row.tenant_id.parse().map_err(ApiError::internal)?;
    authorize_billing(principal, BillingNeed::ReadInvoicesOf(tenant))?;
    Ok(document)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InvoiceQuery {
    /// A cooperative's id or slug; a cooperative's admins must give theirs.
    pub tenant: Option<String>,
    /// `invoice` or `credit_note`.
    pub kind: Option<String>,
    pub year: Option<i32>,
    /// Only invoices with something left to pay.
    pub open: Option<bool>,
    /// Only open invoices past their due date.
    pub overdue: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Invoices and credit notes, newest first.
#[utoipa::path(get, operation_id = "list_invoices", path = "/api/v1/invoices", tag = "billing", params(InvoiceQuery),
    responses((status = 200, body = Page<DocumentView>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[get("/invoices")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: StrictQuery<InvoiceQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before: Option<String> = cursor_key(q.cursor.as_deref())?;
    let kind = match q.kind.as_deref() {
        None => None,
        Some(k) => Some(
            DocumentKind::parse(k)
                .ok_or_else(|| ApiError::invalid("kind", "must be invoice or credit_note"))?,
        ),
    };
    let today = billing::today();
    let page = state
        .db(move |conn| {
            let tenant = match q.tenant.as_deref() {
                Some(key) => {
                    let row = match tenants::find(conn, key) {
                        Err(dar_db::StoreError::NotFound) => return Err(ApiError::NotFound),
                        other => other?,
                    };
                    let id: TenantId = row.id.parse().map_err(ApiError::internal)?;
                    authorize_billing(&principal, BillingNeed::ReadInvoicesOf(id))?;
                    Some(id)
                }
                None => {
                    authorize_billing(&principal, BillingNeed::Manage)?;
                    None
                }
            };
            let filter = Filter {
                tenant,
                kind,
                year: q.year,
                open: q.open.unwrap_or(false),
                overdue_on: q.overdue.unwrap_or(false).then_some(today),
                before_id: before,
            };
            let rows = documents::list(conn, &filter, limit)?;
            Ok(Page {
                next_cursor: next_cursor(&rows, limit, |r| r.document.id.clone()),
                items: rows.iter().map(|r| document_view(r, today)).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One invoice or credit note, with its lines, payments and credit notes.
#[utoipa::path(get, operation_id = "get_invoice", path = "/api/v1/invoices/{id}", tag = "billing",
    params(("id" = String, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = crate::error::Problem)))]
#[get("/invoices/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .db(move |conn| {
            readable(conn, &principal, &id)?;
            detail(conn, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// An invoice written by hand (a one-off service, a fee outside the yearly run).
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceBody {
    /// The cooperative's id or slug; it needs a billing profile.
    pub tenant: String,
    pub lines: Vec<LineBody>,
}

/// Replays the document an Idempotency-Key created, or refuses a different request under it.
fn replay(
    conn: &mut dar_db::DbConnection,
    idempotency: &Option<(String, String)>,
) -> ApiResult<Option<DocumentDetail>> {
    let Some((key, hash)) = idempotency else {
        return Ok(None);
    };
    match documents::by_idempotency_key(conn, key)? {
        Some(existing) if existing.request_hash.as_deref() == Some(hash) => {
            Ok(Some(detail(conn, &existing.id)?))
        }
        Some(_) => Err(dar_db::StoreError::IdempotencyMismatch.into()),
        None => Ok(None),
    }
}

/// Issues an invoice by hand. Send an `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, operation_id = "create_invoice", path = "/api/v1/invoices", tag = "billing", request_body = InvoiceBody,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = DocumentDetail), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/invoices")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    body: StrictJson<InvoiceBody>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let idem = idempotency(&req, "invoice", &body.0)?;
    let InvoiceBody { tenant, lines } = body.0;
    let lines = checked_lines(lines)?;
    let delivery = state.invoice_delivery.clone();
    let view = state
        .db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                if let Some(replayed) = replay(conn, &idem)? {
                    return Ok(replayed);
                }
                let tenant = tenants::find(conn, &tenant)?;
                let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
                let profile = profiles::get(conn, &id)?.ok_or_else(|| {
                    ApiError::invalid("tenant", "this cooperative has no billing profile yet")
                })?;
                let seller = billing::require_identity(conn)?;
                let issued = documents::issue(
                    conn,
                    documents::NewDocument {
                        kind: DocumentKind::Invoice,
                        tenant: id,
                        corrects: None,
                        billing_year: None,
                        issue_date: billing::today(),
                        payment_term_days: i64::from(seller.payment_term_days),
                        language: profile.language(),
                        seller: seller.party(),
                        buyer: profile.party(),
                        note: None,
                        lines,
                        idempotency: idem,
                        created_by: principal.user_id.to_string(),
                        now: chrono::Utc::now(),
                    },
                )?;
                billing::send_issued(
                    conn,
                    delivery.as_ref(),
                    &principal,
                    &meta,
                    &issued,
                    serde_json::json!({}),
                )?;
                detail(conn, &issued.row.id)
            })
        })
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteBody {
    /// Why the invoice is corrected; printed on the credit note.
    pub reason: String,
    /// What to credit; absent to credit the whole invoice.
    pub lines: Option<Vec<LineBody>>,
}

/// Corrects an invoice with a credit note: the given lines, or the whole invoice. Never
/// more than is left of it. Send an `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, operation_id = "create_credit_note", path = "/api/v1/invoices/{id}/credit-notes", tag = "billing", request_body = CreditNoteBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = DocumentDetail), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/invoices/{id}/credit-notes")]
pub async fn credit_note(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    path: web::Path<String>,
    body: StrictJson<CreditNoteBody>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let invoice = path.into_inner();
    let idem = idempotency(&req, &format!("credit:{invoice}"), &body.0)?;
    let CreditNoteBody { reason, lines } = body.0;
    let reason = dar_core::text::name(&reason, 500)
        .map_err(|e| ApiError::invalid("reason", e.to_string()))?;
    let lines = lines.map(checked_lines).transpose()?;
    let delivery = state.invoice_delivery.clone();
    let view = state
        .db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                if let Some(replayed) = replay(conn, &idem)? {
                    return Ok(replayed);
                }
                readable(conn, &principal, &invoice)?;
                let issued = billing::credit(
                    conn,
                    delivery.as_ref(),
                    &principal,
                    &meta,
                    &invoice,
                    reason,
                    lines,
                    idem,
                    billing::today(),
                )?;
                detail(conn, &issued.row.id)
            })
        })
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub amount: Money,
    #[serde(deserialize_with = "crate::request::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub paid_on: NaiveDate,
    pub payer: Option<String>,
    pub note: Option<String>,
}

/// Records a payment received for an invoice. Send an `Idempotency-Key` header to make
/// retries safe.
#[utoipa::path(post, operation_id = "record_payment", path = "/api/v1/invoices/{id}/payments", tag = "billing", request_body = PaymentBody,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = PaymentView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/invoices/{id}/payments")]
pub async fn payment(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    path: web::Path<String>,
    body: StrictJson<PaymentBody>,
) -> ApiResult<HttpResponse> {
    authorize_billing(&principal, BillingNeed::Manage)?;
    let invoice = path.into_inner();
    let idem = idempotency(&req, &format!("payment:{invoice}"), &body.0)?;
    let b = body.0;
    let mut problems = Problems::new();
    if b.amount == Money::ZERO {
        problems.add("amount", "must be above zero");
    }
    let today = billing::today();
    if b.paid_on > today {
        problems.add("paid_on", "cannot be in the future");
    }
    let payer = crate::validate::optional_text(&mut problems, "payer", b.payer.as_deref(), 200);
    let note = crate::validate::optional_text(&mut problems, "note", b.note.as_deref(), 500);
    problems.finish()?;
    let view = state
        .db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                if let Some((key, hash)) = &idem
                    && let Some(existing) = payments::by_idempotency_key(conn, key)?
                {
                    return if existing.request_hash.as_deref() == Some(hash.as_str()) {
                        Ok(PaymentView::from(&existing))
                    } else {
                        Err(dar_db::StoreError::IdempotencyMismatch.into())
                    };
                }
                readable(conn, &principal, &invoice)?;
                let row = billing::record_payment(
                    conn,
                    &principal,
                    &meta,
                    &invoice,
                    NewPayment {
                        amount: b.amount,
                        paid_on: b.paid_on,
                        method: "manual",
                        bank_reference: None,
                        payer,
                        note,
                        idempotency: idem,
                    },
                )?;
                Ok(PaymentView::from(&row))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The document as a Peppol BIS Billing 3.0 e-invoice (UBL 2.1 XML).
#[utoipa::path(get, operation_id = "get_invoice_ubl", path = "/api/v1/invoices/{id}/ubl", tag = "billing",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "application/xml", body = String), (status = 404, body = crate::error::Problem)))]
#[get("/invoices/{id}/ubl")]
pub async fn ubl(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let (number, xml) = state
        .db(move |conn| {
            let document = readable(conn, &principal, &id)?;
            let content = billing::content(conn, &document)?;
            Ok((content.number.clone(), dar_documents::ubl(&content)))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{number}.xml\""),
        ))
        .body(xml))
}

/// The document as PDF, in the cooperative's language; an invoice carries an EPC QR code
/// to pay it from a banking app.
#[utoipa::path(get, operation_id = "get_invoice_pdf", path = "/api/v1/invoices/{id}/pdf", tag = "billing",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = crate::error::Problem)))]
#[get("/invoices/{id}/pdf")]
pub async fn pdf(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let content = state
        .db(move |conn| {
            let document = readable(conn, &principal, &id)?;
            billing::content(conn, &document)
        })
        .await?;
    let number = content.number.clone();
    let bytes = web::block(move || dar_documents::invoice(&content))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{number}.pdf\""),
        ))
        .body(bytes))
}
