//! The ledger writer: a few threads that post entries, each taking every request waiting in
//! its queue and posting them in one transaction (one commit, one fsync). While a tenant has
//! requests waiting or being posted, all its requests go to the same thread, so a busy
//! tenant's appends are grouped rather than queued on its row lock, and per-tenant order is
//! kept without waiting on the database. A tenant with nothing in flight goes to the thread
//! with the fewest requests in flight, so the threads share the work evenly whichever
//! tenants are busy (a fixed hash of the tenant split 32 busy tenants 13 to 19, or worse,
//! about two times in five).
//!
//! The threads are supervised: a panic while posting a group fails that group's requests
//! only (with "outcome unknown" when it happened after the database work began, since the
//! group may have committed), is logged and counted, and a new thread takes over the queue.
//! `/readyz` reports a writer that is down.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use chrono::Utc;
use tokio::sync::{mpsc, oneshot};

use dar_core::ids::TenantId;
use dar_db::ledger::{self, AppendRequest, Appended};
use dar_db::{Database, StoreError};

/// Most requests posted in one transaction; bounds the latency of a group.
pub const GROUP_MAX: usize = 128;
/// Requests waiting per writer before callers are told to slow down.
pub const QUEUE_MAX: usize = 4096;

struct Job {
    request: AppendRequest,
    waiter: Waiter,
}

/// Who waits for a job's answer, kept apart from its request so that a group's requests can
/// be handed to the append path without copying them (a batch holds a thousand entries).
struct Waiter {
    reply: oneshot::Sender<Result<Appended, StoreError>>,
    span: tracing::Span,
    /// Dropped with the waiter, once it is answered (or failed): the tenant's request is no
    /// longer in flight.
    _routed: Routed,
}

/// One writer thread's queue and whether a thread is serving it.
struct Shard {
    queue: mpsc::Sender<Job>,
    alive: Arc<AtomicBool>,
}

/// Which thread each tenant with requests in flight is bound to, and how many requests each
/// thread has in flight (sent and not yet answered). One lock guards both, so a choice of
/// thread and the counts it is based on cannot drift apart.
struct Routes {
    /// Tenant → (its thread, its requests in flight there).
    tenants: HashMap<TenantId, (usize, usize)>,
    /// Per thread.
    in_flight: Vec<usize>,
}

impl Routes {
    fn new(threads: usize) -> Routes {
        Routes {
            tenants: HashMap::new(),
            in_flight: vec![0; threads],
        }
    }
}

/// A request counted in flight for its tenant and thread until it is dropped.
struct Routed {
    routes: Arc<Mutex<Routes>>,
    tenant: TenantId,
    shard: usize,
}

impl Routed {
    /// Binds `tenant`'s request to the thread its other requests in flight are on, or, when
    /// it has none, to the thread with the fewest requests in flight.
    fn new(routes: &Arc<Mutex<Routes>>, tenant: TenantId) -> Routed {
        let mut guard = routes.lock().unwrap_or_else(|e| e.into_inner());
        let Routes { tenants, in_flight } = &mut *guard;
        let (shard, count) = tenants.entry(tenant).or_insert_with(|| {
            let least = (0..in_flight.len())
                .min_by_key(|&i| in_flight[i])
                .expect("at least one writer");
            (least, 0)
        });
        *count += 1;
        let shard = *shard;
        in_flight[shard] += 1;
        Routed {
            routes: routes.clone(),
            tenant,
            shard,
        }
    }
}

impl Drop for Routed {
    fn drop(&mut self) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, count)) = routes.tenants.get_mut(&self.tenant) {
            *count -= 1;
            if *count == 0 {
                routes.tenants.remove(&self.tenant);
            }
        }
        routes.in_flight[self.shard] -= 1;
    }
}

#[derive(Clone)]
pub struct LedgerWriter {
    shards: Arc<Vec<Shard>>,
    routes: Arc<Mutex<Routes>>,
    #[cfg(feature = "test-faults")]
    faults: Arc<faults::Faults>,
}

impl LedgerWriter {
    pub fn start(db: Database, writers: usize) -> Self {
        #[cfg(feature = "test-faults")]
        let faults = Arc::new(faults::Faults::default());
        let shards = (0..writers.max(1))
            .map(|index| {
                let (queue, rx) = mpsc::channel(QUEUE_MAX);
                let alive = Arc::new(AtomicBool::new(false));
                let worker = Worker {
                    index,
                    db: db.clone(),
                    alive: alive.clone(),
                    #[cfg(feature = "test-faults")]
                    faults: faults.clone(),
                };
                worker.spawn(rx);
                Shard { queue, alive }
            })
            .collect::<Vec<_>>();
        LedgerWriter {
            routes: Arc::new(Mutex::new(Routes::new(shards.len()))),
            shards: Arc::new(shards),
            #[cfg(feature = "test-faults")]
            faults,
        }
    }

