//! Seeded randomness. Every random draw comes from a ChaCha stream seeded by the scenario, one
//! stream per purpose, so that (for instance) adding a timing draw never changes the task ids a
//! golden log shows.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::name::Name;
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

/// One lowercase hex digit, as an ASCII byte (one draw).
fn hex_digit(rng: &mut ChaCha8Rng) -> u8 {
    b"0123456789abcdef"[rng.random_range(0..16)]
}

/// `n` lowercase hex digits.
pub fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n).map(|_| hex_digit(rng) as char).collect()
}

/// `n` lowercase hex digits as a [`Name`] (a task's id): the same digits, from the same draws,
/// as [`hex`], written into the name with one allocation.
pub fn hex_name(rng: &mut ChaCha8Rng, n: usize) -> Name {
    let mut buf = [0u8; Name::FORMAT_INLINE];
    if n > buf.len() {
        return Name::from(hex(rng, n));
    }
    for b in &mut buf[..n] {
        *b = hex_digit(rng);
    }
    // Hex digits are ASCII.
    Name::from(std::str::from_utf8(&buf[..n]).unwrap_or_default())
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

/// The order a quiz's choices are shown in: `order[k]` is the author's index of the choice
/// shown `k`-th. A permutation of `0..n` drawn from the scenario's seed, the quiz id and the
/// attempt (0 for the first time the learner answers it), so one attempt always shows the same
/// order (a class sees the same first order; a retake shows another), while the file keeps the
/// author's order.
pub fn choice_order(seed: u64, quiz_id: &str, attempt: u32, n: usize) -> Vec<usize> {
    let id_hash = crate::hash::fnv(quiz_id);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ id_hash);
    rng.set_stream(1000 + u64::from(attempt));
    let mut order: Vec<usize> = (0..n).collect();
    // Fisher–Yates, written out so the order never depends on a library's shuffle.
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod hex_tests {
    use super::*;

    #[test]
    fn hex_name_draws_the_digits_hex_draws() {
        for n in [0, 1, 32, 200] {
            let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(9), ChaCha8Rng::seed_from_u64(9));
            assert_eq!(hex_name(&mut a, n).as_str(), hex(&mut b, n));
            // And leaves the stream where `hex` leaves it.
            assert_eq!(a.random_range(0..1000), b.random_range(0..1000));
        }
    }
}

#[cfg(test)]
mod choice_order_tests {
    use super::choice_order;

    #[test]
    fn an_attempt_is_reproducible_and_a_permutation() {
        let a = choice_order(7, "how-many-start", 0, 4);
        assert_eq!(a, choice_order(7, "how-many-start", 0, 4));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
    }

    #[test]
    fn orders_vary_with_the_quiz_and_the_attempt() {
        // Over many quizzes, the first choice shown is not always the author's first.
        let firsts: Vec<usize> = (0..40)
            .map(|i| choice_order(7, &format!("q{i}"), 0, 4)[0])
            .collect();
        for pos in 0..4 {
            assert!(
                firsts.contains(&pos),
                "choice {pos} never shown first: {firsts:?}"
            );
        }
        let retakes: Vec<Vec<usize>> = (0..8).map(|a| choice_order(7, "q", a, 4)).collect();
        assert!(retakes.iter().any(|o| *o != retakes[0]), "{retakes:?}");
    }
}
