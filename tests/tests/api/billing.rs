//! The coordinator's billing over HTTP: invoicing identity, plans, profiles, the yearly run,
//! credit notes and payments, and the database's own numbering rules.

use chrono::Datelike;
use dar_tests::{TestApp, expect_problem, on_both_backends, today};
use diesel::RunQueryDsl;
use serde_json::{Value, json};

fn identity() -> Value {
    json!({
        "name": "Netwerk Coöperaties vzw",
        "address": {"street": "Vooruitgangstraat 50", "postal_code": "1210", "city": "Brussel"},
        "enterprise_number": "0403.019.261",
        "vat_number": "BE 0403.019.261",
        "iban": "BE68 5390 0754 7034",
        "bic": "gkccbebb",
        "email": "facturen@netwerk.test",
        "footer": "Vragen over een factuur? Schrijf naar facturen@netwerk.test.",
        "payment_term_days": 30
    })
}

fn plan() -> Value {
    json!({
        "code": "standard",
        "name": "Standaard",
        "tiers": [
            {"up_to": 2, "member_fee": "150.00", "non_member_fee": "250.00"},
            {"member_fee": "400.00", "non_member_fee": "600.00"}
        ],
        "onboarding_fee": "300.00",
        "migration_fee": "500.00"
    })
}

pub(crate) fn profile(member: bool, start: &str) -> Value {
    json!({
        "plan": "standard",
        "member": member,
        "billing_start": start,
        "vat_number": "BE0403019261",
        "email": "bestuur@coop.test"
    })
}

