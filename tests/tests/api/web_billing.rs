//! The billing pages: the coordinator previews and runs the year, records a payment and
//! issues a credit note on an invoice's page, and downloads it; a cooperative's admins see
//! their own invoices only.

use dar_tests::{COORDINATOR_EMAIL, PASSWORD, TestApp, on_both_backends};

use super::billing::{
    cooperative_with_holders, invoices, profile, put_profile, set_up_billing, year,
};
use crate::web::{Browser, location};
use crate::web_people::submit;

async fn coordinator(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    b.get("/language/nl").await;
    let r = b.sign_in(COORDINATOR_EMAIL, PASSWORD).await;
    assert_eq!(r.status(), 303);
    b
}

on_both_backends!(
    the_coordinator_previews_and_runs_the_year_on_the_page,
    |app| async move {
        set_up_billing(&app).await;
        let (tenant, _) = cooperative_with_holders(&app, "pagina", 1).await;
        put_profile(&app, &tenant, &profile(true, "2020-01-01")).await;
        let mut b = coordinator(&app).await;
        let home = b.get("/").await.text().await.unwrap();
        assert!(
            home.contains("href=\"/billing\""),
            "the start page leads to billing"
        );

        let run_path = format!("/billing/run?year={}", year());
        let preview = b.get(&run_path).await.text().await.unwrap();
        assert!(preview.contains("Coöperatie pagina cv"), "{preview}");
        assert!(preview.contains("544,50 €"), "{preview}");
        assert!(
            preview
                .contains("formule standard, schijf 1 van 2, 1 actieve aandeelhouders op 01/01/"),
            "the reason is said in the page's language: {preview}"
        );
        assert!(
            invoices(&app, "").await.is_empty(),
            "a preview issues nothing"
        );

        let y = year().to_string();
        let r = submit(&mut b, &run_path, "/billing/run", &[("year", &y)]).await;
        assert_eq!(r.status(), 200);
        let done = r.text().await.unwrap();
        assert!(done.contains("De facturatie is gedaan."), "{done}");
        assert!(done.contains(&format!("F{y}-00001")), "{done}");
        assert_eq!(invoices(&app, "").await.len(), 1);

        let list = b.get("/billing?show=open").await.text().await.unwrap();
        assert!(list.contains(&format!("F{y}-00001")), "{list}");
        assert!(
            !list.contains("Griet"),
            "no shareholder's name on the coordinator's pages"
        );
    }
);

on_both_backends!(
    a_payment_and_a_credit_note_are_recorded_on_the_invoice_page,
    |app| async move {
        let (_, _, invoice) = crate::billing::one_invoice(&app, "boeking").await;
        let mut b = coordinator(&app).await;
        let page = format!("/billing/invoices/{invoice}");

        let r = submit(
            &mut b,
            &page,
            &format!("{page}/payments"),
            &[("amount", "abc"), ("paid_on", "31/02/2026")],
        )
        .await;
        assert_eq!(r.status(), 422);
        let refused = r.text().await.unwrap();
        assert!(refused.contains("Geef een bedrag boven nul"), "{refused}");
        assert!(refused.contains("Geef een datum zoals"), "{refused}");

        let today = dar_tests::today().format("%d/%m/%Y").to_string();
        let r = submit(
            &mut b,
            &page,
            &format!("{page}/payments"),
            &[("amount", "100,00"), ("paid_on", &today)],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?done=payment"));
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("De betaling is geboekt."), "{html}");
        assert!(html.contains("Deels betaald"), "{html}");
        assert!(html.contains("444,50 €"), "{html}");

        let r = submit(
            &mut b,
            &page,
            &format!("{page}/credit-note"),
            &[("reason", "Te veel"), ("credit_amount", "1.000,00")],
        )
        .await;
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("meer dan wat er van de factuur overblijft")
        );

        let r = submit(
            &mut b,
            &page,
            &format!("{page}/credit-note"),
            &[("reason", "Korting"), ("credit_amount", "50,00")],
        )
        .await;
        assert_eq!(r.status(), 303);
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("De creditnota is uitgereikt."), "{html}");
        assert!(html.contains(&format!("C{}-00001", year())), "{html}");
        // 544.50 − 100.00 paid − 60.50 credited (50.00 and 21 % VAT).
        assert!(html.contains("384,00 €"), "{html}");

        let pdf = b.get(&format!("/invoices/{invoice}/pdf")).await;
        assert_eq!(pdf.status(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        let ubl = b.get(&format!("/invoices/{invoice}/ubl")).await;
        assert_eq!(ubl.status(), 200);
        assert!(
            ubl.text()
                .await
                .unwrap()
                .contains("<cbc:InvoiceTypeCode>380")
        );
    }
);

