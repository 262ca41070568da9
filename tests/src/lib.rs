//! Test support: start the real application on a fresh database (SQLite or PostgreSQL) and
//! talk to it over HTTP.
//!
//! PostgreSQL tests need `DAR_TEST_PG_URL` (a server where the user may create databases,
//! e.g. `postgres://root@127.0.0.1:5432/test`). Without it they are skipped with a note,
//! unless `DAR_TEST_REQUIRE_PG=1`, which CI sets: then a missing server fails the test.

/// How long the test clients keep an idle connection for reuse: less than the server's
/// keep-alive (5 s), so that a request is never sent on a connection the server is closing
/// at that moment (a POST on it fails with "incomplete message" and is not retried).
pub const IDLE_CONNECTION: std::time::Duration = std::time::Duration::from_secs(2);

pub mod browser;
pub mod smtp;

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::{Connection, RunQueryDsl};
use serde_json::{Value, json};

use dar_api::config::{MailSettings, MailTransport, Secret, Settings};
use dar_db::{Database, DatabaseUrl};

pub const COORDINATOR_EMAIL: &str = "coordinator@dar.test";
pub const PASSWORD: &str = "a long test password";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How many PostgreSQL tests were skipped for want of a server (reported at the end).
pub static PG_SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// A fresh database that is dropped (PostgreSQL) or deleted (SQLite) when the test ends.
pub struct TestDb {
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The folder the application writes its mails to (without SMTP) for the test database
/// at `url`: beside it, named after it, removed with it.
pub fn mail_dir(url: &DatabaseUrl) -> std::path::PathBuf {
    let text = match url {
        DatabaseUrl::Sqlite(path) => path.as_str(),
        DatabaseUrl::Postgres(url) => url.as_str(),
    };
    let name = text
        .find("dar_test_")
        .map(|at| &text[at..at + "dar_test_".len() + 32])
        .unwrap_or("dar_test_unnamed");
    std::env::temp_dir().join(format!("{name}-mail"))
}

/// `url` with TLS and GSSAPI encryption off unless it asks for them: the tests' server is on
/// loopback and needs neither, and libpq's clean-up of each at process exit races with
/// connections other threads still open or are opening (OpenSSL's crashed a run once, and
/// Kerberos' aborted one with "k5_mutex_lock: Received error 22" after every test had passed:
/// libpq asks Kerberos for credentials on each connect while `gssencmode` is `prefer`).
fn loopback(url: &str) -> String {
    let mut url = url.to_string();
    for (key, value) in [("sslmode", "disable"), ("gssencmode", "disable")] {
        if !url.contains(&format!("{key}=")) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{key}={value}"));
        }
    }
    url
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(mail_dir(&self.url));
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::pg::PgConnection::establish(admin_url) {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    ))
                    .execute(&mut conn);
                }
            }
        }
    }
}

