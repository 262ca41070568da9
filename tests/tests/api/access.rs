//! Who may see and change what (SPEC §1), and which tokens are refused.

use dar_tests::{TestApp, expect_problem, on_both_backends};
use serde_json::json;

/// Cooperative A with an admin, a class, two holders with shares; returns (tenant, admin, holders).
async fn cooperative(app: &TestApp, slug: &str) -> (String, String, Vec<String>) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "B", "50.00", "free").await;
    let mut holders = Vec::new();
    for (first, last) in [("Hélène", "Dupont"), ("Björn", "Jacobs")] {
        let h = app.create_person(&t, &admin, first, last).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 5, "effective_date": "2024-02-01"})).await;
        holders.push(h);
    }
    (t, admin, holders)
}

on_both_backends!(
    a_user_of_another_tenant_can_neither_read_nor_change_anything,
    |app| async move {
        let (a, _, holders) = cooperative(&app, "coop-a").await;
        let (_, admin_b) = app.tenant_with_admin("coop-b").await;
        for path in [
            format!("/api/v1/tenants/{a}"),
            format!("/api/v1/tenants/{a}/shareholders"),
            format!("/api/v1/tenants/{a}/shareholders/{}", holders[0]),
            format!("/api/v1/tenants/{a}/ledger"),
            format!("/api/v1/tenants/{a}/holdings"),
            format!("/api/v1/tenants/{a}/ledger/verify"),
            format!("/api/v1/tenants/{a}/audit"),
            "/api/v1/tenants/coop-a/shareholders".to_string(),
        ] {
            expect_problem(app.get(&path, &admin_b).await, 404).await;
        }
        let r = app.post_entry(&a, &admin_b, &json!({"kind": "issue", "share_class": "B", "to": holders[0], "quantity": 1, "effective_date": "2024-02-01"})).await;
        expect_problem(r, 404).await;
        let r = app
            .patch(
                &format!("/api/v1/tenants/{a}/shareholders/{}", holders[0]),
                &admin_b,
                &json!({"email": "x@y.be"}),
            )
            .await;
        expect_problem(r, 404).await;
        // An id that does not exist at all answers the same.
        expect_problem(
            app.get(
                &format!("/api/v1/tenants/{}/shareholders", uuid::Uuid::now_v7()),
                &admin_b,
            )
            .await,
            404,
        )
        .await;
    }
);

on_both_backends!(a_shareholder_sees_only_their_own_data, |app| async move {
    let (t, admin, holders) = cooperative(&app, "eigen").await;
    let me = app
        .user_with_role(
            &t,
            &admin,
            "helene@eigen.test",
            "shareholder",
            Some(&holders[0]),
        )
        .await;
    let own = app
        .get_ok(
            &format!("/api/v1/tenants/{t}/shareholders/{}", holders[0]),
            &me,
        )
        .await;
    assert_eq!(own["last_name"], "Dupont");
    let holdings = app
        .get_ok(
            &format!("/api/v1/tenants/{t}/shareholders/{}/holdings", holders[0]),
            &me,
        )
        .await;
    assert_eq!(holdings[0]["quantity"], 5);
    expect_problem(
        app.get(
            &format!("/api/v1/tenants/{t}/shareholders/{}", holders[1]),
            &me,
        )
        .await,
        404,
    )
    .await;
    expect_problem(
        app.get(
            &format!("/api/v1/tenants/{t}/shareholders/{}/holdings", holders[1]),
            &me,
        )
        .await,
        404,
    )
    .await;
    expect_problem(
        app.get(&format!("/api/v1/tenants/{t}/shareholders"), &me)
            .await,
        403,
    )
    .await;
    expect_problem(
        app.get(&format!("/api/v1/tenants/{t}/holdings"), &me).await,
        403,
    )
    .await;
    expect_problem(
        app.get(&format!("/api/v1/tenants/{t}/ledger"), &me).await,
        403,
    )
    .await;
    // The cooperative itself is visible to its shareholders.
    let coop = app.get_ok(&format!("/api/v1/tenants/{t}"), &me).await;
    assert_eq!(coop["slug"], "eigen");
    let mine = app.get_ok("/api/v1/me/holdings", &me).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["holdings"][0]["quantity"], 5);
    // The legal right of consultation: the minimised register of the class they hold.
    let class = app
        .get_ok(
            &format!("/api/v1/tenants/{t}/class-register?share_class=B"),
            &me,
        )
        .await;
    let line = &class["items"][1];
    assert_eq!(line["name"], "Björn Jacobs");
    assert_eq!(line["municipality"], "Gent");
    assert!(
        line.get("shareholder_id").is_none() && line.get("email").is_none(),
        "minimised: {line}"
    );
    // Own contact details may change; identity may not.
    app.patch(
        &format!("/api/v1/tenants/{t}/shareholders/{}", holders[0]),
        &me,
        &json!({"email": "helene@voorbeeld.be"}),
    )
    .await
    .error_for_status()
    .unwrap();
    let r = app
        .patch(
            &format!("/api/v1/tenants/{t}/shareholders/{}", holders[0]),
            &me,
            &json!({"last_name": "Anders"}),
        )
        .await;
    expect_problem(r, 403).await;
    let r = app.post_entry(&t, &me, &json!({"kind": "issue", "share_class": "B", "to": holders[0], "quantity": 1, "effective_date": "2024-02-01"})).await;
    expect_problem(r, 403).await;
});

