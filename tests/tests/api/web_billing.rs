//! The billing pages: the coordinator previews and runs the year, records a payment and
//! issues a credit note on an invoice's page, and downloads it; a cooperative's admins see
//! their own invoices only.

use dar_tests::{COORDINATOR_EMAIL, PASSWORD, TestApp, on_both_backends};

use super::billing::{
    cooperative_with_holders, invoices, profile, put_profile, set_up_billing, year,
};
use crate::web::{Browser, csrf_field, location};

async fn coordinator(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    b.get("/language/nl").await;
    let r = b.sign_in(COORDINATOR_EMAIL, PASSWORD).await;
    assert_eq!(r.status(), 303);
    b
}

async fn submit(
    b: &mut Browser<'_>,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = b.get(page).await.text().await.unwrap();
    let csrf = csrf_field(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    b.post(action, &form).await
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
        let (_, _, other) = {
            let (t, _) = cooperative_with_holders(&app, "anderpagina", 1).await;
            put_profile(&app, &t, &profile(false, "2020-01-01")).await;
            crate::billing::billing_run(&app, year()).await;
            let id = invoices(&app, &format!("tenant={t}")).await[0]["id"]
                .as_str()
                .unwrap()
                .to_string();
            (t, (), id)
        };
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
