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

    pub const fn secs(self) -> u64 {
        self.0 / 1000
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

/// The wall-clock moment a scenario starts at, as the CLIs print it: Monday 5 January 2026,
/// 09:00 UTC (a class's first hour). Orca's clock is relative; this only dresses it up as the
/// timestamps `aws` and `kubectl` show.
pub const START_UNIX_SECS: u64 = 1_767_603_600;

impl SimTime {
    /// An ISO 8601 timestamp with microseconds and offset, as AWS CLI v2 prints them:
    /// `2026-01-05T09:01:26.037000+00:00`.
    pub fn iso8601(self) -> String {
        let (date, h, m, s) = civil(START_UNIX_SECS + self.0 / 1000);
        format!(
            "{date}T{h:02}:{m:02}:{s:02}.{:06}+00:00",
            (self.0 % 1000) * 1000
        )
    }

    /// A timestamp as AWS CLI v2 prints one (Python's `datetime.isoformat()`): microseconds
    /// only when there is a fraction of a second, `2026-01-05T09:01:26.037000+00:00` or
    /// `2026-01-05T09:00:00+00:00`.
    pub fn aws_cli(self) -> String {
        Self::aws_cli_signed(self.0 as i64)
    }

    /// [`SimTime::aws_cli`] of a moment `ms` milliseconds from the start, which may be before
    /// it (an image pushed days before the scenario).
    pub fn aws_cli_signed(ms: i64) -> String {
        let iso = Self::iso8601_signed(ms);
        iso.replace(".000000+", "+")
    }

    /// `2026-01-05T09:01:26.037000Z`: RFC 3339 with microseconds, as the modelled applications
    /// stamp their lines and a Kubernetes audit event its timestamps.
    pub fn iso8601_micro_z(self) -> String {
        self.iso8601().replace("+00:00", "Z")
    }

    /// `2026-01-05T09:01:26.037Z`: the string timestamps GuardDuty returns (a finding's
    /// `CreatedAt`, `UpdatedAt`, `EventFirstSeen`), on the same clock as [`SimTime::iso8601`].
    pub fn iso8601_millis_z(self) -> String {
        let (date, h, m, s) = civil(START_UNIX_SECS + self.0 / 1000);
        format!("{date}T{h:02}:{m:02}:{s:02}.{:03}Z", self.0 % 1000)
    }

    /// `05/01/26 09:01:00` (day/month/two-digit year): how a CloudWatch alarm's state reason
    /// stamps its datapoints ("… [82.5 (05/01/26 09:01:00)] …").
    pub fn cloudwatch_stamp(self) -> String {
        let (date, h, m, s) = civil(START_UNIX_SECS + self.0 / 1000);
        format!(
            "{}/{}/{} {h:02}:{m:02}:{s:02}",
            &date[8..10],
            &date[5..7],
            &date[2..4]
        )
    }

    /// [`SimTime::iso8601`] of a moment `ms` milliseconds from the start, which may be before
    /// it (an image pushed days before the scenario).
    pub fn iso8601_signed(ms: i64) -> String {
        let unix_ms = (START_UNIX_SECS as i64 * 1000 + ms).max(0) as u64;
        let (date, h, m, s) = civil(unix_ms / 1000);
        format!(
            "{date}T{h:02}:{m:02}:{s:02}.{:06}+00:00",
            (unix_ms % 1000) * 1000
        )
    }

    /// `Mon, 05 Jan 2026 09:01:26 +0000`, as `kubectl describe` prints a start time.
    pub fn rfc1123(self) -> String {
        let secs = START_UNIX_SECS + self.0 / 1000;
        let (date, h, m, s) = civil(secs);
        let days = secs / 86_400;
        // 1970-01-01 was a Thursday.
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
        let month = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, mo, d) = (
            &date[0..4],
            date[5..7].parse::<usize>().unwrap_or(1),
            &date[8..10],
        );
        format!(
            "{weekday}, {d} {} {y} {h:02}:{m:02}:{s:02} +0000",
            month[mo.saturating_sub(1).min(11)]
        )
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) and time of day of a Unix time (days-from-civil in
/// reverse, after Howard Hinnant's algorithm).
fn civil(unix_secs: u64) -> (String, u64, u64, u64) {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
    )
}

/// Days since 1970-01-01 of a civil date (the inverse of [`civil`]'s date; Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds from the scenario's start (negative before it) of an ISO 8601 timestamp as the
/// AWS CLI takes one: `2026-01-05`, `2026-01-05T09:10`, `2026-01-05T09:10:30`, with fractions
/// of a second, and `Z` or an offset such as `+01:00`. A time without an offset is read as
/// UTC (the CLI reads it in the machine's time zone; Orca's clock has none but UTC).
pub fn from_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
    );
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (mut ms, mut offset_secs) = (0i64, 0i64);
    if let Some(time) = time {
        let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
            (c, 0)
        } else if let Some(at) = time.rfind(['+', '-']) {
            let (c, o) = time.split_at(at);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            let (oh, om) = (oh.parse::<i64>().ok()?, om.parse::<i64>().ok()?);
            (c, sign * (oh * 3600 + om * 60))
        } else {
            (time, 0)
        };
        offset_secs = offset;
        let mut hms = clock.split(':');
        let h = hms.next()?.parse::<i64>().ok()?;
        let mi = hms.next()?.parse::<i64>().ok()?;
        let sec: f64 = match hms.next() {
            Some(s) => s.parse().ok()?,
            None => 0.0,
        };
        if hms.next().is_some() || h > 23 || mi > 59 || !(0.0..60.0).contains(&sec) {
            return None;
        }
        ms = (h * 3600 + mi * 60) * 1000 + (sec * 1000.0).round() as i64;
    }
    let unix_ms = (days_from_civil(y, m, d) * 86_400 - offset_secs) * 1000 + ms;
    Some(unix_ms - START_UNIX_SECS as i64 * 1000)
}

