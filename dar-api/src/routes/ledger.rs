//! The ledger over HTTP: post entries (alone or as an all-or-nothing batch), list them,
//! read one, and verify the hash chain.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult};
use crate::request::{
    RequestMeta, StrictQuery, idempotency_key, parse_json, parse_value, require_json,
};
use crate::routes::{
    Page, cursor_key, money, next_cursor, page_limit, parse_path_id, tenant_access,
};
use crate::state::AppState;
use crate::validate::{HolderRef, holder_ref_schema};
use dar_core::chain::{ChainReport, EntryRecord};
use dar_core::ids::{EntryId, ShareholderId};
use dar_core::ledger::{DraftAction, EntryDraft};
use dar_core::money::{Money, ShareCount};
use dar_db::audit::NewAuditEvent;
use dar_db::ledger::{AppendRequest, Appended};

/// Subscription of new shares.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// `issue`
    #[schema(example = "issue")]
    pub kind: String,
    pub share_class: String,
    #[schema(schema_with = holder_ref_schema)]
    pub to: HolderRef,
    #[schema(value_type = i64, minimum = 1)]
    pub quantity: ShareCount,
    /// Defaults to the class's issue price.
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub price_per_share: Option<Money>,
    /// Amount paid up at issue; defaults to the full subscription.
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub paid: Option<Money>,
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
}
/// Shares move from one holder to another.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// `transfer`
    #[schema(example = "transfer")]
    pub kind: String,
    pub share_class: String,
    #[schema(schema_with = holder_ref_schema)]
    pub from: HolderRef,
    #[schema(schema_with = holder_ref_schema)]
    pub to: HolderRef,
    #[schema(value_type = i64, minimum = 1)]
    pub quantity: ShareCount,
    /// What the buyer paid per share, if the register should show it.
    #[schema(value_type = Option<crate::openapi::Amount>, inline)]
    pub price_per_share: Option<Money>,
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    /// For classes that need approval: the board decision.
    pub external_reference: Option<String>,
}
/// Withdrawal or exclusion: shares cancelled and `amount` repaid.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionInput {
    /// `redemption`
    #[schema(example = "redemption")]
    pub kind: String,
    pub share_class: String,
    #[schema(schema_with = holder_ref_schema)]
    pub from: HolderRef,
    #[schema(value_type = i64, minimum = 1)]
    pub quantity: ShareCount,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub amount: Money,
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub effective_date: NaiveDate,
    /// e.g. "uittreding" or "uitsluiting".
    pub reason: String,
    pub external_reference: Option<String>,
}
/// A payment on shares already issued (not fully paid at issue).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// `payment`
    #[schema(example = "payment")]
    pub kind: String,
    pub share_class: String,
    #[schema(schema_with = holder_ref_schema)]
    pub to: HolderRef,
    #[schema(value_type = crate::openapi::Amount, inline)]
    pub amount: Money,
    #[serde(deserialize_with = "crate::request::iso_date")]
    pub effective_date: NaiveDate,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
}
/// Cancels one earlier entry from that entry's own date, as if it had never been posted.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversalInput {
    /// `reversal`
    #[schema(example = "reversal")]
    pub kind: String,
    #[schema(value_type = String, format = Uuid)]
    pub reverses: EntryId,
    pub reason: String,
    /// Defaults to today.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub effective_date: Option<NaiveDate>,
    pub external_reference: Option<String>,
}

/// One entry to post; `kind` selects the shape.
#[derive(ToSchema)]
#[serde(untagged)]
#[schema(discriminator(property_name = "kind"))]
pub enum EntryInput {
    Issue(IssueInput),
    Transfer(TransferInput),
    Redemption(RedemptionInput),
    Payment(PaymentInput),
    Reversal(ReversalInput),
}

