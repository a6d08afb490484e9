//! What a CloudWatch alarm of a scaling policy is looking at, as data for the app: its rule
//! ("3 of 3 datapoints above 50 %"), its window, and how many of the datapoints in that window
//! breach (docs/rules/ecs-scaling.md#target-tracking, #step-scaling and
//! #managed-scaling-scale-out-and-scale-in). The alarms' states are decided where they are
//! recorded ([`TargetTracking::record`], [`StepScaling::record`], managed scaling); the
//! summaries count with the same comparisons.

use serde::Serialize;

use crate::aas::{
    AlarmState, HIGH_COMPARISON, HIGH_DATAPOINTS, LOW_COMPARISON, LOW_DATAPOINTS, StepScaling,
    TargetTracking,
};
use crate::scenario::spec::ComparisonOperator;

/// The metric target tracking on ECS service CPU watches.
pub const SERVICE_CPU_METRIC: &str = "ECSServiceAverageCPUUtilization";

/// One alarm: its rule (M of the last N datapoints breach a threshold) and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmSummary {
    pub alarm: String,
    pub state: AlarmState,
    pub metric: String,
    pub comparison: ComparisonOperator,
    pub threshold: f64,
    /// M: breaching datapoints that put the alarm in ALARM.
    pub datapoints_to_alarm: usize,
    /// N: the datapoints the alarm evaluates (the newest N, one a minute).
    pub evaluation_periods: usize,
    /// Datapoints in the window so far (fewer than N: INSUFFICIENT_DATA).
    pub datapoints: usize,
    /// Of those, how many breach the threshold.
    pub breaching: usize,
}

impl AlarmSummary {
    /// The summary of an alarm over `history` (oldest first; the newest N are evaluated).
    pub fn over(
        alarm: &str,
        state: AlarmState,
        metric: &str,
        comparison: ComparisonOperator,
        threshold: f64,
        (datapoints_to_alarm, evaluation_periods): (usize, usize),
        history: &[f64],
    ) -> AlarmSummary {
        let window = &history[history.len().saturating_sub(evaluation_periods)..];
        AlarmSummary {
            alarm: alarm.to_string(),
            state,
            metric: metric.to_string(),
            comparison,
            threshold,
            datapoints_to_alarm,
            evaluation_periods,
            datapoints: window.len(),
            breaching: window
                .iter()
                .filter(|v| comparison.breaches(**v, threshold))
                .count(),
        }
    }

    /// "3 of 3 datapoints above 50 %"
    pub fn rule(&self) -> String {
        format!(
            "{} of {} datapoints {} {}",
            self.datapoints_to_alarm,
            self.evaluation_periods,
            self.comparison.words(),
            percent(self.threshold)
        )
    }

    /// "ALARM: 3 of the last 3 datapoints above 50 % (ALARM at 3 of 3)", or, before the window
    /// is full, "INSUFFICIENT_DATA: 2 of 3 datapoints so far, 2 above 50 %".
    pub fn describe(&self) -> String {
        let words = self.comparison.words();
        let threshold = percent(self.threshold);
        if self.datapoints < self.evaluation_periods {
            format!(
                "{}: {} of {} datapoints so far, {} {words} {threshold}",
                self.state.as_str(),
                self.datapoints,
                self.evaluation_periods,
                self.breaching
            )
        } else {
            format!(
                "{}: {} of the last {} datapoints {words} {threshold} (ALARM at {} of {})",
                self.state.as_str(),
                self.breaching,
                self.evaluation_periods,
                self.datapoints_to_alarm,
                self.evaluation_periods
            )
        }
    }
}

fn percent(v: f64) -> String {
    format!("{} %", (v * 10.0).round() / 10.0)
}

