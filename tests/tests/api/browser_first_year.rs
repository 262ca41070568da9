//! An administrator's first year, clicked through in Chromium: shareholders added, shares
//! issued and transferred, an overdraw refused next to its field, a reversal, and the
//! register on two dates. Every page on the way is scanned for accessibility, must fit the
//! window, and is photographed.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{TestApp, on_both_backends};

use crate::browser::{assert_accessible, assert_fits, sign_in_through_the_form, wait_for_url};

/// Checks and photographs the page the browser is on.
async fn look(browser: &Browser, name: &str, backend: &str) {
    assert_accessible(browser, name).await;
    assert_fits(browser, name).await;
    browser.screenshot(&format!("web-{name}-{backend}")).await;
}

/// Fills the fields (by id) of the page's form, then presses its first submit button.
async fn fill_and_submit(browser: &Browser, fields: &[(&str, &str)]) {
    for (id, value) in fields {
        browser.find(&format!("#{id}")).await.type_text(value).await;
    }
    browser
        .find("main form button[type='submit']")
        .await
        .click()
        .await;
}

async fn add_holder(app: &TestApp, browser: &Browser, first: &str, last: &str) {
    browser.goto(&app.url("/c/year")).await;
    browser
        .find("a[href='/c/year/shareholders/new']")
        .await
        .click()
        .await;
    wait_for_url(browser, "/shareholders/new").await;
    fill_and_submit(
        browser,
        &[
            ("first_name", first),
            ("last_name", last),
            ("street", "Markt 1"),
            ("postal_code", "9000"),
            ("city", "Gent"),
            ("admission_date", "15/01/2024"),
        ],
    )
    .await;
    wait_for_url(browser, "?added=1").await;
}

/// The rows of the register page as of `as_of` (today when empty), as text.
async fn register_rows(app: &TestApp, browser: &Browser, as_of: &str) -> Vec<String> {
    let path = if as_of.is_empty() {
        "/c/year/register".to_string()
    } else {
        format!("/c/year/register?as_of={as_of}")
    };
    browser.goto(&app.url(&path)).await;
    browser.find("#as_of").await;
    let mut rows = Vec::new();
    for row in browser.find_all("tbody tr").await {
        rows.push(row.text().await);
    }
    rows
}

