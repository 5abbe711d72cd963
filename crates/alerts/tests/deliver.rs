//! `deliver::send` against local stand-ins of each destination (see `common`): the documented
//! request formats, the webhook's signature, how failures are classified (retryable with the
//! right wait, or permanent), the attempt's time limit, and that no error shows a secret.

mod common;

use std::time::{Duration, Instant};

use chrono::TimeZone;
use common::receivers::{self, Behaviour};
use common::smtp::{self, SinkBehaviour};
use mail_parser::{MessageParser, MimeHeaders};
use streamtide_alerts::config::ChannelConfig;
use streamtide_alerts::deliver::{self, DeliveryError};
use streamtide_alerts::{render, AlertEvent, Facts, Language, Message, RuleKind};
use streamtide_core::Platform;

const TIMEOUT: Duration = Duration::from_secs(5);
const WEBHOOK_SECRET: &str = "whsec-SIGNING-KEY-7788";
const BOT_TOKEN: &str = "123456789:AAF-secret-BOT-token_xyz";

fn channel(toml_text: &str) -> ChannelConfig {
    toml::from_str(toml_text).expect("a channel")
}

fn event() -> AlertEvent {
    AlertEvent {
        rule: "million".into(),
        kind: RuleKind::Milestone,
        key: "followers:1000000".into(),
        platform: Platform::Chzzk,
        channel_id: "0b33823ac81de48d5b78a38cdbc0ab94".into(),
        channel_name: "풍월량".into(),
        creator: None,
        at: chrono::Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap(),
        url: Some("https://chzzk.naver.com/0b33823ac81de48d5b78a38cdbc0ab94".into()),
        facts: Facts::Milestone {
            metric: streamtide_alerts::Metric::Followers,
            milestone: 1_000_000,
            value: 1_000_412,
            rounded: false,
        },
    }
}

fn message() -> Message {
    render(&event(), Language::Ko)
}

async fn send(c: &ChannelConfig, msg: &Message) -> Result<(), DeliveryError> {
    deliver::send(&reqwest::Client::new(), c, msg, TIMEOUT).await
}

fn webhook_channel(url: &str, secret: Option<&str>) -> ChannelConfig {
    let secret = secret.map_or(String::new(), |s| format!("secret = \"{s}\"\n"));
    channel(&format!(
        "name = \"hook\"\nkind = \"webhook\"\nurl = \"{url}\"\n{secret}"
    ))
}

fn url_channel(kind: &str, url: &str) -> ChannelConfig {
    channel(&format!(
        "name = \"{kind}\"\nkind = \"{kind}\"\nurl = \"{url}\""
    ))
}

fn telegram_channel(api_base: &str, token: &str) -> ChannelConfig {
    channel(&format!(
        "name = \"tg\"\nkind = \"telegram\"\ntoken = \"{token}\"\nchat_id = \"-1001234567890\"\napi_base = \"{api_base}\""
    ))
}

fn only(log: &receivers::Log) -> receivers::Received {
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1, "{log:#?}");
    log[0].clone()
}

// ---- webhook ----

