//! The demand a service or Deployment serves, which sets its CPU (and memory) utilization.

use serde::{Deserialize, Serialize};

/// Requests per second over time (linear between points) and what one pod serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// Requests per second one pod serves at 100 % of its CPU request.
    pub rps_per_pod: f64,
    /// (seconds, requests per second)
    pub points: Vec<(f64, f64)>,
    /// How a task's memory utilization follows the load (ECS services only); without it the
    /// service publishes no MemoryUtilization.
    #[serde(default)]
    pub memory: Option<MemoryLoadSpec>,
}

/// A task's memory utilization: `idle_percent` with no requests, rising linearly to
/// `percent_at_rps_per_pod` when the task serves `rps_per_pod` requests per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryLoadSpec {
    pub idle_percent: f64,
    pub percent_at_rps_per_pod: f64,
}
