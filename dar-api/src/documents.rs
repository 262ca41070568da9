//! Documents as a service: rendering certificates from their records, issuing them (one,
//! or a batch in the background with progress), and streaming a batch as a ZIP.
//!
//! Certificates are rendered from the recorded content every time they are asked for; the
//! record holds everything they show and the renderer is deterministic, so the PDF a
//! holder downloads today is the one that was issued, byte for byte (its SHA-256 is
//! recorded and checked).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::ResponseError;
use actix_web::web::Bytes;
use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{ApiError, ApiResult};
use dar_core::documents::CertificateContent;
use dar_core::ids::{CertificateBatchId, TenantId, UserId};
use dar_db::certificates::{self, BatchRow, CertificateRow, IssueContext};
use dar_db::{Database, DbConnection, StoreError};
use dar_documents::{Image, Images};

use crate::streaming::ChannelWriter;

/// Holders issued per transaction in a batch: big enough to amortise the reads, small
/// enough that the tenant lock is held for well under a second.
const SLICE: i64 = 100;
/// A running batch whose worker has not reported for this long is taken over.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// Threads that issue batches. Batches wait their turn in the database (`queued`), so a
/// burst of requests queues instead of starting a thread each.
pub const BATCH_WORKERS: usize = 2;
/// ZIP downloads streamed at once, each on its own thread; one more gets 503 with
/// Retry-After. Each renders every certificate of its batch, so a few saturate the CPU.
pub const ZIP_STREAMS_MAX: usize = 4;
/// How long a batch keeps retrying a slice the database refused for a passing reason (a
/// lock, a lost connection). Well under `STALE_AFTER`, so a batch is never run twice; after
/// that it is left `running` and the sweeper resumes it later.
const RETRY_FOR: Duration = Duration::from_secs(30);

/// Decoded logos and signatures by SHA-256. Images are content-addressed and never change,
/// so an entry never goes stale; decoding once keeps batch rendering cheap.
#[derive(Default)]
pub struct ImageCache {
    images: Mutex<HashMap<String, Image>>,
}

impl ImageCache {
    /// The images a certificate refers to, from the cache or the tenant's stored uploads.
    pub fn for_certificate(
        &self,
        conn: &mut DbConnection,
        tenant: &TenantId,
        content: &CertificateContent,
    ) -> ApiResult<Images> {
        let wanted = content.logo_image.iter().chain(
            content
                .signatory
                .iter()
                .filter_map(|s| s.signature_image.as_ref()),
        );
        self.images(conn, tenant, wanted)
    }

