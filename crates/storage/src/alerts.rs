//! Alerts' rows: what a rule compares before and after a write (a tracked channel's latest
//! figures, name, missing state and open broadcast), the figures of earlier days, the rules
//! added through the API, and the delivery log with its once-only key.
//!
//! The store decides nothing here: `streamtide-alerts` reads these rows and applies the rules.

use crate::db::sql;
use chrono::{DateTime, NaiveDate, Utc};
use streamtide_core::Platform;

use crate::db;
use crate::staging::push_latest_snapshot_value;
use crate::{Result, Store};

/// Ids per `IN (…)` list.
const IN_CHUNK: usize = 400;

/// A tracked channel as the alert rules see it at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertChannelState {
    /// The store's key of the channel.
    pub pk: i64,
    pub channel_id: String,
    pub name: String,
    pub creator_id: Option<i64>,
    pub creator: Option<String>,
    /// When the channel row was made (imported, added or first listed).
    pub first_seen_at: Option<DateTime<Utc>>,
    pub missing_since: Option<DateTime<Utc>>,
    pub followers: Option<u64>,
    pub total_views: Option<u64>,
    /// Any snapshot of the channel exists.
    pub observed: bool,
    pub session: Option<OpenSession>,
}

/// A channel's open broadcast.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSession {
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub url: String,
    pub started_at: Option<DateTime<Utc>>,
    pub viewers: u64,
    pub peak_viewers: u64,
}

/// One entry of the delivery log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub rule: String,
    pub destination: String,
    pub event_key: String,
    pub kind: String,
    pub platform: Option<String>,
    pub channel_id: Option<String>,
    pub title: String,
    /// The event (JSON) the message is rendered from.
    #[serde(skip)]
    pub payload: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub rule: &'a str,
    pub destination: &'a str,
    pub event_key: &'a str,
    pub kind: &'a str,
    pub platform: Option<Platform>,
    pub channel_id: Option<&'a str>,
    pub title: &'a str,
    pub payload: &'a str,
}

/// A rule added through the API.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRule {
    pub name: String,
    /// The rule as JSON (the alerts crate's `RuleConfig`).
    pub spec: String,
    pub created_at: Option<DateTime<Utc>>,
}

fn u(v: Option<i64>) -> Option<u64> {
    v.map(|v| v.max(0) as u64)
}

fn time(r: &db::Row, col: &str) -> Option<DateTime<Utc>> {
    r.get(col)
}

/// The longest error text kept per delivery.
const ERROR_CHARS: usize = 500;

