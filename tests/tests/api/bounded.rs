//! Background work runs on a bounded number of threads: batch ZIPs beyond the bound get 503
//! with Retry-After instead of a thread each.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{Value, json};

use dar_api::documents::ZIP_STREAMS_MAX;
use dar_tests::{TestApp, expect_problem, on_both_backends};

/// A cooperative with a finished batch of `holders` certificates; returns (tenant, admin,
/// ZIP path).
async fn finished_batch(app: &TestApp, slug: &str, holders: usize) -> (String, String, String) {
    let (t, admin) = app.tenant_with_admin(slug).await;
    app.create_class(&t, &admin, "A", "100.00", "free").await;
    for i in 0..holders {
        let h = app
            .create_person(&t, &admin, "Lid", &format!("Nummer {i}"))
            .await;
        app.post_entry_ok(&t, &admin, &json!({"kind": "issue", "share_class": "A", "to": h, "quantity": 1, "effective_date": "2024-02-01"})).await;
    }
    let batch = app
        .post_ok(
            &format!("/api/v1/tenants/{t}/certificate-batches"),
            &admin,
            &json!({}),
        )
        .await;
    let path = format!(
        "/api/v1/tenants/{t}/certificate-batches/{}",
        batch["id"].as_str().unwrap()
    );
    let mut status = Value::Null;
    for _ in 0..600 {
        status = app.get_ok(&path, &admin).await;
        if status["status"] != "queued" && status["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["status"], "done", "{status}");
    (t, admin, format!("{path}/zip"))
}

on_both_backends!(
    a_zip_download_beyond_the_bound_gets_503_with_retry_after,
    |app| async move {
        let (_, admin, zip) = finished_batch(&app, "zip-bound", 2).await;
        // As many downloads as allowed are streaming (their permits are held here).
        let busy: Vec<_> = (0..ZIP_STREAMS_MAX)
            .map(|_| app.state.batches.zip_permit().expect("a permit"))
            .collect();
        let r = app.get(&zip, &admin).await;
        assert_eq!(
            r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
            Some("1")
        );
        expect_problem(r, 503).await;
        drop(busy);
        let r = app.get(&zip, &admin).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "a ZIP archive");
    }
);

on_both_backends!(
    more_concurrent_zip_downloads_than_the_bound_all_succeed_or_get_503,
    |app| async move {
        let (_, admin, zip) = finished_batch(&app, "zip-burst", 3).await;
        let answers = join_all((0..ZIP_STREAMS_MAX * 4).map(|_| async {
            let r = app.get(&zip, &admin).await;
            let status = r.status().as_u16();
            let retry = r.headers().get("retry-after").is_some();
            let bytes = r.bytes().await.unwrap();
            (status, retry, bytes)
        }))
        .await;
        let mut complete = 0;
        for (status, retry, bytes) in answers {
            match status {
                200 => {
                    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))
                        .expect("a complete ZIP");
                    assert_eq!(archive.len(), 3);
                    complete += 1;
                }
                503 => assert!(retry, "a 503 says when to retry"),
                other => panic!("{other}"),
            }
        }
        assert!(complete >= 1);
        // Every permit comes back when its stream's thread ends.
        let mut all_back = false;
        for _ in 0..50 {
            let permits: Vec<_> = (0..ZIP_STREAMS_MAX)
                .map(|_| app.state.batches.zip_permit())
                .collect();
            if permits.iter().all(Result::is_ok) {
                all_back = true;
                break;
            }
            drop(permits);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(all_back, "no ZIP thread is left running");
    }
);
