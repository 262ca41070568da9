//! The database keeps the register's rules even when the service is bypassed: rows written
//! straight into `ledger_entries` that break an invariant are refused by the database itself.

use dar_tests::{TestApp, on_both_backends};
use diesel::RunQueryDsl;
use serde_json::json;

struct Fixture {
    tenant: String,
    admin: String,
    class: String,
    anna: String,
    bram: String,
}

async fn fixture(app: &TestApp, slug: &str) -> Fixture {
    let (tenant, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&tenant, &admin, "B", "50.00", "free")
        .await;
    let anna = app.create_person(&tenant, &admin, "Anna", "Segers").await;
    let bram = app.create_person(&tenant, &admin, "Bram", "Aerts").await;
    let issue = app.post_entry_ok(&tenant, &admin, &json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 10, "effective_date": "2024-01-10"})).await;
    let class = {
        let mut conn = app.db.conn().unwrap();
        dar_db::share_classes::find_by_code(&mut conn, &tenant.parse().unwrap(), "B")
            .unwrap()
            .unwrap()
            .id
    };
    assert_eq!(issue["seq"], 1);
    Fixture {
        tenant,
        admin,
        class,
        anna,
        bram,
    }
}

/// Inserts an entry row directly, as the next one in the chain unless `seq`/`prev_hash` say
/// otherwise; returns the database's error message, if any.
fn insert(app: &TestApp, f: &Fixture, fields: &[(&str, String)]) -> Option<String> {
    let head = {
        let mut conn = app.db.conn().unwrap();
        dar_db::tenants::get(&mut conn, &f.tenant.parse().unwrap()).unwrap()
    };
    let mut row: Vec<(String, String)> = vec![
        ("tenant_id".into(), format!("'{}'", f.tenant)),
        ("seq".into(), (head.ledger_head_seq + 1).to_string()),
        ("id".into(), format!("'{}'", uuid::Uuid::now_v7())),
        ("kind".into(), "'transfer'".into()),
        ("effective_date".into(), "'2024-02-01'".into()),
        ("movement_date".into(), "'2024-02-01'".into()),
        ("recorded_at".into(), "'2024-02-01 10:00:00'".into()),
        ("share_class_id".into(), format!("'{}'", f.class)),
        ("quantity".into(), "1".into()),
        ("capital_cents".into(), "5000".into()),
        ("paid_cents".into(), "5000".into()),
        ("from_shareholder_id".into(), format!("'{}'", f.anna)),
        ("to_shareholder_id".into(), format!("'{}'", f.bram)),
        ("sign".into(), "1".into()),
        ("actor".into(), "'intruder'".into()),
        ("prev_seq".into(), head.ledger_head_seq.to_string()),
        ("prev_hash".into(), format!("'{}'", head.ledger_head_hash)),
        ("hash".into(), format!("'{}'", "f".repeat(64))),
    ];
    for (name, value) in fields {
        match row.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.clone(),
            None => row.push((name.to_string(), value.clone())),
        }
    }
    let columns: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<&str> = row.iter().map(|(_, v)| v.as_str()).collect();
    let sql = format!(
        "INSERT INTO ledger_entries ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    );
    execute(app, &sql)
}

/// Runs `sql` straight on the database; returns its error message, if any.
fn execute(app: &TestApp, sql: &str) -> Option<String> {
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query(sql)
        .execute(&mut *conn)
        .err()
        .map(|e| e.to_string())
}

fn refused(error: Option<String>, expected: &str) {
    refused_by_any(error, &[expected]);
}

/// Some rules have two guards (a trigger and a foreign key); either may speak first.
fn refused_by_any(error: Option<String>, expected: &[&str]) {
    let error = error.expect("the database accepted a row that breaks the register");
    assert!(
        expected.iter().any(|e| error.contains(e)),
        "expected one of {expected:?} in {error:?}"
    );
}

on_both_backends!(
    the_database_refuses_a_row_that_overdraws_a_holder,
    |app| async move {
        let f = fixture(&app, "db-overdraw").await;
        refused(
            insert(
                &app,
                &f,
                &[
                    ("quantity", "11".into()),
                    ("capital_cents", "55000".into()),
                    ("paid_cents", "55000".into()),
                ],
            ),
            "holding_invariant",
        );
        // A back-dated outflow before the holder had anything.
        refused(
            insert(
                &app,
                &f,
                &[
                    ("effective_date", "'2024-01-09'".into()),
                    ("movement_date", "'2024-01-09'".into()),
                ],
            ),
            "holding_invariant",
        );
        assert!(insert(&app, &f, &[]).is_none(), "a valid row is accepted");
    }
);