/// Parses one entry. The kind is read first and the rest is parsed into that kind's own
/// type, so an error names its field (`quantity`, `entries[2].amount`); serde's internally
/// tagged enums would lose that path.
pub fn parse_entry(value: serde_json::Value, prefix: &str) -> ApiResult<EntryInput> {
    let serde_json::Value::Object(map) = value else {
        return Err(bad_field(
            prefix,
            "kind",
            "an entry is a JSON object with a kind",
        ));
    };
    let kind = match map.get("kind") {
        Some(serde_json::Value::String(kind)) => kind.clone(),
        _ => {
            return Err(bad_field(
                prefix,
                "kind",
                "must be one of issue, transfer, redemption, payment, reversal",
            ));
        }
    };
    let rest = serde_json::Value::Object(map);
    Ok(match kind.as_str() {
        "issue" => EntryInput::Issue(parse_value(rest, prefix)?),
        "transfer" => EntryInput::Transfer(parse_value(rest, prefix)?),
        "redemption" => EntryInput::Redemption(parse_value(rest, prefix)?),
        "payment" => EntryInput::Payment(parse_value(rest, prefix)?),
        "reversal" => EntryInput::Reversal(parse_value(rest, prefix)?),
        _ => {
            return Err(bad_field(
                prefix,
                "kind",
                "must be one of issue, transfer, redemption, payment, reversal",
            ));
        }
    })
}

impl EntryInput {
    /// The holders the entry names, as (field, reference).
    fn holder_refs(&self) -> Vec<(&'static str, HolderRef)> {
        match self {
            EntryInput::Issue(i) => vec![("to", i.to)],
            EntryInput::Transfer(t) => vec![("from", t.from), ("to", t.to)],
            EntryInput::Redemption(r) => vec![("from", r.from)],
            EntryInput::Payment(p) => vec![("to", p.to)],
            EntryInput::Reversal(_) => vec![],
        }
    }

    /// The draft the ledger rules check, with holders resolved to their ids.
    fn into_draft(self, holder: impl Fn(HolderRef) -> ShareholderId) -> EntryDraft {
        let trim = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let (action, effective_date, reason, external_reference) = match self {
            EntryInput::Issue(i) => (
                DraftAction::Issue {
                    share_class: i.share_class,
                    to: holder(i.to),
                    quantity: i.quantity,
                    price_per_share: i.price_per_share,
                    paid: i.paid,
                },
                Some(i.effective_date),
                i.reason,
                i.external_reference,
            ),
            EntryInput::Transfer(t) => (
                DraftAction::Transfer {
                    share_class: t.share_class,
                    from: holder(t.from),
                    to: holder(t.to),
                    quantity: t.quantity,
                    price_per_share: t.price_per_share,
                    moved: None,
                },
                Some(t.effective_date),
                t.reason,
                t.external_reference,
            ),
            EntryInput::Redemption(r) => (
                DraftAction::Redemption {
                    share_class: r.share_class,
                    from: holder(r.from),
                    quantity: r.quantity,
                    amount: r.amount,
                    moved: None,
                },
                Some(r.effective_date),
                Some(r.reason),
                r.external_reference,
            ),
            EntryInput::Payment(p) => (
                DraftAction::Payment {
                    share_class: p.share_class,
                    to: holder(p.to),
                    amount: p.amount,
                },
                Some(p.effective_date),
                p.reason,
                p.external_reference,
            ),
            EntryInput::Reversal(r) => (
                DraftAction::Reversal {
                    reverses: r.reverses,
                },
                r.effective_date,
                Some(r.reason),
                r.external_reference,
            ),
        };
        EntryDraft {
            action,
            effective_date,
            reason: trim(reason),
            external_reference: trim(external_reference),
        }
    }
}

fn bad_field(prefix: &str, field: &str, message: &str) -> ApiError {
    let field = format!("{prefix}{field}");
    ApiError::BadRequest {
        detail: format!("{field}: {message}"),
        errors: vec![crate::error::FieldProblem {
            field,
            message: message.into(),
        }],
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    #[schema(value_type = Vec<EntryInput>)]
    pub entries: Vec<serde_json::Value>,
}

/// A posted entry.
#[derive(Serialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    pub effective_date: NaiveDate,
    /// The date from which the holdings change (a reversal's is the cancelled entry's date).
    pub movement_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub share_class: String,
    pub quantity: i64,
    pub price_per_share: Option<String>,
    /// Issue: the subscription; transfer: the price paid; redemption: what is repaid;
    /// payment: what was paid.
    pub amount: Option<String>,
    /// Subscribed capital moved by the entry.
    pub subscribed: String,
    /// Paid-up capital moved by the entry.
    pub paid_up: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
    pub reverses_seq: Option<i64>,
    pub actor: String,
    pub prev_hash: String,
    pub hash: String,
}

