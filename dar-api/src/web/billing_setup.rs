//! The coordinator's billing set-up pages: invoicing identity, plans, billing profiles.
//! A form is turned into the API's own request and checked by the same functions, so a
//! value the API refuses is refused here too; problems come back in the user's language.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{PageError, PageResult, frame, html_response, read_form, see_other, session::WebUser};
use crate::auth::{BillingNeed, authorize_billing};
use crate::error::ApiError;
use crate::request::{RequestMeta, parse_value};
use crate::routes::billing::{self as api, IdentityInput, PlanInput, ProfileInput};
use crate::state::AppState;
use dar_core::ids::TenantId;
use dar_core::types::Language;
use dar_db::billing::{identity, plans, profiles};
use dar_web::billing_setup::{self as pages, SetupText, TIER_ROWS, Values};
use dar_web::forms::{FieldErrors, parse_amount, parse_date};
use dar_web::i18n::{money, t};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(identity_form)
        .service(save_identity)
        .service(plans_page)
        .service(create_plan)
        .service(plan_form)
        .service(save_plan)
        .service(profiles_page)
        .service(profile_form)
        .service(save_profile);
}

fn coordinator(user: &WebUser) -> Result<(), PageError> {
    authorize_billing(&user.principal, BillingNeed::Manage)
        .map_err(|_| PageError::NotFound { lang: user.lang })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DoneQuery {
    done: Option<String>,
}

fn saved(req: &HttpRequest, lang: Language) -> Result<bool, PageError> {
    let q: DoneQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    Ok(q.done.as_deref() == Some("saved"))
}

/// The problems of a refused request as the form's fields show them, in `lang`; `None`
/// for a refusal that is not about the values (the page says so instead).
fn localized(lang: Language, e: &ApiError) -> Option<FieldErrors> {
    use SetupText::*;
    let mut errors = FieldErrors::default();
    match e {
        ApiError::Conflict(_) => errors.add("code", t(lang, CodeTaken)),
        ApiError::Validation {
            errors: problems, ..
        }
        | ApiError::BadRequest {
            errors: problems, ..
        } => {
            for p in problems {
                let field = p.field.strip_prefix("address.").unwrap_or(&p.field);
                let field = field.split('[').next().unwrap_or(field);
                let text = match field {
                    "vat_number" => BadVatNumber,
                    "iban" => BadIban,
                    "email" => BadEmail,
                    "enterprise_number" => BadEnterpriseNumber,
                    "peppol_id" => BadPeppolId,
                    "tiers" => BadTiers,
                    "code" => BadCode,
                    "billing_start" => BadDate,
                    "yearly_fee" | "onboarding_fee" | "migration_fee" => BadAmount,
                    "postal_code" => {
                        errors.add(field, t(lang, dar_web::holders::HolderText::BadPostalCode));
                        continue;
                    }
                    _ if p.message.contains("required") || p.message.contains("needed") => Required,
                    _ => CheckValue,
                };
                errors.add(field, t(lang, text));
            }
        }
        _ => return None,
    }
    Some(errors)
}

/// Text or nothing: an empty field is an absent value.
fn opt(v: &str) -> Value {
    let v = v.trim();
    if v.is_empty() { Value::Null } else { json!(v) }
}

/// An amount typed as Belgians do (1.250,00) as the API's decimal string; a problem on
/// `field` when it cannot be read.
fn amount(lang: Language, errors: &mut FieldErrors, field: &str, v: &str) -> Value {
    if v.trim().is_empty() {
        return Value::Null;
    }
    match parse_amount(lang, v).filter(|c| *c >= 0) {
        Some(cents) => json!(crate::routes::money(cents)),
        None => {
            errors.add(field, t(lang, SetupText::BadAmount));
            Value::Null
        }
    }
}

// ---- Invoicing identity -------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IdentityForm {
    name: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    enterprise_number: String,
    vat_number: String,
    iban: String,
    bic: String,
    peppol_id: String,
    email: String,
    footer: String,
    payment_term_days: String,
}

