//! The web application over HTTP: signing in and out with a session cookie, CSRF on every
//! form, pages in the user's language, values escaped, and other people's pages not found.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

/// The value `name` is set to by a response's `Set-Cookie` headers, and the whole header.
pub(crate) fn set_cookie(r: &reqwest::Response, name: &str) -> Option<(String, String)> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let value = v[name.len() + 1..]
                .split(';')
                .next()
                .unwrap_or("")
                .to_string();
            (value, v.to_string())
        })
}

/// The hidden CSRF field of the first form on a page.
pub(crate) fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    pub(crate) cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: vec![],
        }
    }

    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for name in ["dar_session", "dar_form", "dar_lang"] {
            if let Some((value, _)) = set_cookie(r, name) {
                self.cookies.retain(|(k, _)| k != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_string(), value));
                }
            }
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> reqwest::Response {
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

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
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

    pub(crate) async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        let page = self.get("/sign-in").await.text().await.unwrap();
        let csrf = csrf_field(&page);
        self.post(
            "/sign-in",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }
}

pub(crate) fn location(r: &reqwest::Response) -> &str {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A cooperative "web" with class A, Anna (10 shares) and an admin; returns the tenant id.
pub(crate) async fn cooperative(app: &TestApp, slug: &str, holder_name: &str) -> String {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let anna = app.create_person(&t, &admin, "Anna", holder_name).await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 10, "effective_date": "2024-02-01"})).await;
    t
}

