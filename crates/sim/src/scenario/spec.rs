//! The scenario file format, version 1. Field names are the AWS (and later Kubernetes) names in
//! snake_case; every default is the AWS API default, so a field a teacher leaves out behaves as it
//! would in `aws ecs create-service`. Unknown fields are rejected.

use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; only 1 exists.
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Seeds every random draw (ids, timings, which tasks a fault hits).
    #[serde(default)]
    pub seed: u64,
    /// How long the scenario runs, in seconds.
    #[serde(default = "defaults::duration")]
    pub duration: f64,
    pub world: WorldSpec,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub quizzes: Vec<Quiz>,
}

/// What is being simulated. One variant per platform so later platforms add variants without
/// breaking existing files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorldSpec {
    Ecs(EcsWorld),
    /// Kubernetes on Amazon EKS: managed node groups and a Deployment.
    Eks(EksWorld),
}

// ---------------------------------------------------------------------------------------------
// EKS world

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksWorld {
    pub cluster: ClusterSpec,
    /// Managed node groups (EC2 instances joined as nodes).
    #[serde(default)]
    pub node_groups: Vec<NodeGroupSpec>,
    /// Fargate profiles: the Deployments they select run one pod per Fargate node.
    #[serde(default)]
    pub fargate_profiles: Vec<FargateProfileSpec>,
    pub deployments: Vec<K8sDeploymentSpec>,
    /// How each image behaves; an image not listed here starts and serves normally.
    #[serde(default)]
    pub images: Vec<ImageSpec>,
    /// A Service in front of the first Deployment (its endpoints are the ready pods).
    #[serde(default)]
    pub service: Option<K8sServiceSpec>,
    /// Run the Cluster Autoscaler on the node groups (within their min/max).
    #[serde(default)]
    pub cluster_autoscaler: bool,
    /// A Karpenter NodePool: Karpenter launches right-sized nodes for unschedulable pods and
    /// consolidates them (an alternative to `cluster_autoscaler`, not a companion).
    #[serde(default)]
    pub karpenter: Option<NodePoolSpec>,
}

