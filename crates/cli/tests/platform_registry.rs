//! Every platform through every registry. A platform added to `Platform::ALL` (with its facts in
//! `core/src/platform/<id>.rs`) but missing its adapter, its config section, its category ids,
//! its roster labels, its simulator server, its simulated population, its image hosts, its
//! `/api/v1/platforms` entry or its web badge fails here; `docs/adding-a-platform.md` says where each piece goes.

use std::sync::Arc;

use chrono::Utc;
use streamtide_core::{ManualClock, Platform};
use streamtide_curate::categories::Vocabulary;
use streamtide_platforms::{build_adapters, skip_reason, HttpConfig, PlatformsConfig, Secret};
use streamtide_roster::{platform_from_label, Column, Header};
use streamtide_server::{AppState, Metrics, PlatformSetup, WEB_ASSETS};
use streamtide_simulator::{SimConfig, Simulator, World};
use streamtide_storage::Store;
use streamtide_thumbs::{Guard, ImageHosts};

const EXAMPLE_CONFIG: &str = include_str!("../config/example.toml");

/// Every platform enabled, with placeholder credentials where a platform needs some.
fn everything_enabled() -> PlatformsConfig {
    let mut cfg = PlatformsConfig::default();
    cfg.twitch.client_id = "client-id".into();
    cfg.twitch.client_secret = Secret::new("client-secret");
    cfg.youtube.api_key = Secret::new("api-key");
    cfg
}

#[test]
fn every_platform_has_an_adapter_and_a_config_section() {
    let cfg = everything_enabled();
    let adapters = build_adapters(&cfg, &HttpConfig::default()).expect("adapters");
    let built: Vec<Platform> = adapters.iter().map(|a| a.platform()).collect();
    assert_eq!(
        built,
        Platform::ALL.to_vec(),
        "one adapter per platform, in order"
    );

    let defaults = serde_json::to_value(PlatformsConfig::default()).expect("config as JSON");
    for (platform, adapter) in Platform::ALL.into_iter().zip(&adapters) {
        let id = platform.as_str();
        assert!(
            EXAMPLE_CONFIG.contains(&format!("[platforms.{id}]")),
            "config/example.toml has no [platforms.{id}]"
        );
        let section = &defaults[id];
        assert!(section.is_object(), "PlatformsConfig has no `{id}` section");
        // The section's limits default to the platform's facts.
        let limits = platform.facts().limits;
        assert_eq!(
            section["live_list_depth"],
            serde_json::to_value(limits.live_list_depth).unwrap(),
            "{id}"
        );
        assert_eq!(section["burst"], limits.burst, "{id}");
        // `enabled = false` in the section turns exactly this platform off.
        let mut off = serde_json::to_value(&cfg).expect("config as JSON");
        off[id]["enabled"] = serde_json::Value::Bool(false);
        let off: PlatformsConfig = serde_json::from_value(off).expect("config back");
        assert_eq!(
            skip_reason(&off, platform).as_deref(),
            Some(format!("disabled (platforms.{id}.enabled = false)").as_str())
        );
        assert_eq!(skip_reason(&cfg, platform), None, "{id}");
        // The adapter recognises every channel URL the facts give as an example.
        for example in platform.facts().channel_url_examples {
            let r = adapter.parse_channel_ref(example);
            assert_eq!(r.map(|r| r.platform), Some(platform), "{example}");
        }
    }
}

#[test]
fn every_platform_has_category_ids_and_roster_labels() {
    let vocabulary = Vocabulary::global();
    for platform in Platform::ALL {
        let facts = platform.facts();
        assert!(
            vocabulary.knows_platform(platform),
            "crates/curate/data/categories.toml maps no `{platform}` category id"
        );
        for name in [facts.name_en, facts.name_ko, platform.as_str()] {
            assert_eq!(platform_from_label(name), Some(platform), "label {name}");
        }
        let header = Header::recognise(&["name".to_string(), format!("{} URL", facts.name_en)])
            .expect("a header with a name and a platform's URL column");
        assert_eq!(
            header.columns[1],
            Column::PlatformReference(platform),
            "{platform}"
        );
    }
}

