-- Alerts: rules added through the admin API (rules in the config file are not stored), and the
-- delivery log. A delivery is one event of one rule to one destination; the unique key makes
-- queueing it idempotent, so an event is sent at most once across restarts and collectors.
CREATE TABLE alert_rules (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    spec        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules (name);

CREATE TABLE alert_deliveries (
    id               INTEGER PRIMARY KEY,
    rule             TEXT NOT NULL,
    destination      TEXT NOT NULL,
    event_key        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    platform         TEXT,
    channel_id       TEXT,
    title            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_until    TEXT,
    claimed_by       TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (rule, destination, event_key);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
CREATE INDEX alert_deliveries_created ON alert_deliveries (created_at);
