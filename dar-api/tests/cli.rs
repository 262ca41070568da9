//! The `dar` binary's operator commands (SPEC §6b), run as a process, on SQLite and on
//! PostgreSQL (when `DAR_TEST_PG_URL` is set; required when `DAR_TEST_REQUIRE_PG=1`).

use std::process::{Command, Output};

use diesel::{Connection, RunQueryDsl};

const SECRET: &str = "cli test secret, 32 characters long";

/// A fresh database for one test, removed afterwards.
struct Scratch {
    url: String,
    dir: std::path::PathBuf,
    pg: Option<(String, String)>,
}

impl Scratch {
    fn sqlite() -> Scratch {
        let dir = std::env::temp_dir().join(format!("dar-cli-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch {
            url: format!("sqlite://{}", dir.join("dar.db").display()),
            dir,
            pg: None,
        }
    }

    fn postgres() -> Option<Scratch> {
        let Ok(admin) = std::env::var("DAR_TEST_PG_URL") else {
            assert!(
                std::env::var("DAR_TEST_REQUIRE_PG").as_deref() != Ok("1"),
                "DAR_TEST_REQUIRE_PG=1 but DAR_TEST_PG_URL is unset"
            );
            eprintln!("skipped: PostgreSQL test (set DAR_TEST_PG_URL to run it)");
            return None;
        };
        let name = format!("dar_cli_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::pg::PgConnection::establish(&admin).expect("PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .unwrap();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(b, _)| b)
            .to_string();
        let dir = std::env::temp_dir().join(format!("dar-cli-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        Some(Scratch {
            url: format!("{base}/{name}"),
            dir,
            pg: Some((admin, name)),
        })
    }

    fn dar(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dar"))
            .args(args)
            .env("DAR_DATABASE_URL", &self.url)
            .env("DAR_DATA_DIR", &self.dir)
            .env("DAR_JWT_SECRET", SECRET)
            .env("DAR_BOOTSTRAP_EMAIL", "coordinator@cli.test")
            .env("DAR_BOOTSTRAP_PASSWORD", "cli test password")
            .env("RUST_LOG", "warn")
            .output()
            .expect("running dar")
    }

    fn execute(&self, sql: &str) {
        match &self.pg {
            Some(_) => {
                let mut conn = diesel::pg::PgConnection::establish(&self.url).unwrap();
                diesel::sql_query(sql).execute(&mut conn).unwrap();
            }
            None => {
                let mut conn = diesel::sqlite::SqliteConnection::establish(
                    self.url.trim_start_matches("sqlite://"),
                )
                .unwrap();
                diesel::sql_query(sql).execute(&mut conn).unwrap();
            }
        };
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = diesel::pg::PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn demo_then_verify_finds_a_broken_chain(db: Scratch) {
    let migrate = db.dar(&["migrate"]);
    assert!(migrate.status.success(), "{}", text(&migrate));
    let demo = db.dar(&["demo"]);
    assert!(demo.status.success(), "{}", text(&demo));
    assert!(
        text(&demo).contains("admin@demo.dar.coop"),
        "{}",
        text(&demo)
    );
    let again = db.dar(&["demo"]);
    assert!(text(&again).contains("exists already"), "{}", text(&again));

    let verify = db.dar(&["verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(text(&verify).contains("demo: ok"), "{}", text(&verify));

    if db.pg.is_some() {
        db.execute("ALTER TABLE ledger_entries DISABLE TRIGGER USER");
        db.execute("UPDATE ledger_entries SET quantity = quantity + 1 WHERE seq = 7");
        db.execute("ALTER TABLE ledger_entries ENABLE TRIGGER USER");
    } else {
        db.execute("DROP TRIGGER ledger_entries_no_update");
        db.execute("UPDATE ledger_entries SET quantity = quantity + 1 WHERE seq = 7");
    }
    let broken = db.dar(&["verify"]);
    assert!(
        !broken.status.success(),
        "verify must fail on a broken chain: {}",
        text(&broken)
    );
    assert!(
        text(&broken).contains("demo: BROKEN at entry 7"),
        "{}",
        text(&broken)
    );
}

#[test]
fn dar_demo_loads_once_and_dar_verify_names_a_tampered_entry_on_sqlite() {
    demo_then_verify_finds_a_broken_chain(Scratch::sqlite());
}

#[test]
fn dar_demo_loads_once_and_dar_verify_names_a_tampered_entry_on_postgres() {
    if let Some(db) = Scratch::postgres() {
        demo_then_verify_finds_a_broken_chain(db);
    }
}

#[test]
fn dar_refuses_postgres_without_a_jwt_secret() {
    let out = Command::new(env!("CARGO_BIN_EXE_dar"))
        .arg("migrate")
        .env("DAR_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("DAR_JWT_SECRET")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("DAR_JWT_SECRET is required"),
        "{}",
        text(&out)
    );
}

/// Starts `dar serve` on SQLite with JSON logs, posts an entry, stops it, and checks that the
/// log lines of that request carry the request id the response announced.
#[test]
fn every_log_line_of_a_request_carries_its_request_id() {
    let db = Scratch::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_dar"))
        .args(["serve", "--demo"])
        .env("DAR_DATABASE_URL", &db.url)
        .env("DAR_DATA_DIR", &db.dir)
        .env("DAR_LISTEN", format!("127.0.0.1:{port}"))
        .env("DAR_BOOTSTRAP_EMAIL", "coordinator@cli.test")
        .env("DAR_BOOTSTRAP_PASSWORD", "cli test password")
        .env("DAR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let request_id = runtime.block_on(async {
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let login: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "admin@demo.dar.coop", "password": "demo-password-2026"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["access_token"].as_str().expect("demo admin logs in").to_string();
        let holders: serde_json::Value =
            client.get(format!("{base}/api/v1/tenants/demo/shareholders?limit=2")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let to = holders["items"][1]["id"].as_str().unwrap();
        let r = client
            .post(format!("{base}/api/v1/tenants/demo/ledger"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"kind": "issue", "share_class": "B", "to": to, "quantity": 1, "effective_date": "2025-01-02"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        r.headers().get("x-request-id").expect("the response names its request id").to_str().unwrap().to_string()
    });
    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&output.stdout);
    let posted: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(r#""message":"ledger entries posted""#))
        .collect();
    assert_eq!(posted.len(), 1, "one posting was logged: {logs}");
    for line in logs.lines().filter(|l| l.contains(&request_id)) {
        let parsed: serde_json::Value = serde_json::from_str(line).expect("every log line is JSON");
        assert!(parsed["timestamp"].is_string(), "{line}");
    }
    assert!(
        posted[0].contains(&request_id),
        "the posting's log line carries the request id {request_id}: {}",
        posted[0]
    );
}
