//! Attempts to break the register: each is answered with a 4xx problem and changes nothing.

use dar_tests::{TestApp, expect_problem, on_both_backends, today};
use serde_json::{Value, json};

/// A cooperative where Anna holds 10 B shares since 2024-01-10 and gave 6 to Bram on 2024-06-01.
async fn setup(app: &TestApp, slug: &str) -> (String, String, String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "B", "50.00", "free").await;
    let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
    let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 10, "effective_date": "2024-01-10"})).await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 6, "effective_date": "2024-06-01"})).await;
    (t, admin, anna, bram)
}

/// Posts `body` raw, expects `status`, and checks that the ledger did not move.
async fn refused(app: &TestApp, t: &str, admin: &str, body: &str, status: u16) -> Value {
    let before = app.head_seq(t, admin).await;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
        .bearer_auth(admin)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let problem = expect_problem(r, status).await;
    assert_eq!(
        app.head_seq(t, admin).await,
        before,
        "a refused entry changed the ledger: {body}"
    );
    problem
}

on_both_backends!(an_overdrawn_transfer_is_refused, |app| async move {
    let (t, admin, anna, bram) = setup(&app, "overdrawn").await;
    let body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 5, "effective_date": "2024-07-01"});
    let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
    assert!(
        p["type"].as_str().unwrap().ends_with("insufficient-shares"),
        "{p}"
    );
});

on_both_backends!(
    a_back_dated_redemption_that_would_make_a_later_date_negative_is_refused,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "backdated").await;
        // On 2024-03-01 Anna held 10, but 6 of them left on 2024-06-01: redeeming 5 then would
        // leave her at -1 from June on.
        let body = json!({"kind": "redemption", "share_class": "B", "from": anna, "quantity": 5, "amount": "250.00", "effective_date": "2024-03-01", "reason": "uittreding"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert!(
            p["type"].as_str().unwrap().ends_with("insufficient-shares"),
            "{p}"
        );
    }
);

on_both_backends!(an_entry_in_a_locked_period_is_refused, |app| async move {
    let (t, admin, anna, bram) = setup(&app, "locked").await;
    app.patch(
        &format!("/api/v1/tenants/{t}"),
        &admin,
        &json!({"locked_until": "2024-12-31"}),
    )
    .await
    .error_for_status()
    .unwrap();
    let body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 1, "effective_date": "2024-12-31"});
    let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
    assert!(
        p["type"].as_str().unwrap().ends_with("period-locked"),
        "{p}"
    );
    // A reversal of an entry in the closed period is refused too.
    let first = app
        .get_ok(&format!("/api/v1/tenants/{t}/ledger?limit=1"), &admin)
        .await;
    let body =
        json!({"kind": "reversal", "reverses": first["items"][0]["id"], "reason": "te laat"});
    refused(&app, &t, &admin, &body.to_string(), 422).await;
    // A closed period cannot be reopened.
    let r = app
        .patch(
            &format!("/api/v1/tenants/{t}"),
            &admin,
            &json!({"locked_until": "2024-06-30"}),
        )
        .await;
    expect_problem(r, 409).await;
});

on_both_backends!(an_entry_dated_in_the_future_is_refused, |app| async move {
    let (t, admin, anna, _) = setup(&app, "future").await;
    let tomorrow = today().succ_opt().unwrap();
    let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1, "effective_date": tomorrow});
    let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
    assert!(p["type"].as_str().unwrap().ends_with("future-date"), "{p}");
});

on_both_backends!(an_unknown_share_class_is_refused, |app| async move {
    let (t, admin, anna, _) = setup(&app, "unknown-class").await;
    let body = json!({"kind": "issue", "share_class": "Z", "to": anna, "quantity": 1, "effective_date": "2024-02-01"});
    let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
    assert_eq!(p["errors"][0]["field"], "share_class");
});

on_both_backends!(
    a_shareholder_of_another_tenant_is_refused,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "own-tenant").await;
        let (other, other_admin) = app.tenant_with_admin("other-tenant").await;
        app.create_class(&other, &other_admin, "B", "50.00", "free")
            .await;
        let stranger = app
            .create_person(&other, &other_admin, "Vreemde", "Eend")
            .await;
        let body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": stranger, "quantity": 1, "effective_date": "2024-07-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert_eq!(p["errors"][0]["field"], "to");
        // Nor does the other tenant's register change.
        assert_eq!(app.head_seq(&other, &other_admin).await, 0);
    }
);

