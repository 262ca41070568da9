//! Registers brought in from spreadsheets: the dry run's report, the commit in the
//! background, and round trips of our own exports into a new cooperative.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};

use dar_tests::{TestApp, expect_problem, on_both_backends};

/// Uploads `file` as an import; returns the response.
async fn upload(
    app: &TestApp,
    tenant: &str,
    token: &str,
    query: &str,
    file: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/tenants/{tenant}/imports?{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .expect("upload")
}

pub(crate) async fn upload_ok(
    app: &TestApp,
    tenant: &str,
    token: &str,
    query: &str,
    file: Vec<u8>,
) -> Value {
    let r = upload(app, tenant, token, query, file).await;
    let status = r.status();
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(status, 201, "{body:#}");
    body
}

/// Commits an import and waits until it is committed (or fails the test).
pub(crate) async fn commit(app: &TestApp, tenant: &str, token: &str, id: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/tenants/{tenant}/imports/{id}/commit"),
            token,
            &json!({}),
        )
        .await;
    assert!(
        [200, 202].contains(&r.status().as_u16()),
        "{}",
        r.text().await.unwrap_or_default()
    );
    wait_committed(app, tenant, token, id).await
}

pub(crate) async fn wait_committed(app: &TestApp, tenant: &str, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let import = app
            .get_ok(&format!("/api/v1/tenants/{tenant}/imports/{id}"), token)
            .await;
        match import["status"].as_str() {
            Some("committed") => return import,
            Some("failed") => panic!("the import failed: {import:#}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the import was not committed within a minute");
}

/// The register as of `as_of` as {(register number, class) → (shares, subscribed, paid)}.
pub(crate) async fn register_at(
    app: &TestApp,
    tenant: &str,
    token: &str,
    as_of: &str,
) -> BTreeMap<(i64, String), (i64, String, String)> {
    let mut out = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("/api/v1/tenants/{tenant}/holdings?limit=1000&as_of={as_of}"),
            Some(c) => format!("/api/v1/tenants/{tenant}/holdings?limit=1000&cursor={c}"),
        };
        let page = app.get_ok(&path, token).await;
        for h in page["items"].as_array().expect("items") {
            out.insert(
                (
                    h["register_number"].as_i64().expect("register number"),
                    h["share_class"].as_str().unwrap().to_string(),
                ),
                (
                    h["quantity"].as_i64().unwrap(),
                    h["subscribed"].as_str().unwrap_or_default().to_string(),
                    h["paid_up"].as_str().unwrap().to_string(),
                ),
            );
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

async fn shareholder_count(app: &TestApp, tenant: &str, token: &str) -> usize {
    app.get_ok(
        &format!("/api/v1/tenants/{tenant}/shareholders?limit=100"),
        token,
    )
    .await["items"]
        .as_array()
        .expect("items")
        .len()
}

on_both_backends!(
    a_windows_1252_register_with_semicolons_and_belgian_amounts_is_checked_then_committed,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-1252").await;
        app.create_class(&t, &admin, "A", "250.00", "free").await;
        let file = b"Ledenregister De Korenbloem cv;;;;\r\n\r\n\
            Nr;Voornaam;Naam;Aantal aandelen;Volstort\r\n\
            12;H\xe9l\xe8ne;Peeters;4;1.000,00\r\n\
            \r\n\
            40;Jan;\"Aerts; De Smet\";2;250,00\r\n"
            .to_vec();
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31&control_total=1500.00",
            file,
        )
        .await;
        let report = &import["report"];
        assert_eq!(report["encoding"], "windows-1252");
        assert_eq!(report["delimiter"], ";");
        assert_eq!(report["header_line"], 3);
        assert_eq!(report["problem_count"], 0, "{report:#}");
        assert_eq!(report["holders"], 2);
        assert_eq!(report["totals"][0]["shares"], 6);
        assert_eq!(report["totals"][0]["subscribed"], "1500.00");
        assert_eq!(report["totals"][0]["paid_up"], "1250.00");
        assert_eq!(report["control_difference"], "0.00");
        assert_eq!(import["status"], "checked");
        // The dry run changed nothing.
        assert_eq!(shareholder_count(&app, &t, &admin).await, 0);
        let id = import["id"].as_str().unwrap();
        let done = commit(&app, &t, &admin, id).await;
        assert_eq!(done["progress"]["done"], done["progress"]["total"]);
        let register = register_at(&app, &t, &admin, "2025-12-31").await;
        assert_eq!(
            register[&(12, "A".to_string())],
            (4, "1000.00".into(), "1000.00".into())
        );
        assert_eq!(register[&(40, "A".to_string())].2, "250.00");
        assert!(
            register_at(&app, &t, &admin, "2025-12-30").await.is_empty(),
            "the opening entries take effect on the chosen date"
        );
        let helene = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders?limit=1"), &admin)
            .await;
        assert_eq!(helene["items"][0]["first_name"], "Hélène");
        assert_eq!(helene["items"][0]["register_number"], 12);
        // New holders are numbered after the highest the file gave.
        let next = app.create_person(&t, &admin, "Nieuw", "Lid").await;
        let next = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{next}"), &admin)
            .await;
        assert_eq!(next["register_number"], 41);
        // The imported entries are on the hash chain like every other.
        let verify = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
            .await;
        assert_eq!(verify["ok"], true, "{verify:#}");
    }
);

