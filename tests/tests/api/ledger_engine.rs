//! The one append path and the stored positions: posting alone or in a group gives the same
//! register, the planner reads only what an entry can affect, and `verify` recomputes the
//! stored positions from the ledger.

use chrono::NaiveDate;
use dar_core::ids::{EntryId, ShareholderId, TenantId};
use dar_core::ledger::{DraftAction, EntryDraft};
use dar_core::money::ShareCount;
use dar_db::ledger::{self, AppendRequest, HoldingKey};
use dar_db::{DbRule, StoreError};
use dar_tests::{TestApp, on_both_backends};
use diesel::RunQueryDsl;
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A cooperative with class B and three holders, set up through the API.
pub(crate) async fn register(app: &TestApp, slug: &str) -> (String, String, Vec<String>) {
    let (tenant, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&tenant, &admin, "B", "50.00", "free")
        .await;
    let mut holders = Vec::new();
    for (first, last) in [("Anna", "Segers"), ("Bram", "Aerts"), ("Chris", "Peeters")] {
        holders.push(app.create_person(&tenant, &admin, first, last).await);
    }
    (tenant, admin, holders)
}

fn draft(action: DraftAction, date: &str) -> EntryDraft {
    EntryDraft {
        action,
        effective_date: Some(day(date)),
        reason: None,
        external_reference: None,
    }
}

pub(crate) fn issue(to: &str, quantity: i64, date: &str) -> EntryDraft {
    draft(
        DraftAction::Issue {
            share_class: "B".into(),
            to: to.parse().unwrap(),
            quantity: ShareCount::new(quantity).unwrap(),
            price_per_share: None,
            paid: None,
        },
        date,
    )
}

fn transfer(from: &str, to: &str, quantity: i64, date: &str) -> EntryDraft {
    draft(
        DraftAction::Transfer {
            share_class: "B".into(),
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            quantity: ShareCount::new(quantity).unwrap(),
            price_per_share: None,
            moved: None,
        },
        date,
    )
}

pub(crate) fn request(tenant: &str, key: Option<&str>, drafts: Vec<EntryDraft>) -> AppendRequest {
    AppendRequest {
        tenant_id: tenant.parse().unwrap(),
        actor: "test".into(),
        idempotency_key: key.map(String::from),
        request_hash: format!("{drafts:?}"),
        drafts,
        audit: None,
    }
}

/// The requests of the comparison, for a register whose holders are `h` (a, b, c): issues,
/// a batch, a back-dated transfer, an overdraw, a batch that fails on its second entry, a
/// retry of an earlier key, and a reversal.
fn script(tenant: &str, h: &[String], reversed: Option<EntryId>) -> Vec<AppendRequest> {
    let (a, b, c) = (&h[0], &h[1], &h[2]);
    let mut reqs = vec![
        request(tenant, Some("k1"), vec![issue(a, 10, "2025-01-10")]),
        request(
            tenant,
            None,
            vec![issue(b, 5, "2025-02-01"), transfer(a, c, 4, "2025-03-01")],
        ),
        // Back-dated before the transfer to c: a has 10 on 15 February, but only 6 from
        // 1 March on, so 7 would leave a below zero then.
        request(tenant, None, vec![transfer(a, b, 7, "2025-02-15")]),
        request(tenant, None, vec![transfer(a, b, 6, "2025-02-15")]),
        request(
            tenant,
            None,
            vec![
                transfer(b, c, 1, "2025-04-01"),
                transfer(c, a, 99, "2025-04-01"),
            ],
        ),
        request(tenant, Some("k1"), vec![issue(a, 10, "2025-01-10")]),
        request(tenant, Some("k1"), vec![issue(a, 11, "2025-01-10")]),
    ];
    if let Some(id) = reversed {
        reqs.push(AppendRequest {
            drafts: vec![EntryDraft {
                action: DraftAction::Reversal { reverses: id },
                effective_date: Some(day("2025-05-01")),
                reason: Some("typo".into()),
                external_reference: None,
            }],
            ..request(tenant, None, vec![])
        });
    }
    reqs
}

