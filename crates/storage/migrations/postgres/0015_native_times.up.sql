-- Every instant becomes timestamptz. Until now times were UTC text 'YYYY-MM-DDTHH:MM:SSZ' in
-- the "C" collation; that text casts to timestamptz exactly (the 'Z' says UTC), so each column is
-- converted in place. Calendar days (`day` columns) stay ISO date text: they are labels of a day
-- in the report time zone, not instants.
--
-- The three observation tables are partitioned by month of observed_at, and PostgreSQL cannot
-- change the type of a partition key: they are copied aside, recreated with timestamptz and one
-- partition per month their rows fall in (named as partitions.rs names them), and filled again.

ALTER TABLE creators
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;

ALTER TABLE channels
    ALTER COLUMN first_seen_at TYPE timestamptz USING first_seen_at::timestamptz,
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at::timestamptz,
    ALTER COLUMN missing_since TYPE timestamptz USING missing_since::timestamptz;

ALTER TABLE channel_names
    ALTER COLUMN first_seen_at TYPE timestamptz USING first_seen_at::timestamptz,
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at::timestamptz;

ALTER TABLE channel_handles
    ALTER COLUMN first_seen_at TYPE timestamptz USING first_seen_at::timestamptz,
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at::timestamptz;

ALTER TABLE collection_rounds
    ALTER COLUMN started_at TYPE timestamptz USING started_at::timestamptz,
    ALTER COLUMN finished_at TYPE timestamptz USING finished_at::timestamptz;

ALTER TABLE videos
    ALTER COLUMN published_at TYPE timestamptz USING published_at::timestamptz,
    ALTER COLUMN first_seen_at TYPE timestamptz USING first_seen_at::timestamptz,
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at::timestamptz;

ALTER TABLE live_sessions
    ALTER COLUMN started_at TYPE timestamptz USING started_at::timestamptz,
    ALTER COLUMN last_seen_at TYPE timestamptz USING last_seen_at::timestamptz,
    ALTER COLUMN ended_at TYPE timestamptz USING ended_at::timestamptz;

ALTER TABLE platform_status
    ALTER COLUMN last_success_at TYPE timestamptz USING last_success_at::timestamptz,
    ALTER COLUMN last_error_at TYPE timestamptz USING last_error_at::timestamptz,
    ALTER COLUMN fallback_since TYPE timestamptz USING fallback_since::timestamptz;

ALTER TABLE channel_daily
    ALTER COLUMN closed_at TYPE timestamptz USING closed_at::timestamptz;

ALTER TABLE quota_ledger
    ALTER COLUMN blocked_until TYPE timestamptz USING blocked_until::timestamptz,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz,
    ALTER COLUMN feed_last_fault_at TYPE timestamptz USING feed_last_fault_at::timestamptz,
    ALTER COLUMN feed_last_ok_at TYPE timestamptz USING feed_last_ok_at::timestamptz;

ALTER TABLE thumbnails
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;

ALTER TABLE thumb_sources
    ALTER COLUMN attempted_at TYPE timestamptz USING attempted_at::timestamptz,
    ALTER COLUMN fetched_at TYPE timestamptz USING fetched_at::timestamptz,
    ALTER COLUMN used_at TYPE timestamptz USING used_at::timestamptz;

ALTER TABLE collector_leases
    ALTER COLUMN expires_at TYPE timestamptz USING expires_at::timestamptz,
    ALTER COLUMN acquired_at TYPE timestamptz USING acquired_at::timestamptz;

ALTER TABLE pending_imports
    ALTER COLUMN first_failed_at TYPE timestamptz USING first_failed_at::timestamptz,
    ALTER COLUMN last_tried_at TYPE timestamptz USING last_tried_at::timestamptz;

ALTER TABLE alert_rules
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;

ALTER TABLE alert_deliveries
    ALTER COLUMN next_attempt_at TYPE timestamptz USING next_attempt_at::timestamptz,
    ALTER COLUMN claimed_until TYPE timestamptz USING claimed_until::timestamptz,
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN sent_at TYPE timestamptz USING sent_at::timestamptz;



CREATE TABLE channel_snapshots_moving AS SELECT * FROM channel_snapshots;
DROP TABLE channel_snapshots;
CREATE TABLE channel_snapshots (
    channel_id   BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    observed_at  timestamptz NOT NULL,
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
    observed_at  timestamptz NOT NULL,
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
    observed_at  timestamptz NOT NULL,
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
        FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', observed_at::timestamptz AT TIME ZONE ''UTC'') FROM %I', t || '_moving') LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                t || '_p' || to_char(m, 'YYYYMM'), t,
                to_char(m, 'YYYY-MM-DD') || 'T00:00:00Z',
                to_char(m + interval '1 month', 'YYYY-MM-DD') || 'T00:00:00Z');
        END LOOP;
    END LOOP;
END $$;

INSERT INTO channel_snapshots (channel_id, observed_at, followers, total_views, video_count, live, viewers, round_id)
SELECT channel_id, observed_at::timestamptz, followers, total_views, video_count, live, viewers, round_id FROM channel_snapshots_moving;
DROP TABLE channel_snapshots_moving;

INSERT INTO video_snapshots (video_id, observed_at, views, likes, comments)
SELECT video_id, observed_at::timestamptz, views, likes, comments FROM video_snapshots_moving;
DROP TABLE video_snapshots_moving;

INSERT INTO live_samples (session_id, observed_at, viewers)
SELECT session_id, observed_at::timestamptz, viewers FROM live_samples_moving;
DROP TABLE live_samples_moving;
