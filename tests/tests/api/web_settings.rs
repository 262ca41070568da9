//! The settings page: the cooperative's data, closing a period, the document settings and
//! images; each refusal shown at its field, changing nothing; only for who manages the
//! cooperative.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

use crate::web::{Browser, cooperative, csrf_field, location};

/// The data form's fields as the page would send them, with `changes` applied.
fn data_form<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("legal_name", "Coöperatie web cv"),
        ("legal_form", "cv"),
        ("street", "Korenmarkt 1"),
        ("postal_code", "9000"),
        ("city", "Gent"),
        ("country", "BE"),
        ("default_language", "nl"),
        ("voting_rule", "one_member_one_vote"),
    ];
    for (k, v) in changes {
        match form.iter_mut().find(|(name, _)| name == k) {
            Some(field) => field.1 = v,
            None => form.push((k, v)),
        }
    }
    form
}

async fn signed_in_admin<'a>(app: &'a TestApp, slug: &str) -> (Browser<'a>, String) {
    let mut b = Browser::new(app);
    b.sign_in(&format!("admin@{slug}.test"), PASSWORD).await;
    let page = b
        .get(&format!("/c/{slug}/settings"))
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_field(&page);
    (b, csrf)
}

/// A small PNG picture.
pub(crate) fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 2, 2);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&[0, 0, 0, 255, 255, 255, 9, 9, 9, 200, 10, 10])
        .unwrap();
    writer.finish().unwrap();
    out
}

/// Posts the image form as a browser does (multipart), with `csrf` when given.
async fn upload(
    b: &Browser<'_>,
    app: &TestApp,
    slug: &str,
    csrf: Option<&str>,
    kind: &str,
    content_type: &str,
    data: &[u8],
) -> reqwest::Response {
    let boundary = "----dartestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
            .bytes(),
    );
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(data);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    app.client
        .post(app.url(&format!("/c/{slug}/settings/images")))
        .header("cookie", b.cookie_header())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

