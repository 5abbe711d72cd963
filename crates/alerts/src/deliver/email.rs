//! E-mail over SMTP (lettre): a plain-text body with an HTML alternative, and the message's
//! attachment (the weekly digest's .xlsx) when it has one.
//!
//! `smtp_tls` picks the connection: `starttls` (port 587 unless set; the upgrade is required,
//! so neither the login nor the mail goes out in the clear), `tls` (TLS from the first byte,
//! port 465) or `none` (port 25; only for a relay on the same host or a test sink). With a
//! `username` the transport logs in with it and `password`. Each delivery is one connection:
//! alerts are rare, and a pooled connection would outlive the attempt's time limit.
//!
//! SMTP answers classify themselves: a 4xx reply (mailbox busy, greylisting) is retryable, a 5xx
//! (no such user, login refused) is permanent; timeouts and refused connections are retryable.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::DeliveryError;
use crate::config::{ChannelConfig, SmtpTls};
use crate::message::Message;

/// The port of a channel: its own, or the usual one for its kind of connection.
pub fn port(channel: &ChannelConfig) -> u16 {
    match (channel.smtp_port, channel.smtp_tls) {
        (p, _) if p != 0 => p,
        (_, SmtpTls::Starttls) => 587,
        (_, SmtpTls::Tls) => 465,
        (_, SmtpTls::None) => 25,
    }
}

/// The plain-text body.
pub fn plain(msg: &Message) -> String {
    let mut out = format!("{}\n", msg.title.trim());
    if !msg.text.trim().is_empty() {
        out.push('\n');
        out.push_str(msg.text.trim());
        out.push('\n');
    }
    if !msg.fields.is_empty() {
        out.push('\n');
        for (name, value) in &msg.fields {
            out.push_str(&format!("{name}: {value}\n"));
        }
    }
    if let Some(url) = &msg.url {
        out.push('\n');
        out.push_str(url);
        out.push('\n');
    }
    out
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The HTML alternative: the same content, with the accent colour and a table of the fields.
/// Inline styles only, since mail clients drop style sheets.
pub fn html(msg: &Message) -> String {
    let color = format!("#{:06x}", msg.color & 0xFF_FF_FF);
    let mut out = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;line-height:1.5\">\n",
    );
    out.push_str(&format!(
        "<h2 style=\"border-left:4px solid {color};padding-left:8px\">{}</h2>\n",
        escape_html(msg.title.trim())
    ));
    if !msg.text.trim().is_empty() {
        let text = escape_html(msg.text.trim()).replace('\n', "<br>\n");
        out.push_str(&format!("<p>{text}</p>\n"));
    }
    if !msg.fields.is_empty() {
        out.push_str("<table style=\"border-collapse:collapse\">\n");
        for (name, value) in &msg.fields {
            out.push_str(&format!(
                "<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">{}</th><td>{}</td></tr>\n",
                escape_html(name),
                escape_html(value)
            ));
        }
        out.push_str("</table>\n");
    }
    if let Some(url) = msg
        .url
        .as_deref()
        .filter(|u| super::discord::is_http_url(u))
    {
        out.push_str(&format!(
            "<p><a href=\"{0}\">{0}</a></p>\n",
            escape_html(url)
        ));
    }
    out.push_str("</body></html>\n");
    out
}

/// The content type of an attachment, by its file name.
fn attachment_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn mailbox(what: &str, s: &str) -> Result<Mailbox, DeliveryError> {
    s.trim()
        .parse::<Mailbox>()
        .map_err(|e| DeliveryError::permanent(format!("{what} {:?} is not an address: {e}", s)))
}

/// The e-mail for `msg` as `channel` sends it: subject = title, plain text + HTML, the
/// attachment if any.
pub fn build(channel: &ChannelConfig, msg: &Message) -> Result<lettre::Message, DeliveryError> {
    let mut builder = lettre::Message::builder()
        .from(mailbox("`from`", &channel.from)?)
        .subject(msg.title.trim());
    if channel.to.is_empty() {
        return Err(DeliveryError::permanent("`to` has no address"));
    }
    for to in &channel.to {
        builder = builder.to(mailbox("`to`", to)?);
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(plain(msg)))
        .singlepart(SinglePart::html(html(msg)));
    let result = match &msg.attachment {
        None => builder.multipart(alternative),
        Some((name, bytes)) => {
            let content_type = ContentType::parse(attachment_type(name)).map_err(|e| {
                DeliveryError::permanent(format!("attachment type of {name:?}: {e}"))
            })?;
            let file = Attachment::new(name.clone()).body(bytes.clone(), content_type);
            builder.multipart(MultiPart::mixed().multipart(alternative).singlepart(file))
        }
    };
    result.map_err(|e| DeliveryError::permanent(format!("the e-mail could not be built: {e}")))
}

