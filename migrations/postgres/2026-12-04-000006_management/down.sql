DROP TABLE idempotency_keys;
ALTER TABLE users DROP COLUMN is_instance_admin;
DROP INDEX audit_events_by_studio;
ALTER TABLE audit_events DROP COLUMN user_agent;
ALTER TABLE audit_events DROP COLUMN client_id;
ALTER TABLE audit_events DROP COLUMN studio_id;