pub(crate) async fn set_up_billing(app: &TestApp) {
    let r = app
        .client
        .put(app.url("/api/v1/billing/identity"))
        .bearer_auth(&app.coordinator)
        .json(&identity())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    app.post_ok("/api/v1/plans", &app.coordinator, &plan())
        .await;
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn put_profile(app: &TestApp, tenant: &str, body: &Value) {
    let r = put(
        app,
        &format!("/api/v1/tenants/{tenant}/billing-profile"),
        &app.coordinator,
        body,
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

pub(crate) fn year() -> i32 {
    today().year()
}

/// A cooperative with `holders` shareholders holding shares since last year.
pub(crate) async fn cooperative_with_holders(
    app: &TestApp,
    slug: &str,
    holders: usize,
) -> (String, String) {
    let (tenant, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&tenant, &admin, "A", "50.00", "free")
        .await;
    let date = format!("{}-12-15", year() - 1);
    for i in 0..holders {
        let holder = app
            .create_person(&tenant, &admin, "Griet", &format!("Vandenbroucke{i}"))
            .await;
        app.post_entry_ok(
            &tenant,
            &admin,
            &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 2, "effective_date": date}),
        )
        .await;
    }
    (tenant, admin)
}

pub(crate) async fn billing_run(app: &TestApp, year: i32) -> Value {
    app.post_ok(
        "/api/v1/billing/runs",
        &app.coordinator,
        &json!({"year": year}),
    )
    .await
}

pub(crate) async fn invoices(app: &TestApp, query: &str) -> Vec<Value> {
    app.get_ok(&format!("/api/v1/invoices?{query}"), &app.coordinator)
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

on_both_backends!(
    the_invoicing_identity_is_checked_and_kept,
    |app| async move {
        let mut bad = identity();
        bad["vat_number"] = json!("BE0403019262");
        bad["payment_term_days"] = json!(365);
        let r = put(&app, "/api/v1/billing/identity", &app.coordinator, &bad).await;
        let problem = expect_problem(r, 422).await;
        let fields: Vec<_> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["vat_number", "payment_term_days"], "{problem}");
        let mut bad = identity();
        bad["iban"] = json!("BE68539007547035");
        let r = put(&app, "/api/v1/billing/identity", &app.coordinator, &bad).await;
        let problem = expect_problem(r, 400).await;
        assert_eq!(problem["errors"][0]["field"], "iban", "{problem}");
        assert_eq!(
            app.get("/api/v1/billing/identity", &app.coordinator)
                .await
                .status(),
            404
        );

        set_up_billing(&app).await;
        let got = app
            .get_ok("/api/v1/billing/identity", &app.coordinator)
            .await;
        assert_eq!(got["vat_number"], "BE0403019261");
        assert_eq!(got["iban"], "BE68539007547034");
        assert_eq!(got["bic"], "GKCCBEBB");
        assert_eq!(got["peppol_id"], "0208:0403019261");
    }
);

on_both_backends!(a_plan_needs_rising_tiers_that_end_open, |app| async move {
    let mut bad = plan();
    bad["tiers"] = json!([
        {"up_to": 10, "member_fee": "1.00", "non_member_fee": "2.00"},
        {"up_to": 5, "member_fee": "1.00", "non_member_fee": "2.00"},
        {"member_fee": "1.00", "non_member_fee": "2.00"}
    ]);
    let problem =
        expect_problem(app.post("/api/v1/plans", &app.coordinator, &bad).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "tiers");

    app.post_ok("/api/v1/plans", &app.coordinator, &plan())
        .await;
    let again = app.post("/api/v1/plans", &app.coordinator, &plan()).await;
    expect_problem(again, 409).await;
    let got = app.get_ok("/api/v1/plans/standard", &app.coordinator).await;
    assert_eq!(got["tiers"][1]["from"], 3);
    assert_eq!(got["tiers"][1]["up_to"], Value::Null);
    assert_eq!(got["vat_rate"], "21");
});

on_both_backends!(
    the_yearly_run_previews_then_invoices_each_billable_cooperative_once,
    |app| async move {
        set_up_billing(&app).await;
        let (small, _) = cooperative_with_holders(&app, "klein", 1).await;
        let (large, _) = cooperative_with_holders(&app, "groot", 3).await;
        app.create_tenant("zonder").await;
        put_profile(&app, &small, &profile(true, "2020-01-01")).await;
        let mut joining = profile(false, &format!("{}-03-15", year()));
        joining["migration"] = json!(true);
        put_profile(&app, &large, &joining).await;

        let preview = app
            .post_ok(
                "/api/v1/billing/runs/preview",
                &app.coordinator,
                &json!({"year": year()}),
            )
            .await;
        let by_slug = |slug: &str| {
            preview
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["slug"] == slug)
                .unwrap()
                .clone()
        };
        let klein = by_slug("klein");
        assert_eq!(klein["outcome"], "invoice");
        assert_eq!(klein["active_shareholders"], 1);
        // Member, tier 1, first invoice: 150 + onboarding 300; 21 % VAT.
        assert_eq!(klein["net"], "450.00");
        assert_eq!(klein["gross"], "544.50");
        let groot = by_slug("groot");
        // Counted on its start date: 3 holders, tier 2, non-member 600 × 10/12 = 500, plus
        // onboarding and migration.
        assert_eq!(groot["active_shareholders"], 3);
        assert_eq!(groot["lines"][0]["net"], "500.00");
        assert_eq!(groot["net"], "1300.00");
        assert!(
            groot["reason"].as_str().unwrap().contains("10/12"),
            "{groot}"
        );
        assert_eq!(by_slug("zonder")["outcome"], "no_profile");
        assert!(
            invoices(&app, "").await.is_empty(),
            "a preview writes nothing"
        );

        let first = billing_run(&app, year()).await;
        assert_eq!(first["created"].as_array().unwrap().len(), 2, "{first}");
        let numbers: Vec<_> = invoices(&app, "kind=invoice")
            .await
            .iter()
            .map(|i| i["number"].as_str().unwrap().to_string())
            .collect();
        let y = year();
        assert_eq!(numbers, [format!("F{y}-00002"), format!("F{y}-00001")]);

        let second = billing_run(&app, year()).await;
        assert!(second["created"].as_array().unwrap().is_empty(), "{second}");
        assert_eq!(invoices(&app, "").await.len(), 2);

        let invoice = &invoices(&app, &format!("tenant={small}")).await[0];
        assert_eq!(invoice["status"], "issued");
        assert_eq!(invoice["billing_year"], year());
        let communication = invoice["structured_communication"].as_str().unwrap();
        assert!(
            communication.starts_with(&format!(
                "+++{}/{}",
                &y.to_string()[..3],
                &y.to_string()[3..]
            )),
            "{communication}"
        );
        let due: chrono::NaiveDate = invoice["due_date"].as_str().unwrap().parse().unwrap();
        assert_eq!(due, today() + chrono::Duration::days(30));
    }
);

