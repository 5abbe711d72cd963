-- Thumbnails and avatars copied into our own object store, content-addressed.
-- `thumbnails` lists the objects we wrote; `thumb_sources` maps a platform image URL to the
-- object its latest download became. A live thumbnail URL usually stays the same for a whole
-- broadcast while its picture changes, so a source is re-fetched now and then and may point to
-- a new hash; objects no source points to any more are garbage-collected.
CREATE TABLE thumbnails (
    hash        TEXT PRIMARY KEY,
    bytes       INTEGER NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE thumb_sources (
    source_url    TEXT PRIMARY KEY,
    hash          TEXT,
    -- Last download attempt (successful or not), last success, and last time a collection round
    -- still carried this URL.
    attempted_at  TEXT NOT NULL,
    fetched_at    TEXT,
    used_at       TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
);
CREATE INDEX thumb_sources_hash ON thumb_sources (hash);
CREATE INDEX thumb_sources_used ON thumb_sources (used_at);
