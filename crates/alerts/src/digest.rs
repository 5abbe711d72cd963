//! Digests (daily and weekly reports) as queued deliveries: the message is rendered when the
//! digest is made and stored whole, so every destination gets the same figures.
//!
//! A digest's figures are the store's follower rankings over the period (the reads behind
//! `GET /api/v1/trends`, by creator and per platform: what they cannot rank is left out, never
//! counted from 0) and the milestones and record peaks the alert rules raised in it. The
//! schedule that makes them is [`crate::reports`].

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use streamtide_core::Platform;
use streamtide_storage::{Store, TrendList, TrendMetric, TrendQuery, TrendSort};

use crate::config::{Language, RuleKind};
use crate::event::AlertEvent;
use crate::message::{group, render, Message};

/// A digest as stored in the delivery log's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDigest {
    /// Always `"digest"`: tells a digest from an alert event.
    #[serde(rename = "type")]
    pub kind: String,
    /// The message per language.
    pub ko: StoredText,
    pub en: StoredText,
    pub url: Option<String>,
    /// The file attached to e-mail (the week's workbook), base64 would bloat the log: a path
    /// under the data directory written when the digest was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_path: Option<String>,
}

/// A digest's text in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredText {
    pub title: String,
    pub text: String,
    pub fields: Vec<(String, String)>,
}

/// The message of a stored digest, or `None` when `payload` is not one.
pub fn stored_message(payload: &str, lang: Language) -> Option<Message> {
    let d: StoredDigest = serde_json::from_str(payload).ok()?;
    if d.kind != "digest" {
        return None;
    }
    let t = match lang {
        Language::Ko => d.ko,
        Language::En => d.en,
    };
    let attachment = d.attachment_path.as_deref().and_then(|p| {
        let bytes = std::fs::read(p).ok()?;
        let name = std::path::Path::new(p)
            .file_name()?
            .to_string_lossy()
            .into_owned();
        Some((name, bytes))
    });
    Some(Message {
        title: t.title,
        text: t.text,
        fields: t.fields,
        url: d.url,
        color: 0x31_82_CE,
        event: None,
        attachment,
    })
}

/// Which digest: the day's or the week's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Daily,
    Weekly,
}

impl Period {
    /// Days the rankings span (the trends' `1d` and `7d`).
    pub fn days(self) -> u32 {
        match self {
            Period::Daily => 1,
            Period::Weekly => 7,
        }
    }

    /// The rule name its deliveries are logged under.
    pub fn rule(self) -> &'static str {
        match self {
            Period::Daily => "report:daily",
            Period::Weekly => "report:weekly",
        }
    }

    /// The once-only event key of the digest due on the local date `day`.
    pub fn event_key(self, day: NaiveDate) -> String {
        format!("{}:{day}", self.rule())
    }
}

/// Entries of a list: the top five, as on the rankings page's first screen.
pub const TOP: u32 = 5;

/// One ranked mover.
#[derive(Debug, Clone, PartialEq)]
pub struct Mover {
    /// The creator's name (creator lists) or the channel's.
    pub name: String,
    pub change: i64,
    pub pct: Option<f64>,
    /// The platform rounds these counts: the change is approximate.
    pub rounded: bool,
}

/// Risers and fallers of one scope over the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Movers {
    /// Largest gains first; only gains.
    pub risers: Vec<Mover>,
    /// Largest losses first; only losses.
    pub fallers: Vec<Mover>,
    /// Candidates whose change is unknown (no value at one end): left out, never counted as 0.
    pub left_out: u32,
    /// Candidates with a known change (of any sign, 0 included).
    pub known: u32,
}

impl Movers {
    fn is_empty(&self) -> bool {
        self.known == 0 && self.left_out == 0
    }
}