/// An entry row for [`insert_statement`]: kind, date, from, to, quantity.
type Row<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, i64);

/// Inserts `rows` straight into the ledger with one statement, as the next entries of the
/// chain; returns the database's error, if any.
fn insert_statement(app: &TestApp, f: &Fixture, rows: &[Row]) -> Option<String> {
    insert_linked(app, f, rows, |_, link| link)
}

/// An entry's place in the chain: its number and the previous entry's hash.
type Link = (i64, String);

/// [`insert_statement`], with `relink` given the chance to change the place of the entry at
/// each index (`prev_seq` follows the number).
fn insert_linked(
    app: &TestApp,
    f: &Fixture,
    rows: &[Row],
    relink: impl Fn(usize, Link) -> Link,
) -> Option<String> {
    let head = {
        let mut conn = app.db.conn().unwrap();
        dar_db::tenants::get(&mut conn, &f.tenant.parse().unwrap()).unwrap()
    };
    let quote = |v: Option<&str>| v.map_or("NULL".to_string(), |v| format!("'{v}'"));
    let mut next_prev_hash = head.ledger_head_hash.clone();
    let values: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (kind, date, from, to, quantity))| {
            let next_seq = head.ledger_head_seq + 1 + i as i64;
            let hash = format!("{:064x}", next_seq);
            let (seq, prev_hash) = relink(i, (next_seq, next_prev_hash.clone()));
            let value = format!(
                "('{t}', {seq}, '{id}', '{kind}', '{date}', '{date}', '2024-06-01 10:00:00', \
                 '{class}', {quantity}, {cents}, {cents}, {from}, {to}, 1, 'intruder', {prev}, \
                 '{prev_hash}', '{hash}')",
                t = f.tenant,
                id = uuid::Uuid::now_v7(),
                class = f.class,
                cents = quantity * 5000,
                from = quote(*from),
                to = quote(*to),
                prev = seq - 1,
            );
            next_prev_hash = hash;
            value
        })
        .collect();
    execute(
        app,
        &format!(
            "INSERT INTO ledger_entries (tenant_id, seq, id, kind, effective_date, movement_date, \
             recorded_at, share_class_id, quantity, capital_cents, paid_cents, \
             from_shareholder_id, to_shareholder_id, sign, actor, prev_seq, prev_hash, hash) \
             VALUES {}",
            values.join(", ")
        ),
    )
}

on_both_backends!(
    one_statement_with_appended_and_back_dated_legs_is_checked_on_every_date,
    |app| async move {
        // The ledger trigger writes a holding whose legs fall on one date after its last row
        // straight away, and every other holding through the general upsert; a statement
        // holds both kinds, and one bad holding refuses all of it.
        let f = fixture(&app, "db-two-paths").await;
        let carl = app
            .create_person(&f.tenant, &f.admin, "Carl", "Peeters")
            .await;
        let dora = app.create_person(&f.tenant, &f.admin, "Dora", "Maes").await;
        // Anna: 10 from 10 January, 4 from 1 March.
        app.post_entry_ok(&f.tenant, &f.admin, &json!({"kind": "transfer", "share_class": "B", "from": f.anna, "to": f.bram, "quantity": 6, "effective_date": "2024-03-01"})).await;
        let holdings = |holder: String, date: &'static str| {
            let app = &app;
            let f = &f;
            async move {
                app.get_ok(
                    &format!(
                        "/api/v1/tenants/{}/shareholders/{holder}/holdings?as_of={date}",
                        f.tenant
                    ),
                    &f.admin,
                )
                .await
                .as_array()
                .expect("a list of holdings")
                .iter()
                .map(|p| p["quantity"].as_i64().unwrap())
                .sum::<i64>()
            }
        };

        // Dora's issue is appended; 5 out of Anna on 1 February leaves her at -1 on 1 March.
        refused(
            insert_statement(
                &app,
                &f,
                &[
                    ("issue", "2024-04-01", None, Some(&dora), 1),
                    ("transfer", "2024-02-01", Some(&f.anna), Some(&carl), 5),
                ],
            ),
            "holding_invariant",
        );
        assert_eq!(holdings(dora.clone(), "2024-04-01").await, 0);

        // Four fit: Anna has 6 from 1 February and none from 1 March; Bram gets one more on
        // his last date (the same row); Carl and Dora are new.
        assert_eq!(
            insert_statement(
                &app,
                &f,
                &[
                    ("issue", "2024-04-01", None, Some(&dora), 1),
                    ("transfer", "2024-02-01", Some(&f.anna), Some(&carl), 4),
                    ("issue", "2024-03-01", None, Some(&f.bram), 1),
                ],
            ),
            None
        );
        for (holder, date, expected) in [
            (f.anna.clone(), "2024-02-01", 6),
            (f.anna.clone(), "2024-03-01", 0),
            (f.bram.clone(), "2024-03-01", 7),
            (carl.clone(), "2024-02-01", 4),
            (dora.clone(), "2024-03-31", 0),
            (dora.clone(), "2024-04-01", 1),
        ] {
            assert_eq!(holdings(holder, date).await, expected, "{date}");
        }
        let mut conn = app.db.conn().unwrap();
        assert!(
            dar_db::ledger::verify_positions(&mut conn, &f.tenant.parse().unwrap())
                .unwrap()
                .ok
        );
    }
);

