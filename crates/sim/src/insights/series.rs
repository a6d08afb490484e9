//! Container Insights samples as plain data: one sample a minute, each a list of datapoints
//! (metric name, dimensions, value, unit), bounded in size.

use serde::Serialize;

use crate::time::{Millis, SimTime};

/// Container Insights publishes at one-minute resolution.
pub const PERIOD: Millis = Millis::from_secs(60);
/// At most a day of samples is kept; the oldest go first.
pub const MAX_SAMPLES: usize = 1_440;
/// At most this many pods or tasks get datapoints of their own in one sample (the rest are
/// only in the aggregates) [model: keeps a sample bounded on large clusters].
pub const MAX_OBJECTS: usize = 100;

/// One datapoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Datum {
    pub metric: &'static str,
    /// (dimension name, value), e.g. `("ClusterName", "demo")`.
    pub dimensions: Vec<(&'static str, String)>,
    pub value: f64,
    /// The CloudWatch unit: `Percent`, `Count`, `None` (CPU units), `Megabytes`.
    pub unit: &'static str,
}

/// The datapoints of one minute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub at: SimTime,
    pub data: Vec<Datum>,
    /// ECS: what each RUNNING task used (at most [`MAX_OBJECTS`]), for the performance log
    /// events.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskDatum>,
}

/// What one ECS task used in one minute, for its performance log event
/// (`logs::ecs_performance`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDatum {
    pub task: crate::ecs::ids::TaskIdx,
    /// CPU units and MiB used.
    pub cpu: f64,
    pub memory: f64,
}

/// Whether Container Insights collects, and what it has collected.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Insights {
    /// The agent (EKS) or the cluster setting (ECS) is present.
    pub enabled: bool,
    /// The cluster's name (the `ClusterName` dimension).
    pub cluster: String,
    pub samples: Vec<Sample>,
}

impl Insights {
    pub fn enabled(cluster: &str) -> Insights {
        Insights {
            enabled: true,
            cluster: cluster.to_string(),
            ..Insights::default()
        }
    }

    /// Keep a sample, dropping the oldest beyond [`MAX_SAMPLES`].
    pub fn push(&mut self, sample: Sample) {
        if self.samples.len() >= MAX_SAMPLES {
            self.samples.remove(0);
        }
        self.samples.push(sample);
    }

    /// The series of `metric` whose dimensions are exactly `dimensions` (in any order): one
    /// point a minute, for a chart.
    pub fn series(&self, metric: &str, dimensions: &[(&str, &str)]) -> Vec<(SimTime, f64)> {
        self.samples
            .iter()
            .filter_map(|s| {
                s.data
                    .iter()
                    .find(|d| d.metric == metric && same_dimensions(&d.dimensions, dimensions))
                    .map(|d| (s.at, d.value))
            })
            .collect()
    }

    /// The metric names with the dimension sets they were published with, sorted (for
    /// `list-metrics` and a chart picker).
    pub fn metrics(&self) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
        let mut out: Vec<(&'static str, Vec<(&'static str, String)>)> = Vec::new();
        for s in &self.samples {
            for d in &s.data {
                if !out
                    .iter()
                    .any(|(m, dims)| *m == d.metric && *dims == d.dimensions)
                {
                    out.push((d.metric, d.dimensions.clone()));
                }
            }
        }
        out.sort();
        out
    }
}

fn same_dimensions(have: &[(&'static str, String)], want: &[(&str, &str)]) -> bool {
    have.len() == want.len()
        && want
            .iter()
            .all(|(n, v)| have.iter().any(|(hn, hv)| hn == n && hv == v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_matches_exact_dimensions_and_samples_stay_bounded() {
        let mut i = Insights::enabled("demo");
        for m in 0..(MAX_SAMPLES as u64 + 5) {
            i.push(Sample {
                tasks: Vec::new(),
                at: SimTime::from_secs(60 * m),
                data: vec![
                    Datum {
                        metric: "node_cpu_utilization",
                        dimensions: vec![("ClusterName", "demo".into())],
                        value: m as f64,
                        unit: "Percent",
                    },
                    Datum {
                        metric: "node_cpu_utilization",
                        dimensions: vec![("ClusterName", "demo".into()), ("NodeName", "n1".into())],
                        value: 1.0,
                        unit: "Percent",
                    },
                ],
            });
        }
        assert_eq!(i.samples.len(), MAX_SAMPLES);
        let s = i.series("node_cpu_utilization", &[("ClusterName", "demo")]);
        assert_eq!(s.len(), MAX_SAMPLES);
        assert_eq!(s[0].1, 5.0, "the oldest five went first");
        assert_eq!(i.metrics().len(), 2);
    }
}
