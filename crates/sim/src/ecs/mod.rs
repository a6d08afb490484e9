//! Amazon ECS: the state of tasks, services, deployments and container instances, and the
//! controllers that move it (one file each, each a reconcile step).

pub mod auto_scaling_group;
pub mod blue_green_read;
pub mod capacity_provider;
pub mod circuit_breaker;
pub mod cloud_map;
pub mod cluster;
pub mod codedeploy;
pub mod container_deps;
pub mod container_health;
pub mod container_restart;
pub mod deploy_alarms;
pub mod deploy_control;
pub mod deploy_hooks;
pub mod deploy_plan;
pub mod deploy_rollback;
pub mod deploy_traffic;
pub mod deployments;
pub mod ebs;
pub mod ebs_read;
pub mod efs;
pub mod guardduty;
pub mod guardduty_state;
pub mod ids;
pub mod image_cache;
pub mod lifecycle_hooks;
pub mod messages;
pub mod placement;
pub mod quiet_memo;
pub mod read;
pub mod service_discovery;
pub mod service_scheduler;
pub mod standalone;
pub mod task_lifecycle;
pub mod task_set;
pub mod task_set_links;
pub mod task_sets;
pub mod task_table;
pub mod traffic_shift;
pub mod volumes;

use serde::Serialize;

use crate::ecs::ids::{InstanceIdx, ServiceIdx, TargetGroupIdx, TaskDefIdx, TaskIdx};
pub use crate::name::Name;
use crate::probe::{Prober, Signal};
use crate::scenario::spec::{
    LaunchType, NetworkMode, PlacementConstraint, PlacementStrategy, SchedulingStrategy,
};
use crate::time::{Millis, SimTime};

// ---------------------------------------------------------------------------------------------
// Task definitions

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDefinition {
    pub family: Name,
    pub revision: u32,
    pub arn: String,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub network_mode: NetworkMode,
    pub containers: Vec<ContainerDefinition>,
    pub task_role_arn: Option<String>,
    /// Volumes backed by EFS (`volumes[].efsVolumeConfiguration`).
    pub efs_volumes: Vec<efs::EfsVolume>,
    /// The name of its one volume `configuredAtLaunch` (an EBS volume the service configures).
    pub configured_at_launch: Option<String>,
    /// Fargate ephemeral storage in GiB (`ephemeralStorage.sizeInGiB`; 20 by default).
    pub ephemeral_storage_gib: u32,
    pub execution_role_arn: Option<String>,
}

impl TaskDefinition {
    /// `web:2`
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    /// CPU units and memory (MiB) a task of this definition reserves on a container instance,
    /// with a `RunTask` call's `overrides`: a task-level override replaces the definition's
    /// task-level value; without either, each container counts with its own override
    /// ([`TaskDefinition::reserved_cpu`], [`TaskDefinition::reserved_memory`]).
    pub fn reservation(
        &self,
        overrides: Option<&crate::scenario::spec::TaskOverrideSpec>,
    ) -> (u32, u32) {
        let Some(o) = overrides else {
            return (self.reserved_cpu(), self.reserved_memory());
        };
        let cpu = o.cpu.or(self.cpu).unwrap_or_else(|| {
            self.containers
                .iter()
                .map(|c| o.container(&c.name).and_then(|x| x.cpu).unwrap_or(c.cpu))
                .sum()
        });
        let memory = o.memory.or(self.memory).unwrap_or_else(|| {
            self.containers
                .iter()
                .map(|c| {
                    let x = o.container(&c.name);
                    let hard = x.and_then(|x| x.memory).or(c.memory);
                    let soft = x
                        .and_then(|x| x.memory_reservation)
                        .or(c.memory_reservation);
                    hard.or(soft).unwrap_or(0)
                })
                .sum()
        });
        (cpu, memory)
    }

    /// CPU units the task reserves on a container instance: the task-level value, else the sum
    /// of the containers' values.
    pub fn reserved_cpu(&self) -> u32 {
        self.cpu
            .unwrap_or_else(|| self.containers.iter().map(|c| c.cpu).sum())
    }

