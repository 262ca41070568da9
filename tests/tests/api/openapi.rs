//! The OpenAPI document is the contract clients are generated from: it must be valid, say
//! what the service really does, and change only on purpose.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use dar_tests::{on_both_backends, tool};

fn document() -> Value {
    serde_json::to_value(dar_api::openapi::document()).expect("the document serialises")
}

fn snapshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/openapi.json")
}

/// Every operation of the document with its method and path.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    out
}

#[test]
fn the_openapi_document_matches_the_committed_snapshot() {
    let current = serde_json::to_string_pretty(&document()).expect("json") + "\n";
    let path = snapshot_path();
    if std::env::var("DAR_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("folder")).expect("snapshot folder");
        std::fs::write(&path, &current).expect("writing the snapshot");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != current {
        panic!(
            "the OpenAPI document differs from {}:\n{}\nIf the API change is intended, update the \
             snapshot with `DAR_UPDATE_SNAPSHOTS=1 cargo test -p dar-tests --test api openapi` \
             and commit it.",
            path.display(),
            line_diff(&committed, &current)
        );
    }
}

/// The changed lines, with a little context: enough to see in a test log what moved.
fn line_diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let context = prefix.saturating_sub(3);
    let mut out = format!("@@ line {} @@\n", context + 1);
    for line in &old[context..prefix] {
        out += &format!("  {line}\n");
    }
    let removed = &old[prefix..old.len() - suffix];
    let added = &new[prefix..new.len() - suffix];
    for line in removed.iter().take(60) {
        out += &format!("- {line}\n");
    }
    for line in added.iter().take(60) {
        out += &format!("+ {line}\n");
    }
    if removed.len() > 60 || added.len() > 60 {
        out += &format!(
            "… ({} lines removed, {} added in all)\n",
            removed.len(),
            added.len()
        );
    }
    out
}

#[test]
fn the_openapi_document_passes_a_validator() {
    let Some(validator) = tool(
        "DAR_TEST_OPENAPI_VALIDATOR",
        "openapi-spec-validator",
        "DAR_TEST_REQUIRE_VALIDATOR",
    ) else {
        return;
    };
    let file = std::env::temp_dir().join(format!("dar-openapi-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec_pretty(&document()).expect("json"))
        .expect("writing the document");
    let output = std::process::Command::new(&validator)
        .arg("--validation-errors")
        .arg("all")
        .arg(&file)
        .output()
        .expect("running the validator");
    let _ = std::fs::remove_file(&file);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the validator refuses the document:\n{text}"
    );
    assert!(text.contains("OK"), "unexpected validator output:\n{text}");
}

#[test]
fn operation_ids_are_unique_and_descriptive() {
    let doc = document();
    let mut seen = BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(
            seen.insert(id.to_string()),
            "operationId {id} is used twice"
        );
        assert!(
            id.contains('_') || ["login", "healthz", "readyz", "metrics"].contains(&id),
            "operationId {id} of {method} {path} does not say what it does"
        );
    }
}

#[test]
fn every_error_response_is_declared_as_a_problem() {
    let doc = document();
    let shared = &doc["components"]["responses"];
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if !(status.starts_with('4') || status.starts_with('5')) || path == "/readyz" {
                continue;
            }
            let response = match response["$ref"].as_str() {
                Some(r) => &shared[r.trim_start_matches("#/components/responses/")],
                None => response,
            };
            let content = response["content"].as_object().expect("content");
            assert_eq!(
                content.keys().collect::<Vec<_>>(),
                ["application/problem+json"],
                "{method} {path} {status}"
            );
            assert_eq!(
                content["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path} {status}"
            );
        }
    }
}

#[test]
fn operations_declare_the_errors_they_can_answer() {
    let doc = document();
    let statuses = |method: &str, path: &str| -> BTreeSet<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    let has = |method: &str, path: &str, expected: &[&str]| {
        let got = statuses(method, path);
        for status in expected {
            assert!(
                got.contains(*status),
                "{method} {path} lacks {status}: {got:?}"
            );
        }
    };
    has(
        "post",
        "/api/v1/tenants/{tenant}/ledger",
        &[
            "201", "400", "401", "403", "404", "409", "413", "422", "503",
        ],
    );
    has(
        "get",
        "/api/v1/tenants/{tenant}/shareholders",
        &["200", "400", "401", "403", "404", "422", "503"],
    );
    has(
        "post",
        "/api/v1/auth/login",
        &["200", "400", "401", "413", "422", "429", "503"],
    );
    // A public operation needs no token, so it neither asks for one nor answers 401/403.
    let verify = &doc["paths"]["/verify/{id}"]["get"];
    assert_eq!(verify["security"], serde_json::json!([]), "{verify}");
    assert!(!statuses("get", "/verify/{id}").contains("401"));
    assert!(!statuses("get", "/healthz").contains("503"));
}

