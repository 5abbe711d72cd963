//! Ranges of the configuration's numbers: a value outside is an error naming the key and the
//! range, at start-up, instead of a busy loop (`live_interval = "0s"`), a stalled limiter (a rate
//! of 0) or a collector that never runs (`concurrency = 0`).

use std::time::Duration;

use anyhow::bail;

use crate::settings::Settings;

/// The shortest admin token accepted: a guessable token is an open door to the admin endpoints.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 24;

const MS: Duration = Duration::from_millis(1);
const SEC: Duration = Duration::from_secs(1);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

/// Every problem at once, one per line.
pub fn validate(s: &Settings) -> anyhow::Result<()> {
    let mut problems = Problems::default();
    check_durations(s, &mut problems);
    check_counts(s, &mut problems);
    check_rates(s, &mut problems);
    check_admin_token(s, &mut problems);
    for source in &s.server.image_sources {
        if let Some(p) = streamtide_server::image_source_problem(source) {
            problems.0.push(format!("server.image_sources: {p}"));
        }
    }
    let mut errors = problems.0;
    if let Err(problems) = s.alerts.validate() {
        errors.extend(problems.into_iter().map(|p| format!("alerts: {p}")));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        bail!("{}", errors.join("\n"))
    }
}

/// The problems found so far, one message each, in the order they were found.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn duration(&mut self, key: &str, v: Duration, min: Duration, max: Duration) {
        if v < min || v > max {
            self.0.push(format!(
                "{key} = {:?} is out of range: {:?} to {:?}",
                v, min, max
            ));
        }
    }

    fn count(&mut self, key: &str, v: u64, min: u64, max: u64) {
        if v < min || v > max {
            self.0
                .push(format!("{key} = {v} is out of range: {min} to {max}"));
        }
    }
}

/// Intervals, timeouts and backoffs.
fn check_durations(s: &Settings, problems: &mut Problems) {
    let c = &s.collector;
    // Tests run rounds every 300 ms; 100 ms is the floor.
    problems.duration("collector.live_interval", c.live_interval, 100 * MS, DAY);
    problems.duration(
        "collector.channels_interval",
        c.channels_interval,
        100 * MS,
        7 * DAY,
    );
    problems.duration(
        "collector.videos_interval",
        c.videos_interval,
        100 * MS,
        30 * DAY,
    );
    let h = &s.http;
    problems.duration("http.timeout", h.timeout, 100 * MS, 10 * 60 * SEC);
    problems.duration("http.backoff_base", h.backoff_base, MS, 10 * 60 * SEC);
    problems.duration("http.backoff_max", h.backoff_max, h.backoff_base, HOUR);
    problems.duration(
        "http.max_retry_after",
        h.max_retry_after,
        Duration::ZERO,
        DAY,
    );
    let sv = &s.server;
    problems.duration(
        "server.header_timeout",
        sv.header_timeout,
        100 * MS,
        10 * 60 * SEC,
    );
    problems.duration("server.idle_timeout", sv.idle_timeout, 100 * MS, DAY);
    problems.duration("import.time_budget", s.import.time_budget, 100 * MS, HOUR);
    let a = &s.alerts;
    problems.duration("alerts.timeout", a.timeout, 100 * MS, 10 * 60 * SEC);
    problems.duration("alerts.retry_backoff", a.retry_backoff, 100 * MS, HOUR);
    problems.duration("alerts.live_max_age", a.live_max_age, SEC, 7 * DAY);
    // A zero download or decode deadline would fail every picture without saying why.
    let t = &s.thumbnails;
    problems.duration("thumbnails.timeout", t.timeout, 100 * MS, 10 * 60 * SEC);
    problems.duration(
        "thumbnails.decode_timeout",
        t.decode_timeout,
        100 * MS,
        10 * 60 * SEC,
    );
}

