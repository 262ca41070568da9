//! The billing pages: the coordinator's invoices, yearly run, invoice (payments and credit
//! notes) and usage; a cooperative's own invoices for its admins; the PDF and UBL downloads
//! of both. They call the same `crate::billing` as the API, and `authorize_billing` decides.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Datelike;
use serde::Deserialize;

use super::{PageError, PageResult, frame, html_response, read_form, see_other, session::WebUser};
use crate::auth::{BillingNeed, Need, authorize_billing};
use crate::billing::{self, NewPayment};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::invoices::readable;
use crate::routes::tenant_access;
use crate::state::AppState;
use dar_core::billing::amounts::{Line, Quantity};
use dar_core::billing::{DocumentKind, VatRate};
use dar_core::money::Money;
use dar_core::types::Language;
use dar_db::billing::documents::{self, Filter, Listed};
use dar_db::billing::payments;
use dar_web::billing::{self as pages, BillingText, Done, Show};
use dar_web::forms::{FieldErrors, parse_amount, parse_date};
use dar_web::i18n::t;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(invoices)
        .service(run_preview)
        .service(run)
        .service(usage)
        .service(show_invoice)
        .service(add_payment)
        .service(issue_credit_note)
        .service(pdf_file)
        .service(ubl_file)
        .service(own_invoices)
        .service(statements_form)
        .service(read_statement);
}

fn coordinator(user: &WebUser) -> Result<(), PageError> {
    authorize_billing(&user.principal, BillingNeed::Manage)
        .map_err(|_| PageError::NotFound { lang: user.lang })
}

