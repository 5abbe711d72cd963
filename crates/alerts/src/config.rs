//! `[alerts]`: delivery channels (`[[alerts.channels]]`), rules (`[[alerts.rules]]`) and the
//! scheduled digests (`[alerts.reports]`).
//!
//! The names here are the interface users write in TOML and send to `POST /api/v1/alerts/rules`;
//! every table denies unknown keys so a typo fails at start-up naming the key. Webhook URLs,
//! tokens, passwords and signing keys are [`Secret`]s: they never print.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use streamtide_core::{Platform, Secret};

/// `[alerts]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// Where messages go. A rule names channels in its `notify`.
    pub channels: Vec<ChannelConfig>,
    /// What is worth a message.
    pub rules: Vec<RuleConfig>,
    /// Language of messages unless a channel sets its own: `ko` or `en`.
    pub language: Language,
    /// Base URL of this server's web UI, for links in messages (e.g. `https://live.example.kr`).
    /// Empty: messages link to the platforms' own pages only.
    pub public_url: String,
    /// Attempts per delivery before it is marked failed (the first included).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled for each further one (at most an hour).
    #[serde(with = "humantime_serde")]
    pub retry_backoff: Duration,
    /// One delivery attempt's time limit (connect, send, answer).
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// A broadcast first seen longer ago than this is not announced as going live (a collector
    /// that was down for a day does not announce yesterday's streams).
    #[serde(with = "humantime_serde")]
    pub live_max_age: Duration,
    /// The daily and weekly digests.
    pub reports: ReportsConfig,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            channels: Vec::new(),
            rules: Vec::new(),
            language: Language::Ko,
            public_url: String::new(),
            max_attempts: 6,
            retry_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            live_max_age: Duration::from_secs(60 * 60),
            reports: ReportsConfig::default(),
        }
    }
}

/// Message language.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ko,
    En,
}

/// The kind of a delivery channel.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// A JSON POST signed with HMAC-SHA256 (`X-Streamtide-Signature: sha256=<hex>`).
    Webhook,
    /// A Discord webhook (`https://discord.com/api/webhooks/…`).
    Discord,
    /// A Slack incoming webhook (`https://hooks.slack.com/services/…`).
    Slack,
    /// A Telegram bot's `sendMessage` to one chat.
    Telegram,
    /// E-mail over SMTP.
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Discord => "discord",
            ChannelKind::Slack => "slack",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Email => "email",
        }
    }
}

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a test sink.
    None,
}

/// `[[alerts.channels]]`: one destination. Which keys apply depends on `kind`; `validate` says
/// which are missing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    /// How rules refer to it (`notify = ["ops"]`).
    pub name: String,
    pub kind: ChannelKind,
    /// webhook, discord, slack: where to POST. A secret: Discord and Slack URLs carry the token.
    #[serde(default)]
    pub url: Secret,
    /// webhook: the HMAC-SHA256 key of `X-Streamtide-Signature`.
    #[serde(default)]
    pub secret: Secret,
    /// telegram: the bot token (`123456:ABC…`).
    #[serde(default)]
    pub token: Secret,
    /// telegram: the chat (a number, or `@channelname`).
    #[serde(default)]
    pub chat_id: String,
    /// telegram: the Bot API's address (tests and self-hosted Bot API servers).
    #[serde(default = "default_telegram_api")]
    pub api_base: String,
    /// email: the SMTP server.
    #[serde(default)]
    pub smtp_host: String,
    /// email: its port (0: 587 for STARTTLS, 465 for TLS, 25 without).
    #[serde(default)]
    pub smtp_port: u16,
    #[serde(default)]
    pub smtp_tls: SmtpTls,
    /// email: login (empty: no authentication).
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: Secret,
    /// email: the sender, e.g. `streamtide <alerts@example.kr>`.
    #[serde(default)]
    pub from: String,
    /// email: the recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// Message language of this channel (default: `[alerts] language`).
    #[serde(default)]
    pub language: Option<Language>,
}

fn default_telegram_api() -> String {
    "https://api.telegram.org".into()
}