on_both_backends!(a_run_beyond_next_year_is_refused, |app| async move {
    set_up_billing(&app).await;
    for year in [year() - 1, year() + 2] {
        let r = app
            .post(
                "/api/v1/billing/runs",
                &app.coordinator,
                &json!({"year": year}),
            )
            .await;
        let problem = expect_problem(r, 422).await;
        assert_eq!(problem["errors"][0]["field"], "year");
    }
});

on_both_backends!(
    a_run_before_the_identity_is_set_is_refused,
    |app| async move {
        let r = app
            .post(
                "/api/v1/billing/runs",
                &app.coordinator,
                &json!({"year": year()}),
            )
            .await;
        expect_problem(r, 409).await;
    }
);

/// One invoice of 544.50 for a fresh cooperative; returns (tenant, admin, invoice id).
pub(crate) async fn one_invoice(app: &TestApp, slug: &str) -> (String, String, String) {
    set_up_billing(app).await;
    let (tenant, admin) = cooperative_with_holders(app, slug, 1).await;
    put_profile(app, &tenant, &profile(true, "2020-01-01")).await;
    billing_run(app, year()).await;
    let id = invoices(app, &format!("tenant={tenant}")).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    (tenant, admin, id)
}

on_both_backends!(a_full_credit_note_leaves_nothing_to_pay, |app| async move {
    let (_, _, invoice) = one_invoice(&app, "krediet").await;
    let credit = app
        .post_ok(
            &format!("/api/v1/invoices/{invoice}/credit-notes"),
            &app.coordinator,
            &json!({"reason": "Dubbel gefactureerd"}),
        )
        .await;
    assert_eq!(credit["kind"], "credit_note");
    assert_eq!(credit["number"], format!("C{}-00001", year()));
    assert_eq!(credit["corrects_id"], invoice.as_str());
    assert_eq!(credit["gross"], "544.50");
    let got = app
        .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
        .await;
    assert_eq!(got["status"], "credited");
    assert_eq!(got["outstanding"], "0.00");
    assert_eq!(got["credit_notes"][0], credit["id"]);

    let again = app
        .post(
            &format!("/api/v1/invoices/{invoice}/credit-notes"),
            &app.coordinator,
            &json!({"reason": "Nog eens"}),
        )
        .await;
    expect_problem(again, 422).await;
});

on_both_backends!(
    a_partial_credit_note_cannot_credit_more_than_is_left,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "deels").await;
        let path = format!("/api/v1/invoices/{invoice}/credit-notes");
        let partial = json!({"reason": "Korting", "lines": [{"description": "Korting opstart", "unit_price": "100.00"}]});
        let credit = app.post_ok(&path, &app.coordinator, &partial).await;
        assert_eq!(credit["gross"], "121.00");
        let got = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        assert_eq!(got["credited"], "121.00");
        assert_eq!(got["outstanding"], "423.50");
        assert_eq!(got["status"], "issued");

        let too_much = json!({"reason": "Te veel", "lines": [{"description": "Alles", "unit_price": "400.00"}]});
        let problem = expect_problem(app.post(&path, &app.coordinator, &too_much).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], "lines");
        let credits = invoices(&app, "kind=credit_note").await;
        assert_eq!(credits.len(), 1, "the refused credit note took no number");
    }
);

