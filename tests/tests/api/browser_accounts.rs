//! A forgotten password, reset in a real Chromium through the mail the SMTP sink received,
//! and the other account pages before a session (an e-mailed invitation, a spent link):
//! each scanned by axe-core, fitted to the window, and saved as a screenshot at desktop and
//! phone width.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{TestApp, on_both_backends};
use serde_json::json;

use crate::browser::{assert_accessible, assert_fits, wait_for_url};

const PUBLIC: &str = "http://dar.test";
const NEW_PASSWORD: &str = "a brand new password";

/// Checks the page in the browser and saves it as `web-<name>-<size>-<backend>`.
async fn look(app: &TestApp, browser: &Browser, name: &str) {
    assert_accessible(browser, name).await;
    assert_fits(browser, name).await;
    let size = if browser.viewport == Viewport::PHONE {
        "phone"
    } else {
        "desktop"
    };
    let backend = format!("{:?}", app.backend).to_lowercase();
    browser
        .screenshot(&format!("web-{name}-{size}-{backend}"))
        .await;
}

/// The link in the `n`-th mail to `email`, on the test app's own address.
async fn mailed_link(app: &TestApp, email: &str, n: usize, prefix: &str) -> String {
    let mails = app.smtp().wait_for(email, n).await;
    let link = mails[n - 1]
        .link(&format!("{PUBLIC}{prefix}"))
        .expect("a link in the mail");
    app.url(link.strip_prefix(PUBLIC).unwrap())
}

/// Waits (up to 10 s) until the browser is on the start page, where signing in ends.
async fn wait_for_start_page(app: &TestApp, browser: &Browser) {
    let start = app.url("/");
    for _ in 0..100 {
        if browser.current_url().await == start {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not on the start page: {}", browser.current_url().await);
}

on_both_backends!(
    a_forgotten_password_is_reset_in_the_browser_through_the_mailed_link,
    smtp,
    |app| async move {
        app.tenant_with_admin("walk-reset").await;
        let email = "admin@walk-reset.test";
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        browser.goto(&app.url("/language/nl?next=/sign-in")).await;
        browser
            .find("a[href='/password/forgot']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/password/forgot").await;
        look(&app, &browser, "forgot").await;
        browser.find("#email").await.type_text(email).await;
        browser
            .find("form[action='/password/forgot'] button")
            .await
            .click()
            .await;
        let sent = browser.find("p.status.ok").await.text().await;
        assert!(sent.starts_with("Als er een account is"), "{sent}");
        look(&app, &browser, "forgot-sent").await;

        let link = mailed_link(&app, email, 2, "/password/reset/").await;
        browser.goto(&link).await;
        browser
            .find("#password")
            .await
            .type_text(NEW_PASSWORD)
            .await;
        look(&app, &browser, "reset").await;
        browser
            .find("#repeat")
            .await
            .type_text("not the same")
            .await;
        browser.find("main form button").await.click().await;
        let refused = browser.find("#repeat-error").await.text().await;
        assert_eq!(refused, "De twee nieuwe wachtwoorden verschillen.");
        look(&app, &browser, "reset-refused").await;
        browser
            .find("#password")
            .await
            .type_text(NEW_PASSWORD)
            .await;
        browser.find("#repeat").await.type_text(NEW_PASSWORD).await;
        browser.find("main form button").await.click().await;
        wait_for_start_page(&app, &browser).await;
        assert!(
            browser.page_source().await.contains(email),
            "the header names the user"
        );
        app.login(email, NEW_PASSWORD).await;

        // The link is spent.
        browser.goto(&link).await;
        let heading = browser.find("main h1").await.text().await;
        assert_eq!(heading, "Deze link werkt niet meer");
        look(&app, &browser, "reset-gone").await;
    }
);

on_both_backends!(
    the_account_pages_are_accessible_at_desktop_and_phone_width,
    smtp,
    |app| async move {
        let t = app.create_tenant("walk-invite").await;
        app.post_ok(
            &format!("/api/v1/tenants/{t}/invitations"),
            &app.coordinator,
            &json!({"email": "invitee@walk-invite.test", "role": "admin"}),
        )
        .await;
        let link = mailed_link(&app, "invitee@walk-invite.test", 1, "/invitations/").await;
        for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            browser.goto(&app.url("/language/nl?next=/sign-in")).await;
            browser.goto(&link).await;
            browser.find("#repeat").await;
            look(&app, &browser, "invitation").await;
            browser.goto(&app.url("/password/forgot")).await;
            browser.find("#email").await;
            look(&app, &browser, "forgot").await;
            browser
                .goto(&app.url("/password/reset/not-a-link-anybody-was-sent"))
                .await;
            browser.find("main h1").await;
            look(&app, &browser, "reset-gone").await;
        }
        // Accepting in the browser signs in.
        let Some(browser) = Browser::start(Viewport::PHONE).await else {
            return;
        };
        browser.goto(&app.url("/language/nl?next=/sign-in")).await;
        browser.goto(&link).await;
        browser
            .find("#password")
            .await
            .type_text(dar_tests::PASSWORD)
            .await;
        browser
            .find("#repeat")
            .await
            .type_text(dar_tests::PASSWORD)
            .await;
        browser.find("main form button").await.click().await;
        wait_for_start_page(&app, &browser).await;
        browser.find("a[href='/c/walk-invite']").await;
    }
);
