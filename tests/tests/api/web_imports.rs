//! The import pages: upload a spreadsheet, read the dry run, change the mapping, commit
//! with progress; each refusal shown at its field; only for who may write the register.

use std::time::Duration;

use dar_tests::{PASSWORD, TestApp, on_both_backends};

use crate::web::{Browser, cooperative, csrf_field, location};

/// Posts the upload form as a browser does (multipart).
pub(crate) async fn upload(
    b: &Browser<'_>,
    app: &TestApp,
    slug: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    post_multipart(b, app, &format!("/c/{slug}/imports"), fields, file).await
}

/// Posts a form with a file to `path` as a browser does (multipart).
pub(crate) async fn post_multipart(
    b: &Browser<'_>,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let boundary = "----darimportboundary9QxZ";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    if let Some((name, data)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    app.client
        .post(app.url(path))
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

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> (Browser<'a>, String, String) {
    let mut b = Browser::new(app);
    b.sign_in(email, PASSWORD).await;
    let slug = email
        .split('@')
        .nth(1)
        .unwrap()
        .trim_end_matches(".test")
        .to_string();
    let page = b.get(&format!("/c/{slug}/imports")).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_field(&page.text().await.unwrap());
    (b, csrf, slug)
}

const FILE: &[u8] =
    b"Nr;Voornaam;Naam;Deelbewijzen;Volstort\n7;Ines;Claes;3;300,00\n8;Omar;Aerts;2;100,00\n";

on_both_backends!(
    an_administrator_uploads_maps_checks_and_imports_a_register_on_the_pages,
    |app| async move {
        cooperative(&app, "web-import", "Janssens").await;
        let (mut b, csrf, slug) = signed_in(&app, "admin@web-import.test").await;
        let r = upload(
            &b,
            &app,
            &slug,
            &[
                ("csrf", &csrf),
                ("mode", "current"),
                ("effective_date", "31/12/2025"),
                ("control_total", "500,00"),
            ],
            Some(("leden.csv", FILE)),
        )
        .await;
        assert_eq!(r.status(), 303);
        let here = location(&r).to_string();
        assert!(here.starts_with("/c/web-import/imports/"), "{here}");
        let html = b.get(&here).await.text().await.unwrap();
        // "Deelbewijzen" is not recognised: no shares, and the control total is off.
        assert!(html.contains("leden.csv"), "{html}");
        assert!(html.contains("Deelbewijzen"), "{html}");
        assert!(html.contains("Te verbeteren voor de import"), "{html}");
        assert!(
            !html.contains("Importeren in het register"),
            "no commit while unclean"
        );
        let page_csrf = csrf_field(&html);
        let r = b
            .post(
                &format!("{here}/check"),
                &[
                    ("csrf", &page_csrf),
                    ("header-0", "Nr"),
                    ("field-0", "register_number"),
                    ("header-1", "Voornaam"),
                    ("field-1", "first_name"),
                    ("header-2", "Naam"),
                    ("field-2", "last_name"),
                    ("header-3", "Deelbewijzen"),
                    ("field-3", "shares"),
                    ("header-4", "Volstort"),
                    ("field-4", "paid_up"),
                    ("effective_date", "31/12/2025"),
                    ("control_total", "500,00"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("Geen problemen gevonden"), "{html}");
        assert!(html.contains("Importeren in het register"), "{html}");
        let r = b
            .post(&format!("{here}/commit"), &[("csrf", &page_csrf)])
            .await;
        assert_eq!(r.status(), 303);
        let mut committed = false;
        for _ in 0..300 {
            let status: serde_json::Value =
                b.get(&format!("{here}/status")).await.json().await.unwrap();
            if status["status"] == "done" {
                committed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(committed, "the import was committed");
        let html = b.get(&here).await.text().await.unwrap();
        assert!(
            html.contains(r#"<span data-state="done">Ingeboekt</span>"#),
            "the state shown is recorded: {html}"
        );
        let register = b.get("/c/web-import/register").await.text().await.unwrap();
        assert!(register.contains("Claes"), "{html}\n{register}");
        // The mapping is kept for the cooperative's next file.
        let r = upload(
            &b,
            &app,
            &slug,
            &[
                ("csrf", &csrf),
                ("mode", "current"),
                ("effective_date", "31/12/2025"),
            ],
            Some(("leden2.csv", b"Nr;Naam;Deelbewijzen\n9;Peeters;1\n")),
        )
        .await;
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("Geen problemen gevonden"), "{html}");
    }
);

on_both_backends!(
    an_upload_without_a_file_or_with_a_bad_date_is_refused_at_its_field,
    |app| async move {
        cooperative(&app, "web-import-bad", "Janssens").await;
        let (mut b, csrf, slug) = signed_in(&app, "admin@web-import-bad.test").await;
        let r = upload(
            &b,
            &app,
            &slug,
            &[("csrf", &csrf), ("mode", "current")],
            None,
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("Kies een bestand."), "{html}");
        let r = upload(
            &b,
            &app,
            &slug,
            &[
                ("csrf", &csrf),
                ("mode", "current"),
                ("effective_date", "31/13/2025"),
            ],
            Some(("x.csv", FILE)),
        )
        .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Geen datum"));
        let r = upload(
            &b,
            &app,
            &slug,
            &[("csrf", &csrf), ("mode", "current")],
            Some(("x.csv", b"1;2\n3;4\n")),
        )
        .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("geen rij met kolomkoppen"));
        let r = upload(
            &b,
            &app,
            &slug,
            &[("csrf", "forged"), ("mode", "current")],
            Some(("x.csv", FILE)),
        )
        .await;
        assert_eq!(r.status(), 403);
        let list = b
            .get(&format!("/c/{slug}/imports"))
            .await
            .text()
            .await
            .unwrap();
        assert!(list.contains("Nog geen imports."), "{list}");
    }
);

on_both_backends!(a_viewer_sees_no_import_page, |app| async move {
    let t = cooperative(&app, "web-import-viewer", "Janssens").await;
    let admin = app.login("admin@web-import-viewer.test", PASSWORD).await;
    app.user_with_role(&t, &admin, "viewer@web-import-viewer.test", "viewer", None)
        .await;
    let mut b = Browser::new(&app);
    b.sign_in("viewer@web-import-viewer.test", PASSWORD).await;
    assert_eq!(b.get("/c/web-import-viewer/imports").await.status(), 404);
    let overview = b.get("/c/web-import-viewer").await.text().await.unwrap();
    assert!(!overview.contains("/imports"), "{overview}");
});

on_both_backends!(
    the_whole_register_downloads_as_an_ocf_package_that_the_import_page_reads_without_a_mapping,
    |app| async move {
        cooperative(&app, "web-ocf", "Janssens").await;
        let (mut b, csrf, slug) = signed_in(&app, "admin@web-ocf.test").await;
        let ledger = b.get("/c/web-ocf/ledger").await.text().await.unwrap();
        assert!(
            ledger.contains(r#"href="/c/web-ocf/exports/ocf.zip""#),
            "{ledger}"
        );
        let r = b.get("/c/web-ocf/exports/ocf.zip").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/zip");
        let package = r.bytes().await.unwrap().to_vec();
        assert!(package.starts_with(b"PK"));
        // Read back into the same cooperative, its holders are already there.
        let r = upload(
            &b,
            &app,
            &slug,
            &[("csrf", &csrf), ("mode", "current")],
            Some(("register.zip", &package)),
        )
        .await;
        assert_eq!(r.status(), 303);
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("Open Cap Format"), "{html}");
        assert!(
            !html.contains(r#"name="field-0""#),
            "no column mapping: {html}"
        );
        assert!(
            html.contains(
                "Stakeholders.ocf.json: STAKEHOLDER holder-1: register number 1 is already"
            ),
            "{html}"
        );
        assert!(!html.contains("Importeren in het register"), "{html}");
    }
);
