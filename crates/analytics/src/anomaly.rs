//! How unusual one change is against a channel's own history of daily changes: a robust score,
//! the distance from the median in units of the scaled median absolute deviation (MAD), so one
//! wild day in the history does not hide the next one and a channel that always gains 1,000 a
//! day is not unusual for gaining 1,000.

/// Fewer known days than this and the score is unknown: a week of history says too little.
pub const MIN_HISTORY_DAYS: usize = 14;

/// The MAD of a normal distribution times this is its standard deviation.
const MAD_TO_SIGMA: f64 = 1.4826;

/// A change and how unusual it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anomaly {
    /// The median daily change of the history.
    pub median: f64,
    /// The spread the score is measured in (scaled MAD, or a floor when the history is flat).
    pub scale: f64,
    /// `(change - median) / scale`, after taking away what rounding can explain.
    pub score: f64,
}

/// The score of `change` against `history` (daily changes, any order), or `None` with fewer than
/// [`MIN_HISTORY_DAYS`] of them.
///
/// `rounding` is how far a change between two rounded counts can be from the real one (0 for
/// exact counts): the distance from the median is shrunk by it, and the spread is at least it, so
/// a rounded count stepping once never scores. The spread is at least `floor` and a tenth of the
/// median day: a flat history (MAD 0) must not make every small change infinitely unusual, nor a
/// channel that gains 1,000 a day with little noise unusual for gaining 1,200.
pub fn robust_score(change: f64, history: &[f64], rounding: f64, floor: f64) -> Option<Anomaly> {
    let mut h: Vec<f64> = history.iter().copied().filter(|v| v.is_finite()).collect();
    if h.len() < MIN_HISTORY_DAYS || !change.is_finite() {
        return None;
    }
    let median = median_of(&mut h);
    let mut dev: Vec<f64> = h.iter().map(|v| (v - median).abs()).collect();
    let mad = median_of(&mut dev);
    let scale = (MAD_TO_SIGMA * mad)
        .max(floor)
        .max(median.abs() * 0.1)
        .max(rounding)
        .max(f64::MIN_POSITIVE);
    let distance = change - median;
    let shrunk = distance.signum() * (distance.abs() - rounding).max(0.0);
    Some(Anomaly {
        median,
        scale,
        score: shrunk / scale,
    })
}

fn median_of(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic wobble in [-1, 1] (no RNG dependency).
    fn noise(i: usize) -> f64 {
        ((i as f64 * 12.9898).sin() * 43758.5453).fract() * 2.0 - 1.0
    }

    fn steady(days: usize, gain: f64, wobble: f64) -> Vec<f64> {
        (0..days).map(|i| gain + wobble * noise(i)).collect()
    }

    #[test]
    fn steady_growth_with_noise_is_not_unusual() {
        let h = steady(30, 1000.0, 150.0);
        for i in 30..60 {
            let today = 1000.0 + 150.0 * noise(i);
            let a = robust_score(today, &h, 0.0, 10.0).unwrap();
            assert!(a.score.abs() < 6.0, "day {i}: {a:?}");
        }
    }

    #[test]
    fn a_drop_of_several_typical_days_is() {
        let h = steady(30, 1000.0, 150.0);
        let a = robust_score(-5000.0, &h, 0.0, 10.0).unwrap();
        assert!(a.score < -20.0, "{a:?}");
        // So is a sudden surge.
        assert!(robust_score(8000.0, &h, 0.0, 10.0).unwrap().score > 20.0);
    }

    #[test]
    fn one_wild_day_in_the_history_does_not_blind_it() {
        let mut h = steady(30, 1000.0, 150.0);
        h[3] = 90_000.0;
        assert!(robust_score(-5000.0, &h, 0.0, 10.0).unwrap().score < -20.0);
    }

    #[test]
    fn a_rounding_step_alone_never_scores() {
        // A rounded count (unit 10,000) that moves one step every few days: history mostly 0.
        let h: Vec<f64> = (0..30)
            .map(|i| if i % 5 == 0 { 10_000.0 } else { 0.0 })
            .collect();
        let a = robust_score(10_000.0, &h, 10_000.0, 10.0).unwrap();
        assert_eq!(a.score, 0.0, "{a:?}");
        // Several steps at once still do.
        assert!(robust_score(-60_000.0, &h, 10_000.0, 10.0).unwrap().score <= -5.0);
    }

    #[test]
    fn short_history_is_unknown_not_calm() {
        assert_eq!(
            robust_score(-5000.0, &steady(13, 1000.0, 100.0), 0.0, 10.0),
            None
        );
    }
}
