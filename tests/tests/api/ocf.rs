//! The whole cooperative in Open Cap Format: the export validated against the official OCF
//! 1.2.0 schemas (`tests/validators/ocf`), read back into a new cooperative with the same
//! register on every date, and packages written by other tools imported by their stock
//! transactions.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::imports::{commit, download, history, register_at, upload_ok};
use dar_tests::{TestApp, on_both_backends};

/// `history` with a transfer that takes from two of Cas's securities (7 shares issued on
/// 1 February, 2 on 1 July) and a company holder who never held shares.
async fn ocf_history(app: &TestApp, slug: &str) -> (String, String) {
    let (t, admin) = history(app, slug).await;
    let shareholders = app
        .get_ok(
            &format!("/api/v1/tenants/{t}/shareholders?limit=10"),
            &admin,
        )
        .await;
    let id_of = |last: &str| {
        shareholders["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["last_name"] == last)
            .map(|h| h["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (ada, cas) = (id_of("Peeters"), id_of("Wouters"));
    app.post_entry_ok(
        &t,
        &admin,
        &json!({"kind": "transfer", "share_class": "A", "from": cas, "to": ada, "quantity": 8,
                "effective_date": "2025-08-01", "price_per_share": "26.00"}),
    )
    .await;
    app.post_ok(
        &format!("/api/v1/tenants/{t}/shareholders"),
        &admin,
        &json!({
            "kind": "legal", "legal_name": "Zonnewind cv", "enterprise_number": "0403.170.701",
            "admission_date": "2025-09-01", "email": "bestuur@zonnewind.test",
            "address": {"street": "Kaai 1", "postal_code": "2000", "city": "Antwerpen", "country": "BE"}
        }),
    )
    .await;
    (t, admin)
}

/// The files of a ZIP archive by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut body = Vec::new();
        file.read_to_end(&mut body).unwrap();
        files.insert(file.name().unwrap().to_string(), body);
    }
    files
}

fn zip_of(files: &[(&str, &Value)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&serde_json::to_vec_pretty(body).unwrap())
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn items(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Vec<Value> {
    let file: Value = serde_json::from_slice(&files[name]).expect("JSON");
    file["items"].as_array().expect("items").clone()
}

fn validator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("validators/ocf/validate.py")
}

/// A Python with jsonschema and referencing (CI's test venv), or `None` to skip.
fn python() -> Option<PathBuf> {
    dar_tests::python_with(&["jsonschema", "referencing"])
}

on_both_backends!(
    the_ocf_export_passes_the_official_ocf_schemas_with_checksums_and_references,
    |app| async move {
        let (t, admin) = ocf_history(&app, "ocf-valid").await;
        let r = app
            .get(&format!("/api/v1/tenants/{t}/exports/ocf"), &admin)
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/zip");
        let files = unzip(&r.bytes().await.unwrap());
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                "Manifest.ocf.json",
                "Stakeholders.ocf.json",
                "StockClasses.ocf.json",
                "Transactions.ocf.json"
            ]
        );
        let Some(python) = python() else { return };
        let dir = std::env::temp_dir().join(format!("dar-ocf-{t}"));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, body) in &files {
            std::fs::write(dir.join(name), body).unwrap();
        }
        let out = std::process::Command::new(python)
            .arg(validator())
            .args(["--strict-md5", "--check-refs"])
            .arg(dir.join("Manifest.ocf.json"))
            .output()
            .expect("the OCF validator runs");
        std::fs::remove_dir_all(&dir).ok();
        let report = String::from_utf8_lossy(&out.stdout);
        println!("{report}");
        assert!(
            out.status.success(),
            "{report}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(report.contains("summary:"), "{report}");
    }
);

on_both_backends!(
    the_ocf_export_consumes_a_holders_securities_first_issued_first_and_keeps_paid_up_in_comments,
    |app| async move {
        let (t, admin) = ocf_history(&app, "ocf-lots").await;
        let files =
            unzip(&download(&app, &format!("/api/v1/tenants/{t}/exports/ocf"), &admin).await);
        let tx = items(&files, "Transactions.ocf.json");
        let issuance = |security: &str| {
            tx.iter()
                .find(|i| i["object_type"] == "TX_STOCK_ISSUANCE" && i["security_id"] == security)
                .cloned()
                .unwrap_or_else(|| panic!("no issuance of {security}"))
        };
        // Cas's 8 shares: all 7 of the February issue, then 1 of July's 2.
        let parts: Vec<&Value> = tx
            .iter()
            .filter(|i| i["object_type"] == "TX_STOCK_TRANSFER" && i["date"] == "2025-08-01")
            .collect();
        assert_eq!(parts.len(), 2, "{parts:#?}");
        let taken: Vec<(String, String)> = parts
            .iter()
            .map(|p| {
                let from = issuance(p["security_id"].as_str().unwrap());
                (
                    from["date"].as_str().unwrap().to_string(),
                    p["quantity"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            taken,
            [
                ("2025-02-01".to_string(), "7".to_string()),
                ("2025-07-01".to_string(), "1".to_string())
            ]
        );
        assert!(parts[0].get("balance_security_id").is_none());
        let rest = issuance(parts[1]["balance_security_id"].as_str().unwrap());
        assert_eq!(
            (rest["quantity"].as_str(), rest["date"].as_str()),
            (Some("1"), Some("2025-08-01"))
        );
        let received = issuance(parts[0]["resulting_security_ids"][0].as_str().unwrap());
        assert_eq!(received["stakeholder_id"], "holder-1");
        // Bram's B shares were issued with 120.00 of 300.00 paid; his payment is on him.
        let bram_b = tx
            .iter()
            .find(|i| {
                i["object_type"] == "TX_STOCK_ISSUANCE"
                    && i["stock_class_id"] == "class-B"
                    && i["stakeholder_id"] == "holder-2"
                    && i["date"] == "2025-01-20"
            })
            .unwrap();
        let comments = bram_b["comments"].to_string();
        assert!(
            comments.contains("EUR 120.00 of EUR 300.00 paid up"),
            "{comments}"
        );
        assert!(comments.contains(r#"dar:{\"entry\":2"#), "{comments}");
        let holders = items(&files, "Stakeholders.ocf.json");
        let bram = holders.iter().find(|h| h["id"] == "holder-2").unwrap();
        assert!(
            bram["comments"]
                .to_string()
                .contains("EUR 60.00 paid up on class B"),
            "{bram:#}"
        );
        // The reversed issue and its reversal are not there.
        assert!(!tx.iter().any(|i| i["date"] == "2025-02-15"));
    }
);

on_both_backends!(
    an_ocf_export_imported_into_a_new_cooperative_gives_the_same_register_on_every_date,
    |app| async move {
        let (from, admin) = ocf_history(&app, "ocf-trip").await;
        let package = download(&app, &format!("/api/v1/tenants/{from}/exports/ocf"), &admin).await;
        let (to, to_admin) = app.tenant_with_admin("ocf-trip-copy").await;
        app.create_class(&to, &to_admin, "A", "25.00", "free").await;
        app.create_class(&to, &to_admin, "B", "100.00", "approval")
            .await;
        // The mode asked for does not matter: a package is a history.
        let import = upload_ok(
            &app,
            &to,
            &to_admin,
            "mode=current&file_name=register.zip",
            package,
        )
        .await;
        assert_eq!(import["report"]["problem_count"], 0, "{import:#}");
        assert_eq!(import["report"]["format"], "ocf");
        assert_eq!(import["mode"], "history");
        assert_eq!(import["report"]["holders"], 4);
        assert_eq!(import["report"]["entries"], 10);
        commit(&app, &to, &to_admin, import["id"].as_str().unwrap()).await;
        for date in [
            "2025-01-15",
            "2025-02-20",
            "2025-03-01",
            "2025-04-15",
            "2025-05-31",
            "2025-06-01",
            "2025-07-31",
            "2025-08-01",
            "2025-12-31",
        ] {
            assert_eq!(
                register_at(&app, &to, &to_admin, date).await,
                register_at(&app, &from, &admin, date).await,
                "the register on {date}"
            );
        }
        let people = |tenant: String, token: String| {
            let app = &app;
            async move {
                let list = app
                    .get_ok(
                        &format!("/api/v1/tenants/{tenant}/shareholders?limit=10"),
                        &token,
                    )
                    .await;
                list["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| {
                        json!([
                            h["register_number"],
                            h["kind"],
                            h["first_name"],
                            h["last_name"],
                            h["legal_name"],
                            h["enterprise_number"],
                            h["email"],
                            h["address"],
                            h["admission_date"],
                            h["language"]
                        ])
                    })
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            people(to.clone(), to_admin.clone()).await,
            people(from.clone(), admin.clone()).await
        );
    }
);

/// A package as another tool writes it: no `dar:` comments, stakeholders without register
/// numbers, a transfer with its resulting and balance securities, a repurchase, a
/// cancellation, and an option grant (which concerns no shares held).
fn foreign_package() -> Vec<u8> {
    let manifest = json!({
        "ocf_version": "1.2.0", "file_type": "OCF_MANIFEST_FILE",
        "issuer": {"object_type": "ISSUER", "id": "iss", "legal_name": "Voorbeeld cv", "formation_date": "2020-01-01", "country_of_formation": "BE"},
        "as_of": "2025-12-31", "generated_at": "2025-12-31T12:00:00Z",
        "stock_plans_files": [], "stock_legend_templates_files": [], "vesting_terms_files": [], "valuations_files": [],
        "stock_classes_files": [{"filepath": "./classes.json", "md5": "0"}],
        "transactions_files": [{"filepath": "./tx/all.json", "md5": "0"}],
        "stakeholders_files": [{"filepath": "people.json", "md5": "0"}],
    });
    let classes = json!({"file_type": "OCF_STOCK_CLASSES_FILE", "items": [
        {"object_type": "STOCK_CLASS", "id": "common", "name": "Gewone aandelen", "class_type": "COMMON", "default_id_prefix": "A-",
         "initial_shares_authorized": "UNLIMITED", "votes_per_share": "1", "seniority": "1"}
    ]});
    let people = json!({"file_type": "OCF_STAKEHOLDERS_FILE", "items": [
        {"object_type": "STAKEHOLDER", "id": "p-1", "name": {"legal_name": "An Janssens", "first_name": "An", "last_name": "Janssens"}, "stakeholder_type": "INDIVIDUAL"},
        {"object_type": "STAKEHOLDER", "id": "p-2", "name": {"legal_name": "Jef Maes"}, "stakeholder_type": "INDIVIDUAL",
         "addresses": [{"address_type": "CONTACT", "street_suite": "Markt 3", "city": "Leuven", "postal_code": "3000", "country": "BE"}]},
        {"object_type": "STAKEHOLDER", "id": "p-3", "name": {"legal_name": "Buurtfonds vzw"}, "stakeholder_type": "INSTITUTION"},
    ]});
    let tx = json!({"file_type": "OCF_TRANSACTIONS_FILE", "items": [
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t1", "security_id": "s1", "custom_id": "A-1", "date": "2021-03-01", "stakeholder_id": "p-1",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "100", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_STOCK_TRANSFER", "id": "t2", "security_id": "s1", "date": "2022-05-01", "quantity": "30",
         "resulting_security_ids": ["s2"], "balance_security_id": "s3"},
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t2a", "security_id": "s2", "custom_id": "A-2", "date": "2022-05-01", "stakeholder_id": "p-2",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "30", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t2b", "security_id": "s3", "custom_id": "A-3", "date": "2022-05-01", "stakeholder_id": "p-1",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "70", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_STOCK_REPURCHASE", "id": "t3", "security_id": "s3", "date": "2023-06-30", "quantity": "10",
         "price": {"amount": "50.00", "currency": "EUR"}, "balance_security_id": "s4"},
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t3a", "security_id": "s4", "custom_id": "A-4", "date": "2023-06-30", "stakeholder_id": "p-1",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "60", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_STOCK_CANCELLATION", "id": "t4", "security_id": "s2", "date": "2024-01-15", "quantity": "5",
         "reason_text": "uitsluiting", "balance_security_id": "s5"},
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t4a", "security_id": "s5", "custom_id": "A-5", "date": "2024-01-15", "stakeholder_id": "p-2",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "25", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_STOCK_ISSUANCE", "id": "t5", "security_id": "s6", "custom_id": "A-6", "date": "2024-02-01", "stakeholder_id": "p-3",
         "stock_class_id": "common", "share_price": {"amount": "50.00", "currency": "EUR"}, "quantity": "4", "stock_legend_ids": [], "security_law_exemptions": []},
        {"object_type": "TX_EQUITY_COMPENSATION_ISSUANCE", "id": "o1", "security_id": "opt-1", "custom_id": "O-1", "date": "2024-03-01", "stakeholder_id": "p-2",
         "compensation_type": "OPTION", "quantity": "10", "expiration_date": null, "termination_exercise_windows": [], "security_law_exemptions": []},
    ]});
    zip_of(&[
        ("export/Manifest.ocf.json", &manifest),
        ("export/classes.json", &classes),
        ("export/tx/all.json", &tx),
        ("export/people.json", &people),
    ])
}

on_both_backends!(
    an_ocf_package_from_another_tool_is_imported_by_its_stock_transactions,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("ocf-foreign").await;
        app.create_class(&t, &admin, "A", "50.00", "free").await;
        // As an integrator sends a ZIP: its own media type, no file name.
        let r = app
            .client
            .post(app.url(&format!("/api/v1/tenants/{t}/imports?mode=history")))
            .bearer_auth(&admin)
            .header("content-type", "application/zip")
            .body(foreign_package())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let import: Value = r.json().await.unwrap();
        assert_eq!(import["file_name"], "import.zip");
        assert_eq!(import["report"]["problem_count"], 0, "{import:#}");
        assert_eq!(import["report"]["holders"], 3);
        assert_eq!(
            import["report"]["entries"], 5,
            "issue, transfer, repurchase, cancellation, issue"
        );
        commit(&app, &t, &admin, import["id"].as_str().unwrap()).await;
        let register = register_at(&app, &t, &admin, "2025-12-31").await;
        let held: Vec<(i64, i64, String)> = register
            .iter()
            .map(|((n, _), (q, _, paid))| (*n, *q, paid.clone()))
            .collect();
        assert_eq!(
            held,
            [
                (1, 60, "3000.00".to_string()),
                (2, 25, "1250.00".to_string()),
                (3, 4, "200.00".to_string())
            ]
        );
        let on = register_at(&app, &t, &admin, "2022-05-01").await;
        assert_eq!(on[&(1, "A".to_string())].0, 70);
        assert_eq!(on[&(2, "A".to_string())].0, 30);
    }
);

on_both_backends!(
    an_ocf_transfer_whose_receiver_has_no_issuance_is_named_and_nothing_is_imported,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("ocf-example").await;
        app.create_class(&t, &admin, "A", "1.00", "free").await;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("validators/ocf/examples/minimal-be");
        let file = |name: &str| -> Value {
            serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
        };
        let names = [
            "Manifest.ocf.json",
            "Stakeholders.ocf.json",
            "StockClasses.ocf.json",
            "Transactions.ocf.json",
        ];
        let bodies: Vec<Value> = names.iter().map(|n| file(n)).collect();
        let package = zip_of(&names.iter().copied().zip(bodies.iter()).collect::<Vec<_>>());
        let import = upload_ok(&app, &t, &admin, "mode=history", package).await;
        assert_eq!(import["clean"], false);
        let messages = import["report"]["problems"].to_string();
        assert!(
            messages.contains("TX_STOCK_TRANSFER tx-trf-1")
                && messages.contains("sec-a-3")
                && messages.contains("who received"),
            "{messages}"
        );
        let r = app
            .patch(
                &format!(
                    "/api/v1/tenants/{t}/imports/{}",
                    import["id"].as_str().unwrap()
                ),
                &admin,
                &json!({"mapping": {"shares": "shares"}}),
            )
            .await;
        dar_tests::expect_problem(r, 422).await;
    }
);

