//! Application Load Balancer target groups and their health checks.

use super::defaults;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TargetType {
    /// The AWS default. Targets are EC2 instances and a port (bridge/host mode).
    #[default]
    Instance,
    /// Targets are IP addresses (awsvpc tasks; required for Fargate).
    Ip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupSpec {
    pub name: String,
    /// Name of the Application Load Balancer in front of it.
    #[serde(default)]
    pub load_balancer: Option<String>,
    #[serde(default = "defaults::port")]
    pub port: u16,
    #[serde(default)]
    pub target_type: TargetType,
    #[serde(default)]
    pub health_check: TargetGroupHealthCheckSpec,
    #[serde(default = "defaults::deregistration_delay")]
    pub deregistration_delay_seconds: u32,
}

/// ALB target-group health check settings with the ALB defaults for instance and ip targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupHealthCheckSpec {
    #[serde(default = "defaults::path")]
    pub path: String,
    #[serde(default = "defaults::tg_interval")]
    pub interval_seconds: u32,
    #[serde(default = "defaults::tg_timeout")]
    pub timeout_seconds: u32,
    #[serde(default = "defaults::tg_healthy_threshold")]
    pub healthy_threshold_count: u32,
    #[serde(default = "defaults::tg_unhealthy_threshold")]
    pub unhealthy_threshold_count: u32,
    #[serde(default = "defaults::matcher")]
    pub matcher: String,
}

impl Default for TargetGroupHealthCheckSpec {
    fn default() -> Self {
        TargetGroupHealthCheckSpec {
            path: defaults::path(),
            interval_seconds: defaults::tg_interval(),
            timeout_seconds: defaults::tg_timeout(),
            healthy_threshold_count: defaults::tg_healthy_threshold(),
            unhealthy_threshold_count: defaults::tg_unhealthy_threshold(),
            matcher: defaults::matcher(),
        }
    }
}
