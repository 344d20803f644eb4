ALTER TABLE devices DROP COLUMN mfa_remembered_until;
ALTER TABLE users DROP COLUMN preferred_factor;
DROP INDEX users_by_passkey_handle;
ALTER TABLE users DROP COLUMN passkey_handle;
DROP INDEX user_credentials_by_lookup;
ALTER TABLE user_credentials DROP COLUMN lookup;
ALTER TABLE user_credentials DROP COLUMN last_step;
ALTER TABLE user_credentials DROP COLUMN confirmed_at;
