//! The state of a blue/green service: its task sets, the listeners' weights over its two target
//! groups, its deployments with their lifecycle events, its alarms and the samples the charts
//! draw. Plain data; `task_sets.rs` keeps each task set's tasks, `codedeploy.rs` walks a
//! deployment through its lifecycle (docs/rules/ecs-blue-green.md).
//!
//! A service with the CodeDeploy deployment controller has task sets (ECS API Reference,
//! TaskSet: <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html>). A
//! service with ECS's own BLUE_GREEN, LINEAR or CANARY strategy has service revisions instead;
//! Orca keeps both as task sets here, one per revision, because both run two sets of tasks
//! behind two target groups and move listener weights between them [model].

use serde::Serialize;

use crate::ecs::ids::{TargetGroupIdx, TaskDefIdx};
use crate::ecs::traffic_shift::Schedule;
use crate::time::{Millis, SimTime};

/// `TaskSet.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TaskSetStatus {
    /// Serves production traffic.
    Primary,
    /// Serves no production traffic (the replacement before the shift, the original after).
    Active,
    /// Its tasks stop and its targets deregister.
    Draining,
}

impl TaskSetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskSetStatus::Primary => "PRIMARY",
            TaskSetStatus::Active => "ACTIVE",
            TaskSetStatus::Draining => "DRAINING",
        }
    }
}

/// `TaskSet.stabilityStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stability {
    SteadyState,
    Stabilizing,
}

impl Stability {
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::SteadyState => "STEADY_STATE",
            Stability::Stabilizing => "STABILIZING",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSet {
    /// `ecs-svc/` and 19 digits; its tasks carry it as their `deployment_id`.
    pub id: String,
    pub status: TaskSetStatus,
    pub task_definition: TaskDefIdx,
    /// The target group its tasks register in.
    pub target_group: TargetGroupIdx,
    /// `scale.value` in PERCENT.
    pub scale: f64,
    pub computed_desired_count: u32,
    pub running_count: u32,
    pub pending_count: u32,
    pub stability: Stability,
    /// The CodeDeploy deployment that created it (`externalId`).
    pub external_id: Option<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
}

/// Who runs the service's deployments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Controller {
    /// `CODE_DEPLOY`: a deployment group with a deployment configuration.
    CodeDeploy {
        config_name: String,
        termination_wait: Millis,
        /// `deploymentReadyOption` STOP_DEPLOYMENT: how long a ready replacement waits for
        /// `ContinueDeployment` (READY_WAIT) before the deployment stops; `None`: traffic
        /// moves at once (CONTINUE_DEPLOYMENT).
        ready_wait: Option<Millis>,
        rollback_on_failure: bool,
        rollback_on_alarm: bool,
    },
    /// `ECS` with `strategy` BLUE_GREEN, LINEAR or CANARY.
    Ecs {
        strategy: String,
        routing: crate::ecs::traffic_shift::Routing,
        bake_time: Millis,
    },
}

impl Controller {
    pub fn is_code_deploy(&self) -> bool {
        matches!(self, Controller::CodeDeploy { .. })
    }
}

/// A listener (or listener rule) forwarding to the two target groups with weights in percent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listener {
    pub port: u16,
    /// Weight (0–100) of each of the service's two target groups, in `target_groups` order.
    pub weights: [f64; 2],
}

/// CodeDeploy's deployment statuses, and ECS's service deployment statuses, as one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeploymentState {
    InProgress,
    Succeeded,
    Failed,
    /// Stopped (by an alarm).
    Stopped,
    /// ECS: the deployment rolls back (CodeDeploy starts a separate rollback deployment).
    RollingBack,
    RolledBack,
}

impl DeploymentState {
    /// `deploymentInfo.status` (CodeDeploy).
    pub fn code_deploy(self) -> &'static str {
        match self {
            DeploymentState::InProgress | DeploymentState::RollingBack => "InProgress",
            DeploymentState::Succeeded | DeploymentState::RolledBack => "Succeeded",
            DeploymentState::Failed => "Failed",
            DeploymentState::Stopped => "Stopped",
        }
    }

    /// `ServiceDeployment.status` (ECS).
    pub fn ecs(self) -> &'static str {
        match self {
            DeploymentState::InProgress => "IN_PROGRESS",
            DeploymentState::Succeeded => "SUCCESSFUL",
            DeploymentState::Failed => "FAILED",
            DeploymentState::Stopped => "STOPPED",
            DeploymentState::RollingBack => "ROLLBACK_IN_PROGRESS",
            DeploymentState::RolledBack => "ROLLBACK_SUCCESSFUL",
        }
    }

    pub fn is_running(self) -> bool {
        matches!(
            self,
            DeploymentState::InProgress | DeploymentState::RollingBack
        )
    }
}

