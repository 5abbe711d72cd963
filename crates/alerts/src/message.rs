//! An event rendered for people, in Korean or English: a title, a line of text, labelled
//! figures and a link. Each delivery channel lays the same [`Message`] out in its own format.

use chrono::{DateTime, Utc};
use serde::Serialize;
use streamtide_core::Platform;

use crate::config::{Direction, Language, Metric, RuleKind, Window};
use crate::event::{AlertEvent, Facts};

/// A rendered alert or digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// One line: who and what (`"풍월량 팔로워 100만 돌파"`).
    pub title: String,
    /// A sentence or a few lines of plain text.
    pub text: String,
    /// Labelled figures, in order.
    pub fields: Vec<(String, String)>,
    /// Where a click goes.
    pub url: Option<String>,
    /// An accent colour (RGB), by kind: green up, red down, purple live, grey other.
    pub color: u32,
    /// The event, for the JSON webhook's machine-readable body (`None` for a digest).
    pub event: Option<AlertEvent>,
    /// A file to attach where the channel can (e-mail): name and bytes.
    #[serde(skip)]
    pub attachment: Option<(String, Vec<u8>)>,
}

const GREEN: u32 = 0x2E_A0_43;
const RED: u32 = 0xD7_3A_49;
const PURPLE: u32 = 0x91_46_FF;
const GREY: u32 = 0x6A_73_7D;

/// Thousands separators: 1234567 → "1,234,567".
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", group(n))
    } else {
        group(n)
    }
}

fn metric_name(m: Metric, lang: Language) -> &'static str {
    match (m, lang) {
        (Metric::Followers, Language::Ko) => "팔로워",
        (Metric::Followers, Language::En) => "followers",
        (Metric::TotalViews, Language::Ko) => "누적 조회수",
        (Metric::TotalViews, Language::En) => "total views",
    }
}

fn platform_name(p: streamtide_core::Platform, lang: Language) -> &'static str {
    let f = p.facts();
    match lang {
        Language::Ko => f.name_ko,
        Language::En => f.name_en,
    }
}

/// A rule kind's name as people read it.
pub fn kind_name(kind: RuleKind, lang: Language) -> &'static str {
    match (kind, lang) {
        (RuleKind::Milestone, Language::Ko) => "기록 돌파",
        (RuleKind::Milestone, Language::En) => "Milestone",
        (RuleKind::Change, Language::Ko) => "큰 변화",
        (RuleKind::Change, Language::En) => "Large change",
        (RuleKind::Anomaly, Language::Ko) => "이상 변화",
        (RuleKind::Anomaly, Language::En) => "Unusual change",
        (RuleKind::Live, Language::Ko) => "방송 시작",
        (RuleKind::Live, Language::En) => "Went live",
        (RuleKind::RecordPeak, Language::Ko) => "최고 시청자 기록",
        (RuleKind::RecordPeak, Language::En) => "Record viewers",
        (RuleKind::Missing, Language::Ko) => "채널 사라짐",
        (RuleKind::Missing, Language::En) => "Channel missing",
        (RuleKind::Renamed, Language::Ko) => "채널 이름 변경",
        (RuleKind::Renamed, Language::En) => "Channel renamed",
        (RuleKind::NewPlatform, Language::Ko) => "새 플랫폼",
        (RuleKind::NewPlatform, Language::En) => "New platform",
    }
}

