//! Periodic health checks, computed rather than ticked.
//!
//! Container health checks, ALB target-group health checks and (later) Kubernetes probes all
//! work the same way: a check every `interval`, a verdict after N consecutive successes or M
//! consecutive failures. Simulating each check as a timer would cost one event per check per
//! task (millions per simulated hour at scale), so a [`Prober`] instead jumps over runs of
//! identical results: what the application answers is a piecewise-constant [`Signal`], and the
//! prober computes when the next verdict change happens. The controllers schedule one timer for
//! that moment and recompute whenever the signal changes.

use serde::Serialize;

use crate::time::{Millis, SimTime};

/// How a failing check fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FailMode {
    /// HTTP answer with this status code.
    Status(u16),
    /// No answer within the check's timeout.
    Timeout,
    /// Nothing listens yet (the application is still starting).
    ConnectionRefused,
}

/// What the application answers over time: `None` = the check passes, `Some(mode)` = it fails.
/// Piecewise constant; each segment holds from its start until the next segment's start.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    segments: Vec<(SimTime, Option<FailMode>)>,
}

impl Signal {
    /// A signal that is `first` from time zero.
    pub fn new(first: Option<FailMode>) -> Self {
        Signal {
            segments: vec![(SimTime::ZERO, first)],
        }
    }

    /// The signal of `answer`, a function that may only change at the given moments.
    pub fn from_fn(mut points: Vec<SimTime>, answer: impl Fn(SimTime) -> Option<FailMode>) -> Self {
        points.sort();
        points.dedup();
        let mut signal = Signal::new(answer(SimTime::ZERO));
        for p in points {
            signal.set_from(p, answer(p));
        }
        signal
    }

    /// From `at` on, the answer is `value` (later calls must not go back in time; a call at the
    /// same time as the last segment replaces it).
    pub fn then(mut self, at: SimTime, value: Option<FailMode>) -> Self {
        self.set_from(at, value);
        self
    }

    pub fn set_from(&mut self, at: SimTime, value: Option<FailMode>) {
        // Drop segments that start at or after `at`: the new value overrides them.
        while self.segments.len() > 1 && self.segments.last().is_some_and(|s| s.0 >= at) {
            self.segments.pop();
        }
        if self.segments.len() == 1 && self.segments[0].0 >= at {
            self.segments[0].1 = value;
            return;
        }
        if self.segments.last().is_some_and(|s| s.1 == value) {
            return;
        }
        self.segments.push((at, value));
    }

    pub fn at(&self, t: SimTime) -> Option<FailMode> {
        let i = self.segments.partition_point(|s| s.0 <= t);
        self.segments[i.saturating_sub(1)].1
    }

    /// The first segment start strictly after `t`.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let i = self.segments.partition_point(|s| s.0 <= t);
        self.segments.get(i).map(|s| s.0)
    }
}

/// The verdict of a prober.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Verdict {
    /// No verdict yet: ECS `UNKNOWN`, ALB `initial`, a readiness probe before its first success.
    Initial,
    Healthy,
    Unhealthy,
}

/// How many consecutive results flip the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// Successes that take a prober out of `Initial`.
    pub healthy_from_initial: u32,
    /// Successes that bring an `Unhealthy` prober back.
    pub healthy_from_unhealthy: u32,
    /// Counted failures that make it `Unhealthy`.
    pub unhealthy_after: u32,
}

/// The last check a prober evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// When the check was sent.
    pub at: SimTime,
    pub failure: Option<FailMode>,
    /// Failed, but inside the start period, so it did not count.
    pub ignored: bool,
}

/// A verdict change: at `at`, the prober went from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub at: SimTime,
    pub from: Verdict,
    pub to: Verdict,
    /// The check that caused it.
    pub check: CheckResult,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prober {
    /// When check number 0 is sent.
    pub first_check_at: SimTime,
    pub interval: Millis,
    /// A check that gets no answer fails this long after it was sent.
    pub timeout: Millis,
    /// Failures of checks sent before this moment do not count (a container's startPeriod).
    pub count_failures_from: SimTime,
    pub thresholds: Thresholds,
    pub verdict: Verdict,
    /// Checks evaluated so far.
    pub checks_done: u64,
    pub consecutive_successes: u32,
    pub consecutive_failures: u32,
    pub last: Option<CheckResult>,
}

impl Prober {
    pub fn new(
        first_check_at: SimTime,
        interval: Millis,
        timeout: Millis,
        thresholds: Thresholds,
    ) -> Self {
        Prober {
            first_check_at,
            interval: Millis(interval.0.max(1)),
            timeout,
            count_failures_from: first_check_at,
            thresholds,
            verdict: Verdict::Initial,
            checks_done: 0,
            consecutive_successes: 0,
            consecutive_failures: 0,
            last: None,
        }
    }

    pub fn check_sent_at(&self, k: u64) -> SimTime {
        self.first_check_at.plus(self.interval.times(k))
    }