    /// Memory (MiB) the task reserves: the task-level value, else per container the hard limit
    /// or, failing that, the soft reservation.
    pub fn reserved_memory(&self) -> u32 {
        self.memory.unwrap_or_else(|| {
            self.containers
                .iter()
                .map(|c| c.memory.or(c.memory_reservation).unwrap_or(0))
                .sum()
        })
    }

    /// True if some essential container defines a health check (then the task's health status,
    /// not the 40-second rule, decides when it counts as healthy).
    pub fn has_essential_health_check(&self) -> bool {
        self.containers
            .iter()
            .any(|c| c.essential && c.health_check.is_some())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerDefinition {
    pub name: Name,
    pub image: Name,
    pub essential: bool,
    pub cpu: u32,
    pub memory: Option<u32>,
    pub memory_reservation: Option<u32>,
    pub port: Option<u16>,
    pub host_port: Option<u16>,
    pub health_check: Option<HealthCheck>,
    pub stop_timeout: Millis,
    /// The container restart policy, when enabled.
    pub restart_policy: Option<RestartPolicy>,
    pub privileged: bool,
    pub readonly_root_filesystem: bool,
    pub user: Option<String>,
    /// Secrets Manager ARNs fetched with the execution role at start.
    pub secrets: Vec<String>,
    /// `dependsOn`: (container name, condition) pairs, in the definition's order.
    pub depends_on: Vec<(String, crate::scenario::spec::DependencyCondition)>,
    /// `startTimeout`: how long containers depending on this one wait for it.
    pub start_timeout: Millis,
    /// `logConfiguration`, when the container has one.
    pub log: Option<crate::scenario::spec::LogConfigurationSpec>,
    /// `firelensConfiguration`: this container is the task's log router.
    pub firelens: Option<crate::scenario::spec::FirelensType>,
    pub behavior: Behavior,
}

/// An enabled container restart policy (`restartPolicy` with `enabled: true`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestartPolicy {
    pub ignored_exit_codes: Vec<i32>,
    pub restart_attempt_period: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: Millis,
    pub timeout: Millis,
    pub retries: u32,
    pub start_period: Millis,
}

/// The simulated application (resolved from the scenario's `behavior`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Behavior {
    pub startup: Millis,
    pub fails_health_checks: Option<HealthFailure>,
    pub exits: Option<Exit>,
    pub image_pull: crate::scenario::spec::ImagePull,
    pub ignores_sigterm: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HealthFailure {
    pub after: Millis,
    pub fraction: f64,
    pub response: FailMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exit {
    pub after: Millis,
    pub exit_code: i32,
    pub fraction: f64,
}

pub use crate::probe::FailMode;

// ---------------------------------------------------------------------------------------------
// Tasks

/// `lastStatus` of a task, in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }

    /// Not yet RUNNING (the service counts these as pending).
    pub fn is_starting(self) -> bool {
        self < TaskStatus::Running
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DesiredStatus {
    Running,
    Stopped,
}

impl DesiredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DesiredStatus::Running => "RUNNING",
            DesiredStatus::Stopped => "STOPPED",
        }
    }
}

/// `healthStatus` of a container or a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HealthStatus {
    Unknown,
    Healthy,
    Unhealthy,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Unknown => "UNKNOWN",
            HealthStatus::Healthy => "HEALTHY",
            HealthStatus::Unhealthy => "UNHEALTHY",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum StopCode {
    TaskFailedToStart,
    EssentialContainerExited,
    UserInitiated,
    ServiceSchedulerInitiated,
    SpotInterruption,
    TerminationNotice,
}