on_both_backends!(the_coordinator_sees_no_personal_data, |app| async move {
    let (t, _, holders) = cooperative(&app, "privacy").await;
    let c = &app.coordinator;
    for path in [
        format!("/api/v1/tenants/{t}/shareholders"),
        format!("/api/v1/tenants/{t}/shareholders/{}", holders[0]),
        format!("/api/v1/tenants/{t}/holdings"),
        format!("/api/v1/tenants/{t}/ledger"),
    ] {
        expect_problem(app.get(&path, c).await, 403).await;
    }
    let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), c).await;
    assert!(!tenant.to_string().contains("Dupont"));
});

on_both_backends!(a_viewer_reads_but_cannot_write, |app| async move {
    let (t, admin, holders) = cooperative(&app, "kijker").await;
    let viewer = app
        .user_with_role(&t, &admin, "viewer@kijker.test", "viewer", None)
        .await;
    app.get_ok(&format!("/api/v1/tenants/{t}/holdings"), &viewer)
        .await;
    let list = app
        .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &viewer)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let r = app.post_entry(&t, &viewer, &json!({"kind": "issue", "share_class": "B", "to": holders[0], "quantity": 1, "effective_date": "2024-02-01"})).await;
    expect_problem(r, 403).await;
    expect_problem(
        app.post(
            &format!("/api/v1/tenants/{t}/invitations"),
            &viewer,
            &json!({"email": "x@y.be", "role": "admin"}),
        )
        .await,
        403,
    )
    .await;
});

on_both_backends!(
    the_helpdesk_works_only_inside_an_audited_support_session,
    |app| async move {
        let (t, admin, holders) = cooperative(&app, "hulp").await;
        // The coordinator invites the helpdesk agent to the platform role.
        let invitation = app
            .post_ok(
                "/api/v1/invitations",
                &app.coordinator,
                &json!({"email": "helpdesk@dar.test", "role": "helpdesk"}),
            )
            .await;
        app.post_ok(
            "/api/v1/auth/accept-invitation",
            "",
            &json!({"token": invitation["token"], "password": dar_tests::PASSWORD}),
        )
        .await;
        let helpdesk = app.login("helpdesk@dar.test", dar_tests::PASSWORD).await;
        expect_problem(
            app.get(&format!("/api/v1/tenants/{t}/shareholders"), &helpdesk)
                .await,
            403,
        )
        .await;
        let session = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/support-sessions"),
                &helpdesk,
                &json!({"reason": "import helpen", "ticket": "HD-1234"}),
            )
            .await;
        assert_eq!(session["can_write"], false);
        app.get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &helpdesk)
            .await;
        let r = app.post_entry(&t, &helpdesk, &json!({"kind": "issue", "share_class": "B", "to": holders[0], "quantity": 1, "effective_date": "2024-02-01"})).await;
        expect_problem(r, 403).await;
        // The admins see every helpdesk read in their audit log.
        let audit = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=helpdesk.read"),
                &admin,
            )
            .await;
        let event = &audit["items"][0];
        assert_eq!(event["support_session_id"], session["id"]);
        assert_eq!(
            event["object_id"],
            format!("/api/v1/tenants/{t}/shareholders")
        );
        // Closed by the admin, the session gives no more access.
        let r = app
            .client
            .delete(app.url(&format!(
                "/api/v1/tenants/{t}/support-sessions/{}",
                session["id"].as_str().unwrap()
            )))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        expect_problem(
            app.get(&format!("/api/v1/tenants/{t}/shareholders"), &helpdesk)
                .await,
            403,
        )
        .await;
    }
);

