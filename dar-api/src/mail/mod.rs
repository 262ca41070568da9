//! E-mail: mails are rendered and put in the outbox (`dar_db::mail`) inside the transaction
//! of the change that causes them, and a worker thread started with the app sends them.
//!
//! The worker claims due mails with a lease, sends each, and marks it sent; a failed send
//! is tried again after a wait that doubles each time, up to a number of attempts; a mail
//! the server refuses for good is given up at once. Delivery is at least once: see
//! `dar_db::mail` for the one case where a mail goes out twice, and why.

pub mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};

use crate::config::{MailSettings, Settings};
use crate::error::ApiResult;
use dar_core::ids::TenantId;
use dar_core::types::{Language, Role};
use dar_db::mail::{MailKind, MailRow, NewMail};
use dar_db::{Database, DbConnection, StoreError};
use transport::{SendError, Transport};

/// Mails claimed in one pass of the worker; bounds how long a pass holds its leases.
const BATCH: i64 = 20;

/// Checks the mail settings at start, so a bad sender address stops `dar` at once rather
/// than failing every mail later.
pub fn check_settings(settings: &MailSettings) -> anyhow::Result<()> {
    settings.from.parse::<Mailbox>().with_context(|| {
        format!(
            "DAR_MAIL_FROM is not an e-mail address: {:?}",
            settings.from
        )
    })?;
    assert!(settings.attempts_max >= 1, "at least one attempt");
    assert!(
        settings.lease > Duration::from_secs(1),
        "a lease outlasts a send"
    );
    Ok(())
}

/// The handle of the outbox worker: wakes it when a mail was just committed, stops it.
#[derive(Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
    worker: Arc<Worker>,
}

struct Shared {
    /// Taken (and so closed) to stop the worker.
    wake: Mutex<Option<SyncSender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// What one pass of the worker did.
struct Pass {
    claimed: usize,
    sent: usize,
}

struct Worker {
    db: Database,
    transport: Box<dyn Transport>,
    from: Mailbox,
    settings: MailSettings,
    stopping: AtomicBool,
}

impl Outbox {
    /// Starts the worker thread. It runs until [`Outbox::stop`], or until every handle is
    /// dropped.
    pub fn start(db: Database, settings: &MailSettings) -> anyhow::Result<Outbox> {
        check_settings(settings)?;
        let transport = transport::from_settings(&settings.transport)?;
        tracing::info!(mail.to = %transport.describe(), "mails are sent to {}", transport.describe());
        let worker = Arc::new(Worker {
            db,
            transport,
            from: settings.from.parse()?,
            settings: settings.clone(),
            stopping: AtomicBool::new(false),
        });
        // One slot: wake-ups that arrive while the worker is busy fold into one more pass.
        let (wake, woken) = std::sync::mpsc::sync_channel(1);
        let runner = worker.clone();
        let thread = std::thread::Builder::new()
            .name("dar-mail".into())
            .spawn(move || runner.run(woken))
            .context("starting the mail worker")?;
        Ok(Outbox {
            shared: Arc::new(Shared {
                wake: Mutex::new(Some(wake)),
                thread: Mutex::new(Some(thread)),
            }),
            worker,
        })
    }

    /// Tells the worker a mail was committed, so it goes out now rather than at the next
    /// poll. Call it after the transaction that enqueued the mail committed.
    pub fn wake(&self) {
        if let Some(wake) = self
            .shared
            .wake
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            match wake.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) => {}
                Err(TrySendError::Disconnected(())) => {
                    tracing::error!("the mail worker has stopped; mails wait for a restart");
                }
            }
        }
    }

    /// Stops the worker after the mail it is sending, and waits for it (blocking).
    pub fn stop(&self) {
        self.worker.stopping.store(true, Ordering::Release);
        drop(
            self.shared
                .wake
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
        let thread = self
            .shared
            .thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            tracing::error!("the mail worker panicked");
        }
    }

    /// One pass now, on the caller's thread: claims the due mails and sends them; returns
    /// how many were sent. The worker does the same by itself; this is for tests and tools.
    pub fn deliver_due(&self) -> Result<usize, StoreError> {
        Ok(self.worker.deliver_due()?.sent)
    }
}

