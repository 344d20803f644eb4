ALTER TABLE clients DROP COLUMN userinfo_signing_alg;
