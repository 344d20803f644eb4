-- Accounts: profile fields, closure, one-time codes and links, password history, audit log.

ALTER TABLE users ADD COLUMN trade_name TEXT;
ALTER TABLE users ADD COLUMN country TEXT;
ALTER TABLE users ADD COLUMN city TEXT;
ALTER TABLE users ADD COLUMN date_of_birth TEXT;
ALTER TABLE users ADD COLUMN company TEXT;
ALTER TABLE users ADD COLUMN job_title TEXT;
ALTER TABLE users ADD COLUMN closed_at BIGINT;
CREATE INDEX users_by_phone ON users (phone_number);
CREATE INDEX users_by_closure ON users (status, closed_at);

-- Codes and links that prove control of an address or phone. Only digests are stored:
-- link tokens as SHA-256, short codes as HMAC under an instance key. A request without an
-- account (user_id NULL) looks the same from outside, so nothing reveals which exist.
CREATE TABLE verification_codes (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    target TEXT,
    request_digest TEXT NOT NULL UNIQUE,
    link_digest TEXT UNIQUE,
    code_digest TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT
);
CREATE INDEX verification_codes_by_user ON verification_codes (user_id, purpose);
CREATE INDEX verification_codes_by_expiry ON verification_codes (expires_at);

CREATE TABLE password_history (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, created_at);

-- What happened to accounts. When an account is purged its rows keep only a pseudonym
-- (a keyed hash of the user id) and no personal data.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    occurred_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    subject TEXT NOT NULL,
    actor TEXT,
    ip_address TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_by_user ON audit_events (user_id);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
