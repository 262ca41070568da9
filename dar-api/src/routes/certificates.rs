//! Share certificates: issuing, listing, downloading, public verification, and batches.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Need, Principal, authorize};
use crate::documents::{self, as_of_or_today, certificate_pdf, verify_base};
use crate::error::{ApiError, ApiResult};
use crate::request::{RequestMeta, StrictJson, StrictQuery};
use crate::routes::{Page, cursor_key, next_cursor, page_limit, parse_path_id, tenant_access};
use crate::state::{AppState, Change, Scope};
use crate::validate::{HolderRef, holder_ref_schema, holder_refs_schema, resolve_holders};
use dar_core::documents::CertificateContent;
use dar_core::ids::{CertificateBatchId, CertificateId, ShareholderId, TenantId, UserId};
use dar_core::types::Role;
use dar_db::DbConnection;
use dar_db::certificates::{self, BatchRow, CertificateRow, IssueContext};
use dar_db::ledger::Moment;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueCertificate {
    /// The shareholder's id, or their register number (a JSON number).
    #[schema(schema_with = holder_ref_schema)]
    pub shareholder_id: HolderRef,
    /// The date the holdings are shown for; default today (Brussels).
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificateView {
    pub id: String,
    pub number: i64,
    pub shareholder_id: String,
    pub as_of: NaiveDate,
    /// The ledger entries it reflects: 1..=ledger_seq (0 when the ledger was empty).
    pub ledger_seq: i64,
    pub ledger_hash: String,
    pub language: String,
    pub pdf_sha256: String,
    /// The certificate this one replaced.
    pub supersedes: Option<String>,
    pub issued_at: String,
    pub verify_url: String,
    pub pdf_url: String,
}

fn view(state: &AppState, row: &CertificateRow) -> CertificateView {
    CertificateView {
        id: row.id.clone(),
        number: row.number,
        shareholder_id: row.shareholder_id.clone(),
        as_of: row.as_of,
        ledger_seq: row.ledger_seq.unwrap_or(0),
        ledger_hash: row
            .ledger_hash
            .clone()
            .unwrap_or_else(|| dar_core::chain::GENESIS_HASH.to_string()),
        language: row.language.clone(),
        pdf_sha256: row.pdf_sha256.clone(),
        supersedes: row.supersedes.clone(),
        issued_at: row.issued_at.and_utc().to_rfc3339(),
        verify_url: format!("{}{}", verify_base(&state.settings.public_url), row.id),
        pdf_url: format!(
            "/api/v1/tenants/{}/certificates/{}/pdf",
            row.tenant_id, row.id
        ),
    }
}

/// Issues a certificate for one shareholder; it supersedes their current one. A shareholder
/// may ask for their own, as of today, when the cooperative lets them; when their current
/// certificate already states today's register, they get that one back (200).
#[utoipa::path(post, operation_id = "issue_certificate", path = "/api/v1/tenants/{tenant}/certificates", tag = "documents",
    request_body = IssueCertificate, params(("tenant" = String, Path, description = "id or slug")),
    responses((status = 201, body = CertificateView), (status = 200, body = CertificateView),
              (status = 422, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/certificates")]
pub async fn issue(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<IssueCertificate>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let b = body.0;
    let as_of = as_of_or_today(b.as_of)?;
    // A shareholder names themselves by id; register numbers are the keepers' shorthand.
    let need = match b.shareholder_id {
        HolderRef::Id(id) => Need::RequestCertificate(id),
        HolderRef::Number(_) => Need::WriteRegister,
    };
    let app = state.clone();
    let issued_by = principal.user_id;
    let answer = state
        .tenant_write(principal, meta, key, need, move |conn, scope| {
            let refs = [("shareholder_id".to_string(), b.shareholder_id)];
            let holder = resolve_holders(conn, &scope.id, &refs)?[0];
            issue_one(conn, &app, scope, holder, as_of, issued_by)
        })
        .await?;
    if answer.issued {
        state.mail.wake();
    }
    let v = view(&state, &answer.row);
    let mut response = if answer.issued {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((header::LOCATION, v.pdf_url.clone()))
        .json(v))
}

/// What asking for one certificate gave.
pub struct Answer {
    pub row: CertificateRow,
    /// False when the holder's current certificate was given back instead.
    pub issued: bool,
}

/// Issues one certificate for `holder` as of `as_of`, inside a write on `scope` (the API's
/// issue and the pages share it). A shareholder asking for their own gets one as of today,
/// and their current certificate back when it already states today's register.
pub(crate) fn issue_one(
    conn: &mut DbConnection,
    app: &AppState,
    scope: &Scope,
    holder: ShareholderId,
    as_of: NaiveDate,
    issued_by: UserId,
) -> ApiResult<Change<Answer>> {
    let tenant_id = scope.id;
    let holders = certificates::holders_by_id(conn, &tenant_id, &[holder.to_string()])?;
    let Some(row) = holders.first() else {
        return Err(ApiError::invalid(
            "shareholder_id",
            "this cooperative has no such shareholder",
        ));
    };
    let now = Utc::now();
    let today = dar_core::time::brussels_date(now);
    if scope.access.role == Role::Shareholder {
        if as_of != today {
            return Err(ApiError::invalid(
                "as_of",
                "a shareholder asks for a certificate as of today",
            ));
        }
        let latest = certificates::of_holder(conn, &tenant_id, &row.id)?;
        if let Some(current) = latest.into_iter().next()
            && certificates::still_current(conn, &scope.tenant, row, &current, today)?
        {
            return Ok(Change {
                action: "certificate.requested",
                object: ("certificate", current.id.clone()),
                details: Some(serde_json::json!({
                    "number": current.number,
                    "shareholder_id": current.shareholder_id,
                    "still_current": true,
                })),
                value: Answer {
                    row: current,
                    issued: false,
                },
            });
        }
    }
    let base = verify_base(&app.settings.public_url);
    let ctx = IssueContext {
        tenant: tenant_id,
        as_of,
        issued_on: today,
        issued_by,
        batch: None,
        verify_base: &base,
        now,
    };
    let mut rows = documents::issue(conn, &app.images, &ctx, &holders)?;
    crate::mail::enqueue_certificates_ready(
        conn,
        &app.settings.public_url,
        &tenant_id,
        &rows,
        now,
    )?;
    let row = rows
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("nothing was issued")))?;
    Ok(Change {
        action: "certificate.issued",
        object: ("certificate", row.id.clone()),
        details: Some(serde_json::json!({
            "number": row.number,
            "shareholder_id": row.shareholder_id,
            "as_of": row.as_of,
            "supersedes": row.supersedes,
        })),
        value: Answer { row, issued: true },
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    /// Only this shareholder's certificates.
    pub shareholder_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The cooperative's certificates, by number.
#[utoipa::path(get, operation_id = "list_certificates", path = "/api/v1/tenants/{tenant}/certificates", tag = "documents",
    params(("tenant" = String, Path), CertificateQuery),
    responses((status = 200, body = Page<CertificateView>)))]
#[get("/tenants/{tenant}/certificates")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<CertificateQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after: i64 = cursor_key(q.cursor.as_deref())?.unwrap_or(0);
    let holder = q
        .shareholder_id
        .map(|s| {
            s.parse::<ShareholderId>()
                .map(|h| h.to_string())
                .map_err(|_| ApiError::invalid("shareholder_id", "not a shareholder id"))
        })
        .transpose()?;
    let app = state.clone();
    let page = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let rows = certificates::list(conn, &tenant_id, holder.as_deref(), after, limit)?;
            let next_cursor = next_cursor(&rows, limit, |r| r.number);
            Ok(Page {
                items: rows.iter().map(|r| view(&app, r)).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Loads a certificate of the tenant and checks the caller may see it: the tenant's
/// admins and viewers, and the holder it was issued to.
pub(crate) fn readable_certificate(
    conn: &mut DbConnection,
    principal: &Principal,
    meta: &RequestMeta,
    key: &str,
    id: &CertificateId,
) -> ApiResult<CertificateRow> {
    let tenant = dar_db::tenants::find(conn, key)?;
    let tenant_id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    // A certificate's id is printed on it, so whoever knows it has seen the certificate:
    // saying that it exists before checking access gives nothing away.
    let row = certificates::get(conn, &tenant_id, id)?;
    let holder: ShareholderId = row.shareholder_id.parse().map_err(ApiError::internal)?;
    authorize(
        conn,
        principal,
        &tenant,
        Need::ReadShareholder(holder),
        meta,
    )?;
    Ok(row)
}

/// One certificate's record.
#[utoipa::path(get, operation_id = "get_certificate", path = "/api/v1/tenants/{tenant}/certificates/{id}", tag = "documents",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = CertificateView)))]
#[get("/tenants/{tenant}/certificates/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: CertificateId = parse_path_id(&id)?;
    let row = state
        .db(move |conn| readable_certificate(conn, &principal, &meta, &key, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view(&state, &row)))
}

/// The certificate as PDF, exactly as it was issued.
#[utoipa::path(get, operation_id = "get_certificate_pdf", path = "/api/v1/tenants/{tenant}/certificates/{id}/pdf", tag = "documents",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
#[get("/tenants/{tenant}/certificates/{id}/pdf")]
pub async fn pdf(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: CertificateId = parse_path_id(&id)?;
    let app = state.clone();
    let (row, bytes) = state
        .db(move |conn| {
            let row = readable_certificate(conn, &principal, &meta, &key, &id)?;
            let bytes = certificate_pdf(conn, &app.images, &row)?;
            Ok((row, bytes))
        })
        .await?;
    let content: CertificateContent = row.content()?;
    Ok(pdf_response(
        bytes,
        &documents::file_name(&content),
        Some(&row.pdf_sha256),
    ))
}

/// A PDF download with its file name (and, for a recorded document, its hash as ETag).
pub fn pdf_response(bytes: Vec<u8>, file_name: &str, sha256: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"));
    if let Some(sha) = sha256 {
        response.insert_header((header::ETAG, format!("\"{sha}\"")));
    }
    response.body(bytes)
}

#[derive(Serialize, ToSchema)]
pub struct MyCertificate {
    pub tenant_id: String,
    pub cooperative: String,
    #[serde(flatten)]
    pub certificate: CertificateView,
    /// False once a newer certificate replaced it.
    pub current: bool,
}

/// The caller's own certificates in every cooperative, newest first.
#[utoipa::path(get, operation_id = "list_my_certificates", path = "/api/v1/me/certificates", tag = "me",
    responses((status = 200, body = [MyCertificate])))]
#[get("/me/certificates")]
pub async fn mine(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    let app = state.clone();
    let mut out = state
        .db(move |conn| {
            let mut out = Vec::new();
            for grant in principal
                .grants
                .iter()
                .filter(|g| g.role == Role::Shareholder)
            {
                let (Some(tenant_id), Some(holder)) = (grant.tenant_id, grant.shareholder_id)
                else {
                    continue;
                };
                let tenant = dar_db::tenants::get(conn, &tenant_id)?;
                let rows = certificates::of_holder(conn, &tenant_id, &holder.to_string())?;
                for (i, row) in rows.iter().enumerate() {
                    out.push(MyCertificate {
                        tenant_id: tenant.id.clone(),
                        cooperative: tenant.legal_name.clone(),
                        certificate: view(&app, row),
                        // Newest first: only the first of a holder's certificates is current.
                        current: i == 0,
                    });
                }
            }
            Ok(out)
        })
        .await?;
    out.sort_by(|a, b| b.certificate.issued_at.cmp(&a.certificate.issued_at));
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Serialize, ToSchema)]
pub struct Verification {
    /// `genuine` (issued by DAR and not replaced), `superseded` (a newer certificate
    /// replaced it) or `unknown` (DAR never issued it).
    pub status: &'static str,
    pub cooperative: Option<String>,
    pub number: Option<i64>,
    pub as_of: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    /// Whether the register still shows the holdings the certificate states.
    pub holdings_unchanged: Option<bool>,
    /// The number of the certificate that replaced it.
    pub superseded_by: Option<i64>,
}

