-- The live market from the census (see migrations/sqlite/0017).
CREATE TABLE market_rounds (
    platform         TEXT COLLATE "C" NOT NULL,
    category         TEXT COLLATE "C" NOT NULL,
    observed_at      TIMESTAMPTZ NOT NULL,
    viewers          BIGINT NOT NULL,
    channels         BIGINT NOT NULL,
    watched_seconds  BIGINT NOT NULL,
    PRIMARY KEY (platform, category, observed_at)
);

CREATE TABLE market_hours (
    platform         TEXT COLLATE "C" NOT NULL,
    category         TEXT COLLATE "C" NOT NULL,
    hour_at          TIMESTAMPTZ NOT NULL,
    rounds           BIGINT NOT NULL,
    viewer_sum       BIGINT NOT NULL,
    channel_sum      BIGINT NOT NULL,
    peak_viewers     BIGINT NOT NULL,
    peak_channels    BIGINT NOT NULL,
    watched_seconds  BIGINT NOT NULL,
    PRIMARY KEY (platform, category, hour_at)
);
CREATE INDEX market_hours_by_category ON market_hours (category, hour_at);
CREATE INDEX market_hours_by_hour ON market_hours (hour_at);
