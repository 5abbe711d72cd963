//! HTTP stand-ins for the webhook, Discord, Slack and Telegram.
//!
//! Each checks the request as the real service documents it and answers like it: success in the
//! service's own way (204, "ok", `{"ok":true}`), 400 with the reason for a malformed request,
//! and on demand a few failures first (500, or 429 with the wait the way the service says it).
//! Every request is recorded, with the status it got and what was wrong with it, if anything.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// The Discord stand-in's webhook token (part of its URL, as on Discord).
pub const DISCORD_TOKEN: &str = "dsc-TOKEN-9f8e7d6c5b4a";
/// The Slack stand-in's webhook token.
pub const SLACK_TOKEN: &str = "slk-TOKEN-0a1b2c3d4e5f";

/// One request a stand-in received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The raw body bytes.
    pub body: Vec<u8>,
    /// The body as JSON, when it was.
    pub json: Option<Value>,
    /// The status the stand-in answered.
    pub status: u16,
    /// What was wrong with the request's format, if anything (then it was answered 400).
    pub problem: Option<String>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a stand-in recorded.
pub type Log = Arc<Mutex<Vec<Received>>>;

/// How a stand-in misbehaves before it accepts.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Answer this many well-formed requests with `fail_status` first (`usize::MAX`: always).
    pub fail_first: usize,
    /// The failing status; 0 means 500.
    pub fail_status: u16,
    /// With a 429: the wait in seconds, said the way the service says it.
    pub retry_after: Option<u64>,
}

impl Behaviour {
    /// 500 `n` times, then success.
    pub fn fail(n: usize) -> Behaviour {
        Behaviour {
            fail_first: n,
            ..Behaviour::default()
        }
    }

    /// `status` every time.
    pub fn always(status: u16) -> Behaviour {
        Behaviour {
            fail_first: usize::MAX,
            fail_status: status,
            retry_after: None,
        }
    }

    /// One 429 asking to wait `secs`, then success.
    pub fn rate_limited(secs: u64) -> Behaviour {
        Behaviour {
            fail_first: 1,
            fail_status: 429,
            retry_after: Some(secs),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Service {
    Webhook,
    Discord,
    Slack,
    Telegram,
}

struct Inner {
    service: Service,
    secret: Option<String>,
    token: String,
    behaviour: Behaviour,
    failed: Mutex<usize>,
    log: Log,
}

type Shared = Arc<Inner>;

async fn serve(inner: Inner) -> SocketAddr {
    let shared: Shared = Arc::new(inner);
    let app = Router::new().fallback(handle).with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a stand-in");
    let addr = listener.local_addr().expect("stand-in address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

fn inner(service: Service, secret: Option<&str>, token: &str, behaviour: Behaviour) -> Inner {
    Inner {
        service,
        secret: secret.map(str::to_string),
        token: token.to_string(),
        behaviour,
        failed: Mutex::new(0),
        log: Log::default(),
    }
}

/// The signed JSON webhook: checks the body's shape, the timestamp and (with a `secret`) the
/// signature, recomputed here. Returns its URL and its log.
pub async fn start_webhook(secret: Option<&str>) -> (String, Log) {
    start_webhook_with(secret, Behaviour::default()).await
}

pub async fn start_webhook_with(secret: Option<&str>, behaviour: Behaviour) -> (String, Log) {
    let i = inner(Service::Webhook, secret, "", behaviour);
    let log = i.log.clone();
    let addr = serve(i).await;
    (format!("http://{addr}/hooks/streamtide"), log)
}

/// Discord's webhook: returns the webhook URL (with [`DISCORD_TOKEN`]) and the log.
pub async fn start_discord(fail_first: usize) -> (String, Log) {
    start_discord_with(Behaviour::fail(fail_first)).await
}

pub async fn start_discord_with(behaviour: Behaviour) -> (String, Log) {
    let i = inner(Service::Discord, None, DISCORD_TOKEN, behaviour);
    let log = i.log.clone();
    let addr = serve(i).await;
    (
        format!("http://{addr}/api/webhooks/1180000000000000001/{DISCORD_TOKEN}"),
        log,
    )
}

/// Slack's incoming webhook: returns its URL (with [`SLACK_TOKEN`]) and the log.
pub async fn start_slack(fail_first: usize) -> (String, Log) {
    start_slack_with(Behaviour::fail(fail_first)).await
}

pub async fn start_slack_with(behaviour: Behaviour) -> (String, Log) {
    let i = inner(Service::Slack, None, SLACK_TOKEN, behaviour);
    let log = i.log.clone();
    let addr = serve(i).await;
    (
        format!("http://{addr}/services/T0000000/B0000000/{SLACK_TOKEN}"),
        log,
    )
}

/// Telegram's Bot API for the bot `token`: returns the `api_base` and the log. Another token
/// gets Telegram's 404.
pub async fn start_telegram(token: &str, fail_first: usize) -> (String, Log) {
    start_telegram_with(token, Behaviour::fail(fail_first)).await
}

pub async fn start_telegram_with(token: &str, behaviour: Behaviour) -> (String, Log) {
    let i = inner(Service::Telegram, None, token, behaviour);
    let log = i.log.clone();
    let addr = serve(i).await;
    (format!("http://{addr}"), log)
}

/// A server that takes connections and never answers. Returns its URL.
pub async fn start_silent() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the silent stand-in");
    let addr = listener.local_addr().expect("silent address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            // Kept open and unread until the test ends.
            held.push(socket);
        }
    });
    format!("http://{addr}/never")
}

/// A URL where nothing listens (a port just freed).
pub async fn closed_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{addr}{path}")
}

async fn handle(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    let header_list: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut received = Received {
        method: method.to_string(),
        path: path.clone(),
        headers: header_list,
        body: body.to_vec(),
        json: json.clone(),
        status: 0,
        problem: None,
    };

    // A wrong address first (a revoked token is a 404 on every service), then the format.
    let problem = if method != Method::POST {
        Some(format!("method {method}, not POST"))
    } else {
        match s.service {
            Service::Telegram if path != format!("/bot{}/sendMessage", s.token) => {
                received.status = 404;
                received.problem = Some("unknown bot or method".into());
                s.log.lock().unwrap().push(received);
                return (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"ok": false, "error_code": 404, "description": "Not Found"})),
                )
                    .into_response();
            }
            _ => check(&s, &path, &received, json.as_ref()),
        }
    };
    if let Some(p) = problem {
        received.status = 400;
        received.problem = Some(p.clone());
        s.log.lock().unwrap().push(received);
        return bad_request(s.service, &p);
    }

    let fail = {
        let mut failed = s.failed.lock().unwrap();
        if *failed < s.behaviour.fail_first {
            *failed += 1;
            true
        } else {
            false
        }
    };
    let response = if fail {
        failure(&s)
    } else {
        success(s.service)
    };
    received.status = response.status().as_u16();
    s.log.lock().unwrap().push(received);
    response
}

