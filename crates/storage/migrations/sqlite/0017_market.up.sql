-- The live market from the census (issue 19): per platform and category, what one live round saw
-- of the whole directory, and the same rolled up per hour as rounds arrive. `category` is a tag
-- of the shared vocabulary, `other` for a category the vocabulary does not know, `none` for a
-- broadcast without one, and `*` for the platform's total (a broadcast counts in one category,
-- but the total's peak is not the sum of the categories' peaks, so it is kept on its own).
-- `watched_seconds` is viewers × the seconds the round stands for (the live interval): summed,
-- hours watched. Round rows are kept `collector.market_round_days`; hour rows for good (a day
-- rolls up from 24 of them, a category's 30 days are 720 rows).
CREATE TABLE market_rounds (
    platform         TEXT NOT NULL,
    category         TEXT NOT NULL,
    observed_at      TEXT NOT NULL,
    viewers          INTEGER NOT NULL,
    channels         INTEGER NOT NULL,
    watched_seconds  INTEGER NOT NULL,
    PRIMARY KEY (platform, category, observed_at)
) WITHOUT ROWID;

CREATE TABLE market_hours (
    platform         TEXT NOT NULL,
    category         TEXT NOT NULL,
    hour_at          TEXT NOT NULL,
    rounds           INTEGER NOT NULL,
    viewer_sum       INTEGER NOT NULL,
    channel_sum      INTEGER NOT NULL,
    peak_viewers     INTEGER NOT NULL,
    peak_channels    INTEGER NOT NULL,
    watched_seconds  INTEGER NOT NULL,
    PRIMARY KEY (platform, category, hour_at)
) WITHOUT ROWID;
CREATE INDEX market_hours_by_category ON market_hours (category, hour_at);
CREATE INDEX market_hours_by_hour ON market_hours (hour_at);
