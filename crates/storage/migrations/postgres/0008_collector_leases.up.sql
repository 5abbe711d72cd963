-- Work leases of a collector cluster (see migrations/sqlite/0008 for the meaning). Claims use
-- SELECT ... FOR UPDATE SKIP LOCKED, so collectors never wait on each other's claims.
CREATE TABLE collector_leases (
    name         TEXT NOT NULL PRIMARY KEY,
    owner        TEXT,
    expires_at   TEXT NOT NULL,
    acquired_at  TEXT
);
CREATE INDEX collector_leases_owner ON collector_leases (owner);