fn bad_request(service: Service, problem: &str) -> Response {
    match service {
        Service::Webhook => (StatusCode::BAD_REQUEST, problem.to_string()).into_response(),
        Service::Discord => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"message": "Invalid Form Body", "code": 50035, "detail": problem})),
        )
            .into_response(),
        Service::Slack => (StatusCode::BAD_REQUEST, "invalid_payload").into_response(),
        Service::Telegram => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"ok": false, "error_code": 400, "description": format!("Bad Request: {problem}")})),
        )
            .into_response(),
    }
}

fn success(service: Service) -> Response {
    match service {
        Service::Webhook => StatusCode::NO_CONTENT.into_response(),
        Service::Discord => StatusCode::NO_CONTENT.into_response(),
        Service::Slack => (StatusCode::OK, "ok").into_response(),
        Service::Telegram => (
            StatusCode::OK,
            axum::Json(
                json!({"ok": true, "result": {"message_id": 1, "date": 0, "chat": {"id": 1}}}),
            ),
        )
            .into_response(),
    }
}

fn failure(s: &Inner) -> Response {
    let status = match s.behaviour.fail_status {
        0 => StatusCode::INTERNAL_SERVER_ERROR,
        n => StatusCode::from_u16(n).expect("a status code"),
    };
    let wait = s.behaviour.retry_after;
    let mut response = match s.service {
        Service::Webhook => (status, "failing on purpose").into_response(),
        Service::Discord => {
            if status == StatusCode::TOO_MANY_REQUESTS {
                (
                    status,
                    axum::Json(json!({"message": "You are being rate limited.", "retry_after": wait.unwrap_or(1) as f64, "global": false})),
                )
                    .into_response()
            } else {
                (
                    status,
                    axum::Json(json!({"message": "failing on purpose", "code": 0})),
                )
                    .into_response()
            }
        }
        Service::Slack => {
            let reason = if status == StatusCode::TOO_MANY_REQUESTS {
                "rate_limited"
            } else if status.is_client_error() {
                "invalid_token"
            } else {
                "rollup_error"
            };
            (status, reason).into_response()
        }
        Service::Telegram => {
            // Telegram says the wait only in the body.
            let mut body = json!({"ok": false, "error_code": status.as_u16(), "description": "failing on purpose"});
            if status == StatusCode::TOO_MANY_REQUESTS {
                let secs = wait.unwrap_or(1);
                body = json!({
                    "ok": false,
                    "error_code": 429,
                    "description": format!("Too Many Requests: retry after {secs}"),
                    "parameters": {"retry_after": secs},
                });
            }
            return (status, axum::Json(body)).into_response();
        }
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        if let Some(secs) = wait {
            response.headers_mut().insert(
                "retry-after",
                secs.to_string().parse().expect("a header value"),
            );
        }
    }
    response
}