on_both_backends!(
    a_utf8_file_with_a_byte_order_mark_and_commas_is_read,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-bom").await;
        app.create_class(&t, &admin, "A", "50.00", "free").await;
        let mut file = b"\xef\xbb\xbf".to_vec();
        file.extend_from_slice(
            "Member number,First name,Last name,Shares,Paid up\n1,Zoë,Lambrechts,3,\"1,250.00\"\n"
                .as_bytes(),
        );
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-06-30",
            file,
        )
        .await;
        let report = &import["report"];
        assert_eq!(report["encoding"], "utf-8 with byte order mark");
        assert_eq!(report["delimiter"], ",");
        assert_eq!(report["number_style"], "english");
        assert_eq!(report["problem_count"], 1, "{report:#}");
        // 1,250.00 paid on a subscription of 3 × 50.00: more paid than subscribed.
        assert_eq!(report["problems"][0]["line"], 2);
        assert_eq!(report["problems"][0]["column"], "E");
        assert_eq!(report["problems"][0]["header"], "Paid up");
        let r = app
            .post(
                &format!(
                    "/api/v1/tenants/{t}/imports/{}/commit",
                    import["id"].as_str().unwrap()
                ),
                &admin,
                &json!({}),
            )
            .await;
        expect_problem(r, 409).await;
        assert_eq!(shareholder_count(&app, &t, &admin).await, 0);
    }
);