pub fn entry_view(r: &EntryRecord, codes: &HashMap<String, String>) -> EntryView {
    let m = &r.movement;
    let class_id = m.share_class_id.to_string();
    EntryView {
        id: r.id.to_string(),
        seq: r.seq,
        kind: m.kind.as_str().into(),
        effective_date: m.effective_date,
        movement_date: m.movement_date,
        recorded_at: r.recorded_at,
        share_class: codes.get(&class_id).cloned().unwrap_or(class_id),
        quantity: m.quantity,
        price_per_share: m.price_per_share_cents.map(money),
        amount: m.amount_cents.map(money),
        subscribed: money(m.capital_cents),
        paid_up: money(m.paid_cents),
        from: m.from.map(|s| s.to_string()),
        to: m.to.map(|s| s.to_string()),
        reason: m.reason.clone(),
        external_reference: m.external_reference.clone(),
        reverses_seq: m.reverses_seq,
        actor: r.actor.clone(),
        prev_hash: r.prev_hash.clone(),
        hash: r.hash.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct BatchView {
    pub entries: Vec<EntryView>,
}

/// Turns entries into drafts, with holders named by register number resolved to their ids.
fn resolve_holders(
    conn: &mut dar_db::DbConnection,
    tenant: &dar_core::ids::TenantId,
    inputs: Vec<EntryInput>,
) -> ApiResult<Vec<EntryDraft>> {
    let many = inputs.len() > 1;
    let refs: Vec<(String, HolderRef)> = inputs
        .iter()
        .enumerate()
        .flat_map(|(i, input)| {
            input.holder_refs().into_iter().map(move |(field, r)| {
                let path = if many {
                    format!("entries[{i}].{field}")
                } else {
                    field.to_string()
                };
                (path, r)
            })
        })
        .collect();
    let ids = crate::validate::resolve_holders(conn, tenant, &refs)?;
    let by_ref: HashMap<HolderRef, ShareholderId> = refs.iter().map(|(_, r)| *r).zip(ids).collect();
    Ok(inputs
        .into_iter()
        .map(|input| input.into_draft(|r| by_ref[&r]))
        .collect())
}

/// The append request for `inputs`: the caller authorized to write the tenant's register,
/// holders named by register number resolved, and the `ledger.posted` audit event to record
/// with the entries. The API and the pages post (and preview) through this one function.
pub fn append_request(
    conn: &mut dar_db::DbConnection,
    principal: &Principal,
    tenant_key: &str,
    inputs: Vec<EntryInput>,
    meta: &RequestMeta,
    idempotency_key: Option<String>,
    request_hash: String,
) -> ApiResult<AppendRequest> {
    let (_, tenant_id, access) =
        tenant_access(conn, principal, tenant_key, Need::WriteRegister, meta)?;
    let drafts = resolve_holders(conn, &tenant_id, inputs)?;
    Ok(request_of(
        principal,
        tenant_id,
        &access,
        meta,
        drafts,
        idempotency_key,
        request_hash,
    ))
}

/// The request an administrator posts when their token and the body say everything: the
/// tenant by id, every holder by id. Nothing is read from the database before the ledger
/// writer, which reads the tenant anyway (a tenant that does not exist is a 404 there).
/// `Err` gives the inputs back when the request needs the database first (a slug, a
/// register number, another role).
fn request_from_token(
    principal: &Principal,
    tenant_key: &str,
    inputs: Vec<EntryInput>,
    meta: &RequestMeta,
    idempotency_key: &Option<String>,
    request_hash: &str,
) -> Result<AppendRequest, Vec<EntryInput>> {
    let Ok(tenant_id) = tenant_key.parse::<dar_core::ids::TenantId>() else {
        return Err(inputs);
    };
    let Some(access) = crate::auth::authz::admin_access(principal, &tenant_id) else {
        return Err(inputs);
    };
    let by_id = inputs.iter().all(|input| {
        input
            .holder_refs()
            .iter()
            .all(|(_, r)| matches!(r, HolderRef::Id(_)))
    });
    if !by_id {
        return Err(inputs);
    }
    let drafts = inputs
        .into_iter()
        .map(|input| {
            input.into_draft(|r| match r {
                HolderRef::Id(id) => id,
                HolderRef::Number(_) => unreachable!("every holder is named by id"),
            })
        })
        .collect();
    Ok(request_of(
        principal,
        tenant_id,
        &access,
        meta,
        drafts,
        idempotency_key.clone(),
        request_hash.to_string(),
    ))
}

fn request_of(
    principal: &Principal,
    tenant_id: dar_core::ids::TenantId,
    access: &crate::auth::Access,
    meta: &RequestMeta,
    drafts: Vec<EntryDraft>,
    idempotency_key: Option<String>,
    request_hash: String,
) -> AppendRequest {
    let user = principal.user_id.to_string();
    AppendRequest {
        tenant_id,
        actor: user.clone(),
        idempotency_key,
        request_hash,
        drafts,
        audit: Some(NewAuditEvent {
            tenant_id: Some(tenant_id.to_string()),
            actor_user_id: Some(user),
            actor_role: Some(access.actor_role().into()),
            action: dar_db::audit::LEDGER_POSTED.into(),
            request_id: Some(meta.request_id.clone()),
            source_ip: meta.source_ip.clone(),
            support_session_id: access.support_session_id.clone(),
            ..Default::default()
        }),
    }
}

/// Authorizes, hands the request to the ledger writer and waits for the outcome.
async fn post_entries(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    tenant_key: String,
    body: web::Bytes,
    inputs: Vec<EntryInput>,
) -> ApiResult<(Appended, HashMap<String, String>)> {
    let key = idempotency_key(&req)?;
    let request_hash = hex::encode(Sha256::digest(&body));
    let fast = request_from_token(&principal, &tenant_key, inputs, &meta, &key, &request_hash);
    let request = match fast {
        Ok(request) => request,
        Err(inputs) => {
            state
                .db(move |conn| {
                    append_request(
                        conn,
                        &principal,
                        &tenant_key,
                        inputs,
                        &meta,
                        key,
                        request_hash,
                    )
                })
                .await?
        }
    };
    let tenant_id = request.tenant_id;
    let draft_codes: Option<Vec<String>> = request
        .drafts
        .iter()
        .map(|d| d.share_class().map(str::to_string))
        .collect();
    let outcome = state.writer.append(request).await?;
    if let Appended::Posted(entries) = &outcome {
        crate::metrics::count_entries(entries.len());
        tracing::info!(tenant.id = %tenant_id, entries.count = entries.len(), entry.seq = entries.last().map(|e| e.seq), "ledger entries posted");
    }
    // Freshly posted entries carry the class codes their drafts named; only replays and
    // reversals need the tenant's classes read.
    let codes: HashMap<String, String> = match (&outcome, draft_codes) {
        (Appended::Posted(entries), Some(codes)) => entries
            .iter()
            .zip(codes)
            .map(|(e, code)| (e.movement.share_class_id.to_string(), code))
            .collect(),
        _ => {
            state
                .db(move |conn| Ok(dar_db::ledger::class_codes(conn, &tenant_id)?))
                .await?
        }
    };
    Ok((outcome, codes))
}

fn created(outcome: &Appended, body: impl Serialize) -> HttpResponse {
    let mut response = HttpResponse::Created();
    if matches!(outcome, Appended::Replayed(_)) {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(body)
}

/// Posts one ledger entry. Send an `Idempotency-Key` header to make retries safe: the same
/// key and body return the first result and post nothing twice.
#[utoipa::path(post, operation_id = "post_ledger_entry", path = "/api/v1/tenants/{tenant}/ledger", tag = "ledger", request_body = EntryInput,
    params(("tenant" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = EntryView), (status = 422, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/ledger")]
pub async fn post(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    require_json(&req)?;
    let input = parse_entry(parse_json(&body)?, "")?;
    let (outcome, codes) = post_entries(
        state,
        principal,
        meta,
        req,
        path.into_inner(),
        body,
        vec![input],
    )
    .await?;
    let entry = outcome
        .entries()
        .first()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no entry posted")))?;
    Ok(created(&outcome, entry_view(entry, &codes)))
}

/// Posts several entries at once: all of them, or none.
#[utoipa::path(post, operation_id = "post_ledger_batch", path = "/api/v1/tenants/{tenant}/ledger/batch", tag = "ledger", request_body = BatchInput,
    params(("tenant" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = BatchView), (status = 422, body = crate::error::Problem)))]
#[post("/tenants/{tenant}/ledger/batch")]
pub async fn post_batch(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    require_json(&req)?;
    let input: BatchInput = parse_json(&body)?;
    if input.entries.is_empty() || input.entries.len() > dar_db::ledger::BATCH_MAX_ENTRIES {
        return Err(ApiError::invalid(
            "entries",
            format!(
                "a batch holds 1 to {} entries",
                dar_db::ledger::BATCH_MAX_ENTRIES
            ),
        ));
    }
    // Every entry is read, so one answer lists the problems of all of them.
    let mut inputs = Vec::with_capacity(input.entries.len());
    let mut problems = Vec::new();
    for (i, value) in input.entries.into_iter().enumerate() {
        match parse_entry(value, &format!("entries[{i}].")) {
            Ok(entry) => inputs.push(entry),
            Err(ApiError::BadRequest { errors, .. }) if !errors.is_empty() => {
                problems.extend(errors)
            }
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::bad_fields(problems));
    }
    let (outcome, codes) =
        post_entries(state, principal, meta, req, path.into_inner(), body, inputs).await?;
    let entries = outcome
        .entries()
        .iter()
        .map(|e| entry_view(e, &codes))
        .collect();
    Ok(created(&outcome, BatchView { entries }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    /// Entries to or from this shareholder: their id or their register number.
    pub shareholder: Option<String>,
    /// `issue`, `transfer`, `redemption`, `payment` or `reversal`.
    #[param(value_type = Option<String>)]
    pub kind: Option<dar_core::types::EntryKind>,
    /// Effective on or after this date.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub from: Option<NaiveDate>,
    /// Effective on or before this date.
    #[serde(default, deserialize_with = "crate::request::iso_date_opt")]
    pub to: Option<NaiveDate>,
}

/// Entries in sequence order.
#[utoipa::path(get, operation_id = "list_ledger_entries", path = "/api/v1/tenants/{tenant}/ledger", tag = "ledger",
    params(("tenant" = String, Path), LedgerQuery),
    responses((status = 200, body = Page<EntryView>)))]
#[get("/tenants/{tenant}/ledger")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
    query: StrictQuery<LedgerQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let query = query.into_inner();
    let holder: Option<HolderRef> = query
        .shareholder
        .as_deref()
        .map(|s| match s.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(HolderRef::Number(n)),
            _ => s.parse().map(HolderRef::Id).map_err(|_| {
                ApiError::invalid(
                    "shareholder",
                    "must be a shareholder id (a UUID) or a register number",
                )
            }),
        })
        .transpose()?;
    let mut filter = dar_db::ledger::EntryFilter {
        shareholder: None,
        kind: query.kind,
        effective_from: query.from,
        effective_to: query.to,
    };
    let limit = page_limit(query.limit)?;
    let after: i64 = cursor_key(query.cursor.as_deref())?.unwrap_or(0);
    let page = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            if let Some(r) = holder {
                let refs = [("shareholder".to_string(), r)];
                filter.shareholder =
                    Some(crate::validate::resolve_holders(conn, &tenant_id, &refs)?[0]);
            }
            let codes = dar_db::ledger::class_codes(conn, &tenant_id)?;
            let records = dar_db::ledger::list(conn, &tenant_id, &filter, after, limit)?;
            let next_cursor = next_cursor(&records, limit, |r| r.seq);
            Ok(Page {
                items: records.iter().map(|r| entry_view(r, &codes)).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One entry.
#[utoipa::path(get, operation_id = "get_ledger_entry", path = "/api/v1/tenants/{tenant}/ledger/{id}", tag = "ledger",
    params(("tenant" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = EntryView), (status = 404, body = crate::error::Problem)))]
#[get("/tenants/{tenant}/ledger/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (key, id) = path.into_inner();
    let entry_id: EntryId = parse_path_id(&id)?;
    let view = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let codes = dar_db::ledger::class_codes(conn, &tenant_id)?;
            let record =
                dar_db::ledger::find(conn, &tenant_id, &entry_id)?.ok_or(ApiError::NotFound)?;
            Ok(entry_view(&record, &codes))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Serialize, ToSchema)]
