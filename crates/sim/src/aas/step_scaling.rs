//! Application Auto Scaling step scaling for ECS services: the CloudWatch alarm the user
//! creates (M of N one-minute datapoints against a threshold), the step adjustment chosen by
//! how far the aggregated metric is from the threshold, the three adjustment types with the
//! percent rounding rules and MinAdjustmentMagnitude, the min/max clamp, and the single
//! cooldown.
//!
//! Rules: docs/rules/ecs-scaling.md#step-scaling; source:
//! <https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html>.

use serde::Serialize;

use super::{AlarmState, Decision};
use crate::scenario::spec::{
    AdjustmentType, AlarmMetric, ComparisonOperator, MetricAggregationType,
};
use crate::time::{Millis, SimTime};

/// One step: bounds relative to the threshold (metric − threshold); `None` is infinity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i32,
}

/// The scale-out that started the current cooldown: when, and the capacity before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScaleOut {
    pub at: SimTime,
    pub from: u32,
}

/// A step scaling policy, its alarm and the alarm's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepScaling {
    pub policy: String,
    pub alarm: String,
    pub metric: AlarmMetric,
    pub threshold: f64,
    pub comparison: ComparisonOperator,
    pub evaluation_periods: usize,
    pub datapoints_to_alarm: usize,
    pub aggregation: MetricAggregationType,
    pub adjustment_type: AdjustmentType,
    pub steps: Vec<StepAdjustment>,
    pub min_adjustment_magnitude: Option<u32>,
    pub cooldown: Millis,
    pub min: u32,
    pub max: u32,
    pub state: AlarmState,
    /// The alarm's one-minute datapoints, newest last (at most `evaluation_periods` kept).
    pub datapoints: Vec<f64>,
    pub last_scale_out: Option<ScaleOut>,
    pub last_scale_in: Option<SimTime>,
}

/// What a step policy would do now, before the policies of the service are weighed together.
#[derive(Debug, Clone, PartialEq)]
pub struct StepProposal {
    pub decision: Decision,
    /// The capacity the adjustment was applied to (the capacity before the scale-out that
    /// started a running cooldown, else the current desired count).
    pub base: u32,
    pub why: String,
}

/// The step whose range holds `delta` (aggregated metric − threshold). Above the threshold the
/// lower bound is inclusive and the upper exclusive; below it the other way round (AAS step
/// scaling). At exactly the threshold the alarm's side decides: an "above" alarm uses the
/// above-threshold rule [inferred: metric = threshold breaches only a ≥ / ≤ alarm, which then
/// looks up the step on its own side].
pub fn step_for(steps: &[StepAdjustment], delta: f64, above: bool) -> Option<&StepAdjustment> {
    let above = delta > 0.0 || (delta == 0.0 && above);
    steps.iter().find(|s| {
        let lower = s.lower.unwrap_or(f64::NEG_INFINITY);
        let upper = s.upper.unwrap_or(f64::INFINITY);
        if above {
            lower <= delta && delta < upper
        } else {
            lower < delta && delta <= upper
        }
    })
}

/// `PercentChangeInCapacity`: the change in tasks for `percent` of `current`. Values above 1
/// round down, values in (0, 1) become 1, values in (−1, 0) become −1 and values below −1
/// round toward zero (AAS step scaling). Then `MinAdjustmentMagnitude` raises a smaller
/// change to that many tasks, in the adjustment's direction [inferred for scale-in: the docs'
/// example is a scale-out].
pub fn percent_change(current: u32, percent: i32, min_adjustment_magnitude: Option<u32>) -> i64 {
    let raw = current as f64 * percent as f64 / 100.0;
    let mut change = if raw > 0.0 && raw < 1.0 {
        1
    } else if raw < 0.0 && raw > -1.0 {
        -1
    } else {
        // trunc: down above 1, toward zero below −1.
        raw.trunc() as i64
    };
    if let Some(m) = min_adjustment_magnitude
        && percent != 0
        && change.unsigned_abs() < m as u64
    {
        change = if percent > 0 { m as i64 } else { -(m as i64) };
    }
    change
}

/// The new capacity before the min/max clamp.
pub fn new_capacity(
    adjustment_type: AdjustmentType,
    current: u32,
    adjustment: i32,
    min_adjustment_magnitude: Option<u32>,
) -> i64 {
    match adjustment_type {
        AdjustmentType::ChangeInCapacity => current as i64 + adjustment as i64,
        AdjustmentType::ExactCapacity => adjustment as i64,
        AdjustmentType::PercentChangeInCapacity => {
            current as i64 + percent_change(current, adjustment, min_adjustment_magnitude)
        }
    }
}

