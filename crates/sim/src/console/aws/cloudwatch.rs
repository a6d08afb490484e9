//! `aws cloudwatch describe-alarms` and `describe-alarm-history` on the alarms the scenario's
//! ECS services have: the AlarmHigh and AlarmLow that target tracking creates, the alarms of
//! step scaling policies, the deployment alarms of blue/green services, and the
//! CapacityProviderReservation alarms of ECS managed scaling on Auto Scaling groups. Shapes: the
//! CloudWatch API Reference (DescribeAlarms' MetricAlarm, DescribeAlarmHistory's
//! AlarmHistoryItem); state reasons in CloudWatch's wording, e.g. `Threshold Crossed: 3 out of
//! the last 3 datapoints [82.5 (05/01/26 09:07:00), …] were greater than the threshold (50.0)
//! (minimum 3 datapoints for OK -> ALARM transition).` (docs/rules/ecs-scaling.md#the-alarms-in-the-console).
//!
//! An alarm's datapoints are the one-minute samples the run recorded (a service's CPU and
//! memory, a blue/green service's 5xx count, a group's capacity provider reservation); a
//! datapoint is stamped with the start of its minute. Its state changes are read back from the
//! log (`AlarmStateChanged` and `CapacityAlarmStateChanged` events), so the
//! reason of each is worked out from the datapoints the alarm had then.

use serde_json::{Value, json};

use super::args::{self, Param};
use super::autoscaling::{alarm_arn, policy_arn};
use super::shapes::pretty;
use super::{Context, Outcome};
use crate::aas::{HIGH_COMPARISON, HIGH_DATAPOINTS, LOW_COMPARISON, LOW_DATAPOINTS, LOW_FACTOR};
use crate::ecs::capacity_provider::{
    RESERVATION_METRIC, SCALE_IN_COMPARISON, SCALE_IN_DATAPOINTS, SCALE_OUT_COMPARISON,
    SCALE_OUT_DATAPOINTS,
};
use crate::event::EventKind;
use crate::scenario::spec::{AlarmMetric, ComparisonOperator};
use crate::time::{Millis, SimTime};
use crate::world::World;

/// The operations Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "describe-alarm-history",
    "describe-alarms",
    "get-metric-statistics",
    "list-metrics",
];

const STATES: &[&str] = &["INSUFFICIENT_DATA", "ALARM", "OK"];