/// A lifecycle event's (or stage's) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StageStatus {
    Pending,
    InProgress,
    Succeeded,
    Failed,
    Skipped,
}

impl StageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StageStatus::Pending => "Pending",
            StageStatus::InProgress => "InProgress",
            StageStatus::Succeeded => "Succeeded",
            StageStatus::Failed => "Failed",
            StageStatus::Skipped => "Skipped",
        }
    }
}

/// What a stage does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StageKind {
    /// Runs the lifecycle hook registered for it, if any.
    Hook,
    /// Creates the replacement task set and waits until it is steady.
    Install,
    /// Points the test listener at the replacement.
    TestTraffic,
    /// Moves production weight per the schedule (CodeDeploy's AllowTraffic).
    ProductionTraffic(Schedule),
    /// One step of an ECS shift: the replacement gets `percent`, then the step holds for
    /// `hold` (the step bake time) before the next step's PRE_PRODUCTION_TRAFFIC_SHIFT; the
    /// last step makes the replacement PRIMARY.
    ProductionStep {
        percent: f64,
        hold: Millis,
        last: bool,
    },
    /// Waits (ECS bake time; CodeDeploy's wait before the original task set is terminated).
    Wait(Millis),
    /// CodeDeploy's ready wait (`deploymentReadyOption` STOP_DEPLOYMENT): production traffic
    /// waits for `ContinueDeployment` (READY_WAIT) at most this long; then the deployment
    /// stops. `Stage::shifts_done` is 1 once someone continued.
    ReadyWait(Millis),
    /// Scales the original task set to 0 and deletes it.
    CleanUp,
    /// A rollback: scales the replacement task set to 0 and deletes it.
    RemoveReplacement,
}

pub use crate::ecs::lifecycle_hooks::{Hook, HookRun};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    /// `AfterAllowTestTraffic`, `POST_SCALE_UP`, …
    pub name: String,
    pub kind: StageKind,
    /// Listed in the deployment's lifecycle events (CodeDeploy's termination wait and clean-up
    /// are steps, not lifecycle events).
    pub listed: bool,
    pub hook: Option<Hook>,
    /// The hook at work (or done) at this stage.
    pub run: Option<HookRun>,
    pub status: StageStatus,
    pub start: Option<SimTime>,
    pub end: Option<SimTime>,
    /// When this stage next needs looking at (a hook's answer, a shift, the end of a wait, a
    /// timeout).
    pub due: Option<SimTime>,
    /// Production shifts already applied (ProductionTraffic).
    pub shifts_done: u32,
}

/// Why a deployment failed or stopped (`errorInformation`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorInfo {
    /// `HOOK_EXECUTION_FAILURE`, `ALARM_ACTIVE`, `TIMEOUT`.
    pub code: String,
    pub message: String,
}

/// `rollbackInfo`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollbackInfo {
    pub rollback_deployment_id: Option<String>,
    pub rollback_triggering_deployment_id: Option<String>,
    pub rollback_message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BgDeployment {
    /// `d-` and 9 characters (CodeDeploy), or the replacement task set's id (ECS).
    pub id: String,
    pub state: DeploymentState,
    /// `user` or `codeDeployRollback`.
    pub creator: String,
    pub task_definition: TaskDefIdx,
    /// The original task set (serving production when it began).
    pub blue: String,
    /// The replacement task set (created by Install; for a rollback, the set traffic leaves).
    pub green: Option<String>,
    pub stages: Vec<Stage>,
    /// Index into `stages` of the stage under way.
    pub current: usize,
    pub error: Option<ErrorInfo>,
    pub rollback: Option<RollbackInfo>,
    pub termination_wait_started: bool,
    pub created_at: SimTime,
    pub completed_at: Option<SimTime>,
}

impl BgDeployment {
    /// `deploymentInfo.status` (CodeDeploy): `Ready` while a ready replacement waits for
    /// someone to reroute traffic (`deploymentReadyOption` STOP_DEPLOYMENT; CodeDeploy API
    /// Reference, DeploymentStatus), else the state's word.
    pub fn code_deploy_status(&self) -> &'static str {
        let ready = self.state == DeploymentState::InProgress
            && self.stages.get(self.current).is_some_and(|st| {
                matches!(st.kind, StageKind::ReadyWait(_))
                    && st.status == StageStatus::InProgress
                    && st.shifts_done == 0
            });
        if ready {
            "Ready"
        } else {
            self.state.code_deploy()
        }
    }

    /// Waiting for `ContinueDeployment` with READY_WAIT.
    pub fn is_ready_waiting(&self) -> bool {
        self.code_deploy_status() == "Ready"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// A CloudWatch alarm on the target groups' `HTTPCode_Target_5XX_Count` (Sum, 60 s).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentAlarm {
    pub name: String,
    pub threshold: f64,
    pub evaluation_periods: u32,
    pub state: AlarmState,
    /// Consecutive periods above the threshold.
    pub breaching: u32,
}