    /// Posts a request and waits for its outcome.
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, StoreError> {
        let routed = Routed::new(&self.routes, request.tenant_id);
        let shard = &self.shards[routed.shard];
        let (reply, answer) = oneshot::channel();
        shard
            .queue
            .try_send(Job {
                request,
                waiter: Waiter {
                    reply,
                    span: tracing::Span::current(),
                    _routed: routed,
                },
            })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => {
                    StoreError::Unavailable("the ledger writer queue is full".into())
                }
                mpsc::error::TrySendError::Closed(_) => {
                    StoreError::Unavailable("the ledger writer is down".into())
                }
            })?;
        answer.await.map_err(|_| {
            // The job was dropped without an answer: its thread died outside the guarded
            // section, where nothing is written.
            StoreError::Unavailable("the ledger writer stopped".into())
        })?
    }

    /// How many writer threads are not running (a panic being recovered, or a thread that
    /// could not be started again).
    pub fn down(&self) -> usize {
        self.shards
            .iter()
            .filter(|s| !s.alive.load(Ordering::Acquire))
            .count()
    }

    /// Test builds only: the next group that holds a request of `tenant` panics before it
    /// touches the database.
    #[cfg(feature = "test-faults")]
    pub fn panic_on_next_group_of(&self, tenant: dar_core::ids::TenantId) {
        self.faults.arm(tenant);
    }
}

#[cfg(feature = "test-faults")]
mod faults {
    use std::sync::Mutex;

    use dar_core::ids::TenantId;

    /// Faults a test arms; compiled only with the `test-faults` feature.
    #[derive(Default)]
    pub struct Faults {
        panic_for: Mutex<Vec<TenantId>>,
    }

    impl Faults {
        pub fn arm(&self, tenant: TenantId) {
            self.panic_for
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(tenant);
        }

        /// Panics if a fault is armed for one of these tenants (and disarms it).
        pub fn trip(&self, tenants: impl Iterator<Item = TenantId>) {
            let mut armed = self.panic_for.lock().unwrap_or_else(|e| e.into_inner());
            for tenant in tenants {
                if let Some(at) = armed.iter().position(|t| *t == tenant) {
                    armed.remove(at);
                    drop(armed);
                    panic!("injected ledger writer fault for tenant {tenant}");
                }
            }
        }
    }
}

/// What a writer thread needs; cloned into the thread that replaces it.
#[derive(Clone)]
struct Worker {
    index: usize,
    db: Database,
    alive: Arc<AtomicBool>,
    #[cfg(feature = "test-faults")]
    faults: Arc<faults::Faults>,
}

/// Marks the shard down when its thread ends, however it ends.
struct AliveGuard(Arc<AtomicBool>);

impl Drop for AliveGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Where a group was when its thread panicked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing was sent to the database: the requests may simply be retried.
    Preparing,
    /// The group's transaction may have committed.
    Posting,
}

impl Worker {
    fn spawn(self, rx: mpsc::Receiver<Job>) {
        let index = self.index;
        let alive = self.alive.clone();
        let spawned = thread::Builder::new()
            .name(format!("ledger-writer-{index}"))
            .spawn(move || {
                let handed_back = {
                    let _guard = AliveGuard(self.alive.clone());
                    self.alive.store(true, Ordering::Release);
                    self.run(rx)
                };
                if let Some(rx) = handed_back {
                    // A group panicked: a fresh thread (with a fresh connection) takes over
                    // the queue, so nothing of the failed one is carried on.
                    self.spawn(rx);
                }
            });
        if let Err(e) = spawned {
            alive.store(false, Ordering::Release);
            tracing::error!(writer = index, error = %e, "could not start a ledger writer thread");
        }
    }