/// The SMTP transport of `channel`; `timeout` bounds each command too, so a silent server
/// does not hold the connection past the attempt.
fn transport(
    channel: &ChannelConfig,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let host = channel.smtp_host.trim();
    let builder = match channel.smtp_tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .map_err(|e| DeliveryError::permanent(format!("TLS set-up for {host}: {e}")))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
            .map_err(|e| DeliveryError::permanent(format!("TLS set-up for {host}: {e}")))?,
    };
    let mut builder = builder.port(port(channel)).timeout(Some(timeout));
    if !channel.username.trim().is_empty() {
        builder = builder.credentials(Credentials::new(
            channel.username.trim().to_string(),
            channel.password.expose().to_string(),
        ));
    }
    Ok(builder.build())
}

/// An SMTP failure: 5xx replies and client-side refusals (no common login mechanism) are
/// permanent; 4xx replies, timeouts, network and TLS failures may pass.
fn smtp_error(err: &lettre::transport::smtp::Error) -> DeliveryError {
    let message = format!("SMTP: {err}");
    if err.is_permanent() || err.is_client() {
        DeliveryError::permanent(message)
    } else {
        DeliveryError::retryable(message)
    }
}

pub(crate) async fn send(
    channel: &ChannelConfig,
    msg: &Message,
    timeout: Duration,
) -> Result<(), DeliveryError> {
    let email = build(channel, msg)?;
    let transport = transport(channel, timeout)?;
    transport
        .send(email)
        .await
        .map(|_| ())
        .map_err(|e| smtp_error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamtide_core::Secret;

    fn channel() -> ChannelConfig {
        ChannelConfig {
            name: "mail".into(),
            kind: crate::config::ChannelKind::Email,
            url: Secret::default(),
            secret: Secret::default(),
            token: Secret::default(),
            chat_id: String::new(),
            api_base: String::new(),
            smtp_host: "127.0.0.1".into(),
            smtp_port: 0,
            smtp_tls: SmtpTls::Starttls,
            username: String::new(),
            password: Secret::default(),
            from: "streamtide <alerts@example.kr>".into(),
            to: vec!["a@example.kr".into(), "운영 <b@example.kr>".into()],
            language: None,
        }
    }

    fn msg() -> Message {
        Message {
            title: "주간 보고서".into(),
            text: "이번 주 <요약>\n둘째 줄".into(),
            fields: vec![("채널".into(), "12".into())],
            url: Some("https://live.example.kr/".into()),
            color: 0x2EA043,
            event: None,
            attachment: None,
        }
    }

    #[test]
    fn ports_follow_the_connection() {
        let mut c = channel();
        assert_eq!(port(&c), 587);
        c.smtp_tls = SmtpTls::Tls;
        assert_eq!(port(&c), 465);
        c.smtp_tls = SmtpTls::None;
        assert_eq!(port(&c), 25);
        c.smtp_port = 2525;
        assert_eq!(port(&c), 2525);
    }

    #[test]
    fn bodies() {
        assert_eq!(
            plain(&msg()),
            "주간 보고서\n\n이번 주 <요약>\n둘째 줄\n\n채널: 12\n\nhttps://live.example.kr/\n"
        );
        let h = html(&msg());
        assert!(h.contains("이번 주 &lt;요약&gt;<br>\n둘째 줄"), "{h}");
        assert!(h.contains("#2ea043"));
        assert!(
            h.contains("<th style=\"text-align:left;padding:2px 12px 2px 0\">채널</th><td>12</td>")
        );
    }

    #[test]
    fn message_parts() {
        let email = build(&channel(), &msg()).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(!text.contains("multipart/mixed"));
        assert_eq!(email.envelope().to().len(), 2);

        let mut m = msg();
        m.attachment = Some(("streamtide-주간.xlsx".into(), vec![0x50, 0x4B, 3, 4]));
        let text = String::from_utf8(build(&channel(), &m).unwrap().formatted()).unwrap();
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    }

    #[test]
    fn bad_addresses_are_permanent() {
        let mut c = channel();
        c.to = vec!["not an address".into()];
        let e = build(&c, &msg()).unwrap_err();
        assert!(!e.retryable);
        assert!(e.message.contains("`to`"), "{}", e.message);
        c.to.clear();
        assert!(!build(&c, &msg()).unwrap_err().retryable);
    }
}
