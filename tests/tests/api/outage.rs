//! The database going away and coming back. PostgreSQL only, by nature: a small TCP proxy
//! between the app and the server cuts the connections (as a server restart does) and
//! heals them; an embedded SQLite file cannot go away like that.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use dar_db::DatabaseUrl;
use dar_tests::{Backend, TestApp, expect_problem};

const PASS: u8 = 0;
/// Every connection is closed and new ones are refused.
const CUT: u8 = 1;
/// A connection is closed when the client sends COMMIT, before the server sees it.
const CUT_AT_COMMIT: u8 = 2;

/// A proxy in front of PostgreSQL whose connections the test can cut.
struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
    /// Bumped to close every open connection.
    generation: watch::Sender<u64>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding");
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(PASS));
        let (generation, _) = watch::channel(0u64);
        let (m, g) = (mode.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if m.load(Ordering::SeqCst) == CUT {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pipe(client, server, m.clone(), g.subscribe()));
            }
        });
        Proxy {
            port,
            mode,
            generation,
        }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
        if mode == CUT {
            self.generation.send_modify(|g| *g += 1);
        }
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    mode: Arc<AtomicU8>,
    mut cut: watch::Receiver<u64>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let up = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if mode.load(Ordering::SeqCst) == CUT_AT_COMMIT
                && buf[..n].windows(6).any(|w| w == b"COMMIT")
            {
                return;
            }
            if server_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if client_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
        _ = cut.changed() => {}
    }
    // Dropping both halves closes both connections.
}

/// The app, reaching its PostgreSQL database through a proxy; `None` without PostgreSQL.
async fn app_behind_proxy() -> Option<(TestApp, Proxy)> {
    let admin_url = std::env::var("DAR_TEST_PG_URL").ok();
    let upstream = admin_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .map(|(_, rest)| rest.split_once('@').map_or(rest, |(_, host)| host))
        .map(|hostpath| hostpath.split('/').next().unwrap_or(hostpath).to_string())
        .unwrap_or_else(|| "127.0.0.1:5432".into());
    let proxy = Proxy::start(upstream.clone()).await;
    let port = proxy.port;
    let app = TestApp::spawn_with(Backend::Postgres, move |url| match url {
        DatabaseUrl::Postgres(u) => {
            DatabaseUrl::Postgres(u.replacen(&upstream, &format!("127.0.0.1:{port}"), 1))
        }
        other => other.clone(),
    })
    .await?;
    Some((app, proxy))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_cut_off_requests_get_503_and_the_next_ones_after_it_returns_succeed()
{
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let (t, admin) = app.tenant_with_admin("outage").await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;
    let entry = json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-02-01"});
    // Use several pooled connections, so the pool holds them when the server goes away.
    let path = format!("/api/v1/tenants/{t}/shareholders");
    join_all((0..8).map(|_| app.get(&path, &admin))).await;

    proxy.set(CUT);
    let during = join_all((0..16).map(|i| {
        let (app, t, admin, entry) = (&app, &t, &admin, &entry);
        async move {
            if i % 2 == 0 {
                app.get(&format!("/api/v1/tenants/{t}/shareholders"), admin)
                    .await
            } else {
                app.post_entry(t, admin, entry).await
            }
        }
    }))
    .await;
    for r in during {
        let retry_after = r.headers().get("retry-after").is_some();
        let problem = r
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert!(
            retry_after && problem && status == 503,
            "a 503 that says when to retry, not {status}: {body}"
        );
    }

    proxy.set(PASS);
    // The very next requests succeed: no dead pooled connection is handed out again.
    for _ in 0..20 {
        app.get_ok(&format!("/api/v1/tenants/{t}/shareholders"), &admin)
            .await;
    }
    app.post_entry_ok(&t, &admin, &entry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_lost_at_commit_answers_outcome_unknown_and_a_retry_with_the_same_key_posts_once()
 {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let (t, admin) = app.tenant_with_admin("at-commit").await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;
    let entry = json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-02-01"});
    let post = || {
        app.client
            .post(app.url(&format!("/api/v1/tenants/{t}/ledger")))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "at-commit-1")
            .json(&entry)
            .send()
    };

    proxy.set(CUT_AT_COMMIT);
    let r = post().await.unwrap();
    assert!(r.headers().get("retry-after").is_some());
    let problem = expect_problem(r, 503).await;
    assert_eq!(
        problem["type"], "https://dar.coop/problems/outcome-unknown",
        "{problem}"
    );

    proxy.set(PASS);
    let mut posted = None;
    for _ in 0..20 {
        let r = post().await.unwrap();
        if r.status().is_success() {
            posted = Some(r);
            break;
        }
        expect_problem(r, 503).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(posted.is_some(), "the retry went through");
    assert_eq!(app.head_seq(&t, &admin).await, 1, "posted exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_request_finds_the_database_gone_every_pooled_connection_is_checked_before_use() {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let (t, admin) = app.tenant_with_admin("pooled").await;
    let path = format!("/api/v1/tenants/{t}/shareholders");
    // Fill the pool with connections that all die at the cut.
    for _ in 0..3 {
        join_all((0..16).map(|_| app.get(&path, &admin))).await;
    }

    proxy.set(CUT);
    // One request finds its connection dead; the rest of the pool is never touched.
    let r = app.get(&path, &admin).await;
    expect_problem(r, 503).await;

    proxy.set(PASS);
    // Concurrent requests take several pooled connections at once: none is handed a dead one.
    for r in join_all((0..16).map(|_| app.get(&path, &admin))).await {
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "{status}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_entry_after_an_unnoticed_database_restart_is_posted() {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let (t, admin) = app.tenant_with_admin("unnoticed").await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    let holder = app.create_person(&t, &admin, "Ada", "Peeters").await;
    let path = format!("/api/v1/tenants/{t}/shareholders");
    for _ in 0..3 {
        join_all((0..16).map(|_| app.get(&path, &admin))).await;
    }

    // The server drops every connection and is back before anyone asks anything.
    proxy.set(CUT);
    proxy.set(PASS);
    let entry = json!({"kind": "issue", "share_class": "A", "to": holder, "quantity": 1, "effective_date": "2024-02-01"});
    app.post_entry_ok(&t, &admin, &entry).await;
    assert_eq!(app.head_seq(&t, &admin).await, 1, "posted exactly once");
}
