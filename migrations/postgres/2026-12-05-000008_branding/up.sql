-- Branding of the sign-in pages per studio and per client. Logos live in the database (so
-- every node serves them) under the SHA-256 of their bytes, which is also their address.
CREATE TABLE logos (
    digest TEXT PRIMARY KEY NOT NULL,
    media_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- One row per branded studio or client; `owner` is "studio:<id>" or "client:<id>", and
-- the row goes with its studio or client.
CREATE TABLE brandings (
    owner TEXT PRIMARY KEY NOT NULL,
    studio_id TEXT UNIQUE REFERENCES studios (id) ON DELETE CASCADE,
    client_id TEXT UNIQUE REFERENCES clients (id) ON DELETE CASCADE,
    display_name TEXT,
    accent_color TEXT,
    logo_digest TEXT REFERENCES logos (digest),
    updated_at BIGINT NOT NULL
);
CREATE INDEX brandings_by_logo ON brandings (logo_digest);

-- A client may take registrations on its sign-in page although the instance does not.
ALTER TABLE clients ADD COLUMN allows_registration BOOLEAN NOT NULL DEFAULT FALSE;
