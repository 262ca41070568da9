//! Keeping the register in the browser: adding a shareholder and recording entries through
//! forms, each previewed before it is posted, with the register rules' refusals shown next
//! to their field in the user's language.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::json;

use crate::web::{Browser, csrf_field, location};

/// A cooperative with class A at 100.00, Anna (no. 1, 10 shares) and Bert (no. 2, none);
/// returns (tenant id, admin token).
async fn register(app: &TestApp, slug: &str) -> (String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
    app.create_person(&t, &admin, "Bert", "Peeters").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": anna, "quantity": 10, "effective_date": "2024-02-01"})).await;
    (t, admin)
}

async fn signed_in<'a>(app: &'a TestApp, slug: &str, lang: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    b.get(&format!("/language/{lang}")).await;
    let r = b.sign_in(&format!("admin@{slug}.test"), PASSWORD).await;
    assert_eq!(r.status(), 303);
    b
}

/// Opens `path` and submits its form with `fields` (and the page's CSRF token).
async fn submit(b: &mut Browser<'_>, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = b.get(path).await.text().await.unwrap();
    let csrf = csrf_field(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

/// The hidden idempotency key of a preview page.
fn preview_key(html: &str) -> String {
    let at = html.find(r#"name="key" value=""#).expect("a key field") + 18;
    html[at..].split('"').next().unwrap().to_string()
}

on_both_backends!(
    an_administrator_adds_a_shareholder_through_the_form,
    |app| async move {
        let (t, admin) = register(&app, "form-add").await;
        let mut b = signed_in(&app, "form-add", "nl").await;
        let r = submit(
            &mut b,
            "/c/form-add/shareholders/new",
            &[
                ("kind", "natural"),
                ("first_name", "Chris"),
                ("last_name", "Claes"),
                ("birth_date", "30/07/1985"),
                ("email", "chris@example.be"),
                ("street", "Kerkstraat 1"),
                ("postal_code", "2000"),
                ("city", "Antwerpen"),
                ("country", "BE"),
                ("iban", "BE68 5390 0754 7034"),
                ("language", "nl"),
                ("admission_date", "01/03/2024"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let to = location(&r).to_string();
        assert!(to.starts_with("/c/form-add/shareholders/"), "{to}");
        let html = b.get(&to).await.text().await.unwrap();
        assert!(html.contains("De aandeelhouder is toegevoegd."), "{html}");
        assert!(html.contains("Claes, Chris"), "{html}");
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let chris = &list["items"][2];
        assert_eq!(chris["register_number"], 3);
        assert_eq!(chris["iban"], "BE68539007547034");
        assert_eq!(chris["birth_date"], "1985-07-30");
        assert_eq!(chris["admission_date"], "2024-03-01");
    }
);

on_both_backends!(
    a_refused_shareholder_form_marks_each_field_in_french_and_adds_nobody,
    |app| async move {
        let (t, admin) = register(&app, "form-bad").await;
        let mut b = signed_in(&app, "form-bad", "fr").await;
        let r = submit(
            &mut b,
            "/c/form-bad/shareholders/new",
            &[
                ("kind", "natural"),
                ("first_name", "Chris"),
                ("last_name", "Claes"),
                ("national_number", "85.07.30-033.29"),
                ("iban", "BE68 5390 0754 7035"),
                ("country", "BE"),
                ("postal_code", "90000"),
                ("language", "fr"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for (field, message) in [
            ("national_number", "Numéro de registre national non valide"),
            ("iban", "IBAN non valide"),
            ("postal_code", "Code postal non valide"),
        ] {
            assert!(html.contains(message), "{message}: {html}");
            assert!(
                html.contains(&format!(r#"id="{field}-error""#)),
                "{field} has its error next to it"
            );
        }
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"value="Claes""#), "what was typed is kept");
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
    }
);

on_both_backends!(
    an_issue_is_previewed_before_it_is_posted_and_posts_once,
    |app| async move {
        let (t, admin) = register(&app, "form-issue").await;
        let head = app.head_seq(&t, &admin).await;
        let mut b = signed_in(&app, "form-issue", "nl").await;
        let path = "/c/form-issue/entries/new/issue";
        let fields = [
            ("step", "preview"),
            ("share_class", "A"),
            ("to", "2"),
            ("quantity", "4"),
            ("price_per_share", "1.250,00"),
            ("effective_date", "01/03/2024"),
        ];
        let r = submit(&mut b, path, &fields).await;
        assert_eq!(r.status(), 200);
        let preview = r.text().await.unwrap();
        assert!(
            preview.contains("Na deze boeking heeft Peeters, Bert (2)"),
            "{preview}"
        );
        assert!(
            preview.contains("5.000,00 €"),
            "4 shares at 1.250,00: {preview}"
        );
        assert_eq!(
            app.head_seq(&t, &admin).await,
            head,
            "a preview posts nothing"
        );

        let key = preview_key(&preview);
        let csrf = csrf_field(&preview);
        let mut post: Vec<(&str, &str)> = vec![("csrf", &csrf), ("key", &key)];
        post.extend_from_slice(&fields[1..]);
        post.push(("step", "post"));
        let first = b.post(path, &post).await;
        assert_eq!(first.status(), 303);
        let entry_page = location(&first).to_string();
        assert!(
            entry_page.contains("/c/form-issue/entries/"),
            "{entry_page}"
        );
        let again = b.post(path, &post).await;
        assert_eq!(again.status(), 303);
        assert_eq!(
            location(&again),
            entry_page,
            "the same entry, not a second one"
        );
        assert_eq!(app.head_seq(&t, &admin).await, head + 1);

        let html = b.get(&entry_page).await.text().await.unwrap();
        assert!(html.contains("De boeking is geregistreerd."), "{html}");
        assert!(html.contains("Peeters, Bert (2)"), "{html}");
    }
);

on_both_backends!(
    an_overdraw_is_refused_next_to_the_quantity_in_the_users_language,
    |app| async move {
        let (t, admin) = register(&app, "form-over").await;
        let head = app.head_seq(&t, &admin).await;
        let mut b = signed_in(&app, "form-over", "nl").await;
        let r = submit(
            &mut b,
            "/c/form-over/entries/new/transfer",
            &[
                ("step", "preview"),
                ("share_class", "A"),
                ("from", "1"),
                ("to", "2"),
                ("quantity", "11"),
                ("effective_date", "01/03/2024"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        let error_at = html
            .find(r#"id="quantity-error""#)
            .expect("the error at quantity");
        let message = &html[error_at..error_at + 200];
        assert!(
            message
                .contains("Janssens, Anna (1) heeft op 01/03/2024 maar 10 aandelen van klasse A"),
            "{message}"
        );
        assert!(html.contains(r#"role="alert""#), "the problem is announced");
        assert_eq!(app.head_seq(&t, &admin).await, head);

        let fr = {
            let mut b = signed_in(&app, "form-over", "fr").await;
            submit(
                &mut b,
                "/c/form-over/entries/new/transfer",
                &[
                    ("step", "preview"),
                    ("share_class", "A"),
                    ("from", "1"),
                    ("to", "2"),
                    ("quantity", "11"),
                    ("effective_date", "01/03/2024"),
                ],
            )
            .await
            .text()
            .await
            .unwrap()
        };
        assert!(
            fr.contains("ne détient le 01/03/2024 que 10 parts de la classe A"),
            "{fr}"
        );
    }
);

on_both_backends!(
    values_that_cannot_be_read_are_named_field_by_field,
    |app| async move {
        register(&app, "form-read").await;
        let mut b = signed_in(&app, "form-read", "en").await;
        let r = submit(
            &mut b,
            "/c/form-read/entries/new/redemption",
            &[
                ("step", "preview"),
                ("share_class", "A"),
                ("from", "Anna"),
                ("quantity", "2,5"),
                ("amount", "12,345,6"),
                ("effective_date", "31/02/2024"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for (field, message) in [
            ("from", "Give the register number"),
            ("quantity", "Give a whole number of shares"),
            ("amount", "Not a valid amount"),
            ("effective_date", "Not a valid date"),
            ("reason", "Please fill this in."),
        ] {
            assert!(
                html.contains(&format!(r#"id="{field}-error""#)),
                "{field}: {html}"
            );
            assert!(html.contains(message), "{message}");
        }
    }
);

on_both_backends!(
    an_unknown_register_number_is_refused_at_its_field,
    |app| async move {
        register(&app, "form-who").await;
        let mut b = signed_in(&app, "form-who", "nl").await;
        let r = submit(
            &mut b,
            "/c/form-who/entries/new/payment",
            &[
                ("step", "preview"),
                ("share_class", "A"),
                ("to", "99"),
                ("amount", "10"),
                ("effective_date", "01/03/2024"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="to-error""#), "{html}");
        assert!(html.contains("Dit register heeft geen aandeelhouder met dit nummer."));
    }
);

on_both_backends!(an_entry_is_reversed_from_its_own_page, |app| async move {
    let (t, admin) = register(&app, "form-rev").await;
    let list = app
        .get_ok(&format!("/api/v1/tenants/{t}/ledger"), &admin)
        .await;
    let issue = list["items"][0]["id"].as_str().unwrap().to_string();
    let mut b = signed_in(&app, "form-rev", "nl").await;
    let page = b
        .get(&format!("/c/form-rev/entries/{issue}"))
        .await
        .text()
        .await
        .unwrap();
    let reverse = format!("/c/form-rev/entries/{issue}/reverse");
    assert!(page.contains(&reverse), "{page}");
    let r = submit(
        &mut b,
        &reverse,
        &[("step", "preview"), ("reason", "Dubbel ingevoerd")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("Janssens, Anna (1)"), "{preview}");
    assert!(preview.contains("geen aandelen meer"), "{preview}");
    let key = preview_key(&preview);
    let csrf = csrf_field(&preview);
    let done = b
        .post(
            &reverse,
            &[
                ("csrf", &csrf),
                ("key", &key),
                ("reason", "Dubbel ingevoerd"),
                ("step", "post"),
            ],
        )
        .await;
    assert_eq!(done.status(), 303);
    let page = b
        .get(&format!("/c/form-rev/entries/{issue}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tegengeboekt door boeking"), "{page}");
    assert!(
        !page.contains(&reverse),
        "a reversed entry offers no second reversal"
    );
    let holdings = app.holdings(&t, &admin, "").await;
    assert!(holdings.values().all(|(q, _)| *q == 0), "{holdings:?}");
});

on_both_backends!(
    the_entry_forms_refuse_a_post_without_the_csrf_token,
    |app| async move {
        let (t, admin) = register(&app, "form-csrf").await;
        let head = app.head_seq(&t, &admin).await;
        let mut b = signed_in(&app, "form-csrf", "nl").await;
        let r = b
            .post(
                "/c/form-csrf/entries/new/issue",
                &[
                    ("step", "post"),
                    ("key", "abc"),
                    ("share_class", "A"),
                    ("to", "2"),
                    ("quantity", "1"),
                    ("effective_date", "01/03/2024"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = b
            .post(
                "/c/form-csrf/shareholders/new",
                &[("kind", "natural"), ("last_name", "X")],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(app.head_seq(&t, &admin).await, head);
    }
);

on_both_backends!(
    a_viewer_and_a_shareholder_get_no_entry_forms,
    |app| async move {
        let (t, admin) = register(&app, "form-ro").await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let anna = list["items"][0]["id"].as_str().unwrap().to_string();
        app.user_with_role(&t, &admin, "viewer@form-ro.test", "viewer", None)
            .await;
        app.user_with_role(&t, &admin, "anna@form-ro.test", "shareholder", Some(&anna))
            .await;
        for who in ["viewer@form-ro.test", "anna@form-ro.test"] {
            let mut b = Browser::new(&app);
            b.sign_in(who, PASSWORD).await;
            for path in [
                "/c/form-ro/entries/new",
                "/c/form-ro/entries/new/issue",
                "/c/form-ro/shareholders/new",
            ] {
                assert_eq!(b.get(path).await.status(), 404, "{who} {path}");
            }
        }
        let mut viewer = Browser::new(&app);
        viewer.sign_in("viewer@form-ro.test", PASSWORD).await;
        let dash = viewer.get("/c/form-ro").await.text().await.unwrap();
        assert!(
            !dash.contains("/entries/new"),
            "no write links for a viewer"
        );
    }
);

on_both_backends!(
    an_administrator_adds_a_share_class_with_amounts_typed_the_belgian_way,
    |app| async move {
        let (t, admin) = register(&app, "form-class").await;
        let mut b = signed_in(&app, "form-class", "nl").await;
        let r = submit(
            &mut b,
            "/c/form-class/classes",
            &[
                ("code", "b"),
                ("name", "Investeerders"),
                ("nominal_value", "1.000,00"),
                ("issue_price", "1.050"),
                ("votes_per_share", "1"),
                ("dividend_rights", "true"),
                ("transfer_rule", "approval"),
                ("max_shares_per_holder", "1.000"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let html = b.get(location(&r)).await.text().await.unwrap();
        assert!(html.contains("De klasse is toegevoegd."), "{html}");
        let classes = app
            .get_ok(&format!("/api/v1/tenants/{t}/share-classes"), &admin)
            .await;
        let b_class = classes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "B")
            .expect("class B");
        assert_eq!(b_class["nominal_value"], "1000.00");
        assert_eq!(b_class["issue_price"], "1050.00");
        assert_eq!(b_class["transfer_rule"], "approval");
        assert_eq!(b_class["max_shares_per_holder"], 1000);
    }
);

on_both_backends!(
    a_share_class_code_taken_is_refused_at_the_code,
    |app| async move {
        let (t, admin) = register(&app, "form-dup").await;
        let mut b = signed_in(&app, "form-dup", "en").await;
        let r = submit(
            &mut b,
            "/c/form-dup/classes",
            &[("code", "A"), ("name", "Again"), ("nominal_value", "10")],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="code-error""#), "{html}");
        assert!(html.contains("already has a class with this code"));
        let classes = app
            .get_ok(&format!("/api/v1/tenants/{t}/share-classes"), &admin)
            .await;
        assert_eq!(classes.as_array().unwrap().len(), 1);
    }
);

on_both_backends!(
    a_viewer_sees_the_share_classes_without_the_form,
    |app| async move {
        let (t, admin) = register(&app, "form-cv").await;
        app.user_with_role(&t, &admin, "viewer@form-cv.test", "viewer", None)
            .await;
        let mut b = Browser::new(&app);
        b.sign_in("viewer@form-cv.test", PASSWORD).await;
        let r = b.get("/c/form-cv/classes").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Klasse A"), "{html}");
        assert!(!html.contains("<form method=\"post\" action=\"/c/form-cv/classes\""));
        let r = b
            .post(
                "/c/form-cv/classes",
                &[
                    ("csrf", &csrf_field(&html)),
                    ("code", "Z"),
                    ("name", "Z"),
                    ("nominal_value", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), 404);
    }
);

on_both_backends!(
    the_ledger_page_shows_the_newest_entries_first_fifty_at_a_time,
    |app| async move {
        let (t, admin) = register(&app, "form-ledger").await;
        let list = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
        let bert = list["items"][1]["id"].as_str().unwrap().to_string();
        let entries: Vec<_> = (0..119)
            .map(|_| json!({"kind": "issue", "share_class": "A", "to": bert, "quantity": 1, "effective_date": "2024-03-01"}))
            .collect();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/ledger/batch"),
            &admin,
            &json!({ "entries": entries }),
        )
        .await;
        assert_eq!(app.head_seq(&t, &admin).await, 120);
        let mut b = signed_in(&app, "form-ledger", "nl").await;
        let numbers = |html: &str| -> Vec<i64> {
            html.split(r#"<td class="num"><a href="/c/form-ledger/entries/"#)
                .skip(1)
                .map(|part| {
                    let text = &part[part.find('>').unwrap() + 1..];
                    text[..text.find('<').unwrap()].parse().unwrap()
                })
                .collect()
        };
        let first = b.get("/c/form-ledger/ledger").await.text().await.unwrap();
        let seqs = numbers(&first);
        assert_eq!(seqs.len(), 50);
        assert_eq!((seqs[0], seqs[49]), (120, 71));
        assert!(first.contains("/c/form-ledger/ledger?before=71"), "{first}");
        let second = b
            .get("/c/form-ledger/ledger?before=71")
            .await
            .text()
            .await
            .unwrap();
        let seqs = numbers(&second);
        assert_eq!((seqs[0], seqs[49]), (70, 21));
        let last = b
            .get("/c/form-ledger/ledger?before=21")
            .await
            .text()
            .await
            .unwrap();
        let seqs = numbers(&last);
        assert_eq!(seqs, (1..=20).rev().collect::<Vec<_>>());
        assert!(
            !last.contains("ledger?before="),
            "no page older than the first entry"
        );
        assert!(
            last.contains(r#"href="/c/form-ledger/ledger""#),
            "back to the newest"
        );
        assert_eq!(
            b.get("/c/form-ledger/ledger?before=abc").await.status(),
            404
        );
    }
);

on_both_backends!(
    the_date_field_shows_and_reads_belgian_dates_and_says_when_it_cannot,
    |app| async move {
        register(&app, "form-date").await;
        let mut b = signed_in(&app, "form-date", "nl").await;
        let html = b
            .get("/c/form-date/register?as_of=01%2F03%2F2024")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(r#"name="as_of" value="01/03/2024""#),
            "{html}"
        );
        assert!(
            html.contains("Janssens, Anna (1)"),
            "Anna held her shares then"
        );
        let before = b
            .get("/c/form-date/register?as_of=15%2F01%2F2024")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !before.contains("Janssens, Anna (1)"),
            "nothing issued yet: {before}"
        );
        let r = b.get("/c/form-date/register?as_of=31%2F02%2F2024").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"id="as_of-error""#), "{html}");
        assert!(html.contains("Geen geldige datum"), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#));
        assert_eq!(
            b.get("/c/form-date/register.pdf?as_of=31%2F02%2F2024")
                .await
                .status(),
            404,
            "a PDF of a date that is not one is not made"
        );
    }
);
