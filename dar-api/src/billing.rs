//! The coordinator's billing, shared by the API and the pages: what the yearly run would
//! bill (its preview) and the invoices it issues, credit notes and payments, each written
//! with its platform audit event in one transaction.

use chrono::{Datelike, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use crate::routes::money;
use dar_core::billing::amounts::{Line, Quantity, totals};
use dar_core::billing::yearly::{self, YearlyBill};
use dar_core::billing::{Balance, DocumentKind, Terms, VatRate};
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_core::types::{Language, Role, TenantStatus};
use dar_db::DbConnection;
use dar_db::audit::NewAuditEvent;
use dar_db::billing::documents::{self, Document, NewDocument};
use dar_db::billing::identity::IdentityRow;
use dar_db::billing::payments::{self, PaymentRow};
use dar_db::billing::{identity, plans, profiles, usage};
use dar_db::tenants::{self, TenantRow};

/// A billing action's platform event (no cooperative's log shows it; the coordinator's does).
pub fn platform_event(
    principal: &Principal,
    meta: &RequestMeta,
    action: &str,
    object: (&str, &str),
    details: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        tenant_id: None,
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some(Role::Coordinator.as_str().into()),
        action: action.into(),
        object_type: Some(object.0.into()),
        object_id: Some(object.1.into()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        support_session_id: None,
        details: Some(details),
    }
}

/// Today, in Brussels: the issue date of what is issued now.
pub fn today() -> NaiveDate {
    dar_core::time::brussels_date(Utc::now())
}

/// A yearly run may bill the current year or the next, not further ahead (nor back).
pub fn check_run_year(year: i32, today: NaiveDate) -> ApiResult<()> {
    if year == today.year() || year == today.year() + 1 {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "year",
            format!(
                "a billing run is for the current year ({}) or the next ({})",
                today.year(),
                today.year() + 1
            ),
        ))
    }
}

/// The identity the invoices are issued under; a run or a document before it is set is refused.
pub fn require_identity(conn: &mut DbConnection) -> ApiResult<IdentityRow> {
    identity::get(conn)?.ok_or_else(|| {
        ApiError::Conflict(
            "set the coordinator's invoicing identity (name, VAT number, IBAN) first".into(),
        )
    })
}

/// One line as shown before and after it is issued.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct LineView {
    pub description: String,
    /// Decimal string, e.g. `"1"`.
    pub quantity: String,
    pub unit_price: String,
    /// `21`, `12`, `6` or `exempt`.
    pub vat_rate: String,
    pub net: String,
    pub vat: String,
}

/// What the yearly run does for one cooperative.
#[derive(Serialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// An invoice is (or would be) issued.
    Invoice,
    /// The cooperative has its invoice for the year already.
    InvoicedAlready,
    /// Its billing starts after the year.
    NotYetBillable,
    /// No billing profile: the coordinator has not said how to bill it.
    NoProfile,
    /// Archived cooperatives are not billed.
    Archived,
}

impl RunOutcome {
    /// The wire name (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Invoice => "invoice",
            RunOutcome::InvoicedAlready => "invoiced_already",
            RunOutcome::NotYetBillable => "not_yet_billable",
            RunOutcome::NoProfile => "no_profile",
            RunOutcome::Archived => "archived",
        }
    }
}

/// Who is billed what for a year, and why.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct PreviewItem {
    pub tenant_id: String,
    pub slug: String,
    pub legal_name: String,
    pub outcome: RunOutcome,
    /// Why, in a sentence.
    pub reason: String,
    /// The number of active shareholders the tier was chosen by, and the day counted.
    pub active_shareholders: Option<u32>,
    pub counted_on: Option<NaiveDate>,
    pub lines: Vec<LineView>,
    pub net: String,
    pub vat: String,
    pub gross: String,
    /// The invoice of the year, once there is one.
    pub invoice_number: Option<String>,
    pub invoice_id: Option<String>,
}

