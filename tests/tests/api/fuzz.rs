//! The whole API fuzzed from our own OpenAPI document with schemathesis: every operation,
//! as an admin, a coordinator and a shareholder, on a realistically filled register. The
//! checks: no server error, and status codes, content types and bodies as documented.
//!
//! schemathesis is a Python program: `.ci/run` installs a pinned version in a venv and
//! names it in `DAR_TEST_SCHEMATHESIS`, with `DAR_TEST_REQUIRE_FUZZ=1` so that CI cannot
//! skip it. Locally, without it, the test is skipped with a note.

use std::path::Path;
use std::time::Instant;

use dar_tests::{TestApp, on_both_backends, tool};
use serde_json::json;

/// Bounded so the six runs (three roles, two databases) fit CI: 25 cases per operation
/// and phase, generated deterministically, so a failure reproduces run after run. A deeper
/// search is `DAR_FUZZ_MAX_EXAMPLES=500` (and `DAR_FUZZ_WORKERS=4` for concurrent requests).
const MAX_EXAMPLES: &str = "25";
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance,unsupported_method,allow_header_conformance";

/// The ids of real objects of the demo cooperative, so the generated requests reach the
/// handlers' logic instead of stopping at "not found".
struct Fixture {
    shareholder: String,
    certificate: String,
    batch: String,
    /// The demo cooperative's invoice of this year.
    invoice: String,
}

async fn fill(app: &TestApp) -> (String, Fixture) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || dar_api::demo::load_sized(&db, 40))
        .await
        .expect("demo task")
        .expect("loading the demo cooperative");
    let admin = &app
        .login("admin@demo.dar.coop", dar_api::demo::PASSWORD)
        .await;
    let t = dar_api::demo::SLUG;
    let holders = app
        .get_ok(&format!("/api/v1/tenants/{t}/shareholders?limit=5"), admin)
        .await;
    let shareholder = holders["items"][0]["id"]
        .as_str()
        .expect("a shareholder")
        .to_string();
    let certificate = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            admin,
            &json!({ "shareholder_id": shareholder }),
        )
        .await["id"]
        .as_str()
        .expect("certificate id")
        .to_string();
    let batch = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificate-batches"),
            admin,
            &json!({ "shareholder_ids": [shareholder] }),
        )
        .await["id"]
        .as_str()
        .expect("batch id")
        .to_string();
    let invoice = billed(app, t).await;
    let fixture = Fixture {
        shareholder,
        certificate,
        batch,
        invoice,
    };
    (admin.clone(), fixture)
}

/// Billing set up (identity, the plan `standard`, a profile) and the demo cooperative's
/// invoice of this year issued; returns the invoice's id.
async fn billed(app: &TestApp, tenant: &str) -> String {
    let identity = json!({
        "name": "Netwerk vzw", "enterprise_number": "0403019261", "vat_number": "BE0403019261",
        "iban": "BE68539007547034", "email": "facturen@netwerk.test",
        "address": {"street": "Markt 1", "postal_code": "1000", "city": "Brussel"}
    });
    let r = app
        .client
        .put(app.url("/api/v1/billing/identity"))
        .bearer_auth(&app.coordinator)
        .json(&identity)
        .send()
        .await
        .expect("identity");
    assert_eq!(r.status(), 200);
    let plan = json!({
        "code": "standard", "name": "Standaard", "onboarding_fee": "300.00", "migration_fee": "0",
        "tiers": [{"up_to": 100, "member_fee": "150.00", "non_member_fee": "250.00"},
                  {"member_fee": "400.00", "non_member_fee": "600.00"}]
    });
    app.post_ok("/api/v1/plans", &app.coordinator, &plan).await;
    let profile = json!({"plan": "standard", "member": true, "billing_start": "2024-01-01", "email": "bestuur@demo.test"});
    let r = app
        .client
        .put(app.url(&format!("/api/v1/tenants/{tenant}/billing-profile")))
        .bearer_auth(&app.coordinator)
        .json(&profile)
        .send()
        .await
        .expect("profile");
    assert_eq!(r.status(), 200);
    let year = chrono::Datelike::year(&dar_tests::today());
    let run = app
        .post_ok(
            "/api/v1/billing/runs",
            &app.coordinator,
            &json!({"year": year}),
        )
        .await;
    run["created"][0]["invoice_id"]
        .as_str()
        .expect("an invoice")
        .to_string()
}

