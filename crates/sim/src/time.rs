//! Simulated time: integer milliseconds since the scenario started. The core never reads a clock.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A moment in the simulation, in milliseconds since the scenario started.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_secs(s: u64) -> Self {
        SimTime(s * 1000)
    }

    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }

    /// Seconds from a scenario file; negative, NaN and huge values are clamped (validation
    /// rejects them before they get here).
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_finite() && s > 0.0 {
            SimTime((s * 1000.0).round().min(u64::MAX as f64 / 2.0) as u64)
        } else {
            SimTime(0)
        }
    }

    pub const fn millis(self) -> u64 {
        self.0
    }

    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub const fn plus(self, d: Millis) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// Time elapsed since `earlier`, zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}

/// A span of simulated time in milliseconds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Millis(pub u64);

impl Millis {
    pub const ZERO: Millis = Millis(0);

    pub const fn from_secs(s: u64) -> Self {
        Millis(s * 1000)
    }

    pub fn from_secs_f64(s: f64) -> Self {
        Millis(SimTime::from_secs_f64(s).0)
    }

    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub const fn times(self, n: u64) -> Millis {
        Millis(self.0.saturating_mul(n))
    }
}

/// `mm:ss` below an hour, `h:mm:ss` from then on — the stamp the event log prints.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.0 / 1000;
        let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
        if h > 0 {
            write!(f, "{h}:{m:02}:{s:02}")
        } else {
            write!(f, "{m:02}:{s:02}")
        }
    }
}

/// A human duration such as `1m 30s`, `300s` stays `5m`, `0.5s`.
impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if !ms.is_multiple_of(1000) {
            return write!(f, "{}s", ms as f64 / 1000.0);
        }
        let s = ms / 1000;
        match (s / 3600, (s / 60) % 60, s % 60) {
            (0, 0, s) => write!(f, "{s}s"),
            (0, m, 0) => write!(f, "{m}m"),
            (0, m, s) => write!(f, "{m}m {s}s"),
            (h, 0, 0) => write!(f, "{h}h"),
            (h, m, 0) => write!(f, "{h}h {m}m"),
            (h, m, s) => write!(f, "{h}h {m}m {s}s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_like_the_cli_log() {
        assert_eq!(SimTime::from_secs(0).to_string(), "00:00");
        assert_eq!(SimTime::from_secs(75).to_string(), "01:15");
        assert_eq!(SimTime::from_secs(3600 + 62).to_string(), "1:01:02");
    }

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(Millis::from_secs(300).to_string(), "5m");
        assert_eq!(Millis::from_secs(90).to_string(), "1m 30s");
        assert_eq!(Millis(1500).to_string(), "1.5s");
        assert_eq!(Millis::from_secs(40).to_string(), "40s");
    }

    #[test]
    fn seconds_from_files_round_to_milliseconds() {
        assert_eq!(SimTime::from_secs_f64(1.2345), SimTime(1235));
        assert_eq!(SimTime::from_secs_f64(-3.0), SimTime(0));
        assert_eq!(SimTime::from_secs_f64(f64::NAN), SimTime(0));
    }
}