/// The lines the rule bills, in the cooperative's language.
struct Planned {
    outcome: RunOutcome,
    why: Why,
    active: Option<u32>,
    counted_on: Option<NaiveDate>,
    lines: Vec<Line>,
    existing: Option<(String, String)>,
}

/// Why the run bills a cooperative what it does; said in a language by [`Why::text`].
enum Why {
    Covered {
        number: String,
        issued: NaiveDate,
        year: i32,
    },
    Archived,
    NoProfile,
    StartsLater(NaiveDate),
    Billed {
        plan: String,
        tier: usize,
        tiers: usize,
        active: u32,
        counted_on: NaiveDate,
        member: bool,
        months: u32,
        billing_start: NaiveDate,
        own_fee: bool,
        first: bool,
    },
}

impl Why {
    /// The sentence in `lang`; dates as Belgians write them, ISO in English (the API's).
    fn text(&self, lang: Language) -> String {
        use Language::{En, Fr, Nl};
        let day = |d: &NaiveDate| match lang {
            En => d.to_string(),
            Nl | Fr => d.format("%d/%m/%Y").to_string(),
        };
        match self {
            Why::Covered { number, issued, year } => match lang {
                Nl => format!("factuur {number} van {} dekt {year}", day(issued)),
                Fr => format!("la facture {number} du {} couvre {year}", day(issued)),
                En => format!("invoice {number} of {} covers {year}", day(issued)),
            },
            Why::Archived => match lang {
                Nl => "gearchiveerde coöperaties worden niet gefactureerd".into(),
                Fr => "les coopératives archivées ne sont pas facturées".into(),
                En => "archived cooperatives are not billed".into(),
            },
            Why::NoProfile => match lang {
                Nl => "geen facturatieprofiel: stel eerst de formule en de facturatiegegevens in".into(),
                Fr => "pas de profil de facturation : définissez d'abord la formule et les données de facturation".into(),
                En => "no billing profile: set its plan and billing details first".into(),
            },
            Why::StartsLater(start) => match lang {
                Nl => format!("facturatie begint op {}", day(start)),
                Fr => format!("la facturation commence le {}", day(start)),
                En => format!("billing starts on {}", day(start)),
            },
            Why::Billed { plan, tier, tiers, active, counted_on, member, months, billing_start, own_fee, first } => {
                let (on, member_text) = match (lang, member) {
                    (Nl, true) => (day(counted_on), "lid"),
                    (Nl, false) => (day(counted_on), "geen lid"),
                    (Fr, true) => (day(counted_on), "membre"),
                    (Fr, false) => (day(counted_on), "non-membre"),
                    (En, true) => (day(counted_on), "member"),
                    (En, false) => (day(counted_on), "non-member"),
                };
                let mut text = match lang {
                    Nl => format!("formule {plan}, schijf {tier} van {tiers}, {active} actieve aandeelhouders op {on}, {member_text}"),
                    Fr => format!("formule {plan}, tranche {tier} sur {tiers}, {active} actionnaires actifs au {on}, {member_text}"),
                    En => format!("plan {plan}, tier {tier} of {tiers}, {active} active shareholders on {on}, {member_text}"),
                };
                if *months < 12 {
                    text.push_str(&match lang {
                        Nl => format!(", {months}/12 van het jaar (facturatie vanaf {})", day(billing_start)),
                        Fr => format!(", {months}/12 de l'année (facturation à partir du {})", day(billing_start)),
                        En => format!(", {months}/12 of the year (billing starts on {})", day(billing_start)),
                    });
                }
                if *own_fee {
                    text.push_str(match lang {
                        Nl => ", eigen jaarbijdrage van het profiel",
                        Fr => ", cotisation annuelle propre du profil",
                        En => ", the profile's own yearly fee",
                    });
                }
                if *first {
                    text.push_str(match lang {
                        Nl => ", eerste factuur: eenmalige kosten",
                        Fr => ", première facture : frais uniques",
                        En => ", first invoice: one-off fees",
                    });
                }
                text
            }
        }
    }
}

