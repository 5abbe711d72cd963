//! What the HTTP kinds share: posting a JSON body, reading a bounded answer, and turning a
//! transport failure or an unwanted status into a [`DeliveryError`] without the URL.

use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;

use super::DeliveryError;

/// The most of an answer's body kept: enough for any error a service explains, bounded so a
/// misdirected URL that streams a large page costs nothing.
const MAX_ANSWER: usize = 16 * 1024;

/// The part of an answer a kind looks at.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body, lossily decoded, at most [`MAX_ANSWER`] bytes.
    pub body: String,
}

/// POST `body` as JSON to `url`, with `headers` besides the content type, and read the answer.
pub(crate) async fn post_json(
    http: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    headers: &[(&'static str, String)],
) -> Result<Answer, DeliveryError> {
    let mut req = http
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    for (name, value) in headers {
        req = req.header(*name, value.as_str());
    }
    let mut resp = req.send().await.map_err(transport_error)?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ANSWER {
        match resp.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            // The status is what counts; a body cut off half-way still says it.
            Err(_) => break,
        }
    }
    bytes.truncate(MAX_ANSWER);
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// A request that got no answer: retryable, unless the request itself could not be built (a
/// malformed URL will not mend itself). reqwest's own message names the URL, so it is dropped
/// (`without_url`) and the message is built from the error's kind and its sources.
pub(crate) fn transport_error(err: reqwest::Error) -> DeliveryError {
    let err = err.without_url();
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_builder() {
        "the request could not be built (is the URL well-formed?)"
    } else if err.is_redirect() {
        "too many redirects"
    } else {
        "the request failed"
    };
    let mut message = what.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !message.contains(&s_text) {
            message.push_str(": ");
            message.push_str(&s_text);
        }
        source = s.source();
    }
    if err.is_builder() {
        DeliveryError::permanent(message)
    } else {
        DeliveryError::retryable(message)
    }
}

/// An answer with a status the kind did not accept. 429, 408 and 5xx are retryable (429 with the
/// wait from `Retry-After`, or `json_wait` when the service says it in its body); any other
/// status is permanent: the request is wrong and would stay wrong.
pub(crate) fn status_error(
    service: &str,
    answer: &Answer,
    json_wait: Option<Duration>,
) -> DeliveryError {
    let status = answer.status;
    let detail = snippet(&answer.body);
    let message = if detail.is_empty() {
        format!("{service} answered {status}")
    } else {
        format!("{service} answered {status}: {detail}")
    };
    let wait = retry_after(&answer.headers).or(json_wait);
    if status == StatusCode::TOO_MANY_REQUESTS {
        DeliveryError::retryable(message).with_retry_after(wait)
    } else if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        // A 503 may say when to come back too.
        DeliveryError::retryable(message).with_retry_after(wait)
    } else {
        DeliveryError::permanent(message)
    }
}

/// `Retry-After` as seconds (Discord sends fractions) or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return duration_from_secs(secs);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A non-negative, finite number of seconds.
pub(crate) fn duration_from_secs(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// The start of an answer's body on one line, for an error message.
pub(crate) fn snippet(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    super::truncate_chars(&one_line, 300)
}

/// "10 s", "0.25 s".
pub(crate) fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.2} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Answer {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: h,
            body: body.to_string(),
        }
    }

    #[test]
    fn classification_by_status() {
        let e = status_error("x", &answer(500, &[], "boom"), None);
        assert!(e.retryable);
        assert_eq!(e.message, "x answered 500 Internal Server Error: boom");
        assert!(status_error("x", &answer(502, &[], ""), None).retryable);
        assert!(status_error("x", &answer(408, &[], ""), None).retryable);
        assert!(!status_error("x", &answer(400, &[], ""), None).retryable);
        assert!(!status_error("x", &answer(404, &[], ""), None).retryable);
        assert!(!status_error("x", &answer(401, &[], ""), None).retryable);
        let e = status_error("x", &answer(429, &[("retry-after", "7")], ""), None);
        assert!(e.retryable);
        assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
        // The header wins over the body's figure; without a header the body's counts.
        let body_wait = Some(Duration::from_millis(1500));
        let e = status_error("x", &answer(429, &[("retry-after", "2")], ""), body_wait);
        assert_eq!(e.retry_after, Some(Duration::from_secs(2)));
        let e = status_error("x", &answer(429, &[], ""), body_wait);
        assert_eq!(e.retry_after, body_wait);
    }

    #[test]
    fn retry_after_forms() {
        let h = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
            h
        };
        assert_eq!(retry_after(&h("120")), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(&h("0.5")), Some(Duration::from_millis(500)));
        assert_eq!(retry_after(&h("-3")), None);
        assert_eq!(retry_after(&h("soon")), None);
        // A date in the past means now.
        assert_eq!(
            retry_after(&h("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(90))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let wait = retry_after(&h(&later)).unwrap();
        assert!(wait > Duration::from_secs(80) && wait <= Duration::from_secs(90));
    }

    #[test]
    fn snippets_are_one_short_line() {
        assert_eq!(snippet("  a\n b\t c "), "a b c");
        assert_eq!(snippet(&"x".repeat(1000)).chars().count(), 300);
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }
}
