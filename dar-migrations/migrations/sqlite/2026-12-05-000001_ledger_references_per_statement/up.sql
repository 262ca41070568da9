-- Holders and share classes are never deleted and never given another key, as on
-- PostgreSQL, where the ledger's insert trigger checks an entry's class and holders once
-- per statement and relies on this. SQLite keeps the ledger's foreign keys as well: it
-- checks them in the same pass as the row, without the per-row trigger and row lock they
-- cost on PostgreSQL.
CREATE TRIGGER shareholders_kept BEFORE DELETE ON shareholders
BEGIN
    SELECT RAISE(ABORT, 'dar:append_only: rows of shareholders are never deleted or given another key');
END;
CREATE TRIGGER shareholders_key_kept BEFORE UPDATE OF tenant_id, id ON shareholders
WHEN NEW.tenant_id IS NOT OLD.tenant_id OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'dar:append_only: rows of shareholders are never deleted or given another key');
END;
CREATE TRIGGER share_classes_kept BEFORE DELETE ON share_classes
BEGIN
    SELECT RAISE(ABORT, 'dar:append_only: rows of share_classes are never deleted or given another key');
END;
CREATE TRIGGER share_classes_key_kept BEFORE UPDATE OF tenant_id, id ON share_classes
WHEN NEW.tenant_id IS NOT OLD.tenant_id OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'dar:append_only: rows of share_classes are never deleted or given another key');
END;