impl Verification {
    fn unknown() -> Self {
        Verification {
            status: "unknown",
            cooperative: None,
            number: None,
            as_of: None,
            issued_on: None,
            holdings_unchanged: None,
            superseded_by: None,
        }
    }
}

/// Public verification of a certificate (the link and QR code on every certificate). Says
/// whether DAR issued it and whether it is still current; never shows personal data.
#[utoipa::path(get, operation_id = "verify_certificate", security(()), path = "/verify/{id}", tag = "documents",
    params(("id" = String, Path)),
    responses((status = 200, body = Verification)))]
#[get("/verify/{id}")]
pub async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let verification = match id.parse::<CertificateId>() {
        Err(_) => Verification::unknown(),
        Ok(id) => state.db(move |conn| verification(conn, &id)).await?,
    };
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        return Ok(verification_page(&request, &verification));
    }
    Ok(HttpResponse::Ok().json(verification))
}

fn verification(conn: &mut DbConnection, id: &CertificateId) -> ApiResult<Verification> {
    let Some(row) = certificates::find_any(conn, id)? else {
        return Ok(Verification::unknown());
    };
    let tenant_id: TenantId = row.tenant_id.parse().map_err(ApiError::internal)?;
    let tenant = dar_db::tenants::get(conn, &tenant_id)?;
    let content = row.content()?;
    let superseded_by = certificates::superseded_by(conn, &tenant_id, id)?;
    let holder: ShareholderId = row.shareholder_id.parse().map_err(ApiError::internal)?;
    let today = Moment {
        as_of: dar_core::time::brussels_date(Utc::now()),
        as_of_seq: tenant.ledger_head_seq,
    };
    let now: Vec<(String, i64, i64)> =
        dar_db::ledger::holder_holdings(conn, &tenant_id, &holder, today)?
            .into_iter()
            .map(|h| (h.share_class, h.quantity, h.paid_cents))
            .collect();
    let stated: Vec<(String, i64, i64)> = content
        .holdings
        .iter()
        .map(|h| (h.class.code.clone(), h.quantity, h.paid_up.cents()))
        .collect();
    Ok(Verification {
        status: if superseded_by.is_some() {
            "superseded"
        } else {
            "genuine"
        },
        cooperative: Some(tenant.legal_name),
        number: Some(row.number),
        as_of: Some(row.as_of),
        issued_on: Some(content.issued_on),
        holdings_unchanged: Some(now == stated),
        superseded_by: superseded_by.map(|(_, n)| n),
    })
}

