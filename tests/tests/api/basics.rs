//! Operations endpoints, the OpenAPI document and the error envelope.

use dar_tests::{expect_problem, on_both_backends};
use serde_json::json;

on_both_backends!(health_and_readiness_answer, |app| async move {
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("dar_http_responses_total"), "{metrics}");
});

on_both_backends!(
    the_openapi_document_lists_the_ledger_and_the_docs_page_loads,
    |app| async move {
        let doc: serde_json::Value = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        for path in [
            "/api/v1/tenants/{tenant}/ledger",
            "/api/v1/tenants/{tenant}/holdings",
            "/api/v1/auth/login",
        ] {
            assert!(doc["paths"].get(path).is_some(), "missing {path}");
        }
        let page = app.client.get(app.url("/docs")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().to_lowercase().contains("redoc"));
    }
);

on_both_backends!(unknown_routes_and_ids_are_problems, |app| async move {
    expect_problem(app.get("/api/v1/nothing-here", &app.coordinator).await, 404).await;
    expect_problem(
        app.get("/api/v1/tenants/not-a-tenant", &app.coordinator)
            .await,
        404,
    )
    .await;
    let (t, admin) = app.tenant_with_admin("ids").await;
    expect_problem(
        app.get(
            &format!("/api/v1/tenants/{t}/shareholders/not-an-id"),
            &admin,
        )
        .await,
        404,
    )
    .await;
    expect_problem(
        app.get(
            &format!("/api/v1/tenants/{t}/holdings?as_of=yesterday"),
            &admin,
        )
        .await,
        400,
    )
    .await;
    expect_problem(
        app.get(
            &format!("/api/v1/tenants/{t}/holdings?cursor=forged"),
            &admin,
        )
        .await,
        422,
    )
    .await;
});

on_both_backends!(
    tenant_onboarding_checks_the_enterprise_number_and_the_slug,
    |app| async move {
        let c = &app.coordinator;
        let bad = json!({"slug": "goed", "legal_name": "X", "enterprise_number": "0403019262", "legal_form": "cv", "default_language": "nl"});
        let p = expect_problem(app.post("/api/v1/tenants", c, &bad).await, 400).await;
        assert_eq!(p["errors"][0]["field"], "enterprise_number");
        let bad = json!({"slug": "Slecht Slug", "legal_name": "X", "enterprise_number": "0403019261", "legal_form": "cv", "default_language": "nl"});
        expect_problem(app.post("/api/v1/tenants", c, &bad).await, 422).await;
        app.create_tenant("uniek").await;
        let again = json!({"slug": "uniek", "legal_name": "X", "enterprise_number": "0403019261", "legal_form": "cv", "default_language": "nl"});
        expect_problem(app.post("/api/v1/tenants", c, &again).await, 409).await;
        // Only the coordinator onboards.
        let (_, admin) = app.tenant_with_admin("niet-coord").await;
        expect_problem(app.post("/api/v1/tenants", &admin, &json!({"slug": "x1", "legal_name": "X", "enterprise_number": "0403019261", "legal_form": "cv", "default_language": "nl"})).await, 403).await;
    }
);