impl Worker {
    fn run(&self, woken: Receiver<()>) {
        loop {
            if self.stopping.load(Ordering::Acquire) {
                return;
            }
            match self.deliver_due() {
                // A full batch: more may be due right now.
                Ok(pass) if pass.claimed as i64 >= BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the mail worker could not read the outbox"),
            }
            match woken.recv_timeout(self.settings.poll) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Claims the due mails and tries each once.
    fn deliver_due(&self) -> Result<Pass, StoreError> {
        let mut conn = self.db.conn()?;
        let pass = self.deliver_due_on(&mut conn);
        if pass.is_err() {
            // Checked before it goes back to the pool, as a request's connection is.
            conn.mark_suspect();
        }
        pass
    }

    fn deliver_due_on(&self, conn: &mut DbConnection) -> Result<Pass, StoreError> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(self.settings.lease)
            .unwrap_or_else(|_| chrono::Duration::minutes(5));
        let claimed = dar_db::mail::claim_due(conn, now, now + lease, BATCH)?;
        let mut pass = Pass {
            claimed: claimed.len(),
            sent: 0,
        };
        for mail in &claimed {
            if self.stopping.load(Ordering::Acquire) {
                // Handed back rather than left to wait for its lease.
                dar_db::mail::release(conn, &mail.id)?;
                continue;
            }
            pass.sent += usize::from(self.deliver(conn, mail)?);
        }
        Ok(pass)
    }

    /// Sends one claimed mail and records the outcome; whether it went out. An error is the
    /// database's: the outcome is not recorded, and the mail goes out again (if it went out)
    /// or is tried again when its lease ends.
    fn deliver(&self, conn: &mut DbConnection, mail: &MailRow) -> Result<bool, StoreError> {
        let span = tracing::info_span!("mail", mail.id = %mail.id, mail.kind = %mail.kind, mail.attempt = mail.attempts);
        let _entered = span.enter();
        let outcome = self
            .message(conn, mail)
            .and_then(|message| self.transport.send(&message));
        let now = Utc::now();
        match outcome {
            Ok(()) => {
                dar_db::mail::mark_sent(conn, &mail.id, now).inspect_err(|e| {
                    tracing::error!(error = %e, "mail sent, but not marked sent: it goes out again when its lease ends");
                })?;
                tracing::info!("mail sent");
                Ok(true)
            }
            Err(SendError::Permanent(e)) => {
                tracing::error!(error = %e, "mail refused for good; given up");
                dar_db::mail::mark_failed(conn, &mail.id, &e, None)?;
                Ok(false)
            }
            Err(SendError::Transient(e)) if mail.attempts >= self.settings.attempts_max as i32 => {
                tracing::error!(error = %e, attempts = mail.attempts, "mail not sent after its last attempt; given up");
                dar_db::mail::mark_failed(conn, &mail.id, &e, None)?;
                Ok(false)
            }
            Err(SendError::Transient(e)) => {
                let wait = self.backoff(mail.attempts);
                tracing::warn!(error = %e, retry_in_ms = wait.num_milliseconds(), "mail not sent; tried again later");
                dar_db::mail::mark_failed(conn, &mail.id, &e, Some(now + wait))?;
                Ok(false)
            }
        }
    }

    /// The wait after the `attempts`-th failed attempt: the first wait, doubled for each
    /// further attempt, at most the longest wait.
    fn backoff(&self, attempts: i32) -> chrono::Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        let wait = self
            .settings
            .retry_first
            .saturating_mul(1 << doublings)
            .min(self.settings.retry_max);
        chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(1))
    }

    /// The message as it goes out. Every attempt of one mail has the same Message-ID, by
    /// which a receiving system can recognise a mail sent twice (see `dar_db::mail`). An
    /// invoice mail carries its document's PDF and UBL, made again from the stored document
    /// (the same bytes every time).
    fn message(&self, conn: &mut DbConnection, mail: &MailRow) -> Result<Message, SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("the recipient's address: {e}")))?;
        let domain = self.from.email.domain().to_string();
        let body = Body::new_with_encoding(
            mail.body_text.clone(),
            ContentTransferEncoding::QuotedPrintable,
        )
        .map_err(|_| SendError::Permanent("the body cannot be encoded".into()))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", mail.id)));
        let built = match &mail.document_id {
            None => builder.header(ContentType::TEXT_PLAIN).body(body),
            Some(document) => {
                let (pdf, ubl, number) = invoice_files(conn, document)?;
                let text = SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(body);
                let attach = |name: String, media: &str, bytes: Vec<u8>| {
                    let media = ContentType::parse(media).expect("a valid media type");
                    Attachment::new(name).body(bytes, media)
                };
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(text)
                        .singlepart(attach(format!("{number}.pdf"), "application/pdf", pdf))
                        .singlepart(attach(format!("{number}.xml"), "application/xml", ubl)),
                )
            }
        };
        built.map_err(|e| SendError::Permanent(format!("building the mail: {e}")))
    }
}

/// An issued document's PDF and UBL, and its number. A database error is worth another
/// attempt; a document that cannot be made is not.
fn invoice_files(
    conn: &mut DbConnection,
    id: &str,
) -> Result<(Vec<u8>, Vec<u8>, String), SendError> {
    let document = dar_db::billing::documents::get(conn, id)
        .map_err(|e| SendError::Transient(format!("reading document {id}: {e}")))?;
    let content = crate::billing::content(conn, &document)
        .map_err(|e| SendError::Permanent(format!("document {id}: {e}")))?;
    let pdf = dar_documents::invoice(&content)
        .map_err(|e| SendError::Permanent(format!("the PDF of {}: {e}", content.number)))?;
    Ok((
        pdf,
        dar_documents::ubl(&content).into_bytes(),
        content.number,
    ))
}