/// The check as a page, in the reader's language (their choice, else the browser's, else
/// Dutch), in the frame of DAR's other pages.
fn verification_page(request: &HttpRequest, v: &Verification) -> HttpResponse {
    use dar_web::verify::{Check, Status};
    let lang = crate::web::session::language(request);
    let status = match v.status {
        "genuine" => Status::Genuine,
        "superseded" => Status::Superseded,
        _ => Status::Unknown,
    };
    let frame = dar_web::layout::Frame {
        lang,
        title: dar_web::verify::title(lang, status),
        signed: None,
        path: request.path(),
        banner: None,
    };
    let check = Check {
        status,
        cooperative: v.cooperative.clone(),
        number: v.number,
        as_of: v.as_of,
        issued_on: v.issued_on,
        holdings_unchanged: v.holdings_unchanged,
        superseded_by: v.superseded_by,
    };
    crate::web::html_response(
        actix_web::http::StatusCode::OK,
        dar_web::verify::verify_page(&frame, &check),
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBatch {
    /// Only these shareholders (ids, or register numbers as JSON numbers); default every
    /// active shareholder.
    #[schema(schema_with = holder_refs_schema)]
    pub shareholder_ids: Option<Vec<HolderRef>>,
    /// Default today (Brussels).
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct BatchView {
    pub id: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub as_of: Option<NaiveDate>,
    pub total: i64,
    pub done: i64,
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
    /// The ZIP of all its certificates, once `done`.
    pub zip_url: String,
}

fn batch_view(row: &BatchRow) -> BatchView {
    BatchView {
        id: row.id.clone(),
        status: row.status.clone(),
        as_of: row.as_of,
        total: row.total,
        done: row.done,
        error: row.error.clone(),
        created_at: row.created_at.and_utc().to_rfc3339(),
        finished_at: row.finished_at.map(|t| t.and_utc().to_rfc3339()),
        zip_url: format!(
            "/api/v1/tenants/{}/certificate-batches/{}/zip",
            row.tenant_id, row.id
        ),
    }
}

/// Most holders one request may name; "all" has no limit.
pub(crate) const MAX_SELECTION: usize = 10_000;

/// Asks for certificates for every active shareholder (or those named), issued in the
/// background; follow the batch for progress and download the ZIP when it is done.
#[utoipa::path(post, operation_id = "request_certificate_batch", path = "/api/v1/tenants/{tenant}/certificate-batches", tag = "documents",
    request_body = RequestBatch, params(("tenant" = String, Path)),
    responses((status = 202, body = BatchView)))]
#[post("/tenants/{tenant}/certificate-batches")]
pub async fn request_batch(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<RequestBatch>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let b = body.0;
    let as_of = as_of_or_today(b.as_of)?;
    let selection = match b.shareholder_ids {
        None => None,
        Some(ids) if ids.is_empty() || ids.len() > MAX_SELECTION => {
            return Err(ApiError::invalid(
                "shareholder_ids",
                format!("name between 1 and {MAX_SELECTION} shareholders, or leave it out for all"),
            ));
        }
        Some(ids) => Some(
            ids.into_iter()
                .enumerate()
                .map(|(i, r)| (format!("shareholder_ids[{i}]"), r))
                .collect::<Vec<_>>(),
        ),
    };
    let requested_by = principal.user_id;
    let row = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| create_batch(conn, scope, selection.as_deref(), as_of, requested_by),
        )
        .await?;
    let (tenant_id, row) = row;
    state.batches.spawn(tenant_id, parse_path_id(&row.id)?);
    let v = batch_view(&row);
    Ok(HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/tenants/{}/certificate-batches/{}",
                row.tenant_id, row.id
            ),
        ))
        .json(v))
}

