//! Share certificates and register documents, read back with real PDF tools.

use dar_tests::{TestApp, expect_problem, on_both_backends};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::pdf_tools::{PdfFile, squeeze};

const UNICODE_NAME: &str = "Coöperatie Ünïcode Łódź Françoise";

async fn shareholder(app: &TestApp, tenant: &str, admin: &str, body: Value) -> String {
    let mut body = body;
    body["admission_date"] = json!("2024-01-01");
    if body.get("address").is_none() {
        body["address"] = json!({"street": "Veldstraat 2", "postal_code": "9000", "city": "Gent", "country": "BE"});
    }
    app.post_ok(
        &format!("/api/v1/tenants/{tenant}/shareholders"),
        admin,
        &body,
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_string()
}

async fn legal_holder(app: &TestApp, tenant: &str, admin: &str, language: &str) -> String {
    shareholder(
        app,
        tenant,
        admin,
        json!({"kind": "legal", "legal_name": UNICODE_NAME, "enterprise_number": "0403.019.261", "language": language}),
    )
    .await
}

async fn issue_shares(app: &TestApp, tenant: &str, admin: &str, holder: &str, quantity: i64) {
    app.post_entry_ok(tenant, admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": quantity, "effective_date": "2026-03-05"}))
        .await;
}

async fn certify(
    app: &TestApp,
    tenant: &str,
    admin: &str,
    holder: &str,
    as_of: Option<&str>,
) -> Value {
    let mut body = json!({"shareholder_id": holder});
    if let Some(d) = as_of {
        body["as_of"] = json!(d);
    }
    let r = app
        .post(
            &format!("/api/v1/tenants/{tenant}/certificates"),
            admin,
            &body,
        )
        .await;
    assert_eq!(r.status(), 201, "issuing a certificate");
    r.json().await.expect("json")
}

async fn download(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let r = app.get(path, token).await;
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = r.bytes().await.expect("body").to_vec();
    assert_eq!(
        status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        content_type.starts_with("application/"),
        "content type {content_type}"
    );
    bytes
}

async fn pdf_of(app: &TestApp, certificate: &Value, token: &str) -> Vec<u8> {
    download(
        app,
        certificate["pdf_url"].as_str().expect("pdf_url"),
        token,
    )
    .await
}

async fn verify(app: &TestApp, id: &str) -> Value {
    let r = app
        .client
        .get(app.url(&format!("/verify/{id}")))
        .send()
        .await
        .expect("verify");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

/// A cooperative with class A (250.00 nominal) and an admin.
async fn cooperative(app: &TestApp, slug: &str) -> (String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "250.00", "approval")
        .await;
    (t, admin)
}

on_both_backends!(
    a_certificate_shows_the_cooperative_the_holder_their_shares_and_the_ledger_point,
    |app| async move {
        let (t, admin) = cooperative(&app, "bewijs").await;
        let holder = legal_holder(&app, &t, &admin, "nl").await;
        issue_shares(&app, &t, &admin, &holder, 4).await;
        let head = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
            .await;

        let cert = certify(&app, &t, &admin, &holder, Some("2026-03-05")).await;
        assert_eq!(cert["number"], 1);
        assert_eq!(cert["ledger_seq"], head["head_seq"]);
        assert_eq!(cert["ledger_hash"], head["head_hash"]);
        let verify_url = cert["verify_url"].as_str().unwrap();
        assert_eq!(
            verify_url,
            format!("http://dar.test/verify/{}", cert["id"].as_str().unwrap())
        );

        let bytes = pdf_of(&app, &cert, &admin).await;
        assert_eq!(
            hex(&Sha256::digest(&bytes)),
            cert["pdf_sha256"].as_str().unwrap()
        );
        let pdf = PdfFile::new(&bytes);
        pdf.assert_sound();
        let text = squeeze(&pdf.text());
        for expected in [
            "Bewijs van inschrijving in het aandelenregister",
            "Coöperatie bewijs cv",
            "0403.019.261",
            "Korenmarkt 1",
            UNICODE_NAME,
            "5 maart 2026",
            "1.000,00 EUR",
            "250,00 EUR",
            verify_url,
            head["head_hash"].as_str().unwrap(),
        ] {
            assert!(
                text.contains(expected),
                "certificate text lacks {expected:?}:\n{text}"
            );
        }
        let register_number = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/shareholders/{holder}"),
                &admin,
            )
            .await["register_number"]
            .as_i64()
            .unwrap();
        let labelled = format!("Registernummer {register_number}");
        assert!(
            text.contains(&labelled),
            "certificate text lacks {labelled:?}"
        );
        assert!(
            pdf.ink_on_first_page() > 0.005,
            "the rendered page is blank"
        );
        let fonts = pdf.fonts();
        assert!(!fonts.is_empty());
        assert!(
            fonts
                .iter()
                .all(|(_, embedded, subset)| *embedded && *subset),
            "every font embedded and subset: {fonts:?}"
        );
    }
);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

on_both_backends!(certificates_speak_the_holders_language, |app| async move {
    let (t, admin) = cooperative(&app, "talen").await;
    for (language, title, date, amount) in [
        (
            "nl",
            "Bewijs van inschrijving",
            "5 maart 2026",
            "2.500,00 EUR",
        ),
        (
            "fr",
            "Certificat d'inscription",
            "5 mars 2026",
            "2 500,00 EUR",
        ),
        (
            "en",
            "in the share register",
            "5 March 2026",
            "EUR 2,500.00",
        ),
    ] {
        let holder = shareholder(
            &app,
            &t,
            &admin,
            json!({"kind": "natural", "first_name": "Françoise", "last_name": format!("Łódź-{language}"), "language": language}),
        )
        .await;
        issue_shares(&app, &t, &admin, &holder, 10).await;
        let cert = certify(&app, &t, &admin, &holder, Some("2026-03-05")).await;
        assert_eq!(cert["language"], language);
        let text = squeeze(&PdfFile::new(&pdf_of(&app, &cert, &admin).await).text());
        for expected in [title, date, amount, &format!("Françoise Łódź-{language}")] {
            assert!(
                text.contains(expected),
                "{language} certificate lacks {expected:?}:\n{text}"
            );
        }
    }
});

on_both_backends!(the_same_record_gives_the_same_pdf, |app| async move {
    let (t, admin) = cooperative(&app, "zelfde").await;
    let holder = legal_holder(&app, &t, &admin, "fr").await;
    issue_shares(&app, &t, &admin, &holder, 3).await;
    let cert = certify(&app, &t, &admin, &holder, None).await;
    let first = pdf_of(&app, &cert, &admin).await;
    let second = pdf_of(&app, &cert, &admin).await;
    assert_eq!(
        first, second,
        "a certificate downloads byte for byte the same"
    );

    // A new certificate of an unchanged holding shows the same holding but is another
    // document: its own number and id.
    let again = certify(&app, &t, &admin, &holder, None).await;
    assert_eq!(again["number"], 2);
    assert_ne!(pdf_of(&app, &again, &admin).await, first);
});

on_both_backends!(
    a_changed_holding_gets_a_new_certificate_and_verify_reports_the_old_one_superseded,
    |app| async move {
        let (t, admin) = cooperative(&app, "vervangen").await;
        let holder = legal_holder(&app, &t, &admin, "nl").await;
        issue_shares(&app, &t, &admin, &holder, 4).await;
        let old = certify(&app, &t, &admin, &holder, None).await;
        let old_id = old["id"].as_str().unwrap();
        let v = verify(&app, old_id).await;
        assert_eq!(v["status"], "genuine");
        assert_eq!(v["number"], 1);
        assert_eq!(v["cooperative"], "Coöperatie vervangen cv");
        assert_eq!(v["holdings_unchanged"], true);
        assert!(
            !v.to_string().contains("Ünïcode"),
            "verification shows no personal data: {v}"
        );

        issue_shares(&app, &t, &admin, &holder, 2).await;
        let v = verify(&app, old_id).await;
        assert_eq!(v["status"], "genuine");
        assert_eq!(v["holdings_unchanged"], false, "the register moved on: {v}");

        let new = certify(&app, &t, &admin, &holder, None).await;
        assert_eq!(new["supersedes"], old["id"]);
        let text = squeeze(&PdfFile::new(&pdf_of(&app, &new, &admin).await).text());
        assert!(
            text.contains("1.500,00 EUR"),
            "six shares of 250.00:\n{text}"
        );

        let v = verify(&app, old_id).await;
        assert_eq!(v["status"], "superseded");
        assert_eq!(v["superseded_by"], 2);
        let v = verify(&app, new["id"].as_str().unwrap()).await;
        assert_eq!(v["status"], "genuine");
        assert_eq!(v["holdings_unchanged"], true);

        assert_eq!(
            verify(&app, &uuid::Uuid::now_v7().to_string()).await["status"],
            "unknown"
        );
        assert_eq!(verify(&app, "not-a-certificate").await["status"], "unknown");

        let page = app
            .client
            .get(app.url(&format!("/verify/{old_id}")))
            .header("accept", "text/html")
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(page.text().await.unwrap().contains("Superseded"));
    }
);

on_both_backends!(
    a_shareholder_downloads_their_own_certificates_and_no_one_elses,
    |app| async move {
        let (t, admin) = cooperative(&app, "eigen").await;
        let mine = legal_holder(&app, &t, &admin, "nl").await;
        let theirs = shareholder(
            &app,
            &t,
            &admin,
            json!({"kind": "natural", "first_name": "Bram", "last_name": "Aerts", "language": "nl"}),
        )
        .await;
        issue_shares(&app, &t, &admin, &mine, 2).await;
        issue_shares(&app, &t, &admin, &theirs, 2).await;
        let my_cert = certify(&app, &t, &admin, &mine, None).await;
        let my_newer = certify(&app, &t, &admin, &mine, None).await;
        let their_cert = certify(&app, &t, &admin, &theirs, None).await;

        let me = app
            .user_with_role(&t, &admin, "lid@eigen.test", "shareholder", Some(&mine))
            .await;
        let listed = app.get_ok("/api/v1/me/certificates", &me).await;
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(listed[0]["id"], my_newer["id"], "newest first");
        assert_eq!(listed[0]["current"], true);
        assert_eq!(listed[1]["current"], false);
        assert_eq!(listed[0]["cooperative"], "Coöperatie eigen cv");
        let own = download(&app, listed[1]["pdf_url"].as_str().unwrap(), &me).await;
        assert_eq!(own, pdf_of(&app, &my_cert, &admin).await);

        // Another holder's records do not exist for a shareholder: 404, as for any id.
        let r = app.get(their_cert["pdf_url"].as_str().unwrap(), &me).await;
        expect_problem(r, 404).await;
        let r = app
            .get(
                &format!(
                    "/api/v1/tenants/{t}/certificates/{}",
                    their_cert["id"].as_str().unwrap()
                ),
                &me,
            )
            .await;
        expect_problem(r, 404).await;
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificates"),
                &me,
                &json!({"shareholder_id": mine}),
            )
            .await;
        expect_problem(r, 403).await;

        let viewer = app
            .user_with_role(&t, &admin, "kijker@eigen.test", "viewer", None)
            .await;
        pdf_of(&app, &their_cert, &viewer).await;
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificates"),
                &viewer,
                &json!({"shareholder_id": mine}),
            )
            .await;
        expect_problem(r, 403).await;

        // Another cooperative's admin cannot reach this one's certificates by id.
        let (_, stranger) = cooperative(&app, "vreemd").await;
        let r = app
            .get(my_cert["pdf_url"].as_str().unwrap(), &stranger)
            .await;
        expect_problem(r, 404).await;
    }
);

