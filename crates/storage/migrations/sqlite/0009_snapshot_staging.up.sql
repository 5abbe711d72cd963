-- New channel snapshots land in a small table and are folded into the large one about once an
-- hour (`crates/storage/src/staging.rs`). The large table is clustered by (channel, time), which
-- every read wants; but once a channel's rows fill pages of their own, adding one snapshot per
-- channel per round there dirties one page per snapshot. The small table holds about an hour, so
-- a channel's rows in it share a page with its neighbours', and a fold adds an hour of a channel's
-- rows to its pages at once. Each channel's latest snapshot always stays in the small table, so
-- "the latest snapshot of every channel" reads it alone. Reads go through the view, under the
-- table's old name.
ALTER TABLE channel_snapshots RENAME TO channel_snapshots_folded;

CREATE TABLE channel_snapshots_recent (
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

-- Each channel's latest snapshot moves to the recent table, found and removed by key: a few
-- lookups per channel, not a pass over every row of a large table.
INSERT INTO channel_snapshots_recent
    SELECT f.* FROM channels c
    JOIN channel_snapshots_folded f ON f.channel_id = c.id
     AND f.observed_at = (SELECT MAX(l.observed_at) FROM channel_snapshots_folded l
                          WHERE l.channel_id = c.id);
DELETE FROM channel_snapshots_folded
    WHERE (channel_id, observed_at) IN (SELECT channel_id, observed_at FROM channel_snapshots_recent);

CREATE VIEW channel_snapshots AS
    SELECT channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id
    FROM channel_snapshots_folded
    UNION ALL
    SELECT channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id
    FROM channel_snapshots_recent;