on_both_backends!(
    payments_make_an_invoice_partly_paid_then_paid,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "betaling").await;
        let path = format!("/api/v1/invoices/{invoice}/payments");
        let paid_on = today().to_string();
        app.post_ok(
            &path,
            &app.coordinator,
            &json!({"amount": "500.00", "paid_on": paid_on}),
        )
        .await;
        let got = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        assert_eq!(got["status"], "partly_paid");
        assert_eq!(got["outstanding"], "44.50");
        assert_eq!(invoices(&app, "open=true").await.len(), 1);
        assert!(
            invoices(&app, "overdue=true").await.is_empty(),
            "not due yet"
        );

        app.post_ok(
            &path,
            &app.coordinator,
            &json!({"amount": "44.50", "paid_on": paid_on, "payer": "Coöperatie betaling"}),
        )
        .await;
        let got = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        assert_eq!(got["status"], "paid");
        assert_eq!(got["payments"].as_array().unwrap().len(), 2);
        assert!(invoices(&app, "open=true").await.is_empty());

        let future = (today() + chrono::Duration::days(1)).to_string();
        let r = app
            .post(
                &path,
                &app.coordinator,
                &json!({"amount": "1.00", "paid_on": future}),
            )
            .await;
        expect_problem(r, 422).await;
        let r = app
            .post(
                &path,
                &app.coordinator,
                &json!({"amount": 1.0, "paid_on": paid_on}),
            )
            .await;
        assert_eq!(r.status(), 400, "money is a decimal string, never a float");
    }
);

on_both_backends!(
    a_retried_payment_with_its_key_is_recorded_once,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "sleutel").await;
        let path = format!("/api/v1/invoices/{invoice}/payments");
        let body = json!({"amount": "100.00", "paid_on": today().to_string()});
        let send = |body: Value| {
            app.client
                .post(app.url(&path))
                .bearer_auth(&app.coordinator)
                .header("Idempotency-Key", "pay-1")
                .json(&body)
                .send()
        };
        let first: Value = send(body.clone()).await.unwrap().json().await.unwrap();
        let second: Value = send(body.clone()).await.unwrap().json().await.unwrap();
        assert_eq!(first["id"], second["id"]);
        let got = app
            .get_ok(&format!("/api/v1/invoices/{invoice}"), &app.coordinator)
            .await;
        assert_eq!(got["paid"], "100.00");
        let other = send(json!({"amount": "99.00", "paid_on": today().to_string()}))
            .await
            .unwrap();
        expect_problem(other, 422).await;
    }
);

on_both_backends!(
    a_cooperatives_admins_read_only_their_own_invoices,
    |app| async move {
        let (tenant, admin, invoice) = one_invoice(&app, "eigen").await;
        let (_, other_admin) = app.tenant_with_admin("ander").await;
        let mine = app
            .get_ok(&format!("/api/v1/invoices?tenant={tenant}"), &admin)
            .await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
        app.get_ok(&format!("/api/v1/invoices/{invoice}"), &admin)
            .await;

        expect_problem(
            app.get(&format!("/api/v1/invoices/{invoice}"), &other_admin)
                .await,
            404,
        )
        .await;
        expect_problem(
            app.get(&format!("/api/v1/invoices?tenant={tenant}"), &other_admin)
                .await,
            404,
        )
        .await;
        expect_problem(app.get("/api/v1/invoices", &admin).await, 403).await;
        let pay = json!({"amount": "1.00", "paid_on": today().to_string()});
        expect_problem(
            app.post(
                &format!("/api/v1/invoices/{invoice}/payments"),
                &admin,
                &pay,
            )
            .await,
            403,
        )
        .await;
        expect_problem(
            app.post("/api/v1/billing/runs", &admin, &json!({"year": year()}))
                .await,
            403,
        )
        .await;
        expect_problem(app.get("/api/v1/plans", &admin).await, 403).await;
    }
);