/// One moment of the chart: the production weights and, once a minute, the alarm metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficSample {
    pub at: SimTime,
    /// Production weight of each target group, in `target_groups` order.
    pub weights: [f64; 2],
    /// `HTTPCode_Target_5XX_Count` of the minute that ends here (minute samples only).
    pub errors: Option<f64>,
}

/// Everything blue/green about one service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlueGreen {
    pub controller: Controller,
    /// The service's first target group and the alternate one.
    pub target_groups: [TargetGroupIdx; 2],
    pub container_name: String,
    pub container_port: u16,
    pub production: Listener,
    pub test: Option<Listener>,
    /// Newest last; deleted task sets are dropped.
    pub task_sets: Vec<TaskSet>,
    /// Newest last.
    pub deployments: Vec<BgDeployment>,
    /// Hooks by stage name, in file order.
    pub hooks: Vec<(String, Hook)>,
    pub alarms: Vec<DeploymentAlarm>,
    pub requests_per_second: f64,
    /// 5xx percentage by task definition revision.
    pub error_percent: Vec<(u32, f64)>,
    /// The lifecycle engine is due then (one timer at a time).
    pub step_at: Option<SimTime>,
    pub samples: Vec<TrafficSample>,
    /// "has reached a steady state" was reported and nothing changed since.
    pub steady_reported: bool,
}

impl BlueGreen {
    pub fn task_set(&self, id: &str) -> Option<&TaskSet> {
        self.task_sets.iter().find(|t| t.id == id)
    }
    pub fn task_set_mut(&mut self, id: &str) -> Option<&mut TaskSet> {
        self.task_sets.iter_mut().find(|t| t.id == id)
    }
    pub fn primary(&self) -> Option<&TaskSet> {
        self.task_sets
            .iter()
            .find(|t| t.status == TaskSetStatus::Primary)
    }
    /// The deployment under way (in progress or rolling back), if any.
    pub fn active(&self) -> Option<&BgDeployment> {
        self.deployments.iter().rev().find(|d| d.state.is_running())
    }
    pub fn active_mut(&mut self) -> Option<&mut BgDeployment> {
        self.deployments
            .iter_mut()
            .rev()
            .find(|d| d.state.is_running())
    }
    /// Position (0 or 1) of a target group in `target_groups`.
    pub fn slot(&self, tg: TargetGroupIdx) -> usize {
        usize::from(self.target_groups[1] == tg)
    }
    /// The hook the scenario registers for a stage.
    pub fn hook_for(&self, stage: &str) -> Option<&Hook> {
        self.hooks.iter().find(|(s, _)| s == stage).map(|(_, h)| h)
    }
    /// The 5xx percentage of a revision.
    pub fn error_percent_of(&self, revision: u32) -> f64 {
        self.error_percent
            .iter()
            .find(|(r, _)| *r == revision)
            .map_or(0.0, |(_, p)| *p)
    }
}

/// `computedDesiredCount = ceil(desiredCount × scale / 100)`, "always rounded up" (ECS API
/// Reference, TaskSet).
pub fn computed_desired_count(desired: u32, scale_percent: f64) -> u32 {
    let exact = f64::from(desired) * scale_percent / 100.0;
    // Guard against 4 × 30 / 100 = 1.2000000000000002 style noise before rounding up.
    let rounded = (exact * 1e9).round() / 1e9;
    rounded.ceil().max(0.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    // ECS API Reference, TaskSet.computedDesiredCount: "always rounded up", e.g. 1.2 → 2.
    #[test]
    fn computed_desired_count_rounds_up() {
        assert_eq!(computed_desired_count(4, 30.0), 2); // 1.2 → 2
        assert_eq!(computed_desired_count(4, 100.0), 4);
        assert_eq!(computed_desired_count(4, 0.0), 0);
        assert_eq!(computed_desired_count(10, 10.0), 1);
        assert_eq!(computed_desired_count(3, 50.0), 2); // 1.5 → 2
    }
}