/// What a digest says, before it is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestContent {
    pub period: Period,
    /// The period's days (in the rollups' time zone), both included.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The rollups' time zone, named in the text.
    pub timezone: String,
    /// Whether the stored history covers the period; when not, no ranking is given and
    /// `available_from` says from which day it will be.
    pub available: bool,
    pub available_from: Option<NaiveDate>,
    /// Follower risers and fallers by creator (summed across their platforms).
    pub creators: Movers,
    /// The same per platform, by channel, for platforms with any candidate.
    pub platforms: Vec<(Platform, Movers)>,
    /// Milestone and record-peak alerts raised in the period (from the delivery log).
    pub milestones: Vec<AlertEvent>,
    pub records: Vec<AlertEvent>,
}

/// Alerts of the period read back from the delivery log: at most this many rows are read.
const LOG_ROWS: u32 = 5_000;

/// Gather a digest's figures: follower trends over the `period` ending on `last_day` (the same
/// reads as `GET /api/v1/trends`), and the milestones and records the alert rules raised in it.
pub async fn gather(
    store: &Store,
    period: Period,
    last_day: NaiveDate,
) -> streamtide_storage::Result<DigestContent> {
    let tz = store.analytics_timezone().await?;
    let first_day = last_day - Duration::days(i64::from(period.days()) - 1);
    let (creators, available, available_from) = movers(store, period, last_day, None).await?;
    let mut platforms = Vec::new();
    for p in Platform::ALL {
        let (m, _, _) = movers(store, period, last_day, Some(p)).await?;
        if !m.is_empty() {
            platforms.push((p, m));
        }
    }
    // The period's bounds as instants: midnight of its first day to midnight after its last.
    let midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let (start, end) = (midnight(first_day), midnight(last_day + Duration::days(1)));
    let mut milestones = Vec::new();
    let mut records = Vec::new();
    if let (Some(start), Some(end)) = (start, end) {
        let mut seen = std::collections::HashSet::new();
        // Newest first; one entry per destination, so the event key dedupes.
        for row in store.deliveries(None, None, LOG_ROWS).await? {
            let Ok(e) = serde_json::from_str::<AlertEvent>(&row.payload) else {
                continue;
            };
            if e.at < start || e.at >= end || !seen.insert(row.event_key.clone()) {
                continue;
            }
            match e.kind {
                RuleKind::Milestone => milestones.push(e),
                RuleKind::RecordPeak => records.push(e),
                _ => {}
            }
        }
    }
    milestones.sort_by_key(|e| e.at);
    records.sort_by_key(|e| e.at);
    Ok(DigestContent {
        period,
        first_day,
        last_day,
        timezone: tz.name().to_string(),
        available,
        available_from,
        creators,
        platforms,
        milestones,
        records,
    })
}

/// Risers and fallers of followers over the period: by creator, or by channel of `platform`.
async fn movers(
    store: &Store,
    period: Period,
    last_day: NaiveDate,
    platform: Option<Platform>,
) -> streamtide_storage::Result<(Movers, bool, Option<NaiveDate>)> {
    let q = |up: bool| TrendQuery {
        metric: TrendMetric::Followers,
        period_days: period.days(),
        up,
        platform,
        category: None,
        limit: TOP,
        sort: TrendSort::Change,
        as_of: Some(last_day),
        by_creator: platform.is_none(),
        tracked: false,
    };
    let up = store.trends(&q(true)).await?;
    let down = store.trends(&q(false)).await?;
    let take = |l: &TrendList, gain: bool| -> Vec<Mover> {
        l.items
            .iter()
            .filter_map(|r| Some((r, r.change?)))
            .filter(|&(_, c)| if gain { c > 0 } else { c < 0 })
            .map(|(r, change)| Mover {
                name: r.channel_name.clone(),
                change,
                pct: r.change_pct,
                rounded: r.rounded,
            })
            .collect()
    };
    let m = Movers {
        risers: take(&up, true),
        fallers: take(&down, false),
        left_out: up.left_out,
        // Every candidate is a riser, a faller, unchanged, or left out.
        known: up.qualifying + up.other_direction,
    };
    Ok((m, up.available, up.available_from))
}

