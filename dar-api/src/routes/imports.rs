//! Imports over the API: upload a register (the file as the body), read the dry run's
//! report, change the mapping or the settings (a new dry run), and commit a clean one in the
//! background (see [`crate::imports`]).

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::imports::{self as service, Choices, MAX_FILE_BYTES, Report};
use crate::request::{RequestMeta, StrictJson, StrictQuery};
use crate::routes::{parse_path_id, tenant_access, tenant_event};
use crate::state::AppState;
use dar_core::ids::{ImportId, TenantId};
use dar_core::money::Money;
use dar_db::imports::{self, ImportRow, ImportSummary};
use dar_import::plan::Mode;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// `current` (a row per holder and class: one opening issue each on `effective_date`)
    /// or `history` (a row per dated issue, transfer, redemption or payment).
    pub mode: String,
    /// The date of the opening entries; required for `current`.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub effective_date: Option<NaiveDate>,
    /// The subscribed capital your own books show (`12500.00`): the report gives the
    /// difference, and an import that does not match it cannot be committed.
    pub control_total: Option<String>,
    /// `belgian` (1.250,00) or `english` (1,250.00); read from the file when left out.
    pub number_style: Option<String>,
    /// The file's name, as lists show it.
    pub file_name: Option<String>,
}

/// Changes to an import's mapping or settings; each starts a new dry run.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeImport {
    /// Header → field key (`last_name`, `shares`, …) or null to leave the column out.
    /// Saved for the cooperative's next import.
    pub mapping: Option<HashMap<String, Option<String>>>,
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub effective_date: Option<NaiveDate>,
    pub control_total: Option<String>,
    pub number_style: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Progress {
    /// Holders and entries written so far (the commit writes all of them at once, so a
    /// reader sees them only when it is `committed`).
    pub done: i64,
    pub total: i64,
}

/// An import: its settings, its dry run's report and its commit's progress.
#[derive(Serialize, ToSchema)]
pub struct ImportView {
    pub id: String,
    /// `checked` (dry run done), `queued`, `running`, `committed` or `failed` (the commit
    /// wrote nothing; `error` says why).
    pub status: String,
    pub mode: String,
    pub file_name: String,
    pub effective_date: Option<NaiveDate>,
    pub control_total: Option<String>,
    pub number_style: Option<String>,
    /// Only a clean dry run can be committed.
    pub clean: bool,
    pub progress: Progress,
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub report: Report,
}

fn view(row: &ImportSummary) -> ApiResult<ImportView> {
    let report: Report = serde_json::from_str(&row.report)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("import report: {e}")))?;
    Ok(ImportView {
        id: row.id.clone(),
        status: row.status.clone(),
        mode: row.mode.clone(),
        file_name: row.file_name.clone(),
        effective_date: row.effective_date,
        control_total: row
            .control_total_cents
            .and_then(|c| Money::from_cents(c).ok())
            .map(|m| m.to_string()),
        number_style: row.number_style.clone(),
        clean: row.clean,
        progress: Progress {
            done: row.done,
            total: row.total,
        },
        error: row.error.clone(),
        created_at: row.created_at.and_utc().to_rfc3339(),
        finished_at: row.finished_at.map(|t| t.and_utc().to_rfc3339()),
        report,
    })
}

fn location(tenant: &str, id: &str) -> String {
    format!("/api/v1/tenants/{tenant}/imports/{id}")
}

pub fn mode(raw: &str) -> ApiResult<Mode> {
    Mode::parse(raw).ok_or_else(|| ApiError::invalid("mode", "must be current or history"))
}

pub fn control_total(raw: Option<&str>) -> ApiResult<Option<i64>> {
    raw.map(|c| {
        Money::parse(c.trim())
            .map(Money::cents)
            .map_err(|e| ApiError::invalid("control_total", format!("{e} (like 12500.00)")))
    })
    .transpose()
}

