//! E-mail through the outbox: mails reach a real SMTP server (a sink the test starts), are
//! tried again when the server refuses them for a while, are never sent twice once marked
//! sent (a restart included), are queued with the change that causes them or not at all,
//! go to a folder of .eml files without SMTP, and speak the recipient's language.

use std::time::Duration;

use dar_tests::smtp::ReceivedMail;
use dar_tests::{Backend, TestApp, on_both_backends};
use serde_json::{Value, json};

/// The public URL the test apps are configured with; mailed links start with it.
const PUBLIC: &str = "http://dar.test";

/// Invites `email` as an admin of `tenant` through the API; returns the response.
async fn invite_admin(app: &TestApp, tenant: &str, email: &str) -> Value {
    app.post_ok(
        &format!("/api/v1/tenants/{tenant}/invitations"),
        &app.coordinator,
        &json!({"email": email, "role": "admin"}),
    )
    .await
}

/// The outbox rows to `email`, read from the database.
async fn outbox(app: &TestApp, email: &str) -> Vec<dar_db::mail::MailRow> {
    let db = app.db.clone();
    let email = email.to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        dar_db::mail::to_recipient(&mut conn, &email).unwrap()
    })
    .await
    .unwrap()
}

/// Waits (up to 10 s) until the mail to `email` has `status`; returns its row.
async fn wait_for_status(app: &TestApp, email: &str, status: &str) -> dar_db::mail::MailRow {
    for _ in 0..200 {
        if let Some(row) = outbox(app, email)
            .await
            .into_iter()
            .find(|r| r.status == status)
        {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no mail to {email} is {status}: {:?}",
        outbox(app, email).await
    );
}

on_both_backends!(
    an_invitation_mail_arrives_with_a_link_to_its_page,
    smtp,
    |app| async move {
        let t = app.create_tenant("mail-invite").await;
        let invitation = invite_admin(&app, &t, "new.admin@mail-invite.test").await;
        let mails = app.smtp().wait_for("new.admin@mail-invite.test", 1).await;
        let mail = &mails[0];
        assert_eq!(mail.from, "dar@dar.test");
        assert_eq!(
            mail.subject(),
            "Uitnodiging voor het register van Coöperatie mail-invite cv"
        );
        let token = invitation["token"].as_str().unwrap();
        let link = mail.link(PUBLIC).expect("a link in the mail");
        assert_eq!(link, format!("{PUBLIC}/invitations/{token}"));
        let page = app
            .client
            .get(app.url(link.strip_prefix(PUBLIC).unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("new.admin@mail-invite.test"), "{html}");
        assert!(html.contains("Coöperatie mail-invite cv"), "{html}");

        let row = wait_for_status(&app, "new.admin@mail-invite.test", "sent").await;
        assert_eq!(row.kind, "invitation");
        assert_eq!(row.attempts, 1);
        assert!(row.sent_at.is_some());
        assert_eq!(row.body_text, "", "a sent mail's one-time link is not kept");
    }
);

on_both_backends!(
    a_platform_invitation_is_mailed_too,
    smtp,
    |app| async move {
        app.post_ok(
            "/api/v1/invitations",
            &app.coordinator,
            &json!({"email": "agent@helpdesk.test", "role": "helpdesk"}),
        )
        .await;
        let mail = &app.smtp().wait_for("agent@helpdesk.test", 1).await[0];
        assert_eq!(mail.subject(), "Uitnodiging voor DAR");
        assert!(mail.body().contains("helpdesk"), "{}", mail.body());
        assert!(mail.link(&format!("{PUBLIC}/invitations/")).is_some());
    }
);

on_both_backends!(
    a_refused_invitation_queues_no_mail,
    smtp,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("mail-refused").await;
        let unknown_holder = uuid::Uuid::now_v7().to_string();
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/invitations"),
                &admin,
                &json!({"email": "holder@mail-refused.test", "role": "shareholder",
                        "shareholder_id": unknown_holder}),
            )
            .await;
        dar_tests::expect_problem(r, 422).await;
        // Another cooperative's administrator may not invite here.
        let (_, stranger) = app.tenant_with_admin("mail-other").await;
        let r = app
            .post(
                &format!("/api/v1/tenants/{t}/invitations"),
                &stranger,
                &json!({"email": "holder@mail-refused.test", "role": "viewer"}),
            )
            .await;
        assert!(r.status() == 404 || r.status() == 403, "{}", r.status());
        assert!(outbox(&app, "holder@mail-refused.test").await.is_empty());
        // The worker had every chance to send what was queued.
        app.smtp().wait_for("admin@mail-other.test", 1).await;
        assert!(app.smtp().mails_to("holder@mail-refused.test").is_empty());
    }
);