impl TestDb {
    /// `None` when PostgreSQL is not configured and not required.
    pub fn new(backend: Backend) -> Option<TestDb> {
        let name = format!("dar_test_{}", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Some(TestDb {
                    url: DatabaseUrl::Sqlite(path.display().to_string()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("DAR_TEST_PG_URL") else {
                    if std::env::var("DAR_TEST_REQUIRE_PG").is_ok_and(|v| v == "1") {
                        panic!("DAR_TEST_REQUIRE_PG=1 but DAR_TEST_PG_URL is not set");
                    }
                    PG_SKIPPED.fetch_add(1, Ordering::Relaxed);
                    eprintln!("skipped: PostgreSQL test (set DAR_TEST_PG_URL to run it)");
                    return None;
                };
                let admin_url = loopback(&admin_url);
                let mut conn = diesel::pg::PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at DAR_TEST_PG_URL: {e}"));
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .expect("creating a test database");
                let (without_query, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
                let base = without_query
                    .rsplit_once('/')
                    .map_or(without_query, |(base, _)| base);
                let url = format!("{base}/{name}?{query}");
                Some(TestDb {
                    url: DatabaseUrl::Postgres(url),
                    cleanup: Cleanup::Postgres { admin_url, name },
                })
            }
        }
    }
}

/// A running application on a fresh database, with a coordinator account.
pub struct TestApp {
    pub address: String,
    server: actix_web::dev::ServerHandle,
    pub client: reqwest::Client,
    pub db: Database,
    /// The running app's shared state (its ledger writer, batch runner, …).
    pub state: actix_web::web::Data<dar_api::state::AppState>,
    pub backend: Backend,
    pub coordinator: String,
    /// The settings the app runs with (a restart starts it again with them).
    pub settings: Settings,
    /// The SMTP server the app sends its mails to, when started with one.
    pub smtp: Option<smtp::SmtpSink>,
    _test_db: TestDb,
}

pub fn settings(url: DatabaseUrl, writers: usize) -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().expect("address"),
        jwt_secret: Secret("test secret, 32 characters or more".into()),
        public_url: "http://dar.test".into(),
        bootstrap_email: Some(COORDINATOR_EMAIL.into()),
        bootstrap_password: Some(Secret(PASSWORD.into())),
        access_token_seconds: 900,
        refresh_token_days: 30,
        pool_size: 8,
        ledger_writers: writers,
        login_throttle: test_throttle(),
        trusted_proxies: vec![],
        mail: MailSettings {
            from: "DAR <dar@dar.test>".into(),
            // Short waits, so a test sees a failed mail tried again.
            retry_first: std::time::Duration::from_millis(300),
            retry_max: std::time::Duration::from_secs(1),
            attempts_max: 3,
            lease: std::time::Duration::from_secs(30),
            poll: std::time::Duration::from_millis(200),
            ..MailSettings::new(MailTransport::Folder(mail_dir(&url)))
        },
        database_url: url,
    }
}

/// The production rule with short waits, so a test sees a back-off start and end: the
/// first wait (2 s) is long enough for a burst of attempts to arrive inside it.
pub fn test_throttle() -> dar_api::auth::throttle::ThrottleSettings {
    dar_api::auth::throttle::ThrottleSettings {
        first_backoff: std::time::Duration::from_secs(2),
        max_account_backoff: std::time::Duration::from_secs(3),
        max_address_backoff: std::time::Duration::from_secs(3),
        ..Default::default()
    }
}

impl TestApp {
    /// Starts the app on `backend`; `None` when that backend is not available here.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, Clone::clone).await
    }

    /// Starts the app on `backend`, reaching its fresh database at the URL `reach` makes of
    /// the database's own (e.g. through a proxy the test controls).
    pub async fn spawn_with(
        backend: Backend,
        reach: impl FnOnce(&DatabaseUrl) -> DatabaseUrl,
    ) -> Option<TestApp> {
        Self::spawn_full(backend, reach, None).await
    }

    /// Starts the app on `backend` with an SMTP server of its own ([`smtp::SmtpSink`]) to
    /// send its mails to.
    pub async fn spawn_with_smtp(backend: Backend) -> Option<TestApp> {
        Self::spawn_full(backend, Clone::clone, Some(smtp::SmtpSink::start())).await
    }

    async fn spawn_full(
        backend: Backend,
        reach: impl FnOnce(&DatabaseUrl) -> DatabaseUrl,
        smtp: Option<smtp::SmtpSink>,
    ) -> Option<TestApp> {
        if std::env::var("TEST_LOG").is_ok() {
            dar_api::telemetry::init();
        }
        let test_db = TestDb::new(backend)?;
        let writers = if backend == Backend::Sqlite { 1 } else { 4 };
        let mut settings = settings(reach(&test_db.url), writers);
        if let Some(sink) = &smtp {
            settings.mail.transport = MailTransport::Smtp(Secret(sink.url()));
        }
        let db = Database::connect(&settings.database_url, settings.pool_size).expect("connecting");
        db.migrate().expect("migrating");
        dar_api::bootstrap::ensure_coordinator(&db, &settings).expect("bootstrap");
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let app = dar_api::startup::build_with(db.clone(), settings.clone(), listener)
            .expect("building the app");
        let address = format!("http://127.0.0.1:{}", app.port);
        let server = app.server.handle();
        let state = app.state.clone();
        tokio::spawn(app.server);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(IDLE_CONNECTION)
            .build()
            .expect("client");
        let mut app = TestApp {
            address,
            server,
            client,
            db,
            state,
            backend,
            coordinator: String::new(),
            settings,
            smtp,
            _test_db: test_db,
        };
        app.coordinator = app.login(COORDINATOR_EMAIL, PASSWORD).await;
        Some(app)
    }

    /// Stops the app (its server and its mail worker) and starts it again on the same
    /// database with the same settings, as an operator's restart does. The address changes.
    pub async fn restart(&mut self) {
        self.server.stop(true).await;
        let outbox = self.state.mail.clone();
        tokio::task::spawn_blocking(move || outbox.stop())
            .await
            .expect("stopping the mail worker");
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let app = dar_api::startup::build_with(self.db.clone(), self.settings.clone(), listener)
            .expect("building the app again");
        self.address = format!("http://127.0.0.1:{}", app.port);
        self.server = app.server.handle();
        self.state = app.state.clone();
        tokio::spawn(app.server);
    }