pub struct VerifyView {
    pub ok: bool,
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry that does not match, when `ok` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad_seq: Option<i64>,
    /// The stored positions recomputed from the ledger.
    pub positions: PositionsView,
}

/// What recomputing the stored positions from the ledger found.
#[derive(Serialize, ToSchema)]
pub struct PositionsView {
    pub ok: bool,
    /// Holdings (holder and class) compared.
    pub holdings: i64,
    /// The first position, in holder, class and date order, that the ledger does not give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_mismatch: Option<PositionMismatchView>,
}

#[derive(Serialize, ToSchema)]
pub struct PositionMismatchView {
    pub shareholder_id: String,
    pub share_class_id: String,
    pub date: NaiveDate,
    /// Shares, subscribed and paid-up capital in cents as the ledger sums them; absent
    /// when the ledger has no movement on that date.
    pub ledger: Option<[i64; 3]>,
    /// The same as stored; absent when no row is stored.
    pub stored: Option<[i64; 3]>,
}

impl VerifyView {
    fn new(chain: ChainReport, positions: dar_db::ledger::PositionsReport) -> Self {
        let triple = |t: Option<(i64, i64, i64)>| t.map(|(a, b, c)| [a, b, c]);
        VerifyView {
            ok: chain.ok && positions.ok,
            entries: chain.entries,
            head_seq: chain.head_seq,
            head_hash: chain.head_hash,
            first_bad_seq: chain.first_bad_seq,
            positions: PositionsView {
                ok: positions.ok,
                holdings: positions.holdings,
                first_mismatch: positions.first_mismatch.map(|m| PositionMismatchView {
                    shareholder_id: m.shareholder_id,
                    share_class_id: m.share_class_id,
                    date: m.date,
                    ledger: triple(m.ledger),
                    stored: triple(m.stored),
                }),
            },
        }
    }
}