fn plan_year(
    conn: &mut DbConnection,
    tenant: &TenantRow,
    year: i32,
    today: NaiveDate,
) -> ApiResult<Planned> {
    let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    let nothing = |outcome, why: Why| Planned {
        outcome,
        why,
        active: None,
        counted_on: None,
        lines: vec![],
        existing: None,
    };
    if let Some(invoice) = documents::yearly_invoice(conn, &id, year)? {
        let mut planned = nothing(
            RunOutcome::InvoicedAlready,
            Why::Covered {
                number: invoice.number.clone(),
                issued: invoice.issue_date,
                year,
            },
        );
        planned.existing = Some((invoice.id, invoice.number));
        return Ok(planned);
    }
    if tenant.status == TenantStatus::Archived.as_str() {
        return Ok(nothing(RunOutcome::Archived, Why::Archived));
    }
    let Some(profile) = profiles::get(conn, &id)? else {
        return Ok(nothing(RunOutcome::NoProfile, Why::NoProfile));
    };
    let Some(counting_date) = yearly::counting_date(profile.billing_start, year) else {
        return Ok(nothing(
            RunOutcome::NotYetBillable,
            Why::StartsLater(profile.billing_start),
        ));
    };
    // A day still ahead is counted as it is today (next year's run made in December).
    let counted_on = counting_date.min(today);
    let active = usage::active_on(conn, &id, counted_on)?;
    let plan = plans::get(conn, &profile.plan_id)?;
    let prices = plan.plan()?;
    let terms = Terms {
        plan: &prices,
        member: profile.member,
        billing_start: profile.billing_start,
        migration: profile.migration,
        overrides: profile.overrides()?,
        first_invoice: !documents::invoiced_before(conn, &id, year)?,
    };
    let vat = plan.vat_rate()?;
    match yearly::yearly_bill(&terms, year, active, counted_on) {
        YearlyBill::NotYetBillable { billing_start } => Ok(nothing(
            RunOutcome::NotYetBillable,
            Why::StartsLater(billing_start),
        )),
        YearlyBill::Bill(charges) => {
            let lang = profile.language();
            let months = yearly::months_billed(profile.billing_start, year);
            let lines = charges
                .iter()
                .map(|c| Line {
                    description: c.kind.describe(lang),
                    quantity: Quantity::ONE,
                    unit_price: c.amount,
                    vat,
                })
                .collect();
            let (index, _) = terms.plan.tier(active);
            let why = Why::Billed {
                plan: plan.row.code.clone(),
                tier: index + 1,
                tiers: terms.plan.tiers().len(),
                active,
                counted_on,
                member: profile.member,
                months,
                billing_start: profile.billing_start,
                own_fee: profile.yearly_fee_cents.is_some(),
                first: terms.first_invoice,
            };
            Ok(Planned {
                outcome: RunOutcome::Invoice,
                why,
                active: Some(active),
                counted_on: Some(counted_on),
                lines,
                existing: None,
            })
        }
    }
}

fn line_views(lines: &[Line]) -> ApiResult<(Vec<LineView>, [String; 3])> {
    if lines.is_empty() {
        let zero = money(0);
        return Ok((vec![], [zero.clone(), zero.clone(), zero]));
    }
    let t = totals(lines).map_err(|e| ApiError::invalid("lines", e.to_string()))?;
    let views = lines
        .iter()
        .zip(&t.lines)
        .map(|(l, a)| LineView {
            description: l.description.clone(),
            quantity: l.quantity.get().to_string(),
            unit_price: l.unit_price.to_string(),
            vat_rate: l.vat.as_str().into(),
            net: a.net.to_string(),
            vat: a.vat.to_string(),
        })
        .collect();
    Ok((
        views,
        [t.net.to_string(), t.vat.to_string(), t.gross.to_string()],
    ))
}

