//! Concurrent writes of every kind: each gets an answer (2xx, a 4xx problem, or 503 with
//! Retry-After), never a 500. On SQLite every write transaction takes the write lock at
//! BEGIN, so none fails with "database is locked" when it writes after reading.

use std::future::Future;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{Value, json};

use dar_tests::{PASSWORD, TestApp, on_both_backends};

/// How many requests of one kind are fired at once.
const BURST: usize = 20;

/// Checks one answer of a burst; returns its status and body.
async fn acceptable(what: &str, r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").is_some();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    match status {
        200..=299 => {}
        400..=499 => assert_eq!(
            content_type, "application/problem+json",
            "{what}: a 4xx is a problem: {status} {body}"
        ),
        503 => assert!(retry_after, "{what}: a 503 says when to retry: {body}"),
        _ => panic!("{what}: {status} {body}"),
    }
    (status, body)
}

/// Fires `BURST` requests made by `make` at once and checks every answer; returns them.
async fn burst<F, Fut>(what: &str, make: F) -> Vec<(u16, Value)>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = reqwest::Response>,
{
    let responses = join_all((0..BURST).map(make)).await;
    let mut out = Vec::with_capacity(BURST);
    for r in responses {
        out.push(acceptable(what, r).await);
    }
    out
}

fn ok_count(answers: &[(u16, Value)]) -> usize {
    answers
        .iter()
        .filter(|(s, _)| (200..300).contains(s))
        .count()
}

async fn invitation(app: &TestApp, tenant: &str, admin: &str, email: &str) -> String {
    app.post_ok(
        &format!("/api/v1/tenants/{tenant}/invitations"),
        admin,
        &json!({"email": email, "role": "viewer"}),
    )
    .await["token"]
        .as_str()
        .expect("token")
        .to_string()
}

async fn accept(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/accept-invitation"))
        .json(&json!({"token": token, "password": PASSWORD}))
        .send()
        .await
        .expect("accept")
}

