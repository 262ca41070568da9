//! Per-request facts that handlers pass on to the audit log, and the strict JSON extractor.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use chrono::NaiveDate;
use dar_core::time::IsoDate;
use futures_util::future::LocalBoxFuture;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult, FieldProblem};

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
            // The peer address; X-Forwarded-For only from a trusted proxy.
            source_ip: client_ip(req).map(|ip| ip.to_string()),
            method: req.method().to_string(),
            path: req.path().to_string(),
        }))
    }
}

/// Refuses a request whose path, once percent-decoded, breaks the text policy (e.g.
/// `/api/v1/tenants/x%00`): path segments reach SQL as text like any other input, and
/// PostgreSQL cannot even compare a string holding NUL.
pub async fn refuse_unclean_path(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    use dar_core::text::{self, Lines};
    let decoded = percent_encoding::percent_decode_str(req.path()).decode_utf8();
    let problem = match decoded {
        Err(_) => Some("the path is not valid UTF-8 once decoded".to_string()),
        Ok(path) => text::clean(&path, Lines::Single)
            .err()
            .map(|e| e.to_string()),
    };
    match problem {
        Some(message) => {
            let error = ApiError::bad_fields(vec![FieldProblem {
                field: "path".into(),
                message,
            }]);
            let response = actix_web::ResponseError::error_response(&error);
            Ok(req.into_response(response).map_into_right_body())
        }
        None => next.call(req).await.map(|r| r.map_into_left_body()),
    }
}

/// The client's address as the audit log and the login throttle see it.
pub fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let trusted = req
        .app_data::<web::Data<crate::state::AppState>>()
        .map_or(&[][..], |state| &state.settings.trusted_proxies[..]);
    crate::auth::throttle::client_ip(req, trusted)
}

/// Largest JSON body accepted (a batch of 1,000 entries fits comfortably).
pub const JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// The request's `Idempotency-Key` header, if sent: 1 to 200 visible ASCII characters.
pub fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII"))?
        .trim();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "1 to 200 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_string()))
}

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

/// Parses a JSON body: the document is read whole first (refusing duplicate keys), every
/// string in it passes the text policy ([`dar_core::text`]), and only then is it turned
/// into `T`. Every problem found is reported, each with its path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_value(read_document(bytes)?, "")
}