/// Aggregate datapoints the way `MetricAggregationType` says.
pub fn aggregate(values: &[f64], how: MetricAggregationType) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(match how {
        MetricAggregationType::Average => values.iter().sum::<f64>() / values.len() as f64,
        MetricAggregationType::Minimum => values.iter().copied().fold(f64::INFINITY, f64::min),
        MetricAggregationType::Maximum => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    })
}

impl StepScaling {
    /// Record one datapoint of the alarm's metric; returns the new state if it changed.
    /// ALARM when at least `datapoints_to_alarm` of the last `evaluation_periods` datapoints
    /// breach; INSUFFICIENT_DATA until `evaluation_periods` datapoints exist (as for the
    /// target-tracking alarms).
    pub fn record(&mut self, value: f64) -> Option<AlarmState> {
        self.datapoints.push(value);
        if self.datapoints.len() > self.evaluation_periods {
            self.datapoints.remove(0);
        }
        let state = if self.datapoints.len() < self.evaluation_periods {
            AlarmState::InsufficientData
        } else {
            let breaching = self
                .datapoints
                .iter()
                .filter(|v| self.comparison.breaches(**v, self.threshold))
                .count();
            if breaching >= self.datapoints_to_alarm {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            }
        };
        (state != self.state).then(|| {
            self.state = state;
            state
        })
    }

    /// What the policy would do at `now` for a service at `current` desired tasks, if its
    /// alarm is in ALARM. CloudWatch invokes the policy every minute while the alarm stays in
    /// ALARM; the cooldown decides whether it acts. `deploying`: ECS suspends scale-in during
    /// a deployment.
    pub fn propose(&self, now: SimTime, current: u32, deploying: bool) -> Option<StepProposal> {
        if self.state != AlarmState::Alarm {
            return None;
        }
        // The value AAS compares with the step bounds: the alarm's evaluated datapoints,
        // aggregated [inferred: the window is the last `evaluation_periods` datapoints].
        let value = aggregate(&self.datapoints, self.aggregation)?;
        let delta = value - self.threshold;
        let step = step_for(&self.steps, delta, self.comparison.above())?;
        let clamp = |n: i64| n.clamp(self.min as i64, self.max as i64) as u32;
        let want = clamp(new_capacity(
            self.adjustment_type,
            current,
            step.adjustment,
            self.min_adjustment_magnitude,
        ));
        let metric = self.metric.as_str();
        let bounds = bounds_text(
            step,
            delta > 0.0 || (delta == 0.0 && self.comparison.above()),
        );
        if want > current {
            // During the cooldown, the capacity added by the scale-out that started it counts
            // toward this one: the adjustment applies to the capacity before that scale-out,
            // and only a larger result runs.
            let (base, want) = match self.last_scale_out {
                Some(o) if now.since(o.at) < self.cooldown => (
                    o.from,
                    clamp(new_capacity(
                        self.adjustment_type,
                        o.from,
                        step.adjustment,
                        self.min_adjustment_magnitude,
                    )),
                ),
                _ => (current, want),
            };
            if want <= current {
                return None;
            }
            Some(StepProposal {
                decision: Decision {
                    desired: want,
                    alarm: self.alarm.clone(),
                    out: true,
                },
                base,
                why: format!(
                    "{metric} {value:.1} % is {delta:+.1} from the threshold {:.0} %: step {bounds} → {} applied to {base} tasks gives {want} (min {}, max {}).",
                    self.threshold,
                    adjustment_text(self.adjustment_type, step.adjustment),
                    self.min,
                    self.max
                ),
            })
        } else if want < current {
            let in_cooldown = self
                .last_scale_in
                .is_some_and(|t| now.since(t) < self.cooldown);
            if in_cooldown || deploying {
                return None;
            }
            Some(StepProposal {
                decision: Decision {
                    desired: want,
                    alarm: self.alarm.clone(),
                    out: false,
                },
                base: current,
                why: format!(
                    "{metric} {value:.1} % is {delta:+.1} from the threshold {:.0} %: step {bounds} → {} applied to {current} tasks gives {want} (min {}, max {}).",
                    self.threshold,
                    adjustment_text(self.adjustment_type, step.adjustment),
                    self.min,
                    self.max
                ),
            })
        } else {
            None
        }
    }

