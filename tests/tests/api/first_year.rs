//! A cooperative's first year, checked against the register as of several dates.

use dar_tests::on_both_backends;
use serde_json::{Value, json};

async fn holding(
    app: &dar_tests::TestApp,
    tenant: &str,
    token: &str,
    holder: &str,
    query: &str,
) -> Vec<(String, i64, String)> {
    let rows: Value = app
        .get_ok(
            &format!("/api/v1/tenants/{tenant}/shareholders/{holder}/holdings?{query}"),
            token,
        )
        .await;
    rows.as_array()
        .expect("list")
        .iter()
        .map(|h| {
            (
                h["share_class"].as_str().unwrap().to_string(),
                h["quantity"].as_i64().unwrap(),
                h["paid_up"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

on_both_backends!(
    a_first_year_of_issues_transfers_payments_a_redemption_and_a_reversal_gives_the_right_register,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("eerste-jaar").await;
        app.create_class(&t, &admin, "A", "250.00", "approval")
            .await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let an = app.create_person(&t, &admin, "An", "Peeters").await;
        let bert = app.create_person(&t, &admin, "Bert", "De Smedt").await;
        let celine = app.create_person(&t, &admin, "Céline", "Lefèvre").await;
        let dirk = app
            .create_person(&t, &admin, "Dirk", "Van den Broeck")
            .await;

        let issue_a = app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": an, "quantity": 4, "effective_date": "2024-01-10"})).await;
        assert_eq!(issue_a["seq"], 1);
        assert_eq!(issue_a["amount"], "1000.00");
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": bert, "quantity": 10, "effective_date": "2024-01-10"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": celine, "quantity": 20, "paid": "500.00", "effective_date": "2024-01-15"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "B", "from": bert, "to": dirk, "quantity": 5, "effective_date": "2024-03-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "payment", "share_class": "B", "to": celine, "amount": "500.00", "effective_date": "2024-04-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": an, "to": bert, "quantity": 1, "effective_date": "2024-05-01", "external_reference": "RvB 2024-04-20"})).await;
        let redemption = app.post_entry_ok(&t, &admin, &json!({"kind": "redemption", "share_class": "B", "from": dirk, "quantity": 3, "amount": "150.00", "effective_date": "2024-06-30", "reason": "uittreding"})).await;
        assert_eq!(redemption["amount"], "150.00");
        assert_eq!(redemption["paid_up"], "150.00");
        let mistaken = app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": dirk, "quantity": 2, "effective_date": "2024-09-01"})).await;
        let reversal = app.post_entry_ok(&t, &admin, &json!({"kind": "reversal", "reverses": mistaken["id"], "reason": "dubbel ingeboekt"})).await;
        assert_eq!(reversal["reverses_seq"], mistaken["seq"]);
        assert_eq!(reversal["movement_date"], "2024-09-01");

        // End of January: only the issues.
        assert_eq!(
            holding(&app, &t, &admin, &an, "as_of=2024-01-31").await,
            vec![("A".into(), 4, "1000.00".into())]
        );
        assert_eq!(
            holding(&app, &t, &admin, &celine, "as_of=2024-01-31").await,
            vec![("B".into(), 20, "500.00".into())]
        );
        assert_eq!(
            holding(&app, &t, &admin, &dirk, "as_of=2024-01-31").await,
            vec![]
        );
        // End of March: the transfer to Dirk.
        assert_eq!(
            holding(&app, &t, &admin, &bert, "as_of=2024-03-31").await,
            vec![("B".into(), 5, "250.00".into())]
        );
        assert_eq!(
            holding(&app, &t, &admin, &dirk, "as_of=2024-03-31").await,
            vec![("B".into(), 5, "250.00".into())]
        );
        // End of April: Céline fully paid.
        assert_eq!(
            holding(&app, &t, &admin, &celine, "as_of=2024-04-30").await,
            vec![("B".into(), 20, "1000.00".into())]
        );
        // End of June: Bert has a founder share, Dirk withdrew three.
        assert_eq!(
            holding(&app, &t, &admin, &bert, "as_of=2024-06-30").await,
            vec![
                ("A".into(), 1, "250.00".into()),
                ("B".into(), 5, "250.00".into())
            ]
        );
        assert_eq!(
            holding(&app, &t, &admin, &dirk, "as_of=2024-06-30").await,
            vec![("B".into(), 2, "100.00".into())]
        );
        // Today: the reversed issue never happened.
        assert_eq!(
            holding(&app, &t, &admin, &dirk, "").await,
            vec![("B".into(), 2, "100.00".into())]
        );
        // As the register was known before the reversal, Dirk had four.
        let before_reversal = mistaken["seq"].as_i64().unwrap();
        assert_eq!(
            holding(
                &app,
                &t,
                &admin,
                &dirk,
                &format!("as_of_seq={before_reversal}")
            )
            .await,
            vec![("B".into(), 4, "200.00".into())]
        );

        // Shares are conserved: outstanding = issued − redeemed, per class.
        let register = app.holdings(&t, &admin, "").await;
        let total = |class: &str| {
            register
                .iter()
                .filter(|((_, c), _)| c == class)
                .map(|(_, (q, _))| q)
                .sum::<i64>()
        };
        assert_eq!(total("A"), 4);
        assert_eq!(total("B"), 10 + 20 - 3);

        let verify = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
            .await;
        assert_eq!(verify["ok"], true);
        assert_eq!(verify["entries"], 9);
    }
);

on_both_backends!(
    the_register_pages_stay_on_one_ledger_head,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("pagina").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let mut holders = Vec::new();
        for i in 0..5 {
            let h = app
                .create_person(&t, &admin, "Lid", &format!("Nummer{i}"))
                .await;
            app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": h, "quantity": 1, "effective_date": "2024-02-01"})).await;
            holders.push(h);
        }
        let first = app
            .get_ok(&format!("/api/v1/tenants/{t}/holdings?limit=2"), &admin)
            .await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let pinned = first["as_of_seq"].as_i64().unwrap();
        // A new entry between pages must not show on later pages.
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": holders[4], "quantity": 7, "effective_date": "2024-02-01"})).await;
        let mut cursor = first["next_cursor"].as_str().unwrap().to_string();
        let mut seen = 2;
        loop {
            let page = app
                .get_ok(
                    &format!("/api/v1/tenants/{t}/holdings?limit=2&cursor={cursor}"),
                    &admin,
                )
                .await;
            assert_eq!(page["as_of_seq"].as_i64().unwrap(), pinned);
            for item in page["items"].as_array().unwrap() {
                assert_eq!(
                    item["quantity"], 1,
                    "a later entry leaked into a pinned page: {item}"
                );
                seen += 1;
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        assert_eq!(seen, 5);
    }
);
