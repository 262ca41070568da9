//! The database keeps the ledger append-only, and verify finds rows changed behind the
//! service's back.

use dar_tests::{Backend, on_both_backends};
use diesel::RunQueryDsl;
use serde_json::json;

fn execute(app: &dar_tests::TestApp, sql: &str) -> Result<usize, diesel::result::Error> {
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query(sql).execute(&mut *conn)
}

async fn three_entries(app: &dar_tests::TestApp, slug: &str) -> (String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "B", "50.00", "free").await;
    let a = app.create_person(&t, &admin, "François", "Mertens").await;
    let b = app.create_person(&t, &admin, "Eline", "Willems").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": a, "quantity": 10, "effective_date": "2024-02-01"})).await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "B", "from": a, "to": b, "quantity": 4, "effective_date": "2024-03-01"})).await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": b, "quantity": 1, "effective_date": "2024-04-01"})).await;
    (t, admin)
}

on_both_backends!(
    the_database_refuses_to_update_or_delete_ledger_entries,
    |app| async move {
        let (t, admin) = three_entries(&app, "append-only").await;
        let update = execute(
            &app,
            "UPDATE ledger_entries SET quantity = 99 WHERE seq = 2",
        )
        .unwrap_err();
        assert!(update.to_string().contains("append_only"), "{update}");
        let delete = execute(&app, "DELETE FROM ledger_entries WHERE seq = 3").unwrap_err();
        assert!(delete.to_string().contains("append_only"), "{delete}");
        assert_eq!(
            app.get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
                .await["ok"],
            true
        );
    }
);

on_both_backends!(
    tampering_with_a_ledger_row_is_found_by_verify,
    |app| async move {
        let (t, admin) = three_entries(&app, "tampered").await;
        // Someone with database access switches the guard off and changes entry 2.
        match app.backend {
            Backend::Postgres => {
                execute(&app, "ALTER TABLE ledger_entries DISABLE TRIGGER USER").unwrap();
                execute(&app, "UPDATE ledger_entries SET quantity = 3 WHERE seq = 2").unwrap();
                execute(&app, "ALTER TABLE ledger_entries ENABLE TRIGGER USER").unwrap();
            }
            Backend::Sqlite => {
                execute(&app, "DROP TRIGGER ledger_entries_no_update").unwrap();
                execute(&app, "UPDATE ledger_entries SET quantity = 3 WHERE seq = 2").unwrap();
            }
        }
        let verify = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
            .await;
        assert_eq!(verify["ok"], false);
        assert_eq!(verify["first_bad_seq"], 2);
    }
);