on_both_backends!(
    issuing_refuses_bad_input_and_changes_nothing,
    |app| async move {
        let (t, admin) = cooperative(&app, "fouten").await;
        let holder = legal_holder(&app, &t, &admin, "nl").await;
        let path = format!("/api/v1/tenants/{t}/certificates");
        let tomorrow = (dar_tests::today() + chrono::Duration::days(2)).to_string();
        for (body, field) in [
            (
                json!({"shareholder_id": uuid::Uuid::now_v7().to_string()}),
                "shareholder_id",
            ),
            (
                json!({"shareholder_id": holder, "as_of": tomorrow}),
                "as_of",
            ),
        ] {
            let problem = expect_problem(app.post(&path, &admin, &body).await, 422).await;
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        // Not an id at all: the request cannot be read.
        let body = json!({"shareholder_id": "nope"});
        let problem = expect_problem(app.post(&path, &admin, &body).await, 400).await;
        assert_eq!(problem["errors"][0]["field"], "shareholder_id", "{problem}");
        let problem = expect_problem(
            app.post(
                &path,
                &admin,
                &json!({"shareholder_id": holder, "colour": "red"}),
            )
            .await,
            400,
        )
        .await;
        assert!(problem["detail"].as_str().unwrap().contains("colour"));
        let problem = expect_problem(
            app.post(
                &format!("/api/v1/tenants/{t}/certificate-batches"),
                &admin,
                &json!({"shareholder_ids": [holder, uuid::Uuid::now_v7().to_string()]}),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(
            problem["errors"][0]["field"], "shareholder_ids[1]",
            "{problem}"
        );
        let listed = app.get_ok(&path, &admin).await;
        assert_eq!(
            listed["items"].as_array().unwrap().len(),
            0,
            "nothing was issued"
        );
    }
);

on_both_backends!(
    the_register_extract_lists_every_holder_per_class_with_totals_on_numbered_pages,
    |app| async move {
        let (t, admin) = cooperative(&app, "register").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let mut holders = Vec::new();
        for i in 0..70 {
            let id = shareholder(
                &app,
                &t,
                &admin,
                json!({"kind": "natural", "first_name": "Françoise", "last_name": format!("Lid-{i:03}"), "language": "nl"}),
            )
            .await;
            holders.push(id);
        }
        let entries: Vec<Value> = holders
            .iter()
            .enumerate()
            .map(|(i, h)| json!({"kind": "issue", "share_class": if i % 2 == 0 { "A" } else { "B" }, "to": h, "quantity": 2, "effective_date": "2026-03-05"}))
            .collect();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({"entries": entries}),
        )
        .await;

        let bytes = download(
            &app,
            &format!("/api/v1/tenants/{t}/documents/register?as_of=2026-03-31"),
            &admin,
        )
        .await;
        let pdf = PdfFile::new(&bytes);
        pdf.assert_sound();
        let text = pdf.text();
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() >= 2, "70 holders take more than one page");
        for (i, page) in pages.iter().enumerate() {
            let footer = format!("Pagina {} van {}", i + 1, pages.len());
            assert!(
                squeeze(page).contains(&footer),
                "page {} lacks {footer:?}",
                i + 1
            );
            assert!(
                page.contains("Reg.nr."),
                "page {} repeats the table header",
                i + 1
            );
        }
        let flat = squeeze(&text);
        for i in 0..70 {
            let name = format!("Françoise Lid-{i:03}");
            assert_eq!(flat.matches(&name).count(), 1, "{name} appears once");
        }
        // 35 holders × 2 shares × 250.00 in A, 35 × 2 × 50.00 in B.
        for expected in [
            "17.500,00 EUR",
            "3.500,00 EUR",
            "21.000,00 EUR",
            "31 maart 2026",
        ] {
            assert!(flat.contains(expected), "extract lacks {expected:?}");
        }

        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/documents/register?language=de"),
                &admin,
            )
            .await;
        expect_problem(r, 422).await;
        let member = app
            .user_with_role(
                &t,
                &admin,
                "lid@register.test",
                "shareholder",
                Some(&holders[0]),
            )
            .await;
        expect_problem(
            app.get(&format!("/api/v1/tenants/{t}/documents/register"), &member)
                .await,
            403,
        )
        .await;
    }
);

