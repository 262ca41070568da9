//! Importing a register in Chromium: a file chosen in the upload form, the dry run's
//! report with its problem, a column mapped, the report clean, and the commit followed by
//! its progress bar. Every page on the way is scanned for accessibility, must fit the
//! window, and is photographed.

use dar_tests::browser::{Browser, Viewport};
use dar_tests::on_both_backends;

use crate::browser::{assert_accessible, assert_fits, sign_in_through_the_form, wait_for_url};

async fn look(browser: &Browser, name: &str, backend: &str) {
    assert_accessible(browser, name).await;
    assert_fits(browser, name).await;
    browser.screenshot(&format!("web-{name}-{backend}")).await;
}

async fn wait_for_text(browser: &Browser, text: &str) {
    for _ in 0..300 {
        if browser.page_source().await.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never showed {text:?}: {}", browser.page_source().await);
}

on_both_backends!(
    an_administrator_imports_a_register_in_the_browser,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("imp").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let backend = format!("{:?}", app.backend).to_lowercase();
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        let file =
            std::env::temp_dir().join(format!("dar-leden-{backend}-{}.csv", std::process::id()));
        std::fs::write(
            &file,
            "Ledenlijst De Korenbloem;;;;\nNr;Voornaam;Naam;Deelbewijzen;Volstort\n\
             7;Ines;Claes;3;300,00\n8;Omar;Aerts;2;100,00\n9;Lotte;Maes;1;100,00\n",
        )
        .unwrap();
        sign_in_through_the_form(&app, &browser, "admin@imp.test").await;
        browser.goto(&app.url("/c/imp")).await;
        browser.find("a[href='/c/imp/imports']").await.click().await;
        wait_for_url(&browser, "/c/imp/imports").await;
        look(&browser, "import-upload", &backend).await;
        browser
            .find("#file")
            .await
            .type_text(&file.display().to_string())
            .await;
        browser
            .find("#effective_date")
            .await
            .type_text("31/12/2025")
            .await;
        browser
            .find("main form button[type='submit']")
            .await
            .click()
            .await;
        wait_for_text(&browser, "Te verbeteren voor de import").await;
        // The column DAR does not know: no shares would be issued, and no commit button.
        assert!(
            !browser
                .page_source()
                .await
                .contains("Importeren in het register")
        );
        look(&browser, "import-report", &backend).await;

        browser
            .execute("document.getElementById('column-3').value = 'shares';")
            .await;
        browser
            .find("form[action$='/check'] button[type='submit']")
            .await
            .click()
            .await;
        wait_for_text(&browser, "Geen problemen gevonden").await;
        look(&browser, "import-clean", &backend).await;
        browser
            .find("form[action$='/commit'] button[type='submit']")
            .await
            .click()
            .await;
        wait_for_text(&browser, "Het register bekijken").await;
        // The script shows the link once the commit is done.
        for _ in 0..300 {
            let shown = browser
                .execute("return !document.querySelector('.zip').hidden;")
                .await;
            if shown == serde_json::Value::Bool(true) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        look(&browser, "import-committed", &backend).await;
        browser.find(".zip a").await.click().await;
        wait_for_url(&browser, "/c/imp/register").await;
        let register = browser.page_source().await;
        assert!(register.contains("Claes"), "{register}");
        assert!(register.contains("Maes"), "{register}");
        let _ = std::fs::remove_file(&file);
    }
);

on_both_backends!(an_import_report_fits_a_phone, |app| async move {
    let (t, admin) = app.tenant_with_admin("imp-phone").await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let backend = format!("{:?}", app.backend).to_lowercase();
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    let file = std::env::temp_dir().join(format!("dar-phone-{backend}-{}.csv", std::process::id()));
    std::fs::write(
        &file,
        "Nr;Naam;Aandelen;IBAN\n1;Claes;3;BE68 5390 0754 7034\n2;Aerts;2;BE00 1234\n",
    )
    .unwrap();
    sign_in_through_the_form(&app, &browser, "admin@imp-phone.test").await;
    browser.goto(&app.url("/c/imp-phone/imports")).await;
    look(&browser, "import-upload-phone", &backend).await;
    browser
        .find("#file")
        .await
        .type_text(&file.display().to_string())
        .await;
    browser
        .find("#effective_date")
        .await
        .type_text("31/12/2025")
        .await;
    browser
        .find("main form button[type='submit']")
        .await
        .click()
        .await;
    wait_for_text(&browser, "Te verbeteren voor de import").await;
    assert!(browser.page_source().await.contains("IBAN"));
    look(&browser, "import-report-phone", &backend).await;
    let _ = std::fs::remove_file(&file);
});