impl ChannelConfig {
    /// A destination of `kind` with nothing else set (each kind's keys are then filled in).
    pub fn new(name: impl Into<String>, kind: ChannelKind) -> ChannelConfig {
        ChannelConfig {
            name: name.into(),
            kind,
            url: Secret::default(),
            secret: Secret::default(),
            token: Secret::default(),
            chat_id: String::new(),
            api_base: default_telegram_api(),
            smtp_host: String::new(),
            smtp_port: 0,
            smtp_tls: SmtpTls::default(),
            username: String::new(),
            password: Secret::default(),
            from: String::new(),
            to: Vec::new(),
            language: None,
        }
    }

    /// What is missing or malformed for its kind, as one message per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let n = &self.name;
        if n.trim().is_empty() {
            out.push("a channel has no name".to_string());
        }
        let url_needed = matches!(
            self.kind,
            ChannelKind::Webhook | ChannelKind::Discord | ChannelKind::Slack
        );
        if url_needed {
            if !self.url.is_set() {
                out.push(format!(
                    "channel {n}: `url` is required for kind {}",
                    self.kind.as_str()
                ));
            } else if !is_http_url(self.url.expose()) {
                // The value is a secret: say what is wrong without repeating it.
                out.push(format!("channel {n}: `url` must be an http(s) URL"));
            }
        }
        match self.kind {
            ChannelKind::Telegram => {
                if !self.token.is_set() {
                    out.push(format!(
                        "channel {n}: `token` is required for kind telegram"
                    ));
                }
                if self.chat_id.trim().is_empty() {
                    out.push(format!(
                        "channel {n}: `chat_id` is required for kind telegram"
                    ));
                }
                if !is_http_url(&self.api_base) {
                    out.push(format!("channel {n}: `api_base` must be an http(s) URL"));
                }
            }
            ChannelKind::Email => {
                if self.smtp_host.trim().is_empty() {
                    out.push(format!(
                        "channel {n}: `smtp_host` is required for kind email"
                    ));
                }
                if self.from.trim().is_empty() {
                    out.push(format!("channel {n}: `from` is required for kind email"));
                }
                if self.to.is_empty() {
                    out.push(format!("channel {n}: `to` needs at least one address"));
                }
            }
            _ => {}
        }
        out
    }

    /// The language of this channel's messages.
    pub fn language_or(&self, default: Language) -> Language {
        self.language.unwrap_or(default)
    }
}

fn is_http_url(s: &str) -> bool {
    url::Url::parse(s.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// The kind of a rule.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The metric crossed a round number (1 or 5 × 10ⁿ) or one of `milestones`.
    Milestone,
    /// The metric changed over `window` by at least `threshold` (absolute) or `threshold_pct`.
    Change,
    /// The last 24 hours' change is far outside the channel's own last 30 days' daily changes.
    Anomaly,
    /// A tracked channel went live.
    Live,
    /// A broadcast passed the channel's highest peak of viewers so far.
    RecordPeak,
    /// The platform no longer knows the channel.
    Missing,
    /// The channel's display name changed.
    Renamed,
    /// A creator's channel on another platform was observed for the first time.
    NewPlatform,
}

impl RuleKind {
    pub const ALL: [RuleKind; 8] = [
        RuleKind::Milestone,
        RuleKind::Change,
        RuleKind::Anomaly,
        RuleKind::Live,
        RuleKind::RecordPeak,
        RuleKind::Missing,
        RuleKind::Renamed,
        RuleKind::NewPlatform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Milestone => "milestone",
            RuleKind::Change => "change",
            RuleKind::Anomaly => "anomaly",
            RuleKind::Live => "live",
            RuleKind::RecordPeak => "record_peak",
            RuleKind::Missing => "missing",
            RuleKind::Renamed => "renamed",
            RuleKind::NewPlatform => "new_platform",
        }
    }

    /// Whether the rule reads a counter (`metric`).
    pub fn has_metric(self) -> bool {
        matches!(
            self,
            RuleKind::Milestone | RuleKind::Change | RuleKind::Anomaly
        )
    }
}

/// The counter a milestone, change or anomaly rule watches.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    #[default]
    Followers,
    /// Also spelt `views`, as the trends API names it.
    #[serde(alias = "views")]
    TotalViews,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Followers => "followers",
            Metric::TotalViews => "total_views",
        }
    }
}

/// Which way a change counts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    #[default]
    Both,
}

