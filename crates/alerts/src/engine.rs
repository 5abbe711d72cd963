//! Rules applied to each write: read the batch's tracked channels before and after it is
//! written, decide which events happened, and queue one delivery per event and destination.
//!
//! Queueing is an insert under the delivery log's unique key (rule, destination, event), so
//! evaluating the same write twice, after a restart or on a second collector, queues nothing new.
//! Nothing here sends: the [`crate::worker`] does, so a slow destination never slows a round.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use streamtide_core::{Clock, Platform};
use streamtide_storage::{AlertChannelState, Batch, NewDelivery, Store};
use tokio::sync::{Mutex, Notify};

use crate::config::{AlertsConfig, Metric, RuleConfig, RuleKind, Window};
use crate::event::{AlertEvent, Facts};
use crate::message::render;
use crate::rules::{change_alerts, honest_change, milestone_crossed, rounding_slack};
use crate::scope::{in_scope, Subject};

/// Rules added through the API are re-read at most this often (another process may add them).
const RULES_TTL: StdDuration = StdDuration::from_secs(5);

/// How far the start of a change's period may lie before its ideal instant (the observation
/// nearest before it stands for it).
fn start_tolerance(window: Window) -> Duration {
    match window {
        Window::Day => Duration::hours(3),
        Window::Week => Duration::hours(12),
    }
}

/// An event found: its key, the page to open (if not the channel's), its figures.
type Found = (String, Option<String>, Facts);

/// `metric` passed a milestone between the two states.
fn milestone(
    rule: &RuleConfig,
    platform: Platform,
    was: &AlertChannelState,
    now: &AlertChannelState,
) -> Option<Found> {
    let (b, n) = (metric_of(rule.metric, was)?, metric_of(rule.metric, now)?);
    let m = milestone_crossed(platform, b, n, &rule.milestones)?;
    Some((
        format!("milestone:{}:{m}", rule.metric.as_str()),
        None,
        Facts::Milestone {
            metric: rule.metric,
            milestone: m,
            value: n,
            rounded: rounding_slack(platform, n) > 0,
        },
    ))
}

/// The latest known `metric` of a channel in a state.
fn metric_of(metric: Metric, s: &AlertChannelState) -> Option<u64> {
    match metric {
        Metric::Followers => s.followers,
        Metric::TotalViews => s.total_views,
    }
}

/// The platform stopped knowing the channel.
fn missing(was: &AlertChannelState, now: &AlertChannelState) -> Option<Found> {
    match (was.missing_since, now.missing_since) {
        (None, Some(since)) => Some((
            format!("missing:{}", streamtide_storage::to_db_time(since)),
            None,
            Facts::Missing { since },
        )),
        _ => None,
    }
}

/// The display name changed.
fn renamed(at: DateTime<Utc>, was: &AlertChannelState, now: &AlertChannelState) -> Option<Found> {
    let (from, to) = (was.name.trim(), now.name.trim());
    (!from.is_empty() && !to.is_empty() && from != to).then(|| {
        (
            format!("renamed:{}:{to}", streamtide_storage::to_db_time(at)),
            None,
            Facts::Renamed {
                from: from.to_string(),
                to: to.to_string(),
            },
        )
    })
}

/// What the rules compare a write against: the batch's tracked channels before it.
#[derive(Debug, Default)]
pub struct Before {
    states: HashMap<String, AlertChannelState>,
    active: bool,
}

/// The rules and the store they read.
pub struct Engine {
    store: Store,
    cfg: Arc<AlertsConfig>,
    clock: Arc<dyn Clock>,
    rules: Mutex<Option<(Instant, Arc<Vec<RuleConfig>>)>>,
    wake: Arc<Notify>,
}

