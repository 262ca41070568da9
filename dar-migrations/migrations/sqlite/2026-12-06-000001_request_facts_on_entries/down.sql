DROP INDEX ledger_entries_audited;
DROP INDEX ledger_entries_request_key;
ALTER TABLE ledger_entries DROP COLUMN audit;
ALTER TABLE ledger_entries DROP COLUMN request_id;
ALTER TABLE ledger_entries DROP COLUMN request_hash;
ALTER TABLE ledger_entries DROP COLUMN request_entries;
