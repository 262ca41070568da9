//! The overview's totals per class are kept up to date entry by entry
//! (`web::class_totals`); after every kind of entry they must equal the sum over the whole
//! ledger.

use chrono::NaiveDate;
use dar_api::web::class_totals::ClassTotals;
use dar_core::ids::TenantId;
use dar_tests::{TestApp, on_both_backends};
use serde_json::json;

/// The totals kept by `kept`, and those summed from the whole ledger, as of `as_of` at the
/// current head.
fn both(app: &TestApp, kept: &ClassTotals, tenant: &TenantId, as_of: NaiveDate) {
    let mut conn = app.db.conn().unwrap();
    let head = dar_db::tenants::get(&mut conn, tenant)
        .unwrap()
        .ledger_head_seq;
    let incremental = kept.at(&mut conn, tenant, as_of, head).unwrap();
    let moment = dar_db::ledger::Moment {
        as_of,
        as_of_seq: head,
    };
    let summed = dar_db::ledger::class_totals(&mut conn, tenant, moment).unwrap();
    assert_eq!(incremental, summed, "as of {as_of} at entry {head}");
}

on_both_backends!(
    the_overview_totals_follow_every_kind_of_entry,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("totals").await;
        let tenant: TenantId = t.parse().unwrap();
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
        let bert = app.create_person(&t, &admin, "Bert", "Peeters").await;
        let kept = ClassTotals::default();
        let today = dar_tests::today();
        let march = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        both(&app, &kept, &tenant, today);
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 10, "paid": "500.00", "effective_date": "2024-02-01"})).await;
        both(&app, &kept, &tenant, today);
        app.post_entry_ok(&t, &admin, &json!({"kind": "payment", "share_class": "A", "to": anna, "amount": "250.00", "effective_date": "2024-04-01"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "transfer", "share_class": "A", "from": anna, "to": bert, "quantity": 4, "effective_date": "2024-05-01"})).await;
        both(&app, &kept, &tenant, today);
        app.create_class(&t, &admin, "B", "50.00", "free").await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": bert, "quantity": 3, "effective_date": "2024-02-15"})).await;
        let redemption = app.post_entry_ok(&t, &admin, &json!({"kind": "redemption", "share_class": "A", "from": bert, "quantity": 1, "amount": "75.00", "effective_date": "2024-06-01", "reason": "uittreding"})).await;
        both(&app, &kept, &tenant, today);
        app.post_entry_ok(
            &t,
            &admin,
            &json!({"kind": "reversal", "reverses": redemption["id"], "reason": "vergissing"}),
        )
        .await;
        both(&app, &kept, &tenant, today);
        // Another date is summed afresh, and kept from there on.
        both(&app, &kept, &tenant, march);
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 2, "effective_date": "2024-01-15"})).await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 5, "effective_date": "2024-07-15"})).await;
        both(&app, &kept, &tenant, march);
        // On 1 March: Anna's 10 A of 1 February; Bert's 3 B of 15 February and Anna's 2 of
        // 15 January (her 5 of 15 July come later), each holding's row up to that date.
        let mut conn = app.db.conn().unwrap();
        let head = dar_db::tenants::get(&mut conn, &tenant)
            .unwrap()
            .ledger_head_seq;
        let moment = dar_db::ledger::Moment {
            as_of: march,
            as_of_seq: head,
        };
        let totals: Vec<(String, i64, i64)> =
            dar_db::ledger::class_totals(&mut conn, &tenant, moment)
                .unwrap()
                .into_iter()
                .map(|t| (t.code, t.quantity, t.capital_cents))
                .collect();
        assert_eq!(
            totals,
            [("A".to_string(), 10, 100_000), ("B".to_string(), 5, 25_000)]
        );
    }
);
