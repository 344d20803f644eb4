-- Clients held to the FAPI 2.0 Security Profile: pushed requests, PKCE, private_key_jwt and
-- DPoP-bound tokens, short-lived codes.
ALTER TABLE clients ADD COLUMN fapi BOOLEAN NOT NULL DEFAULT FALSE;