on_both_backends!(
    a_holders_history_lists_every_movement_with_a_running_balance,
    |app| async move {
        let (t, admin) = cooperative(&app, "historiek").await;
        let holder = legal_holder(&app, &t, &admin, "en").await;
        let other = shareholder(
        &app,
        &t,
        &admin,
        json!({"kind": "natural", "first_name": "Bram", "last_name": "Aerts", "language": "nl"}),
    )
    .await;
        issue_shares(&app, &t, &admin, &holder, 10).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": holder, "to": other, "quantity": 4, "effective_date": "2026-04-01", "external_reference": "board 2026-03-30"}))
        .await;
        let bytes = download(
            &app,
            &format!("/api/v1/tenants/{t}/shareholders/{holder}/history.pdf"),
            &admin,
        )
        .await;
        let pdf = PdfFile::new(&bytes);
        pdf.assert_sound();
        let text = squeeze(&pdf.text());
        for expected in [
            UNICODE_NAME,
            "Bram Aerts",
            "5 March 2026",
            "1 April 2026",
            "EUR 1,500.00",
        ] {
            assert!(
                text.contains(expected),
                "history lacks {expected:?}:\n{text}"
            );
        }
        let me = app
            .user_with_role(
                &t,
                &admin,
                "lid@historiek.test",
                "shareholder",
                Some(&holder),
            )
            .await;
        download(
            &app,
            &format!("/api/v1/tenants/{t}/shareholders/{holder}/history.pdf"),
            &me,
        )
        .await;
        expect_problem(
            app.get(
                &format!("/api/v1/tenants/{t}/shareholders/{other}/history.pdf"),
                &me,
            )
            .await,
            404,
        )
        .await;
    }
);

