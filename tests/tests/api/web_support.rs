//! The helpdesk's support sessions in the web application: opening one, the banner over the
//! cooperative's pages, reading but not writing, closing, expiry; and the administrator's
//! list of sessions.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::{Value, json};

use crate::web::{Browser, cooperative, csrf_field, location};

/// A helpdesk agent on the platform, invited by the coordinator; returns their API token.
pub(crate) async fn helpdesk(app: &TestApp, email: &str) -> String {
    let invitation = app
        .post_ok(
            "/api/v1/invitations",
            &app.coordinator,
            &json!({"email": email, "role": "helpdesk"}),
        )
        .await;
    app.post_ok(
        "/api/v1/auth/accept-invitation",
        "",
        &json!({"token": invitation["token"], "password": PASSWORD}),
    )
    .await;
    app.login(email, PASSWORD).await
}

/// The helpdesk opens a session on `slug` through the form; returns the page it lands on.
async fn open_session(b: &mut Browser<'_>, slug: &str, minutes: &str) -> reqwest::Response {
    let form = b
        .get(&format!("/c/{slug}/support/new"))
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_field(&form);
    b.post(
        &format!("/c/{slug}/support/new"),
        &[
            ("csrf", &csrf),
            ("reason", "helpen met de import"),
            ("ticket", "HD-4711"),
            ("minutes", minutes),
        ],
    )
    .await
}

/// Runs `sql` on the app's database directly, as a test that moves time must.
pub(crate) async fn run_sql(app: &TestApp, sql: String) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::RunQueryDsl::execute(diesel::sql_query(sql), &mut *conn)
    })
    .await
    .unwrap()
    .expect("running SQL");
}

/// The session's end has come: as if it had been opened long ago.
async fn expire_sessions(app: &TestApp) {
    run_sql(
        app,
        "UPDATE support_sessions SET opened_at = '2020-01-01 08:00:00', \
         expires_at = '2020-01-01 09:00:00'"
            .into(),
    )
    .await;
}