on_both_backends!(
    an_administrator_sees_and_downloads_only_their_own_invoices,
    |app| async move {
        let (_, _, invoice) = crate::billing::one_invoice(&app, "eigenpagina").await;
        let (elsewhere, _) = cooperative_with_holders(&app, "anderpagina", 1).await;
        put_profile(&app, &elsewhere, &profile(false, "2020-01-01")).await;
        crate::billing::billing_run(&app, year()).await;
        let other = invoices(&app, &format!("tenant={elsewhere}")).await[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let mut b = Browser::new(&app);
        b.get("/language/nl").await;
        assert_eq!(
            b.sign_in("admin@eigenpagina.test", PASSWORD).await.status(),
            303
        );
        let settings = b.get("/c/eigenpagina/settings").await.text().await.unwrap();
        assert!(
            settings.contains("href=\"/c/eigenpagina/invoices\""),
            "{settings}"
        );
        let html = b.get("/c/eigenpagina/invoices").await.text().await.unwrap();
        assert!(html.contains(&format!("F{}-", year())), "{html}");
        assert!(html.contains(&format!("/invoices/{invoice}/pdf")), "{html}");
        assert_eq!(
            b.get(&format!("/invoices/{invoice}/pdf")).await.status(),
            200
        );
        assert_eq!(b.get(&format!("/invoices/{other}/pdf")).await.status(), 404);
        assert_eq!(b.get("/c/anderpagina/invoices").await.status(), 404);
        assert_eq!(b.get("/billing").await.status(), 404);
        assert_eq!(
            b.get(&format!("/billing/invoices/{invoice}"))
                .await
                .status(),
            404
        );
    }
);

on_both_backends!(
    the_coordinator_sets_up_billing_on_the_pages,
    |app| async move {
        let tenant = app.create_tenant("opzet").await;
        let mut b = coordinator(&app).await;
        let billing = b.get("/billing").await.text().await.unwrap();
        for link in ["/billing/identity", "/billing/plans", "/billing/profiles"] {
            assert!(billing.contains(&format!("href=\"{link}\"")), "{link}");
        }

        // The identity: a wrong VAT number is refused beside its field, in Dutch.
        let identity = [
            ("name", "Netwerk Coöperaties vzw"),
            ("street", "Vooruitgangstraat 50"),
            ("postal_code", "1210"),
            ("city", "Brussel"),
            ("country", "BE"),
            ("enterprise_number", "0403.019.261"),
            ("vat_number", "BE0403019262"),
            ("iban", "BE68 5390 0754 7034"),
            ("bic", "GKCCBEBB"),
            ("peppol_id", ""),
            ("email", "facturen@netwerk.test"),
            ("footer", ""),
            ("payment_term_days", "30"),
        ];
        let r = submit(&mut b, "/billing/identity", "/billing/identity", &identity).await;
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Een btw-nummer is BE en het ondernemingsnummer")
        );
        let mut good = identity;
        good[6] = ("vat_number", "BE 0403.019.261");
        let r = submit(&mut b, "/billing/identity", "/billing/identity", &good).await;
        assert_eq!(r.status(), 303);
        let saved = app
            .get_ok("/api/v1/billing/identity", &app.coordinator)
            .await;
        assert_eq!(saved["vat_number"], "BE0403019261");

        // A plan with two tiers typed as Belgians write amounts.
        let plan = [
            ("code", "basis"),
            ("name", "Basis"),
            ("onboarding_fee", "250,00"),
            ("migration_fee", "1.000,00"),
            ("vat_rate", "21"),
            ("up_to_0", "100"),
            ("member_0", "120,00"),
            ("non_member_0", "180,50"),
            ("up_to_1", ""),
            ("member_1", "400"),
            ("non_member_1", "600"),
        ];
        let r = submit(&mut b, "/billing/plans", "/billing/plans", &plan).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let stored = app.get_ok("/api/v1/plans/basis", &app.coordinator).await;
        assert_eq!(stored["tiers"][0]["non_member_fee"], "180.50");
        assert_eq!(stored["migration_fee"], "1000.00");
        let again = submit(&mut b, "/billing/plans", "/billing/plans", &plan).await;
        assert_eq!(again.status(), 422);
        assert!(
            again
                .text()
                .await
                .unwrap()
                .contains("Er is al een formule met deze code.")
        );

        // The cooperative's profile, prefilled from the cooperative.
        let form = b.get("/billing/profiles/opzet").await.text().await.unwrap();
        assert!(form.contains("Korenmarkt 1"), "{form}");
        let profile = [
            ("plan", "basis"),
            ("member", "no"),
            ("billing_start", "01/03/2026"),
            ("migration", "yes"),
            ("name", "Coöperatie opzet cv"),
            ("street", "Korenmarkt 1"),
            ("postal_code", "9000"),
            ("city", "Gent"),
            ("country", "BE"),
            ("enterprise_number", "0403019261"),
            ("vat_number", ""),
            ("peppol_id", ""),
            ("email", "bestuur@opzet.test"),
            ("language", "fr"),
            ("yearly_fee", ""),
            ("onboarding_fee", "0,00"),
            ("migration_fee", ""),
        ];
        let r = submit(
            &mut b,
            "/billing/profiles/opzet",
            "/billing/profiles/opzet",
            &profile,
        )
        .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let stored = app
            .get_ok(
                &format!("/api/v1/tenants/{tenant}/billing-profile"),
                &app.coordinator,
            )
            .await;
        assert_eq!(stored["plan"], "basis");
        assert_eq!(stored["billing_start"], "2026-03-01");
        assert_eq!(stored["language"], "fr");
        assert_eq!(stored["onboarding_fee"], "0.00");
        assert_eq!(stored["migration"], true);
        let list = b.get("/billing/profiles").await.text().await.unwrap();
        assert!(list.contains("bestuur@opzet.test"), "{list}");
    }
);

