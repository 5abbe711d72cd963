-- Back to UTC text 'YYYY-MM-DDTHH:MM:SSZ' (the inverse of the up migration): each column is made
-- text wide enough for MariaDB's 'YYYY-MM-DD HH:MM:SS.ffffff', rewritten, then narrowed.

ALTER TABLE creators
    MODIFY created_at VARCHAR(32) NOT NULL;
UPDATE creators SET
    created_at = CONCAT(REPLACE(LEFT(created_at, 19), ' ', 'T'), 'Z');
ALTER TABLE creators
    MODIFY created_at VARCHAR(20) NOT NULL;

ALTER TABLE channels
    MODIFY first_seen_at VARCHAR(32) NOT NULL,
    MODIFY last_seen_at VARCHAR(32) NOT NULL,
    MODIFY missing_since VARCHAR(32);
UPDATE channels SET
    first_seen_at = CONCAT(REPLACE(LEFT(first_seen_at, 19), ' ', 'T'), 'Z'),
    last_seen_at = CONCAT(REPLACE(LEFT(last_seen_at, 19), ' ', 'T'), 'Z'),
    missing_since = CONCAT(REPLACE(LEFT(missing_since, 19), ' ', 'T'), 'Z');
ALTER TABLE channels
    MODIFY first_seen_at VARCHAR(20) NOT NULL,
    MODIFY last_seen_at VARCHAR(20) NOT NULL,
    MODIFY missing_since VARCHAR(20);

ALTER TABLE channel_names
    MODIFY first_seen_at VARCHAR(32) NOT NULL,
    MODIFY last_seen_at VARCHAR(32) NOT NULL;
UPDATE channel_names SET
    first_seen_at = CONCAT(REPLACE(LEFT(first_seen_at, 19), ' ', 'T'), 'Z'),
    last_seen_at = CONCAT(REPLACE(LEFT(last_seen_at, 19), ' ', 'T'), 'Z');
ALTER TABLE channel_names
    MODIFY first_seen_at VARCHAR(20) NOT NULL,
    MODIFY last_seen_at VARCHAR(20) NOT NULL;

ALTER TABLE channel_handles
    MODIFY first_seen_at VARCHAR(32) NOT NULL,
    MODIFY last_seen_at VARCHAR(32) NOT NULL;
UPDATE channel_handles SET
    first_seen_at = CONCAT(REPLACE(LEFT(first_seen_at, 19), ' ', 'T'), 'Z'),
    last_seen_at = CONCAT(REPLACE(LEFT(last_seen_at, 19), ' ', 'T'), 'Z');
ALTER TABLE channel_handles
    MODIFY first_seen_at VARCHAR(20) NOT NULL,
    MODIFY last_seen_at VARCHAR(20) NOT NULL;

ALTER TABLE collection_rounds
    MODIFY started_at VARCHAR(32) NOT NULL,
    MODIFY finished_at VARCHAR(32);
UPDATE collection_rounds SET
    started_at = CONCAT(REPLACE(LEFT(started_at, 19), ' ', 'T'), 'Z'),
    finished_at = CONCAT(REPLACE(LEFT(finished_at, 19), ' ', 'T'), 'Z');
ALTER TABLE collection_rounds
    MODIFY started_at VARCHAR(20) NOT NULL,
    MODIFY finished_at VARCHAR(20);

ALTER TABLE channel_snapshots
    MODIFY observed_at VARCHAR(32) NOT NULL;
UPDATE channel_snapshots SET
    observed_at = CONCAT(REPLACE(LEFT(observed_at, 19), ' ', 'T'), 'Z');
ALTER TABLE channel_snapshots
    MODIFY observed_at VARCHAR(20) NOT NULL;

ALTER TABLE videos
    MODIFY published_at VARCHAR(32),
    MODIFY first_seen_at VARCHAR(32) NOT NULL,
    MODIFY last_seen_at VARCHAR(32) NOT NULL;
