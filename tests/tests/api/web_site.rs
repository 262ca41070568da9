//! Site-wide pages: the public certificate check in the reader's language, and the page
//! for an address that leads nowhere (while the API keeps its problem documents).

use dar_tests::{TestApp, expect_problem, on_both_backends};
use serde_json::json;

/// A cooperative with a holder and a certificate; returns the certificate's id.
pub(crate) async fn certificate(app: &TestApp, slug: &str) -> String {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "250.00", "free").await;
    let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 4, "effective_date": "2024-03-05"})).await;
    app.post_ok(
        &format!("/api/v1/tenants/{t}/certificates"),
        &admin,
        &json!({"shareholder_id": holder}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn html(app: &TestApp, path: &str, language: Option<&str>) -> (u16, String, String) {
    let mut request = app.client.get(app.url(path)).header("accept", "text/html");
    if let Some(l) = language {
        request = request.header("accept-language", l);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    (status, content_type, r.text().await.unwrap())
}

on_both_backends!(
    the_certificate_check_speaks_dutch_french_and_english,
    |app| async move {
        let id = certificate(&app, "check-lang").await;
        let path = format!("/verify/{id}");
        for (language, lang, words) in [
            (None, "nl", "Echt bewijs van deelneming"),
            (Some("fr-BE,fr;q=0.9"), "fr", "Certificat authentique"),
            (Some("en-GB"), "en", "Genuine certificate"),
        ] {
            let (status, content_type, page) = html(&app, &path, language).await;
            assert_eq!(status, 200);
            assert!(content_type.starts_with("text/html"), "{content_type}");
            assert!(page.contains(&format!(r#"<html lang="{lang}">"#)), "{page}");
            assert!(page.contains(words), "{lang}: {page}");
            assert!(page.contains("Coöperatie check-lang cv"), "{page}");
            assert!(!page.contains("Peeters"), "no personal data: {page}");
            assert!(
                page.contains("/assets/dar-1.css"),
                "the site's frame: {page}"
            );
        }
        // The language chosen on the site wins over the browser's.
        let r = app
            .client
            .get(app.url(&path))
            .header("accept", "text/html")
            .header("accept-language", "en")
            .header("cookie", "dar_lang=fr")
            .send()
            .await
            .unwrap();
        assert!(r.text().await.unwrap().contains("Certificat authentique"));
        let (_, _, unknown) = html(
            &app,
            &format!("/verify/{}", uuid::Uuid::now_v7()),
            Some("en"),
        )
        .await;
        assert!(unknown.contains("Unknown certificate"), "{unknown}");
    }
);

on_both_backends!(
    an_unknown_address_is_a_page_and_an_unknown_api_path_a_problem,
    |app| async move {
        for (language, lang, words) in [
            (None, "nl", "Niet gevonden"),
            (Some("fr"), "fr", "Introuvable"),
            (Some("en"), "en", "Not found"),
        ] {
            for path in ["/nope", "/c/nobody/nothing/here"] {
                let (status, content_type, page) = html(&app, path, language).await;
                assert_eq!(status, 404, "{path}");
                assert!(
                    content_type.starts_with("text/html"),
                    "{path}: {content_type}"
                );
                assert!(
                    page.contains(&format!(r#"<html lang="{lang}">"#)) && page.contains(words),
                    "{path}: {page}"
                );
            }
        }
        let r = app
            .client
            .get(app.url("/api/v1/nope"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        expect_problem(r, 404).await;
        expect_problem(app.get("/api/nope", &app.coordinator).await, 404).await;
        // A resource that has other methods is still a 405 problem.
        let r = app
            .client
            .delete(app.url("/api/v1/tenants"))
            .send()
            .await
            .unwrap();
        expect_problem(r, 405).await;
    }
);
