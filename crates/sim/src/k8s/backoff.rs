//! The kubelet's restart back-off (`docs/rules/k8s-pods.md#crashloopbackoff`; `kubelet.go`:
//! backOffPeriod 10 s, MaxContainerBackOff 300 s; `flowcontrol/backoff.go`: entries expire
//! after 2 × max).

use crate::time::{Millis, SimTime};

pub const INITIAL: Millis = Millis::from_secs(10);
pub const MAX: Millis = Millis::from_secs(300);
/// An entry not updated for this long is forgotten: a container that ran 10 minutes starts
/// the sequence again.
pub const RESET_AFTER: Millis = Millis::from_secs(600);

/// Back-off state of one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Backoff {
    /// The current delay, if an entry exists.
    delay: Option<Millis>,
    last_update: SimTime,
}

impl Backoff {
    /// The container crashed at `now`: how long until the kubelet restarts it. The first crash
    /// restarts at once; then 10, 20, 40 … 300, 300 s.
    pub fn next_delay(&mut self, now: SimTime) -> Millis {
        let expired = self
            .delay
            .is_some_and(|_| now.since(self.last_update) > RESET_AFTER);
        if expired {
            self.delay = None;
        }
        let d = match self.delay {
            None => {
                self.delay = Some(Millis::ZERO);
                Millis::ZERO
            }
            Some(Millis(0)) => INITIAL,
            Some(d) => Millis((d.0 * 2).min(MAX.0)),
        };
        self.delay = Some(d);
        self.last_update = now;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_10_s_to_a_300_s_cap() {
        let mut b = Backoff::default();
        let mut now = SimTime::ZERO;
        let mut seen = Vec::new();
        for _ in 0..9 {
            let d = b.next_delay(now);
            seen.push(d.0 / 1000);
            now = now.plus(d).plus(Millis::from_secs(1));
        }
        assert_eq!(seen, vec![0, 10, 20, 40, 80, 160, 300, 300, 300]);
    }

    #[test]
    fn ten_minutes_without_a_crash_resets_the_sequence() {
        let mut b = Backoff::default();
        let mut now = SimTime::ZERO;
        for _ in 0..4 {
            let d = b.next_delay(now);
            now = now.plus(d).plus(Millis::from_secs(1));
        }
        // Runs 601 s, then crashes: back to an immediate restart.
        now = now.plus(Millis::from_secs(601));
        assert_eq!(b.next_delay(now), Millis::ZERO);
        assert_eq!(b.next_delay(now.plus(Millis::from_secs(1))), INITIAL);
    }
}
