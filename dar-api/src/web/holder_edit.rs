//! An administrator changes a shareholder from the browser, through the same checks and
//! store functions as the API's PATCH (`routes::shareholders::update_in`); refusals come
//! back next to their fields in the user's language. Also the holder page's administrator
//! sections: the identity's versions and the portal accounts that see the holder.

use actix_web::http::StatusCode;
use actix_web::{get, post, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::session::WebUser;
use super::{PageError, PageResult, html_response, read_form, see_other};
use crate::auth::Need;
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::shareholders::{UpdateShareholder, update_in};
use crate::routes::tenant_access;
use crate::routes::tenants::Address;
use crate::state::AppState;
use crate::validate::{NAME_MAX, Name};
use dar_core::ids::{ShareholderId, TenantId};
use dar_core::types::{Language, ShareholderStatus};
use dar_db::shareholders::ShareholderRow;
use dar_web::forms::{FieldErrors, parse_date};
use dar_web::holder_edit::{self as pages, AccessLine, EditText, EditValues, VersionLine};
use dar_web::holders::HolderText;
use dar_web::i18n::{date, t};
use dar_web::pages::Tools;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(edit_form).service(edit);
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EditForm {
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
    valid_from: Option<String>,
    status: Option<String>,
    exit_date: Option<String>,
    exit_reason: Option<String>,
}

impl EditForm {
    fn values(&self) -> EditValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        EditValues {
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
            valid_from: s(&self.valid_from),
            status: s(&self.status),
            exit_date: s(&self.exit_date),
            exit_reason: s(&self.exit_reason),
        }
    }
}

/// The form as the register has the holder now.
fn current_values(row: &ShareholderRow, today: NaiveDate) -> EditValues {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    EditValues {
        first_name: s(&row.first_name),
        last_name: s(&row.last_name),
        legal_name: s(&row.legal_name),
        national_number: s(&row.national_number),
        enterprise_number: s(&row.enterprise_number),
        birth_date: row.birth_date.map(date).unwrap_or_default(),
        email: s(&row.email),
        phone: s(&row.phone),
        street: s(&row.street),
        postal_code: s(&row.postal_code),
        city: s(&row.city),
        country: s(&row.country),
        iban: s(&row.iban),
        language: row.language.clone(),
        valid_from: date(today),
        status: row.status.clone(),
        exit_date: row.exit_date.map(date).unwrap_or_default(),
        exit_reason: s(&row.exit_reason),
    }
}