/// Waits until the page shows `text` (a form post lands on a new page).
async fn wait_for_text(browser: &Browser, text: &str) {
    for _ in 0..100 {
        if browser.page_source().await.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never showed {text:?}: {}", browser.page_source().await);
}

on_both_backends!(
    an_administrators_first_year_in_the_browser,
    |app| async move {
        app.tenant_with_admin("year").await;
        let backend = format!("{:?}", app.backend).to_lowercase();
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        sign_in_through_the_form(&app, &browser, "admin@year.test").await;

        // The cooperative's first class.
        browser.goto(&app.url("/c/year")).await;
        browser
            .find("a[href='/c/year/classes']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/c/year/classes").await;
        fill_and_submit(
            &browser,
            &[
                ("code", "A"),
                ("name", "Gewone aandelen"),
                ("nominal_value", "250,00"),
            ],
        )
        .await;
        wait_for_url(&browser, "?added=1").await;
        assert!(browser.page_source().await.contains("250,00 €"));
        look(&browser, "classes", &backend).await;

        browser.goto(&app.url("/c/year/shareholders/new")).await;
        look(&browser, "add-shareholder", &backend).await;
        add_holder(&app, &browser, "Anna", "Janssens").await;
        look(&browser, "shareholder-added", &backend).await;
        add_holder(&app, &browser, "Bert", "Peeters").await;

        // Anna subscribes ten shares, from her own page.
        browser.goto(&app.url("/c/year/shareholders")).await;
        browser.find("tbody a").await.click().await;
        wait_for_url(&browser, "/c/year/shareholders/").await;
        browser
            .find("a[href='/c/year/entries/new?to=1']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/entries/new").await;
        look(&browser, "choose-entry", &backend).await;
        browser
            .find("a[href='/c/year/entries/new/issue?to=1']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "/entries/new/issue").await;
        assert_eq!(
            browser
                .find("#to")
                .await
                .attribute("value")
                .await
                .as_deref(),
            Some("1")
        );
        look(&browser, "issue-form", &backend).await;
        fill_and_submit(
            &browser,
            &[("quantity", "10"), ("effective_date", "01/02/2024")],
        )
        .await;
        wait_for_text(&browser, "Na deze boeking heeft Janssens, Anna (1)").await;
        assert!(browser.page_source().await.contains("2.500,00 €"));
        look(&browser, "issue-preview", &backend).await;
        browser
            .find("button[name='step'][value='post']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "?posted=1").await;
        look(&browser, "entry-posted", &backend).await;

        // She transfers three to Bert in June.
        let transfer = [
            ("from", "1"),
            ("to", "2"),
            ("quantity", "3"),
            ("effective_date", "01/06/2024"),
        ];
        browser.goto(&app.url("/c/year/entries/new/transfer")).await;
        fill_and_submit(&browser, &transfer).await;
        wait_for_text(&browser, "Na deze boeking heeft Peeters, Bert (2)").await;
        browser
            .find("button[name='step'][value='post']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "?posted=1").await;
        let transfer_page = browser.current_url().await;

        // The register on two dates: in March Anna holds all ten, today Bert holds three.
        let march = register_rows(&app, &browser, "2024-03-01").await;
        assert!(
            march
                .iter()
                .any(|r| r.contains("Janssens, Anna (1)") && r.contains("10")),
            "{march:?}"
        );
        assert!(
            !march.iter().any(|r| r.contains("Peeters, Bert (2)")),
            "{march:?}"
        );
        let today = register_rows(&app, &browser, "").await;
        assert!(
            today
                .iter()
                .any(|r| r.contains("Janssens, Anna (1)") && r.contains('7')),
            "{today:?}"
        );
        assert!(
            today
                .iter()
                .any(|r| r.contains("Peeters, Bert (2)") && r.contains('3')),
            "{today:?}"
        );
        look(&browser, "register-today", &backend).await;

        // Twenty more is more than she has: refused at the quantity, nothing posted.
        browser.goto(&app.url("/c/year/entries/new/transfer")).await;
        fill_and_submit(
            &browser,
            &[
                ("from", "1"),
                ("to", "2"),
                ("quantity", "20"),
                ("effective_date", "01/07/2024"),
            ],
        )
        .await;
        wait_for_text(&browser, "quantity-error").await;
        let error = browser.find("#quantity-error").await.text().await;
        assert!(
            error.contains("Janssens, Anna (1) heeft op 01/07/2024 maar 7 aandelen van klasse A"),
            "{error}"
        );
        assert_eq!(
            browser
                .find("#quantity")
                .await
                .attribute("aria-invalid")
                .await
                .as_deref(),
            Some("true")
        );
        look(&browser, "entry-refused", &backend).await;

        // The June transfer was a mistake: reversed from its own page.
        browser.goto(&transfer_page).await;
        browser.find("a[href$='/reverse']").await.click().await;
        wait_for_url(&browser, "/reverse").await;
        look(&browser, "reversal-form", &backend).await;
        fill_and_submit(&browser, &[("reason", "Verkeerd ingevoerd")]).await;
        wait_for_text(&browser, "Na deze boeking heeft").await;
        browser
            .find("button[name='step'][value='post']")
            .await
            .click()
            .await;
        wait_for_url(&browser, "?posted=1").await;
        assert!(browser.page_source().await.contains("Verkeerd ingevoerd"));

        // Today the reversal has undone the transfer.
        let rows = register_rows(&app, &browser, "").await;
        assert!(
            rows.iter()
                .any(|r| r.contains("Janssens, Anna (1)") && r.contains("10")),
            "{rows:?}"
        );
        assert!(
            !rows.iter().any(|r| r.contains("Peeters, Bert (2)")),
            "{rows:?}"
        );
        look(&browser, "register-after-year", &backend).await;

        // Anna's account number, added from her page; the page then lists both versions.
        browser.goto(&app.url("/c/year/shareholders")).await;
        browser.find("tbody a").await.click().await;
        wait_for_url(&browser, "/c/year/shareholders/").await;
        let anna_page = browser.current_url().await;
        browser.find("main a[href$='/edit']").await.click().await;
        wait_for_url(&browser, "/edit").await;
        look(&browser, "edit-shareholder", &backend).await;
        fill_and_submit(&browser, &[("iban", "BE68 5390 0754 7035")]).await;
        wait_for_text(&browser, "iban-error").await;
        look(&browser, "edit-shareholder-refused", &backend).await;
        browser.goto(&format!("{anna_page}/edit")).await;
        fill_and_submit(&browser, &[("iban", "BE68 5390 0754 7034")]).await;
        wait_for_url(&browser, "?updated=1").await;
        assert!(browser.page_source().await.contains("BE68539007547034"));
        look(&browser, "shareholder-updated", &backend).await;

        // The forms on a phone.
        let anna_edit = format!("{}/edit", anna_page.trim_start_matches(&app.url("")));
        drop(browser);
        let Some(phone) = Browser::start(Viewport::PHONE).await else {
            return;
        };
        sign_in_through_the_form(&app, &phone, "admin@year.test").await;
        for (path, name) in [
            ("/c/year/entries/new/issue", "issue-form-phone"),
            ("/c/year/shareholders/new", "add-shareholder-phone"),
            (anna_edit.as_str(), "edit-shareholder-phone"),
        ] {
            phone.goto(&app.url(path)).await;
            phone.find("main form").await;
            look(&phone, name, &backend).await;
        }
    }
);