/// The simulator's shape of the platform (`http/<id>.rs`) gives the demo channels, and their
/// pictures come from hosts the thumbnail guard allows for the platform (its facts'
/// `image_hosts`, the defaults of `[thumbnails.image_hosts]`, written out in example.toml).
#[test]
fn every_platform_has_a_simulated_population_and_image_hosts() {
    let world = World::new(&SimConfig::demo(8, None));
    let hosts = ImageHosts::default();
    let guard = Guard::new(hosts.clone(), &[]).expect("guard");
    for platform in Platform::ALL {
        let id = platform.as_str();
        assert!(!hosts.of(platform).is_empty(), "{id} has no image hosts");
        assert!(
            EXAMPLE_CONFIG.contains(&format!("\n{id} = [\"")),
            "config/example.toml has no `{id} = [...]` image hosts"
        );
        let channels = world.channels(platform);
        assert!(!channels.is_empty(), "the demo world has no {id} channels");
        for ch in channels {
            assert_eq!(ch.platform, platform);
            // SOOP's pictures are protocol-relative, as its API sends them.
            let url = match ch.image_url.strip_prefix("//") {
                Some(rest) => format!("https://{rest}"),
                None => ch.image_url.clone(),
            };
            let url = url::Url::parse(&url).expect("picture URL");
            assert_eq!(guard.check(&url, Some(platform)), Ok(()), "{id}: {url}");
        }
    }
}

#[tokio::test]
async fn every_platform_has_a_simulator_server_an_api_entry_and_a_web_badge() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let sim = Simulator::start(
        SimConfig {
            chzzk_channels: 4,
            soop_channels: 4,
            twitch_channels: 4,
            youtube_channels: 4,
            ..SimConfig::default()
        },
        clock,
    )
    .await
    .expect("simulator");
    let http = reqwest::Client::new();
    for platform in Platform::ALL {
        let base = sim
            .base(platform)
            .unwrap_or_else(|| panic!("no {platform} server"));
        let before = sim.requests(platform);
        let reply = http
            .get(format!("{base}/no-such-path"))
            .send()
            .await
            .expect("simulator answers");
        assert!(reply.status().is_client_error(), "{platform}");
        assert_eq!(sim.requests(platform), before + 1, "{platform} served it");
    }
    sim.shutdown().await;

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .expect("store");
    let setup = Platform::ALL
        .into_iter()
        .map(|p| (p, PlatformSetup::Enabled))
        .collect();
    let state = AppState::new(
        store,
        chrono::Duration::seconds(120),
        Arc::new(Metrics::new()),
    )
    .with_platforms(setup);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(streamtide_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let body: serde_json::Value = http
        .get(format!("http://{addr}/api/v1/platforms"))
        .send()
        .await
        .expect("GET /api/v1/platforms")
        .json()
        .await
        .expect("JSON");
    let listed: Vec<&str> = body["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    let all: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(listed, all);
    let openapi: serde_json::Value = http
        .get(format!("http://{addr}/api/v1/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("JSON");
    let _ = stop.send(());
    let _ = server.await;
    assert_eq!(
        openapi["components"]["schemas"]["Platform"]["enum"],
        serde_json::json!(all),
        "the OpenAPI document lists exactly Platform::ALL"
    );

    for (platform, entry) in Platform::ALL
        .into_iter()
        .zip(body["platforms"].as_array().into_iter().flatten())
    {
        let facts = platform.facts();
        assert_eq!(entry["colour"], facts.colour, "{platform}");
        assert_eq!(entry["name_ko"], facts.name_ko, "{platform}");
        assert_eq!(entry["enabled"], true, "{platform}");
        // The web UI and the extension colour and name badges from that answer only: no asset
        // keeps a list of its own that a new platform would have to join.
        let id = platform.as_str();
        for asset in WEB_ASSETS {
            for own_list in [
                format!("\"{id}\""),
                format!("badge-{id}"),
                format!("platform.{id}"),
                format!("--{id}:"),
            ] {
                assert!(
                    !asset.body.contains(&own_list),
                    "{} names {platform} itself ({own_list}); take it from /api/v1/platforms",
                    asset.path
                );
            }
        }
    }
    let css = WEB_ASSETS
        .iter()
        .find(|a| a.path == "app.css")
        .expect("app.css");
    assert!(
        css.body.contains("var(--badge"),
        "badges take their colour from --badge"
    );
    let platforms_js = WEB_ASSETS
        .iter()
        .find(|a| a.path == "app/platforms.js")
        .expect("app/platforms.js");
    assert!(platforms_js.body.contains("--platform-${p.id}"));
}
