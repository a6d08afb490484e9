//! Task definitions, their containers and health checks, and how the simulated application in
//! a container behaves.

use super::defaults;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NetworkMode {
    /// Each task gets its own ENI and private IP (required on Fargate).
    #[default]
    Awsvpc,
    /// Containers share the instance's network through Docker's bridge; host ports map to
    /// container ports (dynamic when `host_port` is left out).
    Bridge,
    Host,
}

impl NetworkMode {
    /// The API's name: `awsvpc`, `bridge` or `host`.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinitionSpec {
    pub family: String,
    pub revision: u32,
    /// Task-level CPU units (required on Fargate: 256, 512, 1024, ...).
    #[serde(default)]
    pub cpu: Option<u32>,
    /// Task-level memory in MiB (required on Fargate).
    #[serde(default)]
    pub memory: Option<u32>,
    #[serde(default)]
    pub network_mode: NetworkMode,
    pub containers: Vec<ContainerSpec>,
    /// IAM task role, shown in the inspector (least privilege is per task, not per host).
    #[serde(default)]
    pub task_role_arn: Option<String>,
    /// `volumes`: EFS file systems the containers mount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<super::TaskVolumeSpec>,
    /// `ephemeralStorage.sizeInGiB` on Fargate (21–200; left out: 20 GiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage_gib: Option<u32>,
    /// IAM task execution role: the agent pulls from ECR, writes awslogs and fetches
    /// `secrets` with it when the task starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    #[serde(default = "defaults::yes")]
    pub essential: bool,
    #[serde(default)]
    pub cpu: u32,
    /// Hard memory limit in MiB.
    #[serde(default)]
    pub memory: Option<u32>,
    /// Soft memory reservation in MiB.
    #[serde(default)]
    pub memory_reservation: Option<u32>,
    /// The container port the application listens on.
    #[serde(default)]
    pub port: Option<u16>,
    /// Host port for bridge mode; left out means a dynamic port (32768 and up).
    #[serde(default)]
    pub host_port: Option<u16>,
    #[serde(default)]
    pub health_check: Option<HealthCheckSpec>,
    /// Seconds between SIGTERM and SIGKILL (default 30, Fargate maximum 120).
    #[serde(default)]
    pub stop_timeout: Option<u32>,
    /// `restartPolicy`: the ECS agent restarts the container inside its task when it exits.
    #[serde(default)]
    pub restart_policy: Option<RestartPolicySpec>,
    /// `privileged`: the container gets the host's root privileges.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    /// `readonlyRootFilesystem`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub readonly_root_filesystem: bool,
    /// `user` (left out: the image's, usually root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `secrets[].valueFrom`: Secrets Manager secret ARNs the agent fetches with the
    /// execution role before the container starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    /// `dependsOn`: containers that must reach a condition before this one starts.
    #[serde(default)]
    pub depends_on: Vec<ContainerDependencySpec>,
    /// `startTimeout` in seconds: how long containers that depend on this one wait for it to
    /// reach their condition before they give up (default 180).
    #[serde(default)]
    pub start_timeout: Option<u32>,
    /// `logConfiguration`: where the container's output goes; none means nowhere Orca shows
    /// outside the task (no CloudWatch log stream).
    #[serde(default)]
    pub log_configuration: Option<LogConfigurationSpec>,
    /// `firelensConfiguration`: this container is the task's log router (FireLens).
    #[serde(default)]
    pub firelens_configuration: Option<FirelensSpec>,
    /// How the simulated application behaves (not an AWS field).
    #[serde(default)]
    pub behavior: BehaviorSpec,
}

/// One entry of `dependsOn` (Amazon ECS API Reference, ContainerDependency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerDependencySpec {
    pub container_name: String,
    pub condition: DependencyCondition,
}

/// `condition` of a container dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DependencyCondition {
    /// The dependency has started.
    Start,
    /// The dependency has run to completion (exited, any code).
    Complete,
    /// The dependency has exited with code 0.
    Success,
    /// The dependency's health check has passed (needs a health check).
    Healthy,
}

impl DependencyCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyCondition::Start => "START",
            DependencyCondition::Complete => "COMPLETE",
            DependencyCondition::Success => "SUCCESS",
            DependencyCondition::Healthy => "HEALTHY",
        }
    }
}