fn line(listed: &Listed, today: chrono::NaiveDate) -> pages::DocumentLine {
    let d = &listed.document;
    let standing = listed.standing(today);
    pages::DocumentLine {
        id: d.id.clone(),
        credit_note: d.kind == DocumentKind::CreditNote.as_str(),
        number: d.number.clone(),
        cooperative: d.buyer().map(|b| b.name).unwrap_or_default(),
        issue_date: d.issue_date,
        due_date: d.due_date,
        gross_cents: d.gross_cents,
        outstanding_cents: standing.outstanding_cents,
        status: standing.status.into(),
        overdue: standing.overdue,
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    show: Option<String>,
    done: Option<String>,
}

fn done(value: Option<&str>) -> Option<Done> {
    match value {
        Some("run") => Some(Done::Run),
        Some("payment") => Some(Done::Payment),
        Some("credit") => Some(Done::Credit),
        _ => None,
    }
}

#[get("/billing")]
async fn invoices(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let q: ListQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let show = match q.show.as_deref() {
        Some("open") => Show::Open,
        Some("overdue") => Show::Overdue,
        _ => Show::All,
    };
    let today = billing::today();
    let lines = state
        .db(move |conn| {
            let filter = Filter {
                open: show == Show::Open,
                overdue_on: (show == Show::Overdue).then_some(today),
                ..Default::default()
            };
            Ok(documents::list(conn, &filter, 1000)?
                .iter()
                .map(|l| line(l, today))
                .collect::<Vec<_>>())
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let page = pages::InvoicesPage {
        show,
        lines,
        done: done(q.done.as_deref()),
        year: today.year(),
    };
    Ok(html_response(
        StatusCode::OK,
        pages::invoices(
            &frame(&user, t(lang, BillingText::Billing), "/billing"),
            &page,
        ),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct YearQuery {
    year: Option<String>,
}

fn year_of(req: &HttpRequest, lang: Language) -> Result<i32, PageError> {
    let q: YearQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    match q.year {
        None => Ok(billing::today().year()),
        Some(y) => y.parse().map_err(|_| PageError::NotFound { lang }),
    }
}

async fn run_page(
    state: &web::Data<AppState>,
    user: &WebUser,
    year: i32,
    failed: Vec<(String, String)>,
    done: bool,
) -> PageResult {
    let lang = user.lang;
    let today = billing::today();
    if billing::check_run_year(year, today).is_err() {
        return Err(PageError::NotFound { lang });
    }
    let items = state
        .db(move |conn| billing::preview(conn, year, today, lang))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let lines = items
        .into_iter()
        .map(|i| pages::PreviewLine {
            cooperative: i.legal_name,
            outcome: i.outcome.as_str().into(),
            reason: i.reason,
            active: i.active_shareholders,
            gross_cents: Money::parse(&i.gross).map(Money::cents).unwrap_or(0),
            invoice_id: i.invoice_id,
            invoice_number: i.invoice_number,
        })
        .collect();
    let page = pages::RunPage {
        csrf: &user.csrf,
        year,
        years: [today.year(), today.year() + 1],
        lines,
        failed,
        done,
    };
    Ok(html_response(
        StatusCode::OK,
        pages::run(
            &frame(user, t(lang, BillingText::RunTitle), "/billing/run"),
            &page,
        ),
    ))
}

#[get("/billing/run")]
async fn run_preview(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator(&user)?;
    let year = year_of(&req, user.lang)?;
    run_page(&state, &user, year, vec![], false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunForm {
    year: String,
}

#[post("/billing/run")]
async fn run(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let form: RunForm = read_form(&user, &body)?;
    let year: i32 = form.year.parse().map_err(|_| PageError::BadForm { lang })?;
    let view = billing::run_year(&state, &user.principal, &meta, year, billing::today())
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let failed = view.failed.into_iter().map(|f| (f.slug, f.error)).collect();
    run_page(&state, &user, year, failed, true).await
}

#[get("/billing/usage")]
async fn usage(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let year = year_of(&req, lang)?;
    let today = billing::today();
    if !(2000..=today.year() + 1).contains(&year) {
        return Err(PageError::NotFound { lang });
    }
    let rows = state
        .db(move |conn| billing::usage(conn, year, today))
        .await
        .map_err(|e| PageError::from_api(e, lang))?
        .into_iter()
        .map(|u| {
            let months = u
                .months
                .into_iter()
                .map(|m| pages::UsageCell {
                    active: m.active_shareholders,
                    entries: m.entries,
                    certificates: m.certificates,
                })
                .collect();
            (u.legal_name, months)
        })
        .collect();
    Ok(html_response(
        StatusCode::OK,
        pages::usage(
            &frame(&user, t(lang, BillingText::Usage), "/billing/usage"),
            &pages::UsagePage { year, rows },
        ),
    ))
}

/// What the invoice page's forms show: the values and problems of a refused form, or what
/// was just done.
struct Forms {
    payment: [String; 2],
    credit: [String; 2],
    errors: FieldErrors,
    done: Option<Done>,
    status: StatusCode,
}

impl Forms {
    fn blank(done: Option<Done>) -> Forms {
        Forms {
            payment: [String::new(), dar_web::i18n::date(billing::today())],
            credit: [String::new(), String::new()],
            errors: FieldErrors::default(),
            done,
            status: StatusCode::OK,
        }
    }

    fn refused(errors: FieldErrors) -> Forms {
        Forms {
            errors,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..Forms::blank(None)
        }
    }
}

/// The invoice page, with its forms as `forms` says.
async fn invoice_page(
    state: &web::Data<AppState>,
    user: &WebUser,
    id: String,
    forms: Forms,
) -> PageResult {
    let lang = user.lang;
    let principal = user.principal.clone();
    let today = billing::today();
    let (listed, document, payment_rows, related) = state
        .db(move |conn| {
            let document = readable(conn, &principal, &id)?;
            let listed = documents::listed(conn, &id)?;
            let payments = payments::of_invoice(conn, &id)?;
            let related = match &document.row.corrects_id {
                Some(invoice) => {
                    let row = documents::get(conn, invoice)?.row;
                    vec![(row.id, row.number)]
                }
                None => documents::credit_notes(conn, &id)?
                    .into_iter()
                    .map(|c| (c.id, c.number))
                    .collect(),
            };
            Ok((listed, document, payments, related))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let page = pages::InvoicePage {
        csrf: &user.csrf,
        document: line(&listed, today),
        communication: document
            .row
            .structured_communication
            .as_deref()
            .and_then(|c| dar_core::identifiers::StructuredCommunication::parse(c).ok())
            .map(|c| c.to_string()),
        lines: document
            .lines
            .iter()
            .map(|l| pages::LineView {
                description: l.description.clone(),
                quantity: l.quantity.clone(),
                unit_price_cents: l.unit_price_cents,
                vat_rate: l.vat_rate.clone(),
                net_cents: l.net_cents,
            })
            .collect(),
        net_cents: document.row.net_cents,
        vat_cents: document.row.vat_cents,
        payments: payment_rows
            .iter()
            .map(|p| pages::PaymentLine {
                paid_on: p.paid_on,
                amount_cents: p.amount_cents,
                method: p.method.clone(),
                payer: p.payer.clone(),
            })
            .collect(),
        related,
        note: document.row.note.clone(),
        payment_values: forms.payment,
        credit_values: forms.credit,
        errors: &forms.errors,
        done: forms.done,
    };
    let title = format!("{} {}", t(lang, BillingText::Invoice), page.document.number);
    let path = format!("/billing/invoices/{}", page.document.id);
    Ok(html_response(
        forms.status,
        pages::invoice(&frame(user, &title, &path), &page),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DoneQuery {
    done: Option<String>,
}

#[get("/billing/invoices/{id}")]
async fn show_invoice(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let q: DoneQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    invoice_page(
        &state,
        &user,
        path.into_inner(),
        Forms::blank(done(q.done.as_deref())),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentForm {
    amount: String,
    paid_on: String,
}

#[post("/billing/invoices/{id}/payments")]
async fn add_payment(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let id = path.into_inner();
    let form: PaymentForm = read_form(&user, &body)?;
    let mut errors = FieldErrors::default();
    let amount = parse_amount(lang, &form.amount)
        .filter(|c| *c > 0)
        .and_then(|c| Money::from_cents(c).ok());
    if amount.is_none() {
        errors.add("amount", t(lang, BillingText::BadAmount));
    }
    let paid_on = parse_date(&form.paid_on).filter(|d| *d <= billing::today());
    if paid_on.is_none() {
        errors.add("paid_on", t(lang, BillingText::BadDate));
    }
    if let (Some(amount), Some(paid_on), true) = (amount, paid_on, errors.is_empty()) {
        let principal = user.principal.clone();
        let key = id.clone();
        state
            .db(move |conn| {
                dar_db::write_transaction(conn, |conn| {
                    billing::record_payment(
                        conn,
                        &principal,
                        &meta,
                        &key,
                        NewPayment {
                            amount,
                            paid_on,
                            method: "manual",
                            bank_reference: None,
                            payer: None,
                            note: None,
                            idempotency: None,
                        },
                    )
                })
            })
            .await
            .map_err(|e| PageError::from_api(e, lang))?;
        return Ok(see_other(&format!("/billing/invoices/{id}?done=payment")));
    }
    let forms = Forms {
        payment: [form.amount, form.paid_on],
        ..Forms::refused(errors)
    };
    invoice_page(&state, &user, id, forms).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditForm {
    reason: String,
    credit_amount: String,
}

#[post("/billing/invoices/{id}/credit-note")]
async fn issue_credit_note(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let id = path.into_inner();
    let form: CreditForm = read_form(&user, &body)?;
    let mut errors = FieldErrors::default();
    let reason = dar_core::text::name(&form.reason, 500).ok();
    if reason.is_none() {
        errors.add("reason", t(lang, BillingText::Required));
    }
    let amount = if form.credit_amount.trim().is_empty() {
        None
    } else {
        let parsed = parse_amount(lang, &form.credit_amount)
            .filter(|c| *c > 0)
            .and_then(|c| Money::from_cents(c).ok());
        if parsed.is_none() {
            errors.add("credit_amount", t(lang, BillingText::BadAmount));
        }
        parsed
    };
    if let (Some(reason), true) = (reason, errors.is_empty()) {
        let principal = user.principal.clone();
        let key = id.clone();
        let delivery = state.invoice_delivery.clone();
        let outcome = state
            .db(move |conn| {
                dar_db::write_transaction(conn, |conn| {
                    // An amount is credited at the invoice's own rate (its first line's).
                    let lines = match amount {
                        None => None,
                        Some(amount) => {
                            let invoice = documents::get(conn, &key)?;
                            let vat = invoice
                                .lines
                                .first()
                                .and_then(|l| VatRate::parse(&l.vat_rate))
                                .unwrap_or_default();
                            Some(vec![Line {
                                description: reason.clone(),
                                quantity: Quantity::ONE,
                                unit_price: amount,
                                vat,
                            }])
                        }
                    };
                    billing::credit(
                        conn,
                        delivery.as_ref(),
                        &principal,
                        &meta,
                        &key,
                        reason,
                        lines,
                        None,
                        billing::today(),
                    )
                })
            })
            .await;
        match outcome {
            Ok(_) => {
                state.mail.wake();
                return Ok(see_other(&format!("/billing/invoices/{id}?done=credit")));
            }
            Err(ApiError::Validation { .. }) => {
                errors.add("credit_amount", t(lang, BillingText::CreditTooMuch));
            }
            Err(e) => return Err(PageError::from_api(e, lang)),
        }
    }
    let forms = Forms {
        credit: [form.reason, form.credit_amount],
        ..Forms::refused(errors)
    };
    invoice_page(&state, &user, id, forms).await
}

/// A document's file, for the coordinator and the cooperative's admins.
async fn download(state: web::Data<AppState>, user: WebUser, id: String, ubl: bool) -> PageResult {
    let lang = user.lang;
    let principal = user.principal.clone();
    let content = state
        .db(move |conn| {
            let document = readable(conn, &principal, &id)?;
            billing::content(conn, &document)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let number = content.number.clone();
    let (body, media, extension) = if ubl {
        (
            dar_documents::ubl(&content).into_bytes(),
            "application/xml; charset=utf-8",
            "xml",
        )
    } else {
        let pdf = web::block(move || dar_documents::invoice(&content))
            .await
            .map_err(|_| PageError::Failed { lang, retry: true })?
            .map_err(|e| PageError::from_api(ApiError::internal(e), lang))?;
        (pdf, "application/pdf", "pdf")
    };
    Ok(HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{number}.{extension}\""),
        ))
        .body(body))
}

#[get("/invoices/{id}/pdf")]
async fn pdf_file(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> PageResult {
    download(state, user, path.into_inner(), false).await
}

#[get("/invoices/{id}/ubl")]
async fn ubl_file(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> PageResult {
    download(state, user, path.into_inner(), true).await
}

/// A cooperative's own invoices, for its administrators.
#[get("/c/{slug}/invoices")]
async fn own_invoices(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
) -> PageResult {
    let lang = user.lang;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let today = billing::today();
    let (name, lines) = state
        .db(move |conn| {
            let (tenant, id, _) = tenant_access(conn, &principal, &key, Need::ManageTenant, &meta)?;
            authorize_billing(&principal, BillingNeed::ReadInvoicesOf(id))?;
            let filter = Filter {
                tenant: Some(id),
                ..Default::default()
            };
            let lines = documents::list(conn, &filter, 1000)?
                .iter()
                .map(|l| line(l, today))
                .collect::<Vec<_>>();
            Ok((tenant.legal_name, lines))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let page = pages::OwnInvoicesPage {
        cooperative: &name,
        lines,
    };
    Ok(html_response(
        StatusCode::OK,
        pages::own_invoices(
            &frame(&user, t(lang, BillingText::YourInvoices), "/invoices"),
            &page,
        ),
    ))
}

fn statements_page(
    user: &WebUser,
    problem: Option<String>,
    movements: Option<Vec<pages::MovementLine>>,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let page = pages::StatementsPage {
        csrf: &user.csrf,
        problem,
        movements,
    };
    Ok(html_response(
        status,
        pages::statements(
            &frame(
                user,
                t(lang, BillingText::Statements),
                "/billing/statements",
            ),
            &page,
        ),
    ))
}

#[get("/billing/statements")]
async fn statements_form(user: WebUser) -> PageResult {
    coordinator(&user)?;
    statements_page(&user, None, None, StatusCode::OK)
}

/// A bank statement is a few hundred kilobytes at most.
const MAX_STATEMENT_BYTES: usize = 2 * 1024 * 1024;

#[post("/billing/statements")]
async fn read_statement(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    req: HttpRequest,
    payload: web::Payload,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = super::multipart::boundary(content_type).ok_or(PageError::BadForm { lang })?;
    let body = crate::request::read_body(&req, payload, MAX_STATEMENT_BYTES)
        .await
        .map_err(|_| PageError::BadForm { lang })?;
    let parts = super::multipart::parse(&body, &boundary).ok_or(PageError::BadForm { lang })?;
    let csrf = parts
        .iter()
        .find(|p| p.name == "csrf" && p.filename.is_none())
        .and_then(|p| std::str::from_utf8(&p.data).ok())
        .unwrap_or("");
    if !user.csrf_matches(csrf) {
        return Err(PageError::Forbidden { lang });
    }
    let file = parts
        .into_iter()
        .find(|p| p.name == "file" && p.filename.is_some())
        .map(|p| p.data)
        .unwrap_or_default();
    let (text, _) = dar_import::decode::decode(&file);
    let statement = match dar_core::billing::coda::parse(&text) {
        Ok(statement) => statement,
        Err(e) => {
            let problem = format!("{}: {e}", t(lang, BillingText::NotAStatement));
            return statements_page(&user, Some(problem), None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let principal = user.principal.clone();
    let report = state
        .db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                billing::import_statement(conn, &principal, &meta, &statement, "coda")
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let movements = report
        .movements
        .into_iter()
        .map(|m| pages::MovementLine {
            value_date: m.value_date,
            amount_cents: Money::parse(&m.amount).map(Money::cents).unwrap_or(0),
            credit: m.credit,
            communication: m.structured_communication.or(m.communication),
            counterparty: m.counterparty,
            outcome: m.outcome.as_str().into(),
            invoice: m.invoice_id.zip(m.invoice_number),
        })
        .collect();
    statements_page(&user, None, Some(movements), StatusCode::OK)
}