#[tokio::test]
async fn webhook_body_is_signed_and_carries_the_event() {
    let (url, log) = receivers::start_webhook(Some(WEBHOOK_SECRET)).await;
    let msg = message();
    send(&webhook_channel(&url, Some(WEBHOOK_SECRET)), &msg)
        .await
        .expect("delivered");
    let r = only(&log);
    assert_eq!(r.problem, None);
    assert_eq!(r.status, 204);

    // The stand-in checked the signature; check it again here, and with the crate's verifier.
    let sig = r.header("x-streamtide-signature").expect("signed");
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(&r.body);
    assert_eq!(
        sig,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
    assert!(deliver::webhook::verify(
        WEBHOOK_SECRET.as_bytes(),
        &r.body,
        sig
    ));
    assert!(!deliver::webhook::verify(b"another key", &r.body, sig));

    let v = r.json.clone().unwrap();
    let ts: i64 = r.header("x-streamtide-timestamp").unwrap().parse().unwrap();
    assert_eq!(v["sent_at"], ts);
    assert!((chrono::Utc::now().timestamp() - ts).abs() <= 5);
    assert_eq!(v["version"], 1);
    assert_eq!(v["title"], msg.title);
    assert_eq!(v["text"], msg.text);
    assert_eq!(v["url"], msg.url.clone().unwrap());
    assert_eq!(
        v["fields"][0],
        serde_json::json!({"name": "플랫폼", "value": "치지직"})
    );
    let ev: AlertEvent = serde_json::from_value(v["event"].clone()).unwrap();
    assert_eq!(ev, event());
}

#[tokio::test]
async fn webhook_without_a_secret_is_unsigned_and_a_digest_has_no_event() {
    let (url, log) = receivers::start_webhook(None).await;
    let mut msg = message();
    msg.event = None;
    send(&webhook_channel(&url, None), &msg).await.unwrap();
    let r = only(&log);
    assert_eq!(r.header("x-streamtide-signature"), None);
    assert!(r.header("x-streamtide-timestamp").is_some());
    assert_eq!(r.json.unwrap()["event"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_500_is_retryable_and_the_next_attempt_succeeds() {
    let (url, log) = receivers::start_webhook_with(Some(WEBHOOK_SECRET), Behaviour::fail(1)).await;
    let c = webhook_channel(&url, Some(WEBHOOK_SECRET));
    let e = send(&c, &message()).await.unwrap_err();
    assert!(e.retryable, "{e:?}");
    assert_eq!(e.retry_after, None);
    assert!(e.message.contains("500"), "{e}");
    send(&c, &message()).await.expect("second attempt");
    let statuses: Vec<u16> = log.lock().unwrap().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![500, 204]);
}

#[tokio::test]
async fn a_429_is_retryable_after_the_wait_it_asks() {
    let (url, _log) = receivers::start_webhook_with(None, Behaviour::rate_limited(7)).await;
    let c = webhook_channel(&url, None);
    let e = send(&c, &message()).await.unwrap_err();
    assert!(e.retryable);
    assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
    send(&c, &message()).await.unwrap();
}

#[tokio::test]
async fn a_400_is_permanent() {
    let (url, _log) = receivers::start_webhook_with(None, Behaviour::always(400)).await;
    let e = send(&webhook_channel(&url, None), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable, "{e:?}");
    assert!(e.message.starts_with("webhook channel hook: "), "{e}");
    // A signature the receiver cannot verify is refused: the stand-in answers 400.
    let (url, log) = receivers::start_webhook(Some(WEBHOOK_SECRET)).await;
    let e = send(&webhook_channel(&url, Some("the wrong key")), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable);
    assert_eq!(only(&log).problem.as_deref(), Some("bad signature"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_limit() {
    let url = receivers::start_silent().await;
    let limit = Duration::from_millis(400);
    let started = Instant::now();
    let e = deliver::send(
        &reqwest::Client::new(),
        &webhook_channel(&url, None),
        &message(),
        limit,
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert!(e.retryable, "{e:?}");
    assert!(
        took >= limit && took < limit + Duration::from_millis(500),
        "{took:?}"
    );
    assert!(e.message.contains("no answer within 0.40 s"), "{e}");
}

#[tokio::test]
async fn a_refused_connection_is_retryable() {
    let url = receivers::closed_url("/hook").await;
    let e = send(&webhook_channel(&url, None), &message())
        .await
        .unwrap_err();
    assert!(e.retryable, "{e:?}");
    assert!(e.message.contains("could not connect"), "{e}");
}

// ---- Discord ----

#[tokio::test]
async fn discord_gets_an_embed_in_its_documented_format() {
    let (url, log) = receivers::start_discord(0).await;
    let msg = message();
    send(&url_channel("discord", &url), &msg).await.unwrap();
    let r = only(&log);
    assert_eq!(r.problem, None);
    assert_eq!(r.status, 204);
    let v = r.json.unwrap();
    assert_eq!(v["username"], "streamtide");
    assert_eq!(v["allowed_mentions"]["parse"], serde_json::json!([]));
    let e = &v["embeds"][0];
    assert_eq!(e["title"], msg.title);
    assert_eq!(e["description"], msg.text);
    assert_eq!(e["color"], msg.color);
    assert_eq!(e["timestamp"], "2026-12-04T09:30:00Z");
    assert_eq!(e["fields"][0]["inline"], true);
}

#[tokio::test]
async fn discord_accepts_an_oversized_message_cut_to_its_limits() {
    let (url, log) = receivers::start_discord(0).await;
    let mut msg = message();
    msg.title = "풍".repeat(400);
    msg.text = "월".repeat(9000);
    msg.fields = (0..60)
        .map(|i| (format!("항목 {i}"), "량".repeat(1500)))
        .collect();
    send(&url_channel("discord", &url), &msg).await.unwrap();
    assert_eq!(only(&log).problem, None);
}

#[tokio::test]
async fn discord_failures_are_classified() {
    let (url, _) = receivers::start_discord(1).await;
    let c = url_channel("discord", &url);
    assert!(send(&c, &message()).await.unwrap_err().retryable);
    send(&c, &message()).await.unwrap();

    let (url, _) = receivers::start_discord_with(Behaviour::rate_limited(3)).await;
    let e = send(&url_channel("discord", &url), &message())
        .await
        .unwrap_err();
    assert!(e.retryable);
    assert_eq!(e.retry_after, Some(Duration::from_secs(3)));

    let (url, _) = receivers::start_discord_with(Behaviour::always(404)).await;
    let e = send(&url_channel("discord", &url), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable);
}

// ---- Slack ----

#[tokio::test]
async fn slack_gets_blocks_and_a_fallback_text() {
    let (url, log) = receivers::start_slack(0).await;
    let msg = message();
    send(&url_channel("slack", &url), &msg).await.unwrap();
    let r = only(&log);
    assert_eq!(r.problem, None);
    let v = r.json.unwrap();
    assert!(v["text"].as_str().unwrap().starts_with(&msg.title));
    let types: Vec<&str> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["header", "section", "section", "context"]);
    assert_eq!(v["blocks"][0]["text"]["text"], msg.title);
}

#[tokio::test]
async fn slack_failures_are_classified() {
    let (url, log) = receivers::start_slack(2).await;
    let c = url_channel("slack", &url);
    for _ in 0..2 {
        let e = send(&c, &message()).await.unwrap_err();
        assert!(e.retryable);
        assert!(e.message.contains("rollup_error"), "{e}");
    }
    send(&c, &message()).await.unwrap();
    assert_eq!(log.lock().unwrap().len(), 3);

    let (url, _) = receivers::start_slack_with(Behaviour::always(403)).await;
    let e = send(&url_channel("slack", &url), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable);

    let (url, _) = receivers::start_slack_with(Behaviour::rate_limited(30)).await;
    let e = send(&url_channel("slack", &url), &message())
        .await
        .unwrap_err();
    assert_eq!(e.retry_after, Some(Duration::from_secs(30)));
}

// ---- Telegram ----

#[tokio::test]
async fn telegram_gets_escaped_html() {
    let (api, log) = receivers::start_telegram(BOT_TOKEN, 0).await;
    let mut msg = message();
    msg.title = "<script> & \"풍월량\"".into();
    send(&telegram_channel(&api, BOT_TOKEN), &msg)
        .await
        .unwrap();
    let r = only(&log);
    assert_eq!(r.problem, None);
    assert_eq!(r.path, format!("/bot{BOT_TOKEN}/sendMessage"));
    let v = r.json.unwrap();
    assert_eq!(v["chat_id"], "-1001234567890");
    assert_eq!(v["parse_mode"], "HTML");
    assert_eq!(v["disable_web_page_preview"], true);
    let shown = receivers::parse_telegram_html(v["text"].as_str().unwrap()).unwrap();
    assert!(shown.starts_with("<script> & \"풍월량\"\n"), "{shown}");
    assert!(shown.contains(&msg.text));
}

#[tokio::test]
async fn telegram_failures_are_classified() {
    let (api, _) = receivers::start_telegram_with(BOT_TOKEN, Behaviour::rate_limited(9)).await;
    let c = telegram_channel(&api, BOT_TOKEN);
    // Telegram says the wait only in `parameters.retry_after`.
    let e = send(&c, &message()).await.unwrap_err();
    assert!(e.retryable);
    assert_eq!(e.retry_after, Some(Duration::from_secs(9)));
    send(&c, &message()).await.unwrap();

    let (api, _) = receivers::start_telegram(BOT_TOKEN, 1).await;
    let c = telegram_channel(&api, BOT_TOKEN);
    assert!(send(&c, &message()).await.unwrap_err().retryable);
    send(&c, &message()).await.unwrap();

    let (api, _) = receivers::start_telegram_with(BOT_TOKEN, Behaviour::always(400)).await;
    let e = send(&telegram_channel(&api, BOT_TOKEN), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable);
    assert!(e.message.contains("failing on purpose"), "{e}");
}

// ---- secrets ----

/// Display and Debug of `e` show none of `secrets`.
fn assert_clean(e: &DeliveryError, secrets: &[&str]) {
    let shown = format!("{e} {e:?}");
    for s in secrets {
        assert!(!shown.contains(s), "{s:?} leaked in {shown}");
    }
}

#[tokio::test]
async fn no_error_shows_a_token_url_or_secret() {
    // A revoked bot token (Telegram's 404), and no server at all (reqwest's error names the URL).
    let (api, _) = receivers::start_telegram("999:another-token", 0).await;
    let e = send(&telegram_channel(&api, BOT_TOKEN), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable);
    assert_clean(&e, &[BOT_TOKEN, "/bot", &api]);
    let closed = receivers::closed_url("").await;
    let e = send(&telegram_channel(&closed, BOT_TOKEN), &message())
        .await
        .unwrap_err();
    assert!(e.retryable);
    assert_clean(&e, &[BOT_TOKEN, "/bot", &closed]);
    let silent = receivers::start_silent().await;
    let base = silent.trim_end_matches("/never");
    let e = deliver::send(
        &reqwest::Client::new(),
        &telegram_channel(base, BOT_TOKEN),
        &message(),
        Duration::from_millis(200),
    )
    .await
    .unwrap_err();
    assert_clean(&e, &[BOT_TOKEN, base]);

    // Discord and Slack keep their token in the URL.
    for (kind, token) in [
        ("discord", receivers::DISCORD_TOKEN),
        ("slack", receivers::SLACK_TOKEN),
    ] {
        let url = receivers::closed_url(&format!("/api/webhooks/1/{token}")).await;
        let e = send(&url_channel(kind, &url), &message())
            .await
            .unwrap_err();
        assert_clean(&e, &[token, &url]);
    }
    let (url, _) = receivers::start_discord_with(Behaviour::always(401)).await;
    let e = send(&url_channel("discord", &url), &message())
        .await
        .unwrap_err();
    assert_clean(&e, &[receivers::DISCORD_TOKEN, &url]);

    // A malformed URL is permanent and still not shown.
    let e = send(
        &url_channel("discord", "http://[not-a-host/api/webhooks/1/tok-MALFORMED"),
        &message(),
    )
    .await
    .unwrap_err();
    assert!(!e.retryable);
    assert_clean(&e, &["tok-MALFORMED"]);

    // The webhook's signing key.
    let (url, _) =
        receivers::start_webhook_with(Some(WEBHOOK_SECRET), Behaviour::always(500)).await;
    let e = send(&webhook_channel(&url, Some(WEBHOOK_SECRET)), &message())
        .await
        .unwrap_err();
    assert_clean(&e, &[WEBHOOK_SECRET]);
    // And a channel's own Debug.
    let c = telegram_channel("http://127.0.0.1:9", BOT_TOKEN);
    assert!(!format!("{c:?}").contains(BOT_TOKEN));
}

// ---- e-mail ----

fn email_channel(port: u16, extra: &str) -> ChannelConfig {
    channel(&format!(
        "name = \"mail\"\nkind = \"email\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {port}\n\
         smtp_tls = \"none\"\nfrom = \"스트림타이드 <alerts@streamtide.test>\"\n\
         to = [\"ops@streamtide.test\", \"운영팀 <team@streamtide.test>\"]\n{extra}"
    ))
}

#[tokio::test]
async fn email_arrives_with_korean_text_and_the_attachment() {
    let (port, captured) = smtp::start_sink().await;
    let mut msg = message();
    let xlsx = b"PK\x03\x04 not really a workbook \x00\xff".to_vec();
    msg.attachment = Some(("streamtide-주간-2026-W49.xlsx".into(), xlsx.clone()));
    send(&email_channel(port, ""), &msg).await.expect("sent");

    let mails = captured.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.mail_from, "alerts@streamtide.test");
    assert_eq!(
        mail.rcpt_to,
        vec!["ops@streamtide.test", "team@streamtide.test"]
    );
    assert_eq!(mail.auth, None);

    let parsed = MessageParser::default()
        .parse(&mail.data)
        .expect("a MIME message");
    assert_eq!(parsed.subject(), Some(msg.title.as_str()));
    let from = parsed.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("스트림타이드"));
    let to: Vec<&str> = parsed
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, vec!["ops@streamtide.test", "team@streamtide.test"]);
    let text = parsed.body_text(0).expect("a text part");
    assert!(text.contains(&msg.text), "{text}");
    assert!(text.contains("플랫폼: 치지직"), "{text}");
    let html = parsed.body_html(0).expect("an HTML part");
    assert!(html.contains(&msg.title), "{html}");
    assert_eq!(parsed.attachment_count(), 1);
    let att = parsed.attachment(0).unwrap();
    assert_eq!(att.attachment_name(), Some("streamtide-주간-2026-W49.xlsx"));
    assert_eq!(att.contents(), xlsx.as_slice());
    assert_eq!(att.content_type().map(|c| c.ctype()), Some("application"));
}

#[tokio::test]
async fn email_logs_in_when_a_username_is_set() {
    let (port, captured) = smtp::start_sink().await;
    let c = email_channel(
        port,
        "username = \"alerts\"\npassword = \"smtp-PASSWORD-42\"\n",
    );
    send(&c, &message()).await.unwrap();
    let mails = captured.lock().unwrap().clone();
    assert_eq!(
        mails[0].auth,
        Some(("alerts".to_string(), "smtp-PASSWORD-42".to_string()))
    );
    // Without an attachment there is no mixed part.
    let parsed = MessageParser::default().parse(&mails[0].data).unwrap();
    assert_eq!(parsed.attachment_count(), 0);
}

#[tokio::test]
async fn smtp_replies_are_classified() {
    let (port, _) = smtp::start_sink_with(SinkBehaviour {
        rcpt_reply: Some("550 5.1.1 no such user".into()),
        ..SinkBehaviour::default()
    })
    .await;
    let e = send(&email_channel(port, ""), &message())
        .await
        .unwrap_err();
    assert!(!e.retryable, "{e:?}");
    assert!(e.message.contains("550"), "{e}");

    let (port, _) = smtp::start_sink_with(SinkBehaviour {
        rcpt_reply: Some("451 4.7.1 greylisted, try again later".into()),
        ..SinkBehaviour::default()
    })
    .await;
    let e = send(&email_channel(port, ""), &message())
        .await
        .unwrap_err();
    assert!(e.retryable, "{e:?}");

    let (port, _) = smtp::start_sink_with(SinkBehaviour {
        auth_reply: Some("535 5.7.8 authentication failed".into()),
        ..SinkBehaviour::default()
    })
    .await;
    let c = email_channel(
        port,
        "username = \"alerts\"\npassword = \"smtp-PASSWORD-42\"\n",
    );
    let e = send(&c, &message()).await.unwrap_err();
    assert!(!e.retryable, "{e:?}");
    assert_clean(&e, &["smtp-PASSWORD-42"]);

    // Nothing listening: retryable.
    let closed: u16 = receivers::closed_url("")
        .await
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let e = send(&email_channel(closed, ""), &message())
        .await
        .unwrap_err();
    assert!(e.retryable, "{e:?}");
}

#[tokio::test]
async fn a_silent_smtp_server_times_out_within_the_limit() {
    let url = receivers::start_silent().await;
    let port: u16 = url
        .trim_end_matches("/never")
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let limit = Duration::from_millis(400);
    let started = Instant::now();
    let e = deliver::send(
        &reqwest::Client::new(),
        &email_channel(port, ""),
        &message(),
        limit,
    )
    .await
    .unwrap_err();
    assert!(e.retryable, "{e:?}");
    assert!(started.elapsed() < limit + Duration::from_millis(500));
}
