//! CloudWatch Container Insights: the metrics the CloudWatch agent (EKS) or ECS itself
//! (cluster setting `containerInsights`) publishes once a minute, computed from the load model
//! and kept as a time series for charts (docs/rules/containers-and-logs.md#container-insights).
//! Nothing is published unless the agent or setting is there.

pub mod ecs;
pub mod eks;
pub mod read;
pub mod series;

pub use series::{Datum, Insights, Sample};
