//! The share classes page: every reader of the register sees the classes; an administrator
//! adds one through the API's own checks (`routes::share_classes::checked`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use serde::Deserialize;

use super::session::WebUser;
use super::{PageError, PageResult, frame, html_response, read_form, see_other};
use crate::auth::{Need, Principal};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::share_classes::{CreateShareClass, checked, create_in};
use crate::routes::tenant_access;
use crate::state::AppState;
use dar_core::money::Money;
use dar_core::types::{Language, Role, TransferRule};
use dar_db::DbConnection;
use dar_web::classes::{self as pages, ClassText, ClassValues};
use dar_web::forms::{FieldErrors, parse_amount, parse_count};
use dar_web::i18n::t;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(add);
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClassForm {
    code: Option<String>,
    name: Option<String>,
    nominal_value: Option<String>,
    issue_price: Option<String>,
    votes_per_share: Option<String>,
    dividend_rights: Option<String>,
    transfer_rule: Option<String>,
    max_shares_per_holder: Option<String>,
}

impl ClassForm {
    fn values(&self) -> ClassValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        ClassValues {
            code: s(&self.code),
            name: s(&self.name),
            nominal_value: s(&self.nominal_value),
            issue_price: s(&self.issue_price),
            votes_per_share: s(&self.votes_per_share),
            dividend_rights: s(&self.dividend_rights),
            transfer_rule: s(&self.transfer_rule),
            max_shares_per_holder: s(&self.max_shares_per_holder),
        }
    }

    /// The API's request, or the fields that cannot be read as typed.
    fn request(&self, lang: Language) -> Result<CreateShareClass, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut amount = |name: &str, v: &Option<String>, required: bool| match text(v) {
            None => {
                if required {
                    errors.add(name, t(lang, dar_web::entries::EntryText::Required));
                }
                None
            }
            Some(v) => {
                let m = parse_amount(lang, &v).and_then(|c| Money::from_cents(c).ok());
                if m.is_none() {
                    errors.add(name, t(lang, dar_web::entries::EntryText::NotAnAmount));
                }
                m
            }
        };
        let nominal = amount("nominal_value", &self.nominal_value, true);
        let issue_price = amount("issue_price", &self.issue_price, false);
        let mut number = |name: &str, v: &Option<String>| {
            let v = text(v)?;
            let n = parse_count(lang, &v);
            if n.is_none() {
                errors.add(name, t(lang, ClassText::BadNumber));
            }
            n
        };
        let votes = number("votes_per_share", &self.votes_per_share)
            .map(|v| i32::try_from(v).unwrap_or(i32::MAX));
        let max = number("max_shares_per_holder", &self.max_shares_per_holder);
        let code = text(&self.code).unwrap_or_default().to_uppercase();
        let name = text(&self.name).unwrap_or_default();
        if name.is_empty() {
            errors.add("name", t(lang, dar_web::entries::EntryText::Required));
        }
        let rule = self
            .transfer_rule
            .as_deref()
            .and_then(TransferRule::parse)
            .unwrap_or(TransferRule::Free);
        match nominal {
            Some(nominal_value) if errors.is_empty() => Ok(CreateShareClass {
                code,
                name,
                nominal_value,
                issue_price,
                votes_per_share: votes,
                dividend_rights: Some(self.dividend_rights.as_deref() != Some("false")),
                transfer_rule: rule,
                max_shares_per_holder: max,
            }),
            _ => Err(errors),
        }
    }
}

/// The API's refusals, by field, in the user's language.
fn localized(lang: Language, e: &ApiError) -> Option<FieldErrors> {
    let mut errors = FieldErrors::default();
    match e {
        ApiError::Conflict(_) => errors.add("code", t(lang, ClassText::CodeTaken)),
        ApiError::Validation {
            errors: problems, ..
        }
        | ApiError::BadRequest {
            errors: problems, ..
        } => {
            for p in problems {
                let message = match p.field.as_str() {
                    "code" => t(lang, ClassText::BadCode),
                    "votes_per_share" | "max_shares_per_holder" => t(lang, ClassText::BadNumber),
                    _ => t(lang, dar_web::entries::EntryText::CheckValue),
                };
                errors.add(&p.field, message);
            }
        }
        _ => return None,
    }
    Some(errors)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    added: Option<String>,
}

struct Classes {
    name: String,
    slug: String,
    lines: Vec<pages::ClassLine>,
    may_write: bool,
}

fn read(
    conn: &mut DbConnection,
    principal: &Principal,
    key: &str,
    meta: &RequestMeta,
) -> Result<Classes, ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::ReadRegister, meta)?;
    let lines = dar_db::share_classes::list(conn, &tenant_id)?
        .into_iter()
        .map(|c| pages::ClassLine {
            transfer_rule: TransferRule::parse(&c.transfer_rule).unwrap_or(TransferRule::Free),
            code: c.code,
            name: c.name,
            nominal_cents: c.nominal_value_cents,
            issue_price_cents: c.issue_price_cents,
            votes_per_share: c.votes_per_share,
            dividend_rights: c.dividend_rights,
            max_per_holder: c.max_shares_per_holder,
        })
        .collect();
    Ok(Classes {
        name: tenant.legal_name,
        slug: tenant.slug,
        lines,
        may_write: access.role == Role::Admin,
    })
}

fn render(
    user: &WebUser,
    classes: Classes,
    values: &ClassValues,
    errors: &FieldErrors,
    added: bool,
    status: StatusCode,
) -> actix_web::HttpResponse {
    let lang = user.lang;
    let here = format!("/c/{}/classes", classes.slug);
    let form = classes.may_write.then_some(pages::ClassForm {
        csrf: &user.csrf,
        values,
        errors,
    });
    html_response(
        status,
        pages::classes_page(
            &frame(user, t(lang, ClassText::Classes), &here),
            &pages::ClassesPage {
                cooperative: &classes.name,
                slug: &classes.slug,
                classes: classes.lines,
                form,
                added,
            },
        ),
    )
}

#[get("/c/{tenant}/classes")]
async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: ListQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let classes = state
        .db(move |conn| read(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let values = ClassValues {
        votes_per_share: "1".into(),
        dividend_rights: "true".into(),
        transfer_rule: "free".into(),
        ..Default::default()
    };
    Ok(render(
        &user,
        classes,
        &values,
        &FieldErrors::default(),
        query.added.is_some(),
        StatusCode::OK,
    ))
}

#[post("/c/{tenant}/classes")]
async fn add(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: ClassForm = read_form(&user, &body)?;
    let key = path.into_inner();
    let values = form.values();
    let refused = |e: ApiError| localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang));
    let errors = match form.request(lang) {
        Err(errors) => errors,
        Ok(request) => match checked(request) {
            Err(e) => refused(e)?,
            Ok(new) => {
                let created = state
                    .tenant_write(
                        user.principal.clone(),
                        meta.clone(),
                        key.clone(),
                        Need::WriteRegister,
                        move |conn, scope| create_in(conn, scope, new),
                    )
                    .await;
                match created {
                    Ok(_) => return Ok(see_other(&format!("/c/{key}/classes?added=1"))),
                    Err(e) => refused(e)?,
                }
            }
        },
    };
    let principal = user.principal.clone();
    let classes = state
        .db(move |conn| read(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(render(
        &user,
        classes,
        &values,
        &errors,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}