on_both_backends!(
    the_database_refuses_a_gap_or_a_fork_in_the_chain,
    |app| async move {
        let f = fixture(&app, "db-chain").await;
        refused_by_any(
            insert(&app, &f, &[("seq", "3".into()), ("prev_seq", "2".into())]),
            &["chain_conflict", "foreign key"],
        );
        refused_by_any(
            insert(&app, &f, &[("prev_hash", format!("'{}'", "0".repeat(64)))]),
            &["chain_conflict", "foreign key"],
        );
        // A second entry 1 collides with the first.
        refused_by_any(
            insert(
                &app,
                &f,
                &[("seq", "1".into()), ("prev_seq", "NULL".into())],
            ),
            &[""],
        );
        assert_eq!(
            app.get_ok(
                &format!("/api/v1/tenants/{}/ledger/verify", f.tenant),
                &f.admin
            )
            .await["ok"],
            true
        );
    }
);

on_both_backends!(
    the_database_refuses_dates_in_a_closed_period_or_the_future,
    |app| async move {
        let f = fixture(&app, "db-dates").await;
        app.patch(
            &format!("/api/v1/tenants/{}", f.tenant),
            &f.admin,
            &json!({"locked_until": "2024-01-31"}),
        )
        .await
        .error_for_status()
        .unwrap();
        refused(
            insert(
                &app,
                &f,
                &[
                    ("effective_date", "'2024-01-31'".into()),
                    ("movement_date", "'2024-01-31'".into()),
                ],
            ),
            "period_locked",
        );
        refused(
            insert(
                &app,
                &f,
                &[
                    ("effective_date", "'2099-01-01'".into()),
                    ("movement_date", "'2099-01-01'".into()),
                ],
            ),
            "future_date",
        );
    }
);

on_both_backends!(
    the_database_refuses_a_reference_to_another_tenants_shareholder,
    |app| async move {
        let f = fixture(&app, "db-own").await;
        let (other, other_admin) = app.tenant_with_admin("db-other").await;
        let stranger = app
            .create_person(&other, &other_admin, "Vreemde", "Eend")
            .await;
        // PostgreSQL's ledger trigger checks references per statement; SQLite keeps a
        // foreign key.
        refused_by_any(
            insert(&app, &f, &[("to_shareholder_id", format!("'{stranger}'"))]),
            &["unknown_reference: to:", "FOREIGN KEY"],
        );
        refused_by_any(
            insert(
                &app,
                &f,
                &[("from_shareholder_id", format!("'{stranger}'"))],
            ),
            // On SQLite the stranger's empty holding may speak first.
            &[
                "unknown_reference: from:",
                "FOREIGN KEY",
                "holding_invariant",
            ],
        );
        app.create_class(&other, &other_admin, "B", "50.00", "free")
            .await;
        let other_class = {
            let mut conn = app.db.conn().unwrap();
            dar_db::share_classes::find_by_code(&mut conn, &other.parse().unwrap(), "B")
                .unwrap()
                .unwrap()
                .id
        };
        refused_by_any(
            insert(&app, &f, &[("share_class_id", format!("'{other_class}'"))]),
            &["unknown_reference: share_class:", "FOREIGN KEY"],
        );
        assert!(insert(&app, &f, &[]).is_none(), "a valid row is accepted");
    }
);

