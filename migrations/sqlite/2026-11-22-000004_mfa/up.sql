-- Second factors live beside the password in user_credentials, one row each:
--   totp           secret = the shared key, encrypted under the key-encryption key;
--                  last_step = the last accepted time step (a code is never accepted twice);
--   passkey        secret = the WebAuthn credential (public key, counter) as JSON;
--                  lookup = the credential id, so a passwordless sign-in finds its owner;
--   email_otp, sms_otp  no secret: codes go to the account's verified address or phone;
--   recovery_code  secret = a keyed digest of the code; last_used_at marks it spent.
-- A factor counts once confirmed_at is set (a TOTP key after its first valid code).
ALTER TABLE user_credentials ADD COLUMN confirmed_at BIGINT;
ALTER TABLE user_credentials ADD COLUMN last_step BIGINT;
ALTER TABLE user_credentials ADD COLUMN lookup TEXT;
CREATE UNIQUE INDEX user_credentials_by_lookup ON user_credentials (lookup) WHERE lookup IS NOT NULL;

-- The WebAuthn user handle: random, so it tells an authenticator nothing about the account.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_by_passkey_handle ON users (passkey_handle) WHERE passkey_handle IS NOT NULL;
-- The factor the user used last, offered first next time.
ALTER TABLE users ADD COLUMN preferred_factor TEXT;

-- "Remember this device": until then, a sign-in on the device skips the second factor.
ALTER TABLE devices ADD COLUMN mfa_remembered_until BIGINT;