on_both_backends!(
    an_administrator_signs_in_and_sees_the_dashboard,
    |app| async move {
        cooperative(&app, "web-dash", "Janssens").await;
        let mut b = Browser::new(&app);
        let r = b.sign_in("admin@web-dash.test", PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/");
        let (_, header) = set_cookie(&r, "dar_session").expect("a session cookie");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(header.contains(flag), "{flag} in {header}");
        }
        let home = b.get("/").await;
        assert_eq!(home.status(), 200);
        let html = home.text().await.unwrap();
        assert!(html.contains(r#"href="/c/web-dash""#), "{html}");
        let dash = b.get("/c/web-dash").await;
        assert_eq!(dash.status(), 200);
        let html = dash.text().await.unwrap();
        assert!(html.contains("Coöperatie web-dash cv"), "{html}");
        assert!(
            html.contains("1.000,00 €"),
            "capital of 10 shares at 100.00: {html}"
        );
        assert!(
            html.contains("Janssens, Anna (1)"),
            "latest entries name the holder: {html}"
        );
        assert!(html.contains("nagerekend"), "the chain is verified: {html}");
    }
);

on_both_backends!(
    a_page_without_a_session_sends_to_the_sign_in_page,
    |app| async move {
        cooperative(&app, "web-anon", "Peeters").await;
        let mut b = Browser::new(&app);
        for path in ["/", "/c/web-anon"] {
            let r = b.get(path).await;
            assert_eq!(r.status(), 303, "{path}");
            assert_eq!(location(&r), "/sign-in");
        }
        b.cookies.push(("dar_session".into(), "forged".into()));
        assert_eq!(b.get("/").await.status(), 303);
    }
);

on_both_backends!(
    signing_in_without_the_forms_token_is_refused,
    |app| async move {
        cooperative(&app, "web-csrf", "Maes").await;
        let mut b = Browser::new(&app);
        let r = b
            .post(
                "/sign-in",
                &[
                    ("csrf", "guess"),
                    ("email", "admin@web-csrf.test"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert!(set_cookie(&r, "dar_session").is_none());
        assert_eq!(b.get("/").await.status(), 303, "not signed in");
    }
);

on_both_backends!(
    a_session_id_brought_along_is_never_taken_over,
    |app| async move {
        cooperative(&app, "web-fix", "Claes").await;
        let mut b = Browser::new(&app);
        b.cookies
            .push(("dar_session".into(), "planted-by-an-attacker".into()));
        let r = b.sign_in("admin@web-fix.test", PASSWORD).await;
        assert_eq!(r.status(), 303);
        let (value, _) = set_cookie(&r, "dar_session").unwrap();
        assert_ne!(value, "planted-by-an-attacker");
        let mut attacker = Browser::new(&app);
        attacker
            .cookies
            .push(("dar_session".into(), "planted-by-an-attacker".into()));
        assert_eq!(attacker.get("/").await.status(), 303);
        assert_eq!(b.get("/").await.status(), 200);
    }
);

on_both_backends!(
    signing_out_needs_the_form_token_and_ends_the_session,
    |app| async move {
        cooperative(&app, "web-out", "Wouters").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-out.test", PASSWORD).await;
        let session = b.cookies.clone();
        let page = b.get("/").await.text().await.unwrap();
        let csrf = csrf_field(&page);
        let r = b.post("/sign-out", &[("csrf", "wrong")]).await;
        assert_eq!(r.status(), 403);
        assert_eq!(b.get("/").await.status(), 200, "still signed in");
        let r = b.post("/sign-out", &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 303);
        let mut replay = Browser::new(&app);
        replay.cookies = session;
        assert_eq!(
            replay.get("/").await.status(),
            303,
            "the old cookie is dead"
        );
    }
);

on_both_backends!(a_name_with_markup_is_shown_as_text, |app| async move {
    cooperative(&app, "web-xss", "<img src=x onerror=alert(1)>").await;
    let mut b = Browser::new(&app);
    b.sign_in("admin@web-xss.test", PASSWORD).await;
    let r = b.get("/c/web-xss").await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !csp.contains("unsafe-inline") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let html = r.text().await.unwrap();
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
});

on_both_backends!(another_cooperatives_pages_are_not_found, |app| async move {
    cooperative(&app, "web-one", "Goossens").await;
    cooperative(&app, "web-two", "Mertens").await;
    let mut b = Browser::new(&app);
    b.sign_in("admin@web-one.test", PASSWORD).await;
    let r = b.get("/c/web-two").await;
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("Mertens") && !html.contains("web-two cv"),
        "{html}"
    );
    assert_eq!(b.get("/c/does-not-exist").await.status(), 404);
});

on_both_backends!(pages_speak_the_chosen_language, |app| async move {
    let mut b = Browser::new(&app);
    let nl = b.get("/sign-in").await.text().await.unwrap();
    assert!(
        nl.contains(r#"<html lang="nl">"#) && nl.contains("Aanmelden"),
        "Dutch by default"
    );
    let r = app
        .client
        .get(app.url("/sign-in"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(
        r.text().await.unwrap().contains("Sign in to DAR"),
        "the browser's language"
    );
    let r = b.get("/language/fr?next=/sign-in").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/sign-in");
    let fr = b.get("/sign-in").await.text().await.unwrap();
    assert!(
        fr.contains(r#"<html lang="fr">"#) && fr.contains("Se connecter"),
        "{fr}"
    );
    let r = b.get("/language/fr?next=//evil.example").await;
    assert_eq!(location(&r), "/", "never back to another site");
});

on_both_backends!(
    the_shareholder_list_searches_by_name_and_register_number,
    |app| async move {
        let t = cooperative(&app, "web-list", "Janssens").await;
        let admin = app.login("admin@web-list.test", PASSWORD).await;
        app.create_person(&t, &admin, "Bram", "Maes").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-list.test", PASSWORD).await;
        let all = b
            .get("/c/web-list/shareholders")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            all.contains("Janssens, Anna") && all.contains("Maes, Bram"),
            "{all}"
        );
        let by_name = b
            .get("/c/web-list/shareholders?q=maes&status=")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            by_name.contains("Maes, Bram") && !by_name.contains("Janssens"),
            "{by_name}"
        );
        let by_number = b
            .get("/c/web-list/shareholders?q=1")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            by_number.contains("Janssens, Anna") && !by_number.contains("Maes"),
            "{by_number}"
        );
        let none = b
            .get("/c/web-list/shareholders?q=nobody")
            .await
            .text()
            .await
            .unwrap();
        assert!(none.contains("Geen aandeelhouders gevonden"), "{none}");
    }
);

on_both_backends!(
    a_shareholders_page_shows_holdings_on_a_date_and_the_history,
    |app| async move {
        let t = cooperative(&app, "web-holder", "Janssens").await;
        let admin = app.login("admin@web-holder.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-holder.test", PASSWORD).await;
        let today = b.get(&format!("/c/web-holder/shareholders/{anna}")).await;
        assert_eq!(today.status(), 200);
        let html = today.text().await.unwrap();
        assert!(
            html.contains("1.000,00 €") && html.contains("uitgifte"),
            "{html}"
        );
        let before = b
            .get(&format!(
                "/c/web-holder/shareholders/{anna}?as_of=2024-01-31"
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(before.contains("Geen aandelen op deze datum"), "{before}");
        let r = b
            .get(&format!(
                "/c/web-holder/shareholders/{}",
                uuid::Uuid::now_v7()
            ))
            .await;
        assert_eq!(r.status(), 404);
    }
);

on_both_backends!(
    the_register_as_of_a_date_is_shown_and_printed,
    |app| async move {
        cooperative(&app, "web-reg", "Janssens").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-reg.test", PASSWORD).await;
        let html = b
            .get("/c/web-reg/register?as_of=2024-12-31")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("31/12/2024") && html.contains("Janssens, Anna (1)"),
            "{html}"
        );
        assert!(
            html.contains("/c/web-reg/register.pdf?as_of=2024-12-31"),
            "{html}"
        );
        let empty = b
            .get("/c/web-reg/register?as_of=2024-01-01")
            .await
            .text()
            .await
            .unwrap();
        assert!(!empty.contains("Janssens, Anna (1)"), "{empty}");
        let pdf = b.get("/c/web-reg/register.pdf?as_of=2024-12-31").await;
        assert_eq!(pdf.status(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
);

on_both_backends!(
    an_expired_session_sends_to_the_sign_in_page,
    |app| async move {
        cooperative(&app, "web-exp", "Janssens").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-exp.test", PASSWORD).await;
        assert_eq!(b.get("/").await.status(), 200);
        // The session's end has come (idle or absolute: the row keeps the earlier of the two).
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            diesel::RunQueryDsl::execute(
                diesel::sql_query(
                    "UPDATE web_sessions SET created_at = '2020-01-01 08:00:00', \
                 last_seen_at = '2020-01-01 08:00:00', expires_at = '2020-01-01 08:30:00'",
                ),
                &mut *conn,
            )
        })
        .await
        .unwrap()
        .expect("ageing the session");
        assert_eq!(b.get("/").await.status(), 303, "expired");
    }
);

on_both_backends!(
    a_shareholder_sees_their_own_shares_movements_and_certificates_only,
    |app| async move {
        let t = cooperative(&app, "web-me", "Janssens").await;
        let admin = app.login("admin@web-me.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": anna, "to": bram, "quantity": 4, "effective_date": "2024-06-01"})).await;
        let mine = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/certificates"),
                &admin,
                &json!({"shareholder_id": anna}),
            )
            .await;
        let theirs = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/certificates"),
                &admin,
                &json!({"shareholder_id": bram}),
            )
            .await;
        app.user_with_role(&t, &admin, "anna@web-me.test", "shareholder", Some(&anna))
            .await;

        let mut b = Browser::new(&app);
        b.sign_in("anna@web-me.test", PASSWORD).await;
        let home = b.get("/").await.text().await.unwrap();
        assert!(home.contains(r#"href="/c/web-me/me""#), "{home}");
        let me = b.get("/c/web-me/me").await;
        assert_eq!(me.status(), 200);
        let html = me.text().await.unwrap();
        assert!(html.contains("Janssens, Anna"), "{html}");
        assert!(html.contains("600,00 €"), "6 shares left at 100.00: {html}");
        assert!(
            html.contains("een andere aandeelhouder"),
            "the other party is withheld: {html}"
        );
        assert!(!html.contains("Maes"), "not named: {html}");
        let pdf_link = format!(
            "/c/web-me/certificates/{}.pdf",
            mine["id"].as_str().unwrap()
        );
        assert!(html.contains(&pdf_link), "{html}");
        let pdf = b.get(&pdf_link).await;
        assert_eq!(pdf.status(), 200);
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
        // Nothing of anyone else's, and no register keeper's pages.
        let other = format!(
            "/c/web-me/certificates/{}.pdf",
            theirs["id"].as_str().unwrap()
        );
        assert_eq!(b.get(&other).await.status(), 404);
        assert_eq!(
            b.get(&format!("/c/web-me/shareholders/{bram}"))
                .await
                .status(),
            404
        );
        assert_eq!(b.get("/c/web-me").await.status(), 404);
        assert_eq!(b.get("/c/web-me/register").await.status(), 404);
    }
);

/// Changes entry `seq`'s quantity behind the service's back, as someone with database access
/// could.
fn tamper(app: &TestApp, seq: i64) {
    let mut conn = app.db.conn().unwrap();
    let mut run =
        |sql: &str| diesel::RunQueryDsl::execute(diesel::sql_query(sql), &mut *conn).unwrap();
    match app.backend {
        dar_tests::Backend::Postgres => {
            run("ALTER TABLE ledger_entries DISABLE TRIGGER USER");
            run(&format!(
                "UPDATE ledger_entries SET quantity = 3 WHERE seq = {seq}"
            ));
            run("ALTER TABLE ledger_entries ENABLE TRIGGER USER");
        }
        dar_tests::Backend::Sqlite => {
            run("DROP TRIGGER IF EXISTS ledger_entries_no_update");
            run(&format!(
                "UPDATE ledger_entries SET quantity = 3 WHERE seq = {seq}"
            ));
        }
    }
}

on_both_backends!(
    the_overview_warns_when_the_chain_does_not_verify,
    |app| async move {
        let t = cooperative(&app, "web-chain", "Janssens").await;
        let admin = app.login("admin@web-chain.test", PASSWORD).await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-chain.test", PASSWORD).await;
        let ok = b.get("/c/web-chain").await.text().await.unwrap();
        assert!(ok.contains("status ok"), "{ok}");
        // An entry after the last check is read on the next visit, and its change is found.
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 5, "effective_date": "2024-03-01"})).await;
        tamper(&app, 2);
        let broken = b.get("/c/web-chain").await.text().await.unwrap();
        assert!(
            broken.contains("status alarm") && broken.contains("role=\"alert\""),
            "{broken}"
        );
    }
);

on_both_backends!(
    the_coordinator_sees_every_cooperative_and_no_personal_data,
    |app| async move {
        cooperative(&app, "web-coord-a", "Janssens").await;
        cooperative(&app, "web-coord-b", "Peeters").await;
        let mut b = Browser::new(&app);
        b.sign_in(dar_tests::COORDINATOR_EMAIL, PASSWORD).await;
        let r = b.get("/").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Coöperatie web-coord-a cv")
                && html.contains("Coöperatie web-coord-b cv"),
            "{html}"
        );
        assert!(
            html.contains("0403.019.261"),
            "enterprise numbers, written with their dots: {html}"
        );
        assert!(
            !html.contains("Janssens") && !html.contains("Peeters"),
            "no shareholder: {html}"
        );
        // The register's pages stay closed to the coordinator.
        assert_eq!(b.get("/c/web-coord-a").await.status(), 404);
    }
);

on_both_backends!(
    changing_the_password_ends_every_other_session,
    |app| async move {
        cooperative(&app, "web-pw", "Janssens").await;
        let email = "admin@web-pw.test";
        let mut b = Browser::new(&app);
        b.sign_in(email, PASSWORD).await;
        let mut elsewhere = Browser::new(&app);
        elsewhere.sign_in(email, PASSWORD).await;
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
        let page = b.get("/account/password").await.text().await.unwrap();
        let csrf = csrf_field(&page);
        let new = "een nieuw lang wachtwoord";
        for (current, fresh, repeat, field, words) in [
            ("wrong password!", new, new, "current", "klopt niet"),
            (PASSWORD, "kort", "kort", "new", "minstens 10"),
            (
                PASSWORD,
                new,
                "iets anders dan dat",
                "repeat",
                "verschillen",
            ),
        ] {
            let r = b
                .post(
                    "/account/password",
                    &[
                        ("csrf", &csrf),
                        ("current", current),
                        ("new", fresh),
                        ("repeat", repeat),
                    ],
                )
                .await;
            assert_eq!(r.status(), 422, "{field}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains(&format!(r#"id="{field}-problem""#)) && html.contains(words),
                "{field}: {html}"
            );
        }
        let r = b
            .post(
                "/account/password",
                &[("current", PASSWORD), ("new", new), ("repeat", new)],
            )
            .await;
        assert_eq!(r.status(), 403, "no CSRF token");
        let r = b
            .post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", PASSWORD),
                    ("new", new),
                    ("repeat", new),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("is gewijzigd"));
        assert_eq!(b.get("/").await.status(), 200, "this session goes on");
        assert_eq!(
            elsewhere.get("/").await.status(),
            303,
            "the other one ended"
        );
        let old = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(old.status(), 401);
        let refresh = app
            .client
            .post(app.url("/api/v1/auth/refresh"))
            .json(&json!({"refresh_token": pair["refresh_token"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(refresh.status(), 401, "the API's refresh token ended too");
        app.login(email, new).await;
    }
);