impl StopCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StopCode::TaskFailedToStart => "TaskFailedToStart",
            StopCode::EssentialContainerExited => "EssentialContainerExited",
            StopCode::UserInitiated => "UserInitiated",
            StopCode::ServiceSchedulerInitiated => "ServiceSchedulerInitiated",
            StopCode::SpotInterruption => "SpotInterruption",
            StopCode::TerminationNotice => "TerminationNotice",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ContainerStatus {
    Pending,
    Running,
    Stopped,
}

impl ContainerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Pending => "PENDING",
            ContainerStatus::Running => "RUNNING",
            ContainerStatus::Stopped => "STOPPED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Host {
    Fargate,
    Instance(InstanceIdx),
    /// PROVISIONING, waiting for its capacity provider's Auto Scaling group to bring an
    /// instance it fits on.
    AwaitingCapacity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    pub name: Name,
    pub image: Name,
    /// The digest the image resolved to when it was pulled from a modelled ECR repository
    /// (`containers[].imageDigest` of `describe-tasks`).
    pub image_digest: Option<String>,
    pub essential: bool,
    pub last_status: ContainerStatus,
    pub health_status: HealthStatus,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub started_at: Option<SimTime>,
    /// The container health check, when the definition has one.
    pub health_check: Option<Prober>,
    /// How the application in this container behaves over time.
    pub app: AppFate,
    /// The seeded draws made at launch: does the definition's health failure / exit hit this task?
    pub fault_hit: bool,
    pub exit_hit: bool,
    /// Times the agent restarted it in place under its restart policy (`RestartCount` in the
    /// task metadata endpoint).
    pub restart_count: u32,
    /// When it was last restarted in place.
    pub last_restart_at: Option<SimTime>,
    /// When it stopped (exited, was killed, or gave up waiting for its dependencies).
    pub stopped_at: Option<SimTime>,
}

