//! The range of every whole number in a scenario file, with where it comes from: the AWS or
//! Kubernetes limit when one is published, otherwise Orca's own cap and why. Validation checks
//! values against these ranges, so nothing it accepts can overflow the engine's arithmetic; when
//! a number does not even fit its field (RON's "integer out of bounds"), the message states the
//! same range ([`of`]), so the reader is told one thing.
//!
//! Numbers with a fraction (seconds, shares, percentages of utilization) are checked where
//! they are validated; each has an upper bound there too.

use std::fmt;

use super::locate::Step;

/// A range of whole numbers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i128,
    pub max: i128,
    /// Said after the range in messages, when one place takes two kinds of number.
    pub note: &'static str,
}

impl Range {
    const fn new(min: i128, max: i128) -> Range {
        Range { min, max, note: "" }
    }

    pub fn contains(&self, value: impl Into<i128>) -> bool {
        (self.min..=self.max).contains(&value.into())
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}{}", self.min, self.max, self.note)
    }
}

/// Kubernetes API fields typed `int32` (replicas, minReadySeconds, the integer form of
/// maxSurge…) take at most 2,147,483,647 (Kubernetes API reference, DeploymentSpec).
const INT32: i128 = i32::MAX as i128;

/// A day: scenarios are lessons, not soak tests. Orca's cap for times no API bounds.
pub const DAY_SECONDS: i128 = 86_400;

// ---------------------------------------------------------------------------------------------
// The scenario

/// Only version 1 of the format exists.
pub const VERSION: Range = Range::new(1, 1);
/// Any 64-bit seed.
pub const SEED: Range = Range::new(0, u64::MAX as i128);

// ---------------------------------------------------------------------------------------------
// ECS capacity

/// "Container instances per cluster: 5,000" (Amazon ECS endpoints and quotas).
pub const INSTANCE_COUNT: Range = Range::new(1, 5_000);
/// Instances in one Auto Scaling group: Orca's cap (EC2 Auto Scaling documents none below the
/// account's instance quota); several groups stay within [`INSTANCE_COUNT`] in all.
pub const ASG_SIZE: Range = Range::new(0, 1_000);
pub const ASG_MAX_SIZE: Range = Range::new(1, ASG_SIZE.max);
/// `managedScaling.targetCapacity`: 1–100 (Amazon ECS API Reference, ManagedScaling).
pub const TARGET_CAPACITY: Range = Range::new(1, 100);
/// `minimumScalingStepSize` / `maximumScalingStepSize`: 1–10,000 (Amazon ECS API Reference,
/// ManagedScaling).
pub const SCALING_STEP_SIZE: Range = Range::new(1, 10_000);
/// `instanceWarmupPeriod`: 0–10,000 seconds (Amazon ECS API Reference, ManagedScaling).
pub const INSTANCE_WARMUP: Range = Range::new(0, 10_000);

// ---------------------------------------------------------------------------------------------
// Task definitions