on_both_backends!(
    a_shareholders_own_history_does_not_identify_the_other_party_of_a_transfer,
    |app| async move {
        // README "Privacy": those who keep or read the register see the other party by name
        // and register number; the shareholder sees "another shareholder".
        let (t, admin) = cooperative(&app, "wederpartij").await;
        let holder = legal_holder(&app, &t, &admin, "en").await;
        let other = shareholder(
            &app,
            &t,
            &admin,
            json!({"kind": "natural", "first_name": "Bram", "last_name": "Aerts", "language": "nl"}),
        )
        .await;
        let other_number = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{other}"), &admin)
            .await["register_number"]
            .as_i64()
            .expect("register number");
        issue_shares(&app, &t, &admin, &holder, 10).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": holder, "to": other, "quantity": 4, "effective_date": "2026-04-01", "external_reference": "board 2026-03-30"}))
            .await;
        let path = format!("/api/v1/tenants/{t}/shareholders/{holder}/history.pdf");
        let named = format!("Bram Aerts ({other_number})");

        let viewer = app
            .user_with_role(&t, &admin, "viewer@wederpartij.test", "viewer", None)
            .await;
        for (who, token) in [("admin", &admin), ("viewer", &viewer)] {
            let text = squeeze(&PdfFile::new(&download(&app, &path, token).await).text());
            assert!(text.contains(&named), "{who} sees {named:?}:\n{text}");
            assert!(!text.contains("another shareholder"), "{who}:\n{text}");
        }

        let me = app
            .user_with_role(
                &t,
                &admin,
                "lid@wederpartij.test",
                "shareholder",
                Some(&holder),
            )
            .await;
        let text = squeeze(&PdfFile::new(&download(&app, &path, &me).await).text());
        assert!(text.contains("another shareholder"), "{text}");
        assert!(!text.contains("Aerts") && !text.contains("Bram"), "{text}");
        assert!(!text.contains(&format!("({other_number})")), "{text}");
        // The transfer itself is still there, with its effect on the holder.
        assert!(text.contains("1 April 2026"), "{text}");
    }
);