/// An XLSX as Excel writes one: a title merged over the columns above the header.
fn workbook_with_a_merged_title() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
    let doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        ("[Content_Types].xml", r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)),
        ("xl/workbook.xml", format!(r#"<workbook xmlns="{main}" xmlns:r="{doc}"><sheets><sheet name="Leden" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", format!(r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)),
        ("xl/worksheets/sheet1.xml", format!(concat!(
            r#"<worksheet xmlns="{}"><sheetData>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Aandelenregister Coöperatie Zonnedak</t></is></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>Nr</t></is></c><c r="B2" t="inlineStr"><is><t>Naam</t></is></c><c r="C2" t="inlineStr"><is><t>Aandelen</t></is></c><c r="D2" t="inlineStr"><is><t>Volstort</t></is></c></row>"#,
            r#"<row r="3"><c r="A3"><v>3</v></c><c r="B3" t="inlineStr"><is><t>Wouters</t></is></c><c r="C3"><v>2</v></c><c r="D3"><v>0.1</v></c></row>"#,
            r#"<row r="4"><c r="A4"><v>5</v></c><c r="B4" t="inlineStr"><is><t>Claes</t></is></c><c r="C4"><v>1</v></c><c r="D4"><v>100</v></c></row>"#,
            r#"</sheetData><mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells></worksheet>"#), main)),
    ];
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

on_both_backends!(
    an_xlsx_with_a_merged_title_above_the_header_is_imported,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-xlsx").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31&file_name=leden.xlsx",
            workbook_with_a_merged_title(),
        )
        .await;
        assert_eq!(import["report"]["format"], "xlsx");
        assert_eq!(import["report"]["header_line"], 2);
        assert_eq!(import["report"]["problem_count"], 0, "{import:#}");
        assert_eq!(import["file_name"], "leden.xlsx");
        commit(&app, &t, &admin, import["id"].as_str().unwrap()).await;
        let register = register_at(&app, &t, &admin, "2025-12-31").await;
        assert_eq!(
            register[&(3, "A".to_string())],
            (2, "200.00".into(), "0.10".into())
        );
        assert_eq!(register[&(5, "A".to_string())].2, "100.00");
    }
);

on_both_backends!(
    ten_thousand_good_rows_and_a_bad_iban_on_the_last_are_reported_by_row_and_column_and_nothing_is_imported,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-iban").await;
        app.create_class(&t, &admin, "A", "25.00", "free").await;
        let mut file = String::from("Nr;Voornaam;Naam;Aandelen;IBAN\n");
        for n in 1..=10_000 {
            let iban = if n == 10_000 {
                "BE68 5390 0754 7035"
            } else {
                "BE68 5390 0754 7034"
            };
            file.push_str(&format!("{n};Lid;Nummer {n};1;{iban}\n"));
        }
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31",
            file.into_bytes(),
        )
        .await;
        let report = &import["report"];
        assert_eq!(report["rows"], 10_000);
        assert_eq!(report["problem_count"], 1, "{:#}", report["problems"]);
        let problem = &report["problems"][0];
        assert_eq!(problem["line"], 10_001);
        assert_eq!(problem["column"], "E");
        assert_eq!(problem["header"], "IBAN");
        assert_eq!(problem["field"], "iban");
        assert_eq!(import["clean"], false);
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/imports/{}/commit", import["id"].as_str().unwrap()),
                &admin,
                &json!({}),
            )
            .await;
        let problem = expect_problem(r, 409).await;
        assert!(problem["detail"].as_str().unwrap().contains("problems"));
        assert_eq!(shareholder_count(&app, &t, &admin).await, 0);
    }
);

on_both_backends!(
    a_chosen_mapping_is_checked_again_and_offered_at_the_next_import,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-mapping").await;
        app.create_class(&t, &admin, "A", "10.00", "free").await;
        // "Deelbewijzen" is no header DAR knows.
        let file = b"Nr;Naam;Deelbewijzen\n1;Peeters;3\n".to_vec();
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31",
            file.clone(),
        )
        .await;
        assert_eq!(import["report"]["columns"][2]["field"], Value::Null);
        assert_eq!(import["report"]["entries"], 0);
        let id = import["id"].as_str().unwrap();
        let bad = app
            .patch(
                &format!("/api/v1/tenants/{t}/imports/{id}"),
                &admin,
                &json!({"mapping": {"Deelbewijzen": "aantal"}}),
            )
            .await;
        let problem = expect_problem(bad, 422).await;
        assert!(problem["detail"].as_str().unwrap().contains("not a field"));
        let changed = app
            .patch(
                &format!("/api/v1/tenants/{t}/imports/{id}"),
                &admin,
                &json!({"mapping": {"Deelbewijzen": "shares"}}),
            )
            .await;
        assert_eq!(changed.status(), 200);
        let changed: Value = changed.json().await.unwrap();
        assert_eq!(changed["report"]["columns"][2]["field"], "shares");
        assert_eq!(changed["report"]["entries"], 1);
        let next = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31",
            file,
        )
        .await;
        assert_eq!(next["report"]["columns"][2]["field"], "shares");
    }
);