/// What a request's answer says, without ids, hashes and times (which differ by tenant).
fn outcome(result: &Result<ledger::Appended, StoreError>, holders: &[String]) -> String {
    match result {
        Ok(done) => {
            let kind = match done {
                ledger::Appended::Posted(_) => "posted",
                ledger::Appended::Replayed(_) => "replayed",
            };
            let entries: Vec<String> = done
                .entries()
                .iter()
                .map(|e| {
                    let who = |h: Option<ShareholderId>| {
                        h.map(|h| holders.iter().position(|x| *x == h.to_string()).unwrap())
                    };
                    let m = &e.movement;
                    format!(
                        "#{} {} {} {:?}->{:?} q{} cap{} paid{} on {}",
                        e.seq,
                        m.kind.as_str(),
                        m.sign,
                        who(m.from),
                        who(m.to),
                        m.quantity,
                        m.capital_cents,
                        m.paid_cents,
                        m.movement_date
                    )
                })
                .collect();
            format!("{kind}: {}", entries.join("; "))
        }
        Err(e) => format!("refused: {e}"),
    }
}

on_both_backends!(
    the_same_requests_posted_one_by_one_and_as_a_group_give_the_same_register,
    |app| async move {
        let (alone, _admin, alone_holders) = register(&app, "engine-alone").await;
        let (grouped, _, grouped_holders) = register(&app, "engine-grouped").await;
        let mut conn = app.db.conn().unwrap();
        let now = chrono::Utc::now();

        // The back-dated transfer from a to b (entry 4).
        let fourth = |t: &str| -> EntryId {
            let mut conn = app.db.conn().unwrap();
            ledger::list(&mut conn, &t.parse().unwrap(), &Default::default(), 3, 1).unwrap()[0].id
        };
        // Round one posts the script without its reversal; round two reverses entry 4.
        let one_by_one: Vec<String> = script(&alone, &alone_holders, None)
            .iter()
            .map(|r| outcome(&ledger::append(&mut conn, r, now), &alone_holders))
            .collect();
        let as_group: Vec<String> =
            ledger::append_group(&mut conn, &script(&grouped, &grouped_holders, None), now)
                .iter()
                .map(|r| outcome(r, &grouped_holders))
                .collect();
        assert_eq!(one_by_one, as_group);
        assert!(one_by_one[2].starts_with("refused"), "{one_by_one:?}");
        assert!(one_by_one[3].starts_with("posted"), "{one_by_one:?}");
        assert!(
            one_by_one[4].starts_with("refused: entry 1 of the batch"),
            "{one_by_one:?}"
        );
        assert!(one_by_one[5].starts_with("replayed"), "{one_by_one:?}");

        let reversal = |t: &str, h: &[String]| script(t, h, Some(fourth(t))).pop().unwrap();
        let alone_reversal = ledger::append(&mut conn, &reversal(&alone, &alone_holders), now);
        let grouped_reversal = ledger::append_group(
            &mut conn,
            &[
                reversal(&grouped, &grouped_holders),
                reversal(&grouped, &grouped_holders),
            ],
            now,
        );
        assert_eq!(
            outcome(&alone_reversal, &alone_holders),
            outcome(&grouped_reversal[0], &grouped_holders)
        );
        // Within one group, the second reversal of the same entry sees the first.
        assert!(
            outcome(&grouped_reversal[1], &grouped_holders).contains("already reversed"),
            "{grouped_reversal:?}"
        );
        for tenant in [&alone, &grouped] {
            let id: TenantId = tenant.parse().unwrap();
            assert!(ledger::verify(&mut conn, &id).unwrap().ok);
            assert!(ledger::verify_positions(&mut conn, &id).unwrap().ok);
        }
    }
);