/// Reads a JSON document into a value, applying the text policy to every string.
pub fn read_document(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    if bytes.len() > JSON_LIMIT_BYTES {
        return Err(ApiError::TooLarge {
            limit: JSON_LIMIT_BYTES,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let read = serde_path_to_error::deserialize::<_, Document>(&mut de);
    let document = match read {
        Ok(document) => de.end().map(|()| document).map_err(|e| (String::new(), e)),
        Err(err) => {
            let path = err.path().to_string();
            Err((
                if path == "." { String::new() } else { path },
                err.into_inner(),
            ))
        }
    };
    let mut value = match document {
        Ok(Document(value)) => value,
        Err((field, inner)) => {
            let message = if inner.is_eof() {
                "the JSON document ends too early".to_string()
            } else {
                humanize(&clean_serde_message(&inner))
            };
            return Err(if field.is_empty() {
                ApiError::BadRequest {
                    detail: format!("the body is not valid JSON: {message}"),
                    errors: vec![],
                }
            } else {
                ApiError::bad_fields(vec![FieldProblem { field, message }])
            });
        }
    };
    let mut problems = Vec::new();
    apply_text_policy(&mut value, &mut String::new(), None, &mut problems);
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::bad_fields(problems))
    }
}

/// Keys whose text may span several lines (a reason or a note); everything else is one line.
const MULTI_LINE_KEYS: &[&str] = &["reason", "exit_reason", "description", "note", "notes"];

/// Walks `value`, normalizing every string and recording the ones the policy refuses.
fn apply_text_policy(
    value: &mut serde_json::Value,
    path: &mut String,
    key: Option<&str>,
    problems: &mut Vec<FieldProblem>,
) {
    use dar_core::text::{self, Lines};
    match value {
        serde_json::Value::String(s) => {
            let lines = if key.is_some_and(|k| MULTI_LINE_KEYS.contains(&k)) {
                Lines::Multi
            } else {
                Lines::Single
            };
            match text::clean(s, lines) {
                Ok(clean) => *s = clean,
                Err(e) => problems.push(FieldProblem {
                    field: path.clone(),
                    message: e.to_string(),
                }),
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                apply_text_policy(item, path, key, problems);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                if text::is_clean(k, Lines::Single) {
                    path.push_str(k);
                } else {
                    path.push_str(&k.escape_default().to_string());
                    problems.push(FieldProblem {
                        field: path.clone(),
                        message: "this field name contains characters no field name has".into(),
                    });
                }
                apply_text_policy(v, path, Some(k), problems);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// A JSON value read with duplicate keys refused: `{"quantity":1,"quantity":2}` would
/// otherwise silently mean 2.
struct Document(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DocumentVisitor).map(Document)
    }
}

struct DocumentVisitor;

impl<'de> serde::de::Visitor<'de> for DocumentVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Document(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the field {key:?} appears twice; send each field once"
                )));
            }
            let Document(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// Most problems one request reports; past this the client has bigger trouble.
const PROBLEMS_MAX: usize = 50;

/// Deserializes an already-read JSON value into `T`, reporting every field it finds wrong:
/// after each error the offending field is set aside and the rest read again, so two bad
/// fields give two problems. Paths are prefixed with `prefix` (e.g. `entries[2].`).
pub fn parse_value<T: DeserializeOwned>(
    mut value: serde_json::Value,
    prefix: &str,
) -> Result<T, ApiError> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    while problems.len() < PROBLEMS_MAX {
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(parsed) if problems.is_empty() => return Ok(parsed),
            Ok(_) => break,
            Err(err) => err,
        };
        let mut segments = segments_of(err.path());
        let raw = clean_serde_message(err.inner());
        let (message, removable) = match field_named(&raw) {
            Some(("missing", name)) => {
                segments.push(name);
                ("is required".to_string(), false)
            }
            Some((_, name)) => {
                segments.push(name);
                (humanize(&raw), true)
            }
            None => (humanize(&raw), true),
        };
        let field = join_path(prefix, &segments);
        if problems.iter().any(|p| p.field == field) {
            // A required field set aside after its own error is now "missing": stand in a
            // value of a plausible type, so the fields after it are read too.
            if removable || !stand_in::<T>(&mut value, &segments) {
                break;
            }
            continue;
        }
        problems.push(FieldProblem { field, message });
        let moved_on = if removable {
            parent_object(&mut value, &segments)
                .is_some_and(|(map, last)| map.remove(last).is_some())
        } else {
            stand_in::<T>(&mut value, &segments)
        };
        if !moved_on {
            break;
        }
    }
    Err(ApiError::bad_fields(problems))
}

/// Puts at `segments` the first stand-in value that `T` reads past; false when none does.
/// Only used after the real value was reported wrong, so the request fails either way.
fn stand_in<T: DeserializeOwned>(value: &mut serde_json::Value, segments: &[String]) -> bool {
    let candidates = [
        serde_json::json!(1),
        serde_json::json!("2000-01-01"),
        serde_json::json!("1.00"),
        serde_json::json!("00000000-0000-0000-0000-000000000000"),
        serde_json::json!("A"),
        serde_json::json!(true),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    for candidate in candidates {
        let mut trial = value.clone();
        match parent_object(&mut trial, segments) {
            Some((map, last)) => map.insert(last.to_string(), candidate),
            None => return false,
        };
        let still_stuck = match serde_path_to_error::deserialize::<_, T>(&trial) {
            Ok(_) => false,
            Err(err) => {
                let mut at = segments_of(err.path());
                if let Some((_, name)) = field_named(&clean_serde_message(err.inner())) {
                    at.push(name);
                }
                at == segments
            }
        };
        if !still_stuck {
            *value = trial;
            return true;
        }
    }
    false
}

fn segments_of(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
            _ => None,
        })
        .collect()
}

