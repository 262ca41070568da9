DROP TRIGGER tenants_head_guard ON tenants;
CREATE TRIGGER tenants_head_guard BEFORE UPDATE ON tenants
    FOR EACH ROW EXECUTE FUNCTION dar_tenant_head_guard();
