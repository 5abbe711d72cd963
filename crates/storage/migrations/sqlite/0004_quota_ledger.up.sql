-- API quota spent per platform and quota day (YouTube: Pacific-time days), so a restart does not
-- forget what the day has already cost.
CREATE TABLE quota_ledger (
    platform           TEXT NOT NULL,
    day                TEXT NOT NULL,
    units_used         INTEGER NOT NULL DEFAULT 0,
    search_calls_used  INTEGER NOT NULL DEFAULT 0,
    blocked_until      TEXT,
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (platform, day)
) WITHOUT ROWID;