on_both_backends!(
    a_bad_value_in_the_settings_is_shown_at_its_field_and_changes_nothing,
    |app| async move {
        let t = cooperative(&app, "set-bad", "Janssens").await;
        let admin = app.login("admin@set-bad.test", PASSWORD).await;
        let before = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        let (mut b, csrf) = signed_in_admin(&app, "set-bad").await;
        let r = b
            .post(
                "/c/set-bad/settings",
                &data_form(
                    &csrf,
                    &[
                        ("legal_name", " "),
                        ("postal_code", "90000"),
                        ("helpdesk_may_write", "yes"),
                    ],
                ),
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="postal_code-error""#)
                && html.contains("Dit is geen postcode van het gekozen land."),
            "{html}"
        );
        assert!(html.contains(r#"id="legal_name-error""#), "{html}");
        assert!(
            html.contains(r#"value="90000""#),
            "what was typed stays: {html}"
        );
        assert!(!html.contains(r#"id="city-error""#), "{html}");
        let after = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(before, after, "nothing changed");
    }
);

on_both_backends!(
    the_settings_are_saved_and_confirmed_in_the_users_language,
    |app| async move {
        let t = cooperative(&app, "set-ok", "Janssens").await;
        let admin = app.login("admin@set-ok.test", PASSWORD).await;
        let (mut b, csrf) = signed_in_admin(&app, "set-ok").await;
        b.get("/language/fr?next=/").await;
        let r = b
            .post(
                "/c/set-ok/settings",
                &data_form(
                    &csrf,
                    &[
                        ("legal_name", "Nieuwe Naam cv"),
                        ("default_language", "fr"),
                        ("helpdesk_may_write", "yes"),
                    ],
                ),
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/c/set-ok/settings?saved=data#data");
        let page = b.get(location(&r)).await.text().await.unwrap();
        assert!(
            page.contains("Les modifications sont enregistrées."),
            "{page}"
        );
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(tenant["legal_name"], "Nieuwe Naam cv");
        assert_eq!(tenant["default_language"], "fr");
        assert_eq!(tenant["helpdesk_may_write"], true);
        // An unticked box is a "no".
        b.post("/c/set-ok/settings", &data_form(&csrf, &[])).await;
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(tenant["helpdesk_may_write"], false);
    }
);

on_both_backends!(
    a_closed_period_refuses_a_back_dated_entry_through_the_api,
    |app| async move {
        let t = cooperative(&app, "set-lock", "Janssens").await;
        let admin = app.login("admin@set-lock.test", PASSWORD).await;
        let (mut b, csrf) = signed_in_admin(&app, "set-lock").await;
        let page = b.get("/c/set-lock/settings").await.text().await.unwrap();
        assert!(
            page.contains("kan niet heropend worden"),
            "the warning: {page}"
        );
        // Without the confirmation nothing is closed.
        let r = b
            .post(
                "/c/set-lock/settings/period",
                &[("csrf", &csrf), ("locked_until", "31/12/2024")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(r#"id="confirm-error""#));
        let tomorrow = (dar_tests::today() + chrono::Duration::days(1))
            .format("%d/%m/%Y")
            .to_string();
        let r = b
            .post(
                "/c/set-lock/settings/period",
                &[
                    ("csrf", &csrf),
                    ("locked_until", &tomorrow),
                    ("confirm", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="locked_until-error""#) && html.contains("tot vandaag"),
            "{html}"
        );
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert!(tenant["locked_until"].is_null());
        let r = b
            .post(
                "/c/set-lock/settings/period",
                &[
                    ("csrf", &csrf),
                    ("locked_until", "31/12/2024"),
                    ("confirm", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let page = b.get(location(&r)).await.text().await.unwrap();
        assert!(
            page.contains("31/12/2024") && page.contains("De periode is afgesloten."),
            "{page}"
        );
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(tenant["locked_until"], "2024-12-31");
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap();
        let r = app.post_entry(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 1, "effective_date": "2024-06-01"})).await;
        let body = dar_tests::expect_problem(r, 422).await;
        assert!(body.to_string().contains("2024-12-31"), "{body}");
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 1, "effective_date": "2025-01-02"})).await;
        // A closed period is not reopened.
        let r = b
            .post(
                "/c/set-lock/settings/period",
                &[
                    ("csrf", &csrf),
                    ("locked_until", "30/06/2024"),
                    ("confirm", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("kan niet heropend worden"));
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(tenant["locked_until"], "2024-12-31");
    }
);

on_both_backends!(
    the_signatory_and_images_are_checked_like_the_api_does,
    |app| async move {
        let t = cooperative(&app, "set-doc", "Janssens").await;
        let admin = app.login("admin@set-doc.test", PASSWORD).await;
        let (mut b, csrf) = signed_in_admin(&app, "set-doc").await;
        let r = b
            .post(
                "/c/set-doc/settings/documents",
                &[
                    ("csrf", &csrf),
                    ("signatory_name", ""),
                    ("signatory_title", "Voorzitter"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="signatory_title-error""#)
                && html.contains("Geef ook de naam van wie ondertekent."),
            "{html}"
        );
        let r = b
            .post(
                "/c/set-doc/settings/documents",
                &[
                    ("csrf", &csrf),
                    ("signatory_name", "Marie Dubois"),
                    ("signatory_title", "Voorzitter"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        // Images: the type, then whether it is an image at all, then a good one.
        let r = upload(
            &b,
            &app,
            "set-doc",
            Some(&csrf),
            "logo",
            "text/plain",
            b"hello",
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="logo-error""#) && html.contains("PNG- of JPEG"),
            "{html}"
        );
        let r = upload(
            &b,
            &app,
            "set-doc",
            Some(&csrf),
            "signature",
            "image/png",
            b"not a png",
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="signature-error""#) && html.contains("niet als afbeelding"),
            "{html}"
        );
        let settings = app
            .get_ok(&format!("/api/v1/tenants/{t}/document-settings"), &admin)
            .await;
        assert!(settings["logo_sha256"].is_null(), "{settings}");
        let r = upload(&b, &app, "set-doc", None, "logo", "image/png", &png()).await;
        assert_eq!(r.status(), 403, "no CSRF token");
        let r = upload(
            &b,
            &app,
            "set-doc",
            Some(&csrf),
            "logo",
            "image/png",
            &png(),
        )
        .await;
        assert_eq!(r.status(), 303);
        let page = b.get(location(&r)).await.text().await.unwrap();
        assert!(page.contains("De afbeelding is opgeladen"), "{page}");
        let settings = app
            .get_ok(&format!("/api/v1/tenants/{t}/document-settings"), &admin)
            .await;
        assert_eq!(settings["signatory_name"], "Marie Dubois");
        let sha = settings["logo_sha256"]
            .as_str()
            .expect("a logo")
            .to_string();
        let src = format!("/c/set-doc/settings/images/{sha}");
        assert!(page.contains(&src), "{page}");
        let image = b.get(&src).await;
        assert_eq!(image.status(), 200);
        assert_eq!(image.headers()["content-type"], "image/png");
        assert_eq!(image.bytes().await.unwrap().as_ref(), png().as_slice());
    }
);

on_both_backends!(
    every_settings_form_refuses_a_post_without_the_token,
    |app| async move {
        let t = cooperative(&app, "set-csrf", "Janssens").await;
        let admin = app.login("admin@set-csrf.test", PASSWORD).await;
        let before = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        let (mut b, _) = signed_in_admin(&app, "set-csrf").await;
        let data = data_form("forged", &[("legal_name", "Overgenomen cv")]);
        let forms: [(&str, Vec<(&str, &str)>); 3] = [
            ("/c/set-csrf/settings", data),
            (
                "/c/set-csrf/settings/period",
                vec![
                    ("csrf", "forged"),
                    ("locked_until", "31/12/2024"),
                    ("confirm", "yes"),
                ],
            ),
            (
                "/c/set-csrf/settings/documents",
                vec![
                    ("csrf", "forged"),
                    ("signatory_name", "X"),
                    ("signatory_title", ""),
                ],
            ),
        ];
        for (path, form) in forms {
            let r = b.post(path, &form).await;
            assert_eq!(r.status(), 403, "{path}");
            let without: Vec<_> = form.into_iter().filter(|(k, _)| *k != "csrf").collect();
            assert_eq!(b.post(path, &without).await.status(), 403, "{path}");
        }
        let after = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert_eq!(before, after);
        let settings = app
            .get_ok(&format!("/api/v1/tenants/{t}/document-settings"), &admin)
            .await;
        assert!(settings["signatory_name"].is_null());
    }
);

on_both_backends!(
    a_viewer_or_shareholder_finds_no_settings_or_audit_page,
    |app| async move {
        let t = cooperative(&app, "set-who", "Janssens").await;
        let admin = app.login("admin@set-who.test", PASSWORD).await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        app.user_with_role(&t, &admin, "viewer@set-who.test", "viewer", None)
            .await;
        app.user_with_role(&t, &admin, "anna@set-who.test", "shareholder", Some(&anna))
            .await;
        for email in ["viewer@set-who.test", "anna@set-who.test"] {
            let mut b = Browser::new(&app);
            b.sign_in(email, PASSWORD).await;
            for path in [
                "/c/set-who/settings",
                "/c/set-who/audit",
                "/c/set-who/support",
            ] {
                let r = b.get(path).await;
                assert_eq!(r.status(), 404, "{email} {path}");
                assert!(
                    r.headers()["content-type"]
                        .to_str()
                        .unwrap()
                        .starts_with("text/html")
                );
            }
            let page = b.get("/").await.text().await.unwrap();
            let csrf = csrf_field(&page);
            let r = b
                .post(
                    "/c/set-who/settings/period",
                    &[
                        ("csrf", &csrf),
                        ("locked_until", "31/12/2024"),
                        ("confirm", "yes"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 404, "{email}");
        }
        let mut b = Browser::new(&app);
        b.sign_in("viewer@set-who.test", PASSWORD).await;
        let overview = b.get("/c/set-who").await.text().await.unwrap();
        assert!(
            !overview.contains("/c/set-who/settings") && !overview.contains("/c/set-who/audit"),
            "{overview}"
        );
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert!(tenant["locked_until"].is_null());
        let mut b = Browser::new(&app);
        b.sign_in("admin@set-who.test", PASSWORD).await;
        let overview = b.get("/c/set-who").await.text().await.unwrap();
        assert!(
            overview.contains(r#"href="/c/set-who/settings""#)
                && overview.contains(r#"href="/c/set-who/audit""#),
            "{overview}"
        );
    }
);
