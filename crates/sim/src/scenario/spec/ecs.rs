//! The ECS world: what it holds, and how long the lifecycle steps of its tasks take.

use super::{
    CapacitySpec, ClusterSpec, EcrSpec, IamSpec, ServiceSpec, TargetGroupSpec, TaskDefinitionSpec,
    defaults,
};
use serde::{Deserialize, Serialize};

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
    /// Amazon ECR: repositories the task definitions' images may name.
    #[serde(default, skip_serializing_if = "EcrSpec::is_empty")]
    pub ecr: EcrSpec,
    /// AWS Cloud Map namespaces and services for ECS service discovery.
    #[serde(default, skip_serializing_if = "super::ServiceDiscoverySpec::is_empty")]
    pub service_discovery: super::ServiceDiscoverySpec,
    /// Amazon EFS file systems the task definitions' volumes may mount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub efs_file_systems: Vec<super::EfsFileSystemSpec>,
    /// Roles, the instance role and instance metadata, and the application's AWS calls.
    #[serde(
        default,
        skip_serializing_if = "crate::scenario::spec::IamSpec::is_empty"
    )]
    pub iam: IamSpec,
    /// AWS Config managed rules evaluated on the task definitions (`ecs-containers-nonprivileged`,
    /// ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_rules: Vec<String>,
    /// The cluster setting `containerInsights` is `enabled`: ECS publishes Container Insights
    /// metrics for the cluster, its services and task definition families once a minute.
    #[serde(default)]
    pub container_insights: bool,
    /// Amazon GuardDuty: the account's detector and its Runtime Monitoring for Fargate tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardduty: Option<super::EcsGuardDutySpec>,
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