on_both_backends!(
    the_coordinator_sees_counts_never_a_shareholders_name,
    |app| async move {
        set_up_billing(&app).await;
        let (tenant, admin) = cooperative_with_holders(&app, "prive", 2).await;
        put_profile(&app, &tenant, &profile(true, "2020-01-01")).await;
        let holders = app
            .get_ok(&format!("/api/v1/tenants/{tenant}/shareholders"), &admin)
            .await;
        let holder = holders["items"][0]["id"].as_str().unwrap().to_string();
        app.post_ok(
            &format!("/api/v1/tenants/{tenant}/certificates"),
            &admin,
            &json!({ "shareholder_id": holder }),
        )
        .await;
        let usage = app
            .get_ok(
                &format!("/api/v1/billing/usage?year={}", year()),
                &app.coordinator,
            )
            .await;
        let preview = app
            .post_ok(
                "/api/v1/billing/runs/preview",
                &app.coordinator,
                &json!({"year": year()}),
            )
            .await;
        billing_run(&app, year()).await;
        let listed = invoices(&app, "").await;
        let detail = app
            .get_ok(
                &format!("/api/v1/invoices/{}", listed[0]["id"].as_str().unwrap()),
                &app.coordinator,
            )
            .await;
        for body in [&usage, &preview, &json!(listed), &detail] {
            let text = body.to_string();
            assert!(
                !text.contains("Vandenbroucke"),
                "a shareholder's name in {text}"
            );
            assert!(!text.contains("Griet"), "a shareholder's name in {text}");
        }
        let usage = usage
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["tenant_id"] == tenant.as_str())
            .unwrap()
            .clone();
        let month = format!("{}-{:02}", year(), today().month());
        let this_month = usage["months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["month"] == month.as_str())
            .unwrap();
        assert_eq!(this_month["entries"], 2, "{usage}");
        assert_eq!(this_month["certificates"], 1, "{usage}");
        assert_eq!(
            this_month["active_shareholders"],
            Value::Null,
            "a month not over yet"
        );
        let january = &usage["months"][0];
        assert_eq!(january["active_shareholders"], 2, "{usage}");
    }
);

fn execute(app: &TestApp, sql: &str) -> Option<String> {
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query(sql)
        .execute(&mut *conn)
        .err()
        .map(|e| e.to_string())
}

/// Makes the database refuse an invoice of `tenant` (as a failing disk or a bug would),
/// after its number was taken.
fn fail_invoices_of(app: &TestApp, tenant: &str) {
    let statements = match app.backend {
        dar_tests::Backend::Postgres => vec![
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$".to_string(),
            format!("CREATE TRIGGER test_refuse AFTER INSERT ON billing_documents FOR EACH ROW WHEN (NEW.tenant_id = '{tenant}') EXECUTE FUNCTION test_refuse()"),
        ],
        dar_tests::Backend::Sqlite => vec![format!(
            "CREATE TRIGGER test_refuse AFTER INSERT ON billing_documents WHEN NEW.tenant_id = '{tenant}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )],
    };
    for sql in statements {
        assert_eq!(execute(app, &sql), None);
    }
}

on_both_backends!(
    four_concurrent_runs_number_without_gaps_despite_a_failed_transaction,
    |app| async move {
        set_up_billing(&app).await;
        let mut tenants = Vec::new();
        for slug in ["run-a", "run-b", "run-c", "run-d", "run-e", "run-f"] {
            let tenant = app.create_tenant(slug).await;
            put_profile(&app, &tenant, &profile(true, "2020-01-01")).await;
            tenants.push(tenant);
        }
        fail_invoices_of(&app, &tenants[2]);

        let runs = futures_util::future::join_all((0..4).map(|_| billing_run(&app, year()))).await;
        let created: usize = runs
            .iter()
            .map(|r| r["created"].as_array().unwrap().len())
            .sum();
        assert_eq!(created, 5, "{runs:?}");
        assert!(
            runs.iter().all(|r| r["failed"][0]["slug"] == "run-c"),
            "{runs:?}"
        );

        let mut numbers: Vec<String> = invoices(&app, "kind=invoice")
            .await
            .iter()
            .map(|i| i["number"].as_str().unwrap().to_string())
            .collect();
        numbers.sort();
        let y = year();
        let expected: Vec<String> = (1..=5).map(|n| format!("F{y}-{n:05}")).collect();
        assert_eq!(numbers, expected, "no number skipped, none given twice");

        let drop = match app.backend {
            dar_tests::Backend::Postgres => "DROP TRIGGER test_refuse ON billing_documents",
            dar_tests::Backend::Sqlite => "DROP TRIGGER test_refuse",
        };
        assert_eq!(execute(&app, drop), None);
        let last = billing_run(&app, year()).await;
        assert_eq!(last["created"][0]["slug"], "run-c");
        assert_eq!(last["created"][0]["invoice_number"], format!("F{y}-00006"));
    }
);

on_both_backends!(
    issued_documents_never_change_even_around_the_service,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "vast").await;
        for sql in [
            format!("UPDATE billing_documents SET gross_cents = 1 WHERE id = '{invoice}'"),
            format!("DELETE FROM billing_lines WHERE document_id = '{invoice}'"),
            format!("DELETE FROM billing_documents WHERE id = '{invoice}'"),
            "DELETE FROM billing_series".to_string(),
        ] {
            let error = execute(&app, &sql).expect("the database changed an issued document");
            assert!(error.contains("append_only"), "{sql}: {error}");
        }
        // A number that skips one, or a series moved on by hand, is refused too.
        let y = year();
        let gap = format!(
        "INSERT INTO billing_documents (id, kind, year, seq, number, tenant_id, issue_date, due_date, language, net_cents, vat_cents, gross_cents, structured_communication, seller, buyer, created_by, created_at)
         SELECT 'x', 'invoice', {y}, 3, 'F{y}-00003', tenant_id, issue_date, due_date, language, 0, 0, 0, '000000000097', seller, buyer, created_by, created_at FROM billing_documents WHERE id = '{invoice}'"
    );
        let error = execute(&app, &gap).expect("a numbering gap was accepted");
        assert!(error.contains("numbering_gap"), "{error}");
        let jump =
            format!("UPDATE billing_series SET last_seq = 5 WHERE kind = 'invoice' AND year = {y}");
        let error = execute(&app, &jump).expect("a series jumped");
        assert!(error.contains("numbering_gap"), "{error}");
    }
);

