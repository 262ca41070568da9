//! Adding a shareholder from the browser, through the same checks and store function as the
//! API (`routes::shareholders::create_in`); refusals come back next to their fields in the
//! user's language.

use actix_web::http::StatusCode;
use actix_web::{get, post, web};
use serde::Deserialize;

use super::session::WebUser;
use super::{PageError, PageResult, frame, html_response, read_form, see_other};
use crate::auth::Need;
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::shareholders::{CreateShareholder, create_in};
use crate::routes::tenant_access;
use crate::routes::tenants::Address;
use crate::state::AppState;
use crate::validate::{NAME_MAX, Name};
use dar_core::types::{Language, ShareholderKind};
use dar_web::forms::{FieldErrors, parse_date};
use dar_web::holders::{self as pages, HolderText, HolderValues};
use dar_web::i18n::t;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(add_form).service(add);
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HolderForm {
    kind: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    legal_name: Option<String>,
    national_number: Option<String>,
    enterprise_number: Option<String>,
    birth_date: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    iban: Option<String>,
    language: Option<String>,
    admission_date: Option<String>,
}

impl HolderForm {
    fn values(&self) -> HolderValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        HolderValues {
            kind: s(&self.kind),
            first_name: s(&self.first_name),
            last_name: s(&self.last_name),
            legal_name: s(&self.legal_name),
            national_number: s(&self.national_number),
            enterprise_number: s(&self.enterprise_number),
            birth_date: s(&self.birth_date),
            email: s(&self.email),
            phone: s(&self.phone),
            street: s(&self.street),
            postal_code: s(&self.postal_code),
            city: s(&self.city),
            country: s(&self.country),
            iban: s(&self.iban),
            language: s(&self.language),
            admission_date: s(&self.admission_date),
        }
    }

    /// The API's request for these values, or the fields that cannot even be read.
    fn request(&self, lang: Language) -> Result<CreateShareholder, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let kind = match self.kind.as_deref() {
            Some("legal") => ShareholderKind::Legal,
            _ => ShareholderKind::Natural,
        };
        let mut name = |field: &str, v: &Option<String>| {
            let v = text(v)?;
            match dar_core::text::name(&v, NAME_MAX) {
                Ok(n) => Some(Name(n)),
                Err(_) => {
                    errors.add(field, t(lang, HolderText::TooLong));
                    None
                }
            }
        };
        let first_name = name("first_name", &self.first_name);
        let last_name = name("last_name", &self.last_name);
        let legal_name = name("legal_name", &self.legal_name);
        let mut day = |field: &str, v: &Option<String>, bad: HolderText| {
            let v = text(v)?;
            let parsed = parse_date(&v);
            if parsed.is_none() {
                errors.add(field, t(lang, bad));
            }
            parsed
        };
        let birth_date = day("birth_date", &self.birth_date, HolderText::BadBirthDate);
        let admission_date = day(
            "admission_date",
            &self.admission_date,
            HolderText::BadAdmission,
        );
        let language = self.language.as_deref().and_then(Language::parse);
        let address = Address {
            street: text(&self.street),
            postal_code: text(&self.postal_code),
            city: text(&self.city),
            country: text(&self.country),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CreateShareholder {
            kind,
            first_name,
            last_name,
            legal_name,
            national_number: text(&self.national_number),
            enterprise_number: text(&self.enterprise_number),
            birth_date,
            email: text(&self.email),
            phone: text(&self.phone),
            address: Some(address),
            iban: text(&self.iban),
            language,
            admission_date,
        })
    }
}

