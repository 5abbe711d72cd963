//! The fault matrix: for each platform, each kind of misbehaviour the real platforms show, with
//! all four platforms collecting side by side against the simulator and a real API server over
//! the same store.
//!
//! For every (platform, fault) cell it asserts that the other platforms are untouched, that the
//! faulted platform either rode the fault out (a Retry-After, a lenient parse) or recorded the
//! failure where `/healthz` and `/metrics` show it, that nothing was written twice or lost, and
//! that once the fault is gone the platform collects again by itself. The cell outcomes are
//! printed as a table (`cargo test --test fault_matrix -- --nocapture`).

use std::time::Duration;

use chrono::{TimeZone, Utc};
use streamtide_collector::RoundSummary;
use streamtide_core::{ChannelId, ChannelInfo, Clock, Platform};
use streamtide_simulator::{Fault, FaultKind, SimConfig};
use streamtide_storage::Job;
use tokio_util::sync::CancellationToken;

#[path = "common/rig.rs"]
mod rig;
#[path = "common/sim.rs"]
mod sim_support;

use rig::Rig;

const TRACKED: usize = 5;

/// All four platforms on the shared rig, with short timeouts and a small retry budget (a storm
/// outlasts it, a short burst does not) and a board that judges nothing stale.
async fn rig() -> Rig {
    let sim = SimConfig {
        chzzk_channels: 60,
        soop_channels: 60,
        twitch_channels: 60,
        youtube_channels: 60,
        ..SimConfig::default()
    };
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap();
    let mut spec = rig::RigSpec::new(start, sim, &Platform::ALL);
    spec.tracked = TRACKED;
    spec.http = sim_support::impatient_http(Duration::from_millis(600), Duration::from_secs(2));
    spec.live_freshness = chrono::Duration::days(365);
    rig::start(spec, |_, _| {}).await
}

impl Rig {
    /// A live and a channels round of every platform.
    async fn rounds(&self) -> Vec<RoundSummary> {
        let never = CancellationToken::new();
        let mut out = Vec::new();
        for platform in Platform::ALL {
            for job in [Job::Live, Job::Channels] {
                out.push(self.collector.run_round(platform, job, &never).await);
            }
        }
        out
    }

    /// The live job's entry of `/healthz` for `platform`.
    async fn live_health(&self, platform: Platform) -> serde_json::Value {
        let v = self.health().await;
        let jobs = v["platforms"].as_array().cloned().unwrap_or_default();
        jobs.into_iter()
            .find(|j| j["platform"] == platform.as_str() && j["job"] == "live")
            .unwrap_or_default()
    }