on_both_backends!(
    requests_of_several_tenants_posted_as_one_group_give_each_tenant_its_own_register,
    |app| async move {
        // The database checks a group's one INSERT for all its tenants at once: each
        // tenant's chain, head and positions must come out as if it had posted alone.
        let (alone, _, alone_holders) = register(&app, "engine-solo").await;
        let mut conn = app.db.conn().unwrap();
        let now = chrono::Utc::now();
        let expected: Vec<String> = script(&alone, &alone_holders, None)
            .iter()
            .map(|r| outcome(&ledger::append(&mut conn, r, now), &alone_holders))
            .collect();

        let mut tenants = Vec::new();
        for slug in ["engine-group-a", "engine-group-b", "engine-group-c"] {
            let (tenant, _, holders) = register(&app, slug).await;
            tenants.push((tenant, holders));
        }
        let scripts: Vec<Vec<AppendRequest>> =
            tenants.iter().map(|(t, h)| script(t, h, None)).collect();
        // Interleaved: a1, b1, c1, a2, b2, c2, …
        let group: Vec<AppendRequest> = (0..expected.len())
            .flat_map(|i| scripts.iter().map(move |s| s[i].clone()))
            .collect();
        // Without the group's fallback to posting one by one: the database must take the
        // group as it is.
        let results =
            dar_db::write_transaction(&mut conn, |c| ledger::append_within(c, &group, now))
                .expect("the database accepts the group's entries of three tenants at once");
        for (k, (tenant, holders)) in tenants.iter().enumerate() {
            let got: Vec<String> = results
                .iter()
                .skip(k)
                .step_by(tenants.len())
                .map(|r| outcome(r, holders))
                .collect();
            assert_eq!(got, expected, "tenant {k}");
            let id: TenantId = tenant.parse().unwrap();
            assert!(ledger::verify(&mut conn, &id).unwrap().ok);
            assert!(ledger::verify_positions(&mut conn, &id).unwrap().ok);
        }
    }
);

on_both_backends!(
    the_planner_reads_one_stored_position_for_an_entry_dated_after_a_long_history,
    |app| async move {
        let (tenant, admin, h) = register(&app, "engine-history").await;
        // Forty movements on forty dates.
        app.post_entry_ok(&tenant, &admin, &json!({"kind": "issue", "share_class": "B", "to": h[0], "quantity": 1000, "effective_date": "2025-01-01"})).await;
        let mut date = day("2025-01-02");
        for _ in 0..40 {
            app.post_entry_ok(&tenant, &admin, &json!({"kind": "transfer", "share_class": "B", "from": h[0], "to": h[1], "quantity": 1, "effective_date": date})).await;
            date = date.succ_opt().unwrap();
        }
        let mut conn = app.db.conn().unwrap();
        let class = dar_db::share_classes::find_by_code(&mut conn, &tenant.parse().unwrap(), "B")
            .unwrap()
            .unwrap()
            .id;
        let key = |holder: &str| HoldingKey {
            tenant: tenant.parse::<TenantId>().unwrap(),
            class_id: class.clone(),
            holder: holder.parse().unwrap(),
        };
        let read = |from: &str| {
            let mut conn = app.db.conn().unwrap();
            let wanted = [(key(&h[0]), day(from))].into_iter().collect();
            ledger::legs_from(&mut conn, &wanted)
                .unwrap()
                .remove(&key(&h[0]))
                .unwrap()
        };
        // Dated today: one row, the position on the last date, whatever came before.
        let today = read("2026-01-01");
        assert_eq!(today.len(), 1, "{today:?}");
        assert_eq!(today[0].quantity, 960);
        // Back-dated by ten days: the position then, and the ten later dates.
        let back = read("2025-02-01");
        assert_eq!(back.len(), 1 + 9, "{back:?}");
        assert_eq!(back.iter().map(|l| l.quantity).sum::<i64>(), 960);
    }
);

on_both_backends!(
    verify_recomputes_the_stored_positions_and_names_the_first_that_differs,
    |app| async move {
        let (tenant, admin, h) = register(&app, "engine-verify").await;
        app.post_entry_ok(&tenant, &admin, &json!({"kind": "issue", "share_class": "B", "to": h[1], "quantity": 10, "effective_date": "2025-01-10"})).await;
        let path = format!("/api/v1/tenants/{tenant}/ledger/verify");
        let report = app.get_ok(&path, &admin).await;
        assert_eq!(report["positions"]["ok"], true, "{report}");
        assert_eq!(report["positions"]["holdings"], 1, "{report}");

        // Write around the service: on PostgreSQL only with the triggers switched off (the
        // guard refuses a direct write), on SQLite straight away.
        let mut conn = app.db.conn().unwrap();
        let tamper = format!(
            "UPDATE holding_positions SET quantity = 1000, capital_cents = 5000000, paid_cents = 5000000 WHERE tenant_id = '{tenant}'"
        );
        if app.backend == dar_tests::Backend::Postgres {
            let refused = diesel::sql_query(&tamper).execute(&mut *conn).unwrap_err();
            assert!(refused.to_string().contains("derived_state"), "{refused}");
            diesel::sql_query("SET session_replication_role = replica")
                .execute(&mut *conn)
                .unwrap();
        }
        diesel::sql_query(&tamper).execute(&mut *conn).unwrap();
        if app.backend == dar_tests::Backend::Postgres {
            diesel::sql_query("SET session_replication_role = DEFAULT")
                .execute(&mut *conn)
                .unwrap();
        }
        let report = app.get_ok(&path, &admin).await;
        assert_eq!(report["ok"], false, "{report}");
        let mismatch = &report["positions"]["first_mismatch"];
        assert_eq!(mismatch["shareholder_id"], h[1].as_str(), "{report}");
        assert_eq!(mismatch["date"], "2025-01-10", "{report}");
        assert_eq!(mismatch["ledger"], json!([10, 50000, 50000]), "{report}");
        assert_eq!(
            mismatch["stored"],
            json!([1000, 5000000, 5000000]),
            "{report}"
        );
    }
);

