DROP VIEW channel_snapshots;
INSERT INTO channel_snapshots_folded
    SELECT * FROM channel_snapshots_recent WHERE true
    ON CONFLICT (channel_id, observed_at) DO NOTHING;
DROP TABLE channel_snapshots_recent;
ALTER TABLE channel_snapshots_folded RENAME TO channel_snapshots;