/// What is wrong with a request for the service, if anything.
fn check(s: &Inner, path: &str, r: &Received, json: Option<&Value>) -> Option<String> {
    let content_type = r.header("content-type").unwrap_or("");
    if !content_type.starts_with("application/json") {
        return Some(format!(
            "content-type {content_type:?}, not application/json"
        ));
    }
    let Some(json) = json else {
        return Some("the body is not JSON".into());
    };
    let result = match s.service {
        Service::Webhook => check_webhook(s.secret.as_deref(), r, json),
        Service::Discord => {
            if !path.starts_with("/api/webhooks/") || !path.contains(&s.token) {
                return Some(format!("unknown webhook path {path}"));
            }
            check_discord(json)
        }
        Service::Slack => {
            if !path.starts_with("/services/") || !path.ends_with(&s.token) {
                return Some(format!("unknown webhook path {path}"));
            }
            check_slack(json)
        }
        Service::Telegram => check_telegram(json),
    };
    result.err()
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn check_webhook(secret: Option<&str>, r: &Received, v: &Value) -> Result<(), String> {
    let ts: i64 = r
        .header("x-streamtide-timestamp")
        .ok_or("no X-Streamtide-Timestamp")?
        .parse()
        .map_err(|_| "X-Streamtide-Timestamp is not a number")?;
    if v["version"] != 1 {
        return Err("version is not 1".into());
    }
    if v["sent_at"].as_i64() != Some(ts) {
        return Err("sent_at differs from X-Streamtide-Timestamp".into());
    }
    if (chrono::Utc::now().timestamp() - ts).abs() > 300 {
        return Err("timestamp more than 300 s away (a replay?)".into());
    }
    let signature = r.header("x-streamtide-signature");
    match (secret, signature) {
        (Some(secret), Some(sig)) => {
            // Recomputed here, independently of the crate's own signing code.
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
            mac.update(&r.body);
            let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
            if sig != expected {
                return Err("bad signature".into());
            }
        }
        (Some(_), None) => return Err("no X-Streamtide-Signature".into()),
        (None, Some(_)) => return Err("a signature without a secret".into()),
        (None, None) => {}
    }
    for key in ["title", "text"] {
        if !v[key].is_string() {
            return Err(format!("{key} is not a string"));
        }
    }
    if !(v["url"].is_string() || v["url"].is_null()) {
        return Err("url is neither a string nor null".into());
    }
    let fields = v["fields"].as_array().ok_or("fields is not an array")?;
    for f in fields {
        if !f["name"].is_string() || !f["value"].is_string() {
            return Err("a field without a string name and value".into());
        }
    }
    match v.get("event") {
        Some(Value::Null) | Some(Value::Object(_)) => Ok(()),
        _ => Err("event is missing or neither an object nor null".into()),
    }
}

fn check_discord(v: &Value) -> Result<(), String> {
    if !v["username"].is_string() || chars(&v["username"]) > 80 {
        return Err("username".into());
    }
    if v["allowed_mentions"]["parse"] != json!([]) {
        return Err("allowed_mentions.parse is not []".into());
    }
    match &v["content"] {
        Value::Null => {}
        c @ Value::String(_) if chars(c) <= 2000 => {}
        _ => return Err("content".into()),
    }
    let embeds = v["embeds"].as_array().ok_or("embeds is not an array")?;
    if embeds.is_empty() || embeds.len() > 10 {
        return Err("1 to 10 embeds".into());
    }
    for e in embeds {
        let mut total = 0;
        if chars(&e["title"]) > 256 {
            return Err("embed title over 256".into());
        }
        total += chars(&e["title"]);
        if let Some(d) = e.get("description") {
            if !d.is_string() || chars(d) > 4096 {
                return Err("embed description over 4096".into());
            }
            total += chars(d);
        }
        let color = e["color"].as_u64().ok_or("color is not an integer")?;
        if color > 0xFF_FF_FF {
            return Err("color out of range".into());
        }
        let ts = e["timestamp"].as_str().ok_or("no timestamp")?;
        chrono::DateTime::parse_from_rfc3339(ts).map_err(|_| "timestamp is not RFC 3339")?;
        if let Some(u) = e.get("url") {
            let u = u.as_str().ok_or("url is not a string")?;
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err("Not a well formed URL".into());
            }
        }
        let fields = e["fields"].as_array().ok_or("fields is not an array")?;
        if fields.len() > 25 {
            return Err("over 25 fields".into());
        }
        for f in fields {
            let (n, val) = (chars(&f["name"]), chars(&f["value"]));
            if n == 0 || n > 256 || val == 0 || val > 1024 {
                return Err("field name 1..256 and value 1..1024".into());
            }
            if !f["inline"].is_boolean() {
                return Err("inline is not a boolean".into());
            }
            total += n + val;
        }
        if total > 6000 {
            return Err("embed over 6000 characters".into());
        }
    }
    Ok(())
}