/// What the checks below found, said in the user's language next to each field. The
/// message depends on the field and, where a field can be refused for several reasons,
/// on which rule refused it.
fn localized(lang: Language, e: &ApiError) -> Option<FieldErrors> {
    let problems = match e {
        ApiError::Validation { errors, .. } | ApiError::BadRequest { errors, .. } => errors,
        _ => return None,
    };
    let mut errors = FieldErrors::default();
    for p in problems {
        let field = p.field.strip_prefix("address.").unwrap_or(&p.field);
        let text = match field {
            "last_name" if p.message.contains("required") => HolderText::NeedsLastName,
            "legal_name" if p.message.contains("required") => HolderText::NeedsLegalName,
            "national_number" if p.message.starts_with("only natural") => HolderText::NotForLegal,
            "enterprise_number" if p.message.starts_with("only legal") => HolderText::NotForNatural,
            "birth_date" if p.message.starts_with("a legal entity") => HolderText::NotForLegal,
            "national_number" => HolderText::BadNationalNumber,
            "enterprise_number" => HolderText::BadEnterpriseNumber,
            "birth_date" => HolderText::BadBirthDate,
            "email" => HolderText::BadEmail,
            "iban" => HolderText::BadIban,
            "postal_code" => HolderText::BadPostalCode,
            "country" => HolderText::BadCountry,
            "admission_date" => HolderText::BadAdmission,
            _ => HolderText::TooLong,
        };
        errors.add(field, t(lang, text));
    }
    Some(errors)
}

struct Coop {
    name: String,
    slug: String,
    language: String,
}

fn form_page(
    user: &WebUser,
    coop: &Coop,
    values: &HolderValues,
    errors: &FieldErrors,
    status: StatusCode,
) -> actix_web::HttpResponse {
    let lang = user.lang;
    let here = format!("/c/{}/shareholders/new", coop.slug);
    html_response(
        status,
        pages::add_holder(
            &frame(user, t(lang, HolderText::AddShareholder), &here),
            &pages::AddHolder {
                cooperative: &coop.name,
                slug: &coop.slug,
                csrf: &user.csrf,
                values,
                errors,
            },
        ),
    )
}

#[get("/c/{tenant}/shareholders/new")]
async fn add_form(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
) -> PageResult {
    let lang = user.lang;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let coop = state
        .db(move |conn| {
            let (tenant, _, _) = tenant_access(conn, &principal, &key, Need::WriteRegister, &meta)?;
            Ok(Coop {
                name: tenant.legal_name,
                slug: tenant.slug,
                language: tenant.default_language,
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let values = HolderValues {
        kind: "natural".into(),
        country: "BE".into(),
        language: coop.language.clone(),
        ..Default::default()
    };
    Ok(form_page(
        &user,
        &coop,
        &values,
        &FieldErrors::default(),
        StatusCode::OK,
    ))
}

#[post("/c/{tenant}/shareholders/new")]
async fn add(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: HolderForm = read_form(&user, &body)?;
    let key = path.into_inner();
    let values = form.values();
    let request = form.request(lang);
    let principal = user.principal.clone();
    let actor = principal.user_id.to_string();
    let k = key.clone();
    let m = meta.clone();
    let p = principal.clone();
    let coop = state
        .db(move |conn| {
            let (tenant, _, _) = tenant_access(conn, &p, &k, Need::WriteRegister, &m)?;
            Ok(Coop {
                name: tenant.legal_name,
                slug: tenant.slug,
                language: tenant.default_language,
            })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let request = match request {
        Ok(r) => r,
        Err(errors) => {
            return Ok(form_page(
                &user,
                &coop,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let created = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| create_in(conn, scope, &request, &actor),
        )
        .await;
    match created {
        Ok(view) => Ok(see_other(&format!(
            "/c/{}/shareholders/{}?added=1",
            coop.slug, view.id
        ))),
        Err(e) => match localized(lang, &e) {
            Some(errors) => Ok(form_page(
                &user,
                &coop,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            None => Err(PageError::from_api(e, lang)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_of_the_checks_is_said_in_the_users_language() {
        let e = ApiError::invalid_fields(vec![
            crate::error::FieldProblem {
                field: "iban".into(),
                message: "x".into(),
            },
            crate::error::FieldProblem {
                field: "address.postal_code".into(),
                message: "x".into(),
            },
        ]);
        let errors = localized(Language::Fr, &e).unwrap();
        assert_eq!(
            errors.of("iban"),
            Some(t(Language::Fr, HolderText::BadIban))
        );
        assert_eq!(
            errors.of("postal_code"),
            Some(t(Language::Fr, HolderText::BadPostalCode))
        );
    }
}