on_both_backends!(
    a_reference_the_database_refuses_reads_like_the_planners_refusal,
    |app| async move {
        let f = fixture(&app, "db-ref-problem").await;
        let stranger = uuid::Uuid::now_v7().to_string();
        let mut conn = app.db.conn().unwrap();
        let head = dar_db::tenants::get(&mut conn, &f.tenant.parse().unwrap()).unwrap();
        let error = diesel::sql_query(format!(
            "INSERT INTO ledger_entries (tenant_id, seq, id, kind, effective_date, movement_date, \
             recorded_at, share_class_id, quantity, capital_cents, paid_cents, to_shareholder_id, \
             sign, actor, prev_seq, prev_hash, hash) VALUES ('{}', {}, '{}', 'issue', '2024-02-01', \
             '2024-02-01', '2024-02-01 10:00:00', '{}', 1, 5000, 5000, '{stranger}', 1, 'intruder', \
             {}, '{}', '{}')",
            f.tenant,
            head.ledger_head_seq + 1,
            uuid::Uuid::now_v7(),
            f.class,
            head.ledger_head_seq,
            head.ledger_head_hash,
            "f".repeat(64)
        ))
        .execute(&mut *conn)
        .expect_err("an entry for a holder the register lacks was stored");
        match dar_db::StoreError::from(error) {
            dar_db::StoreError::Invalid { field, message } => {
                assert_eq!(field, "to");
                assert_eq!(message, "no shareholder with this id in this register");
            }
            // SQLite's foreign key speaks first there.
            other if app.backend == dar_tests::Backend::Sqlite => {
                assert!(other.to_string().contains("FOREIGN KEY"), "{other}")
            }
            other => panic!("expected the planner's refusal, got {other:?}"),
        }
    }
);

on_both_backends!(
    holders_and_classes_are_never_deleted_or_rekeyed,
    |app| async move {
        let f = fixture(&app, "db-kept").await;
        let run = |sql: String| execute(&app, &sql);
        // Bram has no entries: even so his row stays.
        for sql in [
            format!("DELETE FROM shareholders WHERE id = '{}'", f.bram),
            format!("DELETE FROM shareholders WHERE id = '{}'", f.anna),
            format!(
                "UPDATE shareholders SET id = '{}' WHERE id = '{}'",
                uuid::Uuid::now_v7(),
                f.anna
            ),
            format!("DELETE FROM share_classes WHERE id = '{}'", f.class),
            format!(
                "UPDATE share_classes SET id = '{}' WHERE id = '{}'",
                uuid::Uuid::now_v7(),
                f.class
            ),
        ] {
            refused(run(sql), "append_only");
        }
        assert!(
            run(format!(
                "UPDATE shareholders SET first_name = 'Anne' WHERE id = '{}'",
                f.anna
            ))
            .is_none(),
            "other columns may change"
        );
    }
);

on_both_backends!(
    the_database_refuses_a_reversal_that_does_not_mirror_its_entry,
    |app| async move {
        let f = fixture(&app, "db-reversal").await;
        let mirror = |quantity: &str| {
            vec![
                ("kind", "'reversal'".to_string()),
                ("effective_date", "'2024-03-01'".into()),
                ("movement_date", "'2024-01-10'".into()),
                ("from_shareholder_id", "NULL".into()),
                ("to_shareholder_id", format!("'{}'", f.anna)),
                ("quantity", quantity.to_string()),
                ("capital_cents", "50000".into()),
                ("paid_cents", "50000".into()),
                ("sign", "-1".into()),
                ("reverses_seq", "1".into()),
                ("reason", "'test'".into()),
            ]
        };
        refused(insert(&app, &f, &mirror("9")), "bad_reversal");
        assert!(
            insert(&app, &f, &mirror("10")).is_none(),
            "an exact mirror is accepted"
        );
        // An entry is reversed once at most.
        refused(insert(&app, &f, &mirror("10")), "");
    }
);

