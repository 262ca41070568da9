//! Downloads of the register, the ledger and the shareholder list as CSV (Excel in Belgium,
//! or RFC 4180) and XLSX.

use serde_json::{Value, json};

use dar_tests::{TestApp, expect_problem, on_both_backends};

/// A cooperative with class A (€ 25.00 a share), two holders and three entries; returns
/// (tenant, admin, [Ada, Bram]).
async fn cooperative(app: &TestApp, slug: &str) -> (String, String, Vec<String>) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "25.00", "free").await;
    let ada = app
        .create_person(&t, &admin, "Ada", "Peeters; Janssens")
        .await;
    let bram = app.create_person(&t, &admin, "Bram", "=1+1").await;
    for entry in [
        json!({"kind": "issue", "share_class": "A", "to": ada, "quantity": 50, "effective_date": "2025-01-10"}),
        json!({"kind": "issue", "share_class": "A", "to": bram, "quantity": 4, "effective_date": "2025-02-01", "paid": "40.00"}),
        json!({"kind": "transfer", "share_class": "A", "from": ada, "to": bram, "quantity": 10, "effective_date": "2025-03-01"}),
    ] {
        app.post_entry_ok(&t, &admin, &entry).await;
    }
    (t, admin, vec![ada, bram])
}

async fn download(app: &TestApp, path: &str, token: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.get(path, token).await;
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    (headers, body)
}

fn lines(body: &[u8]) -> Vec<String> {
    String::from_utf8(body.to_vec())
        .expect("UTF-8")
        .split("\r\n")
        .map(String::from)
        .collect()
}

on_both_backends!(
    the_register_as_of_a_date_downloads_as_a_csv_that_excel_opens_in_belgium,
    |app| async move {
        let (t, admin, _) = cooperative(&app, "export-register").await;
        let (headers, body) = download(
            &app,
            &format!("/api/v1/tenants/{t}/exports/register?as_of=2025-02-15"),
            &admin,
        )
        .await;
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"export-register-register-2025-02-15.csv\""
        );
        assert_eq!(&body[..3], b"\xef\xbb\xbf", "a byte order mark first");
        let lines = lines(&body[3..]);
        assert_eq!(
            lines[0],
            "register_number;name;kind;share_class;shares;subscribed;paid_up;unpaid;street;postal_code;city;country"
        );
        // As of 15 February the transfer of 1 March has not happened; Bram paid 40 of 100.
        assert_eq!(
            lines[1..],
            [
                "1;\"Peeters; Janssens, Ada\";natural;A;50;1250,00;1250,00;0,00;Veldstraat 2;9000;Gent;BE",
                "2;\"'=1+1, Bram\";natural;A;4;100,00;40,00;60,00;Veldstraat 2;9000;Gent;BE",
                "",
            ]
        );
    }
);

on_both_backends!(
    the_ledger_downloads_as_rfc4180_with_a_reversal_counted_backwards,
    |app| async move {
        let (t, admin, _) = cooperative(&app, "export-ledger").await;
        let listed = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger"), &admin)
            .await;
        let transfer = listed["items"][2]["id"]
            .as_str()
            .expect("an entry id")
            .to_string();
        app.post_entry_ok(&t, &admin, &json!({"kind": "reversal", "reverses": transfer, "reason": "typo", "effective_date": "2025-04-01"})).await;
        let (headers, body) = download(
            &app,
            &format!("/api/v1/tenants/{t}/exports/ledger?dialect=rfc4180"),
            &admin,
        )
        .await;
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let lines = lines(&body);
        assert!(!lines[0].starts_with('\u{feff}'), "no byte order mark");
        let head: Vec<&str> = lines[0].split(',').collect();
        assert_eq!(
            &head[..5],
            [
                "seq",
                "kind",
                "effective_date",
                "movement_date",
                "share_class"
            ]
        );
        let field = |line: &str, name: &str| -> String {
            // No field of these rows holds a comma inside quotes except the names.
            let at = head.iter().position(|h| *h == name).unwrap();
            let mut fields = Vec::new();
            let mut current = String::new();
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut current)),
                    c => current.push(c),
                }
            }
            fields.push(current);
            fields[at].clone()
        };
        assert_eq!(lines.len(), 1 + 4 + 1, "{lines:?}");
        assert_eq!(field(&lines[1], "kind"), "issue");
        assert_eq!(field(&lines[1], "to_name"), "Peeters; Janssens, Ada");
        assert_eq!(field(&lines[1], "subscribed"), "1250.00");
        assert_eq!(field(&lines[3], "from_register_number"), "1");
        assert_eq!(
            field(&lines[3], "to_name"),
            "=1+1, Bram",
            "kept as it is for programs"
        );
        assert_eq!(field(&lines[4], "kind"), "reversal");
        assert_eq!(field(&lines[4], "movement_date"), "2025-03-01");
        assert_eq!(field(&lines[4], "from_register_number"), "1");
        assert_eq!(field(&lines[4], "shares"), "-10");
        assert_eq!(field(&lines[4], "paid_up"), "-250.00");
        assert_eq!(field(&lines[4], "reverses_seq"), "3");
        assert_eq!(field(&lines[4], "reason"), "typo");
    }
);

