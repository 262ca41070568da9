//! The shareholder's side of the web application over HTTP: their contact details, a
//! current certificate on request, the register of their class, several cooperatives; and
//! the administrator's certificates: one holder's, and a batch to its ZIP.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::{Value, json};

use crate::web::{Browser, cooperative, csrf_field, location};

/// A cooperative with Anna (10 shares of class A) signed in as its shareholder; returns
/// (tenant id, admin token, Anna's id, her signed-in browser).
async fn anna_signed_in<'a>(app: &'a TestApp, slug: &str) -> (String, String, String, Browser<'a>) {
    let t = cooperative(app, slug, "Janssens").await;
    let admin = app.login(&format!("admin@{slug}.test"), PASSWORD).await;
    let list = app
        .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
        .await;
    let anna = list["items"][0]["id"].as_str().unwrap().to_string();
    let email = format!("anna@{slug}.test");
    app.user_with_role(&t, &admin, &email, "shareholder", Some(&anna))
        .await;
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(&email, PASSWORD).await.status(), 303);
    (t, admin, anna, b)
}

/// The contact form's fields as the page fills them, with `changes` typed over them.
async fn contact_form(
    b: &mut Browser<'_>,
    slug: &str,
    changes: &[(&str, &str)],
) -> Vec<(String, String)> {
    let page = b.get(&format!("/c/{slug}/me/contact")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf_field(&html))];
    for name in [
        "email",
        "phone",
        "street",
        "postal_code",
        "city",
        "country",
        "iban",
    ] {
        let at = html
            .find(&format!(r#"name="{name}""#))
            .unwrap_or_else(|| panic!("a field {name}: {html}"));
        let value = html[at..]
            .split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or("")
            .to_string();
        fields.push((name.into(), value));
    }
    fields.push(("language".into(), "nl".into()));
    for (name, value) in changes {
        for field in fields.iter_mut().filter(|(n, _)| n == name) {
            field.1 = (*value).to_string();
        }
    }
    fields
}

async fn post_fields(
    b: &mut Browser<'_>,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &pairs).await
}

on_both_backends!(
    a_shareholder_changes_their_iban_and_a_wrong_one_is_refused_next_to_the_field,
    |app| async move {
        let (t, admin, anna, mut b) = anna_signed_in(&app, "web-iban").await;
        let record = format!("/api/v1/tenants/{t}/shareholders/{anna}");

        let wrong = contact_form(&mut b, "web-iban", &[("iban", "BE68 5390 0754 7035")]).await;
        let r = post_fields(&mut b, "/c/web-iban/me/contact", &wrong).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"<span class="field-error" id="iban-error">Dit is geen geldig IBAN"#),
            "the error next to the field: {html}"
        );
        assert!(
            html.contains(r#"aria-describedby="iban-hint iban-error""#),
            "{html}"
        );
        assert!(
            html.contains("BE68 5390 0754 7035"),
            "what was typed stays: {html}"
        );
        let unchanged = app.get_ok(&record, &admin).await;
        assert_eq!(unchanged["iban"], Value::Null);
        assert_eq!(unchanged["version"], 1);

        let right = contact_form(&mut b, "web-iban", &[("iban", "be68 5390 0754 7034")]).await;
        let r = post_fields(&mut b, "/c/web-iban/me/contact", &right).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Uw gegevens zijn opgeslagen."), "{html}");
        assert!(
            html.contains("BE68 5390 0754 7034"),
            "shown on paper form: {html}"
        );
        let changed = app.get_ok(&record, &admin).await;
        assert_eq!(changed["iban"], "BE68539007547034");
        assert_eq!(changed["version"], 2, "a new identity version");
        let versions = app.get_ok(&format!("{record}/versions"), &admin).await;
        assert_eq!(versions.as_array().unwrap().len(), 2);
        assert_eq!(versions[0]["iban"], Value::Null, "the old details kept");
        let audit = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=shareholder.updated"),
                &admin,
            )
            .await;
        let events = audit["items"].as_array().unwrap();
        assert_eq!(events.len(), 1, "{audit}");
        assert_eq!(events[0]["object_id"], anna.as_str());
        assert_eq!(events[0]["actor_role"], "shareholder");
    }
);

