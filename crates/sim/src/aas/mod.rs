//! Application Auto Scaling for ECS services: target tracking here (one-minute CloudWatch
//! datapoints, the AlarmHigh (3 of 3) and AlarmLow (15 of 15) alarms, cooldowns,
//! DisableScaleIn, min/max capacity), step scaling in [`step_scaling`], how the policies of
//! one service are weighed together ([`choose`]), the scaling activities they log, what the
//! alarms look at ([`alarms`]) and the one-minute period that runs them ([`metric_minute`]).
//!
//! Rules: docs/rules/ecs-scaling.md#target-tracking, #cooldowns and
//! #several-policies-on-one-service; source:
//! <https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html>.

pub mod alarms;
pub mod metric_minute;
pub mod step_scaling;

pub use step_scaling::StepScaling;

use serde::Serialize;

use crate::scenario::spec::ComparisonOperator;
use crate::time::{Millis, SimTime};

pub const PERIOD: Millis = Millis::from_secs(60);
pub const HIGH_DATAPOINTS: usize = 3;
pub const LOW_DATAPOINTS: usize = 15;
/// The low alarm's threshold sits below the target: scale-in only when the metric is "well
/// below" it [inferred: AAS sets the AlarmLow threshold at 90 % of the target].
pub const LOW_FACTOR: f64 = 0.9;
/// AlarmHigh breaches when a datapoint is above the target.
pub const HIGH_COMPARISON: ComparisonOperator = ComparisonOperator::GreaterThanThreshold;
/// AlarmLow breaches when a datapoint is below the low threshold ([`LOW_FACTOR`] × target).
pub const LOW_COMPARISON: ComparisonOperator = ComparisonOperator::LessThanThreshold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AlarmState {
    InsufficientData,
    Ok,
    Alarm,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        }
    }
}

/// A target-tracking policy on `ECSServiceAverageCPUUtilization` and its alarms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetTracking {
    pub policy: String,
    pub min: u32,
    pub max: u32,
    pub target: f64,
    pub scale_out_cooldown: Millis,
    pub scale_in_cooldown: Millis,
    pub disable_scale_in: bool,
    pub alarm_high: String,
    pub alarm_low: String,
    pub high: AlarmState,
    pub low: AlarmState,
    /// One-minute datapoints, newest last (at most 15 kept).
    pub datapoints: Vec<f64>,
    pub last_scale_out: Option<(SimTime, u32)>,
    pub last_scale_in: Option<SimTime>,
}

/// What a target-tracking evaluation decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub desired: u32,
    pub alarm: String,
    pub out: bool,
}