/// Concurrency, sizes, limits and bursts.
fn check_counts(s: &Settings, problems: &mut Problems) {
    let c = &s.collector;
    let h = &s.http;
    let sv = &s.server;
    let t = &s.thumbnails;
    problems.count("collector.concurrency", c.concurrency as u64, 1, 256);
    problems.count(
        "alerts.max_attempts",
        u64::from(s.alerts.max_attempts),
        1,
        100,
    );
    problems.count("collector.write_batch", c.write_batch as u64, 1, 10_000);
    problems.count("http.max_retries", u64::from(h.max_retries), 0, 20);
    problems.count(
        "server.max_connections",
        sv.max_connections as u64,
        1,
        1_000_000,
    );
    let i = &s.import;
    problems.count("import.max_file_bytes", i.max_file_bytes, 1, 1 << 30);
    problems.count(
        "import.max_uncompressed_bytes",
        i.max_uncompressed_bytes,
        1,
        4 << 30,
    );
    problems.count(
        "import.max_compression_ratio",
        i.max_compression_ratio,
        1,
        100_000,
    );
    problems.count("import.max_rows", i.max_rows, 1, 1_048_576);
    problems.count("import.max_columns", i.max_columns, 1, 16_384);
    problems.count("import.max_cells", i.max_cells, 1, 100_000_000);
    problems.count("import.max_cell_chars", i.max_cell_chars as u64, 1, 1 << 20);
    problems.count("thumbnails.concurrency", t.concurrency as u64, 1, 64);
    problems.count("thumbnails.decode_threads", t.decode_threads as u64, 1, 64);
    problems.count(
        "thumbnails.max_download_bytes",
        t.max_download_bytes,
        1,
        1 << 30,
    );
    problems.count(
        "thumbnails.max_source_pixels",
        t.max_source_pixels,
        1,
        1 << 30,
    );
    // Below 1 KiB no real list reply fits: every call would fail as `too_large`.
    problems.count(
        "http.max_response_bytes",
        h.max_response_bytes,
        1024,
        1 << 30,
    );
    let p = &s.platforms;
    for (name, burst) in [
        ("chzzk", p.chzzk.burst),
        ("soop", p.soop.burst),
        ("twitch", p.twitch.burst),
        ("youtube", p.youtube.burst),
    ] {
        problems.count(
            &format!("platforms.{name}.burst"),
            u64::from(burst),
            1,
            10_000,
        );
    }
}

/// The collector's jitter and the platforms' request rates.
fn check_rates(s: &Settings, problems: &mut Problems) {
    let c = &s.collector;
    let p = &s.platforms;
    if !(0.0..=0.9).contains(&c.jitter) {
        problems.0.push(format!(
            "collector.jitter = {} is out of range: 0 to 0.9",
            c.jitter
        ));
    }
    for (name, rate) in [
        ("chzzk", p.chzzk.requests_per_second),
        ("soop", p.soop.requests_per_second),
        ("twitch", p.twitch.requests_per_second),
        ("youtube", p.youtube.requests_per_second),
    ] {
        // NaN is in no range.
        if !(0.001..=10_000.0).contains(&rate) {
            problems.0.push(format!(
                "platforms.{name}.requests_per_second = {rate} is out of range: 0.001 to 10000"
            ));
        }
    }
}

