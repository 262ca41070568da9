//! The cooperative's settings page, for whom `authorize` lets manage the cooperative: its
//! data, closing a period, whether the helpdesk may write, and the document settings with
//! the logo and signature. Each form checks its values with the API's own rules
//! (`routes::tenants`, `routes::documents`) and shows every refusal at its field.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;

use super::session::WebUser;
use super::support::{Chrome, chrome, cooperative_frame};
use super::{PageError, PageResult, html_response, multipart, read_form, see_other};
use crate::auth::{Need, Principal};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::documents::{
    DocumentSettings, IMAGE_LIMIT_BYTES, ImageProblem, SettingsProblem, check_image, store_image,
    store_settings,
};
use crate::routes::tenant_access;
use crate::routes::tenants::{Address, UpdateTenant, update_tenant};
use crate::state::AppState;
use crate::validate::{NAME_MAX, Name};
use dar_core::types::{Language, VotingRule};
use dar_db::tenants::TenantRow;
use dar_web::forms::{FieldErrors, parse_date};
use dar_web::i18n::t;
use dar_web::settings::{self as pages, DataForm, DocumentsForm, Saved, SettingsText};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show)
        .service(save_data)
        .service(close_period)
        .service(save_documents)
        .service(upload)
        .service(image);
}

/// What the page shows of the cooperative as stored, before any form changes it.
struct Stored {
    tenant: TenantRow,
    chrome: Chrome,
    documents: dar_db::documents::SettingsRow,
}

/// Loads the cooperative `key` for someone who may manage it.
fn stored(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    key: &str,
    meta: &RequestMeta,
) -> Result<Stored, ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::ManageTenant, meta)?;
    let chrome = chrome(conn, principal, &tenant, &access, meta)?;
    let documents = dar_db::documents::settings(conn, &tenant_id)?;
    Ok(Stored {
        tenant,
        chrome,
        documents,
    })
}

async fn load(
    state: &AppState,
    user: &WebUser,
    meta: RequestMeta,
    key: String,
) -> Result<Stored, PageError> {
    let principal = user.principal.clone();
    state
        .db(move |conn| stored(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, user.lang))
}

fn data_form(t: &TenantRow) -> DataForm {
    DataForm {
        legal_name: t.legal_name.clone(),
        legal_form: t.legal_form.clone(),
        street: t.street.clone().unwrap_or_default(),
        postal_code: t.postal_code.clone().unwrap_or_default(),
        city: t.city.clone().unwrap_or_default(),
        country: t.country.clone(),
        default_language: t.default_language.clone(),
        voting_rule: t.voting_rule.clone(),
        helpdesk_may_write: t.helpdesk_may_write,
    }
}

fn image_path(slug: &str, sha: Option<&String>) -> Option<String> {
    sha.map(|sha| format!("/c/{slug}/settings/images/{sha}"))
}

fn documents_form(s: &Stored) -> DocumentsForm {
    let d = &s.documents;
    DocumentsForm {
        signatory_name: d.signatory_name.clone().unwrap_or_default(),
        signatory_title: d.signatory_title.clone().unwrap_or_default(),
        logo: image_path(&s.tenant.slug, d.logo_sha256.as_ref()),
        signature: image_path(&s.tenant.slug, d.signature_sha256.as_ref()),
    }
}

/// The page as stored; the caller replaces the form that was sent.
fn page_of(s: &Stored) -> pages::SettingsPage {
    pages::SettingsPage {
        cooperative: s.tenant.legal_name.clone(),
        slug: s.tenant.slug.clone(),
        tools: s.chrome.tools,
        data: data_form(&s.tenant),
        locked_until: s.tenant.locked_until,
        period: String::new(),
        documents: documents_form(s),
        errors: FieldErrors::default(),
        saved: None,
    }
}

fn render(
    user: &WebUser,
    s: &Stored,
    page: &pages::SettingsPage,
    status: StatusCode,
) -> PageResult {
    let here = format!("/c/{}/settings", page.slug);
    let title = t(user.lang, SettingsText::Title);
    let frame = cooperative_frame(user, title, &here, s.chrome.banner.as_ref());
    Ok(html_response(
        status,
        pages::settings_page(&frame, &user.csrf, page),
    ))
}