/// One metric alarm, as much of it as the console shows.
struct Alarm {
    name: String,
    description: Option<String>,
    actions: Vec<String>,
    metric: &'static str,
    namespace: &'static str,
    statistic: &'static str,
    dimensions: Vec<(&'static str, String)>,
    evaluation_periods: usize,
    /// M of N, when the alarm sets it apart from its evaluation periods.
    datapoints_to_alarm: Option<usize>,
    threshold: f64,
    comparison: ComparisonOperator,
    /// Its state now.
    state: &'static str,
    /// Its datapoints, oldest first: (end of the minute, value).
    series: Vec<(SimTime, f64)>,
}

impl Alarm {
    /// M: breaching datapoints that put it in ALARM.
    fn to_alarm(&self) -> usize {
        self.datapoints_to_alarm.unwrap_or(self.evaluation_periods)
    }
}

/// Every alarm of the run, by name (CloudWatch lists alarms in name order).
fn alarms(world: &World) -> Vec<Alarm> {
    let mut out = Vec::new();
    let Some(ecs) = world.ecs.as_ref() else {
        return out;
    };
    for s in &ecs.services {
        let dims = vec![
            ("ClusterName", ecs.name.clone()),
            ("ServiceName", s.name.to_string()),
        ];
        let series = |metric: AlarmMetric| -> Vec<(SimTime, f64)> {
            s.metrics
                .iter()
                .filter_map(|m| match metric {
                    AlarmMetric::CpuUtilization => Some((m.at, m.cpu)),
                    AlarmMetric::MemoryUtilization => m.memory.map(|v| (m.at, v)),
                })
                .collect()
        };
        if let Some(t) = &s.scaling {
            let arn = policy_arn(world, &ecs.name, s, &t.policy);
            let tt =
                |name: &str, comparison, threshold, periods, state: crate::aas::AlarmState| Alarm {
                    name: name.to_string(),
                    description: Some(format!(
                        "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}."
                    )),
                    actions: vec![arn.clone()],
                    metric: "CPUUtilization",
                    namespace: "AWS/ECS",
                    statistic: "Average",
                    dimensions: dims.clone(),
                    evaluation_periods: periods,
                    datapoints_to_alarm: None,
                    threshold,
                    comparison,
                    state: state.as_str(),
                    series: series(AlarmMetric::CpuUtilization),
                };
            out.push(tt(
                &t.alarm_high,
                HIGH_COMPARISON,
                t.target,
                HIGH_DATAPOINTS,
                t.high,
            ));
            out.push(tt(
                &t.alarm_low,
                LOW_COMPARISON,
                t.target * LOW_FACTOR,
                LOW_DATAPOINTS,
                t.low,
            ));
        }
        for p in &s.step_scaling {
            out.push(Alarm {
                name: p.alarm.clone(),
                description: None,
                actions: vec![policy_arn(world, &ecs.name, s, &p.policy)],
                metric: p.metric.as_str(),
                namespace: "AWS/ECS",
                statistic: "Average",
                dimensions: dims.clone(),
                evaluation_periods: p.evaluation_periods,
                datapoints_to_alarm: Some(p.datapoints_to_alarm),
                threshold: p.threshold,
                comparison: p.comparison,
                state: p.state.as_str(),
                series: series(p.metric),
            });
        }
        if let Some(bg) = s.blue_green.as_deref() {
            let series: Vec<(SimTime, f64)> = bg
                .samples
                .iter()
                .filter_map(|x| x.errors.map(|e| (x.at, e)))
                .collect();
            for a in &bg.alarms {
                // [model] The deployment alarm counts the 5xx responses of the production
                // listener's target groups together, so Orca gives it no dimension.
                out.push(Alarm {
                    name: a.name.clone(),
                    description: None,
                    actions: Vec::new(),
                    metric: "HTTPCode_Target_5XX_Count",
                    namespace: "AWS/ApplicationELB",
                    statistic: "Sum",
                    dimensions: Vec::new(),
                    evaluation_periods: a.evaluation_periods as usize,
                    datapoints_to_alarm: None,
                    threshold: a.threshold,
                    comparison: ComparisonOperator::GreaterThanThreshold,
                    state: a.state.as_str(),
                    series: series.clone(),
                });
            }
        }
    }
    // ECS managed scaling's target-tracking alarms on each Auto Scaling group
    // (docs/rules/ecs-scaling.md#managed-scaling-capacityproviderreservation).
    for g in &ecs.auto_scaling_groups {
        let Some(ms) = &g.managed_scaling else {
            continue;
        };
        let arn = super::ec2_autoscaling::managed_policy_arn(world, g);
        let series: Vec<(SimTime, f64)> = g.samples.iter().map(|x| (x.at, x.reservation)).collect();
        let alarm = |name: &str, comparison, periods: u32, state: crate::aas::AlarmState| Alarm {
            name: name.to_string(),
            description: Some(format!(
                "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}."
            )),
            actions: vec![arn.clone()],
            metric: RESERVATION_METRIC,
            namespace: "AWS/ECS/ManagedScaling",
            statistic: "Average",
            dimensions: vec![
                ("CapacityProviderName", g.capacity_provider.clone()),
                ("ClusterName", ecs.name.clone()),
            ],
            evaluation_periods: periods as usize,
            datapoints_to_alarm: None,
            threshold: f64::from(ms.target_capacity),
            comparison,
            state: state.as_str(),
            series: series.clone(),
        };
        out.push(alarm(
            &g.alarm_high,
            SCALE_OUT_COMPARISON,
            SCALE_OUT_DATAPOINTS,
            g.high,
        ));
        out.push(alarm(
            &g.alarm_low,
            SCALE_IN_COMPARISON,
            SCALE_IN_DATAPOINTS,
            g.low,
        ));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The alarm's state changes so far, oldest first: (moment, old state, new state).
fn changes(cx: &Context, alarm: &Alarm) -> Vec<(SimTime, String, String)> {
    let mut from = "INSUFFICIENT_DATA".to_string();
    let mut out = Vec::new();
    for e in cx.log {
        if let EventKind::AlarmStateChanged {
            alarm: name, state, ..
        }
        | EventKind::CapacityAlarmStateChanged {
            alarm: name, state, ..
        } = &e.kind
            && **name == *alarm.name
        {
            out.push((e.at, from.clone(), state.to_string()));
            from = state.to_string();
        }
    }
    out
}

/// A number as CloudWatch prints a double: `50.0`, `82.53`.
fn double(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        let rounded = (v * 1e6).round() / 1e6;
        format!("{rounded}")
    }
}

/// CloudWatch's words for a comparison.
fn words(c: ComparisonOperator) -> &'static str {
    match c {
        ComparisonOperator::GreaterThanOrEqualToThreshold => "greater than or equal to",
        ComparisonOperator::GreaterThanThreshold => "greater than",
        ComparisonOperator::LessThanThreshold => "less than",
        ComparisonOperator::LessThanOrEqualToThreshold => "less than or equal to",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The reason of a change to state `to` at `at`, from the datapoints the alarm had then
/// [inferred: CloudWatch lists the datapoints that decided the change, newest first; an ALARM
/// → OK change needs one datapoint that does not breach].
fn reason(alarm: &Alarm, at: SimTime, from: &str, to: &str) -> String {
    let seen: Vec<&(SimTime, f64)> = alarm.series.iter().filter(|(t, _)| *t <= at).collect();
    let n = alarm.evaluation_periods;
    let window = &seen[seen.len().saturating_sub(n)..];
    let breaching = to == "ALARM";
    let decided: Vec<String> = window
        .iter()
        .rev()
        .filter(|(_, v)| alarm.comparison.breaches(*v, alarm.threshold) == breaching)
        .map(|(t, v)| {
            let start = SimTime(t.0.saturating_sub(Millis::from_secs(60).0));
            format!("{} ({})", double(*v), start.cloudwatch_stamp())
        })
        .collect();
    if to == "INSUFFICIENT_DATA" {
        return format!(
            "Insufficient Data: {} unknown.",
            plural(n, "datapoint was", "datapoints were")
        );
    }
    let k = decided.len();
    let verb = match (k == 1, breaching) {
        (true, true) => "was",
        (false, true) => "were",
        (true, false) => "was not",
        (false, false) => "were not",
    };
    let minimum = if breaching { alarm.to_alarm() } else { 1 };
    format!(
        "Threshold Crossed: {k} out of the last {n} datapoints [{}] {verb} {} the threshold ({}) (minimum {} for {from} -> {to} transition).",
        decided.join(", "),
        words(alarm.comparison),
        double(alarm.threshold),
        plural(minimum, "datapoint", "datapoints"),
    )
}

/// `aws cloudwatch <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "CloudWatch") {
        Ok(op) => op,
        Err(refused) => return refused,
    };
    match op {
        "describe-alarm-history" => return history(&words[1..], cx),
        "list-metrics" => return super::cloudwatch_metrics::list_metrics(&words[1..], cx),
        "get-metric-statistics" => {
            return super::cloudwatch_metrics::get_metric_statistics(&words[1..], cx);
        }
        _ => {}
    }
    let args = match args::parse(
        &words[1..],
        &[
            Param::list("--alarm-names"),
            Param::text("--alarm-name-prefix"),
            Param::text("--state-value"),
            Param::list("--alarm-types"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    if let Some(v) = args.one("--state-value")
        && !STATES.contains(&v)
    {
        return super::exception(
            op,
            "ValidationError",
            &format!(
                "1 validation error detected: Value '{v}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                STATES.join(", ")
            ),
        );
    }
    let names: Vec<&str> = args.list("--alarm-names").collect();
    if !names.is_empty() && args.one("--alarm-name-prefix").is_some() {
        return super::exception(
            op,
            "InvalidParameterCombination",
            "AlarmNamePrefix and AlarmNames cannot be specified together",
        );
    }
    let types: Vec<&str> = args.list("--alarm-types").collect();
    let metric_alarms = types.is_empty() || types.contains(&"MetricAlarm");
    let list: Vec<Value> = alarms(cx.world)
        .iter()
        .filter(|_| metric_alarms)
        .filter(|a| names.is_empty() || names.contains(&a.name.as_str()))
        .filter(|a| {
            args.one("--alarm-name-prefix")
                .is_none_or(|p| a.name.starts_with(p))
        })
        .filter(|a| args.one("--state-value").is_none_or(|v| v == a.state))
        .map(|a| metric_alarm(cx, a))
        .collect();
    Outcome::Print(pretty(&json!({
        "MetricAlarms": list,
        "CompositeAlarms": [],
    })))
}

fn metric_alarm(cx: &Context, a: &Alarm) -> Value {
    let changes = changes(cx, a);
    let (updated, reason) = match changes.last() {
        Some((at, from, to)) => (*at, reason(a, *at, from, to)),
        None => (
            SimTime::ZERO,
            "Unchecked: Initial alarm creation".to_string(),
        ),
    };
    let mut v = json!({
        "AlarmName": a.name,
        "AlarmArn": alarm_arn(cx.world, &a.name),
    });
    if let Some(d) = &a.description {
        v["AlarmDescription"] = json!(d);
    }
    let dims: Vec<Value> = a
        .dimensions
        .iter()
        .map(|(n, value)| json!({"Name": n, "Value": value}))
        .collect();
    let rest = json!({
        "AlarmConfigurationUpdatedTimestamp": SimTime::ZERO.aws_cli(),
        "ActionsEnabled": true,
        "OKActions": [],
        "AlarmActions": a.actions,
        "InsufficientDataActions": [],
        "StateValue": a.state,
        "StateReason": reason,
        "StateUpdatedTimestamp": updated.aws_cli(),
        "MetricName": a.metric,
        "Namespace": a.namespace,
        "Statistic": a.statistic,
        "Dimensions": dims,
        "Period": 60,
        "EvaluationPeriods": a.evaluation_periods,
    });
    extend(&mut v, rest);
    if let Some(m) = a.datapoints_to_alarm {
        v["DatapointsToAlarm"] = json!(m);
    }
    extend(
        &mut v,
        json!({
            "Threshold": a.threshold,
            "ComparisonOperator": format!("{:?}", a.comparison),
            "StateTransitionedTimestamp": updated.aws_cli(),
        }),
    );
    v
}

/// Append the fields of `more` to object `v`, in order.
fn extend(v: &mut Value, more: Value) {
    if let (Value::Object(into), Value::Object(from)) = (v, more) {
        into.extend(from);
    }
}

/// `describe-alarm-history [--alarm-name NAME] [--history-item-type TYPE]`: each alarm's
/// creation (when the scenario began) and state changes, newest first.
fn history(words: &[String], cx: &Context) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--alarm-name"),
            Param::text("--history-item-type"),
            Param::list("--alarm-types"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    const TYPES: &[&str] = &[
        "ConfigurationUpdate",
        "StateUpdate",
        "Action",
        "AlarmContributorStateUpdate",
        "AlarmContributorAction",
    ];
    let kind = args.one("--history-item-type");
    if let Some(k) = kind
        && !TYPES.contains(&k)
    {
        return super::exception(
            "describe-alarm-history",
            "ValidationError",
            &format!(
                "1 validation error detected: Value '{k}' at 'historyItemType' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                TYPES.join(", ")
            ),
        );
    }
    let mut items: Vec<(SimTime, usize, Value)> = Vec::new();
    for a in alarms(cx.world) {
        if args.one("--alarm-name").is_some_and(|n| n != a.name) {
            continue;
        }
        let mut previous = "Unchecked: Initial alarm creation".to_string();
        for (at, from, to) in changes(cx, &a) {
            let why = reason(&a, at, &from, &to);
            let data = json!({
                "version": "1.0",
                "oldState": {"stateValue": from, "stateReason": previous},
                "newState": {"stateValue": to, "stateReason": why},
            });
            previous = why;
            items.push((
                at,
                items.len(),
                json!({
                    "AlarmName": a.name,
                    "AlarmType": "MetricAlarm",
                    "Timestamp": at.aws_cli(),
                    "HistoryItemType": "StateUpdate",
                    "HistorySummary": format!("Alarm updated from {from} to {to}"),
                    "HistoryData": data.to_string(),
                }),
            ));
        }
        items.push((
            SimTime::ZERO,
            items.len(),
            json!({
                "AlarmName": a.name,
                "AlarmType": "MetricAlarm",
                "Timestamp": SimTime::ZERO.aws_cli(),
                "HistoryItemType": "ConfigurationUpdate",
                "HistorySummary": format!("Alarm \"{}\" created", a.name),
                "HistoryData": json!({"type": "Create", "version": "1.0"}).to_string(),
            }),
        ));
    }
    items.retain(|(_, _, v)| kind.is_none_or(|k| v["HistoryItemType"] == k));
    // Newest first; at one moment, the later change first.
    items.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let list: Vec<Value> = items.into_iter().map(|(_, _, v)| v).collect();
    Outcome::Print(pretty(&json!({ "AlarmHistoryItems": list })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(comparison: ComparisonOperator, n: usize, values: &[f64]) -> Alarm {
        Alarm {
            name: "cpu-high".into(),
            description: None,
            actions: Vec::new(),
            metric: "CPUUtilization",
            namespace: "AWS/ECS",
            statistic: "Average",
            dimensions: Vec::new(),
            evaluation_periods: n,
            datapoints_to_alarm: None,
            threshold: 50.0,
            comparison,
            state: "ALARM",
            series: values
                .iter()
                .enumerate()
                .map(|(i, v)| (SimTime::from_secs(60 * (i as u64 + 1)), *v))
                .collect(),
        }
    }

    #[test]
    fn an_alarm_reason_names_the_datapoints_newest_first_in_cloudwatchs_words() {
        // Three one-minute datapoints above 50: the alarm goes to ALARM at 3:00.
        let a = alarm(
            ComparisonOperator::GreaterThanThreshold,
            3,
            &[82.5, 90.0, 77.25],
        );
        assert_eq!(
            reason(&a, SimTime::from_secs(180), "OK", "ALARM"),
            "Threshold Crossed: 3 out of the last 3 datapoints [77.25 (05/01/26 09:02:00), 90.0 (05/01/26 09:01:00), 82.5 (05/01/26 09:00:00)] were greater than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM transition)."
        );
        // Back to OK: the one datapoint that does not breach.
        let a = alarm(
            ComparisonOperator::GreaterThanThreshold,
            3,
            &[82.5, 90.0, 41.0],
        );
        assert_eq!(
            reason(&a, SimTime::from_secs(180), "ALARM", "OK"),
            "Threshold Crossed: 1 out of the last 3 datapoints [41.0 (05/01/26 09:02:00)] was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition)."
        );
        // Only the datapoints the alarm had at the moment count.
        let a = alarm(
            ComparisonOperator::LessThanOrEqualToThreshold,
            1,
            &[10.0, 60.0],
        );
        assert_eq!(
            reason(&a, SimTime::from_secs(60), "OK", "ALARM"),
            "Threshold Crossed: 1 out of the last 1 datapoints [10.0 (05/01/26 09:00:00)] was less than or equal to the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition)."
        );
    }

    #[test]
    fn numbers_print_as_cloudwatch_prints_doubles() {
        assert_eq!(double(50.0), "50.0");
        assert_eq!(double(0.0), "0.0");
        assert_eq!(double(37.788), "37.788");
        assert_eq!(double(49.775_099_2), "49.775099");
    }
}
