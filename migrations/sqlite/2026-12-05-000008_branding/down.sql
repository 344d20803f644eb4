ALTER TABLE clients DROP COLUMN allows_registration;
DROP TABLE brandings;
DROP TABLE logos;
