//! Pure SOOP parse functions: bytes in, normalised observations out.

use streamtide_core::{
    ChannelId, ChannelInfo, ChannelObservation, ChannelRef, ChannelStats, LiveBroadcast, LiveState,
    Platform, VideoKind, VideoObservation,
};

use super::wire;
use crate::items::{self, decode_each};
use crate::lenient::{absolute_url, parse_kst};
use crate::ParseFailure;

/// `broad_grade` of adult-only broadcasts.
const ADULT_GRADE: u64 = 19;
/// The station API's code for "no such station".
const UNKNOWN_STATION_CODE: i64 = 9000;

/// Where a viewer watches a BJ live.
pub fn live_url(bj_id: &str) -> String {
    format!("https://play.sooplive.co.kr/{bj_id}")
}

/// The live thumbnail of a broadcast number.
pub fn live_thumbnail(broad_no: &str) -> String {
    format!("https://liveimg.sooplive.co.kr/m/{broad_no}")
}

/// The profile picture of a BJ (`LOGO/{first two chars}/{id}/{id}.jpg`).
pub fn profile_image(bj_id: &str) -> String {
    let prefix: String = bj_id.chars().take(2).collect();
    format!("https://profile.img.sooplive.co.kr/LOGO/{prefix}/{bj_id}/{bj_id}.jpg")
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// One page of `main_broad_list_api.php`.
pub fn parse_broad_list(body: &[u8]) -> Result<Vec<LiveBroadcast>, ParseFailure> {
    let list: wire::BroadList = ParseFailure::decode(body)?;
    let Some(broads) = list.broad else {
        if let Some(result) = list.result {
            return Err(ParseFailure::Api {
                code: result.parse().unwrap_or(-1),
                message: list.msg.unwrap_or_default(),
            });
        }
        return Err(ParseFailure::missing("broad"));
    };
    decode_each(Platform::Soop, "broad", broads, |b, i| {
        broad_item(b, i).map(Some)
    })
}

pub(super) fn broad_item(b: wire::Broad, i: usize) -> Result<LiveBroadcast, ParseFailure> {
    let user_id = b
        .user_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ParseFailure::missing(&format!("broad[{i}].user_id")))?;
    let viewers = b
        .total_view_cnt
        .ok_or_else(|| ParseFailure::missing(&format!("broad[{i}].total_view_cnt")))?;
    let thumbnail = absolute_url(b.broad_thumb.as_deref())
        .or_else(|| b.broad_no.as_deref().map(live_thumbnail));
    Ok(LiveBroadcast {
        platform: Platform::Soop,
        url: live_url(&user_id),
        channel_avatar_url: absolute_url(b.profile_img.as_deref())
            .or_else(|| Some(profile_image(&user_id))),
        channel_id: ChannelId(user_id),
        channel_name: non_empty(b.user_nick),
        broadcast_id: b.broad_no,
        title: b.broad_title.unwrap_or_default(),
        viewers: items::viewers(viewers),
        category_id: non_empty(b.broad_cate_no),
        // Since 2026 the list names the category; older replies carry only the number, and the
        // category vocabulary names it.
        category_name: non_empty(b.category_name),
        tags: merge_tags(b.hash_tags, b.category_tags),
        thumbnail_url: thumbnail,
        started_at: b.broad_start.as_deref().and_then(parse_kst),
        adult: b.broad_grade == Some(ADULT_GRADE),
        // The BJ's declared language when the list says one; else the service's audience.
        language: Some(
            b.lang_tags
                .iter()
                .find_map(|t| lang_tag_code(t))
                .unwrap_or("ko")
                .into(),
        ),
    })
}

/// The BJ's hash tags, then the category's tags, each once.
fn merge_tags(hash: Vec<String>, category: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(hash.len() + category.len());
    for t in hash.into_iter().chain(category) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out
}

