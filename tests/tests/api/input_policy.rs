//! What the API accepts as input, tried as an integrator and an attacker would: one text
//! policy for every string (no control or bidi characters, NFC), ISO dates only, no
//! duplicate keys, plausible dates and postal codes, and errors that name every wrong
//! field in words an administrator understands. Each refusal changes nothing.

use dar_tests::{TestApp, expect_problem, on_both_backends};
use serde_json::{Value, json};

/// A cooperative with class B and two members admitted on 2024-01-01; Anna holds 10.
async fn setup(app: &TestApp, slug: &str) -> (String, String, String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "B", "50.00", "free").await;
    let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
    let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
    app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 10, "effective_date": "2024-01-10"})).await;
    (t, admin, anna, bram)
}

/// Sends `body` raw to `path` with `method`; returns the response.
async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> reqwest::Response {
    app.client
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Asserts a 4xx problem whose `errors` name `field`; returns the problem.
async fn refused_naming(response: reqwest::Response, status: u16, field: &str) -> Value {
    let p = expect_problem(response, status).await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected {field} among {fields:?}: {p}"
    );
    p
}

fn fields_of(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

on_both_backends!(
    a_nul_character_is_refused_in_every_ledger_field,
    |app| async move {
        let (t, admin, anna, bram) = setup(&app, "nul-ledger").await;
        let head = app.head_seq(&t, &admin).await;
        let path = format!("/api/v1/tenants/{t}/ledger");
        let transfer = |field: &str, value: &str| {
            let mut body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 1, "effective_date": "2024-06-01"});
            body[field] = json!(value);
            body.to_string()
        };
        for field in ["reason", "external_reference", "share_class"] {
            let r = send(&app, "POST", &path, &admin, &transfer(field, "a\u{0}b")).await;
            let p = refused_naming(r, 400, field).await;
            assert!(p.to_string().contains("control characters"), "{p}");
        }
        let batch = json!({"entries": [
            {"kind": "issue", "share_class": "B", "to": bram, "quantity": 1, "effective_date": "2024-06-01"},
            {"kind": "issue", "share_class": "B", "to": bram, "quantity": 1, "effective_date": "2024-06-01", "reason": "x\u{0}"}
        ]});
        let r = send(
            &app,
            "POST",
            &format!("{path}/batch"),
            &admin,
            &batch.to_string(),
        )
        .await;
        refused_naming(r, 400, "entries[1].reason").await;
        assert_eq!(
            app.head_seq(&t, &admin).await,
            head,
            "a refused entry changed the ledger"
        );
    }
);

on_both_backends!(
    a_nul_character_is_refused_in_names_emails_and_settings,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "nul-names").await;
        let r = send(&app, "POST", &format!("/api/v1/tenants/{t}/share-classes"), &admin,
        &json!({"code": "C", "name": "Klasse\u{0}C", "nominal_value": "10.00", "transfer_rule": "free"}).to_string()).await;
        refused_naming(r, 400, "name").await;
        let r = send(
            &app,
            "PATCH",
            &format!("/api/v1/tenants/{t}"),
            &admin,
            &json!({"legal_name": "Coop\u{0}"}).to_string(),
        )
        .await;
        refused_naming(r, 400, "legal_name").await;
        let r = send(
            &app,
            "POST",
            &format!("/api/v1/tenants/{t}/invitations"),
            &admin,
            &json!({"email": "x\u{0}@example.be", "role": "viewer"}).to_string(),
        )
        .await;
        refused_naming(r, 400, "email").await;
        let r = send(
            &app,
            "PUT",
            &format!("/api/v1/tenants/{t}/document-settings"),
            &admin,
            &json!({"signatory_name": "An\u{0}na"}).to_string(),
        )
        .await;
        refused_naming(r, 400, "signatory_name").await;
        let r = send(&app, "POST", "/api/v1/tenants", &app.coordinator,
        &json!({"slug": "nul-coop", "legal_name": "Coop\u{0} cv", "enterprise_number": "0403.019.261", "legal_form": "cv", "default_language": "nl"}).to_string()).await;
        refused_naming(r, 400, "legal_name").await;
        let tenant = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        assert!(!tenant["legal_name"].as_str().unwrap().contains('\u{0}'));
    }
);

