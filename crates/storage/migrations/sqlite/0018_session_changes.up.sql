-- A broadcast's title and category over time (issue 19, the broadcast page): a row when a
-- session opens, and one each time a sighting brings another title or category. The session row
-- keeps only the latest. Rows go with their session.
CREATE TABLE live_session_changes (
    session_id     INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    observed_at    TEXT NOT NULL,
    title          TEXT NOT NULL,
    category_id    TEXT,
    category_name  TEXT,
    PRIMARY KEY (session_id, observed_at)
) WITHOUT ROWID;

-- The broadcast page finds a session by the platform's id for it.
CREATE INDEX live_sessions_broadcast ON live_sessions (broadcast_id);