/// A Karpenter `NodePool` (karpenter.sh/v1). Defaults are Karpenter's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodePoolSpec {
    /// `metadata.name`; NodeClaims are named `<name>-<5 random characters>`.
    #[serde(default = "defaults::node_pool_name")]
    pub name: String,
    /// The `node.kubernetes.io/instance-type In [...]` requirement. Default: the c, m and r
    /// types Orca knows, as the `instance-category In [c, m, r]` of Karpenter's example pool.
    #[serde(default = "defaults::karpenter_instance_types")]
    pub instance_types: Vec<String>,
    /// `limits.cpu` in vCPUs over every node of the pool; none means no limit.
    #[serde(default)]
    pub cpu_limit: Option<u32>,
    /// `disruption.consolidationPolicy`.
    #[serde(default)]
    pub consolidation_policy: ConsolidationPolicy,
    /// `disruption.consolidateAfter` in seconds (Karpenter default 0s): how long a node must
    /// see no pod arrive or leave before it may be consolidated.
    #[serde(default)]
    pub consolidate_after: u32,
    /// `disruption.budgets[0].nodes`: how many nodes may be disrupted at once, a count ("2")
    /// or a percentage of the pool's nodes rounded up ("10%", the default).
    #[serde(default = "defaults::budget_nodes")]
    pub budget_nodes: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConsolidationPolicy {
    /// Only nodes without (non-DaemonSet) pods are removed.
    WhenEmpty,
    /// Empty nodes, and nodes whose pods fit elsewhere, are removed.
    #[default]
    WhenEmptyOrUnderutilized,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateProfileSpec {
    pub name: String,
    /// The Deployments whose pods the profile selects.
    pub deployments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroupSpec {
    pub name: String,
    pub instance_type: String,
    #[serde(default = "defaults::one")]
    pub count: u32,
    /// Bounds for the Cluster Autoscaler (default: the group's count).
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
}

/// `maxSurge` / `maxUnavailable`: a number of pods or a percentage of replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Amount {
    Count(u32),
    Percent(u32),
}

impl Default for Amount {
    fn default() -> Self {
        Amount::Percent(25)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sDeploymentSpec {
    pub name: String,
    /// `spec.replicas` (Kubernetes default 1).
    #[serde(default = "defaults::one")]
    pub replicas: u32,
    #[serde(default)]
    pub max_surge: Amount,
    #[serde(default)]
    pub max_unavailable: Amount,
    #[serde(default)]
    pub min_ready_seconds: u32,
    #[serde(default = "defaults::progress_deadline")]
    pub progress_deadline_seconds: u32,
    /// `RollingUpdate` (the default, using max_surge/max_unavailable) or `Recreate`.
    #[serde(default)]
    pub strategy: K8sStrategy,
    /// Old ReplicaSets kept for `rollout undo` (Kubernetes default 10).
    #[serde(default = "defaults::revision_history_limit")]
    pub revision_history_limit: u32,
    pub container: K8sContainerSpec,
    /// A Service selecting this Deployment's pods.
    #[serde(default)]
    pub service: Option<K8sServiceSpec>,
    /// A HorizontalPodAutoscaler on CPU utilization.
    #[serde(default)]
    pub hpa: Option<HpaSpec>,
    /// The demand the Deployment serves, which sets its pods' CPU utilization.
    #[serde(default)]
    pub load: Option<LoadSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaSpec {
    #[serde(default = "defaults::one")]
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// Average CPU utilization target, percent of the request (Kubernetes default 80).
    #[serde(default = "defaults::hpa_target")]
    pub target_cpu_utilization: u32,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum K8sStrategy {
    #[default]
    RollingUpdate,
    Recreate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sContainerSpec {
    pub name: String,
    pub image: String,
    /// CPU request in millicores.
    #[serde(default = "defaults::cpu_request")]
    pub cpu: u32,
    /// Memory request in MiB.
    #[serde(default = "defaults::memory_request")]
    pub memory: u32,
    #[serde(default = "defaults::k8s_port")]
    pub port: u16,
    /// An HTTP readiness probe with the Kubernetes defaults (period 10 s, failureThreshold 3).
    #[serde(default)]
    pub readiness_probe: bool,
    /// An HTTP liveness probe with the Kubernetes defaults.
    #[serde(default)]
    pub liveness_probe: bool,
    /// A startup probe (failureThreshold 30, period 10 s): the other probes wait for it.
    #[serde(default)]
    pub startup_probe: bool,
}

/// How the application in an image behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    pub image: String,
    /// Seconds from container start until the app answers probes.
    #[serde(default = "defaults::k8s_startup")]
    pub startup_seconds: u32,
    #[serde(default)]
    pub readiness_fails_with: Option<u16>,
    #[serde(default)]
    pub liveness_fails_with: Option<u16>,
    /// The process exits with code 1 this many seconds after it starts (a bad config).
    #[serde(default)]
    pub crashes_after_seconds: Option<u32>,
    /// The tag does not exist in the registry.
    #[serde(default)]
    pub missing: bool,
    /// The process exceeds its memory limit this many seconds after starting (OOMKilled).
    #[serde(default)]
    pub oom_after_seconds: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum K8sServiceType {
    #[default]
    ClusterIP,
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sServiceSpec {
    pub name: String,
    /// `ClusterIP` (the default) or `LoadBalancer`.
    #[serde(default)]
    pub service_type: K8sServiceType,
    #[serde(default = "defaults::port")]
    pub port: u16,
}

// ---------------------------------------------------------------------------------------------
// ECS world

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsWorld {
    pub cluster: ClusterSpec,
    #[serde(default)]
    pub capacity: CapacitySpec,
    pub task_definitions: Vec<TaskDefinitionSpec>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroupSpec>,
    pub services: Vec<ServiceSpec>,
    #[serde(default)]
    pub timings: TimingsSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub name: String,
    #[serde(default = "defaults::region")]
    pub region: String,
    #[serde(default = "defaults::account_id")]
    pub account_id: String,
    /// The Availability Zones the cluster's subnets are in (one subnet per zone).
    #[serde(default = "defaults::zones")]
    pub availability_zones: Vec<String>,
}

/// EC2 capacity. Fargate needs no declaration: it is always there (unless a zone is down).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySpec {
    #[serde(default)]
    pub instances: Vec<InstanceGroupSpec>,
    /// EC2 Auto Scaling groups, each behind an ECS capacity provider (`Asg("<name>")` in a
    /// service's `capacity_provider_strategy`).
    #[serde(default)]
    pub auto_scaling_groups: Vec<AutoScalingGroupSpec>,
}

/// An Auto Scaling group of identical container instances and the capacity provider that
/// fronts it. Its instances are named `<name>-1`, `<name>-2`, ... and balanced over the
/// cluster's zones, as an ASG balances its subnets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroupSpec {
    /// The Auto Scaling group's name.
    pub name: String,
    /// The capacity provider's name, which strategies refer to.
    pub capacity_provider: String,
    pub instance_type: String,
    #[serde(default)]
    pub min_size: u32,
    pub max_size: u32,
    /// Instances running when the scenario starts.
    pub desired_capacity: u32,
    /// ECS managed scaling; absent means DISABLED (the ASG keeps its desired capacity and tasks
    /// that do not fit are reported "unable to place").
    #[serde(default)]
    pub managed_scaling: Option<ManagedScalingSpec>,
    /// With managed termination protection ECS lets the ASG terminate only instances that run
    /// no tasks (API default DISABLED; it needs managed scaling).
    #[serde(default)]
    pub managed_termination_protection: bool,
}

/// `managedScaling` of a capacity provider, with the API's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedScalingSpec {
    /// Percent of the ASG's instances that should run tasks (1–100; below 100 keeps spares).
    #[serde(default = "defaults::target_capacity")]
    pub target_capacity: u32,
    #[serde(default = "defaults::one")]
    pub minimum_scaling_step_size: u32,
    #[serde(default = "defaults::maximum_scaling_step_size")]
    pub maximum_scaling_step_size: u32,
    /// Seconds a new instance warms up; no further scale-out step runs meanwhile.
    #[serde(default = "defaults::instance_warmup_period")]
    pub instance_warmup_period: u32,
}

impl Default for ManagedScalingSpec {
    fn default() -> Self {
        ManagedScalingSpec {
            target_capacity: defaults::target_capacity(),
            minimum_scaling_step_size: 1,
            maximum_scaling_step_size: defaults::maximum_scaling_step_size(),
            instance_warmup_period: defaults::instance_warmup_period(),
        }
    }
}

/// One or more identical EC2 container instances. With `count` > 1 they are named
/// `<name>-1`, `<name>-2`, ... and, without an explicit zone, spread over the cluster's zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceGroupSpec {
    pub name: String,
    pub instance_type: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default = "defaults::one")]
    pub count: u32,
    /// EC2 Spot Instances (they can get a two-minute interruption notice).
    #[serde(default)]
    pub spot: bool,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` in the agent's config: the agent sets its
    /// instance DRAINING when the interruption notice arrives (default false).
    #[serde(default)]
    pub spot_instance_draining: bool,
}

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
    /// How the simulated application behaves (not an AWS field).
    #[serde(default)]
    pub behavior: BehaviorSpec,
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

// ---------------------------------------------------------------------------------------------
// Load balancing

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

// ---------------------------------------------------------------------------------------------
// Services

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LaunchType {
    #[default]
    Fargate,
    Ec2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServiceStart {
    /// The service already runs its desired tasks, healthy, when the scenario starts.
    #[default]
    Steady,
    /// The service is created when the scenario starts and launches its first tasks.
    Created,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    /// `family:revision`.
    pub task_definition: String,
    pub desired_count: u32,
    #[serde(default)]
    pub launch_type: LaunchType,
    #[serde(default)]
    pub deployment_configuration: DeploymentConfigurationSpec,
    #[serde(default)]
    pub health_check_grace_period_seconds: u32,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// Empty means the AWS default for services: spread over zones, then over instances.
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(default)]
    pub start: ServiceStart,
    /// Application Auto Scaling: target tracking on ECSServiceAverageCPUUtilization and/or
    /// step scaling policies.
    #[serde(default)]
    pub auto_scaling: Option<ServiceAutoScalingSpec>,
    /// The demand the service serves, which sets its tasks' CPU (and, with `memory`, memory)
    /// utilization (`rps_per_pod` is per task here).
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// `FARGATE` / `FARGATE_SPOT` (launch_type Fargate) or Auto Scaling group capacity
    /// providers (launch_type Ec2), with base and weight.
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CapacityProvider {
    Fargate,
    FargateSpot,
    /// The capacity provider of one of the cluster's `auto_scaling_groups`, by its name.
    Asg(String),
}

impl CapacityProvider {
    pub fn as_str(&self) -> &str {
        match self {
            CapacityProvider::Fargate => "FARGATE",
            CapacityProvider::FargateSpot => "FARGATE_SPOT",
            CapacityProvider::Asg(name) => name,
        }
    }

    pub fn is_fargate(&self) -> bool {
        !matches!(self, CapacityProvider::Asg(_))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderItem {
    pub capacity_provider: CapacityProvider,
    #[serde(default)]
    pub base: u32,
    /// The API default is 0; at least one item needs a weight above 0.
    #[serde(default)]
    pub weight: u32,
}

/// The service as an Application Auto Scaling scalable target, with a target-tracking policy
/// (when `target_cpu_utilization` is set), step scaling policies, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAutoScalingSpec {
    pub min_capacity: u32,
    pub max_capacity: u32,
    /// The target for ECSServiceAverageCPUUtilization, percent. Without it the service has no
    /// target-tracking policy, and the three fields below must be left out.
    #[serde(default)]
    pub target_cpu_utilization: Option<f64>,
    /// Target tracking only (default 300).
    #[serde(default)]
    pub scale_out_cooldown_seconds: Option<u32>,
    /// Target tracking only (default 300).
    #[serde(default)]
    pub scale_in_cooldown_seconds: Option<u32>,
    /// Target tracking only (default false).
    #[serde(default)]
    pub disable_scale_in: Option<bool>,
    /// Step scaling policies, each with the CloudWatch alarm that triggers it.
    #[serde(default)]
    pub step_scaling: Vec<StepScalingPolicySpec>,
}

/// `PutScalingPolicy` with `PolicyType: StepScaling`, and the `PutMetricAlarm` behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingPolicySpec {
    pub name: String,
    pub alarm: MetricAlarmSpec,
    pub adjustment_type: AdjustmentType,
    pub step_adjustments: Vec<StepAdjustmentSpec>,
    /// PercentChangeInCapacity only: the smallest number of tasks one activity changes.
    #[serde(default)]
    pub min_adjustment_magnitude: Option<u32>,
    /// One cooldown for scale-out and scale-in (AAS default 300 s).
    #[serde(default = "defaults::cooldown")]
    pub cooldown_seconds: u32,
    #[serde(default)]
    pub metric_aggregation_type: MetricAggregationType,
}

/// A CloudWatch alarm on the service's `AWS/ECS` metric (dimensions ClusterName, ServiceName).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricAlarmSpec {
    pub name: String,
    pub metric: AlarmMetric,
    #[serde(default)]
    pub statistic: AlarmStatistic,
    /// ECS publishes its service metrics every minute; Orca models 60 s periods only.
    #[serde(default = "defaults::alarm_period")]
    pub period_seconds: u32,
    pub evaluation_periods: u32,
    /// M of the "M out of N" rule; CloudWatch's default is `evaluation_periods`.
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Percent.
    pub threshold: f64,
    pub comparison_operator: ComparisonOperator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlarmMetric {
    #[serde(rename = "CPUUtilization")]
    CpuUtilization,
    MemoryUtilization,
}

impl AlarmMetric {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmMetric::CpuUtilization => "CPUUtilization",
            AlarmMetric::MemoryUtilization => "MemoryUtilization",
        }
    }
}

/// The service's utilization metrics are averages over its tasks; Orca models `Average` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AlarmStatistic {
    #[default]
    Average,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComparisonOperator {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    /// The alarm goes to ALARM when the metric is above the threshold (a scale-out alarm).
    pub fn above(self) -> bool {
        matches!(
            self,
            ComparisonOperator::GreaterThanOrEqualToThreshold
                | ComparisonOperator::GreaterThanThreshold
        )
    }

    /// "at or above", "above", "below", "at or below".
    pub fn words(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "at or above",
            ComparisonOperator::GreaterThanThreshold => "above",
            ComparisonOperator::LessThanThreshold => "below",
            ComparisonOperator::LessThanOrEqualToThreshold => "at or below",
        }
    }

    /// Whether one datapoint breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => value >= threshold,
            ComparisonOperator::GreaterThanThreshold => value > threshold,
            ComparisonOperator::LessThanThreshold => value < threshold,
            ComparisonOperator::LessThanOrEqualToThreshold => value <= threshold,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

/// How Application Auto Scaling aggregates the alarm's datapoints into the value it compares
/// with the step bounds (AAS: null is treated as Average).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MetricAggregationType {
    #[default]
    Average,
    Minimum,
    Maximum,
}

/// Bounds relative to the alarm threshold (metric − threshold); a missing bound is infinity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustmentSpec {
    #[serde(default)]
    pub lower_bound: Option<f64>,
    #[serde(default)]
    pub upper_bound: Option<f64>,
    pub scaling_adjustment: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentConfigurationSpec {
    #[serde(default = "defaults::minimum_healthy_percent")]
    pub minimum_healthy_percent: u32,
    #[serde(default = "defaults::maximum_percent")]
    pub maximum_percent: u32,
    #[serde(default)]
    pub deployment_circuit_breaker: CircuitBreakerSpec,
}

impl Default for DeploymentConfigurationSpec {
    fn default() -> Self {
        DeploymentConfigurationSpec {
            minimum_healthy_percent: defaults::minimum_healthy_percent(),
            maximum_percent: defaults::maximum_percent(),
            deployment_circuit_breaker: CircuitBreakerSpec::default(),
        }
    }
}

/// Off by default, as in the API (the console turns it on).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerSpec {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    pub target_group: String,
    pub container_name: String,
    pub container_port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacementStrategy {
    /// Balance tasks over the values of a field.
    Spread(SpreadField),
    /// Place on the instance with the least of this resource left.
    Binpack(BinpackField),
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpreadField {
    /// `attribute:ecs.availability-zone`
    AvailabilityZone,
    /// `instanceId` (alias `host`)
    InstanceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinpackField {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlacementConstraint {
    /// Every task on a different instance.
    DistinctInstance,
    /// A cluster query language expression, e.g. `attribute:ecs.instance-type =~ t3.*` or
    /// `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`.
    MemberOf(String),
}

/// How long lifecycle steps take. AWS publishes no numbers; these ranges are Orca's model of
/// typical observations, and each task draws its own value (seeded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingsSpec {
    /// PROVISIONING: attaching the task's ENI (awsvpc).
    #[serde(default = "defaults::provisioning")]
    pub provisioning_seconds: (f64, f64),
    /// PENDING: pulling the image.
    #[serde(default = "defaults::image_pull")]
    pub image_pull_seconds: (f64, f64),
    /// ACTIVATING.
    #[serde(default = "defaults::activating")]
    pub activating_seconds: (f64, f64),
    /// ALB target registration before the first health check.
    #[serde(default = "defaults::registration")]
    pub target_registration_seconds: (f64, f64),
    /// From SIGTERM until a well-behaved application has exited.
    #[serde(default = "defaults::sigterm_exit")]
    pub sigterm_exit_seconds: (f64, f64),
    /// DEPROVISIONING: detaching the ENI.
    #[serde(default = "defaults::deprovisioning")]
    pub deprovisioning_seconds: (f64, f64),
    /// How long the service scheduler takes to react to a change.
    #[serde(default = "defaults::scheduler_reaction")]
    pub scheduler_reaction_seconds: f64,
    /// From an Auto Scaling group launching an EC2 instance until its ECS agent registers it.
    #[serde(default = "defaults::instance_launch")]
    pub instance_launch_seconds: (f64, f64),
}

impl Default for TimingsSpec {
    fn default() -> Self {
        TimingsSpec {
            provisioning_seconds: defaults::provisioning(),
            image_pull_seconds: defaults::image_pull(),
            activating_seconds: defaults::activating(),
            target_registration_seconds: defaults::registration(),
            sigterm_exit_seconds: defaults::sigterm_exit(),
            deprovisioning_seconds: defaults::deprovisioning(),
            scheduler_reaction_seconds: defaults::scheduler_reaction(),
            instance_launch_seconds: defaults::instance_launch(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Timeline

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// Seconds since the scenario started.
    pub at: f64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// `aws ecs update-service`: a new task definition, desired count or deployment settings.
    UpdateService {
        service: String,
        #[serde(default)]
        task_definition: Option<String>,
        #[serde(default)]
        desired_count: Option<u32>,
        #[serde(default)]
        force_new_deployment: bool,
        #[serde(default)]
        minimum_healthy_percent: Option<u32>,
        #[serde(default)]
        maximum_percent: Option<u32>,
    },
    /// `aws ecs stop-task` on running tasks of a service.
    StopTask {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
    },
    /// Running tasks of a service start failing their health checks (a dependency went down).
    FailHealthChecks {
        service: String,
        #[serde(default)]
        revision: Option<u32>,
        /// Share of the running tasks hit, 0 to 1.
        #[serde(default = "defaults::fraction")]
        fraction: f64,
        #[serde(default)]
        response: FailureResponse,
        /// Seconds until the application recovers; never if left out.
        #[serde(default)]
        recover_after: Option<f64>,
    },
    /// An essential container of running tasks exits.
    ContainerExits {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
        #[serde(default = "defaults::exit_code")]
        exit_code: i32,
    },
    /// Fargate Spot reclaims capacity: `count` running FARGATE_SPOT tasks of the service are
    /// interrupted (two-minute warning).
    SpotInterruption {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
    },
    /// An EC2 container instance is terminated.
    TerminateInstance {
        instance: String,
    },
    /// `aws ecs update-container-instances-state --status DRAINING`: nothing new is placed on
    /// the instance and its service tasks are replaced within the deployment configuration.
    DrainInstance {
        instance: String,
    },
    /// EC2 reclaims a Spot Instance: a two-minute interruption notice, then termination.
    SpotInstanceInterruption {
        instance: String,
    },
    /// An Availability Zone loses connectivity: its targets fail health checks and nothing new
    /// is placed there.
    ZoneOutage {
        zone: String,
    },
    ZoneRecovers {
        zone: String,
    },
    /// `kubectl set image deployment/<deployment> <container>=<image>`.
    SetImage {
        deployment: String,
        image: String,
    },
    /// `kubectl scale deployment/<deployment> --replicas=N`.
    ScaleDeployment {
        deployment: String,
        replicas: u32,
    },
    /// `kubectl rollout undo deployment/<deployment>`.
    RolloutUndo {
        deployment: String,
    },
    /// A caption for the learner, shown in the event log.
    Note(String),
}

// ---------------------------------------------------------------------------------------------
// Quizzes

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub id: String,
    pub question: String,
    pub choices: Vec<String>,
    /// Indices (from 0) of the correct choices.
    pub correct: Vec<usize>,
    pub explanation: String,
    pub trigger: Trigger,
    /// Ask just before the trigger's moment plays, so the learner predicts what happens.
    #[serde(default)]
    pub predict: bool,
    /// What to highlight; a `When` trigger highlights what its event names when this is omitted.
    #[serde(default)]
    pub focus: Option<Focus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// Seconds since the scenario started.
    At(f64),
    /// The first time the condition becomes true.
    When(Condition),
}

/// Moments a quiz can wait for. `service` and `revision` narrow the match when given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// A task is launched.
    TaskStarted {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task reaches RUNNING.
    TaskRunning {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task fails its container or load-balancer health checks.
    TaskUnhealthy {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// ECS decides to stop a task (desired status becomes STOPPED).
    TaskStopped {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task fails to start (it stops before reaching RUNNING).
    TaskFailedToStart {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A target becomes healthy in its target group.
    TargetHealthy {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// The service scheduler cannot place a task.
    PlacementFailed {
        #[serde(default)]
        service: Option<String>,
    },
    /// The deployment configuration allows neither a start nor a stop.
    DeploymentStuck {
        #[serde(default)]
        service: Option<String>,
    },
    /// The deployment circuit breaker marks a deployment FAILED.
    CircuitBreakerTripped {
        #[serde(default)]
        service: Option<String>,
    },
    /// ECS starts rolling back to the last completed deployment.
    RollbackStarted {
        #[serde(default)]
        service: Option<String>,
    },
    /// A deployment reaches COMPLETED.
    DeploymentCompleted {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// The service reports a steady state (after the start of the scenario).
    SteadyState {
        #[serde(default)]
        service: Option<String>,
    },
    /// EKS: a pod's container enters CrashLoopBackOff (the first `BackOff` event).
    PodCrashLoop,
    /// EKS: a readiness probe fails.
    ReadinessFailed,
    /// EKS: a liveness probe fails and the kubelet restarts the container.
    LivenessRestart,
    /// EKS: no node can take a pod (`FailedScheduling`).
    FailedScheduling,
    /// EKS: the Deployment exceeds its progress deadline.
    ProgressDeadlineExceeded,
    /// EKS: the deployment controller scales a ReplicaSet.
    ReplicaSetScaled,
    /// EKS: the HorizontalPodAutoscaler changes the replica count.
    HpaRescaled,
    /// ECS: Application Auto Scaling changes a service's desired count.
    ServiceScaled {
        #[serde(default)]
        service: Option<String>,
    },
    /// EKS: the Cluster Autoscaler asks for more nodes.
    ScaleUpTriggered,
    /// ECS: managed scaling makes an Auto Scaling group launch instances.
    CapacityScaledOut,
    /// ECS: managed scaling makes an Auto Scaling group terminate instances.
    CapacityScaledIn,
    /// EKS: Karpenter nominates a pending pod to a NodeClaim it launches (`Nominated`).
    PodNominated,
    /// EKS: Karpenter starts disrupting a node to consolidate (`DisruptionTerminating`).
    NodeDisrupted,
}

/// What a quiz is about, highlighted on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Focus {
    Service(String),
    TargetGroup(String),
    Instance(String),
    Zone(String),
    /// The tasks of one revision of a service's task definition.
    Revision {
        service: String,
        revision: u32,
    },
}

/// Default values, kept in one place so the README's table and the code agree.
pub mod defaults {
    pub fn target_capacity() -> u32 {
        100
    }
    pub fn maximum_scaling_step_size() -> u32 {
        10_000
    }
    pub fn instance_warmup_period() -> u32 {
        300
    }
    /// Boot plus ECS agent registration [model: typically one to two minutes].
    pub fn instance_launch() -> (f64, f64) {
        (70.0, 100.0)
    }
    pub fn node_pool_name() -> String {
        "default".into()
    }
    pub fn karpenter_instance_types() -> Vec<String> {
        crate::aws::instance_types::all()
            .iter()
            .filter(|t| ['c', 'm', 'r'].iter().any(|c| t.name.starts_with(*c)))
            .map(|t| t.name.to_string())
            .collect()
    }
    pub fn budget_nodes() -> String {
        "10%".into()
    }
    pub fn duration() -> f64 {
        900.0
    }
    pub fn progress_deadline() -> u32 {
        600
    }
    pub fn revision_history_limit() -> u32 {
        10
    }
    pub fn hpa_target() -> u32 {
        80
    }
    /// Application Auto Scaling cooldowns for ECS services: 300 s.
    pub fn cooldown() -> u32 {
        300
    }
    /// CloudWatch alarm period on ECS service metrics: one minute.
    pub fn alarm_period() -> u32 {
        60
    }
    pub fn cpu_request() -> u32 {
        250
    }
    pub fn memory_request() -> u32 {
        256
    }
    pub fn k8s_port() -> u16 {
        8080
    }
    pub fn k8s_startup() -> u32 {
        5
    }
    pub fn region() -> String {
        "us-east-1".into()
    }
    pub fn account_id() -> String {
        "123456789012".into()
    }
    pub fn zones() -> Vec<String> {
        vec![
            "us-east-1a".into(),
            "us-east-1b".into(),
            "us-east-1c".into(),
        ]
    }
    pub fn one() -> u32 {
        1
    }
    pub fn yes() -> bool {
        true
    }
    pub fn fraction() -> f64 {
        1.0
    }
    pub fn exit_code() -> i32 {
        1
    }
    pub fn startup_seconds() -> f64 {
        5.0
    }
    /// Container health check: interval 30 s, timeout 5 s, retries 3, start period off.
    pub fn hc_interval() -> u32 {
        30
    }
    pub fn hc_timeout() -> u32 {
        5
    }
    pub fn hc_retries() -> u32 {
        3
    }
    pub fn port() -> u16 {
        80
    }
    pub fn path() -> String {
        "/".into()
    }
    /// ALB health check (HTTP, instance and ip targets): 30 s, 5 s, healthy 5, unhealthy 2, 200.
    pub fn tg_interval() -> u32 {
        30
    }
    pub fn tg_timeout() -> u32 {
        5
    }
    pub fn tg_healthy_threshold() -> u32 {
        5
    }
    pub fn tg_unhealthy_threshold() -> u32 {
        2
    }
    pub fn matcher() -> String {
        "200".into()
    }
    /// `deregistration_delay.timeout_seconds`.
    pub fn deregistration_delay() -> u32 {
        300
    }
    /// REPLICA services.
    pub fn minimum_healthy_percent() -> u32 {
        100
    }
    pub fn maximum_percent() -> u32 {
        200
    }
    pub fn provisioning() -> (f64, f64) {
        (4.0, 12.0)
    }
    pub fn image_pull() -> (f64, f64) {
        (6.0, 20.0)
    }
    pub fn activating() -> (f64, f64) {
        (1.0, 3.0)
    }
    pub fn registration() -> (f64, f64) {
        (5.0, 15.0)
    }
    pub fn sigterm_exit() -> (f64, f64) {
        (1.0, 3.0)
    }
    pub fn deprovisioning() -> (f64, f64) {
        (5.0, 12.0)
    }
    pub fn scheduler_reaction() -> f64 {
        1.0
    }
}