on_both_backends!(
    a_nul_character_in_the_login_email_is_refused_without_a_token,
    |app| async move {
        let r = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "a\u{0}@b.be", "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        refused_naming(r, 400, "email").await;
    }
);

on_both_backends!(
    a_nul_character_in_a_query_or_path_is_refused,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "nul-query").await;
        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/class-register?share_class=B%00"),
                &admin,
            )
            .await;
        let p = refused_naming(r, 400, "share_class").await;
        assert_eq!(
            p["errors"].as_array().unwrap().len(),
            1,
            "not also 'required': {p}"
        );
        let r = app
            .get(&format!("/api/v1/tenants/{t}/audit?action=%00"), &admin)
            .await;
        refused_naming(r, 400, "action").await;
        let r = app.get("/api/v1/tenants/x%00", &admin).await;
        refused_naming(r, 400, "path").await;
        let r = app
            .get(
                &format!("/api/v1/tenants/{t}/shareholders?q=%E2%80%AEnna"),
                &admin,
            )
            .await;
        refused_naming(r, 400, "q").await;
    }
);

on_both_backends!(
    bidi_overrides_and_invisible_names_are_refused,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "bidi").await;
        let path = format!("/api/v1/tenants/{t}/shareholders");
        let person = |last: &str| {
            json!({"kind": "natural", "first_name": "Eva", "last_name": last}).to_string()
        };
        for bad in ["Jans\u{202E}snej", "Jan\u{2066}ssens"] {
            let p = refused_naming(
                send(&app, "POST", &path, &admin, &person(bad)).await,
                400,
                "last_name",
            )
            .await;
            assert!(p.to_string().contains("text-direction"), "{p}");
        }
        for blank in ["", "   ", "\u{200B}\u{200B}", "\u{FEFF}"] {
            refused_naming(
                send(&app, "POST", &path, &admin, &person(blank)).await,
                400,
                "last_name",
            )
            .await;
        }
        let list = app.get_ok(&format!("{path}?limit=10"), &admin).await;
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            2,
            "nothing was added: {list}"
        );
    }
);

on_both_backends!(
    text_is_stored_in_nfc_and_reads_back_the_same_on_both_databases,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "nfc").await;
        let decomposed = "Franc\u{0327}oise";
        let body =
            json!({"kind": "natural", "first_name": decomposed, "last_name": "Lefe\u{0300}vre"});
        let created = app
            .post_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin, &body)
            .await;
        assert_eq!(created["first_name"], "Françoise");
        assert_eq!(created["last_name"], "Lefèvre");
        let found = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/shareholders?q=fran%C3%A7oise"),
                &admin,
            )
            .await;
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    }
);

on_both_backends!(
    line_breaks_are_kept_only_in_multi_line_text,
    |app| async move {
        let (t, admin, anna, bram) = setup(&app, "lines").await;
        let entry = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 1,
        "effective_date": "2024-06-01", "reason": "verkoop\r\nzie notulen"});
        let posted = app.post_entry_ok(&t, &admin, &entry).await;
        assert_eq!(posted["reason"], "verkoop\nzie notulen");
        let r = send(
            &app,
            "PATCH",
            &format!("/api/v1/tenants/{t}"),
            &admin,
            &json!({"legal_name": "Coop\ncv"}).to_string(),
        )
        .await;
        let p = refused_naming(r, 400, "legal_name").await;
        assert!(p.to_string().contains("single line"), "{p}");
    }
);