/// `logConfiguration` of a container: the driver and the options Orca models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfigurationSpec {
    pub log_driver: LogDriver,
    /// `awslogs-group` (awslogs) or `log_group_name` (FireLens' cloudwatch_logs output).
    pub group: String,
    /// `awslogs-stream-prefix` (awslogs) or `log_stream_prefix` (FireLens).
    #[serde(default)]
    pub stream_prefix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogDriver {
    /// `awslogs`: Docker sends the output straight to CloudWatch Logs.
    Awslogs,
    /// `awsfirelens`: the output goes to the task's log router container, which sends it on.
    Awsfirelens,
}

impl LogDriver {
    pub fn as_str(self) -> &'static str {
        match self {
            LogDriver::Awslogs => "awslogs",
            LogDriver::Awsfirelens => "awsfirelens",
        }
    }
}

/// `firelensConfiguration` of the log router container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirelensSpec {
    #[serde(rename = "type")]
    pub kind: FirelensType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirelensType {
    FluentBit,
    Fluentd,
}

impl FirelensType {
    pub fn as_str(self) -> &'static str {
        match self {
            FirelensType::FluentBit => "fluentbit",
            FirelensType::Fluentd => "fluentd",
        }
    }
}

/// A container restart policy (`restartPolicy` of a container definition; Amazon ECS API
/// Reference, ContainerRestartPolicy): off unless `enabled`; no exit code ignored by default;
/// `restart_attempt_period` 300 s by default, 60–1800 s allowed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestartPolicySpec {
    pub enabled: bool,
    /// Exit codes the agent does not restart on (at most 50).
    #[serde(default)]
    pub ignored_exit_codes: Vec<i32>,
    /// Seconds the container must run before a restart may be attempted.
    #[serde(default = "defaults::restart_attempt_period")]
    pub restart_attempt_period: u32,
}

/// A container health check, with the task-definition defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckSpec {
    pub command: Vec<String>,
    #[serde(default = "defaults::hc_interval")]
    pub interval: u32,
    #[serde(default = "defaults::hc_timeout")]
    pub timeout: u32,
    #[serde(default = "defaults::hc_retries")]
    pub retries: u32,
    #[serde(default)]
    pub start_period: u32,
}

/// The simulated application inside a container: how long it takes to answer, and how it fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviorSpec {
    /// Seconds from container start until the application answers health checks.
    #[serde(default = "defaults::startup_seconds")]
    pub startup_seconds: f64,
    /// The application stops answering health checks.
    #[serde(default)]
    pub fails_health_checks: Option<HealthFailureSpec>,
    /// The process exits on its own.
    #[serde(default)]
    pub exits: Option<ExitSpec>,
    #[serde(default)]
    pub image_pull: ImagePull,
    /// The application ignores SIGTERM, so stopping it waits for `stop_timeout` and SIGKILL.
    #[serde(default)]
    pub ignores_sigterm: bool,
}

impl Default for BehaviorSpec {
    fn default() -> Self {
        BehaviorSpec {
            startup_seconds: defaults::startup_seconds(),
            fails_health_checks: None,
            exits: None,
            image_pull: ImagePull::default(),
            ignores_sigterm: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthFailureSpec {
    /// Seconds after the container starts; 0 means it never passes.
    #[serde(default)]
    pub after_seconds: f64,
    /// Share of tasks affected, 0 to 1.
    #[serde(default = "defaults::fraction")]
    pub fraction: f64,
    #[serde(default)]
    pub response: FailureResponse,
}

/// What a failing health check sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureResponse {
    /// The application answers with this HTTP status code.
    Status(u16),
    /// The application does not answer before the check's timeout.
    Timeout,
}

impl Default for FailureResponse {
    fn default() -> Self {
        FailureResponse::Status(503)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitSpec {
    /// Seconds after the container starts.
    #[serde(default)]
    pub after_seconds: f64,
    #[serde(default = "defaults::exit_code")]
    pub exit_code: i32,
    #[serde(default = "defaults::fraction")]
    pub fraction: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ImagePull {
    #[default]
    Succeeds,
    /// The tag does not exist in the repository.
    NotFound,
    /// The task execution role may not pull from the repository.
    AccessDenied,
}