/// "Revisions per task definition family: 1,000,000" (Amazon ECS endpoints and quotas).
pub const REVISION: Range = Range::new(1, 1_000_000);
/// Task-level CPU units on EC2: "between 128 CPU units (0.125 vCPUs) and 196608 CPU units
/// (192 vCPUs)" (Amazon ECS API Reference, TaskDefinition); Fargate sizes are checked on top.
/// Orca accepts from 1, as it did before the maximum was added. A container cannot reserve
/// more than a task can hold, so container CPU shares the maximum.
pub const TASK_CPU: Range = Range::new(1, 196_608);
pub const CONTAINER_CPU: Range = Range::new(0, 196_608);
/// Memory in MiB, task or container: AWS documents no maximum on EC2 (Fargate's largest task
/// has 120 GiB, checked with the Fargate sizes). Orca's cap is 1 TiB, above any instance type
/// it knows, so a task too large for the cluster can still be taught.
pub const MEMORY_MIB: Range = Range::new(1, 1_048_576);
/// Container and host ports.
pub const PORT: Range = Range::new(1, 65_535);
/// Container health check `interval`, `timeout`, `retries`, `startPeriod` (Amazon ECS API
/// Reference, HealthCheck).
pub const HC_INTERVAL: Range = Range::new(5, 300);
pub const HC_TIMEOUT: Range = Range::new(2, 60);
pub const HC_RETRIES: Range = Range::new(1, 10);
pub const HC_START_PERIOD: Range = Range::new(0, 300);
/// `stopTimeout` on Fargate: "the max stop timeout value is 120 seconds" (Amazon ECS API
/// Reference, ContainerDefinition). On EC2 the agent's setting applies and AWS documents no
/// maximum; Orca's cap is a day, longer than any scenario.
pub const FARGATE_STOP_TIMEOUT: Range = Range::new(0, 120);
pub const STOP_TIMEOUT: Range = Range::new(0, DAY_SECONDS);
/// Container restart policy `restartAttemptPeriod`: "a minimum restartAttemptPeriod of 60
/// seconds and a maximum restartAttemptPeriod of 1800 seconds"; `ignoredExitCodes`: "a
/// maximum of 50 container exit codes" (Amazon ECS API Reference, ContainerRestartPolicy).
pub const RESTART_ATTEMPT_PERIOD: Range = Range::new(60, 1_800);
pub const IGNORED_EXIT_CODES: usize = 50;
/// Container `startTimeout`: "The valid values for Fargate are 2-120 seconds" (Amazon ECS API
/// Reference, ContainerDefinition); Orca applies that range on every launch type.
pub const START_TIMEOUT: Range = Range::new(2, 120);
/// `dependsOn` entries of one container: at most one per other container of the task (10).
pub const DEPENDS_ON: usize = 9;
/// Init containers of one pod template (Orca's cap) and how long one runs (a day).
pub const INIT_CONTAINERS: usize = 10;
pub const INIT_RUNS: Range = Range::new(0, DAY_SECONDS);
/// App containers of one pod template after the first (Orca's cap).
pub const APP_CONTAINERS: usize = 10;
/// Seconds a native sidecar or further app container needs to answer: under the 300 s a
/// startup probe allows (failureThreshold 30 × periodSeconds 10, Kubernetes documentation,
/// "Configure Liveness, Readiness and Startup Probes"); Orca applies the bound with or
/// without one.
pub const SIDE_STARTUP: Range = Range::new(0, 290);
/// When such a container exits or its readiness starts failing, after its start (a day).
pub const SIDE_AFTER: Range = Range::new(1, DAY_SECONDS);
/// A container's exit code. POSIX `exit()` (The Open Group Base Specifications): only the
/// least significant 8 bits of the status reach the parent, so Docker and ECS report 0–255.
pub const EXIT_CODE: Range = Range::new(0, 255);
/// An HTTP status code an application answers with.
pub const HTTP_STATUS: Range = Range::new(100, 599);

// ---------------------------------------------------------------------------------------------
// Target groups (Elastic Load Balancing, Application Load Balancers: health checks for target
// groups; target group attributes)

pub const TG_INTERVAL: Range = Range::new(5, 300);
pub const TG_TIMEOUT: Range = Range::new(2, 120);
pub const TG_THRESHOLD: Range = Range::new(2, 10);
/// `deregistration_delay.timeout_seconds`: 0–3,600.
pub const DEREGISTRATION_DELAY: Range = Range::new(0, 3_600);

// ---------------------------------------------------------------------------------------------
// Services

/// "Tasks per service: 5,000" (Amazon ECS endpoints and quotas): desired counts, auto scaling
/// capacities and the tasks one timeline action touches.
pub const DESIRED_COUNT: Range = Range::new(0, 5_000);
pub const TASK_ACTION_COUNT: Range = Range::new(1, 5_000);
/// `minimumHealthyPercent`: 0–100 for REPLICA services; `maximumPercent`: at least 100, and
/// AWS documents no maximum, so Orca's cap is 1,000 (Amazon ECS API Reference,
/// DeploymentConfiguration).
pub const MINIMUM_HEALTHY_PERCENT: Range = Range::new(0, 100);
pub const MAXIMUM_PERCENT: Range = Range::new(100, 1_000);
/// `healthCheckGracePeriodSeconds`: "The maximum is 2,147,483,647" (Amazon ECS API Reference,
/// CreateService).
pub const GRACE_PERIOD: Range = Range::new(0, i32::MAX as i128);
/// Capacity provider strategy `base`: 0–100,000, `weight`: 0–1,000 (Amazon ECS API Reference,
/// CapacityProviderStrategyItem).
pub const CP_BASE: Range = Range::new(0, 100_000);
pub const CP_WEIGHT: Range = Range::new(0, 1_000);