/// The application's behaviour over time, fixed when the container starts and changed only by
/// timeline faults, so every health check result is known in advance and seeking is exact.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AppFate {
    /// When the application starts answering (until then connections are refused).
    pub up_at: Option<SimTime>,
    pub failing: Vec<FailWindow>,
    /// The process exits at this moment with this code.
    pub exits_at: Option<(SimTime, i32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FailWindow {
    pub from: SimTime,
    pub until: Option<SimTime>,
    pub mode: FailMode,
}

impl AppFate {
    /// What a health check sent at `t` sees.
    pub fn answer_at(&self, t: SimTime) -> Option<FailMode> {
        match self.up_at {
            Some(up) if t >= up => {}
            _ => return Some(FailMode::ConnectionRefused),
        }
        self.failing
            .iter()
            .rev()
            .find(|w| w.from <= t && w.until.is_none_or(|u| t < u))
            .map(|w| w.mode)
    }

    /// The moments the answer can change.
    pub fn change_points(&self) -> Vec<SimTime> {
        let mut points: Vec<SimTime> = self.up_at.into_iter().collect();
        for w in &self.failing {
            points.push(w.from);
            points.extend(w.until);
        }
        points
    }

    /// The answers as a piecewise-constant signal.
    pub fn signal(&self) -> Signal {
        Signal::from_fn(self.change_points(), |t| self.answer_at(t))
    }
}

/// One explanation the core recorded about a task: why it started, why it is (un)healthy, why
/// it stopped (shared with the EKS side).
pub use crate::why::Why;

/// The first 8 of a task id's 32 digits: what its card, its log source and its short forms
/// show.
pub fn short_task_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// `repr(C)`, with what every scheduler pass reads of every live task first (liveness, status,
/// host, service, deployment, health timing, the next step's moment): a pass over a service reads each of its tasks,
/// each behind its own pointer, and with these fields together that costs one or two cache
/// lines per task instead of most of the struct (`benches/simulate.rs`). The order is not
/// visible: events serialize on their own, and nothing keeps a serialized `Task`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[repr(C)]
pub struct Task {
    pub desired_status: DesiredStatus,
    pub last_status: TaskStatus,
    pub health_status: HealthStatus,
    /// The task reached RUNNING at some point.
    pub reached_running: bool,
    pub launch_type: LaunchType,
    /// The next lifecycle step is due at this moment (read first by every step's timer, to
    /// tell a due step from one rescheduled since).
    pub next_step_at: Option<SimTime>,
    pub host: Host,
    pub service: Option<ServiceIdx>,
    pub task_definition: TaskDefIdx,
    /// Index of `availability_zone` in the cluster's zones.
    pub zone: usize,
    /// `deployment_id` as a number ([`deployment_key`]), which hot loops compare instead.
    pub deployment_key: Option<u64>,
    /// `deployment_id` is `ecs-svc/` and digits that `deployment_key` reads back exactly
    /// ([`task_table::key_of`]), so equal keys of two such ids mean equal ids.
    pub deployment_key_exact: bool,
    pub started_at: Option<SimTime>,
    /// When the task first counted as healthy for the deployment's bounds.
    pub healthy_at: Option<SimTime>,
    /// The service deployment that launched it (`ecs-svc/...`).
    pub deployment_id: Option<Name>,
    /// The health failure the scheduler acted on (set when it decides to replace the task).
    pub unhealthy_reason: Option<UnhealthyReason>,
    /// 32 hex digits.
    pub id: Name,
    pub arn: String,
    pub started_by: Name,
    /// What only a standalone task has (`None` for a service's task, whose group is
    /// `service:NAME`): its task group and `RunTask`'s overrides, behind one pointer so that a
    /// service's task is no bigger for them.
    pub standalone: Option<Box<Standalone>>,
    /// `FARGATE` or `FARGATE_SPOT` when the service uses a capacity provider strategy.
    pub capacity_provider: Option<String>,
    pub availability_zone: Name,
    pub private_ip: Name,
    /// Host port (bridge/host mode) the load balancer targets.
    pub host_port: Option<u16>,
    pub containers: Vec<Container>,
    pub created_at: SimTime,
    pub pull_started_at: Option<SimTime>,
    pub stopping_at: Option<SimTime>,
    pub stopped_at: Option<SimTime>,
    pub stop_code: Option<StopCode>,
    pub stopped_reason: Option<Name>,
    /// Why the task is as it is, oldest first.
    pub why: Vec<Why>,
    /// The next container health verdict change is due at this moment.
    pub health_next_at: Option<SimTime>,
    /// The image pull will fail with this stoppedReason.
    pub pull_failure: Option<String>,
    /// The EBS volume ECS created for it (`ebs.rs`), when its service configures one.
    pub ebs: Option<Box<ebs::TaskEbsVolume>>,
    /// GuardDuty Runtime Monitoring's security agent sidecar, or why it has none (`None`
    /// while Runtime Monitoring was off when it was launched).
    pub guardduty_agent: Option<Box<crate::ecs::guardduty_state::Agent>>,
}

/// What a standalone task (`RunTask`, `StartTask`) has beyond a service's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standalone {
    /// Its task group (`family:NAME` unless the call named one).
    pub group: Name,
    /// The call's `overrides`, if it gave any.
    pub overrides: Option<crate::scenario::spec::TaskOverrideSpec>,
    /// The call that started it.
    pub started_with: StartedWith,
}

/// The API call that started a standalone task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StartedWith {
    /// Placed by ECS (`aws ecs run-task`).
    RunTask,
    /// On the container instance the call named (`aws ecs start-task`).
    StartTask,
}

impl StartedWith {
    /// The CLI command: `run-task`, `start-task`.
    pub fn command(self) -> &'static str {
        match self {
            StartedWith::RunTask => "run-task",
            StartedWith::StartTask => "start-task",
        }
    }
}

impl Task {
    /// RUNNING or about to be (desired RUNNING): counts toward the service's running+pending.
    /// A standalone task's task group.
    pub fn group(&self) -> Option<&Name> {
        self.standalone.as_ref().map(|s| &s.group)
    }

