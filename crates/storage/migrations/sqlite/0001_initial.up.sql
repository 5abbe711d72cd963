-- streamtide schema, SQLite dialect. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ' (whole seconds),
-- so text order is time order.

CREATE TABLE creators (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One row per (platform, stable platform id). Names change; the id does not.
CREATE TABLE channels (
    id             INTEGER PRIMARY KEY,
    platform       TEXT NOT NULL,
    platform_id    TEXT NOT NULL,
    creator_id     INTEGER REFERENCES creators(id) ON DELETE SET NULL,
    name           TEXT NOT NULL DEFAULT '',
    handle         TEXT,
    avatar_url     TEXT,
    description    TEXT,
    -- 1 = on the roster (collected every channels round); 0 = only seen in top live lists.
    tracked        INTEGER NOT NULL DEFAULT 0,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    -- Set while the platform says the channel does not exist.
    missing_since  TEXT,
    UNIQUE (platform, platform_id)
);
CREATE INDEX channels_tracked ON channels (platform, tracked);

-- Every display name a channel has had.
CREATE TABLE channel_names (
    channel_id     INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, name)
) WITHOUT ROWID;

-- Collection rounds (one per platform and job run); batches of a round commit separately.
CREATE TABLE collection_rounds (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    job          TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    requests     INTEGER NOT NULL DEFAULT 0,
    written      INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT
);

-- Counters of a channel over time. NULL = the platform does not give the figure (never 0).
CREATE TABLE channel_snapshots (
    channel_id   INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    observed_at  TEXT NOT NULL,
    followers    INTEGER,
    total_views  INTEGER,
    video_count  INTEGER,
    live         INTEGER,
    viewers      INTEGER,
    round_id     INTEGER,
    PRIMARY KEY (channel_id, observed_at)
) WITHOUT ROWID;

CREATE TABLE videos (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    platform_video_id  TEXT NOT NULL,
    title              TEXT NOT NULL,
    kind               TEXT NOT NULL,
    published_at       TEXT,
    duration_secs      INTEGER,
    thumbnail_url      TEXT,
    adult              INTEGER NOT NULL DEFAULT 0,
    category           TEXT,
    first_seen_at      TEXT NOT NULL,
    last_seen_at       TEXT NOT NULL,
    UNIQUE (channel_id, platform_video_id)
);

CREATE TABLE video_snapshots (
    video_id     INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    observed_at  TEXT NOT NULL,
    views        INTEGER,
    likes        INTEGER,
    comments     INTEGER,
    PRIMARY KEY (video_id, observed_at)
) WITHOUT ROWID;

-- A broadcast from first to last sighting. At most one open (ended_at NULL) per channel.
CREATE TABLE live_sessions (
    id             INTEGER PRIMARY KEY,
    channel_id     INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    broadcast_id   TEXT,
    title          TEXT NOT NULL,
    category_id    TEXT,
    category_name  TEXT,
    tags           TEXT NOT NULL DEFAULT '[]',
    thumbnail_url  TEXT,
    adult          INTEGER NOT NULL DEFAULT 0,
    language       TEXT,
    url            TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    ended_at       TEXT,
    last_viewers   INTEGER NOT NULL,
    peak_viewers   INTEGER NOT NULL,
    viewer_sum     INTEGER NOT NULL DEFAULT 0,
    sample_count   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX live_sessions_one_open ON live_sessions (channel_id) WHERE ended_at IS NULL;
CREATE INDEX live_sessions_channel ON live_sessions (channel_id, started_at);
CREATE INDEX live_sessions_open_viewers ON live_sessions (last_viewers) WHERE ended_at IS NULL;

CREATE TABLE live_samples (
    session_id   INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    observed_at  TEXT NOT NULL,
    viewers      INTEGER NOT NULL,
    PRIMARY KEY (session_id, observed_at)
) WITHOUT ROWID;

-- Health of each platform job, readable by a `serve` process that does not collect.
CREATE TABLE platform_status (
    platform              TEXT NOT NULL,
    job                   TEXT NOT NULL,
    last_success_at       TEXT,
    last_error_at         TEXT,
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, job)
) WITHOUT ROWID;