/// Recomputes the hash chain over every entry and names the first one that does not match,
/// and recomputes the stored positions from the ledger and names the first that differs.
#[utoipa::path(get, operation_id = "verify_ledger_chain", path = "/api/v1/tenants/{tenant}/ledger/verify", tag = "ledger",
    params(("tenant" = String, Path)),
    responses((status = 200, body = VerifyView)))]
#[get("/tenants/{tenant}/ledger/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    principal: Principal,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let report = state
        .db(move |conn| {
            let (_, tenant_id, _) =
                tenant_access(conn, &principal, &key, Need::ReadRegister, &meta)?;
            let chain = dar_db::ledger::verify(conn, &tenant_id)?;
            let positions = dar_db::ledger::verify_positions(conn, &tenant_id)?;
            Ok(VerifyView::new(chain, positions))
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_with_an_unknown_field_is_refused() {
        let body = br#"{"kind":"payment","share_class":"A","to":"0190b2a4-0000-7000-8000-000000000000","amount":"1.00","effective_date":"2025-01-01","amout":"2"}"#;
        assert!(parse_entry(parse_json(body).unwrap(), "").is_err());
    }

    #[test]
    fn an_entry_of_an_unknown_kind_is_refused() {
        assert!(parse_entry(parse_json(br#"{"kind":"gift"}"#).unwrap(), "").is_err());
    }

    #[test]
    fn a_wrong_type_in_a_batch_entry_names_its_path() {
        let body = br#"{"kind":"payment","share_class":"A","to":"0190b2a4-0000-7000-8000-000000000000","amount":12.5,"effective_date":"2025-01-01"}"#;
        let Err(ApiError::BadRequest { errors, .. }) =
            parse_entry(parse_json(body).unwrap(), "entries[3].")
        else {
            panic!("expected a bad request");
        };
        assert_eq!(errors[0].field, "entries[3].amount");
    }

    #[test]
    fn a_well_formed_transfer_parses() {
        let body = br#"{"kind":"transfer","share_class":"A","from":"0190b2a4-0000-7000-8000-000000000000","to":"0190b2a4-0000-7000-8000-000000000001","quantity":3,"effective_date":"2025-01-01"}"#;
        assert!(matches!(
            parse_entry(parse_json(body).unwrap(), ""),
            Ok(EntryInput::Transfer(_))
        ));
    }
}
