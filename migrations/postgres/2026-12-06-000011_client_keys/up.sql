-- Keys a client authenticates with (private_key_jwt, RFC 7523): a JWK Set given at
-- registration, or the URL the client publishes its keys at.
ALTER TABLE clients ADD COLUMN jwks TEXT;
ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
