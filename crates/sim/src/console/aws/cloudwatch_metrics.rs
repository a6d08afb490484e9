//! `aws cloudwatch list-metrics` and `get-metric-statistics` over the metrics the run publishes
//! once a minute: ECS service CPU and memory utilization (`AWS/ECS`, for services with a load
//! model), managed scaling's `CapacityProviderReservation` (`AWS/ECS/ManagedScaling`), a
//! blue/green service's `HTTPCode_Target_5XX_Count` (`AWS/ApplicationELB`), and Container
//! Insights (`ECS/ContainerInsights`, `ContainerInsights`) when it collects. Shapes: CloudWatch
//! API Reference (ListMetrics' Metric, GetMetricStatistics' Datapoint) and the AWS CLI's
//! examples (docs/rules/containers-and-logs.md#cloudwatch-metrics-in-the-console).
//!
//! A datapoint is stamped with the start of its minute; a period of several minutes takes the
//! minutes that start in it (periods are aligned to the clock, as CloudWatch aligns them).
//! [model] CloudWatch returns datapoints in no particular order; Orca returns them oldest
//! first.

use serde_json::{Value, json};

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome, USAGE};
use crate::time::{START_UNIX_SECS, SimTime};
use crate::world::World;

const MINUTE: u64 = 60_000;
const STATISTICS: &[&str] = &["Average", "Sum", "SampleCount", "Minimum", "Maximum"];

/// One metric: its identity and its one-minute values, oldest first (end of each minute).
struct Metric {
    namespace: &'static str,
    name: String,
    dimensions: Vec<(String, String)>,
    unit: &'static str,
    points: Vec<(SimTime, f64)>,
}

fn dims(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Every metric of the run so far.
fn metrics(world: &World) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(ecs) = world.ecs.as_ref() {
        for s in &ecs.services {
            if s.metrics.is_empty() {
                continue;
            }
            let d = dims(&[("ClusterName", &ecs.name), ("ServiceName", &s.name)]);
            out.push(Metric {
                namespace: "AWS/ECS",
                name: "CPUUtilization".into(),
                dimensions: d.clone(),
                unit: "Percent",
                points: s.metrics.iter().map(|m| (m.at, m.cpu)).collect(),
            });
            let memory: Vec<(SimTime, f64)> = s
                .metrics
                .iter()
                .filter_map(|m| m.memory.map(|v| (m.at, v)))
                .collect();
            if !memory.is_empty() {
                out.push(Metric {
                    namespace: "AWS/ECS",
                    name: "MemoryUtilization".into(),
                    dimensions: d,
                    unit: "Percent",
                    points: memory,
                });
            }
            if let Some(bg) = s.blue_green.as_deref() {
                out.push(Metric {
                    namespace: "AWS/ApplicationELB",
                    name: "HTTPCode_Target_5XX_Count".into(),
                    dimensions: Vec::new(),
                    unit: "Count",
                    points: bg
                        .samples
                        .iter()
                        .filter_map(|x| x.errors.map(|e| (x.at, e)))
                        .collect(),
                });
            }
        }
        for g in &ecs.auto_scaling_groups {
            if g.samples.is_empty() {
                continue;
            }
            out.push(Metric {
                namespace: "AWS/ECS/ManagedScaling",
                name: "CapacityProviderReservation".into(),
                dimensions: dims(&[
                    ("CapacityProviderName", &g.capacity_provider),
                    ("ClusterName", &ecs.name),
                ]),
                unit: "Percent",
                points: g.samples.iter().map(|x| (x.at, x.reservation)).collect(),
            });
        }
        insights(&mut out, "ECS/ContainerInsights", &ecs.insights);
    }
    if let Some(eks) = world.eks.as_ref() {
        insights(&mut out, "ContainerInsights", &eks.insights);
    }
    out
}

/// Container Insights' metrics, one per name and dimension set.
fn insights(out: &mut Vec<Metric>, namespace: &'static str, i: &crate::insights::Insights) {
    for (name, dimensions) in i.metrics() {
        let wanted: Vec<(&str, &str)> = dimensions.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let unit = i
            .samples
            .iter()
            .flat_map(|s| s.data.iter())
            .find(|d| d.metric == name)
            .map_or("None", |d| d.unit);
        out.push(Metric {
            namespace,
            name: name.to_string(),
            dimensions: dimensions
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
            unit,
            points: i.series(name, &wanted),
        });
    }
}

/// `Name=ClusterName,Value=demo` (the CLI's shorthand for one dimension); the value may be
/// left out to match any (list-metrics).
fn dimension(text: &str) -> Option<(String, Option<String>)> {
    let mut name = None;
    let mut value = None;
    for part in text.split(',') {
        match part.split_once('=')? {
            ("Name", n) => name = Some(n.to_string()),
            ("Value", v) => value = Some(v.to_string()),
            _ => return None,
        }
    }
    Some((name?, value))
}

fn matches(m: &Metric, wanted: &[(String, Option<String>)]) -> bool {
    wanted.iter().all(|(n, v)| {
        m.dimensions
            .iter()
            .any(|(mn, mv)| mn == n && v.as_ref().is_none_or(|v| v == mv))
    })
}

fn dimensions_json(m: &Metric) -> Vec<Value> {
    m.dimensions
        .iter()
        .map(|(n, v)| json!({"Name": n, "Value": v}))
        .collect()
}

/// A moment as the CLI takes one: ISO 8601 or seconds since 1970.
fn moment(text: &str) -> Option<i64> {
    if let Ok(secs) = text.parse::<i64>() {
        return Some((secs - START_UNIX_SECS as i64) * 1000);
    }
    crate::time::from_iso8601(text)
}

