//! The kubelet's restart back-off (`docs/rules/k8s-pods.md#crashloopbackoff`; `kubelet.go`:
//! backOffPeriod 10 s, MaxContainerBackOff 300 s; `flowcontrol/backoff.go`: entries expire
//! after 2 × max).
//!
//! The kubelet asks `IsInBackOffSince(key, finishedAt)` when a container has exited and calls
//! `Next(key, finishedAt)` when it restarts it; `Next` stamps the entry with the restart time,
//! and the entry has expired when the next exit comes more than 2 × 300 s after that stamp
//! (`hasExpired(eventTime, lastUpdate)`, kuberuntime_manager.go `doBackOff`). So the sequence
//! starts over only for a container that *ran* 10 minutes, as the Pod Lifecycle page says
//! ("Once a container has executed for 10 minutes without any problems, the kubelet resets the
//! restart backoff timer"), not 10 minutes after its last crash.

use crate::time::{Millis, SimTime};

pub const INITIAL: Millis = Millis::from_secs(10);
pub const MAX: Millis = Millis::from_secs(300);
/// An entry not updated for this long is forgotten: a container that ran 10 minutes since its
/// last restart starts the sequence again.
pub const RESET_AFTER: Millis = Millis::from_secs(600);

/// Back-off state of one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Backoff {
    /// The current delay, if an entry exists.
    delay: Option<Millis>,
    /// When the kubelet last restarted the container under this entry (`Next` stamps it).
    last_update: SimTime,
}

impl Backoff {
    /// The container crashed at `now`: how long until the kubelet restarts it. The first crash
    /// restarts at once; then 10, 20, 40 … 300, 300 s; the first again once the container ran
    /// more than 600 s since its last restart.
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
        self.last_update = now.plus(d);
        d
    }
}

/// The kubelet's image-pull back-off, separate from the restart back-off: its own
/// `flowcontrol.Backoff` with the same 10 s / 300 s (`imageBackOff` in `kubelet.go`), keyed
/// `<pod uid>_<image>`. Unlike a crash, the first failed pull already opens a 10 s window: the
/// image manager calls `Next` when a pull fails and asks `IsInBackOffSinceUpdate(key, now)`
/// (now − last failure < window) before the next one (`pkg/kubelet/images/image_manager.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct PullBackoff {
    /// The current window, once a pull has failed.
    window: Option<Millis>,
    /// When the last pull failed (`Next` stamps it).
    failed_at: SimTime,
}

impl PullBackoff {
    /// A pull failed at `now` (`Next`): the window before the next pull is allowed, 10 s the
    /// first time, then doubling up to 300 s; the first again when the entry expired (no
    /// failure for 2 × 300 s).
    pub fn failed(&mut self, now: SimTime) -> Millis {
        let w = match self.window {
            Some(w) if now.since(self.failed_at) <= RESET_AFTER => Millis((w.0 * 2).min(MAX.0)),
            _ => INITIAL,
        };
        self.window = Some(w);
        self.failed_at = now;
        w
    }

    /// `IsInBackOffSinceUpdate`: a pull now would come too soon after the last failure.
    pub fn in_backoff(&self, now: SimTime) -> bool {
        self.window.is_some_and(|w| {
            now.since(self.failed_at) <= RESET_AFTER && now.since(self.failed_at) < w
        })
    }

    /// When the window of the last failure closes (the next pull may start then).
    pub fn retry_at(&self) -> Option<SimTime> {
        self.window.map(|w| self.failed_at.plus(w))
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

    #[test]
    fn a_container_that_crashes_after_five_minutes_keeps_backing_off() {
        // Kubernetes documentation, "Pod Lifecycle"
        // (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/): the timer resets
        // once a container "has executed for 10 minutes without any problems". At the 300 s
        // cap, a container that runs 400 s and crashes has run less than 10 minutes, although
        // its last crash was 700 s ago.
        let mut b = Backoff::default();
        let mut now = SimTime::ZERO;
        let mut d = Millis::ZERO;
        for _ in 0..7 {
            d = b.next_delay(now);
            now = now.plus(d).plus(Millis::from_secs(1));
        }
        assert_eq!(d, MAX, "at the cap");
        let restarted = now.plus(MAX);
        assert_eq!(b.next_delay(now), MAX);
        // Restarted at `restarted`, runs 400 s: still 300 s.
        assert_eq!(b.next_delay(restarted.plus(Millis::from_secs(400))), MAX);
        // Restarted 300 s later again, runs 601 s: the sequence starts over.
        let restarted = restarted.plus(Millis::from_secs(400)).plus(MAX);
        assert_eq!(
            b.next_delay(restarted.plus(Millis::from_secs(601))),
            Millis::ZERO
        );
    }

    #[test]
    fn failed_pulls_back_off_10_s_doubling_to_300_s() {
        // image_manager.go: every failed pull calls Next; the next pull waits until
        // now − last failure reaches the window.
        let mut b = PullBackoff::default();
        assert!(
            !b.in_backoff(SimTime::ZERO),
            "the first pull is never held back"
        );
        let mut now = SimTime::from_secs(1);
        let mut windows = Vec::new();
        for _ in 0..8 {
            let w = b.failed(now);
            windows.push(w.0 / 1000);
            assert!(b.in_backoff(now.plus(Millis::from_secs(9))));
            now = b.retry_at().expect("a window");
            assert!(!b.in_backoff(now), "the window is over at {now}");
            now = now.plus(Millis::from_secs(1));
        }
        assert_eq!(windows, vec![10, 20, 40, 80, 160, 300, 300, 300]);
    }
}