async fn post_statement(app: &TestApp, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/billing/bank-statements"))
        .bearer_auth(&app.coordinator)
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .unwrap()
}

on_both_backends!(
    a_coda_statement_records_matching_and_partial_payments_and_reports_the_rest,
    |app| async move {
        use dar_core::billing::coda::{self, Movement};
        use dar_core::identifiers::StructuredCommunication;
        use dar_core::money::Money;

        let (_, _, first) = one_invoice(&app, "coda-a").await;
        let (other, _) = cooperative_with_holders(&app, "coda-b", 1).await;
        put_profile(&app, &other, &profile(true, "2020-01-01")).await;
        billing_run(&app, year()).await;
        let second = invoices(&app, &format!("tenant={other}")).await[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let ogm = |id: &str| {
            let id = id.to_string();
            let app = &app;
            async move {
                let detail = app
                    .get_ok(&format!("/api/v1/invoices/{id}"), &app.coordinator)
                    .await;
                StructuredCommunication::parse(detail["structured_communication"].as_str().unwrap())
                    .unwrap()
            }
        };
        let day = today();
        let movement =
            |reference: &str,
             credit: bool,
             cents: i64,
             structured: Option<StructuredCommunication>| Movement {
                bank_reference: reference.into(),
                credit,
                amount: Money::from_cents(cents).unwrap(),
                value_date: day,
                entry_date: day,
                structured,
                communication: None,
                counterparty_name: Some("Coöperatie betaalt cv".into()),
                counterparty_account: Some("BE71096123456769".into()),
            };
        let unknown = StructuredCommunication::parse("+++010/8068/17183+++").unwrap();
        let movements = vec![
            movement("BANKREF0001", true, 54450, Some(ogm(&first).await)),
            movement("BANKREF0002", true, 10000, Some(ogm(&second).await)),
            movement("BANKREF0003", true, 5000, Some(unknown)),
            movement("BANKREF0004", true, 1000, None),
            movement("BANKREF0005", false, 2000, None),
            movement("BANKREF0001", true, 54450, Some(ogm(&first).await)),
        ];
        let file = coda::write("BE68539007547034", day, &movements);

        let r = post_statement(&app, file.clone()).await;
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        let outcomes: Vec<_> = report["movements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["outcome"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            outcomes,
            [
                "paid",
                "partly_paid",
                "unknown_reference",
                "no_reference",
                "not_a_credit",
                "duplicate"
            ],
            "{report}"
        );
        assert_eq!(report["recorded"], 2);
        assert_eq!(report["recorded_amount"], "644.50");
        assert_eq!(report["unmatched"], 4);
        let a = app
            .get_ok(&format!("/api/v1/invoices/{first}"), &app.coordinator)
            .await;
        assert_eq!(a["status"], "paid");
        assert_eq!(a["payments"][0]["method"], "coda");
        assert_eq!(a["payments"][0]["payer"], "Coöperatie betaalt cv");
        let b = app
            .get_ok(&format!("/api/v1/invoices/{second}"), &app.coordinator)
            .await;
        assert_eq!(b["status"], "partly_paid");
        assert_eq!(b["outstanding"], "444.50");

        // The same statement again records nothing.
        let again: Value = post_statement(&app, file).await.json().await.unwrap();
        assert_eq!(again["recorded"], 0, "{again}");
        assert_eq!(again["movements"][0]["outcome"], "duplicate");
        assert_eq!(again["movements"][1]["outcome"], "duplicate");
        let b = app
            .get_ok(&format!("/api/v1/invoices/{second}"), &app.coordinator)
            .await;
        assert_eq!(b["paid"], "100.00");

        let problem =
            expect_problem(post_statement(&app, "not a statement\n".into()).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], "file");
    }
);