UPDATE videos SET
    published_at = CONCAT(REPLACE(LEFT(published_at, 19), ' ', 'T'), 'Z'),
    first_seen_at = CONCAT(REPLACE(LEFT(first_seen_at, 19), ' ', 'T'), 'Z'),
    last_seen_at = CONCAT(REPLACE(LEFT(last_seen_at, 19), ' ', 'T'), 'Z');
ALTER TABLE videos
    MODIFY published_at VARCHAR(20),
    MODIFY first_seen_at VARCHAR(20) NOT NULL,
    MODIFY last_seen_at VARCHAR(20) NOT NULL;

ALTER TABLE video_snapshots
    MODIFY observed_at VARCHAR(32) NOT NULL;
UPDATE video_snapshots SET
    observed_at = CONCAT(REPLACE(LEFT(observed_at, 19), ' ', 'T'), 'Z');
ALTER TABLE video_snapshots
    MODIFY observed_at VARCHAR(20) NOT NULL;

ALTER TABLE live_sessions
    MODIFY started_at VARCHAR(32) NOT NULL,
    MODIFY last_seen_at VARCHAR(32) NOT NULL,
    MODIFY ended_at VARCHAR(32);
UPDATE live_sessions SET
    started_at = CONCAT(REPLACE(LEFT(started_at, 19), ' ', 'T'), 'Z'),
    last_seen_at = CONCAT(REPLACE(LEFT(last_seen_at, 19), ' ', 'T'), 'Z'),
    ended_at = CONCAT(REPLACE(LEFT(ended_at, 19), ' ', 'T'), 'Z');
ALTER TABLE live_sessions
    MODIFY started_at VARCHAR(20) NOT NULL,
    MODIFY last_seen_at VARCHAR(20) NOT NULL,
    MODIFY ended_at VARCHAR(20);

ALTER TABLE live_samples
    MODIFY observed_at VARCHAR(32) NOT NULL;
UPDATE live_samples SET
    observed_at = CONCAT(REPLACE(LEFT(observed_at, 19), ' ', 'T'), 'Z');
ALTER TABLE live_samples
    MODIFY observed_at VARCHAR(20) NOT NULL;

ALTER TABLE platform_status
    MODIFY last_success_at VARCHAR(32),
    MODIFY last_error_at VARCHAR(32),
    MODIFY fallback_since VARCHAR(32);
UPDATE platform_status SET
    last_success_at = CONCAT(REPLACE(LEFT(last_success_at, 19), ' ', 'T'), 'Z'),
    last_error_at = CONCAT(REPLACE(LEFT(last_error_at, 19), ' ', 'T'), 'Z'),
    fallback_since = CONCAT(REPLACE(LEFT(fallback_since, 19), ' ', 'T'), 'Z');
ALTER TABLE platform_status
    MODIFY last_success_at VARCHAR(20),
    MODIFY last_error_at VARCHAR(20),
    MODIFY fallback_since VARCHAR(20);

ALTER TABLE channel_daily
    MODIFY closed_at VARCHAR(32);
UPDATE channel_daily SET
    closed_at = CONCAT(REPLACE(LEFT(closed_at, 19), ' ', 'T'), 'Z');
ALTER TABLE channel_daily
    MODIFY closed_at VARCHAR(20);

ALTER TABLE quota_ledger
    MODIFY blocked_until VARCHAR(32),
    MODIFY updated_at VARCHAR(32) NOT NULL,
    MODIFY feed_last_fault_at VARCHAR(32),
    MODIFY feed_last_ok_at VARCHAR(32);
UPDATE quota_ledger SET
    blocked_until = CONCAT(REPLACE(LEFT(blocked_until, 19), ' ', 'T'), 'Z'),
    updated_at = CONCAT(REPLACE(LEFT(updated_at, 19), ' ', 'T'), 'Z'),
    feed_last_fault_at = CONCAT(REPLACE(LEFT(feed_last_fault_at, 19), ' ', 'T'), 'Z'),
    feed_last_ok_at = CONCAT(REPLACE(LEFT(feed_last_ok_at, 19), ' ', 'T'), 'Z');
