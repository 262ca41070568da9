//! The import pages: upload a register, read the dry run's report, change the mapping, and
//! commit with a progress bar. Each step is the API's own (`routes::imports`), so the pages
//! and integrators get the same checks.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;

use super::session::WebUser;
use super::{PageError, PageResult, checked_form, html_response, multipart, read_form, see_other};
use crate::auth::{Need, Principal};
use crate::error::ApiError;
use crate::imports::{MAX_FILE_BYTES, Report};
use crate::request::RequestMeta;
use crate::routes::imports::{Recheck, Upload, change_in, commit_in, create_in};
use crate::routes::{parse_path_id, tenant_access};
use crate::state::AppState;
use dar_core::ids::ImportId;
use dar_core::types::Language;
use dar_db::DbConnection;
use dar_db::imports::{self as store, ImportSummary};
use dar_import::plan::Mode;
use dar_web::forms::{FieldErrors, parse_amount, parse_date};
use dar_web::i18n::t;
use dar_web::imports::{self as pages, ImportStatus, ImportText, UploadValues};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(upload)
        .service(progress)
        .service(check)
        .service(commit)
        .service(show);
}

/// The cooperative and the user's chrome, for an importing page.
struct Coop {
    name: String,
    slug: String,
    chrome: super::support::Chrome,
}

fn coop(
    conn: &mut DbConnection,
    principal: &Principal,
    key: &str,
    meta: &RequestMeta,
) -> Result<(Coop, dar_core::ids::TenantId), ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let chrome = super::support::chrome(conn, principal, &tenant, &access, meta)?;
    Ok((
        Coop {
            name: tenant.legal_name,
            slug: tenant.slug,
            chrome,
        },
        tenant_id,
    ))
}

fn render_list(
    user: &WebUser,
    coop: &Coop,
    imports: &[ImportSummary],
    values: UploadValues,
    errors: FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    let lang = user.lang;
    let here = format!("/c/{}/imports", coop.slug);
    let lines = imports
        .iter()
        .map(|row| pages::ImportLine {
            id: row.id.clone(),
            file_name: row.file_name.clone(),
            uploaded_on: dar_core::time::brussels_date(row.created_at.and_utc()),
            history: row.mode == "history",
            status: ImportStatus::parse(&row.status),
            problems: serde_json::from_str::<Report>(&row.report)
                .map(|r| r.problem_count)
                .unwrap_or_default(),
        })
        .collect();
    html_response(
        status,
        pages::imports_page(
            &super::support::cooperative_frame(
                user,
                t(lang, ImportText::Title),
                &here,
                coop.chrome.banner.as_ref(),
            ),
            &pages::ImportsPage {
                cooperative: &coop.name,
                slug: &coop.slug,
                csrf: &user.csrf,
                values,
                errors,
                imports: lines,
                tools: coop.chrome.tools,
            },
        ),
    )
}