/// ISO 639-1 of a SOOP `lang_tags` entry. SOOP writes language names in Korean (`한국어`, seen
/// in the 2026 VOD capture); English names and bare codes are taken too. Unknown names give
/// `None` (no hint rather than a wrong one).
pub fn lang_tag_code(tag: &str) -> Option<&'static str> {
    let t = tag.trim().to_lowercase();
    Some(match t.as_str() {
        "한국어" | "korean" | "ko" | "ko_kr" | "ko-kr" => "ko",
        "영어" | "english" | "en" | "en_us" | "en-us" => "en",
        "일본어" | "japanese" | "ja" | "ja_jp" => "ja",
        "중국어" | "chinese" | "zh" | "zh_cn" | "zh_tw" => "zh",
        "스페인어" | "spanish" | "es" => "es",
        "포르투갈어" | "portuguese" | "pt" => "pt",
        "프랑스어" | "french" | "fr" => "fr",
        "독일어" | "german" | "de" => "de",
        "러시아어" | "russian" | "ru" => "ru",
        "태국어" | "thai" | "th" => "th",
        "베트남어" | "vietnamese" | "vi" => "vi",
        "인도네시아어" | "indonesian" | "id" => "id",
        "터키어" | "turkish" | "tr" => "tr",
        "아랍어" | "arabic" | "ar" => "ar",
        _ => return None,
    })
}

/// `chapi .../api/{bj}/station`; `Ok(None)` for an unknown station.
pub fn parse_station(body: &[u8], bj_id: &str) -> Result<Option<ChannelObservation>, ParseFailure> {
    items::with_fields_counted(Platform::Soop, || station(body, bj_id))
}

fn station(body: &[u8], bj_id: &str) -> Result<Option<ChannelObservation>, ParseFailure> {
    let reply: wire::StationReply = ParseFailure::decode(body)?;
    let code = reply
        .code
        .as_ref()
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()));
    if let Some(code) = code {
        if code == UNKNOWN_STATION_CODE {
            return Ok(None);
        }
        if reply.station.is_none() {
            return Err(ParseFailure::Api {
                code,
                message: reply.message.unwrap_or_default(),
            });
        }
    }
    let station = reply
        .station
        .ok_or_else(|| ParseFailure::missing("station"))?;
    let id = station
        .user_id
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| bj_id.to_string());
    let name = station.user_nick.unwrap_or_default();
    let avatar = absolute_url(reply.profile_image.as_deref());
    let upd = station
        .upd
        .ok_or_else(|| ParseFailure::missing("station.upd"))?;
    let live = match reply.broad {
        None => LiveState::Offline,
        Some(b) => {
            let viewers = b
                .current_sum_viewer
                .ok_or_else(|| ParseFailure::missing("broad.current_sum_viewer"))?;
            LiveState::Live(Box::new(LiveBroadcast {
                platform: Platform::Soop,
                channel_id: ChannelId(id.clone()),
                channel_name: Some(name.clone()).filter(|n| !n.is_empty()),
                channel_avatar_url: avatar.clone(),
                thumbnail_url: b.broad_no.as_deref().map(live_thumbnail),
                broadcast_id: b.broad_no,
                title: b.broad_title.unwrap_or_default(),
                viewers: items::viewers(viewers),
                category_id: None,
                category_name: None,
                tags: Vec::new(),
                // `station.broad_start` is the current broadcast's start while live.
                started_at: station.broad_start.as_deref().and_then(parse_kst),
                adult: b.broad_grade == Some(ADULT_GRADE),
                language: Some("ko".into()),
                url: live_url(&id),
            }))
        }
    };
    Ok(Some(ChannelObservation {
        info: ChannelInfo {
            platform: Platform::Soop,
            channel_id: ChannelId(id.clone()),
            name,
            handle: None,
            avatar_url: avatar,
            description: non_empty(station.display.and_then(|d| d.profile_text))
                .or_else(|| non_empty(station.station_title)),
        },
        stats: ChannelStats {
            // 애청자 (favourites) are SOOP's followers.
            followers: items::count_field(upd.fan_cnt),
            total_views: items::count_field(upd.total_view_cnt),
            video_count: None,
        },
        live,
    }))
}