    /// Posts groups until the queue closes (`None`), or until a group panics: then its
    /// requests are answered and the queue is handed back for a new thread.
    fn run(&self, mut rx: mpsc::Receiver<Job>) -> Option<mpsc::Receiver<Job>> {
        let mut waiters: Vec<Waiter> = Vec::with_capacity(GROUP_MAX);
        let mut requests: Vec<AppendRequest> = Vec::with_capacity(GROUP_MAX);
        while let Some(first) = rx.blocking_recv() {
            let mut next = Some(first);
            while let Some(job) = next.take() {
                requests.push(job.request);
                waiters.push(job.waiter);
                if waiters.len() < GROUP_MAX {
                    next = rx.try_recv().ok();
                }
            }
            let mut phase = Phase::Preparing;
            let started = std::time::Instant::now();
            let posted = catch_unwind(AssertUnwindSafe(|| self.post(&requests, &mut phase)));
            let results = match posted {
                Ok(results) => results,
                Err(panic) => {
                    let message = panic_message(panic.as_ref());
                    crate::metrics::count_writer_panic();
                    tracing::error!(
                        writer = self.index,
                        group.size = waiters.len(),
                        panic = %message,
                        "ledger writer panicked; answering its group and replacing the thread"
                    );
                    let error = match phase {
                        Phase::Preparing => StoreError::Unavailable(
                            "the ledger writer failed before posting; retry".into(),
                        ),
                        Phase::Posting => StoreError::OutcomeUnknown(
                            "the ledger writer failed while posting".into(),
                        ),
                    };
                    for waiter in waiters.drain(..) {
                        let _ = waiter.reply.send(Err(error.same_again()));
                    }
                    return Some(rx);
                }
            };
            debug_assert_eq!(results.len(), waiters.len());
            tracing::debug!(
                group.size = waiters.len(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "ledger group posted"
            );
            for (waiter, result) in waiters.drain(..).zip(results) {
                let _entered = waiter.span.enter();
                if let Err(e) = &result
                    && matches!(e, StoreError::Database(_) | StoreError::Corrupt(_))
                {
                    tracing::error!(error = ?e, "ledger append failed");
                }
                // The caller may have gone away; the entry stands either way.
                let _ = waiter.reply.send(result);
            }
            requests.clear();
        }
        None
    }

    fn post(
        &self,
        requests: &[AppendRequest],
        phase: &mut Phase,
    ) -> Vec<Result<Appended, StoreError>> {
        #[cfg(feature = "test-faults")]
        self.faults.trip(requests.iter().map(|r| r.tenant_id));
        *phase = Phase::Posting;
        let results = self.post_once(requests);
        // A group that lost its connection before committing posted nothing. The connection
        // was most likely a pooled one the server had dropped (a restart): the group is
        // tried once more on another, so the first request after an outage does not fail.
        if results
            .iter()
            .all(|r| matches!(r, Err(StoreError::ConnectionLost(_))))
        {
            tracing::warn!(
                writer = self.index,
                group.size = requests.len(),
                "ledger group lost its connection before committing; trying once more"
            );
            return self.post_once(requests);
        }
        results
    }

    fn post_once(&self, requests: &[AppendRequest]) -> Vec<Result<Appended, StoreError>> {
        match self.db.conn() {
            Ok(mut conn) => {
                let results = ledger::append_group(&mut conn, requests, Utc::now());
                if results
                    .iter()
                    .any(|r| r.as_ref().is_err_and(StoreError::suspects_connection))
                {
                    conn.mark_suspect();
                }
                results
            }
            Err(e) => requests
                .iter()
                .map(|_| Err(StoreError::Unavailable(e.to_string())))
                .collect(),
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(threads: usize) -> Arc<Mutex<Routes>> {
        Arc::new(Mutex::new(Routes::new(threads)))
    }

    fn in_flight(routes: &Mutex<Routes>) -> Vec<usize> {
        routes.lock().unwrap().in_flight.clone()
    }

    #[test]
    fn busy_tenants_are_spread_evenly_over_the_writers() {
        let routes = routes(2);
        let held: Vec<Routed> = (0..32)
            .map(|_| Routed::new(&routes, TenantId::new()))
            .collect();
        let on_first = held.iter().filter(|r| r.shard == 0).count();
        assert_eq!((on_first, held.len() - on_first), (16, 16));
    }

    #[test]
    fn a_tenant_stays_on_its_writer_while_it_has_requests_in_flight() {
        let routes = routes(2);
        let (busy, other) = (TenantId::new(), TenantId::new());
        let first = Routed::new(&routes, busy);
        let _other = Routed::new(&routes, other);
        // The busy tenant's thread now has more in flight than the other, yet its next
        // request follows the first, so the two are posted in order.
        let second = Routed::new(&routes, busy);
        assert_eq!(second.shard, first.shard);
        assert_eq!(in_flight(&routes)[first.shard], 2);
    }

    #[test]
    fn a_tenant_with_nothing_in_flight_moves_to_the_least_busy_writer() {
        let routes = routes(2);
        let (tenant, a, c) = (TenantId::new(), TenantId::new(), TenantId::new());
        let first = Routed::new(&routes, tenant);
        assert_eq!(first.shard, 0);
        let _a = [Routed::new(&routes, a), Routed::new(&routes, a)];
        let mut _c = vec![Routed::new(&routes, c), Routed::new(&routes, c)];
        assert_eq!(in_flight(&routes), [3, 2]);
        drop(first);
        assert!(
            !routes.lock().unwrap().tenants.contains_key(&tenant),
            "forgotten when idle"
        );
        _c.push(Routed::new(&routes, c));
        assert_eq!(in_flight(&routes), [3, 2]);
        assert_eq!(Routed::new(&routes, tenant).shard, 1);
    }
}
