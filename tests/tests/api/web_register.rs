//! The register page reads holder by holder (its cost follows the page, not the ledger):
//! walked page by page it shows exactly the register the API sums over the whole ledger.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use dar_core::ids::TenantId;
use dar_db::ledger::{HoldingRow, Moment};
use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

use crate::web::Browser;

/// A register that needs more than one page: classes A and B; transfers, a payment, a
/// redemption, a reversal, a holder who left with nothing, one who never had anything,
/// back-dated entries, and 52 more small holders. Returns (tenant, admin token, the
/// reversed entry's seq).
async fn busy_register(app: &TestApp, slug: &str) -> (String, String, i64) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "250.00", "free").await;
    app.create_class(&t, &admin, "B", "50.00", "free").await;
    let an = app.create_person(&t, &admin, "An", "Peeters").await;
    let bert = app.create_person(&t, &admin, "Bert", "De Smedt").await;
    app.create_person(&t, &admin, "Nooit", "Iets").await;
    let celine = app.create_person(&t, &admin, "Céline", "Lefèvre").await;
    let dirk = app
        .create_person(&t, &admin, "Dirk", "Van den Broeck")
        .await;
    let eva = app.create_person(&t, &admin, "Eva", "Maes").await;
    let post = |entry: serde_json::Value| {
        let (t, admin) = (t.clone(), admin.clone());
        async move { app.post_entry_ok(&t, &admin, &entry).await }
    };
    post(json!({"kind": "issue", "share_class": "A", "to": an, "quantity": 4, "effective_date": "2024-01-10"})).await;
    post(json!({"kind": "issue", "share_class": "B", "to": bert, "quantity": 10, "effective_date": "2024-01-10"})).await;
    post(json!({"kind": "issue", "share_class": "B", "to": celine, "quantity": 20, "paid": "500.00", "effective_date": "2024-01-15"})).await;
    post(json!({"kind": "transfer", "share_class": "B", "from": bert, "to": dirk, "quantity": 5, "effective_date": "2024-03-01"})).await;
    post(json!({"kind": "payment", "share_class": "B", "to": celine, "amount": "500.00", "effective_date": "2024-04-01"})).await;
    post(json!({"kind": "transfer", "share_class": "A", "from": an, "to": bert, "quantity": 1, "effective_date": "2024-05-01"})).await;
    post(json!({"kind": "issue", "share_class": "A", "to": eva, "quantity": 2, "effective_date": "2024-02-01"})).await;
    // Eva leaves with nothing: every share redeemed.
    post(json!({"kind": "redemption", "share_class": "A", "from": eva, "quantity": 2, "amount": "500.00", "effective_date": "2024-06-30", "reason": "uittreding"})).await;
    post(json!({"kind": "redemption", "share_class": "B", "from": dirk, "quantity": 3, "amount": "150.00", "effective_date": "2024-06-30", "reason": "uittreding"})).await;
    let mistaken = post(json!({"kind": "issue", "share_class": "B", "to": dirk, "quantity": 2, "effective_date": "2024-09-01"})).await;
    post(json!({"kind": "reversal", "reverses": mistaken["id"], "reason": "dubbel ingeboekt"}))
        .await;
    for i in 0..52 {
        let holder = app
            .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
            .await;
        let class = if i % 3 == 0 { "A" } else { "B" };
        post(json!({"kind": "issue", "share_class": class, "to": holder, "quantity": 1 + i, "effective_date": "2024-07-01"})).await;
        if i % 5 == 0 {
            post(json!({"kind": "issue", "share_class": "B", "to": holder, "quantity": 3, "effective_date": "2024-08-01"})).await;
        }
    }
    // Back-dated, recorded after everything above.
    post(json!({"kind": "issue", "share_class": "A", "to": celine, "quantity": 1, "effective_date": "2024-02-15"})).await;
    post(json!({"kind": "issue", "share_class": "B", "to": an, "quantity": 7, "effective_date": "2024-01-05"})).await;
    (t, admin, mistaken["seq"].as_i64().unwrap())
}

