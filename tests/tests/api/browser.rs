//! The pages `dar` serves, in a real headless Chromium (see `dar_tests::browser`).

use dar_tests::browser::{Browser, Viewport};
use dar_tests::{Backend, TestApp, on_both_backends};
use serde_json::json;

/// What the page reached for off its own origin, as `(requested, blocked)`: `requested`
/// are the resources the page fetched from elsewhere, `blocked` those the page's Content
/// Security Policy refused before any request left the browser (they still appear in the
/// resource timeline, with no response). data: URLs are no requests and blob: URLs belong
/// to the origin that made them.
async fn off_origin_resources(browser: &Browser) -> (Vec<String>, Vec<String>) {
    let found = browser
        .execute(
            "return new Promise(done => {
                const blocked = [];
                const keep = reports => blocked.push(...reports.map(r => r.body.blockedURL));
                const observer = new ReportingObserver(keep, {types: ['csp-violation'], buffered: true});
                observer.observe();
                // The buffered reports arrive in a task of their own.
                setTimeout(() => {
                    keep(observer.takeRecords());
                    observer.disconnect();
                    const elsewhere = performance.getEntriesByType('resource')
                        .map(entry => entry.name)
                        .filter(name => {
                            const url = new URL(name);
                            return url.protocol !== 'data:' && url.origin !== location.origin;
                        });
                    done([elsewhere.filter(name => !blocked.includes(name)), blocked]);
                }, 100);
            })",
        )
        .await;
    let list = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {found}"))
            .iter()
            .map(|name| name.as_str().expect("a URL").to_string())
            .collect()
    };
    (list(&found[0]), list(&found[1]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_renders_in_chromium_without_any_external_request() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite");
    let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
        return;
    };
    browser.goto(&app.url("/docs")).await;
    // Redoc renders after fetching the OpenAPI document: the title of the API appears
    // once it has read it.
    let title = browser.find("h1").await.text().await;
    assert!(title.starts_with("DAR"), "Redoc's title: {title:?}");
    let operations = browser.find_all("[data-section-id^='operation/']").await;
    assert!(
        operations.len() > 20,
        "Redoc shows {} operations",
        operations.len()
    );
    let loaded = browser
        .execute("return performance.getEntriesByType('resource').map(entry => entry.name)")
        .await;
    assert!(
        loaded
            .as_array()
            .expect("names")
            .contains(&json!(app.url("/api/v1/openapi.json"))),
        "the page did not load the OpenAPI document: {loaded}"
    );
    let (requested, blocked) = off_origin_resources(&browser).await;
    assert!(
        requested.is_empty(),
        "requests off this origin: {requested:?} (blocked by the CSP: {blocked:?})"
    );
    browser.screenshot("docs-desktop").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_screenshot_fails_the_test_and_the_browser_is_still_cleaned_up() {
    let (pid_sender, pid) = std::sync::mpsc::channel();
    let outcome = tokio::spawn(async move {
        let browser = Browser::start(Viewport::PHONE).await?;
        pid_sender.send(browser.driver_pid()).expect("send");
        browser.goto("about:blank").await;
        browser.screenshot("blank-page").await;
        Some(())
    })
    .await;
    let Ok(pid) = pid.try_recv() else {
        assert!(matches!(outcome, Ok(None)), "{outcome:?}");
        return;
    };
    let panic = outcome
        .expect_err("a blank screenshot must fail")
        .into_panic();
    let message = panic
        .downcast_ref::<String>()
        .expect("a panic message")
        .clone();
    assert!(message.contains("is blank"), "{message}");
    // chromedriver leads a process group of its own, which the browser's processes join.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let left = processes_in_group(pid);
        if left.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the browser outlived the test that panicked: processes {left:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_scan_reports_an_image_without_a_text_alternative() {
    let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
        return;
    };
    browser
        .goto(
            "data:text/html,<!doctype html><html lang=en><title>t</title><main><img src=x></main>",
        )
        .await;
    let violations = browser.axe_scan().await;
    let ids: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["image-alt"], "{violations:?}");
    assert_eq!(violations[0].impact.as_deref(), Some("critical"));
}

/// The processes (zombies included) whose process group is `group`.
fn processes_in_group(group: u32) -> Vec<u32> {
    let entries = std::fs::read_dir("/proc").expect("/proc");
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // /proc/<pid>/stat: "pid (command) state ppid pgrp ..."; the command may hold
            // spaces and parentheses, so count fields after the last ')'.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(2)?.parse::<u32>().ok())
                    == Some(group)
            })
        })
        .collect()
}

