-- Back to UTC text 'YYYY-MM-DDTHH:MM:SSZ' in the "C" collation (the inverse of the up migration).

ALTER TABLE creators
    ALTER COLUMN created_at TYPE TEXT COLLATE "C" USING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE channels
    ALTER COLUMN first_seen_at TYPE TEXT COLLATE "C" USING to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_seen_at TYPE TEXT COLLATE "C" USING to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN missing_since TYPE TEXT COLLATE "C" USING to_char(missing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE channel_names
    ALTER COLUMN first_seen_at TYPE TEXT COLLATE "C" USING to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_seen_at TYPE TEXT COLLATE "C" USING to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE channel_handles
    ALTER COLUMN first_seen_at TYPE TEXT COLLATE "C" USING to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_seen_at TYPE TEXT COLLATE "C" USING to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE collection_rounds
    ALTER COLUMN started_at TYPE TEXT COLLATE "C" USING to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN finished_at TYPE TEXT COLLATE "C" USING to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE videos
    ALTER COLUMN published_at TYPE TEXT COLLATE "C" USING to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN first_seen_at TYPE TEXT COLLATE "C" USING to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_seen_at TYPE TEXT COLLATE "C" USING to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE live_sessions
    ALTER COLUMN started_at TYPE TEXT COLLATE "C" USING to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_seen_at TYPE TEXT COLLATE "C" USING to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN ended_at TYPE TEXT COLLATE "C" USING to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE platform_status
    ALTER COLUMN last_success_at TYPE TEXT COLLATE "C" USING to_char(last_success_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_error_at TYPE TEXT COLLATE "C" USING to_char(last_error_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN fallback_since TYPE TEXT COLLATE "C" USING to_char(fallback_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE channel_daily
    ALTER COLUMN closed_at TYPE TEXT COLLATE "C" USING to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE quota_ledger
    ALTER COLUMN blocked_until TYPE TEXT COLLATE "C" USING to_char(blocked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN updated_at TYPE TEXT COLLATE "C" USING to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN feed_last_fault_at TYPE TEXT COLLATE "C" USING to_char(feed_last_fault_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN feed_last_ok_at TYPE TEXT COLLATE "C" USING to_char(feed_last_ok_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE thumbnails
    ALTER COLUMN created_at TYPE TEXT COLLATE "C" USING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE thumb_sources
    ALTER COLUMN attempted_at TYPE TEXT COLLATE "C" USING to_char(attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN fetched_at TYPE TEXT COLLATE "C" USING to_char(fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN used_at TYPE TEXT COLLATE "C" USING to_char(used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE collector_leases
    ALTER COLUMN expires_at TYPE TEXT COLLATE "C" USING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN acquired_at TYPE TEXT COLLATE "C" USING to_char(acquired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE pending_imports
    ALTER COLUMN first_failed_at TYPE TEXT COLLATE "C" USING to_char(first_failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN last_tried_at TYPE TEXT COLLATE "C" USING to_char(last_tried_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE alert_rules
    ALTER COLUMN created_at TYPE TEXT COLLATE "C" USING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

ALTER TABLE alert_deliveries
    ALTER COLUMN next_attempt_at TYPE TEXT COLLATE "C" USING to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN claimed_until TYPE TEXT COLLATE "C" USING to_char(claimed_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN created_at TYPE TEXT COLLATE "C" USING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    ALTER COLUMN sent_at TYPE TEXT COLLATE "C" USING to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');



CREATE TABLE channel_snapshots_moving AS SELECT * FROM channel_snapshots;
DROP TABLE channel_snapshots;
CREATE TABLE channel_snapshots (
    channel_id   BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    observed_at  TEXT COLLATE "C" NOT NULL,
    followers    BIGINT,
    total_views  BIGINT,
    video_count  BIGINT,
    live         BIGINT,
    viewers      BIGINT,
    round_id     BIGINT,
    PRIMARY KEY (channel_id, observed_at)
) PARTITION BY RANGE (observed_at);
CREATE TABLE channel_snapshots_default PARTITION OF channel_snapshots DEFAULT;


CREATE TABLE video_snapshots_moving AS SELECT * FROM video_snapshots;
DROP TABLE video_snapshots;
CREATE TABLE video_snapshots (
    video_id     BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    observed_at  TEXT COLLATE "C" NOT NULL,
    views        BIGINT,
    likes        BIGINT,
    comments     BIGINT,
    PRIMARY KEY (video_id, observed_at)
) PARTITION BY RANGE (observed_at);
CREATE TABLE video_snapshots_default PARTITION OF video_snapshots DEFAULT;


CREATE TABLE live_samples_moving AS SELECT * FROM live_samples;
DROP TABLE live_samples;
CREATE TABLE live_samples (
    session_id   BIGINT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    observed_at  TEXT COLLATE "C" NOT NULL,
    viewers      BIGINT NOT NULL,
    PRIMARY KEY (session_id, observed_at)
) PARTITION BY RANGE (observed_at);
CREATE TABLE live_samples_default PARTITION OF live_samples DEFAULT;

DO $$
DECLARE
    t text;
    m timestamp;
BEGIN
    FOREACH t IN ARRAY ARRAY['channel_snapshots', 'video_snapshots', 'live_samples'] LOOP
        FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', observed_at AT TIME ZONE ''UTC'') FROM %I', t || '_moving') LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                t || '_p' || to_char(m, 'YYYYMM'), t,
                to_char(m, 'YYYY-MM-DD') || 'T00:00:00Z',
                to_char(m + interval '1 month', 'YYYY-MM-DD') || 'T00:00:00Z');
        END LOOP;
    END LOOP;
END $$;

INSERT INTO channel_snapshots (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id)
SELECT channel_id, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), followers, total_views, video_count, live, viewers, round_id FROM channel_snapshots_moving;
DROP TABLE channel_snapshots_moving;

INSERT INTO video_snapshots (video_id, observed_at, views, likes, comments)
SELECT video_id, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), views, likes, comments FROM video_snapshots_moving;
DROP TABLE video_snapshots_moving;

INSERT INTO live_samples (session_id, observed_at, viewers)
SELECT session_id, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), viewers FROM live_samples_moving;
DROP TABLE live_samples_moving;