/// The two alarms of a target-tracking policy: AlarmHigh (3 of 3 above the target) and
/// AlarmLow (15 of 15 below 90 % of it).
pub fn target_tracking(tt: &TargetTracking) -> [AlarmSummary; 2] {
    [
        AlarmSummary::over(
            &tt.alarm_high,
            tt.high,
            SERVICE_CPU_METRIC,
            HIGH_COMPARISON,
            tt.target,
            (HIGH_DATAPOINTS, HIGH_DATAPOINTS),
            &tt.datapoints,
        ),
        AlarmSummary::over(
            &tt.alarm_low,
            tt.low,
            SERVICE_CPU_METRIC,
            LOW_COMPARISON,
            tt.low_threshold(),
            (LOW_DATAPOINTS, LOW_DATAPOINTS),
            &tt.datapoints,
        ),
    ]
}

/// The alarm of a step scaling policy (M of N, as the user defined it).
pub fn step_scaling(p: &StepScaling) -> AlarmSummary {
    AlarmSummary::over(
        &p.alarm,
        p.state,
        p.metric.as_str(),
        p.comparison,
        p.threshold,
        (p.datapoints_to_alarm, p.evaluation_periods),
        &p.datapoints,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Millis;

    fn policy() -> TargetTracking {
        TargetTracking {
            policy: "cpu".into(),
            min: 1,
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
    fn alarm_high_is_3_of_3_above_the_target_and_counts_the_last_3() {
        let mut p = policy();
        for v in [80.0, 20.0, 80.0, 80.0] {
            p.record(v);
        }
        let [high, _] = target_tracking(&p);
        assert_eq!((high.datapoints_to_alarm, high.evaluation_periods), (3, 3));
        assert_eq!((high.datapoints, high.breaching), (3, 2));
        assert_eq!(high.state, AlarmState::Ok);
        assert_eq!(high.rule(), "3 of 3 datapoints above 50 %");
        assert_eq!(
            high.describe(),
            "OK: 2 of the last 3 datapoints above 50 % (ALARM at 3 of 3)"
        );
        p.record(80.0);
        let [high, _] = target_tracking(&p);
        assert_eq!((high.breaching, high.state), (3, AlarmState::Alarm));
    }

    #[test]
    fn alarm_low_is_15_of_15_below_90_percent_of_the_target() {
        let mut p = policy();
        for _ in 0..4 {
            p.record(20.0);
        }
        p.record(46.0); // below the target, not below 45
        let [_, low] = target_tracking(&p);
        assert_eq!((low.datapoints_to_alarm, low.evaluation_periods), (15, 15));
        assert_eq!(low.threshold, 45.0);
        assert_eq!((low.datapoints, low.breaching), (5, 4));
        assert_eq!(
            low.describe(),
            "INSUFFICIENT_DATA: 5 of 15 datapoints so far, 4 below 45 %"
        );
        for _ in 0..15 {
            p.record(20.0);
        }
        let [_, low] = target_tracking(&p);
        assert_eq!((low.breaching, low.state), (15, AlarmState::Alarm));
    }

    #[test]
    fn a_step_alarm_counts_m_of_its_n_datapoints() {
        use crate::scenario::spec::{AdjustmentType, AlarmMetric, MetricAggregationType};
        let mut p = StepScaling {
            policy: "out".into(),
            alarm: "cpu-high".into(),
            metric: AlarmMetric::CpuUtilization,
            threshold: 60.0,
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            aggregation: MetricAggregationType::Average,
            adjustment_type: AdjustmentType::ChangeInCapacity,
            steps: Vec::new(),
            min_adjustment_magnitude: None,
            cooldown: Millis::from_secs(300),
            min: 1,
            max: 10,
            state: AlarmState::InsufficientData,
            datapoints: Vec::new(),
            last_scale_out: None,
            last_scale_in: None,
        };
        for v in [70.0, 50.0, 65.0] {
            p.record(v);
        }
        let s = step_scaling(&p);
        assert_eq!((s.datapoints, s.breaching), (3, 2));
        assert_eq!(s.state, AlarmState::Alarm);
        assert_eq!(s.rule(), "2 of 3 datapoints at or above 60 %");
    }
}
