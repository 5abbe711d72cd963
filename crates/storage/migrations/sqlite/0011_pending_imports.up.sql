-- Roster rows an import could not resolve because their platform was unreachable (timeouts,
-- 5xx, 429): kept with what the file said, and retried by `streamtide import --retry` and by
-- `streamtide run`, instead of being lost. A row leaves the table when it resolves, or when a
-- retry finds it can never resolve (no such channel). Times are UTC text.
CREATE TABLE pending_imports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    creator          TEXT NOT NULL,
    platform         TEXT,
    reference        TEXT NOT NULL,
    source           TEXT NOT NULL,
    source_row       INTEGER NOT NULL,
    reason           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    first_failed_at  TEXT NOT NULL,
    last_tried_at    TEXT NOT NULL
);
CREATE INDEX pending_imports_creator ON pending_imports (creator);