/// Render `e` in `lang`.
pub fn render(e: &AlertEvent, lang: Language) -> Message {
    let ko = lang == Language::Ko;
    let who = match &e.creator {
        Some(c) if c != &e.channel_name => format!("{} ({})", e.channel_name, c),
        _ => e.channel_name.clone(),
    };
    let platform = platform_name(e.platform, lang);
    let mut fields = vec![(
        if ko { "플랫폼" } else { "Platform" }.to_string(),
        platform.to_string(),
    )];
    let c = Ctx {
        ko,
        lang,
        who: &who,
        platform,
        creator: e.creator.as_deref(),
    };
    let (title, text, color) = match &e.facts {
        Facts::Milestone {
            metric,
            milestone,
            value,
            rounded,
        } => milestone_text(&c, &mut fields, metric, milestone, value, rounded),
        Facts::Change {
            metric,
            window,
            change,
            pct,
            from,
            to,
            rounded,
        } => change_text(
            &c,
            &mut fields,
            (metric, window),
            (change, pct),
            (from, to),
            rounded,
        ),
        Facts::Anomaly {
            metric,
            change,
            typical,
            score,
            rounded,
        } => anomaly_text(&c, &mut fields, metric, change, typical, score, rounded),
        Facts::Live {
            title,
            category,
            viewers,
            ..
        } => live_text(&c, &mut fields, title, category, viewers),
        Facts::RecordPeak {
            title,
            viewers,
            previous,
        } => record_peak_text(&c, &mut fields, title, viewers, previous),
        Facts::Missing { since } => missing_text(&c, &mut fields, since),
        Facts::Renamed { from, to } => renamed_text(&c, &mut fields, from, to),
        Facts::NewPlatform { known_on } => new_platform_text(&c, &mut fields, known_on),
    };
    Message {
        title,
        text,
        fields,
        url: e.url.clone(),
        color,
        event: Some(e.clone()),
        attachment: None,
    }
}

/// What every kind's text needs.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    ko: bool,
    lang: Language,
    who: &'a str,
    platform: &'a str,
    creator: Option<&'a str>,
}

/// The title, text and colour of a milestone event (its figures go to `fields`).
fn milestone_text(
    c: &Ctx<'_>,
    fields: &mut Vec<(String, String)>,
    metric: &Metric,
    milestone: &u64,
    value: &u64,
    rounded: &bool,
) -> (String, String, u32) {
    let Ctx {
        ko,
        lang,
        who,
        platform,
        ..
    } = *c;
    let m = metric_name(*metric, lang);
    fields.push((m.to_string(), group(*value as i64)));
    let note = match (rounded, ko) {
        (true, true) => " (플랫폼이 반올림한 수)",
        (true, false) => " (as rounded by the platform)",
        _ => "",
    };
    if ko {
        (
            format!("{who} {m} {} 돌파", group(*milestone as i64)),
            format!(
                "{platform}의 {who} 채널이 {m} {}명을 넘었습니다{note}.",
                group(*milestone as i64)
            ),
            GREEN,
        )
    } else {
        (
            format!("{who} passed {} {m}", group(*milestone as i64)),
            format!(
                "{who} on {platform} now has {} {m}{note}.",
                group(*value as i64)
            ),
            GREEN,
        )
    }
}

/// The title, text and colour of a change event (its figures go to `fields`).
fn change_text(
    c: &Ctx<'_>,
    fields: &mut Vec<(String, String)>,
    (metric, window): (&Metric, &Window),
    (change, pct): (&i64, &Option<f64>),
    (from, to): (&u64, &u64),
    rounded: &bool,
) -> (String, String, u32) {
    let Ctx {
        ko,
        lang,
        who,
        platform,
        ..
    } = *c;
    let m = metric_name(*metric, lang);
    let period = match (window, ko) {
        (Window::Day, true) => "하루",
        (Window::Day, false) => "a day",
        (Window::Week, true) => "일주일",
        (Window::Week, false) => "a week",
    };
    let pct_s = pct.map(|p| format!(" ({p:+.1}%)")).unwrap_or_default();
    fields.push((
        m.to_string(),
        format!("{} → {}", group(*from as i64), group(*to as i64)),
    ));
    fields.push((
        if ko { "변화" } else { "Change" }.to_string(),
        format!("{}{pct_s}", signed(*change)),
    ));
    let note = if *rounded {
        if ko {
            " 반올림된 수의 최소 변화입니다."
        } else {
            " The least change the rounded counts allow."
        }
    } else {
        ""
    };
    let color = if *change >= 0 { GREEN } else { RED };
    if ko {
        (
            format!("{who} {m} {period} {}", signed(*change)),
            format!(
                "{platform}의 {who} 채널 {m}가 {period} 동안 {}{pct_s} 변했습니다.{note}",
                signed(*change)
            ),
            color,
        )
    } else {
        (
            format!("{who}: {} {m} in {period}", signed(*change)),
            format!(
                "{who} on {platform} changed by {}{pct_s} {m} in {period}.{note}",
                signed(*change)
            ),
            color,
        )
    }
}