on_both_backends!(
    a_batch_issues_everyones_certificates_in_the_background_and_zips_them,
    |app| async move {
        let (t, admin) = cooperative(&app, "batch").await;
        let mut holders = Vec::new();
        for i in 0..25 {
            holders.push(
                shareholder(
                    &app,
                    &t,
                    &admin,
                    json!({"kind": "natural", "first_name": "Lid", "last_name": format!("Nummer {i}"), "language": "nl"}),
                )
                .await,
            );
        }
        let entries: Vec<Value> = holders
            .iter()
            .map(|h| json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2026-03-05"}))
            .collect();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({"entries": entries}),
        )
        .await;
        let first = certify(&app, &t, &admin, &holders[0], None).await;

        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificate-batches"),
                &admin,
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), 202);
        let batch: Value = r.json().await.unwrap();
        assert_eq!(batch["total"], 25);
        let batch = wait_for_batch(&app, &t, &admin, batch["id"].as_str().unwrap()).await;
        assert_eq!(batch["status"], "done", "{batch}");
        assert_eq!(batch["done"], 25);

        let zip = download(&app, batch["zip_url"].as_str().unwrap(), &admin).await;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
        assert_eq!(archive.len(), 25);
        let mut names = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            names.push(file.name().expect("a UTF-8 name").to_string());
            let mut pdf = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut pdf).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
        assert_eq!(names[0], "certificate-00002-R00001.pdf", "{names:?}");

        // The batch superseded the certificate issued before it.
        assert_eq!(
            verify(&app, first["id"].as_str().unwrap()).await["status"],
            "superseded"
        );

        // A selection covers only the holders named.
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificate-batches"),
                &admin,
                &json!({"shareholder_ids": [holders[3], holders[7]], "as_of": "2026-03-31"}),
            )
            .await;
        let selected: Value = r.json().await.unwrap();
        assert_eq!(selected["total"], 2);
        let selected = wait_for_batch(&app, &t, &admin, selected["id"].as_str().unwrap()).await;
        assert_eq!(selected["done"], 2);
        let listed = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/certificates?limit=1000"),
                &admin,
            )
            .await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 28);

        let viewer = app
            .user_with_role(&t, &admin, "kijker@batch.test", "viewer", None)
            .await;
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/certificate-batches"),
                &viewer,
                &json!({}),
            )
            .await;
        expect_problem(r, 403).await;
    }
);

