//! Recording ledger entries in the browser: a form per kind, a preview of the effect
//! computed by the real append path (rolled back), then the post through the ledger writer
//! like the API's, with an idempotency key minted for the preview so a double click posts
//! once. Refusals of the register rules are shown next to their field in the user's
//! language.

use std::collections::HashMap;

use actix_web::{HttpRequest, get, post, web};
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::session::WebUser;
use super::{HolderNames, PageError, PageResult, ok, read_form, see_other};
use crate::auth::{Need, Principal, tokens};
use crate::error::ApiError;
use crate::request::RequestMeta;
use crate::routes::ledger::{
    EntryInput, IssueInput, PaymentInput, RedemptionInput, ReversalInput, TransferInput,
    append_request,
};
use crate::routes::tenant_access;
use crate::state::AppState;
use crate::validate::HolderRef;
use dar_core::chain::EntryRecord;
use dar_core::ids::{EntryId, ShareholderId, TenantId};
use dar_core::money::{Money, ShareCount};
use dar_core::types::{EntryKind, Language, Role};
use dar_db::DbConnection;
use dar_db::ledger::{Appended, Position};
use dar_web::entries::{self as pages, Cooperative, EntryText, EntryValues, ledger_error};
use dar_web::forms::{FieldErrors, parse_amount, parse_count, parse_date};
use dar_web::i18n::t;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(choose)
        .service(new_form)
        .service(submit)
        .service(reverse_form)
        .service(submit_reversal)
        .service(entry)
        .service(ledger);
}

/// The entry form as submitted: every field as typed, checked here.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EntryFormBody {
    step: Option<String>,
    key: Option<String>,
    share_class: Option<String>,
    from: Option<String>,
    to: Option<String>,
    quantity: Option<String>,
    price_per_share: Option<String>,
    paid: Option<String>,
    amount: Option<String>,
    effective_date: Option<String>,
    reason: Option<String>,
    external_reference: Option<String>,
    reverses: Option<String>,
}

impl EntryFormBody {
    fn values(&self) -> EntryValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        EntryValues {
            share_class: s(&self.share_class),
            from: s(&self.from),
            to: s(&self.to),
            quantity: s(&self.quantity),
            price_per_share: s(&self.price_per_share),
            paid: s(&self.paid),
            amount: s(&self.amount),
            effective_date: s(&self.effective_date),
            reason: s(&self.reason),
            external_reference: s(&self.external_reference),
            reverses: s(&self.reverses),
        }
    }
}

/// Prefilled holders when the form is opened from a shareholder's page.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Prefill {
    from: Option<String>,
    to: Option<String>,
}

fn kind_of(path: &str, lang: Language) -> Result<EntryKind, PageError> {
    match EntryKind::parse(path) {
        Some(k) if k != EntryKind::Reversal => Ok(k),
        _ => Err(PageError::NotFound { lang }),
    }
}

/// What every entry page shows of the cooperative.
struct Context {
    name: String,
    slug: String,
    tenant_id: TenantId,
    classes: Vec<(String, String)>,
    chrome: super::support::Chrome,
}

/// The cooperative, for someone who may write its register.
fn writable(
    conn: &mut DbConnection,
    principal: &Principal,
    key: &str,
    meta: &RequestMeta,
) -> Result<Context, ApiError> {
    let (tenant, tenant_id, access) =
        tenant_access(conn, principal, key, Need::WriteRegister, meta)?;
    let chrome = super::support::chrome(conn, principal, &tenant, &access, meta)?;
    let classes = dar_db::share_classes::list(conn, &tenant_id)?
        .into_iter()
        .map(|c| (c.code.clone(), format!("{} · {}", c.code, c.name)))
        .collect();
    Ok(Context {
        name: tenant.legal_name,
        slug: tenant.slug,
        tenant_id,
        classes,
        chrome,
    })
}