impl Engine {
    pub fn new(store: Store, cfg: Arc<AlertsConfig>, clock: Arc<dyn Clock>) -> Engine {
        Engine {
            store,
            cfg,
            clock,
            rules: Mutex::new(None),
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn config(&self) -> &Arc<AlertsConfig> {
        &self.cfg
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Woken when deliveries are queued.
    pub fn wake(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Without a destination no rule can deliver: then nothing is read or decided at all.
    pub fn is_active(&self) -> bool {
        !self.cfg.channels.is_empty()
    }

    /// The rules in force: the config file's, then the API's (a stored rule whose name the file
    /// uses, or which no longer parses, is skipped with a warning).
    pub async fn rules(&self) -> Arc<Vec<RuleConfig>> {
        let mut cached = self.rules.lock().await;
        if let Some((at, rules)) = cached.as_ref() {
            if at.elapsed() < RULES_TTL {
                return Arc::clone(rules);
            }
        }
        let mut rules = self.cfg.rules.clone();
        match self.store.alert_rules().await {
            Ok(stored) => {
                for s in stored {
                    match serde_json::from_str::<RuleConfig>(&s.spec) {
                        Ok(r) if !rules.iter().any(|c| c.name == r.name) => rules.push(r),
                        Ok(_) => {
                            tracing::warn!(rule = %s.name, "A rule added through the API has the name of a configured rule; the configured one applies.")
                        }
                        Err(e) => {
                            tracing::warn!(rule = %s.name, error = %e, "A stored alert rule no longer parses; skipped.")
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "Could not read the alert rules added through the API; using the configured ones.")
            }
        }
        let rules = Arc::new(rules);
        *cached = Some((Instant::now(), Arc::clone(&rules)));
        rules
    }

    /// Forget the cached rules (after the API changed them in this process).
    pub async fn reload_rules(&self) {
        *self.rules.lock().await = None;
    }

    /// Read what the rules compare, before `batch` is written.
    pub async fn before(&self, platform: Platform, batch: &Batch) -> Before {
        if !self.is_active() {
            return Before::default();
        }
        let ids = batch_ids(batch);
        if ids.is_empty() || self.rules().await.is_empty() {
            return Before::default();
        }
        match self.store.alert_states(platform, &ids).await {
            Ok(states) => Before {
                states: states
                    .into_iter()
                    .map(|s| (s.channel_id.clone(), s))
                    .collect(),
                active: true,
            },
            Err(e) => {
                tracing::warn!(platform = %platform, error = %e, "Could not read channels for the alert rules; this batch raises no alert.");
                Before::default()
            }
        }
    }

    /// Decide what `batch` (written at `at`) changed and queue the deliveries. Returns how many
    /// were queued. Never fails the write: problems are logged.
    pub async fn after(
        &self,
        platform: Platform,
        at: DateTime<Utc>,
        batch: &Batch,
        before: Before,
    ) -> usize {
        if !before.active {
            return 0;
        }
        let after = match self.store.alert_states(platform, &batch_ids(batch)).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(platform = %platform, error = %e, "Could not read channels for the alert rules after a write.");
                return 0;
            }
        };
        let rules = self.rules().await;
        // The day a change or an anomaly is counted on (their once-a-day key), read once.
        let today = if rules
            .iter()
            .any(|r| matches!(r.kind, RuleKind::Change | RuleKind::Anomaly))
        {
            match self.store.analytics_timezone().await {
                Ok(tz) => at.with_timezone(&tz).date_naive(),
                Err(e) => {
                    tracing::warn!(error = %e, "Could not read the analytics time zone; this batch raises no alert.");
                    return 0;
                }
            }
        } else {
            at.date_naive()
        };
        let mut events = Vec::new();
        for now in &after {
            let Some(was) = before.states.get(&now.channel_id) else {
                continue;
            };
            let subject = Subject {
                platform,
                channel_id: &now.channel_id,
                creator: now.creator.as_deref(),
            };
            for rule in rules.iter().filter(|r| in_scope(r, subject)) {
                match self.decide(rule, platform, (at, today), was, now).await {
                    Ok(Some(e)) => events.push((rule, e)),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(rule = %rule.name, platform = %platform, error = %e, "Could not evaluate an alert rule.")
                    }
                }
            }
        }
        let mut queued = 0;
        for (rule, e) in &events {
            queued += self.queue(rule, e, at).await;
        }
        if queued > 0 {
            self.wake.notify_one();
        }
        queued
    }

    /// Queue `e` for each destination of `rule`; how many were new.
    async fn queue(&self, rule: &RuleConfig, e: &AlertEvent, at: DateTime<Utc>) -> usize {
        let payload = match serde_json::to_string(e) {
            Ok(p) => p,
            Err(err) => {
                tracing::error!(error = %err, "Could not encode an alert event.");
                return 0;
            }
        };
        let title = render(e, self.cfg.language).title;
        let key = format!("{}:{}:{}", e.platform.as_str(), e.channel_id, e.key);
        let mut n = 0;
        for dest in &rule.notify {
            let d = NewDelivery {
                rule: &e.rule,
                destination: dest,
                event_key: &key,
                kind: e.kind.as_str(),
                platform: Some(e.platform),
                channel_id: Some(&e.channel_id),
                title: &title,
                payload: &payload,
            };
            match self.store.queue_delivery(&d, at).await {
                Ok(true) => {
                    n += 1;
                    tracing::info!(rule = %e.rule, destination = %dest, platform = %e.platform, channel = %e.channel_id, title = %title, "Alert queued.");
                }
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(rule = %e.rule, destination = %dest, error = %err, "Could not queue an alert.")
                }
            }
        }
        n
    }

    async fn decide(
        &self,
        rule: &RuleConfig,
        platform: Platform,
        (at, today): (DateTime<Utc>, NaiveDate),
        was: &AlertChannelState,
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<AlertEvent>> {
        let found: Option<Found> = match rule.kind {
            RuleKind::Milestone => milestone(rule, platform, was, now),
            RuleKind::Change => self
                .change(rule, platform, (at, today), now)
                .await?
                .map(|(key, facts)| (key, None, facts)),
            RuleKind::Anomaly => self
                .anomaly(rule, platform, (at, today), now)
                .await?
                .map(|(key, facts)| (key, None, facts)),
            RuleKind::Live => self.went_live(at, was, now),
            RuleKind::RecordPeak => self.record_peak(rule, now).await?,
            RuleKind::Missing => missing(was, now),
            RuleKind::Renamed => renamed(at, was, now),
            RuleKind::NewPlatform => self.new_platform(platform, was, now).await?,
        };
        Ok(found.map(|(key, url, facts)| AlertEvent {
            rule: rule.name.clone(),
            kind: rule.kind,
            key,
            platform,
            channel_id: now.channel_id.clone(),
            channel_name: now.name.clone(),
            creator: now.creator.clone(),
            at,
            url: url.or_else(|| platform.channel_url(&now.channel_id, None)),
            facts,
        }))
    }

    /// A broadcast open now that was not before the write, first seen soon enough after it began.
    fn went_live(
        &self,
        at: DateTime<Utc>,
        was: &AlertChannelState,
        now: &AlertChannelState,
    ) -> Option<Found> {
        let s = now.session.as_ref()?;
        if was.session.as_ref().map(|w| w.id) == Some(s.id) {
            return None;
        }
        let max_age = Duration::from_std(self.cfg.live_max_age).unwrap_or(Duration::hours(1));
        if s.started_at.is_some_and(|t| at - t > max_age) {
            return None;
        }
        Some((
            format!("live:{}", s.id),
            Some(s.url.clone()),
            Facts::Live {
                title: s.title.clone(),
                category: s.category.clone(),
                viewers: s.viewers,
                started_at: s.started_at.unwrap_or(at),
            },
        ))
    }

    /// The open broadcast's peak above every earlier broadcast's, after `min_sessions` of them.
    async fn record_peak(
        &self,
        rule: &RuleConfig,
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<Found>> {
        let Some(s) = &now.session else {
            return Ok(None);
        };
        let (count, best) = self.store.alert_past_peaks(now.pk, s.id).await?;
        Ok(match best {
            Some(best) if count >= u64::from(rule.min_sessions) && s.peak_viewers > best => Some((
                format!("record_peak:{}", s.id),
                Some(s.url.clone()),
                Facts::RecordPeak {
                    title: s.title.clone(),
                    viewers: s.peak_viewers,
                    previous: best,
                },
            )),
            _ => None,
        })
    }

    /// A creator's channel observed for the first time, while the creator's other channels were
    /// observed before it was added.
    async fn new_platform(
        &self,
        platform: Platform,
        was: &AlertChannelState,
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<Found>> {
        let (false, true, Some(creator), Some(linked)) = (
            was.observed,
            now.observed,
            now.creator_id,
            now.first_seen_at,
        ) else {
            return Ok(None);
        };
        let known: Vec<Platform> = self
            .store
            .alert_creator_platforms_before(creator, now.pk, linked)
            .await?
            .into_iter()
            .filter(|p| *p != platform)
            .collect();
        Ok((!known.is_empty()).then(|| {
            (
                "new_platform".to_string(),
                None,
                Facts::NewPlatform { known_on: known },
            )
        }))
    }

    /// The metric at the start of the period of `window` ending at `at`, and now (the state
    /// after the write), or `None` when the history has a gap where the period starts: such a
    /// change is unknown, not calm.
    async fn period_ends(
        &self,
        metric: Metric,
        at: DateTime<Utc>,
        window: Window,
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<(u64, u64)>> {
        let Some(to) = metric_of(metric, now) else {
            return Ok(None);
        };
        let start = at - Duration::days(window.days());
        let Some((from, from_at)) = self
            .store
            .alert_value_at(now.pk, metric.as_str(), start)
            .await?
        else {
            return Ok(None);
        };
        Ok((from_at >= start - start_tolerance(window)).then_some((from, to)))
    }

    /// The channel's change over the rule's window, if it passes the rule: once per day.
    async fn change(
        &self,
        rule: &RuleConfig,
        platform: Platform,
        (at, today): (DateTime<Utc>, NaiveDate),
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<(String, Facts)>> {
        let Some((from, to)) = self.period_ends(rule.metric, at, rule.window, now).await? else {
            return Ok(None);
        };
        let change = honest_change(platform, from, to);
        if !change_alerts(
            change,
            from,
            rule.direction,
            rule.threshold,
            rule.threshold_pct,
        ) {
            return Ok(None);
        }
        let window_s = match rule.window {
            Window::Day => "1d",
            Window::Week => "7d",
        };
        Ok(Some((
            format!("change:{}:{window_s}:{today}", rule.metric.as_str()),
            Facts::Change {
                metric: rule.metric,
                window: rule.window,
                change,
                pct: (from > 0).then(|| change as f64 * 100.0 / from as f64),
                from,
                to,
                rounded: rounding_slack(platform, from) + rounding_slack(platform, to) > 0,
            },
        )))
    }

    /// The last 24 hours' change against the 30 days before, if unusual enough: once per day.
    async fn anomaly(
        &self,
        rule: &RuleConfig,
        platform: Platform,
        (at, today): (DateTime<Utc>, NaiveDate),
        now: &AlertChannelState,
    ) -> streamtide_storage::Result<Option<(String, Facts)>> {
        let metric = rule.metric.as_str();
        let Some((from, to)) = self.period_ends(rule.metric, at, Window::Day, now).await? else {
            return Ok(None);
        };
        // Whole days before today: today's own partial delta would be compared with itself.
        let history: Vec<f64> = self
            .store
            .alert_daily_deltas(
                now.pk,
                metric,
                today - Duration::days(30),
                today - Duration::days(1),
            )
            .await?
            .into_iter()
            .map(|(_, d)| d as f64)
            .collect();
        let change = to as i64 - from as i64;
        let rounding = (rounding_slack(platform, from) + rounding_slack(platform, to)) as f64;
        // A flat history must not make a handful of followers unusual: at least 10 or a
        // ten-thousandth of the count (robust_score adds a tenth of the typical day).
        let floor = 10f64.max(to as f64 * 1e-4);
        let Some(a) = streamtide_analytics::robust_score(change as f64, &history, rounding, floor)
        else {
            return Ok(None);
        };
        let score = a.score;
        let passes =
            score.abs() >= rule.score && crate::message::direction_allows(rule.direction, score);
        if !passes {
            return Ok(None);
        }
        Ok(Some((
            format!("anomaly:{metric}:{today}"),
            Facts::Anomaly {
                metric: rule.metric,
                change,
                typical: a.median,
                score: (score * 10.0).round() / 10.0,
                rounded: rounding > 0.0,
            },
        )))
    }
}

/// The channels a batch speaks of.
fn batch_ids(batch: &Batch) -> Vec<String> {
    let mut ids: Vec<String> = match batch {
        Batch::LiveList { items, .. } => items
            .iter()
            .map(|i| i.channel_id.as_str().to_string())
            .collect(),
        Batch::Channels { found, missing } => found
            .iter()
            .map(|o| o.info.channel_id.as_str().to_string())
            .chain(missing.iter().map(|m| m.as_str().to_string()))
            .collect(),
        Batch::LiveListEnd { .. } | Batch::Videos { .. } => Vec::new(),
    };
    ids.sort();
    ids.dedup();
    ids
}
