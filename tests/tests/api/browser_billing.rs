//! The billing pages in a real Chromium at desktop and phone width: scanned for
//! accessibility, checked to fit the window, photographed.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{COORDINATOR_EMAIL, TestApp, on_both_backends};

use crate::billing::{one_invoice, year};
use crate::browser::{assert_accessible, assert_fits, backend_name, sign_in_through_the_form};

async fn check(browser: &Browser, app: &TestApp, path: &str, name: &str) {
    browser.goto(&app.url(path)).await;
    assert_accessible(browser, name).await;
    assert_fits(browser, name).await;
    let size = if browser.viewport == Viewport::PHONE {
        "phone"
    } else {
        "desktop"
    };
    browser
        .screenshot(&format!("billing-{name}-{size}-{}", backend_name(app)))
        .await;
}

on_both_backends!(
    the_billing_pages_are_accessible_and_fit_a_phone,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "scherm").await;
        for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            sign_in_through_the_form(&app, &browser, COORDINATOR_EMAIL).await;
            check(&browser, &app, "/billing", "invoices").await;
            check(
                &browser,
                &app,
                &format!("/billing/run?year={}", year()),
                "run",
            )
            .await;
            check(
                &browser,
                &app,
                &format!("/billing/invoices/{invoice}"),
                "invoice",
            )
            .await;
            check(&browser, &app, "/billing/plans", "plans").await;
            check(&browser, &app, "/billing/profiles/scherm", "profile").await;
            check(&browser, &app, "/billing/identity", "identity").await;
            check(&browser, &app, "/billing/statements", "statements").await;
            check(
                &browser,
                &app,
                &format!("/billing/usage?year={}", year()),
                "usage",
            )
            .await;
        }
    }
);