/// The link to a page of DAR, from the configured public URL.
fn link(public_url: &str, path: &str) -> String {
    debug_assert!(path.starts_with('/'));
    format!("{public_url}{path}")
}

/// An invitation to enqueue.
pub struct InvitationMail<'a> {
    pub to: &'a str,
    pub lang: Language,
    /// The cooperative (id and name); `None` for a platform role.
    pub cooperative: Option<(&'a TenantId, &'a str)>,
    pub role: Role,
    pub token: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Puts an invitation mail in the outbox, on the caller's connection and transaction.
pub fn enqueue_invitation(
    conn: &mut DbConnection,
    settings: &Settings,
    m: &InvitationMail,
    now: DateTime<Utc>,
) -> ApiResult<MailRow> {
    let rendered = dar_web::mail::invitation(
        m.lang,
        &dar_web::mail::Invitation {
            cooperative: m.cooperative.map(|(_, name)| name),
            role: m.role,
            link: &link(&settings.public_url, &format!("/invitations/{}", m.token)),
            // The last whole day it works, as a Belgian reader counts days.
            valid_until: dar_core::time::brussels_date(m.expires_at - chrono::Duration::seconds(1)),
        },
    );
    enqueue(
        conn,
        NewMail {
            tenant_id: m.cooperative.map(|(id, _)| *id),
            recipient: m.to.to_string(),
            language: m.lang,
            kind: MailKind::Invitation,
            subject: rendered.subject,
            body_text: rendered.body,
            document_id: None,
        },
        now,
    )
}

/// Puts a password reset mail in the outbox.
pub fn enqueue_password_reset(
    conn: &mut DbConnection,
    settings: &Settings,
    to: &str,
    lang: Language,
    token: &str,
    valid: chrono::Duration,
    now: DateTime<Utc>,
) -> ApiResult<MailRow> {
    let rendered = dar_web::mail::password_reset(
        lang,
        &dar_web::mail::PasswordReset {
            link: &link(&settings.public_url, &format!("/password/reset/{token}")),
            valid_minutes: valid.num_minutes(),
        },
    );
    enqueue(
        conn,
        NewMail {
            tenant_id: None,
            recipient: to.to_string(),
            language: lang,
            kind: MailKind::PasswordReset,
            subject: rendered.subject,
            body_text: rendered.body,
            document_id: None,
        },
        now,
    )
}

/// Announces newly issued certificates ("your certificate is ready") to the portal accounts
/// of their holders, on the issuing transaction, in each certificate's language. A holder
/// without a portal account gets no mail: the link leads to a page only an account opens.
/// Returns how many mails were queued.
pub fn enqueue_certificates_ready(
    conn: &mut DbConnection,
    public_url: &str,
    tenant: &TenantId,
    issued: &[dar_db::certificates::CertificateRow],
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    let holders: Vec<String> = issued.iter().map(|c| c.shareholder_id.clone()).collect();
    let accounts = dar_db::users::holder_accounts(conn, tenant, &holders)?;
    if accounts.is_empty() {
        return Ok(0);
    }
    let cooperative = dar_db::tenants::get(conn, tenant)?;
    let link = link(public_url, &format!("/c/{}/me", cooperative.slug));
    let mut queued = 0;
    for certificate in issued {
        let lang = Language::parse(&certificate.language).unwrap_or(Language::Nl);
        let rendered = dar_web::mail::certificate_ready(
            lang,
            &dar_web::mail::CertificateReady {
                cooperative: &cooperative.legal_name,
                number: certificate.number,
                link: &link,
            },
        );
        for (_, email) in accounts
            .iter()
            .filter(|(holder, _)| *holder == certificate.shareholder_id)
        {
            enqueue(
                conn,
                NewMail {
                    tenant_id: Some(*tenant),
                    recipient: email.clone(),
                    language: lang,
                    kind: MailKind::CertificateReady,
                    subject: rendered.subject.clone(),
                    body_text: rendered.body.clone(),
                    document_id: None,
                },
                now,
            )?;
            queued += 1;
        }
    }
    Ok(queued)
}

fn enqueue(conn: &mut DbConnection, mail: NewMail, now: DateTime<Utc>) -> ApiResult<MailRow> {
    let row = dar_db::mail::enqueue(conn, mail, now)?;
    tracing::info!(mail.id = %row.id, mail.kind = %row.kind, "mail queued");
    Ok(row)
}
