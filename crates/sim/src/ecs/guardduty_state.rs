//! The state of GuardDuty Runtime Monitoring for ECS on Fargate that the cluster and its tasks
//! hold (the rules are in `guardduty.rs`; this module imports nothing of the cluster, so the
//! cluster and its tasks can hold it).

use serde::Serialize;

use crate::scenario::spec::ContainerActivity;
use crate::time::SimTime;

/// The account's GuardDuty detector as the ECS cluster sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcsGuardDuty {
    pub detector_id: String,
    /// The detector's `RUNTIME_MONITORING` feature.
    pub runtime_monitoring: bool,
    /// Its additional configuration `ECS_FARGATE_AGENT_MANAGEMENT`.
    pub fargate_agent: bool,
    /// Since when both are on (the moment a later deployment must start after).
    pub since: Option<SimTime>,
    /// Runtime findings, oldest first; one whose `at` is still ahead is not published yet.
    pub findings: Vec<EcsFinding>,
}

/// A GuardDuty Runtime Monitoring finding on a task of the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcsFinding {
    /// 32 hex digits.
    pub id: String,
    pub finding_type: String,
    pub severity: f64,
    pub title: String,
    pub service: String,
    pub task_arn: String,
    pub task_definition_arn: String,
    pub task_created_at: SimTime,
    pub task_started_at: Option<SimTime>,
    pub started_by: String,
    pub container: String,
    pub image: String,
    pub activity: ContainerActivity,
    /// When the agent saw it, and when the finding is published.
    pub seen_at: SimTime,
    pub at: SimTime,
}

impl EcsGuardDuty {
    /// `ManagementType` of the cluster's Fargate coverage.
    pub fn management(&self) -> &'static str {
        if self.fargate_agent {
            "AUTO_MANAGED"
        } else {
            "DISABLED"
        }
    }
}

/// What GuardDuty did for a task when it was launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Agent {
    /// The sidecar, by container name.
    Added(String),
    /// No sidecar, and why.
    Missing(Missing),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Missing {
    /// Its deployment started before automated agent configuration was on (or it was off).
    DeployedBefore,
    /// Its task definition has no task execution role.
    NoExecutionRole,
    /// An EC2 task: the Fargate agent is for Fargate tasks.
    NotFargate,
}
