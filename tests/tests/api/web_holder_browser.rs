//! The shareholder's visit and a certificate batch in a real headless Chromium: at phone
//! width, accessible, nothing running off the screen, with screenshots.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{TestApp, on_both_backends};
use serde_json::json;

use crate::browser::{assert_accessible, assert_fits, sign_in_through_the_form, wait_for_url};

fn backend(app: &TestApp) -> String {
    format!("{:?}", app.backend).to_lowercase()
}

/// Checks the current page at this width, scans it, and keeps its screenshot.
async fn check_page(browser: &Browser, page: &str, size: &str, backend: &str) {
    assert_accessible(browser, page).await;
    assert_fits(browser, page).await;
    browser
        .screenshot(&format!("web-{page}-{size}-{backend}"))
        .await;
}

on_both_backends!(
    a_shareholders_visit_on_a_phone_sized_viewport,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("visit").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
        let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
        for (holder, n) in [(&anna, 3), (&bram, 2)] {
            app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": n, "effective_date": "2024-02-01"})).await;
        }
        let r = app
            .client
            .put(app.url(&format!("/api/v1/tenants/{t}/document-settings")))
            .bearer_auth(&admin)
            .json(&json!({"holders_may_request_certificates": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        app.user_with_role(&t, &admin, "anna@visit.test", "shareholder", Some(&anna))
            .await;
        let backend = backend(&app);
        for (viewport, size) in [(Viewport::PHONE, "phone"), (Viewport::DESKTOP, "desktop")] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            sign_in_through_the_form(&app, &browser, "anna@visit.test").await;
            browser.find("a[href='/c/visit/me']").await.click().await;
            wait_for_url(&browser, "/c/visit/me").await;
            assert!(browser.page_source().await.contains("300,00 €"));
            check_page(&browser, "holder-me", size, &backend).await;

            // A current certificate, asked for and downloaded.
            browser
                .find("form[action='/c/visit/me/certificates'] button")
                .await
                .click()
                .await;
            wait_for_url(&browser, "asked=").await;
            let link = browser
                .find("ul.documents a[download]")
                .await
                .attribute("href")
                .await
                .unwrap();
            assert!(link.ends_with(".pdf"), "{link}");
            let pdf = browser
                .execute(&format!(
                    "return fetch('{link}').then(r => r.arrayBuffer()).then(b => \
                     String.fromCharCode(...new Uint8Array(b.slice(0, 5))))"
                ))
                .await;
            assert_eq!(pdf, json!("%PDF-"));
            check_page(&browser, "holder-asked", size, &backend).await;

            // The IBAN: a wrong one refused next to its field, then the right one.
            browser.goto(&app.url("/c/visit/me/contact")).await;
            check_page(&browser, "holder-contact", size, &backend).await;
            browser
                .execute("document.getElementById('iban').value = ''")
                .await;
            browser
                .find("#iban")
                .await
                .type_text("BE68 5390 0754 7000")
                .await;
            browser
                .find("form[action='/c/visit/me/contact'] button")
                .await
                .click()
                .await;
            let error = browser.find("#iban-error").await.text().await;
            assert!(error.contains("geen geldig IBAN"), "{error}");
            check_page(&browser, "holder-contact-refused", size, &backend).await;
            browser
                .execute("document.getElementById('iban').value = ''")
                .await;
            browser
                .find("#iban")
                .await
                .type_text("BE68 5390 0754 7034")
                .await;
            browser
                .find("form[action='/c/visit/me/contact'] button")
                .await
                .click()
                .await;
            let saved = browser.find("p.status.ok").await.text().await;
            assert!(saved.contains("opgeslagen"), "{saved}");

            browser.goto(&app.url("/c/visit/me/classes/A")).await;
            let html = browser.page_source().await;
            assert!(html.contains("Bram Maes"), "{html}");
            check_page(&browser, "holder-class-register", size, &backend).await;
        }
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["iban"], "BE68539007547034");
    }
);

on_both_backends!(
    a_certificate_batch_to_the_end_in_the_browser,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("reeks").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let mut entries = Vec::new();
        for i in 0..30 {
            let h = app
                .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
                .await;
            entries.push(json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2024-02-01"}));
        }
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({"entries": entries}),
        )
        .await;
        let backend = backend(&app);
        for (viewport, size) in [(Viewport::DESKTOP, "desktop"), (Viewport::PHONE, "phone")] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            sign_in_through_the_form(&app, &browser, "admin@reeks.test").await;
            browser.goto(&app.url("/c/reeks/certificates")).await;
            check_page(&browser, "certificates", size, &backend).await;
            // A number the register does not have: refused next to its field.
            browser.find("#scope-some").await.click().await;
            browser.find("#numbers").await.type_text("1, 99").await;
            browser
                .find("form[action='/c/reeks/certificate-batches'] button")
                .await
                .click()
                .await;
            let error = browser.find("#numbers-error").await.text().await;
            assert!(error.ends_with(": 99"), "{error}");
            check_page(&browser, "certificates-refused", size, &backend).await;
            browser.find("#scope-all").await.click().await;
            browser
                .find("form[action='/c/reeks/certificate-batches'] button")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/reeks/certificate-batches/").await;
            // The script moves the bar to the end and shows the ZIP without a reload.
            let mut value = json!(null);
            for _ in 0..300 {
                value = browser
                    .execute(
                        "const p = document.getElementById('batch-progress'); \
                         return [p.value, p.max, document.querySelector('p.zip').hidden]",
                    )
                    .await;
                if value == json!([30, 30, false]) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(value, json!([30, 30, false]), "the bar at the end");
            let status = browser.find("#batch-status").await.text().await;
            assert!(status.contains("Klaar"), "{status}");
            check_page(&browser, "batch-done", size, &backend).await;
            let zip = browser
                .find("p.zip a")
                .await
                .attribute("href")
                .await
                .unwrap();
            let answer = browser
                .execute(&format!(
                    "return fetch('{zip}').then(r => r.arrayBuffer().then(b => \
                     [r.status, r.headers.get('content-type'), \
                      String.fromCharCode(...new Uint8Array(b.slice(0, 2)))]))"
                ))
                .await;
            assert_eq!(answer, json!([200, "application/zip", "PK"]));
        }
    }
);
