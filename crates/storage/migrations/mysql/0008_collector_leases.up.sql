-- Work leases of a collector cluster (see migrations/sqlite/0008 for the meaning). Keys are
-- VARCHAR(191) so a utf8mb4 index fits InnoDB's key limit; utf8mb4_bin compares names and times
-- byte for byte, as SQLite and PostgreSQL do. Claims use SELECT ... FOR UPDATE SKIP LOCKED
-- (MariaDB 10.6+).
CREATE TABLE collector_leases (
    name         VARCHAR(191) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    owner        VARCHAR(191) COLLATE utf8mb4_bin NULL,
    expires_at   VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    acquired_at  VARCHAR(32) COLLATE utf8mb4_bin NULL,
    INDEX collector_leases_owner (owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
