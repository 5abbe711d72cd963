ALTER TABLE platform_status DROP COLUMN overrun_since;