on_both_backends!(
    concurrent_writes_of_every_kind_never_answer_500,
    |app| async move {
        let app = &app;
        // Cooperatives, and changes to one.
        burst("create tenant", |i| async move {
            app.post(
                "/api/v1/tenants",
                &app.coordinator,
                &json!({
                    "slug": format!("burst-{i}"), "legal_name": format!("Burst {i} cv"),
                    "enterprise_number": "0403.019.261", "legal_form": "cv", "default_language": "nl"
                }),
            )
            .await
        })
        .await;
        let (t, admin) = app.tenant_with_admin("every-kind").await;
        let (t, admin) = (&t, &admin);
        burst("patch tenant", |i| async move {
            app.patch(
                &format!("/api/v1/tenants/{t}"),
                admin,
                &json!({"legal_name": format!("Every Kind {i} cv")}),
            )
            .await
        })
        .await;
        // The register.
        burst("create share class", |i| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/share-classes"),
                admin,
                &json!({"code": format!("K{i}"), "name": format!("Klasse {i}"), "nominal_value": "100.00", "transfer_rule": "free"}),
            )
            .await
        })
        .await;
        app.create_class(t, admin, "A", "100.00", "free").await;
        let created = burst("create shareholder", |i| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/shareholders"),
                admin,
                &json!({"kind": "natural", "first_name": "Lid", "last_name": format!("Nummer {i}"), "admission_date": "2024-01-01"}),
            )
            .await
        })
        .await;
        let holders: Vec<String> = created
            .iter()
            .filter_map(|(_, b)| b["id"].as_str().map(str::to_string))
            .collect();
        assert!(!holders.is_empty(), "some shareholders were created");
        let holders = &holders;
        burst("patch shareholder", |i| async move {
            app.patch(
                &format!(
                    "/api/v1/tenants/{t}/shareholders/{}",
                    holders[i % holders.len()]
                ),
                admin,
                &json!({"phone": format!("+32 9 000 00 {i:02}")}),
            )
            .await
        })
        .await;
        burst("post a ledger entry", |i| async move {
            app.post_entry(
                t,
                admin,
                &json!({"kind": "issue", "share_class": "A", "to": holders[i % holders.len()], "quantity": 2, "effective_date": "2024-02-01"}),
            )
            .await
        })
        .await;
        burst("post a ledger batch", |i| async move {
            let to = &holders[i % holders.len()];
            app.post(
                &format!("/api/v1/tenants/{t}/ledger/batch"),
                admin,
                &json!({"entries": [
                    {"kind": "issue", "share_class": "A", "to": to, "quantity": 1, "effective_date": "2024-03-01"},
                    {"kind": "issue", "share_class": "A", "to": to, "quantity": 1, "effective_date": "2024-03-02"},
                ]}),
            )
            .await
        })
        .await;
        // Documents.
        burst("put document settings", |i| async move {
            app.client
                .put(app.url(&format!("/api/v1/tenants/{t}/document-settings")))
                .bearer_auth(admin)
                .json(&json!({"signatory_name": format!("Voorzitter {i}")}))
                .send()
                .await
                .expect("request")
        })
        .await;
        burst("upload an image", |_| async move {
            app.client
                .post(app.url(&format!("/api/v1/tenants/{t}/document-images")))
                .bearer_auth(admin)
                .header("content-type", "image/png")
                .body(include_bytes!("../../fixtures/logo.png").to_vec())
                .send()
                .await
                .expect("request")
        })
        .await;
        burst("issue a certificate", |i| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/certificates"),
                admin,
                &json!({"shareholder_id": holders[i % holders.len()]}),
            )
            .await
        })
        .await;
        burst("request a certificate batch", |_| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/certificate-batches"),
                admin,
                &json!({}),
            )
            .await
        })
        .await;
        // Access: invitations, accepting them, logins, refreshes, support sessions.
        burst("create an invitation", |i| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/invitations"),
                admin,
                &json!({"email": format!("burst-{i}@every-kind.test"), "role": "viewer"}),
            )
            .await
        })
        .await;
        let mut tokens = Vec::new();
        for i in 0..BURST {
            tokens.push(invitation(app, t, admin, &format!("accept-{i}@every-kind.test")).await);
        }
        let tokens = &tokens;
        let accepted = burst("accept an invitation", |i| accept(app, &tokens[i])).await;
        assert!(ok_count(&accepted) > 0, "{accepted:?}");
        let logins = burst("log in", |i| async move {
            app.post(
                "/api/v1/auth/login",
                "",
                &json!({"email": format!("accept-{i}@every-kind.test"), "password": PASSWORD}),
            )
            .await
        })
        .await;
        let refresh: Vec<String> = logins
            .iter()
            .filter_map(|(_, b)| b["refresh_token"].as_str().map(str::to_string))
            .collect();
        let refresh = &refresh;
        burst("refresh a token", |i| async move {
            app.post(
                "/api/v1/auth/refresh",
                "",
                &json!({"refresh_token": refresh[i % refresh.len()]}),
            )
            .await
        })
        .await;
        let invited = app
            .post_ok(
                "/api/v1/invitations",
                &app.coordinator,
                &json!({"email": "helpdesk@every-kind.test", "role": "helpdesk"}),
            )
            .await;
        let r = accept(app, invited["token"].as_str().unwrap()).await;
        assert_eq!(r.status(), 200);
        let helpdesk = app.login("helpdesk@every-kind.test", PASSWORD).await;
        let helpdesk = &helpdesk;
        let opened = burst("open a support session", |i| async move {
            app.post(
                &format!("/api/v1/tenants/{t}/support-sessions"),
                helpdesk,
                &json!({"reason": "helpen", "ticket": format!("HD-{i}")}),
            )
            .await
        })
        .await;
        let sessions: Vec<String> = opened
            .iter()
            .filter_map(|(_, b)| b["id"].as_str().map(str::to_string))
            .collect();
        let sessions = &sessions;
        burst("close a support session", |i| async move {
            app.client
                .delete(app.url(&format!(
                    "/api/v1/tenants/{t}/support-sessions/{}",
                    sessions[i % sessions.len()]
                )))
                .bearer_auth(helpdesk)
                .send()
                .await
                .expect("request")
        })
        .await;
    }
);

on_both_backends!(
    two_concurrent_accept_invitation_calls_both_get_an_answer_without_500,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("two-accepts").await;
        // Several rounds: one round could pass by luck of timing.
        for round in 0..5 {
            let first = invitation(&app, &t, &admin, &format!("first-{round}@two.test")).await;
            let second = invitation(&app, &t, &admin, &format!("second-{round}@two.test")).await;
            let (a, b) = tokio::join!(accept(&app, &first), accept(&app, &second));
            for r in [a, b] {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                assert_eq!(status, 200, "round {round}: {body}");
            }
        }
    }
);

/// Holders in the batches: more than one slice each, so the batches' transactions overlap.
const HOLDERS: usize = 150;

on_both_backends!(
    three_concurrent_certificate_batches_all_finish_done,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("three-batches").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let mut entries = Vec::new();
        for i in 0..HOLDERS {
            let h = app
                .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
                .await;
            entries.push(json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2024-02-01"}));
        }
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({ "entries": entries }),
        )
        .await;
        let path = format!("/api/v1/tenants/{t}/certificate-batches");
        let requested =
            join_all((0..3).map(|_| async { app.post(&path, &admin, &json!({})).await })).await;
        let mut ids = Vec::new();
        for r in requested {
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            assert_eq!(status, 202, "{body}");
            ids.push(body["id"].as_str().unwrap().to_string());
        }
        for id in ids {
            let mut batch = Value::Null;
            for _ in 0..600 {
                batch = app.get_ok(&format!("{path}/{id}"), &admin).await;
                if batch["status"] == "done" || batch["status"] == "failed" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(batch["status"], "done", "{batch}");
            assert_eq!(batch["done"], HOLDERS, "{batch}");
        }
    }
);