on_both_backends!(dates_are_accepted_only_as_yyyy_mm_dd, |app| async move {
    let (t, admin, anna, _) = setup(&app, "dates").await;
    let head = app.head_seq(&t, &admin).await;
    for bad in [
        "2025-1-1",
        " 2025-06-01 ",
        "31/12/2025",
        "2025-06-01T00:00:00Z",
        "2025-02-30",
    ] {
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1, "effective_date": bad});
        let r = app.post_entry(&t, &admin, &body).await;
        let p = refused_naming(r, 400, "effective_date").await;
        let text = p.to_string();
        assert!(
            text.contains("YYYY-MM-DD") || text.contains("calendar"),
            "{bad}: {p}"
        );
    }
    let r = app
        .get(
            &format!("/api/v1/tenants/{t}/holdings?as_of=2025-1-1"),
            &admin,
        )
        .await;
    refused_naming(r, 400, "as_of").await;
    assert_eq!(app.head_seq(&t, &admin).await, head);
});

on_both_backends!(
    a_document_with_a_duplicate_key_is_refused,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "dupkey").await;
        let head = app.head_seq(&t, &admin).await;
        let body = format!(
            r#"{{"kind":"issue","share_class":"B","to":"{anna}","quantity":1,"effective_date":"2024-06-01","quantity":2}}"#
        );
        let r = send(
            &app,
            "POST",
            &format!("/api/v1/tenants/{t}/ledger"),
            &admin,
            &body,
        )
        .await;
        let p = expect_problem(r, 400).await;
        assert!(p.to_string().contains("appears twice"), "{p}");
        assert_eq!(app.head_seq(&t, &admin).await, head);
    }
);

on_both_backends!(implausible_identities_are_refused, |app| async move {
    let (t, admin, anna, _) = setup(&app, "identity").await;
    let path = format!("/api/v1/tenants/{t}/shareholders");
    let r = app
        .post(
            &path,
            &admin,
            &json!({"kind": "natural", "last_name": "Oud", "birth_date": "0000-01-01"}),
        )
        .await;
    refused_naming(r, 422, "birth_date").await;
    let r = app.post(&path, &admin, &json!({"kind": "natural", "last_name": "Peeters", "enterprise_number": "0403.019.261"})).await;
    refused_naming(r, 422, "enterprise_number").await;
    let r = app
        .post(
            &path,
            &admin,
            &json!({"kind": "natural", "last_name": "Peeters", "admission_date": "1850-01-01"}),
        )
        .await;
    refused_naming(r, 422, "admission_date").await;
    let r = app
        .patch(
            &format!("{path}/{anna}"),
            &admin,
            &json!({"last_name": "Janssens-Maes", "valid_from": "0001-01-01"}),
        )
        .await;
    refused_naming(r, 422, "valid_from").await;
    let versions = app.get_ok(&format!("{path}/{anna}/versions"), &admin).await;
    assert_eq!(
        versions.as_array().unwrap().len(),
        1,
        "no version was added: {versions}"
    );
});

on_both_backends!(
    postal_codes_are_checked_for_belgium_and_the_netherlands,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "postal").await;
        let path = format!("/api/v1/tenants/{t}/shareholders");
        let person = |code: &str, country: &str| {
            json!({"kind": "natural", "last_name": "Post",
        "address": {"street": "Straat 1", "postal_code": code, "city": "Stad", "country": country}})
        };
        let p = refused_naming(
            app.post(&path, &admin, &person("90000", "BE")).await,
            422,
            "address.postal_code",
        )
        .await;
        assert!(p.to_string().contains("four digits"), "{p}");
        refused_naming(
            app.post(&path, &admin, &person("12345", "NL")).await,
            422,
            "address.postal_code",
        )
        .await;
        let nl = app.post_ok(&path, &admin, &person("1234ab", "nl")).await;
        assert_eq!(nl["address"]["postal_code"], "1234 AB");
        assert_eq!(nl["address"]["country"], "NL");
        let r = app
            .patch(
                &format!("/api/v1/tenants/{t}"),
                &admin,
                &json!({"address": {"postal_code": "900"}}),
            )
            .await;
        refused_naming(r, 422, "address.postal_code").await;
    }
);