// ---------------------------------------------------------------------------------------------
// Service auto scaling

/// Cooldowns: Application Auto Scaling documents none above 0; Orca's cap is a day.
pub const COOLDOWN: Range = Range::new(0, DAY_SECONDS);
/// `MinAdjustmentMagnitude`: no published maximum; a step never needs to change more tasks
/// than a service may have (Orca's cap).
pub const MIN_ADJUSTMENT_MAGNITUDE: Range = Range::new(1, 5_000);
/// `ScalingAdjustment`: no published bound. Orca's cap: a change or exact count of at most the
/// 5,000 tasks a service may have, or ±10,000 % (a hundredfold) for percent changes.
pub const SCALING_ADJUSTMENT: Range = Range::new(-10_000, 10_000);
/// CloudWatch alarm `Period`: ECS publishes its service metrics every minute and Orca models
/// that period only.
pub const ALARM_PERIOD: Range = Range::new(60, 60);
/// CloudWatch: `EvaluationPeriods × Period` may not exceed one day (Amazon CloudWatch API
/// Reference, PutMetricAlarm), so 1,440 one-minute periods; `DatapointsToAlarm` is at most
/// that.
pub const EVALUATION_PERIODS: Range = Range::new(1, 1_440);

// ---------------------------------------------------------------------------------------------
// Blue/green deployments

/// `terminationWaitTimeInMinutes`: "The maximum setting is 2880 minutes (2 days)" (CodeDeploy
/// API Reference, BlueInstanceTerminationOption).
pub const TERMINATION_WAIT_MINUTES: Range = Range::new(0, 2_880);
/// `deploymentReadyOption.waitTimeInMinutes` for an ECS deployment group: up to 120 hours
/// (CodeDeploy User Guide, "Create a deployment group for an Amazon ECS deployment": traffic
/// rerouting "Specify when to reroute traffic").
pub const READY_WAIT_MINUTES: Range = Range::new(0, 7_200);
/// `bakeTimeInMinutes`, `stepBakeTimeInMinutes`, `canaryBakeTimeInMinutes`: 0–1,440 (Amazon ECS
/// API Reference, DeploymentConfiguration, LinearConfiguration, CanaryConfiguration).
pub const BAKE_MINUTES: Range = Range::new(0, 1_440);
/// A lifecycle hook must report within an hour ("the deployment fails if the hook does not
/// call PutLifecycleEventHookExecutionStatus within one hour", CodeDeploy User Guide, AppSpec
/// hooks; a lifecycle event lasts at most 3,600 s, CodeDeploy quotas).
pub const HOOK_SECONDS: Range = Range::new(0, 3_600);
/// `timeoutConfiguration.timeoutInMinutes` of an ECS lifecycle hook: 1–20,160 (Amazon ECS API
/// Reference, DeploymentLifecycleHookTimeoutConfiguration).
pub const HOOK_TIMEOUT_MINUTES: Range = Range::new(1, 20_160);
/// A scripted `callBackDelay`: at least a second, so an `IN_PROGRESS` loop always moves time
/// forward, at most 15 minutes (Orca's bound; AWS publishes none).
pub const CALL_BACK_SECONDS: Range = Range::new(1, 900);
/// Scripted answers of one hook (Orca's bound; the last answer repeats).
pub const HOOK_ANSWERS: usize = 20;
/// "A maximum of 10 alarms can be added" (CodeDeploy API Reference, AlarmConfiguration).
pub const DEPLOYMENT_ALARMS: usize = 10;
/// Requests per second a blue/green service's listener receives: Orca's cap.
pub const MAX_REQUESTS_PER_SECOND: f64 = 1_000_000.0;