fn check_slack(v: &Value) -> Result<(), String> {
    if chars(&v["text"]) == 0 {
        return Err("no fallback text".into());
    }
    let blocks = v["blocks"].as_array().ok_or("blocks is not an array")?;
    if blocks.len() > 50 {
        return Err("over 50 blocks".into());
    }
    let text_object = |t: &Value, max: usize| -> Result<(), String> {
        match t["type"].as_str() {
            Some("plain_text") | Some("mrkdwn") => {}
            _ => return Err("a text object without type plain_text or mrkdwn".into()),
        }
        let n = chars(&t["text"]);
        if n == 0 || n > max {
            return Err(format!("a text of {n} characters (1..{max})"));
        }
        Ok(())
    };
    for b in blocks {
        match b["type"].as_str() {
            Some("header") => {
                if b["text"]["type"] != "plain_text" {
                    return Err("a header's text is not plain_text".into());
                }
                text_object(&b["text"], 150)?;
            }
            Some("section") => {
                let has_text = b.get("text").is_some();
                if has_text {
                    text_object(&b["text"], 3000)?;
                }
                if let Some(fields) = b.get("fields") {
                    let fields = fields.as_array().ok_or("fields is not an array")?;
                    if fields.is_empty() || fields.len() > 10 {
                        return Err("a section with 1..10 fields".into());
                    }
                    for f in fields {
                        text_object(f, 2000)?;
                    }
                } else if !has_text {
                    return Err("a section without text or fields".into());
                }
            }
            Some("context") => {
                let elements = b["elements"].as_array().ok_or("no elements")?;
                if elements.is_empty() || elements.len() > 10 {
                    return Err("a context with 1..10 elements".into());
                }
                for e in elements {
                    text_object(e, 3000)?;
                }
            }
            Some("divider") => {}
            other => return Err(format!("unknown block type {other:?}")),
        }
    }
    Ok(())
}

fn check_telegram(v: &Value) -> Result<(), String> {
    if !(v["chat_id"].is_string() || v["chat_id"].is_i64()) {
        return Err("chat_id".into());
    }
    if v["parse_mode"] != "HTML" {
        return Err("parse_mode is not HTML".into());
    }
    if v["disable_web_page_preview"] != true {
        return Err("disable_web_page_preview is not true".into());
    }
    let text = v["text"].as_str().ok_or("text is not a string")?;
    let shown = parse_telegram_html(text)?;
    let units = shown.encode_utf16().count();
    if units == 0 {
        return Err("message text is empty".into());
    }
    if units > 4096 {
        return Err("message is too long".into());
    }
    Ok(())
}

/// The visible text of Telegram HTML, or why Telegram would refuse it ("can't parse entities").
pub fn parse_telegram_html(html: &str) -> Result<String, String> {
    const TAGS: [&str; 13] = [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
    ];
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>').ok_or("can't parse entities: unclosed tag")?;
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    if open.pop().as_deref() != Some(name) {
                        return Err(format!("can't parse entities: unexpected end tag {name}"));
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or("");
                    if !TAGS.contains(&name) {
                        return Err(format!("can't parse entities: unsupported tag {name:?}"));
                    }
                    if name == "a" && !tag.contains("href=\"") {
                        return Err("can't parse entities: a without href".into());
                    }
                    open.push(name.to_string());
                }
                rest = &rest[end + 1..];
            }
            '>' => return Err("can't parse entities: stray '>'".into()),
            '&' => {
                let end = rest.find(';').ok_or("can't parse entities: stray '&'")?;
                let entity = &rest[..=end];
                let decoded = match entity {
                    "&lt;" => '<',
                    "&gt;" => '>',
                    "&amp;" => '&',
                    "&quot;" => '"',
                    _ => return Err(format!("can't parse entities: unsupported {entity}")),
                };
                out.push(decoded);
                rest = &rest[end + 1..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !open.is_empty() {
        return Err("can't parse entities: unclosed tag".into());
    }
    Ok(out)
}
