//! The shareholder's side of the web application (their own page, contact details, a
//! current certificate, the register of their class) and the administrator's certificates
//! (one holder's, and batches with their progress). Every rule is the API's: these
//! handlers call the same functions as its routes, inside the same authorization.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::session::WebUser;
use super::{
    HolderNames, PAGE_ROWS, PageError, PageResult, Withheld, checked_form, frame, holder_record,
    html_response, ok, read_form, see_other,
};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::certificates::{MAX_SELECTION, create_batch, issue_one};
use crate::routes::shareholders::{ContactChange, audit_event, change_contact};
use crate::routes::tenant_access;
use crate::routes::tenants::Address;
use crate::state::{AppState, Audited};
use crate::validate::HolderRef;
use dar_core::ids::{CertificateBatchId, ShareholderId, TenantId};
use dar_core::types::{Language, Role};
use dar_db::DbConnection;
use dar_web::forms::{FieldErrors, parse_date};
use dar_web::holder::{self as pages, Asked, BatchStatus, HolderText};
use dar_web::i18n::{Text, t};
use dar_web::pages::CertificateLine;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(script)
        .service(my_page)
        .service(ask_certificate)
        .service(contact_form)
        .service(change_contact_details)
        .service(class_register)
        .service(issue_for_holder)
        .service(cooperative_certificates)
        .service(certificate_settings)
        .service(start_batch)
        .service(batch_progress)
        .service(batch_status)
        .service(batch_zip);
}

#[get("/assets/dar-1.js")]
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(dar_web::SCRIPT)
}

/// The holder record of the signed-in user in the cooperative `key`, with the cooperative:
/// a page of a holder's own never names a holder, so nobody can ask for another's.
fn own_record(
    conn: &mut DbConnection,
    user: &crate::auth::Principal,
    key: &str,
) -> Result<(dar_db::tenants::TenantRow, TenantId, ShareholderId), ApiError> {
    let tenant = dar_db::tenants::find(conn, key)?;
    let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    let holder = user
        .tenant_grants(&tenant_id)
        .find(|g| g.role == Role::Shareholder)
        .and_then(|g| g.shareholder_id)
        .ok_or(ApiError::NotFound)?;
    Ok((tenant, tenant_id, holder))
}

/// A holder's certificates as pages list them, newest first.
pub(crate) fn certificate_lines(
    conn: &mut DbConnection,
    tenant: &TenantId,
    slug: &str,
    holder: ShareholderId,
) -> Result<Vec<CertificateLine>, ApiError> {
    let rows = dar_db::certificates::of_holder(conn, tenant, &holder.to_string())?;
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, c)| CertificateLine {
            number: c.number,
            as_of: c.as_of,
            issued_on: c.issued_at.date(),
            // Newest first: a holder's newest certificate supersedes every older one.
            current: i == 0,
            pdf: format!("/c/{slug}/certificates/{}.pdf", c.id),
        })
        .collect())
}

/// Whether a page offers to issue certificates: to the register's administrators, as the
/// other keepers' forms are offered (the API serves the helpdesk in a writing session).
pub(crate) fn may_issue(access: &Access) -> bool {
    access.role == Role::Admin
}

/// A holder's certificates on the keepers' page of that holder, with the form to issue
/// one for those who may.
pub(crate) fn on_holder_page(
    conn: &mut DbConnection,
    tenant: &TenantId,
    slug: &str,
    holder: ShareholderId,
    access: &Access,
    (lang, csrf): (Language, &str),
) -> Result<dar_web::Markup, ApiError> {
    let lines = certificate_lines(conn, tenant, slug, holder)?;
    let today = dar_web::i18n::date(dar_core::time::brussels_date(Utc::now()));
    Ok(certificates_section(
        lang,
        csrf,
        &format!("/c/{slug}/shareholders/{holder}"),
        &lines,
        may_issue(access),
        &today,
        &FieldErrors::default(),
    ))
}