    /// The SMTP server the app sends to; panics for an app started without one.
    pub fn smtp(&self) -> &smtp::SmtpSink {
        self.smtp
            .as_ref()
            .expect("an app started with spawn_with_smtp")
    }

    /// A client whose requests come from another loopback address (127.0.0.0/8), for
    /// rules that depend on the source address.
    pub fn client_from(&self, address: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(IDLE_CONNECTION)
            .local_address(address.parse::<std::net::IpAddr>().expect("an IP address"))
            .build()
            .expect("client")
    }

    pub fn db_url(&self) -> DatabaseUrl {
        self._test_db.url.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200, "login of {email}");
        r.json::<Value>().await.expect("json")["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// GET that must succeed; returns the JSON body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, token).await;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "GET {path}: {status} {body}");
        body
    }

    /// POST that must succeed; returns the JSON body.
    pub async fn post_ok(&self, path: &str, token: &str, body: &Value) -> Value {
        let r = self.post(path, token, body).await;
        let status = r.status();
        let out: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "POST {path} {body}: {status} {out}");
        out
    }

    /// A new cooperative; returns its id.
    pub async fn create_tenant(&self, slug: &str) -> String {
        let body = json!({
            "slug": slug, "legal_name": format!("Coöperatie {slug} cv"), "enterprise_number": "0403.019.261",
            "legal_form": "cv", "default_language": "nl",
            "address": {"street": "Korenmarkt 1", "postal_code": "9000", "city": "Gent"}
        });
        self.post_ok("/api/v1/tenants", &self.coordinator, &body)
            .await["id"]
            .as_str()
            .expect("id")
            .to_string()
    }

    /// Invites `email` with `role` (by `inviter`), accepts, logs in; returns the token.
    pub async fn user_with_role(
        &self,
        tenant: &str,
        inviter: &str,
        email: &str,
        role: &str,
        shareholder: Option<&str>,
    ) -> String {
        let mut body = json!({"email": email, "role": role});
        if let Some(s) = shareholder {
            body["shareholder_id"] = json!(s);
        }
        let invitation = self
            .post_ok(
                &format!("/api/v1/tenants/{tenant}/invitations"),
                inviter,
                &body,
            )
            .await;
        let accept = json!({"token": invitation["token"], "password": PASSWORD});
        let r = self
            .client
            .post(self.url("/api/v1/auth/accept-invitation"))
            .json(&accept)
            .send()
            .await
            .expect("accept");
        assert_eq!(
            r.status(),
            200,
            "accepting an invitation: {}",
            r.text().await.unwrap_or_default()
        );
        self.login(email, PASSWORD).await
    }

    /// A cooperative with an admin; returns (tenant id, admin token).
    pub async fn tenant_with_admin(&self, slug: &str) -> (String, String) {
        let tenant = self.create_tenant(slug).await;
        let admin = self
            .user_with_role(
                &tenant,
                &self.coordinator,
                &format!("admin@{slug}.test"),
                "admin",
                None,
            )
            .await;
        (tenant, admin)
    }

    pub async fn create_class(
        &self,
        tenant: &str,
        token: &str,
        code: &str,
        nominal: &str,
        rule: &str,
    ) {
        let body = json!({"code": code, "name": format!("Klasse {code}"), "nominal_value": nominal, "transfer_rule": rule});
        self.post_ok(
            &format!("/api/v1/tenants/{tenant}/share-classes"),
            token,
            &body,
        )
        .await;
    }

    /// A natural person; returns the shareholder id.
    pub async fn create_person(
        &self,
        tenant: &str,
        token: &str,
        first: &str,
        last: &str,
    ) -> String {
        let body = json!({
            "kind": "natural", "first_name": first, "last_name": last, "admission_date": "2024-01-01",
            "address": {"street": "Veldstraat 2", "postal_code": "9000", "city": "Gent", "country": "BE"}
        });
        self.post_ok(
            &format!("/api/v1/tenants/{tenant}/shareholders"),
            token,
            &body,
        )
        .await["id"]
            .as_str()
            .expect("id")
            .to_string()
    }

    pub async fn post_entry(&self, tenant: &str, token: &str, entry: &Value) -> reqwest::Response {
        self.post(&format!("/api/v1/tenants/{tenant}/ledger"), token, entry)
            .await
    }

    pub async fn post_entry_ok(&self, tenant: &str, token: &str, entry: &Value) -> Value {
        self.post_ok(&format!("/api/v1/tenants/{tenant}/ledger"), token, entry)
            .await
    }

    /// The whole register as `{(shareholder id, class) -> (quantity, paid_up)}`.
    pub async fn holdings(
        &self,
        tenant: &str,
        token: &str,
        query: &str,
    ) -> std::collections::BTreeMap<(String, String), (i64, String)> {
        let mut out = std::collections::BTreeMap::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/tenants/{tenant}/holdings?limit=1000&{query}");
            if let Some(c) = &cursor {
                path = format!("/api/v1/tenants/{tenant}/holdings?limit=1000&cursor={c}");
            }
            let page = self.get_ok(&path, token).await;
            for h in page["items"].as_array().expect("items") {
                out.insert(
                    (
                        h["shareholder_id"].as_str().unwrap().to_string(),
                        h["share_class"].as_str().unwrap().to_string(),
                    ),
                    (
                        h["quantity"].as_i64().unwrap(),
                        h["paid_up"].as_str().unwrap().to_string(),
                    ),
                );
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
        }
    }

    pub async fn head_seq(&self, tenant: &str, token: &str) -> i64 {
        self.get_ok(&format!("/api/v1/tenants/{tenant}/ledger/verify"), token)
            .await["head_seq"]
            .as_i64()
            .expect("head")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the workers now, so no test's connections outlive it; the returned future
        // only waits for the stop, which has been requested already.
        drop(self.server.stop(false));
        self.state.mail.stop();
    }
}