fn preview_item(tenant: &TenantRow, planned: Planned, lang: Language) -> ApiResult<PreviewItem> {
    let (lines, [net, vat, gross]) = line_views(&planned.lines)?;
    let (invoice_id, invoice_number) = planned.existing.unzip();
    Ok(PreviewItem {
        tenant_id: tenant.id.clone(),
        slug: tenant.slug.clone(),
        legal_name: tenant.legal_name.clone(),
        outcome: planned.outcome,
        reason: planned.why.text(lang),
        active_shareholders: planned.active,
        counted_on: planned.counted_on,
        lines,
        net,
        vat,
        gross,
        invoice_number,
        invoice_id,
    })
}

/// Every cooperative, in slug order (the run's order).
fn all_tenants(conn: &mut DbConnection) -> ApiResult<Vec<TenantRow>> {
    let mut rows = tenants::list(conn, None, 100_000)?;
    rows.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(rows)
}

/// What a run for `year` would do, cooperative by cooperative, the reasons in `lang`.
/// Writes nothing.
pub fn preview(
    conn: &mut DbConnection,
    year: i32,
    today: NaiveDate,
    lang: Language,
) -> ApiResult<Vec<PreviewItem>> {
    check_run_year(year, today)?;
    all_tenants(conn)?
        .iter()
        .map(|tenant| preview_item(tenant, plan_year(conn, tenant, year, today)?, lang))
        .collect()
}

/// What a run for `year` would do for one cooperative.
pub fn preview_one(
    conn: &mut DbConnection,
    tenant_key: &str,
    year: i32,
    today: NaiveDate,
) -> ApiResult<PreviewItem> {
    let tenant = tenants::find(conn, tenant_key)?;
    preview_item(
        &tenant,
        plan_year(conn, &tenant, year, today)?,
        Language::En,
    )
}

/// The cooperatives a run for `year` looks at, in order.
pub fn run_population(conn: &mut DbConnection) -> ApiResult<Vec<TenantRow>> {
    all_tenants(conn)
}

/// Issues the yearly invoice of one cooperative in the caller's write transaction, with its
/// audit event; `Ok(None)` when the rule bills it nothing or it has its invoice already
/// (also when a concurrent run issued it first).
pub fn issue_yearly(
    conn: &mut DbConnection,
    delivery: &dyn crate::delivery::InvoiceDelivery,
    principal: &Principal,
    meta: &RequestMeta,
    tenant_key: &str,
    year: i32,
    today: NaiveDate,
) -> ApiResult<(PreviewItem, Option<Document>)> {
    let tenant = tenants::find(conn, tenant_key)?;
    let planned = plan_year(conn, &tenant, year, today)?;
    if planned.outcome != RunOutcome::Invoice {
        return Ok((preview_item(&tenant, planned, Language::En)?, None));
    }
    let seller = require_identity(conn)?;
    let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    let profile = profiles::get(conn, &id)?.ok_or(ApiError::NotFound)?;
    let issued = documents::issue(
        conn,
        NewDocument {
            kind: DocumentKind::Invoice,
            tenant: id,
            corrects: None,
            billing_year: Some(year),
            issue_date: today,
            payment_term_days: i64::from(seller.payment_term_days),
            language: profile.language(),
            seller: seller.party(),
            buyer: profile.party(),
            note: None,
            lines: planned.lines.clone(),
            idempotency: None,
            created_by: principal.user_id.to_string(),
            now: Utc::now(),
        },
    )?;
    send_issued(
        conn,
        delivery,
        principal,
        meta,
        &issued,
        serde_json::json!({ "billing_year": year }),
    )?;
    let mut item = preview_item(&tenant, planned, Language::En)?;
    item.invoice_id = Some(issued.row.id.clone());
    item.invoice_number = Some(issued.row.number.clone());
    Ok((item, Some(issued)))
}

