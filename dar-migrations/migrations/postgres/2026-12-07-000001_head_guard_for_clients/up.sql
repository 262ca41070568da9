-- The head guard checks an UPDATE of a tenant's ledger head by a client: the head moves
-- only by appending an entry. The ledger's own insert trigger (trigger depth 1) sets the head
-- to the last entry of the statement it is checking, so the guard's lookup proved nothing
-- there and ran once per tenant of every group; and an UPDATE of other columns (name,
-- address, status) does not move the head at all.
DROP TRIGGER tenants_head_guard ON tenants;
CREATE TRIGGER tenants_head_guard BEFORE UPDATE OF ledger_head_seq, ledger_head_hash ON tenants
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION dar_tenant_head_guard();
