-- A platform job whose rounds take longer than its interval (a live round reading the whole
-- directory cannot finish before the next is due): since when, NULL while rounds finish in time.
-- /healthz shows it and calls the platform degraded; metrics count each such round.
ALTER TABLE platform_status ADD COLUMN overrun_since DATETIME(6);