/// Sends a document just issued on its way and records its audit event (`details` plus its
/// number, cooperative, total and where it went), on the issuing transaction.
pub fn send_issued(
    conn: &mut DbConnection,
    delivery: &dyn crate::delivery::InvoiceDelivery,
    principal: &Principal,
    meta: &RequestMeta,
    issued: &Document,
    mut details: serde_json::Value,
) -> ApiResult<()> {
    let sent = delivery.deliver(conn, issued)?;
    let row = &issued.row;
    details["number"] = row.number.clone().into();
    details["tenant_id"] = row.tenant_id.clone().into();
    details["gross"] = money(row.gross_cents).into();
    details["sent"] = sent.into();
    let (action, object) = match row.kind()? {
        DocumentKind::Invoice => ("billing.invoice_issued", "invoice"),
        DocumentKind::CreditNote => ("billing.credit_note_issued", "credit_note"),
    };
    dar_db::audit::record(
        conn,
        platform_event(principal, meta, action, (object, &row.id), details),
        Utc::now(),
    )?;
    Ok(())
}

/// The amounts of a line a client sent.
pub struct LineInput {
    pub description: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub vat: VatRate,
}

impl From<LineInput> for Line {
    fn from(l: LineInput) -> Line {
        Line {
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            vat: l.vat,
        }
    }
}

/// Issues a credit note for `invoice_id`: `lines`, or when none are given the whole
/// invoice (only while nothing of it was credited). Never more than is left to credit.
#[allow(clippy::too_many_arguments)]
pub fn credit(
    conn: &mut DbConnection,
    delivery: &dyn crate::delivery::InvoiceDelivery,
    principal: &Principal,
    meta: &RequestMeta,
    invoice_id: &str,
    reason: String,
    lines: Option<Vec<Line>>,
    idempotency: Option<(String, String)>,
    today: NaiveDate,
) -> ApiResult<Document> {
    let invoice = documents::listed(conn, invoice_id)?;
    if invoice.document.kind()? != DocumentKind::Invoice {
        return Err(ApiError::Conflict(
            "a credit note corrects an invoice, not another credit note".into(),
        ));
    }
    let lines = match lines {
        Some(lines) => lines,
        None => documents::get(conn, invoice_id)?
            .lines
            .iter()
            .map(|l| l.line())
            .collect::<Result<Vec<_>, _>>()?,
    };
    let gross = totals(&lines)
        .map_err(|e| ApiError::invalid("lines", e.to_string()))?
        .gross;
    let balance: Balance = invoice.balance();
    balance.credit(gross).map_err(|_| {
        ApiError::invalid(
            "lines",
            format!(
                "the credit note ({gross}) is more than what is left of invoice {} ({})",
                invoice.document.number,
                money(balance.gross.cents() - balance.credited.cents())
            ),
        )
    })?;
    let seller = require_identity(conn)?;
    let tenant: TenantId = invoice
        .document
        .tenant_id
        .parse()
        .map_err(ApiError::internal)?;
    let issued = documents::issue(
        conn,
        NewDocument {
            kind: DocumentKind::CreditNote,
            tenant,
            corrects: Some(invoice.document.id.clone()),
            billing_year: None,
            issue_date: today.max(invoice.document.issue_date),
            payment_term_days: 0,
            language: invoice.document.language(),
            seller: seller.party(),
            buyer: invoice.document.buyer()?,
            note: Some(reason),
            lines,
            idempotency,
            created_by: principal.user_id.to_string(),
            now: Utc::now(),
        },
    )?;
    send_issued(
        conn,
        delivery,
        principal,
        meta,
        &issued,
        serde_json::json!({ "corrects": invoice.document.number }),
    )?;
    Ok(issued)
}

/// A payment to record against an invoice.
pub struct NewPayment {
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub method: &'static str,
    pub bank_reference: Option<String>,
    pub payer: Option<String>,
    pub note: Option<String>,
    pub idempotency: Option<(String, String)>,
}