/// Asserts an RFC 9457 problem with `status`; returns the body.
pub async fn expect_problem(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "expected {status}, got {got}: {body}");
    assert_eq!(
        content_type, "application/problem+json",
        "problem content type; body {body}"
    );
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "problem type: {body}"
    );
    assert!(body["title"].is_string(), "problem title: {body}");
    body
}

/// Runs a test body on SQLite and on PostgreSQL: `on_both_backends!(name, |app| async move {...})`
/// makes `name::sqlite` and `name::postgres`.
/// `on_both_backends!(name, smtp, |app| ...)` starts each app with an SMTP server of its
/// own (`app.smtp()`).
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, smtp, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) {
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn_with_smtp($crate::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn_with_smtp($crate::Backend::Postgres).await
                {
                    run(app).await;
                }
            }
        }
    };
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) {
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}

/// An external test tool (a Python program CI installs in a venv): the executable named by
/// the environment variable `var`, else `name` found on `PATH`. When it is absent the test
/// is skipped with a note, unless the variable `require` is `1` (CI sets it): then the
/// test fails, so a green CI run always ran it.
pub fn tool(var: &str, name: &str, require: &str) -> Option<std::path::PathBuf> {
    let found = match std::env::var_os(var) {
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
        }),
    };
    match found {
        Some(path) if path.is_file() => Some(path),
        _ if std::env::var(require).is_ok_and(|v| v == "1") => {
            panic!("{require}=1 but {name} was not found (set {var} to its path)")
        }
        _ => {
            eprintln!("skipped: {name} is not installed (set {var} to its path to run this test)");
            None
        }
    }
}

/// A Python that imports `modules` (CI's test venv, named by `DAR_TEST_PYTHON`), or `None`
/// to skip the test. With `DAR_TEST_REQUIRE_PYTHON=1` (CI) a missing one fails instead.
pub fn python_with(modules: &[&str]) -> Option<std::path::PathBuf> {
    let python = tool("DAR_TEST_PYTHON", "python3", "DAR_TEST_REQUIRE_PYTHON")?;
    let has = std::process::Command::new(&python)
        .args(["-c", &format!("import {}", modules.join(", "))])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has {
        return Some(python);
    }
    assert!(
        !std::env::var("DAR_TEST_REQUIRE_PYTHON").is_ok_and(|v| v == "1"),
        "DAR_TEST_REQUIRE_PYTHON=1 but {} cannot import {modules:?}",
        python.display()
    );
    eprintln!("skipped: {modules:?} not installed (set DAR_TEST_PYTHON to a Python that has them)");
    None
}

/// Today in Brussels, as the service sees it.
pub fn today() -> chrono::NaiveDate {
    dar_core::time::brussels_date(chrono::Utc::now())
}
