//! HTTP routes. Handlers parse, authorize, call the domain or storage, and map errors;
//! every route is wired in [`configure`].

pub mod audit;
pub mod auth;
pub mod certificates;
pub mod documents;
pub mod health;
pub mod holdings;
pub mod invitations;
pub mod ledger;
pub mod me;
pub mod share_classes;
pub mod shareholders;
pub mod support;
pub mod tenants;

use actix_web::web;
use base64::Engine;
use serde::{Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use crate::auth::{Access, Need, Principal, authorize};
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use dar_core::ids::TenantId;
use dar_db::DbConnection;
use dar_db::tenants::TenantRow;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(health::openapi_json)
        .service(certificates::verify)
        .service(
            web::scope("/api/v1")
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::accept_invitation)
                .service(me::me)
                .service(me::my_holdings)
                .service(certificates::mine)
                .service(tenants::create)
                .service(tenants::list)
                .service(tenants::get)
                .service(tenants::update)
                .service(invitations::create)
                .service(invitations::create_platform)
                .service(share_classes::create)
                .service(share_classes::list)
                .service(shareholders::create)
                .service(shareholders::list)
                .service(shareholders::get)
                .service(shareholders::update)
                .service(shareholders::versions)
                .service(shareholders::holdings)
                .service(ledger::post_batch)
                .service(ledger::verify)
                .service(ledger::post)
                .service(ledger::list)
                .service(ledger::get)
                .service(holdings::register)
                .service(holdings::class_register)
                .service(support::open)
                .service(support::close)
                .service(support::list)
                .service(audit::tenant_audit)
                .service(audit::platform_audit)
                .service(certificates::issue)
                .service(certificates::list)
                .service(certificates::get)
                .service(certificates::pdf)
                .service(certificates::request_batch)
                .service(certificates::batch)
                .service(certificates::batch_zip)
                .service(documents::register)
                .service(documents::history)
                .service(documents::upload_image)
                .service(documents::settings)
                .service(documents::put_settings),
        );
}

/// Loads the tenant named in the path (id or slug) and checks the caller may do `need` on it.
pub fn tenant_access(
    conn: &mut DbConnection,
    principal: &Principal,
    tenant_key: &str,
    need: Need,
    meta: &RequestMeta,
) -> ApiResult<(TenantRow, TenantId, Access)> {
    let tenant = dar_db::tenants::find(conn, tenant_key)?;
    let access = authorize(conn, principal, &tenant, need, meta)?;
    let id: TenantId = tenant.id.parse().map_err(ApiError::internal)?;
    Ok((tenant, id, access))
}

/// The audit event of a change the caller made to a tenant's `object_type` `object_id`.
pub fn tenant_event(
    principal: &Principal,
    access: &Access,
    meta: &RequestMeta,
    tenant_id: &str,
    action: &str,
    object: (&str, &str),
    details: serde_json::Value,
) -> dar_db::audit::NewAuditEvent {
    dar_db::audit::NewAuditEvent {
        tenant_id: Some(tenant_id.to_string()),
        actor_user_id: Some(principal.user_id.to_string()),
        actor_role: Some(access.actor_role().into()),
        action: action.into(),
        object_type: Some(object.0.into()),
        object_id: Some(object.1.into()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        support_session_id: access.support_session_id.clone(),
        details: Some(details),
    }
}

/// A page of a list and the cursor for the next one.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub const PAGE_DEFAULT: i64 = 100;
pub const PAGE_MAX: i64 = 1000;

pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit {
        None => Ok(PAGE_DEFAULT),
        Some(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {PAGE_MAX}"),
        )),
    }
}

/// Cursors are opaque to clients: base64url of a small JSON value.
pub fn encode_cursor<T: Serialize>(value: &T) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(value).expect("cursor serialises"))
}

pub fn decode_cursor<T: DeserializeOwned>(cursor: &str) -> ApiResult<T> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| ApiError::invalid("cursor", "not a cursor this service handed out"))
}

/// The cursor of the page after `rows`: the key of the last row, when the page is full
/// (a shorter page is the last one).
pub fn next_cursor<T, K: Serialize>(
    rows: &[T],
    limit: i64,
    key: impl FnOnce(&T) -> K,
) -> Option<String> {
    match rows.last() {
        Some(last) if rows.len() as i64 == limit => Some(encode_cursor(&key(last))),
        _ => None,
    }
}

/// The key a `cursor` query parameter carries, if any.
pub fn cursor_key<T: DeserializeOwned>(cursor: Option<&str>) -> ApiResult<Option<T>> {
    cursor.map(decode_cursor).transpose()
}

/// Path ids are parsed here so that a malformed id is a clear 404, like an unknown one.
pub fn parse_path_id<T: std::str::FromStr>(s: &str) -> ApiResult<T> {
    s.parse().map_err(|_| ApiError::NotFound)
}

/// Formats integer cents as the API's decimal string.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_print_as_decimal_strings() {
        assert_eq!(money(25000), "250.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-150), "-1.50");
    }

    #[test]
    fn a_forged_cursor_is_a_validation_error() {
        assert!(decode_cursor::<(i64, String)>("not-base64!").is_err());
    }
}
