ALTER TABLE quota_ledger DROP COLUMN feed_last_ok_at;
ALTER TABLE quota_ledger DROP COLUMN feed_last_fault_at;
ALTER TABLE quota_ledger DROP COLUMN feed_last_fault;
ALTER TABLE quota_ledger DROP COLUMN feed_faults;
ALTER TABLE quota_ledger DROP COLUMN stats_calls_used;