on_both_backends!(
    a_mail_the_server_refuses_for_a_while_is_sent_once_it_accepts,
    smtp,
    |app| async move {
        let t = app.create_tenant("mail-retry").await;
        app.smtp().refuse_next(1);
        invite_admin(&app, &t, "retry@mail-retry.test").await;
        let mails = app.smtp().wait_for("retry@mail-retry.test", 1).await;
        assert_eq!(mails.len(), 1);
        assert_eq!(app.smtp().refused(), 1, "the first attempt was refused");
        let row = wait_for_status(&app, "retry@mail-retry.test", "sent").await;
        assert_eq!(row.attempts, 2);
        // Nothing more goes out for it.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.smtp().mails_to("retry@mail-retry.test").len(), 1);
    }
);

on_both_backends!(
    a_mail_still_refused_at_its_last_attempt_is_given_up,
    smtp,
    |app| async move {
        let t = app.create_tenant("mail-give-up").await;
        app.smtp()
            .refuse_next(app.settings.mail.attempts_max as usize);
        invite_admin(&app, &t, "never@mail-give-up.test").await;
        let row = wait_for_status(&app, "never@mail-give-up.test", "failed").await;
        assert_eq!(row.attempts, app.settings.mail.attempts_max as i32);
        assert!(
            row.last_error.as_deref().is_some_and(|e| e.contains("451")),
            "{row:?}"
        );
        assert_eq!(row.body_text, "");
        assert!(app.smtp().mails_to("never@mail-give-up.test").is_empty());
    }
);

on_both_backends!(
    a_restart_does_not_send_a_sent_mail_again,
    smtp,
    |app| async move {
        let mut app = app;
        let t = app.create_tenant("mail-restart").await;
        invite_admin(&app, &t, "once@mail-restart.test").await;
        app.smtp().wait_for("once@mail-restart.test", 1).await;
        wait_for_status(&app, "once@mail-restart.test", "sent").await;
        app.restart().await;
        let outbox = app.state.mail.clone();
        let sent_now = tokio::task::spawn_blocking(move || outbox.deliver_due())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(sent_now, 0, "nothing is due after the restart");
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.smtp().mails_to("once@mail-restart.test").len(), 1);
        // The restarted app sends what is new.
        let t2 = app.create_tenant("mail-restart-2").await;
        invite_admin(&app, &t2, "twice@mail-restart.test").await;
        app.smtp().wait_for("twice@mail-restart.test", 1).await;
    }
);

on_both_backends!(
    a_mail_claimed_by_a_worker_that_stopped_is_sent_after_its_lease,
    smtp,
    |app| async move {
        let mut app = app;
        let t = app.create_tenant("mail-lease").await;
        // The worker is stopped, so the mail waits in the outbox...
        let outbox_handle = app.state.mail.clone();
        tokio::task::spawn_blocking(move || outbox_handle.stop())
            .await
            .unwrap();
        invite_admin(&app, &t, "lease@mail-lease.test").await;
        // ...until a worker claims it for 1 s and dies before sending it.
        let db = app.db.clone();
        let claimed = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            let now = chrono::Utc::now();
            dar_db::mail::claim_due(&mut conn, now, now + chrono::Duration::seconds(1), 10).unwrap()
        })
        .await
        .unwrap();
        assert_eq!(claimed.len(), 1);
        app.restart().await;
        let outbox_handle = app.state.mail.clone();
        let early = tokio::task::spawn_blocking(move || outbox_handle.deliver_due())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(early, 0, "the lease still holds");
        let mails = app.smtp().wait_for("lease@mail-lease.test", 1).await;
        assert_eq!(mails.len(), 1);
        let row = wait_for_status(&app, "lease@mail-lease.test", "sent").await;
        assert_eq!(
            row.attempts, 2,
            "the dead worker's claim counts as an attempt"
        );
    }
);

/// The .eml files in the app's mail folder, read back as the SMTP sink reads a mail.
fn folder_mails(app: &TestApp) -> Vec<(std::path::PathBuf, ReceivedMail)> {
    let dir = dar_tests::mail_dir(&app.db_url());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    let mut mails: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let data = std::fs::read_to_string(&p).unwrap();
            let mail = ReceivedMail {
                from: String::new(),
                to: vec![],
                data,
            };
            (p, mail)
        })
        .collect();
    mails.sort_by(|a, b| a.0.cmp(&b.0));
    mails
}

on_both_backends!(
    without_smtp_each_mail_is_written_to_the_mail_folder_as_an_eml_file,
    |app| async move {
        let t = app.create_tenant("mail-folder").await;
        let invitation = invite_admin(&app, &t, "folder@mail-folder.test").await;
        wait_for_status(&app, "folder@mail-folder.test", "sent").await;
        let mails = folder_mails(&app);
        let (path, mail) = mails
            .iter()
            .find(|(_, m)| {
                m.header("To")
                    .is_some_and(|to| to.contains("folder@mail-folder.test"))
            })
            .expect("an .eml file for the invitation");
        assert!(
            path.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with(".eml")
        );
        assert_eq!(
            mail.subject(),
            "Uitnodiging voor het register van Coöperatie mail-folder cv"
        );
        let token = invitation["token"].as_str().unwrap();
        assert_eq!(
            mail.link(PUBLIC),
            Some(format!("{PUBLIC}/invitations/{token}"))
        );
        assert!(mail.header("Message-ID").is_some());
    }
);

