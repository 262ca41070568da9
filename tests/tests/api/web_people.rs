//! Bringing people in through the pages: an administrator's users and invitations, the
//! coordinator onboarding a cooperative with its first administrator (whose e-mailed
//! invitation is accepted), a cooperative's status, and the platform's users.

use dar_tests::{COORDINATOR_EMAIL, PASSWORD, TestApp, on_both_backends};
use serde_json::json;

use crate::web::{Browser, csrf_field, location};

async fn admin_of<'a>(app: &'a TestApp, slug: &str) -> (String, String, Browser<'a>) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    app.create_person(&t, &admin, "Anna", "Janssens").await;
    let mut b = Browser::new(app);
    b.get("/language/nl").await;
    let r = b.sign_in(&format!("admin@{slug}.test"), PASSWORD).await;
    assert_eq!(r.status(), 303);
    (t, admin, b)
}

async fn coordinator(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    b.get("/language/en").await;
    let r = b.sign_in(COORDINATOR_EMAIL, PASSWORD).await;
    assert_eq!(r.status(), 303);
    b
}

pub(crate) async fn submit(
    b: &mut Browser<'_>,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = b.get(page).await.text().await.unwrap();
    let csrf = csrf_field(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    b.post(action, &form).await
}

on_both_backends!(
    an_administrator_invites_a_viewer_and_sees_the_invitation_open,
    |app| async move {
        let (_, _, mut b) = admin_of(&app, "ppl-inv").await;
        let r = submit(
            &mut b,
            "/c/ppl-inv/users",
            "/c/ppl-inv/users",
            &[
                ("email", "lezer@ppl-inv.test"),
                ("role", "viewer"),
                ("language", "fr"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/ppl-inv/users?done=invited");
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("De uitnodiging is verstuurd."), "{html}");
        let open = &html[html.find("Openstaande uitnodigingen").unwrap()..];
        assert!(open.contains("lezer@ppl-inv.test"), "{open}");
        assert!(
            html.contains("admin@ppl-inv.test"),
            "the administrator has access"
        );
    }
);

on_both_backends!(
    a_shareholder_invitation_needs_a_register_number_the_register_has,
    |app| async move {
        let (t, admin, mut b) = admin_of(&app, "ppl-holder").await;
        for (number, message) in [
            ("", "Geef het registernummer van de aandeelhouder."),
            (
                "99",
                "Dit register heeft geen aandeelhouder met dit nummer.",
            ),
        ] {
            let r = submit(
                &mut b,
                "/c/ppl-holder/users",
                "/c/ppl-holder/users",
                &[
                    ("email", "anna@ppl-holder.test"),
                    ("role", "shareholder"),
                    ("shareholder", number),
                    ("language", "nl"),
                ],
            )
            .await;
            assert_eq!(r.status(), 422, "{number:?}");
            let html = r.text().await.unwrap();
            assert!(html.contains(r#"id="shareholder-error""#), "{html}");
            assert!(html.contains(message), "{message}");
        }
        let r = submit(
            &mut b,
            "/c/ppl-holder/users",
            "/c/ppl-holder/users",
            &[
                ("email", "anna@ppl-holder.test"),
                ("role", "shareholder"),
                ("shareholder", "1"),
                ("language", "nl"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let _ = (t, admin);
    }
);

on_both_backends!(
    a_removed_viewer_loses_the_cooperatives_pages_at_once,
    |app| async move {
        let (t, admin, mut b) = admin_of(&app, "ppl-rm").await;
        app.user_with_role(&t, &admin, "viewer@ppl-rm.test", "viewer", None)
            .await;
        let mut viewer = Browser::new(&app);
        viewer.sign_in("viewer@ppl-rm.test", PASSWORD).await;
        assert_eq!(viewer.get("/c/ppl-rm").await.status(), 200);
        let page = b.get("/c/ppl-rm/users").await.text().await.unwrap();
        let action_at = page
            .find("/remove\"")
            .expect("a remove button for the viewer");
        let start = page[..action_at].rfind("action=\"").unwrap() + 8;
        let action = format!("{}/remove", &page[start..action_at]);
        assert!(
            page.matches("/remove\"").count() == 1,
            "none for the administrator's own rights"
        );
        let csrf = csrf_field(&page);
        let r = b.post(&action, &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/ppl-rm/users?done=removed");
        assert_eq!(viewer.get("/c/ppl-rm").await.status(), 404);
        let audit = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=grant.revoked"),
                &admin,
            )
            .await;
        assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    }
);

on_both_backends!(
    the_users_page_is_for_administrators_only,
    |app| async move {
        let (t, admin, _) = admin_of(&app, "ppl-only").await;
        app.user_with_role(&t, &admin, "viewer@ppl-only.test", "viewer", None)
            .await;
        let mut viewer = Browser::new(&app);
        viewer.sign_in("viewer@ppl-only.test", PASSWORD).await;
        assert_eq!(viewer.get("/c/ppl-only/users").await.status(), 404);
        let mut coordinator = coordinator(&app).await;
        assert_eq!(coordinator.get("/c/ppl-only/users").await.status(), 404);
        for path in [
            "/cooperatives/new",
            "/cooperatives/ppl-only",
            "/platform/users",
        ] {
            assert_eq!(viewer.get(path).await.status(), 404, "{path}");
        }
    }
);

on_both_backends!(
    the_coordinator_onboards_a_cooperative_whose_administrator_accepts_the_mailed_invitation,
    smtp,
    |app| async move {
        let mut c = coordinator(&app).await;
        let home = c.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/cooperatives/new""#), "{home}");
        let r = submit(
            &mut c,
            "/cooperatives/new",
            "/cooperatives/new",
            &[
                ("legal_name", "Zonnedak Gent cv"),
                ("enterprise_number", "0403.170.701"),
                ("slug", "zonnedak"),
                ("legal_form", "cv"),
                ("street", "Korenmarkt 1"),
                ("postal_code", "9000"),
                ("city", "Gent"),
                ("default_language", "nl"),
                ("admin_email", "voorzitter@zonnedak.test"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        assert_eq!(location(&r), "/cooperatives/zonnedak?done=created");
        let page = c.get(location(&r)).await.text().await.unwrap();
        assert!(page.contains("The cooperative is created."), "{page}");
        assert!(
            page.contains("voorzitter@zonnedak.test"),
            "the invitation is open: {page}"
        );

        let mails = app.smtp().wait_for("voorzitter@zonnedak.test", 1).await;
        let link = mails[0]
            .link("http://dar.test/invitations/")
            .expect("an invitation link");
        let path = link.strip_prefix("http://dar.test").unwrap().to_string();
        let mut admin = Browser::new(&app);
        let form = admin.get(&path).await.text().await.unwrap();
        let csrf = csrf_field(&form);
        let r = admin
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("password", PASSWORD),
                    ("repeat", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let home = admin.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/c/zonnedak""#), "{home}");
        assert_eq!(admin.get("/c/zonnedak/users").await.status(), 200);

        let page = c.get("/cooperatives/zonnedak").await.text().await.unwrap();
        let admins =
            &page[page.find("Administrators").unwrap()..page.find("Open invitations").unwrap()];
        assert!(admins.contains("voorzitter@zonnedak.test"), "{admins}");
    }
);

on_both_backends!(
    a_bad_enterprise_number_or_a_taken_slug_creates_no_cooperative,
    |app| async move {
        app.create_tenant("taken").await;
        let mut c = coordinator(&app).await;
        let r = submit(
            &mut c,
            "/cooperatives/new",
            "/cooperatives/new",
            &[
                ("legal_name", "X cv"),
                ("enterprise_number", "0403.170.702"),
                ("slug", "x-coop"),
                ("legal_form", "cv"),
                ("default_language", "nl"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="enterprise_number-error""#), "{html}");
        assert!(html.contains("Not a valid enterprise number"));
        let r = submit(
            &mut c,
            "/cooperatives/new",
            "/cooperatives/new",
            &[
                ("legal_name", "X cv"),
                ("enterprise_number", "0403.170.701"),
                ("slug", "taken"),
                ("legal_form", "cv"),
                ("default_language", "nl"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="slug-error""#), "{html}");
        let tenants = app.get_ok("/api/v1/tenants", &app.coordinator).await;
        assert_eq!(tenants.as_array().unwrap().len(), 1, "{tenants}");
    }
);

on_both_backends!(
    a_suspended_cooperative_reads_but_records_nothing_until_reactivated,
    |app| async move {
        let (t, admin, _) = admin_of(&app, "ppl-susp").await;
        let anna = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let mut c = coordinator(&app).await;
        let page = c.get("/cooperatives/ppl-susp").await.text().await.unwrap();
        assert!(
            !page.contains("Janssens"),
            "no shareholder on the coordinator's page"
        );
        let r = submit(
            &mut c,
            "/cooperatives/ppl-susp",
            "/cooperatives/ppl-susp/status",
            &[("status", "suspended")],
        )
        .await;
        assert_eq!(r.status(), 303);
        let issue = json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 1, "effective_date": "2024-03-01"});
        assert_eq!(app.post_entry(&t, &admin, &issue).await.status(), 409);
        let page = c.get("/cooperatives/ppl-susp").await.text().await.unwrap();
        assert!(
            page.contains("Suspended") || page.contains("suspended"),
            "{page}"
        );
        let r = submit(
            &mut c,
            "/cooperatives/ppl-susp",
            "/cooperatives/ppl-susp/status",
            &[("status", "active")],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.post_entry(&t, &admin, &issue).await.status(), 201);
    }
);

on_both_backends!(the_coordinator_invites_a_helpdesk_agent, |app| async move {
    let mut c = coordinator(&app).await;
    let r = submit(
        &mut c,
        "/platform/users",
        "/platform/users",
        &[
            ("email", "help@dar.test"),
            ("role", "helpdesk"),
            ("language", "nl"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = c
        .get("/platform/users?done=invited")
        .await
        .text()
        .await
        .unwrap();
    let open = &page[page.find("Open invitations").unwrap()..];
    assert!(open.contains("help@dar.test"), "{open}");
    assert!(page.contains(COORDINATOR_EMAIL), "{page}");
    let r = submit(
        &mut c,
        "/platform/users",
        "/platform/users",
        &[("email", "nope"), ("role", "helpdesk"), ("language", "nl")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="email-error""#));
});
