//! Per-request facts that handlers pass on to the audit log, and the strict JSON extractor.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldProblem};

/// Who asked, from where, under which request id.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub request_id: String,
    pub source_ip: Option<String>,
    pub method: String,
    pub path: String,
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        ready(Ok(RequestMeta {
            request_id,
            // The peer address, not X-Forwarded-For, which any client can write.
            source_ip: req.peer_addr().map(|a| a.ip().to_string()),
            method: req.method().to_string(),
            path: req.path().to_string(),
        }))
    }
}

/// Largest JSON body accepted (a batch of 1,000 entries fits comfortably).
pub const JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// A JSON body parsed strictly: the error names the path of the offending field
/// (`entries[3].quantity`), and unknown fields are refused by the types themselves.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for StrictJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = require_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            json?;
            let bytes = body
                .await
                .map_err(|e| ApiError::unreadable_body(&e, JSON_LIMIT_BYTES))?;
            parse_json(&bytes).map(StrictJson)
        })
    }
}

/// The body's declared media type, lower-case and without parameters ("" when none).
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Refuses a body that is not declared as JSON (`application/json` or `…+json`).
pub fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let mime = media_type(req);
    if mime == "application/json" || mime.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::BadRequest {
            detail: "send the body as JSON with Content-Type: application/json".into(),
            errors: vec![],
        })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.len() > JSON_LIMIT_BYTES {
        return Err(ApiError::too_large(JSON_LIMIT_BYTES));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match result {
        Ok(value) => {
            de.end().map_err(|e| ApiError::BadRequest {
                detail: clean_serde_message(&e),
                errors: vec![],
            })?;
            Ok(value)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let message = clean_serde_message(&inner);
            let field = if path == "." { String::new() } else { path };
            let detail = if field.is_empty() {
                message.clone()
            } else {
                format!("{field}: {message}")
            };
            let errors = if field.is_empty() {
                vec![]
            } else {
                vec![FieldProblem { field, message }]
            };
            Err(ApiError::BadRequest { detail, errors })
        }
    }
}

/// Deserializes an already-parsed JSON value; errors name the field, after `prefix`.
pub fn parse_value<T: DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = clean_serde_message(err.inner());
        let field = if path == "." {
            prefix.trim_end_matches('.').to_string()
        } else {
            format!("{prefix}{path}")
        };
        let detail = if field.is_empty() {
            message.clone()
        } else {
            format!("{field}: {message}")
        };
        let errors = if field.is_empty() {
            vec![]
        } else {
            vec![FieldProblem { field, message }]
        };
        ApiError::BadRequest { detail, errors }
    })
}

/// serde's messages end with " at line 1 column 42"; the path already says where.
fn clean_serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_string(),
        _ => text,
    }
}

/// Query strings are parsed with the same care.
pub fn bad_query(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest {
        detail: format!("query: {e}"),
        errors: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        entries: Vec<Inner>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        quantity: i64,
    }

    #[test]
    fn a_wrong_type_is_reported_with_its_path() {
        let Err(ApiError::BadRequest { errors, .. }) =
            parse_json::<Outer>(br#"{"entries":[{"quantity":1},{"quantity":"x"}]}"#)
        else {
            panic!("expected a bad request");
        };
        assert_eq!(errors[0].field, "entries[1].quantity");
    }

    #[test]
    fn an_unknown_field_is_refused() {
        assert!(parse_json::<Inner>(br#"{"quantity":1,"quantiy":2}"#).is_err());
    }

    #[test]
    fn trailing_garbage_is_refused() {
        assert!(parse_json::<Inner>(br#"{"quantity":1} x"#).is_err());
    }
}
