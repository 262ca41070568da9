//! Login throttling (README "Login throttling"): per account and per source address, with
//! a bounded back-off. The test app uses the production thresholds with waits of 2–3 s
//! (`dar_tests::test_throttle`); clients on other loopback addresses stand for other
//! places on the internet.

use std::time::Duration;

use dar_tests::{PASSWORD, TestApp, expect_problem, on_both_backends};
use serde_json::{Value, json};

async fn login_from(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login request")
}

/// The announced wait of a 429, in seconds.
fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a 429 says when to retry")
}

/// An admin of a new cooperative, who has logged in from 127.0.0.1.
async fn member(app: &TestApp, slug: &str) -> String {
    app.tenant_with_admin(slug).await;
    format!("admin@{slug}.test")
}

async fn audit_events(app: &TestApp, action: &str) -> Vec<dar_db::audit::AuditRow> {
    let db = app.db.clone();
    let action = action.to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().expect("connection");
        dar_db::audit::list(
            &mut conn,
            &dar_db::audit::AuditFilter {
                action: Some(action),
                limit: 100,
                ..Default::default()
            },
        )
        .expect("audit")
    })
    .await
    .expect("task")
}

on_both_backends!(
    thirty_wrong_passwords_then_the_right_one_waits_and_then_succeeds,
    |app| async move {
        let email = member(&app, "traag").await;
        let elsewhere = app.client_from("127.0.0.5");
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let r = login_from(&app, &elsewhere, &email, "not the password").await;
            statuses.push(r.status().as_u16());
        }
        assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");

        let right = login_from(&app, &elsewhere, &email, PASSWORD).await;
        let wait = retry_after(&right);
        assert!((1..=3).contains(&wait), "Retry-After: {wait}");
        let problem = expect_problem(right, 429).await;
        assert_eq!(
            problem["type"],
            "https://dar.coop/problems/too-many-attempts"
        );

        // Throttling starting is audited once, not once per refused attempt.
        let events = audit_events(&app, "login.throttled").await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].source_ip.as_deref(), Some("127.0.0.5"));
        assert!(events[0].actor_user_id.is_some());
        let details: Value = serde_json::from_str(events[0].details.as_deref().unwrap()).unwrap();
        assert_eq!(details["scope"], "account");
        assert_eq!(details["failures"], 5);

        tokio::time::sleep(Duration::from_secs(wait)).await;
        let r = login_from(&app, &elsewhere, &email, PASSWORD).await;
        assert_eq!(r.status(), 200, "after the announced wait");
    }
);

on_both_backends!(
    an_attack_on_an_account_does_not_lock_out_its_owner_where_they_logged_in_before,
    |app| async move {
        // The owner logged in from 127.0.0.1 (tenant_with_admin); an attacker guesses from
        // 127.0.0.3 until the account waits.
        let email = member(&app, "eigenaar").await;
        let attacker = app.client_from("127.0.0.3");
        for _ in 0..6 {
            login_from(&app, &attacker, &email, "guess guess guess").await;
        }
        let r = login_from(&app, &attacker, &email, PASSWORD).await;
        expect_problem(r, 429).await;
        // A new place waits too (at most the bounded back-off)...
        let new_place = app.client_from("127.0.0.4");
        expect_problem(login_from(&app, &new_place, &email, PASSWORD).await, 429).await;
        // ...but the owner, where they logged in before, is let in.
        let r = login_from(&app, &app.client, &email, PASSWORD).await;
        assert_eq!(r.status(), 200);
    }
);

on_both_backends!(
    spraying_from_one_address_blocks_that_address_and_no_other,
    |app| async move {
        let email = member(&app, "sproeien").await;
        let sprayer = app.client_from("127.0.0.6");
        for i in 0..20 {
            let r = login_from(
                &app,
                &sprayer,
                &format!("guess{i}@sproeien.test"),
                "Winter2025!",
            )
            .await;
            assert_eq!(r.status(), 401, "attempt {i}");
        }
        // The address waits, whatever account it tries, even with a right password...
        let r = login_from(&app, &sprayer, &email, PASSWORD).await;
        assert!(retry_after(&r) >= 1);
        expect_problem(r, 429).await;
        // ...and no other address does.
        let other = app.client_from("127.0.0.7");
        let r = login_from(&app, &other, &email, PASSWORD).await;
        assert_eq!(r.status(), 200);
        let events = audit_events(&app, "login.throttled").await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(
            events[0]
                .details
                .as_deref()
                .unwrap()
                .contains("\"address\"")
        );
    }
);

on_both_backends!(
    accepting_an_invitation_does_not_get_around_the_login_throttle,
    |app| async move {
        let (tenant, admin) = app.tenant_with_admin("uitnodiging").await;
        let email = "admin@uitnodiging.test";
        // A second grant for the existing account: accepting it asks for its password.
        let invitation = app
            .post_ok(
                &format!("/api/v1/tenants/{tenant}/invitations"),
                &admin,
                &json!({"email": email, "role": "viewer"}),
            )
            .await;
        let elsewhere = app.client_from("127.0.0.8");
        let accept = |password: &'static str| {
            elsewhere
                .post(app.url("/api/v1/auth/accept-invitation"))
                .json(&json!({"token": invitation["token"], "password": password}))
                .send()
        };
        for i in 0..5 {
            let r = accept("a wrong password").await.expect("request");
            assert_eq!(r.status(), 401, "attempt {i}");
        }
        let r = accept(PASSWORD).await.expect("request");
        let wait = retry_after(&r);
        expect_problem(r, 429).await;
        assert_eq!(audit_events(&app, "login.throttled").await.len(), 1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let r = accept(PASSWORD).await.expect("request");
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    }
);
