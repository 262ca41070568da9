DROP INDEX ledger_entries_audited;
DROP INDEX ledger_entries_request_key;
ALTER TABLE ledger_entries DROP COLUMN audit, DROP COLUMN request_id, DROP COLUMN request_hash,
    DROP COLUMN request_entries;
