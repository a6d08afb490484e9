//! Challenges: goals the learner reaches by acting, checked continuously against the run, and
//! hints they may open (each costs score; see README, "Challenges").

use serde::{Deserialize, Serialize};

/// One goal of a challenge. Goals with a deadline (`by`, `to`) are met the moment they hold
/// and fail at the deadline; goals that must hold all along (`…AtLeast`, `No…`, `…Below`) fail
/// the moment they break and are met when the run ends unbroken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Goal {
    /// ECS: the service reaches a steady state with every task on `revision` of its task
    /// definition family, no later than `by` seconds.
    ServiceSteady {
        service: String,
        revision: u32,
        by: f64,
    },
    /// ECS: the service's tasks counted healthy (the scheduler's own health gate) never fall
    /// below `count`, from `from` seconds on.
    HealthyTasksAtLeast {
        service: String,
        count: u32,
        #[serde(default)]
        from: f64,
    },
    /// ECS: the deployment circuit breaker never fails a deployment of the service (which
    /// stops the deployment's tasks and, with rollback, returns to the last good one).
    NoCircuitBreakerStops { service: String },
    /// EKS: the Deployment is available with 0 unavailable — every replica updated to the
    /// current template and available, none left over — at some moment from `from` seconds
    /// on and no later than `by`; with `image`, on that image.
    DeploymentAvailable {
        deployment: String,
        #[serde(default)]
        from: f64,
        by: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
    },
    /// EKS: the Deployment's available pods never fall below `count`, from `from` seconds on.
    AvailablePodsAtLeast {
        deployment: String,
        count: u32,
        #[serde(default)]
        from: f64,
    },
    /// EKS: the average CPU utilization (percent of request) the Deployment's HPA observes
    /// stays below `percent` from `from` to `to` seconds. Without an HPA, the utilization the
    /// metrics server would report is used.
    CpuBelow {
        deployment: String,
        percent: f64,
        from: f64,
        to: f64,
    },
    /// EKS: no pod stays Pending (unscheduled) longer than `seconds`.
    NoPodPendingLonger { seconds: f64 },
    /// EKS: every node of the managed node group is cordoned and runs no pod, no later than
    /// `by` seconds.
    NodeGroupDrained { node_group: String, by: f64 },
    /// The cluster's EC2 capacity (container instances or nodes, at their on-demand price)
    /// never costs more than `dollars` per hour. Fargate is not priced.
    CostBelow { dollars_per_hour: f64 },
    /// ECS or EKS: every AWS call the application `target` makes (the `iam` section's
    /// `app_calls` of that task definition family or Deployment) succeeds — each running task's
    /// or pod's last attempt of each call returned 200 OK — at some moment no later than `by`;
    /// with `role`, every one of them as that role (least privilege: not through another).
    AppCallsSucceed {
        target: String,
        by: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
}