    /// The images with these SHA-256s, ready to render with.
    pub fn images<'a>(
        &self,
        conn: &mut DbConnection,
        tenant: &TenantId,
        shas: impl IntoIterator<Item = &'a String>,
    ) -> ApiResult<Images> {
        let mut images = Images::default();
        for sha in shas {
            images.insert(self.get(conn, tenant, sha)?);
        }
        Ok(images)
    }

    /// One image, decoded once per process.
    pub fn get(&self, conn: &mut DbConnection, tenant: &TenantId, sha: &str) -> ApiResult<Image> {
        if let Some(image) = self.lock().get(sha) {
            return Ok(image.clone());
        }
        let row = dar_db::documents::image(conn, tenant, sha)?.ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("image {sha} is referenced but missing"))
        })?;
        let image = Image::decode(&row.bytes).map_err(ApiError::internal)?;
        self.lock().insert(sha.to_string(), image.clone());
        Ok(image)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Image>> {
        // A panic while holding the lock cannot leave the map half-written.
        self.images.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Renders a recorded certificate and checks it is the PDF that was issued.
pub fn certificate_pdf(
    conn: &mut DbConnection,
    cache: &ImageCache,
    row: &CertificateRow,
) -> ApiResult<Vec<u8>> {
    let tenant: TenantId = row.tenant_id.parse().map_err(ApiError::internal)?;
    let content = row.content()?;
    let images = cache.for_certificate(conn, &tenant, &content)?;
    let pdf = dar_documents::certificate(&content, &images).map_err(ApiError::internal)?;
    let sha = sha256_hex(&pdf);
    if sha != row.pdf_sha256 {
        // The renderer changed under a recorded layout version: serving a different PDF
        // under the same certificate would break the promise of reproducibility.
        tracing::error!(
            certificate = %row.id,
            recorded = %row.pdf_sha256,
            rendered = %sha,
            "certificate no longer renders to its recorded PDF"
        );
        return Err(ApiError::internal(anyhow::anyhow!(
            "certificate {} no longer renders to its recorded PDF",
            row.id
        )));
    }
    Ok(pdf)
}

/// Issues certificates for `holders` in one transaction; returns their records.
pub fn issue(
    conn: &mut DbConnection,
    cache: &ImageCache,
    ctx: &IssueContext<'_>,
    holders: &[dar_db::shareholders::ShareholderRow],
) -> ApiResult<Vec<CertificateRow>> {
    let images = issuing_images(conn, cache, &ctx.tenant)?;
    issue_with(conn, &images, ctx, holders)
}

/// The images certificates are issued with now. Loaded before the issuing transaction
/// takes the tenant lock; the render callback then only reads the prepared set.
pub fn issuing_images(
    conn: &mut DbConnection,
    cache: &ImageCache,
    tenant: &TenantId,
) -> ApiResult<Images> {
    let settings = dar_db::documents::settings(conn, tenant)?;
    cache.images(
        conn,
        tenant,
        settings
            .logo_sha256
            .iter()
            .chain(settings.signature_sha256.iter()),
    )
}

/// Issues certificates for `holders` with images prepared by [`issuing_images`].
pub fn issue_with(
    conn: &mut DbConnection,
    images: &Images,
    ctx: &IssueContext<'_>,
    holders: &[dar_db::shareholders::ShareholderRow],
) -> ApiResult<Vec<CertificateRow>> {
    let mut render = |content: &CertificateContent| -> Result<String, StoreError> {
        dar_documents::certificate(content, images)
            .map(|pdf| sha256_hex(&pdf))
            .map_err(|e| match e {
                // The settings changed between reading the images and taking the lock:
                // nothing was issued, and a retry reads the new ones.
                dar_documents::DocumentError::MissingImage(_) => StoreError::Contention,
                other => StoreError::Corrupt(format!("rendering certificate: {other}")),
            })
    };
    Ok(certificates::issue(conn, ctx, holders, &mut render)?)
}

/// The verification link of a certificate, without the id.
pub fn verify_base(public_url: &str) -> String {
    format!("{public_url}/verify/")
}

/// Runs certificate batches on a fixed set of threads: the one just asked for, and any left
/// behind by a stopped instance (found by a periodic sweep). Also bounds the threads that
/// stream batch ZIPs.
#[derive(Clone)]
pub struct BatchRunner {
    db: Database,
    cache: Arc<ImageCache>,
    public_url: Arc<str>,
    queue: Arc<BatchQueue>,
    workers: Arc<std::sync::Once>,
    zip_streams: Arc<Semaphore>,
}

/// Batches in arrival order, and the set of them that keeps each in the queue once.
type Waiting = (
    std::collections::VecDeque<(TenantId, CertificateBatchId)>,
    HashSet<CertificateBatchId>,
);

/// Batches waiting for a worker thread, each once.
#[derive(Default)]
struct BatchQueue {
    waiting: Mutex<Waiting>,
    ready: std::sync::Condvar,
}

impl BatchQueue {
    fn push(&self, tenant: TenantId, id: CertificateBatchId) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.1.insert(id) {
            waiting.0.push_back((tenant, id));
            self.ready.notify_one();
        }
    }

    fn pop(&self) -> (TenantId, CertificateBatchId) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some((tenant, id)) = waiting.0.pop_front() {
                waiting.1.remove(&id);
                return (tenant, id);
            }
            waiting = self.ready.wait(waiting).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl BatchRunner {
    pub fn new(db: Database, cache: Arc<ImageCache>, public_url: &str) -> Self {
        BatchRunner {
            db,
            cache,
            public_url: public_url.into(),
            queue: Arc::default(),
            workers: Arc::new(std::sync::Once::new()),
            zip_streams: Arc::new(Semaphore::new(ZIP_STREAMS_MAX)),
        }
    }

    /// Starts the worker threads, which run batches one after another (once, with the first
    /// batch).
    fn start_workers(&self) {
        self.workers.call_once(|| self.spawn_workers());
    }

    fn spawn_workers(&self) {
        for n in 0..BATCH_WORKERS {
            let runner = self.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("dar-batch-{n}"))
                .spawn(move || {
                    loop {
                        let (tenant, id) = runner.queue.pop();
                        let span =
                            tracing::info_span!("certificate_batch", tenant = %tenant, batch = %id);
                        let _entered = span.enter();
                        // A panic stops this batch (the sweeper resumes it), not the worker.
                        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            runner.run(tenant, id)
                        }));
                        match ran {
                            Ok(Ok(())) => {}
                            Ok(Err(e)) => tracing::error!(error = %e, "certificate batch stopped"),
                            Err(_) => tracing::error!("certificate batch panicked"),
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a batch worker");
            }
        }
    }

    /// A permit to stream one batch ZIP, or 503 when as many are streaming as allowed.
    pub fn zip_permit(&self) -> ApiResult<OwnedSemaphorePermit> {
        self.zip_streams.clone().try_acquire_owned().map_err(|_| {
            ApiError::Unavailable("as many archives are being downloaded as allowed; retry".into())
        })
    }

    /// Streams a finished batch as a ZIP on one of the bounded ZIP threads.
    pub fn stream_zip(
        &self,
        tenant: TenantId,
        batch: CertificateBatchId,
    ) -> ApiResult<impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + use<>> {
        let permit = self.zip_permit()?;
        Ok(stream_batch_zip(
            self.db.clone(),
            self.cache.clone(),
            tenant,
            batch,
            permit,
        ))
    }

    /// Starts the sweep that picks up queued and abandoned batches.
    pub fn start_sweeper(&self) {
        let runner = self.clone();
        let spawned = std::thread::Builder::new()
            .name("dar-batch-sweep".into())
            .spawn(move || {
                loop {
                    if let Err(e) = runner.sweep() {
                        tracing::warn!(error = %e, "batch sweep failed");
                    }
                    std::thread::sleep(STALE_AFTER / 4);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the batch sweeper");
        }
    }

    /// Starts every queued batch and takes over every abandoned one this instance can claim.
    pub fn sweep(&self) -> Result<(), StoreError> {
        let mut conn = self.db.conn()?;
        let stale = Utc::now() - STALE_AFTER;
        for (tenant, id) in certificates::open_batches(&mut conn, stale)? {
            if let (Ok(tenant), Ok(id)) = (tenant.parse(), id.parse()) {
                self.spawn(tenant, id);
            }
        }
        Ok(())
    }

    /// Queues a batch for a worker; it runs if this instance can claim it then.
    pub fn spawn(&self, tenant: TenantId, id: CertificateBatchId) {
        self.start_workers();
        self.queue.push(tenant, id);
    }

    fn run(&self, tenant: TenantId, id: CertificateBatchId) -> ApiResult<()> {
        let mut conn = self.db.conn()?;
        let result = self.run_on(&mut conn, tenant, id);
        if result
            .as_ref()
            .is_err_and(|e| e.status_code().is_server_error())
        {
            conn.mark_suspect();
        }
        result
    }

    fn run_on(
        &self,
        conn: &mut DbConnection,
        tenant: TenantId,
        id: CertificateBatchId,
    ) -> ApiResult<()> {
        let now = Utc::now();
        let claimed = retrying(|| {
            Ok(certificates::claim_batch(
                conn,
                &tenant,
                &id,
                now - STALE_AFTER,
                now,
            )?)
        })?;
        if !claimed {
            return Ok(());
        }
        let batch = certificates::batch(conn, &tenant, &id)?;
        tracing::info!(
            total = batch.total,
            done = batch.done,
            "certificate batch running"
        );
        let outcome = self.issue_all(conn, &tenant, &id, &batch);
        let error = match &outcome {
            Ok(()) => None,
            // Still busy after retrying for a while: left `running`, so the sweeper resumes
            // it once its heartbeat is stale, instead of failing a batch that can succeed.
            Err(e) if is_retryable(e) => {
                tracing::warn!(error = %cause(e), "certificate batch paused; it will be resumed");
                return Ok(());
            }
            Err(e) => Some(cause(e)),
        };
        retrying(|| {
            Ok(certificates::finish_batch(
                conn,
                &tenant,
                &id,
                error.clone(),
                Utc::now(),
            )?)
        })?;
        let finished = certificates::batch(conn, &tenant, &id)?;
        tracing::info!(
            status = %finished.status,
            done = finished.done,
            total = finished.total,
            "certificate batch finished"
        );
        outcome
    }

    fn issue_all(
        &self,
        conn: &mut DbConnection,
        tenant: &TenantId,
        id: &CertificateBatchId,
        batch: &BatchRow,
    ) -> ApiResult<()> {
        let selection = batch.selection()?;
        let requested_by: UserId = batch.requested_by.parse().map_err(ApiError::internal)?;
        let verify_base = verify_base(&self.public_url);
        let mut after = batch.last_register_number;
        let mut done = batch.done;
        // Fixed when the batch was asked for, so every slice shows the same date.
        let as_of = batch
            .as_of
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("batch without a date")))?;
        // A selection is read once; "all" is read a slice at a time, so 50,000 holders are
        // never in memory together.
        let selected = match &selection {
            Some(ids) => Some(certificates::holders_by_id(conn, tenant, ids)?),
            None => None,
        };
        loop {
            let holders = match &selected {
                None => certificates::active_holders_between(
                    conn,
                    tenant,
                    after,
                    batch.up_to_register_number,
                    SLICE,
                )?,
                Some(chosen) => chosen
                    .iter()
                    .filter(|h| h.register_number > after)
                    .take(SLICE as usize)
                    .cloned()
                    .collect(),
            };
            let Some(last) = holders.last().map(|h| h.register_number) else {
                return Ok(());
            };
            let now = Utc::now();
            let ctx = IssueContext {
                tenant: *tenant,
                as_of,
                issued_on: dar_core::time::brussels_date(now),
                issued_by: requested_by,
                batch: Some(*id),
                verify_base: &verify_base,
                now,
            };
            retrying(|| {
                let images = issuing_images(conn, &self.cache, tenant)?;
                dar_db::write_transaction(conn, |conn| {
                    let issued = issue_with(conn, &images, &ctx, &holders)?;
                    crate::mail::enqueue_certificates_ready(
                        conn,
                        &self.public_url,
                        tenant,
                        &issued,
                        now,
                    )?;
                    certificates::advance_batch(conn, tenant, id, issued.len() as i64, last, now)?;
                    Ok(())
                })
            })?;
            after = last;
            done += holders.len() as i64;
            tracing::info!(done, total = batch.total, "certificate batch progress");
        }
    }
}

