-- Every instant becomes DATETIME(6), in UTC. Until now times were UTC text
-- 'YYYY-MM-DDTHH:MM:SSZ'; MariaDB reads 'YYYY-MM-DD HH:MM:SS' as a DATETIME, so the text is first
-- put in that form and each column then converted in place (MODIFY keeps the keys, indexes and
-- the generated column that use it). Calendar days (`day` columns) stay ISO date text: they are
-- labels of a day in the report time zone, not instants.

UPDATE creators SET
    created_at = REPLACE(REPLACE(created_at, 'T', ' '), 'Z', '');
ALTER TABLE creators
    MODIFY created_at DATETIME(6) NOT NULL;

UPDATE channels SET
    first_seen_at = REPLACE(REPLACE(first_seen_at, 'T', ' '), 'Z', ''),
    last_seen_at = REPLACE(REPLACE(last_seen_at, 'T', ' '), 'Z', ''),
    missing_since = REPLACE(REPLACE(missing_since, 'T', ' '), 'Z', '');
ALTER TABLE channels
    MODIFY first_seen_at DATETIME(6) NOT NULL,
    MODIFY last_seen_at DATETIME(6) NOT NULL,
    MODIFY missing_since DATETIME(6);

UPDATE channel_names SET
    first_seen_at = REPLACE(REPLACE(first_seen_at, 'T', ' '), 'Z', ''),
    last_seen_at = REPLACE(REPLACE(last_seen_at, 'T', ' '), 'Z', '');
ALTER TABLE channel_names
    MODIFY first_seen_at DATETIME(6) NOT NULL,
    MODIFY last_seen_at DATETIME(6) NOT NULL;

UPDATE channel_handles SET
    first_seen_at = REPLACE(REPLACE(first_seen_at, 'T', ' '), 'Z', ''),
    last_seen_at = REPLACE(REPLACE(last_seen_at, 'T', ' '), 'Z', '');
ALTER TABLE channel_handles
    MODIFY first_seen_at DATETIME(6) NOT NULL,
    MODIFY last_seen_at DATETIME(6) NOT NULL;

UPDATE collection_rounds SET
    started_at = REPLACE(REPLACE(started_at, 'T', ' '), 'Z', ''),
    finished_at = REPLACE(REPLACE(finished_at, 'T', ' '), 'Z', '');
ALTER TABLE collection_rounds
    MODIFY started_at DATETIME(6) NOT NULL,
    MODIFY finished_at DATETIME(6);

UPDATE channel_snapshots SET
    observed_at = REPLACE(REPLACE(observed_at, 'T', ' '), 'Z', '');
ALTER TABLE channel_snapshots
    MODIFY observed_at DATETIME(6) NOT NULL;

UPDATE videos SET
    published_at = REPLACE(REPLACE(published_at, 'T', ' '), 'Z', ''),
    first_seen_at = REPLACE(REPLACE(first_seen_at, 'T', ' '), 'Z', ''),
    last_seen_at = REPLACE(REPLACE(last_seen_at, 'T', ' '), 'Z', '');
ALTER TABLE videos
    MODIFY published_at DATETIME(6),
    MODIFY first_seen_at DATETIME(6) NOT NULL,
    MODIFY last_seen_at DATETIME(6) NOT NULL;

UPDATE video_snapshots SET
    observed_at = REPLACE(REPLACE(observed_at, 'T', ' '), 'Z', '');
ALTER TABLE video_snapshots
    MODIFY observed_at DATETIME(6) NOT NULL;

UPDATE live_sessions SET
    started_at = REPLACE(REPLACE(started_at, 'T', ' '), 'Z', ''),
    last_seen_at = REPLACE(REPLACE(last_seen_at, 'T', ' '), 'Z', ''),
    ended_at = REPLACE(REPLACE(ended_at, 'T', ' '), 'Z', '');
ALTER TABLE live_sessions
    MODIFY started_at DATETIME(6) NOT NULL,
    MODIFY last_seen_at DATETIME(6) NOT NULL,
    MODIFY ended_at DATETIME(6);

UPDATE live_samples SET
    observed_at = REPLACE(REPLACE(observed_at, 'T', ' '), 'Z', '');