/// A set admin token must be too long to guess.
fn check_admin_token(s: &Settings, problems: &mut Problems) {
    let token = s.server.admin_token.expose();
    if s.server.admin_token.is_set() && token.trim().chars().count() < MIN_ADMIN_TOKEN_CHARS {
        // The length only, never the token.
        problems.0.push(format!(
            "server.admin_token is {} characters; it must be at least {MIN_ADMIN_TOKEN_CHARS} (e.g. `openssl rand -hex 16`), or empty to keep the admin endpoints off",
            token.trim().chars().count()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(f: impl FnOnce(&mut Settings)) -> String {
        let mut s = Settings::default();
        f(&mut s);
        format!("{:#}", validate(&s).unwrap_err())
    }

    #[test]
    fn an_image_source_is_an_origin() {
        let m = err(|s| s.server.image_sources = vec!["http://img.example/*".into()]);
        assert!(
            m.contains("server.image_sources") && m.contains("not an origin"),
            "{m}"
        );
        let mut s = Settings::default();
        s.server.image_sources = vec!["http://127.0.0.1:8181".into()];
        validate(&s).unwrap();
    }

    #[test]
    fn the_defaults_are_valid() {
        validate(&Settings::default()).unwrap();
    }

    #[test]
    fn absurd_values_are_errors_naming_the_key_and_the_range() {
        let m = err(|s| s.collector.live_interval = Duration::ZERO);
        assert!(
            m.contains("collector.live_interval") && m.contains("100ms to 86400s"),
            "{m}"
        );
        let m = err(|s| s.platforms.soop.requests_per_second = 0.0);
        assert!(
            m.contains("platforms.soop.requests_per_second = 0 is out of range"),
            "{m}"
        );
        let m = err(|s| s.platforms.twitch.requests_per_second = -5.0);
        assert!(
            m.contains("platforms.twitch.requests_per_second = -5"),
            "{m}"
        );
        let m = err(|s| s.platforms.twitch.requests_per_second = f64::NAN);
        assert!(m.contains("requests_per_second = NaN"), "{m}");
        let m = err(|s| s.collector.concurrency = 0);
        assert!(
            m.contains("collector.concurrency = 0 is out of range: 1 to 256"),
            "{m}"
        );
        let m = err(|s| s.http.timeout = Duration::ZERO);
        assert!(m.contains("http.timeout"), "{m}");
        let m = err(|s| s.collector.jitter = 1.5);
        assert!(m.contains("collector.jitter = 1.5"), "{m}");
        let m = err(|s| s.server.max_connections = 0);
        assert!(m.contains("server.max_connections"), "{m}");
        let m = err(|s| s.import.max_rows = 0);
        assert!(m.contains("import.max_rows"), "{m}");
        // Several at once, each on its line.
        let m = err(|s| {
            s.collector.concurrency = 0;
            s.collector.live_interval = Duration::ZERO;
        });
        assert_eq!(m.lines().count(), 2, "{m}");
    }

    #[test]
    fn the_copier_and_the_reply_cap_have_ranges_too() {
        let m = err(|s| s.thumbnails.timeout = Duration::ZERO);
        assert!(m.contains("thumbnails.timeout"), "{m}");
        let m = err(|s| s.thumbnails.decode_timeout = Duration::ZERO);
        assert!(m.contains("thumbnails.decode_timeout"), "{m}");
        let m = err(|s| s.thumbnails.concurrency = 0);
        assert!(
            m.contains("thumbnails.concurrency = 0 is out of range: 1 to 64"),
            "{m}"
        );
        let m = err(|s| s.thumbnails.decode_threads = 0);
        assert!(m.contains("thumbnails.decode_threads"), "{m}");
        let m = err(|s| s.thumbnails.max_download_bytes = 0);
        assert!(m.contains("thumbnails.max_download_bytes"), "{m}");
        let m = err(|s| s.http.max_response_bytes = 0);
        assert!(m.contains("http.max_response_bytes"), "{m}");
    }

    #[test]
    fn a_short_admin_token_refuses_to_start_without_showing_it() {
        let m = err(|s| s.server.admin_token = streamtide_platforms::Secret::new("x"));
        assert!(m.contains("at least 24"), "{m}");
        let m = err(|s| s.server.admin_token = streamtide_platforms::Secret::new("hunter2hunter2"));
        assert!(!m.contains("hunter2"), "{m}");
        let mut s = Settings::default();
        s.server.admin_token =
            streamtide_platforms::Secret::new("0123456789abcdef0123456789abcdef");
        validate(&s).unwrap();
    }
}