pub fn number_style(raw: Option<&str>) -> ApiResult<Option<&'static str>> {
    raw.map(|s| {
        service::number_style(s)
            .map(service::number_style_key)
            .ok_or_else(|| ApiError::invalid("number_style", "must be belgian or english"))
    })
    .transpose()
}

/// What an upload asks for, checked.
pub struct Upload {
    pub file_name: String,
    pub file: Vec<u8>,
    pub mode: Mode,
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<i64>,
    pub number_style: Option<&'static str>,
}

/// Checks an uploaded file against the cooperative and keeps it with its report; the API
/// and the import page share it. Nothing in the register changes.
pub fn create_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    new: Upload,
) -> ApiResult<ImportSummary> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let saved = imports::mapping(conn, &tenant_id)?;
    // An Open Cap Format package holds the whole history, whatever was chosen.
    let mode = if dar_import::source::is_ocf(&new.file) {
        Mode::History
    } else {
        new.mode
    };
    let choices = Choices {
        mode,
        effective_date: new.effective_date,
        control_total_cents: new.control_total_cents,
        number_style: new.number_style.and_then(service::number_style),
        mapping: service::mapping_from_keys(saved),
    };
    let now = Utc::now();
    let today = dar_core::time::brussels_date(now);
    let file_sha256 = crate::documents::sha256_hex(&new.file);
    let packed = imports::pack(&new.file);
    let (report, checked) = service::dry_run(conn, &tenant, &tenant_id, new.file, &choices, today)?;
    let id = ImportId::new().to_string();
    let row = ImportRow {
        tenant_id: tenant_id.to_string(),
        id: id.clone(),
        mode: mode.as_str().into(),
        file_name: new.file_name,
        file_sha256,
        file: packed,
        effective_date: new.effective_date,
        control_total_cents: new.control_total_cents,
        number_style: new.number_style.map(str::to_string),
        mapping: service::mapping_json(&choices.mapping),
        report: serde_json::to_string(&report)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("import report: {e}")))?,
        clean: report.is_clean(),
        status: "checked".into(),
        total: (checked.holders + checked.entries) as i64,
        done: 0,
        attempt: 0,
        error: None,
        created_by: principal.user_id.to_string(),
        created_at: dar_db::to_db_time(now),
        heartbeat_at: None,
        finished_at: None,
    };
    let event = tenant_event(
        principal,
        &access,
        meta,
        &tenant.id,
        "import.uploaded",
        ("import", &id),
        serde_json::json!({
            "file_name": row.file_name,
            "bytes": row.file.len(),
            "rows": report.rows,
            "problems": report.problem_count,
        }),
    );
    dar_db::write_transaction(conn, |conn| {
        imports::create(conn, &row)?;
        dar_db::audit::record(conn, event, now)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(imports::summary(
        conn,
        &tenant_id,
        &id.parse().map_err(|_| ApiError::NotFound)?,
    )?)
}

/// Uploads a register (CSV in any encoding and delimiter, XLSX, or an Open Cap Format
/// package as a ZIP archive, which is always read as the full history) as the body and
/// checks it: the answer is the dry run's report. Nothing in the register changes until the
/// import is committed.
#[utoipa::path(post, operation_id = "upload_import", path = "/api/v1/tenants/{tenant}/imports", tag = "imports",
    params(("tenant" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 201, body = ImportView), (status = 422, body = crate::error::Problem), (status = 413, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/imports")]
pub async fn upload(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<UploadQuery>,
    request: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.0;
    let mode = mode(&q.mode)?;
    let control_total_cents = control_total(q.control_total.as_deref())?;
    let number_style = number_style(q.number_style.as_deref())?;
    let file_name = match q.file_name.as_deref() {
        Some(name) => dar_core::text::name(name, 200)
            .map_err(|e| ApiError::invalid("file_name", e.to_string()))?,
        None => match crate::request::media_type(&request).as_str() {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                "import.xlsx".into()
            }
            "application/zip" => "import.zip".into(),
            _ => "import.csv".into(),
        },
    };
    let file = crate::request::read_body(&request, payload, MAX_FILE_BYTES).await?;
    let upload = Upload {
        file_name,
        file,
        mode,
        effective_date: q.effective_date,
        control_total_cents,
        number_style,
    };
    let row = state
        .db(move |conn| create_in(conn, &principal, &meta, &key, upload))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location(&row.tenant_id, &row.id)))
        .json(view(&row)?))
}

