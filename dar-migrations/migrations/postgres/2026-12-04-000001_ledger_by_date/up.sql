-- The ledger in the order its movements take effect (date, then sequence), read a page at a
-- time by the Open Cap Format export, whose lots must be followed in that order.
CREATE INDEX ledger_entries_by_date ON ledger_entries (tenant_id, movement_date, seq);