/// Records a payment of an invoice, with its audit event.
pub fn record_payment(
    conn: &mut DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    invoice_id: &str,
    payment: NewPayment,
) -> ApiResult<PaymentRow> {
    let invoice = documents::get(conn, invoice_id)?;
    if invoice.row.kind()? != DocumentKind::Invoice {
        return Err(ApiError::Conflict(
            "payments are recorded against invoices, not credit notes".into(),
        ));
    }
    if payment.paid_on < invoice.row.issue_date - chrono::Duration::days(366) {
        return Err(ApiError::invalid(
            "paid_on",
            "is more than a year before the invoice was issued",
        ));
    }
    let (idempotency_key, request_hash) = payment.idempotency.unzip();
    let row = payments::record(
        conn,
        PaymentRow {
            id: uuid::Uuid::now_v7().to_string(),
            invoice_id: invoice.row.id.clone(),
            amount_cents: payment.amount.cents(),
            paid_on: payment.paid_on,
            method: payment.method.into(),
            bank_reference: payment.bank_reference,
            payer: payment.payer,
            note: payment.note,
            idempotency_key,
            request_hash,
            created_by: principal.user_id.to_string(),
            created_at: dar_db::to_db_time(Utc::now()),
        },
    )?;
    dar_db::audit::record(
        conn,
        platform_event(
            principal,
            meta,
            "billing.payment_recorded",
            ("payment", &row.id),
            serde_json::json!({
                "invoice": invoice.row.number,
                "amount": money(row.amount_cents),
                "paid_on": row.paid_on,
                "method": row.method,
            }),
        ),
        Utc::now(),
    )?;
    Ok(row)
}

/// Everything an issued document's PDF and UBL say, from what was stored when it was issued.
pub fn content(
    conn: &mut DbConnection,
    document: &Document,
) -> ApiResult<dar_core::billing::InvoiceContent> {
    let row = &document.row;
    let lines = document
        .lines
        .iter()
        .map(|l| l.line())
        .collect::<Result<Vec<_>, _>>()?;
    let totals = totals(&lines).map_err(ApiError::internal)?;
    if totals.gross.cents() != row.gross_cents || totals.vat.cents() != row.vat_cents {
        return Err(ApiError::internal(anyhow::anyhow!(
            "document {} no longer adds up to its stored totals",
            row.number
        )));
    }
    let corrects = match &row.corrects_id {
        Some(id) => {
            let invoice = documents::get(conn, id)?;
            Some((invoice.row.number, invoice.row.issue_date))
        }
        None => None,
    };
    Ok(dar_core::billing::InvoiceContent {
        kind: row.kind()?,
        number: row.number.clone(),
        issue_date: row.issue_date,
        due_date: row.due_date,
        corrects,
        language: row.language(),
        seller: row.seller()?,
        buyer: row.buyer()?,
        lines,
        totals,
        payment_reference: row
            .structured_communication
            .as_deref()
            .map(dar_core::identifiers::StructuredCommunication::parse)
            .transpose()
            .map_err(ApiError::internal)?,
        note: row.note.clone(),
    })
}

/// One movement of an imported statement and what became of it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct StatementLine {
    pub bank_reference: String,
    pub value_date: NaiveDate,
    pub amount: String,
    /// `true` for money in.
    pub credit: bool,
    /// `+++123/4567/89002+++`, when the movement carries one.
    pub structured_communication: Option<String>,
    pub communication: Option<String>,
    pub counterparty: Option<String>,
    /// `paid`, `partly_paid`, `overpaid` (recorded as payments); `unknown_reference`,
    /// `no_reference`, `not_a_credit`, `duplicate` (not recorded: for the coordinator).
    #[schema(value_type = String)]
    pub outcome: dar_core::billing::matching::Outcome,
    pub invoice_id: Option<String>,
    pub invoice_number: Option<String>,
    pub payment_id: Option<String>,
}

/// What an imported statement did.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct StatementReport {
    pub account: String,
    pub movements: Vec<StatementLine>,
    /// Movements recorded as payments, and their sum.
    pub recorded: usize,
    pub recorded_amount: String,
    /// Movements left for the coordinator (no match, duplicates, money out).
    pub unmatched: usize,
}