/// A Python with openpyxl (CI's test venv), or `None` to skip.
fn openpyxl() -> Option<std::path::PathBuf> {
    dar_tests::python_with(&["openpyxl"])
}

on_both_backends!(
    the_shareholder_list_downloads_as_an_xlsx_a_spreadsheet_library_reads,
    |app| async move {
        let (t, admin, _) = cooperative(&app, "export-xlsx").await;
        let (headers, body) = download(
            &app,
            &format!("/api/v1/tenants/{t}/exports/shareholders?format=xlsx"),
            &admin,
        )
        .await;
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(&body[..2], b"PK");
        let Some(python) = openpyxl() else {
            return;
        };
        let file = std::env::temp_dir().join(format!("dar-export-{}.xlsx", uuid::Uuid::new_v4()));
        std::fs::write(&file, &body).expect("writing the file");
        let output = std::process::Command::new(&python)
            .args([
                "-c",
                "import json, sys, openpyxl\n\
                 ws = openpyxl.load_workbook(sys.argv[1]).active\n\
                 print(json.dumps({'title': ws.title, 'rows': [[None if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]}))",
            ])
            .arg(&file)
            .output()
            .expect("running python");
        let _ = std::fs::remove_file(&file);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let read: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(read["title"], "Shareholders");
        let rows = read["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3, "{read}");
        assert_eq!(rows[0][0], "register_number");
        assert_eq!(rows[1][0], "1");
        assert_eq!(rows[1][1], "Peeters; Janssens, Ada");
        assert_eq!(rows[2][1], "=1+1, Bram", "a text cell, never a formula");
        let admitted = rows[0]
            .as_array()
            .unwrap()
            .iter()
            .position(|h| h == "admission_date")
            .unwrap();
        assert_eq!(rows[1][admitted], "2024-01-01 00:00:00", "a date cell");
    }
);

on_both_backends!(
    an_export_of_more_rows_than_a_page_holds_every_row_once,
    |app| async move {
        let app = &app;
        let (t, admin) = app.tenant_with_admin("export-pages").await;
        app.create_class(&t, &admin, "A", "10.00", "free").await;
        let mut holders = Vec::new();
        for i in 0..1_050 {
            holders.push(
                app.create_person(&t, &admin, &format!("H{i}"), "Page")
                    .await,
            );
        }
        for chunk in holders.chunks(1000) {
            let entries: Vec<Value> = chunk
                .iter()
                .map(|h| json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2025-01-10"}))
                .collect();
            app.post_ok(
                &format!("/api/v1/tenants/{t}/ledger/batch"),
                &admin,
                &json!({"entries": entries}),
            )
            .await;
        }
        // Every seventh holder also holds class B: two lines, which a page may split.
        app.create_class(&t, &admin, "B", "10.00", "free").await;
        let entries: Vec<Value> = holders
            .iter()
            .step_by(7)
            .map(|h| json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 2, "effective_date": "2025-01-11"}))
            .collect();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({"entries": entries}),
        )
        .await;
        let (_, body) = download(
            app,
            &format!("/api/v1/tenants/{t}/exports/register?dialect=rfc4180"),
            &admin,
        )
        .await;
        let register = lines(&body);
        let read: Vec<(i64, String)> = register[1..register.len() - 1]
            .iter()
            .map(|l| {
                // Every name is "Page, H…", quoted for its one comma: the class is the fifth
                // piece.
                let cells: Vec<&str> = l.split(',').collect();
                (cells[0].parse().unwrap(), cells[4].to_string())
            })
            .collect();
        let mut expected: Vec<(i64, String)> = (1..=1_050).map(|n| (n, "A".to_string())).collect();
        expected.extend((1..=1_050).step_by(7).map(|n| (n, "B".to_string())));
        expected.sort();
        assert_eq!(read, expected, "every holding once, in register order");
        for export in ["ledger", "shareholders"] {
            let (_, body) = download(
                app,
                &format!("/api/v1/tenants/{t}/exports/{export}?dialect=rfc4180"),
                &admin,
            )
            .await;
            let lines = lines(&body);
            let firsts: Vec<i64> = lines[1..lines.len() - 1]
                .iter()
                .map(|l| l.split(',').next().unwrap().parse().unwrap())
                .collect();
            let count = if export == "ledger" {
                1_050 + 150
            } else {
                1_050
            };
            assert_eq!(firsts, (1..=count).collect::<Vec<i64>>(), "{export}");
        }
    }
);