on_both_backends!(
    an_empty_tenant_patch_changes_nothing_and_answers_200,
    |app| async move {
        let (t, admin, _, _) = setup(&app, "empty-patch").await;
        let before = app.get_ok(&format!("/api/v1/tenants/{t}"), &admin).await;
        let audit_before = app
            .get_ok(&format!("/api/v1/tenants/{t}/audit?limit=1000"), &admin)
            .await["items"]
            .as_array()
            .unwrap()
            .len();
        for body in [
            json!({}),
            json!({"legal_name": null, "address": null, "locked_until": null, "status": null}),
        ] {
            let r = app
                .patch(&format!("/api/v1/tenants/{t}"), &admin, &body)
                .await;
            assert_eq!(r.status(), 200, "{body}");
            assert_eq!(r.json::<Value>().await.unwrap(), before);
            let r = app
                .patch(&format!("/api/v1/tenants/{t}"), &app.coordinator, &body)
                .await;
            assert_eq!(r.status(), 200, "coordinator, {body}");
        }
        let audit_after = app
            .get_ok(&format!("/api/v1/tenants/{t}/audit?limit=1000"), &admin)
            .await["items"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            audit_before, audit_after,
            "an empty patch records no change"
        );
    }
);

on_both_backends!(
    every_invalid_field_is_listed_in_plain_words,
    |app| async move {
        let (t, admin, anna, _) = setup(&app, "all-fields").await;
        // Two wrong types and a missing field in one entry.
        let body =
            json!({"kind": "issue", "share_class": "B", "to": "not-an-id", "quantity": "ten"});
        let p = expect_problem(app.post_entry(&t, &admin, &body).await, 400).await;
        let mut fields = fields_of(&p);
        fields.sort();
        assert_eq!(fields, ["effective_date", "quantity", "to"], "{p}");
        let text = p.to_string();
        for jargon in [
            "expected i64",
            "UUID parsing failed",
            "invalid length",
            "deserialize",
        ] {
            assert!(!text.contains(jargon), "jargon {jargon:?} in {p}");
        }
        // Two invalid values of a shareholder: both reported.
        let r = app.post(&format!("/api/v1/tenants/{t}/shareholders"), &admin,
        &json!({"kind": "natural", "last_name": "Twee", "iban": "BE00 0000 0000 0000", "email": "geen-adres"})).await;
        let p = expect_problem(r, 422).await;
        let mut fields = fields_of(&p);
        fields.sort();
        assert_eq!(fields, ["email", "iban"], "{p}");
        // A date written the Belgian way is answered with the format to use.
        let body = json!({"kind": "issue", "share_class": "B", "to": anna, "quantity": 1, "effective_date": "31/12/2025"});
        let p = expect_problem(app.post_entry(&t, &admin, &body).await, 400).await;
        assert!(p.to_string().contains("YYYY-MM-DD"), "{p}");
        // Every entry of a batch is read before answering.
        let batch = json!({"entries": [
            {"kind": "issue", "share_class": "B", "to": anna, "quantity": 0, "effective_date": "2024-06-01"},
            {"kind": "payment", "share_class": "B", "to": anna, "amount": "x", "effective_date": "2024-06-01"}
        ]});
        let r = app
            .post(&format!("/api/v1/tenants/{t}/ledger/batch"), &admin, &batch)
            .await;
        let p = expect_problem(r, 400).await;
        let mut fields = fields_of(&p);
        fields.sort();
        assert_eq!(fields, ["entries[0].quantity", "entries[1].amount"], "{p}");
    }
);

on_both_backends!(a_bad_query_parameter_is_named, |app| async move {
    let (t, admin, _, _) = setup(&app, "bad-query").await;
    let r = app
        .get(
            &format!("/api/v1/tenants/{t}/shareholders?limit=ten&status=gone"),
            &admin,
        )
        .await;
    let p = expect_problem(r, 400).await;
    let mut fields = fields_of(&p);
    fields.sort();
    assert_eq!(fields, ["limit", "status"], "{p}");
    assert!(!p.to_string().contains("Query deserialize"), "{p}");
    let r = app
        .get(
            &format!("/api/v1/tenants/{t}/shareholders?limit=5&limit=6"),
            &admin,
        )
        .await;
    refused_naming(r, 400, "limit").await;
});

