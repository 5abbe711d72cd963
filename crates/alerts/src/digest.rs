//! Digests (daily and weekly reports) as queued deliveries: the message is rendered when the
//! digest is made and stored whole, so every destination gets the same figures.

use serde::{Deserialize, Serialize};

use crate::config::Language;
use crate::message::Message;

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
