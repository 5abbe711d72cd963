-- Trend analytics: one row per channel and calendar day (in the analytics time zone), rebuilt
-- from channel_snapshots and live_sessions/live_samples whenever needed.

CREATE TABLE channel_daily (
    channel_id         INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    -- 'YYYY-MM-DD' in the time zone of analytics_settings.timezone.
    day                TEXT NOT NULL,
    -- Closing values: the day's latest non-NULL observation of each counter (NULL = none that day).
    followers          INTEGER,
    total_views        INTEGER,
    video_count        INTEGER,
    -- Against the previous calendar day's close; NULL when either is missing (a gap, not a zero).
    followers_delta    INTEGER,
    views_delta        INTEGER,
    video_count_delta  INTEGER,
    -- When the latest snapshot of the day was observed.
    closed_at          TEXT,
    -- Live time inside the day.
    streams            INTEGER NOT NULL DEFAULT 0,
    live_minutes       REAL NOT NULL DEFAULT 0,
    peak_viewers       INTEGER,
    -- Time-weighted over the live minutes of the day.
    avg_viewers        REAL,
    hours_watched      REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, day)
) WITHOUT ROWID;
-- Rankings scan one day (or a few) of every channel: covering indexes keep that to index reads.
CREATE INDEX channel_daily_day ON channel_daily (day, channel_id, followers, total_views);
CREATE INDEX channel_daily_live ON channel_daily (day, channel_id, hours_watched, live_minutes) WHERE streams > 0;

-- Settings the stored rollups depend on (the time zone of their days).
CREATE TABLE analytics_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
