-- Pushed authorization requests (RFC 9126): the parameters a client posted to /par, kept
-- under the digest of the request_uri it was given, until used once or expired.
CREATE TABLE pushed_requests (
    uri_digest TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    parameters TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pushed_requests_expiry ON pushed_requests (expires_at);

-- Clients that must push their authorization requests.
ALTER TABLE clients ADD COLUMN require_pushed_requests BOOLEAN NOT NULL DEFAULT FALSE;
