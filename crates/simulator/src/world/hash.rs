//! Stateless randomness.
//!
//! The world keeps no mutable state: every "random" choice is a hash of the seed plus whatever it
//! is about (channel, day, minute...). That is what lets a test jump the clock anywhere and still
//! get the same answer the server gives.

/// SplitMix64's finaliser: a fast, well-mixed bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A point in hash space; `.at(x)` walks to a derived, independent point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key(pub(crate) u64);

impl Key {
    /// The key for `part` under this one. Order matters: `k.at(1).at(2) != k.at(2).at(1)`.
    pub(crate) fn at(self, part: u64) -> Key {
        Key(mix(self.0 ^ mix(part)))
    }

    /// Like [`Key::at`] for signed parts (days and minutes can precede 1970 in theory).
    pub(crate) fn at_i(self, part: i64) -> Key {
        self.at(part as u64)
    }

    pub(crate) fn bits(self) -> u64 {
        self.0
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(self) -> f64 {
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn range(self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]`.
    pub(crate) fn int(self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.0 % (hi - lo + 1)
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<T: Copy>(self, items: &[T]) -> T {
        items[(self.0 % items.len() as u64) as usize]
    }

    /// Smooth noise in `[0, 1)`: hashes at integer `x` joined by cosine interpolation, so nearby
    /// `x` give nearby values (viewer counts drift instead of jumping every minute).
    pub(crate) fn smooth(self, x: f64) -> f64 {
        let i = x.floor();
        let frac = x - i;
        let a = self.at_i(i as i64).unit();
        let b = self.at_i(i as i64 + 1).unit();
        let w = (1.0 - (frac * std::f64::consts::PI).cos()) / 2.0;
        a * (1.0 - w) + b * w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_deterministic_and_spread() {
        let k = Key(42);
        assert_eq!(k.at(1).bits(), Key(42).at(1).bits());
        assert_ne!(k.at(1).bits(), k.at(2).bits());
        assert_ne!(k.at(1).at(2).bits(), k.at(2).at(1).bits());
        let mean = (0..10_000).map(|i| k.at(i).unit()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }

    #[test]
    fn smooth_noise_is_continuous() {
        let k = Key(7);
        for i in 0..1000 {
            let x = i as f64 * 0.01;
            let d = (k.smooth(x + 0.01) - k.smooth(x)).abs();
            assert!(d < 0.05, "jump {d} at {x}");
            assert!((0.0..1.0).contains(&k.smooth(x)));
        }
    }
}
