SET FOREIGN_KEY_CHECKS = 0;
DROP TABLE IF EXISTS thumb_sources, thumbnails, quota_ledger, analytics_settings, channel_daily,
    platform_status, live_samples, live_sessions, video_snapshots, videos, channel_snapshots,
    collection_rounds, channel_handles, channel_names, channels, creators;
SET FOREIGN_KEY_CHECKS = 1;
