-- A broadcast's title and category over time (see migrations/sqlite/0018).
CREATE TABLE live_session_changes (
    session_id     BIGINT NOT NULL,
    observed_at    DATETIME(6) NOT NULL,
    title          VARCHAR(1000) NOT NULL,
    category_id    VARCHAR(255),
    category_name  VARCHAR(255),
    PRIMARY KEY (session_id, observed_at),
    CONSTRAINT live_session_changes_session FOREIGN KEY (session_id) REFERENCES live_sessions(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The broadcast page finds a session by the platform's id for it.
CREATE INDEX live_sessions_broadcast ON live_sessions (broadcast_id);
