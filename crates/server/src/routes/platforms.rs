//! `GET /api/v1/platforms`: every platform this build knows, in display order, with its names,
//! badge colour and channel URL examples (from its facts in `streamtide-core`), and whether this
//! server's configuration collects it. The web UI and the extension draw their platform filters,
//! names and badges from this answer instead of keeping lists of their own.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use streamtide_core::Platform;
use utoipa::ToSchema;

use crate::{AppState, PlatformSetup};

/// One platform.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlatformDto {
    /// The id used in paths, queries and bodies.
    pub id: Platform,
    /// Position in display order (0 first); the list is already sorted by it.
    pub order: usize,
    /// Korean name, as the Korean UI shows it.
    #[schema(example = "치지직")]
    pub name_ko: String,
    /// English name.
    #[schema(example = "CHZZK")]
    pub name_en: String,
    /// Badge background, `#rrggbb` (white text on it stays readable).
    #[schema(example = "#00804f")]
    pub colour: String,
    /// Channel references `POST /api/v1/channels` and rosters accept, one per shape.
    pub channel_url_examples: Vec<String>,
    /// Whether this server's configuration collects the platform; `null` when the server was
    /// not told (it then judges platforms by the jobs that have run).
    #[schema(required = true)]
    pub enabled: Option<bool>,
    /// Why it is not collected (names configuration keys, never values); `null` when enabled
    /// or unknown.
    #[schema(required = true)]
    pub skipped_reason: Option<String>,
}

/// Every platform.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlatformsDto {
    pub platforms: Vec<PlatformDto>,
}

/// The answer for a server configured with `setup` (`None`: not told).
pub fn platforms(setup: Option<&[(Platform, PlatformSetup)]>) -> PlatformsDto {
    let platforms = Platform::ALL
        .into_iter()
        .map(|p| {
            let facts = p.facts();
            let configured = setup.map(|s| s.iter().find(|(q, _)| *q == p).map(|(_, s)| s));
            let (enabled, skipped_reason) = match configured {
                None => (None, None),
                Some(Some(PlatformSetup::Enabled)) => (Some(true), None),
                Some(Some(PlatformSetup::Skipped(why))) => (Some(false), Some(why.clone())),
                // A configuration that does not list a platform does not collect it.
                Some(None) => (Some(false), None),
            };
            PlatformDto {
                id: p,
                order: p.order(),
                name_ko: facts.name_ko.to_string(),
                name_en: facts.name_en.to_string(),
                colour: facts.colour.to_string(),
                channel_url_examples: facts
                    .channel_url_examples
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                enabled,
                skipped_reason,
            }
        })
        .collect();
    PlatformsDto { platforms }
}

#[utoipa::path(
    get,
    operation_id = "list_platforms",
    path = "/api/v1/platforms",
    tag = "platforms",
    responses(
        (status = 200, description = "Every platform, in display order", body = PlatformsDto),
    )
)]
pub async fn list(State(state): State<AppState>) -> Json<PlatformsDto> {
    Json(platforms(state.platforms.as_deref().map(Vec::as_slice)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_in_order_with_its_setup() {
        let unknown = platforms(None);
        let ids: Vec<Platform> = unknown.platforms.iter().map(|p| p.id).collect();
        assert_eq!(ids, Platform::ALL.to_vec());
        assert!(unknown.platforms.iter().all(|p| p.enabled.is_none()));
        assert_eq!(unknown.platforms[0].name_ko, "치지직");

        let setup = [
            (Platform::Chzzk, PlatformSetup::Enabled),
            (
                Platform::Twitch,
                PlatformSetup::Skipped("no credentials (platforms.twitch.client_id)".into()),
            ),
        ];
        let told = platforms(Some(&setup));
        let by = |p: Platform| told.platforms.iter().find(|d| d.id == p).cloned().unwrap();
        assert_eq!(by(Platform::Chzzk).enabled, Some(true));
        assert_eq!(by(Platform::Twitch).enabled, Some(false));
        assert!(by(Platform::Twitch)
            .skipped_reason
            .unwrap()
            .contains("client_id"));
        assert_eq!(by(Platform::Soop).enabled, Some(false));
    }
}
