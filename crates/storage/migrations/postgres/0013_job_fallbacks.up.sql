-- A platform job whose last round was answered only by a fallback (SOOP's old .co.kr hosts,
-- an older CHZZK path version): since when, NULL while the first configured route answers.
-- /healthz shows it and calls the platform degraded (it has moved; see docs/platforms.md).
ALTER TABLE platform_status ADD COLUMN fallback_since TEXT COLLATE "C";