ALTER TABLE live_samples
    MODIFY observed_at DATETIME(6) NOT NULL;

UPDATE platform_status SET
    last_success_at = REPLACE(REPLACE(last_success_at, 'T', ' '), 'Z', ''),
    last_error_at = REPLACE(REPLACE(last_error_at, 'T', ' '), 'Z', ''),
    fallback_since = REPLACE(REPLACE(fallback_since, 'T', ' '), 'Z', '');
ALTER TABLE platform_status
    MODIFY last_success_at DATETIME(6),
    MODIFY last_error_at DATETIME(6),
    MODIFY fallback_since DATETIME(6);

UPDATE channel_daily SET
    closed_at = REPLACE(REPLACE(closed_at, 'T', ' '), 'Z', '');
ALTER TABLE channel_daily
    MODIFY closed_at DATETIME(6);

UPDATE quota_ledger SET
    blocked_until = REPLACE(REPLACE(blocked_until, 'T', ' '), 'Z', ''),
    updated_at = REPLACE(REPLACE(updated_at, 'T', ' '), 'Z', ''),
    feed_last_fault_at = REPLACE(REPLACE(feed_last_fault_at, 'T', ' '), 'Z', ''),
    feed_last_ok_at = REPLACE(REPLACE(feed_last_ok_at, 'T', ' '), 'Z', '');
ALTER TABLE quota_ledger
    MODIFY blocked_until DATETIME(6),
    MODIFY updated_at DATETIME(6) NOT NULL,
    MODIFY feed_last_fault_at DATETIME(6),
    MODIFY feed_last_ok_at DATETIME(6);

UPDATE thumbnails SET
    created_at = REPLACE(REPLACE(created_at, 'T', ' '), 'Z', '');
ALTER TABLE thumbnails
    MODIFY created_at DATETIME(6) NOT NULL;

UPDATE thumb_sources SET
    attempted_at = REPLACE(REPLACE(attempted_at, 'T', ' '), 'Z', ''),
    fetched_at = REPLACE(REPLACE(fetched_at, 'T', ' '), 'Z', ''),
    used_at = REPLACE(REPLACE(used_at, 'T', ' '), 'Z', '');
ALTER TABLE thumb_sources
    MODIFY attempted_at DATETIME(6) NOT NULL,
    MODIFY fetched_at DATETIME(6),
    MODIFY used_at DATETIME(6) NOT NULL;

UPDATE collector_leases SET
    expires_at = REPLACE(REPLACE(expires_at, 'T', ' '), 'Z', ''),
    acquired_at = REPLACE(REPLACE(acquired_at, 'T', ' '), 'Z', '');
ALTER TABLE collector_leases
    MODIFY expires_at DATETIME(6) NOT NULL,
    MODIFY acquired_at DATETIME(6);

UPDATE pending_imports SET
    first_failed_at = REPLACE(REPLACE(first_failed_at, 'T', ' '), 'Z', ''),
    last_tried_at = REPLACE(REPLACE(last_tried_at, 'T', ' '), 'Z', '');
ALTER TABLE pending_imports
    MODIFY first_failed_at DATETIME(6) NOT NULL,
    MODIFY last_tried_at DATETIME(6) NOT NULL;

UPDATE alert_rules SET
    created_at = REPLACE(REPLACE(created_at, 'T', ' '), 'Z', '');
ALTER TABLE alert_rules
    MODIFY created_at DATETIME(6) NOT NULL;

UPDATE alert_deliveries SET
    next_attempt_at = REPLACE(REPLACE(next_attempt_at, 'T', ' '), 'Z', ''),
    claimed_until = REPLACE(REPLACE(claimed_until, 'T', ' '), 'Z', ''),
    created_at = REPLACE(REPLACE(created_at, 'T', ' '), 'Z', ''),
    sent_at = REPLACE(REPLACE(sent_at, 'T', ' '), 'Z', '');
ALTER TABLE alert_deliveries
    MODIFY next_attempt_at DATETIME(6) NOT NULL,
    MODIFY claimed_until DATETIME(6),
    MODIFY created_at DATETIME(6) NOT NULL,
    MODIFY sent_at DATETIME(6);
