//! What the HTTP layer answers before a handler runs (sizes, methods, URIs), and the API
//! reference at /docs: every error is a problem document, the docs need no internet.

use dar_tests::{TestApp, expect_problem, on_both_backends};
use serde_json::json;

const LIMIT: usize = 2 * 1024 * 1024;

async fn post_raw(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

/// A JSON document of exactly `size` bytes: `{"reason":"xxxx…"}`.
fn json_of_size(size: usize) -> Vec<u8> {
    let frame = br#"{"reason":""}"#.len();
    format!(r#"{{"reason":"{}"}}"#, "x".repeat(size - frame)).into_bytes()
}

on_both_backends!(
    a_body_over_the_size_limit_is_a_413_problem,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("too-large").await;
        for path in [
            format!("/api/v1/tenants/{t}/ledger"),
            format!("/api/v1/tenants/{t}/ledger/batch"),
            format!("/api/v1/tenants/{t}/shareholders"),
        ] {
            // Just over the limit, and far over it.
            for size in [LIMIT + 1, 3 * 1024 * 1024] {
                let r = post_raw(&app, &path, &admin, "application/json", json_of_size(size)).await;
                let p = expect_problem(r, 413).await;
                assert!(
                    p["type"].as_str().unwrap().ends_with("payload-too-large"),
                    "{path} {size}: {p}"
                );
            }
        }
        let image = vec![0u8; LIMIT + 1];
        let r = post_raw(
            &app,
            &format!("/api/v1/tenants/{t}/document-images"),
            &admin,
            "image/png",
            image,
        )
        .await;
        expect_problem(r, 413).await;
        // Under the limit the body is read and judged on its content (an entry without a kind).
        let r = post_raw(
            &app,
            &format!("/api/v1/tenants/{t}/ledger"),
            &admin,
            "application/json",
            json_of_size(LIMIT - 10),
        )
        .await;
        let status = r.status().as_u16();
        assert!(status == 400 || status == 422, "{status}");
        expect_problem(r, status).await;
    }
);

on_both_backends!(
    a_method_the_resource_lacks_is_a_405_problem_with_allow,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("methods").await;
        for (method, path, allow) in [
            (
                reqwest::Method::DELETE,
                "/api/v1/tenants".to_string(),
                "GET, POST",
            ),
            (
                reqwest::Method::PUT,
                format!("/api/v1/tenants/{t}/ledger"),
                "GET, POST",
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/tenants/{t}"),
                "GET, PATCH",
            ),
            (
                reqwest::Method::GET,
                "/api/v1/auth/login".to_string(),
                "POST",
            ),
            (reqwest::Method::POST, "/docs".to_string(), "GET"),
            // `/ledger/batch` is the batch resource, not the entry `{id}` = "batch".
            (
                reqwest::Method::PUT,
                format!("/api/v1/tenants/{t}/ledger/batch"),
                "POST",
            ),
        ] {
            let r = app
                .client
                .request(method.clone(), app.url(&path))
                .bearer_auth(&admin)
                .send()
                .await
                .expect("request");
            assert_eq!(
                r.headers().get("allow").and_then(|v| v.to_str().ok()),
                Some(allow),
                "{method} {path}"
            );
            let p = expect_problem(r, 405).await;
            assert!(
                p["type"].as_str().unwrap().ends_with("method-not-allowed"),
                "{p}"
            );
        }
        // A path that is no resource at all stays 404.
        let r = app
            .client
            .delete(app.url("/api/v1/nothing-here"))
            .send()
            .await
            .unwrap();
        expect_problem(r, 404).await;
    }
);

on_both_backends!(a_too_long_uri_is_a_414_problem, |app| async move {
    let (t, admin) = app.tenant_with_admin("long-uri").await;
    let long = "x".repeat(9 * 1024);
    let r = app
        .get(
            &format!("/api/v1/tenants/{t}/shareholders?q={long}"),
            &admin,
        )
        .await;
    let p = expect_problem(r, 414).await;
    assert!(p["type"].as_str().unwrap().ends_with("uri-too-long"), "{p}");
    // A long but reasonable one still works.
    let q = "x".repeat(1000);
    app.get_ok(&format!("/api/v1/tenants/{t}/shareholders?q={q}"), &admin)
        .await;
});

on_both_backends!(
    errors_of_path_query_and_body_parsing_are_problems,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("extractors").await;
        // A malformed id in the path, a query that does not parse, a body that is not JSON.
        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/shareholders/not-an-id"),
                &admin,
            )
            .await;
        expect_problem(r, 404).await;
        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/shareholders?limit=many"),
                &admin,
            )
            .await;
        expect_problem(r, 400).await;
        let r = app
            .get(&format!("/api/v1/tenants/{t}/shareholders?bogus=1"), &admin)
            .await;
        expect_problem(r, 400).await;
        let r = post_raw(
            &app,
            &format!("/api/v1/tenants/{t}/ledger"),
            &admin,
            "application/json",
            b"{".to_vec(),
        )
        .await;
        expect_problem(r, 400).await;
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/ledger"),
                "not-a-token",
                &json!({}),
            )
            .await;
        let unauthorized = r.headers().get("www-authenticate").cloned();
        expect_problem(r, 401).await;
        assert_eq!(unauthorized.unwrap(), "Bearer");
    }
);

/// Every `src="…"` and `href="…"` of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["src=\"", "href=\"", "spec-url=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').expect("closing quote");
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

on_both_backends!(the_docs_page_needs_no_internet, |app| async move {
    let r = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{headers:?}"
    );
    // The browser itself is told to load nothing from elsewhere.
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("http"), "{policy}");
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//fonts"),
        "the docs page names another site:\n{html}"
    );
    let referenced = references(&html);
    assert!(referenced.len() >= 2, "{html}");
    for reference in referenced {
        assert!(
            reference.starts_with('/') && !reference.starts_with("//"),
            "{reference}"
        );
        let r = app.client.get(app.url(&reference)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{reference}");
        let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
        let body = r.bytes().await.unwrap();
        if reference.ends_with(".js") {
            assert!(
                content_type.starts_with("text/javascript"),
                "{content_type}"
            );
            assert!(body.len() > 100_000, "{reference} is not the Redoc bundle");
        } else {
            assert!(
                content_type.starts_with("application/json"),
                "{content_type}"
            );
            serde_json::from_slice::<serde_json::Value>(&body).expect("the OpenAPI document");
        }
    }
});
