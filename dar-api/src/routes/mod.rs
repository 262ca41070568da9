//! HTTP routes. Handlers parse, authorize, call the domain or storage, and map errors;
//! every operation is listed once, in [`api_handlers`], which both [`configure`] and the
//! OpenAPI document are expanded from.

pub mod audit;
pub mod auth;
pub mod billing;
pub mod bookkeeping;
pub mod certificates;
pub mod documents;
pub mod exports;
pub mod health;
pub mod holdings;
pub mod imports;
pub mod invitations;
pub mod invoices;
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

/// Every operation of the API, listed once. [`configure`] registers each handler with
/// actix and [`crate::openapi::ApiDoc`] documents each (`#[openapi(paths(...))]`), both
/// expanded from this list: `api_handlers!(then)` hands it to the macro `then`, which
/// turns it into its own code (see `register` below and `api_doc` in `openapi.rs`).
///
/// Why a macro of our own rather than the utoipa-actix-web crate, which registers and
/// documents a handler in one call: its current release needs utoipa 6 (we use 5; an
/// older one would pin us), it prefixes the path of each `#[utoipa::path]` with its
/// scope's, so every `path = "/api/v1/..."` here would have to change (or be inferred from
/// the actix attribute), and the document could only be had from a built actix `App`, not
/// as the plain function the tests and the 405 table in `startup.rs` use. The list keeps
/// both annotations and the document exactly as they are, and adds no crate.
///
/// A handler listed here must carry both attributes: without `#[get(...)]` (or another
/// method) it is no actix service and `configure` does not compile; without
/// `#[utoipa::path]` there is no `__path_` type and the document does not compile. So a
/// documented handler cannot be left unregistered or the reverse. That the two
/// attributes name the same method and path is checked by the end-to-end test
/// `openapi::every_documented_operation_is_routed`.
///
/// Order matters to actix (the first match wins: `ledger/batch` comes before
/// `ledger/{id}`), not to the document. Routes outside the document (the web pages, the
/// OpenAPI document itself, the API reference page) are registered in `startup.rs`.
macro_rules! api_handlers {
    ($then:ident) => {
        $then! {
            at_root: [
                health::healthz,
                health::readyz,
                health::metrics,
                certificates::verify,
            ],
            under_api_v1: [
                auth::login,
                auth::refresh,
                auth::accept_invitation,
                me::me,
                me::my_holdings,
                certificates::mine,
                tenants::create,
                tenants::list,
                tenants::get,
                tenants::update,
                invitations::create,
                invitations::create_platform,
                share_classes::create,
                share_classes::list,
                shareholders::create,
                shareholders::list,
                shareholders::get,
                shareholders::update,
                shareholders::versions,
                shareholders::holdings,
                ledger::post_batch,
                ledger::verify,
                ledger::post,
                ledger::list,
                ledger::get,
                holdings::register,
                holdings::class_register,
                exports::register,
                exports::ledger,
                exports::shareholders,
                exports::capital_movements,
                exports::ocf,
                imports::upload,
                imports::list,
                imports::get,
                imports::change,
                imports::commit,
                support::open,
                support::close,
                support::list,
                audit::tenant_audit,
                audit::platform_audit,
                certificates::issue,
                certificates::list,
                certificates::get,
                certificates::pdf,
                certificates::request_batch,
                certificates::batch,
                certificates::batch_zip,
                documents::register,
                documents::history,
                documents::upload_image,
                documents::settings,
                documents::put_settings,
                billing::get_identity,
                billing::put_identity,
                billing::list_plans,
                billing::create_plan,
                billing::get_plan,
                billing::put_plan,
                billing::get_profile,
                billing::put_profile,
                billing::usage,
                billing::preview_run,
                billing::run,
                invoices::list,
                invoices::create,
                invoices::get,
                invoices::credit_note,
                invoices::payment,
                invoices::ubl,
                invoices::pdf,
                bookkeeping::import,
                bookkeeping::bookkeeping,
            ],
        }
    };
}
pub(crate) use api_handlers;

macro_rules! register {
    (
        at_root: [$($root_module:ident::$root_handler:ident),* $(,)?],
        under_api_v1: [$($module:ident::$handler:ident),* $(,)?] $(,)?
    ) => {
        /// Registers every operation of [`api_handlers`] with actix.
        pub fn configure(cfg: &mut web::ServiceConfig) {
            cfg$(.service($root_module::$root_handler))*
                .service(web::scope("/api/v1")$(.service($module::$handler))*);
        }
    };
}

api_handlers!(register);

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
