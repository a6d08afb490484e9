//! What Container Insights' performance log groups share on ECS (`ecs_performance.rs`) and EKS
//! (`eks_performance.rs`): each minute's sample becomes JSON events stamped with the start of
//! its minute, each event carries the embedded metric definition (`CloudWatchMetrics`) that
//! makes its values metrics, and the group appears with its first events [model].

use serde_json::{Value, json};

use super::{LogLine, StreamLines, bounded};
use crate::insights::{Insights, Sample};
use crate::time::SimTime;

/// The start of the minute a sample measured: its events' `Timestamp`.
pub(super) fn minute_of(s: &Sample) -> SimTime {
    SimTime(s.at.0.saturating_sub(crate::insights::series::PERIOD.0))
}

/// When the group was created: with its first events.
pub(super) fn created(insights: &Insights) -> Option<SimTime> {
    insights.samples.first().map(minute_of)
}

/// `CloudWatchMetrics`: the metrics `names` (with their units) in `namespace`, by the
/// dimension sets `dimensions`.
pub(super) fn embedded_metrics(
    namespace: &str,
    names: &[(&str, &str)],
    dimensions: Value,
) -> Value {
    json!([{
        "Namespace": namespace,
        "Metrics": names
            .iter()
            .map(|(n, u)| json!({ "Name": n, "Unit": u }))
            .collect::<Vec<_>>(),
        "Dimensions": dimensions,
    }])
}

/// Streams filled event by event, in the order they were created.
#[derive(Default)]
pub(super) struct Streams(Vec<StreamLines>);

impl Streams {
    pub(super) fn push(&mut self, name: &str, at: SimTime, text: String) {
        let line = LogLine { at, text };
        match self.0.iter_mut().find(|s| s.name == name) {
            Some(s) => s.lines.push(line),
            None => self.0.push(StreamLines {
                name: name.to_string(),
                created: at,
                lines: vec![line],
            }),
        }
    }

    /// The streams, each keeping its newest lines as every stream does.
    pub(super) fn done(self) -> Vec<StreamLines> {
        self.0
            .into_iter()
            .map(|mut s| {
                s.lines = bounded(std::mem::take(&mut s.lines));
                s
            })
            .collect()
    }
}