impl Millis {
    /// An age as kubectl prints it (`HumanDuration` in k8s.io/apimachinery): `45s` below two
    /// minutes, `3m14s` below ten, `25m` below three hours, `5h3m` below eight, `20h` below two
    /// days, then `3d4h`, `12d`.
    pub fn kube_age(self) -> String {
        let secs = self.0 / 1000;
        if secs < 120 {
            return format!("{secs}s");
        }
        let minutes = secs / 60;
        if minutes < 10 {
            return match secs % 60 {
                0 => format!("{minutes}m"),
                s => format!("{minutes}m{s}s"),
            };
        }
        if minutes < 180 {
            return format!("{minutes}m");
        }
        let hours = minutes / 60;
        if hours < 8 {
            return match minutes % 60 {
                0 => format!("{hours}h"),
                m => format!("{hours}h{m}m"),
            };
        }
        if hours < 48 {
            return format!("{hours}h");
        }
        if hours < 24 * 8 {
            return match hours % 24 {
                0 => format!("{}d", hours / 24),
                h => format!("{}d{h}h", hours / 24),
            };
        }
        format!("{}d", hours / 24)
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

    #[test]
    fn timestamps_read_like_the_cli_prints_them() {
        assert_eq!(SimTime::ZERO.iso8601(), "2026-01-05T09:00:00.000000+00:00");
        // The AWS CLI prints a fraction only when there is one (Python's isoformat).
        assert_eq!(SimTime::ZERO.aws_cli(), "2026-01-05T09:00:00+00:00");
        assert_eq!(
            SimTime(86_037).aws_cli(),
            "2026-01-05T09:01:26.037000+00:00"
        );
        assert_eq!(
            SimTime::aws_cli_signed(-86_400_000),
            "2026-01-04T09:00:00+00:00"
        );
        // The CLI's timestamps read back onto Orca's clock, before the start too.
        assert_eq!(from_iso8601("2026-01-05T09:00:00Z"), Some(0));
        assert_eq!(
            from_iso8601("2026-01-05T09:01:26.037000+00:00"),
            Some(86_037)
        );
        assert_eq!(from_iso8601("2026-01-05T10:05+01:00"), Some(300_000));
        assert_eq!(from_iso8601("2026-01-05"), Some(-9 * 3_600_000));
        assert_eq!(from_iso8601("2026-03-01T09:00:00"), Some(55 * 86_400_000));
        for bad in [
            "",
            "5m",
            "2026-13-01",
            "2026-01-05T25:00",
            "2026-01-05T09:00:00+xx",
        ] {
            assert_eq!(from_iso8601(bad), None, "{bad}");
        }
        assert_eq!(
            SimTime(86_400_000 + 61_037).iso8601(),
            "2026-01-06T09:01:01.037000+00:00"
        );
        assert_eq!(
            SimTime::from_secs(86).rfc1123(),
            "Mon, 05 Jan 2026 09:01:26 +0000"
        );
        assert_eq!(civil(0).0, "1970-01-01");
        assert_eq!(civil(951_782_400).0, "2000-02-29");
    }

    #[test]
    fn ages_read_like_kubectl_prints_them() {
        let age = |s: u64| Millis::from_secs(s).kube_age();
        assert_eq!(age(45), "45s");
        assert_eq!(age(119), "119s");
        assert_eq!(age(194), "3m14s");
        assert_eq!(age(300), "5m");
        assert_eq!(age(25 * 60), "25m");
        assert_eq!(age(5 * 3600 + 180), "5h3m");
        assert_eq!(age(20 * 3600), "20h");
        assert_eq!(age(3 * 86_400 + 4 * 3600), "3d4h");
        assert_eq!(age(12 * 86_400), "12d");
    }
}