    /// The service took this policy's proposal: start its cooldown.
    pub fn commit(&mut self, now: SimTime, proposal: &StepProposal) {
        if proposal.decision.out {
            // A scale-out inside a running cooldown keeps the cooldown that started it
            // [inferred], so a larger step still counts from the same base.
            let keep = self
                .last_scale_out
                .is_some_and(|o| now.since(o.at) < self.cooldown);
            if !keep {
                self.last_scale_out = Some(ScaleOut {
                    at: now,
                    from: proposal.base,
                });
            }
            // A scale-out is never held back by a scale-in cooldown, and ends it.
            self.last_scale_in = None;
        } else {
            self.last_scale_in = Some(now);
        }
    }
}

/// `[+10, +20)` above the threshold, `(−20, −10]` below it: which bound is inclusive.
fn bounds_text(step: &StepAdjustment, above: bool) -> String {
    let b = |v: Option<f64>, inf: &str| v.map_or(inf.to_string(), |v| format!("{v:+}"));
    let (open, close) = if above { ('[', ')') } else { ('(', ']') };
    format!(
        "{open}{}, {}{close}",
        b(step.lower, "−∞"),
        b(step.upper, "+∞")
    )
}

fn adjustment_text(t: AdjustmentType, adjustment: i32) -> String {
    match t {
        AdjustmentType::ChangeInCapacity => format!("{adjustment:+} tasks"),
        AdjustmentType::ExactCapacity => format!("exactly {adjustment} tasks"),
        AdjustmentType::PercentChangeInCapacity => format!("{adjustment:+} %"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(list: &[(Option<f64>, Option<f64>, i32)]) -> Vec<StepAdjustment> {
        list.iter()
            .map(|&(lower, upper, adjustment)| StepAdjustment {
                lower,
                upper,
                adjustment,
            })
            .collect()
    }

    #[test]
    fn percent_rounding_follows_the_four_rules() {
        // 10 × 25 % = 2.5 → 2 (above 1: down)
        assert_eq!(percent_change(10, 25, None), 2);
        // 2 × 10 % = 0.2 → 1
        assert_eq!(percent_change(2, 10, None), 1);
        // 2 × −10 % = −0.2 → −1
        assert_eq!(percent_change(2, -10, None), -1);
        // 10 × −25 % = −2.5 → −2 (below −1: toward zero)
        assert_eq!(percent_change(10, -25, None), -2);
        // Exactly 1 and −1 stay.
        assert_eq!(percent_change(4, 25, None), 1);
        assert_eq!(percent_change(4, -25, None), -1);
    }

    #[test]
    fn min_adjustment_magnitude_raises_a_small_percent_change() {
        // The AAS example: 25 % of 4 tasks is 1; MinAdjustmentMagnitude 2 adds 2.
        assert_eq!(percent_change(4, 25, Some(2)), 2);
        assert_eq!(percent_change(4, -25, Some(2)), -2);
        // A change already as large is kept.
        assert_eq!(percent_change(20, 25, Some(2)), 5);
    }

    #[test]
    fn bounds_are_inclusive_below_and_exclusive_above_over_the_threshold() {
        let s = steps(&[(Some(0.0), Some(10.0), 1), (Some(10.0), None, 3)]);
        assert_eq!(step_for(&s, 0.0, true).map(|s| s.adjustment), Some(1));
        assert_eq!(step_for(&s, 9.99, true).map(|s| s.adjustment), Some(1));
        assert_eq!(step_for(&s, 10.0, true).map(|s| s.adjustment), Some(3));
    }

    #[test]
    fn bounds_are_exclusive_below_and_inclusive_above_under_the_threshold() {
        let s = steps(&[(Some(-10.0), Some(0.0), -1), (None, Some(-10.0), -3)]);
        assert_eq!(step_for(&s, 0.0, false).map(|s| s.adjustment), Some(-1));
        assert_eq!(step_for(&s, -10.0, false).map(|s| s.adjustment), Some(-3));
        assert_eq!(step_for(&s, -9.99, false).map(|s| s.adjustment), Some(-1));
    }

    #[test]
    fn aggregation_types() {
        let v = [40.0, 60.0, 80.0];
        assert_eq!(aggregate(&v, MetricAggregationType::Average), Some(60.0));
        assert_eq!(aggregate(&v, MetricAggregationType::Minimum), Some(40.0));
        assert_eq!(aggregate(&v, MetricAggregationType::Maximum), Some(80.0));
        assert_eq!(aggregate(&[], MetricAggregationType::Average), None);
    }
}