on_both_backends!(
    an_unknown_format_or_dialect_is_refused_with_the_parameter_named,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("export-refused").await;
        for (query, field) in [
            ("format=pdf", "format"),
            ("dialect=tsv", "dialect"),
            ("format=xlsx&dialect=excel", "dialect"),
        ] {
            let r = app
                .get(
                    &format!("/api/v1/tenants/{t}/exports/ledger?{query}"),
                    &admin,
                )
                .await;
            let problem = expect_problem(r, 422).await;
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        }
        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/exports/register?as_of=31-12-2025"),
                &admin,
            )
            .await;
        expect_problem(r, 400).await;
    }
);

on_both_backends!(
    a_shareholder_cannot_download_the_register_and_a_download_is_audited,
    |app| async move {
        let (t, admin, holders) = cooperative(&app, "export-access").await;
        let member = app
            .user_with_role(
                &t,
                &admin,
                "ada@export-access.test",
                "shareholder",
                Some(&holders[0]),
            )
            .await;
        for export in ["register", "ledger", "shareholders"] {
            let r = app
                .get(&format!("/api/v1/tenants/{t}/exports/{export}"), &member)
                .await;
            expect_problem(r, 403).await;
        }
        download(
            &app,
            &format!("/api/v1/tenants/{t}/exports/shareholders?format=xlsx"),
            &admin,
        )
        .await;
        let events = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=register.exported"),
                &admin,
            )
            .await;
        let items = events["items"].as_array().unwrap();
        assert_eq!(
            items.len(),
            1,
            "only the download that was let through: {events}"
        );
        assert_eq!(items[0]["object_id"], "shareholders", "{events}");
        assert_eq!(items[0]["details"]["format"], "xlsx", "{events}");
    }
);