on_both_backends!(
    an_ocf_conversion_is_a_problem_because_the_register_has_no_such_entry,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("ocf-convert").await;
        app.create_class(&t, &admin, "A", "50.00", "free").await;
        let package = foreign_package();
        let mut files = unzip(&package);
        let mut tx: Value = serde_json::from_slice(&files["export/tx/all.json"]).unwrap();
        tx["items"].as_array_mut().unwrap().push(json!({
            "object_type": "TX_STOCK_CONVERSION", "id": "c1", "security_id": "s6", "date": "2024-06-01",
            "resulting_security_ids": ["s7"], "quantity_converted": "4"
        }));
        files.insert(
            "export/tx/all.json".into(),
            serde_json::to_vec(&tx).unwrap(),
        );
        let parsed: Vec<(String, Value)> = files
            .iter()
            .map(|(n, b)| (n.clone(), serde_json::from_slice(b).unwrap()))
            .collect();
        let package = zip_of(
            &parsed
                .iter()
                .map(|(n, v)| (n.as_str(), v))
                .collect::<Vec<_>>(),
        );
        let import = upload_ok(&app, &t, &admin, "mode=history", package).await;
        let problems = import["report"]["problems"].as_array().unwrap().clone();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0]["message"]
                .as_str()
                .unwrap()
                .contains("TX_STOCK_CONVERSION c1")
        );
        assert_eq!(problems[0]["line"], 0);
    }
);
