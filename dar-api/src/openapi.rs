//! The OpenAPI 3.1 document, generated from the handlers' annotations and the request and
//! response types, so it cannot drift from the code.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "DAR — digital shareholder register", version = "1",
         description = "Registers of registered shares for cooperatives. Money is sent as decimal strings (\"250.00\"), dates as ISO 8601, errors as application/problem+json."),
    paths(
        routes::health::healthz, routes::health::readyz, routes::health::metrics,
        routes::auth::login, routes::auth::refresh, routes::auth::accept_invitation,
        routes::me::me, routes::me::my_holdings,
        routes::tenants::create, routes::tenants::list, routes::tenants::get, routes::tenants::update,
        routes::invitations::create, routes::invitations::create_platform,
        routes::share_classes::create, routes::share_classes::list,
        routes::shareholders::create, routes::shareholders::list, routes::shareholders::get,
        routes::shareholders::update, routes::shareholders::versions, routes::shareholders::holdings,
        routes::ledger::post, routes::ledger::post_batch, routes::ledger::list, routes::ledger::get, routes::ledger::verify,
        routes::holdings::register, routes::holdings::class_register,
        routes::support::open, routes::support::close, routes::support::list,
        routes::audit::tenant_audit, routes::audit::platform_audit,
        routes::certificates::issue, routes::certificates::list, routes::certificates::get,
        routes::certificates::pdf, routes::certificates::mine, routes::certificates::verify,
        routes::certificates::request_batch, routes::certificates::batch, routes::certificates::batch_zip,
        routes::documents::register, routes::documents::history, routes::documents::upload_image,
        routes::documents::settings, routes::documents::put_settings,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

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

pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.openapi = utoipa::openapi::OpenApiVersion::Version31;
    doc
}