/// Records a batch of certificates as of `as_of` for the holders `selection` names (every
/// active holder when `None`), inside a write on `scope`; the caller starts it with
/// `state.batches.spawn`. The API and the certificates page share it.
pub(crate) fn create_batch(
    conn: &mut DbConnection,
    scope: &Scope,
    selection: Option<&[(String, HolderRef)]>,
    as_of: NaiveDate,
    requested_by: UserId,
) -> ApiResult<Change<(TenantId, BatchRow)>> {
    let (tenant, tenant_id) = (&scope.tenant, scope.id);
    let selection = match selection {
        None => None,
        Some(refs) => {
            let mut ids: Vec<String> = resolve_holders(conn, &tenant_id, refs)?
                .iter()
                .map(ToString::to_string)
                .collect();
            ids.sort();
            ids.dedup();
            Some(ids)
        }
    };
    let (total, up_to) = match &selection {
        None => certificates::active_population(conn, &tenant_id)?,
        Some(ids) => {
            let found = certificates::holders_by_id(conn, &tenant_id, ids)?;
            if found.len() != ids.len() {
                let known: std::collections::HashSet<&str> =
                    found.iter().map(|h| h.id.as_str()).collect();
                let missing = ids.iter().position(|id| !known.contains(id.as_str()));
                return Err(ApiError::invalid(
                    format!("shareholder_ids[{}]", missing.unwrap_or(0)),
                    "this cooperative has no such shareholder",
                ));
            }
            let up_to = found.iter().map(|h| h.register_number).max().unwrap_or(0);
            (found.len() as i64, up_to)
        }
    };
    let now = Utc::now();
    let row = BatchRow {
        tenant_id: tenant.id.clone(),
        id: CertificateBatchId::new().to_string(),
        status: "queued".into(),
        as_of: Some(as_of),
        selection: selection
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)?,
        up_to_register_number: up_to,
        total,
        done: 0,
        last_register_number: 0,
        error: None,
        requested_by: requested_by.to_string(),
        created_at: dar_core::chain::storage_precision(now).naive_utc(),
        heartbeat_at: None,
        finished_at: None,
    };
    certificates::create_batch(conn, &row)?;
    Ok(Change {
        action: "certificate_batch.requested",
        object: ("certificate_batch", row.id.clone()),
        details: Some(serde_json::json!({ "total": total, "as_of": as_of })),
        value: (tenant_id, row),
    })
}

/// A batch's progress.
#[utoipa::path(get, operation_id = "get_certificate_batch", path = "/api/v1/tenants/{tenant}/certificate-batches/{id}", tag = "documents",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = BatchView)))]
#[get("/tenants/{tenant}/certificate-batches/{id}")]
pub async fn batch(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: CertificateBatchId = parse_path_id(&id)?;
    let row = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            Ok(certificates::batch(conn, &tenant_id, &id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(batch_view(&row)))
}

/// Every certificate of a finished batch as one ZIP, streamed.
#[utoipa::path(get, operation_id = "get_certificate_batch_zip", path = "/api/v1/tenants/{tenant}/certificate-batches/{id}/zip", tag = "documents",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>),
              (status = 409, body = crate::error::Problem)))]
#[get("/tenants/{tenant}/certificate-batches/{id}/zip")]
pub async fn batch_zip(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let id: CertificateBatchId = parse_path_id(&id)?;
    let (tenant_id, row) = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            Ok((tenant_id, certificates::batch(conn, &tenant_id, &id)?))
        })
        .await?;
    documents::require_done(&row)?;
    let stream = state.batches.stream_zip(tenant_id, id)?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"certificates-{}.zip\"", row.id),
        ))
        .streaming(stream))
}
