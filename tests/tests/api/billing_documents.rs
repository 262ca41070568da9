//! Invoices and credit notes as documents: the Peppol BIS Billing 3.0 e-invoice checked by
//! the official validator (UBL 2.1 schema, EN 16931 and Peppol rules, `tests/validators/peppol`).

use std::path::{Path, PathBuf};

use dar_tests::{TestApp, on_both_backends};
use serde_json::json;

use super::billing::{
    billing_run, invoices, one_invoice, profile, put_profile, set_up_billing, year,
};
use crate::pdf_tools::{PdfFile, squeeze};

fn python() -> Option<PathBuf> {
    dar_tests::python_with(&["saxonche", "lxml"])
}

fn validator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("validators/peppol/validate.py")
}

async fn ubl(app: &TestApp, id: &str, token: &str) -> String {
    let r = app.get(&format!("/api/v1/invoices/{id}/ubl"), token).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    r.text().await.unwrap()
}

/// Runs the official validator on `xml`; panics with its report when the document fails.
fn assert_valid_peppol(name: &str, xml: &str) {
    let Some(python) = python() else { return };
    let file = std::env::temp_dir().join(format!("dar-ubl-{}-{name}.xml", uuid::Uuid::now_v7()));
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new(python)
        .arg(validator())
        .arg(&file)
        .output()
        .expect("running the Peppol validator");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} fails the Peppol BIS 3.0 rules:\n{report}\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("1 file(s) valid"), "{report}");
    let _ = std::fs::remove_file(file);
}

on_both_backends!(
    an_invoice_and_its_credit_note_pass_the_peppol_rules,
    |app| async move {
        let (_, admin, invoice) = one_invoice(&app, "peppol").await;
        let xml = ubl(&app, &invoice, &admin).await;
        assert!(xml.contains("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"));
        assert!(xml.contains(&format!("<cbc:ID>F{}-00001</cbc:ID>", year())));
        assert!(xml.contains("<cbc:EndpointID schemeID=\"0208\">0403019261</cbc:EndpointID>"));
        assert!(xml.contains("<cbc:PaymentID>+++"), "{xml}");
        assert_valid_peppol("invoice", &xml);

        let credit = app
        .post_ok(
            &format!("/api/v1/invoices/{invoice}/credit-notes"),
            &app.coordinator,
            &json!({"reason": "Korting <opstart> & \"migratie\"", "lines": [{"description": "Korting", "unit_price": "33.33"}]}),
        )
        .await;
        let xml = ubl(&app, credit["id"].as_str().unwrap(), &app.coordinator).await;
        assert!(xml.contains("<CreditNote "));
        assert!(xml.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
        assert!(
            xml.contains(&format!("<cbc:ID>F{}-00001</cbc:ID>", year())),
            "refers to its invoice"
        );
        assert!(xml.contains("Korting &lt;opstart&gt; &amp; &quot;migratie&quot;"));
        assert_valid_peppol("credit-note", &xml);
    }
);

on_both_backends!(
    an_invoice_with_several_vat_rates_and_awkward_amounts_passes_the_peppol_rules,
    |app| async move {
        set_up_billing(&app).await;
        let tenant = app.create_tenant("tarieven").await;
        let mut body = profile(false, "2020-01-01");
        body["vat_number"] = json!(null);
        body["language"] = json!("fr");
        put_profile(&app, &tenant, &body).await;
        let lines = json!([
            {"description": "Migration du registre", "quantity": "0.3333", "unit_price": "1000.01"},
            {"description": "Formation", "quantity": "3", "unit_price": "0.05", "vat_rate": "6"},
            {"description": "Frais de dossier", "unit_price": "0.07", "vat_rate": "12"},
            {"description": "Cotisation", "quantity": "1.5", "unit_price": "99.99", "vat_rate": "exempt"}
        ]);
        let invoice = app
            .post_ok(
                "/api/v1/invoices",
                &app.coordinator,
                &json!({"tenant": tenant, "lines": lines}),
            )
            .await;
        // 0.3333 × 1000.01 = 333.303333 → 333.30, VAT 69.99; 3 × 0.05 = 0.15, VAT 0.01;
        // 0.07, VAT 0.01; 1.5 × 99.99 = 149.985 → 149.99, no VAT.
        assert_eq!(invoice["net"], "483.51");
        assert_eq!(invoice["vat"], "70.01");
        assert_eq!(invoice["gross"], "553.52");
        let xml = ubl(&app, invoice["id"].as_str().unwrap(), &app.coordinator).await;
        assert!(xml.contains("<cbc:TaxExemptionReason>Exonéré de TVA</cbc:TaxExemptionReason>"));
        assert_valid_peppol("rates", &xml);
        assert_eq!(invoices(&app, "").await.len(), 1);
    }
);

on_both_backends!(
    another_cooperatives_e_invoice_is_not_found,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "geheim").await;
        let (_, stranger) = app.tenant_with_admin("vreemd").await;
        let r = app
            .get(&format!("/api/v1/invoices/{invoice}/ubl"), &stranger)
            .await;
        dar_tests::expect_problem(r, 404).await;
    }
);