/// The choice of what to record.
#[get("/c/{tenant}/entries/new")]
async fn choose(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let prefill: Prefill = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let key = path.into_inner();
    let principal = user.principal.clone();
    let ctx = state
        .db(move |conn| writable(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let query = prefill_query(&prefill);
    let here = format!("/c/{}/entries/new", ctx.slug);
    let coop = Cooperative {
        name: &ctx.name,
        slug: &ctx.slug,
        tools: ctx.chrome.tools,
    };
    ok(pages::choose_kind(
        &super::support::cooperative_frame(
            &user,
            t(lang, EntryText::NewEntry),
            &here,
            ctx.chrome.banner.as_ref(),
        ),
        &coop,
        &query,
    ))
}

/// The query that carries prefilled register numbers on to the chosen form.
fn prefill_query(p: &Prefill) -> String {
    let pairs: Vec<(&str, &str)> = [("from", &p.from), ("to", &p.to)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

#[get("/c/{tenant}/entries/new/{kind}")]
async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let (key, kind) = path.into_inner();
    let kind = kind_of(&kind, lang)?;
    let prefill: Prefill = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let ctx = state
        .db(move |conn| writable(conn, &principal, &key, &meta))
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let values = EntryValues {
        from: prefill.from.unwrap_or_default(),
        to: prefill.to.unwrap_or_default(),
        share_class: ctx.classes.first().map(|c| c.0.clone()).unwrap_or_default(),
        ..Default::default()
    };
    Ok(form_page(
        &user,
        &ctx,
        kind,
        &values,
        &FieldErrors::default(),
        None,
        200,
    ))
}

fn form_page(
    user: &WebUser,
    ctx: &Context,
    kind: EntryKind,
    values: &EntryValues,
    errors: &FieldErrors,
    reversed: Option<pages::EntrySummary>,
    status: u16,
) -> actix_web::HttpResponse {
    let lang = user.lang;
    let here = match kind {
        EntryKind::Reversal => format!("/c/{}/entries/{}/reverse", ctx.slug, values.reverses),
        _ => format!("/c/{}/entries/new/{}", ctx.slug, kind.as_str()),
    };
    let coop = Cooperative {
        name: &ctx.name,
        slug: &ctx.slug,
        tools: ctx.chrome.tools,
    };
    let body = pages::entry_form(
        &super::support::cooperative_frame(
            user,
            t(lang, EntryText::NewEntry),
            &here,
            ctx.chrome.banner.as_ref(),
        ),
        &coop,
        &pages::EntryForm {
            kind,
            csrf: &user.csrf,
            values,
            errors,
            classes: ctx.classes.clone(),
            reversed,
        },
    );
    super::html_response(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY),
        body,
    )
}

/// Reads the typed values of `kind` into the API's entry input, or every field that is
/// wrong, in the user's language.
fn entry_input(
    lang: Language,
    kind: EntryKind,
    f: &EntryFormBody,
) -> Result<EntryInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let holder = |errors: &mut FieldErrors, name: &str, v: &Option<String>| match text(v) {
        None => {
            errors.add(name, t(lang, EntryText::Required));
            None
        }
        Some(v) => match parse_count(lang, v) {
            Some(n) if n >= 1 => Some(HolderRef::Number(n)),
            _ => {
                errors.add(name, t(lang, EntryText::NotARegisterNumber));
                None
            }
        },
    };
    let quantity = |errors: &mut FieldErrors| match text(&f.quantity) {
        None => {
            errors.add("quantity", t(lang, EntryText::Required));
            None
        }
        Some(v) => match parse_count(lang, v).and_then(|n| ShareCount::new(n).ok()) {
            Some(q) => Some(q),
            None => {
                errors.add("quantity", t(lang, EntryText::NotACount));
                None
            }
        },
    };
    let amount =
        |errors: &mut FieldErrors, name: &str, v: &Option<String>, required: bool| match text(v) {
            None => {
                if required {
                    errors.add(name, t(lang, EntryText::Required));
                }
                None
            }
            Some(v) => match parse_amount(lang, v).and_then(|c| Money::from_cents(c).ok()) {
                Some(m) => Some(m),
                None => {
                    errors.add(name, t(lang, EntryText::NotAnAmount));
                    None
                }
            },
        };
    let effective_date = |errors: &mut FieldErrors, required: bool| match text(&f.effective_date) {
        None => {
            if required {
                errors.add("effective_date", t(lang, EntryText::Required));
            }
            None
        }
        Some(v) => match parse_date(v) {
            Some(d) => Some(d),
            None => {
                errors.add("effective_date", t(lang, EntryText::NotADate));
                None
            }
        },
    };
    let share_class = |errors: &mut FieldErrors| match text(&f.share_class) {
        Some(c) => Some(c.to_string()),
        None => {
            errors.add("share_class", t(lang, EntryText::UnknownClass));
            None
        }
    };
    let reason = |errors: &mut FieldErrors, required: bool| {
        let r = text(&f.reason).map(str::to_string);
        if required && r.is_none() {
            errors.add("reason", t(lang, EntryText::Required));
        }
        r
    };
    let reference = text(&f.external_reference).map(str::to_string);
    let kind_name = kind.as_str().to_string();
    let input = match kind {
        EntryKind::Issue => {
            let share_class = share_class(&mut errors);
            let to = holder(&mut errors, "to", &f.to);
            let quantity = quantity(&mut errors);
            let price = amount(&mut errors, "price_per_share", &f.price_per_share, false);
            let paid = amount(&mut errors, "paid", &f.paid, false);
            let date = effective_date(&mut errors, true);
            let reason = reason(&mut errors, false);
            match (share_class, to, quantity, date) {
                (Some(share_class), Some(to), Some(quantity), Some(effective_date))
                    if errors.is_empty() =>
                {
                    Some(EntryInput::Issue(IssueInput {
                        kind: kind_name,
                        share_class,
                        to,
                        quantity,
                        price_per_share: price,
                        paid,
                        effective_date,
                        reason,
                        external_reference: reference,
                    }))
                }
                _ => None,
            }
        }
        EntryKind::Transfer => {
            let share_class = share_class(&mut errors);
            let from = holder(&mut errors, "from", &f.from);
            let to = holder(&mut errors, "to", &f.to);
            let quantity = quantity(&mut errors);
            let price = amount(&mut errors, "price_per_share", &f.price_per_share, false);
            let date = effective_date(&mut errors, true);
            let reason = reason(&mut errors, false);
            match (share_class, from, to, quantity, date) {
                (Some(share_class), Some(from), Some(to), Some(quantity), Some(effective_date))
                    if errors.is_empty() =>
                {
                    Some(EntryInput::Transfer(TransferInput {
                        kind: kind_name,
                        share_class,
                        from,
                        to,
                        quantity,
                        price_per_share: price,
                        effective_date,
                        reason,
                        external_reference: reference,
                    }))
                }
                _ => None,
            }
        }
        EntryKind::Redemption => {
            let share_class = share_class(&mut errors);
            let from = holder(&mut errors, "from", &f.from);
            let quantity = quantity(&mut errors);
            let repaid = amount(&mut errors, "amount", &f.amount, true);
            let date = effective_date(&mut errors, true);
            let reason = reason(&mut errors, true);
            match (share_class, from, quantity, repaid, date, reason) {
                (
                    Some(share_class),
                    Some(from),
                    Some(quantity),
                    Some(amount),
                    Some(effective_date),
                    Some(reason),
                ) if errors.is_empty() => Some(EntryInput::Redemption(RedemptionInput {
                    kind: kind_name,
                    share_class,
                    from,
                    quantity,
                    amount,
                    effective_date,
                    reason,
                    external_reference: reference,
                })),
                _ => None,
            }
        }
        EntryKind::Payment => {
            let share_class = share_class(&mut errors);
            let to = holder(&mut errors, "to", &f.to);
            let paid = amount(&mut errors, "amount", &f.amount, true);
            let date = effective_date(&mut errors, true);
            let reason = reason(&mut errors, false);
            match (share_class, to, paid, date) {
                (Some(share_class), Some(to), Some(amount), Some(effective_date))
                    if errors.is_empty() =>
                {
                    Some(EntryInput::Payment(PaymentInput {
                        kind: kind_name,
                        share_class,
                        to,
                        amount,
                        effective_date,
                        reason,
                        external_reference: reference,
                    }))
                }
                _ => None,
            }
        }
        EntryKind::Reversal => {
            let reverses: Option<EntryId> = text(&f.reverses).and_then(|r| r.parse().ok());
            let date = effective_date(&mut errors, false);
            let reason = reason(&mut errors, true);
            match (reverses, reason) {
                (Some(reverses), Some(reason)) if errors.is_empty() => {
                    Some(EntryInput::Reversal(ReversalInput {
                        kind: kind_name,
                        reverses,
                        reason,
                        effective_date: date,
                        external_reference: reference,
                    }))
                }
                (None, _) => {
                    errors.add("form", t(lang, EntryText::CheckValue));
                    None
                }
                _ => None,
            }
        }
    };
    input.ok_or(errors)
}

/// A refusal from the layers below, as field errors in the user's language; `None` when it
/// is not about the form (the page fails as a whole).
fn refusal(lang: Language, kind: EntryKind, e: &ApiError) -> Option<FieldErrors> {
    let mut errors = FieldErrors::default();
    match e {
        ApiError::Ledger(rule) => {
            let message = ledger_error(lang, rule);
            let field = match (rule.field(), kind) {
                // A redemption names its holder `from`; the rule speaks of the receiver.
                ("to", EntryKind::Redemption) => "from",
                ("reverses", _) => "form",
                (field, _) => field,
            };
            errors.add(field, message);
        }
        ApiError::Validation {
            errors: problems, ..
        }
        | ApiError::BadRequest {
            errors: problems, ..
        } => {
            for p in problems {
                let message = match p.field.as_str() {
                    "to" | "from" => t(lang, EntryText::UnknownRegisterNumber),
                    "share_class" => t(lang, EntryText::UnknownClass),
                    _ => t(lang, EntryText::CheckValue),
                };
                let field = match p.field.as_str() {
                    "Idempotency-Key" => "form",
                    f => f,
                };
                errors.add(field, message);
            }
        }
        // The database refused what the rules accepted a moment before: the register moved.
        ApiError::LedgerRule { field, .. } => {
            errors.add(field, t(lang, EntryText::ChangedMeanwhile))
        }
        ApiError::Conflict(_) => errors.add("form", t(lang, EntryText::ChangedMeanwhile)),
        _ => return None,
    }
    Some(errors)
}

#[post("/c/{tenant}/entries/new/{kind}")]
async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let (key, kind) = path.into_inner();
    let kind = kind_of(&kind, lang)?;
    let form: EntryFormBody = read_form(&user, &body)?;
    handle(state, user, meta, key, kind, form, None).await
}