    /// A standalone task's `RunTask` or `StartTask` overrides.
    pub fn overrides(&self) -> Option<&crate::scenario::spec::TaskOverrideSpec> {
        self.standalone.as_ref().and_then(|s| s.overrides.as_ref())
    }

    /// CPU units and memory (MiB) the task reserves: its definition's, with its overrides.
    pub fn reservation(&self, td: &TaskDefinition) -> (u32, u32) {
        td.reservation(self.overrides())
    }

    /// The task role its application's calls use: the override's, else its definition's.
    pub fn task_role_arn<'a>(&'a self, td: &'a TaskDefinition) -> Option<&'a str> {
        self.overrides()
            .and_then(|o| o.task_role_arn.as_deref())
            .or(td.task_role_arn.as_deref())
    }

    /// The execution role the agent uses for it: the override's, else its definition's.
    pub fn execution_role_arn<'a>(&'a self, td: &'a TaskDefinition) -> Option<&'a str> {
        self.overrides()
            .and_then(|o| o.execution_role_arn.as_deref())
            .or(td.execution_role_arn.as_deref())
    }

    pub fn is_live(&self) -> bool {
        self.desired_status == DesiredStatus::Running && self.last_status != TaskStatus::Stopped
    }

    pub fn short_id(&self) -> &str {
        short_task_id(&self.id)
    }

