-- A request's Idempotency-Key record and its audit event live on the last entry it posted
-- (its closing entry) instead of in two more rows: a transfer wrote three rows (entry, key,
-- event) with eight index entries and two foreign-key checks, and now writes one. The entries
-- of a request are consecutive, so the closing entry's `seq` and `request_entries` name
-- them all. Keys and events recorded before this migration stay where they are and are
-- still read (`idempotency_keys`, `audit_events`).
ALTER TABLE ledger_entries
    ADD COLUMN request_entries INTEGER CHECK (request_entries BETWEEN 1 AND seq),
    -- Digest of the request body, when it came with an Idempotency-Key.
    ADD COLUMN request_hash TEXT CHECK (request_hash IS NULL OR (idempotency_key IS NOT NULL AND request_entries IS NOT NULL)),
    ADD COLUMN request_id TEXT,
    -- The audit event's other facts as JSON (action, role, source address, support
    -- session, details); the actor and the time are the entry's own.
    ADD COLUMN audit TEXT CHECK (audit IS NULL OR request_entries IS NOT NULL);

-- One request per Idempotency-Key and cooperative, as the key table's primary key said.
CREATE UNIQUE INDEX ledger_entries_request_key ON ledger_entries (tenant_id, idempotency_key)
    WHERE request_hash IS NOT NULL;
-- The audit log reads a cooperative's events newest first. A search for one actor's events
-- walks this index too: an index per actor cost 5 % of the transfers per second.
CREATE INDEX ledger_entries_audited ON ledger_entries (tenant_id, id) WHERE audit IS NOT NULL;
