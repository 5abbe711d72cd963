-- streamtide schema, MySQL/MariaDB dialect (MariaDB 10.6+; MySQL has no INSERT … RETURNING): the SQLite schema
-- (migrations/sqlite 0001-0007) in one step. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; every
-- table is utf8mb4 with the binary collation, so ids compare byte for byte and text order is
-- time order. Keys are VARCHAR (InnoDB indexes need a length); long free text is a wide VARCHAR too (sqlx reads
-- MySQL TEXT columns as bytes), sized for what the platforms allow.
-- MySQL has no partial indexes: the one-open-session rule is a unique index on a generated
-- column that is NULL for closed sessions.

CREATE TABLE creators (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    created_at  VARCHAR(20) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX creators_name ON creators (name);

CREATE TABLE channels (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    platform       VARCHAR(255) NOT NULL,
    platform_id    VARCHAR(255) NOT NULL,
    creator_id     BIGINT REFERENCES creators(id) ON DELETE SET NULL,
    name           VARCHAR(255) NOT NULL DEFAULT '',
    handle         VARCHAR(255),
    avatar_url     VARCHAR(2048),
    description    VARCHAR(5000),
    tracked        BIGINT NOT NULL DEFAULT 0,
    first_seen_at  VARCHAR(20) NOT NULL,
    last_seen_at   VARCHAR(20) NOT NULL,
    missing_since  VARCHAR(20),
    UNIQUE (platform, platform_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX channels_tracked ON channels (platform, tracked);
CREATE INDEX channels_creator ON channels (creator_id);

CREATE TABLE channel_names (
    channel_id     BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    name           VARCHAR(255) NOT NULL,
    first_seen_at  VARCHAR(20) NOT NULL,
    last_seen_at   VARCHAR(20) NOT NULL,
    PRIMARY KEY (channel_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE channel_handles (
    channel_id     BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    handle         VARCHAR(255) NOT NULL,
    first_seen_at  VARCHAR(20) NOT NULL,
    last_seen_at   VARCHAR(20) NOT NULL,
    PRIMARY KEY (channel_id, handle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE collection_rounds (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    platform     VARCHAR(255) NOT NULL,
    job          VARCHAR(255) NOT NULL,
    started_at   VARCHAR(20) NOT NULL,
    finished_at  VARCHAR(20),
    requests     BIGINT NOT NULL DEFAULT 0,
    written      BIGINT NOT NULL DEFAULT 0,
    errors       BIGINT NOT NULL DEFAULT 0,
    last_error   VARCHAR(2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE channel_snapshots (
    channel_id   BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    observed_at  VARCHAR(20) NOT NULL,
    followers    BIGINT,
    total_views  BIGINT,
    video_count  BIGINT,
    live         BIGINT,
    viewers      BIGINT,
    round_id     BIGINT,
    PRIMARY KEY (channel_id, observed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE videos (
    id                 BIGINT AUTO_INCREMENT PRIMARY KEY,
    channel_id         BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    platform_video_id  VARCHAR(255) NOT NULL,
    title              VARCHAR(1000) NOT NULL,
    kind               VARCHAR(255) NOT NULL,
    published_at       VARCHAR(20),
    duration_secs      BIGINT,
    thumbnail_url      VARCHAR(2048),
    adult              BIGINT NOT NULL DEFAULT 0,
    category           VARCHAR(255),
    first_seen_at      VARCHAR(20) NOT NULL,
    last_seen_at       VARCHAR(20) NOT NULL,
    UNIQUE (channel_id, platform_video_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE video_snapshots (
    video_id     BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    observed_at  VARCHAR(20) NOT NULL,
    views        BIGINT,
    likes        BIGINT,
    comments     BIGINT,
    PRIMARY KEY (video_id, observed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE live_sessions (
    id                   BIGINT AUTO_INCREMENT PRIMARY KEY,
    channel_id           BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    broadcast_id         VARCHAR(255),
    title                VARCHAR(1000) NOT NULL,
    category_id          VARCHAR(255),
    category_name        VARCHAR(255),
    tags                 VARCHAR(4000) NOT NULL DEFAULT '[]',
    thumbnail_url        VARCHAR(2048),
    adult                BIGINT NOT NULL DEFAULT 0,
    language             VARCHAR(255),
    url                  VARCHAR(2048) NOT NULL,
    started_at           VARCHAR(20) NOT NULL,
    last_seen_at         VARCHAR(20) NOT NULL,
    ended_at             VARCHAR(20),
    last_viewers         BIGINT NOT NULL,
    peak_viewers         BIGINT NOT NULL,
    viewer_sum           BIGINT NOT NULL DEFAULT 0,
    sample_count         BIGINT NOT NULL DEFAULT 0,
    detected_language    VARCHAR(255),
    language_confidence  DOUBLE,
    open_channel_id      BIGINT AS (CASE WHEN ended_at IS NULL THEN channel_id END) STORED
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX live_sessions_one_open ON live_sessions (open_channel_id);
CREATE INDEX live_sessions_channel ON live_sessions (channel_id, started_at);
CREATE INDEX live_sessions_open_viewers ON live_sessions (open_channel_id, last_viewers);

CREATE TABLE live_samples (
    session_id   BIGINT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    observed_at  VARCHAR(20) NOT NULL,
    viewers      BIGINT NOT NULL,
    PRIMARY KEY (session_id, observed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE platform_status (
    platform              VARCHAR(255) NOT NULL,
    job                   VARCHAR(255) NOT NULL,
    last_success_at       VARCHAR(20),
    last_error_at         VARCHAR(20),
    last_error            VARCHAR(2000),
    consecutive_failures  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, job)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE channel_daily (
    channel_id         BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    day                VARCHAR(10) NOT NULL,
    followers          BIGINT,
    total_views        BIGINT,
    video_count        BIGINT,
    followers_delta    BIGINT,
    views_delta        BIGINT,
    video_count_delta  BIGINT,
    closed_at          VARCHAR(20),
    streams            BIGINT NOT NULL DEFAULT 0,
    live_minutes       DOUBLE NOT NULL DEFAULT 0,
    peak_viewers       BIGINT,
    avg_viewers        DOUBLE,
    hours_watched      DOUBLE NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX channel_daily_day ON channel_daily (day, channel_id, followers, total_views);
CREATE INDEX channel_daily_live ON channel_daily (day, channel_id, hours_watched, live_minutes);

CREATE TABLE analytics_settings (
    `key`  VARCHAR(255) PRIMARY KEY,
    value  VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE quota_ledger (
    platform           VARCHAR(255) NOT NULL,
    day                VARCHAR(10) NOT NULL,
    units_used         BIGINT NOT NULL DEFAULT 0,
    search_calls_used  BIGINT NOT NULL DEFAULT 0,
    blocked_until      VARCHAR(20),
    updated_at         VARCHAR(20) NOT NULL,
    PRIMARY KEY (platform, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE thumbnails (
    hash        VARCHAR(255) PRIMARY KEY,
    bytes       BIGINT NOT NULL,
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    created_at  VARCHAR(20) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE thumb_sources (
    source_url    VARCHAR(768) PRIMARY KEY,
    hash          VARCHAR(255),
    attempted_at  VARCHAR(20) NOT NULL,
    fetched_at    VARCHAR(20),
    used_at       VARCHAR(20) NOT NULL,
    failures      BIGINT NOT NULL DEFAULT 0,
    last_error    VARCHAR(2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX thumb_sources_hash ON thumb_sources (hash);
CREATE INDEX thumb_sources_used ON thumb_sources (used_at);
