//! Identifier newtypes.
//!
//! A channel is identified by the platform's *stable* id (CHZZK's 32-hex channel id, SOOP's BJ id,
//! Twitch's numeric user id, YouTube's `UC…` channel id). Names and handles change; these don't.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Platform;

/// A platform's stable channel id, as the platform spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelId(pub String);

impl ChannelId {
    pub fn new(id: impl Into<String>) -> Self {
        ChannelId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ChannelId {
    fn from(s: &str) -> Self {
        ChannelId(s.to_string())
    }
}

/// What a user pasted, once recognised: a platform and either a stable id or a handle that must
/// still be resolved to one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelRef {
    pub platform: Platform,
    pub kind: RefKind,
}

/// The two kinds of reference a URL or roster cell can carry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RefKind {
    /// Already the stable id.
    Id(ChannelId),
    /// A name that can change (YouTube `@handle`, Twitch login); resolve before storing.
    Handle(String),
}

impl ChannelRef {
    pub fn id(platform: Platform, id: impl Into<String>) -> Self {
        ChannelRef {
            platform,
            kind: RefKind::Id(ChannelId::new(id)),
        }
    }

    pub fn handle(platform: Platform, handle: impl Into<String>) -> Self {
        ChannelRef {
            platform,
            kind: RefKind::Handle(handle.into()),
        }
    }
}
