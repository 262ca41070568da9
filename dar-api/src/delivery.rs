//! How an issued invoice or credit note reaches the cooperative: one trait, so that sending
//! through a Peppol access point is an adapter beside the built-in one, which e-mails the
//! PDF and the UBL to the cooperative's billing address through the outbox.

use chrono::Utc;

use crate::error::ApiResult;
use dar_core::billing::DocumentKind;
use dar_core::identifiers::{Iban, StructuredCommunication};
use dar_db::DbConnection;
use dar_db::billing::documents::Document;
use dar_db::mail::{MailKind, NewMail};

/// Sends issued documents on their way.
pub trait InvoiceDelivery: Send + Sync {
    /// Starts the delivery of `document` on the caller's transaction, so a document and its
    /// delivery commit together or not at all; returns where it goes, for the audit event.
    fn deliver(&self, conn: &mut DbConnection, document: &Document) -> ApiResult<String>;
}

/// The built-in delivery: a mail to the billing address in the outbox; the outbox worker
/// attaches the PDF and the UBL when it sends (see `crate::mail`).
pub struct MailDelivery;

impl InvoiceDelivery for MailDelivery {
    fn deliver(&self, conn: &mut DbConnection, document: &Document) -> ApiResult<String> {
        let row = &document.row;
        let buyer = row.buyer()?;
        let seller = row.seller()?;
        let Some(to) = buyer.email.clone() else {
            return Ok("nowhere: the buyer has no e-mail address".into());
        };
        let lang = row.language();
        let communication = row
            .structured_communication
            .as_deref()
            .and_then(|c| StructuredCommunication::parse(c).ok())
            .map(|c| c.to_string());
        let iban = seller
            .iban
            .as_deref()
            .and_then(|i| Iban::parse(i).ok())
            .map(|i| i.formatted());
        let rendered = dar_web::mail::invoice_sent(
            lang,
            &dar_web::mail::InvoiceSent {
                credit_note: row.kind()? == DocumentKind::CreditNote,
                number: &row.number,
                seller: &seller.name,
                total: &dar_web::i18n::money(lang, row.gross_cents),
                due_date: row.due_date,
                communication: communication.as_deref(),
                iban: iban.as_deref(),
            },
        );
        let mail = dar_db::mail::enqueue(
            conn,
            NewMail {
                tenant_id: row.tenant_id.parse().ok(),
                recipient: to.clone(),
                language: lang,
                kind: MailKind::Invoice,
                subject: rendered.subject,
                body_text: rendered.body,
                document_id: Some(row.id.clone()),
            },
            Utc::now(),
        )?;
        tracing::info!(mail.id = %mail.id, document = %row.number, "invoice mail queued");
        Ok(format!("e-mail to {to}"))
    }
}