#[test]
fn the_shareholder_filters_are_documented() {
    let doc = document();
    let parameters = doc["paths"]["/api/v1/tenants/{tenant}/shareholders"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_string())
        .collect::<BTreeSet<_>>();
    for name in ["tenant", "cursor", "limit", "q", "status"] {
        assert!(parameters.contains(name), "{name} missing: {parameters:?}");
    }
}

/// `null` must be allowed wherever the service sends it.
#[test]
fn audit_details_may_be_null() {
    let doc = document();
    let details = &doc["components"]["schemas"]["AuditView"]["properties"]["details"];
    assert!(allows_null(details), "AuditView.details: {details}");
}

fn allows_null(schema: &Value) -> bool {
    match &schema["type"] {
        Value::String(t) if t == "null" => return true,
        Value::Array(types) if types.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    ["oneOf", "anyOf"].iter().any(|key| {
        schema[*key]
            .as_array()
            .is_some_and(|options| options.iter().any(allows_null))
    })
}

on_both_backends!(
    the_served_openapi_document_is_the_generated_one,
    |app| async move {
        let served: Value = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(served, document());
    }
);

// The operations of the document and the routes actix serves are expanded from one list
// (`dar_api::routes::api_handlers`), so a handler is in both or in neither; the method and
// path of each are still written twice, in `#[utoipa::path]` and in actix's attribute.
// Each documented operation must reach a handler whose route has that very template.
on_both_backends!(every_documented_operation_is_routed, |app| async move {
    use actix_web::{App, HttpResponse, http::Method, test, web};
    let service = test::init_service(
        App::new()
            .app_data(app.state.clone())
            .configure(dar_api::routes::configure)
            .default_service(web::to(HttpResponse::ImATeapot)),
    )
    .await;
    let mut checked = 0;
    for (method, template, _) in operations(&document()) {
        // Every path parameter is given a value no literal segment has.
        let mut path = String::new();
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("a closed parameter") + open;
            path += &rest[..open];
            path += "0";
            rest = &rest[close + 1..];
        }
        path += rest;
        let request = test::TestRequest::default()
            .method(Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method"))
            .uri(&path)
            .to_request();
        let response = test::call_service(&service, request).await;
        assert_ne!(
            response.status(),
            418,
            "{method} {template} is documented but no route serves it"
        );
        assert_eq!(
            response.request().match_pattern().as_deref(),
            Some(template.as_str()),
            "{method} {template} is served by another route"
        );
        checked += 1;
    }
    assert!(checked >= 48, "only {checked} operations");
});

/// Every query parameter called `name`, with the path of the operation that takes it.
fn query_parameters(doc: &Value, name: &str) -> Vec<(String, Value)> {
    operations(doc)
        .into_iter()
        .flat_map(|(_, path, operation)| {
            operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p["in"] == "query" && p["name"] == name)
                .map(move |p| (path.clone(), p["schema"].clone()))
        })
        .collect()
}

/// `schema` and every schema nested in its `oneOf`, `anyOf` and `allOf` (an optional value's
/// schema is often a `oneOf` of null and the value's own).
fn with_options(schema: &Value) -> Vec<&Value> {
    let mut out = vec![schema];
    for key in ["oneOf", "anyOf", "allOf"] {
        for option in schema[key].as_array().into_iter().flatten() {
            out.extend(with_options(option));
        }
    }
    out
}

