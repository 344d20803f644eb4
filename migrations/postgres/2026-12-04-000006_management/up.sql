-- The audit log answers "who did what, where": the studio and client an event concerns and
-- the caller's user agent; studio admins read it by studio.
ALTER TABLE audit_events ADD COLUMN studio_id TEXT;
ALTER TABLE audit_events ADD COLUMN client_id TEXT;
ALTER TABLE audit_events ADD COLUMN user_agent TEXT;
CREATE INDEX audit_events_by_studio ON audit_events (studio_id);

-- Instance administrators act everywhere through the management API.
ALTER TABLE users ADD COLUMN is_instance_admin BOOLEAN NOT NULL DEFAULT FALSE;

-- The first answer to a creating API request sent with an Idempotency-Key: a replay gets it
-- again instead of creating twice. A row with status 0 is a request still being answered.
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    key TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (principal, key)
);