ALTER TABLE quota_ledger
    MODIFY blocked_until VARCHAR(20),
    MODIFY updated_at VARCHAR(20) NOT NULL,
    MODIFY feed_last_fault_at VARCHAR(20),
    MODIFY feed_last_ok_at VARCHAR(20);

ALTER TABLE thumbnails
    MODIFY created_at VARCHAR(32) NOT NULL;
UPDATE thumbnails SET
    created_at = CONCAT(REPLACE(LEFT(created_at, 19), ' ', 'T'), 'Z');
ALTER TABLE thumbnails
    MODIFY created_at VARCHAR(20) NOT NULL;

ALTER TABLE thumb_sources
    MODIFY attempted_at VARCHAR(32) NOT NULL,
    MODIFY fetched_at VARCHAR(32),
    MODIFY used_at VARCHAR(32) NOT NULL;
UPDATE thumb_sources SET
    attempted_at = CONCAT(REPLACE(LEFT(attempted_at, 19), ' ', 'T'), 'Z'),
    fetched_at = CONCAT(REPLACE(LEFT(fetched_at, 19), ' ', 'T'), 'Z'),
    used_at = CONCAT(REPLACE(LEFT(used_at, 19), ' ', 'T'), 'Z');
ALTER TABLE thumb_sources
    MODIFY attempted_at VARCHAR(20) NOT NULL,
    MODIFY fetched_at VARCHAR(20),
    MODIFY used_at VARCHAR(20) NOT NULL;

ALTER TABLE collector_leases
    MODIFY expires_at VARCHAR(32) NOT NULL,
    MODIFY acquired_at VARCHAR(32);
UPDATE collector_leases SET
    expires_at = CONCAT(REPLACE(LEFT(expires_at, 19), ' ', 'T'), 'Z'),
    acquired_at = CONCAT(REPLACE(LEFT(acquired_at, 19), ' ', 'T'), 'Z');
ALTER TABLE collector_leases
    MODIFY expires_at VARCHAR(32) NOT NULL,
    MODIFY acquired_at VARCHAR(32);

ALTER TABLE pending_imports
    MODIFY first_failed_at VARCHAR(32) NOT NULL,
    MODIFY last_tried_at VARCHAR(32) NOT NULL;
UPDATE pending_imports SET
    first_failed_at = CONCAT(REPLACE(LEFT(first_failed_at, 19), ' ', 'T'), 'Z'),
    last_tried_at = CONCAT(REPLACE(LEFT(last_tried_at, 19), ' ', 'T'), 'Z');
ALTER TABLE pending_imports
    MODIFY first_failed_at VARCHAR(32) NOT NULL,
    MODIFY last_tried_at VARCHAR(32) NOT NULL;

ALTER TABLE alert_rules
    MODIFY created_at VARCHAR(32) NOT NULL;
UPDATE alert_rules SET
    created_at = CONCAT(REPLACE(LEFT(created_at, 19), ' ', 'T'), 'Z');
ALTER TABLE alert_rules
    MODIFY created_at VARCHAR(32) NOT NULL;

ALTER TABLE alert_deliveries
    MODIFY next_attempt_at VARCHAR(32) NOT NULL,
    MODIFY claimed_until VARCHAR(32),
    MODIFY created_at VARCHAR(32) NOT NULL,
    MODIFY sent_at VARCHAR(32);
UPDATE alert_deliveries SET
    next_attempt_at = CONCAT(REPLACE(LEFT(next_attempt_at, 19), ' ', 'T'), 'Z'),
    claimed_until = CONCAT(REPLACE(LEFT(claimed_until, 19), ' ', 'T'), 'Z'),
    created_at = CONCAT(REPLACE(LEFT(created_at, 19), ' ', 'T'), 'Z'),
    sent_at = CONCAT(REPLACE(LEFT(sent_at, 19), ' ', 'T'), 'Z');
ALTER TABLE alert_deliveries
    MODIFY next_attempt_at VARCHAR(32) NOT NULL,
    MODIFY claimed_until VARCHAR(32),
    MODIFY created_at VARCHAR(32) NOT NULL,
    MODIFY sent_at VARCHAR(32);