/// After a saved form: the page again, with the confirmation at that form.
fn saved(slug: &str, what: Saved) -> HttpResponse {
    see_other(&format!(
        "/c/{slug}/settings?saved={}#{}",
        what.as_str(),
        match what {
            Saved::Data => "data",
            Saved::Period => "period",
            Saved::Documents | Saved::Logo | Saved::Signature => "documents",
        }
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedQuery {
    saved: Option<String>,
}

#[get("/c/{tenant}/settings")]
async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: SavedQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let s = load(&state, &user, meta, path.into_inner()).await?;
    let mut page = page_of(&s);
    page.saved = query.saved.as_deref().and_then(Saved::parse);
    render(&user, &s, &page, StatusCode::OK)
}

/// The page's text for a problem the API's rules found in a field, and the field it shows at.
fn tenant_problem(field: &str) -> Option<(&'static str, SettingsText)> {
    Some(match field {
        "legal_form" => ("legal_form", SettingsText::LegalFormProblem),
        "address.street" => ("street", SettingsText::StreetProblem),
        "address.postal_code" => ("postal_code", SettingsText::PostalCodeProblem),
        "address.city" => ("city", SettingsText::CityProblem),
        "address.country" => ("country", SettingsText::CountryProblem),
        "locked_until" => ("locked_until", SettingsText::FutureProblem),
        _ => return None,
    })
}

/// Writes `change` to the cooperative; the refusals of the rules that need the stored
/// cooperative (a period closed further already) come back as field errors.
async fn write_tenant(
    state: &AppState,
    user: &WebUser,
    meta: RequestMeta,
    key: String,
    change: UpdateTenant,
) -> Result<Result<TenantRow, FieldErrors>, PageError> {
    let lang = user.lang;
    let principal = user.principal.clone();
    let written = state
        .write(move |conn| update_tenant(conn, &principal, &meta, &key, &change))
        .await;
    let mut errors = FieldErrors::default();
    match written {
        Ok(row) => return Ok(Ok(row)),
        Err(ApiError::Conflict(_)) => {
            errors.add("locked_until", t(lang, SettingsText::ReopenProblem))
        }
        Err(ApiError::Validation { errors: found, .. }) => {
            for p in found {
                match tenant_problem(&p.field) {
                    Some((field, text)) => errors.add(field, t(lang, text)),
                    None => {
                        return Err(PageError::from_api(ApiError::invalid_fields(vec![p]), lang));
                    }
                }
            }
        }
        Err(e) => return Err(PageError::from_api(e, lang)),
    }
    Ok(Err(errors))
}

fn blank_to_none(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataBody {
    legal_name: String,
    legal_form: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    default_language: String,
    voting_rule: String,
    helpdesk_may_write: Option<String>,
}

/// Saves the cooperative's data and whether the helpdesk may write.
#[post("/c/{tenant}/settings")]
async fn save_data(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: DataBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let s = load(&state, &user, meta.clone(), key.clone()).await?;
    let mut errors = FieldErrors::default();
    let legal_name = match dar_core::text::name(&form.legal_name, NAME_MAX) {
        Ok(n) => Some(Name(n)),
        Err(_) => {
            errors.add("legal_name", t(lang, SettingsText::NameProblem));
            None
        }
    };
    let default_language = Language::parse(&form.default_language);
    if default_language.is_none() {
        errors.add("default_language", t(lang, SettingsText::ChoiceProblem));
    }
    let voting_rule = VotingRule::parse(&form.voting_rule);
    if voting_rule.is_none() {
        errors.add("voting_rule", t(lang, SettingsText::ChoiceProblem));
    }
    let change = UpdateTenant {
        legal_name,
        legal_form: Some(form.legal_form.clone()),
        address: Some(Address {
            street: blank_to_none(&form.street),
            postal_code: blank_to_none(&form.postal_code),
            city: blank_to_none(&form.city),
            country: blank_to_none(&form.country),
        }),
        default_language,
        voting_rule,
        locked_until: None,
        helpdesk_may_write: Some(form.helpdesk_may_write.is_some()),
        status: None,
    };
    // The API's rules for the other fields, checked even when one above failed, so every
    // problem shows at once.
    if let Err(found) = change.changes(dar_core::time::brussels_date(Utc::now())) {
        for p in found {
            if let Some((field, text)) = tenant_problem(&p.field) {
                errors.add(field, t(lang, text));
            }
        }
    }
    let refused = |errors: FieldErrors| {
        let mut page = page_of(&s);
        page.data = DataForm {
            legal_name: form.legal_name.clone(),
            legal_form: form.legal_form.clone(),
            street: form.street.clone(),
            postal_code: form.postal_code.clone(),
            city: form.city.clone(),
            country: form.country.clone(),
            default_language: form.default_language.clone(),
            voting_rule: form.voting_rule.clone(),
            helpdesk_may_write: form.helpdesk_may_write.is_some(),
        };
        page.errors = errors;
        render(&user, &s, &page, StatusCode::UNPROCESSABLE_ENTITY)
    };
    if !errors.is_empty() {
        return refused(errors);
    }
    match write_tenant(&state, &user, meta, key, change).await? {
        Ok(row) => Ok(saved(&row.slug, Saved::Data)),
        Err(errors) => refused(errors),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodBody {
    locked_until: String,
    confirm: Option<String>,
}

/// Closes the register up to a date, once the administrator confirmed what it means.
#[post("/c/{tenant}/settings/period")]
async fn close_period(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: PeriodBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let s = load(&state, &user, meta.clone(), key.clone()).await?;
    let mut errors = FieldErrors::default();
    let date = parse_date(&form.locked_until);
    if date.is_none() {
        errors.add("locked_until", t(lang, SettingsText::DateProblem));
    }
    if form.confirm.is_none() {
        errors.add("confirm", t(lang, SettingsText::ConfirmProblem));
    }
    let change = UpdateTenant {
        legal_name: None,
        legal_form: None,
        address: None,
        default_language: None,
        voting_rule: None,
        locked_until: date,
        helpdesk_may_write: None,
        status: None,
    };
    if let Err(found) = change.changes(dar_core::time::brussels_date(Utc::now())) {
        for p in found {
            if let Some((field, text)) = tenant_problem(&p.field) {
                errors.add(field, t(lang, text));
            }
        }
    }
    let refused = |errors: FieldErrors| {
        let mut page = page_of(&s);
        page.period = form.locked_until.clone();
        page.errors = errors;
        render(&user, &s, &page, StatusCode::UNPROCESSABLE_ENTITY)
    };
    if !errors.is_empty() {
        return refused(errors);
    }
    match write_tenant(&state, &user, meta, key, change).await? {
        Ok(row) => Ok(saved(&row.slug, Saved::Period)),
        Err(errors) => refused(errors),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsBody {
    signatory_name: String,
    signatory_title: String,
}

/// Saves who signs the certificates; the images stay as they are.
#[post("/c/{tenant}/settings/documents")]
async fn save_documents(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: DocumentsBody = read_form(&user, &body)?;
    let key = path.into_inner();
    let s = load(&state, &user, meta.clone(), key.clone()).await?;
    let asked = DocumentSettings {
        signatory_name: blank_to_none(&form.signatory_name),
        signatory_title: blank_to_none(&form.signatory_title),
        logo_sha256: s.documents.logo_sha256.clone(),
        signature_sha256: s.documents.signature_sha256.clone(),
        // Kept as it is: the certificates page changes it.
        holders_may_request_certificates: s.documents.holders_may_request_certificates,
    };
    let checked = match asked.checked() {
        Ok(c) => c,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for p in problems {
                let text = match p {
                    SettingsProblem::SignatoryName => SettingsText::SignatoryNameProblem,
                    SettingsProblem::SignatoryTitle => SettingsText::SignatoryTitleProblem,
                    SettingsProblem::TitleWithoutName => SettingsText::TitleWithoutNameProblem,
                    // The stored images were checked when they were stored.
                    SettingsProblem::LogoSha256 | SettingsProblem::SignatureSha256 => {
                        return Err(PageError::Failed { lang, retry: false });
                    }
                };
                errors.add(p.field(), t(lang, text));
            }
            let mut page = page_of(&s);
            page.documents.signatory_name = form.signatory_name;
            page.documents.signatory_title = form.signatory_title;
            page.errors = errors;
            return render(&user, &s, &page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let principal = user.principal.clone();
    state
        .tenant_write(
            principal,
            meta,
            key,
            Need::ManageTenant,
            move |conn, scope| store_settings(conn, scope, checked),
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(saved(&s.tenant.slug, Saved::Documents))
}

/// Room for the form's other fields and the part headers around the image.
const FORM_OVERHEAD_BYTES: usize = 16 * 1024;

/// Uploads the logo or the signature (a form with a file) and makes it the one the
/// cooperative's documents carry: the same checks as the API's image upload.
#[post("/c/{tenant}/settings/images")]
async fn upload(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> PageResult {
    let lang = user.lang;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or(PageError::BadForm { lang })?;
    let body =
        match crate::request::read_body(&req, payload, IMAGE_LIMIT_BYTES + FORM_OVERHEAD_BYTES)
            .await
        {
            Ok(body) => Some(body),
            Err(ApiError::TooLarge { .. }) => None,
            Err(_) => return Err(PageError::BadForm { lang }),
        };
    let key = path.into_inner();
    let Some(body) = body else {
        // Too large to be read at all, so which of the two images it was is not known:
        // the problem shows at the first.
        let s = load(&state, &user, meta, key).await?;
        let mut page = page_of(&s);
        page.errors
            .add("logo", t(lang, SettingsText::ImageSizeProblem));
        return render(&user, &s, &page, StatusCode::PAYLOAD_TOO_LARGE);
    };
    let parts = multipart::parse(&body, &boundary).ok_or(PageError::BadForm { lang })?;
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .and_then(|p| std::str::from_utf8(&p.data).ok())
    };
    // The session's token first, as for every form.
    if !text("csrf").is_some_and(|c| user.csrf_matches(c)) {
        return Err(PageError::Forbidden { lang });
    }
    let kind = match text("kind") {
        Some("logo") => Saved::Logo,
        Some("signature") => Saved::Signature,
        _ => return Err(PageError::BadForm { lang }),
    };
    let field = if kind == Saved::Logo {
        "logo"
    } else {
        "signature"
    };
    let file = parts.iter().find(|p| p.name == "file");
    let s = load(&state, &user, meta.clone(), key.clone()).await?;
    let problem = match file {
        None => Some(SettingsText::ImageMissingProblem),
        Some(f) if f.data.is_empty() => Some(SettingsText::ImageMissingProblem),
        Some(f) => match check_image(f.content_type.as_deref().unwrap_or(""), &f.data) {
            Ok(()) => None,
            Err(ImageProblem::Type) => Some(SettingsText::ImageTypeProblem),
            Err(ImageProblem::TooLarge) => Some(SettingsText::ImageSizeProblem),
            Err(ImageProblem::Unreadable(_)) => Some(SettingsText::ImageUnreadableProblem),
        },
    };
    let (Some(file), None) = (file, problem) else {
        let mut page = page_of(&s);
        page.errors.add(
            field,
            t(lang, problem.unwrap_or(SettingsText::ImageMissingProblem)),
        );
        return render(&user, &s, &page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let media_type = file.content_type.clone().unwrap_or_default();
    let bytes = file.data.clone();
    let principal = user.principal.clone();
    let sha = state
        .tenant_write(
            principal.clone(),
            meta.clone(),
            key.clone(),
            Need::ManageTenant,
            move |conn, scope| store_image(conn, scope, &media_type, &bytes),
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    // The image uploaded is the one the documents carry from now on: the settings change
    // in a second audited step, as when the API's client uploads and then sets it.
    let current = &s.documents;
    let asked = DocumentSettings {
        signatory_name: current.signatory_name.clone(),
        signatory_title: current.signatory_title.clone(),
        logo_sha256: if kind == Saved::Logo {
            Some(sha.clone())
        } else {
            current.logo_sha256.clone()
        },
        signature_sha256: if kind == Saved::Signature {
            Some(sha)
        } else {
            current.signature_sha256.clone()
        },
        holders_may_request_certificates: current.holders_may_request_certificates,
    };
    let checked = asked
        .checked()
        .map_err(|_| PageError::Failed { lang, retry: false })?;
    state
        .tenant_write(
            principal,
            meta,
            key,
            Need::ManageTenant,
            move |conn, scope| store_settings(conn, scope, checked),
        )
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(saved(&s.tenant.slug, kind))
}

/// A stored logo or signature, for the settings page to show.
#[get("/c/{tenant}/settings/images/{sha}")]
async fn image(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, sha) = path.into_inner();
    let principal = user.principal.clone();
    let row = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ManageTenant, &meta)?;
            dar_db::documents::image(conn, &tenant_id, &sha)?.ok_or(ApiError::NotFound)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(HttpResponse::Ok()
        .content_type(row.media_type)
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(row.bytes))
}
