-- Mails waiting to be sent, and sent ones. A mail is written in the same transaction as the
-- change that causes it (an invitation, a password reset), so it is never lost; a worker
-- claims due mails with a lease, sends them and marks them sent. The body holds a one-time
-- link, so it is emptied once the mail is sent or given up.
CREATE TABLE mail_outbox (
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
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- One-time links to set a new password. Only the token's SHA-256 is kept; a link expires
-- and works once.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