    pub fn explain(&mut self, at: SimTime, text: impl Into<String>) {
        self.why.push(Why {
            at,
            text: text.into(),
        });
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum UnhealthyReason {
    ContainerHealthCheck {
        container: String,
    },
    TargetGroup {
        target_group: TargetGroupIdx,
        reason: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Container instances

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InstanceStatus {
    /// Launched by an Auto Scaling group; its ECS agent has not registered it yet.
    Registering,
    Active,
    Draining,
    Inactive,
}

impl InstanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Registering => "REGISTERING",
            InstanceStatus::Active => "ACTIVE",
            InstanceStatus::Draining => "DRAINING",
            InstanceStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerInstance {
    /// The name the scenario gave it (`Name` tag).
    pub name: String,
    /// EC2 instance id, `i-` and 17 hex digits.
    pub ec2_instance_id: Name,
    /// Container instance id, 32 hex digits.
    pub id: String,
    pub arn: String,
    pub instance_type: String,
    pub availability_zone: Name,
    /// Index of `availability_zone` in the cluster's zones.
    pub zone: usize,
    pub private_ip: Name,
    pub status: InstanceStatus,
    pub agent_connected: bool,
    pub registered_cpu: u32,
    pub registered_memory: u32,
    pub used_cpu: u32,
    pub used_memory: u32,
    pub reserved_ports: Vec<u16>,
    /// Tasks placed here that are not STOPPED yet.
    pub tasks: Vec<TaskIdx>,
    pub next_dynamic_port: u16,
    /// The Auto Scaling group (index into `EcsCluster::auto_scaling_groups`) that launched it.
    pub auto_scaling_group: Option<u32>,
    /// Its capacity provider's name, for instances of an Auto Scaling group.
    pub capacity_provider: Option<String>,
    pub launched_at: SimTime,
    /// When its EC2 instance was terminated (an ASG scale-in or a fault).
    pub terminated_at: Option<SimTime>,
    /// When it was set DRAINING.
    pub drained_since: Option<SimTime>,
    /// Its Auto Scaling group terminates it once draining has moved its tasks away.
    pub terminate_when_drained: bool,
    /// An EC2 Spot Instance, and whether its agent drains it on an interruption notice
    /// (`ECS_ENABLE_SPOT_INSTANCE_DRAINING`).
    pub spot: bool,
    pub spot_instance_draining: bool,
}

impl ContainerInstance {
    /// The attributes the ECS agent registers for it that Orca models: those `memberOf`
    /// placement constraints read (`ecs.availability-zone`, `ecs.instance-type`) and its
    /// operating system ("Amazon ECS container instance attributes", Developer Guide). The real
    /// agent registers more (`ecs.ami-id`, `ecs.capability.*`, …).
    pub fn attributes(&self) -> [(&'static str, &str); 3] {
        [
            ("ecs.availability-zone", self.availability_zone.as_ref()),
            ("ecs.instance-type", self.instance_type.as_ref()),
            ("ecs.os-type", "linux"),
        ]
    }
}

impl ContainerInstance {
    pub fn remaining_cpu(&self) -> u32 {
        self.registered_cpu.saturating_sub(self.used_cpu)
    }
    pub fn remaining_memory(&self) -> u32 {
        self.registered_memory.saturating_sub(self.used_memory)
    }
}

// ---------------------------------------------------------------------------------------------
// Services and deployments

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DeploymentStatus {
    Primary,
    Active,
    Inactive,
}

impl DeploymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentStatus::Primary => "PRIMARY",
            DeploymentStatus::Active => "ACTIVE",
            DeploymentStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

impl RolloutState {
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::InProgress => "IN_PROGRESS",
            RolloutState::Completed => "COMPLETED",
            RolloutState::Failed => "FAILED",
        }
    }
}

/// A deployment id as a number: the 19 digits of `ecs-svc/<digits>` (they identify it), or an
/// FNV-1a hash of any other text. Equal ids give equal keys.
pub fn deployment_key(id: &str) -> u64 {
    match id.strip_prefix("ecs-svc/").map(str::parse::<u64>) {
        Some(Ok(n)) => n,
        _ => crate::hash::fnv(id),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deployment {
    /// `ecs-svc/` and 19 digits.
    pub id: Name,
    /// `id` as a number and whether it reads back exactly ([`task_table::key_of`]), worked out
    /// once: scheduler passes compare them with every task's.
    #[serde(skip)]
    pub key: u64,
    #[serde(skip)]
    pub key_exact: bool,
    pub status: DeploymentStatus,
    pub task_definition: TaskDefIdx,
    pub desired_count: u32,
    pub pending_count: u32,
    pub running_count: u32,
    /// Consecutive failed tasks, as the circuit breaker counts them.
    pub failed_tasks: u32,
    pub rollout_state: RolloutState,
    pub rollout_state_reason: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    /// Unhealthy tasks of this deployment stopped and not yet replaced, so the next start says
    /// "Amazon ECS replaced N tasks due to an unhealthy status."
    pub unhealthy_to_replace: u32,
    /// `volumeConfigurations` the deployment launches its tasks with.
    pub volume_configurations: Vec<crate::scenario::spec::ServiceVolumeConfigurationSpec>,
}

/// `serviceRegistries[]`: the Cloud Map service a service's tasks register in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRegistry {
    /// Position in [`cloud_map::CloudMap::services`].
    pub service: usize,
    pub container_name: Option<Name>,
    pub container_port: Option<u16>,
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceLoadBalancer {
    pub target_group: TargetGroupIdx,
    pub container_name: Name,
    pub container_port: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentConfiguration {
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub circuit_breaker_enable: bool,
    pub circuit_breaker_rollback: bool,
}

/// The bounds and counts of the scheduler's last pass, for the inspector and the header.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SchedulerView {
    pub at: SimTime,
    /// floor(desired × maximumPercent / 100) (`bounds.upper`)
    pub upper: u32,
    /// ceil(desired × minimumHealthyPercent / 100) (`bounds.lower`)
    pub lower: u32,
    /// `bounds.running_or_pending`
    pub running_or_pending: u32,
    /// `bounds.healthy`
    pub healthy: u32,
    pub decision: String,
    /// The whole bounds value of the pass, with its percentages and its explanation. The
    /// four numbers above repeat it for the app's current panels.
    pub bounds: crate::ecs::service_scheduler::bounds::Bounds,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub name: Name,
    pub arn: String,
    pub status: String,
    pub desired_count: u32,
    pub running_count: u32,
    pub pending_count: u32,
    pub launch_type: LaunchType,
    /// REPLICA or DAEMON (one task on each eligible ACTIVE instance).
    pub scheduling_strategy: SchedulingStrategy,
    pub task_definition: TaskDefIdx,
    pub deployment_configuration: DeploymentConfiguration,
    pub health_check_grace_period: Millis,
    pub load_balancers: Vec<ServiceLoadBalancer>,
    /// `serviceRegistries` (at most one).
    pub service_registries: Vec<ServiceRegistry>,
    pub placement_strategy: Vec<PlacementStrategy>,
    pub placement_constraints: Vec<PlacementConstraint>,
    /// Newest last. Deployments that became INACTIVE are dropped, as describe-services does.
    pub deployments: Vec<Deployment>,
    /// Tasks not yet STOPPED.
    pub tasks: Vec<TaskIdx>,
    /// A steady state was reported and nothing has changed since.
    pub steady: bool,
    pub last_steady_message_at: Option<SimTime>,
    /// Messages suppressed until their cause is resolved (describe-services does not repeat
    /// a message while its cause lasts).
    pub suppressed: Vec<Suppressed>,
    /// The last "unable to place a task" message and when it was reported. The same text is
    /// not repeated until a task is placed (cleared then) or 6 hours pass.
    pub unable_to_place_reported: Option<(SimTime, String)>,
    /// Consecutive tasks that stopped before reaching RUNNING (the service throttle).
    pub consecutive_launch_failures: u32,
    pub throttled_until: Option<SimTime>,
    /// The last deployment that reached COMPLETED (id and task definition): where a circuit
    /// breaker rolls back to.
    pub last_completed: Option<(Name, TaskDefIdx)>,
    pub last_pass: SchedulerView,
    /// A scheduler pass is already scheduled at this time.
    pub pass_at: Option<SimTime>,
    /// Application Auto Scaling target tracking, if configured.
    pub scaling: Option<crate::aas::TargetTracking>,
    /// Application Auto Scaling step scaling policies with their alarms, in file order.
    pub step_scaling: Vec<crate::aas::StepScaling>,
    /// The demand the service serves (drives its CPU utilization), if modelled.
    pub load: Option<crate::k8s::autoscaling::Load>,
    /// One-minute samples for the charts.
    pub metrics: Vec<ServiceSample>,
    /// Capacity provider strategy: (provider, base, weight).
    pub capacity_providers: Vec<(String, u32, u32)>,
    /// Task sets, listeners and deployments of a blue/green service (the CodeDeploy
    /// controller, or ECS's BLUE_GREEN / LINEAR / CANARY strategy); `None` for a rolling one.
    pub blue_green: Option<Box<crate::ecs::task_set::BlueGreen>>,
    /// `volumeConfigurations`: the EBS volume each new task gets (copied to each deployment).
    pub volume_configurations: Vec<crate::scenario::spec::ServiceVolumeConfigurationSpec>,
    /// A task of the service may be waiting for capacity (set when one is launched without a
    /// host, cleared by a pass that finds none): passes skip looking through every task for
    /// waiting ones while it is false.
    pub may_have_waiting: bool,
}

/// One minute of a service's metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceSample {
    pub at: SimTime,
    pub cpu: f64,
    pub desired: u32,
    pub running: u32,
    pub alarm_high: bool,
    pub alarm_low: bool,
    /// Average memory utilization, when the load models memory.
    pub memory: Option<f64>,
    /// Whether each step scaling alarm (in `Service::step_scaling` order) is in ALARM.
    pub step_alarms: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Suppressed {
    DeploymentStuck,
    Throttled,
}

impl Service {
    pub fn primary(&self) -> Option<&crate::ecs::Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == DeploymentStatus::Primary)
    }
    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.id == id)
    }
    pub fn deployment_mut(&mut self, id: &str) -> Option<&mut Deployment> {
        self.deployments.iter_mut().find(|d| d.id == id)
    }
    pub fn is_suppressed(&self, s: Suppressed) -> bool {
        self.suppressed.contains(&s)
    }
}
