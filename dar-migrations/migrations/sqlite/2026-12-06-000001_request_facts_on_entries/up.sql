-- A request's Idempotency-Key record and its audit event live on the last entry it posted
-- (its closing entry) instead of in two more rows; see the PostgreSQL migration of the same
-- name. Keys and events recorded before it stay where they are and are still read.
ALTER TABLE ledger_entries ADD COLUMN request_entries INTEGER CHECK (request_entries BETWEEN 1 AND seq);
ALTER TABLE ledger_entries ADD COLUMN request_hash TEXT
    CHECK (request_hash IS NULL OR (idempotency_key IS NOT NULL AND request_entries IS NOT NULL));
ALTER TABLE ledger_entries ADD COLUMN request_id TEXT;
ALTER TABLE ledger_entries ADD COLUMN audit TEXT CHECK (audit IS NULL OR request_entries IS NOT NULL);

CREATE UNIQUE INDEX ledger_entries_request_key ON ledger_entries (tenant_id, idempotency_key)
    WHERE request_hash IS NOT NULL;
CREATE INDEX ledger_entries_audited ON ledger_entries (tenant_id, id) WHERE audit IS NOT NULL;
