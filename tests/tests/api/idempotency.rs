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

on_both_backends!(
    a_retried_batch_gets_every_entry_it_posted_back,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry-batch").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let a = app.create_person(&t, &admin, "An", "Peeters").await;
        let b = app.create_person(&t, &admin, "Bo", "Maes").await;
        // Another request first, so the batch's entries do not start at 1.
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": a, "quantity": 5, "effective_date": "2024-01-10"})).await;
        let body = json!({"entries": [
            {"kind": "issue", "share_class": "B", "to": b, "quantity": 2, "effective_date": "2024-02-01"},
            {"kind": "transfer", "share_class": "B", "from": a, "to": b, "quantity": 1, "effective_date": "2024-02-02"},
            {"kind": "issue", "share_class": "B", "to": a, "quantity": 4, "effective_date": "2024-02-03"}]});
        let send = || {
            app.client
                .post(app.url(&format!("/api/v1/tenants/{t}/ledger/batch")))
                .bearer_auth(&admin)
                .header("Idempotency-Key", "batch-7")
                .json(&body)
                .send()
        };
        let first: serde_json::Value = send().await.unwrap().json().await.unwrap();
        let again = send().await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers().get("Idempotent-Replayed").unwrap(), "true");
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(first, again);
        let seqs: Vec<i64> = again["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(seqs, [2, 3, 4]);
        assert_eq!(app.head_seq(&t, &admin).await, 4);
    }
);

on_both_backends!(
    a_key_recorded_before_requests_kept_their_keys_on_entries_still_replays,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry-legacy").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Lia", "Wouters").await;
        let body = json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 3, "effective_date": "2024-02-01"});
        let posted = app.post_entry_ok(&t, &admin, &body).await;
        // The key as the Idempotency-Key table recorded it before the migration.
        let digest = {
            use sha2::Digest;
            format!(
                "{:x}",
                sha2::Sha256::digest(serde_json::to_vec(&body).unwrap())
            )
        };
        {
            let mut conn = app.db.conn().unwrap();
            diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "INSERT INTO idempotency_keys (tenant_id, key, request_hash, response_status, \
                     response_body, created_at) VALUES ('{t}', 'legacy-1', '{digest}', 201, '[1]', \
                     '2026-11-01 10:00:00')"
                )),
                &mut *conn,
            )
            .unwrap();
        }
        let send = |body: serde_json::Value| {
            app.client
                .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
                .bearer_auth(&admin)
                .header("Idempotency-Key", "legacy-1")
                .body(serde_json::to_vec(&body).unwrap())
                .header("Content-Type", "application/json")
                .send()
        };
        let replayed = send(body.clone()).await.unwrap();
        assert_eq!(replayed.status(), 201);
        assert_eq!(
            replayed.headers().get("Idempotent-Replayed").unwrap(),
            "true"
        );
        let replayed: serde_json::Value = replayed.json().await.unwrap();
        assert_eq!(replayed["id"], posted["id"]);
        let other = json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 4, "effective_date": "2024-02-01"});
        expect_problem(send(other).await.unwrap(), 422).await;
        assert_eq!(app.head_seq(&t, &admin).await, 1);
    }
);

on_both_backends!(
    the_database_refuses_a_second_request_under_one_key,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("retry-db").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Mo", "Jacobs").await;
        let r = app
            .client
            .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "once")
            .json(&json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 3, "effective_date": "2024-02-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let mut conn = app.db.conn().unwrap();
        let head = dar_db::tenants::get(&mut conn, &t.parse().unwrap()).unwrap();
        let class = dar_db::share_classes::find_by_code(&mut conn, &t.parse().unwrap(), "B")
            .unwrap()
            .unwrap()
            .id;
        // Written around the service: the next entry, closing a request with the same key.
        let error = diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "INSERT INTO ledger_entries (tenant_id, seq, id, kind, effective_date, movement_date, \
                 recorded_at, share_class_id, quantity, capital_cents, paid_cents, to_shareholder_id, \
                 sign, actor, idempotency_key, prev_seq, prev_hash, hash, request_entries, request_hash) \
                 VALUES ('{t}', 2, '{}', 'issue', '2024-02-02', '2024-02-02', '2024-02-02 10:00:00', \
                 '{class}', 1, 5000, 5000, '{h}', 1, 'intruder', 'once', 1, '{}', '{}', 1, 'x')",
                uuid::Uuid::now_v7(),
                head.ledger_head_hash,
                "f".repeat(64)
            )),
            &mut *conn,
        )
        .expect_err("a second request under one key was stored");
        let error = error.to_string();
        assert!(
            error.contains("ledger_entries_request_key") || error.contains("UNIQUE"),
            "{error}"
        );
    }
);