on_both_backends!(committing_twice_imports_once, |app| async move {
    let (t, admin) = app.tenant_with_admin("import-twice").await;
    app.create_class(&t, &admin, "A", "10.00", "free").await;
    let import = upload_ok(
        &app,
        &t,
        &admin,
        "mode=current&effective_date=2025-12-31",
        b"Nr;Naam;Aandelen\n1;Peeters;3\n2;Claes;1\n".to_vec(),
    )
    .await;
    let id = import["id"].as_str().unwrap();
    let path = format!("/api/v1/tenants/{t}/imports/{id}/commit");
    let empty = json!({});
    let (a, b) = tokio::join!(
        app.post(&path, &admin, &empty),
        app.post(&path, &admin, &empty)
    );
    assert!([200, 202].contains(&a.status().as_u16()));
    assert!([200, 202].contains(&b.status().as_u16()));
    wait_committed(&app, &t, &admin, id).await;
    let again = app.post(&path, &admin, &json!({})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(app.head_seq(&t, &admin).await, 2);
    assert_eq!(shareholder_count(&app, &t, &admin).await, 2);
    let changed = app
        .patch(
            &format!("/api/v1/tenants/{t}/imports/{id}"),
            &admin,
            &json!({"control_total": "40.00"}),
        )
        .await;
    expect_problem(changed, 409).await;
});

on_both_backends!(
    a_control_total_that_does_not_match_keeps_the_import_from_being_committed,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-control").await;
        app.create_class(&t, &admin, "A", "10.00", "free").await;
        let import = upload_ok(
            &app,
            &t,
            &admin,
            "mode=current&effective_date=2025-12-31&control_total=45.00",
            b"Nr;Naam;Aandelen\n1;Peeters;3\n2;Claes;1\n".to_vec(),
        )
        .await;
        assert_eq!(import["report"]["control_difference"], "-5.00");
        assert_eq!(import["clean"], false);
        assert!(
            import["report"]["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("control total")
        );
        let id = import["id"].as_str().unwrap();
        let fixed: Value = app
            .patch(
                &format!("/api/v1/tenants/{t}/imports/{id}"),
                &admin,
                &json!({"control_total": "40.00"}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(fixed["clean"], true, "{fixed:#}");
    }
);

/// A cooperative with two classes and a history with every kind of entry, a reversal
/// among them; returns (tenant, admin).
pub(crate) async fn history(app: &TestApp, slug: &str) -> (String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "25.00", "free").await;
    app.create_class(&t, &admin, "B", "100.00", "approval")
        .await;
    let ada = app.create_person(&t, &admin, "Ada", "Peeters").await;
    let bram = app.create_person(&t, &admin, "Bram", "Claes").await;
    let cas = app.create_person(&t, &admin, "Cas", "Wouters").await;
    let entries = [
        json!({"kind": "issue", "share_class": "A", "to": ada, "quantity": 40, "effective_date": "2025-01-10"}),
        json!({"kind": "issue", "share_class": "B", "to": bram, "quantity": 3, "effective_date": "2025-01-20", "paid": "120.00"}),
        json!({"kind": "issue", "share_class": "A", "to": cas, "quantity": 7, "effective_date": "2025-02-01", "paid": "100.00"}),
        json!({"kind": "transfer", "share_class": "A", "from": ada, "to": bram, "quantity": 15, "effective_date": "2025-03-01"}),
        json!({"kind": "payment", "share_class": "B", "to": bram, "amount": "60.00", "effective_date": "2025-04-01"}),
        json!({"kind": "transfer", "share_class": "B", "from": bram, "to": cas, "quantity": 1, "effective_date": "2025-05-01", "external_reference": "Raad van bestuur 2025-04-28"}),
        json!({"kind": "redemption", "share_class": "A", "from": ada, "quantity": 5, "amount": "125.00", "effective_date": "2025-06-01", "reason": "uittreding"}),
        json!({"kind": "issue", "share_class": "A", "to": cas, "quantity": 2, "effective_date": "2025-07-01"}),
    ];
    for entry in &entries {
        app.post_entry_ok(&t, &admin, entry).await;
    }
    // A back-dated issue, then reversed.
    let wrong = app
        .post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": bram, "quantity": 9, "effective_date": "2025-02-15"}))
        .await;
    app.post_entry_ok(
        &t,
        &admin,
        &json!({"kind": "reversal", "reverses": wrong["id"], "reason": "dubbel ingeboekt"}),
    )
    .await;
    // Back-dated before Ada's transfer, at another price: read in date order, her holding
    // on 1 March is 50 shares worth 1,300.00, but the transfer took 15/40 of 1,000.00.
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": ada, "quantity": 10, "price_per_share": "30.00", "effective_date": "2025-02-10"}))
        .await;
    (t, admin)
}

pub(crate) async fn download(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let r = app.get(path, token).await;
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.expect("body").to_vec()
}

/// Exports the shareholders and the ledger of `from` as `query` says, imports them into a
/// new cooperative with the same classes, and compares the registers on several dates.
async fn round_trip(app: &TestApp, slug: &str, query: &str) {
    let (from, admin) = history(app, slug).await;
    let holders = download(
        app,
        &format!("/api/v1/tenants/{from}/exports/shareholders?{query}"),
        &admin,
    )
    .await;
    let ledger = download(
        app,
        &format!("/api/v1/tenants/{from}/exports/ledger?{query}"),
        &admin,
    )
    .await;
    let (to, to_admin) = app.tenant_with_admin(&format!("{slug}-copy")).await;
    app.create_class(&to, &to_admin, "A", "25.00", "free").await;
    app.create_class(&to, &to_admin, "B", "100.00", "approval")
        .await;
    let first = upload_ok(app, &to, &to_admin, "mode=current", holders).await;
    assert_eq!(first["report"]["problem_count"], 0, "{first:#}");
    assert_eq!(first["report"]["holders"], 3);
    commit(app, &to, &to_admin, first["id"].as_str().unwrap()).await;
    let second = upload_ok(app, &to, &to_admin, "mode=history", ledger).await;
    assert_eq!(second["report"]["problem_count"], 0, "{second:#}");
    assert_eq!(
        second["report"]["entries"], 9,
        "the reversed entry and its reversal are left out"
    );
    commit(app, &to, &to_admin, second["id"].as_str().unwrap()).await;
    for date in [
        "2025-01-15",
        "2025-02-20",
        "2025-03-01",
        "2025-04-15",
        "2025-05-31",
        "2025-06-01",
        "2025-12-31",
    ] {
        assert_eq!(
            register_at(app, &to, &to_admin, date).await,
            register_at(app, &from, &admin, date).await,
            "the register on {date}"
        );
    }
}

on_both_backends!(
    a_csv_export_imported_into_a_new_cooperative_gives_the_same_register_on_every_date,
    |app| async move {
        round_trip(&app, "trip-csv", "format=csv").await;
    }
);

on_both_backends!(
    an_rfc4180_export_imported_into_a_new_cooperative_gives_the_same_register_on_every_date,
    |app| async move {
        round_trip(&app, "trip-rfc", "format=csv&dialect=rfc4180").await;
    }
);

on_both_backends!(
    an_xlsx_export_imported_into_a_new_cooperative_gives_the_same_register_on_every_date,
    |app| async move {
        round_trip(&app, "trip-xlsx", "format=xlsx").await;
    }
);

on_both_backends!(
    a_viewer_can_neither_upload_nor_read_imports,
    |app| async move {
        let (t, _admin) = app.tenant_with_admin("import-viewer").await;
        let viewer = app
            .user_with_role(&t, &_admin, "viewer@import-viewer.test", "viewer", None)
            .await;
        let r = upload(
            &app,
            &t,
            &viewer,
            "mode=current",
            b"Nr;Naam\n1;X\n".to_vec(),
        )
        .await;
        expect_problem(r, 403).await;
        let r = app
            .get(&format!("/api/v1/tenants/{t}/imports"), &viewer)
            .await;
        expect_problem(r, 403).await;
    }
);

on_both_backends!(
    a_file_that_is_no_register_is_refused_with_the_reason,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("import-junk").await;
        let r = upload(&app, &t, &admin, "mode=current", b"1;2;3\n4;5;6\n".to_vec()).await;
        let problem = expect_problem(r, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("header"),
            "{problem:#}"
        );
        let r = upload(
            &app,
            &t,
            &admin,
            "mode=sideways",
            b"Nr;Naam\n1;X\n".to_vec(),
        )
        .await;
        expect_problem(r, 422).await;
        let r = app
            .get(&format!("/api/v1/tenants/{t}/imports"), &admin)
            .await;
        assert_eq!(
            r.json::<Value>().await.unwrap().as_array().unwrap().len(),
            0
        );
    }
);