/// The API's change for what was typed: only the values that differ from what the form
/// showed, so an untouched field is kept as the register has it (and a value the register
/// stores in another spelling does not count as a change). Or the fields that cannot even
/// be read.
fn request(
    lang: Language,
    typed: &EditValues,
    shown: &EditValues,
) -> Result<UpdateShareholder, FieldErrors> {
    let mut errors = FieldErrors::default();
    let changed = |a: &str, b: &str| a.trim() != b.trim();
    let text = |v: &str| {
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    // A changed identifier or contact detail: an empty text clears it.
    let cleared = |typed: &str, shown: &str| changed(typed, shown).then(|| typed.trim().into());
    let mut name = |field: &str, typed: &str, shown: &str| {
        if !changed(typed, shown) {
            return None;
        }
        let Some(v) = text(typed) else {
            errors.add(field, t(lang, EditText::CannotBeEmptied));
            return None;
        };
        match dar_core::text::name(&v, NAME_MAX) {
            Ok(n) => Some(Name(n)),
            Err(_) => {
                errors.add(field, t(lang, HolderText::TooLong));
                None
            }
        }
    };
    let first_name = name("first_name", &typed.first_name, &shown.first_name);
    let last_name = name("last_name", &typed.last_name, &shown.last_name);
    let legal_name = name("legal_name", &typed.legal_name, &shown.legal_name);
    let birth_emptied =
        changed(&typed.birth_date, &shown.birth_date) && text(&typed.birth_date).is_none();
    let mut day = |field: &str, v: &str, bad: &'static str| {
        let v = text(v)?;
        let parsed = parse_date(&v);
        if parsed.is_none() {
            errors.add(field, bad);
        }
        parsed
    };
    let birth_date = if changed(&typed.birth_date, &shown.birth_date) {
        day(
            "birth_date",
            &typed.birth_date,
            t(lang, HolderText::BadBirthDate),
        )
    } else {
        None
    };
    let valid_from = day(
        "valid_from",
        &typed.valid_from,
        t(lang, EditText::BadValidFrom),
    );
    let exit_date = day(
        "exit_date",
        &typed.exit_date,
        t(lang, EditText::BadExitDate),
    );
    if birth_emptied {
        errors.add("birth_date", t(lang, EditText::CannotBeEmptied));
    }
    // The select offers only the four statuses; anything else keeps the status as it is.
    let status = ShareholderStatus::parse(typed.status.trim());
    let status_touched = changed(&typed.status, &shown.status)
        || changed(&typed.exit_date, &shown.exit_date)
        || changed(&typed.exit_reason, &shown.exit_reason);
    let address_touched = changed(&typed.street, &shown.street)
        || changed(&typed.postal_code, &shown.postal_code)
        || changed(&typed.city, &shown.city)
        || changed(&typed.country, &shown.country);
    let language = if changed(&typed.language, &shown.language) {
        Language::parse(typed.language.trim())
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(UpdateShareholder {
        first_name,
        last_name,
        legal_name,
        national_number: cleared(&typed.national_number, &shown.national_number),
        enterprise_number: cleared(&typed.enterprise_number, &shown.enterprise_number),
        birth_date,
        email: cleared(&typed.email, &shown.email),
        phone: cleared(&typed.phone, &shown.phone),
        address: address_touched.then(|| Address {
            street: text(&typed.street),
            postal_code: text(&typed.postal_code),
            city: text(&typed.city),
            country: text(&typed.country),
        }),
        iban: cleared(&typed.iban, &shown.iban),
        language,
        valid_from,
        status: status.filter(|_| status_touched),
        exit_date: exit_date.filter(|_| status_touched),
        exit_reason: status_touched.then(|| typed.exit_reason.trim().to_string()),
    })
}

/// What the API's checks refused, said in the user's language next to each field. The
/// message depends on the field and, where a field can be refused for several reasons,
/// on which rule refused it.
fn localized(lang: Language, e: &ApiError) -> Option<FieldErrors> {
    let problems = match e {
        ApiError::Validation { errors, .. } | ApiError::BadRequest { errors, .. } => errors,
        // The register refuses a second holder with the same number (dar-db's
        // `refuse_duplicate`): said at the number that was typed.
        ApiError::Conflict(message) if message.contains("has the same") => {
            let field = if message.contains("enterprise number") {
                "enterprise_number"
            } else {
                "national_number"
            };
            let mut errors = FieldErrors::default();
            errors.add(field, t(lang, EditText::SameNumberElsewhere));
            return Some(errors);
        }
        _ => return None,
    };
    let mut errors = FieldErrors::default();
    for p in problems {
        let field = p.field.strip_prefix("address.").unwrap_or(&p.field);
        let h = |x: HolderText| t(lang, x);
        let e = |x: EditText| t(lang, x);
        let text = match field {
            "last_name" if p.message.contains("required") => h(HolderText::NeedsLastName),
            "legal_name" if p.message.contains("required") => h(HolderText::NeedsLegalName),
            "national_number" if p.message.starts_with("only natural") => {
                h(HolderText::NotForLegal)
            }
            "enterprise_number" if p.message.starts_with("only legal") => {
                h(HolderText::NotForNatural)
            }
            "birth_date" if p.message.starts_with("a legal entity") => h(HolderText::NotForLegal),
            "national_number" => h(HolderText::BadNationalNumber),
            "enterprise_number" => h(HolderText::BadEnterpriseNumber),
            "birth_date" => h(HolderText::BadBirthDate),
            "email" => h(HolderText::BadEmail),
            "iban" => h(HolderText::BadIban),
            "postal_code" => h(HolderText::BadPostalCode),
            "country" => h(HolderText::BadCountry),
            "valid_from" => e(EditText::BadValidFrom),
            "status" if p.message.contains("still holds shares") => e(EditText::StillHoldsShares),
            "exit_date" if p.message.contains("required") => e(EditText::ExitDateRequired),
            "exit_date" => e(EditText::BadExitDate),
            _ => h(HolderText::TooLong),
        };
        errors.add(field, text);
    }
    Some(errors)
}

/// What the edit page shows around the form.
struct Holder {
    cooperative: String,
    slug: String,
    tools: Tools,
    banner: Option<dar_web::support::SessionBanner>,
    row: ShareholderRow,
    shows_national_number: bool,
    today: NaiveDate,
}

fn load(
    conn: &mut dar_db::DbConnection,
    principal: &crate::auth::Principal,
    key: &str,
    holder: &ShareholderId,
    meta: &RequestMeta,
) -> crate::error::ApiResult<Holder> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let chrome = super::support::chrome(conn, principal, &tenant, &access, meta)?;
    let row = dar_db::shareholders::get(conn, &tenant_id, holder)?;
    Ok(Holder {
        cooperative: tenant.legal_name,
        slug: tenant.slug,
        tools: chrome.tools,
        banner: chrome.banner,
        row,
        shows_national_number: access.sees_national_number(holder),
        today: dar_core::time::brussels_date(Utc::now()),
    })
}

impl Holder {
    fn shown(&self) -> EditValues {
        let mut v = current_values(&self.row, self.today);
        if !self.shows_national_number {
            v.national_number.clear();
        }
        v
    }
}