on_both_backends!(
    a_bank_statement_read_on_the_page_records_the_payments_it_can_match,
    |app| async move {
        use dar_core::billing::coda::{self, Movement};
        use dar_core::identifiers::StructuredCommunication;
        use dar_core::money::Money;

        let (_, _, invoice) = crate::billing::one_invoice(&app, "afschrift").await;
        let detail = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        let ogm =
            StructuredCommunication::parse(detail["structured_communication"].as_str().unwrap())
                .unwrap();
        let day = dar_tests::today();
        let movement = |reference: &str, structured| Movement {
            bank_reference: reference.into(),
            credit: true,
            amount: Money::from_cents(54450).unwrap(),
            value_date: day,
            entry_date: day,
            structured,
            communication: None,
            counterparty_name: Some("Afschrift cv".into()),
            counterparty_account: None,
        };
        let file = coda::write(
            "BE68539007547034",
            day,
            &[movement("REF1", Some(ogm)), movement("REF2", None)],
        );

        let mut b = coordinator(&app).await;
        let form = b.get("/billing/statements").await.text().await.unwrap();
        let csrf = crate::web::csrf_field(&form);
        let r = crate::web_imports::post_multipart(
            &b,
            &app,
            "/billing/statements",
            &[("csrf", &csrf)],
            Some(("afschrift.cod", file.as_bytes())),
        )
        .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Geboekt: betaald"), "{html}");
        assert!(
            html.contains(&format!("/billing/invoices/{invoice}")),
            "{html}"
        );
        assert!(
            html.contains("Niet geboekt: geen gestructureerde mededeling"),
            "{html}"
        );
        let got = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        assert_eq!(got["status"], "paid");

        let r = crate::web_imports::post_multipart(
            &b,
            &app,
            "/billing/statements",
            &[("csrf", &csrf)],
            Some(("foto.jpg", b"\xff\xd8\xff")),
        )
        .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("geen CODA-afschrift"));
    }
);
