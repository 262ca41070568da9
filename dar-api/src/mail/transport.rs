//! Where a mail goes once the outbox lets it out: an SMTP server, or (without one) a folder
//! of `.eml` files. Both take the same built message, so what the folder holds is exactly
//! what SMTP would have carried.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::Message;

use crate::config::MailTransport;

/// Why a send failed, as far as retrying goes.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth another attempt later: the server was unreachable or answered 4xx.
    #[error("{0}")]
    Transient(String),
    /// Never worth another attempt: the server refused the mail for good (5xx), or the
    /// address cannot be written as one.
    #[error("{0}")]
    Permanent(String),
}

/// Hands a built message over; `Ok` means it is out of DAR's hands.
pub trait Transport: Send + Sync {
    fn send(&self, message: &Message) -> Result<(), SendError>;
    /// Where mails go, for the log line at start (no password).
    fn describe(&self) -> String;
}

/// How long one SMTP conversation may take; the outbox's lease is longer.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Smtp {
    inner: lettre::SmtpTransport,
    host: String,
}

impl Smtp {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let inner = lettre::SmtpTransport::from_url(url)
            .context("DAR_SMTP_URL is not an SMTP URL (smtp://host:port, smtps://user:pass@host)")?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Smtp {
            inner,
            host: dar_db::connection::without_password(url),
        })
    }
}

impl Transport for Smtp {
    fn send(&self, message: &Message) -> Result<(), SendError> {
        use lettre::Transport as _;
        match self.inner.send(message) {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(error_chain(&e))),
            Err(e) => Err(SendError::Transient(error_chain(&e))),
        }
    }

    fn describe(&self) -> String {
        format!("SMTP server {}", self.host)
    }
}

/// lettre's error with its causes (a refused connection says why only in its source).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Without an SMTP server: every mail is written to a folder as an `.eml` file, which any
/// mail program opens, and the file is named in the log.
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    /// A folder that cannot be made now does not stop `dar` (an installation that sends by
    /// SMTP in production may never need it): its mails wait in the outbox, tried again,
    /// and each failure is logged.
    pub fn new(dir: PathBuf) -> Self {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            tracing::warn!(error = %e, mail.folder = %dir.display(), "the mail folder cannot be made; mails wait in the outbox until it can");
        }
        Folder { dir }
    }
}

impl Transport for Folder {
    fn send(&self, message: &Message) -> Result<(), SendError> {
        let id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or("")
            .trim_matches(|c| c == '<' || c == '>')
            .split('@')
            .next()
            .unwrap_or("")
            .to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SendError::Permanent(
                "the mail has no usable Message-ID".into(),
            ));
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            SendError::Transient(format!(
                "making the mail folder {}: {e}",
                self.dir.display()
            ))
        })?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let path = self.dir.join(format!("{stamp}-{id}.eml"));
        // Written beside and renamed, so a reader of the folder never sees half a mail.
        let partial = self.dir.join(format!(".{id}.eml.partial"));
        std::fs::write(&partial, message.formatted())
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| SendError::Transient(format!("writing {}: {e}", path.display())))?;
        tracing::info!(mail.file = %path.display(), "mail written to the mail folder (no SMTP server configured)");
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "the folder {} (no SMTP server configured)",
            self.dir.display()
        )
    }
}

/// The transport the settings name.
pub fn from_settings(transport: &MailTransport) -> anyhow::Result<Box<dyn Transport>> {
    Ok(match transport {
        MailTransport::Smtp(url) => Box::new(Smtp::new(&url.0)?),
        MailTransport::Folder(dir) => Box::new(Folder::new(dir.clone())),
    })
}
