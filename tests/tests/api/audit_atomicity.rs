//! A write and its audit event commit together: when the audit event cannot be recorded,
//! the write is not done either; and each write records exactly one event.

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use dar_tests::{Backend, PASSWORD, TestApp, on_both_backends};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.conn().expect("connection");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *conn)
        .expect("count")
        .n
}

fn execute(app: &TestApp, sql: &str) {
    let mut conn = app.db.conn().expect("connection");
    diesel::connection::SimpleConnection::batch_execute(&mut *conn, sql).expect(sql);
}

/// Installs a trigger that refuses to record audit events of `action` (and only those).
fn refuse_audit_of(app: &TestApp, action: &str) {
    let sql = match app.backend {
        Backend::Sqlite => format!(
            "DROP TRIGGER IF EXISTS test_refuse_audit;
             CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
             WHEN NEW.action = '{action}'
             BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END;"
        ),
        Backend::Postgres => format!(
            "CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger AS $$
             BEGIN
               IF NEW.action = '{action}' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
               RETURN NEW;
             END $$ LANGUAGE plpgsql;
             DROP TRIGGER IF EXISTS test_refuse_audit ON audit_events;
             CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
             FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();"
        ),
    };
    execute(app, &sql);
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn expect_failed(what: &str, r: reqwest::Response) {
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert!(
        status.is_server_error(),
        "{what}: the write must fail with its audit event: {status} {body}"
    );
}

on_both_backends!(
    a_write_whose_audit_event_cannot_be_recorded_is_not_done,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("audit-fails").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;

        refuse_audit_of(&app, "share_class.created");
        let before = count(&app, "SELECT COUNT(*) AS n FROM share_classes");
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/share-classes"),
                &admin,
                &json!({"code": "X", "name": "Klasse X", "nominal_value": "10.00", "transfer_rule": "free"}),
            )
            .await;
        expect_failed("share class", r).await;
        assert_eq!(
            count(&app, "SELECT COUNT(*) AS n FROM share_classes"),
            before
        );

        refuse_audit_of(&app, "shareholder.created");
        let before = count(&app, "SELECT COUNT(*) AS n FROM shareholders");
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/shareholders"),
                &admin,
                &json!({"kind": "natural", "first_name": "Bo", "last_name": "Claes", "admission_date": "2024-01-01"}),
            )
            .await;
        expect_failed("shareholder", r).await;
        assert_eq!(
            count(&app, "SELECT COUNT(*) AS n FROM shareholders"),
            before
        );

        refuse_audit_of(&app, "shareholder.updated");
        let before = count(&app, "SELECT COUNT(*) AS n FROM shareholder_versions");
        let r = app
            .patch(
                &format!("/api/v1/tenants/{t}/shareholders/{holder}"),
                &admin,
                &json!({"phone": "+32 9 123 45 67"}),
            )
            .await;
        expect_failed("shareholder change", r).await;
        assert_eq!(
            count(&app, "SELECT COUNT(*) AS n FROM shareholder_versions"),
            before
        );

        refuse_audit_of(&app, "tenant.updated");
        let r = app
            .patch(
                &format!("/api/v1/tenants/{t}"),
                &admin,
                &json!({"legal_name": "Nooit Opgeslagen cv"}),
            )
            .await;
        expect_failed("tenant change", r).await;
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_ne!(tenant["legal_name"], "Nooit Opgeslagen cv");

        refuse_audit_of(&app, "document_settings.changed");
        let r = put(
            &app,
            &format!("/api/v1/tenants/{t}/document-settings"),
            &admin,
            &json!({"signatory_name": "Nooit Opgeslagen"}),
        )
        .await;
        expect_failed("document settings", r).await;
        let settings = app
            .get_ok(&format!("/api/v1/tenants/{t}/document-settings"), &admin)
            .await;
        assert!(settings["signatory_name"].is_null(), "{settings}");

        refuse_audit_of(&app, "certificate.issued");
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificates"),
                &admin,
                &json!({"shareholder_id": holder}),
            )
            .await;
        expect_failed("certificate", r).await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM certificates"), 0);

        refuse_audit_of(&app, "invitation.created");
        let before = count(&app, "SELECT COUNT(*) AS n FROM invitations");
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/invitations"),
                &admin,
                &json!({"email": "never@audit-fails.test", "role": "viewer"}),
            )
            .await;
        expect_failed("invitation", r).await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations"), before);

        refuse_audit_of(&app, "tenant.created");
        let before = count(&app, "SELECT COUNT(*) AS n FROM tenants");
        let r = app
            .post(
                "/api/v1/tenants",
                &app.coordinator,
                &json!({"slug": "never-created", "legal_name": "Nooit cv", "enterprise_number": "0403.019.261", "legal_form": "cv", "default_language": "nl"}),
            )
            .await;
        expect_failed("tenant", r).await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM tenants"), before);
    }
);

/// The audit events recorded under the request id the response names.
async fn events_of(app: &TestApp, what: &str, r: reqwest::Response) -> (Value, i64) {
    let status = r.status();
    let request_id = r
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id")
        .to_string();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{what}: {status} {body}");
    // A request that posts ledger entries keeps its event on its closing entry.
    let n = count(
        app,
        &format!("SELECT COUNT(*) AS n FROM audit_events WHERE request_id = '{request_id}'"),
    ) + count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM ledger_entries \
             WHERE request_id = '{request_id}' AND audit IS NOT NULL"
        ),
    );
    (body, n)
}

