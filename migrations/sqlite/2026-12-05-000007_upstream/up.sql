-- Upstream identity providers Gatehouse signs people in with (Google, Microsoft, Facebook,
-- X, any OpenID Connect or OAuth2 provider). The client secret is sealed under the
-- key-encryption key, like signing keys.
CREATE TABLE upstream_providers (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    sealed_client_secret TEXT,
    issuer TEXT,
    endpoints TEXT NOT NULL,
    scopes TEXT NOT NULL,
    claims TEXT NOT NULL,
    email_trusted BOOLEAN NOT NULL,
    button_order INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- An account's identities at upstream providers: the provider's stable subject links to
-- one account.
CREATE TABLE federated_identities (
    provider_id TEXT NOT NULL REFERENCES upstream_providers (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (provider_id, subject)
);
CREATE INDEX federated_identities_by_user ON federated_identities (user_id);
CREATE UNIQUE INDEX federated_identities_one_per_provider ON federated_identities (user_id, provider_id);

-- A sign-in sent to an upstream provider and waiting for its answer. Keyed by the digest of
-- the `state` parameter; the nonce, PKCE verifier and where to go on are sealed.
CREATE TABLE upstream_attempts (
    state_digest TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX upstream_attempts_by_expiry ON upstream_attempts (expires_at);