/// Records the payments of a bank statement, matched to invoices by their structured
/// communication, in the caller's write transaction; a movement recorded before (same
/// account and bank reference) is reported as a duplicate and not recorded again.
pub fn import_statement(
    conn: &mut DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    statement: &dar_core::billing::coda::Statement,
    method: &'static str,
) -> ApiResult<StatementReport> {
    use dar_core::billing::matching::{self, Facts};
    let mut lines = Vec::with_capacity(statement.movements.len());
    let mut seen = std::collections::HashSet::new();
    let mut recorded_cents = 0i64;
    for m in &statement.movements {
        let key = format!("{}:{}", statement.account, m.bank_reference);
        let duplicate =
            !seen.insert(key.clone()) || payments::by_bank_reference(conn, &key)?.is_some();
        let invoice = match &m.structured {
            Some(s) => documents::by_structured_communication(conn, s.as_str())?,
            None => None,
        };
        let outstanding = match &invoice {
            Some(invoice) => Some(
                documents::listed(conn, &invoice.id)?
                    .balance()
                    .outstanding_cents(),
            ),
            None => None,
        };
        let outcome = matching::outcome(&Facts {
            credit: m.credit,
            amount: m.amount,
            duplicate,
            has_reference: m.structured.is_some(),
            outstanding_cents: outstanding,
        });
        let mut payment_id = None;
        if outcome.records_payment()
            && let Some(invoice) = &invoice
        {
            let row = record_payment(
                conn,
                principal,
                meta,
                &invoice.id,
                NewPayment {
                    amount: m.amount,
                    paid_on: m.value_date,
                    method,
                    bank_reference: Some(key),
                    payer: m.counterparty_name.clone(),
                    note: m.communication.clone(),
                    idempotency: None,
                },
            )?;
            recorded_cents += row.amount_cents;
            payment_id = Some(row.id);
        }
        lines.push(StatementLine {
            bank_reference: m.bank_reference.clone(),
            value_date: m.value_date,
            amount: m.amount.to_string(),
            credit: m.credit,
            structured_communication: m.structured.as_ref().map(|s| s.to_string()),
            communication: m.communication.clone(),
            counterparty: m.counterparty_name.clone(),
            outcome,
            invoice_id: invoice.as_ref().map(|i| i.id.clone()),
            invoice_number: invoice.map(|i| i.number),
            payment_id,
        });
    }
    let recorded = lines.iter().filter(|l| l.payment_id.is_some()).count();
    let report = StatementReport {
        account: statement.account.clone(),
        unmatched: lines.len() - recorded,
        recorded,
        recorded_amount: money(recorded_cents),
        movements: lines,
    };
    dar_db::audit::record(
        conn,
        platform_event(
            principal,
            meta,
            "billing.statement_imported",
            ("bank_statement", &report.account),
            serde_json::json!({
                "format": method,
                "movements": report.movements.len(),
                "recorded": report.recorded,
                "recorded_amount": report.recorded_amount,
                "unmatched": report.unmatched,
            }),
        ),
        Utc::now(),
    )?;
    Ok(report)
}

/// A cooperative the run could not invoice, and why (nothing was issued for it).
#[derive(Serialize, ToSchema)]
pub struct RunFailure {
    pub tenant_id: String,
    pub slug: String,
    pub error: String,
}

#[derive(Serialize, ToSchema)]
pub struct RunView {
    pub year: i32,
    /// The invoices this run issued (none when run again).
    pub created: Vec<PreviewItem>,
    /// Cooperatives it billed nothing, and why.
    pub skipped: Vec<PreviewItem>,
    pub failed: Vec<RunFailure>,
}