on_both_backends!(shareholder_identifiers_are_checked, |app| async move {
    let (t, admin) = app.tenant_with_admin("ids-check").await;
    let path = format!("/api/v1/tenants/{t}/shareholders");
    let p = expect_problem(
        app.post(
            &path,
            &admin,
            &json!({"kind": "natural", "last_name": "X", "national_number": "85073003329"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "national_number");
    let p = expect_problem(
        app.post(
            &path,
            &admin,
            &json!({"kind": "natural", "last_name": "X", "iban": "BE68539007547035"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "iban");
    let p = expect_problem(
        app.post(
            &path,
            &admin,
            &json!({"kind": "legal", "legal_name": "Y bv", "enterprise_number": "0403019262"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "enterprise_number");
    let ok = app.post_ok(&path, &admin, &json!({"kind": "natural", "first_name": "Luc", "last_name": "Peeters", "national_number": "85.07.30-033.28", "iban": "BE68 5390 0754 7034"})).await;
    assert_eq!(ok["national_number"], "85073003328");
    assert_eq!(ok["iban"], "BE68539007547034");
    assert_eq!(ok["register_number"], 1);
    // A viewer does not see the national number.
    let viewer = app
        .user_with_role(&t, &admin, "v@ids.test", "viewer", None)
        .await;
    let seen = app
        .get_ok(&format!("{path}/{}", ok["id"].as_str().unwrap()), &viewer)
        .await;
    assert!(seen["national_number"].is_null());
});

on_both_backends!(identity_changes_are_kept_as_versions, |app| async move {
    let (t, admin) = app.tenant_with_admin("versies").await;
    let h = app.create_person(&t, &admin, "Sofie", "Claes").await;
    let path = format!("/api/v1/tenants/{t}/shareholders/{h}");
    app.patch(&path, &admin, &json!({"last_name": "Claes-Verbeke", "valid_from": "2025-05-01", "address": {"street": "Nieuwstraat 5", "postal_code": "2000", "city": "Antwerpen"}})).await.error_for_status().unwrap();
    let versions = app.get_ok(&format!("{path}/versions"), &admin).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["last_name"], "Claes");
    assert_eq!(versions[1]["last_name"], "Claes-Verbeke");
    assert_eq!(versions[1]["valid_from"], "2025-05-01");
    let now = app.get_ok(&path, &admin).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["address"]["city"], "Antwerpen");
    // Who the shareholder was on a date.
    let before = app
        .get_ok(&format!("{path}/versions?as_of=2025-04-30"), &admin)
        .await;
    assert_eq!(before.as_array().unwrap().len(), 1);
    assert_eq!(before[0]["last_name"], "Claes");
    let after = app
        .get_ok(&format!("{path}/versions?as_of=2025-05-01"), &admin)
        .await;
    assert_eq!(after[0]["last_name"], "Claes-Verbeke");
    let too_early = app
        .get_ok(&format!("{path}/versions?as_of=2020-01-01"), &admin)
        .await;
    assert!(too_early.as_array().unwrap().is_empty());
});

on_both_backends!(
    a_write_is_audited_with_the_request_id_the_response_names,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("audit").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Ayşe", "Yılmaz").await;
        let r = app.post_entry(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 2, "effective_date": "2024-02-01"})).await;
        let request_id = r
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let entry: serde_json::Value = r.json().await.unwrap();
        let audit = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=ledger.posted"),
                &admin,
            )
            .await;
        let event = &audit["items"][0];
        assert_eq!(event["request_id"], request_id.as_str());
        assert_eq!(event["object_id"], entry["id"]);
        assert_eq!(event["actor_role"], "admin");
        assert_eq!(event["source_ip"], "127.0.0.1");
        // Logins are platform events, for the coordinator.
        let platform = app
            .get_ok("/api/v1/audit?action=login", &app.coordinator)
            .await;
        assert!(!platform["items"].as_array().unwrap().is_empty());
        expect_problem(app.get("/api/v1/audit", &admin).await, 403).await;
    }
);

on_both_backends!(
    the_audit_log_pages_through_ledger_posts_and_other_writes_in_the_order_they_happened,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("audit-merge").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let h = app.create_person(&t, &admin, "Jef", "Claes").await;
        let issue = |quantity: i64| json!({"kind": "issue", "share_class": "B", "to": h, "quantity": quantity, "effective_date": "2024-02-01"});
        app.post_entry_ok(&t, &admin, &issue(1)).await;
        app.create_person(&t, &admin, "Mia", "Claes").await;
        app.post_entry_ok(&t, &admin, &issue(2)).await;
        app.post_entry_ok(&t, &admin, &issue(3)).await;
        app.create_person(&t, &admin, "Rik", "Claes").await;
        // One event a page, newest first, following the cursor.
        let mut actions = Vec::new();
        let mut ids = Vec::new();
        let mut path = format!("/api/v1/tenants/{t}/audit?limit=1");
        loop {
            let page = app.get_ok(&path, &admin).await;
            for item in page["items"].as_array().unwrap() {
                actions.push(item["action"].as_str().unwrap().to_string());
                ids.push(item["id"].as_str().unwrap().to_string());
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/tenants/{t}/audit?limit=1&cursor={cursor}"),
                None => break,
            }
        }
        let newest: Vec<&str> = actions.iter().take(6).map(String::as_str).collect();
        assert_eq!(
            newest,
            [
                "shareholder.created",
                "ledger.posted",
                "ledger.posted",
                "shareholder.created",
                "ledger.posted",
                "shareholder.created"
            ]
        );
        let mut sorted = ids.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(ids, sorted, "every event once, newest first");
        let posts = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=ledger.posted&limit=2"),
                &admin,
            )
            .await;
        let details: Vec<&serde_json::Value> = posts["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["details"])
            .collect();
        assert_eq!(details.len(), 2);
        assert_eq!(details[0]["seqs"], json!([3]));
        assert_eq!(details[1]["kinds"], json!(["issue"]));
    }
);

on_both_backends!(
    lists_filter_shareholders_by_name_and_status_and_entries_by_holder_kind_and_date,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("filters").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let a = app.create_person(&t, &admin, "Lotte", "Verhaegen").await;
        let b = app.create_person(&t, &admin, "Pieter", "Van Hecke").await;
        app.create_person(&t, &admin, "Karel", "Dewilde").await;
        app.patch(
            &format!("/api/v1/tenants/{t}/shareholders/{b}"),
            &admin,
            &json!({"status": "exited", "exit_date": "2024-06-30"}),
        )
        .await
        .error_for_status()
        .unwrap();
        let by_name = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/shareholders?q=verHAE"),
                &admin,
            )
            .await;
        assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
        assert_eq!(by_name["items"][0]["id"], a.as_str());
        let wildcard = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders?q=%25"), &admin)
            .await;
        assert!(
            wildcard["items"].as_array().unwrap().is_empty(),
            "a typed % is literal"
        );
        let exited = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/shareholders?status=exited"),
                &admin,
            )
            .await;
        assert_eq!(exited["items"].as_array().unwrap().len(), 1);
        assert_eq!(exited["items"][0]["id"], b.as_str());
        expect_problem(
            app.get(
                &format!("/api/v1/tenants/{t}/shareholders?status=gone"),
                &admin,
            )
            .await,
            400,
        )
        .await;

        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": a, "quantity": 5, "effective_date": "2024-02-01"})).await;
        let c = app.create_person(&t, &admin, "Nora", "Bogaert").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": c, "quantity": 2, "effective_date": "2024-03-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "B", "from": a, "to": c, "quantity": 1, "effective_date": "2024-04-01"})).await;
        let of_a = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/ledger?shareholder={a}"),
                &admin,
            )
            .await;
        assert_eq!(of_a["items"].as_array().unwrap().len(), 2);
        let transfers = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger?kind=transfer"), &admin)
            .await;
        assert_eq!(transfers["items"].as_array().unwrap().len(), 1);
        let march = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/ledger?from=2024-03-01&to=2024-03-31"),
                &admin,
            )
            .await;
        assert_eq!(march["items"][0]["seq"], 2);
        assert_eq!(march["items"].as_array().unwrap().len(), 1);
    }
);

