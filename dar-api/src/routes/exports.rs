//! Downloads of the register, the ledger and the shareholder list as CSV or XLSX, streamed
//! (see [`crate::exports`]). Each download is an audit event: it hands personal data out.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::exports::{Download, Export};
use crate::request::{RequestMeta, StrictQuery};
use crate::routes::holdings::moment;
use crate::state::{AppState, Change};
use dar_documents::tabular::{CsvDialect, Format};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// For CSV: `excel` (the default: UTF-8 with a byte order mark, `;`, decimal comma,
    /// dd/mm/yyyy, as Excel opens it in Belgium) or `rfc4180` (`,`, decimal point, ISO dates).
    pub dialect: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegisterExportQuery {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// For CSV: `excel` (the default) or `rfc4180`.
    pub dialect: Option<String>,
    /// The register at the end of this date; default today.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
    /// Count only entries 1..N: the register as it was known after entry N.
    pub as_of_seq: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodExportQuery {
    /// The first day of the period (entries effective from this day).
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub from: NaiveDate,
    /// The last day of the period, included.
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub to: NaiveDate,
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// For CSV: `excel` (the default) or `rfc4180`.
    pub dialect: Option<String>,
}

/// The names a download's `format` takes (the OpenAPI document lists them).
pub(crate) const FORMATS: [&str; 2] = ["csv", "xlsx"];

pub(crate) fn format(format: Option<&str>, dialect: Option<&str>) -> ApiResult<Format> {
    match (format.unwrap_or("csv"), dialect) {
        ("csv", dialect) => Ok(Format::Csv(match dialect {
            None => CsvDialect::Excel,
            Some(d) => CsvDialect::parse(d)
                .ok_or_else(|| ApiError::invalid("dialect", "must be excel or rfc4180"))?,
        })),
        ("xlsx", None) => Ok(Format::Xlsx),
        ("xlsx", Some(_)) => Err(ApiError::invalid(
            "dialect",
            "applies to CSV only; leave it out for xlsx",
        )),
        _ => Err(ApiError::invalid("format", "must be csv or xlsx")),
    }
}

/// Authorizes, records the download, and streams it; the web application's downloads
/// come through here too.
pub(crate) async fn download(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    tenant_key: String,
    download: impl FnOnce(&dar_db::tenants::TenantRow) -> ApiResult<Download> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let (tenant_id, slug, download) = state
        .tenant_write(
            principal,
            meta,
            tenant_key,
            Need::ReadRegister,
            move |_, scope| {
                let download = download(&scope.tenant)?;
                Ok(Change {
                    action: "register.exported",
                    object: ("export", download.name().to_string()),
                    details: Some(download.details()),
                    value: (scope.id, scope.tenant.slug.clone(), download),
                })
            },
        )
        .await?;
    let (content_type, extension) = download.content();
    let file = format!("{slug}-{}-{}.{extension}", download.name(), download.date());
    let db = state.db.clone();
    let stream = crate::streaming::from_thread("dar-export", move |out| {
        let mut conn = db.conn()?;
        let written = crate::exports::write(&mut conn, &tenant_id, download, out);
        if written.is_err() {
            conn.mark_suspect();
        }
        written.map(drop)
    });
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .streaming(stream))
}

/// The register as of a moment: each holding with its holder's name and address, shares,
/// subscribed, paid-up and unpaid capital.
#[utoipa::path(get, operation_id = "export_register", path = "/api/v1/tenants/{tenant}/exports/register", tag = "register",
    params(("tenant" = String, Path), RegisterExportQuery),
    responses((status = 200, description = "The table as CSV or XLSX, as a download.",
        content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/tenants/{tenant}/exports/register")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<RegisterExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = format(q.format.as_deref(), q.dialect.as_deref())?;
    let (as_of, as_of_seq) = (q.as_of, q.as_of_seq);
    download(state, principal, meta, path.into_inner(), move |tenant| {
        Ok(Download::Table(
            Export::Register(moment(tenant, as_of, as_of_seq)?),
            format,
        ))
    })
    .await
}

/// Every ledger entry in sequence order, with both holders' register numbers and names;
/// a reversal's shares and amounts are negative.
#[utoipa::path(get, operation_id = "export_ledger", path = "/api/v1/tenants/{tenant}/exports/ledger", tag = "register",
    params(("tenant" = String, Path), ExportQuery),
    responses((status = 200, description = "The table as CSV or XLSX, as a download.",
        content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/tenants/{tenant}/exports/ledger")]
pub async fn ledger(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = format(q.format.as_deref(), q.dialect.as_deref())?;
    download(state, principal, meta, path.into_inner(), move |_| {
        Ok(Download::Table(Export::Ledger, format))
    })
    .await
}

/// Every shareholder by register number, with contact details, status and dates.
#[utoipa::path(get, operation_id = "export_shareholders", path = "/api/v1/tenants/{tenant}/exports/shareholders", tag = "register",
    params(("tenant" = String, Path), ExportQuery),
    responses((status = 200, description = "The table as CSV or XLSX, as a download.",
        content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/tenants/{tenant}/exports/shareholders")]
pub async fn shareholders(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = format(q.format.as_deref(), q.dialect.as_deref())?;
    download(state, principal, meta, path.into_inner(), move |_| {
        Ok(Download::Table(Export::Shareholders, format))
    })
    .await
}

/// What the entries effective in a period did to each holder's capital, for a bookkeeping
/// import: date, holder, class, subscribed, paid-up and repaid capital, a line per holder
/// an entry moves (a transfer gives two, a reversal the cancelled entry's lines negated).
#[utoipa::path(get, operation_id = "export_capital_movements", path = "/api/v1/tenants/{tenant}/exports/capital-movements", tag = "register",
    params(("tenant" = String, Path), PeriodExportQuery),
    responses((status = 200, description = "The table as CSV or XLSX, as a download.",
        content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
#[get("/tenants/{tenant}/exports/capital-movements")]
pub async fn capital_movements(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<PeriodExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = format(q.format.as_deref(), q.dialect.as_deref())?;
    if q.to < q.from {
        return Err(ApiError::invalid("to", "must not be before from"));
    }
    let (from, to) = (q.from, q.to);
    download(state, principal, meta, path.into_inner(), move |_| {
        Ok(Download::Table(
            Export::CapitalMovements { from, to },
            format,
        ))
    })
    .await
}

/// The whole cooperative in Open Cap Format 1.2: a ZIP archive with `Manifest.ocf.json`,
/// `StockClasses.ocf.json`, `Transactions.ocf.json` and `Stakeholders.ocf.json`. Entries
/// become stock issuances, transfers and repurchases; a holder's securities are consumed
/// first issued, first out; paid-up capital, payments and exact repayments (which OCF has
/// no field for) are in the objects' `comments`, on lines starting `dar:`. Reversed entries
/// and their reversals are left out. The import reads the package back.
#[utoipa::path(get, operation_id = "export_ocf", path = "/api/v1/tenants/{tenant}/exports/ocf", tag = "register",
    params(("tenant" = String, Path)),
    responses((status = 200, description = "The OCF package, a ZIP archive, as a download.",
        content((Vec<u8> = "application/zip")))))]
#[get("/tenants/{tenant}/exports/ocf")]
pub async fn ocf(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let as_of = dar_core::time::brussels_date(Utc::now());
    download(state, principal, meta, path.into_inner(), move |_| {
        Ok(Download::Ocf { as_of })
    })
    .await
}
