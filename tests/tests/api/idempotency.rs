//! Retries with the same Idempotency-Key post once.

use dar_tests::{expect_problem, on_both_backends};
use serde_json::json;

on_both_backends!(
    a_retry_with_the_same_idempotency_key_posts_once,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Noël", "Dubois").await;
        let body = json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 3, "effective_date": "2024-02-01"});
        let send = || {
            app.client
                .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
                .bearer_auth(&admin)
                .header("Idempotency-Key", "order-42")
                .json(&body)
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201);
        let first: serde_json::Value = first.json().await.unwrap();
        let second = send().await.unwrap();
        assert_eq!(second.status(), 201);
        assert_eq!(second.headers().get("Idempotent-Replayed").unwrap(), "true");
        let second: serde_json::Value = second.json().await.unwrap();
        assert_eq!(first, second);
        assert_eq!(app.head_seq(&t, &admin).await, 1);
    }
);

on_both_backends!(
    concurrent_retries_with_one_key_post_once,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry-race").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Zoë", "Claes").await;
        let body = json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 1, "effective_date": "2024-02-01"});
        let url = app.url(&format!("/api/v1/tenants/{t}/ledger"));
        let attempts = (0..12).map(|_| {
            app.client
                .post(&url)
                .bearer_auth(&admin)
                .header("Idempotency-Key", "same")
                .json(&body)
                .send()
        });
        let responses = futures_util::future::join_all(attempts).await;
        let mut ids = std::collections::BTreeSet::new();
        for r in responses {
            let r = r.unwrap();
            assert_eq!(r.status(), 201);
            ids.insert(
                r.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_eq!(ids.len(), 1, "every retry must answer the first entry");
        assert_eq!(app.head_seq(&t, &admin).await, 1);
    }
);

on_both_backends!(
    an_idempotency_key_reused_for_another_request_is_refused,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("reuse").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Jérôme", "Lambert").await;
        let post = |q: i64| {
            app.client
            .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "k-1")
            .json(&json!({"kind": "issue", "share_class": "B", "to": h, "quantity": q, "effective_date": "2024-02-01"}))
            .send()
        };
        assert_eq!(post(1).await.unwrap().status(), 201);
        let p = expect_problem(post(2).await.unwrap(), 422).await;
        assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
        assert_eq!(app.head_seq(&t, &admin).await, 1);
    }
);

on_both_backends!(
    a_retry_after_the_cooperative_was_suspended_gets_the_first_answer,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry-suspended").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Ilse", "Wouters").await;
        let body = json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 2, "effective_date": "2024-02-01"});
        let send = |key: &'static str| {
            app.client
                .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
                .bearer_auth(&admin)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
        };
        let first = send("before-suspension").await.unwrap();
        assert_eq!(first.status(), 201);
        let first: serde_json::Value = first.json().await.unwrap();
        let r = app
            .patch(
                &format!("/api/v1/tenants/{t}"),
                &app.coordinator,
                &json!({"status": "suspended"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        // The retry asks what became of the first request: the same answer, posted once.
        let again = send("before-suspension").await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers().get("Idempotent-Replayed").unwrap(), "true");
        assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
        // A new request is refused: the register of a suspended cooperative is read-only.
        expect_problem(send("after-suspension").await.unwrap(), 409).await;
        assert_eq!(app.head_seq(&t, &admin).await, 1);
    }
);
