-- Counters of limited actions (codes sent from the account pages, text messages sent by the
-- instance), one row per key and window. A count is taken with one conditional upsert, so
-- parallel requests can never take more than the limit between them.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
