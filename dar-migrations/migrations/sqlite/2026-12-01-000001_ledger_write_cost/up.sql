-- Every posted request writes an audit event, and each index on audit_events is one more
-- write per request. The audit log is read by (tenant_id, id) (ids are UUIDv7, so that is
-- time order), by action and by actor; nothing reads it by (tenant_id, at).
DROP INDEX audit_events_tenant_idx;
