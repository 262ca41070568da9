//! Building and running the application.

use std::net::TcpListener;
use std::sync::OnceLock;

use actix_web::body::BoxBody;
use actix_web::dev::{ResourceDef, Server};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, HttpResponse, HttpServer, middleware, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::documents::{BatchRunner, ImageCache};
use crate::error::ApiError;
use crate::state::AppState;
use crate::writer::LedgerWriter;
use dar_db::Database;

/// A running server and where it listens.
pub struct Application {
    pub port: u16,
    pub server: Server,
    pub state: web::Data<AppState>,
}

/// Connects, migrates, creates the first coordinator if asked, and binds.
pub fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = Database::connect(&settings.database_url, settings.pool_size)
        .context("connecting to the database")?;
    let applied = db.migrate().context("applying migrations")?;
    if applied > 0 {
        tracing::info!(migrations.applied = applied, "database migrated");
    }
    crate::bootstrap::ensure_coordinator(&db, &settings)?;
    let listener = TcpListener::bind(settings.listen)
        .with_context(|| format!("binding {}", settings.listen))?;
    build_with(db, settings, listener)
}

pub fn build_with(
    db: Database,
    settings: Settings,
    listener: TcpListener,
) -> anyhow::Result<Application> {
    let port = listener.local_addr()?.port();
    let writer = LedgerWriter::start(db.clone(), settings.ledger_writers);
    let images = std::sync::Arc::new(ImageCache::default());
    let batches = BatchRunner::new(db.clone(), images.clone(), &settings.public_url);
    batches.start_sweeper();
    let imports = crate::imports::ImportRunner::new(db.clone());
    imports.start_sweeper();
    let mail = crate::mail::Outbox::start(db.clone(), &settings.mail)?;
    let reset_throttle = crate::auth::throttle::LoginThrottle::new(settings.login_throttle.clone());
    let state = web::Data::new(AppState {
        tokens: TokenKeys::new(&settings.jwt_secret.0),
        login_throttle: crate::auth::throttle::LoginThrottle::new(settings.login_throttle.clone()),
        db,
        settings,
        writer,
        images,
        batches,
        imports,
        chain_checks: Default::default(),
        class_totals: Default::default(),
        mail,
        invoice_delivery: std::sync::Arc::new(crate::delivery::MailDelivery),
        reset_throttle,
    });
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::from_fn(problem_errors))
            .wrap(middleware::from_fn(count_responses))
            .wrap(middleware::from_fn(crate::request::refuse_unclean_path))
            .wrap(middleware::from_fn(crate::telemetry::log_outcome))
            .wrap(middleware::from_fn(echo_request_id))
            .wrap(middleware::DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
            .wrap(TracingLogger::default())
            .app_data(app_state.clone())
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
            .app_data(web::PayloadConfig::new(crate::request::JSON_LIMIT_BYTES))
            // Before the routes: their `/api/v1` scope would take this path and answer 404.
            .service(crate::openapi::openapi_json)
            .configure(crate::routes::configure)
            .configure(crate::web::configure)
            .service(crate::docs::docs)
            .service(crate::docs::redoc)
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .run();
    Ok(Application {
        port,
        server,
        state,
    })
}