on_both_backends!(
    a_holding_rule_refused_by_the_database_names_the_rule_as_the_planner_does,
    |app| async move {
        let (tenant, admin, h) = register(&app, "engine-rule").await;
        let issue = app.post_entry_ok(&tenant, &admin, &json!({"kind": "issue", "share_class": "B", "to": h[0], "quantity": 3, "effective_date": "2025-01-10"})).await;
        // A transfer of 5 written straight into the ledger, around the planner.
        let mut conn = app.db.conn().unwrap();
        let head = dar_db::tenants::get(&mut conn, &tenant.parse().unwrap()).unwrap();
        let class = dar_db::share_classes::find_by_code(&mut conn, &tenant.parse().unwrap(), "B")
            .unwrap()
            .unwrap()
            .id;
        let sql = format!(
            "INSERT INTO ledger_entries (tenant_id, seq, id, kind, effective_date, movement_date, recorded_at,
                share_class_id, quantity, capital_cents, paid_cents, from_shareholder_id, to_shareholder_id,
                sign, actor, prev_seq, prev_hash, hash)
             VALUES ('{tenant}', 2, '{}', 'transfer', '2025-02-01', '2025-02-01', '2025-02-01 10:00:00',
                '{class}', 5, 25000, 25000, '{}', '{}', 1, 'intruder', 1, '{}', '{}')",
            uuid::Uuid::now_v7(),
            h[0],
            h[1],
            head.ledger_head_hash,
            "f".repeat(64)
        );
        let error = StoreError::from(diesel::sql_query(sql).execute(&mut *conn).unwrap_err());
        assert!(
            matches!(
                error,
                StoreError::Rule {
                    rule: DbRule::InsufficientShares,
                    ..
                }
            ),
            "{error:?}"
        );
        // The planner's own refusal of the same transfer has the same problem type.
        let refused = app
            .post_entry(&tenant, &admin, &json!({"kind": "transfer", "share_class": "B", "from": h[0], "to": h[1], "quantity": 5, "effective_date": "2025-02-01"}))
            .await;
        let problem = dar_tests::expect_problem(refused, 422).await;
        let by_database = dar_api::error::ApiError::from(error).problem();
        assert_eq!(problem["type"], by_database.type_.as_str());
        assert_eq!(issue["seq"], 1);
    }
);