async fn audit(app: &TestApp, tenant: &str, admin: &str, query: &str) -> Vec<Value> {
    app.get_ok(&format!("/api/v1/tenants/{tenant}/audit?{query}"), admin)
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

on_both_backends!(
    the_helpdesk_opens_a_session_reads_under_the_banner_and_closes_it,
    |app| async move {
        let t = cooperative(&app, "hd-walk", "Janssens").await;
        let admin = app.login("admin@hd-walk.test", PASSWORD).await;
        helpdesk(&app, "agent@dar.test").await;
        let mut b = Browser::new(&app);
        b.sign_in("agent@dar.test", PASSWORD).await;
        let home = b.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/c/hd-walk/support/new""#), "{home}");
        // Without a session the cooperative's pages are closed: to the form, with a note.
        let r = b.get("/c/hd-walk").await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/hd-walk/support/new?ended=1");
        let r = open_session(&mut b, "hd-walk", "45").await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert_eq!(location(&r), "/c/hd-walk");
        for path in [
            "/c/hd-walk",
            "/c/hd-walk/shareholders",
            "/c/hd-walk/register",
        ] {
            let r = b.get(path).await;
            assert_eq!(r.status(), 200, "{path}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains("Ondersteuningssessie van de helpdesk")
                    && html.contains("helpen met de import")
                    && html.contains("HD-4711"),
                "{path}: {html}"
            );
            assert!(
                html.contains("44 minuten over") || html.contains("45 minuten over"),
                "{path}: the minutes left: {html}"
            );
            assert!(html.contains("Janssens, Anna"), "{path}: {html}");
            // Neither the audit log nor the settings are the helpdesk's to open.
            assert!(
                !html.contains("/c/hd-walk/audit") && !html.contains("/c/hd-walk/settings"),
                "{path}: {html}"
            );
        }
        // Every page the helpdesk read is in the audit log, with the session's id.
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        let session = sessions[0]["id"].as_str().unwrap().to_string();
        assert_eq!(sessions[0]["ticket"], "HD-4711");
        let reads = audit(&app, &t, &admin, "action=helpdesk.read").await;
        let read = reads
            .iter()
            .find(|e| e["object_id"] == "/c/hd-walk/register")
            .expect("the register's read is audited");
        assert_eq!(read["support_session_id"], session.as_str());
        // Closing through the banner's button ends the session and shuts the pages.
        let page = b.get("/c/hd-walk").await.text().await.unwrap();
        let close = format!("/c/hd-walk/support/{session}/close");
        assert!(page.contains(&close), "{page}");
        let csrf = csrf_field(&page);
        let r = b.post(&close, &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/hd-walk/support/new?closed=1");
        let note = b.get(location(&r)).await.text().await.unwrap();
        assert!(
            note.contains("De ondersteuningssessie is gesloten"),
            "{note}"
        );
        assert_eq!(b.get("/c/hd-walk/register").await.status(), 303);
        let closed = audit(&app, &t, &admin, "action=support_session.closed").await;
        assert_eq!(closed[0]["support_session_id"], session.as_str());
        assert_eq!(closed[0]["actor_role"], "helpdesk");
    }
);

on_both_backends!(
    the_helpdesk_may_not_write_unless_the_cooperative_allows_it,
    |app| async move {
        let t = cooperative(&app, "hd-write", "Janssens").await;
        let token = helpdesk(&app, "writer@dar.test").await;
        let mut b = Browser::new(&app);
        b.sign_in("writer@dar.test", PASSWORD).await;
        open_session(&mut b, "hd-write", "60").await;
        let page = b.get("/c/hd-write").await.text().await.unwrap();
        assert!(page.contains("U kunt lezen, niet wijzigen."), "{page}");
        // The settings are no page of the helpdesk, with or without a session.
        let csrf = csrf_field(&page);
        let r = b
            .post(
                "/c/hd-write/settings/period",
                &[
                    ("csrf", &csrf),
                    ("locked_until", "01/01/2024"),
                    ("confirm", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 404);
        // Authorization decides for a page's write as for the API's: refused in this session.
        let r = app
            .post_entry(&t, &token, &json!({"kind": "issue", "share_class": "A", "to": 1, "quantity": 1, "effective_date": "2024-03-01"}))
            .await;
        assert_eq!(r.status(), 403);
        let tenant = app
            .get_ok(
                &format!("/api/v1/tenants/{t}"),
                &app.login("admin@hd-write.test", PASSWORD).await,
            )
            .await;
        assert!(tenant["locked_until"].is_null(), "nothing was closed");

        // Once the cooperative allows it, a new session may write, and the write carries
        // the session on its audit event.
        let admin = app.login("admin@hd-write.test", PASSWORD).await;
        app.patch(
            &format!("/api/v1/tenants/{t}"),
            &admin,
            &json!({"helpdesk_may_write": true}),
        )
        .await;
        let page = b.get("/c/hd-write").await.text().await.unwrap();
        let csrf = csrf_field(&page);
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        let old = sessions[0]["id"].as_str().unwrap();
        b.post(
            &format!("/c/hd-write/support/{old}/close"),
            &[("csrf", &csrf)],
        )
        .await;
        open_session(&mut b, "hd-write", "60").await;
        let page = b.get("/c/hd-write").await.text().await.unwrap();
        assert!(
            page.contains("De coöperatie staat toe dat u wijzigt."),
            "{page}"
        );
        app.post_entry_ok(&t, &token, &json!({"kind": "issue", "share_class": "A", "to": 1, "quantity": 1, "effective_date": "2024-03-01"}))
            .await;
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        let posted = audit(&app, &t, &admin, "action=ledger.posted").await;
        assert_eq!(posted[0]["actor_role"], "helpdesk");
        assert_eq!(posted[0]["support_session_id"], sessions[0]["id"]);
    }
);

on_both_backends!(
    an_expired_session_closes_the_cooperatives_pages_again,
    |app| async move {
        cooperative(&app, "hd-exp", "Janssens").await;
        helpdesk(&app, "late@dar.test").await;
        let mut b = Browser::new(&app);
        b.sign_in("late@dar.test", PASSWORD).await;
        open_session(&mut b, "hd-exp", "5").await;
        assert_eq!(b.get("/c/hd-exp/register").await.status(), 200);
        expire_sessions(&app).await;
        for path in ["/c/hd-exp", "/c/hd-exp/shareholders", "/c/hd-exp/register"] {
            let r = b.get(path).await;
            assert_eq!(r.status(), 303, "{path}");
            assert_eq!(location(&r), "/c/hd-exp/support/new?ended=1");
        }
        let form = b
            .get("/c/hd-exp/support/new?ended=1")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            form.contains("geen open ondersteuningssessie") && !form.contains("Janssens"),
            "{form}"
        );
    }
);

on_both_backends!(
    a_refused_session_request_shows_each_problem_at_its_field_and_opens_nothing,
    |app| async move {
        let t = cooperative(&app, "hd-bad", "Janssens").await;
        let admin = app.login("admin@hd-bad.test", PASSWORD).await;
        helpdesk(&app, "typo@dar.test").await;
        let mut b = Browser::new(&app);
        b.sign_in("typo@dar.test", PASSWORD).await;
        let form = b.get("/c/hd-bad/support/new").await.text().await.unwrap();
        let csrf = csrf_field(&form);
        let r = b
            .post(
                "/c/hd-bad/support/new",
                &[
                    ("csrf", &csrf),
                    ("reason", "  "),
                    ("ticket", "HD-1"),
                    ("minutes", "481"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="reason-error""#) && html.contains("Geef een reden"),
            "{html}"
        );
        assert!(
            html.contains(r#"id="minutes-error""#) && html.contains("van 1 tot 480"),
            "{html}"
        );
        assert!(!html.contains(r#"id="ticket-error""#), "{html}");
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        assert_eq!(sessions, json!([]));
    }
);

on_both_backends!(
    an_administrator_sees_the_helpdesk_session_and_closes_it,
    |app| async move {
        cooperative(&app, "hd-admin", "Janssens").await;
        helpdesk(&app, "seen@dar.test").await;
        let mut hd = Browser::new(&app);
        hd.sign_in("seen@dar.test", PASSWORD).await;
        open_session(&mut hd, "hd-admin", "60").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@hd-admin.test", PASSWORD).await;
        let overview = b.get("/c/hd-admin").await.text().await.unwrap();
        assert!(
            overview.contains(r#"href="/c/hd-admin/support""#),
            "the section is linked: {overview}"
        );
        let page = b.get("/c/hd-admin/support").await.text().await.unwrap();
        for expected in ["seen@dar.test", "helpen met de import", "HD-4711", ">open<"] {
            assert!(page.contains(expected), "{expected}: {page}");
        }
        let token = app.login("admin@hd-admin.test", PASSWORD).await;
        let sessions = app
            .get_ok("/api/v1/tenants/hd-admin/support-sessions", &token)
            .await;
        let close = format!(
            "/c/hd-admin/support/{}/close",
            sessions[0]["id"].as_str().unwrap()
        );
        assert!(page.contains(&close), "{page}");
        let csrf = csrf_field(&page);
        let r = b.post(&close, &[]).await;
        assert_eq!(r.status(), 403, "no CSRF token");
        assert_eq!(hd.get("/c/hd-admin").await.status(), 200, "still open");
        let r = b.post(&close, &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/hd-admin/support?closed=1");
        let after = b.get(location(&r)).await.text().await.unwrap();
        assert!(
            after.contains("gesloten") && !after.contains(">open<"),
            "{after}"
        );
        assert_eq!(
            hd.get("/c/hd-admin").await.status(),
            303,
            "closed for the helpdesk"
        );
    }
);

on_both_backends!(
    the_helpdesk_forms_refuse_a_post_without_the_token,
    |app| async move {
        let t = cooperative(&app, "hd-csrf", "Janssens").await;
        let admin = app.login("admin@hd-csrf.test", PASSWORD).await;
        helpdesk(&app, "forged@dar.test").await;
        let mut b = Browser::new(&app);
        b.sign_in("forged@dar.test", PASSWORD).await;
        let r = b
            .post(
                "/c/hd-csrf/support/new",
                &[("reason", "x"), ("ticket", "y"), ("minutes", "60")],
            )
            .await;
        assert_eq!(r.status(), 403);
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        assert_eq!(sessions, json!([]), "nothing opened");
        open_session(&mut b, "hd-csrf", "60").await;
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        let id = sessions[0]["id"].as_str().unwrap();
        let r = b
            .post(
                &format!("/c/hd-csrf/support/{id}/close"),
                &[("csrf", "wrong")],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(b.get("/c/hd-csrf").await.status(), 200, "still open");
    }
);

on_both_backends!(
    a_viewer_does_not_see_the_support_sessions,
    |app| async move {
        let t = cooperative(&app, "hd-view", "Janssens").await;
        let admin = app.login("admin@hd-view.test", PASSWORD).await;
        app.user_with_role(&t, &admin, "viewer@hd-view.test", "viewer", None)
            .await;
        let mut b = Browser::new(&app);
        b.sign_in("viewer@hd-view.test", PASSWORD).await;
        let overview = b.get("/c/hd-view").await.text().await.unwrap();
        assert!(!overview.contains("/c/hd-view/support"), "{overview}");
        assert_eq!(b.get("/c/hd-view/support").await.status(), 404);
        assert_eq!(b.get("/c/hd-view/support/new").await.status(), 404);
    }
);

on_both_backends!(
    a_helpdesk_agent_cannot_close_a_colleagues_session,
    |app| async move {
        let t = cooperative(&app, "hd-two", "Janssens").await;
        let admin = app.login("admin@hd-two.test", PASSWORD).await;
        helpdesk(&app, "first@dar.test").await;
        helpdesk(&app, "second@dar.test").await;
        let mut first = Browser::new(&app);
        first.sign_in("first@dar.test", PASSWORD).await;
        open_session(&mut first, "hd-two", "60").await;
        let sessions = app
            .get_ok(&format!("/api/v1/tenants/{t}/support-sessions"), &admin)
            .await;
        let theirs = sessions[0]["id"].as_str().unwrap().to_string();
        let mut second = Browser::new(&app);
        second.sign_in("second@dar.test", PASSWORD).await;
        open_session(&mut second, "hd-two", "60").await;
        let page = second.get("/c/hd-two").await.text().await.unwrap();
        let csrf = csrf_field(&page);
        let r = second
            .post(
                &format!("/c/hd-two/support/{theirs}/close"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(first.get("/c/hd-two").await.status(), 200, "still open");
    }
);