on_both_backends!(
    the_register_ledger_and_shareholder_pages_link_to_their_downloads_which_the_session_gets,
    |app| async move {
        cooperative(&app, "export-web").await;
        let mut b = crate::web::Browser::new(&app);
        b.sign_in("admin@export-web.test", dar_tests::PASSWORD)
            .await;
        let register = b
            .get("/c/export-web/register?as_of=15/02/2025")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            register.contains(r#"href="/c/export-web/exports/register.csv?as_of=2025-02-15""#),
            "{register}"
        );
        assert!(
            register.contains(r#"href="/c/export-web/exports/register.xlsx?as_of=2025-02-15""#)
        );
        let ledger = b.get("/c/export-web/ledger").await.text().await.unwrap();
        assert!(
            ledger.contains(r#"href="/c/export-web/exports/ledger.xlsx""#),
            "{ledger}"
        );
        let holders = b
            .get("/c/export-web/shareholders")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            holders.contains(r#"href="/c/export-web/exports/shareholders.csv""#),
            "{holders}"
        );

        let r = b
            .get("/c/export-web/exports/register.csv?as_of=2025-02-15")
            .await;
        assert_eq!(r.status(), 200);
        let body = r.bytes().await.unwrap();
        let lines = lines(&body[3..]);
        assert_eq!(lines.len(), 4, "header, two holdings, end: {lines:?}");
        assert!(
            lines[1].starts_with("1;\"Peeters; Janssens, Ada\";natural;A;50;"),
            "{lines:?}"
        );
        let r = b.get("/c/export-web/exports/ledger.xlsx").await;
        assert_eq!(r.status(), 200);
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
        for missing in [
            "/c/export-web/exports/register.pdf",
            "/c/export-web/exports/people.csv",
        ] {
            assert_eq!(b.get(missing).await.status(), 404, "{missing}");
        }
        // Without a session: to the sign-in page, nothing downloaded.
        let anonymous = app
            .client
            .get(app.url("/c/export-web/exports/register.csv"))
            .send()
            .await
            .unwrap();
        assert_ne!(anonymous.status(), 200);
    }
);

on_both_backends!(
    capital_movements_of_a_period_give_a_line_per_holder_moved_with_what_was_subscribed_paid_and_repaid,
    |app| async move {
        let (t, admin, h) = cooperative(&app, "export-capital").await;
        // Before the period: the issues and transfer of `cooperative`; after it, an issue.
        let app = &app;
        let post = |entry: Value| {
            let (t, admin) = (t.clone(), admin.clone());
            async move { app.post_entry_ok(&t, &admin, &entry).await }
        };
        post(json!({"kind": "payment", "share_class": "A", "to": h[1], "amount": "60.00", "effective_date": "2025-04-02"})).await;
        let redemption = post(json!({"kind": "redemption", "share_class": "A", "from": h[0], "quantity": 4, "amount": "100.00", "effective_date": "2025-04-03", "reason": "uittreding"})).await;
        post(json!({"kind": "reversal", "reverses": redemption["id"], "reason": "vergissing", "effective_date": "2025-04-04"})).await;
        post(json!({"kind": "transfer", "share_class": "A", "from": h[1], "to": h[0], "quantity": 2, "effective_date": "2025-05-01", "external_reference": "AV 2025-05"})).await;
        post(json!({"kind": "issue", "share_class": "A", "to": h[0], "quantity": 1, "effective_date": "2025-07-01"})).await;

        let (headers, body) = download(
            app,
            &format!("/api/v1/tenants/{t}/exports/capital-movements?from=2025-04-01&to=2025-06-30&dialect=rfc4180"),
            &admin,
        )
        .await;
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"export-capital-capital-movements-2025-06-30.csv\""
        );
        let lines = lines(&body);
        assert_eq!(
            lines[0],
            "date,seq,kind,register_number,name,share_class,subscribed,paid_up,repaid,external_reference,reason,entry_id"
        );
        // The lines without the entry id (last field), which differs per run.
        let lines: Vec<String> = lines[1..lines.len() - 1]
            .iter()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "2025-04-02,4,payment,2,\"=1+1, Bram\",A,0.00,60.00,0.00,,",
                "2025-04-03,5,redemption,1,\"Peeters; Janssens, Ada\",A,-100.00,-100.00,100.00,,uittreding",
                "2025-04-04,6,reversal,1,\"Peeters; Janssens, Ada\",A,100.00,100.00,-100.00,,vergissing",
                "2025-05-01,7,transfer,1,\"Peeters; Janssens, Ada\",A,50.00,50.00,0.00,AV 2025-05,",
                "2025-05-01,7,transfer,2,\"=1+1, Bram\",A,-50.00,-50.00,0.00,AV 2025-05,",
            ]
        );
        for (query, status) in [
            ("from=2025-07-01&to=2025-06-30", 422),
            ("from=2025-04-01", 400),
        ] {
            let r = app.get(&format!("/api/v1/tenants/{t}/exports/capital-movements?{query}"), &admin).await;
            expect_problem(r, status).await;
        }
    }
);

on_both_backends!(
    the_ledger_page_downloads_a_periods_capital_movements_and_names_a_date_it_cannot_read,
    |app| async move {
        cooperative(&app, "export-period").await;
        let mut b = crate::web::Browser::new(&app);
        b.sign_in("admin@export-period.test", dar_tests::PASSWORD)
            .await;
        let page = b.get("/c/export-period/ledger").await.text().await.unwrap();
        assert!(
            page.contains(r#"name="from""#) && page.contains(r#"value="xlsx""#),
            "{page}"
        );

        let r = b
            .get("/c/export-period/ledger?from=01/02/2025&to=28/02/2025&download=csv")
            .await;
        assert_eq!(r.status(), 303);
        let to = crate::web::location(&r).to_string();
        assert_eq!(
            to,
            "/c/export-period/exports/capital-movements.csv?from=2025-02-01&to=2025-02-28"
        );
        let body = b.get(&to).await.bytes().await.unwrap();
        let lines = lines(&body[3..]);
        assert_eq!(
            lines.len(),
            3,
            "the header, February's issue, the end: {lines:?}"
        );
        assert!(lines[1].starts_with("01/02/2025;2;issue;2;"), "{lines:?}");

        for (query, problem) in [
            ("from=31/02/2025&to=28/02/2025", "31/12/2025"),
            ("from=01/03/2025&to=28/02/2025", "voor het begin"),
        ] {
            let r = b
                .get(&format!("/c/export-period/ledger?{query}&download=xlsx"))
                .await;
            assert_eq!(r.status(), 200, "{query}: the page again, not a download");
            let page = r.text().await.unwrap();
            assert!(page.contains(r#"aria-invalid="true""#), "{query}: {page}");
            assert!(page.contains(problem), "{query}: {page}");
        }
    }
);
