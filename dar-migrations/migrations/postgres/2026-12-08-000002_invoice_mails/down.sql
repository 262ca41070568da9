DELETE FROM mail_outbox WHERE kind = 'invoice';
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_invoice_document;
ALTER TABLE mail_outbox DROP COLUMN document_id;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
    CHECK (kind IN ('invitation', 'password_reset', 'certificate_ready'));