on_both_backends!(
    each_kind_of_write_records_exactly_one_audit_event,
    |app| async move {
        let app = &app;
        let one = |what: &'static str| {
            move |(body, n): (Value, i64)| {
                assert_eq!(n, 1, "{what}: one audit event");
                body
            }
        };
        let (t, admin) = app.tenant_with_admin("one-event").await;
        let (t, admin) = (&t, &admin);
        one("tenant created")(
            events_of(app, "tenant", app.post("/api/v1/tenants", &app.coordinator, &json!({"slug": "one-more", "legal_name": "Nog Een cv", "enterprise_number": "0403.019.261", "legal_form": "cv", "default_language": "nl"})).await).await,
        );
        one("tenant changed")(
            events_of(
                app,
                "tenant change",
                app.patch(
                    &format!("/api/v1/tenants/{t}"),
                    admin,
                    &json!({"legal_name": "Eén Gebeurtenis cv"}),
                )
                .await,
            )
            .await,
        );
        one("share class")(
            events_of(app, "share class", app.post(&format!("/api/v1/tenants/{t}/share-classes"), admin, &json!({"code": "A", "name": "Klasse A", "nominal_value": "100.00", "transfer_rule": "free"})).await).await,
        );
        let holder = one("shareholder")(
            events_of(app, "shareholder", app.post(&format!("/api/v1/tenants/{t}/shareholders"), admin, &json!({"kind": "natural", "first_name": "Ada", "last_name": "Peeters", "admission_date": "2024-01-01"})).await).await,
        )["id"]
            .as_str()
            .unwrap()
            .to_string();
        one("shareholder changed")(
            events_of(
                app,
                "shareholder change",
                app.patch(
                    &format!("/api/v1/tenants/{t}/shareholders/{holder}"),
                    admin,
                    &json!({"phone": "+32 9 123 45 67"}),
                )
                .await,
            )
            .await,
        );
        one("ledger entry")(
            events_of(app, "entry", app.post_entry(t, admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 2, "effective_date": "2024-02-01"})).await).await,
        );
        one("ledger batch")(
            events_of(app, "batch", app.post(&format!("/api/v1/tenants/{t}/ledger/batch"), admin, &json!({"entries": [
                {"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-03-01"},
                {"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-03-02"},
            ]})).await).await,
        );
        one("certificate")(
            events_of(
                app,
                "certificate",
                app.post(
                    &format!("/api/v1/tenants/{t}/certificates"),
                    admin,
                    &json!({"shareholder_id": holder}),
                )
                .await,
            )
            .await,
        );
        one("certificate batch")(
            events_of(
                app,
                "batch",
                app.post(
                    &format!("/api/v1/tenants/{t}/certificate-batches"),
                    admin,
                    &json!({}),
                )
                .await,
            )
            .await,
        );
        one("document settings")(
            events_of(
                app,
                "settings",
                put(
                    app,
                    &format!("/api/v1/tenants/{t}/document-settings"),
                    admin,
                    &json!({"signatory_name": "Voorzitter"}),
                )
                .await,
            )
            .await,
        );
        let upload = app
            .client
            .post(app.url(&format!("/api/v1/tenants/{t}/document-images")))
            .bearer_auth(admin)
            .header("content-type", "image/png")
            .body(include_bytes!("../../fixtures/logo.png").to_vec())
            .send()
            .await
            .unwrap();
        one("image")(events_of(app, "image", upload).await);
        let invitation = one("invitation")(
            events_of(
                app,
                "invitation",
                app.post(
                    &format!("/api/v1/tenants/{t}/invitations"),
                    admin,
                    &json!({"email": "viewer@one-event.test", "role": "viewer"}),
                )
                .await,
            )
            .await,
        );
        one("accepted")(
            events_of(
                app,
                "accept",
                app.post(
                    "/api/v1/auth/accept-invitation",
                    "",
                    &json!({"token": invitation["token"], "password": PASSWORD}),
                )
                .await,
            )
            .await,
        );
        let login = one("login")(
            events_of(
                app,
                "login",
                app.post(
                    "/api/v1/auth/login",
                    "",
                    &json!({"email": "viewer@one-event.test", "password": PASSWORD}),
                )
                .await,
            )
            .await,
        );
        assert!(login["refresh_token"].is_string());
        let platform = one("platform invitation")(
            events_of(
                app,
                "platform invitation",
                app.post(
                    "/api/v1/invitations",
                    &app.coordinator,
                    &json!({"email": "hd@one-event.test", "role": "helpdesk"}),
                )
                .await,
            )
            .await,
        );
        one("accepted")(
            events_of(
                app,
                "accept",
                app.post(
                    "/api/v1/auth/accept-invitation",
                    "",
                    &json!({"token": platform["token"], "password": PASSWORD}),
                )
                .await,
            )
            .await,
        );
        let helpdesk = app.login("hd@one-event.test", PASSWORD).await;
        let session = one("support session opened")(
            events_of(
                app,
                "open",
                app.post(
                    &format!("/api/v1/tenants/{t}/support-sessions"),
                    &helpdesk,
                    &json!({"reason": "helpen", "ticket": "HD-1"}),
                )
                .await,
            )
            .await,
        );
        let close = app
            .client
            .delete(app.url(&format!(
                "/api/v1/tenants/{t}/support-sessions/{}",
                session["id"].as_str().unwrap()
            )))
            .bearer_auth(&helpdesk)
            .send()
            .await
            .unwrap();
        one("support session closed")(events_of(app, "close", close).await);
    }
);