/// Render a digest in both languages for the delivery log.
pub fn render_digest(
    c: &DigestContent,
    url: Option<String>,
    attachment_path: Option<String>,
) -> StoredDigest {
    let attached = attachment_path.is_some();
    StoredDigest {
        kind: "digest".into(),
        ko: render_text(c, Language::Ko, attached),
        en: render_text(c, Language::En, attached),
        url,
        attachment_path,
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", group(n))
    } else {
        group(n)
    }
}

/// `1. name +1,234 (+2.5%)`, one per line; `≈` marks a change of rounded counts.
fn lines(movers: &[Mover], mark: &str) -> String {
    movers
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let approx = if m.rounded { "≈" } else { "" };
            let pct = m.pct.map_or_else(String::new, |p| format!(" ({p:+.1}%)"));
            format!(
                "{mark}{}. {} {approx}{}{pct}",
                i + 1,
                m.name,
                signed(m.change)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most this many milestones or records are listed; the rest are counted.
const EVENTS_LISTED: usize = 10;

fn render_text(c: &DigestContent, lang: Language, attached: bool) -> StoredText {
    let ko = lang == Language::Ko;
    let days = if c.first_day == c.last_day {
        c.last_day.to_string()
    } else {
        format!("{} ~ {}", c.first_day, c.last_day)
    };
    let title = match (c.period, ko) {
        (Period::Daily, true) => format!("일간 리포트 · {days}"),
        (Period::Daily, false) => format!("Daily report · {days}"),
        (Period::Weekly, true) => format!("주간 리포트 · {days}"),
        (Period::Weekly, false) => format!("Weekly report · {days}"),
    };
    let mut text = if ko {
        format!(
            "{days} ({}) 팔로워 변동 상위 {TOP}: 크리에이터별, 플랫폼별. 기간 양 끝의 값을 모르는 채널은 0으로 치지 않고 뺐습니다.",
            c.timezone
        )
    } else {
        format!(
            "Top {TOP} follower changes over {days} ({}), by creator and per platform. Channels without a value at both ends of the period are left out, not counted as 0.",
            c.timezone
        )
    };
    if attached {
        text.push_str(if ko {
            " 이메일에는 이번 주 통합 문서(.xlsx)가 첨부됩니다."
        } else {
            " E-mail copies carry the week's workbook (.xlsx)."
        });
    }
    let mut fields = ranking_fields(c, ko);
    fields.extend(event_fields(c, lang));
    StoredText {
        title,
        text,
        fields,
    }
}

/// The risers and fallers of a digest, or why there are none yet.
fn ranking_fields(c: &DigestContent, ko: bool) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    if !c.available {
        let when = c.available_from.map_or_else(String::new, |d| d.to_string());
        fields.push(if ko {
            (
                "순위".to_string(),
                if when.is_empty() {
                    "아직 수집된 기록이 없습니다.".to_string()
                } else {
                    format!("기간 전체의 기록이 아직 없습니다: {when}부터 순위가 나옵니다.")
                },
            )
        } else {
            (
                "Rankings".to_string(),
                if when.is_empty() {
                    "No history collected yet.".to_string()
                } else {
                    format!("The history does not cover the period yet: rankings start on {when}.")
                },
            )
        });
    } else {
        let none = if ko { "없음" } else { "none" };
        let left_out = |m: &Movers| {
            (m.left_out > 0).then(|| {
                if ko {
                    format!("(값을 모르는 {}곳 제외)", m.left_out)
                } else {
                    format!("({} with an unknown change left out)", m.left_out)
                }
            })
        };
        if !c.creators.is_empty() {
            let (up, down) = if ko {
                ("상승 · 크리에이터", "하락 · 크리에이터")
            } else {
                ("Risers · creators", "Fallers · creators")
            };
            let or_none = |s: String| if s.is_empty() { none.to_string() } else { s };
            fields.push((up.to_string(), or_none(lines(&c.creators.risers, ""))));
            let mut fallers = or_none(lines(&c.creators.fallers, ""));
            if let Some(n) = left_out(&c.creators) {
                fallers = format!("{fallers}\n{n}");
            }
            fields.push((down.to_string(), fallers));
        }
        for (p, m) in &c.platforms {
            let name = if ko {
                p.facts().name_ko
            } else {
                p.facts().name_en
            };
            let mut parts = Vec::new();
            if !m.risers.is_empty() {
                parts.push(lines(&m.risers, "▲ "));
            }
            if !m.fallers.is_empty() {
                parts.push(lines(&m.fallers, "▼ "));
            }
            if parts.is_empty() {
                parts.push(
                    if m.known > 0 {
                        if ko {
                            "변동 없음"
                        } else {
                            "no change"
                        }
                    } else {
                        none
                    }
                    .to_string(),
                );
            }
            parts.extend(left_out(m));
            fields.push((name.to_string(), parts.join("\n")));
        }
    }
    fields
}

/// The milestones and records the rules raised in the period.
fn event_fields(c: &DigestContent, lang: Language) -> Vec<(String, String)> {
    let ko = lang == Language::Ko;
    let mut fields = Vec::new();
    for (events, label) in [
        (&c.milestones, if ko { "기록 돌파" } else { "Milestones" }),
        (
            &c.records,
            if ko {
                "최고 시청자 기록"
            } else {
                "Record peaks"
            },
        ),
    ] {
        if events.is_empty() {
            continue;
        }
        let mut listed: Vec<String> = events
            .iter()
            .take(EVENTS_LISTED)
            .map(|e| format!("• {}", render(e, lang).title))
            .collect();
        if events.len() > EVENTS_LISTED {
            let more = events.len() - EVENTS_LISTED;
            listed.push(if ko {
                format!("외 {more}건")
            } else {
                format!("and {more} more")
            });
        }
        fields.push((label.to_string(), listed.join("\n")));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(available: bool) -> DigestContent {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        DigestContent {
            period: Period::Daily,
            first_day: day,
            last_day: day,
            timezone: "Asia/Seoul".into(),
            available,
            available_from: Some(day + Duration::days(2)),
            creators: Movers::default(),
            platforms: vec![(
                Platform::Youtube,
                Movers {
                    risers: vec![Mover {
                        name: "yt".into(),
                        change: 1_000,
                        pct: None,
                        rounded: true,
                    }],
                    fallers: vec![],
                    left_out: 2,
                    known: 1,
                },
            )],
            milestones: vec![],
            records: vec![],
        }
    }

    #[test]
    fn unknown_changes_are_said_and_never_ranked() {
        let d = render_digest(&content(true), None, None);
        let (label, text) = &d.en.fields[0];
        assert_eq!(label, "YouTube");
        // Rounded counts: approximate; no loss invented; the unknown ones counted, not zero.
        assert_eq!(text, "▲ 1. yt ≈+1,000\n(2 with an unknown change left out)");
        assert!(d.ko.fields[0].1.contains("값을 모르는 2곳 제외"));
        // No creator is linked: no creator lists at all (not an empty "none").
        assert_eq!(d.en.fields.len(), 1);

        let d = render_digest(&content(false), None, None);
        assert_eq!(
            d.en.fields,
            vec![(
                "Rankings".to_string(),
                "The history does not cover the period yet: rankings start on 2026-12-05."
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_stored_digest_reads_back_with_its_attachment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("streamtide-weekly-2026-11-30.xlsx");
        std::fs::write(&path, b"PK").unwrap();
        let d = render_digest(
            &content(true),
            Some("https://x/#/rankings".into()),
            Some(path.to_string_lossy().into_owned()),
        );
        let m = stored_message(&serde_json::to_string(&d).unwrap(), Language::Ko).unwrap();
        assert_eq!(m.title, "일간 리포트 · 2026-12-03");
        assert_eq!(
            m.attachment,
            Some(("streamtide-weekly-2026-11-30.xlsx".into(), b"PK".to_vec()))
        );
        assert!(m.text.contains("첨부"));
    }
}
