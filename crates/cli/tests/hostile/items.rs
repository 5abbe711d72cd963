//! Hostile live-list items for the simulator's `splice_items` fault, CHZZK's and SOOP's wire
//! formats: items that must be dropped whole, good items with absurd figures or dirty text, and
//! good items whose pictures name the victim.

/// Hostile items of one platform's live list (raw JSON text, so a lone surrogate travels as a
/// platform sends it), the key of the array they go first in, and how many must be dropped.
pub struct Splice {
    pub field: &'static str,
    pub items: Vec<String>,
    /// Items that must be dropped whole (wrong type, invalid text, bad required count).
    pub dropped: usize,
    /// Channel ids of items that are good but carry an absurd figure or dirty text.
    pub absurd_ids: Vec<String>,
    /// Channel ids of good items whose pictures name the victim.
    pub thumb_ids: Vec<String>,
}

pub fn chzzk_id(n: u32) -> String {
    format!("{n:032x}")
}

pub fn chzzk_item(
    live_id: u32,
    ch: &str,
    viewers: &str,
    title: &str,
    image: &str,
    avatar: &str,
) -> String {
    format!(
        r#"{{"liveId":{live_id},"liveTitle":"{title}","liveImageUrl":"{image}","concurrentUserCount":{viewers},"openDate":"2026-03-04 12:00:00","adult":false,"tags":[],"channel":{{"channelId":"{ch}","channelName":"hostile {live_id}","channelImageUrl":"{avatar}"}}}}"#
    )
}

pub fn chzzk_splice(victim: &[String], redirects: &[String]) -> Splice {
    let bad = chzzk_id(0xbad);
    let ch = format!(r#""channel":{{"channelId":"{bad}","channelName":"x"}}"#);
    let mut items = vec![
        format!(r#"{{"liveId":901,"liveTitle":"neg","concurrentUserCount":-5,{ch}}}"#),
        format!(
            r#"{{"liveId":902,"liveTitle":"big","concurrentUserCount":"99999999999999999999999",{ch}}}"#
        ),
        r#"{"liveId":903,"liveTitle":"type","concurrentUserCount":5,"channel":7}"#.to_string(),
        format!(r#"{{"liveId":904,"liveTitle":"\ud800","concurrentUserCount":5,{ch}}}"#),
    ];
    let dropped = items.len();
    let long = "가".repeat(20_000);
    let absurd = [
        (0xb01, "9223372036854775807", "i64 max".to_string()),
        (0xb02, "1e300", "1e300".to_string()),
        (0xb03, "7", r"nul\u0000byte \u001b[31mred".to_string()),
        (0xb04, "8", "\u{202E}evil bidi\u{2066}".to_string()),
        (0xb05, "9", long),
    ];
    let mut absurd_ids = Vec::new();
    for (n, viewers, title) in absurd {
        let id = chzzk_id(n);
        items.push(chzzk_item(n, &id, viewers, &title, "", ""));
        absurd_ids.push(id);
    }
    // Live pictures and avatars naming the victim; the most-watched, so the copier takes them.
    let mut thumb_ids = Vec::new();
    let urls: Vec<&String> = victim.iter().chain(redirects).collect();
    for (i, pair) in urls.chunks(2).enumerate() {
        let n = 0xc00 + i as u32;
        let id = chzzk_id(n);
        let image = pair[0];
        let avatar = pair.get(1).copied().map(String::as_str).unwrap_or("");
        items.push(chzzk_item(
            n,
            &id,
            &(5_000_000 - i).to_string(),
            "thumb",
            image,
            avatar,
        ));
        thumb_ids.push(id);
    }
    Splice {
        field: "data",
        items,
        dropped,
        absurd_ids,
        thumb_ids,
    }
}

pub fn soop_item(
    no: u32,
    user: &str,
    viewers: &str,
    title: &str,
    thumb: &str,
    profile: &str,
) -> String {
    format!(
        r#"{{"broad_no":"{no}","user_id":"{user}","user_nick":"{user}","broad_title":"{title}","broad_thumb":"{thumb}","total_view_cnt":"{viewers}","broad_start":"2026-03-04 12:00:00","broad_grade":"0","profile_img":"{profile}"}}"#
    )
}

pub fn soop_splice(victim: &[String], redirects: &[String]) -> Splice {
    let mut items = vec![
        r#"{"broad_no":"901","user_id":"hostile1","total_view_cnt":"-3"}"#.to_string(),
        r#"{"broad_no":"902","user_id":"hostile2","total_view_cnt":"18446744073709551616"}"#
            .to_string(),
        r#"{"broad_no":"903","user_id":"hostile3","broad_title":"\udfff","total_view_cnt":"1"}"#
            .to_string(),
        r#"{"broad_no":"904","user_id":"hostile4","user_nick":{"a":1},"total_view_cnt":"1"}"#
            .to_string(),
    ];
    let dropped = items.len();
    let absurd = [
        ("absurd1", "18446744073709551615", "u64 max"),
        ("absurd2", "7", r"nul\u0000byte"),
        ("absurd3", "8", "\u{202E}evil bidi"),
    ];
    let mut absurd_ids = Vec::new();
    for (i, (user, viewers, title)) in absurd.into_iter().enumerate() {
        items.push(soop_item(950 + i as u32, user, viewers, title, "", ""));
        absurd_ids.push(user.to_string());
    }
    let mut thumb_ids = Vec::new();
    let urls: Vec<&String> = victim.iter().chain(redirects).collect();
    for (i, pair) in urls.chunks(2).enumerate() {
        let user = format!("thumbhost{i}");
        let avatar = pair.get(1).copied().map(String::as_str).unwrap_or("");
        items.push(soop_item(
            970 + i as u32,
            &user,
            &(4_000_000 - i).to_string(),
            "thumb",
            pair[0],
            avatar,
        ));
        thumb_ids.push(user);
    }
    Splice {
        field: "broad",
        items,
        dropped,
        absurd_ids,
        thumb_ids,
    }
}
