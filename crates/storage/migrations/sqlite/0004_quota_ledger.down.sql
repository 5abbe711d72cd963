DROP TABLE quota_ledger;
