//! The database keeps the certificate rules when the service is bypassed, and concurrent
//! requests cannot fork a holder's line of certificates or leave a gap in the numbers.

use dar_tests::{TestApp, on_both_backends};
use diesel::RunQueryDsl;
use serde_json::{Value, json};

/// A cooperative with one holder of 5 shares and that holder's first certificate.
async fn fixture(app: &TestApp, slug: &str) -> (String, String, String, Value) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let holder = app.create_person(&t, &admin, "Anna", "Segers").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 5, "effective_date": "2026-01-05"}))
        .await;
    let cert = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": holder}),
        )
        .await;
    (t, admin, holder, cert)
}

/// Inserts a certificate row directly, like the first one but with `fields` changed;
/// returns the database's error, if any.
fn insert(app: &TestApp, template: &Value, fields: &[(&str, String)]) -> Option<String> {
    let mut row: Vec<(String, String)> = vec![
        (
            "tenant_id".into(),
            format!("'{}'", template["tenant_id"].as_str().unwrap()),
        ),
        ("id".into(), format!("'{}'", uuid::Uuid::now_v7())),
        ("number".into(), "2".into()),
        (
            "shareholder_id".into(),
            format!("'{}'", template["shareholder_id"].as_str().unwrap()),
        ),
        ("as_of".into(), "'2026-01-05'".into()),
        ("language".into(), "'nl'".into()),
        ("layout".into(), "1".into()),
        ("content".into(), "'{}'".into()),
        ("pdf_sha256".into(), format!("'{}'", "a".repeat(64))),
        (
            "supersedes".into(),
            format!("'{}'", template["id"].as_str().unwrap()),
        ),
        (
            "issued_by".into(),
            format!("'{}'", template["issued_by"].as_str().unwrap()),
        ),
        ("issued_at".into(), "'2026-01-05 10:00:00'".into()),
    ];
    for (name, value) in fields {
        match row.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.clone(),
            None => row.push((name.to_string(), value.clone())),
        }
    }
    let columns: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<&str> = row.iter().map(|(_, v)| v.as_str()).collect();
    let sql = format!(
        "INSERT INTO certificates ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    );
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query(sql)
        .execute(&mut *conn)
        .err()
        .map(|e| e.to_string())
}

fn execute(app: &TestApp, sql: &str) -> Option<String> {
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query(sql)
        .execute(&mut *conn)
        .err()
        .map(|e| e.to_string())
}

fn refused(error: Option<String>, expected: &[&str]) {
    let error = error.expect("the database accepted a certificate row that breaks the rules");
    assert!(
        expected.iter().any(|e| error.contains(e)),
        "expected one of {expected:?} in {error:?}"
    );
}

/// The first certificate's stored row, as JSON, for building others like it.
fn stored(app: &TestApp, tenant: &str, cert: &Value) -> Value {
    let mut conn = app.db.conn().unwrap();
    let row = dar_db::certificates::get(
        &mut conn,
        &tenant.parse().unwrap(),
        &cert["id"].as_str().unwrap().parse().unwrap(),
    )
    .unwrap();
    json!({"tenant_id": row.tenant_id, "id": row.id, "shareholder_id": row.shareholder_id, "issued_by": row.issued_by})
}

on_both_backends!(
    the_database_refuses_certificates_that_break_numbering_or_the_holders_line,
    |app| async move {
        let (t, _admin, _holder, cert) = fixture(&app, "cert-rules").await;
        let first = stored(&app, &t, &cert);
        refused(
            insert(&app, &first, &[("number", "3".into())]),
            &["certificate_number"],
        );
        refused(
            insert(&app, &first, &[("number", "1".into())]),
            &["certificate_number", "UNIQUE", "unique"],
        );
        refused(
            insert(&app, &first, &[("supersedes", "NULL".into())]),
            &["certificate_supersede"],
        );
        // Another holder's certificate cannot be superseded by this one.
        let other = app.create_person(&t, &_admin, "Bram", "Aerts").await;
        refused(
            insert(&app, &first, &[("shareholder_id", format!("'{other}'"))]),
            &["foreign key", "FOREIGN KEY", "certificate_supersede"],
        );
        // A ledger point that is not an entry of this ledger.
        refused(
            insert(
                &app,
                &first,
                &[
                    ("ledger_seq", "1".into()),
                    ("ledger_hash", format!("'{}'", "0".repeat(64))),
                ],
            ),
            &["foreign key", "FOREIGN KEY"],
        );
        assert!(
            insert(&app, &first, &[]).is_none(),
            "a valid row is accepted"
        );
        // Superseding the same certificate twice would fork the line.
        refused(
            insert(&app, &first, &[("number", "3".into())]),
            &["UNIQUE", "unique", "duplicate"],
        );

        refused(
            execute(
                &app,
                &format!(
                    "UPDATE certificates SET pdf_sha256 = '{}' WHERE id = '{}'",
                    "b".repeat(64),
                    first["id"].as_str().unwrap()
                ),
            ),
            &["append_only"],
        );
        refused(
            execute(
                &app,
                &format!(
                    "DELETE FROM certificates WHERE id = '{}'",
                    first["id"].as_str().unwrap()
                ),
            ),
            &["append_only"],
        );
    }
);