/// Whether an error is passing (a lock, a lost connection, a busy pool): the same work may
/// simply be tried again.
fn is_retryable(e: &ApiError) -> bool {
    matches!(e, ApiError::Unavailable(_))
}

/// Runs `f` again while it fails for a passing reason, backing off, for up to `RETRY_FOR`.
fn retrying<T>(mut f: impl FnMut() -> ApiResult<T>) -> ApiResult<T> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(50);
    loop {
        match f() {
            Err(e) if is_retryable(&e) && started.elapsed() < RETRY_FOR => {
                tracing::debug!(error = %e, "certificate batch retrying");
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(2));
            }
            other => return other,
        }
    }
}

/// What a failed batch records: the real cause, not the client-facing "internal error".
fn cause(e: &ApiError) -> String {
    match e {
        ApiError::Internal(inner) => format!("{inner:#}"),
        other => other.to_string(),
    }
}

/// Checks a batch may be downloaded.
pub fn require_done(batch: &BatchRow) -> ApiResult<()> {
    match batch.status.as_str() {
        "done" => Ok(()),
        "failed" => Err(ApiError::Conflict(format!(
            "the batch failed: {}",
            batch.error.as_deref().unwrap_or("unknown error")
        ))),
        _ => Err(ApiError::Conflict(format!(
            "the batch is {} ({} of {} done); download it when it is done",
            batch.status, batch.done, batch.total
        ))),
    }
}

