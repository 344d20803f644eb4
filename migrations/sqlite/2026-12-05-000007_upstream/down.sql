DROP TABLE upstream_attempts;
DROP TABLE federated_identities;
DROP TABLE upstream_providers;