/// The title, text and colour of a anomaly event (its figures go to `fields`).
fn anomaly_text(
    c: &Ctx<'_>,
    fields: &mut Vec<(String, String)>,
    metric: &Metric,
    change: &i64,
    typical: &f64,
    score: &f64,
    rounded: &bool,
) -> (String, String, u32) {
    let Ctx {
        ko,
        lang,
        who,
        platform,
        ..
    } = *c;
    let m = metric_name(*metric, lang);
    fields.push((
        if ko { "24시간 변화" } else { "Last 24 h" }.to_string(),
        signed(*change),
    ));
    fields.push((
        if ko {
            "평소 하루 변화"
        } else {
            "Typical day"
        }
        .to_string(),
        signed(typical.round() as i64),
    ));
    fields.push((
        if ko { "이상 점수" } else { "Score" }.to_string(),
        format!("{score:.1}"),
    ));
    let _ = rounded;
    let color = if (*change as f64) >= *typical {
        GREEN
    } else {
        RED
    };
    if ko {
        (
                format!("{who} {m} 이상 변화 {}", signed(*change)),
                format!(
                    "{platform}의 {who} 채널 {m}가 24시간 동안 {} 변했습니다. 평소 하루 변화는 {}입니다.",
                    signed(*change),
                    signed(typical.round() as i64)
                ),
                color,
            )
    } else {
        (
            format!("{who}: unusual {m} change {}", signed(*change)),
            format!(
                "{who} on {platform} changed by {} {m} in 24 hours; a typical day is {}.",
                signed(*change),
                signed(typical.round() as i64)
            ),
            color,
        )
    }
}

/// The title, text and colour of a live event (its figures go to `fields`).
fn live_text(
    c: &Ctx<'_>,
    fields: &mut Vec<(String, String)>,
    title: &str,
    category: &Option<String>,
    viewers: &u64,
) -> (String, String, u32) {
    let Ctx {
        ko, who, platform, ..
    } = *c;
    fields.push((
        if ko { "시청자" } else { "Viewers" }.to_string(),
        group(*viewers as i64),
    ));
    if let Some(c) = category {
        fields.push((
            if ko { "카테고리" } else { "Category" }.to_string(),
            c.clone(),
        ));
    }
    if ko {
        (
            format!("{who} 방송 시작"),
            format!("{platform} · {title}"),
            PURPLE,
        )
    } else {
        (
            format!("{who} is live"),
            format!("{platform} · {title}"),
            PURPLE,
        )
    }
}

/// The title, text and colour of a record peak event (its figures go to `fields`).
fn record_peak_text(
    c: &Ctx<'_>,
    fields: &mut Vec<(String, String)>,
    title: &str,
    viewers: &u64,
    previous: &u64,
) -> (String, String, u32) {
    let Ctx {
        ko, who, platform, ..
    } = *c;
    fields.push((
        if ko { "시청자" } else { "Viewers" }.to_string(),
        group(*viewers as i64),
    ));
    fields.push((
        if ko {
            "이전 최고"
        } else {
            "Previous record"
        }
        .to_string(),
        group(*previous as i64),
    ));
    if ko {
        (
            format!("{who} 최고 시청자 기록 {}", group(*viewers as i64)),
            format!("{platform} · {title}"),
            PURPLE,
        )
    } else {
        (
            format!("{who}: record {} viewers", group(*viewers as i64)),
            format!("{platform} · {title}"),
            PURPLE,
        )
    }
}

/// The title, text and colour of a missing event (its figures go to `fields`).
fn missing_text(
    c: &Ctx<'_>,
    _fields: &mut Vec<(String, String)>,
    since: &DateTime<Utc>,
) -> (String, String, u32) {
    let Ctx {
        ko, who, platform, ..
    } = *c;
    let since = since.format("%Y-%m-%d %H:%M UTC");
    if ko {
        (
            format!("{who} 채널을 찾을 수 없음"),
            format!("{platform}가 {since}부터 이 채널을 모른다고 답합니다 (삭제, 정지 또는 이전)."),
            RED,
        )
    } else {
        (
                format!("{who}: channel missing"),
                format!("{platform} has answered since {since} that it does not know this channel (deleted, suspended or moved)."),
                RED,
            )
    }
}