async fn pdf(app: &TestApp, id: &str, token: &str) -> PdfFile {
    let r = app.get(&format!("/api/v1/invoices/{id}/pdf"), token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    PdfFile::new(&r.bytes().await.unwrap())
}

on_both_backends!(
    the_invoice_pdf_carries_an_epc_code_that_pays_it,
    |app| async move {
        let (_, admin, invoice) = one_invoice(&app, "qr").await;
        let detail = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &admin)
            .await;
        let file = pdf(&app, &invoice, &admin).await;
        file.assert_sound();
        let text = squeeze(&file.text());
        let number = detail["number"].as_str().unwrap();
        let communication = detail["structured_communication"].as_str().unwrap();
        assert!(text.contains(&format!("Factuur {number}")), "{text}");
        assert!(text.contains(communication), "{text}");
        assert!(text.contains("BE68 5390 0754 7034"), "{text}");
        assert!(text.contains("Netwerk Coöperaties vzw"), "{text}");
        assert!(text.contains("544,50 EUR"), "{text}");

        let code = file.qr_code();
        let fields: Vec<&str> = code.trim_end_matches('\n').split('\n').collect();
        assert_eq!(fields[0..4], ["BCD", "002", "1", "SCT"], "{code:?}");
        assert_eq!(fields[4], "GKCCBEBB");
        assert_eq!(fields[5], "Netwerk Coöperaties vzw");
        assert_eq!(fields[6], "BE68539007547034");
        assert_eq!(fields[7], "EUR544.50");
        assert_eq!(fields[10], communication);
    }
);

on_both_backends!(
    a_credit_note_pdf_names_the_invoice_it_corrects_in_the_buyers_language,
    |app| async move {
        set_up_billing(&app).await;
        let tenant = app.create_tenant("francais").await;
        let mut body = profile(true, "2020-01-01");
        body["language"] = json!("fr");
        put_profile(&app, &tenant, &body).await;
        billing_run(&app, year()).await;
        let invoice = invoices(&app, "kind=invoice").await[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let credit = app
            .post_ok(
                &format!("/api/v1/invoices/{invoice}/credit-notes"),
                &app.coordinator,
                &json!({"reason": "Erreur de tarif"}),
            )
            .await;
        let file = pdf(&app, credit["id"].as_str().unwrap(), &app.coordinator).await;
        file.assert_sound();
        let text = squeeze(&file.text());
        assert!(
            text.contains(&format!("Note de crédit C{}-00001", year())),
            "{text}"
        );
        assert!(
            text.contains(&format!("Corrige la facture F{}-00001", year())),
            "{text}"
        );
        assert!(text.contains("Erreur de tarif"), "{text}");
    }
);

on_both_backends!(
    an_issued_invoice_is_mailed_with_its_pdf_and_e_invoice,
    smtp,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "post").await;
        let mails = app.smtp().wait_for("bestuur@coop.test", 1).await;
        let mail = &mails[0];
        let number = format!("F{}-00001", year());
        assert_eq!(
            mail.subject(),
            format!("Factuur {number} van Netwerk Coöperaties vzw")
        );
        assert!(
            mail.data.contains(&format!("filename=\"{number}.pdf\"")),
            "{}",
            mail.data
        );
        assert!(
            mail.data.contains(&format!("filename=\"{number}.xml\"")),
            "{}",
            mail.data
        );
        // The PDF's first bytes, "%PDF-", in base64.
        assert!(mail.data.contains("JVBERi0"), "the PDF is attached");

        app.post_ok(
            &format!("/api/v1/invoices/{invoice}/credit-notes"),
            &app.coordinator,
            &json!({"reason": "Vergissing"}),
        )
        .await;
        let mails = app.smtp().wait_for("bestuur@coop.test", 2).await;
        assert!(
            mails.iter().any(|m| m.subject()
                == format!("Creditnota C{}-00001 van Netwerk Coöperaties vzw", year())),
            "{:?}",
            mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
        );
    }
);
