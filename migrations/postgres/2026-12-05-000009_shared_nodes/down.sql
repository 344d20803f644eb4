DROP TABLE leases;
DROP TABLE backoff;
