//! Many concurrent transfers that together overdraw one holder, through two service
//! instances on one database: the register stays whole.

use dar_tests::{TestApp, on_both_backends};
use serde_json::json;

/// A second instance of the service on the same database, as behind a load balancer.
async fn second_instance(app: &TestApp) -> String {
    let settings = dar_tests::settings(app.db_url(), 2);
    let db = dar_db::Database::connect(&settings.database_url, 8).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let second = dar_api::startup::build_with(db, settings, listener).unwrap();
    let address = format!("http://127.0.0.1:{}", second.port);
    tokio::spawn(second.server);
    address
}

on_both_backends!(
    concurrent_transfers_that_overdraw_a_holder_keep_the_register_whole,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("race").await;
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        let giver = app.create_person(&t, &admin, "Gever", "Goossens").await;
        let mut takers = Vec::new();
        for i in 0..4 {
            takers.push(
                app.create_person(&t, &admin, "Nemer", &format!("Nummer{i}"))
                    .await,
            );
        }
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": giver, "quantity": 20, "effective_date": "2024-01-02"})).await;
        let other = second_instance(&app).await;

        // 60 transfers of 1 share, some back-dated, split over two instances: 20 can succeed.
        let attempts = (0..60).map(|i| {
        let base = if i % 2 == 0 { app.address.clone() } else { other.clone() };
        let day = 2 + (i % 25);
        let body = json!({"kind": "transfer", "share_class": "B", "from": giver, "to": takers[i % 4], "quantity": 1, "effective_date": format!("2024-03-{day:02}")});
        app.client.post(format!("{base}/api/v1/tenants/{t}/ledger")).bearer_auth(&admin).json(&body).send()
    });
        let mut created = 0;
        for r in futures_util::future::join_all(attempts).await {
            let r = r.unwrap();
            match r.status().as_u16() {
                201 => created += 1,
                422 => {}
                other => panic!("unexpected {other}: {}", r.text().await.unwrap_or_default()),
            }
        }
        assert_eq!(created, 20, "exactly the 20 shares the giver had can leave");

        let register = app.holdings(&t, &admin, "").await;
        assert!(
            register.values().all(|(q, _)| *q >= 0),
            "a negative holding: {register:?}"
        );
        assert_eq!(
            register.values().map(|(q, _)| q).sum::<i64>(),
            20,
            "shares are conserved"
        );
        assert!(
            !register.contains_key(&(giver.clone(), "B".to_string())),
            "the giver has nothing left"
        );

        let entries = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger?limit=1000"), &admin)
            .await;
        let seqs: Vec<i64> = entries["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(
            seqs,
            (1..=21).collect::<Vec<_>>(),
            "sequence numbers have no gaps"
        );
        let verify = app
            .get_ok(&format!("/api/v1/tenants/{t}/ledger/verify"), &admin)
            .await;
        assert_eq!(verify["ok"], true, "{verify}");
    }
);