on_both_backends!(
    the_bookkeeping_export_lists_invoices_credit_notes_and_payments,
    |app| async move {
        let (_, _, invoice) = one_invoice(&app, "boeken").await;
        app.post_ok(
        &format!("/api/v1/invoices/{invoice}/credit-notes"),
        &app.coordinator,
        &json!({"reason": "Korting", "lines": [{"description": "Korting", "unit_price": "10.00"}]}),
    )
    .await;
        app.post_ok(
            &format!("/api/v1/invoices/{invoice}/payments"),
            &app.coordinator,
            &json!({"amount": "532.40", "paid_on": today().to_string(), "payer": "Boeken cv"}),
        )
        .await;
        let r = app
            .get(
                &format!(
                    "/api/v1/billing/exports/bookkeeping?year={}&dialect=rfc4180",
                    year()
                ),
                &app.coordinator,
            )
            .await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let y = year();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].starts_with("type,number,date,due_date,cooperative"));
        assert!(
            lines[1].starts_with(&format!("credit_note,C{y}-00001,")),
            "{text}"
        );
        assert!(
            lines[1].contains(&format!(",10.00,2.10,12.10,F{y}-00001,")),
            "{text}"
        );
        assert!(
            lines[2].starts_with(&format!("invoice,F{y}-00001,")),
            "{text}"
        );
        assert!(lines[2].contains(",450.00,94.50,544.50,"), "{text}");
        assert!(
            lines[3].starts_with(&format!("payment,F{y}-00001,")),
            "{text}"
        );
        assert!(
            lines[3].contains("Boeken cv") && lines[3].contains("532.40,,,manual"),
            "{text}"
        );
    }
);

on_both_backends!(
    usage_counts_an_entry_by_the_month_it_was_recorded_in_brussels,
    |app| async move {
        // 23:30 UTC on 30 November and on 31 December is already the next month (and, the
        // second time, the next year) in Brussels.
        use crate::ledger_engine::{issue, register, request};
        use chrono::TimeZone;
        let (tenant, _admin, h) = register(&app, "usage-months").await;
        let mut conn = app.db.conn().unwrap();
        for (at, date) in [
            ((2025, 11, 30, 22, 30), "2025-11-30"),
            ((2025, 11, 30, 23, 30), "2025-11-30"),
            ((2025, 12, 31, 23, 30), "2025-12-31"),
        ] {
            let (y, m, d, hh, mm) = at;
            let now = chrono::Utc.with_ymd_and_hms(y, m, d, hh, mm, 0).unwrap();
            let req = request(&tenant, None, vec![issue(&h[0], 1, date)]);
            dar_db::ledger::append(&mut conn, &req, now).unwrap();
        }
        let id = tenant.parse().unwrap();
        let mut months =
            |year| dar_db::billing::usage::entries_per_month(&mut conn, &id, year).unwrap();
        let in_2025 = months(2025);
        assert_eq!(
            in_2025,
            [("2025-11".to_string(), 1), ("2025-12".to_string(), 1)]
        );
        let in_2026 = months(2026);
        assert_eq!(in_2026, [("2026-01".to_string(), 1)]);
    }
);