on_both_backends!(
    the_database_refuses_more_paid_up_than_subscribed,
    |app| async move {
        let f = fixture(&app, "db-paid").await;
        let issue = [
            ("kind", "'issue'".to_string()),
            ("from_shareholder_id", "NULL".into()),
            ("to_shareholder_id", format!("'{}'", f.bram)),
            ("capital_cents", "5000".into()),
            ("paid_cents", "5001".into()),
        ];
        refused(insert(&app, &f, &issue), "");
        let payment = [
            ("kind", "'payment'".to_string()),
            ("from_shareholder_id", "NULL".into()),
            ("to_shareholder_id", format!("'{}'", f.anna)),
            ("quantity", "0".into()),
            ("capital_cents", "0".into()),
            ("paid_cents", "1".into()),
        ];
        refused(insert(&app, &f, &payment), "holding_invariant");
    }
);

on_both_backends!(
    the_database_refuses_a_gap_or_a_fork_inside_one_statement,
    |app| async move {
        // The statement's first entry extends the head; a later one must extend the entry
        // before it, not only carry a number the key has not seen.
        let f = fixture(&app, "db-chain-statement").await;
        let transfer = (
            "transfer",
            "2024-02-01",
            Some(f.anna.as_str()),
            Some(f.bram.as_str()),
            1,
        );
        let three = [transfer, transfer, transfer];
        // Entries 2, 3 and 5: entry 4 is missing.
        refused_by_any(
            insert_linked(&app, &f, &three, |i, (seq, prev)| {
                (if i == 2 { seq + 1 } else { seq }, prev)
            }),
            &["chain_conflict", "FOREIGN KEY", "foreign key"],
        );
        // Entry 4 names another previous hash than entry 3's.
        refused_by_any(
            insert_linked(&app, &f, &three, |i, (seq, prev)| {
                (seq, if i == 2 { "0".repeat(64) } else { prev })
            }),
            &["chain_conflict", "FOREIGN KEY", "foreign key"],
        );
        let entries = app
            .get_ok(&format!("/api/v1/tenants/{}/ledger", f.tenant), &f.admin)
            .await;
        assert_eq!(entries["items"].as_array().unwrap().len(), 1, "{entries}");
        assert!(
            insert_statement(&app, &f, &three).is_none(),
            "a linked statement is accepted"
        );
    }
);

on_both_backends!(
    the_database_refuses_to_change_a_share_classs_cap_or_transfer_rule,
    |app| async move {
        // Stored positions carry the class's cap, and the rules trust both terms.
        let f = fixture(&app, "db-terms").await;
        let mut conn = app.db.conn().unwrap();
        for change in ["max_shares_per_holder = 5", "transfer_rule = 'none'"] {
            let error = diesel::sql_query(format!(
                "UPDATE share_classes SET {change} WHERE tenant_id = '{}' AND id = '{}'",
                f.tenant, f.class
            ))
            .execute(&mut *conn)
            .err()
            .map(|e| e.to_string());
            refused(error, "class_terms_fixed");
        }
    }
);

on_both_backends!(
    the_database_refuses_to_move_the_ledger_head_without_an_entry,
    |app| async move {
        let f = fixture(&app, "db-head").await;
        let run = |sql: String| execute(&app, &sql);
        refused(
            run(format!(
                "UPDATE tenants SET ledger_head_seq = 2 WHERE id = '{}'",
                f.tenant
            )),
            "chain_conflict",
        );
        refused(
            run(format!(
                "UPDATE tenants SET ledger_head_hash = '{}' WHERE id = '{}'",
                "0".repeat(64),
                f.tenant
            )),
            "chain_conflict",
        );
        assert!(
            run(format!(
                "UPDATE tenants SET legal_name = 'Hernoemd cv' WHERE id = '{}'",
                f.tenant
            ))
            .is_none(),
            "other columns may change"
        );
        // The ledger still moves it.
        app.post_entry_ok(&f.tenant, &f.admin, &json!({"kind": "issue", "share_class": "B", "to": f.bram, "quantity": 1, "effective_date": "2024-02-01"})).await;
        assert_eq!(app.head_seq(&f.tenant, &f.admin).await, 2);
    }
);
