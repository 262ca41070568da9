//! The helpdesk's, the settings' and the audit log's pages in a real Chromium: a support
//! session walked until it expires, the administrator's new pages scanned for accessibility
//! and photographed at desktop and phone width, and one page in Dutch, French and English.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{TestApp, on_both_backends};

use crate::browser::{
    assert_accessible, assert_fits, backend_name, sign_in_through_the_form, wait_for_url,
};
use crate::web::cooperative;
use crate::web_support::{helpdesk, run_sql};

fn size(viewport: Viewport) -> &'static str {
    if viewport == Viewport::PHONE {
        "phone"
    } else {
        "desktop"
    }
}

/// Checks the page in the browser now: no serious accessibility finding, nothing wider
/// than the window, and a screenshot that is not blank.
async fn check(browser: &Browser, app: &TestApp, page: &str) {
    assert_accessible(browser, page).await;
    assert_fits(browser, page).await;
    browser
        .screenshot(&format!(
            "web-{page}-{}-{}",
            size(browser.viewport),
            backend_name(app)
        ))
        .await;
}

on_both_backends!(
    a_helpdesk_session_that_expires_in_the_browser,
    |app| async move {
        cooperative(&app, "hd-browse", "Janssens").await;
        helpdesk(&app, "agent@browse.test").await;
        for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            sign_in_through_the_form(&app, &browser, "agent@browse.test").await;
            check(&browser, &app, "helpdesk-cooperatives").await;
            browser
                .find("a[href='/c/hd-browse/support/new']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/hd-browse/support/new").await;
            check(&browser, &app, "helpdesk-open-session").await;
            browser
                .find("#reason")
                .await
                .type_text("vraag over de import")
                .await;
            browser.find("#ticket").await.type_text("HD-31").await;
            browser.find("main form button").await.click().await;
            for _ in 0..100 {
                if browser.current_url().await.ends_with("/c/hd-browse") {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            let banner = browser.find(".banner").await.text().await;
            assert!(
                banner.contains("vraag over de import")
                    && banner.contains("HD-31")
                    && banner.contains("minuten over"),
                "{banner}"
            );
            check(&browser, &app, "helpdesk-overview").await;
            browser
                .find("nav.sections a[href='/c/hd-browse/shareholders']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/hd-browse/shareholders").await;
            assert!(browser.find(".banner").await.text().await.contains("HD-31"));
            // The session's time runs out.
            run_sql(
                &app,
                "UPDATE support_sessions SET opened_at = '2020-01-01 08:00:00', \
                 expires_at = '2020-01-01 09:00:00'"
                    .into(),
            )
            .await;
            browser
                .find("nav.sections a[href='/c/hd-browse/register']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "ended=1").await;
            let note = browser.find("main p.status").await.text().await;
            assert!(note.contains("geen open ondersteuningssessie"), "{note}");
            assert!(!browser.page_source().await.contains("Janssens"));
            check(&browser, &app, "helpdesk-session-ended").await;
            // A new session, closed with the banner's button.
            browser
                .find("#reason")
                .await
                .type_text("nog een vraag")
                .await;
            browser.find("#ticket").await.type_text("HD-32").await;
            browser.find("main form button").await.click().await;
            browser
                .find(".banner form.close-session button")
                .await
                .click()
                .await;
            wait_for_url(&browser, "closed=1").await;
            assert!(
                browser
                    .find("main p.status")
                    .await
                    .text()
                    .await
                    .contains("gesloten")
            );
        }
    }
);

on_both_backends!(
    the_administrators_settings_audit_and_support_pages_in_the_browser,
    |app| async move {
        cooperative(&app, "adm-browse", "Janssens").await;
        helpdesk(&app, "visitor@browse.test").await;
        let mut hd = crate::web::Browser::new(&app);
        hd.sign_in("visitor@browse.test", dar_tests::PASSWORD).await;
        let form = hd
            .get("/c/adm-browse/support/new")
            .await
            .text()
            .await
            .unwrap();
        let csrf = crate::web::csrf_field(&form);
        hd.post(
            "/c/adm-browse/support/new",
            &[
                ("csrf", &csrf),
                ("reason", "controle"),
                ("ticket", "HD-9"),
                ("minutes", "60"),
            ],
        )
        .await;
        hd.get("/c/adm-browse/register").await;
        for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            sign_in_through_the_form(&app, &browser, "admin@adm-browse.test").await;
            browser.goto(&app.url("/c/adm-browse")).await;
            browser
                .find("nav.sections a[href='/c/adm-browse/settings']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/adm-browse/settings").await;
            check(&browser, &app, "settings").await;
            // A refused value, shown at its field.
            let postal = browser.find("#postal_code").await;
            postal.type_text("0").await;
            browser
                .find("form[action='/c/adm-browse/settings'] button")
                .await
                .click()
                .await;
            let error = browser.find("#postal_code-error").await.text().await;
            assert!(error.contains("postcode"), "{error}");
            check(&browser, &app, "settings-refused").await;

            browser
                .find("nav.sections a[href='/c/adm-browse/audit']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/adm-browse/audit").await;
            assert!(browser.page_source().await.contains("in sessie HD-9"));
            check(&browser, &app, "audit").await;
            browser.find("#from").await.type_text("32/01/2025").await;
            browser.find("form.filters button").await.click().await;
            browser.find("#from-error").await;
            check(&browser, &app, "audit-refused").await;

            browser
                .find("nav.sections a[href='/c/adm-browse/support']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/adm-browse/support").await;
            assert!(browser.page_source().await.contains("HD-9"));
            check(&browser, &app, "support-sessions").await;
        }
    }
);

on_both_backends!(
    the_same_page_in_dutch_french_and_english,
    |app| async move {
        cooperative(&app, "talen", "Janssens").await;
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        sign_in_through_the_form(&app, &browser, "admin@talen.test").await;
        browser.goto(&app.url("/c/talen/settings")).await;
        for (lang, title, warning) in [
            ("nl", "Instellingen", "kan niet heropend worden"),
            ("fr", "Paramètres", "ne peut pas être rouverte"),
            ("en", "Settings", "cannot be reopened"),
        ] {
            // The header's language switch, as a person would use it.
            if lang != "nl" {
                browser
                    .find(&format!("nav.tools a[hreflang='{lang}']"))
                    .await
                    .click()
                    .await;
            }
            for _ in 0..100 {
                let html = browser.find("html").await.attribute("lang").await;
                if html.as_deref() == Some(lang) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(browser.find("main h1").await.text().await, title);
            assert!(browser.page_source().await.contains(warning), "{lang}");
            assert_accessible(&browser, &format!("settings in {lang}")).await;
            browser
                .screenshot(&format!("web-settings-{lang}-{}", backend_name(&app)))
                .await;
        }
    }
);
