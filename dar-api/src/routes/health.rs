//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, get, web};

use crate::state::AppState;

/// The process is alive.
#[utoipa::path(get, operation_id = "healthz", security(()), path = "/healthz", tag = "operations", responses((status = 200, description = "alive", body = Object)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers, every migration is applied and every ledger writer runs.
#[utoipa::path(get, operation_id = "readyz", security(()), path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready", body = Object),
        (status = 503, description = "not ready: the database does not answer, is not migrated, or a ledger writer is down", body = Object)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ready = state
        .db(|conn| {
            diesel::RunQueryDsl::execute(diesel::sql_query("SELECT 1"), conn)?;
            Ok(())
        })
        .await
        .is_ok()
        && {
            let db = state.db.clone();
            web::block(move || db.migrations_current().unwrap_or(false))
                .await
                .unwrap_or(false)
        };
    // A ledger writer that is down leaves its tenants unable to post.
    let writers_down = state.writer.down();
    if ready && writers_down == 0 {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "not ready", "ledger_writers_down": writers_down }))
    }
}

/// Prometheus text format.
#[utoipa::path(get, operation_id = "metrics", security(()), path = "/metrics", tag = "operations", responses((status = 200, description = "metrics", content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::metrics::render())
}