// ---------------------------------------------------------------------------------------------
// EKS

/// Nodes in one managed node group, and Deployment replicas: Orca's cap (the APIs allow
/// thousands of nodes and an int32 of replicas).
pub const NODE_COUNT: Range = Range::new(1, 1_000);
pub const NODE_BOUND: Range = Range::new(0, 1_000);
pub const REPLICAS: Range = Range::new(0, 1_000);
/// `maxSurge` / `maxUnavailable` as a count: an int32 in the Kubernetes API (API reference,
/// RollingUpdateDeployment), capped by Orca at its replica cap: a larger surge changes no
/// rollout, but when replicas change mid-rollout proportional scaling hands the largest
/// ReplicaSet the leftover of `replicas + maxSurge` (the controller's `scale`), which would
/// make billions of pods. As a percentage Orca takes 0–100.
pub const SURGE_COUNT: Range = Range {
    min: 0,
    max: REPLICAS.max,
    note: " for Count, 0–100 for Percent",
};
pub const SURGE_PERCENT: Range = Range::new(0, 100);
/// `minReadySeconds`, `progressDeadlineSeconds`, `revisionHistoryLimit`: int32 (Kubernetes API
/// reference, DeploymentSpec).
pub const K8S_INT32: Range = Range::new(0, INT32);
/// `kubectl rollout undo --to-revision`: a Deployment revision (an int64 annotation in
/// Kubernetes; Orca's Deployments never reach this many rollouts), 0 meaning the previous one.
pub const K8S_REVISION: Range = Range::new(0, INT32);
/// Container requests: Orca's caps, above the largest node Orca knows.
pub const CPU_MILLICORES: Range = Range::new(1, 64_000);
pub const K8S_MEMORY_MIB: Range = Range::new(4, 512_000);
/// HorizontalPodAutoscaler `minReplicas` / `maxReplicas` (Orca's cap, as for replicas) and the
/// CPU utilization target in percent of the request.
pub const HPA_REPLICAS: Range = Range::new(1, 1_000);
pub const HPA_TARGET: Range = Range::new(1, 1_000);
/// `spec.behavior` as Kubernetes validates `HPAScalingRules`: a stabilization window of at most
/// one hour, a policy period of at most 30 minutes, a positive policy value (Orca caps it)
/// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior).
pub const HPA_STABILIZATION: Range = Range::new(0, 3_600);
pub const HPA_POLICY_PERIOD: Range = Range::new(1, 1_800);
pub const HPA_POLICY_VALUE: Range = Range::new(1, 100_000);
/// An EBS volume's size in GiB: gp3, gp2, io1 and io2 take 1 GiB to 16 TiB; st1 and sc1 need
/// 125 GiB at least (Amazon EBS User Guide, "Amazon EBS volume types",
/// https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html).
pub const EBS_SIZE_GIB: Range = Range::new(1, 16_384);
/// The minor version of a `1.N` Kubernetes version Orca accepts: the EKS releases from 1.23
/// (Orca's wording covers them) to 1.35.
pub const KUBERNETES_MINOR: Range = Range::new(23, 35);
/// Fargate ephemeral storage `sizeInGiB`: 21–200 (ECS API EphemeralStorage; 20 is the
/// default when it is left out).
pub const EPHEMERAL_STORAGE_GIB: Range = Range::new(21, 200);
/// EFS file systems and task definition volumes: Orca's caps. Files on a file system and
/// written per task-minute, and their size: Orca's caps, so that a day of a thousand tasks
/// cannot overflow the counts.
pub const FILE_SYSTEMS: Range = Range::new(0, 20);
pub const TASK_VOLUMES: Range = Range::new(0, 20);
pub const EFS_FILES: Range = Range::new(0, 100_000_000);
pub const EFS_FILES_PER_MINUTE: Range = Range::new(0, 100_000);
pub const EFS_FILE_KIB: Range = Range::new(1, 1_048_576);
/// Cloud Map namespaces and services in one scenario: Orca's caps. A DNS record's TTL:
/// 0–2,147,483,647 seconds (AWS Cloud Map API Reference, DnsRecord). Tasks of a service that
/// uses service discovery: at most 1,000, a Route 53 quota (Amazon ECS Developer Guide,
/// "Service discovery considerations").
pub const NAMESPACES: Range = Range::new(0, 20);
pub const DISCOVERY_SERVICES: Range = Range::new(0, 50);
pub const DNS_TTL: Range = Range::new(0, i32::MAX as i128);
pub const DISCOVERY_TASKS: i128 = 1_000;
/// StorageClasses and PersistentVolumeClaims in one scenario: Orca's caps.
pub const STORAGE_CLASSES: Range = Range::new(0, 20);
pub const CLAIMS: Range = Range::new(0, 100);
/// Seconds until an image's application answers, crashes or runs out of memory: Orca's caps.
pub const STARTUP_SECONDS: Range = Range::new(0, 3_600);
pub const AFTER_SECONDS: Range = Range::new(0, DAY_SECONDS);
/// Karpenter `limits.cpu` in vCPUs (Orca's cap) and `consolidateAfter` (a day).
pub const CPU_LIMIT: Range = Range::new(0, 100_000);
pub const CONSOLIDATE_AFTER: Range = Range::new(0, DAY_SECONDS);
/// Karpenter `expireAfter` in seconds: from 1 s to 10 years (Orca's cap; `None` is Never).
pub const EXPIRE_AFTER: Range = Range::new(1, 3_650 * DAY_SECONDS);
/// `SpotInterruptNodeClaim`'s NodeClaim number, counted from 0 in creation order (Orca's cap).
pub const NODECLAIM_INDEX: Range = Range::new(0, 9_999);