/// The values an `enum` anywhere in `schema` lists (null aside).
fn enum_values(schema: &Value) -> BTreeSet<String> {
    with_options(schema)
        .into_iter()
        .filter_map(|s| s["enum"].as_array())
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// The `pattern` of `schema` or of any of its options.
fn patterns(schema: &Value) -> BTreeSet<String> {
    with_options(schema)
        .into_iter()
        .filter_map(|s| s["pattern"].as_str().map(String::from))
        .collect()
}

#[test]
fn page_sizes_are_documented_with_the_bounds_the_service_enforces() {
    let doc = document();
    let limits = query_parameters(&doc, "limit");
    assert!(limits.len() >= 8, "{limits:?}");
    for (path, schema) in limits {
        assert_eq!(schema["minimum"], 1, "{path}: {schema}");
        assert_eq!(
            schema["maximum"],
            dar_api::routes::PAGE_MAX,
            "{path}: {schema}"
        );
    }
}

#[test]
fn download_formats_are_documented_as_the_values_the_service_takes() {
    let doc = document();
    for (name, expected) in [
        ("format", ["csv", "xlsx"]),
        ("dialect", ["excel", "rfc4180"]),
    ] {
        let parameters = query_parameters(&doc, name);
        assert!(parameters.len() >= 5, "{name}: {parameters:?}");
        for (path, schema) in parameters {
            assert_eq!(
                enum_values(&schema),
                BTreeSet::from(expected.map(String::from)),
                "{path} {name}: {schema}"
            );
        }
    }
}

on_both_backends!(
    every_documented_download_format_is_accepted,
    |app| async move {
        let doc = document();
        let (t, admin) = app.tenant_with_admin("documented-formats").await;
        let path = "/api/v1/tenants/{tenant}/exports/ledger";
        for name in ["format", "dialect"] {
            let (_, schema) = query_parameters(&doc, name)
                .into_iter()
                .find(|(p, _)| p == path)
                .expect("the ledger export takes it");
            for value in enum_values(&schema) {
                let r = app
                    .get(
                        &format!("/api/v1/tenants/{t}/exports/ledger?{name}={value}"),
                        &admin,
                    )
                    .await;
                assert_eq!(r.status(), 200, "{name}={value}");
            }
        }
    }
);

/// Every property of the document's schemas, with the schema that has it.
fn properties(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            out.push((name.clone(), property.clone(), value.clone()));
        }
    }
    out
}

/// Whether the schema named `schema` is a request body's (by the names the routes give them).
fn client_sends(schema: &str) -> bool {
    ["Create", "Update", "Input", "Body"]
        .iter()
        .any(|marker| schema.contains(marker))
}

/// The amounts a client sends are documented with the format the service reads (without it,
/// generated clients and fuzzers send amounts the service refuses). An amount is named like
/// one: `paid`, a price, or ending in `amount`, `_fee` or `_value`.
#[test]
fn every_amount_a_client_sends_is_documented_with_the_format_the_service_reads() {
    let doc = document();
    let is_amount = |name: &str| {
        name == "paid"
            || name.contains("price")
            || ["amount", "_fee", "_value"]
                .iter()
                .any(|end| name.ends_with(end))
    };
    let mut amounts = 0;
    for (schema, property, value) in properties(&doc) {
        if !client_sends(&schema) || !is_amount(&property) {
            continue;
        }
        amounts += 1;
        assert!(
            patterns(&value).contains(dar_api::openapi::MONEY_PATTERN),
            "{schema}.{property}: {value}"
        );
    }
    assert!(amounts >= 16, "only {amounts} amounts found");
}

/// The coded fields a client sends are documented with the values the service takes.
#[test]
fn every_language_a_client_sends_is_documented_with_its_values() {
    let doc = document();
    let mut found = 0;
    for (schema, property, value) in properties(&doc) {
        if client_sends(&schema) && property.ends_with("language") {
            found += 1;
            assert_eq!(
                enum_values(&value),
                BTreeSet::from(["en", "fr", "nl"].map(String::from)),
                "{schema}.{property}: {value}"
            );
        }
    }
    assert!(found >= 5, "only {found} language fields found");
}

#[test]
fn the_invoice_kinds_and_import_modes_are_documented_with_their_values() {
    let doc = document();
    for (path, name, expected) in [
        ("/api/v1/invoices", "kind", ["credit_note", "invoice"]),
        (
            "/api/v1/tenants/{tenant}/imports",
            "mode",
            ["current", "history"],
        ),
    ] {
        let (_, schema) = query_parameters(&doc, name)
            .into_iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("{path} takes {name}"));
        assert_eq!(
            enum_values(&schema),
            BTreeSet::from(expected.map(String::from)),
            "{path} {name}: {schema}"
        );
    }
}
