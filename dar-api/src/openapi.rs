//! The OpenAPI 3.1 document, generated from the handlers' annotations and the request and
//! response types, so it cannot drift from the code.

use std::sync::OnceLock;

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Object, Ref, RefOr, Schema, Type};
use utoipa::{Modify, OpenApi};

use crate::routes;

/// Declares [`ApiDoc`] with the operations of [`routes::api_handlers`], the list that
/// `routes::configure` registers with actix from too.
macro_rules! api_doc {
    (
        at_root: [$($root_module:ident::$root_handler:ident),* $(,)?],
        under_api_v1: [$($module:ident::$handler:ident),* $(,)?] $(,)?
    ) => {
        #[derive(OpenApi)]
        #[openapi(
            info(title = "DAR — digital shareholder register", version = "1",
                 description = "Registers of registered shares for cooperatives. Money is sent as decimal strings (\"250.00\"), dates as ISO 8601, errors as application/problem+json."),
            paths(
                $(routes::$root_module::$root_handler,)*
                $(routes::$module::$handler,)*
            ),
            components(schemas(crate::error::Problem, crate::error::FieldProblem)),
            modifiers(&BearerAuth, &ErrorResponses, &WireFormats),
            security(("bearer" = [])),
        )]
        pub struct ApiDoc;
    };
}

routes::api_handlers!(api_doc);

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The problem media type every error is sent as.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The error answers of the API: status, name in `components/responses`, meaning.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "400",
        "MalformedRequest",
        "The request could not be read: malformed JSON, a wrong type, an unknown field, a body \
         not sent as JSON, or a query parameter that does not parse.",
    ),
    (
        "401",
        "Unauthenticated",
        "No valid access token, or wrong credentials.",
    ),
    ("403", "Forbidden", "The caller's role does not allow this."),
    (
        "404",
        "NotFound",
        "The cooperative or object does not exist, or is not the caller's to see.",
    ),
    (
        "409",
        "Conflict",
        "The request conflicts with the current state (a duplicate, a read-only cooperative, \
         a batch not finished yet).",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than the limit (2 MiB).",
    ),
    (
        "414",
        "UriTooLong",
        "The request target is longer than 8 KiB.",
    ),
    (
        "422",
        "Unprocessable",
        "Well-formed but invalid values, or a register rule refuses the request; `errors` \
         names each field.",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many attempts; retry after the number of seconds in `Retry-After`.",
    ),
    (
        "503",
        "Unavailable",
        "Temporarily unavailable (the database is busy or unreachable); retry after \
         `Retry-After` seconds.",
    ),
];

/// Operations that answer without the database.
const WITHOUT_DATABASE: &[&str] = &["healthz", "metrics"];

/// Operations that count failed attempts and answer 429 when there are too many.
const THROTTLED: &[&str] = &["login"];

/// Declares, in one place, the errors each operation can answer, all as
/// `application/problem+json` with the `Problem` schema: which ones follow from what the
/// operation takes (a token, a body, query or path parameters) and whether it writes.
/// A handler's own problem responses are replaced by the shared ones, so every error is
/// declared the same way.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description) in ERRORS {
            components
                .responses
                .insert((*name).to_string(), problem_response(status, description));
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (operation, writes) in operations {
                if let Some(operation) = operation {
                    declare_errors(operation, writes);
                }
            }
        }
    }
}

fn declare_errors(operation: &mut Operation, writes: bool) {
    // `security(())` on a handler marks it public; the document says so with no requirement.
    let public = operation
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == Default::default()));
    if public {
        operation.security = Some(vec![]);
    }
    let id = operation.operation_id.clone().unwrap_or_default();
    let has = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    let (query, path, header) = (
        has(ParameterIn::Query),
        has(ParameterIn::Path),
        has(ParameterIn::Header),
    );
    let body = operation.request_body.is_some();
    let applies = |status: &str| match status {
        // A path parameter that breaks the text policy (a control character) is a 400.
        "400" => body || query || header || path,
        "422" => body || query || header,
        "401" | "403" => !public,
        "404" | "414" => path,
        "409" => writes && !public,
        "413" => body,
        "429" => THROTTLED.contains(&id.as_str()),
        "503" => !WITHOUT_DATABASE.contains(&id.as_str()),
        _ => false,
    };
    let responses = &mut operation.responses.responses;
    for (status, name, _) in ERRORS {
        let shared = RefOr::Ref(Ref::from_response_name(*name));
        match responses.get(*status) {
            Some(RefOr::T(own)) if is_problem(own) => {
                responses.insert((*status).to_string(), shared);
            }
            Some(_) => {}
            None if applies(status) => {
                responses.insert((*status).to_string(), shared);
            }
            None => {}
        }
    }
}

