//! Accounts in the web application through the mails they send: accepting an e-mailed
//! invitation signs in; a forgotten password is reset through the mailed one-time link
//! (once, before it expires), ending every other session; "forgot password" never tells
//! whether an address has an account; every form needs its token.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

const PUBLIC: &str = "http://dar.test";
const NEW_PASSWORD: &str = "a brand new password";

/// A browser without JavaScript: keeps DAR's cookies, follows nothing by itself.
struct Visitor<'a> {
    app: &'a TestApp,
    cookies: Vec<(String, String)>,
}

impl<'a> Visitor<'a> {
    fn new(app: &'a TestApp) -> Self {
        Visitor {
            app,
            cookies: vec![],
        }
    }

    fn speaking(app: &'a TestApp, lang: &str) -> Self {
        let mut v = Self::new(app);
        v.cookies.push(("dar_lang".into(), lang.into()));
        v
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for header in r.headers().get_all("set-cookie") {
            let Some((name, rest)) = header.to_str().ok().and_then(|h| h.split_once('=')) else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or("");
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let r = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let r = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    /// Opens `path` and submits its form with `fields` (and the form's own token).
    async fn fill_in(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let page = self.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        let csrf = csrf_field(&page.text().await.unwrap());
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    fn signed_in(&self) -> bool {
        self.cookies.iter().any(|(k, _)| k == "dar_session")
    }
}

fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

fn location(r: &reqwest::Response) -> &str {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The path of the link in the last mail to `email` that starts with `prefix`.
async fn mailed_path(app: &TestApp, email: &str, n: usize, prefix: &str) -> String {
    let mails = app.smtp().wait_for(email, n).await;
    let link = mails[n - 1]
        .link(&format!("{PUBLIC}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in {:?}", mails[n - 1].body()));
    link.strip_prefix(PUBLIC).unwrap().to_string()
}

on_both_backends!(
    accepting_an_emailed_invitation_through_its_page_signs_in,
    smtp,
    |app| async move {
        let t = app.create_tenant("acc-invite").await;
        app.post_ok(
            &format!("/api/v1/tenants/{t}/invitations"),
            &app.coordinator,
            &json!({"email": "first@acc-invite.test", "role": "admin"}),
        )
        .await;
        let path = mailed_path(&app, "first@acc-invite.test", 1, "/invitations/").await;
        let mut v = Visitor::new(&app);
        // Two different passwords are refused next to the second field; nothing changes.
        let r = v
            .fill_in(
                &path,
                &[("password", PASSWORD), ("repeat", "something else")],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="repeat-error""#), "{html}");
        assert!(!v.signed_in());

        let r = v
            .fill_in(&path, &[("password", PASSWORD), ("repeat", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/");
        assert!(v.signed_in(), "accepting signs in");
        let home = v.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/c/acc-invite""#), "{home}");
        // The account works for the API too, with the password chosen on the page.
        app.login("first@acc-invite.test", PASSWORD).await;

        let again = Visitor::new(&app).get(&path).await;
        assert_eq!(again.status(), 410, "an accepted invitation is spent");
        let html = again.text().await.unwrap();
        assert!(html.contains("werkt niet meer"), "{html}");
    }
);

on_both_backends!(
    an_invitation_for_an_existing_account_asks_for_its_password,
    smtp,
    |app| async move {
        app.tenant_with_admin("acc-one").await;
        let t2 = app.create_tenant("acc-two").await;
        app.post_ok(
            &format!("/api/v1/tenants/{t2}/invitations"),
            &app.coordinator,
            &json!({"email": "admin@acc-one.test", "role": "admin"}),
        )
        .await;
        let path = mailed_path(&app, "admin@acc-one.test", 2, "/invitations/").await;
        let mut v = Visitor::new(&app);
        let page = v.get(&path).await.text().await.unwrap();
        assert!(page.contains("current-password"), "{page}");
        let r = v.fill_in(&path, &[("password", "not the password")]).await;
        assert_eq!(r.status(), 401);
        assert!(!v.signed_in());
        let r = v.fill_in(&path, &[("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        let home = v.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/c/acc-one""#), "{home}");
        assert!(home.contains(r#"href="/c/acc-two""#), "{home}");
    }
);

/// Ages every reset link of the database past its expiry.
async fn expire_reset_links(app: &TestApp) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(
                "UPDATE password_resets SET created_at = '2020-01-01 08:00:00', \
                 expires_at = '2020-01-01 09:00:00'",
            ),
            &mut *conn,
        )
    })
    .await
    .unwrap()
    .expect("ageing the links");
}

on_both_backends!(
    a_password_is_reset_through_the_mailed_link_once,
    smtp,
    |app| async move {
        app.tenant_with_admin("acc-reset").await;
        let email = "admin@acc-reset.test";
        // Signed in elsewhere: a web session and an API refresh token.
        let mut elsewhere = Visitor::new(&app);
        let r = elsewhere
            .fill_in("/sign-in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        let pair: serde_json::Value = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();

        let mut v = Visitor::new(&app);
        let sign_in = v.get("/sign-in").await.text().await.unwrap();
        assert!(sign_in.contains(r#"href="/password/forgot""#), "{sign_in}");
        let r = v.fill_in("/password/forgot", &[("email", email)]).await;
        assert_eq!(r.status(), 200);
        let path = mailed_path(&app, email, 2, "/password/reset/").await;
        let mail = &app.smtp().mails_to(email)[1];
        assert_eq!(mail.subject(), "Een nieuw wachtwoord kiezen");
        assert!(mail.body().contains("60 minuten"), "{}", mail.body());

        let r = v
            .fill_in(
                &path,
                &[("password", NEW_PASSWORD), ("repeat", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/");
        assert!(v.signed_in());
        assert_eq!(v.get("/").await.status(), 200);

        // The new password works, the old one does not, and every other way in ended.
        app.login(email, NEW_PASSWORD).await;
        let old = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(old.status(), 401);
        assert_eq!(
            elsewhere.get("/").await.status(),
            303,
            "the other session ended"
        );
        let refresh = app
            .client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({"refresh_token": pair["refresh_token"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(refresh.status(), 401, "the refresh token ended");

        // The link worked once.
        let mut thief = Visitor::new(&app);
        assert_eq!(thief.get(&path).await.status(), 410);
        let csrf = csrf_field(&v.get("/password/forgot").await.text().await.unwrap());
        let r = v
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("password", PASSWORD),
                    ("repeat", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 410);
        app.login(email, NEW_PASSWORD).await;

        let db = app.db.clone();
        let actions = tokio::task::spawn_blocking(move || {
            use dar_db::schema::audit_events;
            use diesel::prelude::*;
            let mut conn = db.conn().unwrap();
            audit_events::table
                .filter(audit_events::action.like("password.reset.%"))
                .order(audit_events::at.asc())
                .select(audit_events::action)
                .load::<String>(&mut *conn)
                .unwrap()
        })
        .await
        .unwrap();
        assert_eq!(
            actions,
            ["password.reset.requested", "password.reset.completed"]
        );
    }
);

on_both_backends!(an_expired_reset_link_is_refused, smtp, |app| async move {
    app.tenant_with_admin("acc-expired").await;
    let email = "admin@acc-expired.test";
    let mut v = Visitor::new(&app);
    v.fill_in("/password/forgot", &[("email", email)]).await;
    let path = mailed_path(&app, email, 2, "/password/reset/").await;
    let form = v.get(&path).await.text().await.unwrap();
    let csrf = csrf_field(&form);
    expire_reset_links(&app).await;
    let r = v
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", NEW_PASSWORD),
                ("repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 410);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"href="/password/forgot""#), "{html}");
    assert_eq!(v.get(&path).await.status(), 410);
    app.login(email, PASSWORD).await;
});

on_both_backends!(
    forgot_password_does_not_tell_whether_an_address_has_an_account,
    smtp,
    |app| async move {
        app.tenant_with_admin("acc-secret").await;
        let mut known = Visitor::new(&app);
        let a = known
            .fill_in("/password/forgot", &[("email", "admin@acc-secret.test")])
            .await;
        let mut unknown = Visitor::new(&app);
        let b = unknown
            .fill_in("/password/forgot", &[("email", "nobody@acc-secret.test")])
            .await;
        assert_eq!(a.status(), b.status());
        let (a, b) = (a.text().await.unwrap(), b.text().await.unwrap());
        assert_eq!(a, b, "the same page for both");
        assert!(a.contains("Als er een account is met dit adres"), "{a}");
        app.smtp().wait_for("admin@acc-secret.test", 2).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(app.smtp().mails_to("nobody@acc-secret.test").is_empty());
    }
);

on_both_backends!(
    asking_for_reset_links_again_and_again_is_slowed_down,
    smtp,
    |app| async move {
        let mut v = Visitor::new(&app);
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let r = v
                .fill_in("/password/forgot", &[("email", "victim@acc-slow.test")])
                .await;
            statuses.push(r.status().as_u16());
        }
        assert_eq!(statuses[0], 200);
        assert!(statuses.contains(&429), "{statuses:?}");
        // Signing in is counted apart: the victim is not locked out.
        let mut other = Visitor::new(&app);
        let r = other
            .fill_in(
                "/sign-in",
                &[
                    ("email", dar_tests::COORDINATOR_EMAIL),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
);

on_both_backends!(
    the_account_forms_are_refused_without_their_token,
    smtp,
    |app| async move {
        app.tenant_with_admin("acc-csrf").await;
        let email = "admin@acc-csrf.test";
        let mut v = Visitor::new(&app);
        let r = v
            .post("/password/forgot", &[("csrf", "guess"), ("email", email)])
            .await;
        assert_eq!(r.status(), 403);
        let mut honest = Visitor::new(&app);
        honest
            .fill_in("/password/forgot", &[("email", email)])
            .await;
        let path = mailed_path(&app, email, 2, "/password/reset/").await;
        assert_eq!(
            app.smtp().mails_to(email).len(),
            2,
            "the refused form sent nothing"
        );
        let r = v
            .post(
                &path,
                &[
                    ("csrf", "guess"),
                    ("password", NEW_PASSWORD),
                    ("repeat", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert!(!v.signed_in());
        // The link still works for its owner.
        let r = honest
            .fill_in(
                &path,
                &[("password", NEW_PASSWORD), ("repeat", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
);

on_both_backends!(
    a_reset_mail_is_written_in_the_language_of_the_page_it_was_asked_on,
    smtp,
    |app| async move {
        app.tenant_with_admin("acc-lang").await;
        let email = "admin@acc-lang.test";
        let mut n = 1;
        for (lang, subject, words) in [
            (
                "nl",
                "Een nieuw wachtwoord kiezen",
                "De link werkt één keer",
            ),
            (
                "fr",
                "Choisir un nouveau mot de passe",
                "ne fonctionne qu'une fois",
            ),
            ("en", "Choose a new password", "The link works once"),
        ] {
            let mut v = Visitor::speaking(&app, lang);
            v.fill_in("/password/forgot", &[("email", email)]).await;
            n += 1;
            let mails = app.smtp().wait_for(email, n).await;
            let mail = &mails[n - 1];
            assert_eq!(mail.subject(), subject, "{lang}");
            assert!(mail.body().contains(words), "{lang}: {}", mail.body());
        }
    }
);