on_both_backends!(
    a_batch_moving_holdings_before_between_and_after_their_stored_dates_keeps_every_date_right,
    |app| async move {
        // The same entries in two registers: one by one, and the second half as one batch
        // whose legs fall before, between, on and after the dates already stored, several
        // per holding. Both registers must agree on every date, and verify must find the
        // stored positions equal to the ledger's.
        let first = [
            json!({"kind": "issue", "share_class": "B", "to": 0, "quantity": 10, "effective_date": "2025-01-10"}),
            json!({"kind": "issue", "share_class": "B", "to": 1, "quantity": 10, "effective_date": "2025-03-10"}),
            json!({"kind": "issue", "share_class": "B", "to": 2, "quantity": 10, "effective_date": "2025-05-10"}),
            json!({"kind": "transfer", "share_class": "B", "from": 0, "to": 1, "quantity": 2, "effective_date": "2025-04-10"}),
        ];
        let batch = [
            json!({"kind": "issue", "share_class": "B", "to": 1, "quantity": 4, "effective_date": "2025-02-01"}),
            json!({"kind": "transfer", "share_class": "B", "from": 0, "to": 2, "quantity": 3, "effective_date": "2025-04-20"}),
            json!({"kind": "transfer", "share_class": "B", "from": 1, "to": 0, "quantity": 1, "effective_date": "2025-06-01"}),
            json!({"kind": "issue", "share_class": "B", "to": 0, "quantity": 2, "effective_date": "2025-03-10"}),
            json!({"kind": "transfer", "share_class": "B", "from": 2, "to": 1, "quantity": 5, "effective_date": "2025-05-10"}),
            json!({"kind": "transfer", "share_class": "B", "from": 0, "to": 1, "quantity": 1, "effective_date": "2025-01-15"}),
            json!({"kind": "transfer", "share_class": "B", "from": 1, "to": 2, "quantity": 3, "effective_date": "2025-02-01"}),
        ];
        let named = |entry: &serde_json::Value, h: &[String]| {
            let mut entry = entry.clone();
            for side in ["from", "to"] {
                if let Some(i) = entry[side].as_u64() {
                    entry[side] = json!(h[i as usize]);
                }
            }
            entry
        };
        let (single, admin_s, hs) = register(&app, "engine-dates-single").await;
        let (grouped, admin_g, hg) = register(&app, "engine-dates-batch").await;
        for entry in first.iter().chain(&batch) {
            app.post_entry_ok(&single, &admin_s, &named(entry, &hs))
                .await;
        }
        for entry in &first {
            app.post_entry_ok(&grouped, &admin_g, &named(entry, &hg))
                .await;
        }
        let entries: Vec<serde_json::Value> = batch.iter().map(|e| named(e, &hg)).collect();
        app.post_ok(
            &format!("/api/v1/tenants/{grouped}/ledger/batch"),
            &admin_g,
            &json!({ "entries": entries }),
        )
        .await;

        let by_index = |register: std::collections::BTreeMap<(String, String), (i64, String)>,
                        h: &[String]| {
            register
                .into_iter()
                .map(|((holder, _), held)| (h.iter().position(|x| *x == holder).unwrap(), held))
                .collect::<Vec<_>>()
        };
        for date in [
            "2025-01-12",
            "2025-01-15",
            "2025-02-01",
            "2025-03-10",
            "2025-04-15",
            "2025-04-20",
            "2025-05-10",
            "2025-06-01",
        ] {
            let query = format!("as_of={date}");
            assert_eq!(
                by_index(app.holdings(&grouped, &admin_g, &query).await, &hg),
                by_index(app.holdings(&single, &admin_s, &query).await, &hs),
                "as of {date}"
            );
        }
        for (tenant, admin) in [(&single, &admin_s), (&grouped, &admin_g)] {
            let report = app
                .get_ok(&format!("/api/v1/tenants/{tenant}/ledger/verify"), admin)
                .await;
            assert_eq!(report["ok"], true, "{report}");
        }
    }
);

/// `n` issues of one share each to `holder` on `date`, as one request.
fn padding(tenant: &str, holder: &str, n: usize, date: &str) -> AppendRequest {
    request(
        tenant,
        None,
        (0..n).map(|_| issue(holder, 1, date)).collect(),
    )
}