/// serde names a missing or unknown field in its message, reported at the parent's path:
/// ("missing" | "unknown", the field's name).
fn field_named(message: &str) -> Option<(&'static str, String)> {
    let kind = if message.starts_with("missing field") {
        "missing"
    } else if message.starts_with("unknown field") {
        "unknown"
    } else {
        return None;
    };
    backticked(message).map(|name| (kind, name))
}

/// The first `…` quoted name in a serde message.
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

fn join_path(prefix: &str, segments: &[String]) -> String {
    let mut out = prefix.to_string();
    for s in segments {
        if !s.starts_with('[') && !out.is_empty() && !out.ends_with('.') {
            out.push('.');
        }
        out.push_str(s);
    }
    out.trim_end_matches('.').to_string()
}

/// The object holding the member at `segments`, and that member's key; `None` when the
/// path leads elsewhere (the document itself, or an element of a list).
fn parent_object<'v, 's>(
    value: &'v mut serde_json::Value,
    segments: &'s [String],
) -> Option<(&'v mut serde_json::Map<String, serde_json::Value>, &'s str)> {
    let (last, parents) = segments.split_last()?;
    let mut at = value;
    for s in parents {
        let index = s.strip_prefix('[').and_then(|i| i.strip_suffix(']'));
        at = match (at, index) {
            (serde_json::Value::Array(items), Some(i)) => {
                items.get_mut(i.parse::<usize>().ok()?)?
            }
            (serde_json::Value::Object(map), None) => map.get_mut(s.as_str())?,
            _ => return None,
        };
    }
    match at {
        serde_json::Value::Object(map) => Some((map, last.as_str())),
        _ => None,
    }
}

/// serde's messages end with " at line 1 column 42"; the path already says where.
fn clean_serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_string(),
        _ => text,
    }
}

/// Turns serde's and the parsers' vocabulary into sentences for the people who keep a
/// register: "invalid type: string \"x\", expected i64" becomes "must be a whole number".
pub fn humanize(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let name = backticked(rest).unwrap_or_default();
        return match rest.split_once("expected one of ") {
            Some((_, list)) => format!(
                "{name:?} is not a field here; the fields are: {}",
                list.replace('`', "")
            ),
            None => format!("{name:?} is not a field here"),
        };
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let list = rest
            .split_once("expected one of ")
            .or_else(|| rest.split_once("expected "))
            .map(|(_, list)| list.replace('`', ""))
            .unwrap_or_default();
        return format!("must be one of: {list}");
    }
    if raw.starts_with("UUID parsing failed") || raw.contains("expected UUID") {
        return "must be an id as DAR hands them out (a UUID such as 0190c2f0-5b7a-7c3e-9a1d-3f6b2e8d4c10)".into();
    }
    let typed = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
        .and_then(|r| r.split_once(", expected "));
    if let Some((got, expected)) = typed {
        if got == "null" {
            return "must have a value (null is not allowed here)".into();
        }
        return expectation(expected, got);
    }
    if raw.starts_with("invalid length")
        && let Some((_, expected)) = raw.split_once(", expected ")
    {
        return expectation(expected, "");
    }
    if raw.contains("hex escape") || raw.contains("surrogate") {
        return "contains a broken \\u escape (a lone UTF-16 surrogate is not a character)".into();
    }
    if raw.starts_with("number out of range") {
        return "is out of range".into();
    }
    raw.to_string()
}

fn expectation(expected: &str, got: &str) -> String {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    ];
    let is_integer = INTEGERS.contains(&expected) || expected.contains("integer");
    if is_integer && got.starts_with("integer") {
        "is out of range".into()
    } else if is_integer {
        "must be a whole number (without quotes)".into()
    } else if expected.contains("f64") || expected.contains("f32") || expected == "a number" {
        "must be a number".into()
    } else if expected.contains("boolean") {
        "must be true or false".into()
    } else if expected == "a string" || expected == "a borrowed string" {
        "must be text (in quotes)".into()
    } else if expected.contains("sequence") {
        "must be a list ([…])".into()
    } else if expected.starts_with("struct") || expected.contains("map") {
        "must be an object ({…})".into()
    } else {
        format!("must be {}", expected.replace('`', ""))
    }
}