/// The title, text and colour of a renamed event (its figures go to `fields`).
fn renamed_text(
    c: &Ctx<'_>,
    _fields: &mut Vec<(String, String)>,
    from: &str,
    to: &str,
) -> (String, String, u32) {
    let Ctx { ko, platform, .. } = *c;
    if ko {
        (
            format!("{from} → {to} 이름 변경"),
            format!("{platform} 채널 이름이 바뀌었습니다: {from} → {to}"),
            GREY,
        )
    } else {
        (
            format!("{from} is now {to}"),
            format!("The {platform} channel was renamed: {from} → {to}"),
            GREY,
        )
    }
}

/// The title, text and colour of a new platform event (its figures go to `fields`).
fn new_platform_text(
    c: &Ctx<'_>,
    _fields: &mut Vec<(String, String)>,
    known_on: &[Platform],
) -> (String, String, u32) {
    let Ctx {
        ko,
        lang,
        who,
        platform,
        creator,
        ..
    } = *c;
    let known: Vec<&str> = known_on.iter().map(|p| platform_name(*p, lang)).collect();
    if ko {
        (
            format!("{who} {platform} 채널 첫 관측"),
            format!(
                "{} 크리에이터의 {platform} 채널이 처음 관측되었습니다 (기존: {}).",
                creator.unwrap_or(who),
                known.join(", ")
            ),
            GREEN,
        )
    } else {
        (
            format!("{who} appeared on {platform}"),
            format!(
                "{}'s {platform} channel was observed for the first time (already on {}).",
                creator.unwrap_or(who),
                known.join(", ")
            ),
            GREEN,
        )
    }
}

/// Whether a change of `change` passes a rule's direction.
pub fn direction_allows(d: Direction, change: f64) -> bool {
    match d {
        Direction::Up => change > 0.0,
        Direction::Down => change < 0.0,
        Direction::Both => change != 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use streamtide_core::Platform;

    fn event(facts: Facts, kind: RuleKind) -> AlertEvent {
        AlertEvent {
            rule: "r".into(),
            kind,
            key: "k".into(),
            platform: Platform::Chzzk,
            channel_id: "abc".into(),
            channel_name: "풍월량".into(),
            creator: Some("풍월량".into()),
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap(),
            url: Some("https://chzzk.naver.com/abc".into()),
            facts,
        }
    }

    #[test]
    fn milestone_in_both_languages() {
        let e = event(
            Facts::Milestone {
                metric: Metric::Followers,
                milestone: 1_000_000,
                value: 1_000_412,
                rounded: false,
            },
            RuleKind::Milestone,
        );
        let ko = render(&e, Language::Ko);
        assert_eq!(ko.title, "풍월량 팔로워 1,000,000 돌파");
        let en = render(&e, Language::En);
        assert_eq!(en.title, "풍월량 passed 1,000,000 followers");
        assert!(en.text.contains("1,000,412"));
        assert_eq!(ko.color, GREEN);
    }

    #[test]
    fn losses_are_red_and_signed() {
        let e = event(
            Facts::Change {
                metric: Metric::Followers,
                window: Window::Day,
                change: -5_000,
                pct: Some(-2.5),
                from: 200_000,
                to: 195_000,
                rounded: false,
            },
            RuleKind::Change,
        );
        let m = render(&e, Language::En);
        assert_eq!(m.color, RED);
        assert!(m.title.contains("-5,000"), "{}", m.title);
        assert!(
            m.fields.iter().any(|(_, v)| v == "-5,000 (-2.5%)"),
            "{:?}",
            m.fields
        );
        assert_eq!(group(0), "0");
        assert_eq!(group(-1234), "-1,234");
        assert_eq!(group(999), "999");
    }
}