async fn list_page(
    state: &AppState,
    user: &WebUser,
    meta: RequestMeta,
    key: String,
    values: UploadValues,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let principal = user.principal.clone();
    let (coop, imports) = state
        .db(move |conn| {
            let (coop, tenant_id) = coop(conn, &principal, &key, &meta)?;
            Ok((coop, store::recent(conn, &tenant_id, 20)?))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(render_list(user, &coop, &imports, values, errors, status))
}

#[get("/c/{tenant}/imports")]
async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
) -> PageResult {
    list_page(
        &state,
        &user,
        meta,
        path.into_inner(),
        UploadValues::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Room for the form's other fields and the part headers around the file.
const FORM_OVERHEAD_BYTES: usize = 16 * 1024;

/// A date and an amount typed the Belgian way; the errors by field.
fn settings_from(
    lang: Language,
    date: &str,
    control: &str,
    errors: &mut FieldErrors,
) -> (Option<chrono::NaiveDate>, Option<i64>) {
    let date = date.trim();
    let effective_date = if date.is_empty() {
        None
    } else {
        let parsed = parse_date(date);
        if parsed.is_none() {
            errors.add("effective_date", t(lang, ImportText::NotADate));
        }
        parsed
    };
    let control = control.trim();
    let control_total = if control.is_empty() {
        None
    } else {
        let parsed = parse_amount(lang, control);
        if parsed.is_none() {
            errors.add("control_total", t(lang, ImportText::NotAnAmount));
        }
        parsed
    };
    (effective_date, control_total)
}

/// The API's refusal of an upload or a change, by field, in the user's language.
fn refusal(lang: Language, e: ApiError) -> Result<FieldErrors, PageError> {
    let mut errors = FieldErrors::default();
    match &e {
        ApiError::TooLarge { .. } => errors.add("file", t(lang, ImportText::FileTooLarge)),
        ApiError::Validation { errors: found, .. } if !found.is_empty() => {
            for problem in found {
                match problem.field.as_str() {
                    "file" => errors.add("file", t(lang, ImportText::NotARegister)),
                    "effective_date" => errors.add("effective_date", t(lang, ImportText::NotADate)),
                    "control_total" => {
                        errors.add("control_total", t(lang, ImportText::NotAnAmount))
                    }
                    _ => return Err(PageError::BadForm { lang }),
                }
            }
        }
        _ => return Err(PageError::from_api(e, lang)),
    }
    Ok(errors)
}

#[post("/c/{tenant}/imports")]
async fn upload(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> PageResult {
    let lang = user.lang;
    let key = path.into_inner();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(PageError::BadForm { lang })?;
    let body = match crate::request::read_body(&req, payload, MAX_FILE_BYTES + FORM_OVERHEAD_BYTES)
        .await
    {
        Ok(body) => body,
        Err(ApiError::TooLarge { .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("file", t(lang, ImportText::FileTooLarge));
            return list_page(
                &state,
                &user,
                meta,
                key,
                UploadValues::default(),
                errors,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
        Err(_) => return Err(PageError::BadForm { lang }),
    };
    let parts = multipart::parse(&body, &boundary).ok_or(PageError::BadForm { lang })?;
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .and_then(|p| std::str::from_utf8(&p.data).ok())
            .unwrap_or("")
    };
    if !user.csrf_matches(text("csrf")) {
        return Err(PageError::Forbidden { lang });
    }
    let values = UploadValues {
        history: text("mode") == "history",
        effective_date: text("effective_date").to_string(),
        control_total: text("control_total").to_string(),
    };
    let mut errors = FieldErrors::default();
    let (effective_date, control_total_cents) = settings_from(
        lang,
        &values.effective_date,
        &values.control_total,
        &mut errors,
    );
    let file = parts
        .into_iter()
        .find(|p| p.name == "file" && p.filename.is_some())
        .filter(|p| !p.data.is_empty());
    let Some(file) = file else {
        errors.add("file", t(lang, ImportText::FileMissing));
        return list_page(
            &state,
            &user,
            meta,
            key,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !errors.is_empty() {
        return list_page(
            &state,
            &user,
            meta,
            key,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let file_name = file
        .filename
        .as_deref()
        .and_then(|n| dar_core::text::name(n, 200).ok())
        .unwrap_or_else(|| "import".into());
    let new = Upload {
        file_name,
        file: file.data,
        mode: if values.history {
            Mode::History
        } else {
            Mode::Current
        },
        effective_date,
        control_total_cents,
        number_style: None,
    };
    let principal = user.principal.clone();
    let (k, m) = (key.clone(), meta.clone());
    let created = state
        .db(move |conn| create_in(conn, &principal, &m, &k, new))
        .await;
    match created {
        Ok(row) => Ok(see_other(&format!("/c/{key}/imports/{}", row.id))),
        Err(e) => {
            let errors = refusal(lang, e)?;
            list_page(
                &state,
                &user,
                meta,
                key,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn import_id(lang: Language, id: &str) -> Result<ImportId, PageError> {
    parse_path_id(id).map_err(|_| PageError::NotFound { lang })
}

async fn read_import(
    state: &AppState,
    user: &WebUser,
    meta: RequestMeta,
    key: String,
    id: ImportId,
) -> Result<(Coop, ImportSummary), PageError> {
    let lang = user.lang;
    let principal = user.principal.clone();
    state
        .db(move |conn| {
            let (coop, tenant_id) = coop(conn, &principal, &key, &meta)?;
            Ok((coop, store::summary(conn, &tenant_id, &id)?))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))
}

fn money_text(lang: Language, cents: Option<i64>) -> String {
    cents.map_or_else(String::new, |c| {
        dar_web::i18n::money(lang, c)
            .trim_start_matches('€')
            .trim_end_matches(" €")
            .trim()
            .to_string()
    })
}

fn cents(s: &str) -> i64 {
    let negative = s.starts_with('-');
    let c = dar_core::money::Money::parse(s.trim_start_matches('-')).map_or(0, |m| m.cents());
    if negative { -c } else { c }
}

fn render_import(
    user: &WebUser,
    coop: &Coop,
    row: &ImportSummary,
    errors: FieldErrors,
    changed: bool,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let report: Report = serde_json::from_str(&row.report).map_err(|e| {
        PageError::from_api(
            ApiError::Internal(anyhow::anyhow!("import report: {e}")),
            lang,
        )
    })?;
    let here = format!("/c/{}/imports/{}", coop.slug, row.id);
    let ocf = report.format == "ocf";
    let read_as = match (&report.encoding, &report.delimiter) {
        (Some(encoding), Some(delimiter)) => format!("CSV ({encoding}, “{delimiter}”)"),
        _ if ocf => "Open Cap Format".to_string(),
        _ => "XLSX".to_string(),
    };
    let page = pages::ImportPage {
        cooperative: &coop.name,
        slug: &coop.slug,
        csrf: &user.csrf,
        here: &here,
        file_name: &row.file_name,
        history: row.mode == "history",
        uploaded_on: dar_core::time::brussels_date(row.created_at.and_utc()),
        status: ImportStatus::parse(&row.status),
        error: row.error.as_deref(),
        read_as,
        rows: report.rows,
        holders: report.holders,
        entries: report.entries,
        done: row.done,
        total: row.total,
        totals: report
            .totals
            .iter()
            .map(|total| pages::TotalLine {
                share_class: total.share_class.clone(),
                holders: total.holders,
                shares: total.shares,
                subscribed_cents: cents(&total.subscribed),
                paid_cents: cents(&total.paid_up),
            })
            .collect(),
        subscribed_cents: cents(&report.subscribed_total),
        control_cents: row.control_total_cents,
        difference_cents: report.control_difference.as_deref().map(cents),
        problems: report
            .problems
            .iter()
            .map(|p| pages::ProblemLine {
                line: p.line,
                column: p.column.clone(),
                header: p.header.clone(),
                message: match &p.object {
                    Some(object) => format!("{object}: {}", p.message),
                    None => p.message.clone(),
                },
            })
            .collect(),
        problem_count: report.problem_count,
        fixed_columns: ocf,
        columns: report
            .columns
            .iter()
            .map(|c| pages::ColumnLine {
                column: c.column.clone(),
                header: c.header.clone(),
                field: c.field.clone(),
            })
            .collect(),
        effective_date: row
            .effective_date
            .map(dar_web::i18n::date)
            .unwrap_or_default(),
        control_total: money_text(lang, row.control_total_cents),
        errors,
        changed,
        tools: coop.chrome.tools,
    };
    Ok(html_response(
        status,
        pages::import_page(
            &super::support::cooperative_frame(
                user,
                t(lang, ImportText::Title),
                &here,
                coop.chrome.banner.as_ref(),
            ),
            &page,
        ),
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowQuery {
    changed: Option<String>,
}

#[get("/c/{tenant}/imports/{id}")]
async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: ShowQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let (key, id) = path.into_inner();
    let id = import_id(lang, &id)?;
    let (coop, row) = read_import(&state, &user, meta, key, id).await?;
    render_import(
        &user,
        &coop,
        &row,
        FieldErrors::default(),
        query.changed.is_some(),
        StatusCode::OK,
    )
}

/// A commit's progress, as the page's script follows it.
#[derive(Serialize)]
struct ProgressView {
    status: &'static str,
    done: i64,
    total: i64,
}

#[get("/c/{tenant}/imports/{id}/status")]
async fn progress(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let id = import_id(lang, &id)?;
    let (_, row) = read_import(&state, &user, meta, key, id).await?;
    let status = match row.status.as_str() {
        "running" => "running",
        "committed" => "done",
        "failed" => "failed",
        _ => "queued",
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ProgressView {
            status,
            done: row.done,
            total: row.total,
        }))
}

/// The mapping form: `header-N` and `field-N` per column, the date and the control total.
#[post("/c/{tenant}/imports/{id}/check")]
async fn check(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: HashMap<String, String> = read_form(&user, &body)?;
    let (key, id) = path.into_inner();
    let id = import_id(lang, &id)?;
    let mut mapping: HashMap<String, Option<String>> = HashMap::new();
    for (name, header) in &form {
        let Some(n) = name.strip_prefix("header-") else {
            continue;
        };
        let field = form
            .get(&format!("field-{n}"))
            .filter(|f| !f.is_empty())
            .cloned();
        mapping.insert(header.clone(), field);
    }
    let text = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let mut errors = FieldErrors::default();
    let (effective_date, control_total_cents) = settings_from(
        lang,
        text("effective_date"),
        text("control_total"),
        &mut errors,
    );
    let rerender = |errors: FieldErrors| async {
        let (coop, row) = read_import(&state, &user, meta.clone(), key.clone(), id).await?;
        render_import(
            &user,
            &coop,
            &row,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !errors.is_empty() {
        return rerender(errors).await;
    }
    let wanted = Recheck {
        // A form without columns (an OCF package's) changes no mapping.
        mapping: (!mapping.is_empty()).then_some(mapping),
        effective_date,
        control_total_cents: Some(control_total_cents),
        number_style: None,
    };
    let principal = user.principal.clone();
    let (k, m) = (key.clone(), meta.clone());
    let changed = state
        .db(move |conn| change_in(conn, &principal, &m, &k, &id, wanted))
        .await;
    match changed {
        Ok(_) => Ok(see_other(&format!("/c/{key}/imports/{id}?changed=1"))),
        // Committed meanwhile: the page shows what it became.
        Err(ApiError::Conflict(_)) => Ok(see_other(&format!("/c/{key}/imports/{id}"))),
        Err(e) => {
            let errors = refusal(lang, e)?;
            rerender(errors).await
        }
    }
}

#[post("/c/{tenant}/imports/{id}/commit")]
async fn commit(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    checked_form(&user, &body)?;
    let (key, id) = path.into_inner();
    let id = import_id(lang, &id)?;
    let principal = user.principal.clone();
    let k = key.clone();
    let committed = state
        .db(move |conn| commit_in(conn, &principal, &meta, &k, &id))
        .await;
    match committed {
        Ok((tenant_id, _, queued)) => {
            if queued {
                state.imports.spawn(tenant_id, id);
            }
            Ok(see_other(&format!("/c/{key}/imports/{id}")))
        }
        // Not clean, or failed: the page says why.
        Err(ApiError::Conflict(_)) => Ok(see_other(&format!("/c/{key}/imports/{id}"))),
        Err(e) => Err(PageError::from_api(e, lang)),
    }
}

#[cfg(test)]
mod tests {
    use dar_import::columns::Field;

    #[test]
    fn the_mapping_offers_every_field_the_import_reads() {
        let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        let offered: Vec<&str> = dar_web::imports::field_keys().collect();
        assert_eq!(keys, offered);
    }
}