on_both_backends!(
    expired_tampered_and_foreign_tokens_are_refused,
    |app| async move {
        let (t, admin, _) = cooperative(&app, "tokens").await;
        let path = format!("/api/v1/tenants/{t}/shareholders");
        app.get_ok(&path, &admin).await;
        expect_problem(app.client.get(app.url(&path)).send().await.unwrap(), 401).await;
        // Tampered: one character of the payload changed.
        let mut parts: Vec<String> = admin.split('.').map(str::to_string).collect();
        let mut payload = parts[1].clone().into_bytes();
        payload[10] = if payload[10] == b'A' { b'B' } else { b'A' };
        parts[1] = String::from_utf8(payload).unwrap();
        expect_problem(app.get(&path, &parts.join(".")).await, 401).await;
        // Expired, with the right key.
        let me = app.get_ok("/api/v1/me", &admin).await;
        let user: dar_core::ids::UserId = me["id"].as_str().unwrap().parse().unwrap();
        let grants = dar_db::users::grants_of(&mut app.db.conn().unwrap(), &user).unwrap();
        let keys = dar_api::auth::tokens::TokenKeys::new("test secret, 32 characters or more");
        let expired = keys.issue(
            &user,
            &grants,
            chrono::Utc::now() - chrono::Duration::hours(2),
            60,
        );
        expect_problem(app.get(&path, &expired).await, 401).await;
        // Signed with another key.
        let foreign = dar_api::auth::tokens::TokenKeys::new("another secret of 32 characters!!")
            .issue(&user, &grants, chrono::Utc::now(), 600);
        expect_problem(app.get(&path, &foreign).await, 401).await;
        // "alg": "none".
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = format!("{header}.{}.", admin.split('.').nth(1).unwrap());
        expect_problem(app.get(&path, &unsigned).await, 401).await;
    }
);

on_both_backends!(
    a_refresh_token_rotates_and_a_reused_one_revokes_its_family,
    |app| async move {
        let login = app
            .post_ok(
                "/api/v1/auth/login",
                "",
                &json!({"email": dar_tests::COORDINATOR_EMAIL, "password": dar_tests::PASSWORD}),
            )
            .await;
        let first = login["refresh_token"].as_str().unwrap().to_string();
        let next = app
            .post_ok("/api/v1/auth/refresh", "", &json!({"refresh_token": first}))
            .await;
        let second = next["refresh_token"].as_str().unwrap().to_string();
        app.get_ok("/api/v1/me", next["access_token"].as_str().unwrap())
            .await;
        // The old one is spent; presenting it again also kills the new one.
        expect_problem(
            app.post("/api/v1/auth/refresh", "", &json!({"refresh_token": first}))
                .await,
            401,
        )
        .await;
        expect_problem(
            app.post(
                "/api/v1/auth/refresh",
                "",
                &json!({"refresh_token": second}),
            )
            .await,
            401,
        )
        .await;
        expect_problem(
            app.post(
                "/api/v1/auth/login",
                "",
                &json!({"email": dar_tests::COORDINATOR_EMAIL, "password": "wrong password!"}),
            )
            .await,
            401,
        )
        .await;
    }
);

on_both_backends!(
    only_the_coordinator_invites_platform_users,
    |app| async move {
        let (_, admin) = app.tenant_with_admin("platform").await;
        let body = json!({"email": "nieuw@dar.test", "role": "coordinator"});
        expect_problem(app.post("/api/v1/invitations", &admin, &body).await, 403).await;
        let p = expect_problem(
            app.post(
                "/api/v1/invitations",
                &app.coordinator,
                &json!({"email": "x@dar.test", "role": "admin"}),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "role");
        let invitation = app
            .post_ok("/api/v1/invitations", &app.coordinator, &body)
            .await;
        let accept = json!({"token": invitation["token"], "password": dar_tests::PASSWORD});
        app.post_ok("/api/v1/auth/accept-invitation", "", &accept)
            .await;
        // An invitation is accepted once.
        expect_problem(
            app.post("/api/v1/auth/accept-invitation", "", &accept)
                .await,
            409,
        )
        .await;
        let second = app.login("nieuw@dar.test", dar_tests::PASSWORD).await;
        let me = app.get_ok("/api/v1/me", &second).await;
        assert_eq!(me["grants"][0]["role"], "coordinator");
        assert!(me["grants"][0]["tenant_id"].is_null());
        app.create_tenant("door-tweede").await;
    }
);

on_both_backends!(
    the_tenant_list_shows_members_their_own_cooperatives_and_the_coordinator_all,
    |app| async move {
        let (a, admin_a) = app.tenant_with_admin("lijst-a").await;
        let (b, _) = app.tenant_with_admin("lijst-b").await;
        let mine = app.get_ok("/api/v1/tenants", &admin_a).await;
        let ids: Vec<&str> = mine
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![a.as_str()]);
        let all = app.get_ok("/api/v1/tenants", &app.coordinator).await;
        let ids: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&a.as_str()) && ids.contains(&b.as_str()),
            "{all}"
        );
    }
);