fn certificates_section(
    lang: Language,
    csrf: &str,
    holder_path: &str,
    lines: &[CertificateLine],
    may_issue: bool,
    as_of: &str,
    errors: &FieldErrors,
) -> dar_web::Markup {
    let action = format!("{holder_path}/certificates");
    pages::holder_certificates(
        lang,
        &pages::HolderCertificates {
            certificates: lines,
            issue: may_issue.then_some((action.as_str(), csrf)),
            as_of,
            errors,
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeQuery {
    as_of: Option<super::TypedDate>,
    /// What the holder's request for a current certificate gave: `issued` or `current`.
    asked: Option<String>,
}

/// A shareholder's own page in one cooperative.
#[get("/c/{tenant}/me")]
async fn my_page(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: MeQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let asked = match query.asked.as_deref() {
        None => None,
        Some("issued") => Some(Asked::Issued),
        Some("current") => Some(Asked::StillCurrent),
        Some(_) => return Err(PageError::NotFound { lang }),
    };
    let key = path.into_inner();
    let principal = user.principal.clone();
    let page = state
        .db(move |conn| {
            let (tenant, tenant_id, holder) = own_record(conn, &principal, &key)?;
            let access = crate::auth::authorize(
                conn,
                &principal,
                &tenant,
                Need::ReadShareholder(holder),
                &meta,
            )?;
            let row = dar_db::shareholders::get(conn, &tenant_id, &holder)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let (as_of, as_of_refused) = super::as_of_or_today(query.as_of, today);
            let moment = dar_db::ledger::Moment {
                as_of,
                as_of_seq: tenant.ledger_head_seq,
            };
            let withheld = (!access.sees_counterparties()).then_some(Withheld {
                own: holder,
                label: t(lang, Text::AnotherShareholder),
            });
            let (holdings, movements) =
                holder_record(conn, &tenant_id, &tenant.slug, holder, moment, withheld)?;
            let certificates = certificate_lines(conn, &tenant_id, &tenant.slug, holder)?;
            let classes = held_classes(conn, &tenant, &tenant_id, holder)?;
            // The same decision as the request itself: `authorize` for a certificate.
            let may_ask = crate::auth::authorize(
                conn,
                &principal,
                &tenant,
                Need::RequestCertificate(holder),
                &meta,
            )
            .is_ok();
            Ok(pages::MyPage {
                cooperative: tenant.legal_name,
                slug: tenant.slug,
                name: row.display_name(),
                register_number: row.register_number,
                as_of,
                as_of_refused,
                holdings,
                movements,
                certificates,
                classes,
                may_ask,
                asked,
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let here = format!("/c/{}/me", page.slug);
    ok(pages::my_page(
        &frame(&user, t(lang, Text::MyHoldings), &here),
        &user.csrf,
        &page,
        &here,
    ))
}

/// The codes of the classes `holder` holds today: the registers they may consult.
fn held_classes(
    conn: &mut DbConnection,
    tenant: &dar_db::tenants::TenantRow,
    tenant_id: &TenantId,
    holder: ShareholderId,
) -> Result<Vec<String>, ApiError> {
    let today = dar_db::ledger::Moment {
        as_of: dar_core::time::brussels_date(Utc::now()),
        as_of_seq: tenant.ledger_head_seq,
    };
    let mut codes: Vec<String> = dar_db::ledger::holder_holdings(conn, tenant_id, &holder, today)?
        .into_iter()
        .filter(|h| h.quantity > 0)
        .map(|h| h.share_class)
        .collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// A shareholder asks for a current certificate of their own; the cooperative's setting
/// decides, in `authorize`, as for the API.
#[post("/c/{tenant}/me/certificates")]
async fn ask_certificate(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    checked_form(&user, &body)?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let holder = state
        .db(move |conn| own_record(conn, &principal, &key))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let (tenant, _, holder) = holder;
    let app = state.clone();
    let issued_by = user.principal.user_id;
    let today = dar_core::time::brussels_date(Utc::now());
    let answer = state
        .tenant_write(
            user.principal.clone(),
            meta,
            tenant.id.clone(),
            Need::RequestCertificate(holder),
            move |conn, scope| issue_one(conn, &app, scope, holder, today, issued_by),
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    if answer.issued {
        state.mail.wake();
    }
    let asked = if answer.issued { "issued" } else { "current" };
    Ok(see_other(&format!(
        "/c/{}/me?asked={asked}#certificates",
        tenant.slug
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFields {
    email: String,
    phone: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    iban: String,
    language: String,
}

fn contact_values(row: &dar_db::shareholders::ShareholderRow) -> pages::ContactValues {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    pages::ContactValues {
        email: text(&row.email),
        phone: text(&row.phone),
        street: text(&row.street),
        postal_code: text(&row.postal_code),
        city: text(&row.city),
        country: row.country.clone().unwrap_or_else(|| "BE".into()),
        iban: row
            .iban
            .as_deref()
            .map(|i| {
                dar_core::identifiers::Iban::parse(i)
                    .map_or_else(|_| i.to_string(), |i| i.formatted())
            })
            .unwrap_or_default(),
        language: row.language.clone(),
    }
}

fn contact_page(
    user: &WebUser,
    status: StatusCode,
    (cooperative, slug): (&str, &str),
    values: &pages::ContactValues,
    errors: &FieldErrors,
    saved: bool,
) -> HttpResponse {
    let here = format!("/c/{slug}/me/contact");
    let body = pages::contact_form(
        &frame(user, t(user.lang, HolderText::EditDetails), &here),
        &pages::ContactForm {
            cooperative,
            slug,
            csrf: &user.csrf,
            values,
            errors,
            saved,
        },
    );
    html_response(status, body)
}

/// The holder's own contact details, to change.
#[get("/c/{tenant}/me/contact")]
async fn contact_form(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
) -> PageResult {
    let lang = user.lang;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let (tenant, row) = state
        .db(move |conn| {
            let (tenant, tenant_id, holder) = own_record(conn, &principal, &key)?;
            crate::auth::authorize(
                conn,
                &principal,
                &tenant,
                Need::UpdateContact(holder),
                &meta,
            )?;
            let row = dar_db::shareholders::get(conn, &tenant_id, &holder)?;
            Ok((tenant, row))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(contact_page(
        &user,
        StatusCode::OK,
        (&tenant.legal_name, &tenant.slug),
        &contact_values(&row),
        &FieldErrors::default(),
        false,
    ))
}

/// Saves the holder's contact details through the API's rules
/// ([`crate::routes::shareholders::change_contact`]): a new identity version, audited as
/// the API's change is. A refused value is shown next to its field; nothing is changed.
#[post("/c/{tenant}/me/contact")]
async fn change_contact_details(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: ContactFields = read_form(&user, &body)?;
    let language = Language::parse(&form.language).ok_or(PageError::BadForm { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let (tenant, _, holder) = state
        .db({
            let principal = principal.clone();
            move |conn| own_record(conn, &principal, &key)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let typed = pages::ContactValues {
        email: form.email.clone(),
        phone: form.phone.clone(),
        street: form.street.clone(),
        postal_code: form.postal_code.clone(),
        city: form.city.clone(),
        country: form.country.clone(),
        iban: form.iban.clone(),
        language: form.language.clone(),
    };
    let tenant_key = tenant.id.clone();
    let changed = state
        .write(move |conn| {
            let (tenant, tenant_id, access) = tenant_access(
                conn,
                &principal,
                &tenant_key,
                Need::UpdateContact(holder),
                &meta,
            )?;
            let address = Address {
                street: Some(form.street),
                postal_code: Some(form.postal_code),
                city: Some(form.city),
                country: Some(form.country).filter(|c| !c.trim().is_empty()),
            };
            let change = ContactChange {
                email: Some(&form.email),
                phone: Some(&form.phone),
                address: Some(&address),
                iban: Some(&form.iban),
                language: Some(language),
            };
            let actor = principal.user_id.to_string();
            let row = change_contact(conn, &tenant_id, &holder, &change, &actor)?;
            Ok(Audited {
                event: audit_event(
                    &principal,
                    &access,
                    &meta,
                    &tenant.id,
                    "shareholder.updated",
                    &row.id,
                ),
                value: row,
            })
        })
        .await;
    let names = (tenant.legal_name.as_str(), tenant.slug.as_str());
    match changed {
        Ok(row) => Ok(contact_page(
            &user,
            StatusCode::OK,
            names,
            &contact_values(&row),
            &FieldErrors::default(),
            true,
        )),
        Err(ApiError::Validation { errors, .. }) => {
            let mut refused = FieldErrors::default();
            for problem in &errors {
                let field = problem
                    .field
                    .strip_prefix("address.")
                    .unwrap_or(&problem.field);
                // A rule about the identity as a whole (which this form cannot mend) is
                // listed in the summary under its own name.
                refused.add(field, t(lang, pages::contact_problem(field)));
            }
            Ok(contact_page(
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                names,
                &typed,
                &refused,
                false,
            ))
        }
        Err(e) => Err(PageError::from_api(e, lang)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterQuery {
    after: Option<String>,
}

/// The register of a class the holder holds, minimised as the law allows.
#[get("/c/{tenant}/me/classes/{class}")]
async fn class_register(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: AfterQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let after: i64 = match query.after.as_deref() {
        None => 0,
        Some(a) => crate::routes::decode_cursor(a).map_err(|_| PageError::NotFound { lang })?,
    };
    let (key, code) = path.into_inner();
    let principal = user.principal.clone();
    let page = state
        .db(move |conn| {
            let (tenant, tenant_id, holder) = own_record(conn, &principal, &key)?;
            let (_, _, access) =
                tenant_access(conn, &principal, &key, Need::ConsultClassRegister, &meta)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let page = crate::routes::holdings::class_register_page(
                conn,
                &tenant,
                &tenant_id,
                &access,
                &code,
                Some(today),
                after,
                PAGE_ROWS,
            )
            // A class the register does not have is no page at all.
            .map_err(|e| match e {
                ApiError::Validation { .. } => ApiError::NotFound,
                other => other,
            })?;
            let own = dar_db::shareholders::get(conn, &tenant_id, &holder)?.register_number;
            let next = page
                .next_cursor
                .map(|cursor| format!("/c/{}/me/classes/{code}?after={cursor}", tenant.slug));
            Ok(pages::ClassRegister {
                cooperative: tenant.legal_name,
                slug: tenant.slug,
                class: code,
                as_of: today,
                lines: page
                    .items
                    .into_iter()
                    .map(|l| pages::ClassRegisterLine {
                        own: l.register_number == own,
                        register_number: l.register_number,
                        name: l.name,
                        municipality: l.municipality,
                        shares: l.quantity,
                    })
                    .collect(),
                next,
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let here = format!("/c/{}/me/classes/{}", page.slug, page.class);
    ok(pages::class_register(
        &frame(&user, t(lang, HolderText::ClassRegisterOf), &here),
        &page,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueFields {
    as_of: String,
}

/// The date a form gives, checked: as typed in Belgium, and not after today.
fn form_date(lang: Language, typed: &str, errors: &mut FieldErrors, field: &str) -> NaiveDate {
    let today = dar_core::time::brussels_date(Utc::now());
    if typed.trim().is_empty() {
        return today;
    }
    match parse_date(typed) {
        None => {
            errors.add(field, t(lang, HolderText::BadDate));
            today
        }
        Some(d) if d > today => {
            errors.add(field, t(lang, HolderText::FutureDate));
            today
        }
        Some(d) => d,
    }
}

/// An administrator issues a certificate for one holder, from that holder's page.
#[post("/c/{tenant}/shareholders/{id}/certificates")]
async fn issue_for_holder(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: IssueFields = read_form(&user, &body)?;
    let (key, id) = path.into_inner();
    let holder: ShareholderId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let mut errors = FieldErrors::default();
    let as_of = form_date(lang, &form.as_of, &mut errors, "as_of");
    let holder_path = format!("/c/{key}/shareholders/{id}");
    if !errors.is_empty() {
        // The refused date, next to its field, above the holder's certificates.
        let principal = user.principal.clone();
        let lines = state
            .db(move |conn| {
                let (tenant, tenant_id, _) =
                    tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?;
                dar_db::shareholders::get(conn, &tenant_id, &holder)?;
                certificate_lines(conn, &tenant_id, &tenant.slug, holder)
            })
            .await
            .map_err(|e| PageError::from_api(e, lang))?;
        let section = certificates_section(
            lang,
            &user.csrf,
            &holder_path,
            &lines,
            true,
            &form.as_of,
            &errors,
        );
        let body = dar_web::layout::page(
            &frame(&user, t(lang, HolderText::IssueCertificate), &holder_path),
            dar_web::holder::issue_refused(lang, &holder_path, &errors, section),
        );
        return Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let app = state.clone();
    let issued_by = user.principal.user_id;
    state
        .tenant_write(
            user.principal.clone(),
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| {
                dar_db::shareholders::get(conn, &scope.id, &holder)?;
                issue_one(conn, &app, scope, holder, as_of, issued_by)
            },
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    state.mail.wake();
    Ok(see_other(&format!("{holder_path}#certificates")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CertificatesQuery {
    before: Option<i64>,
    saved: Option<String>,
}

/// Latest batches a page lists.
const BATCHES_LISTED: i64 = 10;

/// What the certificates page shows besides a refused batch form.
struct CertificatesView {
    cooperative: String,
    slug: String,
    may_write: bool,
    holders_may_ask: bool,
    batches: Vec<pages::BatchLine>,
    latest: Vec<pages::IssuedLine>,
    next: Option<String>,
    chrome: super::support::Chrome,
}

fn certificates_view(
    conn: &mut DbConnection,
    principal: &crate::auth::Principal,
    key: &str,
    before: Option<i64>,
    meta: &RequestMeta,
) -> Result<CertificatesView, ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::ReadRegister, meta)?;
    let chrome = super::support::chrome(conn, principal, &tenant, &access, meta)?;
    let settings = dar_db::documents::settings(conn, &tenant_id)?;
    let slug = tenant.slug.clone();
    let rows = dar_db::certificates::latest(conn, &tenant_id, before, PAGE_ROWS)?;
    let ids = rows
        .iter()
        .map(|r| r.shareholder_id.parse())
        .collect::<Result<Vec<ShareholderId>, _>>()
        .map_err(ApiError::internal)?;
    let names = HolderNames::read(conn, &tenant_id, ids.iter().copied())?;
    let next = (rows.len() as i64 == PAGE_ROWS)
        .then(|| {
            rows.last()
                .map(|r| format!("/c/{slug}/certificates?before={}", r.number))
        })
        .flatten();
    let latest = rows
        .iter()
        .zip(ids)
        .map(|(r, id)| pages::IssuedLine {
            number: r.number,
            holder: names.of(id),
            holder_href: format!("/c/{slug}/shareholders/{id}"),
            as_of: r.as_of,
            issued_on: r.issued_at.date(),
            pdf: format!("/c/{slug}/certificates/{}.pdf", r.id),
        })
        .collect();
    let batches = dar_db::certificates::recent_batches(conn, &tenant_id, BATCHES_LISTED)?
        .into_iter()
        .map(|b| pages::BatchLine {
            href: format!("/c/{slug}/certificate-batches/{}", b.id),
            created_on: b.created_at.date(),
            as_of: b.as_of,
            status: BatchStatus::parse(&b.status),
            done: b.done,
            total: b.total,
        })
        .collect();
    Ok(CertificatesView {
        cooperative: tenant.legal_name,
        slug,
        may_write: may_issue(&access),
        holders_may_ask: settings.holders_may_request_certificates,
        batches,
        latest,
        next,
        chrome,
    })
}

fn certificates_response(
    user: &WebUser,
    status: StatusCode,
    view: &CertificatesView,
    batch: &pages::BatchValues,
    errors: &FieldErrors,
    setting_saved: bool,
) -> HttpResponse {
    let here = format!("/c/{}/certificates", view.slug);
    let body = pages::certificates_page(
        &super::support::cooperative_frame(
            user,
            t(user.lang, HolderText::Certificates),
            &here,
            view.chrome.banner.as_ref(),
        ),
        &pages::CertificatesPage {
            cooperative: &view.cooperative,
            slug: &view.slug,
            csrf: &user.csrf,
            may_write: view.may_write,
            holders_may_ask: view.holders_may_ask,
            setting_saved,
            batch,
            errors,
            batches: &view.batches,
            latest: &view.latest,
            tools: view.chrome.tools,
            next: view.next.as_deref(),
        },
    );
    html_response(status, body)
}

/// The cooperative's certificates: the holders' self-service setting, batches, and the
/// latest certificates.
#[get("/c/{tenant}/certificates")]
async fn cooperative_certificates(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: CertificatesQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let before = query.before;
    let view = state
        .db(move |conn| certificates_view(conn, &principal, &key, before, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let batch = pages::BatchValues {
        scope: "all".into(),
        numbers: String::new(),
        as_of: dar_web::i18n::date(dar_core::time::brussels_date(Utc::now())),
    };
    Ok(certificates_response(
        &user,
        StatusCode::OK,
        &view,
        &batch,
        &FieldErrors::default(),
        query.saved.is_some(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingFields {
    /// Present (`yes`) when ticked; a browser leaves an unticked box out.
    holders_may_ask: Option<String>,
}

/// Lets the cooperative's shareholders ask for a current certificate, or not: a document
/// setting, changed and audited as the API's `PUT document-settings` does.
#[post("/c/{tenant}/certificate-settings")]
async fn certificate_settings(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: SettingFields = read_form(&user, &body)?;
    let allow = match form.holders_may_ask.as_deref() {
        None => false,
        Some("yes") => true,
        Some(_) => return Err(PageError::BadForm { lang }),
    };
    let key = path.into_inner();
    let slug = state
        .tenant_write(
            user.principal.clone(),
            meta,
            key,
            Need::ManageTenant,
            move |conn, scope| {
                let mut settings = dar_db::documents::settings(conn, &scope.id)?;
                settings.holders_may_request_certificates = allow;
                settings.updated_at = dar_core::chain::storage_precision(Utc::now()).naive_utc();
                dar_db::documents::put_settings(conn, settings)?;
                Ok(crate::state::Change {
                    action: "document_settings.changed",
                    object: ("document_settings", scope.tenant.id.clone()),
                    details: Some(serde_json::json!({ "holders_may_request_certificates": allow })),
                    value: scope.tenant.slug.clone(),
                })
            },
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(see_other(&format!("/c/{slug}/certificates?saved=1")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchFields {
    scope: String,
    numbers: String,
    as_of: String,
}

/// Register numbers as typed: `1, 4, 10-20`; `None` when not a list of them, or too many.
fn register_numbers(typed: &str) -> Option<Vec<i64>> {
    let mut numbers = Vec::new();
    for part in typed.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<i64>().ok()?, b.parse::<i64>().ok()?),
            None => {
                let n = part.parse::<i64>().ok()?;
                (n, n)
            }
        };
        if from < 1 || to < from || to - from >= MAX_SELECTION as i64 {
            return None;
        }
        numbers.extend(from..=to);
        if numbers.len() > MAX_SELECTION {
            return None;
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    (!numbers.is_empty()).then_some(numbers)
}

/// Starts a batch of certificates, as the API's batch request does, and shows its progress.
#[post("/c/{tenant}/certificate-batches")]
async fn start_batch(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: BatchFields = read_form(&user, &body)?;
    let key = path.into_inner();
    let mut errors = FieldErrors::default();
    let selection = match form.scope.as_str() {
        "all" => None,
        "some" => match register_numbers(&form.numbers) {
            Some(numbers) => Some(
                numbers
                    .into_iter()
                    .map(|n| (format!("numbers.{n}"), HolderRef::Number(n)))
                    .collect::<Vec<_>>(),
            ),
            None => {
                errors.add("numbers", t(lang, HolderText::BadRegisterNumbers));
                None
            }
        },
        _ => return Err(PageError::BadForm { lang }),
    };
    let as_of = form_date(lang, &form.as_of, &mut errors, "as_of");
    let requested_by = user.principal.user_id;
    let created = if errors.is_empty() {
        state
            .tenant_write(
                user.principal.clone(),
                meta.clone(),
                key.clone(),
                Need::WriteRegister,
                move |conn, scope| {
                    create_batch(conn, scope, selection.as_deref(), as_of, requested_by)
                },
            )
            .await
    } else {
        Err(ApiError::invalid("form", "refused above"))
    };
    match created {
        Ok((tenant_id, row)) => {
            let id: CertificateBatchId = row
                .id
                .parse()
                .map_err(|_| PageError::Failed { lang, retry: false })?;
            state.batches.spawn(tenant_id, id);
            let slug = state
                .db(move |conn| Ok(dar_db::tenants::get(conn, &tenant_id)?.slug))
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            Ok(see_other(&format!(
                "/c/{slug}/certificate-batches/{}",
                row.id
            )))
        }
        Err(ApiError::Validation {
            errors: problems, ..
        }) => {
            let mut unknown: Vec<String> = problems
                .iter()
                .filter_map(|p| p.field.strip_prefix("numbers.").map(str::to_string))
                .collect();
            if !unknown.is_empty() {
                unknown.truncate(10);
                errors.add(
                    "numbers",
                    format!(
                        "{} {}",
                        t(lang, HolderText::UnknownRegisterNumber),
                        unknown.join(", ")
                    ),
                );
            }
            let principal = user.principal.clone();
            let view = state
                .db(move |conn| certificates_view(conn, &principal, &key, None, &meta))
                .await
                .map_err(|e| PageError::from_api(e, lang))?;
            let typed = pages::BatchValues {
                scope: form.scope,
                numbers: form.numbers,
                as_of: form.as_of,
            };
            Ok(certificates_response(
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                &view,
                &typed,
                &errors,
                false,
            ))
        }
        Err(e) => Err(PageError::from_api(e, lang)),
    }
}

fn batch_row(
    conn: &mut DbConnection,
    principal: &crate::auth::Principal,
    key: &str,
    id: &CertificateBatchId,
    meta: &RequestMeta,
) -> Result<
    (
        dar_db::tenants::TenantRow,
        TenantId,
        dar_db::certificates::BatchRow,
        crate::auth::Access,
    ),
    ApiError,
> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::ReadRegister, meta)?;
    let row = dar_db::certificates::batch(conn, &tenant_id, id)?;
    Ok((tenant, tenant_id, row, access))
}

/// A batch's progress: a progress bar that the script moves, a link to look again without
/// it, and the ZIP once the batch is done.
#[get("/c/{tenant}/certificate-batches/{id}")]
async fn batch_progress(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let batch_id: CertificateBatchId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let (tenant, row, chrome) = state
        .db(move |conn| {
            let (tenant, _, row, access) = batch_row(conn, &principal, &key, &batch_id, &meta)?;
            let chrome = super::support::chrome(conn, &principal, &tenant, &access, &meta)?;
            Ok((tenant, row, chrome))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let here = format!("/c/{}/certificate-batches/{}", tenant.slug, row.id);
    let status_url = format!("{here}/status");
    let zip = format!("{here}/certificates.zip");
    ok(pages::batch_page(
        &super::support::cooperative_frame(
            &user,
            t(lang, HolderText::BatchTitle),
            &here,
            chrome.banner.as_ref(),
        ),
        &pages::BatchPage {
            cooperative: &tenant.legal_name,
            slug: &tenant.slug,
            created_on: row.created_at.date(),
            as_of: row.as_of,
            status: BatchStatus::parse(&row.status),
            done: row.done,
            total: row.total,
            here: &here,
            status_url: &status_url,
            zip: &zip,
            tools: chrome.tools,
        },
    ))
}

#[derive(Serialize)]
struct BatchProgress {
    status: String,
    done: i64,
    total: i64,
}

/// A batch's progress as JSON, for the page's script.
#[get("/c/{tenant}/certificate-batches/{id}/status")]
async fn batch_status(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let batch_id: CertificateBatchId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let (_, _, row, _) = state
        .db(move |conn| batch_row(conn, &principal, &key, &batch_id, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(BatchProgress {
            status: row.status,
            done: row.done,
            total: row.total,
        }))
}

/// Every certificate of a finished batch as one ZIP, streamed as the API streams it.
#[get("/c/{tenant}/certificate-batches/{id}/certificates.zip")]
async fn batch_zip(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let batch_id: CertificateBatchId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let (_, tenant_id, row, _) = state
        .db(move |conn| batch_row(conn, &principal, &key, &batch_id, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    // Not done yet (or failed): its progress page says so.
    if crate::documents::require_done(&row).is_err() {
        return Err(PageError::NotFound { lang });
    }
    let stream = state
        .batches
        .stream_zip(tenant_id, batch_id)
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"certificates-{}.zip\"", row.id),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_numbers_are_read_with_ranges_as_people_type_them() {
        assert_eq!(
            register_numbers("1, 4, 10-12"),
            Some(vec![1, 4, 10, 11, 12])
        );
        assert_eq!(register_numbers("3;1 2,,3"), Some(vec![1, 2, 3]));
        for refused in ["", " , ", "0", "-3", "5-2", "1, drie", "1-20000", "2.5"] {
            assert_eq!(register_numbers(refused), None, "{refused:?}");
        }
    }
}