/// No route matched: 405 with `Allow` when the path is a resource that has other methods,
/// 404 otherwise.
async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let allowed = allowed_methods(req.path());
    if allowed.is_empty() {
        // A person who typed or followed a wrong address gets a page; the API keeps
        // answering its clients with a problem document.
        let api = req.path() == "/api" || req.path().starts_with("/api/");
        if !api {
            return crate::web::not_found_page(&req);
        }
        return actix_web::ResponseError::error_response(&ApiError::NotFound);
    }
    let allow = allowed.join(", ");
    let mut response = actix_web::ResponseError::error_response(&ApiError::Http {
        status: StatusCode::METHOD_NOT_ALLOWED,
        detail: format!(
            "{} {} is not an operation; this resource allows {allow}",
            req.method(),
            req.path()
        ),
    });
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The methods each path template has, from the OpenAPI document (which lists every route
/// of the API) and the few routes it does not describe.
fn routes() -> &'static [(ResourceDef, Vec<&'static str>)] {
    static ROUTES: OnceLock<Vec<(ResourceDef, Vec<&'static str>)>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let doc = crate::openapi::document();
        let mut out: Vec<(ResourceDef, Vec<&'static str>)> = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let methods = methods
                    .into_iter()
                    .filter_map(|(m, present)| present.then_some(m))
                    .collect();
                (ResourceDef::new(template.as_str()), methods)
            })
            .collect();
        for path in [
            "/api/v1/openapi.json",
            crate::docs::DOCS_PATH,
            crate::docs::REDOC_PATH,
        ] {
            out.push((ResourceDef::new(path), vec!["GET"]));
        }
        out
    })
}

/// The methods of the resource `path` names. Where templates overlap (`/ledger/batch` and
/// `/ledger/{id}`), the one with the fewest parameters is the resource meant.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    let matching: Vec<_> = routes()
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .map(|(def, methods)| (def.pattern().map_or(0, |p| p.matches('{').count()), methods))
        .collect();
    let fewest = matching.iter().map(|(params, _)| *params).min();
    let mut allowed: Vec<&'static str> = matching
        .iter()
        .filter(|(params, _)| Some(*params) == fewest)
        .flat_map(|(_, methods)| methods.iter().copied())
        .collect();
    allowed.sort_unstable();
    allowed.dedup();
    allowed
}

/// Longest request target accepted (the register's longest real URI is a few hundred bytes).
/// A longer one is 414 here; actix-web itself closes a request head over 128 KiB with an
/// empty 431 before any of this code runs.
const URI_LIMIT_BYTES: usize = 8 * 1024;

/// Every error answer is a problem document, also those that actix-web gives by itself (a
/// body over the limit, an unreadable body): handlers' errors already are. A JSON error body
/// was written on purpose (`/readyz` reports its checks) and is left alone; the response's
/// other headers (`Allow`, `Retry-After`, `WWW-Authenticate`) are kept.
async fn problem_errors(
    req: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<BoxBody>, actix_web::Error> {
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target > URI_LIMIT_BYTES {
        let error = ApiError::Http {
            status: StatusCode::URI_TOO_LONG,
            detail: format!("the request target is longer than {URI_LIMIT_BYTES} bytes"),
        };
        return Ok(req.error_response(error));
    }
    // Routing and handlers turn their errors into responses, so an `Err` here is rare; it
    // becomes a response through `ResponseError`, which for our errors is a problem too.
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    // A page's error is a page (`web::PageError`), written for a person, and stays one.
    if !(status.is_client_error() || status.is_server_error())
        || is_json(response.headers())
        || is_html(response.headers())
    {
        return Ok(response);
    }
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the body is larger than the limit of {} bytes",
            crate::request::JSON_LIMIT_BYTES
        ),
        _ => response
            .response()
            .error()
            .map(ToString::to_string)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused").to_string()),
    };
    let problem = actix_web::ResponseError::error_response(&ApiError::Http { status, detail });
    let (request, original) = response.into_parts();
    let (problem_head, body) = problem.into_parts();
    let (mut head, _) = original.into_parts();
    for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH] {
        head.headers_mut().remove(name);
    }
    if let Some(content_type) = problem_head.headers().get(header::CONTENT_TYPE) {
        head.headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    Ok(actix_web::dev::ServiceResponse::new(
        request,
        head.set_body(body),
    ))
}

fn is_html(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

fn is_json(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"))
}

/// Hands the request id to the client, so a support question can point at the log lines
/// and audit events of one request.
async fn echo_request_id(
    req: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut response = next.call(req).await?;
    if let Some(id) = id.and_then(|id| actix_web::http::header::HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            id,
        );
    }
    Ok(response)
}

async fn count_responses(
    req: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    crate::metrics::count_response(response.status().as_u16());
    Ok(response)
}
