//! The coordinator onboards a cooperative in Chromium, and its first administrator accepts
//! the invitation from the e-mail a real SMTP server received, then finds the cooperative.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{COORDINATOR_EMAIL, PASSWORD, on_both_backends};

use crate::browser::{assert_accessible, assert_fits, sign_in_through_the_form, wait_for_url};

async fn look(browser: &Browser, name: &str, backend: &str) {
    assert_accessible(browser, name).await;
    assert_fits(browser, name).await;
    browser.screenshot(&format!("web-{name}-{backend}")).await;
}

on_both_backends!(
    the_coordinator_onboards_a_cooperative_whose_administrator_accepts_the_emailed_invitation,
    smtp,
    |app| async move {
        let backend = format!("{:?}", app.backend).to_lowercase();
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        sign_in_through_the_form(&app, &browser, COORDINATOR_EMAIL).await;
        browser
            .find("a[href='/cooperatives/new']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/cooperatives/new").await;
        look(&browser, "new-cooperative", &backend).await;
        for (id, value) in [
            ("legal_name", "Zonnedak Gent cv"),
            ("enterprise_number", "0403.170.701"),
            ("slug", "zonnedak"),
            ("street", "Korenmarkt 1"),
            ("postal_code", "9000"),
            ("city", "Gent"),
            ("admin_email", "voorzitter@zonnedak.test"),
        ] {
            browser.find(&format!("#{id}")).await.type_text(value).await;
        }
        browser
            .find("main form button[type='submit']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/cooperatives/zonnedak?done=created").await;
        let page = browser.page_source().await;
        assert!(page.contains("voorzitter@zonnedak.test"), "{page}");
        look(&browser, "cooperative-created", &backend).await;

        // The administrator follows the link in the mail, in a browser of their own.
        let mails = app.smtp().wait_for("voorzitter@zonnedak.test", 1).await;
        let link = mails[0]
            .link("http://dar.test/invitations/")
            .expect("an invitation link in the mail");
        drop(browser);
        let Some(admin) = Browser::start(Viewport::PHONE).await else {
            return;
        };
        admin
            .goto(&app.url(link.strip_prefix("http://dar.test").unwrap()))
            .await;
        admin.find("#password").await.type_text(PASSWORD).await;
        admin.find("#repeat").await.type_text(PASSWORD).await;
        look(&admin, "accept-invitation-phone", &backend).await;
        admin
            .find("main form button[type='submit']")
            .await
            .click()
            .await;
        let start = app.url("/");
        for _ in 0..100 {
            if admin.current_url().await == start {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(admin.current_url().await, start, "accepting signs in");
        admin.find("a[href='/c/zonnedak']").await.click().await;
        wait_for_url(&admin, "/c/zonnedak").await;
        let overview = admin.page_source().await;
        assert!(overview.contains("Zonnedak Gent cv"), "{overview}");
        admin.goto(&app.url("/c/zonnedak/users")).await;
        admin.find("#email").await;
        assert!(
            admin
                .page_source()
                .await
                .contains("voorzitter@zonnedak.test")
        );
        look(&admin, "users-phone", &backend).await;
    }
);
