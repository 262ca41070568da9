//! The ledger writer: a few threads that post entries, each taking every request waiting in
//! its queue and posting them in one transaction (one commit, one fsync). Requests of one
//! tenant always go to the same thread, so a busy tenant's appends are grouped rather than
//! queued on its row lock, and per-tenant order is kept without waiting on the database.

use std::hash::{Hash, Hasher};
use std::thread;

use chrono::Utc;
use tokio::sync::{mpsc, oneshot};

use dar_db::ledger::{self, AppendRequest, Appended};
use dar_db::{Database, StoreError};

/// Most requests posted in one transaction; bounds the latency of a group.
pub const GROUP_MAX: usize = 128;
/// Requests waiting per writer before callers are told to slow down.
pub const QUEUE_MAX: usize = 4096;

struct Job {
    request: AppendRequest,
    reply: oneshot::Sender<Result<Appended, StoreError>>,
    span: tracing::Span,
}

#[derive(Clone)]
pub struct LedgerWriter {
    queues: Vec<mpsc::Sender<Job>>,
}

impl LedgerWriter {
    pub fn start(db: Database, writers: usize) -> Self {
        let queues = (0..writers.max(1))
            .map(|i| {
                let (tx, rx) = mpsc::channel(QUEUE_MAX);
                let db = db.clone();
                thread::Builder::new()
                    .name(format!("ledger-writer-{i}"))
                    .spawn(move || run(db, rx))
                    .expect("spawning a writer thread");
                tx
            })
            .collect();
        LedgerWriter { queues }
    }

    /// Posts a request and waits for its outcome.
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, StoreError> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        request.tenant_id.hash(&mut hasher);
        let queue = &self.queues[(hasher.finish() % self.queues.len() as u64) as usize];
        let (reply, answer) = oneshot::channel();
        queue
            .try_send(Job {
                request,
                reply,
                span: tracing::Span::current(),
            })
            .map_err(|_| StoreError::Unavailable("the ledger writer queue is full".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the ledger writer stopped".into()))?
    }
}

fn run(db: Database, mut rx: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(GROUP_MAX);
    while let Some(first) = rx.blocking_recv() {
        jobs.push(first);
        while jobs.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let requests: Vec<AppendRequest> = jobs.iter().map(|j| j.request.clone()).collect();
        let results = match db.conn() {
            Ok(mut conn) => ledger::append_group(&mut conn, &requests, Utc::now()),
            Err(e) => requests
                .iter()
                .map(|_| Err(StoreError::Unavailable(e.to_string())))
                .collect(),
        };
        debug_assert_eq!(results.len(), jobs.len());
        tracing::debug!(group.size = jobs.len(), "ledger group posted");
        for (job, result) in jobs.drain(..).zip(results) {
            let _entered = job.span.enter();
            if let Err(e) = &result
                && matches!(e, StoreError::Database(_) | StoreError::Corrupt(_))
            {
                tracing::error!(error = ?e, "ledger append failed");
            }
            // The caller may have gone away; the entry stands either way.
            let _ = job.reply.send(result);
        }
    }
}
