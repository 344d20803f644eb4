-- Webhooks: audit events posted, signed, to URLs an administrator registered for the whole
-- instance (studio_id NULL) or for one studio. The secret is encrypted under the
-- key-encryption key, because Gatehouse must sign with it.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    studio_id TEXT REFERENCES studios (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_studio ON webhooks (studio_id);

-- A delivery is an outbox message that names its webhook, so the webhook's deliveries
-- (and its dead letters) can be listed.
ALTER TABLE outbox ADD COLUMN webhook_id TEXT;
CREATE INDEX outbox_webhook ON outbox (webhook_id, created_at);