on_both_backends!(
    an_overdrawn_transfer_names_the_holder_by_name_and_register_number,
    |app| async move {
        let (t, admin, anna, bram) = setup(&app, "overdrawn-name").await;
        let body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 11, "effective_date": "2024-06-01"});
        let p = refused_naming(app.post_entry(&t, &admin, &body).await, 422, "quantity").await;
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("Janssens, Anna (no. 1)"), "{p}");
        assert!(
            !detail.contains(&anna),
            "the holder is named, not their id: {p}"
        );
    }
);

on_both_backends!(a_holder_can_be_named_by_register_number, |app| async move {
    let (t, admin, anna, bram) = setup(&app, "by-number").await;
    let body = json!({"kind": "transfer", "share_class": "B", "from": 1, "to": 2, "quantity": 3, "effective_date": "2024-06-01"});
    let posted = app.post_entry_ok(&t, &admin, &body).await;
    assert_eq!(posted["from"], json!(anna));
    assert_eq!(posted["to"], json!(bram));
    let head = app.head_seq(&t, &admin).await;
    let body = json!({"kind": "transfer", "share_class": "B", "from": 1, "to": 301, "quantity": 1, "effective_date": "2024-06-01"});
    let p = refused_naming(app.post_entry(&t, &admin, &body).await, 422, "to").await;
    assert!(p.to_string().contains("register number 301"), "{p}");
    let body = json!({"kind": "transfer", "share_class": "B", "from": 0, "to": 2, "quantity": 1, "effective_date": "2024-06-01"});
    refused_naming(app.post_entry(&t, &admin, &body).await, 400, "from").await;
    assert_eq!(app.head_seq(&t, &admin).await, head);
    // The ledger filtered by register number, a certificate and a batch by register number.
    let bram_entries = app
        .get_ok(&format!("/api/v1/tenants/{t}/ledger?shareholder=2"), &admin)
        .await;
    assert_eq!(
        bram_entries["items"].as_array().unwrap().len(),
        1,
        "{bram_entries}"
    );
    let cert = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": 2}),
        )
        .await;
    assert_eq!(cert["shareholder_id"], json!(bram));
    let r = app
        .post(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": 99}),
        )
        .await;
    refused_naming(r, 422, "shareholder_id").await;
    let r = app
        .post(
            &format!("/api/v1/tenants/{t}/certificate-batches"),
            &admin,
            &json!({"shareholder_ids": [1, 98]}),
        )
        .await;
    refused_naming(r, 422, "shareholder_ids[1]").await;
    let batch = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificate-batches"),
            &admin,
            &json!({"shareholder_ids": [1, 2]}),
        )
        .await;
    assert_eq!(batch["total"], 2, "{batch}");
});

on_both_backends!(
    an_entry_dated_before_the_holders_admission_is_refused,
    |app| async move {
        let (t, admin, anna, bram) = setup(&app, "before-admission").await;
        let head = app.head_seq(&t, &admin).await;
        let body = json!({"kind": "issue", "share_class": "B", "to": bram, "quantity": 1, "effective_date": "2023-12-31"});
        let p = refused_naming(
            app.post_entry(&t, &admin, &body).await,
            422,
            "effective_date",
        )
        .await;
        assert!(
            p["type"].as_str().unwrap().ends_with("before-admission"),
            "{p}"
        );
        assert!(p["detail"].as_str().unwrap().contains("2024-01-01"), "{p}");
        let body = json!({"kind": "transfer", "share_class": "B", "from": anna, "to": bram, "quantity": 1, "effective_date": "1900-01-01"});
        refused_naming(
            app.post_entry(&t, &admin, &body).await,
            422,
            "effective_date",
        )
        .await;
        assert_eq!(app.head_seq(&t, &admin).await, head);
    }
);