on_both_backends!(
    a_group_of_several_thousand_entries_gives_the_same_register_as_posting_one_by_one,
    |app| async move {
        // A group this large is inserted a part at a time while the rest is planned
        // (PostgreSQL): the script's refusals, its retries within the group and of a key
        // stored before it, and its back-dated transfer must come out as when each request
        // is posted alone, with the parts' boundaries between them.
        let mut conn = app.db.conn().unwrap();
        let now = chrono::Utc::now();
        let (mut outcomes, mut stored) = (Vec::new(), Vec::new());
        for (slug, grouped) in [("engine-large-alone", false), ("engine-large-group", true)] {
            let (tenant, admin, mut h) = register(&app, slug).await;
            h.push(app.create_person(&tenant, &admin, "Dirk", "Janssens").await);
            let earlier = request(&tenant, Some("k0"), vec![issue(&h[1], 2, "2025-01-02")]);
            ledger::append(&mut conn, &earlier, now).unwrap();
            let script = script(&tenant, &h, None);
            let mut group = vec![padding(&tenant, &h[3], 1000, "2025-01-05")];
            group.extend(script[..3].iter().cloned());
            group.push(padding(&tenant, &h[3], 1000, "2025-01-06"));
            group.push(earlier.clone());
            group.extend(script[3..].iter().cloned());
            group.push(padding(&tenant, &h[3], 1000, "2025-06-01"));
            // Last, once the parts before it are inserted, a request naming a holder this
            // register does not have: refused as when posted alone, the rest kept.
            let stranger = ShareholderId::new().to_string();
            group.push(request(
                &tenant,
                None,
                vec![issue(&stranger, 1, "2025-06-02")],
            ));
            let results = if grouped {
                ledger::append_group(&mut conn, &group, now)
            } else {
                group
                    .iter()
                    .map(|r| ledger::append(&mut conn, r, now))
                    .collect()
            };
            outcomes.push(results.iter().map(|r| outcome(r, &h)).collect::<Vec<_>>());
            let id: TenantId = tenant.parse().unwrap();
            let chain = ledger::verify(&mut conn, &id).unwrap();
            assert!(chain.ok);
            stored.push(chain.entries);
            assert!(ledger::verify_positions(&mut conn, &id).unwrap().ok);
        }
        assert_eq!(outcomes[0], outcomes[1]);
        assert_eq!(stored, [3005, 3005]);
        let grouped = &outcomes[1];
        assert!(grouped[5].starts_with("replayed: #1 "), "{:?}", grouped[5]);
        assert!(grouped[3].starts_with("refused"), "{:?}", grouped[3]);
        assert!(
            grouped[10].starts_with("posted: #2006 "),
            "{:?}",
            grouped[10]
        );
        assert!(
            grouped[11].contains("no shareholder with this id"),
            "{:?}",
            grouped[11]
        );
    }
);

on_both_backends!(
    a_large_group_the_database_refuses_part_way_leaves_nothing_and_is_posted_again_request_by_request,
    |app| async move {
        // A rule the planner does not know, refused by the database in the group's third
        // part, after two parts were inserted: the group rolls back as a whole, and each
        // request is then posted alone, so only the refused one fails.
        let (tenant, _admin, h) = register(&app, "engine-large-refused").await;
        let mut conn = app.db.conn().unwrap();
        let rule = match conn.backend() {
            dar_db::Backend::Postgres => {
                "ALTER TABLE ledger_entries ADD CONSTRAINT test_refused \
                 CHECK (external_reference IS DISTINCT FROM 'refuse-me')"
            }
            dar_db::Backend::Sqlite => {
                "CREATE TRIGGER test_refused BEFORE INSERT ON ledger_entries \
                 WHEN NEW.external_reference = 'refuse-me' \
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            }
        };
        diesel::connection::SimpleConnection::batch_execute(&mut *conn, rule).unwrap();
        let mut refused = issue(&h[0], 1, "2025-01-07");
        refused.external_reference = Some("refuse-me".into());
        let group = vec![
            padding(&tenant, &h[0], 1000, "2025-01-05"),
            padding(&tenant, &h[1], 1000, "2025-01-06"),
            request(&tenant, None, vec![issue(&h[2], 3, "2025-01-07"), refused]),
            padding(&tenant, &h[2], 1000, "2025-01-08"),
        ];
        let results = ledger::append_group(&mut conn, &group, chrono::Utc::now());
        let kinds: Vec<&str> = results
            .iter()
            .map(|r| match r {
                Ok(ledger::Appended::Posted(_)) => "posted",
                Ok(ledger::Appended::Replayed(_)) => "replayed",
                Err(_) => "refused",
            })
            .collect();
        let errors: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err().map(ToString::to_string))
            .collect();
        assert_eq!(kinds, ["posted", "posted", "refused", "posted"], "{errors:?}");
        let id: TenantId = tenant.parse().unwrap();
        let report = ledger::verify(&mut conn, &id).unwrap();
        assert!(report.ok);
        assert_eq!(report.entries, 3000);
        assert!(ledger::verify_positions(&mut conn, &id).unwrap().ok);
    }
);
