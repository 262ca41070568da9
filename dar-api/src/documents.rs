//! Documents as a service: rendering certificates from their records, issuing them (one,
//! or a batch in the background with progress), and streaming a batch as a ZIP.
//!
//! Certificates are rendered from the recorded content every time they are asked for; the
//! record holds everything they show and the renderer is deterministic, so the PDF a
//! holder downloads today is the one that was issued, byte for byte (its SHA-256 is
//! recorded and checked).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::Bytes;
use chrono::{NaiveDate, Utc};
use diesel::Connection;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use dar_core::documents::CertificateContent;
use dar_core::ids::{CertificateBatchId, TenantId, UserId};
use dar_db::certificates::{self, BatchRow, CertificateRow, IssueContext};
use dar_db::{Database, DbConnection, StoreError};
use dar_documents::{Image, Images};

/// Holders issued per transaction in a batch: big enough to amortise the reads, small
/// enough that the tenant lock is held for well under a second.
const SLICE: i64 = 100;
/// A running batch whose worker has not reported for this long is taken over.
const STALE_AFTER: Duration = Duration::from_secs(60);

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
    let tenant = ctx.tenant;
    // Images are loaded before the issuing transaction takes the tenant lock; the render
    // callback then only reads the prepared set.
    let settings = dar_db::documents::settings(conn, &tenant)?;
    let images = cache.images(
        conn,
        &tenant,
        settings
            .logo_sha256
            .iter()
            .chain(settings.signature_sha256.iter()),
    )?;
    let mut render = |content: &CertificateContent| -> Result<String, StoreError> {
        dar_documents::certificate(content, &images)
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

/// Runs certificate batches: the one just asked for, and any left behind by a stopped
/// instance (found by a periodic sweep).
#[derive(Clone)]
pub struct BatchRunner {
    db: Database,
    cache: Arc<ImageCache>,
    public_url: Arc<str>,
}

impl BatchRunner {
    pub fn new(db: Database, cache: Arc<ImageCache>, public_url: &str) -> Self {
        BatchRunner {
            db,
            cache,
            public_url: public_url.into(),
        }
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

    /// Runs a batch on its own thread if this instance can claim it.
    pub fn spawn(&self, tenant: TenantId, id: CertificateBatchId) {
        let runner = self.clone();
        let spawned = std::thread::Builder::new()
            .name("dar-batch".into())
            .spawn(move || {
                let span = tracing::info_span!("certificate_batch", tenant = %tenant, batch = %id);
                let _entered = span.enter();
                if let Err(e) = runner.run(tenant, id) {
                    tracing::error!(error = %e, "certificate batch stopped");
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a batch thread");
        }
    }

    fn run(&self, tenant: TenantId, id: CertificateBatchId) -> Result<(), StoreError> {
        let mut conn = self.db.conn()?;
        let now = Utc::now();
        if !certificates::claim_batch(&mut conn, &tenant, &id, now - STALE_AFTER, now)? {
            return Ok(());
        }
        let batch = certificates::batch(&mut conn, &tenant, &id)?;
        tracing::info!(
            total = batch.total,
            done = batch.done,
            "certificate batch running"
        );
        let outcome = self.issue_all(&mut conn, &tenant, &id, &batch);
        let error = match &outcome {
            Ok(()) => None,
            Err(e) => Some(e.to_string()),
        };
        certificates::finish_batch(&mut conn, &tenant, &id, error, Utc::now())?;
        let finished = certificates::batch(&mut conn, &tenant, &id)?;
        tracing::info!(
            status = %finished.status,
            done = finished.done,
            total = finished.total,
            "certificate batch finished"
        );
        outcome.map_err(|e| StoreError::Corrupt(e.to_string()))
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
            conn.transaction::<_, ApiError, _>(|conn| {
                let issued = issue(conn, &self.cache, &ctx, &holders)?;
                certificates::advance_batch(conn, tenant, id, issued.len() as i64, last, now)?;
                Ok(())
            })?;
            after = last;
            done += holders.len() as i64;
            tracing::info!(done, total = batch.total, "certificate batch progress");
        }
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

/// A `Write` that hands what is written to an HTTP response body in chunks, from a
/// blocking thread; fails once the client has gone.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Streams a finished batch as a ZIP: one PDF per certificate, rendered from its record a
/// page of certificates at a time, so memory stays flat however large the batch.
pub fn stream_batch_zip(
    db: Database,
    cache: Arc<ImageCache>,
    tenant: TenantId,
    batch: CertificateBatchId,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let span = tracing::Span::current();
    std::thread::spawn(move || {
        let _entered = span.enter();
        let error_tx = tx.clone();
        let writer = ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = write_zip(&db, &cache, &tenant, &batch, writer) {
            tracing::warn!(error = %e, "batch ZIP stream stopped");
            let _ = error_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

fn write_zip(
    db: &Database,
    cache: &ImageCache,
    tenant: &TenantId,
    batch: &CertificateBatchId,
    out: ChannelWriter,
) -> anyhow::Result<()> {
    use zip::write::SimpleFileOptions;
    let mut conn = db.conn()?;
    let mut zip = zip::ZipWriter::new_stream(out);
    // PDFs are compressed already; a fixed timestamp keeps the archive reproducible.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut after = 0;
    loop {
        let rows = certificates::of_batch(&mut conn, tenant, batch, after, SLICE)?;
        let Some(last) = rows.last().map(|r| r.number) else {
            break;
        };
        for row in &rows {
            let pdf = certificate_pdf(&mut conn, cache, row).map_err(|e| anyhow::anyhow!("{e}"))?;
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