/// Query strings are read like bodies: every parameter is named in its error, values pass
/// the text policy, and a parameter given twice is refused rather than one copy ignored.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    use dar_core::text::{self, Lines};
    let mut problems = Vec::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if !text::is_clean(&k, Lines::Single) {
            problems.push(FieldProblem {
                field: k.escape_default().to_string(),
                message: "this parameter name contains characters no parameter has".into(),
            });
        } else if pairs.iter().any(|(seen, _)| *seen == k) {
            problems.push(FieldProblem {
                field: k.into_owned(),
                message: "is given twice; give each parameter once".into(),
            });
        } else {
            match text::clean(&v, Lines::Single) {
                Ok(clean) => pairs.push((k.into_owned(), clean)),
                Err(e) => problems.push(FieldProblem {
                    field: k.into_owned(),
                    message: e.to_string(),
                }),
            }
        }
    }
    // After each error the parameter is set aside and the rest read again, as for bodies.
    while problems.len() < PROBLEMS_MAX {
        let encoded = serde_urlencoded::to_string(&pairs).map_err(ApiError::internal)?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        let err = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(parsed) if problems.is_empty() => return Ok(parsed),
            Ok(_) => break,
            Err(err) => err,
        };
        let raw = err.inner().to_string();
        let (field, message) = match field_named(&raw) {
            Some(("missing", name)) => (name, "is required".to_string()),
            Some((_, name)) => (name, humanize(&raw)),
            None => (segments_of(err.path()).join("."), humanize_query(&raw)),
        };
        // A parameter refused by the text policy is not "missing" as well.
        if problems.iter().any(|p| p.field == field) {
            break;
        }
        let before = pairs.len();
        pairs.retain(|(k, _)| *k != field);
        let stuck = field.is_empty() || pairs.len() == before;
        problems.push(FieldProblem { field, message });
        if stuck {
            break;
        }
    }
    Err(ApiError::bad_fields(problems))
}

/// A query string carries text only, so "invalid digit" means "not a number".
fn humanize_query(raw: &str) -> String {
    if raw.contains("invalid digit") || raw.contains("cannot parse integer") {
        "must be a whole number".into()
    } else if raw.contains("number too large") || raw.contains("too small") {
        "is out of range".into()
    } else {
        humanize(raw)
    }
}

/// `deserialize_with` for request dates: ISO `YYYY-MM-DD` only ([`IsoDate`]).
pub fn iso_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    IsoDate::deserialize(d).map(IsoDate::date)
}

/// `deserialize_with` for optional request dates; use with `#[serde(default)]`.
pub fn iso_date_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<IsoDate>::deserialize(d).map(|d| d.map(IsoDate::date))
}

/// A query string parsed by [`parse_query`].
pub struct StrictQuery<T>(pub T);

impl<T> StrictQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for StrictQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(StrictQuery))
    }
}

/// Reads a body up to `limit` bytes, for uploads larger than the JSON limit (a register, an
/// image form); [`ApiError::TooLarge`] beyond. Once a megabyte has come, the buffer is
/// sized for the declared length (within the limit): grown by doubling, a 34 MB register
/// would pass through 96 MB. (Not before: a length alone must not reserve 64 MB.)
pub async fn read_body(
    req: &actix_web::HttpRequest,
    mut payload: actix_web::web::Payload,
    limit: usize,
) -> ApiResult<Vec<u8>> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > limit {
        return Err(ApiError::too_large(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut payload).await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            detail: format!("the body could not be read: {e}"),
            errors: vec![],
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        if body.len() + chunk.len() > 1 << 20 && body.capacity() < declared {
            body.reserve_exact(declared - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
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
