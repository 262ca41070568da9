//! The administrator's change of a shareholder over HTTP: the edit page, its refusals next
//! to the fields, leaving the cooperative, and the holder page's identity versions and
//! portal access.

use dar_tests::{PASSWORD, TestApp, on_both_backends};
use serde_json::Value;

use crate::web::{Browser, cooperative, csrf_field, location};

/// A cooperative with Anna (10 shares) and its administrator signed in; returns (tenant id,
/// admin token, Anna's id, the administrator's browser).
async fn admin_signed_in<'a>(
    app: &'a TestApp,
    slug: &str,
) -> (String, String, String, Browser<'a>) {
    let t = cooperative(app, slug, "Janssens").await;
    let admin = app.login(&format!("admin@{slug}.test"), PASSWORD).await;
    let list = app
        .get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
        .await;
    let anna = list["items"][0]["id"].as_str().unwrap().to_string();
    let mut b = Browser::new(app);
    assert_eq!(
        b.sign_in(&format!("admin@{slug}.test"), PASSWORD)
            .await
            .status(),
        303
    );
    (t, admin, anna, b)
}

/// The value a field of the page holds: an input's value, a select's chosen option, a
/// text area's text.
fn value_of(html: &str, name: &str) -> String {
    if let Some(at) = html.find(&format!(r#"<select id="{name}""#)) {
        let select = &html[at..at + html[at..].find("</select>").unwrap()];
        return select
            .split("<option ")
            .find(|o| o.contains(" selected"))
            .and_then(|o| o.split("value=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .unwrap_or("")
            .to_string();
    }
    if let Some(at) = html.find(&format!(r#"<textarea id="{name}""#)) {
        let rest = &html[at..];
        let start = rest.find('>').unwrap() + 1;
        return rest[start..rest.find("</textarea>").unwrap()].to_string();
    }
    let at = html
        .find(&format!(r#"name="{name}""#))
        .unwrap_or_else(|| panic!("a field {name}: {html}"));
    html[at..]
        .split("value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or("")
        .to_string()
}

/// The edit form's fields as the page fills them, with `changes` typed over them.
async fn edit_form(
    b: &mut Browser<'_>,
    path: &str,
    changes: &[(&str, &str)],
) -> Vec<(String, String)> {
    let page = b.get(path).await;
    assert_eq!(page.status(), 200, "{path}");
    let html = page.text().await.unwrap();
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf_field(&html))];
    for name in [
        "first_name",
        "last_name",
        "national_number",
        "birth_date",
        "email",
        "phone",
        "street",
        "postal_code",
        "city",
        "country",
        "iban",
        "language",
        "valid_from",
        "status",
        "exit_date",
        "exit_reason",
    ] {
        fields.push((name.into(), value_of(&html, name)));
    }
    for (name, value) in changes {
        for field in fields.iter_mut().filter(|(n, _)| n == name) {
            field.1 = (*value).to_string();
        }
    }
    fields
}

async fn post_fields(
    b: &mut Browser<'_>,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &pairs).await
}

on_both_backends!(
    an_administrator_changes_an_address_and_an_iban_as_a_new_identity_version,
    |app| async move {
        let (t, admin, anna, mut b) = admin_signed_in(&app, "edit-addr").await;
        app.user_with_role(
            &t,
            &admin,
            "anna@edit-addr.test",
            "shareholder",
            Some(&anna),
        )
        .await;
        let holder = format!("/c/edit-addr/shareholders/{anna}");
        let html = b.get(&holder).await.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"href="{holder}/edit">Gegevens wijzigen</a>"#)),
            "{html}"
        );

        let edit = format!("{holder}/edit");
        let fields = edit_form(
            &mut b,
            &edit,
            &[
                ("street", "Kouter 7"),
                ("postal_code", "9000"),
                ("city", "Gent"),
                ("iban", "be68 5390 0754 7034"),
            ],
        )
        .await;
        let r = post_fields(&mut b, &edit, &fields).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{holder}?updated=1"));
        let html = b
            .get(&format!("{holder}?updated=1"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("De gegevens van de aandeelhouder zijn gewijzigd."),
            "{html}"
        );
        assert!(html.contains("Versies van de identiteit"), "{html}");
        assert!(
            html.contains("<td>2</td>"),
            "the new version listed: {html}"
        );
        assert!(html.contains("Kouter 7, 9000 Gent"), "{html}");
        assert!(html.contains("BE68539007547034"), "{html}");
        assert!(html.contains("Toegang tot het portaal"), "{html}");
        assert!(html.contains("anna@edit-addr.test"), "{html}");

        let record = format!("/api/v1/tenants/{t}/shareholders/{anna}");
        let changed = app.get_ok(&record, &admin).await;
        assert_eq!(changed["iban"], "BE68539007547034");
        assert_eq!(changed["address"]["street"], "Kouter 7");
        assert_eq!(changed["version"], 2);
        assert_eq!(changed["first_name"], "Anna", "untouched fields kept");
        let versions = app.get_ok(&format!("{record}/versions"), &admin).await;
        assert_eq!(versions.as_array().unwrap().len(), 2);
        assert_eq!(versions[0]["address"]["street"], "Veldstraat 2");
        let audit = app
            .get_ok(
                &format!("/api/v1/tenants/{t}/audit?action=shareholder.updated"),
                &admin,
            )
            .await;
        let events = audit["items"].as_array().unwrap();
        assert_eq!(events.len(), 1, "{audit}");
        assert_eq!(events[0]["object_id"], anna.as_str());
        assert_eq!(events[0]["actor_role"], "admin");
    }
);

on_both_backends!(
    a_bad_iban_and_a_bad_date_are_refused_next_to_their_fields_in_french,
    |app| async move {
        let (t, admin, anna, mut b) = admin_signed_in(&app, "edit-bad").await;
        b.get("/language/fr").await;
        let edit = format!("/c/edit-bad/shareholders/{anna}/edit");
        let fields = edit_form(
            &mut b,
            &edit,
            &[
                ("iban", "BE68 5390 0754 7035"),
                ("valid_from", "31/12/2099"),
            ],
        )
        .await;
        let r = post_fields(&mut b, &edit, &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="iban-error">IBAN non valide"#),
            "{html}"
        );
        assert!(
            html.contains(r#"id="valid_from-error">Vérifiez la date"#),
            "{html}"
        );
        assert!(html.contains("BE68 5390 0754 7035"), "what was typed stays");

        let unreadable = edit_form(&mut b, &edit, &[("birth_date", "31/02/1990")]).await;
        let r = post_fields(&mut b, &edit, &unreadable).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="birth_date-error">Vérifiez la date de naissance"#),
            "{html}"
        );

        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["iban"], Value::Null);
        assert_eq!(record["birth_date"], Value::Null);
        assert_eq!(record["version"], 1, "nothing changed");
    }
);

on_both_backends!(
    leaving_while_still_holding_shares_is_refused_at_the_status,
    |app| async move {
        let (t, admin, anna, mut b) = admin_signed_in(&app, "edit-hold").await;
        let edit = format!("/c/edit-hold/shareholders/{anna}/edit");
        let today = value_of(&b.get(&edit).await.text().await.unwrap(), "valid_from");
        let fields = edit_form(
            &mut b,
            &edit,
            &[("status", "exited"), ("exit_date", &today)],
        )
        .await;
        let r = post_fields(&mut b, &edit, &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(
                r#"id="status-error">Deze aandeelhouder heeft nog aandelen: boek eerst een terugneming of overdracht."#
            ),
            "{html}"
        );
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["status"], "active");
        assert_eq!(record["exit_date"], Value::Null);
    }
);

on_both_backends!(
    a_holder_without_shares_leaves_with_an_exit_date,
    |app| async move {
        let (t, admin, _, mut b) = admin_signed_in(&app, "edit-exit").await;
        let bart = app.create_person(&t, &admin, "Bart", "Peeters").await;
        let edit = format!("/c/edit-exit/shareholders/{bart}/edit");
        let without = edit_form(&mut b, &edit, &[("status", "exited")]).await;
        let r = post_fields(&mut b, &edit, &without).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"id="exit_date-error">Geef de datum van uittreding."#),
            "{html}"
        );

        let today = value_of(&b.get(&edit).await.text().await.unwrap(), "valid_from");
        let with = edit_form(
            &mut b,
            &edit,
            &[
                ("status", "exited"),
                ("exit_date", &today),
                ("exit_reason", "Verhuisd naar het buitenland"),
            ],
        )
        .await;
        let r = post_fields(&mut b, &edit, &with).await;
        assert_eq!(r.status(), 303);
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{bart}"), &admin)
            .await;
        assert_eq!(record["status"], "exited");
        assert!(record["exit_date"].is_string(), "{record}");
        assert_eq!(record["exit_reason"], "Verhuisd naar het buitenland");
        assert_eq!(record["version"], 1, "the identity itself did not change");
    }
);

on_both_backends!(
    a_viewer_and_a_shareholder_do_not_find_the_edit_page,
    |app| async move {
        let (t, admin, anna, _) = admin_signed_in(&app, "edit-deny").await;
        app.user_with_role(&t, &admin, "viewer@edit-deny.test", "viewer", None)
            .await;
        app.user_with_role(
            &t,
            &admin,
            "anna@edit-deny.test",
            "shareholder",
            Some(&anna),
        )
        .await;
        let edit = format!("/c/edit-deny/shareholders/{anna}/edit");
        for email in ["viewer@edit-deny.test", "anna@edit-deny.test"] {
            let mut b = Browser::new(&app);
            assert_eq!(b.sign_in(email, PASSWORD).await.status(), 303);
            assert_eq!(b.get(&edit).await.status(), 404, "{email}");
            let html = b
                .get(&format!("/c/edit-deny/shareholders/{anna}"))
                .await
                .text()
                .await
                .unwrap();
            assert!(!html.contains("/edit\""), "no link for {email}: {html}");
            assert!(
                !html.contains("Toegang tot het portaal"),
                "administrators only: {html}"
            );
            let csrf = csrf_field(&html);
            let r = b
                .post(&edit, &[("csrf", &csrf), ("status", "exited")])
                .await;
            assert_eq!(r.status(), 404, "{email}");
        }
    }
);

on_both_backends!(
    a_change_without_the_forms_token_is_forbidden,
    |app| async move {
        let (t, admin, anna, mut b) = admin_signed_in(&app, "edit-csrf").await;
        let edit = format!("/c/edit-csrf/shareholders/{anna}/edit");
        let mut fields = edit_form(&mut b, &edit, &[("iban", "BE68 5390 0754 7034")]).await;
        fields.retain(|(n, _)| n != "csrf");
        let r = post_fields(&mut b, &edit, &fields).await;
        assert_eq!(r.status(), 403);
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{anna}"), &admin)
            .await;
        assert_eq!(record["iban"], Value::Null);
    }
);

on_both_backends!(
    a_national_number_another_holder_has_is_refused_at_that_field,
    |app| async move {
        let (t, admin, anna, mut b) = admin_signed_in(&app, "edit-dup").await;
        let bart = app.create_person(&t, &admin, "Bart", "Peeters").await;
        for (holder, status) in [(&anna, 303), (&bart, 422)] {
            let edit = format!("/c/edit-dup/shareholders/{holder}/edit");
            let fields = edit_form(&mut b, &edit, &[("national_number", "85.07.30-033.28")]).await;
            let r = post_fields(&mut b, &edit, &fields).await;
            assert_eq!(r.status(), status);
            if status == 422 {
                let html = r.text().await.unwrap();
                assert!(
                    html.contains(r#"id="national_number-error">Een andere aandeelhouder"#),
                    "{html}"
                );
            }
        }
        let record = app
            .get_ok(&format!("/api/v1/tenants/{t}/shareholders/{bart}"), &admin)
            .await;
        assert_eq!(record["national_number"], Value::Null);
    }
);