impl IdentityForm {
    fn values(&self) -> Values {
        vec![
            ("name", self.name.clone()),
            ("street", self.street.clone()),
            ("postal_code", self.postal_code.clone()),
            ("city", self.city.clone()),
            ("country", self.country.clone()),
            ("enterprise_number", self.enterprise_number.clone()),
            ("vat_number", self.vat_number.clone()),
            ("iban", self.iban.clone()),
            ("bic", self.bic.clone()),
            ("peppol_id", self.peppol_id.clone()),
            ("email", self.email.clone()),
            ("footer", self.footer.clone()),
            ("payment_term_days", self.payment_term_days.clone()),
        ]
    }
}

fn identity_page(
    user: &WebUser,
    values: &Values,
    errors: &FieldErrors,
    done: bool,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    Ok(html_response(
        status,
        pages::identity(
            &frame(user, t(lang, SetupText::Identity), "/billing/identity"),
            &user.csrf,
            values,
            errors,
            done,
        ),
    ))
}

#[get("/billing/identity")]
async fn identity_form(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let done = saved(&req, lang)?;
    let row = state
        .db(|conn| Ok(identity::get(conn)?))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let form = match row {
        Some(r) => IdentityForm {
            name: r.name,
            street: r.street,
            postal_code: r.postal_code,
            city: r.city,
            country: r.country,
            enterprise_number: r.enterprise_number,
            vat_number: r.vat_number,
            iban: r.iban,
            bic: r.bic.unwrap_or_default(),
            peppol_id: r.peppol_id,
            email: r.email,
            footer: r.footer,
            payment_term_days: r.payment_term_days.to_string(),
        },
        None => IdentityForm {
            country: "BE".into(),
            payment_term_days: "30".into(),
            ..Default::default()
        },
    };
    identity_page(
        &user,
        &form.values(),
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    )
}