on_both_backends!(malformed_json_is_refused, |app| async move {
    let (t, admin, _, _) = setup(&app, "malformed").await;
    refused(&app, &t, &admin, "{\"kind\": \"issue\", ", 400).await;
    refused(&app, &t, &admin, "[]", 400).await;
    refused(&app, &t, &admin, "", 400).await;
    // A body not declared as JSON is refused, on the ledger and on the other writes alike.
    for path in [
        format!("/api/v1/tenants/{t}/ledger"),
        format!("/api/v1/tenants/{t}/shareholders"),
    ] {
        let r = app
            .client
            .post(app.url(&path))
            .bearer_auth(&admin)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        expect_problem(r, 400).await;
    }
});

on_both_backends!(unknown_fields_are_refused, |app| async move {
    let (t, admin, anna, _) = setup(&app, "unknown-field").await;
    let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1, "effective_date": "2024-02-01", "bonus": true});
    let p = refused(&app, &t, &admin, &body.to_string(), 400).await;
    assert!(p["detail"].as_str().unwrap().contains("bonus"), "{p}");
});

on_both_backends!(
    wrong_types_are_refused_with_the_field_named,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "wrong-types").await;
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": "ten", "effective_date": "2024-02-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 400).await;
        assert_eq!(p["errors"][0]["field"], "quantity");
        let body = json!({"kind": "payment", "share_class": "B", "to": anna, "amount": 12.5, "effective_date": "2024-02-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 400).await;
        assert_eq!(p["errors"][0]["field"], "amount");
        let body = json!({"kind": "issue", "share_class": "B", "to": "not-a-uuid", "quantity": 1, "effective_date": "2024-02-01"});
        refused(&app, &t, &admin, &body.to_string(), 400).await;
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1, "effective_date": "2024-02-30"});
        refused(&app, &t, &admin, &body.to_string(), 400).await;
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 0, "effective_date": "2024-02-01"});
        refused(&app, &t, &admin, &body.to_string(), 400).await;
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": -3, "effective_date": "2024-02-01"});
        refused(&app, &t, &admin, &body.to_string(), 400).await;
    }
);

on_both_backends!(huge_numbers_are_refused, |app| async move {
    let (t, admin, anna, _) = setup(&app, "huge").await;
    let body = format!(
        r#"{{"kind": "issue", "share_class": "B", "to": "{anna}", "quantity": 99999999999999999999999, "effective_date": "2024-02-01"}}"#
    );
    refused(&app, &t, &admin, &body, 400).await;
    let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1_000_000_000_000i64, "price_per_share": "100000000000.01", "effective_date": "2024-02-01"});
    refused(&app, &t, &admin, &body.to_string(), 400).await;
    let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1_000_000_000_000i64, "price_per_share": "100000.00", "effective_date": "2024-02-01"});
    let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
    assert!(
        p["type"].as_str().unwrap().ends_with("amount-too-large"),
        "{p}"
    );
    let body = json!({"kind": "payment", "share_class": "B", "to": anna, "amount": "1e30", "effective_date": "2024-02-01"});
    refused(&app, &t, &admin, &body.to_string(), 400).await;
});

on_both_backends!(
    a_payment_above_the_subscription_is_refused,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "overpaid").await;
        let body = json!({"kind": "payment", "share_class": "B", "to": anna, "amount": "0.01", "effective_date": "2024-07-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert!(p["type"].as_str().unwrap().ends_with("holding-rule"), "{p}");
    }
);