/// The period of a `change` rule.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum Window {
    #[default]
    #[serde(rename = "1d")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl Window {
    pub fn days(self) -> i64 {
        match self {
            Window::Day => 1,
            Window::Week => 7,
        }
    }
}

/// `[[alerts.rules]]` (and the body of `POST /api/v1/alerts/rules`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Unique; part of every alert's once-only key, so renaming a rule re-arms it.
    pub name: String,
    pub kind: RuleKind,
    /// milestone, change, anomaly: `followers` (default) or `total_views`.
    #[serde(default)]
    pub metric: Metric,
    /// Channel names (`[[alerts.channels]]`) to deliver to.
    pub notify: Vec<String>,
    /// Scope: only this creator's channels (the roster's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// Scope: only this platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Scope: only this channel, as `platform:id` (e.g. `chzzk:0b33823ac81de48d5b78a38cdbc0ab94`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// milestone: exact numbers to announce instead of the round ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<u64>,
    /// change: the period, `1d` (default) or `7d` (also accepted as `period`, the trends API's
    /// word).
    #[serde(default, alias = "period")]
    pub window: Window,
    /// change: the least absolute change that alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u64>,
    /// change: the least change in percent of the period's start value that alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_pct: Option<f64>,
    /// change, anomaly: `up`, `down` or `both` (default).
    #[serde(default)]
    pub direction: Direction,
    /// anomaly: the least robust score (distance from the median daily change in units of the
    /// scaled median absolute deviation) that alerts.
    #[serde(default = "default_score")]
    pub score: f64,
    /// record_peak: the channel's past broadcasts needed before a peak counts as a record.
    #[serde(default = "default_min_sessions")]
    pub min_sessions: u32,
}

fn default_score() -> f64 {
    6.0
}

fn default_min_sessions() -> u32 {
    3
}

impl RuleConfig {
    /// Problems with this rule given the configured channel names.
    pub fn problems(&self, channels: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        let n = &self.name;
        if n.trim().is_empty() {
            out.push("a rule has no name".to_string());
        }
        if n.len() > 100 {
            out.push(format!("rule {n}: the name is longer than 100 bytes"));
        }
        if self.notify.is_empty() {
            out.push(format!("rule {n}: `notify` names no channel"));
        }
        for c in &self.notify {
            if !channels.contains(&c.as_str()) {
                out.push(format!(
                    "rule {n}: `notify` names `{c}`, which is not an [[alerts.channels]] name"
                ));
            }
        }
        if let Some(ch) = &self.channel {
            if crate::scope::parse_channel(ch).is_none() {
                out.push(format!(
                    "rule {n}: `channel` must be `platform:id` (e.g. chzzk:0b33823ac81de48d5b78a38cdbc0ab94), got `{ch}`"
                ));
            }
        }
        if self.kind == RuleKind::Change && self.threshold.is_none() && self.threshold_pct.is_none()
        {
            out.push(format!(
                "rule {n}: a change rule needs `threshold` or `threshold_pct`"
            ));
        }
        if self
            .threshold_pct
            .is_some_and(|p| !(p.is_finite() && p > 0.0))
        {
            out.push(format!(
                "rule {n}: `threshold_pct` must be a positive number"
            ));
        }
        if !(self.score.is_finite() && self.score > 0.0) {
            out.push(format!("rule {n}: `score` must be a positive number"));
        }
        if self.milestones.contains(&0) {
            out.push(format!("rule {n}: a milestone of 0 is never crossed"));
        }
        out
    }
}

/// `[alerts.reports]`: the digests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReportsConfig {
    /// Channels that get the daily digest (empty: none is sent).
    pub daily: Vec<String>,
    /// Channels that get the weekly digest (with the week's workbook attached to e-mail).
    pub weekly: Vec<String>,
    /// Local time of day both are sent, `HH:MM`.
    pub time: String,
    /// IANA time zone of `time` and of the days and weeks.
    pub timezone: String,
    /// Day of the weekly digest: `mon` … `sun`.
    pub weekday: String,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        ReportsConfig {
            daily: Vec::new(),
            weekly: Vec::new(),
            time: "09:00".into(),
            timezone: "Asia/Seoul".into(),
            weekday: "mon".into(),
        }
    }
}