/// A response a handler declared with `body = Problem`.
fn is_problem(response: &Response) -> bool {
    response
        .content
        .values()
        .any(|c| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
}

fn problem_response(status: &str, description: &str) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(Object::with_type(Type::String))
            .description(Some(description))
            .build()
    };
    match status {
        "401" => {
            response = response.header("WWW-Authenticate", header("`Bearer`"));
        }
        "429" | "503" => {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Object::with_type(Type::Integer))
                    .description(Some("Seconds to wait before retrying."))
                    .build(),
            );
        }
        _ => {}
    }
    RefOr::T(response.build())
}

/// A decimal amount of euros as the API reads it (`dar_core::money::Money::parse`).
pub const MONEY_PATTERN: &str = r"^[0-9]+(\.[0-9]{1,2})?$";

/// How the document shows a `Money` field: `#[schema(value_type = crate::openapi::Amount,
/// inline)]` (or `Option<…>`). The pattern comes with the type, so an amount field is not
/// documented without it.
pub struct Amount;

impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        let mut object = Object::with_type(Type::String);
        object.pattern = Some(MONEY_PATTERN.to_string());
        object.description =
            Some("An amount in euros: digits with at most two decimals, e.g. \"250.00\".".into());
        object.examples = vec!["250.00".into()];
        RefOr::T(Schema::Object(object))
    }
}

impl utoipa::ToSchema for Amount {}

/// The values the API accepts for its coded fields, taken from the `dar-core` enums that
/// parse them, and the page sizes from `routes::page_limit`'s bounds: so the document
/// states them (clients get enums, a fuzzer generates requests that reach the handlers)
/// without a second list.
struct WireFormats;

fn values<T: 'static>(all: &'static [T], wire: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(wire).collect()
}