/// Runs the yearly billing for `year`: one invoice per billable cooperative, each in its own
/// write transaction, so one that fails leaves the others (and its number) untouched.
pub async fn run_year(
    state: &crate::state::AppState,
    principal: &Principal,
    meta: &RequestMeta,
    year: i32,
    today: NaiveDate,
) -> ApiResult<RunView> {
    check_run_year(year, today)?;
    let population = state
        .db(|conn| {
            require_identity(conn)?;
            run_population(conn)
        })
        .await?;
    let total = population.len();
    let mut view = RunView {
        year,
        created: vec![],
        skipped: vec![],
        failed: vec![],
    };
    for (done, tenant) in population.into_iter().enumerate() {
        let (p, m, key) = (principal.clone(), meta.clone(), tenant.id.clone());
        let delivery = state.invoice_delivery.clone();
        let outcome = state
            .db(move |conn| {
                dar_db::write_transaction(conn, |conn| {
                    issue_yearly(conn, delivery.as_ref(), &p, &m, &key, year, today)
                })
            })
            .await;
        match outcome {
            Ok((item, Some(_))) => view.created.push(item),
            Ok((item, None)) => view.skipped.push(item),
            // A concurrent run may have issued it between our look and our write.
            Err(ApiError::Conflict(message)) => {
                let key = tenant.id.clone();
                let item = state
                    .db(move |conn| preview_one(conn, &key, year, today))
                    .await?;
                if item.outcome == RunOutcome::InvoicedAlready {
                    view.skipped.push(item);
                } else {
                    view.failed.push(RunFailure {
                        tenant_id: tenant.id,
                        slug: tenant.slug,
                        error: message,
                    });
                }
            }
            Err(e) => {
                tracing::warn!(tenant.id = %tenant.id, error = %e, "billing run: a cooperative was not invoiced");
                view.failed.push(RunFailure {
                    tenant_id: tenant.id,
                    slug: tenant.slug,
                    error: e.to_string(),
                });
            }
        }
        tracing::info!(
            billing.year = year,
            done = done + 1,
            total,
            "billing run progress"
        );
    }
    if !view.created.is_empty() {
        state.mail.wake();
    }
    tracing::info!(
        billing.year = year,
        created = view.created.len(),
        skipped = view.skipped.len(),
        failed = view.failed.len(),
        "billing run finished"
    );
    Ok(view)
}

/// One month of one cooperative: counts only.
#[derive(Serialize, ToSchema)]
pub struct UsageMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Shareholders holding at least one share at the end of the month (absent for a month
    /// not over yet).
    pub active_shareholders: Option<u32>,
    pub entries: i64,
    pub certificates: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TenantUsage {
    pub tenant_id: String,
    pub slug: String,
    pub legal_name: String,
    pub months: Vec<UsageMonth>,
}

/// Usage per cooperative and month of `year`, measured from the registers.
pub fn usage(conn: &mut DbConnection, year: i32, today: NaiveDate) -> ApiResult<Vec<TenantUsage>> {
    let mut out = Vec::new();
    for tenant in tenants::list(conn, None, 100_000)? {
        let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
        let entries = usage::entries_per_month(conn, &id, year)?;
        let certificates = usage::certificates_per_month(conn, &id, year)?;
        let mut months = Vec::new();
        for m in 1..=12 {
            let month = format!("{year}-{m:02}");
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }
            .ok_or_else(|| ApiError::invalid("year", "out of range"))?;
            let end = next.pred_opt().unwrap_or(next);
            let active = if end < today {
                Some(usage::active_on(conn, &id, end)?)
            } else {
                None
            };
            let count = |rows: &[(String, i64)]| {
                rows.iter()
                    .find(|(m, _)| *m == month)
                    .map_or(0, |(_, n)| *n)
            };
            months.push(UsageMonth {
                active_shareholders: active,
                entries: count(&entries),
                certificates: count(&certificates),
                month,
            });
        }
        out.push(TenantUsage {
            tenant_id: tenant.id,
            slug: tenant.slug,
            legal_name: tenant.legal_name,
            months,
        });
    }
    Ok(out)
}