/// `chapi .../api/{bj}/vods/{type}`.
pub fn parse_vods(body: &[u8], bj_id: &str) -> Result<Vec<VideoObservation>, ParseFailure> {
    let page: wire::VodPage = ParseFailure::decode(body)?;
    decode_each(Platform::Soop, "data", page.data, |v: wire::Vod, i| {
        let title_no = v
            .title_no
            .ok_or_else(|| ParseFailure::missing(&format!("data[{i}].title_no")))?;
        let ucc = v.ucc;
        let count = v.count;
        let kind = match ucc.as_ref().and_then(|u| u.file_type.as_deref()) {
            Some("REVIEW") => VideoKind::Replay,
            Some("NORMAL") => VideoKind::Upload,
            Some("CLIP") | Some("USER_CLIP") | Some("CATCH") => VideoKind::Clip,
            _ => VideoKind::Other,
        };
        Ok(Some(VideoObservation {
            platform: Platform::Soop,
            channel_id: ChannelId::new(bj_id),
            video_id: title_no,
            title: v.title_name.unwrap_or_default(),
            kind,
            published_at: v.reg_date.as_deref().and_then(parse_kst),
            // SOOP gives milliseconds.
            duration_secs: items::duration_field(
                ucc.as_ref()
                    .and_then(|u| u.total_file_duration)
                    .map(|ms| ms / 1000),
            ),
            views: items::count_field(count.as_ref().and_then(|c| c.read_cnt)),
            likes: items::count_field(count.as_ref().and_then(|c| c.like_cnt)),
            comments: items::count_field(count.as_ref().and_then(|c| c.comment_cnt)),
            thumbnail_url: absolute_url(ucc.as_ref().and_then(|u| u.thumb.as_deref())),
            adult: ucc.as_ref().and_then(|u| u.grade) == Some(ADULT_GRADE),
            category_name: ucc
                .as_ref()
                .and_then(|u| u.category_tags.as_ref())
                .and_then(|t| t.first().cloned()),
        }))
    })
}

/// Recognise a SOOP/AfreecaTV station or player URL, or `soop:<bj id>`. Bare words are not taken:
/// a BJ id looks like any other platform's login.
pub fn parse_channel_ref(input: &str) -> Option<ChannelRef> {
    let s = input.trim();
    let id = if let Some(rest) = s
        .strip_prefix("soop:")
        .or_else(|| s.strip_prefix("afreeca:"))
        .or_else(|| s.strip_prefix("afreecatv:"))
    {
        rest.trim()
    } else {
        let no_scheme = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        let (host, path) = no_scheme.split_once('/')?;
        let host = host.to_ascii_lowercase();
        let known = [
            "sooplive.co.kr",
            "sooplive.com",
            "afreecatv.com",
            "afreeca.com",
        ];
        if !known
            .iter()
            .any(|k| host == *k || host.ends_with(&format!(".{k}")))
        {
            return None;
        }
        let mut parts = path
            .split(['?', '#'])
            .next()?
            .split('/')
            .filter(|p| !p.is_empty());
        match parts.next()? {
            "station" => parts.next()?,
            first => first,
        }
    };
    let id = id.to_ascii_lowercase();
    is_bj_id(&id).then(|| ChannelRef::id(Platform::Soop, id))
}

