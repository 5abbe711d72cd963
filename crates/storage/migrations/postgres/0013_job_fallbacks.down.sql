ALTER TABLE platform_status DROP COLUMN fallback_since;