on_both_backends!(
    concurrent_certificates_for_one_holder_form_one_line_with_gapless_numbers,
    |app| async move {
        let (t, admin, holder, _) = fixture(&app, "cert-race").await;
        let others: Vec<String> = {
            let mut v = Vec::new();
            for i in 0..3 {
                let id = app
                    .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
                    .await;
                v.push(id);
            }
            v
        };
        let path = format!("/api/v1/tenants/{t}/certificates");
        let mut requests = Vec::new();
        for i in 0..12 {
            let who = if i % 2 == 0 {
                holder.clone()
            } else {
                others[i % 3].clone()
            };
            let (app, path, admin) = (&app, path.clone(), admin.clone());
            requests.push(async move {
                app.post(&path, &admin, &json!({"shareholder_id": who}))
                    .await
                    .status()
                    .as_u16()
            });
        }
        let statuses = futures_util::future::join_all(requests).await;
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

        let listed = app.get_ok(&format!("{path}?limit=1000"), &admin).await;
        let items = listed["items"].as_array().unwrap();
        let numbers: Vec<i64> = items
            .iter()
            .map(|c| c["number"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, (1..=13).collect::<Vec<_>>(), "gapless numbers");
        // Every holder's certificates form one line: each supersedes the one before it.
        let mut by_holder: std::collections::HashMap<&str, Vec<&Value>> = Default::default();
        for c in items {
            by_holder
                .entry(c["shareholder_id"].as_str().unwrap())
                .or_default()
                .push(c);
        }
        for (_, line) in by_holder {
            assert_eq!(line[0]["supersedes"], Value::Null);
            for pair in line.windows(2) {
                assert_eq!(pair[1]["supersedes"], pair[0]["id"]);
            }
        }
    }
);

on_both_backends!(
    a_batch_left_running_by_a_stopped_instance_is_taken_over_and_finished,
    |app| async move {
        let (t, admin, holder, _) = fixture(&app, "cert-resume").await;
        let second = app.create_person(&t, &admin, "Bram", "Aerts").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": second, "quantity": 1, "effective_date": "2026-01-05"}))
        .await;
        // A batch an instance claimed and then stopped beating for two minutes, after it had
        // issued nothing.
        let id = uuid::Uuid::now_v7().to_string();
        let user = app.get_ok("/api/v1/me", &admin).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let stale = (chrono::Utc::now() - chrono::Duration::minutes(2)).naive_utc();
        {
            let mut conn = app.db.conn().unwrap();
            dar_db::certificates::create_batch(
                &mut conn,
                &dar_db::certificates::BatchRow {
                    tenant_id: t.clone(),
                    id: id.clone(),
                    status: "running".into(),
                    as_of: Some(dar_tests::today()),
                    selection: None,
                    up_to_register_number: 2,
                    total: 2,
                    done: 0,
                    last_register_number: 0,
                    error: None,
                    requested_by: user,
                    created_at: stale,
                    heartbeat_at: Some(stale),
                    finished_at: None,
                },
            )
            .unwrap();
        }
        let runner = dar_api::documents::BatchRunner::new(
            app.db.clone(),
            std::sync::Arc::new(dar_api::documents::ImageCache::default()),
            "http://dar.test",
        );
        runner.sweep().unwrap();
        let path = format!("/api/v1/tenants/{t}/certificate-batches/{id}");
        let mut batch = Value::Null;
        for _ in 0..300 {
            batch = app.get_ok(&path, &admin).await;
            if batch["status"] == "done" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(batch["status"], "done", "{batch}");
        assert_eq!(batch["done"], 2);
        let listed = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/certificates?shareholder_id={holder}"),
                &admin,
            )
            .await;
        assert_eq!(
            listed["items"].as_array().unwrap().len(),
            2,
            "the holder's first certificate and the batch's"
        );
    }
);