/// BJ ids are short lowercase ASCII words.
pub fn is_bj_id(s: &str) -> bool {
    (2..=30).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::RefKind;

    #[test]
    fn recognises_station_and_player_urls() {
        for input in [
            "https://ch.sooplive.co.kr/singgyul",
            "https://play.sooplive.co.kr/singgyul/281234567",
            "https://www.sooplive.com/station/singgyul",
            "http://bj.afreecatv.com/singgyul",
            "play.afreecatv.com/singgyul?x=1",
            "soop:singgyul",
            "afreeca:SingGyul",
        ] {
            let r = parse_channel_ref(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(r.platform, Platform::Soop);
            assert_eq!(r.kind, RefKind::Id(ChannelId::new("singgyul")), "{input}");
        }
        for input in [
            "singgyul",
            "https://chzzk.naver.com/live/3497a9a7221cc3ee5d3f95991d9f95e9",
            "https://notsooplive.com/singgyul",
            "https://ch.sooplive.co.kr/",
            "soop:bad id!",
        ] {
            assert!(parse_channel_ref(input).is_none(), "{input}");
        }
    }

    #[test]
    fn list_with_string_numbers_parses() {
        let body = br#"{"total_cnt":"2","time":1764150000,"broad":[
          {"broad_no":"281234567","user_id":"abc","user_nick":"nick","broad_title":"t","broad_thumb":"//liveimg.sooplive.co.kr/m/281234567",
           "total_view_cnt":"12,345","broad_cate_no":"00130000","broad_start":"2025-11-26 17:00:00","broad_grade":"19","is_password":"N"},
          {"broad_no":281234568,"user_id":"def","total_view_cnt":7,"broad_grade":0}]}"#;
        let items = parse_broad_list(body).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].viewers, 12345);
        assert!(items[0].adult);
        assert_eq!(
            items[0].thumbnail_url.as_deref(),
            Some("https://liveimg.sooplive.co.kr/m/281234567")
        );
        assert_eq!(
            items[0].started_at.unwrap().to_rfc3339(),
            "2025-11-26T08:00:00+00:00"
        );
        assert_eq!(items[0].category_id.as_deref(), Some("00130000"));
        assert_eq!(items[1].broadcast_id.as_deref(), Some("281234568"));
        assert!(!items[1].adult);
    }

    /// The 2026 list (platforms-2026.md: `total_cnt`, `cnt`, `broad[]`, `time`, `is_wp`; items add
    /// `current_view_cnt`, `category_name`, `auto_hashtags`, `category_tags`, `hash_tags`,
    /// `lang_tags`). No verbatim capture exists; tag values are as in the 2026-07 VOD capture.
    #[test]
    fn list_2026_fields_give_category_tags_and_language() {
        let body = r#"{"total_cnt":2,"cnt":2,"time":1785000000,"is_wp":false,"broad":[
          {"broad_no":"290000001","user_id":"abc","user_nick":"n","broad_title":"LCK Finals watch party",
           "total_view_cnt":"5000","current_view_cnt":"3100","broad_cate_no":"00040019","category_name":"리그 오브 레전드",
           "hash_tags":["LCK","롤"],"category_tags":["롤","e스포츠"],"auto_hashtags":["자동"],"lang_tags":["영어"]},
          {"broad_no":"290000002","user_id":"def","total_view_cnt":"10","category_name":"",
           "hash_tags":null,"lang_tags":["클링온어"]}]}"#
            .as_bytes();
        let items = parse_broad_list(body).unwrap();
        assert_eq!(items[0].category_name.as_deref(), Some("리그 오브 레전드"));
        assert_eq!(items[0].category_id.as_deref(), Some("00040019"));
        assert_eq!(items[0].tags, vec!["LCK", "롤", "e스포츠"]);
        assert_eq!(
            items[0].language.as_deref(),
            Some("en"),
            "declared language"
        );
        assert_eq!(items[1].category_name, None, "empty name is no name");
        assert!(items[1].tags.is_empty());
        assert_eq!(
            items[1].language.as_deref(),
            Some("ko"),
            "an unknown language name falls back to the service's audience"
        );
        assert_eq!(lang_tag_code(" 한국어 "), Some("ko"));
        assert_eq!(lang_tag_code("English"), Some("en"));
        assert_eq!(lang_tag_code(""), None);
    }

    #[test]
    fn unknown_station_is_missing_and_errors_are_api() {
        let body = r#"{"code":9000,"message":"존재하지 않는 방송국입니다."}"#.as_bytes();
        assert_eq!(parse_station(body, "nobody").unwrap(), None);
        let body = br#"{"code":-1,"message":"blocked"}"#;
        assert!(matches!(
            parse_station(body, "x"),
            Err(ParseFailure::Api { code: -1, .. })
        ));
        let body = br#"{"result":-1,"msg":"bad"}"#;
        assert!(matches!(
            parse_broad_list(body),
            Err(ParseFailure::Api { code: -1, .. })
        ));
    }

    #[test]
    fn station_live_and_offline() {
        let live = br#"{"profile_image":"//profile.img.sooplive.co.kr/LOGO/ab/abc/abc.jpg",
          "station":{"user_id":"abc","user_nick":"N","broad_start":"2026-01-01 09:00:00","upd":{"fan_cnt":1500,"total_view_cnt":"99"}},
          "broad":{"user_id":"abc","broad_no":5,"broad_title":"hi","current_sum_viewer":321,"broad_grade":19,"is_password":false}}"#;
        let obs = parse_station(live, "abc").unwrap().unwrap();
        assert_eq!(obs.stats.followers, Some(1500));
        assert_eq!(obs.stats.total_views, Some(99));
        let LiveState::Live(b) = obs.live else {
            panic!("not live")
        };
        assert_eq!(b.viewers, 321);
        assert!(b.adult);
        assert_eq!(b.broadcast_id.as_deref(), Some("5"));
        assert_eq!(
            b.started_at.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        let offline = br#"{"station":{"user_id":"abc","upd":{"fan_cnt":1}},"broad":null}"#;
        assert_eq!(
            parse_station(offline, "abc").unwrap().unwrap().live,
            LiveState::Offline
        );
    }
}