/// `list-metrics [--namespace N] [--metric-name M] [--dimensions Name=…[,Value=…] …]`.
pub(super) fn list_metrics(words: &[String], cx: &Context) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--namespace"),
            Param::text("--metric-name"),
            Param::list("--dimensions"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let wanted = match args
        .list("--dimensions")
        .map(|d| dimension(d).ok_or(d))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(w) => w,
        Err(bad) => return bad_dimension(bad),
    };
    let list: Vec<Value> = metrics(cx.world)
        .iter()
        .filter(|m| args.one("--namespace").is_none_or(|n| n == m.namespace))
        .filter(|m| args.one("--metric-name").is_none_or(|n| n == m.name))
        .filter(|m| matches(m, &wanted))
        .map(|m| {
            json!({
                "Namespace": m.namespace,
                "MetricName": m.name,
                "Dimensions": dimensions_json(m),
            })
        })
        .collect();
    Outcome::Print(pretty(&json!({ "Metrics": list })))
}

fn bad_dimension(text: &str) -> Outcome {
    Outcome::Fail(format!(
        "\nError parsing parameter '--dimensions': Expected: 'Name=<name>,Value=<value>', received: '{text}'\n"
    ))
}

/// `get-metric-statistics --namespace N --metric-name M [--dimensions …] --start-time T
/// --end-time T --period SECS --statistics S…`.
pub(super) fn get_metric_statistics(words: &[String], cx: &Context) -> Outcome {
    const OP: &str = "get-metric-statistics";
    let args = match args::parse(
        words,
        &[
            Param::text("--namespace").required(),
            Param::text("--metric-name").required(),
            Param::list("--dimensions"),
            Param::text("--start-time").required(),
            Param::text("--end-time").required(),
            Param::int("--period").required(),
            Param::list("--statistics"),
            Param::text("--unit"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let invalid = |message: String| super::exception(OP, "InvalidParameterValue", &message);
    let statistics: Vec<&str> = args.list("--statistics").collect();
    if statistics.is_empty() {
        return super::exception(
            OP,
            "InvalidParameterCombination",
            "Must specify either Statistics or ExtendedStatistics, but not both.",
        );
    }
    if let Some((i, bad)) = statistics
        .iter()
        .enumerate()
        .find(|(_, s)| !STATISTICS.contains(s))
    {
        return invalid(format!(
            "The parameter Statistics.member.{} must be a value in the set [ {} ]. Received: {bad}",
            i + 1,
            STATISTICS.join(", ")
        ));
    }
    let period = match args.int("--period") {
        Some(Ok(p)) => p,
        Some(Err(e)) => return Outcome::Fail(e),
        None => 0,
    };
    if period < 60 || period % 60 != 0 {
        return invalid(format!(
            "The parameter Period must be a multiple of 60 for the one-minute metrics Orca publishes. Received: {period}"
        ));
    }
    let (Some(from), Some(to)) = (
        args.one("--start-time").and_then(moment),
        args.one("--end-time").and_then(moment),
    ) else {
        let bad = [args.one("--start-time"), args.one("--end-time")]
            .into_iter()
            .flatten()
            .find(|t| moment(t).is_none())
            .unwrap_or_default();
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument --start-time/--end-time: Invalid timestamp value: {bad}\n"
        ));
    };
    if to <= from {
        return invalid("The parameter StartTime must be less than the parameter EndTime.".into());
    }
    let wanted = match args
        .list("--dimensions")
        .map(|d| match dimension(d) {
            Some((n, Some(v))) => Ok((n, Some(v))),
            _ => Err(d),
        })
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(w) => w,
        Err(bad) => return bad_dimension(bad),
    };
    let name = args.one("--metric-name").unwrap_or_default();
    let namespace = args.one("--namespace").unwrap_or_default();
    // GetMetricStatistics wants the metric's exact dimension set.
    let metric = metrics(cx.world).into_iter().find(|m| {
        m.namespace == namespace
            && m.name == name
            && m.dimensions.len() == wanted.len()
            && matches(m, &wanted)
    });
    let unit = args.one("--unit");
    let mut datapoints = Vec::new();
    if let Some(m) = metric.filter(|m| unit.is_none_or(|u| u == m.unit)) {
        let period_ms = period * 1000;
        // Buckets by period start (ms from the scenario's start, aligned to the clock).
        let mut buckets: Vec<(i64, Vec<f64>)> = Vec::new();
        for (end, v) in &m.points {
            let start = end.0 as i64 - MINUTE as i64;
            if start < from || start >= to {
                continue;
            }
            let unix = START_UNIX_SECS as i64 * 1000 + start;
            let bucket = unix - unix.rem_euclid(period_ms) - START_UNIX_SECS as i64 * 1000;
            match buckets.last_mut() {
                Some((b, vals)) if *b == bucket => vals.push(*v),
                _ => buckets.push((bucket, vec![*v])),
            }
        }
        for (bucket, vals) in buckets {
            let mut d = json!({ "Timestamp": SimTime::aws_cli_signed(bucket) });
            let n = vals.len() as f64;
            let sum: f64 = vals.iter().sum();
            for s in &statistics {
                let value = match *s {
                    "Average" => sum / n,
                    "Sum" => sum,
                    "SampleCount" => n,
                    "Minimum" => vals.iter().copied().fold(f64::INFINITY, f64::min),
                    _ => vals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                };
                d[*s] = json!(value);
            }
            d["Unit"] = json!(m.unit);
            datapoints.push(d);
        }
    }
    Outcome::Print(pretty(&json!({
        "Label": name,
        "Datapoints": datapoints,
    })))
}