async fn wait_for_batch(app: &TestApp, tenant: &str, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/tenants/{tenant}/certificate-batches/{id}");
    for _ in 0..600 {
        let batch = app.get_ok(&path, token).await;
        if batch["status"] == "done" || batch["status"] == "failed" {
            return batch;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the batch did not finish within a minute");
}

on_both_backends!(
    a_logo_and_signature_appear_on_certificates_issued_after_they_are_set,
    |app| async move {
        let (t, admin) = cooperative(&app, "logo").await;
        let holder = legal_holder(&app, &t, &admin, "nl").await;
        issue_shares(&app, &t, &admin, &holder, 1).await;
        let plain = certify(&app, &t, &admin, &holder, None).await;

        let upload = |bytes: &'static [u8], media_type: &'static str| {
            let app = &app;
            let t = t.clone();
            let admin = admin.clone();
            async move {
                app.client
                    .post(app.url(&format!("/api/v1/tenants/{t}/document-images")))
                    .bearer_auth(&admin)
                    .header("content-type", media_type)
                    .body(bytes)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let logo: Value = upload(include_bytes!("../../fixtures/logo.png"), "image/png")
            .await
            .json()
            .await
            .unwrap();
        let signature: Value = upload(include_bytes!("../../fixtures/signature.png"), "image/png")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(logo["sha256"].as_str().unwrap().len(), 64);
        expect_problem(upload(b"GIF89a not really", "image/png").await, 400).await;
        expect_problem(upload(b"hello", "text/plain").await, 400).await;

        let settings_path = format!("/api/v1/tenants/{t}/document-settings");
        let r = app
        .client
        .put(app.url(&settings_path))
        .bearer_auth(&admin)
        .json(&json!({"signatory_name": "Marie Dubois", "signatory_title": "Voorzitter", "logo_sha256": logo["sha256"], "signature_sha256": signature["sha256"]}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200);
        let r = app
            .client
            .put(app.url(&settings_path))
            .bearer_auth(&admin)
            .json(&json!({"logo_sha256": "0".repeat(64)}))
            .send()
            .await
            .unwrap();
        expect_problem(r, 422).await;
        assert_eq!(
            app.get_ok(&settings_path, &admin).await["signatory_name"],
            "Marie Dubois"
        );

        let signed = certify(&app, &t, &admin, &holder, None).await;
        let pdf = PdfFile::new(&pdf_of(&app, &signed, &admin).await);
        assert_eq!(pdf.image_count(), 2, "logo and signature");
        let text = squeeze(&pdf.text());
        assert!(
            text.contains("Marie Dubois") && text.contains("Voorzitter"),
            "{text}"
        );
        let before = PdfFile::new(&pdf_of(&app, &plain, &admin).await);
        assert_eq!(
            before.image_count(),
            0,
            "a certificate keeps what it was issued with"
        );
    }
);