on_both_backends!(
    a_reversal_of_an_entry_whose_shares_moved_on_is_refused,
    |app| async move {
        let (t, admin, _, bram) = setup(&app, "moved-on").await;
        let cara = app.create_person(&t, &admin, "Cara", "Wouters").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "B", "from": bram, "to": cara, "quantity": 6, "effective_date": "2024-08-01"})).await;
        // Reversing Anna → Bram would leave Bram at -6 after he passed the shares to Cara.
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger"), &admin)
            .await;
        let transfer = &list["items"][1];
        assert_eq!(transfer["kind"], "transfer");
        let body = json!({"kind": "reversal", "reverses": transfer["id"], "reason": "vergissing"});
        refused(&app, &t, &admin, &body.to_string(), 422).await;
    }
);

on_both_backends!(a_batch_with_one_bad_entry_posts_nothing, |app| async move {
    let (t, admin, anna, bram) = setup(&app, "batch").await;
    let before = app.head_seq(&t, &admin).await;
    let body = json!({"entries": [
        {"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 2, "effective_date": "2024-07-01"},
        {"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 3, "effective_date": "2024-07-02"},
    ]});
    let r = app
        .post(&format!("/api/v1/tenants/{t}/ledger/batch"), &admin, &body)
        .await;
    let p = expect_problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "entries[1].quantity", "{p}");
    assert_eq!(app.head_seq(&t, &admin).await, before);
    // The same batch without the bad entry goes through whole.
    let body = json!({"entries": [
        {"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 2, "effective_date": "2024-07-01"},
        {"kind": "transfer", "share_class": "B", "from": bram, "to": anna, "quantity": 1, "effective_date": "2024-07-02"},
    ]});
    let done = app
        .post_ok(&format!("/api/v1/tenants/{t}/ledger/batch"), &admin, &body)
        .await;
    assert_eq!(done["entries"].as_array().unwrap().len(), 2);
    assert_eq!(app.head_seq(&t, &admin).await, before + 2);
});

on_both_backends!(
    a_transfer_of_a_class_needing_approval_needs_the_decision,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("approval").await;
        app.create_class(&t, &admin, "A", "250.00", "approval")
            .await;
        app.create_class(&t, &admin, "C", "100.00", "none").await;
        let a = app.create_person(&t, &admin, "Amira", "El Idrissi").await;
        let b = app.create_person(&t, &admin, "Łukasz", "Wiśniewski").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": a, "quantity": 2, "effective_date": "2024-02-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "C", "to": a, "quantity": 2, "effective_date": "2024-02-01"})).await;
        let body = json!({"kind": "transfer", "share_class": "A", "from": a, "to": b, "quantity": 1, "effective_date": "2024-03-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert!(
            p["type"].as_str().unwrap().ends_with("approval-required"),
            "{p}"
        );
        let body = json!({"kind": "transfer", "share_class": "C", "from": a, "to": b, "quantity": 1, "effective_date": "2024-03-01", "external_reference": "RvB"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert!(
            p["type"].as_str().unwrap().ends_with("not-transferable"),
            "{p}"
        );
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": a, "to": b, "quantity": 1, "effective_date": "2024-03-01", "external_reference": "RvB 2024-02-20"})).await;
    }
);

on_both_backends!(
    a_holding_above_the_class_maximum_is_refused,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("maximum").await;
        let class = json!({"code": "A", "name": "Oprichters", "nominal_value": "250.00", "transfer_rule": "free", "max_shares_per_holder": 5});
        app.post_ok(
            &format!("/api/v1/tenants/{t}/share-classes"),
            &admin,
            &class,
        )
        .await;
        let a = app.create_person(&t, &admin, "Ann", "Smets").await;
        let b = app.create_person(&t, &admin, "Bob", "Hermans").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": a, "quantity": 5, "effective_date": "2024-02-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": b, "quantity": 3, "effective_date": "2024-02-01"})).await;
        let body = json!({"kind": "issue", "share_class": "A", "to": a, "quantity": 1, "effective_date": "2024-03-01"});
        let p = refused(&app, &t, &admin, &body.to_string(), 422).await;
        assert!(p["type"].as_str().unwrap().ends_with("holding-rule"), "{p}");
        let body = json!({"kind": "transfer", "share_class": "A", "from": a, "to": b, "quantity": 3, "effective_date": "2024-03-01"});
        refused(&app, &t, &admin, &body.to_string(), 422).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": a, "to": b, "quantity": 2, "effective_date": "2024-03-01"})).await;
    }
);
