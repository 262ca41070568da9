//! The outbox: mails written in the same transaction as the change that causes them, and
//! sent afterwards by a worker that claims them with a lease.
//!
//! Delivery is at least once, not exactly once: a mail is marked sent only after the SMTP
//! server accepted it, so a worker that stops between the two (a crash, a lost database
//! connection) leaves the mail claimed, and once its lease runs out it is sent again. A mail
//! marked sent is never sent again, by this instance or another, after a restart or not.
//! Exactly once would need the mail server to take part in our transaction; instead every
//! attempt of one mail carries the same Message-ID, by which a receiving system can drop a
//! duplicate.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::mail_outbox;
use crate::to_db_time;
use dar_core::ids::TenantId;
use dar_core::types::Language;

/// Why a mail is sent; each kind has its own template in three languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// An invitation to a cooperative or a platform role, with the link to accept it.
    Invitation,
    /// A one-time link to choose a new password.
    PasswordReset,
    /// A shareholder's new certificate, with the link to their page.
    CertificateReady,
    /// An invoice or credit note of the coordinator, its PDF and UBL attached when sent.
    Invoice,
}

impl MailKind {
    pub const ALL: [MailKind; 4] = [
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::CertificateReady,
        MailKind::Invoice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password_reset",
            MailKind::CertificateReady => "certificate_ready",
            MailKind::Invoice => "invoice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a mail is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker until its lease runs out.
    Sending,
    Sent,
    /// Given up: refused for good by the mail server, or out of attempts.
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }
}

/// A rendered mail to enqueue.
pub struct NewMail {
    pub tenant_id: Option<TenantId>,
    pub recipient: String,
    pub language: Language,
    pub kind: MailKind,
    pub subject: String,
    pub body_text: String,
    /// The invoice or credit note a mail of kind [`MailKind::Invoice`] carries.
    pub document_id: Option<String>,
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = mail_outbox)]
pub struct MailRow {
    pub id: String,
    pub tenant_id: Option<String>,
    pub recipient: String,
    pub language: String,
    pub kind: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub document_id: Option<String>,
}

crate::redact::debug_masked!(MailRow {
    shown: [
        id,
        tenant_id,
        language,
        kind,
        status,
        attempts,
        next_attempt_at,
        lease_until,
        sent_at,
        last_error,
        created_at,
        document_id
    ],
    masked: [recipient, subject, body_text],
});

impl MailRow {
    pub fn kind(&self) -> Result<MailKind, StoreError> {
        MailKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("mail kind {:?}", self.kind)))
    }
}

/// Puts a mail in the outbox, due now. Call it on the connection (and inside the
/// transaction) of the change that causes the mail: the two commit together or not at all.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: NewMail,
    now: DateTime<Utc>,
) -> Result<MailRow, StoreError> {
    let now = to_db_time(now);
    let row = MailRow {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: mail.tenant_id.map(|t| t.to_string()),
        recipient: mail.recipient,
        language: mail.language.as_str().to_string(),
        kind: mail.kind.as_str().to_string(),
        subject: mail.subject,
        body_text: mail.body_text,
        status: MailStatus::Pending.as_str().to_string(),
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        sent_at: None,
        last_error: None,
        created_at: now,
        document_id: mail.document_id,
    };
    diesel::insert_into(mail_outbox::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Claims up to `limit` due mails until `lease_until`: pending mails whose next attempt has
/// come, and mails whose earlier claim ran out (its worker stopped before marking them).
/// Each claim is one conditional UPDATE, so two workers never hold the same mail; each
/// counts as an attempt. Runs outside any transaction: a claim must be committed before the
/// mail goes out.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<MailRow>, StoreError> {
    assert!(lease_until > now, "a lease ends after it starts");
    let now_db = to_db_time(now);
    let due = mail_outbox::status
        .eq(MailStatus::Pending.as_str())
        .and(mail_outbox::next_attempt_at.le(now_db))
        .or(mail_outbox::status
            .eq(MailStatus::Sending.as_str())
            .and(mail_outbox::lease_until.le(now_db)));
    let candidates: Vec<String> = mail_outbox::table
        .filter(due)
        .order(mail_outbox::next_attempt_at.asc())
        .select(mail_outbox::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for id in candidates {
        let won = diesel::update(mail_outbox::table.find(&id).filter(due))
            .set((
                mail_outbox::status.eq(MailStatus::Sending.as_str()),
                mail_outbox::lease_until.eq(Some(to_db_time(lease_until))),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            ))
            .execute(conn)?;
        if won == 1 {
            claimed.push(get(conn, &id)?);
        }
    }
    Ok(claimed)
}

/// Marks a claimed mail sent and forgets its body (it holds a one-time link). A mail whose
/// lease was taken over meanwhile is marked all the same: it went out.
pub fn mark_sent(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.ne(MailStatus::Sent.as_str())),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Sent.as_str()),
        mail_outbox::sent_at.eq(Some(to_db_time(now))),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        mail_outbox::body_text.eq(""),
        mail_outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Records a failed attempt of a claimed mail: tried again at `retry_at`, or, with `None`,
/// given up (its body forgotten, like a sent mail's).
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(1000).collect();
    let claimed = mail_outbox::table
        .find(id)
        .filter(mail_outbox::status.eq(MailStatus::Sending.as_str()));
    match retry_at {
        Some(at) => diesel::update(claimed)
            .set((
                mail_outbox::status.eq(MailStatus::Pending.as_str()),
                mail_outbox::next_attempt_at.eq(to_db_time(at)),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
                mail_outbox::last_error.eq(Some(error)),
            ))
            .execute(conn)?,
        None => diesel::update(claimed)
            .set((
                mail_outbox::status.eq(MailStatus::Failed.as_str()),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
                mail_outbox::body_text.eq(""),
                mail_outbox::last_error.eq(Some(error)),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Hands a claimed mail back unsent (its worker is stopping): due again at once, and the
/// claim not counted as an attempt.
pub fn release(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.eq(MailStatus::Sending.as_str())),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Pending.as_str()),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        mail_outbox::attempts.eq(mail_outbox::attempts - 1),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<MailRow, StoreError> {
    Ok(mail_outbox::table
        .find(id)
        .select(MailRow::as_select())
        .first(conn)?)
}

/// The mails to one address, oldest first (for tests and support questions).
pub fn to_recipient(conn: &mut DbConnection, recipient: &str) -> Result<Vec<MailRow>, StoreError> {
    Ok(mail_outbox::table
        .filter(mail_outbox::recipient.eq(recipient))
        .order(mail_outbox::created_at.asc())
        .select(MailRow::as_select())
        .load(conn)?)
}