impl Modify for WireFormats {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use dar_core::billing::numbering::DocumentKind;
        use dar_core::types::{
            EntryKind, Language, Role, ShareholderKind, ShareholderStatus, TenantStatus,
            TransferRule, VotingRule,
        };
        use dar_documents::tabular::CsvDialect;
        use dar_import::plan::Mode as ImportMode;
        let language = values(Language::ALL, Language::as_str);
        let holder_status = values(ShareholderStatus::ALL, ShareholderStatus::as_str);
        let enums: Vec<(&str, &str, Vec<&str>)> = vec![
            (
                "CreateShareClass",
                "transfer_rule",
                values(TransferRule::ALL, TransferRule::as_str),
            ),
            (
                "CreateShareholder",
                "kind",
                values(ShareholderKind::ALL, ShareholderKind::as_str),
            ),
            ("CreateShareholder", "language", language.clone()),
            ("UpdateShareholder", "language", language.clone()),
            ("UpdateShareholder", "status", holder_status.clone()),
            ("CreateTenant", "default_language", language.clone()),
            ("ProfileInput", "language", language.clone()),
            (
                "CreateTenant",
                "voting_rule",
                values(VotingRule::ALL, VotingRule::as_str),
            ),
            ("UpdateTenant", "default_language", language.clone()),
            (
                "UpdateTenant",
                "voting_rule",
                values(VotingRule::ALL, VotingRule::as_str),
            ),
            (
                "UpdateTenant",
                "status",
                values(TenantStatus::ALL, TenantStatus::as_str),
            ),
            (
                "CreateInvitation",
                "role",
                values(
                    &[Role::Admin, Role::Viewer, Role::Shareholder],
                    Role::as_str,
                ),
            ),
            (
                "CreatePlatformInvitation",
                "role",
                values(&[Role::Coordinator, Role::Helpdesk], Role::as_str),
            ),
            ("IssueInput", "kind", vec![EntryKind::Issue.as_str()]),
            ("TransferInput", "kind", vec![EntryKind::Transfer.as_str()]),
            (
                "RedemptionInput",
                "kind",
                vec![EntryKind::Redemption.as_str()],
            ),
            ("PaymentInput", "kind", vec![EntryKind::Payment.as_str()]),
            ("ReversalInput", "kind", vec![EntryKind::Reversal.as_str()]),
        ];
        let components = openapi.components.get_or_insert_with(Default::default);
        for (schema, property, allowed) in enums {
            if let Some(object) = property_of(&mut components.schemas, schema, property) {
                set_enum(object, &allowed);
            }
        }
        let parameters: [(&str, &str, Vec<&str>); 6] = [
            ("list_shareholders", "status", holder_status),
            (
                "list_invoices",
                "kind",
                values(DocumentKind::ALL, |k| k.as_str()),
            ),
            (
                "upload_import",
                "mode",
                values(ImportMode::ALL, |m| m.as_str()),
            ),
            (
                "list_ledger_entries",
                "kind",
                values(EntryKind::ALL, EntryKind::as_str),
            ),
            ("get_register_pdf", "language", language.clone()),
            ("get_shareholder_history_pdf", "language", language),
        ];
        // Every download takes its format and CSV dialect by these names, whatever the operation.
        let downloads: [(&str, Vec<&str>); 2] = [
            ("format", crate::routes::exports::FORMATS.to_vec()),
            ("dialect", values(CsvDialect::ALL, |d| d.as_str())),
        ];
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                let id = operation.operation_id.clone();
                for parameter in operation.parameters.iter_mut().flatten() {
                    if parameter.name == "limit" {
                        page_size(parameter);
                        continue;
                    }
                    let allowed = parameters
                        .iter()
                        .find(|(op, name, _)| id.as_deref() == Some(*op) && parameter.name == *name)
                        .map(|(_, _, allowed)| allowed)
                        .or_else(|| {
                            downloads
                                .iter()
                                .find(|(name, _)| parameter.name == *name)
                                .map(|(_, allowed)| allowed)
                        });
                    if let (Some(allowed), Some(RefOr::T(Schema::Object(object)))) =
                        (allowed, parameter.schema.as_mut())
                    {
                        set_enum(object, allowed);
                    }
                }
            }
        }
    }
}

/// Every list takes its page size as `limit`, bounded by `routes::page_limit`.
fn page_size(parameter: &mut utoipa::openapi::path::Parameter) {
    use crate::routes::{PAGE_DEFAULT, PAGE_MAX};
    parameter.description = Some(format!(
        "Items per page: 1 to {PAGE_MAX}, default {PAGE_DEFAULT}."
    ));
    if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
        object.minimum = Some(utoipa::Number::Int(1));
        object.maximum = Some(utoipa::Number::Int(PAGE_MAX as isize));
    }
}

fn property_of<'a>(
    schemas: &'a mut std::collections::BTreeMap<String, RefOr<Schema>>,
    schema: &str,
    property: &str,
) -> Option<&'a mut Object> {
    let Some(RefOr::T(Schema::Object(object))) = schemas.get_mut(schema) else {
        panic!("the OpenAPI document has no object schema {schema}");
    };
    match object.properties.get_mut(property) {
        Some(RefOr::T(Schema::Object(property))) => Some(property),
        _ => panic!("{schema}.{property} is not a plain property"),
    }
}

/// Restricts a string to `allowed`; an optional one may still be `null`.
fn set_enum(object: &mut Object, allowed: &[&str]) {
    let mut values: Vec<serde_json::Value> = allowed.iter().map(|v| (*v).into()).collect();
    if matches!(&object.schema_type, SchemaType::Array(types) if types.contains(&Type::Null)) {
        values.push(serde_json::Value::Null);
    }
    object.enum_values = Some(values);
}

pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.openapi = utoipa::openapi::OpenApiVersion::Version31;
    doc
}

/// The OpenAPI 3.1 document, generated from the handlers and types.
///
/// Served here, next to the document, and registered in `startup.rs` rather than in
/// `routes::configure`: the document is made from the routes, so the routes do not serve it
/// (which made `routes` and `openapi` import each other). It is not an operation of the
/// document itself, as before. The document does not change while the process runs, so it
/// is serialised once.
#[get("/api/v1/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| {
        serde_json::to_string(&document()).expect("the OpenAPI document serialises")
    });
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body.as_str())
}