on_both_backends!(
    a_person_cannot_be_entered_twice_and_cannot_leave_while_holding_shares,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("dubbel").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let path = format!("/api/v1/tenants/{t}/shareholders");
        let person = json!({"kind": "natural", "first_name": "Luc", "last_name": "Peeters", "national_number": "85073003328", "admission_date": "2024-01-01"});
        let first = app.post_ok(&path, &admin, &person).await;
        let p = expect_problem(app.post(&path, &admin, &person).await, 409).await;
        assert!(
            p["detail"].as_str().unwrap().contains("shareholder 1"),
            "{p}"
        );
        let company = json!({"kind": "legal", "legal_name": "Bakkerij bv", "enterprise_number": "0403019261"});
        app.post_ok(&path, &admin, &company).await;
        expect_problem(app.post(&path, &admin, &company).await, 409).await;

        let id = first["id"].as_str().unwrap();
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": id, "quantity": 2, "effective_date": "2024-02-01"})).await;
        let leave =
            json!({"status": "exited", "exit_date": "2024-06-30", "exit_reason": "uittreding"});
        let p = expect_problem(
            app.patch(&format!("{path}/{id}"), &admin, &leave).await,
            422,
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "status");
        app.post_entry_ok(&t, &admin, &json!({"kind": "redemption", "share_class": "B", "from": id, "quantity": 2, "amount": "100.00", "effective_date": "2024-06-30", "reason": "uittreding"})).await;
        let gone = app
            .patch(&format!("{path}/{id}"), &admin, &leave)
            .await
            .error_for_status()
            .unwrap();
        let gone: serde_json::Value = gone.json().await.unwrap();
        assert_eq!(gone["status"], "exited");
        assert_eq!(gone["exit_date"], "2024-06-30");
    }
);

on_both_backends!(
    a_cooperatives_audit_log_shows_the_failed_sign_ins_of_its_users_only,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("inbraak").await;
        app.tenant_with_admin("elders").await;
        for email in [
            "admin@inbraak.test",
            "admin@elders.test",
            "nobody@nowhere.test",
        ] {
            let r = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"email": email, "password": "wrong password"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        let platform = app
            .get_ok("/api/v1/audit?action=login.failed", &app.coordinator)
            .await;
        assert_eq!(platform["items"].as_array().unwrap().len(), 3, "{platform}");
        let log = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=login.failed"),
                &admin,
            )
            .await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{log}");
        assert_eq!(items[0]["tenant_id"], serde_json::Value::Null);
        let all = app
            .get_ok(&format!("/api/v1/tenants/{t}/audit"), &admin)
            .await;
        let failed = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "login.failed")
            .count();
        assert_eq!(failed, 1, "{all}");
    }
);