    fn result_at(&self, sent: SimTime, failure: Option<FailMode>) -> SimTime {
        match failure {
            Some(FailMode::Timeout) => sent.plus(self.timeout),
            _ => sent,
        }
    }

    /// Evaluate every check whose result is known at `now`; returns the verdict changes.
    pub fn catch_up(&mut self, now: SimTime, signal: &Signal) -> Vec<Transition> {
        let mut out = Vec::new();
        self.run(signal, now, |t| {
            out.push(t);
            true
        });
        out
    }

    /// When the verdict will next change if the signal stays as it is, or `None` if never.
    pub fn next_transition(&self, signal: &Signal) -> Option<SimTime> {
        let mut ahead = self.clone();
        let mut first = None;
        // The first change ends the run: nothing is gathered (this runs on every target update).
        ahead.run(signal, SimTime::MAX, |t| {
            first = Some(t.at);
            false
        });
        first
    }

    /// Successes or failures still needed for the next flip, for "2 of 3 failed" displays.
    pub fn needed(&self) -> u32 {
        match self.verdict {
            Verdict::Initial => self.thresholds.unhealthy_after,
            Verdict::Healthy => self.thresholds.unhealthy_after,
            Verdict::Unhealthy => self.thresholds.healthy_from_unhealthy,
        }
    }

    fn successes_to_flip(&self) -> Option<u32> {
        match self.verdict {
            Verdict::Initial => Some(self.thresholds.healthy_from_initial),
            Verdict::Unhealthy => Some(self.thresholds.healthy_from_unhealthy),
            Verdict::Healthy => None,
        }
    }

    fn failures_to_flip(&self) -> Option<u32> {
        match self.verdict {
            Verdict::Initial | Verdict::Healthy => Some(self.thresholds.unhealthy_after),
            Verdict::Unhealthy => None,
        }
    }