/// schemathesis' configuration: the path parameters of each operation.
fn config(fixture: &Fixture) -> String {
    let mut out = format!(
        "[parameters]\n\"path.tenant\" = \"{}\"\n",
        dar_api::demo::SLUG
    );
    let ids: [(&str, &str); 17] = [
        ("get_shareholder", &fixture.shareholder),
        ("update_shareholder", &fixture.shareholder),
        ("list_shareholder_versions", &fixture.shareholder),
        ("get_shareholder_holdings", &fixture.shareholder),
        ("get_shareholder_history_pdf", &fixture.shareholder),
        ("get_certificate", &fixture.certificate),
        ("get_certificate_pdf", &fixture.certificate),
        ("verify_certificate", &fixture.certificate),
        ("get_certificate_batch", &fixture.batch),
        ("get_certificate_batch_zip", &fixture.batch),
        ("get_ledger_entry", "1"),
        ("get_invoice", &fixture.invoice),
        ("get_invoice_pdf", &fixture.invoice),
        ("get_invoice_ubl", &fixture.invoice),
        ("create_credit_note", &fixture.invoice),
        ("record_payment", &fixture.invoice),
        // No support session exists: closing one answers 404, as documented.
        (
            "close_support_session",
            "0190f5c2-0000-7000-8000-000000000000",
        ),
    ];
    for (operation, id) in ids {
        out += &format!(
            "\n[[operations]]\ninclude-operation-id = \"{operation}\"\n\
             parameters = {{ \"path.id\" = \"{id}\" }}\n"
        );
    }
    for operation in ["get_plan", "put_plan"] {
        out += &format!(
            "\n[[operations]]\ninclude-operation-id = \"{operation}\"\n\
             parameters = {{ \"path.plan\" = \"standard\" }}\n"
        );
    }
    out
}

/// The part of schemathesis' report that says what failed.
fn failures(report: &str) -> &str {
    match (report.find("FAILURES"), report.find("SUMMARY")) {
        (Some(start), Some(end)) if start < end => &report[start..end],
        _ => report,
    }
}

/// A positive number from the environment, else `default`.
fn setting(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| v.parse::<u32>().is_ok_and(|n| n > 0))
        .unwrap_or_else(|| default.to_string())
}

fn fuzz_as(schemathesis: &Path, dir: &Path, base: &str, run: &str, token: &str) -> (bool, String) {
    let started = Instant::now();
    let output = std::process::Command::new(schemathesis)
        .current_dir(dir)
        .args(["--config-file", "schemathesis.toml", "run"])
        .arg(format!("{base}/api/v1/openapi.json"))
        .args(["--url", base])
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .args(["--checks", CHECKS])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args([
            "--max-examples",
            &setting("DAR_FUZZ_MAX_EXAMPLES", MAX_EXAMPLES),
        ])
        .arg("--generation-deterministic")
        .arg("--continue-on-failure")
        .args(["--workers", &setting("DAR_FUZZ_WORKERS", "1")])
        .arg("--no-color")
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .output()
        .expect("running schemathesis");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let cases = report
        .lines()
        .find(|l| l.contains(" generated, "))
        .unwrap_or("")
        .trim()
        .to_string();
    eprintln!(
        "fuzz: {run}: {:.1} s, {cases}",
        started.elapsed().as_secs_f64()
    );
    (output.status.success(), report)
}

on_both_backends!(the_api_holds_its_contract_under_fuzzing, |app| async move {
    let Some(schemathesis) = tool(
        "DAR_TEST_SCHEMATHESIS",
        "schemathesis",
        "DAR_TEST_REQUIRE_FUZZ",
    ) else {
        return;
    };
    let (admin, fixture) = fill(&app).await;
    let shareholder = app
        .login("aandeelhouder@demo.dar.coop", dar_api::demo::PASSWORD)
        .await;
    let dir = std::env::temp_dir().join(format!("dar-fuzz-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("fuzz folder");
    std::fs::write(dir.join("schemathesis.toml"), config(&fixture)).expect("config");
    let base = app.address.clone();
    // The shareholder first and the coordinator last: the admin's and the coordinator's
    // generated writes change the register (a locked period, a suspended cooperative).
    let roles = [
        ("shareholder", shareholder),
        ("admin", admin),
        ("coordinator", app.coordinator.clone()),
    ];
    let mut failed = Vec::new();
    for (role, token) in roles {
        let (schemathesis, dir, base) = (schemathesis.clone(), dir.clone(), base.clone());
        let run = format!("{role} on {:?}", app.backend);
        let (ok, report) =
            tokio::task::spawn_blocking(move || fuzz_as(&schemathesis, &dir, &base, &run, &token))
                .await
                .expect("fuzz task");
        if !ok {
            failed.push(format!(
                "== as {role} on {:?}:\n{}",
                app.backend,
                failures(&report)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
});
