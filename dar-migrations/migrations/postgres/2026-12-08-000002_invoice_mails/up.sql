-- Invoices and credit notes are mailed to the cooperative's billing address through the
-- outbox: a mail of kind `invoice` names its document, whose PDF and UBL the worker attaches
-- when it sends (documents are reproducible, so every attempt carries the same files).
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
    CHECK (kind IN ('invitation', 'password_reset', 'certificate_ready', 'invoice'));
ALTER TABLE mail_outbox ADD COLUMN document_id TEXT REFERENCES billing_documents (id);
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_invoice_document
    CHECK ((kind = 'invoice') = (document_id IS NOT NULL));
