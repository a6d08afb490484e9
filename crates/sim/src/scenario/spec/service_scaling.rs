//! Application Auto Scaling for ECS services: target tracking and step scaling policies with
//! their CloudWatch alarms.

use super::defaults;
use serde::{Deserialize, Serialize};

/// The service as an Application Auto Scaling scalable target, with a target-tracking policy
/// (when `target_cpu_utilization` is set), step scaling policies, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAutoScalingSpec {
    pub min_capacity: u32,
    pub max_capacity: u32,
    /// The target for ECSServiceAverageCPUUtilization, percent. Without it the service has no
    /// target-tracking policy, and the three fields below must be left out.
    #[serde(default)]
    pub target_cpu_utilization: Option<f64>,
    /// Target tracking only (default 300).
    #[serde(default)]
    pub scale_out_cooldown_seconds: Option<u32>,
    /// Target tracking only (default 300).
    #[serde(default)]
    pub scale_in_cooldown_seconds: Option<u32>,
    /// Target tracking only (default false).
    #[serde(default)]
    pub disable_scale_in: Option<bool>,
    /// Step scaling policies, each with the CloudWatch alarm that triggers it.
    #[serde(default)]
    pub step_scaling: Vec<StepScalingPolicySpec>,
}

/// `PutScalingPolicy` with `PolicyType: StepScaling`, and the `PutMetricAlarm` behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingPolicySpec {
    pub name: String,
    pub alarm: MetricAlarmSpec,
    pub adjustment_type: AdjustmentType,
    pub step_adjustments: Vec<StepAdjustmentSpec>,
    /// PercentChangeInCapacity only: the smallest number of tasks one activity changes.
    #[serde(default)]
    pub min_adjustment_magnitude: Option<u32>,
    /// One cooldown for scale-out and scale-in (AAS default 300 s).
    #[serde(default = "defaults::cooldown")]
    pub cooldown_seconds: u32,
    #[serde(default)]
    pub metric_aggregation_type: MetricAggregationType,
}

/// A CloudWatch alarm on the service's `AWS/ECS` metric (dimensions ClusterName, ServiceName).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricAlarmSpec {
    pub name: String,
    pub metric: AlarmMetric,
    #[serde(default)]
    pub statistic: AlarmStatistic,
    /// ECS publishes its service metrics every minute; Orca models 60 s periods only.
    #[serde(default = "defaults::alarm_period")]
    pub period_seconds: u32,
    pub evaluation_periods: u32,
    /// M of the "M out of N" rule; CloudWatch's default is `evaluation_periods`.
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Percent.
    pub threshold: f64,
    pub comparison_operator: ComparisonOperator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlarmMetric {
    #[serde(rename = "CPUUtilization")]
    CpuUtilization,
    MemoryUtilization,
}

impl AlarmMetric {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmMetric::CpuUtilization => "CPUUtilization",
            AlarmMetric::MemoryUtilization => "MemoryUtilization",
        }
    }
}

/// The service's utilization metrics are averages over its tasks; Orca models `Average` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AlarmStatistic {
    #[default]
    Average,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComparisonOperator {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    /// The alarm goes to ALARM when the metric is above the threshold (a scale-out alarm).
    pub fn above(self) -> bool {
        matches!(
            self,
            ComparisonOperator::GreaterThanOrEqualToThreshold
                | ComparisonOperator::GreaterThanThreshold
        )
    }

    /// "at or above", "above", "below", "at or below".
    pub fn words(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "at or above",
            ComparisonOperator::GreaterThanThreshold => "above",
            ComparisonOperator::LessThanThreshold => "below",
            ComparisonOperator::LessThanOrEqualToThreshold => "at or below",
        }
    }

    /// Whether one datapoint breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => value >= threshold,
            ComparisonOperator::GreaterThanThreshold => value > threshold,
            ComparisonOperator::LessThanThreshold => value < threshold,
            ComparisonOperator::LessThanOrEqualToThreshold => value <= threshold,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

/// How Application Auto Scaling aggregates the alarm's datapoints into the value it compares
/// with the step bounds (AAS: null is treated as Average).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MetricAggregationType {
    #[default]
    Average,
    Minimum,
    Maximum,
}

/// Bounds relative to the alarm threshold (metric − threshold); a missing bound is infinity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustmentSpec {
    #[serde(default)]
    pub lower_bound: Option<f64>,
    #[serde(default)]
    pub upper_bound: Option<f64>,
    pub scaling_adjustment: i32,
}
