-- The audit log page reads a tenant's events newest first, by action or by actor, a page at
-- a time (ids are UUIDv7, so id order is time order): these keep that fast on a big log.
CREATE INDEX audit_events_tenant_id_idx ON audit_events (tenant_id, id);
CREATE INDEX audit_events_tenant_action_idx ON audit_events (tenant_id, action, id);
CREATE INDEX audit_events_tenant_actor_idx ON audit_events (tenant_id, actor_user_id, id);