impl TargetTracking {
    /// Record one datapoint and update both alarms; returns alarm state changes as
    /// (alarm name, new state).
    pub fn record(&mut self, value: f64) -> Vec<(String, AlarmState)> {
        self.datapoints.push(value);
        if self.datapoints.len() > LOW_DATAPOINTS {
            self.datapoints.remove(0);
        }
        let n = self.datapoints.len();
        let high = if n < HIGH_DATAPOINTS {
            AlarmState::InsufficientData
        } else if self.datapoints[n - HIGH_DATAPOINTS..]
            .iter()
            .all(|v| HIGH_COMPARISON.breaches(*v, self.target))
        {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        let low = if n < LOW_DATAPOINTS {
            AlarmState::InsufficientData
        } else if self
            .datapoints
            .iter()
            .all(|v| LOW_COMPARISON.breaches(*v, self.low_threshold()))
        {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        let mut changes = Vec::new();
        if high != self.high {
            self.high = high;
            changes.push((self.alarm_high.clone(), high));
        }
        if low != self.low {
            self.low = low;
            changes.push((self.alarm_low.clone(), low));
        }
        changes
    }

    /// The AlarmLow threshold: [`LOW_FACTOR`] of the target.
    pub fn low_threshold(&self) -> f64 {
        self.target * LOW_FACTOR
    }

    /// Evaluate the policy at `now` for a service at `current` desired tasks, and start its
    /// cooldown if it acts (a service with only this policy).
    /// `deploying`: scale-in is suspended while a deployment is in progress.
    pub fn evaluate(&mut self, now: SimTime, current: u32, deploying: bool) -> Option<Decision> {
        let d = self.propose(now, current, deploying)?;
        self.commit(now, &d);
        Some(d)
    }

    /// What the policy would do at `now`, without acting.
    pub fn propose(&self, now: SimTime, current: u32, deploying: bool) -> Option<Decision> {
        let metric = *self.datapoints.last()?;
        if self.high == AlarmState::Alarm {
            // Scale out: round the capacity up.
            let want =
                ((current as f64 * metric / self.target).ceil() as u32).clamp(self.min, self.max);
            let in_cooldown = self
                .last_scale_out
                .is_some_and(|(t, _)| now.since(t) < self.scale_out_cooldown);
            // During a cooldown only a larger scale-out runs.
            let bigger = self.last_scale_out.is_none_or(|(_, n)| want > n);
            if want > current && (!in_cooldown || bigger) {
                return Some(Decision {
                    desired: want,
                    alarm: self.alarm_high.clone(),
                    out: true,
                });
            }
        } else if self.low == AlarmState::Alarm && !self.disable_scale_in && !deploying {
            // Scale in: round the capacity down.
            let want =
                ((current as f64 * metric / self.target).floor() as u32).clamp(self.min, self.max);
            let in_cooldown = self
                .last_scale_in
                .is_some_and(|t| now.since(t) < self.scale_in_cooldown);
            if want < current && !in_cooldown {
                return Some(Decision {
                    desired: want,
                    alarm: self.alarm_low.clone(),
                    out: false,
                });
            }
        }
        None
    }

    /// The service took this policy's decision: start the matching cooldown.
    pub fn commit(&mut self, now: SimTime, d: &Decision) {
        if d.out {
            self.last_scale_out = Some((now, d.desired));
            self.last_scale_in = None;
        } else {
            self.last_scale_in = Some(now);
        }
    }
}

/// Which of the decisions the policies of one service propose at one moment runs:
/// - a scale-out if any policy asks for one, the largest capacity winning;
/// - otherwise a scale-in, again the largest capacity (the smallest step down) winning.
///
/// AAS documents "out if any, in only if all agree" for target-tracking policies. Orca has at
/// most one target-tracking policy per service, and lets a step scaling policy scale in on its
/// own alarm even when the target-tracking policy does not ask to [inferred: step policies are
/// invoked by their own alarms; AAS states the all-agree rule for target tracking only]. When
/// several policies ask at the same minute, the largest capacity wins, as EC2 Auto Scaling
/// documents for simultaneous policies [inferred for AAS].
/// Ties go to the earlier decision (target tracking, then step policies in file order).
pub fn choose(decisions: &[&Decision]) -> Option<usize> {
    let pick = |out: bool| {
        decisions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.out == out)
            .fold(None::<(usize, u32)>, |best, (i, d)| match best {
                Some((_, n)) if n >= d.desired => best,
                _ => Some((i, d.desired)),
            })
            .map(|(i, _)| i)
    };
    pick(true).or_else(|| pick(false))
}

/// `describe-scaling-activities`: description and cause of an activity.
pub fn activity(desired: u32, alarm: &str, policy: &str) -> String {
    format!(
        "Setting desired count to {desired}. Cause: monitor alarm {alarm} in state ALARM triggered policy {policy}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TargetTracking {
        TargetTracking {
            policy: "cpu".into(),
            min: 2,
            max: 10,
            target: 50.0,
            scale_out_cooldown: Millis::from_secs(300),
            scale_in_cooldown: Millis::from_secs(300),
            disable_scale_in: false,
            alarm_high: "high".into(),
            alarm_low: "low".into(),
            high: AlarmState::InsufficientData,
            low: AlarmState::InsufficientData,
            datapoints: Vec::new(),
            last_scale_out: None,
            last_scale_in: None,
        }
    }

    #[test]
    fn the_high_alarm_needs_three_datapoints_above_the_target() {
        let mut p = policy();
        p.record(80.0);
        p.record(80.0);
        assert_eq!(p.high, AlarmState::InsufficientData);
        assert!(p.evaluate(SimTime::from_secs(120), 2, false).is_none());
        p.record(80.0);
        assert_eq!(p.high, AlarmState::Alarm);
        // ceil(2 × 80 / 50) = 4
        let d = p
            .evaluate(SimTime::from_secs(180), 2, false)
            .expect("scale out");
        assert_eq!((d.desired, d.out), (4, true));
    }

    #[test]
    fn the_low_alarm_needs_fifteen_datapoints_well_below_the_target() {
        let mut p = policy();
        for _ in 0..14 {
            p.record(20.0);
        }
        assert_eq!(p.low, AlarmState::InsufficientData);
        p.record(46.0); // below the target but not 10 % below
        assert_eq!(p.low, AlarmState::Ok);
        for _ in 0..15 {
            p.record(20.0);
        }
        assert_eq!(p.low, AlarmState::Alarm);
        // floor(8 × 20 / 50) = 3
        assert_eq!(
            p.evaluate(SimTime::from_secs(2000), 8, false)
                .map(|d| d.desired),
            Some(3)
        );
        // Suspended during a deployment, and blocked by DisableScaleIn.
        let mut q = p.clone();
        q.last_scale_in = None;
        assert!(q.evaluate(SimTime::from_secs(3000), 8, true).is_none());
        q.disable_scale_in = true;
        assert!(q.evaluate(SimTime::from_secs(3000), 8, false).is_none());
    }

    #[test]
    fn cooldowns_block_repeats_but_not_a_larger_scale_out() {
        let mut p = policy();
        for _ in 0..3 {
            p.record(80.0);
        }
        assert_eq!(
            p.evaluate(SimTime::from_secs(180), 2, false)
                .map(|d| d.desired),
            Some(4)
        );
        p.record(80.0);
        // Same size again within the cooldown: no.
        assert!(p.evaluate(SimTime::from_secs(240), 2, false).is_none());
        p.record(200.0);
        // Larger: yes, even in the cooldown. ceil(4 × 200 / 50) = 16 → max 10.
        assert_eq!(
            p.evaluate(SimTime::from_secs(300), 4, false)
                .map(|d| d.desired),
            Some(10)
        );
    }

    #[test]
    fn activities_read_like_describe_scaling_activities() {
        assert_eq!(
            activity(4, "TargetTracking-service/demo/web-AlarmHigh-1a2b", "cpu75"),
            "Setting desired count to 4. Cause: monitor alarm TargetTracking-service/demo/web-AlarmHigh-1a2b in state ALARM triggered policy cpu75"
        );
    }
}