#[post("/billing/identity")]
async fn save_identity(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let form: IdentityForm = read_form(&user, &body)?;
    let mut errors = FieldErrors::default();
    let term: Option<i32> = form.payment_term_days.trim().parse().ok();
    if term.is_none() {
        errors.add("payment_term_days", t(lang, SetupText::CheckValue));
    }
    let request = json!({
        "name": form.name,
        "address": {"street": opt(&form.street), "postal_code": opt(&form.postal_code),
                    "city": opt(&form.city), "country": opt(&form.country)},
        "enterprise_number": form.enterprise_number,
        "vat_number": form.vat_number,
        "iban": form.iban,
        "bic": opt(&form.bic),
        "peppol_id": opt(&form.peppol_id),
        "email": form.email,
        "footer": opt(&form.footer),
        "payment_term_days": term,
    });
    let outcome = parse_value::<IdentityInput>(request, "").and_then(api::checked_identity);
    let row = match (outcome, errors.is_empty()) {
        (Ok(row), true) => row,
        (Ok(_), false) => {
            return identity_page(
                &user,
                &form.values(),
                &errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        (Err(e), _) => {
            for (f, m) in localized(lang, &e)
                .ok_or_else(|| PageError::from_api(e, lang))?
                .iter()
            {
                errors.add(f, m);
            }
            return identity_page(
                &user,
                &form.values(),
                &errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let principal = user.principal.clone();
    state
        .write(move |conn| api::save_identity(conn, &principal, &meta, row))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(see_other("/billing/identity?done=saved"))
}

// ---- Plans --------------------------------------------------------------------------------

/// The plan form's fields as typed: code, name, the fees, the VAT rate, and the tier table
/// (`up_to_N`, `member_N`, `non_member_N`).
#[derive(Deserialize, Default)]
struct PlanForm {
    #[serde(flatten)]
    fields: std::collections::BTreeMap<String, String>,
}

const PLAN_FIELDS: [&str; 5] = [
    "code",
    "name",
    "onboarding_fee",
    "migration_fee",
    "vat_rate",
];

impl PlanForm {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    fn values(&self) -> Values {
        let mut values: Values = PLAN_FIELDS
            .iter()
            .map(|n| (*n, self.get(n).to_string()))
            .collect();
        for i in 0..TIER_ROWS {
            for prefix in ["up_to", "member", "non_member"] {
                let name = pages::tier_field(&format!("{prefix}_{i}"));
                values.push((name, self.get(name).to_string()));
            }
        }
        values
    }

    /// Only the form's own fields: anything else is a form no page sends.
    fn known(&self) -> bool {
        self.fields
            .keys()
            .all(|k| PLAN_FIELDS.contains(&k.as_str()) || !pages::tier_field(k).is_empty())
    }

    /// The API's request for this plan, and the problems found reading the typed values.
    fn request(&self, lang: Language) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::default();
        let mut tiers = Vec::new();
        for i in 0..TIER_ROWS {
            let cell = |p: &str| self.get(&format!("{p}_{i}")).trim().to_string();
            let (up_to, member, non_member) = (cell("up_to"), cell("member"), cell("non_member"));
            if up_to.is_empty() && member.is_empty() && non_member.is_empty() {
                continue;
            }
            let limit = if up_to.is_empty() {
                Value::Null
            } else {
                match up_to.replace('.', "").parse::<u32>() {
                    Ok(n) => json!(n),
                    Err(_) => {
                        errors.add("tiers", t(lang, SetupText::BadTiers));
                        Value::Null
                    }
                }
            };
            let member = amount(lang, &mut errors, "tiers", &member);
            let non_member = amount(lang, &mut errors, "tiers", &non_member);
            tiers.push(json!({"up_to": limit, "member_fee": member, "non_member_fee": non_member}));
        }
        let onboarding = amount(
            lang,
            &mut errors,
            "onboarding_fee",
            self.get("onboarding_fee"),
        );
        let migration = amount(
            lang,
            &mut errors,
            "migration_fee",
            self.get("migration_fee"),
        );
        let request = json!({
            "code": opt(self.get("code")),
            "name": self.get("name"),
            "tiers": tiers,
            "onboarding_fee": if onboarding.is_null() { json!("0") } else { onboarding },
            "migration_fee": if migration.is_null() { json!("0") } else { migration },
            "vat_rate": opt(self.get("vat_rate")),
        });
        (request, errors)
    }
}

/// An amount as a form shows it for editing: the language's digits, no currency sign.
fn typed(lang: Language, cents: i64) -> String {
    money(lang, cents)
        .trim_end_matches(" €")
        .trim_start_matches('€')
        .to_string()
}

fn plan_values(lang: Language, plan: &dar_db::billing::plans::StoredPlan) -> Values {
    let amount = |cents: i64| typed(lang, cents);
    let mut values: Values = vec![
        ("code", plan.row.code.clone()),
        ("name", plan.row.name.clone()),
        ("onboarding_fee", amount(plan.row.onboarding_fee_cents)),
        ("migration_fee", amount(plan.row.migration_fee_cents)),
        ("vat_rate", plan.row.vat_rate.clone()),
    ];
    for (i, tier) in plan.tiers.iter().enumerate().take(TIER_ROWS) {
        values.push((
            pages::tier_field(&format!("up_to_{i}")),
            tier.up_to.map(|u| u.to_string()).unwrap_or_default(),
        ));
        values.push((
            pages::tier_field(&format!("member_{i}")),
            amount(tier.member_fee_cents),
        ));
        values.push((
            pages::tier_field(&format!("non_member_{i}")),
            amount(tier.non_member_fee_cents),
        ));
    }
    values
}

async fn plans_response(
    state: &web::Data<AppState>,
    user: &WebUser,
    values: &Values,
    errors: &FieldErrors,
    done: bool,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let stored = state
        .db(|conn| Ok(plans::list(conn)?))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let mut lines = Vec::new();
    for p in &stored {
        let plan = p.plan().map_err(|e| PageError::from_api(e.into(), lang))?;
        lines.push(pages::PlanLine {
            code: p.row.code.clone(),
            name: p.row.name.clone(),
            tiers: plan
                .tiers()
                .iter()
                .enumerate()
                .map(|(i, tier)| {
                    (
                        plan.tier_from(i),
                        tier.up_to,
                        money(lang, tier.member_fee.cents()),
                        money(lang, tier.non_member_fee.cents()),
                    )
                })
                .collect(),
            onboarding: money(lang, plan.onboarding_fee.cents()),
            migration: money(lang, plan.migration_fee.cents()),
            vat_rate: if p.row.vat_rate == "exempt" {
                "0 %".into()
            } else {
                format!("{} %", p.row.vat_rate)
            },
        });
    }
    Ok(html_response(
        status,
        pages::plans(
            &frame(user, t(lang, SetupText::Plans), "/billing/plans"),
            &user.csrf,
            &lines,
            values,
            errors,
            done,
        ),
    ))
}

#[get("/billing/plans")]
async fn plans_page(state: web::Data<AppState>, user: WebUser, req: HttpRequest) -> PageResult {
    coordinator(&user)?;
    let done = saved(&req, user.lang)?;
    let blank: Values = vec![("vat_rate", "21".into())];
    plans_response(
        &state,
        &user,
        &blank,
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    )
    .await
}

/// Reads a plan form; `Err` with the problems to show beside its fields.
fn plan_request(
    user: &WebUser,
    form: &PlanForm,
) -> Result<Result<PlanInput, FieldErrors>, PageError> {
    let lang = user.lang;
    if !form.known() {
        return Err(PageError::BadForm { lang });
    }
    let (request, mut errors) = form.request(lang);
    match parse_value::<PlanInput>(request, "") {
        Ok(input) if errors.is_empty() => Ok(Ok(input)),
        Ok(_) => Ok(Err(errors)),
        Err(e) => {
            for (f, m) in localized(lang, &e)
                .ok_or_else(|| PageError::from_api(e, lang))?
                .iter()
            {
                errors.add(f, m);
            }
            Ok(Err(errors))
        }
    }
}

#[post("/billing/plans")]
async fn create_plan(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let form: PlanForm = read_form(&user, &body)?;
    let errors = match plan_request(&user, &form)? {
        Ok(input) => {
            let principal = user.principal.clone();
            let outcome = match api::new_plan(input) {
                Ok(plan) => state
                    .write(move |conn| api::create_in(conn, &principal, &meta, plan))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(()) => return Ok(see_other("/billing/plans?done=saved")),
                Err(e) => localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?,
            }
        }
        Err(errors) => errors,
    };
    plans_response(
        &state,
        &user,
        &form.values(),
        &errors,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn plan_page(
    user: &WebUser,
    code: &str,
    values: &Values,
    errors: &FieldErrors,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let path = format!("/billing/plans/{code}");
    Ok(html_response(
        status,
        pages::plan(
            &frame(user, t(lang, SetupText::Plan), &path),
            &user.csrf,
            code,
            values,
            errors,
        ),
    ))
}

#[get("/billing/plans/{code}")]
async fn plan_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let key = path.into_inner();
    let plan = state
        .db(move |conn| Ok(plans::get(conn, &key)?))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    plan_page(
        &user,
        &plan.row.code,
        &plan_values(lang, &plan),
        &FieldErrors::default(),
        StatusCode::OK,
    )
}

#[post("/billing/plans/{code}")]
async fn save_plan(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let code = path.into_inner();
    let mut form: PlanForm = read_form(&user, &body)?;
    form.fields.remove("code");
    let errors = match plan_request(&user, &form)? {
        Ok(input) => {
            let (principal, key) = (user.principal.clone(), code.clone());
            match state
                .write(move |conn| api::replace_in(conn, &principal, &meta, &key, input))
                .await
            {
                Ok(_) => return Ok(see_other("/billing/plans?done=saved")),
                Err(e) => localized(lang, &e).ok_or_else(|| PageError::from_api(e, lang))?,
            }
        }
        Err(errors) => errors,
    };
    plan_page(
        &user,
        &code,
        &form.values(),
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

// ---- Billing profiles ---------------------------------------------------------------------

#[get("/billing/profiles")]
async fn profiles_page(state: web::Data<AppState>, user: WebUser) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let lines = state
        .db(move |conn| {
            let mut lines = Vec::new();
            for tenant in dar_db::tenants::list(conn, None, 100_000)? {
                let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
                let profile = match profiles::get(conn, &id)? {
                    Some(p) => {
                        let plan = plans::get(conn, &p.plan_id)?;
                        Some((
                            plan.row.name,
                            p.member,
                            dar_web::i18n::date(p.billing_start),
                            p.email,
                        ))
                    }
                    None => None,
                };
                lines.push(pages::ProfileLine {
                    slug: tenant.slug,
                    name: tenant.legal_name,
                    profile,
                });
            }
            lines.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(lines)
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    Ok(html_response(
        StatusCode::OK,
        pages::profiles(
            &frame(&user, t(lang, SetupText::Profiles), "/billing/profiles"),
            &lines,
        ),
    ))
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct ProfileForm {
    plan: String,
    member: String,
    billing_start: String,
    migration: String,
    name: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    enterprise_number: String,
    vat_number: String,
    peppol_id: String,
    email: String,
    language: String,
    yearly_fee: String,
    onboarding_fee: String,
    migration_fee: String,
}

impl ProfileForm {
    fn values(&self) -> Values {
        vec![
            ("plan", self.plan.clone()),
            ("member", self.member.clone()),
            ("billing_start", self.billing_start.clone()),
            ("migration", self.migration.clone()),
            ("name", self.name.clone()),
            ("street", self.street.clone()),
            ("postal_code", self.postal_code.clone()),
            ("city", self.city.clone()),
            ("country", self.country.clone()),
            ("enterprise_number", self.enterprise_number.clone()),
            ("vat_number", self.vat_number.clone()),
            ("peppol_id", self.peppol_id.clone()),
            ("email", self.email.clone()),
            ("language", self.language.clone()),
            ("yearly_fee", self.yearly_fee.clone()),
            ("onboarding_fee", self.onboarding_fee.clone()),
            ("migration_fee", self.migration_fee.clone()),
        ]
    }
}

/// The cooperative `slug` (its slug and name), the plans (code, name) and the form.
async fn profile_view(
    state: &web::Data<AppState>,
    lang: Language,
    slug: String,
) -> Result<((String, String), Vec<(String, String)>, ProfileForm), PageError> {
    state
        .db(move |conn| {
            let tenant = dar_db::tenants::find(conn, &slug)?;
            let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
            let all = plans::list(conn)?;
            let amount = |cents: Option<i64>| cents.map(|c| typed(lang, c)).unwrap_or_default();
            let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
            let form = match profiles::get(conn, &id)? {
                Some(p) => ProfileForm {
                    plan: all
                        .iter()
                        .find(|x| x.row.id == p.plan_id)
                        .map(|x| x.row.code.clone())
                        .unwrap_or_default(),
                    member: yes(p.member),
                    billing_start: dar_web::i18n::date(p.billing_start),
                    migration: yes(p.migration),
                    name: p.name,
                    street: p.street,
                    postal_code: p.postal_code,
                    city: p.city,
                    country: p.country,
                    enterprise_number: p.enterprise_number,
                    vat_number: p.vat_number.unwrap_or_default(),
                    peppol_id: p.peppol_id.unwrap_or_default(),
                    email: p.email,
                    language: p.language,
                    yearly_fee: amount(p.yearly_fee_cents),
                    onboarding_fee: amount(p.onboarding_fee_cents),
                    migration_fee: amount(p.migration_fee_cents),
                },
                None => ProfileForm {
                    member: "yes".into(),
                    migration: "no".into(),
                    billing_start: dar_web::i18n::date(crate::billing::today()),
                    name: tenant.legal_name.clone(),
                    street: tenant.street.clone().unwrap_or_default(),
                    postal_code: tenant.postal_code.clone().unwrap_or_default(),
                    city: tenant.city.clone().unwrap_or_default(),
                    country: tenant.country.clone(),
                    enterprise_number: tenant.enterprise_number.clone(),
                    language: tenant.default_language.clone(),
                    ..Default::default()
                },
            };
            let plans = all.into_iter().map(|p| (p.row.code, p.row.name)).collect();
            Ok(((tenant.slug, tenant.legal_name), plans, form))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))
}

fn profile_page(
    user: &WebUser,
    coop: &(String, String),
    plans: &[(String, String)],
    values: &Values,
    errors: &FieldErrors,
    done: bool,
    status: StatusCode,
) -> PageResult {
    let lang = user.lang;
    let path = format!("/billing/profiles/{}", coop.0);
    Ok(html_response(
        status,
        pages::profile(
            &frame(user, t(lang, SetupText::Profiles), &path),
            &user.csrf,
            (&coop.0, &coop.1),
            plans,
            values,
            errors,
            done,
        ),
    ))
}

#[get("/billing/profiles/{slug}")]
async fn profile_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let done = saved(&req, lang)?;
    let (coop, plans, form) = profile_view(&state, lang, path.into_inner()).await?;
    profile_page(
        &user,
        &coop,
        &plans,
        &form.values(),
        &FieldErrors::default(),
        done,
        StatusCode::OK,
    )
}

#[post("/billing/profiles/{slug}")]
async fn save_profile(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> PageResult {
    coordinator(&user)?;
    let lang = user.lang;
    let slug = path.into_inner();
    let form: ProfileForm = read_form(&user, &body)?;
    let mut errors = FieldErrors::default();
    let billing_start = match parse_date(&form.billing_start) {
        Some(d) => json!(d.to_string()),
        None => {
            errors.add("billing_start", t(lang, SetupText::BadDate));
            Value::Null
        }
    };
    let request = json!({
        "plan": form.plan,
        "member": form.member == "yes",
        "billing_start": billing_start,
        "migration": form.migration == "yes",
        "name": opt(&form.name),
        "address": {"street": opt(&form.street), "postal_code": opt(&form.postal_code),
                    "city": opt(&form.city), "country": opt(&form.country)},
        "enterprise_number": opt(&form.enterprise_number),
        "vat_number": opt(&form.vat_number),
        "peppol_id": opt(&form.peppol_id),
        "email": form.email,
        "language": opt(&form.language),
        "yearly_fee": amount(lang, &mut errors, "yearly_fee", &form.yearly_fee),
        "onboarding_fee": amount(lang, &mut errors, "onboarding_fee", &form.onboarding_fee),
        "migration_fee": amount(lang, &mut errors, "migration_fee", &form.migration_fee),
    });
    if errors.is_empty() {
        let outcome = match parse_value::<ProfileInput>(request, "") {
            Ok(input) => {
                let (principal, key) = (user.principal.clone(), slug.clone());
                state
                    .write(move |conn| api::save_profile(conn, &principal, &meta, &key, input))
                    .await
                    .map(|_| ())
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => return Ok(see_other(&format!("/billing/profiles/{slug}?done=saved"))),
            Err(ApiError::NotFound) => return Err(PageError::NotFound { lang }),
            Err(e) => {
                for (f, m) in localized(lang, &e)
                    .ok_or_else(|| PageError::from_api(e, lang))?
                    .iter()
                {
                    errors.add(f, m);
                }
            }
        }
    }
    let (coop, plans, _) = profile_view(&state, lang, slug).await?;
    profile_page(
        &user,
        &coop,
        &plans,
        &form.values(),
        &errors,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}
