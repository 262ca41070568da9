DELETE FROM mail_outbox WHERE kind = 'invoice';
CREATE TABLE mail_outbox_new (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT REFERENCES tenants (id),
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en')),
    kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'password_reset', 'certificate_ready')),
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    sent_at         TIMESTAMP,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO mail_outbox_new (id, tenant_id, recipient, language, kind, subject, body_text, status, attempts, next_attempt_at, lease_until, sent_at, last_error, created_at) SELECT id, tenant_id, recipient, language, kind, subject, body_text, status, attempts, next_attempt_at, lease_until, sent_at, last_error, created_at FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