on_both_backends!(
    a_postal_code_that_does_not_fit_the_country_is_refused_in_the_users_language,
    |app| async move {
        let (t, admin, anna, mut b) = anna_signed_in(&app, "web-post").await;
        b.get("/language/fr").await;
        let wrong = contact_form(
            &mut b,
            "web-post",
            &[("postal_code", "90000"), ("email", "anna@")],
        )
        .await;
        let r = post_fields(&mut b, "/c/web-post/me/contact", &wrong).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="postal_code-error">Ce code postal n'existe pas"#),
            "{html}"
        );
        assert!(
            html.contains(r#"id="email-error">Ce n'est pas une adresse e-mail"#),
            "{html}"
        );
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["address"]["postal_code"], "9000");
        assert_eq!(record["email"], Value::Null);
    }
);

on_both_backends!(
    a_shareholder_can_reach_neither_another_holder_nor_the_keepers_pages,
    |app| async move {
        let (t, admin, _anna, mut b) = anna_signed_in(&app, "web-own").await;
        let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
        cooperative(&app, "web-else", "Peeters").await;
        let page = b.get("/c/web-own/me/contact").await.text().await.unwrap();
        let csrf = csrf_field(&page);

        // Another cooperative, where she holds nothing: no page at all.
        assert_eq!(b.get("/c/web-else/me/contact").await.status(), 404);
        let form = contact_form(&mut b, "web-own", &[]).await;
        assert_eq!(
            post_fields(&mut b, "/c/web-else/me/contact", &form)
                .await
                .status(),
            404
        );
        // Naming another holder in the form is no form of DAR's.
        let mut naming = form.clone();
        naming.push(("shareholder_id".into(), bram.clone()));
        assert_eq!(
            post_fields(&mut b, "/c/web-own/me/contact", &naming)
                .await
                .status(),
            400
        );
        let theirs = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{bram}"), &admin)
            .await;
        assert_eq!(theirs["version"], 1);
        // The keepers' pages and forms.
        for path in [
            "/c/web-own/certificates".to_string(),
            format!("/c/web-own/shareholders/{bram}"),
        ] {
            assert_eq!(b.get(&path).await.status(), 404, "{path}");
        }
        for (path, fields) in [
            (
                format!("/c/web-own/shareholders/{bram}/certificates"),
                vec![("as_of", "")],
            ),
            (
                "/c/web-own/certificate-settings".to_string(),
                vec![("holders_may_ask", "yes")],
            ),
            (
                "/c/web-own/certificate-batches".to_string(),
                vec![("scope", "all"), ("numbers", ""), ("as_of", "")],
            ),
        ] {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend(fields);
            assert_eq!(b.post(&path, &form).await.status(), 404, "{path}");
        }
        let listed = app
            .get_ok(&format!("/api/v1/tenants/{t}/certificates"), &admin)
            .await;
        assert_eq!(listed["items"], json!([]));
    }
);

/// The number of certificates of the cooperative.
async fn certificate_count(app: &TestApp, t: &str, admin: &str) -> usize {
    app.get_ok(&format!("/api/v1/tenants/{t}/certificates"), admin)
        .await["items"]
        .as_array()
        .unwrap()
        .len()
}

/// The subjects of the "your certificate is ready" mails queued for `to` (a sent mail
/// keeps its subject; its body is not kept).
fn certificate_mails(app: &TestApp, to: &str) -> Vec<String> {
    let mut conn = app.db.conn().expect("connection");
    dar_db::mail::to_recipient(&mut conn, to)
        .expect("the outbox")
        .into_iter()
        .filter(|m| m.kind == "certificate_ready")
        .map(|m| m.subject)
        .collect()
}

