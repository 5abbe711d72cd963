//! A platform that answers only on its fallback shows in `/healthz`: the job's `fallback` (since
//! when) and the platform `degraded`, until a round is answered by the first configured route
//! again. Driven end to end: simulator, the real SOOP adapter, collector, store and API server.
//!
//! The simulator moves only the old `.co.kr` hosts, so the configuration here is one written
//! before 2026, naming `.co.kr` first and `.com` as the fallback: when the old hosts start
//! answering an HTML page, the primary fails and the fallback answers, as a configuration naming
//! `.com` first will see the day SOOP moves again.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use streamtide_core::{Clock, Platform};
use streamtide_simulator::{Fault, FaultKind, SimConfig, SoopOldHosts};
use streamtide_storage::Job;
use tokio_util::sync::CancellationToken;

#[path = "common/rig.rs"]
mod rig;
#[path = "common/sim.rs"]
mod sim_support;

use rig::Rig;

async fn soop_rig() -> Rig {
    let sim = SimConfig {
        soop_channels: 40,
        ..SimConfig::default()
    };
    let start = Utc.with_ymd_and_hms(2026, 4, 2, 11, 0, 0).unwrap();
    let mut spec = rig::RigSpec::new(start, sim, &[Platform::Soop]);
    spec.live_freshness = chrono::Duration::days(365);
    rig::start(spec, |p, sim| {
        p.soop.live_base = sim.soop_old_base();
        p.soop.chapi_base = sim.soop_old_base();
        p.soop.live_fallback_base = sim.soop_base();
        p.soop.chapi_fallback_base = sim.soop_base();
    })
    .await
}

/// One live round of SOOP, which must succeed, then `/healthz`: (the live job's entry, SOOP's
/// summary entry, the overall status).
async fn live_round(r: &Rig) -> (Value, Value, Value) {
    let s = r
        .collector
        .run_round(Platform::Soop, Job::Live, &CancellationToken::new())
        .await;
    assert_eq!(s.failure, None, "{s:?}");
    assert!(s.written.rows() > 0, "{s:?}");
    let h = r.health().await;
    let find = |key: &str, job: Option<&str>| {
        h[key]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["platform"] == "soop" && job.is_none_or(|n| j["job"] == n))
            .cloned()
            .unwrap_or_else(|| panic!("no soop entry in {key}: {h}"))
    };
    (
        find("platforms", Some("live")),
        find("summary", None),
        h["status"].clone(),
    )
}

fn since(v: &Value) -> DateTime<Utc> {
    v["fallback"]["since"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no fallback.since in {v}"))
}

#[tokio::test]
async fn healthz_shows_a_platform_answering_only_on_its_fallback_until_the_primary_answers() {
    let r = soop_rig().await;

    // The first configured hosts answer: no fallback, ok.
    let (job, summary, status) = live_round(&r).await;
    assert_eq!(job["fallback"], Value::Null, "{job}");
    assert_eq!(summary["fallback"], Value::Null, "{summary}");
    assert_eq!(summary["state"], "ok");
    assert_eq!(status, "ok");

    // The primary answers an HTML page; the fallback answers the JSON. The round succeeds, and
    // /healthz says how: on the fallback, since this round, the platform degraded.
    r.sim.set_soop_old_hosts(SoopOldHosts::HtmlPage);
    r.clock.advance(chrono::Duration::minutes(2));
    let moved_at = r.clock.now();
    let (job, summary, status) = live_round(&r).await;
    assert_eq!(since(&job), moved_at, "{job}");
    assert!(
        job["fallback"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("fallback") && n.contains("docs/platforms.md")),
        "{job}"
    );
    assert_eq!(job["healthy"], true, "the job itself works: {job}");
    assert_eq!(summary["state"], "degraded", "{summary}");
    assert_eq!(since(&summary), moved_at, "{summary}");
    assert_eq!(status, "degraded");
    let stored = r.store.job_statuses().await.unwrap();
    let live = stored.iter().find(|j| j.job == "live").unwrap();
    assert_eq!(live.fallback_since, Some(moved_at), "the store keeps it");

    // Later rounds go straight to the fallback (no new switch): still shown, still since then.
    r.clock.advance(chrono::Duration::minutes(2));
    let (job, summary, _) = live_round(&r).await;
    assert_eq!(since(&job), moved_at, "{job}");
    assert_eq!(summary["state"], "degraded", "{summary}");

    // The primary answers the JSON again and the fallback host stumbles once (an HTML page):
    // the adapter goes back to the primary, and the round answered there clears the fallback.
    r.sim.set_soop_old_hosts(SoopOldHosts::Json);
    r.sim
        .inject(Platform::Soop, Fault::once(FaultKind::Garbage));
    r.clock.advance(chrono::Duration::minutes(2));
    let (job, summary, status) = live_round(&r).await;
    assert_eq!(job["fallback"], Value::Null, "{job}");
    assert_eq!(summary["fallback"], Value::Null, "{summary}");
    assert_eq!(summary["state"], "ok", "{summary}");
    assert_eq!(status, "ok");
}