/// A cooperative with one holder of 4 shares and a certificate for them; returns its id.
async fn genuine_certificate(app: &TestApp, slug: &str) -> String {
    let (tenant, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&tenant, &admin, "A", "250.00", "approval")
        .await;
    let holder = app.create_person(&tenant, &admin, "Ada", "Peeters").await;
    app.post_entry_ok(
        &tenant,
        &admin,
        &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 4,
                "effective_date": "2026-03-05"}),
    )
    .await;
    app.post_ok(
        &format!("/api/v1/tenants/{tenant}/certificates"),
        &admin,
        &json!({"shareholder_id": holder}),
    )
    .await["id"]
        .as_str()
        .expect("certificate id")
        .to_string()
}

pub(crate) fn backend_name(app: &TestApp) -> &'static str {
    match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

on_both_backends!(
    the_verification_page_of_a_genuine_certificate_says_genuine_at_desktop_and_phone_width,
    |app| async move {
        let id = genuine_certificate(&app, "echt").await;
        for (viewport, width) in [(Viewport::DESKTOP, "desktop"), (Viewport::PHONE, "phone")] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            browser.goto(&app.url(&format!("/verify/{id}"))).await;
            let heading = browser.find("h1").await.text().await;
            assert!(
                heading.starts_with("Genuine certificate"),
                "heading at {width} width: {heading:?}"
            );
            let page = browser.find("body").await.text().await;
            for expected in [
                "The register still shows the holdings this certificate states.",
                "Coöperatie echt cv",
            ] {
                assert!(
                    page.contains(expected),
                    "the page at {width} width lacks {expected:?}:\n{page}"
                );
            }
            // Nothing is cut off at the right: the page fits the viewport's width.
            let overflow = browser
                .execute("return document.documentElement.scrollWidth - window.innerWidth")
                .await;
            assert_eq!(overflow, json!(0), "horizontal scrolling at {width} width");
            browser
                .screenshot(&format!("verify-genuine-{width}-{}", backend_name(&app)))
                .await;
        }
    }
);

on_both_backends!(
    the_verification_page_has_no_serious_or_critical_accessibility_violation,
    |app| async move {
        let id = genuine_certificate(&app, "toegankelijk").await;
        let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
            return;
        };
        for path in [
            format!("/verify/{id}"),
            format!("/verify/{}", uuid::Uuid::now_v7()),
        ] {
            browser.goto(&app.url(&path)).await;
            let violations = browser.axe_scan().await;
            assert!(
                violations.is_empty(),
                "{path}:\n{}",
                violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<String>()
            );
        }
    }
);