/// Opens the reversal of an entry.
#[get("/c/{tenant}/entries/{id}/reverse")]
async fn reverse_form(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let id: EntryId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let (ctx, summary) = state
        .db(move |conn| {
            let ctx = writable(conn, &principal, &key, &meta)?;
            let record =
                dar_db::ledger::find(conn, &ctx.tenant_id, &id)?.ok_or(ApiError::NotFound)?;
            let summary = summaries(conn, &ctx.tenant_id, std::slice::from_ref(&record))?;
            Ok((ctx, summary))
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    let values = EntryValues {
        reverses: id.to_string(),
        ..Default::default()
    };
    Ok(form_page(
        &user,
        &ctx,
        EntryKind::Reversal,
        &values,
        &FieldErrors::default(),
        summary.into_iter().next(),
        200,
    ))
}

#[post("/c/{tenant}/entries/{id}/reverse")]
async fn submit_reversal(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> PageResult {
    let lang = user.lang;
    let (key, id) = path.into_inner();
    let id: EntryId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let mut form: EntryFormBody = read_form(&user, &body)?;
    // The entry reversed is the one in the path, whatever the body says.
    form.reverses = Some(id.to_string());
    handle(state, user, meta, key, EntryKind::Reversal, form, Some(id)).await
}

/// Preview, edit or post, as the form's `step` asks.
async fn handle(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    key: String,
    kind: EntryKind,
    form: EntryFormBody,
    reversing: Option<EntryId>,
) -> PageResult {
    let lang = user.lang;
    let values = form.values();
    let step = form.step.clone().unwrap_or_default();
    let principal = user.principal.clone();
    let checked = entry_input(lang, kind, &form);
    let posting = step == "post";
    // The idempotency key is minted for the preview and carried by its form; the request
    // hash binds it to exactly the values reviewed.
    let idempotency = match (&form.key, posting) {
        (Some(k), true)
            if k.len() <= 100
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Some(format!("web:{k}"))
        }
        (_, true) => return Err(PageError::BadForm { lang }),
        _ => None,
    };
    let request_hash = hex::encode(Sha256::digest(format!("{kind:?}{values:?}").as_bytes()));
    let m = meta.clone();
    let app = state.clone();
    let outcome = state
        .db(move |conn| {
            let ctx = writable(conn, &principal, &key, &m)?;
            let reversed = match reversing {
                Some(id) => {
                    let record = dar_db::ledger::find(conn, &ctx.tenant_id, &id)?
                        .ok_or(ApiError::NotFound)?;
                    summaries(conn, &ctx.tenant_id, std::slice::from_ref(&record))?
                        .into_iter()
                        .next()
                }
                None => None,
            };
            let input = match (checked, step.as_str()) {
                (Ok(input), "preview" | "post") => input,
                (Ok(_), _) => return Ok(Step::Edit(ctx, reversed, FieldErrors::default())),
                (Err(errors), _) => return Ok(Step::Edit(ctx, reversed, errors)),
            };
            let request = match append_request(
                conn,
                &principal,
                &key,
                vec![input],
                &m,
                idempotency,
                request_hash,
            ) {
                Ok(r) => r,
                Err(e) => match refusal(lang, kind, &e) {
                    Some(errors) => return Ok(Step::Edit(ctx, reversed, errors)),
                    None => return Err(e),
                },
            };
            if posting {
                return Ok(Step::Post(ctx, reversed, Box::new(request)));
            }
            match dar_db::ledger::preview(conn, &request, Utc::now()) {
                Ok(preview) => {
                    // The number a preview would get is not promised: another entry may
                    // be posted first.
                    let entries = summaries(conn, &ctx.tenant_id, &preview.entries)?
                        .into_iter()
                        .map(|e| pages::EntrySummary { seq: None, ..e })
                        .collect();
                    let after = holders_after(conn, &ctx.tenant_id, &preview.holdings_after)?;
                    Ok(Step::Preview(ctx, entries, after))
                }
                Err(e) => {
                    let e = ApiError::from(e);
                    match refusal(lang, kind, &e) {
                        Some(errors) => Ok(Step::Edit(ctx, reversed, errors)),
                        None => Err(e),
                    }
                }
            }
        })
        .await
        .map_err(|e| PageError::from_api(e, lang))?;
    match outcome {
        Step::Edit(ctx, reversed, errors) => {
            let status = if errors.is_empty() { 200 } else { 422 };
            Ok(form_page(
                &user, &ctx, kind, &values, &errors, reversed, status,
            ))
        }
        Step::Preview(ctx, entries, after) => {
            let (token, _) = tokens::opaque_token();
            let here = format!("/c/{}/entries/new/{}", ctx.slug, kind.as_str());
            let coop = Cooperative {
                name: &ctx.name,
                slug: &ctx.slug,
                tools: ctx.chrome.tools,
            };
            ok(pages::preview(
                &super::support::cooperative_frame(
                    &user,
                    t(lang, EntryText::PreviewTitle),
                    &here,
                    ctx.chrome.banner.as_ref(),
                ),
                &coop,
                &pages::PreviewPage {
                    kind,
                    csrf: &user.csrf,
                    key: &token,
                    values: &values,
                    entries,
                    after,
                },
            ))
        }
        Step::Post(ctx, reversed, request) => match app.writer.append(*request).await {
            Ok(appended) => {
                if let Appended::Posted(entries) = &appended {
                    crate::metrics::count_entries(entries.len());
                    tracing::info!(tenant.id = %ctx.tenant_id, entry.seq = entries.last().map(|e| e.seq), "ledger entry posted from a page");
                }
                let first = appended.entries().first().map(|e| e.id.to_string());
                let to = match first {
                    Some(id) => format!("/c/{}/entries/{id}?posted=1", ctx.slug),
                    None => format!("/c/{}", ctx.slug),
                };
                Ok(see_other(&to))
            }
            Err(e) => {
                let e = ApiError::from(e);
                match refusal(lang, kind, &e) {
                    Some(errors) => Ok(form_page(
                        &user, &ctx, kind, &values, &errors, reversed, 422,
                    )),
                    None => Err(PageError::from_api(e, lang)),
                }
            }
        },
    }
}

enum Step {
    Edit(Context, Option<pages::EntrySummary>, FieldErrors),
    Preview(Context, Vec<pages::EntrySummary>, Vec<pages::HolderAfter>),
    Post(
        Context,
        Option<pages::EntrySummary>,
        Box<dar_db::ledger::AppendRequest>,
    ),
}

/// Entries described for a person: class codes, holders by name and register number.
fn summaries(
    conn: &mut DbConnection,
    tenant: &TenantId,
    entries: &[EntryRecord],
) -> Result<Vec<pages::EntrySummary>, ApiError> {
    let codes = dar_db::ledger::class_codes(conn, tenant)?;
    let names = HolderNames::read(
        conn,
        tenant,
        entries
            .iter()
            .flat_map(|e| [e.movement.from, e.movement.to])
            .flatten(),
    )?;
    Ok(entries
        .iter()
        .map(|e| {
            let m = &e.movement;
            pages::EntrySummary {
                seq: (e.seq > 0).then_some(e.seq),
                kind: m.kind,
                effective_date: m.effective_date,
                class: codes
                    .get(&m.share_class_id.to_string())
                    .cloned()
                    .unwrap_or_default(),
                from: m.from.map(|id| names.of(id)),
                to: m.to.map(|id| names.of(id)),
                quantity: m.quantity,
                price_per_share_cents: m.price_per_share_cents,
                amount_cents: m.amount_cents,
                subscribed_cents: m.capital_cents,
                paid_cents: m.paid_cents,
                reason: m.reason.clone(),
                external_reference: m.external_reference.clone(),
                reverses_seq: m.reverses_seq,
            }
        })
        .collect())
}

fn holders_after(
    conn: &mut DbConnection,
    tenant: &TenantId,
    after: &[(ShareholderId, Vec<Position>)],
) -> Result<Vec<pages::HolderAfter>, ApiError> {
    let codes: HashMap<String, String> = dar_db::ledger::class_codes(conn, tenant)?;
    let names = HolderNames::read(conn, tenant, after.iter().map(|(id, _)| *id))?;
    Ok(after
        .iter()
        .map(|(id, positions)| {
            let mut holdings: Vec<dar_web::pages::HoldingLine> = positions
                .iter()
                .filter(|p| p.quantity != 0 || p.paid_cents != 0)
                .map(|p| dar_web::pages::HoldingLine {
                    class: codes.get(&p.share_class_id).cloned().unwrap_or_default(),
                    shares: p.quantity,
                    subscribed_cents: p.capital_cents,
                    paid_cents: p.paid_cents,
                })
                .collect();
            holdings.sort_by(|a, b| a.class.cmp(&b.class));
            pages::HolderAfter {
                name: names.of(*id),
                holdings,
            }
        })
        .collect())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryQuery {
    posted: Option<String>,
}

/// One entry of the ledger, for those who read the register.
#[get("/c/{tenant}/entries/{id}")]
async fn entry(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: EntryQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let (key, id) = path.into_inner();
    let id: EntryId = id.parse().map_err(|_| PageError::NotFound { lang })?;
    let principal = user.principal.clone();
    let k = key.clone();
    let (name, slug, chrome, view) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadRegister, &meta)?;
            let chrome = super::support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let record = dar_db::ledger::find(conn, &tenant_id, &id)?.ok_or(ApiError::NotFound)?;
            let summary = summaries(conn, &tenant_id, std::slice::from_ref(&record))?
                .into_iter()
                .next()
                .ok_or(ApiError::NotFound)?;
            let reversed_by = dar_db::ledger::reversal_of(conn, &tenant_id, record.seq)?;
            let actor = record
                .actor
                .parse()
                .ok()
                .and_then(|u| dar_db::users::get(conn, &u).ok())
                .map_or_else(|| record.actor.clone(), |u| u.email);
            let may_reverse = access.role == Role::Admin
                && record.movement.kind != EntryKind::Reversal
                && reversed_by.is_none();
            let recorded_at = dar_core::time::brussels_time(record.recorded_at)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            Ok((
                tenant.legal_name,
                tenant.slug,
                chrome,
                pages::EntryPage {
                    entry: summary,
                    id: record.id.to_string(),
                    recorded_at,
                    actor,
                    hash: record.hash,
                    reversed_by,
                    may_reverse,
                    posted: false,
                },
            ))
        })
        .await
        .map_err(|e| super::support::cooperative_error(e, &user, &key))?;
    let view = pages::EntryPage {
        posted: query.posted.is_some(),
        ..view
    };
    let here = format!("/c/{slug}/entries/{}", view.id);
    let coop = Cooperative {
        name: &name,
        slug: &slug,
        tools: chrome.tools,
    };
    ok(pages::entry_page(
        &super::support::cooperative_frame(
            &user,
            t(lang, EntryText::EntryTitle),
            &here,
            chrome.banner.as_ref(),
        ),
        &coop,
        &view,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerQuery {
    /// Show the entries before this sequence number (older ones).
    before: Option<i64>,
    /// The capital movements download: `csv` or `xlsx`, for the period `from`–`to` (dates
    /// as typed). Readable dates send to the download; others show the page with the form's
    /// problems.
    download: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// What the capital movements form asked for.
enum Period {
    /// Readable dates: the download's address.
    Download(String),
    /// The form to show: empty, or with what is wrong with the dates typed.
    Show(pages::PeriodForm),
}

fn period(slug: &str, q: &LedgerQuery, today: chrono::NaiveDate) -> Option<Period> {
    use dar_core::typed::parse_date;
    use dar_web::entries::PeriodProblem;
    let Some(format) = q.download.as_deref() else {
        let start_of_year = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1)?;
        return Some(Period::Show(pages::PeriodForm {
            from: dar_web::i18n::date(start_of_year),
            to: dar_web::i18n::date(today),
            from_error: None,
            to_error: None,
        }));
    };
    // The form's buttons send only these two; anything else was not sent by a page.
    let extension = ["csv", "xlsx"].into_iter().find(|e| *e == format)?;
    let (from_text, to_text) = (
        q.from.clone().unwrap_or_default(),
        q.to.clone().unwrap_or_default(),
    );
    let (from, to) = (parse_date(&from_text), parse_date(&to_text));
    Some(match (from, to) {
        (Some(f), Some(t)) if f <= t => Period::Download(format!(
            "/c/{slug}/exports/capital-movements.{extension}?from={f}&to={t}"
        )),
        _ => Period::Show(pages::PeriodForm {
            from: from_text,
            to: to_text,
            from_error: from.is_none().then_some(PeriodProblem::NotADate),
            to_error: match (from, to) {
                (_, None) => Some(PeriodProblem::NotADate),
                (Some(f), Some(t)) if t < f => Some(PeriodProblem::Backwards),
                _ => None,
            },
        }),
    })
}

/// Entries per ledger page.
const LEDGER_PAGE: i64 = 50;

/// The ledger, newest first. Sequence numbers have no gaps, so a page is a range of them
/// and costs the same at the end of a long ledger as at its start.
#[get("/c/{tenant}/ledger")]
async fn ledger(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<String>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let query: LedgerQuery = crate::request::parse_query(req.query_string())
        .map_err(|_| PageError::NotFound { lang })?;
    let key = path.into_inner();
    let today = dar_core::time::brussels_date(chrono::Utc::now());
    let period_form = match period(&key, &query, today) {
        // The download itself authorizes and records it.
        Some(Period::Download(download)) => return Ok(super::see_other(&download)),
        Some(Period::Show(form)) => form,
        None => return Err(PageError::NotFound { lang }),
    };
    let principal = user.principal.clone();
    let k = key.clone();
    let (view, banner) = state
        .db(move |conn| {
            let (tenant, tenant_id, access) =
                tenant_access(conn, &principal, &k, Need::ReadRegister, &meta)?;
            let chrome = super::support::chrome(conn, &principal, &tenant, &access, &meta)?;
            let head = tenant.ledger_head_seq;
            let before = query.before.unwrap_or(head + 1).clamp(1, head + 1);
            let after = (before - 1 - LEDGER_PAGE).max(0);
            let records = dar_db::ledger::list(
                conn,
                &tenant_id,
                &Default::default(),
                after,
                before - 1 - after,
            )?;
            let codes = dar_db::ledger::class_codes(conn, &tenant_id)?;
            let mut entries =
                super::entry_lines(conn, &tenant_id, &tenant.slug, None, &codes, &records)?;
            entries.reverse();
            Ok((
                pages::LedgerPage {
                    cooperative: tenant.legal_name,
                    slug: tenant.slug,
                    period: period_form,
                    entries,
                    older: (after > 0).then_some(after + 1),
                    newer: before <= head,
                    may_write: access.role == Role::Admin,
                    tools: chrome.tools,
                },
                chrome.banner,
            ))
        })
        .await
        .map_err(|e| super::support::cooperative_error(e, &user, &key))?;
    let here = format!("/c/{}/ledger", view.slug);
    ok(pages::ledger_page(
        &super::support::cooperative_frame(
            &user,
            t(lang, dar_web::i18n::Text::Ledger),
            &here,
            banner.as_ref(),
        ),
        &view,
    ))
}