/// The text of an HTML fragment without its tags.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The register page walked through its "next" links: (holder id, class) -> shares.
async fn register_pages(
    b: &mut Browser<'_>,
    slug: &str,
    as_of: &str,
) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    let mut path = format!("/c/{slug}/register?as_of={as_of}");
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 20, "the register page's cursor keeps going");
        let r = b.get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        let body = html
            .split("<tbody>")
            .nth(1)
            .map_or("", |s| s.split("</tbody>").next().unwrap());
        for row in body.split("<tr>").skip(1) {
            let link = format!("/c/{slug}/shareholders/");
            let holder = row.split(&link).nth(1).unwrap().split('"').next().unwrap();
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|c| text_of(&format!("<td{c}")))
                .collect();
            let shares: i64 = cells[3].replace('.', "").parse().unwrap();
            let key = (holder.to_string(), cells[2].clone());
            assert!(
                out.insert(key, shares).is_none(),
                "a line shown twice: {row}"
            );
        }
        match html.split(r#"rel="next" href=""#).nth(1) {
            Some(rest) => path = rest.split('"').next().unwrap().replace("&amp;", "&"),
            None => return out,
        }
    }
}

on_both_backends!(
    the_register_page_walked_page_by_page_shows_what_the_api_sums,
    |app| async move {
        let (t, admin, _) = busy_register(&app, "web-walk").await;
        let mut b = Browser::new(&app);
        b.sign_in("admin@web-walk.test", PASSWORD).await;
        for as_of in [
            "2023-11-30",
            "2023-12-31",
            "2024-01-31",
            "2024-03-15",
            "2024-06-30",
            "2024-07-01",
            "2024-12-31",
        ] {
            let api: BTreeMap<(String, String), i64> = app
                .holdings(&t, &admin, &format!("as_of={as_of}"))
                .await
                .into_iter()
                .map(|(key, (shares, _))| (key, shares))
                .collect();
            let page = register_pages(&mut b, "web-walk", as_of).await;
            assert_eq!(page, api, "as of {as_of}");
        }
        // More than one page, so the cursor was followed.
        assert!(app.holdings(&t, &admin, "as_of=2024-12-31").await.len() > 50);
    }
);

/// Every page of `read` at `moment`, following the cursor of `limit`-row pages.
fn walk(
    conn: &mut dar_db::DbConnection,
    limit: i64,
    read: impl Fn(
        &mut dar_db::DbConnection,
        Option<(i64, String)>,
    ) -> Result<Vec<HoldingRow>, dar_db::StoreError>,
) -> Vec<Vec<HoldingRow>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let rows = read(conn, after).unwrap();
        let full = rows.len() as i64 == limit;
        after = rows
            .last()
            .map(|r| (r.register_number, r.share_class.clone()));
        pages.push(rows);
        if !full {
            return pages;
        }
    }
}

on_both_backends!(
    holdings_read_holder_by_holder_equal_the_summed_register_for_any_chunk_and_page_size,
    |app| async move {
        let (t, admin, mistaken) = busy_register(&app, "web-chunks").await;
        let head = app.head_seq(&t, &admin).await;
        let tenant: TenantId = t.parse().unwrap();
        let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let mut moments = vec![];
        for d in ["2023-12-31", "2024-01-31", "2024-06-30", "2024-12-31"] {
            moments.push(Moment {
                as_of: date(d),
                as_of_seq: head,
            });
        }
        // As the register was known before the reversal, and before the back-dated entries.
        moments.push(Moment {
            as_of: date("2024-12-31"),
            as_of_seq: mistaken,
        });
        moments.push(Moment {
            as_of: date("2024-12-31"),
            as_of_seq: head - 2,
        });
        app.state
            .db(move |conn| {
                for moment in moments {
                    for limit in [1, 2, 3, 7, 50, 1000] {
                        let summed = walk(conn, limit, |c, after| {
                            dar_db::ledger::holdings(c, &tenant, moment, after, limit)
                        });
                        assert!(
                            summed.iter().flatten().count() > 0
                                || moment.as_of < date("2024-01-01")
                        );
                        for chunk in [1, 2, 3, 100] {
                            let by_holder = walk(conn, limit, |c, after| {
                                dar_db::ledger::holdings_page_in_chunks(
                                    c, &tenant, moment, after, limit, chunk,
                                )
                            });
                            assert_eq!(by_holder, summed, "{moment:?} limit {limit} chunk {chunk}");
                        }
                    }
                }
                Ok(())
            })
            .await
            .unwrap();
    }
);
