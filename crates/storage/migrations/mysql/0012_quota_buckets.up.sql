-- YouTube's own quota buckets (2026): videos.batchGetStats calls (2026-06-03) beside the main
-- units and the search calls, and what the channel feeds answered that day (feeds cost no quota,
-- but they failed platform-wide for days in 2026 and /healthz shows it).
ALTER TABLE quota_ledger ADD COLUMN stats_calls_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quota_ledger ADD COLUMN feed_faults BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quota_ledger ADD COLUMN feed_last_fault VARCHAR(255);
ALTER TABLE quota_ledger ADD COLUMN feed_last_fault_at VARCHAR(20);
ALTER TABLE quota_ledger ADD COLUMN feed_last_ok_at VARCHAR(20);