    /// Evaluate checks up to `until`, handing each verdict change to `on`; the run ends where
    /// `on` returns false.
    fn run(&mut self, signal: &Signal, until: SimTime, mut on: impl FnMut(Transition) -> bool) {
        loop {
            let k = self.checks_done;
            let sent = self.check_sent_at(k);
            let failure = signal.at(sent);
            if self.result_at(sent, failure) > until {
                return;
            }
            let counted = failure.is_none() || sent >= self.count_failures_from;
            // The run of checks that all give this same result: up to the next signal change
            // and, for uncounted failures, up to the end of the start period.
            let mut run_end = signal.next_change_after(sent);
            if !counted {
                run_end = Some(run_end.map_or(self.count_failures_from, |e| {
                    e.min(self.count_failures_from)
                }));
            }
            let in_run = match run_end {
                Some(end) => (end.0 - sent.0).div_ceil(self.interval.0).max(1),
                None => u64::MAX,
            };
            // Checks whose results are known by `until`.
            let known = if until == SimTime::MAX {
                u64::MAX
            } else {
                let last_sent = until
                    .0
                    .saturating_sub(self.result_at(sent, failure).0 - sent.0);
                (last_sent.saturating_sub(sent.0)) / self.interval.0 + 1
            };
            // Checks until the verdict flips, if it flips within this run.
            let needed_for_flip = match (failure, counted) {
                (None, _) => self
                    .successes_to_flip()
                    .map(|n| n.saturating_sub(self.consecutive_successes).max(1) as u64),
                (Some(_), true) => self
                    .failures_to_flip()
                    .map(|n| n.saturating_sub(self.consecutive_failures).max(1) as u64),
                (Some(_), false) => None,
            };
            let take = in_run.min(known).min(needed_for_flip.unwrap_or(u64::MAX));
            if take == u64::MAX {
                // Absorbing for ever: nothing will change unless the signal does.
                return;
            }
            let last_sent = self.check_sent_at(k + take - 1);
            let n = take.min(u32::MAX as u64) as u32;
            match failure {
                None => {
                    self.consecutive_successes = self.consecutive_successes.saturating_add(n);
                    self.consecutive_failures = 0;
                }
                Some(_) if counted => {
                    self.consecutive_failures = self.consecutive_failures.saturating_add(n);
                    self.consecutive_successes = 0;
                }
                Some(_) => self.consecutive_successes = 0,
            }
            self.checks_done = k + take;
            let check = CheckResult {
                at: last_sent,
                failure,
                ignored: !counted,
            };
            self.last = Some(check);
            if needed_for_flip == Some(take) {
                let from = self.verdict;
                self.verdict = if failure.is_none() {
                    Verdict::Healthy
                } else {
                    Verdict::Unhealthy
                };
                let go_on = on(Transition {
                    at: self.result_at(last_sent, failure),
                    from,
                    to: self.verdict,
                    check,
                });
                if !go_on {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alb() -> Thresholds {
        Thresholds {
            healthy_from_initial: 1,
            healthy_from_unhealthy: 5,
            unhealthy_after: 2,
        }
    }

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    fn prober(first: u64, t: Thresholds) -> Prober {
        Prober::new(s(first), Millis::from_secs(30), Millis::from_secs(5), t)
    }

    const HTTP_503: Option<FailMode> = Some(FailMode::Status(503));

    #[test]
    fn new_target_is_healthy_after_one_passing_check() {
        let p = prober(10, alb());
        assert_eq!(p.next_transition(&Signal::new(None)), Some(s(10)));
    }

    #[test]
    fn target_goes_unhealthy_after_two_failures_30s_apart() {
        let mut p = prober(0, alb());
        let sig = Signal::new(None).then(s(45), HTTP_503);
        let ts = p.catch_up(s(10), &sig);
        assert_eq!(ts.len(), 1);
        assert_eq!(p.verdict, Verdict::Healthy);
        // Failing checks at 60 and 90: unhealthy at the second one.
        assert_eq!(p.next_transition(&sig), Some(s(90)));
        let ts = p.catch_up(s(200), &sig);
        assert_eq!(ts.len(), 1);
        assert_eq!((ts[0].at, ts[0].to), (s(90), Verdict::Unhealthy));
    }

    #[test]
    fn timeouts_fail_when_the_timeout_expires() {
        let p = prober(0, alb());
        let sig = Signal::new(Some(FailMode::Timeout));
        // Checks at 0 and 30 time out at 5 and 35.
        assert_eq!(p.next_transition(&sig), Some(s(35)));
    }

    #[test]
    fn target_recovers_after_five_successes_150s() {
        let mut p = prober(0, alb());
        let sig = Signal::new(HTTP_503).then(s(100), None);
        p.catch_up(s(99), &sig);
        assert_eq!(p.verdict, Verdict::Unhealthy);
        // Passing checks at 120, 150, 180, 210, 240.
        assert_eq!(p.next_transition(&sig), Some(s(240)));
    }

    #[test]
    fn container_check_defaults_mark_unhealthy_after_three_failures() {
        // Docker runs the first check one interval after the container starts.
        let docker = Thresholds {
            healthy_from_initial: 1,
            healthy_from_unhealthy: 1,
            unhealthy_after: 3,
        };
        let p = prober(30, docker);
        assert_eq!(p.next_transition(&Signal::new(HTTP_503)), Some(s(90)));
    }

    #[test]
    fn failures_inside_the_start_period_do_not_count() {
        let docker = Thresholds {
            healthy_from_initial: 1,
            healthy_from_unhealthy: 1,
            unhealthy_after: 3,
        };
        let mut p = prober(30, docker);
        p.count_failures_from = s(120);
        // Checks at 30, 60, 90 are ignored; 120, 150, 180 count.
        assert_eq!(p.next_transition(&Signal::new(HTTP_503)), Some(s(180)));
        // A success inside the start period still makes it healthy at once.
        assert_eq!(
            p.next_transition(&Signal::new(HTTP_503).then(s(50), None)),
            Some(s(60))
        );
    }

    #[test]
    fn healthy_and_passing_never_changes() {
        let mut p = prober(0, alb());
        p.catch_up(s(1), &Signal::new(None));
        assert_eq!(p.next_transition(&Signal::new(None)), None);
        // And catching up across a long quiet stretch is instant and counts the checks.
        p.catch_up(s(3600), &Signal::new(None));
        assert_eq!(p.checks_done, 121);
        assert_eq!(p.last.map(|c| c.at), Some(s(3600)));
    }

    #[test]
    fn flapping_signal_resets_the_streak() {
        let mut p = prober(0, alb());
        // healthy at 0; fails at 30; passes at 60; fails at 90 and 120.
        let sig = Signal::new(None)
            .then(s(20), HTTP_503)
            .then(s(50), None)
            .then(s(80), HTTP_503);
        let ts = p.catch_up(s(1000), &sig);
        let changes: Vec<_> = ts.iter().map(|t| (t.at, t.to)).collect();
        assert_eq!(
            changes,
            vec![(s(0), Verdict::Healthy), (s(120), Verdict::Unhealthy)]
        );
    }

    #[test]
    fn catching_up_in_steps_equals_catching_up_at_once() {
        let sig = Signal::new(Some(FailMode::ConnectionRefused))
            .then(s(40), None)
            .then(s(400), Some(FailMode::Timeout))
            .then(s(700), None);
        let mut whole = prober(7, alb());
        let all = whole.catch_up(s(2000), &sig);
        let mut stepped = prober(7, alb());
        let mut parts = Vec::new();
        for t in (0..=2000).step_by(13).chain([2000]) {
            parts.extend(stepped.catch_up(s(t), &sig));
        }
        assert_eq!(all, parts);
        assert_eq!(whole, stepped);
    }

    #[test]
    fn signal_overrides_later_segments() {
        let mut sig = Signal::new(None).then(s(10), HTTP_503).then(s(20), None);
        sig.set_from(s(15), Some(FailMode::Timeout));
        assert_eq!(sig.at(s(12)), HTTP_503);
        assert_eq!(sig.at(s(25)), Some(FailMode::Timeout));
        assert_eq!(sig.next_change_after(s(12)), Some(s(15)));
        assert_eq!(sig.next_change_after(s(15)), None);
    }
}
