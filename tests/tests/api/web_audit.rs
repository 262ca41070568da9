//! The audit log page: newest first, filtered by action, actor and Belgian dates, paged
//! with a cursor, the helpdesk's events in a support session marked.

use dar_tests::{PASSWORD, TestApp, on_both_backends, today};

use crate::web::{Browser, cooperative, csrf_field};
use crate::web_support::helpdesk;

/// How many events a page of the log lists.
fn rows(html: &str, action: &str) -> usize {
    html.matches(&format!("<code>{action}</code>")).count()
}

/// `n` events of `action` on the tenant, recorded directly.
async fn events(app: &TestApp, tenant: &str, action: &str, n: usize) {
    let db = app.db.clone();
    let (tenant, action) = (tenant.to_string(), action.to_string());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let events = (0..n)
            .map(|i| dar_db::audit::NewAuditEvent {
                tenant_id: Some(tenant.clone()),
                action: action.clone(),
                object_type: Some("test".into()),
                object_id: Some(i.to_string()),
                ..Default::default()
            })
            .collect();
        dar_db::audit::record_many(&mut conn, events, chrono::Utc::now())
    })
    .await
    .unwrap()
    .expect("recording events");
}

on_both_backends!(
    the_audit_log_filters_by_action_actor_and_date_and_marks_support_sessions,
    |app| async move {
        let t = cooperative(&app, "log-filter", "Janssens").await;
        let admin = app.login("admin@log-filter.test", PASSWORD).await;
        helpdesk(&app, "reader@dar.test").await;
        let mut hd = Browser::new(&app);
        hd.sign_in("reader@dar.test", PASSWORD).await;
        let form = hd
            .get("/c/log-filter/support/new")
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_field(&form);
        hd.post(
            "/c/log-filter/support/new",
            &[
                ("csrf", &csrf),
                ("reason", "vraag over de import"),
                ("ticket", "HD-77"),
                ("minutes", "30"),
            ],
        )
        .await;
        hd.get("/c/log-filter/register").await;
        let opened = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=support_session.opened"),
                &admin,
            )
            .await;
        let helpdesk_id = opened["items"][0]["actor_user_id"]
            .as_str()
            .unwrap()
            .to_string();

        let mut b = Browser::new(&app);
        b.sign_in("admin@log-filter.test", PASSWORD).await;
        let all = b.get("/c/log-filter/audit").await;
        assert_eq!(all.status(), 200);
        let html = all.text().await.unwrap();
        assert!(
            rows(&html, "ledger.posted") == 1 && rows(&html, "helpdesk.read") >= 1,
            "{html}"
        );
        assert!(html.contains("in sessie HD-77"), "marked: {html}");
        assert!(html.contains("reader@dar.test"), "the actor: {html}");
        let newest = html.find("<code>helpdesk.read</code>").unwrap();
        let oldest = html.find("<code>ledger.posted</code>").unwrap();
        assert!(newest < oldest, "newest first");

        let posted = b
            .get("/c/log-filter/audit?action=ledger.posted")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(rows(&posted, "ledger.posted"), 1, "{posted}");
        assert_eq!(rows(&posted, "helpdesk.read"), 0, "{posted}");

        let by_helpdesk = b
            .get(&format!("/c/log-filter/audit?actor={helpdesk_id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(rows(&by_helpdesk, "helpdesk.read") >= 1, "{by_helpdesk}");
        assert_eq!(rows(&by_helpdesk, "ledger.posted"), 0, "{by_helpdesk}");

        let day = today().format("%d/%m/%Y").to_string();
        let today_only = b
            .get(&format!("/c/log-filter/audit?from={day}&to={day}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(rows(&today_only, "ledger.posted"), 1, "{today_only}");
        let long_ago = b
            .get("/c/log-filter/audit?from=01/01/2020&to=31/12/2020")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            long_ago.contains("Geen gebeurtenissen gevonden."),
            "{long_ago}"
        );

        let r = b.get("/c/log-filter/audit?from=32/13/2025").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="from-error""#) && html.contains("31/12/2025"),
            "{html}"
        );
        let r = b
            .get("/c/log-filter/audit?from=02/01/2025&to=01/01/2025")
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(r#"id="to-error""#));
        let r = b
            .get(&format!(
                "/c/log-filter/audit?actor={}",
                uuid::Uuid::now_v7()
            ))
            .await;
        assert_eq!(r.status(), 422, "someone of no business here");
    }
);

on_both_backends!(the_audit_log_pages_with_a_cursor, |app| async move {
    let t = cooperative(&app, "log-pages", "Janssens").await;
    events(&app, &t, "test.event", 60).await;
    let mut b = Browser::new(&app);
    b.sign_in("admin@log-pages.test", PASSWORD).await;
    let first = b
        .get("/c/log-pages/audit?action=test.event")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&first, "test.event"), 50);
    let at = first.find(r#"rel="next" href=""#).expect("a next page") + 17;
    let next = first[at..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        next.contains("action=test.event") && next.contains("before="),
        "{next}"
    );
    let second = b.get(&next).await.text().await.unwrap();
    assert_eq!(rows(&second, "test.event"), 10, "{second}");
    assert!(!second.contains(r#"rel="next""#));
    let r = b.get("/c/log-pages/audit?before=not-a-cursor").await;
    assert_eq!(r.status(), 404);
});
