//! The Twitch app access token (client-credentials grant), minted lazily and cached.
//!
//! There is no refresh token for this grant: a token is re-minted shortly before its
//! `expires_in`, and once when Helix answers 401 (revoked or expired early). The client secret
//! only ever travels in the form body of `POST {auth_base}/oauth2/token`.

use std::time::Duration;

use streamtide_core::Platform;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::parse::{parse_error, parse_token};
use crate::config::TwitchConfig;
use crate::http::{ApiClient, Call};
use crate::AdapterError;

/// Re-mint this long before the announced expiry, at most.
const MAX_MARGIN: Duration = Duration::from_secs(300);

#[derive(Default)]
pub(super) struct AppToken {
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    token: String,
    refresh_at: Instant,
}

impl AppToken {
    /// The current token, minting one when none is cached or it is about to expire.
    pub(super) async fn get(
        &self,
        client: &ApiClient,
        cfg: &TwitchConfig,
    ) -> Result<String, AdapterError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        let (token, expires_in) = mint(client, cfg).await?;
        let lifetime = Duration::from_secs(expires_in);
        // Shortly before expiry: a tenth of the lifetime, at most five minutes.
        let margin = (lifetime / 10).min(MAX_MARGIN);
        *cached = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + lifetime.saturating_sub(margin),
        });
        Ok(token)
    }

    /// Forget `used` after a 401, unless another request already replaced it.
    pub(super) async fn invalidate(&self, used: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|c| c.token == used) {
            *cached = None;
        }
    }
}

async fn mint(client: &ApiClient, cfg: &TwitchConfig) -> Result<(String, u64), AdapterError> {
    let mut call = Call::get(format!(
        "{}/oauth2/token",
        cfg.auth_base.trim_end_matches('/')
    ));
    call.form = Some(vec![
        ("client_id".into(), cfg.client_id.clone()),
        (
            "client_secret".into(),
            cfg.client_secret.expose().to_string(),
        ),
        ("grant_type".into(), "client_credentials".into()),
    ]);
    let url = call.display_url();
    let reply = client.send(&call).await?;
    match reply.status.as_u16() {
        200..=299 => parse_token(&reply.body).map_err(|e| e.at(Platform::Twitch, &url)),
        400 | 401 | 403 => {
            let why = parse_error(&reply.body)
                .map(|e| e.message)
                .unwrap_or_default();
            tracing::warn!(platform = "twitch", status = reply.status.as_u16(), message = %why, "Twitch refused the client credentials.");
            Err(AdapterError::Unauthorized {
                platform: Platform::Twitch,
            })
        }
        status => Err(AdapterError::Status {
            platform: Platform::Twitch,
            url,
            status,
        }),
    }
}
