-- Studios (organisations, licences), memberships with roles, registered devices,
-- back-channel logout, DPoP, and the outbox that delivers messages reliably.

CREATE TABLE studios (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    licence_number TEXT UNIQUE,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Roles are data: each studio has its own, with the permissions they grant.
CREATE TABLE studio_roles (
    studio_id TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    permissions TEXT NOT NULL,
    PRIMARY KEY (studio_id, name)
);

CREATE TABLE memberships (
    studio_id TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles TEXT NOT NULL,
    username TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (studio_id, user_id)
);
CREATE UNIQUE INDEX memberships_one_username ON memberships (studio_id, username) WHERE username IS NOT NULL;
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL,
    name TEXT NOT NULL,
    user_agent TEXT,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX devices_one_per_browser ON devices (user_id, token_digest);

ALTER TABLE users ADD COLUMN last_studio_id TEXT;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;

ALTER TABLE sessions ADD COLUMN studio_id TEXT;
ALTER TABLE sessions ADD COLUMN device_id TEXT;
CREATE INDEX sessions_by_device ON sessions (device_id);

ALTER TABLE authorization_codes ADD COLUMN studio_id TEXT;
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;

ALTER TABLE grants ADD COLUMN studio_id TEXT;
ALTER TABLE grants ADD COLUMN device_id TEXT;
ALTER TABLE grants ADD COLUMN dpop_jkt TEXT;
CREATE INDEX grants_by_device ON grants (device_id);

ALTER TABLE clients ADD COLUMN allowed_studios TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN require_studio BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;

-- Messages to deliver (back-channel logout now; e-mail and SMS later), written in the same
-- transaction as the change that causes them.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    delivered_at BIGINT,
    failed_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, failed_at, next_attempt_at);

-- DPoP proof ids seen recently (RFC 9449 §11.1 replay protection).
CREATE TABLE dpop_proofs (
    jti_digest TEXT PRIMARY KEY NOT NULL,
    expires_at BIGINT NOT NULL
);
