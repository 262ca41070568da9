//! The ledger writer threads are supervised: a panic fails only the requests of its group,
//! the thread is replaced, and the event is counted in /metrics.

use serde_json::{Value, json};

use dar_tests::{expect_problem, on_both_backends};

async fn writer_panics(app: &dar_tests::TestApp) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|l| l.strip_prefix("dar_ledger_writer_panics_total "))
        .expect("the writer panic counter is exported")
        .trim()
        .parse()
        .expect("a number")
}

on_both_backends!(
    a_panicking_ledger_writer_fails_its_request_with_503_and_is_replaced,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("writer-panic").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;
        let entry = json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-02-01"});
        app.post_entry_ok(&t, &admin, &entry).await;
        let panics_before = writer_panics(&app).await;

        app.state
            .writer
            .panic_on_next_group_of(t.parse().expect("tenant id"));
        let r = app.post_entry(&t, &admin, &entry).await;
        assert!(
            r.headers().get("retry-after").is_some(),
            "a 503 says when to retry"
        );
        let problem = expect_problem(r, 503).await;
        assert_eq!(
            problem["type"], "https://dar.coop/problems/unavailable",
            "the panic came before the database work: a plain retry is safe: {problem}"
        );

        // The very next request to the same tenant is posted by the replacement thread.
        let posted: Value = app.post_entry_ok(&t, &admin, &entry).await;
        assert!(
            posted["seq"].is_i64() || posted["entries"].is_array(),
            "{posted}"
        );
        assert_eq!(
            app.head_seq(&t, &admin).await,
            2,
            "the failed request posted nothing"
        );
        assert!(writer_panics(&app).await > panics_before);
        let ready = app
            .client
            .get(app.url("/readyz"))
            .send()
            .await
            .expect("readyz");
        assert_eq!(ready.status(), 200, "every writer runs again");
    }
);
