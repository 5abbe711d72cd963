-- Roster rows kept for a retry (see migrations/sqlite/0011 for the meaning). The creator's
-- index is on its first 191 characters so a utf8mb4 key fits InnoDB's limit.
CREATE TABLE pending_imports (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    creator          VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    platform         VARCHAR(32) COLLATE utf8mb4_bin NULL,
    reference        VARCHAR(2048) COLLATE utf8mb4_bin NOT NULL,
    source           VARCHAR(1024) COLLATE utf8mb4_bin NOT NULL,
    source_row       BIGINT NOT NULL,
    reason           VARCHAR(2048) COLLATE utf8mb4_bin NOT NULL,
    attempts         BIGINT NOT NULL,
    first_failed_at  VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    last_tried_at    VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    INDEX pending_imports_creator (creator(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
