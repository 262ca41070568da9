CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, at);
