-- Alert rules from the admin API and the delivery log (see migrations/sqlite/0014). Key columns
-- are VARCHARs short enough for InnoDB's index limit in utf8mb4; utf8mb4_bin compares exactly;
-- long text (a rule, an event, a digest) is TEXT, which sqlx reads as bytes: the store decodes
-- them as UTF-8 (storage/src/alerts.rs, `long_text`).
CREATE TABLE alert_rules (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
    spec        TEXT COLLATE utf8mb4_bin NOT NULL,
    created_at  VARCHAR(32) COLLATE utf8mb4_bin NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules (name);

CREATE TABLE alert_deliveries (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    rule             VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
    destination      VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
    event_key        VARCHAR(400) COLLATE utf8mb4_bin NOT NULL,
    kind             VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    platform         VARCHAR(32) COLLATE utf8mb4_bin NULL,
    channel_id       VARCHAR(191) COLLATE utf8mb4_bin NULL,
    title            VARCHAR(1024) COLLATE utf8mb4_bin NOT NULL,
    payload          MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
    status           VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    claimed_until    VARCHAR(32) COLLATE utf8mb4_bin NULL,
    claimed_by       VARCHAR(191) COLLATE utf8mb4_bin NULL,
    last_error       VARCHAR(1024) COLLATE utf8mb4_bin NULL,
    created_at       VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
    sent_at          VARCHAR(32) COLLATE utf8mb4_bin NULL
);
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (rule, destination, event_key);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
CREATE INDEX alert_deliveries_created ON alert_deliveries (created_at);
