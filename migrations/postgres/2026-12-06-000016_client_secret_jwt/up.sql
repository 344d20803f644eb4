-- client_secret_jwt needs the secret itself to check an HMAC: for the clients registered
-- for it, the secret is kept encrypted under the key-encryption key (besides its digest).
ALTER TABLE clients ADD COLUMN secret_encrypted TEXT;
