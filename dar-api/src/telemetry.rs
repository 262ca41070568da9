//! Structured logs. `DAR_LOG_FORMAT=json` gives one JSON object per line for log shippers;
//! the default is human-readable. `RUST_LOG` filters as usual.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use tracing::Level;
use tracing_subscriber::EnvFilter;

use crate::error::ApiError;

/// The filter without `RUST_LOG`. actix-http's connection dispatcher logs at ERROR what
/// clients do wrong on the wire (a malformed header line, a truncated body, a reset): the
/// client gets its 400 and nothing is wrong with the service, so those lines are dropped.
/// Its one server-side message, a failed response stream, only concerns the batch ZIP,
/// which logs its own failure ("batch ZIP stream stopped").
pub const DEFAULT_FILTER: &str = "info,actix_server=warn,actix_http::h1::dispatcher=off";

pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let json = std::env::var("DAR_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    // Colours only for a person at a terminal, never into files or log shippers.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi);
    // A second init (tests start many apps in one process) is harmless and ignored.
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.try_init()
    };
}

/// How loud the outcome of a request is. A 4xx is the client's doing: INFO, so a typo in a
/// script does not look like an incident. A 5xx is ours: ERROR, unless the handler's error
/// already logged it with its cause (`ApiError` does, in error.rs).
pub fn outcome_level(status: StatusCode, logged_by_handler: bool) -> Option<Level> {
    if status.is_client_error() {
        Some(Level::INFO)
    } else if status.is_server_error() && !logged_by_handler {
        Some(Level::ERROR)
    } else {
        None
    }
}

/// Logs each refused or failed request once, inside the request's span (so with its
/// request id), at the level [`outcome_level`] gives.
pub async fn log_outcome(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let status = response.status();
    let api_error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>());
    let problem = api_error.map_or("", ApiError::code);
    match outcome_level(status, api_error.is_some()) {
        Some(Level::INFO) => {
            tracing::info!(status = status.as_u16(), problem, "request refused")
        }
        Some(_) => tracing::error!(status = status.as_u16(), "request failed"),
        None => {}
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_error_is_info_and_a_server_error_is_error() {
        assert_eq!(
            outcome_level(StatusCode::NOT_FOUND, true),
            Some(Level::INFO)
        );
        assert_eq!(
            outcome_level(StatusCode::TOO_MANY_REQUESTS, true),
            Some(Level::INFO)
        );
        assert_eq!(
            outcome_level(StatusCode::BAD_REQUEST, false),
            Some(Level::INFO)
        );
        assert_eq!(
            outcome_level(StatusCode::INTERNAL_SERVER_ERROR, false),
            Some(Level::ERROR)
        );
        // error.rs has logged it, with its cause.
        assert_eq!(outcome_level(StatusCode::INTERNAL_SERVER_ERROR, true), None);
        assert_eq!(outcome_level(StatusCode::OK, false), None);
    }

    /// A writer that keeps what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_malformed_request_on_the_wire_is_not_logged_by_default() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new(DEFAULT_FILTER))
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // What actix-http logs when a client sends a header line it cannot parse.
            tracing::error!(target: "actix_http::h1::dispatcher", "stream error: Parse(Header)");
            tracing::error!(target: "dar_api::error", "request failed");
        });
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(!log.contains("stream error"), "{log}");
        assert!(log.contains("request failed"), "{log}");
    }
}