fn form_page(
    user: &WebUser,
    h: &Holder,
    values: &EditValues,
    errors: &FieldErrors,
    status: StatusCode,
) -> actix_web::HttpResponse {
    let lang = user.lang;
    let here = format!("/c/{}/shareholders/{}/edit", h.slug, h.row.id);
    html_response(
        status,
        pages::edit_holder(
            &super::support::cooperative_frame(
                user,
                t(lang, EditText::EditDetails),
                &here,
                h.banner.as_ref(),
            ),
            &pages::EditHolder {
                cooperative: &h.cooperative,
                slug: &h.slug,
                holder_id: &h.row.id,
                name: &h.row.display_name(),
                register_number: h.row.register_number,
                legal: h.row.kind == "legal",
                shows_national_number: h.shows_national_number,
                csrf: &user.csrf,
                values,
                errors,
                tools: h.tools,
            },
        ),
    )
}

#[get("/c/{tenant}/shareholders/{id}/edit")]
async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let holder: ShareholderId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let k = key.clone();
    let h = state
        .db(move |conn| load(conn, &principal, &k, &holder, &meta))
        .await
        .map_err(|e| super::support::cooperative_error(e, &user, &key))?;
    Ok(form_page(
        &user,
        &h,
        &h.shown(),
        &FieldErrors::default(),
        StatusCode::OK,
    ))
}

#[post("/c/{tenant}/shareholders/{id}/edit")]
async fn edit(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let form: EditForm = read_form(&user, &body)?;
    let (key, id) = path.into_inner();
    let holder: ShareholderId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let (k, m, p) = (key.clone(), meta.clone(), principal.clone());
    let h = state
        .db(move |conn| load(conn, &p, &k, &holder, &m))
        .await
        .map_err(|e| super::support::cooperative_error(e, &user, &key))?;
    let typed = form.values();
    let request = match request(lang, &typed, &h.shown()) {
        Ok(r) => r,
        Err(errors) => {
            return Ok(form_page(
                &user,
                &h,
                &typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let actor = principal.user_id.to_string();
    let updated = state
        .tenant_write(
            principal,
            meta,
            key,
            Need::WriteRegister,
            move |conn, scope| update_in(conn, scope, &holder, &request, &actor),
        )
        .await;
    match updated {
        Ok(view) => Ok(see_other(&format!(
            "/c/{}/shareholders/{}?updated=1",
            h.slug, view.id
        ))),
        Err(e) => match localized(lang, &e) {
            Some(errors) => Ok(form_page(
                &user,
                &h,
                &typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            None => Err(PageError::from_api(e, lang)),
        },
    }
}

/// The holder page's sections for an administrator: every identity version and the portal
/// accounts that see this holder. Only administrators get them: the versions hold every
/// past address, e-mail and account number, and the accounts are other people's e-mail
/// addresses, personal data a viewer of the register has no need for.
pub(crate) fn admin_sections(
    conn: &mut dar_db::DbConnection,
    tenant: &TenantId,
    holder: &ShareholderId,
    lang: Language,
) -> crate::error::ApiResult<dar_web::Markup> {
    let versions = dar_db::shareholders::versions(conn, tenant, holder)?
        .into_iter()
        .map(|v| {
            let name = match (&v.legal_name, &v.first_name, &v.last_name) {
                (Some(legal), _, _) => legal.clone(),
                (None, first, last) => [first.as_deref(), last.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let place = [v.postal_code.as_deref(), v.city.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let address = [
                v.street.clone(),
                (!place.is_empty()).then_some(place),
                v.country.clone().filter(|c| c != "BE"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            VersionLine {
                version: v.version,
                valid_from: v.valid_from,
                name,
                address,
                email: v.email,
                iban: v.iban,
            }
        })
        .collect::<Vec<_>>();
    let id = holder.to_string();
    let access = dar_db::users::tenant_members(conn, tenant)?
        .into_iter()
        .filter(|m| m.shareholder_id.as_deref() == Some(id.as_str()))
        .map(|m| AccessLine {
            email: m.email,
            since: m.since,
        })
        .collect::<Vec<_>>();
    Ok(pages::admin_sections(lang, &versions, &access))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untouched_form_changes_nothing() {
        let shown = EditValues {
            last_name: "Peeters".into(),
            iban: "BE68539007547034".into(),
            status: "active".into(),
            language: "nl".into(),
            valid_from: "01/01/2026".into(),
            ..Default::default()
        };
        let r = request(Language::Nl, &shown, &shown).unwrap();
        assert!(r.last_name.is_none() && r.iban.is_none() && r.address.is_none());
        assert!(r.status.is_none() && r.exit_reason.is_none() && r.language.is_none());
    }

    #[test]
    fn a_number_another_holder_has_is_said_at_that_number() {
        let e = ApiError::Conflict(
            "shareholder 3 of this register has the same enterprise number".into(),
        );
        let errors = localized(Language::En, &e).unwrap();
        assert_eq!(
            errors.of("enterprise_number"),
            Some(t(Language::En, EditText::SameNumberElsewhere))
        );
    }

    #[test]
    fn the_refusal_of_an_exit_with_shares_is_said_at_the_status() {
        let e = ApiError::invalid(
            "status",
            "this shareholder still holds shares: redeem or transfer them first",
        );
        let errors = localized(Language::Fr, &e).unwrap();
        assert_eq!(
            errors.of("status"),
            Some(t(Language::Fr, EditText::StillHoldsShares))
        );
    }
}