impl AlertsConfig {
    /// Every problem of the section, or `Ok`.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut out = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for c in &self.channels {
            out.extend(c.problems());
            if names.contains(&c.name.as_str()) {
                out.push(format!("two [[alerts.channels]] are named `{}`", c.name));
            }
            names.push(&c.name);
        }
        let mut rules: Vec<&str> = Vec::new();
        for r in &self.rules {
            out.extend(r.problems(&names));
            if rules.contains(&r.name.as_str()) {
                out.push(format!("two [[alerts.rules]] are named `{}`", r.name));
            }
            rules.push(&r.name);
        }
        for c in self.reports.daily.iter().chain(&self.reports.weekly) {
            if !names.contains(&c.as_str()) {
                out.push(format!(
                    "[alerts.reports] names `{c}`, which is not an [[alerts.channels]] name"
                ));
            }
        }
        if self.max_attempts == 0 {
            out.push("[alerts] max_attempts must be at least 1".to_string());
        }
        if self.timeout.is_zero() {
            out.push("[alerts] timeout must be more than 0".to_string());
        }
        if !self.public_url.is_empty() && !is_http_url(&self.public_url) {
            out.push("[alerts] public_url must be an http(s) URL".to_string());
        }
        if crate::schedule::parse_time(&self.reports.time).is_none() {
            out.push(format!(
                "[alerts.reports] time must be HH:MM, got `{}`",
                self.reports.time
            ));
        }
        if self.reports.timezone.parse::<chrono_tz::Tz>().is_err() {
            out.push(format!(
                "[alerts.reports] timezone `{}` is not an IANA name",
                self.reports.timezone
            ));
        }
        if crate::schedule::parse_weekday(&self.reports.weekday).is_none() {
            out.push(format!(
                "[alerts.reports] weekday must be mon … sun, got `{}`",
                self.reports.weekday
            ));
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(out)
        }
    }

    pub fn channel(&self, name: &str) -> Option<&ChannelConfig> {
        self.channels.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses_and_validates() {
        let toml = r#"
[[channels]]
name = "ops"
kind = "webhook"
url = "https://ops.example.kr/hook"
secret = "k3y"

[[rules]]
name = "million"
kind = "milestone"
metric = "followers"
notify = ["ops"]
"#;
        let cfg: AlertsConfig = toml::from_str(toml).unwrap();
        assert_eq!(cfg.validate(), Ok(()));
        // The trends API's words are understood too.
        let r: RuleConfig = toml::from_str(
            "name = \"v\"\nkind = \"change\"\nmetric = \"views\"\nperiod = \"7d\"\nthreshold = 1\nnotify = [\"ops\"]",
        )
        .unwrap();
        assert_eq!((r.metric, r.window), (Metric::TotalViews, Window::Week));
        assert_eq!(cfg.rules[0].kind, RuleKind::Milestone);
        // Secrets never print.
        let shown = format!("{cfg:?} {}", serde_json::to_string(&cfg).unwrap());
        assert!(
            !shown.contains("k3y") && !shown.contains("ops.example.kr/hook"),
            "{shown}"
        );
    }

    #[test]
    fn problems_name_the_key_and_never_the_secret() {
        let cfg = AlertsConfig {
            channels: vec![ChannelConfig {
                url: Secret::new("not a url token=abc"),
                ..ChannelConfig::new("d", ChannelKind::Discord)
            }],
            rules: vec![RuleConfig {
                name: "c".into(),
                kind: RuleKind::Change,
                metric: Metric::Followers,
                notify: vec!["nope".into()],
                creator: None,
                platform: None,
                channel: Some("chzzk".into()),
                milestones: vec![],
                window: Window::Day,
                threshold: None,
                threshold_pct: None,
                direction: Direction::Both,
                score: 6.0,
                min_sessions: 3,
            }],
            ..AlertsConfig::default()
        };
        let errs = cfg.validate().unwrap_err().join("\n");
        assert!(errs.contains("`url` must be an http(s) URL"), "{errs}");
        assert!(!errs.contains("abc"), "{errs}");
        assert!(errs.contains("`nope`"), "{errs}");
        assert!(errs.contains("threshold"), "{errs}");
        assert!(errs.contains("platform:id"), "{errs}");
    }
}
