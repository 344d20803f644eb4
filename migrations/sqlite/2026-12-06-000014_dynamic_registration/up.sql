-- Dynamic client registration (RFC 7591 / 7592). An administrator issues initial access
-- tokens, each good for one registration; a registered client gets a registration access
-- token to read or delete its registration. Both are kept as digests.
CREATE TABLE initial_access_tokens (
    token_digest TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE TABLE client_registrations (
    client_id TEXT PRIMARY KEY NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL
);