/// A cooperative whose own language is `lang`; returns its id.
async fn tenant_speaking(app: &TestApp, slug: &str, lang: &str) -> String {
    let body = json!({
        "slug": slug, "legal_name": format!("Coop {slug}"), "enterprise_number": "0403.019.261",
        "legal_form": "cv", "default_language": lang,
        "address": {"street": "Rue Haute 1", "postal_code": "1000", "city": "Bruxelles"}
    });
    app.post_ok("/api/v1/tenants", &app.coordinator, &body)
        .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

on_both_backends!(
    an_invitation_is_written_in_the_invitees_language_else_the_cooperatives,
    smtp,
    |app| async move {
        // The cooperative's language when nothing is known of the invitee.
        for (lang, subject) in [
            ("nl", "Uitnodiging voor het register van Coop mail-nl"),
            ("fr", "Invitation au registre de Coop mail-fr"),
            ("en", "Invitation to the register of Coop mail-en"),
        ] {
            let t = tenant_speaking(&app, &format!("mail-{lang}"), lang).await;
            let email = format!("admin@mail-{lang}.test");
            invite_admin(&app, &t, &email).await;
            let mail = &app.smtp().wait_for(&email, 1).await[0];
            assert_eq!(mail.subject(), subject, "{lang}");
        }
        // A shareholder's own language wins over the cooperative's.
        let t = tenant_speaking(&app, "mail-holder", "nl").await;
        let admin = app
            .user_with_role(&t, &app.coordinator, "boss@mail-holder.test", "admin", None)
            .await;
        let holder = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/shareholders"),
                &admin,
                &json!({"kind": "natural", "first_name": "Élise", "last_name": "Dubois",
                        "admission_date": "2024-01-01", "language": "fr",
                        "address": {"street": "Rue Haute 1", "postal_code": "1000",
                                    "city": "Bruxelles", "country": "BE"}}),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        app.post_ok(
            &format!("/api/v1/tenants/{t}/invitations"),
            &admin,
            &json!({"email": "elise@mail-holder.test", "role": "shareholder", "shareholder_id": holder}),
        )
        .await;
        let mail = &app.smtp().wait_for("elise@mail-holder.test", 1).await[0];
        assert_eq!(mail.subject(), "Invitation au registre de Coop mail-holder");
        assert!(mail.body().contains("actionnaire"), "{}", mail.body());
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mail_folder_is_where_the_settings_say() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite");
    match &app.settings.mail.transport {
        dar_api::config::MailTransport::Folder(dir) => {
            assert_eq!(dir, &dar_tests::mail_dir(&app.db_url()));
            assert!(dir.is_dir(), "the folder is made at start");
        }
        other => panic!("{other:?}"),
    }
}

on_both_backends!(
    a_new_certificate_is_announced_to_the_holders_portal_account,
    smtp,
    |app| async move {
        let (t, admin) = app.tenant_with_admin("mail-cert").await;
        app.create_class(&t, &admin, "A", "100.00", "free").await;
        let anna = app.create_person(&t, &admin, "Anna", "Janssens").await;
        let bram = app.create_person(&t, &admin, "Bram", "Maes").await;
        for holder in [&anna, &bram] {
            app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 3, "effective_date": "2024-02-01"})).await;
        }
        app.user_with_role(
            &t,
            &admin,
            "anna@mail-cert.test",
            "shareholder",
            Some(&anna),
        )
        .await;
        let issued = app
            .post_ok(
                &format!("/api/v1/tenants/{t}/certificates"),
                &admin,
                &json!({"shareholder_id": anna}),
            )
            .await;
        let mails = app.smtp().wait_for("anna@mail-cert.test", 2).await;
        let mail = &mails[1];
        let number = issued["number"].as_i64().unwrap();
        assert_eq!(
            mail.subject(),
            "Uw aandelencertificaat van Coöperatie mail-cert cv staat klaar"
        );
        assert!(
            mail.body().contains(&format!("Certificaat nr. {number}")),
            "{}",
            mail.body()
        );
        assert_eq!(mail.link(PUBLIC), Some(format!("{PUBLIC}/c/mail-cert/me")));
        // Bram has no portal account: there is no page to send him to.
        app.post_ok(
            &format!("/api/v1/tenants/{t}/certificates"),
            &admin,
            &json!({"shareholder_id": bram}),
        )
        .await;
        let db = app.db.clone();
        let kinds = tokio::task::spawn_blocking(move || {
            use dar_db::schema::mail_outbox;
            use diesel::prelude::*;
            let mut conn = db.conn().unwrap();
            mail_outbox::table
                .filter(mail_outbox::kind.eq("certificate_ready"))
                .select(mail_outbox::recipient)
                .load::<String>(&mut *conn)
                .unwrap()
        })
        .await
        .unwrap();
        assert_eq!(kinds, ["anna@mail-cert.test"]);
    }
);