/// A cooperative's latest imports, newest first (50 at most).
#[utoipa::path(get, operation_id = "list_imports", path = "/api/v1/tenants/{tenant}/imports", tag = "imports",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<ImportView>)))]
#[get("/tenants/{tenant}/imports")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let rows = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?;
            Ok(imports::recent(conn, &tenant_id, 50)?)
        })
        .await?;
    let views = rows.iter().map(view).collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(views))
}

/// An import: its report and, once committed, its progress.
#[utoipa::path(get, operation_id = "get_import", path = "/api/v1/tenants/{tenant}/imports/{id}", tag = "imports",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ImportView)))]
#[get("/tenants/{tenant}/imports/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: ImportId = parse_path_id(&id)?;
    let row = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?;
            Ok(imports::summary(conn, &tenant_id, &id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&row)?))
}

/// What a change asks for, checked against the file.
pub struct Recheck {
    pub mapping: Option<HashMap<String, Option<String>>>,
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<Option<i64>>,
    pub number_style: Option<Option<&'static str>>,
}

/// Changes an import's mapping or settings and checks it again; the mapping is saved for
/// the cooperative. The API and the import page share it.
pub fn change_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    id: &ImportId,
    wanted: Recheck,
) -> ApiResult<ImportSummary> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let row = imports::get(conn, &tenant_id, id)?;
    if !matches!(row.status.as_str(), "checked" | "failed") {
        return Err(ApiError::Conflict(format!(
            "the import is {}: it can no longer be changed",
            row.status
        )));
    }
    let mut choices = service::choices_of(&row)?;
    let now = Utc::now();
    let mut chosen = None;
    if let Some(mapping) = &wanted.mapping {
        let source = dar_import::source::read(&row.file)
            .map_err(|e| ApiError::invalid("file", e.to_string()))?;
        if source.format == dar_import::source::Format::Ocf {
            return Err(ApiError::invalid(
                "mapping",
                "an Open Cap Format package is read by its own fields: it takes no column mapping",
            ));
        }
        let picked = service::checked_choices(&source.headers, mapping)?;
        for (header, field) in &picked {
            choices.mapping.insert(header.clone(), *field);
        }
        chosen = Some(picked);
    }
    if let Some(date) = wanted.effective_date {
        choices.effective_date = Some(date);
    }
    if let Some(total) = wanted.control_total_cents {
        choices.control_total_cents = total;
    }
    if let Some(style) = wanted.number_style {
        choices.number_style = style.and_then(service::number_style);
    }
    let today = dar_core::time::brussels_date(now);
    let (report, checked) = service::dry_run(conn, &tenant, &tenant_id, row.file, &choices, today)?;
    let mapping = service::mapping_json(&choices.mapping);
    let report_json = serde_json::to_string(&report)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("import report: {e}")))?;
    let event = tenant_event(
        principal,
        &access,
        meta,
        &tenant.id,
        "import.checked",
        ("import", &row.id),
        serde_json::json!({ "problems": report.problem_count }),
    );
    let style = choices.number_style.map(service::number_style_key);
    dar_db::write_transaction(conn, |conn| {
        let stored = imports::recheck(
            conn,
            &tenant_id,
            id,
            &imports::Rechecked {
                effective_date: choices.effective_date,
                control_total_cents: choices.control_total_cents,
                number_style: style,
                mapping: &mapping,
                report: &report_json,
                clean: report.is_clean(),
                total: (checked.holders + checked.entries) as i64,
            },
        )?;
        if !stored {
            return Err(ApiError::Conflict(
                "the import was committed meanwhile: it can no longer be changed".into(),
            ));
        }
        if let Some(picked) = &chosen {
            let saved: Vec<(String, Option<String>)> = picked
                .iter()
                .map(|(h, f)| (h.clone(), f.map(|f| f.key().to_string())))
                .collect();
            imports::save_mapping(conn, &tenant_id, &saved, now)?;
        }
        dar_db::audit::record(conn, event, now)?;
        Ok(())
    })?;
    Ok(imports::summary(conn, &tenant_id, id)?)
}