// ---------------------------------------------------------------------------------------------
// Quizzes

/// A quiz has at most 9 choices (keys 1–9 pick them), numbered from 0.
pub const CHOICE_INDEX: Range = Range::new(0, 8);

/// The range of the whole number at `pattern`, its place in the file with list indices left
/// out (`world.services[].desired_count`; see [`pattern`]).
pub fn of(pattern: &str) -> Option<Range> {
    let (parent, field) = pattern.rsplit_once('.').unwrap_or(("", pattern));
    Some(match (parent, field) {
        ("", "version") => VERSION,
        ("", "seed") => SEED,
        ("world.capacity.instances[]", "count") => INSTANCE_COUNT,
        ("world.capacity.auto_scaling_groups[]", "min_size" | "desired_capacity") => ASG_SIZE,
        ("world.capacity.auto_scaling_groups[]", "max_size") => ASG_MAX_SIZE,
        (_, "target_capacity") => TARGET_CAPACITY,
        (_, "minimum_scaling_step_size" | "maximum_scaling_step_size") => SCALING_STEP_SIZE,
        (_, "instance_warmup_period") => INSTANCE_WARMUP,
        ("world.task_definitions[]", "cpu") => TASK_CPU,
        ("world.task_definitions[]", "memory") => MEMORY_MIB,
        ("world.task_definitions[].containers[]", "cpu") => CONTAINER_CPU,
        ("world.task_definitions[].containers[]", "memory" | "memory_reservation") => MEMORY_MIB,
        ("world.task_definitions[].containers[]", "stop_timeout") => STOP_TIMEOUT,
        ("world.task_definitions[].containers[]", "start_timeout") => START_TIMEOUT,
        (_, "runs_seconds") => INIT_RUNS,
        (_, "revision") => REVISION,
        ("timeline[].action", "to_revision") => K8S_REVISION,
        (_, "port" | "host_port" | "container_port") => PORT,
        ("world.task_definitions[].containers[].health_check", "interval") => HC_INTERVAL,
        ("world.task_definitions[].containers[].health_check", "timeout") => HC_TIMEOUT,
        ("world.task_definitions[].containers[].health_check", "retries") => HC_RETRIES,
        ("world.task_definitions[].containers[].health_check", "start_period") => HC_START_PERIOD,
        (_, "exit_code" | "ignored_exit_codes[]") => EXIT_CODE,
        ("world.task_definitions[].containers[].restart_policy", "restart_attempt_period") => {
            RESTART_ATTEMPT_PERIOD
        }
        (_, "response" | "readiness_fails_with" | "liveness_fails_with") => HTTP_STATUS,
        (_, "interval_seconds") => TG_INTERVAL,
        ("world.service_discovery.services[].dns_records[]", "ttl") => DNS_TTL,
        (_, "timeout_seconds") => TG_TIMEOUT,
        (_, "healthy_threshold_count" | "unhealthy_threshold_count") => TG_THRESHOLD,
        (_, "deregistration_delay_seconds") => DEREGISTRATION_DELAY,
        ("world.services[]" | "timeline[].action", "desired_count") => DESIRED_COUNT,
        ("world.services[].auto_scaling", "min_capacity" | "max_capacity") => DESIRED_COUNT,
        ("timeline[].action", "count") => TASK_ACTION_COUNT,
        (_, "minimum_healthy_percent") => MINIMUM_HEALTHY_PERCENT,
        (_, "maximum_percent") => MAXIMUM_PERCENT,
        (_, "health_check_grace_period_seconds") => GRACE_PERIOD,
        (_, "base") => CP_BASE,
        (_, "weight") => CP_WEIGHT,
        (_, "scale_out_cooldown_seconds" | "scale_in_cooldown_seconds" | "cooldown_seconds") => {
            COOLDOWN
        }
        (_, "min_adjustment_magnitude") => MIN_ADJUSTMENT_MAGNITUDE,
        (_, "scaling_adjustment") => SCALING_ADJUSTMENT,
        (_, "period_seconds") => ALARM_PERIOD,
        (_, "evaluation_periods" | "datapoints_to_alarm") => EVALUATION_PERIODS,
        ("world.node_groups[]", "count") => NODE_COUNT,
        ("world.node_groups[]", "min" | "max") => NODE_BOUND,
        ("world.deployments[]" | "timeline[].action", "replicas") => REPLICAS,
        (_, "max_surge" | "max_unavailable") => SURGE_COUNT,
        (_, "min_ready_seconds" | "progress_deadline_seconds" | "revision_history_limit") => {
            K8S_INT32
        }
        ("world.persistent_volume_claims[]", "storage_gib") => EBS_SIZE_GIB,
        (_, "ephemeral_storage_gib") => EPHEMERAL_STORAGE_GIB,
        ("world.efs_file_systems[]", "files") => EFS_FILES,
        ("world.efs_file_systems[]", "files_per_task_minute") => EFS_FILES_PER_MINUTE,
        ("world.efs_file_systems[]", "file_size_kib") => EFS_FILE_KIB,
        ("world.deployments[].container", "cpu") => CPU_MILLICORES,
        ("world.deployments[].container", "memory") => K8S_MEMORY_MIB,
        (_, "min_replicas" | "max_replicas") => HPA_REPLICAS,
        ("world.deployments[].hpa", "target_cpu_utilization") => HPA_TARGET,
        ("world.images[]", "startup_seconds") => STARTUP_SECONDS,
        (
            "world.deployments[].init_containers[]" | "world.deployments[].containers[]",
            "startup_seconds",
        ) => SIDE_STARTUP,
        (
            "world.deployments[].init_containers[]" | "world.deployments[].containers[]",
            "crashes_after_seconds" | "not_ready_after_seconds",
        ) => SIDE_AFTER,
        ("world.images[]", "crashes_after_seconds" | "oom_after_seconds") => AFTER_SECONDS,
        (_, "cpu_limit") => CPU_LIMIT,
        (_, "consolidate_after") => CONSOLIDATE_AFTER,
        (_, "expire_after") => EXPIRE_AFTER,
        ("timeline[].action", "nodeclaim") => NODECLAIM_INDEX,
        ("quizzes[]", "correct[]") => CHOICE_INDEX,
        _ => return None,
    })
}

/// A route into the file as [`of`] knows it: `world.services[].desired_count`.
pub fn pattern(route: &[Step]) -> String {
    let mut out = String::new();
    for s in route {
        match s {
            Step::Field(f) if out.is_empty() => out.push_str(f),
            Step::Field(f) => {
                out.push('.');
                out.push_str(f);
            }
            Step::Index(_) => out.push_str("[]"),
        }
    }
    out
}