/// Streams a finished batch as a ZIP: one PDF per certificate, rendered from its record a
/// page of certificates at a time, so memory stays flat however large the batch.
fn stream_batch_zip(
    db: Database,
    cache: Arc<ImageCache>,
    tenant: TenantId,
    batch: CertificateBatchId,
    permit: OwnedSemaphorePermit,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    crate::streaming::from_thread("dar-zip", move |writer| {
        // Held until the archive is written or the client went away.
        let _permit = permit;
        write_zip(&db, &cache, &tenant, &batch, writer)
    })
}

fn write_zip(
    db: &Database,
    cache: &ImageCache,
    tenant: &TenantId,
    batch: &CertificateBatchId,
    out: ChannelWriter,
) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let written = write_zip_on(&mut conn, cache, tenant, batch, out);
    if written.is_err() {
        conn.mark_suspect();
    }
    written
}

fn write_zip_on(
    conn: &mut DbConnection,
    cache: &ImageCache,
    tenant: &TenantId,
    batch: &CertificateBatchId,
    out: ChannelWriter,
) -> anyhow::Result<()> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new_stream(out);
    // PDFs are compressed already; a fixed timestamp keeps the archive reproducible.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut after = 0;
    loop {
        let rows = certificates::of_batch(conn, tenant, batch, after, SLICE)?;
        let Some(last) = rows.last().map(|r| r.number) else {
            break;
        };
        for row in &rows {
            let pdf = certificate_pdf(conn, cache, row).map_err(|e| anyhow::anyhow!("{e}"))?;
            let content = row.content()?;
            zip.start_file(file_name(&content), options)?;
            zip.write_all(&pdf)?;
        }
        after = last;
    }
    let mut out = zip.finish()?.into_inner();
    out.flush()?;
    Ok(())
}

/// `certificate-00017-R00042.pdf`: sorted by number, with the holder's register number.
pub fn file_name(content: &CertificateContent) -> String {
    format!(
        "certificate-{:05}-R{:05}.pdf",
        content.number, content.holder.register_number
    )
}

/// Today in Brussels, or the date asked for when it is not in the future.
pub fn as_of_or_today(as_of: Option<NaiveDate>) -> ApiResult<NaiveDate> {
    let today = dar_core::time::brussels_date(Utc::now());
    match as_of {
        None => Ok(today),
        Some(d) if d <= today => Ok(d),
        Some(_) => Err(ApiError::invalid("as_of", "must not be in the future")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_batch_records_the_real_cause_not_internal_error() {
        let e = ApiError::internal(anyhow::anyhow!("disk full").context("writing certificates"));
        assert_eq!(e.to_string(), "internal error");
        assert_eq!(cause(&e), "writing certificates: disk full");
    }

    #[test]
    fn a_busy_database_is_retried_not_failed() {
        assert!(is_retryable(&ApiError::from(StoreError::Busy(
            "database is locked".into()
        ))));
        assert!(!is_retryable(&ApiError::NotFound));
    }
}
