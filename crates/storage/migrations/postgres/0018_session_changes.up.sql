-- A broadcast's title and category over time (see migrations/sqlite/0018).
CREATE TABLE live_session_changes (
    session_id     BIGINT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    observed_at    TIMESTAMPTZ NOT NULL,
    title          TEXT COLLATE "C" NOT NULL,
    category_id    TEXT COLLATE "C",
    category_name  TEXT COLLATE "C",
    PRIMARY KEY (session_id, observed_at)
);

-- The broadcast page finds a session by the platform's id for it.
CREATE INDEX live_sessions_broadcast ON live_sessions (broadcast_id);
