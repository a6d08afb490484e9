//! Seeded randomness. Every random draw comes from a ChaCha stream seeded by the scenario, one
//! stream per purpose, so that (for instance) adding a timing draw never changes the task ids a
//! golden log shows.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::time::Millis;

#[derive(Debug, Clone, PartialEq)]
pub struct Rngs {
    /// Identifiers: task ids, deployment ids, ARN suffixes, instance ids.
    pub ids: ChaCha8Rng,
    /// Durations of lifecycle steps (ENI provisioning, image pulls, ...).
    pub timing: ChaCha8Rng,
    /// Which tasks a fractional fault hits.
    pub faults: ChaCha8Rng,
    /// Load and metric noise.
    pub load: ChaCha8Rng,
    /// Kubernetes names (pod-template hashes, pod suffixes, uids).
    pub names: ChaCha8Rng,
    /// Placement choices (the `random` strategy, scheduler tie-breaks).
    pub placement: ChaCha8Rng,
}

fn stream(seed: u64, n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(n);
    rng
}

impl Rngs {
    pub fn new(seed: u64) -> Self {
        Rngs {
            ids: stream(seed, 1),
            timing: stream(seed, 2),
            faults: stream(seed, 3),
            load: stream(seed, 4),
            names: stream(seed, 5),
            placement: stream(seed, 6),
        }
    }
}

/// `n` lowercase hex digits.
pub fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..n)
        .map(|_| DIGITS[rng.random_range(0..16)] as char)
        .collect()
}

/// A random UUID in its usual 8-4-4-4-12 hex form (the suffix of CloudWatch alarm and scaling
/// policy names).
pub fn uuid(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 4),
        hex(rng, 4),
        hex(rng, 12)
    )
}

/// `n` decimal digits, the first not zero (ECS deployment ids are 19 digits).
pub fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|i| {
            let d = if i == 0 {
                rng.random_range(1..10)
            } else {
                rng.random_range(0..10)
            };
            char::from(b'0' + d as u8)
        })
        .collect()
}

/// A duration drawn uniformly from `[lo, hi]`, at millisecond resolution.
pub fn between(rng: &mut ChaCha8Rng, lo: Millis, hi: Millis) -> Millis {
    if hi.0 <= lo.0 {
        lo
    } else {
        Millis(rng.random_range(lo.0..=hi.0))
    }
}

/// True with probability `p` (clamped to [0, 1]); `p = 1` never consumes a draw, so scenarios
/// whose faults hit every task keep the same stream positions as scenarios without faults.
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    if p >= 1.0 {
        true
    } else if p <= 0.0 || p.is_nan() {
        false
    } else {
        rng.random_bool(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let (mut a, mut b) = (Rngs::new(7), Rngs::new(7));
        assert_eq!(hex(&mut a.ids, 32), hex(&mut b.ids, 32));
        assert_ne!(hex(&mut a.ids, 32), hex(&mut Rngs::new(8).ids, 32));
    }

    #[test]
    fn streams_are_independent() {
        let mut a = Rngs::new(7);
        let mut b = Rngs::new(7);
        let _ = between(&mut b.timing, Millis(0), Millis(1000));
        assert_eq!(hex(&mut a.ids, 32), hex(&mut b.ids, 32));
    }

    #[test]
    fn deployment_ids_have_19_digits_without_leading_zero() {
        let mut r = Rngs::new(1);
        for _ in 0..100 {
            let d = digits(&mut r.ids, 19);
            assert_eq!(d.len(), 19);
            assert!(!d.starts_with('0'));
        }
    }
}
