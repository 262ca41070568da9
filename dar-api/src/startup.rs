//! Building and running the application.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, middleware, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa_redoc::{Redoc, Servable};

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
    let state = web::Data::new(AppState {
        tokens: TokenKeys::new(&settings.jwt_secret.0),
        db,
        settings,
        writer,
        images,
        batches,
    });
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::from_fn(count_responses))
            .wrap(middleware::from_fn(echo_request_id))
            .wrap(middleware::DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
            .wrap(TracingLogger::default())
            .app_data(app_state.clone())
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| crate::request::bad_query(e).into()),
            )
            .app_data(web::PayloadConfig::new(crate::request::JSON_LIMIT_BYTES))
            .configure(crate::routes::configure)
            .service(Redoc::with_url("/docs", crate::openapi::document()))
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

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
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
