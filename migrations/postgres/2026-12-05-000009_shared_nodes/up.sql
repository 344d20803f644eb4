-- Back-off after failed sign-ins, second factors and code requests, shared by every node:
-- one row per counter. An attempt locks its rows, checks and counts in one transaction,
-- so parallel attempts on any number of nodes are counted one after the other.
CREATE TABLE backoff (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure BIGINT NOT NULL
);
CREATE INDEX backoff_last_failure ON backoff (last_failure);

-- Background work that one node at a time does (purges, scheduled key rotation): the node
-- holding an unexpired lease does it.
CREATE TABLE leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