impl Store {
    /// The tracked channels of `platform` among `ids`, with what the rules compare.
    pub async fn alert_states(
        &self,
        platform: Platform,
        ids: &[String],
    ) -> Result<Vec<AlertChannelState>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let mut sql = db::built!(self.backend();
                "SELECT c.id, c.platform_id, c.name, c.creator_id, cr.name AS creator, c.first_seen_at, c.missing_since
                 FROM channels c LEFT JOIN creators cr ON cr.id = c.creator_id
                 WHERE c.platform = " #1 " AND c.tracked = 1 AND c.platform_id IN ("
            );
            sql.params(2, chunk.len()).push(")");
            let mut q = db::query(sql).bind(platform.as_str());
            for id in chunk {
                q = q.bind(id.as_str());
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push(AlertChannelState {
                    pk: r.get("id"),
                    channel_id: r.get("platform_id"),
                    name: r.get("name"),
                    creator_id: r.get("creator_id"),
                    creator: r.get("creator"),
                    first_seen_at: time(&r, "first_seen_at"),
                    missing_since: time(&r, "missing_since"),
                    followers: None,
                    total_views: None,
                    observed: false,
                    session: None,
                });
            }
        }
        let of_channel = |b: &mut db::Built| {
            db::built_push!(b; "channel_id = " #1);
        };
        let mut figures = db::built!(self.backend(); "SELECT ");
        push_latest_snapshot_value(&mut figures, "followers", of_channel);
        figures.push(" AS followers, ");
        push_latest_snapshot_value(&mut figures, "total_views", of_channel);
        figures.push(" AS total_views, ");
        push_latest_snapshot_value(&mut figures, "observed_at", of_channel);
        figures.push(" AS observed_at");
        for s in out.iter_mut() {
            let r = db::query(&figures).bind(s.pk).fetch_one(&self.pool).await?;
            s.followers = u(r.get("followers"));
            s.total_views = u(r.get("total_views"));
            s.observed = r.get::<Option<DateTime<Utc>>, _>("observed_at").is_some();
        }
        let pks: Vec<i64> = out.iter().map(|s| s.pk).collect();
        for chunk in pks.chunks(IN_CHUNK) {
            if chunk.is_empty() {
                continue;
            }
            let mut sql = db::built!(self.backend();
                "SELECT id, channel_id, title, category_name, url, started_at, last_viewers, peak_viewers
                 FROM live_sessions WHERE ended_at IS NULL AND channel_id IN ("
            );
            sql.params(1, chunk.len()).push(")");
            let mut q = db::query(sql);
            for pk in chunk {
                q = q.bind(*pk);
            }
            for r in q.fetch_all(&self.pool).await? {
                let pk: i64 = r.get("channel_id");
                if let Some(s) = out.iter_mut().find(|s| s.pk == pk) {
                    s.session = Some(OpenSession {
                        id: r.get("id"),
                        title: r.get("title"),
                        category: r.get("category_name"),
                        url: r.get("url"),
                        started_at: time(&r, "started_at"),
                        viewers: u(r.get("last_viewers")).unwrap_or(0),
                        peak_viewers: u(r.get("peak_viewers")).unwrap_or(0),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The latest known `metric` (`followers` or `total_views`) of a channel at or before `at`,
    /// with when it was observed.
    pub async fn alert_value_at(
        &self,
        pk: i64,
        metric: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(u64, DateTime<Utc>)>> {
        let column = match metric {
            "total_views" => "total_views",
            _ => "followers",
        };
        let cond = |b: &mut db::Built| {
            db::built_push!(b; "channel_id = " #1 " AND observed_at <= " #2 " AND " {column} " IS NOT NULL");
        };
        let mut sql = db::built!(self.backend(); "SELECT ");
        push_latest_snapshot_value(&mut sql, column, cond);
        sql.push(" AS v, ");
        push_latest_snapshot_value(&mut sql, "observed_at", cond);
        sql.push(" AS at");
        let r = db::query(sql)
            .bind(pk)
            .bind(at)
            .fetch_one(&self.pool)
            .await?;
        Ok(match (u(r.get("v")), time(&r, "at")) {
            (Some(v), Some(t)) => Some((v, t)),
            _ => None,
        })
    }

    /// Daily changes of `metric` of a channel on the days `[from, to]` that have one.
    pub async fn alert_daily_deltas(
        &self,
        pk: i64,
        metric: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, i64)>> {
        let column = match metric {
            "total_views" => "views_delta",
            _ => "followers_delta",
        };
        let rows = db::query(db::built!(self.backend();
            "SELECT day, " {column} " AS d FROM channel_daily
             WHERE channel_id = " #1 " AND day >= " #2 " AND day <= " #3 " AND " {column} " IS NOT NULL ORDER BY day"
        ))
        .bind(pk)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let day = NaiveDate::parse_from_str(&r.get::<String, _>("day"), "%Y-%m-%d").ok()?;
                Some((day, r.get::<i64, _>("d")))
            })
            .collect())
    }

    /// Earlier broadcasts of a channel (all but `session`): how many, and their highest peak.
    pub async fn alert_past_peaks(&self, pk: i64, session: i64) -> Result<(u64, Option<u64>)> {
        let r = db::query(
            sql!("SELECT COUNT(*) AS n, MAX(peak_viewers) AS m FROM live_sessions WHERE channel_id = " #1 " AND id <> " #2),
        )
        .bind(pk)
        .bind(session)
        .fetch_one(&self.pool)
        .await?;
        Ok((u(Some(r.get("n"))).unwrap_or(0), u(r.get("m"))))
    }

    /// Platforms of a creator's other channels observed before `before`.
    pub async fn alert_creator_platforms_before(
        &self,
        creator: i64,
        except: i64,
        before: DateTime<Utc>,
    ) -> Result<Vec<Platform>> {
        let rows: Vec<String> = db::query_scalar(
            sql!("SELECT DISTINCT c.platform FROM channels c
             WHERE c.creator_id = " #1 " AND c.id <> " #2 "
               AND EXISTS (SELECT 1 FROM channel_snapshots s WHERE s.channel_id = c.id AND s.observed_at < " #3 ")"),
        )
        .bind(creator)
        .bind(except)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|p| crate::stored_platform(p)).collect()
    }

    /// Queue a delivery; `false` when this rule already queued this event for this destination
    /// (the once-only key), whoever did it.
    pub async fn queue_delivery(&self, d: &NewDelivery<'_>, at: DateTime<Utc>) -> Result<bool> {
        let now = at;
        let done = db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO alert_deliveries (rule, destination, event_key, kind, platform, channel_id, title, payload,
               status, attempts, next_attempt_at, created_at)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", 'pending', 0, " #9 ", " #9 ")
             ON CONFLICT (rule, destination, event_key) DO NOTHING");
                mysql: ("INSERT IGNORE INTO alert_deliveries (rule, destination, event_key, kind, platform, channel_id, title, payload,
               status, attempts, next_attempt_at, created_at)
             VALUES (" #1 ", " #2 ", " #3 ", " #4 ", " #5 ", " #6 ", " #7 ", " #8 ", 'pending', 0, " #9 ", " #9 ")");
            },
        )
        .bind(d.rule)
        .bind(d.destination)
        .bind(d.event_key)
        .bind(d.kind)
        .bind(d.platform.map(|p| p.as_str()))
        .bind(d.channel_id)
        .bind(d.title.chars().take(1000).collect::<String>())
        .bind(d.payload)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Claim up to `limit` deliveries due at `now` for `owner` until `until`: a delivery another
    /// collector claimed (and has not given up) is left alone.
    pub async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>> {
        let now_s = now;
        let ids: Vec<i64> = db::query_scalar(
            sql!("SELECT id FROM alert_deliveries
             WHERE status = 'pending' AND next_attempt_at <= " #1 " AND (claimed_until IS NULL OR claimed_until < " #1 ")
             ORDER BY next_attempt_at, id LIMIT " #2),
        )
        .bind(now_s)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for id in ids {
            let won = db::query(
                sql!("UPDATE alert_deliveries SET claimed_until = " #1 ", claimed_by = " #2 "
                 WHERE id = " #3 " AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < " #4 ")"),
            )
            .bind(until)
            .bind(owner)
            .bind(id)
            .bind(now_s)
            .execute(&self.pool)
            .await?
            .rows_affected()
                == 1;
            if won {
                if let Some(row) = self.delivery(id).await? {
                    out.push(row);
                }
            }
        }
        Ok(out)
    }

    async fn delivery(&self, id: i64) -> Result<Option<DeliveryRow>> {
        let r = db::query(sql!("SELECT * FROM alert_deliveries WHERE id = " #1))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(r.as_ref().map(delivery_row))
    }

    /// Record the outcome of an attempt: sent, to try again at `retry_at`, or failed for good.
    pub async fn finish_delivery(
        &self,
        id: i64,
        at: DateTime<Utc>,
        outcome: DeliveryOutcome<'_>,
    ) -> Result<()> {
        let (status, next, error) = match outcome {
            DeliveryOutcome::Sent => ("sent", None, None),
            DeliveryOutcome::Retry { at, error } => ("pending", Some(at), Some(error)),
            DeliveryOutcome::Failed { error } => ("failed", None, Some(error)),
        };
        db::query(
            sql!("UPDATE alert_deliveries SET status = " #1 ", attempts = attempts + 1,
               next_attempt_at = COALESCE(" #2 ", next_attempt_at), last_error = " #3 ",
               sent_at = CASE WHEN " #1 " = 'sent' THEN " #4 " ELSE sent_at END,
               claimed_until = NULL, claimed_by = NULL
             WHERE id = " #5),
        )
        .bind(status)
        .bind(next)
        .bind(error.map(|e| e.chars().take(ERROR_CHARS).collect::<String>()))
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The delivery log, newest first, optionally of one status and one rule.
    pub async fn deliveries(
        &self,
        status: Option<&str>,
        rule: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>> {
        let rows = db::query(sql!("SELECT * FROM alert_deliveries
             WHERE (" #1 " IS NULL OR status = " #1 ") AND (" #2 " IS NULL OR rule = " #2 ")
             ORDER BY created_at DESC, id DESC LIMIT " #3))
        .bind(status)
        .bind(rule)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(delivery_row).collect())
    }

    /// Rules added through the API, by name.
    pub async fn alert_rules(&self) -> Result<Vec<StoredRule>> {
        let rows = db::query(sql!(
            "SELECT name, spec, created_at FROM alert_rules ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| StoredRule {
                name: r.get("name"),
                spec: r.get("spec"),
                created_at: time(r, "created_at"),
            })
            .collect())
    }

    /// Add a rule; `false` when one of that name exists.
    pub async fn add_alert_rule(&self, name: &str, spec: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = db::query(
            sql! {
                sqlite, postgres: ("INSERT INTO alert_rules (name, spec, created_at) VALUES (" #1 ", " #2 ", " #3 ")
             ON CONFLICT (name) DO NOTHING");
                mysql: ("INSERT IGNORE INTO alert_rules (name, spec, created_at) VALUES (" #1 ", " #2 ", " #3 ")");
            },
        )
        .bind(name)
        .bind(spec)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Remove a rule; `false` when there was none of that name.
    pub async fn delete_alert_rule(&self, name: &str) -> Result<bool> {
        let done = db::query(sql!("DELETE FROM alert_rules WHERE name = " #1))
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryOutcome<'a> {
    Sent,
    Retry { at: DateTime<Utc>, error: &'a str },
    Failed { error: &'a str },
}

fn delivery_row(r: &db::Row) -> DeliveryRow {
    DeliveryRow {
        id: r.get("id"),
        rule: r.get("rule"),
        destination: r.get("destination"),
        event_key: r.get("event_key"),
        kind: r.get("kind"),
        platform: r.get("platform"),
        channel_id: r.get("channel_id"),
        title: r.get("title"),
        payload: r.get("payload"),
        status: r.get("status"),
        attempts: r.get::<i64, _>("attempts").clamp(0, i64::from(u32::MAX)) as u32,
        next_attempt_at: time(r, "next_attempt_at"),
        last_error: r.get("last_error"),
        created_at: time(r, "created_at"),
        sent_at: time(r, "sent_at"),
    }
}
