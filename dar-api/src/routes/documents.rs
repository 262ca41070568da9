//! Register documents (the extract, a holder's history) and what the cooperative prints on
//! its documents (signatory, logo, signature).

use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, put, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Need, Principal};
use crate::documents::{as_of_or_today, sha256_hex};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::request::{RequestMeta, StrictJson, StrictQuery};
use crate::routes::certificates::pdf_response;
use crate::routes::{parse_path_id, tenant_access};
use crate::state::{AppState, Change};
use crate::validate;
use dar_core::ids::ShareholderId;
use dar_core::types::Language;
use dar_db::documents::SettingsRow;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    /// The register at the end of this date; default today (Brussels).
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub as_of: Option<NaiveDate>,
    /// `nl`, `fr` or `en`; default the cooperative's (or the holder's) language.
    pub language: Option<String>,
}

fn language(asked: Option<&str>, default: &str) -> ApiResult<Language> {
    match asked {
        Some(l) => Language::parse(l).ok_or_else(|| ApiError::invalid("language", "nl, fr or en")),
        None => Language::parse(default)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("stored language {default:?}"))),
    }
}

/// The register extract as PDF: every holder per class with totals, as of a date.
#[utoipa::path(get, operation_id = "get_register_pdf", path = "/api/v1/tenants/{tenant}/documents/register", tag = "documents",
    params(("tenant" = String, Path), DocumentQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
#[get("/tenants/{tenant}/documents/register")]
pub async fn register(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<DocumentQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let q = query.into_inner();
    let as_of = as_of_or_today(q.as_of)?;
    let (slug, pdf) = state
        .db(move |conn| {
            let (tenant, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let language = language(q.language.as_deref(), &tenant.default_language)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let extract =
                dar_db::extracts::register_extract(conn, &tenant_id, as_of, language, today)?;
            let started = std::time::Instant::now();
            let pdf = dar_documents::register_extract(&extract).map_err(ApiError::internal)?;
            tracing::info!(
                holders = extract
                    .sections
                    .iter()
                    .map(|s| s.lines.len())
                    .sum::<usize>(),
                bytes = pdf.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "register extract rendered"
            );
            Ok((tenant.slug, pdf))
        })
        .await?;
    Ok(pdf_response(
        pdf,
        &format!("register-{slug}-{as_of}.pdf"),
        None,
    ))
}

/// One shareholder's full history as PDF, as of a date.
#[utoipa::path(get, operation_id = "get_shareholder_history_pdf", path = "/api/v1/tenants/{tenant}/shareholders/{id}/history.pdf", tag = "documents",
    params(("tenant" = String, Path), ("id" = String, Path), DocumentQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
#[get("/tenants/{tenant}/shareholders/{id}/history.pdf")]
pub async fn history(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    query: StrictQuery<DocumentQuery>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let holder: ShareholderId = parse_path_id(&id)?;
    let q = query.into_inner();
    let as_of = as_of_or_today(q.as_of)?;
    let (number, pdf) = state
        .db(move |conn| {
            let (_, tenant_id, access) =
                tenant_access(conn, &principal, &key, Need::ReadShareholder(holder), &meta)?;
            let counterparties = if access.sees_counterparties() {
                dar_db::extracts::Counterparties::Named
            } else {
                dar_db::extracts::Counterparties::Withheld
            };
            let row = dar_db::shareholders::get(conn, &tenant_id, &holder)?;
            let language = language(q.language.as_deref(), &row.language)?;
            let today = dar_core::time::brussels_date(Utc::now());
            let history = dar_db::extracts::holder_history(
                conn,
                &tenant_id,
                &holder,
                as_of,
                language,
                today,
                counterparties,
            )?;
            let pdf = dar_documents::holder_history(&history).map_err(ApiError::internal)?;
            Ok((row.register_number, pdf))
        })
        .await?;
    Ok(pdf_response(
        pdf,
        &format!("history-R{number:05}-{as_of}.pdf"),
        None,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ImageView {
    pub sha256: String,
    pub media_type: String,
}

/// Largest logo or signature accepted.
pub const IMAGE_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Why an image is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ImageProblem {
    /// Neither PNG nor JPEG.
    Type,
    TooLarge,
    /// The bytes are not the image they claim to be.
    Unreadable(String),
}

pub fn is_image_type(media_type: &str) -> bool {
    media_type == "image/png" || media_type == "image/jpeg"
}

/// The rules of a logo or signature: PNG or JPEG, at most 2 MiB, and bytes that decode as
/// the image they claim to be (before anything is stored).
pub fn check_image(media_type: &str, bytes: &[u8]) -> Result<(), ImageProblem> {
    if !is_image_type(media_type) {
        return Err(ImageProblem::Type);
    }
    if bytes.len() > IMAGE_LIMIT_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    dar_documents::Image::decode(bytes).map_err(|e| ImageProblem::Unreadable(e.to_string()))?;
    Ok(())
}

/// Stores a checked image for the cooperative in `scope`; returns its SHA-256 and the
/// change to audit.
pub fn store_image(
    conn: &mut dar_db::DbConnection,
    scope: &crate::state::Scope,
    media_type: &str,
    bytes: &[u8],
) -> ApiResult<Change<String>> {
    let sha = sha256_hex(bytes);
    dar_db::documents::store_image(conn, &scope.id, &sha, media_type, bytes, Utc::now())?;
    Ok(Change {
        value: sha.clone(),
        action: "document_image.uploaded",
        object: ("document_image", sha),
        details: Some(serde_json::json!({ "bytes": bytes.len() })),
    })
}

/// Uploads a logo or signature (PNG or JPEG, the body itself); refer to it by its SHA-256
/// in the document settings.
#[utoipa::path(post, operation_id = "upload_document_image", path = "/api/v1/tenants/{tenant}/document-images", tag = "documents",
    params(("tenant" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 201, body = ImageView), (status = 400, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/document-images")]
pub async fn upload_image(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let media_type = Some(crate::request::media_type(&request))
        .filter(|m| is_image_type(m))
        .ok_or_else(|| ApiError::BadRequest {
            detail: "send the image as the body with Content-Type image/png or image/jpeg".into(),
            errors: vec![],
        })?;
    let bytes = web::Bytes::from_request(&request, &mut payload.into_inner())
        .await
        .map_err(|e| ApiError::unreadable_body(&e, IMAGE_LIMIT_BYTES))?;
    check_image(&media_type, &bytes).map_err(|problem| match problem {
        ImageProblem::TooLarge => ApiError::too_large(IMAGE_LIMIT_BYTES),
        ImageProblem::Type => ApiError::BadRequest {
            detail: "send the image as the body with Content-Type image/png or image/jpeg".into(),
            errors: vec![],
        },
        ImageProblem::Unreadable(detail) => ApiError::BadRequest {
            detail,
            errors: vec![],
        },
    })?;
    let sha = sha256_hex(&bytes);
    let view = ImageView {
        sha256: sha.clone(),
        media_type: media_type.clone(),
    };
    state
        .tenant_write(
            principal,
            meta,
            key,
            Need::ManageTenant,
            move |conn, scope| store_image(conn, scope, &media_type, &bytes),
        )
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettings {
    /// Who signs certificates for the cooperative; no signature block without it.
    pub signatory_name: Option<String>,
    /// e.g. "Chair of the board".
    pub signatory_title: Option<String>,
    /// SHA-256 of an uploaded image.
    pub logo_sha256: Option<String>,
    pub signature_sha256: Option<String>,
    /// Whether shareholders may ask for a current certificate themselves; default false.
    #[serde(default)]
    pub holders_may_request_certificates: bool,
}

impl From<SettingsRow> for DocumentSettings {
    fn from(r: SettingsRow) -> Self {
        DocumentSettings {
            signatory_name: r.signatory_name,
            signatory_title: r.signatory_title,
            logo_sha256: r.logo_sha256,
            signature_sha256: r.signature_sha256,
            holders_may_request_certificates: r.holders_may_request_certificates,
        }
    }
}

/// What the cooperative's documents carry.
#[utoipa::path(get, operation_id = "get_document_settings", path = "/api/v1/tenants/{tenant}/document-settings", tag = "documents",
    params(("tenant" = String, Path)), responses((status = 200, body = DocumentSettings)))]
#[get("/tenants/{tenant}/document-settings")]
pub async fn settings(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let row = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            Ok(dar_db::documents::settings(conn, &tenant_id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentSettings::from(row)))
}

/// A value of the document settings that breaks its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsProblem {
    SignatoryName,
    SignatoryTitle,
    /// A title without the name it belongs to.
    TitleWithoutName,
    LogoSha256,
    SignatureSha256,
}

impl SettingsProblem {
    pub fn field(self) -> &'static str {
        match self {
            SettingsProblem::SignatoryName => "signatory_name",
            SettingsProblem::SignatoryTitle | SettingsProblem::TitleWithoutName => {
                "signatory_title"
            }
            SettingsProblem::LogoSha256 => "logo_sha256",
            SettingsProblem::SignatureSha256 => "signature_sha256",
        }
    }

    fn message(self) -> &'static str {
        match self {
            SettingsProblem::SignatoryName => "must be a name of at most 200 characters",
            SettingsProblem::SignatoryTitle => "must be one line of at most 200 characters",
            SettingsProblem::TitleWithoutName => "give the signatory's name with their title",
            SettingsProblem::LogoSha256 | SettingsProblem::SignatureSha256 => {
                "must be the lower-case hex SHA-256 that an image upload returned"
            }
        }
    }
}

/// The document settings with every value checked.
pub struct CheckedSettings {
    signatory_name: Option<String>,
    signatory_title: Option<String>,
    logo_sha256: Option<String>,
    signature_sha256: Option<String>,
    holders_may_request_certificates: bool,
}

fn sha_ok(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl DocumentSettings {
    /// Checks every value; every problem is reported at once.
    pub fn checked(self) -> Result<CheckedSettings, Vec<SettingsProblem>> {
        let mut problems = Vec::new();
        let signatory_name = self.signatory_name.as_deref().and_then(|n| {
            dar_core::text::name(n, validate::NAME_MAX)
                .map_err(|_| problems.push(SettingsProblem::SignatoryName))
                .ok()
        });
        let signatory_title = self.signatory_title.as_deref().and_then(|t| {
            dar_core::text::optional(t, dar_core::text::Lines::Single, validate::NAME_MAX)
                .map_err(|_| problems.push(SettingsProblem::SignatoryTitle))
                .ok()
                .flatten()
        });
        if signatory_title.is_some() && signatory_name.is_none() && self.signatory_name.is_none() {
            problems.push(SettingsProblem::TitleWithoutName);
        }
        let mut sha = |value: Option<String>, problem| match value {
            Some(v) if !sha_ok(&v) => {
                problems.push(problem);
                None
            }
            v => v,
        };
        let logo_sha256 = sha(self.logo_sha256, SettingsProblem::LogoSha256);
        let signature_sha256 = sha(self.signature_sha256, SettingsProblem::SignatureSha256);
        if problems.is_empty() {
            Ok(CheckedSettings {
                signatory_name,
                signatory_title,
                logo_sha256,
                signature_sha256,
                holders_may_request_certificates: self.holders_may_request_certificates,
            })
        } else {
            Err(problems)
        }
    }
}

/// Replaces the document settings of the cooperative in `scope`; returns them and the
/// change to audit.
pub fn store_settings(
    conn: &mut dar_db::DbConnection,
    scope: &crate::state::Scope,
    checked: CheckedSettings,
) -> ApiResult<Change<SettingsRow>> {
    let now = Utc::now();
    let row = dar_db::documents::put_settings(
        conn,
        SettingsRow {
            tenant_id: scope.id.to_string(),
            signatory_name: checked.signatory_name,
            signatory_title: checked.signatory_title,
            logo_sha256: checked.logo_sha256,
            signature_sha256: checked.signature_sha256,
            updated_at: dar_core::chain::storage_precision(now).naive_utc(),
            holders_may_request_certificates: checked.holders_may_request_certificates,
        },
    )?;
    Ok(Change {
        action: "document_settings.changed",
        object: ("document_settings", scope.tenant.id.clone()),
        details: Some(serde_json::json!({
            "signatory_name": row.signatory_name,
            "logo_sha256": row.logo_sha256,
            "signature_sha256": row.signature_sha256,
            "holders_may_request_certificates": row.holders_may_request_certificates,
        })),
        value: row,
    })
}

/// Replaces what the cooperative's documents carry. Certificates issued before keep what
/// they were issued with.
#[utoipa::path(put, operation_id = "put_document_settings", path = "/api/v1/tenants/{tenant}/document-settings", tag = "documents",
    request_body = DocumentSettings, params(("tenant" = String, Path)),
    responses((status = 200, body = DocumentSettings)))]
#[put("/tenants/{tenant}/document-settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    body: StrictJson<DocumentSettings>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let checked = body.0.checked().map_err(|problems| {
        ApiError::invalid_fields(
            problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.field().into(),
                    message: p.message().into(),
                })
                .collect(),
        )
    })?;
    let row = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::ManageTenant,
            move |conn, scope| store_settings(conn, scope, checked),
        )
        .await?;
    Ok(HttpResponse::Ok().json(DocumentSettings::from(row)))
}