    async fn error_metric(&self, platform: Platform) -> u64 {
        let text = self.get("/metrics").await;
        let label = format!("platform=\"{}\"", platform.as_str());
        text.lines()
            .filter(|l| l.starts_with("streamtide_collector_errors_total") && l.contains(&label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }
}

/// Where the platform's live list is asked for (the fault's path filter).
fn live_path(p: Platform) -> &'static str {
    match p {
        Platform::Chzzk => "/service/v1/lives",
        Platform::Soop => "main_broad_list_api",
        Platform::Twitch => "/helix/streams",
        // The live round searches when its schedule says so and otherwise refreshes the last
        // search with videos.list: both are Data API calls (so is the channels round's).
        Platform::Youtube => "/youtube/v3/",
    }
}

/// A viewer-count field of each platform's live list, to rename or turn into a string.
fn viewers_field(p: Platform) -> &'static str {
    match p {
        Platform::Chzzk => "concurrentUserCount",
        Platform::Soop => "total_view_cnt",
        Platform::Twitch => "viewer_count",
        Platform::Youtube => "videoId",
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// The platform must record a failure (nothing silently missing).
    Fails,
    /// The platform must ride it out within the round.
    RidesOut,
    /// Either is acceptable (lenient parsing may absorb it), but it must be consistent.
    Either,
}

fn scenarios(p: Platform) -> Vec<(&'static str, FaultKind, u32, Expect)> {
    let status = |code, retry_after_secs| FaultKind::Status {
        code,
        retry_after_secs,
    };
    vec![
        (
            "429 storm, no Retry-After",
            status(429, None),
            1000,
            Expect::Fails,
        ),
        (
            "429 twice, Retry-After 1",
            status(429, Some(1)),
            2,
            Expect::RidesOut,
        ),
        ("503 storm", status(503, None), 1000, Expect::Fails),
        ("502 once", status(502, None), 1, Expect::RidesOut),
        (
            "timeouts",
            FaultKind::Delay(Duration::from_secs(2)),
            1000,
            Expect::Fails,
        ),
        ("connection resets", FaultKind::Reset, 1000, Expect::Fails),
        (
            "truncated bodies",
            FaultKind::Truncated,
            1000,
            Expect::Fails,
        ),
        (
            "HTML instead of JSON",
            FaultKind::Garbage,
            1000,
            Expect::Fails,
        ),
        (
            "field renamed",
            FaultKind::RenameField {
                from: viewers_field(p).into(),
                to: "renamed_by_platform".into(),
            },
            1000,
            Expect::Either,
        ),
        (
            "number turned string",
            FaultKind::NumberToString {
                field: viewers_field(p).into(),
            },
            1000,
            Expect::Either,
        ),
    ]
}

fn live_summary(rounds: &[RoundSummary], p: Platform) -> &RoundSummary {
    rounds
        .iter()
        .find(|s| s.platform == Some(p) && s.job == Some(Job::Live))
        .unwrap()
}

#[tokio::test]
async fn every_platform_survives_every_fault_alone() {
    let r = rig().await;
    // A clean start: every platform works, and this data must survive everything below.
    for s in r.rounds().await {
        assert!(s.failure.is_none() && s.errors == 0, "clean round: {s:?}");
    }
    let mut table = vec![format!(
        "{:<8} {:<28} {:<10} {:>6} {:>8} {:>9}",
        "platform", "fault", "outcome", "errors", "health", "resumed"
    )];
    for p in Platform::ALL {
        for (name, kind, count, expect) in scenarios(p) {
            let before = r.store.counts().await.unwrap();
            let errors_before = r.error_metric(p).await;
            r.clock.advance(chrono::Duration::minutes(5));
            r.sim.inject(
                p,
                Fault {
                    kind: kind.clone(),
                    count,
                    path_contains: Some(live_path(p).into()),
                },
            );
            let rounds = r.rounds().await;
            r.sim.clear_faults();

            // The other platforms are untouched.
            for s in rounds.iter().filter(|s| s.platform != Some(p)) {
                assert!(
                    s.failure.is_none() && s.errors == 0,
                    "{p} {name}: another platform was affected: {s:?}"
                );
            }
            let live = live_summary(&rounds, p);
            let failed = live.failure.is_some();
            match expect {
                Expect::Fails => assert!(
                    failed,
                    "{p} {name}: must be recorded as a failure: {live:?}"
                ),
                Expect::RidesOut => assert!(!failed, "{p} {name}: must ride it out: {live:?}"),
                Expect::Either => {}
            }
            // Health and metrics show it.
            let live_health = r.live_health(p).await;
            let health_failures = live_health["consecutive_failures"].as_u64().unwrap_or(0);
            if failed {
                assert!(health_failures >= 1, "{p} {name}: /healthz: {live_health}");
                assert!(
                    r.error_metric(p).await > errors_before,
                    "{p} {name}: /metrics errors did not move"
                );
            } else {
                assert_eq!(health_failures, 0, "{p} {name}: /healthz: {live_health}");
            }
            // Nothing collected before is lost, and the per-channel rounds wrote one snapshot
            // per tracked channel: none twice. The faulted platform's channels round may have
            // failed too where it shares the endpoint (Twitch's /streams); then it wrote none
            // and says so.
            let after = r.store.counts().await.unwrap();
            assert!(
                after.live_samples >= before.live_samples,
                "{p} {name}: samples lost"
            );
            let written = after.channel_snapshots - before.channel_snapshots;
            let channels = rounds
                .iter()
                .find(|s| s.platform == Some(p) && s.job == Some(Job::Channels))
                .unwrap();
            let channels_hit = channels.failure.is_some() || channels.errors > 0;
            if channels_hit {
                assert!(
                    written < (4 * TRACKED) as u64 && written >= (3 * TRACKED) as u64,
                    "{p} {name}: snapshots {written}"
                );
            } else {
                assert_eq!(written, (4 * TRACKED) as u64, "{p} {name}: snapshots");
            }
            assert!(r.store.consistency_violations().await.unwrap().is_empty());

            // The fault is gone: the platform collects again by itself.
            r.clock.advance(chrono::Duration::minutes(5));
            let again = r.rounds().await;
            let resumed = live_summary(&again, p);
            assert!(
                resumed.failure.is_none() && resumed.written.live_samples > 0,
                "{p} {name}: did not resume: {resumed:?}"
            );
            let live_health = r.live_health(p).await;
            assert_eq!(
                live_health["consecutive_failures"], 0,
                "{p} {name}: healthz after recovery"
            );
            table.push(format!(
                "{:<8} {:<28} {:<10} {:>6} {:>8} {:>9} {}",
                p.as_str(),
                name,
                if failed { "failed" } else { "rode out" },
                live.errors,
                health_failures,
                "yes",
                if channels_hit {
                    "(channels round hit too)"
                } else {
                    ""
                }
            ));
        }
    }
    println!("{}", table.join("\n"));
}

/// An id the platform does not know is data (the channel is marked missing), not a failure, and
/// the rest of the roster is collected as usual.
#[tokio::test]
async fn an_unknown_channel_is_marked_missing_on_every_platform() {
    let r = rig().await;
    let bogus = |p: Platform| match p {
        Platform::Chzzk => "ffffffffffffffffffffffffffffffff".to_string(),
        Platform::Soop => "nosuchbj0000".to_string(),
        Platform::Twitch => "999999999999".to_string(),
        Platform::Youtube => "UCxxxxxxxxxxxxxxxxxxxxxx".to_string(),
    };
    for p in Platform::ALL {
        let info = ChannelInfo {
            platform: p,
            channel_id: ChannelId::new(bogus(p)),
            name: "gone".into(),
            handle: None,
            avatar_url: None,
            description: None,
        };
        r.store.track_channel(&info, r.clock.now()).await.unwrap();
    }
    let never = CancellationToken::new();
    for p in Platform::ALL {
        let s = r.collector.run_round(p, Job::Channels, &never).await;
        assert!(s.failure.is_none() && s.errors == 0, "{p}: {s:?}");
        assert_eq!(s.written.channels_missing, 1, "{p}: {s:?}");
        assert_eq!(s.written.channel_snapshots, TRACKED as u64, "{p}: {s:?}");
        let row = r.store.channel(p, &bogus(p)).await.unwrap().unwrap();
        assert!(row.missing_since.is_some(), "{p}: marked missing");
    }
}
