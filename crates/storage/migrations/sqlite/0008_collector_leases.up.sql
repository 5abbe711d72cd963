-- Work leases of a collector cluster (issue 6): N `streamtide run` processes split the work by
-- holding named leases (`channels:<platform>:<shard>`, `live:<platform>`) that expire unless
-- their owner renews them, plus one `member:<collector id>` row per live collector so a newcomer
-- that holds no work yet still counts when shares are computed. A free lease has owner NULL.
-- Times are UTC text (YYYY-MM-DDTHH:MM:SSZ), so text order is time order.
CREATE TABLE collector_leases (
    name         TEXT NOT NULL PRIMARY KEY,
    owner        TEXT,
    expires_at   TEXT NOT NULL,
    acquired_at  TEXT
);
CREATE INDEX collector_leases_owner ON collector_leases (owner);