/// Signs in through the real form of the sign-in page, in Dutch (Chromium itself asks for
/// English).
pub(crate) async fn sign_in_through_the_form(app: &TestApp, browser: &Browser, email: &str) {
    browser.goto(&app.url("/language/nl?next=/sign-in")).await;
    browser.find("#email").await.type_text(email).await;
    browser
        .find("#password")
        .await
        .type_text(dar_tests::PASSWORD)
        .await;
    browser
        .find("form[action='/sign-in'] button")
        .await
        .click()
        .await;
    // Signing in ends on the start page; until then the sign-in page is still there.
    let start = app.url("/");
    for _ in 0..100 {
        if browser.current_url().await == start {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "not on the start page after signing in: {}",
        browser.current_url().await
    );
}

/// Waits (up to 10 s) until the browser has navigated to a URL containing `part`.
pub(crate) async fn wait_for_url(browser: &Browser, part: &str) {
    for _ in 0..100 {
        if browser.current_url().await.contains(part) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "never reached a URL with {part:?}: {}",
        browser.current_url().await
    );
}

/// Fails when the current page is wider than the window: nothing may run sideways off a
/// phone's screen (a wide table scrolls inside its own region instead).
pub(crate) async fn assert_fits(browser: &Browser, page: &str) {
    let overflow = browser
        .execute("return document.documentElement.scrollWidth > window.innerWidth")
        .await;
    if overflow == json!(true) {
        // Name what sticks out, innermost first, so the failure says what to fix.
        let culprits = browser
            .execute(
                "return [...document.querySelectorAll('body *')]\
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)\
                   .slice(-5).map(e => e.outerHTML.slice(0, 160))",
            )
            .await;
        panic!("{page} is wider than the window: {culprits}");
    }
}

/// Fails with every serious or critical axe finding of the current page.
pub(crate) async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = browser.axe_scan().await;
    assert!(
        violations.is_empty(),
        "{page}: {}",
        violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

on_both_backends!(
    an_administrator_walks_the_register_pages_in_the_browser,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("browse").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
        app.create_person(&t, &admin, "Bram", "<b>Maes</b>").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 12, "effective_date": "2024-02-01"})).await;
        let backend = format!("{:?}", app.backend).to_lowercase();
        for viewport in [Viewport::DESKTOP, Viewport::PHONE] {
            let Some(browser) = Browser::start(viewport).await else {
                return;
            };
            let size = if viewport == Viewport::PHONE {
                "phone"
            } else {
                "desktop"
            };
            sign_in_through_the_form(&app, &browser, "admin@browse.test").await;
            browser.find("a[href='/c/browse']").await.click().await;
            wait_for_url(&browser, "/c/browse").await;
            let overview = browser.page_source().await;
            assert!(overview.contains("1.200,00 €"), "{overview}");
            assert_accessible(&browser, "overview").await;
            assert_fits(&browser, "overview").await;
            browser
                .screenshot(&format!("web-overview-{size}-{backend}"))
                .await;

            browser
                .find("nav.sections a[href='/c/browse/shareholders']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/browse/shareholders").await;
            browser.find("#q").await.type_text("maes").await;
            browser.find("form.search button").await.click().await;
            wait_for_url(&browser, "q=maes").await;
            let rows = browser.find_all("tbody tr").await;
            assert_eq!(rows.len(), 1, "one holder found");
            assert_eq!(
                browser.find("tbody a").await.text().await,
                "<b>Maes</b>, Bram"
            );
            assert_accessible(&browser, "shareholders").await;
            assert_fits(&browser, "shareholders").await;
            browser
                .screenshot(&format!("web-shareholders-{size}-{backend}"))
                .await;

            browser
                .goto(&app.url(&format!("/c/browse/shareholders/{anna}")))
                .await;
            browser.find("#holdings").await;
            assert_accessible(&browser, "shareholder").await;
            assert_fits(&browser, "shareholder").await;
            browser
                .screenshot(&format!("web-shareholder-{size}-{backend}"))
                .await;

            browser
                .find("nav.sections a[href='/c/browse/register']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/browse/register").await;
            browser.find("#as_of").await;
            assert!(browser.page_source().await.contains("Janssens, Anna (1)"));
            assert_accessible(&browser, "register").await;
            assert_fits(&browser, "register").await;
            browser
                .screenshot(&format!("web-register-{size}-{backend}"))
                .await;

            browser
                .find("nav.sections a[href='/c/browse/ledger']")
                .await
                .click()
                .await;
            wait_for_url(&browser, "/c/browse/ledger").await;
            browser.find("#from").await;
            assert_accessible(&browser, "ledger").await;
            assert_fits(&browser, "ledger").await;
            browser
                .screenshot(&format!("web-ledger-{size}-{backend}"))
                .await;

            browser.goto(&app.url("/account/password")).await;
            browser.find("#current").await;
            assert_accessible(&browser, "change password").await;
            assert_fits(&browser, "change password").await;
            browser
                .screenshot(&format!("web-password-{size}-{backend}"))
                .await;

            // Nothing runs sideways off a phone's screen.
            let overflow = browser
                .execute("return document.documentElement.scrollWidth > window.innerWidth")
                .await;
            assert_eq!(overflow, json!(false), "horizontal scrolling on {size}");
        }
    }
);

on_both_backends!(
    a_shareholder_checks_their_shares_on_a_phone,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("phone").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 3, "effective_date": "2024-02-01"})).await;
        app.post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": anna}),
        )
        .await;
        app.user_with_role(&t, &admin, "anna@phone.test", "shareholder", Some(&anna))
            .await;
        let Some(browser) = Browser::start(Viewport::PHONE).await else {
            return;
        };
        sign_in_through_the_form(&app, &browser, "anna@phone.test").await;
        browser.find("a[href='/c/phone/me']").await.click().await;
        wait_for_url(&browser, "/c/phone/me").await;
        let page = browser.page_source().await;
        assert!(page.contains("300,00 €"), "{page}");
        let link = browser
            .find("ul.documents a")
            .await
            .attribute("href")
            .await
            .unwrap();
        assert!(link.ends_with(".pdf"), "{link}");
        assert_accessible(&browser, "my page").await;
        assert_fits(&browser, "my page").await;
        let backend = format!("{:?}", app.backend).to_lowercase();
        browser.screenshot(&format!("web-me-phone-{backend}")).await;
        let overflow = browser
            .execute("return document.documentElement.scrollWidth > window.innerWidth")
            .await;
        assert_eq!(overflow, json!(false), "horizontal scrolling on a phone");
        // The sign-in page in all three languages.
        for (lang, words) in [
            ("nl", "Aanmelden"),
            ("fr", "Se connecter"),
            ("en", "Sign in"),
        ] {
            browser
                .goto(&app.url(&format!("/language/{lang}?next=/sign-in")))
                .await;
            let h1 = browser.find("main h1").await.text().await;
            let page = browser.page_source().await;
            assert!(page.contains(words) || h1.contains(words), "{lang}: {h1}");
        }
    }
);
