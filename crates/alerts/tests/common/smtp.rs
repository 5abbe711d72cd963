//! A tiny SMTP server on 127.0.0.1 that captures what it is sent: enough of RFC 5321 for a
//! client like lettre (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP,
//! QUIT), without TLS (channels use `smtp_tls = "none"` with it).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One mail the sink accepted.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// The EHLO/HELO name.
    pub helo: String,
    /// The login, if the client authenticated: user and password.
    pub auth: Option<(String, String)>,
    /// The envelope sender (without the angle brackets).
    pub mail_from: String,
    /// The envelope recipients.
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA, dot-stuffing undone, lines ending in CRLF.
    pub data: Vec<u8>,
}

/// What the sink captured.
pub type Captured = Arc<Mutex<Vec<Mail>>>;

/// How the sink answers, besides accepting everything.
#[derive(Debug, Clone, Default)]
pub struct SinkBehaviour {
    /// The reply to every RCPT instead of 250 (e.g. "550 5.1.1 no such user").
    pub rcpt_reply: Option<String>,
    /// The reply to AUTH instead of 235 (e.g. "535 5.7.8 authentication failed").
    pub auth_reply: Option<String>,
}

/// A sink that accepts everything. Returns its port and what it captures.
pub async fn start_sink() -> (u16, Captured) {
    start_sink_with(SinkBehaviour::default()).await
}

pub async fn start_sink_with(behaviour: SinkBehaviour) -> (u16, Captured) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the sink");
    let port = listener.local_addr().expect("sink address").port();
    let captured = Captured::default();
    let store = captured.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            let behaviour = behaviour.clone();
            tokio::spawn(async move {
                let _ = session(socket, store, behaviour).await;
            });
        }
    });
    (port, captured)
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Captured,
    behaviour: SinkBehaviour,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut mail = Mail::default();
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end_matches(['\r', '\n']).to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO ") || upper.starts_with("HELO ") {
            mail = Mail {
                helo: command[5..].trim().to_string(),
                ..Mail::default()
            };
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10485760\r\n"
            } else {
                b"250 sink.test\r\n"
            };
            write.write_all(reply).await?;
        } else if upper.starts_with("AUTH PLAIN") {
            let arg = command[10..].trim().to_string();
            let arg = if arg.is_empty() {
                write.write_all(b"334 \r\n").await?;
                read_line(&mut lines).await?
            } else {
                arg
            };
            let decoded = base64_decode(&arg);
            let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
            if parts.len() == 3 {
                mail.auth = Some((
                    String::from_utf8_lossy(parts[1]).into_owned(),
                    String::from_utf8_lossy(parts[2]).into_owned(),
                ));
            }
            auth_reply(&mut write, &behaviour).await?;
        } else if upper.starts_with("AUTH LOGIN") {
            write.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
            let user = base64_decode(&read_line(&mut lines).await?);
            write.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
            let pass = base64_decode(&read_line(&mut lines).await?);
            mail.auth = Some((
                String::from_utf8_lossy(&user).into_owned(),
                String::from_utf8_lossy(&pass).into_owned(),
            ));
            auth_reply(&mut write, &behaviour).await?;
        } else if upper.starts_with("MAIL FROM:") {
            mail.mail_from = address(&command[10..]);
            mail.rcpt_to.clear();
            write.write_all(b"250 2.1.0 ok\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            match &behaviour.rcpt_reply {
                Some(reply) => write.write_all(format!("{reply}\r\n").as_bytes()).await?,
                None => {
                    mail.rcpt_to.push(address(&command[8..]));
                    write.write_all(b"250 2.1.5 ok\r\n").await?;
                }
            }
        } else if upper == "DATA" {
            write
                .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = Vec::new();
            loop {
                let mut raw = Vec::new();
                if lines.read_until(b'\n', &mut raw).await? == 0 {
                    return Ok(());
                }
                if raw == b".\r\n" || raw == b".\n" {
                    break;
                }
                // Dot-stuffing: a line that starts with "." was sent with one more.
                let unstuffed = if raw.starts_with(b"..") {
                    &raw[1..]
                } else {
                    &raw[..]
                };
                data.extend_from_slice(unstuffed);
            }
            mail.data = data;
            store.lock().unwrap().push(mail.clone());
            write.write_all(b"250 2.0.0 queued\r\n").await?;
        } else if upper == "RSET" {
            mail.mail_from.clear();
            mail.rcpt_to.clear();
            write.write_all(b"250 2.0.0 ok\r\n").await?;
        } else if upper == "NOOP" {
            write.write_all(b"250 2.0.0 ok\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 5.5.2 not implemented\r\n").await?;
        }
    }
}

async fn auth_reply(
    write: &mut tokio::net::tcp::OwnedWriteHalf,
    behaviour: &SinkBehaviour,
) -> std::io::Result<()> {
    match &behaviour.auth_reply {
        Some(reply) => write.write_all(format!("{reply}\r\n").as_bytes()).await,
        None => write.write_all(b"235 2.7.0 authenticated\r\n").await,
    }
}

async fn read_line(
    lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<String> {
    let mut s = String::new();
    lines.read_line(&mut s).await?;
    Ok(s.trim().to_string())
}

/// `<a@b.kr> SIZE=123` → `a@b.kr`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_string(),
        _ => arg.split_whitespace().next().unwrap_or("").to_string(),
    }
}

/// Standard base64 (AUTH's encoding), ignoring anything that is not part of the alphabet.
fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}