/// Changes the mapping (header → field), the date of the opening entries, the control
/// total or the number style, and checks the file again.
#[utoipa::path(patch, operation_id = "change_import", path = "/api/v1/tenants/{tenant}/imports/{id}", tag = "imports",
    params(("tenant" = String, Path), ("id" = String, Path)),
    request_body = ChangeImport,
    responses((status = 200, body = ImportView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/tenants/{tenant}/imports/{id}")]
pub async fn change(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: StrictJson<ChangeImport>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: ImportId = parse_path_id(&id)?;
    let b = body.0;
    let change = Recheck {
        mapping: b.mapping,
        effective_date: b.effective_date,
        control_total_cents: match b.control_total.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(c) => Some(control_total(Some(c))?),
        },
        number_style: match b.number_style.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(s) => Some(number_style(Some(s))?),
        },
    };
    let row = state
        .db(move |conn| change_in(conn, &principal, &meta, &key, &id, change))
        .await?;
    Ok(HttpResponse::Ok().json(view(&row)?))
}

/// Queues a clean import for commit, inside a write on the cooperative. Asking again for one
/// queued, running or committed answers what it is. The API and the import page share it.
pub fn commit_in(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    id: &ImportId,
) -> ApiResult<(TenantId, ImportSummary, bool)> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let row = imports::summary(conn, &tenant_id, id)?;
    match row.status.as_str() {
        "queued" | "running" | "committed" => return Ok((tenant_id, row, false)),
        "failed" => {
            return Err(ApiError::Conflict(format!(
                "the commit failed and wrote nothing ({}); check the import again before committing",
                row.error.as_deref().unwrap_or("no reason recorded")
            )));
        }
        _ => {}
    }
    if !row.clean {
        return Err(ApiError::Conflict(
            "the dry run found problems: correct the file or the mapping, then commit".into(),
        ));
    }
    let event = tenant_event(
        principal,
        &access,
        meta,
        &tenant.id,
        "import.commit_requested",
        ("import", &row.id),
        serde_json::Value::Null,
    );
    let queued = dar_db::write_transaction(conn, |conn| {
        let queued = imports::queue(conn, &tenant_id, id)?;
        if queued {
            dar_db::audit::record(conn, event, Utc::now())?;
        }
        Ok::<_, ApiError>(queued)
    })?;
    Ok((tenant_id, imports::summary(conn, &tenant_id, id)?, queued))
}

/// Commits a clean import in the background: all of it or, if it fails, nothing. Follow
/// the import for its progress. Committing again answers the same import.
#[utoipa::path(post, operation_id = "commit_import", path = "/api/v1/tenants/{tenant}/imports/{id}/commit", tag = "imports",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 202, body = ImportView), (status = 200, body = ImportView), (status = 409, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/imports/{id}/commit")]
pub async fn commit(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: ImportId = parse_path_id(&id)?;
    let (tenant_id, row, queued) = state
        .db(move |conn| commit_in(conn, &principal, &meta, &key, &id))
        .await?;
    if queued {
        state.imports.spawn(tenant_id, id);
    }
    let mut response = if row.status == "committed" {
        HttpResponse::Ok()
    } else {
        HttpResponse::Accepted()
    };
    Ok(response
        .insert_header((header::LOCATION, location(&row.tenant_id, &row.id)))
        .json(view(&row)?))
}
