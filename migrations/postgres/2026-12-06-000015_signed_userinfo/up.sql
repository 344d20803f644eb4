-- The algorithm a client wants its UserInfo answers signed with (userinfo_signed_response_alg);
-- NULL: plain JSON.
ALTER TABLE clients ADD COLUMN userinfo_signing_alg TEXT;