on_both_backends!(
    a_shareholder_asks_for_a_current_certificate_only_when_the_cooperative_allows_it,
    |app| async move {
        let (t, admin, anna, mut b) = anna_signed_in(&app, "web-ask").await;
        let me = b.get("/c/web-ask/me").await.text().await.unwrap();
        assert!(
            !me.contains(r#"action="/c/web-ask/me/certificates""#),
            "no button: {me}"
        );
        let csrf = csrf_field(&me);
        let r = b
            .post("/c/web-ask/me/certificates", &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status(), 404, "refused while not allowed");
        assert_eq!(certificate_count(&app, &t, &admin).await, 0);

        // The administrator allows it on the certificates page.
        let mut keeper = Browser::new(&app);
        keeper.sign_in("admin@web-ask.test", PASSWORD).await;
        let page = keeper
            .get("/c/web-ask/certificates")
            .await
            .text()
            .await
            .unwrap();
        let keeper_csrf = csrf_field(&page);
        let r = keeper
            .post(
                "/c/web-ask/certificate-settings",
                &[("csrf", &keeper_csrf), ("holders_may_ask", "yes")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let page = keeper.get(location(&r)).await.text().await.unwrap();
        assert!(page.contains("De instelling is opgeslagen."), "{page}");
        assert!(page.contains(r#"value="yes" checked"#), "{page}");

        let me = b.get("/c/web-ask/me").await.text().await.unwrap();
        assert!(
            me.contains(r#"action="/c/web-ask/me/certificates""#),
            "{me}"
        );
        let r = b
            .post("/c/web-ask/me/certificates", &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/web-ask/me?asked=issued#certificates");
        let me = b
            .get("/c/web-ask/me?asked=issued")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            me.contains("Uw nieuwe certificaat staat bovenaan de lijst."),
            "{me}"
        );
        let listed = app
            .get_ok(&format!("/api/v1/tenants/{t}/certificates"), &admin)
            .await;
        let first = &listed["items"][0];
        assert_eq!(first["shareholder_id"], anna.as_str());
        let pdf = format!(
            "/c/web-ask/certificates/{}.pdf",
            first["id"].as_str().unwrap()
        );
        assert!(me.contains(&pdf), "listed for download: {me}");
        let download = b.get(&pdf).await;
        assert_eq!(download.status(), 200);
        assert!(download.bytes().await.unwrap().starts_with(b"%PDF-"));

        let mails = certificate_mails(&app, "anna@web-ask.test");
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(
            mails[0], "Uw aandelencertificaat van Coöperatie web-ask cv staat klaar",
            "in the holder's language"
        );
        // Nothing changed since: the same certificate, no new number, no new mail.
        let r = b
            .post("/c/web-ask/me/certificates", &[("csrf", &csrf)])
            .await;
        assert_eq!(location(&r), "/c/web-ask/me?asked=current#certificates");
        assert_eq!(certificate_count(&app, &t, &admin).await, 1);
        assert_eq!(certificate_mails(&app, "anna@web-ask.test").len(), 1);
        // After a movement, a new one.
        let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": anna, "to": bram, "quantity": 1, "effective_date": dar_tests::today().to_string()})).await;
        let r = b
            .post("/c/web-ask/me/certificates", &[("csrf", &csrf)])
            .await;
        assert_eq!(location(&r), "/c/web-ask/me?asked=issued#certificates");
        assert_eq!(certificate_count(&app, &t, &admin).await, 2);
        // The API answers the holder the same way, and only for their own record.
        let token = app.login("anna@web-ask.test", PASSWORD).await;
        let path = format!("/api/v1/tenants/{t}/certificates");
        let r = app
            .post(&path, &token, &json!({"shareholder_id": anna}))
            .await;
        assert_eq!(r.status(), 200, "still current");
        let r = app
            .post(
                &path,
                &token,
                &json!({"shareholder_id": anna, "as_of": "2024-12-31"}),
            )
            .await;
        assert_eq!(r.status(), 422, "a holder asks for today's");
        let r = app
            .post(&path, &token, &json!({"shareholder_id": bram}))
            .await;
        assert_eq!(r.status(), 404);
    }
);

on_both_backends!(
    the_register_of_a_holders_class_shows_names_municipalities_and_holdings_only,
    |app| async move {
        let (t, admin, anna, mut b) = anna_signed_in(&app, "web-class").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let bram = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/shareholders"),
                &admin,
                &json!({"kind": "natural", "first_name": "Bram", "last_name": "Maes",
                        "national_number": "85.07.30-033.28", "birth_date": "1985-07-30", "admission_date": "2024-01-01",
                        "email": "bram@example.be", "iban": "BE68539007547034",
                        "address": {"street": "Geheime Dreef 7", "postal_code": "2000", "city": "Antwerpen"}}),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let carl = app.create_person(&t, &admin, "Carl", "Claes").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": bram, "quantity": 3, "effective_date": "2024-03-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": carl, "quantity": 5, "effective_date": "2024-03-01"})).await;

        let me = b.get("/c/web-class/me").await.text().await.unwrap();
        assert!(me.contains(r#"href="/c/web-class/me/classes/A""#), "{me}");
        assert!(!me.contains("/me/classes/B"), "not her class: {me}");
        let r = b.get("/c/web-class/me/classes/A").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        for shown in ["Anna Janssens", "Bram Maes", "Antwerpen", "Gent"] {
            assert!(html.contains(shown), "{shown}: {html}");
        }
        for withheld in [
            "Geheime Dreef",
            "2000",
            "85.07.30",
            "85073003328",
            "bram@example.be",
            "BE68",
            "Veldstraat",
            "Carl",
        ] {
            assert!(!html.contains(withheld), "{withheld} shown: {html}");
        }
        assert_eq!(b.get("/c/web-class/me/classes/B").await.status(), 404);
        assert_eq!(b.get("/c/web-class/me/classes/Z").await.status(), 404);
        let _ = anna;
    }
);

on_both_backends!(
    a_shareholder_of_two_cooperatives_sees_both_on_the_start_page,
    |app| async move {
        let (_, _, _, mut b) = anna_signed_in(&app, "web-een").await;
        let t2 = cooperative(&app, "web-twee", "Janssens").await;
        let admin2 = app.login("admin@web-twee.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t2}/shareholders"), &admin2)
            .await;
        let anna2 = list["items"][0]["id"].as_str().unwrap().to_string();
        app.user_with_role(
            &t2,
            &admin2,
            "anna@web-een.test",
            "shareholder",
            Some(&anna2),
        )
        .await;
        // Grants are read at sign-in.
        let mut b2 = Browser::new(&app);
        b2.sign_in("anna@web-een.test", PASSWORD).await;
        let home = b2.get("/").await.text().await.unwrap();
        for link in [r#"href="/c/web-een/me""#, r#"href="/c/web-twee/me""#] {
            assert!(home.contains(link), "{link}: {home}");
        }
        assert_eq!(b2.get("/c/web-twee/me").await.status(), 200);
        assert_eq!(b.get("/c/web-een/me").await.status(), 200);
    }
);

/// Polls a batch's status (as the page's script does) until it has finished.
async fn finished(b: &mut Browser<'_>, status_url: &str) -> Value {
    for _ in 0..200 {
        let r = b.get(status_url).await;
        assert_eq!(r.status(), 200);
        let s: Value = r.json().await.unwrap();
        if s["status"] == "done" || s["status"] == "failed" {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the batch did not finish");
}

on_both_backends!(
    a_certificate_batch_runs_to_the_end_and_its_zip_holds_every_certificate,
    |app| async move {
        let t = cooperative(&app, "web-batch", "Janssens").await;
        let admin = app.login("admin@web-batch.test", PASSWORD).await;
        for i in 0..4 {
            let h = app
                .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
                .await;
            app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2024-03-01"})).await;
        }
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-batch.test", PASSWORD).await;
        let page = b
            .get("/c/web-batch/certificates")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(r#"action="/c/web-batch/certificate-batches""#),
            "{page}"
        );
        let csrf = csrf_field(&page);

        let r = b
            .post(
                "/c/web-batch/certificate-batches",
                &[
                    ("csrf", &csrf),
                    ("scope", "some"),
                    ("numbers", "1, 3-4, 9"),
                    ("as_of", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(
                r#"id="numbers-error">Het register heeft geen aandeelhouder met dit nummer: 9"#
            ),
            "{html}"
        );
        let r = b
            .post(
                "/c/web-batch/certificate-batches",
                &[
                    ("csrf", &csrf),
                    ("scope", "some"),
                    ("numbers", "1, drie"),
                    ("as_of", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);

        let r = b
            .post(
                "/c/web-batch/certificate-batches",
                &[
                    ("csrf", &csrf),
                    ("scope", "all"),
                    ("numbers", ""),
                    ("as_of", "31/12/2024"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let progress = location(&r).to_string();
        assert!(
            progress.starts_with("/c/web-batch/certificate-batches/"),
            "{progress}"
        );
        let html = b.get(&progress).await.text().await.unwrap();
        assert!(html.contains("<progress"), "{html}");
        assert!(
            html.contains(r#"<script src="/assets/dar-1.js" defer>"#),
            "{html}"
        );
        let s = finished(&mut b, &format!("{progress}/status")).await;
        assert_eq!(s, json!({"status": "done", "done": 5, "total": 5}));
        let html = b.get(&progress).await.text().await.unwrap();
        assert!(
            html.contains(r#"<progress id="batch-progress" max="5" value="5">"#),
            "{html}"
        );
        let zip = format!("{progress}/certificates.zip");
        assert!(
            html.contains(&format!(r#"<p class="zip"><a class="button" href="{zip}""#)),
            "{html}"
        );
        let r = b.get(&zip).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/zip");
        let bytes = r.bytes().await.unwrap();
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP");
        assert_eq!(archive.len(), 5);
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            assert!(
                file.name()
                    .unwrap()
                    .ends_with(&format!("-R{:05}.pdf", i + 1)),
                "{}",
                file.name().unwrap()
            );
            let mut pdf = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut pdf).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
        let listed = app
            .get_ok(&format!("/api/v1/tenants/{t}/certificates"), &admin)
            .await;
        assert_eq!(listed["items"][0]["as_of"], "2024-12-31");
        let page = b
            .get("/c/web-batch/certificates")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!(r#"href="{progress}""#)),
            "listed: {page}"
        );
    }
);

on_both_backends!(
    an_administrator_issues_one_holders_certificate_from_their_page,
    |app| async move {
        let t = cooperative(&app, "web-one", "Janssens").await;
        let admin = app.login("admin@web-one.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-one.test", PASSWORD).await;
        let here = format!("/c/web-one/shareholders/{anna}");
        let page = b.get(&here).await.text().await.unwrap();
        let csrf = csrf_field(&page);
        let action = format!("{here}/certificates");
        assert!(page.contains(&format!(r#"action="{action}""#)), "{page}");
        let r = b
            .post(&action, &[("csrf", &csrf), ("as_of", "31/02/2025")])
            .await;
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains(r#"id="as_of-error">Schrijf de datum als dag/maand/jaar"#)
        );
        assert_eq!(certificate_count(&app, &t, &admin).await, 0);
        let r = b
            .post(&action, &[("csrf", &csrf), ("as_of", "01/03/2024")])
            .await;
        assert_eq!(r.status(), 303);
        let page = b.get(&here).await.text().await.unwrap();
        assert!(page.contains("Certificaat nr. 1"), "{page}");
        assert!(page.contains("01/03/2024"), "{page}");
    }
);

on_both_backends!(
    every_new_form_is_refused_without_the_sessions_token,
    |app| async move {
        let t = cooperative(&app, "web-token", "Janssens").await;
        let admin = app.login("admin@web-token.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        app.user_with_role(
            &t,
            &admin,
            "anna@web-token.test",
            "shareholder",
            Some(&anna),
        )
        .await;
        let mut keeper = Browser::new(&app);
        keeper.sign_in("admin@web-token.test", PASSWORD).await;
        for (path, form) in [
            (
                format!("/c/web-token/shareholders/{anna}/certificates"),
                vec![("as_of", "")],
            ),
            (
                "/c/web-token/certificate-settings".to_string(),
                vec![("holders_may_ask", "yes")],
            ),
            (
                "/c/web-token/certificate-batches".to_string(),
                vec![("scope", "all"), ("numbers", ""), ("as_of", "")],
            ),
        ] {
            for csrf in [None, Some("guess")] {
                let mut fields = form.clone();
                if let Some(c) = csrf {
                    fields.push(("csrf", c));
                }
                assert_eq!(
                    keeper.post(&path, &fields).await.status(),
                    403,
                    "{path} {csrf:?}"
                );
            }
        }
        let mut holder = Browser::new(&app);
        holder.sign_in("anna@web-token.test", PASSWORD).await;
        let mut contact =
            contact_form(&mut holder, "web-token", &[("iban", "BE68539007547034")]).await;
        contact.retain(|(k, _)| k != "csrf");
        let r = post_fields(&mut holder, "/c/web-token/me/contact", &contact).await;
        assert_eq!(r.status(), 403);
        assert_eq!(
            holder
                .post("/c/web-token/me/certificates", &[])
                .await
                .status(),
            403
        );
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["iban"], Value::Null);
        assert_eq!(certificate_count(&app, &t, &admin).await, 0);
    }
);

on_both_backends!(
    the_script_is_served_cached_and_allowed_by_the_pages_policy,
    |app| async move {
        cooperative(&app, "web-js", "Janssens").await;
        let r = app
            .client
            .get(app.url("/assets/dar-1.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let script = r.bytes().await.unwrap().len();
        let css = app
            .client
            .get(app.url("/assets/dar-1.css"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len();
        assert!(script + css < 150 * 1024, "{script} + {css} bytes");
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-js.test", PASSWORD).await;
        let r = b.get("/c/web-js/certificates").await;
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
);

on_both_backends!(
    a_viewer_reads_the_certificates_but_gets_no_form_to_issue_them,
    |app| async move {
        let t = cooperative(&app, "web-view", "Janssens").await;
        let admin = app.login("admin@web-view.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": anna}),
        )
        .await;
        app.user_with_role(&t, &admin, "kijker@web-view.test", "viewer", None)
            .await;
        let mut b = Browser::new(&app);
        b.sign_in("kijker@web-view.test", PASSWORD).await;
        let page = b.get("/c/web-view/certificates").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Certificaat nr. 1"), "{html}");
        for form in ["/certificate-batches\"", "/certificate-settings\""] {
            assert!(!html.contains(form), "{form}: {html}");
        }
        let holder = b
            .get(&format!("/c/web-view/shareholders/{anna}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(holder.contains("Certificaat nr. 1"), "{holder}");
        assert!(
            !holder.contains(&format!("{anna}/certificates\"")),
            "no issue form: {holder}"
        );
        let csrf = csrf_field(&html);
        let r = b
            .post(
                "/c/web-view/certificate-batches",
                &[
                    ("csrf", &csrf),
                    ("scope", "all"),
                    ("numbers", ""),
                    ("as_of", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(certificate_count(&app, &t, &admin).await, 1);
    }
);
